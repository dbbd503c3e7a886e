"""Discovery bounds against hostile sites, each crawled by a real ``scrapy crawl`` process:
sitemap indexes without end and a flood of feed items (the ``regional`` spider had no bound
for either), and sitemap, feed and page URLs naming the crawler's own network (the ``site``
spider fetched and archived them: SSRF)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from tests.e2e.test_any_site import WINDOW, assert_gold_items
from tests.e2e.test_district_hostile import GOLK, PUBLISHED, PVESTNIK, article, listing
from tests.sites import anysite
from tests.sites.common import paragraphs_for, rss, title_for
from tests.support.crawl import run_crawl
from tests.support.server import FixtureServer, Page, VirtualSite

pytestmark = pytest.mark.slow

DAY = {"since": "2025-09-12", "until": "2025-09-12"}
XML = "application/xml"


def index_of(host: str, paths: list[str]) -> Page:
    rows = "".join(f"<sitemap><loc>https://{host}{p}</loc></sitemap>" for p in paths)
    return Page(('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/'
                 f'sitemap/0.9">{rows}</sitemapindex>').encode(), content_type=XML)


def test_a_district_sitemap_tree_without_end_is_read_within_the_sitemap_bounds(tmp_path
                                                                               ) -> None:
    """Every index lists twenty new indexes (the regional spider followed 1,248 in 90 s, said
    nothing): SITE_MAX_SITEMAPS sitemaps at most are asked for the site, SITE_SITEMAP_DEPTH
    levels at most, and each stop is counted and names the index. The article its first
    urlset lists is read."""
    path = "/dozhinki-v-rayone.html"
    site = VirtualSite(GOLK)
    site.add(path, article(title_for(5), paragraphs_for(5)))
    site.add("/urls.xml", Page(('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/'
                                f'schemas/sitemap/0.9"><url><loc>https://{GOLK}{path}</loc>'
                                "</url></urlset>").encode(), content_type=XML))

    def tree(target: str) -> Page | None:
        found = re.fullmatch(r"/(?:sitemap|sm/(\d+))\.xml", target)
        if found is None:
            return None
        k = int(found.group(1) or 0)
        return index_of(GOLK, [*(["/urls.xml"] if k == 0 else []),
                               *(f"/sm/{k * 20 + i}.xml" for i in range(1, 21))])

    site.add("/feed", Page(rss("x", f"https://{GOLK}/", [
        (title_for(5), f"https://{GOLK}{path}", PUBLISHED, "")]).encode(),
        content_type="application/rss+xml"))  # the row's feed: no source gone
    site.dynamic.append(tree)
    with FixtureServer([site]) as server:
        result = run_crawl("regional", tmp_path, server, args={"sites": GOLK, **DAY},
                           settings={"SITE_MAX_SITEMAPS": 30}, timeout=120)
        maps = [p for p in server.requested_paths(GOLK) if p.endswith(".xml")]
    assert result.returncode == 0, result.log[-3000:]
    assert [i["url"] for i in result.items] == [f"https://{GOLK}{path}"], result.log[-3000:]
    assert len(maps) == len(set(maps)) == 30  # the row's sitemap and 29 children
    assert result.stats["discovery/sitemap_over_limit"] > 0
    # which index meets the bound first depends on the order the answers come in
    assert re.search(rf"golk\.by: SITE_MAX_SITEMAPS=30 reached: \d+ of the sitemaps http://"
                     rf"{re.escape(GOLK)}/sm/\d+\.xml lists not fetched \(those least likely to "
                     r"hold the window's articles\) \(counted in discovery/sitemap_over_limit\)",
                     result.log)


def test_a_district_sitemap_chain_stops_at_the_depth_bound(tmp_path) -> None:
    """Each index lists one new index: SITE_SITEMAP_DEPTH=2 follows two levels below the
    row's sitemap, then counts and names the index whose children are left."""
    site = VirtualSite(GOLK)

    def chain(target: str) -> Page | None:
        found = re.fullmatch(r"/(?:sitemap|sm/(\d+))\.xml", target)
        k = int(found.group(1) or 0) if found else None
        return None if k is None else index_of(GOLK, [f"/sm/{k + 1}.xml"])

    site.dynamic.append(chain)
    with FixtureServer([site]) as server:
        result = run_crawl("regional", tmp_path, server, args={"sites": GOLK, **DAY},
                           settings={"SITE_SITEMAP_DEPTH": 2}, timeout=120)
        maps = [p for p in server.requested_paths(GOLK) if p.endswith(".xml")]
    assert "Spider closed (finished)" in result.log, result.log[-3000:]
    assert maps == ["/sitemap.xml", "/sm/1.xml", "/sm/2.xml"]
    assert result.stats["discovery/sitemap_depth_limit"] == 1
    assert (f"golk.by: http://{GOLK}/sm/2.xml lists 1 sitemaps below SITE_SITEMAP_DEPTH=2: not "
            "fetched (counted in discovery/sitemap_depth_limit)" in result.log)


