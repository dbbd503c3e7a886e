"""Page furniture of small Russian and Belarusian CMS pages (WordPress, 1C-Bitrix, Joomla, DLE,
uCoz) that reached the item: a plain-text "read also" header over unlinked headlines, an ad's
label over its promo lines, uCoz's time in a ``title`` attribute, a rubric inside the ``<h1>``,
paragraphs parted by a single ``<br>``. The prose beside them stays."""

from __future__ import annotations

import re
from html import escape

import pytest

from crawler.extraction.generic import generic_text
from tests.crawler.extraction.test_details_lines import MENU, TEXT, TITLE, read

HEADLINES = ["В Шклове открылся новый спортивный комплекс",
             "Выпускники района сдали ЦТ лучше прошлогоднего",
             "Как изменятся тарифы на ЖКУ с 1 марта?"]


def page(body: str, h1: str = escape(TITLE), title: str = TITLE, head: str = "") -> str:
    """A district paper's page (WordPress-like frame) with ``body`` under its ``<h1>``."""
    return (f"<!DOCTYPE html><html lang='ru'><head><meta charset='UTF-8'><title>{escape(title)}"
            f"</title>{head}</head><body><header class='site-header'><p class='site-title'><a "
            f"href='/'>Шкловские новости</a></p><nav><ul class='menu'>{MENU}</ul></nav></header>"
            f"<main id='main'><article class='post'><h1 class='entry-title'>{h1}</h1>"
            f"<div class='entry-content'>{body}</div></article></main><footer class='site-footer'>"
            "<p>© 2026 Шкловские новости. Все права защищены.</p></footer></body></html>")


def paragraphs(lines: list[str]) -> str:
    return "".join(f"<p>{escape(line)}</p>" for line in lines)


def text_of(html: str) -> list[str]:
    return read(html).text.split("\n\n")


# -- a "read also" header over unlinked headlines ---------------------------------------------

READ_ALSO = ["Читайте также:", "Читайте также", "Смотрите также:", "Чытайце таксама:",
             "ЧИТАЙТЕ ТАКЖЕ:", "Глядзіце таксама", "По теме:"]


def read_also(marker: str, heads: list[str], form: str) -> str:
    """The article, then ``marker`` over ``heads`` as text: each a paragraph (WordPress),
    lines of one paragraph under a bold marker (Joomla, Bitrix), or the tail of a body of
    ``<br><br>``-parted text (DataLife Engine)."""
    if form == "p":
        return paragraphs([*TEXT, marker, *heads])
    lines = "<br>".join(escape(h) for h in heads)
    if form == "br":
        return f"{paragraphs(TEXT)}<p><strong>{escape(marker)}</strong><br>{lines}</p>"
    text = "<br><br>".join(escape(p) for p in TEXT)
    return f"<div class='full-story'>{text}<br><br><b>{escape(marker)}</b><br>{lines}</div>"


@pytest.mark.parametrize("form", ["p", "br", "dle"])
@pytest.mark.parametrize("marker", READ_ALSO)
@pytest.mark.parametrize("heads", [HEADLINES, HEADLINES[:1]], ids=["three", "one"])
def test_a_plain_read_also_header_and_its_headlines_end_the_body(marker: str, form: str,
                                                                 heads: list[str]) -> None:
    assert text_of(page(read_also(marker, heads, form))) == TEXT


def test_the_benchmark_extractor_leaves_them_out_too() -> None:
    assert generic_text(page(read_also("Смотрите также:", HEADLINES, "br")),
                        "https://rayon-news.by/news/1205/").split("\n\n") == TEXT


@pytest.mark.parametrize("marker", ["Читайте также:", "Чытайце таксама:"])
def test_a_read_also_header_over_links_mid_text_leaves_the_article_whole(marker: str) -> None:
    """Its links go as a link block; the header alone goes; the article after it stays."""
    links = "".join(f"<li><a href='/news/{n}/'>{escape(h)}</a></li>"
                    for n, h in enumerate(HEADLINES))
    body = f"{paragraphs(TEXT[:3])}<p>{marker}</p><ul>{links}</ul>{paragraphs(TEXT[3:])}"
    assert text_of(page(body)) == TEXT


