"""Redirects that never end at a page are fetch failures, logged with their URL and counted.

Scrapy follows a redirect by scheduling a new request. In a loop (A → B → A) the duplicate
filter drops the second A without a word; a chain past ``REDIRECT_MAX_TIMES`` ends in an
``IgnoreRequest``, which Scrapy does not log unless the request has an errback. Either way
the page is lost silently. Here both raise a :class:`~crawler.failures.RedirectFailure` that
names the whole chain and is counted with the download exceptions of the run report
(``downloader/exception_type_count/…``). An article's errback logs and counts it
(``articles/failed/redirect_loop``); for a request without errback (feeds, listings) it is
logged here, at WARNING with URL and reason, as no traceback is needed for it. Each 3xx
response has already been archived by the capture middleware (950) when it gets here; its
record is kept in the redirected request's meta (``META_REDIRECT_RECORDS``, one per hop of
``redirect_urls``), so a page that now redirects can point at the answer that said so.

A page that sends back to itself while setting a cookie is no loop but a cookie check (an
anti-bot interstitial, by 3xx or meta refresh): the page is asked again once, with the
cookies it set in a ``Cookie`` header of that request alone (``COOKIES_ENABLED`` stays off:
no jar, no state between requests), counted in ``redirect/cookie_check``; a second time it
is a loop.

An article's redirect to a page that is no article of its outlet is never dropped as a
duplicate request: several removed articles sent to one page (the home page, which the run
may have fetched already) are each observed. A move to another article is filtered as usual,
but for a canonical's move back to the alias that named it: that page is then the article.
Nor is a feed's, listing's or sitemap's: one sent to the home page reaches its callback,
which says what it got instead (an HTML page in place of a feed).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.http import HtmlResponse, Request, Response, TextResponse
from scrapy.settings import BaseSettings
from scrapy.utils.python import global_object_name
from scrapy.utils.response import _baseurl_cache, get_base_url, get_meta_refresh
from w3lib.html import get_meta_refresh as get_tag_refresh
from w3lib.url import canonicalize_url, safe_url_string

from crawler.failures import (
    BadLocationError,
    RedirectFailure,
    RedirectLoopError,
    TooManyRedirectsError,
    describe,
    exception_reason,
)
from crawler.items import CANONICAL_OF, META_REDIRECT_RECORDS, META_WARC_RECORD, SOURCE_KINDS
from crawler.removals import asked_article, left_article

logger = logging.getLogger(__name__)
COOKIE_CHECK = "cookie_check"  # meta: the cookies this hop's answer set ("name=value" each)


class CountedRedirectsMixin:
    """``_redirect`` of Scrapy's redirect middlewares, failing loudly on loops and long chains."""

    crawler: Any
    max_redirect_times: int

    def _redirect(self, redirected: Request, request: Request, reason: Any) -> Request:
        chain = [*request.meta.get("redirect_urls", []), request.url]
        target = canonicalize_url(redirected.url)
        if any(canonicalize_url(url) == target for url in chain):
            if not self._cookie_check(redirected, request):
                raise self._failed(request, RedirectLoopError(chain + [redirected.url]))
            request.dont_filter = True  # (Scrapy's _redirect copies it to the next request)
        ttl = request.meta.get("redirect_ttl", self.max_redirect_times)
        if not ttl or request.meta.get("redirect_times", 0) + 1 > self.max_redirect_times:
            raise self._failed(request, TooManyRedirectsError(chain + [redirected.url],
                                                              self.max_redirect_times))
        followed = super()._redirect(redirected, request, reason)  # type: ignore[misc]
        if followed is not None:
            if request.meta.get("article") and self._leaves_article(request, followed.url):
                # where a removed article went is evidence, even when the run fetched that
                # page already: several removed articles sent to the home page
                followed.dont_filter = True
            if (alias := request.meta.get(CANONICAL_OF)) and canonicalize_url(alias) == target:
                # a canonical sent back to its alias (``/slug`` to ``/slug/``), which the run
                # fetched already: that page is the article, read again as such
                followed.dont_filter = True
            if getattr(request.callback, "__name__", "") in SOURCE_KINDS:
                # a feed (listing, sitemap) sent to a page the run fetched already (the home
                # page) was dropped as a duplicate, unsaid: its callback judges what it got
                followed.dont_filter = True
            followed.meta[META_REDIRECT_RECORDS] = [
                *request.meta.get(META_REDIRECT_RECORDS, []), request.meta.get(META_WARC_RECORD)]
        return followed

    def _leaves_article(self, request: Request, target: str) -> bool:
        """Whether an article's redirect leads to a page that is no article of its outlet."""
        outlet, url = asked_article(request, request.url)
        return outlet is not None and left_article(self.crawler.spider, outlet, url,
                                                   target) is not None

    def _build_redirect_request(self, source_request: Request, response: Response, *,
                                url: str, **kwargs: Any) -> Request:
        redirected = super()._build_redirect_request(  # type: ignore[misc]
            source_request, response, url=url, **kwargs)
        redirected.meta[COOKIE_CHECK] = [
            pair for header in response.headers.getlist("Set-Cookie")
            if "=" in (pair := header.decode("latin-1").split(";", 1)[0].strip())]
        return redirected

    def _cookie_check(self, redirected: Request, request: Request) -> bool:
        """Whether a hop back to an earlier URL is a cookie check, followed once with the
        cookies its answer set: it set some and no hop of the chain was one yet. (The URL was
        asked before: the duplicate filter must let it by.)"""
        cookies = redirected.meta.get(COOKIE_CHECK)
        if not cookies or request.meta.get("cookie_checked"):
            return False
        redirected.meta["cookie_checked"] = True
        redirected.headers["Cookie"] = "; ".join(cookies)
        self.crawler.stats.inc_value("redirect/cookie_check")
        logger.info("%s set a cookie and sent back to %s: asked again with it", request.url,
                    redirected.url)
        return True

    def process_response(self, request: Request, response: Response,
                         spider: Any = None) -> Request | Response:
        """Scrapy's, but a target that is no URL (``Location: http://[::1``, a port past
        65535) is a :class:`~crawler.failures.BadLocationError`, failed, logged and counted
        as a loop is (Scrapy's middleware failed on it with a ValueError and a traceback)."""
        try:
            return super().process_response(request, response)  # type: ignore[misc]
        except ValueError as exc:
            if (bad := self.bad_target(request, response)) is None:
                raise  # not the target's fault: a bug, with its traceback
            raise self._failed(request, BadLocationError(request.url, *bad)) from exc

    def bad_target(self, request: Request, response: Response) -> tuple[str, str] | None:
        """The target ``response`` redirects to and why it is no URL; None if it is one."""
        raise NotImplementedError

    def _failed(self, request: Request, exc: RedirectFailure) -> RedirectFailure:
        stats = self.crawler.stats
        stats.inc_value("downloader/exception_count")
        stats.inc_value(f"downloader/exception_type_count/{global_object_name(type(exc))}")
        if request.errback is None:
            reason = exception_reason(exc)
            stats.inc_value(f"pages/failed/{reason}")
            logger.warning("Page not fetched (%s): %s: %s", reason, request.url, describe(exc))
        return exc


