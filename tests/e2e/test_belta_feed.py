"""`scrapy crawl belta` end to end: RSS discovery → validated items from a local БЕЛТА."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.urls import article_id
from tests.sites import belta
from tests.support.crawl import run_crawl
from tests.support.gold import assert_matches_gold
from tests.support.server import FixtureServer

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def belta_crawl(tmp_path_factory: pytest.TempPathFactory):
    site, golds = belta.build()
    with FixtureServer([site]) as server:
        result = run_crawl("belta", tmp_path_factory.mktemp("belta"), server)
        yield result, golds, server


def test_every_feed_article_becomes_one_valid_item(belta_crawl) -> None:
    result, golds, _ = belta_crawl
    assert result.returncode == 0, result.log[-3000:]
    by_url = {item["url"]: item for item in result.items}
    assert sorted(by_url) == sorted(g.url for g in golds)
    assert len(result.items) == len(golds)
    assert result.stats.get("items/valid") == len(golds)


def test_items_match_gold(belta_crawl) -> None:
    result, golds, _ = belta_crawl
    by_url = {item["url"]: item for item in result.items}
    for gold in golds:
        item = by_url[gold.url]
        assert item["id"] == article_id(gold.url)
        # mediator_published_time says +00:00 for Minsk wall-clock time: the visible date wins.
        assert_matches_gold(item, gold, "belta", "БЕЛТА")
        assert item["text"] == gold.text
        assert item["tags"] == gold.tags
        assert item["language"] == "ru"
        assert item["extractor"]["method"] == "rules"


def test_no_boilerplate_in_text(belta_crawl) -> None:
    result, _, _ = belta_crawl
    for item in result.items:
        for phrase in belta.BOILERPLATE:
            assert phrase not in item["text"], (item["url"], phrase)


def test_robots_and_data_dir(belta_crawl) -> None:
    result, _, server = belta_crawl
    paths = server.requested_paths(belta.HOST)
    assert "/robots.txt" in paths
    assert not any(p.startswith("/printv") for p in paths)
    default_feeds = list(Path(result.data_dir, "items").glob("belta-*.jsonl"))
    assert len(default_feeds) == 1
    lines = default_feeds[0].read_text("utf-8").splitlines()
    assert sorted(json.loads(x)["id"] for x in lines) == sorted(i["id"] for i in result.items)
