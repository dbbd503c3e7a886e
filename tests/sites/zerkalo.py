"""A fixture Зеркало (news.zerkalo.io) and one of its mirrors, shaped after shared/outlets.md §1.

Pages carry the boilerplate seeds 000/001 show leaking through naive extraction: the support
banner, "Беларусы на войне", a numbered top-headlines list, donation promos, "read also" inserts,
iframes and photo captions printed twice with their credit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import format_datetime
from html import escape
from zoneinfo import ZoneInfo

from tests.sites.common import GoldArticle, paragraphs_for, title_for
from tests.support.server import Page, VirtualSite

HOST = "news.zerkalo.io"
MIRROR_HOST = "br0wse-zerkalo.site"
TZ = ZoneInfo("Europe/Minsk")
SECTIONS = {"politics": "Политика", "economics": "Экономика", "life": "Жизнь",
            "world": "В мире", "society": "Общество"}
MONTHS_GEN = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
              "сентября", "октября", "ноября", "декабря"]
TOP_HEADLINES = [
    "Золушка современной Беларуси. Как логопед из Шклова оказалась на верхушке империи развлечений",
    "А вы из Западной или Восточной Беларуси? Рассказываем, что жители этих регионов думали",
    "Беларуска рассказала, что получила «повестку за неуборку снега» вокруг авто",
    "Лукашенко дал прогноз на конец зимы. Синоптики с ним не согласны",
    "Мария Колесникова ответила, поддерживает ли она по-прежнему Светлану Тихановскую",
    "Пара сняла «бабушатник» и преобразила его за 700 долларов. Хозяева подняли аренду",
    "Помните экс-директора «Белтелекома», которого осудили по «делу Втюрина»?",
    "ГУБОПиК пришел с обысками в офисы кол-центров, продававших БАДы",
    "Клиенты мобильных операторов радовались, что «отбили» безлимитные тарифные планы",
    "В США назвали военные потери России — беспрецедентные со времен Второй мировой",
    "«Мнения разделились». Как европейские политики отреагировали на призыв Колесниковой",
    "ВСУ перенимают тактику нанесения ударов БПЛА, которая позволила армии РФ продвинуться",
]
READ_ALSO = "Как беларусы переживают морозы: советы энергетиков"
DONATION = "Вы можете отправить нам 1,5% своих польских налогов. Рассказываем, как это сделать"
# Phrases from page and in-body boilerplate that must never reach an item's text.
BOILERPLATE = [
    "Поддержать команду Зеркала", "Беларусы на войне", "1,5% своих польских налогов",
    "Читайте также", READ_ALSO, "Фото:", "пресс-служба Кремля", "Reuters", "youtube",
    "Все права защищены", *TOP_HEADLINES,
]

# (day, hour, minute, rubric, author): ten articles over four days, newest last. Two sit
# just after Minsk midnight, i.e. on the previous day in UTC (a feed-date trap).
SCHEDULE = [
    (date(2026, 1, 10), 9, 5, "politics", None),
    (date(2026, 1, 10), 17, 30, "economics", "Анна Ковалёва"),
    (date(2026, 1, 11), 0, 10, "life", None),
    (date(2026, 1, 11), 14, 45, "world", "Сергей Новик"),
    (date(2026, 1, 12), 8, 0, "society", None),
    (date(2026, 1, 12), 11, 20, "life", "Анна Ковалёва"),
    (date(2026, 1, 12), 15, 55, "economics", None),
    (date(2026, 1, 12), 21, 40, "politics", None),
    (date(2026, 1, 13), 0, 15, "world", "Сергей Новик"),
    (date(2026, 1, 13), 12, 30, "life", None),
]
FIRST_ID = 117500


@dataclass
class ZerkaloFixture:
    site: VirtualSite
    mirror: VirtualSite
    golds: list[GoldArticle]
    front: set[str]  # canonical URLs a run without a window must find (feeds + /latest/ p. 1)

    def in_window(self, since: date, until: date) -> list[GoldArticle]:
        return [g for g in self.golds if since <= g.published.date() <= until]


def caption_for(i: int) -> str:
    credit = ["пресс-служба Кремля", "Reuters", "Zerkalo.io"][i % 3]
    return f"Владимир Путин и Александр Лукашенко 6 апреля 2023 года. Фото: {credit}"


def path_of(url: str) -> str:
    return url.removeprefix(f"https://{HOST}")


def header() -> str:
    top = "".join(f'<li><a href="/life/{1759 + n}.html">{escape(t)}</a></li>'
                  for n, t in enumerate(TOP_HEADLINES))
    return f"""<header><a class="support-banner" href="https://support.zerkalo.io/">Поддержать команду Зеркала</a>
