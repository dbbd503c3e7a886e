"""An outlet's ``url_date`` day is judged as of the capture of the page that named the URL
(``META_FETCHED_AT``: the archived record's time in a replay), not the machine's clock: a
day then ahead (an event's slug) is no publication day, and a replay long after the crawl
asks for the article as the crawl did, instead of ruling it out of the window unread."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from typing import Any

import pytest
from scrapy.http import HtmlResponse, Request, XmlResponse
from scrapy.utils.test import get_crawler

from crawler.items import META_FETCHED_AT, META_HINT_PUBLISHED
from crawler.spiders.runews24 import RuNews24Spider

CAPTURED = datetime(2026, 1, 6, 9, tzinfo=UTC)  # long before any machine running these tests
SINCE, UNTIL = date(2026, 1, 4), date(2026, 1, 6)
EVENT = "https://runews24.ru/culture/20/01/2026/afisha-koncert-v-filarmonii"  # ahead then


@pytest.fixture
def spider() -> RuNews24Spider:
    crawler = get_crawler(RuNews24Spider, {"OUTLET_BASE_URLS": {}})
    found = RuNews24Spider.from_crawler(crawler, since=str(SINCE), until=str(UNTIL))
    crawler.stats.open_spider()
    return found


def captured(kind: type, url: str, body: str) -> Any:
    return kind(url, body=body.encode(), encoding="utf-8",
                request=Request(url, meta={META_FETCHED_AT: CAPTURED.isoformat()}))


async def _drained(results: Any) -> list[Any]:
    return [r async for r in results]


def asked(results: list[Any]) -> list[Request]:
    return [r for r in results if isinstance(r, Request) and r.meta.get("article")]


def assert_asked_undated(spider: RuNews24Spider, results: list[Any]) -> None:
    assert datetime.now(UTC).date() > date(2026, 1, 21)  # the URL's day is past by now
    (request,) = asked(results)
    assert request.url == EVENT
    assert not spider.crawler.stats.get_value("discovery/out_of_window_links")


def test_a_replayed_feeds_event_link_is_asked_for(spider: RuNews24Spider) -> None:
    feed = ('<?xml version="1.0"?><rss version="2.0"><channel><title>R</title><item>'
            f"<title>Концерт</title><link>{EVENT}</link>"
            "<pubDate>Mon, 05 Jan 2026 10:00:00 +0300</pubDate></item></channel></rss>")
    response = captured(XmlResponse, "https://runews24.ru/rss.xml", feed)
    results = asyncio.run(_drained(spider.parse_feed(response, "runews24")))
    assert_asked_undated(spider, results)
    assert asked(results)[0].meta[META_HINT_PUBLISHED].startswith("2026-01-05T10:00")


def test_a_replayed_sitemaps_event_link_is_asked_for_undated(spider: RuNews24Spider) -> None:
    body = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{EVENT}</loc></url></urlset>")
    response = captured(XmlResponse, "https://runews24.ru/sitemap.xml", body)
    results = asyncio.run(_drained(spider.parse_sitemap(response, "runews24")))
    assert_asked_undated(spider, results)
    assert asked(results)[0].meta.get(META_HINT_PUBLISHED) is None


def test_a_replayed_listings_event_link_is_asked_for_undated(spider: RuNews24Spider) -> None:
    page = f'<html><body><main><a href="{EVENT}">Концерт</a></main></body></html>'
    response = captured(HtmlResponse, "https://runews24.ru/culture/", page)
    results = list(spider.parse_listing(response, "runews24", "/culture/"))
    assert_asked_undated(spider, results)
    assert asked(results)[0].meta.get(META_HINT_PUBLISHED) is None


def test_a_replayed_zone_samples_url_day_ahead_of_its_capture_is_no_hint() -> None:
    """The site spider's zone sample (``date_sample``) dates a page by its URL's day only
    when that day was no later than tomorrow at the sample's capture."""
    from types import SimpleNamespace

    from crawler.outlets import get_outlet
    from crawler.spiders.site import SiteSpider

    state = SimpleNamespace(candidates={}, outlet=get_outlet("runews24"))
    response = captured(HtmlResponse, EVENT, "<html><body><h1>Концерт</h1></body></html>")
    SiteSpider.date_sample(state, response)  # type: ignore[arg-type]
    assert datetime.now(UTC).date() > date(2026, 1, 21)
    assert response.meta.get(META_HINT_PUBLISHED) is None
