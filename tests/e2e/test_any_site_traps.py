"""`scrapy crawl site`: crawler traps and hostile discovery documents end in bounded time and
requests, each said and counted, and the site's real articles are still found.

Each site is a fixture site of tests/sites/anysite.py with a trap added; every crawl runs
with a page bound the project does not set (``TRAP_BOUND``), so a crawl caught in a trap
still ends, and asserts it was not that bound which ended it.
"""

from __future__ import annotations

import gzip
import io
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from html import escape

import pytest

from crawler.sitemap_limits import MAX_SITEMAP_BYTES
from tests.e2e.test_any_site import WINDOW, assert_gold_items
from tests.sites import anysite
from tests.support.crawl import run_crawl
from tests.support.server import FixtureServer, Page, VirtualSite

pytestmark = pytest.mark.slow

TRAP_BOUND = {"CLOSESPIDER_PAGECOUNT": 400}


def crawl(tmp_path, shape, server, **settings):
    """The site crawl of ``shape`` in the window, under the trap bound, bounded in time."""
    result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW},
                       settings={**TRAP_BOUND, **settings}, timeout=240)
    assert "closespider_pagecount" not in result.log, result.log[-3000:]
    return result


def test_a_robots_txt_naming_many_sitemaps_is_read_within_the_sitemap_bound(tmp_path) -> None:
    """robots.txt names 60 numbered sitemaps, one of 2019, before the site's real index: they
    are chosen and bounded as an index's children (the 2019 one skipped), in half of
    SITE_MAX_SITEMAPS so the index's children are read too (every one was fetched, and the
    index, last, found the bound reached and lost the news sitemap's articles)."""
    shape = anysite.news_sitemap_site()
    host = shape.site.host
    listed = "".join(f"Sitemap: http://{host}/extra/sitemap-{n}.xml\n" for n in range(60))
    listed += f"Sitemap: http://{host}/extra/sitemap-2019.xml\n"  # its URL: outside the window
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
    assert result.stats["discovery/sitemap_outside_window"] == 1
    assert (f"half of SITE_MAX_SITEMAPS (5 of 10), for robots.txt's sitemaps, reached: 56 of "
            f"the sitemaps http://{host}/robots.txt lists" in result.log)


def test_robots_txts_sitemaps_on_the_sites_own_host_come_before_other_hosts(tmp_path) -> None:
    """robots.txt names 30 sitemaps on a CDN's host before the site's own index: ranked by
    their dates and order alone, the CDN's took the bound and the index, whose news sitemap
    lists the articles, was never fetched (no article, "check the address")."""
    shape = anysite.news_sitemap_site()
    host = shape.site.host
    cdn = VirtualSite("cdn-static.test")
    cdn.dynamic.append(lambda t: anysite.urlset([]) if t.startswith("/maps/") else None)
    listed = "".join(f"Sitemap: http://{cdn.host}/maps/{n}/sitemap.xml\n" for n in range(30))
    shape.site.add("/robots.txt", Page(f"User-agent: *\n{listed}Sitemap: http://{host}"
                                       "/sitemap_index.xml\n".encode(), content_type="text/plain"))
    with FixtureServer([shape.site, cdn]) as server:
        result = crawl(tmp_path, shape, server, SITE_MAX_SITEMAPS=10)
        cdn_maps = [p for p in server.requested_paths(cdn.host) if p.startswith("/maps/")]
    assert_gold_items(result, shape, "title", "published")
    assert len(cdn_maps) == 4, cdn_maps  # the half bound's 5, the site's index first


