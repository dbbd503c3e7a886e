"""Record shapes of other WARC writers (shape-* files): indexed, replayed, or reported by offset."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime

import pytest

from archive.cdxj import build_index
from archive.digests import check_digest
from archive.methods import method_query
from archive.reader import ArchiveLookup, iter_records, iter_responses
from archive.verify import verify
from tests.data.warcs.shapes import _chunked, page, uid
from tests.support.data import FOREIGN
from tests.support.warcs import record

WGET_META = {
    f"metadata://gnu.org/software/wget/warc/{n}"
    for n in ("MANIFEST.txt", "wget_arguments.txt", "wget.log")
}
CAPTURES = {
    "shape-general.warc": ["http://shapes.example.com/"] * 2,
    "shape-general.warc.gz": ["http://shapes.example.com/"] * 2,
    "shape-resource.warc.gz": ["http://shapes.example.com/saved.html"],
    "shape-resource-json.warc.gz": ["http://api.shapes.example.com/things/list.json"],
    "shape-url-agnostic-orig.warc.gz": ["http://origin.shapes.example.com/"],
    "shape-url-agnostic-revisit.warc.gz": ["http://reader@copy.shapes.example.com/"],
    "shape-wget-1-14.warc.gz": ["http://wget.shapes.example.com/", *sorted(WGET_META)],
    "shape-wget-bad-target-uri.warc.gz": ["http://wget.shapes.example.com/", *sorted(WGET_META)],
    "shape-wpull.warc.gz": ["http://wpull.shapes.example.com/", "urn:X-wpull:log"],
    "shape-missing-status-text.warc": ["http://shapes.example.com/moved"],
    "shape-space-in-target-uri.warc.gz": ["file:///our test picture.png"],
    "shape-truncated.warc": ["http://shapes.example.com/cut"],
    "shape-gzip-members-split.warc.gz": ["http://shapes.example.com/split"],
    "shape-chunked.warc": ["http://shapes.example.com/chunked"],
    "shape-chunked-short.warc": ["http://shapes.example.com/chunked-short"],
    "shape-digests.warc": [],  # requests only
    "shape-post.warc.gz": ["http://forms.shapes.example.com/submit"] * 2
    + ["http://forms.shapes.example.com/submit?lang=be"],
    "shape-extra.warc": ["http://shapes.example.com?page=2"] * 4,
    "shape-dupes.warc.gz": ["http://dupes.example.com"] * 2
    + ["http://dupes-redirect.example.com"]
    + [
        f"http://www.dupes.example.com/{p}"
        for p in (
            "",
            "js/site.js",
            "css/screen.css",
            "css/print.css",
            "img/logo.svg",
            "fonts/Regular.ttf",
        )
    ],
}


def _lookup(*names: str, errors: list | None = None) -> ArchiveLookup:
    return ArchiveLookup(
        [FOREIGN / n for n in names], on_error=(errors.append if errors is not None else None)
    )


@pytest.mark.parametrize("name", sorted(CAPTURES))
def test_index_lists_every_capture_of_each_shape(name):
    lines = build_index([FOREIGN / name], on_error=lambda e: None)
    urls = sorted(json.loads(ln.split(" ", 2)[2])["url"] for ln in lines)
    assert urls == sorted(CAPTURES[name])


def test_url_agnostic_revisit_replays_the_original_from_another_file():
    lookup = _lookup("shape-url-agnostic-orig.warc.gz", "shape-url-agnostic-revisit.warc.gz")
    res = lookup.get("http://reader@copy.shapes.example.com/")
    assert res is not None and res.status == 200
    assert b"Same bytes, other URL" in res.payload and res.date.day == 5
    assert (
        _lookup("shape-url-agnostic-revisit.warc.gz").get("http://reader@copy.shapes.example.com/")
        is None
    )  # original absent: nothing invented


def test_revisits_resolve_to_the_earlier_capture_and_orphans_replay_nothing():
    lookup = _lookup("shape-dupes.warc.gz")
    home = lookup.get("http://dupes.example.com")
    assert home.date.day == 3 and home.payload == page("Dupes home")
    assert lookup.captures("http://www.dupes.example.com/js/site.js")
    assert lookup.get("http://www.dupes.example.com/js/site.js") is None
    assert lookup.get("http://dupes-redirect.example.com").status == 302


def test_resource_records_replay_with_their_own_content_type():
    res = _lookup("shape-resource.warc.gz").get("http://shapes.example.com/saved.html")
    assert res.header("Content-Type") == "text/html; charset=utf-8"
    assert res.payload == page("Saved as a resource")
    log = _lookup("shape-wpull.warc.gz").get("urn:X-wpull:log")
    assert log.payload.startswith(b"INFO Fetching http://wpull.shapes.example.com/")


def test_wget_angle_bracket_targets_are_unwrapped():
    for name in ("shape-wget-1-14.warc.gz", "shape-wget-bad-target-uri.warc.gz"):
        res = _lookup(name).get("http://wget.shapes.example.com/")
        assert res is not None and res.payload == page("wget page"), name


def test_status_line_without_reason_and_cr_cr_lf_line_ends_replay():
    res = _lookup("shape-missing-status-text.warc").get("http://shapes.example.com/moved")
    assert res.status == 302
    assert res.header("Location") == "http://shapes.example.com/moved-here"


def test_space_in_target_uri_is_escaped_and_found_either_way():
    lookup = _lookup("shape-space-in-target-uri.warc.gz")
    for url in ("file:///our%20test%20picture.png", "file:///our test picture.png"):
        assert lookup.get(url).payload.startswith(b"\x89PNG"), url


def test_chunked_body_is_replayed_dechunked():
    res = _lookup("shape-chunked.warc").get("http://shapes.example.com/chunked")
    assert res.payload == page("Sent in chunks", "chunk " * 80)


def test_body_cut_short_in_its_chunks_is_reported_not_served_and_kept():
    """A transfer that stopped inside its chunks (wget and warcio write no WARC-Truncated):
    served as stored, its chunk-size lines would be read as page text."""
    errors: list = []
    url = "http://shapes.example.com/chunked-short"
    assert _lookup("shape-chunked-short.warc", errors=errors).get(url) is None
    assert [(e.offset, "ends before its last chunk" in e.reason) for e in errors] == [(0, True)]
    response = next(iter(iter_records(FOREIGN / "shape-chunked-short.warc"))).record
    assert b"\r\n1000\r\nChunks promised more</h1>" in response.block  # the bytes stay


# cut after a whole chunk, or inside the first one (its size line opens the body, and what
# follows it is the page: no text stored already de-chunked opens so)
@pytest.mark.parametrize("whole_chunks", [[50], []])
def test_a_capture_cut_short_in_its_chunks_gives_way_to_the_one_before(tmp_path, whole_chunks):
    url = "http://shapes.example.com/edited"
    older, newer = page("Whole", "first " * 40), page("Cut", "second " * 40)
    warc = tmp_path / "two.warc"
    warc.write_bytes(
        record("response", url, _chunked(older, [50, len(older) - 50]), rec_id=uid(1),
               date="2026-01-01T00:00:00Z")
        + record("response", url, _chunked(newer, whole_chunks, claim=4096), rec_id=uid(2),
                 date="2026-01-02T00:00:00Z"))
    errors: list = []
    found = ArchiveLookup([warc], on_error=errors.append).get(url)
    assert found is not None and found.payload == older
    assert len(errors) == 1 and errors[0].offset > 0 and "cut short" in errors[0].reason
    # a walk of the file reports it by offset and goes on
    walked: list = []
    assert [r.payload for r in iter_responses([warc], on_error=walked.append)] == [older]
    assert [e.offset for e in walked] == [errors[0].offset]


def test_a_capture_damaged_in_its_chunks_gives_way_to_the_one_before(tmp_path):
    """A size line damaged after whole chunks ("6z" for "64"): served as stored, its framing
    was the article's text and nothing said so."""
    url = "http://shapes.example.com/damaged"
    older, newer = page("Whole", "first " * 40), page("Damaged", "second " * 40)
    damaged = _chunked(newer, [100, 100, len(newer) - 200])
    second = damaged.index(b"\r\n000064\r\n", damaged.index(b"\r\n\r\n") + 4)
    damaged = damaged[:second] + b"\r\n00006z\r\n" + damaged[second + 10:]
    warc = tmp_path / "two.warc"
    warc.write_bytes(
        record("response", url, _chunked(older, [50, len(older) - 50]), rec_id=uid(1),
               date="2026-01-01T00:00:00Z")
        + record("response", url, damaged, rec_id=uid(2), date="2026-01-02T00:00:00Z"))
    offsets = [i.offset for i in iter_records(warc)]
    errors: list = []
    found = ArchiveLookup([warc], on_error=errors.append).get(url)
    assert found is not None and found.payload == older
    assert [(e.offset, e.reason) for e in errors] == [(offsets[1], (
        "bad HTTP: bad chunk size b'00006z' at byte 110 of the body, after 100 bytes of "
        "valid chunks: chunked framing damaged"))]
    walked: list = []
    assert [r.payload for r in iter_responses([warc], on_error=walked.append)] == [older]
    assert [(e.offset, e.kept) for e in walked] == [(offsets[1], False)]


