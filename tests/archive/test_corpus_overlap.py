"""Items files that share items: runs concatenated by hand, a re-extraction of what a crawl
already extracted. An item version is one extraction of one capture: the same capture, extractor
and extracted fields is one row however many files hold it; another capture or another
extraction of the same capture is another row."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.archive.corpus_data import duck, run_archive, several_runs


def _write(path: Path, items: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), "utf-8")
    return path


def _reextracted(items: list[dict[str, Any]], **changes: Any) -> list[dict[str, Any]]:
    """What ``scrapy reextract`` writes for these captures: no state store, so every item is a
    version 1 with no previous digest and no near-duplicates; the rest as the crawl made it."""
    return [{**i, "version": 1, "previous_version_digest": None, "near_duplicates": [],
             **changes} for i in items]


def _latest_captures(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    latest: dict[str, dict[str, Any]] = {}
    for item in items:
        latest[item["url"]] = item
    return list(latest.values())


def _build(data: Path, corpus: Path) -> str:
    res = run_archive("corpus", data, "-o", corpus)
    assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr[-2000:]
    return res.stdout + res.stderr


def _captures(corpus: Path) -> list[tuple]:
    return duck(corpus).execute(
        "SELECT url, warc.record_id, version, len(near_duplicates), items_file FROM versions "
        "ORDER BY url, fetched_at").fetchall()


def test_overlapping_items_files_hold_each_item_version_once(tmp_path: Path) -> None:
    runs = several_runs(tmp_path / "data")
    first, second, _ = runs["files"]
    items = tmp_path / "data" / "items"
    # runs concatenated (no prefix of any ingested file) and a re-extraction of every latest capture
    (items / "all.jsonl").write_text(second.read_text("utf-8") + first.read_text("utf-8"))
    _write(items / "reextract.jsonl", _reextracted(_latest_captures(runs["items"])))
    corpus = tmp_path / "corpus"

    out = _build(tmp_path / "data", corpus)
    rows = _captures(corpus)
    assert len(rows) == len(runs["items"]) == 9
    assert len({r[1] for r in rows}) == 9  # every capture once
    assert "line(s) already in the corpus" in out and "reextract.jsonl" in out
    # the rows kept are the crawl's: its versions and near-duplicate links
    assert sorted((r[0], r[2], r[3]) for r in rows) == sorted(
        (i["url"], i["version"], len(i["near_duplicates"])) for i in runs["items"])
    families = duck(corpus).execute("SELECT articles FROM families").fetchall()
    assert families == [(2,)]

    again = _build(tmp_path / "data", corpus)
    assert "0 row(s) added" in again and _captures(corpus) == rows


def _only_a_reextraction(data: Path) -> tuple[dict[str, Any], dict[Path, bytes]]:
    """Three runs whose items files are set aside (their bytes returned), leaving only a
    re-extraction of their latest captures in ``data/items``."""
    runs = several_runs(data)
    held = {p: p.read_bytes() for p in runs["files"]}
    for path in runs["files"]:
        path.unlink()
    _write(data / "items" / "reextract.jsonl", _reextracted(_latest_captures(runs["items"])))
    return runs, held


def test_a_reextraction_read_first_gives_way_to_the_crawl_rows(tmp_path: Path) -> None:
    """A corpus built from a re-extraction, then the crawl's own files: the capture keeps one
    row, the crawl's (it knows the version and the near-duplicates), and history shows the
    edit between the two captures, not a version 1 captured twice."""
    runs, held = _only_a_reextraction(tmp_path / "data")
    corpus = tmp_path / "corpus"
    _build(tmp_path / "data", corpus)
    for path, content in held.items():
        path.write_bytes(content)

    out = _build(tmp_path / "data", corpus)
    rows = _captures(corpus)
    assert sorted((r[0], r[2], r[3]) for r in rows) == sorted(
        (i["url"], i["version"], len(i["near_duplicates"])) for i in runs["items"]), out
    assert len(rows) == 9
    history = run_archive("history", corpus, runs["edited_url"]).stdout
    assert "also captured" not in history and "version 1 -> 2" in history
    edits = duck(corpus).execute("SELECT count(*) FROM edits").fetchone()[0]
    assert edits == 1

    # every line is held: a rebuild adds nothing and moves nothing
    assert "0 row(s) added" in _build(tmp_path / "data", corpus) and _captures(corpus) == rows


def test_another_extraction_of_a_capture_stays_beside_the_crawl_row(tmp_path: Path) -> None:
    """A re-extraction by a newer extractor is another version of the same capture: both rows
    stay, told apart by extractor version and text digest."""
    runs = several_runs(tmp_path / "data")
    latest = _latest_captures(runs["items"])
    newer = [{**i, "text": i["text"] + "\n\nФота: БЕЛТА.",
              "extractor": {**i["extractor"], "version": "4"}} for i in latest[:2]]
    same_text = [{**latest[2], "extractor": {**latest[2]["extractor"], "version": "4"}}]
    _write(tmp_path / "data" / "items" / "reextract.jsonl", _reextracted(newer + same_text))
    corpus = tmp_path / "corpus"

    _build(tmp_path / "data", corpus)
    rows = duck(corpus).execute(
        "SELECT url, warc.record_id, extractor['version'], text_sha256 FROM versions "
        "WHERE warc.record_id IN (SELECT warc.record_id FROM versions GROUP BY ALL "
        "HAVING count(*) > 1) ORDER BY ALL").fetchall()
    assert len(rows) == 6 and len({(r[1], r[2]) for r in rows}) == 6
    assert {r[2] for r in rows} == {"3", "4"}


def test_a_file_whose_lines_another_held_is_read_again_when_that_one_changes(
        tmp_path: Path) -> None:
    """Lines skipped because another file held them come back when that file is rewritten
    without them: the corpus holds what the files on disk hold."""
    runs = several_runs(tmp_path / "data")
    first, second, _ = runs["files"]
    items = tmp_path / "data" / "items"
    # both runs, the later first: it continues no file, so its lines are all held elsewhere
    (items / "zz-all.jsonl").write_text(second.read_text("utf-8") + first.read_text("utf-8"))
    corpus = tmp_path / "corpus"
    _build(tmp_path / "data", corpus)
    assert len(_captures(corpus)) == 9

    kept = first.read_text("utf-8").splitlines(keepends=True)[:2]
    first.write_text("".join(kept), "utf-8")  # rewritten in place: four items fewer
    _build(tmp_path / "data", corpus)
    rows = _captures(corpus)
    assert len(rows) == 9 and len({r[1] for r in rows}) == 9


def test_duplicates_are_found_across_partitions_closed_and_opened_again(
        tmp_path: Path, monkeypatch) -> None:
    """With two writers open at a time and the identities of one partition's rows kept
    between lookups, lines over four months (each partition left before its next line) are
    still checked against every row held: another file's, and this file's own."""
    import archive.corpus
    from archive.corpus import build_corpus
    from tests.archive.corpus_data import START, Newsroom, belta_url, write_run
    from tests.sites.common import paragraphs_for

    monkeypatch.setattr(archive.corpus, "MAX_OPEN_PARTS", 2)
    monkeypatch.setattr(archive.corpus, "HELD_BUDGET", 1)
    room = Newsroom()
    items = [room.capture(belta_url(n), "belta", f"Новость {n}", paragraphs_for(n),
                          START.replace(month=n % 4 + 1), START) for n in range(16)]
    write_run(tmp_path / "data", "belta", START, items[:8])
    # the first file's lines in another order, then new ones, each of them twice
    later = [*reversed(items[:8]), *items[8:], *items[8:]]
    write_run(tmp_path / "data", "belta", START.replace(day=9), later)

    report = build_corpus(tmp_path / "data", tmp_path / "corpus")
    assert report.rows == 16 and report.duplicates == 16 and report.rejected == 0
    con = duck(tmp_path / "corpus")
    assert con.execute("SELECT count(*), count(DISTINCT warc.record_id) FROM versions"
                       ).fetchone() == (16, 16)


def test_a_build_that_dies_after_replacing_a_row_is_completed_by_the_next(
        tmp_path: Path, monkeypatch) -> None:
    """The held row is removed from its part after the better line's part is in place, and
    the manifest moves on after both: a build killed in between leaves the line's file to be
    read again, which finds its own part's rows not held (the manifest lists no such part)."""
    import archive.corpus
    from archive.corpus import build_corpus

    runs, held = _only_a_reextraction(tmp_path / "data")
    corpus = tmp_path / "corpus"
    build_corpus(tmp_path / "data", corpus)
    for path, content in held.items():
        path.write_bytes(content)
    real = archive.corpus.drop_rows

    def dies(*args: Any) -> None:
        real(*args)
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(archive.corpus, "drop_rows", dies)
        with pytest.raises(KeyboardInterrupt):
            build_corpus(tmp_path / "data", corpus)
    _build(tmp_path / "data", corpus)
    rows = _captures(corpus)
    assert sorted((r[0], r[2], r[3]) for r in rows) == sorted(
        (i["url"], i["version"], len(i["near_duplicates"])) for i in runs["items"])
    assert duck(corpus).execute("SELECT count(*) FROM edits").fetchone()[0] == 1


def test_the_check_does_not_split_a_backfill_into_a_part_per_line(
        tmp_path: Path, monkeypatch) -> None:
    """Lines cycling over more months than writers are open: the rows of each month are
    still buffered together, one part a month (closing a writer to check a line made a part
    and a reload per line: 20 minutes for 20,000 lines over 480 months)."""
    import archive.corpus
    from archive.corpus import build_corpus
    from tests.archive.corpus_data import START, Newsroom, belta_url, write_run
    from tests.sites.common import paragraphs_for

    monkeypatch.setattr(archive.corpus, "MAX_OPEN_PARTS", 2)
    room = Newsroom()
    write_run(tmp_path / "data", "belta", START, [
        room.capture(belta_url(n), "belta", f"Новость {n}", paragraphs_for(n),
                     START.replace(month=n % 6 + 1), START) for n in range(36)])
    report = build_corpus(tmp_path / "data", tmp_path / "corpus")
    assert report.rows == 36
    assert len(list((tmp_path / "corpus" / "versions").glob("*/*/*.parquet"))) == 6
