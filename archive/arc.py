"""ARC files (the Internet Archive's format before WARC, v1 and v2) read as WARC records.

Each ARC record is a header line (``URL IP DATE MIME LENGTH`` in v1; v2 puts result code,
checksum, location, offset and file name before the length), LENGTH bytes of block (the
HTTP response as the crawler received it) and a newline. A ``.arc.gz`` holds one gzip member
per record. Every record is given out as the WARC record arc2warc would make of it, so the
walks, the lookup index, CDXJ lines, verify and replay read both formats alike: a block that
starts with a status line is a ``response`` (``application/http``), any other a
``resource`` of the record's MIME type, and the first record (``filedesc://``, the file's
version block) a ``warcinfo``: never a page.

Own code rather than warcio's ArchiveIterator (which reads ARC) for the reasons
archive.records gives for WARCs: warcio stops a file at its first damaged record or member,
where this walk reports the damage by file and offset and goes on at the next member or
header line; and every read here is bounded (a header line past MAX_ARC_LINE, a length past
the max record size, a gzip member inflating past it, see gzip_members.read_member). The
records carry no digests (ARC has none): what is checked is the framing (the header line,
the length ending at the next record or the end of the file, gzip CRCs), the date, the URL
and the HTTP message.
"""

from __future__ import annotations

import re
import uuid
import zlib
from collections.abc import Iterator
from pathlib import Path

from .errors import ErrorHandler, RecordOverLimit, WarcFormatError, report
from .gzip_members import (
    GZIP_MAGIC,
    TORN_PART,
    UNCHECKED_END,
    MemberFormat,
    TrailerMissing,
    cut_member_reason,
    find_magic,
    read_member,
    too_large_reason,
    walk_members,
)
from .record_model import RecordInfo, WarcRecord, is_status_line

MAX_ARC_LINE = 64 * 1024  # an ARC header line past this (its URL included) is no header
ARC_VERSION = "ARC"  # WarcRecord.version of a record read from an ARC file
_DATE = re.compile(rb"\d{14,20}")
_LENGTH = re.compile(rb"\d{1,19}")
_SCHEME = re.compile(rb"[A-Za-z][A-Za-z0-9+.-]*:")
_PROBE = 4096
ARC_TRAILER_MISSING = "gzip member cut in its 8-byte trailer: the record read from it"
ARC_HINT_GZIP = ("gzip member holds more than one ARC record: records cannot be addressed by "
                 "offset (file gzipped as one stream?); convert it, e.g. `warcio recompress "
                 "IN.arc.gz OUT.warc.gz`")


def parse_header_line(line: bytes) -> tuple[str, str, str, str, int]:
    """(url, ip, 14-digit date, mime, length) of an ARC v1 or v2 header line (its newline
    included or not); ValueError for a line that is none. A URL holding spaces (old crawlers
    wrote them unescaped) is the line up to the fields the version puts after it."""
    raw = line.rstrip(b"\r\n")
    parts = raw.split(b" ")
    if len(parts) >= 5 and _DATE.fullmatch(parts[-3]):
        after_url = 4  # v1: URL IP DATE MIME LENGTH
    elif len(parts) >= 10 and _DATE.fullmatch(parts[-8]):
        after_url = 9  # v2: URL IP DATE MIME CODE CHECKSUM LOCATION OFFSET FILENAME LENGTH
    else:
        raise ValueError(f"not an ARC header line (starts {raw[:60]!r})")
    url = b" ".join(parts[:-after_url])
    if not _SCHEME.match(url) or not _LENGTH.fullmatch(parts[-1]):
        raise ValueError(f"not an ARC header line (starts {raw[:60]!r})")
    ip, date, mime = parts[-after_url + 0], parts[-after_url + 1], parts[-after_url + 2]
    text = [_text(v) for v in (url, ip, date, mime)]
    return text[0], text[1], text[2], text[3], int(parts[-1])


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _is_header_line(line: bytes) -> bool:
    try:
        parse_header_line(line)
    except ValueError:
        return False
    return line.endswith(b"\n")


