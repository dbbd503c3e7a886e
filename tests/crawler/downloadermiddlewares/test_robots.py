"""robots.txt is read by its status as RFC 9309 says: 4xx no rules, 5xx disallow all."""

from __future__ import annotations

import pytest

from crawler.downloadermiddlewares.robots import DISALLOW_ALL, rules_for_status, within_limit

BODY = b"User-agent: *\nDisallow: /private/\n"


@pytest.mark.parametrize(("status", "expected"), [
    (200, BODY), (403, b""), (404, b""), (410, b""), (429, DISALLOW_ALL), (500, DISALLOW_ALL),
    (503, DISALLOW_ALL),
])
def test_rules_a_robots_txt_stands_for_by_its_status(status: int, expected: bytes) -> None:
    assert rules_for_status(status, BODY) == expected


def test_a_robots_txt_is_cut_at_its_last_whole_line_within_the_limit() -> None:
    body = b"User-agent: *\nDisallow: /a/\nDisallow: /b/\n"
    assert within_limit(body, len(body)) == body
    assert within_limit(body, len(body) - 1) == b"User-agent: *\nDisallow: /a/\n"
    assert within_limit(b"x" * 100, 10) == b""


def test_an_oversized_robots_txt_is_parsed_within_the_limit_said_and_counted(caplog) -> None:
    """300,000 rules took Protego seconds to parse, and every URL of the host long to check."""
    import asyncio

    from scrapy.http import Request, TextResponse
    from scrapy.utils.test import get_crawler
    from twisted.internet.defer import Deferred

    from crawler.downloadermiddlewares.robots import StatusRobotsTxtMiddleware

    crawler = get_crawler(settings_dict={"ROBOTSTXT_OBEY": True, "ROBOTSTXT_MAX_BYTES": 64})
    mw = StatusRobotsTxtMiddleware(crawler)
    mw._parsers["e.by"] = Deferred()  # as process_request leaves it while robots.txt is fetched
    body = b"User-agent: *\nDisallow: /first/\n" + b"Disallow: /late/\n" * 1000
    response = TextResponse("http://e.by/robots.txt", body=body)
    with caplog.at_level("WARNING"):
        asyncio.run(mw._parse_robots(response, "e.by", Request("http://e.by/")))
    parser = mw._parsers["e.by"]
    ua = crawler.settings["USER_AGENT"]
    assert not parser.allowed("http://e.by/first/x", ua)  # within the first 64 bytes
    assert not parser.allowed("http://e.by/late/x", ua)  # the first "late" rule is too
    assert parser.allowed("http://e.by/other/", ua)
    assert crawler.stats.get_value("robotstxt/truncated") == 1
    assert "http://e.by/robots.txt: robots.txt of 17032 bytes" in caplog.text
