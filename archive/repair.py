"""Recover `.warc.gz.open` and plain `.warc.open` files left behind by a crashed or killed
writer (ours, or another tool's such as Heritrix), and the `.arc.gz.open` and `.arc.open`
files of an ARC writer (Heritrix 1, the Internet Archive's crawlers), read as the readers
read ARC files (archive.arc).

Repair never throws away a byte it cannot read. Every readable gzip member or plain record
stays where it is (items and the digest index point at their offsets); damaged bytes in the
middle of a file, and damaged records every reader keeps (one cut short inside a whole
member), are left in place and reported, and an unreadable tail (a record torn by the crash:
a gzip member cut short, or a plain file's last record whose block runs past the end of the
file) is moved to a `<name>.damaged` side file before the file is cut, with a
`<name>.damaged.json` manifest saying where each range came from and why it could not be read.
A record left unread only for its size (``--max-record-size``) is no damage: it stays in place
wherever it stands, the file's last record too.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from .errors import RECORD_KEPT, RecordOverLimit, WarcFormatError
from .records import iter_records, looks_gzip

OPEN_SUFFIX = ".open"
OPEN_FORMS = (".warc.gz", ".warc", ".arc.gz", ".arc")  # what an `.open` file repaired closes
CREATING_SUFFIX = ".creating"  # a writer's file before it is locked and linked into place
DAMAGED_SUFFIX = ".damaged"


@dataclass
class DamagedRange:
    """Bytes of the original `.open` file that no reader could turn into records, or the
    member of a damaged record the readers keep (always kept in place)."""

    offset: int
    length: int
    reason: str
    moved: bool  # True: moved to the .damaged side file; False: kept in place

    def __str__(self) -> str:
        where = "moved to side file" if self.moved else "kept in place"
        return f"bytes {self.offset}-{self.offset + self.length - 1} ({where}): {self.reason}"


@dataclass
class RepairResult:
    """What repair did to one file, for the caller to log."""

    file: str  # the .open file found
    final_file: str | None  # name after rename (None if removed or skipped)
    records_kept: int
    bytes_cut: int  # bytes moved out of the file into the .damaged side file
    # "repaired" | "repaired-damaged" | "quarantined" | "removed-empty" | "skipped-locked"
    # | "skipped-exists" | "skipped-unreadable (<reason>)" | "skipped-unwritable (<reason>)"
    status: str
    damaged: list[DamagedRange] = field(default_factory=list)
    side_file: str | None = None  # the .damaged file, when bytes were moved

    @property
    def has_damage(self) -> bool:
        return bool(self.damaged)

    @property
    def left_open(self) -> bool:
        """Left as it was for a reason a person has to look at (not a live writer's lock)."""
        return self.status != "skipped-locked" and self.status.startswith("skipped")

    def __str__(self) -> str:
        text = (f"{self.status}: {self.file} -> {self.final_file or '-'}: "
                f"{self.records_kept} record(s) kept, {self.bytes_cut} byte(s) moved out")
        if self.side_file:
            text += f" to {self.side_file}"
        return text + "".join(f"\n  damaged {d}" for d in self.damaged)


def _scan(path: Path, size: int, max_record_size: int | None
          ) -> tuple[int, list[DamagedRange], int]:
    """(record count, damaged ranges, end of the last readable member) of one gzip or plain
    file. A plain record's CRLF CRLF separator stays with it, never in a range.

    A damaged record every reader keeps (cut short inside a whole member, a wrong
    Content-Length) is a range kept in place: it fills no gap, but it is damage to report."""
    errors = _ErrorRuns()
    kept: dict[int, list[str]] = {}  # offset -> reasons of the damaged records readers keep
    members: dict[int, int] = {}
    limited: dict[int, RecordOverLimit] = {}  # records left unread for a size limit
    count = 0

    def on_error(err: WarcFormatError) -> None:
        if isinstance(err, RecordOverLimit):
            limited[err.offset] = err
            return
        if err.kept:
            kept.setdefault(err.offset, []).append(err.reason)
        # a gap's reasons: a kept record is in one only when moved out (a torn plain tail)
        errors.add(err.offset, err.reason.removesuffix(RECORD_KEPT), len(members))

    # need_date=False: a whole record with no WARC-Date is the readers' to skip, not damage
    # to the file's framing to cut out; an ARC file's records are read as every reader
    # reads them, so none of them is taken for damage and moved out
    for info in iter_records(path, on_error, max_record_size=max_record_size, need_date=False):
        members[info.offset] = info.length
        count += 1
    # (a record the file ends inside, a plain one too, is no record read: a gap, the tail)
    plain = bool(members) and not looks_gzip(path)
    ranges = [DamagedRange(offset, members[offset], "; ".join(dict.fromkeys(kept[offset])), False)
              for offset in sorted(kept) if offset in members]
    # a record over the limit stays where it is, as a whole record would: spans the walk
    # steps over like a member's (to the end of the file when its end is unknown)
    spans = dict(members)
    for offset, err in limited.items():
        spans[offset] = size - offset if err.length is None else err.length
        ranges.append(DamagedRange(offset, spans[offset], err.reason, False))
    pos = 0
    with open(path, "rb") as fh:
        for offset in [*sorted(spans), size]:
            if offset > pos and not _only_separators(fh, pos, offset):
                moved = offset == size  # the tail: after the last readable record
                ranges.append(DamagedRange(pos, offset - pos, errors.reason(pos, offset), moved))
            if offset < size:
                pos = max(pos, offset + spans[offset])
                if plain:
                    pos = _past_separator(fh, pos)
    ranges.sort(key=lambda r: r.offset)
    if ranges and ranges[-1].moved and members and _ends_where_tail_starts(
            kept.get(max(members), [])):
        ranges[-1].moved = False
        ranges[-1].reason += f"; {TAIL_KEPT}"
    good_end = ranges[-1].offset if ranges and ranges[-1].moved else size
    return count, ranges, good_end


# a record whose damaged length was overruled by the next record's start: its block ends
# where that record begins (as the readers say it, WARC and ARC alike)
BLOCK_TO_NEXT = "block taken up to the next record"
TAIL_KEPT = ("kept in place: the record before it has a damaged length and ends only where "
             "this begins; cut, it would be read as torn and lost")


def _ends_where_tail_starts(reasons: list[str]) -> bool:
    """Whether the last readable record's block was ended by the torn record after it (its
    own length damaged): cutting that torn tail out would leave the record's length running
    past the end of the file, a torn record no reader reads."""
    return any(BLOCK_TO_NEXT in reason for reason in reasons)


def _past_separator(fh, pos: int) -> int:
    """``pos`` moved past the CR/LF bytes (at most CRLF CRLF) that end a plain record."""
    fh.seek(pos)
    head = fh.read(4)
    return pos + len(head) - len(head.lstrip(b"\r\n"))


class _ErrorRuns:
    """The reader's errors of one file as runs of one reason (first offset, last offset,
    reason): a file of a million false gzip headers is one run, not a million errors held.

    Errors join a run only when no readable member was found between them (``segment``, the
    number found so far), so a run never spans a member and the gap reasons are those of the
    errors inside the gap, as a list of every error would give. Runs reported in offset
    order are found by bisection; a report out of order makes the lookup a linear scan."""

    def __init__(self) -> None:
        self._firsts: list[int] = []
        self._runs: list[tuple[int, int, str, int]] = []  # (first, last, reason, segment)
        self._ordered = True

    def add(self, offset: int, reason: str, segment: int) -> None:
        if self._runs:
            first, last, why, seg = self._runs[-1]
            if why == reason and seg == segment and offset >= last:
                self._runs[-1] = (first, offset, why, seg)
                return
            if offset < last:
                self._ordered = False
        self._runs.append((offset, offset, reason, segment))
        self._firsts.append(offset)

    def reason(self, start: int, end: int) -> str:
        """The distinct reasons of the errors at offsets in [start, end)."""
        if self._ordered:  # disjoint and in order: from the last run starting at or before start
            i = max(bisect_right(self._firsts, start) - 1, 0)
            runs = self._runs[i:]
        else:
            runs = self._runs
        found = []
        for first, last, why, _seg in runs:
            if first >= end and self._ordered:
                break
            if first < end and last >= start:
                found.append(why)
        return "; ".join(dict.fromkeys(found)) or "unreadable bytes"


def _only_separators(fh, start: int, end: int) -> bool:
    """A gap of CR/LF bytes only (the blank lines between uncompressed records, or a writer's
    file of nothing else), read in steps."""
    fh.seek(start)
    while start < end:
        step = fh.read(min(end - start, 1 << 16))
        if not step or step.strip(b"\r\n"):
            return False
        start += len(step)
    return True


def _write_side_file(fd: int, final: Path, ranges: list[DamagedRange]) -> Path:
    """Copy the ranges to be moved into `<final>.damaged` (+ manifest), fsynced, before any
    cut. Written under temporary names first: a copy a full disk stopped half way is
    removed, not left to block every later repair under the side file's name."""
    side = final.with_name(final.name + DAMAGED_SUFFIX)
    meta = side.with_name(side.name + ".json")
    temps = [p.with_name(f".{p.name}.tmp") for p in (side, meta)]
    try:
        _copy_ranges(fd, temps[0], temps[1], final, ranges)
        os.rename(temps[1], meta)
        os.rename(temps[0], side)
    except BaseException:
        for temp in temps:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        raise
    return side


def _copy_ranges(fd: int, side: Path, meta: Path, final: Path,
                 ranges: list[DamagedRange]) -> None:
    manifest = []
    with open(side, "xb") as out:
        for rng in ranges:
            manifest.append({"original_offset": rng.offset, "length": rng.length,
                             "side_offset": out.tell(), "reason": rng.reason})
            pos, left = rng.offset, rng.length
            while left:
                buf = os.pread(fd, min(left, 1 << 20), pos)
                if not buf:
                    break
                out.write(buf)
                pos += len(buf)
                left -= len(buf)
        out.flush()
        os.fsync(out.fileno())
    with open(meta, "xb") as out:
        out.write((json.dumps({"file": final.name, "ranges": manifest}, indent=2)
                   + "\n").encode())
        out.flush()
        os.fsync(out.fileno())


def _copied_already(fd: int, side: Path, ranges: list[DamagedRange]) -> bool:
    """Whether ``side`` (and its manifest) hold exactly ``ranges`` of the file: the copy of a
    repair killed after it was in place and before the file was cut, to be finished now."""
    try:
        manifest = json.loads(side.with_name(side.name + ".json").read_text("utf-8"))
    except (OSError, ValueError):
        return False
    expected, total = [], 0
    for rng in ranges:
        expected.append({"original_offset": rng.offset, "length": rng.length,
                         "side_offset": total})
        total += rng.length
    found = [{k: r.get(k) for k in ("original_offset", "length", "side_offset")}
             for r in manifest.get("ranges", []) if isinstance(r, dict)] \
        if isinstance(manifest, dict) else None
    if not ranges or found != expected:
        return False
    try:
        with open(side, "rb") as held:
            return os.fstat(held.fileno()).st_size == total and all(
                _same(fd, rng, held) for rng in ranges)
    except OSError:
        return False


def _cut_already(side: Path, final: Path, size: int) -> bool:
    """Whether ``side`` is the side file of a repair of ``final`` killed after it cut the file
    and before it renamed it: its manifest names ``final`` and its one range, the torn tail
    moved out, began where the file now ends. (Skipped, that file stayed ``.open`` for
    ever: unread by every command, its items pointing at a file no one could find.)"""
    try:
        manifest = json.loads(side.with_name(side.name + ".json").read_text("utf-8"))
        ranges = manifest["ranges"]
        return (manifest.get("file") == final.name and len(ranges) == 1
                and ranges[0]["original_offset"] == size and ranges[0]["side_offset"] == 0
                and side.stat().st_size == ranges[0]["length"])
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return False


def _same(fd: int, rng: DamagedRange, held: IO[bytes]) -> bool:
    """Whether the next ``rng.length`` bytes of ``held`` are that range of ``fd``, read in
    bounded chunks (a torn tail may be as long as a record)."""
    pos, left = rng.offset, rng.length
    while left:
        chunk = os.pread(fd, min(left, 1 << 20), pos)
        if not chunk or held.read(len(chunk)) != chunk:
            return False
        pos += len(chunk)
        left -= len(chunk)
    return True


def _repair_locked(path: Path, fd: int, max_record_size: int | None) -> RepairResult:
    final = path.with_name(path.name[: -len(OPEN_SUFFIX)])
    size = os.fstat(fd).st_size
    if size == 0:
        os.unlink(path)
        return RepairResult(path.name, None, 0, 0, "removed-empty")
    existing = final.with_name(final.name + DAMAGED_SUFFIX)
    if final.exists():
        return RepairResult(path.name, None, 0, 0, "skipped-exists")
    count, ranges, good_end = _scan(path, size, max_record_size)
    moved = [r for r in ranges if r.moved]
    # a side file already there: ours from a repair killed before the cut, or after it (the
    # file then ends where the side file's bytes began), or someone else's
    if existing.exists() and not _copied_already(fd, existing, moved) and not (
            not moved and _cut_already(existing, final, size)):
        return RepairResult(path.name, None, 0, 0, "skipped-exists")
    try:
        side = existing if existing.exists() else (
            _write_side_file(fd, final, moved) if moved else None)
    except OSError as exc:  # a full disk: the file is left as it was, to repair once freed
        return RepairResult(path.name, None, 0, 0,
                            f"skipped-unwritable ({exc.strerror or exc}: "
                            f"{exc.filename or final.with_name(final.name + DAMAGED_SUFFIX)})")
    if count == 0 and moved and all(r.moved for r in ranges):
        os.unlink(path)  # nothing readable: every byte now lives in the side file
        return RepairResult(path.name, None, 0, size, "quarantined", ranges, side and side.name)
    if good_end < size:
        os.ftruncate(fd, good_end)
    os.fsync(fd)
    os.rename(path, final)
    status = "repaired-damaged" if ranges else "repaired"
    return RepairResult(path.name, final.name, count, size - good_end, status, ranges,
                        side and side.name)


def _remove_stale_creating(directory: Path) -> None:
    """Drop a writer's pre-lock temp name left by a kill; only when nobody holds it."""
    for tmp in directory.glob(".*" + CREATING_SUFFIX):
        try:
            fd = os.open(tmp, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            st = os.fstat(fd)
            # linked into place already (the data lives on under .open), or never written to
            if st.st_nlink > 1 or st.st_size == 0:
                os.unlink(tmp)
        except OSError:
            pass  # locked by a writer that is starting: not ours to touch
        finally:
            os.close(fd)


def _open_files(directory: Path) -> list[Path]:
    """The unfinished WARC and ARC files of ``directory``: those the readers leave out and
    point here (none in a folder not made yet: a first run's writer repairs before it
    writes)."""
    names = tuple(suffix + OPEN_SUFFIX for suffix in OPEN_FORMS)
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.name.lower().endswith(names))


def repair_open_files(directory: str | Path, max_record_size: int | None = None
                      ) -> list[RepairResult]:
    """Close every `*.warc.gz.open` and `*.warc.open` file, and ARC writer's `*.arc.gz.open`
    and `*.arc.open` (in any case, as the readers name them), whose writer is gone, keeping
    every readable record.

    Files locked by a live WarcWriter (fcntl.flock) are skipped untouched; a writer locks its
    file before the file appears under its `.open` name, so a fresh file is never taken for
    a dead one.
    """
    directory = Path(directory)
    results: list[RepairResult] = []
    for path in _open_files(directory):
        try:
            fd = os.open(path, os.O_RDWR)
        except FileNotFoundError:
            continue  # closed by its writer meanwhile
        except OSError as exc:  # a folder under that name, no permission: say so, touch nothing
            results.append(RepairResult(path.name, None, 0, 0, _not_opened(path, exc)))
            continue
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
            results.append(_repair_locked(path, fd, max_record_size))
        finally:
            os.close(fd)
    _remove_stale_creating(directory)
    return results


def _not_opened(path: Path, exc: OSError) -> str:
    """Why a file was left as it was: one that can be read and not written (a read-only
    mount) is unwritable, as a full disk's is, not unreadable."""
    readable = path.is_file() and os.access(path, os.R_OK)
    return f"skipped-{'unwritable' if readable else 'unreadable'} ({exc.strerror}: {path})"
