"""Redesigns under the outlet rules, crawled end to end (``scrapy crawl <outlet>``).

Each outlet's fixture site is served with its article pages changed the way a redesign
changes them: the body's block renamed (Зеркало: the byline beside the date then reads as
a paragraph of the generic text), the body left to a script with the text in JSON-LD only
(RuNews24: the headline, lead and a "Загрузка..." placeholder are all the HTML shows), new
promo blocks set inside a body the rules still match (БЕЛТА: a donation call, a channel
invitation, a cookie notice's buttons). Items must hold the article text alone, and a rule
that missed must say so in the run report.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from html import escape

import pytest

from tests.sites import belta, regional, runews24, zerkalo
from tests.sites.common import GoldArticle, html_paragraphs, paragraphs_for
from tests.support.crawl import latest_report, run_crawl
from tests.support.server import FixtureServer, VirtualSite

pytestmark = pytest.mark.slow

# Promos a redesign sets between a body's paragraphs, each a block of its own class.
DONATION = ('<div class="support-us"><p>Независимая журналистика существует благодаря '
            "читателям. Поддержите нас — помогите нам работать дальше.</p>"
            '<a href="https://donate.example.by/">Поддержать редакцию</a></div>')
CHANNEL = ('<div class="tg-box"><p>Мы в Telegram: <a href="https://t.me/news">@news</a></p>'
           "<p>Присоединяйтесь к нам в Telegram</p></div>")
CONSENT = ('<div class="notice-bar"><p>Продолжая пользоваться сайтом, вы соглашаетесь на '
           'использование cookie.</p><a href="#">Принять</a> <a href="#">Согласен</a></div>')
PROMO_WORDS = ("Поддерж", "Telegram", "cookie", "Принять", "Согласен", "@news")


def redesign(site: VirtualSite, golds: list[GoldArticle], host: str,
             change: Callable[[str, GoldArticle], str], codec: str = "utf-8") -> None:
    """Serve every gold article page of ``site`` as ``change`` makes it."""
    for gold in golds:
        path = gold.url.removeprefix(f"https://{host}")
        page = site.pages[path]
        site.pages[path] = replace(page, body=change(page.body.decode(codec), gold).encode(codec))


def assert_rules_read_each_article(tmp_path, fx, change: Callable[[str, GoldArticle], str]
                                   ) -> None:
    """A Зеркало crawl of ``fx``'s pages as ``change`` redesigns them: a healthy run whose
    items are each article's own title and text, read by the rules."""
    redesign(fx.site, fx.golds, zerkalo.HOST, change)
    with FixtureServer([fx.site]) as server:
        result = run_crawl("zerkalo", tmp_path, server)
    assert result.returncode == 0, result.log[-3000:]
    golds = {g.url: g for g in fx.golds}
    assert len(result.items) == len(fx.front)
    for item in result.items:
        assert item["text"] == golds[item["url"]].text, item["url"]
        assert item["title"] == golds[item["url"]].title
        assert item["extractor"]["method"] == "rules"


def report_of(result) -> dict:
    return latest_report(result.data_dir, "*.json")


def test_a_renamed_zerkalo_body_keeps_the_text_without_the_byline(tmp_path) -> None:
    """The body's block renamed: the generic text took the byline printed beside the date
    (``<span itemprop="author">``) as its first paragraph; now the item is the article's
    text alone, its author still the byline's, and the run alarms on the body rule."""
    fx = zerkalo.build()

    def renamed(html: str, _gold: GoldArticle) -> str:
        return (html.replace('<div itemprop="articleBody">', '<div class="story-text-v3">')
                .replace('<div id="article_body">', '<div class="story-text-v3">'))

    redesign(fx.site, fx.golds, zerkalo.HOST, renamed)
    with FixtureServer([fx.site]) as server:
        result = run_crawl("zerkalo", tmp_path, server)
    golds = {g.url: g for g in fx.golds}
    signed = [i for i in result.items if golds[i["url"]].authors]
    assert len(result.items) == len(fx.front) and signed, result.log[-3000:]
    for item in result.items:
        gold = golds[item["url"]]
        assert item["text"] == gold.text, item["url"]
        assert item["authors"] == gold.authors
        assert item["extractor"]["fields"]["text"] == "generic"
    assert result.returncode == 1
    alarms = [a for a in report_of(result)["alarms"] if a.startswith("layout drift: zerkalo text")]
    assert alarms and "'[itemprop=\"articleBody\"]'" in alarms[0], report_of(result)["alarms"]