def arc_form(fh) -> str | None:
    """"gz" or "plain" for an ARC file (its first record a ``filedesc://`` version block or,
    that one damaged, an ARC header line), None for any other file."""
    fh.seek(0)
    head = fh.read(_PROBE)
    form = "plain"
    if head.startswith(GZIP_MAGIC):
        try:
            head = zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(head, _PROBE)
        except zlib.error:
            return None
        form = "gz"
    head = head.lstrip(b"\r\n")
    if head.startswith(b"filedesc://") or _is_header_line(head.split(b"\n", 1)[0] + b"\n"):
        return form
    return None


def to_warc(path: Path, offset: int, line: bytes, block: bytes) -> WarcRecord:
    """The WARC record arc2warc would make of an ARC record (see the module's docstring).
    Its WARC-Record-ID is derived from the file's name, the offset and the header line:
    the same for every read of one record, as a lookup and verify need."""
    url, ip, date, mime, _ = parse_header_line(line)
    if url.startswith("filedesc://"):
        rec_type, ctype = "warcinfo", mime
    elif is_status_line(_text(block[:256].split(b"\n", 1)[0]).strip(), response=True):
        rec_type, ctype = "response", "application/http; msgtype=response"
    else:
        rec_type, ctype = "resource", mime
    rid = uuid.uuid5(uuid.NAMESPACE_URL, f"{path.name}\0{offset}\0{_text(line)}")
    headers = [("WARC-Type", rec_type), ("WARC-Record-ID", f"<urn:uuid:{rid}>"),
               ("WARC-Date", _iso(date))]
    if rec_type != "warcinfo":  # (a space in a URL escaped, as warcio's arc2warc does)
        headers.append(("WARC-Target-URI", url.replace(" ", "%20")))
    else:
        headers.append(("WARC-Filename", url.removeprefix("filedesc://")))
    if ip and ip != "-" and rec_type != "warcinfo":
        headers.append(("WARC-IP-Address", ip))
    headers += [("Content-Type", ctype), ("Content-Length", str(len(block)))]
    return WarcRecord(ARC_VERSION, headers, block)


def _iso(date: str) -> str:
    """A 14-digit ARC date in the WARC form (the digits past 14, a fraction, dropped)."""
    d = date[:14]
    return f"{d[:4]}-{d[4:6]}-{d[6:8]}T{d[8:10]}:{d[10:12]}:{d[12:14]}Z"


def iter_arc(path: Path, fh, form: str, on_error: ErrorHandler | None, cap: int
             ) -> Iterator[RecordInfo]:
    """Every readable record of an ARC file, with its offset and stored length."""
    walk = _iter_gzip if form == "gz" else _iter_plain
    yield from walk(path, fh, on_error, cap)


def _iter_plain(path: Path, fh, on_error: ErrorHandler | None, cap: int
                ) -> Iterator[RecordInfo]:
    size = fh.seek(0, 2)
    offset = 0
    while offset < size:
        fh.seek(offset)
        line = fh.readline(MAX_ARC_LINE)
        if not line.strip(b"\r\n"):  # the newline after a record, blank lines
            offset += len(line)
            continue
        try:
            info, end = _plain_record(path, fh, offset, line, size, cap)
        except ValueError as exc:
            report(WarcFormatError(path, offset, f"bad ARC record: {exc}"), on_error)
            nxt = _next_header_line(fh, offset + 1, size)
            offset = size if nxt is None else nxt
            continue
        except RecordOverLimit as exc:
            report(exc, on_error)
            offset = exc.length + offset if exc.length else size
            continue
        yield info
        offset = max(end, offset + 1)


