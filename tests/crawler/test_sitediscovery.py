"""Discovery without configuration: feeds, robots sitemaps, news sitemaps, date archives,
the zone a site prints, and the rows that describe sites."""

from __future__ import annotations

import gzip
import itertools
import re
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from scrapy.exceptions import UsageError

from crawler import feeds
from crawler import sitediscovery as disc
from crawler.extraction.html import parse_html
from crawler.outlets import get_outlet, outlet_for_url
from crawler.sitecrawl import site_rows
from crawler.siteoutlets import (
    COUNTRY_ZONES,
    SiteRowError,
    check_keys_apart,
    first_known_zone,
    load_rows,
    outlet_from_site_row,
    publish,
    site_outlet,
    sites_published,
    vote_zone,
    withdraw,
    zone_for_offset,
)
from crawler.urls import (
    canonical_url,
    fetch_path,
    is_article_url,
    same_article_key,
    sister_base,
    site_path,
)

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://ex.org/a-1.html</loc><news:news><news:publication_date>2026-01-05T10:00:00+03:00
</news:publication_date><news:title>A</news:title></news:news></url>
<url><loc>https://ex.org/b-2.html</loc><lastmod>2026-01-04T08:00:00Z</lastmod></url>
</urlset>"""


def test_feeds_announced_by_link_alternate() -> None:
    tree = parse_html('<html><head><link rel="alternate" type="application/rss+xml" '
                      'href="/rss/all.xml"><link rel="alternate" type="application/atom+xml" '
                      'href="https://ex.org/atom"><link rel="alternate" hreflang="en" '
                      'href="/en/"><link rel="stylesheet" href="/a.css">'
                      '<link rel="alternate" type="application/feed+json" href="/feed.json">'
                      # WordPress's REST links: no feed
                      '<link rel="alternate" type="application/json" href="/wp-json/wp/v2/pages/2">'
                      '</head></html>')
    assert disc.announced_feeds(tree, "https://ex.org/") == [
        "https://ex.org/rss/all.xml", "https://ex.org/atom", "https://ex.org/feed.json"]


def test_feeds_announced_in_http_link_headers() -> None:
    """RFC 8288 values, several in one header or over several headers, parameters quoted or
    not, a title holding a comma: the feeds only, each once, read against the response URL."""
    values = [b'</export/lenta.rss>; rel="alternate"; type="application/rss+xml", '
              b'<https://ex.org/wp-json/>; rel="https://api.w.org/"',
              '<a.atom>;rel=alternate;type=application/atom+xml;title="Лента, все"',
              b'<style.css>; rel=preload; as=style, </export/lenta.rss>; rel="alternate"; '
              b'type="application/rss+xml"', b"no link at all"]
    assert disc.header_feeds(values, "https://ex.org/x/") == disc.HeaderFeeds(
        ["https://ex.org/export/lenta.rss", "https://ex.org/x/a.atom"], cut=False)


@pytest.mark.parametrize("value", [
    '<f.rss>; title="News, daily"; rel="alternate"; type="application/rss+xml"',
    '<f.rss>; title="a; b, \\"c, d\\""; rel="alternate"; type="application/rss+xml"',
    "<f.rss>; title*=UTF-8''%D0%9D%D0%B0%D0%B2%D1%96%D0%BD%D1%8B; rel=alternate; "
    "type=application/rss+xml",
    '<f.rss>; title="Навіны, усе"; title*=UTF-8\'\'%D0%9D; rel="alternate"; '
    'type="application/rss+xml"',
    '<s.css>; rel=preload; title="x, <y.rss>; rel=alternate", <f.rss>; rel="alternate"; '
    'type="application/rss+xml"',
])
def test_a_link_headers_quoted_commas_and_semicolons_separate_nothing(value: str) -> None:
    """A title holding a comma or a semicolon (quoted, escaped quotes inside, or RFC 8187's
    ``title*=UTF-8''…``) before ``rel`` hid the link: the params were cut at it."""
    assert disc.header_feeds([value], "https://ex.org/").feeds == ["https://ex.org/f.rss"]


def test_a_link_header_of_angle_brackets_is_read_within_its_cap() -> None:
    """200,000 ``<`` without a ``>`` (it took seconds, quadratic, on the reactor): no feed, and
    what is read is bounded: the text at :data:`MAX_LINK_HEADER_BYTES`, the values at
    :data:`MAX_LINK_VALUES` (an endless header ends), the cut said."""
    started = time.monotonic()
    flood = disc.header_feeds([b"<" * 200_000], "https://ex.org/")
    assert flood == disc.HeaderFeeds([], cut=True)
    text, cut = disc.link_header_text([b"<" * 200_000, b"<f.rss>; rel=alternate"])
    assert cut and len(text) == disc.MAX_LINK_HEADER_BYTES
    endless = itertools.repeat(b"<f.rss>; rel=alternate; type=application/rss+xml")
    assert disc.header_feeds(endless, "https://ex.org/") == disc.HeaderFeeds(
        ["https://ex.org/f.rss"], cut=True)
    many = ", ".join(f"<f{n}.rss>; rel=alternate; type=application/rss+xml" for n in range(500))
    read = disc.header_feeds([many], "https://ex.org/")
    assert read.cut and read.feeds == [f"https://ex.org/f{n}.rss" for n in range(100)]
    assert time.monotonic() - started < 2  # a loose second guard; the caps are the bound


def test_language_editions_named_by_hreflang() -> None:
    """Each other edition once, absolute, without the page itself, a feed or a fragment."""
    tree = parse_html('<html><head><link rel="alternate" hreflang="ru" href="/">'
                      '<link rel="alternate" hreflang="be" href="/be/#top">'
                      '<link rel="alternate" hreflang="en" href="https://ex.org/en/">'
                      '<link rel="alternate" hreflang="x-default" href="/be/">'
                      '<link rel="alternate" hreflang="be" type="application/rss+xml" '
                      'href="/be/feed/"></head><body></body></html>')
    assert disc.language_editions(tree, "https://ex.org/") == ["https://ex.org/be/",
                                                               "https://ex.org/en/"]



def test_robots_sitemap_lines() -> None:
    body = b"User-agent: *\nDisallow: /x\nSitemap: https://ex.org/s1.xml\nsitemap: /s2.xml\n"
    assert disc.robots_sitemaps(body, "https://ex.org/robots.txt") == [
        "https://ex.org/s1.xml", "https://ex.org/s2.xml"]
    assert disc.robots_sitemaps(b"\xff\xfe garbage", "https://ex.org/robots.txt") == []


def test_sitemaps_from_the_parser_scrapys_robots_middleware_built() -> None:
    from scrapy.robotstxt import ProtegoRobotParser, PythonRobotParser

    body = b"User-agent: *\nSitemap: https://ex.org/s1.xml\nSitemap: /s2.xml\n"
    for parser in (ProtegoRobotParser(body, None), PythonRobotParser(body, None)):
        assert disc.parser_sitemaps(parser, "https://ex.org/robots.txt") == [
            "https://ex.org/s1.xml", "https://ex.org/s2.xml"]
    # a parser that does not show its sitemaps: None, so discovery reads robots.txt itself
    assert disc.parser_sitemaps(object(), "https://ex.org/") is None


def test_news_sitemap_dates_and_gzip() -> None:
    for body in (NEWS_SITEMAP, gzip.compress(NEWS_SITEMAP)):
        document, why = feeds.gunzipped_document(body)
        assert why is None
        records = list(disc.sitemap_records(document))
        assert [(r.loc, r.news) for r in records] == [("https://ex.org/a-1.html", True),
                                                      ("https://ex.org/b-2.html", False)]
        assert records[0].published.utcoffset() == timedelta(hours=3)
        assert records[1].published.utcoffset() == timedelta(0)


def test_a_gzip_bomb_sitemap_is_cut_not_inflated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feeds, "MAX_SITEMAP_BYTES", 1024 * 1024)
    bomb = gzip.compress(b"<urlset>" + b" " * (20 * 1024 * 1024))
    assert feeds.gunzipped_document(bomb) == (b"", f"gunzipped, it is over {1024 * 1024} bytes")


def test_date_archive_found_from_home_links() -> None:
    links = ["https://ex.org/news/2026/01/05/some-story/", "https://ex.org/news/2026/01/04/other/",
             "https://ex.org/about/", "https://other.org/2026/01/05/x/"]
    assert disc.archive_prefix(links, "ex.org") == "/news/"
    assert disc.archive_day_path("/news/", date(2026, 1, 3)) == "/news/2026/01/03/"
    assert disc.archive_prefix(links[:1] + links[2:], "ex.org") is None  # one link: no pattern
    assert disc.url_day(links[0]) == date(2026, 1, 5)


@pytest.mark.parametrize(("url", "article"), [
    ("https://ex.org/society/kak-vybrat-shkolu/", True),
    ("https://ex.org/news/123456", True),
    ("https://ex.org/2026/01/05/x/", True),
    ("https://ex.org/society/", False),
    ("https://ex.org/about", False),
    ("https://ex.org/index.php?newsid=5123", True),
    ("https://ex.org/?p=77", True),
    ("https://ex.org/index.php?do=feedback", False),
    ("https://ex.org/news.php?id=latest", False),
    ("https://ex.org/press/news/detail.php?ELEMENT_ID=4512", True),
    ("https://ex.org/index.php?option=com_content&view=article&id=7&Itemid=101", True),
    # ... with SEF URLs off, its id and alias
    ("https://ex.org/index.php?option=com_content&view=article&id=12:news-12&catid=8", True),
    ("https://ex.org/index.php?option=com_content&view=article&id=news-12", False),
    ("https://ex.org/news.php?news_id=88", True),
    ("https://ex.org/index.php?sid=123456", False),  # a session
    ("https://ex.org/profile.php?uid=55", False),  # a user
    ("https://ex.org/index.php?option=com_content&view=category&catid=5", False),  # a list
    ("https://ex.org/press/news/?SECTION_ID=12", False),  # a Bitrix section
    ("https://ex.org/index.php?Itemid=101", False),  # a Joomla menu entry
    # a calendar's day pages (uCoz, a day archive): teasers, no article (they were items)
    ("https://ex.org/news/2026-12-01", False), ("https://ex.org/archive/01.12.2026.html", False),
    ("https://ex.org/news/bolnica/2026-12-02-1231", True),  # uCoz's article: day and id
    # a Cyrillic slug in windows-1251 escapes (old Russian CMSs; as UTF-8 it was no letter)
    ("https://ex.org/news/%D0%EE%F1%F1%E8%FF-%EF%F0%EE%E2%E5%EB%E0-%E2%F1%F2%F0%E5%F7%F3.html",
     True), ("https://ex.org/%CD%EE%E2%EE%F1%F2%E8/", False),  # one word: a section
    # a one-word slug or a short id under a day's segment (it was no article)
    ("https://ex.org/news/12.01.2026/novost", True), ("https://ex.org/12-01-2026/slug", True),
    ("https://ex.org/news/2026.01.12/vstrecha", True), ("https://ex.org/news/12.01.2026/", False),
    # WordPress's day and month archives and their pages; an id after the date is an article
    ("https://ex.org/2026/01/04/", False), ("https://ex.org/2026/01/04/?page=2", False),
    ("https://ex.org/2026/01/04/page/3/", False), ("https://ex.org/news/2026/01/", False),
    ("https://ex.org/2026/01/04/?p=77", True), ("https://ex.org/2026/01/04/12345.html", True),
    # a calendar's day page addressed by its query; an article dated in its query is one
    ("https://ex.org/news/?date=2026-12-03", False),
    ("https://ex.org/archive/?day=03.12.2026&page=2", False),
    ("https://ex.org/index.php?date=2026-12-03", False),
    ("https://ex.org/news.php?id=88&date=2026-12-03", True),
    ("https://ex.org/news/kak-vybrat-shkolu/?date=2026-12-03", True),
])
def test_home_links_that_read_as_articles(url: str, article: bool) -> None:
    assert disc.looks_like_article(url) is article


def test_printed_offsets_from_json_ld_meta_and_time() -> None:
    tree = parse_html('<html><head><script type="application/ld+json">{"@graph": [{"@type": '
                      '"NewsArticle", "datePublished": "2026-01-05T10:00:00+05:00"}]}</script>'
                      '<meta property="article:published_time" content="2026-01-05T10:00:00+05:00">'
                      '</head><body><time datetime="2026-01-05">5 Jan</time></body></html>')
    assert disc.printed_offsets(tree) == [timedelta(hours=5)] * 2


_BODY = "<p>" + "Текст новости о событиях в районе за неделю. " * 4 + "</p>"


@pytest.mark.parametrize(("page", "offsets"), [
    # Drupal: UTC in the machine date, the wall clock in the element
    ('<time datetime="2026-12-02T21:30:00Z">03.12.2026 - 00:30</time>', [timedelta(hours=3)]),
    # UTC in JSON-LD and meta, the clock in the article's dateline: every UTC date moves
    ('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": '
     '"2026-12-02T21:30:00Z", "dateModified": "2026-12-03T08:00:00Z"}</script>'
     '<meta property="article:published_time" content="2026-12-02T21:30:00+00:00">'
     f'<article><h1>Заголовок</h1><div class="date">3 декабря 2026, 00:30</div>{_BODY}</article>',
     [timedelta(hours=3)] * 3),
    # the clock printed is the UTC one: a site in UTC, or a CMS labelling its wall clock UTC;
    # no vote, in the element or by the dateline, but for the page's other offsets
    ('<time datetime="2026-12-02T21:30:00Z">02.12.2026 21:30</time>', []),
    ('<meta property="article:published_time" content="2026-12-02T21:30:00Z">'
     f'<article><h1>Заголовок</h1><div class="date">2 декабря 2026, 21:30</div>{_BODY}</article>',
     []),
    ('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": '
     '"2026-12-02T21:30:00+00:00", "dateModified": "2026-12-02T21:50:00+03:00"}</script>'
     f'<article><h1>Заголовок</h1><div class="date">02.12.2026 21:30</div>{_BODY}</article>',
     [timedelta(hours=3)]),
    # a day alone, or another day's date: the UTC dates stand
    ('<time datetime="2026-12-02T21:30:00Z">3 декабря 2026</time>', [timedelta(0)]),
    ('<time datetime="2026-12-02T21:30:00Z">01.11.2026 10:07</time>', [timedelta(0)]),
    # a CMS's null date, or a template's year ahead, votes for no zone
    ('<meta property="article:published_time" content="1970-01-01T00:00:00+00:00">'
     '<time datetime="2226-01-05T10:00:00+00:00">05.01.2026 10:00</time>', []),
])
def test_printed_offsets_of_utc_dates_beside_a_printed_clock(page: str,
                                                            offsets: list[timedelta]) -> None:
    assert disc.printed_offsets(parse_html(f"<html><body>{page}</body></html>")) == offsets


def test_zone_vote() -> None:
    assert vote_zone(Counter()) == "UTC"
    assert vote_zone(Counter({timedelta(hours=3): 5, timedelta(0): 2})) == "Etc/GMT-3"
    assert vote_zone(Counter({timedelta(hours=3): 2, timedelta(0): 2})) == "Etc/GMT-3"
    assert zone_for_offset(timedelta(hours=-5)) == "Etc/GMT+5"
    half = zone_for_offset(timedelta(hours=5, minutes=30))
    assert datetime.now(ZoneInfo(half)).utcoffset() == timedelta(hours=5, minutes=30)


@pytest.mark.parametrize(("host", "zone"), [
    ("rayon.by", "Europe/Minsk"), ("www.gazeta.xn--90ais", "Europe/Minsk"),  # .бел
    ("газета.бел", "Europe/Minsk"),
    ("news.com.ua", "Europe/Kyiv"), ("gazeta.ru", "UTC"), ("news.example.com", "UTC"),
])
def test_a_site_whose_dates_carry_no_offset_takes_its_country_domains_zone(host: str,
                                                                          zone: str) -> None:
    """One zone per country domain (.ru has eleven: none guessed); printed offsets win."""
    assert vote_zone(Counter(), host) == zone
    ZoneInfo(zone)
    assert vote_zone(Counter({timedelta(hours=5): 1}), host) == "Etc/GMT-5"


@pytest.mark.parametrize(("host", "offsets", "zone"), [
    ("rayon.by", {3: 4}, "Europe/Minsk"), ("газета.бел", {3: 1, 0: 1}, "Europe/Minsk"),
    ("rayon.by", {2: 3, 3: 1}, "Etc/GMT-2"), ("gazeta.ru", {3: 1}, "Etc/GMT-3"),
    ("news.example.com", {3: 1}, "Etc/GMT-3"),
])
def test_a_printed_offset_the_country_domains_zone_keeps_is_that_zone(
        host: str, offsets: dict[int, int], zone: str) -> None:
    """+03:00 on a .by site is Minsk's clock (whose past had summer time), not a fixed
    offset; an offset the country's zone does not keep is the fixed one."""
    votes = Counter({timedelta(hours=h): n for h, n in offsets.items()})
    assert vote_zone(votes, host) == zone


