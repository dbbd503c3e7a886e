"""Fixture district papers shaped after shared/outlets.md §3 and seed 002.

* shklovinfo.by: WordPress with plain permalinks (``/?p=<id>``), ``/?m=YYYYMMDD&paged=N``
  archives (one post per page, 404 past the last page, as WordPress answers), ``/?feed=rss2``,
  served in windows-1251 declared only in ``<meta charset>``; Russian long dates; the title
  printed twice and the "Последние новости … Читать новость" block inside the content.
* pvestnik.by: WordPress (Newspaper theme) with ``/YYYY/MM/DD/<slug>/`` permalinks,
  ``/YYYY/MM/DD/page/N/`` archives (a 200 "nothing found" page past the last page), ``/feed/``,
  a home listing, Belarusian month names, share bars and a ``sidebar`` class on the wrapper.

Both mix local stories with a republished BELTA item ("Об этом БЕЛТА сообщили…").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from tests.sites.common import GoldArticle, html_paragraphs, paragraphs_for, rss, title_for
from tests.support.server import Page, VirtualSite

TZ = ZoneInfo("Europe/Minsk")
SHKLOV = "shklovinfo.by"
PVESTNIK = "pvestnik.by"
MONTHS_RU = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
             "сентября", "октября", "ноября", "декабря"]
MONTHS_BE = ["студзеня", "лютага", "сакавіка", "красавіка", "мая", "чэрвеня", "ліпеня",
             "жніўня", "верасня", "кастрычніка", "лістапада", "снежня"]
SHKLOV_RUBRICS = ["Общество", "Досуг", "Гордость земли Шкловской", "Лица Победы",
                  "Отвечает участковый", "Год благоустройства"]
# Phrases of page and in-content boilerplate that must never reach an item's text.
BOILERPLATE = [
    "Последние новости", "Читать новость", "Читайте также", "Популярное", "Рекомендуем",
    "Поделиться", "ВКонтакте", "Одноклассники", "Telegram", "Метки", "Рубрики", "Архивы",
    "Добавить комментарий", "Все права защищены", "Посадите эту красоту", "Лица Победы:",
    "Отвечает участковый", "Гордость земли Шкловской", "Фото:", "Фото из архива", "Реклама",
    "Читать далее", "Предыдущая статья", "Следующая статья", "Ударны фронт", "Полацкі веснік",
]
BELTA_TITLE = ("Лукашенко и Путин обсудили двустороннее сотрудничество, Нагорный Карабах "
               "и ситуацию в Кыргызстане")
BELTA_PARAGRAPHS = [
    "Президент Беларуси Александр Лукашенко провел сегодня телефонный разговор с Президентом "
    "России Владимиром Путиным. Об этом БЕЛТА сообщили в пресс-службе белорусского лидера.",
    "Глава белорусского государства поздравил своего российского коллегу с днем рождения, после "
    "чего лидеры двух стран рассмотрели вопросы двустороннего взаимодействия и международной "
    "повестки.",
    "“Основным вопросом обсуждения двусторонней повестки стало полное открытие границ между "
    "Беларусью и Россией”, – отметили в пресс-службе.",
    "Большое внимание Александр Лукашенко и Владимир Путин уделили проблеме распространения "
    "коронавирусной инфекции, высказав озабоченность ростом заболеваемости.",
]
# Articles per day (10–14 September 2025) and their publication times.
SHKLOV_DAYS = {10: ["08:05", "16:30"], 11: ["09:15", "13:40", "17:05"], 12: ["11:20"],
               13: ["10:00", "15:45"], 14: ["09:30", "18:10"]}
PVESTNIK_DAYS = {10: ["07:50", "12:10"], 11: ["10:30", "19:20"], 12: ["08:00", "12:30", "16:55"],
                 13: ["14:15"], 14: ["09:05", "17:40"]}


@dataclass
class Post:
    """A fixture post: its gold record plus what the site needs to render it."""

    gold: GoldArticle
    post_id: int
    path: str  # path[?query] on the site
    author: str
    section: str
    with_meta: bool  # an ISO article:published_time besides the visible date

    @property
    def day(self) -> date:
        return self.gold.published.date()


def _posts(host: str, days: dict[int, list[str]], first_id: int, seed: int,
           belta_at: int) -> list[Post]:
    """Posts newest first; post number ``belta_at`` is the republished BELTA story."""
    moments = sorted((datetime(2025, 9, d, *map(int, t.split(":")), tzinfo=TZ)
                      for d, times in days.items() for t in times), reverse=True)
    posts = []
    for i, moment in enumerate(moments):
        post_id = first_id - 7 * i
        if host == SHKLOV:
            path, author = f"/?p={post_id}", "Ирина Ковалёва"
            section = SHKLOV_RUBRICS[i % len(SHKLOV_RUBRICS)]
            with_meta = i % 2 == 0
            if not with_meta:  # only "14 сентября 2025" on the page: the day, Minsk midnight
                moment = moment.replace(hour=0, minute=0)
        else:
            path = f"/{moment:%Y/%m/%d}/polotsk-novost-{post_id}/"
            author = ["Сергей Мельников", "Анна Лукашевич"][i % 2]
            section, with_meta = ["Новости", "Общество", "Экономика"][i % 3], i % 2 == 1
        title, paragraphs = title_for(seed + i), paragraphs_for(seed + i)
        if i == belta_at:
            title, paragraphs, author = BELTA_TITLE, BELTA_PARAGRAPHS, "Редакция"
        gold = GoldArticle(url=f"https://{host}{path}", title=title, paragraphs=paragraphs,
                           published=moment, authors=[author], section=section)
        posts.append(Post(gold, post_id, path, author, section, with_meta))
    return posts


def _ru_date(day: date) -> str:
    return f"{day.day} {MONTHS_RU[day.month - 1]} {day.year}"


def _be_date(moment: datetime) -> str:
    return f"{moment.day} {MONTHS_BE[moment.month - 1]} {moment.year}, {moment:%H:%M}"


# --- shklovinfo.by ----------------------------------------------------------------------------
def _shklov_latest_block(posts: list[Post]) -> str:
    """The seed 002 block: rubric, title, date, "Читать новость" per entry."""
    entries = "".join(
        f'<div class="latest-item"><span class="rubric">{escape(p.section)}</span>'
        f'<h4><a href="https://{SHKLOV}{p.path}">{escape(p.gold.title)}</a></h4>'
        f'<span class="date">{_ru_date(p.day)}</span>'
        f'<a class="read-more" href="https://{SHKLOV}{p.path}">Читать новость</a></div>'
        for p in posts[:4])
    fake = ('<div class="latest-item"><span class="rubric">Досуг</span><h4><a href="/?p=9001">'
            "Посадите эту красоту в сентябре – весной обгонит тюльпаны в цветении</a></h4>"
            '<span class="date">14 сентября 2025</span><a href="/?p=9001">Читать новость</a></div>'
            '<div class="latest-item"><span class="rubric">Лица Победы</span><h4>'
            '<a href="/?p=9002">Лица Победы: Сергей Дикун</a></h4></div>')
    return f'<div class="last-news"><h3>Последние новости</h3>{fake}{entries}</div>'


def _shklov_shell(title: str, main: str, posts: list[Post], head: str = "") -> str:
    nav = "".join(f'<li><a href="https://{SHKLOV}/?cat={i + 2}">{escape(r)}</a></li>'
                  for i, r in enumerate(SHKLOV_RUBRICS))
    latest = "".join(f'<li><a href="https://{SHKLOV}{p.path}">{escape(p.gold.title)}</a>'
                     f'<span class="post-date">{_ru_date(p.day)}</span></li>' for p in posts[:5])
    return f"""<!DOCTYPE html>
