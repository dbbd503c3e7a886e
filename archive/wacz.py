"""WACZ 1.1.1 packaging: WARCs, CDXJ index, pages list and a hashed datapackage."""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import re
import uuid
import zipfile
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

from .cdxj import cdxj_line
from .errors import WarcFormatError
from .export_txt import load_items
from .httputil import maybe_dechunk
from .records import HttpMessage, iter_records

WACZ_VERSION = "1.1.1"
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title\s*>", re.I | re.S)
_H1 = re.compile(rb"<h1[^>]*>(.*?)</h1\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", re.I)


def _charset(http: HttpMessage, body: bytes) -> str:
    m = re.search(r"charset=([A-Za-z0-9_-]+)", http.header("Content-Type") or "", re.I)
    if m:
        return m.group(1)
    m = _META_CHARSET.search(body[:4096])
    return m.group(1).decode("ascii") if m else "utf-8"


def html_title(http: HttpMessage) -> str:
    """<title> (or first <h1>) of an HTML response, decoding gzip and the declared charset."""
    body = maybe_dechunk(http.headers, http.body)
    if (http.header("Content-Encoding") or "").strip().lower() in ("gzip", "x-gzip"):
        try:
            body = gzip.decompress(body)
        except (OSError, EOFError):
            return ""
    for rx in (_TITLE, _H1):
        m = rx.search(body)
        if m:
            enc = _charset(http, body)
            try:
                text = m.group(1).decode(enc, errors="replace")
            except LookupError:
                text = m.group(1).decode("utf-8", errors="replace")
            text = " ".join(html.unescape(_TAG.sub(" ", text)).split())
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


def build_wacz(
    paths: Iterable[Path],
    output: str | Path,
    *,
    items_jsonl: str | Path | None = None,
    title: str = "news-archive crawl",
    on_error: Callable[[WarcFormatError], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict:
    """Write a WACZ; returns counts. Titles come from items (by URL) first, else the HTML."""
    paths = list(paths)
    names = [p.name for p in paths]
    if len(set(names)) != len(names):
        raise ValueError("WARC files with the same name cannot share a WACZ archive/ folder")
    titles: dict[str, str] = {}
    if items_jsonl:
        for item in load_items(items_jsonl):
            if item.get("url") and item.get("title"):
                titles[str(item["url"])] = str(item["title"])

    lines: list[str] = []
    pages: list[dict] = []
    for path in paths:
        for info in iter_records(path, on_error):
            line = cdxj_line(info, path.name)
            if line:
                lines.append(line)
            rec = info.record
            if rec.rec_type == "response":
                try:
                    http = rec.http()
                except ValueError:
                    http = None
                ctype = (http.header("Content-Type") or "") if http else ""
                if http and http.status == 200 and "html" in ctype.lower():
                    url = rec.target_uri
                    page = {
                        "id": uuid.uuid4().hex,
                        "url": url,
                        "ts": rec.date.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "title": titles.get(url) or html_title(http) or url,
                    }
                    pages.append(page)
            if progress:
                progress(info.length)
    lines.sort()
    index_bytes = "".join(line + "\n" for line in lines).encode("utf-8")
    header = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}
    pages_bytes = "".join(
        json.dumps(p, ensure_ascii=False) + "\n" for p in [header, *pages]
    ).encode("utf-8")

    resources = []
    with zipfile.ZipFile(output, "w") as zf:
        for path in paths:
            arc = f"archive/{path.name}"
            zf.write(path, arc, compress_type=zipfile.ZIP_STORED)
            digest, size = _sha256(path)
            resources.append(
                {"name": path.name.lower(), "path": arc, "hash": digest, "bytes": size}
            )
        for arc, data in (("indexes/index.cdx", index_bytes), ("pages/pages.jsonl", pages_bytes)):
            zf.writestr(arc, data, compress_type=zipfile.ZIP_DEFLATED)
            digest, size = _sha256(data)
            resources.append(
                {"name": Path(arc).name.lower(), "path": arc, "hash": digest, "bytes": size}
            )
        package = {
            "profile": "data-package",
            "resources": resources,
            "title": title,
            "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "wacz_version": WACZ_VERSION,
            "software": "news-archive",
        }
        if pages:
            package["mainPageURL"] = pages[0]["url"]
            package["mainPageDate"] = pages[0]["ts"]
        pkg_bytes = json.dumps(package, indent=2).encode("utf-8")
        zf.writestr("datapackage.json", pkg_bytes, compress_type=zipfile.ZIP_DEFLATED)
        digest_doc = {"path": "datapackage.json", "hash": _sha256(pkg_bytes)[0]}
        zf.writestr(
            "datapackage-digest.json",
            json.dumps(digest_doc, indent=2).encode("utf-8"),
            compress_type=zipfile.ZIP_DEFLATED,
        )
    return {"pages": len(pages), "warcs": len(paths), "index_lines": len(lines)}
