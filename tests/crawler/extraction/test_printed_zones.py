"""A zone a page prints beside its clock ("14:05 (мск)", "10:00 GMT", "18:30 по Москве",
"09:15 UTC+3", "12:00 (Киев)"): the printed time is read in that zone, not in the outlet's;
a time printed without one stays the outlet's wall clock."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from html import escape
from zoneinfo import ZoneInfo

import pytest

from crawler.extraction import dates, extract_article
from crawler.extraction.dateline import ArticleDates, dateline_date
from crawler.extraction.dates import (
    labelled_wall_clock,
    parse_any,
    parse_human,
    parse_rfc822,
    printed_zone,
    utc_without_offset,
)
from crawler.extraction.html import parse_html
from crawler.extraction.metadata import _printed_update, _stray_printed_date, extract_metadata
from crawler.items import Article, ArticlePage
from crawler.siteoutlets import outlet_from_site_row
from tests.crawler.extraction.test_cms_blocks import bitrix_page
from tests.crawler.extraction.test_details_lines import TEXT, read

MSK = timezone(timedelta(hours=3))
UTC0 = timezone(timedelta(0))
MOSCOW, MINSK, KYIV = ZoneInfo("Europe/Moscow"), ZoneInfo("Europe/Minsk"), ZoneInfo("Europe/Kyiv")
MINSK_SITE = outlet_from_site_row({"url": "https://ex.by/", "timezone": "Europe/Minsk"})
KYIV_SITE = outlet_from_site_row({"url": "https://ex.ua/", "timezone": "Europe/Kyiv"})
NOVOSIBIRSK_SITE = outlet_from_site_row({"url": "https://ex.ru/",
                                         "timezone": "Asia/Novosibirsk"})
PROSE = ("Сегодня в областном центре прошло заседание городского совета, на котором депутаты "
         "обсудили вопросы благоустройства дворов и ремонта дорог в нескольких районах города.")


def _at(hour: int, minute: int, zone: timezone | ZoneInfo, day: int = 12, month: int = 3
        ) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=zone)


@pytest.mark.parametrize(("text", "expected"), [
    # abbreviations: Latin capitals, "мск" in any case, in brackets or after "по"
    ("12 марта 2026, 14:05 (мск)", _at(14, 5, MSK)),
    ("12 марта 2026, 14:05 МСК", _at(14, 5, MSK)),
    ("12.03.2026 14:05 по мск", _at(14, 5, MSK)),
    ("12.03.2026, 14:05 MSK", _at(14, 5, MSK)),
    ("12.03.2026 10:00 GMT", _at(10, 0, UTC0)),
    ("12.03.2026 10:00 UTC", _at(10, 0, UTC0)),
    ("12.03.2026 10:00 CET", _at(10, 0, timezone(timedelta(hours=1)))),
    ("12.07.2026 10:00 CEST", _at(10, 0, timezone(timedelta(hours=2)), month=7)),
    ("12.03.2026 10:00 EET", _at(10, 0, timezone(timedelta(hours=2)))),
    ("March 12, 2026 at 2:05 pm EDT", _at(14, 5, timezone(timedelta(hours=-4)))),
    ("March 12, 2026, 9:30 am PST", _at(9, 30, timezone(timedelta(hours=-8)))),
    # numeric offsets
    ("12.03.2026 09:15 UTC+3", _at(9, 15, MSK)),
    ("12.03.2026 09:15 (UTC+3)", _at(9, 15, MSK)),
    ("12 марта 2026, 09:15 GMT+03:00", _at(9, 15, MSK)),
    ("12.03.2026 09:15 (+0200)", _at(9, 15, timezone(timedelta(hours=2)))),
    # a city's time in words: Russian, Belarusian, Ukrainian
    ("12 марта 2026, 18:30 по Москве", _at(18, 30, MOSCOW)),
    ("12 марта 2026, 18:30 по московскому времени", _at(18, 30, MOSCOW)),
    ("12.03.2026 17:00 по минскому времени", _at(17, 0, MINSK)),
    ("12.03.2026 17:00 по Минску", _at(17, 0, MINSK)),
    ("12.07.2026 17:00 по киевскому времени", _at(17, 0, KYIV, month=7)),
    ("12.03.2026 17:00 по Киеву", _at(17, 0, KYIV)),
    ("12 сакавіка 2026, 17:00 па маскоўскім часе", _at(17, 0, MOSCOW)),
    ("12 сакавіка 2026, 17:00 па Мінску", _at(17, 0, MINSK)),
    ("12 березня 2026 р., 17:00 за київським часом", _at(17, 0, KYIV)),
    ("12.03.2026 12:00 (Kyiv time)", _at(12, 0, KYIV)),
])
def test_a_zone_printed_after_the_clock_is_the_times(text: str, expected: datetime) -> None:
    """Both readers of printed dates, the dateline's and the outlet rules' (``parse_human``
    under ``parse_any``), read the time in the zone it names: the same instant and offset."""
    for found in (dateline_date(text), parse_human(text)):
        assert found == expected
        assert found.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(("text", "expected"), [
    ("Москва, 12 марта 2026, 14:05", datetime(2026, 3, 12, 14, 5)),  # a place before
    ("12 марта 2026, 14:05 Москва", datetime(2026, 3, 12, 14, 5)),  # a lead's place after
    ("12.03.2026 14:05 по Минской области", datetime(2026, 3, 12, 14, 5)),  # a region
    ("12.03.2026 GMT", datetime(2026, 3, 12)),  # no clock
    ("12 марта 2026 (мск)", datetime(2026, 3, 12)),  # no clock
    ("12.03.2026 10:00 CST", datetime(2026, 3, 12, 10, 0)),  # refused: US, China or Cuba
    ("12.03.2026 10:00 est", datetime(2026, 3, 12, 10, 0)),  # a Latin word, not capitals
    ("12.03.2026 10:00 Kyiv", datetime(2026, 3, 12, 10, 0)),  # a place, no "time"
    ("12.03.2026 10:00 +1200 просмотров", datetime(2026, 3, 12, 10, 0)),  # a count
    ("12.03.2026 10:00 BST", datetime(2026, 3, 12, 10, 0)),  # refused: British or Bangladesh
    ("12.03.2026 10:00 MST", datetime(2026, 3, 12, 10, 0)),  # refused: US or Malaysia
    ("12.03.2026 12:00 (Киев)", datetime(2026, 3, 12, 12, 0)),  # a lead's place in brackets
    ("12.03.2026 12:00 (Минск)", datetime(2026, 3, 12, 12, 0)),
    ("12.03.2026 14:05 по Москве-реке", datetime(2026, 3, 12, 14, 5)),  # a river
    # Moscow time plus hours (Novosibirsk's "МСК+4"): no zone, not Moscow's
    ("12.03.2026, 10:00 МСК+4", datetime(2026, 3, 12, 10, 0)),
    ("12.03.2026, 10:00 мск+4", datetime(2026, 3, 12, 10, 0)),
    ("12.03.2026, 10:00 MSK+4", datetime(2026, 3, 12, 10, 0)),
    ("12.03.2026, 10:00 (МСК-1)", datetime(2026, 3, 12, 10, 0)),
    # no clock before the zone: a two-digit year or an ISO day ends in digits, not a clock
    ("Москва, 12.03.26 (мск)", datetime(2026, 3, 12)),
    ("12.03.26 GMT", datetime(2026, 3, 12)),
    ("2026-03-12 GMT", datetime(2026, 3, 12)),
    ("12.03.26 по Москве", datetime(2026, 3, 12)),
])
def test_a_place_or_word_that_is_no_printed_zone_keeps_the_outlets_clock(
        text: str, expected: datetime) -> None:
    """A city named as a place, a zone word with no clock before it, a refused or
    lower-case abbreviation: the time stays naive (the outlet's wall clock), as before."""
    for found in (dateline_date(text), parse_human(text)):
        assert found == expected
        assert found.tzinfo is None


def _page(dateline: str, headline: str = "Депутаты обсудили ремонт дорог") -> str:
    return (f"<html><head><meta charset='utf-8'><title>{headline}</title></head><body>"
            f"<article><h1>{headline}</h1><div class='meta'>{dateline}</div>"
            f"<div class='text'><p>{PROSE}</p><p>{PROSE}</p></div></article></body></html>")


@pytest.mark.parametrize(("dateline", "site", "expected"), [
    ("Опубликовано: 12.03.2026, 10:00 GMT", MINSK_SITE, "2026-03-12T13:00:00+03:00"),
    ("12 марта 2026, 14:05 (мск)", KYIV_SITE, "2026-03-12T13:05:00+02:00"),
    ("12.03.2026 12:00 по Киеву", MINSK_SITE, "2026-03-12T13:00:00+03:00"),
    # no clock: the day, in the outlet's zone, not the one before
    ("Москва, 12.03.26 (мск)", KYIV_SITE, "2026-03-12T00:00:00+02:00"),
    ("2026-03-12 GMT", KYIV_SITE, "2026-03-12T00:00:00+02:00"),
    # Novosibirsk's "Moscow time plus four": its own zone's clock, not Moscow's
    ("12.03.2026, 10:00 МСК+4", NOVOSIBIRSK_SITE, "2026-03-12T10:00:00+07:00"),
    ("<time datetime='2026-03-12'>12 марта 2026, 09:15 UTC+1</time>", MINSK_SITE,
     "2026-03-12T11:15:00+03:00"),
])
def test_a_page_no_rule_knows_dates_its_article_in_the_zone_its_dateline_prints(
        dateline: str, site: object, expected: str) -> None:
    """The dateline near the headline (and a ``<time>`` giving its day alone, its clock
    printed) read in the zone printed there, then given in the outlet's zone."""
    meta = extract_metadata(parse_html(_page(dateline)), site, "https://ex.by/news/novost/")
    assert meta.published == expected


@pytest.mark.parametrize("headline", ["Биржа откроется в 10:00 GMT",
                                      "Поезд уйдёт в 10:00 по Киеву"])
def test_a_zone_in_the_headline_leaves_the_datelines_time_alone(headline: str) -> None:
    """A zone the headline names beside its own clock is no zone of the dateline's time."""
    meta = extract_metadata(parse_html(_page("12.03.2026, 14:05", headline)), MINSK_SITE,
                            "https://ex.by/news/novost/")
    assert meta.published == "2026-03-12T14:05:00+03:00"


def test_an_update_printed_with_its_zone_is_read_in_it() -> None:
    """"Обновлено: … 11:00 GMT" is the page's update time, in GMT: 14:00 in Minsk."""
    dateline = "Опубликовано: 12.03.2026, 10:30 | Обновлено: 12.03.2026, 11:00 GMT"
    meta = extract_metadata(parse_html(_page(dateline)), MINSK_SITE, "https://ex.by/news/novost/")
    assert (meta.published, meta.modified) == ("2026-03-12T10:30:00+03:00",
                                               "2026-03-12T14:00:00+03:00")


def test_a_district_papers_dateline_in_kyiv_time_through_the_crawls_entry_point() -> None:
    """Through the function the spiders call: a Minsk paper's page (pvestnik.by, its
    ``post-date``) printing its time "по киевскому времени" (+02:00 in December) is dated an
    hour later in Minsk."""
    prose = "".join(f"<p>{PROSE}</p>" for _ in range(3))
    html = ("<html><head><meta charset='utf-8'><title>Новость</title></head><body><main "
            "id='main' class='site-main'><article><h1 class='entry-title'>Мост открыли после "
            "ремонта</h1><span class='post-date'>2 декабря 2026, 09:45 по киевскому времени</span><div "
            f"class='entry-content'>{prose}</div></article></main></body></html>")
    page = ArticlePage(url="https://pvestnik.by/2026/12/02/most-otkryli/", outlet="pvestnik.by",
                       body=html.encode(), headers={"Content-Type": "text/html; charset=utf-8"},
                       status=200, fetched_at="2026-12-02T22:30:00+00:00")
    article = extract_article(page)
    assert article.published == "2026-12-02T10:45:00+03:00"
    assert "Сегодня в областном центре" in article.text


def test_a_bitrix_date_opening_the_text_goes_with_its_zone() -> None:
    """A Bitrix note's date span opening its text's first line ("05.01.2026 14:20 GMT С 1
    февраля…"): dated 17:20 in Minsk, and the date, its zone's word with it, is no text (read
    in its zone it is the article's date; read in Minsk's it was not, and stayed)."""
    text = "<br><br>\n".join(escape(line) for line in TEXT)
    detail = f"<span class='news-date-time'>05.01.2026 14:20 GMT</span> {text}"
    article = read(bitrix_page(detail))
    assert article.published == "2026-01-05T17:20:00+03:00"
    assert article.text.split("\n\n") == TEXT


@pytest.mark.parametrize("text", ["12.03.2026 10:00 -12:00", "12.03.2026 10:00 -1200",
                                  "12.03.2026, 10:00 +1200", "10:00, 12.03.2026 +0300"])
def test_a_bare_signed_offset_in_a_dateline_is_no_zone(text: str) -> None:
    """In a dateline "10:00 -12:00" is a range ("с 10:00 до 12:00"), not UTC−12: only an
    offset named (UTC+3) or four digits in brackets count there. A machine value read by
    ``parse_human`` (a meta's "05.01.2026 10:00 +0300") keeps its bare offset, as before."""
    found = dateline_date(text)
    assert found is not None and found.tzinfo is None
    assert parse_human(text).tzinfo is not None


def test_a_long_run_of_blank_space_after_the_clock_is_read_at_once() -> None:
    """20,000 spaces between a clock and a word: no zone, and no backtracking over them
    (two adjacent runs of blank space took seconds on 8,000)."""
    value = "12.03.2026 10:00" + " " * 20_000 + "MSK"
    assert printed_zone(value, 0, 16) is None
    assert printed_zone("12.03.2026 10:00" + " " * 20_000 + "x", 0, 16) is None
    assert printed_zone("12.03.2026 10:00 MSK", 0, 16) == (MSK, 20)


def test_a_leads_place_in_brackets_after_the_date_stays_text() -> None:
    """"2 декабря 2026, 09:45 (Минск) Сегодня…": "(Минск)" is the lead's place, no zone: the
    paragraph keeps it (a city in brackets was read as its time and cut with the date)."""
    article = _district_paper("2 декабря 2026, 09:45",
                              "2 декабря 2026, 09:45 (Минск) Сегодня в Минске открыли мост.")
    assert "(Минск) Сегодня в Минске открыли мост." in article.text


def test_an_updates_zone_words_are_its_dates_not_the_datelines_words() -> None:
    """"по московскому времени" twice is the two dates' own words, as ``dateline_date`` reads
    them, not six words besides: the update is read (it was refused as prose)."""
    line = ("Опубликовано: 12.03.2026, 10:30 по московскому времени | Обновлено: 12.03.2026, "
            "11:00 по московскому времени")
    page = ArticleDates(parse_html(_district_paper_html(line)))
    assert page.update_moments == (_at(11, 0, MOSCOW),)
    assert dateline_date(line) == _at(10, 30, MOSCOW)


def _district_paper_html(dateline: str, first: str | None = None) -> str:
    prose = (f"<p>{first}</p>" if first else "") + "".join(f"<p>{PROSE}</p>" for _ in range(3))
    return ("<html><head><meta charset='utf-8'><title>Новость</title></head><body><main "
            "id='main' class='site-main'><article><h1 class='entry-title'>Мост открыли после "
            f"ремонта</h1><span class='post-date'>{dateline}</span><div "
            f"class='entry-content'>{prose}</div></article></main></body></html>")


def _district_paper(dateline: str, first: str | None = None) -> Article:
    page = ArticlePage(url="https://pvestnik.by/2026/12/02/most-otkryli/", outlet="pvestnik.by",
                       body=_district_paper_html(dateline, first).encode(),
                       headers={"Content-Type": "text/html; charset=utf-8"}, status=200,
                       fetched_at="2026-12-02T22:30:00+00:00")
    return extract_article(page)


# The readers comparing a printed clock with the outlet's wall clock read a zoned one in it
def test_a_stamp_agrees_with_a_print_in_another_zone_on_its_day() -> None:
    """A Unix stamp of 23:30 UTC (02:30 on the 13th in Minsk) on an element printing
    "12.03.2026, 23:30 GMT": the same instant, so the stamp is the date (read as Minsk's
    wall clock the print's day was the 12th, and the stamp was refused)."""
    stamp = int(datetime(2026, 3, 12, 23, 30, tzinfo=UTC0).timestamp())
    html = _page(f"<span class='date' data-timestamp='{stamp}'>12.03.2026, 23:30 GMT</span>")
    found = ArticleDates(parse_html(html)).unix_stamp(datetime(2026, 3, 14, tzinfo=UTC0),
                                                       MINSK)
    assert found == datetime(2026, 3, 12, 23, 30, tzinfo=UTC0).isoformat()


def test_a_rules_stray_date_is_told_from_a_zoned_print_of_the_machines_day() -> None:
    """The dateline prints "12.03.2026, 22:30 GMT" (the 13th in Minsk), the machine date is
    the 13th, 01:30 in Minsk: a rule's date of January is a stray one (read as Minsk's wall
    clock the print's day was the 12th, not the machine's, and the stray date stood)."""
    page = ArticleDates(parse_html(_page("12.03.2026, 22:30 GMT")))
    machine = datetime(2026, 3, 13, 1, 30, tzinfo=MINSK)
    assert _stray_printed_date(machine, datetime(2026, 1, 5), page, MINSK)
    assert not _stray_printed_date(machine, datetime(2026, 3, 13, 1, 30), page, MINSK)


def test_a_zoned_update_after_the_fetch_is_no_update() -> None:
    """"Обновлено: 12.03.2026, 23:00 UTC-10" is 12:00 on the 13th in Minsk, after a fetch at
    23:30 on the 12th (Minsk's wall clock): no update (its clock alone, 23:00, was before)."""
    update = datetime(2026, 3, 12, 23, 0, tzinfo=timezone(timedelta(hours=-10)))
    fetched = datetime(2026, 3, 12, 23, 30)
    assert _printed_update([update], None, fetched, MINSK) is None
    earlier = datetime(2026, 3, 12, 11, 0, tzinfo=UTC0)  # 14:00 in Minsk
    assert _printed_update([earlier], None, fetched, MINSK) == earlier


def test_a_machine_date_without_offset_is_utc_when_a_zoned_print_says_so() -> None:
    """The machine date "…T10:00:00" (no offset), the page "10:00 GMT" (13:00 in Minsk): the
    machine date is UTC (compared with the print's clock alone, 10:00, it was the wall
    clock's)."""
    printed = datetime(2026, 3, 12, 10, 0, tzinfo=UTC0)
    assert utc_without_offset(datetime(2026, 3, 12, 10, 0), printed, MINSK)
    assert not utc_without_offset(datetime(2026, 3, 12, 13, 0), printed, MINSK)


def test_a_wall_clock_labelled_utc_is_told_by_a_zoned_print() -> None:
    """The machine date "13:00+00:00", the page "10:00 GMT" (13:00 in Minsk): the machine
    date is Minsk's wall clock labelled UTC (BELTA's), told by the print read in its zone."""
    printed = datetime(2026, 3, 12, 10, 0, tzinfo=UTC0)
    assert labelled_wall_clock(datetime(2026, 3, 12, 13, 0, tzinfo=UTC0), printed, MINSK)
    assert not labelled_wall_clock(datetime(2026, 3, 12, 10, 0, tzinfo=UTC0), printed, MINSK)


def test_a_machine_value_with_a_long_run_of_blank_space_before_its_zone() -> None:
    """A meta's "02.12.2026 10:00", 20,000 spaces, then a zone's name or a word: read (the
    name still closes the value) without backtracking over the spaces (the clock-then-zone
    pattern's adjacent runs of blank space took 12 s on 8,000, minutes on 20,000)."""
    spaces = " " * 20_000
    assert parse_any(f"02.12.2026 10:00{spaces}MSK") == datetime(2026, 12, 2, 10, 0, tzinfo=MSK)
    assert parse_any(f"02.12.2026 10:00 ,{spaces}MSK") == datetime(2026, 12, 2, 10, 0,
                                                                    tzinfo=MSK)
    assert parse_any(f"02.12.2026 10:00{spaces}x") == datetime(2026, 12, 2, 10, 0)


# Offsets no zone on Earth keeps: the real ones run from -12:00 to +14:00, in whole hours or
# with 30 or 45 minutes
@pytest.mark.parametrize("text", [
    "12.03.2026 14:05 UTC+23", "12.03.2026 14:05 GMT-15", "12.03.2026 14:05 (+2500)",
    "12.03.2026 14:05 (+1500)", "12.03.2026 14:05 (-1300)", "12.03.2026 14:05 UTC-13",
    "12.03.2026 14:05 UTC+14:30", "12.03.2026 14:05 GMT-12:30", "12.03.2026 14:05 GMT+5:15",
    "12.03.2026 14:05 UTC+3:07", "12.03.2026 14:05 UTC+99", "12 марта 2026, 14:05 (UTC+24)",
])
def test_an_offset_no_zone_keeps_is_no_printed_zone(text: str) -> None:
    """"UTC+23", "GMT-15", "(+2500)", "GMT+5:15": no zone keeps such an offset, so it is no
    zone of the printed time: the time stays the outlet's wall clock (naive), as with no
    zone printed ("UTC+23" was read as +23:00, a day off)."""
    for found in (dateline_date(text), parse_human(text)):
        assert found == datetime(2026, 3, 12, 14, 5)
        assert found.tzinfo is None


@pytest.mark.parametrize(("text", "offset"), [
    ("12.03.2026 14:05 UTC+14", timedelta(hours=14)),
    ("12.03.2026 14:05 UTC-12", timedelta(hours=-12)),
    ("12.03.2026 14:05 GMT+5:45", timedelta(hours=5, minutes=45)),  # Nepal
    ("12.03.2026 14:05 UTC+12:45", timedelta(hours=12, minutes=45)),  # Chatham
    ("12.03.2026 14:05 UTC-9:30", timedelta(hours=-9, minutes=-30)),  # Marquesas
    ("12.03.2026 14:05 (+0530)", timedelta(hours=5, minutes=30)),  # India
    ("12.03.2026 14:05 (-0330)", timedelta(hours=-3, minutes=-30)),  # Newfoundland
])
def test_an_offset_at_the_ends_of_the_real_range_is_read(text: str, offset: timedelta) -> None:
    """The range's ends and the half and three-quarter hours some zones keep are zones."""
    for found in (dateline_date(text), parse_human(text)):
        assert found == datetime(2026, 3, 12, 14, 5, tzinfo=timezone(offset))


def test_an_out_of_range_offset_leaves_the_outlets_zone_on_the_page() -> None:
    """Through the page's metadata: "UTC+23" is no zone, the printed clock is Minsk's."""
    meta = extract_metadata(parse_html(_page("Опубликовано: 12.03.2026, 10:00 UTC+23")),
                            MINSK_SITE, "https://ex.by/news/novost/")
    assert meta.published == "2026-03-12T10:00:00+03:00"
    assert parse_human("05.01.2026 10:00 +2300") == datetime(2026, 1, 5, 10, 0)  # bare, too


# "МСК" written with Latin letters that look like its Cyrillic ones (BBC Russian's "06:14
# MCK"): M, C, K (and c, k) for М, С, К in any mix. "MCK" is no other zone's abbreviation
# (tzdata has none such).
@pytest.mark.parametrize("name", ["MCK", "Mск", "MСK", "МCК", "МСK", "Mck", "мck", "mCK",
                                  "(MCK)", "по MCK", "(Mск)"])
def test_moscows_abbreviation_in_latin_look_alikes_is_moscow_time(name: str) -> None:
    for text in (f"12 марта 2026, 06:14 {name}", f"12.03.2026 06:14 {name}"):
        for found in (dateline_date(text), parse_human(text)):
            assert found == _at(6, 14, MSK)
            assert found.utcoffset() == MSK.utcoffset(None)


@pytest.mark.parametrize("text", ["12.03.2026, 10:00 MCK+4", "12.03.2026, 10:00 Mск+4",
                                  "12.03.2026, 10:00 (MСK-1)", "12.03.2026 10:00 MCKA",
                                  "12.03.2026 10:00 MCKинли"])
def test_a_look_alike_moscow_with_a_sign_or_inside_a_word_is_no_zone(text: str) -> None:
    """"MCK+4" is Novosibirsk's "Moscow plus four", as "МСК+4" is; letters after it make a
    word: the outlet's wall clock, naive."""
    for found in (dateline_date(text), parse_human(text)):
        assert found == datetime(2026, 3, 12, 10, 0)
        assert found.tzinfo is None


def test_a_bbc_russian_stamp_in_latin_mck_on_a_page_and_a_machine_value() -> None:
    """"12 марта 2026, 06:14 MCK" on a Kyiv site's page is 05:14 in Kyiv; a machine value
    "2026-03-12 06:14 MCK" (``parse_any``) is Moscow's 06:14 too."""
    meta = extract_metadata(parse_html(_page("12 марта 2026, 06:14 MCK")), KYIV_SITE,
                            "https://ex.ua/news/novost/")
    assert meta.published == "2026-03-12T05:14:00+02:00"
    for value in ("2026-03-12 06:14 MCK", "2026-03-12 06:14:00 Mск", "12.03.2026 06:14 MСK"):
        assert parse_any(value) == _at(6, 14, MSK)
        assert parse_any(value).utcoffset() == timedelta(hours=3)
    assert parse_rfc822("Thu, 12 Mar 2026 06:14:00 MCK") == _at(6, 14, MSK)  # a feed's


# A zone printed between a clock set before the date and the date: "14:05 МСК, 12.03.2026"
@pytest.mark.parametrize(("text", "expected"), [
    ("14:05 МСК, 12.03.2026", _at(14, 5, MSK)),
    ("14:05 (мск) 12.03.2026", _at(14, 5, MSK)),
    ("14:05 UTC+3 | 12 марта 2026", _at(14, 5, MSK)),
    ("14:05 MCK, 12 марта 2026", _at(14, 5, MSK)),
    ("14:05 МСК · 12.03.2026", _at(14, 5, MSK)),
    ("14:05МСК, 12.03.2026", _at(14, 5, MSK)),
    ("10:00 GMT / 12/03/2026", _at(10, 0, UTC0)),
    ("10:00 (+0200) 2026-03-12", _at(10, 0, timezone(timedelta(hours=2)))),
    ("14:05 по Москве, 12 марта 2026", _at(14, 5, MOSCOW)),
    ("14:05 по московскому времени, 12.03.2026", _at(14, 5, MOSCOW)),
    ("14:05 па Мінску, 12 сакавіка 2026", _at(14, 5, MINSK)),
    ("17:00 за київським часом, 12 березня 2026 р.", _at(17, 0, KYIV)),
    ("2:05 pm EDT, March 12, 2026", _at(14, 5, timezone(timedelta(hours=-4)))),
    ("Опубликовано: 14:05 (МСК), 12.03.2026", _at(14, 5, MSK)),
    ("14:05 мск - 12.03.2026", _at(14, 5, MSK)),  # a dash before a date: no "МСК-12"
    ("14:05 MCK - 2026-03-12", _at(14, 5, MSK)),
])
def test_a_zone_between_a_leading_clock_and_its_date_is_the_times(
        text: str, expected: datetime) -> None:
    """The clock printed before its date, its zone between them: the date has the clock's
    time (the zone's words broke the pair: the day alone was read, at midnight) read in
    that zone."""
    for found in (dateline_date(text), parse_human(text)):
        assert found == expected
        assert found.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(("text", "expected"), [
    ("14:05 CST, 12.03.2026", datetime(2026, 3, 12, 14, 5)),  # refused: several zones
    ("14:05 UTC+23 | 12.03.2026", datetime(2026, 3, 12, 14, 5)),  # no zone keeps it
    ("14:05 МСК+4, 12.03.2026", datetime(2026, 3, 12)),  # Novosibirsk's: no zone, no clock
    ("14:05 МСК + 4, 12.03.2026", datetime(2026, 3, 12)),
    ("14:05 МСК - 1 | 12.03.2026", datetime(2026, 3, 12)),
    ("14:05 МСК-10 12.03.2026", datetime(2026, 3, 12)),
    ("14:05 Москва, 12.03.2026", datetime(2026, 3, 12)),  # a place: no clock of the date
    ("14:05 (Минск) 12.03.2026", datetime(2026, 3, 12)),
    ("МСК, 12.03.2026", datetime(2026, 3, 12)),  # no clock: no zone
    ("(мск) 12 марта 2026", datetime(2026, 3, 12)),
])
def test_a_leading_clocks_zone_that_is_none_leaves_the_outlets_clock(
        text: str, expected: datetime) -> None:
    """A refused name or an offset no zone keeps between the clock and the date: the clock's
    time, the outlet's; "МСК+4", a place, or no clock: the day alone, as before."""
    for found in (dateline_date(text), parse_human(text)):
        assert found == expected
        assert found.tzinfo is None


def test_a_leading_clocks_zone_is_read_on_the_page() -> None:
    """"14:05 (мск) 12.03.2026" on a Kyiv site: 13:05 in Kyiv, not the day at midnight."""
    meta = extract_metadata(parse_html(_page("14:05 (мск) 12.03.2026")), KYIV_SITE,
                            "https://ex.ua/news/novost/")
    assert meta.published == "2026-03-12T13:05:00+02:00"


def test_a_bitrix_date_with_a_leading_clocks_zone_goes_from_the_text_with_its_words() -> None:
    """"14:20 GMT, 05.01.2026 С 1 февраля…" opening the text: dated 17:20 in Minsk, and the
    clock, its zone's word and the date are cut from the text together."""
    text = "<br><br>\n".join(escape(line) for line in TEXT)
    detail = f"<span class='news-date-time'>14:20 GMT, 05.01.2026</span> {text}"
    article = read(bitrix_page(detail))
    assert article.published == "2026-01-05T17:20:00+03:00"
    assert article.text.split("\n\n") == TEXT


# A zone glued to the clock's digits ("14:05МСК", "14:05UTC"): read as with a space
@pytest.mark.parametrize(("text", "expected"), [
    ("12.03.2026,14:05МСК", _at(14, 5, MSK)),
    ("12.03.2026 14:05мск", _at(14, 5, MSK)),
    ("12.03.2026 14:05MCK", _at(14, 5, MSK)),
    ("12.03.2026 14:05UTC", _at(14, 5, UTC0)),
    ("12.03.2026 14:05GMT+3", _at(14, 5, MSK)),
    ("Обновлено12.03.2026,14:05 МСК", _at(14, 5, MSK)),
    ("Опубликовано12 марта 2026,14:05МСК", _at(14, 5, MSK)),
])
def test_a_zone_glued_to_the_clock_is_the_times(text: str, expected: datetime) -> None:
    found = parse_human(text)
    assert found == expected
    assert found.utcoffset() == expected.utcoffset()


def test_a_clock_glued_to_a_label_without_a_day_is_no_date() -> None:
    """"Обновлено14:05 МСК" prints no day: nothing is read (a clock alone is today's only
    after "Stand:" or a day named from today)."""
    assert parse_human("Обновлено14:05 МСК") is None
    assert dateline_date("Обновлено14:05 МСК") is None


@pytest.mark.parametrize(("text", "expected"), [
    ("17:45 МСК | Вчера", _at(17, 45, MSK, day=11)),
    ("17:45 (мск) Сегодня", _at(17, 45, MSK)),
    ("17:45 по Москве, сегодня", _at(17, 45, MOSCOW)),
    ("Сегодня, 07:20 MCK", _at(7, 20, MSK)),
])
def test_a_zone_beside_the_clock_of_a_day_named_from_today_is_the_times(
        text: str, expected: datetime) -> None:
    """"17:45 МСК | Вчера": the clock before the day's word, its zone between them (nothing
    was read: the zone's word broke the pair)."""
    now = datetime(2026, 3, 12, 20, 0)
    for found in (dateline_date(text, now), parse_human(text, now)):
        assert found == expected
        assert found.utcoffset() == expected.utcoffset()


# Runs a megabyte long of blank space, digits, colons, letters, brackets and zone words
# beside clocks: what the zone's words between a clock and its date cost a page
_ADVERSARIAL = [" " * 1_000_000, "1" * 1_000_000, ":" * 1_000_000, "MCK" * 330_000,
                "14:05 (" + " " * 1_000_000, "14:05" + " " * 500_000 + "МСК" + " " * 500_000,
                "14:05 МСК,    " * 70_000, "1:11 ( " * 150_000, "14:05 (мск " * 90_000,
                "1:11 по  по " * 90_000, "1:11 (+1234 " * 80_000, "14:05 мск - 12.0" * 62_000,
                "14:05 UTC - 1.2" * 62_000, "1:11 Uhr CET  " * 70_000, "1:11 за за " * 90_000]


@pytest.mark.parametrize("chunk", _ADVERSARIAL, ids=lambda chunk: repr(chunk[:12]))
def test_zone_words_beside_clocks_read_a_megabyte_of_adversarial_text_at_once(
        chunk: str) -> None:
    """Each pattern holding a zone's words reads a megabyte of adversarial text in well under
    a second of processor time (no backtracking: a linear pass), and the zone reader at any
    clock of it at once."""
    for pattern in (dates._DMY, dates._NUMERIC, dates._DM_TIMED, dates._RELATIVE,
                    dates._CLOCK_THEN_ZONE):  # (_MDY, _DASHED, _SLASHED, _YMD: as _NUMERIC)
        began = time.process_time()
        for _match in pattern.finditer(chunk):
            pass
        assert time.process_time() - began < 1.0, pattern.pattern[:40]
    began = time.process_time()
    for start in (0, 6, 500_000):
        printed_zone(chunk, start, start + 5)
        printed_zone(chunk, 0, start, bare_offset=True)
    assert time.process_time() - began < 0.1


# German's "Uhr" between the clock and its zone: the zone is in the date's span, and is read
@pytest.mark.parametrize(("text", "expected"), [
    ("14:05 Uhr CET, 12.03.2026", _at(14, 5, timezone(timedelta(hours=1)))),
    ("14:05 Uhr CEST | 12.03.2026", _at(14, 5, timezone(timedelta(hours=2)))),
    ("14:05 Uhr (CET) 12.03.2026", _at(14, 5, timezone(timedelta(hours=1)))),
    ("14:05 Uhr UTC+1, 12.03.2026", _at(14, 5, timezone(timedelta(hours=1)))),
])
def test_a_zone_after_uhr_before_the_date_is_the_times(text: str, expected: datetime) -> None:
    """"14:05 Uhr CET, 12.03.2026": the zone was taken into the date's span but not read (the
    clock read in the outlet's zone, an hour or two off)."""
    for found in (dateline_date(text), parse_human(text)):
        assert found == expected
        assert found.utcoffset() == expected.utcoffset()


# A dash before a date after any zone's word is the dateline's, not an offset ("UTC-12")
@pytest.mark.parametrize(("text", "expected"), [
    ("14:05 GMT - 12.03.2026", _at(14, 5, UTC0)),
    ("14:05 UTC - 12.03.2026", _at(14, 5, UTC0)),
    ("14:05 UTC -12.03.2026", _at(14, 5, UTC0)),
    ("14:05 UTC+3 - 12.03.2026", _at(14, 5, MSK)),
    ("14:05 CET - 12.03.2026", _at(14, 5, timezone(timedelta(hours=1)))),
    ("14:05 GMT – 12.03.2026", _at(14, 5, UTC0)),
])
def test_a_dash_before_a_date_after_any_zone_word_is_the_datelines(
        text: str, expected: datetime) -> None:
    for found in (dateline_date(text), parse_human(text)):
        assert found == expected
        assert found.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(("text", "expected"), [
    ("14:05 UTC - 3, 12.03.2026", datetime(2026, 3, 12)),  # an offset spaced: no zone, as before
    ("14:05 GMT-3 | 12.03.2026", _at(14, 5, timezone(timedelta(hours=-3)))),
    ("14:05 Z-12.03.2026", datetime(2026, 3, 12)),  # a lone Z before a date: prose's, as before
    ("14:05 Z, 12.03.2026", datetime(2026, 3, 12)),
    ("12.03.2026 14:05 Z", _at(14, 5, UTC0)),  # after the date's clock: a zone, as before
])
def test_a_signed_number_that_opens_no_date_and_a_lone_z(text: str, expected: datetime) -> None:
    for found in (dateline_date(text), parse_human(text)):
        assert found == expected
        assert found.utcoffset() == expected.utcoffset()


# After Ukrainian "за": a city's instrumental forms name its time, other forms a purpose
@pytest.mark.parametrize(("text", "expected"), [
    ("14:05 за Києвом, 12.03.2026", _at(14, 5, KYIV)),
    ("14:05 за київським часом, 12.03.2026", _at(14, 5, KYIV)),
    ("14:05 за московським часом, 12.03.2026", _at(14, 5, MOSCOW)),
    ("14:05 за Мінськом, 12.03.2026", _at(14, 5, MINSK)),
    ("14:05 за Москву, 12.03.2026", datetime(2026, 3, 12)),  # "for Moscow": no zone
    ("14:05 за Киев, 12.03.2026", datetime(2026, 3, 12)),
    ("14:05 за Минск | 12.03.2026", datetime(2026, 3, 12)),
    ("12.03.2026, 14:05 за Москву", datetime(2026, 3, 12, 14, 5)),
    ("14:05 по Москве, 12.03.2026", _at(14, 5, MOSCOW)),
])
def test_after_za_only_a_citys_instrumental_is_its_time(text: str, expected: datetime) -> None:
    for found in (dateline_date(text), parse_human(text)):
        assert found == expected
        assert found.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize("value", ["Thu, 12 Mar 2026 14:05:00 GMT+23",
                                   "Thu, 12 Mar 2026 14:05:00 UTC-13",
                                   "Thu, 12 Mar 2026 14:05:00 +2300",
                                   "Thu, 12 Mar 2026 14:05:00 +15:00",
                                   "Thu, 12 Mar 2026 14:05:00 GMT+5:15"])
def test_a_feeds_offset_no_zone_keeps_is_none(value: str) -> None:
    """"GMT+23" in an RFC 822 date: read as if no offset were given, the wall clock, as a
    printed zone's (it was +23:00, a day off)."""
    for found in (parse_rfc822(value), parse_any(value)):
        assert found == datetime(2026, 3, 12, 14, 5)
        assert found.tzinfo is None


@pytest.mark.parametrize(("value", "offset"), [
    ("Thu, 12 Mar 2026 14:05:00 GMT+14", timedelta(hours=14)),
    ("Thu, 12 Mar 2026 14:05:00 UTC-12", timedelta(hours=-12)),
    ("Thu, 12 Mar 2026 14:05:00 +0545", timedelta(hours=5, minutes=45)),
    ("Thu, 12 Mar 2026 14:05:00 GMT+3", timedelta(hours=3)),
])
def test_a_feeds_offset_in_range_is_read(value: str, offset: timedelta) -> None:
    for found in (parse_rfc822(value), parse_any(value)):
        assert found == datetime(2026, 3, 12, 14, 5, tzinfo=timezone(offset))
