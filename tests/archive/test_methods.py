"""A POST, PUT or HEAD capture is another resource than the GET of its URL: the index keys it
apart (as pywb's own indexer does), and neither pywb nor ArchiveLookup answers a GET with it."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive.cdxj import build_index
from archive.methods import method_query
from archive.reader import ArchiveLookup
from archive.wacz import build_wacz
from archive.writer import WarcWriter
from tests.support.pywb import have_tool, pywb_replay, tools_bin, tools_venv
from tests.support.warcs import gz_each, http_response, record

from .conftest import make_exchange

FORM = "application/x-www-form-urlencoded"
needs_pywb = pytest.mark.skipif(not have_tool("wayback"),
                                reason=f"pywb not installed in {tools_venv()}")


def _at(second: int) -> datetime:
    return datetime(2026, 1, 2, 3, 4, second, tzinfo=UTC)


def _post(url: str, body: bytes, payload: bytes, second: int):
    ex = make_exchange(url, payload, date=_at(second))
    return replace(ex, method="POST", request_body=body, request_headers=[
        *ex.request_headers, ("Content-Type", FORM), ("Content-Length", str(len(body)))])


@pytest.fixture
def warcs(tmp_path: Path) -> list[Path]:
    """GET, two POSTs (other bodies) and a HEAD of the same URLs, each answered differently."""
    with WarcWriter(tmp_path / "w") as w:
        w.write_exchange(make_exchange("http://e.com/s", b"<title>GET</title>", date=_at(1)))
        w.write_exchange(_post("http://e.com/s", b"q=a&x=1", b"<title>POST a</title>", 2))
        w.write_exchange(_post("http://e.com/s", b"q=b&x=1", b"<title>POST b</title>", 3))
        head = make_exchange("http://e.com/h", b"", date=_at(4),
                             headers=[("Content-Type", "text/html"), ("Content-Length", "99")])
        w.write_exchange(replace(head, method="HEAD"))
        w.write_exchange(make_exchange("http://e.com/h", b"<title>H</title>", date=_at(5)))
    return sorted((tmp_path / "w").glob("*.warc.gz"))


def _keys(lines: list[str]) -> list[str]:
    return [" ".join(line.split(" ", 2)[:2]) for line in lines]


def test_index_keys_post_and_head_captures_apart_from_the_get(warcs):
    lines = build_index(warcs)
    assert _keys(lines) == [
        "com,e)/h 20260102030405",
        "com,e)/h?__wb_method=head 20260102030404",
        "com,e)/s 20260102030401",
        "com,e)/s?__wb_method=post&q=a&x=1 20260102030402",
        "com,e)/s?__wb_method=post&q=b&x=1 20260102030403",
    ]
    fields = json.loads(lines[3].split(" ", 2)[2])
    assert fields["url"] == "http://e.com/s"
    assert (fields["method"], fields["requestBody"]) == ("POST", "q=a&x=1")


@pytest.mark.skipif(not have_tool("wb-manager"), reason=f"pywb not installed in {tools_venv()}")
def test_index_keys_equal_pywbs_own_indexer(warcs, tmp_path):
    subprocess.run([tools_bin("wb-manager"), "init", "c"], cwd=tmp_path, check=True,
                   capture_output=True, timeout=60)
    subprocess.run([tools_bin("wb-manager"), "add", "c", *map(str, warcs)], cwd=tmp_path,
                   check=True, capture_output=True, timeout=60)
    theirs = (tmp_path / "collections/c/indexes/index.cdxj").read_text().splitlines()
    assert _keys(build_index(warcs)) == _keys(theirs)


@needs_pywb
def test_pywb_serves_a_get_the_get_capture_from_our_index(warcs, tmp_path):
    index = tmp_path / "index.cdxj"
    index.write_text("".join(line + "\n" for line in build_index(warcs)))
    with pywb_replay(warcs, index=index) as fetch:
        for ts in ("20260102030402", "20260102030403"):  # the POSTs' own seconds
            status, _, body = fetch(f"/test/{ts}id_/http://e.com/s")
            assert (status, body) == (200, b"<title>GET</title>")
        status, _, body = fetch("/test/20260102030404id_/http://e.com/h")
        assert (status, body) == (200, b"<title>H</title>")


def test_lookup_answers_each_request_with_its_own_capture(warcs):
    lookup = ArchiveLookup(warcs)
    assert lookup.get("http://e.com/s").payload == b"<title>GET</title>"
    for body, want in ((b"q=a&x=1", b"<title>POST a</title>"),
                       (b"q=c&x=1", None), (b"q=b&x=1", b"<title>POST b</title>")):
        got = lookup.get("http://e.com/s", method=method_query("POST", FORM, "7", body))
        assert (got and got.payload) == want
    head = lookup.get("http://e.com/h", at=_at(4), method=method_query("HEAD", None, None, b""))
    assert head.payload == b"" and head.header("Content-Length") == "99"  # as sent: no body
    # only a HEAD was made then: a GET is answered by the nearest GET, never by the HEAD
    assert lookup.get("http://e.com/h", at=_at(4)).payload == b"<title>H</title>"
    assert lookup.latest("http://e.com/h")[0] // 1_000_000 == int(_at(5).timestamp())


def test_wacz_lists_no_post_or_head_answer_as_a_page(warcs, tmp_path):
    build_wacz(warcs, tmp_path / "a.wacz")
    with zipfile.ZipFile(tmp_path / "a.wacz") as zf:
        pages = [json.loads(x) for x in zf.read("pages/pages.jsonl").splitlines()[1:]]
        index = zf.read("indexes/index.cdx").decode()
    assert sorted(p["ts"] for p in pages) == ["2026-01-02T03:04:01Z", "2026-01-02T03:04:05Z"]
    assert "com,e)/s?__wb_method=post&q=a&x=1 " in index


BODIES = [
    ("POST", FORM, "q=%D0%B0+b&z=1&q=2"),
    ("POST", FORM, "\xff\xfe"),
    ("POST", "application/json", '{"a": {"b": [1, 2.0, 2.5, true, null]}, "b": "x y", "a2": []}'),
    ("POST", "application/json", "not json"),
    ("POST", "text/plain;charset=UTF-8", '{"event": "view", "n": 3}'),
    ("POST", "text/plain", "plain words"),
    ("POST", "application/octet-stream", "\x00\x01binary"),
    ("POST", "multipart/form-data; boundary=XyZ",
     '--XyZ\r\nContent-Disposition: form-data; name="name"\r\n\r\nАлесь\r\n'
     '--XyZ\r\nContent-Disposition: form-data; name="f"; filename="a.bin"\r\n'
     "Content-Type: application/octet-stream\r\n\r\n\x00\xff\r\n--XyZ--\r\n"),
    ("PUT", FORM, "a=1"),
    ("POST", FORM, ""),
    ("HEAD", None, ""),
    ("OPTIONS", None, ""),
    ("GET", None, ""),
]


@pytest.mark.skipif(not have_tool("python"), reason=f"pywb not installed in {tools_venv()}")
def test_method_query_is_pywbs_canonical_form():
    """The same keys pywb computes for an incoming request, so its lookups find ours."""
    encoded = [(m, c, b.encode("utf-8") if c != FORM or b != "\xff\xfe" else b"\xff\xfe")
               for m, c, b in BODIES]
    script = (
        "import io, json, sys\n"
        "from pywb.warcserver.inputrequest import MethodQueryCanonicalizer as M\n"
        "out = []\n"
        "for m, c, b in json.load(sys.stdin):\n"
        "    b = bytes.fromhex(b)\n"
        "    q = M(m, c, str(len(b)), io.BytesIO(b))\n"
        "    out.append(q.append_query('http://e.com/p').partition('?')[2])\n"
        "print(json.dumps(out))\n")
    res = subprocess.run([tools_bin("python"), "-c", script], capture_output=True, text=True,
                         timeout=60, input=json.dumps([(m, c, b.hex()) for m, c, b in encoded]))
    assert res.returncode == 0, res.stderr
    theirs = json.loads(res.stdout)
    ours = [method_query(m, c, str(len(b)), b) for m, c, b in encoded]
    assert ours == theirs


def test_a_multipart_file_field_is_keyed_by_its_bytes():
    body = (b'--B\r\nContent-Disposition: form-data; name="f"; filename="x"\r\n\r\n'
            b"\x00\xff\r\n--B--\r\n")
    assert method_query("POST", "multipart/form-data; boundary=B", str(len(body)), body) == (
        "__wb_method=POST&f=%00%FF")


def test_the_cli_index_is_the_same(warcs, tmp_path):
    out = tmp_path / "i.cdxj"
    res = subprocess.run([sys.executable, "-m", "archive", "index", *map(str, warcs), "-o",
                          str(out)], capture_output=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert out.read_text().splitlines() == build_index(warcs)


def _exchange(method: str, second: int, answer: bytes) -> list[bytes]:
    """A request record of ``method`` and its response, linked as wget links them."""
    req_id = f"<urn:uuid:00000000-0000-0000-0000-{second:012d}>"
    date = f"2026-01-02T03:04:{second:02d}Z"
    head = f"{method} /p HTTP/1.1\r\nHost: e.com\r\n".encode()
    if method == "POST":
        head += f"Content-Type: {FORM}\r\nContent-Length: 3\r\n\r\nq=1".encode()
    else:
        head += b"\r\n"
    return [record("request", "http://e.com/p", head, rec_id=req_id, date=date),
            record("response", "http://e.com/p", answer, date=date,
                   extra=[("WARC-Concurrent-To", req_id)])]


@pytest.mark.parametrize("other", ["HEAD", "POST"])
@pytest.mark.parametrize("confirm", ["304 response", "not-modified revisit"])
def test_a_gets_304_is_the_earlier_gets_page_not_a_head_or_posts(tmp_path, other, confirm):
    """wget -N's 304 (or Heritrix's server-not-modified revisit) of a GET confirms the page an
    earlier GET got: a HEAD's capture (no body) or a POST's answer between them is no original
    of it (the GET was answered with an empty page, or with the POST's result)."""
    not_modified = b"HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n"
    last = (_exchange("GET", 3, not_modified) if confirm == "304 response" else [record(
        "revisit", "http://e.com/p", not_modified, date="2026-01-02T03:04:03Z", digests=False,
        extra=[("WARC-Profile",
                "http://netpreserve.org/warc/1.1/revisit/server-not-modified")])])
    answer = http_response(b"" if other == "HEAD" else b"<title>POST</title>")
    path = tmp_path / "w.warc.gz"
    path.write_bytes(gz_each([*_exchange("GET", 1, http_response(b"<title>GET</title>")),
                              *_exchange(other, 2, answer), *last]))
    with ArchiveLookup([path]) as lookup:
        got = lookup.get("http://e.com/p")
    assert got is not None and got.status == 200 and got.payload == b"<title>GET</title>"
    assert got.date == _at(3)


def test_a_revisit_of_another_requests_payload_finds_it_by_its_digest(tmp_path):
    """An identical-payload revisit names the payload by its digest: a POST (``q=2``)
    answered as an earlier POST (``q=1``) was is that capture's page, whatever request made
    it; only a revisit no digest tells (a 304's) is looked for among its own request's."""
    import base64
    import hashlib

    page = b"<title>POST</title>"
    digest = "sha1:" + base64.b32encode(hashlib.sha1(page).digest()).decode()
    req_id = "<urn:uuid:00000000-0000-0000-0000-000000000099>"
    head = (f"POST /p HTTP/1.1\r\nHost: e.com\r\nContent-Type: {FORM}\r\n"
            "Content-Length: 3\r\n\r\nq=2").encode()
    revisit = record("revisit", "http://e.com/p", b"HTTP/1.1 200 OK\r\n\r\n",
                     date="2026-01-02T03:04:02Z", digests=False, extra=[
                         ("WARC-Concurrent-To", req_id), ("WARC-Payload-Digest", digest),
                         ("WARC-Refers-To-Target-URI", "http://e.com/p"),
                         ("WARC-Refers-To-Date", "2026-01-02T03:04:01Z"),
                         ("WARC-Profile",
                          "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest")])
    path = tmp_path / "w.warc.gz"
    path.write_bytes(gz_each([*_exchange("POST", 1, http_response(page)),
                              record("request", "http://e.com/p", head, rec_id=req_id,
                                     date="2026-01-02T03:04:02Z"), revisit]))
    errors: list = []
    with ArchiveLookup([path], on_error=errors.append) as lookup:
        got = lookup.get("http://e.com/p", method=method_query("POST", FORM, "3", b"q=2"))
    assert got is not None and (got.status, got.payload, got.date) == (200, page, _at(2))
    assert errors == []
