"""`scrapy crawl site`: a sitemap of 50,000 entries is read taking turns with the reactor.

Its read held the reactor's thread for seconds (about 1.25 s of CPU, 10 s on a busy machine):
no socket was read, no other answer reached its callback, timers (download timeouts) fired
late. Now the other answers are handled while it is read, and the crawl's items and bounds
are those of before.
"""

from __future__ import annotations

import gzip
import time
from collections.abc import Callable
from datetime import datetime

import pytest

from crawler.feeds import MAX_SITEMAP_URLS
from tests.e2e.test_any_site import WINDOW, assert_gold_items
from tests.e2e.test_discovery_bounds import index_of
from tests.e2e.test_district_hostile import GOLK, PUBLISHED, article
from tests.sites import anysite
from tests.sites.common import paragraphs_for, rss, title_for
from tests.support.crawl import run_crawl
from tests.support.server import FixtureServer, Page, VirtualSite

pytestmark = pytest.mark.slow

ARCHIVE = "/sitemaps/archive.xml.gz"
NEWS = "/sitemaps/news.xml"
PLAIN_ARCHIVE = "/sitemaps/archive.xml"
HELD_AFTER_ARCHIVE = 0.5  # seconds the news sitemap is held once the archive was sent


def archive_urlset(host: str, entries: int, scheme: str = "http") -> bytes:
    """The site's past as one urlset, past the protocol's bound: entries changed in 2019,
    none a candidate of the window (a read that yields nothing until its end)."""
    rows = "".join(f"<url><loc>{scheme}://{host}/archive/2019/material-{n}.html</loc>"
                   "<lastmod>2019-05-01T10:00:00+03:00</lastmod></url>" for n in range(entries))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
            f'schemas/sitemap/0.9">{rows}</urlset>').encode()


def archive_sitemap(host: str, entries: int, scheme: str = "http") -> Page:
    """:func:`archive_urlset` gzipped (a few hundred KB on the wire and in Scrapy's hands)."""
    return Page(gzip.compress(archive_urlset(host, entries, scheme), mtime=0),
                content_type="application/x-gzip")


def assert_answered_during_read(log: str, host: str, held_path: str,
                                archive: str = ARCHIVE) -> None:
    """``held_path`` was crawled after the archive sitemap's answer and before its read
    ended (the SITEMAP_MAX_ENTRIES cut, said when its 50,000th entry is read)."""
    archive_crawled = log.index(f"Crawled (200) <GET http://{host}{archive}>")
    archive_read = log.index(f"Sitemap http://{host}{archive} lists more than "
                             f"SITEMAP_MAX_ENTRIES={MAX_SITEMAP_URLS} entries")
    held_crawled = log.index(f"Crawled (200) <GET http://{host}{held_path}>")
    assert archive_crawled < held_crawled < archive_read, (
        f"{held_path}'s answer waited for the read of {archive}")


def held_until(sent: Callable[[], bool], page: Page, path: str) -> Callable[[str], Page | None]:
    """A handler answering ``path`` with ``page`` only once ``sent()`` holds (the archive is
    out), and a moment after: its answer then comes while the crawl reads the archive."""
    def answer(target: str) -> Page | None:
        if target != path:
            return None
        ends = time.monotonic() + 60
        while not sent() and time.monotonic() < ends:
            time.sleep(0.05)
        time.sleep(HELD_AFTER_ARCHIVE)
        return page
    return answer


def test_answers_are_handled_while_a_huge_sitemap_is_read(tmp_path) -> None:
    """The index lists an archive sitemap of 60,000 entries of 2019 beside the news sitemap,
    which the server holds until the archive is sent: the news sitemap's answer is crawled
    between the archive's and the end of its read (the SITEMAP_MAX_ENTRIES cut, said when
    the 50,000th entry is read), not after it. The window's articles are those of the news
    sitemap, as before, and the archive is read to its bound and no further."""
    shape = anysite.news_sitemap_site()
    host = shape.site.host
    when = datetime(2026, 1, 5, 12)
    shape.site.add("/sitemap_index.xml", anysite.sitemap_index(host, [
        (ARCHIVE, when), (NEWS, when), ("/sitemaps/pages.xml", when)]))
    shape.site.add(ARCHIVE, archive_sitemap(host, MAX_SITEMAP_URLS + 10_000))
    news = shape.site.pages.pop(NEWS)
    news_entries = news.body.count(b"<url>")
    servers: list[FixtureServer] = []
    shape.site.dynamic.append(held_until(
        lambda: any(s.url.endswith(ARCHIVE) for s in servers[0].served), news, NEWS))
    with FixtureServer([shape.site]) as server:
        servers.append(server)
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW},
                           settings={"LOG_LEVEL": "DEBUG"}, timeout=300)
    assert_gold_items(result, shape, "title", "published")
    assert_answered_during_read(result.log, host, NEWS)
    assert result.stats["discovery/sitemap_entry_limit"] == 1
    # the archive's bound, the news sitemap's entries and the pages sitemap's two
    assert result.stats["discovery/sitemap_entries"] == MAX_SITEMAP_URLS + news_entries + 2


