"""crawler.state.jobdir: the discovery figures (``discovery/`` stats) of a run's stopped
sessions are kept in its frontier and added to the session resuming it: counts summed, URL
lists joined, an example kept. A new run (the last one finished, or another JOBDIR) starts
from nothing, whatever a frontier left by an earlier run holds."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

from scrapy import Request

from tests.crawler.state.jobdir_sessions import end_session, open_scheduler


def session(jobdir: Path, found: dict[str, Any], queue: int = 0,
            reason: str = "shutdown") -> dict[str, Any]:
    """A crawl's session on ``jobdir`` whose discovery found ``found`` (added to its stats
    as the spider does), closed for ``reason``; its stats at the close."""
    crawler, scheduler = open_scheduler({"JOBDIR": str(jobdir)})
    stats = crawler.stats
    for key, value in found.items():
        if isinstance(value, int):
            stats.inc_value(key, value)
        elif isinstance(value, list):
            stats.set_value(key, [*(stats.get_value(key) or []), *value])
        elif stats.get_value(key) is None:
            stats.set_value(key, value)
    end_session(scheduler, queue, reason)
    return stats.get_stats()


def test_a_resumed_session_counts_on_from_its_stopped_sessions(tmp_path: Path) -> None:
    jobdir = tmp_path / "job"
    first = {"discovery/offered/belta": 7, "discovery/feed_entries": 9,
             "discovery/rejected_example/belta": "https://www.belta.by/a",
             "discovery/sources_gone/urls/belta": ["https://www.belta.by/rss2"],
             "discovery/archive_silent/belta": 1, "pages/other": 5}
    session(jobdir, first, queue=3)
    second = session(jobdir, {"discovery/offered/belta": 0,
                              "discovery/rejected_example/belta": "https://www.belta.by/b",
                              "discovery/sources_gone/urls/belta": ["https://www.belta.by/x"]})
    assert second["discovery/offered/belta"] == 7 and second["discovery/feed_entries"] == 9
    assert second["discovery/rejected_example/belta"] == "https://www.belta.by/a"  # the first
    assert second["discovery/sources_gone/urls/belta"] == ["https://www.belta.by/rss2",
                                                           "https://www.belta.by/x"]
    # judged at each close from what the whole run found; not a discovery figure
    assert "discovery/archive_silent/belta" not in second and "pages/other" not in second
    third = session(jobdir, {"discovery/offered/belta": 2}, reason="finished")
    assert third["discovery/offered/belta"] == 9  # three sessions, one run
    fresh = session(jobdir, {"discovery/offered/belta": 1}, queue=1)  # the next run
    assert fresh["discovery/offered/belta"] == 1 and "discovery/feed_entries" not in fresh


def test_a_session_killed_keeps_the_figures_of_what_it_released(tmp_path: Path) -> None:
    """SIGKILL: no close; the figures written with the last released lease are carried."""
    jobdir = tmp_path / "job"
    crawler, scheduler = open_scheduler({"JOBDIR": str(jobdir)})
    for n in range(3):
        scheduler.enqueue_request(Request(f"https://www.belta.by/{n}"))
    crawler.engine._slot = SimpleNamespace(inprogress=set())  # what the engine holds
    scheduler.next_request()  # the feed, say: leased, parsed...
    crawler.stats.inc_value("discovery/offered/belta", 4)
    scheduler.next_request()  # ...released as the engine asks for the next one
    assert scheduler.frontier is not None
    scheduler.frontier.db.close()  # killed: no close, the lock goes with the process
    scheduler.lock.close()
    resumed = session(jobdir, {"discovery/offered/belta": 0})
    assert resumed["discovery/offered/belta"] == 4
