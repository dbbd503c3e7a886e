"""Several extractions of one capture (the crawl's and a `scrapy reextract` by a newer
extractor) in history, edits and `latest`: a version is its first capture, represented by that
capture's newest extraction; an edit compares texts of one extractor where it can, and says so
when it cannot; a re-extraction is listed as one, never as another capture."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from archive.corpus import build_corpus
from archive.edits import ReportOptions, write_report
from archive.history import article_history, format_history
from archive.wordiff import render_text, word_diff
from tests.archive.corpus_data import (
    EDIT_SENTENCE,
    START,
    Newsroom,
    belta_url,
    duck,
    edited,
    several_runs,
    write_run,
)
from tests.sites.common import paragraphs_for

CAPTION = "Фота: БЕЛТА."  # what the newer extractor keeps and the crawl's dropped


def _reextracted(items: list[dict[str, Any]], version: str = "4") -> list[dict[str, Any]]:
    """What ``scrapy reextract`` by a newer extractor writes for these captures: no state
    store (version 1, no previous digest, no near-duplicates), another extractor version,
    and a text with the photo caption the crawl's extractor dropped."""
    return [{**i, "version": 1, "previous_version_digest": None, "near_duplicates": [],
             "text": i["text"] + "\n\n" + CAPTION,
             "extractor": {**i["extractor"], "version": version}} for i in items]


def _write(path: Path, items: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), "utf-8")


