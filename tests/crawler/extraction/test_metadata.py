"""Generic metadata on sites without rules of their own: the article's date, title and authors
when the page keeps them somewhere other than where the outlet rules would look."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime
from html import escape

import pytest

from crawler.extraction import extract_article
from crawler.extraction.dateline import ArticleDates
from crawler.extraction.html import parse_html
from crawler.extraction.metadata import Metadata, extract_metadata, htmldate_fallback
from crawler.extraction.provenance import Provenance
from crawler.items import ArticlePage
from crawler.outlets import get_outlet
from crawler.outlets.base import ArticleRules
from crawler.siteoutlets import outlet_from_site_row
from tests.sites import regional

SITE = outlet_from_site_row({"url": "https://gorod-news.example/", "timezone": "Europe/Moscow"})
URL = "https://gorod-news.example/society/deputaty-obsudili-remont/"
TITLE = "Депутаты обсудили ремонт дорог в трёх районах"
PROSE = ("Сегодня в областном центре прошло заседание городского совета, на котором депутаты "
         "обсудили вопросы благоустройства дворов и ремонта дорог в нескольких районах города.")


META_DATE = '<meta property="article:published_time" content="{}">'
LD_DATE = ('<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "'
           + TITLE + '", "datePublished": "{}"}}</script>')


def page(main: str, head: str = "", before: str = "", title: str = TITLE) -> str:
    """A news page: site header with menu, ``before`` (a column left of the article), the
    article, a sidebar of other news and a footer."""
    return f"""<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8">
<title>{escape(title)} — Городские вести</title>{head}</head><body>
<header class="site-header"><a href="/">Городские вести</a><nav><a href="/society/">Общество</a>
</nav></header>{before}<main>{main}</main>
<aside class="sidebar"><h3>Популярное</h3><ul><li><a href="/old/">Старая новость</a>
<span>1 февраля 2026, 09:00</span></li></ul></aside><footer>© Городские вести, 2026</footer>
</body></html>"""


def article(dateline: str, title: str = TITLE, tail: str = "") -> str:
    return (f"<article><h1>{escape(title)}</h1><div class='meta'>{dateline}</div>"
            f"<div class='text'><p>{PROSE}</p><p>{PROSE}</p>{tail}</div></article>")


def meta_of(html: str) -> tuple[Metadata, Provenance]:
    prov = Provenance()
    return extract_metadata(parse_html(html), SITE, URL, provenance=prov), prov


@pytest.mark.parametrize(("dateline", "expected"), [
    ("12 марта 2026, 14:05", "2026-03-12T14:05:00+03:00"),
    ("Опубликовано: 12 марта 2026 г. в 14:05", "2026-03-12T14:05:00+03:00"),
    ("12 сакавіка 2026, 14:05", "2026-03-12T14:05:00+03:00"),
    ("Апублікавана 12 сакавіка 2026", "2026-03-12T00:00:00+03:00"),
    ("12 березня 2026 р., 14:05", "2026-03-12T14:05:00+03:00"),
    ("Опубліковано 12 березня 2026 року о 14:05", "2026-03-12T14:05:00+03:00"),
    ("By Anna Smith · March 12, 2026 at 2:05 pm", "2026-03-12T14:05:00+03:00"),
    ("12 May 2026, 09:30", "2026-05-12T09:30:00+03:00"),
    ("12.03.2026 14:05", "2026-03-12T14:05:00+03:00"),
    ("14:05 | 12.03.2026", "2026-03-12T14:05:00+03:00"),
    ("14.05 | 12.03.2026", "2026-03-12T14:05:00+03:00"),
    ("14.05, 12 марта 2026", "2026-03-12T14:05:00+03:00"),
    ("<span class='d'>12 марта 2026</span>, <span class='t'>14:05</span> · Общество",
     "2026-03-12T14:05:00+03:00"),
])
def test_a_date_printed_only_for_readers_is_the_articles_date_in_the_sites_zone(
        dateline: str, expected: str) -> None:
    meta, prov = meta_of(page(article(dateline)))
    assert meta.published == expected
    assert prov.fields["published"] == "visible"


def test_a_dateline_above_the_headline_in_a_layout_without_article_elements() -> None:
    main = (f"<div class='wrap'><div class='col-main'><div class='rubric'>Общество | 12.03.2026, "
            f"14:05</div><h1 class='title'>{TITLE}</h1><div class='body'><p>{PROSE}</p>"
            f"</div></div><div class='col-right'><div class='item'>Ещё новость "
            f"<span>1 февраля 2026, 09:00</span></div></div></div>")
    assert meta_of(page(main))[0].published == "2026-03-12T14:05:00+03:00"


def test_a_date_line_after_the_body_is_read_too() -> None:
    html = page(article("", tail="<p class='pub'>Дата публикации: 12.03.2026</p>"))
    assert meta_of(html)[0].published == "2026-03-12T00:00:00+03:00"


@pytest.mark.parametrize("where", ["header", "left column", "sidebar"])
def test_dates_outside_the_article_are_not_its_date(where: str) -> None:
    """Today's date in the site header, a column of other news before the article and the
    "popular" sidebar all print dates; the article itself prints none."""
    html = page(article(""), before="<div class='left-col'><ul><li><a href='/o/'>Другая</a> "
                "<span>2 февраля 2026, 10:00</span></li></ul></div>" if where == "left column"
                else "")
    if where == "header":
        html = html.replace("<header class=\"site-header\">",
                            "<header class=\"site-header\"><div class='today'>1 декабря 2026</div>")
    meta, prov = meta_of(html)
    assert meta.published is None
    assert prov.fields["published"] == "none"


def test_the_articles_dateline_wins_over_dates_around_it() -> None:
    html = page(article("12 марта 2026, 14:05"),
                before="<div class='left-col'><span>2 февраля 2026, 10:00</span></div>"
                ).replace("<header class=\"site-header\">",
                          "<header class=\"site-header\"><div class='today'>1 декабря 2026</div>")
    assert meta_of(html)[0].published == "2026-03-12T14:05:00+03:00"


def test_a_date_mentioned_in_a_sentence_is_not_the_publication_date() -> None:
    tail = "<p>15 марта 2026 года в Доме культуры пройдет ярмарка.</p>"
    assert meta_of(page(article("", tail=tail)))[0].published is None


@pytest.mark.parametrize("dateline", [
    "<span>Обновлено: 14 марта 2026, 10:00</span> <span>Опубликовано: 12 марта 2026, 14:05</span>",
    "Оновлено 14.03.2026 10:00, опубліковано 12.03.2026 14:05",
    "<span>Абноўлена 14 сакавіка 2026, 10:00</span><span>12 сакавіка 2026, 14:05</span>",
])
def test_an_update_stamp_printed_first_is_not_the_publication_date(dateline: str) -> None:
    assert meta_of(page(article(dateline)))[0].published == "2026-03-12T14:05:00+03:00"


def test_a_machine_readable_date_still_comes_first() -> None:
    head = '<meta property="article:published_time" content="2026-03-11T08:00:00+03:00">'
    meta, prov = meta_of(page(article("12 марта 2026, 14:05"), head=head))
    assert (meta.published, prov.fields["published"]) == ("2026-03-11T08:00:00+03:00", "meta")


def stamp(iso: str, shown: str = "", attrs: str = "") -> str:
    return f'<time datetime="{iso}"{attrs}>{shown or iso[:10]}</time>'


POPULAR = ("<div class='left-col'><h3>Популярное</h3><ul><li><a href='/old/'>Старая новость</a>"
           f"{stamp('2026-02-01T09:00:00+03:00', '1 февраля')}</li></ul></div>")
TODAY = f"<div class='today'>{stamp('2026-12-01', '1 декабря 2026')}</div>"
OURS = "2026-03-12T14:05:00+03:00"


@pytest.mark.parametrize("before", [POPULAR, TODAY, POPULAR + TODAY])
def test_the_articles_time_wins_over_times_printed_before_it(before: str) -> None:
    meta, prov = meta_of(page(article(stamp(OURS, "12 марта 2026, 14:05")), before=before))
    assert (meta.published, prov.fields["published"]) == (OURS, "html")


@pytest.mark.parametrize(("shown", "expected"), [
    ("12 марта 2026, 14:05", "2026-03-12T14:05:00+03:00"),
    ("12 сакавіка 2026, 14:05", "2026-03-12T14:05:00+03:00"),
    ("12 марта 2026", "2026-03-12T00:00:00+03:00"),  # no time printed: the day
    ("13 марта 2026, 14:05", "2026-03-12T00:00:00+03:00"),  # another day: the attribute's
])
def test_a_time_element_naming_only_its_day_gives_the_time_it_prints(shown: str,
                                                                      expected: str) -> None:
    """``<time datetime="2026-03-12">12 марта 2026, 14:05</time>``: the item was published
    at midnight, the printed time thrown away."""
    meta, prov = meta_of(page(article(stamp("2026-03-12", shown))))
    assert (meta.published, prov.fields["published"]) == (expected, "html")


@pytest.mark.parametrize(("written", "expected"), [
    ("2026-03-12T11:05:00", "2026-03-12T14:05:00+03:00"),  # UTC, as the page's 14:05 shows
    ("2026-03-12T14:05:00", "2026-03-12T14:05:00+03:00"),  # the wall clock it prints
    ("2026-03-12T09:00:00", "2026-03-12T09:00:00+03:00"),  # neither: the wall clock, as ever
])
def test_a_meta_date_without_an_offset_is_read_as_utc_when_the_page_prints_it_so(
        written: str, expected: str) -> None:
    """``article:published_time`` "…T11:05:00" (no offset, UTC) on a page printing 14:05 in
    Moscow: the item said 11:05+03:00, three hours off, with nothing checking the two."""
    head = f'<meta property="article:published_time" content="{written}">'
    meta, prov = meta_of(page(article("12 марта 2026, 14:05"), head=head))
    assert (meta.published, prov.fields["published"]) == (expected, "meta")


@pytest.mark.parametrize(("head", "dateline", "expected"), [
    # the wall clock labelled UTC, the dateline printing that clock: the site's time
    (META_DATE.format("2026-03-12T14:05:00Z"), "12 марта 2026, 14:05",
     "2026-03-12T14:05:00+03:00"),
    (LD_DATE.format("2026-03-12T14:05:27+00:00"), "Сегодня, 14:05", "2026-03-12T14:05:27+03:00"),
    (f"<script type='application/ld+json'>{{}}</script>{META_DATE.format('2026-03-12T14:05Z')}",
     "14:05 | 12.03.2026", "2026-03-12T14:05:00+03:00"),
    # no evidence: the day alone, no dateline, or another clock printed: the instant stated
    (META_DATE.format("2026-03-12T14:05:00Z"), "12 марта 2026", "2026-03-12T17:05:00+03:00"),
    (META_DATE.format("2026-03-12T14:05:00Z"), "", "2026-03-12T17:05:00+03:00"),
    (META_DATE.format("2026-03-12T14:05:00Z"), "12 марта 2026, 17:05",
     "2026-03-12T17:05:00+03:00"),
    (META_DATE.format("2026-03-12T11:05:00Z"), "12 марта 2026, 14:05",
     "2026-03-12T14:05:00+03:00"),
    # an offset of its own other than UTC is the site's, whatever zone the row gives
    (META_DATE.format("2026-03-12T14:05:00+02:00"), "12 марта 2026, 14:05",
     "2026-03-12T15:05:00+03:00"),
])
def test_a_wall_clock_labelled_utc_is_the_sites_time_only_when_the_page_prints_it(
        head: str, dateline: str, expected: str) -> None:
    """A site no rule knows writing its Moscow wall clock as UTC (``…T14:05:00Z``) beside a
    dateline printing 14:05: the item said 17:05, three hours late. Only the printed clock
    tells: without it, or with another clock printed, the stated instant stands."""
    fetched = datetime(2026, 3, 12, 12, 0, tzinfo=UTC)
    meta = extract_metadata(parse_html(page(article(dateline), head=head)), SITE, URL,
                            fetched=fetched)
    assert meta.published == expected


def test_a_machine_date_labelled_utc_stands_on_an_outlet_whose_rules_read_it() -> None:
    """An outlet's own rules naming its machine date (and no printed one to check it by):
    the stated instant stands beside the same printed clock, as before the generic pages'
    wall-clock reading; that reading is for pages no rule knows."""
    rules = ArticleRules(version="2026-01", published=(
        'meta[property="article:published_time"] @content',))
    html = page(article("12 марта 2026, 14:05"), head=META_DATE.format("2026-03-12T14:05:00Z"))
    meta = extract_metadata(parse_html(html), SITE, URL, rules,
                            fetched=datetime(2026, 3, 12, 12, 0, tzinfo=UTC))
    assert meta.published == "2026-03-12T17:05:00+03:00"


def test_a_wall_clock_labelled_utc_stands_on_a_site_in_utc() -> None:
    """The zone learnt from such pages is UTC (their printed clock is the machine one): the
    two agree and nothing moves."""
    site = outlet_from_site_row({"url": "https://gorod-news.example/", "timezone": "UTC"})
    html = page(article("12 марта 2026, 14:05"), head=META_DATE.format("2026-03-12T14:05:00Z"))
    assert extract_metadata(parse_html(html), site, URL).published == "2026-03-12T14:05:00+00:00"


@pytest.mark.parametrize(("dateline", "expected"), [
    ("1 января 2027, 10:00", None),  # weeks after the fetch: an event, or a year's typo
    ("<time>15 декабря 2026</time>", None),
    ("31.12.2099", None),
    ("06.12.2026 18:30", "2026-12-06T18:30:00+03:00"),  # hours ahead: the site's clock skew
    ("05.12.2026 18:30", "2026-12-05T18:30:00+03:00"),
])
def test_a_printed_date_days_after_the_fetch_dates_nothing(dateline: str,
                                                           expected: str | None) -> None:
    """A page no rule knows printing only a date weeks after it was fetched was dated to it
    (a machine date so far ahead was already none): the item sat in a future window."""
    fetched = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    meta = extract_metadata(parse_html(page(article(dateline))), SITE, URL, fetched=fetched)
    assert meta.published == expected


@pytest.mark.parametrize(("dateline", "expected"), [
    ("5 декабря 2026, 14 ч. 05 мин.", "2026-12-05T14:05:00+03:00"),
    ("Опубликовано: 05.12.2026 в 14 час. 05 мин.", "2026-12-05T14:05:00+03:00"),
    ("5 снежня 2026, 14 гадз. 05 хв.", "2026-12-05T14:05:00+03:00"),
    ("05.12.2026 14-05", "2026-12-05T14:05:00+03:00"),
    ("<time datetime='2026-12-05'>5 декабря 2026, 14 ч. 05 мин.</time>",
     "2026-12-05T14:05:00+03:00"),
    # named from the fetch, 00:30 of the 7th in Moscow (21:30 of the 6th in UTC)
    ("вчера, 23:40", "2026-12-06T23:40:00+03:00"),
    ("Сегодня в 0 ч. 10 мин.", "2026-12-07T00:10:00+03:00"),
])
def test_a_printed_time_in_words_with_a_dash_or_named_from_the_fetch_is_read(
        dateline: str, expected: str) -> None:
    """"14 ч. 05 мин." and "14-05" beside a date were read as the day alone (midnight); a day
    named from the fetch counts from the site's day, not UTC's."""
    fetched = datetime(2026, 12, 6, 21, 30, tzinfo=UTC)
    meta = extract_metadata(parse_html(page(article(dateline))), SITE, URL, fetched=fetched)
    assert meta.published == expected


@pytest.mark.parametrize(("dateline", "expected"), [
    # the update alone printed: no publication date (its day was taken, by htmldate or as
    # the printed date)
    ("Обновлено: 01.12.2026 11:00", None),
    ("<span class='updated'>01.12.2026 11:00</span>", None),
    ("Updated: December 1, 2026", None),
    ("Абноўлена 1 снежня 2026, 11:00", None),
    # beside the publication's, that one
    ("<span class='updated'>01.12.2026 11:00</span> <span class='date'>30.11.2026 09:15</span>",
     "2026-11-30T09:15:00+03:00"),
    ("Опубликовано 30.11.2026 · Обновлено 01.12.2026 11:00", "2026-11-30T00:00:00+03:00"),
    ("<span class='entry-date published updated'>30.11.2026 09:15</span>",
     "2026-11-30T09:15:00+03:00"),
])
def test_a_date_printed_as_the_update_is_no_publication_date(dateline: str,
                                                             expected: str | None) -> None:
    fetched = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    meta = extract_metadata(parse_html(page(article(dateline))), SITE, URL, fetched=fetched)
    assert meta.published == expected


@pytest.mark.parametrize(("url", "expected"), [
    # published and updated the same day: the URL's day stands (htmldate reads this form)
    ("https://gorod-news.example/2026/12/01/remont/", "2026-12-01T00:00:00+03:00"),
    # htmldate guesses the update's day; the URL's own (a form only url_moment reads) stands
    ("https://gorod-news.example/news/20261130/remont/", "2026-11-30T00:00:00+03:00"),
])
def test_the_day_an_articles_url_carries_stands_beside_a_printed_update(url: str,
                                                                        expected: str) -> None:
    """A page printing only its update: the day in its URL was dropped with the update's
    (the same day), or never asked once htmldate's guess (the update) was."""
    fetched = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    html = page(article("Обновлено: 01.12.2026 11:00"))
    assert extract_metadata(parse_html(html), SITE, url, fetched=fetched).published == expected


