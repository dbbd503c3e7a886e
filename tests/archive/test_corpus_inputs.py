"""Items files and corpus folders as they come in practice: other encodings, line ends and
compression; two builds at once."""

from __future__ import annotations

import codecs
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.archive.corpus_data import ROOT, duck, run_archive, several_runs

HOLD_LOCK = """
import sys
from pathlib import Path
from archive.corpus import _locked
with _locked(Path(sys.argv[1])):
    print("locked", flush=True)
    sys.stdin.read()
"""


def test_a_second_build_on_a_corpus_being_built_names_the_build_holding_it(
        tmp_path: Path) -> None:
    runs = several_runs(tmp_path / "data")
    corpus = tmp_path / "corpus"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(corpus)], cwd=ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "locked\n"
        res = run_archive("corpus", tmp_path / "data", "-o", corpus)
        assert res.returncode == 2 and "Traceback" not in res.stderr, res.stderr
        [error] = [line for line in res.stderr.splitlines() if line.startswith("error:")]
        assert f"pid {holder.pid}" in error and str(corpus / "_lock") in error, error
        assert not (corpus / "versions").exists()
    finally:
        holder.communicate("", timeout=30)
    assert run_archive("corpus", tmp_path / "data", "-o", corpus).returncode == 0
    assert duck(corpus).execute("SELECT count(*) FROM versions").fetchone()[0] == len(
        runs["items"])


def _lines(items: list[dict], end: str = "\n") -> str:
    return "".join(json.dumps(i, ensure_ascii=False) + end for i in items)


def test_a_bom_crlf_line_ends_and_a_last_line_completed_later_all_go_in(
        tmp_path: Path) -> None:
    runs = several_runs(tmp_path / "data")
    items = runs["items"]
    folder = tmp_path / "data" / "items"
    for path in runs["files"]:
        path.unlink()
    (folder / "bom.jsonl").write_bytes(codecs.BOM_UTF8 + _lines(items[:3]).encode())
    (folder / "crlf.jsonl").write_bytes(_lines(items[3:6], "\r\n").encode())
    growing = folder / "growing.jsonl"
    whole = _lines(items[6:], "\r\n").encode()
    growing.write_bytes(whole[:-30])  # the writer is in the middle of the last line
    corpus = tmp_path / "corpus"
    first = run_archive("corpus", tmp_path / "data", "-o", corpus)
    assert first.returncode == 0 and "growing.jsonl:3: incomplete last line" in first.stderr
    growing.write_bytes(whole)
    assert run_archive("corpus", tmp_path / "data", "-o", corpus).returncode == 0
    rows = duck(corpus).execute("SELECT warc.record_id, text FROM versions").fetchall()
    assert sorted(rows) == sorted((i["warc"]["record_id"], i["text"]) for i in items)


def test_an_items_file_in_utf16_or_utf32_is_one_clear_error_until_converted(
        tmp_path: Path) -> None:
    """Not UTF-8 (a Windows editor's 'Unicode'): one error naming the encoding and the fix,
    not a garbled error per line and a last line 'still being written' forever; once the file
    is converted in place, its items go in."""
    runs = several_runs(tmp_path / "data")
    folder = tmp_path / "data" / "items"
    good = runs["files"][0].read_text("utf-8")
    encodings = {"utf16.jsonl": ("utf-16", "UTF-16LE"), "utf16be.jsonl": ("utf-16-be", "UTF-16BE"),
                 "utf32.jsonl": ("utf-32", "UTF-32LE")}
    for path in runs["files"]:
        path.unlink()
    for name, (codec, _) in encodings.items():
        (folder / name).write_bytes(good.encode(codec))
    corpus = tmp_path / "corpus"

    res = run_archive("corpus", tmp_path / "data", "-o", corpus)
    assert res.returncode == 1 and "Traceback" not in res.stderr, res.stderr[-2000:]
    said = res.stderr.splitlines()
    assert len(said) == 3, said
    for name, (_, label) in encodings.items():
        assert any(line.startswith(f"error: {name}:1: not UTF-8 but {label}") for line in said)
    again = run_archive("corpus", tmp_path / "data", "-o", corpus)
    assert again.returncode == 0 and "error" not in again.stderr and "note" not in again.stderr

    (folder / "utf16.jsonl").write_text(good, "utf-8")  # converted: iconv -f UTF-16 -t UTF-8
    assert run_archive("corpus", tmp_path / "data", "-o", corpus).returncode == 0
    assert duck(corpus).execute("SELECT count(*) FROM versions").fetchone()[0] == len(
        good.splitlines())


