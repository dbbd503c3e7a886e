"""Finding a news site's articles with no configuration: feeds, sitemaps, date archives.

What a site announces is used first: ``<link rel="alternate">`` feeds on its home page (common
feed paths only when it announces none), ``Sitemap:`` lines of robots.txt (common sitemap paths
when it lists none), sitemap indexes followed to a bounded depth, Google News sitemaps
(``news:publication_date``, ``news:title``), and date archives when the home page links
articles under ``/YYYY/MM/DD/``. Feeds and sitemaps are read with the streaming parsers of
:mod:`crawler.feeds`. Everything is bounded: sitemaps fetched, depth, URLs kept per site.

The site's time zone, when nobody gives it, is the offset most of the dates it prints carry
(pages first: JSON-LD, ``article:published_time``, ``<time datetime>``; feeds and sitemaps
only when pages carry none, since CMSs write those in UTC whatever the site's zone).

Pure functions and a per-site state; the ``site`` spider does the fetching.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

from lxml import etree
from protego import Protego
from scrapy.utils.gz import gunzip

from crawler.extraction import dates
from crawler.extraction.html import all_values, first_value
from crawler.extraction.metadata import json_ld_objects
from crawler.feeds import _child_text, _local, iter_records
from crawler.outlets.base import Outlet
from crawler.siteoutlets import GENERIC_KEEP_QUERY, outlet_from_site_row, vote_zone

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml",
              "application/xml", "text/xml")
COMMON_FEED_PATHS = ("/feed", "/rss", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml",
                     "/feed/", "/rss/", "/?feed=rss2")
COMMON_SITEMAP_PATHS = ("/sitemap.xml", "/sitemap_index.xml", "/news-sitemap.xml",
                        "/sitemap-news.xml")
MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit, uncompressed
_DATE_PATH = re.compile(r"^(?P<prefix>/(?:[\w-]+/){0,2}?)(?P<y>(?:19|20)\d\d)/(?P<m>[01]\d)/"
                        r"(?P<d>[0-3]\d)/")
_SLUG = re.compile(r"[\w]+(?:-[\w]+){2,}|\d{4,}")  # a headline slug or a numeric id


@dataclass(frozen=True)
class Candidate:
    """An article URL found by discovery, with what the channel said about it."""

    url: str
    published: datetime | None  # aware when the channel printed an offset
    day: date | None  # the day a date archive or dated URL gives
    channel: str  # feed, news_sitemap, sitemap, archive, home
    title: str | None = None  # the title the feed or news sitemap gave

    def moment(self) -> datetime | date | None:
        return self.published or self.day


@dataclass(frozen=True)
class SitemapRecord:
    kind: str  # "url" or "sitemap"
    loc: str
    published: datetime | None  # news:publication_date, else lastmod
    news: bool  # a Google News entry
    title: str | None = None  # news:title


# --- pages ---------------------------------------------------------------------------------
def announced_feeds(tree: etree._Element, base: str) -> list[str]:
    """Feeds the page announces with ``<link rel="alternate" type="…rss+xml|atom+xml">``."""
    found: list[str] = []
    for node in tree.iter("link"):
        rel = (node.get("rel") or "").lower().split()
        kind = (node.get("type") or "").lower().split(";")[0].strip()
        href = (node.get("href") or "").strip()
        if "alternate" in rel and kind in FEED_TYPES and href:
            url = urljoin(base, href)
            if url not in found:
                found.append(url)
    return found


def site_name(tree: etree._Element) -> str | None:
    name = first_value(tree, ('meta[property="og:site_name"] @content',
                              'meta[name="application-name"] @content', "title"))
    return " ".join(name.split()) if name and name.strip() else None


def printed_offsets(tree: etree._Element) -> list[timedelta]:
    """UTC offsets of the publication dates a page prints in machine-readable form."""
    values: list[str] = []
    for obj in json_ld_objects(tree):
        values += [v for k in ("datePublished", "dateModified", "dateCreated", "uploadDate")
                   if isinstance(v := obj.get(k), str)]
    values += all_values(tree, ('meta[property="article:published_time"] @content',
                                'meta[property="article:modified_time"] @content',
                                'meta[itemprop="datePublished"] @content',
                                "time @datetime"))
    return offsets_of(dates.parse_iso(v) for v in values)


def offsets_of(moments: Iterable[datetime | None]) -> list[timedelta]:
    found = []
    for moment in moments:
        offset = moment.utcoffset() if moment is not None and moment.tzinfo else None
        if offset is not None:
            found.append(offset)
    return found


# --- robots.txt and sitemaps -----------------------------------------------------------------
def robots_sitemaps(body: bytes, base: str) -> list[str]:
    """``Sitemap:`` URLs of a robots.txt (protego parses it as Scrapy's robots middleware)."""
    try:
        parser = Protego.parse(body.decode("utf-8", "replace"))
    except Exception:  # noqa: BLE001 - a robots.txt protego cannot read lists nothing
        return []
    return _absolute(parser.sitemaps, base)


def parser_sitemaps(robotparser: Any, base: str) -> list[str] | None:
    """``Sitemap:`` URLs from the parser Scrapy's robots middleware built (``robots_parsed``).

    Scrapy's Protego and Python parsers keep the parsed file as ``rp``; None for a parser
    that does not show its sitemaps (the caller then reads robots.txt itself).
    """
    listed = getattr(getattr(robotparser, "rp", None), "sitemaps", None)
    return None if listed is None else _absolute(listed, base)


def _absolute(urls: Iterable[str], base: str) -> list[str]:
    return list(dict.fromkeys(urljoin(base, url.strip()) for url in urls if url))


def sitemap_body(body: bytes) -> bytes:
    """The XML of a sitemap, gunzipped (bounded) when it is a ``.xml.gz`` file."""
    if body[:2] == b"\x1f\x8b":
        try:
            return gunzip(body, max_size=MAX_SITEMAP_BYTES)
        except (OSError, EOFError, ValueError):
            return b""
    return body


def sitemap_records(body: bytes) -> Iterator[SitemapRecord]:
    """Each ``<url>`` and ``<sitemap>`` entry, with ``news:publication_date`` when given."""
    for node in iter_records(sitemap_body(body), ("url", "sitemap")):
        loc = _child_text(node, "loc")
        if not loc:
            continue
        news = next((c for c in node if _local(c.tag) == "news"), None)
        published = dates.parse_iso(_child_text(news, "publication_date") or "") if (
            news is not None) else None
        published = published or dates.parse_iso(_child_text(node, "lastmod") or "")
        title = _child_text(news, "title") if news is not None else None
        yield SitemapRecord(_local(node.tag), loc.strip(), published, news is not None, title)


# --- date archives and home-page links -----------------------------------------------------
def archive_prefix(urls: Iterable[str], host: str) -> str | None:
    """The path prefix of a date archive (``/``, ``/news/``) when at least two links of the
    site's own pages sit under ``<prefix>YYYY/MM/DD/``; None when the site shows none."""
    prefixes: Counter[str] = Counter()
    for url in urls:
        parts = urlsplit(url)
        if (parts.hostname or "").removeprefix("www.") != host.removeprefix("www."):
            continue
        match = _DATE_PATH.match(parts.path)
        if match and len(parts.path) > match.end():  # an article under the day, not the day
            prefixes[match.group("prefix")] += 1
    best = prefixes.most_common(1)
    return best[0][0] if best and best[0][1] >= 2 else None


NEXT_PAGE = 'a[rel~="next"], link[rel~="next"] @href'  # rel is a token list ("nofollow next")


def next_page_link(tree: Any, links: list[str], url: str, page: int) -> str | None:
    """The next page of a paged listing: its ``rel="next"`` link, else a link to
    ``…/page/<page + 1>/`` (WordPress day archives mark theirs with a class only)."""
    marked = first_value(tree, (NEXT_PAGE,))
    if marked:
        return urljoin(url, marked)
    return next((u for u in links if f"/page/{page + 1}/" in u), None)


def archive_day_path(prefix: str, day: date) -> str:
    return f"{prefix}{day:%Y/%m/%d}/"


def url_day(url: str) -> date | None:
    """The day a ``/YYYY/MM/DD/`` article URL carries."""
    match = _DATE_PATH.match(urlsplit(url).path)
    if not match:
        return None
    try:
        return date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
    except ValueError:
        return None


def looks_like_article(url: str, id_params: Iterable[str] = GENERIC_KEEP_QUERY) -> bool:
    """A home-page link that reads as an article: its last path segment is a headline slug
    or an id, it lies under a date (sections and static pages are single words), or its query
    names it by a numeric id (``index.php?newsid=123``, as DLE and many old CMSs do)."""
    parts = urlsplit(url)
    last = parts.path.rstrip("/").rsplit("/", 1)[-1]
    if url_day(url) is not None or _SLUG.search(last):
        return True
    wanted = set(id_params)
    return any(key in wanted and value.isdigit()
               for key, value in parse_qsl(parts.query, keep_blank_values=True))


# --- per-site state ------------------------------------------------------------------------
@dataclass
class SiteState:
    """What discovery learned about one site during a run."""

    row: dict[str, Any]
    outlet: Outlet
    candidates: dict[str, Candidate] = field(default_factory=dict)
    page_offsets: Counter[timedelta] = field(default_factory=Counter)
    channel_offsets: Counter[timedelta] = field(default_factory=Counter)
    requested: set[str] = field(default_factory=set)
    sitemaps_requested: int = 0
    name: str | None = None
    archive: str | None = None  # date-archive path prefix
    samples: list[Any] = field(default_factory=list)  # article responses fetched for the zone
    sampled: set[str] = field(default_factory=set)
    robots_awaited: bool = False  # robots.txt is read from Scrapy's robots middleware

    @property
    def key(self) -> str:
        return self.outlet.key

    @property
    def zone_given(self) -> bool:
        return bool(self.row.get("timezone"))

    def add(self, candidate: Candidate, canonical: str, limit: int) -> bool:
        """Keep a candidate (of two sightings of a URL, an announced one over a home-page link,
        then the better dated); False when the site's bound is reached."""
        old = self.candidates.get(canonical)
        if old is None and len(self.candidates) >= limit:
            return False
        if old is None or _rank(candidate) > _rank(old):
            self.candidates[canonical] = candidate
        return True

    def zone(self) -> str:
        """The row's zone, else the one most dates on pages carry, else feeds' and sitemaps'."""
        if self.zone_given:
            return str(self.row["timezone"])
        return vote_zone(self.page_offsets or self.channel_offsets)

    def final_row(self) -> dict[str, Any]:
        return {**self.row, "key": self.key, "timezone": self.zone(),
                "name": self.row.get("name") or self.name or self.key}

    def settle(self) -> Outlet:
        """The outlet with its zone and name decided (called once discovery is done)."""
        self.outlet = outlet_from_site_row(self.final_row())
        return self.outlet

    def chosen(self) -> list[Candidate]:
        """Candidates to fetch, newest first: home-page links only when no feed, sitemap or
        date archive gave any."""
        found = list(self.candidates.values())
        announced = [c for c in found if c.channel != "home"]
        chosen = announced or found
        return sorted(chosen, key=_newest_first)


def _rank(candidate: Candidate) -> tuple[bool, bool, bool]:
    return (candidate.channel != "home", candidate.published is not None,
            candidate.day is not None)


def _newest_first(candidate: Candidate) -> tuple[int, str]:
    moment = candidate.moment()
    if moment is None:
        return (1, candidate.url)
    stamp = moment.date() if isinstance(moment, datetime) else moment
    return (0, f"{9999 - stamp.year:04d}{99 - stamp.month:02d}{99 - stamp.day:02d}")
