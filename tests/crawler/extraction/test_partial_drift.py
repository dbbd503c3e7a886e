"""Partial layout drift: the outlet's selectors still match, but something else than before.

A redesign renames the article's own block while a headline list or a teaser elsewhere on the
page keeps the old class, or the logo takes over the ``<h1>``. The rule then "matches" and
nothing would say it is dead: the item must not carry that block as its text (or the logo as
its title), and the field must count as a rule miss (crawler.extensions.rule_drift).
"""

from __future__ import annotations

import json
import re
from html import escape

import pytest

from crawler.extraction import ExtractionError, extract_article, rule_misses
from crawler.items import Article, ArticlePage
from tests.sites import belta, regional, zerkalo

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


# A sidebar promo of two sentences of prose, in no way part of the article
PROMO = ('<div class="promo" itemprop="articleBody"><p>Зеркало рассказывает, как поддержать '
         "редакцию: переводы, подписка и помощь с распространением наших материалов в сети. "
         "Каждый перевод помогает нам работать дальше и писать о том, что важно.</p></div>")


@pytest.mark.parametrize("block", [RELATED_LIST, TEASER, PROMO],
                         ids=["headline-list", "teaser", "promo"])
def test_a_block_that_kept_the_old_class_is_no_body_and_counts_as_a_miss(block: str) -> None:
    article = extract(after_article(RENAMED, block))
    assert article.text == GOLD.text
    assert article.extractor["fields"]["text"] == "generic"
    assert rule_misses(article)["text"] == ('[itemprop="articleBody"]', "div#article_body")


@pytest.mark.parametrize("block", [RELATED_LIST, TEASER, PROMO],
                         ids=["headline-list", "teaser", "promo"])
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


def test_a_lead_split_off_by_an_ad_and_a_part_in_the_ads_wrapper_are_read() -> None:
    """Parts of a split body that the same-parent, 200-character test left out in silence:
    a first part that is the lead alone (one sentence), and a second part inside the wrapper
    the ad came with (``div.wrap > div.ad + div[itemprop=articleBody]``)."""
    paragraphs = GOLD.text.split("\n\n")[1:]
    first, third = f"<p>{escape(paragraphs[0])}</p>", f"<p>{escape(paragraphs[2])}</p>"
    lead_apart = PAGE.replace(first, f'{first}</div>{AD}{OLD_BODY}', 1)
    wrapped = PAGE.replace(third, f'</div><div class="wrap">{AD}{OLD_BODY}{third}', 1)
    for html in (lead_apart, wrapped):
        assert html.count(OLD_BODY) == 2
        article = extract(html)
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


def shklov_page(html: str, post: regional.Post = POSTS[1]) -> Article:
    return extract_article(ArticlePage(
        url=post.gold.url, outlet=regional.SHKLOV, body=html.encode(), status=200,
        headers={"Content-Type": "text/html; charset=utf-8"}, fetched_at="2025-09-15T10:00:00Z"))


AD = '<div class="ad-slot"><p>Реклама</p></div>'


def test_a_split_body_whose_second_half_ends_in_the_headline_list_gives_both_halves() -> None:
    """The second half, closed by the site's "Последние новости" block (now inside it), is
    mostly links: it was left out as a headline list, half the article lost without a miss."""
    post = POSTS[1]
    html = regional.shklov_article(post, POSTS).replace(
        '<figure class="wp-block-image">',
        f'</div>{AD}<div class="entry-content"><figure class="wp-block-image">', 1)
    assert html.count('<div class="entry-content">') == 2
    article = shklov_page(html)
    assert article.text == post.gold.text
    assert article.extractor["fields"]["text"] == "rules:.entry-content"


def test_a_split_body_with_a_related_list_inside_a_half_is_read_whole() -> None:
    """Two halves, a "related" list of links in the second: the two were joined under a
    plain lxml element, which link-block removal could not cut from (AttributeError, no item)."""
    related = ('<ul class="more-x">' + "".join(
        f'<li><a href="/life/{1800 + n}.html">{escape(t)}</a></li>'
        for n, t in enumerate(HEADLINES[:3])) + "</ul>")
    second = "<p>Пресс-секретарь президента России"
    split = PAGE.replace(second, f'</div>{AD}{OLD_BODY}{second}', 1)
    split = split.replace('</div>\n<div class="donate-promo">',
                          f'{related}</div>\n<div class="donate-promo">', 1)
    assert split.count(OLD_BODY) == 2 and related in split
    article = extract(split)
    assert article.text == GOLD.text
    assert article.extractor["fields"]["text"] == 'rules:[itemprop="articleBody"]'


