"""Dates as outlets print them for readers, in the languages of the sites crawled."""

from __future__ import annotations

import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from crawler.extraction.dateline import dateline_date
from crawler.extraction.dates import (
    human_dates,
    is_weekday,
    parse_any,
    parse_human,
    parse_rfc822,
    template_date,
    without_sums,
)


@pytest.mark.parametrize(("text", "expected"), [
    ("08 января 2026, 19:51", datetime(2026, 1, 8, 19, 51)),
    ("14 верасня 2025, 17:40", datetime(2025, 9, 14, 17, 40)),
    ("12 марта 2026 года в 14:05", datetime(2026, 3, 12, 14, 5)),
    ("12 березня 2026 р., 14:05", datetime(2026, 3, 12, 14, 5)),
    ("1 лютого 2026 року о 09:15", datetime(2026, 2, 1, 9, 15)),
    ("5 червня 2026", datetime(2026, 6, 5)),
    ("2 чэрвеня 2026", datetime(2026, 6, 2)),
    ("March 12, 2026 at 2:05 pm", datetime(2026, 3, 12, 14, 5)),
    ("12 Mar 2026 14:05", datetime(2026, 3, 12, 14, 5)),
    ("Sept. 3, 2025", datetime(2025, 9, 3)),
    ("12 June 2026, 12:30 AM", datetime(2026, 6, 12, 0, 30)),
    ("12 marca 2026, 14:05", datetime(2026, 3, 12, 14, 5)),
    ("12. März 2026, 14:05 Uhr", datetime(2026, 3, 12, 14, 5)),
    ("14:05, 12 марта 2026", datetime(2026, 3, 12, 14, 5)),
    ("14:05 | 12.03.2026", datetime(2026, 3, 12, 14, 5)),
    ("12.03.2026 в 14:05", datetime(2026, 3, 12, 14, 5)),
    ("12 марта 2026 12.03.2026", datetime(2026, 3, 12)),  # a second date is no time
    ("12 марта 2026 25:70", datetime(2026, 3, 12)),  # nor a time that cannot be one
    # abbreviated month names, as listings and datelines print them
    ("1 дек. 2026, 09:00", datetime(2026, 12, 1, 9, 0)),
    ("3 ноя 2026", datetime(2026, 11, 3)),
    ("12 сент. 2026 в 14:05", datetime(2026, 9, 12, 14, 5)),
    ("2 снеж 2026", datetime(2026, 12, 2)),
    ("2 гру 2026", datetime(2026, 12, 2)),
    ("5 кастр. 2026, 10:15", datetime(2026, 10, 5, 10, 15)),
    ("12 студ. 2026, 14:20", datetime(2026, 1, 12, 14, 20)),  # (each was no date)
    ("5 каст. 2026", datetime(2026, 10, 5)),
    # Belarusian May, and the classical spelling (Свабода, Наша Ніва): each was no date
    ("12 траўня 2026", datetime(2026, 5, 12)),
    ("3 траўня 2025, 09:30", datetime(2025, 5, 3, 9, 30)),
    ("12 верасьня 2025", datetime(2025, 9, 12)),
    ("1 сьнежня 2025 ў 18:00", datetime(2025, 12, 1, 18, 0)),
    # the time after the year's word (it was read as midnight)
    ("12.01.2026 г. в 14:20", datetime(2026, 1, 12, 14, 20)),
    ("12.01.2026г., 14:20", datetime(2026, 1, 12, 14, 20)),
    ("12.01.2026 года в 14:20", datetime(2026, 1, 12, 14, 20)),
    ("12.01.2026 р. о 14:20", datetime(2026, 1, 12, 14, 20)),
    ("15-11-2026 г. 10:20", datetime(2026, 11, 15, 10, 20)),
    ("12.01.2026 гимназия 14:20", datetime(2026, 1, 12)),
    # year first, as some CMSs print it (each was no date)
    ("2026.01.12", datetime(2026, 1, 12)),
    ("2026.01.12 14:20", datetime(2026, 1, 12, 14, 20)),
    ("2026/01/12", datetime(2026, 1, 12)),
    ("Опубликовано: 2026/01/12 в 14.20", datetime(2026, 1, 12, 14, 20)),
    ("14:20 | 2026.01.12", datetime(2026, 1, 12, 14, 20)),
    ("2026-01-12, 14:20", datetime(2026, 1, 12, 14, 20)),
    ("2026-01-12 14:20 +0300", datetime.fromisoformat("2026-01-12T14:20:00+03:00")),
    # a 12-hour clock before the date (its time was lost: midnight)
    ("2:05 PM, 30.11.2026", datetime(2026, 11, 30, 14, 5)),
    ("12:30 a.m. | 30 ноября 2026", datetime(2026, 11, 30, 0, 30)),
    ("11:15 pm 30/11/2026", datetime(2026, 11, 30, 23, 15)),
    ("12:10 PM - Nov 30, 2026", datetime(2026, 11, 30, 12, 10)),
])
def test_long_and_numeric_dates_keep_their_time(text: str, expected: datetime) -> None:
    assert parse_human(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # a time in words' abbreviations, after the date or before it (each was midnight)
    ("5 декабря 2026, 14 ч. 05 мин.", datetime(2026, 12, 5, 14, 5)),
    ("5 декабря 2026 г. в 14 ч 05 мин", datetime(2026, 12, 5, 14, 5)),
    ("05.12.2026 14 час. 05 мин.", datetime(2026, 12, 5, 14, 5)),
    ("05.12.2026 в 9 часов 05 минут", datetime(2026, 12, 5, 9, 5)),
    ("14 ч. 05 мин. 05.12.2026", datetime(2026, 12, 5, 14, 5)),
    ("5 снежня 2026, 14 гадз. 05 хв.", datetime(2026, 12, 5, 14, 5)),
    ("5 грудня 2026 р. о 14 год. 05 хв.", datetime(2026, 12, 5, 14, 5)),
    # a time with a dash after a date with its year (each was midnight)
    ("05.12.2026 14-05", datetime(2026, 12, 5, 14, 5)),
    ("5 декабря 2026, 14-05", datetime(2026, 12, 5, 14, 5)),
    ("15-11-2026, 10-20", datetime(2026, 11, 15, 10, 20)),
    # a dash run of more numbers, a range of times, a time that cannot be one: no such time
    ("05.12.2026 17-23-45", datetime(2026, 12, 5)),
    ("12.03.2026 15-03-2026", datetime(2026, 3, 12)),
    ("5 декабря 2026, 14:05-16:00", datetime(2026, 12, 5, 14, 5)),
    ("5 декабря 2026, 24 ч. 05 мин.", datetime(2026, 12, 5)),
    ("5 декабря 2026, за 14 ч.", datetime(2026, 12, 5)),  # a duration, no minutes
    # a number range, a duration named by its words: no clock
    ("5 декабря 2026 года 10-15 тысяч человек", datetime(2026, 12, 5)),
    ("05.12.2026 10-15 человек", datetime(2026, 12, 5)),
    ("05.12.2026 14-05 | Политика", datetime(2026, 12, 5, 14, 5)),
    ("5 декабря 2026, 14-05 Политика", datetime(2026, 12, 5, 14, 5)),
    ("5 декабря 2026 14-05 Просмотров: 120", datetime(2026, 12, 5, 14, 5)),
    ("Опубликована 14 ч. 05 мин., 5 декабря 2026", datetime(2026, 12, 5, 14, 5)),
    ("Добавлена 14 ч 05 мин 5 декабря 2026", datetime(2026, 12, 5, 14, 5)),
    ("Видео 05.12.2026 · Длительность: 1 ч 20 мин", datetime(2026, 12, 5)),
    ("05.12.2026, 1 ч. 20 мин. назад", datetime(2026, 12, 5)),
    ("05.12.2026 · 12 мин чтения", datetime(2026, 12, 5)),
    # German's "Uhr" before the date, and its full hour (each was midnight)
    ("14:05 Uhr, 30.11.2026", datetime(2026, 11, 30, 14, 5)),
    ("30.11.2026, 14 Uhr", datetime(2026, 11, 30, 14, 0)),
    ("30. November 2026 um 9 Uhr", datetime(2026, 11, 30, 9, 0)),
    ("30.11.2026, 14:05 Uhr", datetime(2026, 11, 30, 14, 5)),
    ("30.11.2026 Uhrmacher 14", datetime(2026, 11, 30)),
])
def test_times_printed_in_words_or_with_a_dash_beside_a_date(text: str,
                                                            expected: datetime) -> None:
    assert parse_human(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # an unmarked duration beside a date, in words or in a clock's shape with a unit after
    # it: a video's length, a reading time (each was read as the clock)
    ("05.12.2026 · 1 ч 20 мин", datetime(2026, 12, 5)),
    ("5 декабря 2026, 2 ч 10 мин", datetime(2026, 12, 5)),
    ("5 снежня 2026 · 1 гадз. 15 хв.", datetime(2026, 12, 5)),
    ("05.12.2026 · 12:30 мин", datetime(2026, 12, 5)),
    ("05.12.2026, 1:20 min.", datetime(2026, 12, 5)),
    ("5 декабря 2026 · 4:30 хв", datetime(2026, 12, 5)),
    ("05.12.2026 Время чтения: 4 мин", datetime(2026, 12, 5)),
    # clocks: in clock shape, with a two-digit hour or one marked as the hour of a day
    ("05.12.2026 14:05 Минск", datetime(2026, 12, 5, 14, 5)),
    ("05.12.2026, 14:05 · 4 мин", datetime(2026, 12, 5, 14, 5)),
    ("5 декабря 2026, 09 ч. 05 мин.", datetime(2026, 12, 5, 9, 5)),
    ("5 декабря 2026 г. в 9 ч. 05 мин.", datetime(2026, 12, 5, 9, 5)),
    ("5 грудня 2026 р. о 9 год. 05 хв.", datetime(2026, 12, 5, 9, 5)),
    ("05.12.2026, 9 Uhr", datetime(2026, 12, 5, 9, 0)),
])
def test_a_duration_beside_a_date_is_no_clock(text: str, expected: datetime) -> None:
    """A clock needs hours and minutes in a clock's shape or a clock's words; a span of
    time in words with a one-digit hour, or any with a unit after it, is a duration."""
    assert parse_human(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # a dotted clock before a date with its year, in each of its forms (each was midnight)
    ("14.05 05.12.2026", datetime(2026, 12, 5, 14, 5)),
    ("14.05, 5 декабря 2026", datetime(2026, 12, 5, 14, 5)),
    ("9.30 | 5 снежня 2026 г.", datetime(2026, 12, 5, 9, 30)),
    ("23.59 · 31/12/2026", datetime(2026, 12, 31, 23, 59)),
    ("14.05 Uhr, 30.11.2026", datetime(2026, 11, 30, 14, 5)),
    ("14.05, December 5, 2026", datetime(2026, 12, 5, 14, 5)),
    ("14.05 2026-12-05", datetime(2026, 12, 5, 14, 5)),
    # a day and month beside a date, a range of days, no hour of the day: no clock
    ("30.11 05.12.2026", datetime(2026, 12, 5)),
    ("12.05 – 14.05.2026", datetime(2026, 5, 14)),
    ("12.05-14.05.2026", datetime(2026, 5, 14)),
    ("1.14.05 05.12.2026", datetime(2026, 12, 5)),
    ("14.05.2026 15.05.2026", datetime(2026, 5, 14)),
])
def test_a_dotted_clock_is_a_time_only_beside_a_full_date(text: str, expected: datetime) -> None:
    assert parse_human(text) == expected


