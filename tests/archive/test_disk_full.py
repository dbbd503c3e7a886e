"""A full disk is told one way by every store and writer (``archive.fileio.disk_full``):
from ``os.statvfs``'s free blocks and inodes, without writing a byte to find out.

Real small tmpfs disks (root, else skipped): one with a few KiB left, one with bytes left but
no inode. Before, the JOBDIR/state/digest refusal wrote a 32 KiB probe file, the SQLite
failure text looked at free bytes only (a disk out of inodes was not called full) and the
state advice looked for "full" in SQLite's message.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

import pytest

from archive.fileio import DiskFull, disk_full, sqlite_failure
from archive.sqlite_shared import os_refusal
from crawler.state import advice
from tests.support.disk import fill, tmpfs, use_up_inodes

CANNOT_OPEN = sqlite3.OperationalError("unable to open database file")
IO_ERROR = sqlite3.OperationalError("disk I/O error")


def no_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    def written(*args: object, **kwargs: object) -> None:
        raise AssertionError("a file was written to tell a full disk")

    monkeypatch.setattr(tempfile, "mkstemp", written)


def store(folder: Path) -> Path:
    path = folder / "store.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE t (x)")
    db.close()
    return path


@pytest.mark.parametrize("exc", [CANNOT_OPEN, IO_ERROR])
def test_a_disk_with_a_few_kib_left_is_full_for_every_check_without_a_probe_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exc: Exception) -> None:
    with tmpfs(tmp_path / "disk", "1m") as folder:
        path = store(folder)
        fill(folder, leave=8192)
        no_writes(monkeypatch)
        refused = os_refusal(path, exc)
        assert isinstance(refused, DiskFull) and refused.filename == str(folder)
        assert refused.left.endswith("bytes free on its disk") and refused.free < 1 << 20
        assert sqlite_failure(path, exc).endswith(
            f"No space left on device ({refused.left})")
        said = advice(exc, path)
        assert said.startswith(f"No space left on device: {folder} ({refused.left}). Free "
                               "space on its disk"), said


def test_a_disk_out_of_inodes_is_full_for_every_check(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """4 MiB free, no inode: SQLite cannot create its -wal file. The failure text of the
    stores and writers said only "unable to open database file"."""
    with tmpfs(tmp_path / "disk", "4m,nr_inodes=64") as folder:
        path = store(folder)
        use_up_inodes(folder)
        no_writes(monkeypatch)
        full = disk_full(folder)
        assert full is not None and full.inodes == 0 and full.free > 1 << 20
        assert full.left == "no inode free on its disk"
        assert isinstance(os_refusal(path, CANNOT_OPEN), DiskFull)
        assert sqlite_failure(path, CANNOT_OPEN) == ("OperationalError: unable to open database "
                                                     "file: No space left on device (no inode "
                                                     "free on its disk)")
        assert f"No space left on device: {folder} (no inode free" in advice(CANNOT_OPEN, path)


def test_a_disk_with_room_is_not_full_unless_sqlite_says_so(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", "4m") as folder:
        path = store(folder)
        assert disk_full(folder) is None and os_refusal(path, CANNOT_OPEN) is None
        assert sqlite_failure(path, CANNOT_OPEN) == ("OperationalError: unable to open database "
                                                     "file")
        full = disk_full(folder, sqlite3.OperationalError("database or disk is full"))
        assert full is not None and full.free > 1 << 20
