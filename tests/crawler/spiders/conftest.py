"""The site spider of one test site, shared by the spider tests."""

from __future__ import annotations

from typing import Any

import pytest
from scrapy.utils.test import get_crawler

from crawler.spiders.site import SiteSpider

HOST = "http://zone.test"


@pytest.fixture
def spider(tmp_path: Any, site_registries_withdrawn: None) -> SiteSpider:
    """The site spider of ``zone.test`` for a window, its stats open, discovery under way
    (one request pending besides the samples: a feed)."""
    crawler = get_crawler(SiteSpider, {"DATA_DIR": str(tmp_path), "SITE_ZONE_SAMPLES": 3,
                                       "SITE_MAX_URLS": 100})
    made = SiteSpider.from_crawler(crawler, url=f"{HOST}/", since="2026-01-04",
                                   until="2026-01-05")
    crawler.stats.open_spider()
    made.pending = 1
    return made
