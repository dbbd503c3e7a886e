"""A plain file full of false record starts (a text quoting ``WARC/1.0`` on its own line, a
file of version lines): every false start is still found and passed over as before, but a run
of them with no record between is one error naming its first offset, the count and the span,
not one log line each (30 MB of them printed millions), and the records after them are read."""

from __future__ import annotations

import io
import json
import random
import re
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from archive.errors import FoldedErrors, PassedOver, WarcFormatError
from archive.gzip_members import GZIP_MAGIC, inflated_start
from archive.records import iter_records
from archive.verify import verify
from tests.support.warcs import gz, response

QUOTE = b"WARC/1.0\r\nthe line above starts a WARC record, this page says\r\n"
FOLDED = re.compile(r"\[(\d+) errors of this kind from offset (\d+) to offset (\d+) "
                    r"\((\d+) bytes\) with no record read between them, folded into this one\]")


def _read(path: Path) -> tuple[list[tuple[str, int]], list[WarcFormatError]]:
    errors: list[WarcFormatError] = []
    found = [(info.record.target_uri, info.offset) for info in iter_records(path, errors.append)]
    return found, errors


def _quoted(n: int) -> bytes:
    """``n`` false starts, then prose longer than a header read, so the last false start's
    first read holds no blank line (see test_false_starts_next_to_a_record)."""
    return QUOTE * n + b"end of the quote\r\n" + b"prose line\r\n" * 600 + b"\r\n"


def test_a_run_of_false_starts_is_one_error_with_count_and_span(tmp_path: Path) -> None:
    first, last = (response(f"http://ex.com/{n}", b"<title>%d</title>" % n) for n in (1, 2))
    garbage = _quoted(5000)
    path = tmp_path / "quoted.warc"
    path.write_bytes(first + garbage + last)
    found, errors = _read(path)
    assert found == [("http://ex.com/1", 0), ("http://ex.com/2", len(first) + len(garbage))]
    assert len(errors) == 1
    err = errors[0]
    assert err.offset == len(first)
    assert err.reason.startswith("bad WARC record: WARC header not terminated [5000 errors")
    count, start, end, span = map(int, FOLDED.search(err.reason).groups())
    assert (count, start) == (5000, len(first))
    assert end == len(first) + len(garbage) and span == end - start  # (to the next record)


def test_runs_apart_are_folded_apart_and_one_error_is_said_as_it_was(tmp_path: Path) -> None:
    """A record read between two runs ends the first: two errors, each its own count; a lone
    false start keeps its message as it was, with no fold note."""
    recs = [response(f"http://ex.com/{n}", b"<title>%d</title>" % n) for n in range(4)]
    path = tmp_path / "runs.warc"
    path.write_bytes(recs[0] + _quoted(3) + recs[1] + _quoted(7) + recs[2] + _quoted(1)
                     + recs[3])
    found, errors = _read(path)
    assert [url for url, _ in found] == [f"http://ex.com/{n}" for n in range(4)]
    counts = [FOLDED.search(e.reason) for e in errors]
    assert [int(m.group(1)) if m else 1 for m in counts] == [3, 7, 1]
    assert errors[2].reason == "bad WARC record: WARC header not terminated"
    assert [e.offset for e in errors] == [found[n][1] + len(recs[n]) for n in range(3)]


def test_a_file_of_version_lines_only(tmp_path: Path) -> None:
    """Every line a version line, none a header: each is a false start, counted."""
    last = response("http://ex.com/after", b"<title>after</title>")
    garbage = b"WARC/1.0\n" * 20000 + b"prose line\r\n" * 600 + b"\r\n"
    path = tmp_path / "lines.warc"
    path.write_bytes(garbage + last)
    found, errors = _read(path)
    assert found == [("http://ex.com/after", len(garbage))]
    assert len(errors) == 1 and errors[0].offset == 0
    assert FOLDED.search(errors[0].reason).group(1) == "20000"


