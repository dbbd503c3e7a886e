"""Several known articles redirected to one page (an outlet sending what it removed to its
home page): each is a removal observation, not only the first. Scrapy's duplicate filter
dropped the second redirect to a URL the run had already fetched, in silence."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.sites import belta
from tests.sites.scheduled import ChangingBelta
from tests.support.crawl import run_crawl
from tests.support.server import FixtureServer, Page

pytestmark = pytest.mark.slow

HOME = f"http://{belta.HOST}/"


def test_every_article_redirected_to_one_page_is_recorded(tmp_path) -> None:
    now = datetime.now(UTC).astimezone(belta.TZ).replace(microsecond=0)
    site = ChangingBelta(start=now - timedelta(hours=2), count=4)
    site.publish()
    site.site.add("/", "<html><head><title>БЕЛТА</title></head><body><h1>Главная</h1></body>"
                       "</html>")
    moved = site.golds[:3]
    with FixtureServer([site.site]) as server:
        first = run_crawl("belta", tmp_path, server)
        assert len(first.items) == 4, first.log[-3000:]
        for gold in moved:
            site.site.add(site.path(gold), Page(b"", status=301, headers=[("Location", HOME)]))
        second = run_crawl("belta", tmp_path, server)
    assert second.returncode == 0, second.log[-3000:]
    lines = [json.loads(line) for path in sorted((tmp_path / "removals").glob("*.jsonl"))
             for line in path.read_text("utf-8").splitlines()]
    assert sorted(line["url"] for line in lines) == sorted(g.url for g in moved)
    assert {line["final_url"] for line in lines} == {HOME}
    assert second.stats["articles/removed"] == 3
