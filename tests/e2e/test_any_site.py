"""`scrapy crawl site -a url=…`: news sites no rule knows, crawled by their address alone.

Four fixture shapes the named outlets do not have (tests/sites/anysite.py): a news sitemap
and no feed, a feed and no sitemap, article URLs with no date and no id, day archives only. Each must yield
every article of the window, nothing else, with the gold text and its time in the site's zone.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from archive.reader import iter_responses
from crawler.extraction import limits
from crawler.sitecrawl import MAX_FRAME_DEPTH
from tests.sites import anysite
from tests.sites.common import GoldArticle, paragraphs_for, title_for
from tests.support.crawl import (
    ROOT,
    SCRAPY,
    CrawlResult,
    exported_so_far,
    read_items,
    read_until,
    run_crawl,
    start_crawl,
)
from tests.support.faketime import faked
from tests.support.redis import RedisServer, redis_server  # noqa: F401 (fixture)
from tests.support.server import FixtureServer, Page, VirtualSite
from tests.support.warcs import http_response, warcio_warc

pytestmark = pytest.mark.slow

WINDOW = {"since": anysite.SINCE.isoformat(), "until": anysite.UNTIL.isoformat()}
SHAPES = {"news_sitemap": anysite.news_sitemap_site, "feed_only": anysite.feed_only_site,
          "undated_urls": anysite.undated_urls_site, "archive_only": anysite.archive_only_site,
          "json_feed": anysite.json_feed_site}


def assert_gold_items(result, shape, *fields: str) -> dict[str, dict]:
    """The crawl ended well and gave exactly the shape's gold articles, these fields equal to
    the gold's; the items by URL."""
    assert result.returncode == 0, result.log[-3000:]
    assert sorted(item["url"] for item in result.items) == sorted(g.url for g in shape.golds)
    by_url = {item["url"]: item for item in result.items}
    for gold in shape.golds:
        for name in fields:
            want = (gold.published.isoformat(timespec="seconds") if name == "published"
                    else getattr(gold, name))
            assert by_url[gold.url][name] == want, (gold.url, name)
    return by_url


@pytest.fixture(scope="module", params=sorted(SHAPES))
def crawled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    shape = SHAPES[request.param]()
    data_dir = tmp_path_factory.mktemp(request.param)
    with FixtureServer([shape.site]) as server:
        # in a worker, as a real run extracts: the site's row must reach it
        result = run_crawl("site", data_dir, server, args={"url": shape.url, **WINDOW},
                           settings={"EXTRACTION_WORKERS": 1})
        yield shape, result, server


def test_every_window_article_and_nothing_else(crawled) -> None:
    shape, result, _ = crawled
    assert result.returncode == 0, result.log[-4000:]
    urls = sorted(item["url"] for item in result.items)
    assert urls == sorted(g.url for g in shape.golds)


def test_items_match_gold_in_the_sites_zone(crawled) -> None:
    shape, result, _ = crawled
    by_url = {item["url"]: item for item in result.items}
    for gold in shape.golds:
        item = by_url[gold.url]
        assert item["text"] == gold.text, gold.url
        assert item["title"] == gold.title
        assert item["published"] == gold.published.isoformat(timespec="seconds"), gold.url
        assert item["authors"] == gold.authors
        assert item["language"] == "ru"
        assert item["source"] == shape.site.host
        assert item["extractor"]["method"] == "generic"


def test_zone_is_learnt_from_the_dates_the_site_prints(crawled) -> None:
    shape, result, _ = crawled
    hours = int(shape.zone.utcoffset(None).total_seconds() // 3600)
    assert result.stats[f"discovery/{shape.site.host}/timezone"] == f"Etc/GMT{-hours:+d}"


def test_non_articles_and_other_days_never_become_items(crawled) -> None:
    shape, result, _ = crawled
    emitted = {item["url"] for item in result.items}
    assert not emitted & set(shape.outside)
    assert not emitted & set(shape.not_articles)


def test_every_fetched_page_is_archived(crawled) -> None:
    shape, result, server = crawled
    archived = {r.url for path in sorted(Path(result.data_dir, "warc").glob("*.warc.gz"))
                for r in iter_responses(path)}
    fetched = {u for u in server.requests if not u.endswith("/robots.txt")}
    assert fetched <= archived | {u.replace("http://", "https://") for u in fetched}
    assert {g.url for g in shape.golds} <= archived


def test_a_row_taking_a_registered_outlets_key_stops_the_run(tmp_path: Path) -> None:
    """A row keyed "zerkalo" on another host would have its pages exported as Зеркало's (the
    registry answers a key first): the run stops as for any bad row, before any fetch."""
    feed = anysite.feed_only_site()
    rows = tmp_path / "clash.toml"
    rows.write_text(f'[[site]]\nurl = "{feed.url}"\nkey = "zerkalo"\n', "utf-8")
    with FixtureServer([feed.site]) as server:
        result = run_crawl("site", tmp_path / "data", server,
                           args={"outlets": str(rows), **WINDOW})
        fetched = list(server.requests)
    assert result.returncode == 2, result.log[-3000:]
    assert (f"{rows} row 1: key 'zerkalo' is the registered outlet 'Зеркало' (news.zerkalo.io)"
            f", not a site on {feed.site.host}") in result.log
    assert result.items == [] and fetched == []
    assert not list((tmp_path / "data").rglob("*.jsonl"))  # -O's file and DATA_DIR's items


def test_two_sites_given_one_key_stop_the_run(tmp_path: Path) -> None:
    """One key is one outlet: the crawl kept the first site of a key and left the other out
    with a warning. Now the run stops before any fetch, naming both rows."""
    feed, other = anysite.feed_only_site(), anysite.news_sitemap_site()
    key = feed.site.host
    with FixtureServer([feed.site, other.site]) as server:
        result = run_crawl("site", tmp_path / "data", server, args={"url": feed.url, **WINDOW},
                           settings={"EXTRA_OUTLETS": [{"url": other.url, "key": key}]})
        fetched = list(server.requests)
    assert result.returncode == 2, result.log[-3000:]
    assert f"the rows {feed.url} and {other.url} both give the key {key!r}" in result.log
    assert result.items == [] and fetched == []


@pytest.mark.parametrize("crawled", ["news_sitemap"], indirect=True)  # the shape's own crawl
def test_news_sitemap_site_skips_gallery_and_video_pages(crawled) -> None:
    shape, result, server = crawled
    assert result.returncode == 0, result.log[-3000:]
    assert result.stats.get("pages/skipped/gallery") == 1
    assert result.stats.get("pages/skipped/video") == 1
    assert result.stats.get("pages/skipped/listing") == 1  # the /society/ rubric
    paths = server.requested_paths(shape.site.host)
    assert "/feed" in paths and "/sitemaps/news.xml" in paths  # probed; then the sitemap
    assert not any(p.startswith("/search") for p in paths)


@pytest.mark.parametrize("crawled", ["undated_urls"], indirect=True)  # the shape's own crawl
def test_undated_site_skips_old_sitemaps(crawled) -> None:
    shape, result, server = crawled
    assert result.returncode == 0, result.log[-3000:]
    paths = server.requested_paths(shape.site.host)
    assert "/sitemap-old.xml" not in paths and "/society/ochen-staraya-novost/" not in paths
    assert "/authors/anna-petrova/" not in paths  # an author page by its URL: never fetched


NO_NETWORK = {"http_proxy": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"}


@pytest.mark.parametrize("crawled", ["news_sitemap"], indirect=True)  # the shape's own crawl
def test_replay_of_a_site_crawl_gives_the_same_items(crawled, tmp_path: Path) -> None:
    shape, live, _ = crawled
    assert live.returncode == 0 and len(live.items) == len(shape.golds), live.log[-3000:]
    replay = run_crawl("site", tmp_path / "replay", None, env=NO_NETWORK,
                       args={"url": shape.url, **WINDOW},
                       settings={"WARC_REPLAY": str(live.data_dir / "warc")})
    assert replay.returncode == 0, replay.log[-3000:]
    assert "downloader/exception_count" not in replay.stats
    assert {i["id"]: i for i in replay.items} == {i["id"]: i for i in live.items}


def test_a_replay_long_after_the_crawl_judges_url_days_as_the_crawl_did(tmp_path: Path
                                                                         ) -> None:
    """A home page links an article whose URL names a day after the run (an event its slug
    names: no publication day, so the page's own date rules on it, inside the window). The
    run, on 2026-01-06, exports it; its replay, once that day is past, exports it too: the
    URL's day is judged as of the capture time (WARC-Date), not the clock, which took it for
    the publication day and ruled the article out of the window unread."""
    host = "event-day-replay.test"
    site = VirtualSite(host)
    path = "/2026/01/20/afisha-koncert-v-filarmonii/"
    gold = GoldArticle(f"http://{host}{path}", title_for(961), paragraphs_for(961),
                       datetime(2026, 1, 4, 10, 0, tzinfo=UTC))
    site.add(path, anysite.article_html(host, gold, "og"))
    site.add("/", anysite.chrome(host, f'<h1>Новости</h1><a href="{path}">{gold.title}</a>'))
    args = {"url": f"http://{host}/", **WINDOW}
    with FixtureServer([site]) as server:
        live = run_crawl("site", tmp_path / "live", server, args=args,
                         env=faked(datetime(2026, 1, 6, 9, 0, tzinfo=UTC)))
    assert live.returncode == 0 and [i["url"] for i in live.items] == [gold.url], \
        live.log[-3000:]
    assert datetime.now(UTC).date() > date(2026, 1, 21)  # the URL's day is past by now
    replay = run_crawl("site", tmp_path / "replay", None, env=NO_NETWORK, args=args,
                       settings={"WARC_REPLAY": str(live.data_dir / "warc")})
    assert replay.returncode == 0, replay.log[-3000:]
    assert {i["id"]: i for i in replay.items} == {i["id"]: i for i in live.items}


def test_outlets_file_and_setting_add_sites_as_rows(tmp_path: Path) -> None:
    news, feed = anysite.news_sitemap_site(), anysite.feed_only_site()
    rows = tmp_path / "my_outlets.toml"
    rows.write_text(f'[[site]]\nurl = "{news.url}"\nname = "Вести (файл)"\n'
                    'timezone = "Europe/Moscow"\n', "utf-8")
    extra = [{"url": feed.url, "name": "Урал"}]
    with FixtureServer([news.site, feed.site]) as server:
        result = run_crawl("site", tmp_path / "data", server,
                           args={"outlets": str(rows), **WINDOW},
                           settings={"EXTRA_OUTLETS": extra})
    assert result.returncode == 0, result.log[-3000:]
    assert sorted(i["url"] for i in result.items) == sorted(
        g.url for g in news.golds + feed.golds)
    names = {i["source"]: i["source_name"] for i in result.items}
    assert names == {news.site.host: "Вести (файл)", feed.site.host: "Урал"}
    moscow = [i for i in result.items if i["source"] == news.site.host]
    assert all(i["published"].endswith("+03:00") for i in moscow)  # the row's zone, no vote
    assert result.stats["discovery/vesti-news.test/timezone"] == "Europe/Moscow"


def test_a_bad_row_is_a_usage_error_before_anything_is_fetched(tmp_path: Path) -> None:
    rows = tmp_path / "bad.toml"
    rows.write_text('[[site]]\nurl = "https://example.org/"\nbody_selector = "div"\n', "utf-8")
    result = run_crawl("site", tmp_path / "data", None, args={"outlets": str(rows)})
    assert result.returncode == 2
    assert "unknown fields ['body_selector']" in result.log


@pytest.mark.parametrize("zone_given", [True, False], ids=["zone_given", "zone_learnt"])
@pytest.mark.parametrize("crawled", ["news_sitemap"], indirect=True)  # the shape's own crawl
def test_reextract_of_a_site_crawl_with_its_row(crawled, tmp_path: Path,
                                                zone_given: bool) -> None:
    """Given the row the crawl was given (no zone), reextract learns the zone the crawl
    learnt from the same pages: it read every printed time as UTC, items hours off."""
    shape, live, _ = crawled
    assert live.returncode == 0, live.log[-3000:]
    zone = live.stats[f"discovery/{shape.site.host}/timezone"]  # what the crawl settled on
    assert zone != "UTC"
    row = {"url": shape.url, "name": "Вести", **({"timezone": zone} if zone_given else {})}
    again, proc = _reextracted(live.data_dir, row, tmp_path / "again.jsonl")
    assert (f"time zone {zone} (learnt from the archive" in proc.stderr) is not zone_given
    for item in live.items:  # no window here: the other days' articles come too
        assert again[item["id"]] == item
    assert not {i["url"] for i in again.values()} & set(shape.not_articles)
    assert "not_article/gallery: 1" in proc.stderr


def test_sitemap_discovery_is_bounded_and_loop_free(tmp_path: Path) -> None:
    """An index that lists itself and forty children: at most SITE_MAX_SITEMAPS are fetched,
    each once, and the crawl ends."""
    from datetime import datetime, timedelta, timezone

    from tests.support.server import Page, VirtualSite

    host = "many-maps.test"
    site = VirtualSite(host)
    when = datetime(2026, 1, 5, 12, tzinfo=timezone(timedelta(hours=2)))
    children = [(f"/maps/{n}.xml", when) for n in range(40)] + [("/index.xml", when)]
    site.add("/robots.txt", Page(f"Sitemap: http://{host}/index.xml\n".encode(),
                                 content_type="text/plain"))
    site.add("/", Page(b"<html><body><h1>Maps</h1></body></html>"))  # read: no alarm for it
    site.add("/index.xml", anysite.sitemap_index(host, children))
    for n in range(40):
        site.add(f"/maps/{n}.xml", anysite.sitemap_index(host, [("/index.xml", when),
                                                                (f"/maps/{n + 1}.xml", when)]))
    with FixtureServer([site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": f"http://{host}/", **WINDOW},
                           settings={"SITE_MAX_SITEMAPS": 5})
    assert result.returncode == 0, result.log[-3000:]
    maps = [p for p in server.requested_paths(host) if p.endswith(".xml") and "/maps/" in p
            or p == "/index.xml"]
    assert len(maps) == len(set(maps)) == 5


@pytest.mark.parametrize("settings", [
    {"ROBOTSTXT_OBEY": False},  # discovery reads robots.txt itself
    # obeyed, but the middleware is off: the home page comes back with robots.txt unread
    {"DOWNLOADER_MIDDLEWARES": {
        "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None}},
], ids=["not_obeyed", "middleware_off"])
def test_robots_txt_is_fetched_once_and_its_sitemaps_followed(tmp_path: Path,
                                                              settings: dict) -> None:
    shape = anysite.news_sitemap_site()
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW},
                           settings=settings)
    assert_robots_read_once(shape, result, server,
                            archived="DOWNLOADER_MIDDLEWARES" not in settings)


@pytest.mark.parametrize("crawled", ["news_sitemap"], indirect=True)  # the shape's own crawl
def test_robots_txt_obeyed_is_fetched_once_and_its_sitemaps_followed(crawled) -> None:
    """robots.txt obeyed (the default settings): its Sitemap: lines come from the
    middleware's parser."""
    shape, result, server = crawled
    assert_robots_read_once(shape, result, server, archived=True)


def assert_robots_read_once(shape, result, server: FixtureServer, archived: bool) -> None:
    """robots.txt asked once, the sitemaps it names read, the shape's gold items; and, when
    WARC capture is on (``archived``), robots.txt archived."""
    assert result.returncode == 0, result.log[-3000:]
    paths = server.requested_paths(shape.site.host)
    assert paths.count("/robots.txt") == 1, paths
    assert "/sitemap_index.xml" in paths and "/sitemaps/news.xml" in paths
    assert sorted(item["url"] for item in result.items) == sorted(g.url for g in shape.golds)
    if archived:  # (the middleware_off case turns WARC capture off too)
        archived_urls = {r.url for path in Path(result.data_dir, "warc").glob("*.warc.gz")
                         for r in iter_responses(path)}
        assert f"http://{shape.site.host}/robots.txt" in archived_urls


def _moved(site: VirtualSite, path: str, to: str, status: int = 301) -> None:
    """``path`` now answers a redirect to ``to`` (a URL or a path), where its page went."""
    page = site.pages.pop(path)
    site.add(path, Page(b"", status=status, headers=[("Location", to)]))
    if "//" not in to:
        site.add(to, page)


@pytest.mark.parametrize("moved", ["home", "robots", "feed", "sitemap"])
@pytest.mark.parametrize("obey", [True, False], ids=["robots_obeyed", "robots_ignored"])
def test_discovery_follows_documents_that_moved(tmp_path: Path, moved: str, obey: bool) -> None:
    """A home page, robots.txt, feed or sitemap answering 301/302 is read where it went."""
    shape = anysite.feed_only_site() if moved in ("home", "feed") else anysite.news_sitemap_site()
    site, sites = shape.site, [shape.site]
    if moved == "home":
        _moved(site, "/", "/index.html", status=302)
    elif moved == "feed":
        _moved(site, "/export/rss.xml", "/rss/all.xml")
    elif moved == "sitemap":
        _moved(site, "/sitemap_index.xml", "/sitemaps/index.xml")
    else:  # robots.txt moved to the www. host, a common shape
        www = VirtualSite(f"www.{site.host}")
        www.add("/robots.txt", site.pages["/robots.txt"])
        _moved(site, "/robots.txt", f"http://www.{site.host}/robots.txt")
        sites.append(www)
    with FixtureServer(sites) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW},
                           settings={"ROBOTSTXT_OBEY": obey})
    assert_gold_items(result, shape)


def test_a_home_page_that_moved_to_another_host_is_reported(tmp_path: Path) -> None:
    shape = anysite.feed_only_site()
    elsewhere = VirtualSite("novy-adres.test")
    elsewhere.add("/", shape.site.pages["/"])
    _moved(shape.site, "/", "http://novy-adres.test/")
    with FixtureServer([shape.site, elsewhere]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert result.returncode == 0, result.log[-3000:]
    assert result.stats.get("discovery/home_moved_offsite") == 1
    assert "the home page moved to http://novy-adres.test/, another host" in result.log


def test_a_site_whose_home_page_was_never_read_alarms(tmp_path: Path) -> None:
    """The home page redirects to another host (the crawl does not follow a row off its
    site), and no common feed or sitemap path answers: nothing found, and the run ended
    healthy (exit 0), its warning saying no home-page link read as an article."""
    site = VirtualSite("gorod-novosti.test")
    site.add("/", Page(b"", status=301, headers=[("Location", "http://novy-adres.test/")]))
    elsewhere = VirtualSite("novy-adres.test")
    elsewhere.add("/", Page(b"<html><body><h1>Parked</h1></body></html>"))
    with FixtureServer([site, elsewhere]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": "http://gorod-novosti.test/"})
    assert result.returncode == 1 and not result.items
    report = json.loads(sorted((result.data_dir / "reports").glob("*.json"))[-1].read_text(
        "utf-8"))
    assert any("its home page was never read" in alarm for alarm in report["alarms"])
    assert "no link of its home page reads as an article" not in result.log


def test_day_archives_paged_by_query_and_rel_next_are_walked(tmp_path: Path) -> None:
    """The archive pages as ``?page=N`` marked ``rel="next"`` (not WordPress's ``/page/N/``)."""
    shape = anysite.archive_only_site()
    pages = shape.site.pages
    for path in [p for p in pages if "/page/" in p]:
        base, _, rest = path.partition("page/")
        pages[f"{base}?page={rest.strip('/')}"] = pages.pop(path)
    for path, page in list(pages.items()):
        body = re.sub(rb'class="next" href="([^"]*/)page/(\d+)/"', rb'rel="next" href="\1?page=\2"',
                      page.body)
        pages[path] = Page(body, content_type=page.content_type)
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert result.returncode == 0, result.log[-3000:]
    assert any("?page=2" in p for p in server.requested_paths(shape.site.host))
    assert sorted(item["url"] for item in result.items) == sorted(g.url for g in shape.golds)
    assert result.stats.get("discovery/archive_stop/last_page")


def test_an_empty_home_page_is_counted_and_discovery_goes_on(tmp_path: Path) -> None:
    shape = anysite.news_sitemap_site()
    shape.site.add("/", Page(b"   ", content_type="text/html; charset=utf-8"))
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert result.returncode == 0, result.log[-3000:]
    assert result.stats.get("discovery/home/unreadable") == 1
    assert "gave nothing to read" in result.log and "Traceback" not in result.log
    assert sorted(item["url"] for item in result.items) == sorted(g.url for g in shape.golds)


@pytest.mark.parametrize(("zone_given", "style"), [(True, "jsonld"), (False, "jsonld"),
                                                   (False, "time_utc")],
                         ids=["zone_given", "zone_learnt", "zone_learnt_from_utc_dates"])
def test_a_site_whose_articles_are_query_ids_linked_from_its_home_page(
        tmp_path: Path, zone_given: bool, style: str) -> None:
    """An old CMS (DLE-style ``/index.php?newsid=N``): no feed, no sitemap, a home page. With
    no zone given, the articles the home page links are sampled for it (+03:00, not UTC);
    also when their machine dates are in UTC beside the wall clock they print."""
    host = "rajon-vesti.test"
    site, zone, inside, outside = anysite._site(host, 3, 900, "/index.php?newsid={n}", style,
                                                [])
    golds = inside + outside
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow: /admin.php\n",
                                 content_type="text/plain"))
    site.add("/", anysite.chrome(host, anysite.section_html(host, [(g.url, g.title)
                                                                   for g in golds])))
    with FixtureServer([site]) as server:
        zone = {"timezone": "Etc/GMT-3"} if zone_given else {}
        result = run_crawl("site", tmp_path, server,
                           args={"url": f"http://{host}/", **zone, **WINDOW})
    assert result.returncode == 0, result.log[-3000:]
    assert sorted(item["url"] for item in result.items) == sorted(g.url for g in inside)
    assert len({item["id"] for item in result.items}) == len(inside)
    published = {item["url"]: item["published"] for item in result.items}
    assert published == {g.url: g.published.isoformat(timespec="seconds") for g in inside}
    assert result.stats[f"discovery/{host}/timezone"] == "Etc/GMT-3"


def _crawl_from_home(tmp_path: Path, site: VirtualSite, listed: list, args: dict) -> CrawlResult:
    """A clean crawl of ``site`` (the WINDOW's) from a home page linking ``listed``."""
    host = site.host
    site.add("/", anysite.chrome(host, anysite.section_html(
        host, [(g.url, g.title) for g in listed])))
    with FixtureServer([site]) as server:
        result = run_crawl("site", tmp_path, server,
                           args={"url": f"http://{host}/", **args, **WINDOW})
    assert result.returncode == 0, result.log[-3000:]
    return result


def _published_of(result: CrawlResult) -> dict[str, str]:
    return {item["url"]: item["published"] for item in result.items}


def _as_printed(golds: list) -> dict[str, str]:
    return {g.url: g.published.isoformat(timespec="seconds") for g in golds}


def test_a_wall_clock_labelled_utc_is_the_sites_time_when_its_dateline_prints_it(
        tmp_path: Path) -> None:
    """A CMS writing the Minsk wall clock as UTC (``article:published_time``
    "2026-01-04T15:05:00Z", JSON-LD "…+00:00") on pages that print "04.01.2026, 15:05"; the
    row gives the site's zone. Every item was three hours late, and the article of 23:45
    on the window's last day left it (02:45 the next day); the printed clock tells the
    machine date is the wall clock, so each is dated as printed."""
    host = "vremya-minsk.test"
    site, _zone, inside, outside = anysite._site(host, 3, 1300, "/news/{n}-novost/",
                                                 "wall_as_utc", [])
    result = _crawl_from_home(tmp_path, site, inside + outside, {"timezone": "Europe/Minsk"})
    assert _published_of(result) == _as_printed(inside)


@pytest.mark.parametrize(("host", "style", "zone"), [
    ("vremya-minsk.by", "wall_as_utc", "Europe/Minsk"),  # its country domain's one zone
    ("vremya-moskvy.ru", "wall_as_utc_modified", "Etc/GMT-3"),  # its edit time's offset
    ("vremya-mira.ru", "wall_as_utc", "UTC"),  # nothing tells: UTC, and said to be a guess
])
def test_a_wall_clock_labelled_utc_with_no_zone_given_is_read_on_the_evidence(
        tmp_path: Path, host: str, style: str, zone: str) -> None:
    """The same CMS on a site given by its address alone: each page's "…T15:05:00Z" beside
    its printed "15:05" voted the site UTC, every item three hours late. A UTC date read as
    the clock printed beside it is no evidence of UTC (a site in UTC and a CMS labelling its
    wall clock UTC write the same): the page's other offsets or the country domain's one zone
    tell the zone; where nothing does, UTC is taken and the run warns of the guess."""
    site, _zone, inside, outside = anysite._site(host, 3, 1310, "/news/{n}-novost/", style, [])
    result = _crawl_from_home(tmp_path, site, inside + outside, {})
    assert result.stats[f"discovery/{host}/timezone"] == zone
    if zone != "UTC":
        assert _published_of(result) == _as_printed(inside)
        assert "discovery/zone_guessed" not in result.stats
        return
    read_as_utc = [replace(g, published=g.published.replace(tzinfo=UTC)) for g in inside]
    assert _published_of(result) == _as_printed(read_as_utc)
    assert result.stats["discovery/zone_guessed"] == 1
    assert f"{host}: time zone UTC for want of any other" in result.log


@pytest.mark.parametrize("path", ["/news/09-05-1945-den-pobedy/", "/1941/06/22/nachalo-voyny/",
                                  "/news/22.06.1941-nachalo-voyny.html"])
def test_a_historical_date_in_an_articles_url_does_not_date_it(tmp_path: Path, path: str) -> None:
    """A site whose home page links its recent articles by id, and one of the window whose
    slug names a day of history (Victory Day, 1945). Its URL dated it 1945: it was ruled out
    of the window unread, and no item came of it; the day is no publication day of a page on
    the web, so it is read and dated as it prints itself."""
    host = "istoriya-dnya.test"
    site, _zone, inside, outside = anysite._site(host, 3, 1400, "/news/{n}-novost/", "jsonld",
                                                 [])
    historical = replace(inside[1], url=f"http://{host}{path}")
    site.add(path, anysite.article_html(host, historical, "jsonld"))
    golds = [*inside, historical]
    result = _crawl_from_home(tmp_path, site, golds + outside, {"timezone": "Europe/Minsk"})
    assert _published_of(result) == _as_printed(golds)


def test_a_crawl_stopped_in_discovery_resumes_and_finds_every_article(tmp_path: Path) -> None:
    """The first run closes while a sitemap is in flight; its JOBDIR frontier keeps that
    request, and the resumed run's discovery must neither miscount it nor drop what it finds."""
    shape = anysite.news_sitemap_site()
    slow = shape.site.pages["/sitemaps/news.xml"]
    shape.site.add("/sitemaps/news.xml", Page(slow.body, content_type=slow.content_type,
                                              delay=3.0))
    job = {"JOBDIR": str(tmp_path / "job")}
    with FixtureServer([shape.site]) as server:
        first = run_crawl("site", tmp_path / "a", server, args={"url": shape.url, **WINDOW},
                          settings={**job, "CLOSESPIDER_TIMEOUT": 1.5})
        assert "closespider_timeout" in first.log and not first.items, first.log[-3000:]
        again = run_crawl("site", tmp_path / "b", server, args={"url": shape.url, **WINDOW},
                          settings=job)
    assert again.returncode == 0, again.log[-3000:]
    assert sorted(item["url"] for item in again.items) == sorted(g.url for g in shape.golds)


def test_a_big_sitemap_keeps_the_windows_articles_under_the_url_bound(tmp_path: Path) -> None:
    """WordPress core sitemaps, oldest first: entries whose lastmod rules the window out take
    no place under SITE_MAX_URLS, and at the bound the candidates closest to the window stay."""
    shape = anysite.wp_core_sitemaps_site()
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW},
                           settings={"SITE_MAX_URLS": 40})
    assert_gold_items(result, shape)
    assert result.stats["discovery/over_limit"] > 0
    assert "more candidate article URLs than SITE_MAX_URLS=40" in result.log
    def number(url: str) -> int:
        return int(re.search(r"nomer-(\d+)/", url)[1])  # type: ignore[index]

    first = min(number(g.url) for g in shape.golds)  # four posts a day
    fetched = [number(p) for p in server.requested_paths(shape.site.host) if "nomer-" in p]
    assert len(fetched) <= 40
    assert min(fetched) >= first - 4  # nothing dated before the window (and its zone's day)


