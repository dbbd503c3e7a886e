"""Distributed crawling: real redis-server, real ``scrapy crawl`` workers, real HTTP site.

The site is the benchmark БЕЛТА (bench/site.py) with 320 articles, served in this process so
its request log shows which article was fetched how often.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.site import ARTICLE, build
from tests.sites import belta
from tests.support.crawl import ROOT, crawl_command, read_items, run_crawl, scrapy_command
from tests.support.redis import RedisServer, _free_port, redis_server  # noqa: F401 (fixture)
from tests.support.server import FixtureServer, Page
from tests.support.tls import Pki, TlsRedisServer, make_pki

pytestmark = pytest.mark.slow

PAGES = 320


def worker_settings(redis: RedisServer, warc_dir: Path) -> dict[str, Any]:
    # A live worker silent for REDIS_WORKER_TTL is taken for dead and its leases requeued, which
    # can duplicate its in-flight articles: on a loaded test machine reactors stall for
    # seconds, so the TTL must stay well above that (production default: 30 s).
    return {"REDIS_URL": redis.url, "REDIS_IDLE_CLOSE_SECONDS": 3,
            "REDIS_HEARTBEAT_SECONDS": 0.5, "REDIS_WORKER_TTL": 10,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 4, "WARC_DIR": str(warc_dir)}


def slow_site(pages: int, delay: float, gate: threading.Event | None = None,
              free: int = 0) -> Any:
    """The benchmark site with every article answered after ``delay`` s (work in flight);
    with ``gate``, the articles after the first ``free`` wait for it too (120 s at most), so
    work is surely left in flight whatever the machine's speed."""
    site = build(pages)
    render = site.dynamic[0]
    served = itertools.count(1)

    def delayed(target: str) -> Page | None:
        page = render(target)
        if page is not None:
            page.delay = delay
            if gate is not None and ARTICLE.match(target) and next(served) > free:
                gate.wait(120)
        return page

    site.dynamic = [delayed]
    return site


JOINED = re.compile(r"Worker \S+ (?:started|joined) run \d+ of ")
HOLD = {"DOWNLOAD_TIMEOUT": 150}  # an article held by the site's gate is no timeout


class Worker:
    """One ``scrapy crawl belta`` worker in its own process group and DATA_DIR."""

    def __init__(self, name: str, base: Path, server: FixtureServer, settings: dict[str, Any],
                 args: dict[str, str] | None = None):
        cmd, env, self.items_path = crawl_command("belta", base / name, server, args=args,
                                                  settings=settings)
        self.log_path = base / f"{name}.log"
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                     stderr=self.log_path.open("w"), start_new_session=True)

    def wait(self, timeout: float = 240) -> int:
        return self.proc.wait(timeout)

    def kill(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)  # the crawl and its extraction processes
        self.proc.wait(10)

    @property
    def items(self) -> list[dict[str, Any]]:
        return read_items(self.items_path)

    def await_items(self, count: int, timeout: float = 120) -> None:
        """Wait until the worker, still running, has exported ``count`` items. Only whole
        lines are counted: the worker may be writing the last one (parsing it raised)."""
        deadline = time.monotonic() + timeout
        while self._whole_lines() < count:
            assert self.proc.poll() is None and time.monotonic() < deadline, self.log[-3000:]
            time.sleep(0.05)

    def await_run(self, timeout: float = 120) -> None:
        """Wait until the worker has started or joined its run (its spider is open)."""
        self.await_log(lambda line: bool(JOINED.search(line)), timeout)

    def await_log(self, said: Callable[[str], bool], timeout: float) -> None:
        """Wait until a line of the worker's log is ``said`` (the worker still running)."""
        deadline = time.monotonic() + timeout
        while not any(said(line) for line in self.log.splitlines()):
            assert self.proc.poll() is None and time.monotonic() < deadline, self.log[-3000:]
            time.sleep(0.1)

    def _whole_lines(self) -> int:
        return self.items_path.read_bytes().count(b"\n") if self.items_path.exists() else 0

    @property
    def log(self) -> str:
        return self.log_path.read_text("utf-8", errors="replace")


def workers_of_one_run(base: Path, server: FixtureServer, settings: dict[str, Any],
                       gate: threading.Event, count: int = 2) -> list[Worker]:
    """``count`` workers started together, the site's held articles (``gate``) let go once
    every one has joined the run: a worker slow to start on a loaded machine found the run
    done and began another, or found no work left to it."""
    workers = [Worker(f"w{n}", base, server, settings) for n in range(1, count + 1)]
    try:
        for worker in workers:
            worker.await_run()
    finally:
        gate.set()
    return workers


def article_fetches(server: FixtureServer) -> Counter[str]:
    return Counter(p for p in server.requested_paths(belta.HOST) if ARTICLE.match(p))


def archive(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "archive", *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=300)


def assert_complete_union(workers: list[Worker], may_repeat: frozenset[str] = frozenset(),
                          pages: int = PAGES) -> list[dict[str, Any]]:
    """Every article once across the workers' feeds (``may_repeat``: ids allowed twice)."""
    items = [item for w in workers for item in w.items]
    ids = Counter(item["id"] for item in items)
    repeated = {i for i, n in ids.items() if n > 1}
    assert repeated <= may_repeat, "duplicate items across workers"
    expected = {f"/society/view/bench-{i}-{500000 + i}-2026/" for i in range(pages)}
    assert {re.sub(r"^https://[^/]+", "", item["url"]) for item in items} == expected
    assert all(item["text"] and item["title"] for item in items)
    return items