def test_a_runews24_body_left_to_a_script_is_read_from_json_ld(tmp_path) -> None:
    """The body's block holds a "Загрузка..." placeholder and the text is in JSON-LD's
    ``articleBody``: the generic text (headline, lead, date, placeholder: about 170
    characters) passed for a body, and the item was the headline run into its lead. Now it
    is JSON-LD's text, and the run alarms on the body rule."""
    fx = runews24.build()
    stories = [s for s in fx.stories if s.layout in ("desc", "modern")]

    def lazy(html: str, gold: GoldArticle) -> str:
        start = html.index('<div class="desc text">' if '<div class="desc text">' in html
                           else '<div class="b-article__text">')
        end = html.index("</div>\n</div>", start)
        ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": gold.title,
              "datePublished": gold.published.isoformat(), "articleBody": gold.text}
        script = ('<script type="application/ld+json">'
                  f"{escape(json.dumps(ld, ensure_ascii=False), quote=False)}</script></head>")
        return (html[:start] + '<div class="b-article__text"><div class="loader">Загрузка...'
                "</div>" + html[end:]).replace("</head>", script)

    redesign(fx.site, [s.gold for s in stories], runews24.HOST, lazy)
    with FixtureServer([fx.site]) as server:
        result = run_crawl("runews24", tmp_path, server)
    golds = {s.gold.url: s.gold for s in stories}
    items = [i for i in result.items if i["url"] in golds]
    assert len(items) >= 5, result.log[-3000:]
    for item in items:
        gold = golds[item["url"]]
        assert item["text"] == gold.text, item["url"]
        assert item["title"] == gold.title
        assert item["extractor"]["method"] == "json-ld"
    assert result.returncode == 1
    alarms = [a for a in report_of(result)["alarms"]
              if a.startswith("layout drift: runews24 text")]
    assert alarms and "'div.b-article__text'" in alarms[0], report_of(result)["alarms"]


def test_promos_added_inside_a_matching_belta_body_stay_out_of_the_items(tmp_path) -> None:
    """A donation call, a channel invitation and a cookie notice with its buttons, each in a
    block of a class no rule names, set between the paragraphs of a body the rules still
    match: their lines went into the items, and nothing said so. Now the items hold the
    text alone, read by the rules (no miss: the rules are right, the page grew furniture)."""
    site, golds = belta.build(count=6)

    def promos(html: str, gold: GoldArticle) -> str:
        first, second, third = (escape(p, quote=False) for p in gold.paragraphs[:3])
        assert first in html and third in html, gold.url
        return (html.replace(f"{second}</p>", f"{second}</p>{DONATION}{CHANNEL}", 1)
                .replace(f"{third}</p>", f"{third}</p>{CONSENT}", 1))

    redesign(site, golds, belta.HOST, promos)
    with FixtureServer([site]) as server:
        result = run_crawl("belta", tmp_path, server)
    assert result.returncode == 0, result.log[-3000:]
    assert {i["url"] for i in result.items} == {g.url for g in golds}
    by_url = {g.url: g for g in golds}
    for item in result.items:
        assert item["text"] == by_url[item["url"]].text, item["url"]
        assert not [w for w in PROMO_WORDS if w in item["text"]], item["url"]
        assert item["extractor"]["method"] == "rules"
    assert not [k for k in result.stats if k.startswith("rules/miss/belta/text")]


def test_a_label_added_inside_the_runews24_headline_stays_out_of_title_and_text(tmp_path) -> None:
    """``<h1><span class="kicker">Эксклюзив</span> Заголовок</h1>``: the title rule still
    matched, and every title began with the label, nothing said; the headline the photo's
    caption repeats then no longer matched the title and went into the text. Now the title is
    the headline alone and the text the article's."""
    fx = runews24.build()

    def labelled(html: str, gold: GoldArticle) -> str:
        h1 = f"<h1>{escape(gold.title)}</h1>"
        assert h1 in html, gold.url
        return html.replace(h1, f'<h1><span class="kicker">Эксклюзив</span> '
                                f"{escape(gold.title)}</h1>")

    redesign(fx.site, fx.golds, runews24.HOST, labelled)
    with FixtureServer([fx.site]) as server:
        result = run_crawl("runews24", tmp_path, server)
    assert result.returncode == 0, result.log[-3000:]
    golds = {g.url: g for g in fx.golds}
    assert len(result.items) >= 5
    for item in result.items:
        gold = golds[item["url"]]
        assert item["title"] == gold.title, item["url"]
        assert item["text"] == gold.text, item["url"]
        assert item["extractor"]["fields"]["title"] == "rules:h1"


