"""The pages an article split over several names of itself (``extractor.pages``)."""

from __future__ import annotations

import pytest
from lxml import etree

from crawler.extraction import ExtractionError, extract_article, next_page_of, pager, same_headline
from crawler.extraction.html import parse_html
from crawler.extraction.normalize import PARAGRAPH_SEPARATOR
from crawler.extraction.pages import earlier_page, named_pages, next_page, page_of, show_all_link
from crawler.extraction.text_fingerprint import FINGERPRINT_ATTR, text_digest
from crawler.extraction.worker import Fingerprint, PageJoin, extract_for_crawl, join_page
from crawler.items import Article, ArticlePage
from tests.support.hang import python_within

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


@pytest.mark.parametrize("url", [URL, URL + "?page=1"])
def test_a_pager_counting_from_zero_names_its_pages_from_one(url: str) -> None:
    """Drupal's pager: "1 2 3" linked as the page-less URL (or ``?page=0``), ``?page=1``,
    ``?page=2``: three pages, whichever page shows it."""
    tree = parse_html('<ul class="pager"><li><a href="/news/slug/?page=0">1</a></li>'
                      '<li><a href="?page=1">2</a></li><li><a href="?page=2">3</a></li></ul>')
    assert named_pages(tree, url) == 3


def test_a_dle_article_names_its_pages_and_links_the_next() -> None:
    """DataLife Engine numbers an article's pages in a prefix of its file name:
    ``/news/page,1,2,123-slug.html`` is page 2 of ``/news/123-slug.html``; another
    article's pages are none of its own."""
    url = "http://ex.org/news/123-slug.html"
    tree = parse_html('<a href="/news/page,1,2,123-slug.html">2</a><a rel="next" '
                      'href="/news/page,1,2,123-slug.html">Далее</a><a href="/news/page,1,3,'
                      '123-slug.html">3</a><a href="/news/page,1,9,77-other.html">9</a>')
    assert named_pages(tree, url) == 3
    assert next_page(tree, url, url) == "http://ex.org/news/page,1,2,123-slug.html"


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
    # a pager counting from zero (Drupal): page 2 is ?page=1, page 3 ?page=2
    (NEXT, '<a rel="next" href="?page=1">следующая ›</a>', NEXT + "?page=1"),
    (NEXT + "?page=1", '<a href="?page=0">‹ предыдущая</a><link rel="next" href="?page=2">',
     NEXT + "?page=2"),
    (NEXT + "?page=1", f'<a href="{NEXT}">1</a><a href="?page=2">3</a>'
     '<a rel="next" href="?page=2">›</a>', NEXT + "?page=2"),
    (NEXT + "?page=2", '<a href="?page=0">1</a><a rel="next" href="?page=1">2</a>', None),
    # Joomla's article pages: ?start=1 / ?limitstart=1 is page 2
    (NEXT, '<a rel="next" href="?start=1">Далее »</a>', NEXT + "?start=1"),
    (NEXT + "?limitstart=1", '<a href="?limitstart=0">1</a><a rel="next" '
     'href="?limitstart=2">Далее »</a>', NEXT + "?limitstart=2"),
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
    # page 2 of a pager counting from zero, and its page 1 spelt out
    (NEXT + "?page=1", '<link rel="prev" href="/news/slug/?page=0">', NEXT),
    (NEXT + "?page=0", '<link rel="next" href="/news/slug/?page=1">', None),
    # DataLife Engine's later page, its first page linked back
    ("http://ex.org/news/page,1,2,123-slug.html", '<link rel="prev" href="/news/123-slug.html">',
     "http://ex.org/news/123-slug.html"),
    # a numbered pager without rel: its "1" to the page-less URL (a page 2 a home page linked
    # on its own became an item before the join reached it)
    (NEXT + "2/", '<a href="/news/slug/">1</a> <b>2</b> <a href="/news/slug/3/">3</a>', NEXT),
    (NEXT + "?page=3", '<a href="/news/slug/">[1]</a> <a href="?page=2">[2]</a> [3]', NEXT),
    # ...a "1" in no pager showing this page's number is none: a section's pager beside an
    # article with a numeric id, a footnote
    ("http://ex.org/news/123/", '<div class="side">Новости <a href="/news/">1</a> | <a href='
     '"/news/?PAGEN_1=2">2</a></div>', None),
    ("http://ex.org/articles/45/", "<p>Отчет комиссии занял 45 страниц, и большая их часть "
     "посвящена ремонту дорог<sup><a href='/articles/'>1</a></sup>, а не мостам, как ожидали "
     "депутаты.</p>", None),
    (NEXT + "2/", '<a href="/news/other-slug/">1</a>', None),  # another article's
    (NEXT + "3/", '<a href="/news/slug/2/">2</a>', None),  # an earlier number is no evidence
    (NEXT + "2/", '<a href="/news/slug/">Все новости рубрики</a>', None),
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


def test_a_headline_of_a_long_run_of_dashes_is_read_in_one_pass() -> None:
    """The page mark was tried at each dash, each try re-reading the rest of the run: 40,000
    dashes took 37 s (a timeout fails the test instead of holding the suite)."""
    script = ("from crawler.extraction import same_headline\n"
              "print(same_headline('Мост' + '-' * 200_000 + 'x', 'Мост', 2),\n"
              "      same_headline('Мост' + '-' * 200_000 + 'страница 2', 'Мост', 2))\n")
    out = python_within(30, script)
    assert out.stdout.split() == ["False", "True"], out.stderr[-2000:]


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


