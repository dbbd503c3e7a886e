"""Revisits are replayed only with a payload that can be theirs (other tools' WARCs included)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from pathlib import Path

from archive.reader import ArchiveLookup, iter_responses
from archive.verify import verify
from tests.support.warcs import http_response, record, response, sha1_b32

URL = "http://example.com/page"
NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
SAME_PAYLOAD = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
HEAD_304 = b"HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n"
HEAD_200 = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"


def _revisit(date: str, head: bytes, *extra: tuple[str, str]) -> bytes:
    return record("revisit", URL, head, date=date, extra=list(extra))


def _not_modified(date: str, original_date: str) -> bytes:
    """A 304 revisit as a crawler that sends conditional requests writes it."""
    return _revisit(date, HEAD_304, ("WARC-Profile", NOT_MODIFIED),
                    ("WARC-Refers-To-Target-URI", URL), ("WARC-Refers-To-Date", original_date))


def _warc(tmp_path: Path, *records: bytes) -> Path:
    path = tmp_path / "foreign.warc"
    path.write_bytes(b"".join(records))
    return path


def test_a_304_revisit_is_served_as_the_capture_before_it_never_a_later_one(tmp_path):
    """Its own original (Refers-To-Date) is not in the files; the next best is the newest
    capture before it, replayed with that capture's status and headers."""
    path = _warc(
        tmp_path,
        response(URL, b"version one", date="2024-01-01T00:00:00Z"),
        _not_modified("2024-01-02T00:00:00Z", "2023-12-01T00:00:00Z"),
        response(URL, b"version three", date="2024-01-03T00:00:00Z"),
    )
    got = ArchiveLookup(path).get(URL, at=datetime(2024, 1, 2, 12, tzinfo=UTC))
    assert (got.status, got.payload) == (200, b"version one")
    assert ("Content-Length", "11") in got.headers  # the original's head, not the 304's
    assert got.date == datetime(2024, 1, 2, tzinfo=UTC)


def test_a_304_revisit_as_the_latest_capture_replays_and_reextracts_as_its_original(tmp_path):
    path = _warc(
        tmp_path,
        response(URL, b"the article", date="2024-01-01T00:00:00Z"),
        _not_modified("2024-01-02T00:00:00Z", "2024-01-01T00:00:00Z"),
    )
    got = ArchiveLookup(path).get(URL)
    assert (got.status, got.payload, got.date.day) == (200, b"the article", 2)
    assert [(r.status, r.payload) for r in iter_responses(path)] == [(200, b"the article")] * 2


def test_a_revisit_naming_another_urls_record_with_another_payload_is_refused(tmp_path):
    other, rid = "http://example.com/login", f"<urn:uuid:{uuid.uuid4()}>"
    path = _warc(
        tmp_path,
        response(other, b"the login form", date="2024-01-01T00:00:00Z", rec_id=rid),
        _revisit("2024-01-02T00:00:00Z", HEAD_200, ("WARC-Profile", SAME_PAYLOAD),
                 ("WARC-Refers-To", rid),
                 ("WARC-Payload-Digest", sha1_b32(b"the page, never stored"))),
    )
    errors: list = []
    assert ArchiveLookup(path, on_error=errors.append).get(URL) is None
    assert any("revisit target refused: payload digest" in str(e) for e in errors)
    assert all(r.url != URL for r in iter_responses(path, on_error=errors.append))
    problems = [p for p in verify([path]).errors if "payload digest" in p.message]
    assert [p.offset for p in problems] == [path.read_bytes().index(b"WARC/1.1", 1)]


def test_a_revisit_of_the_same_payload_at_another_url_still_replays(tmp_path):
    """URL-agnostic deduplication (the digests agree) is legitimate."""
    other, rid, body = "http://example.com/mirror", f"<urn:uuid:{uuid.uuid4()}>", b"same bytes"
    path = _warc(
        tmp_path,
        response(other, body, date="2024-01-01T00:00:00Z", rec_id=rid),
        _revisit("2024-01-02T00:00:00Z", HEAD_200, ("WARC-Profile", SAME_PAYLOAD),
                 ("WARC-Refers-To", rid), ("WARC-Payload-Digest", sha1_b32(body))),
    )
    assert ArchiveLookup(path).get(URL).payload == body
    assert sorted(r.url for r in iter_responses(path)) == [other, URL]
    assert verify([path]).ok


