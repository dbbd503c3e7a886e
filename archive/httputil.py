"""Small HTTP helpers: header normalisation for storage and chunked decoding for reading."""

from __future__ import annotations

import http
import re
import zlib
from collections.abc import Sequence

ORIG_CL_HEADER = "X-Archive-Orig-Content-Length"


def raw_fields(head: bytes) -> list[tuple[bytes, bytes]]:
    """The header fields of a header block (its lines after the status line) as the bytes
    sent, folded lines joined as the text reader joins them: what a live response's headers
    hold (Scrapy keeps bytes), where the text fields are decoded for reading (a ``Location``
    of non-UTF-8 bytes, or a block one header of which is Latin-1, reads otherwise)."""
    out: list[tuple[bytes, bytes]] = []
    for line in head.split(b"\n"):
        line = line.rstrip(b"\r")
        if not line:
            continue
        if line[:1] in (b" ", b"\t") and out:
            name, value = out[-1]
            out[-1] = (name, value + b" " + line.strip())
            continue
        name, colon, value = line.partition(b":")
        if colon:
            out.append((name.strip(), value.strip()))
    return out


def last_raw_header(fields: list[tuple[bytes, bytes]], name: str) -> bytes | None:
    """The last value of a header by case-insensitive name, as Scrapy's ``Headers.get``."""
    key = name.lower().encode("ascii")
    return next((v for k, v in reversed(fields) if k.lower() == key), None)


def get_header(headers: list[tuple[str, str]], name: str) -> str | None:
    low = name.lower()
    for k, v in headers:
        if k.lower() == low:
            return v
    return None


def content_type(headers: list[tuple[str, str]]) -> str | None:
    """The last Content-Type field: what Scrapy (so the crawl and replay) and browsers take
    when a server repeats it."""
    values = [v for k, v in headers if k.lower() == "content-type"]
    return values[-1] if values else None


def content_encoding(headers: list[tuple[str, str]]) -> str | None:
    """Every Content-Encoding field, in order, as one list: codings sent on two lines are
    both undone, as Scrapy undoes them."""
    values = [v for k, v in headers if k.lower() == "content-encoding"]
    return ", ".join(values) if values else None


def is_chunked(headers: list[tuple[str, str]]) -> bool:
    return any(k.lower() == "transfer-encoding" and "chunked" in v.lower() for k, v in headers)


PARTIAL_CONTENT = 206  # part of a page: the answer to a request with a Range
NON_AUTHORITATIVE = 203  # a transforming proxy's 200 (a CDN's minified or recoded page)
# The answers a page is read of (a later page of an article, a site row's home page, feed or
# zone-voting page, a feed version dated): the 2xx whose content is the target's
# representation, by RFC 9110 §15.3. A 200; a 203, "the enclosed content has been modified
# from that of the origin server's 200 (OK) response by a transforming proxy" (§15.3.4):
# the page, as the first page answered so is read (Scrapy's HttpErrorMiddleware passes any
# 2xx to the callback; reextract reads a 2xx); a 206 whose body is the whole page (no
# Content-Range, ``bytes 0-N/N+1``, ``bytes 0-N/*``: :func:`part_of_page` tells a part).
# Not the others: a 201's content describes the resource created (§15.3.2), a 202's the
# request's status (§15.3.3), a 204 and a 205 have none (§15.3.5, §15.3.6), a 207 is a
# WebDAV multistatus XML (RFC 4918 §11.1), a 208 a binding already listed (RFC 5842), a 226
# an instance-manipulation's result, a delta (RFC 3229 §10.4.1): no page of theirs.
PAGE_STATUSES = frozenset({200, NON_AUTHORITATIVE, PARTIAL_CONTENT})
# from the first byte: "bytes 0-N/T", also misspelled "bytes=0-N/T"; T may be "*" (unknown)
_FROM_START = re.compile(r"\s*bytes[\s=]\s*0-(\d+)/(\d+|\*)\s*$", re.IGNORECASE)