def gzip_bomb(size: int) -> bytes:
    """A gzipped sitemap that unpacks to ``size`` bytes of blank space (a few kB packed),
    written a megabyte at a time so the test never holds it unpacked."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9, mtime=0) as packed:
        packed.write(b'<?xml version="1.0"?><urlset>')
        for _ in range(size // MEGABYTE):
            packed.write(b" " * MEGABYTE)
    return out.getvalue()


MEGABYTE = 1024 * 1024


def test_gzipped_sitemaps_that_are_bombs_or_broken_are_said_and_counted(tmp_path) -> None:
    """An index lists the news sitemap, a ``.xml.gz`` that unpacks to 80 MB and one that is
    no gzip past its magic bytes: each is named with why it was not read and counted (the
    broken one crashed the callback, the bomb was dropped without a word); the news
    sitemap's articles are crawled."""
    shape = anysite.news_sitemap_site()
    host = shape.site.host
    shape.site.add("/sitemap_index.xml", anysite.sitemap_index(host, [
        ("/sitemaps/news.xml", None), ("/sitemaps/bomb.xml.gz", None),
        ("/sitemaps/broken.xml.gz", None)]))
    shape.site.add("/sitemaps/bomb.xml.gz", Page(gzip_bomb(80 * MEGABYTE),
                                                 content_type="application/x-gzip"))
    shape.site.add("/sitemaps/broken.xml.gz", Page(b"\x1f\x8b\x08\x00not gzip at all" * 20,
                                                   content_type="application/x-gzip"))
    with FixtureServer([shape.site]) as server:
        result = crawl(tmp_path, shape, server)
    assert_gold_items(result, shape, "title", "published")
    assert "Traceback" not in result.log and "log_count/ERROR" not in result.stats
    assert result.stats["discovery/sitemap/unreadable"] == 2
    assert (f"the sitemap http://{host}/sitemaps/bomb.xml.gz was not read: gunzipped, it is "
            f"over {MAX_SITEMAP_BYTES} bytes" in result.log)
    assert f"the sitemap http://{host}/sitemaps/broken.xml.gz was not read: no gzip" in result.log


BROKEN_LINKS = ("http://[::1/novost/", "http://[bad-host]x/", "http://host.test:99999/novost/")
# where -> the site, the document, what the junk goes before, one junk entry, its type
BROKEN_LINK_PLACES: dict[str, tuple[Callable[[], anysite.AnySite], str, bytes, str, str]] = {
    "feed": (anysite.feed_only_site, "/export/rss.xml", b"<item>",
             "<item><title>x</title><link>{}</link></item>", "application/rss+xml"),
    "sitemap": (anysite.news_sitemap_site, "/sitemaps/news.xml", b"<url>",
                "<url><loc>{}</loc></url>", anysite.XML),
    "robots": (anysite.news_sitemap_site, "/robots.txt", b"Sitemap:", "Sitemap: {}\n",
               "text/plain"),
    # no feed, no sitemap: the home page's links are the articles
    "home": (lambda: anysite.paged_home_site("query"), "/", b"<main>", '<a href="{}">x</a>',
             "text/html; charset=utf-8"),
}


@pytest.mark.parametrize("where", sorted(BROKEN_LINK_PLACES))
def test_links_that_are_no_urls_are_skipped_and_the_rest_is_read(tmp_path, where: str) -> None:
    """A feed item, sitemap entry or home-page link that is no URL (an unclosed IPv6 bracket,
    a port past 65535) came first: urljoin's ValueError ended the reading of the whole
    document and every article after it was lost. Now each is skipped (a feed's and a
    sitemap's counted and named, as a robots.txt's ``Sitemap:`` line is, which was dropped
    without a word) and the others read."""
    make, path, marker, junk_of, content_type = BROKEN_LINK_PLACES[where]
    shape = make()
    junk = "".join(junk_of.format(u) for u in BROKEN_LINKS).encode()
    shape.site.add(path, Page(shape.site.pages[path].body.replace(marker, junk + marker, 1),
                              content_type=content_type))
    with FixtureServer([shape.site]) as server:
        result = crawl(tmp_path, shape, server)
    assert_gold_items(result, shape, "title", "published")
    assert "gave nothing to read" not in result.log and "Traceback" not in result.log
    if where != "home":
        assert result.stats[f"discovery/{where}/no_url"] == len(BROKEN_LINKS)
        assert f"is no URL: '{BROKEN_LINKS[0]}'" in result.log


