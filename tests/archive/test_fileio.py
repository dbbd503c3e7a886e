"""Appending whole records: a short write is finished, a failed one leaves no half record."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import archive.fileio as fileio
from archive.cdxj import write_index
from archive.fileio import (
    append_durably,
    append_whole,
    clear_stale_temps,
    lock_exclusive,
    whole_lines,
    write_all,
    write_atomically,
)
from tests.support.disk import fill, tmpfs

REPO = Path(__file__).resolve().parents[2]


def test_write_all_finishes_short_writes(tmp_path: Path, monkeypatch) -> None:
    real_write = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real_write(fd, bytes(data)[:3]))
    path = tmp_path / "f"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT)
    try:
        write_all(fd, b"0123456789")
    finally:
        os.close(fd)
    assert path.read_bytes() == b"0123456789"


@pytest.mark.parametrize("failing", ["write", "fsync"])
def test_a_failed_append_cuts_the_file_back(tmp_path: Path, monkeypatch, failing: str) -> None:
    """A full disk in the middle of a record, or at its fsync, leaves the file as it was."""
    path = tmp_path / "lines.jsonl"
    path.write_bytes(b'{"n": 1}\n')
    real_write = os.write

    def half_then_full(fd: int, data: bytes) -> int:
        real_write(fd, bytes(data)[:4])
        raise OSError(28, "No space left on device")

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        monkeypatch.setattr(os, failing, half_then_full if failing == "write" else full)
        with pytest.raises(OSError, match="No space"):
            append_whole(fd, b'{"n": 2}\n', os.fstat(fd).st_size, sync=True)
        monkeypatch.undo()
        append_whole(fd, b'{"n": 3}\n', os.fstat(fd).st_size, sync=True)
    finally:
        os.close(fd)
    assert path.read_bytes() == b'{"n": 1}\n{"n": 3}\n'


def _full_after(monkeypatch, lines: int) -> None:
    """os.write fails (a full disk) half way through the write after ``lines`` writes."""
    real_write, calls = os.write, []

    def write(fd: int, data: bytes) -> int:
        calls.append(1)
        if len(calls) > lines:
            real_write(fd, bytes(data)[:3])
            raise OSError(28, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)


def test_appended_lines_are_whole_after_a_full_disk_and_a_torn_file_is_ended(
        tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "items.jsonl"
    path.write_bytes(b'{"n": 0}\n{"torn')  # a crash's leftover
    _full_after(monkeypatch, 2)  # the newline ending the torn line, then one line
    with pytest.raises(OSError, match="No space") as failed, whole_lines(path, False) as out:
        for n in (1, 2):
            out(b'{"n": %d}\n' % n)
    assert failed.value.filename == str(path)
    monkeypatch.undo()
    assert path.read_bytes() == b'{"n": 0}\n{"torn\n{"n": 1}\n'
    with whole_lines(path, False) as out:
        out(b'{"n": 2}\n')
    assert path.read_bytes().splitlines()[-2:] == [b'{"n": 1}', b'{"n": 2}']


def test_a_replaced_output_stays_as_it_was_when_the_new_one_fails(tmp_path: Path,
                                                                   monkeypatch) -> None:
    path = tmp_path / "items.jsonl"
    path.write_bytes(b'{"old": 1}\n')
    path.chmod(0o640)
    _full_after(monkeypatch, 1)
    with pytest.raises(OSError, match="No space"), whole_lines(path, True) as out:
        out(b'{"n": 1}\n')
        out(b'{"n": 2}\n')
    monkeypatch.undo()
    assert path.read_bytes() == b'{"old": 1}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["items.jsonl"]  # no temporary file left
    with whole_lines(path, True) as out:
        out(b'{"n": 3}\n')
    assert path.read_bytes() == b'{"n": 3}\n' and path.stat().st_mode & 0o777 == 0o640


def test_the_temp_file_of_a_killed_replacing_run_is_cleared_by_the_next(tmp_path: Path
                                                                        ) -> None:
    """``reextract -O`` killed midway left its temp file (as big as the output), and every
    rerun killed left another. The next run removes what no running writer holds."""
    path = tmp_path / "items [1].jsonl"
    writer = ("import sys, time; from pathlib import Path; from archive.fileio import "
              "whole_lines\nwith whole_lines(Path(sys.argv[1]), True) as out:\n"
              "    out(b'{}\\n' * 1000); print('ready', flush=True); time.sleep(60)")
    proc = subprocess.Popen([sys.executable, "-c", writer, str(path)], cwd=REPO,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
    finally:
        proc.kill()
        proc.wait()
    killed = [p.name for p in tmp_path.iterdir()]
    assert len(killed) == 1 and killed[0].startswith(".items [1].jsonl."), killed
    with whole_lines(path, True) as live:  # a run writing meanwhile: its temp is kept
        live(b'{"live": 1}\n')
        with whole_lines(path, True) as out:
            out(b'{"n": 1}\n')
        assert killed[0] not in [p.name for p in tmp_path.iterdir()]
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
    assert path.read_bytes() == b'{"live": 1}\n'  # the live run's, renamed last


def test_durable_appends_are_all_or_nothing(tmp_path: Path, monkeypatch) -> None:
    """The corpus's ``_rejects.jsonl``: a full disk left a torn line, kept as bad for good,
    and the next build appended the same rejects again."""
    path = tmp_path / "_rejects.jsonl"
    append_durably(path, ['{"n": 1}\n'])
    _full_after(monkeypatch, 0)
    with pytest.raises(OSError, match="No space"):
        append_durably(path, ['{"n": 2}\n', '{"n": 3}\n'])
    monkeypatch.undo()
    assert path.read_bytes() == b'{"n": 1}\n'


def test_the_corpus_views_file_is_replaced_whole(tmp_path: Path, monkeypatch) -> None:
    from archive.corpus_derived import VIEWS_SQL, write_views

    (tmp_path / "views.sql").write_text("-- the views of an earlier build\n", "utf-8")

    def full(fd: int) -> None:  # the disk found full when the file is flushed
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError, match="No space"):
        write_views(tmp_path)
    monkeypatch.undo()
    assert (tmp_path / "views.sql").read_text("utf-8") == "-- the views of an earlier build\n"
    assert [p.name for p in tmp_path.iterdir()] == ["views.sql"]
    write_views(tmp_path)
    assert (tmp_path / "views.sql").read_text("utf-8") == VIEWS_SQL


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_files_written_whole_get_the_mode_an_open_would_give(tmp_path: Path, umask: int) -> None:
    """The corpus's views.sql and manifest, export-txt's texts, run reports: mkstemp's 0600
    kept every other account out of them (``duckdb -init views.sql`` refused) whatever the
    umask. A new file gets what ``open`` gives under the umask, a replaced one keeps its mode."""
    new, kept = tmp_path / "views.sql", tmp_path / "report.json"
    kept.write_bytes(b"{}")
    kept.chmod(0o640)
    old = os.umask(umask)
    try:
        write_atomically(new, b"select 1;")
        write_atomically(kept, b'{"n": 1}')
    finally:
        os.umask(old)
    assert new.stat().st_mode & 0o777 == 0o666 & ~umask
    assert kept.stat().st_mode & 0o777 == 0o640 and kept.read_bytes() == b'{"n": 1}'


@pytest.mark.parametrize("replace", [True, False])
def test_an_error_of_the_block_itself_is_not_blamed_on_the_output(tmp_path: Path,
                                                                  replace: bool) -> None:
    """Only the output's own writes are said as errors of the output: an input or temp
    folder failing inside the block (``reextract``'s lookup index on a full TMPDIR) came out
    as ``[Errno None] None: 'items.jsonl'``, its message lost and the output named."""
    path = tmp_path / "items.jsonl"
    path.write_bytes(b'{"old": 1}\n')
    own = OSError(28, "No space left on device", str(tmp_path / "tmp" / "lookup.sqlite3"))
    with pytest.raises(OSError) as raised, whole_lines(path, replace) as out:
        out(b'{"n": 1}\n')
        raise own
    assert raised.value is own
    assert path.read_bytes() == (b'{"old": 1}\n' if replace else b'{"old": 1}\n{"n": 1}\n')
    assert [p.name for p in tmp_path.iterdir()] == ["items.jsonl"]


@pytest.mark.parametrize("writer", ["whole_lines", "write_index"])
def test_another_runs_clearing_never_takes_a_temp_being_made(tmp_path, monkeypatch,
                                                             writer) -> None:
    """Another run clears the killed runs' temps (those no process holds locked) just as
    this one has made its temp and not locked it yet: the temp was taken for a killed run's
    and deleted, and this run failed at its rename."""
    out = tmp_path / "crawl.cdxj"
    made = fileio.tempfile.mkstemp

    def made_then_cleared(*args, **kwargs):
        found = made(*args, **kwargs)
        clear_stale_temps(out)  # the other run, at the worst moment
        return found

    monkeypatch.setattr(fileio.tempfile, "mkstemp", made_then_cleared)
    if writer == "whole_lines":
        with whole_lines(out, replace=True) as write:
            write(b"a line\n")
    else:
        write_index(["a line"], out)
    assert out.read_bytes() == b"a line\n"
    assert [p.name for p in tmp_path.iterdir()] == ["crawl.cdxj"]


def test_clearing_takes_its_outputs_killed_temps_only(tmp_path) -> None:
    """``.crawl.cdxj.json.<random>.tmp`` (another output's temp, that output's to clear),
    files not of mkstemp's shape and a temp being made (``.new``, young) are left; a killed
    run's temps of this output go: locked once (``.tmp``) or killed before (an old ``.new``)."""
    killed = [".crawl.cdxj.k1ll3d_x.tmp", ".crawl.cdxj.0ld_made.new"]
    left = [".crawl.cdxj.json.abcd1234.tmp", ".crawl.cdxj.notes.tmp", ".crawl.cdxj.abcd1234.new"]
    for name in killed + left:
        (tmp_path / name).write_bytes(b"x")
    os.utime(tmp_path / killed[1], (1, 1))
    clear_stale_temps(tmp_path / "crawl.cdxj")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(left)


def test_a_full_disk_under_write_atomically_names_the_file(tmp_path: Path) -> None:
    """The write or fsync of the temp file fails with an error naming no file: the corpus
    build said ``error: CORPUS: No space left on device`` when its manifest did not fit, not
    which file; the error names the file being replaced, and no temp file is left."""
    with tmpfs(tmp_path / "small") as small:
        fill(small)
        target = small / "_corpus.json"
        with pytest.raises(OSError, match="No space") as failed:
            fileio.write_atomically(target, b"{}" * 50_000)
        assert failed.value.filename == str(target)
        assert sorted(p.name for p in small.iterdir()) == ["filler"]


def test_a_lock_whose_note_the_full_disk_refuses_names_its_file_and_lets_go(
        tmp_path: Path) -> None:
    """Writing who holds the lock is the first write of a corpus build or a crawl: on a full
    disk it failed naming no file (the corpus build blamed the corpus) and kept the lock
    held by a handle no one could close."""
    with tmpfs(tmp_path / "small", "64k") as small:
        lock = small / "_lock"
        filler = fill(small)
        with pytest.raises(OSError, match="No space left on device") as failed:
            lock_exclusive(lock, "pid 1 on host, started now")
        assert failed.value.filename == str(lock)
        filler.unlink()
        handle = lock_exclusive(lock, "pid 2")
        assert handle is not None and lock.read_text("utf-8") == "pid 2"
        handle.close()
