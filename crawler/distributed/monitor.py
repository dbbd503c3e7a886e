"""Keeps a worker's part of the shared frontier honest, and ends the crawl when it drains.

Every ``REDIS_HEARTBEAT_SECONDS`` this extension

* releases the leases of requests the engine has finished (see
  :mod:`crawler.distributed.frontier`),
* refreshes the worker's ``alive`` key and puts the leases of workers whose key expired
  (killed, frozen longer than ``REDIS_WORKER_TTL``) back into the queue,
* nudges the engine, which otherwise looks at a scheduler it believes empty only every 5 s,
  so work other workers queued starts at once.

scrapy-redis workers idle forever by design. On ``spider_idle`` this worker stays open
(``DontCloseSpider``) until the whole run is drained: the shared queue empty and no worker,
dead or alive, holding a lease, continuously for ``REDIS_IDLE_CLOSE_SECONDS``. The first worker
to see that marks the run finished, so the next worker started begins a new run.

Releasing and nudging use the engine's in-progress set (``engine._slot``): Scrapy 2.19 has no
public way to learn that a request is completely handled, items included.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import redis
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.utils.asyncio import create_looping_call
from scrapy.utils.defer import deferred_from_coro

from crawler.distributed.connection import (
    credentials_refusal,
    redis_url,
    refused_what,
    shown_url,
)
from crawler.distributed.deferral import REQUEUED, defer_error
from crawler.distributed.frontier import requeue
from crawler.distributed.scheduler import DistributedScheduler
from crawler.distributed.tls import certificate_refusal
from crawler.extensions.run_verdict import (
    FRONTIER_LOST,
    ITEM_ERROR_DEFERRED,
    REDIS_AUTH_REFUSED,
    REDIS_CERTIFICATE_REFUSED,
    REDIS_UNAVAILABLE,
    SPIDER_ERROR_DEFERRED,
)

logger = logging.getLogger(__name__)


class FrontierMonitor:
    def __init__(self, crawler: Any) -> None:
        if not redis_url(crawler.settings):
            raise NotConfigured("REDIS_URL is not set")
        self.crawler = crawler
        self.interval = crawler.settings.getfloat("REDIS_HEARTBEAT_SECONDS", 1.0)
        self.idle_close = crawler.settings.getfloat("REDIS_IDLE_CLOSE_SECONDS", 30.0)
        self.worker_ttl = crawler.settings.getfloat("REDIS_WORKER_TTL", 30.0)
        self.idle_since: float | None = None
        self.failing_since: float | None = None  # Redis has not answered since
        self.closing = False
        self.loop: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> FrontierMonitor:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.spider_error, signal=signals.spider_error)
        crawler.signals.connect(ext.item_error, signal=signals.item_error)
        return ext

    def spider_error(self, failure: Any, response: Any) -> None:
        """A callback (or its output: the known-article check of a feed's links) failed on
        Redis: its request is fetched again, its output then queued (the rest deduplicated).
        Counted by type beside Scrapy's ``spider_exceptions/``: the verdict discounts it."""
        defer_error(self.crawler, SPIDER_ERROR_DEFERRED, getattr(response, "request", None),
                    failure.value)

    def item_error(self, failure: Any, response: Any) -> None:
        """An item pipeline failed on Redis (the article state not read or written): the
        article's request is fetched again rather than its item lost."""
        defer_error(self.crawler, ITEM_ERROR_DEFERRED, getattr(response, "request", None),
                    failure.value)

    @property
    def scheduler(self) -> DistributedScheduler | None:
        scheduler = self.crawler.engine.scheduler if self.crawler.engine else None
        return scheduler if isinstance(scheduler, DistributedScheduler) else None

    def _engine_slot(self) -> Any:
        return getattr(self.crawler.engine, "_slot", None)

    def settle(self) -> None:
        """Release finished leases; return deferred ones (:mod:`.deferral`) to the queue."""
        scheduler, slot = self.scheduler, self._engine_slot()
        if scheduler is not None and slot is not None:
            requeued = scheduler.requeue_deferred(slot.inprogress)
            if requeued:
                self.crawler.stats.inc_value(REQUEUED, requeued)
                logger.info("Redis answers again: %d deferred requests are back in the shared "
                            "queue", requeued)
            released = scheduler.settle(slot.inprogress)
            if released:
                self.crawler.stats.inc_value("distributed/leases_released", released)

    def spider_opened(self) -> None:
        self.loop = create_looping_call(self.tick)
        self.loop.start(self.interval, now=False)

    def spider_closed(self) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()

    def tick(self) -> None:
        scheduler = self.scheduler
        if scheduler is None or scheduler.keys is None or self.closing:
            return
        if scheduler.refusal is not None:  # met elsewhere: the heartbeat may not meet it
            self.redis_failed(scheduler.refusal)
            return
        try:
            intact = scheduler.heartbeat()
            if intact:
                self.settle()
                self.recover_dead(scheduler)
        except redis.RedisError as exc:  # a Redis hiccup must not kill the loop: retried
            self.redis_failed(exc)
            return
        except Exception:
            logger.exception("Distributed frontier upkeep failed")
            return
        self.failing_since = None
        if not intact:
            logger.error("The shared frontier of run %s of %s is gone from Redis (restarted "
                         "without persistence, or flushed?): the requests queued in it will not "
                         "be fetched by this run. Closing this worker; the next run reads the "
                         "feeds again.", scheduler.keys.run, scheduler.spider.name)
            self.close(FRONTIER_LOST)
            return
        slot = self._engine_slot()
        if slot is not None and slot.closing is None:
            slot.nextcall.schedule()

    def redis_failed(self, exc: Exception) -> None:
        """Redis did not answer: retry each tick, give up after ``REDIS_WORKER_TTL`` (by then
        other workers take this one's leases anyway). A TLS certificate not trusted, or
        credentials refused, is no outage: stop at once, saying why."""
        if self.certificate_refused(exc) or self.credentials_refused(exc):
            return
        now = time.monotonic()
        self.failing_since = self.failing_since or now
        if now - self.failing_since < self.worker_ttl:
            logger.warning("Redis did not answer (%s): retrying", exc)
            return
        logger.error("Redis has not answered for %.0f s (%s): closing this worker; its "
                     "unfinished requests stay leased in Redis for the other workers or the next "
                     "run", now - self.failing_since, exc)
        self.close(REDIS_UNAVAILABLE)

    def certificate_refused(self, exc: Exception) -> bool:
        """Close the worker when ``exc`` is Redis' certificate refused (expired, replaced by
        one of another CA): whether it was."""
        why = certificate_refusal(exc)
        if why is None:
            return False
        logger.error("Redis at REDIS_URL=%s now presents a TLS certificate this worker does not "
                     "trust (certificate verify failed: %s): closing this worker. Renew the "
                     "server's certificate, or give the CA that signed the new one as "
                     "?ssl_ca_certs=; the unfinished requests stay leased in Redis for the next "
                     "worker.", shown_url(redis_url(self.crawler.settings)), why)
        self.close(REDIS_CERTIFICATE_REFUSED)
        return True

    def credentials_refused(self, exc: Exception) -> bool:
        """Close the worker when Redis refuses its credentials (password changed, ACL user
        disabled, its commands or keys revoked): whether it did."""
        refusal = credentials_refusal(exc)
        if refusal is None:
            return False
        shown = shown_url(redis_url(self.crawler.settings))
        what = refused_what(refusal)
        fix = ("Grant its ACL user the commands and keys the crawl needs (the run's keys and "
               "the article state's, STATE_REDIS_PREFIX)") if what == "permissions" else (
            "Give the current password in REDIS_URL (redis://:PASSWORD@host:port/db, or "
            "redis://USER:PASSWORD@… for an ACL user), or enable the ACL user again")
        logger.error("Redis at REDIS_URL=%s refused this worker's %s (%s): closing this "
                     "worker. %s; the unfinished requests stay leased in Redis for the next "
                     "worker.", shown, what, refusal, fix)
        self.close(REDIS_AUTH_REFUSED)
        return True

    def close(self, reason: str) -> None:
        self.closing = True
        if self.scheduler is not None:  # requests deferred from now on wait for another worker
            self.scheduler.stopping = reason
        self.crawler.stats.set_value(f"distributed/{reason}", 1)
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=reason))

    def recover_dead(self, scheduler: DistributedScheduler) -> None:
        keys, server = scheduler.keys, scheduler.server
        assert keys is not None
        members = [m.decode() for m in server.smembers(keys.workers)]
        others = [w for w in members if w != scheduler.worker_id]
        if not others:
            return
        pipe = server.pipeline(transaction=False)
        for worker in others:
            pipe.exists(keys.alive(worker))
        for worker, alive in zip(others, pipe.execute(), strict=True):
            if alive:
                continue
            returned = requeue(server, keys, worker)
            server.srem(keys.workers, worker)
            if returned:
                self.crawler.stats.inc_value("distributed/requeued", returned)
                logger.warning("Worker %s stopped answering: %d of its requests are back in the "
                               "shared queue", worker, returned)

    def pending(self, scheduler: DistributedScheduler) -> int:
        """Requests queued or leased by any worker of the run."""
        keys, server = scheduler.keys, scheduler.server
        assert keys is not None
        workers = [m.decode() for m in server.smembers(keys.workers)]
        pipe = server.pipeline(transaction=False)
        pipe.zcard(keys.queue)
        for worker in workers:
            pipe.hlen(keys.inflight(worker))
        return sum(int(n) for n in pipe.execute())

    def spider_idle(self) -> None:
        scheduler = self.scheduler
        if scheduler is None or scheduler.keys is None:
            return
        if self.closing:
            return
        try:
            self.settle()
            if stale := scheduler.reclaim_stale():
                self.crawler.stats.inc_value("distributed/stale_leases_requeued", stale)
            pending = self.pending(scheduler)
        except redis.RedisError as exc:  # not drained as far as anyone knows: the tick retries
            scheduler.note_refusal(exc)
            self.idle_since = None
            raise DontCloseSpider from None
        if pending:
            self.idle_since = None
            raise DontCloseSpider
        now = time.monotonic()
        self.idle_since = self.idle_since or now
        if now - self.idle_since < self.idle_close:
            raise DontCloseSpider
        scheduler.server.set(scheduler.keys.finished, "1")
        logger.info("Shared frontier of run %s empty for %.0f s: closing", scheduler.keys.run,
                    now - self.idle_since)
