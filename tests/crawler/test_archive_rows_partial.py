"""The site rows read a home page as a request with no Range does: a newer 206 (part of it)
gives way to its whole 200; a 206 of the whole body is the page; a document held only as a
206 part is no page of the site: not read, said (URL, file, offset) and counted once."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest

from archive.reader import ArchiveLookup
from crawler.archive_dates import feed_dates, listed_hint
from crawler.archive_rows import archived_site_name, landed_url, learn_rows, site_offsets
from tests.crawler.test_partial_feeds import FEED as BELTA_FEED
from tests.crawler.test_partial_feeds import RSS as BELTA_RSS
from tests.crawler.test_partial_feeds import A
from tests.support.warcs import gz, http_response, record, warcio_warc

HOME = "http://ex.by/"
PAGE = (b'<html><head><meta property="og:site_name" content="Example News">'
        b'<meta http-equiv="refresh" content="0; url=https://ex.by/"><title>x</title>'
        b"</head><body><p>home</p></body></html>")


def _home_then_part(tmp_path: Path) -> Path:
    """The home page whole, then a later range request's 206 of its tail."""
    warc = tmp_path / "a.warc.gz"
    warc.write_bytes(
        gz(record("response", HOME, http_response(PAGE), date="2026-01-01T00:00:00Z"))
        + gz(record("response", HOME, http_response(PAGE[-20:], "206 Partial Content"),
                    date="2026-02-01T00:00:00Z")))
    return warc


def test_the_site_name_is_read_from_the_whole_home_page_before_a_206(tmp_path) -> None:
    with ArchiveLookup([_home_then_part(tmp_path)]) as lookup:
        assert archived_site_name(lookup, HOME) == "Example News"


def test_the_landed_url_is_read_from_the_whole_home_page_before_a_206(tmp_path) -> None:
    with ArchiveLookup([_home_then_part(tmp_path)]) as lookup:
        assert landed_url(lookup, HOME) == "https://ex.by/"


# a 206 whose body is the whole document, by its Content-Range (of n bytes), or none
WHOLE_206 = {"no Content-Range": lambda n: None, "bytes 0-N/N+1": lambda n: f"bytes 0-{n - 1}/{n}",
             "bytes 0-N/*": lambda n: f"bytes 0-{n - 1}/*"}
FEED = "http://ex.by/feed/"
RSS = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Лента</title>'
       + "".join(f"<item><title>t{n}</title><link>http://ex.by/news/{n}/</link>"
                 f"<pubDate>Mon, 05 Jan 2026 1{n}:00:00 +0300</pubDate></item>" for n in range(3))
       + "</channel></rss>").encode()


FEED_TAIL = RSS[RSS.index(b"<item>"):]  # a tail: no root element


def _warc(tmp_path: Path, *captures: tuple[str, bytes]) -> tuple[Path, list[int]]:
    """A WARC written by warcio of ``captures`` (URL, HTTP block), and their offsets."""
    warc = tmp_path / "tool.warc.gz"
    return warc, warcio_warc(warc, [(url, block, "2026-01-05T12:00:00Z")
                                    for url, block in captures])


@pytest.mark.parametrize("form", sorted(WHOLE_206))
def test_a_home_page_held_as_a_206_of_its_whole_body_is_the_page(tmp_path, form) -> None:
    """A 206 whose body is the whole page (a server sending it so, a range from its first
    byte to its last) names the site and moves it, as the crawl read it; only a 200 did."""
    warc, _ = _warc(tmp_path, (HOME, http_response(PAGE, "206 Partial Content",
                                                   content_range=WHOLE_206[form](len(PAGE)))))
    with ArchiveLookup([warc]) as lookup:
        assert archived_site_name(lookup, HOME) == "Example News"
        assert landed_url(lookup, HOME) == "https://ex.by/"