_STAMP = re.compile(rb"(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)([+-]\d\d):(\d\d)")
_PUB_DATE = re.compile(rb"<pubDate>([^<]+)</pubDate>")


def spaced_offsets(shape: anysite.AnySite, zone_hours: int) -> None:
    """Every date of the site written with its UTC offset after a space: pages print
    ``2026-01-04 00:20:00 +0300``, sitemaps ``2026-01-04T00:20:00 +03:00``, the feed
    ``04.01.2026 00:20 +0500`` (as CMSs write them by hand-made formats)."""
    for path, page in list(shape.site.pages.items()):
        if "xml" in (page.content_type or "") and _PUB_DATE.search(page.body):
            def local(m: re.Match[bytes]) -> bytes:
                when = parsedate_to_datetime(m[1].decode()).astimezone(
                    timezone(timedelta(hours=zone_hours)))
                return f"<pubDate>{when:%d.%m.%Y %H:%M %z}</pubDate>".encode()
            body = _PUB_DATE.sub(local, page.body)
        elif "xml" in (page.content_type or ""):
            body = _STAMP.sub(rb"\1T\2 \3:\4", page.body)
        else:
            body = _STAMP.sub(rb"\1 \2 \3\4", page.body)
        shape.site.add(path, replace(page, body=body))


