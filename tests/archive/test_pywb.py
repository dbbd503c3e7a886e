"""Replay our WARCs with pywb and check the served bytes are exactly what we stored.

pywb (id_ mode) serves the stored entity body verbatim: a gzip payload comes back still
gzip-compressed with `Content-Encoding: gzip` and Content-Length = stored length (we
request with Accept-Encoding: gzip and never decode), so the wire body must equal the
payload we wrote byte for byte.
"""

import gzip
import hashlib
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive.writer import WarcWriter
from tests.support.pywb import have_tool, pywb_replay, tools_venv

from .conftest import make_exchange

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(
    not have_tool("wayback"), reason=f"pywb not installed in {tools_venv()} (set TOOLS_VENV)"
)
DATE = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
TS = "20260102030405"
HTML = "<html><title>Тест</title><p>Прывітанне, свет</p></html>".encode()
GZ = gzip.compress(HTML * 30)
BIN = bytes(range(256)) * 40
CASES = {
    "http://example.com/plain.html": (HTML, [("Content-Type", "text/html; charset=utf-8")]),
    "http://example.com/gz.html": (
        GZ,
        [
            ("Content-Type", "text/html"),
            ("Content-Encoding", "gzip"),
            ("Transfer-Encoding", "chunked"),
        ],
    ),
    "http://example.com/img.bin": (BIN, [("Content-Type", "application/octet-stream")]),
    "http://example.com/ru/%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82?q=%D0%BA&page=2": (
        HTML,
        [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", "3")],
    ),
}


@pytest.fixture(scope="module")
def warcs(tmp_path_factory):
    d = tmp_path_factory.mktemp("pywb-warcs")
    with WarcWriter(d) as w:
        for url, (payload, headers) in CASES.items():
            w.write_exchange(make_exchange(url, payload, headers=headers, date=DATE))
        w.write_exchange(
            make_exchange(
                "http://example.com/old", b"", status=301, headers=[("Location", "/new")], date=DATE
            )
        )
    return sorted(d.glob("*.warc.gz"))


def _check(fetch):
    for url, (payload, _) in CASES.items():
        status, headers, body = fetch(f"/test/{TS}id_/{url}")
        assert status == 200, url
        assert hashlib.sha256(body).hexdigest() == hashlib.sha256(payload).hexdigest(), url
        assert headers["content-length"] == str(len(payload))
        if payload is GZ:
            assert headers.get("content-encoding") == "gzip"
            assert gzip.decompress(body) == HTML * 30
    status, headers, _ = fetch(f"/test/{TS}id_/http://example.com/old")
    assert status == 301 and headers["location"].endswith("/new")


def test_pywb_replays_exact_bytes(warcs):
    with pywb_replay(warcs) as fetch:
        _check(fetch)


def test_pywb_accepts_our_cdxj(warcs, tmp_path):
    index = tmp_path / "index.cdxj"
    res = subprocess.run(
        [sys.executable, "-m", "archive", "index", *map(str, warcs), "-o", str(index)],
        cwd=REPO,
        capture_output=True,
    )
    assert res.returncode == 0, res.stderr
    with pywb_replay(warcs, index=index) as fetch:
        _check(fetch)