<html lang="ru-RU"><head>
<meta charset="windows-1251">
<title>{escape(title)} – «Ударны фронт»</title>
<link rel="alternate" type="application/rss+xml" title="Ударны фронт" href="https://{SHKLOV}/?feed=rss2">
{head}
</head>
<body class="wp-theme-newsup right-sidebar">
<div id="page" class="site">
<header id="masthead" class="site-header"><p class="site-title"><a href="https://{SHKLOV}/">Ударны фронт</a></p>
<nav id="site-navigation" class="main-navigation"><ul>{nav}
<li><a href="https://{SHKLOV}/?page_id=2">О редакции</a></li></ul></nav>
<form role="search" action="https://{SHKLOV}/"><input name="s" placeholder="Поиск"></form></header>
<div id="content" class="site-content sidebar">
<div id="primary" class="content-area">
{main}
</div>
<aside id="secondary" class="widget-area sidebar">
<section class="widget widget_recent_entries"><h2 class="widget-title">Последние новости</h2><ul>{latest}</ul></section>
<section class="widget"><h2 class="widget-title">Популярное</h2><ul>
<li><a href="https://{SHKLOV}/?p=9003">Штраф не уплачен – имущество под арестом</a></li></ul></section>
<section class="widget widget_categories"><h2 class="widget-title">Рубрики</h2><ul>{nav}</ul></section>
<section class="widget widget_archive"><h2 class="widget-title">Архивы</h2><ul>
<li><a href="https://{SHKLOV}/?m=202509">Сентябрь 2025</a></li></ul></section>
<section class="widget widget_tag_cloud"><h2 class="widget-title">Метки</h2>
<a href="https://{SHKLOV}/?tag=shklov">Шклов</a></section>
</aside>
</div>
<footer class="site-footer">© «Ударны фронт». Все права защищены. При перепечатке ссылка обязательна.</footer>
</div></body></html>"""


def shklov_article(post: Post, posts: list[Post]) -> str:
    g = post.gold
    head = ""
    if post.with_meta:  # Yoast-style: true UTC instant
        utc = g.published.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%S+00:00")
        head = f'<meta property="article:published_time" content="{utc}">'
    paras = g.paragraphs
    main = f"""<main id="main" class="site-main">
