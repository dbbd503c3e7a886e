"""Caps on what one item may hold, in a real crawl: the text an article split over pages
joins (``ARTICLE_MAX_TEXT_CHARS``), and the title (``MAX_TITLE_CHARS``)."""

from __future__ import annotations

import sqlite3
from html import escape
from urllib.parse import urlsplit

import pytest

from crawler.extraction.limits import MAX_TITLE_CHARS
from crawler.extraction.text_fingerprint import text_digest
from tests.e2e.test_paged_articles import _reextract
from tests.sites import paged_articles
from tests.support.crawl import run_crawl
from tests.support.server import FixtureServer

pytestmark = pytest.mark.slow

# 7,000 characters of distinct words, so a cut inside one would show
HUGE_TITLE = " ".join(f"Заголовок{n:03d}" for n in range(560))


def _target(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture(scope="module")
def capped(tmp_path_factory: pytest.TempPathFactory):
    """RuNews24 with its paged articles, one unpaged article headlined ``HUGE_TITLE``, crawled
    with a joined-text cap that two pages of the three-page article fit and three do not:
    (the paged fixture, the gold of the huge title's article, the cap, the run)."""
    fixture, paged = paged_articles.runews24_site()
    gold = paged.golds[0]
    two_pages = "\n\n".join(gold.paragraphs[:2 * paged_articles.PARTS])
    third = "\n\n".join(gold.paragraphs[2 * paged_articles.PARTS:])
    assert len(third) > 200  # the slack below cannot take the third page in
    cap = len(two_pages) + 100
    joined = {_target(u) for urls in paged.pages.values() for u in urls}
    story = next(s for s in fixture.stories if s.layout != "unknown"
                 and s.gold.url in fixture.front and _target(s.gold.url) not in joined and s.gold.url not in paged.pages)
    path = _target(story.gold.url)
    title = escape(story.gold.title).encode()
    huge = escape(HUGE_TITLE).encode()
    body = fixture.site.pages[path].body
    for before, after in ((b"<title>", b""), (b'content="', b'"'), (b"<h1>", b"</h1>")):
        assert before + title + after in body
        body = body.replace(before + title + after, before + huge + after)
    fixture.site.pages[path].body = body
    data = tmp_path_factory.mktemp("caps")
    with FixtureServer([fixture.site]) as server:
        result = run_crawl("runews24", data, server,
                           settings={"ARTICLE_MAX_TEXT_CHARS": cap})
    assert result.returncode == 0, result.log[-3000:]
    return paged, story.gold, cap, result


def test_joining_stops_at_the_text_cap_keeping_the_pages_that_fit(capped) -> None:
    """The three-page article's item holds pages 1 and 2 whole and ends with page 2's last
    paragraph; page 3, which would pass the cap, is not joined, warned about with its URL
    and counted; the item is not marked cut short (the cap ends it every time)."""
    paged, _, cap, result = capped
    gold = paged.golds[0]
    items = {item["url"]: item for item in result.items}
    item = items[gold.url]
    fit, rest = gold.paragraphs[:2 * paged_articles.PARTS], gold.paragraphs[
        2 * paged_articles.PARTS:]
    assert len(item["text"]) <= cap
    assert item["text"].endswith(fit[-1])
    assert all(item["text"].count(p) == 1 for p in fit)
    assert not [p for p in rest if p in item["text"]]
    assert [_target(u) for u in item["extractor"]["page_urls"]] == [
        _target(u) for u in paged.pages[gold.url][:2]]
    assert result.stats["articles/page_not_joined/text_cap"] >= 1
    third = _target(paged.pages[gold.url][2])
    # its fingerprint is of the text joined (made once the joining stopped, not of page 1)
    db = sqlite3.connect(result.data_dir / "state" / "state.sqlite3")
    try:
        [(digest,)] = db.execute("SELECT digest FROM articles WHERE url = ?", (gold.url,))
    finally:
        db.close()
    assert digest == text_digest(item["text"])
    lines = [line for line in result.log.splitlines() if "not joined (text_cap)" in line]
    assert [line for line in lines if _target(gold.url) in line and third in line
            and "ARTICLE_MAX_TEXT_CHARS" in line and "holds the 2 page(s)" in line], lines


def test_reextraction_keeps_the_text_cap(capped, tmp_path) -> None:
    """Re-extracting the run's WARCs with the same cap gives the same item (page 3 is in the
    WARC: it was downloaded, then not joined) and counts the stop."""
    paged, _, cap, result = capped
    gold = paged.golds[0]
    again, proc = _reextract(result.data_dir / "warc", [], tmp_path / "again.jsonl",
                             f"ARTICLE_MAX_TEXT_CHARS={cap}")
    item = {i["url"]: i for i in result.items}[gold.url]
    assert again[gold.url]["text"] == item["text"]
    assert again[gold.url]["extractor"]["page_urls"] == item["extractor"]["page_urls"]
    assert "text_cap: " in proc.stderr


def test_a_huge_title_is_cut_on_a_word_boundary(capped) -> None:
    """A 7,000-character headline (<title>, og:title, h1) is exported as its first words,
    at most MAX_TITLE_CHARS characters, no word cut; logged with the URL and counted, the
    item saying how long the title was."""
    _, gold, _, result = capped
    item = {i["url"]: i for i in result.items}[gold.url]
    title = item["title"]
    assert 0.9 * MAX_TITLE_CHARS < len(title) <= MAX_TITLE_CHARS
    assert title.startswith("Заголовок000 Заголовок001 ")
    words = title.removesuffix("…").split()
    assert words == HUGE_TITLE.split()[:len(words)]
    assert item["extractor"]["cut"]["title"] == len(HUGE_TITLE)
    assert result.stats["extraction/title_cut"] == 1
    assert [line for line in result.log.splitlines()
            if "title" in line.lower() and _target(gold.url) in line
            and f"{len(HUGE_TITLE):,}" in line]
    assert max(len(i["title"]) for i in result.items) <= MAX_TITLE_CHARS