def part_of_page(status: int, content_ranges: str | Sequence[str] | None,
                 length: int | None = None, content_type: str | None = None) -> str | None:
    """What a 206 holding only part of its page holds (its Content-Range values, or that it
    names none); None for any other answer, and for a 206 that is the whole page: with no
    Content-Range (the server sent the page, Range or not), unless its body is
    multipart/byteranges (parts), or with each Content-Range from the first byte to the
    last (``bytes 0-N/N+1``, ``bytes 0-N/*``, misspelled ``bytes=0-N/T``) as long as the
    payload when ``length`` is given. One value saying part (a header repeated) makes it
    part, whichever copy a reader takes."""
    if status != PARTIAL_CONTENT:
        return None
    values = [content_ranges] if isinstance(content_ranges, str) else list(content_ranges or ())
    if not values:
        byteranges = (content_type or "").split(";")[0].strip().lower() == "multipart/byteranges"
        return range_said(None) if byteranges else None
    if all(_whole_range(value, length) for value in values):
        return None
    return range_said(", ".join(values))


def _whole_range(content_range: str, length: int | None) -> bool:
    """Whether one Content-Range value spans a whole body from its first byte (of
    ``length`` bytes, when given)."""
    found = _FROM_START.match(content_range)
    if not found:
        return False
    last = int(found[1])
    if found[2] != "*" and int(found[2]) != last + 1:
        return False
    return length in (None, last + 1)


def range_headers(headers: list[tuple[str, str]]) -> list[str]:
    """Every Content-Range value, in order."""
    return [v for k, v in headers if k.lower() == "content-range"]


def range_said(content_range: str | None) -> str:
    """A part's Content-Range as a log line names it."""
    return f"Content-Range {content_range.strip()[:80]!r}" if content_range \
        else "no Content-Range"


def standard_reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def normalize_response_headers(
    headers: list[tuple[str, str]], payload_len: int, bodiless: bool = False
) -> list[tuple[str, str]]:
    """Make the stored headers describe the stored body so replay tools serve it verbatim.

    The body is stored de-chunked, so Transfer-Encoding is dropped and Content-Length is
    set to the stored length. A Content-Length that disagrees with the stored body (server
    lied, or several values) is replaced too; the original value is kept in
    X-Archive-Orig-Content-Length for forensics. A response that never has a body (to a HEAD,
    a 1xx, 204 or 304: RFC 9110 §8.6) keeps its Content-Length as sent: it describes the
    resource, not a body to serve.
    """
    if bodiless and not payload_len:
        return list(headers)
    chunked = is_chunked(headers)
    cls = [v for k, v in headers if k.lower() == "content-length"]
    out: list[tuple[str, str]] = []
    cl_done = False
    for k, v in headers:
        low = k.lower()
        if low == "transfer-encoding":
            continue
        if low == "content-length":
            if cl_done:
                continue
            cl_done = True
            out.append((k, str(payload_len)))
            continue
        out.append((k, v))
    if cls:
        orig = ", ".join(c.strip() for c in cls)
        if orig != str(payload_len) and not chunked:
            out.append((ORIG_CL_HEADER, orig))
    elif chunked or payload_len:
        out.append(("Content-Length", str(payload_len)))
    return out


_HEX_DIGITS = re.compile(rb"[0-9A-Fa-f]+")  # HTTP's chunk-size: no sign, prefix or underscore


class PartialBody(ValueError):
    """A stored body that holds only part of the response, no WARC-Truncated saying so:
    served, a part would pass for the page. ``arrived`` is the part, as the index titles it."""

    def __init__(self, message: str, arrived: bytes) -> None:
        super().__init__(message)
        self.arrived = arrived


class BodyCutShort(PartialBody):
    """A body shorter than the Content-Length its head declares: the transfer stopped (a
    recorder keeping what came over a cut connection)."""

    def __init__(self, declared: int, arrived: bytes) -> None:
        super().__init__(f"body ends after {len(arrived)} of the {declared} bytes its "
                         "Content-Length declares: a transfer cut short", arrived)


class BrokenChunks(PartialBody):
    """A body that opens as chunked framing but does not hold it to its zero chunk: served
    as stored, its framing would be read as page text. ``arrived`` is what the valid chunks
    before the fault hold, dechunked."""


