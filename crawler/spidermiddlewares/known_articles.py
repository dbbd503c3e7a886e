"""Scheduled runs: do not download again article pages the state store already holds.

Article pages whose canonical URL is known and older than ``REFETCH_MAX_AGE_DAYS`` are dropped;
younger ones are fetched again to catch quiet edits. Feeds and listings always pass. The
store is the one :class:`~crawler.pipelines.incremental.IncrementalPipeline` advances.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from scrapy import Request

from crawler.extraction.dates import parse_iso
from crawler.rechecks import META_RECHECK
from crawler.removals import asked_article
from crawler.state import shared_state

logger = logging.getLogger(__name__)


def article_age_start(published: str | None, first_captured: str | None) -> datetime | None:
    """When an article's age starts: its publication, or its first capture when that was
    earlier (a date in the future, by a typo or a clock behind, would keep it "young", so
    fetched again, at every run until the clock caught up)."""
    moments = [m if m.tzinfo else m.replace(tzinfo=UTC)
               for m in (parse_iso(v) for v in (published, first_captured) if v) if m]
    return min(moments) if moments else None


class KnownArticleMiddleware:
    """Spider middleware: do not download article pages already held and old enough."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.store = shared_state(crawler)
        self.max_age = timedelta(days=crawler.settings.getfloat("REFETCH_MAX_AGE_DAYS", 3))

    @classmethod
    def from_crawler(cls, crawler: Any) -> KnownArticleMiddleware:
        return cls(crawler)

    def keep(self, obj: Any) -> bool:
        if not isinstance(obj, Request) or not obj.meta.get("article") \
                or obj.meta.get(META_RECHECK):  # an old article's slow re-check (crawler.rechecks)
            return True
        _, url = asked_article(obj, obj.url)
        record = self.store.get(url)
        if record is None:
            return True
        since = article_age_start(record.published, record.first_captured)
        if since is None or datetime.now(UTC) - since <= self.max_age:
            self.stats.inc_value("incremental/refetch_young")
            return True
        self.stats.inc_value("incremental/skipped_known")
        logger.debug("Skipping %s: known since %s (version %d, older than %s)", url,
                     record.first_captured, record.version, self.max_age)
        return False

    def process_spider_output(self, response: Any, result: Iterable[Any]) -> Iterator[Any]:
        return (obj for obj in result if self.keep(obj))

    async def process_spider_output_async(self, response: Any,
                                          result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for obj in result:
            if self.keep(obj):
                yield obj
