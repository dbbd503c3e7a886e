"""A JobScheduler opened and closed as a crawl's session does, without a crawl: for the
tests of what a session keeps in, and reads back from, its JOBDIR frontier."""

from __future__ import annotations

from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.utils.test import get_crawler

from crawler.state.jobdir import JobScheduler


def open_scheduler(settings: dict[str, Any],
                   spider: Spider | None = None) -> tuple[Crawler, JobScheduler]:
    """A crawler with ``settings`` and its JobScheduler, opened for ``spider`` (БЕЛТА)."""
    crawler = get_crawler(Spider, settings)
    crawler.stats.open_spider()
    crawler.engine = crawler._create_engine()  # the scheduler's memory queue asks for it
    scheduler = JobScheduler.from_crawler(crawler)
    scheduler.open(spider or Spider("belta"))
    return crawler, scheduler


def end_session(scheduler: JobScheduler, queue: int, reason: str) -> None:
    """Queue ``queue`` requests and close for ``reason``; a finished session first drains
    its frontier (each request leased, then let go), as a crawl that did all its work."""
    for n in range(queue):
        scheduler.enqueue_request(Request(f"https://www.belta.by/{n}"))
    if reason == "finished":
        while scheduler.next_request() is not None:
            pass
        scheduler.leases.clear()
    scheduler.close(reason)
