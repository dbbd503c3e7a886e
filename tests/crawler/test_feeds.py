"""Feeds and sitemaps are read as streams: entries come out, the document is never held whole."""

from __future__ import annotations

import codecs
import gzip
import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from crawler import feeds
from crawler.feeds import FeedSkips, feed_entries, iter_records, sitemap_entries
from tests.sites.common import rss
from tests.support.crawl import ROOT

START = datetime(2026, 1, 8, 12, 0, tzinfo=UTC)


def big_feed(count: int) -> bytes:
    entries = [(f"Заголовок {i}", f"https://www.belta.by/society/view/n-{i}-2026/", START, "")
               for i in range(count)]
    return rss("БЕЛТА", "https://www.belta.by/", entries).encode()


def test_a_big_feed_is_never_a_whole_tree() -> None:
    body = big_feed(5000)  # ~1 MB, 16 parser chunks
    held, count = 0, 0
    for node in iter_records(body, ("item",)):
        count += 1
        held = max(held, len(node.getroottree().getroot().xpath("//item")))
    assert count == 5000
    assert held < 500  # the items of about one chunk, not all 5,000


def test_streamed_entries_keep_links_dates_and_titles() -> None:
    entries = list(feed_entries(big_feed(3)))
    assert [(e.url, e.published, e.title) for e in entries] == [
        (f"https://www.belta.by/society/view/n-{i}-2026/", START, f"Заголовок {i}")
        for i in range(3)]


def test_a_feed_broken_halfway_keeps_the_entries_before_the_break() -> None:
    body = big_feed(3000)
    cut = body[:body.index(b"/n-2000-2026/")] + b"<<<\x00 not xml at all"
    urls = [e.url for e in feed_entries(cut)]
    assert urls[:2000] == [f"https://www.belta.by/society/view/n-{i}-2026/" for i in range(2000)]


def test_sitemap_index_and_urlset_entries_stream_too() -> None:
    index = (b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             b"<sitemap><loc>https://x/s1.xml</loc><lastmod>2026-01-08</lastmod></sitemap>"
             b"</sitemapindex>")
    urlset = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
              + b"".join(b"<url><loc>https://x/a%d</loc></url>" % i for i in range(20000))
              + b"</urlset>")
    assert [(k, loc) for k, loc, _ in sitemap_entries(index)] == [("sitemap", "https://x/s1.xml")]
    locs = [loc for _, loc, _ in sitemap_entries(urlset)]
    assert locs == [f"https://x/a{i}" for i in range(20000)]


def one_item_feed(pub_date: str) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
            f"<item><title>Новость</title><link>https://gorod.example/a/</link>"
            f"<pubDate>{pub_date}</pubDate></item></channel></rss>").encode()


@pytest.mark.parametrize(("pub_date", "offset_hours"), [
    ("Thu, 12 Mar 2026 14:05:00 MSK", 3), ("Thu, 12 Mar 2026 14:05:00 МСК", 3),
    ("Thu, 12 Mar 2026 14:05:00 EET", 2), ("Thu, 12 Mar 2026 14:05:00 YEKT", 5),
    ("Thu, 12 Mar 2026 14:05:00 GMT", 0), ("Thu, 12 Mar 2026 14:05:00 +0300", 3),
])
def test_a_named_zone_in_a_feed_date_is_its_offset(pub_date: str, offset_hours: int) -> None:
    (entry,) = feed_entries(one_item_feed(pub_date))
    assert entry.published == datetime(2026, 3, 12, 14, 5,
                                       tzinfo=timezone(timedelta(hours=offset_hours)))


def test_a_feed_date_without_a_zone_stays_a_wall_clock_time() -> None:
    (entry,) = feed_entries(one_item_feed("Thu, 12 Mar 2026 14:05:00"))
    assert entry.published == datetime(2026, 3, 12, 14, 5)


@pytest.mark.parametrize(("pub_date", "hour"), [("Jan 8, 2026 7:51 PM", 19),
                                               ("Jan 8, 2026 7:51 a.m.", 7)])
def test_a_feed_date_on_a_12_hour_clock_keeps_its_half_of_the_day(pub_date: str,
                                                                   hour: int) -> None:
    """No RFC 822 date: the lenient RFC 822 parser took it and dropped "PM", 12 hours off."""
    (entry,) = feed_entries(one_item_feed(pub_date))
    assert entry.published == datetime(2026, 1, 8, hour, 51)


def test_an_items_guid_stands_for_its_link_only_when_it_is_an_address() -> None:
    """No ``<link>``: a permalink guid is the article's address; an identifier guid
    (``isPermaLink="false"``, ``12345@site``) is none, so the item gives no URL."""
    items = "".join(f"<item><title>{n}</title>{inner}</item>" for n, inner in enumerate([
        "<link>https://ex.org/a-1/</link><guid isPermaLink='false'>1@ex.org</guid>",
        "<guid isPermaLink='true'>https://ex.org/b-2/</guid>",
        "<guid>https://ex.org/c-3/</guid>",
        "<guid isPermaLink='false'>https://ex.org/?p=4</guid>",
        "<link></link><guid isPermaLink='false'>1005</guid><enclosure url='https://ex.org/5.jpg'/>",
        "<guid isPermaLink='false'>/news/6/</guid>",
        "<guid>/news/7/</guid>",
    ]))
    body = f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()
    assert [e.url for e in feed_entries(body)] == [
        "https://ex.org/a-1/", "https://ex.org/b-2/", "https://ex.org/c-3/", "/news/7/"]


def test_a_guid_the_feed_says_is_no_permalink_is_no_link_even_when_it_is_a_url() -> None:
    """``isPermaLink="false"`` makes the guid an id, a URL or not (a CMS's internal address,
    an old host's): the item's ``<link>`` is its address, and without one the item has none,
    counted and named for the log, not fetched at the id's address."""
    body = ('<?xml version="1.0"?><rss version="2.0"><channel>'
            "<item><title>С ссылкой</title><link>https://ex.by/news/1/</link>"
            "<guid isPermaLink='false'>https://cms.ex.by/node/1</guid></item>"
            "<item><title>Без ссылки</title>"
            "<guid isPermaLink=' FALSE '>https://cms.ex.by/node/2</guid></item>"
            "</channel></rss>").encode()
    skips = FeedSkips()
    assert [e.url for e in feed_entries(body, skips)] == ["https://ex.by/news/1/"]
    assert (skips.no_link, skips.first_no_link) == (1, "item 2 'Без ссылки'")


def test_atom_links_are_read_against_xml_base() -> None:
    """Atom resolves a relative link against the xml:base of its entry or feed (RFC 4287),
    not against where the feed was fetched: a feed at /feeds/atom.xml naming /news/items/."""
    body = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://ex.by/news/items/"><title>t</title>
<entry><title>A</title><link href="novost-a/"/><updated>2026-01-04T10:00:00+03:00</updated></entry>
<entry xml:base="/sport/"><title>B</title><link href="novost-b/"/></entry>
<entry><title>C</title><link href="https://other.by/c/"/></entry>
</feed>"""
    assert [e.url for e in feed_entries(body)] == [
        "https://ex.by/news/items/novost-a/", "https://ex.by/sport/novost-b/",
        "https://other.by/c/"]


@pytest.mark.parametrize("base", ["http://[::1", "http://[::1]x/", "https://ex.by:99999/"])
def test_an_xml_base_that_is_no_url_ends_no_feed(base: str) -> None:
    """An entry's xml:base that is no URL raised ValueError, ending the feed: its relative
    link is left with that base (the spider skips, counts and names it), an absolute one
    needs none, and the entries after it are read."""
    body = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<entry xml:base="{base}"><title>A</title><link href="novost-a/"/></entry>
<entry xml:base="{base}"><title>B</title><link href="https://ex.by/b/"/></entry>
<entry><title>C</title><link href="https://ex.by/c/"/></entry>
</feed>""".encode()
    assert [e.url for e in feed_entries(body)] == [base, "https://ex.by/b/", "https://ex.by/c/"]


CYRILLIC_FEED = ('<?xml version="1.0" encoding="{declared}"?><rss version="2.0"><channel>'
                 "<title>Лента</title><item><title>Пожар в районе</title>"
                 "<link>https://ex.by/новости/пожар-в-районе/</link></item></channel></rss>")


@pytest.mark.parametrize(("declared", "sent"), [
    ("utf-8", "cp1251"),  # declares UTF-8, is windows-1251
    ("windows-1251", "utf-8"),  # declares windows-1251, is UTF-8
    ("windows-1251", "cp1251"),  # says what it is
    ("koi8-r", "utf-8-sig"),  # a UTF-8 BOM, whatever the declaration
])
def test_a_feed_in_another_charset_than_it_declares_keeps_its_cyrillic(declared: str,
                                                                        sent: str) -> None:
    """The links and titles of a feed whose declaration lies about its charset are read in
    the charset its bytes are in (not mojibake links that 404)."""
    body = CYRILLIC_FEED.format(declared=declared).encode(sent)
    [entry] = feed_entries(body)
    assert (entry.url, entry.title) == ("https://ex.by/новости/пожар-в-районе/", "Пожар в районе")