def test_two_workers_share_the_frontier(redis_server: RedisServer, tmp_path: Path) -> None:  # noqa: F811
    gate = threading.Event()  # articles after the 8th wait until both workers joined the run
    with FixtureServer([slow_site(PAGES, 0.0, gate, free=8)]) as server, \
            contextlib.ExitStack() as held:
        held.callback(gate.set)
        settings = {**worker_settings(redis_server, tmp_path / "warc"), **HOLD}
        workers = workers_of_one_run(tmp_path, server, settings, gate)
        codes = [w.wait() for w in workers]
        fetches = article_fetches(server)
    assert codes == [0, 0], [w.log[-3000:] for w in workers]
    assert len(fetches) == PAGES and set(fetches.values()) == {1}, fetches.most_common(3)
    assert_complete_union(workers)
    assert all(w.items for w in workers), [len(w.items) for w in workers]
    assert all("Shared frontier of run 1 empty" in w.log for w in workers)
    verified = archive("verify", str(tmp_path / "warc"))
    assert verified.returncode == 0, verified.stdout[-2000:] + verified.stderr[-2000:]
    assert len(list((tmp_path / "warc").glob("*.warc.gz"))) == 2  # one per worker pid


def test_a_redis_without_hello_serves_a_whole_run(tmp_path: Path) -> None:
    """Redis 5.0 has no HELLO, which redis-py 8 sends first on every connection (RESP3): the
    start check spoke RESP2 and passed, then scrapy-redis' own scheduler client (built from
    REDIS_PARAMS) sent HELLO 3 and the worker failed to open. Every client speaks RESP2."""
    (tmp_path / "redis").mkdir()
    redis = RedisServer(tmp_path / "redis", "--rename-command", "HELLO", "")
    try:
        with FixtureServer([build(30)]) as server:
            worker = Worker("w1", tmp_path, server,
                            worker_settings(redis, tmp_path / "warc"))
            code = worker.wait()
    finally:
        redis.stop()
    assert code == 0, worker.log[-3000:]
    assert len(worker.items) == 30
    assert "HELLO" not in worker.log, worker.log[-3000:]


def test_killed_worker_loses_nothing(redis_server: RedisServer, tmp_path: Path) -> None:  # noqa: F811
    client = redis_server.client
    with FixtureServer([slow_site(PAGES, 0.05)]) as server:
        settings = worker_settings(redis_server, tmp_path / "warc")
        victim, survivor = (Worker(f"w{n}", tmp_path, server, settings) for n in (1, 2))
        victim.await_items(40)
        victim.kill()
        leased = {k.decode(): client.hlen(k) for k in client.keys("belta:1:inflight:*")}
        assert sum(leased.values()) > 0, "the kill should leave requests in flight"
        assert survivor.wait() == 0, survivor.log[-3000:]
        fetches = article_fetches(server)
    assert "back in the shared queue" in survivor.log
    assert len(fetches) == PAGES  # everything fetched, a few of the victim's leases twice
    # Delivery is at least once: an item durably in the victim's feed whose state the kill
    # kept from Redis (one round trip later) comes again. Only its last item can be that one.
    last = victim.items[-1]["id"] if victim.items else ""
    assert_complete_union([victim, survivor], may_repeat=frozenset({last}))
    assert client.keys("belta:1:inflight:*") == []
    assert list((tmp_path / "warc").glob("*.open")), "the victim's WARC should be left open"
    repaired = archive("repair", str(tmp_path / "warc"))
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    verified = archive("verify", str(tmp_path / "warc"))
    assert verified.returncode == 0, verified.stdout[-2000:] + verified.stderr[-2000:]


def test_next_run_rereads_feeds_and_skips_known_articles(redis_server: RedisServer,  # noqa: F811
                                                         tmp_path: Path) -> None:
    with FixtureServer([build(30)]) as server:
        settings = {**worker_settings(redis_server, tmp_path / "warc"),
                    "REDIS_IDLE_CLOSE_SECONDS": 1}
        first = run_crawl("belta", tmp_path / "a", server, settings=settings)
        second = run_crawl("belta", tmp_path / "b", server, settings=settings)
        fetches = article_fetches(server)
    assert first.returncode == 0 and second.returncode == 0, second.log[-3000:]
    assert len(first.items) == 30 and second.items == []
    assert (first.stats["distributed/run"], second.stats["distributed/run"]) == (1, 2)
    assert server.requested_paths(belta.HOST).count("/rss") == 2  # feeds read by each run
    assert set(fetches.values()) == {1}  # known (old) articles are not downloaded again
    assert second.stats.get("incremental/skipped_known") == 30


def warc_runs(directory: Path) -> dict[str, str]:
    """Each WARC file's name and the run its warcinfo names (``run-id``), read with warcio."""
    from warcio.archiveiterator import ArchiveIterator

    from archive.model import RUN_FIELD

    runs = {}
    for path in sorted(directory.glob("*.warc.gz")):
        with path.open("rb") as fh:
            info = next(r for r in ArchiveIterator(fh) if r.rec_type == "warcinfo")
            fields = dict(line.split(": ", 1) for line in
                          info.content_stream().read().decode().splitlines() if ": " in line)
        runs[path.name] = fields[RUN_FIELD]
    return runs


