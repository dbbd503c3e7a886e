"""A crawl's digest rows reach the shared index within the writer's bound by the clock, not
only on its next write: while only a slow download is in flight (nothing written, the spider
not idle), rows whose records are already written wait no longer than UNSYNCED_SECONDS, so a
crash then loses none of them."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from archive.writer import UNSYNCED_SECONDS
from tests.sites import faulty_belta as site
from tests.support import faults
from tests.support.crawl import start_crawl
from tests.support.faults import FaultServer
from tests.support.warcs import archived_records

pytestmark = pytest.mark.slow

FAST = site.gold_for("fast-800001", 801)
SLOW = site.gold_for("slow-800002", 802)
HOLD = 60.0  # the slow page is held this long at most (released by the test before)


def held_until(release: threading.Event, body: bytes) -> faults.Route:
    """Answer only once ``release`` is set: a download in flight as long as the test likes."""
    def route(ex: faults.Exchange) -> None:
        release.wait(HOLD)
        faults.respond(body)(ex)
    return route


def committed_urls(index: Path) -> set[str]:
    """The digest rows another process sees (what a crash leaves in the index)."""
    if not index.exists():
        return set()
    db = sqlite3.connect(f"file:{index}?mode=ro", uri=True, timeout=5)
    try:
        return {url for (url,) in db.execute("SELECT url FROM digests")}
    except sqlite3.OperationalError:  # the table not created yet
        return set()
    finally:
        db.close()


def test_rows_are_committed_while_a_slow_download_is_still_pending(tmp_path: Path) -> None:
    release = threading.Event()
    cases = [site.Case("fast-800001", "fast", faults.respond(site.html_for(FAST).encode()),
                       FAST),
             site.Case("slow-800002", "slow", held_until(release, site.html_for(SLOW).encode()),
                       SLOW)]
    routes = {c.path: c.route for c in cases}
    routes["/robots.txt"] = faults.respond(b"User-agent: *\n", content_type="text/plain")
    routes["/rss"] = faults.respond(site.feed(cases), content_type="application/rss+xml")
    fast_url = f"http://{site.HOST}{cases[0].path}"
    index = tmp_path / "warc" / "digests.sqlite3"
    with FaultServer(site.HOST, routes) as server:
        proc = start_crawl("belta", tmp_path, server, settings={
            "DOWNLOAD_TIMEOUT": 120, "RETRY_TIMES": 0, "EXTRACTION_WORKERS": 0})
        log: list[str] = []  # read all along: a full stderr pipe would stall the crawl
        reader = threading.Thread(target=lambda: log.append(proc.stderr.read()), daemon=True)
        reader.start()
        try:
            seen, waited_from = _wait_for_row(index, fast_url, server, proc)
            assert not release.is_set() and server.times(cases[1].path), \
                "the slow page must still be in flight"
            assert time.monotonic() - waited_from < UNSYNCED_SECONDS + 10, seen
        finally:
            release.set()
        proc.wait(timeout=120)
        reader.join(10)
    assert proc.returncode == 0, "".join(log)[-3000:]
    assert {fast_url, f"http://{site.HOST}/rss"} <= seen, seen
    urls = {r.rec_headers.get_header("WARC-Target-URI")
            for r in archived_records(tmp_path / "warc") if r.rec_type == "response"}
    assert {fast_url, f"http://{site.HOST}{cases[1].path}"} <= urls


def _wait_for_row(index: Path, url: str, server: FaultServer, proc) -> tuple[set[str], float]:
    """The committed rows once ``url``'s is among them, and when the fast page was served;
    fails if the crawl ends or the slow page's hold runs out first."""
    deadline = time.monotonic() + HOLD - 5
    while time.monotonic() < deadline and proc.poll() is None:
        seen = committed_urls(index)
        if url in seen:
            return seen, server.times(url.removeprefix(f"http://{site.HOST}"))[0]
        time.sleep(0.2)
    raise AssertionError(f"no digest row for {url} while the slow page was held: "
                         f"{committed_urls(index)}")
