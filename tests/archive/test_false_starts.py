"""A plain file full of false record starts (a text quoting ``WARC/1.0`` on its own line, a
file of version lines): every false start is still found and passed over as before, but a run
of them with no record between is one error naming its first offset, the count and the span,
not one log line each (30 MB of them printed millions), and the records after them are read."""

from __future__ import annotations

import re
from pathlib import Path

from archive.errors import WarcFormatError
from archive.records import iter_records
from tests.support.warcs import response

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
    assert end == len(first) + 4999 * len(QUOTE) and span == end - start


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