def test_the_workers_of_a_run_name_one_run_in_their_warcs(redis_server: RedisServer,  # noqa: F811
                                                           tmp_path: Path) -> None:
    """Two workers of run 1 write their own WARC files, which name one run, so a replay
    of the run offers the soft-removal probes of both; run 2, later, names another."""
    gate = threading.Event()  # articles after the 8th wait until both workers joined run 1
    with FixtureServer([slow_site(60, 0.02, gate, free=8)]) as server, \
            contextlib.ExitStack() as held:
        held.callback(gate.set)
        settings = {**worker_settings(redis_server, tmp_path / "warc1"), **HOLD}
        workers = workers_of_one_run(tmp_path, server, settings, gate)
        codes = [w.wait() for w in workers]
        assert codes == [0, 0], [w.log[-3000:] for w in workers]
        assert all("run 1 of belta" in w.log for w in workers)
        later = run_crawl("belta", tmp_path / "w3", server,
                          settings={**settings, "WARC_DIR": str(tmp_path / "warc2")})
        assert later.returncode == 0, later.log[-3000:]
    first, second = warc_runs(tmp_path / "warc1"), warc_runs(tmp_path / "warc2")
    assert len(first) == 2 and len(set(first.values())) == 1, first  # one file per worker
    assert later.stats["distributed/run"] == 2
    assert len(second) == 1 and set(second.values()).isdisjoint(first.values()), second


def test_unreachable_redis_is_one_clear_error(tmp_path: Path) -> None:
    result = run_crawl("belta", tmp_path, settings={"REDIS_URL": "redis://127.0.0.1:9/0"},
                       timeout=60)
    assert result.returncode == 1
    assert "Cannot reach Redis at REDIS_URL=redis://127.0.0.1:9/0" in result.log
    assert "Traceback" not in result.log


def test_unreachable_redis_stops_crawlall_with_one_clear_error(tmp_path: Path) -> None:
    """Each spider used to crash with 'Engine slot not assigned' and a traceback."""
    result = scrapy_command("crawlall", "-s", "REDIS_URL=redis://127.0.0.1:9/0",
                            "-s", f"DATA_DIR={tmp_path}", timeout=120)
    assert result.returncode == 1
    assert result.stderr.count("Cannot reach Redis at REDIS_URL=redis://127.0.0.1:9/0") == 1
    assert "Traceback" not in result.stderr and "CRASHED" not in result.stdout
    assert not (tmp_path / "reports").exists()


def test_a_user_denied_the_spiders_keys_stops_crawl_and_crawlall_at_start(
        redis_server: RedisServer, tmp_path: Path) -> None:  # noqa: F811
    """An ACL user reaching the article state's keys only passed the start check, which
    tried the state prefix alone, and failed at the spider's first frontier call. The check
    now tries the run keys of the spiders about to run."""
    redis_server.client.execute_command("ACL", "SETUSER", "worker", "on", ">w0rker-pw",
                                        "~crawler:state:*", "&*", "+@all")
    url = f"redis://worker:w0rker-pw@127.0.0.1:{redis_server.port}/0"
    result = run_crawl("belta", tmp_path / "one", settings={"REDIS_URL": url,
                                                            "STATE_REDIS_PREFIX": "crawler:state"},
                       timeout=60)
    assert result.returncode == 1
    assert "does not allow this worker what a crawl needs: NOPERM" in result.log, result.log
    assert "Traceback" not in result.log and "w0rker-pw" not in result.log
    every = scrapy_command("crawlall", "-s", f"REDIS_URL={url}", "-s",
                           "STATE_REDIS_PREFIX=crawler:state", "-s",
                           f"DATA_DIR={tmp_path / 'all'}", timeout=120)
    assert every.returncode == 1
    assert every.stderr.count("does not allow this worker what a crawl needs") == 1
    assert "Traceback" not in every.stderr and "CRASHED" not in every.stdout


def test_redis_restarted_without_persistence_fails_the_run(redis_server: RedisServer,  # noqa: F811
                                                           tmp_path: Path) -> None:
    """The queue dies with Redis. The worker used to find the new, empty Redis "drained",
    close as finished and exit 0 with half the articles never fetched. Pages of 0.3 s, 4 at a
    time: the 100 left after the restart take 7 s or more, so a loaded machine's slow Redis
    restart still comes mid-run (at 0.05 s the crawl could end first: failed once under -n 2)."""
    with FixtureServer([slow_site(120, 0.3)]) as server:
        worker = Worker("w1", tmp_path, server, worker_settings(redis_server, tmp_path / "warc"))
        worker.await_items(20)
        redis_server.restart()
        code = worker.wait()
        fetched = len(article_fetches(server))
    assert fetched < 120, "the crawl should have stopped short"
    assert code == 1, worker.log[-3000:]
    assert "shared frontier of run 1 of belta is gone from Redis" in worker.log
    [path] = (tmp_path / "w1" / "reports").glob("belta-*.json")
    report = json.loads(path.read_text("utf-8"))
    assert report["finish_reason"] == "frontier_lost" and report["healthy"] is False
    assert any("vanished from Redis" in alarm for alarm in report["alarms"])


def test_a_worker_with_other_arguments_is_refused_by_the_run(redis_server: RedisServer,  # noqa: F811
                                                             tmp_path: Path) -> None:
    """A worker with another window used to work on the run's queue with its own: articles
    outside its window were dropped by it and exported by no one. The first worker's articles
    after the 4th wait until the other was refused: started late on a loaded machine, it
    could find run 1 finished and start a run of its own."""
    gate = threading.Event()
    with FixtureServer([slow_site(60, 0.05, gate, free=4)]) as server, \
            contextlib.ExitStack() as held:
        held.callback(gate.set)
        settings = {**worker_settings(redis_server, tmp_path / "warc"), **HOLD}
        first = Worker("w1", tmp_path, server, settings)
        first.await_items(1)
        other = Worker("w2", tmp_path, server, settings, args={"since": "2026-01-01"})
        assert other.wait() == 1, other.log[-3000:]
        gate.set()
        assert first.wait() == 0, first.log[-3000:]
    assert "this worker was started with arguments" in other.log
    assert other.items == [] and len(first.items) == 60
    [path] = (tmp_path / "w2" / "reports").glob("belta-*.json")
    assert json.loads(path.read_text("utf-8"))["finish_reason"] == "run_mismatch"


