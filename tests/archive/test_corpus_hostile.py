"""The corpus build on lines that pass the item schema but hold values no column can: each is
rejected with its file and line like any bad line, and every other line still goes in."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.archive.corpus_data import START, Newsroom, belta_url, duck, run_archive, write_run
from tests.sites.common import paragraphs_for


def _item(n: int) -> dict:
    return Newsroom().capture(belta_url(n), "belta", f"Новость {n}", paragraphs_for(n), START,
                              START)


def _set(path: str, value: object) -> bytes:
    """A valid item with one field (``warc/offset``: nested) set to ``value``, as JSON."""
    item = _item(3)
    *parents, last = path.split("/")
    node = item
    for name in parents:
        node = node[name]
    node[last] = value
    return json.dumps(item).encode()  # ASCII: a lone surrogate is written as \\ud800


UNSTORABLE = {
    "lone surrogate in text": (lambda: _set("text", "Текст \ud800 дальше"), "UnicodeEncodeError"),
    "lone surrogate in title": (lambda: _set("title", "Загаловак \udc00"), "UnicodeEncodeError"),
    "published before year 1 in UTC": (lambda: _set("published", "0001-01-01T00:00:00+03:00"),
                                       "OverflowError"),
    "published after 9999 in UTC": (lambda: _set("published", "9999-12-31T23:00:00-05:00"),
                                    "OverflowError"),
    "version beyond int64": (lambda: _set("version", 2 ** 63), "OverflowError"),
    "warc offset beyond int64": (lambda: _set("warc/offset", 2 ** 64), "OverflowError"),
    "source too long for a folder": (lambda: _set("source", "s" * 300), "too long"),
    "JSON nested 100,000 deep": (lambda: b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    "an integer of 5,000 digits": (lambda: b'{"id": ' + b"9" * 5000 + b"}", "4300 digits"),
}


def _raw(find: str, replace: str, count: int = 1) -> bytes:
    """A valid item's JSON text with ``find`` replaced: what ``json.dumps`` cannot write."""
    text = json.dumps(_item(3))
    assert find in text
    return text.replace(find, replace, count).encode()


# What Python's json reads but JSON has not: stored, NaN would become a value no JSON export
# writes back; of a duplicate key, readers differ on which value counts.
NOT_STRICT_JSON = {
    "NaN in an open object": (lambda: _raw('"method": "rules"', '"method": NaN'),
                              "NaN is no JSON value"),
    "Infinity in an open object": (lambda: _raw('"method": "rules"', '"method": Infinity'),
                                   "Infinity is no JSON value"),
    "-Infinity as the version": (lambda: _raw('"version": 1', '"version": -Infinity'),
                                 "-Infinity is no JSON value"),
    "1e400 in an open object": (lambda: _raw('"method": "rules"', '"method": 1e400'),
                                "number 1e400 is beyond the range of a double"),
    "1e400 as an offset": (lambda: _raw('"offset": 1000', '"offset": 1e400'),
                           "number 1e400 is beyond the range of a double"),
    "a key twice, values differing": (lambda: _raw('"title": ', '"title": "Другой", "title": '),
                                      "duplicate key 'title'"),
    "a key twice in a nested object": (lambda: _raw('"offset": 1000', '"offset": 5, "offset": 1000'),
                                       "duplicate key 'offset'"),
}


@pytest.mark.parametrize("case", list(NOT_STRICT_JSON))
def test_a_line_that_is_not_strict_json_is_rejected_and_the_rest_goes_in(
        case: str, tmp_path: Path) -> None:
    make, reason = NOT_STRICT_JSON[case]
    _rejected_and_the_rest_goes_in(make, "invalid JSON: " + reason, tmp_path)


