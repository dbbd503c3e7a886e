"""`scrapy crawl site`: crawler traps and hostile discovery documents end in bounded time and
requests, each said and counted, and the site's real articles are still found.

Each site is a fixture site of tests/sites/anysite.py with a trap added; every crawl runs
with a page bound the project does not set (``TRAP_BOUND``), so a crawl caught in a trap
still ends, and asserts it was not that bound which ended it.
"""

from __future__ import annotations

import pytest

from tests.e2e.test_any_site import WINDOW, assert_gold_items
from tests.sites import anysite
from tests.support.crawl import run_crawl
from tests.support.server import FixtureServer, Page

pytestmark = pytest.mark.slow

TRAP_BOUND = {"CLOSESPIDER_PAGECOUNT": 400}


def crawl(tmp_path, shape, server, **settings):
    """The site crawl of ``shape`` in the window, under the trap bound, bounded in time."""
    result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW},
                       settings={**TRAP_BOUND, **settings}, timeout=240)
    assert "closespider_pagecount" not in result.log, result.log[-3000:]
    return result


def test_a_robots_txt_naming_many_sitemaps_is_read_within_the_sitemap_bound(tmp_path) -> None:
    """robots.txt names 60 numbered sitemaps before the site's real index: they are chosen
    and bounded as an index's children, in half of SITE_MAX_SITEMAPS so the index's children
    are read too (every one was fetched, and the index, last, found the bound reached and
    lost the news sitemap's articles)."""
    shape = anysite.news_sitemap_site()
    host = shape.site.host
    listed = "".join(f"Sitemap: http://{host}/extra/sitemap-{n}.xml\n" for n in range(60))
    shape.site.add("/robots.txt", Page(f"User-agent: *\n{listed}Sitemap: http://{host}"
                                       "/sitemap_index.xml\n".encode(), content_type="text/plain"))
    shape.site.dynamic.append(lambda t: anysite.urlset([]) if t.startswith("/extra/") else None)
    with FixtureServer([shape.site]) as server:
        result = crawl(tmp_path, shape, server, SITE_MAX_SITEMAPS=10)
        paths = server.requested_paths(host)
    assert_gold_items(result, shape, "title", "published")
    maps = [p for p in paths if p.startswith(("/extra/", "/sitemap"))]
    assert len(maps) == len(set(maps)) == 7, maps  # five robots.txt names, the index's two
    assert {"/sitemap_index.xml", "/sitemaps/news.xml", "/sitemaps/pages.xml"} <= set(maps)
    assert result.stats["discovery/sitemap_over_limit"] == 56
    assert (f"SITE_MAX_SITEMAPS=10 reached: 56 of the sitemaps http://{host}/robots.txt lists"
            in result.log)
