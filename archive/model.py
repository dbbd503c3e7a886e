"""Plain data types shared by the crawler and the archive tools (no Scrapy here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .httputil import (
    content_encoding,
    content_type,
    get_header,
    part_of_page,
    range_headers,
    range_said,
    raw_fields,
)

# The WARC field marking the records of a soft-removal probe (a request for a URL that names
# no page): a replay offers as probes these captures only, never a page of the same shape.
PROBE_FIELD = "WARC-Removal-Probe"
# The warcinfo field naming the run (one WarcWriter) a file's records were captured in: a
# replay takes the probes of the run it replays, not those of every run the archive holds.
RUN_FIELD = "run-id"
# The warcinfo field naming the spider that wrote a file: one folder may hold the runs of
# several spiders on one host (``site`` given belta.by, and ``belta``); a replay by a spider
# takes the probes of that spider's runs.
SPIDER_FIELD = "spider"
# The run of files whose warcinfo names none: written before probes were marked (the capture
# has named its run ever since it marks them, so a missing run-id says the file's probes are
# unmarked, where a file holding no mark may be one of a run that asked no probe), or by
# another tool. One run for all of them, as replays of them never told their runs apart.
UNMARKED = ""


@dataclass
class HttpExchange:
    """One HTTP request/response as the crawler saw it; the writer's only input."""

    url: str
    method: str
    request_target: str
    request_headers: list[tuple[str, str]]
    request_body: bytes
    http_version: str
    status: int
    reason: str
    response_headers: list[tuple[str, str]]
    payload: bytes
    ip_address: str | None
    date: datetime
    # WARC-Truncated reason when the payload is only what arrived before the transfer
    # stopped ("disconnect", "time", "length", "unspecified"); None for a whole response
    truncated: str | None = None
    # the status line as received ("HTTP/1.1 200", phrase and all); None: made of
    # http_version, status and reason (the standard phrase when reason is "")
    status_line: str | None = None
    # the request line as sent ("GET /a?b HTTP/1.1"); None: made of method, request_target
    # and http_version
    request_line: str | None = None
    # a soft-removal probe's exchange: its records carry PROBE_FIELD
    probe: bool = False


@dataclass(frozen=True)
class RecordRef:
    """Where a record lives, so an article item can point back at its source bytes.

    ``file`` is the file's base name, as items show it; two inputs may share one (a/x.warc.gz
    and b/x.warc.gz, two WACZ packages each with archive/data.warc.gz). ``path`` is the file
    exactly as the reader named it (a path, or a WACZ member's location ``PKG.wacz#NAME``),
    what the index's files are matched by; "" for a record written here. Not in
    :meth:`as_dict`, nor compared."""

    file: str
    offset: int
    length: int
    record_id: str
    path: str = field(default="", compare=False)

    @property
    def where(self) -> str:
        """The file as a log line names it: as read, else the record's base name."""
        return self.path or self.file

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "offset": self.offset,
            "length": self.length,
            "record_id": self.record_id,
        }


@dataclass
class ArchivedResponse:
    """A response read back from a WARC, for replay and re-extraction."""

    url: str
    status: int
    reason: str
    http_version: str
    headers: list[tuple[str, str]]
    payload: bytes
    date: datetime
    ref: RecordRef
    head: bytes = b""  # the header lines as sent; empty: ``headers`` are all there is
    # why ``payload`` is only part of the response, served as stored all the same (a body
    # ending before its Content-Length: httputil.BodyCutShort); None for a whole one
    partial: str | None = None

    def raw_headers(self) -> list[tuple[bytes, bytes]]:
        """The header fields as the bytes sent (a live response's, as Scrapy holds them):
        ``headers`` decode a block with one byte not UTF-8 all as Latin-1."""
        if self.head:
            return raw_fields(self.head)
        return [(k.encode("utf-8"), v.encode("utf-8")) for k, v in self.headers]

    def header(self, name: str, default: str | None = None) -> str | None:
        """First header value by case-insensitive name."""
        found = get_header(self.headers, name)
        return default if found is None else found

    def content_type(self) -> str | None:
        return content_type(self.headers)

    def content_encoding(self) -> str | None:
        return content_encoding(self.headers)

    def part(self) -> str | None:
        """What this response holds when it is only part of its page (its Content-Range, or
        that it names none): a 206, unless its Content-Range is the whole body, as long as the
        payload (:func:`archive.httputil.part_of_page`); None for any other response."""
        return part_of_page(self.status, range_headers(self.headers), len(self.payload),
                            self.content_type())

    def part_said(self) -> str:
        """A 206 part as a log line names it: its Content-Range, capture time and record."""
        return (f"{range_said(self.header('Content-Range'))}, captured "
                f"{self.date:%Y-%m-%d %H:%M:%S}; {self.ref.where} at offset {self.ref.offset}")
