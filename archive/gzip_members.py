"""Gzip members, read one at a time, with exact offsets, capped inflation and named damage.

Both archive formats read here keep one record per gzip member (.warc.gz, .arc.gz), so the
walk over a file's members is one: :func:`walk_members` checks each gzip header before
inflating it, caps what a member may inflate to (the max record size, and bomb_limit() to
find the end of one over it), reports garbage between members and damaged members by file
and offset, and goes on at the next member. What a member holds is the format's to read:
archive.records (WARC) and archive.arc (ARC) each pass a :class:`MemberFormat`, so a fix to
the walk serves both.
"""

from __future__ import annotations

import os
import re
import struct
import zlib
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ErrorHandler, PassedOver, RecordOverLimit, WarcFormatError, report

GZIP_MAGIC = b"\x1f\x8b\x08"
_CHUNK = 256 * 1024
_FIRST_READ = 4 * 1024  # reads double from here; small, because a false start costs one such read
_HEAD_PROBE = 4096
_DISCARD = 1024 * 1024
MAX_HEAD = 1024 * 1024  # what a damaged member keeps of its start: a WARC header's bound

# An over-cap gzip member is inflated (output discarded) to its end, so the walk goes on
# exactly at the next member: the only place it may go on, since a gzip header looked for
# inside the member could be a payload's (deflate stores incompressible bytes verbatim, so a
# .warc.gz a site serves appears byte for byte). That inflation is bounded by bomb_limit():
# 16 times the max record size, at least 1 GiB (a second or so of zlib). A member that
# inflates that far without ending is a gzip bomb, or a record over 16 times the max record
# size: the rest of the file is reported skipped (raising --max-record-size raises the bound).
BOMB_FLOOR = 1 << 30
BOMB_FACTOR = 16
# A record past 1 TiB is no page, and zlib cannot be asked for more than C's sizes.
MAX_RECORD_SIZE_LIMIT = 1 << 40


def _env_record_size(value: str | None) -> int:
    """ARCHIVE_MAX_RECORD_SIZE in bytes (64 MiB when unset): a clear error, not a traceback
    deep in the reader, for a value that is no byte count or is past MAX_RECORD_SIZE_LIMIT."""
    if not value:
        return 64 * 1024 * 1024
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= MAX_RECORD_SIZE_LIMIT:
        raise ValueError(f"ARCHIVE_MAX_RECORD_SIZE={value!r}: not a byte count from 1 to "
                         f"{MAX_RECORD_SIZE_LIMIT}")
    return int(text)


DEFAULT_MAX_RECORD_SIZE = _env_record_size(os.environ.get("ARCHIVE_MAX_RECORD_SIZE"))


class MemberTooLarge(ValueError):
    """A gzip member inflates beyond the cap; `length` is its compressed size, to skip it.

    ``bomb``: it inflated past bomb_limit() without ending, so its end (and the next
    member) is unknown; `length` is then only the compressed bytes inflated."""

    def __init__(self, length: int, cap: int, head: bytes, bomb: bool = False):
        self.length = length
        self.head = head
        self.bomb = bomb
        self.limit = bomb_limit(cap)
        super().__init__(f"record inflates beyond {cap} bytes (max record size)")


class TrailerMissing(EOFError):
    """A file cut within the last 8 bytes of a gzip member (its CRC-32 and size): the deflate
    stream is whole, so ``data`` is the member's whole content, ``length`` its bytes up to
    the end of the file. Proved by the stream ending on the trailer computed from ``data``."""

    def __init__(self, data: bytes, length: int):
        self.data = data
        self.length = length
        super().__init__("truncated gzip member")


class NoRecordInMember(ValueError):
    """A member holding no record at all (a version line and a blank line, no field): bytes
    passed over, as the plain walk passes an empty header over, folded with its kind."""


class MemberCut(EOFError):
    """A gzip member the file ends inside (a copy stopped half way, a crawl killed as it
    wrote): ``head``, the start of what it inflated to (its WARC header when that much
    arrived), ``inflated`` its inflated size, ``length`` its compressed bytes to the end of
    the file. Only part of a record: evidence to name, never a record to serve."""

    def __init__(self, head: bytes, inflated: int, length: int):
        self.head = head
        self.inflated = inflated
        self.length = length
        super().__init__("truncated gzip member")


