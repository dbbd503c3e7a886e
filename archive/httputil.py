"""Small HTTP helpers: header normalisation for storage and chunked decoding for reading."""

from __future__ import annotations

import http

ORIG_CL_HEADER = "X-Archive-Orig-Content-Length"


def get_header(headers: list[tuple[str, str]], name: str) -> str | None:
    low = name.lower()
    for k, v in headers:
        if k.lower() == low:
            return v
    return None


def is_chunked(headers: list[tuple[str, str]]) -> bool:
    return any(k.lower() == "transfer-encoding" and "chunked" in v.lower() for k, v in headers)


def standard_reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def normalize_response_headers(
    headers: list[tuple[str, str]], payload_len: int
) -> list[tuple[str, str]]:
    """Make the stored headers describe the stored body so replay tools serve it verbatim.

    The body is stored de-chunked, so Transfer-Encoding is dropped and Content-Length is
    set to the stored length. A Content-Length that disagrees with the stored body (server
    lied, or several values) is replaced too; the original value is kept in
    X-Archive-Orig-Content-Length for forensics.
    """
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


def dechunk(body: bytes) -> bytes:
    """Remove chunked transfer framing; raises ValueError if the body is not valid chunking."""
    out = bytearray()
    pos = 0
    n = len(body)
    while True:
        eol = body.find(b"\r\n", pos)
        if eol < 0:
            raise ValueError("chunk size line not terminated")
        size_s = body[pos:eol].split(b";", 1)[0].strip()
        try:
            size = int(size_s, 16)
        except ValueError as exc:
            raise ValueError(f"bad chunk size {size_s[:20]!r}") from exc
        pos = eol + 2
        if size == 0:
            return bytes(out)
        if pos + size > n:
            raise ValueError("chunk longer than body")
        out += body[pos : pos + size]
        pos += size
        if body[pos : pos + 2] != b"\r\n":
            raise ValueError("chunk not followed by CRLF")
        pos += 2


def maybe_dechunk(headers: list[tuple[str, str]], body: bytes) -> bytes:
    """De-chunk when headers say chunked and the body really is chunked; else keep as stored."""
    if not is_chunked(headers):
        return body
    try:
        return dechunk(body)
    except ValueError:
        return body


class ContentDecodingError(ValueError):
    """A stored body whose Content-Encoding cannot be undone (damaged, unknown, or too big)."""


def decode_content(body: bytes, encoding: str | None, max_size: int = 64 * 1024 * 1024) -> bytes:
    """Undo Content-Encoding (gzip, deflate, br, zstd; stacked codings last-first).

    Output is capped at ``max_size`` so a decompression bomb in an archive costs bounded memory.
    """
    import zlib

    codings = [c.strip().lower() for c in (encoding or "").split(",") if c.strip()]
    for coding in reversed(codings):
        if coding in ("identity", ""):
            continue
        if coding in ("gzip", "x-gzip", "deflate"):
            wbits = 16 + zlib.MAX_WBITS if coding != "deflate" else zlib.MAX_WBITS
            try:
                decoder = zlib.decompressobj(wbits)
                out = decoder.decompress(body, max_size + 1)
                if coding == "deflate" and not out and body:
                    raise zlib.error("empty")
            except zlib.error:
                if coding != "deflate":
                    raise ContentDecodingError(f"damaged {coding} body") from None
                decoder = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate, as some servers send
                try:
                    out = decoder.decompress(body, max_size + 1)
                except zlib.error:
                    raise ContentDecodingError("damaged deflate body") from None
            if len(out) > max_size:
                raise ContentDecodingError(f"{coding} body expands beyond {max_size} bytes")
            if coding != "deflate" and not decoder.eof:
                raise ContentDecodingError(f"truncated {coding} body")
            body = out
        elif coding == "br":
            import brotli

            try:
                decoder = brotli.Decompressor()
                out = decoder.process(body)
            except brotli.error:
                raise ContentDecodingError("damaged br body") from None
            if len(out) > max_size:
                raise ContentDecodingError(f"br body expands beyond {max_size} bytes")
            body = out
        else:
            raise ContentDecodingError(f"unsupported Content-Encoding {coding!r}")
    return body
