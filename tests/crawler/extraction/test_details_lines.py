"""A CMS's details line (date, views, comments, author, rubric) printed under or above the
headline, or below the text, in a block no class marks as meta, is no body; nor is the
printed date a Bitrix body of <br>-parted text opens with. Prose that opens with a date is."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from crawler.extraction import _article_of, read_tree
from crawler.extraction.dates import parse_human
from crawler.extraction.generic import generic_text, is_details_line
from crawler.items import ArticlePage
from crawler.siteoutlets import check_row, outlet_from_site_row

URL = "https://rayon-news.by/news/1205/"
TITLE = "В Шклове изменится схема движения на перекрестке"
TEXT = [
    "С 1 февраля в Шклове меняется схема движения на перекрестке улиц Ленина и Советской.",
    "Об этом сообщили в отделе ГАИ Шкловского РОВД. Изменения связаны с ремонтом дорожного "
    "покрытия.",
    "Проезд грузового транспорта по улице Советской будет временно закрыт до конца марта.",
    "Для легковых автомобилей организован объезд по улице Заводской и переулку Школьному.",
    "Автобусы городских маршрутов № 1 и № 3 будут следовать измененным маршрутом.",
    "В ГАИ просят водителей заранее планировать маршрут и соблюдать временные дорожные знаки.",
]
MENU = "".join(f"<li class='menu-item'><a href='/category/{n}/'>{name}</a></li>"
               for n, name in enumerate(["Главная", "Новости", "Общество", "Спорт", "Культура"]))


def shell(article: str) -> str:
    """A district paper's page: header with its menu, the article, a footer."""
    return (f"<!DOCTYPE html><html lang='ru'><head><meta charset='UTF-8'><title>{TITLE}"
            "</title></head><body><div id='page' class='site'><header id='masthead' "
            "class='site-header'><div class='site-branding'><p class='site-title'><a href='/'>"
            "Шкловские новости</a></p></div><nav id='site-navigation' class='main-navigation'>"
            f"<ul class='menu'>{MENU}</ul></nav></header><div id='content' class='site-content'>"
            f"<main id='main' class='site-main'>{article}</main></div><footer class='site-footer'>"
            "<p>© 2026 Шкловские новости. Все права защищены.</p></footer></div></body></html>")


def article(details_above: str = "", details_below: str = "", paragraphs: list[str] = TEXT,
            ) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return shell(f"<div class='news-item'><h1>{TITLE}</h1>{details_above}"
                 f"<div class='news-text'>{body}</div>{details_below}</div>")


def read(html: str, url: str = URL, fetched: str = "2026-01-05T12:00:00+00:00"):
    page = ArticlePage(url=url, outlet="", body=html.encode(),
                       headers={"Content-Type": "text/html; charset=utf-8"}, status=200,
                       fetched_at=fetched)
    parts = urlsplit(url)
    outlet = outlet_from_site_row(check_row({"url": f"{parts.scheme}://{parts.netloc}/",
                                             "timezone": "Europe/Minsk"}))
    tree, long_words = read_tree(page)
    return _article_of(page, outlet, tree, long_words, outlet.rules)


DETAILS = [
    "05.01.2026 14:20 | Просмотров: 312",
    "Автор: Анна Иванова | 05.01.2026 14:20",
    "Просмотров: 312 | Комментарии: 0 | Дата: 05.01.2026, 14:20",
    "Обновлено: 06.01.2026 10:00 | Опубликовано: 05.01.2026 14:20",
    "5 часов назад",
    "Новости района / 05.01.2026",
    "05.01.2026 👁 312",
    "05.01.2026 в 14.20",
    "Рубрика: Общество • 05.01.2026 • 💬 3",
    "5 студзеня 2026, 14:20 | Праглядаў: 45",
    "Аўтар: Ганна Іванова | Крыніца: БелТА | 05.01.2026",
    "Переглядів: 12 | Опубліковано: 5 січня 2026 р., 14:20",
]


@pytest.mark.parametrize("cls", ["", "news-info", "date"])
@pytest.mark.parametrize("line", DETAILS)
def test_a_details_line_under_the_headline_is_no_body(line: str, cls: str) -> None:
    item = read(article(f"<div class='{cls}'>{line}</div>"))
    assert item.text.split("\n\n") == TEXT


