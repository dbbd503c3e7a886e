"""Fixture news sites no rule knows, of shapes the named outlets do not have.

- ``news_sitemap_site``: no feed; robots.txt → sitemap index → Google News sitemap; metadata
  in JSON-LD (``@graph`` with ``NewsArticle``); zone +03:00.
- ``json_feed_site``: a JSON Feed announced on the home page, nothing else.
- ``feed_only_site``: an RSS feed announced on the home page, no sitemap; OpenGraph and
  ``article:*`` metadata; pages print +05:00 while the feed writes GMT; dated URLs.
- ``undated_urls_site``: article URLs without date or id (``/society/<slug>/``), a plain
  sitemap index with ``lastmod``; the date only in ``<time datetime>`` (+01:00).

Each holds in-window and out-of-window articles and non-article pages (gallery, video,
live blog, section, tag, author and "about" pages) that must never become items. Every
article publishes around the window's edges, so a wrong time zone moves one across.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape
from urllib.parse import quote, unquote, urlsplit

from crawler.urls import canonical_url, path_and_query
from tests.sites.common import GoldArticle, html_paragraphs, paragraphs_for, title_for
from tests.support.server import Page, VirtualSite

SINCE, UNTIL = date(2026, 1, 4), date(2026, 1, 5)
# the machine date a template writes into every article page (its build date, before the window)
TEMPLATE_DATE = "2025-12-30T00:00:00+03:00"
# ... and one inside a wider window (2026-01-02..05) on a day no article prints
TEMPLATE_DATE_IN_WINDOW = "2026-01-02T00:00:00+03:00"
XML = "application/xml; charset=utf-8"


@dataclass
class AnySite:
    site: VirtualSite
    url: str  # the address given to `scrapy crawl site -a url=…`
    zone: timezone
    golds: list[GoldArticle]  # in-window articles
    outside: list[str] = field(default_factory=list)  # articles outside the window
    not_articles: list[str] = field(default_factory=list)  # galleries, listings, …
    sisters: list[VirtualSite] = field(default_factory=list)  # its other hosts (news.host)


def local_times(zone: timezone) -> list[datetime]:
    """Publication times around the window in the site's zone: two of them fall on a
    window day only in UTC (or only locally), so a wrong zone moves them across."""
    return [datetime(2026, 1, 3, 12, 0, tzinfo=zone),  # before
            datetime(2026, 1, 4, 0, 20, tzinfo=zone),  # first minutes of the window
            datetime(2026, 1, 4, 15, 5, tzinfo=zone),
            datetime(2026, 1, 5, 9, 40, tzinfo=zone),
            datetime(2026, 1, 5, 23, 45, tzinfo=zone),  # last minutes of the window
            datetime(2026, 1, 6, 0, 30, tzinfo=zone) if zone.utcoffset(None) > timedelta(0)
            else datetime(2026, 1, 3, 23, 30, tzinfo=zone),  # just outside, in the window in UTC
            datetime(2026, 1, 7, 8, 0, tzinfo=zone)]  # after


def chrome(host: str, body: str, head: str = "", title: str = "") -> str:
    """A news page's frame: menu, a "latest" column of headline links, footer."""
    latest = "".join(f'<li><a href="/latest/{i}/">Самые свежие новости региона за сегодня, '
                     f"выпуск {i}</a></li>" for i in range(6))
    return f"""<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8"><title>{escape(title or host)}</title>{head}</head>
<body><header class="site-header"><a href="/">{escape(host)}</a>
<nav><ul><li><a href="/society/">Общество</a></li><li><a href="/economy/">Экономика</a></li>
<li><a href="/about/">О нас</a></li></ul></nav></header>
<main>{body}</main>
<aside class="sidebar"><h3>Последние новости</h3><ul>{latest}</ul></aside>
<footer class="site-footer">© {escape(host)}, 2026. Все права защищены.</footer>
</body></html>"""


def article_html(host: str, gold: GoldArticle, style: str) -> str:
    p = gold.published
    stamp = p.isoformat(timespec="seconds")
    head = f'<meta property="og:title" content="{escape(gold.title)}">'
    if style == "jsonld":
        graph = {"@context": "https://schema.org", "@graph": [
            {"@type": "WebPage", "@id": gold.url, "name": gold.title},
            {"@type": "NewsArticle", "headline": gold.title, "datePublished": stamp,
             "author": [{"@type": "Person", "name": a} for a in gold.authors],
             "publisher": {"@type": "Organization", "name": host}}]}
        head += f'<script type="application/ld+json">{json.dumps(graph, ensure_ascii=False)}</script>'
        dateline = f'<div class="meta">{p:%d.%m.%Y %H:%M}</div>'
    elif style == "og":
        head += ('<meta property="og:type" content="article">'
                 f'<meta property="article:published_time" content="{stamp}">'
                 + "".join(f'<meta property="article:author" content="{escape(a)}">'
                           for a in gold.authors))
        dateline = f'<div class="meta">{p:%d.%m.%Y}</div>'
    elif style.startswith("template"):  # one machine date in every page, the real one printed
        machine = TEMPLATE_DATE_IN_WINDOW if style == "template_in_window" else TEMPLATE_DATE
        head += f'<meta property="article:published_time" content="{machine}">'
        dateline = f'<div class="meta"><span class="date">{p:%d.%m.%Y, %H:%M}</span></div>'
    elif style.startswith("wall_as_utc"):  # the wall clock labelled UTC, printed as it is
        wall = p.replace(tzinfo=None).isoformat(timespec="seconds")
        ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": gold.title,
              "datePublished": f"{wall}+00:00"}
        if style == "wall_as_utc_modified":  # ... and its edit time with the site's offset
            ld["dateModified"] = (p + timedelta(minutes=20)).isoformat(timespec="seconds")
        head += (f'<meta property="article:published_time" content="{wall}Z">'
                 f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>')
        dateline = f'<div class="meta"><span class="date">{p:%d.%m.%Y, %H:%M}</span></div>'
    elif style == "wall":  # uCoz's: the wall clock alone, no machine date anywhere
        dateline = f'<div class="news-date">{p:%d.%m.%Y %H:%M}</div>'
    elif style == "time_utc":  # Drupal's: the machine date in UTC, the wall clock printed
        utc = p.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        dateline = f'<div class="meta"><time datetime="{utc}">{p:%d.%m.%Y - %H:%M}</time></div>'
    else:
        dateline = (f'<div class="meta"><time datetime="{stamp}">{p:%d.%m.%Y, %H:%M}</time>'
                    + "".join(f' <span class="byline">{escape(a)}</span>' for a in gold.authors)
                    + "</div>")
    body = (f"<article><h1>{escape(gold.title)}</h1>{dateline}"
            f'<div class="article-body">{html_paragraphs(gold.paragraphs)}'
            '<div class="share-buttons">Поделиться: ВКонтакте, Телеграм</div></div>'
            '<div class="related-news"><h3>Читайте также</h3><ul>'
            '<li><a href="/latest/1/">Самые свежие новости региона за сегодня, выпуск 1</a></li>'
            "</ul></div></article>")
    return chrome(host, body, head, gold.title)


def gallery_html(host: str, when: datetime) -> str:
    """A photo gallery: captions under photos, declared as ImageGallery."""
    ld = {"@context": "https://schema.org", "@type": "ImageGallery", "name": "Фоторепортаж",
          "datePublished": when.isoformat()}
    photos = "".join(f'<figure><img src="/img/{i}.jpg" alt=""><p>Снимок {i}: участники '
                     "праздника на площади</p></figure>" for i in range(6))
    return chrome(host, f"<article><h1>Фоторепортаж: праздник на площади</h1>{photos}</article>",
                  f'<script type="application/ld+json">{json.dumps(ld)}</script>')


def video_html(host: str, when: datetime) -> str:
    head = ('<meta property="og:type" content="video.other">'
            f'<meta property="article:published_time" content="{when.isoformat()}">')
    body = ('<article><h1>Видео: как прошел концерт в парке</h1>'
            '<iframe src="https://www.youtube.com/embed/xyz"></iframe>'
            "<p>Смотрите запись концерта.</p></article>")
    return chrome(host, body, head)


def liveblog_html(host: str, when: datetime) -> str:
    ld = {"@context": "https://schema.org", "@type": "LiveBlogPosting",
          "headline": "Онлайн: паводок в районе", "datePublished": when.isoformat()}
    updates = "".join(f"<div class='update'><b>{10 + i}:00</b><p>Уровень воды в реке поднялся "
                      f"еще на {i + 2} сантиметров, спасатели продолжают дежурство.</p></div>"
                      for i in range(5))
    return chrome(host, f"<article><h1>Онлайн: паводок в районе</h1>{updates}</article>",
                  f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>')


def section_html(host: str, links: list[tuple[str, str]]) -> str:
    """A rubric page: headlines and dates, no prose (no declaration of what it is)."""
    items = "".join(f'<div class="card"><a href="{escape(u)}">{escape(t)}</a>'
                    f"<span>05.01.2026</span></div>" for u, t in links)
    return chrome(host, f"<h1>Общество</h1><div class='cards'>{items}</div>")


def plain_html(host: str, title: str, text: str) -> str:
    return chrome(host, f"<h1>{escape(title)}</h1><p>{escape(text)}</p>")


def sitemap_index(host: str, paths: list[tuple[str, datetime | None]]) -> Page:
    entries = "".join(f"<sitemap><loc>http://{host}{escape(p)}</loc>"
                      + (f"<lastmod>{m.isoformat()}</lastmod>" if m else "") + "</sitemap>"
                      for p, m in paths)
    return Page(('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.'
                 f'sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>').encode(),
                content_type=XML)


def urlset(entries: list[tuple[str, datetime | None]]) -> Page:
    rows = "".join(f"<url><loc>{escape(u)}</loc>"
                   + (f"<lastmod>{m.isoformat()}</lastmod>" if m else "") + "</url>"
                   for u, m in entries)
    return Page(('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.'
                 f'org/schemas/sitemap/0.9">{rows}</urlset>').encode(), content_type=XML)


def news_urlset(entries: list[tuple[str, str, datetime]]) -> Page:
    rows = "".join(
        f"<url><loc>{escape(u)}</loc><news:news><news:publication><news:name>Вести</news:name>"
        "<news:language>ru</news:language></news:publication>"
        f"<news:publication_date>{m.isoformat()}</news:publication_date>"
        f"<news:title>{escape(t)}</news:title></news:news></url>" for u, t, m in entries)
    return Page(('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.'
                 'org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-'
                 f'news/0.9">{rows}</urlset>').encode(), content_type=XML)


def _articles(host: str, zone: timezone, seed: int, paths: list[str] | str, style: str,
              site: VirtualSite, authors: list[str]) -> tuple[list[GoldArticle], list[GoldArticle]]:
    inside, outside = [], []
    for i, when in enumerate(local_times(zone)):
        n = seed + i
        path = paths[i] if isinstance(paths, list) else paths.format(i=i, n=n, when=when)
        gold = GoldArticle(url=f"http://{host}{path}",
                           title=title_for(n), paragraphs=paragraphs_for(n), published=when,
                           authors=authors)
        site.add(gold.url.removeprefix(f"http://{host}"), article_html(host, gold, style))
        (inside if SINCE <= when.date() <= UNTIL else outside).append(gold)
    return inside, outside


def _site(host: str, hours: int, seed: int, paths: list[str] | str, style: str,
          authors: list[str]) -> tuple[VirtualSite, timezone, list[GoldArticle], list[GoldArticle]]:
    """A site with its seven articles: (site, zone, in-window golds, the others)."""
    zone = timezone(timedelta(hours=hours))
    site = VirtualSite(host)
    inside, outside = _articles(host, zone, seed, paths, style, site, authors)
    return site, zone, inside, outside


def news_sitemap_site() -> AnySite:
    host = "vesti-news.test"
    site, zone, inside, outside = _site(host, 3, 500, "/articles/material-{n}-{i}.html",
                                        "jsonld", ["Мария Иванова"])
    golds = inside + outside
    when = datetime(2026, 1, 5, 12, 0, tzinfo=zone)
    odd = {"/photo/prazdnik-na-ploshchadi.html": gallery_html(host, when),
           "/articles/video-koncert-v-parke.html": video_html(host, when)}
    for path, html in odd.items():
        site.add(path, html)
    news = [(g.url, g.title, g.published) for g in golds]
    news += [(f"http://{host}{p}", "Фото", when) for p in odd]
    site.add("/robots.txt", Page(f"User-agent: *\nDisallow: /search\nSitemap: http://{host}"
                                 "/sitemap_index.xml\n".encode(), content_type="text/plain"))
    site.add("/sitemap_index.xml", sitemap_index(host, [("/sitemaps/news.xml", when),
                                                        ("/sitemaps/pages.xml", when)]))
    site.add("/sitemaps/news.xml", news_urlset(news))
    site.add("/sitemaps/pages.xml", urlset([(f"http://{host}/about/", None),
                                            (f"http://{host}/society/", when)]))
    site.add("/about/", plain_html(host, "О редакции", "Мы пишем о жизни города и района "
                                   "каждый день с 1991 года. Пишите нам в редакцию, звоните."))
    site.add("/society/", section_html(host, [(g.url, g.title) for g in golds]))
    site.add("/", chrome(host, section_html(host, [(g.url, g.title) for g in golds[:3]]),
                         '<meta property="og:site_name" content="Вести">'))
    return AnySite(site, f"http://{host}/", zone, inside, [g.url for g in outside],
                   [f"http://{host}{p}" for p in odd] + [f"http://{host}/about/",
                                                         f"http://{host}/society/"])


def feed_only_site() -> AnySite:
    host = "ural-daily.test"
    site, zone, inside, outside = _site(host, 5, 600, "/{when:%Y/%m/%d}/novost-dnya-nomer-{i}/",
                                        "og", ["Олег Смирнов"])
    golds = inside + outside
    when = datetime(2026, 1, 5, 14, 0, tzinfo=zone)
    odd = {f"/{when:%Y/%m/%d}/online-pavodok/": liveblog_html(host, when),
           "/tag/pavodok/": section_html(host, [(g.url, g.title) for g in golds])}
    for path, html in odd.items():
        site.add(path, html)
    items = [(g.title, g.url, g.published) for g in golds]
    items += [("Онлайн", f"http://{host}{p}", when) for p in odd]
    rss = "".join(f"<item><title>{escape(t)}</title><link>{escape(u)}</link>"
                  f"<pubDate>{format_datetime(m.astimezone(UTC), usegmt=True)}</pubDate>"
                  "</item>" for t, u, m in items)
    site.add("/export/rss.xml", Page(
        ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Урал'
         f"</title>{rss}</channel></rss>").encode(), content_type="application/rss+xml"))
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow: /private/\n",
                                 content_type="text/plain"))
    site.add("/", chrome(host, section_html(host, [(g.url, g.title) for g in golds[-2:]]),
                         '<link rel="alternate" type="application/rss+xml" title="RSS" '
                         'href="/export/rss.xml">'))
    return AnySite(site, f"http://{host}/", zone, inside, [g.url for g in outside],
                   [f"http://{host}{p}" for p in odd])


