"""`scrapy crawl`: a sitemap past DOWNLOAD_MAXSIZE and within the protocol's bound is read.

The sitemap protocol allows 50 MB unpacked (MAX_SITEMAP_BYTES); pages are bounded by
DOWNLOAD_MAXSIZE (32 MiB). A plain sitemap of 40 MB was cancelled by the download handler
("exceeds DOWNLOAD_MAXSIZE") and none of its URLs was read; now sitemap requests carry the
protocol's bound while pages keep theirs.
"""

from __future__ import annotations

import sys
from datetime import datetime

import pytest

from crawler.sitemap_limits import MAX_SITEMAP_BYTES, SITEMAP_WARN_BYTES
from tests.e2e.test_any_site import WINDOW, assert_gold_items
from tests.e2e.test_discovery_bounds import index_of
from tests.e2e.test_district_hostile import GOLK, PUBLISHED, article
from tests.e2e.test_replay import NO_NETWORK
from tests.sites import anysite
from tests.sites.common import paragraphs_for, rss, title_for
from tests.support.crawl import TEST_SETTINGS, run_crawl
from tests.support.server import FixtureServer, Page, VirtualSite

pytestmark = pytest.mark.slow

BIG = "/sitemaps/big.xml"
BOMB = "/sitemaps/bomb.xml"  # 50 MB and a little more of blanks, gzip-encoded
PEAK = "peak-rss-kib"
PAGE_LIMIT = 32 * 1024 * 1024  # the project's DOWNLOAD_MAXSIZE


def padded_urlset(host: str, golds: list[tuple[str, datetime]], size: int) -> bytes:
    """A urlset listing ``golds`` after old entries of long URLs, ``size`` bytes or a
    little more, under 50,000 entries."""
    head = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
            'schemas/sitemap/0.9">')
    tail = "".join(f"<url><loc>{u}</loc><lastmod>{m.isoformat()}</lastmod></url>"
                   for u, m in golds) + "</urlset>"
    slug = "staraya-novost-" * 50
    row = (f"<url><loc>http://{host}/archive/2019/{slug}{{n:06d}}.html</loc>"
           "<lastmod>2019-05-01T10:00:00+03:00</lastmod></url>")
    count = (size - len(head) - len(tail)) // len(row.format(n=0)) + 1
    assert count < 50_000
    return (head + "".join(row.format(n=n) for n in range(count)) + tail).encode()


def test_a_sitemap_over_the_page_bound_is_read(tmp_path) -> None:
    """The index lists only a plain urlset of 40 MB (past 32 MiB, within 50 MB) whose last
    entries are the window's articles: they are crawled, and the sitemap's answer was not
    cancelled."""
    shape = anysite.news_sitemap_site()
    host = shape.site.host
    when = datetime(2026, 1, 5, 12)
    shape.site.add("/sitemap_index.xml", anysite.sitemap_index(host, [(BIG, when)]))
    body = padded_urlset(host, [(g.url, g.published) for g in shape.golds], 40_000_000)
    assert PAGE_LIMIT < len(body) < MAX_SITEMAP_BYTES
    shape.site.add(BIG, Page(body, content_type="application/xml"))
    shape.site.pages.pop("/society/")  # no listing naming them: the sitemap alone does
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW},
                           timeout=300)
    assert "downloader/exception_type_count/scrapy.exceptions.DownloadCancelledError" \
        not in result.stats, result.log[-3000:]
    assert_gold_items(result, shape, "title", "published")


def test_a_large_sitemap_within_its_bound_is_read_without_a_size_warning(tmp_path) -> None:
    """A plain urlset of 10 MB (past a page's DOWNLOAD_WARNSIZE, 8 MiB; far from the
    protocol's 50 MB) is read with no "larger than download warn size" line: every ordinary
    large sitemap logged one, as a page that size would."""
    shape = anysite.news_sitemap_site()
    host = shape.site.host
    shape.site.add("/sitemap_index.xml",
                   anysite.sitemap_index(host, [(BIG, datetime(2026, 1, 5, 12))]))
    body = padded_urlset(host, [(g.url, g.published) for g in shape.golds], 10_000_000)
    assert 8 * 1024 * 1024 < len(body) < SITEMAP_WARN_BYTES
    shape.site.add(BIG, Page(body, content_type="application/xml"))
    shape.site.pages.pop("/society/")  # no listing naming them: the sitemap alone does
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert_gold_items(result, shape, "title", "published")
    assert "warn size" not in result.log, result.log[-3000:]


