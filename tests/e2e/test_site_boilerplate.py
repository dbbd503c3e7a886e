"""`scrapy crawl site` with SITE_BOILERPLATE_MIN_PAGES: a line every article of a site repeats
is removed once the run has seen it on enough other pages; off by default."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.sites import anysite
from tests.support.crawl import run_crawl
from tests.support.server import FixtureServer

pytestmark = pytest.mark.slow

WINDOW = {"since": anysite.SINCE.isoformat(), "until": anysite.UNTIL.isoformat()}
# a site's own line, in no common vocabulary (a typo prompt is: crawler.extraction.boilerplate)
SITE_LINE = "Газета «Слуцкі край» выходит по средам и субботам с 1931 года"
MARK = b'<div class="share-buttons">'


def _site_with_a_repeated_line() -> anysite.AnySite:
    shape = anysite.news_sitemap_site()
    for gold in shape.golds:
        page = shape.site.pages[urlsplit(gold.url).path]
        assert MARK in page.body
        page.body = page.body.replace(MARK, f"<p>{SITE_LINE}</p>".encode() + MARK)
    return shape


def _crawl(tmp_path: Path, settings: dict) -> tuple[anysite.AnySite, object]:
    shape = _site_with_a_repeated_line()
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW},
                           settings=settings)
    assert result.returncode == 0, result.log[-3000:]
    assert len(result.items) == len(shape.golds) >= 3
    return shape, result


def test_off_by_default_every_article_keeps_the_line(tmp_path: Path) -> None:
    _, result = _crawl(tmp_path, {})
    assert all(SITE_LINE in item["text"] for item in result.items)
    assert "site_boilerplate/paragraphs" not in result.stats


def test_on_the_line_goes_once_seen_on_other_pages_and_the_body_stays(tmp_path: Path) -> None:
    shape, result = _crawl(tmp_path, {"SITE_BOILERPLATE_MIN_PAGES": 1, "CONCURRENT_REQUESTS": 1})
    golds = {g.url: g for g in shape.golds}
    with_line = [item for item in result.items if SITE_LINE in item["text"]]
    assert len(with_line) == 1  # the first article the run read: nothing to compare with yet
    for item in result.items:
        body = item["text"].split("\n\n")
        assert body[:len(golds[item["url"]].paragraphs)] == golds[item["url"]].paragraphs
        if item not in with_line:
            assert item["extractor"]["site_boilerplate"] == 1
    assert result.stats["site_boilerplate/paragraphs"] == len(result.items) - 1
