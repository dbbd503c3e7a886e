import hashlib
import json
import subprocess
import sys

import pytest

from archive.reader import ArchiveLookup, iter_responses
from tests.support.data import INTEROP


def _manifest():
    return json.loads((INTEROP / "manifest.json").read_text())


@pytest.mark.parametrize("warc", ["wget-site.warc.gz", "warcio-capture.warc.gz"])
def test_lookup_matches_manifest(warc):
    lookup = ArchiveLookup(INTEROP / warc)
    entries = [e for e in _manifest()["entries"] if warc in e["captured_in"]]
    assert len(entries) >= 10
    for e in entries:
        r = lookup.get(e["url"])
        assert r is not None, e["url"]
        assert r.status == e["status"], e["url"]
        assert len(r.payload) == e["payload_length"], e["url"]
        assert hashlib.sha256(r.payload).hexdigest() == e["payload_sha256"], e["url"]
        assert r.header("Location") == e["location"]
        if e["content_encoding"]:
            assert r.header("Content-Encoding") == e["content_encoding"]


def test_iter_responses_dechunks_interop():
    by_url = {}
    for r in iter_responses([INTEROP / name for name in _manifest()["warcs"]]):
        by_url.setdefault(r.url, []).append(r)
    for e in _manifest()["entries"]:
        for r in by_url[e["url"]]:
            assert hashlib.sha256(r.payload).hexdigest() == e["payload_sha256"]


def test_cli_index_and_verify_interop(tmp_path):
    out = tmp_path / "i.cdxj"
    cmd = [sys.executable, "-m", "archive"]
    warcs = [str(INTEROP / name) for name in _manifest()["warcs"]]
    res = subprocess.run([*cmd, "index", *warcs, "-o", str(out)], capture_output=True)
    assert res.returncode == 0, res.stderr
    lines = out.read_text().splitlines()
    # 26 HTTP responses and revisits + wget's 3 resource records (MANIFEST, arguments, log)
    assert len(lines) == 29 and lines == sorted(lines)
    assert all(" " in ln and ln.split(" ", 2)[1].isdigit() for ln in lines)
    res = subprocess.run([*cmd, "verify", *warcs], capture_output=True)
    assert res.returncode == 0, res.stderr
    assert b"57 records in 2 file(s): 0 error(s)" in res.stdout