def _edited(runs: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted((i for i in runs["items"] if i["url"] == runs["edited_url"]),
                  key=lambda i: i["version"])


def _edit_rows(corpus: Path, article: str) -> list[dict[str, Any]]:
    con = duck(corpus)
    cur = con.execute("SELECT * FROM read_parquet('edits/*.parquet', union_by_name = true) "
                      "WHERE id = ? ORDER BY version", [article])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def test_a_reextraction_of_the_latest_capture_is_no_other_capture(tmp_path: Path) -> None:
    """`scrapy reextract` reads the latest capture of each article and writes it as version 1
    (it has no state store): the capture of version 2 re-extracted is listed under version 2
    as a re-extraction, the edit is the publisher's words only, and `latest` is the newest
    extraction of the latest capture, as version 2."""
    runs = several_runs(tmp_path / "data")
    v1, v2 = _edited(runs)
    _write(tmp_path / "data" / "items" / "zz-reextract.jsonl", _reextracted([v2]))
    corpus = tmp_path / "corpus"
    build_corpus(tmp_path / "data", corpus)

    versions, diffs = article_history(corpus, v1["id"])
    assert [(v.version, v.fetched_at) for v in versions] == [
        (1, v1["fetched_at"]), (2, v2["fetched_at"])]
    assert versions[0].recaptured == []  # the re-extraction of v2's capture is not v1's
    text = format_history(versions, diffs)
    assert "also captured" not in text
    shown = next(line for line in text.splitlines() if line.startswith("version 2 "))
    assert shown.endswith("extracted by news-archive 4")
    assert "also extracted by news-archive 3" in text
    # the diff compares one extractor's texts: the crawl's (3) made both
    assert CAPTION not in text and EDIT_SENTENCE in text
    assert [(c.old.extractor_version, c.new.extractor_version) for c in diffs] == [("3", "3")]

    (row,) = _edit_rows(corpus, v1["id"])
    assert row["version"] == 2 and CAPTION not in row["diff"] and EDIT_SENTENCE in row["diff"]
    assert (row["extractor"], row["previous_extractor"]) == ("news-archive 3", "news-archive 3")

    latest = duck(corpus).execute("SELECT version, extractor['version'], text FROM latest "
                                  "WHERE id = ?", [v1["id"]]).fetchone()
    assert latest[:2] == (2, "4") and latest[2].endswith(CAPTION)


def test_one_capture_extracted_twice_is_one_version_shown_by_its_newest_extraction(
        tmp_path: Path) -> None:
    """An article captured once and re-extracted: one version, whose text is the newer
    extractor's whichever items file sorts first, the crawl's extraction named as such."""
    runs = several_runs(tmp_path / "data")
    once = next(i for i in runs["items"] if i["url"] == belta_url(6))
    # a name sorting before the crawl's files: the choice must not follow file names
    _write(tmp_path / "data" / "items" / "a-reextract.jsonl", _reextracted([once]))
    corpus = tmp_path / "corpus"
    build_corpus(tmp_path / "data", corpus)

    versions, diffs = article_history(corpus, once["id"])
    assert len(versions) == 1 and list(diffs) == []
    assert versions[0].text.endswith(CAPTION) and versions[0].extractor_version == "4"
    text = format_history(versions, diffs)
    assert "also captured" not in text
    assert "also extracted by news-archive 3" in text
    latest = duck(corpus).execute("SELECT extractor['version'] FROM latest WHERE id = ?",
                                  [once["id"]]).fetchone()
    assert latest == ("4",)


def test_an_edit_across_an_extractor_upgrade_says_the_extractors_differ(tmp_path: Path) -> None:
    """Crawls before and after an extractor upgrade: version 1 was extracted by 3 only,
    version 2 by 4 only, so their diff mixes the publisher's edit with the extractor's change;
    the edit row and history say so. A re-extraction of version 1 by 4 then gives a diff of
    one extractor's texts, the publisher's edit alone."""
    data = tmp_path / "data"
    room = Newsroom()
    url, body = belta_url(40), paragraphs_for(140)
    first = room.capture(url, "belta", "Новость 40", body, START, START + timedelta(minutes=5))
    later = START + timedelta(days=1)
    second = room.capture(url, "belta", "Новость 40", edited(body) + [CAPTION], START, later)
    second["extractor"] = {**second["extractor"], "version": "4"}
    write_run(data, "belta", START + timedelta(hours=1), [first])
    write_run(data, "belta", later + timedelta(hours=1), [second])
    corpus = tmp_path / "corpus"
    build_corpus(data, corpus)

    (row,) = _edit_rows(corpus, first["id"])
    assert (row["extractor"], row["previous_extractor"]) == ("news-archive 4", "news-archive 3")
    assert CAPTION in row["diff"]  # the extractor's change is in it, and flagged
    versions, diffs = article_history(corpus, first["id"])
    assert "extractors differ: news-archive 3 -> news-archive 4" in format_history(
        versions, diffs)
    page = io.StringIO()
    write_report(corpus, page, ReportOptions())
    assert "Extractors differ: news-archive 3 → news-archive 4" in page.getvalue()

    _write(data / "items" / "reextract-v1.jsonl", _reextracted([first]))
    build_corpus(data, corpus)
    (row,) = _edit_rows(corpus, first["id"])
    assert (row["extractor"], row["previous_extractor"]) == ("news-archive 4", "news-archive 4")
    # both texts of extractor 4: the caption is in both, so the diff is the publisher's edit
    expected = render_text(word_diff(_reextracted([first])[0]["text"], second["text"]))
    assert row["diff"] == expected and EDIT_SENTENCE in expected and "{+Фота" not in expected
    versions, diffs = article_history(corpus, first["id"])
    text = format_history(versions, diffs)
    assert "extractors differ" not in text and expected in text


def test_extractor_versions_compare_by_their_numbers(tmp_path: Path) -> None:
    """10.0 is newer than 9.0 (as text it sorts before): the newest extraction is chosen by
    the numbers of the version, in history and in `latest` alike."""
    runs = several_runs(tmp_path / "data")
    once = next(i for i in runs["items"] if i["url"] == belta_url(6))
    old = {**_reextracted([once], "9.0")[0], "text": once["text"] + "\n\nСтары подпіс."}
    new = _reextracted([once], "10.0")[0]
    _write(tmp_path / "data" / "items" / "reextract.jsonl", [new, old])
    corpus = tmp_path / "corpus"
    build_corpus(tmp_path / "data", corpus)
    (version,) = article_history(corpus, once["id"])[0]
    assert version.extractor_version == "10.0" and version.text.endswith(CAPTION)
    latest = duck(corpus).execute("SELECT extractor['version'] FROM latest WHERE id = ?",
                                  [once["id"]]).fetchone()
    assert latest == ("10.0",)


def test_edit_files_written_before_the_extractor_columns_still_read(tmp_path: Path) -> None:
    """A corpus diffed before ``extractor``/``previous_extractor`` were recorded: its edit
    files lack them; the `edits` view reads them beside new files, with NULL there."""
    import pyarrow.parquet as pq

    runs = several_runs(tmp_path / "data")
    corpus = tmp_path / "corpus"
    build_corpus(tmp_path / "data", corpus)
    for path in (corpus / "edits").glob("*.parquet"):
        pq.write_table(pq.read_table(path).drop_columns(["extractor", "previous_extractor"]),
                       path)
    room = Newsroom()
    url = belta_url(41)
    items = [room.capture(url, "belta", "Новость 41", body, START, START + timedelta(days=d))
             for d, body in enumerate([paragraphs_for(141), edited(paragraphs_for(141))])]
    write_run(tmp_path / "data", "belta", START + timedelta(days=3), items)
    build_corpus(tmp_path / "data", corpus)
    rows = duck(corpus).execute("SELECT url, extractor, previous_extractor FROM edits "
                                "ORDER BY url").fetchall()
    assert rows == sorted([(runs["edited_url"], None, None),
                           (url, "news-archive 3", "news-archive 3")])


def test_an_edits_table_without_the_extractor_columns_is_rewritten_when_a_row_goes_stale(
        tmp_path: Path) -> None:
    """An edits table written before ``extractor``/``previous_extractor`` holding a diff made
    stale: the build rewrites it without that row. Selecting the schema's columns by name
    failed on it ("extractor" not found), and so did every build; its kept rows now get
    the missing columns empty, and the stale article is diffed anew."""
    import pyarrow.parquet as pq

    from tests.archive.test_corpus_history import _long_edited_articles

    data, corpus = tmp_path / "data", tmp_path / "corpus"
    _long_edited_articles(data, 3, 50)
    build_corpus(data, corpus)
    [stored] = [p for p in (corpus / "edits").glob("*.parquet") if p.name != "edits-0.parquet"]
    pq.write_table(pq.read_table(stored).drop_columns(["extractor", "previous_extractor"]),
                   stored)
    ids = sorted(pq.read_table(stored).column("id").to_pylist())
    assert len(ids) == 3
    (corpus / "edits" / "_stale_ids.txt").write_text(f"{ids[0]},0\n")
    build_corpus(data, corpus)

    kept = pq.read_table(stored)
    assert sorted(kept.column("id").to_pylist()) == ids[1:]
    assert kept.column("extractor").to_pylist() == [None, None]
    rows = duck(corpus).execute("SELECT id, extractor, previous_extractor, diff FROM edits "
                                "ORDER BY id").fetchall()
    assert [(r[0], r[1], r[2]) for r in rows] == [
        (ids[0], "news-archive 3", "news-archive 3"), (ids[1], None, None), (ids[2], None, None)]
    assert all(r[3].endswith("{+Дапоўнена.+}") for r in rows)


def test_a_capture_read_again_with_a_new_layout_version_is_shown_by_that_reading(
        tmp_path: Path) -> None:
    """The layout fix path: the crawl read a redesigned page with the old rules
    (``belta@2026-01``,
    generic text with the page's furniture), then ``scrapy reextract`` by the same extractor
    read it with the rule version added for the new layout (``belta@2026-12``). The two
    readings tied on capture and extractor, and the file name decided: a re-extraction saved
    under a name sorting before the crawl's (``2026-12-08-fixed.jsonl``) left `latest`,
    history and export on the drifted text."""
    runs = several_runs(tmp_path / "data")
    once = next(i for i in runs["items"] if i["url"] == belta_url(6))
    fixed = {**_reextracted([once], once["extractor"]["version"])[0],
             "extractor": {**once["extractor"], "rules": "belta@2026-12"}}
    _write(tmp_path / "data" / "items" / "2026-12-08-fixed.jsonl", [fixed])
    corpus = tmp_path / "corpus"
    build_corpus(tmp_path / "data", corpus)
    (version,) = article_history(corpus, once["id"])[0]
    assert version.text == fixed["text"]
    latest = duck(corpus).execute("SELECT extractor['rules'], text FROM latest WHERE id = ?",
                                  [once["id"]]).fetchone()
    assert latest == ("belta@2026-12", fixed["text"])


def test_a_free_form_layout_version_is_not_placed_against_a_dated_one(tmp_path: Path) -> None:
    """Layout versions are free-form (``v3``, ``wp-1``) and ordered by ``valid_from`` in the
    outlet's table, which the archive does not read: ``belta@2026-07`` against ``belta@v3``
    is no order of their digits (2026 > 3 picked the other reading). Such a capture falls
    through to the items file order, in `latest` and in the history alike."""
    runs = several_runs(tmp_path / "data")
    once = next(i for i in runs["items"] if i["url"] == belta_url(6))
    again = _reextracted([once], once["extractor"]["version"])[0]
    dated = {**again, "text": again["text"] + "\n\nДата.",
             "extractor": {**once["extractor"], "rules": "belta@2026-07"}}
    free = {**again, "text": again["text"] + "\n\nВерсія.",
            "extractor": {**once["extractor"], "rules": "belta@v3"}}
    _write(tmp_path / "data" / "items" / "zz-1-dated.jsonl", [dated])
    _write(tmp_path / "data" / "items" / "zz-2-free.jsonl", [free])
    corpus = tmp_path / "corpus"
    build_corpus(tmp_path / "data", corpus)
    (version,) = article_history(corpus, once["id"])[0]
    assert version.text == free["text"]
    latest = duck(corpus).execute("SELECT extractor['rules'], text FROM latest WHERE id = ?",
                                  [once["id"]]).fetchone()
    assert latest == ("belta@v3", free["text"])
