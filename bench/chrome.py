"""The page around a БЕЛТА article: what a real news page carries besides the story.

The fixture page (tests/sites/belta.py) keeps only the markup the rules need: ~5 KB. A real
news page is mostly chrome: meta tags, counters and ad scripts, menus, a long news feed, related
stories and a footer of links; the 265 real Russian news pages in ../shared/benchmarks/daniel-ru
are 74 KB at the median. `dress` wraps a fixture page in such chrome, shaped after БЕЛТА
(outlets.md §2), until it reaches a given size, so a benchmark parses, extracts, archives and
serves pages of real weight. Everything added is boilerplate: the article's text must not change.
"""

from __future__ import annotations

import random
from html import escape

from tests.sites.belta import HOST, MONTHS_GEN, SECTION_NAMES
from tests.sites.common import title_for

ALL_RUBRICS = {**SECTION_NAMES, "incident": "Происшествия", "tech": "Технологии",
               "world": "В мире", "culture": "Культура", "sport": "Спорт",
               "events": "Мероприятия", "kaleidoscope": "Калейдоскоп"}
REGIONS = ["Брестская", "Витебская", "Гомельская", "Гродненская", "Минская", "Могилевская"]
EDITIONS = [("blr", "Бел"), ("www", "Рус"), ("eng", "Eng"), ("pol", "Pol"), ("chn", "中文")]

COUNTERS = """<script type="text/javascript">
(function(m,e,t,r,i,k,a){m[i]=m[i]||function(){(m[i].a=m[i].a||[]).push(arguments)};
m[i].l=1*new Date();for(var j=0;j<document.scripts.length;j++){if(document.scripts[j].src===r){return;}}
k=e.createElement(t),a=e.getElementsByTagName(t)[0],k.async=1,k.src=r,a.parentNode.insertBefore(k,a)})
(window,document,"script","https://mc.yandex.ru/metrika/tag.js","ym");
ym(15029098,"init",{clickmap:true,trackLinks:true,accurateTrackBounce:true,webvisor:true});
</script>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-BELTA00000"></script>
<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}
gtag('js',new Date());gtag('config','G-BELTA00000');</script>
<script type="text/javascript">new Image().src="//counter.yadro.ru/hit?r"+escape(document.referrer)
+((typeof(screen)=="undefined")?"":";s"+screen.width+"*"+screen.height+"*"+(screen.colorDepth?
screen.colorDepth:screen.pixelDepth))+";u"+escape(document.URL)+";h"+escape(document.title.substring(0,150))+
";"+Math.random();</script>
"""


def _ad_config(rng: random.Random) -> str:
    """An ad-loader configuration of the kind news pages inline in their head."""
    slots = ",".join(
        f'{{"id":"adfox_{rng.randrange(10**14, 10**15)}","ownerId":{rng.randrange(10**5, 10**6)},'
        f'"params":{{"pp":"{rng.choice("abcdefgh")}","ps":"{rng.randrange(1000, 9999):x}",'
        f'"p2":"{rng.randrange(1000, 9999):x}","puid1":"{rng.randrange(100)}"}},'
        f'"lazyLoad":{{"fetchMargin":{rng.randrange(50, 300)},"mobileScaling":2}}}}'
        for _ in range(12))
    return f"<script>window.yaContextCb.push(function(){{var slots=[{slots}];" \
           "slots.forEach(function(s){Ya.adfoxCode.createAdaptive(s,['desktop','tablet'])});});" \
           "</script>\n"


def _head(title: str, url: str, rng: random.Random) -> str:
    styles = "".join(f'<link rel="stylesheet" href="/local/templates/belta/css/{name}.css?'
                     f'{rng.randrange(10**9, 10**10)}">\n'
                     for name in ("reset", "fonts", "main", "news", "slider", "print", "adaptive"))
    return (f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta property="og:url" content="{url}">\n<meta property="og:type" content="article">\n'
            f'<meta property="og:site_name" content="БЕЛТА">\n'
            f'<meta name="twitter:card" content="summary_large_image">\n'
            f'<meta name="twitter:title" content="{escape(title)}">\n'
            f'<link rel="canonical" href="{url}">\n<link rel="icon" href="/favicon.ico">\n'
            f'{styles}{COUNTERS}{_ad_config(rng)}')


def _link(rng: random.Random, seed: int) -> str:
    rubric = rng.choice(list(ALL_RUBRICS))
    slug = "-".join(title_for(seed).lower().split()[:5])
    return f"/{rubric}/view/{escape(slug)}-{400000 + seed}-2026/"