@pytest.mark.parametrize("text", ["14.05", "Акция 14.05 в парке", "14.05 5 декабря"])
def test_a_dotted_pair_without_a_full_date_is_no_date(text: str) -> None:
    """"14.05" alone is a day and a month as often as a clock: no date is read from it."""
    assert parse_human(text) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("Сегодня в 11 ч. 05 мин.", datetime(2026, 1, 14, 11, 5)),
    ("Сегодня в 14 ч. 05 мин.", None),  # hours after the fetch: an event it announces
    ("вчера, 23 ч. 40 мин.", datetime(2026, 1, 13, 23, 40)),
    ("Вчера в 23:40", datetime(2026, 1, 13, 23, 40)),
    ("сегодня 09:15", datetime(2026, 1, 14, 9, 15)),
    ("Позавчера, 09.40", datetime(2026, 1, 12, 9, 40)),
    ("11 января, 14 ч. 45 мин.", datetime(2026, 1, 11, 14, 45)),
    ("5 мая 10-15 человек", None),  # a yearless date takes no dashed time: prose says so
])
def test_days_named_from_the_fetch_with_their_time_in_any_form(text: str,
                                                               expected: datetime | None) -> None:
    """Against the site's wall clock at the fetch (12:00 on 2026-01-14)."""
    assert parse_human(text, FETCHED) == expected