def test_next_articles_appended_by_infinite_scroll_stay_out_of_the_zerkalo_item(tmp_path) -> None:
    """An infinite-scroll redesign serves the next articles under the first, each an
    ``<article>`` with its own ``<h1>`` and the same body markup. The body rule matched them
    all: a shorter next article was joined to the item as the body's other part, a longer
    one read in its place, the rules healthy. Now each item holds its own article only."""
    fx = zerkalo.build()
    other = [p for n in range(900, 903) for p in paragraphs_for(n)]  # longer than any article
    block = ("<article><h1>Ремонт центральной площади начнется весной</h1>"
             '<div itemprop="articleBody">' + html_paragraphs(other) + "</div></article>")

    def scrolled(html: str, _gold: GoldArticle) -> str:
        return html.replace("</article></main>", "</article>" + block + "</main>", 1)

    assert_rules_read_each_article(tmp_path, fx, scrolled)


def test_a_broad_district_rule_never_reads_the_next_article_appended_under_it(tmp_path) -> None:
    """A district theme renamed its content block and appends the next post (an
    ``<article>`` with its own ``<h1>``) under the first: the broad fallback rule
    (``main#main.site-main article``) matched that next article whole and its text became
    the item's, the rule healthy. Now no match under or holding another article's headline
    is this one's body: the items hold their own text, and the body rule's misses alarm."""
    site, golds = regional.build_shklov()
    other = paragraphs_for(901)
    block = ('<article class="post"><h1 class="entry-title">Ремонт центральной площади '
             'начнется весной</h1><div class="post-body-v2">' + html_paragraphs(other)
             + "</div></article>")

    def scrolled(html: str, _gold: GoldArticle) -> str:
        assert '<div class="entry-content">' in html and "</main>" in html
        return (html.replace('<div class="entry-content">', '<div class="post-body-v2">')
                .replace("</main>", block + "</main>", 1))

    redesign(site, golds, regional.SHKLOV, scrolled, codec="cp1251")
    with FixtureServer([site]) as server:
        result = run_crawl("regional", tmp_path, server, args={"sites": regional.SHKLOV})
    by_url = {g.url: g for g in golds}
    assert len(result.items) >= 5, result.log[-3000:]
    for item in result.items:
        assert item["text"] == by_url[item["url"]].text, item["url"]
        assert other[0] not in item["text"]
    assert result.returncode == 1
    assert [a for a in report_of(result)["alarms"]
            if a.startswith(f"layout drift: {regional.SHKLOV} text")], report_of(result)["alarms"]


def test_read_also_cards_set_inside_a_matching_zerkalo_body_keep_the_text_after_them(
        tmp_path) -> None:
    """A redesign sets a "Читайте также" block of teaser cards (a linked headline over a lead
    of one sentence each) between the body's paragraphs, the rules still matching. The
    cards are no heading's cards by their markup (no heading, no bold around the link), so
    they stayed, and their heading read as the end of the article: the paragraphs after it
    were lost with no rule miss. Under such a heading any link-led card is a teaser; it goes
    with its label, and the item is the article's whole text."""
    fx = zerkalo.build()
    leads = paragraphs_for(950)[:3]
    block = ('<div class="inline-more"><h3>Читайте также</h3><ul>' + "".join(
        f'<li><a href="/2026/01/0{n}/drugaya-novost-{n}.html">{lead[:60]}</a><p>{lead}</p></li>'
        for n, lead in enumerate(leads, 1)) + "</ul></div>")

    def carded(html: str, gold: GoldArticle) -> str:
        second = html_paragraphs(gold.paragraphs[1:2])
        assert second in html and len(gold.paragraphs) > 2
        return html.replace(second, second + block, 1)

    assert_rules_read_each_article(tmp_path, fx, carded)