def _feed_item(rng: random.Random, seed: int) -> str:
    """One entry of the "Лента новостей" column: time, rubric, headline, view count."""
    rubric = rng.choice(list(ALL_RUBRICS))
    return (f'<div class="news_item lenta_item"><span class="date">{rng.randrange(24):02d}:'
            f'{rng.randrange(60):02d}</span> <a href="https://{HOST}/{rubric}/" '
            f'class="lenta_rubric">{ALL_RUBRICS[rubric]}</a> <a href="{_link(rng, seed)}" '
            f'class="lenta_item_title">{escape(title_for(seed))}</a>'
            f'<span class="views" title="Просмотры">{rng.randrange(100, 20000)}</span></div>\n')


def _top_bar(rng: random.Random) -> str:
    editions = "".join(f'<li><a href="https://{sub}.belta.by/">{name}</a></li>'
                       for sub, name in EDITIONS)
    rubrics = "".join(
        f'<li class="menu_item"><a href="/{key}/">{name}</a><ul class="submenu">'
        + "".join(f'<li><a href="/{key}/?page={n}">{name}: {label}</a></li>'
                  for n, label in enumerate(["новости", "фото", "видео", "интервью"], 1))
        + "</ul></li>" for key, name in ALL_RUBRICS.items())
    regions = "".join(f'<li><a href="/regions/{i}/">{name} область</a></li>'
                      for i, name in enumerate(REGIONS, 1))
    rates = "".join(f'<span class="rate">{code} {rng.uniform(2, 4):.4f}</span>'
                    for code in ("USD", "EUR", "RUB", "CNY"))
    return (f'<div class="top_line"><ul class="editions">{editions}</ul>'
            f'<div class="rates">{rates}</div><form class="search" action="/search/getResults/">'
            f'<input type="text" name="query" placeholder="Поиск"></form></div>\n'
            f'<ul class="main_menu">{rubrics}</ul>\n<ul class="regions_menu">{regions}</ul>\n')


def _related(rng: random.Random, seed: int) -> str:
    items = "".join(f'<div class="news_item"><a href="{_link(rng, s)}"><img src="/images/storage/'
                    f'news/with_archive/2026/{400000 + s}_m.jpg" alt="{escape(title_for(s))}">'
                    f'<span>{escape(title_for(s))}</span></a></div>\n'
                    for s in range(seed + 1, seed + 7))
    return f'<div class="related_news"><div class="block_title">Новости по теме</div>{items}</div>\n'


def _footer(rng: random.Random) -> str:
    sections = "".join(f'<li><a href="/{key}/">{name}</a></li>' for key, name in ALL_RUBRICS.items())
    about = "".join(f'<li><a href="/about/{n}/">{label}</a></li>' for n, label in enumerate(
        ["Об агентстве", "Контакты", "Реклама на сайте", "Подписка", "Фотохроника",
         "Пресс-центр", "Правила использования", "Политика конфиденциальности"]))
    day = rng.randrange(1, 29)
    return (f'<div class="footer_menu"><ul>{sections}</ul><ul>{about}</ul>'
            f'<div class="footer_date">{day} {MONTHS_GEN[rng.randrange(12)]} 2026</div></div>\n'
            '<svg xmlns="http://www.w3.org/2000/svg" style="display:none">'
            + "".join(f'<symbol id="icon-{n}" viewBox="0 0 24 24"><path d="M{rng.randrange(24)} '
                      f'{rng.randrange(24)}L{rng.randrange(24)} {rng.randrange(24)}Z"/></symbol>'
                      for n in range(20)) + "</svg>\n")


def dress(page: str, seed: int, title: str, url: str, size: int) -> str:
    """``page`` with БЕЛТА-like chrome added until it is about ``size`` bytes of UTF-8."""
    rng = random.Random(seed)
    head = _head(title, url, rng)
    top = _top_bar(rng)
    related = _related(rng, seed)
    footer = _footer(rng)
    page = (page.replace("</head>", head + "</head>", 1)
            .replace('<div class="header">', '<div class="header">' + top, 1)
            .replace('<div class="footer">', related + footer + '<div class="footer">', 1))
    feed, weight, n = [], len(page.encode()), 0
    while weight < size:
        item = _feed_item(rng, seed * 131 + n)
        feed.append(item)
        weight += len(item.encode())
        n += 1
    column = '<div class="lenta_title">Лента новостей</div>' + "".join(feed)
    return page.replace('<div class="sidebar">', '<div class="sidebar">' + column, 1)
