"""БЕЛТА: RSS for what is new; the day archive (/all_news/page/N/?day=…) for backfills."""

from __future__ import annotations

from crawler.spiders.base import OutletSpider


class BeltaSpider(OutletSpider):
    name = "belta"
    outlet_key = "belta"