def test_a_worded_time_is_part_of_the_dateline_it_closes() -> None:
    """The spans found are the text's: the worded time is no word of prose beside the date."""
    text = "Опубликовано: 5 декабря 2026 г. в 14 ч. 05 мин. | Иван Петров"
    assert dateline_date(text) == datetime(2026, 12, 5, 14, 5)
    [(start, end, _moment, _words)] = list(human_dates(text))
    assert text[start:end] == "5 декабря 2026 г. в 14 ч. 05 мин."
    two = f"{text}; 06.12.2026 09 ч 10 мин"
    assert [two[s:e] for s, e, _m, _w in human_dates(two)] == [
        "5 декабря 2026 г. в 14 ч. 05 мин.", "06.12.2026 09 ч 10 мин"]


@pytest.mark.parametrize("text", ["10 marketing 2026", "192.168.1.10", "версия 1.2.3",
                                  "5 маршрутов 2026", "12 декретов 2026", "версия 2019.3.1",
                                  "v2019.10.15", "2026.13.01", "/2026/01/12/slug",
                                  "2026.01.12.5"])
def test_words_and_numbers_that_are_no_dates(text: str) -> None:
    assert parse_human(text) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("Thu, 12 Mar 2026 10:00:00 +0300", "2026-03-12T10:00:00+03:00"),
    ("Thu, 12 Mar 2026 10:00:00 GMT", "2026-03-12T10:00:00+00:00"),
    ("12 Mar 2026 10:00:00 MSK", "2026-03-12T10:00:00+03:00"),
    ("2026-03-12T10:00:00+03:00", "2026-03-12T10:00:00+03:00"),
    ("12 марта 2026, 10:00", "2026-03-12T10:00:00"),
    ("Вт, 01 дек 2026 09:00:00 +0300", "2026-12-01T09:00:00+03:00"),  # a localised pubDate
])
def test_parse_any_reads_iso_rfc_822_and_human_dates(text: str, expected: str) -> None:
    parsed = parse_any(text)
    assert parsed is not None and parsed.isoformat() == expected


