"""robots.txt read by its status as RFC 9309 says, not only by its body.

Scrapy's robots middleware parses whatever body comes back: a robots.txt answering 500 (a
site's error page) or 503 (overload) parses as "allow everything", so a crawl ran at full
speed on a server that was failing. RFC 9309 §2.3.1: a 4xx (403, 404, 410) means there are
no rules, so everything is allowed; a 5xx means the server is unreachable and the crawler
must assume complete disallow (429 "Too Many Requests" is treated as one: the server asks
for less). A disallowed host's requests are then ignored with the reason logged once and
counted (``robotstxt/unavailable``, its answer kept for the run's alarm when it got no
article), for the run (a later run asks again).

A robots.txt over ``ROBOTSTXT_MAX_BYTES`` (512 KiB; RFC 9309 §2.5 asks crawlers to read at
least 500 KiB) is read to its last whole line within that: a 7 MB file of 300,000 rules took
Protego 8.5 s to parse, and every URL of the host 0.16 s to check. The cut is logged with
the URL and counted (``robotstxt/truncated``).

Replay (``WARC_REPLAY``) asks no server, so there is none to spare: a robots.txt archived as
a 5xx or 429 (wget, Browsertrix fetch the site anyway) is read as no rules, logged and
counted (``robotstxt/unavailable_archived``), and the archive's pages are replayed. Rules an
archived robots.txt gives are still obeyed, as the crawl that archived it obeyed them.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Request, Response

from crawler.pageoutcomes import note_error_answer

logger = logging.getLogger(__name__)

DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


def rules_for_status(status: int, body: bytes) -> bytes:
    """The robots.txt text a response of this status stands for (RFC 9309 §2.3.1)."""
    if status >= 500 or status == 429:
        return DISALLOW_ALL
    if 400 <= status < 500:
        return b""
    return body


def within_limit(body: bytes, limit: int) -> bytes:
    """``body`` cut to its last whole line within ``limit`` bytes (all of it when shorter)."""
    if len(body) <= limit:
        return body
    end = body.rfind(b"\n", 0, limit)
    return body[:end + 1] if end >= 0 else b""


class StatusRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots middleware, with 4xx read as no rules and 5xx as disallow all (in
    replay, as no rules: no server is asked)."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self._replay = bool(crawler.settings.get("WARC_REPLAY"))
        self._max_bytes = crawler.settings.getint("ROBOTSTXT_MAX_BYTES", 512 * 1024)

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> Any:
        rules = rules_for_status(response.status, response.body)
        if rules is DISALLOW_ALL and self._replay:
            rules = b""
            self._stats.inc_value("robotstxt/unavailable_archived")
            logger.warning("%s: robots.txt was archived as %d (a failing server): replay asks "
                           "no server, so it is read as no rules and %s is replayed",
                           response.url, response.status, netloc)
        elif rules is DISALLOW_ALL:
            self._stats.inc_value("robotstxt/unavailable")
            note_error_answer(self._stats, response.status, response.url)
            logger.warning("%s answered %d: the server is failing, so nothing on %s is "
                           "crawled in this run (RFC 9309: an unreachable robots.txt means "
                           "complete disallow)", response.url, response.status, netloc)
        if len(rules) > self._max_bytes:
            rules = within_limit(rules, self._max_bytes)
            self._stats.inc_value("robotstxt/truncated")
            logger.warning("%s: robots.txt of %d bytes is read to its first %d (ROBOTSTXT_MAX_BYTES)",
                           response.url, len(response.body), len(rules))
        if rules is not response.body:
            response = response.replace(body=rules)
        return await super()._parse_robots(response, netloc, request)
