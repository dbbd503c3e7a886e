"""Redirects that end at no page are counted, logged fetch failures (issue 14, item 5).

A БЕЛТА whose article A redirects to B and B back to A, whose article C redirects on and on
(past REDIRECT_MAX_TIMES), and one of whose day-archive pages loops onto itself through a
second URL. Each is a failure logged with its URL and counted in the run's stats; every
redirect response is still in the WARC; the other articles come through.
"""

from __future__ import annotations

import re

import pytest

from tests.sites import belta
from tests.support.crawl import run_crawl
from tests.support.server import FixtureServer, Page
from tests.support.warcs import archived_records

pytestmark = pytest.mark.slow

WINDOW = {"since": "2026-01-06", "until": "2026-01-08"}
LISTING = "/all_news/page/1/?day=08&month=01&year=26"
LOOP_TYPE = "downloader/exception_type_count/crawler.failures.RedirectLoopError"
CHAIN_TYPE = "downloader/exception_type_count/crawler.failures.TooManyRedirectsError"


def redirect(location: str) -> Page:
    return Page(b"", status=302, content_type=None, headers=[("Location", location)])


def path_of(url: str) -> str:
    return url.removeprefix(f"https://{belta.HOST}")


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory):
    site, golds = belta.build(count=6)
    loop_a, chain = path_of(golds[0].url), path_of(golds[1].url)
    loop_b = "/politics/view/moved-427799-2026/"
    site.add(loop_a, redirect(loop_b))
    site.add(loop_b, redirect(loop_a))  # A -> B -> A
    hops = iter(range(1, 1000))
    chain_base = chain.split("?")[0]
    site.pages.pop(chain)
    site.dynamic.insert(0, lambda target: redirect(f"{chain_base}?hop={next(hops)}")
                        if target.startswith(chain_base) else None)
    site.add(LISTING, redirect(LISTING + "&sort=new"))
    site.add(LISTING + "&sort=new", redirect(LISTING))
    with FixtureServer([site]) as server:
        result = run_crawl("belta", tmp_path_factory.mktemp("redirects"), server, args=WINDOW)
    return result, golds, {"loop_a": loop_a, "loop_b": loop_b, "chain": chain_base}


def test_redirect_loops_and_long_chains_are_counted_failures(crawl) -> None:
    result, golds, paths = crawl
    assert result.stats["finish_reason"] == "finished", result.log[-3000:]
    assert result.stats.get("articles/failed/redirect_loop") == 2  # the loop and the chain
    assert result.stats.get(LOOP_TYPE) == 2  # article A and the listing page
    assert result.stats.get(CHAIN_TYPE) == 1
    assert result.stats.get("downloader/exception_count", 0) >= 3
    assert sorted(i["url"] for i in result.items) == sorted(g.url for g in golds[2:])


def test_each_redirect_failure_is_logged_with_its_urls(crawl) -> None:
    result, _, paths = crawl
    lines = [line for line in result.log.splitlines() if " WARNING: " in line
             or " ERROR: " in line]

    def logged(*needles: str) -> bool:
        return any(all(n in line for n in needles) for line in lines)

    assert logged("Article not fetched (redirect_loop)", paths["loop_a"], paths["loop_b"],
                  "redirect loop")
    assert logged("Article not fetched (redirect_loop)", paths["chain"], "more than 5 redirects")
    assert logged("Page not fetched (redirect_loop)", LISTING, "redirect loop", "sort=new")
    assert result.stats.get("pages/failed/redirect_loop") == 1
    assert "Traceback" not in result.log


def test_every_redirect_response_is_archived(crawl) -> None:
    result, _, paths = crawl
    captured: list[tuple[str, str]] = []
    for record in archived_records(result.data_dir / "warc"):
        if record.rec_type == "response":
            captured.append((record.rec_headers.get_header("WARC-Target-URI"),
                             record.http_headers.get_statuscode()))
    redirects = [uri for uri, status in captured if status == "302"]
    assert any(uri.endswith(paths["loop_a"]) for uri in redirects)
    assert any(uri.endswith(paths["loop_b"]) for uri in redirects)
    assert len([u for u in redirects if paths["chain"] in u]) == 6  # the first + 5 followed
    assert len([u for u in redirects if re.search(r"/all_news/page/1/\?day=08", u)]) == 2


