"""The SQLite frontier: order, seen set, leases that outlive a kill, and job identity."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy import Spider

from crawler.state.frontier import Frontier
from crawler.state.jobdir import job_identity, read_frontier, spider_jobdir
from tests.support.disk import fill, tmpfs


def drain(frontier: Frontier) -> list[bytes]:
    out = []
    while (leased := frontier.lease()) is not None:
        out.append(leased[1])
    return out


def test_order_matches_scrapys_scheduler(tmp_path: Path) -> None:
    f = Frontier(tmp_path / "f.sqlite3")
    for fp, prio, start, data in [(b"s1", 5, True, b"start-1"), (b"s2", 5, True, b"start-2"),
                                  (b"a", 0, False, b"article"), (b"l1", 5, False, b"listing-1"),
                                  (b"l2", 5, False, b"listing-2"), (b"feed", 10, True, b"feed")]:
        assert f.add(fp, prio, start, data)
    assert drain(f) == [b"feed", b"listing-2", b"listing-1", b"start-1", b"start-2", b"article"]


def test_seen_requests_are_refused_even_after_they_left_the_queue(tmp_path: Path) -> None:
    f = Frontier(tmp_path / "f.sqlite3")
    assert f.add(b"x", 0, False, b"1")
    assert not f.add(b"x", 0, False, b"2")
    row, _ = f.lease()
    f.release([row])
    assert not f.add(b"x", 0, False, b"3")
    assert f.add(None, 0, False, b"dont_filter") and f.add(None, 0, False, b"dont_filter")
    assert len(drain(f)) == 2


def test_leases_of_a_killed_process_come_back_and_finished_ones_do_not(tmp_path: Path) -> None:
    """A child process queues and leases, releases one lease, then dies by SIGKILL."""
    path = tmp_path / "f.sqlite3"
    script = f"""
import os, signal
from crawler.state.frontier import Frontier
f = Frontier(__import__("pathlib").Path({str(path)!r}))
for i in range(5):
    f.add(b"fp%d" % i, 0, False, b"req%d" % i)
done, _ = f.lease()
f.lease(); f.lease()
f.release([done], b"state")
os.kill(os.getpid(), signal.SIGKILL)
"""
    proc = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).parents[3],
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[3])})
    assert proc.returncode == -9
    f = Frontier(path)
    assert (f.pending, f.leased()) == (2, 2)
    assert f.requeue_leased() == 2
    assert sorted(drain(f)) == [b"req0", b"req1", b"req2", b"req3"]  # req4 was finished
    assert f.get("spider_state") == b"state"
    assert not f.add(b"fp4", 0, False, b"again"), "a finished request stays seen"


def test_clear_empties_queue_and_seen(tmp_path: Path) -> None:
    f = Frontier(tmp_path / "f.sqlite3")
    f.add(b"a", 0, False, b"1")
    f.set("identity", b"{}")
    assert not f.is_empty()
    f.clear()
    assert f.is_empty() and f.pending == 0 and f.add(b"a", 0, False, b"1")
    assert f.get("identity") == b"{}"


def _whole_frontier(path: Path) -> bytes:
    """A frontier of a crawl stopped with requests queued, closed as a run closes it."""
    f = Frontier(path)
    f.set("identity", b'{"spider": "belta", "arguments": {}}')
    for i in range(40):
        assert f.add(b"fp%d" % i, 0, False, b"request %d " % i * 50)
    f.close()
    return path.read_bytes()


@pytest.mark.parametrize("cut", ["empty", "header", "mid-page"])
def test_a_frontier_cut_short_is_refused_and_kept_as_it_is(tmp_path: Path, cut: str) -> None:
    """An empty frontier (a kill or a full disk as it was written, a bad restore) opened as a
    new one: its queued requests forgotten, the run going on as if fresh. The end of a last
    page cut off opened too, its missing bytes read as zeros."""
    path = tmp_path / "belta" / "frontier.sqlite3"
    data = _whole_frontier(path)
    damaged = {"empty": b"", "header": data[:60], "mid-page": data[:-100]}[cut]
    path.write_bytes(damaged)
    with pytest.raises(sqlite3.DatabaseError) as refused:
        read_frontier(path)
    assert ("empty (0 bytes)" if cut == "empty" else "cut short") in str(refused.value)
    assert path.read_bytes() == damaged
    assert sorted(p.name for p in path.parent.iterdir()) == ["frontier.sqlite3"]


def test_a_new_frontier_is_created_whole_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    """Created empty and then filled, a frontier killed in between was an empty file."""
    path = tmp_path / "belta" / "frontier.sqlite3"
    f = Frontier(path)
    assert path.stat().st_size > 0 and path.stat().st_size % 4096 == 0  # before any close
    assert f.is_empty() and f.add(b"a", 0, False, b"1")
    f.close()
    assert sorted(p.name for p in path.parent.iterdir()) == ["frontier.sqlite3"]
    assert Frontier(path).pending == 1


def test_a_frontier_its_disk_has_no_room_for_is_not_left_empty(tmp_path: Path) -> None:
    """A frontier created on a full disk was left as an empty file, which the next run must
    now refuse as cut short; none is left, and the next run (space freed) creates it."""
    with tmpfs(tmp_path / "job", "1m") as job:
        path = job / "belta" / "frontier.sqlite3"
        filler = fill(job)
        with pytest.raises(sqlite3.OperationalError, match="full"):
            Frontier(path)
        assert list(path.parent.iterdir()) == []
        filler.unlink()
        f = Frontier(path)
        assert f.is_empty()
        f.close()


def test_identity_names_spider_and_arguments(tmp_path: Path) -> None:
    class Probe(Spider):
        name = "probe"

    spider = Probe(since="2026-01-01", sites="a.by")
    spider.crawler = object()  # not an argument
    spider.seen = {"a": 1}  # not a plain value
    assert job_identity(spider) == {"spider": "probe",
                                    "arguments": {"since": "2026-01-01", "sites": "a.by"}}
    assert spider_jobdir(tmp_path, "probe") == tmp_path / "probe"


def test_a_site_crawls_identity_names_its_address() -> None:
    """A JOBDIR left by ``site -a url=A`` must not be resumed by ``site -a url=B``."""
    from crawler.spiders.site import SiteSpider

    first = job_identity(SiteSpider(url="http://a.test/"))
    assert first["arguments"]["url"] == "http://a.test/"
    assert first == job_identity(SiteSpider(url="http://a.test/"))  # the same crawl again
    assert first != job_identity(SiteSpider(url="http://b.test/"))