@pytest.mark.parametrize("form", sorted(WHOLE_206))
def test_a_feed_held_as_a_206_of_its_whole_body_votes_for_the_zone(tmp_path, form) -> None:
    warc, _ = _warc(tmp_path, (FEED, http_response(RSS, "206 Partial Content",
                                                   "application/rss+xml",
                                                   WHOLE_206[form](len(RSS)))))
    with ArchiveLookup([warc]) as lookup:
        assert site_offsets(lookup, HOME)[1] == {timedelta(hours=3): 3}


def _said(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "only a 206 holding part" in r.getMessage()]


def test_a_home_page_and_feed_held_only_as_206_parts_are_said_and_counted_once(
        tmp_path, caplog) -> None:
    """The home page and the feed's tail archived only as parts (a range request, ``wget
    -c`` resuming): neither names the site, moves it or votes for its zone; each was passed
    over unsaid. Each is said once by URL, Content-Range, file and offset (the home page is
    read for its landing, its name and the zone vote) and counted once."""
    home_part = http_response(PAGE, "206 Partial Content")  # bytes 1-N/N+1: all but byte 0
    warc, offsets = _warc(tmp_path, (HOME, home_part),
                          (FEED, http_response(FEED_TAIL, "206 Partial Content",
                                               "application/rss+xml")))
    counted: list[tuple[str, int]] = []
    rows: list[dict[str, object]] = [{"url": HOME}]
    with ArchiveLookup([warc]) as lookup, caplog.at_level(logging.WARNING):
        said = learn_rows(lookup, rows,
                          on_part=lambda p, _read: counted.append((p.url, p.ref.offset)))
    assert rows[0]["url"] == HOME and "name" not in rows[0]
    assert [line for line in said if "name" in line or "redirected" in line] == []
    assert "0 page date(s), 0 feed or sitemap date(s)" in said[-1]
    assert sorted(counted) == sorted(zip((HOME, FEED), offsets, strict=True))
    lines = _said(caplog)
    assert len(lines) == 2, lines
    for url, offset, size in ((HOME, offsets[0], len(PAGE)),
                              (FEED, offsets[1], len(FEED_TAIL))):
        [line] = [line for line in lines if line.startswith(f"{url}: ")]
        assert f"{warc} at offset {offset}" in line and "partial_content" in line
        assert f"Content-Range 'bytes 1-{size}/{size + 1}'" in line


def test_a_part_beside_a_whole_capture_is_not_said(tmp_path, caplog) -> None:
    """A 206 giving way to its URL's whole 200 is no loss: the page is read, nothing said."""
    with ArchiveLookup([_home_then_part(tmp_path)]) as lookup, caplog.at_level(logging.WARNING):
        counted: list[object] = []
        rows: list[dict[str, object]] = [{"url": HOME, "timezone": "UTC"}]
        learn_rows(lookup, rows, on_part=lambda p, _read: counted.append(p))
    assert rows[0]["name"] == "Example News" and counted == [] and _said(caplog) == []


