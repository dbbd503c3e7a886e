"""Corpus commands on a bad folder, a bad output path, a read-only or full disk: a message
naming the path and exit 2 (usage) or 1 (failure), never a traceback; a full disk's build is
finished by the next build once there is space."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.archive.corpus_data import ROOT, duck, run_archive, several_runs
from tests.support.disk import fill, remount_read_only, tmpfs


@pytest.fixture()
def runs(tmp_path: Path) -> dict:
    out = several_runs(tmp_path / "data")
    out["data"], out["corpus"] = tmp_path / "data", tmp_path / "corpus"
    return out


def fails(code: int, *args: object) -> str:
    """Run ``python -m archive ARGS``; its one-line error after checking the exit status."""
    res = run_archive(*args)
    assert res.returncode == code and "Traceback" not in res.stderr, res.stderr[-3000:]
    [error] = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    return error


@pytest.fixture()
def bogus(tmp_path: Path) -> Path:
    """A folder with a .parquet file under versions/ that is not Parquet."""
    part = tmp_path / "bogus" / "versions" / "outlet=x" / "month=2026-01" / "p.parquet"
    part.parent.mkdir(parents=True)
    part.write_text("hi")
    return tmp_path / "bogus"


def test_a_bogus_parquet_file_is_named_by_every_command(runs, bogus: Path,
                                                         tmp_path: Path) -> None:
    """Readers leave it out and name it (exit 1, or 2 when nothing else holds the article);
    the build moves it aside, its bytes kept (tests/archive/test_corpus_damaged_parts.py)."""
    part = bogus / "versions" / "outlet=x" / "month=2026-01" / "p.parquet"
    for args in (["history", bogus, "x"], ["export-txt", "--corpus", bogus, tmp_path / "out"],
                 ["edits", bogus, "-o", tmp_path / "e.html"]):
        res = run_archive(*args)
        assert res.returncode in (1, 2) and "Traceback" not in res.stderr, res.stderr
        assert f"warning: {part}: not a readable Parquet file" in res.stderr, args
    res = run_archive("corpus", runs["data"], "-o", bogus)
    assert res.returncode == 0 and f"note: {part}: not a readable Parquet file" in res.stderr
    [aside] = part.parent.glob("p.parquet.unreadable-*")
    assert aside.read_text() == "hi"


def test_output_paths_that_cannot_be_used_are_usage_errors(runs, tmp_path: Path) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    run_archive("corpus", runs["data"], "-o", runs["corpus"])
    assert fails(2, "corpus", runs["data"], "-o", a_file) == f"error: not a folder: {a_file}"
    assert fails(2, "export-txt", "--corpus", runs["corpus"], a_file / "x") == (
        f"error: not a folder: {a_file}")
    assert fails(2, "edits", runs["corpus"], "-o", tmp_path / "nodir" / "e.html") == (
        f"error: no such folder: {tmp_path / 'nodir'}")
    missing = tmp_path / "missing-ids.txt"
    assert fails(2, "export-txt", "--corpus", runs["corpus"], "--ids-file", missing,
                 tmp_path / "out").startswith(f"error: cannot read --ids-file {missing}: ")
    assert not (tmp_path / "out").exists() and a_file.read_text() == "not a folder"


@pytest.mark.parametrize(("name", "what"), [("corpus,2026", "a comma"),
                                            ("corpus\\2026", "a backslash")])
def test_a_corpus_folder_whose_path_duckdb_cannot_search_is_refused_before_any_part(
        runs, tmp_path: Path, name: str, what: str):
    """DuckDB reads its file search path as a comma-separated list, and finds no file under a
    path holding a backslash: the build wrote its parts, then failed ("No files found that
    match the pattern"), and so did every later command."""
    odd = tmp_path / name
    said = fails(2, "corpus", runs["data"], "-o", odd)
    assert said.startswith(f"error: {odd}: a corpus folder's path may not hold {what}")
    assert not odd.exists()
    shutil.copytree(run_archive("corpus", runs["data"], "-o", runs["corpus"]) and runs["corpus"],
                    odd)
    assert f"may not hold {what}" in fails(2, "history", odd, "x")


def test_a_read_only_corpus_folder_fails_with_its_path(runs, tmp_path: Path) -> None:
    with tmpfs(tmp_path / "ro", "1m") as ro:
        remount_read_only(ro)
        error = fails(1, "corpus", runs["data"], "-o", ro / "corpus")
    assert error.startswith(f"error: {ro / 'corpus'}: ") and "Read-only file system" in error


def _with_space_the_next_build_completes(runs, corpus: Path, filler: Path) -> None:
    """Free the disk: the next build adds every item once."""
    filler.unlink()
    again = run_archive("corpus", runs["data"], "-o", corpus)
    assert again.returncode == 0, again.stderr[-3000:]
    assert duck(corpus).execute("SELECT count(*), count(DISTINCT (id, version)) "
                                "FROM versions").fetchone() == (9, 9)
    shutil.rmtree(corpus)


def test_a_build_on_a_full_disk_fails_cleanly_and_the_next_one_completes_it(
        runs, tmp_path: Path) -> None:
    with tmpfs(tmp_path / "small", "1m") as small:
        corpus = small / "corpus"
        corpus.mkdir()
        filler = fill(small)
        error = fails(1, "corpus", runs["data"], "-o", corpus)
        # the lock file's note is the first write: it named the corpus, as if its data failed
        assert error == f"error: {corpus / '_lock'}: No space left on device", error
        assert not list(corpus.rglob("*.tmp"))
        _with_space_the_next_build_completes(runs, corpus, filler)


def test_a_disk_that_fills_during_a_build_leaves_no_temp_file(runs, tmp_path: Path) -> None:
    """The disk fills at any point of a build (a part's rows, its footer when the writer
    closes, the manifest): the build fails naming the corpus, leaves no ``*.tmp``, and the
    next build with space completes it."""
    said = []
    with tmpfs(tmp_path / "small", "2m") as small:
        corpus = small / "corpus"
        for free_kb in range(6, 78, 6):
            shutil.rmtree(corpus, ignore_errors=True)
            (small / "filler").unlink(missing_ok=True)
            filler = fill(small)
            os.truncate(filler, filler.stat().st_size - free_kb * 1024)
            res = run_archive("corpus", runs["data"], "-o", corpus)
            assert "Traceback" not in res.stderr, res.stderr[-3000:]
            assert res.returncode == 0 or "No space left on device" in res.stderr
            assert not list(corpus.rglob("*.tmp")), (free_kb, list(corpus.rglob("*.tmp")))
            said += [line for line in res.stderr.splitlines() if line.startswith("error:")]
        _with_space_the_next_build_completes(runs, corpus, filler)
    # a part's write names the part ("Error writing bytes to file" had named the corpus only),
    # and so does every other file's (the edits, families, removals tables)
    assert any(".parquet.tmp: " in line for line in said), said
    assert not [line for line in said if line.startswith(f"error: {corpus}: ")], said
    # the reason once ("[Errno 28] Error writing bytes to file. Detail: [errno 28] …" had two)
    assert not [line for line in said if line.lower().count("[errno") > 1], said


def test_a_disk_that_fills_under_many_rejected_lines_names_their_spool_and_loses_none(
        runs, tmp_path: Path) -> None:
    """Rejected lines beyond the first thousand wait in an unnamed temporary file in the
    corpus folder: its disk filling was "error: CORPUS: No space left on device" (naming no
    file nor why), the spool's second failure when closed hid the first. It is one error
    saying what was being written, and the next build with space records every line once."""
    from archive.corpus import KEPT_PROBLEMS

    bad = KEPT_PROBLEMS * 5
    (runs["data"] / "items" / "belta-20260201T000000.jsonl").write_text(
        "".join(f"{{not json, line {n}\n" for n in range(bad)), "utf-8")
    with tmpfs(tmp_path / "small", "4m") as small:
        corpus = small / "corpus"
        filler = fill(small, leave=40 * 4096)  # room for the parts, not for the spool
        res = run_archive("corpus", runs["data"], "-o", corpus)
        assert res.returncode == 1 and "Traceback" not in res.stderr, res.stderr[-3000:]
        [error] = [line for line in res.stderr.splitlines() if line.startswith("error:")]
        assert error == (f"error: {corpus}: No space left on device (writing the rejected "
                         f"lines of belta-20260201T000000.jsonl beyond the first "
                         f"{KEPT_PROBLEMS} to an unnamed temporary file in this folder)"), error
        assert not (corpus / "_rejects.jsonl").exists()
        filler.unlink()
        again = run_archive("corpus", runs["data"], "-o", corpus)
        assert again.returncode == 1 and f"{bad} line(s) rejected" in again.stdout, again.stdout
        rejects = (corpus / "_rejects.jsonl").read_text("utf-8").splitlines()
        assert len(rejects) == len(set(rejects)) == bad
        assert duck(corpus).execute("SELECT count(*), count(DISTINCT (id, version)) "
                                    "FROM versions").fetchone() == (9, 9)


def test_a_damaged_part_the_next_build_adds_beside_is_named(runs, tmp_path: Path) -> None:
    """The next build reads what a partition holds (to add no item twice): a part there that
    is no longer Parquet is named, moved aside and made again before that, and the new file's
    rows go in beside it."""
    later = runs["files"][1]
    held = later.read_bytes()
    later.unlink()
    assert run_archive("corpus", runs["data"], "-o", runs["corpus"]).returncode == 0
    [part] = (runs["corpus"] / "versions" / "outlet=belta" / "month=2026-01").glob("*.parquet")
    part.write_text("junk")
    later.write_bytes(held)
    res = run_archive("corpus", runs["data"], "-o", runs["corpus"])
    assert res.returncode == 0 and f"note: {part}: not a readable Parquet file" in res.stderr
    assert [p.read_text() for p in part.parent.glob(f"{part.name}.unreadable-*")] == ["junk"]
    assert duck(runs["corpus"]).execute("SELECT count(*) FROM versions").fetchone() == (9,)


def test_an_argument_that_is_not_utf8_is_a_usage_error_naming_it(runs, tmp_path: Path) -> None:
    """A URL or outlet typed in a windows-1251 terminal reaches Python as lone surrogates:
    `history` and `edits` died with a UnicodeEncodeError traceback (edits after creating its
    page), `export-txt --id` named the corpus as the culprit."""
    run_archive("corpus", runs["data"], "-o", runs["corpus"])
    corpus, page = os.fsencode(runs["corpus"]), tmp_path / "e.html"
    cases = [(b"URL-or-ID", [b"history", corpus, b"https://www.belta.by/\xcd\xee"]),
             (b"--source", [b"edits", corpus, b"-o", os.fsencode(page), b"--source", b"bel\xff"]),
             (b"--warc-dir", [b"edits", corpus, b"-o", os.fsencode(page), b"--warc-dir", b"w\xff"]),
             (b"--id", [b"export-txt", b"--corpus", corpus, b"--id", b"\xff1",
                        os.fsencode(tmp_path / "out")]),
             (b"--source", [b"export-txt", b"--corpus", corpus, b"--source", b"\xe1\xe5\xeb",
                            os.fsencode(tmp_path / "out")])]
    for argument, args in cases:
        res = subprocess.run([sys.executable, "-m", "archive", *args], cwd=ROOT,
                             capture_output=True, timeout=300)
        said = res.stderr.decode("utf-8")
        assert res.returncode == 2 and "Traceback" not in said, said[-3000:]
        assert f"argument {argument.decode()}: not UTF-8: '" in said, said
        assert "\\x" in said.splitlines()[-1] and "give it as UTF-8 text" in said
    assert not page.exists() and not (tmp_path / "out").exists()


def test_export_txt_with_a_full_tmpdir_names_the_temporary_file_not_the_corpus(
        runs, tmp_path: Path) -> None:
    """``export-txt --corpus`` selects into a file under TMPDIR first: with TMPDIR's disk full
    the error named the corpus (an input, whose disk had room) as the folder out of space."""
    run_archive("corpus", runs["data"], "-o", runs["corpus"])
    out = tmp_path / "txt"
    with tmpfs(tmp_path / "tmp", "256k") as tmp:
        filler = fill(tmp, leave=4096)
        env = {**os.environ, "TMPDIR": str(tmp)}
        res = subprocess.run([sys.executable, "-m", "archive", "export-txt", "--corpus",
                              str(runs["corpus"]), str(out)], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=300)
        assert res.returncode == 1 and "Traceback" not in res.stderr, res.stderr[-3000:]
        [error] = [line for line in res.stderr.splitlines() if line.startswith("error:")]
        assert error.startswith(f"error: {tmp}/export-txt-") and "TMPDIR" in error, error
        assert "/selected.jsonl: No space left on device" in error, error
        assert str(runs["corpus"]) not in error
        assert [p.name for p in tmp.iterdir()] == ["filler"]
        assert not out.exists() or not list(out.iterdir())
        filler.unlink()
        again = subprocess.run([sys.executable, "-m", "archive", "export-txt", "--corpus",
                                str(runs["corpus"]), str(out)], cwd=ROOT, env=env,
                               capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-3000:]
    assert len(list(out.glob("*.txt"))) == 9


def test_a_spool_shared_by_several_items_files_names_those_whose_lines_it_holds(
        tmp_path: Path) -> None:
    """The removals build keeps one spool across its files: when its flush fails, the error
    names the files whose lines went to the spool, not the file of the thousandth line."""
    import errno

    from archive.corpus import KEPT_PROBLEMS, Problem, _Spool

    spool = _Spool(tmp_path)
    for line in range(KEPT_PROBLEMS):
        spool.add(Problem("removals-A.jsonl", line, "not JSON", False))
    for line in range(5):
        spool.add(Problem("removals-B.jsonl", line, "not JSON", False))

    def full(*_args: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    spool.spilled.seek = full  # type: ignore[union-attr, method-assign]
    with pytest.raises(OSError) as refused:
        list(spool)
    assert "rejected lines of removals-B.jsonl beyond" in str(refused.value)
    assert "removals-A" not in str(refused.value)
    assert refused.value.filename == str(tmp_path)
    spool.close()
