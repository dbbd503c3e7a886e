"""The date hints a crawl gave its article requests, found again in its archive.

A crawl asks for an article with the date its feed (or news sitemap) gave it, else its URL's
day (``BaseNewsSpider.article_request``), and extraction takes that date where the page prints
none, or only one htmldate guessed. Re-extraction reads the archived pages with no request
behind them: a page printing no date got ``published: null`` (or a guess) where the crawl's
item had its feed's minute. The feeds are archived too; here their every version is read once
(``ArchiveLookup.versions``: an unchanged feed costs nothing) and each linked article keeps
the date of the oldest version that dates it, the one its discovering crawl read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, time
from urllib.parse import urljoin

from archive.httputil import PAGE_STATUSES
from archive.model import ArchivedResponse
from archive.reader import ArchiveLookup, is_part, whole_versions
from crawler.archive_join import article_key, decoded_body
from crawler.archive_rows import FEED_ROOTS, readable_part
from crawler.extraction.dates import iso, localise
from crawler.extraction.encoding import decode_html
from crawler.feeds import (
    FeedSkips,
    document_element,
    feed_entries,
    gunzipped_document,
    same_host,
)
from crawler.outlets import outlet_for_url
from crawler.outlets.base import Outlet
from crawler.sitediscovery import sitemap_records
from crawler.sitemap_limits import MAX_SITEMAP_BYTES, MAX_SITEMAP_URLS
from crawler.spiders.listings import read_listing
from crawler.urls import is_article_url, path_and_query

logger = logging.getLogger(__name__)
MAX_FEED_BYTES = MAX_SITEMAP_BYTES  # a larger archived feed dates nothing
MAX_ENTRIES = MAX_SITEMAP_URLS  # entries read of one feed version


# a 206 version, the entries it gave (None: it is part of a page, no feed, sitemap or day
# archive, and dated nothing as its whole page would not have)
PartRead = Callable[[ArchivedResponse, int | None], None]


def feed_dates(lookup: ArchiveLookup, on_part: PartRead | None = None) -> dict[str, str]:
    """Article key (``archive_join.article_key``) -> the ISO date its archived feeds or news
    sitemaps gave it, in its outlet's zone as the crawl's hint was, else the day of the
    outlet's day archive that listed it (midnight, as a window crawl's hint). Only the URLs of
    known outlets that are no article pages are read, and of those only the ones whose oldest
    archived version is a feed or a sitemap, or that are a page of a day archive. A 206
    holding part of a version is read as a request with no Range reads it
    (``archive.reader.whole_versions``): left out beside a whole 200 of its spelling, else
    read for the entries it holds, then handed to ``on_part`` with how many it gave (none: a
    tail with no root element, a body that does not decode) to be said and counted; or with
    None when it is part of a page (an HTML home or section page: its root element),
    no feed version; a part of media (a browser's range request of a video) is passed over
    unsaid, as the site rows pass it (``archive_rows.readable_part``)."""
    dates: dict[str, str] = {}
    days: dict[str, str] = {}  # from the day archives: the feeds' minute wins over them
    for url in lookup.iter_urls(probes=False):
        try:
            outlet = outlet_for_url(url)
            if outlet is None or is_article_url(outlet, url):
                continue
        except ValueError:  # (an archived URL no outlet can have: said where it is read)
            continue
        archive = outlet.discovery.archive
        day = archive.day_of(path_and_query(url)) if archive is not None else None
        for version in whole_versions(lookup, url):
            if version.status not in PAGE_STATUSES:
                continue
            part = is_part(version)
            if part and not readable_part(version):
                continue  # media: it dates nothing, and is said nowhere
            read, root = _version_entries(version, url, outlet, day, days, dates)
            if part and on_part is not None:
                on_part(version, None if read is None and _of_a_page(root) else read or 0)
            if read is None and not part:  # (a tail holds no root: no verdict)
                break  # not a feed nor a sitemap: its later versions are not read
    return {**days, **dates}


def _version_entries(version: ArchivedResponse, url: str, outlet: Outlet, day: date | None,
                     days: dict[str, str], dates: dict[str, str]
                     ) -> tuple[int | None, str | None]:
    """How many entries one version dated (a day archive's links, a feed's or sitemap's
    dated entries), None when it is no feed nor sitemap, 0 when its body does not decode;
    and its document element (None: not decoded, or none)."""
    body = decoded_body(version, url, MAX_FEED_BYTES)
    if isinstance(body, str):
        return 0, None
    if day is not None:
        return _day_entries(body, version, outlet, day, days), None
    return _date_entries(body, version, version.url or url, dates), document_element(body)


def _of_a_page(root: str | None) -> bool:
    """Whether a part that is no feed nor sitemap shows itself part of a page: its root
    element is ``html``. A tail opens with no root: whatever its type (a feed served as
    text/html), its bytes do not show what it is a part of; it is said as a part that could
    not be read."""
    return root == "html"


def _day_entries(body: bytes, version: ArchivedResponse, outlet: Outlet, day: date,
                 days: dict[str, str]) -> int:
    """Date the article links of one version of a day-archive page as a window crawl's walk
    of that day did (``BaseNewsSpider.parse_listing``): by the listing's own date of an entry,
    else by the day."""
    text, _ = decode_html(body, version.header("Content-Type"))
    links = read_listing(text, version.url or outlet.base_url, outlet, _outlet_of,
                         version.date).links
    for link in links:
        when = link.day or day
        days.setdefault(article_key(link.url),
                        iso(localise(datetime.combine(when, time()), outlet.tz)) or "")
    return len(links)


def _own_link(feed: str) -> Callable[[str], bool]:
    """Whether a URL is on the ``feed``'s host or its outlet's (aliases included): the Atom
    URL ids the crawl took for links (``OutletSpider.own_link``), so a feed on the bare host
    or a ``feeds.`` subdomain dates the entries the crawl followed."""
    on_feed_host, outlet = same_host(feed), outlet_for_url(feed)
    return lambda url: on_feed_host(url) or (outlet is not None and outlet_for_url(url) is outlet)


def _date_entries(body: bytes, version: ArchivedResponse, base: str,
                  dates: dict[str, str]) -> int | None:
    """Add the dated entries of one feed or news sitemap version (an entry dated before
    keeps its date), bounded by its capture time as the crawl that fetched it bounded them
    and read in the charset its Content-Type names as the crawl read it: how many it dated;
    None when the document is neither."""
    root, captured = document_element(body), version.date
    if root in FEED_ROOTS:
        entries = ((e.url, e.published) for e in feed_entries(
            body, FeedSkips(), captured, version.header("Content-Type"), _own_link(base)))
    elif root in ("urlset", "sitemapindex") or body[:2] == b"\x1f\x8b":
        document, unreadable = gunzipped_document(body)
        if unreadable is not None:
            return 0
        entries = ((r.loc, r.published) for r in sitemap_records(document, captured)
                   if r.news and r.kind == "url")
    else:
        return None
    dated = 0
    for number, (link, published) in enumerate(entries):
        if number >= MAX_ENTRIES:
            break
        if published is None:
            continue
        try:
            url = urljoin(base, link.strip())
            outlet = outlet_for_url(url)
            if outlet is None:
                continue
            dates.setdefault(article_key(url), iso(localise(published, outlet.tz)) or "")
            dated += 1
        except ValueError as exc:  # a link no URL can be made of
            logger.debug("Feed entry %r of %s not read: %s", link, base, exc)
    return dated


def _outlet_of(url: str) -> Outlet | None:
    try:
        return outlet_for_url(url)
    except ValueError:  # a link no outlet can have is no article of this one
        return None


def listed_hint(url: str, dates: dict[str, str]) -> str | None:
    """The date a feed, news sitemap or day archive of the archive gave ``url`` (``dates``:
    :func:`feed_dates`), or None."""
    return dates.get(article_key(url)) or None


def url_day_hint(url: str, now: datetime | None = None) -> str | None:
    """``url``'s day (its outlet's ``url_date``) at midnight in the outlet's zone, judged as
    of ``now``: the capture time of the page re-extracted, near when the crawl judged it
    (the clock without one: a day then ahead, an event's, would date the page once past)."""
    outlet = outlet_for_url(url)
    day = outlet.discovery.date_in_url(url, now) if outlet is not None else None
    return iso(datetime.combine(day, time(), tzinfo=outlet.tz)) if day is not None else None
