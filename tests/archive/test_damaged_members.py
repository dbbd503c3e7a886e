"""Damaged WARC input the reader, index, replay lookup and ``archive verify`` must get through:
every readable record read, every damaged span said by file, offset and reason, the rest read
on, no byte deleted. Files are written by warcio (a real writer), then cut by hand."""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from archive.cdxj import index_to_file
from archive.errors import WarcFormatError
from archive.reader import ArchiveLookup
from archive.records import iter_records, read_info_at
from archive.repair import repair_open_files
from archive.verify import verify
from tests.support.warcs import gz, http_response, record, response, warcio_warc

REPO = Path(__file__).resolve().parents[2]
URLS = [f"http://ex.com/{name}" for name in ("a", "torn", "b", "c")]


def _warcio_members(tmp_path: Path) -> list[bytes]:
    """The gzip members of a .warc.gz warcio writes, one capture of each of URLS (a page of
    its name), one member each."""
    path = tmp_path / "written.warc.gz"
    captures = [(url, http_response(f"<title>{url}</title>".encode() * 40),
                 "2026-01-02T03:04:05Z") for url in URLS]
    offsets = warcio_warc(path, captures)
    data = path.read_bytes()
    return [data[a:b] for a, b in zip(offsets, [*offsets[1:], len(data)], strict=True)]


def _read(path: Path) -> tuple[list[tuple[int, str]], list[WarcFormatError]]:
    errors: list[WarcFormatError] = []
    infos = [(i.offset, i.record.target_uri) for i in iter_records(path, errors.append)]
    return infos, errors


def _without_field(rec: bytes, name: bytes) -> bytes:
    return re.sub(rb"\r\n" + name + rb": [^\r]*", b"", rec, count=1)


# 1. a gzip member holding a record cut short, then whole records (a writer gzipping several
# records per member, one of them torn): the torn record was "kept" with the next records'
# bytes as its page, those records lost
@pytest.mark.parametrize("cut", ["block", "header"])
@pytest.mark.parametrize("after", [1, 2])
def test_a_torn_record_in_a_member_before_whole_ones_is_said_not_kept_with_their_bytes(
        tmp_path: Path, cut: str, after: int) -> None:
    a, torn, b, c = (gzip.decompress(m) for m in _warcio_members(tmp_path))
    torn = torn[: len(torn) - 300] if cut == "block" else torn[: torn.index(b"WARC-Target-URI") + 5]
    members = [gz(a), gz(torn + b + (c if after == 2 else b"")),
               *([gz(c)] if after == 1 else [])]
    path = tmp_path / "multi.warc.gz"
    path.write_bytes(b"".join(members))
    infos, errors = _read(path)
    after_member = len(members[0]) + len(members[1])
    assert infos == [(0, URLS[0])] + ([(after_member, URLS[3])] if after == 1 else [])
    assert [e.offset for e in errors] == [len(members[0])]
    reason = errors[0].reason
    assert "more than one record" in reason and "cut short" in reason
    assert "only part of a record" in reason and "recompress" in reason
    assert not errors[0].kept
    # replay serves no page of the torn record made of the next record's bytes
    lookup = ArchiveLookup(path, on_error=lambda e: None)
    assert lookup.get(URLS[1]) is None
    assert verify([path]).error_count == 1

    # a .warc file served as a page, its record's Content-Length too small: its block
    # digest holds over the whole member, so that is the record's own block, kept as before
    inner = response("http://ex.com/inner", b"<title>quoted</title>")
    block = http_response(b"x" * 50 + inner, ctype="application/warc")
    path.write_bytes(gz(record("response", "http://ex.com/served.warc", block,
                               length=str(len(block) - 40))))
    (info,) = iter_records(path, lambda e: None)
    assert info.record.block == block and info.problems


def test_a_member_torn_mid_file_is_named_and_the_members_after_it_read(tmp_path: Path) -> None:
    """A record-per-member file whose member was cut short, the next member joined on (a
    crash, then an append): said as corrupt gzip data naming the record it began (its type,
    target and id, as far as its start inflates; it was said with no record named), and the
    members after it read."""
    a, torn, b, c = _warcio_members(tmp_path)
    rid = re.search(rb"WARC-Record-ID: (<[^>]+>)", gzip.decompress(torn)).group(1).decode()
    torn = torn[:-30]  # (its header inflates whole, its page does not)
    path = tmp_path / "torn.warc.gz"
    path.write_bytes(a + torn + b + c)
    infos, errors = _read(path)
    at = len(a) + len(torn)
    assert infos == [(0, URLS[0]), (at, URLS[2]), (at + len(b), URLS[3])]
    assert [e.offset for e in errors] == [len(a)]
    assert errors[0].reason.startswith("corrupt gzip data")
    assert f"the member of response for '{URLS[1]}'" in errors[0].reason
    assert rid in errors[0].reason and errors[0].reason.endswith("not read")


