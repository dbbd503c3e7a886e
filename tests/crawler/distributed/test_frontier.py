"""The run bookkeeping in Redis, on a real redis-server."""

from __future__ import annotations

from pathlib import Path

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
