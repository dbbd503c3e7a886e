"""Backoff arithmetic, Retry-After parsing, gzip completeness and failure reason codes."""

from __future__ import annotations

import gzip
import random
import zlib
from datetime import UTC, datetime

from scrapy.exceptions import DownloadTimeoutError, IgnoreRequest, ResponseDataLossError
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.downloadermiddlewares.integrity import stream_complete, truncated_encoding
from crawler.downloadermiddlewares.retry import backoff_delay, parse_retry_after
from crawler.failures import exception_reason

NOW = datetime(2026, 1, 8, 12, 0, 0, tzinfo=UTC)


def test_retry_after_seconds_and_http_date() -> None:
    assert parse_retry_after(b"1") == 1.0
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Thu, 08 Jan 2026 12:00:30 GMT", now=NOW) == 30.0
    assert parse_retry_after("Thu, 08 Jan 2026 11:00:00 GMT", now=NOW) == 0.0  # in the past
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_backoff_grows_exponentially_with_jitter_and_cap() -> None:
    rng = random.Random(1)
    for attempt, ceiling in ((1, 2), (2, 4), (3, 8), (4, 16)):
        delays = [backoff_delay(attempt, 2, 60, rng) for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 40  # jittered, not one fixed value
    assert all(30 <= backoff_delay(10, 2, 60, rng) <= 60 for _ in range(50))


def test_gzip_stream_completeness() -> None:
    data = gzip.compress("Минск. ".encode() * 5000)
    assert stream_complete(data, "gzip")
    assert not stream_complete(data[: len(data) // 2], "gzip")
    assert not stream_complete(data[:-9], "gzip")
    assert stream_complete(zlib.compress(b"x" * 1000), "deflate")
    raw = zlib.compressobj(wbits=-15)
    assert stream_complete(raw.compress(b"y" * 1000) + raw.flush(), "deflate")


def test_gzip_bomb_is_not_inflated_past_the_limit() -> None:
    bomb = gzip.compress(b"\0" * (64 << 20))
    assert stream_complete(bomb, "gzip", max_output=1 << 20)


def test_truncated_encoding_reads_headers() -> None:
    body = gzip.compress(b"<html>" + b"a" * 10000 + b"</html>")
    whole = Response("http://x/", body=body, headers={"Content-Encoding": "gzip"})
    cut = Response("http://x/", body=body[:50], headers={"Content-Encoding": "gzip"})
    plain = Response("http://x/", body=b"<html></html>")
    assert truncated_encoding(whole) is None
    assert truncated_encoding(cut) == "gzip"
    assert truncated_encoding(plain) is None


def test_reason_codes() -> None:
    request = Request("http://x/a")
    assert exception_reason(DownloadTimeoutError("slow")) == "timeout"
    assert exception_reason(ResponseDataLossError()) == "data_loss"
    assert exception_reason(IgnoreRequest("max redirections reached")) == "redirect_loop"
    not_found = Response("http://x/a", status=404, request=request)
    assert exception_reason(HttpError(not_found)) == "http_404"
    ftp = Response("http://x/a", status=302, request=request,
                   headers={"Location": "ftp://example.org/file"})
    assert exception_reason(HttpError(ftp)) == "redirect_refused_scheme"
    assert exception_reason(ValueError("x")) == "value_error"


def test_retry_after_is_capped_by_the_setting() -> None:
    from scrapy.utils.test import get_crawler

    from crawler.downloadermiddlewares.retry import BackoffRetryMiddleware

    crawler = get_crawler(settings_dict={"RETRY_AFTER_MAX": 5, "RETRY_BACKOFF_BASE": 3})
    middleware = BackoffRetryMiddleware.from_crawler(crawler)
    assert middleware.after_cap == 5 and middleware.base == 3
    assert min(parse_retry_after("3600") or 0, middleware.after_cap) == 5


def test_retry_after_accepts_only_ascii_digits_and_clamps() -> None:
    for odd in ("²", "５", "1²", "٣", "1.5", "12 s", "0x10", "+5", "--3", "\x00", "Thu, 99 Jan"):
        assert parse_retry_after(odd, now=NOW) is None, odd
        assert parse_retry_after(odd.encode("utf-8"), now=NOW) is None, odd
    assert parse_retry_after(" 7 ") == 7.0
    assert parse_retry_after("007") == 7.0
    assert parse_retry_after("0") == 0.0
    assert parse_retry_after("-5") == 0.0  # negative: clamped to "now", not raised
    huge = parse_retry_after("9" * 5000)  # beyond int()'s digit limit and float's range
    assert huge is not None and 86400 <= huge <= 86400 * 366
    assert parse_retry_after("Thu, 01 Jan 9999 00:00:00 GMT", now=NOW) == huge
    assert parse_retry_after("Mon, 01 Jan 99999999999 00:00:00 GMT", now=NOW) is None
