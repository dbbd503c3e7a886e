"""The pages an article split over several names of itself (``extractor.pages``)."""

from __future__ import annotations

import pytest

from crawler.extraction import ExtractionError, extract_article, same_headline
from crawler.extraction.html import parse_html
from crawler.extraction.normalize import PARAGRAPH_SEPARATOR
from crawler.extraction.pages import earlier_page, named_pages, next_page
from crawler.extraction.worker import PageJoin, join_page
from crawler.items import Article, ArticlePage

URL = "http://ex.org/news/slug/"


@pytest.mark.parametrize(("links", "expected"), [
    ('<a href="?page=2">2</a><a href="/news/slug/?page=3">3</a>', 3),
    ('<a href="/news/slug/?PAGEN_1=2">2</a>', 2),
    ('<a href="2/">2</a><a href="/news/slug/page/4/">4</a>', 4),
    ('<link rel="next" href="/news/slug/?page=2">', 2),
    ('<a href="/news/other/?page=2">other</a><a href="/news/?page=9">list</a>', 1),
    ('<a href="?paged=3">3</a>', 3),  # the listing walk's name too (WordPress lists by it)
    ('<a href="?pg=2">2</a><a href="?pagenum=4">4</a>', 4),
    ('<a href="?part=2">2</a><a href="?page_num=3">3</a><a href="?PAGEN_2=5">5</a>', 5),
    ('<a href="?page=2&amp;sort=new">2</a>', 1),  # another list of this page: not its pages
    ('<a href="?p=12">post</a><a href="/news/slug/attachment/">a</a>', 1),
    ('<div id="comments"><div class="pager"><a href="?page=2">2</a></div></div>', 1),
    ('<a href="?page=123456">x</a>', 1),
    ('<a href="http://other.test/news/slug/?page=2">2</a>', 1),
    # links no page is named by, which once raised out of the extraction
    ('<a href="http://[object Object]/">x</a><a href="//[x]/a">y</a><a href="?page=2">2</a>', 2),
    ('<a href="http://ex.org:99999/news/slug/?page=5">x</a>', 1),
    ('<a href="?page=%C2%B2">²</a>', 1),
])
def test_named_pages(links: str, expected: int) -> None:
    tree = parse_html(f"<html><head></head><body><article><p>Текст</p>{links}</article>"
                      "</body></html>")
    assert named_pages(tree, URL) == expected


def test_the_pages_of_page_two_are_named_too() -> None:
    tree = parse_html('<a href="/news/slug/">1</a><a href="/news/slug/?page=3">3</a>')
    assert named_pages(tree, "http://ex.org/news/slug/?page=2") == 3


NEXT = "http://ex.org/news/slug/"


@pytest.mark.parametrize(("url", "links", "expected"), [
    (NEXT, '<link rel="next" href="?page=2">', NEXT + "?page=2"),
    (NEXT, '<a rel="next" href="/news/slug/2/">Далее</a>', NEXT + "2/"),
    (NEXT, '<a rel="nofollow next" href="page/2/">»</a>', NEXT + "page/2/"),
    (NEXT, '<link rel="next" href="?PAGEN_1=2">', NEXT + "?PAGEN_1=2"),
    (NEXT + "?page=2", '<link rel="next" href="?page=3">', NEXT + "?page=3"),
    # no next page of this article: the next article, a listing's pager, a numbered link
    # without rel="next", a comments pager, a page pointing back, another host
    (NEXT, '<link rel="next" href="/news/other-slug/">', None),
    (NEXT, '<a rel="next" href="/news/?page=2">Ещё</a>', None),
    (NEXT, '<a href="?page=2">2</a>', None),
    (NEXT, '<div class="comments"><a rel="next" href="?page=2">»</a></div>', None),
    (NEXT + "?page=3", '<link rel="next" href="?page=1"><a rel="next" href="?page=2">x</a>', None),
    (NEXT + "?page=2", f'<a rel="next" href="{NEXT}">1</a>', None),
    (NEXT, '<link rel="next" href="http://other.test/news/slug/?page=2">', None),
    (NEXT, '<link rel="next" href="?page=2&amp;sort=new">', None),
])
def test_next_page(url: str, links: str, expected: str | None) -> None:
    tree = parse_html(f"<html><head></head><body><article><p>Текст</p>{links}</article>"
                      "</body></html>")
    assert next_page(tree, url, NEXT) == expected


