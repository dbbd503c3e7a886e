"""Build raw WARC bytes by hand, so tests can write the shapes (and damage) other tools make."""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import uuid
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord


def sha1_b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def http_response(body: bytes, status: str = "200 OK", ctype: str = "text/html",
                  content_range: str | None = "") -> bytes:
    """An HTTP response's bytes; a 206 carries the Content-Range of a part (bytes from the
    second on, of a larger whole), as a server answering a range request sends it (a 206
    with none is a server sending the whole page: ``httputil.part_of_page``).
    ``content_range``: that Content-Range instead (``bytes 0-N/*``), or None for none."""
    if content_range == "" and status.startswith("206"):
        content_range = f"bytes 1-{len(body)}/{len(body) + 1}"
    part = f"Content-Range: {content_range}\r\n" if content_range else ""
    head = (f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\n{part}"
            f"Content-Length: {len(body)}\r\n\r\n")
    return head.encode() + body


def http_request(url: str) -> bytes:
    rest = "/" + url.split("/", 3)[3] if url.count("/") >= 3 else "/"
    host = url.split("/")[2]
    return f"GET {rest} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: test\r\n\r\n".encode()


def record(
    rec_type: str,
    url: str | None,
    block: bytes,
    *,
    version: str = "WARC/1.1",
    date: str = "2026-01-02T03:04:05Z",
    ctype: str | None = None,
    rec_id: str | None = None,
    extra: list[tuple[str, str]] | None = None,
    length: str | None = None,
    digests: bool = True,
) -> bytes:
    """One uncompressed record: header, block, CRLF CRLF. `length` overrides Content-Length."""
    if ctype is None and rec_type in ("response", "revisit"):
        ctype = "application/http; msgtype=response"
    if ctype is None and rec_type == "request":
        ctype = "application/http; msgtype=request"
    fields = [
        ("WARC-Type", rec_type),
        ("WARC-Record-ID", rec_id or f"<urn:uuid:{uuid.uuid4()}>"),
        ("WARC-Date", date),
    ]
    if url is not None:
        fields.append(("WARC-Target-URI", url))
    if digests:
        fields.append(("WARC-Block-Digest", sha1_b32(block)))
        if rec_type == "response" and b"\r\n\r\n" in block:
            fields.append(("WARC-Payload-Digest", sha1_b32(block.split(b"\r\n\r\n", 1)[1])))
    if ctype:
        fields.append(("Content-Type", ctype))
    fields += extra or []
    fields.append(("Content-Length", str(len(block)) if length is None else length))
    head = version + "\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields) + "\r\n"
    return head.encode("utf-8") + block + b"\r\n\r\n"


def response(url: str, body: bytes, **kw) -> bytes:
    return record("response", url, http_response(body), **kw)


def gz(data: bytes) -> bytes:
    """One gzip member (per-record compression, as WARC writers do)."""
    return gzip.compress(data, mtime=0)


def gz_each(records: list[bytes]) -> bytes:
    return b"".join(gz(r) for r in records)


def bomb_member(header_len_field: int, inflated: int) -> bytes:
    """A gzip member whose record block is `inflated` zero bytes (compresses ~1000:1)."""
    head = (
        "WARC/1.1\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:bomb>\r\n"
        "WARC-Date: 2026-01-02T03:04:05Z\r\nWARC-Target-URI: http://bomb.example/\r\n"
        f"Content-Type: application/octet-stream\r\nContent-Length: {header_len_field}\r\n\r\n"
    ).encode()
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    parts = [packer.compress(head)]
    zeros = bytes(1 << 20)
    left = inflated
    while left > 0:
        n = min(left, len(zeros))
        parts.append(packer.compress(zeros[:n]))
        left -= n
    parts.append(packer.compress(b"\r\n\r\n"))
    parts.append(packer.flush())
    return b"".join(parts)


def warcio_warc(path: Path, captures: list[tuple[str, bytes, str | None]]) -> list[int]:
    """A .warc.gz written by warcio itself (a real writer, not bytes by hand): each capture is
    (URL, HTTP block as sent: status line, head, body; WARC-Date, or None to leave the field
    out). The offset of each record, in order."""
    from warcio.warcwriter import WARCWriter

    offsets = []
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, block, date in captures:
            rec = writer.create_warc_record(
                url, "response", payload=io.BytesIO(block),
                warc_content_type="application/http; msgtype=response",
                warc_headers_dict={"WARC-Date": date or "2026-01-01T00:00:00Z"})
            if date is None:
                rec.rec_headers.remove_header("WARC-Date")
            offsets.append(fh.tell())
            writer.write_record(rec)
    return offsets


def archived_records(folder: Path, **options: Any) -> Iterator[ArcWarcRecord]:
    """Every record of every ``*.warc.gz`` in ``folder``, files in name order, read by warcio
    with ``options``; a record is readable only until the next one is asked for."""
    for path in sorted(folder.glob("*.warc.gz")):
        with path.open("rb") as stream:
            yield from ArchiveIterator(stream, **options)
