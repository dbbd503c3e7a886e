"""WACZ 1.1.1 packaging: WARCs, CDXJ index, pages list and a hashed datapackage."""

from __future__ import annotations

import hashlib
import html
import json
import tempfile
import time
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from .cdxj import RUN_BYTES, RUN_LINES, IndexLines, cdxj_line
from .errors import ErrorHandler, WarcFormatError, report
from .export_txt import load_items
from .fileio import replace_durably, temp_for
from .httputil import (
    ContentDecodingError,
    PartialBody,
    content_encoding,
    content_type,
    declared_charset,
    decode_content,
    known_codings,
    meta_charset_name,
    without_transfer_coding,
)
from .methods import capture_method
from .pairing import with_requests
from .records import ARC_IN_WACZ, HttpMessage, RecordInfo, is_arc_file, iter_records
from .wacz_input import input_size, open_input, split_location

WACZ_VERSION = "1.1.1"
TITLE_BODY_MAX = 16 * 1024 * 1024  # a page's body is decoded at most this far for its title
_TITLE_MAX = 4096  # bytes of title markup looked at
_NAME_END = b" \t\r\n\f/>"


def _element_text(low: bytes, raw: bytes, tag: bytes) -> bytes | None:
    """Raw content of the first closed ``<tag ...>...</tag>``: one forward pass of ``find``
    calls (a regex with ``.*?`` retries from every opening tag: quadratic when unclosed)."""
    pos = low.find(b"<" + tag)
    while pos >= 0:
        after = pos + 1 + len(tag)
        if low[after:after + 1] in _NAME_END:  # b"" (end of body) is in it too
            gt = low.find(b">", after)
            if gt < 0:
                return None
            end = low.find(b"</" + tag, gt + 1)
            return None if end < 0 else raw[gt + 1:min(end, gt + 1 + _TITLE_MAX)]
        pos = low.find(b"<" + tag, after)
    return None


def _strip_tags(text: str) -> str:
    """Text with every ``<...>`` replaced by a space, in one pass."""
    out: list[str] = []
    pos = 0
    while (lt := text.find("<", pos)) >= 0:
        gt = text.find(">", lt)
        if gt < 0:
            break
        out.append(text[pos:lt])
        out.append(" ")
        pos = gt + 1
    out.append(text[pos:])
    return "".join(out)


def _charset(http: HttpMessage, body: bytes) -> str:
    return (declared_charset(content_type(http.headers)) or meta_charset_name(body, 4096)
            or "utf-8")


def html_title(http: HttpMessage) -> str:
    """<title> (or first <h1>) of an HTML response, in its declared charset.

    Read from the first TITLE_BODY_MAX bytes of the decoded body, however long it is (a
    decompression bomb included: of a Transfer-Encoding too, unless a coding a reader undoes
    lies under it). Raises ContentDecodingError when its codings cannot be undone (a damaged
    stream, an unknown coding).
    """
    coding = content_encoding(http.headers)
    try:  # (the start of a transfer coding's output is a start of the page when nothing
        # else is coded: the Content-Encoding under it needs its whole stream)
        body = without_transfer_coding(http.headers, http.body, TITLE_BODY_MAX,
                                       prefix=not known_codings(coding))
    except PartialBody as cut:  # the index lists the page: its title is in what came
        body = cut.arrived
    body = decode_content(body, coding, TITLE_BODY_MAX, prefix=True)
    low = body.lower()
    for tag in (b"title", b"h1"):
        raw = _element_text(low, body, tag)
        if raw is None:
            continue
        enc = _charset(http, body)
        try:
            text = raw.decode(enc, errors="replace")
        except LookupError:
            text = raw.decode("utf-8", errors="replace")
        text = " ".join(html.unescape(_strip_tags(text)).split())
        if text:
            return text
    return ""


def _sha256(path_or_bytes: Path | bytes) -> tuple[str, int]:
    h = hashlib.sha256()
    if isinstance(path_or_bytes, bytes):
        h.update(path_or_bytes)
        return "sha256:" + h.hexdigest(), len(path_or_bytes)
    size = 0
    with open(path_or_bytes, "rb") as fh:
        while buf := fh.read(1 << 20):
            h.update(buf)
            size += len(buf)
    return "sha256:" + h.hexdigest(), size