@pytest.mark.parametrize(("url", "day"), [
    ("https://ex.by/2025/09/04/slug/", "2025-09-04"),
    ("https://ex.by/news/20250904/vazhnaya-novost/", "2025-09-04"),
    ("https://ex.by/news/20250904-vazhnaya-novost.html", "2025-09-04"),
    ("https://ex.by/news/2025-09-04/slug/", "2025-09-04"),
    ("https://ex.by/news/view.php?id=7&date=04.09.2025", "2025-09-04"),
    ("https://ex.by/news/?date=2025-09-04&id=7", "2025-09-04"),
    # day first as Belarusian and Russian CMSs write it, and year first with dots
    ("https://ex.by/news/04.09.2025/1234", "2025-09-04"),
    ("https://ex.by/04-09-2025/slug/", "2025-09-04"),
    ("https://ex.by/news/04-09-2025-vazhnaya-novost.html", "2025-09-04"),
    ("https://ex.by/news/2025.09.04/slug", "2025-09-04"),
    ("https://ex.by/politics/04/09/2025/slug", "2025-09-04"),
    ("https://ex.by/politics/09/13/2025/slug", None),  # month first is no Belarusian form
    ("https://ex.by/news/04.13.2025/slug", None),  # month 13
    ("https://ex.by/news/104.09.2025/slug", None),  # no day's segment
    ("https://ex.by/news/2025.9.4/slug", None),  # a version
    ("https://ex.by/news/20251304/slug/", None),  # month 13: a number, not a day
    ("https://ex.by/news/123456789/slug/", None),  # an id
    ("https://ex.by/news/view.php?id=20250904", None),  # an id that looks like a day
    ("https://ex.by/news/slug/", None),
    # a day of history a slug names is no day a web page went out
    ("https://ex.by/news/09-05-1945-den-pobedy/", None),
    ("https://ex.by/news/22.06.1941-nachalo-voyny.html", None),
    ("https://ex.by/news/?date=22.06.1941", None),
    ("https://ex.by/news/19411222/slug/", None),
    ("https://ex.by/2026/05/09/09-05-1945-den-pobedy/", "2026-05-09"),  # its own day first
    ("https://ex.by/news/09-05-1995-yubiley/", "1995-05-09"),
])
def test_the_publication_day_an_article_url_carries(url: str, day: str | None) -> None:
    from crawler.extraction.dates import day_in_url

    found = day_in_url(url)
    assert (found.isoformat() if found else None) == day


MINSK = ZoneInfo("Europe/Minsk")


@pytest.mark.parametrize(("machine", "visible", "expected"), [
    # БЕЛТА's mediator_published_time: the Minsk wall clock labelled UTC, with its seconds;
    # the page prints the same reading to the minute
    ("2026-03-27T11:39:05+00:00", "27 марта 2026, 11:39", "2026-03-27T11:39:05+03:00"),
    ("2026-03-27T11:39:59.5+00:00", "27 марта 2026, 11:39", "2026-03-27T11:39:59+03:00"),
    ("2026-03-27T23:46:05+00:00", "27 марта 2026, 23:46", "2026-03-27T23:46:05+03:00"),
    ("2026-03-27T00:00:05+00:00", "27 марта 2026, 00:00", "2026-03-27T00:00:05+03:00"),
    # a true UTC time, three hours behind the printed Minsk one: the machine value stands
    ("2026-03-27T08:39:05+00:00", "27 марта 2026, 11:39", "2026-03-27T11:39:05+03:00"),
    ("2026-03-27T21:00:05+00:00", "28 марта 2026, 00:00", "2026-03-28T00:00:05+03:00"),
])
def test_a_wall_clock_labelled_utc_is_told_whatever_its_seconds(machine: str, visible: str,
                                                                 expected: str) -> None:
    from crawler.extraction.dates import iso, parse_iso, reconcile

    assert iso(reconcile(parse_iso(machine), parse_human(visible), MINSK)) == expected