def _plain_record(path: Path, fh, offset: int, line: bytes, size: int, cap: int
                  ) -> tuple[RecordInfo, int]:
    """The record whose header ``line`` is at ``offset``, and where the next one may start.
    A length that does not end at the next record (or the end of the file) is damage: the
    block is taken up to the next header line, said as a kept problem."""
    if not line.endswith(b"\n"):
        raise ValueError(f"header line longer than {MAX_ARC_LINE} bytes or cut by the end "
                         "of the file" if len(line) >= MAX_ARC_LINE else
                         "header line cut by the end of the file")
    _, _, _, _, length = parse_header_line(line)
    start = offset + len(line)
    problems: list[str] = []
    if start + length <= size and _ends_at(fh, start + length, size):
        end = start + length
    else:
        nxt = _next_header_line(fh, start, size)
        end = size if nxt is None else nxt
        if start + length > size and nxt is None:
            raise ValueError(torn_reason(line, size - start))
        else:
            problems.append(f"length {length} does not end at a record; block taken up to "
                            f"the {'next record' if nxt is not None else 'end of the file'}")
        if end > start and nxt is not None:
            end -= 1  # the newline closing the block
    if end - start > cap:
        raise RecordOverLimit(path, offset, f"record larger than {cap} bytes (max record "
                              "size); skipped (raise --max-record-size to read it)",
                              end - offset)
    fh.seek(start)
    block = fh.read(end - start)
    info = RecordInfo(to_warc(path, offset, line, block), path, offset, end - offset, problems)
    return info, end


def torn_reason(line: bytes, arrived: int) -> str:
    """Why a record the file ends inside is not read (a copy stopped half way, a crawl killed
    as it wrote), naming its capture by its header line: as a torn WARC record, only part of a
    record is never served."""
    try:
        url, _, date, _, length = parse_header_line(line)
    except ValueError:
        return f"the file ends inside its header line: {TORN_PART}"
    named = f"record for {url[:200]!r} dated {date}"
    if arrived >= length:  # (a gzip member cut after its block: its stream's end, unchecked)
        return f"{named}: its {length}-byte {UNCHECKED_END}"
    return (f"{named}: the file ends inside its block ({arrived} of its {length} bytes "
            f"arrived): {TORN_PART}")


def _torn_member_reason(head: bytes, inflated: int) -> str:
    """What the start of a gzip member the file ends inside tells: its ARC header line."""
    line, newline, _ = head.partition(b"\n")
    if not newline:
        return f"its header line cut short: {TORN_PART}"
    return torn_reason(line, inflated - len(line) - 1)


def _ends_at(fh, pos: int, size: int) -> bool:
    """Whether a record's length, ending at ``pos``, is trusted: the end of the file or its
    closing newline is there. (ARC has no digest to ask, as a WARC's reader asks one: bytes
    after the newline that are no record are said as garbage at their own offset.)"""
    if pos >= size:
        return True
    fh.seek(pos)
    return fh.read(1) == b"\n"


def _boundary_at(fh, pos: int, size: int) -> bool:
    """A record ends at ``pos``: the end of the file, or a newline and then the end of the
    file, blank lines or the next header line (what a header line found by a scan must
    show, as one quoted in a page does not)."""
    if pos >= size:
        return True
    fh.seek(pos)
    if fh.read(1) != b"\n":
        return False
    nxt = fh.readline(MAX_ARC_LINE)
    return not nxt.strip(b"\r\n") or _is_header_line(nxt)


def _next_header_line(fh, start: int, size: int) -> int | None:
    """Offset of the first line starting after ``start`` that is an ARC header line whose
    record ends at a record boundary or runs past the end of the file (a torn last record),
    or None. A header line quoted in a page, its length ending elsewhere, is passed over.
    Lines are read in turn, each at most MAX_ARC_LINE at a time: linear in the file."""
    fh.seek(start)
    at_line_start = False  # ``start`` is inside a line: its rest is no line's start
    while True:
        pos = fh.tell()
        line = fh.readline(MAX_ARC_LINE)
        if not line:
            return None
        whole = line.endswith(b"\n")
        if at_line_start and whole and _is_header_line(line):
            end = pos + len(line) + parse_header_line(line)[4]
            if end > size or _boundary_at(fh, end, size):
                return pos
            fh.seek(pos + len(line))
        at_line_start = whole


