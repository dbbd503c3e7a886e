"""Extraction health: how many extracted articles look complete (title, date, real body)."""

from __future__ import annotations

from typing import Any

from crawler.items import Article

HEALTHY_BODY_CHARS = 300


def is_complete(article: Article) -> bool:
    return bool(article.title and article.published
                and len(article.text) >= HEALTHY_BODY_CHARS)


class ExtractionHealthPipeline:
    """Count ``health/articles`` and ``health/complete`` right after extraction.

    Runs before the date window and incremental drops so every extracted article counts;
    pages that yield no article at all are counted by ExtractionPipeline as failures.
    """

    def __init__(self, crawler: Any) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> ExtractionHealthPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Article):
            self.stats.inc_value("health/articles")
            if is_complete(item):
                self.stats.inc_value("health/complete")
        return item