@pytest.mark.parametrize("sentence", [
    "Читайте также интервью с главой района, опубликованное нами ранее: там он подробно "
    "рассказал о планах.",
    "Смотрите также, как изменилась площадь после ремонта: фотографии есть на сайте "
    "райисполкома.",
])
def test_prose_that_says_read_also_stays(sentence: str) -> None:
    lines = [*TEXT[:3], sentence, *TEXT[3:]]
    assert text_of(page(paragraphs(lines))) == lines


TEASERS = [HEADLINES[0] + " 05/04, 12:30",
           "Комплекс на 300 мест построили за два года.",
           HEADLINES[1] + " 03/04, 13:19",
           "Средний балл вырос по всем предметам, кроме физики.",
           HEADLINES[2]]


@pytest.mark.parametrize("marker", ["Другие новости в рубрике «Общество»", "Другие новости раздела",
                                    "Читайте также:"])
def test_a_header_over_headlines_with_their_teasers_ends_the_body(marker: str) -> None:
    """Other articles listed as text after the body, each headline with a one-sentence teaser
    under it (a rubric's "other news" of a small CMS): no body."""
    assert text_of(page(paragraphs([*TEXT, marker, *TEASERS]))) == TEXT


def test_one_subheading_and_paragraph_after_a_header_stay() -> None:
    """A header whose list was links, then a subheading and a short paragraph: the article
    going on, not a list of one teaser."""
    tail = ["Что дальше", "Работы завершат к осени, сообщили в исполкоме."]
    lines = [*TEXT, "Читайте также:", *tail]
    assert text_of(page(paragraphs(lines))) == [*TEXT, *tail]


def test_sentences_after_a_read_also_header_are_no_headline_list() -> None:
    """A header whose list was links, then the article's last paragraphs: no list ends it."""
    lines = [*TEXT[:4], "Читайте также:", *TEXT[4:]]
    assert text_of(page(paragraphs(lines))) == TEXT


FIRST = ("Заболеваемость острыми респираторными инфекциями среди населения района находится "
         "на сезонном уровне, сообщили в районном центре гигиены и эпидемиологии.")
LONG = ("За последнюю неделю за медицинской помощью с симптомами острой респираторной инфекции "
        "в поликлиники района обратились 312 человек, что соответствует средним многолетним "
        "показателям для этого времени года, отмечают специалисты.")


@pytest.mark.parametrize("marker", ["Последние новости", "Популярное"])
def test_a_short_first_sentence_after_a_block_heading_stays(marker: str) -> None:
    """A block heading trafilatura gave above the text (its list gone as links), then the
    article: its first paragraph, one sentence under MIN_PROSE_CHARS, is no headline of the
    block (a headline ends in no full stop); it went with the block."""
    lines = [FIRST, LONG, *TEXT]
    assert text_of(page(paragraphs([marker, *lines]))) == lines


def test_a_block_above_the_text_is_no_end_of_it() -> None:
    """The heading and its headlines above the article's first line: they go, the article
    stays (it ended there, no body was left: the page failed as no_body)."""
    lines = [FIRST, LONG, *TEXT]
    assert text_of(page(paragraphs(["Последние новости", *HEADLINES[:2], *lines]))) == lines


# -- an ad's label over its promo lines -------------------------------------------------------

ADS = [["Окна ПВХ от производителя — скидка 20%", "Звоните: +375 29 123-45-67"],
       ["Натяжные потолки за 1 день", "www.potolki-shklov.by"],
       ["Акцыя ў краме «Родны кут»: зніжкі да 30%"]]


def ad_block(label: str, ad: list[str], form: str) -> str:
    if form == "p":
        return paragraphs([label, *ad])
    return (f"<div class='insert'><div class='insert-title'>{escape(label)}</div>"
            f"<a href='https://promo.example/'><img src='/ad.jpg' alt=''></a>"
            + "".join(f"<div>{escape(line)}</div>" for line in ad) + "</div>")


@pytest.mark.parametrize("form", ["p", "div"])
@pytest.mark.parametrize("ad", ADS, ids=["phone", "address", "offer"])
@pytest.mark.parametrize("label", ["Реклама", "Рэклама", "Advertisement", "РЕКЛАМА:",
                                   "— Реклама —"])
@pytest.mark.parametrize("where", ["inside", "after"])
def test_an_ad_under_its_label_is_no_body(label: str, ad: list[str], form: str,
                                          where: str) -> None:
    at = 3 if where == "inside" else len(TEXT)
    body = paragraphs(TEXT[:at]) + ad_block(label, ad, form) + paragraphs(TEXT[at:])
    assert text_of(page(body)) == TEXT