@pytest.mark.parametrize("name", ["monthly", "dirs", "numbered"])
def test_an_index_of_many_sitemaps_is_read_where_the_window_is(tmp_path: Path,
                                                               name: str) -> None:
    """An index listing its children oldest first, no lastmod: the dates in their URLs (or
    their numbers) choose the children fetched under SITE_MAX_SITEMAPS, not their order."""
    shape, window = anysite.many_sitemaps_site(name)
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW},
                           settings={"SITE_MAX_SITEMAPS": 10})
    assert_gold_items(result, shape)
    maps = sorted(p for p in server.requested_paths(shape.site.host)
                  if "sitemap" in p and p != "/sitemap.xml")
    if name == "numbered":  # nothing dates them: the highest numbers first, the bound said
        assert maps == sorted(f"/post-sitemap{n}.xml" for n in range(22, 31))
        assert result.stats["discovery/sitemap_over_limit"] == 21
        assert "SITE_MAX_SITEMAPS=10 reached: 21 of the sitemaps" in result.log
    else:  # the months that cannot hold the window are never fetched
        assert maps == [window]
        assert result.stats["discovery/sitemap_outside_window"] == 86


@pytest.mark.parametrize("announced", [True, False], ids=["feed_announced", "feed_common_path"])
def test_a_site_in_a_folder_is_crawled_from_the_home_page_given(tmp_path: Path,
                                                                announced: bool) -> None:
    """``-a url=http://host/news/``: that page is the home page (its feed, its links),
    robots.txt is read at the host root, and articles outside the folder are still taken."""
    shape = anysite.subfolder_site(announced)
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert_gold_items(result, shape)
    assert any("/press/" in item["url"] for item in result.items)
    paths = server.requested_paths(shape.site.host)
    assert "/news/" in paths and paths.count("/robots.txt") == 1
    assert "/about/istoriya-universiteta-v-datah/" not in paths  # the root is not the home
    assert result.stats[f"discovery/{shape.site.host}/timezone"] == "Etc/GMT-3"


@pytest.mark.parametrize("cms", sorted(anysite.CMS_LINKS))
def test_articles_addressed_by_query_parameters_are_fetched_as_found(tmp_path: Path,
                                                                     cms: str) -> None:
    """Bitrix ``detail.php?ELEMENT_ID=N`` (sitemap) and Joomla ``index.php?option=…&id=N&…``
    (feed and home page): no parameter but tracking noise is dropped before the fetch, one
    item per article (the feed's ``utm_source`` variant is the same article)."""
    shape = anysite.query_cms_site(cms)
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert_gold_items(result, shape, "title", "published")
    assert len({item["id"] for item in result.items}) == len(shape.golds)
    paths = server.requested_paths(shape.site.host)
    linked = anysite.CMS_LINKS[cms][0]
    assert {linked.format(n=4500 + i) for i in range(1, 5)} <= set(paths)  # as the CMS links
    assert not any("utm_" in p for p in paths)


@pytest.mark.parametrize("declared", [True, False], ids=["rel_canonical", "trailing_slash"])
def test_an_article_reached_by_several_urls_makes_one_item(tmp_path: Path,
                                                           declared: bool) -> None:
    """Feed ``/news/slug/``, sitemap ``/news/slug``, home ``/index.php?newsid=N``, all 200:
    one item per article, at the URL the page names as canonical (this site's only)."""
    shape = anysite.aliases_site(declared)
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert result.returncode == 0, result.log[-3000:]
    urls = sorted(item["url"] for item in result.items)
    assert len({item["id"] for item in result.items}) == len(urls) == len(shape.golds), urls
    if declared:
        assert urls == sorted(g.url for g in shape.golds)
        assert result.stats.get("articles/alias_of_canonical", 0) >= 1
    else:  # the feed's or the sitemap's spelling, whichever came first, but once
        assert sorted(u.rstrip("/") for u in urls) == sorted(g.url.rstrip("/")
                                                             for g in shape.golds)
    by_title = {item["title"]: item for item in result.items}
    assert sorted(by_title) == sorted(g.title for g in shape.golds)
    counts = completeness_counts(result)  # an alias and its canonical: one article
    assert counts["discovered"] == counts["extracted"] >= len(urls), counts
    if declared:  # re-extraction of the archive (aliases in it too) agrees with the crawl
        again, _ = _reextracted(result.data_dir, {"url": shape.url, "timezone": "Etc/GMT-3"},
                                tmp_path / "again.jsonl")
        window = {i["id"]: i for i in again.values() if i["title"] in by_title}
        assert window == {i["id"]: i for i in result.items}
        assert len({i["title"] for i in again.values()}) == len(again)  # one item an article



