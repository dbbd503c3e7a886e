"""A fixture БЕЛТА (www.belta.by) shaped after shared/outlets.md §2."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from html import escape
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from tests.sites.common import GoldArticle, html_paragraphs, paragraphs_for, rss, title_for
from tests.support.server import Page, VirtualSite

HOST = "www.belta.by"
TZ = ZoneInfo("Europe/Minsk")
MONTHS_GEN = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
              "сентября", "октября", "ноября", "декабря"]
RUBRICS = ["president", "politics", "economics", "society", "regions"]
SECTION_NAMES = {"president": "Президент", "politics": "Политика", "economics": "Экономика",
                 "society": "Общество", "regions": "Регионы"}
# Phrases from BELTA's page and in-body boilerplate that must never reach an item's text.
BOILERPLATE = [
    "Подписывайтесь на наш канал", "Хотите быть в курсе", "Новости Беларуси", "Читайте также",
    "Больше новостей", "Реклама", "Версия для печати", "Все новости", "Фото из архива",
    "Подписаться на рассылку", "Минск-Новости", "Популярное",
]


def drifted_page(gold: GoldArticle, rubric: str) -> str:
    """The same article after a redesign the rules do not know: no ``<h1>`` (the headline is
    an ``h2.news-headline``), the body in ``div.article-text-v2`` instead of
    ``div.js-mediator-article``, the date only in JSON-LD and ``div.news-date`` (no
    ``mediator_published_time``, no ``div.date_full``). The generic path still reads it."""
    p = gold.published
    ld = ('{"@context": "https://schema.org", "@type": "NewsArticle", "headline": '
          f'"{escape(gold.title)}", "datePublished": "{p.isoformat()}"}}')
    return f"""<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8"><title>{escape(gold.title)} | БЕЛТА</title>
<meta property="og:title" content="{escape(gold.title)}">
<script type="application/ld+json">{ld}</script>
</head><body>
<div class="header"><a href="/">БЕЛТА — Новости Беларуси</a></div>
<div class="page-v2"><div class="breadcrumbs"><a href="/">Главная</a> <a href="/{rubric}/">{SECTION_NAMES[rubric]}</a></div>
<h2 class="news-headline">{escape(gold.title)}</h2>
<div class="news-date">{p.day:02d}.{p.month:02d}.{p.year} {p:%H:%M}</div>
<article class="article-text-v2">
{html_paragraphs(gold.paragraphs)}
</article></div>
<div class="footer">© БЕЛТА, 1996–2026. Все права защищены.</div>
</body></html>"""


def article_page(gold: GoldArticle, rubric: str, author: str | None,
                 date_in: str = "date_full", printed_time: bool = True) -> str:
    """The article as BELTA serves it; ``date_in`` another class for its printed date (a
    layout change the rules do not know), or "" for none printed; without ``printed_time``
    the printed date is the day alone."""
    p = gold.published
    visible = f"{p.day:02d} {MONTHS_GEN[p.month - 1]} {p.year}"
    visible += f", {p:%H:%M}" if printed_time else ""
    dateline = f'<div class="{date_in}">{visible}</div>' if date_in else ""
    # The trap from the one real sample: wall-clock Minsk time labelled +00:00.
    mediator = p.strftime("%Y-%m-%dT%H:%M:%S") + "+00:00"
    paras = gold.paragraphs
    tags = "".join(f'<a href="/tags/{i}/" title="{escape(t)}">{escape(t)}</a>'
                   for i, t in enumerate(gold.tags))
    person = (f'<div class="person_fio" title="{escape(author)}">{escape(author)}</div>'
              if author else "")
    return f"""<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8"><title>{escape(gold.title)} | БЕЛТА</title>