def test_a_later_page_that_would_pass_the_text_cap_is_refused_leaving_the_article() -> None:
    """A cap of exactly the two pages' text joins page 2; one character less refuses it
    (``text_cap``, the sizes and the setting named) and leaves the article as it was."""
    whole = join_page(PageJoin(_first(), _page(FIRST + "?page=2", PAGE2), FIRST)).text
    article = join_page(PageJoin(_first(), _page(FIRST + "?page=2", PAGE2), FIRST, len(whole)))
    assert article.text == whole
    first = _first()
    before = (first.text, dict(first.extractor), next_page_of(first))
    with pytest.raises(ExtractionError) as caught:
        join_page(PageJoin(first, _page(FIRST + "?page=2", PAGE2), FIRST, len(whole) - 1))
    assert caught.value.reason == "text_cap"
    assert f"to {len(whole):,} characters (ARTICLE_MAX_TEXT_CHARS is {len(whole) - 1:,})" in \
        caught.value.detail
    assert (first.text, first.extractor, next_page_of(first)) == before


def test_a_joined_article_is_fingerprinted_once_of_its_whole_text() -> None:
    """The worker makes no fingerprint while a next page is named (each page would hash the
    whole text joined so far again), drops page 1's, and makes it of the last page's join."""
    first = extract_for_crawl(_page(FIRST, [*LONG, CLOSING], FIRST + "?page=2"))
    assert not hasattr(first, FINGERPRINT_ATTR)
    second = extract_for_crawl(PageJoin(first, _page(FIRST + "?page=2", PAGE2, FIRST + "?page=3"),
                                        FIRST))
    assert not hasattr(second, FINGERPRINT_ATTR)
    third = extract_for_crawl(PageJoin(second, _page(FIRST + "?page=3", [CLOSING + " Конец."]),
                                       FIRST))
    assert getattr(third, FINGERPRINT_ATTR)[0] == text_digest(third.text)
    stopped = extract_for_crawl(Fingerprint(second))  # a join that stopped before page 3
    assert getattr(stopped, FINGERPRINT_ATTR)[0] == text_digest(second.text)


@pytest.mark.parametrize("numbered", [False, True])
@pytest.mark.parametrize(("lead", "items"), [(6, 3), (2, 4), (2, 10)])
def test_a_block_served_again_with_its_next_items_gives_no_second_article(
        numbered: bool, lead: int, items: int) -> None:
    """A news list, comments or captions taken into the body, its pager followed (numbered,
    or a Bitrix template's rel="next" for the list): page 2 opens with the article's
    paragraphs again, then the block's next items. On text alone that is a page repeating
    its standfirst and byline, then text of its own: the paragraphs it opens with that were
    read are not joined again, so the article's text comes once, shorter or longer than the
    block (whose next items, like its first, are in)."""
    def page(n: int) -> ArticlePage:
        url = BITRIX if n == 1 else f"{BITRIX}?PAGEN_1={n}"
        block = [f"Новость {n}-{i}: в районе прошёл субботник, жители убрали парк, посадили "
                 "деревья и покрасили скамейки у школы." for i in range(items)]
        if numbered:
            return _news(url, [*LONG[:lead], *block], _bx_pager(BITRIX, n, 5))
        return _page(url, [*LONG[:lead], *block], f"{BITRIX}?PAGEN_1={n + 1}")
    article = extract_article(page(1))
    assert next_page_of(article) == BITRIX + "?PAGEN_1=2"
    joined_ = join_page(PageJoin(article, page(2), BITRIX))
    assert all(joined_.text.count(p) == 1 for p in LONG[:lead])
    assert joined_.text.endswith(f"Новость 2-{items - 1}: в районе прошёл субботник, жители "
                                 "убрали парк, посадили деревья и покрасили скамейки у школы.")


STANDFIRST = ("Мост через реку, закрытый на ремонт два года назад, снова открыт: в исполкоме "
              "района рассказали, сколько стоили работы, кто их вёл, почему их сроки дважды "
              "переносили и что ещё предстоит сделать на подъездах к мосту до конца года, "
              "когда по нему пустят и грузовые машины, а на набережной откроют новую "
              "пешеходную дорожку с освещением и скамейками.")


@pytest.mark.parametrize("opening", [1, 2])
@pytest.mark.parametrize("numbered", [False, True])
def test_a_short_page_sharing_a_long_standfirst_with_the_next_is_joined(numbered: bool,
                                                                        opening: int) -> None:
    """Every page opens with the article's long standfirst and page 1 has little else: over
    half of page 1 is in page 2, but most of page 2 is its own text, so it is joined, its
    standfirst once."""
    own = {n: [f"Абзац {i} страницы {n}: по новому мосту прошли первые автобусы, а вечером "
               "на набережной был концерт." for i in range(4 if n > 1 else 1)] for n in (1, 2)}

    head = [STANDFIRST, "Источник: пресс-служба Минского районного исполкома."][:opening]

    def page(n: int) -> ArticlePage:  # every page opens with the standfirst (and a source line)
        url = BITRIX if n == 1 else f"{BITRIX}?PAGEN_1={n}"
        if numbered:
            return _news(url, [*head, *own[n]], _bx_pager(BITRIX, n, 2))
        return _page(url, [*head, *own[n]], f"{BITRIX}?PAGEN_1=2" if n == 1 else None)
    article = extract_article(page(1))
    assert next_page_of(article) == BITRIX + "?PAGEN_1=2"
    joined_ = join_page(PageJoin(article, page(2), BITRIX))
    assert joined_.text.endswith(own[2][-1]) and joined_.text.count(STANDFIRST) == 1
    assert joined_.text.split(PARAGRAPH_SEPARATOR) == [*head, *own[1], *own[2]]


def test_a_later_page_repeating_the_lead_is_joined() -> None:
    """Page 2 opening with page 1's lead again (a site repeating it on every page): most of
    page 1 is not in it, it is joined, the lead not twice."""
    article = join_page(PageJoin(_first(), _page(FIRST + "?page=2", [LONG[0], *PAGE2]), FIRST))
    assert article.text.split(PARAGRAPH_SEPARATOR) == [*LONG, CLOSING, *PAGE2]


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