@pytest.mark.parametrize("line", DETAILS)
def test_a_details_line_below_the_text_is_no_body(line: str) -> None:
    item = read(article(details_below=f"<div class='bottom'>{line}</div>"))
    assert item.text.split("\n\n") == TEXT


def test_spans_of_a_details_line_are_no_body() -> None:
    item = read(article("<div class='info'><span class='date'>05.01.2026 14:20</span>"
                        "<span class='views'>312 просмотров</span></div>"))
    assert item.text.split("\n\n") == TEXT
    assert item.published == "2026-01-05T14:20:00+03:00"


def test_a_ucoz_edetails_row_below_the_text_is_no_body() -> None:
    html = shell(
        "<table border='0' width='100%' cellspacing='0' cellpadding='2' class='eBlock'><tr>"
        f"<td class='eTitle'>{TITLE}</td></tr><tr><td class='eMessage'>"
        + "".join(f"<p>{p}</p>" for p in TEXT) + "</td></tr><tr><td class='eDetails'>"
        "Категория: <a href='/news/1-0-1'>Новости района</a> | Просмотров: 45 | Добавил: "
        "<a href='/index/8-1'>admin</a> | Дата: <span title='14:20'>05.01.2026</span> | "
        "<a href='/news/1205#comments'>Комментарии (0)</a></td></tr></table>")
    assert read(html).text.split("\n\n") == TEXT


BITRIX = ("<h1 class='page-title'>{title}</h1><div class='news-detail'><img class='detail_picture'"
          " src='/upload/iblock/3f2/zerno.jpg' alt=''><span class='news-date-time'>05.01.2026 "
          "14:20</span>{text}<div style='clear:both'></div></div>")


def test_a_bitrix_date_glued_to_a_br_body_is_split_off_and_keeps_its_time() -> None:
    html = shell(BITRIX.format(title=TITLE, text="<br /><br />".join(TEXT)))
    item = read(html)
    assert item.text.split("\n\n") == TEXT
    assert item.published == "2026-01-05T14:20:00+03:00"


@pytest.mark.parametrize("quote", ["«", "„", "\"", "“"])
def test_a_bitrix_date_glued_to_a_lead_opening_on_a_quote_is_split_off(quote: str) -> None:
    """A lead quoting someone opens on the quote's mark, not a capital: the date glued to it
    was taken for prose that opens with a date (the item opened on "05.01.2026 14:20«…", its
    time lost: the page dated by htmldate's day)."""
    lead = f"{quote}Ремонт продлится до конца марта», — сообщили в отделе ГАИ Шкловского РОВД."
    html = shell(BITRIX.format(title=TITLE, text="<br /><br />".join([lead, *TEXT[1:]])))
    item = read(html)
    assert item.text.split("\n\n") == [lead, *TEXT[1:]]
    assert item.published == "2026-01-05T14:20:00+03:00"


def test_a_date_element_before_a_quoted_lower_case_word_is_prose() -> None:
    """A quote mark before a lower-case word starts no sentence: the date opens the prose."""
    html = shell(f"<div class='news-detail'><h1>{TITLE}</h1><p><b>5 января 2026</b> "
                 "«зубры» вышли на лёд: турнир по хоккею среди школьных команд района собрал "
                 "двенадцать команд.</p>" + "".join(f"<p>{p}</p>" for p in TEXT) + "</div>")
    item = read(html)
    assert item.published is None
    assert item.text.startswith("5 января 2026 «зубры» вышли на лёд")


def test_a_bitrix_date_before_a_paragraph_body_is_no_body() -> None:
    html = shell(BITRIX.format(title=TITLE, text="".join(f"<p>{p}</p>" for p in TEXT)))
    item = read(html)
    assert item.text.split("\n\n") == TEXT
    assert item.published == "2026-01-05T14:20:00+03:00"


def test_a_dotted_time_beside_the_printed_date_is_read() -> None:
    item = read(article("<div class='date'>05.01.2026 в 14.20</div>"))
    assert item.published == "2026-01-05T14:20:00+03:00"
    assert item.text.split("\n\n") == TEXT


