"""A plain WARC record whose Content-Length is damaged (too large, past the file's end or
into later data) must not swallow the records after it, plain ones or gzip members appended
after the plain run (``cat a.warc b.warc.gz > c.warc``)."""

from __future__ import annotations

import gzip

import pytest

from archive.cdxj import build_index
from archive.reader import ArchiveLookup, iter_records
from tests.support.warcs import gz, http_response, record, response

BODIES = [b"<p>page %d</p>" % i * 10 for i in range(4)]


def _records(digests: bool) -> list[bytes]:
    return [response(f"http://ex.com/{i}", b, digests=digests) for i, b in enumerate(BODIES)]


def _damaged_first(length: int, digests: bool) -> bytes:
    return response("http://ex.com/0", BODIES[0], length=str(length), digests=digests)


def _block_len() -> int:
    return len(http_response(BODIES[0]))


@pytest.mark.parametrize("digests", [True, False])
@pytest.mark.parametrize("too_long", ["past_end", "into_member"])
def test_gzip_members_after_a_plain_record_with_a_damaged_length_are_read(
        tmp_path, digests, too_long):
    recs = _records(digests)
    length = 10**6 if too_long == "past_end" else _block_len() + 30
    first = _damaged_first(length, digests)
    path = tmp_path / "c.warc"
    path.write_bytes(first + gz(recs[2]) + gz(recs[3]))
    errors: list = []
    infos = list(iter_records(path, errors.append))
    assert [(i.offset, i.record.target_uri) for i in infos] == [
        (0, "http://ex.com/0"), (len(first), "http://ex.com/2"),
        (len(first) + len(gz(recs[2])), "http://ex.com/3")]
    assert infos[0].record.block == http_response(BODIES[0])
    assert [(e.offset, e.kept) for e in errors] == [(0, True)]
    assert f"bad Content-Length '{length}'" in errors[0].reason
    lookup = ArchiveLookup(path, on_error=[].append)
    assert [lookup.get(f"http://ex.com/{i}").payload for i in (0, 2, 3)] == [
        BODIES[0], BODIES[2], BODIES[3]]
    urls = [ln.split(" ", 2)[0] for ln in build_index([path], on_error=[].append)]
    assert urls == ["com,ex)/0", "com,ex)/2", "com,ex)/3"]


def test_a_torn_last_member_after_a_damaged_length_is_said_as_torn(tmp_path):
    recs = _records(True)
    first = _damaged_first(10**6, True)
    torn = gz(recs[2])[:-30]
    path = tmp_path / "t.warc"
    path.write_bytes(first + torn)
    errors: list = []
    infos = list(iter_records(path, errors.append))
    assert [i.record.block for i in infos] == [http_response(BODIES[0])]
    assert [(e.offset, e.kept) for e in errors] == [(0, True), (len(first), False)]
    assert "truncated gzip member" in errors[1].reason


def test_a_gzip_coded_payload_in_the_swallowed_bytes_is_no_record_start(tmp_path):
    """A gzip member that holds no WARC record (a page's coded body) is passed over."""
    coded = gzip.compress(b"<p>coded</p>" * 50, mtime=0)
    block = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n" + coded
    first = record("response", "http://ex.com/c", block, length=str(10**6))
    recs = _records(True)
    path = tmp_path / "g.warc"
    path.write_bytes(first + gz(recs[1]))
    infos = list(iter_records(path, [].append))
    assert [(i.offset, i.record.target_uri) for i in infos] == [
        (0, "http://ex.com/c"), (len(first), "http://ex.com/1")]
    assert infos[0].record.block == block


@pytest.mark.parametrize("digests", [True, False])
@pytest.mark.parametrize("swallowed", [1, 2])
@pytest.mark.parametrize("version", [b"WARC/1.1", b"warc/1.1", b"Warc/1.1"])
def test_a_length_ending_exactly_at_a_later_records_end_is_cut_back(
        tmp_path, digests, swallowed, version):
    """The damaged length lands on a record boundary, so the file looks whole: the block
    digest (or, without one, the HTTP Content-Length) says where the block really ends. The
    swallowed records' version lines in any case the reader reads."""
    recs = [rec.replace(b"WARC/1.1", version, 1) for rec in _records(digests)]
    swallow = b"".join(recs[1:1 + swallowed])
    first = _damaged_first(_block_len() + len(swallow), digests)
    path = tmp_path / "x.warc"
    path.write_bytes(first + b"".join(recs[1:]))
    errors: list = []
    infos = list(iter_records(path, errors.append))
    assert [i.record.target_uri for i in infos] == [f"http://ex.com/{i}" for i in range(4)]
    assert [i.record.block for i in infos] == [http_response(b) for b in BODIES]
    real_first = len(first)
    assert [(i.offset, i.length) for i in infos[:2]] == [
        (0, real_first - 4), (real_first, len(recs[1]) - 4)]
    assert [(e.offset, e.kept) for e in errors] == [(0, True)]
    assert f"runs over the record at offset {real_first}" in errors[0].reason
    lookup = ArchiveLookup(path, on_error=[].append)
    assert [lookup.get(f"http://ex.com/{i}").payload for i in range(4)] == BODIES


@pytest.mark.parametrize("http_length", [True, False])
def test_a_warc_file_served_as_a_page_stays_its_payload(tmp_path, http_length):
    """A response whose page is a WARC file holds records filling its block: its length is
    right (nothing says the block ends earlier), so they are its payload, not records."""
    served = b"".join(_records(False)[:2])
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/warc\r\n"
    if http_length:
        head += b"Content-Length: %d\r\n" % len(served)
    block = head + b"\r\n" + served[:-4]  # (the last record's separator ends the outer one)
    for digests in (True, False):
        path = tmp_path / f"s{digests}.warc"
        path.write_bytes(record("response", "http://ex.com/f.warc", block, digests=digests)
                         + _records(digests)[3])
        errors: list = []
        infos = list(iter_records(path, errors.append))
        assert [i.record.target_uri for i in infos] == ["http://ex.com/f.warc", "http://ex.com/3"]
        assert infos[0].record.block == block
        assert errors == []
