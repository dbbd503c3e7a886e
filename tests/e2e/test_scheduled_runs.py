"""Scheduled runs end to end: first run, a run with nothing new, then additions and an edit."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from crawler.extraction.text_fingerprint import text_digest
from crawler.urls import article_id
from tests.sites import belta
from tests.sites.scheduled import ChangingBelta
from tests.support.crawl import run_crawl
from tests.support.server import FixtureServer

pytestmark = pytest.mark.slow

EDIT = "Позднее в пресс-службе уточнили детали переговоров."


def article_paths(server: FixtureServer) -> list[str]:
    return [p for p in server.requested_paths(belta.HOST) if "/view/" in p]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory):
    data_dir = tmp_path_factory.mktemp("scheduled")
    now = datetime.now(UTC).astimezone(belta.TZ).replace(microsecond=0)
    # Six articles, the newest four days old: older than REFETCH_MAX_AGE_DAYS (3).
    site = ChangingBelta(start=now - timedelta(days=4), count=6)
    site.publish()
    out = {"site": site, "data_dir": data_dir}
    with FixtureServer([site.site]) as server:
        out["first"] = run_crawl("belta", data_dir, server)
        out["first_paths"] = article_paths(server)
        server.requests.clear()
        out["second"] = run_crawl("belta", data_dir, server)
        out["second_paths"] = article_paths(server)
        out["second_feed"] = "/rss" in server.requested_paths(belta.HOST)
        server.requests.clear()
        out["before_edit"] = site.golds[2]
        out["edited"] = site.edit(2, EDIT)
        out["added"] = site.add(2, published=now - timedelta(hours=1))
        # A wider re-check window (as a daily job would use) so the edited old article is
        # fetched again; the unchanged ones must then produce nothing.
        out["third"] = run_crawl("belta", data_dir, server,
                                 settings={"REFETCH_MAX_AGE_DAYS": 30})
        out["third_paths"] = article_paths(server)
    return out


def test_first_run_emits_every_article_as_version_1(runs) -> None:
    first, site = runs["first"], runs["site"]
    assert first.returncode == 0, first.log[-3000:]
    assert sorted(i["url"] for i in first.items) == sorted(g.url for g in site.golds[:6])
    assert all(i["version"] == 1 and i["previous_version_digest"] is None for i in first.items)
    assert first.stats["incremental/new"] == 6
    assert len(runs["first_paths"]) == 6


def test_second_run_downloads_no_article_and_emits_nothing(runs) -> None:
    second = runs["second"]
    assert second.returncode == 0, second.log[-3000:]
    assert runs["second_feed"], "feeds are always fetched"
    assert runs["second_paths"] == []
    assert second.items == []
    assert second.stats["incremental/skipped_known"] == 6
    assert "articles/downloaded" not in second.stats


def test_third_run_emits_only_additions_and_the_edit(runs) -> None:
    third, added, edited = runs["third"], runs["added"], runs["edited"]
    assert third.returncode == 0, third.log[-3000:]
    by_url = {i["url"]: i for i in third.items}
    assert sorted(by_url) == sorted([edited.url] + [g.url for g in added])
    for gold in added:
        assert by_url[gold.url]["version"] == 1
        assert by_url[gold.url]["text"] == gold.text
    item = by_url[edited.url]
    assert item["version"] == 2
    assert item["text"] == edited.text and item["text"].endswith(EDIT)
    assert item["previous_version_digest"] == text_digest(runs["before_edit"].text)
    assert item["id"] == article_id(edited.url)
    assert item["id"] not in item["near_duplicates"]
    assert third.stats["incremental/unchanged"] == 5
    assert third.stats["incremental/new"] == 2
    assert third.stats["incremental/new_version"] == 1
    assert len(runs["third_paths"]) == 8  # all re-checked within the 30-day window


def test_state_store_holds_latest_versions(runs) -> None:
    db = sqlite3.connect(runs["data_dir"] / "state" / "state.sqlite3")
    rows = dict(db.execute("SELECT url, version FROM articles"))
    assert len(rows) == 8
    assert rows[runs["edited"].url] == 2
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("SELECT count(*) FROM signatures").fetchone()[0] == 8


def test_an_article_dated_in_the_future_is_not_fetched_again_every_run(tmp_path) -> None:
    """A date later than the clock (a CMS's typo of the year, or this machine's clock behind
    the outlet's) made the article "younger than REFETCH_MAX_AGE_DAYS" at every run, so it
    was downloaded again every hour until the clock caught up: its age now counts from its
    first capture when that is earlier."""
    now = datetime.now(UTC).astimezone(belta.TZ).replace(microsecond=0)
    site = ChangingBelta(start=now - timedelta(days=4), count=2)
    [future] = site.add(1, published=now + timedelta(days=400))
    site.publish()
    with FixtureServer([site.site]) as server:
        first = run_crawl("belta", tmp_path, server)
        assert first.returncode == 0, first.log[-3000:]
        [item] = [i for i in first.items if i["url"] == future.url]
        assert item["published"].startswith(str((now + timedelta(days=400)).year))
        server.requests.clear()
        again = run_crawl("belta", tmp_path, server, settings={"REFETCH_MAX_AGE_DAYS": 0})
        fetched = article_paths(server)
    assert again.returncode == 0, again.log[-3000:]
    assert fetched == [] and again.stats["incremental/skipped_known"] == 3


def test_a_text_swapped_for_another_story_is_flagged_an_edit_is_not(tmp_path) -> None:
    """Between two runs one article gets a sentence more, another's page is reused for an
    unrelated story: both are new versions, but only the second says so (``change:
    "replaced"``, a stat and an INFO line with its URL); the first is an ordinary edit.
    Before, both were exported as ordinary versions, the swap hidden among real edits."""
    now = datetime.now(UTC).astimezone(belta.TZ).replace(microsecond=0)
    site = ChangingBelta(start=now - timedelta(days=4), count=3)
    site.publish()
    with FixtureServer([site.site]) as server:
        first = run_crawl("belta", tmp_path, server)
        edited, swapped = site.edit(0, EDIT), site.swap(1, 777)
        again = run_crawl("belta", tmp_path, server, settings={"REFETCH_MAX_AGE_DAYS": 30})
    assert first.returncode == 0, first.log[-3000:]
    assert [i["change"] for i in first.items] == [None] * 3
    assert again.returncode == 0, again.log[-3000:]
    by_url = {i["url"]: i for i in again.items}
    assert sorted(by_url) == sorted([edited.url, swapped.url])
    assert by_url[edited.url]["version"] == 2 and by_url[edited.url]["change"] == "edit"
    assert by_url[swapped.url]["version"] == 2 and by_url[swapped.url]["change"] == "replaced"
    assert by_url[swapped.url]["text"] == swapped.text
    assert again.stats["incremental/new_version"] == 2
    assert again.stats["incremental/text_replaced"] == 1
    assert f"{swapped.url}: version 2 shares almost nothing with version 1" in again.log
    assert edited.url not in "".join(line for line in again.log.splitlines()
                                     if "shares almost nothing" in line)