@pytest.mark.parametrize(("body", "name"), [
    (b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- x --><rss version="2.0"><channel/></rss>', "rss"),
    (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"/>', "feed"),
    (b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="x"/>', "rdf"),
    (b"<!DOCTYPE html>\n<html lang='ru'><head><title>404</title></head></html>", "html"),
    (b"  \n<HTML><body>Not found</body></HTML>", "html"),
    (b"Service unavailable", None),
    (b'\xef\xbb\xbf {"version": "https://jsonfeed.org/version/1.1", "items": []}', "jsonfeed"),
    (b'{"posts": [], "note": "not a feed"}', None),
])
def test_the_document_element_a_feed_answer_opens_with(body: bytes, name: str | None) -> None:
    from crawler.feeds import document_element

    assert document_element(body) == name


def read_text_sitemap(document: bytes, limit: int | None = None
                      ) -> tuple[list[str], feeds.TextSitemap] | None:
    """The URLs and counts of a text sitemap read to its end, or None when it is none."""
    found = feeds.TextSitemap()
    urls = [url for url in feeds.text_sitemap_lines(document, found, limit) if url is not None]
    assert len(urls) == found.urls
    return (urls, found) if urls else None


def test_a_text_sitemap_gives_its_url_lines_and_counts_the_rest() -> None:
    body = (b"\xef\xbb\xbfhttps://ex.org/a.html\r\n\r\n  http://ex.org/b?x=1  \n/rel.html\n"
            b"http://[::1\nhttp:///nohost\nhttps://ex.org/with space\n\xff\xfe\nHTTPS://ex.org/c")
    assert (read := read_text_sitemap(body)) is not None
    urls, found = read
    assert urls == ["https://ex.org/a.html", "http://ex.org/b?x=1", "HTTPS://ex.org/c"]
    assert found.junk == 5 and found.over_limit == 0
    assert found.first_junk == "line 4 is no absolute http(s) URL: '/rel.html'"


def test_markup_or_a_text_without_urls_is_no_text_sitemap() -> None:
    for body in (b"", b"\n\n", b"Not found\n", b'\xef\xbb\xbf <?xml version="1.0"?><urlset/>',
                 b"\n<!doctype html><html><body>https://ex.org/a</body></html>"):
        assert read_text_sitemap(body) is None, body


def test_a_text_sitemap_is_read_to_the_protocols_url_limit(monkeypatch) -> None:
    monkeypatch.setattr(feeds, "MAX_SITEMAP_URLS", 3)
    read = read_text_sitemap(b"".join(b"https://ex.org/%d\n" % n for n in range(10)) + b"x\n")
    assert read is not None
    urls, found = read
    assert urls == [f"https://ex.org/{n}" for n in range(3)] and found.over_limit == 8


def test_a_gzipped_text_sitemap_is_unpacked_within_the_bound(monkeypatch) -> None:
    body = b"https://ex.org/a\n" * 1000
    document, why = feeds.gunzipped_document(gzip.compress(body))
    assert why is None and (read := read_text_sitemap(document)) is not None
    assert read[0][-1] == "https://ex.org/a"
    monkeypatch.setattr(feeds, "MAX_SITEMAP_BYTES", 1000)
    assert feeds.gunzipped_document(gzip.compress(body)) == (
        b"", "gunzipped, it is over 1000 bytes")


@pytest.mark.parametrize("body", [b"\x1f\x8b\x08\x00not gzip at all" * 20,
                                  gzip.compress(b"<urlset>" * 1000)[:12]],
                         ids=["garbage", "header_only"])
def test_a_sitemap_that_is_no_gzip_past_its_magic_says_why(body: bytes) -> None:
    """A broken ``.gz`` raised zlib.error out of the spider's callback (its whole sitemap
    lost with a traceback); now its reason comes back."""
    document, why = feeds.gunzipped_document(body)
    assert document == b"" and why is not None and why.startswith("no gzip")


def test_a_gzip_bomb_stops_at_the_bound_and_says_so(monkeypatch) -> None:
    monkeypatch.setattr(feeds, "MAX_SITEMAP_BYTES", 1000)
    assert feeds.gunzipped_document(gzip.compress(b" " * 5000)) == (
        b"", "gunzipped, it is over 1000 bytes")


SPACED = [("2026-01-05 10:00:00 +0300", "2026-01-05T10:00:00+03:00"),
          ("2026-01-05T10:00:00 +03:00", "2026-01-05T10:00:00+03:00"),
          ("05.01.2026 10:00 +0300", "2026-01-05T10:00:00+03:00"),
          ("2026-01-05 10:00:00 +03000", "2026-01-05T10:00:00")]  # no offset: a wall clock


@pytest.mark.parametrize(("written", "read"), SPACED)
def test_feed_and_sitemap_dates_keep_an_offset_after_a_space(written: str, read: str) -> None:
    """A date with its offset after a space was read with no zone (then placed in the
    site's zone or UTC: another instant)."""
    from crawler import sitediscovery as disc

    rss = (f'<rss version="2.0"><channel><item><link>https://ex.by/a/</link><pubDate>{written}'
           "</pubDate></item></channel></rss>")
    atom = (f'<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="https://ex.by/b/"/>'
            f"<updated>{written}</updated></entry></feed>")
    for feed in (rss, atom):
        assert [e.published and e.published.isoformat() for e in feed_entries(feed.encode())] \
            == [read]
    sitemap = ('<urlset xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
               f"<url><loc>https://ex.by/a/</loc><lastmod>{written}</lastmod></url>"
               f"<url><loc>https://ex.by/b/</loc><news:news><news:publication_date>{written}"
               "</news:publication_date></news:news></url></urlset>").encode()
    lastmod = next(sitemap_entries(sitemap))[2]
    assert lastmod is not None and lastmod.isoformat() == read
    assert [r.published and r.published.isoformat() for r in disc.sitemap_records(sitemap)] \
        == [read, read]


def test_a_text_sitemap_line_longer_than_any_url_is_passed_over_in_bounded_steps() -> None:
    """A line of 20 MB was one step of the read (copied, decoded, split at once): now it is
    looked through a bounded step at a time, counted and said, and the lines after it read."""
    long_line = b"https://ex.org/" + b"a" * 20_000_000
    body = b"https://ex.org/1\n" + long_line + b"\r\nhttps://ex.org/2\nhttps://ex.org/3"
    found = feeds.TextSitemap()
    steps = list(feeds.text_sitemap_lines(body, found))
    assert [s for s in steps if s is not None] == [f"https://ex.org/{n}" for n in (1, 2, 3)]
    assert len(steps) >= 20_000_000 // feeds._SKIP_STEP  # a step a bounded piece
    assert found.urls == 3 and found.junk == 1 and found.too_long == 1
    assert found.first_junk is not None
    assert found.first_junk.startswith(
        f"line 2 is longer than {feeds.MAX_TEXT_LINE_BYTES} bytes, no URL: 'https://ex.org/aaa")


def test_a_text_sitemap_of_lines_past_the_bound_is_read_a_step_a_line() -> None:
    """Lines a little past the bound each end within the first piece looked through: each
    is still a step of its own (a file of them gave the crawl no turn until its end)."""
    for end in (b"\n", b"\r"):
        body = (b"x" * (feeds.MAX_TEXT_LINE_BYTES + 800) + end) * 500
        found = feeds.TextSitemap()
        assert len(list(feeds.text_sitemap_lines(body, found))) >= 500, end
        assert found.too_long == 500


def test_a_text_sitemap_line_at_the_bound_is_read_and_past_it_is_not() -> None:
    at_bound = b"https://ex.org/" + b"b" * (feeds.MAX_TEXT_LINE_BYTES - 15)
    assert len(at_bound) == feeds.MAX_TEXT_LINE_BYTES
    for end in (b"\n", b"\r\n", b"\r"):
        read = read_text_sitemap(at_bound + end + at_bound + b"x" + end + b"https://ex.org/c")
        assert read is not None
        urls, found = read
        assert urls == [at_bound.decode(), "https://ex.org/c"], end
        assert found.too_long == 1 and found.first_junk is not None
        assert found.first_junk.startswith("line 2 "), (end, found.first_junk)


def test_a_long_line_past_the_url_bound_is_counted_as_not_read() -> None:
    body = b"https://ex.org/1\n" + b"x" * 100_000 + b"\nhttps://ex.org/2\n"
    read = read_text_sitemap(body, 1)
    assert read is not None
    assert read[0] == ["https://ex.org/1"] and read[1].over_limit == 2 and read[1].junk == 0


@pytest.mark.parametrize("end", [b"\r", b"\r\n", b"\n", b"\n\r"],
                         ids=["cr", "crlf", "lf", "lfcr"])
def test_a_text_sitemap_of_any_line_end_gives_each_line(end: bytes) -> None:
    """Lines ended by CR alone (old Mac files) were one line of junk; the protocol's one URL
    a line holds for each of the three ends, and a blank line between is no junk."""
    body = end.join([b"https://ex.org/a", b"http://ex.org/b?x=1", b"", b"/rel", b"HTTPS://ex.org/c"])
    read = read_text_sitemap(body + end)
    assert read is not None
    urls, found = read
    assert urls == ["https://ex.org/a", "http://ex.org/b?x=1", "HTTPS://ex.org/c"]
    assert found.junk == 1 and found.first_junk is not None
    assert found.first_junk.startswith("line 4 ") or end == b"\n\r"


def test_a_text_sitemap_is_read_to_the_bound_given() -> None:
    read = read_text_sitemap(b"".join(b"https://ex.org/%d\n" % n for n in range(5)), 2)
    assert read is not None
    urls, found = read
    assert urls == ["https://ex.org/0", "https://ex.org/1"]
    assert found.over_limit == 3


def test_feed_items_with_no_link_are_counted_and_the_first_named() -> None:
    """An RSS item with neither <link> nor a permalink <guid>, an Atom entry with no
    rel=alternate link: skipped, as before, but counted and the first named (they were
    dropped without a word)."""
    body = ('<rss version="2.0"><channel>'
            "<item><title>Без ссылки</title><guid isPermaLink='false'>12345</guid></item>"
            "<item><title>Есть</title><link>https://ex.by/a/</link></item>"
            "<item><description>только текст</description></item>"
            "</channel></rss>").encode()
    skipped = feeds.FeedSkips()
    assert [e.url for e in feed_entries(body, skipped)] == ["https://ex.by/a/"]
    assert skipped.no_link == 2
    assert skipped.first_no_link == "item 1 'Без ссылки'"
    atom = (b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>A</title>'
            b'<link rel="edit" href="https://ex.by/edit/1"/></entry></feed>')
    skipped = feeds.FeedSkips()
    assert list(feed_entries(atom, skipped)) == [] and skipped.no_link == 1
    assert skipped.first_no_link == "item 1 'A'"


# --- HTML entities, false declarations, "no date" values, markup outside the records ----------


def _rss_items(*items: str, head: bytes = b'<?xml version="1.0" encoding="utf-8"?>') -> bytes:
    return head + b"<rss version=\"2.0\"><channel><title>t</title>" + "".join(
        items).encode("utf-8") + b"</channel></rss>"


@pytest.mark.parametrize("entity", ["&laquo;", "&nbsp;", "&mdash;", "&hellip;", "&unknownname;",
                                    "&#0;", "&#xD800;", "\x0b", "AT&T "])
def test_an_html_entity_in_a_feed_costs_no_later_ampersand(entity: str) -> None:
    """Russian feeds put &laquo; and &nbsp; in titles; XML knows none of them, and after that
    error libxml2 dropped every later "&amp;": ?p=2&amp;utm_source=rss became ?p=2utm_source=rss.
    A surrogate's reference (&#xD800;) made lxml raise UnicodeDecodeError reading the title."""
    body = _rss_items(
        f"<item><title>Лукашенко{entity}Путин</title><link>https://e.by/?p=1&amp;x=1</link></item>",
        "<item><title>B &amp; C</title><link>https://e.by/?p=2&amp;utm_source=rss</link></item>")
    entries = list(feed_entries(body))
    assert [e.url for e in entries] == ["https://e.by/?p=1&x=1", "https://e.by/?p=2&utm_source=rss"]
    known = {"&laquo;": "«", "&nbsp;": "\xa0", "&mdash;": "—", "&hellip;": "…", "\x0b": ""}
    assert entries[0].title == f"Лукашенко{known.get(entity, entity)}Путин"
    assert entries[1].title == "B & C"


def test_cdata_is_left_as_it_is() -> None:
    """A link in CDATA holds its "&" verbatim: escaping it there made it "&amp;" in the URL."""
    body = _rss_items(
        "<item><title><![CDATA[A &laquo;B&raquo;]]></title>"
        "<link><![CDATA[https://e.by/?p=1&x=2]]></link></item>")
    [entry] = feed_entries(body)
    assert (entry.url, entry.title) == ("https://e.by/?p=1&x=2", "A &laquo;B&raquo;")


@pytest.mark.parametrize("declared", ["utf-16", "UTF-16LE", "utf-32"])
@pytest.mark.parametrize("text", ["ascii", "cyrillic"])
def test_a_document_read_as_ascii_that_declares_utf_16_is_read_as_utf_8(declared: str,
                                                                      text: str) -> None:
    """.NET software writes encoding="utf-16" on UTF-8 files; libxml2 believed it and read
    nothing. A declaration readable byte by byte is in no UTF-16 or UTF-32."""
    title = "News" if text == "ascii" else "Новости"
    body = (f'<?xml version="1.0" encoding="{declared}"?><urlset '
            'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>https://e.by/{title}/1</loc></url>"
            "<url><loc>https://e.by/2</loc></url></urlset>").encode()
    assert [loc for _k, loc, _d in sitemap_entries(body)] == [f"https://e.by/{title}/1",
                                                               "https://e.by/2"]


def test_a_real_utf_16_feed_is_still_read() -> None:
    body = ('<?xml version="1.0" encoding="utf-16"?><rss version="2.0"><channel>'
            "<item><title>Новости</title><link>https://e.by/1</link></item>"
            "</channel></rss>").encode("utf-16")
    assert [(e.url, e.title) for e in feed_entries(body)] == [("https://e.by/1", "Новости")]


@pytest.mark.parametrize("value", ["Mon, 01 Jan 0001 00:00:00 GMT", "01 Jan 001 00:00:00 GMT"])
def test_dotnets_no_date_is_no_date(value: str) -> None:
    """.NET's DateTime.MinValue ("no date") was read as a two-digit year: 2001-01-01."""
    assert feeds._feed_date(value) is None


def test_a_year_of_more_than_two_digits_is_never_a_two_digit_one() -> None:
    """(Nor a publication date: a year before 1900 is a CMS's zero.)"""
    assert feeds._feed_date("Sat, 01 Jan 0099 00:00:00 +0000") is None


@pytest.mark.parametrize("value", ["Thu, 01 Jan 1970 00:00:00 +0000",
                                   "Thu, 01 Jan 1970 03:00:00 +0300", "1970-01-01T00:00:00Z",
                                   "Mon, 01 Jan 2124 00:00:00 GMT"])
def test_a_feed_date_of_the_epoch_or_ahead_of_the_clock_is_no_date(value: str) -> None:
    """An entry dated so was left out of every window unfetched; undated, its page dates it."""
    rss = (f"<rss><channel><item><link>https://e.by/1</link><pubDate>{value}</pubDate></item>"
           "</channel></rss>").encode()
    assert [(e.url, e.published) for e in feed_entries(rss)] == [("https://e.by/1", None)]
    urlset = ("<urlset><url><loc>https://e.by/1</loc><lastmod>" + value
              + "</lastmod></url></urlset>").encode()
    assert list(feeds.sitemap_entries(urlset)) == [("url", "https://e.by/1", None)]


def test_a_two_digit_year_is_still_read() -> None:
    assert feeds._feed_date("Thu, 08 Jan 26 12:00:00 GMT") == START


def test_markup_outside_the_records_is_not_held() -> None:
    """49 MB of <a/> between the entries grew to 1.7 GB: only records were let go."""
    filler = "<a/>" * 20000
    body = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + "".join(f"{filler}<url><loc>https://e.by/{i}</loc></url>" for i in range(20))
            + "</urlset>").encode()
    held, count = 0, 0
    for node in iter_records(body, ("url",)):
        count += 1
        held = max(held, sum(1 for _ in node.getroottree().getroot().iter()))
    assert count == 20
    assert held < 20000  # about one parser chunk's elements, not all 400,000


def test_a_comment_opens_no_cdata_section() -> None:
    body = _rss_items("<!-- wrap descriptions in <![CDATA[ ... -->"
                      "<item><title>AT&T</title><link>https://e.by/?p=1&amp;x=1</link></item>")
    [entry] = feed_entries(body)
    assert (entry.url, entry.title) == ("https://e.by/?p=1&x=1", "AT&T")


def test_references_are_rewritten_alike_in_small_pieces(monkeypatch) -> None:
    """The rewrite goes a piece at a time (a sitemap holds millions of "&amp;"): no reference
    may be cut in two at a piece's end."""
    markup = b"".join(b"<t>a&amp;b &laquo;c&#0000000065; &#x2014;&nbsp;AT&T &lt;p&gt;</t>"
                      for _ in range(50))
    whole = feeds._references_in(markup)
    assert b"&amp;" not in whole and b"&laquo;" not in whole and b"c&#65; " in whole
    for size in (41, 64, 97):
        monkeypatch.setattr(feeds, "_PIECE", size)
        assert feeds._references_in(markup) == whole


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_a_wide_feed_with_a_byte_order_mark_keeps_its_ampersands(codec: str) -> None:
    text = ('<?xml version="1.0" encoding="utf-16"?><rss version="2.0"><channel>'
            "<item><title>Новости &amp; &laquo;события&raquo;</title>"
            "<link>https://e.by/?a=1&amp;b=2</link></item></channel></rss>")
    bom = {"utf-16-be": b"\xfe\xff"}.get(codec, b"")
    body = bom + text.encode(codec)
    assert [(e.url, e.title) for e in feed_entries(body)] == [
        ("https://e.by/?a=1&b=2", "Новости & «события»")]


def test_an_atom_entry_is_dated_by_its_published_wherever_it_stands() -> None:
    """WordPress's Atom feed writes <updated> before <published>: the entry was dated by its
    last edit (a window run left out an article edited after the window)."""
    atom = (b'<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            b'<title>t</title><entry><title>Ferma</title><link rel="alternate" '
            b'href="http://example.by/ferma/"/><id>x</id><updated>2026-12-01T15:05:00Z</updated>'
            b"<published>2026-11-28T15:05:00Z</published></entry>"
            b'<entry><title>B</title><link href="http://example.by/b/"/>'
            b"<updated>2026-12-02T10:00:00Z</updated></entry></feed>")
    first, second = feed_entries(atom)
    assert first.published == datetime(2026, 11, 28, 15, 5, tzinfo=UTC)
    assert second.published == datetime(2026, 12, 2, 10, 0, tzinfo=UTC)  # only <updated>


def test_a_json_feed_gives_its_items_links_dates_and_titles() -> None:
    """jsonfeed.org, as WordPress plugins and static-site themes announce it
    (application/feed+json): it was never read, its articles never found, nothing said."""
    body = (b'{"version": "https://jsonfeed.org/version/1.1", "title": "News", "items": ['
            b'{"id": "1", "url": "https://ex.org/news/one/", "title": "One", '
            b'"date_published": "2026-11-26T10:00:00+01:00"},'
            b'{"id": "2", "external_url": "/news/two/", "date_modified": "2026-11-25T08:00:00Z"},'
            b'{"id": "3", "title": "No link"}, 7]}')
    skips = feeds.FeedSkips()
    assert [(e.url, e.published, e.title) for e in feed_entries(body, skips)] == [
        ("https://ex.org/news/one/", datetime(2026, 11, 26, 9, 0, tzinfo=UTC), "One"),
        ("/news/two/", datetime(2026, 11, 25, 8, 0, tzinfo=UTC), None)]
    assert (skips.no_link, skips.first_no_link) == (2, "item 3 'No link'")


@pytest.mark.parametrize("body", [
    b'{"version": "https://jsonfeed.org/version/1", "items": ' + b"[" * 100_000,  # cut, deep
    b'{"version": "https://jsonfeed.org/version/1", "items": {"url": "x"}}',
])
def test_a_json_feed_that_does_not_parse_or_holds_no_list_gives_no_entry(body: bytes) -> None:
    assert list(feed_entries(body)) == []


def test_feed_and_sitemap_dates_are_bounded_by_the_fetch_not_the_machines_clock() -> None:
    """A replay of a capture 100 days old: an entry dated 30 days after that fetch was no date
    when the crawl read it (ahead of its clock), though it is before today; one a day after
    the fetch is within the slack. Without a fetch time, the machine's clock bounds them."""
    fetched = datetime.now(UTC).replace(microsecond=0) - timedelta(days=100)
    ahead, near = fetched + timedelta(days=30), fetched + timedelta(days=1)
    stamps = [format_datetime(ahead, usegmt=True), format_datetime(near, usegmt=True)]
    rss_body = ("<rss><channel>" + "".join(
        f"<item><link>https://e.by/{n}</link><pubDate>{s}</pubDate></item>"
        for n, s in enumerate(stamps)) + "</channel></rss>").encode()
    json_body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": [
        {"url": f"https://e.by/{n}", "date_published": d.isoformat()}
        for n, d in enumerate((ahead, near))]}).encode()
    urlset = ("<urlset>" + "".join(f"<url><loc>https://e.by/{n}</loc><lastmod>{d.isoformat()}"
                                   "</lastmod></url>" for n, d in enumerate((ahead, near)))
              + "</urlset>").encode()
    for body in (rss_body, json_body):
        assert [e.published for e in feed_entries(body, now=fetched)] == [None, near]
        assert [e.published for e in feed_entries(body)] == [ahead, near]
    assert [d for _, _, d in sitemap_entries(urlset, fetched)] == [None, near]
    assert [d for _, _, d in sitemap_entries(urlset)] == [ahead, near]


