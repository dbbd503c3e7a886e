"""ARC files (the format before WARC) read where WARCs are: the walk, a record at its offset,
the lookup index, `index`, `verify` and `repair`; `wacz` refuses them, saying why. Damaged ones are
reported by file and offset and the rest is read. warcio reads the same files as a
cross-check of offsets, lengths and URLs."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import random
import subprocess
import sys
import tracemalloc
import zlib
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.arc import MAX_ARC_LINE, parse_header_line
from archive.cdxj import after_first_head, cdxj_line
from archive.digests import sha1_base32
from archive.errors import WarcFormatError
from archive.reader import ArchiveLookup, response_at
from archive.records import ARC_HINT, ARC_IN_WACZ, iter_records, read_info_at
from archive.wacz import build_wacz
from tests.support.pywb import have_tool, pywb_replay, tools_venv
from tests.support.warcs import gz, response

from .arc_files import arc_record, filedesc, http_response, write_arc

REPO = Path(__file__).resolve().parents[2]
PAGE_A = http_response(b"<html><body>\xd0\x9f\xd1\x80\xd0\xb8 one</body></html>\n\n",
                       headers=(("Content-Type", "text/html; charset=utf-8"),
                                ("X-Odd", "  spaced  value")))
PAGE_B = http_response(b"\x00\x01 binary \r\n\r\n tail", "404 Not Found",
                       headers=(("Content-Type", "application/octet-stream"),))
RECORDS = [arc_record("http://ex.com/a", PAGE_A),
           arc_record("http://ex.com/b", PAGE_B, date="20010203040507", mime="application/x"),
           arc_record("dns:ex.com", b"20010203040508\nex.com. 300 IN A 192.0.2.1\n",
                      mime="text/dns")]


def run(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "archive", *map(str, args)],
                          capture_output=True, text=True, cwd=REPO, timeout=120)


def _walk(path: Path) -> tuple[list, list[WarcFormatError]]:
    errors: list[WarcFormatError] = []
    return list(iter_records(path, errors.append)), errors


def _warcio(path: Path) -> list[tuple[int, int, str | None]]:
    with open(path, "rb") as fh:
        it = ArchiveIterator(fh, arc2warc=True)
        return [(it.get_record_offset(), it.get_record_length(),
                 rec.rec_headers.get_header("WARC-Target-URI")) for rec in it]


@pytest.mark.parametrize("gz", [False, True], ids=["arc", "arc.gz"])
def test_every_record_is_read_at_warcio_offsets_and_served_byte_exact(tmp_path, gz) -> None:
    path = tmp_path / ("crawl.arc.gz" if gz else "crawl.arc")
    offsets = write_arc(path, RECORDS, gz=gz)
    infos, errors = _walk(path)
    assert errors == []
    assert [(i.offset, i.length, i.record.target_uri or None) for i in infos] == _warcio(path)
    assert [i.record.rec_type for i in infos] == ["warcinfo", "response", "response", "resource"]
    assert [i.offset for i in infos[1:]] == offsets
    assert infos[1].record.block == PAGE_A and infos[2].record.block == PAGE_B
    assert infos[1].record.get("WARC-Date") == "2001-02-03T04:05:06Z"
    assert infos[1].record.get("WARC-IP-Address") == "192.0.2.1"
    for info in infos[1:]:  # a record read at its offset is the one the walk read
        again = read_info_at(path, info.offset)
        assert (again.record.block, again.length, again.record.headers) == (
            info.record.block, info.length, info.record.headers)
    resp = response_at(path, offsets[0], "http://ex.com/a")
    assert resp.status == 200 and resp.payload == PAGE_A.split(b"\r\n\r\n", 1)[1]
    assert ("X-Odd", "spaced  value") in resp.headers or ("X-Odd", "  spaced  value") in (
        resp.headers)
    resp = response_at(path, offsets[1])
    assert resp.status == 404 and resp.payload == b"\x00\x01 binary \r\n\r\n tail"


def test_the_lookup_answers_from_an_arc_and_never_with_its_filedesc(tmp_path) -> None:
    path = tmp_path / "crawl.arc.gz"
    offsets = write_arc(path, RECORDS, gz=True)
    with ArchiveLookup([path]) as lookup:
        assert sorted(lookup.urls()) == ["dns:ex.com", "http://ex.com/a", "http://ex.com/b"]
        got = lookup.get("http://ex.com/a")
        assert got is not None and got.ref.offset == offsets[0]
        assert got.status == 200 and got.payload == PAGE_A.split(b"\r\n\r\n", 1)[1]


def test_index_lists_arc_captures_by_file_offset_and_length(tmp_path) -> None:
    path = tmp_path / "crawl.arc.gz"
    offsets = write_arc(path, RECORDS, gz=True)
    out = tmp_path / "index.cdxj"
    proc = run("index", tmp_path, "-o", out)
    assert proc.returncode == 0, proc.stderr
    lines = [line.split(" ", 2) for line in out.read_text().splitlines()]
    by_url = {json.loads(f)["url"]: (key, ts, json.loads(f)) for key, ts, f in lines}
    assert "filedesc://crawl.arc.gz" not in by_url
    key, ts, fields = by_url["http://ex.com/a"]
    assert (key, ts) == ("com,ex)/a", "20010203040506")
    expected = {o: n for o, n, _ in _warcio(path)}
    assert fields["filename"] == "crawl.arc.gz" and int(fields["offset"]) == offsets[0]
    assert int(fields["length"]) == expected[offsets[0]]
    assert fields["status"] == "200" and fields["mime"] == "text/html"
    assert by_url["http://ex.com/b"][2]["status"] == "404"


@pytest.mark.parametrize("gz", [False, True], ids=["arc", "arc.gz"])
def test_arc_cdxj_lines_carry_the_payload_digest_pywb_computes(tmp_path, gz) -> None:
    """An ARC record has no digest field, so its CDXJ line had none: now the sha1 base32 of
    its payload (the HTTP body, or the whole block of a non-HTTP record), as a WARC writer
    writes WARC-Payload-Digest and as pywb's cdxj-indexer lists it for the same file."""
    path = tmp_path / ("crawl.arc.gz" if gz else "crawl.arc")
    write_arc(path, RECORDS, gz=gz)
    lines = [line for info in iter_records(path) if (line := cdxj_line(info, path.name))]
    ours = {json.loads(line.split(" ", 2)[2])["url"]: json.loads(line.split(" ", 2)[2])
            for line in lines}
    payloads = {"http://ex.com/a": PAGE_A.split(b"\r\n\r\n", 1)[1],
                "http://ex.com/b": PAGE_B.split(b"\r\n\r\n", 1)[1],
                "dns:ex.com": b"20010203040508\nex.com. 300 IN A 192.0.2.1\n"}
    want = {url: "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode()
            for url, body in payloads.items()}
    assert {url: fields["digest"] for url, fields in ours.items()} == want
    if have_tool("cdxj-indexer"):
        out = subprocess.run([tools_venv() / "bin" / "cdxj-indexer", path], check=True,
                             capture_output=True, text=True, timeout=120).stdout
        theirs = {json.loads(ln.split(" ", 2)[2])["url"]: json.loads(ln.split(" ", 2)[2])
                  for ln in out.splitlines()}
        assert {url: fields["digest"] for url, fields in theirs.items()} == want


