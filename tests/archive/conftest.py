"""Shared helpers for archive tests."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from archive.model import HttpExchange


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