def test_an_outlet_spiders_gzip_sent_sitemap_over_the_page_bound_is_read(tmp_path) -> None:
    """The same for a spider of outlet rows (``regional``), the urlset a child of the row's
    index sent with Content-Encoding: gzip (small on the wire, 40 MB unpacked: Scrapy's
    decompression read the page bound); an article page past the page bound listed beside
    the day's article is still refused by DOWNLOAD_MAXSIZE, and so is a sitemap unpacking
    past the protocol's bound; the crawl's memory stays bounded."""
    path, huge = "/dozhinki-v-rayone.html", "/ogromnaya-stranica.html"
    site = VirtualSite(GOLK)
    site.add(path, article(title_for(5), paragraphs_for(5)))
    site.add(huge, Page(b"<html><body>" + b"x" * (PAGE_LIMIT + 1024) + b"</body></html>"))
    site.add("/feed", Page(rss("x", f"https://{GOLK}/", []).encode(),
                           content_type="application/rss+xml"))
    site.add("/sitemap.xml", index_of(GOLK, [BIG, BOMB]))
    golds = [(f"https://{GOLK}{p}", PUBLISHED) for p in (huge, path)]
    body = padded_urlset(GOLK, golds, 40_000_000).replace(b"http://", b"https://")
    assert PAGE_LIMIT < len(body) < MAX_SITEMAP_BYTES
    site.add(BIG, Page(body, content_type="application/xml", gzip=True))
    site.add(BOMB, Page(b" " * (MAX_SITEMAP_BYTES + 1024), content_type="application/xml",
                        gzip=True))
    with FixtureServer([site]) as server:
        result = run_crawl("regional", tmp_path, server, args={
            "sites": GOLK, "since": "2025-09-12", "until": "2025-09-12"}, timeout=300,
            launcher=[sys.executable, "-m", "tests.support.peak_rss", str(tmp_path / PEAK)])
    assert result.returncode == 0, result.log[-3000:]
    # the crawl's peak: the sitemap's 40 MB held while read (its gzip beside it), no more
    peak_kib = int((tmp_path / PEAK).read_text())
    assert 0 < peak_kib < 400 * 1024, peak_kib
    assert [i["url"] for i in result.items] == [f"https://{GOLK}{path}"], result.log[-3000:]
    assert result.items[0]["text"] == "\n\n".join(paragraphs_for(5))
    assert result.stats[
        "downloader/exception_type_count/scrapy.exceptions.DownloadCancelledError"] == 1
    # a sitemap unpacking past the protocol's bound is still refused, said, the rest read
    assert f"exceeded DOWNLOAD_MAXSIZE ({MAX_SITEMAP_BYTES} B) during decompression" \
        in result.log
    # replayed offline from the run's WARC files, the sitemap gives the same article
    replay = run_crawl("regional", tmp_path / "replay", None, args={
        "sites": GOLK, "since": "2025-09-12", "until": "2025-09-12"}, timeout=300,
        env=NO_NETWORK, settings={"WARC_REPLAY": str(tmp_path / "warc"),
                                  "OUTLET_BASE_URLS": {GOLK: f"http://{GOLK}"}})
    # (the bomb's record, refused live too, is said unreadable: an alarm, exit 1)
    assert f"http://{GOLK}{BIG}" not in replay.stats.get("replay/missing_urls", []), \
        replay.log[-3000:]
    assert [i["url"] for i in replay.items] == [f"https://{GOLK}{path}"], replay.log[-3000:]


def test_the_scraper_holds_a_sitemap_at_its_bound_beside_a_page_at_its_own() -> None:
    """New requests go out while a sitemap at the protocol's bound is read, one page at
    DOWNLOAD_MAXSIZE beside it (tests/e2e/test_sitemap_turns.py says why)."""
    from crawler import settings
    assert settings.DOWNLOAD_MAXSIZE == PAGE_LIMIT
    assert settings.SCRAPER_SLOT_MAX_ACTIVE_SIZE >= MAX_SITEMAP_BYTES + PAGE_LIMIT
    assert TEST_SETTINGS.get("DOWNLOAD_MAXSIZE") is None


def test_a_text_sitemap_of_cr_line_ends_and_a_20_mb_line_is_read(tmp_path) -> None:
    """A plain-text sitemap whose lines end in CR alone (old Mac files: it was one line of
    junk, no URL read) holding a line of 20 MB (one step of the read, held whole): its URLs
    are read, the long line passed over, counted and said."""
    shape, junk = anysite.text_sitemap_site("named")
    page = shape.site.pages["/maps/urls.txt"]
    lines = page.body.replace(b"\r\n", b"\n").split(b"\n")
    long_line = b"http://" + shape.site.host.encode() + b"/" + b"a" * 20_000_000
    page.body = b"\r".join([lines[0], long_line, *lines[1:]])
    assert b"\n" not in page.body
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert_gold_items(result, shape, "text", "title", "published")
    assert result.stats.get("discovery/text_sitemap_junk") == junk + 1, result.log[-3000:]
    assert result.stats.get("discovery/text_sitemap_long_lines") == 1
    assert f"line 2 is longer than 8192 bytes, no URL: 'http://{shape.site.host}/aaa" \
        in result.log