# Bytes that are no UTF-8 text, in a file that is: Python's json reads bytes in whatever
# encoding they look like (UTF-16 or -32 by their NUL bytes, surrogates passed through), so a
# UTF-16 line went in as an item, a surrogate's bytes were called unstorable, NUL bytes a
# UTF-32 error. Each is one line rejected as not UTF-8.
def _utf8_surrogate() -> bytes:
    return json.dumps(_item(3)).encode().replace(b'"title": "', b'"title": "\xed\xa0\x80', 1)


NOT_UTF8 = {
    "a line in UTF-16": lambda: json.dumps(_item(3)).encode("utf-16-le"),
    "a line in UTF-32": lambda: json.dumps(_item(3)).encode("utf-32-le"),
    "a surrogate written as UTF-8 bytes": _utf8_surrogate,
    "a windows-1251 title": lambda: _raw('"title": "', '"title": "').replace(
        b'"title": "', '"title": "Новость'.encode("cp1251"), 1),
    "NUL bytes": lambda: b"\x00" * 64,
}


@pytest.mark.parametrize("case", list(NOT_UTF8))
def test_a_line_that_is_not_utf8_is_rejected_and_the_rest_goes_in(case: str,
                                                                  tmp_path: Path) -> None:
    _rejected_and_the_rest_goes_in(NOT_UTF8[case], "invalid JSON: not UTF-8", tmp_path)
    [reject] = (tmp_path / "corpus" / "_rejects.jsonl").read_text().splitlines()
    assert "codec" not in reject and "cannot be stored" not in reject, reject


@pytest.mark.parametrize("case", list(UNSTORABLE))
def test_a_line_no_column_can_hold_is_rejected_and_the_rest_goes_in(case: str,
                                                                     tmp_path: Path) -> None:
    make, reason = UNSTORABLE[case]
    _rejected_and_the_rest_goes_in(make, reason, tmp_path)


def _rejected_and_the_rest_goes_in(make: Callable[[], bytes], reason: str,
                                   tmp_path: Path) -> None:
    good = [_item(1), _item(2)]
    first = write_run(tmp_path / "data", "belta", START, good)
    first.write_bytes(first.read_bytes() + make() + b"\n")
    later = write_run(tmp_path / "data", "belta", START.replace(day=9), [_item(4)])
    corpus = tmp_path / "corpus"

    res = run_archive("corpus", tmp_path / "data", "-o", corpus)
    assert res.returncode == 1 and "Traceback" not in res.stderr, res.stderr[-2000:]
    [error] = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    assert error.startswith(f"error: {first.name}:3: ") and reason in error
    assert "3 row(s) added from 2 file(s)" in res.stdout
    again = run_archive("corpus", tmp_path / "data", "-o", corpus)  # not stuck on it either
    assert again.returncode == 0 and "0 row(s) added" in again.stdout, again.stderr[-2000:]

    [reject] = [json.loads(line) for line in (corpus / "_rejects.jsonl").read_text().splitlines()]
    assert (reject["file"], reject["line"]) == (first.name, 3) and reason in reject["reason"]
    rows = duck(corpus).execute("SELECT url, items_file FROM versions ORDER BY url").fetchall()
    assert rows == sorted([(i["url"], first.name) for i in good] + [(belta_url(4), later.name)])


# Items file names a person gives a file: a leading "_" or "." (which pyarrow's dataset
# discovery, and so pandas, skips in a part's name), longer than a part name can be once the
# offset, serial and ".tmp" are added (ext4 allows 255 bytes), in Cyrillic.
ODD_NAMES = ["_backfill.jsonl", ".belta-copy.jsonl", "b" * 240 + ".jsonl",
             "архив-" + "д" * 118 + ".jsonl"]


