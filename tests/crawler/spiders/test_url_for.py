"""Paths joined under an outlet's base URL, a colon in their first segment included."""

from __future__ import annotations

import pytest
from scrapy.utils.test import get_crawler

from crawler.outlets.zerkalo import ZERKALO
from crawler.spiders.zerkalo import ZerkaloSpider


def spider(base: str | None = None) -> ZerkaloSpider:
    crawler = get_crawler(ZerkaloSpider, {"OUTLET_BASE_URLS": {"zerkalo": base} if base else {}})
    return ZerkaloSpider.from_crawler(crawler)


@pytest.mark.parametrize(("path", "url"), [
    # urljoin read "news:123/" and "Special:Export/x" as URLs of schemes news and special
    ("/news:123/", "https://news.zerkalo.io/news:123/"),
    ("/Special:Export/x", "https://news.zerkalo.io/Special:Export/x"),
    ("/a:b/c?id=1:2&x=y", "https://news.zerkalo.io/a:b/c?id=1:2&x=y"),
    ("/economy/1.html", "https://news.zerkalo.io/economy/1.html"),
    ("/?page=2", "https://news.zerkalo.io/?page=2"),
    ("", "https://news.zerkalo.io/"),
    ("/", "https://news.zerkalo.io/"),
])
def test_every_path_joins_under_the_base(path: str, url: str) -> None:
    assert spider().url_for(ZERKALO, path) == url


def test_a_colon_path_joins_under_a_mirrors_base_and_prefix() -> None:
    mirror = spider("http://127.0.0.1:8080/news")
    assert mirror.url_for(ZERKALO, "/Special:Export/x") == "http://127.0.0.1:8080/news/Special:Export/x"
    assert mirror.url_for(ZERKALO, "") == "http://127.0.0.1:8080/news/"
    assert (mirror.fetch_url(ZERKALO, "https://news.zerkalo.io/news:123/")
            == "http://127.0.0.1:8080/news/news:123/")