@pytest.mark.parametrize(("url", "links", "expected"), [
    (NEXT + "?page=2", f'<link rel="prev" href="{NEXT}">', NEXT),
    (NEXT + "page/3/", '<link rel="prev" href="/news/slug/page/2/">', NEXT),
    (NEXT + "?page=3", '<link rel="prev" href="/news/slug/?page=2">', NEXT),
    (NEXT + "2/", '<link rel="prev" href="/news/slug/">', NEXT),  # a bare /N/: to page 1
    (NEXT + "3/", '<link rel="first" href="/news/slug/">', NEXT),
    # a bare /N/ whose prev is N-1 only: a site's adjacent posts just as well (WordPress's
    # numeric permalinks), no evidence of a page of one article
    (NEXT + "3/", '<link rel="prev" href="/news/slug/2/">', None),
    ("https://x.by/archives/123/", '<link rel="prev" href="https://x.by/archives/122/">'
     '<link rel="next" href="https://x.by/archives/124/">', None),
    ("http://ex.org/news/45", '<link rel="prev" href="/news/44">', None),
    (NEXT + "page/2/", '<link rel="canonical" href="/news/slug/">', NEXT),
    (NEXT + "?page=2", "<p>no link back</p>", None),
    (NEXT, '<link rel="prev" href="/news/slug/?page=2">', None),  # a first page
    ("http://ex.org/news/2/", '<a rel="prev" href="/news/1/">older</a>', None),  # article 2
])
def test_earlier_page(url: str, links: str, expected: str | None) -> None:
    tree = parse_html(f"<html><head>{links}</head><body><p>Текст</p></body></html>")
    assert earlier_page(tree, url) == expected


@pytest.mark.parametrize(("headline", "number", "same"), [
    ("Мост открыли", 2, True), ("  мост  ОТКРЫЛИ ", 2, True),
    ("Мост открыли — страница 2", 2, True), ("Мост открыли (page 3)", 3, True),
    ("Мост открыли — страница 3", 2, False), ("Мост закрыли", 2, False),
])
def test_same_headline(headline: str, number: int, same: bool) -> None:
    assert same_headline(headline, "Мост открыли", number) is same


FIRST = "http://ex.org/news/2026/01/13/most-otkryli/"
LONG = [f"Абзац {i} первой страницы: мост через реку открыли после долгого ремонта, "
        f"движение пустили по обеим полосам, сообщили в исполкоме района." for i in range(6)]
PAGE2 = [f"Абзац {i} второй страницы: по новому мосту уже прошли первые автобусы." for i in range(3)]
CLOSING = "Открытие моста отметили концертом на набережной в субботу вечером."


def _page(url: str, paragraphs: list[str], nxt: str | None = None) -> ArticlePage:
    head = ('<meta property="og:title" content="Мост открыли"><meta property="article:'
            'published_time" content="2026-01-13T10:00:00+03:00">'
            + (f'<link rel="next" href="{nxt}">' if nxt else "")
            + (f'<link rel="prev" href="{FIRST}">' if url != FIRST else ""))
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    html = (f"<html><head><title>Мост открыли</title>{head}</head><body><article>"
            f"<h1>Мост открыли</h1>{body}</article></body></html>")
    return ArticlePage(url=url, outlet="", body=html.encode(), headers={
        "Content-Type": "text/html; charset=utf-8"}, status=200,
        fetched_at="2026-01-13T08:00:00Z")


def _first() -> Article:
    article = extract_article(_page(FIRST, [*LONG, CLOSING], FIRST + "?page=2"))
    assert CLOSING in article.text
    return article


def test_a_short_later_page_whose_text_page_one_contains_is_joined() -> None:
    """A later page's text that happens to appear inside page 1 (one closing line the first
    page has too) is no repeated page: pages are compared whole."""
    article = join_page(PageJoin(_first(), _page(FIRST + "?page=2", [CLOSING]), FIRST))
    assert article.text.endswith(PARAGRAPH_SEPARATOR + CLOSING)
    assert article.extractor["page_urls"] == [FIRST, FIRST + "?page=2"]


def test_a_later_page_repeating_a_page_read_is_refused() -> None:
    """A page 3 serving page 1's or page 2's text again (a pager pointing back) is
    ``repeated_page``."""
    article = join_page(PageJoin(_first(), _page(FIRST + "?page=2", PAGE2, FIRST + "?page=3"),
                                 FIRST))
    for again in ([*LONG, CLOSING], PAGE2):
        with pytest.raises(ExtractionError) as caught:
            join_page(PageJoin(article, _page(FIRST + "?page=3", again), FIRST))
        assert caught.value.reason == "repeated_page"


def test_a_wordpress_post_with_adjacent_post_links_is_an_article() -> None:
    """``/archives/123/`` linking its previous post ``/archives/122/`` by ``rel="prev"`` is an
    article of its own, not a later page of ``/archives/``."""
    url = "https://x.by/archives/123/"
    page = _page(url, LONG)
    page.body = page.body.replace(
        f'<link rel="prev" href="{FIRST}">'.encode(),
        b'<link rel="prev" href="https://x.by/archives/122/">')
    assert extract_article(page).text.startswith(LONG[0])


def test_a_real_later_page_fetched_alone_is_no_article() -> None:
    """Page 2 of an article (``?page=2``, ``rel="prev"`` to page 1) is still skipped."""
    with pytest.raises(ExtractionError) as caught:
        extract_article(_page(FIRST + "?page=2", LONG))
    assert caught.value.reason == "not_article/later_page"
