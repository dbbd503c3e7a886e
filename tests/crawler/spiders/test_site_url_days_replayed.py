"""The site spider's own article requests (zone samples, candidates, aliases) and its sitemap
choices judge a day as of the capture of the page that named the URL (``META_FETCHED_AT``: the
archived record's time in a replay), not the machine's clock: a replay long after the crawl
asks for what the crawl asked for."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from scrapy.http import Request, XmlResponse
from scrapy.utils.test import get_crawler

from crawler import sitediscovery as disc
from crawler.items import META_FETCHED_AT
from crawler.sitecrawl import AliasSeen
from crawler.spiders.site import SiteSpider

CAPTURED = datetime(2026, 1, 6, 9, tzinfo=UTC)  # long before any machine running these tests
EVENT = "https://runews24.ru/culture/20/01/2026/afisha-koncert-v-filarmonii"  # ahead then
FEED = ('<?xml version="1.0"?><rss version="2.0"><channel><title>R</title><item>'
        f"<title>Концерт</title><link>{EVENT}</link>"
        "<pubDate>Mon, 05 Jan 2026 10:00:00 +0300</pubDate></item></channel></rss>")


@pytest.fixture
def spider(tmp_path: Any, site_registries_withdrawn: None) -> SiteSpider:
    """The site spider of the registered runews24 (its ``url_date``) for a window."""
    crawler = get_crawler(SiteSpider, {"DATA_DIR": str(tmp_path), "SITE_ZONE_SAMPLES": 3,
                                       "SITE_MAX_URLS": 100})
    made = SiteSpider.from_crawler(crawler, url="https://runews24.ru/", since="2026-01-04",
                                   until="2026-01-06")
    crawler.stats.open_spider()
    made.pending = 1
    return made


def captured(kind: type, url: str, body: str, at: datetime = CAPTURED) -> Any:
    return kind(url, body=body.encode(), encoding="utf-8",
                request=Request(url, meta={META_FETCHED_AT: at.isoformat()}))


def state_of(spider: SiteSpider) -> disc.SiteState:
    (state,) = spider.sites.values()
    return state


def test_a_replayed_feeds_event_link_is_sampled_then_asked_for(spider: SiteSpider) -> None:
    """Its URL's day (20 January) was after tomorrow at the capture: no publication day, the
    link is asked for (as the zone sample, then as the candidate's article request)."""
    assert datetime.now(UTC).date() > date(2026, 1, 21)  # the URL's day is past by now
    state = state_of(spider)
    response = captured(XmlResponse, "https://runews24.ru/rss.xml", FEED)
    out = [r for r in spider.on_feed(response, state) if isinstance(r, Request)]
    assert [r.url for r in out] == [EVENT]
    (found,) = state.candidates.values()
    assert [r.url for r in spider.request_candidate(state, found)] == [EVENT]
    assert [r.url for r in spider.samples_asked_again(state)] == [EVENT]
    assert not spider.crawler.stats.get_value("discovery/out_of_window_links")


def _entry(url: str, published: str) -> str:
    return f"<item><title>Т</title><link>{url}</link><pubDate>{published}</pubDate></item>"


def test_a_what_is_new_replay_keeps_the_candidates_the_crawl_kept(
        tmp_path: Any, site_registries_withdrawn: None) -> None:
    """Without a window the candidates closest to today are kept under SITE_MAX_URLS; today
    is the capture's day: both entries of the capture's day and the day before are as close
    then (the first held stays), while by the clock of a replay long after the newer one was
    the closer and displaced it."""
    crawler = get_crawler(SiteSpider, {"DATA_DIR": str(tmp_path), "SITE_MAX_URLS": 1,
                                       "SITE_ZONE_SAMPLES": 1})
    spider = SiteSpider.from_crawler(crawler, url="https://runews24.ru/")
    crawler.stats.open_spider()
    spider.pending = 1
    state = state_of(spider)
    feed = ('<?xml version="1.0"?><rss version="2.0"><channel><title>R</title>'
            + _entry("https://runews24.ru/culture/05/01/2026/b", "Mon, 05 Jan 2026 08:00:00 +0300")
            + _entry("https://runews24.ru/culture/06/01/2026/a", "Tue, 06 Jan 2026 23:30:00 +0300")
            + "</channel></rss>")
    list(spider.on_feed(captured(XmlResponse, "https://runews24.ru/rss.xml", feed), state))
    assert [found.url for found in state.candidates.values()] == [
        "https://runews24.ru/culture/05/01/2026/b"]


def test_a_replayed_indexs_child_named_by_a_later_year_is_read_as_numbered(
        spider: SiteSpider) -> None:
    """A number that was no year then (2026 at a capture in 2024: after next year) names no
    period of the child: it is not ruled out of the window as the clock's year would."""
    spider.since, spider.until = date(2024, 3, 1), date(2024, 3, 5)
    state = state_of(spider)
    index = ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/'
             'sitemap/0.9"><sitemap><loc>https://runews24.ru/sitemap-2026-01.xml</loc>'
             "</sitemap></sitemapindex>")
    response = captured(XmlResponse, "https://runews24.ru/sitemap.xml", index,
                        datetime(2024, 3, 5, 9, tzinfo=UTC))
    out = [r for r in spider.on_sitemap(response, state, 0) if isinstance(r, Request)]
    assert [r.url for r in out] == ["https://runews24.ru/sitemap-2026-01.xml"]
    assert not spider.crawler.stats.get_value("discovery/sitemap_outside_window")


