"""RuNews24: /rss.xml and rubric fronts for what is new; paged rubric listings for backfills."""

from __future__ import annotations

from crawler.spiders.base import OutletSpider


class RuNews24Spider(OutletSpider):
    """``scrapy crawl runews24 [-a since=YYYY-MM-DD [-a until=YYYY-MM-DD]]``.

    Rubric listings are paged with ``?page=N``. The date in each article URL decides, before any
    download, whether a link is in the window, and paging stops once a page reaches links older
    than the window (or repeats what was seen, or is empty).
    """

    name = "runews24"
    outlet_key = "runews24"
