"""The shared spider: date windows, feeds, article requests and hand-off to extraction."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.exceptions import UsageError
from scrapy.http import Response

from crawler.extraction.dates import day_in_window, iso
from crawler.extraction.html import parse_html, remove_nodes, select_nodes
from crawler.failures import describe, exception_reason
from crawler.feeds import feed_entries
from crawler.items import ArticlePage, capture_stamp
from crawler.outlets import get_outlet
from crawler.outlets.base import Outlet
from crawler.urls import canonical_url, is_article_url, path_and_query


def parse_day(value: str | None, name: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"-a {name}={value!r}: expected a date as YYYY-MM-DD") from None


def parse_window(since: str | None, until: str | None) -> tuple[date | None, date | None]:
    first, last = parse_day(since, "since"), parse_day(until, "until")
    if first and last and first > last:
        raise UsageError(f"-a since={first} is after -a until={last}")
    if last and not first:
        raise UsageError("-a until needs -a since (the first day of the window)")
    return first, last


class OutletSpider(scrapy.Spider):
    """Base for every outlet spider.

    ``-a since=YYYY-MM-DD -a until=YYYY-MM-DD`` (inclusive, outlet's time zone) switches from
    "what is new" (feeds and first listing pages) to a backfill of every day in the window.
    Subclasses say how an outlet is discovered; extraction happens in the item pipeline.
    """

    outlet_key: str = ""

    def __init__(self, *args: Any, since: str | None = None, until: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.since, self.until = parse_window(since, until)
        self.base_urls: dict[str, str] = {}

    @classmethod
    def check_arguments(cls, since: str | None = None, until: str | None = None,
                        **_: Any) -> None:
        """Raise UsageError for bad ``-a`` values before the crawl starts (crawl command)."""
        parse_window(since, until)

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> OutletSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.base_urls = dict(crawler.settings.getdict("OUTLET_BASE_URLS"))
        return spider

    # --- outlets and URLs ---------------------------------------------------------------
    @property
    def outlet(self) -> Outlet:
        return get_outlet(self.outlet_key)

    def outlets(self) -> Iterable[Outlet]:
        """The outlets this spider crawls (one, except for the district-paper spider)."""
        return [self.outlet]

    def base_url(self, outlet: Outlet) -> str:
        return self.base_urls.get(outlet.key) or self.base_urls.get(outlet.host) or outlet.base_url

    def url_for(self, outlet: Outlet, path: str) -> str:
        return urljoin(self.base_url(outlet) + "/", path.lstrip("/"))

    def fetch_url(self, outlet: Outlet, url: str) -> str:
        """Where to download an article: its canonical path on the host this run uses."""
        canonical = canonical_url(url, outlet)
        return self.url_for(outlet, path_and_query(canonical))

    def outlet_of(self, url: str) -> Outlet | None:
        host = (urlsplit(url).hostname or "").lower()
        for outlet in self.outlets():
            base_host = urlsplit(self.base_url(outlet)).hostname
            if host == base_host or outlet.owns_host(host):
                return outlet
        return None

    def is_article_url(self, outlet: Outlet, url: str) -> bool:
        return is_article_url(outlet, url)

    # --- windows ----------------------------------------------------------------------
    @property
    def backfill(self) -> bool:
        return self.since is not None

    def window_days(self, outlet: Outlet | None = None) -> Iterator[date]:
        """Every day of the window, newest first (today in ``outlet``'s zone when open-ended)."""
        if not self.since:
            return
        day = self.until or datetime.now((outlet or self.outlet).tz).date()
        while day >= self.since:
            yield day
            day -= timedelta(days=1)

    def in_window(self, moment: datetime | date | None, outlet: Outlet) -> bool:
        """Whether a date from a listing or feed may be in the window (unknown dates may)."""
        if moment is None or not self.backfill:
            return True
        if isinstance(moment, datetime):
            moment = (moment.astimezone(outlet.tz) if moment.tzinfo else moment).date()
        return day_in_window(moment, self.since, self.until)

    # --- discovery --------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        for request in self.discovery_requests():
            yield request

    def discovery_requests(self) -> Iterator[scrapy.Request]:
        for outlet in self.outlets():
            for path in outlet.feeds:
                yield scrapy.Request(self.url_for(outlet, path), callback=self.parse_feed,
                                     cb_kwargs={"outlet_key": outlet.key}, priority=10)

    def parse_feed(self, response: Response, outlet_key: str) -> Iterator[scrapy.Request]:
        outlet = get_outlet(outlet_key)
        entries = 0
        for entry in feed_entries(response.body):  # streamed: a huge feed is never held whole
            entries += 1
            if self.in_window(entry.published, outlet):
                yield from self.article_request(outlet, entry.url, entry.published)
        self.crawler.stats.inc_value("discovery/feed_entries", entries)
        if not entries:
            self.crawler.stats.inc_value("discovery/empty_feeds")
            self.logger.warning("Feed %s yielded no entries", response.url)

    # --- listing pages (archives, rubric fronts, "latest") ------------------------------------
    def listing_requests(self) -> Iterator[scrapy.Request]:
        """The first page of every listing of every outlet: what is new besides the feeds."""
        for outlet in self.outlets():
            for path in outlet.listings:
                yield self.listing_request(outlet, self.url_for(outlet, path))

    def listing_request(self, outlet: Outlet, url: str, callback: Any = None,
                        **cb_kwargs: Any) -> scrapy.Request:
        return scrapy.Request(url, callback=callback or self.parse_listing,
                              cb_kwargs={"outlet_key": outlet.key, **cb_kwargs}, priority=5)

    def listing_links(self, response: Response, links: str = "a[href]",
                      exclude: str = "") -> list[str]:
        """Absolute link targets of a listing page in page order, without repeats.

        ``exclude`` (a CSS selector group) names blocks whose links are site-wide (a "news of the
        day" column, ads) rather than the listing's own, so paging decisions ignore them.
        """
        try:
            tree = parse_html(response.text)
        except (ValueError, AttributeError):
            return []
        if exclude:
            remove_nodes(tree, (exclude,))
        css, _, attr = links.partition(" @")
        found: list[str] = []
        for node in select_nodes(tree, css):
            href = (node.get(attr.strip() or "href") or "").strip()
            if href and not href.startswith(("#", "javascript:", "mailto:")):
                url = response.urljoin(href)
                if url not in found:
                    found.append(url)
        return found

    def article_links(self, outlet: Outlet, urls: Iterable[str]) -> list[str]:
        """The URLs among ``urls`` that are this outlet's articles (other hosts and pages dropped)."""
        return [u for u in urls if getattr(self.outlet_of(u), "key", None) == outlet.key
                and self.is_article_url(outlet, u)]

    def parse_listing(self, response: Response, outlet_key: str) -> Iterator[scrapy.Request]:
        """Every article linked from a listing page; an empty listing is reported, not ignored."""
        outlet = get_outlet(outlet_key)
        links = self.article_links(outlet, self.listing_links(
            response, exclude=outlet.extra.get("listing_exclude", "")))
        self.crawler.stats.inc_value("discovery/listing_pages")
        self.crawler.stats.inc_value("discovery/listing_links", len(links))
        if not links:
            self.crawler.stats.inc_value("discovery/empty_listings")
            self.logger.warning("Listing %s links to no article (layout change?)", response.url)
        for url in links:
            yield from self.article_request(outlet, url)

    def article_request(self, outlet: Outlet, url: str,
                        published: datetime | None = None) -> Iterator[scrapy.Request]:
        """A request for an article page, or nothing when the URL is not an article."""
        if not self.is_article_url(outlet, url):
            self.crawler.stats.inc_value("discovery/not_article")
            return
        hint = iso(published.astimezone(outlet.tz)) if published and published.tzinfo else None
        yield scrapy.Request(self.fetch_url(outlet, url), callback=self.parse_article,
                             errback=self.article_failed, cb_kwargs={"outlet_key": outlet.key},
                             meta={"hint_published": hint, "article": True})

    def article_failed(self, failure: Any) -> None:
        """An article that could not be fetched: logged with URL and reason, counted by reason."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        reason = exception_reason(failure.value)
        self.crawler.stats.inc_value(f"articles/failed/{reason}")
        self.logger.warning("Article not fetched (%s): %s: %s", reason, url, describe(failure.value))

    def parse_article(self, response: Response, outlet_key: str) -> Iterator[ArticlePage]:
        self.crawler.stats.inc_value("articles/downloaded")
        yield ArticlePage(
            url=response.url,
            outlet=outlet_key,
            body=response.body,
            headers={"Content-Type": response.headers.get("Content-Type", b"").decode("latin-1")},
            status=response.status,
            fetched_at=response.meta.get("fetched_at") or capture_stamp(datetime.now(UTC)),
            warc=response.meta.get("warc_record"),
            hint_published=response.meta.get("hint_published"),
        )
