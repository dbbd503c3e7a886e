"""Items files that change after they were ingested: rewritten, restored, copied, renamed while
still growing. The corpus holds what the files on disk hold, each line once."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive.corpus import MANIFEST
from tests.archive.corpus_data import ROOT, START, Newsroom, belta_url, duck, run_archive
from tests.sites.common import paragraphs_for


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    (tmp_path / "data" / "items").mkdir(parents=True)
    return tmp_path / "data"


def lines(*numbers: int, text: str | None = None) -> str:
    """Items files' lines of articles ``numbers`` (their text replaced by ``text``)."""
    room = Newsroom()
    out = []
    for n in numbers:
        item = room.capture(belta_url(n), "belta", f"Новость {n}", paragraphs_for(n), START,
                            START)
        out.append(json.dumps({**item, **({"text": text} if text else {})},
                              ensure_ascii=False) + "\n")
    return "".join(out)


def build(data: Path) -> str:
    res = run_archive("corpus", data, "-o", data.parent / "corpus")
    assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr[-2000:]
    return res.stdout


def rows(data: Path) -> list[tuple[str, str, str]]:
    """(url, text, items file) of every row."""
    return duck(data.parent / "corpus").execute(
        "SELECT url, text, items_file FROM versions ORDER BY url, items_file").fetchall()


def texts(data: Path) -> list[tuple[str, str]]:
    return sorted((url, text) for url, text, _ in rows(data))


def expected(*files: tuple[str, str]) -> list[tuple[str, str]]:
    """(url, text) of the lines of each (content, name) given."""
    return sorted((item["url"], item["text"]) for content, _ in files
                  for item in map(json.loads, content.splitlines()))


def test_original_content_restored_after_a_rewrite_comes_back_whole(data: Path) -> None:
    path = data / "items" / "a.jsonl"
    original = lines(1, 2)
    path.write_text(original, "utf-8")
    build(data)
    path.write_text(lines(1, text="Текст после повторного извлечения."), "utf-8")
    build(data)
    path.write_text(original, "utf-8")  # the re-extraction undone
    out = build(data)
    assert "2 row(s) added from 1 file(s) (0 unchanged" in out
    assert texts(data) == expected((original, "a.jsonl"))


def test_backup_of_a_file_rewritten_in_place_is_ingested(data: Path) -> None:
    path = data / "items" / "a.jsonl"
    original = lines(1, 2)
    path.write_text(original, "utf-8")
    build(data)
    rewrite = lines(1, text="Текст после повторного извлечения.")
    path.write_text(rewrite, "utf-8")
    (data / "items" / "a-backup.jsonl").write_text(original, "utf-8")
    out = build(data)
    assert "3 row(s) added from 2 file(s)" in out
    assert texts(data) == expected((original, "a-backup"), (rewrite, "a"))


def test_grown_file_renamed_adds_only_its_new_lines(data: Path) -> None:
    first, more = lines(1, 2), lines(3)
    (data / "items" / "a.jsonl").write_text(first, "utf-8")
    build(data)
    (data / "items" / "a.jsonl").write_text(first + more, "utf-8")  # the run wrote on
    (data / "items" / "a.jsonl").rename(data / "items" / "b.jsonl")
    out = build(data)
    assert "1 row(s) added from 1 file(s)" in out
    assert [(url, name) for url, _, name in rows(data)] == [
        (belta_url(1), "a.jsonl"), (belta_url(2), "a.jsonl"), (belta_url(3), "b.jsonl")]


def test_grown_copy_is_read_again_in_full_when_its_original_is_rewritten(data: Path) -> None:
    first = lines(1, 2)
    (data / "items" / "a.jsonl").write_text(first, "utf-8")
    build(data)
    shutil.copy(data / "items" / "a.jsonl", data / "items" / "b.jsonl")
    with open(data / "items" / "b.jsonl", "a", encoding="utf-8") as fh:
        fh.write(lines(3))
    assert "1 row(s) added from 1 file(s)" in build(data)
    rewrite = lines(1, text="Текст после повторного извлечения.")
    (data / "items" / "a.jsonl").write_text(rewrite, "utf-8")
    build(data)  # a's old rows go, and with them the first lines of b: b is read again
    assert texts(data) == expected((rewrite, "a"), (first + lines(3), "b"))
    assert "0 row(s) added" in build(data)