def _iter_gzip(path: Path, fh, on_error: ErrorHandler | None, cap: int
               ) -> Iterator[RecordInfo]:
    yield from walk_members(path, fh, on_error, cap, 0, ARC_MEMBERS)


class _BadMember(ValueError):
    """A gzip member that inflates whole but holds no ARC record; ``length``: to skip it."""

    def __init__(self, reason: str, length: int, empty: bool = False):
        self.length = length
        self.empty = empty
        super().__init__(reason)


def member_info(path: Path, fh, offset: int, cap: int) -> RecordInfo:
    """The ARC record of the gzip member at ``offset``. Raises what read_member raises, and
    _BadMember for a member holding no record or more than one."""
    problems: list[str] = []
    try:
        data, length = read_member(fh, offset, cap)
    except TrailerMissing as exc:
        data, length = exc.data, exc.length
        problems.append(ARC_TRAILER_MISSING)
    return _member_record(path, offset, data, length, problems)


def _member_record(path: Path, offset: int, data: bytes, length: int, problems: list[str]
                   ) -> RecordInfo:
    """The ARC record of a gzip member's inflated ``data`` (see member_info)."""
    data = data.lstrip(b"\r\n")
    if not data:
        raise _BadMember("empty gzip member", length, empty=True)
    nl = data.find(b"\n", 0, MAX_ARC_LINE)
    if nl < 0:
        raise _BadMember("no header line in the gzip member" if len(data) < MAX_ARC_LINE
                         else f"header line longer than {MAX_ARC_LINE} bytes", length)
    line = data[:nl + 1]
    try:
        declared = parse_header_line(line)[4]
    except ValueError as exc:
        raise _BadMember(str(exc), length) from exc
    block = data[nl + 1:]
    rest = block[declared:]
    if len(block) < declared:
        problems.append(f"record truncated: length {declared}, {len(block)} bytes in member")
    elif rest.strip(b"\r\n"):
        if _is_header_line(rest.lstrip(b"\r\n").split(b"\n", 1)[0] + b"\n"):
            raise _BadMember(ARC_HINT_GZIP, length)
        if rest.startswith(b"\n"):  # the length ends at the newline closing a record
            problems.append(f"{len(rest) - 1} stray bytes after its block in its gzip "
                            "member, not part of the record: left out")
            block = block[:declared]
        else:
            block = block[:-1] if block.endswith(b"\n") else block
            problems.append(f"length {declared} but {len(block)} bytes in its gzip member; "
                            "block taken up to the end of the member")
    else:
        block = block[:declared]
    return RecordInfo(to_warc(path, offset, line, block), path, offset, length, problems)


def arc_info_at(path: Path, fh, offset: int, cap: int) -> RecordInfo:
    """The ARC record at ``offset`` (a CDXJ line's or a lookup's); ValueError when none is
    there, RecordOverLimit / MemberTooLarge / EOFError / zlib.error as the walks meet them."""
    fh.seek(offset)
    if fh.read(3) == GZIP_MAGIC:
        return member_info(path, fh, offset, cap)
    size = fh.seek(0, 2)
    fh.seek(offset)
    line = fh.readline(MAX_ARC_LINE)
    return _plain_record(path, fh, offset, line, size, cap)[0]


# the gzip member walk's reading of an .arc.gz (archive.gzip_members)
ARC_MEMBERS = MemberFormat(
    "ARC", _member_record, lambda exc: cut_member_reason(exc, _torn_member_reason),
    too_large_reason, find_magic, lambda fh, offset, span: f"garbage{span}, not a gzip member",
    lambda fh, offset: False, ARC_TRAILER_MISSING)
