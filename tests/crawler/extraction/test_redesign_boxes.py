"""Boxes a redesign sets inside an article's body, read by the outlet's rules and by the
generic path (a site no rule knows): the item's text is the article's paragraphs alone."""

from __future__ import annotations

import re

import pytest

from crawler import siteoutlets
from crawler.extraction import extract_article, rule_misses
from crawler.items import Article, ArticlePage

PARAGRAPHS = (
    "Президент Беларуси провел сегодня телефонный разговор с Президентом России. Стороны "
    "обсудили вопросы двустороннего сотрудничества и союзного строительства.",
    "По информации пресс-службы, разговор продолжался около часа. Следующая встреча лидеров "
    "может состояться уже в следующем месяце в Минске.",
    "Отдельное внимание было уделено кооперации в машиностроении и энергетике. Строительство "
    "моста через Днепр планируется завершить до конца следующего года.",
    "Синоптики прогнозируют на выходных до +18 градусов и небольшие дожди. Аграрии приступили "
    "к севу озимых культур на площади 20 тысяч гектаров.",
)
TITLE = "Лукашенко и Путин обсудили двустороннее сотрудничество и энергетику"
SITE = siteoutlets.outlet_from_site_row({"url": "https://gorod-news.example/",
                                         "timezone": "Europe/Minsk"})

# A paywall's box, each under a class no drop rule names
PAYWALLS = {
    "heading-and-offer": ('<div class="access-box"><h3>Этот материал доступен по подписке</h3>'
                          "<p>Чтобы читать дальше, оформите подписку всего за 5 рублей в "
                          'месяц.</p><a class="btn" href="/subscribe">Оформить подписку</a>'
                          '<p>Уже есть подписка? <a href="/login">Войти</a></p></div>'),
    "one-line": ('<div class="locked"><p>Весь материал доступен только для подписчиков. '
                 '<a href="/s">Оформить подписку</a></p></div>'),
    "english": ('<div class="gate"><p>This article is available only to subscribers.</p>'
                "<p>To continue reading, subscribe for just $1 a week.</p></div>"),
    "belarusian": ('<div class="paywall-note"><p>Каб чытаць далей, аформіце падпіску.</p>'
                   '<a href="/s">Аформіць падпіску</a></div>'),
    "belarusian-in-full": '<div class="pw"><p>Каб прачытаць матэрыял цалкам, аформіце падпіску</p></div>',
    "english-subscribe-first": '<div class="pw"><p>Subscribe to continue reading.</p></div>',
    "english-become": '<div class="pw"><p>To keep reading, become a subscriber.</p></div>',
    "dash": '<div class="pw"><p>Чтобы читать дальше — оформите подписку</p></div>',
    "colon": '<div class="pw"><p>Чтобы читать дальше: оформите подписку.</p></div>',
    "log-in-or": ('<div class="pw"><p>Чтобы читать дальше, войдите или оформите подписку</p>'
                  "</div>"),
}


def page_with(box: str) -> str:
    paragraphs = [f"<p>{p}</p>" for p in PARAGRAPHS]
    paragraphs.insert(2, box)
    return ('<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8">'
            f"<title>{TITLE}</title>"
            '<meta property="article:published_time" content="2026-01-10T17:30:00+03:00">'
            f'</head><body><header><a href="/">Новости</a></header><main><article><h1>{TITLE}'
            '</h1><time datetime="2026-01-10T17:30:00+03:00">10 января 2026, 17:30</time>'
            f'<div itemprop="articleBody">{"".join(paragraphs)}</div></article></main>'
            "<footer>© 2026 Редакция</footer></body></html>")


def extract(url: str, outlet: str, html: str) -> Article:
    siteoutlets._LOCAL[SITE.key] = SITE
    try:
        return extract_article(ArticlePage(
            url=url, outlet=outlet, body=html.encode(), status=200,
            headers={"Content-Type": "text/html; charset=utf-8"},
            fetched_at="2026-01-12T10:00:00Z"))
    finally:
        siteoutlets._LOCAL.pop(SITE.key, None)


@pytest.mark.parametrize("box", PAYWALLS.values(), ids=PAYWALLS.keys())
@pytest.mark.parametrize(("url", "outlet"), [
    ("https://news.zerkalo.io/economics/117501.html", "zerkalo"),
    ("https://gorod-news.example/news/117501.html", SITE.key),
], ids=["outlet-rules", "generic"])
def test_a_paywall_box_inside_the_body_stays_out_of_the_text(url: str, outlet: str,
                                                             box: str) -> None:
    article = extract(url, outlet, page_with(box))
    assert article.text == "\n\n".join(PARAGRAPHS)
    assert article.title == TITLE