def test_items_files_of_any_name_go_in_and_every_reader_sees_their_rows(tmp_path: Path) -> None:
    import pyarrow.dataset as ds

    items = tmp_path / "data" / "items"
    items.mkdir(parents=True)
    for n, name in enumerate(ODD_NAMES):
        (items / name).write_text(json.dumps(_item(n), ensure_ascii=False) + "\n", "utf-8")
    (items / "zz-normal.jsonl").write_text(json.dumps(_item(9)) + "\n", "utf-8")
    corpus = tmp_path / "corpus"

    res = run_archive("corpus", tmp_path / "data", "-o", corpus)
    assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr[-2000:]
    assert "5 row(s) added from 5 file(s)" in res.stdout
    with (items / ODD_NAMES[2]).open("a", encoding="utf-8") as fh:  # grown: a part at offset
        fh.write(json.dumps(_item(7)) + "\n")
    again = run_archive("corpus", tmp_path / "data", "-o", corpus)
    assert again.returncode == 0 and "1 row(s) added" in again.stdout, again.stderr[-2000:]

    names = sorted([*ODD_NAMES, ODD_NAMES[2], "zz-normal.jsonl"])
    rows = duck(corpus).execute("SELECT items_file FROM versions ORDER BY 1").fetchall()
    assert [r[0] for r in rows] == names
    table = ds.dataset(corpus / "versions", partitioning="hive").to_table(["items_file"])
    assert sorted(table.column("items_file").to_pylist()) == names  # pandas reads these too
    assert not list(corpus.rglob("*.tmp"))


@pytest.mark.parametrize("path", ["version", "warc/offset"])
def test_an_integer_written_as_a_float_beyond_int64_does_not_hide_its_good_copy(
        path: str, tmp_path: Path) -> None:
    """JSON Schema counts 2e300 as an integer. Such a line is rejected when it is read, before
    it counts as held: a later line of the same item version (its run's good copy) goes in."""
    items = tmp_path / "data" / "items"
    items.mkdir(parents=True)
    run = items / "belta-20260105T090000.jsonl"
    good = _item(3)
    run.write_bytes(_set(path, 2e300) + b"\n" + json.dumps(good).encode() + b"\n")
    corpus = tmp_path / "corpus"

    res = run_archive("corpus", tmp_path / "data", "-o", corpus)
    assert res.returncode == 1 and "Traceback" not in res.stderr, res.stderr[-2000:]
    [error] = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    assert error.startswith(f"error: {run.name}:1: cannot be stored: ") and "int64" in error
    rows = duck(corpus).execute("SELECT items_line, version, warc.offset FROM versions").fetchall()
    assert rows == [(2, good["version"], good["warc"]["offset"])]


def test_an_items_file_whose_name_is_not_utf8_is_one_error_until_renamed(tmp_path: Path) -> None:
    """A name unpacked from a Windows archive (cp1251 bytes): its rows could not carry the
    name in ``items_file``. One error names it and the fix; the other files go in; renamed,
    it goes in whole."""
    items = tmp_path / "data" / "items"
    items.mkdir(parents=True)
    odd = items / os.fsdecode("новости".encode("cp1251") + b".jsonl")
    odd.write_text(json.dumps(_item(1)) + "\n" + json.dumps(_item(2)) + "\n", "utf-8")
    (items / "belta.jsonl").write_text(json.dumps(_item(3)) + "\n", "utf-8")
    corpus = tmp_path / "corpus"

    res = run_archive("corpus", tmp_path / "data", "-o", corpus)
    assert res.returncode == 1 and "Traceback" not in res.stderr, res.stderr[-2000:]
    [error] = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    assert error.startswith("error: \\xed\\xee\\xe2") and "not UTF-8" in error and "rename" in error
    assert "1 row(s) added from 1 file(s)" in res.stdout and "1 line(s) rejected" in res.stdout
    assert run_archive("corpus", tmp_path / "data", "-o", corpus).returncode == 1  # until fixed

    odd.rename(items / "новости.jsonl")
    fixed = run_archive("corpus", tmp_path / "data", "-o", corpus)
    assert fixed.returncode == 0 and "2 row(s) added" in fixed.stdout, fixed.stderr[-2000:]


