"""crawler.state.jobdir: a request whose download was given up at shutdown stays leased in the
frontier however the engine lets go of it, so the next run fetches it (see
crawler/extensions/shutdown_grace.py; the end-to-end case is tests/e2e/test_shutdown_grace.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from scrapy import Request, Spider
from scrapy.utils.test import get_crawler

from crawler.state.frontier import Frontier
from crawler.state.jobdir import FRONTIER_FILE, JobScheduler, spider_jobdir


def lease(crawler: Any, scheduler: JobScheduler) -> Request:
    """The next request, held by the engine (being downloaded) until :func:`let_go`."""
    request = scheduler.next_request()
    assert request is not None
    crawler.engine._slot.inprogress.add(request)
    return request


def let_go(crawler: Any) -> None:
    crawler.engine._slot.inprogress.clear()


def open_scheduler(tmp_path: Path) -> tuple[Any, JobScheduler, Path]:
    crawler = get_crawler(Spider, {"JOBDIR": str(tmp_path / "job")})
    crawler.stats.open_spider()
    # the engine, holding nothing; the scheduler's memory queue asks for its downloader
    crawler.engine = SimpleNamespace(_slot=SimpleNamespace(inprogress=set()),
                                     downloader=SimpleNamespace(get_slot_key=lambda r: ""))
    scheduler = JobScheduler.from_crawler(crawler)
    scheduler.open(Spider("belta"))
    return crawler, scheduler, spider_jobdir(tmp_path / "job", "belta") / FRONTIER_FILE


def leased_after_close(scheduler: JobScheduler, path: Path) -> int:
    scheduler.close("shutdown")
    frontier = Frontier(path)
    try:
        return frontier.leased()
    finally:
        frontier.close()


def test_a_kept_request_stays_leased_when_the_engine_lets_go_of_it(tmp_path: Path) -> None:
    crawler, scheduler, path = open_scheduler(tmp_path)
    for n in range(2):
        assert scheduler.enqueue_request(Request(f"https://www.belta.by/a/{n}"))
    kept, done = lease(crawler, scheduler), lease(crawler, scheduler)
    assert scheduler.keep_unfinished(kept)
    let_go(crawler)
    assert leased_after_close(scheduler, path) == 1  # the done one released, the kept one not
    frontier = Frontier(path)
    try:
        assert frontier.requeue_leased() == 1  # what the next run does first
    finally:
        frontier.close()
    assert done.url != kept.url


def test_after_a_failed_frontier_write_its_leases_are_still_kept(tmp_path: Path) -> None:
    """The frontier stopped being written (a full disk): the file keeps its leases, so a
    request given up at the stop that follows is kept, not reported as not fetched."""
    crawler, scheduler, path = open_scheduler(tmp_path)
    assert scheduler.enqueue_request(Request("https://www.belta.by/a/1"))
    request = lease(crawler, scheduler)
    scheduler.closing = True  # the stop had begun (no engine here to close the spider)
    scheduler._frontier_failed(sqlite3.OperationalError("database or disk is full"))
    assert scheduler.keep_unfinished(request)
    let_go(crawler)
    assert leased_after_close(scheduler, path) == 1


def test_a_request_that_holds_no_lease_is_not_kept(tmp_path: Path) -> None:
    _, scheduler, path = open_scheduler(tmp_path)
    assert not scheduler.keep_unfinished(Request("https://www.belta.by/robots.txt"))
    assert leased_after_close(scheduler, path) == 0


def test_a_kept_request_read_later_is_released_once_its_reader_is_done(tmp_path: Path) -> None:
    """An answer held for later (crawler.sitecrawl.hold) keeps its lease; read at last
    (release_kept), it is released with the request in whose callback it was read: kept, a
    session stopped before the run finished fetched it again."""
    crawler, scheduler, path = open_scheduler(tmp_path)
    for n in range(2):
        assert scheduler.enqueue_request(Request(f"https://www.belta.by/a/{n}"))
    held, carrier = lease(crawler, scheduler), lease(crawler, scheduler)
    assert scheduler.keep_unfinished(held)
    crawler.engine._slot.inprogress.discard(held)
    assert scheduler.settle() == 1  # let go of, and kept
    assert scheduler.release_kept(held, carrier)
    assert scheduler.settle() == 0  # the carrier's items are not exported yet
    let_go(crawler)
    assert scheduler.settle() == 2
    assert leased_after_close(scheduler, path) == 0


def test_only_a_kept_request_is_released_as_read(tmp_path: Path) -> None:
    _, scheduler, _ = open_scheduler(tmp_path)
    assert not scheduler.release_kept(Request("https://www.belta.by/a/1"))