@pytest.mark.parametrize("shape_name", ["news_sitemap", "feed_only"])
def test_dates_with_their_offset_after_a_space_are_that_instant(tmp_path, shape_name) -> None:
    """Sitemaps, feeds and pages write each date with its UTC offset after a space
    (``2026-01-04 00:20:00 +0300``): it was read as a time with no zone, and the site's
    learnt zone or UTC put the article at another instant (and across the window's edge).
    Now the offset is kept: the window's articles, each at the instant its page says."""
    shape = (anysite.news_sitemap_site() if shape_name == "news_sitemap"
             else anysite.feed_only_site())
    hours = int(shape.zone.utcoffset(None).total_seconds() // 3600)
    spaced_offsets(shape, hours)
    with FixtureServer([shape.site]) as server:
        result = crawl(tmp_path, shape, server)
    assert_gold_items(result, shape, "title", "published")


def test_an_xml_sitemap_is_read_up_to_the_entry_bound(tmp_path) -> None:
    """The index lists, besides the news sitemap, one of 30 entries over SITEMAP_MAX_ENTRIES
    (20 here): it is read to the bound, the rest not, counted and the sitemap named (there
    was no bound: each entry costs the event loop ~300 µs, and 50 sitemaps of 32 MB held
    the crawl about an hour); the news sitemap's articles are crawled."""
    shape = anysite.news_sitemap_site()
    host = shape.site.host
    shape.site.add("/sitemap_index.xml", anysite.sitemap_index(host, [
        ("/sitemaps/news.xml", None), ("/sitemaps/big.xml", None), ("/sitemaps/pages.xml", None)]))
    old = datetime(2020, 1, 1, tzinfo=shape.zone)  # changed long before the window: not fetched
    shape.site.add("/sitemaps/big.xml", anysite.urlset(
        [(f"http://{host}/archive/staraya-novost-{n}.html", old) for n in range(30)]))
    with FixtureServer([shape.site]) as server:
        result = crawl(tmp_path, shape, server, SITEMAP_MAX_ENTRIES=20)
    assert_gold_items(result, shape, "title", "published")
    assert result.stats["discovery/sitemap_entry_limit"] == 1
    assert result.stats["discovery/sitemap_entries"] == 9 + 20 + 2  # news, big's first 20, pages
    assert (f"Sitemap http://{host}/sitemaps/big.xml lists more than SITEMAP_MAX_ENTRIES=20 "
            "entries: those after the 20th not read" in result.log)


def test_feed_items_with_no_link_are_counted_and_named(tmp_path) -> None:
    """The feed holds items with no link at all (a title only, an identifier <guid
    isPermaLink="false">) before the articles': they were skipped without a word; now each
    is counted (discovery/feed/no_link) and the first named; the articles are crawled."""
    shape = anysite.feed_only_site()
    body = shape.site.pages["/export/rss.xml"].body
    junk = ("<item><title>Анонс без ссылки</title></item>"
            "<item><title>x</title><guid isPermaLink='false'>98765</guid></item>")
    shape.site.add("/export/rss.xml", Page(body.replace(b"<item>", junk.encode() + b"<item>", 1),
                                           content_type="application/rss+xml"))
    with FixtureServer([shape.site]) as server:
        result = crawl(tmp_path, shape, server)
    assert_gold_items(result, shape, "title", "published")
    assert result.stats["discovery/feed/no_link"] == 2
    assert (f"the feed http://{shape.site.host}/export/rss.xml has 2 items with no link "
            "(skipped, counted in discovery/feed/no_link); the first: item 1 "
            "'Анонс без ссылки'" in result.log)


LONG_WINDOW = {"since": "2025-07-01", "until": "2026-01-10"}  # 194 days, every article in it
_DAY_PAGE = re.compile(r"^/news/(\d{4})/(\d\d)/(\d\d)/(?:page/\d+/)?$")


def long_window_crawl(tmp_path, shape, server):
    result = run_crawl("site", tmp_path, server, args={"url": shape.url, **LONG_WINDOW},
                       settings=TRAP_BOUND, timeout=240)
    assert "closespider_pagecount" not in result.log, result.log[-3000:]
    assert result.returncode == 0, result.log[-3000:]
    assert sorted(i["url"] for i in result.items) == sorted(
        [g.url for g in shape.golds] + shape.outside)
    return result


def day_pages(paths: list[str]) -> list[str]:
    return [p for p in paths if _DAY_PAGE.match(p) or p.endswith("/13/32/")]


@pytest.mark.parametrize("soft", ["home_page", "not_found_page"])
def test_a_site_answering_every_day_with_one_page_stops_its_day_archive_walk(
        tmp_path, soft: str) -> None:
    """The home page links its articles under /news/YYYY/MM/DD/, but the site has no day
    archive: every other URL is answered 200 with the home page (a fresh timestamp in it each
    time) or with one "not found" page. Each of the window's 194 days was fetched; now the
    walk stops after three days and a probe of an impossible day (and, for the page of an
    impossible day, a day the home page links an article of), said once and counted, and
    the articles are crawled from the home page's links."""
    shape = anysite.archive_only_site()
    site, host = shape.site, shape.site.host
    for path in [p for p in site.pages if _DAY_PAGE.match(p)]:
        del site.pages[path]
    links = [(g.url, g.title) for g in shape.golds] + [(u, "Репортаж") for u in shape.outside]
    home = anysite.chrome(host, anysite.section_html(host, links))
    site.add("/", home)
    stamps = iter(range(10**6))
    not_found = anysite.plain_html(host, "Страница не найдена", "Такой страницы нет.")
    site.dynamic.append(lambda target: Page(
        f"{home}<!-- {next(stamps)} -->".encode() if soft == "home_page" else not_found.encode()))
    with FixtureServer([site]) as server:
        result = long_window_crawl(tmp_path, shape, server)
        asked = day_pages(server.requested_paths(host))
    # the impossible day's page alone is no proof: the newest day the home page links an
    # article of (01-07) is asked too, and answered with that page it is
    checked = [] if soft == "home_page" else ["/news/2026/01/07/"]
    assert sorted(asked) == [*checked, "/news/2026/01/08/", "/news/2026/01/09/",
                             "/news/2026/01/10/", "/news/2026/13/32/"]
    assert result.stats["discovery/archive_soft_404"] == 1
    tried = 3 + len(checked)
    assert result.stats["discovery/archive_days_skipped"] == 194 - tried
    why = "the home page" if soft == "home_page" else "the page of an impossible day"
    warned = [line for line in result.log.splitlines() if "answers its days" in line]
    assert len(warned) == 1, warned
    assert (f"{host}: the day archive http://{host}/news/ answers its days with {why} (a soft "
            f"404: the site has no such archive): the walk stopped after {tried} days, "
            f"{194 - tried} not asked" in warned[0])


@pytest.mark.parametrize("empty_day", ["dated_page", "undated_page", "404", "undated_everywhere"])
def test_a_real_day_archive_with_few_articles_is_walked_every_day(tmp_path, empty_day) -> None:
    """A real day archive whose articles fall on five days of a 41-day window, its newest
    days (the walk's trial) empty: an empty day is answered with a page naming the day, with
    one page that names none, or 404; an impossible day with 404, or (a CMS that shows any
    date it is given) with the very page of an empty day, which stopped the walk as a soft
    404. The walk is no soft 404: every day is asked and every article found."""
    shape = anysite.archive_only_site()
    site, host = shape.site, shape.site.host

    def empty(target: str) -> Page | None:
        match = _DAY_PAGE.match(target)
        try:
            day = date(*map(int, match.groups())) if match else None
        except ValueError:
            day = None
        if (day is None and empty_day != "undated_everywhere" or not match
                or empty_day == "404"):
            return None
        heading = f"Новости за {day:%d.%m.%Y}" if empty_day == "dated_page" else "Новости дня"
        return Page(anysite.chrome(host, f"<h1>{heading}</h1><p>Материалов нет.</p>").encode())

    site.dynamic.append(empty)
    result, asked = sparse_window_crawl(tmp_path, shape)
    assert result.returncode == 0, result.log[-3000:]
    assert_every_day_walked(result, shape, asked)


SPARSE_WINDOW = {"since": "2025-12-01", "until": "2026-01-10"}  # 41 days, 5 with articles


def sparse_window_crawl(tmp_path, shape, spider: str = "site", **settings):
    """The crawl of an archive-only site in SPARSE_WINDOW; its result and the day pages (first
    pages) asked."""
    with FixtureServer([shape.site]) as server:
        result = run_crawl(spider, tmp_path, server, args={"url": shape.url, **SPARSE_WINDOW},
                           settings={**TRAP_BOUND, **settings}, timeout=240)
        asked = {p for p in day_pages(server.requested_paths(shape.site.host))
                 if "/page/" not in p}
    return result, asked


def assert_every_day_walked(result, shape, asked: set[str]) -> None:
    assert "closespider_pagecount" not in result.log, result.log[-3000:]
    assert sorted(i["url"] for i in result.items) == sorted(
        [g.url for g in shape.golds] + shape.outside), result.log[-3000:]
    assert len(asked - {"/news/2026/13/32/"}) == 41
    assert "discovery/archive_soft_404" not in result.stats


def test_a_backfill_window_before_the_home_pages_days_checks_a_day_it_links(tmp_path) -> None:
    """The same CMS (the impossible day shows an empty day's page) crawled for December, a
    window with no article: its trial days and the impossible day are one page, but the
    day the home page links an article of (01-07, after the window) is asked and shows its
    article, so the archive is real and every day of the window is asked."""
    shape = anysite.archive_only_site()
    host = shape.site.host
    empty_page = Page(anysite.chrome(host, "<h1>Новости дня</h1><p>Материалов нет.</p>").encode())
    shape.site.dynamic.append(lambda target: empty_page if _DAY_PAGE.match(target) else None)
    window = {"since": "2025-12-01", "until": "2025-12-31"}
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **window},
                           settings=TRAP_BOUND, timeout=240)
        asked = set(day_pages(server.requested_paths(host)))
    assert result.returncode == 0, result.log[-3000:]
    assert "discovery/archive_soft_404" not in result.stats, result.log[-3000:]
    assert "/news/2026/01/07/" in asked and "/news/2026/01/07/page/2/" not in asked
    assert len({p for p in asked if p.startswith("/news/2025/12/")}) == 31
    assert result.items == []