def client_rendered(post: regional.Post, ld_body: str | None) -> str:
    """The post with its body filled in by a script: an empty block in the HTML, the text
    (when given) in JSON-LD's articleBody."""
    html = regional.shklov_article(post, POSTS)
    start = html.index('<div class="entry-content">')
    end = html.index('<footer class="entry-footer">')
    html = html[:start] + '<div class="entry-content" id="app-root"></div>\n' + html[end:]
    if ld_body is not None:
        ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle",
                         "headline": post.gold.title, "articleBody": ld_body},
                        ensure_ascii=False)
        html = html.replace("</head>", f'<script type="application/ld+json">{ld}</script></head>')
    return html


def test_a_body_only_in_json_ld_is_the_text_not_the_headline_and_date() -> None:
    """All the HTML gives is the headline run into its date line ("Заголовок 14 сентября
    2025"): longer than a body's minimum, so it was kept as the text, JSON-LD's body unread."""
    post = POSTS[1]
    article = shklov_page(client_rendered(post, "\n\n".join(post.gold.paragraphs)))
    assert article.text == post.gold.text
    assert article.extractor["fields"]["text"] == "json-ld"
    assert ".entry-content" in rule_misses(article)["text"]


def test_a_page_whose_only_text_is_the_headline_and_date_has_no_body() -> None:
    post = POSTS[1]
    with pytest.raises(ExtractionError, match="no_body"):
        shklov_page(client_rendered(post, None))


def test_a_body_rule_left_on_the_lead_while_the_text_moved_is_a_miss() -> None:
    """The redesign kept ``itemprop=articleBody`` on a one-sentence summary and moved the
    article to a new block: the item was the summary, the rule seemingly healthy."""
    lead = ("Стороны обсудили вопросы двустороннего сотрудничества и союзного строительства, "
            "сообщила пресс-служба.")
    html = RENAMED.replace('<div class="article-text-v2">',
                           f'{OLD_BODY}<p>{lead}</p></div><div class="article-text-v2">', 1)
    article = extract(html)
    assert article.text.endswith(GOLD.text.split("\n\n", 1)[1])  # the whole body, after its title
    assert lead in article.text
    assert article.extractor["fields"]["text"] == "generic"
    assert "text" in rule_misses(article)


def test_a_short_article_that_is_all_the_rule_finds_stays_the_rules() -> None:
    """A brief of two sentences: the generic extractor adds no prose of its own to it."""
    short = ("Президенты Беларуси и России провели телефонный разговор. "
             "Об этом сообщила пресс-служба главы государства.")
    start = PAGE.index(OLD_BODY)
    end = PAGE.index('</div>\n<div class="donate-promo">', start)
    article = extract(PAGE[:start] + f"{OLD_BODY}<p>{short}</p>" + PAGE[end:])
    assert article.text.endswith(short)
    assert article.extractor["fields"]["text"] == 'rules:[itemprop="articleBody"]'


@pytest.mark.parametrize("caption", [
    '<div class="photo-x"><img src="/a.jpg" alt=""><div class="img-desc">Новая линия на заводе '
    "в Могилеве</div></div>",
    '<div class="media-x"><img src="/b.jpg" alt=""><div class="txt">Участники встречи в Минске, '
    "10 января 2026 года. Фото: пресс-служба</div></div>",
    "<p>Участники встречи в Минске, 10 января 2026 года. Фото: пресс-служба</p>",
], ids=["beside-picture", "beside-picture-with-credit", "credit-last"])
def test_a_caption_out_of_its_figure_markup_stays_out_of_the_body(caption: str) -> None:
    post = POSTS[1]
    html = regional.shklov_article(post, POSTS)
    start = html.index('<figure class="wp-block-image">')
    end = html.index("</figure>", start) + len("</figure>")
    article = shklov_page(html[:start] + caption + html[end:])
    assert article.text == post.gold.text
    assert article.extractor["fields"]["text"] == "rules:.entry-content"


def test_a_paragraph_set_as_a_div_with_an_inline_picture_stays() -> None:
    post = POSTS[1]
    first = post.gold.paragraphs[0]
    html = regional.shklov_article(post, POSTS).replace(
        f"<p>{escape(first)}</p>", f'<div><img src="/smile.gif" alt=""> {escape(first)}</div>', 1)
    assert '<img src="/smile.gif"' in html
    assert shklov_page(html).text == post.gold.text


