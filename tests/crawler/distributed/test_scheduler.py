"""The distributed scheduler on a real redis-server, while Redis fails."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import redis
from scrapy import Request, Spider
from scrapy.utils.test import get_crawler

from crawler.distributed.addon import DERIVED
from crawler.distributed.scheduler import DistributedScheduler
from tests.crawler.distributed.test_frontier import _FailToSend
from tests.support.redis import RedisServer

DUPEFILTER = DERIVED["DUPEFILTER_CLASS"]


def _scheduler(server: RedisServer) -> tuple[Any, DistributedScheduler]:
    """A worker's scheduler, joined to run 1 of spider ``s``; its client never retries."""
    crawler = get_crawler(Spider, {"REDIS_URL": server.url, "REDIS_RETRY_SECONDS": 0,
                                   "DUPEFILTER_CLASS": DUPEFILTER})
    spider = Spider("s")
    spider.crawler, spider.settings = crawler, crawler.settings
    scheduler = DistributedScheduler.from_crawler(crawler)
    scheduler.open(spider)
    return crawler, scheduler


def test_a_request_redis_failed_to_queue_is_queued_before_its_parent_is_released(
        tmp_path: Path, monkeypatch) -> None:
    """A redirect, retry or link handed to the scheduler while Redis failed raised out of
    enqueue_request: Scrapy dropped it (the engine logs it at INFO) and its parent's lease
    was released, the article lost for the run. It waits in the worker instead and is
    queued, fingerprint and all, before any lease is released."""
    server = RedisServer(tmp_path)
    try:
        crawler, scheduler = _scheduler(server)
        assert scheduler.enqueue_request(Request("http://ex.org/parent"))
        parent = scheduler.next_request()
        _FailToSend(monkeypatch, "EVAL")  # the fingerprint's add never reaches Redis
        assert scheduler.enqueue_request(Request("http://ex.org/redirected"))
        assert scheduler.enqueue_request(Request("http://ex.org/next"))  # waits behind it
        assert scheduler.has_pending_requests()
        keys = scheduler.keys
        assert server.client.zcard(keys.queue) == 0
        assert scheduler.settle(frozenset()) == 1  # children queued, then the parent released
        assert server.client.hlen(keys.inflight(scheduler.worker_id)) == 0
        assert {scheduler.next_request().url for _ in range(2)} == {
            "http://ex.org/redirected", "http://ex.org/next"}
        assert not scheduler.enqueue_request(Request("http://ex.org/redirected"))  # seen
        assert parent.url == "http://ex.org/parent"
        assert crawler.stats.get_value("redis/enqueue_deferred") == 1
    finally:
        server.stop()


def test_a_pop_that_failed_on_redis_is_no_request_and_no_crash(tmp_path: Path,
                                                              monkeypatch) -> None:
    """The failed pop raised out of the engine's scheduling loop (a traceback each time)."""
    server = RedisServer(tmp_path)
    try:
        crawler, scheduler = _scheduler(server)
        scheduler.enqueue_request(Request("http://ex.org/a"))
        _FailToSend(monkeypatch, "EVAL")
        assert scheduler.next_request() is None
        assert scheduler.next_request().url == "http://ex.org/a"
    finally:
        server.stop()


def test_a_deferred_request_goes_back_to_the_queue_only_after_its_children(
        tmp_path: Path, monkeypatch) -> None:
    """The deferred parent was requeued before the children it handed over while Redis
    failed: another worker could fetch it, find them seen, and this one die holding them."""
    server = RedisServer(tmp_path)
    try:
        crawler, scheduler = _scheduler(server)
        assert scheduler.enqueue_request(Request("http://ex.org/parent"))
        parent = scheduler.next_request()
        _FailToSend(monkeypatch, "EVAL")
        assert scheduler.enqueue_request(Request("http://ex.org/child"))  # waits
        assert scheduler.defer(parent)
        assert scheduler.requeue_deferred(frozenset()) == 1
        assert not scheduler.unqueued
        assert server.client.zcard(scheduler.keys.queue) == 2
    finally:
        server.stop()