TRIAL_PATHS = ("/news/2026/01/10/", "/news/2026/01/09/", "/news/2026/01/08/", "/news/2026/13/32/")


def test_a_day_archive_whose_first_days_are_blocked_is_walked_every_day(tmp_path) -> None:
    """A WAF answers the walk's first requests (its three newest days, the impossible day and
    the newest day the home page links an article of) with one challenge page, status 200:
    they were read as copies of one page, the walk stopped as a soft 404 ("the site has no
    such archive") and the older days' articles were lost. A blocked answer is no page read:
    each is counted as blocked and the walk goes on to every day."""
    shape = anysite.archive_only_site()
    challenge = Page(b"<html><head><title>Just a moment...</title></head><body>"
                     b'<div id="cf-wrapper">Checking your browser</div></body></html>')
    for path in (*TRIAL_PATHS, "/news/2026/01/07/"):
        shape.site.add(path, challenge)
    result, asked = sparse_window_crawl(tmp_path, shape)
    assert result.returncode == 0, result.log[-3000:]
    assert_every_day_walked(result, shape, asked)
    assert result.stats["pages/blocked/cloudflare"] == 5
    assert "answers its days" not in result.log


def test_a_day_archive_whose_trial_day_breaks_its_reader_is_walked_every_day(tmp_path) -> None:
    """The reader of a day's page raises (a bug, input no code foresaw) on the walk's newest
    day, a trial day: the trial never completed, the other days were never asked and nothing
    said so. The trial completes whatever happens to one answer: the error is logged with the
    day page's URL and every other day is walked."""
    shape = anysite.archive_only_site()
    host = shape.site.host
    shape.site.add(TRIAL_PATHS[0], anysite.chrome(host, "<h1>Новости дня</h1>"))
    result, asked = sparse_window_crawl(tmp_path, shape, "broken_archive_site",
                                        SPIDER_MODULES="tests.support.broken_spiders")
    assert_every_day_walked(result, shape, asked)
    assert "a bug reading a day page" in result.log
    assert any(f"http://{host}{TRIAL_PATHS[0]}" in line and "KeyError" in line
               or f"<GET http://{host}{TRIAL_PATHS[0]}>" in line
               for line in result.log.splitlines())