def test_verify_names_records_without_their_mandatory_fields(tmp_path):
    path = _warc(tmp_path, record("resource", URL, b"x", date=""),
                 record("", URL, b"y").replace(b"WARC-Type: \r\n", b""))
    # a record with no WARC-Date is one no reader takes (no capture time): verify says so
    assert sorted(p.message for p in verify([path]).errors) == [
        "record skipped: missing WARC-Type", "record skipped: no WARC-Date"]


def test_a_revisit_whose_digest_is_written_in_another_encoding_still_replays(tmp_path):
    """One SHA-1 in base32 (warcio) on the original and in hex on the revisit: the same."""
    body, rid = b"same bytes", f"<urn:uuid:{uuid.uuid4()}>"
    hex_digest = "sha1:" + hashlib.sha1(body).hexdigest()
    path = _warc(
        tmp_path,
        response(URL, body, date="2024-01-01T00:00:00Z", rec_id=rid),
        _revisit("2024-01-02T00:00:00Z", HEAD_200, ("WARC-Profile", SAME_PAYLOAD),
                 ("WARC-Refers-To", rid), ("WARC-Payload-Digest", hex_digest)),
    )
    assert [r.payload for r in iter_responses(path)] == [body, body]
    assert ArchiveLookup(path).get(URL).payload == body
    assert verify([path]).ok


def test_a_revisit_of_the_https_spelling_finds_its_original_archived_as_http(tmp_path):
    """Heritrix-style dedup (pywb's iana sample): the revisit is for https://, names its
    original by URI and date only, and that original was archived under http://. pywb finds it
    by the URL's SURT key and payload digest; so must replay and re-extraction."""
    body, https = b"body { color: black }", URL.replace("http:", "https:", 1)
    path = _warc(
        tmp_path,
        response(URL, body, date="2024-01-01T00:00:00Z"),
        record("revisit", https, HEAD_200, date="2024-01-02T00:00:00Z", extra=[
            ("WARC-Profile", SAME_PAYLOAD), ("WARC-Refers-To-Target-URI", https),
            ("WARC-Refers-To-Date", "2024-01-01T00:00:00Z"),
            ("WARC-Payload-Digest", sha1_b32(body))]),
    )
    errors: list = []
    got = ArchiveLookup(path, on_error=errors.append).get(https)
    assert (got.url, got.payload, got.date.day) == (https, body, 2), errors
    assert sorted((r.url, r.payload) for r in iter_responses(path, on_error=errors.append)) == [
        (URL, body), (https, body)]
    assert not errors


def test_a_revisit_without_digest_never_takes_another_spellings_capture(tmp_path):
    """Without a digest nothing shows the http:// capture is the same payload: the revisit is
    not served as it (a lookup of https:// may still answer with the http:// capture itself)."""
    https = URL.replace("http:", "https:", 1)
    path = _warc(
        tmp_path,
        response(URL, b"the http page", date="2024-01-01T00:00:00Z"),
        record("revisit", https, HEAD_200, date="2024-01-02T00:00:00Z", digests=False, extra=[
            ("WARC-Profile", SAME_PAYLOAD), ("WARC-Refers-To-Target-URI", https),
            ("WARC-Refers-To-Date", "2024-01-01T00:00:00Z")]),
    )
    errors: list = []
    got = ArchiveLookup(path, on_error=errors.append).get(https)
    assert (got.url, got.date.day) == (URL, 1)
    assert [r.url for r in iter_responses(path, on_error=errors.append)] == [URL]
    assert errors


def test_a_revisit_with_an_empty_block_replays_as_its_original(tmp_path):
    """Old Heritrix dedup (WARC/0.18, pywb's example-extra): the revisit holds no HTTP head at
    all (Content-Length: 0). pywb replays it with its original's head and payload."""
    body = b"the article"
    path = _warc(
        tmp_path,
        response(URL, body, date="2024-01-01T00:00:00Z"),
        record("revisit", URL, b"", date="2024-01-02T00:00:00Z", digests=False, ctype="",
               extra=[("WARC-Profile", SAME_PAYLOAD), ("WARC-Refers-To-Target-URI", URL),
                      ("WARC-Refers-To-Date", "2024-01-01T00:00:00Z"),
                      ("WARC-Payload-Digest", sha1_b32(body))]),
    )
    errors: list = []
    got = ArchiveLookup(path, on_error=errors.append).get(URL)
    assert (got.status, got.payload, got.date.day) == (200, body, 2), errors
    assert ("Content-Length", str(len(body))) in got.headers
    assert [(r.payload, r.date.day) for r in iter_responses(path, on_error=errors.append)] == [
        (body, 1), (body, 2)]
    assert not errors