_ITEMS = "".join(f"<item><link>http://e.com/{i}</link></item>" for i in range(3))
_DEEP = ("<item><ext:x xmlns:ext='urn:x'>" + "<ext:a>" * 300 + "</ext:a>" * 300
         + "</ext:x><link>http://e.com/deep</link></item>")


@pytest.mark.parametrize(("body", "read", "why"), [
    (f"<rss><channel>{_ITEMS}{_DEEP}{_ITEMS}</channel></rss>", 3, "Excessive depth"),
    (b"\x00\x01 binary junk", 0, "Start tag expected"),
    (f"<rss><channel>{_ITEMS}", 3, "Premature end of data"),
    ('{"version": "https://jsonfeed.org/version/1.1", "items": [{"url": "http://e.com/a"}',
     0, "not JSON"),
])
def test_a_feed_read_short_says_why(body: str | bytes, read: int, why: str) -> None:
    """Where the parser gives up (it stops unraised, past 256 levels or with no document),
    the entries before stay and the reason is told: the rest was lost unsaid."""
    skips = feeds.FeedSkips()
    data = body.encode() if isinstance(body, str) else body
    assert len(list(feed_entries(data, skips))) == read
    assert skips.unread is not None and why in skips.unread


@pytest.mark.parametrize("body", [
    f"<rss><channel>{_ITEMS}&nbsp;<item><link>http://e.com/a&b</link></item></channel></rss>",
    "<rss><channel></channel></rss>",  # empty, and whole
    "<html><body><p>Not found</p></body></html>",  # the caller says an HTML page so
])
def test_what_the_parser_recovers_is_no_unread_feed(body: str) -> None:
    skips = feeds.FeedSkips()
    list(feed_entries(body.encode(), skips))
    assert skips.unread is None


def test_a_gzipped_feed_is_read_by_its_magic_bytes() -> None:
    body = gzip.compress(f"<rss><channel>{_ITEMS}</channel></rss>".encode())
    assert [e.url for e in feed_entries(body)] == [f"http://e.com/{i}" for i in range(3)]


def test_a_sitemap_read_short_says_why_and_a_text_sitemap_is_none() -> None:
    urls = "".join(f"<url><loc>http://e.com/{i}</loc></url>" for i in range(2))
    deep = "<url><x>" + "<a>" * 300 + "</a>" * 300 + "</x><loc>http://e.com/deep</loc></url>"
    document = f"<urlset>{urls}{deep}{urls}</urlset>".encode()
    stops, on_stop = feeds.xml_stops(document)
    assert len(list(sitemap_entries(document, on_stop=on_stop))) == 2
    assert len(stops) == 1 and "Excessive depth" in stops[0]
    text = b"http://e.com/1\nhttp://e.com/2\n"
    stops, on_stop = feeds.xml_stops(text)
    assert on_stop is None and list(sitemap_entries(text)) == []


def test_control_characters_in_a_text_sitemap_line_never_reach_a_request() -> None:
    """A URL line ending in NUL (a file padded with NULs), ^Z or ESC was read with them, a
    request for a URL no site has; now they are cut off its ends, counted and the first line
    named; one inside a URL makes the line junk, said; a line of NULs alone is blank."""
    body = (b"https://ex.org/a\x00\nhttps://ex.org/b\x1a\r\n\x1b https://ex.org/c \x7f\n"
            b"https://ex.org/d\x00e\nhttps://ex.org/\xc2\x85f\n\x00\x00\x00\nhttps://ex.org/g\n")
    assert (read := read_text_sitemap(body)) is not None
    urls, found = read
    assert urls == ["https://ex.org/a", "https://ex.org/b", "https://ex.org/c",
                    "https://ex.org/g"]
    assert found.cleaned == 3 and found.first_cleaned == "line 1: 'https://ex.org/a\\x00'"
    assert found.junk == 2
    assert found.first_junk == "line 4 holds a control character: 'https://ex.org/d\\x00e'"


CP1251_TITLES = ["Лукашенко провел совещание по вопросам экономики",
                 "В Минске открылась новая станция метро",
                 "Погода на выходные: ожидается похолодание до минус десяти"]


@pytest.mark.parametrize("declaration", ['<?xml version="1.0" encoding="windows-1251"?>',
                                         '<?xml version="1.0"?>', ""],
                         ids=["declared", "undeclared", "no_declaration"])
