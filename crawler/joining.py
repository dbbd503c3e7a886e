"""The joining of an article's later pages, one loop for live crawls and re-extraction.

A live crawl downloads each later page through the engine (crawler.pipelines.pages); a
re-extraction reads it from the WARCs it re-extracts (crawler.archive_join). Only that one step
differs (:meth:`Joiner.get`): the order, the ``ARTICLE_MAX_PAGES`` cap, the loop guard, the
redirect rules, the failure warnings and counts and the cut-short mark are this module's, so
both give the same item of the same pages. No Scrapy here: the re-extraction workers load it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

from w3lib.url import safe_url_string

from archive.httputil import PAGE_STATUSES
from crawler.extraction import ExtractionError, next_page_of
from crawler.extraction.text_fingerprint import FINGERPRINT_ATTR
from crawler.extraction.worker import MAX_JOINED_CHARS, Fingerprint, PageJoin
from crawler.items import Article, ArticlePage
from crawler.urls import joined

logger = logging.getLogger(__name__)

DEFAULT_MAX_PAGES = 20  # the ARTICLE_MAX_PAGES setting's default
DEFAULT_MAX_TEXT_CHARS = MAX_JOINED_CHARS  # the ARTICLE_MAX_TEXT_CHARS setting's default
DEFAULT_MAX_REDIRECTS = 5  # redirects of one later page followed: REDIRECT_MAX_TIMES's here
REDIRECTS = frozenset({301, 302, 303, 307, 308})
# A later page is read of PAGE_STATUSES (RFC 9110's reasons beside it): a 200, a 203 (a
# transforming proxy's 200, read as the first page answered so is), or a 206 (a server
# answering a GET with no Range so, a capture's only one): the page when its body is the whole
# page, else part of it, which its extraction refuses as ``partial_content`` naming its record
# (``ArticlePage.partial``). Another status (a 204, no content) fails the page as ``http_<n>``.
# Reasons a joining stops that the site serves the same on every fetch, or our caps on pages
# and text stop it at every time: the text read is all this crawl will ever join, not a text
# cut short by a failure (a timeout, an HTTP 503, a shutdown, an error page with another
# headline, an extraction that failed, a page missing from the archive re-extracted).
PAGER_ENDS = frozenset({"max_pages", "text_cap", "loop", "repeated_page"})
JOIN_STOPPED_ATTR = "_join_stopped"  # the reason a failure cut the joining short
T = TypeVar("T")


class PageFailed(Exception):
    """A later page that was not joined; ``reason`` is its stats code."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail = reason, detail


@dataclass
class Answer:
    """What one request for a later page got: its status, the URL it answers, where a redirect
    sends (its Location: the bytes sent, or the text a WARC reader decoded), and the page it
    makes (read only for a 200, 203 or 206: :data:`PAGE_STATUSES`)."""

    status: int
    url: str
    location: bytes | str | None
    page: Callable[[], ArticlePage]


