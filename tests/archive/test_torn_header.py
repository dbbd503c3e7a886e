"""A plain WARC record whose header was cut short (no blank line ends it) right before a
real record: the two headers were read as one record, the torn one's type and URI with the
next one's block, and that next record was lost. The torn record is now its own error (file,
offset, what it was), and the next record is read whole at its own offset."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.errors import PassedOver, WarcFormatError
from archive.records import iter_records, read_info_at
from archive.repair import repair_open_files
from archive.verify import verify
from tests.support.warcs import gz, http_request, http_response, record, response

FIRST = response("http://ex.com/first", b"<title>first</title>")
TORN = response("http://ex.com/torn", b"<title>torn</title>", rec_id="<urn:uuid:torn>")
NEXT = response("http://ex.com/next", b"<title>next</title>")


def _read(path: Path) -> tuple[list, list[WarcFormatError]]:
    errors: list[WarcFormatError] = []
    return list(iter_records(path, errors.append)), errors


def _read_as_one_record(tmp_path: Path, rec: bytes, target: str
                        ) -> tuple[bytes, list[WarcFormatError]]:
    """Read ``rec`` between FIRST and NEXT, asserting it is one record (of ``target``) at its
    offset, never split, the other two whole at theirs: (its block, the errors)."""
    path = tmp_path / "one.warc"
    path.write_bytes(FIRST + rec + NEXT)
    infos, errors = _read(path)
    assert [(i.record.target_uri, i.offset) for i in infos] == [
        ("http://ex.com/first", 0), (target, len(FIRST)),
        ("http://ex.com/next", len(FIRST) + len(rec))]
    return infos[1].record.block, errors


# where the header is cut: at a line start, inside a field's name, inside a value
CUTS = [(b"Content-Type", 0), (b"WARC-Target-URI", 5), (b"http://ex.com/torn", 9)]


@pytest.mark.parametrize(("cut", "into"), CUTS)
def test_a_torn_header_before_a_record_is_its_own_error_and_the_record_is_read_whole(
        tmp_path: Path, cut: bytes, into: int) -> None:
    torn = TORN[: TORN.index(cut) + into]
    path = tmp_path / "torn.warc"
    path.write_bytes(FIRST + torn + NEXT)
    infos, errors = _read(path)
    at = len(FIRST) + len(torn)
    assert [(i.record.target_uri, i.offset, i.problems) for i in infos] == [
        ("http://ex.com/first", 0, []), ("http://ex.com/next", at, [])]
    assert infos[1].record.block == NEXT[NEXT.index(b"\r\n\r\n") + 4:-4]
    assert [(type(e), e.offset) for e in errors] == [(WarcFormatError, len(FIRST))]
    reason = errors[0].reason
    assert "WARC header cut short" in reason and f"the record at offset {at}" in reason
    assert "<urn:uuid:torn>" in reason  # named by its own fields, not the next record's
    assert "http://ex.com/next" not in reason
    with pytest.raises(WarcFormatError):
        read_info_at(path, len(FIRST))
    assert read_info_at(path, at).record.target_uri == "http://ex.com/next"
    report = verify([path])
    assert report.records == 2 and report.error_count == 1


def test_a_headers_own_repeatable_fields_and_a_stray_version_line_keep_the_record(
        tmp_path: Path) -> None:
    """A real header with a stray version line before a whole header's worth of fields,
    repeating only a field the format lets repeat (WARC-Concurrent-To): one record, read at
    its offset, as warcio reads it; never split."""
    body = b"hello"
    rec = (b"WARC/1.0\r\nWARC-Concurrent-To: <urn:uuid:a>\r\nWARC-Date: 2024-01-01T00:00:00Z"
           b"\r\nWARC-Target-URI: http://ex.com/odd\r\nWARC/1.0\r\nWARC-Type: resource\r\n"
           b"WARC-Concurrent-To: <urn:uuid:b>\r\nWARC-Record-ID: <urn:uuid:odd>\r\n"
           b"Content-Length: 5\r\n\r\n" + body + b"\r\n\r\n")
    block, errors = _read_as_one_record(tmp_path, rec, "http://ex.com/odd")
    assert block == body
    assert not any("cut short" in e.reason for e in errors)


def test_a_torn_header_at_the_end_of_the_file_is_still_said_as_before(tmp_path: Path) -> None:
    """No record after it: the torn header is the file's torn tail, as it was."""
    torn = TORN[: TORN.index(b"Content-Length")]
    path = tmp_path / "tail.warc"
    path.write_bytes(FIRST + torn)
    infos, errors = _read(path)
    assert [i.offset for i in infos] == [0]
    assert [e.offset for e in errors] == [len(FIRST)]
    assert not isinstance(errors[0], PassedOver)