def json_feed_site() -> AnySite:
    """A site announcing a JSON Feed alone (``application/feed+json``, jsonfeed.org 1.1, as
    WordPress plugins and static-site themes write it): no RSS, no sitemap, a home page
    without article links."""
    host = "city-notes.test"
    site, zone, inside, outside = _site(host, 1, 2100, "/notes/city-note-{n}/", "og", [])
    items = [{"id": str(n), "url": g.url, "title": g.title,
              "date_published": g.published.isoformat()}
             for n, g in enumerate(inside + outside)]
    site.add("/feed.json", Page(json.dumps({"version": "https://jsonfeed.org/version/1.1",
                                            "title": "Notes", "items": items}).encode(),
                                content_type="application/feed+json"))
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow:\n", content_type="text/plain"))
    site.add("/", chrome(host, "<h1>Notes</h1>", '<link rel="alternate" '
                         'type="application/feed+json" title="Notes" href="/feed.json">'))
    return AnySite(site, f"http://{host}/", zone, inside, [g.url for g in outside])


def undated_urls_site() -> AnySite:
    host = "gazeta-gorod.test"
    slugs = ["kak-vybrat-shkolu", "novyj-most-cherez-reku", "v-parke-vysadili-derevya",
             "itogi-goda-v-selskom-hozyajstve", "remont-dorog-zavershen", "vystavka-v-biblioteke",
             "pogoda-na-vyhodnye"]
    site, zone, inside, outside = _site(host, 1, 700, [f"/society/{s}/" for s in slugs],
                                        "time", [])
    golds = inside + outside
    when = datetime(2026, 1, 5, 10, 0, tzinfo=zone)
    site.add("/society/", section_html(host, [(g.url, g.title) for g in golds]))
    site.add("/authors/anna-petrova/", plain_html(host, "Анна Петрова", "Корреспондент."))
    site.add("/robots.txt", Page(f"User-agent: *\nSitemap: http://{host}/sitemap.xml\n".encode(),
                                 content_type="text/plain"))
    site.add("/sitemap.xml", sitemap_index(host, [("/sitemap-posts.xml", when),
                                                  ("/sitemap-old.xml", when - timedelta(days=400))]))
    # lastmod is a change, not publication: an in-window article edited days later
    edited = [(g.url, g.published + timedelta(days=5) if g is inside[0] else g.published)
              for g in golds]
    site.add("/sitemap-posts.xml", urlset(edited
                                          + [(f"http://{host}/society/", when),
                                             (f"http://{host}/authors/anna-petrova/", when)]))
    site.add("/sitemap-old.xml", urlset([(f"http://{host}/society/ochen-staraya-novost/",
                                          when - timedelta(days=400))]))
    site.add("/", chrome(host, section_html(host, [(g.url, g.title) for g in golds[:2]])))
    return AnySite(site, f"http://{host}/", zone, inside, [g.url for g in outside],
                   [f"http://{host}/society/", f"http://{host}/authors/anna-petrova/"])


def archive_only_site() -> AnySite:
    """No feed, no sitemap: only day archives (``/news/YYYY/MM/DD/``, paged) and a home page
    linking the newest articles; JSON-LD ``ReportageNewsArticle``; zone +03:00."""
    host = "rayon-vesti.test"
    slugs = [f"/news/{w:%Y/%m/%d}/reportazh-s-mesta-sobytiya-{i}/"
             for i, w in enumerate(local_times(timezone(timedelta(hours=3))))]
    site, zone, inside, outside = _site(host, 3, 800, slugs, "jsonld", ["Пётр Козлов"])
    golds = inside + outside
    for gold in golds:  # the reportage type, as a single object rather than a @graph
        path = gold.url.removeprefix(f"http://{host}")
        site.pages[path] = Page(site.pages[path].body.replace(b'"NewsArticle"',
                                                              b'"ReportageNewsArticle"'))
    by_day: dict[date, list[GoldArticle]] = {}
    for gold in golds:
        by_day.setdefault(gold.published.date(), []).append(gold)
    for day, day_golds in by_day.items():
        base = f"/news/{day:%Y/%m/%d}/"
        for page, gold in enumerate(day_golds, 1):  # one article a page: paging is exercised
            more = (f'<a class="next" href="{base}page/{page + 1}/">Дальше</a>'
                    if page < len(day_golds) else "")
            other = golds[0]  # a sidebar link to another day, which the day must not take
            body = (section_html(host, [(gold.url, gold.title)])
                    + f'<div class="pager">{more}</div><div class="widget"><a href="'
                    f'{other.url}">{escape(other.title)}</a></div>')
            site.add(base if page == 1 else f"{base}page/{page}/", chrome(host, body))
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow:\n", content_type="text/plain"))
    site.add("/", chrome(host, section_html(host, [(g.url, g.title) for g in golds[-2:]])))
    return AnySite(site, f"http://{host}/", zone, inside, [g.url for g in outside], [])


def dated_posts(site: VirtualSite, start: datetime, every: timedelta, count: int,
                path: str = "/novost-goroda-nomer-{n}/") -> list[GoldArticle]:
    """``count`` articles published ``every`` apart from ``start`` (JSON-LD dates), served by
    ``site`` at ``path`` (formatted with ``n``, ``when``), oldest first."""
    posts = []
    for n in range(count):
        when = start + n * every
        gold = GoldArticle(url=f"http://{site.host}{path.format(n=n, when=when)}",
                           title=title_for(1000 + n), paragraphs=paragraphs_for(1000 + n),
                           published=when)
        site.add(gold.url.removeprefix(f"http://{site.host}"), article_html(site.host, gold,
                                                                            "jsonld"))
        posts.append(gold)
    return posts


def wp_core_sitemaps_site(maps: int = 4, per_map: int = 60) -> AnySite:
    """WordPress core sitemaps: robots.txt → ``/wp-sitemap.xml`` (an index without
    ``lastmod``) → ``/wp-sitemap-posts-post-N.xml`` of ``per_map`` posts each, oldest first,
    ``lastmod`` their publication; a post every six hours, the window's eight from the 49th
    entry of the second sitemap on (behind the first forty of any sitemap)."""
    host = "wp-gorod.test"
    zone = timezone(timedelta(hours=3))
    site = VirtualSite(host)
    start = datetime.combine(SINCE, datetime.min.time(), zone) - timedelta(days=27)
    posts = dated_posts(site, start, timedelta(hours=6), maps * per_map)
    site.add("/robots.txt", Page(f"User-agent: *\nDisallow: /wp-admin/\nSitemap: http://{host}"
                                 "/wp-sitemap.xml\n".encode(), content_type="text/plain"))
    children = [f"/wp-sitemap-posts-post-{n}.xml" for n in range(1, maps + 1)]
    site.add("/wp-sitemap.xml", sitemap_index(host, [(c, None) for c in children]))
    for n, child in enumerate(children):
        chunk = posts[n * per_map:(n + 1) * per_map]
        site.add(child, urlset([(g.url, g.published) for g in chunk]))
    site.add("/", chrome(host, section_html(host, [(g.url, g.title) for g in posts[-5:]])))
    inside = [g for g in posts if SINCE <= g.published.date() <= UNTIL]
    return AnySite(site, f"http://{host}/", zone, inside,
                   [g.url for g in posts if g not in inside])


