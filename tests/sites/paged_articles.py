"""Articles split over several pages (``rel="next"``), on a named outlet (RuNews24) and on a
site crawled by address: what one item per article must be joined from, and the traps.

Each fixture holds: a three-page article (``joined``), a three-page one whose third page
answers 500 (``broken``: two pages), one whose second page's next page redirects back to its
first (``loop``: two pages), one whose ``rel="next"`` is the next *article* (``next_article``:
one page, its comments' pager numbering ``?PAGEN_1=`` of its own URL: never fetched), a
three-page one paged by Bitrix's numbered pager at the end of its text only, no ``rel`` link
(``numbered``: ``?PAGEN_1=N``, "1 2 3 Следующая", the current page a ``<span>``), with its
comments' pager (``?PAGEN_2=N``) under the article (never fetched), and a latest-news widget
whose pager (``rel="next"`` to a listing's page 2) sits in the joined article's page (never
fetched); listing pages carry ``rel="next"`` too. :func:`worded_site` pages an article by
worded links alone ("Продолжение →") beside the same words linking another article.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta, timezone
from html import escape
from urllib.parse import urlsplit

from tests.sites import anysite, runews24
from tests.sites.common import GoldArticle, paragraphs_for, title_for
from tests.support.server import Page, VirtualSite

PARTS = 3  # paragraphs a page
WIDGET_PAGER = "/news/?page=2"  # the latest-news widget's pager: a listing's, never joined


@dataclass
class PagedSite:
    site: VirtualSite
    golds: list[GoldArticle]  # every item the run must give, whole text expected
    pages: dict[str, list[str]] = field(default_factory=dict)  # item URL -> its page URLs
    later: list[str] = field(default_factory=list)  # later pages' URLs: never items
    failed: dict[str, str] = field(default_factory=dict)  # item URL -> its page not joined
    own: list[str] = field(default_factory=list)  # articles at a later page's URL shape: items


def split(site: VirtualSite, host_url: str, gold: GoldArticle, urls: list[str],
          render: Callable, next_of: dict[int, str] | None = None) -> None:
    """Serve ``gold`` as ``len(urls)`` pages of PARTS paragraphs, each page linking its next
    (``next_of`` overrides a page's next link) with ``<link rel="next">`` and a pager."""
    chunks = [gold.paragraphs[i:i + PARTS] for i in range(0, len(gold.paragraphs), PARTS)]
    urls = [u.removeprefix(host_url) for u in urls]  # linked by path, as sites do
    for n, (url, chunk) in enumerate(zip(urls, chunks, strict=True)):
        nxt = (next_of or {}).get(n, urls[n + 1] if n + 1 < len(urls) else None)
        head = [f'<link rel="next" href="{escape(nxt)}">'] if nxt else []
        if n:
            head.append(f'<link rel="prev" href="{escape(urls[n - 1])}">')
        pager = "".join(f'<a href="{escape(u)}">{i + 1}</a> ' for i, u in enumerate(urls))
        if nxt:
            pager += f'<a rel="next" href="{escape(nxt)}">Далее</a>'
        html = render(replace(gold, paragraphs=chunk, authors=gold.authors if not n else []))
        html = html.replace("</head>", "".join(head) + "</head>", 1)
        html = html.replace("</main>" if "</main>" in html else "</body>",
                            f'<div class="pages">{pager}</div>'
                            + ("</main>" if "</main>" in html else "</body>"), 1)
        site.add(url, html)


def bx_pager(urls: list[str], current: int) -> str:
    """Bitrix's ``bx-pagination`` of page ``current`` (1-based) of ``urls``: the current page a
    ``<span>`` in an active ``<li>``, the others links, a "Следующая" link but on the last."""
    items = "".join(f'<li class="bx-active"><span>{n}</span></li>' if n == current else
                    f'<li><a href="{escape(u)}"><span>{n}</span></a></li>'
                    for n, u in enumerate(urls, 1))
    if current < len(urls):
        items += (f'<li class="bx-pag-next"><a href="{escape(urls[current])}">Следующая</a>'
                  "</li>")
    return (f'<div class="bx-pagination"><div class="bx-pagination-container"><ul>{items}'
            "</ul></div></div>")


def comments(url: str, key: str) -> str:
    """Bitrix's comments under an article: three reviews, and their pager to page 2 and 3 of
    the reviews at ``url`` with ``?<key>=N``."""
    reviews = "".join(f'<div class="reviews-post"><b>Читатель {n}</b><p>Спасибо за новость, '
                      f"давно ждали таких перемен в нашем городе, отзыв номер {n}.</p></div>"
                      for n in range(3))
    pages = [url] + [f"{url}?{key}={n}" for n in (2, 3)]
    return ('<div class="reviews-block-container reviews-reviews-block-container"><div '
            f'class="reviews-header">Отзывы (27)</div>{reviews}{bx_pager(pages, 1)}</div>')


def numbered(site: VirtualSite, host_url: str, gold: GoldArticle, urls: list[str],
             render: Callable) -> None:
    """Serve ``gold`` as ``len(urls)`` pages whose only pager is Bitrix's numbered one at the
    end of the text (after its last paragraph), no ``rel`` link; the comments under the
    article have their own pager (``?PAGEN_2=N`` of the page's URL)."""
    chunks = [gold.paragraphs[i:i + PARTS] for i in range(0, len(gold.paragraphs), PARTS)]
    paths = [u.removeprefix(host_url) for u in urls]
    for n, (path, chunk) in enumerate(zip(paths, chunks, strict=True)):
        html = render(replace(gold, paragraphs=chunk, authors=gold.authors if not n else []))
        last = escape(chunk[-1], quote=False)
        at = html.index("</p>", html.index(last)) + len("</p>")
        html = html[:at] + bx_pager(paths, n + 1) + html[at:]
        site.add(path, html.replace("<footer", comments(paths[0], "PAGEN_2") + "<footer", 1))


def drupal_pager(urls: list[str], current: int) -> str:
    """Drupal 7's pager of page ``current`` (1-based) of ``urls``, which it numbers from zero:
    ``urls[n]`` is ``?page=n``, page 1 the page-less URL; the current page a bare ``<li>``,
    "« первая ‹ предыдущая" before the numbers and "следующая › последняя »" after them."""
    items = []
    if current > 1:
        items += [f'<li class="pager-first first"><a href="{escape(urls[0])}">« первая</a></li>',
                  f'<li class="pager-previous"><a href="{escape(urls[current - 2])}">'
                  "‹ предыдущая</a></li>"]
    items += [f'<li class="pager-current">{n}</li>' if n == current else
              f'<li class="pager-item"><a title="На страницу {n}" href="{escape(u)}">{n}</a>'
              "</li>" for n, u in enumerate(urls, 1)]
    if current < len(urls):
        items += [f'<li class="pager-next"><a href="{escape(urls[current])}">следующая ›</a>'
                  "</li>", f'<li class="pager-last last"><a href="{escape(urls[-1])}">'
                  "последняя »</a></li>"]
    return ('<h2 class="element-invisible">Страницы</h2><div class="item-list"><ul '
            f'class="pager">{"".join(items)}</ul></div>')


def numbered_from_zero(site: VirtualSite, host_url: str, gold: GoldArticle, render: Callable,
                       paged: PagedSite) -> None:
    """Serve ``gold`` as three pages paged by Drupal's pager only (:func:`drupal_pager`, at
    the end of the text, no ``rel`` link): ``?page=1`` is page 2, ``?page=2`` page 3."""
    gold.paragraphs = paragraphs_for(3006, 3 * PARTS)
    urls = [gold.url] + [f"{gold.url}?page={n}" for n in (1, 2)]
    paths = [u.removeprefix(host_url) for u in urls]
    for n, path in enumerate(paths):
        chunk = gold.paragraphs[n * PARTS:(n + 1) * PARTS]
        html = render(replace(gold, paragraphs=chunk, authors=gold.authors if not n else []))
        at = html.index("</p>", html.index(escape(chunk[-1], quote=False))) + len("</p>")
        site.add(path, html[:at] + drupal_pager(paths, n + 1) + html[at:])
    paged.pages[gold.url] = urls
    paged.later += urls[1:]


def scenarios(site: VirtualSite, host_url: str, golds: list[GoldArticle], render: Callable,
              forms: list[Callable], other: GoldArticle) -> PagedSite:
    """The articles of the module docstring on ``golds[:5]``; ``forms[i](url, n)`` is the
    URL of page ``n`` of article ``i`` (the numbered one's: ``?PAGEN_1=N``)."""
    joined, broken, loop, next_article, by_number = golds[:5]
    paged = PagedSite(site, list(golds))
    for i, (gold, form) in enumerate(((joined, forms[0]), (broken, forms[1]),
                                      (loop, forms[2]))):
        gold.paragraphs = paragraphs_for(3000 + i, 3 * PARTS)
        urls = [gold.url, form(gold.url, 2), form(gold.url, 3)]
        next_of = {1: form(gold.url, 3).removeprefix(host_url)} if gold is loop else None
        split(site, host_url, gold, urls, render, next_of)
        paged.pages[gold.url] = urls
        paged.later += urls[1:]
    by_number.paragraphs = paragraphs_for(3003, 3 * PARTS)
    urls = [by_number.url] + [f"{by_number.url}?PAGEN_1={n}" for n in (2, 3)]
    numbered(site, host_url, by_number, urls, render)
    paged.pages[by_number.url] = urls
    paged.later += urls[1:]
    # the broken article's third page answers 500; the item holds two pages
    site.add(forms[1](broken.url, 3).removeprefix(host_url), Page(b"oops", status=500))
    broken.paragraphs = broken.paragraphs[:2 * PARTS]
    paged.pages[broken.url] = paged.pages[broken.url][:2]
    paged.failed[broken.url] = forms[1](broken.url, 3)
    # the loop's third page redirects to its first
    site.add(forms[2](loop.url, 3).removeprefix(host_url),
             Page(b"", status=302, headers=[("Location", loop.url.removeprefix(host_url))]))
    loop.paragraphs = loop.paragraphs[:2 * PARTS]
    paged.pages[loop.url] = paged.pages[loop.url][:2]
    paged.failed[loop.url] = forms[2](loop.url, 3)
    # the joined article's first page also shows a latest-news widget with a listing's pager
    path = joined.url.removeprefix(host_url)
    widget = (f'<div class="latest-widget"><a href="{escape(other.url.removeprefix(host_url))}">{escape(other.title)}'
              f'</a> <a rel="next" href="{WIDGET_PAGER}">Ещё новости</a></div>')
    site.pages[path].body = site.pages[path].body.replace(
        b'<div class="pages">', widget.encode() + b'<div class="pages">', 1)
    # a "next article" link is no page of this one
    path = next_article.url.removeprefix(host_url)
    site.pages[path].body = site.pages[path].body.replace(
        b"</head>", f'<link rel="next" href="{escape(other.url.removeprefix(host_url))}">'
                    "</head>".encode(), 1)
    # nor is its comments' pager, numbering ?PAGEN_1= of its own URL
    site.pages[path].body = site.pages[path].body.replace(
        b"<footer", comments(path, "PAGEN_1").encode() + b"<footer", 1)
    return paged


def runews24_site() -> tuple[runews24.RuNews24Fixture, PagedSite]:
    """RuNews24 with five of its feed's articles paged: ``?page=N``, ``?page=N``,
    ``?PAGEN_1=N``, the numbered one ``?PAGEN_1=N``; its rubric fronts carry
    ``<link rel="next">`` to their page 2."""
    fixture = runews24.build()
    newest = sorted(fixture.stories, key=lambda s: s.gold.published, reverse=True)
    stories = [s for s in newest[:7] if s.layout != "unknown"][:5]
    host_url = f"https://{runews24.HOST}"

    def render_for(story: runews24.Story) -> Callable:
        return lambda gold: runews24.article_page(replace(story, gold=gold), newest)

    renders = {s.gold.url: render_for(s) for s in stories}
    paged = scenarios(fixture.site, host_url, [s.gold for s in stories],
                      lambda gold: renders[gold.url](gold),
                      [lambda u, n: f"{u}?page={n}", lambda u, n: f"{u}?page={n}",
                       lambda u, n: f"{u}?PAGEN_1={n}"], newest[-1].gold)
    rubric_page = fixture.site.dynamic[0]

    def rubric_with_next(target: str) -> Page | None:
        page = rubric_page(target)
        if page is not None:
            rubric = target.split("?")[0]
            page.body = page.body.replace(
                b"</head>", f'<link rel="next" href="{rubric}?page=2"></head>'.encode(), 1)
        return page

    fixture.site.dynamic[0] = rubric_with_next
    paged.golds = [s.gold for s in stories]
    return fixture, paged


def any_site() -> tuple[anysite.AnySite, PagedSite]:
    """A site by address (``scrapy crawl site``): its in-window articles paged as
    ``/page/N/``, ``/N/``, ``?page=N``, a fifth by a numbered pager as ``?PAGEN_1=N``, one by
    Drupal's pager counting from zero (``?page=1`` its page 2), and one at ``/news/<day>/2/`` linking "← Назад" to the day's news ``/news/<day>/`` (an
    article of its own: no join reaches it); the home page links the joined article's page 2 too, and its
    rubric page carries ``<link rel="next">``."""
    host = "paged-articles.test"
    host_url = f"http://{host}"
    site, zone, inside, outside = anysite._site(host, 3, 2700,
                                                "/news/{when:%Y/%m/%d}/novost-{n}/", "og", [])
    last = inside[-1]
    inside.append(GoldArticle(url=f"{host_url}/news/{last.published:%Y/%m/%d}/novost-2790/",
                              title=title_for(2790), paragraphs=[], published=last.published))
    day = f"/news/{last.published:%Y/%m/%d}/"
    numbered_url = GoldArticle(url=f"{host_url}{day}2/", title=title_for(2791),
                               paragraphs=paragraphs_for(2791), published=last.published)
    site.add(f"{day}2/", anysite.article_html(host, numbered_url, "og").replace(
        '<div class="related-news">', f'<div class="back"><a href="{day}">← Назад</a></div>'
        '<div class="related-news">', 1))
    golds = inside[:5]
    paged = scenarios(site, host_url, golds, lambda g: anysite.article_html(host, g, "og"),
                      [lambda u, n: f"{u}page/{n}/", lambda u, n: f"{u}{n}/",
                       lambda u, n: f"{u}?page={n}"], outside[0])
    inside.append(numbered_url)
    from_zero = GoldArticle(url=f"{host_url}{day}novost-2792/", title=title_for(2792),
                            paragraphs=[], published=last.published)
    numbered_from_zero(site, host_url, from_zero, lambda g: anysite.article_html(host, g, "og"),
                       paged)
    inside.append(from_zero)
    links = [(g.url, g.title) for g in inside + outside]
    links.append((paged.pages[golds[0].url][1], golds[0].title))  # page 2, linked alone
    site.add("/", anysite.chrome(host, anysite.section_html(host, links)))
    site.add(day, anysite.section_html(host, links))
    paged.own.append(numbered_url.url)
    site.add("/society/", anysite.section_html(host, links).replace(
        "</head>", '<link rel="next" href="/society/?page=2"></head>', 1))
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow:\n", content_type="text/plain"))
    paged.golds = list(inside)
    return anysite.AnySite(site, f"{host_url}/", zone, inside, [g.url for g in outside]), paged


def worded_site(label: str, page: Callable[[str, int], str]) -> PagedSite:
    """A site by address whose three-page article links each next page only by ``label``
    ("Продолжение →": no rel, no numbers) at the end of its text, at ``page(path, n)``
    (``?part=2``, ``2/``); and an article whose text ends in the same ``label`` linking the
    next news item (another article, an item of its own: never joined)."""
    host = "worded-pages.test"
    host_url = f"http://{host}"
    when = datetime.combine(anysite.UNTIL, time(10), timezone(timedelta(hours=3)))
    paged, teaser, following = (
        GoldArticle(url=f"{host_url}/news/{slug}/", title=title_for(seed),
                    paragraphs=paragraphs_for(seed, count), published=when)
        for slug, seed, count in (("shkola-otremontirovana", 2800, 3 * PARTS),
                                  ("most-otkryli", 2801, PARTS),
                                  ("traktor-vypustili", 2802, PARTS)))
    site = VirtualSite(host)
    path = urlsplit(paged.url).path
    urls = [paged.url] + [host_url + page(path, n) for n in (2, 3)]

    def with_link(gold: GoldArticle, target: str | None) -> str:
        html = anysite.article_html(host, gold, "og")
        link = f'<p class="more"><a href="{escape(target)}">{escape(label)}</a></p>' \
            if target else ""
        return html.replace('<div class="share-buttons">', link + '<div class="share-buttons">', 1)

    for n, url in enumerate(urls):
        chunk = replace(paged, paragraphs=paged.paragraphs[n * PARTS:(n + 1) * PARTS])
        nxt = urls[n + 1].removeprefix(host_url) if n + 1 < len(urls) else None
        site.add(url.removeprefix(host_url), with_link(chunk, nxt))
    site.add(urlsplit(teaser.url).path, with_link(teaser, urlsplit(following.url).path))
    site.add(urlsplit(following.url).path, with_link(following, None))
    golds = [paged, teaser, following]
    links = [(g.url, g.title) for g in golds]
    site.add("/", anysite.chrome(host, anysite.section_html(host, links)))
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow:\n", content_type="text/plain"))
    return PagedSite(site, golds, pages={paged.url: urls}, later=urls[1:])
