"""A crawl killed mid-way (SIGTERM or SIGKILL) and started again with the same JOBDIR and
DATA_DIR must end with every article exported exactly once over both runs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.sites import belta
from tests.sites.scheduled import ChangingBelta
from tests.support.crawl import (
    exported_items,
    exported_so_far,
    read_until,
    start_signalled_crawl,
)
from tests.support.server import FixtureServer

pytestmark = pytest.mark.slow

COUNT = 30


def start_crawl(data_dir: Path, server: FixtureServer, **more: object) -> subprocess.Popen:
    """БЕЛТА on ``data_dir`` with its JOBDIR there, two requests at a time."""
    return start_signalled_crawl(data_dir, server, {
        "JOBDIR": str(data_dir / "job"), "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
        "CONCURRENT_REQUESTS": 2, **more})


def wait_for_items(data_dir: Path, proc: subprocess.Popen, at_least: int) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"crawl ended before the kill: {proc.stderr.read()[-3000:]}")
        count = len(exported_so_far(data_dir))
        if count >= at_least:
            return count
        time.sleep(0.05)
    raise AssertionError("crawl produced too few items")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
def test_restart_after_kill_completes_without_duplicates(sig: signal.Signals,
                                                         tmp_path: Path) -> None:
    """The articles after the 10th wait until the crawl was killed or said it stops: with
    pages of 0.2 s, a loaded machine's niced extraction worker fell so far behind the
    downloads that every page was in when the fifth item came out, and the stop exported
    all 30 (failed 2 in 3 beside three busy loops)."""
    now = datetime.now(UTC).astimezone(belta.TZ).replace(microsecond=0)
    site = ChangingBelta(start=now - timedelta(hours=1), count=COUNT)
    site.publish()
    gate = site.hold(free=10)
    with FixtureServer([site.site]) as server:
        proc = start_crawl(tmp_path, server)
        try:
            before = wait_for_items(tmp_path, proc, at_least=5)
            if sig == signal.SIGKILL:
                os.killpg(proc.pid, signal.SIGKILL)  # the crawl and its extraction workers
            else:
                proc.send_signal(signal.SIGTERM)
                read_until(proc, "shutting down gracefully")
        finally:
            gate.set()
        proc.communicate(timeout=60)
        killed = exported_items(tmp_path)
        assert before <= len(killed) < COUNT, "the kill must land mid-crawl"

        again = start_crawl(tmp_path, server)
        _, err = again.communicate(timeout=120)
        assert again.returncode == 0, err[-3000:]
    items = exported_items(tmp_path)
    ids = Counter(item["id"] for item in items)
    assert [i for i, n in ids.items() if n > 1] == [], "duplicates over both runs"
    assert sorted(item["url"] for item in items) == sorted(g.url for g in site.golds)
    if sig == signal.SIGTERM:  # a stop that closes the spider hands its counts on
        report = json.loads(sorted((tmp_path / "reports").glob("belta-*.json"))[-1].read_text())
        days = report["completeness"]["by_day"]["belta"].values()
        assert sum(d["extracted"] for d in days) == COUNT  # the first run's ones included
        assert sum(d["known"] for d in days) == 0
        assert not (tmp_path / "job" / "belta" / "completeness.json").exists()
    assert all(item["version"] == 1 for item in items)
    reports = sorted((tmp_path / "reports").glob("belta-*.json"))
    last = json.loads(reports[-1].read_text("utf-8"))
    assert last["summary"]["articles_new"] == COUNT - len(killed)


def test_a_graceful_stop_with_many_requests_in_flight_loses_none(tmp_path: Path) -> None:
    """One SIGTERM while dozens of slow article requests are in the downloader
    (CONCURRENT_REQUESTS 64) and SHUTDOWN_GRACE_SECONDS 0 (no bound: the stop waits for every
    download; tests/e2e/test_shutdown_grace.py has the bound): the stop fetches what the
    downloader was handed; each of
    those is archived and exported by this run, the JOBDIR is left with nothing to do, and the
    next run exports nothing twice (it may fetch fresh known articles again, by
    REFETCH_MAX_AGE_DAYS)."""
    count = 60
    now = datetime.now(UTC).astimezone(belta.TZ).replace(microsecond=0)
    site = ChangingBelta(start=now - timedelta(hours=1), count=count)
    site.delay = 4.0
    site.publish()
    with FixtureServer([site.site]) as server:
        proc = start_crawl(tmp_path, server, CONCURRENT_REQUESTS=64, SHUTDOWN_GRACE_SECONDS=0)
        wait_for_items(tmp_path, proc, at_least=1)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=120)
        first = exported_items(tmp_path)
        site.serve_at_once()  # the next run's refetches of fresh known articles: no 4 s each
        again = start_crawl(tmp_path, server, CONCURRENT_REQUESTS=64)
        _, err_again = again.communicate(timeout=120)
    assert proc.returncode == 3, err[-3000:]  # interrupted
    assert again.returncode == 0, err_again[-3000:]
    assert "Closing spider (shutdown)" in err
    ids = Counter(item["id"] for item in exported_items(tmp_path))
    assert [i for i, n in ids.items() if n > 1] == [], "duplicates over both runs"
    assert sorted(item["url"] for item in exported_items(tmp_path)) == sorted(g.url
                                                                        for g in site.golds)
    assert len(first) == count  # every request handed to the downloader was finished
    assert "had finished its work when it was stopped: starting afresh" in err_again
    archived = {urlsplit(url).path for url in warc_urls(tmp_path / "warc")}
    assert {urlsplit(item["url"]).path for item in first} <= archived  # archived too


def warc_urls(directory: Path) -> set[str]:
    """Target URIs of the response records of every WARC in ``directory``."""
    urls = set()
    for path in directory.rglob("*.warc.gz"):
        with path.open("rb") as stream:
            urls |= {r.rec_headers.get_header("WARC-Target-URI")
                     for r in ArchiveIterator(stream) if r.rec_type == "response"}
    return urls
