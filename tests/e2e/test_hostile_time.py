"""Time against real crawls: dates no clock can hold, and a clock that moves under a run."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.sites import belta
from tests.sites.common import rss
from tests.support.crawl import run_crawl
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