def many_sitemaps_site(name: str) -> tuple[AnySite, str]:
    """An index at robots.txt's ``/sitemap.xml`` listing its children oldest first without
    ``lastmod``: by month (``monthly``: ``/sitemap-YYYY-MM.xml``; ``dirs``:
    ``/sitemaps/YYYY/MM/posts.xml``), 2019-01 … 2026-03, or thirty numbered ones
    (``numbered``: ``/post-sitemap1.xml`` …). Only the window's child (the last numbered one)
    lists this window's articles; the others one old article each. Returns the site and the
    path of the window's child."""
    host = f"{name}-maps.test"
    zone = timezone(timedelta(hours=3))
    site = VirtualSite(host)
    start = datetime.combine(SINCE, datetime.min.time(), zone) - timedelta(days=2)
    posts = dated_posts(site, start, timedelta(hours=12), 8)
    if name == "numbered":
        children = [f"/post-sitemap{n}.xml" for n in range(1, 31)]
    else:
        months = [(y, m) for y in range(2019, 2027) for m in range(1, 13) if (y, m) <= (2026, 3)]
        form = "/sitemap-{y}-{m:02d}.xml" if name == "monthly" else "/sitemaps/{y}/{m:02d}/posts.xml"
        children = [form.format(y=y, m=m) for y, m in months]
    window = children[-1] if name == "numbered" else form.format(y=SINCE.year, m=SINCE.month)
    site.add("/robots.txt", Page(f"User-agent: *\nSitemap: http://{host}/sitemap.xml\n".encode(),
                                 content_type="text/plain"))
    site.add("/sitemap.xml", sitemap_index(host, [(c, None) for c in children]))
    for n, child in enumerate(children):
        site.add(child, urlset([(g.url, g.published) for g in posts] if child == window else
                               [(f"http://{host}/staraya-novost-nomer-{n}/", None)]))
    site.add("/", chrome(host, "<h1>Новости</h1>"))
    inside = [g for g in posts if SINCE <= g.published.date() <= UNTIL]
    return AnySite(site, f"http://{host}/", zone, inside,
                   [g.url for g in posts if g not in inside]), window


def subfolder_site(announced: bool) -> AnySite:
    """A news site living in ``/news/`` of its organisation's host: the root is a portal page;
    ``/news/`` links the newest articles and has the feed ``/news/feed/`` (announced there, or
    not: then only a common path finds it); no sitemap. Articles sit under
    ``/news/YYYY/MM/DD/`` and one under ``/press/``; zone +03:00."""
    host = "universitet.test"
    zone = timezone(timedelta(hours=3))
    paths = [f"/news/{w:%Y/%m/%d}/novost-universiteta-nomer-{i}/"
             for i, w in enumerate(local_times(zone))]
    paths[2] = "/press/soobshchenie-press-sluzhby-universiteta/"
    site, zone, inside, outside = _site(host, 3, 1100, paths, "jsonld", ["Анна Петрова"])
    golds = inside + outside
    site.add("/", chrome(host, '<h1>Университет</h1><a href="/news/">Новости</a> <a href='
                         '"/about/istoriya-universiteta-v-datah/">История</a>'))
    site.add("/about/istoriya-universiteta-v-datah/", plain_html(host, "История", "Основан."))
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow: /admin/\n", content_type="text/plain"))
    rss = "".join(f"<item><title>{escape(g.title)}</title><link>{g.url}</link><pubDate>"
                  f"{format_datetime(g.published.astimezone(UTC), usegmt=True)}</pubDate></item>"
                  for g in golds)
    site.add("/news/feed/", Page(f'<?xml version="1.0"?><rss version="2.0"><channel><title>Новости'
                                 f"</title>{rss}</channel></rss>".encode(),
                                 content_type="application/rss+xml"))
    link = '<link rel="alternate" type="application/rss+xml" href="/news/feed/">'
    site.add("/news/", chrome(host, section_html(host, [(g.url, g.title) for g in golds[-2:]]),
                              link if announced else ""))
    return AnySite(site, f"http://{host}/news/", zone, inside, [g.url for g in outside],
                   [f"http://{host}/about/istoriya-universiteta-v-datah/"])


CMS_LINKS = {  # how each CMS links article n, and the form an item's URL takes (sorted query)
    "bitrix": ("/press/news/detail.php?ELEMENT_ID={n}", "/press/news/detail.php?ELEMENT_ID={n}"),
    "joomla": ("/index.php?option=com_content&view=article&id={n}&catid=2&Itemid=101",
               "/index.php?Itemid=101&catid=2&id={n}&option=com_content&view=article"),
}


def query_cms_site(cms: str) -> AnySite:
    """Articles addressed by query parameters only (``CMS_LINKS``): the script answers the
    article for its full query and its home page for any other, as such CMSs do. Bitrix:
    robots.txt → a sitemap; Joomla: an RSS feed (``&utm_source=rss`` on its links) announced
    on the home page. Both link the articles from the home page too."""
    host = f"{cms}-rayon.test"
    linked, canonical = CMS_LINKS[cms]
    paths = [linked.format(n=4500 + i) for i in range(7)]
    site, zone, inside, outside = _site(host, 3, 1200, paths, "jsonld", [])
    numbers = {f"http://{host}{p}": 4500 + i for i, p in enumerate(paths)}
    links = [(g.url, g.title, g.published) for g in inside + outside]  # as the CMS links them
    for gold in inside + outside:
        gold.url = f"http://{host}{canonical.format(n=numbers[gold.url])}"
    head = ('<link rel="alternate" type="application/rss+xml" href="/index.php?format=feed&amp;'
            'type=rss">' if cms == "joomla" else "")
    home = Page(chrome(host, section_html(host, [(u, t) for u, t, _ in links]), head).encode())
    site.add("/", home)
    script = urlsplit(f"http://{host}{linked}").path

    def other_queries(target: str) -> Page | None:  # the CMS's script shows its front page
        return home if urlsplit(target).path == script else None

    site.dynamic.append(other_queries)
    if cms == "bitrix":
        site.add("/robots.txt", Page(f"User-agent: *\nSitemap: http://{host}/sitemap.xml\n"
                                     .encode(), content_type="text/plain"))
        site.add("/sitemap.xml", urlset([(u, when) for u, _, when in links]))
    else:
        rss = "".join(f"<item><title>{escape(t)}</title><link>{escape(u)}&amp;utm_source=rss"
                      f"</link><pubDate>{format_datetime(w.astimezone(UTC), usegmt=True)}"
                      "</pubDate></item>" for u, t, w in links)
        site.add("/index.php?format=feed&type=rss", Page(
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>Район</title>{rss}'
            "</channel></rss>".encode(), content_type="application/rss+xml"))
    return AnySite(site, f"http://{host}/", zone, inside, [g.url for g in outside])


def aliases_site(declared: bool) -> AnySite:
    """Each article answers 200 at ``/news/<slug>/``, ``/news/<slug>`` and
    ``/index.php?newsid=N``; the feed links the first spelling (``utm_source`` added), the
    sitemap the second (one article only there), the home page the third. With ``declared``
    every page names ``/news/<slug>/`` its ``rel="canonical"``, except one syndicated article
    that names its partner's page on another host (not this site's: ignored)."""
    host = "dubli-news.test"
    slugs = [f"/news/vazhnaya-gorodskaya-novost-{i}/" for i in range(7)]
    site, zone, inside, outside = _site(host, 3, 1300, slugs, "og", [])
    golds = inside + outside
    sitemap_only, syndicated = inside[1], inside[2]
    for n, gold in enumerate(golds):
        path = gold.url.removeprefix(f"http://{host}")
        target = (f"http://partner.test{path}" if gold is syndicated else gold.url)
        page = site.pages[path]
        if declared:
            page = Page(page.body.replace(b"</head>", f'<link rel="canonical" href="{target}">'
                                          "</head>".encode()))
        site.add(path, page)
        site.add(path.rstrip("/"), page)
        site.add(f"/index.php?newsid={n}", page)
    feed = [g for g in golds if g is not sitemap_only]
    rss = "".join(f"<item><title>{escape(g.title)}</title><link>{g.url}?utm_source=rss</link>"
                  f"<pubDate>{format_datetime(g.published.astimezone(UTC), usegmt=True)}"
                  "</pubDate></item>" for g in feed)
    site.add("/rss.xml", Page(f'<?xml version="1.0"?><rss version="2.0"><channel><title>Дубли'
                              f"</title>{rss}</channel></rss>".encode(),
                              content_type="application/rss+xml"))
    site.add("/robots.txt", Page(f"User-agent: *\nSitemap: http://{host}/sitemap.xml\n".encode(),
                                 content_type="text/plain"))
    site.add("/sitemap.xml", urlset([(g.url.rstrip("/"), g.published) for g in golds
                                     if g is not syndicated]))
    site.add("/", chrome(host, section_html(host, [(f"/index.php?newsid={n}", g.title)
                                                   for n, g in enumerate(golds)]),
                         '<link rel="alternate" type="application/rss+xml" href="/rss.xml">'))
    if not declared:  # the sitemap's spelling is the only one discovery has
        sitemap_only.url = sitemap_only.url.rstrip("/")
    return AnySite(site, f"http://{host}/", zone, inside, [g.url for g in outside])


BELARUSIAN = ["У раённым цэнтры адбылося пасяджэнне выканаўчага камітэта, на якім абмеркавалі "
              "пытанні добраўпарадкавання двароў і рамонту дарог.",
              "Жыхары мікрараёна неаднаразова звярталіся ў адміністрацыю са скаргамі на стан "
              "асфальту, і цяпер іх просьбы будуць улічаны.",
              "Акрамя таго, дэпутаты разгледзелі пытанне аб усталяванні новых дзіцячых "
              "пляцовак і асвятлення ў парках горада."]


def rss(golds: list[GoldArticle]) -> Page:
    """An RSS 2.0 feed of the articles, dates in GMT as CMSs write them."""
    items = "".join(f"<item><title>{escape(g.title)}</title><link>{escape(g.url)}</link>"
                    f"<pubDate>{format_datetime(g.published.astimezone(UTC), usegmt=True)}"
                    "</pubDate></item>" for g in golds)
    return Page(f'<?xml version="1.0"?><rss version="2.0"><channel><title>Лента</title>{items}'
                "</channel></rss>".encode(), content_type="application/rss+xml")


def gmt_feed_site(hours: int) -> AnySite:
    """A ``.by`` site (its country domain's zone: Europe/Minsk) on the clock of ``hours``
    whose RSS writes GMT, as uCoz's does, and whose pages print the wall time alone
    (``<div class="news-date">05.01.2026 14:20</div>``); no sitemap. Its zone is told only
    by the printed times against the feed's instants: +03:00, or UTC for ``hours=0``."""
    host = f"rayon-vesti-{hours}.by"
    site, zone, inside, outside = _site(host, hours, 1650, "/news/novost-rayona-{n}.html",
                                        "wall", [])
    site.add("/rss.xml", rss(inside + outside))
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow:\n", content_type="text/plain"))
    site.add("/", chrome(host, "<h1>Новости</h1>", '<link rel="alternate" '
                         'type="application/rss+xml" href="/rss.xml">'))
    return AnySite(site, f"http://{host}/", zone, inside, [g.url for g in outside])


