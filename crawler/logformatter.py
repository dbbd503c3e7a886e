"""Log lines that name the URL and the reason, without dumping page bodies into the log."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import logformatter

from crawler.distributed.deferral import DEFERRED_LINE, deferred_error_log
from crawler.items import ArticlePage


class _NoTraceback(logging.Filter):
    """Scrapy's scraper logs every callback and item error with its traceback: one deferred
    on a Redis outage (:data:`DEFERRED_LINE`) is a WARNING line, its reason said in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg == DEFERRED_LINE:
            record.exc_info, record.exc_text = None, None
        return True


_NO_TRACEBACK = _NoTraceback()


class ArchiveLogFormatter(logformatter.LogFormatter):
    """Dropped items are logged by URL: an ArticlePage's repr would print the whole body.
    A callback's or item pipeline's error that a Redis outage defers
    (:mod:`crawler.distributed.deferral`: the request is fetched again, nothing lost) is one
    WARNING line with URL and reason, not Scrapy's ERROR and traceback: the run verdict
    counts ERROR lines, and a long outage that lost nothing raised its error alarm."""

    crawler: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> ArchiveLogFormatter:
        formatter = cls()
        formatter.crawler = crawler
        logging.getLogger("scrapy.core.scraper").addFilter(_NO_TRACEBACK)  # once: a set
        return formatter

    def dropped(self, item: Any, exception: BaseException, response: Any,
                spider: Any = None) -> logformatter.LogFormatterResult:
        result = super().dropped(item, exception, response, spider)
        if isinstance(item, ArticlePage):
            result["msg"] = "Dropped: %(exception)s"
            result["args"] = {"exception": exception}
        return result

    def spider_error(self, failure: Any, request: Any, response: Any,
                     spider: Any = None) -> logformatter.LogFormatterResult:
        deferred = deferred_error_log(self.crawler, request, failure.value, "spider callback")
        return deferred or super().spider_error(failure, request, response, spider)

    def item_error(self, item: Any, exception: BaseException, response: Any,
                   spider: Any = None) -> logformatter.LogFormatterResult:
        request = getattr(response, "request", None)  # a Failure (an errback's) carries it too
        deferred = deferred_error_log(self.crawler, request, exception, "item pipeline")
        return deferred or super().item_error(item, exception, response, spider)