def test_truncated_record_is_reported_and_the_next_record_still_read():
    errors: list = []
    infos = list(iter_records(FOREIGN / "shape-truncated.warc", errors.append))
    assert [i.record.rec_type for i in infos] == ["warcinfo", "response", "request"]
    assert [e.offset for e in errors] == [infos[1].offset]
    res = _lookup("shape-truncated.warc", errors=[]).get("http://shapes.example.com/cut")
    assert res.header("Content-Encoding") == "gzip" and res.payload.startswith(b"\x1f\x8b")


def test_record_split_over_gzip_members_is_reported_not_fatal():
    errors: list = []
    infos = list(iter_records(FOREIGN / "shape-gzip-members-split.warc.gz", errors.append))
    assert infos and infos[0].record.target_uri == "http://shapes.example.com/split"
    assert errors and errors[0].offset == 0 and "truncated" in str(errors[0])


def test_post_captures_are_each_indexed_and_replayed_for_their_own_body():
    lookup = _lookup("shape-post.warc.gz")
    assert len(lookup.captures("http://forms.shapes.example.com/submit")) == 2
    form = "application/x-www-form-urlencoded"
    for url, body in (("http://forms.shapes.example.com/submit?lang=be", b"note="),
                      ("http://forms.shapes.example.com/submit", b"x=1&y=[]&z=3")):
        res = lookup.get(url, method=method_query("POST", form, str(len(body)), body))
        assert res.payload == b'{"form": "' + body + b'", "made_up": true}\n'
        assert lookup.get(url) is None  # a GET is never answered with a POST's capture