def language_editions_site() -> AnySite:
    """A bilingual site: the Russian edition at ``/`` (articles ``/news/<slug>/``, feed
    ``/feed/``), the Belarusian one at ``/be/`` (``/be/news/<slug>/``, its own feed
    ``/be/feed/`` announced on ``/be/`` only); each home page names both editions with
    ``<link rel="alternate" hreflang>``; no sitemap; zone +03:00."""
    host = "dvuhmovny.test"
    site, zone, inside, outside = _site(host, 3, 1400, "/news/novost-rayona-nomer-{n}/",
                                        "jsonld", [])
    be_inside, be_outside = [], []
    for i, when in enumerate(local_times(zone)):
        n = 1400 + i
        paras = [f"{p} Нумар {n}." for p in BELARUSIAN]
        gold = GoldArticle(url=f"http://{host}/be/news/navina-rayona-numar-{n}/",
                           title=f"Навіна раёна нумар {n}", paragraphs=paras, published=when)
        site.add(gold.url.removeprefix(f"http://{host}"), article_html(host, gold, "jsonld"))
        (be_inside if SINCE <= when.date() <= UNTIL else be_outside).append(gold)
    editions = "".join(f'<link rel="alternate" hreflang="{lang}" href="http://{host}{path}">'
                       for lang, path in (("ru", "/"), ("be", "/be/"), ("x-default", "/")))
    for path, golds, feed in (("/", inside + outside, "/feed/"),
                              ("/be/", be_inside + be_outside, "/be/feed/")):
        site.add(feed, rss(golds))
        site.add(path, chrome(host, section_html(host, [(g.url, g.title) for g in golds[-2:]]),
                              editions + '<link rel="alternate" type="application/rss+xml" '
                              f'href="{feed}">'))
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow:\n", content_type="text/plain"))
    return AnySite(site, f"http://{host}/", zone, inside + be_inside,
                   [g.url for g in outside + be_outside])


PAGER_FORMS = {"query": "/news/?page={n}", "bitrix": "/news/?PAGEN_1={n}",
               "wordpress": "/news/page/{n}/", "ucoz": "/news/?page{n}"}


def paged_site(site: VirtualSite, host: str, zone: timezone, posts: list, chunks: list,
               pages: list[str]) -> AnySite:
    """A site whose home page is the first of ``pages``, each a section of one chunk of
    ``posts`` under a pager naming them all; the window's posts are its articles."""
    pager = " ".join(f'<a href="{p}">{n}</a>' for n, p in enumerate(pages, 1))
    for n, chunk in enumerate(chunks):
        body = (section_html(host, [(g.url, g.title) for g in chunk])
                + f'<div class="pager">{pager}</div>')
        site.add("/" if n == 0 else pages[n], chrome(host, body))
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow:\n", content_type="text/plain"))
    inside = [g for g in posts if SINCE <= g.published.date() <= UNTIL]
    return AnySite(site, f"http://{host}/", zone, inside,
                   [g.url for g in posts if g not in inside])


def _news_every_seven_hours(host: str) -> tuple[VirtualSite, timezone, list[GoldArticle]]:
    """A site of 40 undated ``/news/<id>-<slug>/`` articles, one every 7 hours from six days
    before the window, +03:00: the site, its zone, the posts oldest first."""
    zone = timezone(timedelta(hours=3))
    site = VirtualSite(host)
    start = datetime.combine(SINCE, datetime.min.time(), zone) - timedelta(days=6)
    return site, zone, dated_posts(site, start, timedelta(hours=7), 40, "/news/{n}-novost-goroda/")


def paged_home_site(form: str, feed: int = 0) -> AnySite:
    """No feed, no sitemap, undated ``/news/<id>-<slug>/`` URLs: the home page links the six
    newest articles and a numbered pager (``PAGER_FORMS``) to older pages of six, the window's
    articles from the third page on; zone +03:00. With ``feed``, the home page announces a
    feed of that many newest articles (a CMS's feed count set low: it does not reach back
    to the window)."""
    host = f"{form}-paged{'-fed' if feed else ''}.test"
    site, zone, posts = _news_every_seven_hours(host)
    newest = posts[::-1]
    chunks = [newest[i:i + 6] for i in range(0, len(newest), 6)]
    pages = [PAGER_FORMS[form].format(n=n) for n in range(1, len(chunks) + 1)]
    shape = paged_site(site, host, zone, posts, chunks, pages)
    if feed:
        site.add("/rss.xml", rss(newest[:feed]))
        home = site.pages["/"].body.decode("utf-8").replace(
            "</head>", '<link rel="alternate" type="application/rss+xml" href="/rss.xml"></head>')
        site.add("/", home)
    return shape


# How a home page with no pager names its list of all news: the link's words and address
ALL_NEWS_LINKS = {"all_news": ("Все новости →", "/news/"), "lenta": ("Лента новостей", "/lenta/"),
                  "menu": ("Новости", "/novosti/"), "be": ("Усе навіны", "/naviny/")}


def sectioned_home_site(form: str, sister: str = "") -> AnySite:
    """No feed, no sitemap, undated ``/news/<id>-<slug>/`` URLs: the home page shows the four
    newest articles and no pager, only a link to the list of all news (``ALL_NEWS_LINKS``),
    whose first page repeats them and whose Bitrix pager (``?PAGEN_1=N``) leads to older
    pages of six, the window's articles from the third page on; zone +03:00. Rubric blocks
    link their own lists ("Общество" and its "Все материалы рубрики"). With ``sister``
    ("news."), the list and its articles live on that subdomain of the home page's host."""
    words, path = ALL_NEWS_LINKS[form]
    host = f"{form}-sectioned.test"
    site, zone, posts = _news_every_seven_hours(f"{sister}{host}")
    home = VirtualSite(host) if sister else site
    newest = posts[::-1]
    chunks = [newest[i:i + 6] for i in range(0, len(newest), 6)]
    pages = [path if n == 1 else f"{path}?PAGEN_1={n}" for n in range(1, len(chunks) + 1)]
    pager = " ".join(f'<a href="{p}">{n}</a>' for n, p in enumerate(pages, 1))
    for n, chunk in enumerate(chunks):
        site.add(pages[n], section_html(site.host, [(g.url, g.title) for g in chunk]).replace(
            "</main>", f'<div class="pager">{pager}</div></main>'))
    cards = "".join(f'<div class="card"><a href="{g.url}">{escape(g.title)}</a></div>'
                    for g in newest[:4])
    listed = f"http://{site.host}{path}" if sister else path
    home.add("/", chrome(host, f'<h2>Главное</h2>{cards}<a class="more" href="{listed}">{words}'
                               '</a><h2><a href="/society/">Общество</a></h2><a href="/society/">'
                               "Все материалы рубрики</a>"))
    for served in {home.host: home, site.host: site}.values():
        served.add("/robots.txt", Page(b"User-agent: *\nDisallow:\n", content_type="text/plain"))
    inside = [g for g in posts if SINCE <= g.published.date() <= UNTIL]
    return AnySite(home, f"http://{host}/", zone, inside,
                   [g.url for g in posts if g not in inside], sisters=[site] if sister else [])


def client_rendered_site() -> tuple[AnySite, dict[str, str]]:
    """Every article client-rendered (tests/sites/clientrendered.py: Next.js, Nuxt 2 and 3, a
    ``window.__INITIAL_STATE__``, JSON-LD only, a teaser under JSON-LD ``articleBody``), one
    shape each in the window and two more outside it; a client-rendered rubric page whose
    state holds teasers; robots.txt → a sitemap; the home page an empty app shell; zone
    +03:00. Returns the site and each in-window article's shape by URL."""
    from tests.sites import clientrendered as cr

    host = "spa-gorod.test"
    zone = timezone(timedelta(hours=3))
    site = VirtualSite(host)
    shapes = sorted(cr.SHAPES)
    times = [datetime(2026, 1, 4, 1 + 3 * i, 10, tzinfo=zone) for i in range(len(shapes))]
    times += [datetime(2026, 1, 3, 12, 0, tzinfo=zone), datetime(2026, 1, 7, 8, 0, tzinfo=zone)]
    inside, outside, by_url = [], [], {}
    for n, when in enumerate(times):
        shape = shapes[n % len(shapes)]
        gold = GoldArticle(url=f"http://{host}/news/{when:%Y/%m/%d}/sobytie-dnya-{n}/",
                           title=title_for(1500 + n), paragraphs=paragraphs_for(1500 + n),
                           published=when, authors=["Ирина Ковалёва"])
        site.add(gold.url.removeprefix(f"http://{host}"), cr.SHAPES[shape](gold))
        if SINCE <= when.date() <= UNTIL:
            inside.append(gold)
            by_url[gold.url] = shape
        else:
            outside.append(gold)
    rubric = f"http://{host}/news/obshchestvo/"
    site.add("/news/obshchestvo/", cr.listing("Общество", inside))
    site.add("/robots.txt", Page(f"User-agent: *\nSitemap: http://{host}/sitemap.xml\n".encode(),
                                 content_type="text/plain"))
    site.add("/sitemap.xml", urlset([(g.url, g.published) for g in inside + outside]
                                    + [(rubric, times[0])]))
    site.add("/", '<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>Город'
                  f"</title></head><body>{cr.SHELL}</body></html>")
    return AnySite(site, f"http://{host}/", zone, inside, [g.url for g in outside],
                   [rubric]), by_url


IDN_HOST = "новости.бел"


def idn_site() -> AnySite:
    """An internationalised host (``новости.бел``, served as its punycode, as on the wire)
    whose articles sit under Cyrillic paths: the home page links one raw, one
    percent-encoded, one both ways and by the Unicode host too (one article, not two); no
    feed, no sitemap; zone +03:00. Items carry the punycode host and the encoded path."""
    host = IDN_HOST.encode("idna").decode("ascii")
    raw = [f"/новости/пожар-в-районе-номер-{i}/" for i in range(7)]
    site, zone, inside, outside = _site(host, 3, 1500, [quote(p) for p in raw], "jsonld", [])
    spellings = [raw[0], quote(raw[1]), raw[2], f"http://{IDN_HOST}{quote(raw[2])}",
                 *(quote(p) if i % 2 else p for i, p in enumerate(raw[3:], 3))]
    site.add("/", chrome(host, "<h1>Новости</h1>" + "".join(
        f'<p><a href="{escape(u)}">Новость {n}</a></p>' for n, u in enumerate(spellings))))
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow:\n", content_type="text/plain"))
    return AnySite(site, f"http://{host}/", zone, inside, [g.url for g in outside])


FEED_FORMS = ("atom_xml_base", "utf8_declared_1251", "cp1251_declared_utf8")


