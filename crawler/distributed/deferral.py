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

from crawler.distributed.connection import (
    REFUSALS,
    credentials_refusal,
    refused,
    refused_what,
)
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


def note_refusal(crawler: Any, exc: BaseException | None) -> None:
    """Tell the worker's scheduler when ``exc`` is Redis refusing this worker (credentials,
    permissions, TLS certificate), met on any path: the frontier monitor stops the worker at
    its next tick. Refused only the article state's keys, the heartbeat went on answering and
    every request was deferred, requeued and fetched again, forever."""
    note = getattr(getattr(crawler, "distributed_scheduler", None), "note_refusal", None)
    if note is not None and exc is not None and refused(exc):
        note(exc)


# One line per deferred request or error: the URL, what failed on Redis, what comes next.
# Matched by crawler.logformatter, which drops the traceback Scrapy attaches to an error.
DEFERRED_LINE = "Redis failed while processing %(url)s (%(cause)s): %(next)s"


def deferrable(crawler: Any, request: Any, exc: BaseException | None) -> redis.RedisError | None:
    """The Redis failure ``exc`` comes of, when it defers ``request`` (:func:`defer_request`:
    a lease of this worker's, deferred already or not); None for any other error, outside
    distributed mode, or for a request that holds no lease (not from the shared queue)."""
    cause = redis_cause(exc)
    if cause is None or request is None:
        return None
    lease_of = getattr(getattr(crawler, "distributed_scheduler", None), "lease_of", None)
    return cause if lease_of is not None and lease_of(request) is not None else None


def defer_request(crawler: Any, request: Any, exc: BaseException | None,
                  log: bool = True) -> bool:
    """Keep ``request`` leased when ``exc`` comes from a Redis outage: whether it was (or
    is already). False (the caller handles the failure as usual) when :func:`deferrable`
    says no. ``log``: say so in :data:`DEFERRED_LINE` (else the caller's log line does)."""
    note_refusal(crawler, exc)
    cause = deferrable(crawler, request, exc)
    if cause is None:
        return False
    if crawler.distributed_scheduler.defer(request):  # newly: once per request
        crawler.stats.inc_value(DEFERRED)
        if log:
            logger.warning(DEFERRED_LINE, deferred_args(crawler, request, exc, cause))
    return True


def defer_error(crawler: Any, prefix: str, request: Any, exc: BaseException) -> bool:
    """A spider callback's or item pipeline's error that :func:`defer_request` defers is
    counted in ``prefix`` + its type (``redis/spider_error_deferred/``,
    ``redis/item_error_deferred/``), which the run verdict discounts: whether it was. Its
    log line is the log formatter's (:func:`deferred_error_log`), in place of Scrapy's."""
    if not defer_request(crawler, request, exc, log=False):
        return False
    crawler.stats.inc_value(prefix + exc.__class__.__name__)
    return True


def deferred_error_log(crawler: Any, request: Any, exc: BaseException,
                       where: str) -> dict[str, Any] | None:
    """The log formatter's entry for an error ``where`` (a spider callback, an item pipeline)
    that :func:`defer_error` is about to defer: one WARNING line, URL and reason, no
    traceback; None (Scrapy's ERROR) for any other."""
    cause = deferrable(crawler, request, exc)
    if cause is None:
        return None
    args = deferred_args(crawler, request, exc, cause)
    args["cause"] = f"{where}: {args['cause']}"
    return {"level": logging.WARNING, "msg": DEFERRED_LINE, "args": args}


def deferred_args(crawler: Any, request: Any, exc: BaseException | None,
                  cause: redis.RedisError) -> dict[str, Any]:
    return {"url": request.url, "cause": str(cause) or cause.__class__.__name__,
            "next": what_next(crawler, exc)}


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
    credentials or permissions (:func:`refused_what`, as the frontier monitor says) or TLS
    certificate (``exc`` says so before the frontier monitor does), or
    the worker is closing already (:attr:`DistributedScheduler.stopping`)."""
    if certificate_refusal(exc) is not None:
        return "Redis presents a TLS certificate it does not trust"
    refusal = credentials_refusal(exc)
    if refusal is not None:
        return f"Redis refused its {refused_what(refusal)}"
    scheduler = getattr(crawler, "distributed_scheduler", None)
    return getattr(scheduler, "stopping", None)