HISTORY_URL = "https://gorod-news.example/news/2014/05/09/pobeda/"  # a slug's day of history
WEBPAGE_LD = ('<script type="application/ld+json">{"@type": "WebPage", "datePublished": '
              '"2026-12-05T14:05:00+03:00"}</script>')


@pytest.mark.parametrize(("head", "dateline", "expected"), [
    # the page carries its date where only htmldate reads it: that date, not the URL's day
    ("", "<abbr class='published' title='2026-12-05T14:05:00+03:00'>5 декабря</abbr>",
     "2026-12-05T14:05:00+03:00"),
    (WEBPAGE_LD, "", "2026-12-05T14:05:00+03:00"),
    ('<meta itemprop="dateCreated" content="2026-12-05T14:05">', "", "2026-12-05T00:00:00+03:00"),
    # the page carries none (its prose's, its header's "today" are none): the URL's day
    ("", "", "2014-05-09T00:00:00+04:00"),
    ("", "<p>Материал опубликован 5 декабря 2026 года.</p>", "2014-05-09T00:00:00+04:00"),
])
def test_a_url_day_of_history_gives_way_to_the_date_the_page_carries(
        head: str, dateline: str, expected: str) -> None:
    """htmldate reads a URL's day before the page: an article of 2026 at
    /news/2014/05/09/… was dated 2014 whatever it carried (and left every window)."""
    fetched = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    today = "<div class='header-date'><span class='date'>06.12.2026</span></div>"
    html = page(article("", tail=dateline), head, before=today)
    assert extract_metadata(parse_html(html), SITE, HISTORY_URL,
                            fetched=fetched).published == expected


@pytest.mark.parametrize(("before", "footer"), [
    ("<div class='top-date'><span class='date'>01.01.2020</span></div>", ""),  # a stale "today"
    ("", "<span class='date'>01.01.2019</span>"),  # a copyright's date in the footer
])
def test_a_template_date_around_an_undated_article_dates_nothing(before: str,
                                                                 footer: str) -> None:
    """htmldate read the whole page: an article printing no date of its own was dated by the
    header's, the footer's or a calendar's, years off (out of every window, or into one)."""
    html = page(article(""), before=before).replace("</footer>", f"{footer}</footer>")
    fetched = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    meta = extract_metadata(parse_html(html), SITE, URL, fetched=fetched)
    assert meta.published is None


