"""The run bookkeeping in Redis, on a real redis-server."""

from __future__ import annotations

from pathlib import Path

from crawler.distributed.frontier import join_run, run_is_lost
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