# 2. a header cut short before a record missing a field of its own: the two were read as one
# header (the torn record unsaid, the next one read at the torn one's offset)
@pytest.mark.parametrize("missing", [b"WARC-Record-ID", b"WARC-Date", b"Content-Length",
                                     b"WARC-Type"])
def test_a_torn_header_before_a_record_missing_a_field_are_each_said_at_their_offsets(
        tmp_path: Path, missing: bytes) -> None:
    a, torn, b, c = (gzip.decompress(m) for m in _warcio_members(tmp_path))
    torn = torn[: torn.index(b"WARC-Target-URI") + 5]  # cut inside a field's name
    damaged = _without_field(b, missing)
    path = tmp_path / "torn.warc"
    path.write_bytes(a + torn + damaged + c)
    at = len(a) + len(torn)
    infos, errors = _read(path)
    read_b = missing in (b"WARC-Record-ID", b"Content-Length")  # read, said damaged by verify
    assert infos == [(0, URLS[0]), *([(at, URLS[2])] if read_b else []),
                     (at + len(damaged), URLS[3])]
    assert errors[0].offset == len(a) and "WARC header cut short" in errors[0].reason
    assert f"the record at offset {at}" in errors[0].reason
    problems = verify([path]).problems
    assert {p.offset for p in problems if p.severity == "error"} == {len(a), at}


def test_a_torn_header_member_is_named_by_what_it_got_to(tmp_path: Path) -> None:
    """A member whose record header the member ends inside is named as a plain file's torn
    header is (type, date, id), not only "WARC header not terminated"."""
    a, torn, b, _ = (gzip.decompress(m) for m in _warcio_members(tmp_path))
    rid = re.search(rb"WARC-Record-ID: (<[^>]+>)", torn).group(1).decode()
    path = tmp_path / "torn.warc.gz"
    members = [gz(a), gz(torn[: torn.index(b"WARC-Target-URI")]),
               gz(_without_field(b, b"WARC-Record-ID"))]
    path.write_bytes(b"".join(members))
    infos, errors = _read(path)
    assert infos == [(0, URLS[0]), (len(members[0]) + len(members[1]), URLS[2])]
    assert [e.offset for e in errors] == [len(members[0])]
    assert rid in errors[0].reason and "its WARC header cut short" in errors[0].reason
    assert "the gzip member ends inside it" in errors[0].reason


# 3. a plain .warc whose damaged bytes (a stray version line and junk, a record's header
# that is none) come before gzip members holding records (a .warc.gz appended to it, a
# mis-named file): the walk looked for the next version line only, every member after lost
@pytest.mark.parametrize("lead", [b"WARC/1.0\r\n", b"WARC/1.0\r\nX-Note: stray\r\n",
                                  b"junk line\n"])
def test_damaged_bytes_in_a_plain_warc_before_gzip_members_lose_none_of_them(
        tmp_path: Path, lead: bytes) -> None:
    a, b, c, _ = _warcio_members(tmp_path)
    first = gzip.decompress(a) if lead == b"junk line\n" else b""  # a plain record first
    junk = lead + b"\x00\xff junk: \x1f\x8b\x08 not gzip" * 20
    path = tmp_path / "mixed.warc"
    path.write_bytes(first + junk + b + gzip.decompress(c))
    at = len(first) + len(junk)
    infos, errors = _read(path)
    assert infos == [*([(0, URLS[0])] if first else []), (at, URLS[1]),
                     (at + len(b), URLS[2])]
    assert [e.offset for e in errors] == [len(first)]
    assert "the file ends inside it" not in errors[0].reason  # (records follow it)
    lines = tmp_path / "index.cdxj"
    assert index_to_file([path], lines, on_error=lambda e: None) == len(infos)
    lookup = ArchiveLookup(path, on_error=lambda e: None)
    assert lookup.get(URLS[1]).payload == f"<title>{URLS[1]}</title>".encode() * 40
    assert verify([path]).error_count == 1


@pytest.mark.parametrize("damage", [(b"Content-Length:", b"Content-Length;"),
                                    (b"WARC/1.1\r\n", b"WARC/1.1x\r\n")],
                         ids=["length-colon", "version-line"])