def test_an_older_date_inside_the_article_leaves_the_url_day() -> None:
    """htmldate takes the oldest date it finds in the container: a related link's date of
    2019 under an article at /2026/03/01/… is no publication date that beats the URL's."""
    related = ("<ul class='related'><li><abbr class='published' title='2019-05-01T10:00:00+03:00'>"
               "1 мая 2019</abbr></li></ul>")
    html = page(article("", tail=related))
    url = "https://gorod-news.example/news/2026/03/01/remont/"
    assert extract_metadata(parse_html(html), SITE, url).published == "2026-03-01T00:00:00+03:00"


def test_a_url_day_within_a_day_of_what_the_page_carries_stands() -> None:
    """One publication: the URL's day is kept, as before (the two disagree by a zone)."""
    html = page(article(""), WEBPAGE_LD.replace("2026-12-05T14:05", "2014-05-10T01:05"))
    assert extract_metadata(parse_html(html), SITE, HISTORY_URL).published \
        == "2014-05-09T00:00:00+04:00"


def test_the_articles_time_in_a_layout_without_article_elements() -> None:
    main = (f"<div class='wrap'>{POPULAR}<div class='content'><h1>{TITLE}</h1>"
            f"<div class='info'>{stamp(OURS)}</div><div class='body'><p>{PROSE}</p></div></div>"
            "</div>")
    assert meta_of(page(main, before=TODAY))[0].published == OURS


@pytest.mark.parametrize("dateline", [
    f"<span>Обновлено: {stamp('2026-03-14T10:00:00+03:00')}</span> "
    f"<span>Опубликовано: {stamp(OURS)}</span>",
    f"Абноўлена {stamp('2026-03-14T10:00:00+03:00')} · {stamp(OURS)}",
    f"<span class='label'>Оновлено</span> {stamp('2026-03-14T10:00:00+03:00')} {stamp(OURS)}",
    f"Updated {stamp('2026-03-14T10:00:00+03:00')}. Published {stamp(OURS)}",
    stamp("2026-03-14T10:00:00+03:00", attrs=' class="updated"')
    + stamp(OURS, attrs=' class="entry-date published"'),
    stamp("2026-03-14T10:00:00+03:00", attrs=' itemprop="dateModified"') + stamp(OURS),
    f"<span class='date-modified'>{stamp('2026-03-14T10:00:00+03:00')}</span>{stamp(OURS)}",
])
def test_an_update_time_before_the_published_one_is_skipped(dateline: str) -> None:
    assert meta_of(page(article(dateline)))[0].published == OURS


def test_a_published_time_marked_updated_too_is_kept() -> None:
    """WordPress themes mark an unedited post's one <time> "entry-date published updated"."""
    dateline = stamp(OURS, attrs=' class="entry-date published updated"')
    assert meta_of(page(article(dateline), before=POPULAR))[0].published == OURS


def test_a_time_outside_the_article_is_still_used_when_nothing_better_exists() -> None:
    meta, prov = meta_of(page(article(""), before=POPULAR))
    assert (meta.published, prov.fields["published"]) == ("2026-02-01T09:00:00+03:00", "html")


def test_the_articles_printed_date_wins_over_a_time_outside_it() -> None:
    meta, prov = meta_of(page(article("12 марта 2026, 14:05"), before=POPULAR))
    assert (meta.published, prov.fields["published"]) == (OURS, "visible")


LOGO = '<h1 class="site-title"><a href="/">Городские вести</a></h1>'


def logo_page(head: str, logo: str = LOGO, title: str = TITLE) -> str:
    """A theme that wraps the site's logo in an <h1> and puts the headline in an <h2>."""
    main = (f"<article><h2 class='entry-title'>{escape(title)}</h2><div class='text'>"
            f"<p>{PROSE}</p></div></article>")
    return page(main, head=head).replace('<header class="site-header"><a href="/">Городские '
                                         'вести</a>', f'<header class="site-header">{logo}')


def ld(**fields: object) -> str:
    import json
    return ('<script type="application/ld+json">'
            + json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", **fields},
                         ensure_ascii=False) + "</script>")


def test_a_logo_in_the_h1_is_not_the_title_when_json_ld_names_the_article() -> None:
    meta, prov = meta_of(logo_page(ld(headline=TITLE) + '<meta property="og:title" content="x">'))
    assert (meta.title, prov.fields["title"]) == (TITLE, "json-ld")


def test_a_logo_in_the_h1_gives_way_to_og_title_without_the_site_name() -> None:
    head = (f'<meta property="og:title" content="{TITLE} | Городские вести">'
            '<meta property="og:site_name" content="Городские вести">')
    meta, prov = meta_of(logo_page(head, logo="<h1>Городские вести</h1>"))
    assert (meta.title, prov.fields["title"]) == (TITLE, "opengraph")


def test_an_h1_that_is_the_site_name_with_no_structured_title_gives_way_to_the_page_title() -> None:
    head = '<meta property="og:site_name" content="Городские вести">'
    meta, prov = meta_of(logo_page(head, logo="<h1>Городские вести</h1>"))
    assert (meta.title, prov.fields["title"]) == (TITLE, "html")


def test_a_logo_h1_marked_as_such_is_skipped_for_a_later_article_h1() -> None:
    html = page(article("")).replace('<header class="site-header"><a href="/">Городские вести</a>',
                                     '<header class="site-header"><h1 id="logo"><img alt="">'
                                     '<a href="https://gorod-news.example/">ГВ</a></h1>')
    meta, prov = meta_of(html)
    assert (meta.title, prov.fields["title"]) == (TITLE, "rules:h1")


def test_an_h1_that_agrees_with_the_structured_title_is_kept() -> None:
    head = (f'<meta property="og:title" content="{TITLE} — Городские вести">'
            + ld(headline=TITLE.upper()))
    meta, prov = meta_of(page(article(""), head=head))
    assert (meta.title, prov.fields["title"]) == (TITLE, "rules:h1")


def test_an_outlets_own_title_rule_is_left_as_it_is() -> None:
    from crawler.outlets import get_outlet

    html = page(article("")).replace("</head>", '<meta property="og:title" content="Другое"></head>')
    meta = extract_metadata(parse_html(html), get_outlet("zerkalo"), "https://news.zerkalo.io/life/1.html")
    assert meta.title == TITLE


def raw_ld(text: str) -> str:
    return f'<script type="application/ld+json">{text}</script>'


@pytest.mark.parametrize("block", [
    # a raw line break inside a string (a description pasted from an editor)
    '{"@context":"https://schema.org","@type":"NewsArticle","headline":"@T","description":'
    '"Первая строка\nвторая\tстрока","datePublished":"2026-03-12T10:00:00+03:00",'
    '"author":{"@type":"Person","name":"Анна Смирнова"}}',
    # trailing commas, in an object and a list
    '{"@context":"https://schema.org","@type":"NewsArticle","headline":"@T",'
    '"datePublished":"2026-03-12T10:00:00+03:00","author":[{"@type":"Person",'
    '"name":"Анна Смирнова",},],}',
    # an HTML comment around the block, a comma inside a string kept
    '<!-- {"@type":"NewsArticle","headline":"@T","datePublished":"2026-03-12T10:00:00+03:00",'
    '"author":{"name":"Анна Смирнова"},"about":"a, ]"} -->',
])
def test_json_ld_as_cmss_break_it_is_still_read(block: str) -> None:
    meta, prov = meta_of(page(article(""), head=raw_ld(block.replace("@T", TITLE))))
    assert (meta.published, meta.authors) == ("2026-03-12T10:00:00+03:00", ["Анна Смирнова"])
    assert prov.fields["published"] == prov.fields["authors"] == "json-ld"


def test_an_rfc_822_date_in_json_ld_keeps_its_offset() -> None:
    head = ld(headline=TITLE, datePublished="Thu, 12 Mar 2026 10:00:00 +0000")
    meta, prov = meta_of(page(article(""), head=head))
    assert (meta.published, prov.fields["published"]) == ("2026-03-12T13:00:00+03:00", "json-ld")


def test_microdata_dates_and_authors_are_read() -> None:
    dateline = ('<meta itemprop="datePublished" content="2026-03-12T10:00:00+03:00">'
                '<meta itemprop="dateModified" content="2026-03-13T09:00:00+03:00">'
                '<span itemprop="author" itemscope itemtype="https://schema.org/Person">'
                '<span itemprop="name">Анна Смирнова</span></span>')
    related = ('<aside class="related"><div itemscope itemtype="https://schema.org/NewsArticle">'
               '<meta itemprop="datePublished" content="2026-02-01T09:00:00+03:00">'
               '<span itemprop="author">Пётр Иванов</span></div></aside>')
    html = page(article(dateline).replace("<article>", '<article itemscope itemtype='
                                          '"https://schema.org/NewsArticle">'), before=related)
    meta, prov = meta_of(html)
    assert (meta.published, meta.modified, meta.authors) == (
        "2026-03-12T10:00:00+03:00", "2026-03-13T09:00:00+03:00", ["Анна Смирнова"])
    assert prov.fields["published"] == prov.fields["authors"] == "microdata"


def test_a_microdata_author_that_is_a_byline_box_is_not_a_name() -> None:
    box = f'<div itemprop="author">{PROSE}</div>'
    assert meta_of(page(article(box)))[0].authors == []


def test_an_h1_that_says_more_than_a_stray_og_title_stays() -> None:
    meta, prov = meta_of(page(article(""), head='<meta property="og:title" content="x">'))
    assert (meta.title, prov.fields["title"]) == (TITLE, "rules:h1")


def test_a_rubric_in_the_h1_gives_way_to_the_structured_headline() -> None:
    main = (f"<div class='post'><h1 class='rubric-name'>Общество</h1><div class='post-title'>"
            f"{TITLE}</div><div class='text'><p>{PROSE}</p></div></div>")
    meta, prov = meta_of(page(main, head=f'<meta property="og:title" content="{TITLE}">'))
    assert (meta.title, prov.fields["title"]) == (TITLE, "opengraph")


def test_an_h1_beside_the_structured_headlines_own_heading_gives_way() -> None:
    main = (f"<h1>Новости Гомельщины и всего региона сегодня утром</h1>"
            f"<article><h2>{TITLE}</h2><p>{PROSE}</p></article>")
    meta, prov = meta_of(page(main, head=ld(headline=TITLE)))
    assert (meta.title, prov.fields["title"]) == (TITLE, "json-ld")


