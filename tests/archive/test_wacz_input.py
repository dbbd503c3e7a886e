"""WACZ packages as input: each WARC inside read in place, as if it were a WARC file."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import struct
import subprocess
import sys
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive import wacz_input
from archive.__main__ import main
from archive.reader import ArchiveLookup, expand_paths, iter_responses, warc_inputs
from archive.records import iter_records, read_info_at
from archive.verify import verify
from archive.wacz_input import crc_problem, location, open_member
from archive.writer import WarcWriter

from .conftest import make_exchange

REPO = Path(__file__).resolve().parents[2]
T1 = datetime(2026, 1, 1, 10, 0, tzinfo=UTC)
T2 = datetime(2026, 1, 2, 10, 0, tzinfo=UTC)


def _write_warcs(folder: Path) -> list[Path]:
    """Two gzipped WARCs (one with a revisit) and a plain one."""
    with WarcWriter(folder / "a") as w:
        for i in range(4):
            w.write_exchange(make_exchange(f"http://e.com/{i}", f"<title>T{i}</title>{i}".encode()
                                           * 40, date=T1))
    with WarcWriter(folder / "b") as w:
        w.write_exchange(make_exchange("http://e.com/0", b"<title>T0</title>0" * 40, date=T2))
        w.write_exchange(make_exchange("http://e.com/new", b"<title>New</title>" * 40, date=T2))
    with WarcWriter(folder / "c") as w:
        w.write_exchange(make_exchange("http://e.com/pln", b"<title>New</title>" * 40, date=T2))
    (a,) = (folder / "a").glob("*.warc.gz")
    (b,) = (folder / "b").glob("*.warc.gz")
    (c,) = (folder / "c").glob("*.warc.gz")
    plain = folder / "c" / "plain.warc"
    plain.write_bytes(gzip.decompress(c.read_bytes()))
    c.unlink()
    return [a, b, plain]


def _records(path, on_error=None) -> list[tuple]:
    return [(i.offset, i.length, i.record.version, i.record.headers, i.record.block)
            for i in iter_records(path, on_error)]


def test_a_wacz_reads_as_its_warcs(wacz, warcs):
    members = expand_paths(wacz)
    assert [str(m) for m in members] == [f"{wacz}#archive/{w.name}" for w in warcs]
    for member, warc in zip(members, warcs, strict=True):
        assert _records(member) == _records(warc)
        assert [i.file for i in iter_records(member)] == [member] * len(_records(warc))
        for offset, length, *_ in _records(warc):  # random access at each stored offset
            got, want = read_info_at(member, offset), read_info_at(warc, offset)
            assert (got.length, got.record.headers, got.record.block) == (
                length, want.record.headers, want.record.block)


def test_folders_globs_and_member_names_take_a_wacz(wacz, warcs):
    folder = wacz.parent
    assert [str(m) for m in expand_paths(folder)] == [f"{wacz}#archive/{w.name}" for w in warcs]
    assert expand_paths(str(folder / "*.wacz")) == expand_paths(folder)
    one = f"{wacz}#archive/{warcs[2].name}"
    assert [str(m) for m in expand_paths(one)] == [one]
    paths, note = warc_inputs([folder], "x")
    assert len(paths) == 3 and note is None


def test_lookup_and_responses_over_a_wacz_are_the_warcs(wacz, warcs):
    with ArchiveLookup(wacz) as packed, ArchiveLookup([w.parent for w in warcs]) as plain:
        assert packed.urls() == plain.urls()
        for url in plain.urls():
            for at in (None, T1):
                got, want = packed.get(url, at), plain.get(url, at)
                assert (got.status, got.headers, got.payload, got.ref) == (
                    want.status, want.headers, want.payload, want.ref)
    got = [(r.url, r.payload, r.ref) for r in iter_responses(wacz)]
    assert got == [(r.url, r.payload, r.ref) for r in iter_responses(warcs)]


def test_index_and_verify_read_a_wacz(wacz, warcs, tmp_path, capsys):
    assert main(["index", str(wacz), "-o", str(tmp_path / "p.cdxj")]) == 0
    assert main(["index", *map(str, warcs), "-o", str(tmp_path / "w.cdxj")]) == 0
    assert (tmp_path / "p.cdxj").read_text() == (tmp_path / "w.cdxj").read_text()
    capsys.readouterr()
    assert main(["verify", str(wacz)]) == 0
    assert "in 3 file(s): 0 error(s)" in capsys.readouterr().out


def test_a_wacz_repacks_into_a_wacz(wacz, warcs, tmp_path):
    again = tmp_path / "again.wacz"
    assert main(["wacz", str(wacz), "-o", str(again)]) == 0
    for member, warc in zip(expand_paths(again), warcs, strict=True):
        assert _records(member) == _records(warc)


def _hand_made(path: Path, members: list[tuple[str, bytes, int]]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data, method in members:
            zf.writestr(name, data, compress_type=method)
    return path


def test_deflated_members_read_in_order_and_at_an_offset(warcs, tmp_path):
    """`zip -r` deflates what it packs: a plain WARC member then compresses well."""
    pkg = _hand_made(tmp_path / "zipped.wacz", [
        ("datapackage.json", b"{}", zipfile.ZIP_DEFLATED),
        (f"archive/{warcs[0].name}", warcs[0].read_bytes(), zipfile.ZIP_DEFLATED),
        (f"archive/{warcs[2].name}", warcs[2].read_bytes(), zipfile.ZIP_DEFLATED),
    ])
    members = expand_paths(pkg)
    assert len(members) == 2
    for member, warc in zip(members, (warcs[0], warcs[2]), strict=True):
        want = _records(warc)
        assert _records(member) == want
        for offset, *rest in reversed(want):  # backwards: each read starts over
            info = read_info_at(member, offset)
            assert (info.length, info.record.headers, info.record.block) == (
                rest[0], rest[2], rest[3])
    with ArchiveLookup(pkg) as packed:
        assert packed.get("http://e.com/pln").payload == b"<title>New</title>" * 40


def _errors(paths) -> tuple[list[str], list[str]]:
    """(the errors reported, the URLs read) over ``paths``, as replay reads them."""
    errors: list = []
    with ArchiveLookup(paths, on_error=errors.append) as lookup:
        urls = lookup.urls()
    return [str(e) for e in errors], urls


def test_a_member_that_is_not_a_warc_is_named_and_the_rest_read(warcs, tmp_path):
    pkg = _hand_made(tmp_path / "mixed.wacz", [
        ("archive/notes.txt", b"hello, not a WARC\n", zipfile.ZIP_STORED),
        ("archive/image.warc.gz", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, zipfile.ZIP_STORED),
        (f"archive/{warcs[0].name}", warcs[0].read_bytes(), zipfile.ZIP_STORED),
    ])
    errors, urls = _errors([pkg])
    assert len(errors) == 2, errors
    assert errors[0].startswith(f"{pkg}#archive/notes.txt: offset 0: not a WARC file")
    assert errors[1].startswith(f"{pkg}#archive/image.warc.gz: offset 0: ")
    assert urls == [f"http://e.com/{i}" for i in range(4)]


def _damaged(tmp_path: Path, wacz: Path) -> dict[str, Path]:
    data = wacz.read_bytes()
    end = data.rindex(b"PK\x05\x06")
    central = data.rindex(b"PK\x01\x02", 0, end)
    out = {}
    for name, damaged in {
        "cut in its first header": data[:20],
        "bad central directory": data[:central] + b"XXXX" + data[central + 4:],
        "empty": b"",
        "not a zip": b"WARC/1.1\r\nhello\r\n" * 10,
    }.items():
        path = tmp_path / f"{name.replace(' ', '_')}.wacz"
        path.write_bytes(damaged)
        out[name] = path
    return out


def test_a_damaged_zip_is_named_and_other_inputs_read(wacz, warcs, tmp_path):
    damaged = _damaged(tmp_path, wacz)
    # its members are found by their local headers: every one read, the damage said once
    errors, urls = _errors([damaged.pop("bad central directory")])
    assert len(errors) == 1 and "Bad magic number for central directory" in errors[0]
    assert errors[0].endswith("read the 3 WARC member(s) found by their local headers")
    assert len(urls) == 6
    for kind, bad in damaged.items():
        errors, urls = _errors([bad, warcs[0]])
        assert len(errors) == 1, (kind, errors)
        assert errors[0].startswith(f"{bad}: offset 0: ") and "ZIP" in errors[0], (kind, errors)
        assert urls == [f"http://e.com/{i}" for i in range(4)], kind
    # a folder holding one goes on with its other files too
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "bad.wacz").write_bytes(b"junk")
    (folder / warcs[0].name).write_bytes(warcs[0].read_bytes())
    errors, urls = _errors(folder)
    assert len(errors) == 1 and errors[0].startswith(f"{folder / 'bad.wacz'}: offset 0")
    assert len(urls) == 4


def test_a_member_cut_short_by_its_zip_is_named(wacz, warcs, tmp_path):
    """A central directory whose member claims more bytes than the file holds before it."""
    data = bytearray(wacz.read_bytes())
    end = data.rindex(b"PK\x05\x06")
    first = data.index(b"PK\x01\x02", 0, end)
    size = struct.unpack_from("<I", data, first + 20)[0]
    struct.pack_into("<II", data, first + 20, size * 1000, size * 1000)  # compressed, size
    bad = tmp_path / "long.wacz"
    bad.write_bytes(bytes(data))
    errors, urls = _errors([bad])
    assert len(errors) == 1 and errors[0].startswith(f"{bad}#archive/{warcs[0].name}: offset 0")
    assert "http://e.com/new" in urls and "http://e.com/pln" in urls  # the other members


def test_zip_bombs_are_refused(warcs, tmp_path, monkeypatch):
    import archive.wacz_input as wacz_input

    monkeypatch.setattr(wacz_input, "RATIO_FLOOR", 1 << 20)
    bomb = b"WARC/1.1\r\n" + b"\0" * (50 << 20)  # 50 MB of zeros: deflates ~1000 to 1
    pkg = _hand_made(tmp_path / "bomb.wacz", [
        ("archive/bomb.warc", bomb, zipfile.ZIP_DEFLATED),
        (f"archive/{warcs[0].name}", warcs[0].read_bytes(), zipfile.ZIP_STORED),
    ])
    errors, urls = _errors([pkg])
    assert len(errors) == 1 and errors[0].startswith(f"{pkg}#archive/bomb.warc: offset 0: ")
    assert "zip bomb" in errors[0]
    assert len(urls) == 4
    # overlapping members: two names for the same bytes (the non-recursive zip bomb's trick)
    data = bytearray(Path(_hand_made(tmp_path / "two.wacz", [
        ("archive/a.warc.gz", warcs[0].read_bytes(), zipfile.ZIP_STORED),
        ("archive/b.warc.gz", warcs[0].read_bytes(), zipfile.ZIP_STORED),
    ])).read_bytes())
    end = data.rindex(b"PK\x05\x06")
    second = data.rindex(b"PK\x01\x02", 0, end)
    struct.pack_into("<I", data, second + 42, 0)  # its local header offset: the first's
    (tmp_path / "two.wacz").write_bytes(bytes(data))
    errors, urls = _errors([tmp_path / "two.wacz"])
    assert any("overlap" in e for e in errors), errors


def test_cli_names_a_damaged_wacz_and_goes_on(wacz, warcs, tmp_path):
    bad = tmp_path / "bad.wacz"
    bad.write_bytes(wacz.read_bytes()[:1000])
    res = subprocess.run([sys.executable, "-m", "archive", "verify", str(bad), str(warcs[0])],
                         capture_output=True, text=True, cwd=REPO, timeout=120)
    assert res.returncode == 1
    assert f"{bad}: offset 0: not a readable ZIP file" in res.stderr, res.stderr
    assert f"{bad}#archive/{warcs[0].name}: offset " in res.stderr  # the member it cut
    assert "Traceback" not in res.stderr
    assert "records in 2 file(s): 2 error(s)" in res.stdout


def test_a_read_at_an_offset_in_a_deflated_member_does_not_inflate_it_from_its_start(
        tmp_path, monkeypatch):
    """Replay reads each capture at its offset: inflating a 1 GB member from its start each
    time cost ~1.5 s a page (1.5 ms per MB before the offset, docs/benchmarks.md)."""
    import zlib

    plain = _random_pages(tmp_path / "w", 150, 3000)
    assert len(plain) > 6 << 20
    (tmp_path / "plain.warc").write_bytes(plain)
    pkg = _hand_made(tmp_path / "big.wacz", [("archive/big.warc", plain, zipfile.ZIP_DEFLATED)])
    (member,) = expand_paths(pkg)
    offsets = [i.offset for i in iter_records(member)]

    inflated = [0]

    class Counting:
        def __init__(self, d):
            self.d = d

        def decompress(self, data, n=0):
            out = self.d.decompress(data, n)
            inflated[0] += len(out)
            return out

        def copy(self):
            return Counting(self.d.copy())

        def __getattr__(self, name):
            return getattr(self.d, name)

    monkeypatch.setattr(zlib, "decompressobj",
                        lambda *a, _make=zlib.decompressobj: Counting(_make(*a)))
    for offset in offsets[-1:-30:-3]:
        inflated[0] = 0
        info = read_info_at(member, offset)
        assert info.record.block == read_info_at(tmp_path / "plain.warc", offset).record.block
        assert inflated[0] < 3 << 20, (offset, inflated[0])


def _random_pages(folder: Path, count: int, words: int) -> bytes:
    """A plain WARC of ``count`` pages of random numbers (they deflate ~2 to 1)."""
    import random

    rng = random.Random(7)
    with WarcWriter(folder) as w:
        for i in range(count):
            text = " ".join(f"{rng.random():.12f}" for _ in range(words))
            w.write_exchange(make_exchange(f"http://e.com/r{i}", text.encode()))
    (src,) = folder.glob("*.warc.gz")
    return gzip.decompress(src.read_bytes())


def test_a_damaged_deflated_member_is_named_and_what_precedes_it_read(warcs, tmp_path):
    pkg = _hand_made(tmp_path / "hurt.wacz", [
        ("archive/hurt.warc", _random_pages(tmp_path / "r", 40, 2000), zipfile.ZIP_DEFLATED),
        (f"archive/{warcs[1].name}", warcs[1].read_bytes(), zipfile.ZIP_STORED),
    ])
    data = bytearray(pkg.read_bytes())
    (info,) = [i for i in zipfile.ZipFile(pkg).infolist() if i.filename == "archive/hurt.warc"]
    at = info.header_offset + 30 + len(info.filename) + info.compress_size * 4 // 5
    data[at: at + 8] = bytes(b ^ 0x5A for b in data[at: at + 8])
    pkg.write_bytes(bytes(data))
    errors, urls = _errors([pkg])
    assert errors and all(e.startswith(f"{pkg}#archive/hurt.warc: offset ") for e in errors)
    assert any(w in e for e in errors for w in ("corrupt deflate", "damaged", "CRC")), errors
    assert len([u for u in urls if "/r" in u]) >= 28, errors  # the pages before the damage
    assert {"http://e.com/0", "http://e.com/new"} <= set(urls)  # the stored member's


def test_damage_that_still_inflates_is_named_and_every_record_read(warcs, tmp_path):
    """A flipped bit in Huffman-coded text can decode to other text of the same length: no
    inflate error, only the member's CRC-32 tells; the walk says it, replay indexes every
    record, and verify says it once."""
    plain = _random_pages(tmp_path / "r", 10, 500)
    pkg = _hand_made(tmp_path / "quiet.wacz", [("archive/quiet.warc", plain, zipfile.ZIP_DEFLATED)])
    (info,) = zipfile.ZipFile(pkg).infolist()
    data = bytearray(pkg.read_bytes())
    start = info.header_offset + 30 + len(info.filename)
    for at in range(start + info.compress_size // 2, start + info.compress_size):
        data[at] ^= 0x10
        try:
            out = zlib.decompressobj(-zlib.MAX_WBITS).decompress(
                bytes(data[start: start + info.compress_size]))
        except zlib.error:
            out = b""
        if len(out) == len(plain) and out != plain:
            break
        data[at] ^= 0x10
    else:
        pytest.fail("no flip inflating to the same length")
    pkg.write_bytes(bytes(data))
    errors, urls = _errors([pkg])
    assert len(errors) == 1 and errors[0].startswith(
        f"{pkg}#archive/quiet.warc: offset 0: CRC-32 "), errors
    assert "the member's bytes were changed or damaged" in errors[0]
    assert urls == [f"http://e.com/r{i}" for i in range(10)]
    res = subprocess.run([sys.executable, "-m", "archive", "verify", str(pkg)],
                         capture_output=True, text=True, cwd=REPO, timeout=120)
    assert res.returncode == 1
    assert (res.stdout + res.stderr).count("CRC-32 ") == 1, res.stdout + res.stderr


def test_a_wacz_made_by_py_wacz_reads_as_its_warcs(warcs, tmp_path):
    """Webrecorder's own packager (py-wacz, as Browsertrix packs its crawls)."""
    from tests.support.pywb import have_tool, tools_bin, tools_venv

    if not have_tool("wacz"):
        pytest.skip(f"wacz not installed in {tools_venv()}")
    out = tmp_path / "theirs.wacz"
    res = subprocess.run([str(tools_bin("wacz")), "create", "-o", str(out), str(warcs[0]),
                          str(warcs[1])], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    members = expand_paths(out)
    assert [m.name for m in members] == [warcs[0].name, warcs[1].name]
    for member, warc in zip(members, warcs, strict=False):
        assert _records(member) == _records(warc)


def test_a_zip_without_warcs_and_an_encrypted_member_are_named(warcs, tmp_path):
    empty = _hand_made(tmp_path / "nowarc.wacz", [("datapackage.json", b"{}", 8)])
    errors, urls = _errors([empty, warcs[1]])
    assert len(errors) == 1 and errors[0].startswith(f"{empty}: offset 0: ")
    assert "without WARC files" in errors[0] and "http://e.com/new" in urls
    pkg = _hand_made(tmp_path / "locked.wacz", [
        ("archive/locked.warc.gz", warcs[0].read_bytes(), zipfile.ZIP_STORED),
        (f"archive/{warcs[1].name}", warcs[1].read_bytes(), zipfile.ZIP_STORED),
    ])
    data = bytearray(pkg.read_bytes())
    first = data.index(b"PK\x01\x02")
    data[first + 8] |= 1  # general purpose flags: encrypted
    pkg.write_bytes(bytes(data))
    errors, urls = _errors([pkg])
    assert len(errors) == 1 and errors[0].startswith(f"{pkg}#archive/locked.warc.gz: offset 0")
    assert "encrypted" in errors[0] and "http://e.com/new" in urls



def test_a_cut_short_wacz_gives_the_members_before_the_cut(wacz, warcs, tmp_path):
    """A download that stopped: the central directory (at the end) is gone, the members
    before the cut are whole, and the one it cut is read up to it."""
    with zipfile.ZipFile(wacz) as zf:
        second = zf.getinfo(f"archive/{warcs[1].name}")
    cut = tmp_path / "cut.wacz"
    records = _records(warcs[1])
    last_offset = records[-1][0]
    start = second.header_offset + 30 + len(second.filename)
    cut.write_bytes(wacz.read_bytes()[: start + last_offset + 20])
    members = expand_paths(cut)
    assert [str(m) for m in members] == [f"{cut}#archive/{w.name}" for w in warcs[:2]]
    errors: list = []
    assert _records(members[0], errors.append) == _records(warcs[0])
    assert len(errors) == 1 and errors[0].file == str(cut) and errors[0].offset == 0
    errors.clear()
    got = [(i.offset, i.length, i.record.version, i.record.headers, i.record.block)
           for i in iter_records(members[1], errors.append)]
    assert got == records[:-1]  # every record before the cut
    assert [e.offset for e in errors] == [last_offset], errors
    errors, urls = _errors([cut])
    assert errors[0].startswith(f"{cut}: offset 0: ") and "cut short" in errors[0], errors
    assert errors[0].endswith(f"read the 2 WARC member(s) found by their local headers, "
                              f"'archive/{warcs[1].name}' up to the end of the file"), errors
    assert errors[1].startswith(f"{cut}#archive/{warcs[1].name}: offset {last_offset}: ")
    assert len(errors) == 2, errors
    assert urls == [f"http://e.com/{i}" for i in range(4)] + ["http://e.com/new"]


@pytest.mark.parametrize("method", [zipfile.ZIP_LZMA, zipfile.ZIP_BZIP2])
def test_a_damaged_lzma_or_bzip2_member_is_named_not_a_crash(warcs, tmp_path, method):
    """zipfile reads these methods; their damage raises LZMAError (no OSError) or OSError."""
    pkg = _hand_made(tmp_path / "other.wacz", [
        ("archive/hurt.warc", _random_pages(tmp_path / "r", 40, 2000), method),
        (f"archive/{warcs[1].name}", warcs[1].read_bytes(), zipfile.ZIP_STORED),
    ])
    data = bytearray(pkg.read_bytes())
    (info,) = [i for i in zipfile.ZipFile(pkg).infolist() if i.filename == "archive/hurt.warc"]
    at = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    data[at: at + 64] = bytes(b ^ 0x5A for b in data[at: at + 64])
    pkg.write_bytes(bytes(data))
    errors, urls = _errors([pkg])
    assert errors and all(e.startswith(f"{pkg}#archive/hurt.warc: offset ") for e in errors)
    assert {"http://e.com/0", "http://e.com/new"} <= set(urls)  # the stored member's
    with ArchiveLookup(pkg, on_error=lambda e: None) as lookup:  # reads at offsets
        for url in lookup.urls():
            lookup.get(url)
    assert main(["index", str(pkg), "-o", str(tmp_path / "p.cdxj")]) == 1  # errors, no crash
    assert main(["verify", str(pkg)]) == 1


def test_a_deflated_member_declaring_a_small_size_inflates_no_further(warcs, tmp_path):
    """The bomb check trusts the declared sizes: a member that says it inflates to 1 KB but
    inflates to 40 MB of one byte is stopped at its declared size, not inflated whole."""
    import time

    pkg = _hand_made(tmp_path / "liar.wacz", [
        ("archive/liar.warc", b"WARC/1.0\r\n" + b"\0" * (40 << 20), zipfile.ZIP_DEFLATED),
        (f"archive/{warcs[1].name}", warcs[1].read_bytes(), zipfile.ZIP_STORED),
    ])
    data = bytearray(pkg.read_bytes())
    (info,) = [i for i in zipfile.ZipFile(pkg).infolist() if i.filename == "archive/liar.warc"]
    declared = struct.pack("<L", 1024)
    data[info.header_offset + 22: info.header_offset + 26] = declared  # local header
    at = data.find(b"PK\x01\x02")
    while at >= 0:  # the central directory entry naming the member
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46: at + 46 + name_len] == b"archive/liar.warc":
            data[at + 24: at + 28] = declared
        at = data.find(b"PK\x01\x02", at + 4)
    pkg.write_bytes(bytes(data))
    started = time.process_time()
    errors, urls = _errors([pkg])
    assert time.process_time() - started < 5
    assert any("declares" in e for e in errors), errors
    assert {"http://e.com/0", "http://e.com/new"} <= set(urls)