def test_a_replayed_aliass_event_day_is_no_publication_day(spider: SiteSpider) -> None:
    """An alias read as the article (its canonical gave none): its URL's day judged as of
    the alias page's capture."""
    story = disc.page_story(b"<html><body><h1>\xd0\x9a</h1></body></html>", "text/html")
    seen = AliasSeen(EVENT, "https://runews24.ru/culture/other", story, None, None, CAPTURED)
    assert [r.url for r in spider.weigh_alias(state_of(spider).outlet, seen, None)] == [EVENT]


def test_an_alias_whose_canonical_the_archive_lacks_is_read_as_of_its_capture(
        spider: SiteSpider) -> None:
    """The canonical an alias names is missing from the archive (a 404 of no capture, no
    time of its own): the alias read as the article has its URL's day judged as of the alias
    page's capture, not the clock's, so its event day is no publication day."""
    from scrapy.http import HtmlResponse, Response
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.python.failure import Failure

    from crawler.downloadermiddlewares.replay import REPLAY_MISSING

    state = state_of(spider)
    canonical_url = "https://runews24.ru/culture/05/01/2026/koncert-v-filarmonii"
    page = (f'<html><head><link rel="canonical" href="{canonical_url}">'
            "</head><body><h1>Концерт</h1><p>текст</p></body></html>")
    alias = captured(HtmlResponse, EVENT, page)  # names its canonical: the page it stands for
    (canonical,) = [r for r in spider.stood_for(alias, state, [canonical_url])
                    if isinstance(r, Request)]
    missing = Response(canonical.url, status=404, request=canonical, flags=[REPLAY_MISSING])
    failure = Failure(HttpError(missing, "not in the archive"))
    failure.request = canonical
    assert [r.url for r in spider.article_failed(failure)] == [EVENT]
    assert not spider.crawler.stats.get_value("discovery/out_of_window_links")


def test_a_sitemap_read_whole_around_a_bare_lt_is_said_and_counted(spider: SiteSpider,
                                                                   caplog) -> None:
    """The site spider's sitemaps are judged as the outlet spiders' are: a bare "<" (an
    image title's) is read as text, said and counted."""
    sitemap = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/'
               '0.9"><url><loc>https://runews24.ru/culture/05/01/2026/a</loc><title>1 < 2'
               "</title></url><url><loc>https://runews24.ru/culture/05/01/2026/b</loc></url>"
               "</urlset>")
    response = captured(XmlResponse, "https://runews24.ru/sitemap.xml", sitemap)
    list(spider.on_sitemap(response, state_of(spider), 0))
    assert spider.crawler.stats.get_value("discovery/sitemap_entries") == 2
    assert spider.crawler.stats.get_value("discovery/sitemap/malformed") == 1
    assert "the sitemap https://runews24.ru/sitemap.xml is malformed, read around it: 2 " \
        "entries" in caplog.text