def test_prose_about_advertising_stays() -> None:
    lines = [*TEXT[:3], "Реклама на улицах города будет размещаться только на специальных "
             "конструкциях, сообщили в райисполкоме.", "Реклама", *TEXT[3:]]
    assert text_of(page(paragraphs(lines))) == lines[:4] + TEXT[3:]


def test_a_subheading_after_an_ad_label_is_the_articles() -> None:
    """No offer, phone or address follows the label: only the label goes."""
    lines = [*TEXT[:3], "Реклама", "Что изменится для водителей", *TEXT[3:]]
    assert text_of(page(paragraphs(lines))) == [*TEXT[:3], "Что изменится для водителей",
                                                *TEXT[3:]]


# -- uCoz's time in an attribute of the printed day -------------------------------------------

def ucoz(details: str) -> str:
    """A uCoz news entry: its table, the text, the details row under it."""
    return page(f"<table class='eBlock'><tr><td class='eMessage'>{paragraphs(TEXT)}</td></tr>"
                f"<tr><td class='eDetails'>{details}</td></tr></table>")


@pytest.mark.parametrize("details", [
    "Категория: <a href='/news/1-0-1'>Новости района</a> | Просмотров: 45 | Добавил: <a "
    "href='/index/8-1'>admin</a> | Дата: <span title='14:20'>05.01.2026</span>",
    "<span class='e-date'><span class='ed-title'>Дата:</span> <span class='ed-value' "
    "title='14:20'>05.01.2026</span></span> <span class='e-reads'>Просмотров: 45</span>",
    "Дата: <span title='05.01.2026, 14:20'>05.01.2026</span> | Просмотров: 45",
    "<span class='date' data-time='14:20'>5 января 2026</span>",
])
def test_the_time_an_attribute_gives_the_printed_day_is_read(details: str) -> None:
    item = read(ucoz(details))
    assert item.published == "2026-01-05T14:20:00+03:00"
    assert item.text.split("\n\n") == TEXT


@pytest.mark.parametrize("attribute", ["title='04.01.2026 10:00'", "title='Дата публикации'",
                                       "title='99:99'"])
def test_an_attribute_of_another_day_or_no_time_gives_none(attribute: str) -> None:
    item = read(ucoz(f"Дата: <span {attribute}>05.01.2026</span> | Просмотров: 45"))
    assert item.published == "2026-01-05T00:00:00+03:00"


def test_a_ucoz_entry_of_br_parted_text_is_dated_by_its_details_row() -> None:
    """uCoz's own table: the headline in ``td.eTitle``, the text as <br>-parted lines
    straight in ``td.eMessage``. With no ``<p>`` in it, the article's table (its details row
    with it) was not found, and the item had no date at all."""
    html = (f"<html><head><meta charset='utf-8'><title>{TITLE} - Новости района</title></head>"
            f"<body><table class='eBlock'><tr><td class='eTitle'>{TITLE}</td></tr><tr><td "
            f"class='eMessage'>{'<br>'.join(TEXT)}</td></tr><tr><td class='eDetails'>Категория: "
            "<a href='/news/1-0-1'>Новости района</a> | Просмотров: 45 | Дата: <span "
            "title='14:20'>05.01.2026</span></td></tr></table></body></html>")
    item = read(html)
    assert item.published == "2026-01-05T14:20:00+03:00"
    assert item.text.split("\n\n") == TEXT


# -- a rubric inside the <h1> -------------------------------------------------------------------

@pytest.mark.parametrize("h1", [
    f"<span class='rubric'>Общество</span> {TITLE}",
    f"<span class='cat'>Общество</span>{TITLE}",  # glued: no space in the markup
    f"<a href='/category/obshchestvo/'>Общество</a> / {TITLE}",
    f"<span class='news-category'><a href='/society/'>Общество</a></span> {TITLE}",
    f"{TITLE} <span class='label'>Фото</span>",
])
@pytest.mark.parametrize("title", [TITLE, "Шкловские новости"], ids=["stated", "site_name"])
def test_a_rubric_label_inside_the_headline_is_not_the_title(h1: str, title: str) -> None:
    item = read(page(paragraphs(TEXT), h1=h1, title=title))
    assert item.title == TITLE
    assert item.text.split("\n\n") == TEXT


