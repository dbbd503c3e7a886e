"""Item pipelines: extraction (off the reactor), date window, schema validation."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from typing import Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from crawler.extraction import ExtractionError, extract_article
from crawler.extraction.dates import day_in_window, parse_iso
from crawler.incremental import attach_fingerprint
from crawler.items import Article, ArticlePage
from crawler.schema import schema_errors

logger = logging.getLogger(__name__)


def _warm_worker() -> None:
    """Import the extraction stack once per worker, not on its first page."""
    import crawler.extraction  # noqa: F401
    import crawler.incremental  # noqa: F401


def extract_for_crawl(page: ArticlePage) -> Article:
    """Extraction-worker entry point: the article with its text fingerprint attached."""
    return attach_fingerprint(extract_article(page))


def make_extraction_pool(workers: int) -> Executor:
    # spawn: a forked copy of a running reactor (threads, sockets) is not safe to use.
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_warm_worker)


class ExtractionPipeline:
    """Turn ArticlePage into Article in worker processes so downloads never wait on parsing.

    A page that yields no article is dropped with its URL and reason and counted under
    ``extraction/failed/<reason>``.
    """

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        workers = crawler.settings.get("EXTRACTION_WORKERS")
        self.workers = (os.cpu_count() or 1) if workers in (None, "") else int(workers)
        self.timeout = crawler.settings.getfloat("EXTRACTION_TIMEOUT", 120)
        self.pool: Executor | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> ExtractionPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        if self.workers > 0:
            self.pool = make_extraction_pool(self.workers)

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    async def _extract(self, page: ArticlePage) -> Article:
        if self.pool is None:
            return extract_for_crawl(page)
        loop = asyncio.get_running_loop()
        try:
            future = loop.run_in_executor(self.pool, extract_for_crawl, page)
            return await asyncio.wait_for(future, self.timeout)
        except BrokenProcessPool:
            # A worker died (killed, out of memory): replace the pool, fail only this page.
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = make_extraction_pool(self.workers)
            raise ExtractionError("worker_died", page.url) from None
        except TimeoutError:
            raise ExtractionError("timeout", f"{page.url} took over {self.timeout:.0f} s") from None

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticlePage):
            return item
        try:
            article = await self._extract(item)
        except ExtractionError as exc:
            self.stats.inc_value(f"extraction/failed/{exc.reason}")
            raise DropItem(f"no article from {item.url}: {exc}") from None
        except Exception as exc:  # a bug must cost one page, not the crawl
            self.stats.inc_value("extraction/failed/error")
            logger.exception("Extraction crashed on %s", item.url)
            raise DropItem(f"extraction error on {item.url}: {exc!r}") from None
        self.stats.inc_value("extraction/ok")
        self.stats.inc_value(f"extraction/method/{article.extractor.get('method')}")
        return article


class DateWindowPipeline:
    """Drop articles published outside the spider's ``-a since/until`` window."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> DateWindowPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        spider = self.crawler.spider
        since: date | None = getattr(spider, "since", None)
        if not isinstance(item, Article) or since is None:
            return item
        until: date | None = getattr(spider, "until", None)
        published = parse_iso(item.published) if item.published else None
        if published is None:
            self.crawler.stats.inc_value("articles/undated_in_backfill")
            raise DropItem(f"{item.url} has no publication date to check against the window",
                           log_level="INFO")
        if not day_in_window(published.date(), since, until):
            self.crawler.stats.inc_value("articles/out_of_window")
            raise DropItem(f"{item.url} published {item.published}, outside the window",
                           log_level="DEBUG")
        return item


class ValidationPipeline:
    """Check each article against the JSON Schema analyzers rely on; drop and count the rest."""

    def __init__(self, crawler: Any) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> ValidationPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        data = ItemAdapter(item).asdict()
        errors = schema_errors(data)
        if errors:
            self.stats.inc_value("items/invalid")
            raise DropItem(f"invalid item {data.get('url')}: {'; '.join(errors)}")
        self.stats.inc_value("items/valid")
        return item
