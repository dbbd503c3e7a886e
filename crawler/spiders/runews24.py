"""RuNews24: /rss.xml and rubric fronts for what is new; paged rubric listings for backfills."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response

from crawler.outlets import get_outlet
from crawler.outlets.base import Outlet
from crawler.spiders.base import OutletSpider

_URL_DATE = re.compile(r"/(\d{2})/(\d{2})/(\d{4})/[^/]+$")


def url_date(url: str) -> date | None:
    """The publication day RuNews24 puts in its article URLs (``/DD/MM/YYYY/<id>``)."""
    match = _URL_DATE.search(urlsplit(url).path)
    if not match:
        return None
    try:
        return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:
        return None


class RuNews24Spider(OutletSpider):
    """``scrapy crawl runews24 [-a since=YYYY-MM-DD [-a until=YYYY-MM-DD]]``.

    Rubric listings are paged with ``?page=N``. The date in each article URL decides, before any
    download, whether a link is in the window, and paging stops once a page holds only links
    older than the window (or repeats what was seen, or is empty).
    """

    name = "runews24"
    outlet_key = "runews24"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.listed: dict[str, set[str]] = {}  # per rubric: links seen on its earlier pages

    def discovery_requests(self) -> Iterator[scrapy.Request]:
        yield from super().discovery_requests()
        for outlet in self.outlets():
            for path in outlet.listings:
                yield self.listing_request(outlet, self.url_for(outlet, path), self.parse_rubric,
                                           path=path, page=1)

    def parse_rubric(self, response: Response, outlet_key: str, path: str,
                     page: int) -> Iterator[scrapy.Request]:
        outlet = get_outlet(outlet_key)
        stats = self.crawler.stats
        links = self.article_links(outlet, self.listing_links(
            response, exclude=outlet.extra.get("listing_exclude", "")))
        stats.inc_value("discovery/listing_pages")
        stats.inc_value("discovery/listing_links", len(links))
        if not links:
            if page == 1:
                stats.inc_value("discovery/empty_listings")
                self.logger.warning("Rubric %s links to no article (layout change?)", response.url)
            return
        seen = self.listed.setdefault(path, set())
        fresh = [u for u in links if u not in seen]
        seen.update(links)
        for url in links:
            yield from self.article_request(outlet, url)
        if not self.backfill:
            return  # what is new: the first page only
        days = [url_date(u) for u in links]
        if self.since and all(d is not None and d < self.since for d in days):
            stats.inc_value("discovery/listing_stop/older_than_window")
            return
        if not fresh:
            stats.inc_value("discovery/listing_stop/repeated_page")
            self.logger.info("Rubric page %s repeats earlier links: paging stops", response.url)
            return
        if page >= int(outlet.extra.get("max_listing_pages", "200")):
            stats.inc_value("discovery/listing_stop/max_pages")
            self.logger.warning("Rubric %s: stopped at page %d (max_listing_pages)", path, page)
            return
        yield self.listing_request(outlet, self.url_for(outlet, f"{path}?page={page + 1}"),
                                   self.parse_rubric, path=path, page=page + 1)

    def article_request(self, outlet: Outlet, url: str,
                        published: datetime | None = None) -> Iterator[scrapy.Request]:
        """Skip out-of-window links by their URL date; the URL date is also a date hint."""
        day = url_date(url)
        if day is not None and not self.in_window(day, outlet):
            self.crawler.stats.inc_value("discovery/out_of_window_links")
            return
        if published is None and day is not None:
            published = datetime(day.year, day.month, day.day, tzinfo=outlet.tz)
        yield from super().article_request(outlet, url, published)
