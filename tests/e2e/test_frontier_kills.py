"""A JOBDIR frontier survives SIGKILL at any point of a crawl (issue 14, item 7).

A BELTA backfill (day-archive paging, then article pages) is killed at each phase — listing
paging, article fetches, extraction, export, start-up — (once twice in a row), then resumed
with the same JOBDIR and DATA_DIR and left to finish. Over the runs every article of a clean
run is exported exactly once, no run logs a torn queue, and the resumed runs together fetch
hardly more listing pages than the clean run did.
"""

from __future__ import annotations

import json
import os
import pickle
import signal
import sqlite3
import subprocess
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.sites import belta
from tests.support.crawl import ROOT, SCRAPY, TEST_SETTINGS, exported_items, exported_so_far
from tests.support.server import FixtureServer
from tests.support.tripwire import Cue, Tripwire, nth, signal_group

pytestmark = pytest.mark.slow

START = datetime(2026, 1, 8, 19, 51, tzinfo=belta.TZ)
WINDOW = {"since": "2026-01-02", "until": "2026-01-08"}
CONCURRENCY = 2
BAD_SIGNS = ("Traceback", "struct.error", "Task exception was never retrieved",
             "Unable to serialize", "cannot load")


def listing(target: str) -> bool:
    return target.startswith("/all_news/page/")


def article(target: str) -> bool:
    return "/view/" in target


def start(data_dir: Path, server: FixtureServer) -> subprocess.Popen[str]:
    settings = {**TEST_SETTINGS, "DATA_DIR": str(data_dir), "JOBDIR": str(data_dir / "job"),
                "CONCURRENT_REQUESTS": CONCURRENCY,
                "CONCURRENT_REQUESTS_PER_DOMAIN": CONCURRENCY,
                "OUTLET_BASE_URLS": json.dumps(server.base_urls())}
    cmd = [*SCRAPY, "crawl", "belta"]
    for key, value in WINDOW.items():
        cmd += ["-a", f"{key}={value}"]
    for key, value in settings.items():
        cmd += ["-s", f"{key}={value}"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), **server.crawl_env()}
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def run(data_dir: Path, server: FixtureServer, wire: Tripwire,
        cue: Cue | None = None,
        items_cue: int | None = None) -> tuple[int, str]:
    """One crawl; killed on ``cue`` or once ``items_cue`` more items were exported."""
    before = len(exported_items(data_dir))
    proc = start(data_dir, server)
    wire.arm(proc.pid, cue)
    if items_cue is not None:
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            if len(exported_so_far(data_dir)) >= before + items_cue:
                signal_group(proc.pid)
                break
            time.sleep(0.01)
    _, err = proc.communicate(timeout=120)
    wire.arm(0, None)
    return proc.returncode, err


KILLS = [
    ("listing paging", nth(listing, 5), None),
    ("next listing page", nth(lambda t: t.startswith("/all_news/page/2/"), 1), None),
    ("article fetch", nth(article, 2), None),
    ("extraction", nth(article, 2, delay=0.3), None),
    ("export", None, 2),
    ("start-up", lambda target, hits: 0.0, None),
]


def test_frontier_survives_sigkill_at_every_phase(tmp_path: Path) -> None:
    site, golds = belta.build(start=START, count=20, rss_count=2)
    wire = Tripwire(site)
    with FixtureServer([site]) as server:
        code, err = run(tmp_path / "clean", server, wire)
        assert code == 0, err[-3000:]
        clean = exported_items(tmp_path / "clean")
        clean_listings = sum(map(listing, wire.hits))
        wanted = {g.url for g in golds if g.published.date().isoformat() >= WINDOW["since"]}
        assert {i["url"] for i in clean} == wanted and len(clean) == len(wanted) >= 12

        # Each phase from a fresh start, so every kill lands where it is meant to whatever the
        # machine's speed; then two kills in a row, resumed in between, and a final resume.
        for number, (phase, cue, items_cue) in enumerate(KILLS):
            data = tmp_path / f"killed-{number}"
            wire.hits.clear()
            kills = [(phase, cue, items_cue)]
            if number == 0:
                kills.append(("listing paging again", nth(listing, 2), None))
            in_flight = 0  # listing pages leased in the frontier when a kill landed
            for name, kill_cue, kill_items in kills:
                code, err = run(data, server, wire, kill_cue, kill_items)
                assert code == -signal.SIGKILL, f"{name}: the kill must land mid-crawl: " \
                                                f"{err[-2000:]}"
                assert not [s for s in BAD_SIGNS if s in err], f"{name}: {err[-3000:]}"
                in_flight += leased_listings(data)
            code, err = run(data, server, wire)
            assert code == 0, f"{phase}: {err[-3000:]}"
            assert not [s for s in BAD_SIGNS if s in err], f"{phase}: {err[-3000:]}"
            assert "Resuming crawl from" in err, phase
            check_resumed(data, clean, phase)
            # The seen set was kept with the queue: a resumed run re-fetches only what was in
            # flight (leased: downloading, being parsed, or done but not yet released), not
            # every listing page again.
            assert in_flight < clean_listings // 2, phase
            assert sum(map(listing, wire.hits)) <= clean_listings + in_flight, phase


def leased_listings(data: Path) -> int:
    """The listing requests a killed run held leased in its frontier: the next run redoes
    them."""
    with sqlite3.connect(data / "job" / "belta" / "frontier.sqlite3") as db:
        rows = db.execute("SELECT data FROM queue WHERE leased = 1").fetchall()
    return sum(listing(urlsplit(pickle.loads(row[0])["url"]).path) for row in rows)


def check_resumed(data: Path, clean: list[dict], phase: str) -> None:
    """Over the killed and resumed runs every article was exported once, as in a clean run,
    and the finished crawl emptied its frontier."""
    items = exported_items(data)
    ids = Counter(item["id"] for item in items)
    assert [i for i, n in ids.items() if n > 1] == [], f"{phase}: exported twice over the runs"
    assert sorted(i["url"] for i in items) == sorted(i["url"] for i in clean), phase
    by_url = {i["url"]: i for i in clean}
    assert all(i["text"] == by_url[i["url"]]["text"] for i in items), phase
    with sqlite3.connect(data / "job" / "belta" / "frontier.sqlite3") as db:
        assert db.execute("SELECT (SELECT count(*) FROM queue) + (SELECT count(*) FROM seen)"
                          ).fetchone() == (0,), phase
    assert not (data / "job" / "requests.queue").exists()
