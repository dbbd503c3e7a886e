"""A run killed after an item reached one feed and before the next feed's file was created.

Feeds are written in turn and a local feed file is created at its first item. The next run
reads back the items a killed run exported but had not recorded (crawler.state.feed_tails),
and records an item only when every feed of its run holds it; a feed whose file the kill
kept from being created was taken for a file gone and left out of that check, so an item the
first feed held was recorded and the second feed never got it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.e2e.test_export_failures import old_site, recorded
from tests.support.crawl import ROOT, crawl_command, wait_for, whole_items
from tests.support.server import FixtureServer

pytestmark = pytest.mark.slow


def feeds(first: Path, second: Path) -> dict:
    """Two local JSON-lines feeds and no DATA_DIR/items file (whose file is made at once)."""
    return {"ITEMS_TO_DATA_DIR": False, "FEEDS": {str(first): {"format": "jsonlines"},
                                                  str(second): {"format": "jsonlines"}}}


def crawl(data_dir: Path, server: FixtureServer, settings: dict, log: Path) -> subprocess.Popen:
    """``scrapy crawl belta`` into the two feeds (no -O), its log written to ``log``."""
    cmd, env, _ = crawl_command("belta", data_dir, server, settings=settings)
    del cmd[cmd.index("-O"):cmd.index("-O") + 2]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=log.open("w"), start_new_session=True)


def test_an_item_a_kill_kept_from_a_feed_not_yet_created_is_exported_again(
        tmp_path: Path) -> None:
    """The first article is written to the first feed; the second feed's file is a FIFO no
    one reads, so the crawl stops in its creation, where the kill finds it; the FIFO is then
    taken away (the file was never created). The next run must export every article to the
    second feed: the first one included, which it recorded from the first feed's tail."""
    site = old_site()
    gate = site.hold(free=0)
    data_dir = tmp_path / "data"
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    settings = feeds(first, second)
    log = tmp_path / "killed.log"
    with FixtureServer([site.site]) as server:
        proc = crawl(data_dir, server, settings, log)
        try:
            wait_for(lambda: "Spider opened" in log.read_text(), "opened", proc, log)
            time.sleep(1)  # the feeds are watched (no article is served before the gate)
            os.mkfifo(second)
            gate.set()
            wait_for(lambda: len(whole_items(first)) >= 1, "first item", proc, log)
            time.sleep(1)  # the crawl now waits in the second feed's open
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        finally:
            gate.set()
        second.unlink()
        held = [i["url"] for i in whole_items(first)]
        assert len(held) == 1 and recorded(data_dir) == 0
        again = crawl(data_dir, server, settings, tmp_path / "again.log")
        again.wait(timeout=180)
    assert again.returncode == 0, (tmp_path / "again.log").read_text()[-3000:]
    golds = sorted(g.url for g in site.golds)
    assert sorted(i["url"] for i in whole_items(second)) == golds
    assert held[0] in [i["url"] for i in whole_items(first)[1:]]  # exported again
    assert recorded(data_dir) == len(golds)