# Numbered pagers with no rel="next" (crawler.extraction.pager)

BITRIX = "http://ex.org/news/detail/most-otkryli/"
RUNEWS = "https://runews24.ru/society/13/01/2026/most-otkryli"


def _bx_pager(url: str, current: int, last: int, *, bare_first: bool = False) -> str:
    """Bitrix's bx-pagination: the current page a <span> in an active <li>, a "next" link
    (``bare_first``: page 1 linked as ``url`` itself, as its templates link it)."""
    def href(n: int) -> str:
        if n == 1 and bare_first:
            return url
        return f"{url}{'&amp;' if '?' in url else '?'}PAGEN_1={n}"

    items = "".join(
        f'<li class="bx-active"><span>{n}</span></li>' if n == current
        else f'<li><a href="{href(n)}"><span>{n}</span></a></li>'
        for n in range(1, last + 1))
    if current < last:
        items += f'<li class="bx-pag-next"><a href="{href(current + 1)}">Следующая</a></li>'
    return (f'<div class="bx-pagination"><div class="bx-pagination-container"><ul>{items}'
            "</ul></div></div>")


def _news(url: str, paragraphs: list[str], pager: str = "", *, after: str = "",
          comments: str = "", sidebar: str = "", related: str = "", body: str = "news-detail",
          outlet: str = "") -> ArticlePage:
    """An article page as a CMS renders it: menu, the text's block with ``pager`` at its end
    (``after``: right after the block), related news, comments, sidebar, footer."""
    text = "".join(f"<p>{p}</p>" for p in paragraphs)
    html = ('<html><head><title>Мост открыли</title><meta property="og:title" content="Мост '
            'открыли"><meta property="article:published_time" content="2026-01-13T10:00:00+03:00">'
            '</head><body><header><nav><a href="/">Главная</a> <a href="/news/">Новости</a>'
            '</nav></header><div class="wrap"><main><article><h1>Мост открыли</h1>'
            f'<div class="{body}">{text}{pager}</div>{after}{related}</article>{comments}'
            f'</main><aside class="sidebar">{sidebar}</aside></div><footer>© Сайт, 2026'
            "</footer></body></html>")
    return ArticlePage(url=url, outlet=outlet, body=html.encode(), headers={
        "Content-Type": "text/html; charset=utf-8"}, status=200,
        fetched_at="2026-01-13T08:00:00Z")


@pytest.mark.parametrize(("url", "pager", "expected"), [
    # Bitrix: ?PAGEN_1=2
    (BITRIX, _bx_pager(BITRIX, 1, 3), BITRIX + "?PAGEN_1=2"),
    # WordPress's <!--nextpage--> (wp_link_pages): /slug/2/
    (FIRST, '<div class="page-links">Страницы: <span class="post-page-numbers current">1'
     f'</span> <a href="{FIRST}2/" class="post-page-numbers">2</a> <a href="{FIRST}3/" '
     'class="post-page-numbers">3</a></div>', FIRST + "2/"),
    # ?page=2, "1 | 2 | Далее »", the current page in bold, relative links
    (FIRST, '<p class="pages"><b>1</b> | <a href="?page=2">2</a> | <a href="?page=3">3</a> | '
     '<a href="?page=2">Далее »</a></p>', FIRST + "?page=2"),
    # Drupal 7's pager counting from zero: "1" the current page, "2" is ?page=1
    (FIRST, '<h2 class="element-invisible">Страницы</h2><div class="item-list"><ul '
     'class="pager"><li class="pager-current first">1</li><li class="pager-item"><a '
     'title="На страницу 2" href="?page=1">2</a></li><li class="pager-item"><a title="На '
     'страницу 3" href="?page=2">3</a></li><li class="pager-next"><a href="?page=1">следующая '
     '›</a></li><li class="pager-last last"><a href="?page=2">последняя »</a></li></ul></div>',
     FIRST + "?page=1"),
    # /page/2/, a <nav> of its own
    (FIRST, '<nav class="pagination"><span aria-current="page">1</span> <a href="page/2/">2'
     '</a> <a href="page/2/">»</a></nav>', FIRST + "page/2/"),
])
def test_a_numbered_pager_under_the_text_gives_the_next_page(url: str, pager: str,
                                                             expected: str) -> None:
    """No rel="next", the article's pager at the end of its text block: its link to page 2
    is the next page, and the pager is no part of the text."""
    article = extract_article(_news(url, LONG, pager))
    assert next_page_of(article) == expected
    assert article.text == PARAGRAPH_SEPARATOR.join(LONG)


NEWS = "http://ex.org/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/a/"


@pytest.mark.parametrize(("url", "href", "expected"), [
    # the host spelt otherwise, or its www. variant
    ("http://ex.org/news/a/", "http://EX.ORG/news/a/?PAGEN_1=2", "http://EX.ORG/news/a/?PAGEN_1=2"),
    ("http://ex.org/news/a/", "http://www.ex.org/news/a/?PAGEN_1=2",
     "http://www.ex.org/news/a/?PAGEN_1=2"),
    # page 1 with no trailing slash, its pager's links with one
    ("http://ex.org/news/a", "/news/a/?PAGEN_1=2", "http://ex.org/news/a/?PAGEN_1=2"),
    # the path percent-encoded, raw or in lower-case hex
    (NEWS, "/новости/a/?PAGEN_1=2", "http://ex.org/новости/a/?PAGEN_1=2"),
    (NEWS, "/%d0%bd%d0%be%d0%b2%d0%be%d1%81%d1%82%d0%b8/a/?PAGEN_1=2",
     "http://ex.org/%d0%bd%d0%be%d0%b2%d0%be%d1%81%d1%82%d0%b8/a/?PAGEN_1=2"),
    # page 1 fetched with tracking arguments
    ("http://ex.org/news/a/?utm_source=tg", "/news/a/?PAGEN_1=2",
     "http://ex.org/news/a/?PAGEN_1=2"),
    # a fragment is no part of the page's URL
    ("http://ex.org/news/a/", "?PAGEN_1=2#nav", "http://ex.org/news/a/?PAGEN_1=2"),
])
def test_a_pager_linking_the_article_spelt_otherwise_is_followed(url: str, href: str,
                                                                 expected: str) -> None:
    """The pager's links compared with page 1's URL as the project compares an article's
    URLs (archive.urls.article_key): host case, www., a trailing slash, escapes, tracking
    arguments and fragments name no other page."""
    pager = f'<div class="pager"><span>1</span> <a href="{href}">2</a></div>'
    article = extract_article(_news(url, LONG, pager))
    assert next_page_of(article) == expected
    assert article.text == PARAGRAPH_SEPARATOR.join(LONG)


