"""Spiders with a defect, loaded with ``-s SPIDER_MODULES=tests.support.broken_spiders``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from crawler.settings import ITEM_PIPELINES
from crawler.spiders.belta import BeltaSpider
from crawler.spiders.site import SiteSpider


class BrokenStartSpider(BeltaSpider):
    """БЕЛТА whose start requests fail after the first one (a bug in discovery code)."""

    name = "broken_start"

    async def start(self) -> AsyncIterator[Any]:
        async for request in super().start():
            yield request
            raise RuntimeError("a bug in the start requests")


class BrokenFeedSpider(BeltaSpider):
    """БЕЛТА whose feed callback raises on its page (input no code foresaw): the feed's
    articles are never asked for, and nothing but a traceback in the log said so."""

    name = "broken_feed"

    def parse_feed(self, response: Any, outlet_key: str) -> Any:
        raise OverflowError("date value out of range")


class BrokenArchiveSiteSpider(SiteSpider):
    """The site spider whose day-archive reader raises on one day's page (input no code
    foresaw): when that day was a trial day of the walk, the trial never completed and the
    other days were never asked, without a word."""

    name = "broken_archive_site"
    broken_day = "2026-01-10"

    def on_archive(self, response: Any, state: Any, day: str, page: int,
                   **kwargs: Any) -> Any:
        if day == self.broken_day:
            raise KeyError("a bug reading a day page")
        return super().on_archive(response, state, day, page, **kwargs)


class BrokenPipeline:
    """An item pipeline that fails to build (a component's bug)."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> BrokenPipeline:
        raise RuntimeError(f"a bug in a pipeline of {crawler.spidercls.name}")


class BrokenPipelineSpider(BeltaSpider):
    """БЕЛТА with a pipeline that fails to build: its crawl crashes after its extensions
    (the run lock among them) were built, and its spider never opens."""

    name = "broken_pipeline"
    custom_settings = {"ITEM_PIPELINES": {**ITEM_PIPELINES,
                                          "tests.support.broken_spiders.BrokenPipeline": 1}}
