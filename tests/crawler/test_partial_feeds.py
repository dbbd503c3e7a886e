"""A feed's archived versions read as a request with no Range reads them
(``archive.reader.whole_versions``): a 206 holding part of a version gives way to a whole 200
of its spelling; with none, it is read for the entries it holds, said and counted as partial.
WARCs written by warcio."""

from __future__ import annotations

import gzip
from datetime import timedelta
from pathlib import Path

import pytest

from archive.reader import ArchiveLookup, whole_versions
from crawler.archive_dates import feed_dates, listed_hint
from crawler.archive_rows import learn_rows, site_offsets
from crawler.reextract import reextract
from tests.support.warcs import warcio_warc

FEED = "https://www.belta.by/rss"
A = "https://www.belta.by/president/view/novost-nomer-0-427700-2026/"
B = "https://www.belta.by/society/view/novost-nomer-3-427703-2026/"
ENTRIES = ((A, "Mon, 05 Jan 2026 10:00:00 +0300"), (B, "Mon, 05 Jan 2026 11:00:00 +0300"))
RSS = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>БЕЛТА</title>'
       + "".join(f"<item><title>t</title><link>{u}</link><pubDate>{d}</pubDate></item>"
                 for u, d in ENTRIES) + "</channel></rss>").encode()
CUT = RSS.index(b"<item>", RSS.index(b"</item>"))  # the first entry whole, the second not


def block(status: str, body: bytes, content_range: str | None = None) -> bytes:
    ranged = f"Content-Range: {content_range}\r\n".encode() if content_range else b""
    return (f"HTTP/1.1 {status}\r\nContent-Type: application/rss+xml; charset=utf-8\r\n"
            .encode() + ranged + b"Content-Length: %d\r\n\r\n" % len(body) + body)


def head_part() -> bytes:
    return block("206 Partial Content", RSS[:CUT], f"bytes 0-{CUT - 1}/{len(RSS)}")


def tail_part() -> bytes:
    return block("206 Partial Content", RSS[CUT:], f"bytes {CUT}-{len(RSS) - 1}/{len(RSS)}")


def dates_and_parts(path: Path) -> tuple[dict[str, str], list[tuple[str, int, int]]]:
    """The dates the feed gives, and each part read: (URL, offset, entries it gave)."""
    parts: list[tuple[str, int, int]] = []
    with ArchiveLookup([path]) as lookup:
        dates = feed_dates(lookup, lambda v, n: parts.append((v.url, v.ref.offset, n)))
    return dates, parts


def test_a_feed_archived_only_as_a_206_dates_what_it_holds_said_as_partial(tmp_path):
    warc = tmp_path / "feed.warc.gz"
    [offset] = warcio_warc(warc, [(FEED, head_part(), "2026-01-05T08:00:00Z")])
    dates, parts = dates_and_parts(warc)
    assert listed_hint(A, dates) == "2026-01-05T10:00:00+03:00"
    assert listed_hint(B, dates) is None  # cut off
    assert parts == [(FEED, offset, 1)]


def test_a_tail_part_stops_no_reading_of_the_feeds_other_parts(tmp_path):
    """A tail holds no root element: it is no verdict that the URL is not a feed."""
    warc = tmp_path / "feed.warc.gz"
    offsets = warcio_warc(warc, [(FEED, tail_part(), "2026-01-05T08:00:00Z"),
                                 (FEED, head_part(), "2026-01-05T09:00:00Z")])
    dates, parts = dates_and_parts(warc)
    assert listed_hint(A, dates) == "2026-01-05T10:00:00+03:00"
    assert parts == [(FEED, offsets[0], 0), (FEED, offsets[1], 1)]