def odd_feed_site(form: str) -> AnySite:
    """The home page announces one feed, of a form that reads wrong unless read as its
    standard and its bytes say (``FEED_FORMS``): an Atom feed at ``/feeds/atom.xml`` whose
    links are relative to its ``xml:base`` (``/news/``), or an RSS feed of Cyrillic links
    whose declaration names another charset than its bytes are in. No sitemap; +03:00."""
    host = f"{form.replace('_', '-')}.test"
    raw = [f"/news/важная-новость-района-{i}/" for i in range(7)]
    site, zone, inside, outside = _site(host, 3, 1600, [quote(p) for p in raw], "og", [])
    golds = inside + outside
    paths = [unquote(g.url.removeprefix(f"http://{host}")) for g in golds]  # raw Cyrillic
    if form == "atom_xml_base":
        entries = "".join(f"<entry><title>{escape(g.title)}</title><link href=\"{quote(p[6:])}\"/>"
                          f"<published>{g.published.isoformat()}</published></entry>"
                          for g, p in zip(golds, paths, strict=True))
        feed, kind = "/feeds/atom.xml", "application/atom+xml"
        body = ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"'
                f' xml:base="http://{host}/news/"><title>Лента</title>{entries}</feed>').encode()
    else:
        items = "".join(f"<item><title>{escape(g.title)}</title><link>http://{host}{p}</link>"
                        f"<pubDate>{format_datetime(g.published.astimezone(UTC), usegmt=True)}"
                        "</pubDate></item>" for g, p in zip(golds, paths, strict=True))
        declared, sent = (("windows-1251", "utf-8") if form == "utf8_declared_1251"
                          else ("utf-8", "cp1251"))
        feed, kind = "/rss.xml", "application/rss+xml"
        body = (f'<?xml version="1.0" encoding="{declared}"?><rss version="2.0"><channel>'
                f"<title>Лента</title>{items}</channel></rss>").encode(sent)
    site.add(feed, Page(body, content_type=kind))
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow:\n", content_type="text/plain"))
    site.add("/", chrome(host, "<h1>Новости</h1>",
                         f'<link rel="alternate" type="{kind}" href="{feed}">'))
    return AnySite(site, f"http://{host}/", zone, inside, [g.url for g in outside])


def relative_feed_links_site() -> AnySite:
    """The home page announces one RSS feed, at ``/export/rss.xml``, whose item links are
    relative and mean the site's root (``news/novost-…/`` for ``/news/novost-…/``): read as
    the standard says, against the feed's URL, they answer 404. Nothing else lists the
    articles (no sitemap, no article link on the home page); +03:00."""
    host = "relative-links.test"
    site, zone, inside, outside = _site(host, 3, 1600, "/news/novost-rayona-{n}/", "og", [])
    golds = inside + outside
    items = "".join(f"<item><title>{escape(g.title)}</title>"
                    f"<link>{g.url.removeprefix(f'http://{host}/')}</link>"
                    f"<pubDate>{format_datetime(g.published.astimezone(UTC), usegmt=True)}"
                    "</pubDate></item>" for g in golds)
    site.add("/export/rss.xml", Page(('<?xml version="1.0" encoding="utf-8"?><rss version="2.0">'
                                      f"<channel><title>Лента</title>{items}</channel></rss>"
                                      ).encode(), content_type="application/rss+xml"))
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow:\n", content_type="text/plain"))
    site.add("/", chrome(host, "<h1>Новости</h1>", '<link rel="alternate" '
                         'type="application/rss+xml" href="/export/rss.xml">'))
    return AnySite(site, f"http://{host}/", zone, inside, [g.url for g in outside])


def mobile_links_site() -> tuple[AnySite, VirtualSite, VirtualSite]:
    """A site whose feed links its mobile host (``m.``, which answers 301 to the same path
    on the main host) and whose pages name their AMP copy (``amp.``) as canonical; no
    sitemap; +03:00. Returns the site and its m. and amp. hosts."""
    host = "mobilnye-vesti.test"
    site, zone, inside, outside = _site(host, 3, 1710, "/news/novost-oblasti-nomer-{n}/", "og",
                                        [])
    golds = inside + outside
    mobile, amp = VirtualSite(f"m.{host}"), VirtualSite(f"amp.{host}")
    for gold in golds:
        path = gold.url.removeprefix(f"http://{host}")
        page = site.pages[path]
        amp.add(path, page)
        mobile.add(path, Page(b"", status=301, headers=[("Location", gold.url)]))
        site.add(path, Page(page.body.replace(
            b"</head>", f'<link rel="canonical" href="http://amp.{host}{path}"></head>'.encode())))
    site.add("/rss.xml", rss([GoldArticle(g.url.replace("://", "://m.", 1), g.title,
                                          g.paragraphs, g.published) for g in golds]))
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow:\n", content_type="text/plain"))
    site.add("/", chrome(host, "<h1>Новости</h1>",
                         '<link rel="alternate" type="application/rss+xml" href="/rss.xml">'))
    return AnySite(site, f"http://{host}/", zone, inside, [g.url for g in outside]), mobile, amp


URL_DATE_FORMS = {"compact": "/news/{d:%Y%m%d}/vazhnaya-novost-{n}/",
                  "query": "/news/view.php?id={n}&date={d:%d.%m.%Y}",
                  # day first and year first with dots or dashes, a segment or a slug's start
                  "day_dotted": "/news/{d:%d.%m.%Y}/{n}",
                  "day_dashed": "/{d:%d-%m-%Y}/novost-{n}",
                  "year_dotted": "/news/{d:%Y.%m.%d}/novost",
                  "day_dashed_slug": "/news/{d:%d-%m-%Y}-novost-{n}.html",
                  "day_slashed": "/politics/{d:%d/%m/%Y}/novost"}
OLD_URL_DAY = date(2025, 12, 20)  # weeks before the window: its article is never fetched


def url_dated_site(form: str) -> AnySite:
    """Pages with no date in their markup, dated only by their URL (``URL_DATE_FORMS``),
    linked from the home page; no feed, no sitemap, no zone printed (UTC). Two of its five
    articles fall on the window's days."""
    host = f"{form}-url-dates.test"
    site = VirtualSite(host)
    golds, outside = [], []
    for n, day in enumerate((date(2026, 1, 3), date(2026, 1, 4), date(2026, 1, 5),
                             date(2026, 1, 6), OLD_URL_DAY), 1800):
        path = URL_DATE_FORMS[form].format(d=day, n=n)
        gold = GoldArticle(url=f"http://{host}{path}", title=f"Важная новость района номер {n}",
                           paragraphs=paragraphs_for(n),
                           published=datetime(day.year, day.month, day.day, tzinfo=UTC))
        site.add(path, chrome(host, f"<article><h1>{escape(gold.title)}</h1><div class="
                              f'"article-body">{html_paragraphs(gold.paragraphs)}</div></article>',
                              title=gold.title))
        (golds if SINCE <= day <= UNTIL else outside).append(gold)
    links = "".join(f'<p><a href="{escape(g.url)}">{escape(g.title)}</a></p>'
                    for g in golds + outside)
    for gold in golds:  # an item's URL has its query sorted
        gold.url = f"http://{host}{path_and_query(canonical_url(gold.url))}"
    site.add("/", chrome(host, f"<h1>Новости</h1>{links}"))
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow:\n", content_type="text/plain"))
    return AnySite(site, f"http://{host}/", UTC, golds, [g.url for g in outside])


def base_href_site() -> AnySite:
    """An old CMS whose pages name ``<base href="http://host/ru/">`` and link everything
    relative to it: the home page's ``news/YYYY/MM/DD/novost-N.html`` and each article's
    ``rel="canonical"`` are under ``/ru/`` (against the page's own URL they would be 404s, and
    an article an alias of a page that does not exist); no feed, no sitemap; +03:00."""
    host = "staraya-cms.test"
    base = f'<base href="http://{host}/ru/">'
    paths = [f"/ru/news/{w:%Y/%m/%d}/novost-{i}.html"
             for i, w in enumerate(local_times(timezone(timedelta(hours=3))))]
    site, zone, inside, outside = _site(host, 3, 1900, paths, "jsonld", [])
    golds = inside + outside
    for gold in golds:
        path = gold.url.removeprefix(f"http://{host}")
        canonical = f'<link rel="canonical" href="{path.removeprefix("/ru/")}">'
        site.add(path, Page(site.pages[path].body.replace(
            b"<head>", f"<head>{base}{canonical}".encode())))
    links = "".join(f'<p><a href="{escape(g.url.removeprefix(f"http://{host}/ru/"))}">'
                    f"{escape(g.title)}</a></p>" for g in golds)
    site.add("/", chrome(host, f"<h1>Новости</h1>{links}", base))
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow:\n", content_type="text/plain"))
    return AnySite(site, f"http://{host}/", zone, inside, [g.url for g in outside])


def table_layout_html(host: str, gold: GoldArticle, popular: str) -> str:
    """An old regional paper's page: one table holds the menu row, the article's cell (with
    its headline and a printed date line) beside a "popular" column, and the footer row."""
    p = gold.published
    return f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{escape(gold.title)}</title></head><body><table width="100%">
<tr><td colspan="2"><a href="/">Главная</a> | <a href="/category/3/">Общество</a> |
<a href="/about/">О газете</a></td></tr>
<tr><td class="content"><h2>{escape(gold.title)}</h2>
<div class="date"><time datetime="{p.isoformat(timespec='seconds')}">{p:%d.%m.%Y %H:%M}</time>
</div>{html_paragraphs(gold.paragraphs)}</td>
<td class="right" width="200"><b>Популярное</b><ul>{popular}</ul></td></tr>
<tr><td colspan="2">© {escape(host)}, 2026. При перепечатке ссылка обязательна.</td></tr>
</table></body></html>"""


def numbered_golds(host: str, zone: timezone, seed: int, path: str) -> list[GoldArticle]:
    """One article a day of ``local_times`` at ``path`` (``{n}``: 1, 2, …), texts from ``seed``."""
    return [GoldArticle(url=f"http://{host}{path.format(n=n)}", title=title_for(seed + n),
                        paragraphs=paragraphs_for(seed + n), published=when)
            for n, when in enumerate(local_times(zone), 1)]


def placed(site: VirtualSite, golds: list[GoldArticle],
           render: Callable[[GoldArticle], str]) -> tuple[list[GoldArticle], list[GoldArticle]]:
    """Serve each article's page as ``render`` writes it; (those in the window, the others)."""
    inside: list[GoldArticle] = []
    outside: list[GoldArticle] = []
    for gold in golds:
        site.add(urlsplit(gold.url).path, render(gold))
        (inside if SINCE <= gold.published.date() <= UNTIL else outside).append(gold)
    return inside, outside


def short_ids_site() -> AnySite:
    """A small paper's site: articles at ``/news/1/`` … ``/news/7/`` (ids of one digit, no
    slug, no date), listed on the home page by headline beside a pager (``/page/2/``, "2")
    and a rubric (``/category/3/``); every page set in a layout table; no feed, no sitemap;
    +03:00."""
    host = "rayon-gazeta.test"
    zone = timezone(timedelta(hours=3))
    site, golds = VirtualSite(host), numbered_golds(host, zone, 2100, "/news/{n}/")
    popular = "".join(f'<li><a href="{escape(g.url)}">{escape(g.title)}</a></li>'
                      for g in golds[:3])
    inside, outside = placed(site, golds, lambda gold: table_layout_html(host, gold, popular))
    listed = "".join(f'<p><a href="/news/{n}/">{escape(g.title)}</a></p>'
                     for n, g in enumerate(golds, 1))
    home = (f"<html><head><title>{host}</title></head><body><h1>Районная газета</h1>{listed}"
            '<p><a href="/category/3/">Общество</a> <a href="/page/2/">2</a></p></body></html>')
    site.add("/", home)
    site.add("/page/2/", home)
    site.add("/category/3/", home)
    return AnySite(site, f"http://{host}/", zone, inside, [g.url for g in outside],
                   [f"http://{host}/page/2/", f"http://{host}/category/3/"])