def test_an_abandoned_run_is_cleared_only_once_its_workers_are_dead(
        redis_server: RedisServer, tmp_path: Path) -> None:  # noqa: F811
    """A run whose workers were all killed kept its queue, fingerprints and leases in Redis
    for as long as nobody resumed it: forever, for a run nobody will."""
    client = redis_server.client
    redis_url = ["-s", f"REDIS_URL={redis_server.url}"]
    gate = threading.Event()  # articles after the 10th wait until the victim is killed
    with FixtureServer([slow_site(60, 0.5, gate, free=10)]) as server, \
            contextlib.ExitStack() as held:
        held.callback(gate.set)  # whatever fails, the server's held threads are let go
        settings = {**worker_settings(redis_server, tmp_path / "warc"), "REDIS_WORKER_TTL": 3}
        victim = Worker("w1", tmp_path, server, settings)
        victim.await_items(5)
        live = scrapy_command("clearrun", "belta", "1", *redis_url)
        assert live.returncode == 1 and "has live workers" in live.stderr, live.stderr
        assert client.get("belta:1:token") and client.scard("belta:1:dupefilter") > 0
        victim.kill()
        gate.set()
        left = client.zcard("belta:1:requests") + sum(
            client.hlen(k) for k in client.keys("belta:1:inflight:*"))
        assert left > 0, "the kill should leave work in the run"
        state_keys = len(client.keys("news-archive:state:*"))
        assert state_keys > 0
        deadline = time.monotonic() + 60
        while client.keys("belta:alive:*"):  # its heartbeat expires after REDIS_WORKER_TTL
            assert time.monotonic() < deadline
            time.sleep(0.2)
        cleared = scrapy_command("clearrun", "belta", "1", *redis_url)
        assert cleared.returncode == 0, cleared.stderr
        assert "Cleared run 1 of belta:" in cleared.stdout
        assert client.keys("belta:1:*") == [b"belta:1:finished"]  # nothing of it is left
        assert len(client.keys("news-archive:state:*")) == state_keys  # articles still known
        after = Worker("w2", tmp_path, server, worker_settings(redis_server, tmp_path / "warc"))
        assert after.wait() == 0, after.log[-3000:]
    assert "started run 2 of belta" in after.log
    last = victim.items[-1]["id"]
    ids = Counter(i["id"] for i in [*victim.items, *after.items])
    assert [i for i, n in ids.items() if n > 1 and i != last] == []
    assert len(ids) == 60


def test_redis_refusing_the_credentials_is_one_clear_error(tmp_path: Path) -> None:
    """A wrong password used to be reported as unreachable ('Start redis-server there'), with
    the password printed."""
    (tmp_path / "redis").mkdir()
    redis = RedisServer(tmp_path / "redis", "--requirepass", "s3cret", password="s3cret")
    try:
        url = f"redis://:wrong-secret@127.0.0.1:{redis.port}/0"
        result = run_crawl("belta", tmp_path, settings={"REDIS_URL": url}, timeout=60)
    finally:
        redis.stop()
    assert result.returncode == 1
    assert result.log.count("refused the credentials") == 1
    assert f"REDIS_URL=redis://:***@127.0.0.1:{redis.port}/0" in result.log
    assert "Traceback" not in result.log and "wrong-secret" not in result.log


def test_a_user_not_allowed_scripts_is_refused_before_the_crawl(tmp_path: Path) -> None:
    """An ACL user allowed SET and GET but not EVAL passed the start check and failed once
    the spider opened (the run's join is a script)."""
    (tmp_path / "redis").mkdir()
    redis = RedisServer(tmp_path / "redis")
    redis.client.execute_command("ACL", "SETUSER", "worker", "on", ">w0rker-pw", "~*", "&*",
                                 "+@all", "-eval", "-evalsha")
    try:
        url = f"redis://worker:w0rker-pw@127.0.0.1:{redis.port}/0"
        result = run_crawl("belta", tmp_path, settings={"REDIS_URL": url}, timeout=60)
    finally:
        redis.stop()
    assert result.returncode == 1
    assert result.log.count("ERROR") == 1, result.log[-3000:]
    assert "NOPERM this user has no permissions to run the 'eval' command" in result.log
    assert f"REDIS_URL=redis://worker:***@127.0.0.1:{redis.port}/0" in result.log
    assert "Traceback" not in result.log and "w0rker-pw" not in result.log
    assert not (tmp_path / "reports").exists()


def test_a_read_only_replica_is_refused_before_the_crawl(tmp_path: Path) -> None:
    """Every write of the run used to fail with READONLY once the spider was open."""
    (tmp_path / "primary").mkdir()
    (tmp_path / "replica").mkdir()
    primary = RedisServer(tmp_path / "primary")
    replica = RedisServer(tmp_path / "replica", "--replicaof", "127.0.0.1", str(primary.port))
    try:
        result = run_crawl("belta", tmp_path, settings={"REDIS_URL": replica.url}, timeout=60)
    finally:
        replica.stop()
        primary.stop()
    assert result.returncode == 1
    assert f"Redis at REDIS_URL={replica.url} is a read-only replica" in result.log
    assert "Traceback" not in result.log
    assert not (tmp_path / "reports").exists()