@pytest.mark.parametrize("text", [
    "9999-12-31T23:00:00Z", "0001-01-01T00:30:00+03:00", "9999-12-31",
    "Fri, 31 Dec 9999 23:30:00 -0500", "31 декабря 9999, 23:30", "01.01.0001",
])
def test_a_date_at_the_calendars_ends_is_no_date(text: str) -> None:
    """A CMS's null dates (year 1, year 9999): no zone conversion of them is safe."""
    assert parse_any(text) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("1970-01-01T00:00:00Z", "1970-01-01T03:00:00+03:00"),
    ("2038-01-19T03:14:08Z", "2038-01-19T06:14:08+03:00"),
    ("Tue, 19 Jan 2038 03:14:08 +0000", "2038-01-19T06:14:08+03:00"),
])
def test_epoch_and_2038_dates_are_dates(text: str, expected: str) -> None:
    from crawler.extraction.dates import iso, localise

    assert iso(localise(parse_any(text), MINSK)) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # the offset after a space (sitemaps' lastmod, feeds, meta tags of some CMSs)
    ("2026-01-05 10:00:00 +0300", "2026-01-05T10:00:00+03:00"),
    ("2026-01-05T10:00:00 +03:00", "2026-01-05T10:00:00+03:00"),
    ("2026-01-05 10:00 -0500", "2026-01-05T10:00:00-05:00"),
    ("2026-01-05 10:00:00  +05:30", "2026-01-05T10:00:00+05:30"),
    ("2026-01-05 10:00:00 Z", "2026-01-05T10:00:00+00:00"),
    ("2026-01-05 10:00:00 UTC", "2026-01-05T10:00:00+00:00"),
    ("2026-01-05 10:00:00 GMT+0300", "2026-01-05T10:00:00+03:00"),
    ("2026-01-05 10:00:00 UTC +03:00", "2026-01-05T10:00:00+03:00"),
    ("2026-01-05 10:00:00 GMT-3", "2026-01-05T10:00:00-03:00"),
    ("2026-01-05T10:00:00 +2500", None),  # no offset there is: no instant to guess
    ("2026-01-05T10:00:00+0300", "2026-01-05T10:00:00+03:00"),
    # what follows a space and is no offset stays out of the date
    ("2026-01-05 10:00:00 +03000", "2026-01-05T10:00:00"),
    ("2026-01-05 10:00 +12 comments", "2026-01-05T10:00:00"),
    ("2026-01-05 10:00 - 1234", "2026-01-05T10:00:00"),
    ("2026-01-05 10:00:00 Zhodzina", "2026-01-05T10:00:00"),
    ("2026-01-05 10:00:00 UTCx", "2026-01-05T10:00:00"),
    ("2026-01-05 +0300", "2026-01-05T00:00:00"),  # a day has no offset: not read as 03:00
    ("2026-01-05 10:00 +1234 views", "2026-01-05T10:00:00"),  # a count, not the last word
])
def test_iso_dates_keep_an_offset_written_after_a_space(text: str, expected: str | None) -> None:
    from crawler.extraction.dates import parse_iso

    parsed = parse_iso(text)
    assert (parsed.isoformat() if parsed else None) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("05.01.2026 10:00 +0300", "2026-01-05T10:00:00+03:00"),
    ("05.01.2026 10:00 +03:00", "2026-01-05T10:00:00+03:00"),
    ("05.01.2026 10:00 GMT+3", "2026-01-05T10:00:00+03:00"),
    ("05.01.2026 10:00 UTC", "2026-01-05T10:00:00+00:00"),
    ("05.01.2026 10:00:00 +0300", "2026-01-05T10:00:00+03:00"),
    ("5 января 2026, 10:00 +0300", "2026-01-05T10:00:00+03:00"),
    ("2026-01-05 10:00:00 +0300", "2026-01-05T10:00:00+03:00"),
    ("05.01.2026 +0300", "2026-01-05T00:00:00"),  # no time: no offset either
    ("05.01.2026 10:00 +12345", "2026-01-05T10:00:00"),
    ("05.01.2026 10:00 +2500", "2026-01-05T10:00:00"),
    ("05.01.2026 10:00 +0300 | Политика", "2026-01-05T10:00:00+03:00"),
    # time ranges and counts are no offsets (a range's end was read as UTC-12:00)
    ("05.01.2026 10:00-12:00", "2026-01-05T10:00:00"),
    ("5 января 2026, 10:00-11:30", "2026-01-05T10:00:00"),
    ("5 января 2026, 10:00 - 11:30", "2026-01-05T10:00:00"),
    ("05.01.2026 10:00 +1200 просмотров", "2026-01-05T10:00:00"),
])
def test_parse_any_keeps_an_offset_after_a_human_date_and_time(text: str,
                                                               expected: str | None) -> None:
    parsed = parse_any(text)
    assert parsed is not None
    assert parsed.isoformat() == (expected or "2026-01-05T10:00:00")


@pytest.mark.parametrize(("text", "expected"), [
    ("15-11-2026, 10:20", datetime(2026, 11, 15, 10, 20)),  # DataLife Engine's full date
    ("1-12-2026 в 9:05", datetime(2026, 12, 1, 9, 5)),
    ("Опубликовано: 02-12-2026", datetime(2026, 12, 2)),
    ("тел. 8-029-123-45-67", None), ("2026-12-01-15", None), ("12-2026", None),
])
def test_day_month_year_with_dashes(text: str, expected: datetime | None) -> None:
    assert parse_human(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("02/12/2026 22:10", datetime(2026, 12, 2, 22, 10)),  # day first, as the region writes it
    ("22:10 02/12/2026", datetime(2026, 12, 2, 22, 10)),
    ("Опубликовано: 2/12/2026", datetime(2026, 12, 2)),
    ("/news/2026/12/02/", None), ("1/2/26", None), ("12/25/2026", None),
])
def test_day_month_year_with_slashes(text: str, expected: datetime | None) -> None:
    """"02/12/2026 22:10" was no date: the item got htmldate's midnight of that day."""
    assert parse_human(text) == expected


@pytest.mark.parametrize(("value", "hours"), [
    ("Thu, 08 Jan 2026 16:51:00 +00:00", 0), ("Thu, 08 Jan 2026 16:51:00 -05:00", -5),
    ("Thu, 08 Jan 2026 16:51:00 GMT+3", 3), ("Thu, 08 Jan 2026 16:51:00 UTC+03:00", 3),
    ("Thu, 08 Jan 2026 16:51:00 +0300", 3), ("Thu, 08 Jan 2026 16:51:00 GMT", 0)])
def test_an_rfc822_date_keeps_an_offset_written_with_a_colon_or_after_gmt(value: str,
                                                                          hours: int) -> None:
    """A feed's "+00:00" or "GMT+3" was dropped: the date was taken as the outlet's wall
    clock, hours off."""
    parsed = parse_rfc822(value)
    assert parsed is not None and parsed.utcoffset() is not None
    assert parsed.utcoffset().total_seconds() == hours * 3600
    assert (parsed.hour, parsed.minute) == (16, 51)


FETCHED = datetime(2026, 1, 14, 12, 0)  # the site's wall clock at the fetch


