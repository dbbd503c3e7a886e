"""scrapy-redis scheduler and dupefilter, keyed per run, with leased pops.

What "seen" means: a request's fingerprint enters the run's dupefilter when it is first
queued, as in scrapy-redis, and stays for the whole run. That is safe because a popped request
is never forgotten (it is a lease, see :mod:`crawler.distributed.frontier`) and a run's
fingerprints are dropped when the next run starts. So every worker may yield the spider's
start requests (feeds, listings): within a run only the first copy is queued, and the next
scheduled run reads them again. Articles known from earlier runs are skipped by the shared
state store, exactly as on one machine.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import socket
import uuid
from contextlib import suppress
from typing import Any

import redis
from scrapy import Request, Spider, signals
from scrapy.exceptions import CloseSpider
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

from crawler.distributed.connection import (
    RedisUnavailable,
    connect,
    redis_client,
    refused,
    shown_url,
)
from crawler.distributed.frontier import LeasedQueue, RunKeys, join_run, requeue, run_state
from crawler.extensions.run_verdict import RUN_MISMATCH
from crawler.state.jobdir import job_identity

logger = logging.getLogger(__name__)


# Add a fingerprint, saying whether this call added it. ARGV[2] (new for each call) makes it
# safe to send again: when Redis ran SADD but the reply was lost (a connection reset, a
# restart), the client's retry found the fingerprint there and the request was dropped as
# seen, never queued by anyone: an article lost. The last add of each filter (ARGV[3]) is
# kept in the run's hash KEYS[2], so the retry of that same call is told it added it.
_ADD_ONCE = """
local mark = ARGV[2] .. '|' .. ARGV[1]
if redis.call('SADD', KEYS[1], ARGV[1]) == 1 then
  redis.call('HSET', KEYS[2], ARGV[3], mark)
  return 1