CMS_READ_ALSO = ["В районе открылся новый спортивный комплекс",
                 "Как изменятся тарифы на ЖКУ с 1 марта?"]


def cms_furniture_html(host: str, gold: GoldArticle) -> str:
    """A uCoz-style entry of a district paper's site: a rubric's ``<span>`` inside the
    ``<h1>``, paragraphs parted by a single ``<br>``, an ad's label and promo lines between
    them, a plain "Читайте также:" over unlinked headlines closing the text, and the details
    row printing the day, its time only in the ``title`` of the day's ``<span>``."""
    p, paras = gold.published, [escape(t) for t in gold.paragraphs]
    ad = ("<div class='insert'><div class='insert-label'>Реклама</div><div>Окна ПВХ от "
          "производителя — скидка 20%</div><div>Звоните: +375 29 123-45-67</div></div>")
    body = (f"<p>{'<br>'.join(paras[:2])}</p>{ad}<p>{'<br>'.join(paras[2:])}</p><p><b>Читайте "
            f"также:</b><br>{'<br>'.join(CMS_READ_ALSO)}</p>")
    return f"""<html><head><meta charset="utf-8"><title>{escape(gold.title)} - Общество -
Районные вести</title></head><body><div id="header"><a href="/">Районные вести</a> |
<a href="/news/">Новости</a> | <a href="/board/">Объявления</a></div><div id="content">
<table class="eBlock"><tr><td class="eTitle"><h1><span class="rubric">Общество</span>
{escape(gold.title)}</h1></td></tr><tr><td class="eMessage">{body}</td></tr>
<tr><td class="eDetails">Категория: <a href="/news/1-0-3">Общество</a> | Просмотров: 45 |
Добавил: <a href="/index/8-1">admin</a> | Дата: <span title="{p:%H:%M}">{p:%d.%m.%Y}</span> |
<a href="#comments">Комментарии (0)</a></td></tr></table></div>
<div id="sidebar"><b>Календарь</b><br>Пн Вт Ср Чт Пт Сб Вс</div></body></html>"""


def cms_furniture_site() -> AnySite:
    """A district paper on uCoz (``cms_furniture_html``): articles at ``/news/{n}``, listed
    on the home page by headline; no feed, no sitemap, no machine date; +03:00."""
    host = "rayon-vesti.test"
    zone = timezone(timedelta(hours=3))
    site, golds = VirtualSite(host), numbered_golds(host, zone, 2300, "/news/{n}")
    inside, outside = placed(site, golds, lambda gold: cms_furniture_html(host, gold))
    listed = "".join(f'<p><a href="/news/{n}">{escape(g.title)}</a></p>'
                     for n, g in enumerate(golds, 1))
    site.add("/", f"<html><head><title>Районные вести</title></head><body>{listed}</body></html>")
    return AnySite(site, f"http://{host}/", zone, inside, [g.url for g in outside])


# Bylines a CMS prints in markup alone (no JSON-LD, microdata or <meta> author): where each
# sits, as {name} is printed; "top"/"bottom" inside the text's block, "meta" under the headline
MARKUP_BYLINES = [  # (the window holds the articles of the second to the fifth)
    ("meta", "<span class='node__author'><span>{name}</span></span>"),  # Drupal 10
    ("meta", "<span class='byline'><span class='author vcard'><a class='url fn n' href='/author/"
             "a/'>{name}</a></span></span>"),  # WordPress
    ("after", "<footer class='entry-footer'>Автор: <a href='/author/a/' rel='author'>{name}</a>"
              "</footer>"),
    ("top", "<div class='author'>{name}</div>"),
    ("bottom", "<div class='article__author'>Фото: Анна Смирнова, текст: {name}</div>"),
    ("meta", "<div class='wp-block-post-author-name'>{name}</div>"),  # a block theme
    ("bottom", "<div class='author'>{name}</div>"),
]
BYLINE_NAMES = ["Иван Петров", "Ольга Кузнецова", "Сергей Козлов", "Мария Орлова",
                "Павел Новиков", "Елена Соколова", "Андрей Морозов"]


def markup_byline_html(host: str, gold: GoldArticle, n: int) -> str:
    """An article whose only author is its byline markup (``MARKUP_BYLINES[n]``), with a
    reader's comment signed in a WordPress vcard after it (no author of the article)."""
    where, byline = MARKUP_BYLINES[n % len(MARKUP_BYLINES)]
    line = byline.format(name=escape(gold.authors[0]))
    parts = {w: line if w == where else "" for w in ("meta", "top", "bottom", "after")}
    comment = ("<div id='comments' class='comments-area'><div class='comment-author vcard'><b "
               "class='fn'>Виктор Лебедев</b></div><p>Спасибо за новость.</p></div>")
    body = (f"<article class='post'><h1 class='entry-title'>{escape(gold.title)}</h1><div "
            f"class='entry-meta'><time datetime='{gold.published.isoformat()}'>"
            f"{gold.published:%d.%m.%Y}</time>{parts['meta']}</div><div class='entry-content'>"
            f"{parts['top']}{html_paragraphs(gold.paragraphs)}{parts['bottom']}</div>"
            f"{parts['after']}</article>{comment}")
    return chrome(host, body, title=gold.title)


def markup_bylines_site() -> AnySite:
    """A site whose articles name their author in byline markup alone, each in another
    CMS's way (``MARKUP_BYLINES``); listed on the home page; +03:00."""
    host = "rayon-avtory.test"
    zone = timezone(timedelta(hours=3))
    site = VirtualSite(host)
    golds = [replace(g, authors=[BYLINE_NAMES[n]])
             for n, g in enumerate(numbered_golds(host, zone, 2500, "/news/{n}/"))]
    inside, outside = placed(site, golds, lambda gold: markup_byline_html(
        host, gold, golds.index(gold)))
    listed = "".join(f'<p><a href="/news/{n}/">{escape(g.title)}</a></p>'
                     for n, g in enumerate(golds, 1))
    site.add("/", f"<html><head><title>Районные авторы</title></head><body>{listed}</body></html>")
    return AnySite(site, f"http://{host}/", zone, inside, [g.url for g in outside])


TEXT_SITEMAP_JUNK = ["# sitemap of gazeta-gorod", "/society/relative-path/", "ftp://files.test/a.zip",
                     "not a url at all", "http://", "<html>", "javascript:alert(1)"]


def text_sitemap_site(form: str) -> tuple[AnySite, int]:
    """Articles listed only by a plain-text sitemap (one URL a line, sitemaps.org), with junk
    lines among them: ``named`` at ``/maps/urls.txt`` by robots.txt, ``gzip`` as
    ``/sitemap.txt.gz`` named there, ``common`` at ``/sitemap.txt`` with no ``Sitemap:`` line.
    No lastmod: every entry is undated. (the site, the number of junk lines)"""
    host = f"{form}-text-sitemap.test"
    slugs = ["gorod-gotovitsya-k-prazdniku", "v-shkolah-nachalis-kanikuly", "otkryt-novyj-sad",
             "vodoprovod-na-ulice-lenina", "sportsmeny-vernulis-s-medalyami",
             "konkurs-chtecov-v-biblioteke", "moroz-do-dvadcati-gradusov"]
    site, zone, inside, outside = _site(host, 1, 900, [f"/society/{s}/" for s in slugs],
                                        "time", [])
    golds = inside + outside
    site.add("/about/", plain_html(host, "О редакции", "Газета города с 1931 года."))
    lines = [g.url for g in golds] + [f"http://{host}/about/"]
    text = "\n".join(lines[:3] + ["", *TEXT_SITEMAP_JUNK, "  " + lines[3] + "  \r"]
                     + lines[4:]) + "\n"
    body = "\ufeff".encode() + text.encode() + b"\xff\xfe broken bytes line\n"
    path = {"named": "/maps/urls.txt", "gzip": "/sitemap.txt.gz", "common": "/sitemap.txt"}[form]
    if form == "gzip":
        site.add(path, Page(gzip.compress(body), content_type="application/x-gzip"))
    else:
        site.add(path, Page(body, content_type="text/plain; charset=utf-8"))
    robots = "" if form == "common" else f"Sitemap: http://{host}{path}\n"
    site.add("/robots.txt", Page(f"User-agent: *\nDisallow:\n{robots}".encode(),
                                 content_type="text/plain"))
    site.add("/", chrome(host, "<h1>Газета</h1>"))
    return (AnySite(site, f"http://{host}/", zone, inside, [g.url for g in outside],
                    [f"http://{host}/about/"]), len(TEXT_SITEMAP_JUNK) + 1)


SHELL_FORMS = ("frameset", "iframe", "srcdoc", "chooser")


def shell_home_site(form: str) -> AnySite:
    """A home page that holds no article link itself, only what a browser shows through it
    (old regional sites): a ``frameset`` whose ``main.html`` frame lists the news (the
    ``menu.html`` frame only sections), a page of one big ``iframe`` to ``/portal/``, an
    ``iframe srcdoc`` holding the list, or a language ``chooser`` of plain links to ``/ru/``
    (the news) and ``/by/``. No feed, no sitemap; ``/news/YYYY/MM/DD/novost-N/``; +03:00."""
    host = f"{form}-shell.test"
    prefix = "/ru" if form == "chooser" else ""
    site, zone, inside, outside = _site(host, 3, 2100, prefix + "/news/{when:%Y/%m/%d}/novost-{n}/",
                                        "og", [])
    news = chrome(host, section_html(host, [(g.url, g.title) for g in inside + outside]))
    head = "<html><head><title>Районная газета</title></head>"
    if form == "frameset":
        site.add("/", f'{head}<frameset cols="180,*"><frame src="menu.html" name="menu">'
                 '<frame src="main.html" name="main"><noframes>Ваш браузер не поддерживает '
                 "фреймы</noframes></frameset></html>")
        site.add("/menu.html", chrome(host, "<h1>Рубрики</h1>"))
        site.add("/main.html", news)
    elif form == "iframe":
        site.add("/", f'{head}<body style="margin:0"><iframe src="/portal/" width="100%" '
                 'height="100%" frameborder="0"></iframe></body></html>')
        site.add("/portal/", news)
    elif form == "srcdoc":
        site.add("/", f'{head}<body><iframe srcdoc="{escape(news)}" width="100%"></iframe>'
                 "</body></html>")
    else:
        site.add("/", f'{head}<body><h1>Выберите язык / Абярыце мову</h1><p>'
                 '<a href="/ru/">Русский</a> | <a href="/by/">Беларуская</a></p></body></html>')
        site.add("/ru/", news)
        site.add("/by/", chrome(host, "<h1>Навіны</h1><p>Раздзел абнаўляецца.</p>"))
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow:\n", content_type="text/plain"))
    return AnySite(site, f"http://{host}/", zone, inside, [g.url for g in outside])