@pytest.mark.parametrize("form", ["named", "gzip", "common"])
def test_a_plain_text_sitemap_is_read(tmp_path: Path, form: str) -> None:
    """A sitemap that is a text file, one URL a line (sitemaps.org): named by robots.txt,
    gzipped, or at ``/sitemap.txt`` unnamed. Its URLs are candidates with no date (a text
    sitemap has no lastmod): the window's articles become items, the others are fetched and
    dropped by their page's date; junk lines (relative, other schemes, words, bytes that are
    no UTF-8) are counted and named, never fatal."""
    shape, junk = anysite.text_sitemap_site(form)
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
        paths = server.requested_paths(shape.site.host)
    assert_gold_items(result, shape, "text", "title", "published")
    assert all(urlsplit(u).path in paths for u in shape.outside)  # undated: fetched to tell
    assert result.stats.get("discovery/text_sitemaps") == 1, result.log[-3000:]
    assert result.stats.get("discovery/sitemap_entries") == len(shape.golds) + len(
        shape.outside) + 1  # and /about/, no article by its page
    assert result.stats.get("discovery/text_sitemap_junk") == junk
    assert "line 5 is no absolute http(s) URL: '# sitemap of gazeta-gorod'" in result.log


def test_control_characters_in_text_sitemap_lines_are_never_requested(tmp_path: Path) -> None:
    """URL lines of a text sitemap ending in NULs (a file padded with them) or ^Z: the URLs
    were requested with them (a 404 each, the articles lost); now they are cut off, counted
    and the first line named, and a line holding one inside its URL is junk, said. No
    request carries a control character."""
    shape, junk = anysite.text_sitemap_site("named")
    page = shape.site.pages["/maps/urls.txt"]
    first, second = (g.url.encode() for g in shape.golds[:2])
    assert page.body.count(first + b"\n") == page.body.count(second + b"\n") == 1
    inner = f"http://{shape.site.host}/society/bad\x00line/".encode()
    page.body = page.body.replace(first + b"\n", first + b"\x00\x00\n").replace(
        second + b"\n", second + b"\x1a\n" + inner + b"\n")
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
        paths = server.requested_paths(shape.site.host)
    assert_gold_items(result, shape, "text", "title", "published")
    assert not [p for p in paths if any(ord(c) < 32 or "%00" in p or "%1A" in p.upper()
                                        for c in p)]
    assert result.stats.get("discovery/text_sitemap_cleaned") == 2, result.log[-3000:]
    assert result.stats.get("discovery/text_sitemap_junk") == junk + 1
    assert f"2 URL lines ended in control characters, cut off; line 1: '{first.decode()}" \
        "\\x00\\x00'" in result.log