def test_an_h1_in_the_sites_header_is_no_title_without_structured_data() -> None:
    """The <h2> headline the <title> opens with is the title, the site's name left out."""
    html = logo_page("", logo="<h1>Вести Гомельщины</h1>")
    meta, prov = meta_of(html)
    assert (meta.title, prov.fields["title"]) == (TITLE, "html")


def test_a_rows_own_printed_date_beats_a_time_outside_the_article() -> None:
    """The row's published_visible rule found the date: a header's <time> of that same day
    (today's date, no time) is not used."""
    row = outlet_from_site_row({"url": "https://gorod-news.example/", "timezone": "Europe/Moscow",
                                "published_visible": ["div.when"]})
    today = f"<div class='today'>{stamp('2026-03-12', '12 марта 2026')}</div>"
    html = page(article("<div class='when'>12 марта 2026, 14:05</div>"), before=today)
    meta = extract_metadata(parse_html(html), row, URL, provenance=Provenance())
    assert meta.published == OURS


def test_a_date_rule_never_takes_a_sidebar_date_once_the_articles_own_date_moved() -> None:
    """A district theme moved its date out of ``.entry-date`` and dropped the ISO meta; the
    default ``.post-date`` rule also marks the dates of the sidebar's "latest news" list (and
    the body's "sidebar" class wraps the whole page). The item takes the date printed with the
    article, says so, and the date rules count as missed: not the first sidebar date."""
    posts = regional._posts(regional.SHKLOV, regional.SHKLOV_DAYS, first_id=48213, seed=200,
                            belta_at=4)
    post = next(p for p in posts if not p.with_meta and p.day.day == 11)
    html = regional.shklov_article(post, posts).replace('class="entry-date"',
                                                        'class="byline-date"')
    outlet = get_outlet(regional.SHKLOV)
    prov = Provenance()
    meta = extract_metadata(parse_html(html), outlet, post.gold.url, outlet.rules, prov)
    assert meta.published == "2025-09-11T00:00:00+03:00"
    assert prov.fields["published"] == "visible"
    assert ".post-date" in prov.misses["published"]


@pytest.mark.parametrize("machine_date", [True, False], ids=["always_has_one", "may_have_none"])
def test_a_district_page_without_the_machine_date_its_outlet_always_writes_is_a_miss(
        machine_date: bool) -> None:
    """A district theme that dropped its ``article:published_time``: its pages, dated to the
    day they print (midnight), counted no miss, since the rules also serve outlets whose
    pages never had one. An outlet whose row says its pages carry one (``machine_date``)
    counts the date rules missed; another does not."""
    posts = regional._posts(regional.SHKLOV, regional.SHKLOV_DAYS, first_id=48213, seed=200,
                            belta_at=4)
    post = next(p for p in posts if p.with_meta)
    html = regional.shklov_article(post, posts)
    dropped = re.sub(r'<meta property="article:published_time"[^>]*>', "", html)
    assert dropped != html
    outlet = get_outlet(regional.SHKLOV)
    rules = replace(outlet.rules, machine_date=machine_date)
    healthy, lost = Provenance(), Provenance()
    extract_metadata(parse_html(html), outlet, post.gold.url, rules, healthy)
    meta = extract_metadata(parse_html(dropped), outlet, post.gold.url, rules, lost)
    assert meta.published == f"{post.day.isoformat()}T00:00:00+03:00"  # the day still dates it
    assert "published" not in healthy.misses
    assert lost.misses.get("published") == (rules.published if machine_date else None)


def test_a_district_rules_meta_date_without_an_offset_read_as_utc_when_the_page_says_so() -> None:
    """A district theme writes ``article:published_time`` in UTC without an offset and prints
    the Minsk time: the item was three hours early."""
    site, golds = regional.build_pvestnik()
    gold = golds[0]  # a page printing its date, with no meta date
    path = gold.url.removeprefix(f"https://{regional.PVESTNIK}")
    html = site.pages[path].body.decode()
    utc = gold.published.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    assert "article:published_time" not in html and regional._be_date(gold.published) in html
    html = html.replace("</head>", f'<meta property="article:published_time" content="{utc}">'
                        "</head>", 1)
    outlet = get_outlet(regional.PVESTNIK)
    meta = extract_metadata(parse_html(html), outlet, gold.url, outlet.rules, Provenance())
    assert meta.published == gold.published.isoformat()


@pytest.mark.parametrize("path", ["/news/20250904/vazhnaya-novost/",
                                  "/news/view.php?id=7&date=04.09.2025"])
def test_a_page_dated_only_by_its_url_takes_that_day(path: str) -> None:
    """No date in the markup: the day a compact (``/20250904/``) or query (``?date=…``) URL
    carries, as ``/2025/09/04/`` already gave (htmldate reads only that form)."""
    outlet = outlet_from_site_row({"url": "https://ex.by/", "timezone": "Europe/Minsk"})
    tree = parse_html("<html><body><h1>Заголовок</h1><p>Текст новости.</p></body></html>")
    meta = extract_metadata(tree, outlet, f"https://ex.by{path}")
    assert meta.published == "2025-09-04T00:00:00+03:00"


@pytest.mark.parametrize("path", ["/news/20270509/den-pobedy-plan/",  # after the fetch
                                  "/news/09-05-1945-den-pobedy/",  # a day of history
                                  "/news/?date=22.06.1941&id=7"])
def test_a_url_day_the_page_cannot_have_been_published_on_dates_nothing(path: str) -> None:
    """An undated page whose URL names a day after its fetch (an event's) or before pages were
    on the web (Victory Day, 1945) was dated to it; a missing date is the truth here."""
    outlet = outlet_from_site_row({"url": "https://ex.by/", "timezone": "Europe/Minsk"})
    tree = parse_html("<html><body><h1>Заголовок</h1><p>Текст новости.</p></body></html>")
    meta = extract_metadata(tree, outlet, f"https://ex.by{path}",
                            fetched=datetime(2026, 3, 12, 9, 0, tzinfo=UTC))
    assert meta.published is None


@pytest.mark.parametrize(("meta", "expected"), [
    ('<meta name="date" content="05.01.2026 23:45">', "2026-01-05T23:45:00+03:00"),
    ('<meta name="date" content="Mon, 05 Jan 2026 21:00:00 GMT+3">', "2026-01-05T21:00:00+03:00"),
    ('<meta name="DC.date.issued" content="2026-01-04T10:30:00+03:00">',
     "2026-01-04T10:30:00+03:00"),
    ('<meta name="pubdate" content="2026-01-04 08:15">', "2026-01-04T08:15:00+03:00"),
])
def test_a_page_dated_only_by_another_date_meta_keeps_its_time(meta: str, expected: str) -> None:
    """``<meta name="date">`` and its kin, the page's only date: htmldate gave the day alone
    ("05.01.2026 23:45" → 00:00) or nothing at all (the RFC 822 form: the article was dropped
    as undated)."""
    outlet = outlet_from_site_row({"url": "https://ex.by/", "timezone": "Europe/Minsk"})
    tree = parse_html(f"<html><head>{meta}</head><body><h1>Заголовок</h1><p>Текст новости."
                      "</p></body></html>")
    assert extract_metadata(tree, outlet, "https://ex.by/news/novost/").published == expected


@pytest.mark.parametrize("head", [
    '<meta property="article:published_time" content="1970-01-01T00:00:00+00:00">',
    '<meta property="article:published_time" content="1970-01-01T03:00:00+03:00">',
    '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": '
    '"0001-01-01T00:00:00"}</script>',
    '<meta property="article:published_time" content="1899-12-30T00:00:00">',
    '<meta property="article:published_time" content="2027-01-05T10:00:00+03:00">',
])
def test_a_null_or_future_machine_date_gives_way_to_the_printed_one(head: str) -> None:
    """A CMS's "no date" (the epoch, .NET's or Excel's zero) or a template's year ahead of the
    fetch beat the date the page prints: the article left every window."""
    tree = parse_html(page(article("05.01.2026, 14:20"), head))
    meta = extract_metadata(tree, SITE, URL, fetched=datetime(2026, 1, 6, 9, tzinfo=UTC))
    assert meta.published == "2026-01-05T14:20:00+03:00"


def test_a_machine_date_of_the_fetch_day_is_kept_and_a_later_one_is_none() -> None:
    """The bound is the fetch, not the machine's clock: a page archived in January whose
    machine date is in March was not published then (re-extracted today, too)."""
    head = '<meta property="article:published_time" content="2026-01-06T11:00:00+03:00">'
    tree = parse_html(page(article("нет даты"), head))
    fetched = datetime(2026, 1, 6, 9, tzinfo=UTC)
    assert extract_metadata(tree, SITE, URL, fetched=fetched).published == \
        "2026-01-06T11:00:00+03:00"
    later = '<meta property="article:published_time" content="2026-03-06T11:00:00+03:00">'
    for outlet in (SITE, None):  # (a page of no outlet keeps dates with an offset only)
        meta = extract_metadata(parse_html(page(article("нет даты"), later)), outlet, URL,
                                fetched=fetched)
        assert meta.published is None
    assert extract_metadata(parse_html(page(article("нет даты"), later)), None, URL
                            ).published == "2026-03-06T11:00:00+03:00"  # today: March is past


def test_a_null_structured_date_does_not_refute_the_rule_date() -> None:
    """An epoch in ``article:published_time`` disagreed with the outlet's rule date and made
    it a miss: the date came from htmldate, or not at all."""
    outlet = outlet_from_site_row({"url": "https://ex.by/", "timezone": "Europe/Minsk",
                                   "published": ["div.pub @data-date"]})
    head = '<meta property="article:published_time" content="1970-01-01T00:00:00+00:00">'
    tree = parse_html(page('<article><h1>Заголовок</h1><div class="pub" '
                           'data-date="2026-01-05T11:20:00+00:00">5 января</div>'
                           f"<p>{PROSE}</p></article>", head))
    prov = Provenance()
    meta = extract_metadata(tree, outlet, "https://ex.by/news/a/", provenance=prov)
    assert meta.published == "2026-01-05T14:20:00+03:00"
    assert prov.fields["published"] == "rules:div.pub @data-date"


