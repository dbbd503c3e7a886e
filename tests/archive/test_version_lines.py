"""A record's version line as writers spelled it: the versions WARC writers used, in any
case and with trailing blanks, are read (as warcio reads them); any other version is refused
by file and offset, and the records after it are read."""

from __future__ import annotations

import json

import pytest

from archive.cdxj import build_index
from archive.reader import ArchiveLookup, iter_records
from tests.support.warcs import gz, response


@pytest.mark.parametrize("version", ["warc/1.0", "Warc/1.1", "WARC/1.0 ", "WARC/1.1\t",
                                     "WARC/0.17", "WARC/0.18", "warc/0.18"])
@pytest.mark.parametrize("compress", [False, True])
def test_version_lines_writers_used_are_read(tmp_path, version, compress):
    recs = [response(f"http://ex.com/{i}", b"<p>%d</p>" % i, version=version) for i in range(3)]
    path = tmp_path / ("v.warc.gz" if compress else "v.warc")
    path.write_bytes(b"".join(gz(r) for r in recs) if compress else b"".join(recs))
    errors: list = []
    infos = list(iter_records(path, errors.append))
    assert [i.record.target_uri for i in infos] == [f"http://ex.com/{i}" for i in range(3)]
    assert {i.record.version for i in infos} == {"WARC/" + version.strip()[5:]}
    lookup = ArchiveLookup(path, on_error=errors.append)
    assert lookup.get("http://ex.com/2").payload == b"<p>2</p>"
    assert errors == []


@pytest.mark.parametrize("version", ["WARC/2.0", "WARC/1", "WARC/10.0", "WARC/1.01"])
@pytest.mark.parametrize("compress", [False, True])
def test_a_foreign_version_is_refused_by_offset_and_the_rest_read(tmp_path, version, compress):
    first = response("http://ex.com/0", b"<p>0</p>")
    odd = response("http://ex.com/odd", b"<p>odd</p>", version=version)
    last = response("http://ex.com/2", b"<p>2</p>")
    parts = [gz(r) for r in (first, odd, last)] if compress else [first, odd, last]
    path = tmp_path / ("f.warc.gz" if compress else "f.warc")
    path.write_bytes(b"".join(parts))
    errors: list = []
    lines = build_index([path], on_error=errors.append)
    assert [ln.split(" ", 1)[0] for ln in lines] == ["com,ex)/0", "com,ex)/2"]
    assert [e.offset for e in errors] == [len(parts[0])]
    assert f"unknown WARC version '{version}'" in errors[0].reason
    assert "WARC/1.0, WARC/1.1, WARC/0.17, WARC/0.18" in errors[0].reason


def test_a_lower_case_record_after_a_damaged_one_is_found(tmp_path):
    """The walk looking for the next record after damage finds a lower-case version line."""
    bad = response("http://ex.com/0", b"<p>0</p>", length="junk")
    low = response("http://ex.com/1", b"<p>1</p>", version="warc/1.0")
    path = tmp_path / "l.warc"
    path.write_bytes(bad + low)
    infos = list(iter_records(path, [].append))
    assert [(i.offset, i.record.target_uri) for i in infos] == [
        (0, "http://ex.com/0"), (len(bad), "http://ex.com/1")]


@pytest.mark.parametrize("compress", [False, True])
def test_a_byte_order_mark_before_a_version_line_is_passed_over_and_said(tmp_path, compress):
    """A UTF-8 byte-order mark an editor or a Windows tool put before a record: the record
    is read (it was lost in a gzip member) and the mark said, kept, by the record's offset."""
    bom = b"\xef\xbb\xbf"
    recs = [bom + response("http://ex.com/0", b"<p>0</p>"), response("http://ex.com/1", b"<p>1</p>")]
    parts = [gz(r) for r in recs] if compress else recs
    path = tmp_path / ("b.warc.gz" if compress else "b.warc")
    path.write_bytes(b"".join(parts))
    errors: list = []
    infos = list(iter_records(path, errors.append))
    assert [i.record.target_uri for i in infos] == ["http://ex.com/0", "http://ex.com/1"]
    assert [i.offset for i in infos] == [0 if compress else 3, len(parts[0])]
    assert [(e.offset, e.kept) for e in errors] == [(infos[0].offset, True)]
    assert "byte-order mark" in errors[0].reason
    lookup = ArchiveLookup(path, on_error=[].append)
    assert lookup.get("http://ex.com/0").payload == b"<p>0</p>"