def test_requests_handed_over_behind_a_held_one_still_pass_the_dupefilter(
        tmp_path: Path, monkeypatch) -> None:
    """Once one request waited in the worker, every later one skipped the dupefilter and was
    queued regardless: a link already queued (or fetched) in the run was fetched again. Only
    the request whose own enqueue failed is queued without asking the dupefilter."""
    server = RedisServer(tmp_path)
    try:
        crawler, scheduler = _scheduler(server)
        assert scheduler.enqueue_request(Request("http://ex.org/known"))
        assert scheduler.next_request().url == "http://ex.org/known"  # fetched
        assert scheduler.settle(frozenset()) == 1
        _FailToSend(monkeypatch, "EVAL")
        assert scheduler.enqueue_request(Request("http://ex.org/failed"))  # waits
        assert scheduler.enqueue_request(Request("http://ex.org/known"))  # waits, unchecked
        assert scheduler.enqueue_request(Request("http://ex.org/new"))
        assert scheduler.enqueue_request(Request("http://ex.org/known", dont_filter=True))
        scheduler.settle(frozenset())
        assert not scheduler.unqueued
        queued = iter(scheduler.next_request, None)
        assert sorted((r.url, r.dont_filter) for r in queued) == [
            ("http://ex.org/failed", False), ("http://ex.org/known", True),  # dont_filter: again
            ("http://ex.org/new", False)]
    finally:
        server.stop()


def test_a_held_request_whose_dupefilter_reply_was_lost_is_still_queued(
        tmp_path: Path, monkeypatch) -> None:
    """The add of a held request ran but its reply was lost: asked again at the next
    settle, it must be told "added" (its own add), not "seen" (dropped, queued by no one)."""
    from tests.crawler.distributed.test_frontier import _LoseOneReply

    server = RedisServer(tmp_path)
    try:
        crawler, scheduler = _scheduler(server)
        _FailToSend(monkeypatch, "EVAL")
        assert scheduler.enqueue_request(Request("http://ex.org/failed"))  # waits
        assert scheduler.enqueue_request(Request("http://ex.org/new"))  # waits, unchecked
        _LoseOneReply(monkeypatch, "EVAL")
        with pytest.raises(redis.ConnectionError):
            scheduler.settle(frozenset())
        scheduler.settle(frozenset())
        assert not scheduler.unqueued
        assert {scheduler.next_request().url for _ in range(2)} == {
            "http://ex.org/failed", "http://ex.org/new"}
    finally:
        server.stop()


def test_a_callback_error_deferred_on_redis_is_counted_as_deferred(tmp_path: Path) -> None:
    """The run verdict discounts these from spider_exceptions/ (no page was lost)."""
    from scrapy.http import HtmlResponse
    from twisted.python.failure import Failure

    from crawler.distributed.monitor import FrontierMonitor

    server = RedisServer(tmp_path)
    try:
        crawler, scheduler = _scheduler(server)
        scheduler.enqueue_request(Request("http://ex.org/feed"))
        request = scheduler.next_request()
        monitor = FrontierMonitor(crawler)
        response = HtmlResponse(request.url, body=b"", request=request)
        failure = Failure(redis.ConnectionError("Redis is down (test)"))
        monitor.spider_error(failure, response)
        monitor.spider_error(Failure(KeyError("no")), response)  # a bug: no deferral
        assert crawler.stats.get_value("redis/spider_error_deferred/ConnectionError") == 1
        assert crawler.stats.get_value("redis/spider_error_deferred/KeyError") is None
    finally:
        server.stop()


def _cert_refused() -> redis.ConnectionError:
    """redis-py's error for a server certificate not trusted (as it raises it)."""
    import ssl

    try:
        verify = ssl.SSLCertVerificationError(1, "certificate verify failed")
        verify.verify_message = "certificate has expired"
        try:
            raise verify
        except ssl.SSLError as exc:
            raise redis.ConnectionError("Error 1 connecting to 127.0.0.1:6380.") from exc
    except redis.ConnectionError as error:
        return error