# Fetched at 22:30 UTC on 2 December: already 3 December (01:30) in Moscow, the site's zone.
FETCHED = datetime(2026, 12, 2, 22, 30, tzinfo=UTC)


@pytest.mark.parametrize(("dateline", "expected"), [
    ("Сегодня, 00:15", "2026-12-03T00:15:00+03:00"),
    ("сегодня в 01:05", "2026-12-03T01:05:00+03:00"),
    ("Вчера, 17:45", "2026-12-02T17:45:00+03:00"),
    ("Опубликовано: позавчера в 9:10", "2026-12-01T09:10:00+03:00"),
    ("Учора, 09:10", "2026-12-02T09:10:00+03:00"),
    ("Сьогодні о 00:40", "2026-12-03T00:40:00+03:00"),
    ("Yesterday at 5:45 pm", "2026-12-02T17:45:00+03:00"),
    ("Учора ў 17:45", "2026-12-02T17:45:00+03:00"),
    ("Сёння, 01.10", "2026-12-03T01:10:00+03:00"),
    ("Сёньня, 01:05", "2026-12-03T01:05:00+03:00"),  # the classical spelling
    ("вчера в 17.45", "2026-12-02T17:45:00+03:00"),
    ("17:45 | Вчера", "2026-12-02T17:45:00+03:00"),
    ("Сегодня в 02:20", "2026-12-03T02:20:00+03:00"),  # within the slack of a site's clock
    # how long ago, counted back from the fetch (01:30 on 3 December in Moscow)
    ("2 часа назад", "2026-12-02T23:30:00+03:00"),
    ("15 минут назад", "2026-12-03T01:15:00+03:00"),
    ("Опубликовано: час назад", "2026-12-03T00:30:00+03:00"),
    ("5 хвілін таму", "2026-12-03T01:25:00+03:00"),
    ("3 години тому", "2026-12-02T22:30:00+03:00"),
    ("10 minutes ago", "2026-12-03T01:20:00+03:00"),
])
def test_a_day_named_from_today_is_the_fetch_day_in_the_sites_zone(dateline: str,
                                                                   expected: str) -> None:
    """"Сегодня" is the day the page was fetched where the site is (a replay gives its
    capture time, so the same day)."""
    tree = parse_html(page(article(dateline)))
    assert extract_metadata(tree, SITE, URL, fetched=FETCHED).published == expected


def test_an_app_states_utc_date_found_last_keeps_its_instant() -> None:
    """Nothing dates the page but a Next.js app state's ``publishedAt`` (found by htmldate):
    22:30 UTC on 2 December is 01:30 on the 3rd in Moscow, not midnight of the 2nd."""
    state = ('<script id="__NEXT_DATA__" type="application/json">{"props": {"pageProps": '
             '{"article": {"publishedAt": "2026-12-02T22:30:00Z"}}}}</script>')
    tree = parse_html(page(article("")).replace("</body>", state + "</body>"))
    assert extract_metadata(tree, SITE, URL).published == "2026-12-03T01:30:00+03:00"


def test_a_day_named_from_today_is_no_date_without_the_fetch_time() -> None:
    assert extract_metadata(parse_html(page(article("Сегодня, 00:15"))), SITE,
                            URL).published is None


# (fetched at 01:30 in Moscow: "Сегодня в 19:00" is an event of the evening to come)
@pytest.mark.parametrize("text", ["Сегодня в Минске прошёл митинг", "Today, 12 people attended",
                                  "Вчерашний день, 10:00", "Сегодня",
                                  "Сегодня в 19:00 начнётся матч"])
def test_prose_about_today_is_no_dateline(text: str) -> None:
    tree = parse_html(page(article(text)))
    assert extract_metadata(tree, SITE, URL, fetched=FETCHED).published is None


def test_a_district_papers_relative_date_line_is_read_against_the_pages_fetch_time() -> None:
    """Through the crawl's entry point: the page's ``fetched_at`` (its capture time in a
    replay) is what "Вчера" counts from, in the paper's zone (Minsk)."""
    prose = "".join(f"<p>{PROSE}</p>" for _ in range(3))
    html = ("<html><head><meta charset='utf-8'><title>Новость</title></head><body><main "
            "id='main' class='site-main'><article><h1 class='entry-title'>Мост открыли после "
            f"ремонта</h1><span class='post-date'>Вчера, 17:45</span><div class='entry-content'>"
            f"{prose}</div></article></main></body></html>")
    page = ArticlePage(url="https://pvestnik.by/2026/11/30/most-otkryli/", outlet="pvestnik.by",
                       body=html.encode(), headers={"Content-Type": "text/html; charset=utf-8"},
                       status=200, fetched_at="2026-12-02T22:30:00+00:00")
    assert extract_article(page).published == "2026-12-02T17:45:00+03:00"


@pytest.mark.parametrize(("url", "outlet", "suffix"), [
    ("https://runews24.ru/world/10/01/2026/shkolniki-rayona", get_outlet("runews24"),
     " — RuNews24.ru"),
    ("https://runews24.ru/world/10/01/2026/shkolniki-rayona", get_outlet("runews24"),
     " | runews24"),
    (f"https://{regional.SHKLOV}/?p=48213", get_outlet(regional.SHKLOV), " – «Ударны фронт»"),
    (URL, SITE, " - gorod-news.example"),
], ids=["host-spelling", "host-label", "name-without-place", "row-host"])
def test_a_page_title_loses_the_site_name_as_the_site_spells_it_there(url, outlet,
                                                                     suffix: str) -> None:
    """The headline left the ``<h1>`` for a ``<div>`` and no og:title names it: the
    ``<title>`` kept the site's name when it was not spelled as the outlet's (a host, a row
    name with its town in brackets), and the headline then passed into the body too."""
    html = (f'<html><head><meta charset="utf-8"><title>{escape(TITLE + suffix)}</title></head>'
            f'<body><article><div class="article-headline">{escape(TITLE)}</div>'
            f"<p>{PROSE}</p></article></body></html>")
    meta = extract_metadata(parse_html(html), outlet, url)
    assert meta.title == TITLE


def test_a_title_whose_last_words_only_look_like_a_name_is_kept() -> None:
    title = "Минск-Москва: поезд пойдёт чаще"
    html = f"<html><head><title>{title}</title></head><body><p>{PROSE}</p></body></html>"
    assert extract_metadata(parse_html(html), SITE, URL).title == title


def test_a_page_with_no_headline_nor_article_element_takes_the_date_beside_its_text() -> None:
    """An old layout: no ``<h1>``, no ``<article>``, the date line beside the text block.
    The printed date was looked for only near a headline: the item got the URL's midnight."""
    html = (f"<html><head><title>{TITLE} - Новости - Городские вести</title></head><body>"
            "<div class='menu'><a href='/'>Главная</a></div><div class='content'>"
            "<div class='date'>12.03.2026, 14:05</div>"
            f"<div class='news-text'><p>{PROSE}</p><p>{PROSE}</p></div></div>"
            "<div class='footer'>Городские вести 2026</div></body></html>")
    meta, prov = meta_of(html)
    assert (meta.published, prov.fields["published"]) == ("2026-03-12T14:05:00+03:00", "visible")


def test_a_heading_that_opens_the_og_title_is_the_headline() -> None:
    """Tilda: no ``<h1>``, the headline in a ``div.t-title``, og:title adding the site's name
    the page declares nowhere else: the heading is the title, not og:title with the name."""
    html = (f"<html><head><title>{TITLE} | Районные вести</title><meta property='og:title' "
            f"content='{TITLE} | Районные вести'></head><body><div class='t-records'>"
            f"<div class='t-title t-title_xs'>{TITLE}</div><div class='t-text'>{PROSE}<br><br>"
            f"{PROSE}</div></div></body></html>")
    meta, prov = meta_of(html)
    assert (meta.title, prov.fields["title"]) == (TITLE, "opengraph")


def test_a_heading_that_opens_the_page_title_is_the_headline() -> None:
    """No ``<h1>``, no og:title, a ``<title>`` adding names the page declares nowhere else:
    the ``<h2>`` the title opens with is the headline, not the title with its names."""
    html = (f"<html><head><title>{TITLE} - Новости Гродно - Гродзенская праўда</title></head>"
            f"<body><div class='content'><h2>{TITLE}</h2><p>{PROSE}</p></div></body></html>")
    meta, prov = meta_of(html)
    assert (meta.title, prov.fields["title"]) == (TITLE, "html")
    one_word = html.replace(f"<h2>{TITLE}</h2>", "<h2>Депутаты</h2>").replace(
        f"<title>{TITLE}", "<title>Депутаты - обсудили")
    assert meta_of(one_word)[0].title.startswith("Депутаты - обсудили")
    ucoz = (f"<html><head><title>{TITLE} - 2 Декабря 2026 - Новости - Голос района</title>"
            "</head><body><div id='header'><h1 class='site-n'><a href='/'>Голос района</a></h1>"
            "</div><table class='eBlock'><tr>"
            f"<td class='eTitle'>{TITLE}</td></tr><tr><td class='eMessage'><p>{PROSE}</p>"
            "</td></tr><tr><td class='eDetails'>Категория: <a href='/news/1-0-1'>Общество</a>"
            " | Просмотров: 57</td></tr><tr><td class='eDetails'><span> | </span>Дата: "
            "<span class='e-date'>02.12.2026, 09:15</span></td></tr></table></body></html>")
    meta, prov = meta_of(ucoz)
    assert meta.title == TITLE  # uCoz: the entry's title cell, no heading
    # the date its table prints under the text (the page was dated by htmldate, at 00:00)
    assert (meta.published, prov.fields["published"]) == ("2026-12-02T09:15:00+03:00", "visible")


RELATED = "Сессия районного совета прошла в Гродно сегодня утром после долгого перерыва"