def test_errors_of_other_kinds_in_one_span_are_not_folded_together(tmp_path: Path) -> None:
    """Kinds in turn (a bad header line, an unknown version, a false start): three errors, as
    they were; the record after them read."""
    last = response("http://ex.com/z", b"<title>z</title>")
    path = tmp_path / "mixed.warc"
    path.write_bytes(QUOTE + b"WARC/9.9\r\nX: y\r\n\r\n" + _quoted(1) + last)
    found, errors = _read(path)
    assert [url for url, _ in found] == ["http://ex.com/z"]
    assert [e.offset for e in errors] == [0, len(QUOTE), len(QUOTE) + 18]
    assert [e.reason.split(": ")[1] for e in errors] == [
        "header line without colon", "unknown WARC version 'WARC/9.9' (read", "WARC header not terminated"]


def test_records_skipped_in_a_row_are_each_said(tmp_path: Path) -> None:
    """Whole records each refused (a bad WARC-Date) are records, not one damaged span: an
    error apiece, by its own offset, as before (verify lists each to be found)."""
    bad = [response(f"http://ex.com/{n}", b"x", date="2026-13-45T00:00:00Z") for n in range(3)]
    good = response("http://ex.com/ok", b"<title>ok</title>")
    path = tmp_path / "dates.warc"
    path.write_bytes(b"".join(bad) + good)
    found, errors = _read(path)
    assert [url for url, _ in found] == ["http://ex.com/ok"]
    starts = [sum(map(len, bad[:n])) for n in range(3)]
    assert [e.offset for e in errors] == starts
    assert all(e.reason.startswith("record skipped: bad WARC-Date") for e in errors)
    assert not any(FOLDED.search(e.reason) for e in errors)


def test_false_starts_next_to_a_record_leave_it_at_its_own_offset(tmp_path: Path) -> None:
    """A false start within a header's read of the next record ran into its header: the
    quoted lines were passed over as colonless fields and the record read at the false
    start's offset, the quote in its header. A version line among a header's lines says the
    header began at a false start: the record is read where it starts, whole."""
    first, last = (response(f"http://ex.com/{n}", b"<title>%d</title>" % n) for n in (1, 2))
    garbage = QUOTE * 50
    path = tmp_path / "close.warc"
    path.write_bytes(first + garbage + last)
    errors: list[WarcFormatError] = []
    infos = list(iter_records(path, errors.append))
    assert [(i.record.target_uri, i.offset, i.problems) for i in infos] == [
        ("http://ex.com/1", 0, []), ("http://ex.com/2", len(first) + len(garbage), [])]
    assert infos[1].record.get("WARC-Type") == "response"
    assert all(e.offset < len(first) + len(garbage) for e in errors)
    assert "a version line inside its header ('WARC/1.0')" in errors[-1].reason


_LONG_LINE_WALK = """
import json, sys
from archive.records import iter_records
errors = []
found = [i.offset for i in iter_records(sys.argv[1], errors.append)]
print(json.dumps([found, [(e.offset, e.reason, getattr(e, "count", 1)) for e in errors]]))
"""


def test_a_version_line_longer_than_the_largest_read_goes_back_to_the_walk(
        tmp_path: Path) -> None:
    """False starts that grow the in-memory read to its largest, then a version line of
    ~259 KB (trailing blanks) the read holds but not a header's read after it: the pass
    asked for more at the same place forever. The walk now reads that line itself."""
    data = (b"WARC/1.0\nnot a field\nmore\n" + b"WARC/1.0\nquoted text\n" * 11200 + b"WARC/1.0"
            + b" " * 259000 + b"\n" + b"tail text\n" * 30000)
    path = tmp_path / "long.warc"
    path.write_bytes(data)
    done = subprocess.run([sys.executable, "-c", _LONG_LINE_WALK, str(path)], timeout=60,
                          capture_output=True, text=True, cwd=Path(__file__).parents[2])
    assert done.returncode == 0, done.stderr
    found, errors = json.loads(done.stdout)
    assert found == [] and len(errors) == 1
    offset, reason, count = errors[0]
    assert offset == 0 and count == 11202
    assert reason.startswith("bad WARC record: WARC header not terminated [11202 errors")
    assert f"from offset 0 to offset {len(data)} ({len(data)} bytes)" in reason


_STRAY = b"WARC/1.0\r\n"