def _page(info: RecordInfo, titles: dict[str, str]) -> dict | None:
    """The pages.jsonl entry of an HTML 200 response, or None (also for unreadable HTTP)."""
    rec = info.record
    if rec.rec_type != "response":
        return None
    try:
        http = rec.http()
    except ValueError:  # reported with its index line (cdxj_line), which keeps it listed
        return None
    ctype = (content_type(http.headers) or "") if http else ""
    if not http or http.status != 200 or "html" not in ctype.lower():
        return None
    if capture_method(info)[1]:  # a POST's (or HEAD's) answer is no page a reader opens
        return None
    url = rec.target_uri
    return {
        "id": uuid.uuid4().hex,
        "url": url,
        "ts": rec.date.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "title": titles.get(url) or _title(http) or url,
    }


def _title(http: HttpMessage) -> str:
    try:
        return html_title(http)
    except ContentDecodingError:
        return ""  # a server's broken compression: the capture is intact, it just has no title


def build_wacz(
    paths: Iterable[Path],
    output: str | Path,
    *,
    items_jsonl: str | Path | None = None,
    title: str = "news-archive crawl",
    on_error: Callable[[WarcFormatError], None] | None = None,
    on_bad_item: Callable[[int, str], None] | None = None,
    progress: Callable[[int], None] | None = None,
    run_lines: int = RUN_LINES,
    run_bytes: int = RUN_BYTES,
) -> dict:
    """Write a WACZ; returns counts. Titles come from items (by URL) first, else the HTML.

    Unreadable records go to ``on_error``, unusable lines of the items file (with their
    line number) to ``on_bad_item``; both are skipped. ValueError, before anything is
    written, for an ARC input (see :func:`arc_input_problem`).
    """
    paths = list(paths)
    names = [p.name for p in paths]
    if len(set(names)) != len(names):
        raise ValueError("WARC files with the same name cannot share a WACZ archive/ folder")
    if (problem := arc_input_problem(paths)) is not None:
        raise ValueError(problem)
    titles: dict[str, str] = {}
    if items_jsonl:
        for item in load_items(items_jsonl, on_bad_item):
            url, page_title = item.get("url"), item.get("title")
            if isinstance(url, str) and isinstance(page_title, str) and page_title.strip():
                titles[url] = page_title

    with IndexLines(run_lines, tmp_dir=Path(output).parent, run_bytes=run_bytes) as lines, \
            tempfile.TemporaryFile(dir=Path(output).parent) as pages_file:
        pages = _collect(paths, titles, lines, pages_file, on_error, progress)
        with temp_for(Path(output)) as tmp:  # a failed build keeps an earlier package
            with zipfile.ZipFile(tmp, "w") as zf:
                resources = [_add_warc(zf, path) for path in paths]
                index = ((line + "\n").encode("utf-8") for line in lines)
                resources.append(_add_entry(zf, "indexes/index.cdx", index, lines.nbytes))
                pages_file.seek(0)
                resources.append(_add_entry(zf, "pages/pages.jsonl",
                                            iter(lambda: pages_file.read(1 << 16), b""),
                                            pages.size))
                _add_package(zf, resources, title, pages.first)
            replace_durably(tmp, Path(output))
        return {"pages": pages.count, "warcs": len(paths), "index_lines": len(lines)}


def arc_input_problem(paths: Iterable[Path]) -> str | None:
    """Why ``paths`` cannot be packaged, naming the first ARC file among them (by its bytes,
    whatever its name): copied in whole, it was a package member no replay tool reads, its
    records said as errors only while the package was written anyway. None: none is."""
    arcs = [p for p in paths if is_arc_file(p)]
    if not arcs:
        return None
    more = f" (and {len(arcs) - 1} other ARC file(s))" if len(arcs) > 1 else ""
    return f"{arcs[0]}{more}: {ARC_IN_WACZ}"