def test_a_206_gives_way_to_a_whole_200_of_its_feed(tmp_path):
    """The whole 200 is the feed's version; the newer part of another is no version of it,
    read nor said (as replay serves the 200 to a request with no Range)."""
    first = RSS[:CUT] + b"</channel></rss>"  # the feed when it listed A alone
    warc = tmp_path / "feed.warc.gz"
    warcio_warc(warc, [(FEED, block("200 OK", first), "2026-01-05T08:00:00Z"),
                       (FEED, tail_part(), "2026-01-05T09:00:00Z")])
    dates, parts = dates_and_parts(warc)
    assert listed_hint(A, dates) == "2026-01-05T10:00:00+03:00"
    assert listed_hint(B, dates) is None and parts == []
    with ArchiveLookup([warc]) as lookup:
        assert [v.status for v in whole_versions(lookup, FEED)] == [200]
        assert [v.status for v in lookup.versions(FEED)] == [200, 206]


def test_a_206_holding_the_whole_feed_is_a_version_of_it(tmp_path):
    warc = tmp_path / "feed.warc.gz"
    warcio_warc(warc, [(FEED, block("206 Partial Content", RSS, f"bytes 0-{len(RSS) - 1}/"
                                    f"{len(RSS)}"), "2026-01-05T08:00:00Z")])
    dates, parts = dates_and_parts(warc)
    assert listed_hint(B, dates) == "2026-01-05T11:00:00+03:00" and parts == []


def test_reextract_counts_and_says_a_partial_feed_version(tmp_path, caplog):
    warc = tmp_path / "feed.warc.gz"
    [offset] = warcio_warc(warc, [(FEED, head_part(), "2026-01-05T08:00:00Z")])
    with caplog.at_level("WARNING"):
        report = reextract([str(warc)], 1, lambda _item: None, on_bad_record=lambda _e: None)
    assert report.partial_feeds == 1
    [said] = [r.getMessage() for r in caplog.records if "partial feed" in r.getMessage()]
    assert said.startswith(f"{FEED}: only a 206 holding part of the document")
    assert f"{warc} at offset {offset}" in said and f"'bytes 0-{CUT - 1}/{len(RSS)}'" in said


def test_reextract_says_a_tail_giving_no_entries_unreadable_not_read(tmp_path, caplog):
    """A tail with no root element gives no entries: counted and said as an unreadable
    partial version, not as one read (it was counted read)."""
    warc = tmp_path / "feed.warc.gz"
    [offset] = warcio_warc(warc, [(FEED, tail_part(), "2026-01-05T08:00:00Z")])
    with caplog.at_level("WARNING"):
        report = reextract([str(warc)], 1, lambda _item: None, on_bad_record=lambda _e: None)
    assert (report.partial_feeds, report.partial_feeds_unread) == (0, 1)
    [said] = [r.getMessage() for r in caplog.records if "partial feed" in r.getMessage()]
    assert said.endswith("an unreadable partial feed version: no entries read of it")
    assert f"{warc} at offset {offset}" in said


def test_a_head_part_dates_articles_and_votes_for_the_zone_alike(tmp_path):
    """The same part read the same way by both readings of a site's archive: the entries its
    head holds whole date articles and vote for the site row's zone (it voted for nothing)."""
    warc = tmp_path / "feed.warc.gz"
    [offset] = warcio_warc(warc, [(FEED, head_part(), "2026-01-05T08:00:00Z")])
    _, parts = dates_and_parts(warc)
    with ArchiveLookup([warc]) as lookup:
        channels = site_offsets(lookup, "https://www.belta.by/", on_part=lambda *_: None)[1]
    assert parts == [(FEED, offset, 1)] and channels == {timedelta(hours=3): 1}


HOME = "https://www.belta.by/"
HOME_PAGE = (b"<!DOCTYPE html><html><head><title>BELTA</title></head><body>"
             + b"<p>news</p>" * 200 + b"</body></html>")


def _home_part(body: bytes, start: int, kind: str) -> bytes:
    part = body[start:start + 400]
    return (f"HTTP/1.1 206 Partial Content\r\nContent-Type: {kind}\r\nContent-Range: bytes "
            f"{start}-{start + len(part) - 1}/{len(body)}\r\nContent-Length: {len(part)}\r\n\r\n"
            ).encode() + part


