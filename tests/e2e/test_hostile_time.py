"""Time against real crawls: dates no clock can hold, and a clock that moves under a run."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from tests.sites import belta
from tests.sites.common import rss
from tests.support.crawl import run_crawl
from tests.support.faketime import faked
from tests.support.server import FixtureServer, Page

pytestmark = pytest.mark.slow

# Dates a CMS can print that no time zone conversion survives (year 9999 late in the day,
# year 1 early), next to ordinary ones.
OVERFLOWING = ["9999-12-31T23:00:00Z", "0001-01-01T00:30:00+03:00",
               "Fri, 31 Dec 9999 23:30:00 -0500"]


def test_dates_past_the_calendars_end_are_no_dates(tmp_path) -> None:
    """A feed entry or an article page dated where converting to the outlet's zone overflows
    (9999-12-31T23:00Z is 10000-01-01 in Minsk) is read as undated: the feed's other entries
    and the article itself are still crawled, with a date from the page."""
    site, golds = belta.build(count=len(OVERFLOWING) + 2)
    entries = [(g.title, g.url, g.published, "") for g in golds]
    body = rss("БЕЛТА", f"https://{belta.HOST}/", entries)
    for gold, bad in zip(golds, OVERFLOWING, strict=False):  # their feed dates, then pages
        pubdate = body[body.index(gold.url):].split("<pubDate>", 1)[1].split("</pubDate>")[0]
        body = body.replace(f"<pubDate>{pubdate}</pubDate>", f"<pubDate>{bad}</pubDate>", 1)
    site.add("/rss", Page(body.encode(), content_type="application/rss+xml; charset=utf-8"))
    poisoned = golds[-1]
    path = poisoned.url.removeprefix(f"https://{belta.HOST}")
    html = site.pages[path].body.decode().replace(
        "<head>", f'<head><meta property="article:published_time" content="{OVERFLOWING[0]}">')
    site.add(path, html)
    with FixtureServer([site]) as server:
        result = run_crawl("belta", tmp_path, server)
    assert result.returncode == 0, result.log[-3000:]
    assert "OverflowError" not in result.log, result.log[-6000:]
    by_url = {item["url"]: item for item in result.items}
    assert sorted(by_url) == sorted(g.url for g in golds)
    for gold in golds:
        assert datetime.fromisoformat(by_url[gold.url]["published"]) == gold.published.replace(
            second=0), gold.url


MIDNIGHT = datetime(2026, 3, 29, tzinfo=belta.TZ)  # Minsk: no DST; Berlin's starts this night


@pytest.fixture(scope="module", params=["Asia/Tokyo", "America/Los_Angeles"])
def across_midnight(request, tmp_path_factory: pytest.TempPathFactory):
    """Two real runs on a machine in another zone: a backfill from the 28th started at
    23:59:42 Minsk that ends after midnight (each article page takes 10 s: the faked clock
    ticks from the process's start, and a loaded machine has taken over 8 s to start a crawl),
    then the next day's run of the 29th, 2 minutes later."""
    data_dir = tmp_path_factory.mktemp("midnight")
    site, golds = belta.build(start=MIDNIGHT + timedelta(seconds=5), count=6)
    for path, page in site.pages.items():
        if "/view/" in path:
            page.delay = 10.0
    out = {"golds": golds, "zone": request.param}
    with FixtureServer([site]) as server:
        out["first"] = run_crawl("belta", data_dir, server, args={"since": "2026-03-28"},
                                 settings={"CONCURRENT_REQUESTS": 1},
                                 env=faked(MIDNIGHT - timedelta(seconds=18), request.param))
        out["archive_days"] = [p for p in server.requested_paths(belta.HOST) if "all_news" in p]
        out["second"] = run_crawl("belta", data_dir, server,
                                  args={"since": "2026-03-29", "until": "2026-03-29"},
                                  env=faked(MIDNIGHT + timedelta(minutes=2), request.param))
    out["reports"] = sorted((data_dir / "reports").glob("*.json"))
    return out


def test_a_run_across_midnight_keeps_the_days_of_the_outlet(across_midnight) -> None:
    first, golds = across_midnight["first"], across_midnight["golds"]
    assert first.returncode == 0, first.log[-3000:]
    started = datetime.fromisoformat(first.stats["start_time"])
    finished = datetime.fromisoformat(first.stats["finish_time"])
    assert started < MIDNIGHT < finished, (started, finished, "the run did not cross midnight")
    # the window's days are the outlet's, as of the start: the 28th's archive is walked
    assert any("day=28&month=03&year=26" in p for p in across_midnight["archive_days"])
    assert not any("day=29" in p for p in across_midnight["archive_days"])
    # the 29th's first article (00:00:05 Minsk) came through the feed: no end of window
    wanted = [g for g in golds if g.published.date() >= MIDNIGHT.date() - timedelta(days=1)]
    by_url = {item["url"]: item for item in first.items}
    assert sorted(by_url) == sorted(g.url for g in wanted)
    for gold in wanted:
        assert datetime.fromisoformat(by_url[gold.url]["published"]) == gold.published
        assert by_url[gold.url]["published"].endswith("+03:00")
    fetched = sorted(datetime.fromisoformat(i["fetched_at"]) for i in first.items)
    assert all(f.utcoffset() == timedelta(0) for f in fetched)
    report = json.loads(across_midnight["reports"][0].read_text("utf-8"))
    days = report["completeness"]["by_day"]["belta"]
    assert {day: counts["extracted"] for day, counts in days.items()} == {
        "2026-03-28": 1, "2026-03-29": 1}
    # the report is named by its UTC start, whatever the machine's zone
    opened = datetime.fromisoformat(report["started"])
    assert opened.utcoffset() == timedelta(0) and opened < MIDNIGHT
    assert across_midnight["reports"][0].name.startswith(f"belta-{opened:%Y%m%dT%H%M%S}")


def test_the_run_after_midnight_exports_nothing_twice(across_midnight) -> None:
    second = across_midnight["second"]
    assert second.returncode == 0, second.log[-3000:]
    assert second.items == []  # the 29th's article: exported by the run before midnight
    assert second.stats.get("incremental/unchanged", 0) + second.stats.get(
        "incremental/skipped_known", 0) >= 1
    names = [p.name for p in across_midnight["reports"]]
    assert len(names) == 2 and names == sorted(names)
