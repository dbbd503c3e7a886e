"""The dates a crawl's feeds gave its article requests, found again in its archive for
re-extraction (``crawler.archive_dates``)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from archive.reader import ArchiveLookup
from archive.writer import WarcWriter
from crawler.archive_dates import feed_dates, listed_hint
from tests.archive.conftest import make_exchange

FEED = "https://www.belta.by/rss"
A = "https://www.belta.by/president/view/novost-nomer-0-427700-2026/"
B = "https://www.belta.by/society/view/novost-nomer-3-427703-2026/"
C = "https://www.belta.by/society/view/x-1-2026/"
RSS = [("Content-Type", "application/rss+xml; charset=utf-8")]


def _feed(*entries: tuple[str, str]) -> bytes:
    items = "".join(f"<item><title>t</title><link>{url}</link><pubDate>{date}</pubDate></item>"
                    for url, date in entries)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>БЕЛТА</title>{items}</channel></rss>").encode()


def _at(hour: int) -> datetime:
    return datetime(2026, 1, 5, hour, tzinfo=UTC)


def test_each_article_keeps_the_date_of_the_oldest_feed_version_dating_it(tmp_path: Path):
    first = _feed((A, "Mon, 05 Jan 2026 10:00:00 +0300"))
    second = _feed((A, "Mon, 05 Jan 2026 11:00:00 +0300"),
                   (B, "Mon, 05 Jan 2026 12:00:00"),  # no offset: the outlet's wall clock
                   (C, ""))  # undated
    with WarcWriter(tmp_path) as w:
        w.write_exchange(make_exchange(FEED, first, headers=RSS, date=_at(8)))
        w.write_exchange(make_exchange(FEED, second, headers=RSS, date=_at(9)))
        w.write_exchange(make_exchange(FEED, second, headers=RSS, date=_at(10)))  # unchanged
        w.write_exchange(make_exchange("https://www.belta.by/", b"<html><body>home</body>"
                                       b"</html>", date=_at(8)))
    with ArchiveLookup([tmp_path]) as lookup:
        assert len(list(lookup.versions(FEED))) == 2  # the unchanged feed is not read again
        dates = feed_dates(lookup)
    assert listed_hint(A, dates) == "2026-01-05T10:00:00+03:00"
    assert listed_hint(B, dates) == "2026-01-05T12:00:00+03:00"
    assert listed_hint(C, dates) is None  # the feed does not date it


def test_a_feed_date_ahead_of_its_capture_is_no_hint_though_it_is_before_today(
        tmp_path: Path) -> None:
    """The crawl that captured the feed on 5 January took an entry dated 20 January (over two
    days ahead of that fetch) as undated; re-extraction reads it by the same capture time."""
    feed = _feed((A, "Tue, 20 Jan 2026 10:00:00 +0300"), (B, "Mon, 05 Jan 2026 12:00:00 +0300"))
    with WarcWriter(tmp_path) as w:
        w.write_exchange(make_exchange(FEED, feed, headers=RSS, date=_at(8)))
    with ArchiveLookup([tmp_path]) as lookup:
        dates = feed_dates(lookup)
    assert listed_hint(A, dates) is None
    assert listed_hint(B, dates) == "2026-01-05T12:00:00+03:00"


def test_a_damaged_feed_version_is_reported_and_the_others_read(tmp_path: Path):
    with WarcWriter(tmp_path) as w:
        w.write_exchange(make_exchange(FEED, _feed((A, "Mon, 05 Jan 2026 10:00:00 +0300")),
                                       headers=RSS, date=_at(8)))
        bad = w.write_exchange(make_exchange(FEED, _feed((B, "Mon, 05 Jan 2026 09:00:00 +0300")),
                                             headers=RSS, date=_at(9)))
    (path,) = tmp_path.glob("*.warc.gz")
    data = bytearray(path.read_bytes())
    data[bad.offset + 20:bad.offset + 60] = b"\0" * 40  # inside its gzip member
    path.write_bytes(bytes(data))
    errors = []
    with ArchiveLookup([tmp_path], on_error=errors.append) as lookup:
        dates = feed_dates(lookup)
    assert listed_hint(A, dates) == "2026-01-05T10:00:00+03:00"
    assert listed_hint(B, dates) is None
    assert errors and all(e.offset == bad.offset for e in errors)


ZERKALO_DAY = "https://news.zerkalo.io/archive/08.01.2026.html"
Z1, Z2 = "https://news.zerkalo.io/politics/117500.html", "https://news.zerkalo.io/life/117502.html"
BELTA_DAY = "https://www.belta.by/all_news/page/2/?day=07&month=01&year=26"


def _day_archive(*links: str, entry: str = "news-entry") -> bytes:
    entries = "".join(f'<div class="{entry}"><a href="{link}">Заголовок</a></div>'
                      for link in links)
    return (f"<html><head><meta charset='utf-8'></head><body><nav><a href='{Z2}'>menu</a></nav>"
            f"<div class='news-list'>{entries}</div></body></html>").encode()


def test_a_day_archive_page_dates_its_links_as_the_window_crawl_did(tmp_path: Path) -> None:
    """A window crawl walks the day archives and asks for each article with its day; the
    items of articles no feed dated and whose page prints no date took it. Re-extracting the
    archive gave them no date at all; the archived day pages now date them again, the feed's
    minute still first."""
    feed = _feed((Z1, "Thu, 08 Jan 2026 10:15:00 +0300"))
    with WarcWriter(tmp_path) as w:
        # captured on the day it dates (three days before, the date was ahead of the fetch)
        w.write_exchange(make_exchange("https://news.zerkalo.io/rss/all.rss", feed, headers=RSS,
                                       date=datetime(2026, 1, 8, 8, tzinfo=UTC)))
        w.write_exchange(make_exchange(ZERKALO_DAY, _day_archive(Z1, Z2), date=_at(9)))
        w.write_exchange(make_exchange(BELTA_DAY, _day_archive(A, entry="news_item lenta_item"),
                                       date=_at(9)))
    with ArchiveLookup([tmp_path]) as lookup:
        dates = feed_dates(lookup)
    assert listed_hint(Z1, dates) == "2026-01-08T10:15:00+03:00"  # the feed's
    assert listed_hint(Z2, dates) == "2026-01-08T00:00:00+03:00"  # the day archive's
    assert listed_hint(A, dates) == "2026-01-07T00:00:00+03:00"  # page 2 of БЕЛТА's day


def test_only_the_outlets_day_archive_pages_date_links() -> None:
    from datetime import date

    from crawler.outlets.belta import BELTA
    from crawler.outlets.zerkalo import ZERKALO

    assert ZERKALO.discovery.archive.day_of("/archive/08.01.2026.html") == date(2026, 1, 8)
    assert BELTA.discovery.archive.day_of(
        "/all_news/page/3/?day=31&month=12&year=25") == date(2025, 12, 31)
    for other in ("/archive/", "/archive/31.02.2026.html", "/latest/", "/archive/8.1.2026.html"):
        assert ZERKALO.discovery.archive.day_of(other) is None


def test_a_short_feed_is_read_in_the_charset_its_capture_names(tmp_path: Path) -> None:
    """A short windows-1251 feed with no XML declaration, its charset in the captured
    Content-Type only: read without it, its few words were guessed mac-cyrillic and the
    link's "Л" became "Ћ", another URL no article had; the crawl read it by the header."""
    link = "https://www.belta.by/president/view/Лукашенко-провел-427701-2026/"
    feed = ('<rss version="2.0"><channel><title>Лента</title><item><title>Лукашенко провел '
            f"совещание</title><link>{link}</link><pubDate>Mon, 05 Jan 2026 10:00:00 +0300"
            "</pubDate></item></channel></rss>").encode("cp1251")
    with WarcWriter(tmp_path) as w:
        w.write_exchange(make_exchange(FEED, feed, date=_at(8), headers=[
            ("Content-Type", "application/rss+xml; charset=windows-1251")]))
    with ArchiveLookup([tmp_path]) as lookup:
        dates = feed_dates(lookup)
    assert listed_hint(link, dates) == "2026-01-05T10:00:00+03:00"


def test_an_atom_entry_named_by_an_id_on_its_outlets_other_host_is_dated(tmp_path: Path) -> None:
    """An Atom feed on the outlet's bare host whose entry has no link, its URL id on the
    www host: the crawl took the id for its link (the outlet's host), so its archived date
    dates that article; a feed's host alone left it undated."""
    atom = ('<feed xmlns="http://www.w3.org/2005/Atom"><title>БЕЛТА</title><entry><title>Новость'
            f"</title><id>{A}</id><updated>2026-01-05T10:00:00+03:00</updated></entry>"
            "</feed>").encode()
    with WarcWriter(tmp_path) as w:
        w.write_exchange(make_exchange("https://belta.by/atom", atom, date=_at(8), headers=[
            ("Content-Type", "application/atom+xml")]))
    with ArchiveLookup([tmp_path]) as lookup:
        dates = feed_dates(lookup)
    assert listed_hint(A, dates) == "2026-01-05T10:00:00+03:00"