def test_a_part_of_a_home_page_is_said_as_what_it_is_not_a_feed_version(tmp_path, caplog):
    """An outlet's home page (HTML, no feed) archived only as a 206 of its head (its root
    ``html``): said as part of a page not read for article dates, by URL, Content-Range,
    file and offset, as the site rows say a part (``archive_rows.said_part``); it was said
    and counted as "an unreadable partial feed version", which it never was."""
    start = 0
    warc = tmp_path / "home.warc.gz"
    [offset] = warcio_warc(warc, [(HOME, _home_part(HOME_PAGE, start, "text/html"),
                                   "2026-01-05T08:00:00Z")])
    _, parts = dates_and_parts(warc)
    assert parts == [(HOME, offset, None)]
    with caplog.at_level("WARNING"):
        report = reextract([str(warc)], 1, lambda _item: None, on_bad_record=lambda _e: None)
    assert (report.partial_feeds, report.partial_feeds_unread) == (0, 0)
    [said] = [r.getMessage() for r in caplog.records if r.getMessage().startswith(HOME)]
    assert "feed version" not in said
    assert said.endswith("partial_content, not read for article dates: it is part of a page "
                         "(HTML), no feed, sitemap or day archive"), said
    assert f"{warc} at offset {offset}" in said and f"'bytes {start}-" in said


def test_a_part_of_media_at_an_outlets_url_is_passed_over_unsaid(tmp_path, caplog):
    """A browser's range request of a video at an outlet's URL dates nothing and is said
    nowhere, as the site rows pass it over; it was an unreadable partial feed version."""
    warc = tmp_path / "clip.warc.gz"
    video = b"\x00\x00\x00\x18ftypmp42" + b"\x01" * 5000
    warcio_warc(warc, [("https://www.belta.by/video/clip.mp4",
                        _home_part(video, 0, "video/mp4"), "2026-01-05T08:00:00Z")])
    _, parts = dates_and_parts(warc)
    with caplog.at_level("WARNING"):
        report = reextract([str(warc)], 1, lambda _item: None, on_bad_record=lambda _e: None)
    assert parts == [] and (report.partial_feeds, report.partial_feeds_unread) == (0, 0)
    assert not [r for r in caplog.records if "206" in r.getMessage()]


def test_a_tail_served_as_html_is_said_as_a_part_not_read_not_as_a_page(tmp_path, caplog):
    """A feed served as text/html held only as a tail (no root element: its bytes do not
    show what it is a part of) is said and counted as a part that could not be read, not as
    part of a page (HTML) that is no feed: only its root says so."""
    tail = RSS[CUT:]
    served = (f"HTTP/1.1 206 Partial Content\r\nContent-Type: text/html; charset=utf-8\r\n"
              f"Content-Range: bytes {CUT}-{len(RSS) - 1}/{len(RSS)}\r\n"
              f"Content-Length: {len(tail)}\r\n\r\n").encode() + tail
    warc = tmp_path / "feed.warc.gz"
    [offset] = warcio_warc(warc, [(FEED, served, "2026-01-05T08:00:00Z")])
    _, parts = dates_and_parts(warc)
    assert parts == [(FEED, offset, 0)]
    with caplog.at_level("WARNING"):
        report = reextract([str(warc)], 1, lambda _item: None, on_bad_record=lambda _e: None)
    assert (report.partial_feeds, report.partial_feeds_unread) == (0, 1)
    [said] = [r.getMessage() for r in caplog.records if r.getMessage().startswith(FEED)]
    assert "(HTML)" not in said and "part of a page" not in said, said
    assert said.endswith("an unreadable partial feed version: no entries read of it"), said


_TAR_GZ = gzip.compress(b"report.txt" + b"\x00" * 90 + b"0000644" + b"\x00" * 400 + b"x" * 3000,
                        mtime=0)