@pytest.mark.parametrize(("related", "own"), [
    (ld(headline=RELATED, datePublished="2026-02-20T09:00:00+03:00",
        url="https://gorod-news.example/news/1.html"),
     ld(headline=TITLE, datePublished="2026-03-12T14:05:00+03:00", mainEntityOfPage=URL)),
    (ld(headline=RELATED, datePublished="2026-02-20T09:00:00+03:00"),
     ld(headline=TITLE, datePublished="2026-03-12T14:05:00+03:00")),
    (ld(headline=RELATED, datePublished="2026-02-20T09:00:00+03:00", url="/news/1.html"),
     ld(headline="Заголовок ленты", datePublished="2026-03-12T14:05:00+03:00",
        url=URL.removesuffix("/") + "#article")),
], ids=["related-with-url", "related-without-url", "own-by-address-alone"])
def test_a_related_articles_json_ld_before_the_pages_own_is_passed_over(related: str,
                                                                        own: str) -> None:
    """A related article's ``NewsArticle`` block first: the item took its headline and
    date (weeks off). The page's own is the one its address or headline names."""
    meta, prov = meta_of(page(article("12 марта 2026"), head=related + own))
    assert meta.published == "2026-03-12T14:05:00+03:00"
    assert prov.fields["published"] == "json-ld"
    assert meta.title == TITLE


def test_a_lone_json_ld_article_naming_another_page_is_not_the_pages() -> None:
    """The page's only article block is another page's (its ``url`` and headline): its date
    is no evidence; the printed one is read."""
    related = ld(headline=RELATED, datePublished="2026-02-20T09:00:00+03:00",
                 url="https://gorod-news.example/news/1.html")
    meta, prov = meta_of(page(article("12 марта 2026, 14:05"), head=related))
    assert (meta.published, prov.fields["published"]) == ("2026-03-12T14:05:00+03:00", "visible")
    assert meta.title == TITLE


def test_a_json_ld_article_naming_the_front_page_with_the_pages_headline_is_kept() -> None:
    """A theme writes the site's address as every article's ``url``: its headline is the
    page's, so it is still the page's article."""
    own = ld(headline=TITLE, datePublished="2026-03-12T14:05:00+03:00",
             url="https://gorod-news.example/")
    meta, prov = meta_of(page(article("12 марта 2026"), head=own))
    assert (meta.published, prov.fields["published"]) == ("2026-03-12T14:05:00+03:00", "json-ld")


@pytest.mark.parametrize(("dateline", "expected"), [
    ("<div class='date'>12.03.2026<br>14:05</div>", "2026-03-12T14:05:00+03:00"),
    ("<div class='date'>12 марта 2026<br/>14:05</div>", "2026-03-12T14:05:00+03:00"),
    ("<div class='date'>14:05<br>12.03.2026</div>", "2026-03-12T14:05:00+03:00"),
    ("<div class='date'><div class='d'>12 марта 2026</div><div class='t'>14:05</div></div>",
     "2026-03-12T14:05:00+03:00"),
    ("<span>12/03/2026 14:05</span>", "2026-03-12T14:05:00+03:00"),
    # a time on another line of another block is no part of the dateline
    ("<div class='date'>12.03.2026</div><div class='text'><p>Начало в 14:05. "
     f"{PROSE}</p></div>", "2026-03-12T00:00:00+03:00"),
])
def test_a_printed_date_keeps_the_time_printed_on_its_next_line(dateline: str,
                                                               expected: str) -> None:
    """The day and its time on two lines (a ``<br>``, sibling blocks): each line was read on
    its own and the article published at midnight."""
    meta, prov = meta_of(page(article(dateline)))
    assert (meta.published, prov.fields["published"]) == (expected, "visible")


def test_a_time_element_with_its_time_on_another_line_gives_that_time() -> None:
    """``<time datetime="2026-03-12">12.03.2026<br>14:05</time>``: its text was read glued
    ("12.03.202614:05"), no date, so the day alone gave midnight."""
    meta, prov = meta_of(page(article(stamp("2026-03-12", "12.03.2026<br>14:05"))))
    assert (meta.published, prov.fields["published"]) == ("2026-03-12T14:05:00+03:00", "html")


def test_a_date_rule_reads_a_date_and_time_on_two_lines() -> None:
    """A row's date rule on ``<div class="when">12.03.2026<br>14:05</div>``: the rule read
    the element's text glued ("12.03.202614:05"), which is no date."""
    row = outlet_from_site_row({"url": "https://gorod-news.example/", "timezone": "Europe/Moscow",
                                "published": ["div.when"]})
    html = page(article("<div class='when'>12.03.2026<br>14:05</div>"))
    prov = Provenance()
    meta = extract_metadata(parse_html(html), row, URL, provenance=prov)
    assert (meta.published, prov.fields["published"]) == ("2026-03-12T14:05:00+03:00",
                                                           "rules:div.when")


def test_an_h1_broken_by_a_line_break_keeps_a_space_there() -> None:
    """``<h1>Депутаты обсудили<br>ремонт…</h1>``: the title was "обсудилиремонт"."""
    broken = article("12.03.2026").replace(TITLE, "Депутаты обсудили<br>ремонт дорог в трёх районах")
    assert meta_of(page(broken))[0].title == TITLE
    row = outlet_from_site_row({"url": "https://gorod-news.example/", "timezone": "Europe/Moscow",
                                "title": ["article h1"]})
    meta = extract_metadata(parse_html(page(broken)), row, URL, provenance=Provenance())
    assert meta.title == TITLE  # a row's own title rule reads it so too


SITE_NAME = "Городские вести"


@pytest.mark.parametrize(("head", "heading", "source"), [
    # the <h1> is the rest: the words before it are names, whatever they are
    (f'<meta property="og:title" content="{SITE_NAME}: {TITLE}">', f"<h1>{TITLE}</h1>",
     "rules:h1"),
    (f'<meta property="og:site_name" content="{SITE_NAME}">'
     f'<meta property="og:title" content="{SITE_NAME} » {TITLE}">', f"<h1>{TITLE}</h1>",
     "rules:h1"),
    # no <h1>: another heading is the rest, or og:site_name names the prefix
    (f'<meta property="og:title" content="{SITE_NAME}: {TITLE}">', f"<h2>{TITLE}</h2>",
     "opengraph"),
    (f'<meta property="og:site_name" content="{SITE_NAME}">'
     f'<meta property="og:title" content="{SITE_NAME} » {TITLE}">', f"<div>{TITLE}</div>",
     "opengraph"),
], ids=["h1-rest", "h1-rest-named", "h2-rest", "site-name-declared"])
def test_a_site_name_before_the_stated_title_is_dropped(head: str, heading: str,
                                                        source: str) -> None:
    """og:title "Site: Headline", "Site » Headline": only a trailing name was dropped, so
    the item's title began with the site's name (and outweighed the <h1>, having more
    words)."""
    main = (f"<article>{heading}<div class='meta'>12.03.2026</div><div class='text'>"
            f"<p>{PROSE}</p><p>{PROSE}</p></div></article>")
    meta, prov = meta_of(page(main, head=head))
    assert (meta.title, prov.fields["title"]) == (TITLE, source)


@pytest.mark.parametrize(("page_title", "head", "heading"), [
    (f"{SITE_NAME} » Общество » {TITLE}", "", f"<h2 class='title'>{TITLE}</h2>"),
    (f"{SITE_NAME} » {TITLE}", f'<meta property="og:site_name" content="{SITE_NAME}">',
     f"<div class='x'>{TITLE}</div>"),
], ids=["dle-speedbar-title", "site-name-declared"])
def test_a_page_title_with_the_names_first_gives_the_headline(page_title: str, head: str,
                                                              heading: str) -> None:
    """DataLife Engine's ``<title>`` "Site » Rubric » Headline", no og:title: the whole of
    it was the item's title."""
    html = (f"<html><head><title>{page_title}</title>{head}</head><body><div class='story'>"
            f"{heading}<div class='text'><p>{PROSE}</p></div></div></body></html>")
    meta, prov = meta_of(html)
    assert (meta.title, prov.fields["title"]) == (TITLE, "html")


def test_a_stated_title_with_a_colon_and_no_evidence_of_a_name_is_kept() -> None:
    """No heading is the rest and no site name is the first words: "Власти: …" is the
    headline as written."""
    stated = "Власти: ремонт дорог закончат в мае"
    html = (f"<html><head><meta property='og:title' content='{stated}'><title>{stated}</title>"
            f"</head><body><div class='story'><p>{PROSE}</p></div></body></html>")
    assert meta_of(html)[0].title == stated


SHKLOV = "Шкловский райисполком"
ROAD = "В Шклове изменится схема движения на перекрестке"


def joomla_page(heading: str, head: str = "") -> str:
    """Joomla 3's Protostar template: the site's name in the header's ``a.brand >
    span.site-title``, the menu, the article's headline an ``<h2>`` (no ``<h1>``, no
    og:title), its info list, a sidebar module and the footer; ``<title>`` "Site - Headline"."""
    return f"""<!DOCTYPE html><html lang="ru-ru" dir="ltr"><head><meta charset="utf-8" />
<meta name="author" content="Редакция" /><meta name="generator" content="Joomla! - Open Source
Content Management" /><title>{SHKLOV} - {ROAD}</title>{head}</head>
<body class="site com_content view-article no-layout no-task itemid-112">
<div class="body" id="top"><div class="container"><header class="header" role="banner">
<div class="header-inner clearfix"><a class="brand pull-left" href="/">
<span class="site-title" title="{SHKLOV}">{SHKLOV}</span></a><div class="header-search
pull-right"><form action="/" method="post"><input name="searchword" type="search" /></form>
</div></div></header><nav class="navigation" role="navigation"><ul class="nav menu">
<li class="item-101 default"><a href="/">Главная</a></li><li class="item-112 current active">
<a href="/novosti">Новости</a></li><li class="item-113"><a href="/ekonomika">Экономика</a></li>
<li class="item-115"><a href="/kontakty">Контакты</a></li></ul></nav><div class="row-fluid">
<main id="content" role="main" class="span9"><div class="item-page" itemscope
itemtype="https://schema.org/Article"><div class="page-header">{heading}</div>
<dl class="article-info muted"><dt class="article-info-term">Подробности</dt>
<dd class="category-name">Категория: <a href="/novosti" itemprop="genre">Новости</a></dd>
<dd class="published"><time datetime="2026-01-05T14:20:00+03:00" itemprop="datePublished">
Опубликовано: 05.01.2026 14:20</time></dd><dd class="hits">Просмотров: 312</dd></dl>
<div itemprop="articleBody"><p>{PROSE}</p><p>{PROSE}</p></div></div></main>
<div id="aside" class="span3"><div class="moduletable"><h3 class="page-header">Последние
новости</h3><ul class="latestnews mod-list"><li><a href="/novosti/1">Аграрии района завершили
заготовку кормов</a></li><li><a href="/novosti/2">На улице Ленина начался ремонт
тротуаров</a></li></ul></div></div></div></div></div><footer class="footer" role="contentinfo">
<div class="container"><p class="pull-right"><a href="#top" id="back-top">Наверх</a></p>
<p>&copy; 2026 {SHKLOV}</p></div></footer></body></html>"""