def script_links_site() -> AnySite:
    """An old CMS's home page whose headlines are no plain links: one opened by ``onclick``
    on ``<a href="#">``, one by ``href="javascript:openNews('…')"``, one by ``window.open``
    with window features, one from an image map's ``<area>``; among them links a crawler
    must not take (``javascript:void(0)``, an analytics ``onclick``, ``mailto:``, script
    calls that act: ``vote('/ajax/…')``, ``addComment('…')``) and the
    spellings browsers forgive (protocol-relative, newlines inside ``href``). No feed, no
    sitemap, undated ``/society/<slug>.html``; +03:00."""
    host = "script-links.test"
    slugs = ["vesti-s-polej", "novaya-shkola-otkrylas", "remont-mosta-nachalsya",
             "koncert-v-dome-kultury", "itogi-sessii-soveta", "pogoda-na-nedelyu",
             "sbor-urozhaya-zavershen"]
    site, zone, inside, outside = _site(host, 3, 2200, [f"/society/{s}.html" for s in slugs],
                                        "time", [])
    path = [g.url.removeprefix(f"http://{host}") for g in inside]
    body = (f'<p><a href="#" onclick="location.href=\'{path[0]}\'; return false;">'
            f"{escape(inside[0].title)}</a></p>"
            f'<p><a href="JavaScript:openNews(\'{path[1]}\')">{escape(inside[1].title)}</a></p>'
            f'<p><a href="javascript:void(0)" onclick="window.open(\'{path[2]}\', \'_blank\', '
            f"'width=600,height=400')\">{escape(inside[2].title)}</a></p>"
            '<p><img src="/img/map.png" usemap="#news"><map name="news"><area shape="rect" '
            f'coords="0,0,100,100" href="{path[3]}" alt="{escape(inside[3].title)}"></map></p>'
            "<p><a href=\"javascript:void(0)\" onclick=\"ga('send', 'event', 'menu')\">Меню</a>"
            f' <a href="#" onclick="vote(\'/ajax/vote.php?id=2201\'); return false;">+1</a>'
            f' <span onclick="share(\'/society/{slugs[0]}-kopiya.html\')">Поделиться</span>'
            f' <a href="javascript:vote(\'/ajax/vote.php?id=2202\',1)">+1</a>'
            f' <a href="javascript:addComment(\'/society/{slugs[0]}-kopiya.html\')">Ответить</a>'
            f' <a href="mailto:red@{host}">Написать</a> <a href="tel:+375291234567">Звонок</a>'
            f'</p><p><a href="//{host}{outside[0].url.removeprefix(f"http://{host}")}">'
            f'{escape(outside[0].title)}</a> <a href="\n  /society/\n{slugs[-1]}.html  ">'
            f"{escape(outside[-1].title)}</a></p>")
    site.add("/", chrome(host, f"<h1>Новости</h1>{body}"))
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow:\n", content_type="text/plain"))
    return AnySite(site, f"http://{host}/", zone, inside, [g.url for g in outside])


def framed_articles_site(nested: bool = False) -> AnySite:
    """An old site whose every article URL is a frameset: a ``/top.html`` banner frame and
    the article in a ``…_text.html`` frame beside it (what the home page and the feed link
    is the frameset). ``nested``: that frameset is itself the second frame of an outer one,
    beside a ``/menu.html`` frame. The feed is the only one to date them; the pages print
    +03:00."""
    host = "framed-articles.test"
    site, zone, inside, outside = _site(host, 3, 2300, "/news/{when:%Y/%m/%d}/novost-{n}.html",
                                        "og", [])
    golds = inside + outside
    for gold in golds:
        path = gold.url.removeprefix(f"http://{host}")
        text = path.replace(".html", "_text.html")
        site.add(text, site.pages.pop(path))
        inner = path.replace(".html", "_main.html") if nested else path
        site.add(inner, f"<html><head><title>{escape(gold.title)}</title></head>"
                 '<frameset rows="90,*"><frame src="/top.html" name="top">'
                 f'<frame src="{text.rsplit("/", 1)[1]}" name="content"></frameset></html>')
        if nested:
            site.add(path, f"<html><head><title>{escape(gold.title)}</title></head>"
                     '<frameset cols="150,*"><frame src="/menu.html" name="menu">'
                     f'<frame src="{inner.rsplit("/", 1)[1]}" name="main"></frameset></html>')
        gold.url = f"http://{host}{text}"
    site.add("/top.html", chrome(host, "<h1>Районная газета</h1>"))
    site.add("/menu.html", chrome(host, "<h1>Рубрики</h1>"))
    site.add("/rss.xml", rss([replace(g, url=g.url.replace("_text", "")) for g in golds]))
    site.add("/", chrome(host, "<h1>Новости</h1>", '<link rel="alternate" '
                         'type="application/rss+xml" href="/rss.xml">'))
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow:\n", content_type="text/plain"))
    return AnySite(site, f"http://{host}/", zone, inside, [g.url for g in outside])


def renamed_site() -> AnySite:
    """A site that moved to ``novaya-gazeta-rajona.test`` whose CMS still writes its old
    address ``staraya-gazeta.test`` into the feed's links (the old host is gone); the home
    page announces the feed and links nothing else; +03:00."""
    host, old = "novaya-gazeta-rajona.test", "staraya-gazeta.test"
    site, zone, inside, outside = _site(host, 3, 2400, "/news/{when:%Y/%m/%d}/novost-{n}/",
                                        "og", [])
    site.add("/rss.xml", rss([replace(g, url=g.url.replace(host, old))
                              for g in inside + outside]))
    site.add("/", chrome(host, "<h1>Новости</h1>", '<link rel="alternate" '
                         'type="application/rss+xml" href="/rss.xml">'))
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow:\n", content_type="text/plain"))
    return AnySite(site, f"http://{host}/", zone, inside, [g.url for g in outside])


def split_articles_site() -> tuple[AnySite, list[str]]:
    """Articles split over two pages (``?page=2``, a numbered pager under the text, "Страницы:
    1 2", no ``rel="next"``: the pager gives page 2) but one, which is whole and has a
    comments pager (``?page=2`` inside ``<div id="comments">``); the home page links the
    first pages; no feed, no sitemap; +03:00. The golds hold both pages' text (the item joins
    them); also the URLs of the whole ones."""
    host = "split-articles.test"
    site, zone, inside, outside = _site(host, 3, 2500, "/news/{when:%Y/%m/%d}/novost-{n}/",
                                        "og", [])
    whole = inside[-1]
    for gold in inside + outside:
        path = gold.url.removeprefix(f"http://{host}")
        first = gold
        if gold is whole:
            pager = ('<div id="comments"><p>Комментарии: 24</p><div class="pager">'
                     f'<a href="{path}?page=2">2</a> <a href="{path}?page=3">3</a></div></div>')
        else:
            first = replace(gold, paragraphs=gold.paragraphs[:3])
            site.add(f"{path}?page=2", article_html(host, replace(
                gold, paragraphs=gold.paragraphs[3:]), "og"))
            pager = f'<div class="pages">Страницы: 1 <a href="{path}?page=2">2</a></div>'
        site.add(path, article_html(host, first, "og").replace(
            '<div class="related-news">', f'{pager}<div class="related-news">'))
    site.add("/", chrome(host, section_html(host, [(g.url, g.title) for g in inside + outside])))
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow:\n", content_type="text/plain"))
    return AnySite(site, f"http://{host}/", zone, inside, [g.url for g in outside]), [whole.url]


def windows_1251_query_site(raw: bool) -> AnySite:
    """An old Windows CMS in windows-1251 (declared in ``<meta http-equiv>`` only) whose
    articles are ``/view.php?rub=<rubric>&id=N`` with a Cyrillic rubric: it answers the
    rubric in windows-1251 escapes only. The home page links them with those escapes, or
    (``raw``) with the rubric raw, which a browser sends in the page's charset. No feed, no
    sitemap; +03:00."""
    host = f"win1251-{'raw' if raw else 'escaped'}.test"
    rubric = quote("Новости района", encoding="cp1251")
    site, zone, inside, outside = _site(host, 3, 2600,
                                        f"/view.php?rub={rubric}&id={{n}}", "og", [])
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
    for path, page in list(site.pages.items()):
        html = page.body.decode().replace('<meta charset="utf-8">', meta)
        site.add(path, Page(html.encode("cp1251", "xmlcharrefreplace"), content_type="text/html"))
    golds = inside + outside
    links = "".join(f'<p><a href="{escape(unquote(g.url, "cp1251") if raw else g.url)}">'
                    f"{escape(g.title)}</a></p>" for g in golds)
    home = chrome(host, f"<h1>Новости</h1>{links}").replace('<meta charset="utf-8">', meta)
    site.add("/", Page(home.encode("cp1251", "xmlcharrefreplace"), content_type="text/html"))
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow:\n", content_type="text/plain"))
    for gold in golds:  # an item's URL has its query sorted
        gold.url = f"http://{host}{path_and_query(canonical_url(gold.url))}"
    return AnySite(site, f"http://{host}/", zone, inside, [g.url for g in outside])


def windows_1251_slugs_site() -> AnySite:
    """An old Russian CMS in windows-1251 whose articles are ``/news/<Cyrillic slug>.html``,
    the slug in windows-1251 escapes (``%C1%E5%EB…``: as UTF-8 no letter) and no number, linked from the
    home page only (no feed, no sitemap), each also by the same link spelt with lower-case
    escapes; +03:00."""
    host = "win1251-slugs.test"
    zone = timezone(timedelta(hours=3))
    site, golds = VirtualSite(host), []
    for n, when in enumerate(local_times(zone), 2700):
        slug = "-".join(re.findall(r"\w+", title_for(n))[:4]).lower()
        path = f"/news/{quote(slug, encoding='cp1251')}.html"
        golds.append(GoldArticle(url=f"http://{host}{path}", title=title_for(n),
                                 paragraphs=paragraphs_for(n), published=when))
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
    for gold in golds:
        html = article_html(host, gold, "wall").replace('<meta charset="utf-8">', meta)
        site.add(urlsplit(gold.url).path,
                 Page(html.encode("cp1251", "xmlcharrefreplace"), content_type="text/html"))
    links = "".join(f'<p><a href="{escape(urlsplit(g.url).path)}">{escape(g.title)}</a> '
                    f'<a href="{escape(urlsplit(g.url).path.lower())}">Подробнее</a></p>'
                    for g in golds)
    home = chrome(host, f"<h1>Новости</h1>{links}").replace('<meta charset="utf-8">', meta)
    site.add("/", Page(home.encode("cp1251", "xmlcharrefreplace"), content_type="text/html"))
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow:\n", content_type="text/plain"))
    inside = [g for g in golds if SINCE <= g.published.date() <= UNTIL]
    return AnySite(site, f"http://{host}/", zone, inside,
                   [g.url for g in golds if g not in inside])


# The print and AMP copies a CMS links beside an article (``{p}``: its path, ``/news/slug/``)
COPY_FORMS = {"mode_print": "{p}?mode=print", "print_param": "{p}?print=1",
              "bitrix_print": "{p}?sphrase_id=5&print=Y", "view_print": "{p}?view=print",
              "print_html": "{p}print.html", "print_dir": "{p}print/",
              "print_version": "/print-version{p}", "amp_query": "{p}?amp",
              "amp_dir": "{p}amp/", "amp_first": "/amp{p}", "amp_suffix": "{b}.amp.html",
              "output_amp": "{p}?output=amp", "printable": "{p}?printable=yes"}


