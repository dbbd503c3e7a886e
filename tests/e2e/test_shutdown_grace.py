"""A stop waits SHUTDOWN_GRACE_SECONDS for the downloads in flight, then cancels them: a slow
site no longer holds a stopping crawl for DOWNLOAD_TIMEOUT per batch, and nothing is lost (the
JOBDIR frontier keeps them for the next run; without one they are named as not fetched)."""

from __future__ import annotations

import re
import signal
import subprocess
import threading
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from bench.site import ARTICLE, build
from tests.e2e.test_distributed import Worker, assert_complete_union, worker_settings
from tests.sites import belta
from tests.sites.scheduled import ChangingBelta
from tests.support.crawl import (
    exported_items,
    exported_so_far,
    latest_report,
    read_until,
    start_signalled_crawl,
)
from tests.support.redis import RedisServer, redis_server  # noqa: F401 (fixture)
from tests.support.server import FixtureServer, Page, VirtualSite

pytestmark = pytest.mark.slow

GRACE = 2
SLOW = 60.0  # seconds a slow article takes: far past the grace and the test's patience
COUNT = 10
FAST = 2  # articles answered at once, so the stop lands mid-crawl


def start_crawl(data_dir: Path, server: FixtureServer, jobdir: bool,
                **more: object) -> subprocess.Popen:
    """БЕЛТА on ``data_dir`` (JOBDIR there if ``jobdir``), 16 requests at a time, a stop's
    grace of GRACE seconds."""
    settings = {"CONCURRENT_REQUESTS": 16, "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
                "DOWNLOAD_TIMEOUT": 180, "SHUTDOWN_GRACE_SECONDS": GRACE, **more}
    if jobdir:
        settings["JOBDIR"] = str(data_dir / "job")
    return start_signalled_crawl(data_dir, server, settings)


def slow_site() -> tuple[ChangingBelta, set[str], set[str]]:
    """БЕЛТА with COUNT articles, all but FAST of them slow: a third say nothing for SLOW
    seconds, a third send their head and half their body, then stall (a transfer under way),
    a third answer 503 with a Retry-After of SLOW (a retry waiting out its backoff). The paths
    of the slow ones, and of those answering 503."""
    now = datetime.now(UTC).astimezone(belta.TZ).replace(microsecond=0)
    site = ChangingBelta(start=now - timedelta(hours=1), count=COUNT)
    site.publish()
    slow, busy = set(), set()
    for n, gold in enumerate(site.golds[FAST:]):
        path = site.path(gold)
        page = site.site.pages[path]
        if n % 3 == 0:
            page.stall = SLOW
        elif n % 3 == 1:
            page.delay = SLOW
        else:
            site.site.add(path, Page(b"busy", status=503, headers=[("Retry-After", f"{SLOW:g}")]))
            busy.add(path)
        slow.add(path)
    return site, slow, busy


def article_paths(server: FixtureServer, since: int = 0) -> list[str]:
    return [urlsplit(url).path for url in server.requests[since:] if "/view/" in url]


def wait_until(proc: subprocess.Popen, ready: object, what: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"crawl ended before {what}: {proc.stderr.read()[-3000:]}")
        if ready():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError(f"never {what}")


def stop_when_slow_in_flight(proc: subprocess.Popen, server: FixtureServer, data_dir: Path,
                             slow: set[str], held: threading.Event | None = None
                             ) -> tuple[float, str]:
    """SIGTERM once every slow article was asked for and the fast ones were exported; how
    long the crawl then took to exit, and its log. ``held``: the gate of slow articles held
    by the site, opened once the crawl says it waits for them (they answer in the grace)."""
    wait_until(proc, lambda: slow <= set(article_paths(server))
               and len(exported_so_far(data_dir)) >= FAST, "the slow articles were in flight")
    stopped = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    log = ""
    if held is not None:
        try:
            log = read_until(proc, "(SHUTDOWN_GRACE_SECONDS) for")
        finally:
            held.set()
    _, err = proc.communicate(timeout=SLOW)
    return time.monotonic() - stopped, log + err


