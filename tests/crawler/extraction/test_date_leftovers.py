"""Pages dated only by their update, update metas, a post's own date in a block named as a
teaser, numbers beside a date, and Unix timestamps on the article's date element."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from lxml import etree

from crawler.extraction import dates, metadata
from crawler.extraction.html import parse_html
from crawler.extraction.metadata import extract_metadata
from tests.crawler.extraction.test_metadata import (
    LD_DATE,
    META_DATE,
    SITE,
    URL,
    article,
    meta_of,
    page,
)

UPDATED = "2026-03-14T10:00:00+03:00"
PUBLISHED = "2026-03-12T09:00:00+03:00"
MODIFIED_METAS = {
    "article:modified_time": f'<meta property="article:modified_time" content="{UPDATED}">',
    "og:updated_time": f'<meta property="og:updated_time" content="{UPDATED}">',
    "JSON-LD dateModified": ('<script type="application/ld+json">{"@type": "NewsArticle", '
                             f'"dateModified": "{UPDATED}"}}</script>'),
    "microdata dateModified": f'<meta itemprop="dateModified" content="{UPDATED}">',
    "lastmod": f'<meta name="lastmod" content="{UPDATED}">',
}


@pytest.mark.parametrize("head", MODIFIED_METAS.values(), ids=MODIFIED_METAS.keys())
def test_a_page_dated_only_by_its_update_has_no_publication_date(head: str) -> None:
    """htmldate, asked for the original date, fell back on the update time: the page was
    published when it was edited."""
    meta, _ = meta_of(page(article(""), head=head))
    assert meta.published is None


@pytest.mark.parametrize("head", [MODIFIED_METAS["article:modified_time"],
                                  MODIFIED_METAS["og:updated_time"],
                                  MODIFIED_METAS["JSON-LD dateModified"]])
def test_the_update_meta_alone_is_the_modified_time(head: str) -> None:
    meta, _ = meta_of(page(article(""), head=head))
    assert meta.modified == UPDATED


@pytest.mark.parametrize("line", ["Обновлено: 14 марта 2026, 10:00",
                                  "Updated: 14.03.2026 10:00"])
def test_a_printed_update_line_alone_is_the_modified_time_not_the_published(line: str) -> None:
    meta, _ = meta_of(page(article(line)))
    assert (meta.published, meta.modified) == (None, UPDATED)


@pytest.mark.parametrize("published", [
    META_DATE.format(PUBLISHED),
    LD_DATE.format(PUBLISHED),
    # a JSON-LD block no article type names: only htmldate reads it (it took the update
    # meta first, as its "reserve")
    ('<script type="application/ld+json">{"@type": "WebPage", '
     f'"datePublished": "{PUBLISHED}"}}</script>'),
])
@pytest.mark.parametrize("updated", [MODIFIED_METAS["article:modified_time"],
                                     MODIFIED_METAS["og:updated_time"]])
def test_a_page_with_both_dates_keeps_both(published: str, updated: str) -> None:
    meta, _ = meta_of(page(article(""), head=updated + published))
    assert meta.published[:10] == PUBLISHED[:10]
    assert meta.modified == UPDATED


def test_a_printed_publication_line_beside_an_update_meta_keeps_both() -> None:
    meta, _ = meta_of(page(article("Опубликовано: 12 марта 2026, 09:00"),
                           head=MODIFIED_METAS["og:updated_time"]))
    assert (meta.published, meta.modified) == (PUBLISHED, UPDATED)


def test_both_printed_lines_give_both_dates() -> None:
    meta, _ = meta_of(page(article("Опубликовано: 12 марта 2026, 09:00 | "
                                   "Обновлено: 14 марта 2026, 10:00")))
    assert (meta.published, meta.modified) == (PUBLISHED, UPDATED)



@pytest.mark.parametrize("tail", [
    "<p>Обновлено расписание автобусов с 1 апреля 2026 года.</p>",  # news in the body
    "<ul><li>Правила обновлены 10.01.2024</li></ul>",  # a list item of the body
    "<p>Читайте также: <a href='/x'>Тарифы изменены</a> 01.02.2026</p>",  # a related link
])
def test_an_update_told_in_the_body_is_not_the_pages_update(tail: str) -> None:
    """Every short run of the article was read as a dateline: the body's news of another
    update became the page's modified time."""
    meta, _ = meta_of(page(article("12 марта 2026, 09:00", tail=tail)))
    assert (meta.published, meta.modified) == ("2026-03-12T09:00:00+03:00", None)


