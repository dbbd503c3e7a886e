"""A feed's relative item link (``news/slug/`` in a feed at ``/export/rss.xml``) is asked for
as the standard resolves it (against the feed's URL) and, should that answer 404 or 410, once
against the site's root: CMSs mean ``/news/slug/``, and the entry was lost (no network)."""

from __future__ import annotations

import logging

import pytest
from scrapy.http import Request, Response, XmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from crawler.feeds import at_site_root
from crawler.items import META_DISCOVERED, META_LINK_AT_ROOT
from crawler.spiders.site import SiteSpider
from crawler.spiders.zerkalo import ZerkaloSpider
from tests.crawler.spiders.conftest import HOST

FEED = f"{HOST}/export/rss.xml"


@pytest.mark.parametrize(("href", "rooted"), [
    ("news/slug/", "https://e.by/news/slug/"),
    ("./news/slug/?id=1", "https://e.by/news/slug/?id=1"),
    ("/news/slug/", None),  # rooted already
    ("https://e.by/news/slug/", None),  # absolute
    ("//e.by/news/slug/", None),
    ("../news/slug/", None),  # the standard reading is the root's already
    ("?p=1", None),
    ("", None),
])
def test_only_a_relative_link_without_a_leading_slash_has_another_address_at_the_root(
        href: str, rooted: str | None) -> None:
    assert at_site_root("https://e.by/export/rss.xml", href) == rooted
    assert at_site_root("https://e.by/rss.xml", href) is None  # a feed at the root: the same


def feed(*links: str) -> bytes:
    items = "".join(f"<item><title>Новость {n}</title><link>{link}</link>"
                    "<pubDate>Mon, 05 Jan 2026 12:00:00 +0300</pubDate></item>"
                    for n, link in enumerate(links))
    return f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()


def not_found(request: Request) -> Failure:
    failure = Failure(HttpError(Response(request.url, status=404, request=request)))
    failure.request = request  # type: ignore[attr-defined]  # as Scrapy sets it
    return failure


def test_a_relative_feed_link_that_answers_404_is_asked_for_once_at_the_sites_root(
        spider: SiteSpider, caplog: pytest.LogCaptureFixture) -> None:
    state = spider.sites["zone.test"]
    response = XmlResponse(FEED, body=feed("news/a-1/", "news/a-2/"), request=Request(FEED))
    first, second = spider.on_feed(response, state)  # zone samples, as the feed's first
    assert (first.url, second.url) == (f"{HOST}/export/news/a-1/", f"{HOST}/export/news/a-2/")
    assert first.meta[META_LINK_AT_ROOT] == {"url": f"{HOST}/news/a-1/", "feed": FEED}
    with caplog.at_level(logging.INFO):
        (retry,) = spider.unanswered(not_found(first))
        (retry_2,) = spider.unanswered(not_found(second))
    assert (retry.url, retry_2.url) == (f"{HOST}/news/a-1/", f"{HOST}/news/a-2/")
    # one more sample of the same run, counted until it answers; no second fallback in it
    assert retry.meta["sample_of"] == first.meta["sample_of"]
    assert META_LINK_AT_ROOT not in retry.meta and retry.dont_filter == first.dont_filter
    assert spider.crawler.stats.get_value("discovery/feed_link_rebased") == 2
    assert spider.crawler.stats.get_value("discovery/sample/failed") is None
    said = [r for r in caplog.records if "resolved against the feed's URL" in r.getMessage()]
    assert len(said) == 1 and FEED in said[0].getMessage()  # once per feed
    # the address at the root answering 404 too: no further root, only the other spelling
    assert [r.url for r in spider.unanswered(not_found(retry))] == [f"{HOST}/news/a-1"]
    assert spider.crawler.stats.get_value("discovery/feed_link_rebased") == 2


def test_an_article_request_of_a_relative_feed_link_carries_its_address_at_the_root(
        spider: SiteSpider) -> None:
    """Discovery released (a late feed answer): the article request, not a sample, carries
    the address, and its 404 asks for it with what discovery said of the article; an
    absolute or rooted link carries none."""
    state = spider.sites["zone.test"]
    spider.released = True
    body = feed("news/a-1/", "/news/a-2/", f"{HOST}/news/a-3/")
    requests = list(spider.on_feed(XmlResponse(FEED, body=body, request=Request(FEED)), state))
    assert [r.url for r in requests] == [f"{HOST}/export/news/a-1/", f"{HOST}/news/a-2/",
                                         f"{HOST}/news/a-3/"]
    assert [META_LINK_AT_ROOT in r.meta for r in requests] == [True, False, False]
    (retry,) = spider.article_failed(not_found(requests[0]))
    assert retry.url == f"{HOST}/news/a-1/" and not retry.dont_filter  # the duplicate filter's
    assert retry.meta[META_DISCOVERED] == requests[0].meta[META_DISCOVERED]
    assert spider.request_key(state.outlet, retry.url) in spider.article_keys


