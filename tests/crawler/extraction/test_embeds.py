"""Social posts embedded in an outlet's body block (crawler.extraction.embeds): the fallback
markup each network's embed code sets before its script renders the post, as the networks
hand it out. Read by the outlet's rules, none of it may reach the item's text, the post's
own text included, and the item counts the posts it lost."""

from __future__ import annotations

from html import escape

import lxml.html
import pytest

from crawler.extraction import rule_misses
from crawler.extraction.embeds import drop_embeds
from crawler.extraction.worker import PageJoin, join_page
from crawler.items import ArticlePage
from tests.crawler.extraction.test_partial_drift import GOLD, PAGE, extract

POST = "https://www.instagram.com/p/C1xYzAbCdEf/?utm_source=ig_embed&amp;utm_campaign=loading"
INSTAGRAM = (
    '<blockquote class="instagram-media" data-instgrm-captioned data-instgrm-permalink="'
    f'{POST}" data-instgrm-version="14" style="background:#FFF; border:0; margin: 1px;">'
    f'<div style="padding:16px;"> <a href="{POST}" style="background:#FFFFFF;" target="_blank">'
    ' <div style="display: flex; flex-direction: row;"> <div style="background-color: #F4F4F4;'
    ' border-radius: 50%;"></div></div><div style="padding: 19% 0;"></div> <div style="'
    'display:block; height:50px;"><svg width="50px" height="50px" viewBox="0 0 60 60"><g>'
    '<path d="M556.869,30.41"></path></g></svg></div><div style="padding-top: 8px;"> <div '
    'style="color:#3897f0; font-family:Arial,sans-serif; font-size:14px;">{view}</div></div>'
    '</a><p style=" margin:8px 0 0 0; padding:0 4px;"><a href="{post}" style="color:#000;" '
    'target="_blank">Первый снег в Минске! Город засыпало за одну ночь, коммунальщики работают '
    'круглосуточно #минск #снег</a></p><p style=" color:#c9c8cd; font-size:14px;">{shared}'
    ' <a href="https://www.instagram.com/minsk_city/" target="_blank"> Minsk City</a> '
    '(@minsk_city) <time style=" font-family:Arial,sans-serif;" datetime="2026-01-11T08:12:40'
    '+00:00">Янв 11, 2026 в 12:12 PST</time></p></div></blockquote> <script async '
    'src="//www.instagram.com/embed.js"></script>').replace("{post}", POST)
TWEET = (
    '<blockquote class="twitter-tweet"><p lang="ru" dir="ltr">Переговоры в Минске закончились '
    'час назад, заявление будет вечером <a href="https://t.co/AbCdEf12">pic.twitter.com/AbCdEf12'
    '</a></p>&mdash; Иван Петров (@ipetrov) <a href="https://twitter.com/ipetrov/status/1878?'
    'ref_src=twsrc%5Etfw">January 11, 2026</a></blockquote> <script async src="https://'
    'platform.twitter.com/widgets.js" charset="utf-8"></script>')
TELEGRAM = (
    '<script async src="https://telegram.org/js/telegram-widget.js?22" data-telegram-post="'
    'zerkalo_io/51234" data-width="100%"></script>{fallback}')
TIKTOK = (
    '<blockquote class="tiktok-embed" cite="https://www.tiktok.com/@minsk.today/video/731245" '
    'data-video-id="731245" style="max-width: 605px;min-width: 325px;" > <section> <a target='
    '"_blank" title="@minsk.today" href="https://www.tiktok.com/@minsk.today?refer=embed">'
    '@minsk.today</a> Снегопад на проспекте Независимости сегодня утром <a title="минск" '
    'target="_blank" href="https://www.tiktok.com/tag/минск?refer=embed">#минск</a> <a target='
    '"_blank" title="♬ оригинальный звук - Minsk Today" href="https://www.tiktok.com/music/'
    'x-7312?refer=embed">♬ оригинальный звук - Minsk Today</a> </section> </blockquote> '
    '<script async src="https://www.tiktok.com/embed.js"></script>')
