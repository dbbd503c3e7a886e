"""ARC v1 files built in the tests: plain (``.arc``) or one gzip member per record
(``.arc.gz``), as Heritrix 1 and the Internet Archive's crawlers wrote them."""

from __future__ import annotations

import gzip
from pathlib import Path

VERSION_BLOCK = b"1 0 Test Crawl\nURL IP-address Archive-date Content-type Archive-length\n"


def http_response(body: bytes, status: str = "200 OK",
                  headers: tuple[tuple[str, str], ...] = (("Content-Type", "text/html"),)) -> bytes:
    """An HTTP response as a crawler stored it: status line, headers, body."""
    head = "".join(f"{k}: {v}\r\n" for k, v in headers)
    return f"HTTP/1.1 {status}\r\n{head}Content-Length: {len(body)}\r\n\r\n".encode() + body


def arc_record(url: str, block: bytes, date: str = "20010203040506",
               mime: str = "text/html", ip: str = "192.0.2.1",
               length: int | None = None) -> bytes:
    """One ARC v1 record: header line, block, closing newline (``length``: a damaged one)."""
    size = len(block) if length is None else length
    return f"{url} {ip} {date} {mime} {size}\n".encode() + block + b"\n"


def filedesc(name: str) -> bytes:
    return arc_record(f"filedesc://{name}", VERSION_BLOCK, mime="text/plain", ip="0.0.0.0")


def write_arc(path: Path, records: list[bytes], *, gz: bool = False) -> list[int]:
    """Write the filedesc record and ``records`` (each its own gzip member with ``gz``);
    the offset of each record in ``records``."""
    offsets, out = [], bytearray()
    for n, record in enumerate([filedesc(path.name), *records]):
        if n:
            offsets.append(len(out))
        out += gzip.compress(record, mtime=0) if gz else record
    path.write_bytes(bytes(out))
    return offsets


def arc_of_fetched(path: Path, fetched: list, *, gz: bool = False) -> list[int]:
    """An ARC file of exchanges (tests.support.foreign_warcs.Fetched), each response stored as
    it was sent (status line, headers, body), at its fetch date."""
    records = []
    for f in fetched:
        head = "".join(f"{k}: {v}\r\n" for k, v in f.headers)
        block = f"HTTP/1.1 {f.status} {f.reason}\r\n{head}\r\n".encode() + f.body
        ctype = next((v for k, v in f.headers if k.lower() == "content-type"), "unk")
        records.append(arc_record(f.url, block, date=f.date.strftime("%Y%m%d%H%M%S"),
                                  mime=ctype.split(";")[0].strip() or "unk", ip="127.0.0.1"))
    return write_arc(path, records, gz=gz)
