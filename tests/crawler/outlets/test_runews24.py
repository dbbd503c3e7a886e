"""RuNews24's outlet rules on fixture pages: a layout change shows up here first."""

from __future__ import annotations

from datetime import date
from html import escape

import pytest

from crawler.extraction import extract_article
from crawler.items import ArticlePage
from crawler.outlets import get_outlet
from crawler.spiders.runews24 import RuNews24Spider
from crawler.urls import canonical_url
from tests.sites import runews24


def story(layout: str) -> runews24.Story:
    return next(s for s in runews24.build().stories if s.layout == layout)


def extract(s: runews24.Story, url: str | None = None):
    body = runews24.build().site.find(runews24.path_of(s.gold.url)).body
    return extract_article(ArticlePage(url=url or s.gold.url, outlet="runews24", body=body,
                                       headers={"Content-Type": "text/html; charset=utf-8"},
                                       status=200, fetched_at="2026-01-13T10:00:00+00:00"))


@pytest.mark.parametrize("layout", ["desc", "modern"])
def test_rules_extract_the_article(layout: str) -> None:
    s = story(layout)
    article = extract(s)
    assert article.extractor["method"] == "rules"
    assert article.title == s.gold.title
    assert article.subtitle == s.gold.subtitle  # the h2 lead
    assert article.text == s.gold.text
    assert article.published == s.gold.published.isoformat()
    assert article.authors == s.gold.authors  # from the "Автор: …" line, not left in the text
    assert article.section == s.gold.section
    for phrase in runews24.BOILERPLATE:
        assert phrase not in article.text, phrase


def test_unknown_container_falls_back_to_generic() -> None:
    s = story("unknown")
    article = extract(s)
    assert article.extractor["method"] == "generic"
    assert article.text == s.gold.text
    assert article.authors == s.gold.authors
    assert article.language == "en"


def test_tracking_parameters_are_canonicalised_away() -> None:
    s = story("desc")
    article = extract(s, url=s.gold.url.replace("https", "http") + "?utm_source=rss&c")
    assert article.url == s.gold.url


@pytest.mark.parametrize(("path", "is_article"), [
    ("/politics/12/01/2026/lukashenko-pribyl-v-moskvu", True),
    ("/world/05/03/2019/0123456789abcdef0123456789abcdef", True),
    ("/eng/world/11/01/2026/lukashenko-in-moscow", True),
    ("/foto/12/01/2026/zima-v-moskve", False), ("/print/politics/12/01/2026/x", False),
    ("/politics/", False), ("/tags/lukashenko", False),
    ("/rezultatyi-poiska.html?search=x&id=1", False),
])
def test_article_url_shapes(path: str, is_article: bool) -> None:
    outlet = get_outlet("runews24")
    assert RuNews24Spider().is_article_url(outlet, f"https://runews24.ru{path}") is is_article
    assert canonical_url(f"https://runews24.ru{path}", outlet).startswith("https://runews24.ru/")


def test_url_date() -> None:
    url_date = get_outlet("runews24").discovery.date_in_url
    assert url_date("https://runews24.ru/politics/12/01/2026/x") == date(2026, 1, 12)
    assert url_date("https://runews24.ru/politics/31/02/2026/x") is None
    assert url_date("https://runews24.ru/politics/") is None


@pytest.mark.parametrize("label", ["Автор материала", "Автор текста", "Текст"])
def test_a_reworded_byline_is_still_the_author_and_no_text(label: str) -> None:
    s = story("modern")
    body = runews24.build().site.find(runews24.path_of(s.gold.url)).body.decode()
    line = f"<p>Автор: {escape(s.gold.authors[0])}</p>"
    assert line in body
    article = extract_article(ArticlePage(
        url=s.gold.url, outlet="runews24",
        body=body.replace(line, f"<p>{label}: {escape(s.gold.authors[0])}</p>").encode(),
        headers={"Content-Type": "text/html; charset=utf-8"}, status=200,
        fetched_at="2026-01-13T10:00:00+00:00"))
    assert article.authors == s.gold.authors and article.text == s.gold.text