def test_a_label_the_stated_title_leaves_out_is_no_title_whatever_its_class() -> None:
    og = f"<meta property='og:title' content='{TITLE}'>"
    item = read(page(paragraphs(TEXT), h1=f"<small>Общество</small> {TITLE}",
                     title="Шкловские новости", head=og))
    assert item.title == TITLE


@pytest.mark.parametrize(("h1", "title", "whole"), [
    # a styled part of the headline
    ("<span class='accent'>В Шклове</span> изменится схема движения на перекрестке",
     "Шкловские новости", TITLE),
    # a linked name the stated title keeps
    ("<a href='/tag/ivanov/'>Иванов</a> рассказал о ремонте дороги",
     "Иванов рассказал о ремонте дороги", "Иванов рассказал о ремонте дороги"),
    # the rest would open in lower case
    ("<a href='/tag/ivanov/'>Иван Иванов</a> рассказал о ремонте дороги", "Шкловские новости",
     "Иван Иванов рассказал о ремонте дороги"),
])
def test_a_part_of_the_headline_set_apart_stays_in_the_title(h1: str, title: str,
                                                             whole: str) -> None:
    assert read(page(paragraphs(TEXT), h1=h1, title=title)).title == whole


# -- paragraphs parted by a single <br> -----------------------------------------------------------

@pytest.mark.parametrize("body", [
    "<div class='news-text'>" + "<br>".join(escape(p) for p in TEXT) + "</div>",
    "<p>" + "<br />\n".join(escape(p) for p in TEXT) + "</p>",
    "<div class='full-story'><p>" + "<br>".join(escape(p) for p in TEXT[:3]) + "</p><p>"
    + "<br>".join(escape(p) for p in TEXT[3:]) + "</p></div>",
])
def test_sentences_parted_by_a_single_br_are_paragraphs(body: str) -> None:
    assert text_of(page(body)) == TEXT


QUOTE = "«Движение восстановят в срок», — заверил начальник ГАИ района"
SOURCE = "Источник: БЕЛТА"


@pytest.mark.parametrize("box", [
    f"<!--QuoteBegin--><div class='quote'><!--QuoteEBegin-->{QUOTE}<!--QuoteEnd--></div>"
    "<!--QuoteEEnd-->",
    f"<blockquote>{QUOTE}</blockquote>",
], ids=["dle-quote", "blockquote"])
def test_a_line_after_a_block_and_a_br_is_a_paragraph_of_its_own(box: str) -> None:
    """``</div><br>text``: the text starts below the block and the break leaves an empty line
    between them (DataLife Engine's quote box, then the source line), not one line of both."""
    story = ("<div class='full-story'>" + "<br><br>".join(escape(p) for p in TEXT) + "<br><br>"
             + box + f"<br>{escape(SOURCE)}</div>")
    assert text_of(page(story)) == [*TEXT, QUOTE, SOURCE]


def test_a_subheading_among_br_parted_sentences_is_a_paragraph_of_its_own() -> None:
    lines = [*TEXT[:3], "Что изменится для водителей", *TEXT[3:]]
    assert text_of(page("<p>" + "<br>".join(lines) + "</p>")) == lines


@pytest.mark.parametrize("lines", [
    ["Мороз и солнце; день чудесный!", "Еще ты дремлешь, друг прелестный —",
     "Пора, красавица, проснись:", "Открой сомкнуты негой взоры"],
    ["Адрес: г. Шклов, ул. Ленина, 5", "Телефон: 8 (02239) 7-11-11",
     "Часы работы: с 9.00 до 18.00"],
    ["Об этом сообщили в отделе ГАИ", "Шкловского РОВД. Изменения связаны",
     "с ремонтом дорожного покрытия."],
])
def test_lines_that_are_no_sentences_stay_one_paragraph(lines: list[str]) -> None:
    body = paragraphs(TEXT[:3]) + "<p>" + "<br>".join(lines) + "</p>" + paragraphs(TEXT[3:])
    assert text_of(page(body)) == [*TEXT[:3], " ".join(lines), *TEXT[3:]]


def test_a_sentence_a_br_breaks_stays_joined() -> None:
    lines = [TEXT[0], "Об этом сообщили в отделе ГАИ Шкловского РОВД, изменения связаны",
             "с ремонтом дорожного покрытия.", *TEXT[2:]]
    assert text_of(page("<p>" + "<br>".join(lines) + "</p>")) == [
        TEXT[0], f"{lines[1]} {lines[2]}", *TEXT[2:]]