def test_an_outlet_spiders_feed_link_goes_to_the_root_only_as_an_article_url() -> None:
    """An outlet spider's feed link carries its address at the root too; after a 404 it is
    asked for only when that is an article URL of the outlet."""
    crawler = get_crawler(ZerkaloSpider, {"OUTLET_BASE_URLS": {}})
    spider = ZerkaloSpider.from_crawler(crawler, since="2026-01-05", until="2026-01-05")
    crawler.stats.open_spider()
    url = "https://news.zerkalo.io/export/all.rss"
    (request,) = spider.feed_outputs(XmlResponse(url, body=feed("117505.html"),
                                                 request=Request(url)), "zerkalo")
    assert request.url == "https://news.zerkalo.io/export/117505.html"
    assert request.meta[META_LINK_AT_ROOT] == {"url": "https://news.zerkalo.io/117505.html",
                                               "feed": url}
    assert list(spider.article_failed(not_found(request))) == []  # /117505.html: no article
    assert crawler.stats.get_value("discovery/feed_link_rebased") is None
    rooted = request.replace(meta={**request.meta, META_LINK_AT_ROOT: {
        "url": "https://news.zerkalo.io/life/117505.html", "feed": url}})
    (retry,) = spider.article_failed(not_found(rooted))
    assert retry.url == "https://news.zerkalo.io/life/117505.html"
    assert crawler.stats.get_value("discovery/feed_link_rebased") == 1


def test_an_outlet_spiders_relative_feed_link_outside_its_article_path_is_read_at_the_root(
        caplog: pytest.LogCaptureFixture) -> None:
    """The outlet's rules refuse the standard reading (``/export/rss/life/117505.html``):
    the entry would go before any request, so no 404 ever asks for the root's address; the
    root's reading, one of its article URLs, is asked for at once."""
    crawler = get_crawler(ZerkaloSpider, {"OUTLET_BASE_URLS": {}})
    spider = ZerkaloSpider.from_crawler(crawler, since="2026-01-05", until="2026-01-05")
    crawler.stats.open_spider()
    url = "https://news.zerkalo.io/export/rss/all.rss"
    with caplog.at_level(logging.INFO):
        requests = list(spider.feed_outputs(XmlResponse(url, body=feed(
              "life/117505.html", "life/117506.html", "about/team/"), request=Request(url)),
              "zerkalo"))
    assert [r.url for r in requests] == ["https://news.zerkalo.io/life/117505.html",
                                         "https://news.zerkalo.io/life/117506.html"]
    assert not any(META_LINK_AT_ROOT in r.meta for r in requests)
    assert crawler.stats.get_value("discovery/feed_link_rebased") == 2
    said = [r for r in caplog.records if "is no article address of zerkalo" in r.getMessage()]
    assert len(said) == 1 and url in said[0].getMessage()


def test_a_site_rows_relative_feed_link_outside_its_article_path_is_read_at_the_root(
        tmp_path, site_registries_withdrawn: None) -> None:
    row = {"url": "http://strict.test/", "article_path": r"^/news/[a-z0-9-]+/$",
           "timezone": "Europe/Moscow"}
    crawler = get_crawler(SiteSpider, {"DATA_DIR": str(tmp_path), "EXTRA_OUTLETS": [row],
                                       "SITE_MAX_URLS": 100})
    spider = SiteSpider.from_crawler(crawler, since="2026-01-05", until="2026-01-05")
    crawler.stats.open_spider()
    state = spider.sites["strict.test"]
    spider.released = True
    url = "http://strict.test/export/rss.xml"
    requests = list(spider.on_feed(XmlResponse(url, body=feed("news/a-1/", "/news/a-2/"),
                                               request=Request(url)), state))
    assert [r.url for r in requests] == ["http://strict.test/news/a-1/",
                                         "http://strict.test/news/a-2/"]
    assert crawler.stats.get_value("discovery/feed_link_rebased") == 1