def test_verify_names_a_stored_member_altered_where_no_digest_looks(wacz, warcs):
    """A WARC header changed inside the package (a date: no record digest covers it) is
    caught by the member's ZIP CRC-32; the records are still read and checked."""
    data = wacz.read_bytes()
    old = b"WARC-Date: 2026-01-02T10"
    assert data.count(old) == 2  # the plain member's response and request, stored
    wacz.write_bytes(data.replace(old, b"WARC-Date: 2026-01-03T10", 1))
    res = subprocess.run([sys.executable, "-m", "archive", "verify", str(wacz)],
                         capture_output=True, text=True, cwd=REPO, timeout=120)
    assert res.returncode == 1, res.stdout
    member = f"{wacz}#archive/{warcs[2].name}"
    assert f"error: {member}: offset 0: CRC-32 " in res.stdout + res.stderr
    assert "the member's bytes were changed or damaged" in res.stdout + res.stderr
    # and the package's index, checked now that the command gives the package whole, lists
    # that response at the time it had
    (said,) = [line for line in res.stderr.splitlines() if "#indexes/index.cdx" in line]
    assert said.startswith(f"error: {wacz}#indexes/index.cdx: offset ")
    assert ": line 7: index line for 'http://e.com/pln' at '20260102100000' names plain.warc " in said
    assert "where no record of that URL and time starts" in said
    # and its datapackage.json, checked too, gives the member's hash before the change
    assert (f"error: {wacz}: offset 0: datapackage.json lists 'archive/{warcs[2].name}' with "
            "hash sha256:") in res.stderr
    assert "17 records in 3 file(s): 3 error(s)" in res.stdout


