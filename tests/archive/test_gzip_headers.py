"""False gzip headers a walk tries after damage: one whose file name (or comment) flag is
set and no NUL follows made every try inflate to the end of the file, so a region of repeated
gzip magic bytes cost minutes per megabyte (quadratic). The header is checked first, the
NUL looked for once across the tries."""

from __future__ import annotations

import time

from archive.errors import WarcFormatError
from archive.records import iter_records
from tests.support.warcs import gz, response

OK = [response(f"http://ok.example/{n}", f"<p>page {n}</p>".encode()) for n in range(2)]


def _walk(path) -> tuple[list[tuple[int, str]], list[WarcFormatError], float]:
    errors: list[WarcFormatError] = []
    start = time.monotonic()
    found = [(i.offset, i.record.target_uri) for i in iter_records(path, errors.append)]
    return found, errors, time.monotonic() - start


def test_repeated_gzip_magic_is_walked_in_linear_time(tmp_path):
    first = gz(OK[0])
    garbage = b"\x1f\x8b\x08" * (1 << 19)  # 1.5 MB of headers flagging a name, no NUL
    path = tmp_path / "m.warc.gz"
    path.write_bytes(first + garbage + gz(OK[1]))

    found, errors, took = _walk(path)

    assert found == [(0, "http://ok.example/0"),
                     (len(first) + len(garbage), "http://ok.example/1")]
    assert took < 60  # (was over 300 s)
    assert errors[0].offset == len(first)
    assert "gzip header whose file name runs past 65536 bytes" in errors[0].reason


def test_a_member_cut_in_its_gzip_file_name_is_truncated(tmp_path):
    named = gz(OK[1])
    named = named[:3] + bytes([0x08]) + named[4:10] + b"page.warc" + named[10:]  # FNAME, no NUL yet
    path = tmp_path / "n.warc.gz"
    path.write_bytes(gz(OK[0]) + named[:16])
    found, errors, _ = _walk(path)
    assert [u for _, u in found] == ["http://ok.example/0"]
    (err,) = errors
    assert err.reason == "truncated gzip member: the file ends in its gzip header's file name"


def test_a_member_with_a_file_name_is_read(tmp_path):
    named = gz(OK[1])
    named = named[:3] + bytes([0x08]) + named[4:10] + b"page.warc\0" + named[10:]
    path = tmp_path / "n.warc.gz"
    path.write_bytes(gz(OK[0]) + named)
    found, errors, _ = _walk(path)
    assert [u for _, u in found] == ["http://ok.example/0", "http://ok.example/1"]
    assert errors == []


def test_reserved_gzip_flags_are_no_member(tmp_path):
    bad = gz(OK[1])
    bad = bad[:3] + b"\xe0" + bad[4:]
    path = tmp_path / "r.warc.gz"
    path.write_bytes(gz(OK[0]) + bad + gz(OK[0]))
    found, errors, _ = _walk(path)
    assert [u for _, u in found] == ["http://ok.example/0", "http://ok.example/0"]
    assert "reserved flags set (0xe0)" in errors[0].reason