<nav><a href="/politics/">Политика</a> <a href="/economics/">Экономика</a> <a href="/life/">Жизнь</a>
<a href="/tag/belarusy-na-vojne.html">Беларусы на войне</a> <a href="/search/?q=">Поиск</a></nav></header>
<aside class="top-news"><ol>{top}</ol></aside>"""


FOOTER = ('<footer><a href="https://support.zerkalo.io/">Поддержать команду Зеркала</a> '
          "© Зеркало. Все права защищены.</footer>")


def article_page(i: int, gold: GoldArticle, rubric: str) -> str:
    p = gold.published
    visible = f"{p.day} {MONTHS_GEN[p.month - 1]} {p.year}, {p:%H:%M}"
    paras = [escape(x, quote=False) for x in gold.paragraphs]
    author = (f'<span itemprop="author" itemscope itemtype="https://schema.org/Person">'
              f'<span itemprop="name">{escape(gold.authors[0])}</span></span>'
              if gold.authors else "")
    caption = escape(caption_for(i))
    # 2021–22 pages keep the body in div#article_body; current ones in [itemprop=articleBody].
    opener = '<div id="article_body">' if i % 3 == 2 else '<div itemprop="articleBody">'
    return f"""<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8"><title>{escape(gold.title)} - Зеркало</title>
<meta property="og:title" content="{escape(gold.title)}">
<meta property="article:published_time" content="{p.isoformat()}">
<script>window.dataLayer = [];</script></head><body>
{header()}
<main><article>
<a itemprop="articleSection" href="/{rubric}/">{SECTIONS[rubric]}</a>
<h1>{escape(gold.title)}</h1>
<time datetime="{p.isoformat()}">{visible}</time> {author}
{opener}
<p>{paras[0]}</p>
<figure><img src="/img/{i}.jpg" alt="{caption}"><figcaption>{caption}</figcaption></figure>
<div class="image-credit">{caption}</div>
<p>{paras[1]}</p>
<div class="b-addition"><span>Читайте также</span><a href="/life/117400.html">{READ_ALSO}</a></div>
<p>{paras[2]}</p>
<iframe src="https://www.youtube.com/embed/abc{i}">youtube</iframe>
<p>{paras[3]}</p>
<p>Фото: Reuters</p>
<p>{DONATION} <a href="/life/100.html">здесь</a></p>
<p>{paras[4]}</p>
</div>
<div class="donate-promo">Поддержать команду Зеркала</div>
</article></main>
{FOOTER}
</body></html>"""


def listing_page(title: str, entries: list[str], next_href: str | None = None,
                 extra: str = "") -> str:
    nxt = f'<a rel="next" class="pagination__next" href="{next_href}">Дальше</a>' if next_href else ""
    return f"""<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>{title}</title></head>
<body>{header()}<main><h1>{title}</h1>{''.join(entries)}{extra}<div class="pagination">{nxt}</div>
</main>{FOOTER}</body></html>"""


def news_entry(href: str, gold_title: str, rubric: str, when: str) -> str:
    return (f'<div class="news-entry"><span class="time">{when}</span> '
            f'<a class="rubric" href="/{rubric}/">{SECTIONS.get(rubric, rubric)}</a> '
            f'<a href="{escape(href)}">{escape(gold_title)}</a></div>')


DESCRIPTION = '<p><img src="/img/feed.jpg" alt="">{}</p>'


def rss(golds: list[GoldArticle], rubrics: list[str], ids: list[int]) -> bytes:
    """Зеркало's RSS: utm-tagged links, HTML descriptions, category, a photo credit in atom:author."""
    items = "".join(
        f"<item><title>{escape(g.title)}</title>"
        f"<link>{escape(g.url)}?utm_source=rss&amp;utm_medium=feed&amp;utm_campaign=all</link>"
        f"<description>{escape(DESCRIPTION.format(g.paragraphs[0]))}</description>"
        f"<atom:author><atom:name>Фото: Reuters</atom:name></atom:author>"
        f"<category>{SECTIONS[r]}</category><guid>{n}</guid>"
        f"<pubDate>{format_datetime(g.published.astimezone(UTC))}</pubDate></item>"
        for g, r, n in zip(golds, rubrics, ids, strict=True))
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
            f'xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>Зеркало</title>'
            f"<link>https://{HOST}/</link>{items}</channel></rss>").encode()


