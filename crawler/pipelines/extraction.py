"""Item pipeline: article extraction, off the reactor in worker processes."""

from __future__ import annotations

import logging
import os
from typing import Any

from scrapy.exceptions import DropItem

from crawler.extensions.completeness import note_extracted
from crawler.extensions.rule_drift import note_article
from crawler.extraction import ExtractionError
from crawler.extraction.limits import MAX_TITLE_CHARS
from crawler.extraction.worker import Fingerprint, PageJoin, extract_for_crawl
from crawler.items import Article, ArticlePage
from crawler.pageoutcomes import count_no_article
from crawler.pipelines.pages import PageJoiner
from crawler.softremovals import SoftRemovalCheck
from crawler.workerpool import WorkerError, WorkerPool

logger = logging.getLogger(__name__)

# Sent with ``page`` (the ArticlePage) and ``result`` (its Article or ExtractionError) once a
# page is extracted: a spider learns what a page it requested turned out to be (the site
# spider, whether a canonical an alias named tells the alias's story).
page_extracted = object()


class ExtractionPipeline:
    """Turn ArticlePage into Article in worker processes so downloads never wait on parsing.

    A page that yields no article is dropped with its URL and reason and counted under
    ``extraction/failed/<reason>``; a page that is no article (gallery, tag page…) under
    ``pages/skipped/<kind>``, an anti-bot page under ``pages/blocked/<kind>`` (see
    crawler.pageoutcomes). An article split over pages gets its later pages joined
    (crawler.pipelines.pages). A known article's 2xx answer that is a removal in disguise (a
    soft 404, a parked domain: crawler.softremovals) is observed removed instead, whatever
    extraction made of it.
    """

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        workers = crawler.settings.get("EXTRACTION_WORKERS")
        self.workers = (os.cpu_count() or 1) if workers in (None, "") else int(workers)
        self.timeout = crawler.settings.getfloat("EXTRACTION_TIMEOUT", 120)
        self.pool: WorkerPool | None = None
        self.removals = SoftRemovalCheck(crawler)
        self.pages = PageJoiner(crawler, self._extract)

    @classmethod
    def from_crawler(cls, crawler: Any) -> ExtractionPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        if self.workers > 0:
            self.pool = WorkerPool("crawler.extraction.worker:extract_for_crawl", self.workers,
                                   timeout=self.timeout)

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.stats.set_value("extraction/worker_restarts", self.pool.restarts)

    async def _extract(self, page: ArticlePage | PageJoin | Fingerprint) -> Article:
        if self.pool is None:
            return extract_for_crawl(page)
        try:
            return await self.pool.submit(page)
        except WorkerError as exc:  # the worker died or overran: only this page is lost
            raise ExtractionError(exc.reason, exc.detail) from None

    def _note_title_cut(self, article: Article) -> None:
        """An over-long title the extraction cut (crawler.extraction.limits.MAX_TITLE_CHARS),
        counted and warned with its URL: the worker that cut it has no stats nor log here."""
        if had := article.extractor.get("cut", {}).get("title"):
            self.stats.inc_value("extraction/title_cut")
            logger.warning("%s: its title of %s characters cut to %d (at most %s): %r", article.url,
                           f"{had:,}", len(article.title), f"{MAX_TITLE_CHARS:,}",
                           article.title[:80])

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticlePage):
            return item
        try:
            article = await self._extract(item)
        except ExtractionError as exc:
            await self.removals.check(item, exc)  # DropItem when the page is a removal
            self._extracted(item, exc)
            level = count_no_article(self.stats, exc, item.url)
            raise DropItem(f"no article from {item.url}: {exc}", log_level=level) from None
        except Exception as exc:  # a bug must cost one page, not the crawl
            self._extracted(item, ExtractionError("error"))
            self.stats.inc_value("extraction/failed/error")
            logger.exception("Extraction crashed on %s", item.url)
            raise DropItem(f"extraction error on {item.url}: {exc!r}") from None
        await self.removals.check(item, article)
        self._note_title_cut(article)
        article = await self.pages.join(item, article)  # its later pages (rel="next")
        self.stats.inc_value("extraction/ok")
        self.stats.inc_value(f"extraction/method/{article.extractor.get('method')}")
        if embeds := article.extractor.get("embeds"):
            self.stats.inc_value("extraction/embeds_dropped", embeds)
        read = len(article.extractor.get("page_urls") or [item.url])
        if (pages := article.extractor.get("pages", 1)) > read:
            self.stats.inc_value("extraction/paged")
            logger.info("%s names %d pages: its item holds the text of %d", item.url, pages, read)
        note_article(self.crawler, article)
        self._extracted(item, article)
        return article

    def _extracted(self, page: ArticlePage, result: Article | ExtractionError) -> None:
        """The outcome of a page: to the completeness report and to ``page_extracted``."""
        note_extracted(self.crawler, page.url, result)
        self.crawler.signals.send_catch_log(page_extracted, page=page, result=result)