def _with_stray_version_line(url: str) -> bytes:
    body = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>kept</p>"
    return (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: " + url.encode()
            + b"\r\nWARC-Date: 2024-01-01T00:00:00Z\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
            + _STRAY + b"Content-Type: application/http; msgtype=response\r\n"
            + b"Content-Length: %d\r\n\r\n" % len(body) + body + b"\r\n\r\n")


@pytest.mark.parametrize("name", ["stray.warc", "stray.warc.gz"])
def test_a_stray_version_line_after_a_records_fields_keeps_the_record(
        tmp_path: Path, name: str) -> None:
    """A version line among a header's lines after its fields is a stray line in a real
    record (every reader keeps it), not a false start running into the next header: the
    record is read at its offset, the line noted, plain and gzipped alike."""
    data = _with_stray_version_line("http://ex.com/stray")
    path = tmp_path / name
    path.write_bytes(gz(data) if name.endswith(".gz") else data)
    errors: list[WarcFormatError] = []
    infos = list(iter_records(path, errors.append))
    assert [(i.record.target_uri, i.offset) for i in infos] == [("http://ex.com/stray", 0)]
    assert infos[0].record.block.endswith(b"<p>kept</p>")
    assert infos[0].problems == [
        "1 WARC header line(s) without a colon passed over (as warcio and pywb read them), "
        "the first 'WARC/1.0'"]
    assert not any("version line inside" in e.reason for e in errors)


def _stray_before_type(url: str) -> bytes:
    """A record whose stray version line stands after its date and URI and before a whole
    header's worth of its fields (type, id, length)."""
    return (b"WARC/1.0\r\nWARC-Date: 2024-01-01T00:00:00Z\r\nWARC-Target-URI: "
            + url.encode() + b"\r\nWARC/1.0\r\nWARC-Type: resource\r\n"
            b"WARC-Record-ID: <urn:uuid:b>\r\nContent-Length: 5\r\n\r\nhello\r\n\r\n")


@pytest.mark.parametrize("name", ["before.warc", "before.warc.gz"])
def test_a_stray_version_line_before_a_whole_header_after_warc_fields_keeps_the_record(
        tmp_path: Path, name: str) -> None:
    """The lines after a stray version line may be a whole header alone (type, id, length):
    the WARC fields before it (date, URI) are still the record's, no quote before a record.
    The record was passed over at its offset and read at the stray line without its URI and
    date, then skipped; it is kept at its own offset, its line noted, as warcio keeps it."""
    around = [response(f"http://ex.com/{n}", b"<title>%d</title>" % n) for n in range(2)]
    parts = [around[0], _stray_before_type("http://ex.com/b"), around[1]]
    path = tmp_path / name
    path.write_bytes(b"".join(gz(p) if name.endswith(".gz") else p for p in parts))
    errors: list[WarcFormatError] = []
    infos = list(iter_records(path, errors.append))
    sizes = [len(gz(p) if name.endswith(".gz") else p) for p in parts]
    assert [(i.record.target_uri, i.offset) for i in infos] == [
        ("http://ex.com/0", 0), ("http://ex.com/b", sizes[0]),
        ("http://ex.com/1", sizes[0] + sizes[1])]
    assert infos[1].record.block == b"hello"
    assert infos[1].record.get("WARC-Date") == "2024-01-01T00:00:00Z"
    assert infos[1].problems == [
        "1 WARC header line(s) without a colon passed over (as warcio and pywb read them), "
        "the first 'WARC/1.0'"]
    assert [e.offset for e in errors] == [sizes[0]]
    assert "record kept" in errors[0].reason and "version line inside" not in errors[0].reason