def test_a_revisit_passes_over_an_unreadable_capture_for_a_readable_one(tmp_path):
    """Two captures match the revisit (URL, date, digest: a record copied into the file, as
    in pywb's example-extra), the first with a bad HTTP protocol line: the revisit replays
    the readable one, as pywb (which never indexes the bad one as a GET) does."""
    body = b"the article"
    good = response(URL, body, date="2024-01-01T00:00:00Z")
    bad = record("response", URL, http_response(body).replace(b"HTTP/", b"HTTPX/", 1),
                 date="2024-01-01T00:00:00Z")
    path = _warc(
        tmp_path, bad, good,
        _revisit("2024-01-02T00:00:00Z", HEAD_200, ("WARC-Profile", SAME_PAYLOAD),
                 ("WARC-Refers-To-Target-URI", URL),
                 ("WARC-Refers-To-Date", "2024-01-01T00:00:00Z"),
                 ("WARC-Payload-Digest", sha1_b32(body))),
    )
    errors: list = []
    got = ArchiveLookup(path, on_error=errors.append).get(URL)
    assert (got.payload, got.date.day) == (body, 2), errors
    assert [(r.payload, r.date.day) for r in iter_responses(path, on_error=errors.append)] == [
        (body, 1), (body, 2)]


def _orphan_revisits(folder: Path, count: int) -> Path:
    """``count`` revisits of URL, each naming URL at a date no capture has: no original."""
    folder.mkdir()
    return _warc(folder, *(
        _revisit(f"2024-01-01T{n // 3600:02d}:{n // 60 % 60:02d}:{n % 60:02d}Z", HEAD_200,
                 ("WARC-Profile", SAME_PAYLOAD), ("WARC-Payload-Digest", sha1_b32(b"gone")),
                 ("WARC-Refers-To-Target-URI", URL),
                 ("WARC-Refers-To-Date", "2023-01-01T00:00:00Z"))
        for n in range(count)))


def _steps_of_get(path: Path) -> tuple[object, list[str], int]:
    """What get(URL) answers, what it reports, and the SQLite steps (thousands) it ran."""
    errors: list[str] = []
    with ArchiveLookup(path, on_error=lambda e: errors.append(str(e))) as lookup:
        steps = [0]
        lookup._db.set_progress_handler(lambda: steps.__setitem__(0, steps[0] + 1), 1000)
        got = lookup.get(URL)
    return got, errors, steps[0]


def test_revisits_without_an_original_cost_each_a_bounded_search(tmp_path):
    """get tries every capture, and each revisit looks for its original: searching the
    captures that can be one, not all the URL's captures (the other revisits) each time. Four
    times the revisits was sixteen times the SQLite steps; it is about four now."""
    few, many = _orphan_revisits(tmp_path / "few", 150), _orphan_revisits(tmp_path / "many", 600)
    got_few, errors_few, steps_few = _steps_of_get(few)
    got_many, errors_many, steps_many = _steps_of_get(many)
    assert got_few is None and got_many is None
    assert len(errors_few) == 150 and len(errors_many) == 600  # each reported, as before
    assert all("revisit or 304 without its original" in e for e in errors_many)
    assert steps_many < 8 * max(steps_few, 1), (steps_few, steps_many)


def test_the_search_for_a_revisits_original_uses_an_index(tmp_path):
    from archive.reader import _OF_DIGEST, _OF_METHOD, _ORIGINALS

    tier = '["http://example.com/page"]'
    with ArchiveLookup(_orphan_revisits(tmp_path / "r", 20)) as lookup:
        for query, params, searched in [
                (_ORIGINALS + _OF_METHOD, (tier, ""), "(url=? AND method=?)"),
                (_ORIGINALS + _OF_DIGEST, (tier, "k", "o"), "(url=?)")]:
            plan = [row[3] for row in lookup._db.execute(f"EXPLAIN QUERY PLAN {query}", params)]
            assert f"SEARCH c USING INDEX captures_originals {searched}" in plan, plan
            assert not any(step.startswith("SCAN c") for step in plan), plan