def test_repair_keeps_a_torn_header_in_place_and_every_record(tmp_path: Path) -> None:
    """The archive never deletes bytes it cannot read: the torn header is a damaged range
    kept in place, both records kept at their offsets."""
    torn = TORN[: TORN.index(b"WARC-Target-URI") + 6]
    data = FIRST + torn + NEXT
    (tmp_path / "crawl.warc.open").write_bytes(data)
    (res,) = repair_open_files(tmp_path)
    assert res.status == "repaired-damaged" and res.records_kept == 2
    assert (tmp_path / "crawl.warc").read_bytes() == data
    assert [(d.offset, d.moved) for d in res.damaged] == [(len(FIRST), False)]
    assert "cut short" in res.damaged[0].reason


def _one_header(lines: list[bytes], body: bytes = b"hi") -> bytes:
    head = b"".join(line + b"\r\n" for line in lines)
    return head + b"Content-Length: %d\r\n\r\n" % len(body) + body + b"\r\n\r\n"


def test_a_header_of_many_version_line_tails_is_parsed_a_bounded_number_of_times(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A crafted header repeating a record field, with 50,000 lines ending in a version
    line's tail and no whole header after any: each was once judged by parsing all the
    lines after it (minutes). The lines decoded in all stay a small multiple of the file's."""
    import archive.records as records

    rec = _one_header([b"WARC/1.0", b"WARC-Type: response", b"WARC-Type: response",
                       *[b"X:WARC/1.0"] * 50_000, b"WARC-Record-ID: <urn:uuid:x>",
                       b"WARC-Date: 2026-01-02T03:04:05Z", b"WARC-Target-URI: http://e.com/"])
    bound = 6 * (FIRST + rec + NEXT).count(b"\n")
    decoded = 0
    decode = records.decode_lines

    def counted(raw: bytes) -> list[str]:
        nonlocal decoded
        decoded += raw.count(b"\n") + 1
        if decoded > bound:
            raise AssertionError(f"header lines decoded over and over: {decoded} > {bound}")
        return decode(raw)

    monkeypatch.setattr(records, "decode_lines", counted)
    assert _read_as_one_record(tmp_path, rec, "http://e.com/") == (b"hi", [])


def test_a_field_value_ending_in_a_version_line_keeps_the_record(tmp_path: Path) -> None:
    """A target URI ending in ``WARC/1.0`` in a header that repeats a field: the lines after
    it are no record a reader takes (no target), so no header starts there: one record."""
    rec = _one_header([b"WARC/1.0", b"WARC-Date: 2026-01-02T03:04:05Z",
                       b"WARC-Target-URI: http://ex.com/WARC/1.0", b"WARC-Type: response",
                       b"WARC-Record-ID: <urn:uuid:m>", b"WARC-Date: 2026-01-02T03:04:05Z"])
    assert _read_as_one_record(tmp_path, rec, "http://ex.com/WARC/1.0") == (b"hi", [])


@pytest.mark.parametrize("version", [b"WARC/1.0", b"warc/1.0"])
def test_a_stray_version_line_in_a_header_repeating_a_field_before_no_record_keeps_it(
        tmp_path: Path, version: bytes) -> None:
    """A header repeating WARC-Type with a stray version line before fields no record is
    made of alone (no WARC-Date): one record, the stray line passed over with a note."""
    rec = _one_header([b"WARC/1.0", b"WARC-Type: response", b"WARC-Record-ID: <urn:uuid:m>",
                       b"WARC-Date: 2026-01-02T03:04:05Z", b"WARC-Target-URI: http://ex.com/m",
                       version, b"WARC-Type: response", b"WARC-Record-ID: <urn:uuid:m2>"])
    block, errors = _read_as_one_record(tmp_path, rec, "http://ex.com/m")
    assert block == b"hi"
    assert [(e.offset, "without a colon passed over" in e.reason) for e in errors] == [
        (len(FIRST), True)]


def _long_header(rec: bytes, pad: int) -> bytes:
    """``rec`` with a field of ``pad`` bytes first in its header (a long cookie or link)."""
    return rec.replace(b"WARC-Type", b"X-Pad: " + b"a" * pad + b"\r\nWARC-Type", 1)


@pytest.mark.parametrize("pad", [5_000, 70_000])
@pytest.mark.parametrize(("cut", "into"), CUTS)
def test_a_torn_header_before_a_long_header_is_its_own_error_too(
        tmp_path: Path, cut: bytes, into: int, pad: int) -> None:
    """The next record's header longer than the reader's first read (4 KB): the torn header
    was said only as "not terminated", with nothing naming it or where the next record
    starts. Same error as before a short header; the next record read whole at its offset."""
    torn = TORN[: TORN.index(cut) + into]
    nxt = _long_header(NEXT, pad)
    path = tmp_path / "long.warc"
    path.write_bytes(FIRST + torn + nxt)
    infos, errors = _read(path)
    at = len(FIRST) + len(torn)
    assert [(i.record.target_uri, i.offset, i.problems) for i in infos] == [
        ("http://ex.com/first", 0, []), ("http://ex.com/next", at, [])]
    assert infos[1].record.block == NEXT[NEXT.index(b"\r\n\r\n") + 4:-4]
    assert infos[1].record.get("X-Pad") == "a" * pad
    assert [(type(e), e.offset) for e in errors] == [(WarcFormatError, len(FIRST))]
    reason = errors[0].reason
    assert "WARC header cut short" in reason and f"the record at offset {at}" in reason
    assert "<urn:uuid:torn>" in reason
    report = verify([path])
    assert report.records == 2 and report.error_count == 1


# records whose header is whole but holds a value the readers refuse: each is skipped at its
# own offset, by its own error
REFUSED_BY_VALUE = {
    "target without scheme": record("response", "ex.com/next", http_response(b"next")),
    "bad date": record("warcinfo", None, b"software: x\r\n", date="yesterday",
                       ctype="application/warc-fields"),
    "port out of range": record("request", "http://ex.com:99999/", http_request(
        "http://ex.com/")),
}
LAST = response("http://ex.com/last", b"<title>last</title>")


@pytest.mark.parametrize("kind", sorted(REFUSED_BY_VALUE))
@pytest.mark.parametrize(("cut", "into"), CUTS)
def test_a_torn_header_before_a_record_skipped_for_a_value_lends_it_nothing(
        tmp_path: Path, cut: bytes, into: int, kind: str) -> None:
    """A torn header run into a whole header the readers refuse for a value (a target with
    no scheme, a bad date, a port out of range): the two were read as one record with the
    torn one's type and target and the next one's block, a capture of the torn URL no one
    made. Now the torn header is its own error, the next record skipped at its own offset."""
    torn = TORN[: TORN.index(cut) + into]
    nxt = REFUSED_BY_VALUE[kind]
    path = tmp_path / "refused.warc"
    path.write_bytes(FIRST + torn + nxt + LAST)
    infos, errors = _read(path)
    at = len(FIRST) + len(torn)
    assert [(i.record.target_uri, i.offset) for i in infos] == [
        ("http://ex.com/first", 0), ("http://ex.com/last", at + len(nxt))]
    assert [e.offset for e in errors] == [len(FIRST), at]
    assert "WARC header cut short" in errors[0].reason
    assert f"the record at offset {at}" in errors[0].reason
    assert "record skipped" in errors[1].reason
    report = verify([path])
    assert report.error_count == 2
    assert ["cut short" in p.message for p in report.problems] == [True, False]


# tails in a run before an untyped header's fields; tails each after one same type value
TAIL_RUNS = [([b"WARC-Record-ID: <urn:uuid:a>", *[b"X:WARC/1.0"] * 50_000,
               b"WARC-Record-ID: <urn:uuid:b>"], "missing WARC-Type"),
             ([b"WARC-Type: response", *[b"X:WARC/1.0", b"WARC-Type: response"] * 25_000,
               b"WARC-Record-ID: <urn:uuid:b>"], "no WARC-Date")]


@pytest.mark.parametrize(("lines", "why"), TAIL_RUNS)
def test_a_run_of_version_line_tails_is_one_records_error(
        tmp_path: Path, lines: list[bytes], why: str) -> None:
    """50,000 field values ending in a version line, in one header: no split at any of them
    (none is followed by a record of its own), one error for the header, the record after it
    read at its own offset."""
    rec = _one_header([b"WARC/1.0", *lines])
    path = tmp_path / "tails.warc"
    path.write_bytes(FIRST + rec + NEXT)
    infos, errors = _read(path)
    assert [i.offset for i in infos] == [0, len(FIRST) + len(rec)]
    assert [e.offset for e in errors] == [len(FIRST)]
    assert why in errors[0].reason


# a header cut before its first field (its version line alone, or with the blank line a
# writer's killed flush left), right after a record written without its CRLF CRLF: the record
# before took the torn header into its block ("bad Content-Length ... taken up to the next
# record"), and the torn header went unsaid
@pytest.mark.parametrize(("torn", "why"), [
    (b"WARC/1.0\r\n", "a false start running into the next record"),
    (b"WARC/1.0\r\n\r\n", "an empty WARC header (no fields)"),
    (b"WARC/1.1\r\n\r\n\r\n", "an empty WARC header (no fields)")])
@pytest.mark.parametrize("digests", [True, False])
def test_a_header_torn_before_its_fields_after_a_block_with_no_separator_is_said_at_its_offset(
        tmp_path: Path, torn: bytes, why: str, digests: bool) -> None:
    first = response("http://ex.com/first", b"<title>first</title>", digests=digests)[:-4]
    path = tmp_path / "torn.warc"
    path.write_bytes(first + torn + NEXT + FIRST)
    infos, errors = _read(path)
    at = len(first) + len(torn)
    assert [(i.record.target_uri, i.offset, i.length) for i in infos] == [
        ("http://ex.com/first", 0, len(first)), ("http://ex.com/next", at, len(NEXT) - 4),
        ("http://ex.com/first", at + len(NEXT), len(FIRST) - 4)]
    assert infos[0].record.block == http_response(b"<title>first</title>")  # none of torn's
    assert [e.offset for e in errors] == [0, len(first)]  # no separator; the torn header
    assert errors[0].reason.startswith("no CRLF CRLF after its block")
    assert "bad Content-Length" not in errors[0].reason
    # the torn header: passed over as the false start it is, up to the next record
    assert isinstance(errors[1], PassedOver) and errors[1].end == at, errors[1]
    assert why in errors[1].reason
    assert read_info_at(path, 0).record.block == infos[0].record.block
    assert read_info_at(path, at).record.target_uri == "http://ex.com/next"
    assert verify([path]).error_count == 2


@pytest.mark.parametrize("digests", [True, False])
def test_a_header_torn_in_its_fields_after_a_block_with_no_separator_is_still_its_own_error(
        tmp_path: Path, digests: bool) -> None:
    """Guard (read so before too): a header torn after a field, right after a record with no
    CRLF CRLF, is a record start there (a version line, then a field): the record before
    keeps its length, the torn header is its own error naming the next record's offset."""
    first = response("http://ex.com/first", b"<title>first</title>", digests=digests)[:-4]
    torn = b"WARC/1.0\r\nWARC-Type: response\r\n"
    path = tmp_path / "torn.warc"
    path.write_bytes(first + torn + NEXT)
    infos, errors = _read(path)
    at = len(first) + len(torn)
    assert [(i.record.target_uri, i.offset, i.length) for i in infos] == [
        ("http://ex.com/first", 0, len(first)), ("http://ex.com/next", at, len(NEXT) - 4)]
    assert infos[0].record.block == http_response(b"<title>first</title>")
    assert [(type(e), e.offset) for e in errors] == [(WarcFormatError, 0),
                                                     (WarcFormatError, len(first))]
    assert errors[0].reason.startswith("no CRLF CRLF after its block: the next record follows")
    assert "WARC header cut short" in errors[1].reason
    assert f"the record at offset {at} starts inside it" in errors[1].reason


@pytest.mark.parametrize("algo", ["blake3:AAAA", "foo:bar", "nocolon"])
def test_a_digest_of_an_unknown_algorithm_trusts_no_length_cut_at_a_quoted_version_line(
        tmp_path: Path, algo: str) -> None:
    """A block digest this reader cannot check (an algorithm hashlib lacks) checks nothing:
    a Content-Length cut short right before a version line its page quotes is a bad length,
    as with no digest, never a record ending there with the page's rest passed over. Repair
    keeps every byte of it in the WARC: nothing readable goes to a .damaged file."""
    page = http_response(b"<pre>a version line:\nWARC/1.0\r\nand the rest of the page</pre>")
    quoting = record("response", "http://ex.com/quote", page, length=str(
        page.index(b"WARC/1.0")), digests=False, extra=[("WARC-Block-Digest", algo)])
    path = tmp_path / "quote.warc"
    path.write_bytes(quoting + NEXT)
    infos, errors = _read(path)
    assert [(i.record.target_uri, i.offset) for i in infos] == [
        ("http://ex.com/quote", 0), ("http://ex.com/next", len(quoting))]
    assert infos[0].record.block.startswith(page)  # the page whole, not cut at its quote
    assert [e.offset for e in errors] == [0] and "bad Content-Length '" in errors[0].reason
    (tmp_path / "eof").mkdir()
    (tmp_path / "eof" / "crawl.warc.open").write_bytes(quoting)  # a kill after it
    (res,) = repair_open_files(tmp_path / "eof")
    assert not any(d.moved for d in res.damaged), res.damaged
    assert not (tmp_path / "eof" / "crawl.warc.damaged").exists()
    assert (tmp_path / "eof" / "crawl.warc").read_bytes() == quoting


def test_a_length_cut_short_at_a_quoted_version_line_is_still_said_a_bad_length(
        tmp_path: Path) -> None:
    """No digest, its Content-Length ending right before a version line its page quotes (the
    page going on after it): a bad length, as before, no record ending without a separator."""
    page = http_response(b"<pre>a version line:\nWARC/1.0\r\nand more</pre>")
    quoting = record("response", "http://ex.com/quote", page,
                     length=str(page.index(b"WARC/1.0")), digests=False)
    path = tmp_path / "quote.warc"
    path.write_bytes(quoting + NEXT)
    infos, errors = _read(path)
    assert [(i.record.target_uri, i.offset) for i in infos] == [
        ("http://ex.com/quote", 0), ("http://ex.com/next", len(quoting))]
    assert errors[0].offset == 0 and "bad Content-Length '" in errors[0].reason
    assert "no CRLF CRLF" not in errors[0].reason


@pytest.mark.parametrize("torn", [1, 3])
def test_a_header_torn_before_its_fields_in_the_member_of_the_next_record_is_said_as_such(
        tmp_path: Path, torn: int) -> None:
    """A gzip member opening with a header cut right after its version line, then a whole
    record: the record is read at the member's offset (its only one: warcio and pywb read it
    there, passing the line over), and the torn header said as what it is, not as a stray
    line without a colon."""
    member = gz(b"WARC/1.0\r\n" * torn + NEXT)
    path = tmp_path / "torn.warc.gz"
    path.write_bytes(gz(FIRST) + member + gz(FIRST))
    infos, errors = _read(path)
    at = len(gz(FIRST))
    assert [(i.record.target_uri, i.offset) for i in infos] == [
        ("http://ex.com/first", 0), ("http://ex.com/next", at),
        ("http://ex.com/first", at + len(member))]
    assert infos[1].record.block == NEXT[NEXT.index(b"\r\n\r\n") + 4:-4]
    assert [e.offset for e in errors] == [at]
    assert errors[0].reason.startswith(f"a WARC header cut short before its first field ({torn} "
                                       "version line(s)")
    assert "without a colon" not in errors[0].reason and "(record kept)" in errors[0].reason
