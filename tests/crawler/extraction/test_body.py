"""Where the body ends: block headings of other content end it, sentences that start with
the same words do not."""

from __future__ import annotations

import pytest

from crawler.extraction.body import is_teaser, tidy
from crawler.outlets import get_outlet
from crawler.outlets.belta import BELTA
from crawler.outlets.regional import load_sites
from crawler.siteoutlets import outlet_from_site_row
from tests.support.hang import python_within

GENERIC = outlet_from_site_row({"url": "https://gorod-news.example/"}).rules
FIRST = ("Сегодня в областном центре прошло заседание городского совета, на котором депутаты "
         "обсудили вопросы благоустройства дворов и ремонта дорог.")
LAST = "Окончательное решение будет принято на следующем заседании, сообщили в пресс-службе."


def body(middle: str, rules: object = GENERIC) -> list[str]:
    return tidy([FIRST, middle, LAST], rules, "Заголовок", None)[0]  # type: ignore[arg-type]


@pytest.mark.parametrize("sentence", [
    "Рекомендуем пешеходам быть предельно внимательными, а водителям — по возможности "
    "отказаться от поездок на личном транспорте, сообщили в МЧС.",
    "Рекомендуем следующие меры:",
    "Последние новости с границы показывают, что очереди сокращаются.",
    "Популярное место отдыха горожан — парк у реки — закроют на ремонт.",
    "Читайте также инструкцию на сайте исполкома, там все подробно расписано.",
    "Рэкамендуем жыхарам не пакідаць машыны каля дарог.",
    "Рекомендуємо мешканцям не залишати автомобілі біля доріг.",
    "Most popular among residents were the new playgrounds.",
])
@pytest.mark.parametrize("rules", [GENERIC, None], ids=["generic", "no-rules"])
def test_a_paragraph_that_starts_with_a_common_marker_stays_in_the_body(
        sentence: str, rules: object) -> None:
    assert body(sentence, rules) == [FIRST, sentence, LAST]


@pytest.mark.parametrize("heading", [
    "Популярное", "Последние новости", "ПОСЛЕДНИЕ НОВОСТИ:", "Рекомендуем",
    "Читайте также: В городе отремонтируют еще пять улиц",
    "Читайте также В городе отремонтируют еще пять улиц",
    "Популярное за неделю", "Последние новости Минска", "Рекомендуемые материалы",
    "Читайте таксама: У горадзе адрамантуюць вуліцы", "Читайте також: У місті відремонтують вулиці",
    "Останні новини", "Read also: Five more streets to be repaired", "Latest news",
])
def test_a_block_heading_of_other_content_ends_the_body(heading: str) -> None:
    assert body(heading) == [FIRST]


def test_calls_to_subscribe_end_the_body_whatever_follows() -> None:
    assert body("Подписывайтесь на наш канал в Telegram, чтобы первыми узнавать новости.") \
        == [FIRST]


def test_markers_an_outlet_names_cut_as_before() -> None:
    """District rows carry the common markers as their own; BELTA names its call."""
    shklov = load_sites()["shklovinfo.by"].rules
    assert body("Рекомендуем пешеходам быть предельно внимательными.", shklov) == [FIRST]
    assert body("Подписывайтесь на наш канал в Telegram! Хотите быть в курсе?", BELTA.rules) \
        == [FIRST]


@pytest.mark.parametrize("link", ["Читать далее", "Читать далее »", "Подробнее →", "Read more…",
                                  "Читать далее «Заседание горсовета»", "Чытаць далей"])
def test_a_read_more_link_is_never_body_and_closing_the_block_makes_a_teaser(link: str) -> None:
    assert body(link) == [FIRST, LAST]
    assert is_teaser([FIRST, link, ""])
    assert not is_teaser([FIRST, link, LAST])


@pytest.mark.parametrize("sentence", ["Подробнее о мероприятии читайте в следующем номере.",
                                      "Далее — прогноз погоды на выходные."])
def test_sentences_that_start_like_a_read_more_link_stay(sentence: str) -> None:
    assert body(sentence) == [FIRST, sentence, LAST]
    assert not is_teaser([FIRST, sentence])


