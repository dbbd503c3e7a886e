"""БЕЛТА: RSS for what is new; the day archive (/all_news/page/N/?day=…) for backfills.

Everything is in the outlet's data (crawler/outlets/belta.py), the lenta date hook included.
"""

from __future__ import annotations

from crawler.spiders.base import OutletSpider


class BeltaSpider(OutletSpider):
    """``scrapy crawl belta [-a since=YYYY-MM-DD [-a until=YYYY-MM-DD]]``."""

    name = "belta"
    outlet_key = "belta"