def mirror_of(site: VirtualSite) -> VirtualSite:
    """A mirror host serving the whole site under /news/, links rewritten to itself."""
    mirror = VirtualSite(MIRROR_HOST)

    def serve(target: str) -> Page | None:
        if not target.startswith("/news/"):
            return None
        page = site.find(target.removeprefix("/news"))
        if page is None:
            return None
        body = page.body.replace(b'href="/', b'href="/news/').replace(
            f"https://{HOST}/".encode(), f"https://{MIRROR_HOST}/news/".encode())
        return Page(body, status=page.status, content_type=page.content_type)

    mirror.dynamic.append(serve)
    return mirror


def build() -> ZerkaloFixture:
    site = VirtualSite(HOST)
    golds: list[GoldArticle] = []
    rubrics: list[str] = []
    for i, (day, hour, minute, rubric, author) in enumerate(SCHEDULE):
        url = f"https://{HOST}/{rubric}/{FIRST_ID + i}.html"
        published = datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)
        gold = GoldArticle(url=url, title=title_for(300 + i), paragraphs=paragraphs_for(300 + i),
                           published=published, authors=[author] if author else [],
                           section=SECTIONS[rubric])
        golds.append(gold)
        rubrics.append(rubric)
        site.add(path_of(url), article_page(i, gold, rubric))
    ids = [FIRST_ID + i for i in range(len(golds))]

    # Feeds: the day's feed holds the last day, the week's the six newest (newest first).
    newest = list(range(len(golds)))[::-1]
    last_day = [n for n in newest if golds[n].published.date() == golds[-1].published.date()]
    for path, picks in (("/rss/all.rss", last_day), ("/rss/index.rss", newest[:6])):
        site.add(path, Page(rss([golds[n] for n in picks], [rubrics[n] for n in picks],
                                [ids[n] for n in picks]),
                            content_type="application/rss+xml; charset=utf-8"))

    # Day archives; link variants: tracking params, a mirror link, repeats, non-article pages.
    def href(n: int) -> str:
        path = path_of(golds[n].url)
        return [path + "?c", golds[n].url + "?utm_source=archive&utm_medium=web",
                f"https://{MIRROR_HOST}/news{path}", path][n % 4]

    for day in sorted({g.published.date() for g in golds}):
        todays = [n for n in newest if golds[n].published.date() == day]
        entries = [news_entry(href(n), golds[n].title, rubrics[n],
                              f"{golds[n].published:%H:%M}") for n in todays]
        entries.append(news_entry("/gallery/900.html", "Фотогалерея: зима в Минске", "life", "10:00"))
        entries.append(news_entry("/tag/lukashenko.html", "Все о Лукашенко", "politics", "09:00"))
        base = f"/archive/{day:%d.%m.%Y}.html"
        if len(entries) > 4:  # a busy day spans two pages
            site.add(base, listing_page(f"Архив {day:%d.%m.%Y}", entries[:2], f"{base}?page=2"))
            site.add(f"{base}?page=2", listing_page(f"Архив {day:%d.%m.%Y}", entries[2:]))
        else:
            site.add(base, listing_page(f"Архив {day:%d.%m.%Y}", entries))

    # /latest/: five newest on page 1 (plus print, gallery and search links), the rest on page 2.
    def latest_entry(n: int) -> str:
        return news_entry(href(n), golds[n].title, rubrics[n], f"{golds[n].published:%H:%M}")

    extras = ('<a href="/print/life/117509.html">Версия для печати</a>'
              '<a href="/gallery/900.html">Фотогалерея</a><a href="/search/?q=мороз">Поиск</a>'
              '<a href="https://www.belta.by/society/view/x-1-2026/">БЕЛТА</a>')
    site.add("/latest/", listing_page("Последние новости", [latest_entry(n) for n in newest[:5]],
                                      "/latest/?page=2", extras))
    site.add("/latest/?page=2", listing_page("Последние новости",
                                             [latest_entry(n) for n in newest[5:]]))
    site.add("/gallery/900.html", "<html><body><h1>Фотогалерея</h1><p>Фото</p></body></html>")
    site.add("/print/life/117509.html", article_page(9, golds[9], "life"))
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow: /search/\n", content_type="text/plain"))
    front = {golds[n].url for n in newest[:6]} | {golds[n].url for n in newest[:5]}
    return ZerkaloFixture(site, mirror_of(site), golds, front)
