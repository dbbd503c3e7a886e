"""District rows against site structures their fixtures do not have: small sites built per
class of hostile input, each crawled by a real ``scrapy crawl regional`` process."""

from __future__ import annotations

import gzip
from datetime import datetime
from html import escape
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest

from tests.sites.common import html_paragraphs, paragraphs_for, rss, title_for
from tests.support.crawl import completeness, run_crawl
from tests.support.server import FixtureServer, Page, VirtualSite

pytestmark = pytest.mark.slow

PVESTNIK = "pvestnik.by"  # listings ["/"], feeds ["/feed/"], /YYYY/MM/DD/<slug>/ articles
PUBLISHED = datetime(2025, 9, 12, 10, tzinfo=ZoneInfo("Europe/Minsk"))


def article(title: str, paragraphs: list[str]) -> str:
    return ("<!doctype html><html><head><meta charset='utf-8'>"
            f"<title>{escape(title)}</title><meta property='article:published_time' "
            "content='2025-09-12T10:00:00+03:00'></head><body><main id='main' class='site-main'>"
            f"<article><h1 class='entry-title'>{escape(title)}</h1><div class='entry-content'>"
            f"{html_paragraphs(paragraphs)}</div></article></main></body></html>")


def listing(paths: list[str]) -> str:
    links = "".join(f"<h2><a href='{escape(p)}'>{escape(p)}</a></h2>" for p in paths)
    return f"<!doctype html><html><head><meta charset='utf-8'></head><body><main>{links}</main>"


def feed_linking(path: str) -> Page:
    """The site's feed, its one entry linking ``path`` (article 4)."""
    feed = rss("x", f"https://{PVESTNIK}/", [(title_for(4), f"https://{PVESTNIK}{path}",
                                              PUBLISHED, "")])
    return Page(feed.encode(), content_type="application/rss+xml")


def moved(location: str) -> Page:
    return Page(b"", status=301, headers=[("Location", location)])


def test_an_article_redirected_off_the_site_or_to_no_article_gives_no_item(tmp_path) -> None:
    """A row's article that now redirects to another domain (a lapsed domain sold on) or to
    a rubric page: the page it lands on is not that article, so no item may carry its text
    under the article's URL; each is a failed article with URL, target and reason."""
    good, away, rubric = ("/2025/09/12/dozhinki/", "/2025/09/12/prodan/",
                          "/2025/09/12/perenesli/")
    site = VirtualSite(PVESTNIK)
    site.add(good, article(title_for(1), paragraphs_for(1)))
    site.add(away, moved("http://spam-casino.example/win/"))
    site.add(rubric, moved(f"http://{PVESTNIK}/category/novosti/"))
    site.add("/category/novosti/", article("Новости", paragraphs_for(3)))
    site.add("/", listing([good, away, rubric]))
    spam = VirtualSite("spam-casino.example")
    spam.add("/win/", article("Выиграй миллион", paragraphs_for(2)))
    with FixtureServer([site, spam]) as server:
        result = run_crawl("regional", tmp_path, server, args={"sites": PVESTNIK},
                           settings={"OUTLET_BASE_URLS": {PVESTNIK: f"http://{PVESTNIK}"}})
    assert [i["url"] for i in result.items] == [f"https://{PVESTNIK}{good}"], result.log[-3000:]
    assert result.items[0]["text"] == "\n\n".join(paragraphs_for(1))
    assert result.stats.get("articles/failed/redirected_off_site") == 1
    assert result.stats.get("articles/failed/redirected_to_non_article") == 1
    assert (f"Article not fetched (redirected_off_site): http://{PVESTNIK}{away}"
            in result.log), result.log[-3000:]
    assert "http://spam-casino.example/win/" in result.log
    assert f"http://{PVESTNIK}/category/novosti/" in result.log


def test_an_article_redirected_to_its_own_path_on_a_new_domain_is_read_there(tmp_path) -> None:
    """An outlet that moved domain (blocked outlets do) redirects each article to its own path
    on the new host: the article is read there, under its own URL, and the move is said."""
    path = "/2025/09/12/pereehali/"
    site = VirtualSite(PVESTNIK)
    site.add(path, moved(f"http://new-pvestnik.example{path}"))
    site.add("/", listing([path]))
    new = VirtualSite("new-pvestnik.example")
    new.add(path, article(title_for(4), paragraphs_for(4)))
    with FixtureServer([site, new]) as server:
        result = run_crawl("regional", tmp_path, server, args={"sites": PVESTNIK},
                           settings={"OUTLET_BASE_URLS": {PVESTNIK: f"http://{PVESTNIK}"}})
    assert [(i["url"], i["text"]) for i in result.items] == [
        (f"https://{PVESTNIK}{path}", "\n\n".join(paragraphs_for(4)))], result.log[-3000:]
    assert result.stats.get("articles/moved_host") == 1
    assert "articles redirect to their own paths on new-pvestnik.example" in result.log