def test_the_outlets_own_promo_blocks_stay_out_of_the_generic_text_after_a_redesign() -> None:
    """БЕЛТА renamed its body block and set paragraphs as divs: the generic extractor took the
    text and with it ``div.fp_block`` ("Подписаться на рассылку"), which the outlet's rules
    drop, as they were applied only inside a body the rules found."""
    gold = belta.build(count=1)[1][0]
    html = (belta.article_page(gold, "politics", None)
            .replace("js-mediator-article", "article-text-v3")
            .replace("<p>", "<div>").replace("</p>", "</div>"))
    article = extract_article(ArticlePage(
        url=gold.url, outlet="belta", body=html.encode(), status=200,
        headers={"Content-Type": "text/html; charset=utf-8"}, fetched_at="2026-01-12T10:00:00Z"))
    assert article.extractor["fields"]["text"] == "generic"
    assert "Подписаться на рассылку" not in article.text
    assert article.text == gold.text


STRIP = ('<div class="top-strip"><div class="item"><a href="/life/1.html">Новость дня про '
         'погоду</a> <time datetime="2026-01-09T08:00:00+03:00">9 января, 08:00</time></div>'
         '</div>')
UPDATED = ('<span>Обновлено: <time datetime="2026-01-12T10:00:00+03:00">12 января 2026, 10:00'
           '</time></span> ')


@pytest.mark.parametrize("html", [PAGE.replace("<main>", STRIP + "<main>"),
                                  PAGE.replace("<time datetime=", UPDATED + "<time datetime=", 1)],
                         ids=["news-strip-first", "update-stamp-first"])
def test_a_time_the_date_rule_reads_first_but_of_another_moment_is_not_the_published(
        html: str) -> None:
    """A redesign put a news strip's ``<time>`` (another article's) or the update stamp before
    the article's own: the rule ``time[datetime]`` read it, and every item had that date while
    article:published_time said otherwise."""
    assert html != PAGE
    article = extract(html)
    assert article.published == GOLD.published.isoformat()
    assert "published" not in rule_misses(article)


@pytest.mark.parametrize("call", ["Подписывайтесь на наш Telegram-канал",
                                  "Падпісвайцеся на наш канал у Telegram",
                                  "Подписывайтесь на Зеркало в Дзен!"])
def test_a_call_to_subscribe_set_between_two_paragraphs_cuts_nothing_off(call: str) -> None:
    """A plug inserted mid-text (a redesign's, an editor's) is a cut marker: the body ended
    there, and every item kept two paragraphs of five."""
    second = f"<p>{escape(GOLD.paragraphs[1])}</p>"
    assert second in PAGE
    article = extract(PAGE.replace(second, f"{second}<p>{call}</p>", 1))
    assert article.text == GOLD.text
    # at the end it still ends the body, and so do what follows it: links, headlines
    tail = (f"<p>{call}</p><p><a href='https://t.me/x'>t.me/x</a></p>"
            f"<p>{escape(HEADLINES[0])}</p><p>{escape(HEADLINES[1])}</p>")
    last = f"<p>{escape(GOLD.paragraphs[-1])}</p>"
    assert extract(PAGE.replace(last, last + tail, 1)).text == GOLD.text


WRONG_LD = ('<script type="application/ld+json">{"@context": "https://schema.org", "@type": '
            '"NewsArticle", "headline": "Новости Беларуси и мира"}</script>')


@pytest.mark.parametrize("html", [
    PAGE.replace(f"<h1>{GOLD.title}</h1>",
                 f'<h1 class="rubric">Политика</h1><h2 class="headline">{GOLD.title}</h2>'),
    PAGE.replace("<h1>", "<h2>").replace("</h1>", "</h2>").replace("</head>", WRONG_LD + "</head>"),
], ids=["rubric-in-h1", "wrong-json-ld-headline"])
def test_a_title_the_page_shows_as_a_heading_wins_over_a_rubric_or_a_wrong_headline(
        html: str) -> None:
    """The ``<h1>`` the rule reads now holds the rubric (the headline an ``<h2>``, as og:title
    says), or the rule misses and a JSON-LD headline names the front page: each item was
    titled "Политика" or "Новости Беларуси и мира"."""
    assert html != PAGE
    article = extract(html)
    assert article.title == GOLD.title
    assert rule_misses(article)["title"] == ("h1",)