@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_a_compressed_member_whose_crc_fails_gives_every_record_and_verify_names_it(
        warcs, tmp_path, method):
    """The bytes inflate whole, only the recorded CRC-32 differs: every record is read (for
    bzip2 and lzma, zipfile's own check used to drop the last read, so every record of a
    small member), the walk names the mismatch at the member's end, and verify says it
    once."""
    name = f"archive/{warcs[2].name}"
    pkg = _hand_made(tmp_path / "crc.wacz", [(name, warcs[2].read_bytes(), method)])
    crc = zipfile.ZipFile(pkg).getinfo(name).CRC
    data = pkg.read_bytes()
    assert data.count(struct.pack("<I", crc)) == 2  # the local header and the directory
    pkg.write_bytes(data.replace(struct.pack("<I", crc), struct.pack("<I", crc ^ 1)))
    errors, urls = _errors([pkg])
    assert errors == [f"{pkg}#{name}: offset 0: CRC-32 {crc:08x} where the package recorded "
                      f"{crc ^ 1:08x}: the member's bytes were changed or damaged after it "
                      "was packed"]
    assert urls == ["http://e.com/pln"]
    assert [i.offset for i in iter_records(location(pkg, name), on_error=errors.append)] == [
        i.offset for i in iter_records(warcs[2])]
    res = subprocess.run([sys.executable, "-m", "archive", "verify", str(pkg)],
                         capture_output=True, text=True, cwd=REPO, timeout=120)
    assert res.returncode == 1
    assert f"error: {pkg}#{name}: offset 0: CRC-32 {crc:08x} where the package " \
           f"recorded {crc ^ 1:08x}" in res.stdout + res.stderr
    assert "3 records in 1 file(s): 1 error(s)" in res.stdout
    with open_member(pkg, name) as fh:  # a reader stopping at the last byte is told too
        assert fh.read(warcs[2].stat().st_size) == warcs[2].read_bytes()
        assert fh.crc_note and f"recorded {crc ^ 1:08x}" in fh.crc_note