def test_a_record_id_two_files_share_never_answers_with_another_sites_page(tmp_path):
    """Two tools' files (or a copied record) share one WARC-Record-ID. A revisit naming it
    (Heritrix 3.1: WARC-Refers-To only) was answered with the other file's page of another
    site, because both carried a digest, of two algorithms, which proves nothing. Its own
    URL's capture answers; verify says the ID is shared."""
    rid, body = f"<urn:uuid:{uuid.uuid4()}>", b"the right story of site A"
    other = b"another site's page B"
    first = tmp_path / "a.warc"
    first.write_bytes(response(URL, body, date="2024-01-01T00:00:00Z", rec_id=rid)
                      + _revisit("2024-01-03T00:00:00Z", HEAD_200, ("WARC-Profile", SAME_PAYLOAD),
                                 ("WARC-Refers-To", rid),
                                 ("WARC-Payload-Digest", sha1_b32(body))))
    second = tmp_path / "b.warc"
    second.write_bytes(record(
        "response", "http://b.example.net/other", http_response(other),
        date="2024-01-02T00:00:00Z", rec_id=rid, digests=False,
        extra=[("WARC-Payload-Digest", "sha256:" + hashlib.sha256(other).hexdigest())]))
    for order in ([first, second], [second, first]):
        errors: list = []
        assert ArchiveLookup(order, on_error=errors.append).get(URL).payload == body
        replayed = [r.payload for r in iter_responses(order, on_error=errors.append)
                    if r.url == URL]
        assert replayed and set(replayed) == {body}
    shared = [p for p in verify([first, second]).problems if "WARC-Record-ID also names" in p.message]
    assert [(p.file, p.offset) for p in shared] == [(str(second), 0)]


def test_a_revisit_names_the_record_of_its_digest_among_two_sharing_its_id(tmp_path):
    """A later, other capture of the page in another file reuses the original's record ID
    (another tool's bug). Only the last record of the id was tried: verify called the revisit
    an error, replay and reextract reported it refused ("bad record skipped", exit 1) and
    then served it from its original all the same. None fitting is still said, once."""
    rid, body, later = f"<urn:uuid:{uuid.uuid4()}>", b"the original story", b"a later story"
    original, revisits, reused = tmp_path / "a.warc", tmp_path / "b.warc", tmp_path / "c.warc"
    original.write_bytes(response(URL, body, date="2024-01-01T00:00:00Z", rec_id=rid))
    reused.write_bytes(response(URL, later, date="2024-01-02T00:00:00Z", rec_id=rid))
    stray = "http://example.com/other"
    revisits.write_bytes(
        _revisit("2024-01-03T00:00:00Z", HEAD_200, ("WARC-Profile", SAME_PAYLOAD),
                 ("WARC-Refers-To", rid), ("WARC-Payload-Digest", sha1_b32(body)))
        + record("revisit", stray, HEAD_200, date="2024-01-03T00:00:00Z",
                 extra=[("WARC-Profile", SAME_PAYLOAD), ("WARC-Refers-To", rid),
                        ("WARC-Payload-Digest", sha1_b32(b"never stored"))]))
    files = [original, revisits, reused]
    stray_at = revisits.read_bytes().index(b"WARC/1.1", 1)
    errors: list = []
    lookup = ArchiveLookup(files, on_error=errors.append)
    assert lookup.get(URL).payload == body
    assert lookup.get(URL, at=datetime(2024, 1, 2, tzinfo=UTC)).payload == later
    assert errors == []
    assert lookup.get(stray) is None
    assert [(e.file, e.offset, e.reason) for e in errors] == [(
        str(revisits), stray_at, f"revisit target refused: payload digest {sha1_b32(later)} "
        f"is not the revisit's {sha1_b32(b'never stored')} (and 1 other record(s) of that id)"),
        (str(revisits), stray_at, "capture not replayable (a revisit or 304 without its "
         "original in these inputs)")]
    report = verify(files)
    assert [(p.severity, p.file, p.offset, p.message) for p in report.problems] == [
        ("warning", str(reused), 0, f"WARC-Record-ID also names an earlier record of {URL!r} "
         f"with payload digest {sha1_b32(body)}"),
        ("error", str(revisits), stray_at, f"WARC-Refers-To {rid} has payload digest "
         f"{sha1_b32(later)}, not the revisit's {sha1_b32(b'never stored')} (nor has any "
         "other record of that id)")]


