"""An article answering 404 or 410 under one spelling (the path's trailing slash) is asked for
under the other by a request that carries the retry itself: the process that got the 404 may
not be the one that discovered the article (a JOBDIR resume after a kill, another Redis
worker), and a spelling discovery never gave is asked for too. Each crawl is a real
``scrapy crawl regional`` process against a district paper's site on 127.0.0.1."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_district_hostile import (
    PVESTNIK,
    article,
    feed_linking,
    listing,
)
from tests.sites.common import paragraphs_for, title_for
from tests.support.crawl import (
    ROOT,
    completeness,
    crawl_command,
    latest_report,
    read_items,
    run_crawl,
)
from tests.support.redis import RedisServer, redis_server  # noqa: F401 (fixture)
from tests.support.server import FixtureServer, Page, VirtualSite
from tests.support.tripwire import Tripwire, nth

pytestmark = pytest.mark.slow

PATH = "/2025/09/12/dozhinki/"  # the spelling the site answers; the feed links it without "/"
BARE = PATH.rstrip("/")
TEXT = "\n\n".join(paragraphs_for(4))


def one_spelling_site(listed: bool = True, bare_delay: float = 0.0) -> VirtualSite:
    """The feed links the article without its trailing slash (answered 404, after
    ``bare_delay`` s), the home page (``listed``, answered after half a second: the feed's
    spelling is asked for first) with it; only that spelling answers."""
    site = VirtualSite(PVESTNIK)
    site.add(PATH, article(title_for(4), paragraphs_for(4)))
    site.add("/", listing([PATH] if listed else []), delay=0.5 if listed else 0.0)
    site.add("/feed/", feed_linking(BARE))
    site.add(BARE, Page(b"<html><body>404</body></html>", status=404, delay=bare_delay))
    return site


def test_a_spelling_no_link_gave_is_asked_for_after_a_404(tmp_path: Path) -> None:
    """Only the feed links the article, without its trailing slash, and the site answers only
    with it: the 404 sends for the other spelling, whose page is the item; the run's
    completeness counts one article, extracted."""
    site = one_spelling_site(listed=False)
    with FixtureServer([site]) as server:
        result = run_crawl("regional", tmp_path, server, args={"sites": PVESTNIK})
        fetched = [p for p in server.requested_paths(PVESTNIK) if p.startswith("/2025/")]
    assert [(i["url"], i["text"]) for i in result.items] == [
        (f"https://{PVESTNIK}{PATH}", TEXT)], result.log[-3000:]
    assert fetched == [BARE, PATH]
    assert result.stats.get("discovery/other_spelling_after_404") == 1
    # the 404 that sent for the other spelling is no failure of the article: stats, log and
    # completeness agree
    assert not [k for k in result.stats if k.startswith("articles/failed/")], result.stats
    assert "Article not fetched" not in result.log
    assert f"{BARE} answered 404: asking for " in result.log
    counts = completeness(tmp_path, PVESTNIK)
    assert (counts["discovered"], counts["extracted"], counts["failed"]) == (1, 1, 0), counts


def test_an_article_answering_neither_spelling_is_one_failure(tmp_path: Path) -> None:
    """Neither spelling answers: each is asked for once (the retry is never retried), and the
    article is one failed article of the run, listed once with the feed's title."""
    site = one_spelling_site(listed=False)
    del site.pages[PATH]
    with FixtureServer([site]) as server:
        result = run_crawl("regional", tmp_path, server, args={"sites": PVESTNIK})
        fetched = [p for p in server.requested_paths(PVESTNIK) if p.startswith("/2025/")]
    assert result.items == []
    assert sorted(fetched) == sorted([BARE, PATH]), fetched
    assert result.stats.get("discovery/other_spelling_after_404") == 1
    assert result.stats.get("articles/failed/http_404") == 1  # the final answer only
    warned = [line for line in result.log.splitlines() if "Article not fetched" in line]
    assert len(warned) == 1 and "WARNING" in warned[0], warned
    assert f"Article not fetched (http_404): http://{PVESTNIK}{PATH}" in warned[0], warned
    counts = completeness(tmp_path, PVESTNIK)
    assert (counts["discovered"], counts["failed"], counts["extracted"]) == (1, 1, 0), counts
    report = latest_report(tmp_path, "*.json")
    never = report["completeness"]["never_fetched"]
    assert [(n["title"], n["reason"]) for n in never] == [(title_for(4), "http_404")], never