ODD_HTTP = {  # block: what follows its first head, the payload cdxj-indexer hashes
    "http://ex.com/continue": (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"
                               b"Content-Type: text/html\r\n\r\nbody",
                               b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\nbody"),
    "http://ex.com/badstatus": (b"HTTP/1.1 2x0 OK\r\nContent-Type: text/html\r\n\r\nbody", b"body"),
    "http://ex.com/nohead": (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n", b""),
    "http://ex.com/chunked": (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                              b"5\r\nhello\r\n0\r\n\r\n", b"5\r\nhello\r\n0\r\n\r\n"),
    "http://ex.com/lf": (b"HTTP/1.0 200 OK\nContent-Type: text/html\n\nbody", b"body"),
    # a line of spaces, a tab or a form feed ends the head (blank once stripped)
    "http://ex.com/spaces": (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n  \r\nbody\r\n\r\nend",
                             b"body\r\n\r\nend"),
    "http://ex.com/tab": (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\t\r\nbody", b"body"),
    "http://ex.com/ff": (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\x0c\r\nbody", b"body"),
    # a lone CR ends no line: "X: y\r\r\n" is no blank line, "\rContent-Type" goes on one
    "http://ex.com/crcr": (b"HTTP/1.1 200 OK\r\nX: y\r\r\nContent-Type: text/html\r\n\r\nbody",
                           b"body"),
    "http://ex.com/lonecr": (b"HTTP/1.1 200 OK\r\nX: y\r\rContent-Type: text/html\r\n\r\nbody",
                             b"body"),
    # an http record whose block is no HTTP message: its head is read off all the same
    "http://ex.com/nonhttp": (b"just text\r\n\r\nmore", b"more"),
    "http://ex.com/empty": (b"", b""),
    "dns:ex.com": (b"20010203040508\n\nex.com. 300 IN A 192.0.2.1\n",  # no http: whole
                   b"20010203040508\n\nex.com. 300 IN A 192.0.2.1\n"),
}


def test_arc_digest_of_odd_http_blocks_is_pywbs(tmp_path) -> None:
    """The digest is of what follows the block's first head, raw: after a ``100 Continue``
    that is the final response whole (we hashed its body), after a bad status line the body
    all the same (we gave none), nothing when no empty line ends the head; as pywb's
    cdxj-indexer lists it for the same file."""
    path = tmp_path / "odd.arc"
    write_arc(path, [arc_record(url, block) for url, (block, _) in ODD_HTTP.items()])
    lines = [line for info in iter_records(path, lambda err: None)
             if (line := cdxj_line(info, path.name))]
    ours = {json.loads(ln.split(" ", 2)[2])["url"]: json.loads(ln.split(" ", 2)[2])["digest"]
            for ln in lines}
    want = {url: "sha1:" + base64.b32encode(hashlib.sha1(payload).digest()).decode()
            for url, (_, payload) in ODD_HTTP.items()}
    assert ours == want
    if have_tool("cdxj-indexer"):
        out = subprocess.run([tools_venv() / "bin" / "cdxj-indexer", path], check=True,
                             capture_output=True, text=True, timeout=120).stdout
        theirs = {json.loads(ln.split(" ", 2)[2])["url"]: json.loads(ln.split(" ", 2)[2])
                  .get("digest") for ln in out.splitlines()}
        assert {url: theirs.get(url) for url in want} == want


def test_arc_digest_head_walk_stops_at_the_head_of_a_large_block() -> None:
    """A 20 MB body of short lines: the walk for the head's end stops at line 3 and the
    payload is a view, neither split into lines nor copied (splitlines of such a block
    took 16x its size); the peak stays well under the block's size."""
    body = b"x\n" * (10 * 1024 * 1024)
    block = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n" + body
    tracemalloc.start()
    try:
        payload = after_first_head(block)
        assert payload == body
        digest = sha1_base32(payload)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert digest == "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode()
    assert peak < len(block) // 10, peak


def test_verify_reads_an_arc_and_says_its_damage(tmp_path) -> None:
    path = tmp_path / "crawl.arc"
    write_arc(path, RECORDS)
    proc = run("verify", path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "4 records in 1 file(s): 0 error(s)" in proc.stdout
    cut = tmp_path / "cut.arc"
    cut.write_bytes(path.read_bytes()[:-30])
    proc = run("verify", cut)
    assert "3 records in 1 file(s): 1 error(s)" in proc.stdout
    assert proc.returncode == 1 and "the file ends inside its block" in proc.stderr


def test_wacz_refuses_an_arc_with_why_and_what_to_do_and_writes_nothing(tmp_path) -> None:
    """A WACZ holds WARC files (its spec; pywb's `wb-manager add --unpack-wacz` takes only
    .warc/.warc.gz members, and this reader calls any other member no WARC): an ARC named
    was copied into the package all the same, a member nothing replays. It is a usage error
    before anything is written, saying why and to convert it, whatever its name; a folder's
    ARC files are left out with a note, as before."""
    folder = tmp_path / "in"
    folder.mkdir()
    write_arc(folder / "crawl.arc.gz", RECORDS, gz=True)
    (folder / "page.warc.gz").write_bytes(gz(response("http://ex.com/w", b"<title>w</title>")))
    out = tmp_path / "out.wacz"
    proc = run("wacz", folder, "-o", out)
    assert proc.returncode == 0 and "1 ARC file(s) not read" in proc.stderr, proc.stderr
    assert out.exists()
    out.unlink()
    disguised = tmp_path / "old.warc.gz"  # an ARC file under a WARC's name
    write_arc(disguised, RECORDS, gz=True)
    for arc in (folder / "crawl.arc.gz", disguised):
        proc = run("wacz", folder / "page.warc.gz", arc, "-o", out)
        assert proc.returncode == 2, proc.stderr
        assert f"error: {arc}: {ARC_IN_WACZ}" in proc.stderr
        assert "warcio recompress" in proc.stderr and not out.exists()
    with pytest.raises(ValueError, match="cannot go into a WACZ"):
        build_wacz([folder / "page.warc.gz", disguised], out)
    assert not out.exists()


def test_wacz_walk_refuses_an_arc_in_one_error(tmp_path) -> None:
    """wacz walks with ``arc=False`` (it packages WARCs): one error for the file."""
    path = tmp_path / "crawl.arc.gz"
    write_arc(path, RECORDS, gz=True)
    errors: list[WarcFormatError] = []
    assert list(iter_records(path, errors.append, arc=False, need_date=False)) == []
    assert [(e.offset, e.reason) for e in errors] == [(0, ARC_HINT)]


@pytest.mark.parametrize("gz", [False, True], ids=["arc", "arc.gz"])
def test_repair_closes_an_arc_writers_open_file_keeping_every_record(tmp_path, gz) -> None:
    """An ARC writer's `.arc.open` / `.arc.gz.open` (Heritrix 1 names them so) left by a
    crash was not even looked at ("nothing to repair"), and readers left it out with no
    note. It is repaired as a WARC's: every record kept in place, damage in the middle kept
    and said, the torn last record moved to the side file, not a byte deleted."""
    name = "crawl.arc" + ".gz" * gz
    whole = tmp_path / "whole"
    body = http_response(random.Random(7).randbytes(3000))  # (its member longer than the cut)
    offsets = write_arc(whole, [*RECORDS, arc_record("http://ex.com/torn", body)], gz=gz)
    junk = b"junk between records\n"
    raw = whole.read_bytes()
    whole.unlink()
    data = raw[: offsets[2]] + junk + raw[offsets[2] : offsets[3] + 300]
    middle, offsets = offsets[2], [*offsets[:2], *(o + len(junk) for o in offsets[2:])]
    open_file = tmp_path / (name + ".open")
    open_file.write_bytes(data)
    _, errors = _walk(open_file)
    proc = run("verify", tmp_path)
    assert "1 unfinished WARC or ARC file(s) not read" in proc.stderr, proc.stderr
    proc = run("repair", tmp_path)
    assert proc.returncode == 1 and f"repaired-damaged: {name}.open -> {name}" in proc.stdout
    final = tmp_path / name
    assert final.read_bytes() == data[: offsets[3]]
    side = tmp_path / (name + ".damaged")
    assert side.read_bytes() == data[offsets[3]:]
    manifest = json.loads((tmp_path / (name + ".damaged.json")).read_text())
    assert [(r["original_offset"], r["length"]) for r in manifest["ranges"]] == [
        (offsets[3], len(data) - offsets[3])]
    found = [(i.offset, i.record.target_uri) for i in iter_records(final, lambda e: None)]
    assert (offsets[0], "http://ex.com/a") in found and (offsets[2], "dns:ex.com") in found
    assert "http://ex.com/torn" not in [url for _, url in found]
    assert [e.offset for e in errors] == [middle, offsets[3]]
    assert f"bytes {middle}-{offsets[2] - 1} (kept in place)" in proc.stdout
    assert f"bytes {offsets[3]}-{len(data) - 1} (moved to side file)" in proc.stdout


def _offsets(path: Path) -> list[int]:
    return [i.offset for i in iter_records(path, lambda e: None)]


@pytest.mark.parametrize("gz", [False, True], ids=["arc", "arc.gz"])
def test_garbage_between_records_is_said_and_the_rest_read(tmp_path, gz) -> None:
    path = tmp_path / ("g.arc.gz" if gz else "g.arc")
    parts = [gzip.compress(r, mtime=0) if gz else r for r in RECORDS]
    garbage = b"junk line that is no header\nmore junk 1 2 3\n"
    path.write_bytes(parts[0] + garbage + parts[1] + parts[2])
    infos, errors = _walk(path)
    assert [i.record.target_uri for i in infos] == ["http://ex.com/a", "http://ex.com/b",
                                                    "dns:ex.com"]
    assert infos[1].record.block == PAGE_B
    assert len(errors) == 1 and errors[0].offset == len(parts[0]), errors
    assert "garbage" in errors[0].reason or "not an ARC header line" in errors[0].reason


def test_a_wrong_length_takes_the_block_up_to_the_next_record(tmp_path) -> None:
    path = tmp_path / "len.arc"
    for length in (len(PAGE_A) - 7, len(PAGE_A) + 9):
        bad = arc_record("http://ex.com/a", PAGE_A, length=length)
        write_arc(path, [bad, RECORDS[1]])
        infos, errors = _walk(path)
        assert [i.record.target_uri for i in infos] == ["", "http://ex.com/a", "http://ex.com/b"]
        assert infos[1].record.block == PAGE_A and infos[2].record.block == PAGE_B
        assert len(errors) == 1 and errors[0].kept and "does not end at a record" in (
            errors[0].reason)


@pytest.mark.parametrize("gz", [False, True], ids=["arc", "arc.gz"])
def test_a_truncated_last_record_is_said_with_its_offset(tmp_path, gz) -> None:
    path = tmp_path / ("t.arc.gz" if gz else "t.arc")
    offsets = write_arc(path, RECORDS[:2], gz=gz)
    path.write_bytes(path.read_bytes()[:-40])
    infos, errors = _walk(path)
    assert [i.record.target_uri for i in infos] == ["", "http://ex.com/a"]  # b: never served
    assert len(errors) == 1 and errors[0].offset == offsets[1], errors
    assert "record for 'http://ex.com/b' dated 20010203040507: the file ends inside its block" \
        in errors[0].reason
    assert errors[0].reason.endswith("only part of a record, not read")
    assert ("truncated gzip member" in errors[0].reason) == gz


def test_an_absurd_length_is_bounded(tmp_path) -> None:
    path = tmp_path / "absurd.arc"
    offsets = write_arc(path, [arc_record("http://ex.com/a", PAGE_A, length=10**18),
                               RECORDS[1]])
    infos, errors = _walk(path)
    assert [i.record.target_uri for i in infos] == ["", "http://ex.com/a", "http://ex.com/b"]
    assert infos[1].record.block == PAGE_A and infos[2].record.block == PAGE_B
    assert [(e.offset, e.kept) for e in errors] == [(offsets[0], True)]
    assert "length 1000000000000000000 does not end at a record" in errors[0].reason


def test_an_absurd_header_line_is_bounded(tmp_path) -> None:
    path = tmp_path / "long.arc"
    long_line = b"http://ex.com/" + b"x" * (MAX_ARC_LINE + 10) + b" 1.2.3.4 20010203040506 t/h 6\n"
    offsets = write_arc(path, [RECORDS[0], long_line + b"hello\n", RECORDS[1]])
    infos, errors = _walk(path)
    assert [i.record.target_uri for i in infos] == ["", "http://ex.com/a", "http://ex.com/b"]
    assert infos[2].record.block == PAGE_B
    assert [e.offset for e in errors] == [offsets[1]]
    assert f"header line longer than {MAX_ARC_LINE} bytes" in errors[0].reason


def test_a_gzip_bomb_member_is_capped(tmp_path) -> None:
    path = tmp_path / "bomb.arc.gz"
    write_arc(path, RECORDS[:1], gz=True)
    bomb = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    member = bomb.compress(b"http://ex.com/z 1.2.3.4 20010203040506 t/h 99999999999\n")
    member += bomb.compress(b"\0" * (8 << 20)) + bomb.flush()
    with open(path, "ab") as fh:
        fh.write(member)
        fh.write(gzip.compress(RECORDS[1], mtime=0))
    errors: list[WarcFormatError] = []
    infos = list(iter_records(path, errors.append, max_record_size=1 << 20))
    assert [i.record.target_uri for i in infos] == ["", "http://ex.com/a", "http://ex.com/b"]
    assert len(errors) == 1 and "max record size" in errors[0].reason


def test_a_member_holding_several_records_is_refused_not_misplaced(tmp_path) -> None:
    path = tmp_path / "onestream.arc.gz"
    plain = tmp_path / "p.arc"
    write_arc(plain, RECORDS)
    path.write_bytes(gzip.compress(plain.read_bytes(), mtime=0))
    infos, errors = _walk(path)
    assert infos == [] and len(errors) == 1 and errors[0].offset == 0
    assert "more than one ARC record" in errors[0].reason


def test_a_bad_date_skips_the_record_with_its_offset(tmp_path) -> None:
    path = tmp_path / "date.arc"
    offsets = write_arc(path, [arc_record("http://ex.com/a", PAGE_A, date="20019999999999"),
                               RECORDS[1]])
    infos, errors = _walk(path)
    assert [i.record.target_uri for i in infos] == ["", "http://ex.com/b"]
    assert len(errors) == 1 and errors[0].offset == offsets[0] and "WARC-Date" in (
        errors[0].reason)
    with pytest.raises(WarcFormatError):
        response_at(path, offsets[0])


def test_header_lines_of_both_versions_and_urls_with_spaces() -> None:
    v1 = b"http://ex.com/a b.html 192.0.2.1 20010203040506 text/html 120\n"
    assert parse_header_line(v1) == ("http://ex.com/a b.html", "192.0.2.1", "20010203040506",
                                     "text/html", 120)
    v2 = (b"http://ex.com/x 192.0.2.1 20060102030405 text/html 200 "
          b"ABCDEF1234 - 0 IA-001.arc 7\n")
    assert parse_header_line(v2) == ("http://ex.com/x", "192.0.2.1", "20060102030405",
                                     "text/html", 7)
    for bad in (b"HTTP/1.1 200 OK\r\n", b"ex.com 1.2.3.4 20010203040506 t/h 5\n",
                b"http://ex.com/ 1.2.3.4 2001 t/h 5\n", b"http://ex.com/ 1.2.3.4 "
                b"20010203040506 t/h -5\n", b"<p>Paid 200 roubles</p>\n"):
        with pytest.raises(ValueError, match="not an ARC header line"):
            parse_header_line(bad)


def test_an_empty_gzip_member_is_passed_over_quietly(tmp_path) -> None:
    path = tmp_path / "empty.arc.gz"
    path.write_bytes(b"".join(gzip.compress(part, mtime=0) for part in (
        filedesc(path.name), b"", RECORDS[0])))
    infos, errors = _walk(path)
    assert [i.record.target_uri for i in infos] == ["", "http://ex.com/a"]
    assert errors == []


@pytest.mark.skipif(not have_tool("wayback"), reason=f"pywb not installed in {tools_venv()}")
@pytest.mark.parametrize("gz", [False, True], ids=["arc", "arc.gz"])
def test_pywb_serves_an_arc_by_our_index_byte_exact(tmp_path, gz) -> None:
    """Our CDXJ lines for an ARC file (filename, offset, length) are what pywb reads it by."""
    path = tmp_path / ("crawl.arc.gz" if gz else "crawl.arc")
    write_arc(path, RECORDS, gz=gz)
    index = tmp_path / "index.cdxj"
    assert run("index", path, "-o", index).returncode == 0
    with pywb_replay([path], index=index) as fetch:
        for url, page in (("http://ex.com/a", PAGE_A), ("http://ex.com/b", PAGE_B)):
            status, headers, body = fetch(f"/test/20010203040506id_/{url}")
            assert status == int(page.split(b" ", 2)[1]) and body == page.split(
                b"\r\n\r\n", 1)[1], url


def test_false_gzip_headers_are_refused_before_inflating(tmp_path) -> None:
    """As in a WARC's walk (tests/archive/test_gzip_headers.py): a run of gzip magic bytes
    flagging a file name with no NUL after it is checked before inflating; each try
    inflated to the end of the file (quadratic)."""
    path = tmp_path / "m.arc.gz"
    offsets = write_arc(path, RECORDS[:2], gz=True)
    data = path.read_bytes()
    garbage = b"\x1f\x8b\x08\x08" * (1 << 15)
    path.write_bytes(data[:offsets[1]] + garbage + data[offsets[1]:])
    infos, errors = _walk(path)
    assert [i.record.target_uri for i in infos] == ["", "http://ex.com/a", "http://ex.com/b"]
    assert errors[0].offset == offsets[1]
    assert "gzip header whose file name runs past 65536 bytes" in errors[0].reason


@pytest.mark.parametrize(("cut", "said"), [
    (9, "its 105-byte block inflated but not the end of its gzip stream"),  # trailer and end
    (14, "the file ends inside its block (96 of its 105 bytes arrived)"),
])
def test_a_member_cut_at_or_after_its_block_says_which(tmp_path, cut: int, said: str) -> None:
    path = tmp_path / "t.arc.gz"
    offsets = write_arc(path, RECORDS[:2], gz=True)
    path.write_bytes(path.read_bytes()[:-cut])
    infos, errors = _walk(path)
    assert [i.record.target_uri for i in infos] == ["", "http://ex.com/a"]
    assert errors[0].offset == offsets[1], errors
    assert said in errors[0].reason
