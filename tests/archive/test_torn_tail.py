"""A WARC whose last record the file ends inside (a copy stopped half way, a crawl killed as it
wrote), gzipped and plain, cut inside the WARC header, the HTTP head, the body and the gzip
trailer, through every command: the torn record is never indexed or served, its error names
its offset and, when its header arrived, its WARC-Target-URI and date; repair keeps every
record before it and moves the torn bytes to the side file."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from archive.errors import WarcFormatError
from archive.reader import ArchiveLookup, iter_responses
from tests.support.warcs import gz, response

REPO = Path(__file__).resolve().parents[2]
URL = "http://ex.com/b"
OLDER = b"<html><p>the older whole page</p></html>"
NEWER = b"<html>" + random.Random(7).randbytes(6000).hex().encode() + b"</html>"
NEWER_DATE = "2026-02-03T04:05:06Z"


def _records() -> tuple[list[bytes], bytes]:
    """Two whole records (the older capture of URL, another page) and the newer one."""
    whole = [response(URL, OLDER, date="2026-01-01T00:00:00Z"),
             response("http://ex.com/a", b"<p>another page</p>")]
    return whole, response(URL, NEWER, date=NEWER_DATE)


def _points(last: bytes) -> dict[str, int]:
    """Where to cut the newer record's bytes: after its WARC-Date and WARC-Target-URI lines
    and before its header ends, inside its HTTP head, inside its body."""
    warc_head_end = last.index(b"\r\n\r\n") + 4
    http_head_end = last.index(b"\r\n\r\n", warc_head_end) + 4
    return {"warc-header": last.index(b"Content-Type:"),
            "http-head": warc_head_end + 20,
            "body": http_head_end + 3000}


def _gzip_cut(member: bytes, raw: int) -> int:
    """The fewest bytes of ``member`` inflating to at least ``raw`` bytes."""
    for n in range(10, len(member)):
        if len(zlib.decompressobj(31).decompress(member[:n])) >= raw:
            return n
    raise AssertionError("never inflates that far")


def _torn_file(tmp_path: Path, compress: bool, where: str) -> tuple[Path, int, bytes]:
    """(the file, the torn record's offset, the bytes before it)."""
    whole, last = _records()
    if compress:
        before = b"".join(gz(r) for r in whole)
        member = gz(last)
        cut = len(member) - 4 if where == "gzip-trailer" else _gzip_cut(member, _points(last)[where])
        torn = member[:cut]
        if where == "warc-header":  # (the inflated bytes end inside the header)
            got = zlib.decompressobj(31).decompress(torn)
            assert b"WARC-Date" in got and b"\r\n\r\n" not in got
    else:
        before = b"".join(whole)
        torn = last[:_points(last)[where]]
    path = tmp_path / ("t.warc.gz" if compress else "t.warc")
    path.write_bytes(before + torn)
    return path, len(before), before


def _run(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "archive", *map(str, args)],
                          capture_output=True, text=True, cwd=REPO, timeout=120)


CASES = [(True, "warc-header"), (True, "http-head"), (True, "body"),
         (False, "warc-header"), (False, "http-head"), (False, "body")]


def _names_the_record(reason: str) -> None:
    assert repr(URL) in reason and NEWER_DATE in reason and "not read" in reason


@pytest.mark.parametrize(("compress", "where"), CASES)
def test_a_torn_last_record_is_said_by_offset_url_and_date_and_never_indexed(
        tmp_path, compress, where):
    path, offset, _ = _torn_file(tmp_path, compress, where)

    res = _run("verify", path)
    assert res.returncode == 1
    (line,) = [ln for ln in res.stderr.splitlines() if f"offset {offset}:" in ln]
    _names_the_record(line)
    assert "(record kept)" not in line

    res = _run("index", path, "-o", tmp_path / "x.cdxj")
    assert res.returncode == 1 and f"{path}: offset {offset}:" in res.stderr
    lines = (tmp_path / "x.cdxj").read_text().splitlines()
    assert len(lines) == 2 and not any(f'"offset": "{offset}"' in ln for ln in lines)


@pytest.mark.parametrize(("compress", "where"), CASES)
def test_a_torn_last_record_is_never_served_the_older_capture_answers(tmp_path, compress, where):
    path, offset, _ = _torn_file(tmp_path, compress, where)
    errors: list[WarcFormatError] = []
    with ArchiveLookup(path, on_error=errors.append) as lookup:
        got = lookup.get(URL)
        assert got is not None and got.payload == OLDER and got.partial is None
    (err,) = [e for e in errors if e.offset == offset]
    _names_the_record(err.reason)
    said: list[WarcFormatError] = []
    assert [r.payload for r in iter_responses(path, on_error=said.append)
            if r.url == URL] == [OLDER]
    assert [e.offset for e in said] == [offset]