class ChunksCutShort(BrokenChunks):
    """A chunked body whose framing holds up to where the body ends, before its last (zero)
    chunk: the transfer stopped (wget and warcio record a cut connection so, with no
    WARC-Truncated). ``arrived`` is what came, dechunked, as warcio and pywb serve it."""

    def __init__(self, arrived: bytes) -> None:
        super().__init__(f"chunked body ends before its last chunk ({len(arrived)} bytes of "
                         "chunks arrived): a transfer cut short", arrived)


class ChunksDamaged(BrokenChunks):
    """A chunked body whose framing breaks after at least one whole chunk (a size line
    "6z" for "64", a chunk not ended by CRLF): no body stored already de-chunked opens so,
    so it is damage, not plain text under an old header."""

    def __init__(self, reason: str, at: int, arrived: bytes) -> None:
        super().__init__(f"{reason} at byte {at} of the body, after {len(arrived)} bytes of "
                         "valid chunks: chunked framing damaged", arrived)


def dechunk(body: bytes) -> bytes:
    """Remove chunked transfer framing; raises ValueError if the body is not valid chunking,
    ChunksCutShort (a ValueError) if it is, but stops before its last chunk, ChunksDamaged
    (a ValueError) if its framing breaks after a whole chunk.

    Cut short or damaged only once a whole chunk came, or when a first chunk longer than the
    body holds the start of a page (:func:`_opens_a_document`): a body stored already
    de-chunked under its old header may open with a line a size would read ("Added", "2026",
    "cafe"), and is kept as stored. A last chunk whose size line lost its line end
    ("…\r\n0") ended the body. Lines may end in a bare LF (a server's, or a recorder's rewrite): browsers read
    such chunks, and served as stored their size lines would be page text."""
    out = bytearray()
    pos = 0
    n = len(body)

    def refuse(reason: str, at: int) -> ValueError:
        """Plain refusal before the first whole chunk; damage after it."""
        return ChunksDamaged(reason, at, bytes(out)) if pos else ValueError(reason)

    while True:
        eol = body.find(b"\n", pos)  # CRLF, or a bare LF as browsers and curl take it
        if eol < 0:
            size_s = body[pos:].split(b";", 1)[0].strip()
            if pos and size_s and not size_s.strip(b"0"):
                return bytes(out)  # the zero chunk, its line end missing
            if pos and _HEX_DIGITS.fullmatch(size_s or b"0"):
                raise ChunksCutShort(bytes(out))  # the body ends at or in a size line
            raise refuse("chunk size line not terminated", pos)
        size_s = body[pos:eol].split(b";", 1)[0].strip()
        if not _HEX_DIGITS.fullmatch(size_s):  # int(, 16) takes "-6": a step back, for ever
            raise refuse(f"bad chunk size {size_s[:20]!r}", pos)
        size = int(size_s, 16)
        start = eol + 1
        if size == 0:
            return bytes(out)
        if start + size > n:
            if not pos and not _opens_a_document(body[start:]):
                raise ValueError("first chunk longer than the body")
            raise ChunksCutShort(bytes(out + body[start:]))
        end = start + size
        ending = 2 if body[end : end + 2] == b"\r\n" else 1 if body[end : end + 1] == b"\n" else 0
        if not ending:
            if end + 2 > n and b"\r\n".startswith(body[end:]):
                raise ChunksCutShort(bytes(out + body[start:end]))
            raise refuse("chunk not followed by CRLF", end)
        out += body[start:end]
        pos = end + ending


# What a page's body opens with: markup or JSON (after blanks and a BOM), or a gzip or zstd
# stream: no text stored already de-chunked opens with a size line before it
_DOCUMENT_START = re.compile(
    rb"[ \t\r\n]*(?:\xef\xbb\xbf[ \t\r\n]*)?[<{\[]|\x1f\x8b|\x28\xb5\x2f\xfd")


def _opens_a_document(data: bytes) -> bool:
    """Whether what follows a first chunk's size line opens a page (see _DOCUMENT_START): a
    first chunk longer than the body is then a transfer cut inside it, as warcio reads it
    (wget keeps a cut connection's chunks), not a plain text under an old chunked header."""
    return _DOCUMENT_START.match(data, 0, 4096) is not None