@pytest.mark.parametrize(("kind", "body"), [
    ("application/pdf", b"\n<< /Type /Page /Parent 3 0 R >>\nendobj\n" * 40),
    ("application/zip", b"[\x01\x02PK\x03\x04" + bytes(range(256)) * 4),
    ("application/octet-stream", b" {\x00\x9f" + bytes(range(256)) * 4),
    ("application/x-binary", b"<\x07\x11binary" + bytes(range(256)) * 4),
    ("application/octet-stream", _TAR_GZ),
], ids=["pdf", "zip", "bytes", "binary", "tar.gz"])
def test_a_binary_part_of_an_untold_type_is_passed_over_unsaid(tmp_path, caplog, kind, body):
    """A piece of a PDF (a viewer's range request), a zip, random bytes or a .tar.gz at an
    outlet's URL is no document: its bytes open with ``<<``, ``[``, ``{``, ``<`` or gzip's
    magic, but show no feed, sitemap or page root, so it is passed over unsaid as media is;
    it was counted and said as an unreadable partial feed version."""
    part = body[:600]
    served = (f"HTTP/1.1 206 Partial Content\r\nContent-Type: {kind}\r\nContent-Range: bytes 65536-"
              f"{65536 + len(part) - 1}/900000\r\nContent-Length: {len(part)}\r\n\r\n"
              ).encode() + part
    warc = tmp_path / "doc.warc.gz"
    warcio_warc(warc, [("https://www.belta.by/upload/docs/report.pdf", served,
                        "2026-01-05T08:00:00Z")])
    _, parts = dates_and_parts(warc)
    with caplog.at_level("WARNING"):
        report = reextract([str(warc)], 1, lambda _item: None, on_bad_record=lambda _e: None)
    assert parts == [] and (report.partial_feeds, report.partial_feeds_unread) == (0, 0)
    assert not [r for r in caplog.records if "206" in r.getMessage()]


SITEMAP_GZ = "https://www.belta.by/sitemap-news.xml.gz"
NEWS_SITEMAP = (
    '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/'
    'sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + "".join(
        f"<url><loc>{u}</loc><news:news><news:publication><news:name>B</news:name>"
        "<news:language>ru</news:language></news:publication><news:publication_date>"
        f"{d}</news:publication_date><news:title>t</news:title></news:news></url>"
        for u, d in ((A, "2026-01-05T10:00:00+03:00"), (B, "2026-01-05T11:00:00+03:00")))
    + "</urlset>").encode()


@pytest.mark.parametrize("kind", ["application/x-gzip", "application/gzip",
                                  "application/octet-stream"])
def test_a_head_part_of_a_gzipped_sitemap_dates_its_entries(tmp_path, kind):
    """A ``sitemap.xml.gz`` served as a gzip file or bytes, archived only as a 206 of its
    head: its entries read whole date their articles, as before parts of media were passed
    over (it was passed over as media, by its type alone); told by its bytes (gzip's
    magic), as the sitemap reader tells it."""
    packed = gzip.compress(NEWS_SITEMAP, mtime=0)
    cut = len(packed) - 8  # all but the gzip trailer: every entry whole
    head = (f"HTTP/1.1 206 Partial Content\r\nContent-Type: {kind}\r\nContent-Range: "
            f"bytes 0-{cut - 1}/{len(packed)}\r\nContent-Length: {cut}\r\n\r\n").encode()
    warc = tmp_path / "sitemap.warc.gz"
    [offset] = warcio_warc(warc, [(SITEMAP_GZ, head + packed[:cut], "2026-01-05T08:00:00Z")])
    dates, parts = dates_and_parts(warc)
    assert listed_hint(B, dates) == "2026-01-05T11:00:00+03:00"
    assert parts == [(SITEMAP_GZ, offset, 2)]