def test_a_utf8_bom_before_windows_1251_bytes_gives_cyrillic_links(declaration: str) -> None:
    """A UTF-8 byte order mark ahead of a feed or sitemap in windows-1251 (a PHP include
    saved with one): the parser believed the mark, and every Cyrillic link and title came
    out as U+FFFD (a request for a URL no site has). Now the bytes are read as they are."""
    links = [f"https://ex.by/новости/{n}" for n in range(len(CP1251_TITLES))]
    items = "".join(f"<item><title>{t}</title><link>{u}</link><description>{t}</description>"
                    "</item>" for t, u in zip(CP1251_TITLES, links, strict=True))
    rss = f'{declaration}<rss version="2.0"><channel><title>Новости</title>{items}</channel></rss>'
    entries = list(feed_entries(codecs.BOM_UTF8 + rss.encode("cp1251")))
    assert [(e.url, e.title) for e in entries] == list(zip(links, CP1251_TITLES, strict=True))
    urlset = (f'{declaration}<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
              + "".join(f"<url><loc>{u}</loc></url>" for u in links) + "</urlset>")
    assert [e[1] for e in sitemap_entries(codecs.BOM_UTF8 + urlset.encode("cp1251"))] == links


def test_a_short_feed_with_no_declaration_is_read_in_the_charset_http_names() -> None:
    """A windows-1251 feed of one item, no XML declaration, its charset in the HTTP header
    only: its few words were guessed mac-cyrillic ("Ћукашенко"); the header's charset reads
    them, as it reads a page's."""
    rss = ('<rss version="2.0"><channel><title>Лента</title><item><title>Лукашенко провел '
           "совещание</title><link>https://ex.by/новости/1</link></item></channel></rss>")
    entries = list(feed_entries(rss.encode("cp1251"), None, None,
                                "application/rss+xml; charset=windows-1251"))
    assert [(e.url, e.title) for e in entries] == [
        ("https://ex.by/новости/1", "Лукашенко провел совещание")]


def test_an_atom_entry_named_by_its_url_id_alone_gives_that_url() -> None:
    """Atom entries with no alternate link, only an ``<id>``: one that is an http(s) URL was
    skipped as linkless (an RSS item's permalink guid is read); now it is the entry's link.
    A ``tag:`` id and an entry of enclosure or related links only stay linkless, counted."""
    atom = ('<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>a</title>'
            "<id>https://ex.by/news/a</id></entry><entry><title>b</title>"
            "<id>tag:ex.by,2026:1</id></entry><entry><title>c</title><id>urn:uuid:1</id>"
            '<link rel="enclosure" href="https://ex.by/x.mp3"/></entry><entry><title>d</title>'
            '<id>https://ex.by/?p=4</id><link href="https://ex.by/news/d"/></entry></feed>')
    skips = feeds.FeedSkips()
    assert [e.url for e in feed_entries(atom.encode(), skips, id_link=feeds.same_host(
        "https://ex.by/feed"))] == ["https://ex.by/news/a", "https://ex.by/news/d"]
    assert skips.no_link == 2 and skips.first_no_link == "item 2 'b'"


def test_a_json_feed_items_url_id_is_its_link_when_it_has_no_url() -> None:
    """jsonfeed.org 1.1: ``url`` is optional, the ``id`` ideally the item's full URL. An
    item with no ``url`` whose id is a URL on the host taken was skipped as linkless; now
    the id is its link. A number id, or a URL id on another host, stays linkless, counted."""
    items = [{"id": "https://ex.by/news/a-b-c/", "title": "a",
              "date_published": "2026-01-04T10:00:00+03:00"},
             {"id": "17", "title": "b"}, {"id": "https://old-ex.by/news/x/", "title": "c"},
             {"id": "https://ex.by/?p=4", "url": "https://ex.by/news/d/", "title": "d"}]
    body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": items}).encode()
    skips = feeds.FeedSkips()
    entries = list(feed_entries(body, skips, id_link=feeds.same_host("https://ex.by/feed.json")))
    assert [e.url for e in entries] == ["https://ex.by/news/a-b-c/", "https://ex.by/news/d/"]
    assert entries[0].published is not None
    assert skips.no_link == 2 and skips.first_no_link == "item 2 'b'"
    skips = feeds.FeedSkips()
    assert [e.url for e in feed_entries(body, skips)] == ["https://ex.by/news/d/"]


def test_an_atom_url_id_on_another_host_is_no_link() -> None:
    """An Atom id is a name: on the site's old host or an API's it is no page of the site
    (a request for each, a 404 or a JSON answer). Only an id on the host the caller takes
    (the feed's, the site's) is the entry's link; the others stay linkless, counted."""
    atom = (b'<feed xmlns="http://www.w3.org/2005/Atom"><id>https://ex.by/feed</id>'
            b"<entry><title>a</title><id>https://old-ex.by/2019/01/a</id>"
            b'<link rel="related" href="https://ex.by/a"/></entry>'
            b"<entry><title>b</title><id>https://api.ex.by/v1/news/12345</id>"
            b'<link rel="self" href="https://api.ex.by/v1/news/12345.json"/></entry>'
            b"<entry><title>c</title><id>https://ex.by/entry/77</id></entry></feed>")
    skips = feeds.FeedSkips()
    entries = feed_entries(atom, skips, id_link=feeds.same_host("https://ex.by/atom.xml"))
    assert [e.url for e in entries] == ["https://ex.by/entry/77"]
    assert skips.no_link == 2 and skips.first_no_link == "item 1 'a'"
    skips = feeds.FeedSkips()
    assert list(feed_entries(atom, skips)) == [] and skips.no_link == 3  # no host taken


@pytest.mark.parametrize("declaration", ["", '<?xml version="1.0" encoding="utf-8"?>',
                                         codecs.BOM_UTF8.decode("utf-8")],
                         ids=["no_declaration", "false_utf8", "bom"])
def test_a_short_windows_1251_feed_a_server_calls_latin_1_gives_its_cyrillic_links(
        declaration: str) -> None:
    """A short windows-1251 feed whose server says ``charset=ISO-8859-1`` (Apache's default):
    the Latin charset read its Cyrillic links as Latin letters ("íîâîñòè"), a 404 each; a
    Cyrillic charset whose words are clean reads it."""
    rss = ('<rss version="2.0"><channel><title>Навіны</title><item><title>Мінск</title>'
           "<link>https://ex.by/навіны/мінск-1</link></item></channel></rss>")
    body = declaration.encode("utf-8") + rss.encode("cp1251")
    entries = list(feed_entries(body, None, None, "text/xml; charset=ISO-8859-1"))
    assert [(e.url, e.title) for e in entries] == [("https://ex.by/навіны/мінск-1", "Мінск")]


@pytest.mark.parametrize("declaration", ['<?xml version="1.0" encoding="windows-1251"?>',
                                         '<?xml version="1.0" encoding="utf-8"?>', ""],
                         ids=["false_1251", "utf8", "no_declaration"])
def test_a_utf8_bom_before_utf8_with_one_broken_character_keeps_utf8(declaration: str) -> None:
    """A UTF-8 feed with a byte order mark whose one description is cut mid-character: the
    mark was dropped for any byte that is no UTF-8, and the feed read as windows-1251
    mojibake ("Р›СѓРєР°"). Nearly all UTF-8 after the mark (as decode_html judges) is UTF-8."""
    items = b"".join(
        b"<item><title>" + t.encode() + b"</title><link>https://ex.by/%d</link><description>" % n
        + (t.encode()[:17] if n == 0 else t.encode()) + b"</description></item>"
        for n, t in enumerate(CP1251_TITLES))
    body = (codecs.BOM_UTF8 + declaration.encode() + b'<rss version="2.0"><channel><title>'
            + "Новости".encode() + b"</title>" + items + b"</channel></rss>")
    entries = list(feed_entries(body))
    assert [(e.url, e.title) for e in entries] == [
        (f"https://ex.by/{n}", t) for n, t in enumerate(CP1251_TITLES)]


@pytest.mark.parametrize("pad", [b"\x00" * 9000, b"\x00" * 200_000, b"\r\n" + b"\x00" * 9000,
                                 b"\x1a" + b" " * 70_000 + b"\x00"])
def test_a_text_sitemap_padded_with_control_characters_keeps_its_last_url(pad: bytes) -> None:
    """A text sitemap whose file is padded after its last URL (NULs past 8 KiB, no line
    end): that URL and its pad were one line too long, junk, the URL lost. The pad ending
    the document is no line; cut off the last line, it is counted as any line's tail."""
    assert (read := read_text_sitemap(b"https://ex.org/a\nhttps://ex.org/b" + pad)) is not None
    urls, found = read
    assert urls == ["https://ex.org/a", "https://ex.org/b"]
    assert (found.junk, found.too_long) == (0, 0)
    assert found.cleaned == (0 if pad.startswith(b"\r") else 1)
    # a line too long before the pad is junk still, and the URL before it read
    assert (read := read_text_sitemap(b"https://ex.org/a\n" + b"x" * 9000 + pad)) is not None
    assert read[0] == ["https://ex.org/a"] and (read[1].junk, read[1].too_long) == (1, 1)


def _cp1251_feed(declaration: str, stray: bytes, items: int = 1000) -> bytes:
    """A windows-1251 feed of ``items`` items, ``stray`` bytes in the eleventh title."""
    body = [declaration.encode("ascii"), "<rss><channel><title>Лента</title>".encode("cp1251")]
    for n in range(items):
        title = f"{CP1251_TITLES[n % 3]} {n}".encode("cp1251") + (stray if n == 10 else b"")
        body.append(b"<item><title>" + title + b"</title><link>https://ex.by/%d</link></item>\n"
                    % n)
    return b"".join(body) + b"</channel></rss>"


@pytest.mark.parametrize("content_type", [None, "application/rss+xml; charset=windows-1251"])
def test_a_byte_windows_1251_leaves_undefined_loses_no_item(content_type: str | None) -> None:
    """Byte 0x98 (undefined in windows-1251) in one title of a feed declared windows-1251:
    libxml2 stopped there and 990 of the 1,000 items were lost, said nowhere. The feed is
    read whole, the byte a U+FFFD in its title, and the other titles as they are."""
    body = _cp1251_feed('<?xml version="1.0" encoding="windows-1251"?>', b"\x98")
    skips = FeedSkips()
    entries = list(feed_entries(body, skips, content_type=content_type))
    assert [e.url for e in entries] == [f"https://ex.by/{n}" for n in range(1000)]
    assert entries[10].title == f"{CP1251_TITLES[1]} 10\ufffd"
    assert entries[999].title == f"{CP1251_TITLES[0]} 999" and skips.unread is None
    urlset = (b'<?xml version="1.0" encoding="windows-1251"?><urlset>'
              + b"".join(b"<url><loc>https://ex.by/" + ("новости" if n != 1 else "нов").encode(
                  "cp1251") + (b"\x98" if n == 1 else b"") + b"/%d</loc></url>" % n
                  for n in range(500)) + b"</urlset>")
    stops, on_stop = feeds.xml_stops(urlset)
    locs = [loc for _, loc, _ in sitemap_entries(urlset, on_stop=on_stop)]
    assert len(locs) == 500 and locs[499] == "https://ex.by/новости/499" and stops == []


def test_a_label_python_reads_and_libxml2_does_not_is_read_as_declared() -> None:
    """A feed declared ``mac-cyrillic`` (a name libxml2 does not know): its titles were all
    U+FFFD; they are read in the charset declared."""
    body = CYRILLIC_FEED.format(declared="mac-cyrillic").encode("mac_cyrillic")
    [entry] = feed_entries(body)
    assert (entry.url, entry.title) == ("https://ex.by/новости/пожар-в-районе/", "Пожар в районе")


@pytest.mark.parametrize("label", ["base64", "hex", "rot13", "undefined", "idna"])
def test_a_label_naming_a_python_codec_that_is_no_charset_is_no_declaration(label: str) -> None:
    """A feed whose declaration names a Python codec that is no charset (``base64``: an
    AssertionError in the parse, ``rot13`` a TypeError) is read as if undeclared."""
    body = CYRILLIC_FEED.format(declared=label).replace("Пожар в районе", CP1251_TITLES[0])
    [entry] = feed_entries(body.encode("cp1251"))
    assert (entry.url, entry.title) == ("https://ex.by/новости/пожар-в-районе/", CP1251_TITLES[0])


