"""One log line, not two tracebacks, for a request the network failed.

Scrapy logs a failed download that no errback handles (a feed, a sitemap, a listing, a
robots.txt) at ERROR with the whole chained traceback: about 35 lines for a DNS failure, two
tracebacks when robots.txt failed first, and the scraper's line does not even say why. An
offline run's log was mostly tracebacks. A timeout, a refused or lost connection, a failed DNS
lookup, a body cut short: these are the network's answers, not defects of the crawler, so their
records keep their level (they still count as errors in the run's health) and lose the
traceback; the line gains the reason code and the exception's own words. Any other exception
keeps its traceback: that one may be a bug.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals

from crawler.failures import describe, network_reason

# Scrapy's loggers that report a download failure with its traceback.
ROBOTS_LOGGER = "scrapy.downloadermiddlewares.robotstxt"
LOGGERS = ("scrapy.core.scraper", ROBOTS_LOGGER)


class NetworkFailureLine(logging.Filter):
    """Rewrites a record whose exception is a network failure as one line with its reason."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        # a network failure, or one wrapping it: not an exception raised while handling one
        reason = network_reason(exc, context=False) if exc is not None else None
        if reason is None:
            return True
        message, words = record.getMessage(), describe(exc)
        request = record.args.get("request") if isinstance(record.args, dict) else None
        if record.name == ROBOTS_LOGGER and request is not None:
            # Scrapy names the request that waited for the host's robots.txt
            message = f"robots.txt not fetched (asked for {request})"
        if words not in message:
            message = f"{message}: {words}"
        record.msg = f"{message} [{reason}]"
        record.args, record.exc_info, record.exc_text = None, None, None
        return True


class NetworkErrorLines:
    """Puts :class:`NetworkFailureLine` on Scrapy's download-error loggers while the engine
    runs (nothing is downloaded before it starts; a crawl that fails to start leaves no
    filter behind on the process's loggers)."""

    def __init__(self) -> None:
        self.filter = NetworkFailureLine()

    @classmethod
    def from_crawler(cls, crawler: Any) -> NetworkErrorLines:
        ext = cls()
        crawler.signals.connect(ext.engine_started, signal=signals.engine_started)
        crawler.signals.connect(ext.engine_stopped, signal=signals.engine_stopped)
        return ext

    def engine_started(self) -> None:
        for name in LOGGERS:
            logging.getLogger(name).addFilter(self.filter)

    def engine_stopped(self) -> None:
        for name in LOGGERS:
            logging.getLogger(name).removeFilter(self.filter)