def test_a_bad_header_s_block_holding_a_warc_gz_gives_no_captures_of_it(
        tmp_path: Path, damage: tuple[bytes, bytes]) -> None:
    """The other side of the search for members after bad bytes: a record whose header is
    damaged but ended (its blank line found), its block a .warc.gz a site served. Its block
    is no part of this file's records: its inner captures are neither read, indexed nor
    replayed, the damaged record said once at its offset, the record after it read."""
    inner = b"".join(gz(response(f"http://inner.example/{i}", b"<title>inner %d</title>" % i))
                     for i in range(3))
    served = record("resource", "http://ex.com/dl.warc.gz", inner, ctype="application/warc")
    a = response("http://ex.com/a", b"<title>a</title>")
    b = response("http://ex.com/b", b"<title>b</title>")
    bad = served.replace(*damage, 1)
    assert bad != served
    path = tmp_path / "served.warc"
    path.write_bytes(a + bad + b)
    infos, errors = _read(path)
    assert infos == [(0, "http://ex.com/a"), (len(a) + len(bad), "http://ex.com/b")]
    assert [e.offset for e in errors] == [len(a)]
    assert ArchiveLookup(path, on_error=lambda e: None).get("http://inner.example/1") is None
    lines = tmp_path / "index.cdxj"
    assert index_to_file([path], lines, on_error=lambda e: None) == 2
    assert "inner.example" not in lines.read_text()
    assert verify([path]).error_count == 1


@pytest.mark.parametrize("plain_last", [False, True])
def test_a_stray_version_line_and_junk_between_members_lose_none_of_them(
        tmp_path: Path, plain_last: bool) -> None:
    """The reverse: a .warc.gz with a stray version line and junk between its members (the
    junk read as that line's header up to the end of the file, or a plain record's blank
    line, the members in it lost, that record read at the junk's offset)."""
    a, b, c, _ = _warcio_members(tmp_path)
    junk = b"WARC/1.0\r\n" + b"\x00\xff junk: \x1f\x8b\x08 not gzip" * 20
    last = gzip.decompress(c) if plain_last else c
    path = tmp_path / "mixed.warc.gz"
    path.write_bytes(a + junk + b + last)
    at = len(a) + len(junk)
    infos, errors = _read(path)
    assert infos == [(0, URLS[0]), (at, URLS[1]), (at + len(b), URLS[2])]
    assert [e.offset for e in errors] == [len(a)]
    assert f"a gzip member holding a record (at offset {at})" in errors[0].reason
    assert verify([path]).error_count == 1


# a member whose gzip trailer is damaged (its CRC-32 or size, or cut short by the next member
# mid-file): the deflate stream is whole, and the record's block digest proves its data; the
# record was lost. One with no digest to prove it stays unread, said.
def _bad_crc(m: bytes) -> bytes:
    return m[:-8] + bytes(b ^ 0xFF for b in m[-8:-4]) + m[-4:]


def _bad_size(m: bytes) -> bytes:
    return m[:-4] + (int.from_bytes(m[-4:], "little") + 1).to_bytes(4, "little")


@pytest.mark.parametrize("damage", [_bad_crc, _bad_size, lambda m: m[:-3], lambda m: m[:-8]])
def test_a_record_whose_gzip_trailer_is_damaged_is_read_when_its_digest_holds(
        tmp_path: Path, damage) -> None:
    a, b, c, d = _warcio_members(tmp_path)
    bad = damage(b)
    path = tmp_path / "trailer.warc.gz"
    path.write_bytes(a + bad + c + d)
    infos, errors = _read(path)
    assert infos == [(0, URLS[0]), (len(a), URLS[1]), (len(a) + len(bad), URLS[2]),
                     (len(a) + len(bad) + len(c), URLS[3])]
    assert [(e.offset, e.kept) for e in errors] == [(len(a), True)]
    assert "gzip trailer does not match" in errors[0].reason
    info = read_info_at(path, len(a))  # the replay's read at an index line's offset
    assert info.record.block == gzip.decompress(b)[-len(info.record.block) - 4:-4]
    assert info.length == len(bad)
    lines = tmp_path / "index.cdxj"
    assert index_to_file([path], lines, on_error=lambda e: None) == 4
    assert ArchiveLookup(path, on_error=lambda e: None).get(URLS[1]).payload == (
        f"<title>{URLS[1]}</title>".encode() * 40)

    # no digest: nothing tells a damaged trailer from damaged data, the record not read
    plain = gzip.decompress(b)
    plain = re.sub(rb"WARC-Block-Digest: [^\r]*\r\n", b"", plain)
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    undigested = damage(packer.compress(plain) + packer.flush())
    path.write_bytes(a + undigested + c)
    infos, errors = _read(path)
    assert infos == [(0, URLS[0]), (len(a) + len(undigested), URLS[2])]
    assert [(e.offset, e.kept) for e in errors] == [(len(a), False)]