@pytest.mark.parametrize("tls", [False, True], ids=["tcp", "tls"])
def test_redis_restarted_with_persistence_loses_nothing(tmp_path: Path, tls: bool,
                                                        request: pytest.FixtureRequest) -> None:
    """A Redis with an append-only file comes back with the run's frontier and state: the
    worker rides out the restart (Redis errors are retried, over TLS a new handshake) and
    every article is exported once."""
    (tmp_path / "redis").mkdir()
    aof = ("--appendonly", "yes", "--appendfsync", "always")
    redis = TlsRedisServer(tmp_path / "redis", request.getfixturevalue("pki"), *aof) if tls \
        else RedisServer(tmp_path / "redis", *aof)
    try:
        with FixtureServer([slow_site(80, 0.05)]) as server:
            worker = Worker("w1", tmp_path, server, worker_settings(redis, tmp_path / "warc"))
            worker.await_items(15)
            redis.restart()
            code = worker.wait()
    finally:
        redis.stop()
    assert code == 0, worker.log[-3000:]
    ids = Counter(item["id"] for item in worker.items)
    assert len(ids) == 80 and set(ids.values()) == {1}, ids.most_common(3)
    assert "gone from Redis" not in worker.log


def test_redis_down_longer_than_its_retries_fails_no_article(tmp_path: Path) -> None:
    """Redis down for seconds, longer than REDIS_RETRY_SECONDS, while articles are in flight:
    the state lookup of each article answer then failed, the article went to its errback as
    'Article not fetched (connection_error)', its lease was released and it was lost for the
    run. A request whose processing failed on Redis stays leased and goes back to the queue
    once Redis answers: every article is exported once, none counted failed."""
    (tmp_path / "redis").mkdir()
    redis = RedisServer(tmp_path / "redis", "--appendonly", "yes", "--appendfsync", "always")
    try:
        with FixtureServer([slow_site(80, 0.3)]) as server:
            settings = {**worker_settings(redis, tmp_path / "warc"), "REDIS_RETRY_SECONDS": 0.3}
            worker = Worker("w1", tmp_path, server, settings)
            worker.await_items(10)
            redis.restart(down=4)
            code = worker.wait()
    finally:
        redis.stop()
    assert code == 0, worker.log[-3000:]  # no alarm: the state written once Redis answered
    ids = Counter(item["id"] for item in worker.items)
    assert len(ids) == 80 and set(ids.values()) == {1}, (len(ids), ids.most_common(3))
    assert "Article not fetched" not in worker.log, worker.log[-3000:]
    [path] = (tmp_path / "w1" / "reports").glob("belta-*.json")
    stats = json.loads(path.read_text("utf-8"))["stats"]
    assert stats.get("redis/request_deferred", 0) > 0, stats
    assert not [k for k in stats if k.startswith("articles/failed/")], stats
    assert "state/not_recorded" not in stats, stats


def test_item_pipeline_errors_on_a_redis_outage_are_deferred_warnings_not_errors(
        redis_server: RedisServer, tmp_path: Path) -> None:  # noqa: F811
    """An item pipeline that failed on Redis (the state store, or another pipeline talking to
    Redis) was deferred, but still logged Scrapy's 'Error processing {item}' ERROR with a
    traceback each time, counted in log_count/ERROR: six of them made the 'errors above 5'
    alarm (exit 1) of a run that lost nothing. Each is one WARNING line with the URL and
    the reason, counted in redis/item_error_deferred/<type>, and the article is fetched
    again and exported once."""
    from crawler.settings import ITEM_PIPELINES

    down = f"redis://127.0.0.1:{_free_port()}/0"  # nobody listens: Redis is down for it
    pipelines = {**ITEM_PIPELINES, "tests.support.redis_pipeline.RedisOutagePipeline": 250}
    settings = {**worker_settings(redis_server, tmp_path / "warc"), "ITEM_PIPELINES": pipelines,
                "OUTAGE_PIPELINE_URL": down, "OUTAGE_PIPELINE_ITEMS": 6}
    with FixtureServer([slow_site(40, 0.05)]) as server:
        worker = Worker("w1", tmp_path, server, settings)
        code = worker.wait()
    log = worker.log
    assert code == 0, log[-3000:]
    ids = Counter(item["id"] for item in worker.items)
    assert len(ids) == 40 and set(ids.values()) == {1}, (len(ids), ids.most_common(3))
    assert "Error processing" not in log and "Traceback" not in log, log[-3000:]
    warned = [line for line in log.splitlines() if "Redis failed while processing" in line]
    assert len(warned) == 6 and all(" WARNING: " in line and "/society/view/bench-" in line
                                    and "Connection refused" in line for line in warned), warned
    [path] = (tmp_path / "w1" / "reports").glob("belta-*.json")
    report = json.loads(path.read_text("utf-8"))
    stats = report["stats"]
    assert stats.get("redis/item_error_deferred/ConnectionError") == 6, stats
    assert stats.get("redis/request_deferred") == 6, stats
    assert "log_count/ERROR" not in stats, stats
    assert report["alarms"] == [], report["alarms"]


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


def test_two_workers_share_the_frontier_over_tls(pki: Pki, tmp_path: Path) -> None:
    """``rediss://`` with the CA in the URL: the same run as over plain TCP (as many pages,
    held until both workers joined: with 60, a worker slow to start under load found the
    run done and wrote no WARC)."""
    (tmp_path / "redis").mkdir()
    redis = TlsRedisServer(tmp_path / "redis", pki)
    gate = threading.Event()
    try:
        with FixtureServer([slow_site(PAGES, 0.0, gate, free=8)]) as server:
            settings = {**worker_settings(redis, tmp_path / "warc"), **HOLD}
            workers = workers_of_one_run(tmp_path, server, settings, gate)
            codes = [w.wait() for w in workers]
            fetches = article_fetches(server)
        known = redis.client.hlen("news-archive:state:articles")
        run = redis.client.get("belta:run")
    finally:
        redis.stop()
    assert codes == [0, 0], [w.log[-3000:] for w in workers]
    assert len(fetches) == PAGES and set(fetches.values()) == {1}, fetches.most_common(3)
    assert_complete_union(workers)
    assert all(w.items for w in workers), [len(w.items) for w in workers]
    assert run == b"1" and known == PAGES  # the article state went to the TLS Redis
    assert all("Shared frontier of run 1 empty" in w.log for w in workers)
    verified = archive("verify", str(tmp_path / "warc"))
    assert verified.returncode == 0, verified.stdout[-2000:] + verified.stderr[-2000:]
    assert len(list((tmp_path / "warc").glob("*.warc.gz"))) == 2