def test_a_ua_site_printing_either_of_kyivs_offsets_is_on_kyivs_clock() -> None:
    """Kyiv keeps +02:00 in winter, +03:00 in summer: July articles at +03:00 crawled in
    December are Kyiv's (its naive January dates +02:00); an offset Kyiv never keeps is the
    fixed one."""
    for hours in (2, 3):
        assert vote_zone(Counter({timedelta(hours=hours): 2}), "news.com.ua") == "Europe/Kyiv"
    assert vote_zone(Counter({timedelta(hours=4): 2}), "news.com.ua") == "Etc/GMT-4"


def test_every_country_domains_zone_resolves_by_its_current_name() -> None:
    """Each zone of the table is known to the zoneinfo in use, by the name the database
    now gives it (Kyiv's, not the renamed Europe/Kiev: this venv's tzdata has it)."""
    for zone in COUNTRY_ZONES.values():
        assert ZoneInfo(zone).utcoffset(datetime(2026, 1, 1)) is not None
    assert "Europe/Kiev" not in COUNTRY_ZONES.values()
    assert COUNTRY_ZONES["ua"] == COUNTRY_ZONES["укр"] == "Europe/Kyiv"


def test_a_renamed_zone_falls_back_to_its_old_name_on_an_older_database() -> None:
    """Where the new name is unknown (a tz database before 2022b), the old one is kept."""
    assert first_known_zone("Europe/Kyiv", "Europe/Kiev") == "Europe/Kyiv"
    assert first_known_zone("Europe/No_Such_Place", "Europe/Kiev") == "Europe/Kiev"


def test_an_idn_rows_country_domain_gives_its_zone() -> None:
    """A row's host is kept as written: the zone comes the same from .бел as from its
    punycode."""
    outlet = outlet_from_site_row({"url": "https://газета.бел/"})
    assert vote_zone(Counter(), outlet.host) == "Europe/Minsk"


def _gmt_feed_state(printed: dict[str, datetime], given: str = "Mon, 05 Jan 2026 11:20:00 GMT",
                    **row: str) -> disc.SiteState:
    """A .by site whose feed gave each article ``given`` (RSS), its samples printing
    ``printed`` (by article key)."""
    outlet = outlet_from_site_row({"url": "http://rayon.by/"})
    state = disc.SiteState({"url": "http://rayon.by/", **row}, outlet)
    rss = f"<rss><channel><item><link>http://rayon.by/a</link><pubDate>{given}</pubDate>"
    when = next(feeds.feed_entries(f"{rss}</item></channel></rss>".encode())).published
    for key in printed:
        state.add(disc.Candidate(f"http://rayon.by{key}", when, None, "feed", None,
                                 "http://rayon.by/rss.xml"), key, 100)
    state.channel_offsets.update(disc.offsets_of([when] * len(printed)))
    state.sample_dates.update(printed)
    return state


def test_a_feeds_gmt_is_no_zone_the_wall_times_pages_print_for_it_are() -> None:
    """uCoz's RSS writes GMT whatever the site's clock: its ``+0000`` alone made a Minsk site
    UTC. The wall time pages print for its instants is the clock; none printed, the country
    domain's zone; pages printing the feed's own time, UTC; a zone given, that zone."""
    minsk = {"/a": datetime(2026, 1, 5, 14, 20), "/b": datetime(2026, 1, 5, 14, 20)}
    assert _gmt_feed_state(minsk).zone() == "Europe/Minsk"
    assert _gmt_feed_state({"/a": datetime(2026, 1, 5)}).zone() == "Europe/Minsk"  # a day only
    assert _gmt_feed_state({"/a": datetime(2026, 1, 5, 16, 7)}).zone() == "Europe/Minsk"  # edit
    assert _gmt_feed_state({"/a": datetime(2026, 1, 5, 11, 20)}).zone() == "UTC"
    assert _gmt_feed_state(minsk, timezone="UTC").zone() == "UTC"
    assert _gmt_feed_state(minsk, "Mon, 05 Jan 2026 14:20:00 +0300").zone() == "Europe/Minsk"
    state = _gmt_feed_state(minsk)
    state.page_offsets[timedelta(hours=2)] += 1  # a machine date with an offset on a page wins
    assert state.zone() == "Etc/GMT-2"


@pytest.mark.parametrize("given", ["Mon, 05 Jan 2026 11:20:00", "2026-01-05T11:20:00"])
@pytest.mark.parametrize("printed", [{"/a": datetime(2026, 1, 5, 11, 20)},
                                     {"/a": datetime(2026, 1, 5, 14, 20)}, {}])