METHODS = [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]


def _crc_flipped(tmp_path: Path, data: bytes, method: int) -> tuple[Path, str, int]:
    """A package of one member ``data`` whose recorded CRC-32 is off by one bit: (package,
    member, the member's true CRC-32)."""
    name = "archive/c.warc"
    pkg = _hand_made(tmp_path / "crc.wacz", [(name, data, method)])
    crc = zipfile.ZipFile(pkg).getinfo(name).CRC
    raw = pkg.read_bytes()
    assert raw.count(struct.pack("<I", crc)) == 2  # the local header and the directory
    pkg.write_bytes(raw.replace(struct.pack("<I", crc), struct.pack("<I", crc ^ 1)))
    return pkg, name, crc


@pytest.mark.parametrize("method", METHODS)
def test_crc_problem_names_a_member_no_walk_has_read(warcs, tmp_path, method):
    """Asked first (no reader has gone through the member), it reads the member itself."""
    pkg, name, crc = _crc_flipped(tmp_path, warcs[2].read_bytes(), method)
    assert crc_problem(location(pkg, name)) == (
        f"CRC-32 {crc:08x} where the package recorded {crc ^ 1:08x}: the member's bytes were "
        "changed or damaged after it was packed")
    assert crc_problem(warcs[2]) is None  # a plain file has no recorded CRC-32