class TrailerBad(zlib.error):
    """A gzip member whose deflate stream is whole but whose trailer (CRC-32, size) does not
    match what it inflates to: ``data``, what it inflates to, ``length``, the member's bytes
    to the end of its trailer. The trailer or the data is damaged, and nothing in gzip tells
    which: a format reads it only where the record's own digest proves its data whole."""

    def __init__(self, why: str, data: bytes, length: int, end: int):
        self.data = data
        self.length = length
        self.end = end  # the member's bytes to the end of its deflate stream
        self.check = why  # zlib's words for the failed check
        super().__init__(why)


TRAILER_MISSING = ("gzip member cut in its 8-byte trailer (CRC-32 and size): its deflate "
                   "stream is whole, the record read from it")



def read_member(fh, offset: int, max_size: int | None = None) -> tuple[bytes, int]:
    """Inflate one gzip member at `offset`; returns (data, compressed length).

    Inflation is streamed and stops at `max_size` bytes (default DEFAULT_MAX_RECORD_SIZE):
    an over-cap member raises MemberTooLarge after its end has been found (by inflating into
    a discarded buffer), so the walk can go on exactly at the next member. Finding the end
    is bounded: a member inflating past bomb_limit(max_size) bytes without ending (a gzip
    bomb: 4 GiB from 4 MB) raises MemberTooLarge(bomb=True) there.
    """
    cap = DEFAULT_MAX_RECORD_SIZE if max_size is None else max_size
    limit = bomb_limit(cap)
    fh.seek(offset)
    d = zlib.decompressobj(zlib.MAX_WBITS | 16)
    out: list[bytes] = []
    size = fed = 0
    over = False
    chunk = _FIRST_READ
    while not d.eof:
        buf = fh.read(chunk)
        chunk = min(chunk * 2, _CHUNK)
        if not buf:
            if not over and _ends_with_trailer(d, out):
                raise TrailerMissing(b"".join(out), fed)
            raise MemberCut(_prefix(out, MAX_HEAD + 4), size, fed)
        fed += len(buf)
        pending = buf
        while pending and not d.eof:
            try:
                piece = d.decompress(pending, _DISCARD if over else cap - size + 1)
            except zlib.error as exc:
                if over or not _TRAILER_CHECK.search(str(exc)):
                    raise
                raise _bad_trailer(fh, offset, exc, cap) from exc
            pending = d.unconsumed_tail
            size += len(piece)
            if not over:
                out.append(piece)
                over = size > cap
            if size > limit and not d.eof:
                raise MemberTooLarge(fed - len(pending), cap,
                                     out[0][:MAX_HEAD] if out else b"", bomb=True)
    length = fed - len(d.unused_data)
    if over:
        raise MemberTooLarge(length, cap, out[0][:MAX_HEAD] if out else b"")
    return b"".join(out), length


# zlib's errors for a whole deflate stream whose gzip trailer does not match it
_TRAILER_CHECK = re.compile(r"incorrect (data|length) check")


def _bad_trailer(fh, offset: int, exc: zlib.error, cap: int) -> zlib.error:
    """The TrailerBad of the member at ``offset`` whose trailer check failed (``exc``): its
    data inflated again without the check (zlib drops the output of the call that fails),
    or ``exc`` itself when that is not the whole member under ``cap``."""
    fh.seek(offset)
    start = fh.read(_HEAD_PROBE)
    head = _header_length(start)
    if head is None:
        return exc
    fh.seek(offset + head)
    raw = zlib.decompressobj(-zlib.MAX_WBITS)
    out: list[bytes] = []
    size = fed = 0
    while not raw.eof and size <= cap:
        buf = fh.read(_CHUNK)
        if not buf:
            return exc
        fed += len(buf)
        piece = raw.decompress(buf, cap - size + 1)
        if raw.unconsumed_tail:  # over the cap: no record to read
            return exc
        out.append(piece)
        size += len(piece)
    if not raw.eof:
        return exc
    end = head + fed - len(raw.unused_data)
    # a trailer cut short by the next member (a writer killed, then a file appended): the
    # walk goes on at that member, not 8 bytes on, inside it
    after = raw.unused_data[:10]
    after += fh.read(10 - len(after))
    if 0 <= (cut := after.find(GZIP_MAGIC)) < 8:
        return TrailerBad(f"{exc} (its trailer cut to {cut} of its 8 bytes by the next "
                          "gzip member)", b"".join(out), end + cut, end)
    if len(after) < 8:
        return exc
    return TrailerBad(str(exc), b"".join(out), end + 8, end)