<meta property="og:title" content="{escape(gold.title)}">
<meta name="mediator_published_time" content="{mediator}">
<script type="text/javascript">window.yaContextCb = window.yaContextCb || [];</script>
</head><body>
<div class="header"><a href="/">БЕЛТА — Новости Беларуси</a>
<ul class="menu"><li><a href="/president/">Президент</a></li><li><a href="/politics/">Политика</a></li>
<li><a href="/economics/">Экономика</a></li><li><a href="/all_news/">Все новости</a></li></ul></div>
<div class="main"><div class="content_margin">
<div class="breadcrumbs"><a href="/">Главная</a> <a href="/{rubric}/">{SECTION_NAMES[rubric]}</a></div>
<h1>{escape(gold.title)}</h1>
{dateline}
{person}
<div class="inner_content">
<div class="js-mediator-article">
{html_paragraphs(paras[:2])}
<div class="news_accent_block"><a href="/society/view/other-1-2026/">Читайте также: Больше новостей о главном</a></div>
<div class="advertising_block">Реклама</div>
{html_paragraphs(paras[2:])}
<script>var mediator = 1;</script>
<div class="invite_in_messagers">Подписывайтесь на наш канал в Telegram! Хотите быть в курсе?</div>
<div class="news_tags_block">{tags}</div>
<div class="yandex_share_print"><a href="/printv/{rubric}/view/x/">Версия для печати</a></div>
<div class="video_add">Фото из архива</div>
<div class="fp_block">Подписаться на рассылку</div>
</div></div>
</div></div>
<div class="sidebar"><div class="lenta_title">Популярное</div>
<div class="news_item"><a href="/regions/view/x-1-2026/">Минск-Новости: последние события</a></div></div>
<div class="footer">© БЕЛТА, 1996–2026. Все права защищены.</div>
</body></html>"""


PHOTO_CAPTIONS = ["Участники праздничного концерта на площади Независимости",
                  "Выступление народного ансамбля «Свитанак»",
                  "Гости праздника у выставки декоративно-прикладного искусства",
                  "Вечерний Минск в праздничной иллюминации"]


def photonews_page(title: str, published: datetime) -> str:
    """A BELTA photo gallery (``/photonews/view/…``): the article frame of outlets.md §2 with
    a date line and four captioned photos where the body text would be."""
    visible = f"{published.day:02d} {MONTHS_GEN[published.month - 1]} {published.year}"
    photos = "".join(f'<div class="photo_item"><img src="/images/storage/photo/{i}.jpg" '
                     f'alt=""><p>{escape(c)}</p></div>' for i, c in enumerate(PHOTO_CAPTIONS))
    return f"""<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8"><title>{escape(title)} | БЕЛТА</title>
<meta property="og:title" content="{escape(title)}"></head><body>
<div class="header"><a href="/">БЕЛТА — Новости Беларуси</a></div>
<div class="main"><div class="content_margin">
<h1>{escape(title)}</h1>
<div class="date_full">{visible}, {published:%H:%M}</div>
<div class="inner_content"><div class="js-mediator-article">
<p>{visible}</p>
{photos}
<div class="news_tags_block"><a href="/tags/1/" title="Фото">Фото</a></div>
</div></div></div></div>
<div class="footer">© БЕЛТА, 1996–2026. Все права защищены.</div>
</body></html>"""


# A Cloudflare-style interstitial served with status 200 in place of an article.
CHALLENGE_PAGE = """<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="refresh" content="390"><script>(function(){window._cf_chl_opt={cvId:'3',
cZone:'www.belta.by',cType:'managed'};}());</script></head><body><div class="main-wrapper">
<h1>www.belta.by</h1><p>Checking if the site connection is secure</p><noscript>Enable
JavaScript and cookies to continue</noscript></div></body></html>"""

LENTA_PER_PAGE = 2
PHOTONEWS_URL = f"https://{HOST}/photonews/view/prazdnik-v-minske-9001-2026/"
FORBIDDEN_URL = f"https://{HOST}/politics/view/zapreshchennaja-novost-9003-2026/"
FORBIDDEN_TITLE = "Запрещённая новость"
CHALLENGE_URL = f"https://{HOST}/society/view/zakrytaja-novost-9002-2026/"


def lenta_page(day: date, page: int, shown: list[tuple[GoldArticle, str]], more: bool) -> str:
    """A page of the day archive ("Все новости" lenta), shaped after outlets.md §2."""
    items = []
    for gold, rubric in shown:
        p = gold.published
        path = gold.url.removeprefix(f"https://{HOST}")
        items.append(f"""<div class="news_item lenta_item">
<div class="new_date"><div class="day">{p.day:02d}</div><div class="month_year">{MONTHS_GEN[p.month - 1]} {p.year}</div></div>
<a href="https://{HOST}/{rubric}/" class="lenta_rubric">{SECTION_NAMES[rubric]}</a>
<a href="{path}" class="lenta_item_title"><span class="date">{p:%H:%M}</span> {escape(gold.title)}</a>
</div>""")
    query = f"?day={day:%d}&amp;month={day:%m}&amp;year={day:%y}"
    nav = (f'<div class="pager"><a href="/all_news/page/{page + 1}/{query}">Следующая</a></div>'
           if more else "")
    return f"""<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8"><title>Все новости | БЕЛТА</title></head><body>
