"""crawler.state.jobdir: a finished crawl's frontier that cannot be cleared at the start."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from scrapy import Spider
from scrapy.utils.test import get_crawler

from crawler.extensions.run_verdict import baseline, judge, summarize
from crawler.state.frontier import Frontier
from crawler.state.jobdir import FRONTIER_FILE, JobScheduler, job_identity, spider_jobdir


def test_a_finished_frontier_not_cleared_at_the_start_is_counted_for_this_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Counted apart from writes failing at close: its alarm tells the harm to this run
    (what it had seen is not fetched again), not to the next run's resume."""
    crawler = get_crawler(Spider, {"JOBDIR": str(tmp_path / "job")})
    spider = Spider("belta")
    path = spider_jobdir(tmp_path / "job", "belta") / FRONTIER_FILE
    finished = Frontier(path)  # all its work done, killed before it was emptied
    finished.set("identity", json.dumps(job_identity(spider)).encode())
    finished.add(b"fp", 0, False, b"request")
    row_id, _ = finished.lease()
    finished.drop(row_id)
    finished.close()

    def disk_fails(self: Frontier) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(Frontier, "clear", disk_fails)
    crawler.stats.open_spider()
    crawler.engine = crawler._create_engine()  # the scheduler's memory queue asks for it
    scheduler = JobScheduler.from_crawler(crawler)
    scheduler.open(spider)
    try:
        stats = crawler.stats.get_stats()
        assert stats["scheduler/frontier_afresh_errors"] == 1
        assert "scheduler/frontier_errors" not in stats
        [alarm] = judge(summarize({**stats, "pages/crawled": 1}), baseline([]), 0.8,
                        finish_reason="finished").alarms
        assert str(path) in alarm and "cleared at the start" in alarm
    finally:
        scheduler.frontier.close()
        scheduler.lock.close()