@pytest.mark.parametrize("missing", [b"WARC-Record-ID", b"WARC-Type", b"WARC-Date"])
def test_a_damaged_trailer_is_not_read_past_a_header_missing_a_field(
        tmp_path: Path, missing: bytes) -> None:
    """The block digest does not cover the WARC header: a member whose trailer does not
    match is read only when its header has the fields every reader needs, else it stays
    unread, said at its offset (its bytes not vouched for by anything)."""
    a, b, c, _ = _warcio_members(tmp_path)
    bad = _bad_crc(gz(_without_field(gzip.decompress(b), missing)))
    path = tmp_path / "trailer.warc.gz"
    path.write_bytes(a + bad + c)
    infos, errors = _read(path)
    assert infos == [(0, URLS[0]), (len(a) + len(bad), URLS[2])]
    assert [(e.offset, e.kept) for e in errors] == [(len(a), False)]
    assert errors[0].reason.startswith("corrupt gzip data")
    with pytest.raises(WarcFormatError):
        read_info_at(path, len(a))


@pytest.mark.parametrize("damage", [lambda m: m[:-3], lambda m: m[:-5], lambda m: m[:-8],
                                    _bad_crc], ids=["cut3", "cut5", "cut8", "crc"])
def test_a_damaged_trailer_before_an_uncompressed_record_takes_none_of_its_bytes(
        tmp_path: Path, damage) -> None:
    """A member torn in its trailer (or its CRC-32 damaged), then a plain record appended (a
    killed writer's file, a .warc added to it): the record after it is read at its own
    offset, and a repair keeps it in place (the trailer's 8 bytes had taken its version
    line's start, the rest of it moved out as damage)."""
    a, b, c, d = _warcio_members(tmp_path)
    bad, plain = damage(b), gzip.decompress(c)
    path = tmp_path / "appended.warc.gz"
    path.write_bytes(a + bad + plain + d)
    at = len(a) + len(bad)
    infos, errors = _read(path)
    assert infos == [(0, URLS[0]), (len(a), URLS[1]), (at, URLS[2]), (at + len(plain), URLS[3])]
    assert [(e.offset, e.kept) for e in errors] == [(len(a), True)]
    assert read_info_at(path, len(a)).length == len(bad)
    assert read_info_at(path, at).record.target_uri == URLS[2]

    folder = tmp_path / "crawl"
    folder.mkdir()
    (folder / "x.warc.gz.open").write_bytes(a + bad + plain)
    (res,) = repair_open_files(folder)
    assert res.bytes_cut == 0 and res.side_file is None and res.records_kept == 3
    assert [(r.offset, r.moved) for r in res.damaged] == [(len(a), False)]
    final = folder / res.final_file
    assert final.read_bytes() == a + bad + plain
    assert [i.record.target_uri for i in iter_records(final, lambda e: None)] == URLS[:3]


# 4. a folder holding only the side files `archive repair` set aside
def _cli(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "archive", *map(str, args)],
                          capture_output=True, text=True, cwd=REPO, timeout=120)


def test_verify_of_a_folder_of_only_damaged_side_files_says_what_it_found(
        tmp_path: Path) -> None:
    folder = tmp_path / "warc"
    (folder / "old").mkdir(parents=True)
    for name in ("crawl-1.warc.gz", "old/crawl-0.warc"):
        (folder / f"{name}.damaged").write_bytes(b"\x1f\x8b\x08torn")
        (folder / f"{name}.damaged.json").write_text('{"ranges": []}\n')
    res = _cli("verify", folder)
    assert res.returncode == 1, res.stderr  # damage, as verify says any (2: a usage error)
    assert "2 damaged side file(s) not verified" in res.stderr
    assert str(folder / "crawl-1.warc.gz.damaged") in res.stderr
    assert str(folder / "old/crawl-0.warc.damaged") in res.stderr
    assert "archive repair" in res.stderr and "Traceback" not in res.stderr

    # beside a WARC: verified as before (the repair said its side files)
    (folder / "crawl-2.warc").write_bytes(response("http://ex.com/", b"<title>x</title>"))
    res = _cli("verify", folder)
    assert res.returncode == 0, res.stderr
    assert "1 records in 1 file(s): 0 error(s)" in res.stdout

    (folder / "crawl-2.warc").unlink()
    # a killed crawl's `.open` file beside them: a repair to run first, said as for the
    # `.open` file alone (exit 2), the side files said too
    (folder / "crawl-3.warc.gz.open").write_bytes(gz(response("http://ex.com/", b"x")))
    res = _cli("verify", folder)
    assert res.returncode == 2, res.stderr
    assert "1 unfinished WARC file(s) not read" in res.stderr
    assert "crawl-3.warc.gz.open" in res.stderr and "archive repair" in res.stderr
    assert "2 damaged side file(s) not read" in res.stderr
    assert str(folder / "crawl-1.warc.gz.damaged") in res.stderr
    (folder / "crawl-3.warc.gz.open").unlink()

    # another command given only side files: no WARC to read, said with what was found
    res = _cli("index", folder, "-o", tmp_path / "index.cdxj")
    assert res.returncode == 2 and "2 damaged side file(s) not read" in res.stderr