@pytest.mark.parametrize("stray", [b"<!DOCTYPE x>"])
def test_a_parser_stop_after_a_recoverable_error_is_said_and_counted(stray: bytes) -> None:
    """libxml2 stops unraised at more than its errors _LOSING names (a DOCTYPE in a title):
    the 289 items after it were lost, said nowhere. Now the stop is told, with the records
    the bytes hold and the ones not read. (A bare "<" stopped it so too: it is read as text
    now, see test_a_bare_lt_in_a_windows_1251_title_loses_no_later_item.)"""
    skips = FeedSkips()
    body = _cp1251_feed('<?xml version="1.0" encoding="windows-1251"?>', stray, 300)
    assert len(list(feed_entries(body, skips))) == 10
    assert skips.unread is not None and "289 of its 300 records not read" in skips.unread


@pytest.mark.parametrize("content_type", [None, "application/rss+xml",
                                          "application/rss+xml; charset=ISO-8859-1"])
def test_an_undeclared_latin_feed_gives_its_accented_links(content_type: str | None) -> None:
    """A French feed in windows-1252 with no charset named (or Apache's ISO-8859-1, which a
    feed does not trust): read as windows-1250, "très" came out "trčs" and each accented
    link a 404. Its links and titles are read in windows-1252 now."""
    titles = ["Noël à Montréal : très froid", "L'élève reçoit un prix", "Où est passée la forêt ?"]
    links = [f"https://ex.fr/actualités/{n}-été" for n in range(3)]
    rss = ('<?xml version="1.0"?><rss><channel><title>Actualités</title>' + "".join(
        f"<item><title>{t}</title><link>{u}</link></item>" for t, u in zip(titles, links,
                                                                            strict=True))
        + "</channel></rss>")
    entries = list(feed_entries(rss.encode("cp1252"), content_type=content_type))
    assert [(e.url, e.title) for e in entries] == list(zip(links, titles, strict=True))


@pytest.mark.parametrize("label", ["us-ascii", "ascii", "US-ASCII"])
def test_a_feed_declared_ascii_holding_high_bytes_is_read_as_undeclared(label: str) -> None:
    """A windows-1251 feed declared ``us-ascii``: every Cyrillic letter was U+FFFD and each
    link a 404. High bytes say the label is wrong: the bytes are judged as undeclared."""
    body = CYRILLIC_FEED.format(declared=label).replace("Пожар в районе", CP1251_TITLES[0])
    for content_type in (None, f"application/rss+xml; charset={label}"):
        [entry] = feed_entries(body.encode("cp1251"), content_type=content_type)
        assert entry.url == "https://ex.by/новости/пожар-в-районе/"
        assert entry.title == CP1251_TITLES[0]


def test_a_utf8_feed_with_a_cut_character_declared_windows_1251_is_read_as_utf8() -> None:
    """A UTF-8 feed declared windows-1251, one description cut mid-character (so no valid
    UTF-8 whole): it was read as windows-1251, every title doubly encoded ("РџРѕР¶Р°СЂ").
    Bytes that are overwhelmingly valid multi-byte UTF-8 are UTF-8."""
    items = "".join(f"<item><title>{CP1251_TITLES[n % 3]} {n}</title>"
                    f"<link>https://ex.by/новости/{n}</link></item>" for n in range(50))
    body = ('<?xml version="1.0" encoding="windows-1251"?><rss><channel><title>Лента</title>'
            + items + "<item><title>").encode() + "Пожар".encode()[:-1] + (
        "</title><link>https://ex.by/последняя</link></item></channel></rss>".encode())
    entries = list(feed_entries(body))
    assert [e.title for e in entries[:50]] == [f"{CP1251_TITLES[n % 3]} {n}" for n in range(50)]
    assert entries[49].url == "https://ex.by/новости/49"
    assert entries[50].url == "https://ex.by/последняя" and entries[50].title == "Пожа\ufffd"


def _five_items(extra: str) -> str:
    return "".join(f"<item><title>T {n}</title><link>https://ex.by/{n}</link>"
                   f"{extra if n == 1 else ''}</item>" for n in range(5))


@pytest.mark.parametrize("body", [
    "<rss><channel>" + _five_items("<x:entry>z</x:entry>") + "</channel></rss>",
    "<rss><channel>" + _five_items("<atom:entry><atom:title>z</atom:title></atom:entry>")
    + "</channel></rss>",
    "<rss><channel>" + _five_items("") + "</channel></rss><item></item>",
    "<rss><channel>" + _five_items("<?php echo '</item>' ?><y:z/>") + "</channel></rss>",
    '<!DOCTYPE rss [<!ENTITY e "</item>">]><rss><channel>' + _five_items("<y:z/>")
    + "</channel></rss>",
], ids=["undeclared_prefix", "atom_entry_in_item", "after_root", "in_a_pi", "in_the_doctype"])
def test_an_error_that_loses_no_record_is_no_stop(body: str) -> None:
    """An undeclared prefix (libxml2 logs it and loses nothing), or an "</item>" in a PI,
    the DOCTYPE or after the root closed: "1 of its 6 records not read" was said of a feed
    read whole. A record nested in an item (``<x:entry>``) is its field, and no entry."""
    skips = FeedSkips()
    entries = list(feed_entries(('<?xml version="1.0"?>' + body).encode(), skips))
    assert [e.url for e in entries] == [f"https://ex.by/{n}" for n in range(5)]
    assert entries[1].title == "T 1" and skips.unread is None and skips.no_link == 0


# --- malformed feeds: the entries after the damaged spot are read, the damage said ----------

def _three(second: str = "", *, title: str = "Второй", description: str = "Текст") -> bytes:
    """An RSS feed of three items, ``second`` (raw markup) closing the second one's fields:
    its title and description are written as given, unescaped."""
    items = [f"<item><title>{t}</title><link>https://ex.by/news/{n}</link>"
             f"<description>{d}</description>{second if n == 2 else ''}</item>\n"
             for n, t, d in ((1, "Первый", "Текст"), (2, title, description),
                             (3, "Третий", "Текст"))]
    return _rss_items(*items)


_ALL_THREE = [f"https://ex.by/news/{n}" for n in (1, 2, 3)]


@pytest.mark.parametrize("title", ["Курс < 3 руб", "1<2", "x <3 y", "Курс <", "a <= b",
                                   "<< цитата", "if a<b then", "a <b c", "Цена<Курса",
                                   "a <x y='1' z=\"2\" <"])
def test_a_bare_lt_in_a_title_loses_no_later_item(title: str) -> None:
    """A "<" a small CMS left unescaped in a title stopped the parse ("StartTag: invalid
    element name", or a tag never finished): the third item was lost, said only as unread.
    It opens no markup, so it is read as text: every item is read, the title as written,
    and the damage said."""
    skips = FeedSkips()
    entries = list(feed_entries(_three(title=title), skips))
    assert [e.url for e in entries] == _ALL_THREE
    assert [e.title for e in entries] == ["Первый", title, "Третий"]
    assert skips.unread is None
    assert skips.malformed == "line 2: a '<' that opens no tag, read as text"


@pytest.mark.parametrize("stray", [b"<", b" a < b "])
def test_a_bare_lt_in_a_windows_1251_title_loses_no_later_item(stray: bytes) -> None:
    """The feed of test_a_parser_stop_after_a_recoverable_error_is_said_and_counted, whose
    bare "<" lost the 289 items after the eleventh: all 300 are read now."""
    skips = FeedSkips()
    body = _cp1251_feed('<?xml version="1.0" encoding="windows-1251"?>', stray, 300)
    entries = list(feed_entries(body, skips))
    assert [e.url for e in entries] == [f"https://ex.by/{n}" for n in range(300)]
    assert entries[10].title == (f"{CP1251_TITLES[1]} 10" + stray.decode()).strip()
    assert skips.unread is None and skips.malformed is not None


@pytest.mark.parametrize("head", [
    b'<?xml version="1.0"?><?php if (a < b && c) echo "<x"; ?>',
    b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY c "1 < 2 &amp; 3"><!-- a < b -->]>',
    b'<?xml version="1.0"?>\n<!DOCTYPE rss>\n<?xml-stylesheet href="s.xsl?a=1&b=<2"?>'])
def test_a_lt_a_pi_or_doctype_holds_is_no_damage(head: bytes) -> None:
    """A "<" (or "&") is legal in a processing instruction and in a DOCTYPE's entity value:
    the feed is well-formed, read whole and said malformed by no one, the PI or DOCTYPE
    left as written."""
    skips = FeedSkips()
    body = _rss_items(*(f"<item><title>t{n}</title><link>https://ex.by/news/{n}</link></item>"
                        for n in (1, 2, 3)), head=head)
    assert [e.url for e in feed_entries(body, skips)] == _ALL_THREE
    assert skips.unread is None and skips.malformed is None
    assert feeds._as_references(body) == (body, None)


def _attr_lt_feed(tag: str, every: bool, link_first: bool) -> bytes:
    """Five RSS items whose description holds ``tag`` (HTML whose quoted attribute value
    holds a "<") unescaped: in every item or the second only; the link and a date
    after the description, or the link before it."""
    items = []
    for n in range(1, 6):
        description = f"<description>{tag if every or n == 2 else ''}</description>"
        link = f"<link>http://ex.by/{n}</link>"
        date = f"<pubDate>Mon, 0{n} Jun 2026 10:00:00 +0000</pubDate>"
        fields = link + description if link_first else description + link
        items.append(f"<item><title>t{n}</title>{fields}{date}</item>")
    return _rss_items(*items)


@pytest.mark.parametrize("tag", ['<a href="/s?q=a<b">z</a>', '<a title="1 < 2">z</a>',
                                 "x <img alt='a<b'> y", '<img alt="a<b"/>',
                                 '<a href="x" title="<<">z</a>'])
@pytest.mark.parametrize("every", [True, False])
@pytest.mark.parametrize("link_first", [True, False])
def test_a_lt_in_a_quoted_attribute_value_loses_no_field(tag: str, every: bool,
                                                        link_first: bool) -> None:
    """A "<" in a quoted attribute value of a description's unescaped HTML: the start tag
    was read as text, its "</a>" then closed the item, and every later field (link, date)
    and item was lost. It is a tag (libxml2 reads the value): every entry, each dated."""
    skips = FeedSkips()
    entries = list(feed_entries(_attr_lt_feed(tag, every, link_first), skips))
    assert [e.url for e in entries] == [f"http://ex.by/{n}" for n in range(1, 6)]
    assert [e.published for e in entries] == [datetime(2026, 6, n, 10, tzinfo=UTC)
                                              for n in range(1, 6)]
    assert skips.unread is None and skips.malformed is not None


@pytest.mark.parametrize("value", ["https://t.co/r?u=" + "A" * 5000,
                                   "data:image/png;base64," + "QUJD" * 3000])
@pytest.mark.parametrize("closed", [True, False])
def test_a_long_attribute_value_of_a_well_formed_feed_is_read_as_written(value: str,
                                                                        closed: bool) -> None:
    """A quoted value longer than what a "<" may be followed by in one (a tracking URL, a
    data: URI in Atom xhtml) is no stray "<": the tag stays a tag, every entry is read, and
    the feed is said malformed by no one (its tag was made text: its end tag closed the entry,
    the entries lost)."""
    tag = f'<a href="{value}">read</a>' if closed else f'<img src="{value}"/>'
    body = ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            '<entry><title>One</title><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
            f'<p>{tag}</p></div></content><link rel="alternate" href="https://a.by/1"/>'
            '<published>2026-11-02T10:00:00Z</published></entry>'
            '<entry><title>Two</title><link rel="alternate" href="https://a.by/2"/></entry></feed>'
            ).encode()
    skips = FeedSkips()
    entries = list(feed_entries(body, skips))
    assert [(e.url, e.published) for e in entries] == [
        ("https://a.by/1", datetime(2026, 11, 2, 10, tzinfo=UTC)), ("https://a.by/2", None)]
    assert skips.unread is None and skips.malformed is None