# Locations that are no URL: an unclosed IPv6 bracket, a port past 65535, control characters
# before a port that is no number
BAD_LOCATIONS = ("http://[::1", f"http://{belta.HOST}:99999/politics/", "http://h\x01st.by:8o/x")
BAD_TYPE = "downloader/exception_type_count/crawler.failures.BadLocationError"


def assert_bad_locations_failed(result, urls: list[str], pages: int = 0,
                                locations: tuple[str, ...] = BAD_LOCATIONS) -> None:
    """Each redirect to a Location that is no URL is a counted failure named with the URL
    and why, and the crawl went on (no traceback, no error)."""
    assert result.returncode == 0, result.log[-3000:]
    assert "Traceback" not in result.log and "log_count/ERROR" not in result.stats
    assert result.stats.get(BAD_TYPE) == len(urls) + pages
    assert result.stats.get("articles/failed/redirect_bad_location") == len(urls)
    if pages:
        assert result.stats.get("pages/failed/redirect_bad_location") == pages
    for url, location in zip(urls, locations, strict=False):
        assert any(url in line and f"Location {location!r} is not a URL" in line
                   and "not fetched (redirect_bad_location)" in line
                   for line in result.log.splitlines()), (url, location)


def test_a_redirect_to_no_url_is_a_counted_failure_of_a_named_outlet(tmp_path) -> None:
    """БЕЛТА's articles and a day-archive page redirect to a Location that is no URL: it
    failed inside Scrapy's RedirectMiddleware (a ValueError: a traceback for the listing, a
    ``value_error`` without the Location for an article); now each is a failure named with
    the URL and the Location, counted, and the other articles come through."""
    site, golds = belta.build(count=6)
    for gold, location in zip(golds, BAD_LOCATIONS, strict=False):
        site.add(path_of(gold.url), redirect(location))
    site.add(LISTING, redirect(BAD_LOCATIONS[0] + "/all_news/"))
    with FixtureServer([site]) as server:
        result = run_crawl("belta", tmp_path, server, args=WINDOW)
    assert_bad_locations_failed(result, [path_of(g.url) for g in golds[:3]], pages=1)
    assert sorted(i["url"] for i in result.items) == sorted(g.url for g in golds[3:])


def test_a_redirect_to_no_url_is_a_counted_failure_of_any_site(tmp_path) -> None:
    """The same for the site spider: two window articles of a feed-only site redirect to a
    Location that is no URL, two more by ``<meta http-equiv="refresh">`` (which failed alike):
    one with ``content`` before ``http-equiv``, one after a refresh inside ``<noscript>``
    (which Scrapy ignores, so the later tag is the one followed); each is a named, counted
    failure and the other is an item."""
    from tests.e2e.test_any_site import WINDOW as SITE_WINDOW
    from tests.sites import anysite

    shape = anysite.feed_only_site()
    host = shape.site.host
    bad, refresh = shape.golds[:4], f"http://{host}:99999/novost/"
    for gold, location in zip(bad, BAD_LOCATIONS[:2], strict=False):
        shape.site.add(gold.url.removeprefix(f"http://{host}"), redirect(location))
    metas = (f'<meta content="0; url={refresh}" http-equiv="refresh">',
             '<noscript><meta http-equiv="refresh" content="0; url=/nojs/"></noscript>'
             f'<meta http-equiv="Refresh" content="0;URL=\'{refresh}\'">')
    for gold, meta in zip(bad[2:], metas, strict=True):
        shape.site.add(gold.url.removeprefix(f"http://{host}"), Page(
            f"<html><head>{meta}</head></html>".encode()))
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **SITE_WINDOW})
    assert_bad_locations_failed(result, [g.url.removeprefix(f"http://{host}") for g in bad],
                                locations=(*BAD_LOCATIONS[:2], refresh, refresh))
    assert sorted(i["url"] for i in result.items) == sorted(g.url for g in shape.golds[4:])
