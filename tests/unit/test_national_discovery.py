"""Discovery decisions of the zerkalo and runews24 spiders on single pages (no network).

A changed archive or listing layout must be loud (a warning naming the URL and a stats counter),
and paging must stop for the documented reasons.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from crawler.spiders.runews24 import RuNews24Spider
from crawler.spiders.zerkalo import ZerkaloSpider


def make_spider(cls: type, **kwargs: Any) -> Any:
    return cls.from_crawler(get_crawler(cls, {"OUTLET_BASE_URLS": {}}), **kwargs)


def html(url: str, body: str) -> HtmlResponse:
    return HtmlResponse(url, body=body.encode(), encoding="utf-8", request=Request(url))


def test_zerkalo_archive_without_entries_is_reported(caplog: pytest.LogCaptureFixture) -> None:
    spider = make_spider(ZerkaloSpider, since="2026-01-12")
    url = "https://news.zerkalo.io/archive/12.01.2026.html"
    page = html(url, '<div class="news-list"><a href="/life/117505.html">Новость</a></div>')
    with caplog.at_level(logging.WARNING):
        out = list(spider.parse_archive(page, "zerkalo", "2026-01-12", 1))
    assert out == []
    assert spider.crawler.stats.get_value("discovery/empty_archives") == 1
    assert url in caplog.text and "div.news-entry" in caplog.text


def test_zerkalo_archive_links_are_canonical_and_deduplicated() -> None:
    spider = make_spider(ZerkaloSpider, since="2026-01-12")
    page = html("https://news.zerkalo.io/archive/12.01.2026.html", """
        <div class="news-entry"><a href="/life/">Жизнь</a><a href="/life/1.html?c">a</a></div>
        <div class="news-entry"><a href="https://br0wse-zerkalo.site/news/life/1.html">a</a></div>
        <div class="news-entry"><a href="/life/2.html?utm_source=x">b</a></div>
        <div class="news-entry"><a href="/gallery/3.html">g</a><a href="https://belta.by/a/4.html">x</a></div>
        <a rel="next" href="/archive/12.01.2026.html?page=2">Дальше</a>""")
    out = list(spider.parse_archive(page, "zerkalo", "2026-01-12", 1))
    urls = [r.url for r in out]
    assert urls == ["https://news.zerkalo.io/life/1.html", "https://news.zerkalo.io/life/1.html",
                    "https://news.zerkalo.io/life/2.html",
                    "https://news.zerkalo.io/archive/12.01.2026.html?page=2"]
    # Scrapy's duplicate filter then keeps one request per article (same fetch URL).


def listing(*paths: str) -> str:
    links = "".join(f'<div class="b-list__item"><a href="{p}">t</a></div>' for p in paths)
    news = '<div class="b-news"><a href="/politics/20/01/2026/newest">Новости дня</a></div>'
    return f"<html><body>{news}<div class='b-list'>{links}</div></body></html>"


def test_runews24_stops_paging_when_a_page_is_older_than_the_window() -> None:
    spider = make_spider(RuNews24Spider, since="2026-01-11", until="2026-01-12")
    page = html("https://runews24.ru/politics/?page=3",
                listing("/politics/10/01/2026/a", "/politics/09/01/2026/b"))
    assert list(spider.parse_rubric(page, "runews24", "/politics/", 3)) == []
    stats = spider.crawler.stats
    assert stats.get_value("discovery/listing_stop/older_than_window") == 1
    assert stats.get_value("discovery/out_of_window_links") == 2  # the b-news link is ignored


def test_runews24_pages_on_and_skips_newer_links() -> None:
    spider = make_spider(RuNews24Spider, since="2026-01-11", until="2026-01-12")
    page = html("https://runews24.ru/politics/",
                listing("/politics/13/01/2026/a", "/politics/12/01/2026/b?utm_source=x"))
    out = list(spider.parse_rubric(page, "runews24", "/politics/", 1))
    assert [r.url for r in out] == ["https://runews24.ru/politics/12/01/2026/b",
                                    "https://runews24.ru/politics/?page=2"]
    assert out[0].meta["hint_published"] == "2026-01-12T00:00:00+03:00"
    # The same page again (MODX past its last page): paging stops.
    again = html("https://runews24.ru/politics/?page=2", page.text)
    assert [r.url for r in spider.parse_rubric(again, "runews24", "/politics/", 2)] == [
        "https://runews24.ru/politics/12/01/2026/b"]
    assert spider.crawler.stats.get_value("discovery/listing_stop/repeated_page") == 1


def test_runews24_empty_rubric_is_reported(caplog: pytest.LogCaptureFixture) -> None:
    spider = make_spider(RuNews24Spider)
    url = "https://runews24.ru/sport/"
    with caplog.at_level(logging.WARNING):
        assert list(spider.parse_rubric(html(url, listing()), "runews24", "/sport/", 1)) == []
    assert spider.crawler.stats.get_value("discovery/empty_listings") == 1
    assert url in caplog.text