def test_digests_in_base64_are_checked_and_mismatches_reported_by_offset():
    path = FOREIGN / "shape-digests.warc"
    offsets = [i.offset for i in iter_records(path)]
    report = verify([path])
    bad = {(e.offset, str(e).rsplit(": ", 1)[1]) for e in report.errors}
    assert (offsets[0], "WARC-Payload-Digest mismatch") in bad  # base32 of other bytes
    assert not any(off in (offsets[1], offsets[2]) for off, _ in bad)  # base64 that matches
    assert (offsets[3], "WARC-Block-Digest mismatch") in bad  # not a digest at all


def test_bad_http_protocol_lines_do_not_stop_the_file():
    errors: list = []
    lookup = _lookup("shape-extra.warc", errors=errors)
    assert len(lookup.captures("http://shapes.example.com?page=2")) == 4
    first = lookup.get("http://shapes.example.com?page=2", at=datetime(2026, 1, 3, tzinfo=UTC))
    assert first.payload == page("Page two") and first.date.day == 2
    # the zero-length revisits replay as their original, as pywb replays them; the capture
    # with a bad protocol line (its request's method GETX) never answers a GET
    latest = lookup.get("http://shapes.example.com?page=2")
    assert latest is not None and latest.payload == page("Page two")
    assert latest.date.day == 4 and latest.ref.offset > first.ref.offset
    assert not errors


