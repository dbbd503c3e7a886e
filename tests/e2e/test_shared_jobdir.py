"""One JOBDIR for every spider, as in docs/scheduling.md (issue 14, item 8).

A district-paper crawl stopped by SIGTERM leaves its frontier in the shared JOBDIR; the next
spider (БЕЛТА) must not resume it, the district crawl resumes it later without fetching a
page twice, and a frontier is never resumed by a crawl with other arguments.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.sites import belta, regional
from tests.sites.regional import PVESTNIK, SHKLOV
from tests.support.crawl import ROOT, SCRAPY, TEST_SETTINGS, all_reports, exported_items
from tests.support.server import FixtureServer
from tests.support.tripwire import Cue, Tripwire, nth

pytestmark = pytest.mark.slow

DISTRICT = {"sites": f"{SHKLOV},{PVESTNIK}", "since": "2025-09-11", "until": "2025-09-13"}
BAD_SIGNS = ("not found", "unexpected keyword", "Traceback", "cannot load")


def crawl(spider: str, data_dir: Path, server: FixtureServer, args: dict[str, str],
          wire: Tripwire | None = None, cue: Cue | None = None) -> tuple[int, str]:
    settings = {**TEST_SETTINGS, "DATA_DIR": str(data_dir), "JOBDIR": str(data_dir / "job"),
                "CONCURRENT_REQUESTS": 2, "OUTLET_BASE_URLS": json.dumps(server.base_urls())}
    cmd = [*SCRAPY, "crawl", spider]
    for key, value in args.items():
        cmd += ["-a", f"{key}={value}"]
    for key, value in settings.items():
        cmd += ["-s", f"{key}={value}"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), **server.crawl_env()}
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    if wire is not None:
        wire.arm(proc.pid, cue, signal.SIGTERM)
    _, err = proc.communicate(timeout=180)
    if wire is not None:
        wire.arm(0, None)
    return proc.returncode, err


def test_shared_jobdir_resumes_each_spiders_own_frontier_without_refetching(
        tmp_path: Path) -> None:
    district_sites, district_golds = regional.build()
    agency, agency_golds = belta.build(count=6)
    wires = [Tripwire(site) for site in district_sites]
    wanted = {g.url for golds in district_golds.values() for g in golds
              if DISTRICT["since"] <= g.published.date().isoformat() <= DISTRICT["until"]}
    with FixtureServer([*district_sites, agency]) as server:
        # SIGTERM on the 4th request to shklovinfo.by: the crawl stops gracefully, mid-way.
        code, first_log = crawl("regional", tmp_path, server, DISTRICT, wires[0],
                                nth(lambda _: True, 4))
        assert "Kept " in first_log and "unfinished requests" in first_log, first_log[-3000:]
        stopped = exported_items(tmp_path, "regional")
        assert len(stopped) < len(wanted)

        code, log = crawl("belta", tmp_path, server, {})
        assert code == 0, log[-3000:]
        assert not [s for s in BAD_SIGNS if s in log], log[-3000:]
        assert "Resuming crawl" not in log
        assert sorted(i["url"] for i in exported_items(tmp_path, "belta")) == sorted(
            g.url for g in agency_golds)

        code, log = crawl("regional", tmp_path, server, DISTRICT)
        assert code == 0, log[-3000:]
        assert "Resuming crawl" in log and not [s for s in BAD_SIGNS if s in log], log[-3000:]
    items = exported_items(tmp_path, "regional")
    assert [u for u, n in Counter(i["url"] for i in items).items() if n > 1] == []
    assert {i["url"] for i in items} == wanted
    assert {urlsplit(i["url"]).hostname for i in items} <= {SHKLOV, PVESTNIK, f"www.{PVESTNIK}"}
    # The seen set was kept with the queue: no page of the district sites was fetched twice
    # (SIGTERM lets requests in flight finish), and the reports count each fetch once.
    hits = [h for w in wires for h in w.hits if h != "/robots.txt"]
    assert [h for h, n in Counter(hits).items() if n > 1] == []
    fetched = sum(r["summary"]["pages_fetched"] for r in all_reports(tmp_path, "regional"))
    assert fetched == len(hits) + sum(w.hits.count("/robots.txt") for w in wires)


def test_frontier_is_not_resumed_with_other_arguments(tmp_path: Path) -> None:
    site, golds = belta.build(count=12, rss_count=1)
    wire = Tripwire(site)
    window = {"since": "2026-01-03", "until": "2026-01-08"}
    with FixtureServer([site]) as server:
        crawl("belta", tmp_path, server, window, wire, nth(lambda t: "/view/" in t, 2))
        hits_before, items_before = len(wire.hits), exported_items(tmp_path, "belta")
        code, log = crawl("belta", tmp_path, server, {})
        assert code != 0, log[-3000:]
        assert "holds the unfinished crawl of belta" in log and '"since": "2026-01-03"' in log
        assert "Nothing was crawled" in log and "Traceback" not in log
        refused = all_reports(tmp_path, "belta")[-1]
        assert refused["finish_reason"] == "jobdir_mismatch"
        assert [a for a in refused["alarms"] if "refused" in a], refused["alarms"]
        assert len(wire.hits) == hits_before, "a refused crawl fetches nothing"
        assert exported_items(tmp_path, "belta") == items_before
        code, log = crawl("belta", tmp_path, server, window)
        assert code == 0 and "Resuming crawl" in log, log[-3000:]
    wanted = {g.url for g in golds if g.published.date().isoformat() >= window["since"]}
    assert sorted(i["url"] for i in exported_items(tmp_path, "belta")) == sorted(wanted)


def test_a_frontier_in_use_is_refused_to_a_second_crawl(tmp_path: Path) -> None:
    site, _ = belta.build(count=2)
    folder = tmp_path / "job" / "belta"
    folder.mkdir(parents=True)
    with (folder / "lock").open("a") as held, FixtureServer([site]) as server:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running crawl holds it
        code, log = crawl("belta", tmp_path, server, {})
        assert "another crawl of belta is running" in log, log[-3000:]
        refused = all_reports(tmp_path, "belta")[-1]
        assert refused["finish_reason"] == "jobdir_mismatch"
        assert [a for a in refused["alarms"] if "refused" in a], refused["alarms"]
        assert exported_items(tmp_path, "belta") == []
        fcntl.flock(held, fcntl.LOCK_UN)
        code, log = crawl("belta", tmp_path, server, {})
        assert code == 0 and len(exported_items(tmp_path, "belta")) == 2, log[-3000:]


def _old_frontier(path: Path) -> None:
    """A frontier with an older layout (no lease column) and a request still queued."""
    import sqlite3
    db = sqlite3.connect(path)
    db.executescript("CREATE TABLE job (key TEXT PRIMARY KEY, value BLOB);"
                     "CREATE TABLE queue (id INTEGER PRIMARY KEY, priority INTEGER, data BLOB);"
                     "INSERT INTO queue (priority, data) VALUES (1, x'00');")
    db.commit()
    db.close()


def _cut_frontier(path: Path, keep: int | None) -> None:
    """A frontier of an interrupted crawl of БЕЛТА, requests queued, then cut short: to
    ``keep`` bytes, or to 100 bytes short of its end (mid-page)."""
    from crawler.state.frontier import Frontier
    f = Frontier(path)
    arguments = {"since": None, "until": None}  # belta's, crawled with no -a
    f.set("identity", json.dumps({"spider": "belta", "arguments": arguments}).encode())
    for i in range(40):
        f.add(b"fp%d" % i, 0, False, b"request %d " % i * 50)
    f.close()
    data = path.read_bytes()
    path.write_bytes(data[:keep if keep is not None else -100])


@pytest.mark.parametrize("how", ["garbage", "older layout", "bad identity", "empty",
                                 "cut mid-page"])
def test_a_frontier_that_cannot_be_read_is_refused_with_what_to_do(tmp_path: Path,
                                                                   how: str) -> None:
    """A damaged frontier, or one an older version of the crawler wrote, once crashed the
    crawl with a cascade of tracebacks and no report. One cut short (a kill or a full disk
    as it was written, a bad restore) was opened: empty, as a new frontier (its queued
    requests forgotten, the crawl run as if fresh); cut mid-page, with zeros for the rest."""
    site, _ = belta.build(count=2)
    folder = tmp_path / "job" / "belta"
    folder.mkdir(parents=True)
    frontier = folder / "frontier.sqlite3"
    if how == "garbage":
        frontier.write_bytes(b"not sqlite " * 500)
    elif how == "older layout":
        _old_frontier(frontier)
    elif how in ("empty", "cut mid-page"):
        _cut_frontier(frontier, 0 if how == "empty" else None)
    with FixtureServer([site]) as server:
        if how == "bad identity":
            crawl("belta", tmp_path, server, {})  # an emptied frontier, to spoil
            import sqlite3
            with sqlite3.connect(frontier) as db:
                db.execute("INSERT OR REPLACE INTO job VALUES ('identity', x'7b7b')")  # "{{"
                db.execute("INSERT INTO seen VALUES (x'01')")
            db.close()
            (tmp_path / "items").rename(tmp_path / "first-items")
            server.hits.clear()
        before = frontier.read_bytes()
        code, log = crawl("belta", tmp_path, server, {})
        assert code == 1, log[-3000:]
        assert f"frontier {frontier} cannot be used" in log and "Traceback" not in log, log[-3000:]
        assert f"Delete {folder}" in log and "Nothing was crawled" in log
        assert "Free space" not in log  # damaged, not a full disk
        assert [h for h in server.hits if h.url.endswith("/robots.txt") is False] == []
        refused = all_reports(tmp_path, "belta")[-1]
        assert refused["finish_reason"] == "jobdir_mismatch" and not refused["healthy"]
        assert frontier.read_bytes() == before  # left for the user to look at
        assert not list(folder.glob("*frontier.sqlite3?*"))  # no -wal, -shm, nor .new
        assert exported_items(tmp_path, "belta") == []
