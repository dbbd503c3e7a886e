"""Articles split over several pages: the later pages fetched and joined to the first's item.

An article page that names its next page (``rel="next"`` to its own URL with a page parameter
or segment: ``?page=2``, ``?PAGEN_1=2``, ``/2/``, ``/page/2/``; crawler.extraction.pages; else
the article's own numbered pager, crawler.extraction.pager) is
not an item alone: its next pages are downloaded through the downloader middlewares (so each
is archived in the WARC, or answered from it in a replay) and extracted by the extraction
workers, and the one item holds their bodies in order. A later page that fails ends the
joining there: the item keeps the pages read, the page is logged with its URL and reason
and counted; the item is never lost for it. Such an item is marked cut short
(:func:`join_incomplete`) unless the joining ended by the site's own pager (the
``ARTICLE_MAX_PAGES`` or ``ARTICLE_MAX_TEXT_CHARS`` cap, a page looping back or repeating one read): the incremental
pipeline exports it only as an article never exported, never as a new version of a known one.

The joining itself (order, cap, loop guard, redirects, failures) is crawler.joining's, which
re-extraction shares; only the download through the engine is here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import scrapy

from crawler.extraction.worker import Fingerprint, PageJoin
from crawler.failures import describe, exception_reason
from crawler.items import Article, ArticlePage
from crawler.joining import (
    DEFAULT_MAX_PAGES,
    DEFAULT_MAX_REDIRECTS,
    DEFAULT_MAX_TEXT_CHARS,
    JOIN_STOPPED_ATTR,
    PAGER_ENDS,
    Answer,
    Joiner,
    PageFailed,
    join_incomplete,
)

META_PAGE_OF = "article_page_of"  # a later page's request: the URL of its article's first page

__all__ = ["DEFAULT_MAX_PAGES", "JOIN_STOPPED_ATTR", "META_PAGE_OF", "PAGER_ENDS", "PageFailed",
           "PageJoiner", "join_incomplete"]


class PageJoiner(Joiner):
    """The joining of a live crawl or replay: each later page downloaded through every
    downloader middleware (WARC capture or replay, retries, robots.txt, politeness)."""

    def __init__(self, crawler: Any,
                 extract: Callable[[PageJoin | Fingerprint], Awaitable[Article]]) -> None:
        settings = crawler.settings
        super().__init__(settings.getint("ARTICLE_MAX_PAGES", DEFAULT_MAX_PAGES), extract,
                         crawler.stats.inc_value,
                         settings.getint("REDIRECT_MAX_TIMES", DEFAULT_MAX_REDIRECTS),
                         settings.getint("ARTICLE_MAX_TEXT_CHARS", DEFAULT_MAX_TEXT_CHARS))
        self.crawler = crawler
        self.stats = crawler.stats

    def on_this_runs_host(self, url: str) -> str:
        """``url`` at the base URL this run reads its outlet at (``OUTLET_BASE_URLS``: a
        mirror): a later page linked at the outlet's own address (its rel=next, its pager)
        was asked of that host, which the run cannot reach, and the article was cut short."""
        spider = getattr(self.crawler, "spider", None)
        outlet = spider.outlet_of(url) if hasattr(spider, "outlet_of") else None
        if outlet is None or not hasattr(spider, "base_url"):
            return url
        own, used = outlet.base_url.rstrip("/"), spider.base_url(outlet).rstrip("/")
        if own == used or not url.startswith(own + "/"):
            return url
        return used + url[len(own):]

    async def get(self, url: str, first: ArticlePage) -> Answer:
        """The engine's answer for ``url``; its redirects are left to :meth:`Joiner.fetch`, so
        one to a page read already is not fetched (nor archived) a second time."""
        request = scrapy.Request(self.on_this_runs_host(url), dont_filter=True,
                                 meta={META_PAGE_OF: first.url, "dont_redirect": True})
        try:
            response = await self.crawler.engine.download_async(request)
        except Exception as exc:
            raise PageFailed(exception_reason(exc), describe(exc)) from None
        return Answer(response.status, response.url, response.headers.get("Location"),
                      lambda: ArticlePage.from_response(response, first.outlet))
