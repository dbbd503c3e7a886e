"""An appended feed (``-o``) that a killed run left ending mid-line: the next run's first item
must not be written onto that torn line, where neither is readable (the article was then lost
from the feed while the state store recorded it as exported)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.e2e.test_export_failures import old_site
from tests.sites.scheduled import ChangingBelta
from tests.support.crawl import ROOT, crawl_command
from tests.support.server import FixtureServer

pytestmark = pytest.mark.slow

WARNING = "ended in an unterminated line"


def append_crawl(data_dir: Path, server: FixtureServer, out: Path
                 ) -> subprocess.CompletedProcess:
    """``scrapy crawl belta -o out``: the scheduled job's one file, appended to by each run."""
    cmd, env, _ = crawl_command("belta", data_dir, server)
    cmd[cmd.index("-O"):cmd.index("-O") + 2] = ["-o", str(out)]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)


def tear_last_line(out: Path, data_dir: Path) -> tuple[str, bytes]:
    """Leave ``out`` as a run killed while writing its last item would: half that line, the
    article not recorded in the state store. Return its URL and the torn bytes."""
    data = out.read_bytes()
    start = data.rstrip(b"\n").rfind(b"\n") + 1
    url = json.loads(data[start:])["url"]
    torn = data[start:start + (len(data) - start) // 2]
    out.write_bytes(data[:start] + torn)
    with sqlite3.connect(data_dir / "state" / "state.sqlite3") as db:
        db.execute("DELETE FROM articles WHERE url = ?", (url,))
    return url, torn


def whole_lines(out: Path) -> tuple[list[dict], list[bytes]]:
    """The feed's items, and its lines that are no JSON."""
    items, bad = [], []
    for line in out.read_bytes().splitlines():
        try:
            items.append(json.loads(line))
        except ValueError:
            bad.append(line)
    return items, bad


def test_a_run_appending_to_a_torn_feed_starts_a_line_of_its_own(tmp_path: Path) -> None:
    site: ChangingBelta = old_site()
    data_dir, out = tmp_path / "data", tmp_path / "all.jsonl"
    with FixtureServer([site.site]) as server:
        first = append_crawl(data_dir, server, out)
        assert first.returncode == 0, first.stderr[-3000:]
        url, torn = tear_last_line(out, data_dir)
        second = append_crawl(data_dir, server, out)
        items, bad = whole_lines(out)
        assert second.returncode == 0, second.stderr[-3000:]
        # the torn article exported again whole, on a line of its own; the torn bytes kept
        assert bad == [torn]
        assert sorted(i["url"] for i in items) == sorted(g.url for g in site.golds)
        assert [i["url"] for i in items].count(url) == 1
        assert second.stderr.count(WARNING) == 1
        size = len(out.read_bytes())

        [new] = site.add(1, published=site.golds[-1].published)
        third = append_crawl(data_dir, server, out)
    assert third.returncode == 0, third.stderr[-3000:]
    assert WARNING not in third.stderr  # said once: the file ends whole now
    items, bad = whole_lines(out)
    assert bad == [torn]
    assert [json.loads(line)["url"] for line in out.read_bytes()[size:].splitlines()] == [
        new.url]
