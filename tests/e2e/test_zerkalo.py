"""`scrapy crawl zerkalo` end to end against a local Зеркало, its day archives and a mirror."""

from __future__ import annotations

from datetime import date

import pytest

from crawler.urls import article_id
from tests.sites import zerkalo
from tests.support.crawl import run_crawl
from tests.support.gold import assert_matches_gold
from tests.support.metrics import token_f1
from tests.support.server import FixtureServer

pytestmark = pytest.mark.slow

SINCE, UNTIL = date(2026, 1, 11), date(2026, 1, 12)


@pytest.fixture(scope="module")
def fixture() -> zerkalo.ZerkaloFixture:
    return zerkalo.build()


@pytest.fixture(scope="module")
def window_crawl(fixture, tmp_path_factory: pytest.TempPathFactory):
    with FixtureServer([fixture.site, fixture.mirror]) as server:
        result = run_crawl("zerkalo", tmp_path_factory.mktemp("zerkalo-window"), server,
                           args={"since": SINCE.isoformat(), "until": UNTIL.isoformat()})
        yield result, server


@pytest.fixture(scope="module")
def default_crawl(fixture, tmp_path_factory: pytest.TempPathFactory):
    with FixtureServer([fixture.site, fixture.mirror]) as server:
        result = run_crawl("zerkalo", tmp_path_factory.mktemp("zerkalo-default"), server)
        yield result, server


@pytest.fixture(scope="module")
def mirror_crawl(fixture, tmp_path_factory: pytest.TempPathFactory):
    with FixtureServer([fixture.site, fixture.mirror]) as server:
        mirror = {"zerkalo": f"http://{zerkalo.MIRROR_HOST}/news"}
        result = run_crawl("zerkalo", tmp_path_factory.mktemp("zerkalo-mirror"), server,
                           settings={"OUTLET_BASE_URLS": mirror})
        yield result, server


def test_window_backfill_finds_every_article_in_the_window_and_nothing_else(
        fixture, window_crawl) -> None:
    result, server = window_crawl
    assert result.returncode == 0, result.log[-3000:]
    urls = [item["url"] for item in result.items]
    assert len(urls) == len(set(urls)), "duplicate items"
    assert sorted(urls) == sorted(g.url for g in fixture.in_window(SINCE, UNTIL))
    assert result.stats.get("items/valid") == len(urls)
    paths = server.requested_paths(zerkalo.HOST)
    # Every day of the window was read from the archive, including its second page.
    assert {"/archive/11.01.2026.html", "/archive/12.01.2026.html",
            "/archive/12.01.2026.html?page=2"} <= set(paths)
    assert not any(p.startswith(("/archive/10.", "/archive/13.")) for p in paths)
    # Out-of-window articles (also in the feeds) and non-article pages are never downloaded.
    outside = {zerkalo.path_of(g.url) for g in fixture.golds} - {
        zerkalo.path_of(g.url) for g in fixture.in_window(SINCE, UNTIL)}
    assert not outside & set(paths)
    assert not any(p.startswith(("/gallery/", "/tag/", "/print/", "/search/")) for p in paths)
    # The archive's mirror link was fetched from the canonical host, not the mirror.
    assert server.requested_paths(zerkalo.MIRROR_HOST) == []


def test_default_run_reads_feeds_and_first_listing_page(fixture, default_crawl) -> None:
    result, server = default_crawl
    assert result.returncode == 0, result.log[-3000:]
    urls = [item["url"] for item in result.items]
    assert len(urls) == len(set(urls))
    assert set(urls) == fixture.front
    paths = server.requested_paths(zerkalo.HOST)
    assert {"/rss/all.rss", "/rss/index.rss", "/latest/"} <= set(paths)
    assert "/latest/?page=2" not in paths and not any(p.startswith("/archive/") for p in paths)
    assert result.stats.get("discovery/empty_listings") is None


def test_items_match_gold(fixture, window_crawl, default_crawl) -> None:
    items = {i["url"]: i for crawl in (window_crawl, default_crawl) for i in crawl[0].items}
    golds = [g for g in fixture.golds if g.url in items]
    assert len(golds) >= 8
    for gold in golds:
        item = items[gold.url]
        assert token_f1(item["text"], gold.text) >= 0.95, gold.url
        assert item["text"] == gold.text
        # atom:author in the feed holds a photo credit: only the page byline counts.
        assert_matches_gold(item, gold, "zerkalo", "Зеркало")
        assert item["section"] == gold.section
        assert item["language"] == "ru"
        assert item["extractor"]["method"] == "rules"


def test_no_boilerplate_in_text(window_crawl, default_crawl) -> None:
    for result, _ in (window_crawl, default_crawl):
        for item in result.items:
            for phrase in zerkalo.BOILERPLATE:
                assert phrase not in item["text"], (item["url"], phrase)


def test_canonical_urls_and_stable_ids(window_crawl, default_crawl) -> None:
    for result, _ in (window_crawl, default_crawl):
        for item in result.items:
            assert item["url"].startswith(f"https://{zerkalo.HOST}/")
            assert "?" not in item["url"] and "/news/" not in item["url"]
            assert item["id"] == article_id(item["url"])


def test_mirror_run_yields_canonical_urls(fixture, mirror_crawl) -> None:
    result, server = mirror_crawl
    assert result.returncode == 0, result.log[-3000:]
    assert server.requested_paths(zerkalo.HOST) == []
    mirror_paths = server.requested_paths(zerkalo.MIRROR_HOST)
    assert "/news/rss/all.rss" in mirror_paths and "/news/latest/" in mirror_paths
    assert sorted(i["url"] for i in result.items) == sorted(fixture.front)
    assert all(i["id"] == article_id(i["url"]) for i in result.items)
