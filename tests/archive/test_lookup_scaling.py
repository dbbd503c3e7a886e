"""Lookups whose work once grew with the square of one URL's captures or spellings: a revisit
searching every response of its URL on disk, and every spelling of a key normalized for each
lookup of one of them. These pin what is answered, and count the records read and the URLs
normalized (the real functions, counted), which grew as N*M before."""

from __future__ import annotations

import base64
import binascii
import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import archive.reader as reader
from archive.digests import ODD_DIGEST, digest_key, same_digest
from archive.reader import ArchiveLookup
from tests.support.warcs import http_response, record, response, sha1_b32

URL = "http://example.com/page"
START = datetime(2024, 1, 1, tzinfo=UTC)
HEAD_200 = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
SAME_PAYLOAD = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"


def _date(n: int) -> str:
    return (START + timedelta(seconds=n)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _revisit(n: int, digest: str) -> bytes:
    return record("revisit", URL, HEAD_200, date=_date(n), extra=[
        ("WARC-Profile", SAME_PAYLOAD), ("WARC-Payload-Digest", digest)])


def _sha1_hex(body: bytes) -> str:
    return "sha1:" + hashlib.sha1(body).hexdigest().upper()


def _sha1_b64(body: bytes) -> str:
    return "sha1:" + base64.b64encode(hashlib.sha1(body).digest()).decode()


def _counting(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    """Count the calls of archive.reader's ``name``, each still made by the real function."""
    real, calls = getattr(reader, name), [0]

    def counted(*args, **kw):
        calls[0] += 1
        return real(*args, **kw)

    monkeypatch.setattr(reader, name, counted)
    return calls


def _bodies(n: int) -> list[bytes]:
    return [f"<html>version {i}</html>".encode() for i in range(n)]


def _many_revisits(tmp_path: Path, responses: int, orphans: int, wanted: int,
                   revisit_digest) -> Path:
    """``responses`` captures of URL, each its own payload; then a revisit of the payload of
    the ``wanted``-th (its digest written by ``revisit_digest``); then ``orphans`` newer
    revisits whose payload none has."""
    bodies = _bodies(responses)
    recs = [response(URL, body, date=_date(i)) for i, body in enumerate(bodies)]
    recs.append(_revisit(responses, revisit_digest(bodies[wanted])))
    recs += [_revisit(responses + 1 + j, sha1_b32(b"gone")) for j in range(orphans)]
    path = tmp_path / "revisits.warc"
    path.write_bytes(b"".join(recs))
    return path


@pytest.mark.parametrize("revisit_digest", [sha1_b32, _sha1_hex])
def test_the_revisit_with_an_original_answers_after_many_without_reading_each_response(
        tmp_path, monkeypatch, revisit_digest) -> None:
    """60 responses, then a revisit of the 17th's payload (its digest in base32 as warcio
    writes it, or in upper-case hex), then 40 revisits matching none: get answers the one
    revisit with the 17th payload, after reporting each of the 40. Each revisit used to read
    all 60 responses from disk (2,400 reads); now each capture tried is read, and only the
    response whose digest is the revisit's."""
    path = _many_revisits(tmp_path, 60, 40, 17, revisit_digest)
    errors: list[str] = []
    with ArchiveLookup(path, on_error=lambda e: errors.append(str(e))) as lookup:
        reads = _counting(monkeypatch, "read_info_at")
        got = lookup.get(URL)
    assert got is not None
    assert (got.payload, got.date) == (b"<html>version 17</html>", START + timedelta(seconds=60))
    assert len(errors) == 40 and all("without its original" in e for e in errors)
    assert reads[0] == 40 + 1 + 1  # the 40 orphans, the revisit, its original


def test_an_original_whose_digest_only_same_digest_can_match_is_still_found(tmp_path) -> None:
    """A response whose digest is in base64 (whose case-changed form is another hash, so the
    index cannot key it) is still the original of a revisit naming it in base32."""
    body, other = b"<html>the page</html>", b"<html>another</html>"
    recs = [record("response", URL, http_response(b), date=_date(i), digests=False,
                   extra=[("WARC-Payload-Digest", _sha1_b64(b))])
            for i, b in enumerate([body, other])]
    path = tmp_path / "b64.warc"
    path.write_bytes(b"".join([*recs, _revisit(5, sha1_b32(body))]))
    with ArchiveLookup(path) as lookup:
        got = lookup.get(URL)
    assert got is not None and (got.payload, got.date.second) == (body, 5)


def test_a_revisit_of_no_known_payload_still_takes_no_response(tmp_path) -> None:
    """The newest response is captured before the revisit, but its payload is another: the
    revisit is reported and the response before it answers (never its payload as the
    revisit's)."""
    path = _many_revisits(tmp_path, 3, 1, 0, lambda _: sha1_b32(b"nothing archived"))
    errors: list[str] = []
    with ArchiveLookup(path, on_error=lambda e: errors.append(str(e))) as lookup:
        got = lookup.get(URL)
    assert got is not None and got.payload == b"<html>version 2</html>"
    assert len(errors) == 2  # both revisits, newest first


ENCODERS = [
    lambda r: base64.b32encode(r).decode(), lambda r: base64.b32encode(r).decode().lower(),
    lambda r: base64.b32encode(r).decode().rstrip("="), lambda r: binascii.hexlify(r).decode(),
    lambda r: binascii.hexlify(r).decode().upper(), lambda r: base64.b64encode(r).decode(),
    lambda r: base64.urlsafe_b64encode(r).decode().rstrip("="),
    lambda r: base64.b64encode(r).decode().swapcase(),
]


@pytest.mark.parametrize("algo", ["sha1", "sha256", "md5", "SHA1"])
def test_digests_same_digest_takes_as_one_share_a_key_or_are_odd(algo) -> None:
    """What makes the index search exact: two values same_digest takes as one never have two
    keys, unless one is ODD_DIGEST (then it is searched in every search)."""
    values = [f"{algo}:{enc(hashlib.new(algo.lower(), data).digest())}"
              for data in (b"a", b"b", b"\xff" * 40) for enc in ENCODERS]
    for a in values:
        for b in values:
            ka, kb = digest_key(a), digest_key(b)
            if same_digest(a, b) and ODD_DIGEST not in (ka, kb):
                assert ka == kb, (a, b)
            if ka == kb != ODD_DIGEST:
                assert same_digest(a, b), (a, b)
    # base32 and hex, in either case, are keyed: the search uses the index for them
    raw = hashlib.new(algo.lower(), b"a").digest()
    assert len({digest_key(f"{algo}:{enc(raw)}") for enc in ENCODERS[:5]}) == 1
    assert digest_key(f"{algo}:{ENCODERS[0](raw)}") != ODD_DIGEST
    assert digest_key(None) is None and digest_key("md9:xyz") == ODD_DIGEST


BASE = "https://www.belta.by/society/view/novost-nomer-3-427703-2026/?utm="


def _spelling(i: int) -> str:
    """One of the letter-case variants of one query: one SURT key, none another's spelling
    but for case."""
    return BASE + "".join("A" if c == "1" else "a" for c in format(i, "012b"))


def _spellings(tmp_path: Path, count: int) -> Path:
    path = tmp_path / "spellings.warc"
    path.write_bytes(b"".join(response(_spelling(i), f"<html>{i}</html>".encode(),
                                       date=_date(i)) for i in range(count)))
    return path


def test_each_of_many_spellings_answers_with_its_own_capture_normalizing_none(
        tmp_path, monkeypatch) -> None:
    """300 spellings of one key, each archived: each is answered with its own page, and its
    captures are its own, without normalizing the others (90,000 calls before: each lookup
    normalized all 300)."""
    count = 300
    with ArchiveLookup(_spellings(tmp_path, count)) as lookup:
        calls = _counting(monkeypatch, "normalize_url")
        for i in range(count):
            url = _spelling(i)
            got = lookup.get(url)
            assert got is not None and (got.url, got.payload) == (url, f"<html>{i}</html>".encode())
            assert [c[0] for c in lookup.captures(url)] == [reader._ts(START) + i * 1_000_000]
            assert lookup.spellings(url) == [url]
        assert calls[0] == 0
        # a spelling not archived: the newest of the 300, normalizing only the one asked for
        unseen = BASE + "A" * 11 + "a"
        assert unseen not in lookup.urls()
        got = lookup.get(unseen)
        assert got is not None and got.payload == f"<html>{count - 1}</html>".encode()
        assert lookup._tiers(unseen) == [[_spelling(i) for i in range(count)]]
        assert calls[0] <= 4
