"""`scrapy crawl belta -a since -a until`: backfill through the day archive (outlets.md §2)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.sites import belta
from tests.support.crawl import run_crawl
from tests.support.metrics import token_f1
from tests.support.server import FixtureServer

pytestmark = pytest.mark.slow

SINCE, UNTIL = date(2026, 1, 3), date(2026, 1, 6)


@pytest.fixture(scope="module")
def backfill(tmp_path_factory: pytest.TempPathFactory):
    # 16 articles over 1–8 January; the RSS only has the newest 4 (7–8 January), so every
    # in-window article must come from the day archive.
    site, golds = belta.build(count=16, rss_count=4)
    with FixtureServer([site]) as server:
        result = run_crawl("belta", tmp_path_factory.mktemp("belta-backfill"), server,
                           args={"since": SINCE.isoformat(), "until": UNTIL.isoformat()})
        yield result, golds, server.requested_paths(belta.HOST)


def test_day_archive_finds_exactly_the_window(backfill) -> None:
    result, golds, _ = backfill
    assert result.returncode == 0, result.log[-3000:]
    expected = sorted(g.url for g in golds if SINCE <= g.published.date() <= UNTIL)
    assert len(expected) == 8
    assert sorted(i["url"] for i in result.items) == expected
    assert result.stats.get("items/valid") == 8


def test_items_match_gold(backfill) -> None:
    result, golds, _ = backfill
    by_url = {g.url: g for g in golds}
    for item in result.items:
        gold = by_url[item["url"]]
        assert token_f1(item["text"], gold.text) >= 0.95
        assert item["title"] == gold.title
        assert item["published"] == gold.published.isoformat(timespec="seconds")
        assert item["authors"] == gold.authors
        for phrase in belta.BOILERPLATE:
            assert phrase not in item["text"], (item["url"], phrase)


def test_paging_stops_when_items_get_older(backfill) -> None:
    _, _, paths = backfill
    archive = sorted(p for p in paths if p.startswith("/all_news/"))
    expected = []
    for day in (3, 4, 5, 6):
        query = f"?day={day:02d}&month=01&year=26"
        # two articles a day, two per page: page 2 reaches the day before, so no page 3
        expected += [f"/all_news/page/1/{query}", f"/all_news/page/2/{query}"]
    assert archive == sorted(expected)
    assert not any(p.startswith("/printv") for p in paths)
    articles = [p for p in paths if "/view/" in p]
    assert len(articles) == len(set(articles)) == 8  # nothing outside the window fetched


def test_a_day_archive_that_moved_fails_the_run(tmp_path) -> None:
    """The archive moved (the old addresses answer 404): the window's articles, which only
    it lists, were all lost in a run called healthy, exit 0, with a warning alone."""
    site, golds = belta.build(count=16, rss_count=4)
    site.dynamic.clear()  # every day-archive page: 404
    with FixtureServer([site]) as server:
        result = run_crawl("belta", tmp_path, server,
                           args={"since": SINCE.isoformat(), "until": UNTIL.isoformat()})
    assert result.returncode == 1, result.log[-3000:]
    assert result.items == []
    assert ("ALARM belta: belta: its day archive gave no article link for any of the "
            "window's 4 days") in result.log
