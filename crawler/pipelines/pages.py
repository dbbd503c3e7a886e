"""Articles split over several pages: the later pages fetched and joined to the first's item.

An article page that names its next page (``rel="next"`` to its own URL with a page parameter
or segment: ``?page=2``, ``?PAGEN_1=2``, ``/2/``, ``/page/2/``; crawler.extraction.pages) is
not an item alone: its next pages are downloaded through the downloader middlewares (so each
is archived in the WARC, or answered from it in a replay) and extracted by the extraction
workers, and the one item holds their bodies in order. A later page that fails ends the
joining there: the item keeps the pages read, the page is logged with its URL and reason
and counted; the item is never lost for it. Such an item is marked cut short
(:func:`join_incomplete`) unless the joining ended by the site's own pager (the
``ARTICLE_MAX_PAGES`` cap, a page looping back or repeating one read): the incremental
pipeline exports it only as an article never exported, never as a new version of a known one.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import scrapy

from crawler.extraction import ExtractionError, next_page_of
from crawler.extraction.worker import PageJoin
from crawler.failures import describe, exception_reason, status_reason
from crawler.items import Article, ArticlePage
from crawler.urls import joined

logger = logging.getLogger(__name__)

DEFAULT_MAX_PAGES = 20  # the ARTICLE_MAX_PAGES setting's default
META_PAGE_OF = "article_page_of"  # a later page's request: the URL of its article's first page
MAX_REDIRECTS = 5  # redirects of one later page followed
REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Reasons a joining stops that the site serves the same on every fetch: the text read is all
# this crawl will ever join, not a text cut short by a failure (a timeout, an HTTP 503, a
# shutdown, an error page with another headline, an extraction that failed).
PAGER_ENDS = frozenset({"max_pages", "loop", "repeated_page"})
JOIN_STOPPED_ATTR = "_join_stopped"  # the reason a failure cut the joining short


class PageFailed(Exception):
    """A later page that was not joined; ``reason`` is its stats code."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail = reason, detail


class PageJoiner:
    """Follows an article's ``rel="next"`` pages, at most ``ARTICLE_MAX_PAGES`` in all, never
    one twice (a pager pointing back, a redirect to a page read), joining each page's text."""

    def __init__(self, crawler: Any, extract: Callable[[PageJoin], Awaitable[Article]]) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.max_pages = crawler.settings.getint("ARTICLE_MAX_PAGES", DEFAULT_MAX_PAGES)
        self.extract = extract

    async def join(self, first: ArticlePage, article: Article) -> Article:
        """``article`` (of page ``first``) with the text of its later pages appended."""
        read = {_key(first.url)}
        while (url := next_page_of(article)) is not None:
            joined = len(article.extractor.get("page_urls") or [first.url])
            try:
                self.check(url, joined, read)
                article = await self.next_page(first, article, url, read)
            except PageFailed as exc:
                self.note_failed(first, url, joined, exc)
                if exc.reason not in PAGER_ENDS:
                    setattr(article, JOIN_STOPPED_ATTR, f"page {joined + 1} not joined "
                            f"({exc.reason}): {url}")
                break
            self.stats.inc_value("articles/pages_joined")
        if article.extractor.get("page_urls"):
            self.stats.inc_value("articles/joined")
        return article

    def check(self, url: str, joined: int, read: set[str]) -> None:
        """PageFailed when ``url`` is past the page cap or a page read already."""
        if joined >= self.max_pages:
            raise PageFailed("max_pages", f"ARTICLE_MAX_PAGES is {self.max_pages}")
        if _key(url) in read:
            raise PageFailed("loop", "a page of this article read already")

    async def next_page(self, first: ArticlePage, article: Article, url: str,
                        read: set[str]) -> Article:
        """The article with the page at ``url`` joined, or PageFailed with the reason."""
        read.add(_key(url))
        page = await self.fetch(url, first, read)
        try:
            return await self.extract(PageJoin(article, page, first.url))
        except ExtractionError as exc:
            raise PageFailed(exc.reason, exc.detail or str(exc)) from None
        except Exception as exc:  # a bug must cost this page, not the article
            logger.exception("Joining %s to %s crashed", url, first.url)
            raise PageFailed("error", repr(exc)) from None

    async def fetch(self, url: str, first: ArticlePage, read: set[str]) -> ArticlePage:
        """The page at ``url``, downloaded through every downloader middleware (WARC capture or
        replay, retries, robots.txt, politeness), or PageFailed. Its redirects are followed
        here, not by the middleware: one to a page read already (a pager sending back to
        page 1) is a loop, and is not fetched (nor archived) a second time."""
        for _ in range(MAX_REDIRECTS + 1):
            request = scrapy.Request(url, dont_filter=True,
                                     meta={META_PAGE_OF: first.url, "dont_redirect": True})
            try:
                response = await self.crawler.engine.download_async(request)
            except Exception as exc:
                raise PageFailed(exception_reason(exc), describe(exc)) from None
            self.stats.inc_value("articles/later_pages_downloaded")
            if (target := _redirect_target(response)) is None:
                break
            if _key(target) in read:
                raise PageFailed("loop", f"redirected to {target}, a page read already")
            read.add(_key(target))
            url = target
        else:
            raise PageFailed("redirect_loop", f"more than {MAX_REDIRECTS} redirects")
        if response.status != 200:
            raise PageFailed(status_reason(response.status), f"answered HTTP {response.status}")
        return ArticlePage.from_response(response, first.outlet)

    def note_failed(self, first: ArticlePage, url: str, joined: int, exc: PageFailed) -> None:
        """A later page not joined: counted by reason and warned with its URL."""
        self.stats.inc_value(f"articles/page_not_joined/{exc.reason}")
        logger.warning("Page %d of the article %s not joined (%s): %s: %s; its item holds the "
                       "%d page(s) before it", joined + 1, first.url, exc.reason, url, exc.detail,
                       joined)


def join_incomplete(article: Any) -> str | None:
    """Why the text of ``article`` is cut short (a later page failed: say which), or None when
    it holds every page its pager led to. Such a text must not replace a version exported."""
    return getattr(article, JOIN_STOPPED_ATTR, None)


def _redirect_target(response: Any) -> str | None:
    """Where a 3xx answer sends (absolute); None for any other answer. PageFailed when its
    Location is no URL."""
    if response.status not in REDIRECTS or not (location := response.headers.get("Location")):
        return None
    target = joined(response.url, location.decode("latin-1"))
    if target is None:
        raise PageFailed("redirect_bad_location", f"Location {location[:200]!r} is not a URL")
    return target


def _key(url: str) -> str:
    """A page's identity for the loop guard: the URL without its fragment."""
    return urlsplit(url)._replace(fragment="").geturl()