def test_undated_sitemap_urls_are_bounded_by_site_max_urls_and_said(tmp_path) -> None:
    """The index lists first a sitemap of 3000 article URLs with no lastmod and no date in the
    path (100k on a real site), then the news sitemap. Undated, each could be in the window
    only a fetch tells: the user's bound is SITE_MAX_URLS (30 here). The news sitemap's
    dated articles are kept over the undated URLs read before them (the closest to the
    window win), the undated ones fill the rest of the bound, in sitemap order, and the run
    says how many URLs it fetches only to learn their date and how many it dropped (the
    bound's warning said nothing of dates)."""
    shape = anysite.news_sitemap_site()
    host = shape.site.host
    shape.site.add("/sitemap_index.xml", anysite.sitemap_index(host, [
        ("/sitemaps/undated.xml", None), ("/sitemaps/news.xml", None)]))
    shape.site.add("/sitemaps/undated.xml", anysite.urlset(
        [(f"http://{host}/articles/staraya-novost-bez-daty-{n}.html", None)
         for n in range(3000)]))
    with FixtureServer([shape.site]) as server:
        result = crawl(tmp_path, shape, server, SITE_MAX_URLS=30)
        paths = server.requested_paths(host)
    assert_gold_items(result, shape, "title", "published")
    undated = {p.rstrip("/") for p in paths if "bez-daty" in p}  # (404: the other spelling)
    warned = [line for line in result.log.splitlines() if "SITE_MAX_URLS=30" in line]
    assert len(warned) == 1, warned  # one line says both what was dropped and what is undated
    said = re.search(rf"WARNING: {host}: more candidate article URLs than SITE_MAX_URLS=30: "
                     r"the ones closest to the window are kept, (\d+) others dropped \(undated "
                     r"ones before dated ones; counted in discovery/over_limit\); (\d+) of the "
                     r"30 candidate URLs carry no date \(no lastmod, no date in the URL\): each "
                     r"is fetched to learn whether it is in the window", warned[0])
    assert said, warned[0]
    dropped, fetched = int(said[1]), int(said[2])
    assert 20 <= fetched <= 30 - len(shape.golds) and fetched + dropped >= 3000
    assert undated == {f"/articles/staraya-novost-bez-daty-{n}.html" for n in range(fetched)}
    assert result.stats["discovery/undated_candidates"] == fetched


