"""A "what is new" run's recent days count back from when a sitemap or robots.txt was fetched
(a replay's capture time), not from the machine's clock: a replay months later reads the
archive as the crawl did."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from scrapy.http import Request, TextResponse, XmlResponse
from scrapy.utils.test import get_crawler

from crawler.items import META_FETCHED_AT
from crawler.spiders.site import SiteSpider
from crawler.spiders.zerkalo import ZerkaloSpider

HOST = "http://zone.test"
CAPTURED = datetime(2026, 1, 5, 12, tzinfo=UTC)  # long before any machine running these tests


@pytest.fixture
def recent_spider(tmp_path: Any, site_registries_withdrawn: None) -> SiteSpider:
    """The site spider of ``zone.test`` in a "what is new" run (no window)."""
    crawler = get_crawler(SiteSpider, {"DATA_DIR": str(tmp_path), "SITE_MAX_URLS": 100,
                                       "SITE_RECENT_DAYS": 3})
    spider = SiteSpider.from_crawler(crawler, url=f"{HOST}/")
    crawler.stats.open_spider()
    return spider


def captured(url: str, body: str, when: datetime | None = CAPTURED) -> XmlResponse:
    meta = {META_FETCHED_AT: when.isoformat()} if when else {}
    return XmlResponse(url, body=body.encode(), request=Request(url, meta=meta))


def urlset(entries: dict[str, datetime]) -> str:
    return ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + "".join(f"<url><loc>{HOST}/news/{slug}.html</loc><lastmod>{when.isoformat()}"
                      "</lastmod></url>" for slug, when in entries.items()) + "</urlset>")


def index(children: list[str]) -> str:
    return ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/'
            '0.9">' + "".join(f"<sitemap><loc>{HOST}/{name}</loc></sitemap>" for name in children)
            + "</sitemapindex>")


def requested(results: list[Any]) -> list[str]:
    return sorted(r.url for r in results if isinstance(r, Request))


def test_a_replayed_sitemaps_recent_entries_are_those_before_its_capture(
        recent_spider: SiteSpider) -> None:
    state = recent_spider.sites["zone.test"]
    body = urlset({"fresh": CAPTURED - timedelta(days=1), "stale": CAPTURED - timedelta(days=40)})
    list(recent_spider.on_sitemap(captured(f"{HOST}/sitemap.xml", body), state, depth=0))
    assert sorted(c.url for c in state.candidates.values()) == [f"{HOST}/news/fresh.html"]


def test_a_live_sitemaps_recent_entries_are_todays(recent_spider: SiteSpider) -> None:
    """Without a capture time (the live crawl before its capture is noted) now is the clock's."""
    state = recent_spider.sites["zone.test"]
    now = datetime.now(UTC)
    body = urlset({"fresh": now - timedelta(days=1), "stale": now - timedelta(days=40)})
    list(recent_spider.on_sitemap(captured(f"{HOST}/sitemap.xml", body, None), state, depth=0))
    assert sorted(c.url for c in state.candidates.values()) == [f"{HOST}/news/fresh.html"]


def test_a_replayed_index_asks_for_the_month_it_was_captured_in(recent_spider: SiteSpider
                                                                ) -> None:
    state = recent_spider.sites["zone.test"]
    body = index(["sitemap-2025-06.xml", "sitemap-2026-01.xml"])
    results = list(recent_spider.on_sitemap(captured(f"{HOST}/sitemap.xml", body), state, 0))
    assert requested(results) == [f"{HOST}/sitemap-2026-01.xml"]
    assert recent_spider.crawler.stats.get_value("discovery/sitemap_outside_window") == 1


def test_a_replayed_robots_txt_asks_for_the_sitemap_of_its_capture_month(
        recent_spider: SiteSpider) -> None:
    state = recent_spider.sites["zone.test"]
    robots = (f"User-agent: *\nSitemap: {HOST}/sitemap-2025-06.xml\n"
              f"Sitemap: {HOST}/sitemap-2026-01.xml\n")
    url = f"{HOST}/robots.txt"
    response = TextResponse(url, body=robots.encode(), encoding="utf-8",
                            request=Request(url, meta={META_FETCHED_AT: CAPTURED.isoformat()}))
    assert requested(list(recent_spider.on_robots(response, state))) == [
        f"{HOST}/sitemap-2026-01.xml"]


def test_an_outlet_spiders_replayed_index_asks_first_for_its_capture_months_sitemap() -> None:
    """An outlet spider keeps every child, the window's first: with room for one, the one
    of the month the index was captured in, not the machine's month."""
    spider = ZerkaloSpider.from_crawler(get_crawler(ZerkaloSpider, {
        "OUTLET_BASE_URLS": {}, "SITE_MAX_SITEMAPS": 1}))
    spider.crawler.stats.open_spider()
    from crawler.outlets import get_outlet

    outlet = get_outlet("zerkalo")
    children = [(f"https://news.zerkalo.io/sitemap-{month}.xml", None)
                for month in ("2026-01", "2025-06", "2026-11", "2026-12")]
    asked = list(spider.child_sitemaps(outlet, "https://news.zerkalo.io/sitemap.xml", children,
                                       0, CAPTURED))
    assert [r.url for r in asked] == ["https://news.zerkalo.io/sitemap-2026-01.xml"]


def test_a_lastmod_less_entry_whose_url_day_is_ahead_is_a_recent_runs_candidate(
        recent_spider: SiteSpider) -> None:
    """A URL day after today is an event its slug names or an id in a date's shape: the page
    is fetched and judged by its own date, as one of the recent days' (it was left out)."""
    state = recent_spider.sites["zone.test"]
    today = datetime.now(UTC).date()
    days = {"ahead": today + timedelta(days=40), "today": today,
            "old": today - timedelta(days=40)}
    body = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + "".join(f"<url><loc>{HOST}/news/{day:%Y%m%d}/{slug}/</loc></url>"
                      for slug, day in days.items()) + "</urlset>")
    list(recent_spider.on_sitemap(captured(f"{HOST}/sitemap.xml", body, None), state, depth=0))
    assert sorted(c.url for c in state.candidates.values()) == sorted(
        f"{HOST}/news/{days[slug]:%Y%m%d}/{slug}/" for slug in ("ahead", "today"))