@pytest.mark.parametrize("opening", [
    "05.01.2026 в Шклове прошёл турнир по мини-футболу среди школьных команд района.",
    "5 января 2026 года в Шклове открылась выставка работ местных художников.",
    "05.01.2026 14:20 — в районной больнице начали принимать по новому графику.",
])
def test_prose_that_opens_with_a_date_stays(opening: str) -> None:
    item = read(article(paragraphs=[opening, *TEXT]))
    assert item.text.split("\n\n") == [opening, *TEXT]


def test_a_details_line_in_the_middle_of_the_body_stays() -> None:
    """Only where it opens or ends the body (a stamp alone is is_meta_line's anywhere)."""
    middle = [*TEXT[:3], "Обновлено: 06.01.2026 10:00 | Опубликовано: 05.01.2026 14:20",
              *TEXT[3:]]
    assert read(article(paragraphs=middle)).text.split("\n\n") == middle


@pytest.mark.parametrize("text", [
    "05.01.2026 14:20 | Просмотров: 312", "5 часов назад", "Новости района / 05.01.2026",
    "Категория: Новости района | Просмотров: 45 | Добавил: admin | Дата: 05.01.2026 | "
    "Комментарии (0)", "05.01.2026 👁 312", "Сегодня, 10:00 • 👁 1 200", "14:20 / 05.01.2026",
    # a time as German, French, Portuguese pages print it; a byline beside the date
    "09.11.2007, 18:22 Uhr", "06/04/2010 - 11h32", "12.03.2012, 08:15 Tomasz Nowak",
    "Tomasz Nowak 12.03.2012, 08:15", "14/05/2008 Του Γιώργου Παπαδόπουλου",
    "November 12, 2012 by Nicolette",
    # a weekday before the date, a byline with its role
    "Mardi 13 novembre 2007 | Par Claire Dumont", "Donnerstag 3. März 2011",
    "By Mark Ellison, Staff Writer Friday, March 11, 2005", "الثلاثاء 15 مارس 2011",
    # a reading time, a byline beside it
    "8 min read", "Reading Time: 8 minutes", "Lesezeit: 2 Min.", "Время чтения: 3 минуты",
    "5 min read · Mar 3, 2024", "By Jane Doe | 8 min read",
])
def test_details_lines(text: str) -> None:
    assert is_details_line(text)


@pytest.mark.parametrize("text", [
    "05.01.2026 в Шклове прошёл турнир по мини-футболу.", "Автор: Анна Иванова",
    "Фото: Иван Петров", "Минск, 05.01.2026 — В Шклове прошёл турнир", "Новости района",
    "В 2025 году 312 просмотров набрал ролик", "Время: 14:20 | Место: ДК",
    "Итоги / 2025 / перспективы на 2026 год", "За год 1200 просмотров | рост на 5%",
    "Семинар пройдет 12.01.2026 в 10.00 в зале райисполкома.", "Сегодня в Минске",
    # a schedule's line, a sentence after a date, one word beside it
    "14:00 Uhr Pressekonferenz", "05.01.2026 Президент подписал указ", "12.03.2012 Tomasz",
    "10h30 à la mairie de Lyon", "Martes 3 de marzo de 2020 la ciudad despertó bajo la nieve",
    "Vendredi 13 mars 2020 restera dans les mémoires",
    "The shot clock after the 20 minutes read Wings 16, Canucks 5.", "By the way | 5 comments",
    # a year's word or "Uhr" is a whole word: not the letters of another ("г", "р" were
    # taken out of any word, so one of them alone left nothing)
    "05.12.2026 гр", "05.12.2026 Uhrwerk",
])
def test_no_details_lines(text: str) -> None:
    assert not is_details_line(text)


@pytest.mark.parametrize("text", [
    "Stand: 30.11.2026, 14:05 Uhr", "Stand: 14:05 Uhr", "Stand: 30.11.2026 14:05 Uhr | Von Max "
    "Muster", "Veröffentlicht am 30.11.2026 um 14:05 Uhr", "Aktualisiert am 30.11.2026, 14:05 Uhr",
    "Zuletzt aktualisiert: 30.11.2026", "Datum: 30.11.2026",
])
def test_german_date_labels_make_a_details_line(text: str) -> None:
    """German's "Stand:" (as of) and its publication labels before a date or a time alone:
    the line is a stamp, no body."""
    assert is_details_line(text)