def killed_after_discovery(command: tuple[list[str], dict[str, str], Path],
                           site: VirtualSite) -> subprocess.Popen[str]:
    """Start a crawl and SIGKILL it two seconds after it asks for the bare spelling (whose
    404 takes longer than that): the feed and the home page were read, the 404 never came."""
    wire = Tripwire(site)
    cmd, env, _ = command
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    wire.arm(proc.pid, nth(lambda target: target == BARE, 1, delay=2.0))
    _, err = proc.communicate(timeout=120)
    assert proc.returncode < 0, err[-3000:]  # killed, not finished
    assert "/" in wire.run_hits and "/feed/" in wire.run_hits, wire.run_hits
    site.find = wire.find  # type: ignore[method-assign]
    site.pages[BARE] = Page(b"<html><body>404</body></html>", status=404)  # at once now
    return proc


def test_the_other_spelling_is_asked_for_after_a_jobdir_resume(tmp_path: Path) -> None:
    """Run 1 reads the feed (the bare spelling) and the home page (the slashed one) and is
    killed while the bare spelling is in flight. Run 2 resumes the JOBDIR frontier: the feed
    and home page are not read again, the bare spelling answers 404, and the slashed one is
    asked for all the same: the article is read."""
    site = one_spelling_site(bare_delay=5.0)
    settings = {"JOBDIR": str(tmp_path / "job")}
    with FixtureServer([site]) as server:
        killed_after_discovery(crawl_command("regional", tmp_path, server,
                                             args={"sites": PVESTNIK}, settings=settings), site)
        before = len(server.requested_paths(PVESTNIK))
        result = run_crawl("regional", tmp_path, server, args={"sites": PVESTNIK},
                           settings=settings)
        resumed = server.requested_paths(PVESTNIK)[before:]
    assert result.returncode == 0, result.log[-3000:]
    assert "/feed/" not in resumed and "/" not in resumed, resumed  # no second discovery
    assert [(i["url"], i["text"]) for i in result.items] == [
        (f"https://{PVESTNIK}{PATH}", TEXT)], result.log[-3000:]
    assert [p for p in resumed if p.startswith("/2025/")] == [BARE, PATH], resumed
    assert result.stats.get("discovery/other_spelling_after_404") == 1


def redis_settings(redis: RedisServer) -> dict[str, Any]:
    return {"REDIS_URL": redis.url, "REDIS_IDLE_CLOSE_SECONDS": 2,
            "REDIS_HEARTBEAT_SECONDS": 0.5, "REDIS_WORKER_TTL": 3}


def test_the_other_spelling_is_asked_for_by_another_redis_worker(
        redis_server: RedisServer, tmp_path: Path) -> None:  # noqa: F811
    """Worker 1 reads the feed and the home page and is killed while the bare spelling is in
    flight; worker 2 joins the run on the shared Redis frontier, gets the bare spelling back
    once worker 1's lease lapses, and its 404 sends for the slashed spelling worker 1 had
    dropped as a duplicate: the article is read by worker 2."""
    site = one_spelling_site(bare_delay=5.0)
    settings = redis_settings(redis_server)
    with FixtureServer([site]) as server:
        killed_after_discovery(crawl_command("regional", tmp_path / "w1", server,
                                             args={"sites": PVESTNIK}, settings=settings), site)
        before = len(server.requested_paths(PVESTNIK))
        started = time.monotonic()
        second = run_crawl("regional", tmp_path / "w2", server, args={"sites": PVESTNIK},
                           settings=settings)
        resumed = server.requested_paths(PVESTNIK)[before:]
    assert second.returncode == 0, second.log[-3000:]
    assert time.monotonic() - started < 120
    assert [(i["url"], i["text"]) for i in second.items] == [
        (f"https://{PVESTNIK}{PATH}", TEXT)], second.log[-3000:]
    assert read_items(tmp_path / "w1" / "items-regional.jsonl") == []
    assert [p for p in resumed if p.startswith("/2025/")] == [BARE, PATH], resumed
    assert second.stats.get("discovery/other_spelling_after_404") == 1
