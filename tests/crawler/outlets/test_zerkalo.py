"""Зеркало's outlet rules on one fixture page: a layout change shows up here first."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from crawler.extraction import extract_article, rule_misses
from crawler.items import ArticlePage
from crawler.outlets import get_outlet, outlet_for_url
from crawler.outlets.fixtures import FIXTURES_DIR, load_fixture
from crawler.urls import article_id, canonical_url
from tests.sites import zerkalo


def page_for(index: int, url: str | None = None) -> tuple[ArticlePage, zerkalo.GoldArticle]:
    fx = zerkalo.build()
    gold = fx.golds[index]
    body = fx.site.find(zerkalo.path_of(gold.url)).body
    return ArticlePage(url=url or gold.url, outlet="zerkalo", body=body,
                       headers={"Content-Type": "text/html; charset=utf-8"}, status=200,
                       fetched_at="2026-01-13T10:00:00+00:00"), gold


@pytest.mark.parametrize("index", [1, 2])  # [itemprop=articleBody] and the 2021–22 div#article_body
def test_rules_extract_the_article(index: int) -> None:
    page, gold = page_for(index)
    article = extract_article(page)
    assert article.extractor["method"] == "rules"
    assert article.title == gold.title
    assert article.text == gold.text
    assert article.published == gold.published.isoformat()
    assert article.authors == gold.authors
    assert article.section == gold.section


def test_boilerplate_is_removed() -> None:
    article = extract_article(page_for(0)[0])
    for phrase in zerkalo.BOILERPLATE:
        assert phrase not in article.text, phrase


@pytest.mark.parametrize("link", [
    "https://news.zerkalo.io/life/117502.html?c",
    "https://news.zerkalo.io/life/117502.html?utm_source=rss&utm_medium=feed",
    "http://news.zerkalo.io/life/117502.html",
    "https://br0wse-zerkalo.site/news/life/117502.html",
])
def test_links_canonicalise_to_one_url(link: str) -> None:
    outlet = get_outlet("zerkalo")
    assert canonical_url(link, outlet) == "https://news.zerkalo.io/life/117502.html"
    assert outlet_for_url(link) is outlet


def test_mirror_page_gets_canonical_url_and_id() -> None:
    page, gold = page_for(3, url="http://br0wse-zerkalo.site/news/world/117503.html")
    article = extract_article(page)
    assert article.url == gold.url == "https://news.zerkalo.io/world/117503.html"
    assert article.id == article_id(gold.url)


@pytest.mark.parametrize(("path", "is_article"), [
    ("/life/117502.html", True), ("/economics/91472.html", True), ("/gallery/900.html", False),
    ("/print/life/117509.html", False), ("/archive/12.01.2026.html", False),
    ("/tag/lukashenko.html", False), ("/life/", False), ("/search/?q=x", False),
])
def test_article_url_shapes(path: str, is_article: bool) -> None:
    from crawler.spiders.zerkalo import ZerkaloSpider

    assert ZerkaloSpider().is_article_url(get_outlet("zerkalo"),
                                          f"https://news.zerkalo.io{path}") is is_article


@pytest.mark.parametrize("outlet", ["zerkalo", "runews24"])
def test_an_outlets_own_h1_title_rule_that_stops_matching_is_drift(outlet: str) -> None:
    """Зеркало's and RuNews24's title rule is ``h1``, the dataclass default: it is still the
    outlet's knowledge, so a redesign that moves the headline into an <h2> (og:title fills in)
    counts as a title miss, as it does for БЕЛТА's ``div.main h1``."""
    name = {"zerkalo": "zerkalo/2026-01/zerkalo-1", "runews24": "runews24/2026-01/runews24-modern"}
    fixture = load_fixture(FIXTURES_DIR / f"{name[outlet]}.json")
    body = fixture.page.body.replace(b"<h1>", b"<h2 class=\"headline\">").replace(b"</h1>",
                                                                                b"</h2>")
    article = extract_article(replace(fixture.page, body=body))
    assert article.title == fixture.expected["title"]
    assert article.extractor["fields"]["title"] == "opengraph"
    assert rule_misses(article)["title"] == ("h1",)


def test_a_missed_title_rule_without_structured_titles_falls_back_to_the_pages_title() -> None:
    """The headline moved into an <h2> and the page names no og:title or JSON-LD headline:
    the <title>, less the site's name, is the title (the article was lost as no_title)."""
    fixture = load_fixture(FIXTURES_DIR / "zerkalo/2026-01/zerkalo-1.json")
    title = fixture.expected["title"]
    body = re.sub(rb"<h1>.*?</h1>", b"<h2>" + title.encode() + b"</h2>", fixture.page.body,
                  flags=re.S)
    body = re.sub(rb'<meta[^>]+(?:og:title|twitter:title)[^>]*>', b"", body)
    body = re.sub(rb'<script type="application/ld\+json">.*?</script>', b"", body, flags=re.S)
    body = re.sub(rb"<title>.*?</title>", f"<title>{title} - Зеркало</title>".encode(),
                  body, flags=re.S)
    article = extract_article(replace(fixture.page, body=body))
    assert (article.title, article.extractor["fields"]["title"]) == (title, "html")
    assert rule_misses(article)["title"] == ("h1",)