UNTRUSTED = "presented a TLS certificate this worker does not trust (certificate verify failed: "
TLS_REFUSALS = {  # case: (server certificate, client certificates demanded, URL, expected)
    "other CA": ("stranger", False, "", f"{UNTRUSTED}unable to get local issuer certificate"),
    "other host": ("elsewhere", False, "", f"{UNTRUSTED}IP address mismatch"),
    "expired": ("expired", False, "", f"{UNTRUSTED}certificate has expired"),
    "client cert": ("server", True, "", "demands a client certificate"),
    "plain scheme": ("server", False, "redis", "speaks TLS on that port: write rediss://"),
    "mistyped": ("server", False, "ssl_ca_cert", "has the unknown option ssl_ca_cert"),
}


@pytest.mark.parametrize("case", TLS_REFUSALS)
def test_a_tls_redis_that_cannot_serve_stops_the_crawl_with_one_clear_error(
        pki: Pki, tmp_path: Path, case: str) -> None:
    """These used to say 'Cannot reach Redis … Start redis-server there' though Redis
    answered (a mistyped option: a TypeError traceback)."""
    cert, client_certs, variant, expected = TLS_REFUSALS[case]
    (tmp_path / "redis").mkdir()
    redis = TlsRedisServer(tmp_path / "redis", pki, "--requirepass", "s3cret", cert=cert,
                           client_certs=client_certs, password="s3cret")
    url = f"rediss://:s3cret@127.0.0.1:{redis.port}/0?ssl_ca_certs={pki.ca}"
    if variant == "redis":
        url = f"redis://:s3cret@127.0.0.1:{redis.port}/0"
    elif variant:
        url = url.replace("ssl_ca_certs=", f"{variant}=")
    try:
        result = run_crawl("belta", tmp_path, settings={"REDIS_URL": url}, timeout=60)
    finally:
        redis.stop()
    assert result.returncode == 1
    assert result.log.count("ERROR:") == 1, result.log[-3000:]
    assert f"REDIS_URL={url.replace(':s3cret@', ':***@')}" in result.log
    assert expected in result.log and "s3cret" not in result.log
    assert "Start redis-server" not in result.log
    assert "Traceback" not in result.log and not (tmp_path / "reports").exists()


def test_a_tls_url_at_a_plain_port_stops_the_crawl_soon(
        redis_server: RedisServer, pki: Pki, tmp_path: Path) -> None:  # noqa: F811
    """The start check waited 150 s for a TLS handshake a plain Redis never answers."""
    url = f"rediss://127.0.0.1:{redis_server.port}/0?ssl_ca_certs={pki.ca}"
    result = run_crawl("belta", tmp_path, settings={"REDIS_URL": url}, timeout=60)
    assert result.returncode == 1
    assert result.log.count("ERROR:") == 1, result.log[-3000:]
    assert f"Redis at REDIS_URL={url} answers without TLS" in result.log
    assert "Traceback" not in result.log and not (tmp_path / "reports").exists()


@pytest.mark.parametrize("cert, reason", [
    ("expired", "certificate has expired"),
    ("stranger", "unable to get local issuer certificate"),
], ids=["expired", "other-ca"])
def test_a_certificate_gone_bad_mid_run_stops_the_worker_with_a_clear_error(
        pki: Pki, tmp_path: Path, cert: str, reason: str) -> None:
    """Redis restarted mid-run with a certificate this worker does not trust (expired, or
    of another CA) is no outage to wait out: it was retried as one, every Redis command for
    REDIS_RETRY_SECONDS, for minutes, and reported 'Redis stopped answering'. The worker
    stops soon, naming the certificate's fault; its requests stay leased in Redis."""
    (tmp_path / "redis").mkdir()
    aof = ("--appendonly", "yes", "--appendfsync", "always")
    redis = TlsRedisServer(tmp_path / "redis", pki, *aof)
    try:
        with FixtureServer([slow_site(80, 0.05)]) as server:
            worker = Worker("w1", tmp_path, server, worker_settings(redis, tmp_path / "warc"))
            worker.await_items(15)
            redis.restart_with(cert)
            try:
                code = worker.wait(60)
            except subprocess.TimeoutExpired:
                worker.kill()
                pytest.fail("the worker kept retrying an untrusted Redis for a minute")
        leased = redis.client.hlen(f"belta:1:inflight:{worker_id(worker.log)}")
        queued = redis.client.zcard("belta:1:requests")
    finally:
        redis.stop()
    assert code == 1, worker.log[-3000:]
    says = (f"Redis at REDIS_URL={redis.url} now presents a TLS certificate this worker does "
            f"not trust (certificate verify failed: {reason})")
    assert worker.log.count(says) == 1, worker.log[-3000:]
    assert "Redis has not answered" not in worker.log
    [path] = (tmp_path / "w1" / "reports").glob("belta-*.json")
    report = json.loads(path.read_text("utf-8"))
    assert report["finish_reason"] == "redis_certificate_refused"
    assert report["healthy"] is False
    assert any("certificate" in alarm for alarm in report["alarms"]), report["alarms"]
    exported = {item["id"] for item in worker.items}
    assert leased + queued + len(exported) >= 80  # what was not exported is still in Redis


