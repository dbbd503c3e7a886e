"""A run's verdict tells the truth: interrupted runs say so (report and exit status 3, even
after a forced shutdown), a page lost with its killed extraction worker fails the run, and a
small run with one odd page raises no false alarm."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import socket
import subprocess
import termios
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from struct import unpack

import pytest

from crawler.extensions.run_verdict import EXIT_INTERRUPTED, EXIT_UNHEALTHY
from tests.sites import belta
from tests.sites.scheduled import ChangingBelta
from tests.support.crawl import (
    ROOT,
    CrawlResult,
    crawl_command,
    read_items,
    run_crawl,
    whole_items,
)
from tests.support.server import FixtureServer, Page

pytestmark = pytest.mark.slow

WAIT = 90  # seconds any one step may take on a loaded machine before the test gives up


class GatedBelta:
    """A БЕЛТА fixture whose article pages are held back until the test lets them through."""

    def __init__(self, count: int, free: int = 0) -> None:
        now = datetime.now(UTC).astimezone(belta.TZ).replace(microsecond=0)
        self.changing = ChangingBelta(start=now - timedelta(hours=1), count=count)
        self.changing.publish()
        self.site = self.changing.site
        self.gate = threading.Event()
        self.refuse = False  # held pages are answered 404 once the gate opens
        self.held: dict[str, Page] = {}
        for n, gold in enumerate(self.changing.golds):
            path = self.changing.path(gold)
            page = self.site.pages.pop(path)
            if n < free:
                self.site.pages[path] = page
            else:
                self.held[path] = page
        self.site.dynamic.insert(0, self.serve)

    def serve(self, target: str) -> Page | None:
        page = self.held.get(target)
        if page is not None:
            self.gate.wait(WAIT)
        return None if self.refuse else page


def until(condition, what: str, proc: subprocess.Popen | None = None):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"the crawl ended before {what}")
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def start(data_dir: Path, server: FixtureServer, **settings) -> tuple[subprocess.Popen, Path]:
    cmd, env, items = crawl_command("belta", data_dir, server, settings=settings)
    log = (data_dir / "crawl.log").open("w")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
                            start_new_session=True)
    return proc, items


def report_of(data_dir: Path) -> dict:
    [path] = (data_dir / "reports").glob("belta-*.json")
    return json.loads(path.read_text("utf-8"))


def article_requested(server: FixtureServer, site: GatedBelta) -> bool:
    return any(target in site.held for target in server.requested_paths(belta.HOST))


def finish(proc: subprocess.Popen, site: GatedBelta) -> int:
    try:
        return proc.wait(WAIT)
    finally:
        site.gate.set()
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)


def test_sigterm_with_no_items_reports_interrupted_and_exits_3(tmp_path: Path) -> None:
    site = GatedBelta(count=3)
    with FixtureServer([site.site]) as server:
        proc, items = start(tmp_path, server)
        until(lambda: article_requested(server, site), "an article request", proc)
        assert report_of(tmp_path)["status"] == "running"  # written when the run starts
        proc.send_signal(signal.SIGTERM)
        site.refuse = True  # Scrapy waits for requests in flight: end them without items
        site.gate.set()
        code = finish(proc, site)
    log = (tmp_path / "crawl.log").read_text()
    assert code == EXIT_INTERRUPTED, log[-3000:]
    assert read_items(items) == []
    report = report_of(tmp_path)
    assert report["status"] == "interrupted" and report["finish_reason"] == "shutdown"
    assert report["healthy"] is False
    assert "interrupted" in log


def test_forced_shutdown_still_writes_an_interrupted_report(tmp_path: Path) -> None:
    site = GatedBelta(count=3)
    with FixtureServer([site.site]) as server:
        proc, _ = start(tmp_path, server)
        until(lambda: article_requested(server, site), "an article request", proc)
        proc.send_signal(signal.SIGINT)
        log = tmp_path / "crawl.log"
        until(lambda: "shutting down gracefully" in log.read_text(), "the first SIGINT", proc)
        proc.send_signal(signal.SIGINT)  # the second: Scrapy stops the reactor at once
        code = finish(proc, site)
    assert "forcing unclean shutdown" in log.read_text()
    assert code == EXIT_INTERRUPTED, log.read_text()[-3000:]
    report = report_of(tmp_path)
    assert report["status"] == "interrupted"
    assert report["finish_reason"] == "forced shutdown"
    assert report["healthy"] is False
    assert report["stats"]["response_received_count"] >= 2  # robots.txt and the feed


def worker_of(crawl_pid: int) -> tuple[int, int]:
    """The pid of the crawl's extraction worker and the fd it reads jobs from."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == crawl_pid and b"crawler.workerpool" in argv:
            return int(entry.name), int(argv[argv.index(b"crawler.workerpool") + 2])
    raise LookupError("no extraction worker")


def pending_bytes(pid: int, fd: int) -> int:
    """Bytes waiting in the worker's job pipe (a job handed to it, not yet read)."""
    with open(f"/proc/{pid}/fd/{fd}", "rb", buffering=0) as pipe:
        return unpack("i", fcntl.ioctl(pipe.fileno(), termios.FIONREAD, b"\0\0\0\0"))[0]


