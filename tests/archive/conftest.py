"""Shared helpers for archive tests."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.model import RUN_FIELD, HttpExchange


def make_exchange(
    url: str = "http://example.com/a",
    payload: bytes = b"<html><title>A</title>hello</html>",
    *,
    status: int = 200,
    headers: list[tuple[str, str]] | None = None,
    date: datetime | None = None,
    reason: str = "",
) -> HttpExchange:
    rest = url.split("/", 3)[3] if url.count("/") >= 3 else ""
    return HttpExchange(
        url=url,
        method="GET",
        request_target="/" + rest,
        request_headers=[("Host", url.split("/")[2]), ("User-Agent", "test-bot/1.0")],
        request_body=b"",
        http_version="HTTP/1.1",
        status=status,
        reason=reason,
        response_headers=headers
        if headers is not None
        else [("Content-Type", "text/html; charset=utf-8")],
        payload=payload,
        ip_address="127.0.0.1",
        date=date or datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=UTC),
    )


@pytest.fixture
def exchange():
    return make_exchange


def write_run_warc(path: Path, run: str,
                   responses: list[tuple[str, bytes, datetime]]) -> Path:
    """A plain WARC file of one crawl run (its warcinfo names ``run``) holding the 200 HTML
    ``responses`` (URL, body, time), written by warcio with dates of one length: two such
    files of runs named alike hold their first records at the same offsets."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=False, warc_version="1.1")
        info = writer.create_warcinfo_record(path.name, {RUN_FIELD: run})
        info.rec_headers.replace_header("WARC-Date", "2026-01-01T00:00:00Z")
        writer.write_record(info)
        for url, body, date in responses:
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                               ("Content-Length", str(len(body)))],
                                    protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=http,
                warc_headers_dict={"WARC-Date": date.strftime("%Y-%m-%dT%H:%M:%SZ")}))
    return path


def wacz_of(path: Path, warc: Path, member: str = "archive/data.warc") -> Path:
    """A WACZ package at ``path`` holding ``warc`` as ``member`` (stored)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as zf:
        zf.write(warc, member, compress_type=zipfile.ZIP_STORED)
    return path


@pytest.fixture
def warcs(tmp_path) -> list[Path]:
    """Two gzipped WARCs (one with a revisit) and a plain one (test_wacz_input's)."""
    from .test_wacz_input import _write_warcs  # (it imports this module: taken when asked)

    return _write_warcs(tmp_path / "src")


@pytest.fixture
def wacz(warcs, tmp_path) -> Path:
    """A WACZ of ``warcs`` made by our own `archive wacz` command."""
    from archive.__main__ import main

    out = tmp_path / "pkg" / "crawl.wacz"
    out.parent.mkdir()
    assert main(["wacz", *map(str, warcs), "-o", str(out)]) == 0
    return out