YOUTUBE = (
    '<div class="youtube-player" data-id="dQw4w9WgXcQ"><iframe width="560" height="315" src="'
    'https://www.youtube.com/embed/dQw4w9WgXcQ" allowfullscreen></iframe><p><a href="https://'
    'www.youtube.com/watch?v=dQw4w9WgXcQ">Смотреть видео на YouTube</a></p></div>')
EMBEDS = {
    "instagram-en": INSTAGRAM.replace("{view}", "View this post on Instagram").replace(
        "{shared}", "A post shared by"),
    "instagram-ru": INSTAGRAM.replace("{view}", "Посмотреть эту публикацию в Instagram").replace(
        "{shared}", "Публикация от"),
    "tweet": TWEET,
    "telegram-link": TELEGRAM.format(fallback='<p><a href="https://t.me/zerkalo_io/51234">'
                                              "Пост Зеркала в Telegram</a></p>"),
    "telegram-bare": TELEGRAM.format(fallback=""),
    "tiktok": TIKTOK,
    "youtube": YOUTUBE,
}


def with_embed(html: str, at: int = 1) -> str:
    """The gold page with ``html`` after its paragraph ``at``, as an editor sets a post."""
    after = f"<p>{escape(GOLD.paragraphs[at])}</p>"
    assert after in PAGE
    return PAGE.replace(after, after + html, 1)


@pytest.mark.parametrize("name", sorted(EMBEDS))
def test_an_embedded_post_stays_out_of_the_text_and_is_counted(name: str) -> None:
    article = extract(with_embed(EMBEDS[name]))
    assert article.text == GOLD.text
    assert article.extractor["method"] == "rules"
    assert article.extractor["embeds"] == 1


def test_every_post_of_a_page_is_counted() -> None:
    article = extract(with_embed(EMBEDS["tweet"] + EMBEDS["instagram-ru"], 0)
                      .replace(f"<p>{escape(GOLD.paragraphs[2])}</p>",
                               f"<p>{escape(GOLD.paragraphs[2])}</p>{EMBEDS['tiktok']}", 1))
    assert article.text == GOLD.text
    assert article.extractor["embeds"] == 3


def test_a_page_without_posts_records_none() -> None:
    assert "embeds" not in extract(PAGE).extractor


@pytest.mark.parametrize("line", [
    "View this post on Instagram", "Посмотреть эту публикацию в Instagram",
    "A post shared by Minsk City (@minsk_city)", "Публикация от Minsk City (@minsk_city)",
    "Смотреть видео на YouTube", "Watch on YouTube",
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://youtu.be/dQw4w9WgXcQ?si=abc",
    "https://www.tiktok.com/@minsk.today/video/7312456", "https://rutube.ru/video/4f9c2a/",
    "https://www.facebook.com/minsk.city/posts/pfbid02abc",
])
def test_a_fallback_line_whose_markup_the_cms_stripped_goes(line: str) -> None:
    """A CMS that sanitises the body keeps the embed's text as plain paragraphs."""
    assert extract(with_embed(f"<p>{escape(line)}</p>")).text == GOLD.text


@pytest.mark.parametrize("sentence", [
    "Министр ответил в своём Instagram: «Посмотреть эту публикацию в Instagram может каждый».",
    "A post shared by the minister (@minister) on Monday drew thousands of replies overnight.",
    "Запись трансляции: https://www.youtube.com/watch?v=dQw4w9WgXcQ",
])
def test_prose_naming_a_post_stays(sentence: str) -> None:
    assert sentence in extract(with_embed(f"<p>{escape(sentence)}</p>")).text.split("\n\n")


LONG_TWEET = EMBEDS["tweet"].replace(
    "Переговоры в Минске закончились час назад, заявление будет вечером",
    "Мы обсудили вопросы безопасности на границе, торговли и транзита грузов, а также "
    "гуманитарные темы. Следующий раунд пройдёт в феврале, стороны договорились продолжить "
    "работу экспертов и встретиться снова")