@pytest.mark.parametrize("text", [
    "Standort: 30.11.2026", "Stand der Dinge am 30.11.2026: schlecht für alle",
    "Ausstand: 30.11.2026",
])
def test_a_word_starting_or_ending_like_a_german_label_is_none(text: str) -> None:
    assert not is_details_line(text)


@pytest.mark.parametrize(("text", "moment"), [
    ("05.01.2026 в 14.20", "2026-01-05T14:20:00"), ("05.01.2026 14.20", "2026-01-05T14:20:00"),
    ("12.03.2026 15.03.2026", "2026-03-12T00:00:00"), ("05.01.2026 в 14.20.5", "2026-01-05T00:00:00"),
])
def test_a_dotted_time_is_read_only_beside_a_numeric_date(text: str, moment: str) -> None:
    assert parse_human(text).isoformat() == moment


def test_a_bold_date_that_opens_prose_is_no_printed_date() -> None:
    """Only a date element followed by a new sentence is the Bitrix date glued to its text."""
    html = shell(f"<div class='news-detail'><h1>{TITLE}</h1><p><b>5 января 2026</b> в Шклове "
                 "прошёл турнир по мини-футболу среди школьных команд района, в нём участвовали "
                 "двенадцать команд.</p>" + "".join(f"<p>{p}</p>" for p in TEXT) + "</div>")
    item = read(html)
    assert item.published is None  # the page prints no date of its own
    assert item.text.startswith("5 января 2026 в Шклове прошёл турнир")


@pytest.mark.parametrize(("signed", "author"), [
    ("Текст и фото Анны ИВАНОВОЙ", "Анны ИВАНОВОЙ"),
    ("Анна ИВАНОВА. Фото автора.", "Анна ИВАНОВА"),
    ("Подготовила Мария Петрова", "Мария Петрова"),
    ("Тэкст і фота Ганны ІВАНОВАЙ", "Ганны ІВАНОВАЙ"),
])
def test_a_district_papers_signature_is_the_author_not_a_paragraph(signed: str,
                                                                   author: str) -> None:
    """District papers sign an article under its last paragraph; the item kept the line as
    text and named no author."""
    item = read(article(paragraphs=[*TEXT, signed]))
    assert item.text.split("\n\n") == TEXT
    assert item.authors == [author]


@pytest.mark.parametrize(("byline", "author"), [
    ("Автор: Анна Иванова", "Анна Иванова"), ("Аўтар: Ганна Іванова", "Ганна Іванова"),
    ("By Mark Ellison, Staff Writer", "Mark Ellison"), ("Por Lucía Martín", "Lucía Martín"),
])
@pytest.mark.parametrize("where", ["first", "last"])
def test_a_byline_alone_at_an_edge_of_the_text_is_the_author(byline: str, author: str,
                                                            where: str) -> None:
    """A byline set as a paragraph of its own above or below the text (a layout of the 2000s,
    a CMS's signature field) was kept as a paragraph; the page's metadata names no author."""
    lines = [byline, *TEXT] if where == "first" else [*TEXT, byline]
    item = read(article(paragraphs=lines))
    assert item.text.split("\n\n") == TEXT
    assert item.authors == [author]


def test_a_byline_inside_the_text_and_a_sentence_opening_with_by_stay() -> None:
    lines = [*TEXT[:2], "Автор: Анна Иванова", *TEXT[2:], "By the way, the road reopens in May."]
    item = read(article(paragraphs=lines))
    assert item.text.split("\n\n") == lines
    assert item.authors == []


@pytest.mark.parametrize("last", [
    "Руководство района благодарит всех участников.",
    "Министерство МЧС",
    "Текст закона опубликован на сайте Национального правового портала.",
])
def test_a_last_line_that_names_no_signer_stays_text(last: str) -> None:
    assert read(article(paragraphs=[*TEXT, last])).text.split("\n\n") == [*TEXT, last]