def test_a_pager_right_after_the_text_block_is_followed() -> None:
    """The pager as the next sibling of the text's block (Bitrix's templates put it there)."""
    article = extract_article(_news(BITRIX, LONG, after=_bx_pager(BITRIX, 1, 2)))
    assert next_page_of(article) == BITRIX + "?PAGEN_1=2"
    assert "Следующая" not in article.text and article.text.endswith(LONG[-1])


def test_rel_next_goes_before_a_numbered_pager() -> None:
    page = _news(BITRIX, LONG, _bx_pager(BITRIX, 1, 3))
    page.body = page.body.replace(b"</head>", b'<link rel="next" href="?page=2"></head>')
    article = extract_article(page)
    assert next_page_of(article) == BITRIX + "?page=2"
    assert article.text == PARAGRAPH_SEPARATOR.join(LONG)  # the pager left all the same


@pytest.mark.parametrize("outlet", ["", "runews24"])
def test_a_wordpress_pager_beside_rel_next_leaves_the_text(outlet: str) -> None:
    """WordPress prints ``<link rel="next">`` and its "Страницы: 1 2" pager: the pager stayed
    in the text, a paragraph between the joined pages (it was only looked for without
    rel=next)."""
    url = RUNEWS if outlet else FIRST
    second = url.rstrip("/") + "/2/"
    pager = ('<div class="page-links">Страницы: <span class="post-page-numbers current">1'
             f'</span> <a href="{second}" class="post-page-numbers">2</a></div>')
    page = _news(url, LONG, pager, body="desc text" if outlet else "news-detail",
                 outlet=outlet)
    page.body = page.body.replace(b"</head>", f'<link rel="next" href="{second}"></head>'
                                  .encode())
    article = extract_article(page)
    assert next_page_of(article) == second
    assert article.text == PARAGRAPH_SEPARATOR.join(LONG)


COMMENTS = ('<div class="reviews-block-container reviews-reviews-block-container">'
            '<div class="reviews-header">Отзывы (24)</div>'
            + "".join(f'<div class="reviews-post"><b>Читатель {n}</b><p>Хорошо, что мост '
                      f"наконец открыли, ждали его почти год, спасибо строителям ({n}).</p></div>"
                      for n in range(3))
            + _bx_pager(BITRIX, 1, 8) + "</div>")
RELATED = ('<div class="news-list"><h3>Другие новости</h3>'
           + "".join(f'<p><a href="/news/detail/other-{n}/">Другая новость номер {n} о городе'
                     "</a></p>" for n in range(4))
           + f'<div class="pager"><span>1</span> <a href="{BITRIX}?PAGEN_2=2">2</a> '
             f'<a href="{BITRIX}?PAGEN_2=3">3</a></div></div>')
SIDEBAR = ('<div class="last-news"><h3>Последние новости</h3>'
           + "".join(f'<a href="/news/detail/last-{n}/">Последняя новость {n} дня</a><br>'
                     for n in range(4))
           + f'<div class="nav"><b>1</b> <a href="{BITRIX}?PAGEN_3=2">2</a></div></div>')


@pytest.mark.parametrize("place", [
    # Bitrix's comments component: its pager numbers PAGEN_1 of the article's own URL
    {"comments": COMMENTS},
    # a related-news list right under the text, its pager on the article's URL (PAGEN_2)
    {"related": RELATED},
    {"after": RELATED},
    # the sidebar's latest news, its pager on the article's URL
    {"sidebar": SIDEBAR},
    # under the text, but linking other paths: the news listing's pages
    {"pager": '<div class="pager"><span>1</span> <a href="/news/?PAGEN_1=2">2</a> '
              '<a href="/news/?PAGEN_1=3">3</a></div>'},
    {"pager": '<div class="pager"><span>1</span> <a href="/news/detail/?page=2">2</a></div>'},
    # the article's own ?PAGEN_1=2, but the block links elsewhere too: no pager of it
    {"pager": f'<div class="pager"><span>1</span> <a href="{BITRIX}?PAGEN_1=2">2</a> '
              '<a href="/news/">Все новости</a></div>'},
    # no current page shown as text: a run of links is no evidence
    {"pager": f'<div class="pager"><a href="{BITRIX}">1</a> <a href="{BITRIX}?PAGEN_1=2">2'
              "</a></div>"},
    # a number inside a sentence of the text
    {"pager": f'<p>Проект разбит на 1 и <a href="{BITRIX}?PAGEN_1=2">2</a> очередь, вторую '
              "откроют летом.</p>"},
])
def test_a_pager_of_another_block_is_never_followed(place: dict[str, str]) -> None:
    """Comments, a related-news list, the sidebar (each pager on the article's own URL with
    a page marker), a pager to other paths or with other links: no page of the article."""
    article = extract_article(_news(BITRIX, LONG, **place))
    assert next_page_of(article) is None
    assert article.text.startswith(LONG[0])