def trailer_cut_by_record(fh, offset: int, exc: TrailerBad,
                          starts_at: Callable[[Any, int], bool]) -> TrailerBad:
    """``exc``, or its member ended where an uncompressed record (``starts_at``: the
    format's test) begins inside the bytes its trailer should be (a member torn in its
    trailer, then a .warc appended): the walk goes on at that record, never 8 bytes on,
    inside its version line, so no trailer takes a readable record's bytes."""
    for cut in range(exc.length - exc.end):
        if starts_at(fh, offset + exc.end + cut):
            return TrailerBad(f"{exc.check} (its trailer cut to {cut} of its 8 bytes by an "
                              "uncompressed record)", exc.data, exc.end + cut, exc.end)
    return exc


def _header_length(start: bytes) -> int | None:
    """The length of the gzip header ``start`` begins with (RFC 1952's optional fields
    counted), or None when it runs past ``start``."""
    if len(start) < 10:
        return None
    flags, pos = start[3], 10
    if flags & 0x04:
        if len(start) < pos + 2:
            return None
        pos += 2 + int.from_bytes(start[pos:pos + 2], "little")
    for flag in (0x08, 0x10):
        if flags & flag:
            nul = start.find(b"\0", pos)
            if nul < 0:
                return None
            pos = nul + 1
    pos += 2 if flags & 0x02 else 0
    return pos if pos <= len(start) else None


def _prefix(pieces: list[bytes], n: int) -> bytes:
    """The first ``n`` bytes of ``pieces`` joined, without joining the rest."""
    buf = bytearray()
    for piece in pieces:
        buf += piece[: n - len(buf)]
        if len(buf) >= n:
            break
    return bytes(buf)



def _ends_with_trailer(d, out: list[bytes]) -> bool:
    """Whether gzip stream ``d``, having inflated ``out``, ends on the trailer computed from
    ``out`` (its last 1-8 bytes, as many as were cut away): its deflate stream is whole."""
    data = b"".join(out)
    trailer = struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)
    for cut in range(1, len(trailer) + 1):
        end = d.copy()
        try:
            end.decompress(trailer[-cut:], 1)
        except zlib.error:
            continue
        if end.eof:
            return True
    return False


def bomb_limit(cap: int) -> int:
    """Inflated bytes an over-cap member may cost before it is called a gzip bomb."""
    return max(BOMB_FLOOR, BOMB_FACTOR * cap)


def find_magic(fh, start: int, end: int | None = None) -> int | None:
    return find_forward(fh, start, lambda data: data.find(GZIP_MAGIC), len(GZIP_MAGIC) - 1, end)



def find_forward(fh, start: int, where: Callable[[bytes], int], overlap: int,
          end: int | None = None) -> int | None:
    """Scan forward for a pattern that may straddle chunk borders, starting before ``end``.

    Chunks start small and double: after a false start the next one is usually close, and a
    fixed large read per false start made files full of them quadratic.
    """
    fh.seek(start)
    pos = start
    tail = b""
    chunk = _HEAD_PROBE
    while end is None or pos < end:
        # (a match starting before end may run past it by the pattern's length)
        buf = fh.read(chunk if end is None else min(chunk, end + overlap - pos))
        chunk = min(chunk * 2, _DISCARD)
        if not buf:
            return None
        data = tail + buf
        i = where(data)
        if i >= 0:
            found = pos - len(tail) + i
            return found if end is None or found < end else None
        tail = data[-overlap:]
        pos += len(buf)
    return None


_MAX_GZIP_NAME = 64 * 1024  # a gzip header's file name or comment no longer than this


class NulScan:
    """Where the next NUL byte is, remembered across the false gzip headers a walk tries:
    each is looked up, the file is scanned once (repeated magic bytes with no NUL after
    them made every try inflate to the end of the file: quadratic, minutes for a MB)."""

    def __init__(self) -> None:
        self.scanned_to = 0  # no NUL in [searched_from, scanned_to), but at found
        self.searched_from = 0
        self.found: int | None = None

    def next_nul(self, fh, pos: int, limit: int) -> int | None:
        """The first NUL at or after ``pos`` and before ``pos + limit``, or None."""
        if self.found is not None and self.searched_from <= pos <= self.found:
            return self.found if self.found < pos + limit else None
        start = self.scanned_to if self.searched_from <= pos < self.scanned_to else pos
        if self.found is not None or not self.searched_from <= pos <= self.scanned_to:
            self.searched_from = pos
        self.found = None
        fh.seek(start)
        while start < pos + limit:
            chunk = fh.read(min(_HEAD_PROBE * 4, pos + limit - start))
            if not chunk:
                break
            if (at := chunk.find(b"\0")) >= 0:
                self.found, self.scanned_to = start + at, start + at
                return self.found
            start += len(chunk)
        self.scanned_to = start
        return None