@pytest.mark.parametrize("given", ["members", "package"])
@pytest.mark.parametrize("method", METHODS)
def test_verify_names_a_crc_mismatch_once_whatever_the_method(warcs, tmp_path, method, given):
    """The walk says it for a compressed member, crc_problem for a stored one: one error,
    whether verify is given the members (as the CLI gives them) or the package itself."""
    pkg, name, crc = _crc_flipped(tmp_path, warcs[2].read_bytes(), method)
    report = verify(expand_paths(pkg) if given == "members" else [pkg])
    assert [(p.file, p.offset, p.severity) for p in report.problems] == [
        (f"{pkg}#{name}", 0, "error")]
    assert report.problems[0].message.startswith(f"CRC-32 {crc:08x} where the package "
                                                 f"recorded {crc ^ 1:08x}")
    assert report.records == 3


@pytest.mark.parametrize("method", METHODS[1:])
def test_verify_inflates_a_compressed_member_once(warcs, tmp_path, method, monkeypatch):
    """The walk through a compressed member from its start has checked its CRC-32: verify
    does not inflate it all again to check it (a member of gigabytes took twice as long)."""
    data = warcs[2].read_bytes()
    pkg, _, _ = _crc_flipped(tmp_path, data, method)
    checked: list[int] = []
    update = wacz_input._RunningCrc.update
    monkeypatch.setattr(wacz_input._RunningCrc, "update",
                        lambda self, chunk: (checked.append(len(chunk)), update(self, chunk)))
    assert len(verify(expand_paths(pkg)).errors) == 1
    assert sum(checked) == len(data)


@pytest.mark.parametrize("method", METHODS)
def test_a_member_changed_in_place_is_checked_again(warcs, tmp_path, method):
    """A package rewritten with its size and time kept (rsync -a, cp -p, wget -N) between two
    verifies of one process: the second reads the bytes as they are now, not the first's
    outcome, both ways (damage done, damage repaired)."""
    data = warcs[2].read_bytes()
    pkg = _hand_made(tmp_path / "p.wacz", [("archive/c.warc", data, method)])
    good = pkg.read_bytes()
    flipped, _, crc = _crc_flipped(tmp_path, data, method)
    bad = flipped.read_bytes()
    assert len(bad) == len(good)
    mtime = pkg.stat().st_mtime_ns
    verdicts = []
    for raw in (good, bad, good):
        pkg.write_bytes(raw)
        os.utime(pkg, ns=(mtime, mtime))
        verdicts.append([p.message[:15] for p in verify(expand_paths(pkg)).problems])
    assert verdicts == [[], [f"CRC-32 {crc:08x}"], []]


def test_a_member_inflating_past_its_declared_size_is_said_once(warcs, tmp_path):
    """A deflated member whose directory declares fewer bytes than it inflates to, the
    declared size falling on a read boundary: the damage is said once, as 'inflates past',
    not again as a CRC-32 of the bytes before it."""
    data = warcs[2].read_bytes() * 400
    size = 1 << 18
    assert len(data) > size
    pkg = _hand_made(tmp_path / "p.wacz", [("archive/c.warc", data, zipfile.ZIP_DEFLATED)])
    raw = pkg.read_bytes()
    assert raw.count(struct.pack("<I", len(data))) == 2
    pkg.write_bytes(raw.replace(struct.pack("<I", len(data)), struct.pack("<I", size)))
    messages = [p.message for p in verify(expand_paths(pkg)).problems]
    assert len(messages) == 1 and "inflates past the 262144 bytes" in messages[0], messages


def test_an_empty_stored_member_with_a_recorded_crc_is_named(tmp_path):
    """An empty member's CRC-32 is 0: a package recording another says its damage."""
    pkg = _hand_made(tmp_path / "e.wacz", [("archive/a.warc", b"", zipfile.ZIP_STORED)])
    raw = bytearray(pkg.read_bytes())
    raw[14:18] = struct.pack("<I", 0x1234)  # the local header's CRC-32
    at = raw.find(b"PK\x01\x02")
    raw[at + 16:at + 20] = struct.pack("<I", 0x1234)  # the directory's
    pkg.write_bytes(bytes(raw))
    assert crc_problem(location(pkg, "archive/a.warc")) == (
        "CRC-32 00000000 where the package recorded 00001234: the member's bytes were "
        "changed or damaged after it was packed")