def test_a_dedup_revisit_of_a_redirect_replays_from_its_own_head(tmp_path):
    """Heritrix deduplicates a 301 by its empty body's digest; its original is often not in
    the files (another crawl's). pywb serves the redirect from the revisit's head; replay and
    reextract called it "not replayable" and lost the article behind it. A 304's own digest
    is of its empty body too: it still needs its original."""
    head_301 = b"HTTP/1.1 301 Moved Permanently\r\nLocation: http://example.com/final\r\n\r\n"
    empty = sha1_b32(b"")
    path = _warc(
        tmp_path,
        _revisit("2024-01-02T00:00:00Z", head_301, ("WARC-Profile", SAME_PAYLOAD),
                 ("WARC-Payload-Digest", empty)),
        record("revisit", "http://example.com/other", head_301, date="2024-01-02T00:00:00Z",
               extra=[("WARC-Profile", SAME_PAYLOAD),
                      ("WARC-Payload-Digest", sha1_b32(b"a page never stored"))]),
        record("revisit", "http://example.com/nm", HEAD_304, date="2024-01-02T00:00:00Z",
               extra=[("WARC-Profile", NOT_MODIFIED), ("WARC-Payload-Digest", empty)]),
    )
    errors: list = []
    lookup = ArchiveLookup(path, on_error=errors.append)
    moved = lookup.get(URL)
    assert (moved.status, dict(moved.headers)["Location"], moved.payload) == (
        301, "http://example.com/final", b"")
    assert lookup.get("http://example.com/other") is None
    assert lookup.get("http://example.com/nm") is None
    assert [r.status for r in iter_responses(path, on_error=errors.append)] == [301]


def test_verify_warns_of_no_revisit_that_replay_resolves(tmp_path):
    """A revisit naming its original only by URL and payload digest (in hex), one naming a
    wrong WARC-Refers-To-Date, and a 304 naming an earlier revisit: replay resolves each,
    verify warned "revisit target not found" for each."""
    body = b"the page"
    hex_digest = "sha1:" + hashlib.sha1(body).hexdigest()
    path = _warc(
        tmp_path,
        response(URL, body, date="2024-01-01T00:00:00Z"),
        _revisit("2024-01-02T00:00:00Z", HEAD_200, ("WARC-Profile", SAME_PAYLOAD),
                 ("WARC-Payload-Digest", hex_digest)),
        _revisit("2024-01-03T00:00:00Z", HEAD_200, ("WARC-Profile", SAME_PAYLOAD),
                 ("WARC-Payload-Digest", sha1_b32(body)), ("WARC-Refers-To-Target-URI", URL),
                 ("WARC-Refers-To-Date", "2023-12-31T00:00:00Z")),
        _not_modified("2024-01-04T00:00:00Z", "2024-01-03T00:00:00Z"),
    )
    lookup = ArchiveLookup(path)
    for when in (2, 3, 4):
        assert lookup.get(URL, at=datetime(2024, 1, when, tzinfo=UTC)).payload == body
    report = verify([path])
    assert report.ok and [p.message for p in report.problems] == []


def test_verify_finds_a_revisits_original_under_another_spelling_as_replay_does(tmp_path):
    """The original archived as http:// or without www. (another crawl, another tool), the
    revisit naming it by payload digest, or by URL and date: replay resolves each by the
    SURT key, as pywb does; verify warned "revisit target not found"."""
    body = b"the page"
    page = "https://www.example.com/page"
    for original in ("http://www.example.com/page", "https://example.com/page",
                     "http://example.com/page/"):
        folder = tmp_path / str(abs(hash(original)))
        folder.mkdir()
        first = folder / "1.warc"
        first.write_bytes(response(original, body, date="2024-01-01T00:00:00Z"))
        second = folder / "2.warc"
        second.write_bytes(
            record("revisit", page, HEAD_200, date="2024-01-02T00:00:00Z",
                   extra=[("WARC-Profile", SAME_PAYLOAD),
                          ("WARC-Payload-Digest", sha1_b32(body))])
            + record("revisit", page, HEAD_200, date="2024-01-03T00:00:00Z",
                     extra=[("WARC-Profile", SAME_PAYLOAD), ("WARC-Refers-To-Target-URI", original),
                            ("WARC-Refers-To-Date", "2024-01-01T00:00:00Z")]))
        lookup = ArchiveLookup([first, second])
        for when in (2, 3):
            assert lookup.get(page, at=datetime(2024, 1, when, tzinfo=UTC)).payload == body
        report = verify([first, second])
        assert report.ok and [p.message for p in report.problems] == [], original


