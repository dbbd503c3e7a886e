"""Scheduled runs: skip articles already held, emit only new articles and real edits.

Two components share one state store (see :mod:`crawler.state`):

* :class:`KnownArticleMiddleware` (spider middleware) drops requests for article pages whose
  canonical URL is known and older than ``REFETCH_MAX_AGE_DAYS``; younger ones are fetched
  again to catch quiet edits. Feeds and listings always pass.
* :class:`IncrementalPipeline` (after extraction, before validation) compares the text digest
  with the stored one: unchanged articles are dropped, edits get ``version`` + 1 and
  ``previous_version_digest``, and every emitted item gets its ``near_duplicates``.

The state only advances once an item is durably in every configured feed (the
``item_exported`` signal of :mod:`crawler.exports`); an item dropped later (invalid), refused
by a feed (full disk, unwritable path, failed upload) or lost in a kill is therefore fetched
and emitted again by the next run. Without any feed, ``item_scraped`` is the last word.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from scrapy import Request, signals
from scrapy.exceptions import DropItem

from crawler.exports import item_export_failed, item_exported
from crawler.extraction.dates import parse_iso
from crawler.fingerprint import fingerprint
from crawler.items import Article
from crawler.neardup import NearDuplicateIndex, Signature, to_bytes
from crawler.outlets import get_outlet, outlet_for_url
from crawler.state import ArticleRecord, StateStore, open_state
from crawler.urls import canonical_url

logger = logging.getLogger(__name__)


def _shared_state(crawler: Any) -> StateStore:
    """One store per crawler, shared by the middleware and the pipeline."""
    store = getattr(crawler, "_article_state", None)
    if store is None:
        store = open_state(crawler.settings)
        crawler._article_state = store
        crawler.signals.connect(lambda: store.close(), signal=signals.engine_stopped, weak=False)
    return store


class KnownArticleMiddleware:
    """Spider middleware: do not download article pages already held and old enough."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.store = _shared_state(crawler)
        self.max_age = timedelta(days=crawler.settings.getfloat("REFETCH_MAX_AGE_DAYS", 3))

    @classmethod
    def from_crawler(cls, crawler: Any) -> KnownArticleMiddleware:
        return cls(crawler)

    def _canonical(self, request: Request) -> str:
        key = request.cb_kwargs.get("outlet_key")
        outlet = get_outlet(key) if key else outlet_for_url(request.url)
        return canonical_url(request.url, outlet)

    def keep(self, obj: Any) -> bool:
        if not isinstance(obj, Request) or not obj.meta.get("article"):
            return True
        url = self._canonical(obj)
        record = self.store.get(url)
        if record is None:
            return True
        since = parse_iso(record.published) if record.published else None
        since = since or parse_iso(record.first_captured)
        if since is not None and since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
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


@dataclass
class _Pending:
    item: Article
    record: ArticleRecord
    signature: Signature
    is_new: bool


class IncrementalPipeline:
    """Versions and near-duplicates; the state advances only for items really exported."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.store = _shared_state(crawler)
        self.index: NearDuplicateIndex | None = None
        self.pending: dict[str, _Pending] = {}  # canonical URL -> emitted, not yet exported
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(self.item_exported, signal=item_exported)
        crawler.signals.connect(self.item_dropped, signal=item_export_failed)

    @classmethod
    def from_crawler(cls, crawler: Any) -> IncrementalPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.index = NearDuplicateIndex(self.store)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        digest, sig = fingerprint(item)
        pending = self.pending.get(item.url)
        previous = pending.record if pending else self.store.get(item.url)
        if previous is not None and previous.digest == digest:
            self.stats.inc_value("incremental/unchanged")
            raise DropItem(f"{item.url} unchanged since version {previous.version}",
                           log_level="DEBUG")
        assert self.index is not None
        item.near_duplicates = self.index.query(sig, item.id)
        if previous is None:
            item.version, item.previous_version_digest = 1, None
            first_captured = item.fetched_at
        else:
            item.version, item.previous_version_digest = previous.version + 1, previous.digest
            first_captured = previous.first_captured
        record = ArticleRecord(url=item.url, id=item.id, digest=digest, version=item.version,
                               first_captured=first_captured, captured=item.fetched_at,
                               published=item.published)
        self.pending[item.url] = _Pending(item, record, sig, previous is None)
        return item

    def item_scraped(self, item: Any) -> None:
        if getattr(self.crawler, "checked_feed_exporter", None) is None:
            self.item_exported(item)  # no feed configured: nothing more to wait for

    def item_exported(self, item: Any) -> None:
        pending = self.pending.get(item.url) if isinstance(item, Article) else None
        if pending is None or pending.item is not item:
            return
        done = self.pending.pop(item.url)
        self.store.put(done.record, to_bytes(done.signature))
        assert self.index is not None
        self.index.add(done.record.id, done.signature)
        self.stats.inc_value("incremental/new" if done.is_new else "incremental/new_version")
        if item.near_duplicates:
            self.stats.inc_value("incremental/near_duplicates")

    def item_dropped(self, item: Any, **_: Any) -> None:
        # Dropped after this pipeline (invalid) or refused by a feed: forget it, so it is
        # fetched and emitted again by the next run.
        pending = self.pending.get(item.url) if isinstance(item, Article) else None
        if pending is not None and pending.item is item:
            del self.pending[item.url]