class CountedRedirectMiddleware(CountedRedirectsMixin, RedirectMiddleware):
    """Scrapy's RedirectMiddleware (3xx + Location)."""

    def bad_target(self, request: Request, response: Response) -> tuple[str, str] | None:
        location = response.headers.get("Location") or b""
        why = url_error(request.url, location)
        return None if why is None else (location.decode("latin-1"), why)


class CountedMetaRefreshMiddleware(CountedRedirectsMixin, MetaRefreshMiddleware):
    """Scrapy's MetaRefreshMiddleware (``<meta http-equiv="refresh">``)."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.ignore_tags: list[str] = settings.getlist("METAREFRESH_IGNORE_TAGS")
        self.bad_bases_said: set[str] = set()  # hosts a base href of no URL was warned of

    def process_response(self, request: Request, response: Response,
                         spider: Any = None) -> Request | Response:
        # the pages Scrapy's middleware reads (not a HEAD's, nor one asked not to be
        # redirected: a paged article's later page): their text is decoded for it anyway
        if (isinstance(response, HtmlResponse) and request.method != "HEAD"
                and not request.meta.get("dont_redirect", False)):
            self.read_base(response)
        return super().process_response(request, response, spider)

    def read_base(self, response: HtmlResponse) -> None:
        """A page whose ``<base href>`` is no URL (``http://[news/``, a port past 65535) has
        its own address for base in Scrapy's reading of it (``get_base_url``: its refresh,
        its selectors), as a browser ignores such a base and as the extraction reads it
        (``crawler.extraction.html.document_base``); counted, said once a host. Scrapy's
        reading raised urlsplit's ValueError here, before any refresh was looked for, and
        the page was lost (``value_error``): a site whose template had it gave nothing."""
        try:
            get_base_url(response)
        except ValueError as exc:
            _baseurl_cache[response] = safe_url_string(response.url)
            self.crawler.stats.inc_value("pages/base_href_no_url")
            host = urlsplit(response.url).netloc
            log = logger.debug if host in self.bad_bases_said else logger.warning
            self.bad_bases_said.add(host)
            log("%s: its <base href> is no URL (%s): its links and refresh are read against "
                "its own address (counted in pages/base_href_no_url)", response.url, exc)

    def bad_target(self, request: Request, response: Response) -> tuple[str, str] | None:
        """The refresh Scrapy followed, read by Scrapy's own public reader with the tags it
        ignores (``METAREFRESH_IGNORE_TAGS``); w3lib raises the ValueError when its target
        is no URL."""
        if not isinstance(response, HtmlResponse):
            return None
        try:
            _, url = get_meta_refresh(response, ignore_tags=self.ignore_tags)
        except ValueError as exc:
            return self._named_target(response), str(exc)
        why = None if url is None else url_error(request.url, url)
        return None if why is None else (url, why)

    def _named_target(self, response: TextResponse) -> str:
        """The target of the first refresh tag outside the ignored tags that is no URL, to
        name it in the log; a tag only the text scan sees (one in a script's string) is
        named by what it is."""
        outside = " or ".join(f"self::{tag}" for tag in self.ignore_tags if tag.isalnum())
        tags = response.xpath(f"//meta[not(ancestor::*[{outside}])]" if outside else "//meta")
        for tag in tags:
            try:
                get_tag_refresh(tag.get(), ignore_tags=())
            except ValueError:
                return (tag.attrib.get("content") or "").partition("=")[2].strip(" \"'")
        return "<meta http-equiv=refresh>"


def url_error(url: str, target: str | bytes) -> str | None:
    """Why ``target``, read against ``url`` as Scrapy does, is no URL; None if it is one."""
    try:
        urlsplit(urljoin(url, safe_url_string(target))).port  # noqa: B018 (a port > 65535)
    except ValueError as exc:
        return str(exc)
    return None