def declared_charset(text: str | bytes | None) -> str | None:
    """The name after ``charset=`` in a Content-Type value or a stretch of text, unchecked.

    A linear scan, not a regex: it runs over untrusted bodies.
    """
    if not text:
        return None
    low = (text.encode("latin-1", "replace") if isinstance(text, str) else text).lower()
    at = low.find(b"charset")
    while at >= 0:
        pos = at + 7
        while pos < len(low) and low[pos] in b" \t":
            pos += 1
        if low[pos:pos + 1] == b"=":
            pos += 1
            while pos < len(low) and low[pos] in b" \t\"'":
                pos += 1
            end = pos
            while end < len(low) and low[end] in _CHARSET_NAME_BYTES:
                end += 1
            if end > pos:
                return low[pos:end].decode("ascii")
        at = low.find(b"charset", at + 7)
    return None


_CHARSET_NAME_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_.:-")


def meta_charset_name(body: bytes, window: int = 8192) -> str | None:
    """The charset a ``<meta charset>`` or ``<meta http-equiv content="...charset=">`` in the
    first ``window`` bytes declares. Linear: the text is cut at every ``>`` and each piece is
    looked at once, from its last ``<meta``."""
    for piece in body[:window].lower().split(b">"):
        start = piece.rfind(b"<meta")
        if start >= 0:
            name = declared_charset(piece[start + 5:])
            if name:
                return name
    return None


def maybe_dechunk(headers: list[tuple[str, str]], body: bytes) -> bytes:
    """De-chunk when headers say chunked and the body really is chunked; else keep as stored.
    A body cut short or damaged in its chunks raises BrokenChunks (ChunksCutShort,
    ChunksDamaged): served as it is, its framing would be read as page text."""
    if not is_chunked(headers):
        return body
    try:
        return dechunk(body)
    except BrokenChunks:
        raise
    except ValueError:
        return body


def transfer_codings(headers: list[tuple[str, str]]) -> str | None:
    """The transfer codings other than chunked (``Transfer-Encoding: gzip, chunked``), in the
    order applied, as one list: framing of the hop, undone as chunked is, never served."""
    codings = [c.strip() for k, v in headers if k.lower() == "transfer-encoding"
               for c in v.split(",") if c.strip().lower() not in ("", "chunked", "identity")]
    return ", ".join(codings) if codings else None


def without_transfer_coding(headers: list[tuple[str, str]], body: bytes,
                            max_size: int | None = None, *, prefix: bool = False) -> bytes:
    """The body as its sender meant it: de-chunked (:func:`maybe_dechunk`), then any other
    transfer coding undone within ``max_size`` (ContentDecodingError past it or on a damaged
    stream); BodyCutShort for a body its Content-Length says is cut. warcio and pywb de-chunk
    only a field that says "chunked" alone, so they serve such a body as stored; the crawl
    reads what the page says. A body the tool stored already decoded is kept, as for
    Content-Encoding (:func:`encoding_not_applied`). ``prefix``: as :func:`decode_content`'s,
    the first ``max_size`` bytes of a longer body."""
    codings = transfer_codings(headers)
    if not is_chunked(headers) and codings is None:
        _check_length(headers, body)
        return body
    body = maybe_dechunk(headers, body)
    if codings is None or encoding_not_applied(body, codings):
        return body
    return decode_content(body, codings, max_size or DEFAULT_MAX_DECODED, prefix=prefix)


def _check_length(headers: list[tuple[str, str]], body: bytes) -> None:
    """BodyCutShort for a body shorter than its one declared Content-Length. Not for an empty
    body (a HEAD's, a 304's: the length is the resource's) nor a Content-Encoded one (a
    browser-based tool stores it decoded under the coded length; a cut stream fails to
    decode anyway); a length given two ways says nothing."""
    if not body or content_encoding(headers) is not None:
        return
    declared = {v.strip() for k, value in headers if k.lower() == "content-length"
                for v in value.split(",")}
    value = declared.pop() if len(declared) == 1 else ""
    if value.isascii() and value.isdigit() and int(value) > len(body):  # ("²": not to int)
        raise BodyCutShort(int(value), body)


class ContentDecodingError(ValueError):
    """A stored body whose Content-Encoding cannot be undone (damaged, unknown, or too big)."""


class ContentTooLargeError(ContentDecodingError):
    """A body whose decoded size passes the cap (a decompression bomb, or just too big)."""


