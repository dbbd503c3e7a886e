"""Checks that a body arrived whole where HTTP itself cannot tell.

Scrapy's gunzip returns whatever a cut-off gzip stream yields ("as much data as possible"), so a
truncated compressed body would silently become a partial article. A complete stream ends with
its end-of-stream marker; this looks for it without keeping the decompressed output.
"""

from __future__ import annotations

import zlib

from scrapy.http import Response

from archive.httputil import (
    DEFAULT_MAX_DECODED,
    ContentDecodingError,
    ContentTooLargeError,
    content_problem,
    decode_part,
    encoding_not_applied,
)

_CHUNK = 64 * 1024


def stream_complete(data: bytes, encoding: str, max_output: int = 0) -> bool:
    """Whether a gzip/deflate body ends properly (True once ``max_output`` bytes were produced:
    a body that large is refused by DOWNLOAD_MAXSIZE anyway, so it is not inflated further)."""
    wbits = {"gzip": 31, "x-gzip": 31, "deflate": 15}[encoding]
    decomp = zlib.decompressobj(wbits)
    produced = 0
    try:
        pending = data
        while pending and not decomp.eof:
            produced += len(decomp.decompress(pending, _CHUNK))
            pending = decomp.unconsumed_tail
            if max_output and produced > max_output:
                return True
    except zlib.error:
        if encoding == "deflate":  # some servers send raw deflate without the zlib header
            return _raw_deflate_complete(data)
        return False
    return decomp.eof


def _raw_deflate_complete(data: bytes) -> bool:
    decomp = zlib.decompressobj(-15)
    try:
        pending = data
        while pending and not decomp.eof:
            decomp.decompress(pending, _CHUNK)
            pending = decomp.unconsumed_tail
    except zlib.error:
        return False
    return decomp.eof


def truncated_encoding(response: Response, max_output: int = 0) -> str | None:
    """The content coding whose stream is cut short in ``response``, or None when it is whole."""
    codings = [c.strip().lower() for value in response.headers.getlist("Content-Encoding")
               for c in value.decode("latin-1").split(",") if c.strip()]
    if len(codings) != 1 or codings[0] not in ("gzip", "x-gzip", "deflate") or not response.body:
        return None
    return None if stream_complete(response.body, codings[0], max_output) else codings[0]


def part_as_sent(response: Response, max_size: int = 0) -> Response:
    """A 206 holding part of its page, handed on so that it reaches its reader as a part,
    as replay and reextract read the same capture. A range of a coded stream (RFC 9110
    §14.1) that the project's decoder cannot decode whole (``content_problem``: cut by its
    range, or starting mid-stream) is handed on decoded as a part reads
    (``archive.httputil.decode_part``: a head's readable start, capped at ``max_size`` or
    64 MB; a middle or tail as it came) with its Content-Encoding dropped, where
    HttpCompressionMiddleware failed it (a head decoding to nothing: EOFError; a middle
    whose bytes look like a deflate or brotli start: zlib.error). One that decodes whole, or
    only past the cap (Scrapy's DOWNLOAD_MAXSIZE refuses it), is left to Scrapy. Its
    extraction refuses it as ``partial_content``, naming its Content-Range."""
    codings = b", ".join(response.headers.getlist("Content-Encoding")).decode("latin-1")
    if not codings:
        return response
    cap = max_size or DEFAULT_MAX_DECODED
    if not encoding_not_applied(response.body, codings):
        problem = content_problem(response.body, codings, cap)
        if problem is None or isinstance(problem, ContentTooLargeError):
            return response
    ranges = b", ".join(response.headers.getlist("Content-Range")).decode("latin-1")
    try:
        body = decode_part(response.body, codings, ranges, cap)
    except ContentDecodingError:  # (past the cap: content_problem said so above)
        return response
    headers = response.headers.copy()
    del headers["Content-Encoding"]
    return response.replace(headers=headers, body=body)