TABLE = ("<table>" + "".join(f"<tr><td>Участок {n}</td><td>{100 + n} м</td><td>отремонтирован "
                            f"в {2020 + n} году</td></tr>" for n in range(5)) + "</table>")


@pytest.mark.parametrize("pager", [
    # a table's pager between paragraphs of the text
    TABLE + '<div class="tpager">Страница 1 из 4 <a href="?page=2">2</a> '
    '<a href="?page=3">3</a></div>',
    # a gallery's, its captions paragraphs the body takes in, mid-text
    "".join(f'<div class="photo"><img src="/g{n}.jpg"><p>Фото {n}: мост вечером, вид с '
            "набережной, автор снимка Иван Петров.</p></div>" for n in range(3))
    + f'<div class="gal-pager"><b>1</b> <a href="{BITRIX}?PAGEN_2=2">2</a> '
    f'<a href="{BITRIX}?PAGEN_2=3">3</a></div>',
])
def test_a_pager_between_paragraphs_of_the_text_is_never_followed(pager: str) -> None:
    """A pager right after a paragraph of the text but with more of the text after it (a
    table's, a gallery's inside the body) is no pager of the article: the article's pager
    comes after the text's last paragraph, or before its first."""
    article = extract_article(_news(BITRIX, LONG[:3], pager + "".join(
        f"<p>{p}</p>" for p in LONG[3:])))
    assert next_page_of(article) is None
    assert article.text.startswith(LONG[0]) and article.text.endswith(LONG[-1])


def test_a_pager_above_the_text_is_followed() -> None:
    """The article's pager before its first paragraph (a top pager) is followed."""
    article = extract_article(_news(BITRIX, [], _bx_pager(BITRIX, 1, 3) + "".join(
        f"<p>{p}</p>" for p in LONG)))
    assert next_page_of(article) == BITRIX + "?PAGEN_1=2"
    assert article.text == PARAGRAPH_SEPARATOR.join(LONG)


NUMBERS = ["250 000", "+375 17 123-45-67", "1 2 3", "2015 2016 2017 2018 2019 2020 2021 гг.",
           "Страницы: 1 2 3"]


@pytest.mark.parametrize(("url", "outlet", "body"), [
    (BITRIX, "", "news-detail"),  # the generic extractor
    (RUNEWS, "runews24", "desc text"),  # an outlet's body selector: every line of its block
])
def test_the_pager_element_leaves_the_text_and_number_lines_stay(url: str, outlet: str,
                                                                 body: str) -> None:
    """Page 1, 2 and 3 of an article: each page's pager is dropped as the element it is;
    lines of numbers in the text ('250 000', a phone number, '1 2 3', a year list, even a
    line reading like a pager) are the text's, wherever they stand."""
    first = [LONG[0], *NUMBERS, *LONG[1:]]
    pages = [url, url + "?PAGEN_1=2", url + "?PAGEN_1=3"]
    article = extract_article(_news(url, first, _bx_pager(url, 1, 3), body=body,
                                    outlet=outlet))
    assert next_page_of(article) == pages[1]
    texts = [first, [*PAGE2[:2], *NUMBERS, PAGE2[2]], [CLOSING * 2, *NUMBERS[:2]]]
    for n in (2, 3):
        later = _news(pages[n - 1], texts[n - 1], _bx_pager(url, n, 3), body=body,
                      outlet=outlet)
        article = join_page(PageJoin(article, later, url))
        assert next_page_of(article) == (pages[2] if n == 2 else None)
    alone = [extract_article(_news(u, t, body=body, outlet=outlet)).text  # no pager
             for u, t in zip(pages, texts, strict=True)]
    assert article.text == PARAGRAPH_SEPARATOR.join(alone)
    if outlet:  # the body block's every line is read
        assert article.text == PARAGRAPH_SEPARATOR.join(line for t in texts for line in t)
    else:  # the generic extractor keeps no line of digits alone (a date, a counter) nor a
        # line like "Страницы: 1 2 3", pager or not: its text is the pages' without a pager
        assert all(article.text.split(PARAGRAPH_SEPARATOR).count(line) == 3
                   for line in NUMBERS[1:2]) and article.text.count(NUMBERS[3]) == 2
    assert article.extractor["page_urls"] == pages
    assert "Следующая" not in article.text


def test_a_long_paragraph_of_numbers_is_read_as_text() -> None:
    """A paragraph of 5,000 numbers (a table flattened, a year list) beside a pager: read
    whole, in no time a pattern could take."""
    numbers = " ".join(str(2000 + n % 30) for n in range(5000)) + " гг."
    article = extract_article(_news(BITRIX, [LONG[0], numbers, *LONG[1:]],
                                    _bx_pager(BITRIX, 1, 2)))
    assert numbers in article.text.split(PARAGRAPH_SEPARATOR)
    assert next_page_of(article) == BITRIX + "?PAGEN_1=2"


@pytest.mark.parametrize(("url", "outlet", "body", "following"), [
    (RUNEWS, "runews24", "desc text", None),  # an outlet's body selector
    (BITRIX, "", "news-detail", BITRIX + "?PAGEN_1=2"),  # the generic extractor
])
def test_a_text_that_reads_worse_without_its_pager_keeps_its_first_reading(
        url: str, outlet: str, body: str, following: str | None) -> None:
    """Page 1's text ending in '<a href="?PAGEN_1=2">Читать далее</a>' then its pager: without
    the pager the outlet's body block ends in a 'read more' link, a teaser, and the article
    failed (no_body). The text read with the pager is kept and the pager is not followed;
    the generic extractor reads the text whole without the pager: it is followed."""
    more = f'<p><a href="{url}?PAGEN_1=2">Читать далее</a></p>'
    article = extract_article(_news(url, LONG, more + _bx_pager(url, 1, 3), body=body,
                                    outlet=outlet))
    assert article.text.startswith(LONG[0]) and LONG[-1] in article.text
    assert next_page_of(article) == following