end
if redis.call('HGET', KEYS[2], ARGV[3]) == mark then return 1 end
return 0
"""


class RedisRunDupeFilter(RFPDupeFilter):
    """scrapy-redis' fingerprint set, one per run (``<spider>:<run>:dupefilter``), whose
    adds are safe to retry (``_ADD_ONCE``)."""

    @classmethod
    def for_run(cls, server: redis.Redis, keys: RunKeys,
                debug: bool = False) -> RedisRunDupeFilter:
        return cls(server, key=keys.dupefilter, debug=debug)

    def __init__(self, server: redis.Redis, key: str, debug: bool = False) -> None:
        super().__init__(server, key=key, debug=debug)
        self.last_adds, self.me = f"{key}:last-adds", uuid.uuid4().hex
        self._calls = itertools.count(1)

    def request_seen(self, request: Request, call: int | None = None) -> bool:
        """Whether ``request`` was seen in the run (else it is added now). ``call``, from
        :meth:`next_call`, sends a failed add again: its own add, if Redis ran it, is "added"."""
        fp = self.request_fingerprint(request)
        return not self.server.eval(_ADD_ONCE, 2, self.key, self.last_adds, fp,
                                    call if call is not None else self.next_call(), self.me)

    def next_call(self) -> int:
        return next(self._calls)

    def close(self, reason: str = "") -> None:
        """Keep the fingerprints: other workers and restarts of this run still need them."""


class DistributedScheduler(Scheduler):
    """Shared frontier: join (or start) the spider's current run, lease requests from it."""

    def __init__(self, server: redis.Redis, **kwargs: Any) -> None:
        kwargs["persist"] = True  # a run outlives any one worker; runs end by being finished
        kwargs["flush_on_start"] = False
        super().__init__(server, **kwargs)
        self.worker_id = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.keys: RunKeys | None = None
        self.crawler: Any = None
        self.stopping: str | None = None  # why the worker closes (the frontier monitor's)
        self.refusal: Exception | None = None  # Redis refused this worker: it stops
        # Handed over while Redis failed (enqueue_request), each with the dupefilter add to
        # send at the flush, or None: queued regardless (its own enqueue failed, or dont_filter).
        self.unqueued: list[tuple[Request, int | None]] = []

    @classmethod
    def from_crawler(cls, crawler: Any) -> DistributedScheduler:
        try:
            connect(crawler.settings)
            instance = cls.from_settings(crawler.settings)
            instance.server = redis_client(crawler.settings)  # rides out a Redis restart
        except redis.RedisError as exc:
            url = shown_url(crawler.settings.get("REDIS_URL"))
            raise RedisUnavailable(f"Redis at REDIS_URL={url} failed: {exc}") from None
        instance.stats = crawler.stats
        instance.crawler = crawler
        crawler.distributed_scheduler = instance  # found there by crawler.distributed.deferral
        return instance

    def open(self, spider: Spider) -> None:
        self.spider = spider
        identity = json.dumps(job_identity(spider), sort_keys=True)
        keys, started, stored = join_run(self.server, spider.name, identity)
        if stored != identity:
            logger.error(
                "Run %s of %s in Redis crawls with arguments %s; this worker was started with "
                "arguments %s. Start it with the run's arguments, or after the run finished "
                "(to abandon the run: SET %s 1). Nothing was crawled.", keys.run, spider.name,
                json.dumps(json.loads(stored).get("arguments")),
                json.dumps(json.loads(identity).get("arguments")), keys.finished)
            # Refused once the spider is open, so that every component closes normally.
            self.crawler.signals.connect(self._refuse, signal=signals.spider_opened)
            return
        self.keys = keys
        self.queue = LeasedQueue(self.server, spider, self.keys.queue, self.serializer,
                                 inflight_key=self.keys.inflight(self.worker_id))
        self.df = RedisRunDupeFilter.for_run(self.server, self.keys,
                                             spider.settings.getbool("DUPEFILTER_DEBUG"))
        self.heartbeat()
        logger.info("Worker %s %s run %s of %s (%d requests queued)", self.worker_id,
                    "started" if started else "joined", self.keys.run, spider.name,
                    len(self.queue))
        if self.stats:
            self.stats.set_value("distributed/run", int(self.keys.run))
            self.stats.set_value("distributed/worker", self.worker_id)

    @property
    def run_id(self) -> str | None:
        """The id every worker of this run shares, for the WARC files' warcinfo (``run-id``):
        the run's number and its token (made once, by the worker that started the run, and
        never reused, where run numbers start again at 1 after Redis lost its keys); None
        before the run is joined or when it was refused."""
        if self.keys is None:
            return None
        return f"{self.keys.spider}-{self.keys.run}-{self.keys.token}"

    @property
    def rechecks_key(self) -> str | None:
        """Where the run counts the old-article re-checks its workers claimed
        (crawler.rechecks): the budget is the run's, not each worker's."""
        return None if self.keys is None else self.keys.rechecks

    def _refuse(self) -> None:
        raise CloseSpider(RUN_MISMATCH)

    def enqueue_request(self, request: Request) -> bool:
        """Queue ``request`` in the run. While Redis fails it waits here (``unqueued``) and
        is queued at the next :meth:`settle`: a redirect, retry or link the engine handed
        over was dropped (its parent's lease then released, the article lost for the run).
        Those handed over behind it wait too, unchecked: the flush asks the dupefilter."""
        if self.keys is None:
            return False
        if self.unqueued:
            self.unqueued.append(
                (request, None if request.dont_filter else self.df.next_call()))
            return True
        try:
            return super().enqueue_request(request)
        except redis.RedisError as exc:
            self.note_refusal(exc)
            self.unseen(request)
            self.unqueued.append((request, None))
            if self.stats:
                self.stats.inc_value("redis/enqueue_deferred")
            return True

    def unseen(self, request: Request) -> None:
        """Take back the fingerprint an enqueue that failed may have added (the dupefilter's
        add done, the push refused: Redis full). Kept, the request would live only in this
        worker; were it to leave first, its parent, fetched again elsewhere, would find it
        seen: lost for the run. A removal is let through by a full Redis; one Redis refuses
        leaves the add to be undone by :meth:`leave`, or the request queued at the next
        :meth:`settle` (which adds its fingerprint again)."""
        if not request.dont_filter:
            with suppress(redis.RedisError):
                self.server.srem(self.df.key, self.df.request_fingerprint(request))

    def flush_unqueued(self) -> None:
        """Queue the requests Redis failed to take, in order. One whose enqueue failed gets
        its fingerprint added (its add may have failed, or succeeded unanswered) and is
        queued either way; one held behind it passes the dupefilter first, as any request."""
        while self.unqueued:
            request, call = self.unqueued[0]
            if call is not None:
                if self.df.request_seen(request, call):
                    self.df.log(request, self.spider)
                    self.unqueued.pop(0)
                    continue
                self.unqueued[0] = (request, None)  # added: queued whatever happens next
            elif not request.dont_filter:
                self.server.sadd(self.df.key, self.df.request_fingerprint(request))
            self.queue.push(request)
            self.unqueued.pop(0)
            if self.stats:
                self.stats.inc_value("scheduler/enqueued/redis")

    def next_request(self) -> Request | None:
        """The next leased request; None while Redis fails (the frontier monitor says so and
        gives up after ``REDIS_WORKER_TTL``): the engine asks again soon."""
        if self.keys is None:
            return None
        try:
            return super().next_request()
        except redis.RedisError as exc:
            self.note_refusal(exc)
            return None

    def heartbeat(self) -> bool:
        """Tell other workers this one lives (and belongs to the run) for ``REDIS_WORKER_TTL``.
        False, and nothing written, when the run's keys are gone from Redis (its token differs:
        Redis restarted without persistence, or was flushed): the queue went with them."""
        assert self.keys is not None
        state = run_state(self.server, self.keys)
        if state != "live":
            return state == "finished"  # drained (the next run may have begun): nothing to renew
        ttl = self.spider.settings.getfloat("REDIS_WORKER_TTL", 30)
        pipe = self.server.pipeline()
        pipe.sadd(self.keys.workers, self.worker_id)
        pipe.set(self.keys.alive(self.worker_id), "1", px=int(ttl * 1000))
        pipe.execute()
        return True

    def close(self, reason: str) -> None:
        """Leave the run. The engine has finished every request by now (it waits for them
        before closing the scheduler), so all leases are released; whatever is still leased
        for another reason goes back to the queue rather than being lost. When Redis fails
        here (the worker closes because it did), the leases stay in Redis: one line says so,
        not Scrapy's 'Scheduler close failure' traceback after the error that closed it."""
        if self.keys is None:
            return
        try:
            self.leave()
        except redis.RedisError as exc:
            logger.warning("Could not leave run %s of %s in Redis (%s): this worker's "
                           "unfinished requests stay leased there for the next worker",
                           self.keys.run, self.spider.name, exc)

    def leave(self) -> None:
        """Release finished leases, requeue the rest, drop out of the run's workers."""
        assert self.keys is not None
        try:
            self.settle(frozenset())
        except redis.RedisError:
            for request, call in self.unqueued:  # its parents go back: let them find these
                if call is None:
                    self.unseen(request)
            raise
        returned = requeue(self.server, self.keys, self.worker_id)
        if returned:
            logger.info("Returned %d unfinished requests to the shared queue", returned)
        pipe = self.server.pipeline()
        pipe.srem(self.keys.workers, self.worker_id)
        pipe.delete(self.keys.alive(self.worker_id))
        pipe.execute()

    def settle(self, in_progress: set[Request] | frozenset[Request]) -> int:
        """Release leases of requests the engine has finished with, once the requests they
        yielded are queued: a parent is released only after its children are safe."""
        if self.keys is None:
            return 0
        self.flush_unqueued()
        return self.queue.settle(in_progress)

    def reclaim_stale(self) -> int:
        """Leases Redis holds for this worker while it holds none: requests it finished, whose
        leases a Redis restored from an older snapshot brought back. Counted as pending, they
        kept every worker of the run idle and waiting, forever; back in the shared queue,
        they are fetched again (the state store tells a page already exported). Called
        with the engine idle, so no lease of this worker is in use."""
        if self.keys is None or self.queue.leases or self.queue.kept or self.queue.deferred \
                or self.unqueued:
            return 0
        if not self.server.hlen(self.keys.inflight(self.worker_id)):
            return 0
        returned = requeue(self.server, self.keys, self.worker_id)
        if returned:
            logger.warning("Redis held %d lease(s) of this worker that it no longer holds "
                           "(Redis restored from an older snapshot?): they are back in the "
                           "shared queue", returned)
        return returned

    def defer(self, request: Request) -> bool:
        """Keep ``request`` leased: its processing failed because Redis failed, so it is
        fetched again (:meth:`requeue_deferred`), not dropped. False if it holds no lease."""
        return self.keys is not None and self.queue.defer(request)

    def lease_of(self, request: Request) -> str | None:
        """``"leased"`` (this worker holds ``request``'s lease), ``"deferred"`` (kept for a
        Redis failure already: :meth:`defer`) or None (no lease: not from the shared queue)."""
        if self.keys is None:
            return None
        if request in self.queue.deferred:
            return "deferred"
        return "leased" if request in self.queue.leases else None

    def keep_unfinished(self, request: Request) -> bool:
        """Keep ``request`` leased however the engine lets go of it (its download was given
        up at shutdown, its answer held for later: crawler.sitecrawl): it goes back to the
        shared queue when this worker leaves the run (or dies), not away, and the run is not
        drained while it is kept. False if it holds no lease."""
        return self.keys is not None and self.queue.keep(request)

    def release_kept(self, request: Request, after: Request | None = None) -> bool:
        """The work of a request :meth:`keep_unfinished` kept was done after all (its held
        answer read): its lease is released once the engine has finished with ``after``, the
        request in whose callback it was done (:meth:`LeasedQueue.release_kept`), so it is
        not fetched again nor keeps the run from ending. False if none is kept."""
        return self.keys is not None and self.queue.release_kept(request, after)

    def requeue_deferred(self, in_progress: set[Request] | frozenset[Request]) -> int:
        """Return the deferred requests the engine has finished with to the shared queue,
        after the requests they handed over are queued (as :meth:`settle` does): requeued
        first, a parent could be fetched elsewhere, its children found seen, and this worker
        die holding them."""
        if self.keys is None:
            return 0
        self.flush_unqueued()
        return self.queue.requeue_deferred(in_progress)

    def has_pending_requests(self) -> bool:
        """Whether requests wait (Redis failing: as far as anyone knows, yes)."""
        if self.keys is None:
            return False
        try:
            return bool(self.unqueued) or len(self.queue) > 0
        except redis.RedisError as exc:
            self.note_refusal(exc)
            return True

    def note_refusal(self, exc: Exception) -> None:
        """Keep the first error of Redis refusing this worker (its credentials, permissions
        or TLS certificate: :func:`~crawler.distributed.connection.refused`), whichever
        command met it; the frontier monitor stops the worker at its next tick. Only the
        heartbeat's own failures stopped it, and an ACL user denied some keys alone (the
        article state's) kept its requests deferred and fetched again forever."""
        if self.refusal is None and refused(exc):
            self.refusal = exc