def test_a_district_feed_of_a_flood_of_items_is_read_to_the_feed_bound(tmp_path) -> None:
    """A feed of 300,000 items queued as many requests (1.1 GB): FEED_MAX_ENTRIES of its
    entries are read, the cut counted and the feed named."""
    paths = [f"/2025/09/12/novost-{n}/" for n in range(40)]
    site = VirtualSite(PVESTNIK)
    for n, path in enumerate(paths[:3]):
        site.add(path, article(title_for(n + 1), paragraphs_for(n + 1)))
    site.add("/", listing([]))
    site.add("/feed/", Page(rss("x", f"https://{PVESTNIK}/", [
        (title_for(1), f"https://{PVESTNIK}{p}", PUBLISHED, "") for p in paths]).encode(),
        content_type="application/rss+xml"))
    with FixtureServer([site]) as server:
        result = run_crawl("regional", tmp_path, server, args={"sites": PVESTNIK},
                           settings={"FEED_MAX_ENTRIES": 3})
        fetched = [p for p in server.requested_paths(PVESTNIK) if p.startswith("/2025/")]
    assert result.returncode == 0, result.log[-3000:]
    assert sorted(fetched) == sorted(paths[:3])
    assert len(result.items) == 3, result.log[-3000:]
    assert result.stats["discovery/feed_entry_limit"] == 1
    assert (f"Feed http://{PVESTNIK}/feed/ lists more than FEED_MAX_ENTRIES=3 entries: those "
            "after the 3rd not read (counted in discovery/feed_entry_limit)" in result.log)


PRIVATE = ["169.254.169.254", "10.1.2.3", "localhost", "2130706433", "0x7f.1"]


def secrets(hosts: list[str]) -> list[VirtualSite]:
    """What the crawler's own network would answer on these hosts: anything, for any path."""
    sites = []
    for host in hosts:
        site = VirtualSite(host)
        site.dynamic.append(lambda _, host=host: Page(f"SECRET-TOKEN-{host}".encode(),
                                                      content_type="text/plain"))
        sites.append(site)
    return sites


