"""The manifest says an items file is in the corpus only once its rows are on disk: every part
is fsynced before it is renamed, and its folder after, before the manifest moves past it (a
power cut must not leave a manifest naming empty parts, which no build would write again)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from archive.corpus import MANIFEST, build_corpus
from tests.archive.corpus_data import several_runs


@pytest.fixture()
def events(monkeypatch) -> list[tuple[str, str]]:
    """("fsync", path) and ("replace", destination) in the order the build makes them."""
    seen: list[tuple[str, str]] = []
    fsync, replace = os.fsync, os.replace

    def traced_fsync(fd: int) -> None:
        seen.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        fsync(fd)

    def traced_replace(src, dst, **kwargs) -> None:
        replace(src, dst, **kwargs)
        seen.append(("replace", str(dst)))

    monkeypatch.setattr(os, "fsync", traced_fsync)
    monkeypatch.setattr(os, "replace", traced_replace)
    return seen


def test_every_part_is_on_disk_before_the_manifest_names_it(tmp_path: Path, events) -> None:
    several_runs(tmp_path / "data")
    corpus = tmp_path / "corpus"
    build_corpus(tmp_path / "data", corpus)
    manifest = json.loads((corpus / MANIFEST).read_text())
    parts = [str(corpus / p) for e in manifest["files"].values() for p in e["parts"]]
    assert len(parts) == 3
    saves = [i for i, (kind, path) in enumerate(events)
             if kind == "replace" and path == str(corpus / MANIFEST)]
    for part in parts:
        renamed = events.index(("replace", part))
        assert ("fsync", part + ".tmp") in events[:renamed], part
        folder = events.index(("fsync", str(Path(part).parent)), renamed)
        assert any(folder < save for save in saves), part
    # the derived files a build writes are read by the next build: on disk before it ends
    for derived in (corpus / "families" / "families.parquet", corpus / "edits" / "edits-0.parquet"):
        assert ("fsync", str(derived) + ".tmp") in events, derived


def test_the_removals_table_is_on_disk_before_the_manifest_records_its_digest(
        tmp_path: Path, events) -> None:
    """The manifest's removals digest makes the next builds keep the table as it is: a table
    lost to a power cut after that save would stay empty until the removals files change."""
    from tests.archive.test_corpus_removals import DAY2, observation, write

    several_runs(tmp_path / "data")
    write(tmp_path / "data", "belta-2026-01-07T00-00-00+00-00-11.jsonl",
          [observation(3, "removed", DAY2, 410)])
    corpus = tmp_path / "corpus"
    assert build_corpus(tmp_path / "data", corpus).removals == 1
    table = str(corpus / "removals" / "removals.parquet")
    renamed = events.index(("replace", table))
    assert ("fsync", table + ".tmp") in events[:renamed]
    folder = events.index(("fsync", str(Path(table).parent)), renamed)
    last_save = max(i for i, (kind, path) in enumerate(events)
                    if kind == "replace" and path == str(corpus / MANIFEST))
    assert folder < last_save


def test_a_killed_builds_edits_temp_file_is_removed_by_the_next_build(tmp_path: Path) -> None:
    """``edits-<stamp>.parquet.tmp`` has a new stamp each build, so nothing writes its name
    again: the next build (under the lock) deletes what a killed one left."""
    from tests.archive.corpus_data import duck
    several_runs(tmp_path / "data")
    corpus = tmp_path / "corpus"
    build_corpus(tmp_path / "data", corpus)
    edits = duck(corpus).execute("SELECT id, version, diff FROM edits ORDER BY ALL").fetchall()
    assert edits
    orphan = corpus / "edits" / "edits-20260101000000000000.parquet.tmp"
    orphan.write_bytes(b"PAR1 half written by a build that was killed")
    other = corpus / "edits" / "notes.tmp"  # not a build's: left alone
    other.write_text("mine")
    build_corpus(tmp_path / "data", corpus)
    assert sorted(p.name for p in (corpus / "edits").iterdir()
                  if p.name.endswith(".tmp")) == ["notes.tmp"]
    assert duck(corpus).execute("SELECT id, version, diff FROM edits ORDER BY ALL").fetchall() \
        == edits


def _one_line_files(data: Path, count: int) -> None:
    """``count`` items files of one article each, as hourly runs of small outlets write."""
    from tests.archive.corpus_data import START, Newsroom, belta_url, write_run
    room = Newsroom()
    for n in range(count):
        write_run(data, f"belta{n:04d}", START,
                  [room.capture(belta_url(n), "belta", "T", [f"Текст {n}."], START, START)])


def test_the_manifest_is_not_rewritten_after_every_file(tmp_path: Path, events) -> None:
    """Rewriting and fsyncing the whole manifest after each file made a first build over
    thousands of files quadratic: it is saved at checkpoints and at the end."""
    _one_line_files(tmp_path / "data", 60)
    corpus = tmp_path / "corpus"
    report = build_corpus(tmp_path / "data", corpus)
    assert report.rows == 60 and report.files_ingested == 60
    saves = [path for kind, path in events if kind == "replace" and path == str(corpus / MANIFEST)]
    assert 1 <= len(saves) <= 3  # the files' checkpoint(s) and the removals' save
    assert len(json.loads((corpus / MANIFEST).read_text())["files"]) == 60


def test_a_build_that_dies_between_checkpoints_is_redone_without_doubling(
        tmp_path: Path, monkeypatch) -> None:
    """A build dying after 25 files with checkpoints every 10 has recorded 20 of them; the
    rerun reads the 5 others again (into the same parts) and the rest, each row once."""
    import archive.corpus as corpus_module
    from tests.archive.corpus_data import duck
    _one_line_files(tmp_path / "data", 40)
    corpus = tmp_path / "corpus"
    monkeypatch.setattr(corpus_module, "CHECKPOINT_FILES", 10)
    monkeypatch.setattr(corpus_module, "CHECKPOINT_SHARE", 0)
    ingest, calls = corpus_module._ingest_one, [0]

    def dies_after_25(*args, **kwargs):
        calls[0] += 1
        if calls[0] == 26:
            raise KeyboardInterrupt  # the build stops here, as a kill would
        return ingest(*args, **kwargs)

    monkeypatch.setattr(corpus_module, "_ingest_one", dies_after_25)
    with pytest.raises(KeyboardInterrupt):
        build_corpus(tmp_path / "data", corpus)
    assert len(json.loads((corpus / MANIFEST).read_text())["files"]) == 20
    monkeypatch.setattr(corpus_module, "_ingest_one", ingest)
    report = build_corpus(tmp_path / "data", corpus)
    assert report.rows == 20 and report.files_ingested == 20
    con = duck(corpus)
    assert con.execute("SELECT count(*), count(DISTINCT id) FROM versions").fetchone() == (40, 40)
    assert sorted(r[0] for r in con.execute("SELECT text FROM versions").fetchall()) == sorted(
        f"Текст {n}." for n in range(40))


def test_a_stopped_builds_rejects_are_not_appended_twice(tmp_path: Path, monkeypatch) -> None:
    """A build stopped after it appended a file's rejected lines to ``_rejects.jsonl`` and
    before its manifest moved past that file: the next build reads the file again and
    reported its lines again, appended a second time."""
    import archive.corpus as corpus_module
    from tests.archive.corpus_data import START, write_run
    from tests.archive.test_corpus_hostile import _item

    bad = write_run(tmp_path / "data", "belta", START, [_item(1)])
    bad.write_bytes(bad.read_bytes() + b'{"not": "an item"}\n')
    corpus = tmp_path / "corpus"
    build_corpus(tmp_path / "data", corpus)  # the manifest has seen one reject
    later = write_run(tmp_path / "data", "belta", START.replace(day=9), [_item(2)])
    later.write_bytes(later.read_bytes() + b"[]\n")

    class Stopped(BaseException):
        pass

    save = corpus_module._save_manifest

    def stopped_once_rejected(where: Path, manifest: dict, complete: set) -> None:
        if len((where / "_rejects.jsonl").read_text().splitlines()) > 1:
            raise Stopped  # the kill: the new file's reject is on disk, the manifest is not
        save(where, manifest, complete)

    monkeypatch.setattr(corpus_module, "_save_manifest", stopped_once_rejected)
    with pytest.raises(Stopped):
        build_corpus(tmp_path / "data", corpus)
    monkeypatch.setattr(corpus_module, "_save_manifest", save)
    build_corpus(tmp_path / "data", corpus)
    rejects = [json.loads(line) for line in (corpus / "_rejects.jsonl").read_text().splitlines()]
    assert sorted((r["file"], r["line"]) for r in rejects) == [(bad.name, 2), (later.name, 2)]
