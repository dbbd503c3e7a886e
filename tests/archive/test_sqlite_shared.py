"""archive.sqlite_shared: a new shared file is created whole, and never over another's."""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from archive import sqlite_shared
from archive.sqlite_shared import open_whole

SCHEMA = "CREATE TABLE IF NOT EXISTS t (v TEXT);"
ROOT = Path(__file__).resolve().parents[2]
# The other process, on the same filesystem without hard links: creates the file, writes a row.
OTHER = """
import errno, os, sys
from pathlib import Path
def no_link(src, dst):
    raise OSError(errno.EPERM, "Operation not permitted")
os.link = no_link
from archive.sqlite_shared import open_whole
db = open_whole(Path(sys.argv[1]), 10, sys.argv[2])
db.execute("INSERT INTO t VALUES ('theirs')")
db.close()
"""


def no_link(src: object, dst: object) -> None:
    raise OSError(errno.EPERM, "Operation not permitted")


def test_without_hard_links_a_file_another_process_created_meanwhile_is_kept(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a filesystem without hard links the new file is moved into place: another process
    creating it between the check and the move must not have its file (and its writes) put
    over by an empty one."""
    path = tmp_path / "shared.sqlite"
    other: list[subprocess.Popen[bytes]] = []
    real_replace = os.replace

    def replace_while_another_creates(src: str | Path, dst: str | Path) -> None:
        if Path(dst) == path and not other:
            other.append(subprocess.Popen([sys.executable, "-c", OTHER, str(path), SCHEMA],
                                          cwd=ROOT))
            with contextlib.suppress(subprocess.TimeoutExpired):
                other[0].wait(timeout=2)  # done when nothing holds it back
        real_replace(src, dst)

    monkeypatch.setattr(sqlite_shared.os, "link", no_link)
    monkeypatch.setattr(sqlite_shared.os, "replace", replace_while_another_creates)
    open_whole(path, 10, SCHEMA).close()
    assert other and other[0].wait(timeout=30) == 0
    db = open_whole(path, 10, SCHEMA)
    assert db.execute("SELECT v FROM t").fetchall() == [("theirs",)]
    db.close()
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")) == [
        "shared.sqlite"]


def test_without_hard_links_a_missing_file_is_created_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "shared.sqlite"
    monkeypatch.setattr(sqlite_shared.os, "link", no_link)
    db = open_whole(path, 10, SCHEMA)
    db.execute("INSERT INTO t VALUES ('ours')")
    db.close()
    open_whole(path, 10, SCHEMA).close()  # a second open keeps it
    db = open_whole(path, 10, SCHEMA)
    assert db.execute("SELECT v FROM t").fetchall() == [("ours",)]
    db.close()


def tables(count: int) -> str:
    """A schema of ``count`` tables with a key each: 2 pages a table, and the schema page."""
    return "".join(f"CREATE TABLE IF NOT EXISTS t{n} (k TEXT PRIMARY KEY);" for n in range(count))


@pytest.mark.parametrize("count", [4, 8, 40])
def test_a_new_file_on_a_nearly_full_disk_is_whole_or_not_there(tmp_path: Path,
                                                                count: int) -> None:
    """A 100 KiB disk held the new file (9 pages for 4 tables) but not its WAL and WAL index
    as well: the checkpoint at close failed unsaid, the file was linked into place cut to 4
    pages and every later open said "database disk image is malformed" (move it aside). A
    new file is now whole when the disk holds it once (and the WAL index), else refused as a
    full disk with nothing left behind."""
    from archive.sqlite_shared import is_damaged
    from tests.support.disk import tmpfs
    with tmpfs(tmp_path / "disk", "100k") as folder:
        path = folder / "shared.sqlite"
        if count == 40:  # 81 pages: the disk cannot hold them
            with pytest.raises(sqlite3.OperationalError, match="disk is full") as refused:
                open_whole(path, 1, tables(count))
            assert not is_damaged(refused.value)
            assert list(folder.iterdir()) == []
            return
        db = open_whole(path, 1, tables(count))
        assert db.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        names = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        assert len(names) == count
        db.close()
        assert sorted(p.name for p in folder.iterdir()) == ["shared.sqlite"]