<article id="post-{post.post_id}" class="post-{post.post_id} post type-post status-publish format-standard">
<header class="entry-header">
<span class="cat-links"><a href="https://{SHKLOV}/?cat=3" rel="category">{escape(post.section)}</a></span>
<h1 class="entry-title">{escape(g.title)}</h1>
<div class="entry-meta"><span class="posted-on"><span class="entry-date">{_ru_date(post.day)}</span></span>
<span class="byline"><span class="author vcard"><a class="url fn n" rel="author" href="https://{SHKLOV}/?author=2">{escape(post.author)}</a></span></span></div>
</header>
<div class="entry-content">
<h2>{escape(g.title)}</h2>
{html_paragraphs(paras[:2])}
<figure class="wp-block-image"><img src="https://{SHKLOV}/wp-content/uploads/2025/09/foto.jpg" alt="">
<figcaption>Фото: Ирина Ковалёва</figcaption></figure>
{html_paragraphs(paras[2:])}
<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Поделиться:</h3><ul>
<li><a href="https://vk.com/share.php">ВКонтакте</a></li><li><a href="https://ok.ru/">Одноклассники</a></li>
<li><a href="https://t.me/share">Telegram</a></li></ul></div>
{_shklov_latest_block(posts)}
<h3>Рекомендуем</h3>
</div>
<footer class="entry-footer"><span class="tags-links">Метки: <a href="https://{SHKLOV}/?tag=shklov" rel="tag">Шклов</a></span></footer>
</article>
<nav class="navigation post-navigation"><a href="https://{SHKLOV}/?p={post.post_id - 7}" rel="prev">Предыдущая статья</a></nav>
<div id="comments" class="comments-area"><div id="respond"><h3>Добавить комментарий</h3></div></div>
</main>"""
    return _shklov_shell(g.title, main, posts, head)


def shklov_listing(title: str, shown: list[Post], posts: list[Post], next_url: str | None) -> str:
    entries = "".join(f"""<article class="post-{p.post_id} post">