def test_a_by_feed_with_no_zone_is_read_on_minsk_time(given: str,
                                                      printed: dict[str, datetime]) -> None:
    """A feed date without a zone is the site's wall clock, whatever its pages print for it:
    it votes for no offset, and a ``.by`` site's zone is its country's. (A feed in GMT is
    UTC, an instant: the clock is then what its pages print for it, above.)"""
    state = _gmt_feed_state(printed, given)
    assert not state.channel_offsets
    assert state.zone() == "Europe/Minsk" and not state.zone_guessed()


def test_state_keeps_better_dated_sightings_and_a_bound() -> None:
    outlet = outlet_from_site_row({"url": "https://ex.org/"})
    state = disc.SiteState({"url": "https://ex.org/"}, outlet)
    first = disc.Candidate("https://ex.org/a-b-c", None, None, "home")
    dated = disc.Candidate("https://ex.org/a-b-c", None, date(2026, 1, 5), "sitemap")
    assert state.add(first, "k1", 1) and state.add(dated, "k1", 1)
    assert not state.add(disc.Candidate("https://ex.org/d-e-f", None, None, "feed"), "k2", 1)
    assert state.chosen() == [("k1", dated, -31)]  # home links only when nothing announced anything


def test_window_gap_of_publication_dates_url_days_and_lastmod() -> None:
    since, until = date(2026, 1, 4), date(2026, 1, 5)

    def gap(published: datetime | None, day: date | None, channel: str):
        return disc.window_gap(disc.Candidate("https://ex.org/a-b-c", published, day, channel),
                               since, until)

    assert gap(datetime(2026, 1, 5, 23), None, "feed") == (0, False)
    assert gap(datetime(2026, 1, 3, 23), None, "feed") == (0, False)  # a zone's day of slack
    assert gap(datetime(2026, 1, 1), None, "news_sitemap") == (2, True)
    assert gap(None, date(2026, 1, 9), "home") == (3, True)
    assert gap(None, None, "home") is None
    # lastmod is a change: before the window rules it out, after it only makes it unlikely
    assert gap(datetime(2025, 12, 1), None, "sitemap") == (33, True)
    assert gap(datetime(2026, 2, 1), None, "sitemap") == (26, False)
    assert gap(datetime(2026, 2, 1), date(2026, 1, 4), "sitemap") == (0, False)  # the URL day


def test_at_the_bound_the_candidates_closest_to_the_window_stay() -> None:
    outlet = outlet_from_site_row({"url": "https://ex.org/"})
    state = disc.SiteState({"url": "https://ex.org/"}, outlet)
    far = [disc.Candidate(f"https://ex.org/far-{n}-x", None, None, "sitemap") for n in range(3)]
    for n, found in enumerate(far):
        assert state.add(found, f"far{n}", 3, (0, 30 + n))
    near = disc.Candidate("https://ex.org/in-window-1", None, None, "sitemap")
    assert state.add(near, "near", 3, (0, 0))  # evicts the farthest
    assert not state.add(disc.Candidate("https://ex.org/x-y-z", None, None, "home"), "u", 3)
    assert set(state.candidates) == {"far0", "far1", "near"} and state.over_limit == 2
    assert state.chosen() == [("near", near, 0), ("far0", far[0], -30), ("far1", far[1], -30)]  # closest fetched first


@pytest.mark.parametrize(("url", "period"), [
    ("https://ex.org/sitemap-2024-03.xml", (date(2024, 3, 1), date(2024, 3, 31))),
    ("https://ex.org/sitemaps/2024/12/posts.xml", (date(2024, 12, 1), date(2024, 12, 31))),
    ("https://ex.org/sitemap-202402.xml", (date(2024, 2, 1), date(2024, 2, 29))),
    ("https://ex.org/news-2024.xml", (date(2024, 1, 1), date(2024, 12, 31))),
    ("https://ex.org/sitemap.xml?date=2024-03-12", (date(2024, 3, 12), date(2024, 3, 12))),
    ("https://ex.org/archive/2019/sitemap-2024-03.xml", (date(2024, 3, 1), date(2024, 3, 31))),
    ("https://ex.org/post-sitemap12.xml", None),
    ("https://ex.org/sitemap-12345.xml", None),
])
def test_the_period_a_sitemaps_url_names(url: str, period: tuple[date, date] | None) -> None:
    assert disc.url_period(url) == period


def test_child_sitemaps_ordered_by_what_dates_them() -> None:
    since, until = date(2026, 1, 4), date(2026, 1, 5)

    def order(url: str, lastmod: datetime | None = None):
        return disc.child_sitemap_order(f"https://ex.org/{url}", lastmod, since, until)

    assert order("sitemap-2025-12.xml") is None and order("sitemap-2026-02.xml") is None
    assert order("sitemap-2026-01.xml") == (0, 0) and order("2026-01-03.xml") == (0, 0)
    assert order("sitemap-2026-01.xml", datetime(2025, 12, 31)) is None  # unchanged since
    assert order("posts.xml", datetime(2026, 1, 20)) == (1, 15)
    assert order("news.xml") < order("post-sitemap12.xml") < order("post-sitemap2.xml")


def test_well_known_paths_under_the_home_pages_folder_and_at_the_root() -> None:
    paths = ("/feed", "/?feed=rss2")
    assert disc.well_known_paths(paths, "/") == ["/feed", "/?feed=rss2"]
    assert disc.well_known_paths(paths, "/news/") == ["/news/feed", "/news/?feed=rss2",
                                                      "/feed", "/?feed=rss2"]
    assert disc.well_known_paths(paths, "/news/index.php?lang=ru")[:1] == ["/news/feed"]


def test_site_rows_checked() -> None:
    [row] = load_rows([{"url": "example.org", "name": "Ex"}])
    assert row["url"] == "https://example.org/"
    [row] = load_rows([{"url": "http://ex.org/news/#top"}])  # the home page in a folder
    assert row["url"] == "http://ex.org/news/"
    assert outlet_from_site_row(row).base_url == "http://ex.org"
    with pytest.raises(SiteRowError, match="unknown fields"):
        load_rows([{"url": "https://ex.org/", "bodyy": "x"}])
    with pytest.raises(SiteRowError, match="site address"):
        load_rows([{"url": "ftp://ex.org/"}])
    with pytest.raises(SiteRowError, match="time zone"):
        load_rows([{"url": "https://ex.org/", "timezone": "Mars/Base"}])


@pytest.mark.parametrize(("field", "value", "reason"), [
    ("article_path", "[0-9+", "no regular expression"),
    ("skip_paths", ["/ok/", "(unclosed"], "no regular expression"),
    ("body", "div[[[", "no CSS selector"),
    ("body", 5, "list of strings"),
    ("feeds", {"url": "x"}, "list of strings"),
    ("language", 7, "must be a string"),
    ("author_line", "By .*", "exactly one group"),
    ("key", ["ex"], "must be a string"),
])
def test_a_site_rows_values_are_checked_when_it_loads(field: str, value: object,
                                                      reason: str) -> None:
    """A bad selector, pattern or type fails naming row and field, not on the first page
    (or as a TypeError from deep inside the outlet)."""
    with pytest.raises(SiteRowError, match=rf"^EXTRA_OUTLETS row 2: field '{field}': .*{reason}"):
        load_rows([{"url": "https://ok.org/"}, {"url": "https://ex.org/", field: value}])


@pytest.mark.parametrize(("row", "owner"), [
    ({"url": "https://a.example/", "key": "zerkalo"}, "'Зеркало' (news.zerkalo.io)"),
    ({"url": "https://a.example/", "key": "pvestnik.by"}, "(pvestnik.by)"),
    ({"url": "http://belta/"}, "(www.belta.by)"),  # the key a bare host gives
])
def test_a_site_row_may_not_take_a_registered_outlets_key(row: dict, owner: str) -> None:
    """Workers and removals resolve a key through the registry first: a row keyed as a
    registered outlet on another host would have its pages read and exported as that outlet's."""
    with pytest.raises(SiteRowError, match=r"^EXTRA_OUTLETS row 2: key '[a-z.]+' is the "
                                           r"registered outlet ") as caught:
        load_rows([{"url": "https://ok.org/"}, row])
    assert owner in str(caught.value)


def test_a_site_row_on_a_registered_outlets_host_may_give_its_key() -> None:
    [row] = load_rows([{"url": "https://www.belta.by/", "key": "belta"}])
    assert row["key"] == "belta"
    [row] = load_rows([{"url": "https://pvestnik.by/"}])  # the key its host gives: its own
    assert row["url"] == "https://pvestnik.by/"


@pytest.mark.parametrize(("first", "second"), [
    ({"url": "https://a.example/", "key": "news"}, {"url": "https://b.example/", "key": "news"}),
    ({"url": "https://a.example/"}, {"url": "https://b.example/", "key": "a.example"}),
    ({"url": "http://[::1]:8001/", "key": "local"}, {"url": "http://[::2]:8001/",
                                                    "key": "local"}),
    ({"url": "https://a.example/", "key": "news"}, {"url": "https://news.a.example/",
                                                   "key": "news"}),
])
def test_two_sites_may_not_give_one_key(first: dict, second: dict) -> None:
    """One key is one outlet: the crawl kept the first site of a key and left the second out
    (with a warning a scheduled run is never read for)."""
    rows = load_rows([first, second])
    with pytest.raises(SiteRowError, match=rf"^the rows {re.escape(rows[0]['url'])} and "
                                           rf"{re.escape(rows[1]['url'])} both give the key "):
        check_keys_apart(rows)


@pytest.mark.parametrize("second", ["https://www.a.example/news/", "https://m.a.example/",
                                    "http://amp.a.example/", "https://a.example/",
                                    "http://a.example:8002/"])
def test_rows_of_one_site_may_give_its_key(second: str) -> None:
    """Its www., mobile and AMP hosts are one site (the crawl keeps the first row's home);
    so are its ports: pages find their outlet by host."""
    rows = load_rows([{"url": "https://a.example/"}, {"url": second, "key": "a.example"}])
    check_keys_apart(rows)