def test_an_update_word_without_its_date_after_it_is_no_update_line() -> None:
    meta, _ = meta_of(page(article("12 марта 2026 | Обновлено расписание с 1 апреля 2026")))
    assert meta.modified is None


@pytest.mark.parametrize(("line", "modified"), [
    ("Обновлено: 10.03.2026 | 12 марта 2026", None),  # before the publication
    ("12 марта 2026 | Обновлено: 25.03.2026", None),  # after the fetch
    ("12 марта 2026 | Обновлено: 14.03.2026", "2026-03-14T00:00:00+03:00"),
])
def test_a_printed_update_before_the_publication_or_after_the_fetch_is_none(
        line: str, modified: str | None) -> None:
    tree = parse_html(page(article(line)))
    meta = extract_metadata(tree, SITE, URL, fetched=datetime(2026, 3, 20, 9, 0, tzinfo=UTC))
    assert (meta.published, meta.modified) == ("2026-03-12T00:00:00+03:00", modified)


TITLE_HTML = "<h1>Депутаты обсудили ремонт дорог в трёх районах</h1>"
BODY = ("<div class='text'><p>Сегодня в областном центре прошло заседание городского совета, "
        "на котором депутаты обсудили вопросы благоустройства дворов и ремонта дорог.</p>"
        "<p>Решение о финансировании работ примут после обсуждения в профильной комиссии "
        "городского совета в следующем месяце.</p></div>")
STAMP = 1773298800  # 2026-03-12T07:00:00Z


def stamped(element: str) -> str:
    return page(f"<article>{TITLE_HTML}{element}{BODY}</article>")


@pytest.mark.parametrize("element", [
    f"<time data-timestamp='{STAMP}'></time>",
    f"<span class='post-date' data-time='{STAMP}'></span>",
    f"<span class='date' data-published='{STAMP}000'></span>",
    f"<div class='article-date' data-date=' {STAMP} '></div>",
])
def test_a_unix_timestamp_on_the_articles_date_element_is_its_date(element: str) -> None:
    meta, _ = meta_of(stamped(element))
    assert meta.published == "2026-03-12T10:00:00+03:00"


@pytest.mark.parametrize("element", [
    f"<span class='views' data-time='{STAMP}'></span>",  # no date element
    "<time data-timestamp='123456789'></time>",  # nine digits: no timestamp
    "<time data-timestamp='700000000'></time>",
    "<time data-timestamp='0757382400'></time>",  # 1994: before any outlet wrote
    "<time data-timestamp='4102444800'></time>",  # 2100: after the fetch
    f"<time class='updated' data-timestamp='{STAMP}'></time>",  # the update's
])
def test_a_number_that_is_no_timestamp_of_the_articles_date_dates_nothing(element: str) -> None:
    meta, _ = meta_of(stamped(element))
    assert meta.published is None


def test_a_timestamp_outside_the_article_dates_nothing() -> None:
    html = page(f"<article>{TITLE_HTML}{BODY}</article>",
                before=f"<div class='teaser'><time data-timestamp='{STAMP}'></time></div>")
    assert meta_of(html)[0].published is None


def test_a_timestamp_in_milliseconds_keeps_its_instant() -> None:
    meta, _ = meta_of(stamped(f"<time data-timestamp='{STAMP}123'></time>"))
    assert meta.published == "2026-03-12T10:00:00+03:00"


def test_a_machine_date_wins_over_the_timestamp() -> None:
    html = page(f"<article>{TITLE_HTML}<time data-timestamp='{STAMP}' "
                f"datetime='2026-03-11T08:00:00+03:00'></time>{BODY}</article>")
    assert meta_of(html)[0].published == "2026-03-11T08:00:00+03:00"


OTHER = "1 марта 2026, 08:00"


