"""`scrapy crawl runews24` end to end: paged rubric listings bounded by the dates in URLs."""

from __future__ import annotations

from datetime import date

import pytest

from crawler.urls import article_id
from tests.sites import runews24
from tests.support.crawl import run_crawl
from tests.support.gold import assert_matches_gold
from tests.support.metrics import token_f1
from tests.support.server import FixtureServer

pytestmark = pytest.mark.slow

SINCE, UNTIL = date(2026, 1, 11), date(2026, 1, 12)


@pytest.fixture(scope="module")
def fixture() -> runews24.RuNews24Fixture:
    return runews24.build()


@pytest.fixture(scope="module")
def window_crawl(fixture, tmp_path_factory: pytest.TempPathFactory):
    with FixtureServer([fixture.site]) as server:
        result = run_crawl("runews24", tmp_path_factory.mktemp("runews24-window"), server,
                           args={"since": SINCE.isoformat(), "until": UNTIL.isoformat()})
        yield result, server


@pytest.fixture(scope="module")
def default_crawl(fixture, tmp_path_factory: pytest.TempPathFactory):
    with FixtureServer([fixture.site]) as server:
        result = run_crawl("runews24", tmp_path_factory.mktemp("runews24-default"), server)
        yield result, server


def test_window_backfill_finds_every_article_in_the_window_and_nothing_else(
        fixture, window_crawl) -> None:
    result, server = window_crawl
    assert result.returncode == 0, result.log[-3000:]
    urls = [item["url"] for item in result.items]
    assert len(urls) == len(set(urls)), "duplicate items"
    expected = fixture.in_window(SINCE, UNTIL)
    assert sorted(urls) == sorted(g.url for g in expected)
    assert len(expected) >= 5
    assert result.stats.get("items/valid") == len(urls)
    paths = server.requested_paths(runews24.HOST)
    # Out-of-window links are judged by their URL date: never downloaded.
    outside = {runews24.path_of(g.url) for g in fixture.golds} - {
        runews24.path_of(g.url) for g in expected}
    assert not outside & {p.split("?")[0] for p in paths}
    assert not any(p.startswith(("/foto/", "/print/", "/tags/", "/rezultatyi-poiska"))
                   for p in paths)
    # Politics lists 2 a page, newest first: 13+12 | 12+11 | 10 → page 3 is all older: stop.
    assert {"/politics/", "/politics/?page=2", "/politics/?page=3"} <= set(paths)
    assert "/politics/?page=4" not in paths
    # A front of 2019 stories stops at once.
    assert "/sport/" in paths and "/sport/?page=2" not in paths
    assert result.stats.get("discovery/out_of_window_links", 0) > 0


def test_default_run_reads_feed_and_first_rubric_pages(fixture, default_crawl) -> None:
    result, server = default_crawl
    assert result.returncode == 0, result.log[-3000:]
    urls = [item["url"] for item in result.items]
    assert len(urls) == len(set(urls))
    assert set(urls) == fixture.front
    paths = server.requested_paths(runews24.HOST)
    assert "/rss.xml" in paths
    assert {f"/{r}/" for r in runews24.RUBRICS} <= set(paths)
    assert not any("page=" in p for p in paths)
    assert result.stats.get("discovery/empty_listings") is None


def test_items_match_gold(fixture, window_crawl, default_crawl) -> None:
    items = {i["url"]: i for crawl in (window_crawl, default_crawl) for i in crawl[0].items}
    golds = [g for g in fixture.golds if g.url in items]
    assert len(golds) >= 8
    for gold in golds:
        item = items[gold.url]
        assert token_f1(item["text"], gold.text) >= 0.95, gold.url
        assert_matches_gold(item, gold, "runews24", "RuNews24")  # authors: the "Автор: …" line
        assert item["subtitle"] == gold.subtitle
    exact = sum(items[g.url]["text"] == g.text for g in golds)
    assert exact >= 0.95 * len(golds)


def test_layouts_and_languages(fixture, window_crawl, default_crawl) -> None:
    items = {i["url"]: i for crawl in (window_crawl, default_crawl) for i in crawl[0].items}
    for story in fixture.stories:
        item = items.get(story.gold.url)
        if item is None:
            continue
        # An unknown body container falls back to the generic extractor, still clean.
        expected = "generic" if story.layout == "unknown" else "rules"
        assert item["extractor"]["method"] == expected, story.gold.url
        assert item["language"] == ("en" if story.rubric == "eng" else "ru")


def test_no_boilerplate_in_text(window_crawl, default_crawl) -> None:
    for result, _ in (window_crawl, default_crawl):
        for item in result.items:
            for phrase in runews24.BOILERPLATE:
                assert phrase not in item["text"], (item["url"], phrase)


def test_canonical_urls_and_stable_ids(fixture, window_crawl, default_crawl) -> None:
    shapes = set()
    for result, _ in (window_crawl, default_crawl):
        for item in result.items:
            assert item["url"].startswith(f"https://{runews24.HOST}/")
            assert "?" not in item["url"]
            assert item["id"] == article_id(item["url"])
            ident = item["url"].rsplit("/", 1)[1]
            shapes.add("hex" if len(ident) == 32 and "-" not in ident else "slug")
            shapes.add("eng" if "/eng/" in item["url"] else "ru")
    assert shapes == {"hex", "slug", "eng", "ru"}