def test_text_that_looks_like_a_link_in_a_broken_description_is_no_entry() -> None:
    """Recovery reads only an item's own link: a URL in a broken description, as text or
    in a <link> the description's unescaped markup holds, is none."""
    description = "см. <link>https://evil.example/x</link> и https://evil.example/y, курс < 3"
    skips = FeedSkips()
    entries = list(feed_entries(_three(description=description), skips))
    assert [e.url for e in entries] == _ALL_THREE
    assert skips.unread is None and skips.no_link == 0 and skips.malformed is not None


def test_stray_lts_are_judged_alike_in_small_pieces(monkeypatch) -> None:
    """The rewrite goes a piece at a time: a tag cut at a piece's end was judged without its
    ">" and read as text. Pieces end before a "<"; well-formed markup is never touched."""
    markup = b"".join(b'<t a="x>y" b=\'z\'>1 < 2, 3<4 <x:y/></t><?pi <x?>\n<u v="<">'
                      b'<a href="/s?q=a<1" title=\'<c d=1>\'>' for _ in range(40))
    whole = feeds._references_in(markup)
    # "< 2", "<4", and "<" in quoted values, whose tags are tags (libxml2 reads them): made
    # "&#60;" where no tag follows, as any
    assert whole.count(b"&#60;") == 40 * 4 and whole.count(b'<u v="&#60;">') == 40
    assert whole.count(b'<a href="/s?q=a&#60;1" title=\'<c d=1>\'>') == 40
    assert whole.count(b'<t a="x>y" b=\'z\'>') == 40 and whole.count(b"<x:y/>") == 40
    for size in (7, 41, 64, 97):
        monkeypatch.setattr(feeds, "_PIECE", size)
        assert feeds._references_in(markup) == whole
    well_formed = ('<?xml version="1.0"?><!DOCTYPE rss><rss xmlns:a="urn:a"><channel>'
                   "<a:b c='1 > 0' d=\"e\">f</a:b><Курс/><item><title>t</title></item>"
                   "</channel></rss>").encode()
    assert feeds._as_references(well_formed) == (well_formed, None)


def _dated(count: int, description: Callable[[int], str]) -> bytes:
    """An RSS feed of ``count`` items, each with its title, link, ``description(n)`` as
    raw markup and a date (the n-th of June, ``n`` up to 28) after it."""
    return _rss_items(*(f"<item><title>t{n}</title><link>https://ex.by/news/{n}</link>"
                        f"<description>{description(n)}</description>"
                        f"<pubDate>{n % 28 + 1:02d} Jun 2026 10:00:00 +0000</pubDate></item>\n"
                        for n in range(1, count + 1)))


@pytest.mark.parametrize("unclosed", ["<p>Текст", "<b>жирный", "<p>x <link>https://evil.example/p</link>",
                                      "<div>первая строка"])
def test_a_tag_left_open_in_a_description_loses_no_later_item(unclosed: str) -> None:
    """An HTML tag left open in an item's description (libxml2 closes it with the
    description's end tag, which leaves the item open): every later item was held in that
    one, a field of it, and lost. The items after are read whole, and the damage said; a
    link inside the description is no entry. Recovered in part: the item itself ends last
    (at the root's end tag), given after the later ones, and its date, written after the
    description, was read into the description: lost."""
    skips = FeedSkips()
    entries = list(feed_entries(_dated(3, lambda n: unclosed if n == 2 else "Текст"), skips))
    assert [e.url for e in entries] == [_ALL_THREE[0], _ALL_THREE[2], _ALL_THREE[1]]
    assert [e.title for e in entries] == ["t1", "t3", "t2"]
    assert [e.published for e in entries] == [datetime(2026, 6, 2, 10, tzinfo=UTC),
                                              datetime(2026, 6, 4, 10, tzinfo=UTC), None]
    assert skips.unread is None and skips.no_link == 0
    assert skips.malformed is not None and "mismatch" in skips.malformed


# Read in a child process: a heap libxml2 corrupted aborts the process (SIGABRT, SIGSEGV),
# which no test in this one could report. Prints each read's (url, title) pairs.
_READ_IN_A_CHILD = """
import json, sys
from crawler import feeds
body = sys.stdin.buffer.read()
for chunk in map(int, sys.argv[1:]):
    feeds._CHUNK = chunk
    print(json.dumps([(e.url, e.title) for e in feeds.feed_entries(body)]))
"""


def _read_in_a_child(body: bytes, chunks: tuple[int, ...]) -> list[list[list[str | None]]]:
    done = subprocess.run([sys.executable, "-c", _READ_IN_A_CHILD, *map(str, chunks)], input=body,
                          capture_output=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-500:]
    return [json.loads(line) for line in done.stdout.splitlines()]


# A fuzzed RSS 1.0 feed: "<item>" opened in the channel's text ("</cha<item>nnel>"), the
# items after it nested in it; a mismatched end tag ("<entry>title>T2</title>"); then text
# after the second item ("&#60;item rdf:about") the parse stalls after (at "<?=", never closed).
_NESTED_THEN_STALLED = (
    b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/f-syntax-ns#" '
    b'xmlns="http://purl.org/rss/1.0/"><channel rdf:about="x"><title>t</title>'
    b"<link>https://ex.by</link></cha<item>nnel>"
    b'<item rdf:about="https://ex.by/1"><title>T1</title><link>https://ex.by/1</link>'
    b"<description><![CDATA[<p>a</p>]]></description></item>"
    b'<item rdf:about="https://ex.by/2"><<entry>title>T2</title><link>https://ex.by/2</link>'
    b"<description><![CDATA[<p>a</p>]]></description></item>"
    b'<item rdf:about<?="&e;htt&e;ps://ex.by/3"><title>T3</title><link>https://ex.by/3</link>'
    b"<description><![CDATA[<p>a</p>]]></description></item></rdf:RDF>")


_FUZZED_CUT_AT_455 = (  # found by fuzzing: the same damage, read 455 bytes at a time
    b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://</link>www.w3.org/1999/f-syntax-'
    b'ns#" xmlns="http://p&url.org/rss/1.0/"><channel rdf:about="x"><title>t</title><l'
    b'ink>https://ex.by</link></cha<item>nnel><item rdf:about="https://ex.by/1"><title'
    b'>T1</title><link>https://ex.by/1</link><description><![CDATA[<p>a</p>]]></descri'
    b'ption></item><item rdf:about="https://ex.by/2"><<entry>title>T2</title><link>htt'
    b'ps://ex.by/2</link><description><![CDATA[<p>a</p>]]></description></item><item r'
    b'df:about<?="&e;htt&e;ps://ex.by/3"><title>T3</title><link>https://ex.by/3</link>'
    b'<description><![CDATA[<p>a</p>]]></item></rdf:RDF>')


@pytest.mark.parametrize(("body", "chunk"), [(_NESTED_THEN_STALLED, 64 * 1024),
                                             (_FUZZED_CUT_AT_455, 455)])
def test_items_nested_after_a_mismatch_never_corrupt_the_parsers_memory(body: bytes,
                                                                         chunk: int) -> None:
    """An item nested in an item after a mismatched end tag was unlinked from its parent,
    still open in libxml2, with the text after it: libxml2 appends the next text to the
    open element's last text at the length it last wrote there, and wrote it past the end
    of another node's buffer. The heap corrupted, the crawl process aborted ("free():
    invalid next size"). Read in a child process: it ends well, every item read."""
    assert _read_in_a_child(body, (chunk,)) == [
        [["https://ex.by/1", "T1"], ["https://ex.by/2", None], ["https://ex.by/3", "T3"]]]


def test_text_after_an_item_nested_by_an_open_tag_cut_by_a_chunk_never_corrupts() -> None:
    """The same where a feed is cut into chunks: a "<p>" left open in the first item's
    description nests the later items in it, and a long text after each (with references,
    read in pieces) is cut where a chunk ends. Each chunk size here aborted or crashed the
    process, at a chunk boundary inside that text; every item is read at each."""
    text = ("y" * 350 + "&amp;") * 4
    body = ('<?xml version="1.0"?><rss version="2.0"><channel><item><title>t1</title>'
            "<link>https://ex.by/news/1</link><description><p>x</description></item>x"
            + "".join(f"<item><title>t{n}</title><link>https://ex.by/news/{n}</link></item>{text}"
                      for n in (2, 3, 4)) + "</channel></rss>").encode()
    chunks = (600, 700, 750, 800, 1250, 1300, 1450, 3550, 4400)
    expected = [[f"https://ex.by/news/{n}", f"t{n}"] for n in (2, 3, 4, 1)]
    assert _read_in_a_child(body, chunks) == [expected] * len(chunks)


def test_tags_left_open_past_the_parsers_depth_lose_the_feed_said() -> None:
    """A tag left open in every item nests each later item a level deeper: 200 items are
    read (the last first, undated); past libxml2's 256 levels the parse stops and no item
    is read, the feed said unread (with its records not read), not malformed."""
    skips = FeedSkips()
    entries = list(feed_entries(_dated(200, lambda n: "<p>x"), skips))
    assert [e.url for e in entries] == [f"https://ex.by/news/{n}" for n in range(200, 0, -1)]
    assert all(e.published is None for e in entries) and skips.unread is None
    skips = FeedSkips()
    assert list(feed_entries(_dated(300, lambda n: "<p>x"), skips)) == []
    assert skips.unread is not None and "300 of its 300 records not read" in skips.unread
    assert skips.malformed is None


def test_a_tag_left_open_early_in_a_big_feed_holds_no_whole_tree() -> None:
    """Each item held in the one with the open tag is let go once read, as any record. (That
    item's own link is held in its title, the tag's parent, out of its reach: no link.)"""
    body = big_feed(5000)
    first = body.index(b"</title>", body.index(b"<item>"))  # the first item's title
    body = body[:first] + b"<b>" + body[first:]
    held, urls = 0, []
    for node in iter_records(body, ("item",)):
        urls.append(feeds._child_text(node, "link"))
        held = max(held, sum(1 for _ in node.getroottree().getroot().iter()))
    assert urls.count(None) == 1
    assert sorted(u for u in urls if u) == sorted(f"https://www.belta.by/society/view/n-{i}-2026/"
                                                  for i in range(1, 5000))
    assert held < 5000


def test_a_feed_cut_in_its_last_items_link_gives_no_cut_link() -> None:
    """A feed cut short inside the last item's <link>: the parser closes it at the end, and
    "https://ex.by/news/3" cut to "https://ex.by/ne" was an entry (a 404, or another page).
    A field open where the document ends is dropped: the item has no link; the ones before
    are read, and the cut is said. Cut after the link closed, the last item keeps it."""
    body = _three()
    in_link = body[:body.index(b"ws/3</link>")]  # "...<link>https://ex.by/ne"
    last = body.rindex("Текст</description>".encode())
    in_description = body[:last + len("Те".encode())]  # "...<description>Те"
    for cut, urls in ((in_link, _ALL_THREE[:2]), (in_description, _ALL_THREE)):
        skips = FeedSkips()
        entries = list(feed_entries(cut, skips))
        assert [e.url for e in entries] == urls
        assert skips.unread is not None and "Premature end of data" in skips.unread
    skips = FeedSkips()
    list(feed_entries(in_link, skips))
    assert skips.no_link == 1 and skips.first_no_link == "item 3 'Третий'"


def test_a_control_character_in_a_title_is_said() -> None:
    """A control character XML cannot hold: libxml2 drops it and reads on, and the damage
    was said nowhere. Every item is read, the damage said with its line."""
    skips = FeedSkips()
    entries = list(feed_entries(_three(title="Курс\x01 рубля\x1b"), skips))
    assert [e.url for e in entries] == _ALL_THREE and entries[1].title == "Курс рубля"
    assert skips.unread is None
    assert skips.malformed is not None and skips.malformed.startswith("line 2: ")


def test_a_well_formed_feed_is_said_malformed_nowhere() -> None:
    skips = FeedSkips()
    assert [e.url for e in feed_entries(_three(title="Курс &lt; 3 руб"), skips)] == _ALL_THREE
    assert skips.malformed is None and skips.unread is None