def test_an_article_linked_under_several_spellings_gives_one_item(tmp_path) -> None:
    """The feed links an article without its trailing slash, the home page with it and with
    tracking, print, ``www.``, ``http:`` and fragment spellings; the site answers every one
    with the page (no redirect, as many CMSs do). One article, one request, one item."""
    path = "/2025/09/12/dozhinki/"
    site = VirtualSite(PVESTNIK)
    page = article(title_for(4), paragraphs_for(4))
    site.add(path, page)
    site.add(path.rstrip("/"), page)
    site.add("/", listing([path, f"https://www.{PVESTNIK}{path}?utm_source=vk",
                           f"http://{PVESTNIK}{path}", f"{path}?print=1", f"{path}#comments",
                           f"{path}?fbclid=abc", f"https://{PVESTNIK}{path.rstrip('/')}"]))
    site.add("/feed/", feed_linking(path.rstrip("/")))
    with FixtureServer([site]) as server:
        result = run_crawl("regional", tmp_path, server, args={"sites": PVESTNIK})
        fetched = [p for p in server.requested_paths(PVESTNIK) if p.startswith("/2025/")]
    assert len(result.items) == 1, [i["url"] for i in result.items]
    assert result.items[0]["text"] == "\n\n".join(paragraphs_for(4))
    assert len(fetched) == 1, fetched
    assert result.stats.get("discovery/duplicate_spelling", 0) >= 1  # 2 when the feed comes last



@pytest.mark.parametrize("answered", ["slash", "no-slash"])
def test_an_article_answering_under_one_spelling_only_is_fetched_under_it(tmp_path,
                                                                         answered) -> None:
    """The feed links an article without its trailing slash, the home page with it, and the
    site answers one spelling only (404 for the other). Whichever comes first, the article
    gives its item: a 404 under one spelling sends for the other."""
    path = "/2025/09/12/dozhinki/"
    good, bad = (path, path.rstrip("/")) if answered == "slash" else (path.rstrip("/"), path)
    site = VirtualSite(PVESTNIK)
    site.add(good, article(title_for(4), paragraphs_for(4)))
    site.add("/", listing([path]))
    site.add("/feed/", feed_linking(path.rstrip("/")))
    with FixtureServer([site]) as server:
        result = run_crawl("regional", tmp_path, server, args={"sites": PVESTNIK})
        fetched = [p for p in server.requested_paths(PVESTNIK) if p.startswith("/2025/")]
    assert [i["text"] for i in result.items] == ["\n\n".join(paragraphs_for(4))], \
        result.log[-3000:]
    assert fetched[-1] == good and set(fetched) <= {good, bad}, fetched
    if fetched[0] == bad:  # the spelling the site does not answer came first
        assert f"http://{PVESTNIK}{bad} answered 404: asking for " in result.log
        assert (result.stats.get("discovery/other_spelling_after_404", 0)
                + result.stats.get("discovery/duplicate_spelling", 0)) >= 1
    # one article, extracted: the 404 is no failure of it, in stats, log or completeness
    assert "articles/failed/http_404" not in result.stats
    assert "Article not fetched" not in result.log
    counts = completeness(tmp_path, PVESTNIK)
    assert (counts["discovered"], counts["extracted"], counts["failed"]) == (1, 1, 0), counts


HOINIKI = "hoiniki.by"  # plain permalinks (/?p=N), day archive "wp-m": /?m=YYYYMMDD&paged=N


def day_blind_site(dated: bool) -> VirtualSite:
    """A site ignoring the row's day archive: ``?m=`` is dropped and ``paged`` walks the whole
    site, two new ``/?p=N`` links a page whatever the day; its articles dated or not."""
    site = VirtualSite(HOINIKI)

    def answer(target: str) -> Page | None:
        query = parse_qs(urlsplit(target).query)
        if "p" in query:
            n = int(query["p"][0])
            page = article(title_for(n), paragraphs_for(n))
            if not dated:
                page = page.replace("<meta property='article:published_time' "
                                    "content='2025-09-12T10:00:00+03:00'>", "")
            return Page(page.encode())
        if "m" in query:
            page_no = int(query.get("paged", ["1"])[0])
            return Page(listing([f"/?p={2 * page_no + i}" for i in range(2)]).encode())
        return None

    site.dynamic.append(answer)
    return site


def crawl_day_blind(tmp_path, dated: bool, cap: int) -> tuple[Any, list[str]]:
    """A three-day window run of the district spider on ``day_blind_site``, paged to ``cap``:
    its result and the paths it requested."""
    with FixtureServer([day_blind_site(dated)]) as server:
        result = run_crawl("regional", tmp_path, server, args={
            "sites": HOINIKI, "since": "2025-09-11", "until": "2025-09-13"},
            settings={"ARCHIVE_MAX_PAGES": cap})
        return result, server.requested_paths(HOINIKI)