GREEK = [
    "Η Κυβέρνηση ανακοίνωσε χθες νέα μέτρα για τη στήριξη των λιμανιών της χώρας, μετά από "
    "πολύμηνη διαβούλευση με τους φορείς της αγοράς και τις τοπικές αρχές.",
    "Σύμφωνα με το υπουργείο, το πρόγραμμα θα χρηματοδοτηθεί από ευρωπαϊκούς πόρους και θα "
    "ολοκληρωθεί μέσα σε τρία χρόνια, με προτεραιότητα στα μικρά λιμάνια.",
    "Οι εκπρόσωποι των λιμενεργατών χαιρέτισαν την απόφαση, ζητώντας όμως περισσότερες "
    "προσλήψεις και καλύτερες συνθήκες εργασίας στους χώρους φόρτωσης.",
    "Η αντιπολίτευση κατηγόρησε την κυβέρνηση για καθυστέρηση και ζήτησε να κατατεθεί το "
    "σχέδιο στη Βουλή πριν από την υπογραφή των συμβάσεων.",
]


def layout_table_page(details: str, paragraphs: list[str]) -> str:
    """A newspaper page of the 2000s: a menu cell, and the headline, its details row and the
    text as rows of one table."""
    menu = "".join(f"<tr><td><a href='/section/{n}.html'>Ενότητα {n}</a></td></tr>"
                   for n in range(8))
    text = "".join(f"<p>{p}</p>" for p in paragraphs)
    return ("<html><head><meta charset='utf-8'><title>Νέα μέτρα για τα λιμάνια - Εφημερίδα"
            f"</title></head><body><table width='100%'><tr><td width='160'><table>{menu}"
            "</table></td><td><table width='100%'><tr><td><h1>Νέα μέτρα για τα λιμάνια</h1>"
            f"</td></tr><tr><td><font size='1'>{details}</font></td></tr><tr><td>{text}"
            "</td></tr></table></td></tr></table><p>© 2008 Εφημερίδα</p></body></html>")


@pytest.mark.parametrize("details", ["14/05/2008 | Του Γιώργου Παπαδόπουλου",
                                     "14/05/2008 Του Γιώργου Παπαδόπουλου",
                                     "14/05/2008, 18:22 Uhr",
                                     "Τετάρτη 14 Μαΐου 2008 | Του Γιώργου Παπαδόπουλου"])
def test_the_generic_text_does_not_open_with_a_details_line(details: str) -> None:
    """The details row a layout table sets between headline and text, which the generic
    extractor takes back beside the text (a quiet sibling), opened the benchmark's text; the
    crawl's items dropped it after extraction only."""
    html = layout_table_page(details, GREEK)
    assert generic_text(html, "https://www.example.gr/news/2008/05/14/port.html") == \
        "\n\n".join(GREEK)


def test_the_generic_text_ends_without_a_byline() -> None:
    html = layout_table_page("", [*GREEK, "Του Γιώργου Παπαδόπουλου"])
    assert generic_text(html, "https://www.example.gr/news/2008/05/14/port.html") == \
        "\n\n".join(GREEK)


def test_the_generic_text_keeps_a_details_line_inside_the_text() -> None:
    middle = [*GREEK[:2], "14/05/2008 Του Γιώργου Παπαδόπουλου", *GREEK[2:]]
    html = layout_table_page("", middle)
    assert generic_text(html, "https://www.example.gr/news/2008/05/14/port.html") == \
        "\n\n".join(middle)


@pytest.mark.parametrize("label", ["Комментарии", "Comments (3)", "Добавить комментарий",
                                   "Leave a comment:", "Каментары", "3 Kommentare"])
@pytest.mark.parametrize("where", ["first", "last"])
def test_a_comments_label_at_an_edge_of_the_text_is_no_body(label: str, where: str) -> None:
    """The toggle or heading of an article's comments, set as a line of its own, opened or
    ended the text (a news site's "Комментарии" toggle came out above the first paragraph)."""
    lines = [label, *TEXT] if where == "first" else [*TEXT, label]
    assert read(article(paragraphs=lines)).text.split("\n\n") == TEXT
    html = layout_table_page("", [label, *GREEK] if where == "first" else [*GREEK, label])
    assert generic_text(html, "https://www.example.gr/news/2008/05/14/port.html") == \
        "\n\n".join(GREEK)


def test_a_comments_heading_inside_the_text_stays() -> None:
    lines = [*TEXT[:3], "Комментарии", *TEXT[3:]]
    assert read(article(paragraphs=lines)).text.split("\n\n") == lines


