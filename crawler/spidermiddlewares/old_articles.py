"""Ask for the run's share of old exported articles to re-check (crawler.rechecks).

After the spider's own start requests, at a lower priority than discovery's: at most
``REFETCH_OLD_MAX`` of the spider's outlets' exported articles beyond
``REFETCH_MAX_AGE_DAYS`` whose last check is over ``REFETCH_OLD_EVERY_DAYS`` old, the
longest unchecked first, none tried within ``REFETCH_OLD_RETRY_DAYS`` (a re-check that
failed waits that long, see crawler.rechecks). In a distributed run each is claimed in
the Redis state first, so the run's workers ask for each article once and for
``REFETCH_OLD_MAX`` in all. Off in a replay (its archive holds what the live run asked, not
what this one's clock makes due) and with a state store that keeps no check times (a
``STATE_BACKEND`` of one's own without ``due_checks``).
"""

from __future__ import annotations

import inspect
import logging
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from scrapy import Request, signals
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import threads

from crawler.items import capture_stamp
from crawler.outlets import outlet_for_url
from crawler.outlets.base import Outlet
from crawler.rechecks import CLAIMED, META_RECHECK, SPENT, rechecks
from crawler.spidermiddlewares.known_articles import article_age_start
from crawler.state import ArticleRecord, shared_state

logger = logging.getLogger(__name__)
RECHECK_PRIORITY = -10  # after what discovery finds: new articles first


class OldArticleRecheckMiddleware:
    """Spider middleware: add the due re-checks of old articles to the start requests."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.rechecks = rechecks(crawler)
        self.closing = threading.Event()  # the scan (maybe in a thread) stops early
        crawler.signals.connect(self.closing.set, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Any) -> OldArticleRecheckMiddleware:
        return cls(crawler)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for obj in start:
            yield obj
        for request in await self.requests():
            yield request

    async def requests(self) -> list[Request]:
        spider = self.crawler.spider
        if not self.rechecks.enabled or self.crawler.settings.get("WARC_REPLAY") \
                or not hasattr(spider, "parse_article"):
            return []
        store = shared_state(self.crawler)
        if not hasattr(store, "due_checks"):
            logger.info("Old articles are not re-checked: the state store %s keeps no check "
                        "times", type(store).__name__)
            return []
        due = await self.scan(store, spider)
        dropped = getattr(store, "bad_check_times", None)  # said by the store, counted here
        if dropped:
            self.crawler.stats.set_value("state/bad_check_times", len(dropped))
        return list(self._requests(spider, due))

    async def scan(self, store: Any, spider: Any) -> list[tuple[Outlet, ArticleRecord, str]]:
        """:meth:`due`, in a thread for a store workers share (Redis): its scan may read
        much of the state all outlets share (the first after an upgrade indexes it), and on
        the reactor's thread that stopped the heartbeat for longer than REDIS_WORKER_TTL, so
        other workers took this one's leases. A store of one process (SQLite, whose
        connection is this thread's) is read here."""
        if getattr(store, "claim_check", None) is None:
            return self.due(store, spider)
        counted: list[str] = []  # the thread's stats, added here: the stats are not shared
        try:
            return await maybe_deferred_to_future(
                threads.deferToThread(self.due, store, spider, counted.append))
        finally:
            for key in counted:
                self.rechecks.stats.inc_value(key)

    def _requests(self, spider: Any, due: list[tuple[Outlet, ArticleRecord, str]]
                  ) -> Iterator[Request]:
        if due:
            logger.info("Re-checking %d old article(s) for removals (REFETCH_OLD_MAX %d, "
                        "every %s), last checked %s first", len(due), self.rechecks.budget,
                        self.rechecks.every, due[0][2])
        for outlet, record, _ in due:
            self.rechecks.asked(record.url)
            yield Request(spider.fetch_url(outlet, record.url), callback=spider.parse_article,
                          errback=spider.article_failed, cb_kwargs={"outlet_key": outlet.key},
                          priority=RECHECK_PRIORITY,
                          meta={"article": True, META_RECHECK: record.url})

    def due(self, store: Any, spider: Any, count: Callable[[str], Any] | None = None
            ) -> list[tuple[Outlet, ArticleRecord, str]]:
        """The spider's old articles due for a check, oldest check first, up to the budget,
        each claimed (a store shared by workers: none another worker asks for). Read from
        one cursor, stopped at the budget: the archive is never loaded whole."""
        now = datetime.now(UTC)
        keys = {outlet.key for outlet in spider.outlets()}
        resolve = getattr(spider, "outlet_of", None) or outlet_for_url
        found: list[tuple[Outlet, ArticleRecord, str]] = []
        before, retry = (capture_stamp(now - self.rechecks.every),
                         capture_stamp(now - self.rechecks.retry))
        for record, last in self._due_checks(store, before, retry, keys, resolve):
            if self.closing.is_set():
                break  # the spider closed meanwhile: what is claimed waits its retry
            outlet = resolve(record.url)
            since = article_age_start(record.published, record.first_captured)
            if outlet is None or outlet.key not in keys or since is None \
                    or now - since <= self.rechecks.window:
                continue  # another spider's, or young: discovery re-fetches it
            verdict = self.rechecks.claim(store, record.url, before, retry, count)
            if verdict == SPENT:
                break  # the other workers of the run asked for its budget
            if verdict != CLAIMED:
                continue
            found.append((outlet, record, last))
            if len(found) >= self.rechecks.budget:
                break
        return found

    @staticmethod
    def _due_checks(store: Any, before: str, retry: str, keys: set[str],
                    resolve: Callable[[str], Outlet | None]
                    ) -> Iterator[tuple[ArticleRecord, str]]:
        """The store's due re-checks, only the spider's outlets' read where the store can
        skip the others (``wanted``): the state is shared by all outlets."""
        if "wanted" not in inspect.signature(store.due_checks).parameters:
            return store.due_checks(before, retry)

        def wanted(url: str) -> bool:
            outlet = resolve(url)
            return outlet is not None and outlet.key in keys
        return store.due_checks(before, retry, wanted=wanted)