def test_an_outlet_spiders_answers_are_handled_while_a_huge_sitemap_is_read(tmp_path) -> None:
    """The same for a spider of outlet rows (``regional``; the outlet spiders' reader): the
    row's sitemap index lists the archive and the urlset of the day's article, held until
    the archive is sent. The urlset's answer is crawled during the archive's read and its
    article is the run's one item; the archive is read to its bound, its entries before the
    window counted."""
    path = "/dozhinki-v-rayone.html"
    site = VirtualSite(GOLK)
    site.add(path, article(title_for(5), paragraphs_for(5)))
    site.add("/feed", Page(rss("x", f"https://{GOLK}/", [
        (title_for(5), f"https://{GOLK}{path}", PUBLISHED, "")]).encode(),
        content_type="application/rss+xml"))  # the row's feed: no source gone
    site.add("/sitemap.xml", index_of(GOLK, [ARCHIVE, "/urls.xml"]))
    site.add(ARCHIVE, archive_sitemap(GOLK, MAX_SITEMAP_URLS + 10_000, "https"))
    urls = Page(('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/'
                 f'0.9"><url><loc>https://{GOLK}{path}</loc></url></urlset>').encode(),
                content_type="application/xml")
    servers: list[FixtureServer] = []
    site.dynamic.append(held_until(
        lambda: any(s.url.endswith(ARCHIVE) for s in servers[0].served), urls, "/urls.xml"))
    with FixtureServer([site]) as server:
        servers.append(server)
        result = run_crawl("regional", tmp_path, server, args={
            "sites": GOLK, "since": "2025-09-12", "until": "2025-09-12"},
            settings={"LOG_LEVEL": "DEBUG"}, timeout=300)
    assert result.returncode == 0, result.log[-3000:]
    assert [i["url"] for i in result.items] == [f"https://{GOLK}{path}"], result.log[-3000:]
    assert result.items[0]["text"] == "\n\n".join(paragraphs_for(5))
    assert_answered_during_read(result.log, GOLK, "/urls.xml")
    assert result.stats["discovery/sitemap_entry_limit"] == 1
    assert result.stats["discovery/sitemap_before_window"] == MAX_SITEMAP_URLS


def test_new_requests_go_out_while_a_sitemap_over_5_mb_is_read(tmp_path) -> None:
    """The archive is a plain urlset of 60,000 entries (over 7 MB in Scrapy's hands, past
    Scrapy's SCRAPER_SLOT_MAX_ACTIVE_SIZE of 5,000,000 bytes, which stopped every new request
    until the callback holding it ended). Beside it the index lists a second index, held
    until the archive is sent: read during the archive's read, it asks for the news sitemap,
    a request made then, which is crawled before the archive's read ends."""
    shape = anysite.news_sitemap_site()
    host = shape.site.host
    when = datetime(2026, 1, 5, 12)
    more = "/sitemaps/more.xml"
    shape.site.add("/sitemap_index.xml", anysite.sitemap_index(host, [
        (PLAIN_ARCHIVE, when), (more, when)]))
    archive = archive_urlset(host, MAX_SITEMAP_URLS + 10_000)
    assert len(archive) > 7_000_000
    shape.site.add(PLAIN_ARCHIVE, Page(archive, content_type="application/xml"))
    servers: list[FixtureServer] = []
    shape.site.dynamic.append(held_until(
        lambda: any(s.url.endswith(PLAIN_ARCHIVE) for s in servers[0].served),
        anysite.sitemap_index(host, [(NEWS, when), ("/sitemaps/pages.xml", when)]), more))
    with FixtureServer([shape.site]) as server:
        servers.append(server)
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW},
                           settings={"LOG_LEVEL": "DEBUG"}, timeout=300)
    assert_gold_items(result, shape, "title", "published")
    assert_answered_during_read(result.log, host, NEWS, PLAIN_ARCHIVE)
    assert result.stats["discovery/sitemap_entry_limit"] == 1