DEFAULT_MAX_DECODED = 64 * 1024 * 1024
MAX_STACKED_CODINGS = 4  # "gzip, gzip, gzip, ..." beyond this is an attack, not a server
_STEP = 64 * 1024  # input and output are handled in steps of this size: memory stays bounded


class _SinkFull(Exception):
    """A prefix sink holds its ``max_size`` bytes: decoding stops there (no error)."""


class _Sink:
    """Collects decoded output and refuses it past the cap, before it is held in memory;
    with ``prefix``, keeps the first ``max_size`` bytes and stops the decoder instead."""

    def __init__(self, coding: str, max_size: int, keep: bool = True, prefix: bool = False
                 ) -> None:
        self.coding, self.max_size, self.out = coding, max_size, bytearray()
        self.keep, self.size = keep, 0  # keep=False: counted, not held (a check's last stage)
        self.prefix = prefix

    def add(self, piece: bytes, progress: bool = True) -> None:
        """Take ``piece``; ``progress=False`` says no input was consumed for it, so an empty
        piece means the stream stopped short of its end."""
        if not piece and not progress:
            raise ContentDecodingError(f"truncated {self.coding} body")
        if self.size + len(piece) > self.max_size:
            if self.prefix:
                self.out += piece[:self.max_size - self.size]
                self.size = self.max_size
                raise _SinkFull
            raise ContentTooLargeError(
                f"{self.coding} body expands beyond {self.max_size} bytes")
        self.size += len(piece)
        if self.keep:
            self.out += piece


def _inflate(body: bytes, coding: str, sink: _Sink) -> None:
    """gzip (every member) or deflate, zlib-wrapped or raw as some servers send it."""
    if coding != "deflate":
        _zlib_stream(body, zlib.MAX_WBITS | 16, coding, sink)
        return
    try:
        _zlib_stream(body, zlib.MAX_WBITS, coding, sink)
    except ContentTooLargeError:
        raise  # (its first step over the cap: no raw deflate to try, as sink.size says)
    except ContentDecodingError:
        if sink.size:
            raise
        _zlib_stream(body, -zlib.MAX_WBITS, coding, sink)


def _zlib_stream(body: bytes, wbits: int, coding: str, sink: _Sink) -> None:
    """Inflate ``body`` (a gzip body may hold many members, one after another), reading it by
    position: never a copy of what is left, which made many small members quadratic."""
    decoder = zlib.decompressobj(wbits)
    view = memoryview(body)
    pos = 0
    while True:
        chunk = view[pos:pos + _STEP]
        try:
            piece = decoder.decompress(chunk, _STEP)
        except zlib.error as exc:
            raise ContentDecodingError(f"damaged {coding} body: {exc}") from None
        sink.add(piece)
        if decoder.eof:
            # what came after the stream's end is in unused_data (zlib may list it in
            # unconsumed_tail too, after an output-limited call: counted once, here)
            pos += len(chunk) - len(decoder.unused_data)
            if wbits > zlib.MAX_WBITS and body.startswith(b"\x1f\x8b", pos):  # next member
                decoder = zlib.decompressobj(wbits)
                continue
            return  # bytes after the stream are ignored, as browsers do
        consumed = len(chunk) - len(decoder.unconsumed_tail)
        pos += consumed
        if not piece and not consumed:  # input used up, stream not ended
            raise ContentDecodingError(f"truncated {coding} body")


def _unbrotli(body: bytes, sink: _Sink) -> None:
    import brotli

    decoder = brotli.Decompressor()
    pos = 0
    try:
        while not decoder.is_finished():
            chunk = b""
            if decoder.can_accept_more_data() and pos < len(body):
                chunk, pos = body[pos:pos + _STEP], pos + _STEP
            sink.add(decoder.process(chunk, output_buffer_limit=_STEP), progress=bool(chunk))
    except brotli.error as exc:
        raise ContentDecodingError(f"damaged br body: {exc}") from None