@pytest.mark.parametrize("html", ["строка<br>строка", "<img src='https://ex.by/a.jpg' alt=\"a>b\">",
                                  "<p>a<BR >b</p><hr>", "<img src=\"/i.jpg\"><br>"])
def test_html_void_tags_left_open_in_every_description_lose_no_item(html: str) -> None:
    """"<br>" in every item's description (unescaped HTML): each nested the next item in the
    one before, until the parse stopped at libxml2's depth limit and every item was lost.
    A void element the document never closes is read as closed: every item is read."""
    items = [f"<item><title>T {n}</title><link>https://ex.by/{n}</link>"
             f"<description>{html}</description></item>\n" for n in range(300)]
    skips = FeedSkips()
    entries = list(feed_entries(_rss_items(*items), skips))
    assert [e.url for e in entries] == [f"https://ex.by/{n}" for n in range(300)]
    assert [e.title for e in entries] == [f"T {n}" for n in range(300)]
    assert skips.unread is None and skips.no_link == 0
    assert skips.malformed == "line 1: an HTML tag never closed, read as closed"


def test_a_void_tag_the_document_closes_is_left_as_written() -> None:
    """A document that writes "</br>" closes its "<br>": nothing is read self-closed."""
    body = _rss_items("<item><title>a<br>b</br>c</title><link>https://ex.by/1</link></item>")
    assert feeds._as_references(body) == (body, None)
    skips = FeedSkips()
    [entry] = feed_entries(body, skips)
    assert (entry.url, entry.title, skips.malformed) == ("https://ex.by/1", "a", None)


@pytest.mark.parametrize(("opened", "said"), [
    ("<![CDATA[<p>Текст <b>жирный</b> AT&T <a href='https://evil.example/c'>e</a>",
     "line 2: a CDATA section never closed, its opener read as text"),
    ("<!-- комментарий <link>https://evil.example/d</link>",
     "line 2: a comment never closed, its opener read as text"),
])
def test_a_cdata_section_or_comment_left_open_loses_no_later_item(opened: str, said: str) -> None:
    """A CDATA section (or comment) opened in the second item's description and never
    closed: the rest of the feed was its text, the third item lost. Its opener is read as
    text and what follows as markup: the third item is read, no link inside it is an
    entry, and the damage is said."""
    skips = FeedSkips()
    entries = list(feed_entries(_three(description=opened), skips))
    assert sorted(e.url for e in entries) == _ALL_THREE
    assert skips.unread is None and skips.no_link == 0 and skips.malformed == said
    # a feed cut short inside its last item's CDATA (or comment) is read as before: that
    # item by its link, whole before the cut; the cut said
    last = _rss_items(*(f"<item><title>T</title><link>https://ex.by/news/{n}</link>"
                        f"<description>{opened if n == 3 else ''}</description></item>\n"
                        for n in (1, 2, 3)))
    skips = FeedSkips()
    assert [e.url for e in feed_entries(last[:last.rindex(b"</description>")], skips)] \
        == _ALL_THREE
    assert skips.unread is not None and "Premature end of data" in skips.unread


def _four(second: str, *, later: str = "<![CDATA[Текст]]>") -> bytes:
    """Four RSS items, the second's description ``second`` and the later ones' ``later``
    (raw markup), each dated after its description."""
    descriptions = {1: "Текст", 2: second, 3: later, 4: later}
    return _rss_items(*(f"<item><title>t{n}</title><link>https://ex.by/news/{n}</link>"
                        f"<description>{descriptions[n]}</description>"
                        f"<pubDate>0{n} Jun 2026 10:00:00 +0000</pubDate></item>\n"
                        for n in range(1, 5)))


_ALL_FOUR = [f"https://ex.by/news/{n}" for n in range(1, 5)]


def _descriptions(body: bytes) -> dict[str | None, str | None]:
    """Each item's description by its title, read as the records are given."""
    return {feeds._child_text(node, "title"): feeds._child_text(node, "description")
            for node in iter_records(body, ("item",))}


@pytest.mark.parametrize("opened", ["<![CDATA[<p>Текст <b>жирный</b> AT&T",
                                    "Текст: <![CDATA[<a href='https://evil.example/c'>e</a>",
                                    "<![CDATA[a <item><link>https://evil.example/i</link>",
                                    "Текст <b>x</b> <![CDATA[<a href='https://e.example/c'>e</a>"])
def test_a_cdata_section_a_later_item_closes_is_read_as_written(opened: str) -> None:
    """A CDATA section opened in the second item's description whose "]]>" is the third
    item's: the document is well-formed, and nothing tells it from a tutorial's section
    holding "</description></item><item>" as its text (test_a_cdata_section_holding_...):
    it is left as written (the third item is the second's description text), unsaid."""
    body = _four(opened)
    assert feeds._as_references(body) == (body, None)
    skips = FeedSkips()
    assert [e.url for e in feed_entries(body, skips)] == [_ALL_FOUR[0], _ALL_FOUR[1], _ALL_FOUR[3]]
    assert skips.unread is None and skips.malformed is None


@pytest.mark.parametrize("cdata", [
    "<![CDATA[<p>To end an item write:</p><pre></description></item> and then <item> for the "
    "next</pre>]]>",
    "<![CDATA[Close with </description></item> then open <item>.]]>",
    "<![CDATA[a]]]]><![CDATA[>b </description></item><item>]]>"])
def test_a_tutorial_cdata_section_holding_an_items_end_and_start_is_its_text(cdata: str) -> None:
    """A tutorial's CDATA section holding "</description></item> … <item>" as its text (and
    one split around a "]]>"): a well-formed feed, read as written, every item with its date,
    its description the section's text, unsaid (a heuristic closing it at the field's end
    lost the next items' fields and said the feed unread)."""
    body = _four(cdata)
    assert feeds._as_references(body) == (body, None)
    skips = FeedSkips()
    entries = list(feed_entries(body, skips))
    assert [e.url for e in entries] == _ALL_FOUR
    assert [e.published for e in entries] == [datetime(2026, 6, n, 10, tzinfo=UTC)
                                              for n in range(1, 5)]
    assert skips.unread is None and skips.malformed is None
    assert _descriptions(body)["t2"] == cdata.replace("<![CDATA[", "").replace("]]>", "")


@pytest.mark.parametrize("cdata", [
    "<![CDATA[Пример: <item><description>a</description></item><item><title>b</title>]]>",
    "<![CDATA[<description>x</description></item><item>]]>",
    "<![CDATA[</description> в тексте, без записи]]>",
    "<![CDATA[</item><item>]]>",
    "<b>x</b> <![CDATA[<item><description>a</description></item><item>b]]>",
    "<b>x</b> <![CDATA[</b></item>]]>",
])
def test_a_cdata_section_holding_feed_markup_is_read_as_written(cdata: str) -> None:
    """A CDATA section whose text holds feed markup (an RSS example, a field's end tag
    alone) is a section of its field: left as written, its text the description's, and the
    feed said malformed by no one."""
    body = _four(cdata)
    assert feeds._as_references(body) == (body, None)
    skips = FeedSkips()
    assert [e.url for e in feed_entries(body, skips)] == _ALL_FOUR
    assert skips.malformed is None and skips.unread is None
    if cdata.startswith("<![CDATA["):  # (else the text is the tail of a child)
        assert _descriptions(body)["t2"] == cdata[len("<![CDATA["):-len("]]>")]


@pytest.mark.parametrize(("title", "read", "said"), [
    ("AT&T", "AT&T", "a bare '&', read as text"),
    ("Рост & падение", "Рост & падение", "a bare '&', read as text"),
    ("Минск&nbsp;сегодня", "Минск\xa0сегодня",
     "an entity XML does not define (&nbsp;), read as its character"),
    ("&laquo;Б&raquo;", "«Б»", "an entity XML does not define (&laquo;), read as its character"),
    ("&nosuchname; x", "&nosuchname; x", "an undefined entity (&nosuchname;), read as text"),
    ("a&#0;b &#65;", "a&#0;b A", "a reference to a character XML cannot hold (&#0;), read as text"),
    ("&#1047;а &amp; AT&T", "За & AT&T", "a bare '&', read as text"),
    ("a&#x2014;b&#10;c&#xFFFE;", "a—b\nc&#xFFFE;",
     "a reference to a character XML cannot hold (&#xFFFE;), read as text"),
])
def test_a_reference_xml_does_not_resolve_is_said(title: str, read: str, said: str) -> None:
    """A bare "&" or an entity XML does not define (HTML's, with no DTD naming it) was
    recovered unsaid: the feed is malformed. Every item is read, the title keeps its "&" or
    the character meant, and the first such spot is said."""
    skips = FeedSkips()
    entries = list(feed_entries(_three(title=title), skips))
    assert [e.url for e in entries] == _ALL_THREE and entries[1].title == read
    assert skips.unread is None and skips.malformed == f"line 2: {said}"


def test_a_bare_ampersand_in_a_link_keeps_it_and_is_said() -> None:
    body = _rss_items("<item><title>a</title><link>https://ex.by/?id=1&utm=rss</link></item>",
                      "<item><title>b</title><link>https://ex.by/?id=2&amp;utm=rss</link></item>")
    skips = FeedSkips()
    assert [e.url for e in feed_entries(body, skips)] == ["https://ex.by/?id=1&utm=rss",
                                                          "https://ex.by/?id=2&utm=rss"]
    assert skips.malformed == "line 1: a bare '&', read as text"


