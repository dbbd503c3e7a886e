"""Completeness is a number: per outlet and day, what discovery found and what became of it.

A БЕЛТА feed lists four articles, a challenge page served with 200 and an article answered
with 403. The report counts them per publication day (the feed's date for the two never
read), the counts add up, and the never-fetched article is listed with the URL, title and
date the feed gave.
"""

from __future__ import annotations

import pytest

from crawler.extensions.completeness import OUTCOMES
from tests.sites import belta
from tests.support.crawl import latest_report, run_crawl
from tests.support.server import FixtureServer

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory):
    site, golds = belta.build(count=4, challenge=True, forbidden=True)
    with FixtureServer([site]) as server:
        result = run_crawl("belta", tmp_path_factory.mktemp("complete"), server)
    assert {item["url"] for item in result.items} == {g.url for g in golds}, result.log[-3000:]
    return latest_report(result.data_dir), golds


def test_per_day_counts_of_discovered_fetched_extracted_blocked(report) -> None:
    data, golds = report
    days = data["completeness"]["by_day"]["belta"]
    assert sorted(days) == ["2026-01-07", "2026-01-08"]
    for day, counts in days.items():
        wanted = sum(g.published.date().isoformat() == day for g in golds)
        assert counts["extracted"] == wanted == 2
        assert counts["discovered"] == 3 and counts["blocked"] == 1 and counts["failed"] == 0
        assert counts["discovered"] == sum(counts[o] for o in OUTCOMES)
        assert counts["completeness"] == round(2 / 3, 4)
    assert days["2026-01-08"]["fetched"] == 3  # the challenge page came back with 200
    assert days["2026-01-07"]["fetched"] == 2  # the 403 never did


def test_never_fetched_article_listed_with_feed_title_and_date(report) -> None:
    data, _ = report
    never = data["completeness"]["never_fetched"]
    assert data["completeness"]["never_fetched_count"] == 1
    assert never == [{"outlet": "belta", "url": belta.FORBIDDEN_URL,
                      "title": belta.FORBIDDEN_TITLE, "published": "2026-01-07T19:51:00+03:00",
                      "outcome": "blocked", "reason": "http_403"}]
