"""The record model both archive formats are read into, and what every reader checks.

archive.records reads WARC files and archive.arc reads ARC files into the same
:class:`WarcRecord` and :class:`RecordInfo` (an ARC record as the WARC record arc2warc would
make of it), so the walks, the lookup, CDXJ lines, verify and replay read both alike. Here
too: the WARC-Date, the header fields and HTTP messages they hold (:func:`parse_http`), and
:func:`check_record`, what every consumer needs of a record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from .httputil import get_header
from .urls import strip_brackets

_NEED_TARGET = frozenset(("response", "resource", "request", "revisit", "conversion"))
# Records of an HTTP exchange: their target is a web address. Other records (warcinfo,
# metadata, a resource, Heritrix's dns: responses) may name any URI with a scheme.
_WEB_EXCHANGE = frozenset(("response", "request", "revisit"))
_HAS_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# what a target URI urlsplit may refuse holds: a bracket, or a character past ASCII (NFKC)
_MAY_BE_REFUSED = re.compile(r"[\[\]]|[^\x00-\x7f]")


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
    head: bytes = b""  # the header lines as sent (archive.httputil.raw_fields reads them)
    colonless: int = 0  # header lines without a colon, skipped as warcio and pywb skip them

    def header(self, name: str) -> str | None:
        return get_header(self.headers, name)


@dataclass
class WarcRecord:
    """A parsed WARC record: header fields and the raw content block."""

    version: str
    headers: list[tuple[str, str]]
    block: bytes

    @property
    def rec_type(self) -> str:
        return (self.get("WARC-Type") or "").lower()

    @property
    def record_id(self) -> str:
        return self.get("WARC-Record-ID") or ""

    _target: str | None = field(default=None, init=False, repr=False, compare=False)
    _date: datetime | None = field(default=None, init=False, repr=False, compare=False)
    _map: dict[str, str] | None = field(default=None, init=False, repr=False, compare=False)

    def get(self, name: str, default: str | None = None) -> str | None:
        """First value of a header field, by case-insensitive name."""
        if self._map is None:  # built once: records are asked for several fields each
            self._map = {}
            for k, v in self.headers:
                self._map.setdefault(k.lower(), v)
        return self._map.get(name.lower(), default)

    @property
    def target_uri(self) -> str:
        if self._target is None:  # cached by hand: functools.cached_property locks (3.11)
            self._target = strip_brackets(self.get("WARC-Target-URI") or "")
        return self._target

    @property
    def date(self) -> datetime:
        if self._date is None:
            self._date = _cached_date(self.get("WARC-Date") or "")
        return self._date

    def is_http(self) -> bool:
        ctype = (self.get("Content-Type") or "").lower()
        if ctype.startswith("application/http"):
            return True
        # some tools omit the content type on revisits / responses
        return self.rec_type in ("response", "request", "revisit") and (
            self.block.startswith(b"HTTP/") or self.rec_type == "request"
        )

    def http(self) -> HttpMessage | None:
        """Parse the block as HTTP; None when it is not an HTTP message. Raises ValueError,
        also for a response (or revisit) whose HTTP head is no response: every reader then
        reports it by offset, as it does a bad status line, instead of losing it unsaid."""
        if not self.is_http():
            return None
        if not self.block:
            if self.rec_type == "response":  # a revisit may hold nothing (old Heritrix dedup)
                raise ValueError("empty block: no HTTP status line")
            return None
        msg = parse_http(self.block, response=self.rec_type in ("response", "revisit"))
        if msg.method and self.rec_type in ("response", "revisit"):
            line = self.block.split(b"\n", 1)[0].rstrip(b"\r")
            raise ValueError(f"no HTTP status line (the block starts {line[:60]!r})")
        if (declared := content_length(self)) is not None and declared > len(self.block) and (
                HEAD_END.search(self.block) is None):
            # a head without its blank line is whole only in a whole record (some revisits)
            raise ValueError(f"the record ends inside its HTTP head ({len(self.block)} of the "
                             f"{declared} bytes its Content-Length declares): no whole head, "
                             "no body")
        return msg


@dataclass
class RecordInfo:
    """A record plus where it lives (offset/length of its gzip member, or raw bytes)."""

    record: WarcRecord
    file: Path
    offset: int
    length: int
    problems: list[str] = field(default_factory=list)
    # a response's or revisit's own request record, when archive.pairing found it
    request: RecordInfo | None = field(default=None, repr=False, compare=False)


_ISO_Z = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6})\d*)?Z")
# 14 digits (WARC/0.x-era tools, ARC converters), maybe with a fraction run on (17: Heritrix)
_DIGITS14 = re.compile(r"(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d{0,6})")


NO_DATE = "no WARC-Date"


def parse_warc_date(value: str) -> datetime:
    """A WARC-Date as an aware UTC datetime; ValueError for anything unparsable/out of range,
    and for none at all (``NO_DATE``): read as the epoch, such a record was indexed, replayed
    and exported as captured on 1970-01-01, nothing said (pywb's indexers stop on it)."""
    value = value.strip()
    if not value:
        raise ValueError(NO_DATE)
    said = value
    if not value.isascii():  # int(), \d and strptime take "２０２６": the spec's date is ASCII
        raise ValueError(f"bad WARC-Date {said[:60]!r}: not ASCII")
    if "t" in value or "z" in value:  # RFC 3339 allows lower-case t and z (warcio reads them)
        value = value.replace("t", "T").replace("z", "Z")
    m = _ISO_Z.fullmatch(value) or _DIGITS14.fullmatch(value)
    if m:  # the usual form (or pywb's 14 digits), without strptime's cost
        y, mo, d, h, mi, sec, frac = m.groups()
        micro = int(frac.ljust(6, "0")) if frac else 0
        # a leap second (23:59:60, as UTC gives one) is read as the second before it, as
        # warcio and pywb keep its 14 digits: datetime has no 60th second
        second = 59 if sec == "60" and (h, mi) == ("23", "59") else int(sec)
        try:
            return datetime(int(y), int(mo), int(d), int(h), int(mi), second, micro, UTC)
        except ValueError as exc:
            raise ValueError(f"bad WARC-Date {said[:60]!r}") from exc
    v = value.rstrip("Z")
    for fmt in ("%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(v, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"bad WARC-Date {said[:60]!r}") from exc


_DATES: dict[str, datetime] = {}


def _cached_date(value: str) -> datetime:
    """parse_warc_date, remembered: a request and its response share one WARC-Date."""
    got = _DATES.get(value)
    if got is None:
        if len(_DATES) > 4096:
            _DATES.clear()
        got = _DATES[value] = parse_warc_date(value)
    return got


def decode_text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def decode_lines(raw: bytes) -> list[str]:
    """Header lines as text, each decoded on its own (UTF-8, else Latin-1), as warcio does:
    one Latin-1 byte in an unrelated field turned a UTF-8 WARC-Target-URI into mojibake."""
    try:
        return raw.decode("utf-8").split("\n")
    except UnicodeDecodeError:
        return [decode_text(line) for line in raw.split(b"\n")]


def parse_fields(lines: list[bytes], skipped: list[str] | None = None
                  ) -> list[tuple[str, str]]:
    return parse_text_fields(decode_lines(b"\n".join(lines)), skipped)


def parse_text_fields(lines: list[str], skipped: list[str] | None = None
                       ) -> list[tuple[str, str]]:
    """Name-value pairs; a folded value's lines are joined once at the end (joined line by
    line, a value folded over a million lines cost minutes). A line without a colon raises
    ValueError, or with ``skipped`` (an HTTP head: ``X-Powered-By PHP/5.2``, which warcio and
    pywb pass over) goes there and is passed over."""
    out: list[tuple[str, list[str]]] = []
    for line in lines:
        if not line or line[0] == "\r":  # blank (CR LF or CR CR LF line ends)
            continue
        if line[0] in " \t" and out:
            out[-1][1].append(line.strip())
            continue
        k, colon, v = line.partition(":")
        if not colon:
            if skipped is None:
                raise ValueError(f"header line without colon: {line[:60]!r}")
            skipped.append(line)
            continue
        out.append((k.strip(), [v.strip()]))
    return [(k, " ".join(parts)) for k, parts in out]


HEAD_END = re.compile(rb"\n\r*\n")
# An HTTP head past this is no head a server sent (servers refuse heads of 8-64 KB): read, its
# millions of tiny lines cost ~90 times their bytes in memory
MAX_HTTP_HEAD = 1024 * 1024


def split_head(data: bytes, start: int = 0) -> tuple[list[bytes], int] | None:
    """Header lines and the index after the blank line; any of LF, CRLF, CRCRLF line ends."""
    m = HEAD_END.search(data, start)
    if m is None:
        return None
    lines = [ln.rstrip(b"\r") for ln in data[start : m.start()].split(b"\n")]
    return lines, m.end()


# Another protocol's status line ("ICY 200 OK", "HTTP 200 Document follows", "RTSP/1.0 200"):
# warcio and pywb read any first line of a response as one; an upper-case protocol name and
# three digits keep a line of HTML or prose ("<p>Paid 200 roubles</p>") from passing as one
# here, and a mangled HTTP name ("HTTPX/1.1", pywb's example-extra) stays a damaged record.
_OTHER_STATUS = re.compile(r"(?:HTTP|(?!HTTP)[A-Z][A-Z0-9]*(?:/[0-9.]+)?)[ \t]+[0-9]{3}(?:[ \t].*)?")


def is_status_line(first: str, response: bool) -> bool:
    return first.upper().startswith("HTTP/") or (response and bool(_OTHER_STATUS.fullmatch(first)))


def _code(parts: list[str]) -> int | None:
    if len(parts) < 2:
        return None  # "HTTP/1.1" and no code: no status to serve (it was served as 0)
    code = parts[1]  # three digits, the first a class (RFC 9110 §15; LinkedIn's 999 too)
    ok = code.isascii() and code.isdigit() and len(code) == 3 and code[0] != "0"
    return int(code) if ok else None


def response_status(block: bytes) -> int | None:
    """The status code of a response record's block, read from its first line by
    parse_http's rules (its first 256 bytes); None when it has no status line. After an
    interim response (``100 Continue`` before a ``304``), the final one's, as parse_http
    reads it (None past MAX_INTERIM)."""
    first = decode_text(block[:256].split(b"\n", 1)[0]).strip()
    code = _code(first.split(None, 2)) if is_status_line(first, response=True) else None
    if code is None or not 100 <= code < 200 or code == 101:
        return code
    try:
        return parse_http(block, response=True).status
    except ValueError:
        return None


def parse_http(block: bytes, response: bool = False) -> HttpMessage:
    """A request or response; `response` (the record says which) also reads other protocols'
    status lines. Interim responses (``100 Continue``, ``103 Early Hints``) a recorder kept
    before the final one, as the wire carried them, are passed over: the final one is the
    page (at most MAX_INTERIM of them, or ValueError; ``101 Switching Protocols`` is final)."""
    message = _parse_http(block, response)
    for _ in range(MAX_INTERIM):
        if not _interim(message, response):
            return message
        message = _parse_http(message.body.lstrip(b"\r\n"), response)
    if _interim(message, response):
        raise ValueError(f"more than {MAX_INTERIM} interim responses before the final one")
    return message


def _interim(message: HttpMessage, response: bool) -> bool:
    """An interim response with another status line after it (the next one, or the page)."""
    return (response and 100 <= message.status < 200 and message.status != 101
            and _STATUS_START.match(message.body) is not None)


MAX_INTERIM = 16
_STATUS_START = re.compile(rb"[\r\n]*HTTP/\d(?:\.\d)? \d{3}\b", re.IGNORECASE)  # as a status line


def _parse_http(block: bytes, response: bool) -> HttpMessage:
    end = HEAD_END.search(block, 0, MAX_HTTP_HEAD + 4)
    if (end.start() if end else len(block)) > MAX_HTTP_HEAD:  # (a head's lines held thrice)
        raise ValueError(f"HTTP head larger than {MAX_HTTP_HEAD} bytes: not read as a head")
    head = split_head(block)
    if head is None:  # headers only, no blank line (some revisits)
        lines, body = [ln.rstrip(b"\r") for ln in block.split(b"\n")], b""
    else:
        lines, nxt = head
        body = block[nxt:]
    if b"\r" in lines[0]:  # warcio reads it so too: the head as a status line, no fields
        raise ValueError(f"HTTP head with bare CR line ends (its first line runs on: "
                         f"{lines[0][:60]!r}): not read as a head")
    first = decode_text(lines[0]).strip()
    skipped: list[str] = []
    headers = parse_fields(lines[1:], skipped)
    head = b"\n".join(lines[1:])
    parts = first.split(None, 2)  # any run of blanks: servers send tabs and double spaces
    if not parts:
        raise ValueError("no HTTP request or status line")
    if is_status_line(first, response):
        code = _code(parts)
        if code is None:
            raise ValueError(f"bad HTTP status line {first[:60]!r}")
        reason = parts[2] if len(parts) > 2 else ""
        return HttpMessage(parts[0], code, reason, "", "", headers, body, head, len(skipped))
    method = parts[0]
    target = parts[1] if len(parts) > 1 else ""
    proto = parts[2] if len(parts) > 2 else ""
    return HttpMessage(proto, 0, "", method, target, headers, body, head, len(skipped))


def content_length(fields: list[tuple[str, str]] | WarcRecord) -> int | None:
    """The declared block length, or None when missing, not a number or negative."""
    raw = fields.get("Content-Length") if isinstance(fields, WarcRecord) else get_header(
        fields, "Content-Length"
    )
    cl = (raw or "").strip()
    return int(cl) if cl.isascii() and cl.isdigit() else None



# Records no reader places in time (none is listed or served as a capture): one without a
# WARC-Date is still read, as a POST's request pairs its answer by WARC-Concurrent-To and a
# warcinfo names its run (verify says the field is missing). Every other type needs the date.
_UNDATED_READ = frozenset(("request", "warcinfo", "continuation"))
NEED_TARGET = _NEED_TARGET  # (what a record's header must hold, as archive.records asks it)
UNDATED_READ = _UNDATED_READ


def check_record(rec: WarcRecord, *, need_date: bool = True) -> None:
    """Raise ValueError for fields every consumer needs: the WARC-Type (without it no reader
    can tell a capture from a request: each would drop it unsaid), the target URI, and the
    WARC-Date of a record that may be a capture (``need_date``: a date that is there is
    checked all the same; without ``need_date``, as repair reads, neither type nor date is
    asked of any record, nor a target URI's form: a record whole in its framing is no
    damage to cut out). A web exchange's target with no scheme is refused
    (:func:`unaskable_target`), as is one whose port is out of range."""
    if need_date and not rec.rec_type:
        raise ValueError("missing WARC-Type")
    if (rec.get("WARC-Date") or "").strip() or (need_date and rec.rec_type not in _UNDATED_READ):
        rec.date  # noqa: B018 - parses (and caches) the date, raising ValueError if bad
    if not rec.target_uri and rec.rec_type in _NEED_TARGET:
        raise ValueError(f"{rec.rec_type} record without WARC-Target-URI")
    if need_date and (reason := unaskable_target(rec)):
        raise ValueError(reason)
    if _MAY_BE_REFUSED.search(rec.target_uri):  # the shapes urlsplit refuses: a host with a
        # bracket never closed or never opened (``http://ex.com]/``, read as the host by
        # pywb's key and split by every reader of the host's URLs), one NFKC makes another
        try:
            urlsplit(rec.target_uri)
        except ValueError as exc:
            raise ValueError(f"invalid WARC-Target-URI {rec.target_uri[:80]!r}: {exc}") from exc


def unaskable_target(rec: WarcRecord) -> str | None:
    """Why the target of an HTTP exchange record is no page anyone can ask for: a URI with
    no scheme (``www.site.by/path``, ``/path``), or a port that is no number in 0-65535
    (``:99999``, ``:0x50``). Whether such a page was http or https, on which host or port,
    nothing says; so every reader skips the record as it skips one with no target (verify
    and index say so by file and offset, replay and re-extraction never serve it), where a
    SURT key that guessed would list a capture replay never answers. None for any other
    record (dns:, urn:, metadata:// URIs are other tools')."""
    uri = rec.target_uri
    if rec.rec_type not in _WEB_EXCHANGE or not uri:
        return None
    if not _HAS_SCHEME.match(uri):
        return f"WARC-Target-URI {uri[:80]!r} is not an absolute http(s) URL (no scheme)"
    try:
        parts = urlsplit(uri)
    except ValueError:  # a broken host: check_record's to say
        return None
    try:
        parts.port  # noqa: B018 - raises ValueError for a port out of range or no number
    except ValueError:
        return f"WARC-Target-URI {uri[:80]!r} names no port in 0-65535"
    return None

