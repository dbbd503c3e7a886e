"""crawler.state.jobdir: one run id per logical run. A session resuming a stopped crawl's
frontier names the stopped session's run; a crawl that finished, or that finds an empty
frontier, starts a new run. The capture names its WARC files' run by it."""

from __future__ import annotations

from pathlib import Path

from crawler.downloadermiddlewares.capture import WarcCaptureMiddleware
from tests.crawler.state.jobdir_sessions import end_session, open_scheduler


def session(jobdir: Path, queue: int = 0, reason: str = "shutdown") -> str | None:
    """Open a JobScheduler on ``jobdir`` as a crawl does, queue ``queue`` requests, close it
    for ``reason``; the run id the capture read while it was open."""
    crawler, scheduler = open_scheduler({"JOBDIR": str(jobdir), "WARC_DIR": str(jobdir / "w")})
    run = WarcCaptureMiddleware(crawler).shared_run()
    assert run == scheduler.run_id
    end_session(scheduler, queue, reason)
    return run


def test_a_resumed_frontier_keeps_its_run_and_a_finished_one_starts_another(
        tmp_path: Path) -> None:
    jobdir = tmp_path / "job"
    first = session(jobdir, queue=3)  # stopped with requests left
    assert first and len(first) == 32
    assert session(jobdir) == first  # resumed (SIGTERM, reboot): the same run
    assert session(jobdir, reason="finished") == first  # resumed, and done
    fresh = session(jobdir, queue=1)  # the finished frontier was cleared: a new run
    assert fresh not in (None, first)
    assert session(tmp_path / "other") not in (None, first, fresh)  # another JOBDIR


def test_without_jobdir_the_writer_makes_the_id(tmp_path: Path) -> None:
    crawler, scheduler = open_scheduler({"WARC_DIR": str(tmp_path / "w")})
    assert scheduler.run_id is None and WarcCaptureMiddleware(crawler).shared_run() is None