class _Pages:
    """The pages list as written to its temporary file: its count, size and first page."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out, self.count, self.size = out, 0, 0
        self.first: dict | None = None
        self._write({"format": "json-pages-1.0", "id": "pages", "title": "All Pages"})

    def add(self, page: dict) -> None:
        self.first = self.first or page
        self.count += 1
        self._write(page)

    def _write(self, entry: dict) -> None:
        data = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
        self.out.write(data)
        self.size += len(data)


def _collect(paths: list[Path], titles: dict[str, str], lines: IndexLines, out: IO[bytes],
             on_error: ErrorHandler | None, progress: Callable[[int], None] | None) -> _Pages:
    """Read every record once: its index line to ``lines``, its page entry (in input order)
    to ``out``; neither is held whole in memory."""
    pages = _Pages(out)
    for path in paths:
        for info in with_requests(iter_records(path, on_error, arc=False)):
            try:
                line = cdxj_line(info, path.name, on_error)
                page = _page(info, titles)
            except (ValueError, UnicodeError) as exc:  # one bad field costs one record
                report(WarcFormatError(path, info.offset, f"bad record: {exc}"), on_error)
                line, page = None, None
            if line:
                lines.add(info, line)
            if page:
                pages.add(page)
            if progress:
                progress(info.length)
    return pages


def _add_warc(zf: zipfile.ZipFile, path: Path) -> dict:
    arc = f"archive/{path.name}"
    if split_location(path) is not None:  # a WARC inside a WACZ: copied from it, as stored
        return _add_member(zf, path, arc)
    zf.write(path, arc, compress_type=zipfile.ZIP_STORED)
    digest, size = _sha256(path)
    return {"name": path.name.lower(), "path": arc, "hash": digest, "bytes": size}


def _add_member(zf: zipfile.ZipFile, path: Path, arc: str) -> dict:
    """A WACZ member streamed into ``zf`` stored, hashed on the way."""
    with open_input(path) as src:
        return _add_entry(zf, arc, iter(lambda: src.read(1 << 20), b""), input_size(path),
                          compress_type=zipfile.ZIP_STORED, mode=0o644)


def _add_entry(zf: zipfile.ZipFile, arc: str, chunks: Iterable[bytes], size: int, *,
               compress_type: int = zipfile.ZIP_DEFLATED, mode: int = 0o600) -> dict:
    """An entry (deflated unless said) written from ``chunks`` and hashed on the way, as
    writestr would write it whole; ``size`` (known in advance) lets zipfile choose Zip64 as
    writestr does."""
    info = zipfile.ZipInfo(arc, time.localtime(time.time())[:6])
    info.compress_type = compress_type
    info.external_attr = mode << 16
    info.file_size = size
    h = hashlib.sha256()
    written = 0
    with zf.open(info, "w") as dest:
        for chunk in _batched(chunks):
            h.update(chunk)
            dest.write(chunk)
            written += len(chunk)
    return {"name": Path(arc).name.lower(), "path": arc, "hash": "sha256:" + h.hexdigest(),
            "bytes": written}


def _batched(chunks: Iterable[bytes], size: int = 1 << 16) -> Iterator[bytes]:
    """``chunks`` joined into pieces of about ``size`` bytes: one compressor call per piece,
    not per line."""
    held: list[bytes] = []
    n = 0
    for chunk in chunks:
        held.append(chunk)
        n += len(chunk)
        if n >= size:
            yield b"".join(held)
            held, n = [], 0
    if held:
        yield b"".join(held)


def _add_package(zf: zipfile.ZipFile, resources: list[dict], title: str,
                 first_page: dict | None) -> None:
    package = {
        "profile": "data-package",
        "resources": resources,
        "title": title,
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "wacz_version": WACZ_VERSION,
        "software": "news-archive",
    }
    if first_page:
        package["mainPageURL"] = first_page["url"]
        package["mainPageDate"] = first_page["ts"]
    pkg_bytes = json.dumps(package, indent=2).encode("utf-8")
    zf.writestr("datapackage.json", pkg_bytes, compress_type=zipfile.ZIP_DEFLATED)
    digest_doc = {"path": "datapackage.json", "hash": _sha256(pkg_bytes)[0]}
    zf.writestr(
        "datapackage-digest.json",
        json.dumps(digest_doc, indent=2).encode("utf-8"),
        compress_type=zipfile.ZIP_DEFLATED,
    )