def test_damaged_gzip_members_in_a_row_are_each_said_false_headers_folded(
        tmp_path: Path) -> None:
    """Members that started and failed to inflate are records lost, each by its own offset
    (verify counts each); a run of false gzip headers (reserved flags) is passed-over bytes:
    one error, its span to where the walk went on, counted as many."""
    good = [gz(response(f"http://ex.com/{n}", b"<title>%d</title>" % n)) for n in range(3)]
    broken = []
    for n in range(3):
        member = bytearray(gz(response(f"http://ex.com/bad{n}", b"<p>%d</p>" % n * 40)))
        member[20] ^= 0xFF
        broken.append(bytes(member))
    false = b"\x1f\x8b\x08\xe0" * 50
    path = tmp_path / "members.warc.gz"
    path.write_bytes(good[0] + b"".join(broken) + good[1] + false + good[2])
    found, errors = _read(path)
    starts = [len(good[0]) + sum(map(len, broken[:n])) for n in range(4)]
    after = starts[3] + len(good[1])
    assert found == [("http://ex.com/0", 0), ("http://ex.com/1", starts[3]),
                     ("http://ex.com/2", after + len(false))]
    assert [e.offset for e in errors] == starts[:3] + [after]
    assert all(e.reason.startswith("corrupt gzip data") for e in errors[:3])
    assert not any(FOLDED.search(e.reason) for e in errors[:3])
    count, start, end, span = map(int, FOLDED.search(errors[3].reason).groups())
    assert (count, start, end, span) == (50, after, after + len(false), len(false))
    report = verify([path])
    assert report.error_count == 53 and report.records == 3


def test_a_run_of_empty_headers_is_one_false_start_a_typeless_record_its_own(
        tmp_path: Path) -> None:
    """``WARC/1.0`` and a blank line, over and over: no field at all is no record refused
    but a false start (30,000 of them printed 30,000 "missing WARC-Type" lines): one error,
    counted as many. Records with fields but no WARC-Type keep an error each."""
    empty = b"WARC/1.0\r\n\r\n" * 3000
    typeless = [response(f"http://ex.com/t{n}", b"x").replace(b"WARC-Type: response\r\n", b"")
                for n in range(2)]
    good = response("http://ex.com/ok", b"<title>ok</title>")
    path = tmp_path / "empty.warc"
    path.write_bytes(empty + b"".join(typeless) + good)
    found, errors = _read(path)
    assert found == [("http://ex.com/ok", len(empty) + sum(map(len, typeless)))]
    assert [e.offset for e in errors] == [0, len(empty), len(empty) + len(typeless[0])]
    assert errors[0].reason.startswith("bad WARC record: an empty WARC header (no fields)")
    count, start, end, _ = map(int, FOLDED.search(errors[0].reason).groups())
    assert (count, start, end) == (3000, 0, len(empty))
    assert [e.reason for e in errors[1:]] == ["record skipped: missing WARC-Type"] * 2
    assert verify([path]).error_count == 3002


def _damaged_header(url: str) -> bytes:
    """A real record's header, longer than one header read, broken by a binary line."""
    return (b"WARC/1.0\r\nWARC-Type: resource\r\nWARC-Target-URI: " + url.encode()
            + b"\r\nX-Pad: " + b"a" * 5000 + b"\r\n\x00\x01binary junk\r\nContent-Length: 5"
            b"\r\n\r\nhello\r\n\r\n")


def test_a_records_damaged_header_beside_false_starts_keeps_its_own_error(
        tmp_path: Path) -> None:
    """A header whose lines after the version line are fields is a record's, even when it
    ends not terminated: its error names it at its own offset, never folded with the false
    starts before it (it was one passed-over error from the first false start's offset)."""
    good = response("http://ex.com/good", b"<title>good</title>")
    starts = b"WARC/1.0\nquoted text\n" * 3
    damaged = [_damaged_header(f"http://important/{n}") for n in range(2)]
    path = tmp_path / "mixed.warc"
    path.write_bytes(good + starts + damaged[0] + damaged[1] + good)
    _found, errors = _read(path)
    at = len(good) + len(starts)
    own = [err for err in errors if err.offset in (at, at + len(damaged[0]))]
    assert [err.offset for err in own] == [at, at + len(damaged[0])]
    assert all(type(err) is WarcFormatError and "folded" not in err.reason for err in own)
    assert any(err.offset == len(good) and "[3 errors" in err.reason for err in errors)