def test_a_what_is_new_run_takes_the_recent_dated_lines_of_a_text_sitemap(tmp_path: Path
                                                                           ) -> None:
    """Without a window a text sitemap (the whole site, no dates) gives the entries its URLs
    date in the recent days (``SITE_RECENT_DAYS``), not every page of the site every run."""
    host = "recent-text-sitemap.test"
    site = VirtualSite(host)
    today = datetime.now(UTC)
    paths = {f"/{today:%Y/%m/%d}/segodnya-otkryli-most/": today,
             f"/{today - timedelta(days=40):%Y/%m/%d}/staryj-most-zakryli/": today - timedelta(
                 days=40), "/society/most-bez-daty/": today - timedelta(days=400)}
    for n, (path, when) in enumerate(paths.items(), 950):
        gold = GoldArticle(f"http://{host}{path}", title_for(n), paragraphs_for(n), when)
        site.add(path, anysite.article_html(host, gold, "og"))
    site.add("/sitemap.txt", Page("".join(f"http://{host}{p}\n" for p in paths).encode(),
                                  content_type="text/plain"))
    site.add("/", anysite.chrome(host, "<h1>Новости</h1>"))
    with FixtureServer([site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": f"http://{host}/"})
        fetched = set(server.requested_paths(host))
    first = next(iter(paths))
    assert [i["url"] for i in result.items] == [f"http://{host}{first}"], result.log[-3000:]
    assert fetched & set(paths) == {first}
    assert result.stats.get("discovery/sitemap_entries") == 3


def test_the_spelling_a_past_run_exported_is_the_one_fetched(tmp_path: Path) -> None:
    """Run 1's feed links the articles without their trailing slash (the site answers both
    spellings) and exports them so; run 2 on the same DATA_DIR finds them with the slash.
    Run 2 asks for the spellings the state store knows, so no article is exported again
    under another id."""
    shape = anysite.feed_only_site()
    site = shape.site
    for gold in shape.golds:
        path = urlsplit(gold.url).path
        site.add(path.rstrip("/"), site.pages[path])
    slashed = site.pages["/export/rss.xml"]
    site.add("/export/rss.xml", replace(slashed, body=slashed.body.replace(b"/</link>",
                                                                          b"</link>")))
    with FixtureServer([site]) as server:
        first = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
        site.add("/export/rss.xml", slashed)
        before = len(server.requests)
        second = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
        fetched = {urlsplit(u).path for u in server.requests[before:]}
    assert sorted(i["url"] for i in first.items) == sorted(g.url.rstrip("/")
                                                           for g in shape.golds)
    assert second.returncode == 0 and second.items == [], second.log[-3000:]
    assert not fetched & {urlsplit(g.url).path for g in shape.golds}, fetched
    assert second.stats.get("discovery/known_spelling", 0) >= len(shape.golds)


def _reextracted(data_dir: Path, row: dict, out: Path
                 ) -> tuple[dict[str, dict], subprocess.CompletedProcess[str]]:
    """``scrapy reextract`` (two workers) of a crawl's WARCs with its site's row: the items by
    id, and the process."""
    proc = subprocess.run([*SCRAPY, "reextract", str(data_dir / "warc"), "-O", str(out),
                           "--jobs", "2", "-s", f"EXTRA_OUTLETS={json.dumps([row])}"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **NO_NETWORK})
    assert proc.returncode == 0, proc.stderr[-2000:]
    return {i["id"]: i for i in map(json.loads, out.read_text("utf-8").splitlines())}, proc


def test_reextract_reads_an_article_once_when_the_crawl_asked_for_both_spellings(
        tmp_path: Path) -> None:
    """The feed links each article without its trailing slash (404 there), the site serves
    it with one: the crawl asked for both and made one item. Re-extraction read each 404
    past to the other spelling's 200: the same record again, as a second item of another
    id (7 items became 12)."""
    shape = anysite.feed_only_site()
    feed = shape.site.pages["/export/rss.xml"]
    shape.site.add("/export/rss.xml", replace(feed, body=feed.body.replace(b"/</link>",
                                                                           b"</link>")))
    with FixtureServer([shape.site]) as server:
        live = run_crawl("site", tmp_path, server, args={"url": shape.url})
    assert live.returncode == 0 and live.stats["discovery/other_spelling_after_404"] >= 1
    again, proc = _reextracted(live.data_dir, {"url": shape.url}, tmp_path / "again.jsonl")
    assert again == {i["id"]: i for i in live.items}, proc.stderr[-2000:]


def test_reextract_names_the_site_as_its_home_page_named_it(tmp_path: Path) -> None:
    """A row without ``name``: the crawl's items take the home page's og:site_name as their
    ``source_name``; re-extracted, they had the host."""
    shape = anysite.news_sitemap_site()
    with FixtureServer([shape.site]) as server:
        live = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert live.returncode == 0 and live.items
    assert {i["source_name"] for i in live.items} != {shape.site.host}
    again, proc = _reextracted(live.data_dir, {"url": shape.url}, tmp_path / "again.jsonl")
    crawled = {i["id"]: i for i in live.items}
    assert {key: again[key] for key in crawled} == crawled, proc.stderr[-2000:]


def _tool_warc(folder: Path, shape: anysite.AnySite, home: bytes, news: bytes
               ) -> tuple[Path, dict[str, int]]:
    """Another tool's WARC (warcio) of ``shape``'s home page and news sitemap as the HTTP
    blocks ``home`` and ``news``, and of its window's articles (200s): the file and each
    record's offset by URL."""
    folder.mkdir(parents=True)
    warc = folder / "tool.warc.gz"
    pages = {f"{shape.url}sitemaps/news.xml": news, shape.url: home}
    for gold in shape.golds:
        page = shape.site.pages[urlsplit(gold.url).path]
        pages[gold.url] = http_response(page.body, ctype=page.content_type or "text/html")
    offsets = warcio_warc(warc, [(url, block, "2026-01-05T12:00:00Z")
                                 for url, block in pages.items()])
    return warc, dict(zip(pages, offsets, strict=True))


def test_reextract_reads_a_row_from_a_whole_206_and_says_a_part(tmp_path: Path) -> None:
    """A row's home page archived as a 206 whose body is the whole page (no Content-Range:
    a server sending it so) names the site, as the crawl read it; only a 200 did. Archived
    only as a 206 holding part of it (a range request, ``wget -c`` resuming), it is not read
    for the row: said once by URL, Content-Range, file and offset (not again by the feed
    dates as a page that is no feed), and counted in the run's summary. Its news sitemap's
    head part is read for the zone vote as its entries date articles, said as read."""
    shape = anysite.news_sitemap_site()
    home, news = (shape.site.pages[p] for p in ("/", "/sitemaps/news.xml"))
    sitemap = http_response(news.body, ctype=news.content_type or "application/xml")
    row = {"url": shape.url}
    _tool_warc(tmp_path / "whole" / "warc", shape,
               http_response(home.body, "206 Partial Content", content_range=None), sitemap)
    whole, proc = _reextracted(tmp_path / "whole", row, tmp_path / "whole.jsonl")
    assert f"note: {shape.url}: name 'Вести' (its archived home page's)" in proc.stderr
    assert whole and {i["source_name"] for i in whole.values()} == {"Вести"}, proc.stderr
    assert "partial site row documents (206) not read: 0;" in proc.stderr

    half = news.body[:len(news.body) // 2]  # the sitemap's head: a range request's
    warc, offsets = _tool_warc(
        tmp_path / "part" / "warc", shape, http_response(home.body, "206 Partial Content"),
        http_response(half, "206 Partial Content", news.content_type or "application/xml",
                      f"bytes 0-{len(half) - 1}/{len(news.body)}"))
    part, proc = _reextracted(tmp_path / "part", row, tmp_path / "part.jsonl")
    assert part and "Вести" not in {i["source_name"] for i in part.values()}, proc.stderr
    assert "name 'Вести'" not in proc.stderr
    said = [line for line in proc.stderr.splitlines() if "only a 206 holding part of the "
            "document is archived" in line]  # every line saying a part, whatever became of it
    # each part said once a run: the home page's not read (not again as no feed by the feed
    # dates); the sitemap's head read for the zone vote (not again by the feed dates, which
    # date articles by it)
    assert len(said) == 2, proc.stderr[-3000:]
    for url, size, shown in ((shape.url, len(home.body), len(home.body) + 1),
                             (f"{shape.url}sitemaps/news.xml", len(half), len(news.body))):
        [line] = [line for line in said if f"{url}: only a 206" in line]
        assert f"{warc} at offset {offsets[url]}): " in line, line
        start = 1 if url == shape.url else 0
        assert f"Content-Range 'bytes {start}-{size if start else size - 1}/{shown}'" in line
        became = ("): partial_content, not read for " if url == shape.url
                  else "): read as a partial feed version (")
        assert became in line, line
    assert "partial site row documents (206) not read: 1;" in proc.stderr
    assert "partial feed versions (206) read: 1, unreadable: 0;" in proc.stderr


def test_a_rows_own_feeds_and_sitemaps_are_read(tmp_path: Path) -> None:
    """A row's ``feeds`` and ``sitemaps`` (README lists them) were never fetched: a site
    whose feed lives at a path nobody guesses and its home page does not announce gave only
    what the home page links."""
    shape = anysite.feed_only_site()
    site = shape.site
    site.add("/data/lenta.xml", site.pages.pop("/export/rss.xml"))
    site.add("/", anysite.chrome(site.host, "<p>Новости района</p>"))  # links nothing
    row = {"url": shape.url, "feeds": ["/data/lenta.xml"], "sitemaps": ["/data/map.xml"]}
    with FixtureServer([site]) as server:
        result = run_crawl("site", tmp_path, server, args={**WINDOW},
                           settings={"EXTRA_OUTLETS": json.dumps([row])})
        paths = server.requested_paths(site.host)
    assert_gold_items(result, shape, "title", "published")
    assert "/data/lenta.xml" in paths and "/data/map.xml" in paths
    assert result.stats["discovery/feed_entries"] >= len(shape.golds)


def test_a_site_given_by_address_and_as_a_row_is_crawled_once(tmp_path: Path) -> None:
    """``-a url=X`` and a row of X in EXTRA_OUTLETS: the second row is left out with a
    warning, as documented; it crashed the spider as it was built (its stats not set yet)."""
    shape = anysite.feed_only_site()
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW},
                           settings={"EXTRA_OUTLETS": json.dumps([{"url": shape.url}])})
    assert_gold_items(result, shape, "title", "published")
    assert result.stats["discovery/duplicate_rows"] == 1
    assert "a second row for host" in result.log


JS_CHOOSER = (b'<!DOCTYPE html><html><head><title>Choose</title><script>'
              b'window.location.href = "/ru/";</script></head><body></body></html>')


@pytest.mark.parametrize("announced", [True, False], ids=["feed_announced", "feed_common_path"])
def test_a_home_page_sending_browsers_on_by_script_is_read_where_it_sends(
        tmp_path: Path, announced: bool) -> None:
    """A language chooser at ``/``: a stub whose script sets ``location.href = "/ru/"``. The
    home page is ``/ru/`` (its announced feed, or a common feed path under it), not a blocked
    page."""
    shape = anysite.feed_only_site()
    site = shape.site
    home = site.pages.pop("/")
    if not announced:
        home = Page(re.sub(rb'<link rel="alternate"[^>]*>', b"", home.body))
        site.add("/ru/feed", site.pages.pop("/export/rss.xml"))
    site.add("/ru/", home)
    site.add("/", JS_CHOOSER)
    with FixtureServer([site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert_gold_items(result, shape)
    assert result.stats.get("discovery/home_script_redirect") == 1
    assert "pages/blocked/js_redirect" not in result.stats


def test_every_language_edition_a_home_page_names_is_crawled(tmp_path: Path) -> None:
    """``/`` (Russian) and ``/be/`` (Belarusian, its own feed announced on ``/be/`` only) name
    each other with ``hreflang``: both editions' articles, each in its language."""
    shape = anysite.language_editions_site()
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    by_url = assert_gold_items(result, shape, "title", "text", "published")
    for gold in shape.golds:
        assert by_url[gold.url]["language"] == ("be" if "/be/" in gold.url else "ru")
    assert result.stats["discovery/language_editions"] == 1


@pytest.mark.parametrize("status", [503, 403])
def test_robots_txt_is_read_by_its_status(tmp_path: Path, status: int) -> None:
    """RFC 9309: a robots.txt answering 5xx means complete disallow (nothing else is fetched,
    and the log says why; a run left with no article alarms, exit 1); one answering 4xx means
    no rules, whatever its body says."""
    shape = anysite.news_sitemap_site()
    shape.site.add("/robots.txt", Page(b"User-agent: *\nDisallow: /\n", status=status,
                                       content_type="text/plain"))
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert result.returncode == (1 if status == 503 else 0), result.log[-3000:]
    paths = server.requested_paths(shape.site.host)
    if status == 503:
        assert set(paths) == {"/robots.txt"} and not result.items
        assert result.stats["robotstxt/unavailable"] == 1
        assert f"http://{shape.site.host}/robots.txt answered 503" in result.log
        assert (f"no articles, and robots.txt answered an error on 1 host(s): HTTP 503 "
                f"http://{shape.site.host}/robots.txt") in result.log
    else:
        assert "/sitemap_index.xml" in paths  # a common path: a 403 lists no sitemap
        assert sorted(i["url"] for i in result.items) == sorted(g.url for g in shape.golds)
        assert "robotstxt/unavailable" not in result.stats


@pytest.mark.parametrize("form", sorted(anysite.PAGER_FORMS))
def test_a_home_page_list_is_walked_by_its_pager_for_the_window(tmp_path: Path,
                                                                form: str) -> None:
    """Articles reachable only through the home page's numbered pager (``?page=N``, Bitrix
    ``?PAGEN_1=N``, ``/page/N/``): its pages are read, within SITE_MAX_ARCHIVE_PAGES."""
    shape = anysite.paged_home_site(form)
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert_gold_items(result, shape, "published")
    assert result.stats["discovery/listing_stop/last_page"] == 1


@pytest.mark.parametrize("form", sorted(anysite.ALL_NEWS_LINKS))
def test_a_home_page_without_a_pager_has_its_list_of_all_news_walked(tmp_path: Path,
                                                                      form: str) -> None:
    """The home page shows the newest four and a "Все новости" link (or "Лента новостей",
    a menu's "Новости", Belarusian "Усе навіны"); that list's first page repeats them and its
    pager leads back to the window: it is walked (the run had found the four newest only and
    alarmed that discovery never reached the window)."""
    shape = anysite.sectioned_home_site(form)
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert result.returncode == 0, result.log[-3000:]
    assert_gold_items(result, shape, "published")
    assert result.stats["discovery/listing_stop/last_page"] == 1
    assert "/society/" not in server.requested_paths(shape.site.host)


def test_a_list_of_all_news_on_a_subdomain_is_walked_and_its_articles_crawled(
        tmp_path: Path) -> None:
    """The home page's "Все новости" links ``http://news.<host>/news/``, a subdomain holding
    the list and the articles: it was taken for another site's, the window's articles were
    never found and the run alarmed. Now the list is walked, its articles are fetched on
    that host and the items keep their URLs there and the site's key."""
    shape = anysite.sectioned_home_site("all_news", sister="news.")
    sister = shape.sisters[0]
    with FixtureServer([shape.site, sister]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert result.returncode == 0, result.log[-3000:]
    assert_gold_items(result, shape, "published")
    assert result.stats["discovery/list_on_sister_host"] == 1
    assert result.stats["discovery/listing_stop/last_page"] == 1
    assert {item["source"] for item in result.items} == {shape.site.host}
    assert not [p for p in server.requested_paths(shape.site.host) if "-novost-goroda" in p]


def test_a_crawl_stopped_on_a_sister_hosts_list_resumes_with_that_host_the_sites(
        tmp_path: Path) -> None:
    """The first session took the list's subdomain as the site's and stopped while its second
    page was in flight; the resumed session, its frontier answering that page before any home
    page says so again, knows the host from the JOBDIR state: the list's articles are the
    site's, with their URLs there."""
    shape = anysite.sectioned_home_site("all_news", sister="news.")
    sister = shape.sisters[0]
    slow = next(path for path in sister.pages if "PAGEN_1=2" in path)
    page = sister.pages[slow]
    sister.add(slow, Page(page.body, content_type=page.content_type, delay=4.0))
    job = {"JOBDIR": str(tmp_path / "job")}
    with FixtureServer([shape.site, sister]) as server:
        first = run_crawl("site", tmp_path / "a", server, args={"url": shape.url, **WINDOW},
                          settings={**job, "CLOSESPIDER_TIMEOUT": 2})
        assert "closespider_timeout" in first.log and not first.items, first.log[-3000:]
        assert first.stats["discovery/list_on_sister_host"] == 1
        sister.add(slow, page)  # now the saved page answers before the (slow) home page
        home = shape.site.pages["/"]
        shape.site.add("/", Page(home.body, content_type=home.content_type, delay=3.0))
        again = run_crawl("site", tmp_path / "b", server, args={"url": shape.url, **WINDOW},
                          settings=job)
    assert again.returncode == 0, again.log[-3000:]
    assert sorted(item["url"] for item in again.items) == sorted(g.url for g in shape.golds)
    assert {item["source"] for item in again.items} == {shape.site.host}


def test_a_window_older_than_the_feed_reaches_is_read_from_the_home_pages_pager(
        tmp_path: Path) -> None:
    """The feed holds the 3 newest articles only (DataLife Engine's and WordPress's feed count
    set low), the window lies further back: home-page links and the pager were read only when
    no feed gave any candidate, so the run found nothing (healthy, exit 0)."""
    shape = anysite.paged_home_site("query", feed=3)
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert_gold_items(result, shape, "published")
    assert result.stats["discovery/feed_entries"] == 3


@pytest.mark.parametrize("spelling", ["unicode", "punycode"])
def test_a_site_on_an_internationalised_host_with_cyrillic_paths(tmp_path: Path,
                                                                 spelling: str) -> None:
    """``-a url=http://новости.бел/`` or its punycode: the same site, the same items (the
    wire's punycode host), every article once whether its link is raw Cyrillic or
    percent-encoded."""
    shape = anysite.idn_site()
    url = f"http://{anysite.IDN_HOST}/" if spelling == "unicode" else shape.url
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": url, **WINDOW})
    assert_gold_items(result, shape, "title", "text", "published")
    assert len({item["id"] for item in result.items}) == len(shape.golds)
    assert {item["source"] for item in result.items} == {shape.site.host}
    assert "discovery/home_moved_offsite" not in result.stats


@pytest.mark.parametrize("form", anysite.FEED_FORMS)
def test_a_feed_is_read_by_its_xml_base_and_the_charset_of_its_bytes(tmp_path: Path,
                                                                    form: str) -> None:
    """Atom links relative to ``xml:base``, and Cyrillic links in a feed whose declaration
    lies about its charset: the window's articles, fetched where they are (no 404s)."""
    shape = anysite.odd_feed_site(form)
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert_gold_items(result, shape, "title", "text", "published")
    assert not any(k.startswith("articles/failed") for k in result.stats)


def test_a_feeds_relative_links_meaning_the_sites_root_are_read_there(tmp_path: Path) -> None:
    """A feed at ``/export/rss.xml`` writes ``news/novost-…/`` for ``/news/novost-…/``, its
    site's only discovery source: each link is asked for as the standard resolves it
    (``/export/news/…``, a 404) and once more against the site's root, where its article is;
    said once, counted per link, and no article failed."""
    shape = anysite.relative_feed_links_site()
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
        asked = server.requested_paths(shape.site.host)
    assert_gold_items(result, shape, "title", "text", "published")
    standard = [p for p in asked if p.startswith("/export/news/")]
    assert standard and all(standard.count(p) == 1 for p in standard), asked
    assert result.stats["discovery/feed_link_rebased"] == len(standard)
    assert not any(k.startswith("articles/failed") for k in result.stats), result.stats
    assert result.log.count("resolved against the feed's URL, answered 404") == 1


@pytest.mark.parametrize(("hours", "zone"), [(3, "Europe/Minsk"), (0, "UTC")])
def test_a_feed_in_gmt_is_no_zone_the_printed_wall_times_are(tmp_path: Path, hours: int,
                                                              zone: str) -> None:
    """A ``.by`` site whose RSS writes GMT and whose pages print only their wall time: the
    feed's UTC said nothing of the site's clock, yet made it UTC, every time 3 hours late
    (and an article of 00:30 the day after the window in it). The times printed against the
    feed's instants tell the zone: Minsk's, or UTC for a site printing the feed's own time.
    Re-extraction of its archive with the row (no zone) learns the same from the same pages."""
    shape = anysite.gmt_feed_site(hours)
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    by_url = assert_gold_items(result, shape, "title", "text", "published")
    assert {item["extractor"]["fields"]["published"] for item in by_url.values()} == {"visible"}
    assert result.stats[f"discovery/{shape.site.host}/timezone"] == zone
    again, proc = _reextracted(result.data_dir, {"url": shape.url}, tmp_path / "again.jsonl")
    assert f"time zone {zone} (learnt from the archive" in proc.stderr
    assert {i["url"]: i["published"] for i in again.values() if i["url"] in by_url} == {
        url: item["published"] for url, item in by_url.items()}


def test_links_to_a_sites_mobile_host_and_amp_canonicals_are_its_articles(
        tmp_path: Path) -> None:
    """A feed of ``m.`` links and pages naming ``amp.`` as canonical: the articles are read on
    the main host, one item each at its main-host URL; the AMP copies are not fetched."""
    shape, mobile, amp = anysite.mobile_links_site()
    with FixtureServer([shape.site, mobile, amp]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert_gold_items(result, shape, "title", "text", "published")
    assert not server.requested_paths(amp.host)
    assert "articles/alias_of_canonical" not in result.stats


@pytest.mark.parametrize("form", sorted(anysite.URL_DATE_FORMS))
def test_pages_dated_only_by_a_compact_or_query_date_in_their_url(tmp_path: Path,
                                                                  form: str) -> None:
    """``/news/20260104/slug/``, ``view.php?id=N&date=04.01.2026``, ``/news/04.01.2026/N``,
    ``/04-01-2026/slug``, ``/news/2026.01.04/slug``, no date in the markup: the window's
    articles, dated by their URL, and no page without a date; an article whose URL day is
    weeks before the window is not even fetched."""
    shape = anysite.url_dated_site(form)
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert_gold_items(result, shape, "title", "text", "published")
    paths = server.requested_paths(shape.site.host)
    old = anysite.URL_DATE_FORMS[form].format(d=anysite.OLD_URL_DAY, n=1804)  # (its id)
    assert not [p for p in paths if p == old or "1804" in p], paths
    assert result.stats["discovery/out_of_window_links"] == 1


@pytest.mark.parametrize(("how", "label"), [("redirect", "www"), ("meta_refresh", "www"),
                                            ("redirect", "www2")])
def test_a_site_given_at_its_www_host_that_lives_at_the_bare_one(tmp_path: Path, how: str,
                                                                 label: str) -> None:
    """``-a url=http://www.host/`` whose home page sends to ``http://host/`` (a 301, or a
    ``<meta http-equiv="refresh">`` page): the site lives where it landed, so its items carry
    that host, and its articles are fetched there (not each through a redirect). From
    ``www2.host`` too: it was taken for another site, and every article was lost."""
    shape = anysite.feed_only_site()
    host = shape.site.host
    www = VirtualSite(f"{label}.{host}")
    www.add("/", Page(b"", status=301, headers=[("Location", f"http://{host}/")])
            if how == "redirect" else Page(
                f'<html><head><meta http-equiv="refresh" content="0; url=http://{host}/">'
                "</head><body></body></html>".encode()))
    for path in ("/robots.txt", "/export/rss.xml"):
        www.add(path, Page(b"", status=301, headers=[("Location", f"http://{host}{path}")]))
    www.dynamic.append(lambda target: Page(b"", status=301,
                                           headers=[("Location", f"http://{host}{target}")]))
    with FixtureServer([shape.site, www]) as server:  # (both hosts plain HTTP: no mapping)
        result = run_crawl("site", tmp_path, server,
                           args={"url": f"http://{label}.{host}/", **WINDOW},
                           settings={"OUTLET_BASE_URLS": {}})
    assert_gold_items(result, shape, "title", "published")
    article_paths = [p for p in server.requested_paths(www.host) if "/novost-dnya-" in p]
    assert not article_paths
    assert result.stats.get("discovery/home_moved_within_site") == 1
    # re-extracted with the row given: the same URLs and ids (a meta refresh was not
    # followed: every item under the www host, other ids)
    again, proc = _reextracted(result.data_dir, {"url": f"http://{label}.{host}/"},
                               tmp_path / "again.jsonl")
    assert {i["id"]: i["url"] for i in result.items} == {
        i: item["url"] for i, item in again.items() if i in {j["id"] for j in result.items}}
    assert f"its home page redirected to http://{host}/" in proc.stderr


def test_reextract_follows_a_home_page_refresh_only_within_the_runs_max_delay(
        tmp_path: Path) -> None:
    """A home page refreshing to the bare host after 5 s, crawled with
    METAREFRESH_MAXDELAY=2: Scrapy does not follow it, and the site is read at its www host.
    Re-extraction with the same setting moved the row anyway (it held Scrapy's default,
    100 s): it must read the archive as the crawl read the site."""
    shape = anysite.feed_only_site()
    host = shape.site.host
    www = VirtualSite(f"www.{host}")
    www.add("/", Page(f'<html><head><meta http-equiv="refresh" content="5; url=http://{host}/">'
                      "</head><body></body></html>".encode()))
    with FixtureServer([shape.site, www]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": f"http://www.{host}/"},
                           settings={"OUTLET_BASE_URLS": {}, "METAREFRESH_MAXDELAY": 2})
    assert not result.stats.get("discovery/home_moved_within_site"), result.log[-3000:]
    out = tmp_path / "again.jsonl"
    proc = subprocess.run([*SCRAPY, "reextract", str(result.data_dir / "warc"), "-O", str(out),
                           "-s", f"EXTRA_OUTLETS={json.dumps([{'url': f'http://www.{host}/'}])}",
                           "-s", "METAREFRESH_MAXDELAY=2"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **NO_NETWORK})
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "its home page redirected" not in proc.stderr


def test_a_site_reached_by_a_chain_from_http_www_to_https_bare(tmp_path: Path) -> None:
    """``-a url=http://www.host/``: http → https (www) → https bare host, as sites that moved
    to TLS answer. The site is crawled at ``https://host/``: its items carry that address and
    no article is fetched anywhere else (no redirect per article)."""
    shape = anysite.feed_only_site()
    host = shape.site.host
    shape.site.https_only = True  # http:// answers 301 to https://
    www = VirtualSite(f"www.{host}", https_only=True)
    www.dynamic.append(lambda target: Page(b"", status=301,
                                           headers=[("Location", f"https://{host}{target}")]))
    with FixtureServer([shape.site, www], tls=True) as server:
        result = run_crawl("site", tmp_path, server,
                           args={"url": f"http://www.{host}/", **WINDOW},
                           settings={"OUTLET_BASE_URLS": {}})
    for gold in shape.golds:
        gold.url = gold.url.replace("http://", "https://", 1)
    assert_gold_items(result, shape, "title", "text", "published")
    articles = [u for u in server.requests if "/novost-dnya-" in u]
    assert articles and all(u.startswith(f"https://{host}/") for u in articles), articles
    assert result.stats.get("discovery/home_moved_within_site") == 1


def _crawl_with_home_link_header(tmp_path: Path,
                                 link: str) -> tuple[anysite.AnySite, CrawlResult, list[str]]:
    """The feed-only site with its feed named in its home page's ``Link`` header ``link``, not
    in its markup, crawled: the shape, the crawl's result and the paths it requested."""
    shape = anysite.feed_only_site()
    home = shape.site.pages["/"]
    shape.site.add("/", Page(re.sub(rb'<link rel="alternate"[^>]*>', b"", home.body),
                             headers=[("Link", link)]))
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
        return shape, result, server.requested_paths(shape.site.host)


def test_a_feed_announced_in_an_http_link_header_alone_is_read(tmp_path: Path) -> None:
    """The feed-only site's home page names its feed (``/export/rss.xml``, no common path) in
    its response's ``Link`` header, not in its markup: the feed was never fetched, the
    common paths were tried and the window's articles lost."""
    shape, result, paths = _crawl_with_home_link_header(
        tmp_path, '<https://example.org/wp-json/>; rel="https://api.w.org/", '
                  '</export/rss.xml>; rel="alternate"; type="application/rss+xml"')
    assert_gold_items(result, shape, "title", "published", "text")
    assert paths.count("/export/rss.xml") == 1 and "/feed" not in paths
    assert result.stats["discovery/feeds_announced"] == 1


def test_a_link_headers_feed_titled_with_a_comma_is_read_and_its_flood_counted(
        tmp_path: Path) -> None:
    """The home page's ``Link`` header titles its feed ``"News, all; daily"`` before ``rel`` (the
    link was hidden: the params were cut at the comma) and goes on with 150 preloads: the feed
    is read, the links past the first 100 counted and warned of."""
    preloads = ", ".join(f"</s{n}.css>; rel=preload; as=style" for n in range(150))
    shape, result, paths = _crawl_with_home_link_header(
        tmp_path, '</export/rss.xml>; title="News, all; daily"; rel="alternate"; '
                  f'type="application/rss+xml", {preloads}')
    assert_gold_items(result, shape, "title", "published", "text")
    assert paths.count("/export/rss.xml") == 1 and "/feed" not in paths
    assert result.stats["discovery/link_header_over_limit"] == 1
    assert "its Link headers were read up to 65536 bytes, 100 links" in result.log


def test_a_json_feeds_items_addressed_by_their_id_alone_are_read(tmp_path: Path) -> None:
    """The JSON Feed site's items give their address as ``id`` only (jsonfeed.org 1.1: ``url``
    is optional): they were counted linkless, and the window's articles were lost."""
    shape = anysite.json_feed_site()
    feed = json.loads(shape.site.pages["/feed.json"].body)
    feed["items"] = [{**{k: v for k, v in item.items() if k != "url"}, "id": item["url"]}
                     for item in feed["items"]]
    shape.site.add("/feed.json", Page(json.dumps(feed).encode(),
                                      content_type="application/feed+json"))
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert_gold_items(result, shape, "title", "published", "text")
    assert "discovery/feed/no_link" not in result.stats


def test_a_feed_answering_an_html_page_with_200_is_said_and_counted(tmp_path: Path) -> None:
    """The announced feed is a CMS's "not found" page with status 200: counted and logged
    with its URL, and the articles the home page links are still crawled."""
    shape = anysite.feed_only_site()
    golds = shape.golds
    shape.site.add("/export/rss.xml", anysite.plain_html(shape.site.host, "Страница не найдена",
                                                         "Такой страницы нет."))
    shape.site.add("/", anysite.chrome(shape.site.host, anysite.section_html(
        shape.site.host, [(g.url, g.title) for g in golds]),
        '<link rel="alternate" type="application/rss+xml" href="/export/rss.xml">'))
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert_gold_items(result, shape, "title", "published")
    assert result.stats["discovery/feed/not_a_feed"] == 1
    [said] = [line for line in result.log.splitlines() if "with an HTML page" in line]
    assert (f"WARNING: Discovery: the feed http://{shape.site.host}/export/rss.xml answered 200 "
            "with an HTML page") in said


def test_common_paths_answering_the_home_page_are_counted_not_warned(tmp_path: Path) -> None:
    """No feed announced, and the site answers every address with its home page (200): each
    common feed and sitemap path tried gave a WARNING of its own (14 of them), for what is
    only a guess; they are counted and said at INFO, and the articles are crawled."""
    shape = anysite.feed_only_site()
    home = anysite.chrome(shape.site.host, anysite.section_html(
        shape.site.host, [(g.url, g.title) for g in shape.golds]))
    shape.site.add("/", home)
    shape.site.dynamic.append(lambda target: Page(home.encode()))
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert_gold_items(result, shape, "title", "published")
    assert result.stats["discovery/feed/not_a_feed"] + result.stats[
        "discovery/sitemap/not_a_sitemap"] >= 10
    warned = [line for line in result.log.splitlines()
              if "with an HTML page" in line and "WARNING" in line]
    assert warned == [] and "INFO: Discovery: the feed" in result.log


def test_pages_naming_their_amp_copy_canonical_make_the_items_themselves(
        tmp_path: Path) -> None:
    """Every article names ``/amp/<its path>`` as its canonical (a template with the standard
    backwards); the AMP copy holds a lead only. The articles make the items, whole."""
    shape = anysite.feed_only_site()
    site = shape.site
    for gold in shape.golds:
        path = gold.url.removeprefix(f"http://{site.host}")
        site.add(f"/amp{path}", anysite.plain_html(site.host, gold.title, gold.paragraphs[0]))
        site.add(path, Page(site.pages[path].body.replace(
            b"</head>", f'<link rel="canonical" href="/amp{path}"></head>'.encode())))
    with FixtureServer([site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert_gold_items(result, shape, "title", "text", "published")
    assert not [p for p in server.requested_paths(site.host) if p.startswith("/amp/")]


def test_links_and_canonicals_relative_to_a_base_href_are_read_against_it(
        tmp_path: Path) -> None:
    """``<base href="/ru/">`` on every page, links and ``rel="canonical"`` relative to it:
    the window's articles are fetched where the base puts them (no 404s), each its own
    canonical page (no alias fetched)."""
    shape = anysite.base_href_site()
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert_gold_items(result, shape, "title", "text", "published")
    assert "articles/alias_of_canonical" not in result.stats
    assert not any(k.startswith("articles/failed") for k in result.stats)


def test_a_small_sites_short_ids_and_table_layout_give_its_articles(tmp_path: Path) -> None:
    """Article links ending in a one-digit id are taken on their headline text (a pager's
    "2" and a rubric are not), and pages set in a layout table give their paragraphs apart,
    without the headline, date line or side column."""
    shape = anysite.short_ids_site()
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert_gold_items(result, shape, "title", "text", "published")
    assert not any(k.startswith("articles/failed") for k in result.stats)
    assert "no article link found" not in result.log


def test_cms_furniture_stays_out_of_the_items_and_the_hidden_time_is_read(
        tmp_path: Path) -> None:
    """A uCoz-style district paper: the rubric inside the <h1>, an ad between the paragraphs,
    a plain "Читайте также:" list closing the text and <br>-parted paragraphs give the gold
    title and text; the time only a <span>'s title carries gives the gold moment."""
    shape = anysite.cms_furniture_site()
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={
            "url": shape.url, "timezone": "Etc/GMT-3", **WINDOW})  # (it prints wall clocks)
    assert_gold_items(result, shape, "title", "text", "published")
    assert not any(k.startswith("articles/failed") for k in result.stats)


def test_bylines_printed_in_markup_alone_are_the_items_authors(tmp_path: Path) -> None:
    """A site declaring no author anywhere but in its byline markup (a WordPress vcard, a
    rel="author" link, a bare div.author over the text, a credits line under it naming the
    photographer first): each item's author is the byline's writer, its text the article's
    alone; a reader's comment signed in a vcard is no author."""
    shape = anysite.markup_bylines_site()
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert len(shape.golds) == 4
    assert_gold_items(result, shape, "title", "text", "published", "authors")


def test_a_site_whose_links_read_as_no_article_is_warned_about(tmp_path: Path) -> None:
    shape = anysite.short_ids_site()
    for path, page in list(shape.site.pages.items()):
        shape.site.add(path, Page(re.sub(rb'(href="/news/\d/">)[^<]+', rb"\1more", page.body)))
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert result.returncode == 0 and not result.items, result.log[-3000:]
    assert re.search(r"WARNING: \S+: no article link found", result.log), result.log[-3000:]
    assert result.stats["discovery/sites_without_candidates"] == 1


def test_site_without_a_site_runs_quietly(tmp_path: Path) -> None:
    """``crawlall`` runs ``site`` every hour, usually with no row: its feeds once failed to
    open (Scrapy reads every spider attribute for the feed URI, ``outlet`` raised), an ERROR
    with a traceback in every scheduled run."""
    result = run_crawl("site", tmp_path, None)
    assert result.returncode == 0, result.log[-3000:]
    assert "No site to crawl" in result.log
    assert "ERROR" not in result.log and "Traceback" not in result.log, result.log[-3000:]
    assert "log_count/ERROR" not in result.stats
    [items] = (tmp_path / "items").glob("site-*.jsonl")
    assert items.read_text("utf-8") == ""


# A bound the project does not set itself, so a crawl caught in a trap still ends in the test
TRAP_BOUND = {"CLOSESPIDER_PAGECOUNT": 200}


@pytest.mark.parametrize("trap", ["relative_hreflang", "script_chain"])
def test_home_pages_naming_ever_deeper_home_pages_end(tmp_path: Path, trap: str) -> None:
    """Every page names ``be/`` (relative) as its Belarusian edition, or is a script stub
    sending browsers one folder deeper, on a site answering any ``/be/be/…/``: an edition's
    own editions are not read and a site's home pages are bounded, so discovery ends and the
    articles its feed or sitemap gives are crawled."""
    if trap == "relative_hreflang":  # the articles come from the feed the pages announce
        shape = anysite.feed_only_site()
        page = Page(shape.site.pages["/"].body.replace(
            b"</head>", b'<link rel="alternate" hreflang="be" href="be/"></head>'))
    else:  # no page but stubs: the articles come from the sitemap robots.txt names
        shape = anysite.news_sitemap_site()
        page = Page(JS_CHOOSER.replace(b'"/ru/"', b'"be/"'))
    site = shape.site
    site.add("/", page)
    site.dynamic.append(lambda t: page if re.fullmatch(r"(/be)+/", t) else None)
    with FixtureServer([site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW},
                           settings=TRAP_BOUND)
    assert_gold_items(result, shape, "title", "published")
    assert "closespider_pagecount" not in result.log
    deep = [p for p in server.requested_paths(site.host) if p.startswith("/be/")]
    if trap == "relative_hreflang":  # /be/ is read, not the /be/be/ it names
        assert deep == ["/be/"]
    else:  # the row's home page and twelve more, then a warning
        assert len(deep) == 12, deep
        assert result.stats["discovery/home_over_limit"] == 1
        assert "13 home pages read" in result.log


SESSION_SPELLINGS = ("{url};jsessionid=0AB12CD34EF5678901", "{url}?PHPSESSID=abcdef0123456789",
                     "{url}?sid=5f2b6c0e9a7d4b1c8e3f", "{url}?fbclid=IwAR0abc&sid=77aa12ef")


def test_an_article_linked_with_session_ids_makes_one_item(tmp_path: Path) -> None:
    """A feed linking each article plainly and with session ids (``;jsessionid=``,
    ``?PHPSESSID=``, ``?sid=``, mixed with tracking): one item each, at its plain URL, and
    no session id ever sent back."""
    shape = anysite.feed_only_site()
    site = shape.site
    links = [(g, spelling.format(url=g.url)) for g in shape.golds
             for spelling in ("{url}", *SESSION_SPELLINGS)]
    site.add("/export/rss.xml", anysite.rss([replace(g, url=u) for g, u in links]))
    site.dynamic.append(lambda target: site.pages.get(
        re.sub(r";jsessionid=\w+", "", target).split("?")[0]))
    with FixtureServer([site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert_gold_items(result, shape, "title", "text", "published")
    paths = server.requested_paths(site.host)
    assert not [p for p in paths if re.search(r"(?i)sessionid|sessid|sid=", p)], paths


def test_a_home_page_announcing_feeds_without_end_is_read_within_a_bound(
        tmp_path: Path) -> None:
    """A home page announcing its feed and then a feed per tag, 60 of them: SITE_MAX_FEEDS are
    fetched, the rest counted and said once, and the articles come from the feed."""
    shape = anysite.feed_only_site()
    site = shape.site
    tags = "".join(f'<link rel="alternate" type="application/rss+xml" href="/tag/t{n}/feed/">'
                   for n in range(60))
    site.add("/", Page(site.pages["/"].body.replace(b"</head>", tags.encode() + b"</head>")))
    with FixtureServer([site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW},
                           settings={"SITE_MAX_FEEDS": 10})
    assert_gold_items(result, shape, "title", "published")
    fetched = [p for p in server.requested_paths(site.host) if p.startswith("/tag/")]
    assert len(fetched) == 9, fetched  # the site's own feed and nine tags
    assert result.stats["discovery/feed_over_limit"] == 51
    assert "SITE_MAX_FEEDS=10 reached: 51 of the feeds" in result.log


def test_a_sitemap_answering_an_html_page_with_200_is_said_and_counted(tmp_path: Path) -> None:
    """A child sitemap of the index answers a CMS's "not found" page with 200: counted and
    logged with its URL; the other sitemap's articles are crawled."""
    shape = anysite.news_sitemap_site()
    host = shape.site.host
    shape.site.add("/sitemaps/pages.xml", anysite.plain_html(host, "Страница не найдена",
                                                             "Такой страницы нет."))
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert_gold_items(result, shape, "title", "published")
    assert result.stats["discovery/sitemap/not_a_sitemap"] == 1
    assert (f"the sitemap http://{host}/sitemaps/pages.xml answered 200 with an HTML page"
            in result.log)


@pytest.mark.parametrize("how", ["redirect", "meta_refresh"])
def test_articles_behind_a_cookie_check_that_sends_back_to_themselves(tmp_path: Path,
                                                                      how: str) -> None:
    """Each article, asked without the site's cookie, sets it and sends the browser back to
    itself (a 302, or a ``<meta http-equiv="refresh">`` interstitial): followed once with the
    cookie, not a redirect loop; every article is read."""
    shape = anysite.feed_only_site()

    def check(target: str, cookie: str) -> Page | None:
        if "novost-dnya" not in target or "checked=1" in cookie:
            return None
        set_cookie = ("Set-Cookie", "checked=1; Path=/")
        if how == "redirect":
            return Page(b"", status=302, content_type=None,
                        headers=[("Location", target), set_cookie])
        return Page(f'<html><head><meta http-equiv="refresh" content="0;url={target}">'
                    "</head><body>Проверка браузера…</body></html>".encode(),
                    headers=[set_cookie])

    shape.site.gate = check
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert_gold_items(result, shape, "title", "text", "published")
    assert not any(k.startswith("articles/failed") for k in result.stats)


@pytest.mark.parametrize("form", anysite.SHELL_FORMS)
def test_a_home_page_that_only_frames_or_chooses_is_read_through(tmp_path: Path,
                                                                 form: str) -> None:
    """A home page linking no article, whose news a browser shows through it: a frameset's
    frames, a page of one big iframe, an ``iframe srcdoc``, a language chooser of plain links.
    The pages it frames or names are read as home pages: the window's articles, whole."""
    shape = anysite.shell_home_site(form)
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert_gold_items(result, shape, "title", "text", "published")
    framed = {"frameset": 2, "iframe": 1, "srcdoc": None, "chooser": 2}[form]
    assert result.stats.get("discovery/shell_pages") == framed


def test_a_home_page_of_one_iframe_to_another_host_is_said(tmp_path: Path) -> None:
    """The home page given is one big iframe to the real site on another host: that host is
    not crawled as this site's, and the log names the address to crawl instead."""
    shape = anysite.feed_only_site()
    shell = VirtualSite("vitrina-gazety.test")
    shell.add("/", '<html><head><title>Газета</title></head><body style="margin:0"><iframe '
              f'src="http://{shape.site.host}/" width="100%" height="100%"></iframe></body></html>')
    with FixtureServer([shape.site, shell]) as server:
        result = run_crawl("site", tmp_path, server,
                           args={"url": f"http://{shell.host}/", **WINDOW})
    assert result.returncode == 0, result.log[-3000:]
    assert not result.items
    assert not server.requested_paths(shape.site.host)
    assert result.stats["discovery/shell_offsite"] == 1
    assert (f"the home page http://{shell.host}/ links no article and shows "
            f"http://{shape.site.host}/, another host" in result.log)


def test_headlines_linked_by_script_or_image_map_are_articles(tmp_path: Path) -> None:
    """Headlines opened by ``onclick``, ``javascript:openNews('…')``, ``window.open`` and an
    image map's ``<area>`` (as an old CMS links them): the window's articles, whole; a
    ``javascript:void(0)``, an analytics call, ``mailto:`` and ``tel:`` fetch nothing, nor
    does an ``onclick`` that calls a script with an address but goes nowhere (a vote, a
    share button) or a ``javascript:`` link calling an action (``vote('/ajax/…')``,
    ``addComment('…')``)."""
    shape = anysite.script_links_site()
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert_gold_items(result, shape, "title", "text", "published")
    paths = server.requested_paths(shape.site.host)
    assert not [p for p in paths if "void" in p or "send" in p or ":" in p], paths
    assert not [p for p in paths if "/ajax/" in p or "kopiya" in p], paths  # no navigation


@pytest.mark.parametrize("nested", [False, True], ids=["one_frameset", "nested_framesets"])
def test_articles_that_are_framesets_are_read_in_their_frame(tmp_path: Path,
                                                             nested: bool) -> None:
    """Every article URL the feed gives is a frameset (a banner frame, the article's
    ``…_text.html`` frame; or that frameset inside an outer one beside a menu frame, which
    gave no item): the article is its frame's page, one item each at the frame's URL, whole
    and dated in the site's zone (the banner and menu frames are not fetched); re-extraction
    of the archive agrees."""
    shape = anysite.framed_articles_site(nested)
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert_gold_items(result, shape, "title", "text", "published")
    assert result.stats["articles/frameset"] == len(shape.golds) * (2 if nested else 1)
    assert "articles/frameset_in_frame" not in result.stats
    assert not {"/top.html", "/menu.html"} & set(server.requested_paths(shape.site.host))
    counts = completeness_counts(result)  # a frameset and its frame: one article, extracted
    assert counts["discovered"] == counts["extracted"] >= len(shape.golds), counts
    assert counts["not_article"] == 0, counts
    assert "extraction/failed/no_body" not in result.stats
    again, proc = _reextracted(result.data_dir, {"url": shape.url, "timezone": "Etc/GMT-3"},
                               tmp_path / "again.jsonl")  # the archive reads the same
    assert sorted(i["url"] for i in again.values()) == sorted(g.url for g in shape.golds)
    assert "no_body" not in proc.stderr, proc.stderr[-2000:]


def test_a_feed_linking_the_sites_old_domain_is_said_and_read_with_an_alias(
        tmp_path: Path) -> None:
    """The site's own feed links every entry on the host the site moved from: those are not
    taken as this site's articles silently; the run says which host and how many
    (``discovery/feed_offsite_entries``) and how to read them. With that host among the row's
    ``aliases``, the window's articles are read on the site's host."""
    shape = anysite.renamed_site()
    old = "staraya-gazeta.test"
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path / "plain", server, args={"url": shape.url, **WINDOW})
        assert result.returncode == 0, result.log[-3000:]
        assert not result.items
        assert result.stats["discovery/feed_offsite_entries"] == 7
        assert (f"the feed http://{shape.site.host}/rss.xml links 7 of its 7 entries on "
                f"other hosts ({old})" in result.log)
        row = {"url": shape.url, "aliases": [old]}
        aliased = run_crawl("site", tmp_path / "aliased", server, args=WINDOW,
                            settings={"EXTRA_OUTLETS": [row]})
    assert_gold_items(aliased, shape, "title", "text", "published")
    assert "discovery/feed_offsite_entries" not in aliased.stats


def test_an_article_split_over_pages_by_a_numbered_pager_is_joined(tmp_path: Path) -> None:
    """Articles whose text goes on at ``?page=2``, named only by a numbered pager under the
    text ("Страницы: 1 2", no ``rel="next"``): the item holds both pages' text in order and
    names them; an article whose only pager is its comments' is whole, says nothing, and its
    comments' pages are never fetched."""
    shape, whole = anysite.split_articles_site()
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
        requested = server.requested_paths(shape.site.host)
    by_url = assert_gold_items(result, shape, "title", "text", "published")
    for url, item in by_url.items():
        assert item["extractor"].get("pages") == (None if url in whole else 2), url
        assert item["extractor"].get("page_urls") == (
            None if url in whole else [url, f"{url}?page=2"]), url
    assert "extraction/paged" not in result.stats
    assert result.stats["articles/pages_joined"] == len(shape.golds) - len(whole)
    paged = [p for p in requested if "page=" in p]
    assert paged and not [p for p in paged if "page=3" in p or any(
        p.startswith(urlsplit(u).path) for u in whole)], paged


@pytest.mark.parametrize("raw", [False, True], ids=["escaped", "raw"])
def test_a_windows_1251_site_with_cyrillic_in_its_article_queries(tmp_path: Path,
                                                                   raw: bool) -> None:
    """``view.php?rub=<Cyrillic>&id=N`` on a windows-1251 site answering the rubric in
    windows-1251 escapes only, linked with those escapes or raw (sent in the page's charset,
    as a browser does): every window article, whole, each once, at a URL that keeps the
    site's escapes; no 404."""
    shape = anysite.windows_1251_query_site(raw)
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert_gold_items(result, shape, "title", "text", "published")
    assert "%CD%EE%E2%EE%F1%F2%E8" in shape.golds[0].url
    assert not any(k.startswith("articles/failed") for k in result.stats), result.stats


def test_a_windows_1251_site_whose_article_slugs_are_cyrillic_escapes(tmp_path: Path) -> None:
    """``/news/<slug in windows-1251 escapes>.html`` linked from the home page alone, each
    also with its escapes in lower case: every window article, whole, once, at the URL the
    site spells (the slug's letters were U+FFFD, no slug, and the site had no article)."""
    shape = anysite.windows_1251_slugs_site()
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={
            "url": shape.url, "timezone": "Etc/GMT-3", **WINDOW})  # (it prints wall clocks)
    assert_gold_items(result, shape, "title", "text", "published")
    assert "%EC%EE%E3%E8%EB%E5%E2%F1%EA%EE%E9" in shape.golds[0].url  # "могилевской"
    assert not any(k.startswith("articles/failed") for k in result.stats), result.stats


def test_print_and_amp_copies_linked_beside_articles_make_no_second_item(tmp_path: Path) -> None:
    """A home page linking each article and its print copies (``?mode=print``, ``?view=print``,
    ``?printable=yes``, ``/print-version/…``, ``print.html``, Bitrix's ``&print=Y``: no
    canonical, each was an item of its own) and AMP copies (naming the article canonical):
    one item an article, at its own URL; no print copy fetched."""
    shape = anysite.copies_site()
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={
            "url": shape.url, "timezone": "Etc/GMT-3", **WINDOW})  # (it prints wall clocks)
    assert_gold_items(result, shape, "title", "text", "published")
    assert not [p for p in server.requested_paths(shape.site.host) if "print" in p.lower()]


def test_pages_dated_for_readers_only_today_yesterday_and_year_first(tmp_path: Path) -> None:
    """A run at 09:00 of 2026-01-07 (Minsk) of a site printing "Позавчера, 09:40",
    "пазаўчора ў 23.45", "2026.01.04 15:05" and "4 января 2026, 00:20" by its headlines, no
    machine date: the window's articles at the moments printed; those of "Вчера" and
    "Сегодня" outside it."""
    shape = anysite.relative_dates_site()
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={
            "url": shape.url, "timezone": "Etc/GMT-3", **WINDOW},
            env=faked(anysite.RELATIVE_NOW, "Europe/Berlin"))
    assert_gold_items(result, shape, "title", "text", "published")


def test_a_base_href_naming_the_sites_old_host_is_said_and_read_with_an_alias(
        tmp_path: Path) -> None:
    """The site moved, its template kept ``<base href="http://<old host>/">``: its relative
    links lead to the old host, which is not this site; the run says so (which host, how to
    read them: ``discovery/base_offsite``). With the old host among the row's ``aliases``,
    the window's articles are read on the site's host."""
    shape = anysite.base_href_site()
    site, old = shape.site, "staraya-cms-old.test"
    for path, page in list(site.pages.items()):
        site.add(path, Page(page.body.replace(f'<base href="http://{site.host}/ru/">'.encode(),
                                              f'<base href="http://{old}/ru/">'.encode())))
    with FixtureServer([site]) as server:
        result = run_crawl("site", tmp_path / "plain", server, args={"url": shape.url, **WINDOW})
        assert result.returncode == 0, result.log[-3000:]
        assert not result.items
        assert result.stats["discovery/base_offsite"] == 1
        assert (f"the page http://{site.host}/ names <base href=\"http://{old}/ru/\">, another "
                "host" in result.log)
        aliased = run_crawl("site", tmp_path / "aliased", server, args=WINDOW,
                            settings={"EXTRA_OUTLETS": [{"url": shape.url, "aliases": [old]}]})
    assert_gold_items(aliased, shape, "title", "text", "published")
    assert "discovery/base_offsite" not in aliased.stats


def test_a_home_page_list_sorted_oldest_first_is_walked_to_the_window(tmp_path: Path) -> None:
    """The home page's list shows the oldest articles first: its first pages all lie before
    the window, which must not end the walk (that rule holds for lists newest first); the
    walk reads on to the window's page and stops at the first page after the window."""
    shape = anysite.oldest_first_site()
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert_gold_items(result, shape, "title", "published")
    assert result.stats["discovery/listing_stop/newer_than_window"] == 1
    assert "/news/?page=7" not in server.requested_paths(shape.site.host)


def completeness_counts(result) -> dict[str, int]:
    """The run report's completeness counts of the crawled site, summed over days."""
    report = json.loads(sorted((result.data_dir / "reports").glob("*.json"))[-1].read_text(
        "utf-8"))
    counts: dict[str, int] = {}
    for days in report["completeness"]["by_day"].values():
        for day in days.values():
            for name, value in day.items():
                counts[name] = counts.get(name, 0) + (value if name != "completeness" else 0)
    return counts


def test_an_article_answering_under_the_other_spelling_only_is_read(tmp_path: Path) -> None:
    """The feed links the articles without their trailing slash and the site answers only
    with it (404 without): every 404, the zone samples' among them, sends for the other
    spelling, and each article is read there, dated in the site's zone; the run's
    completeness counts each once, none failed."""
    shape = anysite.feed_only_site()
    site = shape.site
    slashed = site.pages["/export/rss.xml"]
    site.add("/export/rss.xml", replace(slashed, body=slashed.body.replace(b"/</link>",
                                                                          b"</link>")))
    with FixtureServer([site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert_gold_items(result, shape, "title", "text", "published")
    assert result.stats.get("discovery/other_spelling_after_404", 0) >= len(shape.golds) - 2
    assert not [k for k in result.stats if k.startswith("articles/failed/")], result.stats
    assert "Article not fetched" not in result.log  # a 404 answered by the other spelling
    counts = completeness_counts(result)
    assert counts["failed"] == 0 and counts["extracted"] >= len(result.items), counts
    assert counts["discovered"] == counts["extracted"] + counts["not_article"], counts


@pytest.mark.parametrize(("label", "how"), [("m", "canonical"), ("m", "redirect"),
                                            ("touch", "canonical")])
def test_a_site_given_by_its_mobile_host_gives_the_items_of_its_main_host(
        tmp_path: Path, label: str, how: str) -> None:
    """``-a url=http://m.host/`` of a site whose mobile home page names the desktop one its
    canonical (or answers 301 to it): the run's items are the run given the main host's,
    the same ids, URLs and text (the corpus held each article twice, under two ids, and an
    edit on one was never matched with the other), and the articles are fetched there."""
    shape, mobile = anysite.mobile_edition_site(label, how)
    host = shape.site.host
    with FixtureServer([shape.site, mobile]) as server:
        main = run_crawl("site", tmp_path / "main", server, args={"url": shape.url, **WINDOW})
        served = len(server.requests)
        given = run_crawl("site", tmp_path / "mobile", server,
                          args={"url": f"http://{mobile.host}/", **WINDOW})
        mobile_articles = [u for u in server.requests[served:]
                           if "/novost-dnya-" in u and mobile.host in u]
    assert_gold_items(main, shape, "title", "text", "published")
    assert_gold_items(given, shape, "title", "text", "published")

    def fields(result) -> list[tuple]:
        return sorted((i["id"], i["url"], i["text"], i["source"]) for i in result.items)

    assert fields(given) == fields(main)
    assert {i["source"] for i in given.items} == {host}
    assert not mobile_articles, mobile_articles
    assert given.stats.get("discovery/mobile_edition") == 1
    assert f"is the mobile edition of http://{host}" in given.log


def test_a_mobile_host_naming_another_domain_canonical_stays_a_site_of_its_own(
        tmp_path: Path) -> None:
    """``-a url=http://m.host/`` whose pages name ``host.example`` (another registered
    domain) canonical: no evidence that it is ``host``'s edition, so it is not merged with
    ``host`` (the label alone proves nothing): its items carry its own host."""
    shape, mobile = anysite.mobile_edition_site("m", "foreign")
    with FixtureServer([shape.site, mobile]) as server:
        given = run_crawl("site", tmp_path, server,
                          args={"url": f"http://{mobile.host}/", **WINDOW})
    assert given.returncode == 0, given.log[-3000:]
    assert sorted(i["url"] for i in given.items) == sorted(
        g.url.replace("://", "://m.", 1) for g in shape.golds)
    assert "discovery/mobile_edition" not in given.stats


def test_a_mobile_site_stopped_after_its_move_resumes_at_its_main_host(tmp_path: Path) -> None:
    """``-a url=http://m.host/`` with JOBDIR, stopped (SIGTERM) once the site moved to its main
    host, then resumed: the frontier's requests name the main host's site, which the resumed
    session knows before any of them is answered (its mobile home page answers last here),
    so nothing raises, every article is found, under the ids a run given the main host
    makes."""
    shape, mobile = anysite.mobile_edition_site("m", "canonical")
    feed = shape.site.pages["/export/rss.xml"]
    shape.site.add("/export/rss.xml", replace(feed, delay=3.0))  # in flight at the stop
    job = {"JOBDIR": str(tmp_path / "job")}
    args = {"url": f"http://{mobile.host}/", **WINDOW}
    with FixtureServer([shape.site, mobile]) as server:
        main = run_crawl("site", tmp_path / "main", server, args={"url": shape.url, **WINDOW})
        proc = start_crawl("site", tmp_path / "given", server, args=args, settings=job)
        first_log = read_until(proc, "is the mobile edition of")
        proc.send_signal(signal.SIGTERM)
        first_log += proc.communicate(timeout=60)[1]
        first = read_items(tmp_path / "given" / "items-site.jsonl")
        shape.site.add("/export/rss.xml", feed)
        home = mobile.pages["/"]
        mobile.add("/", replace(home, delay=2.0))  # the frontier's requests answer first
        again = run_crawl("site", tmp_path / "given", server, args=args, settings=job)
    assert "Resuming crawl" in again.log, first_log[-3000:]
    assert again.returncode == 0, again.log[-3000:]
    assert "Traceback" not in again.log, again.log[-5000:]
    assert "spider_exceptions/count" not in again.stats, again.stats
    got = sorted((i["id"], i["url"], i["text"]) for i in first + again.items)
    assert got == sorted((i["id"], i["url"], i["text"]) for i in main.items)
    assert len(main.items) == len(shape.golds)


def _site_with_trap(host: str, trap_path: str, trap: Page | None = None) -> anysite.AnySite:
    """A site whose home page links its window's articles and, first, ``trap_path``; no feed,
    no sitemap, nothing printing the zone but the articles themselves (+03:00)."""
    site, zone, inside, _ = anysite._site(host, 3, 2500, "/news/{when:%Y/%m/%d}/novost-{n}.html",
                                          "og", [])
    links = [(f"http://{host}{trap_path}", "Хроника событий дня в районе"),
             *((g.url, g.title) for g in inside)]
    site.add("/", anysite.chrome(host, anysite.section_html(host, links)))
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow:\n", content_type="text/plain"))
    if trap is not None:
        site.add(trap_path, trap)
    return anysite.AnySite(site, f"http://{host}/", zone, inside)


def _every_link_sampled(tmp_path: Path, shape: anysite.AnySite):
    """The crawl of ``shape`` with every home link read as a zone sample (the trap among
    them): its gold articles come out, the zone learnt from them."""
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW},
                           settings={"SITE_ZONE_SAMPLES": len(shape.golds) + 1})
    assert_gold_items(result, shape, "title", "published")
    assert result.stats[f"discovery/{shape.site.host}/timezone"] == "Etc/GMT-3"
    return result


@pytest.mark.parametrize("zone_given", [True, False], ids=["zone_given", "zone_learnt"])
def test_a_chain_of_framesets_is_followed_a_few_frames_deep_and_the_crawl_ends(
        tmp_path: Path, zone_given: bool) -> None:
    """An article URL that is a frameset whose article frame is another frameset, and so on
    without end: framesets are followed MAX_FRAME_DEPTH deep, the one met there is not (said
    with its URL, counted), so discovery ends (as a zone sample) or the article phase does,
    and the site's good articles come out. (Every home link is sampled when the zone is
    learnt: the frameset's frame is sampled in its place, and so on to the same depth.)"""
    host = "frame-chain.test"
    chain = "/news/2026/01/05/khronika-{n}.html"

    def framed(target: str) -> Page | None:
        found = re.fullmatch(r"/news/2026/01/05/khronika-(\d+)\.html", target)
        if found is None:
            return None
        nxt = chain.format(n=int(found[1]) + 1)
        return Page(f'<html><head><title>Хроника</title></head><frameset cols="20%,80%">'
                    f'<frame name="menu" src="/menu.html"><frame name="main" src="{nxt}">'
                    "</frameset></html>".encode())

    shape = _site_with_trap(host, chain.format(n=0))
    shape.site.dynamic.append(framed)
    zone = {"timezone": "Etc/GMT-3"} if zone_given else {}
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **zone, **WINDOW},
                           settings={**TRAP_BOUND, "SITE_ZONE_SAMPLES": len(shape.golds) + 1})
    assert "closespider_pagecount" not in result.log
    assert_gold_items(result, shape, "title", "published")
    assert result.stats["articles/frameset_in_frame"] == 1
    assert result.stats["articles/frameset"] == MAX_FRAME_DEPTH
    requested = [p for p in server.requested_paths(host) if "khronika" in p]
    assert sorted(set(requested)) == [chain.format(n=n) for n in range(MAX_FRAME_DEPTH + 1)]
    assert (f"http://{host}{chain.format(n=MAX_FRAME_DEPTH)} is a frameset shown in the "
            f"frame of http://{host}{chain.format(n=MAX_FRAME_DEPTH - 1)}") in result.log
    if not zone_given:
        assert result.stats[f"discovery/{host}/timezone"] == "Etc/GMT-3"


def test_a_zone_sample_with_an_element_of_too_many_attributes_is_not_parsed(
        tmp_path: Path) -> None:
    """A page linked from the home page whose one ``<div>`` carries thousands of attributes
    (lxml checks them for duplicates in quadratic time, on the event loop for a zone sample):
    it is refused before parsing, said with its URL and the cap and counted, and the site's
    good articles come out (their zone learnt from the others)."""
    host = "crowded-tag.test"
    path = "/news/2026/01/05/atributy.html"
    crowded = " ".join(f'a{i}="{i}"' for i in range(limits.MAX_ATTRIBUTES * 3))
    page = anysite.chrome(host, f"<article><h1>Атрибуты</h1><div {crowded}>x</div></article>")
    result = _every_link_sampled(tmp_path, _site_with_trap(host, path, Page(page.encode())))
    assert result.stats["discovery/sample/over_cap"] == 1
    assert (f"http://{host}{path} was not read for its dates: an element with more than "
            f"{limits.MAX_ATTRIBUTES:,} attributes") in result.log


def test_pages_printing_no_date_take_their_feeds_date_zone_samples_too(tmp_path: Path) -> None:
    """The articles print no date; the feed gives each its ``pubDate``. The first pages read
    (the zone samples, asked for before the zone was known) were read without the feed's
    date: left out of the window run as undated, a later run leaving them out again.
    Re-extracted from the archive, they take the archived feed's date as the crawl did (they
    had none: ``published: null``)."""
    shape = anysite.feed_only_site()
    for gold in shape.golds:
        path = gold.url.removeprefix(shape.url.rstrip("/"))
        html = shape.site.pages[path].body.decode("utf-8")
        html = re.sub(r'<meta property="article:published_time"[^>]*>', "", html)
        html = re.sub(r'<div class="meta">[^<]*</div>', "", html)
        shape.site.add(path, html)
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert result.returncode == 0, result.log[-3000:]
    by_url = {item["url"]: item for item in result.items}
    assert sorted(by_url) == sorted(g.url for g in shape.golds)
    for gold in shape.golds:
        item = by_url[gold.url]
        assert datetime.fromisoformat(item["published"]) == gold.published, (gold.url, item["extractor"]["fields"])
        assert item["extractor"]["fields"]["published"] == "feed"
    again, _ = _reextracted(result.data_dir, {"url": shape.url}, tmp_path / "again.jsonl")
    crawled = {item["id"]: item for item in result.items}
    assert {key: again.pop(key, None) for key in crawled} == crawled
    # the other page the window run read (to learn the zone) is dated outside the window
    assert again and all(not WINDOW["since"] <= item["published"][:10] <= WINDOW["until"]
                         for item in again.values())


def test_a_zone_sample_that_is_a_soft_404_is_no_article(tmp_path: Path) -> None:
    """The site answers every address with its "not found" page and status 200. A page read
    early to learn the zone skipped the checks an article's answer passes: it came out as an
    article titled "Ошибка 404" (the same page read later as an article was caught)."""
    host = "soft-404.test"
    path = "/news/2026/01/05/udalena.html"
    gone = Page(anysite.chrome(
        host, "<h1>Ошибка 404</h1><p>К сожалению, запрашиваемая вами страница не найдена. "
              "Возможно, она была удалена или перемещена. Воспользуйтесь поиском или "
              "перейдите на главную страницу сайта.</p>", title="Страница не найдена").encode())
    shape = _site_with_trap(host, path, gone)
    shape.site.dynamic.append(lambda target: gone)  # every other address: the same page
    assert _every_link_sampled(tmp_path, shape).stats["articles/soft_404_unexported"] == 1


def test_a_zone_sample_redirected_to_the_home_page_is_a_failed_fetch(tmp_path: Path) -> None:
    """Dropped as "no article from /" at INFO, where an article request's redirect to no
    article is counted and said (and, for a known article, recorded as removed)."""
    host = "moved-home.test"
    path = "/news/2026/01/05/perenesena.html"
    result = _every_link_sampled(tmp_path, _site_with_trap(
        host, path, Page(b"", status=301, headers=[("Location", f"http://{host}/")])))
    assert result.stats["articles/failed/redirected_to_non_article"] == 1
    assert f"redirected to a page that is no article: http://{host}{path}" in result.log


def test_reextract_learns_the_zone_a_crawl_learnt_from_the_sites_feed(tmp_path: Path) -> None:
    """The pages print wall-clock times only ("05.01.2026 14:00"); the feed's dates carry
    +03:00, which the crawl read the zone from. Re-extracting its archive with the row it
    was given (no zone) read those times as UTC: every item three hours off the crawl's."""
    from tests.sites.common import html_paragraphs

    host = "wall-clock.test"
    site = VirtualSite(host)
    stamps = [datetime(2026, 1, 5, 9 + n, 0) for n in range(3)]
    urls = [f"http://{host}/news/{500 + n}.html" for n in range(3)]
    for n, (url, when) in enumerate(zip(urls, stamps, strict=True)):
        body = (f"<article><h1>{title_for(900 + n)}</h1><div class='meta'>"
                f"{when:%d.%m.%Y %H:%M}</div>{html_paragraphs(paragraphs_for(900 + n))}"
                "</article>")
        site.add(urlsplit(url).path, anysite.chrome(host, body, "", title_for(900 + n)))
    items = "".join(f"<item><title>{title_for(900 + n)}</title><link>{url}</link><pubDate>"
                    f"{when:%a, %d %b %Y %H:%M:%S} +0300</pubDate></item>"
                    for n, (url, when) in enumerate(zip(urls, stamps, strict=True)))
    site.add("/rss.xml", Page(f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0">'
                              f"<channel><title>W</title>{items}</channel></rss>".encode(),
                              content_type="application/rss+xml"))
    site.add("/", anysite.chrome(host, "<p>Новости</p>", '<link rel="alternate" '
                                 'type="application/rss+xml" href="/rss.xml">'))
    with FixtureServer([site]) as server:
        live = run_crawl("site", tmp_path, server, args={"url": f"http://{host}/"})
    assert live.returncode == 0, live.log[-3000:]
    assert sorted(i["published"] for i in live.items) == [
        f"{when:%Y-%m-%dT%H:%M:%S}+03:00" for when in stamps]
    again, proc = _reextracted(live.data_dir, {"url": f"http://{host}/"},
                               tmp_path / "again.jsonl")
    assert {i["id"]: i for i in live.items} == again
    assert f"http://{host}/: time zone Etc/GMT-3 (learnt from the archive" in proc.stderr


# How the canonical an alias names fails: at another path (404, or robots.txt keeps the crawl
# from it), or at the alias's own path less its trailing slash, which answers 404 or 410 or
# sends back to the alias (a URL the run fetched already)
CANONICAL_FAILURES = ["404", "robots", "slash_404", "slash_410", "slash_redirect"]


@pytest.mark.parametrize("why", CANONICAL_FAILURES)
def test_an_alias_whose_canonical_cannot_be_fetched_is_the_article(tmp_path: Path,
                                                                   why: str) -> None:
    """Each article (an AMP-style copy) names a page that answers 404, or that robots.txt
    keeps the crawl from, as its canonical: the copy's text was fetched and no item came of
    it. The copy is read as the article, and re-extraction of the archive agrees. A canonical
    that is the copy's own URL less its trailing slash was asked for under its other
    spelling, the copy's: that request was dropped as a duplicate, and the article lost."""
    shape = anysite.feed_only_site()
    host = f"http://{shape.site.host}"
    for gold in shape.golds:
        path = gold.url.removeprefix(host)
        canonical = path.rstrip("/") if why.startswith("slash") else f"/desktop{path}"
        page = shape.site.pages[path]
        shape.site.add(path, replace(page, body=page.body.replace(
            b"</head>", f'<link rel="canonical" href="{canonical}"></head>'.encode())))
        if why == "slash_410":
            shape.site.add(canonical, Page(b"<html><body>Gone</body></html>", status=410))
        elif why == "slash_redirect":
            shape.site.add(canonical, Page(b"", status=301, headers=[("Location", gold.url)]))
        elif why == "robots":  # there, and never fetched
            shape.site.add(canonical, shape.site.pages[path])
    if why == "robots":
        shape.site.add("/robots.txt", Page(b"User-agent: *\nDisallow: /desktop/\n",
                                           content_type="text/plain"))
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert_gold_items(result, shape, "title", "text", "published")
    if why != "slash_redirect":  # (there the canonical's answer is the copy: the article)
        assert result.stats.get("articles/alias_read_for_its_canonical", 0) >= len(shape.golds)
    again, _ = _reextracted(result.data_dir, {"url": shape.url, "timezone": "Etc/GMT-5"},
                            tmp_path / "again.jsonl")
    by_url = {i["url"]: i for i in again.values()}
    assert all(by_url[item["url"]]["text"] == item["text"] for item in result.items)


# What an article page's canonical, another article URL of the site, turns out to be: the page
# of another story (two pages whose template copied the first one's canonical), a listing
# answered 200; two articles naming each other; or (one item) the same story at another URL:
# an old slug's page, the same article with its headline edited since, an AMP copy
CANONICAL_SHAPES = ["another_story", "no_article", "each_other", "old_slug", "headline_edited",
                    "amp_copy"]


@pytest.mark.parametrize("shape_name", CANONICAL_SHAPES)
def test_an_alias_is_read_when_its_canonical_tells_another_story(tmp_path: Path,
                                                                 shape_name: str) -> None:
    """A page naming another article page of its site as its canonical is an alias, the
    canonical the item, when the canonical is its story. When the canonical tells another
    story (another headline, no paragraph shared) or is no article, the alias's story was
    lost, an INFO line its only trace: it is read as an article of its own, counted, and a
    copied canonical is warned about once a site, with both URLs."""
    shape = anysite.feed_only_site()
    host = f"http://{shape.site.host}"
    first, *others = shape.golds
    canonical = f'<link rel="canonical" href="{first.url}">'
    def with_canonical(path: str, link: str = canonical) -> Page:
        page = shape.site.pages[path]
        return replace(page, body=page.body.replace(b"</head>", f"{link}</head>".encode()))

    first_path = first.url.removeprefix(host)
    extra: list[str] = []  # the same story's other URLs, linked from the home page
    if shape_name == "another_story":
        for gold in others[:2]:
            shape.site.add(gold.url.removeprefix(host), with_canonical(gold.url.removeprefix(
                host)))
    elif shape_name == "each_other":  # (each deferred to the other: both were lost)
        second = others[0].url.removeprefix(host)
        shape.site.add(first_path, with_canonical(first_path, f'<link rel="canonical" '
                                                              f'href="{others[0].url}">'))
        shape.site.add(second, with_canonical(second))
    elif shape_name == "no_article":
        listing = f"{first_path}vse-novosti-razdela-dnya/"
        shape.site.add(listing, anysite.chrome(shape.site.host, anysite.section_html(
            shape.site.host, [(g.url, g.title) for g in shape.golds])))
        path = others[0].url.removeprefix(host)
        shape.site.add(path, with_canonical(path, f'<link rel="canonical" href="{listing}">'))
    else:
        alias = {"amp_copy": f"{first_path}amp/"}.get(
            shape_name, first_path.replace("novost-dnya-nomer", "staraya-novost-nomer"))
        page = with_canonical(first_path)
        if shape_name == "headline_edited":
            page = replace(page, body=page.body.replace(
                escape(first.title).encode(), "Прежний заголовок этой же новости".encode()))
        shape.site.add(alias, page)
        extra.append(f"{host}{alias}")
    home = shape.site.pages["/"]
    links = "".join(f'<p><a href="{url}">{first.title}</a></p>' for url in extra)
    shape.site.add("/", replace(home, body=home.body.replace(b"</body>",
                                                             f"{links}</body>".encode())))
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
        requested = server.requested_paths(shape.site.host)
    assert_gold_items(result, shape, "title", "text", "published")
    assert all(urlsplit(url).path in requested for url in extra)  # fetched, no item
    read_another = result.stats.get("articles/canonical_names_another", 0)
    warned = [line for line in result.log.splitlines()
              if "WARNING" in line and "a page of another story" in line]
    if shape_name == "another_story":
        assert read_another == 2 and len(warned) == 1, warned
        assert others[0].url in warned[0] or others[1].url in warned[0]
        assert first.url in warned[0]
    elif shape_name == "each_other":
        assert result.stats.get("articles/canonical_loop") == 1 and read_another == 1
    else:
        assert not read_another and not warned, warned
    read_for_none = result.stats.get("articles/alias_read_for_its_canonical", 0)
    assert read_for_none == (shape_name == "no_article")
    assert result.stats.get("articles/alias_of_canonical", 0) >= 1


@pytest.mark.parametrize("form", anysite.BUILD_TIME_FORMS)
def test_a_source_dated_by_its_build_time_is_not_trusted_for_the_window(tmp_path: Path,
                                                                         form: str) -> None:
    """A feed or news sitemap dating its entries by when it was built (one instant for all,
    or minutes apart) while the pages print their real dates: trusted, its dates put every
    entry out of the window but the few read early for the zone (exit 0, no word). Its
    dates are dropped for the window, its entries fetched and dated by their pages, and
    that is said."""
    shape = anysite.build_time_dates_site(form)
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert_gold_items(result, shape, "title", "published")
    channel = form.split("_")[0] if form.startswith("feed") else "news_sitemap"
    assert result.stats[f"discovery/{channel}/dates_untrusted"] == 1
    said = re.search(r"are not its articles' publication dates \(.*\): the (\d+) entries it "
                     r"dated are dated by their pages \((\d+) of them", result.log)
    assert said and int(said[1]) >= int(said[2]) >= 1, said


def test_a_window_discovery_never_reached_alarms(tmp_path: Path) -> None:
    """The home page lists the newest articles, all after the window, and a script's "Показать
    ещё" button with no address: nothing leads further back. The run found none of the
    window's articles and ended healthy (exit 0), its export warning saying articles already
    exported were skipped in a fresh data folder; it alarms, saying discovery never reached
    the window."""
    shape = anysite.worded_pager_site("load_more")
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert result.returncode == 1 and not result.items
    report = json.loads(sorted((result.data_dir / "reports").glob("*.json"))[-1].read_text(
        "utf-8"))
    assert any("discovery never reached the window" in alarm for alarm in report["alarms"])
    assert result.stats["discovery/window_unreached/" + urlsplit(shape.url).hostname] \
        > WINDOW["since"]
    assert "already exported were skipped" not in result.log
    assert "skipped no article as already exported" in result.log


@pytest.mark.parametrize("form", ["start", "offset", "folder"])
def test_a_home_page_list_paged_by_its_words_is_walked_for_the_window(tmp_path: Path,
                                                                      form: str) -> None:
    """A list whose next page only its link's words tell (Joomla's "Следующая" to
    ``?start=6``, "« Предыдущие новости" to ``?offset=6``, "Далее" to ``/news/2/``): page 1
    only was read, the window's articles never found (0 items, healthy)."""
    shape = anysite.worded_pager_site(form)
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert_gold_items(result, shape, "published")
    assert "discovery/window_unreached/" + urlsplit(shape.url).hostname not in result.stats


def test_zone_samples_that_are_dead_links_give_their_place_to_the_next(tmp_path: Path) -> None:
    """The feed lists first three links answering 404 (under either spelling), then the
    articles, whose pages print a +03:00 wall time for the feed's GMT dates. The three zone
    samples were the dead links: no page voted, the site was read in UTC, every item's time
    3 hours off and the window's first article (00:20, 21:20 GMT the day before) never asked
    for. A dead sample frees its slot for the next candidate; the replay of the run's archive
    asks the same pages and gives the same items."""
    shape = anysite.dead_links_site([None] * 3)
    with FixtureServer([shape.site]) as server:
        live = run_crawl("site", tmp_path / "live", server, args={"url": shape.url, **WINDOW})
    assert_gold_items(live, shape, "title", "published")
    assert live.stats[f"discovery/{shape.site.host}/timezone"] == "Etc/GMT-3"
    assert live.stats["discovery/sample/failed"] == 3
    assert live.stats["discovery/sample/replaced"] == 3
    assert f"the zone sample http://{shape.site.host}/news/propala-0.html gave no article " \
           "page (http_404)" in live.log
    replay = run_crawl("site", tmp_path / "replay", None, env=NO_NETWORK,
                       args={"url": shape.url, **WINDOW},
                       settings={"WARC_REPLAY": str(live.data_dir / "warc")})
    assert replay.returncode == 0, replay.log[-3000:]
    assert "replay/missing" not in replay.stats, replay.stats.get("replay/missing_urls")
    assert {i["id"]: i for i in replay.items} == {i["id"]: i for i in live.items}
    assert [replay.stats.get(f"discovery/sample/{k}") for k in ("failed", "replaced")] == [3, 3]


def test_zone_samples_answered_with_the_sites_not_found_page_give_their_place(
        tmp_path: Path) -> None:
    """The feed's first three links answer 200 with the site's "not found" page, as a CMS
    serves it (its frame, the title "Страница не найдена", the heading "Ошибка 404", a line
    of advice); then come the articles, whose pages print a +03:00 wall time for the feed's
    GMT dates. A soft 404 was taken for an article page: it kept its slot and voted for
    nothing, the site was read in UTC, every item 3 hours off. Now it frees its slot as a
    404 does, counted in discovery/sample/failed, and no item is made of it."""
    host = "dead-links.test"
    notice = anysite.chrome(
        host, "<h1>Ошибка 404</h1><p>К сожалению, запрашиваемая вами страница не найдена. "
        'Возможно, она была удалена или перемещена. Перейдите на <a href="/">главную '
        "страницу</a> или воспользуйтесь поиском.</p>",
        title=f"Страница не найдена — {host}")
    shape = anysite.dead_links_site([Page(notice.encode())] * 3)
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert_gold_items(result, shape, "title", "published")
    assert result.stats[f"discovery/{shape.site.host}/timezone"] == "Etc/GMT-3"
    assert result.stats["discovery/sample/failed"] == 3
    assert result.stats["discovery/sample/replaced"] == 3
    assert f"the zone sample http://{host}/news/propala-0.html gave no article page " \
           "(soft-404, Ошибка 404)" in result.log, result.log[-3000:]


def test_a_resumed_run_asks_the_zone_samples_the_stopped_one_did(tmp_path: Path) -> None:
    """The run stops (JOBDIR) while the pages asked in place of the dead links are out; the
    resumed run's discovery asks the same pages in their place: they are chosen from its
    candidates, not by the order the dead links' answers came in."""
    shape = anysite.dead_links_site([None] * 3)
    site, slow = shape.site, {}
    for gold in shape.golds:
        path = urlsplit(gold.url).path
        slow[path] = site.pages[path]
        site.add(path, replace(slow[path], delay=4.0))
    job = {"JOBDIR": str(tmp_path / "job")}
    args = {"url": shape.url, **WINDOW}
    with FixtureServer([site]) as server:
        first = run_crawl("site", tmp_path / "a", server, args=args,
                          settings={**job, "CLOSESPIDER_TIMEOUT": 2})
        site.pages.update(slow)
        again = run_crawl("site", tmp_path / "b", server, args=args, settings=job)

    def in_place(log: str) -> list[str]:
        return sorted(re.findall(r"gave no article page \(http_404\): (\S+) asked in its "
                                 "place", log))

    assert in_place(first.log) == sorted(g.url for g in shape.golds[:3]), first.log[-3000:]
    assert "closespider_timeout" in first.log and "Resuming crawl" in again.log
    assert again.returncode == 0 and "Traceback" not in again.log, again.log[-3000:]
    assert in_place(again.log) == in_place(first.log)


def test_a_site_whose_every_zone_sample_fails_asks_a_bounded_few(tmp_path: Path) -> None:
    """Every link of the feed is no article page: a challenge page and a PDF (answered 200),
    a redirect to a 404, a 410, a 503, 404s. Each failed zone sample gives its place to the
    next link, up to 3 times SITE_ZONE_SAMPLES asked in all; then none is (said, counted):
    discovery ends, each link is asked for once (twice for a 503's retry or, after a 404 or
    410, under the other spelling), and the crawl ends."""
    from tests.sites.belta import CHALLENGE_PAGE

    dead = [Page(CHALLENGE_PAGE.encode()),
            Page(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", content_type="application/pdf"),
            Page(b"", status=301, headers=[("Location", "/news/net-takoj.html")]),
            Page(b"Gone", status=410, content_type="text/plain"),
            Page(b"Busy", status=503, content_type="text/plain"),
            *[None] * 7]
    shape = anysite.dead_links_site(dead, articles=False)
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW},
                           settings={"RETRY_BACKOFF_BASE": 0.1})
        asked = Counter(p.rstrip("/") for p in server.requested_paths(shape.site.host)
                        if p.startswith("/news/propala-"))
    assert "Traceback" not in result.log, result.log[-5000:]
    assert result.stats["discovery/sample/failed"] == 3 * 3  # SITE_ZONE_SAMPLES: 3
    assert result.stats["discovery/sample/replaced"] == 3 * 3 - 3
    assert result.stats["discovery/sample/tries_spent"] == 1
    assert "none of the 9 zone samples asked was an article page" in result.log
    assert sorted(asked) == sorted(f"/news/propala-{n}.html" for n in range(len(dead)))
    assert max(asked.values()) <= 2, asked
    assert result.stats[f"discovery/{shape.site.host}/timezone"] == "UTC"


STOP_WITHIN = 300  # seconds a stopped crawl may take to get where it is stopped (a loaded
# machine's niced extraction worker took 60 s for its first item), and a held page waits


def stopped_crawl(server: FixtureServer, data_dir: Path, args: dict[str, str],
                  settings: dict, ready: Callable[[], bool], kept: str = "Kept ",
                  held: tuple[VirtualSite, set[str]] | None = None) -> str:
    """A ``site`` crawl stopped by SIGTERM once ``ready()`` holds, with requests kept in its
    frontier (``kept``: what it says of them; a distributed worker's: ``Returned ``); its
    log. ``held``: a site and the paths it answers only once the crawl has ended, so they are
    still out when the grace ends however late the stop comes (a 30 s delay ran out, and
    DOWNLOAD_TIMEOUT cut it short, when a loaded machine's stop came 48 s in)."""
    ended = threading.Event()
    if held is not None:
        site, paths = held

        def hold(target: str, cookie: str) -> None:
            if target in paths:
                ended.wait(STOP_WITHIN)

        site.gate = hold
    try:
        proc = start_crawl("site", data_dir, server, args=args,
                           settings={"DOWNLOAD_TIMEOUT": STOP_WITHIN, **settings})
        deadline = time.monotonic() + STOP_WITHIN
        while not ready():
            assert proc.poll() is None, \
                f"crawl ended before the stop: {proc.stderr.read()[-3000:]}"
            assert time.monotonic() < deadline, "the crawl never got where it is stopped"
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        log = proc.communicate(timeout=60)[1]
    finally:
        ended.set()
        if held is not None:
            held[0].gate = None
    assert proc.returncode == 3 and kept in log, log[-3000:]
    return log


def feed_after(site: VirtualSite, server: FixtureServer, paths: set[str], feed: Page,
               within: float = 30) -> None:
    """The site's /rss.xml answers ``feed`` only once each of ``paths`` was answered (or
    ``within`` seconds passed): a resumed session's frontier articles come before its
    discovery settles the zone, whatever the machine's load (a feed 2 s slow left them a
    second under load)."""
    since = len(server.served)

    def feed_last(target: str, cookie: str) -> Page | None:
        if target != "/rss.xml":
            return None
        ends = time.monotonic() + within
        while not paths <= {urlsplit(s.url).path for s in server.served[since:]} \
                and time.monotonic() < ends:
            time.sleep(0.05)
        return feed

    site.gate = feed_last


def site_items(data_dir: Path) -> list[dict]:
    """The items of every run of ``site`` in DATA_DIR/items, oldest run first."""
    return [item for path in sorted((data_dir / "items").glob("site-*.jsonl"))
            for item in read_items(path)]


def held_articles_site() -> tuple[anysite.AnySite, GoldArticle, list[GoldArticle], set[str],
                                  Page]:
    """The site of the held-article tests: its shape, the zone sample (SITE_ZONE_SAMPLES=1:
    the feed's first in the window), the other articles, their paths, its feed."""
    shape = anysite.dead_links_site([])
    sample, *rest = shape.golds
    return (shape, sample, rest, {urlsplit(g.url).path for g in rest},
            shape.site.pages["/rss.xml"])


def stop_before_and_after_release(server: FixtureServer, site: VirtualSite, data_dir: Path,
                                  args: dict[str, str], settings: dict, paths: set[str],
                                  kept: str = "Kept ") -> str:
    """The first two sessions of a held-article test: the first stopped once its release
    asked for the articles at ``paths`` (held: still out when the grace ends, so the run's
    frontier keeps them) and the sample's item is out; the second stopped before its release
    (its feed held), once it asked for them again. The second's log."""
    stopped_crawl(server, data_dir, args, settings, lambda: bool(
        paths & set(server.requested_paths(site.host))
        and exported_so_far(data_dir, "site-*.jsonl")), kept=kept, held=(site, paths))
    before = len(server.requests)
    return stopped_crawl(server, data_dir, args, settings, lambda: paths <= {
        urlsplit(url).path for url in server.requests[before:]}, kept=kept,
        held=(site, {"/rss.xml"}))


def test_a_run_resumed_after_its_release_reads_the_frontiers_articles_in_the_zone_learnt(
        tmp_path: Path) -> None:
    """Stopped (SIGTERM) once discovery released the article requests, with them left in the
    JOBDIR frontier; resumed with its feed slow, so those articles answer before the resumed
    session's discovery settled the zone again. Their pages print the wall time alone
    (+03:00): read at once, they came out in UTC. They are held and read at the release, in
    the zone learnt. A session stopped before its release keeps them in the frontier for the
    next; the zone sample the first session exported is asked again for its vote, and the
    state store drops it (unchanged): no article is exported twice."""
    shape, sample, rest, paths, feed = held_articles_site()
    site = shape.site
    settings = {"JOBDIR": str(tmp_path / "job"), "SITE_ZONE_SAMPLES": 1,
                "SHUTDOWN_GRACE_SECONDS": 2}
    args = {"url": shape.url, **WINDOW}
    with FixtureServer([site]) as server:
        held_log = stop_before_and_after_release(server, site, tmp_path, args, settings, paths)
        feed_after(site, server, paths, feed)  # the frontier's articles answer first
        again = run_crawl("site", tmp_path, server, args=args, settings=settings)
    assert again.returncode == 0 and "Traceback" not in again.log, again.log[-3000:]
    items = site_items(tmp_path)
    assert {item["url"]: item["published"] for item in items} == {
        g.url: g.published.isoformat(timespec="seconds") for g in shape.golds}
    urls = [item["url"] for item in items]
    assert sorted(urls) == sorted(g.url for g in shape.golds), urls  # each once
    assert urls[0] == sample.url
    assert f"{len(rest)} article pages held until discovery settled" in held_log, held_log[-3000:]
    assert "Resuming crawl" in again.log and again.stats["articles/held"] == len(rest)
    assert again.stats["incremental/unchanged"] == 1  # the sample, asked again for its vote


def test_a_distributed_worker_stopped_before_its_release_leaves_its_held_articles_to_the_next(
        redis_server: RedisServer, tmp_path: Path) -> None:  # noqa: F811
    """The Redis case of the test above. Worker 1 is stopped (SIGTERM) once its release sent
    the article requests to the shared queue; worker 2 joins the run with the feed slow, so
    those articles answer before its discovery settled the zone, and is stopped before its
    release. The held requests were released as finished: no worker asked for them again
    (the run's dupefilter had seen them), the articles were lost for the run. Their leases
    are kept and go back to the shared queue; worker 3 holds them again and reads them at
    its release, in the zone learnt, and their kept leases then go as any finished one's:
    fetched once, and the run ends."""
    shape, sample, rest, paths, feed = held_articles_site()
    site = shape.site
    settings = {"REDIS_URL": redis_server.url, "REDIS_IDLE_CLOSE_SECONDS": 3,
                "REDIS_HEARTBEAT_SECONDS": 0.5, "REDIS_WORKER_TTL": 10,
                "SITE_ZONE_SAMPLES": 1, "SHUTDOWN_GRACE_SECONDS": 2}
    args = {"url": shape.url, **WINDOW}
    with FixtureServer([site]) as server:
        held_log = stop_before_and_after_release(server, site, tmp_path, args, settings, paths,
                                                 kept="Returned ")
        feed_after(site, server, paths, feed)  # the queue's articles answer first
        mark = len(server.requests)
        again = run_crawl("site", tmp_path, server, args=args, settings=settings)
        fetched = Counter(urlsplit(url).path for url in server.requests[mark:])
    assert again.returncode == 0 and "Traceback" not in again.log, again.log[-3000:]
    assert f"{len(rest)} article pages held until discovery settled" in held_log, held_log[-3000:]
    items = site_items(tmp_path)
    assert {item["url"]: item["published"] for item in items} == {
        g.url: g.published.isoformat(timespec="seconds") for g in shape.golds}, again.log[-3000:]
    urls = [item["url"] for item in items]
    assert sorted(urls) == sorted(g.url for g in shape.golds), urls  # each once
    assert again.stats["articles/held"] == len(rest)
    assert {path: fetched[path] for path in paths} == dict.fromkeys(paths, 1)  # not again
    assert "Shared frontier of run 1 empty" in again.log, again.log[-3000:]
    assert "distributed/stale_leases_requeued" not in again.stats
    assert redis_server.client.keys("site:1:inflight:*") == []


def test_pages_dated_by_a_template_date_inside_the_window_are_exported_redated(
        tmp_path: Path) -> None:
    """The template's machine date falls inside the window (the zone given: no samples, so
    it is found among the pages extracted): the first pages' items went out with it; asked
    again, each comes out once more with its printed date, version 2, ``change: "redated"``
    (the text unchanged: it was dropped as unchanged before)."""
    host = "shablon-okno.test"
    site, _zone, inside, _outside = anysite._site(host, 3, 1200, "/news/{n}-novost/",
                                                  "template_in_window", [])
    site.add("/", anysite.chrome(host, anysite.section_html(
        host, [(g.url, g.title) for g in inside])))
    with FixtureServer([site]) as server:
        result = run_crawl("site", tmp_path, server,
                           args={"url": f"http://{host}/", "timezone": "Etc/GMT-3",
                                 "since": "2026-01-02", "until": anysite.UNTIL.isoformat()})
    assert result.returncode == 0, result.log[-3000:]
    latest: dict[str, dict] = {}
    for item in sorted(result.items, key=lambda i: i["version"]):
        latest[item["url"]] = item
    assert {url: item["published"] for url, item in latest.items()} == {
        g.url: g.published.isoformat(timespec="seconds") for g in inside}
    first = [i for i in result.items if i["published"] == anysite.TEMPLATE_DATE_IN_WINDOW]
    assert first, "no page was extracted before the template's date was found"
    again = {i["url"]: i for i in result.items if i["version"] == 2}
    assert set(again) == {i["url"] for i in first}
    assert {i["change"] for i in again.values()} == {"redated"}
    assert result.stats["incremental/redated"] == len(first)


def test_articles_whose_first_path_segment_holds_a_colon_are_fetched_on_the_site(
        tmp_path: Path) -> None:
    """Feed links ``/news:1850/``: the article's fetch URL was joined as ``news:1850/`` (a
    URL of scheme "news", read so by urljoin), never the site's page; now every article is
    asked of the site at its own path and makes its item."""
    shape = anysite.colon_paths_site()
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert_gold_items(result, shape, "title", "published")
    paths = server.requested_paths(shape.site.host)
    assert {urlsplit(g.url).path for g in shape.golds} <= set(paths)


@pytest.mark.parametrize("zone_given", [True, False], ids=["zone_given", "zone_learnt"])
def test_a_template_machine_date_on_every_page_gives_way_to_the_printed_dates(
        tmp_path: Path, zone_given: bool) -> None:
    """A template writing one machine date (its build date, before the window) into every
    article page, each printing its own date: the articles are dated by what they print, the
    template's date said and counted. Learnt from the zone samples, or (the zone given: no
    samples) from the pages extracted, those it dated already asked for again."""
    host = "shablon-vesti.test"
    site, _zone, inside, _outside = anysite._site(host, 3, 1200, "/news/{n}-novost/",
                                                  "template", [])
    assert len(inside) >= 4
    result = _crawl_from_home(tmp_path, site, inside,
                              {"timezone": "Etc/GMT-3"} if zone_given else {})
    assert _published_of(result) == _as_printed(inside)
    assert result.stats["discovery/template_date"] == 1
    warned = [line for line in result.log.splitlines()
              if "WARNING" in line and anysite.TEMPLATE_DATE in line]
    assert len(warned) == 1 and host in warned[0], result.log[-3000:]


def test_a_feed_with_a_byte_its_declared_charset_leaves_undefined_gives_every_article(
        tmp_path: Path) -> None:
    """The feed of a feed-only site, declared windows-1251, with byte 0x98 (undefined there)
    in its channel title: libxml2 stopped at it, none of the items was read and nothing was
    said; only the two articles the home page links were found. Every item is read now."""
    shape = anysite.feed_only_site()
    feed = shape.site.pages["/export/rss.xml"]
    text = feed.body.decode("utf-8").replace('encoding="utf-8"', 'encoding="windows-1251"')
    head, tail = text.split("</title>", 1)
    body = head.encode("cp1251") + b" \x98</title>" + tail.encode("cp1251")
    shape.site.add("/export/rss.xml", replace(feed, body=body,
                                              content_type="application/rss+xml"))
    with FixtureServer([shape.site]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
    assert_gold_items(result, shape, "title", "published")
    assert "could not be read" not in result.log
