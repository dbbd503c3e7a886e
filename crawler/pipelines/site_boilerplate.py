"""Item pipeline: drop paragraphs a site repeats on many pages (generic extraction only)."""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import NotConfigured

from crawler.extraction.normalize import PARAGRAPH_SEPARATOR
from crawler.extraction.site_boilerplate import SiteBoilerplate
from crawler.items import Article


class SiteBoilerplatePipeline:
    """Remove from generically extracted articles the short paragraphs already seen on
    ``SITE_BOILERPLATE_MIN_PAGES`` other pages of the same site in this run.

    Off by default (0): what a page loses depends on the pages crawled before it, so two
    runs over the same pages in another order, or ``reextract``, can give other texts.
    Articles read by outlet rules are never touched. The number of paragraphs removed is
    recorded in ``extractor.site_boilerplate`` and counted in ``site_boilerplate/paragraphs``.
    """

    def __init__(self, crawler: Any, min_pages: int, max_chars: int) -> None:
        self.stats = crawler.stats
        self.memory = SiteBoilerplate(min_pages=min_pages, max_chars=max_chars)

    @classmethod
    def from_crawler(cls, crawler: Any) -> SiteBoilerplatePipeline:
        min_pages = crawler.settings.getint("SITE_BOILERPLATE_MIN_PAGES", 0)
        if min_pages <= 0:
            raise NotConfigured("SITE_BOILERPLATE_MIN_PAGES is 0")
        return cls(crawler, min_pages, crawler.settings.getint("SITE_BOILERPLATE_MAX_CHARS", 300))

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article) or item.extractor.get("method") != "generic":
            return item
        paragraphs = item.text.split(PARAGRAPH_SEPARATOR)
        kept = self.memory.filter(item.url, paragraphs, page_id=item.id)
        removed = len(paragraphs) - len(kept)
        if removed:
            item.text = PARAGRAPH_SEPARATOR.join(kept)
            item.extractor["site_boilerplate"] = removed
            self.stats.inc_value("site_boilerplate/paragraphs", removed)
            self.stats.inc_value("site_boilerplate/articles")
        return item
