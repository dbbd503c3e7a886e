"""A JOBDIR crawl stopped mid-run and resumed is judged on what all its sessions discovered.

Real ``scrapy crawl belta`` processes. Run 1 reads the feed and finishes: the baseline, in
which the feed offered article links. Run 2 is stopped with article pages left in its
frontier, by SIGTERM or by its time limit (``CLOSESPIDER_TIMEOUT``); the session resuming it
reads no feed (its request was done and is seen), so unless the stopped session's discovery
figures are carried over the run looks like one whose feed offered nothing: the discovery
alarm fires and the crawl exits 1. A feed that really offered nothing must still alarm.
"""

from __future__ import annotations

import json
import signal
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.sites import belta
from tests.sites.common import rss
from tests.sites.scheduled import ChangingBelta
from tests.support.crawl import CrawlResult, run_crawl, start_crawl
from tests.support.server import FixtureServer, Page

pytestmark = pytest.mark.slow

KNOWN = 4  # articles of run 1
ADDED = 6  # articles published before run 2
SLOW = 2.0  # seconds each article page takes in run 2: the stop lands with pages left
SILENT = "offered no article link"


def reports(data_dir: Path) -> list[dict[str, Any]]:
    """Every run report of the folder, oldest first."""
    return [json.loads(p.read_text("utf-8")) for p in sorted((data_dir / "reports").glob("*.json"))]


def wait_for_article_request(server: FixtureServer, proc: Any, known: int) -> None:
    """Until the crawl asked for an article page (so it has read the feed)."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"crawl ended before the stop: {proc.stderr.read()[-3000:]}")
        if sum("/view/" in p for p in server.requested_paths(belta.HOST)) > known:
            return
        time.sleep(0.05)
    raise AssertionError("no article page was asked for")


def crawl_stopped_and_resumed(data_dir: Path, stop: str, feed_silent: bool = False
                              ) -> dict[str, Any]:
    """Run 1 (finished), run 2 stopped by ``stop`` (``sigterm`` or ``timeout``) with pages
    left, and the session resuming it. ``feed_silent``: run 2's feed lists nothing; its
    pages left are re-checks of run 1's articles (old by then)."""
    job = {"JOBDIR": str(data_dir / "job"), "CONCURRENT_REQUESTS": 2,
           "CONCURRENT_REQUESTS_PER_DOMAIN": 2}
    now = datetime.now(UTC).astimezone(belta.TZ).replace(microsecond=0)
    site = ChangingBelta(start=now - timedelta(hours=2), count=KNOWN)
    site.publish()
    out: dict[str, Any] = {"site": site}
    later = dict(job)
    with FixtureServer([site.site]) as server:
        out["first"] = run_crawl("belta", data_dir, server, settings=job)
        site.delay = SLOW
        if feed_silent:  # every known article old and due for its re-check: pages to fetch
            site.publish()
            site.site.add("/rss", Page(rss("БЕЛТА", f"https://{belta.HOST}/", []).encode(),
                                       content_type="application/rss+xml; charset=utf-8"))
            later.update(REFETCH_MAX_AGE_DAYS=0.001, REFETCH_OLD_EVERY_DAYS=1e-9)
            # capture times are whole seconds: due ("captured before now") only once run 1's
            # last second is over, which a fast start of run 2 could beat
            time.sleep(1.1)
        else:
            site.add(ADDED, now - timedelta(minutes=10))
        asked = sum("/view/" in p for p in server.requested_paths(belta.HOST))
        if stop == "timeout":
            out["stopped"] = run_crawl("belta", data_dir, server,
                                       settings={**later, "CLOSESPIDER_TIMEOUT": 1.5})
            out["stopped_code"], out["stopped_log"] = (out["stopped"].returncode,
                                                       out["stopped"].log)
        else:
            proc = start_crawl("belta", data_dir, server, settings=later)
            wait_for_article_request(server, proc, asked)
            proc.send_signal(signal.SIGTERM)
            _, out["stopped_log"] = proc.communicate(timeout=120)
            out["stopped_code"] = proc.returncode
        site.serve_at_once()  # the pages left: SLOW only had the stop land with some left
        out["resumed"] = run_crawl("belta", data_dir, server, settings=later)
    out["reports"] = reports(data_dir)
    return out


def offered(report: dict[str, Any]) -> int:
    return report["summary"]["offered_by_outlet"]["belta"]


def assert_resumed_healthy(out: dict[str, Any]) -> None:
    first, resumed = out["first"], out["resumed"]
    assert first.returncode == 0 and len(first.items) == KNOWN, first.log[-3000:]
    assert "Kept " in out["stopped_log"], out["stopped_log"][-3000:]  # pages were left
    assert "Resuming crawl from" in resumed.log
    assert resumed.returncode == 0, resumed.log[-3000:]
    assert SILENT not in resumed.log
    _, stopped, last = out["reports"]
    assert last["alarms"] == [] and last["healthy"] is True
    # the run's figures: the feed, read once by the stopped session, listed every article
    assert offered(last) == offered(stopped) == KNOWN + ADDED
    assert last["stats"]["discovery/feed_entries"] == KNOWN + ADDED
    assert offered(out["reports"][0]) == KNOWN
    # and what was left was fetched: every new article exported once over the two sessions
    site = out["site"]
    urls = sorted(item["url"] for item in items_of(out))
    assert urls == sorted(g.url for g in site.golds[KNOWN:])


def items_of(out: dict[str, Any]) -> list[dict[str, Any]]:
    """The items of run 2's two sessions (data/items keeps each session's file)."""
    data_dir: Path = out["resumed"].data_dir
    files = sorted((data_dir / "items").glob("belta-*.jsonl"))[1:]  # run 1's first
    return [json.loads(line) for f in files for line in f.read_text("utf-8").splitlines()
            if line]


def test_a_run_stopped_by_sigterm_and_resumed_exits_0_with_its_feed_counted(
        tmp_path: Path) -> None:
    out = crawl_stopped_and_resumed(tmp_path, "sigterm")
    assert out["stopped_code"] == 3, out["stopped_log"][-3000:]  # interrupted
    assert_resumed_healthy(out)


def test_a_run_stopped_by_its_time_limit_is_interrupted_and_resumed_exits_0(
        tmp_path: Path) -> None:
    out = crawl_stopped_and_resumed(tmp_path, "timeout")
    stopped: CrawlResult = out["stopped"]
    assert "closespider_timeout" in stopped.log
    # pages were left for the next session: not finished, so no baseline and not judged on
    # the articles it had no time to fetch
    assert stopped.returncode == 3, stopped.log[-3000:]
    report = out["reports"][1]
    assert report["status"] == "interrupted" and report["alarms"] == [], report["alarms"]
    assert_resumed_healthy(out)


def test_a_resumed_run_whose_feed_offered_nothing_still_alarms(tmp_path: Path) -> None:
    out = crawl_stopped_and_resumed(tmp_path, "sigterm", feed_silent=True)
    assert out["stopped_code"] == 3, out["stopped_log"][-3000:]
    resumed = out["resumed"]
    assert "Resuming crawl from" in resumed.log
    assert resumed.returncode == 1, resumed.log[-3000:]
    last = out["reports"][-1]
    assert offered(last) == 0 and last["stats"].get("discovery/feed_entries", 0) == 0
    assert [a for a in last["alarms"] if SILENT in a] == [
        f"belta: its feeds, listings and archives {SILENT} (median of the last 1 runs: "
        f"{KNOWN}); check its discovery"]