def gzip_header_problem(fh, offset: int, size: int, nuls: NulScan
                         ) -> zlib.error | EOFError | None:
    """Why the gzip header at ``offset`` is none a writer made (checked before inflating):
    reserved flags, or a file name or comment running past _MAX_GZIP_NAME bytes without its
    NUL (an EOFError when the file ends first). None for a header to inflate."""
    fh.seek(offset + 3)
    head = fh.read(7)
    if len(head) < 7:
        return None  # (cut short: the inflater says so)
    flags = head[0]
    if flags & 0xE0:
        return zlib.error(f"gzip header with reserved flags set ({flags:#04x})")
    pos = offset + 10
    if flags & 0x04:  # FEXTRA: its length, then that many bytes
        fh.seek(pos)
        xlen = fh.read(2)
        pos += 2 + (int.from_bytes(xlen, "little") if len(xlen) == 2 else 0)
        if pos > size:
            return None  # cut short: the inflater says so
    for flag, what in ((0x08, "file name"), (0x10, "comment")):
        if flags & flag:
            nul = nuls.next_nul(fh, pos, _MAX_GZIP_NAME)
            if nul is None and pos + _MAX_GZIP_NAME >= size:
                return EOFError(f"truncated gzip member: the file ends in its gzip header's "
                                f"{what}")
            if nul is None:
                return zlib.error(f"gzip header whose {what} runs past {_MAX_GZIP_NAME} bytes "
                                  "without its end: not a gzip member")
            pos = nul + 1
    return None



TORN_PART = "only part of a record, not read"
UNCHECKED_END = ("block inflated but not the end of its gzip stream, which no check then "
                 "covers: not read")


def cut_member_reason(exc: MemberCut, describe: Callable[[bytes, int], str]) -> str:
    """Why a gzip member the file ends inside is not read: where it is cut, then what
    ``describe`` (the format's) tells of the record from the start it inflated to and its
    inflated size."""
    where = (f"truncated gzip member: the file ends {exc.length} bytes into it "
             f"({exc.inflated} bytes inflated)")
    return f"{where}; {describe(exc.head, exc.inflated)}"


def too_large_reason(exc: MemberTooLarge, skipped: int | None = None) -> str:
    """An over-cap member: a record past the max record size, or a gzip bomb and, in a walk,
    the ``skipped`` bytes from it to the end of the file."""
    if exc.bomb:
        rest = "" if skipped is None else f"; the rest of the file ({skipped} bytes) skipped"
        return (f"{exc}, and past {exc.limit} bytes without ending: a gzip bomb (or a record "
                f"over {BOMB_FACTOR} times the max record size), not inflated further{rest}, "
                "left as it is (raise --max-record-size to read further)")
    return f"{exc}; skipped (raise --max-record-size to read it)"



@dataclass(frozen=True)
class MemberFormat:
    """What the member walk needs of the format its members hold.

    ``name``: in "bad NAME record: ..."; ``parse(path, offset, data, length, problems)``:
    the record of a member's inflated ``data`` (ValueError when it holds none), the
    ``problems`` found so far added to its own; ``cut_reason``: why a member the file ends
    inside is not read; ``too_large``: why an over-cap member is skipped; ``resync(fh,
    start)``: where the walk goes on after damage (None: nowhere); ``not_member(fh, offset,
    span)``: why bytes where a member should start are skipped; ``foreign_at(fh, offset)``:
    another walk reads what starts there (the walk returns its offset);
    ``trailer_note``: said of a member cut in its 8-byte trailer, read all the same;
    ``record_start(head)``: the first bytes a member inflated to before its data failed
    begin a record (None: every member that fails to inflate is one that started);
    ``proven(record)``: the record's own digest proves its data whole, so a member whose
    gzip trailer does not match is read all the same (None: never); ``names(head)``: the
    record a damaged member's inflated start ``head`` begins, named (None: nothing)."""

    name: str
    parse: Callable[[Path, int, bytes, int, list[str]], Any]
    cut_reason: Callable[[MemberCut], str]
    too_large: Callable[[MemberTooLarge, int | None], str]
    resync: Callable[[Any, int], int | None]
    not_member: Callable[[Any, int, str], str]
    foreign_at: Callable[[Any, int], bool]
    trailer_note: str = TRAILER_MISSING
    record_start: Callable[[bytes], bool] | None = None
    proven: Callable[[Any], bool] | None = None
    names: Callable[[bytes], str | None] | None = None