def _unzstd(body: bytes, sink: _Sink) -> None:
    """Every zstd frame of ``body`` in turn, read by position (as :func:`_zlib_stream`)."""
    try:
        from compression import zstd  # type: ignore[import-not-found]  # Python 3.14+
    except ImportError:
        from backports import zstd
    view = memoryview(body)
    pos = 0
    while pos < len(body):
        decoder, start = zstd.ZstdDecompressor(), pos
        stalled = False  # no input given and no output: give input next, whatever needs_input
        try:
            while not decoder.eof:
                fed = decoder.needs_input or stalled
                chunk = view[pos:pos + _STEP] if fed else b""
                pos += len(chunk)
                piece = decoder.decompress(chunk, max_length=_STEP)
                if not piece and not chunk:
                    if fed:  # input used up, frame not ended
                        raise ContentDecodingError("truncated zstd body")
                    stalled = True
                    continue
                stalled = False
                sink.add(piece)
        except zstd.ZstdError as exc:
            raise ContentDecodingError(f"damaged zstd body: {exc}") from None
        pos -= len(decoder.unused_data)
        if pos <= start:  # a frame that took no bytes: never here, but the loop must advance
            raise ContentDecodingError("damaged zstd body: a frame of no bytes")


_KNOWN_CODINGS = frozenset(("gzip", "x-gzip", "deflate", "br", "zstd"))


def known_codings(encoding: str | None) -> list[str]:
    """The codings of a Content-Encoding value a reader undoes: not ``identity``, nor a
    coding no reader knows (a server's mislabel, ``utf-8``, over a plain page)."""
    return [c for c in (c.strip().lower() for c in (encoding or "").split(","))
            if c in _KNOWN_CODINGS]
_PROBE = 1024  # bytes enough to tell a compressed stream's start from plain content
_MAGIC = {"gzip": b"\x1f\x8b", "x-gzip": b"\x1f\x8b", "zstd": b"\x28\xb5\x2f\xfd"}


def _zstd_skippable(body: bytes) -> bool:
    """A zstd skippable frame first (magic 0x184D2A50-0x184D2A5F, little-endian): a valid
    zstd body, which the frame magic alone would call not encoded."""
    return len(body) >= 4 and 0x50 <= body[0] <= 0x5F and body[1:4] == b"\x2a\x4d\x18"


# markup or JSON (after blanks and a BOM): what no compressed stream opens with
_TEXT_START = re.compile(rb"[ \t\r\n]*(?:\xef\xbb\xbf[ \t\r\n]*)?[<{\[]")


def _starts_encoded(body: bytes, coding: str) -> bool:
    """Whether ``body`` opens as a ``coding`` stream. An unknown coding is assumed so unless
    the body opens as markup or JSON: a server's mislabel (``Content-Encoding: utf-8``,
    ``none``) over a plain page, which the live crawl's Scrapy (and a browser) reads as it
    is; ``compress`` (LZW, 1f 9d) or any other coded stream stays undecodable."""
    if coding not in _KNOWN_CODINGS:
        return _TEXT_START.match(body, 0, 4096) is None
    if coding == "zstd" and _zstd_skippable(body):
        return True
    if coding in _MAGIC:
        return body.startswith(_MAGIC[coding])
    probe = body[:_PROBE]
    try:
        if coding == "deflate":
            for wbits in (zlib.MAX_WBITS, -zlib.MAX_WBITS):
                try:
                    zlib.decompressobj(wbits).decompress(probe, 1)
                    return True
                except zlib.error:
                    continue
            return False
        if coding == "br":
            import brotli

            brotli.Decompressor().process(probe, output_buffer_limit=_PROBE)  # a bomb's 1 KB
    except Exception:  # noqa: BLE001 - brotli.error and any decoder complaint: not encoded
        return False
    return True


