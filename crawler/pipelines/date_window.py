"""Item pipeline: the spider's publication-date window (``-a since/until``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from scrapy.exceptions import DropItem

from crawler.extraction.dates import day_in_window, parse_iso
from crawler.items import Article

OLDEST_DAY_PREFIX = "articles/oldest_day/"  # + outlet key: the oldest day an article gave


class DateWindowPipeline:
    """Drop articles published outside the spider's ``-a since/until`` window."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> DateWindowPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        spider = self.crawler.spider
        since: date | None = getattr(spider, "since", None)
        if not isinstance(item, Article) or since is None:
            return item
        until: date | None = getattr(spider, "until", None)
        published = parse_iso(item.published) if item.published else None
        if published is None:
            self.crawler.stats.inc_value("articles/undated_in_backfill")
            raise DropItem(f"{item.url} has no publication date to check against the window",
                           log_level="INFO")
        # the oldest day an outlet's pages gave, in the window or not: whether discovery
        # reached back to ``since`` at all (crawler.sitecrawl.SiteCrawl.window_reached)
        self.crawler.stats.min_value(f"{OLDEST_DAY_PREFIX}{item.source}",
                                     published.date().isoformat())
        if not day_in_window(published.date(), since, until):
            self.crawler.stats.inc_value("articles/out_of_window")
            raise DropItem(f"{item.url} published {item.published}, outside the window",
                           log_level="DEBUG")
        return item
