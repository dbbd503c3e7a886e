"""Partial layout drift: the outlet's selectors still match, but something else than before.

A redesign renames the article's own block while a headline list or a teaser elsewhere on the
page keeps the old class, or the logo takes over the ``<h1>``. The rule then "matches" and
nothing would say it is dead: the item must not carry that block as its text (or the logo as
its title), and the field must count as a rule miss (crawler.extensions.rule_drift).
"""

from __future__ import annotations

from html import escape

import pytest

from crawler.extraction import extract_article, rule_misses
from crawler.items import Article, ArticlePage
from tests.sites import regional, zerkalo

FIXTURE = zerkalo.build()
GOLD = FIXTURE.golds[0]
PAGE = zerkalo.article_page(0, GOLD, "politics")
OLD_BODY = '<div itemprop="articleBody">'
RENAMED = PAGE.replace(OLD_BODY, '<div class="article-text-v2">')
HEADLINES = zerkalo.TOP_HEADLINES[:6]


def extract(html: str) -> Article:
    return extract_article(ArticlePage(
        url=GOLD.url, outlet="zerkalo", body=html.encode(), status=200,
        headers={"Content-Type": "text/html; charset=utf-8"}, fetched_at="2026-01-12T10:00:00Z"))


def after_article(html: str, block: str) -> str:
    return html.replace("</article>", block + "</article>")


RELATED_LIST = ('<div itemprop="articleBody" class="related-v2"><ul>'
                + "".join(f'<li><a href="/life/{1800 + n}.html">{escape(t)}</a></li>'
                          for n, t in enumerate(HEADLINES)) + "</ul></div>")
TEASER = (f'<div class="promo" itemprop="articleBody"><p>{escape(HEADLINES[0])}. '
          f'{escape(HEADLINES[1])}</p><p><a href="/life/1801.html">Читать далее</a></p></div>')


@pytest.mark.parametrize("block", [RELATED_LIST, TEASER], ids=["headline-list", "teaser"])
def test_a_block_that_kept_the_old_class_is_no_body_and_counts_as_a_miss(block: str) -> None:
    article = extract(after_article(RENAMED, block))
    assert article.text == GOLD.text
    assert article.extractor["fields"]["text"] == "generic"
    assert rule_misses(article)["text"] == ('[itemprop="articleBody"]', "div#article_body")


@pytest.mark.parametrize("block", [RELATED_LIST, TEASER], ids=["headline-list", "teaser"])
def test_with_the_body_still_matching_the_extra_block_changes_nothing(block: str) -> None:
    article = extract(after_article(PAGE, block))
    assert article.text == GOLD.text
    assert article.extractor["fields"]["text"] == 'rules:[itemprop="articleBody"]'
    assert "text" not in rule_misses(article)


@pytest.mark.parametrize("logo", ["Зеркало", "ЗЕРКАЛО", "Зеркало — новости"],
                         ids=["name", "upper", "with-tagline"])
def test_a_title_rule_matching_the_site_logo_counts_as_a_miss(logo: str) -> None:
    """The headline moved to an ``<h2>`` and the logo took the ``<h1>`` the rule reads."""
    html = (PAGE.replace("<h1>", '<h2 class="headline">').replace("</h1>", "</h2>")
            .replace("<header>", f'<header><h1 class="site-logo">{logo}</h1>'))
    article = extract(html)
    assert article.title == GOLD.title
    assert rule_misses(article)["title"] == ("h1",)
    assert article.extractor["fields"]["title"] == "opengraph"


POSTS = regional._posts(regional.SHKLOV, regional.SHKLOV_DAYS, first_id=48213, seed=200,
                        belta_at=4)


@pytest.mark.parametrize(("heading", "link"), [
    ("Новости района", "Подробнее"), ("Свежие материалы", "Читать полностью"), ("", "→")],
    ids=["more", "in-full", "no-heading"])
def test_a_headline_list_under_renamed_markers_stays_out_of_a_rule_body(heading: str,
                                                                         link: str) -> None:
    """The seed 002 block inside ``.entry-content`` after a theme update: its heading and
    "Читать новость" links renamed, so no cut marker ends the body before it."""
    post = POSTS[1]
    html = (regional.shklov_article(post, POSTS)
            .replace("<h3>Последние новости</h3>", f"<h3>{heading}</h3>" if heading else "")
            .replace("Читать новость", link))
    article = extract_article(ArticlePage(
        url=post.gold.url, outlet=regional.SHKLOV, body=html.encode(), status=200,
        headers={"Content-Type": "text/html; charset=utf-8"}, fetched_at="2025-09-15T10:00:00Z"))
    assert article.text == post.gold.text
    assert article.extractor["fields"]["text"] == "rules:.entry-content"


def test_a_body_split_in_two_by_an_ad_gives_both_parts() -> None:
    """The article block closed before an ad and opened again after it (both halves carry
    the class): the item holds the whole text, the ad stays out, the rule is no miss."""
    second = "<p>Пресс-секретарь президента России"
    split = PAGE.replace(second, f'</div><div class="banner-slot"><p>Реклама. Скидки до 50 %'
                                 f'</p></div>{OLD_BODY}{second}', 1)
    assert split.count(OLD_BODY) == 2
    article = extract(split)
    assert article.text == GOLD.text
    assert article.extractor["fields"]["text"] == 'rules:[itemprop="articleBody"]'


def test_a_body_rendered_twice_for_two_screens_is_read_once() -> None:
    """A desktop and a mobile copy of the body side by side, one hidden by CSS: one text."""
    start = PAGE.index(OLD_BODY)
    end = PAGE.index("</div>\n<div class=\"donate-promo\">", start) + len("</div>")
    twice = PAGE[:end] + PAGE[start:end] + PAGE[end:]
    assert twice.count(OLD_BODY) == 2
    article = extract(twice)
    assert article.text == GOLD.text