@pytest.mark.parametrize("sentence", [
    "Депутаты обсудили, должен ли этот материал быть доступен по подписке или бесплатно.",
    "Чтобы читать книги в библиотеке, жителям района теперь не нужно оформлять абонемент.",
    # a subscription campaign's article, a report quoting a paywall's message, an aside:
    # they open as a paywall's line does and go on
    "Чтобы читать районную газету в следующем году, оформите подписку до 25 декабря в любом "
    "отделении почты. Стоимость на полугодие — 24 рубля.",
    "To read the full report, which the agency sells by subscription, analysts pay up to "
    "$5,000 a year.",
    "«Чтобы прочитать статью полностью, оформите подписку» — такое сообщение с понедельника "
    "видят читатели сайта газеты, которая ввела платный доступ.",
    "\"To continue reading, subscribe\" is what readers of the paper's site now see, the "
    "editor said.",
    "— Чтобы читать дальше, оформите подписку, — объясняет главный редактор газеты.",
    "'To keep reading, subscribe,' the banner says.",
    "Чтобы читать дальше, оформите подписку — такое сообщение видят читатели",
])
@pytest.mark.parametrize(("url", "outlet"), [
    ("https://news.zerkalo.io/economics/117501.html", "zerkalo"),
    ("https://gorod-news.example/news/117501.html", SITE.key),
], ids=["outlet-rules", "generic"])
def test_sentences_about_subscriptions_stay_in_the_text(url: str, outlet: str,
                                                       sentence: str) -> None:
    article = extract(url, outlet, page_with(f"<p>{sentence}</p>"))
    assert sentence in article.text.split("\n\n")


def test_lines_after_a_paywall_line_in_one_br_block_stay() -> None:
    """A short block an old CMS parts with ``<br>``: its paywall line goes, the lines after
    it, the article's, stay (the block as a whole is no paywall's line)."""
    lines = ["Сев в районе завершат к концу недели.", "Урожай ожидают выше прошлогоднего."]
    block = "<p>Чтобы читать дальше, оформите подписку.<br>" + "<br>".join(lines) + "</p>"
    article = extract("https://gorod-news.example/news/117501.html", SITE.key, page_with(block))
    paragraphs = article.text.split("\n\n")
    assert paragraphs == [*PARAGRAPHS[:2], *lines, *PARAGRAPHS[2:]]


READ_ALSO = {
    "heading-and-list": ('<p><strong>Читайте также:</strong></p><ul><li><a href="/n/1">В Минске '
                         'открыли новую станцию метро</a></li><li><a href="/n/2">Аграрии начали '
                         "сев озимых</a></li></ul>"),
    "heading-and-link": ('<h3>Читайте также</h3><p><a href="/n/1">В Минске открыли новую '
                         "станцию метро</a></p>"),
}
OUTLET_URLS = {"zerkalo": "https://news.zerkalo.io/economics/117501.html",
               "belta": "https://www.belta.by/president/view/lukashenko-i-putin-427800-2026/",
               "runews24": "https://runews24.ru/world/10/01/2026/lukashenko-i-putin-501"}


@pytest.mark.parametrize("insert", READ_ALSO.values(), ids=READ_ALSO.keys())
@pytest.mark.parametrize("outlet", OUTLET_URLS)
def test_a_read_also_insert_between_short_paragraphs_cuts_nothing_off(outlet: str,
                                                                       insert: str) -> None:
    """Paragraphs of 140 to 160 characters, as news often has: the rest of the article after
    the insert is the article's, not the blocks after it."""
    article = extract(OUTLET_URLS[outlet], outlet, _with_body_of(outlet, page_with(insert)))
    assert article.text == "\n\n".join(PARAGRAPHS)


LINKED_NAMES = {  # the article's own paragraphs that open with a link, not a headline's
    "name": ('<a href="/tag/lukashenko">Александр Лукашенко</a> заявил на совещании, что '
             "строительство моста через Днепр должно быть завершено до конца следующего года, а "
             "подрядчики, сорвавшие сроки, понесут ответственность. Он поручил правительству "
             "подготовить доклад к марту."),
    "source": ('<a href="/news/1">Как сообщало «Зеркало»</a>, мост начали строить в 2024 году. '
               "Его длина составит почти километр, а движение по нему откроют осенью, когда "
               "строители закончат подходы с обоих берегов и проверят опоры под нагрузкой."),
}