SHORT_NOTE = ("<p>Министр иностранных дел прокомментировал итоги переговоров в Минске в своих "
              "соцсетях.</p><p>Так он ответил на вопросы журналистов.</p>")


def with_body(inner: str) -> str:
    """The gold page with its whole body block's content replaced by ``inner``."""
    start = PAGE.index('<div itemprop="articleBody">') + len('<div itemprop="articleBody">')
    end = PAGE.index('</div>\n<div class="donate-promo">')
    return PAGE[:start] + inner + PAGE[end:]


@pytest.mark.parametrize("note", [SHORT_NOTE, "<p>Министр ответил журналистам в своих соцсетях вечером.</p>"])
def test_a_short_note_around_long_posts_is_the_rules_text_and_no_miss(note: str) -> None:
    """The posts are no text the rule missed: the generic text it is weighed against leaves
    them out too, and a note that is short once they went is the article still."""
    article = extract(with_body(note + LONG_TWEET + LONG_TWEET.replace("феврале", "марте")))
    assert article.extractor["method"] == "rules"
    assert "Мы обсудили" not in article.text
    assert article.text.startswith("Министр")
    assert article.extractor["embeds"] == 2
    assert "text" not in rule_misses(article)


def test_posts_stay_out_of_the_generic_text_of_a_renamed_body_and_are_counted() -> None:
    page = with_embed(LONG_TWEET).replace('<div itemprop="articleBody">', '<div class="story">')
    article = extract(page)
    assert article.extractor["method"] == "generic"
    assert "Мы обсудили" not in article.text
    assert GOLD.paragraphs[1] in article.text
    assert article.extractor["embeds"] == 1


@pytest.mark.parametrize("paragraph", [
    '<p><a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">Запись пресс-конференции '
    "министра</a></p>",
    '<p><a href="https://t.me/mfa_belarus">МИД Беларуси</a></p>',
    '<div><a href="https://t.me/zerkalo_io/51230">Предыдущий пост канала</a></div>',
    '<h3><a href="https://t.me/zerkalo_io/51234">Пост канала</a></h3>',
])
def test_a_block_after_a_telegram_widget_other_than_its_post_link_stays(paragraph: str) -> None:
    """Only a paragraph linking the widget's own post is its fallback: a link to another
    address (a channel, another post, a video) is the article's."""
    body = lxml.html.fragment_fromstring(
        "<div><p>Текст статьи.</p>" + TELEGRAM.format(fallback=paragraph) + "</div>")
    assert drop_embeds(body) == 1
    kept = lxml.html.fragment_fromstring(paragraph).text_content()
    assert [p.text_content() for p in body] == ["Текст статьи.", kept]


def test_the_widgets_own_post_link_goes() -> None:
    body = lxml.html.fragment_fromstring(
        "<div><p>Текст статьи.</p>" + EMBEDS["telegram-link"].replace(
            "https://t.me/", "https://t.me/s/") + "</div>")
    assert drop_embeds(body) == 1
    assert [p.text_content() for p in body] == ["Текст статьи."]


def test_the_posts_of_a_later_page_are_counted_with_page_ones() -> None:
    """Page 2 of a paged article loses its posts as page 1 does: the item counts them all."""
    second = with_body("<p>Вторая страница: делегации договорились встретиться снова весной и "
                       "обсудить транзит грузов через границу.</p>"
                       + EMBEDS["tweet"] + EMBEDS["instagram-ru"])
    article = join_page(PageJoin(extract(with_embed(EMBEDS["tiktok"])), ArticlePage(
        url=GOLD.url + "?page=2", outlet="zerkalo", body=second.encode(), status=200,
        headers={"Content-Type": "text/html; charset=utf-8"},
        fetched_at="2026-01-12T10:00:00Z"), GOLD.url))
    assert article.text.endswith("через границу.")
    assert "Переговоры в Минске" not in article.text
    assert article.extractor["embeds"] == 3