@pytest.mark.parametrize("head", [
    b'<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
    b'"http://my.netscape.com/publish/formats/rss-0.91.dtd">',
    b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY nbsp "&#160;">]>'])
def test_an_entity_a_dtd_may_define_is_no_damage(head: bytes) -> None:
    """RSS 0.91's DTD defines HTML's entities, and an internal subset may declare one: the
    feed is well-formed, said malformed by no one."""
    skips = FeedSkips()
    body = _rss_items("<item><title>a&nbsp;b</title><link>https://ex.by/1</link></item>",
                      head=head)
    [entry] = feed_entries(body, skips)
    assert entry.url == "https://ex.by/1" and skips.malformed is None and skips.unread is None


@pytest.mark.parametrize("html", ['<meta charset="utf-8">текст', "<META name='x' content='y'>",
                                  '<base href="https://ex.by/">x',
                                  '<link rel="stylesheet" href="/s.css">текст',
                                  '<video><source src="/a.mp4" type="video/mp4"></video>'])
def test_more_html_void_tags_left_open_in_every_description_lose_no_item(html: str) -> None:
    """<meta>, <base>, and HTML's <link> and <source> (with attributes, their end tag not
    next) left open in every description nested each item in the one before, to the depth
    limit: every item lost. Each is read closed; RSS's own <link> and <source> are not."""
    items = [f"<item><title>T {n}</title><link>https://ex.by/{n}</link>"
             f"<description>{html}</description>"
             f'<source url="https://src.by/rss">Источник</source></item>\n' for n in range(300)]
    skips = FeedSkips()
    body = _rss_items(*items)
    entries = list(feed_entries(body, skips))
    assert [e.url for e in entries] == [f"https://ex.by/{n}" for n in range(300)]
    assert skips.unread is None and skips.no_link == 0
    assert skips.malformed == "line 1: an HTML tag never closed, read as closed"
    sources = [n.find("source") for n in iter_records(body, ("item",))]
    assert [(s.get("url"), s.text) for s in sources] == [("https://src.by/rss", "Источник")] * 300


@pytest.mark.parametrize("body", [
    _rss_items('<item><title>a</title><link>https://ex.by/1</link>'
               '<source url="https://src.by/rss">Источник</source></item>'),
    _rss_items('<item><title>a</title><link>https://ex.by/1</link>'
               '<source url="https://src.by/rss"><![CDATA[Источник]]></source></item>'),
    (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry><title>a</title>'
     b'<link rel="alternate" href="https://ex.by/1"></link><link href="https://ex.by/1.jpg" '
     b'rel="enclosure"><!-- c --></link></entry></feed>'),
    _rss_items('<item><title>a</title><link>https://ex.by/1</link><description><![CDATA['
               '<meta charset="utf-8"><link rel="x" href="y">]]></description></item>'),
])
def test_rss_link_and_source_of_a_well_formed_feed_are_read_as_written(body: bytes) -> None:
    skips = FeedSkips()
    assert feeds._as_references(body) == (body, None)
    assert [e.url for e in feed_entries(body, skips)] == ["https://ex.by/1"]
    assert skips.malformed is None and skips.unread is None


@pytest.mark.parametrize("title", ["a <! b", "<!x", "a <!- b", "a <![ b", "<!doctype html> x",
                                   "a <!", "<!>"])
def test_a_lt_bang_that_opens_no_section_loses_no_later_item(title: str) -> None:
    """A "<!" in text opening no comment, CDATA section or DOCTYPE stopped the parse
    ("StartTag: invalid element name"): the later items were lost. It is text now."""
    skips = FeedSkips()
    entries = list(feed_entries(_three(title=title), skips))
    assert [e.url for e in entries] == _ALL_THREE
    assert [e.title for e in entries] == ["Первый", title, "Третий"]
    assert skips.unread is None
    assert skips.malformed == "line 2: a '<' that opens no tag, read as text"


_ATOM_HEAD = '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">'


@pytest.mark.parametrize("body", [
    (_ATOM_HEAD + '<entry><title>a</title><link href="https://e/1"/><id>1</id><content type="html">'
     '<![CDATA[<video><source src="a.mp4"></video>]]></content></entry><entry><title>b</title>'
     '<link href="https://e/2"/><id>2</id><content type="xhtml"><div xmlns="http://www.w3.org/'
     '1999/xhtml"><video><source src="b.mp4"><track src="c"/></source></video></div></content>'
     '</entry><entry><title>c</title><link href="https://e/3"/><id>3</id></entry></feed>'),
    (_ATOM_HEAD + '<entry><title>a</title><link href="https://e/1"/><id>1</id><content type="html">'
     '<![CDATA[<link rel="stylesheet" href="s.css">]]></content></entry><entry><title>b</title>'
     '<link rel="alternate" href="https://e/2"><title>x</title></link><id>2</id></entry>'
     '<entry><title>c</title><link href="https://e/3"/><id>3</id></entry></feed>'),
    (_ATOM_HEAD + '<!-- <link rel="x" href="y"> --><entry><title>a</title><link href="https://e/1"/>'
     '</entry><entry><title>b</title><link href="https://e/2"><x/></link></entry><entry>'
     '<title>c</title><link href="https://e/3"/></entry></feed>'),
    _rss_items('<item><title>a</title><link>https://e/1</link><description><![CDATA[<video>'
               '<source src="a.mp4"></video>]]></description></item>',
               '<item><title>b</title><link>https://e/2</link><source url="https://s/"><b>Src</b>'
               '</source></item>', '<item><title>c</title><link>https://e/3</link></item>').decode(),
])
def test_link_and_source_in_a_cdata_section_are_no_tags_to_close(body: str) -> None:
    """A well-formed Atom whose CDATA content (or a comment) holds "<source src=…>" or
    "<link rel=…>", and whose markup closes a <source> or <link> with a child before its end
    tag: the section's were counted start tags, the markup's read self-closed, its end tag
    then closed the entry (one lost, the feed said unread). Only markup is counted now:
    the feed is read as written."""
    data = body.encode()
    assert feeds._as_references(data) == (data, None)
    skips = FeedSkips()
    assert [e.url for e in feed_entries(data, skips)] == ["https://e/1", "https://e/2", "https://e/3"]
    assert skips.unread is None and skips.malformed is None


@pytest.mark.parametrize("head", [
    b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % lat1 PUBLIC "-//W3C//ENTITIES Latin 1 for '
    b'XHTML//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml-lat1.ent">%lat1;]>',
    b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % e SYSTEM "e.ent"> %e; ]>'])
def test_an_entity_a_parameter_entity_may_define_is_no_damage(head: bytes) -> None:
    """An internal subset that pulls in an external parameter entity (XHTML's Latin-1
    names) may define any name, as an external DTD may: "&nbsp;" was said undefined."""
    skips = FeedSkips()
    body = _rss_items("<item><title>a&nbsp;b</title><link>https://ex.by/1</link></item>",
                      head=head)
    [entry] = feed_entries(body, skips)
    assert entry.url == "https://ex.by/1" and skips.malformed is None and skips.unread is None


def test_a_declared_entity_with_a_non_ascii_name_is_no_damage() -> None:
    """An XML Name may hold letters past ASCII: "&ёж;" declared was said "a bare '&'"."""
    skips = FeedSkips()
    body = _rss_items("<item><title>a &ёж; b</title><link>https://ex.by/1</link></item>",
                      head='<?xml version="1.0" encoding="utf-8"?><!DOCTYPE rss [<!ENTITY ёж "1">]>'
                      .encode())
    [entry] = feed_entries(body, skips)
    assert entry.url == "https://ex.by/1" and skips.malformed is None and skips.unread is None
    undeclared = FeedSkips()
    list(feed_entries(_three(title="a &ёж; b"), undeclared))
    assert undeclared.malformed == "line 2: an undefined entity (&ёж;), read as text"


@pytest.mark.parametrize(("second", "third", "said"), [
    ("<p>x", "AT&T", "line 2: Opening and ending tag mismatch: p line 2 and description"),
    ("AT&T", "<p>x", "line 2: a bare '&', read as text"),
    ("<p>x AT&T", "Текст", "line 2: a bare '&', read as text")])
def test_the_first_damaged_line_is_said_whichever_finds_it(second: str, third: str,
                                                           said: str) -> None:
    """A <p> left open (which the parser recovers from) on line 2 and a bare "&" (which the
    rewrite before it does) on line 4: the rewrite's spot was said, line 4; the first one
    is, by line (the rewrite's on the same line)."""
    body = _rss_items(*(f"<item><title>t{n}</title><link>https://ex.by/{n}</link><description>"
                        f"{d}</description></item>\n"
                        for n, d in ((1, "Текст"), (2, second), (3, "Текст"), (4, third))))
    skips = FeedSkips()
    list(feed_entries(body, skips))
    assert skips.unread is None and skips.malformed == said


@pytest.mark.parametrize(("declared", "title", "said"), [
    (300, "&e299; &e0;", None),
    (300, "&e299; a&nbsp;b", "line 2: an entity XML does not define (&nbsp;), read as its character"),
    (0, " ".join(f"&u{n};" for n in range(300)) + " AT&T", "line 2: an undefined entity (&u0;), "
                                                           "read as text"),
    (300, "&#010; &#65536; &e1; x&y", "line 2: a bare '&', read as text"),
])
def test_the_first_reference_no_dtd_defines_is_said_among_many_names(
        declared: int, title: str, said: str | None) -> None:
    """Names a subset declares by the hundred are no damage (over 256 of them, every one was
    looked past in Python, 5.5 s a 10 MB); the first reference that is (an HTML name, an
    undeclared one among hundreds, a bare "&" after legal references) is said."""
    head = ('<?xml version="1.0" encoding="utf-8"?><!DOCTYPE rss ['
            + "".join(f'<!ENTITY e{n} "x">' for n in range(declared)) + "]>").encode()
    body = head + _three(title=title)[len(b'<?xml version="1.0" encoding="utf-8"?>'):]
    skips = FeedSkips()
    assert [e.url for e in feed_entries(body, skips)] == _ALL_THREE
    assert skips.unread is None and skips.malformed == said


def test_an_html_link_a_piece_ends_after_is_not_said_closed(monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    """A <link …> a rewrite piece's end follows is left open (nothing after it is seen),
    and was still said "read as closed" (the note searched the whole span): the note says
    what the rewrite did. One piece on, the same tag is closed and said so."""
    monkeypatch.setattr(feeds, "_PIECE", 64)
    tail = b'<link rel="s" href="y">tail</description></item>'
    rest = b"".join(b"<item><title>T%d</title><link>http://e.com/%d</link></item>" % (n, n)
                    for n in range(3)) + b"</channel></rss>"

    def doc(pad: int) -> bytes:
        return (b"<rss><channel><item><title>A</title><link>http://e.com/a</link>"
                b"<description>\n" + b"<i/>" * pad + b"\n" + tail + rest)

    cut = next(pad for pad in range(900, 1100) if any(  # (a cut every 1024 tokens: _TOKENS)
        piece.endswith(b'href="y">') for piece in feeds._tag_pieces(doc(pad))))
    out, said = feeds._as_references(doc(cut))
    assert b'<link rel="s" href="y">tail' in out and said is None
    for pad in range(cut - 2, cut + 3):
        out, said = feeds._as_references(doc(pad))
        closed = b'<link rel="s" href="y"/>' in out
        assert said == ("line 3: an HTML tag never closed, read as closed" if closed else None)


@pytest.mark.parametrize("subset", ['<!ENTITY pct "50%off;">', "<!ENTITY pct '50%off;'>",
                                    "<!-- see %x; -->", "<?pi %x; ?>"])
def test_a_percent_in_a_literal_or_comment_of_the_subset_is_no_external_dtd(subset: str
                                                                            ) -> None:
    """A "%name;" in an entity's value, a comment or a PI of the internal subset refers to
    no parameter entity: it was read as one (any name may be defined), and "&foo;" was not
    said."""
    skips = FeedSkips()
    head = f'<?xml version="1.0"?><!DOCTYPE rss [{subset}]>'.encode()
    body = _rss_items("<item><title>a&foo;b</title><link>https://ex.by/1</link></item>",
                      head=head)
    [entry] = feed_entries(body, skips)
    assert entry.url == "https://ex.by/1"
    assert skips.malformed == "line 1: an undefined entity (&foo;), read as text"


@pytest.mark.parametrize("section", ["<!--a-->x", "<?a?>x", "<![CDATA[a]]>x"])
def test_html_links_are_counted_without_walking_the_sections_after_the_last(
        monkeypatch: pytest.MonkeyPatch, section: str) -> None:
    """<link>/<source> start and end tags are counted in markup (not in a section), span by
    span: the spans past the last such tag were walked too, a second walk of them all (a
    flood of comments after one <link> took 2.6 times as long). The walk stops there, and
    the tag is still read closed."""
    drawn = 0
    spans = feeds._markup_spans

    def counted(data: bytes) -> Iterator[tuple[int, int, tuple[bytes, ...],
                                              re.Match[bytes] | None, int]]:
        nonlocal drawn
        for span in spans(data):
            drawn += 1
            yield span

    body = _rss_items('<item><title>T</title><link>https://ex.by/1</link><description>'
                      '<!--x--><link rel="s" href="/s.css">a</description></item>'
                      + section * 5000)
    monkeypatch.setattr(feeds, "_markup_spans", counted)
    voids = feeds._unclosed_voids(body)
    assert drawn <= 4
    assert [void.sub(rb"<\1\2/>", b'<link rel="s" href="/s.css">a<p>') for void in voids] == [
        b'<link rel="s" href="/s.css"/>a<p>']


def test_html_links_are_counted_no_further_than_the_document_could_close_them(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A <link …> in every span between comments, which the document (its sections too)
    never closes: every span was counted; once it is opened more often than the document
    could close it, the count stops (the verdict is the same)."""
    drawn = 0
    spans = feeds._markup_spans

    def counted(data: bytes) -> Iterator[tuple[int, int, tuple[bytes, ...],
                                              re.Match[bytes] | None, int]]:
        nonlocal drawn
        for span in spans(data):
            drawn += 1
            yield span

    body = _rss_items('<item><title>T</title><link>https://ex.by/1</link></item>'
                      '<![CDATA[</link>]]>' + '<link rel="s" href="/s.css">t<!--c-->' * 5000)
    monkeypatch.setattr(feeds, "_markup_spans", counted)
    voids = feeds._unclosed_voids(body)
    assert drawn <= 4
    assert [void.sub(rb"<\1\2/>", b'<link rel="s" href="/s.css">a<p>') for void in voids] == [
        b'<link rel="s" href="/s.css"/>a<p>']
