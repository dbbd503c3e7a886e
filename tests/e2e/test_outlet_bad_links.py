"""Registered outlets' spiders on feeds and sitemaps holding a link that is no URL (an IPv6
host left open, a port past 65535): one such entry must not end the reading of the rest."""

from __future__ import annotations

import re

import pytest

from tests.e2e.test_district_hostile import GOLK, article
from tests.sites import zerkalo
from tests.sites.common import paragraphs_for, title_for
from tests.support.crawl import run_crawl
from tests.support.server import FixtureServer, Page, VirtualSite

pytestmark = pytest.mark.slow

NO_URLS = ("http://[::1", f"https://{zerkalo.HOST}:99999/life/1.html")


def test_a_feed_item_that_is_no_url_loses_no_other_item(tmp_path) -> None:
    fixture = zerkalo.build()
    bad = "".join(f"<item><title>x</title><link>{u}</link></item>" for u in NO_URLS)
    for path in ("/rss/all.rss", "/rss/index.rss"):
        page = fixture.site.pages[path]
        page.body = re.sub(rb"<item>", bad.encode() + b"<item>", page.body, count=1)
    with FixtureServer([fixture.site]) as server:
        result = run_crawl("zerkalo", tmp_path, server)
    assert result.returncode == 0, result.log[-3000:]
    assert {item["url"] for item in result.items} == fixture.front
    assert result.stats.get("discovery/feed/no_url") == 4
    for feed in ("/rss/all.rss", "/rss/index.rss"):  # said once per feed, naming the first
        assert re.search(rf"an entry of the feed \S+{feed} is no URL: 'http://\[::1' "
                         r"\(skipped, counted in discovery/feed/no_url\)", result.log)
    assert "Invalid IPv6 URL" not in result.log and "Port out of range" not in result.log


def test_a_sitemap_loc_that_is_no_url_loses_no_other_loc(tmp_path) -> None:
    inside = "/dozhinki-v-rayone.html"
    site = VirtualSite(GOLK)
    site.add(inside, article(title_for(5), paragraphs_for(5)))
    locs = [*NO_URLS, f"https://{GOLK}:99999{inside}", f"https://{GOLK}{inside}"]
    rows = "".join(f"<url><loc>{u}</loc><lastmod>2025-09-12</lastmod></url>" for u in locs)
    site.add("/sitemap.xml", Page(('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http:'
                                   f'//www.sitemaps.org/schemas/sitemap/0.9">{rows}</urlset>')
                                  .encode(), content_type="application/xml"))
    with FixtureServer([site]) as server:
        result = run_crawl("regional", tmp_path, server, args={
            "sites": GOLK, "since": "2025-09-12", "until": "2025-09-12"})
    assert [i["url"] for i in result.items] == [f"https://{GOLK}{inside}"], result.log[-3000:]
    assert result.items[0]["text"] == "\n\n".join(paragraphs_for(5))
    assert result.stats.get("discovery/sitemap/no_url") == 3
    assert "is no URL: 'http://[::1' (skipped, counted in discovery/sitemap/no_url)" in result.log
    assert "Invalid IPv6 URL" not in result.log and "Port out of range" not in result.log