def _false_gzip_headers(n: int) -> list[bytes]:
    """``n`` gzip magics met by chance: a header the check before inflating passes (no
    reserved flag, no name), then bytes that fail only when inflated, each in its own way
    (a bad block type, bad stored lengths, codes that inflate garbage then fail)."""
    rng = random.Random(n)
    found: list[bytes] = []
    while len(found) < n:
        cand = (GZIP_MAGIC + b"\x00" + rng.randbytes(4) + bytes([rng.randrange(5, 255)])
                + bytes([rng.randrange(14, 255)]) + rng.randbytes(rng.randrange(8, 60)))
        if GZIP_MAGIC in cand[1:] or (found and GZIP_MAGIC[:2] in found[-1][-1:] + cand[:1]):
            continue
        try:
            zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(cand)
        except zlib.error:
            found.append(cand)
    return found


def _damaged(url: str, at: int, header: bytes = b"") -> bytes:
    """A real record's gzip member whose deflate data is broken at byte ``at`` (its gzip
    header's XFL and OS replaced by ``header`` when given)."""
    member = bytearray(gz(response(url, b"<p>%s</p>" % url.encode() * 300)))
    member[at] ^= 0xFF
    if header:
        member[8:10] = header
    return bytes(member)


def test_false_gzip_headers_failing_only_when_inflated_are_folded_members_each_said(
        tmp_path: Path) -> None:
    """Magic bytes met by chance whose header passes the check and whose data fails when
    inflated (each in its own zlib words) were an error apiece: now one passed-over error
    with count and span, counted as many. A member that really started keeps its own error:
    one broken in its first deflate bytes (nothing inflated, a writer's gzip header), one
    broken later (its start inflated to a version line, whatever its header says)."""
    good = [gz(response(f"http://ex.com/{n}", b"<title>%d</title>" % n)) for n in range(3)]
    false = b"".join(_false_gzip_headers(300))
    early = _damaged("http://ex.com/early", 20)
    late = _damaged("http://ex.com/late", -30, header=b"\x1f\x8b")
    path = tmp_path / "false.warc.gz"
    parts = [good[0], false, early, good[1], late, false, good[2]]
    path.write_bytes(b"".join(parts))
    at = [sum(map(len, parts[:n])) for n in range(len(parts))]
    found, errors = _read(path)
    assert found == [("http://ex.com/0", 0), ("http://ex.com/1", at[3]),
                     ("http://ex.com/2", at[6])]
    assert [e.offset for e in errors] == [at[1], at[2], at[4], at[5]]
    for err, start in ((errors[0], at[1]), (errors[3], at[5])):
        assert err.reason.startswith("corrupt gzip data: a false gzip header")
        assert FOLDED.search(err.reason).groups() == (
            "300", str(start), str(start + len(false)), str(len(false)))
    for err in errors[1:3]:
        assert type(err) is WarcFormatError and err.reason.startswith("corrupt gzip data: ")
        assert "false" not in err.reason
    assert verify([path]).error_count == 602


def test_every_bit_flip_in_a_real_members_data_keeps_its_own_error(tmp_path: Path) -> None:
    """A bit flipped in a real member's deflate data may inflate a few garbage bytes before
    zlib fails (no version line): the member was taken for a false gzip header and folded.
    A writer's gzip header makes it a member that started: for every flip of a small real
    member's data and trailer, no error at its offset is passed-over bytes, and the records
    around it are read."""
    around = [gz(response(f"http://ex.com/{n}", b"<title>%d</title>" % n)) for n in range(2)]
    member = gz(response("http://ex.com/flip", b"hello world " * 20))
    path = tmp_path / "flip.warc.gz"
    at = len(around[0])
    said = 0
    for pos in range(10, len(member)):
        for bit in range(8):
            flipped = bytearray(member)
            flipped[pos] ^= 1 << bit
            path.write_bytes(around[0] + bytes(flipped) + around[1])
            found, errors = _read(path)
            assert found[0] == ("http://ex.com/0", 0), (pos, bit)
            assert found[-1] == ("http://ex.com/1", at + len(member)), (pos, bit)
            assert not any(isinstance(e, PassedOver) for e in errors), (pos, bit, errors)
            said += any(e.offset == at for e in errors)
    assert said >= 8 * (len(member) - 10) - 16  # (a flip in the trailer's ISIZE high bytes)


