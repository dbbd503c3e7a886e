"""WARCs written by wget and warcio replay through Scrapy with the manifest's payloads."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.support.crawl import ROOT, SCRAPY
from tests.support.data import INTEROP

MANIFEST = INTEROP / "manifest.json"

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not MANIFEST.exists(), reason="interop WARCs are not present")]


@pytest.mark.parametrize("warc", ["wget-site.warc.gz", "warcio-capture.warc.gz"])
def test_foreign_warc_replays_through_scrapy(warc: str, tmp_path: Path) -> None:
    manifest = json.loads(MANIFEST.read_text())
    entries = [e for e in manifest["entries"] if warc in e["captured_in"]]
    out = tmp_path / "dump.jsonl"
    proc = subprocess.run(
        [*SCRAPY, "runspider", str(ROOT / "tests/support/dump_spider.py"), "-O", str(out),
         "-a", "urls=" + " ".join(e["url"] for e in entries),
         "-s", f"WARC_REPLAY={INTEROP / warc}", "-s", f"DATA_DIR={tmp_path}"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "http_proxy": "http://127.0.0.1:9"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = {d["url"]: d for d in map(json.loads, out.read_text().splitlines())}
    for entry in entries:
        answer = got[entry["url"]]
        assert answer["status"] == entry["status"], entry["url"]
        # Scrapy decodes Content-Encoding, so the body is the decoded payload
        assert answer["sha256"] == entry["decoded_sha256"], entry["url"]
        if entry["location"]:
            assert answer["location"].endswith(entry["location"])