@pytest.mark.parametrize("line", [
    "<p>Проезд стоит 1 рубль.</p>",  # a paragraph
    "<h3>Этап 1</h3>",  # a heading
    "<ul><li>Проезд стоит 1 рубль для всех пассажиров</li></ul>",  # a list item of prose
    "Проезд стоит 1 рубль.",  # a sentence
])
def test_a_number_in_a_text_line_beside_links_is_no_current_page(line: str) -> None:
    """Links to pages 2 and 3 with no current page shown, under a short line of the text
    holding a 1: the 1 is the line's, not a pager's current page; the line stays."""
    block = (f'<div class="end">{line}<div class="nav"><a href="?PAGEN_1=2">2</a> '
             '<a href="?PAGEN_1=3">3</a></div></div>')
    article = extract_article(_news(BITRIX, LONG, block))
    assert next_page_of(article) is None
    assert article.text.startswith(LONG[0])
    if "<p>" in line:
        assert "Проезд стоит 1 рубль." in article.text


def test_a_block_of_thousands_of_elements_is_no_pager_and_each_block_is_judged_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """40 numbered links in a block holding a 2,000-deep run of empty elements (e_nested:
    39.6 s, each link judging the block again, and each element climbing back to it): a block
    of over PAGER_NODES elements is no pager, whatever it shows, judged once for all its
    links; the article's own pager after it is still found."""
    judged: list[etree._Element] = []
    real = pager._verdict

    def counted(box: etree._Element, current: int) -> bool | None:
        judged.append(box)
        return real(box, current)

    monkeypatch.setattr(pager, "_verdict", counted)
    hostile = ('<div class="widget"><b>1</b> '
               + f'<a href="{BITRIX}?PAGEN_1=2">2</a>' * 40 + "<i>" * 2000 + "</i>" * 2000
               + "</div>")
    article = extract_article(_news(BITRIX, LONG, hostile))
    assert next_page_of(article) is None
    assert article.text == PARAGRAPH_SEPARATOR.join(LONG)
    assert len(judged) == len(set(judged))
    article = extract_article(_news(BITRIX, LONG, "<div>" + hostile + "</div>",
                                    after=_bx_pager(BITRIX, 1, 3)))
    assert next_page_of(article) == BITRIX + "?PAGEN_1=2"
    assert len(judged) == len(set(judged))


def test_an_article_at_a_numbered_url_with_a_back_link_is_an_article() -> None:
    """``/news/2/`` linking back ('← Назад') to ``/news/`` is an article of its own: a page
    is a later page only when a join reached it from page 1."""
    url = "http://ex.org/news/2/"
    article = extract_article(_news(url, LONG, after='<div class="back"><a href="/news/">'
                                                     "← Назад</a></div>"))
    assert article.text.startswith(LONG[0])
    assert next_page_of(article) is None


@pytest.mark.parametrize(("link", "first", "page"), [
    ("http://ex.org/news.php?c=12&page=2", "http://ex.org/news.php?c=12", 2),
    ("http://ex.org/news.php?c=13&page=2", "http://ex.org/news.php?c=12", None),
    ("http://ex.org/a.php?ref=5&page=2", "http://ex.org/a.php?ref=4", None),
    ("http://ex.org/a.php?from=lenta&page=2", "http://ex.org/a.php?from=main", None),
    ("http://ex.org/a.php?sid=abc&page=2", "http://ex.org/a.php?sid=abd", None),
    ("http://m.ex.org/news/a/?page=2", "http://ex.org/news/a/", None),
    ("http://WWW.Ex.org/news/a?page=2&utm_source=tg#nav", "http://ex.org/news/a/", 2),
    ("http://ex.org/news/a/?page=2&PHPSESSID=1f", "http://ex.org/news/a/", 2),
    ("http://ex.org/news/%d0%bc%d0%be%d1%81%d1%82/2/", "http://ex.org/news/мост/", 2),
])
def test_a_page_is_told_by_every_argument_naming_a_page(link: str, first: str,
                                                        page: int | None) -> None:
    """Links of another rubric, source or session-less id (``c``, ``ref``, ``from``, a
    non-numeric ``sid``: an article key drops them as noise, a site may number pages by
    them), or of the mobile host, are no page of the article; spelling, campaign tags,
    session ids and the fragment are."""
    assert page_of(link, first) == page


def test_a_later_page_opening_with_a_line_read_elsewhere_keeps_it() -> None:
    """A section break or a short reply that page 1 holds somewhere, opening page 2, is
    page 2's own text: only what page 2 opens with as a page read opened is a repeat."""
    article = _first()
    article.text = PARAGRAPH_SEPARATOR.join([*LONG[:3], "***", "— Да.", *LONG[3:], CLOSING])
    joined_ = join_page(PageJoin(article, _page(FIRST + "?page=2", ["***", "— Да.", *PAGE2]),
                                 FIRST))
    assert joined_.text.endswith(PARAGRAPH_SEPARATOR.join([CLOSING, "***", "— Да.", *PAGE2]))


SITE = "https://site.by/news/x.html"