def _garbage_inflating(member: bytes) -> bytes:
    """``member`` with the first bit flip in its data that inflates bytes other than a
    version line's start before zlib fails."""
    for pos in range(10, len(member) - 8):
        for bit in range(8):
            flipped = bytearray(member)
            flipped[pos] ^= 1 << bit
            d = zlib.decompressobj(zlib.MAX_WBITS | 16)
            try:
                d.decompress(bytes(flipped))
            except zlib.error:
                head = inflated_start(io.BytesIO(bytes(flipped)), 0)
                if head.strip(b"\r\n") and not b"WARC/".startswith(head[:5]):
                    return bytes(flipped)
    raise AssertionError("no flip inflates garbage")


def test_two_damaged_members_in_a_row_are_two_errors_not_folded(tmp_path: Path) -> None:
    """Two adjacent real members each damaged where they inflate garbage before failing
    were one folded error naming the first offset only: each keeps its own offset."""
    good = [gz(response(f"http://ex.com/{n}", b"hello world %d " % n * 200)) for n in range(2)]
    damaged = [_garbage_inflating(gz(response(f"http://ex.com/d{n}", b"hello world " * 200)))
               for n in range(2)]
    path = tmp_path / "two.warc.gz"
    path.write_bytes(good[0] + b"".join(damaged) + good[1])
    errors: list[WarcFormatError] = []
    handler = FoldedErrors(errors.append)
    found = [info.offset for info in iter_records(path, handler)]
    handler.flush()
    starts = [len(good[0]), len(good[0]) + len(damaged[0])]
    assert found == [0, starts[1] + len(damaged[1])]
    assert [e.offset for e in errors] == starts
    assert all(type(e) is WarcFormatError and "folded" not in e.reason for e in errors)
    assert all(e.reason.startswith("corrupt gzip data: ") and "false" not in e.reason
               for e in errors)


def test_a_run_of_empty_header_members_is_one_false_start(tmp_path: Path) -> None:
    """A .warc.gz of members holding ``WARC/1.0`` and a blank line only: one "missing
    WARC-Type" each before; now passed over as the plain walk passes an empty header, a run
    one error, counted as many. A member with fields but no WARC-Type keeps its own."""
    empty = gz(b"WARC/1.0\r\n\r\n") * 2000
    typeless = gz(response("http://ex.com/t", b"x").replace(b"WARC-Type: response\r\n", b""))
    good = gz(response("http://ex.com/ok", b"<title>ok</title>"))
    path = tmp_path / "empty.warc.gz"
    path.write_bytes(empty + typeless + empty + good)
    found, errors = _read(path)
    assert found == [("http://ex.com/ok", 2 * len(empty) + len(typeless))]
    assert [e.offset for e in errors] == [0, len(empty), len(empty) + len(typeless)]
    assert errors[1].reason == "record skipped: missing WARC-Type"
    for err, start in ((errors[0], 0), (errors[2], len(empty) + len(typeless))):
        assert err.reason.startswith("bad WARC record: an empty WARC header (no fields)")
        assert FOLDED.search(err.reason).groups() == (
            "2000", str(start), str(start + len(empty)), str(len(empty)))
    assert verify([path]).error_count == 4001


@pytest.mark.parametrize("quote", [
    b"WARC/1.0\r\nnote: see WARC/1.0\r\n",
    b"WARC/1.0\r\nquoted text\r\nnote: the line above\r\n",
    b"WARC/1.0\nSee: the format\n\tcontinued: here\n",
])
def test_a_false_start_then_a_quoted_line_with_a_colon_leaves_the_record_its_header(
        tmp_path: Path, quote: bytes) -> None:
    """A quoted ``WARC/1.0`` whose next quoted lines hold a colon ran into the next record's
    header: the record was read at the false start's offset, the quote among its fields and
    its own version line passed over as a colonless one. The lines after a version line
    inside a header that are a whole record's header alone (type, id, length) are that
    record's: it is read at its own offset, with its own header; the false start passed
    over (a run of them one error)."""
    first, last = (response(f"http://ex.com/{n}", b"<title>%d</title>" % n) for n in (1, 2))
    for copies in (1, 3):
        path = tmp_path / f"colon{copies}.warc"
        path.write_bytes(first + quote * copies + last)
        errors: list[WarcFormatError] = []
        infos = list(iter_records(path, errors.append))
        at = len(first) + len(quote) * copies
        assert [(i.record.target_uri, i.offset, i.problems) for i in infos] == [
            ("http://ex.com/1", 0, []), ("http://ex.com/2", at, [])]
        assert infos[1].record.get("WARC-Type") == "response"
        assert not any(infos[1].record.get(name) for name in ("note", "See"))
        assert infos[1].length == len(last) - 4
        assert [e.offset for e in errors] == [len(first)]
        assert all(e.reason.startswith("bad WARC record: a version line inside its header")
                   for e in errors)
        assert verify([path]).error_count == copies


