"""A run with a filtered feed (Scrapy's ``item_filter``) killed after an item was exported and
before it was recorded, then resumed with its JOBDIR: no feed holds an item twice.

The next run reads back the items a killed run exported but had not recorded
(crawler.state.feed_tails) and records one only when every feed of its run holds it; a
filtered feed holds only the items it accepts, so an item it refused was never recorded and
was exported again to every other feed.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.e2e.test_export_failures import crawl_into, old_site, recorded, unwritable
from tests.support.crawl import ROOT, crawl_command, exported_items, wait_for, whole_items
from tests.support.server import FixtureServer

pytestmark = pytest.mark.slow

# filters of the feed: none of the articles, the ones of even number (/novost-nomer-N-…-2026/)
PATTERNS = {"refuses_all": r"^$", "even": r"[02468]-2026/$"}


def crawl(data_dir: Path, server: FixtureServer, filtered: Path, pattern: str,
          log: Path) -> subprocess.Popen:
    """``scrapy crawl belta`` (no -O) into DATA_DIR/items and a feed of the items whose URL
    ``pattern`` finds, with a JOBDIR, its log written to ``log``."""
    feeds = {str(filtered): {"format": "jsonlines", "url_pattern": pattern,
                             "item_filter": "tests.support.feed_filters.UrlPattern"}}
    cmd, env, _ = crawl_command("belta", data_dir, server, settings={
        "FEEDS": feeds, "JOBDIR": str(data_dir / "job")})
    del cmd[cmd.index("-O"):cmd.index("-O") + 2]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=log.open("w"), start_new_session=True)


def killed_before_recording(data_dir: Path, server: FixtureServer, site, filtered: Path,
                            pattern: str, log: Path) -> str:
    """Run until the first article is exported, its record held up by a lock another
    process holds on the state store, and kill the run there; the article's URL."""
    return kill_before_recording(data_dir, site, lambda: crawl(
        data_dir, server, filtered, pattern, log), lambda: exported_items(data_dir), log)


def kill_before_recording(data_dir: Path, site, start, exported, log: Path) -> str:
    """Start the run ``start`` gives, kill it once ``exported`` gives its first article
    (its record held up by a lock another process holds on the state store); that URL."""
    gate = site.hold(free=0)
    proc = start()
    state = data_dir / "state" / "state.sqlite3"
    try:
        wait_for(lambda: "Spider opened" in log.read_text(), "opened", proc, log)
        time.sleep(1)
        with sqlite3.connect(state, isolation_level=None) as lock:
            lock.execute("BEGIN EXCLUSIVE")
            gate.set()
            wait_for(exported, "first item", proc, log)
            time.sleep(1)  # the run now waits for the lock to record it
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            lock.execute("ROLLBACK")
    finally:
        gate.set()
    held = [i["url"] for i in exported()]
    assert len(held) == 1 and recorded(data_dir) == 0, log.read_text()[-3000:]
    return held[0]


@pytest.mark.parametrize("pattern", sorted(PATTERNS))
def test_a_resumed_run_exports_no_item_twice_beside_a_filtered_feed(
        tmp_path: Path, pattern: str) -> None:
    """Whichever article the kill caught between export and record (refused by the filtered
    feed, or maybe accepted): over both runs every article is in DATA_DIR/items once, and
    the filtered feed holds the ones it accepts, once each."""
    data_dir, filtered = tmp_path / "data", tmp_path / "filtered.jsonl"
    regex = PATTERNS[pattern]
    site = old_site()
    with FixtureServer([site.site]) as server:
        held = killed_before_recording(data_dir, server, site, filtered, regex,
                                       tmp_path / "killed.log")
        again = crawl(data_dir, server, filtered, regex, tmp_path / "again.log")
        again.wait(timeout=180)
    assert again.returncode == 0, (tmp_path / "again.log").read_text()[-3000:]
    urls = Counter(i["url"] for i in exported_items(data_dir))
    assert [u for u, n in urls.items() if n > 1] == [], f"{held} exported twice"
    golds = sorted(g.url for g in site.golds)
    assert sorted(urls) == golds
    wanted = [u for u in golds if re.search(regex, u)]
    assert sorted(i["url"] for i in whole_items(filtered)) == wanted
    assert recorded(data_dir) == len(golds)