@pytest.mark.parametrize("size", [70_000, 65_536, 99_999])
def test_a_member_inflating_past_its_size_gives_every_declared_byte(tmp_path, size):
    """The read that inflates past the declared size still gives the bytes up to it (the
    records before the damage are read), then the damage is raised, at the declared size."""
    data = bytes(range(256)) * 200 + os.urandom(25_000).hex().encode()
    data = data[:100_000]
    pkg = _hand_made(tmp_path / "p.wacz", [("archive/c.warc", data, zipfile.ZIP_DEFLATED)])
    raw = pkg.read_bytes()
    assert raw.count(struct.pack("<I", len(data))) == 2
    pkg.write_bytes(raw.replace(struct.pack("<I", len(data)), struct.pack("<I", size)))
    got = b""
    with open_member(pkg, "archive/c.warc") as fh, pytest.raises(wacz_input.WaczError,
                                                                 match="inflates past"):
        while chunk := fh.read(65_536):
            got += chunk
    assert got == data[:size]


def _declare_size(pkg: Path, name: str, size: int) -> None:
    """Make ``pkg``'s member ``name`` declare ``size`` inflated bytes, in its local header
    and its central directory entry."""
    data = bytearray(pkg.read_bytes())
    (info,) = [i for i in zipfile.ZipFile(pkg).infolist() if i.filename == name]
    declared = struct.pack("<L", size)
    data[info.header_offset + 22: info.header_offset + 26] = declared
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46: at + 46 + name_len] == name.encode():
            data[at + 24: at + 28] = declared
        at = data.find(b"PK\x01\x02", at + 4)
    pkg.write_bytes(bytes(data))


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_a_bzip2_or_lzma_member_inflates_a_bounded_amount_and_no_further_than_declared(
        warcs, tmp_path, method):
    """zipfile inflates a bzip2 or lzma member without an output limit per read (a 1 KB
    member inflated 1 GiB at once): a read inflates at most what it asks for, and the member
    stops at its declared size, the damage named with the member; the rest is read."""
    import tracemalloc

    name = "archive/liar.warc"
    data = b"WARC/1.0\r\n" + b"\0" * (24 << 20)
    pkg = _hand_made(tmp_path / "liar.wacz", [
        (name, data, method),
        (f"archive/{warcs[1].name}", warcs[1].read_bytes(), zipfile.ZIP_STORED),
    ])
    assert pkg.stat().st_size < 64 << 10
    _declare_size(pkg, name, 1 << 20)
    got = b""
    tracemalloc.start()
    try:
        with open_member(pkg, name) as fh, pytest.raises(wacz_input.WaczError,
                                                         match="inflates past the 1048576"):
            while chunk := fh.read(65_536):
                got += chunk
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert got == data[: 1 << 20]
    assert peak < 8 << 20, peak  # the reader's window, not the 24 MiB the data inflates to
    errors, urls = _errors([pkg])
    assert any(e.startswith(f"{pkg}#{name}: offset ") and "inflates past" in e
               for e in errors), errors
    assert {"http://e.com/0", "http://e.com/new"} <= set(urls)


def test_a_package_s_warc_members_are_listed_once_however_many_are_read(tmp_path,
                                                                      monkeypatch):
    """Every member read asked for the package's list of WARC members again (for its damage
    note): reading a package of n members took n^2 steps. The list is made once."""
    made: list[int] = []
    listing = wacz_input._warc_names
    monkeypatch.setattr(wacz_input, "_warc_names", lambda infos: made.append(1) or listing(
        infos))
    pkg = _hand_made(tmp_path / "many.wacz", [
        (f"archive/{i}.warc.gz", b"", zipfile.ZIP_STORED) for i in range(300)])
    members = expand_paths(pkg)
    assert len(members) == 300
    for member in members:
        assert list(iter_records(member)) == []
    assert len(made) <= 1, len(made)


def test_an_over_cap_record_in_a_deflated_member_is_skipped_to_its_end_and_the_rest_read(
        tmp_path):
    """A record's gzip member inflating 1000 to 1 past the max record size, inside a deflated
    member (each member's declared size honest), is under the bomb bound: inflated to its end,
    named with its member and offset as over the record size, and the records after it read."""
    from tests.support.warcs import bomb_member, gz, response

    first, last = (gz(response(f"http://ex.com/{n}", b"<title>%d</title>" % n)) for n in (1, 3))
    name = "archive/b.warc.gz"
    pkg = _hand_made(tmp_path / "b.wacz", [
        (name, first + bomb_member(256 << 20, 256 << 20) + last, zipfile.ZIP_DEFLATED)])
    errors: list = []
    infos = list(iter_records(location(pkg, name), errors.append, max_record_size=1 << 20))
    assert [i.record.target_uri for i in infos] == ["http://ex.com/1", "http://ex.com/3"]
    assert [(str(e.file), e.offset) for e in errors] == [(f"{pkg}#{name}", len(first))]
    assert "raise --max-record-size to read it" in errors[0].reason, errors[0].reason


def test_a_gzip_bomb_in_a_member_skips_that_member_s_rest_and_the_other_members_are_read(
        warcs, tmp_path, monkeypatch):
    """Past the bound (its floor lowered so the test inflates MBs), the bomb's member's rest
    is reported skipped with its byte count; the package's next member is read."""
    from archive import gzip_members
    from tests.support.warcs import bomb_member, gz, response

    monkeypatch.setattr(gzip_members, "BOMB_FLOOR", 8 << 20)
    first, last = (gz(response(f"http://ex.com/{n}", b"<title>%d</title>" % n)) for n in (1, 3))
    name = "archive/b.warc.gz"
    inner = first + bomb_member(256 << 20, 256 << 20) + last
    pkg = _hand_made(tmp_path / "b.wacz", [
        (name, inner, zipfile.ZIP_DEFLATED),
        (f"archive/{warcs[1].name}", warcs[1].read_bytes(), zipfile.ZIP_STORED)])
    errors: list = []
    infos = list(iter_records(pkg, errors.append, max_record_size=256 << 10))
    assert [i.record.target_uri for i in infos][:1] == ["http://ex.com/1"]
    assert {"http://e.com/0", "http://e.com/new"} <= {i.record.target_uri for i in infos}
    assert "http://ex.com/3" not in {i.record.target_uri for i in infos}
    assert [(str(e.file), e.offset) for e in errors] == [(f"{pkg}#{name}", len(first))]
    assert ("gzip bomb" in errors[0].reason and f"the rest of the file "
            f"({len(inner) - len(first)} bytes) skipped" in errors[0].reason), errors[0].reason