def test_media_parts_on_the_host_are_passed_over_unsaid_and_documents_said(
        tmp_path, caplog) -> None:
    """A browser's range requests of a video, a song and an image (206 parts, as
    browser-made WARCs hold them) among the host's newest documents could vote for nothing:
    passed over unsaid and uncounted, as before parts were said. A page held only in part
    (HTML), and one whose type is not given, could have voted: each said and counted."""
    video = b"\x00\x00\x00\x18ftypmp42" + b"\x01" * 5000
    media = [("http://ex.by/media/clip.mp4", video[:1000], "video/mp4", len(video)),
             ("http://ex.by/media/song.mp3", b"ID3" + b"\0" * 500, "audio/mpeg", 90000),
             ("http://ex.by/img/x.jpg", b"\xff\xd8" + b"\0" * 300, "image/jpeg; q=1", 8000)]
    untyped = (b"HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 1-20/40\r\n"
               b"Content-Length: 20\r\n\r\n" + PAGE[:20])
    warc, offsets = _warc(
        tmp_path, (HOME, http_response(PAGE)),
        (FEED, http_response(RSS, ctype="application/rss+xml")),
        *((url, http_response(body, "206 Partial Content", kind, f"bytes 0-{len(body) - 1}/"
                              f"{whole}")) for url, body, kind, whole in media),
        ("http://ex.by/news/1/", http_response(PAGE, "206 Partial Content",
                                               "text/html; charset=utf-8")),
        ("http://ex.by/news/2/", untyped))
    counted: list[tuple[str, int]] = []
    rows: list[dict[str, object]] = [{"url": HOME}]
    with ArchiveLookup([warc]) as lookup, caplog.at_level(logging.WARNING):
        said = learn_rows(lookup, rows,
                          on_part=lambda p, _read: counted.append((p.url, p.ref.offset)))
    assert "3 feed or sitemap date(s)" in said[-1]
    parts = [("http://ex.by/news/1/", offsets[-2]), ("http://ex.by/news/2/", offsets[-1])]
    assert sorted(counted) == parts
    lines = _said(caplog)
    assert sorted(line.split(": ")[0] for line in lines) == [url for url, _ in parts]
    for url, offset in parts:
        [line] = [line for line in lines if line.startswith(f"{url}: ")]
        assert f"{warc} at offset {offset}" in line and "time zone vote" in line, line


def test_a_home_page_and_feed_answered_203_are_read_as_their_200s(tmp_path) -> None:
    """A 203 (a transforming proxy's 200: RFC 9110 §15.3.4) is the page, as the crawl read
    it (any 2xx reaches its callback): it names the site, moves it and its feed votes for the
    zone and dates its entries; all were passed over as no page."""
    proxied = "203 Non-Authoritative Information"
    warc, _ = _warc(tmp_path, (HOME, http_response(PAGE, proxied)),
                    (FEED, http_response(RSS, proxied, "application/rss+xml")),
                    (BELTA_FEED, http_response(BELTA_RSS, proxied, "application/rss+xml")))
    with ArchiveLookup([warc]) as lookup:
        assert archived_site_name(lookup, HOME) == "Example News"
        assert landed_url(lookup, HOME) == "https://ex.by/"
        assert site_offsets(lookup, HOME)[1] == {timedelta(hours=3): 3}
        assert listed_hint(A, feed_dates(lookup)) == "2026-01-05T10:00:00+03:00"


def test_a_feed_held_only_as_a_head_part_votes_as_its_entries_date_articles(
        tmp_path, caplog) -> None:
    """A feed archived only as a 206 of its head (its root and the entries before the cut):
    its entries held whole vote for the zone, as ``feed_dates`` dates articles by them (it
    voted for nothing, where the same part dated its entries: one archive, two readings);
    said as a partial feed version read, with the entries it gave, and not counted among
    the documents not read (``feed_dates`` counts it, read)."""
    cut = RSS.index(b"<item>", RSS.index(b"</item>") + 1)  # the first entry whole
    head = http_response(RSS[:cut], "206 Partial Content", "application/rss+xml",
                         f"bytes 0-{cut - 1}/{len(RSS)}")
    warc, [offset] = _warc(tmp_path, (FEED, head))
    counted: list[tuple[int, int | None]] = []
    rows: list[dict[str, object]] = [{"url": HOME}]
    with ArchiveLookup([warc]) as lookup, caplog.at_level(logging.WARNING):
        said = learn_rows(lookup, rows,
                          on_part=lambda p, read: counted.append((p.ref.offset, read)))
        [line] = _said(caplog)
        assert site_offsets(lookup, HOME)[1] == {timedelta(hours=3): 1}
    assert "0 page date(s), 1 feed or sitemap date(s)" in said[-1]
    assert counted == [(offset, 1)]  # handed on read: not counted among those not read
    assert line.startswith(f"{FEED}: ") and f"{warc} at offset {offset}" in line
    assert line.endswith("): read as a partial feed version (1 entries) for the site row's "
                         "time zone vote"), line
    assert "partial_content" not in line
