"""The corpus: every items file as one partitioned Parquet dataset, read back with DuckDB."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from archive.__main__ import main
from archive.corpus import MANIFEST, CorpusError, build_corpus
from archive.corpus_derived import connect
from archive.corpus_schema import DERIVED, schema_version
from archive.schema import load_schema
from tests.archive.corpus_data import (
    START,
    Newsroom,
    belta_url,
    duck,
    several_runs,
    write_run,
)
from tests.sites.common import paragraphs_for

ITEM_FIELDS = list(load_schema()["properties"])
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def runs(tmp_path: Path) -> dict:
    out = several_runs(tmp_path / "data")
    out["data"], out["corpus"] = tmp_path / "data", tmp_path / "corpus"
    return out


def parts(corpus: Path) -> dict[str, bytes]:
    return {str(p.relative_to(corpus)): p.read_bytes()
            for p in sorted((corpus / "versions").rglob("*.parquet"))}


def test_every_field_round_trips_through_duckdb(runs) -> None:
    report = build_corpus(runs["data"], runs["corpus"])
    assert report.rows == len(runs["items"]) == 9 and report.rejected == 0
    con = duck(runs["corpus"])
    assert con.execute("SELECT count(*) FROM versions").fetchone()[0] == 9
    cols = ", ".join(ITEM_FIELDS)
    for item in runs["items"]:
        row = con.execute(f"SELECT {cols} FROM versions WHERE id = ? AND version = ?",
                          [item["id"], item["version"]]).fetchall()
        assert len(row) == 1
        assert dict(zip(ITEM_FIELDS, row[0], strict=True)) == item


def test_counts_versions_and_latest_view(runs) -> None:
    build_corpus(runs["data"], runs["corpus"])
    con = duck(runs["corpus"])
    assert con.execute("SELECT count(DISTINCT id) FROM versions").fetchone()[0] == 8
    assert con.execute("SELECT count(*) FROM latest").fetchone()[0] == 8
    versions = con.execute("SELECT version, fetched_at FROM versions WHERE url = ? "
                           "ORDER BY version", [runs["edited_url"]]).fetchall()
    assert [v for v, _ in versions] == [1, 2]
    latest = con.execute("SELECT version, fetched_at, text FROM latest WHERE url = ?",
                         [runs["edited_url"]]).fetchone()
    assert latest[:2] == versions[-1]
    assert latest[2].endswith("уточнили детали переговоров.")


def test_partitioned_by_outlet_and_month_and_readable_without_duckdb(runs) -> None:
    build_corpus(runs["data"], runs["corpus"])
    folders = sorted(str(p.relative_to(runs["corpus"] / "versions"))
                     for p in (runs["corpus"] / "versions").glob("*/*"))
    assert folders == ["outlet=belta/month=2026-01", "outlet=shklovinfo.by/month=2026-01"]
    table = ds.dataset(runs["corpus"] / "versions", format="parquet",
                       partitioning="hive").to_table()  # what pandas/Polars/Spark do
    assert table.num_rows == 9
    assert set(table.column("outlet").to_pylist()) == {"belta", "shklovinfo.by"}
    assert table.column("warc").type.num_fields == 4  # nested, not flattened


def test_schema_is_derived_from_the_item_json_schema_and_versioned(runs) -> None:
    build_corpus(runs["data"], runs["corpus"])
    [first, *_] = sorted((runs["corpus"] / "versions").rglob("*.parquet"))
    schema = pq.read_schema(first)
    assert schema.names == ITEM_FIELDS + [name for name, _, _ in DERIVED]
    assert schema.metadata[b"corpus_schema_version"].decode() == schema_version()
    assert pa.types.is_list(schema.field("authors").type)
    assert pa.types.is_struct(schema.field("warc").type)
    manifest = json.loads((runs["corpus"] / MANIFEST).read_text())
    assert manifest["schema_version"] == schema_version()
    described = json.loads((runs["corpus"] / "_schema.json").read_text())
    assert [c["name"] for c in described["columns"]][: len(ITEM_FIELDS)] == ITEM_FIELDS


def test_corpus_of_another_schema_version_is_refused(runs) -> None:
    build_corpus(runs["data"], runs["corpus"])
    manifest = json.loads((runs["corpus"] / MANIFEST).read_text())
    manifest["schema_version"] = "0-000000000000"
    (runs["corpus"] / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(CorpusError, match="built with schema 0-000000000000"):
        build_corpus(runs["data"], runs["corpus"])


def test_same_file_twice_adds_nothing_even_under_another_name(runs) -> None:
    build_corpus(runs["data"], runs["corpus"])
    before = parts(runs["corpus"])
    again = build_corpus(runs["data"], runs["corpus"])
    assert again.rows == 0 and again.files_skipped == 3 and again.files_ingested == 0
    shutil.copy(runs["files"][1], runs["data"] / "items" / "belta-copy.jsonl")
    copied = build_corpus(runs["data"], runs["corpus"])
    assert copied.rows == 0 and copied.files_skipped == 4
    assert parts(runs["corpus"]) == before
    assert duck(runs["corpus"]).execute("SELECT count(*) FROM versions").fetchone()[0] == 9


def test_new_run_is_added_without_rewriting_the_rest(runs) -> None:
    build_corpus(runs["data"], runs["corpus"])
    before = parts(runs["corpus"])
    room = Newsroom()
    item = room.capture(belta_url(50), "belta", "Новость 50", paragraphs_for(150), START, START)
    write_run(runs["data"], "belta", START.replace(day=9), [item])
    report = build_corpus(runs["data"], runs["corpus"])
    assert report.rows == 1 and report.files_ingested == 1
    after = parts(runs["corpus"])
    assert {k: after[k] for k in before} == before  # old parts untouched, byte for byte
    assert len(after) == len(before) + 1


def test_damaged_lines_are_reported_with_file_and_line_and_skipped(runs, capsys) -> None:
    path = runs["files"][0]
    lines = path.read_text("utf-8").splitlines(keepends=True)
    broken = json.loads(lines[3])
    del broken["title"]
    lines[1] = '{"id": "truncated-by-a-cra\n'
    lines[3] = json.dumps(broken, ensure_ascii=False) + "\n"
    lines.insert(4, "[1, 2]\n")
    path.write_text("".join(lines), "utf-8")
    code = main(["corpus", str(runs["data"]), "-o", str(runs["corpus"])])
    err = capsys.readouterr().err
    assert code == 1
    assert f"{path.name}:2: invalid JSON" in err
    assert f"{path.name}:4: breaks the item schema" in err and "title" in err
    assert f"{path.name}:5: not a JSON object" in err
    con = duck(runs["corpus"])
    assert con.execute("SELECT count(*) FROM versions").fetchone()[0] == 9 - 2
    rejects = (runs["corpus"] / "_rejects.jsonl").read_text().splitlines()
    assert [json.loads(r)["line"] for r in rejects] == [2, 4, 5]


def test_file_still_being_written_is_resumed_not_duplicated(runs) -> None:
    path = runs["files"][1]
    content = path.read_bytes()
    cut = content.index(b"\n") + 40  # inside the second line
    assert cut < len(content) - 1
    path.write_bytes(content[:cut])
    first = build_corpus(runs["data"], runs["corpus"])
    [note] = [p for p in first.problems if not p.fatal]
    assert note.file == path.name and "incomplete last line" in note.reason
    assert first.files_partial == 1 and first.rejected == 0
    entry = json.loads((runs["corpus"] / MANIFEST).read_text())["files"][path.name]
    assert entry["complete"] is False and entry["bytes"] < cut
    con = duck(runs["corpus"])
    done = con.execute("SELECT count(*) FROM versions").fetchone()[0]
    assert done < 9
    path.write_bytes(content)  # the run finishes its file
    second = build_corpus(runs["data"], runs["corpus"])
    assert second.rows == 9 - done and second.files_partial == 0
    con = duck(runs["corpus"])
    assert con.execute("SELECT count(*), count(DISTINCT (id, version)) FROM versions"
                       ).fetchone() == (9, 9)
    assert json.loads((runs["corpus"] / MANIFEST).read_text())["files"][path.name]["complete"]


def test_file_rewritten_in_place_replaces_its_rows(runs) -> None:
    build_corpus(runs["data"], runs["corpus"])
    path = runs["files"][0]
    lines = path.read_text("utf-8").splitlines(keepends=True)
    lines[0] = lines[0].replace("Новость 0", "Новость ноль")
    path.write_text("".join(lines), "utf-8")
    build_corpus(runs["data"], runs["corpus"])
    con = duck(runs["corpus"])
    assert con.execute("SELECT count(*) FROM versions").fetchone()[0] == 9
    assert con.execute("SELECT title FROM versions WHERE url = ?",
                       [belta_url(0)]).fetchone()[0] == "Новость ноль"


def test_missing_items_folder_is_a_usage_error(tmp_path: Path, capsys) -> None:
    assert main(["corpus", str(tmp_path / "nowhere"), "-o", str(tmp_path / "c")]) == 2
    assert "no items folder" in capsys.readouterr().err


def test_archive_corpus_modules_import_no_scrapy() -> None:
    code = ("import sys, archive.corpus, archive.corpus_derived, archive.history, "
            "archive.edits, archive.corpus_select; "
            "sys.exit(1 if [m for m in sys.modules if m.split('.')[0] == 'scrapy'] else 0)")
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


def test_connect_on_an_empty_folder_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="python -m archive corpus"):
        connect(tmp_path)


def test_overlong_line_is_reported_and_skipped_in_bounded_memory(runs, monkeypatch) -> None:
    import archive.corpus
    import archive.fileio

    limit = max(len(line) for f in runs["files"] for line in f.read_bytes().splitlines()) + 10
    monkeypatch.setattr(archive.corpus, "MAX_LINE_BYTES", limit)
    monkeypatch.setattr(archive.fileio, "SKIP_CHUNK", 64)
    path = runs["files"][0]
    lines = path.read_bytes().splitlines(keepends=True)
    lines.insert(2, b'{"text": "' + "ж".encode() * (5 * limit) + b'"}\n')
    path.write_bytes(b"".join(lines))
    report = build_corpus(runs["data"], runs["corpus"])
    assert [str(p) for p in report.problems] == [
        f"{path.name}:3: line longer than {limit} bytes"]
    assert report.rows == 9


def test_outlets_whose_old_folder_names_collided_get_their_own_folders(tmp_path: Path) -> None:
    room = Newsroom()
    sources = ["䅡", "Ж1", "belta"]  # "%4161" and "%4161" under the old %<code point> escape
    for n, source in enumerate(sources):
        item = room.capture(belta_url(60 + n), source, f"Новость {n}", paragraphs_for(60 + n),
                            START, START)
        write_run(tmp_path / "data", f"run{n}", START, [item])
    build_corpus(tmp_path / "data", tmp_path / "corpus")
    folders = sorted(p.name for p in (tmp_path / "corpus" / "versions").iterdir())
    assert folders == ["outlet=%D0%961", "outlet=%E4%85%A1", "outlet=belta"]
    table = ds.dataset(tmp_path / "corpus" / "versions", format="parquet",
                       partitioning="hive").to_table(columns=["source", "outlet"])
    assert sorted(zip(*table.to_pydict().values(), strict=True)) == sorted(
        (s, s) for s in sources)  # pyarrow decodes each folder name back to its source


def test_a_backfill_over_many_months_is_written_with_few_writers_open(
        tmp_path: Path, monkeypatch) -> None:
    """At most MAX_OPEN_PARTS writers and BUFFER_BYTES of text are held; every row still goes
    in once, a partition whose writer was closed early getting a further part."""
    import archive.corpus
    import archive.fileio

    monkeypatch.setattr(archive.corpus, "MAX_OPEN_PARTS", 2)
    monkeypatch.setattr(archive.corpus, "BUFFER_BYTES", 4000)
    room, items = Newsroom(), []
    for n in range(24):  # months 1, 2, 3, 4, 1, 2, …: each writer closed before its next row
        published = START.replace(month=n % 4 + 1)
        items.append(room.capture(belta_url(n), "belta", f"Новость {n}", paragraphs_for(n),
                                  published, START))
    write_run(tmp_path / "data", "belta", START, items)
    report = build_corpus(tmp_path / "data", tmp_path / "corpus")
    assert report.rows == 24 and not report.problems
    parts = sorted((tmp_path / "corpus" / "versions").glob("*/*/*.parquet"))
    assert len(parts) > 4 and not list((tmp_path / "corpus").rglob("*.tmp"))
    con = duck(tmp_path / "corpus")
    assert con.execute("SELECT count(*), count(DISTINCT id) FROM versions").fetchone() == (24, 24)
    assert sorted(r[0] for r in con.execute("SELECT DISTINCT month FROM versions").fetchall()
                  ) == ["2026-01", "2026-02", "2026-03", "2026-04"]


def test_reading_a_corpus_still_being_built_writes_nothing_into_it(runs, tmp_path) -> None:
    """Before a first build reaches families and edits, its parts are already readable. A
    reader (an analyst, maybe on a read-only mount, while the build runs) sees them with no
    families and no edits yet, and creates no file the build also writes."""
    import shutil

    from archive.__main__ import main

    build_corpus(runs["data"], runs["corpus"])
    for folder in ("families", "edits"):
        shutil.rmtree(runs["corpus"] / folder)
    before = sorted(p for p in runs["corpus"].rglob("*"))
    con = connect(runs["corpus"])
    assert con.execute("SELECT count(*) FROM versions").fetchone()[0] == len(runs["items"])
    assert con.execute("SELECT count(*), count(DISTINCT family) FROM latest").fetchone() == (
        len({i["id"] for i in runs["items"]}),) * 2
    assert con.execute("SELECT count(*) FROM families").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM edits").fetchone()[0] == 0
    con.close()
    assert main(["history", str(runs["corpus"]), runs["edited_url"]]) == 0
    assert main(["edits", str(runs["corpus"]), "-o", str(tmp_path / "e.html")]) == 0
    assert main(["export-txt", "--corpus", str(runs["corpus"]), str(tmp_path / "txt")]) == 0
    assert sorted(p for p in runs["corpus"].rglob("*")) == before


def test_an_unended_last_line_over_the_cap_names_the_cap(runs, monkeypatch) -> None:
    """A last line with no newline for a gigabyte (a writer that died mid-blob, a foreign
    file) is read in bounded chunks; the note says it is already over the line cap, so it
    will be rejected when it ends, not taken for an item still being written."""
    import archive.corpus
    import archive.fileio

    monkeypatch.setattr(archive.corpus, "MAX_LINE_BYTES", 4096)
    path = runs["files"][0]
    with path.open("ab") as fh:
        fh.write(b'{"text": "' + "ж".encode() * 10_000)
    report = build_corpus(runs["data"], runs["corpus"])
    assert [str(p) for p in report.problems] == [
        f"{path.name}:7: incomplete last line, already longer than the line cap (4096 bytes): "
        "left for the next build, which rejects it once it ends"]
    assert report.rows == 9 and report.files_partial == 1