def _lzma_props_byte(pkg: Path, name: str, value: int) -> None:
    """Set the lc/lp/pb byte of ``pkg``'s lzma member ``name`` (ZIP's lzma: version (2),
    properties' length (2), then that byte)."""
    data = bytearray(pkg.read_bytes())
    (info,) = [i for i in zipfile.ZipFile(pkg).infolist() if i.filename == name]
    name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)
    data[info.header_offset + 30 + name_len + extra_len + 4] = value
    pkg.write_bytes(bytes(data))


@pytest.mark.parametrize("props", [8, 4 * 9 + 1, 9 * 5 * 5 - 1])  # lc=8; lc+lp=5; pb=4,lp=4
def test_an_lzma_member_whose_header_liblzma_refuses_is_one_member_error(
        warcs, tmp_path, props):
    """lc=8 passes the header's range check but liblzma refuses it (LZMAError from the
    decompressor's construction, uncaught: the package's other members were never read).
    It is the member's error, named with its offset; the other members are read."""
    name = "archive/a.warc"
    pkg = _hand_made(tmp_path / "lc.wacz", [
        (name, warcs[2].read_bytes(), zipfile.ZIP_LZMA),
        (f"archive/{warcs[1].name}", warcs[1].read_bytes(), zipfile.ZIP_STORED)])
    _lzma_props_byte(pkg, name, props)
    errors, urls = _errors([pkg])
    assert len(errors) == 1 and errors[0].startswith(f"{pkg}#{name}: offset 0: "), errors
    assert "lzma" in errors[0], errors
    assert {"http://e.com/0", "http://e.com/new"} <= set(urls)
    rec_errors: list = []
    got = list(iter_records(pkg, rec_errors.append))
    assert {"http://e.com/0", "http://e.com/new"} <= {i.record.target_uri for i in got}
    assert [str(e.file) for e in rec_errors] == [f"{pkg}#{name}"]


def _repacked(wacz: Path, out: Path, drop: tuple[str, ...] = (),
              datapackage: bytes | None = None, other: dict[str, bytes] | None = None) -> Path:
    """``wacz`` zipped again without the members ``drop`` names, its datapackage.json
    replaced by ``datapackage`` when given, and each member ``other`` names by its bytes
    there (added when the package lacks it; its datapackage.json entry, if any, made
    theirs unless ``datapackage`` is given)."""
    other = dict(other or {})
    if datapackage is None and other:
        datapackage = _relisted(wacz, other)
    with zipfile.ZipFile(wacz) as zi, zipfile.ZipFile(out, "w") as zo:
        for info in zi.infolist():
            if info.filename in drop:
                continue
            data = other.pop(info.filename, None) or zi.read(info.filename)
            if info.filename == "datapackage.json" and datapackage is not None:
                data = datapackage
            zo.writestr(info, data)
        for name, data in other.items():
            zo.writestr(name, data)
    return out


def _relisted(wacz: Path, other: dict[str, bytes]) -> bytes | None:
    """``wacz``'s datapackage.json with the size and hash of each member ``other`` gives
    new bytes made theirs (None when it has none)."""
    with zipfile.ZipFile(wacz) as zf:
        if "datapackage.json" not in zf.namelist():
            return None
        doc = json.loads(zf.read("datapackage.json"))
    for resource in doc.get("resources", []):
        if (data := other.get(resource.get("path"))) is not None:
            resource["bytes"] = len(data)
            resource["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
    return json.dumps(doc, indent=2).encode()


def _cli(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "archive", *map(str, args)],
                          capture_output=True, text=True, cwd=REPO, timeout=120)


def test_a_warc_member_its_datapackage_lists_and_the_zip_lacks_is_named(wacz, warcs, tmp_path):
    """The package read as clean (exit 0, nothing said) with that WARC's records gone. Now
    verify, index and wacz name the package and the member, read the rest and exit 1."""
    lost = f"archive/{warcs[0].name}"
    pkg = _repacked(wacz, tmp_path / "lacking.wacz", drop=(lost,))
    said = (f"{pkg}: offset 0: datapackage.json lists {lost!r}, which the package does not "
            "hold: its records are not read")
    res = _cli("verify", pkg)
    assert res.returncode == 1 and said in res.stderr, res.stderr
    # and the package's index names that WARC (said of its first line naming it)
    assert (f"which the package does not hold as {lost!r} (said of its first line only)"
            in res.stderr), res.stderr
    assert "in 2 file(s): 2 error(s)" in res.stdout
    for cmd, out in (("index", "i.cdxj"), ("wacz", "again.wacz")):
        res = _cli(cmd, pkg, "-o", tmp_path / out)
        assert (res.returncode, res.stderr.count("error:")) == (1, 1), (cmd, res.stderr)
        assert said in res.stderr, (cmd, res.stderr)
    assert len((tmp_path / "i.cdxj").read_text().splitlines()) == 3  # the other two WARCs'


def test_verify_names_every_listed_file_the_zip_lacks_and_readers_only_warcs(wacz, tmp_path):
    """A pages list loses no record: index reads the package as whole, verify names it."""
    pkg = _repacked(wacz, tmp_path / "nopages.wacz", drop=("pages/pages.jsonl",))
    res = _cli("verify", pkg)
    assert res.returncode == 1 and "in 3 file(s): 1 error(s)" in res.stdout, res.stderr
    assert (f"{pkg}: offset 0: datapackage.json lists 'pages/pages.jsonl', which the package "
            "does not hold") in res.stderr
    res = _cli("index", pkg, "-o", tmp_path / "i.cdxj")
    assert res.returncode == 0 and "error" not in res.stderr, res.stderr
    assert len((tmp_path / "i.cdxj").read_text().splitlines()) == 7


@pytest.mark.parametrize("datapackage", [b"{not json", b"[]", b'{"resources": {}}',
                                         b'{"resources": [{"hash": 1}]}'])
def test_a_datapackage_that_cannot_be_read_is_named_and_every_member_read(
        wacz, tmp_path, datapackage):
    """verify passed it (exit 0): what it lists could not be checked, unsaid."""
    pkg = _repacked(wacz, tmp_path / "baddp.wacz", datapackage=datapackage)
    for cmd in ("verify", "index"):
        res = _cli(cmd, pkg, *(("-o", tmp_path / "i.cdxj") if cmd == "index" else ()))
        assert (res.returncode, res.stderr.count("error:")) == (1, 1), (cmd, res.stderr)
        assert f"{pkg}: offset 0: datapackage.json cannot be read (" in res.stderr
    assert len((tmp_path / "i.cdxj").read_text().splitlines()) == 7