@pytest.mark.parametrize(("text", "expected"), [
    ("11 января, 14:45", datetime(2026, 1, 11, 14, 45)),
    ("14:45, 11 января", datetime(2026, 1, 11, 14, 45)),
    ("11 января в 14:45", datetime(2026, 1, 11, 14, 45)),
    ("11 студзеня ў 14:45", datetime(2026, 1, 11, 14, 45)),
    ("14 января, 12:30", datetime(2026, 1, 14, 12, 30)),  # within the clock's slack
    ("31 декабря, 23:50", datetime(2025, 12, 31, 23, 50)),  # December, read in January
    ("5 мая, 10:00", datetime(2025, 5, 5, 10, 0)),
    ("11 января 2026, 14:45", datetime(2026, 1, 11, 14, 45)),  # its own year, as before
])
def test_a_day_and_month_with_a_time_and_no_year_is_this_years(text: str,
                                                               expected: datetime) -> None:
    """Sites print this year's dates without the year ("11 января, 14:45"): the item had no
    date (or its feed's, or midnight of its day archive's). The year is the fetch's, or the
    one before for a date far ahead of the fetch."""
    assert parse_human(text, FETCHED) == expected


@pytest.mark.parametrize("text", [
    "11 января",  # no time: prose opens so ("11 января состоится…")
    "Концерт состоится 20 января в 19:00",  # days after the fetch: an event it announces
    "11 января, 14:45",  # no clock to take the year from
])
def test_a_yearless_date_without_time_or_clock_or_ahead_is_none(text: str) -> None:
    assert parse_human(text, None if text.startswith("11 января, ") else FETCHED) is None


@pytest.mark.parametrize(("days", "template"), [
    ([date(2026, 11, 12), date(2026, 11, 13), date(2026, 11, 13)], True),
    ([date(2026, 11, 12)] * 10, False),  # a daily paper's articles of one day
    ([date(2026, 11, 12), date(2026, 11, 13)], False),  # too few pages to tell
])
def test_a_machine_date_pages_share_is_the_templates_when_they_print_other_days(
        days: list[date], template: bool) -> None:
    assert template_date(days) is template


@pytest.mark.parametrize(("text", "expected"), [
    ("12 mars 2026", datetime(2026, 3, 12)), ("3 août 2024 à 10:00", datetime(2024, 8, 3, 10)),
    ("12 de marzo de 2026, 14:05", datetime(2026, 3, 12, 14, 5)),
    ("12 dicembre 2025", datetime(2025, 12, 12)), ("11 juni 2025", datetime(2025, 6, 11)),
    ("12 de março de 2026", datetime(2026, 3, 12)), ("5. května 2025", datetime(2025, 5, 5)),
    ("12 Μαρτίου 2026", datetime(2026, 3, 12)), ("12 ΜΑΡΤΙΟΥ 2026", datetime(2026, 3, 12)),
    ("Le marketing 12 2026", None), ("15 Şubat 2011", datetime(2011, 2, 15)),
    ("3 Ağustos 2020 14:30", datetime(2020, 8, 3, 14, 30)), ("15 مارس 2011", datetime(2011, 3, 15)),
    ("2 حزيران 2010", datetime(2010, 6, 2)), ("12 marketingu 2026", None),
])
def test_month_names_of_more_languages(text: str, expected: datetime | None) -> None:
    """French, Spanish, Italian, Dutch, Portuguese, Czech, Greek, Turkish and Arabic dates
    printed for people (Greek capitals without their accents)."""
    assert parse_human(text) == expected


@pytest.mark.parametrize(("word", "expected"), [
    ("Mardi", True), ("Friday", True), ("fri.", True), ("Пятница", True), ("ΤΡΙΤΗ", True),
    ("Τρίτη", True), ("Çarşamba", True), ("الثلاثاء", True), ("poniedziałek", True),
    ("Marseille", False), ("Freitagabend", False), ("mars", False),
])
def test_weekday_names(word: str, expected: bool) -> None:
    assert is_weekday(word) is expected




@pytest.mark.parametrize(("text", "expected"), [
    ("Stand: 30.11.2025, 14:05 Uhr", datetime(2025, 11, 30, 14, 5)),
    ("Stand: 11:05 Uhr", datetime(2026, 1, 14, 11, 5)),
    ("Stand: 09.40 Uhr", datetime(2026, 1, 14, 9, 40)),
    ("Stand: 12:30", datetime(2026, 1, 14, 12, 30)),  # (within the slack of a site's clock)
    ("Stand: 23:50 Uhr", datetime(2026, 1, 13, 23, 50)),  # served before midnight
    ("Stand: 10.11.2025", datetime(2025, 11, 10)),
    ("Beim Stand von 2:10 Uhr", None), ("Stand: 2:1", None), ("Stand 14:05", None),
])
def test_a_german_as_of_line_is_a_dateline(text: str, expected: datetime | None) -> None:
    """"Stand:" with a date, or with a time alone (today's, against the fetch: 12:00 on
    2026-01-14): the article's date line (a time alone was no date)."""
    assert dateline_date(text, FETCHED) == expected


AS_OF_FETCH = datetime(2026, 12, 6, 15, 0)  # the site's wall clock at the fetch


