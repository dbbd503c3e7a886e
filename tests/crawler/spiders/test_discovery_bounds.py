"""Bounds every spider's discovery keeps against a hostile or broken site: sitemap indexes
nested or fanned out without end, feeds of hundreds of thousands of items, and sitemap, feed
and page URLs naming the crawler's own network (SSRF)."""

from __future__ import annotations

from typing import Any

from scrapy.http import Request, XmlResponse
from scrapy.utils.test import get_crawler

from crawler.pacing import TURN, TURN_EVERY
from crawler.spiders.zerkalo import ZerkaloSpider

BASE = "https://news.zerkalo.io"
FEED = f"{BASE}/rss/all.rss"
INDEX = f"{BASE}/sitemap.xml"


def spider(settings: dict[str, Any] | None = None,
           base: str | None = None) -> tuple[ZerkaloSpider, Any]:
    crawler = get_crawler(ZerkaloSpider, {"OUTLET_BASE_URLS": {"zerkalo": base} if base else {},
                                          **(settings or {})})
    made = ZerkaloSpider.from_crawler(crawler, since="2026-03-12", until="2026-03-12")
    crawler.stats.open_spider()
    return made, crawler.stats


def rss(links: list[str]) -> bytes:
    items = "".join(f"<item><title>t</title><link>{u}</link></item>" for u in links)
    return f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()


def index(children: list[str]) -> bytes:
    rows = "".join(f"<sitemap><loc>{u}</loc></sitemap>" for u in children)
    return ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/'
            f'0.9">{rows}</sitemapindex>').encode()


def answer(url: str, body: bytes, **cb_kwargs: Any) -> XmlResponse:
    request = Request(url, cb_kwargs={"outlet_key": "zerkalo", **cb_kwargs})
    return XmlResponse(url, body=body, request=request)


def test_a_feed_is_read_up_to_its_entry_bound(caplog) -> None:
    """A feed of 300,000 items queued 300,002 requests (1.1 GB): FEED_MAX_ENTRIES ends it."""
    made, stats = spider({"FEED_MAX_ENTRIES": 3})
    links = [f"{BASE}/life/{n}.html" for n in range(1, 8)]
    requests = list(made.feed_outputs(answer(FEED, rss(links)), "zerkalo"))
    assert [r.url for r in requests] == links[:3]
    assert stats.get_value("discovery/feed_entry_limit") == 1
    assert stats.get_value("discovery/feed_entries") == 3
    assert (f"Feed {FEED} lists more than FEED_MAX_ENTRIES=3 entries: those after the 3rd not "
            "read (counted in discovery/feed_entry_limit)") in caplog.text


def test_the_feed_bound_has_a_default_far_above_a_feed_and_far_below_a_flood() -> None:
    made, stats = spider()
    links = [f"{BASE}/life/{n}.html" for n in range(1, 1203)]
    outputs = list(made.feed_outputs(answer(FEED, rss(links)), "zerkalo"))
    requests = [r for r in outputs if r is not TURN]
    assert len(requests) == 1000
    assert len(outputs) - len(requests) == 1000 // TURN_EVERY  # the reactor's turns
    assert stats.get_value("discovery/feed_entry_limit") == 1


def test_sitemap_indexes_are_followed_to_the_depth_bound(caplog) -> None:
    """An index whose every child is another index made 1,248 fetches in 90 s, nothing said."""
    made, stats = spider({"SITE_SITEMAP_DEPTH": 2})
    children = [f"{BASE}/sm/{n}.xml" for n in (1, 2)]
    first = list(made.sitemap_outputs(answer(INDEX, index(children)), "zerkalo"))
    assert [(r.url, r.cb_kwargs["depth"]) for r in first] == [(u, 1) for u in children[::-1]]
    second = list(made.sitemap_outputs(answer(children[0], index([f"{BASE}/sm/9.xml"]), depth=1),
                                       "zerkalo", depth=1))
    assert [(r.url, r.cb_kwargs["depth"]) for r in second] == [(f"{BASE}/sm/9.xml", 2)]
    third = list(made.sitemap_outputs(answer(f"{BASE}/sm/9.xml", index(
          [f"{BASE}/sm/10.xml", f"{BASE}/sm/11.xml"]), depth=2), "zerkalo", depth=2))
    assert third == []
    assert stats.get_value("discovery/sitemap_depth_limit") == 2
    assert (f"zerkalo: {BASE}/sm/9.xml lists 2 sitemaps below SITE_SITEMAP_DEPTH=2: not "
            "fetched (counted in discovery/sitemap_depth_limit)") in caplog.text


def test_sitemap_indexes_are_followed_to_the_count_bound(caplog) -> None:
    made, stats = spider({"SITE_MAX_SITEMAPS": 4})
    children = [f"{BASE}/sm/{name}.xml" for name in ("news", "life", "sport", "money",
                                                     "auto", "tech")]  # undated: as listed
    requests = list(made.sitemap_outputs(answer(INDEX, index(children)), "zerkalo"))
    assert [r.url for r in requests] == children[:4]  # four sitemaps asked for the outlet
    again = list(made.sitemap_outputs(answer(children[0], index([f"{BASE}/sm/99.xml"])),
                                      "zerkalo", depth=1))
    assert again == []
    assert stats.get_value("discovery/sitemap_over_limit") == 3
    assert (f"zerkalo: SITE_MAX_SITEMAPS=4 reached: 2 of the sitemaps {INDEX} lists not "
            "fetched (those least likely to hold the window's articles) (counted in "
            "discovery/sitemap_over_limit)") in caplog.text
    assert (f"zerkalo: SITE_MAX_SITEMAPS=4 reached: 1 of the sitemaps {children[0]} lists not "
            "fetched (those least likely to hold the window's articles)") in caplog.text


