"""Discovery drift: the outlet changes what its feeds and listings hold while the crawler runs.

Зеркало's feeds are gone (404, an HTML page in their place) or its article URLs take a new
shape the outlet's ``article_path`` rejects. A run must say which channel died and why, even
on a first run with no history to compare against, and never end "healthy" with no article.
"""

from __future__ import annotations

import pytest

from tests.sites import zerkalo
from tests.support.crawl import CrawlResult, latest_report, run_crawl
from tests.support.server import FixtureServer, Page, VirtualSite

pytestmark = pytest.mark.slow

FEEDS = ("/rss/all.rss", "/rss/index.rss")


def new_url_shape(fixture: zerkalo.ZerkaloFixture) -> VirtualSite:
    """Every article moves from ``/<rubric>/<id>.html`` to ``/<rubric>/<id>/``, in the
    feeds, listings and archives alike (the old addresses answer 404)."""
    site = fixture.site
    moves = {zerkalo.path_of(g.url): zerkalo.path_of(g.url).replace(".html", "/")
             for g in fixture.golds}
    for page in site.pages.values():
        for old, new in moves.items():
            page.body = page.body.replace(old.encode(), new.encode())
    for old, new in moves.items():
        site.pages[new] = site.pages.pop(old)
    return site


def report_of(result: CrawlResult, spider: str = "zerkalo") -> dict:
    return latest_report(result.data_dir, f"{spider}-*.json")


def test_article_urls_of_a_new_shape_alarm_in_a_first_run(tmp_path) -> None:
    fixture = zerkalo.build()
    with FixtureServer([new_url_shape(fixture)]) as server:
        result = run_crawl("zerkalo", tmp_path, server)
    assert result.items == []
    assert result.returncode == 1, result.log[-3000:]
    assert result.stats["discovery/rejected/zerkalo"] == 8  # the feed entries of both feeds
    alarms = [a for a in report_of(result)["alarms"] if a.startswith("zerkalo:")]
    assert len(alarms) == 1, report_of(result)["alarms"]
    assert "no article link" in alarms[0] and "article_path" in alarms[0]
    assert "https://news.zerkalo.io/life/117509/" in alarms[0]  # a sample of the new shape
    warnings = [line for line in result.log.splitlines() if "article_path" in line
                and "WARNING" in line]
    feeds = [w for w in warnings if "] WARNING: Feed " in w]
    assert len(feeds) == 2 and all("/rss/" in w for w in feeds), warnings
    # the listing's links are there too, in the new shape: said so, not blamed on its markup
    assert [w for w in warnings if w not in feeds and "has the URL scheme changed?" in w]


NOT_FOUND = Page(b"<html><body><h1>Not found</h1></body></html>", status=404)


@pytest.mark.parametrize("gone", ["404", "html", "redirect"])
def test_a_feed_that_is_gone_is_named_counted_and_alarms(tmp_path, gone: str) -> None:
    """The listing still offers the newest articles, so items come; the dead feeds are named.
    A feed redirected to a page the run fetches anyway (the listing) was dropped as a
    duplicate request, unsaid."""
    fixture = zerkalo.build()
    for path in FEEDS:
        fixture.site.pages[path] = {
            "404": NOT_FOUND, "html": Page(zerkalo.listing_page("Зеркало", []).encode()),
            "redirect": Page(b"", status=301, headers=[("Location", "/latest/")])}[gone]
    with FixtureServer([fixture.site]) as server:
        result = run_crawl("zerkalo", tmp_path, server)
    assert len(result.items) == 5, result.log[-3000:]
    assert result.stats["discovery/sources_gone/zerkalo"] == 2
    for path in FEEDS:
        url = f"http://{zerkalo.HOST}{path}"
        said = [line for line in result.log.splitlines() if url in line and "WARNING" in line]
        assert len(said) == 1 and ("HTTP 404" if gone == "404" else "an HTML page") in said[0]
    alarms = report_of(result)["alarms"]
    assert result.returncode == 1, result.log[-3000:]
    assert [a for a in alarms if a.startswith("zerkalo: 2 feed(s), listing(s) or sitemap(s)")
            ], alarms


def test_a_site_that_moved_to_another_cms_names_every_source_gone(tmp_path) -> None:
    """Feeds and the listing all answer 404 (a new CMS at the same address): no item, and
    the run names each source the outlet's data gives, the listing too."""
    fixture = zerkalo.build()
    for path in (*FEEDS, "/latest/"):
        fixture.site.pages[path] = NOT_FOUND
    with FixtureServer([fixture.site]) as server:
        result = run_crawl("zerkalo", tmp_path, server)
    assert result.items == [] and result.returncode == 1, result.log[-3000:]
    assert result.stats["discovery/sources_gone/zerkalo"] == 3
    listing = f"http://{zerkalo.HOST}/latest/"
    assert [line for line in result.log.splitlines() if "WARNING" in line
            and f"Listing {listing} of zerkalo answered HTTP 404" in line]
    (alarm,) = [a for a in report_of(result)["alarms"] if "its discovery names gone" in a]
    assert listing in alarm and all(f"http://{zerkalo.HOST}{f}" in alarm for f in FEEDS)