def test_a_page_lost_with_its_killed_extraction_worker_fails_the_run(tmp_path: Path) -> None:
    site = GatedBelta(count=4, free=1)
    with FixtureServer([site.site]) as server:
        proc, items = start(tmp_path, server, EXTRACTION_WORKERS=1)
        # One article went through: the worker is up and waiting for its next job.
        until(lambda: whole_items(items), "the first item", proc)
        pid, jobs_fd = worker_of(proc.pid)
        os.kill(pid, signal.SIGSTOP)
        site.gate.set()
        until(lambda: pending_bytes(pid, jobs_fd) > 0, "a job for the stopped worker", proc)
        os.kill(pid, signal.SIGKILL)  # mid-page: the job is in its hands
        code = finish(proc, site)
    log = (tmp_path / "crawl.log").read_text()
    assert code == EXIT_UNHEALTHY, log[-3000:]
    report = report_of(tmp_path)
    assert report["stats"]["extraction/failed/worker_died"] >= 1
    lost = report["stats"]["extraction/failed/worker_died"]
    assert len(read_items(items)) == 4 - lost  # the others were extracted by its replacement
    assert any("extraction worker died" in a for a in report["alarms"])
    assert "ALARM belta:" in log


def test_one_odd_page_in_a_small_run_raises_no_alarm(tmp_path: Path) -> None:
    now = datetime.now(UTC).astimezone(belta.TZ).replace(microsecond=0)
    site = ChangingBelta(start=now - timedelta(hours=1), count=3)
    site.publish()
    odd = site.path(site.golds[2])  # a photo gallery where an article was expected
    site.site.add(odd, "<html><head><title>Фото</title></head><body><h1>Фото</h1>"
                       "<img src='/a.jpg'></body></html>")
    with FixtureServer([site.site]) as server:
        result = run_crawl("belta", tmp_path, server)
    assert result.returncode == 0, result.log[-3000:]
    assert len(result.items) == 2
    report = report_of(tmp_path)
    assert report["summary"]["extraction_health"] == pytest.approx(2 / 3, abs=0.01)
    assert report["alarms"] == [] and report["healthy"] is True


def test_a_foreign_report_in_the_history_does_not_silence_the_verdict(tmp_path: Path) -> None:
    """A report file that is JSON but no report (``null``, a list) once made every later run
    fail in its baseline: no report, no alarms, exit 0 whatever happened."""
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "belta-20260101T000000000000.json").write_text("null")
    (reports / "belta-20260101T000001000000.json").write_text("[]")
    now = datetime.now(UTC).astimezone(belta.TZ).replace(microsecond=0)
    site = ChangingBelta(start=now - timedelta(hours=1), count=3)
    site.broken = True  # bodies emptied: the run must fail loudly
    site.publish()
    with FixtureServer([site.site]) as server:
        result = run_crawl("belta", tmp_path, server)
    assert result.returncode == EXIT_UNHEALTHY, result.log[-3000:]
    assert "Error caught on signal handler" not in result.log
    assert "Ignoring run report" in result.log
    report = json.loads(max(reports.glob("belta-2*.json")).read_text("utf-8"))
    assert report["status"] == "finished" and report["baseline"]["runs"] == 0
    assert any("extraction health" in alarm for alarm in report["alarms"])


def crawl_broken(spider: str, tmp_path: Path) -> CrawlResult:
    """A spider of tests.support.broken_spiders over three new БЕЛТА articles; it must exit 1."""
    now = datetime.now(UTC).astimezone(belta.TZ).replace(microsecond=0)
    site = ChangingBelta(start=now - timedelta(hours=1), count=3)
    site.publish()
    with FixtureServer([site.site]) as server:
        result = run_crawl(spider, tmp_path, server,
                           settings={"SPIDER_MODULES": "tests.support.broken_spiders"})
    assert result.returncode == EXIT_UNHEALTHY, result.log[-3000:]
    return result


def test_a_run_whose_start_requests_failed_exits_1(tmp_path: Path) -> None:
    """A spider whose start requests raise is closed with ``start_error`` having crawled what
    was queued before: it once said "healthy" and exited 0."""
    result = crawl_broken("broken_start", tmp_path)
    assert "a bug in the start requests" in result.log
    [path] = (tmp_path / "reports").glob("broken_start-*.json")
    report = json.loads(path.read_text("utf-8"))
    assert report["finish_reason"] == "start_error" and report["healthy"] is False
    assert [a for a in report["alarms"] if "start_error" in a], report["alarms"]
    assert "ALARM broken_start:" in result.log


def test_a_run_whose_spider_callback_crashed_exits_1_naming_the_page(tmp_path: Path) -> None:
    """A callback that raises loses what its page would have given (a feed: every article in
    it). The run once said "healthy" and exited 0 with only a traceback in the log."""
    crawl_broken("broken_feed", tmp_path)
    [path] = (tmp_path / "reports").glob("broken_feed-*.json")
    report = json.loads(path.read_text("utf-8"))
    assert report["summary"]["spider_errors"] == {"OverflowError": 1}
    (alarm,) = [a for a in report["alarms"] if "spider callback crashed" in a]
    assert "/rss" in alarm and "date value out of range" in alarm


