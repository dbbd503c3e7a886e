"""БЕЛТА: RSS for what is new; the day archive (/all_news/page/N/?day=…) for backfills."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any

import scrapy
from parsel import Selector
from scrapy.http import Response, TextResponse

from crawler.extraction.dates import localise, parse_human
from crawler.spiders.base import OutletSpider

DEFAULT_ARCHIVE_MAX_PAGES = 100  # per day; BELTA publishes ~150 items a day, ~20 per page
_MONTH_YEAR_NUMERIC = re.compile(r"^\d{1,2}\.\d{2,4}$")


def day_archive_path(day: date, page: int) -> str:
    """``/all_news/page/<N>/?day=DD&month=MM&year=YY`` (two-digit year, as the site writes it)."""
    return f"/all_news/page/{page}/?day={day:%d}&month={day:%m}&year={day:%y}"


def lenta_item_date(item: Selector) -> date | None:
    """The date of a lenta item: ``div.new_date > div.day`` plus ``div.month_year``."""
    day = " ".join(item.css("div.new_date > div.day ::text").getall()).strip()
    month_year = " ".join(item.css("div.new_date > div.month_year ::text").getall()).strip()
    if not day or not month_year:
        return None
    text = f"{day}.{month_year}" if _MONTH_YEAR_NUMERIC.match(month_year) else f"{day} {month_year}"
    parsed = parse_human(text)
    return parsed.date() if parsed else None


class BeltaSpider(OutletSpider):
    name = "belta"
    outlet_key = "belta"

    def discovery_requests(self) -> Iterator[scrapy.Request]:
        yield from super().discovery_requests()  # RSS, filtered to the window if any
        for day in self.window_days():
            yield self.day_request(day, 1)

    def day_request(self, day: date, page: int) -> scrapy.Request:
        return scrapy.Request(self.url_for(self.outlet, day_archive_path(day, page)),
                              callback=self.parse_day_archive, priority=5,
                              cb_kwargs={"day": day.isoformat(), "page": page})

    def parse_day_archive(self, response: Response, day: str, page: int) -> Iterator[Any]:
        """One page of a day's lenta: that day's articles; the next page until items get older."""
        outlet, stats, wanted = self.outlet, self.crawler.stats, date.fromisoformat(day)
        items = response.css("div.news_item.lenta_item") if isinstance(response,
                                                                       TextResponse) else []
        stats.inc_value("discovery/listing_pages")
        if not items:
            if page == 1:  # BELTA publishes every day: an empty first page means the markup moved
                stats.inc_value("discovery/empty_archive_days")
                self.logger.warning("No div.news_item.lenta_item in the day archive %s", response.url)
            return
        older = False
        for item in items:
            when = lenta_item_date(item)
            if when is None:
                stats.inc_value("discovery/lenta_undated_items")
            elif when < wanted:
                older = True
                continue
            elif when > wanted:
                continue
            links = [response.urljoin(h) for h in item.css('a[href*="/view/"]::attr(href)').getall()]
            url = next((u for u in links if self.is_article_url(outlet, u)), None)
            if url is None:
                stats.inc_value("discovery/lenta_items_without_article")
                continue
            stats.inc_value("discovery/listing_links")
            hint = localise(datetime.combine(when, time()), outlet.tz) if when else None
            yield from self.article_request(outlet, url, hint)
        if older:
            return
        if page >= self.crawler.settings.getint("ARCHIVE_MAX_PAGES", DEFAULT_ARCHIVE_MAX_PAGES):
            stats.inc_value("discovery/archive_page_limit")
            self.logger.warning("Stopped the day archive at page %d (ARCHIVE_MAX_PAGES): %s", page,
                                response.url)
            return
        yield self.day_request(wanted, page + 1)