@pytest.mark.parametrize(("text", "expected"), [
    # a full date right after an "as of" clock is its day (today was read)
    ("Stand: 14:05 Uhr, 30.11.2026", datetime(2026, 11, 30, 14, 5)),
    ("Stand: 14:05 Uhr | 30. November 2026", datetime(2026, 11, 30, 14, 5)),
    ("Stand: 14:05 Uhr · am 30.11.2026", datetime(2026, 11, 30, 14, 5)),
    ("Stand: 14:05, 30.11.2026", datetime(2026, 11, 30, 14, 5)),
    # a full date elsewhere on the clock's line: the date, with its own time or none (the
    # fetch day was read)
    ("Stand: 14:05 Uhr, Di 12.05.2026", datetime(2026, 5, 12)),
    ("Stand: 14:05 Uhr, Dienstag, 12. Mai 2026", datetime(2026, 5, 12)),
    ("(Stand: 14:05 Uhr) 12.05.2026", datetime(2026, 5, 12)),
    ("12.05.2026 · Stand: 14:05 Uhr", datetime(2026, 5, 12)),
    ("Erstellt: 12.05.2026, Stand: 14:05 Uhr", datetime(2026, 5, 12)),
    ("Erstellt: 12.05.2026 10:00, Stand: 14:05 Uhr", datetime(2026, 5, 12, 10, 0)),
    ("12.05.2026\nStand: 14:05 Uhr", datetime(2026, 5, 12)),
    # a clock alone, in each of its forms and places, is today's
    ("Stand: 14:05 Uhr", datetime(2026, 12, 6, 14, 5)),
    ("Stand: 09.40 Uhr", datetime(2026, 12, 6, 9, 40)),
    ("Tagesschau · Stand: 14:05 Uhr", datetime(2026, 12, 6, 14, 5)),
    ("Bericht\nStand: 14:05", datetime(2026, 12, 6, 14, 5)),
    # a dotted day and month, a label that is no German line's: no clock (was today's)
    ("Stand: 03.11.", None), ("(Stand: 14.05.)", None), ("Stand: 14.05", None),
    ("Grand stand: 14:05", None), ("stand: 14:05", None), ("Grand Stand: 14:05", None),
    ("STAND: 14:05", None),
])
def test_an_as_of_clock_yields_to_its_date_and_needs_its_german_form(
        text: str, expected: datetime | None) -> None:
    assert parse_human(text, AS_OF_FETCH) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # a rate, a sum, a version, a signed number, a fraction before a date (each was its clock)
    ("курс 3.25 05.12.2026", datetime(2026, 12, 5)),
    ("USD 3.25 05.12.2026", datetime(2026, 12, 5)),
    ("Курс USD | 3.25 05.12.2026", datetime(2026, 12, 5)),
    ("v1.14 05.12.2026", datetime(2026, 12, 5)),
    ("версия 14.05 05.12.2026", datetime(2026, 12, 5)),
    ("-3.05 05.12.2026", datetime(2026, 12, 5)),
    ("−3.05 05.12.2026", datetime(2026, 12, 5)),
    ("+12.05 05.12.2026", datetime(2026, 12, 5)),
    ("0.05 05.12.2026", datetime(2026, 12, 5)),
    ("1,5 | 3.25 05.12.2026", datetime(2026, 12, 5)),
    # a list of days (was 14 May 12:05)
    ("12.05, 14.05.2026", datetime(2026, 5, 14)),
    ("Даты: 12.05, 14.05.2026", datetime(2026, 5, 14)),
    # a date line's clock: at its start, after a date's label or a bare separator
    ("14.05 05.12.2026", datetime(2026, 12, 5, 14, 5)),
    ("14.05, 5 декабря 2026", datetime(2026, 12, 5, 14, 5)),
    ("Опубликовано: 14.05 05.12.2026", datetime(2026, 12, 5, 14, 5)),
    ("Новости | 14.05 05.12.2026", datetime(2026, 12, 5, 14, 5)),
    ("Заголовок\n09.30 05.12.2026", datetime(2026, 12, 5, 9, 30)),
])
def test_a_dotted_clock_before_a_date_only_where_a_date_line_prints_it(
        text: str, expected: datetime) -> None:
    assert parse_human(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # a one-digit hour before a date of any padding, after any separator (each was midnight
    # while a clock's hour had to be padded as the date's day)
    ("9.30 | 10 снежня 2026 г.", datetime(2026, 12, 10, 9, 30)),
    ("9.30, 15 декабря 2026", datetime(2026, 12, 15, 9, 30)),
    ("9.30 · 15 декабря 2026", datetime(2026, 12, 15, 9, 30)),
    ("9.30 15.12.2026", datetime(2026, 12, 15, 9, 30)),
    ("9.30 10.10.2026", datetime(2026, 10, 10, 9, 30)),
    ("9.30, 2026-12-15", datetime(2026, 12, 15, 9, 30)),
    ("9.30 / 15.12.2026", datetime(2026, 12, 15, 9, 30)),
    ("9.30 Uhr 15.12.2026", datetime(2026, 12, 15, 9, 30)),
    ("9.30 Uhr, 15. Dezember 2026", datetime(2026, 12, 15, 9, 30)),
    # a rubric, a city, a byline or a relative day before the clock (each was midnight while a
    # comma after a word was no date line's separator)
    ("Минск, 14.05 05.12.2026", datetime(2026, 12, 5, 14, 5)),
    ("Общество, 9.30 15.12.2026", datetime(2026, 12, 15, 9, 30)),
    ("Политика, 14.05 5 декабря 2026", datetime(2026, 12, 5, 14, 5)),
    ("Автор: Иван Петров, 14.05 05.12.2026", datetime(2026, 12, 5, 14, 5)),
    ("Вчера, 14.05 05.12.2026", datetime(2026, 12, 5, 14, 5)),
    ("Von Max Muster, 9.30 15.12.2026", datetime(2026, 12, 15, 9, 30)),
    ("Иван Петров | 9.30 | 15 декабря 2026", datetime(2026, 12, 15, 9, 30)),
    # a dotted clock before a padded date, as some Russian sites print it: the text alone
    # cannot tell it from a rating or a price (only the markup can, see test_metadata)
    ("14.50 · 13.05.2026", datetime(2026, 5, 13, 14, 50)),
    ("4.50 · 13.05.2026", datetime(2026, 5, 13, 4, 50)),
])
def test_a_date_lines_clock_is_read_whatever_its_padding_or_its_lead(
        text: str, expected: datetime) -> None:
    assert parse_human(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # hours and minutes ago (the minutes alone were read)
    ("1 ч 20 мин назад", datetime(2026, 12, 6, 13, 40)),
    ("1 час 20 минут назад", datetime(2026, 12, 6, 13, 40)),
    ("2 часа 15 минут назад", datetime(2026, 12, 6, 12, 45)),
    ("1 гадз. 5 хв. таму", datetime(2026, 12, 6, 13, 55)),
    # the hour's abbreviation alone (was none)
    ("2 ч назад", datetime(2026, 12, 6, 13, 0)),
    ("2 ч. назад", datetime(2026, 12, 6, 13, 0)),
    # the forms read before
    ("час назад", datetime(2026, 12, 6, 14, 0)),
    ("15 минут назад", datetime(2026, 12, 6, 14, 45)),
    ("10 minutes ago", datetime(2026, 12, 6, 14, 50)),
])
def test_a_time_ago_counts_its_hours_and_minutes(text: str, expected: datetime) -> None:
    assert parse_human(text, AS_OF_FETCH) == expected