SECOND = ("После обсуждения депутаты утвердили план работ на весну, в который вошли ремонт "
          "тротуаров на трех улицах, замена освещения во дворах и благоустройство сквера у "
          "вокзала, а также строительство новой детской площадки в микрорайоне Южный.")


def test_a_read_also_insert_between_paragraphs_is_dropped_and_the_article_goes_on() -> None:
    insert = ["Читайте также:", "В городе отремонтируют еще пять улиц"]
    assert tidy([FIRST, *insert, SECOND, LAST], GENERIC, "Заголовок", None)[0] == [
        FIRST, SECOND, LAST]
    # after the article, headlines and no prose follow: the body ends at the heading
    tail = ["Читайте также:", "В городе отремонтируют еще пять улиц", "Новый сквер откроют в мае"]
    assert tidy([FIRST, SECOND, *tail], GENERIC, "Заголовок", None)[0] == [FIRST, SECOND]


def test_a_body_rule_matches_a_block_with_an_editors_h1_but_not_the_page_wrapper() -> None:
    """The page's headline (its first <h1>) inside a match makes it a wrapper; an <h1> the
    editor put inside the article text does not."""
    from crawler.extraction.body import body_match
    from crawler.extraction.html import parse_html

    rules = outlet_from_site_row({"url": "https://gorod-news.example/",
                                  "body": [".entry-content", "main"]}).rules
    page = (f"<html><body><main><h1>Заголовок</h1><div class='entry-content'><p>{FIRST}</p>"
            f"<h1>Раздел статьи</h1><p>{LAST}</p></div><ul><li><a href='/x'>Ещё</a></li></ul>"
            "</main></body></html>")
    spec, (node,) = body_match(parse_html(page), rules)
    assert spec == ".entry-content" and "Раздел статьи" in node.text_content()
    renamed = page.replace("entry-content", "post-text")
    assert body_match(parse_html(renamed), rules) == (None, [])  # only the wrapper matched


def test_a_row_pattern_that_backtracks_without_end_is_given_up_not_waited_on() -> None:
    """A row's drop_paragraphs or author_line pattern that backtracks exponentially held the
    page's extraction for good (inline) or until its worker was killed. Each overrun is now
    no match, said with the pattern; after three the pattern is left out. (The child's
    timeout fails the test instead of holding the suite.)"""
    script = (
        "from crawler.extraction.body import tidy\n"
        "from crawler.outlets.base import ArticleRules\n"
        "rules = ArticleRules(version='row', drop_paragraphs=(r'^(.*?,){11}P', r'^Реклама$'),\n"
        "                     author_line=r'^(?:a|a)+(Z)$')\n"
        "lines = ['1,' * 30 + f' абзац {n}' for n in range(5)]\n"
        "lines += ['a' * 40 + f'b{n}' for n in range(4)]\n"
        "body, authors = tidy(lines + ['Реклама', 'Последний абзац.'], rules, None, None)\n"
        "print(len(body), body[-1], authors)\n")
    result = python_within(60, script)
    assert result.stdout.strip() == "10 Последний абзац. []", result.stderr[-2000:]
    warned = [line for line in result.stderr.splitlines() if "ran longer than" in line]
    assert len(warned) == 6, result.stderr[-2000:]  # three for each pattern, then left out
    assert "drop_paragraphs pattern '^(.*?,){11}P' ran longer than 0.25 s" in warned[0]
    assert sum("no longer applied in this process" in line for line in warned) == 2