def test_a_compressed_file_named_jsonl_is_one_clear_error_until_decompressed(
        tmp_path: Path) -> None:
    """A gzip file under a .jsonl name (whole, or cut short by a copy) gave an error per
    "line" of binary garbage and a last line "still being written" on every build: now one
    error naming the compression and the fix, and its items go in once decompressed."""
    runs = several_runs(tmp_path / "data")
    good = runs["files"][0].read_bytes()
    packed = gzip.compress(good * 40)
    whole, cut = runs["files"][0], runs["files"][1]
    whole.write_bytes(packed)
    cut.write_bytes(packed[:len(packed) // 2])
    corpus = tmp_path / "corpus"
    res = run_archive("corpus", tmp_path / "data", "-o", corpus)
    assert res.returncode == 1 and "Traceback" not in res.stderr, res.stderr[-2000:]
    said = res.stderr.splitlines()
    assert len(said) == 2, said
    for path in (whole, cut):
        assert f"error: {path.name}:1: compressed with gzip, not text: no line of it read; " \
               "decompress it (gunzip -c FILE > NAME.jsonl)" in res.stderr
    again = run_archive("corpus", tmp_path / "data", "-o", corpus)
    assert again.returncode == 0 and "error" not in again.stderr and "note" not in again.stderr
    whole.write_bytes(good)  # decompressed in place
    assert run_archive("corpus", tmp_path / "data", "-o", corpus).returncode == 0
    assert duck(corpus).execute("SELECT count(*) FROM versions").fetchone()[0] == len(
        good.splitlines()) + 1  # and the reprint's file


def test_a_compressed_items_file_is_named_not_silently_left_out(tmp_path: Path) -> None:
    runs = several_runs(tmp_path / "data")
    first = runs["files"][0]
    packed = first.with_name(first.name + ".gz")
    packed.write_bytes(gzip.compress(first.read_bytes()))
    first.unlink()
    res = run_archive("corpus", tmp_path / "data", "-o", corpus := tmp_path / "corpus")
    assert res.returncode == 0, res.stderr
    assert f"note: {packed.name}: not read: only *.jsonl files are items files" in res.stderr
    assert duck(corpus).execute("SELECT count(*) FROM versions").fetchone()[0] == 3


def test_entries_of_the_items_folder_that_are_no_file_are_named(tmp_path: Path) -> None:
    """A subfolder, a folder named like an items file, a link to nothing, a pipe: each
    named with why it is not read (they were left out without a word)."""
    runs = several_runs(tmp_path / "data")
    folder = runs["files"][0].parent
    (folder / "sub").mkdir()
    (folder / "sub" / "x.jsonl").write_bytes(runs["files"][0].read_bytes())
    (folder / "dir.jsonl").mkdir()
    (folder / "gone.jsonl").symlink_to(tmp_path / "moved.jsonl")
    os.mkfifo(folder / "pipe.jsonl")
    res = run_archive("corpus", tmp_path / "data", "-o", tmp_path / "corpus")
    assert res.returncode == 0, res.stderr
    for name, why in (("sub", "a folder"), ("dir.jsonl", "a folder"),
                      ("gone.jsonl", "a link to nothing"), ("pipe.jsonl", "not a regular file")):
        assert f"note: {name}: not read: {why}" in res.stderr, res.stderr


def test_an_items_file_with_cr_line_ends_is_an_error_until_converted(tmp_path: Path) -> None:
    """Lines ended by CR alone never end for a reader of LF lines: it was taken as a last line
    still being written, a note each build, exit 0, and nothing of it ever read."""
    runs = several_runs(tmp_path / "data")
    first = runs["files"][0]
    good = first.read_bytes()
    first.write_bytes(good.replace(b"\n", b"\r"))
    corpus = tmp_path / "corpus"
    res = run_archive("corpus", tmp_path / "data", "-o", corpus)
    assert res.returncode == 1 and f"error: {first.name}:1: its lines end in CR alone" in res.stderr
    first.write_bytes(good)  # converted: tr '\r' '\n'
    again = run_archive("corpus", tmp_path / "data", "-o", corpus)
    assert again.returncode == 0 and "error" not in again.stderr, again.stderr
    files = duck(corpus).execute("SELECT DISTINCT items_file FROM versions").fetchall()
    assert (first.name,) in files


@pytest.mark.parametrize("items", ["none", "all rejected"])
def test_the_documented_queries_work_on_a_corpus_with_no_rows(items: str, tmp_path: Path) -> None:
    """A corpus whose build found no items (a new crawl's empty folder, or only bad lines):
    its views open and are empty, and history, edits and export say there is nothing rather
    than 'no corpus, build it'."""
    (tmp_path / "data" / "items").mkdir(parents=True)
    if items == "all rejected":
        (tmp_path / "data" / "items" / "bad.jsonl").write_text("not json\n")
    corpus = tmp_path / "corpus"
    built = run_archive("corpus", tmp_path / "data", "-o", corpus)
    assert built.returncode == (items == "all rejected") and "Traceback" not in built.stderr

    con = duck(corpus)  # what `cd CORPUS && duckdb -init views.sql` runs
    for view in ("versions", "latest", "families", "edits"):
        assert con.execute(f"SELECT count(*) FROM {view}").fetchone() == (0,), view
    assert con.execute("SELECT count(DISTINCT outlet) FROM versions").fetchone() == (0,)

    history = run_archive("history", corpus, "0123456789abcdef")
    assert history.returncode == 2 and "no article '0123456789abcdef'" in history.stderr
    page = tmp_path / "edits.html"
    edits = run_archive("edits", corpus, "-o", page)
    assert edits.returncode == 0 and "0 edited article(s)" in edits.stdout, edits.stderr
    assert "<html" in page.read_text("utf-8")
    export = run_archive("export-txt", "--corpus", corpus, tmp_path / "txt")
    assert export.returncode == 0 and "0 file(s) written" in export.stdout, export.stderr


def test_the_summary_counts_an_empty_file_and_a_torn_line_alone_as_what_they_are(
        tmp_path: Path) -> None:
    """An empty items file (a run that wrote nothing) and one holding a line still being
    written were both said "unchanged" on a first build, the torn one also "still being
    written": one file counted twice, and nothing in the corpus before to be unchanged."""
    runs = several_runs(tmp_path / "data")
    folder = runs["files"][0].parent
    (folder / "empty.jsonl").write_bytes(b"")
    torn = json.dumps(runs["items"][0], ensure_ascii=False).encode()[:300]
    (folder / "torn.jsonl").write_bytes(torn)
    first = run_archive("corpus", tmp_path / "data", "-o", tmp_path / "corpus")
    assert first.returncode == 0, first.stderr
    files = len(runs["files"])
    assert (f"from {files} file(s) (0 unchanged, 1 still being written, 1 empty);"
            in first.stdout), first.stdout
    again = run_archive("corpus", tmp_path / "data", "-o", tmp_path / "corpus")
    assert (f"from 0 file(s) ({files} unchanged, 1 still being written, 1 empty);"
            in again.stdout), again.stdout