<div class="header"><a href="/">БЕЛТА — Новости Беларуси</a>
<ul class="menu"><li><a href="/president/">Президент</a></li><li><a href="/all_news/">Все новости</a></li>
<li><a href="/printv/president/view/x/">Версия для печати</a></li></ul></div>
<div class="main"><div class="content_margin"><h1>Все новости</h1>
<div class="lenta_news">{"".join(items)}</div>{nav}
<div class="news_item"><a href="/regions/view/x-1-2026/">Минск-Новости: последние события</a></div>
</div></div></body></html>"""


def build(start: datetime | None = None, count: int = 10, rss_count: int | None = None,
          photonews: bool = False, challenge: bool = False, drift: bool | int = False,
          forbidden: bool = False, date_in: str = "date_full", printed_time: bool = True
          ) -> tuple[VirtualSite, list[GoldArticle]]:
    """A BELTA with ``count`` articles, two a day going back from ``start``.

    The RSS holds the newest ``rss_count`` (all by default); the day archive holds them all.
    ``photonews`` adds a photo gallery to the feed (``PHOTONEWS_URL``), ``challenge`` an
    article URL answered by a Cloudflare challenge page with status 200 (``CHALLENGE_URL``);
    ``forbidden`` an article URL answered with 403 (``FORBIDDEN_URL``); none of these is a
    gold article. ``drift`` serves every article in a layout the rules do not know
    (:func:`drifted_page`), or, given a number, that many of the newest (a redesign rolled
    out mid-crawl); ``date_in`` prints the date in another element (or none: ""),
    without ``printed_time`` with no time.
    """
    start = start or datetime(2026, 1, 8, 19, 51, tzinfo=TZ)
    site = VirtualSite(HOST)
    golds: list[GoldArticle] = []
    rubrics: list[str] = []
    entries = []
    for i in range(count):
        rubric = RUBRICS[i % len(RUBRICS)]
        article_id = 427700 + i
        url = f"https://{HOST}/{rubric}/view/novost-nomer-{i}-{article_id}-{start.year}/"
        published = start - timedelta(hours=12 * i, minutes=7 * i)
        author = "Иван Петров" if i % 4 == 3 else None
        gold = GoldArticle(url=url, title=title_for(100 + i), paragraphs=paragraphs_for(100 + i),
                           published=published, authors=[author] if author else ["БЕЛТА"],
                           section=None, tags=[f"Тег {i}", "Лукашенко"])
        golds.append(gold)
        rubrics.append(rubric)
        path = url.removeprefix(f"https://{HOST}")
        site.add(path, drifted_page(gold, rubric) if drift is True or i < drift
                 else article_page(gold, rubric, author, date_in, printed_time))
        entries.append((gold.title, url + "?utm_source=rss&utm_medium=feed", published,
                        "<p>Анонс</p>"))
    entries = entries[:rss_count] if rss_count is not None else entries
    if photonews:
        site.add(PHOTONEWS_URL.removeprefix(f"https://{HOST}"),
                 photonews_page("Фоторепортаж: праздник в Минске", start))
        entries.append(("Фоторепортаж: праздник в Минске", PHOTONEWS_URL, start, ""))
    if challenge:
        site.add(CHALLENGE_URL.removeprefix(f"https://{HOST}"), CHALLENGE_PAGE)
        entries.append(("Закрытая новость", CHALLENGE_URL, start, ""))
    if forbidden:
        site.add(FORBIDDEN_URL.removeprefix(f"https://{HOST}"),
                 Page(b"<html><body>403 Forbidden</body></html>", status=403))
        entries.append((FORBIDDEN_TITLE, FORBIDDEN_URL, start - timedelta(days=1), ""))
    site.add("/rss", Page(rss("БЕЛТА", f"https://{HOST}/", entries).encode(),
                          content_type="application/rss+xml; charset=utf-8"))
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow: /printv\nDisallow: /*getResults*\n",
                                 content_type="text/plain"))
    site.add("/printv/president/view/x/", "<html><body>print</body></html>")
    newest_first = sorted(zip(golds, rubrics, strict=True), key=lambda gr: gr[0].published,
                          reverse=True)

    def day_archive(target: str) -> Page | None:
        parts = urlsplit(target)
        match = re.fullmatch(r"/all_news/page/(\d+)/", parts.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if not match or not {"day", "month", "year"} <= set(query):
            return None
        day = date(2000 + int(query["year"]), int(query["month"]), int(query["day"]))
        page = int(match.group(1))
        # The lenta of a day starts at its last item and runs on into older days.
        older = [(g, r) for g, r in newest_first if g.published.date() <= day]
        shown = older[(page - 1) * LENTA_PER_PAGE:page * LENTA_PER_PAGE]
        more = len(older) > page * LENTA_PER_PAGE
        return Page(lenta_page(day, page, shown, more).encode())

    site.dynamic.append(day_archive)
    return site, golds