@pytest.mark.parametrize("encode", [
    lambda raw: base64.b32encode(raw).decode(),
    lambda raw: base64.b32encode(raw).decode().rstrip("=").lower(),
    lambda raw: raw.hex(),
    lambda raw: base64.b64encode(raw).decode(),
    lambda raw: base64.urlsafe_b64encode(raw).decode().rstrip("="),
])
def test_digest_encodings_other_tools_write_are_accepted(encode):
    data = bytes(range(256)) * 5  # its sha1 has "+" and "/" in base64 ("-", "_" in base64url)
    raw = hashlib.sha1(data).digest()
    assert check_digest(f"sha1:{encode(raw)}", data) is True
    assert check_digest(f"sha1:{encode(raw)}", data + b"x") is False


@pytest.mark.parametrize(("label", "algo"), [
    ("sha-1", "sha1"), ("SHA-256", "sha256"), ("sha384", "sha384"), ("blake2b", "blake2b"),
    ("sha3-256", "sha3_256")])
def test_digests_of_every_algorithm_label_tools_write_are_checked(tmp_path, label, algo):
    """warcio and others write "sha-1:"/"sha-256:"; "sha384" and "blake2b" are in hashlib.
    Only sha1/sha256/sha512/md5 were known: a damaged record labelled otherwise passed
    verify with 0 errors."""
    body = page("Digest label")
    block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
    damaged = block.replace(b"Digest label", b"Digest lab3l")

    def labelled(data: bytes) -> str:
        return f"{label}:{base64.b32encode(hashlib.new(algo, data).digest()).decode()}"
    fields = [("WARC-Block-Digest", labelled(block)), ("WARC-Payload-Digest", labelled(body))]
    path = tmp_path / "labels.warc"
    path.write_bytes(record("response", "http://labels.example/", block, digests=False,
                            extra=fields)
                     + record("response", "http://labels.example/bad", damaged, digests=False,
                              extra=fields))
    offsets = [i.offset for i in iter_records(path)]
    assert check_digest(fields[0][1], block) is True and check_digest(fields[0][1], damaged) is False
    report = verify([path])
    assert sorted((e.offset, str(e).rsplit(": ", 1)[1]) for e in report.errors) == [
        (offsets[1], "WARC-Block-Digest mismatch"), (offsets[1], "WARC-Payload-Digest mismatch")]


def test_heritrix_dns_answers_draw_no_warning_an_http_one_without_http_an_error(tmp_path):
    """Heritrix writes a ``dns:`` (and ``whois:``) response in every WARC, its protocol's
    answer as the block: no HTTP message is what it should hold ("no HTTP message in block"
    was warned of each)."""
    path = tmp_path / "heritrix.warc"
    path.write_bytes(b"".join([
        record("response", "dns:www.belta.by", b"20260102030405\nwww.belta.by. 300 IN A 1.2.3.4\n",
               ctype="text/dns"),
        record("response", "whois://whois.iana.org/by", b"domain: BY\n", ctype="text/plain"),
        record("response", "http://example.com/x", b""),
    ]))
    warned = [(p.offset, p.message) for p in verify([path]).problems]
    assert [m for _, m in warned] == [
        "unparsable HTTP message: empty block: no HTTP status line"], warned


def test_a_conversion_record_is_no_capture_of_its_page(tmp_path):
    """webrecorder keeps a page's text beside its response as a ``conversion`` record: listed
    in the index at the page's URL and a later second, it answered pywb as the page
    (cdxj-indexer, which py-wacz and ReplayWeb.page use, leaves it out)."""
    path = tmp_path / "conversion.warc"
    path.write_bytes(b"".join([
        record("response", "http://example.com/a",
               b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>the page</p>",
               date="2026-01-02T03:04:05Z"),
        record("conversion", "http://example.com/a", b"the page", ctype="text/plain",
               date="2026-01-02T03:04:06Z"),
    ]))
    lines = build_index([path])
    assert len(lines) == 1 and '"mime": "text/html"' in lines[0]
