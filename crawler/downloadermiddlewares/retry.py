"""Retry with exponential backoff and Retry-After, replacing Scrapy's RetryMiddleware.

Scrapy retries at once and ignores ``Retry-After``; against a server that is overloaded or rate
limiting us that only deepens the hole. Here a retry waits ``RETRY_BACKOFF_BASE * 2**n`` seconds
(full jitter, capped by ``RETRY_BACKOFF_MAX``) or what ``Retry-After`` asks (capped by
``RETRY_AFTER_MAX``). The wait is an asynchronous sleep inside ``process_response``: the reactor
keeps serving other downloads; the waiting request holds one of CONCURRENT_REQUESTS meanwhile.
A stop whose SHUTDOWN_GRACE_SECONDS ran out ends the wait, and the request is kept for the next
run like a download in flight (:mod:`crawler.extensions.shutdown_grace`).

It sits above HttpCompressionMiddleware (595 > 590) so it sees bodies as sent and can treat a
truncated gzip stream as the data loss it is (see :mod:`crawler.downloadermiddlewares.integrity`),
unless it is a 206 holding part of its page (``partial_of``): a range of the coded stream is
cut by its range, not lost, and is handed on as the part it is (``part_as_sent``).
"""

from __future__ import annotations

import logging
import random
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.misc import load_object
from twisted.internet import reactor
from twisted.internet.task import deferLater

from crawler.downloadermiddlewares.integrity import part_as_sent, truncated_encoding
from crawler.failures import exception_reason, status_reason
from crawler.items import partial_of
from crawler.resolver import looked_up, private_answer

logger = logging.getLogger(__name__)
BLOCKED_STATUSES = frozenset({403, 429})
RETRY_AFTER_LIMIT = 86400.0 * 365  # a year: more is no plan, and floats stay small
_DELTA_SECONDS = re.compile(r"(-)?([0-9]+)")  # ASCII digits only, whatever the locale


def parse_retry_after(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or HTTP-date); None if unusable.

    Only ASCII digits count as delta-seconds (``str.isdigit`` also takes "²" or "５"); a
    negative number or a date in the past means "now" (0), anything larger than
    ``RETRY_AFTER_LIMIT`` is cut to it (callers cap it further), garbage is ignored (None).
    """
    if not value:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else str(value)).strip()
    number = _DELTA_SECONDS.fullmatch(text)
    if number:
        if number.group(1):
            return 0.0
        digits = number.group(2).lstrip("0") or "0"
        return RETRY_AFTER_LIMIT if len(digits) > 9 else min(float(digits), RETRY_AFTER_LIMIT)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    seconds = (moment - (now or datetime.now(UTC))).total_seconds()
    return min(max(0.0, seconds), RETRY_AFTER_LIMIT)


def backoff_delay(attempt: int, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Delay before retry number ``attempt`` (1-based): full jitter in [base*2^(n-1)/2, base*2^(n-1)]."""
    ceiling = min(cap, base * 2 ** (attempt - 1))
    return (rng or random).uniform(ceiling / 2, ceiling)


async def sleep(seconds: float) -> None:
    """Wait without blocking the reactor (works with or without the asyncio reactor)."""
    if seconds > 0:
        await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))


class BackoffRetryMiddleware:
    """Retry RETRY_HTTP_CODES responses, RETRY_EXCEPTIONS and truncated bodies, with backoff.

    Stats: ``retry/count``, ``retry/reason_count/<reason>``, ``retry/gave_up/<reason>``,
    ``blocked/<status>`` (every 403/429 received). Giving up is logged at WARNING with the URL;
    the last response or exception then goes on as Scrapy's would (never as an item).
    """

    def __init__(self, crawler: Any) -> None:
        settings = crawler.settings
        if not settings.getbool("RETRY_ENABLED"):
            raise NotConfigured
        self.crawler = crawler
        self.stats = crawler.stats
        self.max_retries = settings.getint("RETRY_TIMES")
        self.codes = {int(c) for c in settings.getlist("RETRY_HTTP_CODES")}
        self.exceptions = tuple(load_object(e) if isinstance(e, str) else e
                                for e in settings.getlist("RETRY_EXCEPTIONS"))
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 2.0)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)
        self.after_cap = settings.getfloat("RETRY_AFTER_MAX", 120.0)
        self.priority_adjust = settings.getint("RETRY_PRIORITY_ADJUST")
        self.max_size = settings.getint("DOWNLOAD_MAXSIZE")

    @classmethod
    def from_crawler(cls, crawler: Any) -> BackoffRetryMiddleware:
        return cls(crawler)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status in BLOCKED_STATUSES:
            self.stats.inc_value(f"blocked/{response.status}")
        if request.meta.get("dont_retry"):
            return response
        if response.status in self.codes:
            wait = parse_retry_after(response.headers.get("Retry-After"))
            if wait is not None:
                wait = min(wait, self.after_cap)
            retry = await self._retry(request, status_reason(response.status),
                                      f"HTTP {response.status}", wait)
            return retry or response
        if partial_of(response) is not None:
            return part_as_sent(response, request.meta.get("download_maxsize", self.max_size))
        coding = truncated_encoding(response, request.meta.get("download_maxsize", self.max_size))
        if coding:
            self.stats.inc_value("download/truncated_encoding")
            retry = await self._retry(request, "data_loss", f"truncated {coding} body")
            if retry:
                return retry
            raise TruncatedBodyError(f"{coding} stream of {response.url} is cut short")
        return response

    async def process_exception(self, request: Request, exception: Exception) -> Request | None:
        if request.meta.get("dont_retry") or not isinstance(exception, self.exceptions) \
                or private_answer(exception, looked_up(request)) is not None:  # again
            return None
        reason = exception_reason(exception)
        return await self._retry(request, reason, reason)

    async def _wait(self, request: Request, seconds: float) -> None:
        """Sleep before a retry; a stop whose grace ran out ends the wait (the downloader
        then gives the request up: crawler.downloader.GracefulDownloader.pause)."""
        pause = getattr(getattr(self.crawler.engine, "downloader", None), "pause", None)
        await (pause(request, seconds) if pause is not None else sleep(seconds))

    async def _retry(self, request: Request, reason: str, label: str,
                     wait: float | None = None) -> Request | None:
        retries = request.meta.get("retry_times", 0)
        limit = request.meta.get("max_retry_times", self.max_retries)
        if retries >= limit:
            self.stats.inc_value(f"retry/gave_up/{reason}")
            self.stats.inc_value("retry/max_reached")
            logger.warning("Gave up on %s: %s after %d retries", request.url, label, retries)
            return None
        attempt = retries + 1
        if wait is None:
            wait = backoff_delay(attempt, self.base, self.cap)
        self.stats.inc_value("retry/count")
        self.stats.inc_value(f"retry/reason_count/{reason}")
        logger.info("Retrying %s in %.1f s (%s, retry %d of %d)", request.url, wait, label,
                    attempt, limit)
        await self._wait(request, wait)
        retry = request.copy()
        retry.meta["retry_times"] = attempt
        retry.dont_filter = True
        retry.priority = request.priority + self.priority_adjust
        return retry


class TruncatedBodyError(Exception):
    """A compressed body whose stream ends before its end marker (and retries are spent)."""
