"""A fixture RuNews24 (runews24.ru) shaped after shared/outlets.md §4 and seed 004.

Three layouts: ``div.desc.text`` (the 2016 container, 32-hex ids), a newer container for slug
URLs, and an /eng/ page whose container no rule knows (the generic fallback must cope). Every
page carries the "Новости дня" column, banners, "Читайте нас в телеграм", the cookie notice and
the footer registration text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import format_datetime
from html import escape
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from tests.sites.common import GoldArticle, paragraphs_for, title_for
from tests.support.server import Page, VirtualSite

HOST = "runews24.ru"
TZ = ZoneInfo("Europe/Moscow")
# Rubric fronts the spider is expected to walk (as listed in shared/outlets.md).
RUBRICS = ["russia", "world", "politics", "economy", "finance", "society", "incidents", "science",
           "sport", "health", "internet", "technology", "auto", "culture", "eng"]
SECTIONS = {"russia": "Россия", "world": "В мире", "politics": "Политика", "economy": "Экономика",
            "finance": "Финансы", "society": "Общество", "incidents": "Происшествия",
            "science": "Наука", "sport": "Спорт", "health": "Здоровье", "internet": "Интернет",
            "technology": "Технологии", "auto": "Авто", "culture": "Культура", "eng": "World"}
PER_PAGE = 2
COOKIE = ("Продолжая использовать наш сайт, вы даете согласие на обработку файлов cookie, которые "
          "обеспечивают правильную работу сайта.")
REGISTRATION = ("Сетевое издание «RuNews24.ru» зарегистрировано Роскомнадзором. Свидетельство о "
                "регистрации СМИ Эл № ФС 77-12345. 18+")
BOILERPLATE = ["Новости дня", "Все новости дня", "Читайте нас в телеграм", "Read us on Telegram",
               "Продолжая использовать наш сайт", "cookie", "Согласен", "Свидетельство о регистрации",
               "Роскомнадзор", "Фото:", "коллаж RuNews24.ru", "Автор:", "Author:", "Реклама",
               "Купить со скидкой"]
ENGLISH = [
    "Belarusian President Alexander Lukashenko arrived in Moscow on an official visit.",
    "The two leaders are expected to discuss trade, energy and the Union State programmes.",
    "Talks will be held first in a narrow format and then with the participation of delegations.",
    "Kremlin spokesman Dmitry Peskov said a joint press conference is planned after the talks.",
    "Several intergovernmental agreements are due to be signed during the visit to the capital.",
]

# (day, hour, minute, rubric, id kind, author): newest last. 00:20 Moscow is the previous day
# in UTC; the URL keeps the Moscow day.
SCHEDULE = [
    (date(2026, 1, 10), 10, 0, "politics", "hex", "Никита Орлов"),
    (date(2026, 1, 10), 19, 15, "world", "slug", "Ольга Смирнова"),
    (date(2026, 1, 11), 0, 20, "politics", "slug", "Никита Орлов"),
    (date(2026, 1, 11), 13, 5, "economy", "hex", None),
    (date(2026, 1, 11), 16, 40, "eng", "slug", "Nikita Orlov"),
    (date(2026, 1, 12), 9, 30, "society", "hex", "Никита Орлов"),
    (date(2026, 1, 12), 12, 0, "politics", "slug", "Ольга Смирнова"),
    (date(2026, 1, 12), 18, 45, "incidents", "slug", "Никита Орлов"),
    (date(2026, 1, 13), 8, 10, "world", "hex", "Никита Орлов"),
    (date(2026, 1, 13), 14, 35, "politics", "slug", "Ольга Смирнова"),
]


@dataclass
class Story:
    gold: GoldArticle
    rubric: str
    layout: str  # "desc" | "modern" | "unknown"


@dataclass
class RuNews24Fixture:
    site: VirtualSite
    stories: list[Story]
    front: set[str]  # what a run without a window must find: the feed + page 1 of every rubric

    @property
    def golds(self) -> list[GoldArticle]:
        return [s.gold for s in self.stories]

    def in_window(self, since: date, until: date) -> list[GoldArticle]:
        return [g for g in self.golds if since <= g.published.date() <= until]


def path_of(url: str) -> str:
    return url.removeprefix(f"https://{HOST}")


def article_url(rubric: str, day: date, kind: str, seed: int) -> str:
    ident = hashlib.md5(f"rn{seed}".encode()).hexdigest() if kind == "hex" else (
        f"lukashenko-pribyl-v-moskvu-{seed}" if rubric != "eng" else f"lukashenko-in-moscow-{seed}")
    prefix = "/eng/world" if rubric == "eng" else f"/{rubric}"
    return f"https://{HOST}{prefix}/{day:%d/%m/%Y}/{ident}"


def chrome_top(newest: list[Story]) -> str:
    """Header, the site-wide "Новости дня" column and a banner: on every page."""
    news = "".join(f'<li><a href="{path_of(s.gold.url)}">{escape(s.gold.title)}</a></li>'
                   for s in newest[:5])
    nav = "".join(f'<a href="/{r}/">{SECTIONS[r]}</a> ' for r in RUBRICS)
    return f"""<header><a href="/">RuNews24</a><nav>{nav}</nav>