def test_a_package_whose_every_listed_warc_is_lacking_says_which(wacz, warcs, tmp_path):
    names = tuple(f"archive/{w.name}" for w in warcs)
    pkg = _repacked(wacz, tmp_path / "none.wacz", drop=names)
    errors, urls = _errors([pkg])
    assert (len(errors), urls) == (1, []), errors
    assert errors[0].startswith(f"{pkg}: offset 0: cannot open: a ZIP without WARC files")
    assert f"its datapackage.json lists {names[0]!r}" in errors[0]


@pytest.mark.parametrize("spell", [lambda p: "/" + p, lambda p: p.replace("/", "\\")],
                         ids=["from_root", "backslashes"])
def test_a_listed_path_spelled_from_the_root_or_with_backslashes_names_its_member(
        wacz, tmp_path, spell):
    """``/archive/a.warc.gz`` and ``archive\\a.warc.gz`` (a writer on Windows) name the member
    ``archive/a.warc.gz``: every command said the package does not hold it, and exited 1,
    though its records were read."""
    with zipfile.ZipFile(wacz) as zf:
        doc = json.loads(zf.read("datapackage.json"))
    for resource in doc["resources"]:
        resource["path"] = spell(resource["path"])
    pkg = _repacked(wacz, tmp_path / "spelled.wacz", datapackage=json.dumps(doc).encode())
    res = _cli("verify", pkg)
    assert res.returncode == 0 and "does not hold" not in res.stderr, res.stderr


def _index_lines(wacz: Path) -> list[str]:
    with zipfile.ZipFile(wacz) as zf:
        return zf.read("indexes/index.cdx").decode().splitlines()


@pytest.mark.parametrize("name", ["indexes/index.cdx", "indexes/index.cdxj",
                                  "indexes/index.cdx.gz"])
def test_verify_names_index_lines_that_disagree_with_the_warcs(wacz, warcs, tmp_path, name):
    """A WACZ whose index names, at a capture's offset, another record (two offsets
    swapped), a time it does not have, or a WARC the package lacks: ReplayWeb.page and pywb,
    which read the index, serve another page or none for those URLs. Our readers read the
    WARCs, so verify passed the package (exit 0). Now each such line is an error by its
    offset in the index; an intact index (ours, Browsertrix's .cdxj, a ZipNum's .cdx.gz) is
    none."""
    lines = _index_lines(wacz)
    fields = [json.loads(line.split(" ", 2)[2]) for line in lines]
    text = ("\n".join(lines) + "\n").encode()
    packed = gzip.compress if name.endswith(".gz") else (lambda data: data)
    intact = _repacked(wacz, tmp_path / "intact.wacz",
                       other={name: packed(text)})
    report = verify([intact])
    assert report.ok and report.problems == [], report.problems
    first, second = [i for i, f in enumerate(fields) if f["filename"] == warcs[0].name][:2]
    bad = list(lines)
    for i, j in ((first, second), (second, first)):  # offsets swapped
        was, now = (f'"offset": "{fields[k]["offset"]}"' for k in (i, j))
        bad[i] = lines[i].replace(was, now)
    plain = next(i for i, f in enumerate(fields) if f["filename"] == warcs[2].name)
    key, stamp, rest = lines[plain].split(" ", 2)
    bad[plain] = f"{key} {int(stamp) + 1} {rest}"  # a second later than the record
    held = next(i for i, f in enumerate(fields) if f["filename"] == warcs[1].name)
    bad.append(lines[held].replace(warcs[1].name, "gone.warc.gz"))
    data = ("\n".join(bad) + "\n").encode()
    pkg = _repacked(wacz, tmp_path / "bad.wacz",
                    other={name: packed(data)})
    report = verify([pkg])
    starts = [len(("\n".join(bad[:i]) + "\n").encode()) if i else 0 for i in range(len(bad))]
    got = [(p.file, p.offset) for p in report.problems]
    where = f"{pkg}#{name}"
    assert got == [(where, starts[i]) for i in sorted((first, second, plain))] + [
        (where, starts[-1])], report.problems
    assert "where no record of that URL and time starts" in report.problems[0].message
    assert fields[first]["url"] in report.problems[0].message
    assert "'gone.warc.gz', which the package does not hold" in report.problems[-1].message
    assert report.error_count == 4
    with ArchiveLookup(pkg) as lookup:  # our readers never read the index: every page is there
        assert lookup.get(fields[first]["url"]).url == fields[first]["url"]


def test_an_index_verify_cannot_read_as_cdxj_is_said_unchecked(wacz, tmp_path):
    """An 11-field CDX index is not checked against the WARCs: said once, not as damage."""
    pkg = _repacked(wacz, tmp_path / "cdx11.wacz", other={
        "indexes/index.cdx": b" CDX N b a m s k r M S V g\ncom,e)/0 20260101100000 "
                             b"http://e.com/0 text/html 200 X - - 329 0 a.warc.gz\n"})
    report = verify([pkg])
    assert report.ok and [(p.severity, p.offset) for p in report.problems] == [("warning", 0)]
    assert "not a CDXJ line" in report.problems[0].message


def test_a_damaged_line_of_a_cdxj_index_is_an_error_and_the_rest_is_checked(wacz, tmp_path):
    """A CDXJ index whose second line was cut mid-JSON: that line was taken for the sign of
    an 11-field CDX, "this index is not checked" said as a warning, and a wrong offset on a
    later line passed (ok). The first line decides the form; the cut line is an error by its
    offset, and the lines after it are still checked."""
    lines = _index_lines(wacz)
    fields = [json.loads(line.split(" ", 2)[2]) for line in lines]
    bad = list(lines)
    bad[1] = lines[1][: len(lines[1]) // 2]
    last = len(bad) - 1
    bad[last] = lines[last].replace(f'"offset": "{fields[last]["offset"]}"', '"offset": "7"')
    data = ("\n".join(bad) + "\n").encode()
    report = verify([_repacked(wacz, tmp_path / "cut.wacz", other={"indexes/index.cdx": data})])
    starts = [len(("\n".join(bad[:i]) + "\n").encode()) if i else 0 for i in range(len(bad))]
    assert [(p.severity, p.offset) for p in report.problems] == [
        ("error", starts[1]), ("error", starts[last])], report.problems
    assert "damaged index line" in report.problems[0].message
    assert not report.ok