@pytest.mark.parametrize("heading", [
    f'<h2 itemprop="headline">{ROAD}</h2>',
    f"<h2>{ROAD}</h2>",
    f'<h2 itemprop="headline"><a href="/novosti/123-skhema" itemprop="url">{ROAD}</a></h2>',
], ids=["itemprop-headline", "plain-h2", "linked-headline"])
def test_the_sites_name_first_in_the_page_title_is_not_the_headline(heading: str) -> None:
    """``<title>`` "Site - Headline", the site's name also the header's ``.site-title``,
    the headline an ``<h2>``: the branding element, opening the <title>, was taken for the
    headline (the item titled "Шкловский райисполком"); a heading that is the other part
    is the headline."""
    meta, prov = meta_of(joomla_page(heading))
    assert (meta.title, prov.fields["title"]) == (ROAD, "html")


def test_the_sites_name_in_a_wordpress_header_is_not_the_headline() -> None:
    """A WordPress theme's ``p.site-title`` (linking home, in the header with the menu) and
    the entry's ``div.entry-title``, ``<title>`` "Site - Headline"."""
    site = "Шкловская жизнь"
    main = (f"<article class='post'><div class='entry-title'>{ROAD}</div><div class='entry-meta'>"
            "<time class='entry-date published' datetime='2026-01-05T14:20:00+03:00'>05.01.2026"
            f"</time></div><div class='entry-content'><p>{PROSE}</p><p>{PROSE}</p></div>"
            "</article>")
    html = page(main, title="").replace(
        "<title> — Городские вести</title>", f"<title>{site} - {ROAD}</title>").replace(
        '<header class="site-header"><a href="/">Городские вести</a>',
        f'<header class="site-header"><div class="site-branding"><p class="site-title">'
        f'<a href="/">{site}</a></p><p class="site-description">Общественно-политическая '
        'газета</p></div>')
    assert f"<title>{site} - {ROAD}</title>" in html and 'class="site-title"' in html
    meta, prov = meta_of(html)
    assert (meta.title, prov.fields["title"]) == (ROAD, "html")
    # the name named by og:site_name, the header's element marked by no class: still no title
    named = html.replace('<p class="site-title"><a href="/">', '<p class="head-title"><a>').replace(
        "</title>", f'</title><meta property="og:site_name" content="{site}">')
    meta, prov = meta_of(named)
    assert (meta.title, prov.fields["title"]) == (ROAD, "html")


TEMPLATE = "2026-11-30T00:00:00+03:00"  # a template's build date, in every page


def test_a_template_machine_date_gives_way_to_the_date_printed() -> None:
    """A machine date the run found the site's template's is no evidence: the printed date
    is the article's; the page's two dates are reported either way, to tell the template's."""
    html = page(article("12 ноября 2026, 14:05"),
                head=f'<meta property="article:published_time" content="{TEMPLATE}">')
    fetched = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    as_given = extract_metadata(parse_html(html), SITE, URL, fetched=fetched)
    assert as_given.published == "2026-11-30T00:00:00+03:00"  # not known yet: it wins
    assert as_given.machine_date == datetime.fromisoformat(TEMPLATE)
    assert as_given.printed_date == datetime(2026, 11, 12, 14, 5)
    prov = Provenance()
    known = extract_metadata(parse_html(html), SITE, URL, provenance=prov, fetched=fetched,
                             template=[datetime.fromisoformat(TEMPLATE)])
    assert known.published == "2026-11-12T14:05:00+03:00"
    assert prov.fields["published"] == "visible"
    assert known.machine_date == datetime.fromisoformat(TEMPLATE)


def test_an_article_page_carries_the_template_dates_to_its_extraction() -> None:
    """Through the crawl's entry point: the dates the run found the template's reach the
    extraction with the page (``ArticlePage.template_dates``)."""
    html = page(article("12 ноября 2026, 14:05", tail=f"<p>{PROSE}</p>"),
                head=f'<meta property="article:published_time" content="{TEMPLATE}">')
    item = ArticlePage(url="https://pvestnik.by/2026/11/12/dorogi/", outlet="pvestnik.by",
                       body=html.encode(), headers={"Content-Type": "text/html; charset=utf-8"},
                       status=200, fetched_at="2026-12-01T09:00:00+00:00")
    assert extract_article(item).published == "2026-11-30T00:00:00+03:00"
    item = replace(item, template_dates=(TEMPLATE,))
    assert extract_article(item).published == "2026-11-12T14:05:00+03:00"


def flat_page(dateline: str) -> str:
    """An old district paper's page laid out flat: headline, date line, text and a column of
    other news (no class naming it) all children of ``<body>``."""
    return (f"<html><head><title>{TITLE}</title></head><body><div class='top'>Районная газета "
            f"<span>5 декабря 2026</span></div><div class='eTitle'><h1>{TITLE}</h1></div>"
            f"{dateline}<div class='eMessage'><p>{PROSE}</p><p>{PROSE}</p></div>"
            "<div class='right'><b>Последние новости</b><div><a href='/o/'>Другая новость</a>"
            " <span>1 февраля 2026, 09:00</span></div></div></body></html>")


def test_the_dateline_of_a_page_laid_out_flat_in_its_body_is_its_date() -> None:
    """Every element there shares only the <body> with the headline, which reads as another
    column: the page had no date, and a site of such pages lost every article ("undated")."""
    meta, prov = meta_of(flat_page("<div class='eDetails'>Добавлено: 12.03.2026, 14:05</div>"))
    assert meta.published == "2026-03-12T14:05:00+03:00"
    assert prov.fields["published"] == "visible"
    assert meta_of(flat_page(""))[0].published is None  # the other columns' dates are not its


@pytest.mark.parametrize("post", [
    "<div class='post-date'>2025-03-05</div><div class='post'><h1>{t}</h1><p>{p}</p></div>",
    "<div class='post'><h1>{t}</h1><p>{p}</p></div><div class='entry-footer'>"
    "<span class='date'>2025/03/05</span></div>",
])
def test_a_date_printed_just_around_the_post_is_its_own(post: str) -> None:
    """htmldate reads the article and its head only (the template's dates are none): a date
    row printed just above the post or just below it, in its own block, is the post's."""
    main = f"<div class='content'>{post.format(t=escape(TITLE), p=PROSE)}</div>"
    html = page(main).replace("<main>", "").replace("</main>", "")
    fetched = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    assert extract_metadata(parse_html(html), SITE, URL, fetched=fetched).published \
        == "2025-03-05T00:00:00+03:00"


@pytest.mark.parametrize(("dateline", "expected"), [
    ("Stand: 14:05 Uhr", "2026-12-06T14:05:00+03:00"),
    ("Stand: 30.11.2026, 14:05 Uhr", "2026-11-30T14:05:00+03:00"),
])
def test_a_german_as_of_line_dates_the_article(dateline: str, expected: str) -> None:
    """"Stand:" with a time alone is today's (against the fetch, 15:00 in the site's zone),
    with a date that date's: the article's date, printed."""
    fetched = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    prov = Provenance()
    meta = extract_metadata(parse_html(page(article(dateline))), SITE, URL, provenance=prov,
                            fetched=fetched)
    assert meta.published == expected
    assert prov.fields["published"] == "visible"


def _wrapped_page(inner: str) -> str:
    """A page whose one wrapper holds the header (today's date), the article (no date of its
    own), a sidebar and the footer (a copyright date): the article's parent is the page."""
    return f"""<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8">
<title>{escape(TITLE)}</title></head><body>{inner}</body></html>"""


_HEADER = ("<header class='site-header'><div class='date'>Суббота, 6 декабря 2026</div>"
           "<nav><a href='/society/'>Общество</a></nav></header>")
_FOOTER = ("<footer><span class='date'>01.01.2024</span> © Городские вести, 2024</footer>")
_UNDATED = f"<article><h1>{escape(TITLE)}</h1><p>{PROSE}</p><p>{PROSE}</p></article>"
_SIDEBAR = ("<div class='col'><h3>Архив</h3><ul>" + "".join(
    f"<li><a href='/a{i}/'>Новость номер {i} о жизни района и города</a>"
    f"<span class='date'>0{i % 9 + 1}.02.2026</span></li>" for i in range(12)) + "</ul></div>")


@pytest.mark.parametrize("inner", [
    f"<div id='page'>{_HEADER}{_UNDATED}{_FOOTER}</div>",
    f"<div id='page'>{_HEADER}<div class='main'>{_UNDATED}{_SIDEBAR}</div>{_FOOTER}</div>",
    f"<div class='main'>{_UNDATED}{_SIDEBAR}</div>",
    f"{_HEADER}{_UNDATED}{_FOOTER}",
    f"<div id='page'><div role='banner'><span class='date'>6 декабря 2026</span></div>"
    f"{_UNDATED}<div role='contentinfo'><span class='date'>01.01.2024</span></div></div>",
])
def test_a_parent_that_wraps_the_whole_page_lends_the_article_no_date(inner: str) -> None:
    """The block around an undated article is read for its date only when it is the
    article's surroundings: a wrapper holding the page's header, navigation or footer (or
    beside them) carries the template's "today" and copyright dates, no publication's."""
    fetched = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    meta = extract_metadata(parse_html(_wrapped_page(inner)), SITE, URL, fetched=fetched)
    assert meta.published is None