def copies_site() -> AnySite:
    """A site whose home page links each article (``/news/novost-N/``) and its print and AMP
    copies (``COPY_FORMS``): a print copy is the article's text without the site's frame and
    no ``rel=canonical``, an AMP copy names the article canonical; no feed, no sitemap;
    +03:00."""
    host = "kopii-vesti.test"
    site, zone, inside, outside = _site(host, 3, 2800, "/news/novost-{n}/", "wall", [])
    links = []
    for gold in inside + outside:
        path = urlsplit(gold.url).path
        page = site.pages[path].body.decode()
        body = page[page.index("<article>"):page.index("</article>") + len("</article>")]
        printed = (f"<html><head><meta charset='utf-8'><title>{escape(gold.title)}</title>"
                   f"</head><body onload='window.print()'>{body}</body></html>")
        amp = page.replace("</head>", f'<link rel="canonical" href="{gold.url}"></head>')
        links.append(f'<p><a href="{path}">{escape(gold.title)}</a></p>')
        for form, spelling in COPY_FORMS.items():
            copy = spelling.format(p=path, b=path.rstrip("/"))
            site.add(copy, amp if "amp" in form else printed)
            links.append(f'<p><a href="{escape(copy)}">{escape(gold.title)} ({form})</a></p>')
    site.add("/", chrome(host, "<h1>Новости</h1>" + "".join(links)))
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow:\n", content_type="text/plain"))
    return AnySite(site, f"http://{host}/", zone, inside, [g.url for g in outside])


# A run of relative_dates_site is at this moment: what its pages' "Сегодня" names
RELATIVE_NOW = datetime(2026, 1, 7, 9, 0, tzinfo=timezone(timedelta(hours=3)))
# how each of local_times' articles prints its date, seen at RELATIVE_NOW
RELATIVE_FORMS = ("{p:%d.%m.%Y %H:%M}", "4 января 2026, {p:%H:%M}", "{p:%Y.%m.%d %H:%M}",
                  "Позавчера, {p:%H:%M}", "пазаўчора ў {p:%H.%M}", "Вчера в {p:%H:%M}",
                  "Сегодня, {p:%H:%M}")


def relative_dates_site() -> AnySite:
    """A district paper printing its dates for readers only (no machine date): a day named
    from today ("Сегодня, 08:00", "Вчера в 00:30", "пазаўчора ў 23.45"), a long or numeric
    date, year first ("2026.01.04 15:05"), as ``RELATIVE_FORMS`` at ``RELATIVE_NOW``;
    articles at ``/news/N`` linked by headline from the home page; no feed, no sitemap;
    +03:00."""
    host = "segodnya-vesti.test"
    zone = timezone(timedelta(hours=3))
    site, golds = VirtualSite(host), numbered_golds(host, zone, 2900, "/news/{n}")
    shown = dict(zip((g.url for g in golds), RELATIVE_FORMS, strict=True))

    def render(gold: GoldArticle) -> str:
        line = shown[gold.url].format(p=gold.published)
        body = (f"<div class='news-item'><h1>{escape(gold.title)}</h1><div class='news-date'>"
                f"{escape(line)}</div>{html_paragraphs(gold.paragraphs)}</div>")
        return chrome(host, body, title=gold.title)

    inside, outside = placed(site, golds, render)
    listed = "".join(f'<p><a href="/news/{n}">{escape(g.title)}</a></p>'
                     for n, g in enumerate(golds, 1))
    site.add("/", chrome(host, f"<h1>Новости</h1>{listed}"))
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow:\n", content_type="text/plain"))
    return AnySite(site, f"http://{host}/", zone, inside, [g.url for g in outside])


def oldest_first_site() -> AnySite:
    """A home page list sorted oldest first (a CMS's default ``ORDER BY id``): 40 articles
    from 20 December, 14 hours apart, six a page (``?page=N``), each dated by its URL
    (``/news/YYYYMMDD/N-novost-goroda/``, no day archive); the window's articles on the
    fifth page, newer ones after it. No feed, no sitemap; +03:00."""
    host = "oldest-first.test"
    zone = timezone(timedelta(hours=3))
    site = VirtualSite(host)
    posts = dated_posts(site, datetime(2025, 12, 20, 10, 0, tzinfo=zone), timedelta(hours=14),
                        40, "/news/{when:%Y%m%d}/{n}-novost-goroda/")
    chunks = [posts[i:i + 6] for i in range(0, len(posts), 6)]
    pages = [f"/news/?page={n}" for n in range(1, len(chunks) + 1)]
    return paged_site(site, host, zone, posts, chunks, pages)


def mobile_edition_site(label: str, how: str) -> tuple[AnySite, VirtualSite]:
    """A site (the feed-only shape) with a mobile edition on ``{label}.host``: as real sites
    do, every desktop page names its mobile copy (``rel="alternate" media="only screen…"``)
    and the mobile host either serves its own copies, each naming the desktop page its
    ``rel="canonical"``, whose links and feed stay on the mobile host (``how="canonical"``),
    or answers 301 to the same path on the desktop host (``how="redirect"``); with
    ``how="foreign"`` the canonicals name another registered domain. Returns the
    site (its golds at desktop URLs) and its mobile host."""
    shape = feed_only_site()
    host = shape.site.host
    mobile = VirtualSite(f"{label}.{host}")
    for path, page in list(shape.site.pages.items()):
        if how == "redirect":
            mobile.add(path, Page(b"", status=301, headers=[("Location", f"http://{host}{path}")]))
            continue
        body = page.body.replace(f"http://{host}/".encode(), f"http://{mobile.host}/".encode())
        if page.content_type and "html" in page.content_type:
            shape.site.add(path, Page(page.body.replace(b"</head>", (
                '<link rel="alternate" media="only screen and (max-width: 640px)" '
                f'href="http://{mobile.host}{path}"></head>').encode()),
                content_type=page.content_type))
            named = f"{host}.example" if how == "foreign" else host
            body = body.replace(
                b"</head>", f'<link rel="canonical" href="http://{named}{path}"></head>'.encode(),
                1)
        mobile.add(path, Page(body, content_type=page.content_type))
    return shape, mobile


BUILD_TIME_FORMS = ("feed_one_instant", "news_sitemap_build_minutes")


def build_time_dates_site(form: str) -> AnySite:
    """A source whose dates are its build time, not publication: an RSS feed dating every
    entry 9 January 05:00 (after the window by days), or a news sitemap dating its entries
    minutes apart before 6 January 05:00 (a day after it, each a little earlier); the pages
    print their real dates (JSON-LD), four of seven in the window. No other source: the home
    page links nothing; +03:00."""
    host = f"{form.replace('_', '-')}.test"
    site, zone, inside, outside = _site(host, 3, 1900, "/news/{n}-sobytie-rayona/", "jsonld",
                                        [])
    golds = inside + outside
    if form == "feed_one_instant":
        built = datetime(2026, 1, 9, 5, 0, tzinfo=zone)
        site.add("/rss.xml", rss([replace(g, published=built) for g in golds]))
        head = '<link rel="alternate" type="application/rss+xml" href="/rss.xml">'
    else:
        built = datetime(2026, 1, 6, 5, 0, tzinfo=zone)
        site.add("/sitemap.xml", news_urlset([(g.url, g.title, built - timedelta(minutes=i))
                                              for i, g in enumerate(golds)]))
        head = ""
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow:\n", content_type="text/plain"))
    site.add("/", chrome(host, section_html(host, []), head))
    return AnySite(site, f"http://{host}/", zone, inside, [g.url for g in outside])


# A home page's list paged in a way no page scheme names: the link to the next page, its
# words, and the address of page n (None: a script's button, no address at all)
WORDED_PAGERS = {"start": ("Следующая", "/news/?start={offset}"),  # Joomla
                 "offset": ("« Предыдущие новости", "/news/?offset={offset}"),
                 "folder": ("Далее", "/news/{n}/"),
                 "load_more": ("Показать ещё", None)}


def worded_pager_site(form: str) -> AnySite:
    """No feed, no sitemap, undated ``/news/<id>-<slug>/`` URLs: the home page lists the six
    newest articles, all after the window, and a link to the next six (``WORDED_PAGERS``:
    no ``rel="next"``, no page number of a known scheme) or a script's "Показать ещё" button
    with no address; the window's articles lie on the third page and later; +03:00."""
    host = f"worded-{form.replace('_', '-')}.test"
    site, zone, posts = _news_every_seven_hours(host)
    newest = posts[::-1]
    words, address = WORDED_PAGERS[form]
    for n in range(1, 8):
        chunk = newest[(n - 1) * 6:n * 6]
        more = (f'<a href="{escape(address.format(n=n + 1, offset=n * 6))}">{escape(words)}</a>'
                if address else f'<button data-url="/ajax/news/{n + 1}" onclick="more(this)">'
                f"{words}</button>")
        body = (section_html(host, [(g.url, g.title) for g in chunk])
                + (f'<div class="more">{more}</div>' if n < 7 else ""))
        if n == 1:
            site.add("/", chrome(host, body))
        elif address:
            site.add(address.format(n=n, offset=(n - 1) * 6), chrome(host, body))
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow:\n", content_type="text/plain"))
    inside = [g for g in posts if SINCE <= g.published.date() <= UNTIL]
    return AnySite(site, f"http://{host}/", zone, inside,
                   [g.url for g in posts if g not in inside])


def dead_links_site(dead: list[Page | None], articles: bool = True) -> AnySite:
    """A site whose RSS (GMT dates, as uCoz writes them) lists first links dated in the
    window whose pages are no articles (``dead``: each one's answer, None for a 404), then,
    with ``articles``, its seven articles, whose pages print the wall time alone on a
    +03:00 clock; no sitemap, a ``.test`` host (no country's zone): only the article pages
    read early tell its zone. The dead links are ``/news/propala-<n>.html``."""
    host = "dead-links.test" if articles else "all-dead.test"
    site, zone, inside, outside = _site(host, 3, 1750, "/news/novost-rayona-{n}.html", "wall",
                                        [])
    when = datetime(2026, 1, 5, 12, 0, tzinfo=zone)
    gone = [GoldArticle(url=f"http://{host}/news/propala-{n}.html", title=title_for(1800 + n),
                        paragraphs=[], published=when) for n in range(len(dead))]
    for gold, page in zip(gone, dead, strict=True):
        if page is not None:
            site.add(urlsplit(gold.url).path, page)
    site.add("/rss.xml", rss(gone + (inside + outside if articles else [])))
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow:\n", content_type="text/plain"))
    site.add("/", chrome(host, "<h1>Новости</h1>", '<link rel="alternate" '
                         'type="application/rss+xml" href="/rss.xml">'))
    return AnySite(site, f"http://{host}/", zone, inside if articles else [],
                   [g.url for g in outside] if articles else [])


def colon_paths_site() -> AnySite:
    """A site whose articles sit at ``/news:<n>/`` (a colon in the first segment, as a wiki's
    ``/Special:…`` or a CMS's ``/news:123/`` has it), listed by its RSS; zone +03:00."""
    host = "colon-paths.test"
    site, zone, inside, outside = _site(host, 3, 1850, "/news:{n}/", "jsonld", [])
    site.add("/rss.xml", rss(inside + outside))
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow:\n", content_type="text/plain"))
    site.add("/", chrome(host, "<h1>Новости</h1>", '<link rel="alternate" '
                         'type="application/rss+xml" href="/rss.xml">'))
    return AnySite(site, f"http://{host}/", zone, inside, [g.url for g in outside])