<header class="entry-header"><span class="cat-links"><a href="https://{SHKLOV}/?cat=3" rel="category">{escape(p.section)}</a></span>
<h2 class="entry-title"><a href="https://{SHKLOV}{p.path}" rel="bookmark">{escape(p.gold.title)}</a></h2>
<div class="entry-meta"><span class="entry-date">{_ru_date(p.day)}</span>
<a href="https://{SHKLOV}/?author=2">{escape(p.author)}</a></div></header>
<div class="entry-summary"><p>{escape(p.gold.paragraphs[0][:80])}…</p></div>
<a class="more-link" href="https://{SHKLOV}{p.path}#more-{p.post_id}">Читать далее</a>
</article>""" for p in shown)
    nav = (f'<nav class="navigation pagination"><a class="next page-numbers" '
           f'href="{escape(next_url)}">Далее</a></nav>' if next_url else "")
    main = (f'<main id="main" class="site-main"><header class="page-header"><h1 class="page-title">'
            f"{escape(title)}</h1></header>{entries}{nav}</main>")
    return _shklov_shell(title, main, posts)


def wp_sitemaps(posts: list[Post]) -> dict[str, str]:
    """WordPress core sitemaps: an index, the posts (lastmod = publication) and the rubrics."""
    head = '<?xml version="1.0" encoding="UTF-8"?>'
    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    index = "".join(f"<sitemap><loc>https://{SHKLOV}/{name}</loc></sitemap>"
                    for name in ("wp-sitemap-posts-post-1.xml",
                                 "wp-sitemap-taxonomies-category-1.xml"))
    urls = "".join(f"<url><loc>https://{SHKLOV}{p.path}</loc>"
                   f"<lastmod>{p.gold.published.isoformat(timespec='seconds')}</lastmod></url>"
                   for p in posts)
    cats = "".join(f"<url><loc>https://{SHKLOV}/?cat={i + 2}</loc></url>"
                   for i in range(len(SHKLOV_RUBRICS)))
    return {"/wp-sitemap.xml": f"{head}<sitemapindex {ns}>{index}</sitemapindex>",
            "/wp-sitemap-posts-post-1.xml": f"{head}<urlset {ns}>{urls}</urlset>",
            "/wp-sitemap-taxonomies-category-1.xml": f"{head}<urlset {ns}>{cats}</urlset>"}


def _cp1251(html: str, status: int = 200) -> Page:
    # The charset is declared only in <meta charset>: the header names no charset.
    return Page(html.encode("cp1251"), status=status, content_type="text/html")


# A headline list under a heading no cut marker knows, as a new theme puts after the text.
MORE_NEWS_HEADING = "Ещё новости района"


def shklov_redesigned(post: Post, posts: list[Post]) -> str:
    """The article in a new theme: the content block renamed (``.entry-content`` →
    ``.post-body``), no ``<article>`` element, and the "Последние новости" block replaced by
    a headline list under a heading no cut marker knows. Only the broad default body rules
    (``main#main.site-main``) still match, on the wrapper around headline, text and list."""
    html = shklov_article(post, posts)
    start, end = html.index('<div class="last-news">'), html.index("<h3>Рекомендуем</h3>")
    more = "".join(f'<li><a href="https://{SHKLOV}{p.path}">{escape(p.gold.title)}</a></li>'
                   for p in posts[:4] if p is not post)
    html = (html[:start] + f'<div class="more-news"><h3>{MORE_NEWS_HEADING}</h3><ul>{more}</ul>'
            "</div>" + html[end + len("<h3>Рекомендуем</h3>"):])
    return (html.replace('class="entry-content"', 'class="post-body"')
            .replace("<article ", "<div ").replace("</article>", "</div>"))


def build_shklov(drift: bool = False) -> tuple[VirtualSite, list[GoldArticle]]:
    """``drift``: every article in a redesigned theme (:func:`shklov_redesigned`)."""
    posts = _posts(SHKLOV, SHKLOV_DAYS, first_id=48213, seed=200, belta_at=4)
    site = VirtualSite(SHKLOV)
    render = shklov_redesigned if drift else shklov_article
    for post in posts:
        site.add(post.path, _cp1251(render(post, posts)))
    feed = rss("Ударны фронт", f"https://{SHKLOV}/",
               [(p.gold.title, f"https://{SHKLOV}{p.path}", p.gold.published, "<p>Анонс</p>")
                for p in posts[:5]]
               + [("О редакции", f"https://{SHKLOV}/?page_id=2", posts[0].gold.published, "")])
    feed = feed.replace('encoding="utf-8"', 'encoding="windows-1251"')
    site.add("/?feed=rss2", Page(feed.encode("cp1251"), content_type="application/rss+xml"))
    for path, title in [("/?cat=3", "Рубрика: Общество"), ("/?tag=shklov", "Метка: Шклов"),
                        ("/?author=2", "Автор: Ирина Ковалёва"), ("/?m=202509", "Месяц: Сентябрь"),
                        ("/", "Ударны фронт")]:
        site.add(path, _cp1251(shklov_listing(title, posts[:3], posts, None)))
    site.add("/?page_id=2", _cp1251(_shklov_shell("О редакции", '<main id="main" class="site-main">'
                                                  "<h1>О редакции</h1><p>Редакция районной газеты "
                                                  "«Ударны фронт» работает с 1931 года.</p></main>",
                                                  posts)))
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow: /wp-admin/\n"
                                 b"Allow: /wp-admin/admin-ajax.php\n"
                                 b"Sitemap: https://shklovinfo.by/wp-sitemap.xml\n",
                                 content_type="text/plain"))
    for path, body in wp_sitemaps(posts).items():
        site.add(path, Page(body.encode(), content_type="application/xml; charset=UTF-8"))

    def day_archive(target: str) -> Page | None:
        parts = urlsplit(target)
        query = parse_qs(parts.query)
        if parts.path != "/" or len(query.get("m", [""])[0]) != 8:
            return None
        day = datetime.strptime(query["m"][0], "%Y%m%d").date()
        page = int(query.get("paged", ["1"])[0])
        of_day = [p for p in posts if p.day == day]
        if page < 1 or page > len(of_day):  # WordPress answers 404 past the last page
            return _cp1251(shklov_listing("Ничего не найдено", [], posts, None), status=404)
        nxt = (f"https://{SHKLOV}/?m={day:%Y%m%d}&paged={page + 1}" if page < len(of_day)
               else None)
        return _cp1251(shklov_listing(f"День: {day:%d.%m.%Y}", of_day[page - 1:page], posts, nxt))

    site.dynamic.append(day_archive)
    return site, [p.gold for p in posts]


