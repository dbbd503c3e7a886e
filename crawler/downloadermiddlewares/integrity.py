"""Checks that a body arrived whole where HTTP itself cannot tell.

Scrapy's gunzip returns whatever a cut-off gzip stream yields ("as much data as possible"), so a
truncated compressed body would silently become a partial article. A complete stream ends with
its end-of-stream marker; this looks for it without keeping the decompressed output.
"""

from __future__ import annotations

import zlib

from scrapy.http import Response

from archive.httputil import encoding_not_applied

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


def part_as_sent(response: Response) -> Response:
    """A 206 holding part of its page, handed on so that it reaches its reader as a part:
    a range of a coded stream is cut by its range (Scrapy's gunzip gives what its head
    holds), or starts mid-stream, where no coding starts; that one's Content-Encoding is
    dropped, as replay serves such a body (``encoding_not_applied``), where
    HttpCompressionMiddleware failed the request. Its extraction refuses it as
    ``partial_content``, naming its Content-Range."""
    codings = b", ".join(response.headers.getlist("Content-Encoding")).decode("latin-1")
    if not codings or not encoding_not_applied(response.body, codings):
        return response
    headers = response.headers.copy()
    del headers["Content-Encoding"]
    return response.replace(headers=headers)