def walk_members(path: Path, fh, on_error: ErrorHandler | None, cap: int, start: int,
                 form: MemberFormat) -> Generator[Any, None, int | None]:
    """The records of the gzip members of ``fh`` from ``start``, each parsed by ``form``;
    damage reported to ``on_error`` by offset, the walk going on after it. Returns the
    offset of bytes ``form.foreign_at`` claims, or None at the end of the file."""
    size = fh.seek(0, 2)
    offset = start
    nuls = NulScan()  # (false gzip headers are checked before inflating, see NulScan)
    while offset < size:
        fh.seek(offset)
        if fh.read(3) != GZIP_MAGIC:
            if form.foreign_at(fh, offset):
                return offset
            nxt = form.resync(fh, offset + 1)
            span = "" if nxt is None else f" ({nxt - offset} bytes)"
            report(PassedOver(path, offset, form.not_member(fh, offset, span),
                              size if nxt is None else nxt), on_error)
            if nxt is None:
                return None
            offset = nxt
            continue
        problems: list[str] = []
        bad = None
        try:
            if (bad := gzip_header_problem(fh, offset, size, nuls)) is not None:
                raise bad  # (a false gzip header: passed over, see below)
            data, length = read_member(fh, offset, cap)
        except TrailerMissing as exc:
            data, length, problems = exc.data, exc.length, [form.trailer_note]
        except MemberTooLarge as exc:
            if exc.bomb:  # its end unknown; a gzip header inside it may be a payload's
                report(RecordOverLimit(path, offset, form.too_large(exc, size - offset),
                                       None), on_error)
                return None
            report(RecordOverLimit(path, offset, form.too_large(exc, None), exc.length),
                   on_error)
            offset += exc.length
            continue
        except (EOFError, zlib.error) as exc:
            if isinstance(exc, TrailerBad):
                exc = trailer_cut_by_record(fh, offset, exc, form.foreign_at)
            if isinstance(exc, TrailerBad) and (
                    info := _proven_despite_trailer(path, offset, exc, form)) is not None:
                yield info  # (else its data may be the next members' bytes: resync below)
                offset += exc.length
                continue
            # a damaged member may swallow the next ones up to EOF: look for them inside
            nxt = form.resync(fh, offset + 1)
            end = size if nxt is None else nxt
            if exc is bad:
                err = PassedOver(path, offset, _damage_reason(exc, form), end)
            elif isinstance(exc, zlib.error) and not _member_started(fh, offset, form):
                err = PassedOver(path, offset, _false_header_reason(exc), end)
            else:
                err = WarcFormatError(path, offset, _damage_reason(exc, form)
                                      + _member_of(fh, offset, exc, form))
            report(err, on_error)
            if nxt is None:
                return None
            offset = nxt
            continue
        if not data.strip(b"\r\n"):  # an empty member (a writer's gzip.open(.., "ab") that
            offset += length  # wrote nothing): no record and no damage, as warcio reads it
            continue
        try:
            info = form.parse(path, offset, data, length, problems)
        except ValueError as exc:
            why = f"bad {form.name} record: {exc}"
            report(PassedOver(path, offset, why, offset + length)
                   if isinstance(exc, NoRecordInMember) else WarcFormatError(path, offset, why),
                   on_error)
        else:
            yield info
        offset += length
    return None


def bad_trailer_note(exc: TrailerBad) -> str:
    """What is said of a record read from a member whose trailer does not match its data."""
    return (f"its gzip trailer does not match what it inflates to ({exc}), but its "
            "record's block digest holds over its block and its header parses whole, its "
            "Content-Length that block's: read as the trailer damaged (the digest does not "
            "cover the WARC header: a changed header byte would not show)")


