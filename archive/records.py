"""Low-level, forgiving WARC record reader with exact offsets and named errors.

Walks gzip members itself (instead of warcio's iterator) so that every record has a
known (offset, length), and a broken member is reported by file and offset while the
walk goes on at the next member boundary that can be found.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .errors import WarcFormatError
from .httputil import get_header
from .urls import strip_brackets

GZIP_MAGIC = b"\x1f\x8b\x08"
_CHUNK = 64 * 1024
_MAX_CHUNK = 4 * 1024 * 1024

ErrorHandler = Callable[[WarcFormatError], None]


@dataclass
class HttpMessage:
    """The HTTP message inside a request/response/revisit block."""

    protocol: str  # "HTTP/1.1"
    status: int  # 0 for requests
    reason: str
    method: str  # "" for responses
    target: str
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return get_header(self.headers, name)


@dataclass
class WarcRecord:
    """A parsed WARC record: header fields and the raw content block."""

    version: str
    headers: list[tuple[str, str]]
    block: bytes

    def get(self, name: str, default: str | None = None) -> str | None:
        v = get_header(self.headers, name)
        return default if v is None else v

    @property
    def rec_type(self) -> str:
        return (self.get("WARC-Type") or "").lower()

    @property
    def record_id(self) -> str:
        return self.get("WARC-Record-ID") or ""

    @property
    def target_uri(self) -> str:
        return strip_brackets(self.get("WARC-Target-URI") or "")

    @property
    def date(self) -> datetime:
        return parse_warc_date(self.get("WARC-Date") or "")

    def is_http(self) -> bool:
        ctype = (self.get("Content-Type") or "").lower()
        if ctype.startswith("application/http"):
            return True
        # some tools omit the content type on revisits / responses
        return self.rec_type in ("response", "request", "revisit") and (
            self.block.startswith(b"HTTP/") or self.rec_type == "request"
        )

    def http(self) -> HttpMessage | None:
        """Parse the block as HTTP; None when it is not an HTTP message."""
        if not self.is_http() or not self.block:
            return None
        return parse_http(self.block)


@dataclass
class RecordInfo:
    """A record plus where it lives (offset/length of its gzip member, or raw bytes)."""

    record: WarcRecord
    file: Path
    offset: int
    length: int


def parse_warc_date(value: str) -> datetime:
    value = value.strip()
    if not value:
        return datetime.fromtimestamp(0, UTC)
    v = value.rstrip("Z")
    for fmt in ("%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(v, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError as exc:
        raise ValueError(f"bad WARC-Date {value!r}") from exc


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _parse_fields(lines: list[bytes]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for line in lines:
        if not line:
            continue
        if line[:1] in (b" ", b"\t") and out:
            k, v = out[-1]
            out[-1] = (k, v + " " + _decode(line.strip()))
            continue
        if b":" not in line:
            raise ValueError(f"header line without colon: {line[:60]!r}")
        k, v = line.split(b":", 1)
        out.append((_decode(k.strip()), _decode(v.strip())))
    return out


def _split_head(data: bytes, start: int = 0) -> tuple[list[bytes], int] | None:
    """Header lines and the index after the blank line; tolerates bare LF line ends."""
    crlf = data.find(b"\r\n\r\n", start)
    lf = data.find(b"\n\n", start)
    if crlf < 0 and lf < 0:
        return None
    if crlf >= 0 and (lf < 0 or crlf <= lf):
        end, nxt = crlf, crlf + 4
    else:
        end, nxt = lf, lf + 2
    lines = [ln.rstrip(b"\r") for ln in data[start:end].split(b"\n")]
    return lines, nxt


def parse_http(block: bytes) -> HttpMessage:
    head = _split_head(block)
    if head is None:  # headers only, no blank line (some revisits)
        lines, body = [ln.rstrip(b"\r") for ln in block.split(b"\n")], b""
    else:
        lines, nxt = head
        body = block[nxt:]
    first = _decode(lines[0]).strip()
    headers = _parse_fields(lines[1:])
    parts = first.split(" ", 2)
    if first.upper().startswith("HTTP/"):
        try:
            status = int(parts[1]) if len(parts) > 1 else 0
        except ValueError as exc:
            raise ValueError(f"bad HTTP status line {first[:60]!r}") from exc
        reason = parts[2] if len(parts) > 2 else ""
        return HttpMessage(parts[0], status, reason, "", "", headers, body)
    method = parts[0]
    target = parts[1] if len(parts) > 1 else ""
    proto = parts[2] if len(parts) > 2 else ""
    return HttpMessage(proto, 0, "", method, target, headers, body)


def parse_records(data: bytes) -> Iterator[tuple[WarcRecord, int]]:
    """Parse all WARC records in `data`; yields (record, end index). Raises ValueError."""
    pos = 0
    n = len(data)
    while pos < n:
        # skip blank separator bytes between records
        while pos < n and data[pos : pos + 1] in (b"\r", b"\n"):
            pos += 1
        if pos >= n:
            return
        head = _split_head(data, pos)
        if head is None:
            raise ValueError("WARC header not terminated")
        lines, body_start = head
        version = _decode(lines[0]).strip()
        if not version.startswith("WARC/"):
            raise ValueError(f"not a WARC record (starts {data[pos : pos + 20]!r})")
        fields = _parse_fields(lines[1:])
        cl = get_header(fields, "Content-Length")
        try:
            length = int(cl or "")
        except ValueError as exc:
            raise ValueError(f"bad Content-Length {cl!r}") from exc
        end = body_start + length
        if end > n:
            raise ValueError(f"record truncated: block needs {length} bytes, {n - body_start} left")
        yield WarcRecord(version, fields, data[body_start:end]), end
        pos = end


def read_member(fh, offset: int) -> tuple[bytes, int]:
    """Decompress one gzip member at `offset`; returns (data, compressed length)."""
    fh.seek(offset)
    d = zlib.decompressobj(zlib.MAX_WBITS | 16)
    out: list[bytes] = []
    consumed = 0
    chunk = _CHUNK
    while True:
        buf = fh.read(chunk)
        if not buf:
            raise EOFError("truncated gzip member")
        out.append(d.decompress(buf))
        if d.eof:
            consumed += len(buf) - len(d.unused_data)
            return b"".join(out), consumed
        consumed += len(buf)
        chunk = min(chunk * 2, _MAX_CHUNK)


def _find_magic(fh, start: int) -> int | None:
    fh.seek(start)
    pos = start
    tail = b""
    while True:
        buf = fh.read(_MAX_CHUNK)
        if not buf:
            return None
        data = tail + buf
        i = data.find(GZIP_MAGIC)
        if i >= 0:
            return pos - len(tail) + i
        tail = data[-2:]
        pos += len(buf)


def _report(err: WarcFormatError, on_error: ErrorHandler | None) -> None:
    if on_error is None:
        raise err
    on_error(err)


def is_gzip(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(2) == GZIP_MAGIC[:2]


def iter_records(path: str | Path, on_error: ErrorHandler | None = None) -> Iterator[RecordInfo]:
    """Every readable record of one WARC file, with offsets.

    Bad data raises WarcFormatError (file + offset) unless `on_error` is given; then the
    error is passed to it and reading resumes at the next gzip member that can be found
    (uncompressed files stop at the first bad record).
    """
    path = Path(path)
    with open(path, "rb") as fh:
        if fh.read(2) == GZIP_MAGIC[:2]:
            yield from _iter_gzip(path, fh, on_error)
        else:
            yield from _iter_plain(path, fh, on_error)


def _iter_gzip(path: Path, fh, on_error: ErrorHandler | None) -> Iterator[RecordInfo]:
    size = fh.seek(0, 2)
    offset = 0
    while offset < size:
        fh.seek(offset)
        if fh.read(3) != GZIP_MAGIC:
            nxt = _find_magic(fh, offset + 1)
            what = "garbage" if nxt is None else f"garbage ({nxt - offset} bytes)"
            _report(WarcFormatError(path, offset, f"{what}, not a gzip member"), on_error)
            if nxt is None:
                return
            offset = nxt
            continue
        try:
            data, length = read_member(fh, offset)
        except EOFError as exc:
            _report(WarcFormatError(path, offset, str(exc)), on_error)
            return
        except zlib.error as exc:
            _report(WarcFormatError(path, offset, f"corrupt gzip data: {exc}"), on_error)
            nxt = _find_magic(fh, offset + 1)
            if nxt is None:
                return
            offset = nxt
            continue
        try:
            recs = [rec for rec, _ in parse_records(data)]
            if not recs:
                raise ValueError("empty gzip member")
        except ValueError as exc:
            _report(WarcFormatError(path, offset, f"bad WARC record: {exc}"), on_error)
        else:
            for rec in recs:
                yield RecordInfo(rec, path, offset, length)
        offset += length


def _iter_plain(path: Path, fh, on_error: ErrorHandler | None) -> Iterator[RecordInfo]:
    fh.seek(0)
    offset = 0
    while True:
        line = fh.readline()
        while line in (b"\r\n", b"\n"):
            offset += len(line)
            line = fh.readline()
        if not line:
            return
        head = [line]
        while True:
            line = fh.readline()
            if not line:
                break
            head.append(line)
            if line in (b"\r\n", b"\n"):
                break
        raw = b"".join(head)
        try:
            fields_end = len(raw)
            lines = [ln.rstrip(b"\r\n") for ln in head]
            version = _decode(lines[0]).strip()
            if not version.startswith("WARC/") or lines[-1] != b"":
                raise ValueError(f"not a WARC record (starts {raw[:20]!r})")
            fields = _parse_fields(lines[1:])
            length = int(get_header(fields, "Content-Length") or "")
            block = fh.read(length)
            if len(block) < length:
                raise ValueError("record truncated")
        except ValueError as exc:
            _report(WarcFormatError(path, offset, f"bad WARC record: {exc}"), on_error)
            return
        total = fields_end + length
        yield RecordInfo(WarcRecord(version, fields, block), path, offset, total)
        offset += total


def read_record_at(path: str | Path, offset: int) -> WarcRecord:
    """The (first) record at a known offset, e.g. from a CDXJ line or RecordRef."""
    return read_info_at(path, offset).record


def read_info_at(path: str | Path, offset: int) -> RecordInfo:
    """Record at `offset` with its stored length (gzip member or raw record size)."""
    path = Path(path)
    with open(path, "rb") as fh:
        gz = fh.read(2) == GZIP_MAGIC[:2]
        try:
            if gz:
                data, length = read_member(fh, offset)
            else:
                fh.seek(offset)
                head = b""
                while True:
                    line = fh.readline()
                    if not line:
                        break
                    head += line
                    if line in (b"\r\n", b"\n") and head.strip():
                        break
                lines = [ln.rstrip(b"\r") for ln in head.split(b"\n")]
                cl = int(get_header(_parse_fields(lines[1:]), "Content-Length") or "")
                data = head + fh.read(cl)
                length = len(data)
            return RecordInfo(next(parse_records(data))[0], path, offset, length)
        except (EOFError, zlib.error, ValueError, StopIteration) as exc:
            raise WarcFormatError(path, offset, f"cannot read record: {exc}") from exc