def test_a_day_archive_that_ignores_the_day_is_walked_once(tmp_path) -> None:
    """A row's archive scheme the site does not honour: ``?m=`` is ignored and ``paged`` walks
    the whole site, page after page of new links, whatever the day. Every day of the window
    would be paged to the page cap (every article of the site fetched once more per day); two
    days listing the same articles on the same page say the day is ignored: the later walks
    stop, counted and logged with both URLs, and one walk goes on to the cap, so the articles
    past its first page are still read."""
    cap = 5
    result, requested = crawl_day_blind(tmp_path, dated=True, cap=cap)
    archive = [parse_qs(urlsplit(p).query) for p in requested if "m=" in p]
    by_day: dict[str, int] = {}
    for query in archive:
        by_day[query["m"][0]] = by_day.get(query["m"][0], 0) + 1
    assert sorted(by_day.values()) == [1, 1, cap], by_day  # one day walked to the cap
    assert result.stats.get("discovery/listing_stop/same_as_other_day") == 2
    assert "lists the same articles for" in result.log and "ignores the day" in result.log
    read = {item["title"] for item in result.items}
    assert {title_for(2 * cap), title_for(2 * cap + 1)} <= read  # the cap's page: read


GOLK = "golk.by"  # sitemaps ["/sitemap.xml"] (window runs), /<slug>.html articles


@pytest.mark.parametrize("packed", [False, True])
def test_a_plain_text_sitemap_gives_its_articles(tmp_path, packed: bool) -> None:
    """The row's sitemap answers a text file, one URL a line (sitemaps.org allows it; gzipped
    too): its article URLs are fetched, undated (no lastmod: the page's date decides), its
    junk lines counted and named; before, the run warned "yielded no entries" and got none."""
    inside, outside = "/dozhinki-v-rayone.html", "/staraya-novost.html"
    site = VirtualSite(GOLK)
    site.add(inside, article(title_for(5), paragraphs_for(5)))
    site.add(outside, article(title_for(6), paragraphs_for(6)).replace("2025-09-12", "2024-01-01"))
    lines = [f"https://{GOLK}{inside}", "/relative.html", "mailto:red@golk.by",
             f"https://{GOLK}/category/novosti/", f"https://{GOLK}{outside}"]
    body = ("\n".join(lines) + "\n").encode()
    site.add("/sitemap.xml", Page(gzip.compress(body) if packed else body,
                                  content_type="application/gzip" if packed else "text/plain"))
    with FixtureServer([site]) as server:
        result = run_crawl("regional", tmp_path, server, args={
            "sites": GOLK, "since": "2025-09-12", "until": "2025-09-12"})
        fetched = server.requested_paths(GOLK)
    assert [i["url"] for i in result.items] == [f"https://{GOLK}{inside}"], result.log[-3000:]
    assert result.items[0]["text"] == "\n\n".join(paragraphs_for(5))
    assert outside in fetched  # undated in the sitemap: its page's date rules it out
    assert result.stats.get("discovery/text_sitemaps") == 1
    assert result.stats.get("discovery/sitemap_entries") == 3
    assert result.stats.get("discovery/text_sitemap_junk") == 2
    assert "yielded no entries" not in result.log
    assert "line 2 is no absolute http(s) URL: '/relative.html'" in result.log


def test_the_spelling_a_past_run_exported_is_the_one_fetched(tmp_path) -> None:
    """Run 1 meets an article as ``/2025/09/12/slug`` (the feed) and exports it under that
    URL's id; run 2, on the same DATA_DIR, meets it as ``…/slug/`` (the feed now spells it so,
    the home page without the slash). The site answers both: run 2 must ask for the spelling
    the state store knows (old enough: skipped as known), never export it again under another
    id. An article neither run knew keeps the first spelling met (the feed's)."""
    old, new = "/2025/09/12/dozhinki/", "/2025/09/12/kirmash/"
    site = VirtualSite(PVESTNIK)
    for n, path in enumerate((old, new), 7):
        page = article(title_for(n), paragraphs_for(n))
        site.add(path, page)
        site.add(path.rstrip("/"), page)

    def feed(paths: list[str]) -> Page:
        return Page(rss("x", f"https://{PVESTNIK}/", [
            (title_for(7), f"https://{PVESTNIK}{p}", PUBLISHED, "") for p in paths]).encode(),
            content_type="application/rss+xml")

    site.add("/", listing([]))
    site.add("/feed/", feed([old.rstrip("/")]))
    with FixtureServer([site]) as server:
        first = run_crawl("regional", tmp_path, server, args={"sites": PVESTNIK})
        site.add("/", Page(listing([old.rstrip("/"), new.rstrip("/")]).encode(),
                           delay=1.0))  # met after the feed
        site.add("/feed/", feed([old, new]))
        before = len(server.requested_paths(PVESTNIK))
        second = run_crawl("regional", tmp_path, server, args={"sites": PVESTNIK})
        fetched = [p for p in server.requested_paths(PVESTNIK)[before:]
                   if p.startswith("/2025/")]
    assert [i["url"] for i in first.items] == [f"https://{PVESTNIK}{old.rstrip('/')}"]
    assert [i["url"] for i in second.items] == [f"https://{PVESTNIK}{new}"], second.log[-3000:]
    assert fetched == [new]  # the known article under neither spelling: old, known already
    assert second.stats.get("incremental/skipped_known", 0) >= 1
    assert second.stats.get("discovery/duplicate_spelling") == 1  # the home page's new
    assert second.stats.get("discovery/known_spelling", 0) >= 1