# --- pvestnik.by ----------------------------------------------------------------------------
def _pv_shell(title: str, main: str, posts: list[Post], head: str = "") -> str:
    popular = "".join(f'<div class="td_module_6"><h3 class="entry-title td-module-title">'
                      f'<a href="https://{PVESTNIK}{p.path}">{escape(p.gold.title)}</a></h3></div>'
                      for p in posts[:4])
    return f"""<!doctype html>
<html lang="ru-RU"><head><meta charset="UTF-8"><title>{escape(title)} | Полацкі веснік</title>
<meta property="og:site_name" content="Полацкі веснік">
{head}
<script>var tdBlocksArray = []; window.tdwGlobal = {{"adminUrl":"https:\\/\\/pvestnik.by\\/wp-admin\\/"}};</script>
</head>
<body class="post-template-default single td-standard-pack td-sidebar-right">
<div id="td-outer-wrap" class="td-theme-wrap">
<div class="td-header-wrap"><div class="td-header-menu-wrap"><ul class="sf-menu">
<li><a href="https://{PVESTNIK}/">Главная</a></li><li><a href="https://{PVESTNIK}/category/novosti/">Новости</a></li>
<li><a href="https://{PVESTNIK}/category/obshchestvo/">Общество</a></li><li><a href="https://{PVESTNIK}/o-gazete/">О газете</a></li>
</ul></div><div class="td-header-rec-wrap"><div class="td-a-rec">Реклама</div></div></div>
<div class="td-main-content-wrap td-container-wrap">
<div class="td-container td-post-template-default has-sidebar sidebar">
<div class="td-pb-row">
<div class="td-pb-span8 td-main-content" role="main"><div class="td-ss-main-content">
{main}
</div></div>
<div class="td-pb-span4 td-main-sidebar" role="complementary"><div class="td-ss-main-sidebar">
<aside class="widget"><div class="block-title"><span>Популярное</span></div>{popular}</aside>
<aside class="widget"><div class="block-title"><span>Подписывайтесь на нас</span></div>
<a href="https://t.me/pvestnik">Telegram</a> <a href="https://vk.com/pvestnik">ВКонтакте</a></aside>
</div></div>
</div></div></div>
<div class="td-footer-wrapper">© Полацкі веснік, 2025. Все права защищены.</div>
</div></body></html>"""


