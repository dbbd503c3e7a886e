"""Hand-made record shapes other tools write or leave: read as warcio reads them, or reported
by file and offset."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from archive.cdxj import build_index
from archive.errors import UnservedRecord
from archive.methods import method_query
from archive.reader import ArchiveLookup, iter_records, iter_responses
from archive.records import parse_warc_date
from archive.urls import normalize_url, surt
from archive.verify import verify
from tests.support.warcs import gz, http_request, http_response, record, response


def _raw_response(url: bytes, body: bytes, extra: bytes = b"") -> bytes:
    block = http_response(body)
    head = (b"WARC/1.1\r\nWARC-Type: response\r\n"
            b"WARC-Record-ID: <urn:uuid:11111111-2222-3333-4444-555555555555>\r\n"
            b"WARC-Date: 2026-01-02T03:04:05Z\r\nWARC-Target-URI: " + url + b"\r\n" + extra
            + b"Content-Type: application/http; msgtype=response\r\n"
            + b"Content-Length: %d\r\n\r\n" % len(block))
    return head + block + b"\r\n\r\n"


@pytest.mark.parametrize("name", ["mixed.warc", "mixed.warc.gz"])
def test_one_latin1_field_leaves_a_utf8_target_uri_whole(tmp_path, name):
    url = "http://ex.com/новости"
    rec = _raw_response(url.encode(), b"<p>body</p>", extra=b"X-Crawler-Note: caf\xe9\r\n")
    path = tmp_path / name
    path.write_bytes(gz(rec) if name.endswith(".gz") else rec)
    errors: list = []
    lines = build_index([path], on_error=errors.append)
    assert [json.loads(ln.split(" ", 2)[2])["url"] for ln in lines] == [url]
    assert lines[0].startswith("com,ex)/%d0%bd%d0%be%d0%b2%d0%be%d1%81%d1%82%d0%b8 ")
    lookup = ArchiveLookup(path, on_error=errors.append)
    res = lookup.get(url)
    assert res is not None and res.payload == b"<p>body</p>"
    (info,) = iter_records(path)
    assert info.record.get("X-Crawler-Note") == "café"  # the odd field alone read as Latin-1
    assert errors == []


@pytest.mark.parametrize("digests", [True, False])
def test_stray_bytes_after_a_whole_record_in_its_gzip_member_are_left_out(tmp_path, digests):
    """Content-Length right (its digest agrees, or the separator follows): the bytes after
    the record are reported by offset, not glued onto the page."""
    body = b"<html><p>1</p></html>"
    rec = response("http://ex.com/1", body, digests=digests)
    path = tmp_path / "j.warc.gz"
    first = gz(response("http://ex.com/0", b"first"))
    path.write_bytes(first + gz(rec + b"junk after record"))
    second = len(first)
    errors: list = []
    res = ArchiveLookup(path, on_error=errors.append).get("http://ex.com/1")
    assert res is not None and res.payload == body
    assert [(e.offset, e.kept) for e in errors] == [(second, True)]
    assert errors[0].reason.startswith("17 stray bytes after its block")
    assert "b'junk after record'" in errors[0].reason
    report = verify([path])
    assert [(p.offset, p.severity) for p in report.problems] == [(second, "error")]
    assert report.problems[0].message.startswith("17 stray bytes")  # no digest mismatch


def test_a_warc_date_with_lower_case_t_and_z_is_read(tmp_path):
    path = tmp_path / "d.warc.gz"
    path.write_bytes(gz(response("http://ex.com/a", b"<p>a</p>", date="2026-01-02t03:04:05.5z")))
    errors: list = []
    lines = build_index([path], on_error=errors.append)
    assert [ln.split(" ", 2)[:2] for ln in lines] == [["com,ex)/a", "20260102030405"]]
    res = ArchiveLookup(path, on_error=errors.append).get("http://ex.com/a")
    assert res is not None and res.payload == b"<p>a</p>"
    assert res.date == datetime(2026, 1, 2, 3, 4, 5, 500000, UTC)
    assert errors == [] and verify([path]).problems == []
    with pytest.raises(ValueError, match="bad WARC-Date '2026-13-02t03:04:05z'"):
        parse_warc_date("2026-13-02t03:04:05z")


def test_a_leap_second_warc_date_is_read_as_the_second_before_it(tmp_path):
    """2016-12-31T23:59:60Z (UTC's leap second; warcio and pywb keep it as 14 digits): the
    record was skipped as a bad date, its capture lost to every reader."""
    path = tmp_path / "leap.warc.gz"
    path.write_bytes(gz(response("http://ex.com/a", b"<p>a</p>", date="2016-12-31T23:59:60Z")))
    errors: list = []
    res = ArchiveLookup(path, on_error=errors.append).get("http://ex.com/a")
    assert res is not None and res.date == datetime(2016, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert errors == [] and verify([path]).problems == []
    with pytest.raises(ValueError, match="bad WARC-Date"):
        parse_warc_date("2016-12-31T12:00:60Z")  # no leap second falls at noon


def test_an_empty_gzip_member_is_no_record_and_no_damage(tmp_path):
    recs = [response(f"http://ex.com/{i}", b"<p>%d</p>" % i) for i in (1, 2)]
    path = tmp_path / "e.warc.gz"
    path.write_bytes(gz(recs[0]) + gz(b"") + gz(recs[1]) + gz(b"\r\n"))
    errors: list = []
    infos = list(iter_records(path, errors.append))
    assert [(i.offset, i.record.target_uri) for i in infos] == [
        (0, "http://ex.com/1"), (len(gz(recs[0])) + len(gz(b"")), "http://ex.com/2")]
    assert errors == [] and verify([path]).problems == []
    assert ArchiveLookup(path).get("http://ex.com/2").payload == b"<p>2</p>"


def test_a_warc_truncated_response_is_not_served_but_reported_by_offset(tmp_path):
    whole = response("http://ex.com/a", b"<p>whole</p>")
    cut = record("response", "http://ex.com/a", http_response(b"<p>wh"), date="2026-01-03T00:00:00Z",
                  extra=[("WARC-Truncated", "time")])
    path = tmp_path / "t.warc.gz"
    path.write_bytes(gz(whole) + gz(cut))
    at = len(gz(whole))
    said = ("response for 'http://ex.com/a' is WARC-Truncated (time): only part of the "
            "response, not served")
    errors: list = []
    res = ArchiveLookup(path, on_error=errors.append).get("http://ex.com/a")
    assert res is not None and res.payload == b"<p>whole</p>"  # the whole capture before it
    assert [(type(e), e.file, e.offset, e.reason, e.kept) for e in errors] == [
        (UnservedRecord, str(path), at, said, False)]  # said, but no damage
    errors.clear()
    assert [r.payload for r in iter_responses(path, on_error=errors.append)] == [b"<p>whole</p>"]
    assert [(e.offset, e.reason) for e in errors] == [(at, said)]
    assert [(p.offset, p.severity, p.message) for p in verify([path]).problems] == [
        (at, "warning", said)]


def test_a_request_naming_its_response_without_angle_brackets_pairs_it(tmp_path):
    """The POST's answer is not served for a GET of the URL (it is newer than the GET's)."""
    get = response("http://ex.com/form", b"<p>GET FORM</p>", date="2026-01-01T00:00:00Z")
    rid = "urn:uuid:0b0b0b0b-1111-2222-3333-444444444444"
    post = response("http://ex.com/form", b"<p>POST RESULT</p>", rec_id=f"<{rid}>")
    req = record("request", "http://ex.com/form",
                 b"POST /form HTTP/1.1\r\nHost: ex.com\r\nContent-Type: "
                 b"application/x-www-form-urlencoded\r\nContent-Length: 3\r\n\r\na=1",
                 extra=[("WARC-Concurrent-To", rid)])
    path = tmp_path / "p.warc.gz"
    path.write_bytes(gz(get) + gz(post) + gz(req))
    lookup = ArchiveLookup(path)
    assert lookup.get("http://ex.com/form").payload == b"<p>GET FORM</p>"
    query = method_query("POST", "application/x-www-form-urlencoded", "3", b"a=1")
    assert lookup.get("http://ex.com/form", method=query).payload == b"<p>POST RESULT</p>"
    assert [p.message for p in verify([path]).problems] == []


@pytest.mark.parametrize(("resp_url", "req_url"), [
    ("http://пример.рф/a", "http://xn--e1afmkfd.xn--p1ai/a"),
    ("http://ex.com/a?", "http://ex.com/a"),
    ("http://ex.com/s?q=a b", "http://ex.com/s?q=a+b"),
    ("http://ex.com./a", "http://ex.com/a"),
])
def test_a_request_spelling_its_responses_url_otherwise_is_no_damaged_header(
        tmp_path, resp_url, req_url):
    rid = "<urn:uuid:11111111-0000-0000-0000-000000000001>"
    resp = response(resp_url, b"<p>page</p>", rec_id=rid)
    req = record("request", req_url, http_request("http://ex.com/a"),
                 extra=[("WARC-Concurrent-To", rid)])
    other = response("http://ex.com/b", b"<p>b</p>", rec_id="<urn:uuid:b>")
    bad_req = record("request", "http://ex.com/c", http_request("http://ex.com/c"),
                     extra=[("WARC-Concurrent-To", "<urn:uuid:b>")])
    path = tmp_path / "p.warc.gz"
    path.write_bytes(gz(resp) + gz(req) + gz(other) + gz(bad_req))
    at = len(gz(resp)) + len(gz(req))
    errors: list = []
    lookup = ArchiveLookup(path, on_error=errors.append)
    assert lookup.get(resp_url).payload == b"<p>page</p>"
    assert lookup.get("http://ex.com/b") is None  # a request for another URL still refuses it
    assert [e.offset for e in errors] == [at] and "a damaged header" in errors[0].reason
    assert [r.payload for r in iter_responses(path, on_error=lambda e: None)] == [b"<p>page</p>"]
    assert [(p.offset, p.severity) for p in verify([path]).problems
            if "different target URI" in p.message] == [(at + len(gz(other)), "error")]


@pytest.mark.parametrize("interim", [
    b"HTTP/1.1 100 Continue\r\n\r\n",
    b"HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload; as=style\r\n\r\n",
    b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n",
])
def test_interim_responses_before_the_final_one_are_passed_over(tmp_path, interim):
    """A recorder keeping the wire's bytes stores ``100 Continue`` or ``103 Early Hints``
    before the page's ``200``: the capture is the 200 (indexed, served), not a 1xx answer
    that hid the page and an older good capture of it."""
    url = "http://ex.com/news/a/"
    older = response(url, b"<p>older</p>", date="2026-01-01T00:00:00Z")
    newer = record("response", url, interim + http_response(b"<p>newer</p>"))
    path = tmp_path / "interim.warc.gz"
    path.write_bytes(gz(older) + gz(newer))
    lines = build_index([path])
    assert [json.loads(ln.split(" ", 2)[2])["status"] for ln in lines] == ["200", "200"]
    with ArchiveLookup(path) as lookup:
        got = lookup.get(url)
        assert (got.status, got.payload) == (200, b"<p>newer</p>")
    # a 101 is final, and a 1xx with no response after it stays what it is
    lone = record("response", url, b"HTTP/1.1 103 Early Hints\r\n\r\n<p>x</p>")
    path.write_bytes(gz(lone))
    assert json.loads(build_index([path])[0].split(" ", 2)[2])["status"] == "103"


@pytest.mark.parametrize("block", [
    b"HTTP/1.1 100 Continue\r\n\r\n" * 17 + http_response(b"<p>page</p>"),  # past MAX_INTERIM
    b"HTTP/1.1\r\nContent-Type: text/html\r\n\r\n<p>page</p>",  # a status line with no code
    b"HTTP/1.1 \r\nContent-Type: text/html\r\n\r\n<p>page</p>",
], ids=["interims", "no-code", "blank-code"])
def test_a_response_with_no_status_to_serve_is_refused_by_every_reader(tmp_path, block):
    """More interim responses than are read before the page served the 1xx as the page, and
    a status line with no code was served as status 0; ``verify`` said nothing of either.
    Now each is a bad record, by file and offset, and the good one after it is read."""
    first = gz(record("response", "http://ex.com/odd", block))
    path = tmp_path / "odd.warc.gz"
    path.write_bytes(first + gz(response("http://ex.com/ok", b"<p>ok</p>")))
    errors: list = []
    with ArchiveLookup(path, on_error=errors.append) as lookup:
        assert lookup.get("http://ex.com/odd") is None
        assert lookup.get("http://ex.com/ok").payload == b"<p>ok</p>"
    assert [e.offset for e in errors] == [0]
    assert [r.url for r in iter_responses(path, on_error=lambda e: None)] == ["http://ex.com/ok"]
    assert [(p.offset, p.severity) for p in verify([path]).problems] == [(0, "error")]


def test_verify_names_a_record_type_the_standard_does_not_have(tmp_path):
    """A ``WARC-Type: foo`` record passed verify unsaid, while replay passes it over."""
    odd = record("foo", "http://ex.com/odd", http_response(b"<p>odd</p>"))
    path = tmp_path / "odd.warc.gz"
    path.write_bytes(gz(odd) + gz(response("http://ex.com/ok", b"<p>ok</p>")))
    assert [(p.offset, p.severity, p.message.split(":")[0]) for p in verify([path]).problems
            ] == [(0, "warning", "WARC-Type 'foo' is none of the standard's types")]
    assert [r.url for r in iter_responses(path, on_error=lambda e: None)] == ["http://ex.com/ok"]


@pytest.mark.parametrize(("uri", "why"), [
    ("www.belta.by/news/1", "is not an absolute http(s) URL (no scheme)"),
    ("/news/1", "is not an absolute http(s) URL (no scheme)"),
    ("http://www.belta.by:99999/news/1", "names no port in 0-65535"),
    ("http://www.belta.by:0x50/news/1", "names no port in 0-65535"),
    ("http://[::1]:65536/news/1", "names no port in 0-65535"),
])
def test_a_web_capture_no_one_can_ask_for_is_refused_by_every_reader(tmp_path, uri, why):
    """With no scheme, or a port out of range, such a capture was indexed under a guessed
    key (the host's, without the port: the portless page's) and listed, never replayed,
    and verify and re-extraction said nothing. Now every reader skips it with one error,
    by file and offset."""
    first = gz(response("http://ex.com/ok", b"<p>ok</p>"))
    path = tmp_path / "odd.warc.gz"
    path.write_bytes(first + gz(response(uri, b"<p>odd</p>")))
    want = f"record skipped: WARC-Target-URI {uri!r} {why}"
    report = verify([path])
    assert [(p.file, p.offset, p.severity, p.message) for p in report.problems] == [
        (str(path), len(first), "error", want)]
    errors: list = []
    lines = build_index([path], on_error=errors.append)
    assert [ln.split(" ", 1)[0] for ln in lines] == ["com,ex)/ok"]
    assert [(e.offset, e.reason) for e in errors] == [(len(first), want)]
    errors.clear()
    lookup = ArchiveLookup(path, on_error=errors.append)
    assert lookup.urls() == ["http://ex.com/ok"]
    assert lookup.get("http://www.belta.by/news/1") is None
    assert [(e.offset, e.reason) for e in errors] == [(len(first), want)]


@pytest.mark.parametrize(("uri", "key", "surt_key"), [
    ("http://ex.com:99999/a", "http://ex.com:99999/a", "com,ex:99999)/a"),
    ("http://ex.com:0x50/a", "http://ex.com:0x50/a", "com,ex:0x50)/a"),
    ("http://[::1]:8080/a", "http://[::1]:8080/a", "::1:8080)/a"),
])
def test_a_url_with_an_odd_port_keeps_it_in_its_keys(uri, key, surt_key):
    """A port that is no number in range was dropped from the keys, so the URL was taken
    for the same page without a port; an IPv6 host lost its brackets in the lookup key
    (``http://::1:8080/a`` reads as another host and port)."""
    assert (normalize_url(uri), surt(uri)) == (key, surt_key)
    assert normalize_url("http://ex.com/a") == "http://ex.com/a"


def test_other_tools_uris_with_a_scheme_and_no_host_are_read_as_before(tmp_path):
    """dns: (Heritrix's response records), metadata:// and urn: URIs are no web page's."""
    recs = [record("response", "dns:www.belta.by", b"20260102030405\nwww.belta.by. 60 IN A 1.2.3.4\n",
                   ctype="text/dns"),
            record("metadata", "metadata://gnu.org/software/wget/warc/MANIFEST.txt", b"a.txt\n",
                   ctype="text/plain"),
            record("resource", "urn:X-wget:log", b"log\n", ctype="text/plain")]
    path = tmp_path / "tools.warc"
    path.write_bytes(b"".join(recs))
    errors: list = []
    assert [i.record.target_uri for i in iter_records(path, errors.append)] == [
        "dns:www.belta.by", "metadata://gnu.org/software/wget/warc/MANIFEST.txt", "urn:X-wget:log"]
    assert errors == []
    assert not [p for p in verify([path]).problems if "absolute" in p.message]


@pytest.mark.parametrize("name,values", [
    ("WARC-Target-URI", ("http://ex.com/a", "http://ex.com/b")),
    ("Content-Length", ("100", None)),  # None: the block's own length
    ("Content-Length", (None, "100")),
])
def test_verify_names_a_field_given_twice_with_different_values(tmp_path, name, values):
    """Readers take the first value (as warcio does) and said nothing: which page or length
    the record has depended on the tool. Now verify says which field, and both values."""
    block = http_response(b"<p>a</p>")
    real = str(len(block))
    first, second = (real if v is None else v for v in values)
    extra = [(name, second)] if name == "WARC-Target-URI" else []
    rec = record("response", "http://ex.com/a", block, extra=extra, length=first)
    if name == "Content-Length":  # a second Content-Length right after the first
        rec = rec.replace(f"Content-Length: {first}\r\n".encode(),
                          f"Content-Length: {first}\r\nContent-Length: {second}\r\n".encode())
    head = gz(response("http://ex.com/0", b"zero"))
    path = tmp_path / "dup.warc.gz"
    path.write_bytes(head + gz(rec))
    want = (f"{name} given twice with different values: {first!r} and {second!r} "
            "(the first is read)")
    problems = verify([path]).problems
    assert [(p.file, p.offset, p.severity) for p in problems if p.message == want] == [
        (str(path), len(head), "error")]


def test_verify_passes_repeatable_fields_and_a_value_given_twice_alike(tmp_path):
    req = ("WARC-Concurrent-To", "<urn:uuid:00000000-0000-0000-0000-000000000001>")
    rec = response("http://ex.com/a", b"<p>a</p>", extra=[
        req, ("WARC-Concurrent-To", "<urn:uuid:00000000-0000-0000-0000-000000000002>"),
        ("WARC-Protocol", "h2"), ("WARC-Protocol", "tls/1.3"),
        ("WARC-Target-URI", " http://ex.com/a ")])
    path = tmp_path / "ok.warc.gz"
    path.write_bytes(gz(rec))
    assert not [p for p in verify([path]).problems if "given twice" in p.message]


def test_an_http_head_with_bare_cr_line_ends_is_refused_not_served_empty(tmp_path):
    """Read as LF-ended lines, a head whose lines end in a lone CR is one status line with no
    fields and no body: replay served an empty 200 and re-extraction lost the page unsaid
    (warcio reads it so too). Every reader refuses it by file and offset now."""
    url = "http://ex.com/news/cr/"
    first = gz(response("http://ex.com/ok", b"<p>ok</p>"))
    bare = b"HTTP/1.1 200 OK\rContent-Type: text/html\rContent-Length: 9\r\r<p>cr</p>"
    path = tmp_path / "cr.warc.gz"
    path.write_bytes(first + gz(record("response", url, bare)))
    said = "HTTP head with bare CR line ends"
    assert [(p.offset, p.severity) for p in verify([path]).problems if said in p.message] == [
        (len(first), "error")]
    errors: list = []
    assert [r.url for r in iter_responses(path, on_error=errors.append)] == ["http://ex.com/ok"]
    assert [(e.offset, said in e.reason) for e in errors] == [(len(first), True)]
    with ArchiveLookup(path, on_error=errors.append) as lookup:
        assert lookup.get(url) is None
    assert len(errors) == 2 and said in errors[1].reason


def test_a_lower_case_final_status_line_after_an_interim_one_is_the_page(tmp_path):
    url = "http://ex.com/news/lc/"
    path = tmp_path / "lc.warc.gz"
    path.write_bytes(gz(record("response", url, b"HTTP/1.1 100 Continue\r\n\r\n"
                               + http_response(b"<p>page</p>").replace(b"HTTP/", b"http/", 1))))
    with ArchiveLookup(path) as lookup:
        got = lookup.get(url)
        assert (got.status, got.payload) == (200, b"<p>page</p>")


@pytest.mark.parametrize("code", ["020", "20", "2000"])
def test_a_status_code_of_other_than_three_digits_is_refused(tmp_path, code):
    url = "http://ex.com/news/code/"
    path = tmp_path / "code.warc.gz"
    path.write_bytes(gz(record("response", url, f"HTTP/1.1 {code} OK\r\n\r\n<p>x</p>".encode())))
    errors: list = []
    assert list(iter_responses(path, on_error=errors.append)) == []
    assert [f"bad HTTP status line 'HTTP/1.1 {code} OK'" in e.reason for e in errors] == [True]


@pytest.mark.parametrize("over", [1, 2, 3])
@pytest.mark.parametrize("name", ["a.warc", "a.warc.gz"])
def test_a_content_length_that_takes_in_the_separator_is_reported_and_the_block_cut_back(
        tmp_path, name: str, over: int) -> None:
    """A Content-Length 1 to 3 bytes too large swallows part of CRLF CRLF: the page was served
    with "\\r\\n\\r" appended, index exited 0 and verify told only of digest mismatches. The
    block digest holding without those bytes says so; the record is kept, reported."""
    url = "http://example.com/page"
    block = http_response(b"<html><body>the page</body></html>")
    records = [record("response", url, block, length=str(len(block) + over)),
               response("http://example.com/next", b"the next page")]
    path = tmp_path / name
    path.write_bytes(b"".join(map(gz, records)) if name.endswith(".gz") else b"".join(records))
    errors: list = []
    got = ArchiveLookup(path, on_error=errors.append).get(url)
    assert got.payload == b"<html><body>the page</body></html>"
    assert [str(e).split(": ", 2)[-1] for e in errors] == [
        f"Content-Length {len(block) + over} but {len(block)} bytes "
        + ("in its gzip member; block taken up to the end of the member" if name.endswith(".gz")
           else "before the record separator; block taken up to it") + " (record kept)"]
    report = verify([path])
    assert not report.ok and not any("mismatch" in p.message for p in report.problems)
    assert ArchiveLookup(path, on_error=[].append).get("http://example.com/next").payload \
        == b"the next page"


def test_a_block_ending_in_line_ends_keeps_them_when_its_digest_holds(tmp_path) -> None:
    """Line ends closing a block whose length and digest are right are its own: no cut."""
    block = http_response(b"text\r\n\r")
    path = tmp_path / "a.warc"
    path.write_bytes(record("response", "http://example.com/page", block)
                     + response("http://example.com/next", b"next"))
    assert ArchiveLookup(path).get("http://example.com/page").payload == b"text\r\n\r"
    assert verify([path]).ok


@pytest.mark.parametrize("date", ["２０２６-01-03T03:04:05Z", "2026-01-03T03:04:05.１Z",
                                  "２０２６０１０３０３０４０５", "2026-01-0３"])
def test_a_warc_date_with_non_ascii_digits_is_a_bad_date(tmp_path, date):
    """int(), \\d and strptime read full-width and other Unicode digits: such a record was
    indexed and served as captured at that date, though a WARC-Date is ASCII (WARC 1.1, 5.4)
    and other readers refuse it. It is a bad date now, said by file and offset; the capture
    before it answers."""
    older = gz(response("http://ex.com/a", b"<p>older</p>"))
    path = tmp_path / "w.warc.gz"
    path.write_bytes(older + gz(response("http://ex.com/a", b"<p>odd date</p>", date=date)))
    errors: list = []
    res = ArchiveLookup(path, on_error=errors.append).get("http://ex.com/a")
    assert res is not None and res.payload == b"<p>older</p>"
    assert [(str(e.file), e.offset) for e in errors] == [(str(path), len(older))]
    assert "not ASCII" in errors[0].reason and "bad WARC-Date" in errors[0].reason
    assert [p.offset for p in verify([path]).problems if "not ASCII" in p.message] == [
        len(older)]
    with pytest.raises(ValueError, match="not ASCII"):
        parse_warc_date(date)


@pytest.mark.parametrize("length", ["²", "１００", "⁵⁰"])
def test_an_http_content_length_of_non_ascii_digits_says_nothing(tmp_path, length):
    """A Content-Length "²" passed isdigit() and broke int(): the record was reported as
    unreadable and its page lost; "１００" was read as 100 and the page called cut short.
    Such a length is no length (a browser ignores it): the body is served as stored."""
    body = b"<p>page</p>"
    block = (f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {length}\r\n\r\n"
             .encode() + body)
    path = tmp_path / "l.warc.gz"
    path.write_bytes(gz(record("response", "http://ex.com/a", block,
                               ctype="application/http; msgtype=response")))
    errors: list = []
    res = ArchiveLookup(path, on_error=errors.append).get("http://ex.com/a")
    assert res is not None and res.payload == body and res.status == 200
    assert errors == []


MIXED = {  # file name -> how each of the records is stored: z (a gzip member) or p (plain)
    "plain_in_gzipped.warc.gz": "zpz",  # a .warc appended to a .warc.gz, and more after it
    "gzipped_in_plain.warc": "pzp",  # a .warc.gz appended to a .warc
    "runs.warc.gz": "zzppzzp",  # several appends, ending plain
    "runs.warc": "ppzzpz",
}


@pytest.mark.parametrize("name", MIXED)
def test_records_of_the_other_compression_appended_to_a_warc_are_read(tmp_path, name):
    """WARC files appended to one another (cat a.warc.gz b.warc >> c.warc.gz, a tool writing
    on in another mode): each record stored plain or as a gzip member of its own. The walk
    by the file's first kind reported the other's records as garbage (or a header not
    terminated) and lost their pages. Each is read where it stands: walked, indexed at its
    offset, looked up and served, and verify finds nothing wrong."""
    kinds = MIXED[name]
    recs = [response(f"http://ex.com/{i}", b"<p>page %d</p>" % i) for i in range(len(kinds))]
    stored = [gz(r) if kind == "z" else r for r, kind in zip(recs, kinds, strict=True)]
    path = tmp_path / name
    path.write_bytes(b"".join(stored))
    errors: list = []
    offsets = [i.offset for i in iter_records(path, on_error=errors.append)]
    assert offsets == [sum(map(len, stored[:i])) for i in range(len(stored))]
    lookup = ArchiveLookup(path, on_error=errors.append)
    for i in range(len(kinds)):
        assert lookup.get(f"http://ex.com/{i}").payload == b"<p>page %d</p>" % i
    assert errors == []
    assert verify([path]).problems == []
    rows = build_index([path])
    assert sorted(int(json.loads(row.split(" ", 2)[2])["offset"]) for row in rows) == offsets


def test_garbage_between_mixed_records_costs_only_itself(tmp_path):
    """Garbage after a plain record in a gzipped WARC, and before a plain one: the walk goes
    on at whichever comes first after it, a member or a plain record."""
    recs = [response(f"http://ex.com/{i}", b"<p>%d</p>" % i) for i in range(4)]
    path = tmp_path / "m.warc.gz"
    junk = b"\x00junk bytes\x00" * 10
    path.write_bytes(gz(recs[0]) + recs[1] + junk + recs[2] + gz(recs[3]))
    errors: list = []
    lookup = ArchiveLookup(path, on_error=errors.append)
    assert [lookup.get(f"http://ex.com/{i}") is not None for i in range(4)] == [True] * 4
    assert [e.offset for e in errors] == [len(gz(recs[0])) + len(recs[1])]


@pytest.mark.parametrize("damage", ["junk", "torn member", "bad header"])
def test_plain_records_after_damage_in_a_gzipped_warc_are_read(tmp_path, damage):
    """``cat b.warc >> a.warc.gz`` onto a file whose last member was torn (a killed crawl),
    or with junk or a damaged plain header first: the walk went on only at a gzip header,
    so the plain records after the damage were lost. It goes on at whichever comes first."""
    recs = [response(f"http://ex.com/{i}", b"<p>%d</p>" % i) for i in range(4)]
    bad = {"junk": b"junkjunk\n", "torn member": gz(recs[1])[:60],
           "bad header": b"WARC/1.0\r\nWARC-Type response\r\n\r\n"}[damage]
    path = tmp_path / "m.warc.gz"
    path.write_bytes(gz(recs[0]) + bad + recs[2] + recs[3])
    errors: list = []
    lookup = ArchiveLookup(path, on_error=errors.append)
    assert [lookup.get(f"http://ex.com/{i}") is not None for i in range(4)] == [
        True, False, True, True]
    assert lookup.get("http://ex.com/3").payload == b"<p>3</p>"
    assert [e.offset for e in errors] == [len(gz(recs[0]))]


def test_a_gzip_coded_page_after_a_plain_record_cut_short_is_no_member(tmp_path):
    """A plain record whose Content-Length ends before its HTTP head's CRLF CRLF, the page
    gzip-coded: what follows looks like a record separator and a gzip member, but the member
    holds no WARC record (its first inflated bytes say so), so it is the record's block,
    taken up to the next record as before (its block digest says the length is wrong)."""
    import gzip as gzip_module

    body = gzip_module.compress(b"<p>coded page</p>" * 20)
    head = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Type: text/html\r\n\r\n"
    cut = record("response", "http://ex.com/c", head + body, length=str(len(head) - 4))
    path = tmp_path / "cut.warc"
    path.write_bytes(cut + response("http://ex.com/next", b"<p>next</p>"))
    errors: list = []
    lookup = ArchiveLookup(path, on_error=errors.append)
    assert lookup.get("http://ex.com/c").payload == body  # (served as stored: coded)
    assert lookup.get("http://ex.com/next").payload == b"<p>next</p>"
    assert any("bad Content-Length" in e.reason for e in errors), errors