def test_a_calendar_of_day_archives_with_an_endless_pager_gives_no_item(tmp_path) -> None:
    """WordPress-style, no feed nor sitemap: the home page's calendar links each day's
    archive (``/2026/01/04/``), whose pager (``?page=N``) goes on forever repeating the day's
    list. A day page and its pager's pages read as articles (a date in the URL): items titled
    "Архив за …" whose text was the day's teasers, and a junk item per page of the pager."""
    site = VirtualSite("kalendar-novostei.test")
    zone = timezone(timedelta(hours=3))
    posts = anysite.dated_posts(site, datetime(2026, 1, 3, 9, tzinfo=zone), timedelta(hours=9),
                                8, path="/{when:%Y/%m/%d}/novost-goroda-nomer-{n}/")
    days = sorted({p.published.date() for p in posts})

    def day_page(target: str) -> Page | None:
        if not (match := re.fullmatch(r"/(\d{4})/(\d\d)/(\d\d)/(?:\?page=(\d+))?", target)):
            return None
        day = date(int(match[1]), int(match[2]), int(match[3]))
        page = int(match[4] or 1)
        listed = [(p.url, p.title) for p in posts if p.published.date() == day]
        more = f'<a rel="next" href="/{day:%Y/%m/%d}/?page={page + 1}">Следующая страница</a>'
        return Page(anysite.chrome(site.host, f"<h1>Архив за {day:%d.%m.%Y}</h1>"
                                   + anysite.section_html(site.host, listed) + more).encode())
    site.dynamic.append(day_page)
    calendar = " ".join(f'<a href="/{day:%Y/%m/%d}/">{day.day}</a>' for day in days)
    site.add("/", anysite.chrome(site.host, anysite.section_html(
        site.host, [(p.url, p.title) for p in posts[-2:]]) + f"<p>Архив: {calendar}</p>"))
    shape = anysite.AnySite(site, f"http://{site.host}/", zone,
                            [p for p in posts if anysite.SINCE <= p.published.date()
                             <= anysite.UNTIL])
    with FixtureServer([site]) as server:
        result = crawl(tmp_path, shape, server)
        asked = server.requested_paths(site.host)
    assert_gold_items(result, shape, "title", "published")
    assert len([p for p in asked if "?page=" in p]) <= 2 * len(days)  # a repeat stops it


def test_a_site_whose_template_names_a_base_href_that_is_no_url_is_read(tmp_path) -> None:
    """Every page of the site names ``<base href="http://[ural-daily.test/">`` (a bracket never
    closed: a template's typo). Scrapy's reading of each page's base (its meta refresh
    middleware) raised urlsplit's ValueError, and every page was lost, the home page and each
    article alike (``articles/failed/value_error``): nothing of the site. A browser ignores
    such a base; so does the crawl now: each page read against its own address, the base
    counted and said once."""
    shape = anysite.feed_only_site()
    host = shape.site.host
    for path, page in list(shape.site.pages.items()):
        if "html" in (page.content_type or ""):
            shape.site.add(path, replace(page, body=page.body.replace(
                b"<head>", f'<head><base href="http://[{host}/">'.encode(), 1)))
    with FixtureServer([shape.site]) as server:
        result = crawl(tmp_path, shape, server)
    assert_gold_items(result, shape, "title", "published")
    assert result.stats["pages/base_href_no_url"] >= len(shape.golds) + 1  # the home page too
    assert not [k for k in result.stats if k.startswith("articles/failed/")]
    assert result.log.count("its <base href> is no URL (Invalid IPv6 URL)") == 1
    assert "Traceback" not in result.log