@pytest.mark.parametrize("stated", ["og:title", "<title> only"])
def test_of_two_headings_the_title_rule_takes_the_one_the_page_states(stated: str) -> None:
    """A redesign puts a rubric's ``<h1>`` before the headline's: the rule read the first,
    and every item was titled "Политика"; og:title (or the ``<title>``, its site's name
    aside) names the headline, which the rule also matches."""
    html = PAGE.replace(f"<h1>{GOLD.title}</h1>",
                        f'<h1 class="rubric">Политика</h1><h1>{GOLD.title}</h1>')
    if stated != "og:title":
        html = re.sub(r'<meta property="og:title"[^>]*>', "", html)
    assert html != PAGE and (stated == "og:title") == ("og:title" in html)
    article = extract(html)
    assert article.title == GOLD.title
    assert "title" not in rule_misses(article)


@pytest.mark.parametrize("block", [
    "<p>Реклама. ООО «Ромашка», ИНН 7700000000, erid: 2SDnjc</p>",
    "<p>Рэклама. ТАА «Рамонак», УНП 123456789</p>",
    '<div class="cookie-consent"><p>Мы используем файлы cookie и аналогичные технологии, чтобы '
    "улучшить работу сайта. Нажимая «Принять», вы соглашаетесь с этим.</p></div>",
    "<p>Мы используем файлы cookie, чтобы сайт работал лучше.</p>",
    "<p>Сачыце за навінамі ў нашым Telegram-канале і падтрымайце Люстэрка</p>",
    "<p>Следите за новостями в нашем Telegram-канале</p>",
], ids=["ad-marking", "ad-marking-be", "consent-block", "consent-line", "plug-be", "plug-ru"])
def test_a_marking_consent_or_plug_inserted_in_the_body_stays_out(block: str) -> None:
    second = f"<p>{escape(GOLD.paragraphs[1])}</p>"
    article = extract(PAGE.replace(second, second + block, 1))
    assert article.text == GOLD.text


INSERTS = {
    "poll": ('<div class="poll-embed"><p class="poll__q">Как вы оцениваете работу коммунальных '
             'служб этой зимой?</p><span>Хорошо</span><span>Плохо</span></div>'),
    "promo": ('<div class="promo-box"><p>Есть чем поделиться? Пишите в наш Telegram-бот '
              "@zerkalo_bot</p></div>"),
    "channel": "<p>Больше новостей — в нашем Telegram-канале @zerkalo_io</p>",
    "card": ('<a class="news-card" href="/life/117401.html"><span>Беларусам напомнили о новых '
             "правилах техосмотра</span><span>Читать новость</span></a>"),
}


@pytest.mark.parametrize("insert", sorted(INSERTS))
def test_a_block_a_redesign_sets_between_paragraphs_stays_out_of_the_body(insert: str) -> None:
    """Blocks no rule names (a poll, a promo box, a line inviting to the outlet's channel, a
    linked headline card) set in the text: the item's text is the article's alone."""
    second = f"<p>{escape(GOLD.paragraphs[1])}</p>"
    article = extract(PAGE.replace(second, second + INSERTS[insert], 1))
    assert article.text == GOLD.text
    if insert in ("channel", "card"):  # lines the generic text drops as well
        assert extract(RENAMED.replace(second, second + INSERTS[insert], 1)).text == GOLD.text


TWEET = ("Breaking: the talks in Minsk ended an hour ago, and a statement will follow tonight.")


def test_embedded_posts_and_an_italic_caption_leave_no_chrome_lines() -> None:
    """A tweet's attribution line, a Telegram post's bare link and a caption set as the
    italic paragraph under a picture's paragraph read as paragraphs of the article. The
    tweet's own text goes with its embed (crawler.extraction.embeds): another author's post,
    not the article's prose, which the seed format leaves out."""
    first, second = (f"<p>{escape(p)}</p>" for p in GOLD.paragraphs[:2])
    tweet = (f'<blockquote class="twitter-tweet"><p lang="en" dir="ltr">{TWEET}</p>&mdash; Some '
             'One (@someone) <a href="https://twitter.com/someone/status/1">January 11, 2026'
             '</a></blockquote><script async src="https://platform.twitter.com/widgets.js">'
             '</script>')
    telegram = ('<blockquote class="telegram-post"><a href="https://t.me/zerkalo/1234">'
                't.me/zerkalo/1234</a></blockquote>')
    picture = '<p><img src="/x.jpg" alt=""></p><p><em>Люди на площади в Минске</em></p>'
    html = PAGE.replace(first, first + picture, 1).replace(second, second + tweet + telegram, 1)
    article = extract(html)
    paragraphs = GOLD.text.split("\n\n")
    assert article.text.split("\n\n") == paragraphs
