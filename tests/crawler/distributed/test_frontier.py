"""The run bookkeeping in Redis, on a real redis-server."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis

from crawler.distributed.frontier import clear_run, join_run, run_is_lost
from tests.support.redis import RedisServer


def test_a_finished_run_followed_by_the_next_is_not_lost_but_a_wiped_one_is(
        tmp_path: Path) -> None:
    """The next run's first worker deletes the finished run's token while that run's other
    workers are still closing: they must close as drained, not as 'frontier lost'."""
    server = RedisServer(tmp_path)
    try:
        first, started, _ = join_run(server.client, "belta", "identity")
        assert started and not run_is_lost(server.client, first)
        server.client.set(first.finished, "1")
        second, started, _ = join_run(server.client, "belta", "identity")
        assert started and second.run != first.run
        assert server.client.get(first.token_key) is None  # the next run cleared it
        assert not run_is_lost(server.client, first)
        server.restart()  # without persistence: every key gone, nothing finished
        assert run_is_lost(server.client, second)
    finally:
        server.stop()


def test_an_abandoned_run_is_cleared_but_never_while_a_worker_lives(tmp_path: Path) -> None:
    server = RedisServer(tmp_path)
    client = server.client
    try:
        keys, _, _ = join_run(client, "belta", "identity")
        client.zadd(keys.queue, {b"request-a": -5, b"request-b": 0})
        client.sadd(keys.dupefilter, "fp1", "fp2", "fp3")
        client.sadd(keys.workers, "w1", "w2")
        client.hset(keys.inflight("w1"), "1|0", b"request-c")
        client.set(keys.alive("w2"), "1", px=60_000)
        client.set("news-archive:state:article:x", "kept")  # no run's: never touched
        before = sorted(client.keys("belta:1:*"))

        refused = clear_run(client, "belta", 1)
        assert refused.live == ("w2",)
        assert sorted(client.keys("belta:1:*")) == before  # a live run loses nothing

        client.delete(keys.alive("w2"))  # its heartbeat expired: the run is abandoned
        cleared = clear_run(client, "belta", 1)
        assert (cleared.live, cleared.queued, cleared.leased, cleared.seen) == ((), 2, 1, 3)
        assert client.keys("belta:1:*") == [b"belta:1:finished"]
        assert client.get("news-archive:state:article:x") == b"kept"
        assert join_run(client, "belta", "identity")[0].run == "2"  # the next run begins
        assert not clear_run(client, "belta", 7).found  # no such run: nothing made up
        assert client.keys("belta:7:*") == []
    finally:
        server.stop()


def test_a_run_ended_by_hand_leaves_no_queue_behind_when_the_next_begins(tmp_path: Path) -> None:
    """``SET <spider>:<run>:finished 1`` ends a run whose dead workers left a queue and leases:
    the next run's start used to drop its fingerprints but keep those for good."""
    server = RedisServer(tmp_path)
    client = server.client
    try:
        keys, _, _ = join_run(client, "belta", "identity")
        client.zadd(keys.queue, {b"request-a": 0})
        client.sadd(keys.workers, "w1")
        client.hset(keys.inflight("w1"), "1|0", b"request-b")
        client.set(keys.finished, "1")
        assert join_run(client, "belta", "identity")[0].run == "2"
        assert client.keys("belta:1:*") == [b"belta:1:finished"]
    finally:
        server.stop()


class _LoseOneReply:
    """The reply to the next command whose name is ``command`` never arrives: Redis ran it
    (a connection reset, a restart, right after), and the client sends it again."""

    def __init__(self, monkeypatch, command: str) -> None:
        import redis.connection

        self.armed, self.lost = False, 0
        original_send = redis.connection.Connection.send_command
        original_read = redis.connection.Connection.read_response

        def send_command(conn, *args, **kwargs):
            self.armed = self.armed or (not self.lost and args and args[0] == command)
            return original_send(conn, *args, **kwargs)

        def read_response(conn, *args, **kwargs):
            response = original_read(conn, *args, **kwargs)
            if self.armed:
                self.armed, self.lost = False, self.lost + 1
                raise redis.ConnectionError("connection reset (test): the reply was lost")
            return response

        monkeypatch.setattr(redis.connection.Connection, "send_command", send_command)
        monkeypatch.setattr(redis.connection.Connection, "read_response", read_response)


def _client(server: RedisServer):
    from scrapy.settings import Settings

    from crawler.distributed.connection import redis_client

    return redis_client(Settings({"REDIS_URL": server.url, "REDIS_RETRY_SECONDS": 5}))


def test_a_lease_whose_reply_was_lost_is_not_leased_twice(tmp_path: Path, monkeypatch) -> None:
    """The retried pop gets the same lease back: no second request leased while the first
    sat in the worker's hash unknown to it (lost once the run finished)."""
    from scrapy import Request, Spider

    from crawler.distributed.frontier import LeasedQueue

    server = RedisServer(tmp_path)
    try:
        client = _client(server)
        queue = LeasedQueue(client, Spider("s"), "s:1:requests", inflight_key="s:1:inflight:w")
        queue.push(Request("http://ex.org/a", priority=2))
        queue.push(Request("http://ex.org/b", priority=1))
        lost = _LoseOneReply(monkeypatch, "EVAL")
        first = queue.pop()
        assert lost.lost == 1 and first.url == "http://ex.org/a"
        assert len(queue) == 1  # b still queued
        assert queue.settle(frozenset()) == 1
        assert server.client.hlen("s:1:inflight:w") == 0  # nothing leased behind its back
        assert queue.pop().url == "http://ex.org/b"
    finally:
        server.stop()


