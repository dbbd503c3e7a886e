"""A feed's date is the article's date hint (used when the page prints none), whatever zone
notation the feed writes."""

from __future__ import annotations

import pytest
from scrapy.http import Request, XmlResponse
from scrapy.utils.test import get_crawler

from crawler.items import META_HINT_PUBLISHED
from crawler.spiders.zerkalo import ZerkaloSpider

FEED = "https://news.zerkalo.io/rss/all.rss"


@pytest.mark.parametrize(("pub_date", "hint"), [
    ("Thu, 12 Mar 2026 14:05:00 +0300", "2026-03-12T14:05:00+03:00"),
    ("Thu, 12 Mar 2026 14:05:00 MSK", "2026-03-12T14:05:00+03:00"),
    ("Thu, 12 Mar 2026 12:05:00 EET", "2026-03-12T13:05:00+03:00"),
    # no zone at all: the outlet's wall clock (Europe/Minsk)
    ("Thu, 12 Mar 2026 14:05:00", "2026-03-12T14:05:00+03:00"),
    ("2026-03-12T14:05:00", "2026-03-12T14:05:00+03:00"),
])
def test_a_feed_date_with_a_named_zone_or_none_is_the_articles_hint(pub_date: str,
                                                                     hint: str) -> None:
    spider = ZerkaloSpider.from_crawler(get_crawler(ZerkaloSpider, {"OUTLET_BASE_URLS": {}}),
                                        since="2026-03-12", until="2026-03-12")
    body = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
            "<item><title>Новость</title><link>https://news.zerkalo.io/life/117505.html</link>"
            f"<pubDate>{pub_date}</pubDate></item></channel></rss>").encode()
    (request,) = spider.feed_outputs(XmlResponse(FEED, body=body, request=Request(FEED)), "zerkalo")
    assert request.url == "https://news.zerkalo.io/life/117505.html"
    assert request.meta[META_HINT_PUBLISHED] == hint


@pytest.mark.parametrize(("flags", "gone"), [([], 1), (["replay-missing"], None)])
def test_a_feed_answering_404_is_gone_unless_the_archive_replayed_lacks_it(flags, gone) -> None:
    from scrapy.http import Response
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.python.failure import Failure

    crawler = get_crawler(ZerkaloSpider, {"OUTLET_BASE_URLS": {}})
    spider = ZerkaloSpider.from_crawler(crawler, since="2026-03-12", until="2026-03-12")
    crawler.stats.open_spider()
    request = Request(FEED, callback=spider.parse_feed, cb_kwargs={"outlet_key": "zerkalo"})
    response = Response(FEED, status=404, request=request, flags=flags)
    failure = Failure(HttpError(response, "Ignoring non-200 response"))
    failure.request = request
    spider.source_failed(failure)
    assert crawler.stats.get_value("discovery/sources_gone/zerkalo") == gone


def test_a_feeds_time_found_after_a_day_archive_link_is_the_articles_hint() -> None:
    """An article linked by a day archive (its day: midnight) and then by the feed (its
    time): the second request is dropped as a duplicate, and the page, printing no date,
    was published at midnight. The feed's time is the hint if it came before the page did."""
    from datetime import datetime

    from scrapy.http import HtmlResponse

    from crawler.outlets import get_outlet

    crawler = get_crawler(ZerkaloSpider, {"OUTLET_BASE_URLS": {}})
    spider = ZerkaloSpider.from_crawler(crawler, since="2026-03-12", until="2026-03-12")
    crawler.stats.open_spider()
    outlet = get_outlet("zerkalo")
    url = "https://news.zerkalo.io/life/117505.html"
    day = datetime(2026, 3, 12, tzinfo=outlet.tz)
    (first,) = spider.article_request(outlet, url, day)
    assert first.meta[META_HINT_PUBLISHED] == "2026-03-12T00:00:00+03:00"
    list(spider.article_request(outlet, url, day.replace(hour=14, minute=5)))
    list(spider.article_request(outlet, url, day))  # a day again says nothing more
    response = HtmlResponse(url, body=b"<html><body><h1>x</h1></body></html>", request=first)
    (page,) = spider.parse_article(response, "zerkalo")
    assert page.hint_published == "2026-03-12T14:05:00+03:00"


def test_a_replayed_feed_dates_its_entries_by_its_capture_time_not_todays() -> None:
    """A feed captured on the window's day, replayed months later: its entry dated three months
    after that capture (a template's typo) was no date to the crawl, which fetched it, dated by
    its page; the replay reads it so too, though the date is before the replay's day."""
    from crawler.items import META_FETCHED_AT

    spider = ZerkaloSpider.from_crawler(get_crawler(ZerkaloSpider, {"OUTLET_BASE_URLS": {}}),
                                        since="2026-03-12", until="2026-03-12")
    body = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
            "<item><title>Новость</title><link>https://news.zerkalo.io/life/117505.html</link>"
            "<pubDate>Fri, 12 Jun 2026 14:05:00 +0300</pubDate></item></channel></rss>").encode()
    captured = Request(FEED, meta={META_FETCHED_AT: "2026-03-12T10:00:00+00:00"})
    (request,) = spider.feed_outputs(XmlResponse(FEED, body=body, request=captured), "zerkalo")
    assert request.url == "https://news.zerkalo.io/life/117505.html"
    assert request.meta[META_HINT_PUBLISHED] is None