@pytest.mark.parametrize("text", ["год назад", "1 год назад", "ч назад", "гадз. таму"])
def test_a_year_ago_or_a_bare_abbreviation_is_no_time_ago(text: str) -> None:
    """Russian's "год назад" is a year ago, no hour; an abbreviation names no count alone."""
    assert parse_human(text, AS_OF_FETCH) is None


# Long lines of numeric dates beside a currency's place or a dotted pair's: each date's
# surroundings are read near it, not from the text's or the line's start
@pytest.mark.parametrize("unit", ["14:05, 12.03.", "x 14.05 12.03.2026 ", "a, 14.05 12.03.2026 ",
                                  "USD 3 | 14.05 12.03.2026 ", "Цена: 1, 12.05.20 "])
def test_a_long_line_of_dates_is_read_in_linear_time(unit: str) -> None:
    """100,000 characters of "14:05, 12.03." (each "12.03.14" a two-digit year's date, looked
    at for a currency before it) or of dotted pairs before dates (each looked at for a label
    or a separator before it) are read in well under two seconds of processor time: each
    was read from the text's or the line's start, over three minutes for the first and no
    end in 100 seconds for the second at 5,000 characters."""
    text = (unit * (100_000 // len(unit) + 1))[:100_000]
    began = time.process_time()
    found = list(human_dates(text))
    parse_any(text)
    assert time.process_time() - began < 2.0
    assert found


@pytest.mark.parametrize(("text", "expected"), [
    ("Цена: 12.05.20 руб.", None),  # a sum, both sides
    ("Цена:   12.05.20", None),
    ("Стоимость\u00a0: 12.05.20", None),
    ("Вышел 12.05.20", datetime(2020, 5, 12)),
    ("Опубликовано: 14.05 12.03.2026", datetime(2026, 3, 12, 14, 5)),
    ("USD 3.25 | 14.05 12.03.2026", datetime(2026, 3, 12)),  # a rate, no clock
    ("курс 3.25 05.12.2026", datetime(2026, 12, 5)),
    ("Новости | 14.05 12.03.2026", datetime(2026, 3, 12, 14, 5)),
    ("x " * 100 + "| 14.05 12.03.2026", datetime(2026, 3, 12, 14, 5)),
    ("5\n14.05 12.03.2026", datetime(2026, 3, 12, 14, 5)),  # the line's start
])
def test_a_dates_surroundings_read_near_it_say_what_they_said(
        text: str, expected: datetime | None) -> None:
    """Read near the date, a currency, a label, a separator and the number before it tell a
    sum from a date and a clock from a rate as they did."""
    assert parse_human(text) == expected


def test_a_text_of_many_sums_is_blanked_in_linear_time() -> None:
    """500,000 characters of "usd 12.05.20 " (38,462 sums, each blanked) take well under
    three seconds of processor time: the text was rebuilt once per sum, over six seconds here
    and 26 s for a megabyte."""
    text = "usd 12.05.20 " * 38_462
    began = time.process_time()
    blanked = without_sums(text)
    assert time.process_time() - began < 3.0
    assert blanked == "usd          " * 38_462


@pytest.mark.parametrize(("text", "expected"), [
    ("12.05.20 12.05.20 руб.", " " * 18 + "руб."),  # the sum after, blanked, is blank space
    ("12.05.20 x 12.05.20 руб.", "12.05.20 x          руб."),
    ("Цена: 12.05.20 и 12.05.2020 руб.", "Цена:          и 12.05.2020 руб."),
    ("12.05.20\n 1.5.20  usd", " " * 8 + "\n" + " " * 7 + "  usd"),
])
def test_sums_are_judged_from_the_last_back(text: str, expected: str) -> None:
    assert without_sums(text) == expected
