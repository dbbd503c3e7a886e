"""Old articles are watched for removals too, at a slower cadence: real ``scrapy crawl belta``
runs on a site whose feed still lists every article.

Run 1 exports four articles published 100 days ago (far beyond ``REFETCH_MAX_AGE_DAYS``).
The state is then aged as months of runs would leave it: each first captured 100 days ago,
last captured 60, 50, 40 and 10 days ago. Two of them (the 50- and 40-day ones) now answer 410. With
``REFETCH_OLD_EVERY_DAYS=30`` and ``REFETCH_OLD_MAX=2``, run 2 re-checks the two longest
unchecked (60, 50 days): the 410 is a removal observation. Run 3 re-checks the one still due
(40 days): its 410 is observed too; the 10-day one is not due, the two checked in run 2 wait.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from crawler.items import capture_stamp
from tests.e2e.test_removals import new_lines, removal_lines
from tests.sites import belta
from tests.sites.scheduled import ChangingBelta
from tests.support.crawl import run_crawl
from tests.support.server import FixtureServer, Page

pytestmark = pytest.mark.slow

SLOW = {"REFETCH_OLD_EVERY_DAYS": 30, "REFETCH_OLD_MAX": 2}
CAPTURED_DAYS_AGO = [60, 50, 40, 10]


def age_state(data_dir: Path, urls: list[str]) -> None:
    """Make each article first captured 100 days ago (as published: the page says so), last
    captured ``CAPTURED_DAYS_AGO`` days ago. (Its date is the page's: a stored date the page
    contradicts would make the same text a new version, ``redated``.)"""
    now = datetime.now(UTC)
    with sqlite3.connect(data_dir / "state" / "state.sqlite3") as db:
        for url, days in zip(urls, CAPTURED_DAYS_AGO, strict=True):
            old = capture_stamp(now - timedelta(days=100))
            changed = db.execute("UPDATE articles SET first_captured = ?, captured = ? "
                                 "WHERE url = ?",
                                 (old, capture_stamp(now - timedelta(days=days)), url))
            assert changed.rowcount == 1, url


def article_paths(paths: list[str], site: ChangingBelta) -> list[str]:
    mine = {site.path(g) for g in site.golds}
    return sorted(p for p in paths if p in mine)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    data_dir = tmp_path_factory.mktemp("old-removals")
    now = datetime.now(UTC).astimezone(belta.TZ).replace(microsecond=0)
    site = ChangingBelta(start=now - timedelta(days=100), count=4)
    site.publish()
    out: dict[str, Any] = {"site": site, "golds": list(site.golds)}
    with FixtureServer([site.site]) as server:
        out["first"] = run_crawl("belta", data_dir, server)
        age_state(data_dir, [g.url for g in site.golds])
        for gold in site.golds[1:3]:
            site.site.add(site.path(gold), Page(b"<html><body>Gone</body></html>", status=410))
        for name in ("second", "third"):
            before, asked = removal_lines(data_dir), len(server.requested_paths(belta.HOST))
            out[name] = run_crawl("belta", data_dir, server, settings=SLOW)
            out[f"{name}_lines"] = new_lines(before, removal_lines(data_dir))
            out[f"{name}_paths"] = article_paths(server.requested_paths(belta.HOST)[asked:],
                                                 site)
    return out


def test_run_2_rechecks_the_longest_unchecked_old_articles_up_to_the_budget(runs) -> None:
    first, second, golds = runs["first"], runs["second"], runs["golds"]
    site = runs["site"]
    assert first.returncode == 0 and len(first.items) == 4, first.log[-3000:]
    assert second.returncode == 0, second.log[-3000:]
    assert runs["second_paths"] == sorted(site.path(g) for g in golds[:2])
    assert [(line["url"], line["status"]) for line in runs["second_lines"]] == [
        (golds[1].url, 410)]
    assert second.stats["incremental/recheck_old"] == 2
    assert second.stats["incremental/recheck_old_done"] == 2  # one unchanged, one removed
    assert second.stats["articles/removed"] == 1 and second.stats["incremental/unchanged"] == 1
    assert second.items == []
    assert "Re-checking 2 old article(s) for removals" in second.log


def test_run_3_rechecks_the_one_still_due_and_records_its_removal(runs) -> None:
    third, golds, site = runs["third"], runs["golds"], runs["site"]
    assert third.returncode == 0, third.log[-3000:]
    assert runs["third_paths"] == [site.path(golds[2])]
    assert [(line["url"], line["status"]) for line in runs["third_lines"]] == [
        (golds[2].url, 410)]
    assert third.stats["incremental/recheck_old"] == 1
    assert third.stats["incremental/recheck_old_done"] == 1
    assert third.stats.get("articles/still_removed") is None  # golds[1] waits its 30 days


def test_old_articles_whose_recheck_fails_wait_and_the_others_are_rechecked(
        tmp_path: Path) -> None:
    """The two longest unchecked old articles answer 503 (no removal, no edit): run 2 asks
    for them and learns nothing. They used to stay first in line, so with a budget of two
    every later run asked for the same two and no other old article was ever re-checked;
    run 3 now re-checks the one still due (40 days), the failed two wait their retry."""
    now = datetime.now(UTC).astimezone(belta.TZ).replace(microsecond=0)
    site = ChangingBelta(start=now - timedelta(days=100), count=4)
    site.publish()
    golds = list(site.golds)
    with FixtureServer([site.site]) as server:
        first = run_crawl("belta", tmp_path, server)
        assert first.returncode == 0 and len(first.items) == 4, first.log[-3000:]
        age_state(tmp_path, [g.url for g in golds])
        for gold in golds[:2]:
            site.site.add(site.path(gold), Page(b"<html><body>Busy</body></html>", status=503))
        paths = {}
        for name in ("second", "third"):
            asked = len(server.requested_paths(belta.HOST))
            result = run_crawl("belta", tmp_path, server, settings=SLOW)
            assert result.returncode == 0, result.log[-3000:]
            paths[name] = sorted(set(article_paths(server.requested_paths(belta.HOST)[asked:],
                                                   site)))
            assert result.stats.get("incremental/recheck_old_done") is None or name == "third"
    assert paths["second"] == sorted(site.path(g) for g in golds[:2])
    assert paths["third"] == [site.path(golds[2])]
    assert result.stats["incremental/recheck_old"] == 1
    assert result.stats["incremental/recheck_old_done"] == 1