def test_a_row_pattern_slow_on_every_paragraph_is_left_out_after_three(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """A pattern taking a good fraction of the limit on each paragraph never overran it, yet
    over a long page cost the worker its whole EXTRACTION_TIMEOUT: its slow matches are
    strikes too (here every match counts as slow)."""
    from crawler.outlets import base

    monkeypatch.setattr(base, "PARAGRAPH_SLOW_SECONDS", 0.0)
    rules = base.ArticleRules(version="row", drop_paragraphs=(r"^Реклама",))
    lines = ["Реклама 1", "Реклама 2", "Реклама 3", "Реклама 4", "Текст статьи."]
    body, _ = tidy(lines, rules, None, None)
    assert body == ["Реклама 4", "Текст статьи."]  # three matched (and struck), then left out
    slow = [r.getMessage() for r in caplog.records if "a slow match" in r.getMessage()]
    assert len(slow) == 3 and slow[-1].endswith("no longer applied in this process")


CARDS = ["Общество", "В Могилевской области завершилась уборочная кампания (200)",
         "14 сентября 2025", "Читать новость",
         "Досуг", "«Решения, которые мы принимаем сегодня, определят развитие» (201)",
         "14 сентября 2025, 10:15", "Читать новость"]


@pytest.mark.parametrize("heading", [["Свежие публикации"], []], ids=["renamed", "none"])
@pytest.mark.parametrize("rules", [GENERIC, BELTA.rules, None], ids=["generic", "belta", "none"])
def test_a_card_list_under_any_heading_or_none_is_no_body(heading: list[str],
                                                         rules: object) -> None:
    """Cards of rubric, headline as plain text, date and "Читать новость": no heading to cut
    at, too few links for a link block; the runs of read-more and date lines give it away,
    after the article or between its paragraphs."""
    after = tidy([FIRST, SECOND, *heading, *CARDS], rules, "Заголовок", None)[0]  # type: ignore[arg-type]
    assert after == [FIRST, SECOND]
    inside = tidy([FIRST, *heading, *CARDS, SECOND, LAST], rules, "Заголовок", None)[0]  # type: ignore[arg-type]
    assert inside == [FIRST, SECOND, LAST]


@pytest.mark.parametrize("card", [
    "Беларусам напомнили о новых правилах техосмотраЧитать новость",  # two spans in one link
    "Беларусам напомнили о новых правилах техосмотра Читать новость →",
    "Власти объяснили новые правила Read story"])
@pytest.mark.parametrize("rules", [GENERIC, BELTA.rules, None], ids=["generic", "belta", "none"])
def test_one_card_inline_between_paragraphs_is_no_body(card: str, rules: object) -> None:
    """A lone card linked between two paragraphs: its headline and link come as one line,
    no run of cards to tell; the link that ends it does."""
    assert tidy([FIRST, card, SECOND], rules, "Заголовок", None)[0] == [FIRST, SECOND]  # type: ignore[arg-type]


def test_prose_that_ends_in_reading_an_article_stays() -> None:
    said = "Учитель посоветовал детям чаще читать статью из школьной газеты"
    assert tidy([FIRST, said, SECOND], GENERIC, "Заголовок", None)[0] == [FIRST, said, SECOND]


def test_the_short_lines_before_a_card_list_stay_the_articles() -> None:
    """RuNews24 closes its body with "Автор: …" (its only author source) and a short closing
    line; cards following them took both, the author with no miss to show for it."""
    closing = "Следите за развитием событий."
    body, authors = tidy([FIRST, SECOND, closing, "Автор: Ольга Смирнова", *CARDS],
                         get_outlet("runews24").rules, "Заголовок", None)
    assert (body, authors) == ([FIRST, SECOND, closing], ["Ольга Смирнова"])


def test_short_dated_lines_of_an_article_are_no_card_list() -> None:
    """A timeline of dates with one "read more" (or a card's date alone) stays body."""
    timeline = ["14 сентября 2025", "Открытие моста.", "15 сентября 2025", "Первый автобус.",
                "Читать далее"]
    assert tidy([FIRST, *timeline, LAST], GENERIC, "Заголовок", None)[0] == [
        FIRST, *timeline[:-1], LAST]


@pytest.mark.parametrize("promo", [
    "Хотите первыми узнавать главное? Подпишитесь на нашу ежедневную рассылку.",
    "Все права защищены.", "Реклама", "Sign up for our daily newsletter to get the news."])
@pytest.mark.parametrize("rules", [BELTA.rules, GENERIC], ids=["belta", "generic"])
def test_a_promo_or_notice_inside_a_rules_body_is_no_body(promo: str, rules: object) -> None:
    """The lines the generic extractor drops as page furniture are dropped from a body an
    outlet's selector found too: a promo a redesign put inside it went into the text."""
    assert body(promo, rules) == [FIRST, LAST]


def test_an_author_line_whose_group_matched_nothing_names_no_author() -> None:
    """A row's ``(Автор: .+)|Фото`` matching "Фото" left its group empty: the extraction
    crashed on None (``TypeError`` in unescaping), and the article was lost."""
    from crawler.outlets.base import ArticleRules

    rules = ArticleRules(version="row", author_line=r"Автор: (.+)|Фото")
    body, authors = tidy(["Фото", "Автор: Иван Петров", "Текст статьи."], rules, None, None)
    assert (body, authors) == (["Текст статьи."], ["Иван Петров"])


_TEXT = ["Жители района собрались на площади, чтобы обсудить ремонт дороги.",
         "Работы начнутся весной и продлятся до осени, сообщили в исполкоме."]
_SAID = ["Полностью согласен с автором, у нас тоже давно ждали ремонта дороги.",
         "А я не согласна: дорогу сделали только до магазина."]


@pytest.mark.parametrize("tail", [
    ["Комментарии (2)", "Гость", *_SAID],
    ["Отзывы читателей", "Николай: " + _SAID[0]],
    ["5 комментариев", _SAID[0]],
    ["Каментары: 2", _SAID[0]],
    ["Комментарии", "Гость", _SAID[0], "Ответить", _SAID[1], "Ответить"],
    ["Комментарии"],  # the comments gone, their heading left
])
def test_readers_comments_under_the_text_are_no_body(tail: list[str]) -> None:
    assert tidy(_TEXT + tail, None, None, None)[0] == _TEXT


def test_a_comments_subhead_of_the_article_stays() -> None:
    """A bare "Комментарии" heading the article's own experts' words follow (no reply line)."""
    lines = [*_TEXT, "Комментарии", "Эксперт считает, что ремонт давно назрел.",
             "Заключение дадут в следующем месяце."]
    assert tidy(lines, None, None, None)[0] == lines


ROAD = ["С 1 февраля в Шклове меняется схема движения на перекрестке улиц Ленина и Советской.",
        "Об этом сообщили в отделе ГАИ Шкловского РОВД. Изменения связаны с ремонтом дорожного "
        "покрытия.",
        "Проезд грузового транспорта по улице Советской будет временно закрыт до конца марта."]
DETOUR = ["Для легковых автомобилей организован объезд по улице Заводской и переулку Школьному.",
          "Автобусы городских маршрутов № 1 и № 3 будут следовать измененным маршрутом.",
          "Остановка «Центральная площадь» временно переносится к зданию районной поликлиники.",
          "В ГАИ просят водителей заранее планировать маршрут и соблюдать временные знаки."]
OTHER_NEWS = ["В Шклове прошел районный турнир по мини-футболу среди школьников",
              "Аграрии района завершили заготовку кормов на зимний период",
              "На улице Ленина начался ремонт тротуаров и замена освещения"]


def road_page(inside: str) -> str:
    """A WordPress news page of a district paper: branding and menu, the article (its text
    three paragraphs, ``inside``), tags, a sidebar of the latest news and a footer."""
    from html import escape

    def ps(lines: list[str]) -> str:
        return "".join(f"<p>{escape(x)}</p>" for x in lines)

    menu = "".join(f"<li class='menu-item'><a href='/category/{n}/'>{name}</a></li>"
                   for n, name in enumerate(["Главная", "Новости", "Общество", "Экономика",
                                             "Культура", "Спорт", "Происшествия", "Контакты"]))
    latest = "".join(f"<li><a href='/2026/01/0{n + 1}/news-{n}/'>{escape(h)}</a>"
                     f"<span class='date'>0{n + 1}.01.2026</span></li>"
                     for n, h in enumerate(OTHER_NEWS))
    return f"""<!DOCTYPE html><html lang="ru"><head><meta charset="UTF-8">
<title>В Шклове изменится схема движения на перекрестке — Шкловская жизнь</title></head>
<body class="single single-post"><div id="page" class="site">
<header id="masthead" class="site-header"><div class="site-branding"><p class="site-title">
<a href="/">Шкловская жизнь</a></p><p class="site-description">Общественно-политическая газета
</p></div><nav id="site-navigation" class="main-navigation"><ul class="menu">{menu}</ul></nav>
</header><div id="content" class="site-content"><div id="primary" class="content-area">
<main id="main" class="site-main"><article class="post type-post"><header class="entry-header">
<h1 class="entry-title">В Шклове изменится схема движения на перекрестке</h1>
<div class="entry-meta"><time class="entry-date published" datetime="2026-01-05T14:20:00+03:00">
05.01.2026</time></div></header><div class="entry-content">{ps(ROAD)}{inside}</div>
<footer class="entry-footer"><span class="tags-links">Метки: <a href="/tag/gai/">ГАИ</a>,
<a href="/tag/dorogi/">дороги</a></span></footer></article></main></div>
<aside id="secondary" class="widget-area"><section class="widget widget_recent_entries">
<h2 class="widget-title">Последние новости</h2><ul>{latest}</ul></section></aside></div>
<footer id="colophon" class="site-footer"><div class="site-info"><p>© 2008–2026 Редакция газеты
«Шкловская жизнь». При использовании материалов ссылка на сайт обязательна.</p></div></footer>
</div></body></html>"""


def road_text(html: str, monkeypatch: pytest.MonkeyPatch, site: bool) -> list[str]:
    """The item's text as a crawl reads the page: by the generic rules of a site crawled by
    its address (``site``), or with no outlet at all."""
    from crawler import siteoutlets
    from crawler.extraction import extract_article
    from crawler.items import ArticlePage

    if site:
        monkeypatch.setitem(siteoutlets._LOCAL, "shklov-news.by", outlet_from_site_row(
            {"url": "https://shklov-news.by/", "timezone": "Europe/Minsk"}))
    article = extract_article(ArticlePage(
        url="https://shklov-news.by/2026/01/05/skhema-dvizheniya/", outlet="",
        body=html.encode(), headers={"Content-Type": "text/html; charset=utf-8"}, status=200,
        fetched_at="2026-01-05T12:00:00+00:00"))
    return article.text.split("\n\n")


@pytest.mark.parametrize("subheading", ["Рекомендуем заранее планировать маршрут",
                                        "Популярное направление станет платным",
                                        "Последние новости дорожной службы успокаивают"])
@pytest.mark.parametrize("site", [True, False], ids=["site-row", "no-outlet"])
def test_a_subheading_that_opens_with_a_block_markers_word_does_not_end_the_article(
        subheading: str, site: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """An editor's <h2>/<h3> inside the text that opens with "Рекомендуем" or "Популярное"
    and goes on as a headline of its own, prose after it, is a subheading: the article ran on
    past it (it ended at the paragraph before, four of seven paragraphs lost)."""
    for tag in ("h2", "h3"):
        html = road_page(f"<{tag}>{subheading}</{tag}>"
                         + "".join(f"<p>{p}</p>" for p in DETOUR))
        assert road_text(html, monkeypatch, site) == [*ROAD, subheading, *DETOUR]


@pytest.mark.parametrize("heading", ["Рекомендуем", "Популярное за неделю",
                                     "Читайте также", "Последние новости района",
                                     "Рекомендуем заранее планировать маршрут"])
@pytest.mark.parametrize("site", [True, False], ids=["site-row", "no-outlet"])
def test_a_block_heading_over_headlines_inside_the_text_still_ends_it(
        heading: str, site: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """The marker alone or with a short qualifier, or any heading that headlines follow and
    no prose, opens a block of other content set inside the body block: the text ends there."""
    headlines = "".join(f"<p><a href='/2026/01/0{n + 1}/news-{n}/'>{h}</a></p>"
                        for n, h in enumerate(OTHER_NEWS))
    html = road_page(f"<h3>{heading}</h3>{headlines}")
    assert road_text(html, monkeypatch, site) == ROAD


LEADS = ["Команда гимназии № 1 заняла первое место, обыграв в финале сверстников из Александрии.",
         "На складах хозяйств района заложено более 40 тысяч тонн сенажа и силоса.",
         "Работы планируют завершить к маю, движение пешеходов временно ограничат."]


def cards(heading: str, dated: bool, whole_link: bool) -> str:
    """"По теме" cards as a redesign sets them inside the text: each a linked headline (in an
    ``h3``, or the whole card one link), a one-sentence lead that is no link, perhaps a date."""
    out = f"<div class='topic-feed__title'>{heading}</div>" if heading else ""
    for n, (headline, lead) in enumerate(zip(OTHER_NEWS, LEADS, strict=True)):
        date = f"<span class='card__date'>0{n + 1} января 2026, 12:0{n}</span>" if dated else ""
        href = f"/2026/01/0{n + 1}/news-{n}/"
        if whole_link:
            out += f"<a class='card' href='{href}'><h3>{headline}</h3><p>{lead}</p>{date}</a>"
        else:
            out += f"<div class='card'><h3><a href='{href}'>{headline}</a></h3><p>{lead}</p>{date}</div>"
    return f"<div class='topic-feed'>{out}</div>"


@pytest.mark.parametrize("heading", ["По теме", "Еще по теме", ""])
@pytest.mark.parametrize("dated", [True, False], ids=["dated", "undated"])
@pytest.mark.parametrize("whole_link", [False, True], ids=["linked-headline", "linked-card"])
@pytest.mark.parametrize("where", ["end", "middle"])
def test_teaser_cards_inside_a_rules_body_are_no_body(heading: str, dated: bool,
                                                      whole_link: bool, where: str) -> None:
    """Other articles' cards inside the body block, each a linked headline over a lead of its
    own: the leads are prose, so the block is no link block and the cards read as paragraphs
    of the article (all ten items of a probe). They go; the rule still gives the text (a
    card list of whole links made the block pass for a headline list: a false rule miss)."""
    import lxml.html

    from crawler.extraction.body import rule_paragraphs
    from crawler.outlets.base import ArticleRules

    inside = cards(heading, dated, whole_link)
    html = road_page(inside + "".join(f"<p>{p}</p>" for p in DETOUR) if where == "middle"
                     else inside)
    rules = ArticleRules(version="t", body=("div.entry-content",))
    spec, paragraphs, teaser = rule_paragraphs(lxml.html.fromstring(html), rules)
    assert spec == "div.entry-content" and teaser is None
    assert tidy(paragraphs, rules, "Заголовок", None)[0] == ROAD + (
        DETOUR if where == "middle" else [])


def test_a_list_of_teaser_cards_matched_by_a_body_rule_is_no_body() -> None:
    """A "related news" block that kept the body's class: cards and nothing else."""
    import lxml.html

    from crawler.extraction.body import is_link_list

    for whole_link in (False, True):
        block = lxml.html.fromstring(cards("По теме", True, whole_link))
        assert is_link_list(block)


def test_an_editors_h1_inside_the_body_is_no_other_articles_headline() -> None:
    """WordPress and Joomla editors set subheadings as ``<h1>`` inside the text: a body match
    holding a later ``<h1>`` was taken for the next article appended under a broad rule and
    refused, the item losing its whole text (and the rule called drifted). Only an ``<h1>``
    opening the match is another article's."""
    from crawler.extraction.body import body_match
    from crawler.extraction.html import parse_html
    from crawler.outlets.base import ArticleRules

    prose = "Текст статьи идёт здесь, и в нём достаточно слов, чтобы быть абзацем прозы. " * 2
    rules = ArticleRules(version="t", body=(".entry-content", "article.post"))
    own = parse_html(f"<h1>Главная новость дня</h1><div class='entry-content'><p>{prose}</p>"
                     f"<h1>Подзаголовок внутри текста</h1><p>{prose}</p></div>"
                     "<aside><h1>Другое</h1></aside>")
    spec, nodes = body_match(own, rules, "Главная новость дня")
    assert spec == ".entry-content" and len(nodes) == 1
    assert "Подзаголовок внутри текста" in nodes[0].text_content()
    scrolled = parse_html(f"<h1>Главная новость дня</h1><article class='post'><p>{prose}</p>"
                          "</article><article class='post'><h1>Следующая новость ленты</h1>"
                          f"<p>{prose * 3}</p></article>")
    spec, nodes = body_match(scrolled, rules, "Главная новость дня")
    assert spec == "article.post" and len(nodes) == 1
    assert "Следующая новость" not in nodes[0].text_content()