def pvestnik_article(post: Post, posts: list[Post]) -> str:
    g = post.gold
    if post.with_meta:
        head = (f'<meta property="article:published_time" '
                f'content="{g.published.isoformat(timespec="seconds")}">')
        date_html = (f'<time class="entry-date updated td-module-date" '
                     f'datetime="{g.published.isoformat(timespec="seconds")}">'
                     f"{g.published.day} {MONTHS_BE[g.published.month - 1]} {g.published.year}"
                     "</time>")
    else:  # Belarusian month name and time only, no machine-readable date
        head, date_html = "", escape(_be_date(g.published))
    paras = g.paragraphs
    share = ('<div class="td-post-sharing td-ps-bg"><span class="td-social-but-text">Поделиться'
             '</span><a href="https://vk.com/share.php">ВКонтакте</a>'
             '<a href="https://t.me/share">Telegram</a></div>')
    main = f"""<article id="post-{post.post_id}" class="post-{post.post_id} post type-post" itemscope itemtype="https://schema.org/Article">
<div class="td-post-header">
<ul class="td-category"><li class="entry-category"><a href="https://{PVESTNIK}/category/novosti/">{escape(post.section)}</a></li></ul>
<header class="td-post-title"><h1 class="entry-title">{escape(g.title)}</h1>
<div class="td-module-meta-info">
<div class="td-post-author-name"><div class="td-author-by">Автор</div> <a href="https://{PVESTNIK}/author/avtor-{post.post_id % 2}/">{escape(post.author)}</a></div>
<span class="td-post-date">{date_html}</span>
<div class="td-post-views"><span class="td-nr-views-{post.post_id}">412</span></div></div>
</header></div>
<div class="td-post-sharing-top">{share}</div>
<div class="td-post-content tagdiv-type">
{html_paragraphs(paras[:3])}
<div class="wp-caption aligncenter"><img src="https://{PVESTNIK}/wp-content/uploads/foto.jpg" alt="">
<p class="wp-caption-text">Фото из архива редакции</p></div>
<div class="td-a-rec td-a-rec-id-content_inline">Реклама</div>
{html_paragraphs(paras[3:])}
<p><strong>Читайте также:</strong> <a href="https://{PVESTNIK}{posts[-1].path}">{escape(posts[-1].gold.title)}</a></p>
</div>
<footer><div class="td-post-source-tags"><ul class="td-tags td-post-small-box clearfix">
<li><span>Метки</span></li><li><a href="https://{PVESTNIK}/tag/polotsk/">Полоцк</a></li></ul></div>
<div class="td-post-sharing-bottom">{share}</div>
<div class="td-block-row td-post-next-prev"><a href="https://{PVESTNIK}{posts[0].path}">Предыдущая статья</a>
<a href="https://{PVESTNIK}{posts[1].path}">Следующая статья</a></div></footer>
</article>
<div class="comments" id="comments"><div id="respond" class="comment-respond"><h3>Добавить комментарий</h3></div></div>"""
    return _pv_shell(g.title, main, posts, head)


