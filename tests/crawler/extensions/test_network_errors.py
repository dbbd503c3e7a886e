"""Only the network's failures lose their traceback; anything else may be a bug and keeps it."""

from __future__ import annotations

import logging
import sys

from twisted.internet.error import DNSLookupError

from crawler.extensions.network_errors import ROBOTS_LOGGER, NetworkFailureLine


def record(name: str, exc: BaseException, msg: str = "Error downloading %(request)s",
           args: dict | None = None) -> logging.LogRecord:
    try:
        raise exc
    except BaseException:
        info = sys.exc_info()
    return logging.LogRecord(name, logging.ERROR, __file__, 1, msg,
                             (args or {"request": "<GET http://ex.org/rss>"},), info)


def test_a_wrapped_dns_failure_becomes_one_line_with_its_reason() -> None:
    try:
        try:
            raise DNSLookupError("no results for hostname lookup: ex.org")
        except DNSLookupError as inner:
            raise RuntimeError("download failed") from inner
    except RuntimeError as outer:
        rec = record("scrapy.core.scraper", outer)
    assert NetworkFailureLine().filter(rec)
    assert rec.exc_info is None and rec.exc_text is None
    assert rec.getMessage() == "Error downloading <GET http://ex.org/rss>: download failed [dns]"


def test_a_robots_failure_says_robots_txt_and_the_request_it_held() -> None:
    rec = record(ROBOTS_LOGGER, DNSLookupError("no results for hostname lookup: ex.org"),
                 "Error downloading %(request)s: %(f_exception)s",
                 {"request": "<GET http://ex.org/rss>", "f_exception": "DNS lookup failed"})
    NetworkFailureLine().filter(rec)
    assert rec.getMessage() == ("robots.txt not fetched (asked for <GET http://ex.org/rss>): "
                                "DNS lookup failed: no results for hostname lookup: ex.org. [dns]")


def test_any_other_exception_keeps_its_traceback() -> None:
    rec = record("scrapy.core.scraper", KeyError("outlet_key"))
    assert NetworkFailureLine().filter(rec)
    assert rec.exc_info is not None and rec.getMessage() == (
        "Error downloading <GET http://ex.org/rss>")


def test_a_bug_raised_while_handling_a_network_failure_keeps_its_traceback() -> None:
    """A KeyError raised inside an ``except TimeoutError:`` (an errback's own bug) has the
    network failure only as its context, not as its cause: it is no network answer."""
    try:
        try:
            raise DNSLookupError("no results for hostname lookup: ex.org")
        except DNSLookupError:
            {}["outlet_key"]  # noqa: B018 - the bug under test
    except KeyError as bug:
        rec = record("scrapy.core.scraper", bug, "Spider error processing %(request)s")
    assert NetworkFailureLine().filter(rec)
    assert rec.exc_info is not None and rec.getMessage() == (
        "Spider error processing <GET http://ex.org/rss>")
