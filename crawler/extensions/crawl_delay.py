"""Honour robots.txt ``Crawl-delay``, which Scrapy parses (Protego) but never applies.

When a host's robots.txt asks for more time between requests than its download slot waits,
the slot's delay is raised to it, and kept there: AutoThrottle lowers slot delays after fast
responses, so the floor is re-applied whenever a request or response passes the downloader.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request, signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

logger = logging.getLogger(__name__)


class RobotsCrawlDelay:
    """Raise a host's download-slot delay to its robots.txt Crawl-delay (capped, logged)."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.user_agent = settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT")
        self.cap = settings.getfloat("ROBOTSTXT_CRAWL_DELAY_MAX", 60.0)
        self.delays: dict[str, float] = {}  # slot key -> the gap robots.txt asks for

    @classmethod
    def from_crawler(cls, crawler: Any) -> RobotsCrawlDelay:
        if not crawler.settings.getbool("ROBOTSTXT_OBEY"):
            raise NotConfigured("ROBOTSTXT_OBEY is off")
        ext = cls(crawler)
        crawler.signals.connect(ext.robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(ext.request_reached, signal=signals.request_reached_downloader)
        crawler.signals.connect(ext.response_downloaded, signal=signals.response_downloaded)
        return ext

    @property
    def downloader(self) -> Any:
        return self.crawler.engine.downloader

    def robots_parsed(self, robotparser: Any, request: Request) -> None:
        try:
            asked = robotparser.crawl_delay(self.user_agent)
        except (AttributeError, TypeError, ValueError):
            return
        if not asked or asked <= 0:
            return
        key = self.downloader.get_slot_key(request)
        delay = min(float(asked), self.cap)
        if delay < asked:
            logger.warning("robots.txt of %s asks for Crawl-delay %s s; capped at %s s "
                           "(ROBOTSTXT_CRAWL_DELAY_MAX)", key, asked, delay)
        else:
            logger.info("robots.txt of %s asks for Crawl-delay %s s: applied", key, delay)
        self.delays[key] = delay
        self.crawler.stats.set_value(f"robotstxt/crawl_delay/{key}", delay)
        self.enforce(key)

    def request_reached(self, request: Request) -> None:
        self.enforce(request.meta.get("download_slot") or self.downloader.get_slot_key(request))

    def response_downloaded(self, response: Response, request: Request) -> None:
        self.request_reached(request)

    def enforce(self, key: str) -> None:
        delay = self.delays.get(key)
        slot = self.downloader.slots.get(key)
        if delay is None or slot is None:
            return
        if slot.jitter >= 1:  # a jitter this large can reach a zero gap: keep it within bounds
            slot.jitter = 0.5
        # With jitter j the shortest gap is delay * (1 - j); it must not fall below Crawl-delay.
        floor = delay / (1 - slot.jitter)
        if slot.delay < floor:
            slot.delay = floor