def assert_interrupted_within(proc: subprocess.Popen, took: float, err: str,
                              seconds: float) -> None:
    """The stopped crawl exited interrupted (3: README, exit statuses) within ``seconds``."""
    assert proc.returncode == 3, err[-3000:]
    assert took < seconds, f"the stop took {took:.1f} s: {err[-3000:]}"


def warc_records(directory: Path) -> list[tuple[str, str]]:
    """(type, target URI) of every record of every WARC, each read to its end: a record cut
    short fails here."""
    records = []
    for path in sorted(directory.rglob("*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream, check_digests="raise"):
                record.content_stream().read()
                records.append((record.rec_type,
                                record.rec_headers.get_header("WARC-Target-URI") or ""))
    return records


def test_a_stop_cancels_slow_downloads_after_the_grace_and_the_next_run_fetches_them(
        tmp_path: Path) -> None:
    site, slow, busy = slow_site()
    with FixtureServer([site.site]) as server:
        proc = start_crawl(tmp_path, server, jobdir=True)
        took, err = stop_when_slow_in_flight(proc, server, tmp_path, slow)
        first = exported_items(tmp_path)
        assert_interrupted_within(proc, took, err, GRACE + 10)
        assert f"waiting up to {GRACE} s (SHUTDOWN_GRACE_SECONDS) for" in err
        assert (f"Shutdown grace of {GRACE} s ended: cancelled {len(slow)} downloads still in "
                f"flight ({len(slow)} kept for the next run, 0 not fetched)") in err
        assert "Article not fetched" not in err  # a cancelled download is no failed page
        assert len(first) == FAST
        report = latest_report(tmp_path)
        assert report["status"] == "interrupted"
        assert report["stats"]["shutdown/cancelled"] == len(slow)
        assert report["stats"]["shutdown/kept"] == len(slow)
        records = warc_records(tmp_path / "warc")
        # nothing of a cancelled transfer, not even its head; the 503s, whole, once each
        assert not {urlsplit(uri).path for _, uri in records} & (slow - busy)
        archived = Counter(urlsplit(uri).path for kind, uri in records if kind == "response")
        assert {path: archived[path] for path in busy} == dict.fromkeys(busy, 1)
        assert {urlsplit(item["url"]).path for item in first} <= set(archived)

        site.publish()  # the site is fast again
        mark = len(server.requests)
        again = start_crawl(tmp_path, server, jobdir=True)
        _, err_again = again.communicate(timeout=120)
        assert again.returncode == 0, err_again[-3000:]
        assert sorted(article_paths(server, mark)) == sorted(slow)  # exactly the cancelled
    items = exported_items(tmp_path)
    assert [i for i, n in Counter(item["id"] for item in items).items() if n > 1] == []
    assert sorted(item["url"] for item in items) == sorted(g.url for g in site.golds)
    warc_records(tmp_path / "warc")  # both runs' WARCs read back whole


def test_without_jobdir_the_cancelled_downloads_are_named_as_not_fetched(
        tmp_path: Path) -> None:
    site, slow, busy = slow_site()
    with FixtureServer([site.site]) as server:
        proc = start_crawl(tmp_path, server, jobdir=False)
        took, err = stop_when_slow_in_flight(proc, server, tmp_path, slow)
    assert_interrupted_within(proc, took, err, GRACE + 10)
    assert (f"cancelled {len(slow)} downloads still in flight (0 kept for the next run, "
            f"{len(slow)} not fetched)") in err
    assert f"{len(slow)} requests were not fetched: their downloads were cancelled" in err
    report = latest_report(tmp_path)
    named = report["stats"]["shutdown/not_fetched_urls"]
    assert report["stats"]["shutdown/not_fetched"] == len(slow)
    assert len(named) == 5 and {urlsplit(url).path for url in named} <= slow
    assert all(url in err for url in named)
    archived = {urlsplit(uri).path for _, uri in warc_records(tmp_path / "warc")}
    assert not archived & (slow - busy)


def paced_site(pages: int) -> tuple[VirtualSite, dict[str, bool]]:
    """The benchmark БЕЛТА, whose first FAST articles asked for answer at once and the
    others (half silent, half stalled mid-body) only after SLOW seconds, while ``slow``."""
    site, answered, lock = build(pages), set(), threading.Lock()
    render, state = site.dynamic[0], {"slow": True}

    def paced(target: str) -> Page | None:
        page = render(target)
        if page is None or not state["slow"]:
            return page
        with lock:
            if len(answered) < FAST or target in answered:
                answered.add(target)
                return page
        n = int(ARTICLE.match(target).group(1))  # type: ignore[union-attr]
        return replace(page, delay=SLOW) if n % 2 else replace(page, stall=SLOW)

    site.dynamic = [paced]
    return site, state


def article_paths_of(server: FixtureServer, since: int = 0) -> list[str]:
    return [p for p in (urlsplit(u).path for u in server.requests[since:]) if ARTICLE.match(p)]


def test_a_stopped_worker_leaves_its_cancelled_leases_to_the_next_worker(
        redis_server: RedisServer, tmp_path: Path) -> None:  # noqa: F811
    pages = 12
    site, state = paced_site(pages)
    with FixtureServer([site]) as server:
        settings = {**worker_settings(redis_server, tmp_path / "warc"),
                    "SHUTDOWN_GRACE_SECONDS": GRACE, "DOWNLOAD_TIMEOUT": 180}
        first = Worker("w1", tmp_path, server, settings)
        first.await_items(FAST)
        deadline = time.monotonic() + 60
        while len(set(article_paths_of(server))) < FAST + 4:  # 4 a domain in flight
            assert first.proc.poll() is None and time.monotonic() < deadline, first.log[-3000:]
            time.sleep(0.05)
        stopped = time.monotonic()
        first.proc.send_signal(signal.SIGTERM)
        code = first.wait(SLOW)
        took = time.monotonic() - stopped
        assert code == 3, first.log[-3000:]
        assert took < GRACE + 10, f"the stop took {took:.1f} s: {first.log[-3000:]}"
        cancelled = re.search(r"cancelled (\d+) downloads still in flight \((\d+) kept for "
                              r"the next run, 0 not fetched\)", first.log)
        assert cancelled and cancelled[1] == cancelled[2], first.log[-3000:]
        assert int(cancelled[1]) == pages - FAST  # every one leased was in the downloader
        assert f"Returned {pages - FAST} unfinished requests to the shared queue" in first.log
        assert redis_server.client.keys("belta:1:inflight:*") == []
        assert len(first.items) == FAST

        state["slow"] = False
        mark = len(server.requests)
        second = Worker("w2", tmp_path, server, settings)
        assert second.wait() == 0, second.log[-3000:]
        again = Counter(article_paths_of(server, mark))
    exported = {urlsplit(item["url"]).path for item in first.items}
    assert set(again.values()) == {1}
    assert set(again) == {f"/society/view/bench-{i}-{500000 + i}-2026/"
                          for i in range(pages)} - exported
    assert_complete_union([first, second], pages=pages)
    warc_records(tmp_path / "warc")  # both workers' WARCs read back whole


def test_a_run_time_limit_is_bounded_by_the_grace_too(tmp_path: Path) -> None:
    """CLOSESPIDER_TIMEOUT (a scheduled run's time limit) closes the spider as SIGTERM does:
    the slow downloads are cancelled after the grace, kept in the JOBDIR, fetched next run.
    The limit counts from the spider's opening, and so does the bound: a loaded machine has
    taken 10 s to start Python and Scrapy."""
    site, slow, busy = slow_site()
    limit = 6
    with FixtureServer([site.site]) as server:
        proc = start_crawl(tmp_path, server, jobdir=True, CLOSESPIDER_TIMEOUT=limit)
        log = read_until(proc, "Spider opened")
        opened = time.monotonic()
        _, err = proc.communicate(timeout=SLOW)
        took = time.monotonic() - opened
        err = log + err
        assert "Closing spider (closespider_timeout)" in err, err[-3000:]
        assert took < limit + GRACE + 10, f"the run took {took:.1f} s: {err[-3000:]}"
        assert (f"cancelled {len(slow)} downloads still in flight ({len(slow)} kept for the "
                "next run, 0 not fetched)") in err, err[-3000:]
        assert proc.returncode == 3, err[-3000:]  # requests kept: interrupted, resumable
        site.publish()
        mark = len(server.requests)
        again = start_crawl(tmp_path, server, jobdir=True)
        _, err_again = again.communicate(timeout=120)
        assert again.returncode == 0, err_again[-3000:]  # the run's feed counted, no alarm
        assert "Spider closed (finished)" in err_again, err_again[-3000:]
        assert sorted(article_paths(server, mark)) == sorted(slow)
    items = exported_items(tmp_path)
    assert sorted(item["url"] for item in items) == sorted(g.url for g in site.golds)


def test_downloads_ending_within_the_grace_are_fetched_and_none_cancelled(
        tmp_path: Path) -> None:
    """A stop with downloads that end before the grace runs out waits for them, as before:
    each is exported by this run and the end of the wait is said. The slow articles are
    held until the crawl says it waits for them: a delay of 4 s ran out before the stop on a
    loaded machine (the fast ones exported late), and the stop had nothing to wait for."""
    site, slow, _ = slow_site()
    site.publish()  # every article a whole page again, the slow ones held until the stop
    held = site.hold(unheld=tuple(site.golds[:FAST]))
    with FixtureServer([site.site]) as server:
        proc = start_crawl(tmp_path, server, jobdir=True, SHUTDOWN_GRACE_SECONDS=30)
        took, err = stop_when_slow_in_flight(proc, server, tmp_path, slow, held)
    assert_interrupted_within(proc, took, err, 15)
    assert "waiting up to 30 s (SHUTDOWN_GRACE_SECONDS) for" in err
    assert ("Shutdown grace of 30 s ended early: every download in flight finished, none "
            "cancelled") in err
    assert sorted(item["url"] for item in exported_items(tmp_path)) == sorted(g.url
                                                                        for g in site.golds)
    report = latest_report(tmp_path)
    assert "shutdown/cancelled" not in report["stats"]


def test_a_later_page_asked_for_after_the_stop_is_bounded_by_the_grace(
        tmp_path: Path) -> None:
    """A stop landing while an article is in extraction, with no download held: its next page,
    asked for after the stop began and slow to answer, is given up after the grace, as any
    download held at the stop is (it was unbounded: the grace was never armed)."""
    now = datetime.now(UTC).astimezone(belta.TZ).replace(microsecond=0)
    site = ChangingBelta(start=now - timedelta(hours=1), count=1)
    site.publish()
    path = site.path(site.golds[0])
    first = site.site.pages[path]
    html = first.body.decode("utf-8")
    bulk = "".join(f"<p>Абзац {n}: {'доўгі сказ пра надвор’е і горад ' * 8}</p>"
                   for n in range(6000))  # seconds of extraction: the stop lands in it
    html = html.replace("</head>", f'<link rel="next" href="{path}?page=2"></head>', 1)
    html = html.replace('<div class="js-mediator-article">',
                        f'<div class="js-mediator-article">{bulk}', 1)
    site.site.add(path, Page(html.encode("utf-8")))
    site.site.add(f"{path}?page=2", Page(first.body, delay=SLOW))
    with FixtureServer([site.site]) as server:
        proc = start_crawl(tmp_path, server, jobdir=False)
        wait_until(proc, lambda: any(s.url.endswith(path) for s in server.served),
                   "the article was served whole")  # not only asked for: 1.6 MB to send
        time.sleep(1.0)  # its page downloaded and captured, in extraction: no download held
        proc.send_signal(signal.SIGTERM)
        try:
            _, err = proc.communicate(timeout=SLOW - 10)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
            raise AssertionError(f"the stop was never bounded: {err[-3000:]}") from None
        ended = time.monotonic()
        asked = [hit.at for hit in server.hits if hit.url.endswith(f"{path}?page=2")]
        assert asked, err[-3000:]
    # bounded from the page's request: the stop took 13 s on a loaded machine, the extraction
    # before that request most of it
    assert_interrupted_within(proc, ended - asked[0], err, GRACE + 10)
    assert f"waiting up to {GRACE} s (SHUTDOWN_GRACE_SECONDS) for 1 downloads" in err
    assert "cancelled 1 downloads still in flight (0 kept for the next run, 1 not fetched)" \
        in err, err[-3000:]