@pytest.mark.parametrize("counter", ["<a class='article-commented-link comments_count'>0</a>",
                                     "<span class='commentCount'>12</span>",
                                     "<span id='share-counter-5'>3</span>"])
def test_a_comment_badge_glued_to_each_paragraph_is_no_text(counter: str) -> None:
    """A site prints a paragraph's comment count as a link glued to its first word ("0Сегодня
    в столичном…"): every paragraph opened with a number, and the badge glued to the time
    of the details line ("14:200") hid that line as details."""
    body = "".join(f"<p>{counter}{p}</p>" for p in TEXT)
    html = shell(f"<div class='news-item'><h1>{TITLE}</h1><div><time>05.01.2026 14:20</time>"
                 f"{counter}</div><div class='news-text'>{body}</div></div>")
    assert read(html).text.split("\n\n") == TEXT


def test_a_counted_number_set_apart_stays() -> None:
    """A number named as a count that a space or brackets set apart is read with its words:
    in a sentence it is text, in a details line it is that line's counter."""
    signatures = ("За неделю жители района собрали <span class='count'>1200</span> подписей "
                  "в поддержку нового сквера у школы № 2.")
    body = "".join(f"<p>{p}</p>" for p in [*TEXT[:2], signatures, *TEXT[2:]])
    html = shell(f"<div class='news-item'><h1>{TITLE}</h1><div class='news-text'>{body}</div>"
                 "<div>05.01.2026 | Комментарии (<span class='comment-count'>3</span>)</div>"
                 "</div>")
    assert read(html).text.split("\n\n") == [*TEXT[:2], signatures.replace(
        "<span class='count'>", "").replace("</span>", ""), *TEXT[2:]]


def test_figures_of_a_table_named_as_counts_stay() -> None:
    """A results table whose cells hold numbers in elements named as counts (a poll, a
    standings table) keeps its figures: they are data, not badges beside text."""
    rows = "".join(f"<tr><td>{name}</td><td><span class='vote-count'>{votes}</span></td>"
                   f"<td><div><b class='count'>{share}</b></div></td></tr>"
                   for name, votes, share in [("Иванов", 1204, 41), ("Петров", 987, 34),
                                              ("Сидоров", 731, 25)])
    body = "".join(f"<p>{p}</p>" for p in TEXT[:3]) + f"<table>{rows}</table>" + "".join(
        f"<p>{p}</p>" for p in TEXT[3:])
    html = shell(f"<div class='news-item'><h1>{TITLE}</h1><div class='news-text'>{body}</div>"
                 "</div>")
    text = read(html).text
    for figure in ("Иванов", "1204", "41", "987", "34", "731", "25"):
        assert figure in text


LEAD = "Ремонт продлится до конца марта"


@pytest.mark.parametrize("row", ["Динара НАЖИПОВА — 27.11.2011 11:18",
                                 "08 декабря, 10:32 | Петр СИНЯЕВ"])
def test_a_byline_and_date_row_under_the_standfirst_goes(row: str) -> None:
    """A details row set under the standfirst, above the first paragraph of prose: not at the
    edge, so only the head's look (``head_details``) finds it."""
    html = article(paragraphs=[LEAD, row, *TEXT])
    assert generic_text(html, URL).split("\n\n") == [LEAD, *TEXT]
    assert read(html).text.split("\n\n") == [LEAD, *TEXT]


def test_a_details_row_under_the_first_paragraph_of_prose_stays() -> None:
    """Below a paragraph of prose (a sentence of 80 characters or more) the head has ended."""
    row = "Динара НАЖИПОВА — 27.11.2011 11:18"
    html = article(paragraphs=[TEXT[0], row, *TEXT[1:]])
    assert generic_text(html, URL).split("\n\n") == [TEXT[0], row, *TEXT[1:]]


@pytest.mark.parametrize("head", [
    ["Расписание приёма граждан:", "5 декабря 2026, 10:00–13:00"],  # a heading introduces it
    ["Хронология событий", "14:05"],  # a time alone: a list's entry, no byline row
])
def test_a_when_line_the_head_introduces_stays(head: list[str]) -> None:
    from crawler.extraction.generic import without_head_details

    lines = [*head, *TEXT]
    assert without_head_details(lines) == lines
