"""Scheduled runs: skip articles already held, emit only new articles and real edits.

Two components share one state store (see :mod:`crawler.state`):

* :class:`~crawler.spidermiddlewares.known_articles.KnownArticleMiddleware` drops requests
  for article pages whose canonical URL is known and older than ``REFETCH_MAX_AGE_DAYS``;
  younger ones are fetched again to catch quiet edits. Feeds and listings always pass.
* :class:`IncrementalPipeline` (after extraction, before validation) compares the text digest
  with the stored one: unchanged articles are dropped, so is a known article whose later page
  failed (its text cut short: ``articles/join_incomplete_kept``, the stored version kept), edits get ``version`` + 1,
  ``previous_version_digest`` and ``change`` (``"edit"``, or ``"replaced"`` when the new text
  shares almost nothing with the previous one: :data:`REPLACED_BELOW`; ``"redated"``: the same
  text, its publication date moved to another day, :func:`redated`), and every emitted item
  gets its ``near_duplicates``.

The state only advances once an item is durably in every configured feed (the
``item_exported`` signal of :mod:`crawler.extensions.feed_export`); an item dropped later
(invalid), refused by a feed (full disk, unwritable path, failed upload) or lost in a kill is
therefore fetched and emitted again by the next run. One the store failed to record (locked
past its busy timeout, a full disk: counted in ``state/not_recorded``, an alarm) or whose run
was killed before its record is recorded by the next run from its local JSON-lines feed file
(:mod:`crawler.state.feed_tails`, SQLite store), else emitted again too. A
record a Redis store failed to take (Redis down longer than ``REDIS_RETRY_SECONDS``) is
written at the next export or at the close instead, and counted so only if it fails then
(an item a buffered feed exports at its close, after this pipeline's, is recorded at once).
Without any feed, ``item_scraped`` is the last word.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.exceptions import DropItem

from archive.fileio import sqlite_failure
from crawler.distributed.deferral import note_refusal, redis_cause
from crawler.extensions.feed_export import feed_file_started, item_export_failed, item_exported
from crawler.extraction.provenance import DEFAULT, FEED, HTMLDATE, NONE
from crawler.extraction.text_fingerprint import fingerprint
from crawler.items import Article
from crawler.neardup import NearDuplicateIndex, Signature, from_bytes, similarity, to_bytes
from crawler.pipelines.pages import join_incomplete
from crawler.rechecks import note_checked
from crawler.state import ArticleRecord, KeepsFeedTails, shared_state
from crawler.state.feed_tails import record_unrecorded

logger = logging.getLogger(__name__)

# A new version whose text's signature agrees with the previous one's on fewer than this
# share of its 128 values (the estimated Jaccard similarity of their 5-word shingles) is
# another text, not an edit of it (``change: "replaced"``): a page reused for another story,
# a hacked page. Measured on 131 real Russian news texts: real edits keep far more (one
# sentence changed >= 0.71, a paragraph added or a new lead >= 0.27), unrelated texts score
# ~0 and at most 0.10 when one site's stock lines ("read also" lists) leak into both; 0.15
# lies between, over 3 estimate errors (~0.04 there) from each. What it also flags: a text
# cut to under about a fifth, or whose one paragraph was replaced (it is another text), and
# a small edit of a text of only a few words (one changed word changes 5 of its shingles).
REPLACED_BELOW = 0.15
# Two readings of one date ("2 часа назад" at two fetches, "вчера" and the date it meant) are
# no re-dating: the day as printed must change, and the moment by at least this much.
REDATED_MIN = timedelta(hours=1)


# Where a date is no statement of the page's (``extractor.fields.published``): a guess
# htmldate made from anything in it (a header's "today"), the feed's or URL's day.
GUESSED_DATES = frozenset((HTMLDATE, FEED, DEFAULT, NONE))


def redated(before: str | None, after: str | None, source: str | None = None) -> bool:
    """Whether an article's publication date moved: another day as printed (its own zone),
    over :data:`REDATED_MIN` apart, the new one stated by the page (``source``, where it was
    read: not one of :data:`GUESSED_DATES`, which a fetch on another day may guess anew). A
    quiet re-dating of a text is an edit of the record (and the crawl's own correction of a
    date it read wrong, a template's, reaches the output)."""
    if not before or not after or before[:10] == after[:10] or source in GUESSED_DATES:
        return False
    try:
        moved = abs(datetime.fromisoformat(after) - datetime.fromisoformat(before))
    except (TypeError, ValueError):  # unreadable, or one naive: the day alone says it
        return True
    return moved >= REDATED_MIN


def date_source(item: Article) -> str | None:
    """Where the item's publication date was read (``extractor.fields.published``)."""
    fields = item.extractor.get("fields") if isinstance(item.extractor, dict) else None
    return fields.get("published") if isinstance(fields, dict) else None


@dataclass
class _Pending:
    item: Article
    record: ArticleRecord
    signature: Signature
    is_new: bool
    tails: Sequence[tuple[str, int]] = ()  # (feed file, end of the item's line) once exported
    previous_published: str | None = None


class IncrementalPipeline:
    """Versions and near-duplicates; the state advances only for items really exported."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.store = shared_state(crawler)
        # a store that knows how far each feed file is recorded (SQLite; not Redis)
        self.tails = self.store if isinstance(self.store, KeepsFeedTails) else None
        self.index: NearDuplicateIndex | None = None
        self.pending: dict[str, _Pending] = {}  # canonical URL -> emitted, not yet exported
        self.unrecorded: list[_Pending] = []  # exported; their records wait for Redis
        self.closing = False  # pipelines closed: a buffered feed may still export (its close)
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(self.item_exported, signal=item_exported)
        crawler.signals.connect(self.feed_file_started, signal=feed_file_started)
        crawler.signals.connect(self.item_dropped, signal=item_export_failed)

    @classmethod
    def from_crawler(cls, crawler: Any) -> IncrementalPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        if self.tails is not None:
            self.record_from_feeds(self.tails)
        self.index = NearDuplicateIndex(self.store)

    def record_from_feeds(self, store: KeepsFeedTails) -> None:
        """Record what a run stopped between export and record left in its feed files."""
        try:
            done = record_unrecorded(store)
        except Exception as exc:  # any store failure: those items are exported again
            logger.warning("The items earlier runs exported but did not record could not be "
                           "read back into the state store %s (%s): they may be exported "
                           "again", self.where(), exc)
            return
        if done:
            self.stats.inc_value("state/recorded_from_feeds", done)

    def feed_file_started(self, path: str, recorded_to: int, run: str | None = None,
                          feed: str | None = None) -> None:
        """Watch a feed file from ``recorded_to`` on (or move its end past a failed item)."""
        if self.tails is None:
            return
        try:
            self.tails.watch_feed(path, recorded_to, run, feed)
        except Exception as exc:  # the records still go in
            logger.warning("The state store %s could not note how far the feed file %s is "
                           "recorded (%s): the next run may record or export again an item "
                           "written there before a kill", self.where(), path, exc)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        digest, sig = fingerprint(item)
        previous = self.latest(item.url)
        if previous is not None and previous.digest == digest \
                and not redated(previous.published, item.published, date_source(item)):
            self.stats.inc_value("incremental/unchanged")
            note_checked(self.crawler, item.url)
            raise DropItem(f"{item.url} unchanged since version {previous.version}",
                           log_level="DEBUG")
        if previous is not None and (cut := join_incomplete(item)):
            self.keep_previous(item.url, previous, cut)
        assert self.index is not None
        item.near_duplicates = self.index.query(sig, item.id)
        if previous is None:
            item.version, item.previous_version_digest = 1, None
            first_captured = item.fetched_at
        else:
            item.version, item.previous_version_digest = previous.version + 1, previous.digest
            item.change = ("redated" if previous.digest == digest
                           else self.change(previous, sig))
            first_captured = previous.first_captured
        record = ArticleRecord(url=item.url, id=item.id, digest=digest, version=item.version,
                               first_captured=first_captured, captured=item.fetched_at,
                               published=item.published)
        self.pending[item.url] = _Pending(item, record, sig, previous is None,
                                          previous_published=previous and previous.published)
        return item

    def keep_previous(self, url: str, previous: ArticleRecord, cut: str) -> None:
        """Drop a known article whose text a failing later page cut short: that text is no
        edit; its stored version and state stay, and the next good fetch compares with them."""
        self.stats.inc_value("articles/join_incomplete_kept")
        logger.warning("%s: %s, its text is cut short: no new version of it, version %d kept",
                       url, cut, previous.version)
        raise DropItem(f"{url}: cut short ({cut}); version {previous.version} kept",
                       log_level="DEBUG")

    def change(self, previous: ArticleRecord, sig: Signature) -> str:
        """``"replaced"`` when the new text shares almost nothing with the previous version's
        (:data:`REPLACED_BELOW`), else ``"edit"`` (also when no signature of it was kept)."""
        before = self.previous_signature(previous)
        if before is None or len(before) != len(sig):
            return "edit"
        return "replaced" if similarity(before, sig) < REPLACED_BELOW else "edit"

    def previous_signature(self, previous: ArticleRecord) -> Signature | None:
        """The signature of the version ``previous`` records: one waiting to be recorded
        (emitted, or exported while Redis was down) is not in the store yet."""
        waiting = [p for p in (self.pending.get(previous.url), *self.unrecorded)
                   if p is not None and p.record is previous]
        if waiting:
            return waiting[0].signature
        try:
            raw = self.store.signature(previous.id)
        except Exception as exc:  # any backend's failure: the version is still exported
            logger.warning("The signature of %s's version %d could not be read from the state "
                           "store %s (%s): its new version is not checked for replaced text",
                           previous.url, previous.version, self.where(), exc)
            return None
        return from_bytes(raw) if raw else None

    def latest(self, url: str) -> ArticleRecord | None:
        """The newest version of ``url`` known: emitted and not yet exported, exported with
        its record waiting for Redis (a deferred request fetched again meanwhile was exported
        again as version 1), or stored."""
        pending = self.pending.get(url)
        if pending is not None:
            return pending.record
        waiting = next((w for w in reversed(self.unrecorded) if w.record.url == url), None)
        return waiting.record if waiting is not None else self.store.get(url)

    def item_scraped(self, item: Any) -> None:
        if getattr(self.crawler, "checked_feed_exporter", None) is None:
            self.item_exported(item)  # no feed configured: nothing more to wait for

    def item_exported(self, item: Any, tails: Sequence[tuple[str, int]] = ()) -> None:
        pending = self.pending.get(item.url) if isinstance(item, Article) else None
        if pending is None or pending.item is not item:
            return
        pending.tails = tails
        self.unrecorded.append(self.pending.pop(item.url))
        self.record(final=self.closing)

    def record(self, final: bool = False) -> None:
        """Write the records of exported items, in export order. One Redis failed to take
        (down longer than ``REDIS_RETRY_SECONDS``) waits with those after it for the next
        export or the close (``final``); any other failure is final: ``state/not_recorded``."""
        while self.unrecorded:
            done = self.unrecorded[0]
            try:
                if done.tails and self.tails is not None:
                    self.tails.put(done.record, to_bytes(done.signature), done.tails)
                else:
                    self.store.put(done.record, to_bytes(done.signature))
            except Exception as exc:  # any backend's failure: the item is out, its record is not
                note_refusal(self.crawler, exc)  # which no waiting mends: the worker stops
                if redis_cause(exc) is not None and not final:
                    return
                self.unrecorded.pop(0)
                self.not_recorded(done.item.url, exc)
                continue
            self.unrecorded.pop(0)
            self.recorded(done)

    def recorded(self, done: _Pending) -> None:
        assert self.index is not None
        self.index.add(done.record.id, done.signature)
        note_checked(self.crawler, done.record.url)
        self.stats.inc_value("incremental/new" if done.is_new else "incremental/new_version")
        if done.item.change == "replaced":
            self.stats.inc_value("incremental/text_replaced")
            logger.info("%s: version %d shares almost nothing with version %d's text (another "
                        "story, or a hacked page?): exported with change \"replaced\"",
                        done.item.url, done.record.version, done.record.version - 1)
        if done.item.change == "redated":
            self.stats.inc_value("incremental/redated")
            logger.info("%s: version %d has version %d's text, dated %s instead of %s: exported "
                        "with change \"redated\"", done.item.url, done.record.version,
                        done.record.version - 1, done.item.published,
                        done.previous_published)
        if done.item.near_duplicates:
            self.stats.inc_value("incremental/near_duplicates")

    def close_spider(self) -> None:
        """Write the waiting records; Scrapy closes pipelines before ``spider_closed``, where
        a buffered feed exports its items: their records get no later chance either."""
        self.closing = True
        self.record(final=True)
        damaged = getattr(self.store, "damaged", None)
        if damaged:  # records this crawler could not read: each logged at ERROR once
            self.stats.set_value("state/damaged_records", len(damaged))

    def not_recorded(self, url: str, exc: Exception) -> None:
        """Say why at ERROR once; the same failure for later items (a full disk fails
        them all) is a WARNING each, and the count makes the alarm."""
        first = not self.stats.get_value("state/not_recorded")
        self.stats.inc_value("state/not_recorded")
        path = getattr(self.store, "path", None)
        reason = (sqlite_failure(Path(path), exc)
                  if isinstance(exc, sqlite3.Error) and path and str(path) != ":memory:"
                  else str(exc))
        logger.log(logging.ERROR if first else logging.WARNING,
                   "Exported %s, but it was not recorded in the state store %s: %s; the next "
                   "run records it from its feed file if it can, else exports it again", url,
                   self.where(), reason)

    def where(self) -> str:
        """The store's file (SQLite) or backend, for messages."""
        return str(getattr(self.store, "path", None) or type(self.store).__name__)

    def item_dropped(self, item: Any, tails: Sequence[tuple[str, int]] = (), **_: Any) -> None:
        # Dropped after this pipeline (invalid) or refused by a feed: forget it, so it is
        # fetched and emitted again by the next run, which must not record it from the feeds
        # that took it: their recorded ends move past its lines.
        pending = self.pending.get(item.url) if isinstance(item, Article) else None
        if pending is not None and pending.item is item:
            del self.pending[item.url]
        for path, end in tails if self.tails is not None else ():
            self.feed_file_started(path, end)