def _proven_despite_trailer(path: Path, offset: int, exc: TrailerBad, form: MemberFormat
                            ) -> Any | None:
    """The record of a member whose trailer does not match its data, when the record's own
    digest proves that data whole (the trailer is what was damaged) and it is all the
    member inflates to, else None."""
    if form.proven is None or not exc.data.strip(b"\r\n"):
        return None
    note = bad_trailer_note(exc)
    try:
        info = form.parse(path, offset, exc.data, exc.length, [note])
    except ValueError:
        return None
    # (damage to the data's last bits may run its stream on into the next members: then
    # its record is no longer all it inflates to, and the walk resyncs inside it)
    return info if form.proven(info) and info.problems == [note] else None


_NAME_WANT = 8 * 1024  # inflated bytes asked of a damaged member to name its record


def _member_of(fh, offset: int, exc: EOFError | zlib.error, form: MemberFormat) -> str:
    """The record a member whose data failed to inflate began, as far as its start inflates
    (a member torn mid-file, the next one joined on, is so named, not only said as corrupt
    gzip data), said after its reason; "" when nothing names one (a member the file ends
    inside is named by cut_reason)."""
    if form.names is None or isinstance(exc, MemberCut):
        return ""
    named = form.names(inflated_start(fh, offset, _NAME_WANT))
    return f": the member of {named}, not read" if named else ""


def _damage_reason(exc: EOFError | zlib.error, form: MemberFormat) -> str:
    if isinstance(exc, MemberCut):
        return form.cut_reason(exc)
    return str(exc) if isinstance(exc, EOFError) else f"corrupt gzip data: {exc}"


# what the gzip header of a member a writer made holds: XFL 0, 2 (best) or 4 (fastest), and
# an OS byte of RFC 1952's list (0-13) or 255 (unknown)
_WRITER_XFL = (0, 2, 4)
_WRITER_OS = (*range(14), 255)
_START_PIECE = 64


def _member_started(fh, offset: int, form: MemberFormat) -> bool:
    """Whether the gzip header at ``offset``, whose data failed to inflate, began a member
    (a record lost, its own error) rather than magic bytes met by chance (passed over): its
    header is one a writer makes (damage in a real member's data may inflate a few garbage
    bytes before zlib fails, and it is a record all the same), or, under a header no writer
    makes, what it inflated to before failing begins a record."""
    if form.record_start is None or _writer_header(fh, offset):
        return True
    head = inflated_start(fh, offset)
    return bool(head.strip(b"\r\n")) and form.record_start(head)


def _writer_header(fh, offset: int) -> bool:
    """Whether the gzip header at ``offset`` holds the XFL and OS bytes a writer puts."""
    fh.seek(offset + 8)
    xfl_os = fh.read(2)
    return len(xfl_os) == 2 and xfl_os[0] in _WRITER_XFL and xfl_os[1] in _WRITER_OS


# the start of a gzip header a writer makes (no reserved flag, a writer's XFL and OS bytes):
# where to look for a member in bytes that may hold many gzip magics by chance, found in C
# (a lookahead: a false one may overlap the real header after it)
WRITER_HEADER = re.compile(
    b"(?=" + re.escape(GZIP_MAGIC) + rb"[\x00-\x1f][\s\S]{4}[" + b"".join(
        re.escape(bytes([b])) for b in _WRITER_XFL) + rb"][" + b"".join(
        re.escape(bytes([b])) for b in _WRITER_OS) + rb"])")


def inflated_start(fh, offset: int, want: int = 16) -> bytes:
    """Up to ``want`` bytes the gzip data at ``offset`` inflates to before it fails, fed in
    small pieces so the output before the error is kept (a whole read raising loses it);
    bounded: at most _HEAD_PROBE compressed bytes are tried."""
    fh.seek(offset)
    data = fh.read(_HEAD_PROBE)
    d = zlib.decompressobj(zlib.MAX_WBITS | 16)
    out = b""
    for at in range(0, len(data), _START_PIECE):
        try:
            out += d.decompress(data[at : at + _START_PIECE], want - len(out))
        except zlib.error:
            break
        if len(out) >= want or d.eof or d.unconsumed_tail:
            break
    return out


def _false_header_reason(exc: zlib.error) -> str:
    """A gzip header met by chance: the zlib message quoted, so a run of them, failing each
    in its own way, is one kind (folded)."""
    detail = str(exc).removeprefix("Error -3 while decompressing data: ")
    return (f"corrupt gzip data: a false gzip header, its data inflating to no record "
            f"({detail!r}): passed over")