# -- 1C-Bitrix's news.detail: a short note in <br><br> text under a picture and its date ------

def bitrix_page(detail: str) -> str:
    """A Bitrix news page: the ``news-detail`` block of the stock template (picture, date span,
    text parted by empty lines), the headline above it and "back to the list" below."""
    return (f"<html><head><meta charset='UTF-8'><title>Новости</title></head><body>"
            f"<div class='header'><ul class='menu'>{MENU}</ul></div>"
            f"<div class='workarea'><h1>{escape(TITLE)}</h1><div class='news-detail'>{detail}"
            "</div><p><a href='/news/'>Возврат к списку</a></p></div>"
            "<div class='footer'>© 2026 Шкловские новости</div></body></html>")


BITRIX_TEXT = "<br><br>\n".join(escape(line) for line in TEXT)
BITRIX_DATE = "<span class='news-date-time'>05.01.2026 14:20</span>"


@pytest.mark.parametrize("detail", [
    BITRIX_DATE + BITRIX_TEXT,
    "<img class='detail_picture' src='/upload/1.jpg'>" + BITRIX_DATE + BITRIX_TEXT,
    BITRIX_DATE + BITRIX_TEXT + "<div style='clear:both'></div><br>",
    BITRIX_DATE + BITRIX_TEXT + "<div class='news-detail-share'>Поделиться: ВКонтакте Facebook "
                                "Twitter</div>",
], ids=["date", "picture", "clear", "share"])
def test_a_bitrix_note_is_its_paragraphs_without_headline_date_or_share_line(detail: str) -> None:
    """trafilatura's fallback hands the page of a short note on whole (menu, headline, date,
    text, "back to the list"): the region's lines are taken though they are most of it, the
    date run into the text ends its line, and a share line naming the networks is no text."""
    assert text_of(bitrix_page(detail)) == TEXT
    assert generic_text(bitrix_page(detail), "https://news.example.by/news/detail.php?ID=7"
                        ).split("\n\n")[-len(TEXT):] == TEXT


@pytest.mark.parametrize("line", [
    "Матч завершился со счетом <b>3:1 </b>в пользу хозяев поля, которые заслуженно победили.",
    "<b>15.05.2024 </b>в Минске прошла встреча, на которой обсуждали итоги сезона и планы.",
    "<b>15.05.2024</b>в Минске прошла встреча, на которой обсуждали итоги сезона и планы.",
    "Выделено <strong>1.5 </strong>млн рублей на ремонт стадиона и покупку формы для детей.",
    "Штраф по <span>ст. 18.14</span>КоАП получили трое водителей, превысивших скорость.",
])
def test_a_number_set_apart_inside_a_sentence_leaves_it_whole(line: str) -> None:
    """Only a date stamp of its own (a span, a time) run into the text ends its line: a score,
    an amount or an article of a code, set in bold inside a sentence, is the sentence's."""
    lines = [escape(TEXT[0]), line, escape(TEXT[1])]
    story = "<div class='full-story'>" + "<br><br>".join(lines) + "</div>"
    plain = " ".join(re.sub(r"<[^>]+>", "", line).split())
    assert text_of(page(story)) == [TEXT[0], plain, TEXT[1]]


@pytest.mark.parametrize(("before", "after"), [
    ("<p class='lead'>Водителям придется ехать в объезд.</p>", ""),
    ("", "<p>Подробности уточняются.</p>"),
    ("", "<p>Источник: ГАИ Шкловского РОВД</p>"),
])
def test_a_line_beside_a_bitrix_note_stays(before: str, after: str) -> None:
    """A lead above the ``news-detail`` block or a closing line under it is the note's text:
    only the headline and links' text (a menu, "back to the list") may be left beside the
    region's lines. The printed date under the lead is a line of its own, and goes."""
    html = bitrix_page(BITRIX_DATE + BITRIX_TEXT).replace(
        "<div class='news-detail'>", f"{before}<div class='news-detail'>").replace(
        "</div><p><a href='/news/'>", f"</div>{after}<p><a href='/news/'>")
    extra = re.sub(r"<[^>]+>", "", before or after)
    assert text_of(html) == ([extra, *TEXT] if before else [*TEXT, extra])