@pytest.mark.parametrize(("link", "first", "page"), [
    # page 1 reached from a feed or a menu (an argument the article key drops as noise), its
    # pager's links without that argument
    (SITE + "?PAGEN_1=2", SITE + "?from=rss", 2),
    (SITE + "?PAGEN_1=3", SITE + "?ref=main", 3),
    (SITE + "?PAGEN_1=2", SITE + "?rss=1", 2),
    (SITE + "?PAGEN_1=2", SITE + "?utm_source=rss&from=rss", 2),
    (SITE + "?c=4&PAGEN_1=2", SITE + "?utm_source=rss&from=rss&c=4", 2),
    (SITE + "?id=5&PAGEN_1=2", SITE + "?id=5&from=rss", 2),
    (SITE + "?PAGEN_1=2&id=5", SITE + "?from=rss&id=5", 2),
    (SITE + "?ref=main&PAGEN_1=2", SITE + "?ref=main&from=rss", 2),  # one of two left out
    (SITE + "?from=rss&PAGEN_1=2", SITE + "?from=rss", 2),  # or kept
    (SITE + "?PAGEN_1=2", SITE + "?sid=a1b2", 2),  # a session id
    (SITE, SITE + "?from=rss", 1),  # page 2's link back to page 1
    (SITE + "?PAGEN_1=2#nav", SITE + "?ref=main", 2),
    # a link leaving out an argument that names the page, adding one or changing one
    (SITE + "?PAGEN_1=2", SITE + "?id=5&from=rss", None),
    (SITE + "?PAGEN_1=2", SITE + "?sid=12", None),  # PHP-Nuke's story number
    (SITE + "?id=6&PAGEN_1=2", SITE + "?id=5&from=rss", None),
    (SITE + "?from=lenta&PAGEN_1=2", SITE + "?from=rss", None),
    (SITE + "?from=rss&PAGEN_1=2", SITE, None),
    (SITE + "?from=rss&PAGEN_1=2", SITE + "?ref=main", None),
    ("http://ex.org/news.php?c=12&page=2", "http://ex.org/news.php?c=13&from=rss", None),
    ("http://ex.org/news.php?c=13&page=2", "http://ex.org/news.php?c=13&from=rss", 2),
    # a rubric's ``c`` and an AMP flag are noise to an article key, yet a link leaving them
    # out is the site-wide list, or the page that is no AMP copy
    ("http://ex.org/news.php?page=2", "http://ex.org/news.php?c=13", None),
    ("http://ex.org/news.php?page=40", "http://ex.org/news.php?c=13&from=rss", None),
    (SITE + "?PAGEN_1=2", SITE + "?amp=1", None),
    # no page number, or another path
    (SITE + "?page=all", SITE + "?from=rss", None),
    ("https://site.by/news/y.html?PAGEN_1=2", SITE + "?from=rss", None),
])
def test_a_link_may_leave_out_page_ones_noise_arguments(link: str, first: str,
                                                       page: int | None) -> None:
    """A link is a page of the article at ``first`` when its arguments but the page's are
    page 1's, or page 1's less some of those an article key drops as noise (``from``,
    ``ref``, ``rss``, a session id; not ``c`` or ``amp``): it may leave them out, never add
    or change one."""
    assert page_of(link, first) == page


def test_next_page_and_named_pages_of_a_page_one_reached_from_a_feed() -> None:
    tree = parse_html('<html><head><link rel="next" href="/news/slug/?page=2"></head><body>'
                      '<article><p>Текст</p><a href="?page=2">2</a> <a href="/news/slug/?page=3">'
                      "3</a></article></body></html>")
    for first in (NEXT + "?from=rss", NEXT + "?ref=main&utm_source=tg"):
        assert next_page(tree, first, first) == NEXT + "?page=2"
        assert named_pages(tree, first) == 3
        assert next_page(tree, NEXT + "?page=2", first) is None  # pointing back
    assert named_pages(tree, NEXT + "?id=5") == 1


PAGE3 = [f"Абзац {i} третьей страницы: вечером на набережной играл оркестр." for i in range(3)]


@pytest.mark.parametrize("args", ["from=rss", "utm_source=rss", "ref=main", "rss=1",
                                  "id=5&from=rss", "from=rss&id=5"])
def test_page_one_reached_from_a_feed_follows_its_pager_to_the_last_page(args: str) -> None:
    """Page 1 fetched as ``…/?from=rss`` (a feed's, a menu's link), its Bitrix pager linking
    ``?PAGEN_1=N`` without the argument, page 1 as the bare URL: each page's pager gives the
    next, the pager element leaves every page's text."""
    first = f"{BITRIX}?{args}"
    base = BITRIX + ("?id=5" if "id=5" in args else "")
    pages = [first, *(f"{base}{'&' if '?' in base else '?'}PAGEN_1={n}" for n in (2, 3))]
    article = extract_article(_news(first, LONG, _bx_pager(base, 1, 3, bare_first=True)))
    assert next_page_of(article) == pages[1]
    assert article.text == PARAGRAPH_SEPARATOR.join(LONG)
    assert article.extractor["pages"] == 3
    for n, text in ((2, PAGE2), (3, PAGE3)):
        later = _news(pages[n - 1], text, _bx_pager(base, n, 3, bare_first=True))
        article = join_page(PageJoin(article, later, first))
        assert next_page_of(article) == (pages[2] if n == 2 else None)
    assert article.extractor["page_urls"] == pages
    assert article.text.split(PARAGRAPH_SEPARATOR) == [*LONG, *PAGE2, *PAGE3]


@pytest.mark.parametrize(("first", "base"), [
    (BITRIX + "?c=13", BITRIX + "?c=12"),  # another rubric's list
    (BITRIX + "?c=13&from=rss", BITRIX + "?c=12"),
    (BITRIX + "?c=13", BITRIX),  # the site-wide list's pager on a rubric's page
    (BITRIX, BITRIX + "?from=rss"),  # an argument page 1 does not have
    (BITRIX + "?id=5&from=rss", BITRIX),  # one that names the page left out
])
def test_a_pager_adding_or_changing_an_argument_is_not_followed(first: str, base: str) -> None:
    article = extract_article(_news(first, LONG, _bx_pager(base, 1, 3)))
    assert next_page_of(article) is None
    assert article.text.startswith(LONG[0])