<a href="/rezultatyi-poiska.html?search=%D0%9B%D1%83%D0%BA%D0%B0%D1%88%D0%B5%D0%BD%D0%BA%D0%BE&amp;id=1">Поиск</a></header>
<div class="b-news"><div class="b-news__title">Новости дня</div><ul>{news}</ul>
<a href="/news/">Все новости дня</a></div>
<div class="b-banner b-banner_top">Реклама. Купить со скидкой</div>"""


def chrome_bottom() -> str:
    return f"""<div class="b-cookie">{COOKIE}<button>Согласен</button></div>
<footer><p>{REGISTRATION}</p><a href="/tags/lukashenko">Лукашенко</a></footer>"""


def article_page(story: Story, newest: list[Story]) -> str:
    gold, layout = story.gold, story.layout
    p = gold.published
    eng = story.rubric == "eng"
    paras = "".join(f"<p>{escape(x, quote=False)}</p>" for x in gold.paragraphs)
    first, rest = paras.split("</p>", 1)
    credit = "Photo: RuNews24.ru collage" if eng else "Фото: коллаж RuNews24.ru"
    photo = (f'<div class="photo"><img src="/assets/{gold.title[:3]}.jpg" alt="{escape(gold.title)}">'
             f'<p>{escape(gold.title)}</p><p>{credit}</p></div>')
    author = ""
    if gold.authors:
        author = f"<p>{'Author' if eng else 'Автор'}: {escape(gold.authors[0])}</p>"
    telegram = "Read us on Telegram" if eng else "Читайте нас в телеграм"
    inner = (f'{first}</p>{photo}<div class="b-banner-inline">Реклама. Купить со скидкой</div>'
             f'{rest}{author}<p><a href="https://t.me/runews24">{telegram}</a></p>')
    body = {"desc": f'<div class="desc text">{inner}</div>',
            "modern": f'<div class="b-article__text">{inner}</div>',
            "unknown": f'<div class="content-wrap"><div class="story">{inner}</div></div>'}[layout]
    section = SECTIONS[story.rubric]
    return f"""<!DOCTYPE html>
<html lang="{'en' if eng else 'ru'}"><head><meta charset="utf-8">
<title>{escape(gold.title)} — RuNews24.ru</title>
<meta property="og:title" content="{escape(gold.title)}">
<meta property="article:published_time" content="{p.isoformat()}">
</head><body>
{chrome_top(newest)}
<div class="b-article">
<div class="b-article__rubric"><a href="/{story.rubric}/">{section}</a></div>
<h1>{escape(gold.title)}</h1>
<h2>{escape(gold.subtitle or '')}</h2>
<div class="b-article__date">{p:%d.%m.%Y %H:%M}</div>
{body}
</div>
{chrome_bottom()}
</body></html>"""


def listing_page(title: str, stories: list[Story], newest: list[Story], extra: str = "") -> str:
    def entry(n: int, s: Story) -> str:
        href = path_of(s.gold.url) + ("?utm_source=main&utm_medium=list" if n % 2 else "")
        return (f'<div class="b-list__item"><a href="{escape(href)}">{escape(s.gold.title)}</a>'
                f'<span class="date">{s.gold.published:%d.%m.%Y}</span></div>')

    items = "".join(entry(n, s) for n, s in enumerate(stories)) or "<p>Материалов нет</p>"
    return f"""<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>{title}</title>