@pytest.mark.parametrize("teaser", [
    # another post's teaser under the headline: its title in a link, a heading, a picture
    f"<div class='teaser'><a href='/other/'>Горсовет утвердил план ремонта школ</a> "
    f"<span>{OTHER}</span></div>",
    f"<div class='related'><h3>Ремонт школ</h3><span>{OTHER}</span></div>",
    f"<div class='teaser'><img src='/a.jpg'><span>{OTHER}</span></div>",
    f"<aside class='teaser'><span>{OTHER}</span></aside>",
])
def test_another_posts_teaser_under_the_headline_lends_no_date(teaser: str) -> None:
    html = page(f"<article>{TITLE_HTML}{teaser}{BODY}</article>")
    assert meta_of(html)[0].published is None


def test_a_teaser_after_the_body_lends_no_date() -> None:
    html = page(f"<article>{TITLE_HTML}{BODY}<div class='teaser-meta'>{OTHER}</div></article>")
    assert meta_of(html)[0].published is None


@pytest.mark.parametrize("head", [
    f'<meta name="lastdate" content="{UPDATED}">',
    f'<meta property="bt:moddate" content="{UPDATED}">',
    f'<meta property="revision_date" content="{UPDATED}">',
    f'<meta name="utime" content="{UPDATED}">',
    MODIFIED_METAS["article:modified_time"] + '<meta itemprop="copyrightYear" content="2026">',
    '<meta itemprop="copyrightYear" content="2026">',
])
def test_every_update_name_htmldate_reads_and_a_copyright_year_date_nothing(head: str) -> None:
    """htmldate's own update names beyond the few listed (``lastdate``, ``bt:moddate``)
    and its copyright-year reserve (a year alone) became the published date."""
    meta, _ = meta_of(page(article(""), head=head))
    assert meta.published is None


def test_a_name_htmldate_reads_as_both_dates_and_shared_itemprops_keep_the_date() -> None:
    meta, _ = meta_of(page(article(""), head='<meta itemprop="datePublished dateModified" '
                                              f'content="{PUBLISHED}">'))
    assert meta.published == PUBLISHED