def test_the_walk_that_goes_on_past_an_ignored_day_dates_no_article_by_that_day(tmp_path
                                                                                ) -> None:
    """The day archive ignores the day: the walk that goes on lists the site's latest posts,
    not its day's, so an undated article its later pages list gets no published date from
    the walk's day (each was dated to one day of the window, right or not): undated, it is
    dropped and counted as any undated article of a window run is."""
    cap = 4
    result, _ = crawl_day_blind(tmp_path, dated=False, cap=cap)
    later = [title_for(n) for n in range(4, 2 * cap + 2)]  # listed on pages 2..cap
    assert not set(later) & {item["title"] for item in result.items}, result.items
    # undated in a window run: dropped as such, counted and logged (not dated by the walk)
    assert result.stats.get("articles/undated_in_backfill") == len(later)
    assert f"https://{HOINIKI}/?p={2 * cap + 1} has no publication date" in result.log


def test_an_xml_sitemap_is_read_up_to_the_entry_bound(tmp_path) -> None:
    """The row's XML sitemap lists more entries than SITEMAP_MAX_ENTRIES (the protocol's
    50,000; 4 here): those after the bound are not read, counted and the sitemap named (it
    had no bound: each entry costs the event loop a parse and URL checks, and 50 sitemaps of
    32 MB held the crawl about an hour). Text sitemaps obey the same bound."""
    first, past = "/dozhinki-v-rayone.html", "/posle-granicy.html"
    site = VirtualSite(GOLK)
    site.add(first, article(title_for(5), paragraphs_for(5)))
    site.add(past, article(title_for(6), paragraphs_for(6)))
    locs = [first, "/category/a/", "/category/b/", "/category/c/", past, "/category/d/"]
    site.add("/sitemap.xml", Page(
        ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
         + "".join(f"<url><loc>https://{GOLK}{p}</loc></url>" for p in locs)
         + "</urlset>").encode(), content_type="application/xml"))
    with FixtureServer([site]) as server:
        result = run_crawl("regional", tmp_path, server, args={
            "sites": GOLK, "since": "2025-09-12", "until": "2025-09-12"},
            settings={"SITEMAP_MAX_ENTRIES": 4})
        fetched = server.requested_paths(GOLK)
    assert [i["url"] for i in result.items] == [f"https://{GOLK}{first}"], result.log[-3000:]
    assert past not in fetched
    assert result.stats.get("discovery/sitemap_entry_limit") == 1
    assert (f"Sitemap http://{GOLK}/sitemap.xml lists more than SITEMAP_MAX_ENTRIES=4 "
            "entries: those after the 4th not read" in result.log)


def test_feed_items_with_no_link_are_counted_and_named(tmp_path) -> None:
    """A row's feed holds an item with no link before its article's: skipped without a word
    before; now counted (discovery/feed/no_link) and named, and the article read."""
    path = "/2025/09/12/novost-dnya/"
    site = VirtualSite(PVESTNIK)
    site.add(path, article(title_for(4), paragraphs_for(4)))
    site.add("/", listing([]))
    feed = feed_linking(path).body.replace(b"<item>", "<item><title>Объявление</title>"
                                           "<description>без ссылки</description></item><item>"
                                           .encode(), 1)
    site.add("/feed/", Page(feed, content_type="application/rss+xml"))
    with FixtureServer([site]) as server:
        result = run_crawl("regional", tmp_path, server, args={"sites": PVESTNIK},
                           settings={"OUTLET_BASE_URLS": {PVESTNIK: f"http://{PVESTNIK}"}})
    assert [i["url"] for i in result.items] == [f"https://{PVESTNIK}{path}"], result.log[-3000:]
    assert result.stats.get("discovery/feed/no_link") == 1
    assert (f"the feed http://{PVESTNIK}/feed/ has 1 items with no link (skipped, counted "
            "in discovery/feed/no_link); the first: item 1 'Объявление'" in result.log)
