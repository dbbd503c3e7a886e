"""A feed item or sitemap entry whose link is no URL is skipped, counted and named: one such
entry used to end the callback, losing every entry after it."""

from __future__ import annotations

import pytest
from scrapy.http import Request, XmlResponse
from scrapy.utils.test import get_crawler

from crawler.spiders.zerkalo import ZerkaloSpider

FEED = "https://news.zerkalo.io/rss/all.rss"
SITEMAP = "https://news.zerkalo.io/sitemap.xml"
GOOD = "https://news.zerkalo.io/life/117505.html"
NO_URLS = ["http://[::1", "https://news.zerkalo.io:99999/life/1.html", "http://[::1]x/life/2.html",
           "https://news.zerkalo.io:1a/life/3.html"]


def spider_and_stats() -> tuple[ZerkaloSpider, object]:
    crawler = get_crawler(ZerkaloSpider, {"OUTLET_BASE_URLS": {}})
    spider = ZerkaloSpider.from_crawler(crawler, since="2026-03-12", until="2026-03-12")
    crawler.stats.open_spider()
    return spider, crawler.stats


def rss(links: list[str]) -> bytes:
    items = "".join(f"<item><title>t</title><link>{u}</link></item>" for u in links)
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
            f"{items}</channel></rss>").encode()


@pytest.mark.parametrize("bad", NO_URLS)
def test_a_feed_item_that_is_no_url_is_skipped_and_the_rest_read(bad: str, caplog) -> None:
    spider, stats = spider_and_stats()
    body = rss([bad, bad, GOOD])
    requests = list(spider.feed_outputs(XmlResponse(FEED, body=body, request=Request(FEED)),
                                        "zerkalo"))
    assert [r.url for r in requests] == [GOOD]
    assert stats.get_value("discovery/feed/no_url") == 2
    said = [r.getMessage() for r in caplog.records if "is no URL" in r.getMessage()]
    assert said == [f"Discovery: an entry of the feed {FEED} is no URL: {bad!r} (skipped, "
                    "counted in discovery/feed/no_url)"]  # once per feed


@pytest.mark.parametrize("bad", NO_URLS)
def test_a_sitemap_loc_that_is_no_url_is_skipped_and_the_rest_read(bad: str, caplog) -> None:
    spider, stats = spider_and_stats()
    rows = "".join(f"<url><loc>{u}</loc></url>" for u in (bad, GOOD))
    body = ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/'
            f'schemas/sitemap/0.9"><sitemap><loc>{bad}</loc></sitemap>{rows}</urlset>').encode()
    requests = list(spider.sitemap_outputs(XmlResponse(SITEMAP, body=body,
                                                       request=Request(SITEMAP)), "zerkalo"))
    assert [r.url for r in requests] == [GOOD]
    assert stats.get_value("discovery/sitemap/no_url") == 2
    assert f"an entry of the sitemap {SITEMAP} is no URL: {bad!r}" in caplog.text


@pytest.mark.parametrize("base", ["http://[::1", "https://news.zerkalo.io:99999/"])
def test_an_atom_entry_whose_xml_base_is_no_url_is_skipped(base: str) -> None:
    spider, stats = spider_and_stats()
    body = ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f'<entry xml:base="{base}"><title>t</title><link href="/life/1.html"/></entry>'
            f'<entry><title>t</title><link href="{GOOD}"/></entry></feed>').encode()
    requests = list(spider.feed_outputs(XmlResponse(FEED, body=body, request=Request(FEED)),
                                        "zerkalo"))
    assert [r.url for r in requests] == [GOOD]
    assert stats.get_value("discovery/feed/no_url") == 1


MALFORMED_SITEMAP = ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/'
                     'schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/'
                     '1.1"><url><loc>https://news.zerkalo.io/life/1.html</loc><image:image>'
                     "<image:title>Курс < 3 руб</image:title></image:image></url>"
                     f"<url><loc>{GOOD}</loc></url></urlset>").encode()


def test_a_sitemap_read_whole_around_a_bare_lt_is_said_and_counted(caplog) -> None:
    """A bare "<" in a sitemap (an image title) is read as text, every entry after it read,
    as in a feed; it is said and counted as the feed's is (it was mended unsaid)."""
    spider, stats = spider_and_stats()
    requests = list(spider.sitemap_outputs(XmlResponse(SITEMAP, body=MALFORMED_SITEMAP,
                                                       request=Request(SITEMAP)), "zerkalo"))
    assert [r.url for r in requests] == ["https://news.zerkalo.io/life/1.html", GOOD]
    assert stats.get_value("discovery/sitemap/malformed") == 1
    assert stats.get_value("discovery/sitemap/unread") is None
    assert (f"the sitemap {SITEMAP} is malformed, read around it: 2 entries (counted in "
            "discovery/sitemap/malformed): line 1: a '<' that opens no tag") in caplog.text


@pytest.mark.parametrize(("description", "said"), [
    ("AT&T", "line 1: a bare '&', read as text"),
    ("Минск&nbsp;сегодня", "line 1: an entity XML does not define (&nbsp;), read as its character")])
def test_a_feed_recovered_around_an_ampersand_is_said_and_counted(
        description: str, said: str, caplog) -> None:
    """A bare "&" or an entity XML does not define: recovered, it was said nowhere. Every
    item is read, and the feed is said malformed with its URL and counted."""
    spider, stats = spider_and_stats()
    links = [GOOD, "https://news.zerkalo.io/life/2.html", "https://news.zerkalo.io/life/3.html"]
    items = "".join(f"<item><title>t</title><link>{u}</link><description>"
                    f"{description if n == 0 else '<![CDATA[d]]>'}</description></item>"
                    for n, u in enumerate(links))
    body = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
            f"{items}</channel></rss>").encode()
    requests = list(spider.feed_outputs(XmlResponse(FEED, body=body, request=Request(FEED)),
                                        "zerkalo"))
    assert [r.url for r in requests] == links
    assert stats.get_value("discovery/feed/malformed") == 1
    assert stats.get_value("discovery/feed/unread") is None
    assert (f"the feed {FEED} is malformed, read around it: 3 entries (counted in "
            f"discovery/feed/malformed): {said}") in caplog.text
