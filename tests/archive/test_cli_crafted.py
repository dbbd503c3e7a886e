"""Crafted hostile WARCs through the commands as a user runs them (``python -m archive
index``, ``verify``, ``repair``, each a subprocess with a timeout): huge and endless header
lines, absurd lengths, damaged gzip headers, broken chunked bodies, deeply nested records
and codings, files cut anywhere. Each must end in time with a result or a clear error by
file and offset (exit 0 or 1), never a traceback; the intact records around it are still
indexed."""

from __future__ import annotations

import gzip
import shutil
import struct
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.warcs import gz, http_response, record

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 120


def _intact(n: int) -> bytes:
    url = f"http://ok.example/{n}"
    return record("response", url, http_response(f"<p>page {n}</p>".encode()))


def _response(block: bytes) -> bytes:
    return record("response", "http://bad.example/x", block)


def _chunked(body: bytes, coding: str = "chunked") -> bytes:
    return (f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: {coding}\r\n\r\n"
            ).encode() + body


def _nested_records(depth: int) -> bytes:
    inner = _response(http_response(b"<p>in</p>"))
    for level in range(depth):
        inner = (_response(http_response(inner)) if level % 2 else
                 record("resource", "http://bad.example/x", inner, ctype="application/warc"))
    return inner


def _coded(layers: int) -> bytes:
    body = b"<html>" + b"q" * 5000 + b"</html>"
    for _ in range(layers):
        body = gzip.compress(body, mtime=0)
    head = (f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: "
            f"{', '.join(['gzip'] * layers)}\r\nContent-Length: {len(body)}\r\n\r\n")
    return _response(head.encode() + body)


def _with_field(raw: bytes, field: bytes) -> bytes:
    head, sep, rest = raw.partition(b"\r\n\r\n")
    return head + b"\r\n" + field + sep + rest


def _with_length(raw: bytes, value: bytes) -> bytes:
    head, sep, rest = raw.partition(b"\r\n\r\n")
    lines = [b"Content-Length: " + value if ln.startswith(b"Content-Length:") else ln
             for ln in head.split(b"\r\n")]
    return b"\r\n".join(lines) + sep + rest


def _gzip_flags(member: bytes, flags: int, extra: bytes = b"") -> bytes:
    return member[:3] + bytes([flags]) + member[4:10] + extra + member[10:]


BAD: dict[str, Callable[[], bytes]] = {
    "warc header line of 2 MiB": lambda: _with_field(_intact(9), b"X-Huge: " + b"a" * (2 << 20)),
    "100,000 warc header lines": lambda: _with_field(
        _intact(9), b"\r\n".join(b"X-%d: v" % i for i in range(100_000))),
    "a value folded 100,000 times": lambda: _with_field(_intact(9), b"X-F: a" + b"\r\n b" * 100_000),
    "http header line of 2 MiB": lambda: _response(
        b"HTTP/1.1 200 OK\r\nX-Big: " + b"b" * (2 << 20) + b"\r\n\r\n<p>x</p>"),
    "content-length of 25 digits": lambda: _with_length(_intact(9), b"9" * 25),
    "negative content-length": lambda: _with_length(_intact(9), b"-1"),
    "content-length in arabic digits": lambda: _with_length(_intact(9), "١٢".encode()),
    "chunk size of 20 hex digits": lambda: _response(_chunked(b"f" * 20 + b"\r\nabc\r\n0\r\n\r\n")),
    "negative chunk size": lambda: _response(_chunked(b"-5\r\nabc\r\n0\r\n\r\n")),
    "chunk extension of 200 KB": lambda: _response(
        _chunked(b"1;" + b"e" * 200_000 + b"\r\na\r\n0\r\n\r\n")),
    "200,000 one-byte chunks": lambda: _response(_chunked(b"1\r\na\r\n" * 200_000 + b"0\r\n\r\n")),
    "chunked named 5,000 times": lambda: _response(
        _chunked(b"3\r\nabc\r\n0\r\n\r\n", ", ".join(["chunked"] * 5001))),
    "records nested 2,000 deep": lambda: _nested_records(2000),
    "gzip content-encoding 500 layers deep": lambda: _coded(500),
}


def _gzipped(middle: bytes) -> bytes:
    return gz(_intact(1)) + middle + gz(_intact(2))


GZ_BAD: dict[str, Callable[[], bytes]] = {
    "gzip FNAME flag, no name end": lambda: _gzipped(_gzip_flags(gz(_intact(9)), 0x08)),
    "gzip FEXTRA of 65535 bytes claimed": lambda: _gzipped(
        _gzip_flags(gz(_intact(9)), 0x04, struct.pack("<H", 65535))),
    "gzip reserved flag bits": lambda: _gzipped(_gzip_flags(gz(_intact(9)), 0xE0)),
    "gzip method 0": lambda: _gzipped(gz(_intact(9))[:2] + b"\x00" + gz(_intact(9))[3:]),
    "member gzipped 20 times over": lambda: _gzipped(
        _nest_gzip(gz(_intact(9)), 20)),
    "member cut in its deflate header": lambda: gz(_intact(1)) + gz(_intact(9))[:12],  # last
}


def _nest_gzip(data: bytes, times: int) -> bytes:
    for _ in range(times):
        data = gzip.compress(data, mtime=0)
    return data


def _run(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "archive", *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=TIMEOUT)


def _commands_end_cleanly(path: Path, tmp_path: Path) -> str:
    """index, verify and repair (of a copy as an `.open` file) each end with 0 or 1 and no
    traceback; the index they made."""
    out = tmp_path / "x.cdxj"
    for res in (_run("index", path, "-o", out), _run("verify", path)):
        assert res.returncode in (0, 1), res.stderr[-2000:]
        assert "Traceback" not in res.stderr, res.stderr[-2000:]
    folder = tmp_path / "open"
    folder.mkdir()
    shutil.copy(path, folder / (path.name + ".open"))
    res = _run("repair", folder)
    assert res.returncode in (0, 1) and "Traceback" not in res.stderr, res.stderr[-2000:]
    return out.read_text()


@pytest.mark.parametrize("compress", [True, False])
def test_crafted_records_end_in_a_result_or_an_error(tmp_path, compress):
    """Every crafted record in one file (a subprocess per command costs seconds), each
    between intact ones: every intact record is still indexed."""
    raws = [_intact(0)]
    for n, make in enumerate(BAD.values(), 1):
        raws += [make(), _intact(n)]
    path = tmp_path / ("c.warc.gz" if compress else "c.warc")
    path.write_bytes(b"".join(gz(r) for r in raws) if compress else b"".join(raws))
    index = _commands_end_cleanly(path, tmp_path)
    assert all(f"ok.example/{n}" in index for n in range(len(BAD) + 1))


def test_crafted_gzip_members_end_in_a_result_or_an_error(tmp_path):
    """Every crafted gzip member in one file, each between intact members (the one cut
    short last)."""
    path = tmp_path / "g.warc.gz"
    path.write_bytes(b"".join(make() for make in GZ_BAD.values()))
    index = _commands_end_cleanly(path, tmp_path)
    assert index.count("ok.example/1") == len(GZ_BAD)
    assert index.count("ok.example/2") == len(GZ_BAD) - 1
