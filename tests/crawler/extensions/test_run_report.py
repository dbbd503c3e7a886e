"""The run report's own signal handlers."""

from __future__ import annotations

from scrapy import Request
from scrapy.http import Response
from scrapy.utils.test import get_crawler
from twisted.internet.error import ConnectionRefusedError
from twisted.python.failure import Failure

from crawler.extensions.run_report import RunReport
from crawler.extensions.run_verdict import SPIDER_ERROR_URLS


def test_a_crash_is_named_by_its_page_whether_a_callback_or_an_errback_raised() -> None:
    """Scrapy hands an errback's download failure where a callback's response goes: the
    crash is named by the request's URL (the handler once raised on it, naming nothing)."""
    crawler = get_crawler()
    crawler.stats.open_spider()
    report = RunReport(crawler)
    page = Request("http://ex.org/a")
    report.spider_error(Failure(KeyError("bug")), Response(page.url, request=page), None)
    download = Failure(ConnectionRefusedError())
    download.request = Request("http://ex.org/b")
    report.spider_error(Failure(KeyError("bug")), download, None)
    assert crawler.stats.get_value(SPIDER_ERROR_URLS) == [
        "http://ex.org/a: KeyError('bug')", "http://ex.org/b: KeyError('bug')"]
