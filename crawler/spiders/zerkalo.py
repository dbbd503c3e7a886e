"""Зеркало: feeds and /latest/ for what is new; the day archive for backfills."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import scrapy
from scrapy.http import Response

from crawler.outlets import get_outlet
from crawler.spiders.base import OutletSpider

MAX_ARCHIVE_PAGES = 50  # per day; a loop in "next" links must not run forever


class ZerkaloSpider(OutletSpider):
    """``scrapy crawl zerkalo [-a since=YYYY-MM-DD [-a until=YYYY-MM-DD]]``.

    A window walks ``/archive/DD.MM.YYYY.html`` for every day (links in ``div.news-entry``) and
    reads the feeds (entries filtered by date); otherwise feeds and the first listing pages.
    Works through a mirror too: ``-s 'OUTLET_BASE_URLS={"zerkalo": "https://mirror/news"}'``.
    """

    name = "zerkalo"
    outlet_key = "zerkalo"

    def discovery_requests(self) -> Iterator[scrapy.Request]:
        yield from super().discovery_requests()
        if self.backfill:
            for day in self.window_days():
                yield from self.archive_requests(day)
        else:
            yield from self.listing_requests()

    def archive_requests(self, day: date) -> Iterator[scrapy.Request]:
        """The first archive page of one day (later pages follow from its "next" link)."""
        outlet = self.outlet
        path = outlet.extra["archive"].format(day=day)
        yield self.listing_request(outlet, self.url_for(outlet, path), self.parse_archive,
                                   day=day.isoformat(), page=1)

    def parse_archive(self, response: Response, outlet_key: str, day: str,
                      page: int) -> Iterator[scrapy.Request]:
        outlet = get_outlet(outlet_key)
        stats = self.crawler.stats
        stats.inc_value("discovery/archive_pages")
        links = self.article_links(outlet, self.listing_links(response,
                                                              outlet.extra["archive_links"]))
        stats.inc_value("discovery/archive_links", len(links))
        if not links and page == 1:
            # Either a day without news or a changed layout: both deserve a look.
            stats.inc_value("discovery/empty_archives")
            self.logger.warning("Archive %s (%s) lists no article in %s", response.url, day,
                                outlet.extra["archive_links"])
        for url in links:
            yield from self.article_request(outlet, url)
        next_href = response.css('a[rel="next"]::attr(href)').get()
        if next_href and links and page < MAX_ARCHIVE_PAGES:
            yield self.listing_request(outlet, response.urljoin(next_href), self.parse_archive,
                                       day=day, page=page + 1)