def encoding_not_applied(body: bytes, encoding: str | None) -> bool:
    """A body stored already decoded under the Content-Encoding the server sent.

    Browser-based capture tools (ArchiveWeb.page, some Browsertrix versions) save the body
    the browser decoded and keep the header; warcio and pywb then serve it as it is, since
    decoding fails at its first byte. True when the outermost coding's stream does not even
    start: such a body is read as identity. A stream damaged further on stays an error.
    """
    codings = [c.strip().lower() for c in (encoding or "").split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    return bool(body and codings) and not _starts_encoded(body, codings[-1])


def decode_content(body: bytes, encoding: str | None,
                   max_size: int = DEFAULT_MAX_DECODED, *, keep: bool = True,
                   prefix: bool = False, cut: bool = False) -> bytes:
    """Undo Content-Encoding (gzip, deflate, br, zstd; stacked codings last-first).

    Every coding is decoded in steps and refused with ContentDecodingError as soon as its
    output passes ``max_size``, so a decompression bomb costs at most that much memory. A
    truncated gzip stream is an error, as in the live crawl
    (crawler.downloadermiddlewares.integrity).

    ``keep=False`` only checks: the last coding's output is counted, not held, and b"" is
    returned (:func:`content_problem`). ``prefix=True`` returns the first ``max_size`` bytes
    of a longer body instead of refusing it (a title is read from a page's start; a coding
    stacked under the last is still refused past ``max_size``).

    ``cut=True`` reads a stream cut short (a head part's, :func:`decode_part`) as far as it
    decodes: what came out before the cut or the damage, never past ``max_size``.
    """
    codings = [c.strip().lower() for c in (encoding or "").split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    if len(codings) > MAX_STACKED_CODINGS:
        raise ContentDecodingError(f"{len(codings)} stacked Content-Encodings")
    for n, coding in enumerate(reversed(codings), 1):
        if coding not in _KNOWN_CODINGS and not _starts_encoded(body, coding):
            break  # a mislabel under a coding undone (``utf-8, gzip``): the page, as Scrapy reads it
        sink = _Sink(coding, max_size, keep or n < len(codings), prefix and n == len(codings))
        try:
            if coding in ("gzip", "x-gzip", "deflate"):
                _inflate(body, coding, sink)
            elif coding == "br":
                _unbrotli(body, sink)
            elif coding == "zstd":
                _unzstd(body, sink)
            else:
                raise ContentDecodingError(f"unsupported Content-Encoding {coding!r}")
        except _SinkFull:
            pass  # (prefix: the first max_size bytes are what was asked for)
        except ContentTooLargeError:
            raise
        except ContentDecodingError:
            if not cut or coding not in _KNOWN_CODINGS:
                raise  # (cut: what the stream gave before it stopped is in the sink)
        body = bytes(sink.out)
    return body


_HEAD_RANGE = re.compile(r"\s*bytes[\s=]\s*0-", re.IGNORECASE)


def decode_part(body: bytes, encoding: str | None, content_range: str | None,
                max_size: int = DEFAULT_MAX_DECODED) -> bytes:
    """What a 206 holding part of a coded page reads as (a range is of the coded stream,
    RFC 9110 §14.1). Its head (``content_range`` from the first byte) is the stream cut by
    the range: what it decodes to before the cut, as Scrapy's gunzip gives a cut stream and
    a browser shows it (a head so short that it decodes to nothing gives b""); any other
    part starts mid-stream, where no decoder can start (bytes that happen to look like a
    deflate or brotli start decode to noise): given as it came, as replay serves it. Capped:
    ContentTooLargeError past ``max_size``, as :func:`content_problem` refuses a part."""
    if not body or not encoding or encoding_not_applied(body, encoding):
        return body
    if not _HEAD_RANGE.match(content_range or ""):
        return body
    return decode_content(body, encoding, max_size, cut=True)


def content_problem(body: bytes, encoding: str | None,
                    max_size: int = DEFAULT_MAX_DECODED, *,
                    part: bool = False) -> ContentDecodingError | None:
    """Why a stored ``body`` cannot be undone of its Content-Encoding ``encoding`` within
    ``max_size`` bytes (damaged, cut, an unknown coding, too big), or None: it decodes, has
    no coding, is empty (a HEAD's, a redirect's: nothing to decode), or was stored already
    decoded by a browser-based tool (:func:`encoding_not_applied`, read as it is). Decoded
    to check only: the output is counted, not held. A ``part`` (a 206 holding part of its
    page, :func:`part_of_page`) is a range of the coded stream (RFC 9110 §14.1: ranges are of
    the representation, coding and all), cut by its range or starting mid-stream: it has a
    problem only when its decoding passes ``max_size``, so its readers say it as a part, not
    as a body that does not decode."""
    if not body or not encoding or encoding_not_applied(body, encoding):
        return None
    try:
        decode_content(body, encoding, max_size, keep=False)
    except ContentTooLargeError as exc:
        return exc
    except ContentDecodingError as exc:
        return None if part else exc
    return None
