"""Feed item filters a test's FEEDS names (Scrapy's ``item_filter`` feed option)."""

from __future__ import annotations

import re
from typing import Any

from itemadapter import ItemAdapter
from scrapy.extensions.feedexport import ItemFilter


class UrlPattern(ItemFilter):
    """Accepts the items whose URL the feed option ``url_pattern`` (a regex) finds."""

    def __init__(self, feed_options: dict[str, Any] | None) -> None:
        super().__init__(feed_options)
        self.pattern = re.compile((feed_options or {})["url_pattern"])

    def accepts(self, item: Any) -> bool:
        return self.pattern.search(str(ItemAdapter(item).get("url", ""))) is not None