def test_rejected_line_is_recorded_before_its_file_is_marked_done(data: Path) -> None:
    (data / "items" / "a.jsonl").write_text(lines(1) + "not json\n", "utf-8")
    (data / "items" / "b.jsonl").write_text(lines(*range(2, 12)) * 1500, "utf-8")  # slow
    corpus = data.parent / "corpus"
    build = subprocess.Popen([sys.executable, "-m", "archive", "corpus", str(data), "-o",
                              str(corpus)], cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not (corpus / MANIFEST).exists() and time.monotonic() < deadline:
        time.sleep(0.005)
    build.kill()  # while b.jsonl is being read
    assert "a.jsonl:2: invalid JSON" in build.communicate()[1]
    assert build.returncode == -signal.SIGKILL
    assert list(json.loads((corpus / MANIFEST).read_text())["files"]) == ["a.jsonl"]

    again = run_archive("corpus", data, "-o", corpus)  # a.jsonl is done: not read again
    assert again.returncode == 0 and "a.jsonl" not in again.stderr, again.stderr[-2000:]
    [reject] = [json.loads(line) for line in (corpus / "_rejects.jsonl").read_text().splitlines()]
    assert (reject["file"], reject["line"]) == ("a.jsonl", 2)
    assert reject["reason"].startswith("invalid JSON")


def test_a_copy_of_a_file_still_being_written_adds_no_line_twice(data: Path) -> None:
    """z is ingested, grows, is copied to a, grows again: every line goes in once."""
    z = data / "items" / "z.jsonl"
    z.write_text(lines(1, 2), "utf-8")
    build(data)
    with open(z, "a", encoding="utf-8") as fh:
        fh.write(lines(3))
    shutil.copy(z, data / "items" / "a.jsonl")
    with open(z, "a", encoding="utf-8") as fh:
        fh.write(lines(4))
    assert "2 row(s) added" in build(data)
    assert "0 row(s) added" in build(data)
    rewrite = lines(1, text="Текст после повторного извлечения.")
    z.write_text(rewrite, "utf-8")  # z's rows go, and a, which continued z, is read again
    build(data)
    assert texts(data) == expected((rewrite, "z"), (lines(1, 2) + lines(3), "a"))


@pytest.mark.parametrize("cut", [40, None])  # bytes off a line end; None: to nothing
def test_a_file_cut_short_after_it_went_in_keeps_its_rows(data: Path, cut: str) -> None:
    """An items file shorter than what was ingested from it, ending mid-line or empty, its
    lines still what went in (restored from a backup taken while the crawl wrote, a copy
    killed half way): damage, not a rewrite. The corpus may be the only copy of its lost
    lines, so it keeps every row, names the file with both lengths on each build (exit 1) and
    reads nothing of it; deleted, it is quiet."""
    full = lines(1, 2, 3, 4)
    path = data / "items" / "belta-20260105T090000.jsonl"
    path.write_text(full, "utf-8")
    build(data)
    before = rows(data)
    kept = len(full.encode()) - len(full.splitlines()[-1].encode()) - 1
    path.write_bytes(full.encode()[:kept - cut] if cut is not None else b"")

    for _ in range(2):
        res = run_archive("corpus", data, "-o", data.parent / "corpus")
        assert res.returncode == 1 and "Traceback" not in res.stderr, res.stderr[-2000:]
        [error] = [line for line in res.stderr.splitlines() if line.startswith("error:")]
        assert error.startswith(f"error: {path.name}: ") and "shorter" in error, error
        assert str(path.stat().st_size) in error and str(len(full.encode())) in error
        assert rows(data) == before

    path.unlink()
    assert "0 row(s) added" in build(data) and rows(data) == before


def test_a_file_rewritten_shorter_is_still_read_again(data: Path) -> None:
    """Shorter, but its lines are not what went in (a re-extraction wrote fewer items, the
    last being written): it replaces its rows, as any file rewritten in place."""
    path = data / "items" / "belta-20260105T090000.jsonl"
    path.write_text(lines(1, 2, 3, 4), "utf-8")
    build(data)
    path.write_text(lines(1, 2, text="Текст после повторного извлечения.") + '{"id": ', "utf-8")
    build(data)
    assert texts(data) == expected((lines(1, 2, text="Текст после повторного извлечения."),
                                    path.name))