def test_a_site_naming_private_addresses_has_them_refused(tmp_path) -> None:
    """robots.txt lists the cloud metadata address and localhost as sitemaps, the index a
    key-value store on the private network, the news sitemap a page on a numeric loopback:
    none is fetched (each was, and archived), each refusal is counted and named with its
    reason, and the site's own articles are read as before."""
    shape = anysite.news_sitemap_site()
    host = "vesti-news.test"
    when = datetime(2026, 1, 5, 12)
    robots = shape.site.pages["/robots.txt"].body.decode()
    shape.site.add("/robots.txt", Page((
        robots + "Sitemap: http://169.254.169.254/latest/meta-data/iam/security-credentials/\n"
        "Sitemap: http://localhost:6379/\n").encode(), content_type="text/plain"))
    index = shape.site.pages["/sitemap_index.xml"].body.decode()
    shape.site.add("/sitemap_index.xml", Page(index.replace(
        "</sitemapindex>", "<sitemap><loc>http://10.1.2.3:8500/v1/kv/?recurse</loc><lastmod>"
        f"{when.isoformat()}+03:00</lastmod></sitemap></sitemapindex>").encode(),
        content_type=XML))
    news = shape.site.pages["/sitemaps/news.xml"].body.decode()
    shape.site.add("/sitemaps/news.xml", Page(news.replace(
        "<url>", "<url><loc>http://2130706433/articles/material-1-1.html</loc></url><url>", 1)
        .replace("<url>", "<url><loc>http://0x7f.1/secret.html</loc></url><url>", 1)
        .encode(), content_type=XML))
    with FixtureServer([shape.site, *secrets(PRIVATE)]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": shape.url, **WINDOW})
        asked = set(server.requests)
    assert_gold_items(result, shape, "title", "text")
    assert not [u for u in asked if any(f"//{h}" in u for h in PRIVATE)], sorted(asked)
    assert "SECRET-TOKEN" not in "".join(str(i) for i in result.items)
    assert result.stats["discovery/refused_address"] == 5
    assert_refusals_logged(result.log, [
        "the sitemap http://169.254.169.254/latest/meta-data/iam/security-credentials/ "
        f"named by http://{host}/robots.txt is refused: link-local address 169.254.169.254",
        f"the sitemap http://localhost:6379/ named by http://{host}/robots.txt is refused: "
        "localhost",
        "the sitemap http://10.1.2.3:8500/v1/kv/?recurse named by "
        f"http://{host}/sitemap_index.xml is refused: private address 10.1.2.3",
        "the page http://2130706433/articles/material-1-1.html named by "
        f"http://{host}/sitemaps/news.xml is refused: loopback address 127.0.0.1"])


def assert_refusals_logged(log: str, lines: list[str]) -> None:
    for line in lines:
        assert f"Discovery: {line} (counted in discovery/refused_address)" in log


def test_a_site_on_a_loopback_address_reads_its_own_sitemaps_not_other_private_hosts(
        tmp_path) -> None:
    """A local mirror on 127.0.0.1 (as users and the tests run them): its robots.txt and
    sitemap name 127.0.0.1, its own address, so they are read with its articles. They also
    name sitemaps on 10.0.0.5 and the cloud metadata address, and a page on 10.0.0.5:
    discovery refuses each (it let any private host through for a local site, and the
    downloader middleware then dropped them), counts and names it; none reaches the
    downloader."""
    host = "127.0.0.1"
    site, _, inside, outside = anysite._site(host, 3, 500, "/articles/material-{n}-{i}.html",
                                             "jsonld", ["Мария Иванова"])
    golds = inside + outside
    site.add("/robots.txt", Page((
        f"User-agent: *\nSitemap: http://{host}/sitemap.xml\n"
        "Sitemap: http://10.0.0.5/sitemap.xml\n"
        "Sitemap: http://169.254.169.254/latest/meta-data/\n").encode(),
        content_type="text/plain"))
    site.add("/sitemap.xml", anysite.news_urlset(
        [("http://10.0.0.5/articles/material-1-1.html", golds[0].title, golds[0].published)]
        + [(g.url, g.title, g.published) for g in golds]))
    site.add("/", anysite.chrome(host, "<p>Новости</p>"))
    with FixtureServer([site, *secrets(["10.0.0.5", "169.254.169.254"])]) as server:
        result = run_crawl("site", tmp_path, server, args={"url": f"http://{host}/", **WINDOW})
        asked = list(server.requests)
    assert result.returncode == 0, result.log[-3000:]
    assert sorted(i["url"] for i in result.items) == sorted(g.url for g in inside)
    assert not [u for u in asked if "//10.0.0.5" in u or "//169.254" in u], sorted(asked)
    assert f"http://{host}/sitemap.xml" in asked
    assert result.stats["discovery/refused_address"] == 3
    assert "downloader/refused_address" not in result.stats
    assert_refusals_logged(result.log, [
        f"the sitemap http://10.0.0.5/sitemap.xml named by http://{host}/robots.txt is "
        "refused: private address 10.0.0.5",
        "the sitemap http://169.254.169.254/latest/meta-data/ named by "
        f"http://{host}/robots.txt is refused: link-local address 169.254.169.254",
        "the page http://10.0.0.5/articles/material-1-1.html named by "
        f"http://{host}/sitemap.xml is refused: private address 10.0.0.5"])


def test_a_page_redirecting_to_a_private_address_is_not_followed_there(tmp_path) -> None:
    """A site on a public name whose article answers 302 to a loopback address: no check of
    the spiders sees a redirect's target, the downloader middleware does. The secret is not
    asked for, the refusal is counted and says the URL, where it came from and why; with
    ALLOW_PRIVATE_ADDRESSES it is followed (the switch works, and the fixture would leak)."""
    shape = anysite.news_sitemap_site()
    host = "vesti-news.test"
    moved = f"http://{host}/articles/material-9-9.html"
    news = shape.site.pages["/sitemaps/news.xml"].body.decode()
    shape.site.add("/sitemaps/news.xml", Page(news.replace(
        "<url>", f"<url><loc>{moved}</loc></url><url>", 1).encode(), content_type=XML))
    shape.site.add("/articles/material-9-9.html", Page(
        b"", status=302, headers=[("Location", "http://127.0.0.1/secret")]))
    secret = VirtualSite("127.0.0.1")
    secret.add("/secret", Page(b"SECRET-TOKEN", content_type="text/plain"))
    with FixtureServer([shape.site, secret]) as server:
        result = run_crawl("site", tmp_path / "refused", server,
                           args={"url": shape.url, **WINDOW})
        refused = list(server.requests)
        allowed = run_crawl("site", tmp_path / "allowed", server,
                            args={"url": shape.url, **WINDOW},
                            settings={"ALLOW_PRIVATE_ADDRESSES": True})
        followed = server.requests[len(refused):]
    assert_gold_items(result, shape, "title", "text")
    assert moved in refused, sorted(refused)
    assert not [u for u in refused if "//127.0.0.1" in u], sorted(refused)
    assert result.stats["downloader/refused_address"] == 1
    assert (f"Refused http://127.0.0.1/secret (redirected from {moved}): loopback address "
            "127.0.0.1, off the public Internet" in result.log)
    assert allowed.returncode == 0, allowed.log[-3000:]
    assert "http://127.0.0.1/secret" in followed, sorted(followed)
    assert "downloader/refused_address" not in allowed.stats