class Joiner:
    """Follows an article's next pages (``rel="next"``, else its numbered pager: see
    crawler.extraction.pager), at most ``max_pages`` in all, never one
    twice (a pager pointing back, a redirect to a page read), joining each page's text.
    Subclasses say how a page is got (:meth:`get`); ``count`` takes each stats key to add 1 to.
    A page whose text would take the joined text past ``max_text_chars`` is not joined
    (``text_cap``): the item keeps the pages before it.
    """

    def __init__(self, max_pages: int,
                 extract: Callable[[PageJoin | Fingerprint], Awaitable[Article]],
                 count: Callable[[str], Any], max_redirects: int = DEFAULT_MAX_REDIRECTS,
                 max_text_chars: int = DEFAULT_MAX_TEXT_CHARS) -> None:
        self.max_pages, self.max_redirects = max_pages, max_redirects
        self.max_text_chars = max_text_chars
        self.extract = extract
        self.count = count

    async def get(self, url: str, first: ArticlePage) -> Answer:
        """One answer for ``url`` (no redirect followed), or PageFailed with the reason."""
        raise NotImplementedError

    async def join(self, first: ArticlePage, article: Article) -> Article:
        """``article`` (of page ``first``) with the text of its later pages appended."""
        read = {loop_key(first.url)}
        going = True
        while going:
            article, going = await self.join_next(first, article, read)
        return await self.with_fingerprint(self.joined(article))

    async def with_fingerprint(self, article: Article) -> Article:
        """``article`` with its text's fingerprint, made by the workers (which make none while
        a next page is named: crawler.extraction.worker.fingerprinted) when its joining
        stopped before a page; if that fails, the crawl process makes it when it is needed."""
        if hasattr(article, FINGERPRINT_ATTR):
            return article
        try:
            return await self.extract(Fingerprint(article))
        except Exception:  # noqa: BLE001 - a worker that died or overran: made later, here
            logger.warning("The fingerprint of %s's text could not be made by a worker",
                           article.url, exc_info=True)
            return article

    async def join_next(self, first: ArticlePage, article: Article,
                        read: set[str]) -> tuple[Article, bool]:
        """``article`` with its next page joined, and whether the joining goes on: one step of
        :meth:`join` (``read``: the pages' keys read so far), so a caller may run each page
        apart (re-extraction: each its own task and timeout). A page that fails is noted."""
        if (url := next_page_of(article)) is None:
            return article, False
        try:
            self.check(url, _count(first, article), read)
            article = await self.next_page(first, article, url, read)
        except PageFailed as exc:
            return self.stop(first, article, url, exc), False
        self.count("articles/pages_joined")
        return article, True

    def stop(self, first: ArticlePage, article: Article, url: str, exc: PageFailed) -> Article:
        """``article`` whose next page, ``url``, was not joined: counted, warned, and the
        article marked cut short unless the site's pager ended there."""
        count = _count(first, article)
        self.note_failed(first, url, count, exc)
        if exc.reason not in PAGER_ENDS:
            setattr(article, JOIN_STOPPED_ATTR, f"page {count + 1} not joined "
                    f"({exc.reason}): {url}")
        return article

    def joined(self, article: Article) -> Article:
        """The article whose joining ended, counted when it holds later pages."""
        if article.extractor.get("page_urls"):
            self.count("articles/joined")
        return article

    def check(self, url: str, count: int, read: set[str]) -> None:
        """PageFailed when ``url`` is past the page cap or a page read already."""
        if count >= self.max_pages:
            raise PageFailed("max_pages", f"ARTICLE_MAX_PAGES is {self.max_pages}")
        if loop_key(url) in read:
            raise PageFailed("loop", "a page of this article read already")

    async def next_page(self, first: ArticlePage, article: Article, url: str,
                        read: set[str]) -> Article:
        """The article with the page at ``url`` joined, or PageFailed with the reason."""
        read.add(loop_key(url))
        try:
            page = await self.fetch(url, first, read)
            return await self.extract(PageJoin(article, page, first.url, self.max_text_chars))
        except PageFailed:
            raise
        except ExtractionError as exc:
            raise PageFailed(exc.reason, exc.detail or str(exc)) from None
        except Exception as exc:  # a bug (or a page that cannot be built) costs this page
            logger.exception("Joining %s to %s crashed", url, first.url)
            raise PageFailed("error", repr(exc)) from None

    async def fetch(self, url: str, first: ArticlePage, read: set[str]) -> ArticlePage:
        """The page at ``url``, or PageFailed. Its redirects are followed here: one to a page
        read already (a pager sending back to page 1) is a loop, and is not got again."""
        for _ in range(self.max_redirects + 1):
            answer = await self.get(url, first)
            self.count("articles/later_pages_downloaded")
            if (target := redirect_target(answer)) is None:
                break
            if loop_key(target) in read:
                raise PageFailed("loop", f"redirected to {target}, a page read already")
            read.add(loop_key(target))
            url = target
        else:
            raise PageFailed("redirect_loop", f"more than {self.max_redirects} redirects "
                             "(REDIRECT_MAX_TIMES)")
        if answer.status not in PAGE_STATUSES:
            raise PageFailed(f"http_{answer.status}", f"answered HTTP {answer.status}")
        return answer.page()  # a 206 holding part of it: its extraction says partial_content

    def note_failed(self, first: ArticlePage, url: str, count: int, exc: PageFailed) -> None:
        """A later page not joined: counted by reason and warned with its URL."""
        self.count(f"articles/page_not_joined/{exc.reason}")
        logger.warning("Page %d of the article %s not joined (%s): %s: %s; its item holds the "
                       "%d page(s) before it", count + 1, first.url, exc.reason, url, exc.detail,
                       count)


def join_incomplete(article: Any) -> str | None:
    """Why the text of ``article`` is cut short (a later page failed: say which), or None when
    it holds every page its pager led to. Such a text must not replace a version exported."""
    return getattr(article, JOIN_STOPPED_ATTR, None)


def redirect_target(answer: Answer) -> str | None:
    """Where a 3xx answer sends (absolute), read as Scrapy's RedirectMiddleware reads it
    (``safe_url_string``: UTF-8 bytes percent-encoded as such); None for any other answer.
    PageFailed when its Location is no URL."""
    if answer.status not in REDIRECTS or not answer.location:
        return None
    try:
        target = joined(answer.url, safe_url_string(answer.location))
    except ValueError:
        target = None
    if target is None:
        raise PageFailed("redirect_bad_location",
                         f"Location {answer.location[:200]!r} is not a URL")
    return target


def run_now(coro: Coroutine[Any, Any, T]) -> T:
    """The result of a coroutine that never waits (its awaits all finish at once, as the
    joining over pages read from files does), without an event loop."""
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value
    coro.close()
    raise RuntimeError("the coroutine waited: it needs an event loop")


def _count(first: ArticlePage, article: Article) -> int:
    """The pages ``article`` holds."""
    return len(article.extractor.get("page_urls") or [first.url])


def loop_key(url: str) -> str:
    """A page's identity for the loop guard: the URL without its fragment."""
    return urlsplit(url)._replace(fragment="").geturl()
