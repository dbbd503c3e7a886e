"""The district-site table, archive schemes, site selection and БЕЛТА lenta dates, no crawl."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from parsel import Selector
from scrapy.exceptions import UsageError

from crawler.extraction.dates import parse_any
from crawler.outlets import get_outlet
from crawler.outlets.archives import archive_path
from crawler.outlets.belta import BELTA, lenta_item_date
from crawler.outlets.regional import load_sites
from crawler.spiders.base import OutletSpider
from crawler.spiders.regional import select_sites
from tests.support.metrics import token_f1

ARTICLES = {
    "shklovinfo.by": ["https://shklovinfo.by/?p=48213", "https://shklovinfo.by/?p=5&utm_source=x"],
    "pvestnik.by": ["https://pvestnik.by/2025/09/14/polotsk-novost-1/"],
    "hoiniki.by": ["https://hoiniki.by/?p=1"],
    "golk.by": ["https://golk.by/rayon-zhivet-1.html"],
    "pniva.by": ["https://pniva.by/2025/09/dozhinki-2025/"],
    "nesvizh-news.by": ["https://nesvizh-news.by/2025/09/14/zamok/"],
}
NOT_ARTICLES = {
    "shklovinfo.by": ["/?cat=3", "/?tag=shklov", "/?author=2", "/?page_id=2", "/?feed=rss2",
                      "/?attachment_id=55", "/?m=20250914", "/"],
    "pvestnik.by": ["/category/novosti/", "/tag/polotsk/", "/author/a/", "/page/2/", "/feed/",
                    "/2025/09/14/", "/2025/09/14/page/2/", "/2025/09/14/x/attachment/foto-1/",
                    "/o-gazete/"],
    "pniva.by": ["/2025/09/", "/2025/09/14/", "/2025/09/page/2/"],
    "nesvizh-news.by": ["/2025/09/14/page/3/"],
}


def _spider() -> OutletSpider:
    return OutletSpider(name="t")


@pytest.mark.parametrize("host", sorted(ARTICLES))
def test_article_urls(host: str) -> None:
    outlet, spider = get_outlet(host), _spider()
    for url in ARTICLES[host]:
        assert spider.is_article_url(outlet, url), url
    for path in NOT_ARTICLES.get(host, []):
        assert not spider.is_article_url(outlet, f"https://{host}{path}"), path


def test_table_has_the_documented_sites() -> None:
    sites = load_sites()
    assert {"shklovinfo.by", "pvestnik.by", "hoiniki.by", "klich.by", "orshanka.by",
            "golk.by"} <= set(sites)
    assert sites["shklovinfo.by"].discovery.archive_name == "wp-m"
    assert sites["pvestnik.by"].discovery.archive_name == "wp-date"
    assert sites["golk.by"].discovery.archive is None
    assert sites["pvestnik.by"].discovery.feeds == ("/feed/",)
    assert sites["shklovinfo.by"].discovery.sitemaps == ("/wp-sitemap.xml",)
    assert "Последние новости" in sites["shklovinfo.by"].rules.cut_markers


def test_bad_rows_fail_loudly(tmp_path: Path) -> None:
    path = tmp_path / "sites.toml"
    path.write_text('[[site]]\nhost = "a.by"\nname = "A"\narticle_path = "x"\narchive = "wp-x"\n')
    with pytest.raises(ValueError, match="unknown archive scheme 'wp-x'"):
        load_sites(path)
    path.write_text('[[site]]\nhost = "a.by"\nname = "A"\narticle_path = "x"\nbodyy = ["p"]\n')
    with pytest.raises(ValueError, match="unknown fields"):
        load_sites(path)


def test_archive_schemes() -> None:
    day = date(2025, 9, 4)
    assert archive_path("wp-m", day, 1) == "/?m=20250904"
    assert archive_path("wp-m", day, 3) == "/?m=20250904&paged=3"
    assert archive_path("wp-date", day, 1) == "/2025/09/04/"
    assert archive_path("wp-date", day, 2) == "/2025/09/04/page/2/"
    assert archive_path("none", day, 1) is None
    belta = BELTA.discovery.archive
    assert belta is not None
    assert belta.url_path(2, date(2026, 1, 8)) == "/all_news/page/2/?day=08&month=01&year=26"


def test_select_sites() -> None:
    known = ["a.by", "b.by"]
    assert select_sites(None, known) == known
    assert select_sites(" www.B.by ,https://a.by/", known) == ["b.by", "a.by"]
    with pytest.raises(UsageError, match=r"unknown host\(s\) c\.by; known hosts: a\.by, b\.by"):
        select_sites("a.by,c.by", known)


def test_lenta_dates_and_belarusian_months() -> None:
    item = Selector(text='<div class="news_item lenta_item"><div class="new_date">'
                         '<div class="day">08</div><div class="month_year">января 2026</div></div></div>')
    assert lenta_item_date(item.css("div.lenta_item")[0]) == date(2026, 1, 8)
    numeric = Selector(text='<div class="new_date"><div class="day">8</div>'
                            '<div class="month_year">01.2026</div></div>')
    assert lenta_item_date(numeric) == date(2026, 1, 8)
    for text, month in [("14 верасня 2025", 9), ("3 жніўня 2025, 10:30", 8), ("1 снежня 2024", 12),
                        ("14 сентября 2025", 9), ("2 лютага 2025", 2), ("5 кастрычніка 2025", 10)]:
        assert parse_any(text).month == month, text


def test_token_f1() -> None:
    assert token_f1("Минск, столица.", "минск столица") == 1.0
    assert token_f1("", "") == 1.0 and token_f1("a", "") == 0.0
    assert 0.6 < token_f1("один два три", "один два четыре") < 0.7