def worker_id(log: str) -> str:
    found = re.search(r"Worker (\S+) (?:started|joined) run", log)
    assert found, log[-3000:]
    return found.group(1)


CREDENTIAL_CHANGES = {  # case: (the worker's user, how Redis stops taking its credentials)
    # The password rotated, and the open connections closed (a restart does both).
    "password changed": ("", [("CONFIG", "SET", "requirepass", "n3w-secret"),
                              ("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes")]),
    # The worker's ACL user disabled: its open connections closed, new ones refused.
    "user disabled": ("worker", [("ACL", "SETUSER", "worker", "off"),
                                 ("CLIENT", "KILL", "USER", "worker")]),
    # The worker's ACL user stripped of its commands: NOPERM on the open connections.
    "permissions revoked": ("worker", [("ACL", "SETUSER", "worker", "-@all")]),
    # Only the article state's keys revoked (STATE_REDIS_PREFIX), the frontier's allowed: the
    # heartbeat went on, every state lookup failed NOPERM, its request was deferred, requeued
    # and fetched again, forever.
    "state keys revoked": ("worker", [("ACL", "SETUSER", "worker", "resetkeys", "~belta:*")]),
}


@pytest.mark.parametrize("case", CREDENTIAL_CHANGES)
def test_credentials_refused_mid_run_stop_the_worker_with_a_clear_error(
        tmp_path: Path, case: str) -> None:
    """A password changed (or an ACL user disabled) mid-run raised AuthenticationError, a
    ConnectionError to redis-py: retried as an outage at every command for
    REDIS_RETRY_SECONDS, then 'Redis did not answer: retrying' until REDIS_WORKER_TTL and
    closed as redis_unavailable; revoked permissions (NOPERM) failed the articles in flight.
    The worker stops within a heartbeat, saying Redis refused its credentials (or, for
    NOPERM, its permissions: a password would not help); its requests stay leased in Redis."""
    user, commands = CREDENTIAL_CHANGES[case]
    (tmp_path / "redis").mkdir()
    aof = ("--appendonly", "yes", "--appendfsync", "always")
    redis = RedisServer(tmp_path / "redis", "--requirepass", "s3cret", *aof, password="s3cret")
    if user:
        redis.client.execute_command("ACL", "SETUSER", user, "on", ">w0rker-pw", "~*", "&*",
                                     "+@all")
    url = f"redis://{user}:{'w0rker-pw' if user else 's3cret'}@127.0.0.1:{redis.port}/0"
    try:
        with FixtureServer([slow_site(80, 0.05)]) as server:
            worker = Worker("w1", tmp_path, server, {**worker_settings(redis, tmp_path / "warc"),
                                                     "REDIS_URL": url})
            worker.await_items(15)
            if case == "password changed":
                redis.client.close()
            for command in commands:
                redis.client.execute_command(*command)
            if case == "password changed":
                redis.client = redis._client("n3w-secret")
            started = time.monotonic()
            try:
                code = worker.wait(60)
            except subprocess.TimeoutExpired:
                worker.kill()
                pytest.fail("the worker kept retrying refused credentials for a minute")
            took = time.monotonic() - started
        leased = redis.client.hlen(f"belta:1:inflight:{worker_id(worker.log)}")
        queued = redis.client.zcard("belta:1:requests")
    finally:
        redis.stop()
    assert code == 1, worker.log[-3000:]
    shown = f"redis://{user}:***@127.0.0.1:{redis.port}/0"
    what = "permissions" if "revoked" in case else "credentials"
    says = f"Redis at REDIS_URL={shown} refused this worker's {what} ("
    assert worker.log.count(says) == 1, worker.log[-3000:]
    assert "Redis has not answered" not in worker.log and "Redis did not answer" not in \
        worker.log, worker.log[-3000:]
    assert "s3cret" not in worker.log and "w0rker-pw" not in worker.log
    assert "Scheduler close failure" not in worker.log, worker.log[-3000:]
    assert took < 20, took  # a heartbeat or so, not REDIS_RETRY_SECONDS + REDIS_WORKER_TTL
    [path] = (tmp_path / "w1" / "reports").glob("belta-*.json")
    report = json.loads(path.read_text("utf-8"))
    assert report["finish_reason"] == "redis_auth_refused"
    assert any("credentials" in alarm for alarm in report["alarms"]), report["alarms"]
    assert not [k for k in report["stats"] if k.startswith("articles/failed/")], report["stats"]
    exported = {item["id"] for item in worker.items}
    assert leased + queued + len(exported) >= 80  # what was not exported is still in Redis


@contextlib.contextmanager
def worker_on_a_frozen_redis(tmp_path: Path, settings: dict[str, Any] | None = None,
                             redis_options: tuple[str, ...] = ()
                             ) -> Iterator[tuple[RedisServer, Worker]]:
    """A Redis server (started with ``redis_options``), a worker crawling 80 slow pages
    through it (``settings`` over :func:`worker_settings`) until 15 items are out, then
    Redis frozen (SIGSTOP): what follows, SIGCONT included, is the test's, while the site
    still serves. Redis is stopped at the end."""
    (tmp_path / "redis").mkdir()
    redis = RedisServer(tmp_path / "redis", *redis_options)
    try:
        with FixtureServer([slow_site(80, 0.05)]) as server:
            worker = Worker("w1", tmp_path, server,
                            {**worker_settings(redis, tmp_path / "warc"), **(settings or {})})
            worker.await_items(15)
            redis.proc.send_signal(signal.SIGSTOP)
            yield redis, worker
    finally:
        redis.stop()


