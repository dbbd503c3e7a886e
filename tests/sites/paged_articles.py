"""Articles split over several pages (``rel="next"``), on a named outlet (RuNews24) and on a
site crawled by address: what one item per article must be joined from, and the traps.

Each fixture holds: a three-page article (``joined``), a three-page one whose third page
answers 500 (``broken``: two pages), one whose second page's next page redirects back to its
first (``loop``: two pages), one whose ``rel="next"`` is the next *article* (``next_article``:
one page), and a latest-news widget whose pager (``rel="next"`` to a listing's page 2) sits in
the joined article's page (never fetched); listing pages carry ``rel="next"`` too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from html import escape

from tests.sites import anysite, runews24
from tests.sites.common import GoldArticle, paragraphs_for
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


def scenarios(site: VirtualSite, host_url: str, golds: list[GoldArticle], render: Callable,
              forms: list[Callable], other: GoldArticle) -> PagedSite:
    """The four articles of the module docstring on ``golds[:4]``; ``forms[i](url, n)`` is
    the URL of page ``n`` of article ``i``."""
    joined, broken, loop, next_article = golds[:4]
    paged = PagedSite(site, list(golds))
    for i, (gold, form) in enumerate(((joined, forms[0]), (broken, forms[1]),
                                      (loop, forms[2]))):
        gold.paragraphs = paragraphs_for(3000 + i, 3 * PARTS)
        urls = [gold.url, form(gold.url, 2), form(gold.url, 3)]
        next_of = {1: form(gold.url, 3).removeprefix(host_url)} if gold is loop else None
        split(site, host_url, gold, urls, render, next_of)
        paged.pages[gold.url] = urls
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
    return paged


def runews24_site() -> tuple[runews24.RuNews24Fixture, PagedSite]:
    """RuNews24 with four of its feed's articles paged: ``?page=N``, ``?page=N``,
    ``?PAGEN_1=N``; its rubric fronts carry ``<link rel="next">`` to their page 2."""
    fixture = runews24.build()
    newest = sorted(fixture.stories, key=lambda s: s.gold.published, reverse=True)
    stories = [s for s in newest[:6] if s.layout != "unknown"][:4]
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
    """A site by address (``scrapy crawl site``): its four in-window articles paged as
    ``/page/N/``, ``/N/``, ``?page=N``; the home page links the joined article's page 2 too,
    and its rubric page carries ``<link rel="next">``."""
    host = "paged-articles.test"
    host_url = f"http://{host}"
    site, zone, inside, outside = anysite._site(host, 3, 2700,
                                                "/news/{when:%Y/%m/%d}/novost-{n}/", "og", [])
    golds = inside[:4]
    paged = scenarios(site, host_url, golds, lambda g: anysite.article_html(host, g, "og"),
                      [lambda u, n: f"{u}page/{n}/", lambda u, n: f"{u}{n}/",
                       lambda u, n: f"{u}?page={n}"], outside[0])
    links = [(g.url, g.title) for g in inside + outside]
    links.append((paged.pages[golds[0].url][1], golds[0].title))  # page 2, linked alone
    site.add("/", anysite.chrome(host, anysite.section_html(host, links)))
    site.add("/society/", anysite.section_html(host, links).replace(
        "</head>", '<link rel="next" href="/society/?page=2"></head>', 1))
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow:\n", content_type="text/plain"))
    paged.golds = list(inside)
    return anysite.AnySite(site, f"{host_url}/", zone, inside, [g.url for g in outside]), paged
