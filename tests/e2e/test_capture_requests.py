"""The WARC keeps each request head as it was sent, not as Scrapy's Request describes it.

Twisted, not Scrapy, writes the request: it always says HTTP/1.1, puts Content-Length (of a
POST body) first and the Host field last. The request record used to take its version from
the response (an HTTP/1.0 server's answer made the request "HTTP/1.0") and lacked the POST's
Content-Length, so pywb's indexer (which reads the body only as far as Content-Length says)
keyed two POSTs with different bodies alike and replayed one for the other.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.support import faults
from tests.support.crawl import ROOT, SCRAPY
from tests.support.faults import FaultServer
from tests.support.pywb import have_tool, pywb_replay, tools_bin
from tests.support.warcs import archived_records

pytestmark = pytest.mark.slow

HOST = "forms.example.org"
BODIES = ("q=minsk", "q=brest")
SAME = b"the same answer to a POST and a GET"


def http10_route(ex: faults.Exchange, body: bytes | None = None) -> None:
    """An HTTP/1.0 answer, numbered by arrival unless ``body`` is given; the connection is
    closed after it (the POST body is never read)."""
    body = b"answer %d" % ex.count if body is None else body
    ex.send(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
            b"Connection: close\r\n\r\n%s" % (len(body), body))
    ex.keep_alive = False


def same_route(ex: faults.Exchange) -> None:
    http10_route(ex, SAME)


@pytest.fixture(scope="module")
def capture(tmp_path_factory: pytest.TempPathFactory):
    data = tmp_path_factory.mktemp("requests")
    routes = {"/form": http10_route, "/page": http10_route, "/same": same_route}
    with FaultServer(HOST, routes) as server:
        for args in (["-a", f"urls=http://{HOST}/page"],
                     ["-a", f"urls=http://{HOST}/form", "-a", "method=POST",
                      "-a", "bodies=" + " ".join(BODIES), "-s", "CONCURRENT_REQUESTS=1"],
                     # a POST's answer, then a GET answered alike, in a later run
                     ["-a", f"urls=http://{HOST}/same", "-a", "method=POST", "-a", "bodies=x=1"],
                     ["-a", f"urls=http://{HOST}/same"]):
            proc = subprocess.run(
                [*SCRAPY, "runspider", str(ROOT / "tests/support/dump_spider.py"),
                 "-O", str(data / "dump.jsonl"), *args, "-s", f"DATA_DIR={data}"],
                cwd=ROOT, capture_output=True, text=True, timeout=120,
                env={**os.environ, **server.crawl_env()})
            assert proc.returncode == 0, proc.stderr[-2000:]
    return data, server.requests


def request_records(data: Path) -> list[tuple[bytes, bytes]]:
    """(head, body) of every request record, as stored."""
    out = []
    for rec in archived_records(data / "warc", no_record_parse=True):
        if rec.rec_type == "request":
            head, _, body = rec.raw_stream.read().partition(b"\r\n\r\n")
            out.append((head, body))
    return out


def origin_form(raw: bytes) -> bytes:
    """A head sent to the proxy, with its absolute-form target in origin form."""
    line, _, rest = raw.partition(b"\r\n")
    method, target, version = line.split(b" ")
    return b"%s %s %s\r\n%s" % (method, target.split(HOST.encode(), 1)[1], version, rest)


def test_each_request_is_archived_as_sent(capture) -> None:
    data, sent = capture
    archived = sorted(head for head, _ in request_records(data))
    assert archived == sorted(origin_form(r.raw) for r in sent)
    assert all(head.split(b"\r\n", 1)[0].endswith(b" HTTP/1.1") for head in archived)
    bodies = sorted(body for head, body in request_records(data)
                    if head.startswith(b"POST /form "))
    assert bodies == sorted(b.encode() for b in BODIES)


@pytest.mark.skipif(not have_tool("cdx-indexer"), reason="pywb not installed")
def test_pywb_keys_each_post_by_its_body(capture) -> None:
    data, _ = capture
    proc = subprocess.run([tools_bin("cdx-indexer"), "-j", "-p",
                           *map(str, sorted((data / "warc").glob("*.warc.gz")))],
                          capture_output=True, text=True, check=True)
    keys = {line.split(" ", 1)[0]: json.loads(line.split(" ", 2)[2])
            for line in proc.stdout.splitlines() if "/form?__wb_method=post" in line}
    assert sorted(keys) == sorted(f"org,example,forms)/form?__wb_method=post&{b}"
                                  for b in BODIES)


@pytest.mark.skipif(not have_tool("wayback"), reason="pywb not installed")
def test_a_get_is_never_a_revisit_of_a_post(capture, tmp_path: Path) -> None:
    """pywb finds a revisit's original under the revisit's own URL key; a POST's capture is
    keyed apart, so a GET stored as its revisit could not be replayed."""
    data, _ = capture
    warcs = sorted((data / "warc").glob("*.warc.gz"))
    types = []
    for path in warcs:
        with path.open("rb") as fh:
            types += [rec.rec_type for rec in ArchiveIterator(fh) if rec.rec_type != "request"
                      and rec.rec_headers.get_header("WARC-Target-URI") == f"http://{HOST}/same"]
    assert types == ["response", "response"]
    index = tmp_path / "index.cdxj"
    subprocess.run([sys.executable, "-m", "archive", "index", *map(str, warcs), "-o",
                    str(index)], cwd=ROOT, check=True, capture_output=True)
    with pywb_replay(warcs, index=index) as fetch:
        status, _, body = fetch(f"/test/2100id_/http://{HOST}/same")
    assert (status, body) == (200, SAME)