@pytest.mark.parametrize("error", [
    redis.AuthenticationError("invalid username-password pair or user is disabled."),
    redis.exceptions.NoPermissionError("this user has no permissions to run the 'eval' command"),
    _cert_refused(),
], ids=["wrongpass", "noperm", "certificate"])
def test_a_request_deferred_by_a_worker_that_stops_says_it_stays_for_the_next_worker(
        tmp_path: Path, error: redis.RedisError, caplog: pytest.LogCaptureFixture) -> None:
    """Redis refusing the worker's credentials or certificate is no outage: the worker stops,
    nobody here fetches the request again 'once Redis answers'. Its lease waits in Redis."""
    from crawler.distributed.deferral import defer_request

    server = RedisServer(tmp_path)
    try:
        crawler, scheduler = _scheduler(server)
        scheduler.enqueue_request(Request("http://ex.org/article"))
        request = scheduler.next_request()
        with caplog.at_level("WARNING"):
            assert defer_request(crawler, request, error)
    finally:
        server.stop()
    [line] = [r.getMessage() for r in caplog.records if "http://ex.org/article" in r.getMessage()]
    assert "stays leased in Redis for the next worker or run" in line, line
    assert "once Redis answers" not in line, line


def test_a_request_deferred_while_the_worker_closes_says_it_stays_for_the_next_worker(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """An outage, but the worker is closing already (Redis silent for REDIS_WORKER_TTL, or a
    refusal seen first): this worker will not be there when Redis answers."""
    from crawler.distributed.deferral import defer_request

    server = RedisServer(tmp_path)
    try:
        crawler, scheduler = _scheduler(server)
        for url in ("http://ex.org/a", "http://ex.org/b"):
            scheduler.enqueue_request(Request(url))
        first, second = scheduler.next_request(), scheduler.next_request()
        outage = redis.ConnectionError("Connection refused")
        with caplog.at_level("WARNING"):
            assert defer_request(crawler, first, outage)
            scheduler.stopping = "redis_unavailable"
            assert defer_request(crawler, second, outage)
    finally:
        server.stop()
    lines = {r.getMessage().split(" (")[0]: r.getMessage() for r in caplog.records
             if "Redis failed while processing" in r.getMessage()}
    assert "fetched again once Redis answers" in lines[
        f"Redis failed while processing {first.url}"]
    closing = lines[f"Redis failed while processing {second.url}"]
    assert "redis_unavailable" in closing and "next worker or run" in closing, closing


def test_callback_and_item_errors_deferred_on_redis_are_one_warning_each(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Both went out as Scrapy's ERROR with a traceback (log_count/ERROR: the 'errors above
    N' alarm after an outage that lost nothing). Through the project's log formatter and
    Scrapy's scraper logger, each is one WARNING line naming the URL and the reason; a second
    item of a page deferred already is deferred too (its page is fetched again); any other
    error stays Scrapy's ERROR."""
    import logging

    from scrapy.http import HtmlResponse
    from scrapy.utils.log import logformatter_adapter
    from twisted.python.failure import Failure

    from crawler.distributed.monitor import FrontierMonitor
    from crawler.logformatter import ArchiveLogFormatter

    server = RedisServer(tmp_path)
    try:
        crawler, scheduler = _scheduler(server)
        scheduler.enqueue_request(Request("http://ex.org/article"))
        request = scheduler.next_request()
        monitor, formatter = FrontierMonitor(crawler), ArchiveLogFormatter.from_crawler(crawler)
        response = HtmlResponse(request.url, body=b"", request=request)
        scraper = logging.getLogger("scrapy.core.scraper")

        def item_error(exc: Exception) -> None:  # as Scrapy's scraper does
            try:
                raise exc
            except Exception:
                scraper.log(*logformatter_adapter(formatter.item_error({}, exc, response, None)),
                            exc_info=True)
                monitor.item_error(Failure(), response)

        outage = redis.ConnectionError("Error 111 connecting to 127.0.0.1:1. Connection refused.")
        with caplog.at_level(logging.INFO):
            item_error(outage)
            item_error(redis.ConnectionError("Connection refused"))  # its second item
            failure = Failure(redis.TimeoutError("Timeout reading from socket"))
            scraper.log(*logformatter_adapter(formatter.spider_error(
                failure, request, response, None)), exc_info=(
                failure.type, failure.value, failure.getTracebackObject()))
            monitor.spider_error(failure, response)
            item_error(KeyError("a bug"))
    finally:
        server.stop()
    records = [r for r in caplog.records if r.name == "scrapy.core.scraper"]
    deferred, other = records[:3], records[3]
    assert all(r.levelno == logging.WARNING and r.exc_info is None and
               "http://ex.org/article" in r.getMessage() for r in deferred), deferred
    assert "item pipeline: Error 111 connecting" in deferred[0].getMessage()
    assert "spider callback: Timeout reading from socket" in deferred[2].getMessage()
    assert "fetched again once Redis answers" in deferred[0].getMessage()
    assert other.levelno == logging.ERROR and other.exc_info is not None
    stats = crawler.stats
    assert stats.get_value("redis/item_error_deferred/ConnectionError") == 2
    assert stats.get_value("redis/spider_error_deferred/TimeoutError") == 1
    assert stats.get_value("redis/item_error_deferred/KeyError") is None
    assert stats.get_value("redis/request_deferred") == 1  # one request, fetched again once


def _refuse(*args: Any, **kwargs: Any) -> None:
    raise redis.exceptions.NoPermissionError(
        "this user has no permissions to access one of the keys used as arguments")


@pytest.mark.parametrize("path", ["request", "pop", "enqueue"])
def test_a_refusal_met_off_the_heartbeat_stops_the_worker_at_the_next_tick(
        tmp_path: Path, monkeypatch, path: str, caplog: pytest.LogCaptureFixture) -> None:
    """An ACL user denied some keys only (the article state's): the heartbeat still
    answered, so the monitor never stopped the worker, and every request whose state lookup
    was refused NOPERM was deferred, requeued and fetched again, forever. A refusal met by
    any command (a request's processing, a pop, an enqueue) stops it at the next tick, with
    the heartbeat's reason and error."""
    from types import SimpleNamespace

    from crawler.distributed.deferral import defer_request
    from crawler.distributed.monitor import FrontierMonitor

    server = RedisServer(tmp_path)
    try:
        crawler, scheduler = _scheduler(server)
        scheduler.enqueue_request(Request("http://ex.org/article"))
        request = scheduler.next_request()
        crawler.engine = SimpleNamespace(scheduler=scheduler, _slot=None)
        monitor = FrontierMonitor(crawler)
        closed: list[str] = []
        monkeypatch.setattr(monitor, "close", closed.append)
        monitor.tick()
        assert closed == []  # Redis answers the heartbeat
        if path == "request":
            defer_request(crawler, request, _refused_error())
        elif path == "pop":
            monkeypatch.setattr(scheduler.queue, "pop", _refuse)
            assert scheduler.next_request() is None
        else:
            monkeypatch.setattr(scheduler.queue, "push", _refuse)
            assert scheduler.enqueue_request(Request("http://ex.org/link"))
        with caplog.at_level("ERROR"):
            monitor.tick()
    finally:
        server.stop()
    assert closed == ["redis_auth_refused"]
    [line] = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert "refused this worker's permissions (this user has no permissions" in line, line
    assert "Grant its ACL user the commands and keys" in line and "password" not in line, line


def _refused_error() -> redis.RedisError:
    try:
        _refuse()
    except redis.RedisError as error:
        return error
    raise AssertionError


def test_a_request_whose_push_failed_after_its_fingerprint_was_added_is_not_seen(
        tmp_path: Path, monkeypatch) -> None:
    """Redis full between the dupefilter's add and the push: the link lived only in the
    worker, which then closed; its parent, fetched again by another worker, found the link
    seen, and the article was lost for a run called healthy."""
    server = RedisServer(tmp_path)
    try:
        _, scheduler = _scheduler(server)
        assert scheduler.enqueue_request(Request("http://ex.org/feed"))
        scheduler.next_request()
        _FailToSend(monkeypatch, "ZADD")  # the add went through, the push did not
        assert scheduler.enqueue_request(Request("http://ex.org/article"))
        keys = scheduler.keys
        assert server.client.scard(scheduler.df.key) == 1  # the feed's alone
        monkeypatch.undo()
        # the worker dies holding it; another fetches the feed again and finds the link new
        _, other = _scheduler(server)
        assert other.keys == keys
        assert other.enqueue_request(Request("http://ex.org/article"))
        assert other.next_request().url == "http://ex.org/article"
    finally:
        server.stop()


def test_leases_a_restored_redis_brought_back_go_back_to_the_queue(tmp_path: Path) -> None:
    """Redis restarted from an older snapshot holds the leases of requests this worker
    finished since: counted as pending, they kept every worker idle and waiting, forever."""
    server = RedisServer(tmp_path)
    try:
        _, scheduler = _scheduler(server)
        assert scheduler.enqueue_request(Request("http://ex.org/feed"))
        scheduler.next_request()
        inflight = scheduler.keys.inflight(scheduler.worker_id)
        snapshot = server.client.hgetall(inflight)  # what the snapshot holds
        assert scheduler.settle(frozenset()) == 1  # done and released
        assert scheduler.reclaim_stale() == 0  # nothing stale: nothing moves
        server.client.hset(inflight, mapping=snapshot)  # the restore brings the lease back
        assert scheduler.reclaim_stale() == 1
        assert server.client.hlen(inflight) == 0
        assert scheduler.next_request().url == "http://ex.org/feed"  # fetched again
        assert scheduler.reclaim_stale() == 0  # a lease it holds is no stale one
    finally:
        server.stop()


def test_a_kept_lease_goes_once_the_request_that_read_its_answer_is_done(tmp_path: Path) -> None:
    """An answer held for later (crawler.sitecrawl.hold) keeps its lease when the engine lets
    go of it: released as finished, a worker stopped before reading it lost it for the run;
    kept, it is no stale lease either. Read (release_kept), it is released once the request
    in whose callback it was read is done: still kept, it went back to the queue and was
    fetched again, or counted as pending, and the run never ended."""
    server = RedisServer(tmp_path)
    try:
        _, scheduler = _scheduler(server)
        assert scheduler.enqueue_request(Request("http://ex.org/article"))
        held = scheduler.next_request()
        inflight = scheduler.keys.inflight(scheduler.worker_id)
        assert scheduler.keep_unfinished(held)
        assert scheduler.settle(frozenset()) == 0  # the engine let go of it: kept
        assert scheduler.reclaim_stale() == 0  # a lease this worker holds, no stale one
        assert server.client.hlen(inflight) >= 1
        carrier = Request("http://ex.org/feed")  # whose callback reads the held answer
        assert scheduler.release_kept(held, carrier)
        assert not scheduler.release_kept(held, carrier)  # let go once
        assert scheduler.settle({carrier}) == 0  # its items are not exported yet
        assert scheduler.settle(frozenset()) == 1
        assert server.client.hlen(inflight) == 0
        assert scheduler.next_request() is None  # not fetched again
        scheduler.close("finished")
        assert server.client.zcard(scheduler.keys.queue) == 0
    finally:
        server.stop()


def test_a_kept_lease_never_read_goes_back_to_the_queue_when_the_worker_leaves(
        tmp_path: Path) -> None:
    server = RedisServer(tmp_path)
    try:
        _, scheduler = _scheduler(server)
        assert scheduler.enqueue_request(Request("http://ex.org/article"))
        assert scheduler.keep_unfinished(scheduler.next_request())
        assert scheduler.settle(frozenset()) == 0
        scheduler.close("shutdown")
        _, other = _scheduler(server)
        assert other.next_request().url == "http://ex.org/article"
    finally:
        server.stop()
