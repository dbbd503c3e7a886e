"""The one pager on single pages of each outlet's listings (no network).

A changed archive or listing layout must be loud (a log line naming the URL or the selector
and a stats counter), and every walk must stop for one of the documented reasons: an empty
page, a page of repeated links, links older than the window, the page cap.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.test import get_crawler

from crawler.spiders.base import OutletSpider
from crawler.spiders.belta import BeltaSpider
from crawler.spiders.regional import RegionalSpider
from crawler.spiders.runews24 import RuNews24Spider
from crawler.spiders.zerkalo import ZerkaloSpider


def make_spider(cls: type, settings: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    return cls.from_crawler(get_crawler(cls, {"OUTLET_BASE_URLS": {}, **(settings or {})}),
                            **kwargs)


def html(url: str, body: str) -> HtmlResponse:
    return HtmlResponse(url, body=body.encode(), encoding="utf-8", request=Request(url))


def walk(spider: OutletSpider, response: HtmlResponse, outlet: str, **kwargs: Any) -> list[Any]:
    return list(spider.parse_listing(response, outlet, paging=True, **kwargs))


def stat(spider: OutletSpider, name: str) -> Any:
    return spider.crawler.stats.get_value(name)


def test_zerkalo_archive_without_entries_is_counted_and_a_silent_window_warns(
        caplog: pytest.LogCaptureFixture) -> None:
    spider = make_spider(ZerkaloSpider, since="2026-01-12", until="2026-01-12")
    url = "https://news.zerkalo.io/archive/12.01.2026.html"
    page = html(url, '<div class="news-list"><a href="/life/117505.html">Новость</a></div>')
    with caplog.at_level(logging.INFO):
        assert walk(spider, page, "zerkalo", day="2026-01-12") == []
        spider.closed("finished")
    assert stat(spider, "discovery/empty_archive_days") == 1
    assert stat(spider, "discovery/listing_stop/empty") == 1
    assert stat(spider, "discovery/archive_silent/zerkalo") == 1
    assert url in caplog.text and "div.news-entry" in caplog.text


def test_zerkalo_archive_links_are_canonical_and_deduplicated() -> None:
    spider = make_spider(ZerkaloSpider, since="2026-01-12")
    page = html("https://news.zerkalo.io/archive/12.01.2026.html", """
        <div class="news-entry"><a href="/life/">Жизнь</a><a href="/life/1.html?c">a</a></div>
        <div class="news-entry"><a href="https://br0wse-zerkalo.site/news/life/1.html">a</a></div>
        <div class="news-entry"><a href="/life/2.html?utm_source=x">b</a></div>
        <div class="news-entry"><a href="/gallery/3.html">g</a><a href="https://belta.by/a/4.html">x</a></div>
        <a rel="next" href="/archive/12.01.2026.html?page=2">Дальше</a>""")
    out = walk(spider, page, "zerkalo", day="2026-01-12")
    assert [r.url for r in out] == ["https://news.zerkalo.io/life/1.html",
                                    "https://news.zerkalo.io/life/2.html",
                                    "https://news.zerkalo.io/archive/12.01.2026.html?page=2"]
    assert out[0].meta["hint_published"] == "2026-01-12T00:00:00+03:00"
    assert out[2].cb_kwargs["page"] == 2
    assert out[2].cb_kwargs["seen"] == {"https://news.zerkalo.io/life/1.html",
                                        "https://news.zerkalo.io/life/2.html"}
    # Page 2 repeats page 1 (a pager loop): the walk stops.
    again = html("https://news.zerkalo.io/archive/12.01.2026.html?page=2", page.text)
    assert walk(spider, again, "zerkalo", day="2026-01-12", page=2,
                seen=out[2].cb_kwargs["seen"]) == []
    assert stat(spider, "discovery/listing_stop/repeated_page") == 1


def test_zerkalo_next_link_to_another_site_ends_the_walk() -> None:
    spider = make_spider(ZerkaloSpider, since="2026-01-12")
    page = html("https://news.zerkalo.io/archive/12.01.2026.html",
                '<div class="news-entry"><a href="/life/1.html">a</a></div>'
                '<a rel="next" href="https://evil.example/archive?page=2">Дальше</a>')
    assert [r.url for r in walk(spider, page, "zerkalo", day="2026-01-12")] == [
        "https://news.zerkalo.io/life/1.html"]
    assert stat(spider, "discovery/listing_stop/last_page") == 1


def listing(*paths: str) -> str:
    links = "".join(f'<div class="b-list__item"><a href="{p}">t</a></div>' for p in paths)
    news = '<div class="b-news"><a href="/politics/20/01/2026/newest">Новости дня</a></div>'
    return f"<html><body>{news}<div class='b-list'>{links}</div></body></html>"


def test_runews24_stops_paging_when_a_page_is_older_than_the_window() -> None:
    spider = make_spider(RuNews24Spider, since="2026-01-11", until="2026-01-12")
    page = html("https://runews24.ru/politics/?page=3",
                listing("/politics/10/01/2026/a", "/politics/09/01/2026/b"))
    assert walk(spider, page, "runews24", path="/politics/", page=3) == []
    assert stat(spider, "discovery/listing_stop/older_than_window") == 1
    assert stat(spider, "discovery/out_of_window_links") == 2  # the b-news link is ignored


def test_runews24_pages_on_and_skips_newer_links() -> None:
    spider = make_spider(RuNews24Spider, since="2026-01-11", until="2026-01-12")
    page = html("https://runews24.ru/politics/",
                listing("/politics/13/01/2026/a", "/politics/12/01/2026/b?utm_source=x"))
    out = walk(spider, page, "runews24", path="/politics/")
    assert [r.url for r in out] == ["https://runews24.ru/politics/12/01/2026/b",
                                    "https://runews24.ru/politics/?page=2"]
    assert out[0].meta["hint_published"] == "2026-01-12T00:00:00+03:00"
    # The same page again (MODX past its last page): paging stops.
    again = html("https://runews24.ru/politics/?page=2", page.text)
    assert walk(spider, again, "runews24", path="/politics/", page=2,
                seen=out[1].cb_kwargs["seen"]) == []
    assert stat(spider, "discovery/listing_stop/repeated_page") == 1


def test_runews24_empty_rubric_is_reported(caplog: pytest.LogCaptureFixture) -> None:
    spider = make_spider(RuNews24Spider)
    url = "https://runews24.ru/sport/"
    with caplog.at_level(logging.WARNING):
        assert list(spider.parse_listing(html(url, listing()), "runews24", "/sport/")) == []
    assert stat(spider, "discovery/empty_listings") == 1
    assert url in caplog.text


def test_a_rubric_whose_links_changed_scheme_says_so_not_that_its_markup_did(
        caplog: pytest.LogCaptureFixture) -> None:
    """The listing's links were all there under its selector, in a new URL scheme: the
    warning blamed the selector ("links to no article in … (layout change?)")."""
    spider = make_spider(RuNews24Spider)
    url = "https://runews24.ru/sport/"
    page = html(url, listing("/news/101/", "/news/102/", "/news/103/"))
    with caplog.at_level(logging.WARNING):
        assert list(spider.parse_listing(page, "runews24", "/sport/")) == []
    assert stat(spider, "discovery/empty_listings") == 1
    assert "its 3 link(s) in" in caplog.text and "has the URL scheme changed?" in caplog.text


def lenta(*items: tuple[str, str]) -> str:
    return "".join(
        f'<div class="news_item lenta_item"><div class="new_date"><div class="day">{day}</div>'
        f'<div class="month_year">января 2026</div></div>'
        f'<a href="https://www.belta.by/politics/" class="lenta_rubric">Политика</a>'
        f'<a href="{href}">t</a></div>' for day, href in items) + (
        '<div class="news_item"><a href="/regions/view/x-1-2026/">widget</a></div>')


def test_belta_day_archive_keeps_the_day_and_stops_when_items_get_older() -> None:
    spider = make_spider(BeltaSpider, since="2026-01-07", until="2026-01-08")
    url = "https://www.belta.by/all_news/page/1/?day=07&month=01&year=26"
    page = html(url, lenta(("08", "/politics/view/a-1-2026/"), ("07", "/politics/view/b-2-2026/"),
                           ("06", "/politics/view/c-3-2026/")))
    out = walk(spider, page, "belta", day="2026-01-07")
    assert [r.url for r in out] == ["https://www.belta.by/politics/view/b-2-2026/",
                                    "https://www.belta.by/all_news/page/2/?day=07&month=01&year=26"]
    assert out[0].meta["hint_published"] == "2026-01-07T00:00:00+03:00"
    assert stat(spider, "discovery/out_of_window_links") == 2
    # Page 2 holds only older items: the walk stops.
    older = html(out[1].url, lenta(("06", "/politics/view/d-4-2026/"),
                                   ("05", "/politics/view/e-5-2026/")))
    assert walk(spider, older, "belta", day="2026-01-07", page=2,
                seen=out[1].cb_kwargs["seen"]) == []
    assert stat(spider, "discovery/listing_stop/older_than_window") == 1


def test_page_cap_from_the_setting_ends_a_walk(caplog: pytest.LogCaptureFixture) -> None:
    spider = make_spider(RegionalSpider, {"ARCHIVE_MAX_PAGES": 3}, sites="shklovinfo.by",
                         since="2025-09-11", until="2025-09-11")
    url = "https://shklovinfo.by/?m=20250911&paged=3"
    page = html(url, '<main><a href="/?p=48150">a</a></main>')
    with caplog.at_level(logging.WARNING):
        out = walk(spider, page, "shklovinfo.by", day="2025-09-11", page=3)
    assert [r.url for r in out] == ["https://shklovinfo.by/?p=48150"]
    assert stat(spider, "discovery/listing_stop/max_pages") == 1
    assert url in caplog.text
    page2 = html("https://shklovinfo.by/?m=20250911", '<main><a href="/?p=48150">a</a></main>')
    assert walk(spider, page2, "shklovinfo.by", day="2025-09-11")[-1].url == (
        "https://shklovinfo.by/?m=20250911&paged=2")


def test_a_listing_that_is_not_html_is_skipped(caplog: pytest.LogCaptureFixture) -> None:
    spider = make_spider(RegionalSpider, sites="shklovinfo.by")
    url = "https://shklovinfo.by/"
    image = Response(url, body=b"\x89PNG\r\n", headers={"Content-Type": "image/png"},
                     request=Request(url))
    with caplog.at_level(logging.WARNING):
        assert list(spider.parse_listing(image, "shklovinfo.by", "/")) == []
    assert stat(spider, "discovery/listing_not_html") == 1 and "image/png" in caplog.text
    out = list(spider.parse_listing(html(url, "<p>no links</p>"), "shklovinfo.by", "/"))
    assert out == [] and stat(spider, "discovery/empty_listings") == 1


def test_one_resolver_maps_mirror_links_of_this_run() -> None:
    spider = make_spider(ZerkaloSpider, {"OUTLET_BASE_URLS": {
        "zerkalo": "https://mirror.example/news"}})
    assert spider.outlet_of("https://mirror.example/news/life/1.html") is spider.outlet
    assert spider.outlet_of("https://br0wse-zerkalo.site/news/life/1.html") is spider.outlet
    assert spider.outlet_of("https://www.belta.by/x") is None


@pytest.mark.usefixtures("site_registries_withdrawn")
def test_a_site_spider_without_sites_has_no_outlet_and_no_error(tmp_path) -> None:
    """crawlall runs it with no rows; Scrapy's feed exports read its attributes then."""
    from crawler.spiders.site import SiteSpider

    spider = SiteSpider.from_crawler(get_crawler(SiteSpider, {"DATA_DIR": str(tmp_path)}))
    spider.setup_sites()
    assert getattr(spider, "outlet", None) is None and spider.outlets() == []
