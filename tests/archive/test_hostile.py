"""Damaged and hostile WARCs: reported with file+offset, skipped, never a hang, never a wrong page."""

from __future__ import annotations

import gzip
import json
import random
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from archive import gzip_members, records
from archive.cdxj import build_index
from archive.errors import WarcFormatError
from archive.reader import ArchiveLookup, iter_records, iter_responses, read_info_at
from archive.records import MemberTooLarge, read_member
from archive.verify import verify
from tests.support.hang import python_within
from tests.support.peak_rss import OWN_PEAK_KIB
from tests.support.warcs import (
    bomb_member,
    gz,
    gz_each,
    http_response,
    record,
    response,
    sha1_b32,
)

TIMEOUT = 120  # generous: the machine is shared; a hang is what this catches


def _page(n: int) -> bytes:
    return f"<html><title>page {n}</title><p>body of page {n}</p></html>".encode()


def _three(middle: bytes) -> list[bytes]:
    return [response("http://ex.com/1", _page(1)), middle, response("http://ex.com/3", _page(3))]


def _write(tmp_path: Path, name: str, records: list[bytes], compress: bool = True) -> Path:
    path = tmp_path / name
    path.write_bytes(gz_each(records) if compress else b"".join(records))
    return path


def _cli(*args: str, limit_mb: int | None = None) -> subprocess.CompletedProcess:
    def limit():
        if limit_mb:
            size = limit_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (size, size))

    res = subprocess.run(
        [sys.executable, "-m", "archive", *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        preexec_fn=limit,
    )
    assert "Traceback" not in res.stderr, res.stderr
    return res


def _all_consumers_find_1_and_3(path: Path) -> list[WarcFormatError]:
    """verify, index, replay lookup and iter_responses all go past the bad record."""
    errors: list[WarcFormatError] = []
    lines = build_index([path], on_error=errors.append)
    urls = [json.loads(ln.split(" ", 2)[2])["url"] for ln in lines]
    assert "http://ex.com/1" in urls and "http://ex.com/3" in urls
    lookup = ArchiveLookup(path, on_error=errors.append)
    for n in (1, 3):
        got = lookup.get(f"http://ex.com/{n}")
        assert got is not None and got.payload == _page(n)
    seen = {r.url for r in iter_responses(path, on_error=errors.append)}
    assert {"http://ex.com/1", "http://ex.com/3"} <= seen
    report = verify([path])
    assert not report.ok
    assert all(p.file == str(path) for p in report.errors)
    return errors


# --- (2) a file gzipped as one stream -------------------------------------------------


def _single_stream(tmp_path: Path) -> Path:
    path = tmp_path / "one-stream.warc.gz"
    path.write_bytes(gzip.compress(b"".join(response(f"http://ex.com/{n}", _page(n))
                                            for n in range(1, 4))))
    return path


def test_single_stream_gzip_never_serves_one_page_for_another(tmp_path):
    path = _single_stream(tmp_path)
    errors = []
    lookup = ArchiveLookup(path, on_error=errors.append)
    for n in (1, 2, 3):
        got = lookup.get(f"http://ex.com/{n}")
        assert got is None or got.payload == _page(n)
    assert not build_index([path], on_error=errors.append)
    assert errors and all("warcio recompress" in e.reason for e in errors)


def test_single_stream_gzip_is_refused_by_verify_and_index_with_a_recompress_hint(tmp_path):
    path = _single_stream(tmp_path)
    for args in (["verify", str(path)], ["index", str(path), "-o", str(tmp_path / "i.cdxj")]):
        res = _cli(*args)
        assert res.returncode == 1
        assert f"{path}: offset 0" in res.stderr and "warcio recompress" in res.stderr


def test_member_with_two_records_is_refused_and_neighbours_are_kept(tmp_path):
    two = response("http://ex.com/2a", _page(2)) + response("http://ex.com/2b", _page(22))
    path = tmp_path / "mixed.warc.gz"
    recs = _three(b"")
    path.write_bytes(gz(recs[0]) + gz(two) + gz(recs[2]))
    errors = _all_consumers_find_1_and_3(path)
    assert any("more than one record" in e.reason for e in errors)
    assert ArchiveLookup(path, on_error=lambda e: None).get("http://ex.com/2b") is None


def test_lookup_refuses_a_stored_offset_that_now_holds_another_url(tmp_path):
    path = _write(tmp_path, "a.warc.gz", [response("http://ex.com/1", _page(1)),
                                          response("http://ex.com/2", _page(2))])
    errors = []
    lookup = ArchiveLookup(path, on_error=errors.append)
    # the file is replaced behind the lookup's back: same offsets, other URLs
    path.write_bytes(gz_each([response("http://ex.com/2", _page(2)),
                              response("http://ex.com/1", _page(1))]))
    assert lookup.get("http://ex.com/1") is None
    assert any("not 'http://ex.com/1'" in e.reason for e in errors)


# --- (11) negative and absurd Content-Length ----------------------------------------


@pytest.mark.parametrize("compress", [True, False], ids=["gz", "plain"])
@pytest.mark.parametrize("length", ["-1", "-999999", "99999999999999999999", "abc", ""])
def test_negative_content_length_ends(tmp_path, compress, length):
    mid = response("http://ex.com/2", _page(2), length=length)
    path = _write(tmp_path, "cl.warc.gz" if compress else "cl.warc", _three(mid), compress)
    res = _cli("verify", str(path))
    assert res.returncode == 1 and "Content-Length" in res.stderr
    res = _cli("index", str(path), "-o", str(tmp_path / "i.cdxj"))
    assert res.returncode == 1
    lines = (tmp_path / "i.cdxj").read_text().splitlines()
    assert len(lines) == 3  # the record with the bad length is still listed
    _all_consumers_find_1_and_3(path)


def test_negative_content_length_in_read_info_at_raises_named_error(tmp_path):
    path = _write(tmp_path, "n.warc", [b"WARC/1.1\r\nContent-Length: -5\r\n\r\n"], False)
    with pytest.raises(WarcFormatError):
        read_info_at(path, 10)
    info = read_info_at(path, 0)  # bounded by the end of the file, not by -5
    assert info.problems


# --- (12) capped inflation ---------------------------------------------------------------


def test_record_inflation_is_capped_and_the_record_reported_by_offset(tmp_path):
    recs = _three(b"")
    bomb = bomb_member(600 * 1024 * 1024, 600 * 1024 * 1024)  # ~0.6 MB inflating to 600 MB
    path = tmp_path / "bomb.warc.gz"
    path.write_bytes(gz(recs[0]) + bomb + gz(recs[2]))
    assert path.stat().st_size < 1024 * 1024
    offset = len(gz(recs[0]))
    for args in (["verify", str(path)], ["index", str(path), "-o", str(tmp_path / "i.cdxj")]):
        res = _cli(*args, "--max-record-size", "16M", limit_mb=700)
        assert res.returncode == 1, res.stderr
        assert f"{path}: offset {offset}: record inflates beyond" in res.stderr
    assert len((tmp_path / "i.cdxj").read_text().splitlines()) == 2


class _Counted:
    """A file counting the bytes read from it."""

    def __init__(self, fh) -> None:
        self.fh, self.read_bytes = fh, 0

    def read(self, n: int = -1) -> bytes:
        data = self.fh.read(n)
        self.read_bytes += len(data)
        return data

    def seek(self, pos: int, whence: int = 0) -> int:
        return self.fh.seek(pos, whence)

    def tell(self) -> int:
        return self.fh.tell()


def test_a_gzip_bomb_is_inflated_up_to_the_bound_and_the_rest_of_the_file_reported_skipped(
        tmp_path, monkeypatch):
    """An over-cap member is inflated to its end to find the next member, but no further
    than bomb_limit(cap) inflated bytes: one that reaches it (256 MB of zeros from 256 KB) is
    a gzip bomb, reported at its offset, and the rest of the file is reported skipped with
    its byte count rather than looked through for a gzip header (which could be a payload's).
    The bound's floor is lowered so the test inflates MBs, not a GiB."""
    monkeypatch.setattr(gzip_members, "BOMB_FLOOR", 8 << 20)
    assert records.bomb_limit(256 << 10) == 8 << 20
    recs = _three(b"")
    bomb = bomb_member(256 << 20, 256 << 20)
    path = tmp_path / "bomb.warc.gz"
    path.write_bytes(gz(recs[0]) + bomb + gz(recs[2]))
    offset = len(gz(recs[0]))
    with open(path, "rb") as raw:
        fh = _Counted(raw)
        with pytest.raises(MemberTooLarge) as caught:
            read_member(fh, offset, 256 << 10)
    assert caught.value.bomb
    assert fh.read_bytes < 64 << 10, fh.read_bytes  # of the bomb's 256 KB: ~8 MB inflated
    errors: list[WarcFormatError] = []
    infos = list(iter_records(path, errors.append, max_record_size=256 << 10))
    assert [i.record.target_uri for i in infos] == ["http://ex.com/1"]
    assert [e.offset for e in errors] == [offset]
    rest = path.stat().st_size - offset
    assert "gzip bomb" in errors[0].reason
    assert f"the rest of the file ({rest} bytes) skipped" in errors[0].reason, errors[0].reason
    with pytest.raises(WarcFormatError, match="gzip bomb"):
        read_info_at(path, offset, max_record_size=256 << 10)


def test_an_over_cap_record_compressing_very_well_is_reported_over_the_record_size(tmp_path):
    """100 MB of repeated bytes (1000 to 1) is a real record over the cap, not a bomb: the
    member is inflated to its end, reported with the --max-record-size hint, and the walk
    goes on exactly at the next member."""
    recs = _three(b"")
    big = bomb_member(100 << 20, 100 << 20)
    path = tmp_path / "big.warc.gz"
    path.write_bytes(gz(recs[0]) + big + gz(recs[2]))
    errors: list[WarcFormatError] = []
    infos = list(iter_records(path, errors.append, max_record_size=1 << 20))
    assert [i.record.target_uri for i in infos] == ["http://ex.com/1", "http://ex.com/3"]
    assert [e.offset for e in errors] == [len(gz(recs[0]))]
    assert "raise --max-record-size to read it" in errors[0].reason, errors[0].reason
    assert "bomb" not in errors[0].reason


def test_a_warc_gz_inside_an_over_cap_payload_is_never_read_as_a_record(tmp_path):
    """Deflate stores incompressible bytes verbatim: a .warc.gz a site serves, after bytes
    compressing well, shows up byte for byte inside the record's gzip member. Skipping the
    over-cap member must not resume at a gzip header found inside it: the forged
    bank.example record is never returned, the records around the member are."""
    rng = random.Random(7)
    forged = gz(response("https://bank.example/", b"<h1>forged</h1>"))
    payload = (bytes(1 << 20) + rng.randbytes(20_000) + forged + rng.randbytes(20_000))
    member = gz(response("https://evil.example/file.bin", payload))
    assert forged[:64] in member  # the injected member is there verbatim
    recs = _three(b"")
    path = tmp_path / "inject.warc.gz"
    path.write_bytes(gz(recs[0]) + member + gz(recs[2]))
    errors: list[WarcFormatError] = []
    infos = list(iter_records(path, errors.append, max_record_size=64 << 10))
    uris = [i.record.target_uri for i in infos]
    assert "https://bank.example/" not in uris
    assert uris == ["http://ex.com/1", "http://ex.com/3"]
    assert [e.offset for e in errors] == [len(gz(recs[0]))]
    assert "raise --max-record-size" in errors[0].reason
    lookup = ArchiveLookup(path, on_error=errors.append, max_record_size=64 << 10)
    assert lookup.get("https://bank.example/") is None
    assert lookup.get("http://ex.com/3") is not None


def test_over_cap_record_is_skipped_by_every_reader(tmp_path):
    recs = _three(b"")
    path = tmp_path / "big.warc.gz"
    path.write_bytes(gz(recs[0]) + bomb_member(8 << 20, 8 << 20) + gz(recs[2]))
    errors = []
    infos = list(iter_records(path, errors.append, max_record_size=1 << 20))
    assert [i.record.target_uri for i in infos] == ["http://ex.com/1", "http://ex.com/3"]
    assert len(errors) == 1 and errors[0].offset == len(gz(recs[0]))
    lookup = ArchiveLookup(path, on_error=errors.append, max_record_size=1 << 20)
    assert lookup.get("http://bomb.example/") is None


def test_plain_over_cap_record_is_not_read(tmp_path):
    big = record("resource", "http://ex.com/big", b"x" * (2 << 20), ctype="text/plain")
    path = _write(tmp_path, "big.warc", _three(big), compress=False)
    errors = []
    urls = [i.record.target_uri for i in iter_records(path, errors.append, max_record_size=1 << 20)]
    assert urls == ["http://ex.com/1", "http://ex.com/3"]
    assert "max record size" in errors[0].reason


# --- (13) one bad record never aborts a command ------------------------------------------

BAD_RECORDS = {
    "unparsable-date": response("http://ex.com/2", _page(2), date="yesterday"),
    "out-of-range-date": response("http://ex.com/2", _page(2), date="0001-01-01T00:00:00+01:00"),
    "month-13-date": response("http://ex.com/2", _page(2), date="2026-13-45T99:00:00Z"),
    "invalid-ipv6-target": response("http://[::1/2", _page(2)),
    # the other hosts urlsplit refuses: a bracket never opened, one NFKC makes another
    "unopened-ipv6-target": response("http://ex.com]/2", _page(2)),
    "nfkc-host-target": response("http://ex\uff03com/2", _page(2)),
    "bad-status-line": record("response", "http://ex.com/2",
                              b"HTTP/1.1 2OO OK\r\nContent-Type: text/html\r\n\r\nx"),
    # an HTTP head that is no response: read as a request line, or nothing at all
    **{f"no-status-line-{name}": record("response", "http://ex.com/2", block)
       for name, block in [("one-line-html", _page(2)), ("empty", b""),
                           ("request-line", b"GET /2 HTTP/1.1\r\nHost: ex.com\r\n\r\n")]},
    "revisit-with-a-request-line": record(
        "revisit", "http://ex.com/2", b"GET /2 HTTP/1.1\r\n\r\n",
        extra=[("WARC-Refers-To-Target-URI", "http://ex.com/1"),
               ("WARC-Refers-To-Date", "2026-01-02T03:04:05Z")]),
}


@pytest.mark.parametrize("compress", [True, False], ids=["gz", "plain"])
@pytest.mark.parametrize("kind", sorted(BAD_RECORDS))
def test_bad_record_is_reported_and_the_rest_processed(tmp_path, kind, compress):
    path = _write(tmp_path, "bad.warc.gz" if compress else "bad.warc",
                  _three(BAD_RECORDS[kind]), compress)
    _all_consumers_find_1_and_3(path)
    res = _cli("verify", str(path))
    assert res.returncode == 1 and f"{path}: offset " in res.stderr
    _cli("index", str(path), "-o", str(tmp_path / "i.cdxj"))
    index = (tmp_path / "i.cdxj").read_text()
    assert '"url": "http://ex.com/1"' in index and '"url": "http://ex.com/3"' in index


@pytest.mark.parametrize("block", [_page(2), b"", b"GET /2 HTTP/1.1\r\n\r\n", b"\r\n"],
                         ids=["one-line-html", "empty", "request-line", "blank"])
def test_a_response_without_a_status_line_is_reported_by_offset_by_every_reader(tmp_path, block):
    """A one-line block used to be read as a request line, an empty one as no HTTP at all:
    either way the page was lost without a word (verify exit 0, reextract naming nothing)."""
    recs = _three(record("response", "http://ex.com/2", block))
    path = _write(tmp_path, "s.warc.gz", recs)
    where = len(gz(recs[0]))
    errors: list[WarcFormatError] = []
    assert ArchiveLookup(path, on_error=errors.append).get("http://ex.com/2") is None
    assert [r.url for r in iter_responses(path, on_error=errors.append)] == [
        "http://ex.com/1", "http://ex.com/3"]
    assert [(e.offset, "HTTP" in e.reason) for e in errors] == [(where, True)] * 2
    res = _cli("verify", str(path))
    assert res.returncode == 1, res.stderr
    [line] = [ln for ln in res.stderr.splitlines() if ln.startswith("error: ")]
    assert line.startswith(f"error: {path}: offset {where} ")
    assert "unparsable HTTP message" in line and "status line" in line


def test_index_and_wacz_list_a_response_without_a_status_line_and_say_so(tmp_path):
    """pywb's indexer lists such a record (warcio reads any first line as a status line), so
    the index keeps it; but replay will not serve it, and index said nothing of that, while
    wacz dropped its index line with its page."""
    import zipfile

    from archive.wacz import build_wacz

    recs = _three(record("response", "http://ex.com/2", _page(2)))
    path = _write(tmp_path, "s.warc.gz", recs)
    where = len(gz(recs[0]))
    res = _cli("index", str(path), "-o", str(tmp_path / "i.cdxj"))
    assert res.returncode == 1
    [line] = [ln for ln in res.stderr.splitlines() if ln.startswith("error: ")]
    assert line.startswith(f"error: {path}: offset {where}: bad HTTP: ") and "(record kept)" in line
    urls = [json.loads(ln.split(" ", 2)[2])["url"] for ln in (tmp_path / "i.cdxj").open()]
    assert urls == ["http://ex.com/1", "http://ex.com/2", "http://ex.com/3"]
    errors: list[WarcFormatError] = []
    build_wacz([path], tmp_path / "s.wacz", on_error=errors.append)
    assert [(e.offset, e.kept) for e in errors] == [(where, True)]
    with zipfile.ZipFile(tmp_path / "s.wacz") as zf:
        index = zf.read("indexes/index.cdx").decode()
        pages = zf.read("pages/pages.jsonl").decode()
    assert '"url": "http://ex.com/2"' in index and "http://ex.com/2" not in pages
    assert "http://ex.com/1" in pages and "http://ex.com/3" in pages


def test_without_an_error_handler_the_listed_record_is_logged(tmp_path, caplog):
    recs = _three(record("response", "http://ex.com/2", _page(2)))
    path = _write(tmp_path, "s.warc.gz", recs)
    with caplog.at_level("WARNING", logger="archive"):
        assert len(build_index([path])) == 3
    [msg] = caplog.messages
    assert f"{path}: offset {len(gz(recs[0]))}: bad HTTP: " in msg and "(record kept)" in msg


def test_an_empty_revisit_is_still_read_as_its_original(tmp_path):
    """Old Heritrix dedup wrote revisits with no block: not the damage above."""
    orig = record("response", "http://ex.com/2", http_response(b"x"))
    empty = record("revisit", "http://ex.com/2", b"", date="2026-02-01T00:00:00Z",
                   extra=[("WARC-Refers-To-Target-URI", "http://ex.com/2"),
                          ("WARC-Refers-To-Date", "2026-01-02T03:04:05Z")])
    path = _write(tmp_path, "e.warc.gz", [orig, empty])
    errors: list[WarcFormatError] = []
    assert [(r.payload, r.date.month) for r in iter_responses(path, on_error=errors.append)] == [
        (b"x", 1), (b"x", 2)]
    assert not errors and verify([path]).ok


def _revisit(refers_date: str) -> bytes:
    return record(
        "revisit", "http://ex.com/2", b"HTTP/1.1 200 OK\r\n\r\n",
        extra=[("WARC-Refers-To-Target-URI", "http://ex.com/2"),
               ("WARC-Refers-To-Date", refers_date),
               ("WARC-Payload-Digest", sha1_b32(b"x"))],
        date="2026-02-01T00:00:00Z",
    )


def test_revisit_with_bad_refers_to_date_is_resolved_by_digest(tmp_path):
    orig = record("response", "http://ex.com/2", http_response(b"x"))
    path = _write(tmp_path, "r.warc.gz", [*_three(orig), _revisit("not a date")])
    errors = []
    got = ArchiveLookup(path, on_error=errors.append).get("http://ex.com/2")
    assert got is not None and got.payload == b"x" and got.date.month == 2
    assert [r.payload for r in iter_responses(path, on_error=errors.append)
            if r.url == "http://ex.com/2"] == [b"x", b"x"]
    assert not errors
    res = _cli("verify", "-w", str(path))
    assert res.returncode == 0, res.stderr


def test_revisit_whose_original_has_a_bad_status_line_is_skipped(tmp_path):
    orig = record("response", "http://ex.com/2", b"HTTP/1.1 abc\r\n\r\nx")
    path = _write(tmp_path, "r.warc.gz", [*_three(orig), _revisit("2026-01-02T03:04:05Z")])
    errors = []
    lookup = ArchiveLookup(path, on_error=errors.append)
    assert lookup.get("http://ex.com/2") is None and errors
    assert lookup.get("http://ex.com/3").payload == _page(3)
    urls = [r.url for r in iter_responses(path, on_error=errors.append)]
    assert urls == ["http://ex.com/1", "http://ex.com/3"]


# --- (17) CDXJ lines stay parseable; plain files resync ---------------------------------


@pytest.mark.parametrize("url", ["http://a b.example.com/x", "http://ex\tample.com/ y",
                                 "http://exa\u00a0mple.com/\"q\"", "http://[::1/p q"])
def test_unsafe_chars_in_host_keep_one_token_urlkey_and_valid_json(tmp_path, url):
    path = _write(tmp_path, "h.warc.gz", [response(url, _page(1))])
    for line in build_index([path], on_error=lambda e: None):
        key, ts, js = line.split(" ", 2)
        assert key.isascii() and " " not in key and len(ts) == 14 and ts.isdigit()
        assert json.loads(js)["url"] == url


def test_plain_warc_resyncs_after_garbage_and_a_broken_header(tmp_path):
    garbage = b"this is not a WARC record\r\nat all\r\n\r\n" + bytes(range(256))
    broken = b"WARC/1.1\r\nWARC-Type response\r\nno colon\r\n\r\nbody"
    recs = _three(garbage + b"\r\n" + broken + b"\r\n\r\n")
    path = _write(tmp_path, "g.warc", recs, compress=False)
    errors = _all_consumers_find_1_and_3(path)
    offsets = [info.offset for info in iter_records(path, lambda e: None)]
    assert offsets == [0, len(recs[0]) + len(recs[1])]
    assert errors


def test_garbage_between_gzip_members_is_skipped_with_offsets_exact(tmp_path):
    recs = _three(b"")
    path = tmp_path / "g.warc.gz"
    path.write_bytes(gz(recs[0]) + b"\x00garbage\x1f\x8b" + gz(recs[2]))
    errors = []
    infos = list(iter_records(path, errors.append))
    assert [i.offset for i in infos] == [0, len(gz(recs[0])) + 10]
    assert errors[0].offset == len(gz(recs[0]))


def test_unreadable_file_is_reported_not_raised(tmp_path):
    errors = []
    assert list(iter_records(tmp_path / "missing.warc.gz", errors.append)) == []
    assert "cannot open" in errors[0].reason
    res = _cli("verify", str(tmp_path))
    assert res.returncode == 2 and "no WARC files" in res.stderr


COUNT_RECORDS = """
import sys
from archive.records import iter_records
errors = []
urls = [info.record.target_uri for info in iter_records(sys.argv[1], errors.append)]
print(len(errors), *urls)
"""


@pytest.mark.parametrize(("name", "false_starts"), [
    ("lines.warc", b"WARC/1.0\r\nX: y\r\n" * 80_000),  # version lines whose header never ends
    ("values.warc", b"WARC/1.0\r\n" + b"X: WARC/1.0\r\n" * 100_000),  # ... and inside values
])
def test_a_file_full_of_false_record_starts_is_read_through_not_rescanned(
        tmp_path, name, false_starts):
    """Each false start used to re-read up to 1 MiB: a 1.3 MB file took minutes (a hang)."""
    path = tmp_path / name
    path.write_bytes(false_starts + response("http://e.com/after", b"the page after the garbage"))
    res = subprocess.run([sys.executable, "-c", COUNT_RECORDS, str(path)], capture_output=True,
                         text=True, timeout=TIMEOUT, cwd=Path(__file__).resolve().parents[2])
    errors, *urls = res.stdout.split()
    assert int(errors) > 0 and urls == ["http://e.com/after"], res.stderr[-2000:]


def test_a_plain_content_length_cut_at_the_http_head_end_does_not_serve_an_empty_page(tmp_path):
    """The HTTP head ends with CRLF CRLF too; the block digest shows the length is short."""
    block = http_response(b"<html><body><p>the real article text</p></body></html>")
    head_end = block.index(b"\r\n\r\n")
    short = record("response", "http://e.com/a", block, length=str(head_end))
    path = _write(tmp_path, "short.warc", [short, response("http://e.com/b", b"next")],
                  compress=False)
    errors: list[WarcFormatError] = []
    got = ArchiveLookup(path, on_error=errors.append).get("http://e.com/a")
    assert got.payload == b"<html><body><p>the real article text</p></body></html>"
    assert [(e.offset, "bad Content-Length" in e.reason) for e in errors] == [(0, True)]
    assert [r.url for r in iter_responses(path, on_error=errors.append)] == [
        "http://e.com/a", "http://e.com/b"]


@pytest.mark.parametrize("compress", [False, True])
def test_a_record_quoted_in_a_payload_without_length_is_not_taken_for_a_capture(
        tmp_path, compress):
    """A page about WARC quotes a record; its own Content-Length is missing."""
    quoted = response("https://bank.example/login", b"<html>quoted, not captured</html>")
    page = b"<html><pre>\n" + quoted + b"</pre></html>"
    outer = record("response", "http://docs.example/warc", http_response(page), length="")
    path = _write(tmp_path, "quote.warc" + (".gz" if compress else ""),
                  [outer, response("http://e.com/next", b"next")], compress=compress)
    errors: list[WarcFormatError] = []
    lookup = ArchiveLookup(path, on_error=errors.append)
    assert sorted(lookup.urls()) == ["http://docs.example/warc", "http://e.com/next"]
    assert lookup.get("http://docs.example/warc").payload.endswith(b"</pre></html>")
    assert [(e.offset, "bad Content-Length" in e.reason) for e in errors] == [(0, True)]


@pytest.mark.parametrize("status", [b"HTTP/1.1\t200\tOK", b"HTTP/1.1  200  OK", b"HTTP/1.1 200"])
def test_status_lines_with_other_blanks_are_read(tmp_path, status):
    block = status + b"\r\nContent-Type: text/html\r\n\r\n<p>page</p>"
    path = _write(tmp_path, "blanks.warc.gz", [record("response", "http://e.com/a", block)])
    got = ArchiveLookup(path).get("http://e.com/a")
    assert (got.status, got.payload) == (200, b"<p>page</p>")


@pytest.mark.parametrize("status", [b"ICY 200 OK", b"HTTP 200 Document follows",
                                    b"HTTP/2 404", b"RTSP/1.0 200 OK"])
def test_status_lines_of_other_protocols_are_read_as_pywb_reads_them(tmp_path, status):
    """Shoutcast's "ICY 200 OK", old IA records' "HTTP 200 Document follows": a protocol name,
    a blank and three digits make a status line, as warcio (verify_http off) and pywb read it.
    Before, they were taken as request lines and the page reported as lost."""
    code = int(status.split()[1])
    block = status + b"\r\nContent-Type: text/html\r\n\r\n<p>page</p>"
    path = _write(tmp_path, "other.warc.gz", _three(record("response", "http://ex.com/2", block)))
    errors: list[WarcFormatError] = []
    got = ArchiveLookup(path, on_error=errors.append).get("http://ex.com/2")
    assert (got.status, got.payload, errors) == (code, b"<p>page</p>", [])
    assert [r.status for r in iter_responses(path)] == [200, code, 200]
    assert verify([path]).ok


@pytest.mark.parametrize("status", [b"HTTP/1.1 304 Not Modified", b"HTTP 304 Not Modified",
                                    b"HTTP/1.1\t304",
                                    b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 304 Not Modified"])
def test_a_304_response_of_any_status_line_shape_confirms_the_capture_before_it(tmp_path, status):
    """wget -N's 304 answers hold no page: replay serves the capture they confirm. A status
    line read as a 304 anywhere must be one here too, or the empty 304 was served as a page."""
    first = record("response", "http://ex.com/2", http_response(b"<p>orig</p>"))
    again = record("response", "http://ex.com/2", status + b"\r\nETag: \"v1\"\r\n\r\n",
                   date="2026-02-01T00:00:00Z")
    path = _write(tmp_path, "n.warc.gz", [first, again])
    got = ArchiveLookup(path).get("http://ex.com/2")
    assert (got.status, got.payload, got.date.month) == (200, b"<p>orig</p>", 2)


@pytest.mark.parametrize("block", [b"<p>Paid 200 roubles</p>\r\n\r\n", b"Get 200 more\r\n\r\n",
                                   b"HTTP/1.1 OK\r\n\r\n"])
def test_a_line_that_only_holds_three_digits_is_no_status_line(tmp_path, block):
    path = _write(tmp_path, "s.warc.gz", _three(record("response", "http://ex.com/2", block)))
    errors: list[WarcFormatError] = []
    assert ArchiveLookup(path, on_error=errors.append).get("http://ex.com/2") is None
    assert len(errors) == 1 and "status line" in errors[0].reason


def test_a_content_length_past_its_gzip_member_keeps_no_separator_in_the_body(tmp_path):
    long = record("response", "http://e.com/a", http_response(b"<p>page</p>"), length="999")
    errors: list[WarcFormatError] = []
    got = ArchiveLookup(_write(tmp_path, "long.warc.gz", [long]), on_error=errors.append)
    assert got.get("http://e.com/a").payload == b"<p>page</p>"
    assert errors and "record truncated" in errors[0].reason


# --- a file with more problems than a report keeps -------------------------------------


def test_verify_keeps_a_bounded_number_of_problems_and_streams_every_one(tmp_path):
    """Each false gzip header is one error: a 20 MB file of them held 5M problems (1.5 GB).
    (A record after each one: a run of them with no record between is one error.)"""
    from archive.verify import KEPT_PROBLEMS

    false = 3 * KEPT_PROBLEMS
    recs = _three(b"")
    member = gz(response("http://ex.com/2", b"x"))
    path = tmp_path / "many.warc.gz"
    path.write_bytes(gz(recs[0]) + (b"\x1f\x8b\x08\xe0" + member) * false + gz(recs[2]))
    streamed: list[str] = []
    report = verify([path], on_problem=lambda p: streamed.append(str(p)))
    assert report.records == false + 2 and report.error_count == len(streamed) >= false
    assert len(report.problems) == KEPT_PROBLEMS and not report.ok
    assert report.dropped == report.error_count - KEPT_PROBLEMS
    first = len(gz(recs[0]))
    assert f"error: {path}: offset {first}: corrupt gzip data" in streamed[0]
    assert f"offset {first + (4 + len(member)) * (false - 1)}: " in streamed[-1]
    res = _cli("verify", str(path))
    assert res.returncode == 1
    lines = [ln for ln in res.stderr.splitlines() if ln.startswith("error: ")]
    assert lines == streamed
    assert res.stdout.strip() == f"{false + 2} records in 1 file(s): {len(streamed)} error(s)"


@pytest.mark.parametrize("cut", [120, 1_000, 40_000, 150_000])
def test_records_of_a_file_joined_after_a_torn_member_are_read(tmp_path, cut):
    """``cat torn.warc.gz good.warc.gz``: a member cut short (a crawl killed while writing)
    inflates on into the next file's bytes, often to the end of the file without an error;
    the walk goes on at the next gzip member after it, so the good file's records are read
    and the torn one reported by its offset."""
    rng = random.Random(cut)
    first = gz(response("http://ex.com/first", b"<p>first</p>"))
    torn = gz(response("http://ex.com/torn", rng.randbytes(200_000)))[:cut]
    good = [gz(response(f"http://ex.com/good{n}", f"<p>good {n}</p>".encode())) for n in range(5)]
    path = tmp_path / "joined.warc.gz"
    path.write_bytes(first + torn + b"".join(good))
    errors: list[WarcFormatError] = []
    uris = [i.record.target_uri for i in iter_records(path, errors.append)]
    assert uris == ["http://ex.com/first", *(f"http://ex.com/good{n}" for n in range(5))]
    assert errors and errors[0].offset == len(first)


def test_a_header_folded_over_millions_of_lines_is_read_in_one_pass(tmp_path):
    """Folded lines were joined one by one (quadratic): a 1 MB head took minutes. The
    subprocess's timeout fails the test instead of hanging the suite."""
    body = _page(2)
    folds = 250_000
    block = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Fold: a\r\n" + b" c\r\n" * folds
             + b"Content-Length: %d\r\n\r\n" % len(body) + body)
    path = _write(tmp_path, "folded.warc", _three(record("response", "http://ex.com/2", block)),
                  compress=False)
    script = ("import sys\nfrom archive.reader import ArchiveLookup\n"
              "res = ArchiveLookup([sys.argv[1]]).get('http://ex.com/2')\n"
              "fold = dict(res.headers)['X-Fold']\n"
              "print(len(fold), fold[:7], res.payload.decode(), sep='|')\n")
    out = python_within(60, script, str(path))
    assert out.stdout.split("|") == [str(1 + 2 * folds), "a c c c", _page(2).decode() + "\n"], \
        out.stdout + out.stderr[-2000:]


@pytest.mark.parametrize("line", [b"a:b\r\n", b" c\r\n"], ids=["fields", "folds"])
def test_an_http_head_past_a_megabyte_is_refused_by_offset_in_bounded_memory(tmp_path, line):
    """3 million tiny header lines (a 12 MB head, a 60 KB gzip member) held ~1 GB in every
    reader (12 million: 4.3 GB); a head past MAX_HTTP_HEAD is no server's. Refused by offset
    as a bad HTTP message, the records around it read, in bounded memory."""
    block = b"HTTP/1.1 200 OK\r\nX-A: a\r\n" + line * 3_000_000 + b"\r\n" + _page(2)
    path = _write(tmp_path, "heads.warc.gz", _three(record("response", "http://ex.com/2", block)))
    script = ("import sys\nfrom archive.reader import ArchiveLookup\n"
              "errors = []\n"
              "lookup = ArchiveLookup([sys.argv[1]], on_error=errors.append)\n"
              "got = [lookup.get(f'http://ex.com/{n}') for n in (1, 2, 3)]\n"
              "print([g is not None for g in got], [str(e) for e in errors],\n"
              f"      {OWN_PEAK_KIB} // 1024, sep='|')\n")
    out = python_within(60, script, str(path))
    found, errors, peak = out.stdout.strip().split("|")
    assert found == "[True, False, True]", out.stdout + out.stderr[-2000:]
    assert "HTTP head larger than 1048576 bytes" in errors
    assert int(peak) < 400, peak  # MB: the 12 MB record read, not its lines


def test_a_record_swallowed_by_its_neighbours_damaged_length_is_named_by_offset(tmp_path):
    """Two damaged lengths in a plain file: the first runs 500 bytes into the second record,
    whose own length is 500 short, so no whole record starts there and the first record's
    block runs to the third. The second record cannot be told from a quoted one, but it is
    named by offset, not lost without a word (its bytes stay in the first's block)."""
    blocks = [http_response(_page(n) + b" " * 600) for n in (1, 2)]
    first = record("response", "http://ex.com/1", blocks[0], length=str(len(blocks[0]) + 500))
    second = record("response", "http://ex.com/2", blocks[1], length=str(len(blocks[1]) - 500))
    path = _write(tmp_path, "two.warc", [first, second, response("http://ex.com/3", _page(3))],
                  compress=False)
    errors: list[WarcFormatError] = []
    infos = list(iter_records(path, errors.append))
    assert [i.record.target_uri for i in infos] == ["http://ex.com/1", "http://ex.com/3"]
    assert [e.offset for e in errors] == [0]
    assert f"a record header at offset {len(first)} inside it" in errors[0].reason


def test_plain_records_written_without_separators_are_each_read_whole(tmp_path):
    """A writer that leaves out the CRLF CRLF after each block: every length is right and
    the next record starts at once. Each record is read, said once, and none takes the next
    ones' bytes (a block ending in CRLF CRLF of its own keeps it)."""
    bodies = [_page(1), _page(2) + b"\r\n\r\n", _page(3)]
    recs = [response(f"http://ex.com/{n}", body).removesuffix(b"\r\n\r\n")
            for n, body in enumerate(bodies, 1)]
    path = _write(tmp_path, "joined.warc", recs, compress=False)
    errors: list[WarcFormatError] = []
    infos = list(iter_records(path, errors.append))
    assert [i.offset for i in infos] == [0, len(recs[0]), len(recs[0]) + len(recs[1])]
    assert [(e.offset, "no CRLF CRLF" in e.reason) for e in errors] == [
        (0, True), (len(recs[0]), True)]
    lookup = ArchiveLookup(path, on_error=errors.append)
    assert [lookup.get(f"http://ex.com/{n}").payload for n in (1, 2, 3)] == bodies


@pytest.mark.parametrize("compress", [False, True])
def test_a_header_over_a_megabyte_is_refused_alike_in_both_containers(tmp_path, compress):
    """The same record, plain or gzipped: said by offset as too large (not as unterminated),
    and the records around it read."""
    big = record("response", "http://ex.com/2", http_response(_page(2)),
                 extra=[("X-Padding", "x" * (2 * 1024 * 1024))])
    recs = _three(big)
    path = _write(tmp_path, "big.warc" + (".gz" if compress else ""), recs, compress)
    errors = _all_consumers_find_1_and_3(path)
    offset = len(gz(recs[0]) if compress else recs[0])
    assert {(e.offset, "header larger than" in e.reason) for e in errors} == {(offset, True)}
    assert ArchiveLookup(path, on_error=lambda e: None).get("http://ex.com/2") is None


@pytest.mark.parametrize("lines", [records._MAX_HEAD - 1, records._MAX_HEAD])
def test_the_header_bound_is_the_same_byte_in_both_containers(tmp_path, lines):
    """Header lines of ``lines`` bytes before the blank one: read below the bound, refused
    from it, plain or gzipped."""
    head = (b"WARC/1.0\r\nWARC-Type: resource\r\nWARC-Target-URI: http://ex.com/1\r\n"
            b"WARC-Date: 2026-01-01T00:00:00Z\r\nContent-Length: 2\r\n")
    pad = b"X-Pad: " + b"x" * (lines - len(head) - len(b"X-Pad: \r\n")) + b"\r\n"
    data = head + pad + b"\r\nhi\r\n\r\n"
    read = []
    for name, raw in (("p.warc", data), ("p.warc.gz", gz(data))):
        (tmp_path / name).write_bytes(raw)
        read.append(len(list(iter_records(tmp_path / name, lambda e: None))))
    assert read == ([1, 1] if lines < records._MAX_HEAD else [0, 0])


def test_a_header_line_without_a_colon_is_passed_over_as_warcio_and_pywb_do(tmp_path):
    """``X-Powered-By PHP/5.2`` (an old server's typo) made the whole capture unreadable:
    replay answered 404 and reextract counted it unreadable, where warcio and pywb serve the
    page. The line is passed over; verify says so, as a warning."""
    block = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Powered-By PHP/5.2\r\n"
             b"Server: Apache\r\n\r\n" + _page(2))
    path = _write(tmp_path, "colonless.warc.gz", _three(record("response", "http://ex.com/2",
                                                               block)))
    errors: list = []
    page = ArchiveLookup([path], on_error=errors.append).get("http://ex.com/2")
    assert errors == [] and page is not None and page.payload == _page(2)
    assert dict(page.headers) == {"Content-Type": "text/html", "Server": "Apache"}
    report = verify([path])
    assert report.ok and [p.message for p in report.problems] == [
        "1 HTTP header line(s) without a colon, passed over (as warcio and pywb read them)"]


@pytest.mark.parametrize("compress", [True, False], ids=["gzip", "plain"])
def test_a_warc_header_line_without_a_colon_is_passed_over_and_said(tmp_path, compress):
    """A stray line in a record's WARC header made the record unreadable by every reader
    (replay 404, the index without it) where warcio and pywb serve it. It is passed over,
    the record read whole, and the line named by file and offset."""
    head, sep, rest = response("http://ex.com/2", _page(2)).partition(b"\r\n")
    odd = head + sep + b"WARC-Generator my crawler 0.1\r\n" + rest
    recs = _three(odd)
    path = _write(tmp_path, "colonless.warc" + ".gz" * compress, recs, compress)
    at = len(gz(recs[0]) if compress else recs[0])
    errors: list = []
    page = ArchiveLookup([path], on_error=errors.append).get("http://ex.com/2")
    assert page is not None and page.payload == _page(2)
    want = ("1 WARC header line(s) without a colon passed over (as warcio and pywb read them), "
            "the first 'WARC-Generator my crawler 0.1'")
    assert [(e.offset, e.reason) for e in errors] == [(at, want + " (record kept)")]
    assert [ln.split(" ", 1)[0] for ln in build_index([path], on_error=lambda e: None)] == [
        "com,ex)/1", "com,ex)/2", "com,ex)/3"]
    assert [(p.offset, p.severity, p.message) for p in verify([path]).problems] == [
        (at, "error", want + " (record kept)")]


def _bad_crc(gz: bytes) -> bytes:
    return gz[:-8] + bytes(b ^ 0xFF for b in gz[-8:-4]) + gz[-4:]


def _http(head: str, body: bytes) -> bytes:
    return f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n{head}\r\n".encode() + body


# A body its own HTTP head says is partial or broken, with no WARC-Truncated: cut short is said
# as a truncation is (a warning), broken framing or a transfer coding that fails as damage
@pytest.mark.parametrize(("head", "body", "severity", "said"), [
    ("Content-Length: 5000\r\n", b"<p>" + b"x" * 2000, "warning",
     "HTTP body ends after 2003 of the 5000 bytes its Content-Length declares"),
    ("Transfer-Encoding: chunked\r\n", b"10\r\n<p>xxxxxxxxxxxxx\r\n10\r\n<p>", "warning",
     "HTTP chunked body ends before its last chunk"),
    ("Transfer-Encoding: chunked\r\n", b"3\r\n<p>\r\n1z\r\nx\r\n0\r\n\r\n", "error",
     "HTTP body: bad chunk size b'1z'"),
    ("Transfer-Encoding: gzip\r\n", gzip.compress(b"<p>x" * 500, mtime=0)[:25], "error",
     "HTTP body: truncated gzip body"),
    # a Content-Encoding that does not decode: damaged, cut mid-stream, unknown (no check
    # of its Content-Length: a browser-based tool stores the body decoded under the coded one);
    # a warning: a faulty server sends it so, and the crawl archives it as it came
    ("Content-Encoding: gzip\r\n", _bad_crc(gzip.compress(b"<p>x" * 500, mtime=0)), "warning",
     "HTTP body: Content-Encoding gzip does not decode: damaged gzip body"),
    ("Content-Encoding: gzip\r\nContent-Length: 90\r\n",
     gzip.compress(b"<p>x" * 500, mtime=0)[:25],
     "warning", "HTTP body: Content-Encoding gzip does not decode: truncated gzip body"),
    ("Content-Encoding: compress\r\n", b"\x1f\x9d\x90<p>", "warning",
     "HTTP body: Content-Encoding compress does not decode: unsupported Content-Encoding"),
], ids=["cut-length", "cut-chunks", "bad-chunk-size", "te-gzip-cut", "ce-gzip-bad-crc",
        "ce-gzip-cut", "ce-compress"])
def test_verify_says_a_body_its_head_calls_partial_or_broken(tmp_path, head, body, severity,
                                                            said):
    path = tmp_path / "a.warc"
    path.write_bytes(b"".join([
        response("http://ex.com/1", _page(1)),
        record("response", "http://ex.com/2", _http(head, body)),
        record("response", "http://ex.com/3", _http(head, body),
               extra=[("WARC-Truncated", "disconnect")])]))
    report = verify([path])
    found = [(p.severity, p.offset) for p in report.problems if said in p.message]
    assert found == [(severity, len(response("http://ex.com/1", _page(1))))], report.problems


def test_verify_passes_a_content_encoding_that_decodes_or_was_never_applied(tmp_path,
                                                                           monkeypatch):
    """A body that decodes, one a browser-based tool stored decoded under its header (read as
    it is), an empty one (a redirect's): no problem. One that decodes past the cap cannot be
    checked further: a warning, not damage."""
    bodies = [("gzip", gzip.compress(b"<p>x" * 500)), ("gzip", b"<p>x" * 500), ("br", b""),
              ("gzip, gzip", gzip.compress(gzip.compress(b"<p>y" * 500)))]
    path = tmp_path / "a.warc"
    path.write_bytes(b"".join(
        record("response", f"http://ex.com/{n}", _http(f"Content-Encoding: {coding}\r\n", body))
        for n, (coding, body) in enumerate(bodies)))
    assert verify([path]).problems == []
    monkeypatch.setattr("archive.verify.DEFAULT_MAX_DECODED", 1000)
    report = verify([path])
    assert report.ok and [(p.severity, p.message) for p in report.problems] == [
        ("warning", "HTTP body: Content-Encoding gzip does not decode: gzip body expands "
                    "beyond 1000 bytes"),
        ("warning", "HTTP body: Content-Encoding gzip, gzip does not decode: gzip body expands "
                    "beyond 1000 bytes")]


def test_a_lookup_given_a_cap_passes_over_a_capture_whose_content_encoding_fails(tmp_path):
    """With ``max_decoded`` (reextract's, replay's), a newer capture whose gzip was cut in
    transfer is a bad record by file and offset, and the older whole one is read; without
    it, as before, the newer one is served as stored."""
    whole = _page(1) * 20
    cut_gzip = gzip.compress(whole)[:60]  # once: its header holds the second it was made
    older = record("response", "http://ex.com/1", _http("", whole), date="2026-01-01T00:00:00Z")
    cut = record("response", "http://ex.com/1", _http(
        "Content-Encoding: gzip\r\n", cut_gzip), date="2026-01-02T00:00:00Z")
    path = tmp_path / "a.warc"
    path.write_bytes(older + cut)
    errors: list[WarcFormatError] = []
    with ArchiveLookup([path], on_error=errors.append, max_decoded=1 << 20) as lookup:
        assert lookup.get("http://ex.com/1").payload == whole
        assert ArchiveLookup.attach(lookup.shared(), errors.append).get("http://ex.com/1").payload == whole
    assert [(e.offset, e.kept) for e in errors] == [(len(older), False)] * 2
    assert errors[0].reason == ("HTTP body: Content-Encoding gzip does not decode: truncated "
                                "gzip body")
    with ArchiveLookup([path], on_error=errors.append) as lookup:
        assert lookup.get("http://ex.com/1").payload == cut_gzip


def test_a_body_shorter_than_its_content_length_is_read_as_stored_and_said(tmp_path):
    """pywb serves it as stored, and a server may have counted wrong: the page is read, and
    said by file and offset as a record kept (it may be part of the page)."""
    cut = _page(2) * 20
    path = tmp_path / "a.warc"
    middle = record("response", "http://ex.com/2",
                    _http(f"Content-Length: {len(cut) + 500}\r\n", cut))
    path.write_bytes(b"".join(_three(middle)))
    errors: list[WarcFormatError] = []
    pages = {r.url: r.payload for r in iter_responses([path], on_error=errors.append)}
    assert pages["http://ex.com/2"] == cut and len(pages) == 3
    assert [(e.offset, e.kept) for e in errors] == [(len(_three(b"")[0]), True)]
    assert f"HTTP body ends after {len(cut)} of the {len(cut) + 500} bytes" in errors[0].reason
    with ArchiveLookup([path], on_error=errors.append) as lookup:
        assert lookup.get("http://ex.com/2").payload == cut
    assert len(errors) == 2 and errors[1].kept


def test_a_payload_altered_since_it_was_written_is_read_and_said(tmp_path):
    """A plain .warc has no CRC: a letter changed in a page after it was written passed for
    the page. It is still served (pywb serves it), but said as a record kept, by offset."""
    page = _page(2) * 5
    middle = response("http://ex.com/2", page)
    altered = middle.replace(b"body of page 2", b"body of page X", 1)
    path = tmp_path / "a.warc"
    path.write_bytes(b"".join(_three(altered)))
    errors: list[WarcFormatError] = []
    pages = {r.url: r.payload for r in iter_responses([path], on_error=errors.append)}
    assert pages["http://ex.com/2"] == page.replace(b"body of page 2", b"body of page X", 1)
    assert [(e.offset, e.kept) for e in errors] == [(len(_three(b"")[0]), True)]
    assert "WARC-Payload-Digest mismatch" in errors[0].reason
    path.write_bytes(b"".join(_three(middle)))  # as written: nothing to say
    errors.clear()
    assert len(list(iter_responses([path], on_error=errors.append))) == 3 and errors == []


@pytest.mark.parametrize("compress", [False, True])
def test_a_capture_the_file_ends_inside_its_http_head_gives_way_to_the_one_before(
        tmp_path, compress):
    """A writer killed inside a record's HTTP head: the head without its blank line read as a
    whole head of no body, an empty 200 was served over the older whole capture."""
    url = "http://e.com/a"
    older = response(url, b"<html><p>the whole article</p></html>", date="2026-01-01T00:00:00Z")
    newer = response(url, b"<html><p>an edit</p></html>", date="2026-01-05T00:00:00Z")
    torn = newer[:newer.index(b"Content-Length: ", newer.index(b"HTTP/1.1")) + 10]
    path = tmp_path / ("torn.warc.gz" if compress else "torn.warc")
    written = gz(older) + gz(torn) if compress else older + torn
    path.write_bytes(written)
    errors: list[WarcFormatError] = []
    got = ArchiveLookup(path, on_error=errors.append).get(url)
    assert got is not None and got.payload == b"<html><p>the whole article</p></html>"
    # (a plain file's record the file ends inside is not read at all: only part of a record)
    said = "ends inside its HTTP head" if compress else "the file ends inside its block"
    cut = [e for e in errors if said in e.reason]
    assert len(cut) == 1 and cut[0].offset == len(gz(older) if compress else older)
    assert path.read_bytes() == written  # the bytes stay
    assert any(said in p.message for p in verify([path]).problems)
