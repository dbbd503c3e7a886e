"""A request whose processing failed because Redis failed is deferred, never failed.

While Redis is down longer than ``REDIS_RETRY_SECONDS`` (or refuses this worker's TLS or
credentials, which stops the worker), every
Redis call made on a request's behalf fails: the article state looked up for its answer
(:mod:`crawler.spidermiddlewares.removals`), the known-article check of the links a feed
yields, the state written for its item. Such a failure says nothing of the article: its
request keeps its lease (:meth:`~crawler.distributed.scheduler.DistributedScheduler.defer`),
is counted in ``redis/request_deferred`` (not ``articles/failed/*``) and goes back to the
shared queue once Redis answers (or, should this worker close first, stays leased in Redis
for the next worker), so it is fetched again. Its warning says which: a worker that Redis
refused (credentials, certificate), or that is closing already, waits for no answer.
"""

from __future__ import annotations

import logging
from typing import Any

import redis

from crawler.distributed.connection import REFUSALS, credentials_refusal
from crawler.distributed.tls import cause_of, certificate_refusal

logger = logging.getLogger(__name__)

DEFERRED = "redis/request_deferred"
REQUEUED = "redis/request_requeued"

# Redis (or the way to it) is out for now: the same call answers once it is back. Any other
# Redis error (a value it cannot take, a key of the wrong type, an unknown script) recurs at
# every processing of the same request: deferring it refetched that request forever.
OUTAGE_ERRORS: tuple[type[redis.RedisError], ...] = (
    redis.ConnectionError,  # down, refused, TLS refused, loading (BusyLoadingError)
    redis.TimeoutError,
    redis.exceptions.ReadOnlyError,  # a replica during a failover
    redis.exceptions.TryAgainError,
    redis.exceptions.ClusterDownError,
)


def redis_cause(exc: BaseException | None) -> redis.RedisError | None:
    """The Redis outage error ``exc`` is or was raised from (``__cause__``/``__context__``),
    if any: one of :data:`OUTAGE_ERRORS`, or Redis refusing this worker's credentials
    (:data:`~crawler.distributed.connection.REFUSALS`: the worker stops, its leases stay);
    never a Redis error of the request's own data."""
    return cause_of(exc, OUTAGE_ERRORS + REFUSALS)


def defer_request(crawler: Any, request: Any, exc: BaseException | None) -> bool:
    """Keep ``request`` leased when ``exc`` comes from a Redis outage: whether it was.
    False (the caller handles the failure as usual) for any other error, outside
    distributed mode, or for a request that holds no lease (not from the shared queue)."""
    cause = redis_cause(exc)
    if cause is None or request is None:
        return False
    defer = getattr(getattr(crawler, "distributed_scheduler", None), "defer", None)
    if defer is None or not defer(request):
        return False
    crawler.stats.inc_value(DEFERRED)
    logger.warning("Redis failed while processing %s (%s): %s", request.url, cause,
                   what_next(crawler, exc))
    return True


def what_next(crawler: Any, exc: BaseException | None) -> str:
    """What becomes of a deferred request: fetched again here once Redis answers, or, when
    this worker stops for a reason waiting does not mend, left leased for another."""
    why = stopping(crawler, exc)
    if why is None:
        return "the request stays leased and is fetched again once Redis answers"
    return (f"this worker is stopping ({why}): the request stays leased in Redis for the next "
            "worker or run")


def stopping(crawler: Any, exc: BaseException | None) -> str | None:
    """Why this worker stops rather than waits for Redis, if it does: Redis refused its
    credentials or TLS certificate (``exc`` says so before the frontier monitor does), or
    the worker is closing already (:attr:`DistributedScheduler.stopping`)."""
    if certificate_refusal(exc) is not None:
        return "Redis presents a TLS certificate it does not trust"
    if credentials_refusal(exc) is not None:
        return "Redis refused its credentials"
    scheduler = getattr(crawler, "distributed_scheduler", None)
    return getattr(scheduler, "stopping", None)