def _padded(url: str, pad: int, n: int) -> bytes:
    """A response whose header is ``pad`` bytes longer (past the reader's first read of a
    header when over 4 KB); ``n`` sets its record id, so its gzip bytes differ per ``n``."""
    rec = response(url, b"<p>x</p>", rec_id=f"<urn:uuid:00000000-0000-4000-8000-{n:012d}>")
    return rec.replace(b"WARC-Target-URI:", b"X-Pad: " + b"y" * pad + b"\r\nWARC-Target-URI:", 1)


@pytest.mark.parametrize("pad", [0, 5000, 70_000])
@pytest.mark.parametrize("first_gzipped", [False, True])
def test_a_stray_version_line_before_a_gzip_member_loses_no_record(tmp_path, pad,
                                                                    first_gzipped):
    """A version line alone between records, the next one a gzip member: the member's
    compressed bytes, where they held a colon, were read as the stray line's header lines up
    to the end of the file ("the file ends inside it"), and a plain WARC's walk never looked
    for a gzip member after it; every record after the stray line was lost. Each of the
    twenty files differs in its compressed bytes only."""
    from warcio.archiveiterator import ArchiveIterator

    for n in range(20):
        first = _padded("http://ex.com/0", 0, n)
        parts = [gz(first) if first_gzipped else first, b"WARC/1.0\r\n",
                 gz(_padded("http://ex.com/big", pad, n)), gz(_padded("http://ex.com/2", 0, n))]
        path = tmp_path / f"s{n}.warc.gz"
        path.write_bytes(b"".join(parts))
        starts = [sum(len(p) for p in parts[:k]) for k in range(4)]
        errors: list = []
        infos = list(iter_records(path, errors.append))
        assert [(i.offset, i.record.target_uri) for i in infos] == [
            (starts[0], "http://ex.com/0"), (starts[2], "http://ex.com/big"),
            (starts[3], "http://ex.com/2")], (n, [e.reason for e in errors])
        assert [(e.offset, e.file) for e in errors] == [(starts[1], str(path))], n
        lines = build_index([path], on_error=[].append)
        offsets = {json.loads(ln.split(" ", 2)[2])["url"]: int(json.loads(
            ln.split(" ", 2)[2])["offset"]) for ln in lines}
        for url, offset in offsets.items():  # warcio reads each indexed offset as its record
            with path.open("rb") as fh:
                fh.seek(offset)
                rec = next(iter(ArchiveIterator(fh)))
                assert rec.rec_headers.get_header("WARC-Target-URI") == url


@pytest.mark.parametrize("pad", [0, 5000, 70_000])
@pytest.mark.parametrize("stray", [b"WARC/1.0\r\n", b"WARC/1.0\r\nX-Note: b\r\n"])
def test_a_stray_version_line_is_the_same_false_start_before_a_long_header(tmp_path, pad,
                                                                           stray):
    """Before a header over 4 KB (past the reader's first read) a stray version line was
    said "WARC header not terminated", and with a line after it a record's error, where
    before a short header it was a false start passed over: now the same, whatever the
    length of the header after it, and every record read at its offset."""
    from archive.errors import PassedOver

    first, last = response("http://ex.com/0", b"<p>0</p>"), response("http://ex.com/2", b"x")
    big = _padded("http://ex.com/big", pad, 1)
    path = tmp_path / "s.warc"
    path.write_bytes(first + stray + big + last)
    errors: list = []
    infos = list(iter_records(path, errors.append))
    at = len(first) + len(stray)
    assert [(i.offset, i.record.target_uri) for i in infos] == [
        (0, "http://ex.com/0"), (at, "http://ex.com/big"), (at + len(big), "http://ex.com/2")]
    assert [(type(e), e.offset) for e in errors] == [(PassedOver, len(first))]
    assert "a version line inside its header ('WARC/1.1'): a false start" in errors[0].reason