def test_feed_links_through_an_offsite_click_tracker_alarm_in_a_first_run(tmp_path) -> None:
    """БЕЛТА's feed links go through a click tracker on another host
    (``feeds.feedburner.com/~r/…`` → 302 → the article): every entry was dropped as no
    article, unsaid, and the run ended healthy with no item."""
    from urllib.parse import quote, unquote

    from tests.sites import belta

    site, golds = belta.build(count=6)
    feed = site.pages["/rss"].body.decode()
    for gold in golds:
        feed = feed.replace(gold.url + "?utm_source=rss&amp;utm_medium=feed",
                            "http://feeds.feedburner.com/~r/belta/~3/" + quote(gold.url, safe=""))
    site.pages["/rss"] = Page(feed.encode(), content_type="application/rss+xml")
    tracker = VirtualSite("feeds.feedburner.com")
    tracker.dynamic = [lambda target: Page(b"", status=302, headers=[
        ("Location", unquote(target.rsplit("/", 1)[1]))])]
    with FixtureServer([site, tracker]) as server:
        result = run_crawl("belta", tmp_path, server)
    assert result.items == [] and result.returncode == 1, result.log[-3000:]
    assert result.stats["discovery/offhost/belta"] == len(golds)
    report = latest_report(tmp_path)
    assert [a for a in report["alarms"] if a.startswith(
        f"belta: its feeds offered no article link, but {len(golds)} link(s) to other hosts "
        "(e.g. http://feeds.feedburner.com/~r/belta/~3/")], report["alarms"]
    assert "] WARNING: Feed " in result.log and "link to other hosts than belta's" in result.log


@pytest.mark.parametrize("answer", ["repeat", "repeat-linked", "404", "404-linked"])
def test_a_rubric_pager_that_stops_honouring_its_pages_is_said(tmp_path, answer: str) -> None:
    """RuNews24's rubric fronts stop honouring ``?page=N``: page 2 answers page 1 again, or
    404. The window's older articles are not found on them, and paging stopped with an INFO
    line, or without a word. A page 2 that page 1 links (its "next" link) answering 404 or
    page 1 again is a pager broken: an alarm (else a 404 may be the end of a short listing,
    a page repeated the scheme's guess: a warning)."""
    from dataclasses import replace
    from urllib.parse import urlsplit

    from tests.sites import runews24

    fixture = runews24.build()
    first = fixture.site.dynamic[0]

    def linked(target: str) -> Page | None:
        page = first(target)
        if page is None or not answer.endswith("-linked"):
            return page
        return replace(page, body=page.body.replace(
            b"</body>", f'<a rel="next" href="{urlsplit(target).path}?page=2">Далее</a></body>'
            .encode(), 1))

    fixture.site.dynamic[0] = lambda target: (
        (Page(b"nf", status=404) if answer.startswith("404") else first(urlsplit(target).path))
        if "page=" in target else linked(target))
    with FixtureServer([fixture.site]) as server:
        result = run_crawl("runews24", tmp_path, server,
                           args={"since": "2026-01-10", "until": "2026-01-13"})
    warned = [line for line in result.log.splitlines() if "] WARNING: Listing page " in line]
    if answer.startswith("repeat"):
        assert result.stats.get("discovery/paging_suspect/repeated_first_page", 0) >= 1
        assert warned and all("repeats page 1, all of it in the window" in w for w in warned)
    else:
        assert result.stats.get("discovery/paging_failed/http_404", 0) >= 1
        assert warned and all("not fetched (http_404): paging stops there" in w for w in warned)
    broken = [a for a in report_of(result, "runews24")["alarms"]
              if "listing page(s) its pager linked" in a]
    assert bool(broken) == answer.endswith("-linked") == (result.returncode == 1), broken
    assert all("?page=2" in w for w in warned), warned


def test_a_rubric_that_pages_by_its_own_links_now_is_walked_by_them(tmp_path) -> None:
    """RuNews24 ignores ``?page=N`` (page 1 again) and links ``/rubric/page/N/`` as its next
    page: the walk follows those links, every window article is found, and the stale scheme
    is said (a warning, no alarm: nothing was lost)."""
    from dataclasses import replace
    from datetime import date
    from urllib.parse import urlsplit

    from tests.sites import runews24

    fixture = runews24.build()
    first = fixture.site.dynamic[0]

    def paged_by_links(target: str) -> Page | None:
        rubric, _, number = urlsplit(target).path.strip("/").partition("/page/")
        page = first(f"/{rubric}/?page={number}" if number else f"/{rubric}/")  # ?page= ignored
        if page is None:
            return None
        return replace(page, body=page.body.replace(
            b"</main>", f'<a rel="next" href="/{rubric}/page/{int(number or 1) + 1}/">Дальше'
            "</a></main>".encode(), 1))

    fixture.site.dynamic[0] = paged_by_links
    since, until = date(2026, 1, 10), date(2026, 1, 13)
    with FixtureServer([fixture.site]) as server:
        result = run_crawl("runews24", tmp_path, server,
                           args={"since": since.isoformat(), "until": until.isoformat()})
    assert result.returncode == 0, result.log[-3000:]
    assert sorted(i["url"] for i in result.items) == sorted(
        g.url for g in fixture.in_window(since, until))
    assert result.stats["discovery/paging_scheme_ignored/runews24"] >= 1
    assert "no longer pages as runews24's scheme says" in result.log
