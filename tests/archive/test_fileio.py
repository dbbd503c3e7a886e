"""Appending whole records: a short write is finished, a failed one leaves no half record."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from archive.fileio import append_whole, write_all


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