REFUSED = ["http://169.254.169.254/latest/meta-data/iam/security-credentials/",
           "http://10.1.2.3:8500/v1/kv/?recurse", "http://localhost:6379/",
           "http://2130706433/life/1.html"]


def test_sitemap_and_feed_urls_on_private_addresses_are_refused(caplog) -> None:
    made, stats = spider()
    good = f"{BASE}/life/7.html"
    assert list(made.sitemap_outputs(answer(INDEX, index(REFUSED)), "zerkalo")) == []
    feed = list(made.feed_outputs(answer(FEED, rss([*REFUSED, good])), "zerkalo"))
    assert [r.url for r in feed] == [good]
    assert stats.get_value("discovery/refused_address") == 2 * len(REFUSED)
    assert ("Discovery: the sitemap http://169.254.169.254/latest/meta-data/iam/security-"
            f"credentials/ named by {INDEX} is refused: link-local address 169.254.169.254 "
            "(counted in discovery/refused_address)") in caplog.text
    assert (f"Discovery: the page http://localhost:6379/ named by {FEED} is refused: localhost"
            in caplog.text)


def test_a_site_on_a_private_address_may_name_private_addresses() -> None:
    """A local mirror (and every test server) lives on 127.0.0.1: its sitemaps do too."""
    base = "http://127.0.0.1:8000"
    made, stats = spider(base=base)
    children = [f"{base}/sm/1.xml"]
    requests = list(made.sitemap_outputs(answer(f"{base}/sitemap.xml", index(children)),
                                         "zerkalo"))
    assert [r.url for r in requests] == children
    assert stats.get_value("discovery/refused_address") is None


LOCAL = "http://127.0.0.1:8000"
ELSEWHERE = ["http://10.0.0.5/sitemap.xml", "http://169.254.169.254/latest/meta-data/",
             "http://localhost:6379/"]


def test_a_local_site_may_name_its_own_host_only(caplog) -> None:
    """A site on 127.0.0.1 naming a sitemap, feed or page on 10.0.0.5 or 169.254.169.254 has
    it refused as a public site would: the downloader middleware drops any request to a
    private host no site is on, so discovery refuses it too (it counted those as offered).
    Its own host, on any port and however spelt, is not refused (the outlet spider asks a
    sitemap on the outlet's own address)."""
    made, stats = spider(base=LOCAL)
    own = [f"{LOCAL}/sm/1.xml", "http://127.0.0.1:9000/sm/2.xml", "http://2130706433/sm/3.xml"]
    requests = list(made.sitemap_outputs(answer(f"{LOCAL}/sitemap.xml", index([*ELSEWHERE, *own])),
                                         "zerkalo"))
    assert sorted(r.url for r in requests) == [f"{LOCAL}/sm/1.xml", f"{LOCAL}/sm/2.xml"]
    good = f"{LOCAL}/life/7.html"
    feed = list(made.feed_outputs(answer(f"{LOCAL}/rss/all.rss", rss([*ELSEWHERE, good])),
                                  "zerkalo"))
    assert [r.url for r in feed] == [good]
    assert stats.get_value("discovery/refused_address") == 2 * len(ELSEWHERE)
    assert (f"Discovery: the sitemap http://10.0.0.5/sitemap.xml named by {LOCAL}/sitemap.xml "
            "is refused: private address 10.0.0.5 (counted in discovery/refused_address)"
            in caplog.text)
    assert ("Discovery: the page http://169.254.169.254/latest/meta-data/ named by "
            f"{LOCAL}/rss/all.rss is refused: link-local address 169.254.169.254" in caplog.text)


def test_the_newest_of_a_numbered_index_are_the_ones_fetched_at_the_count_bound(caplog
                                                                                ) -> None:
    """WordPress (wp-sitemap-posts-post-N) and Yoast (post-sitemapN) number their sitemaps
    oldest first: of 60, the 50 SITE_MAX_SITEMAPS lets through are the highest numbered
    (where a window's articles are), newest first, as the site spider ranks them."""
    made, stats = spider()
    children = [f"{BASE}/wp-sitemap-posts-post-{n}.xml" for n in range(1, 61)]
    requests = list(made.sitemap_outputs(answer(INDEX, index(children)), "zerkalo"))
    assert [r.url for r in requests] == children[:9:-1]  # 60, 59, … 11
    assert stats.get_value("discovery/sitemap_over_limit") == 10
    assert (f"zerkalo: SITE_MAX_SITEMAPS=50 reached: 10 of the sitemaps {INDEX} lists not "
            "fetched (those least likely to hold the window's articles)") in caplog.text


def test_a_dated_child_sitemap_goes_before_numbered_ones() -> None:
    """A child named by the window's month is asked for first; undated ones keep their
    order after it, numbered ones last, highest first."""
    made, _ = spider()
    children = [f"{BASE}/post-sitemap1.xml", f"{BASE}/post-sitemap2.xml",
                f"{BASE}/news.xml", f"{BASE}/sitemap-2026-03.xml"]
    requests = list(made.sitemap_outputs(answer(INDEX, index(children)), "zerkalo"))
    assert [r.url for r in requests] == [children[3], children[2], children[1], children[0]]