def test_a_replayed_sitemap_of_the_site_spider_dates_its_entries_by_its_capture_time(
        tmp_path, site_registries_withdrawn: None) -> None:
    """As a feed's: a news sitemap entry dated months after the sitemap's capture is undated
    (its page dates it) in a replay as it was in the crawl; one near the capture keeps its
    date."""
    from datetime import datetime, timedelta, timezone

    from crawler.items import META_FETCHED_AT
    from crawler.spiders.site import SiteSpider

    crawler = get_crawler(SiteSpider, {"DATA_DIR": str(tmp_path), "SITE_MAX_URLS": 100})
    spider = SiteSpider.from_crawler(crawler, url="http://zone.test/", since="2026-01-04",
                                     until="2026-01-05")
    crawler.stats.open_spider()
    state = spider.sites["zone.test"]
    entries = [("novost-1", "2026-01-05T10:00:00+03:00"), ("novost-2", "2026-04-05T10:00:00+03:00")]
    body = ('<?xml version="1.0"?><urlset xmlns:news="http://www.google.com/schemas/sitemap-news'
            '/0.9">' + "".join(f"<url><loc>http://zone.test/news/2026/01/05/{p}.html</loc><news:news>"
                               f"<news:publication_date>{d}</news:publication_date></news:news>"
                               "</url>" for p, d in entries) + "</urlset>").encode()
    url = "http://zone.test/sitemap-news.xml"
    captured = Request(url, meta={META_FETCHED_AT: "2026-01-05T12:00:00+00:00"})
    list(spider.on_sitemap(XmlResponse(url, body=body, request=captured), state, depth=0))
    published = {found.url.rsplit("/", 1)[1]: found.published
                 for found in state.candidates.values()}
    assert published == {"novost-1.html": datetime(2026, 1, 5, 10, tzinfo=timezone(
        timedelta(hours=3))), "novost-2.html": None}


def test_a_short_feed_in_the_charset_only_http_names_gives_its_links_and_titles() -> None:
    """A windows-1251 feed of one item with no XML declaration, the charset in the
    Content-Type header only: its few words were guessed mac-cyrillic (a capital letter
    another: "Ћукашенко", in a link another URL); the header's charset reads them."""
    from crawler.items import META_FEED_TITLE

    spider = ZerkaloSpider.from_crawler(get_crawler(ZerkaloSpider, {"OUTLET_BASE_URLS": {}}),
                                        since="2026-03-12", until="2026-03-12")
    link = "https://news.zerkalo.io/life/117505.html"
    body = ('<rss version="2.0"><channel><title>Лента</title><item><title>Лукашенко провел '
            f"совещание</title><link>{link}</link><category>новости</category>"
            "<pubDate>Thu, 12 Mar 2026 14:05:00 +0300"
            "</pubDate></item></channel></rss>").encode("cp1251")
    response = XmlResponse(FEED, body=body, request=Request(FEED), headers={
        "Content-Type": "application/rss+xml; charset=windows-1251"})
    (request,) = spider.feed_outputs(response, "zerkalo")
    assert request.url == link
    assert request.meta[META_FEED_TITLE] == "Лукашенко провел совещание"


def test_an_atom_entry_named_by_an_id_on_the_outlets_host_alone_is_requested() -> None:
    """Atom entries with no alternate link, only an http(s) ``<id>``: the one on the
    outlet's host is its article's address; one on the site's old host or an API's is a
    name, no page: not requested, counted as an entry with no link."""
    spider = ZerkaloSpider.from_crawler(get_crawler(ZerkaloSpider, {"OUTLET_BASE_URLS": {}}),
                                        since="2026-03-12", until="2026-03-12")
    spider.crawler.stats.open_spider()
    entries = [("https://news.zerkalo.io/life/117505.html", "a"),
               ("https://old-zerkalo.example/2019/01/b", "b"),
               ("https://api.zerkalo.example/v1/news/12345", "c")]
    body = ('<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>' + "".join(
        f"<entry><title>{title}</title><id>{url}</id>"
        "<published>2026-03-12T14:05:00+03:00</published></entry>" for url, title in entries)
        + "</feed>").encode()
    requests = [r for r in spider.feed_outputs(
        XmlResponse(FEED, body=body, request=Request(FEED)), "zerkalo") if isinstance(r, Request)]
    assert [r.url for r in requests] == ["https://news.zerkalo.io/life/117505.html"]
    assert spider.crawler.stats.get_value("discovery/feed/no_link") == 2