def test_redis_paused_for_seconds_loses_nothing(tmp_path: Path) -> None:
    """A Redis frozen for seconds (SIGSTOP: a stalled VM, a disk hanging an fsync) answers
    nothing but keeps its connections: the worker waits in the command it sent (up to the
    socket timeout) and goes on when Redis does, every article exported once."""
    with worker_on_a_frozen_redis(tmp_path) as (redis, worker):
        try:
            time.sleep(4)
        finally:
            redis.proc.send_signal(signal.SIGCONT)
        code = worker.wait()
    assert code == 0, worker.log[-3000:]
    ids = Counter(item["id"] for item in worker.items)
    assert len(ids) == 80 and set(ids.values()) == {1}, (len(ids), ids.most_common(3))
    assert "Article not fetched" not in worker.log and "Traceback" not in worker.log


def test_redis_paused_longer_than_its_retries_closes_the_worker_in_time(tmp_path: Path) -> None:
    """A Redis frozen for good answers no command, yet takes every connection: each attempt
    waits the whole socket timeout, and redis-py's retries of timeouts (as many as fit
    REDIS_RETRY_SECONDS of backoff) made one command block the worker for retries x socket
    timeout (7 min with the defaults), silently, and the heartbeat could not close it after
    REDIS_WORKER_TTL. Now retrying ends once REDIS_RETRY_SECONDS have passed: the worker says
    Redis does not answer and closes, its requests left leased in Redis."""
    settings = {"REDIS_WORKER_TTL": 5, "REDIS_RETRY_SECONDS": 3,
                "REDIS_PARAMS": {"socket_timeout": 2, "socket_connect_timeout": 2}}
    with worker_on_a_frozen_redis(tmp_path, settings) as (redis, worker):
        started = time.monotonic()
        try:
            code = worker.wait(120)
        except subprocess.TimeoutExpired:
            worker.kill()
            pytest.fail("the worker hung on a paused Redis for two minutes")
        finally:
            took = time.monotonic() - started
            redis.proc.send_signal(signal.SIGCONT)
        leased = redis.client.hlen(f"belta:1:inflight:{worker_id(worker.log)}")
        queued = redis.client.zcard("belta:1:requests")
    assert code == 1, worker.log[-3000:]
    # (the heartbeat's own command, or one before it, met the timeout: one state per server)
    assert re.search(r"Redis did not answer \(.*Timeout reading from socket", worker.log), \
        worker.log[-3000:]
    [path] = (tmp_path / "w1" / "reports").glob("belta-*.json")
    assert json.loads(path.read_text("utf-8"))["finish_reason"] == "redis_unavailable"
    assert took < 60, took
    exported = {item["id"] for item in worker.items}
    assert leased + queued + len(exported) >= 80  # what was not exported is still in Redis


def log_times(log: str) -> list[tuple[float, str]]:
    """The lines of a worker log written with ``LOG_FORMAT`` ``%(created).3f …``: their
    Unix time and text."""
    lines = []
    for line in log.splitlines():
        stamp, _, text = line.partition(" ")
        try:
            lines.append((float(stamp), text))
        except ValueError:
            continue  # a traceback's or a multi-line message's continuation
    return lines


def redis_failing(text: str) -> bool:
    """A log line saying a Redis command failed or went unanswered."""
    return "Redis did not answer (" in text or "Redis failed while processing" in text


def test_a_frozen_redis_leaves_the_worker_responsive_and_loses_nothing(tmp_path: Path) -> None:
    """Redis frozen (SIGSTOP) for longer than the socket timeout: once a command gave up, the
    one attempt a second let through went through redis-py's connect(), whose handshake on a
    new connection waited the whole socket timeout (30 s by default), so the worker's only
    thread was blocked for a socket timeout of every second or so, and its heartbeat, log
    and close with it. Now the attempt is a short PING: the heartbeat goes on about every
    REDIS_HEARTBEAT_SECONDS, saying Redis does not answer, and once Redis goes on again the
    deferred requests are fetched again, every article exported once."""
    settings = {"REDIS_WORKER_TTL": 40, "REDIS_RETRY_SECONDS": 2,
                "LOG_FORMAT": "%(created).3f [%(name)s] %(levelname)s: %(message)s",
                "REDIS_PARAMS": {"socket_timeout": 10, "socket_connect_timeout": 10}}
    aof = ("--appendonly", "yes", "--appendfsync", "always")
    with worker_on_a_frozen_redis(tmp_path, settings, aof) as (redis, worker):
        frozen = time.time()
        try:  # the socket timeout (10 s) to learn of it, then commands failing at once:
            worker.await_log(redis_failing, timeout=60)
            time.sleep(7)  # long enough for a blocked attempt to leave a gap of 6 s > 4
        finally:
            resumed = time.time()
            redis.proc.send_signal(signal.SIGCONT)
        code = worker.wait()
    log = worker.log
    assert code == 0, log[-3000:]
    ids = Counter(item["id"] for item in worker.items)
    assert len(ids) == 80 and set(ids.values()) == {1}, (len(ids), ids.most_common(3))
    lines = log_times(log)
    failing = [t for t, text in lines if redis_failing(text)]
    assert failing and failing[0] < frozen + 13, log[-3000:]  # learnt in a socket timeout
    during = [t for t, _ in lines if failing[0] <= t <= resumed] + [resumed]
    gaps = [b - a for a, b in itertools.pairwise(during)]
    assert max(gaps) < 4, (max(gaps), log[-3000:])  # not the 10 s socket timeout
    assert "Article not fetched" not in log and "Traceback" not in log, log[-3000:]