</head><body>{chrome_top(newest)}<main><h1>{title}</h1><div class="b-list">{items}</div>{extra}
</main>{chrome_bottom()}</body></html>"""


def rss(stories: list[Story]) -> bytes:
    items = "".join(
        f"<item><title>{escape(s.gold.title)}</title>"
        f"<link>{escape(s.gold.url)}{'?utm_source=rss' if n % 2 else ''}</link>"
        f"<description>{escape(s.gold.subtitle or '')}</description>"
        f"<pubDate>{format_datetime(s.gold.published.astimezone(UTC))}</pubDate></item>"
        for n, s in enumerate(stories))
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            f"<title>RuNews24</title><link>https://{HOST}/</link>{items}</channel></rss>").encode()


def build() -> RuNews24Fixture:
    stories: list[Story] = []
    for i, (day, hour, minute, rubric, kind, author) in enumerate(SCHEDULE):
        published = datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)
        eng = rubric == "eng"
        gold = GoldArticle(
            url=article_url(rubric, day, kind, 500 + i),
            title="Lukashenko arrives in Moscow for talks with Putin" if eng else title_for(500 + i),
            subtitle="The visit is his first abroad since re-election" if eng
            else f"Подробности встречи: {title_for(700 + i)}",
            paragraphs=ENGLISH if eng else paragraphs_for(500 + i),
            published=published, authors=[author] if author else [],
            section=SECTIONS[rubric])
        layout = "unknown" if eng else ("desc" if kind == "hex" else "modern")
        stories.append(Story(gold, rubric, layout))
    # Rubric fronts without recent news still list older (2019) stories.
    for n, rubric in enumerate(r for r in RUBRICS if r not in {s.rubric for s in stories}):
        day = date(2019, 3, 1 + n)
        gold = GoldArticle(url=article_url(rubric, day, "hex", 900 + n), title=title_for(900 + n),
                           subtitle=f"Архив: {title_for(950 + n)}", paragraphs=paragraphs_for(900 + n),
                           published=datetime(2019, 3, 1 + n, 12, 0, tzinfo=TZ),
                           authors=["Никита Орлов"], section=SECTIONS[rubric])
        stories.append(Story(gold, rubric, "desc"))

    newest = sorted(stories, key=lambda s: s.gold.published, reverse=True)
    site = VirtualSite(HOST)
    for story in stories:
        site.add(path_of(story.gold.url), article_page(story, newest))
    feed = newest[:6]
    site.add("/rss.xml", Page(rss(feed), content_type="application/rss+xml; charset=utf-8"))
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow: /rezultatyi-poiska.html\n",
                                 content_type="text/plain"))
    extras = ('<a href="/foto/12/01/2026/zima-v-moskve">Фотогалерея: зима в Москве</a>'
              '<a href="/print/politics/12/01/2026/lukashenko-pribyl-v-moskvu-506">Печать</a>'
              '<a href="/tags/lukashenko">Лукашенко</a><a href="/politics/">Политика</a>')
    site.add("/foto/12/01/2026/zima-v-moskve", "<html><body><h1>Зима</h1></body></html>")
    site.add("/tags/lukashenko", listing_page("Лукашенко", newest[:3], newest))
    by_rubric = {r: [s for s in newest if s.rubric == r] for r in RUBRICS}

    def rubric_page(target: str) -> Page | None:
        parts = urlsplit(target)
        rubric = parts.path.strip("/")
        if parts.path != f"/{rubric}/" or rubric not in by_rubric:
            return None
        page = int(parse_qs(parts.query).get("page", ["1"])[0])
        chunk = by_rubric[rubric][(page - 1) * PER_PAGE:page * PER_PAGE]  # past the end: empty
        return Page(listing_page(SECTIONS[rubric], chunk, newest, extras).encode())

    site.dynamic.append(rubric_page)
    front = {s.gold.url for s in feed} | {
        s.gold.url for r in RUBRICS for s in by_rubric[r][:PER_PAGE]}
    return RuNews24Fixture(site, stories, front)