def test_a_fingerprint_added_whose_reply_was_lost_is_not_seen_by_its_own_retry(
        tmp_path: Path, monkeypatch) -> None:
    """The retried add must say "added": "seen" dropped the request, queued by no one."""
    from scrapy import Request

    from crawler.distributed.frontier import RunKeys
    from crawler.distributed.scheduler import RedisRunDupeFilter

    server = RedisServer(tmp_path)
    try:
        keys = RunKeys("s", "1")
        dupefilter = RedisRunDupeFilter.for_run(_client(server), keys)
        lost = _LoseOneReply(monkeypatch, "EVAL")
        assert dupefilter.request_seen(Request("http://ex.org/a")) is False
        assert lost.lost == 1
        assert dupefilter.request_seen(Request("http://ex.org/a")) is True  # now it is seen
        other = RedisRunDupeFilter.for_run(_client(server), keys)  # another worker
        assert other.request_seen(Request("http://ex.org/a")) is True
    finally:
        server.stop()


class _FailToSend:
    """The next command named ``command`` never reaches Redis (it is down, for longer than
    the client retries): a client without retries raises at once."""

    def __init__(self, monkeypatch, command: str) -> None:
        import redis.connection

        self.failed = 0
        original_send = redis.connection.Connection.send_command

        def send_command(conn, *args, **kwargs):
            if not self.failed and args and args[0] == command:
                self.failed += 1
                raise redis.ConnectionError("Redis is down (test)")
            return original_send(conn, *args, **kwargs)

        monkeypatch.setattr(redis.connection.Connection, "send_command", send_command)


def _queue(server: RedisServer, retry_seconds: float = 5):
    from scrapy import Request, Spider
    from scrapy.settings import Settings

    from crawler.distributed.connection import redis_client
    from crawler.distributed.frontier import LeasedQueue

    client = redis_client(Settings({"REDIS_URL": server.url,
                                    "REDIS_RETRY_SECONDS": retry_seconds}))
    queue = LeasedQueue(client, Spider("s"), "s:1:requests", inflight_key="s:1:inflight:w")
    queue.push(Request("http://ex.org/a", priority=2))
    queue.push(Request("http://ex.org/b", priority=1))
    return queue


def test_a_lease_deferred_for_a_redis_failure_goes_back_to_the_queue(tmp_path: Path) -> None:
    """A request whose processing failed on Redis keeps its lease through settle (it used
    to be released, the request lost for the run) and returns to the queue once the engine
    is done with it, leaving the worker's hash empty (else the run never drains)."""
    server = RedisServer(tmp_path)
    try:
        queue = _queue(server)
        a, b = queue.pop(), queue.pop()
        assert queue.defer(a) and not queue.defer(a)  # deferred once; then it holds none
        assert queue.settle(frozenset()) == 1  # b released, a kept
        assert server.client.hlen("s:1:inflight:w") == 1
        assert queue.requeue_deferred({a}) == 0  # the engine still holds it
        assert queue.requeue_deferred(frozenset()) == 1
        assert server.client.hlen("s:1:inflight:w") == 0
        again = queue.pop()
        assert again.url == a.url and again.priority == a.priority and b.url != a.url
    finally:
        server.stop()


def test_a_release_that_failed_on_redis_is_sent_again(tmp_path: Path, monkeypatch) -> None:
    """The leases were forgotten before Redis deleted them: after a failed release they stayed
    in the worker's hash for good, so the run never drained while the worker lived."""
    server = RedisServer(tmp_path)
    try:
        queue = _queue(server, retry_seconds=0)
        queue.pop()
        _FailToSend(monkeypatch, "EVAL")
        with pytest.raises(redis.ConnectionError):
            queue.settle(frozenset())
        assert queue.settle(frozenset()) == 1
        assert server.client.hlen("s:1:inflight:w") == 0
    finally:
        server.stop()


def test_a_lease_whose_every_retry_failed_is_asked_for_again(tmp_path: Path,
                                                             monkeypatch) -> None:
    """Redis ran the pop but every reply was lost (down longer than the retries): the next
    pop leased another request, the first left in the worker's hash unknown to it."""
    server = RedisServer(tmp_path)
    try:
        queue = _queue(server, retry_seconds=0)
        lost = _LoseOneReply(monkeypatch, "EVAL")
        with pytest.raises(redis.ConnectionError):
            queue.pop()
        assert lost.lost == 1
        assert queue.pop().url == "http://ex.org/a"
        assert len(queue) == 1  # b still queued
        assert queue.settle(frozenset()) == 1
        assert server.client.hlen("s:1:inflight:w") == 0
    finally:
        server.stop()


def test_a_release_keeps_the_last_pop_of_a_lease_whose_reply_was_lost(
        tmp_path: Path, monkeypatch) -> None:
    """A pop ran but its reply was lost (Redis down longer than the retries); the release of
    the lease before it deleted last-pop, which named the lost one by then: the retried pop
    found nothing to return and the lost lease stayed in the hash, so the run never drained."""
    server = RedisServer(tmp_path)
    try:
        queue = _queue(server, retry_seconds=0)
        assert queue.pop().url == "http://ex.org/a"
        lost = _LoseOneReply(monkeypatch, "EVAL")
        with pytest.raises(redis.ConnectionError):
            queue.pop()  # Redis leased b
        assert lost.lost == 1
        assert queue.settle(frozenset()) == 1  # a released
        assert queue.pop().url == "http://ex.org/b"  # the retried pop gets b back
        assert queue.settle(frozenset()) == 1
        assert server.client.hlen("s:1:inflight:w") == 0
    finally:
        server.stop()