def test_a_keys_first_row_is_the_one_reextraction_resolves(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """As the crawl keeps a site's first row (its m. row after it adds nothing)."""
    monkeypatch.delenv("NEWS_ARCHIVE_SITE_OUTLETS", raising=False)
    rows = load_rows([{"url": "https://a.example/", "name": "Первый"},
                      {"url": "https://m.a.example/", "key": "a.example", "name": "Второй"}])
    with sites_published(rows):
        assert site_outlet("a.example").name == "Первый"
    clash = load_rows([{"url": "https://a.example/", "key": "k"},
                       {"url": "https://b.example/", "key": "k"}])
    with pytest.raises(SiteRowError, match="both give the key"), sites_published(clash):
        pass
    assert site_outlet("a.example") is None and site_outlet("k") is None


@pytest.mark.parametrize("url", ["https://exa mple.org/", "https://ex<a>.org/",
                                 "https://example.org:99999/"])
def test_a_site_row_with_no_usable_host_or_port_is_refused(url: str) -> None:
    with pytest.raises(SiteRowError, match=r"^EXTRA_OUTLETS row 1: 'url' "):
        load_rows([{"url": url}])


@pytest.mark.parametrize("key", ["my site", "a@b", "a\nb"])
def test_a_key_an_items_rule_name_cannot_hold_is_refused(key: str) -> None:
    """Rules are named "<key>@<version>": every article of a key with a space or "@" was
    dropped as matching no rules, the run healthy with no item."""
    with pytest.raises(SiteRowError, match="field 'key': .* may hold no space, '@'"):
        load_rows([{"url": "https://a.org/", "key": key}])


@pytest.mark.parametrize(("source", "message"), [
    ('[site]\nurl = "https://a.org/"\n', "[site] is one table; each site is a [[site]] table"),
    ("site = [1, 2]\n", "row 1 must be a table of fields"),
])
def test_an_outlets_file_of_the_wrong_shape_is_a_row_error(tmp_path: Path, source: str,
                                                           message: str) -> None:
    path = tmp_path / "o.toml"
    path.write_text(source, "utf-8")
    with pytest.raises(SiteRowError, match=rf"^{path}: ") as caught:
        load_rows(str(path))
    assert message in str(caught.value)


@pytest.mark.parametrize(("value", "message"), [
    ('{"url": "https://a.org/"}', "EXTRA_OUTLETS must be a list of rows"),
    ({"url": "https://a.org/"}, "EXTRA_OUTLETS must be a list of rows"),
    (["https://a.org/"], "EXTRA_OUTLETS: row 1 must be a table of fields"),
    ('["https://a.org/"]', "EXTRA_OUTLETS: row 1 must be a table of fields"),
    (5, "EXTRA_OUTLETS must be a TOML file of [[site]] rows or a list of rows, not 5"),
    ([{"url": "https://a.org/", "aliases": ["https://b.org/"]}],
     "EXTRA_OUTLETS row 1: field 'aliases': 'https://b.org/' is no host name"),
])
def test_extra_outlets_of_the_wrong_shape_is_a_row_error(value: object, message: str) -> None:
    with pytest.raises(SiteRowError) as caught:
        load_rows(value)  # type: ignore[arg-type]
    assert message in str(caught.value)


def test_a_row_on_an_ipv6_address_keeps_its_brackets() -> None:
    """The brackets were dropped (``http://::1:8080/``): no address, and an empty key."""
    [row] = load_rows([{"url": "http://[::1]:8080/news/"}])
    assert row["url"] == "http://[::1]:8080/news/"
    assert outlet_from_site_row(row).key == "::1"


def test_a_bad_url_argument_is_named_as_the_argument() -> None:
    """Errors in ``-a url=`` were reported as "EXTRA_OUTLETS row 1"."""
    with pytest.raises(UsageError, match=r"^-a url: 'url' 'https://exa mple\.org/': "):
        site_rows("https://exa mple.org/", None)
    with pytest.raises(UsageError, match=r"^-a url: field 'timezone': "):
        site_rows("https://example.org/", None, timezone="Mars/Base")


def test_a_site_row_may_give_one_string_where_a_list_belongs() -> None:
    [row] = load_rows([{"url": "https://ex.org/", "feeds": "https://ex.org/rss",
                        "body": "div.story", "skip_paths": "^/promo/"}])
    outlet = outlet_from_site_row(row)
    assert outlet.discovery.feeds == ("https://ex.org/rss",)
    assert outlet.rules.body == ("div.story",)
    assert outlet.skip_paths[0] == "^/promo/"


def test_generic_outlet_skips_feeds_files_and_listings() -> None:
    outlet = outlet_from_site_row({"url": "https://www.ex.org/"})
    assert outlet.key == "ex.org" and outlet.owns_host("ex.org")
    for path, article in (("/society/kak-vybrat-shkolu/", True), ("/?p=12", True), ("/", False),
                          ("/feed/", False), ("/tag/pogoda/", False), ("/img/a.jpg", False),
                          ("/sitemap.xml", False), ("/author/ivan/", False),
                          # print copies: a sitemap listing them made each article twice
                          ("/news/most-otkryt/print/", False), ("/print/news/most-otkryt/", False),
                          ("/print:page,1,1234-most-otkryt.html", False),
                          ("/engine/print.php?newsid=1234", False),
                          ("/news/printery-rayona-rabotayut/", True),
                          # ... and the print copies each form of which was a second item
                          ("/news/most-otkryt/?mode=print", False),
                          ("/news/most-otkryt/?view=print", False),
                          ("/news/most-otkryt/?printable=yes", False),
                          ("/news/most-otkryt/print.html", False),
                          ("/print-version/news/most-otkryt/", False),
                          ("/news/detail.php?ID=123&print=Y", False),
                          ("/news/detail.php?ID=123&print", False),
                          ("/news/?rubric=printery&id=5", True), ("/news/print-media-2026/", True),
                          ("/news/most-otkryt/?mode=printed", True)):
        assert is_article_url(outlet, f"https://www.ex.org{path}") is article, path


def test_a_generic_outlet_drops_only_tracking_query_parameters() -> None:
    outlet = outlet_from_site_row({"url": "https://ex.org/"})
    joomla = "http://www.ex.org/index.php?option=com_content&view=article&id=7&Itemid=101"
    canonical = "https://ex.org/index.php?Itemid=101&id=7&option=com_content&view=article"
    assert canonical_url(joomla, outlet) == canonical
    assert canonical_url(joomla + "&utm_source=rss&fbclid=x", outlet) == canonical
    assert canonical_url("https://ex.org/d.php?ELEMENT_ID=1", outlet) != canonical_url(
        "https://ex.org/d.php?ELEMENT_ID=2", outlet)
    # fetched as found: its order and spelling, less the tracking noise
    assert fetch_path(joomla, outlet) == joomla.removeprefix("http://www.ex.org")
    assert fetch_path(joomla + "&utm_medium=x", outlet) == joomla.removeprefix(
        "http://www.ex.org")
    # a row naming the parameters that identify its articles keeps only those
    named = outlet_from_site_row({"url": "https://ex.org/", "keep_query": ["id"]})
    assert canonical_url(joomla, named) == "https://ex.org/index.php?id=7"
    assert fetch_path(joomla, named) == "/index.php?id=7"


def test_the_canonical_url_a_page_declares() -> None:
    page = ("<html><head><meta charset='utf-8'><LINK href='/news/a-b-c/?x=1&amp;y=2' "
            "rel='Canonical'></head><body><link rel=canonical href=/not-in-head/></body></html>")
    assert disc.declared_canonical(page, "https://ex.org/news/a-b-c") == \
        "https://ex.org/news/a-b-c/?x=1&y=2"
    assert disc.declared_canonical('<link rel="alternate" href="/x">', "https://ex.org/") is None
    assert same_article_key("https://ex.org/news/a-b-c/?id=1") == \
        same_article_key("https://ex.org/news/a-b-c?id=1") == "https://ex.org/news/a-b-c?id=1"
    assert same_article_key("https://ex.org/") == "https://ex.org/"


def test_a_page_naming_another_article_of_its_site_is_an_alias() -> None:
    outlet = outlet_from_site_row({"url": "https://ex.org/"})

    def alias(href: str, url: str = "https://ex.org/news/a-b-c") -> str | None:
        body = f'<html><head><link rel="canonical" href="{href}"></head></html>'.encode()
        return disc.alias_of(body, "text/html", url, outlet,
                             lambda u: outlet if outlet.owns_host(urlsplit(u).hostname) else None)

    assert alias("/news/a-b-c/") == "https://ex.org/news/a-b-c/"
    assert alias("https://www.ex.org/news/a-b-c?utm_source=x") is None  # itself
    assert alias("https://partner.org/news/a-b-c/") is None  # another site's page
    assert alias("/") is None and alias("/news/") is None  # a careless template
    belta = get_outlet("belta")  # a registered outlet's rules decide its pages
    body = b'<head><link rel="canonical" href="https://www.belta.by/politics/view/x-y-z-1/">'
    assert disc.alias_of(body, None, "https://www.belta.by/politics/view/a-b-c-2/", belta,
                         lambda u: belta) is None


def test_published_sites_resolve_by_key_and_host(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWS_ARCHIVE_SITE_OUTLETS", raising=False)
    path = tmp_path / "sites.json"
    publish({"ex.org": {"url": "https://ex.org/", "key": "ex.org", "timezone": "Etc/GMT-3"}},
            path)
    try:
        assert get_outlet("ex.org").timezone == "Etc/GMT-3"
        assert outlet_for_url("https://www.ex.org/a/").key == "ex.org"
        assert outlet_for_url("https://www.belta.by/x/").key == "belta"  # the registry first
    finally:
        withdraw(path)
    with pytest.raises(KeyError):
        get_outlet("ex.org")


def test_next_page_of_a_day_archive() -> None:
    def next_of(html: str, page: int = 1) -> str | None:
        tree = parse_html(html)
        links = [f"https://ex.org{a.get('href')}" for a in tree.iter("a")]
        return disc.next_page_link(tree, links, "https://ex.org/2026/01/04/", page)

    assert next_of('<p><a rel="nofollow next" href="?p=2">»</a></p>') == \
        "https://ex.org/2026/01/04/?p=2"
    assert next_of('<html><head><link rel="next" href="/2026/01/04/?p=2"></head></html>') == \
        "https://ex.org/2026/01/04/?p=2"
    assert next_of('<p><a class="next page-numbers" href="/2026/01/04/page/3/">»</a></p>',
                   page=2) == "https://ex.org/2026/01/04/page/3/"
    assert next_of('<p><a rel="prev" href="/2026/01/03/">«</a></p>') is None


@pytest.mark.parametrize("name", ["page", "paged", "PAGEN_1", "pg", "part", "pagenum",
                                  "page_num"])
def test_a_listing_is_walked_by_any_pager_parameter_an_article_is_paged_by(name: str) -> None:
    """One list of pager parameters serves the listing walk and an article's pages
    (``crawler.extraction.pages.PAGE_PARAM``): a listing paged as articles are is walked."""
    html = (f'<a href="/news/?{name}=3&amp;x=1">3</a><a href="/other/?{name}=2">o</a>'
            f'<a href="/news/?{name}=2">2</a>')
    tree = parse_html(html)
    links = [f"https://ex.org{a.get('href')}" for a in tree.iter("a")]
    assert disc.next_page_link(tree, links, f"https://ex.org/news/?{name}=1", 1) == \
        f"https://ex.org/news/?{name}=2"
    post = parse_html('<a href="/news/?p=2">a post</a>')  # WordPress's ?p=: a post id
    assert disc.next_page_link(post, ["https://ex.org/news/?p=2"], "https://ex.org/news/",
                               1) is None


IDN, PUNY = "новости.бел", "xn--b1amnebsh.xn--90ais"


@pytest.mark.parametrize("given", [f"https://{IDN}/", f"https://{PUNY}/", f"https://WWW.{IDN}/"])
def test_a_site_given_by_its_unicode_or_punycode_host_is_one_outlet(given: str) -> None:
    """Requests and responses carry the punycode host: a row giving the Unicode one must own
    it (else its home page "moved to another host"), and both spellings make one outlet, one
    key and the same article URLs and ids."""
    [row] = load_rows([{"url": given}])
    outlet = outlet_from_site_row(row)
    assert outlet.key == PUNY
    assert outlet.owns_host(PUNY) and outlet.owns_host(IDN) and outlet.owns_host(f"www.{IDN}")
    path = "/новости/пожар-в-минске/"
    assert canonical_url(f"http://{IDN}{path}", outlet) == canonical_url(
        f"https://{PUNY}{path}", outlet) == f"{outlet.base_url}/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82" \
        "%D0%B8/%D0%BF%D0%BE%D0%B6%D0%B0%D1%80-%D0%B2-%D0%BC%D0%B8%D0%BD%D1%81%D0%BA%D0%B5/"
    from crawler.outlets import OutletResolver
    resolver = OutletResolver([outlet])
    assert resolver.resolve(f"https://{IDN}{path}") is resolver.resolve(
        f"https://{PUNY}/x") is outlet


@pytest.mark.parametrize("url", [
    "https://ex.by/новости/пожар-в-минске/",
    "https://ex.by/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/%D0%BF%D0%BE%D0%B6%D0%B0%D1%80"
    "-%D0%B2-%D0%BC%D0%B8%D0%BD%D1%81%D0%BA%D0%B5/",
    "https://ex.by/%d0%bf%d0%be%d0%b6%d0%b0%d1%80-%d0%b2-%d0%bc%d0%b8%d0%bd%d1%81%d0%ba%d0%b5",
])
def test_a_cyrillic_headline_slug_reads_as_an_article_raw_or_percent_encoded(url: str) -> None:
    assert disc.looks_like_article(url)


@pytest.mark.parametrize("prefix", ["m.", "amp.", "mobile.", "pda."])
def test_a_sites_mobile_and_amp_hosts_are_its_own(prefix: str) -> None:
    """A feed linking ``m.ex.by`` and a page naming ``amp.ex.by`` its canonical point at the
    site's own articles: owned, the same article as on the main host, not an alias."""
    outlet = outlet_from_site_row({"url": "https://www.ex.by/"})
    other = f"https://{prefix}ex.by/news/a-b-c/"
    assert outlet.owns_host(f"{prefix}ex.by")
    assert canonical_url(other, outlet) == "https://www.ex.by/news/a-b-c/"
    body = f'<html><head><link rel="canonical" href="{other}"></head></html>'.encode()
    assert disc.alias_of(body, "text/html", "https://www.ex.by/news/a-b-c/", outlet,
                         lambda u: outlet if outlet.owns_host(urlsplit(u).hostname) else None
                         ) is None
    assert not outlet_from_site_row({"url": "https://ex.by/"}).owns_host("sport.ex.by")


@pytest.mark.parametrize("href", ["/amp/news/a-b-c/", "/news/a-b-c.amp.html",
                                  "/amp/news/a-b-c.html", "/news/a-b-c/amp/"])
def test_a_page_naming_its_amp_copy_as_canonical_is_no_alias(href: str) -> None:
    """A template that names the AMP copy as canonical (the reverse of the standard) must not
    make the stripped-down AMP page the article: the page itself is."""
    outlet = outlet_from_site_row({"url": "https://ex.by/"})
    body = f'<html><head><link rel="canonical" href="{href}"></head></html>'.encode()
    assert disc.alias_of(body, "text/html", "https://ex.by/news/a-b-c/", outlet,
                         lambda u: outlet) is None
    assert disc.is_amp_url(f"https://ex.by{href}")
    assert not disc.is_amp_url("https://ex.by/news/campaign-amplifies-voices/")


@pytest.mark.parametrize(("url", "day"), [
    ("https://ex.by/news/2026/01/05/slug/", date(2026, 1, 5)),
    ("https://ex.by/news/20260105/slug/", date(2026, 1, 5)),
    ("https://ex.by/news/view.php?id=7&date=05.01.2026", date(2026, 1, 5)),
    ("https://ex.by/news/123456789/slug/", None),
    ("https://ex.by/1941/06/22/nachalo-voyny/", None),  # a day of history: no candidate's day
    ("https://ex.by/news/09-05-1945-den-pobedy/", None),
])
def test_the_day_of_a_candidate_is_read_from_every_url_form(url: str, day: date | None) -> None:
    """A day in a compact or query form places a candidate too: one outside the window
    takes no place under SITE_MAX_URLS and is never fetched."""
    assert disc.url_day(url) == day


FUTURE_URL_FORMS = ["https://ex.by/news/{d:%Y/%m/%d}/parad-pobedy/",
                    "https://ex.by/news/{d:%Y%m%d}/parad-pobedy/",
                    "https://ex.by/news/{d:%d-%m-%Y}-parad-pobedy/",
                    "https://ex.by/news/view.php?id=7&date={d:%d.%m.%Y}",
                    "https://ex.by/news/{d:%Y%m%d}/"]  # an id in a date's shape


@pytest.mark.parametrize("form", FUTURE_URL_FORMS)
def test_a_url_day_after_today_is_no_publication_day(form: str) -> None:
    """A day after today in a URL (an event its slug names, an id in a date's shape) dates no
    candidate: it was taken as the publication day and ruled the article out of every window
    unread; it is fetched and judged by its page, and still reads as an article link. Today
    and tomorrow (a zone ahead of UTC) stay its day."""
    today = datetime.now(UTC).date()
    later = today + timedelta(days=40)
    url = form.format(d=later)
    assert disc.url_day(url) is None
    found = disc.Candidate(url, None, disc.url_day(url), "home")
    assert disc.window_gap(found, today - timedelta(days=3), today - timedelta(days=1)) is None
    assert disc.looks_like_article(url)
    for day in (today, today + timedelta(days=1)):
        assert disc.url_day(form.format(d=day)) == day


@pytest.mark.parametrize("form", FUTURE_URL_FORMS)
def test_a_url_day_is_judged_as_of_the_pages_capture(form: str) -> None:
    """A URL's day is judged against when the page naming it was fetched (a replay's capture
    time), not the clock: a day after the capture, past by the time of a replay, is still
    no publication day, as the crawl judged it; one up to the day after stays one."""
    captured = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    later = form.format(d=date(2026, 1, 20))
    assert disc.url_day(later) == date(2026, 1, 20)  # the clock's judgement: a past day
    assert disc.url_day(later, captured) is None
    assert disc.day_span([later], captured) is None
    for day in (date(2026, 1, 6), date(2026, 1, 7)):
        assert disc.url_day(form.format(d=day), captured) == day


@pytest.mark.parametrize(("base", "want"), [
    ("/ru/", "https://ex.org/ru/news/a.html"),  # relative base: against the page
    ("https://cdn.ex.net/mirror/", "https://cdn.ex.net/mirror/news/a.html"),  # another host
    ("javascript:void(0)", "https://ex.org/section/news/a.html"),  # no base at all
    ("", "https://ex.org/section/news/a.html"),
    # a base that is no URL (it raised, ending the reading of the page): no base
    ("http://[::1", "https://ex.org/section/news/a.html"),
    ("http://[::1]x/", "https://ex.org/section/news/a.html"),
    ("https://cdn.ex.net:99999/", "https://ex.org/section/news/a.html"),
])
def test_links_and_canonical_resolve_against_the_base_href(base: str, want: str) -> None:
    """As a browser does: the page's first ``<base href>`` (an http(s) one) is what its
    relative links and ``rel="canonical"`` mean, whatever host it names."""
    from crawler.spiders.listings import page_links

    url = "https://ex.org/section/page.html"
    head = f'<head><base href="{base}"><link rel="canonical" href="news/a.html"></head>'
    html = f'<html>{head}<body><a href="news/a.html">a</a></body></html>'
    assert disc.declared_canonical(html, url) == want
    assert page_links(html, url) == [want]


@pytest.mark.parametrize("base", ["http://[::1", "http://[::1]x/", "https://ex.org:99999/"])
def test_a_base_href_that_is_no_url_ends_no_reading_of_the_page(base: str) -> None:
    """Pagers, shell pages and framesets read with such a ``<base href>`` resolve against the
    page itself, as with none (it raised ValueError out of the callback)."""
    from crawler.extraction.pages import named_pages

    url = "http://ex.org/d/page.html"
    head = f'<head><base href="{base}"></head>'
    tree = parse_html(f'<html>{head}<body><a rel="next" href="?page=2">2</a></body></html>')
    assert disc.next_page_link(tree, [], url, 1) == "http://ex.org/d/page.html?page=2"
    assert named_pages(tree, url) == 2
    frames = parse_html(f'<html>{head}<frameset><frame src="menu.html"></frameset></html>')
    assert disc.shell_targets(frames, url) == ["http://ex.org/d/menu.html"]
    html = f'<html>{head}<frameset><frame src="/main.html"></frameset></html>'
    assert disc.article_frames(html.encode(), "text/html", url) == ["http://ex.org/main.html"]
    assert disc.language_editions(frames, url) == []


@pytest.mark.parametrize(("html", "expected"), [
    ('<frameset><frame src="menu.html"><frame src="/main.html#top"></frameset>',
     ["http://ex.org/d/menu.html", "http://ex.org/main.html"]),
    ('<body><iframe src="//ex.org/portal/"></iframe></body>', ["http://ex.org/portal/"]),
    ('<body><a href="/ru/">Русский</a><a href="/be-by/index.php">Бел</a><a href="/about/">'
     'О нас</a><a href="/?lang=en">EN</a><a hreflang="pl" href="/polska">PL</a></body>',
     ["http://ex.org/ru/", "http://ex.org/be-by/index.php", "http://ex.org/?lang=en",
      "http://ex.org/polska"]),
    # next to links, an iframe is a video or a widget: not a page the home page shows
    ('<body><a href="/about/">О нас</a><iframe src="https://video.test/embed/1"></iframe>'
     '</body>', []),
    ('<body><iframe src="javascript:false"></iframe><iframe src="about:blank"></iframe>'
     '<iframe src="data:text/html,x"></iframe></body>', []),
])
def test_shell_targets_are_frames_linkless_iframes_and_language_links(
        html: str, expected: list[str]) -> None:
    assert disc.shell_targets(parse_html(html), "http://ex.org/d/") == expected


def test_srcdoc_links_resolve_against_the_page() -> None:
    tree = parse_html('<head><base href="http://ex.org/ru/"></head><body><iframe srcdoc="'
                      '&lt;a href=&quot;news/a-b-c.html&quot;&gt;x&lt;/a&gt;"></iframe>'
                      '<iframe srcdoc="   "></iframe></body>')
    assert disc.srcdoc_links(tree, "http://ex.org/") == ["http://ex.org/ru/news/a-b-c.html"]


def test_script_links_are_the_addresses_script_attributes_open() -> None:
    tree = parse_html(
        """<body><a href="#" onclick="location.href='/news/1.html'">a</a>
        <a href=" JAVASCRIPT:openNews(&quot;news/2.php?id=7&quot;)">b</a>
        <div onclick="window.open('http:\\/\\/ex.org\\/c\\/3\\/', '_blank', 'width=600')">c</div>
        <a href="javascript:void(0)" onclick="ga('send', 'event', 'click'); return true">d</a>
        <a href="javascript:go('mailto:x@ex.org')">e</a><span onclick="f('../up/4.html#x')">f</span>
        <b onclick="document.location = '../up/5.html#x'">g</b>
        </body>""")
    assert disc.script_links(tree, "http://ex.org/d/") == [
        "http://ex.org/news/1.html", "http://ex.org/d/news/2.php?id=7", "http://ex.org/c/3/",
        "http://ex.org/up/5.html"]
    assert disc.page_links(parse_html('<map><area href="/x/5.html"></map>'), "http://ex.org/") \
        == ["http://ex.org/x/5.html"]


def test_cards_a_script_opens_by_their_data_href_are_links() -> None:
    """A home page of cards (``<div data-href="…">``, a script opening each) linked no
    article: its articles were never found. An address it does not read as one, or an
    endpoint, is none."""
    tree = parse_html(
        """<body><div class="card" data-href="/news/v-rayone-otkryli-most.html">a</div>
        <li data-link="obshchestvo/123-slug.html">b</li><div onclick="location.href='/n/7.html'">c
        </div><div data-href="Подробнее">d</div><div data-href="/ajax/more.php?page=2">e</div>
        <a href="/x/1.html" data-href="/x/2.html">f</a>
        <div class="fb-post" data-href="https://www.facebook.com/gazeta/posts/1015"></div>
        <div data-href="https://news.ex.org/news/most-2.html">g</div></body>""")
    assert disc.script_links(tree, "http://ex.org/d/") == [
        "http://ex.org/news/v-rayone-otkryli-most.html", "http://ex.org/d/obshchestvo/123-slug.html",
        "http://ex.org/n/7.html", "https://news.ex.org/news/most-2.html"]


@pytest.mark.parametrize(("html", "expected"), [
    ('<html><head><base href="/ru/"></head><FRAMESET rows="90,*"><frame src="/top.html">'
     '<frame src="news/novost-2301_text.html#t" name="content"></FRAMESET></html>',
     ["http://ex.org/ru/news/novost-2301_text.html"]),
    ('<frameset><frame src="top.html"><frame src="text.html"><frame src="javascript:false">'
     '</frameset>', ["http://ex.org/n/text.html"]),  # not the banner
    ('<html><body><iframe src="/news/novost-2301.html"></iframe><p>frame</p></body></html>',
     []),
])
def test_article_frames_of_a_frameset_page(html: str, expected: list[str]) -> None:
    assert disc.article_frames(html.encode(), "text/html", "http://ex.org/n/a.html") == expected


def test_page_links_send_a_raw_query_in_the_pages_charset() -> None:
    tree = parse_html('<a href="/новости/view.php?rub=Новости&amp;id=7">a</a><a href="/b?x=1">')
    assert disc.page_links(tree, "http://ex.org/", "cp1251") == [
        "http://ex.org/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/view.php?rub=%CD%EE%E2%EE%F1"
        "%F2%E8&id=7", "http://ex.org/b?x=1"]
    assert disc.page_links(tree, "http://ex.org/")[0] == "http://ex.org/новости/view.php?rub=Новости&id=7"


def test_a_list_is_oldest_first_when_a_page_comes_after_the_previous_one() -> None:
    page1 = disc.day_span(["http://ex.org/news/20251220/a-b-c/", "http://ex.org/x/",
                           "http://ex.org/news/20251223/d-e-f/"])
    assert page1 == "2025-12-20/2025-12-23"
    assert disc.after_span("2025-12-23/2025-12-26", page1)  # a shared day: one page ends it
    assert not disc.after_span("2025-12-17/2025-12-20", page1)  # newest first
    assert not disc.after_span("2025-12-23/2025-12-23", "2025-12-23/2025-12-23")  # one day
    assert not disc.after_span(None, page1) and not disc.after_span(page1, None)
    assert disc.day_span(["http://ex.org/about/"]) is None


def test_a_frameset_of_endless_frames_names_a_bounded_few() -> None:
    html = "<frameset>" + "".join(f'<frame src="/f/{n}.html">' for n in range(5000))
    frames = disc.article_frames(html.encode(), "text/html", "http://ex.org/")
    # (those that read as articles first: /f/1000.html has a numeric id)
    assert frames == [f"http://ex.org/f/{n}.html" for n in range(1000, 1000 + disc.MAX_FRAMES)]


def test_a_link_the_pages_charset_cannot_spell_loses_no_other_link() -> None:
    # one share link with ₽ (no windows-1251 byte) made the whole page unreadable
    tree = parse_html('<a href="/view.php?rub=Новости&amp;id=1">a</a>'
                      '<a href="https://vk.com/share.php?title=Новости ₽">b</a>'
                      '<a href="/view.php?rub=Спорт&amp;id=2&amp;s=😀">c</a>')
    assert disc.page_links(tree, "http://ex.org/", "cp1251") == [
        "http://ex.org/view.php?rub=%CD%EE%E2%EE%F1%F2%E8&id=1",
        # an unencodable character is sent as a browser sends it: &#NNNN; in the charset
        "https://vk.com/share.php?title=%CD%EE%E2%EE%F1%F2%E8%20%26%238381%3B",
        "http://ex.org/view.php?rub=%D1%EF%EE%F0%F2&id=2&s=%26%23128512%3B"]


def test_script_links_to_actions_are_no_links() -> None:
    tree = parse_html(
        """<body>
        <a href="javascript:vote('/ajax/vote.php?id=5',1)">decoy</a>
        <a href="javascript:addComment('/comments/add.php?id=9')">decoy</a>
        <a href="javascript:void(ratePost('/news/rate.php?id=3', 5))">decoy</a>
        <a href="javascript:doLike('/n/like.php?id=4')">decoy</a>
        <a href="javascript:share_vk('https://vk.com/share.php?url=x')">decoy</a>
        <a href="javascript:openNews('/api/news.php?id=6')">decoy: an API endpoint</a>
        <a href="javascript:popup('/login.php?back=/news/1.html')">decoy: a login form</a>
        <a href="javascript:openNews('/news/comments-on-the-budget-12.html')">1</a>
        <a href="javascript:showArticle('/article.php?id=13')">2</a>
        <a href="javascript:window.open('/news/14.html','_blank','width=600')">3</a>
        <a href="javascript:popup('/photo/15.html', 600, 400)">4</a>
        <a href="javascript:goTo(encodeURI('/news/16.html'))">5</a>
        <a href="javascript:showPost('/post/17.html')">6</a>
        <a href="#" onclick="location.href='/ajax/vote.php?id=18'">decoy</a>
        <a href="#" onclick="location.href='/news.php?id=' + id">decoy: a computed address</a>
        </body>""")
    assert disc.script_links(tree, "http://ex.org/") == [
        "http://ex.org/news/comments-on-the-budget-12.html", "http://ex.org/article.php?id=13",
        "http://ex.org/news/14.html", "http://ex.org/photo/15.html", "http://ex.org/news/16.html",
        "http://ex.org/post/17.html"]


@pytest.mark.parametrize(("html", "expected"), [
    ('<frameset rows="80,*"><frame src="banner.htm"><frameset cols="150,*">'
     '<frame src="menu.htm"><frame src="content.php?n=123"></frameset></frameset>',
     ["http://ex.org/n/content.php?n=123"]),
    ('<frameset cols="20%,*,15%"><frame src="a.htm" name="links">'
     '<frame src="b.htm" name="main"><frame src="c.htm"></frameset>',
     ["http://ex.org/n/b.htm"]),  # the frame named main
    ('<frameset cols="*,200"><frame src="x.htm"><frame src="y.htm"></frameset>',
     ["http://ex.org/n/x.htm"]),  # the frame given the rest ('*') of the page
    ('<frameset rows="60,*,40"><frame src="/top.html"><frame src="/show.htm">'
     '<frame src="/counter.htm"></frameset>', ["http://ex.org/show.htm"]),
    ('<frameset><frame src="/left.htm" name="leftMenu"><frame src="/nav/topbar.htm">'
     '</frameset>', []),  # nothing but furniture
])
def test_a_frameset_whose_frames_read_as_no_article_shows_one_page(html: str,
                                                                   expected: list[str]) -> None:
    assert disc.article_frames(html.encode(), "text/html", "http://ex.org/n/a.html") == expected


def test_an_onclick_address_the_script_adds_to_is_no_link() -> None:
    # (the literal is the start of a computed address: the rule js_redirect_target has)
    tree = parse_html("""<a href="#" onclick="location.href='/news.php?id=' + id">a</a>
        <a href="#" onclick="window.location.replace( '/news/7.html' )">b</a>""")
    assert disc.script_links(tree, "http://ex.org/") == ["http://ex.org/news/7.html"]


def test_a_list_oldest_first_ends_after_the_sites_today_not_utcs() -> None:
    """At 01:30 in Minsk (22:30 UTC, the day before) a page of the site's today's articles is
    in the window, not after it: an oldest-first walk goes on to it. Today is the day the page
    was fetched (a replay's capture), not the machine's."""
    from crawler.spiders.listings import ListingLink, ListingPage
    from crawler.spiders.site import SiteSpider

    fetched = datetime(2026, 3, 10, 22, 30, tzinfo=ZoneInfo("UTC"))
    spider = SiteSpider(url="http://minsk.test/", timezone="Europe/Minsk", since="2026-03-01")
    outlet = outlet_from_site_row({"url": "http://minsk.test/", "timezone": "Europe/Minsk"})
    today = ListingPage([ListingLink("http://minsk.test/news/2026/03/11/a-b-c/", date(2026, 3, 11))])
    assert not spider.after_window(today, outlet, fetched)
    tomorrow = ListingPage([ListingLink("http://minsk.test/news/2026/03/12/d-e/", date(2026, 3, 12))])
    assert spider.after_window(tomorrow, outlet, fetched)


def test_a_day_archive_stop_on_the_impossible_days_page_needs_a_day_with_an_article() -> None:
    """The trial days shown as the impossible day's page are no proof alone: a day the home
    page links an article of is asked once (taken from the held days when the walk holds
    it); the home page's copy needs none, nor does a trial that held such a day."""
    home, empty = (disc.PageSignature(d, frozenset({f"/{d}/"})) for d in ("home", "empty"))
    days = [date(2026, 1, d) for d in range(7, 0, -1)]
    assert disc.check_day([None, date(2026, 1, 9), date(2026, 1, 5)], [date(2026, 1, 9)]) is None
    assert disc.check_day([None], days) is None
    walk = disc.ArchiveWalk("/news/", home, list(days), probe=empty, trial=[empty] * 3,
                            check=disc.check_day([date(2026, 1, 5), date(2026, 1, 6)], []))
    assert walk.same_page() == "the page of an impossible day"
    assert walk.needs_check() == (date(2026, 1, 6), True)
    assert date(2026, 1, 6) not in walk.days and walk.needs_check() is None
    walk = disc.ArchiveWalk("/news/", home, list(days), probe=empty, trial=[home] * 3,
                            check=date(2026, 1, 6))
    assert walk.needs_check() is None and len(walk.days) == 7
    walk = disc.ArchiveWalk("/news/", home, list(days), probe=empty, trial=[empty] * 3,
                            check=date(2026, 2, 1))
    assert walk.needs_check() == (date(2026, 2, 1), False)


def test_a_crowded_srcdoc_is_not_parsed() -> None:
    """An embedded document is parsed on the event loop as its page is: one whose markup
    would take lxml minutes (an element of thousands of attributes) is passed over."""
    crowded = "&lt;a href=news/x.html " + " ".join(f"a{i}=1" for i in range(2_000)) + "&gt;x"
    tree = parse_html(f'<body><iframe srcdoc="{crowded}"></iframe><iframe srcdoc="'
                      '&lt;a href=/news/a-b-c.html&gt;x&lt;/a&gt;"></iframe></body>')
    assert disc.srcdoc_links(tree, "http://ex.org/") == ["http://ex.org/news/a-b-c.html"]


HEADLINE = "В Гродно открыли новый мост через Неман"


@pytest.mark.parametrize(("href", "text", "article"), [
    ("/news/101/", HEADLINE, True),
    ("novosti/7", HEADLINE, True),  # relative to the page's folder
    ("/news/101/", "2", False),  # a number's text: a pager
    ("/news/101/", "Читать далее", False),
    ("/page/2/", HEADLINE, False),  # under a paging or listing word
    ("/category/5/", HEADLINE, False),
    ("/author/ivan-petrov/2/", HEADLINE, False),
    ("/2026/11/", "Архив новостей за ноябрь 2026", False),
    ("/7/", HEADLINE, False),  # a number alone under the root: no section names it
    ("/news/1234/", HEADLINE, False),  # four digits: looks_like_article's already
    # a short id as CMSs write it (NetCat, static .html), a slug of two words (MODX)
    ("/news/news_123.html", HEADLINE, True),
    ("/news/123.html", HEADLINE, True),
    ("/novosti/traktor-yubilej.html", HEADLINE, True),
    ("/novosti/traktor-yubilej/", HEADLINE, True),
    ("/novosti/traktor-yubilej.html", "Трактор", False),  # no headline's text
    ("/category/news_12.html", HEADLINE, False),
    ("/news/news_1234_old.html", HEADLINE, False),
    # words joined by underscores: no slug to looks_like_article, so a site linking its
    # articles so from its home page alone lost them all
    ("/novosti/v_grodno_otkryli_most.html", HEADLINE, True),
    ("/obshchestvo/v_grodno_otkryli_most/", HEADLINE, True),
    ("/novosti/v_grodno_otkryli_most.html", "Мост", False),
    ("/category/v_grodno_otkryli_most/", HEADLINE, False),
    ("/news/all_news.html", "Все новости района за неделю", False),  # two words: a section
])
def test_a_short_id_is_an_article_link_on_its_headline(href: str, text: str, article: bool
                                                        ) -> None:
    tree = parse_html(f'<html><body><p><a href="{href}">{text}</a></p></body></html>')
    found = disc.headlined_ids(tree, "https://ex.org/ru/")
    assert bool(found) is article
    if article:
        assert found <= set(disc.page_links(tree, "https://ex.org/ru/"))


def test_a_row_whose_url_is_no_string_is_refused() -> None:
    """``url = 5`` was taken for the host "5" (``https://5/``) and crawled."""
    with pytest.raises(SiteRowError, match=r"'url' must be a site address .*, not 5$"):
        load_rows([{"url": 5}])


def test_a_timezone_without_an_address_is_a_usage_error() -> None:
    """``-a timezone=UTC`` goes with ``-a url``: alone it was ignored, the run crawling
    nothing (exit 0)."""
    from scrapy.exceptions import UsageError

    from crawler.spiders.site import SiteSpider

    with pytest.raises(UsageError, match="-a timezone goes with -a url"):
        SiteSpider.check_arguments(timezone="UTC")


def test_a_source_giving_every_entry_one_instant_is_dated_by_its_build_time() -> None:
    built = datetime(2026, 12, 4, 5, 0, tzinfo=ZoneInfo("Europe/Minsk"))
    assert disc.one_instant(Counter({built: 12}))
    assert not disc.one_instant(Counter({built: 2}))  # too few to tell
    assert not disc.one_instant(Counter({built: 6, built - timedelta(hours=1): 6}))


def test_a_page_date_far_from_its_sources_disagrees_a_near_one_does_not() -> None:
    minsk = ZoneInfo("Europe/Minsk")
    given = datetime(2026, 12, 4, 5, 0, tzinfo=minsk)
    assert disc.dates_disagree(datetime(2026, 12, 2, 9, 15), given, minsk)  # naive: site's
    assert not disc.dates_disagree(datetime(2026, 12, 4, 4, 40), given, minsk)
    assert not disc.dates_disagree(datetime(2026, 12, 4, 2, 0, tzinfo=ZoneInfo("UTC")), given,
                                   minsk)  # one instant on another clock


def test_a_page_gives_its_machine_date_else_the_one_it_prints() -> None:
    machine = ('<html><head><meta property="article:published_time" '
               'content="2026-12-02T09:15:00+03:00"></head><body><h1>Заголовок новости</h1>'
               '<p>Текст.</p></body></html>')
    assert disc.page_published(parse_html(machine)) == datetime.fromisoformat(
        "2026-12-02T09:15:00+03:00")
    printed = ('<html><body><article><h1>Заголовок новости района</h1><div class="date">'
               "02.12.2026 09:15</div><p>Текст новости района, достаточно длинный.</p>"
               "</article></body></html>")
    assert disc.page_published(parse_html(printed)) == datetime(2026, 12, 2, 9, 15)


def test_a_source_whose_dates_proved_wrong_is_undated_and_its_ruled_out_entries_return(
        ) -> None:
    outlet = outlet_from_site_row({"url": "http://gazeta.test/", "key": "gazeta.test",
                                   "timezone": "Europe/Minsk"})
    state = disc.SiteState({"url": "http://gazeta.test/"}, outlet)
    built = datetime(2026, 12, 9, 5, 0, tzinfo=ZoneInfo("Europe/Minsk"))
    feed = "http://gazeta.test/rss.xml"
    held = disc.Candidate("http://gazeta.test/news/1-a/", built, None, "feed", None, feed)
    state.add(held, "/news/1-a/", 10)
    state.ruled_out.append(replace(held, url="http://gazeta.test/news/2-b/"))
    assert not state.reach_back(date(2026, 12, 2))
    kept = state.undate(feed, lambda found: disc.UNDATED, lambda url: urlsplit(url).path, 10)
    assert kept == 2 and feed in state.untrusted and not state.ruled_out
    assert all(found.published is None for found in state.candidates.values())
    assert not state.reach_back(date(2026, 12, 2))  # its entries tell nothing of the reach


@pytest.mark.parametrize(("links", "url", "want"), [
    ('<a href="/news/?start=4" title="Следующая">Следующая</a>', "http://x.by/",
     "http://x.by/news/?start=4"),
    ('<a href="/news/2/">2</a> <a href="/news/2/">Далее »</a>', "http://x.by/",
     "http://x.by/news/2/"),
    ('<a href="/news/?offset=8">« Предыдущие новости</a><a href="/news/?offset=0">Следующие '
     "новости »</a>", "http://x.by/news/?offset=4", "http://x.by/news/?offset=8"),
    ('<a href="/news/1234-novost-dnya/">Далее</a><a href="/news/1235-novost-dnya/">Далее</a>',
     "http://x.by/", None),  # teasers' links to their articles
    ('<a href="/news/7/">Читать далее</a><a href="/rubric/5/">Ещё</a>', "http://x.by/", None),
    ('<a href="http://other.by/news/2/">Далее</a>', "http://x.by/", None),
    # a "load more" button carrying the next page's address (no <a>, no rel)
    ('<button class="js-load-more" data-href="/news/?page=2">Показать ещё</button>',
     "http://x.by/", "http://x.by/news/?page=2"),
    ('<div class="more" data-url="/news/?page=3"><span>Загрузить ещё</span></div>',
     "http://x.by/news/?page=2", "http://x.by/news/?page=3"),
    ('<button data-href="/news/?page=2">Подписаться</button>', "http://x.by/", None),
])
def test_a_list_paged_only_by_its_words_is_walked_by_them(links: str, url: str,
                                                          want: str | None) -> None:
    tree = parse_html(f"<html><body><ul></ul><div>{links}</div></body></html>")
    assert disc.next_page_link(tree, [], url, 1) == want


@pytest.mark.parametrize(("links", "found"), [
    ('<a href="/news/">Все новости →</a>', "http://gorod.by/news/"),
    ('<a href="/novosti/">Новости</a><a href="/lenta/">Лента новостей</a>',
     "http://gorod.by/lenta/"),  # "all" words before a menu's bare name
    ('<a href="/naviny/">Усе навіны</a>', "http://gorod.by/naviny/"),
    ('<a href="https://gorod.by/en/news/#top">All news</a>', "https://gorod.by/en/news/"),
    # two rubrics' "Все новости": no one list of all news, unless the menu names one
    ('<a href="/society/">Все новости</a><a href="/sport/">Все новости</a>', None),
    ('<a href="/novosti/">Новости</a><a href="/society/">Все новости</a><a href="/sport/">'
     'Все новости</a>', "http://gorod.by/novosti/"),
    ('<a href="/rss.xml">Все новости</a><a href="/feed/">Лента</a>', None),  # feeds
    ('<a href="/news/2026/01/05/vstrecha-v-minske/">Новости</a>', None),  # an article
    ('<a href="http://other.by/news/">Все новости</a>', None),  # another host
    ('<a href="/">Все новости</a><a href="/news/">Все новости района сегодня</a>', None),
    ('<a href="/society/">Общество</a><a href="/news/">Читать все новости района</a>', None),
    # one list under two spellings is one list
    ('<a href="/news/">Все новости</a><a href="/news?utm_source=block#all">Все новости</a>',
     "http://gorod.by/news/"),
    # a rubric, a tag, a search, the home page spelt out, a feed: no list of all news
    ('<a href="/category/obshchestvo/">Новости</a>', None),
    ('<a href="/tag/novosti/">Новости</a>', None),
    ('<a href="/search/?q=новости">Все новости</a>', None),
    ('<a href="/?all=1">Все новости</a>', None), ('<a href="/index.php">Все новости</a>', None),
    ('<a href="/rss/all/">Все новости</a>', None),
])
def test_a_home_pages_list_of_all_news_is_the_one_address_its_words_name(
        links: str, found: str | None) -> None:
    tree = parse_html(f"<html><body><nav>{links}</nav></body></html>")
    assert disc.news_section(tree, "http://gorod.by/") == found


@pytest.mark.parametrize(("home", "links", "found"), [
    # the list on a subdomain or the www./bare host of the site, or under the other scheme
    ("http://gorod.by/", '<a href="https://news.gorod.by/">Все новости</a>',
     "https://news.gorod.by/"),
    ("http://gorod.by/", '<a href="http://news.gorod.by/all/">Лента новостей</a>',
     "http://news.gorod.by/all/"),
    ("https://www.gorod.by/", '<a href="https://gorod.by/news/">Все новости</a>',
     "https://gorod.by/news/"),
    ("https://gorod.com.by/", '<a href="https://lenta.gorod.com.by/">Все новости</a>',
     "https://lenta.gorod.com.by/"),
    ("https://gorod.by/", '<a href="http://gorod.by/news/">Все новости</a>',
     "http://gorod.by/news/"),
    # another site's list, one under the same second level (.com.by), or a rubric, a tag,
    # a search there: none; nor the www. spelling of the home page itself
    ("http://gorod.by/", '<a href="http://news.other.by/">Все новости</a>', None),
    ("https://gorod.com.by/", '<a href="https://other.com.by/news/">Все новости</a>', None),
    ("http://gorod.by/", '<a href="http://news.gorod.by/tag/novosti/">Все новости</a>', None),
    ("http://gorod.by/", '<a href="http://news.gorod.by/category/a/">Новости</a>', None),
    ("http://gorod.by/", '<a href="http://news.gorod.by/search/?q=a">Все новости</a>', None),
    ("http://gorod.by/", '<a href="http://www.gorod.by/">Все новости</a>', None),
    # another customer of the same hosting service, or the service itself
    ("http://gorod.narod.ru/", '<a href="http://selo.narod.ru/news/">Все новости</a>', None),
    ("http://gorod.narod.ru/", '<a href="http://narod.ru/news/">Все новости</a>', None),
])
def test_a_list_of_all_news_on_another_host_of_the_site_is_the_sites(
        home: str, links: str, found: str | None) -> None:
    """A list on ``news.<site>`` or the site's www./bare host was taken for another site's:
    the window's articles were never found."""
    tree = parse_html(f"<html><body><nav>{links}</nav></body></html>")
    assert disc.news_section(tree, home) == found


def test_a_sister_hosts_articles_keep_their_host_and_are_fetched_there() -> None:
    """An outlet owning ``news.gorod.by`` as a sister host: its articles are the site's,
    keyed and fetched under their own host (``/a/`` there is not ``/a/`` on gorod.by)."""
    outlet = outlet_from_site_row({"url": "https://gorod.by/", "sister_hosts": ["news.gorod.by"]})
    article = "http://news.gorod.by/news/5-novost/?utm_source=x"
    assert outlet.owns_host("news.gorod.by") and not outlet.owns_host("news.other.by")
    # one article under any spelling of its host: the site's scheme, no trailing dot or www.
    for spelling in (article, "https://NEWS.gorod.by./news/5-novost/",
                     "http://www.news.gorod.by/news/5-novost/"):
        assert canonical_url(spelling, outlet) == "https://news.gorod.by/news/5-novost/"
        assert site_path(spelling, outlet) == "//news.gorod.by/news/5-novost/"
    assert canonical_url("http://www.gorod.by/a/", outlet) == "https://gorod.by/a/"
    assert sister_base(article, outlet) == "http://news.gorod.by"
    assert sister_base("https://www.news.gorod.by./a/", outlet) == "https://news.gorod.by"
    assert sister_base("https://gorod.by/news/5-novost/", outlet) is None
    assert site_path("https://www.gorod.by/news/5-novost/", outlet) == "/news/5-novost/"


@pytest.mark.parametrize(("url", "row", "pages", "channels", "guessed"), [
    ("http://gazeta.ru/", {}, {}, {}, True),  # naive dates only, eleven zones
    ("http://gazeta.ru/", {}, {}, {0: 3}, True),  # a feed's GMT says when, not where
    ("http://gazeta.ru/", {}, {3: 1}, {}, False),
    ("http://gazeta.ru/", {}, {0: 2}, {}, False),  # pages printing UTC: UTC on evidence
    ("http://gazeta.ru/", {}, {}, {3: 1}, False),
    ("http://gazeta.ru/", {"timezone": "UTC"}, {}, {}, False),
    ("http://rayon.by/", {}, {}, {}, False),
])
def test_a_zone_taken_for_want_of_any_evidence_is_known_as_guessed(
        url: str, row: dict, pages: dict, channels: dict, guessed: bool) -> None:
    """The crawl warns of it: a .ru site printing naive dates had every item three hours
    off, with an INFO line only."""
    state = disc.SiteState({"url": url, **row}, outlet_from_site_row({"url": url, **row}))
    state.page_offsets.update({timedelta(hours=h): n for h, n in pages.items()})
    state.channel_offsets.update({timedelta(hours=h): n for h, n in channels.items()})
    assert state.zone_guessed() is guessed


def _dated_page(machine: str, printed: str) -> str:
    return (f'<html><head><meta property="article:published_time" content="{machine}">'
            '</head><body><article><h1>Заголовок новости района</h1><div class="date">'
            f"{printed}</div><p>Текст новости района, достаточно длинный.</p>"
            "</article></body></html>")


def test_a_machine_date_pages_printing_other_days_share_is_found_the_templates() -> None:
    """Once: on the third page giving it; a page's dates noted twice count once; a daily
    paper's pages of one day sharing a date keep it theirs."""
    template = datetime.fromisoformat("2026-11-30T00:00:00+03:00")
    found = disc.MachineDates()
    assert found.note("u1", template, datetime(2026, 11, 12, 14, 5)) is None
    assert found.note("u1", template, datetime(2026, 11, 12, 14, 5)) is None
    assert found.note("u2", template, datetime(2026, 11, 13, 9, 0)) is None
    assert found.note("u3", template, datetime(2026, 11, 30, 8, 0)) == template
    assert found.note("u4", template, datetime(2026, 11, 14, 8, 0)) is None  # said once
    assert found.template == {template} and found.isoformats() == [template.isoformat()]
    assert found.misdated(template) == ["u1", "u2"]  # u3 prints the template's day
    daily = disc.MachineDates()
    day = datetime.fromisoformat("2026-11-12T00:00:00+03:00")
    assert all(daily.note(f"u{i}", day, datetime(2026, 11, 12, 8 + i)) is None
               for i in range(10))
    assert not daily.template
    assert daily.note("u", None, datetime(2026, 11, 12)) is None
    assert daily.note("v", day, None) is None


def test_zone_samples_sharing_a_template_date_are_dated_by_what_they_print() -> None:
    outlet = outlet_from_site_row({"url": "https://ex.org/"})
    state = disc.SiteState({"url": "https://ex.org/"}, outlet)
    template = "2026-11-30T00:00:00+03:00"
    printed = ["12.11.2026 14:05", "13.11.2026 09:00", "14.11.2026 18:30"]
    said = [state.note_sample(f"k{i}", f"https://ex.org/{i}", parse_html(_dated_page(template, p)))
            for i, p in enumerate(printed)]
    assert said == [None, None, datetime.fromisoformat(template)]
    assert state.sample_dates == {"k0": datetime(2026, 11, 12, 14, 5),
                                  "k1": datetime(2026, 11, 13, 9, 0),
                                  "k2": datetime(2026, 11, 14, 18, 30)}


def test_sitemap_record_dates_are_bounded_by_the_sitemaps_fetch() -> None:
    """A news date or ``lastmod`` more than two days after the sitemap was fetched is none
    (as a feed's: ``dates.publication_date``), judged by that fetch (a replay's capture time),
    not by the machine's clock; a null news date leaves the ``lastmod``."""
    fetched = datetime(2026, 1, 5, 12, tzinfo=UTC)
    document = (b'<urlset xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
                b"<url><loc>https://ex.org/a.html</loc><news:news><news:publication_date>"
                b"2026-03-01T10:00:00Z</news:publication_date></news:news></url>"
                b"<url><loc>https://ex.org/b.html</loc><lastmod>2026-01-06T10:00:00Z</lastmod>"
                b"</url><url><loc>https://ex.org/c.html</loc><lastmod>2026-01-04T10:00:00Z"
                b"</lastmod><news:news><news:publication_date>1970-01-01T00:00:00Z"
                b"</news:publication_date></news:news></url></urlset>")
    assert [r.published for r in disc.sitemap_records(document, fetched)] == [
        None, datetime(2026, 1, 6, 10, tzinfo=UTC), datetime(2026, 1, 4, 10, tzinfo=UTC)]


@pytest.mark.parametrize(("host", "winter", "summer"), [
    ("news.kz", "+05:00", "+05:00"), ("газета.қаз", "+05:00", "+05:00"),
    ("news.uz", "+05:00", "+05:00"), ("news.kg", "+06:00", "+06:00"),
    ("news.tj", "+05:00", "+05:00"), ("news.tm", "+05:00", "+05:00"),
    ("news.am", "+04:00", "+04:00"), ("news.az", "+04:00", "+04:00"),
    ("news.ge", "+04:00", "+04:00"), ("news.md", "+02:00", "+03:00"),
    ("news.lt", "+02:00", "+03:00"), ("news.lv", "+02:00", "+03:00"),
    ("news.ee", "+02:00", "+03:00"), ("газета.укр", "+02:00", "+03:00"),
])
def test_the_regions_country_domains_print_their_countrys_clock(host: str, winter: str,
                                                                 summer: str) -> None:
    """A naive date of a site of the region's one-zone countries is its country's wall
    clock (as the tz database keeps it), in winter and summer, not UTC."""
    zone = ZoneInfo(vote_zone(Counter(), outlet_from_site_row({"url": f"https://{host}/"}).host))
    assert datetime(2026, 1, 15, 12, 0, tzinfo=zone).isoformat()[-6:] == winter
    assert datetime(2026, 7, 15, 12, 0, tzinfo=zone).isoformat()[-6:] == summer


def test_a_kz_sites_dates_follow_kazakhstans_move_to_one_zone() -> None:
    """Kazakhstan's capital and east left UTC+6 for UTC+5 on 2024-03-01: a .kz page's naive
    date before it is read at +06:00, after it at +05:00; +05:00 printed is Kazakhstan's."""
    zone = ZoneInfo(vote_zone(Counter(), "tengrinews.kz"))
    assert datetime(2024, 2, 29, 12, 0, tzinfo=zone).isoformat()[-6:] == "+06:00"
    assert datetime(2024, 3, 1, 12, 0, tzinfo=zone).isoformat()[-6:] == "+05:00"
    assert vote_zone(Counter({timedelta(hours=5): 3}), "tengrinews.kz") == "Asia/Almaty"