def test_a_gzipped_feed_sent_without_its_encoding_is_read(tmp_path) -> None:
    """A server sending the feed's ``.gz`` file as it is (no Content-Encoding): read by its
    magic bytes, as sitemaps are; it gave nothing and said nothing."""
    shape = anysite.feed_only_site()
    body = shape.site.pages["/export/rss.xml"].body
    shape.site.add("/export/rss.xml", Page(gzip.compress(body),
                                           content_type="application/rss+xml"))
    with FixtureServer([shape.site]) as server:
        result = crawl(tmp_path, shape, server)
    assert_gold_items(result, shape, "title", "published")
    assert "discovery/feed/unread" not in result.stats


@pytest.mark.parametrize(("kind", "site", "path", "closing", "record"), [
    ("feed", anysite.feed_only_site, "/export/rss.xml", "</channel>", "item"),
    ("sitemap", anysite.news_sitemap_site, "/sitemaps/news.xml", "</urlset>", "url"),
])
def test_a_document_the_parser_gives_up_on_is_said_with_what_came_before(
        tmp_path, kind: str, site: Callable[[], anysite.AnySite], path: str, closing: str,
        record: str) -> None:
    """An element nesting past libxml2's 256 levels stops the parse, unraised: the entries
    after it were lost without a word. Here it stands after the articles' entries, which are
    read; the rest is said lost, and counted."""
    shape = site()
    page = shape.site.pages[path]
    deep = f"<{record}><x>" + "<a>" * 300 + "</a>" * 300 + f"</x></{record}>"
    shape.site.add(path, Page(page.body.replace(closing.encode(), (deep + closing).encode()),
                              content_type=page.content_type))
    with FixtureServer([shape.site]) as server:
        result = crawl(tmp_path, shape, server)
    assert_gold_items(result, shape, "title", "published")
    assert result.stats[f"discovery/{kind}/unread"] == 1
    assert re.search(rf"the {kind} http://{re.escape(shape.site.host + path)} could not be "
                     rf"read past its first [1-9]\d* entries \(counted in discovery/{kind}"
                     r"/unread\): line \d+: Excessive depth in document: 256", result.log)


def test_a_bare_lt_in_a_feeds_second_item_loses_no_later_article(tmp_path) -> None:
    """A feed of three items, the second's title holding a "<" its CMS left unescaped ("Курс
    < 3 руб"): the parser stopped there and the third article was never fetched, said only
    as an unread feed. It is read as text now: all three articles become items, and the
    malformed feed is named and counted."""
    shape = anysite.feed_only_site()
    host = shape.site.host
    golds = shape.golds[:3]
    items = "".join(
        f"<item><title>{escape(g.title)}{' — курс < 3 руб' if n == 1 else ''}</title>"
        f"<link>{g.url}</link><pubDate>"
        f"{format_datetime(g.published.astimezone(UTC), usegmt=True)}</pubDate></item>\n"
        for n, g in enumerate(golds))
    shape.site.add("/export/rss.xml", Page(
        ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Урал'
         f"</title>\n{items}</channel></rss>").encode(), content_type="application/rss+xml"))
    shape = replace(shape, golds=golds)
    with FixtureServer([shape.site]) as server:
        result = crawl(tmp_path, shape, server)
    assert_gold_items(result, shape, "title", "published")
    assert "discovery/feed/unread" not in result.stats
    assert result.stats["discovery/feed/malformed"] == 1
    assert (f"the feed http://{host}/export/rss.xml is malformed, read around it: 3 entries "
            "(counted in discovery/feed/malformed): line 4: a '<' that opens no tag, read as "
            "text" in result.log)  # the second item's line
