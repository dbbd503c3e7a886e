"""Two crawls of one outlet on one DATA_DIR at once (a cron job starting while the last one
still runs; another spider given the outlet's address), without JOBDIR.

They share the article state (``DATA_DIR/state``): each reads it before the other has
recorded what it exported, so both fetch every article, and both export an article the
other holds unexported (version 1 twice; two different "version 2"s of an edited one). The
second crawl must refuse to start, before it downloads or writes anything, naming the lock
file and the pid of the crawl holding it; a crawl killed outright must leave no lock behind.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.sites import anysite, belta
from tests.sites.scheduled import ChangingBelta
from tests.support.crawl import (
    ROOT,
    SCRAPY,
    TEST_SETTINGS,
    all_reports,
    exported_items,
    exported_so_far,
    run_crawl,
)
from tests.support.server import FixtureServer

pytestmark = pytest.mark.slow

COUNT = 20
HOLD = 120  # seconds a held article page may wait (past it the page is answered)


def start(data_dir: Path, server: FixtureServer, feed: Path) -> subprocess.Popen:
    settings = {**TEST_SETTINGS, "DATA_DIR": str(data_dir), "CONCURRENT_REQUESTS": 2,
                "DOWNLOAD_TIMEOUT": HOLD + 30,
                "OUTLET_BASE_URLS": json.dumps(server.base_urls())}
    cmd = [*SCRAPY, "crawl", "belta", "-O", str(feed)]
    for key, value in settings.items():
        cmd += ["-s", f"{key}={value}"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), **server.crawl_env()}
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def wait_for_items(data_dir: Path, proc: subprocess.Popen, at_least: int) -> None:
    deadline = time.monotonic() + 60
    while len(exported_so_far(data_dir)) < at_least:
        assert proc.poll() is None, proc.stderr.read()[-3000:]
        assert time.monotonic() < deadline, "the first crawl produced too few items"
        time.sleep(0.05)


def slow_site() -> ChangingBelta:
    now = datetime.now(UTC).astimezone(belta.TZ).replace(microsecond=0)
    site = ChangingBelta(start=now - timedelta(hours=1), count=COUNT)
    site.delay = 0.3
    site.publish()
    return site



def test_a_second_crawl_of_the_spider_is_refused_while_the_first_runs(tmp_path: Path) -> None:
    site = slow_site()
    gate = site.hold(free=4, within=HOLD)
    feed = tmp_path / "belta.jsonl"  # the same -O file, as a copied cron line would have
    with FixtureServer([site.site]) as server:
        first = start(tmp_path, server, feed)
        try:
            wait_for_items(tmp_path, first, at_least=2)
            began = time.monotonic()
            second = start(tmp_path, server, feed)
            _, second_log = second.communicate(timeout=60)
            refused_in = time.monotonic() - began
            first_running = first.poll() is None
        finally:
            gate.set()
        _, first_log = first.communicate(timeout=120)
        fetched = Counter(hit.url for hit in server.hits)
    assert second.returncode == 1, second_log[-3000:]
    assert first_running, "the second crawl must be refused while the first still runs"
    assert first.returncode == 0, first_log[-3000:]
    lock = tmp_path / "state" / "belta.lock"
    assert f"{lock}" in second_log and f"pid {first.pid}" in second_log, second_log[-3000:]
    assert refused_in < 30
    # nothing was fetched twice, nothing exported twice, the first crawl's -O file is whole
    assert [url for url, n in fetched.items() if n > 1] == []
    items = exported_items(tmp_path)
    assert sorted(i["url"] for i in items) == sorted(g.url for g in site.golds)
    exported = [json.loads(line) for line in feed.read_text("utf-8").splitlines()]
    assert sorted(i["id"] for i in exported) == sorted(i["id"] for i in items)
    refused = [r for r in all_reports(tmp_path) if r["finish_reason"] == "run_locked"]
    assert len(refused) == 1 and not refused[0]["healthy"]
    assert refused[0]["summary"]["pages_fetched"] == 0


def test_a_crawl_killed_outright_leaves_no_lock(tmp_path: Path) -> None:
    site = slow_site()
    gate = site.hold(free=4, within=HOLD)
    with FixtureServer([site.site]) as server:
        first = start(tmp_path, server, tmp_path / "first.jsonl")
        try:
            wait_for_items(tmp_path, first, at_least=2)
            os.killpg(first.pid, signal.SIGKILL)  # the crawl and its extraction workers
            first.wait(timeout=30)
        finally:
            gate.set()
        again = start(tmp_path, server, tmp_path / "again.jsonl")
        _, log = again.communicate(timeout=120)
    assert again.returncode == 0, log[-3000:]
    assert sorted(i["url"] for i in exported_items(tmp_path)) == sorted(g.url for g in site.golds)


def test_the_lock_is_the_outlets_not_the_spiders(tmp_path: Path) -> None:
    """``crawl site`` of БЕЛТА's own address reads it with БЕЛТА's rules and state (its key is
    ``belta``): refused while ``crawl belta`` runs, which the spider's lock let through. A
    ``crawl site`` of another site shares no outlet: it runs beside it (the spider's lock
    refused it, and any two site crawls of different sites)."""
    site = slow_site()
    gate = site.hold(free=4, within=HOLD)
    other = anysite.feed_only_site()
    window = {"since": anysite.SINCE.isoformat(), "until": anysite.UNTIL.isoformat()}
    with FixtureServer([site.site, other.site]) as server:
        first = start(tmp_path, server, tmp_path / "belta.jsonl")
        try:
            wait_for_items(tmp_path, first, at_least=2)
            same = run_crawl("site", tmp_path, server, args={"url": "https://www.belta.by/"},
                             timeout=60)
            beside = run_crawl("site", tmp_path, server, args={"url": other.url, **window},
                               timeout=120)
            first_running = first.poll() is None
        finally:
            gate.set()
        _, first_log = first.communicate(timeout=120)
    assert first_running, "the other crawls must have run while the first still ran"
    assert same.returncode == 1, same.log[-3000:]
    assert (f"Another crawl of belta is running on this state store: {tmp_path}/state/"
            f"belta.lock is locked by pid {first.pid}") in same.log
    assert same.items == [] and same.stats.get("downloader/request_count", 0) == 0
    assert beside.returncode == 0, beside.log[-3000:]
    assert sorted(i["url"] for i in beside.items) == sorted(g.url for g in other.golds)
    assert (tmp_path / "state" / f"{other.site.host}.lock").exists()
    assert first.returncode == 0, first_log[-3000:]