def test_a_block_around_the_article_in_a_wrapped_page_still_dates_it() -> None:
    """Inside such a wrapper, a date row printed in the article's own block is its date."""
    post = (f"<div class='post-wrap'><div class='post-date'>2025-03-05</div>{_UNDATED}</div>")
    inner = f"<div id='page'>{_HEADER}<div class='main'>{post}{_SIDEBAR}</div>{_FOOTER}</div>"
    fetched = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    meta = extract_metadata(parse_html(_wrapped_page(inner)), SITE, URL, fetched=fetched)
    assert meta.published == "2025-03-05T00:00:00+03:00"


_ENTRY = f"<div class='entry-content'><h1>{escape(TITLE)}</h1><p>{PROSE}</p><p>{PROSE}</p></div>"
_POSTED_ON = ("<span class='posted-on'>Опубликовано <span class='entry-date'>05.03.2025"
              "</span></span> в рубрике <a href='/society/'>Общество</a>")
_RELATED = ("<div class='related-posts'><h3>Читайте также</h3><ul>" + "".join(
    f"<li><a href='/r{i}/'>Другая новость номер {i}</a> <span class='date'>0{i + 1}.02.2026"
    "</span></li>" for i in range(3)) + "</ul></div>")


@pytest.mark.parametrize("inner", [
    # WordPress: the post's footer beside its content block, in a post wrapper or the page's
    f"<div class='content'><article class='post'>{_ENTRY}<footer class='entry-footer'>"
    f"{_POSTED_ON}</footer></article></div>",
    f"<div id='page'>{_HEADER}<div class='content'><article class='post'>{_ENTRY}"
    f"<footer class='entry-footer'>{_POSTED_ON}</footer></article></div>{_FOOTER}</div>",
    f"<div class='content'><div class='post'>{_ENTRY}<footer class='entry-footer'>{_POSTED_ON}"
    f"</footer></div></div>",
    f"<div id='page'>{_HEADER}<div class='content'><div class='post'>{_ENTRY}"
    f"<footer class='entry-footer'>{_POSTED_ON}</footer></div></div>{_FOOTER}</div>",
    # the post's own header, its date row in it
    f"<div class='content'><article class='post'><header class='entry-header'>"
    f"<div class='entry-meta'>{_POSTED_ON}</div></header>{_ENTRY}</article></div>",
    # a related list in the entry footer is no date of the post's; the post's own is
    f"<div class='content'><article class='post'>{_ENTRY}<footer class='entry-footer'>"
    f"{_POSTED_ON}{_RELATED}</footer></article></div>",
])
def test_a_posts_own_entry_footer_dates_it(inner: str) -> None:
    """A post's ``footer.entry-footer`` (``header.entry-header``) is the post's, not the
    page's footer: its date was hidden as the template's and the page had none."""
    fetched = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    meta = extract_metadata(parse_html(_wrapped_page(inner)), SITE, URL, fetched=fetched)
    assert meta.published == "2025-03-05T00:00:00+03:00"


@pytest.mark.parametrize("inner", [
    # the site's short footer in the post's nested wrapper (a copyright year)
    f"<div class='wrap'><div class='inner'>{_ENTRY}{_FOOTER}</div></div>",
    f"<div class='wrap'><div class='inner'>{_ENTRY}<footer class='site-footer'>"
    "<span class='date'>01.01.2024</span> © Городские вести, 2024</footer></div></div>",
    # an entry footer holding only a list of related posts
    f"<div class='content'><article class='post'>{_ENTRY}<footer class='entry-footer'>"
    f"{_RELATED}</footer></article></div>",
])
def test_a_site_footer_or_a_related_list_beside_the_post_dates_nothing(inner: str) -> None:
    fetched = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    meta = extract_metadata(parse_html(_wrapped_page(inner)), SITE, URL, fetched=fetched)
    assert meta.published is None


def _dated_by(line: str) -> str | None:
    page = (f"<html><head><title>{escape(TITLE)}</title></head><body><article>"
            f"<h1>{escape(TITLE)}</h1><div class='meta'>{line}</div><p>{PROSE}</p>"
            f"<p>{PROSE}</p></article></body></html>")
    fetched = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    return extract_metadata(parse_html(page), SITE, URL, fetched=fetched).published


@pytest.mark.parametrize(("line", "expected"), [
    # a number the markup names a rating, a price or a count: the day alone (each was its clock)
    ("<span class='rating'>4.50</span> · <span class='date'>13.05.2026</span>",
     "2026-05-13T00:00:00+03:00"),
    ("<span itemprop='ratingValue'>4.50</span> · <span class='date'>13.05.2026</span>",
     "2026-05-13T00:00:00+03:00"),
    ("<span class='post-price'>14.50</span> · 13.05.2026", "2026-05-13T00:00:00+03:00"),
    ("<span class='views-count'>★ 4.50</span> · 13.05.2026", "2026-05-13T00:00:00+03:00"),
    ("<div class='votes'>4.50</div><div class='date'>13.05.2026</div>",
     "2026-05-13T00:00:00+03:00"),
    # a clock, marked so or not at all, stays the time
    ("<span class='time'>14.50</span> · <span class='date'>13.05.2026</span>",
     "2026-05-13T14:50:00+03:00"),
    ("14.50 · 13.05.2026", "2026-05-13T14:50:00+03:00"),
    ("<span class='rating'>4.50</span> · 14.50 · 13.05.2026", "2026-05-13T14:50:00+03:00"),
])
def test_a_number_marked_as_a_rating_or_price_before_a_date_is_no_clock(
        line: str, expected: str) -> None:
    """In text "4.50 · 13.05.2026" is a clock's line as much as a rating's (some sites print
    the clock so); the markup naming the number tells them apart."""
    assert _dated_by(line) == expected


@pytest.mark.parametrize("mark", ["post-rating-and-date", "meta-count", "date views"])
def test_a_date_alone_in_an_element_marked_as_a_count_is_the_pages_visible_date(mark: str) -> None:
    """Only a number is left out of the date line: the date such an element holds alone is
    the page's date (the visible reading lost it; metadata's other readers hid that)."""
    page = parse_html(f"<html><body><article><h1>{escape(TITLE)}</h1>"
                      f"<div class='{mark}'>13.05.2026</div><p>{PROSE}</p></article></body></html>")
    assert ArticleDates(page, TITLE, None).visible() == datetime(2026, 5, 13)


@pytest.mark.parametrize("inner", [
    # a comments link's line: the text after the link is the post's
    "<div class='entry-meta'><a class='comments-link' href='#c'>3 comments</a>"
    " Published 13 May 2026</div>",
    # a class naming a widget's word beside the post's own date
    "<span class='posted-on no-comments'><time datetime='2026-05-13'>13 May 2026</time></span>",
    # a comment with no link, beside the post's own date: the post's
    "<span class='posted-on'><time datetime='2026-05-13'>13 May 2026</time></span>"
    "<div class='comments'><div class='comment'>Вася <time datetime='2026-05-20T10:00'>"
    "20 мая 2026</time> класс</div></div>",
])
def test_htmldate_keeps_the_posts_own_date_beside_widget_words(inner: str) -> None:
    """Only a block a widget's word names is taken from what htmldate reads, and the text
    after one stays: the post's own date line was lost with a link or span so named."""
    page = parse_html(f"<html><body><header>x</header><article><h1>{escape(TITLE)}</h1>"
                      f"<p>{PROSE}</p>{inner}</article></body></html>")
    found = htmldate_fallback(page, "", page.find(".//article"))
    assert found is not None and found.date() == date(2026, 5, 13)


def test_a_comment_with_no_link_dates_no_post() -> None:
    """A comments block goes whatever it holds: a comment's date is no date of the post's."""
    page = parse_html(f"<html><body><header>x</header><article><h1>{escape(TITLE)}</h1>"
                      f"<p>{PROSE}</p><div class='comments'><div class='comment'>Вася "
                      "<time datetime='2026-05-20T10:00'>20 мая 2026</time> класс</div></div>"
                      "</article></body></html>")
    assert htmldate_fallback(page, "", page.find(".//article")) is None


@pytest.mark.parametrize("line", [
    "Цена: 12.05.20 руб.", "12.05.20 BYN", "$12.05.20", "стоимость 12.05.20 рублей",
    "12.05.20 €", "<span class='price'>12.05.20</span>",
])
def test_a_sum_of_a_dates_shape_beside_a_currency_dates_nothing(line: str) -> None:
    """A two-digit year's dotted date with a currency beside it, or alone in a price's
    element, is a sum: neither the dateline nor htmldate reads it as the post's day."""
    assert _dated_by(line) is None


@pytest.mark.parametrize(("line", "expected"), [
    ("<span class='price'>12.05.20</span> · 13.05.2026", "2026-05-13T00:00:00+03:00"),
    ("13.05.2026 · Цена 12.05.20 руб.", "2026-05-13T00:00:00+03:00"),
    # a year's mark ("р.", "г."), a time or a four-digit year: a date
    ("12.05.20 р.", "2020-05-12T00:00:00+03:00"),
    ("12.05.20 в 14:30, билет 15 руб.", "2020-05-12T14:30:00+03:00"),
    ("12.05.2020 руб.", "2020-05-12T00:00:00+03:00"),
    # words that begin as a currency's do and are none ("Рубрика", a district, a tournament)
    ("12.05.20 Рубрика: Экономика", "2020-05-12T00:00:00+03:00"),
    ("12.05.20 Копыльский район", "2020-05-12T00:00:00+03:00"),
    ("12.05.20 Евро-2020", "2020-05-12T00:00:00+03:00"),
    ("Рубрики 12.05.20", "2020-05-12T00:00:00+03:00"),
])
def test_a_date_beside_a_sum_or_a_years_mark_stays(line: str, expected: str) -> None:
    assert _dated_by(line) == expected