def _with_show_all(pager: str, href: str, label: str = "Все") -> str:
    """``pager`` with a "show all" link as its last item (Bitrix: ``bx-pag-all``)."""
    item = f'<li class="bx-pag-all"><a href="{href}" rel="nofollow"><span>{label}</span></a></li>'
    return pager.replace("</ul>", item + "</ul>", 1) if "</ul>" in pager else pager.replace(
        "</div>", f' <a href="{href}">{label}</a></div>', 1)


WP_PAGER = ('<div class="page-links">Страницы: <span class="current">1</span> '
            f'<a href="{FIRST}2/">2</a> <a href="{FIRST}3/">3</a></div>')
QUERY_PAGER = '<p class="pages"><b>1</b> | <a href="?page=2">2</a> | <a href="?page=3">3</a></p>'


@pytest.mark.parametrize(("url", "pager", "expected"), [
    (BITRIX, _with_show_all(_bx_pager(BITRIX, 1, 3), "?SHOWALL_1=1"), BITRIX + "?PAGEN_1=2"),
    (BITRIX, _with_show_all(_bx_pager(BITRIX, 1, 3), f"{BITRIX}?SHOWALL_1=1", "Показать все"),
     BITRIX + "?PAGEN_1=2"),
    (BITRIX, _with_show_all(_bx_pager(BITRIX, 1, 3), f"{BITRIX}?PAGEN_1=2&amp;SHOWALL_1=0"),
     BITRIX + "?PAGEN_1=2"),
    (BITRIX + "?from=rss", _with_show_all(_bx_pager(BITRIX, 1, 3), "/news/detail/most-otkryli/"
                                          "?SHOWALL_1=1"), BITRIX + "?PAGEN_1=2"),
    (FIRST, QUERY_PAGER.replace("</p>", ' | <a href="?page=all">Все</a></p>'), FIRST + "?page=2"),
    (FIRST, QUERY_PAGER.replace("</p>", ' | <a href="?showall=1">Все</a></p>'), FIRST + "?page=2"),
    (FIRST, WP_PAGER.replace("</div>", f' <a href="{FIRST}all/">Все</a></div>'), FIRST + "2/"),
])
def test_a_pagers_show_all_link_is_no_page_and_no_reason_to_refuse_it(url: str, pager: str,
                                                                        expected: str) -> None:
    """A pager with a "show all" link (Bitrix's ``?SHOWALL_1=1``, ``?page=all``, ``/all/``)
    is the article's all the same: its numbered next page is followed, never the show-all
    link, and the pager (its "Все" too) leaves the text."""
    article = extract_article(_news(url, LONG, pager))
    assert next_page_of(article) == expected
    assert article.text == PARAGRAPH_SEPARATOR.join(LONG)


def test_an_article_whose_pager_shows_all_is_joined_page_by_page() -> None:
    """Each page's pager links "Все": each gives its next numbered page, to the last."""
    pages = [BITRIX, BITRIX + "?PAGEN_1=2", BITRIX + "?PAGEN_1=3"]

    def pager(n: int) -> str:
        return _with_show_all(_bx_pager(BITRIX, n, 3, bare_first=True), "?SHOWALL_1=1")
    article = extract_article(_news(BITRIX, LONG, pager(1)))
    for n, text in ((2, PAGE2), (3, PAGE3)):
        article = join_page(PageJoin(article, _news(pages[n - 1], text, pager(n)), BITRIX))
        assert next_page_of(article) == (pages[2] if n == 2 else None)
    assert article.extractor["page_urls"] == pages
    assert article.text.split(PARAGRAPH_SEPARATOR) == [*LONG, *PAGE2, *PAGE3]


@pytest.mark.parametrize("href", [
    "/news/?SHOWALL_1=1",  # the news list's, another path
    "?SHOWALL_1=1&amp;c=5",  # an argument besides
    "http://other.test/news/detail/most-otkryli/?SHOWALL_1=1",
])
def test_a_show_all_link_elsewhere_still_makes_the_block_no_pager(href: str) -> None:
    """A block linking another path's, host's or rubric's "show all" is no pager of the
    article, as any link elsewhere makes it none."""
    article = extract_article(_news(BITRIX, LONG, _with_show_all(_bx_pager(BITRIX, 1, 3), href)))
    assert next_page_of(article) is None


@pytest.mark.parametrize(("link", "first", "shows_all"), [
    (BITRIX + "?SHOWALL_1=1", BITRIX, True),
    (BITRIX + "?SHOWALL_2=1", BITRIX + "?from=rss", True),
    (BITRIX + "?PAGEN_1=2&SHOWALL_1=0", BITRIX, True),
    (FIRST + "?page=all", FIRST, True),
    (FIRST + "?Page=ALL", FIRST, True),
    (FIRST + "?showall=1", FIRST, True),
    (FIRST + "?show_all=1", FIRST, True),
    (FIRST + "all/", FIRST, True),
    (FIRST + "all", FIRST + "?from=rss", True),
    (FIRST, FIRST, False),
    (FIRST + "?page=2", FIRST, False),
    (FIRST + "?view=all", FIRST, False),
    (FIRST + "?showall=1&c=5", FIRST, False),
    ("http://ex.org/news/?SHOWALL_1=1", FIRST, False),
    (FIRST + "all/2/", FIRST, False),
    (FIRST + "?from=rss&showall=1", FIRST, False),
    ("https://site.by/all", "https://site.by/", False),  # a site's "all news" listing
    ("https://site.by/all/", "https://site.by/?from=rss", False),
])
def test_show_all_link(link: str, first: str, shows_all: bool) -> None:
    """Only a show-all argument (or ``all/``) added to the article's URL, as spelt (noise of
    page 1's left out or not) is the article's "show all" link."""
    assert show_all_link(link, first) is shows_all