def test_many_false_starts_with_colon_lines_before_a_record_stay_linear(
        tmp_path: Path) -> None:
    """20,000 such false starts in a row: each judged by one parse of a bounded header read
    (within seconds), each counted, the record after them read at its own offset."""
    quote = b"WARC/1.0\r\nnote: see WARC/1.0\r\n" * 20000
    last = response("http://ex.com/last", b"<title>last</title>")
    path = tmp_path / "many.warc"
    path.write_bytes(quote + last)
    done = subprocess.run([sys.executable, "-c", _LONG_LINE_WALK, str(path)], timeout=120,
                          capture_output=True, text=True, cwd=Path(__file__).parents[2])
    assert done.returncode == 0, done.stderr
    found, errors = json.loads(done.stdout)
    assert found == [len(quote)]
    assert sum(count for _, _, count in errors) >= 20000
    assert errors[0][0] == 0


MIXED = re.compile(r"\[(\d+) errors of (\d+) kinds from offset (\d+) to offset (\d+) \((\d+) "
                   r"bytes\) with no record read between them, folded into this one: (.*)\]$")


def test_a_run_of_false_gzip_headers_of_kinds_in_turn_is_one_error_members_each_said(
        tmp_path: Path) -> None:
    """False gzip headers of three kinds in turn (data failing when inflated, a member of an
    empty header, reserved flags) were an error apiece, a kind's run broken by the next: now
    one passed-over error per run, naming how many of each kind, counted as many. A member
    that really started ends the run and keeps its own error: one under a writer's gzip
    header (broken early), one whose start inflates to a version line (broken late)."""
    good = [gz(response(f"http://ex.com/{n}", b"<title>%d</title>" % n)) for n in range(3)]
    empty = gz(b"WARC/1.0\r\n\r\n")
    mixed = b"".join(f + empty + b"\x1f\x8b\x08\xe0" for f in _false_gzip_headers(40))
    early = _damaged("http://ex.com/early", 20)
    late = _damaged("http://ex.com/late", -30, header=b"\x1f\x8b")
    parts = [good[0], mixed, early, mixed, late, mixed, good[1], mixed, good[2]]
    path = tmp_path / "mixed.warc.gz"
    path.write_bytes(b"".join(parts))
    at = [sum(map(len, parts[:n])) for n in range(len(parts))]
    found, errors = _read(path)
    assert found == [("http://ex.com/0", 0), ("http://ex.com/1", at[6]),
                     ("http://ex.com/2", at[8])]
    assert [e.offset for e in errors] == [at[1], at[2], at[3], at[4], at[5], at[7]]
    for n in (0, 2, 4, 5):
        err = errors[n]
        assert isinstance(err, PassedOver) and err.count == 120
        count, kinds, start, end, span, each = MIXED.search(err.reason).groups()
        assert (count, kinds, start, end) == ("120", "3", str(err.offset),
                                              str(err.offset + len(mixed)))
        assert each.startswith("40 ") and "; 40 'bad WARC record: an empty WARC header" in each
        assert "; 40 'corrupt gzip data: gzip header with reserved flags set (0xe0)'" in each
    for n in (1, 3):
        assert type(errors[n]) is WarcFormatError
        assert errors[n].reason.startswith("corrupt gzip data: ")
        assert "false" not in errors[n].reason
    assert verify([path]).error_count == 4 * 120 + 2
