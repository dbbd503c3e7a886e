"""The corpus's removals table and views, built from removals files as crawls write them."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

import archive.corpus_removals
from archive.corpus import REJECTS, build_corpus
from archive.corpus_derived import connect
from archive.schema import removal_errors
from crawler.urls import article_id
from tests.archive.changing_files import FILE_CHANGES, after_line, assert_named_as_changed
from tests.archive.corpus_data import ROOT, START, belta_url, duck, run_archive, several_runs

HOME = "http://www.belta.by/"


def ref(n: int) -> dict[str, Any]:
    return {"file": "news-archive-belta-20260107000000-00000-host-1.warc.gz", "offset": 500 * n,
            "length": 400, "record_id": f"<urn:uuid:00000000-0000-4000-8000-{n:012d}>"}


def observation(n: int, event: str, when: str, status: int, final: str | None = None,
                removed_at: str | None = None) -> dict[str, Any]:
    url = belta_url(n)
    line = {"event": event, "url": url, "id": article_id(url), "source": "belta",
            "observed_at": when, "status": status, "final_url": final, "warc": ref(n),
            "redirects": [{"url": url.replace("https", "http"), "status": 301,
                           "warc": ref(100 + n)}] if final else [],
            "removed_at": removed_at}
    assert removal_errors(line) == []
    return line


def write(data: Path, name: str, lines: list[Any], tail: str = "") -> Path:
    folder = data / "removals"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x, ensure_ascii=False))
                            + "\n" for x in lines) + tail, "utf-8")
    return path


DAY2 = (START + timedelta(days=2)).isoformat(timespec="seconds")
DAY3 = (START + timedelta(days=3)).isoformat(timespec="seconds")


@pytest.fixture()
def built(tmp_path: Path) -> dict[str, Any]:
    data, corpus = tmp_path / "data", tmp_path / "corpus"
    several_runs(data)
    gone = observation(3, "removed", DAY2, 410)
    moved = observation(5, "removed", DAY2, 200, final=HOME)
    back = observation(3, "restored", DAY3, 200, removed_at=DAY2)
    write(data, "belta-2026-01-07T00-00-00+00-00-11.jsonl", [gone, moved])
    write(data, "belta-2026-01-08T00-00-00+00-00-12.jsonl",
          [back, '{"event": "vanished"}'], tail='{"event": "removed", "ur')
    report = build_corpus(data, corpus)
    return {"data": data, "corpus": corpus, "report": report, "lines": [gone, moved, back]}


def test_every_observation_is_a_row_of_the_removals_view(built) -> None:
    assert built["report"].removals == 3
    con = duck(built["corpus"])
    fields = list(built["lines"][0])
    rows = con.execute(f"SELECT {', '.join(fields)} FROM removals ORDER BY observed_ts, url"
                       ).fetchall()
    assert [dict(zip(fields, row, strict=True)) for row in rows] == sorted(
        built["lines"], key=lambda line: (line["observed_at"], line["url"]))
    typed = con.execute("SELECT min(observed_ts) FROM removals").fetchone()[0]
    assert typed.isoformat().startswith(DAY2[:19])


def test_removed_view_holds_only_articles_gone_when_last_fetched(built) -> None:
    con = connect(built["corpus"])  # the Python helper and views.sql agree
    rows = con.execute("SELECT url, status, final_url FROM removed").fetchall()
    assert rows == [(belta_url(5), 200, HOME)]
    # the query docs/corpus.md gives: which latest versions are gone, since when
    gone = con.execute("""SELECT l.title, r.removed_at, r.status FROM latest AS l
                          JOIN removed AS r USING (id) ORDER BY r.removed_at""").fetchall()
    assert [(title, status) for title, _, status in gone] == [("Новость 5", 200)]


def test_the_queries_of_docs_corpus_md_run(built) -> None:
    doc = (ROOT / "docs" / "corpus.md").read_text("utf-8")
    section = doc[doc.index("## Removed articles"):doc.index("## Edits and history")]
    sql = section[section.index("```sql") + 6:section.index("```", section.index("```sql") + 6)]
    first, second = [q for q in sql.split(";") if q.strip()]
    con = duck(built["corpus"])
    [gone] = con.execute(first).fetchall()
    assert gone[1] == belta_url(5) and gone[5:7] == (200, HOME)
    assert gone[7:] == (ref(5)["file"], ref(5)["offset"])
    counts = {row[2]: row[3] for row in con.execute(second).fetchall()}
    assert counts == {"removed": 2, "restored": 1}


def test_bad_lines_are_reported_with_file_and_line_once(built) -> None:
    problems = [(p.file, p.line, p.fatal) for p in built["report"].problems]
    assert ("belta-2026-01-08T00-00-00+00-00-12.jsonl", 2, True) in problems
    assert ("belta-2026-01-08T00-00-00+00-00-12.jsonl", 3, False) in problems  # still written
    rejects = (built["corpus"] / REJECTS).read_text("utf-8").splitlines()
    assert len(rejects) == 1 and "removal schema" in rejects[0]
    again = build_corpus(built["data"], built["corpus"])  # nothing changed: nothing re-read
    assert again.removals == 3 and again.problems == []
    write(built["data"], "belta-2026-01-09T00-00-00+00-00-13.jsonl",
          [observation(1, "removed", DAY3, 451)])
    third = build_corpus(built["data"], built["corpus"])
    assert third.removals == 4
    assert (built["corpus"] / REJECTS).read_text("utf-8").splitlines() == rejects


def test_a_corpus_without_removals_has_empty_views(tmp_path: Path) -> None:
    several_runs(tmp_path / "data")
    report = build_corpus(tmp_path / "data", tmp_path / "corpus")
    assert report.removals == 0
    con = duck(tmp_path / "corpus")
    assert con.execute("SELECT count(*) FROM removals").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM removed").fetchone() == (0,)
    (tmp_path / "corpus" / "removals" / "removals.parquet").unlink()  # an older corpus
    assert connect(tmp_path / "corpus").execute("SELECT count(*) FROM removed").fetchone() == (0,)


def test_an_over_long_line_is_skipped_in_bounded_memory(tmp_path: Path) -> None:
    """A removals file holding one huge line (a damaged or foreign file, no newline for tens
    of megabytes) is skipped in bounded reads: the build never holds the line."""
    import tracemalloc

    data = tmp_path / "data"
    several_runs(data)
    path = write(data, "belta-2026-01-07T00-00-00+00-00-11.jsonl",
                 [observation(3, "removed", DAY2, 410)])
    with path.open("ab") as fh:
        fh.write(b'{"event": "removed", "url": "' + b"x" * (40 << 20) + b'"}\n')
        fh.write((json.dumps(observation(5, "removed", DAY2, 404)) + "\n").encode())
    first = build_corpus(data, tmp_path / "corpus")  # the items: not what is measured
    assert [(p.line, p.reason) for p in first.problems] == [
        (2, "line longer than 1048576 bytes")]
    with path.open("ab") as fh:  # changed: the removals are read again
        fh.write(b"\n")
    tracemalloc.start()
    try:
        report = build_corpus(data, tmp_path / "corpus")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert report.removals == 2
    assert peak < 16 << 20, f"peak {peak >> 20} MiB while reading a 40 MiB line"


def test_a_rejected_line_is_not_reported_again_when_other_files_change(built) -> None:
    """A bad removals line is an error of the build that first reads it (exit 1), not of
    every later build that reads the files again because a crawl added one."""
    write(built["data"], "belta-2026-01-09T00-00-00+00-00-13.jsonl",
          [observation(1, "removed", DAY3, 451)])
    later = build_corpus(built["data"], built["corpus"])
    assert later.removals == 4
    assert later.rejected == 0, [str(p) for p in later.problems]


def test_a_line_no_column_can_hold_is_rejected_and_the_rest_written(tmp_path: Path) -> None:
    """A schema-valid line whose text pyarrow cannot encode (a lone surrogate, as a damaged
    writer leaves) is reported with its file and line; the other lines of its batch are kept."""
    data = tmp_path / "data"
    several_runs(data)
    bad = json.dumps(observation(5, "removed", DAY2, 200, final=HOME)).replace(
        HOME, HOME + "\\ud800")
    name = "belta-2026-01-07T00-00-00+00-00-11.jsonl"
    write(data, name, [observation(3, "removed", DAY2, 410), bad,
                       observation(1, "removed", DAY2, 404)])
    report = build_corpus(data, tmp_path / "corpus")
    assert report.removals == 2
    assert [(p.file, p.line, "cannot be stored" in p.reason) for p in report.problems] == [
        (name, 2, True)]
    urls = duck(tmp_path / "corpus").execute("SELECT url FROM removals ORDER BY url").fetchall()
    assert urls == sorted([(belta_url(1),), (belta_url(3),)])


def test_a_removals_file_whose_name_is_not_utf8_is_named_once_and_the_rest_written(
        tmp_path: Path) -> None:
    """A name of cp1251 bytes (unpacked from a Windows archive) cannot be a ``removals_file``
    value: one error names it and says to rename it, the other files' rows are written, the
    derived files and views too; renamed, its rows go in."""
    import os

    data = tmp_path / "data"
    several_runs(data)
    odd = write(data, "x.jsonl", [observation(3, "removed", DAY2, 410)])
    odd = odd.rename(odd.with_name(os.fsdecode("удалено".encode("cp1251") + b".jsonl")))
    write(data, "belta-2026-01-07T00-00-00+00-00-11.jsonl", [observation(5, "removed", DAY2, 404)])
    report = build_corpus(data, tmp_path / "corpus")
    assert report.removals == 1
    assert [(p.file, p.line, p.fatal) for p in report.problems] == [
        ("\\xf3\\xe4\\xe0\\xeb\\xe5\\xed\\xee.jsonl", 0, True)]
    assert "not UTF-8" in report.problems[0].reason and "rename" in report.problems[0].reason
    assert build_corpus(data, tmp_path / "corpus").problems == []  # once
    odd.rename(odd.with_name("удалено.jsonl"))
    assert build_corpus(data, tmp_path / "corpus").removals == 2


def test_a_line_that_is_not_strict_json_is_rejected_and_the_rest_written(tmp_path: Path) -> None:
    """Python's json reads NaN and 1e400 (as infinity) and keeps the last of two values of a
    key: a ``similarity`` of NaN would be stored, and a line saying both "removed" and
    "restored" would count as a restoration. Each is rejected with its file, line and why."""
    data = tmp_path / "data"
    several_runs(data)
    soft = observation(4, "removed", DAY2, 200)
    soft["evidence"] = {"reason": "soft-404", "matched": "probe", "wording": None,
                        "probe": {"url": HOME + "zz-none", "status": 404, "final_url": None,
                                  "warc": None, "similarity": 0.5}}
    text = json.dumps(soft)
    name = "belta-2026-01-07T00-00-00+00-00-11.jsonl"
    write(data, name, [observation(3, "removed", DAY2, 410),
                       text.replace('"similarity": 0.5', '"similarity": NaN'),
                       text.replace('"similarity": 0.5', '"similarity": 1e400'),
                       json.dumps(observation(6, "removed", DAY2, 410))[:-1]
                       + ', "event": "restored"}',
                       observation(1, "removed", DAY2, 404)])
    res = run_archive("corpus", data, "-o", tmp_path / "corpus")
    assert res.returncode == 1 and "Traceback" not in res.stderr, res.stderr[-2000:]
    errors = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: {name}:2: invalid JSON: NaN is no JSON value (JSON has no NaN or Infinity)",
        f"error: {name}:3: invalid JSON: number 1e400 is beyond the range of a double",
        f"error: {name}:4: invalid JSON: duplicate key 'event' in one object (JSON readers "
        "differ on which value counts)"]
    urls = duck(tmp_path / "corpus").execute("SELECT url FROM removals ORDER BY url").fetchall()
    assert urls == sorted([(belta_url(1),), (belta_url(3),)])
    again = run_archive("corpus", data, "-o", tmp_path / "corpus")
    assert again.returncode == 0 and "error:" not in again.stderr, again.stderr[-2000:]


def _built_with(tmp_path: Path, second: str, third: str) -> tuple[Path, Path, str, Any]:
    """A corpus built from several runs and one removals file whose second and third lines
    were observed at ``second`` and ``third``: (data, corpus, the file's name, the report)."""
    data, corpus = tmp_path / "data", tmp_path / "corpus"
    several_runs(data)
    name = "belta-2026-01-07T00-00-00+00-00-11.jsonl"
    write(data, name, [observation(3, "removed", DAY2, 410),
                       observation(5, "removed", second, 404),
                       observation(1, "removed", third, 404)])
    return data, corpus, name, build_corpus(data, corpus)


@pytest.mark.parametrize("when", ["yesterday", "", "2026-02-30T10:00:00+00:00",
                                  "2026-01-07T25:00:00Z", "2026-01-07T10:00:00+25:00",
                                  "٢٠٢٦-01-07T10:00:00Z"])
def test_an_observation_whose_observed_at_names_no_instant_is_rejected_and_the_rest_written(
        tmp_path: Path, when: str) -> None:
    """``observed_at`` is a string of format date-time, which JSON Schema does not check:
    a line whose value names no instant went in with ``observed_ts`` NULL and no note, a
    removal the ``removed`` view then misorders or drops unseen."""
    data, corpus, name, report = _built_with(tmp_path, when, DAY2)
    assert report.removals == 2 and report.rejected == 1
    [problem] = report.problems
    assert (problem.file, problem.line, problem.fatal) == (name, 2, True)
    assert problem.reason.startswith(f"observed_at {when!r} names no instant"), problem.reason
    [reject] = [json.loads(r) for r in (corpus / REJECTS).read_text("utf-8").splitlines()]
    assert (reject["file"], reject["line"]) == (name, 2)
    urls = duck(corpus).execute("SELECT url FROM removals ORDER BY url").fetchall()
    assert urls == sorted([(belta_url(1),), (belta_url(3),)])
    write(data, "belta-2026-01-09T00-00-00+00-00-13.jsonl", [observation(2, "removed", DAY3, 451)])
    assert build_corpus(data, corpus).problems == []  # reported once


@pytest.mark.parametrize("case", list(FILE_CHANGES))
def test_a_removals_file_changed_under_the_build_is_named_and_read_again_next_time(
        case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    """Items files were checked for a change while a build read them, removals files not:
    cut short, the table silently lacked their tail; rewritten in place, a line half old,
    half new was rejected for good (a bogus line in ``_rejects.jsonl``, exit 1), and rows of
    two contents went in."""
    from archive.__main__ import main

    data, corpus = tmp_path / "data", tmp_path / "corpus"
    several_runs(data)
    path = write(data, "belta-2026-01-07T00-00-00+00-00-11.jsonl",
                 [observation(n, "removed", DAY2, 410) for n in (3, 5)])
    other = write(data, "belta-2026-01-08T00-00-00+00-00-12.jsonl",
                  [observation(6, "removed", DAY3, 404)])
    assert build_corpus(data, corpus).removals == 3
    write(data, path.name, [observation(n, "removed", DAY2, 410) for n in (3, 5, 1, 2)])
    lines = path.read_bytes().splitlines(keepends=True)
    after_line(monkeypatch, archive.corpus_removals, path, 2,
               lambda: FILE_CHANGES[case](path, lines))

    code = main(["corpus", str(data), "-o", str(corpus)])
    err = capsys.readouterr().err
    assert_named_as_changed(code, err, path)
    urls = duck(corpus).execute("SELECT url FROM removals ORDER BY url").fetchall()
    assert urls == sorted((belta_url(n),) for n in (3, 5, 6))  # the table as it was

    monkeypatch.undo()
    assert main(["corpus", str(data), "-o", str(corpus)]) == 0, capsys.readouterr().err
    now = [json.loads(line) for line in path.read_bytes().splitlines(keepends=True)
           if line.endswith(b"\n")]
    urls = duck(corpus).execute("SELECT url FROM removals ORDER BY url").fetchall()
    assert urls == sorted([(i["url"],) for i in now] + [(belta_url(6),)])
    assert other.exists()
    rejects = (corpus / REJECTS).read_text().splitlines() if (corpus / REJECTS).exists() else []
    assert all(json.loads(r)["line"] == 0 for r in rejects), rejects  # no bogus line


def test_an_observed_at_without_offset_is_read_as_utc_with_one_note_per_file(
        tmp_path: Path) -> None:
    """The crawl writes ``observed_at`` with ``+00:00``; another tool's line without an offset
    was read as UTC and nothing said so, though it may have been local time."""
    naive = DAY2.removesuffix("+00:00")
    _, corpus, name, report = _built_with(tmp_path, naive, naive)
    assert report.removals == 3 and report.rejected == 0
    [problem] = report.problems
    assert (problem.file, problem.line, problem.fatal) == (name, 2, False)
    assert problem.reason.startswith("2 line(s) whose observed_at has no UTC offset"), problem
    assert problem.reason.endswith("read as UTC")
    when = duck(corpus).execute("SELECT strftime(observed_ts AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S') "
                                "FROM removals WHERE url = ?", [belta_url(5)]).fetchone()[0]
    assert when == naive


def test_entries_of_the_removals_folder_that_are_not_read_are_named(tmp_path: Path) -> None:
    """A .jsonl.gz, a subfolder or a dangling link in DATA_DIR/removals is a note, as in the
    items folder: skipped silently, its observations would be missed unseen."""
    import gzip
    data, corpus = tmp_path / "data", tmp_path / "corpus"
    several_runs(data)
    write(data, "belta-1.jsonl", [observation(3, "removed", DAY2, 410)])
    with gzip.open(data / "removals" / "belta-2.jsonl.gz", "wt") as fh:
        fh.write(json.dumps(observation(5, "removed", DAY2, 404)) + "\n")
    (data / "removals" / "old").mkdir()
    (data / "removals" / "gone.jsonl").symlink_to(tmp_path / "nowhere.jsonl")
    (data / "removals" / ".hidden-note").write_text("x")
    notes: list[tuple[str, str, bool]] = []
    build_corpus(data, corpus, lambda p: notes.append((p.file, p.reason, p.fatal)))
    assert [n for n in notes if n[0].startswith("removals/")] == [
        ("removals/belta-2.jsonl.gz", "not read: only *.jsonl files are removals files (a "
         "compressed one: decompress it to add it)", False),
        ("removals/gone.jsonl", "not read: a link to nothing (its file moved or was deleted)",
         False),
        ("removals/old", "not read: a folder (removals files are read from the removals folder "
         "itself, not its subfolders)", False)]
    assert duck(corpus).execute("SELECT removals_file FROM removals").fetchall() == [
        ("belta-1.jsonl",)]


def test_derived_tables_cut_short_are_set_aside_and_made_again(built) -> None:
    """A corpus copied with its edits and removals tables cut half way (a copy stopped, a
    damaged disk): before, the build said nothing of the removals table and every query of
    the views failed on it, and a cut edits file failed every build after it. Now the build
    moves each aside (its bytes kept) and makes it again: the views answer as before."""
    corpus = built["corpus"]
    queries = ("SELECT id, event, observed_ts FROM removals ORDER BY ALL",
               "SELECT id, version, previous_version, diff FROM edits ORDER BY ALL")
    before = [duck(corpus).execute(q).fetchall() for q in queries]
    assert before[0] and before[1]
    damaged = [corpus / "removals" / "removals.parquet",
               *[p for p in (corpus / "edits").glob("*.parquet") if p.name != "edits-0.parquet"]]
    cut = {}
    for path in damaged:
        cut[path] = path.read_bytes()[: path.stat().st_size // 2]
        path.write_bytes(cut[path])
    report = build_corpus(built["data"], corpus)
    said = {p.file: p.reason for p in report.problems}
    for path in damaged:
        assert said[str(path)].startswith("not a readable Parquet file (ArrowInvalid: ")
        [aside] = path.parent.glob(f"{path.name}.unreadable-*")
        assert aside.read_bytes() == cut[path]  # kept, not deleted
    assert not any(p.fatal for p in report.problems if p.file in map(str, damaged))
    assert [duck(corpus).execute(q).fetchall() for q in queries] == before
    again = build_corpus(built["data"], corpus)
    assert not [p for p in again.problems if "readable" in p.reason]


def test_observations_of_a_removals_file_gone_or_of_another_data_folder_are_kept(
        built, tmp_path: Path) -> None:
    """A build from a second data folder (another machine's crawls), or after a run's
    removals file was deleted, rewrote the table from the files it found: the observations
    of the others were gone from `removals` and `removed`, while their articles' rows stayed
    in `versions`. Only a file read again replaces its own rows."""
    corpus, query = built["corpus"], "SELECT url, event, observed_at, removals_file FROM removals"
    before = sorted(duck(corpus).execute(query).fetchall())
    assert len(before) == 3
    other = tmp_path / "other"
    (other / "items").mkdir(parents=True)
    late = observation(6, "removed", DAY3, 404)
    write(other, "belta-2026-01-09T00-00-00+00-00-13.jsonl", [late])
    assert build_corpus(other, corpus).removals == 4
    after = sorted(duck(corpus).execute(query).fetchall())
    assert after == sorted([*before, (late["url"], "removed", DAY3,
                                      "belta-2026-01-09T00-00-00+00-00-13.jsonl")])
    gone = built["data"] / "removals" / "belta-2026-01-07T00-00-00+00-00-11.jsonl"
    gone.unlink()  # a run folder cleaned up after it went in
    assert build_corpus(built["data"], corpus).removals == 4
    assert sorted(duck(corpus).execute(query).fetchall()) == after
    removed = duck(corpus).execute("SELECT url FROM removed ORDER BY url").fetchall()
    assert removed == [(belta_url(5),), (belta_url(6),)]  # 3 was restored
    rewritten = built["data"] / "removals" / "belta-2026-01-08T00-00-00+00-00-12.jsonl"
    write(built["data"], rewritten.name, [built["lines"][2]])  # its bad lines dropped
    build_corpus(built["data"], corpus)
    assert sorted(duck(corpus).execute(query).fetchall()) == after  # its rows replaced alike


def test_removals_files_of_one_name_in_two_data_folders_keep_both_observations(
        built, tmp_path: Path) -> None:
    """Removals files are named <spider>-<time>-<pid>, so two machines' crawls write files of
    one name: the table kept a file's rows by its name, and a build from the second data
    folder replaced the first's observations with its own."""
    corpus, query = built["corpus"], "SELECT url, event, observed_at FROM removals"
    before = sorted(duck(corpus).execute(query).fetchall())
    other = tmp_path / "other"
    (other / "items").mkdir(parents=True)
    late = observation(6, "removed", DAY3, 404)
    write(other, "belta-2026-01-07T00-00-00+00-00-11.jsonl", [late])  # a name built has
    assert build_corpus(other, corpus).removals == 4
    both = sorted([*before, (late["url"], "removed", DAY3)])
    assert sorted(duck(corpus).execute(query).fetchall()) == both
    assert build_corpus(built["data"], corpus).removals == 4  # and back: nothing lost
    assert sorted(duck(corpus).execute(query).fetchall()) == both


def test_a_removals_file_renamed_or_copied_elsewhere_is_not_counted_twice(
        built, tmp_path: Path) -> None:
    """A file's rows were carried over under its old name and read again under the new one:
    every observation of a renamed file (or of a copy in another data folder) was twice in
    ``removals``."""
    corpus, query = built["corpus"], "SELECT url, event, observed_at, removals_file FROM removals"
    first = built["data"] / "removals" / "belta-2026-01-07T00-00-00+00-00-11.jsonl"
    renamed = first.with_name("belta-2026-01-07-renamed.jsonl")
    first.rename(renamed)
    assert build_corpus(built["data"], corpus).removals == 3
    rows = duck(corpus).execute(query).fetchall()
    assert len(rows) == 3 and {r[3] for r in rows} >= {renamed.name}  # the file as it is now
    other = tmp_path / "other"
    (other / "items").mkdir(parents=True)
    write(other, "copy.jsonl", built["lines"][:2])
    assert build_corpus(other, corpus).removals == 3
    assert duck(corpus).execute("SELECT count(*), count(DISTINCT (url, event, observed_at)) "
                                "FROM removals").fetchone() == (3, 3)


BAD_NAME = "belta-2026-01-08T00-00-00+00-00-12.jsonl"  # built's file with a bad line 2


def rejected_lines(report) -> list[tuple[str, int]]:
    return [(p.file, p.line) for p in report.problems if p.fatal]


def test_a_bad_line_is_said_once_per_content_not_per_file_name(built, tmp_path: Path) -> None:
    """Which bad lines were said was recorded under the file's name: another data folder's
    file of that name took the record over (two machines' crawls name files alike), so going
    back to the first folder said its bad line again, and so on at each switch."""
    other = tmp_path / "other"
    (other / "items").mkdir(parents=True)
    write(other, BAD_NAME, ['{"event": "other machine"}', observation(6, "removed", DAY3, 404)])
    assert rejected_lines(build_corpus(other, built["corpus"])) == [(BAD_NAME, 1)]
    for data in (built["data"], other, built["data"]):
        again = build_corpus(data, built["corpus"])
        assert again.removals == 4 and rejected_lines(again) == [], data
    rejects = (built["corpus"] / REJECTS).read_text("utf-8").splitlines()
    assert [json.loads(line)["line"] for line in rejects] == [2, 1]


def test_a_renamed_or_copied_removals_file_says_only_its_new_bad_lines(
        built, tmp_path: Path) -> None:
    """A renamed file (or a copy in another data folder) holds the lines said before: only a
    bad line added since is new."""
    old = built["data"] / "removals" / BAD_NAME
    old.rename(old.with_name("renamed.jsonl"))
    assert rejected_lines(build_corpus(built["data"], built["corpus"])) == []
    other = tmp_path / "other"
    (other / "items").mkdir(parents=True)
    copy = other / "removals" / "copy.jsonl"
    copy.parent.mkdir()
    # its unfinished last line ended (still bad) and one more bad line
    copy.write_bytes(old.with_name("renamed.jsonl").read_bytes() + b'l": 1}\n"still bad"\n')
    assert rejected_lines(build_corpus(other, built["corpus"])) == [
        ("copy.jsonl", 3), ("copy.jsonl", 4)]


def test_files_of_one_name_not_utf8_in_two_data_folders_are_each_named_once(
        tmp_path: Path) -> None:
    """A file whose name is not UTF-8 is named once, until renamed: that was recorded by its
    name, so another data folder's file of that name was never named."""
    import os

    odd = os.fsdecode("удалено".encode("cp1251") + b".jsonl")
    shown = "\\xf3\\xe4\\xe0\\xeb\\xe5\\xed\\xee.jsonl"
    folders = [tmp_path / "a", tmp_path / "b"]
    for n, data in enumerate(folders):
        (data / "items").mkdir(parents=True)
        write(data, odd, [observation(3 + n, "removed", DAY2, 410)])
        write(data, f"belta-{n}.jsonl", [observation(5 + n, "removed", DAY2, 404)])
    corpus = tmp_path / "corpus"
    for data in folders:
        report = build_corpus(data, corpus)
        assert [(p.file, p.line) for p in report.problems] == [(shown, 0)], data
    for data in [*folders, *folders]:
        assert build_corpus(data, corpus).problems == [], data
