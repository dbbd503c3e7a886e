"""WARCs of a fixture site written the way other tools write them (wget, Browsertrix, Heritrix).

Pages are fetched for real from a FixtureServer (as a proxy, so the virtual host answers), and
each tool's records are written with warcio: its WARC version, record order, headers and URI
spelling. ``spell`` turns the URL the spider would ask for into the one the tool recorded
(http for https, a bare host, a trailing slash, ...).
"""

from __future__ import annotations

import hashlib
import http.client
import io
import json
import uuid
from base64 import b32encode
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.support.server import FixtureServer

Spell = Callable[[str], str]


@dataclass
class Fetched:
    """One exchange as a tool saw it: the URL it recorded, when, and the answer as sent."""

    url: str
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes
    date: datetime = field(default_factory=lambda: datetime.now(UTC))

    def at(self, date: datetime, url: str | None = None) -> Fetched:
        return replace(self, date=date, url=url or self.url)


def fetch(server: FixtureServer, url: str) -> Fetched:
    """GET ``url`` (any scheme: the fixture serves both) through the fixture server as a proxy;
    the body as sent (Content-Encoding kept, chunking removed)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request("GET", url.replace("https://", "http://", 1),
                     headers={"Host": parts.netloc, "Accept-Encoding": "gzip"})
        resp = conn.getresponse()
        body = resp.read()
        headers = [(k, v) for k, v in resp.getheaders() if k.lower() != "transfer-encoding"]
        return Fetched(url, resp.status, resp.reason, headers, body)
    finally:
        conn.close()


def _sha1(data: bytes) -> str:
    return "sha1:" + b32encode(hashlib.sha1(data).digest()).decode()


def _rid() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


def _stamp(date: datetime) -> str:
    return date.strftime("%Y-%m-%dT%H:%M:%SZ")


def _request_head(url: str, version: str = "HTTP/1.1",
                  extra: Iterable[tuple[str, str]] = ()) -> StatusAndHeaders:
    parts = urlsplit(url.strip("<>"))
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return StatusAndHeaders(f"GET {target} {version}",
                            [("Host", parts.netloc), ("Accept", "*/*"), *extra],
                            is_http_request=True)


def _response_head(f: Fetched, lower: bool = False) -> StatusAndHeaders:
    headers = [((k.lower() if lower else k), v) for k, v in f.headers]
    return StatusAndHeaders(f"{f.status} {f.reason}".strip(), headers, protocol="HTTP/1.1")


class _Writer:
    def __init__(self, path: Path, version: str) -> None:
        self.fh = path.open("wb")
        self.w = WARCWriter(self.fh, gzip=path.name.endswith(".gz"), warc_version=version)

    def record(self, uri: str, rtype: str, payload: bytes, headers: dict[str, str],
               http_headers: StatusAndHeaders | None = None, ctype: str = "") -> str:
        rid = headers.setdefault("WARC-Record-ID", _rid())
        rec = self.w.create_warc_record(uri, rtype, payload=io.BytesIO(payload),
                                        length=len(payload), warc_content_type=ctype,
                                        warc_headers_dict=headers, http_headers=http_headers)
        self.w.write_record(rec)
        return rid

    def close(self) -> None:
        self.fh.close()


def write_wget(path: Path, fetched: list[Fetched], spell: Spell = str,
               seen: dict[str, str] | None = None) -> Path:
    """wget --warc-file: WARC/1.0, warcinfo, request then response, URIs in <brackets>, a
    revisit (WARC-Refers-To only) for a payload seen before (in ``seen``, payload digest ->
    record id, shared by the files of a --warc-dedup run), MANIFEST.txt and wget.log as
    resource records at the end."""
    w = _Writer(path, "WARC/1.0")
    info = b"software: Wget/1.21.3 (linux-gnu)\r\nformat: WARC File Format 1.0\r\n"
    w.record(path.name, "warcinfo", info, {"WARC-Date": _stamp(fetched[0].date)},
             ctype="application/warc-fields")
    seen = {} if seen is None else seen
    for f in fetched:
        uri = f"<{spell(f.url)}>"
        stamp = _stamp(f.date)
        resp_id = _rid()
        w.record(uri, "request", b"", {"WARC-Date": stamp, "WARC-Concurrent-To": resp_id},
                 _request_head(uri, extra=[("User-Agent", "Wget/1.21.3")]))
        digest = _sha1(f.body)
        if f.body and digest in seen:
            w.record(uri, "revisit", b"", {
                "WARC-Record-ID": resp_id, "WARC-Date": stamp, "WARC-Refers-To": seen[digest],
                "WARC-Payload-Digest": digest,
                "WARC-Profile": "http://netpreserve.org/warc/1.0/revisit/identical-payload-digest",
            }, _response_head(f))
            continue
        seen[digest] = w.record(uri, "response", f.body, {
            "WARC-Record-ID": resp_id, "WARC-Date": stamp, "WARC-Payload-Digest": digest},
            _response_head(f))
    last = _stamp(fetched[-1].date)
    manifest = "\n".join(f.url for f in fetched).encode()
    for name, body in (("MANIFEST.txt", manifest), ("wget.log", b"FINISHED --\n")):
        w.record(f"<metadata://gnu.org/software/wget/warc/{name}>", "resource", body,
                 {"WARC-Date": last}, ctype="text/plain")
    w.close()
    return path


def write_browsertrix(path: Path, fetched: list[Fetched], spell: Spell = str) -> Path:
    """Browsertrix / ArchiveWeb.page: WARC/1.1, response then its request (an HTTP/1.1 head
    made from HTTP/2, lower-case names), WARC-Page-ID on each, a urn:pageinfo: resource per
    page."""
    w = _Writer(path, "WARC/1.1")
    w.record(path.name, "warcinfo", b"software: Browsertrix-Crawler 1.4.2\r\n",
             {"WARC-Date": _stamp(fetched[0].date)}, ctype="application/warc-fields")
    for f in fetched:
        uri = spell(f.url)
        page_id = str(uuid.uuid4())
        stamp = f.date.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        resp_id = _rid()
        w.record(uri, "response", f.body, {
            "WARC-Record-ID": resp_id, "WARC-Date": stamp, "WARC-Page-ID": page_id,
            "WARC-Payload-Digest": "sha256:" + hashlib.sha256(f.body).hexdigest(),
            "WARC-JSON-Metadata": '{"cert":{"issuer":"R11"}}'}, _response_head(f, lower=True))
        w.record(uri, "request", b"", {
            "WARC-Date": stamp, "WARC-Page-ID": page_id, "WARC-Concurrent-To": resp_id},
            _request_head(uri, extra=[("user-agent", "Mozilla/5.0 Chrome/126"),
                                      ("sec-ch-ua-platform", '"Linux"')]))
        info = json.dumps({"pageid": page_id, "url": uri, "urls": {}}).encode()
        w.record(f"urn:pageinfo:{uri}", "resource", info,
                 {"WARC-Date": stamp, "WARC-Page-ID": page_id}, ctype="application/json")
    w.close()
    return path


def write_heritrix(path: Path, fetched: list[Fetched], spell: Spell = str,
                   seen: dict[str, tuple[str, str]] | None = None) -> Path:
    """Heritrix 3: WARC/1.0, a dns: response, response + request + metadata per URL, a revisit
    of an unchanged payload (in ``seen``: digest -> URI and date, kept across a series of
    crawls) with WARC-Refers-To-Target-URI/-Date, marked WARC-Truncated: length."""
    w = _Writer(path, "WARC/1.0")
    w.record(path.name, "warcinfo", b"software: Heritrix/3.4.0\r\n",
             {"WARC-Date": _stamp(fetched[0].date)}, ctype="application/warc-fields")
    host = urlsplit(spell(fetched[0].url)).hostname
    w.record(f"dns:{host}", "response", f"{_stamp(fetched[0].date)}\n{host}. 300 IN A 127.0.0.1\n"
             .encode(), {"WARC-Date": _stamp(fetched[0].date)}, ctype="text/dns")
    seen = {} if seen is None else seen
    for f in fetched:
        uri = spell(f.url)
        stamp = _stamp(f.date)
        digest = _sha1(f.body)
        if f.body and digest in seen:
            ref_uri, ref_date = seen[digest]
            rid = w.record(uri, "revisit", b"", {
                "WARC-Date": stamp, "WARC-Payload-Digest": digest, "WARC-Truncated": "length",
                "WARC-Refers-To-Target-URI": ref_uri, "WARC-Refers-To-Date": ref_date,
                "WARC-Profile": "http://netpreserve.org/warc/1.0/revisit/identical-payload-digest",
            }, _response_head(f))
        else:
            rid = w.record(uri, "response", f.body, {"WARC-Date": stamp,
                                                    "WARC-Payload-Digest": digest},
                           _response_head(f))
            seen[digest] = (uri, stamp)
        w.record(uri, "request", b"", {"WARC-Date": stamp, "WARC-Concurrent-To": rid},
                 _request_head(uri, "HTTP/1.0"))
        w.record(uri, "metadata", b"via: \r\nhopsFromSeed: L\r\n",
                 {"WARC-Date": stamp, "WARC-Concurrent-To": rid}, ctype="application/warc-fields")
    w.close()
    return path