@pytest.mark.parametrize("opening", LINKED_NAMES.values(), ids=LINKED_NAMES.keys())
@pytest.mark.parametrize("outlet", OUTLET_URLS)
def test_a_paragraph_opening_with_a_linked_name_after_an_insert_is_the_articles(
        outlet: str, opening: str) -> None:
    """After a "Читайте также" insert, a paragraph whose first words are a linked name, tag
    or source is the article going on, not a related post's card: the rest is kept."""
    short = "Напомним, мост начали строить в 2024 году."  # no sentence of a run: one line
    insert = READ_ALSO["heading-and-link"] + f"<p>{opening}</p><p>{short}</p>"
    html = page_with(insert).replace(f"<p>{PARAGRAPHS[2]}</p>", "")  # one paragraph after
    article = extract(OUTLET_URLS[outlet], outlet, _with_body_of(outlet, html))
    plain = re.sub(r"<[^>]+>", "", opening)
    assert article.text == "\n\n".join([*PARAGRAPHS[:2], plain, short, PARAGRAPHS[3]])


def _with_body_of(outlet: str, html: str) -> str:
    """The test page with the body block ``outlet``'s rule names."""
    html = html.replace('<div itemprop="articleBody">', {
        "zerkalo": '<div itemprop="articleBody">',
        "belta": '<div class="inner_content"><div class="js-mediator-article">',
        "runews24": '<div class="b-article__text">'}[outlet])
    if outlet == "belta":
        html = html.replace("</div></article>", "</div></div></article>")
    return html


def _excerpt_cards(end: str) -> str:
    """A related-posts list's entries: a linked headline and an excerpt of ~130 characters,
    one paragraph each."""
    return "".join(f'<p><a href="/n/{n}"><strong>В Шклове прошёл субботник {n}</strong></a> '
                   "Участие в традиционной весенней акции приняли более двухсот работников "
                   f"предприятий и учреждений района{end}</p>" for n in range(3))


AFTER_BODY = {
    "headline-then-teaser": "<p><strong>Читайте также:</strong></p>" + "".join(
        f'<p><a href="/n/{n}">Новость номер {n} о событиях в районе</a></p>'
        f"<p>Короткий анонс новости номер {n}, в котором рассказывается о событиях "
        "прошедшей недели в районе и области.</p>" for n in range(3)),
    "linked-headline-and-excerpt-ellipsis": "<h3>Читайте также</h3>" + _excerpt_cards("…"),
    "linked-headline-and-excerpt-period": "<h3>Читайте также</h3>" + _excerpt_cards("."),
}


@pytest.mark.parametrize("tail", AFTER_BODY.values(), ids=AFTER_BODY.keys())
@pytest.mark.parametrize("outlet", OUTLET_URLS)
def test_a_headline_list_after_the_body_under_read_also_stays_cut(outlet: str,
                                                                   tail: str) -> None:
    """A paragraph that opens with a link is a related post's card, not the article going on
    after the heading, however its excerpt ends."""
    html = page_with("").replace("</div></article>", f"{tail}</div></article>")
    article = extract(OUTLET_URLS[outlet], outlet, _with_body_of(outlet, html))
    assert article.text == "\n\n".join(PARAGRAPHS)


CARD = ('<div class="news-card"><span class="rubric">Общество</span><h4><a href="/?p=9001">В '
        'районе открыли новый фельдшерско-акушерский пункт</a></h4><span class="date">14 '
        'сентября 2025</span><a href="/?p=9001">Читать новость</a></div>')


def test_a_printed_date_rule_reading_another_day_than_the_headline_date_is_a_miss() -> None:
    """RuNews24 after a redesign renamed its date block: its rule ``span.date`` matches only
    the date of a card (here set inside the body; where it sits is not asked), a day other
    than the machine date's, which the date printed near the headline carries."""
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[:2]) + CARD + "".join(
        f"<p>{p}</p>" for p in PARAGRAPHS[2:])
    html = ('<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8">'
            f"<title>{TITLE}</title>"
            '<meta property="article:published_time" content="2026-01-10T19:15:00+03:00">'
            f'</head><body><div class="article-page"><h1 class="article-page__title">{TITLE}'
            '</h1><div class="article-page__date">10.01.2026 19:15</div>'
            f'<div class="article-page__text">{body}</div></div></body></html>')
    article = extract(OUTLET_URLS["runews24"], "runews24", html)
    assert article.published == "2026-01-10T19:15:00+03:00"
    assert "published_visible" in rule_misses(article)