def _htmldate_spy(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    seen: list[object] = []
    real = metadata._htmldate

    def spy(tree: object, url: str) -> object:
        seen.append(tree)
        return real(tree, url)

    monkeypatch.setattr(metadata, "_htmldate", spy)
    return seen


def test_htmldate_reads_the_page_itself_when_its_answer_is_no_update(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy of the page without its update sources was made for every page without an
    article (45 ms on 1.8 MB): only an answer that may be the update needs a second look."""
    seen = _htmldate_spy(monkeypatch)
    tree = parse_html(f"<html><head>{MODIFIED_METAS['article:modified_time']}"
                      "<meta name='date' content='2026-03-12'></head><body><p>x</p></body></html>")
    found = metadata.htmldate_fallback(tree, "", None)
    assert found is not None and found.date().isoformat() == "2026-03-12"
    assert seen == [tree]


def test_the_second_look_hides_the_update_and_leaves_the_page_as_it_was(
        monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _htmldate_spy(monkeypatch)
    html = (f"<html><head>{MODIFIED_METAS['article:modified_time']}"
            f"{MODIFIED_METAS['JSON-LD dateModified']}</head><body><p>Текст</p>"
            f"<time class='updated' datetime='{UPDATED}'>14 марта</time> хвост</body></html>")
    tree = parse_html(html)
    before = etree.tostring(tree)
    assert metadata.htmldate_fallback(tree, "", None) is None
    assert seen == [tree, tree]  # the page itself, twice: no copy
    assert etree.tostring(tree) == before


@pytest.mark.parametrize("mark", ["candidate", "validate", "update", "timeline-views"])
def test_a_word_holding_a_date_mark_is_no_date_element(mark: str) -> None:
    """"candidate" holds "date", "update" too: their Unix-like numbers dated the page."""
    meta, _ = meta_of(stamped(f"<div class='{mark}' data-time='1600000000'></div>"))
    assert meta.published is None


PRINTED = "<div class='meta'>12 марта 2026, 09:00</div>"


def test_a_timestamp_after_the_body_dates_nothing() -> None:
    """A more-news list after the body: its item's stamp outranked the printed dateline."""
    more = ("<div class='more-news'><div class='item'><a href='/o/'>Горсовет утвердил план "
            "ремонта школ</a><span class='date' data-timestamp='1772341200'></span></div></div>")
    meta, _ = meta_of(page(f"<article>{TITLE_HTML}{PRINTED}{BODY}{more}</article>"))
    assert meta.published == "2026-03-12T09:00:00+03:00"


@pytest.mark.parametrize("stamp", [
    "1234567890",  # an id in the range of timestamps (2009)
    "1773997200",  # the cache's clock (the fetch's day)
])
def test_a_timestamp_another_day_than_its_element_prints_is_no_date(stamp: str) -> None:
    meta, _ = meta_of(stamped(f"<span class='date' data-date='{stamp}'>12 марта 2026, "
                              "09:00</span>"))
    assert meta.published == "2026-03-12T09:00:00+03:00"


@pytest.mark.parametrize(("printed", "expected"), [
    ("12 марта 2026", "2026-03-12T10:00:00+03:00"),  # the same day: the stamp's time
    ("11 марта 2026", "2026-03-11T00:00:00+03:00"),  # another: the printed day
])
def test_an_unprinted_stamp_is_checked_against_the_pages_dateline(printed: str,
                                                                   expected: str) -> None:
    meta, _ = meta_of(stamped(f"<div class='meta'>{printed}</div>"
                              f"<span class='post-date' data-time='{STAMP}'></span>"))
    assert meta.published == expected


@pytest.mark.parametrize("head", [
    f'<meta property="article:updated_time" content="{UPDATED}">',
    f'<meta name="last-updated" content="{UPDATED}">',
    f'<meta itemprop="dateUpdated" content="{UPDATED}">',
    f'<meta name="mediator_modified_time" content="{UPDATED}">',
])
def test_an_update_name_htmldate_does_not_list_dates_nothing_either(head: str) -> None:
    """htmldate's last look takes any ISO time of the page: an update meta outside its
    lists was hidden from nothing and became the published date."""
    meta, _ = meta_of(page(article(""), head=head))
    assert meta.published is None


@pytest.mark.parametrize("script", [
    '<script>window.__STATE__={"article":{"updatedAt":"' + UPDATED + '","publishedAt":"'
    + PUBLISHED + '"}}</script>',
    '<script id="__NEXT_DATA__" type="application/json">{"dateModified":"' + UPDATED
    + '","datePublished":"' + PUBLISHED + '"}</script>',
])
def test_an_app_states_update_is_hidden_like_json_lds(script: str) -> None:
    """Only JSON-LD lost its update keys: an app state's update won over its publication."""
    meta, _ = meta_of(page(article("") + script))
    assert meta.published == PUBLISHED


def test_a_stamp_of_the_printed_day_but_another_clock_is_no_date() -> None:
    """A render's or cache's clock falls on a fresh article's day, hours after it."""
    meta, _ = meta_of(stamped(f"<span class='post-date' data-time='{STAMP + 4 * 3600}'>"
                              "12 марта 2026, 09:00</span>"))
    assert meta.published == PUBLISHED


@pytest.mark.parametrize("head", [
    f'<meta name="lastdate" content="{UPDATED}">',
    f'<meta property="bt:moddate" content="{UPDATED}">',
    f'<meta property="revision_date" content="{UPDATED}">',
    f'<meta name="last-updated" content="{UPDATED}">',
    f'<meta name="LastDate" content="{UPDATED}">',
])
def test_an_update_meta_htmldate_hides_is_the_modified_time(head: str) -> None:
    """Hidden from the published date, these names were read as nothing at all."""
    meta, prov = meta_of(page(article(""), head=head))
    assert (meta.published, meta.modified) == (None, UPDATED)
    assert prov.fields["modified"] == "meta"


@pytest.mark.parametrize("head", [
    '<meta http-equiv="last-modified" content="2026-03-14T10:00:00+03:00">',  # a server's clock
    '<meta itemprop="copyrightYear" content="2026">',
])
def test_a_servers_clock_or_a_copyright_year_is_no_modified_time(head: str) -> None:
    assert meta_of(page(article(""), head=head))[0].modified is None


def test_a_common_update_meta_comes_before_the_hidden_names() -> None:
    head = (f'<meta name="lastdate" content="2026-03-13T10:00:00+03:00">'
            f'{MODIFIED_METAS["article:modified_time"]}')
    assert meta_of(page(article(""), head=head))[0].modified == UPDATED


def web_page(**fields: str) -> str:
    body = ", ".join(f'"{k}": "{v}"' for k, v in fields.items())
    return f'<script type="application/ld+json">{{"@type": "WebPage", {body}}}</script>'


@pytest.mark.parametrize("head", [
    web_page(dateModified=UPDATED),  # no address: the page itself
    web_page(url=URL, dateModified=UPDATED),
    web_page(**{"@id": URL + "#webpage", "dateModified": UPDATED}),
    web_page(url="/society/deputaty-obsudili-remont", dateModified=UPDATED),  # relative
    ('<script type="application/ld+json">{"@graph": [{"@type": "ItemPage", "@id": "'
     + URL + f'", "dateModified": "{UPDATED}"}}]}}</script>'),
])
def test_the_pages_own_web_page_object_gives_its_modified_time(head: str) -> None:
    """Only an article object's ``dateModified`` was read: a WebPage's went unread."""
    meta, prov = meta_of(page(article(""), head=head))
    assert (meta.published, meta.modified) == (None, UPDATED)
    assert prov.fields["modified"] == "json-ld"


@pytest.mark.parametrize("head", [
    web_page(url="https://gorod-news.example/society/", dateModified=UPDATED),
    web_page(**{"@id": "https://other.example/page/#webpage", "dateModified": UPDATED}),
    ('<script type="application/ld+json">{"@type": "WebSite", "url": "' + URL
     + f'", "dateModified": "{UPDATED}"}}</script>'),  # the site, no page
])
def test_another_pages_web_page_object_gives_no_modified_time(head: str) -> None:
    assert meta_of(page(article(""), head=head))[0].modified is None


def test_the_articles_own_modified_time_comes_before_the_web_pages() -> None:
    head = (web_page(dateModified="2026-03-13T10:00:00+03:00")
            + MODIFIED_METAS["JSON-LD dateModified"])
    assert meta_of(page(article(""), head=head))[0].modified == UPDATED


@pytest.mark.parametrize(("footer", "expected"), [
    ("<div class='footer-date'>Опубликовано 12.05.2026</div>", "2026-05-12T00:00:00+03:00"),
    ("<p>Опубликовано 12.05.2026. Источник: <a href='https://belta.by/'>БелТА</a></p>",
     "2026-05-12T00:00:00+03:00"),
    ("<div class='post-footer'><time datetime='2026-03-12T09:00:00+03:00'>12 марта 2026"
     "</time> <a href='/society/'>Общество</a></div>", PUBLISHED),
])
def test_the_posts_own_dateline_after_its_body_keeps_dating_it(footer: str,
                                                               expected: str) -> None:
    """The post's own dateline after its body, a link to a source or a rubric beside it, dates it."""
    html = page(f"<article>{TITLE_HTML}{BODY}{footer}</article>")
    assert meta_of(html)[0].published == expected


@pytest.mark.parametrize("update", [
    '<meta property="bt:moddate" content="2026-03-12T01:47:00+03:00">',
    '<meta name="lastdate" content="2026-03-11 23:00:00">',
    '<meta property="article:modified_time" content="2026-03-12T08:59:00+03:00">',
    web_page(dateModified="2026-03-10T10:00:00+03:00"),
])
def test_an_update_earlier_than_the_publication_is_no_update(update: str) -> None:
    """An A.V. Club page: its bt:modDate 01:47, the post published 09:00 that day. An update
    before the publication is a misread, and the page is not called updated."""
    meta = meta_of(page(article(""), head=META_DATE.format(PUBLISHED) + update))[0]
    assert (meta.published, meta.modified) == (PUBLISHED, None)


NEWS_ARTICLE_LD = ('<script type="application/ld+json">{{"@type": "NewsArticle", '
                   '"datePublished": "{}", "dateModified": "{}"}}</script>')
LATE_EVENING = "2026-03-10T23:30:00-04:00"  # (Moscow: 11 March, 06:30)


@pytest.mark.parametrize(("published", "modified", "expected"), [
    # a day-only update: its day against the publication's own day (New York's 10 March)
    (LATE_EVENING, "2026-03-11", "2026-03-11T00:00:00+03:00"),
    (LATE_EVENING, "2026-03-10", "2026-03-10T00:00:00+03:00"),
    (LATE_EVENING, "2026-03-09", None),
    # a day-only publication: an update of that day at any hour stays, of the day before not
    ("2026-03-10", "2026-03-10T00:00:00+03:00", "2026-03-10T00:00:00+03:00"),
    ("2026-03-10", "2026-03-09T23:59:00+03:00", None),
    # an update later by the clock stays, whatever day its own zone calls it (01:00 in Moscow)
    ("2026-03-11", "2026-03-10T22:00:00Z", "2026-03-11T01:00:00+03:00"),
    ("2026-03-11T00:00:00+03:00", "2026-03-10T21:30:00Z", "2026-03-11T00:30:00+03:00"),
    # both with a clock: the instants
    (LATE_EVENING, "2026-03-11T06:29:00+03:00", None),
    (LATE_EVENING, "2026-03-11T06:31:00+03:00", "2026-03-11T06:31:00+03:00"),
])
def test_a_day_only_update_is_weighed_by_its_day(published: str, modified: str,
                                                 expected: str | None) -> None:
    """A US site's post of 23:30 New York time, "dateModified": "…-11" (the next day there,
    or the same day): read as midnight Moscow, hours before 06:30 Moscow, the update was
    dropped; a day-only value has no hour to be earlier by, only a day."""
    head = NEWS_ARTICLE_LD.format(published, modified)
    assert meta_of(page(article(""), head=head))[0].modified == expected

@pytest.mark.parametrize(("stamp", "expected"), [
    ("2026-03-12 10:30:00 EDT", "2026-03-12T17:30:00+03:00"),
    ("March 12, 2026 10:30am EDT", "2026-03-12T17:30:00+03:00"),
    ("2026-03-12 07:30 PDT", "2026-03-12T17:30:00+03:00"),
    ("2026-03-12 08:30:00 CST", "2026-03-12T17:30:00+03:00"),
])
def test_an_update_stamp_in_a_us_zone_is_read_at_its_offset(stamp: str, expected: str) -> None:
    """A Fox News page: its update "… EDT" was read as the outlet's wall clock, hours before
    the publication it followed."""
    head = (META_DATE.format("2026-03-12T10:00:00-04:00")
            + f'<meta name="lastdate" content="{stamp}">')
    meta = meta_of(page(article(""), head=head))[0]
    assert (meta.published, meta.modified) == ("2026-03-12T17:00:00+03:00", expected)


NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("value", "expected"), [
    ("May 10, 2026 10:30am EDT", "2026-05-10T10:30:00-04:00"),
    ("May 10, 2026 at 10:30 p.m. PDT", "2026-05-10T22:30:00-07:00"),
    ("10.05.2026, 10:30 МСК", "2026-05-10T10:30:00+03:00"),
    ("10 мая 2026, 10:30 мск", "2026-05-10T10:30:00+03:00"),
    ("2026-05-10 10:30:00.000 EDT", "2026-05-10T10:30:00-04:00"),
    # no clock before the name: the day alone, no midnight at the zone's offset
    ("Updated: May 10, 2026 EST", "2026-05-10T00:00:00"),
    ("May 10, 2026 CST", "2026-05-10T00:00:00"),
    # a closing word in lower case or capitalised is no zone: the wall clock
    ("10.05.2026 10:30 est", "2026-05-10T10:30:00"),
    ("10.05.2026 10:30 get", "2026-05-10T10:30:00"),
    ("10.05.2026 10:30 Est", "2026-05-10T10:30:00"),
])
def test_a_zone_name_counts_only_in_capitals_after_a_clock(value: str, expected: str) -> None:
    """"Updated: May 10, 2026 EST" (a colon after the label, no clock) was read as midnight
    in New York; "… 10:30 est" ended with a word the zone table knows in capitals."""
    moment = dates.parse_any(value, NOW)
    assert moment is not None and moment.isoformat() == expected