def test_verify_says_of_revisits_what_replay_does_with_them(tmp_path):
    """A 304 naming neither a digest nor a date (replay: the newest capture before it) drew
    "target not found"; one naming another URL's record, or itself, drew nothing, where
    replay refuses the record named and looks by URL."""
    other = "<urn:uuid:00000000-0000-0000-0000-0000000000b0>"
    own = "<urn:uuid:00000000-0000-0000-0000-0000000000c0>"
    path = _warc(
        tmp_path,
        response(URL, b"the page", date="2024-01-01T00:00:00Z"),
        record("response", "http://example.com/other", http_response(b"another page"),
               date="2024-01-01T00:00:00Z", rec_id=other),
        _revisit("2024-01-02T00:00:00Z", HEAD_304, ("WARC-Profile", NOT_MODIFIED)),
        _revisit("2024-01-03T00:00:00Z", HEAD_304, ("WARC-Profile", NOT_MODIFIED),
                 ("WARC-Refers-To", other)),
        record("revisit", URL, HEAD_304, date="2024-01-04T00:00:00Z", rec_id=own,
               extra=[("WARC-Profile", NOT_MODIFIED), ("WARC-Refers-To", own)]),
    )
    lookup = ArchiveLookup(path)
    for when in (2, 3, 4):
        assert lookup.get(URL, at=datetime(2024, 1, when, tzinfo=UTC)).payload == b"the page"
    report = verify([path])
    assert report.ok
    assert [p.message.split(": replay")[0] for p in report.problems] == [
        f"WARC-Refers-To {other} names a record of 'http://example.com/other', and no payload "
        "digest shows it is the same payload",
        "WARC-Refers-To names the revisit itself"]


def test_a_304_revisit_carrying_its_empty_bodys_digest_replays_as_its_original(tmp_path):
    """Heritrix writes a server-not-modified revisit with the payload digest of its own empty
    body: replay refused its original (named by WARC-Refers-To, or by URL and date) for a
    digest conflict, reextract read the older capture's time, verify called it an error."""
    empty = sha1_b32(b"")
    original = response(URL, b"the article", date="2024-01-01T00:00:00Z")
    original_id = next(line.split(b": ", 1)[1].strip() for line in original.split(b"\r\n")
                       if line.startswith(b"WARC-Record-ID"))
    for named in ((), (("WARC-Refers-To", original_id.decode()),)):
        path = _warc(tmp_path, original, _revisit(
            "2024-01-02T00:00:00Z", HEAD_304, ("WARC-Profile", NOT_MODIFIED),
            ("WARC-Payload-Digest", empty), ("WARC-Refers-To-Target-URI", URL),
            ("WARC-Refers-To-Date", "2024-01-01T00:00:00Z"), *named))
        errors = []
        got = ArchiveLookup(path, on_error=errors.append).get(URL)
        assert (got.status, got.payload, got.date.day, errors) == (200, b"the article", 2, [])
        report = verify([path])
        assert report.ok and [p.message for p in report.problems] == [], named


def test_a_304_confirms_the_page_before_it_not_an_error_answer_between(tmp_path):
    """wget -N's next run after one that got a 503 (its copy kept) asks with the page's date
    and gets a 304: the page is unchanged, and only a 2xx gives the validators a 304
    confirms. It replayed as the 503 (and as a 404 after a passing outage of a CMS)."""
    for error in ("503 Service Unavailable", "404 Not Found"):
        for last in (_not_modified("2024-01-03T00:00:00Z", "2023-12-01T00:00:00Z"),
                     record("response", URL, HEAD_304, date="2024-01-03T00:00:00Z")):
            path = _warc(
                tmp_path,
                response(URL, b"the article", date="2024-01-01T00:00:00Z"),
                record("response", URL, http_response(b"<title>Error</title>", status=error),
                       date="2024-01-02T00:00:00Z"),
                last,
            )
            got = ArchiveLookup(path).get(URL)
            assert (got.status, got.payload, got.date.day) == (200, b"the article", 3), error
            assert verify([path]).problems == []


def test_verify_warns_of_a_304_whose_url_has_only_an_error_answer_before_it(tmp_path):
    """With no 2xx before it, replay finds nothing a 304 confirms (the 503 is no original of
    it), so ``verify`` says its target is not found, as it does wherever replay fails."""
    error = record("response", URL, http_response(b"<title>Error</title>",
                                                  status="503 Service Unavailable"),
                   date="2024-01-02T00:00:00Z")
    path = _warc(tmp_path, error, _not_modified("2024-01-03T00:00:00Z", "2023-12-01T00:00:00Z"))
    errors: list = []
    got = ArchiveLookup(path, on_error=errors.append).get(URL)
    assert (got.status, got.date.day) == (503, 2) and len(errors) == 1
    assert [p.message for p in verify([path]).problems] == [
        "revisit target not found in the given files"]