def pvestnik_listing(title: str, shown: list[Post], posts: list[Post], next_url: str | None) -> str:
    modules = "".join(f"""<div class="td_module_10 td_module_wrap">
<div class="td-module-thumb"><a href="https://{PVESTNIK}{p.path}" rel="bookmark" title="{escape(p.gold.title)}"><img src="/t.jpg" alt=""></a></div>
<div class="item-details"><h3 class="entry-title td-module-title"><a href="https://{PVESTNIK}{p.path}" rel="bookmark">{escape(p.gold.title)}</a></h3>
<div class="td-module-meta-info"><span class="td-post-author-name"><a href="https://{PVESTNIK}/author/avtor-{p.post_id % 2}/">{escape(p.author)}</a></span>
<span class="td-post-date">{escape(_be_date(p.gold.published))}</span></div>
<div class="td-excerpt">{escape(p.gold.paragraphs[0][:90])}…</div>
<a href="https://{PVESTNIK}/category/novosti/">{escape(p.section)}</a></div></div>""" for p in shown)
    if not shown:
        modules = "<div class=\"no-results td-pb-padding-side\"><h2>Ничего не найдено</h2></div>"
    nav = (f'<div class="page-nav td-pb-padding-side"><a href="{escape(next_url)}">'
           f'<i class="td-icon-menu-right"></i></a></div>' if next_url else "")
    main = (f'<div class="td-page-header"><h1 class="entry-title td-page-title"><span>'
            f"{escape(title)}</span></h1></div>{modules}{nav}")
    return _pv_shell(title, main, posts)


PV_PER_PAGE = 2


def build_pvestnik() -> tuple[VirtualSite, list[GoldArticle]]:
    posts = _posts(PVESTNIK, PVESTNIK_DAYS, first_id=91544, seed=300, belta_at=3)
    site = VirtualSite(PVESTNIK)
    for post in posts:
        site.add(post.path, pvestnik_article(post, posts))
        # attachment pages live under the post's URL: never articles
        site.add(post.path + "attachment/foto-1/", pvestnik_listing("foto-1", [], posts, None))
    feed = rss("Полацкі веснік", f"https://{PVESTNIK}/",
               [(p.gold.title, f"https://{PVESTNIK}{p.path}?utm_source=rss", p.gold.published,
                 "<p>Анонс</p>") for p in posts[:5]]
               + [("О газете", f"https://{PVESTNIK}/o-gazete/", posts[0].gold.published, "")])
    site.add("/feed/", Page(feed.encode(), content_type="application/rss+xml; charset=UTF-8"))
    site.add("/", pvestnik_listing("Полацкі веснік", posts[:7], posts,
                                   f"https://{PVESTNIK}/page/2/"))
    for path, title in [("/page/2/", "Страница 2"), ("/category/novosti/", "Новости"),
                        ("/category/obshchestvo/", "Общество"), ("/tag/polotsk/", "Полоцк"),
                        ("/author/avtor-0/", "Сергей Мельников"),
                        ("/author/avtor-1/", "Анна Лукашевич")]:
        site.add(path, pvestnik_listing(title, posts[2:5], posts, None))
    site.add("/o-gazete/", _pv_shell("О газете", "<h1>О газете</h1><p>«Полацкі веснік» — "
                                     "газета Полоцкого района, выходит с 1944 года.</p>", posts))
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow: /wp-admin/\n",
                                 content_type="text/plain"))

    def day_archive(target: str) -> Page | None:
        parts = target.strip("/").split("/")
        if len(parts) not in (3, 5) or not all(x.isdigit() for x in parts[:3]):
            return None
        if len(parts) == 5 and (parts[3] != "page" or not parts[4].isdigit()):
            return None
        day = date(int(parts[0]), int(parts[1]), int(parts[2]))
        page = int(parts[4]) if len(parts) == 5 else 1
        of_day = [p for p in posts if p.day == day]
        shown = of_day[(page - 1) * PV_PER_PAGE:page * PV_PER_PAGE]
        more = len(of_day) > page * PV_PER_PAGE
        nxt = f"https://{PVESTNIK}/{day:%Y/%m/%d}/page/{page + 1}/" if more else None
        # Past the last page the theme answers 200 with "nothing found" (and the sidebar).
        return Page(pvestnik_listing(f"Архив за день: {day:%d.%m.%Y}", shown, posts,
                                     nxt).encode())

    site.dynamic.append(day_archive)
    return site, [p.gold for p in posts]


def build() -> tuple[list[VirtualSite], dict[str, list[GoldArticle]]]:
    """Both district sites and their gold articles by host."""
    shklov, shklov_golds = build_shklov()
    pvestnik, pvestnik_golds = build_pvestnik()
    return [shklov, pvestnik], {SHKLOV: shklov_golds, PVESTNIK: pvestnik_golds}