def _coded_head(body: bytes) -> tuple[bytes, int, int]:
    """The HTTP block of a 206 holding the head of the gzip-coded ``body`` (the stream cut by
    its range), its length and the coded stream's."""
    packed = gzip.compress(body, mtime=0)
    cut = len(packed) * 3 // 4
    return (f"HTTP/1.1 206 Partial Content\r\nContent-Type: application/rss+xml\r\n"
            f"Content-Encoding: gzip\r\nContent-Range: bytes 0-{cut - 1}/{len(packed)}\r\n"
            f"Content-Length: {cut}\r\n\r\n").encode() + packed[:cut], cut, len(packed)


LINKS = [A] + [f"https://www.belta.by/society/view/novost-nomer-{n}-4{n:05d}-2026/"
                for n in range(1, 200)]
LONG_RSS = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>B'
            "</title>" + "".join(
                f"<item><title>t{n}</title><link>{link}</link><pubDate>Mon, 05 Jan 2026 "
                "10:00:00 +0300</pubDate></item>" for n, link in enumerate(LINKS))
            + "</channel></rss>").encode()


def test_a_gzip_coded_head_part_of_a_feed_is_read_as_the_crawl_reads_it(tmp_path, caplog):
    """A feed's head archived as a 206 of its gzip-coded stream: its readers decode what the
    cut stream holds, as the live crawl's gunzip gives it, and date its entries and vote for
    the zone with them (it dated nothing: the cut stream did not decode); said once a run,
    as read: by the site rows, not again by the feed dates."""
    warc = tmp_path / "feed.warc.gz"
    block_, cut, whole = _coded_head(LONG_RSS)
    [offset] = warcio_warc(warc, [(FEED, block_, "2026-01-05T08:00:00Z")])
    dates, parts = dates_and_parts(warc)
    assert listed_hint(A, dates) == "2026-01-05T10:00:00+03:00"
    [(_, _, entries)] = parts
    assert 50 < entries < 200  # the entries before the cut
    rows = [{"url": "https://www.belta.by/"}]
    with caplog.at_level("WARNING"):
        report = reextract([str(warc)], 1, lambda _item: None, on_bad_record=lambda _e: None,
                           prepare=lambda lookup, count: learn_rows(lookup, rows,
                                                                    on_part=count))
    assert rows[0]["timezone"] == "Europe/Minsk"
    assert (report.partial_feeds, report.partial_row_documents) == (1, 0)
    [said] = [r.getMessage() for r in caplog.records if r.getMessage().startswith(FEED)]
    assert f"'bytes 0-{cut - 1}/{whole}'" in said and f"{warc} at offset {offset}" in said
    assert "): read as a partial feed version (" in said and "partial_content" not in said


def test_a_feed_head_read_for_the_zone_and_for_dates_is_said_once_a_run(tmp_path, caplog):
    """One record, one line a run: a feed's head part the site rows read for the zone vote
    is not said again by the feed dates (it was, twice, the first with "partial_content" on
    a line saying it was read); it is counted once, as a partial feed version read."""
    warc = tmp_path / "feed.warc.gz"
    [offset] = warcio_warc(warc, [(FEED, head_part(), "2026-01-05T08:00:00Z")])
    rows = [{"url": "https://www.belta.by/"}]
    with caplog.at_level("WARNING"):
        report = reextract([str(warc)], 1, lambda _item: None, on_bad_record=lambda _e: None,
                           prepare=lambda lookup, count: learn_rows(lookup, rows,
                                                                    on_part=count))
    assert (report.partial_feeds, report.partial_feeds_unread,
            report.partial_row_documents) == (1, 0, 0)
    [said] = [r.getMessage() for r in caplog.records if "206" in r.getMessage()]
    assert said.startswith(f"{FEED}: only a 206 holding part of the document is archived (")
    assert f"{warc} at offset {offset}" in said and "partial_content" not in said
    assert said.endswith("): read as a partial feed version (1 entries) for the site row's "
                         "time zone vote"), said
