"""Зеркало: feeds and /latest/ for what is new; the day archive for backfills."""

from __future__ import annotations

from crawler.spiders.base import OutletSpider


class ZerkaloSpider(OutletSpider):
    """``scrapy crawl zerkalo [-a since=YYYY-MM-DD [-a until=YYYY-MM-DD]]``.

    A window walks ``/archive/DD.MM.YYYY.html`` for every day (links in ``div.news-entry``,
    later pages by their "next" link) and reads the feeds (entries filtered by date);
    otherwise feeds and the first listing pages. Works through a mirror too:
    ``-s 'OUTLET_BASE_URLS={"zerkalo": "https://mirror/news"}'``.
    """

    name = "zerkalo"
    outlet_key = "zerkalo"