def test_an_id_that_is_not_its_urls_is_rejected_in_items_and_removals(tmp_path: Path) -> None:
    """The crawl writes ``id`` = the first 16 hex of SHA-256 of ``url``, for items and
    removal observations alike. A line where they disagree (edited by hand, two lines spliced)
    cannot tell which article it is: filed under its id, history by URL and families would
    disagree. It is rejected naming both; the other lines go in."""
    from tests.archive.test_corpus_removals import DAY2, observation, write

    data = tmp_path / "data"
    wrong = {**_item(3), "id": _item(4)["id"]}
    run = write_run(data, "belta", START, [_item(1), wrong, _item(2)])
    moved = {**observation(5, "removed", DAY2, 410), "id": "0123456789abcdef"}
    removals = write(data, "belta-r.jsonl", [moved, observation(6, "removed", DAY2, 404)])
    corpus = tmp_path / "corpus"

    res = run_archive("corpus", data, "-o", corpus)
    assert res.returncode == 1 and "Traceback" not in res.stderr, res.stderr[-2000:]
    errors = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: {run.name}:2: id {wrong['id']} is not the id of its url {wrong['url']} "
        f"({_item(3)['id']}): which one is wrong cannot be told",
        f"error: {removals.name}:1: id 0123456789abcdef is not the id of its url "
        f"{moved['url']} ({observation(5, 'removed', DAY2, 410)['id']}): which one is wrong "
        "cannot be told"]
    con = duck(corpus)
    assert con.execute("SELECT url FROM versions ORDER BY url").fetchall() == [
        (belta_url(1),), (belta_url(2),)]
    assert con.execute("SELECT url FROM removals").fetchall() == [(belta_url(6),)]
    again = run_archive("corpus", data, "-o", corpus)
    assert again.returncode == 0 and "error:" not in again.stderr, again.stderr[-2000:]


def test_a_url_that_is_no_url_is_rejected_and_the_edits_report_still_made(
        tmp_path: Path) -> None:
    """Two versions of a site's article whose ``url`` is no URL (``https://[news.example/…``,
    a bracket never closed; the crawl writes none such, a line edited by hand may) passed
    the item schema and went in; the edits report then split the URL for its command line
    and ``python -m archive edits`` ended in urlsplit's ValueError traceback. Such a line is
    rejected naming its file, line, URL and why; the others go in and the report is made."""
    from datetime import timedelta

    data, corpus = tmp_path / "data", tmp_path / "corpus"
    bad, room = "https://[news.example/novost-1/", Newsroom()
    text = ["Первый абзац о заседании районного совета депутатов."]
    later = START + timedelta(days=2)
    first = room.capture(bad, "news.example", "Новость", text, START, START)
    second = room.capture(bad, "news.example", "Новость", [*text, "Редакция дополнила."],
                          START, later)
    runs = [write_run(data, "site", START + timedelta(hours=1), [first, _item(1)]),
            write_run(data, "site", later, [second])]
    from archive.urls import article_id
    from tests.archive.test_corpus_removals import DAY2, observation, write

    gone = {**observation(5, "removed", DAY2, 410), "url": bad, "id": article_id(bad)}
    runs.append(write(data, "site-r.jsonl", [gone, observation(6, "removed", DAY2, 404)]))
    res = run_archive("corpus", data, "-o", corpus)
    assert res.returncode == 1 and "Traceback" not in res.stderr, res.stderr[-2000:]
    assert [line for line in res.stderr.splitlines() if line.startswith("error:")] == [
        f"error: {run.name}:1: url {bad!r} is no URL (Invalid IPv6 URL)" for run in runs]
    con = duck(corpus)
    assert con.execute("SELECT url FROM versions").fetchall() == [(belta_url(1),)]
    assert con.execute("SELECT url FROM removals").fetchall() == [(belta_url(6),)]
    report = run_archive("edits", corpus, "-o", tmp_path / "edits.html")
    assert report.returncode == 0 and "Traceback" not in report.stderr, report.stderr[-2000:]