def test_an_item_a_filtered_feed_failed_to_take_is_exported_again(tmp_path: Path) -> None:
    """The filtered feed cannot be written (a file where its folder should be): its run is
    a failed export, and the next run, the feed mended, gives it every article it accepts.
    The read-back does not ask the filtered feed, so the items it failed to take must not be
    read back from the other feeds (a failed item's lines are passed, as before)."""
    data_dir, good = tmp_path / "data", tmp_path / "filtered.jsonl"
    regex = r"/view/"  # a filter that happens to take every article

    def settings(path: str) -> dict:
        return {"FEEDS": {path: {"format": "jsonlines", "url_pattern": regex,
                                 "item_filter": "tests.support.feed_filters.UrlPattern"}}}

    site = old_site()
    with FixtureServer([site.site]) as server:
        failed, _ = crawl_into(data_dir, server, None, settings(unwritable(tmp_path)))
        assert failed.returncode == 1, failed.stderr[-3000:]
        assert recorded(data_dir) == 0
        again, _ = crawl_into(data_dir, server, None, settings(str(good)))
    assert again.returncode == 0, again.stderr[-3000:]
    wanted = sorted(g.url for g in site.golds if re.search(regex, g.url))
    assert sorted(i["url"] for i in whole_items(good)) == wanted
    assert recorded(data_dir) == len(site.golds)


def classed_crawl(data_dir: Path, server: FixtureServer, feed: Path, item_class: str,
                  log: Path) -> subprocess.Popen:
    """``scrapy crawl belta`` whose only feed is ``feed``, of Scrapy's ``item_classes``
    [``item_class``] (no DATA_DIR/items, no -O), with a JOBDIR, its log written to ``log``."""
    cmd, env, _ = crawl_command("belta", data_dir, server, settings={
        "ITEMS_TO_DATA_DIR": False, "JOBDIR": str(data_dir / "job"),
        "FEEDS": {str(feed): {"format": "jsonlines", "item_classes": [item_class]}}})
    del cmd[cmd.index("-O"):cmd.index("-O") + 2]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=log.open("w"), start_new_session=True)


def test_a_run_whose_only_feed_takes_the_article_class_is_read_back_after_a_kill(
        tmp_path: Path) -> None:
    """The run's only feed has ``item_classes`` naming the Article the pipelines export (so
    it takes every item): it was taken for a filtered feed, never read back, and the article
    a kill caught between its export and its record was exported to it again. Now it is read
    back: over both runs each article is in it once, and all are recorded."""
    data_dir, feed = tmp_path / "data", tmp_path / "classed.jsonl"
    site = old_site()
    article = "crawler.items.Article"
    with FixtureServer([site.site]) as server:
        held = kill_before_recording(
            data_dir, site, lambda: classed_crawl(data_dir, server, feed, article,
                                                  tmp_path / "killed.log"),
            lambda: whole_items(feed) if feed.exists() else [], tmp_path / "killed.log")
        again = classed_crawl(data_dir, server, feed, article, tmp_path / "again.log")
        again.wait(timeout=180)
    log = (tmp_path / "again.log").read_text()
    assert again.returncode == 0, log[-3000:]
    urls = Counter(i["url"] for i in whole_items(feed))
    assert [u for u, n in urls.items() if n > 1] == [], f"{held} exported twice"
    assert sorted(urls) == sorted(g.url for g in site.golds)
    assert recorded(data_dir) == len(site.golds)
    assert "No feed of this run is read back" not in log


def test_a_run_whose_every_feed_is_filtered_says_at_start_a_kill_exports_again(
        tmp_path: Path) -> None:
    """A run whose only feed's ``item_classes`` leave the Article out is read back from no
    feed: it says so at its start, naming the feed."""
    data_dir, feed = tmp_path / "data", tmp_path / "pages.jsonl"
    log = tmp_path / "run.log"
    site = old_site()
    with FixtureServer([site.site]) as server:
        proc = classed_crawl(data_dir, server, feed, "crawler.items.ArticlePage", log)
        proc.wait(timeout=180)
    text = log.read_text()
    said = text.find(f"No feed of this run is read back ({feed}: filtered), so an article a "
                     "kill stops between its export and its record is exported again by the "
                     "next run")
    assert 0 <= said < text.find("Closing spider"), text[-3000:]  # as it opens