def write_report(reports: Path, stamp: str, status: str, articles: int) -> None:
    reason = {"finished": "finished", "interrupted": "shutdown", "refused": "run_locked"}[status]
    report = {"spider": "belta", "status": "interrupted" if status == "interrupted" else
              "finished", "finish_reason": reason,
              "summary": {"articles": articles, "errors": 0, "extraction_health": 1.0}}
    (reports / f"belta-{stamp}.json").write_text(json.dumps(report), "utf-8")


def test_runs_that_are_no_baseline_do_not_crowd_out_the_history(tmp_path: Path) -> None:
    """Ten interrupted or refused runs in a row (a stuck outlet, a cron job overlapping the
    last one) were the ten reports read: no baseline was left, and a run with no article at
    all said healthy, exit 0. A report from a clock set years ahead is no newer run either."""
    reports = tmp_path / "reports"
    reports.mkdir()
    for n in range(3):
        write_report(reports, f"2026010{n + 1}T000000000000", "finished", 40)
    for n in range(12):
        write_report(reports, f"202601{10 + n}T000000000000", ("interrupted", "refused")[n % 2], 0)
    write_report(reports, "20990101T000000000000", "finished", 0)  # the clock was ahead once
    now = datetime.now(UTC).astimezone(belta.TZ).replace(microsecond=0)
    site = ChangingBelta(start=now - timedelta(hours=1), count=2)
    site.publish()
    site.site.pages = {k: v for k, v in site.site.pages.items() if "/view/" not in k}
    with FixtureServer([site.site]) as server:
        result = run_crawl("belta", tmp_path, server)
    assert result.returncode == EXIT_UNHEALTHY, result.log[-3000:]
    report = json.loads(max(p for p in reports.glob("belta-2*.json")
                            if not p.name.startswith("belta-2099")).read_text("utf-8"))
    assert report["baseline"]["runs"] == 3 and report["baseline"]["articles"] == 40
    assert any(a.startswith("no articles (median of the last 3 runs: 40)")
               for a in report["alarms"]), report["alarms"]
    assert "belta-20990101T000000000000.json is dated in the future" in result.log


def test_a_run_no_server_answered_says_why(tmp_path: Path) -> None:
    """As offline (DNS fails for every host): every download refused, so the alarm says that
    nothing answered and how it failed, not only that errors were many; exit 1."""
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    crawl = run_crawl("site", tmp_path, args={"url": f"http://127.0.0.1:{port}/"},
                      env={"http_proxy": "", "https_proxy": "", "no_proxy": "*"})
    assert crawl.returncode == EXIT_UNHEALTHY, crawl.log[-3000:]
    [path] = (tmp_path / "reports").glob("site-*.json")
    report = json.loads(path.read_text("utf-8"))
    [alarm] = [a for a in report["alarms"] if a.startswith("no page answered")]
    assert "download attempt(s) failed (DownloadConnectionRefusedError: " in alarm, alarm
    assert report["summary"]["pages_fetched"] == 0
    assert f"ALARM site: {alarm}" in crawl.log


@pytest.mark.parametrize("entries", ["", "<item><title>Без ссылки</title><guid isPermaLink="
                                         '"false">id-1</guid></item>'], ids=["empty", "no_link"])
def test_a_first_run_whose_feed_gives_no_link_is_unhealthy(tmp_path: Path, entries: str) -> None:
    """No history to compare with: an empty feed, or one whose entries lost their links,
    gave a run of 0 articles called healthy (exit 0)."""
    site, _ = belta.build(count=4)
    site.add("/rss", Page(('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                           f"<title>БЕЛТА</title>{entries}</channel></rss>").encode(),
                          content_type="application/rss+xml; charset=utf-8"))
    with FixtureServer([site]) as server:
        result = run_crawl("belta", tmp_path, server)
    assert result.returncode == EXIT_UNHEALTHY, result.log[-3000:]
    assert result.items == []
    assert "ALARM belta: belta: its feeds offered no article link (" in result.log


def test_a_feed_redirected_to_an_html_page_is_named_by_its_own_address(tmp_path: Path) -> None:
    """The alarm named where the redirect landed (the home page), not the feed the outlet's
    discovery names, which is what to fix."""
    site, _ = belta.build(count=2)
    site.add("/rss", Page(b"", status=301, headers=[("Location", "/")]))
    site.add("/", Page("<html><body><h1>БЕЛТА</h1><p>Главная</p></body></html>".encode()))
    with FixtureServer([site]) as server:
        result = run_crawl("belta", tmp_path, server)
    assert result.returncode == EXIT_UNHEALTHY, result.log[-3000:]
    gone = [line for line in result.log.splitlines() if "ALARM belta" in line and "gone" in line]
    assert len(gone) == 1 and "belta.by/rss" in gone[0], gone
