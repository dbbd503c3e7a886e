"""Recover `.warc.gz.open` files left behind by a crashed or killed writer."""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass
from pathlib import Path

from .records import GZIP_MAGIC, parse_records, read_member
from .writer import OPEN_SUFFIX


@dataclass
class RepairResult:
    """What repair did to one file, for the caller to log."""

    file: str  # the .open file found
    final_file: str | None  # name after rename (None if removed or skipped)
    records_kept: int
    bytes_cut: int
    status: str  # "repaired" | "removed-empty" | "skipped-locked" | "skipped-exists"


def _good_prefix(fh, size: int) -> tuple[int, int]:
    """(end of last complete record, record count): every member must fully parse."""
    offset = count = 0
    while offset < size:
        fh.seek(offset)
        if fh.read(3) != GZIP_MAGIC:
            break
        try:
            data, length = read_member(fh, offset)
            n = sum(1 for _ in parse_records(data))
        except Exception:  # truncated/corrupt member or partial record: stop here
            break
        if n == 0:
            break
        count += n
        offset += length
    return offset, count


def repair_open_files(directory: str | Path) -> list[RepairResult]:
    """Cut every unlocked `*.warc.gz.open` back to its last complete record and rename it.

    Files locked by a live WarcWriter (fcntl.flock) are skipped untouched.
    """
    results: list[RepairResult] = []
    for path in sorted(Path(directory).glob("*.warc.gz" + OPEN_SUFFIX)):
        try:
            fd = os.open(path, os.O_RDWR)
        except FileNotFoundError:
            continue  # closed by its writer meanwhile
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                results.append(RepairResult(path.name, None, 0, 0, "skipped-locked"))
                continue
            try:
                if os.stat(path).st_ino != os.fstat(fd).st_ino:
                    continue  # renamed and replaced while we waited
            except FileNotFoundError:
                continue
            final = path.with_name(path.name[: -len(OPEN_SUFFIX)])
            with os.fdopen(os.dup(fd), "rb") as fh:
                size = fh.seek(0, 2)
                good, count = _good_prefix(fh, size)
            if count == 0:
                os.unlink(path)
                results.append(RepairResult(path.name, None, 0, size, "removed-empty"))
                continue
            if final.exists():
                results.append(RepairResult(path.name, None, count, 0, "skipped-exists"))
                continue
            if good < size:
                os.ftruncate(fd, good)
            os.fsync(fd)
            os.rename(path, final)
            results.append(RepairResult(path.name, final.name, count, size - good, "repaired"))
        finally:
            os.close(fd)
    return results