def test_a_record_torn_after_indexing_is_not_served_by_a_lookup_made_before(tmp_path):
    """A lookup built over the whole file, the file then cut (a copy replaced by one stopped
    half way): reading the newest capture fails by offset, URL and date, the older answers."""
    whole, last = _records()
    path = tmp_path / "t.warc.gz"
    before = b"".join(gz(r) for r in whole)
    path.write_bytes(before + gz(last))
    errors: list[WarcFormatError] = []
    with ArchiveLookup(path, on_error=errors.append) as lookup:
        assert lookup.get(URL).payload == NEWER
        path.write_bytes(before + gz(last)[:_gzip_cut(gz(last), _points(last)["body"])])
        assert lookup.get(URL).payload == OLDER
    (err,) = errors
    assert err.offset == len(before) and "cannot read record: truncated gzip member" in err.reason
    _names_the_record(err.reason)


@pytest.mark.parametrize(("compress", "where"), CASES)
def test_repair_keeps_the_whole_records_and_moves_the_torn_bytes_aside(tmp_path, compress, where):
    path, offset, before = _torn_file(tmp_path, compress, where)
    written = path.read_bytes()
    folder = tmp_path / "run"
    folder.mkdir()
    opened = folder / (path.name + ".open")
    path.rename(opened)

    res = _run("repair", folder)

    assert res.returncode == 1, res.stderr
    final = folder / path.name
    side = folder / (path.name + ".damaged")
    assert final.read_bytes() == before and side.read_bytes() == written[offset:]
    (rng,) = json.loads((folder / (side.name + ".json")).read_text())["ranges"]
    assert (rng["original_offset"], rng["length"]) == (offset, len(written) - offset)
    _names_the_record(rng["reason"])
    res = _run("verify", final)
    assert res.returncode == 0 and "2 records in 1 file(s): 0 error(s)" in res.stdout


@pytest.mark.parametrize("compress", [True, False])
def test_a_cut_that_leaves_the_record_whole_keeps_it(tmp_path, compress):
    """Cut in a member's gzip trailer (its deflate stream whole), or in a plain record's
    separator: the record is all there, read and served (the gzip cut said)."""
    whole, last = _records()
    path = tmp_path / ("t.warc.gz" if compress else "t.warc")
    written = b"".join(gz(r) for r in [*whole, last]) if compress else b"".join([*whole, last])
    path.write_bytes(written[:-4 if compress else -2])
    errors: list[WarcFormatError] = []
    with ArchiveLookup(path, on_error=errors.append) as lookup:
        assert lookup.get(URL).payload == NEWER
    assert all(e.kept for e in errors) and len(errors) == (1 if compress else 0)
    res = _run("index", path, "-o", tmp_path / "x.cdxj")
    assert res.returncode == (1 if compress else 0)
    assert len((tmp_path / "x.cdxj").read_text().splitlines()) == 3


def test_a_plain_last_record_whose_length_alone_is_damaged_is_read_by_its_digest(tmp_path):
    """A Content-Length past the end of the file on a record whose block is whole (its
    WARC-Block-Digest holds up to the end): damage to its length, not a torn file; read and
    said kept, as a damaged length before another record is."""
    whole, _ = _records()
    last = response(URL, NEWER, date=NEWER_DATE)
    length = last.index(b"Content-Length: ") + len(b"Content-Length: ")
    end = last.index(b"\r\n", length)
    damaged = last[:length] + str(int(last[length:end]) + 50).encode() + last[end:]
    path = tmp_path / "t.warc"
    path.write_bytes(b"".join(whole) + damaged)
    errors: list[WarcFormatError] = []
    with ArchiveLookup(path, on_error=errors.append) as lookup:
        assert lookup.get(URL).payload == NEWER
    (err,) = errors
    assert err.kept and "bad Content-Length" in err.reason


def test_a_member_cut_just_before_its_trailer_is_not_read_though_its_block_inflated(tmp_path):
    """Cut 9 bytes from its end (past the 8-byte trailer): the block inflated whole, but the
    end of the deflate stream did not arrive, so nothing proves the bytes: not read, and
    said so rather than as a block cut short."""
    whole, last = _records()
    path = tmp_path / "t.warc.gz"
    before = b"".join(gz(r) for r in whole)
    path.write_bytes(before + gz(last)[:-9])
    errors: list[WarcFormatError] = []
    with ArchiveLookup(path, on_error=errors.append) as lookup:
        assert lookup.get(URL).payload == OLDER
    (err,) = errors
    assert err.offset == len(before) and not err.kept
    _names_the_record(err.reason)
    assert "block inflated but not the end of its gzip stream" in err.reason
