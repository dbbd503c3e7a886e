"""What a crawl learnt of a site row, learnt again from its archive for re-extraction.

Its name, when the row gives none: the one its home page gives itself (the items'
``source_name``; re-extracted, they had the host).

Where the site lives: a row's home page that redirected to another scheme or port, or to the
www./bare form of its host (``http://host/`` → ``https://host/``; by a 3xx or a meta
refresh), moved the crawl there and its items carry that address (``SiteCrawl.home_landed``);
re-extracted with the row as given, the same articles got other URLs and ids. The archived
redirect says it again.

Its time zone, when the row names none:

``scrapy crawl site`` decides such a site's zone from the UTC offsets its pages print in
machine-readable dates, else from its feeds' and news sitemaps' local dates and the wall times
its pages print for their UTC ones (its run report keeps it as ``discovery/<site>/timezone``),
else its country domain's. Re-extraction of that crawl's
archive with the same row had no zone and read every printed wall-clock time ("01.12.2026
09:00") as UTC: items three hours off the crawl's. Here the same vote is taken over the
site's archived documents (at most ``ZONE_DOCUMENTS`` of them, newest first), so both agree.

Each document is read as a request with no Range reads it (``read_first``): a 206 whose body
is the whole document (``bytes 0-N/N+1``, ``bytes 0-N/*``, no Content-Range) is the page; one
holding part of it (``wget -c`` resuming, a range request) with no whole capture of its URL
is no page of the site: it is not read, and said (URL, Content-Range, file and offset, what
it was not read for) and counted (``reextract``'s ``partial_row_documents``), once a record.
But a feed's or sitemap's part that holds its root (its head) votes for the zone with the
entries it holds whole, as the same part dates articles (``archive_dates.feed_dates``): an
entry read whole is the evidence it is in the whole version, and refusing it lost a feed
known only so; said as a partial feed version read (counted by ``feed_dates``).
"""

from __future__ import annotations

import logging
import zlib
from collections import Counter, deque
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

from w3lib.html import get_meta_refresh

from archive.httputil import PAGE_STATUSES
from archive.model import ArchivedResponse
from archive.reader import ArchiveLookup, is_part, read_first
from archive.urls import normalize_url, site_host
from crawler.archive_join import decoded_body
from crawler.extraction.encoding import decode_html
from crawler.extraction.html import parse_html
from crawler.feeds import (
    JSON_FEED,
    FeedSkips,
    document_element,
    feed_entries,
    same_host,
    sitemap_entries,
)
from crawler.outlets import OutletResolver
from crawler.outlets.base import Outlet, ascii_host
from crawler.sitediscovery import (
    channel_votes,
    clock_offset,
    offsets_of,
    page_published,
    printed_offsets,
    site_name,
)
from crawler.siteoutlets import outlet_from_site_row, vote_zone
from crawler.urls import joined, url_host, why_no_url

logger = logging.getLogger(__name__)
ZONE_DOCUMENTS = 50  # archived documents of a site read for its zone
MAX_ZONE_BYTES = 4 * 1024 * 1024  # a larger body votes for nothing
FEED_ROOTS = frozenset({"rss", "feed", "rdf", JSON_FEED})
SITEMAP_ROOTS = frozenset({"urlset", "sitemapindex"})
ZONE_USE = "the site row's time zone vote"


class PartSeen(Protocol):
    """Says a capture holding part of its document, what for ("its name"), and the entries
    read of it (a feed's or sitemap's head, read for the zone vote), None when not read."""

    def __call__(self, part: ArchivedResponse, use: str, entries: int | None = None, /
                 ) -> None: ...


# each capture holding part of its document said once, and the entries read of it (None:
# not read): counted by who runs the site rows (``reextract``)
PartCount = Callable[[ArchivedResponse, int | None], None]


MAX_HOPS = 5  # archived redirects (and meta refreshes) followed from a row's home page
REFRESH_BYTES = 64 * 1024  # a refresh is read in a page's head
MAX_REFRESH_DELAY = 100  # Scrapy's default METAREFRESH_MAXDELAY: the run's is passed in


def learn_rows(lookup: ArchiveLookup, rows: list[dict[str, Any]],
               max_refresh_delay: int = MAX_REFRESH_DELAY,
               on_part: PartCount | None = None) -> list[str]:
    """Move each row to where its archived home page landed, and give each row without a
    ``timezone`` the one its archived documents vote for (in place); what was learnt, one
    line each, for the command to say. A document held only as a 206 part is said once
    (:func:`said_part`) and handed to ``on_part`` with the entries read of it (None: not
    read) to be counted, and not said again by the feed dates (``reextract``)."""
    said = []
    part = _once(on_part)
    for row in rows:
        if (landed := landed_url(lookup, str(row["url"]), max_refresh_delay,
                                 part)) is not None:
            said.append(f"{row['url']}: its home page redirected to {landed}, as archived: "
                        "its articles are read there, as the crawl read them")
            row["url"] = landed
        if not row.get("name") and (name := archived_site_name(lookup, str(row["url"]),
                                                               part)):
            row["name"] = name  # the items' source_name, as the crawl read it
            said.append(f"{row['url']}: name {name!r} (its archived home page's)")
        if row.get("timezone"):
            continue
        pages, channels = site_offsets(lookup, str(row["url"]), outlet_from_site_row(row),
                                       part)
        host = (url_host(str(row["url"])) or "").removeprefix("www.")
        row["timezone"] = vote_zone(pages or channels, host)
        said.append(f"{row['url']}: time zone {row['timezone']} (learnt from the archive: "
                    f"{sum(pages.values())} page date(s), {sum(channels.values())} feed or "
                    "sitemap date(s) with an offset; give the row a timezone to fix it)")
    return said


def said_part(part: ArchivedResponse, use: str, entries: int | None = None) -> None:
    """Say a row's document held only as a 206 part, not read for ``use``; or, given the
    ``entries`` read of it (a feed's or sitemap's head), read for ``use`` as a partial feed
    version."""
    if entries is None:
        logger.warning("%s: only a 206 holding part of the document is archived (%s): "
                       "partial_content, not read for %s", part.url, part.part_said(), use)
    else:
        logger.warning("%s: only a 206 holding part of the document is archived (%s): "
                       "read as a partial feed version (%d entries) for %s",
                       part.url, part.part_said(), entries, use)


def _once(count: PartCount | None) -> PartSeen:
    """:func:`said_part`, once a record (a home page is read for its landing, its name and
    the zone vote), each record said handed to ``count`` with the entries read of it."""
    seen: set[tuple[str, int]] = set()

    def part(archived: ArchivedResponse, use: str, entries: int | None = None, /) -> None:
        if (key := (archived.ref.where, archived.ref.offset)) in seen:
            return
        seen.add(key)
        said_part(archived, use, entries)
        if count is not None:
            count(archived, entries)
    return part


def _page(archived: ArchivedResponse | None, use: str, on_part: PartSeen
          ) -> ArchivedResponse | None:
    """``archived`` when it is a page (a 200, or a 206 of the whole body); a 206 holding
    part of its document is none: said and counted (``on_part``) when the document could
    have been read (:func:`readable_part`), passed over unsaid when it is media (a
    browser's range requests of a video, a song, an image)."""
    if archived is None or archived.status not in PAGE_STATUSES:
        return None
    if is_part(archived):
        if readable_part(archived):
            on_part(archived, use)
        return None
    return archived


def readable_kind(content_type: str | None) -> bool:
    """Whether a document of ``content_type`` could name a site or vote for its zone: none
    given (sniffed), HTML, XML (feeds, sitemaps), JSON (JSON Feed) or plain text (a feed
    or sitemap served so); media, fonts, scripts, styles, PDFs could not."""
    kind = (content_type or "").split(";")[0].strip().lower()
    return (not kind or kind == "text/plain"
            or any(word in kind for word in ("html", "xml", "json")))


MEDIA_KINDS = ("video/", "audio/", "image/", "font/")  # a part of these is never a document


def readable_part(part: ArchivedResponse) -> bool:
    """Whether a 206 part could be of a document read for a row or for article dates: by
    its type when it names a readable kind (:func:`readable_kind`), never when it names
    media (a browser's range request of a video, a song, an image); another type (a
    ``sitemap.xml.gz`` served as application/x-gzip or application/octet-stream) by its
    bytes: its root element, gunzipped first (:func:`opens_as_document`). A tail of such a type shows none and is
    passed over unsaid, as a piece of a PDF or a zip is."""
    kind = (part.content_type() or "").split(";")[0].strip().lower()
    if readable_kind(kind):
        return True
    if kind.startswith(MEDIA_KINDS):
        return False
    return opens_as_document(part.payload)


_SNIFFED = 8192  # bytes of a gzip head inflated to see its root element (document_element's)


def opens_as_document(payload: bytes) -> bool:
    """Whether bytes of an untold type open as a feed, a sitemap or a page (by the root
    element, gunzipped first when they open as gzip, at most :data:`_SNIFFED` bytes out): a
    piece of a PDF opens with ``<<``, one of random binary with ``<`` or ``{`` now and
    then, a ``.tar.gz`` with gzip's magic, and none of them is a document."""
    head = payload[:_SNIFFED]
    if head[:2] == b"\x1f\x8b":
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(payload[:65536], _SNIFFED)
        except zlib.error:
            return False
    return document_element(head) in FEED_ROOTS | SITEMAP_ROOTS | {"html"}


def _zone_document(archived: ArchivedResponse | None, url: str, on_part: PartSeen
                   ) -> tuple[ArchivedResponse, bytes] | None:
    """A document that may vote for the zone and its decoded body: a page (:func:`_page`),
    or a 206 part of a feed or sitemap (its head: the entries it holds whole vote); None for
    any other (a part of a page, or a part that does not decode: said, ``on_part``)."""
    if archived is None or archived.status not in PAGE_STATUSES:
        return None
    part = is_part(archived)
    if part and not readable_part(archived):
        return None  # media: said nowhere (_page)
    body = decoded_body(archived, url, MAX_ZONE_BYTES)
    if isinstance(body, str) or len(body) > MAX_ZONE_BYTES:  # (not decoded, or too big)
        if part:
            on_part(archived, ZONE_USE)
        return None
    if part and document_element(body) not in FEED_ROOTS | SITEMAP_ROOTS:
        on_part(archived, ZONE_USE)  # part of a page, or a tail with no root: not read
        return None
    return archived, body


def archived_site_name(lookup: ArchiveLookup, url: str, on_part: PartSeen = said_part
                       ) -> str | None:
    """The name the site's archived home page gives itself (og:site_name, else its title),
    as the crawl read it there (``SiteState.name``); None when that page is not archived
    (or only in part: said, :func:`_page`)."""
    try:
        archived = _page(read_first(lookup, url), "the site row's name", on_part)
        if archived is None:
            return None
        body = decoded_body(archived, url, MAX_ZONE_BYTES)
        if isinstance(body, str) or document_element(body) not in ("html", None):
            return None
        text, _ = decode_html(body, archived.content_type() or "")
        return site_name(parse_html(text))
    except Exception as exc:  # noqa: BLE001 - a damaged home page names nothing
        logger.debug("No site name from %s: %s", url, exc)
        return None


def landed_url(lookup: ArchiveLookup, url: str,
               max_refresh_delay: int = MAX_REFRESH_DELAY, on_part: PartSeen = said_part
               ) -> str | None:
    """The row's URL at the scheme and port (or www./bare host) its archived home page
    redirected to, or None when it did not move so. A hop to no URL (``Location:
    http://[news/``, a bracket never closed) is no move, as the crawl's redirect went nowhere
    (said): urljoin's ValueError stopped the whole re-extraction. A page held only in part
    moves nothing (said, :func:`_page`)."""
    start, at = urlsplit(url), url
    for _ in range(MAX_HOPS):
        try:
            archived = read_first(lookup, at)
            location = archived.header("Location") if archived is not None else None
            if archived is not None and archived.status in PAGE_STATUSES:
                page = _page(archived, "where the site row's home page landed", on_part)
                location = None if page is None else _meta_refresh(page, at, max_refresh_delay)
            elif archived is None or not 300 <= archived.status < 400:
                location = None
        except Exception:  # noqa: BLE001 - a damaged record says nothing of a move
            return None
        if not location:
            break
        target = joined(at, location.strip())
        if target is None:  # http://[news/: the crawl's redirect failed there, going nowhere
            logger.warning("%s: its archived home page redirects to %r, which is no URL (%s): "
                           "its site is read at the row's address", url, location.strip()[:200],
                           why_no_url(location.strip()) or "not a URL")
            return None
        at = target
    end = urlsplit(at)
    if (at == url or end.scheme not in ("http", "https")
            or site_host(ascii_host(end.hostname or "")) != site_host(ascii_host(
                start.hostname or ""))
            or (end.scheme, end.netloc) == (start.scheme, start.netloc)):
        return None
    return urlunsplit((end.scheme, end.netloc, start.path, start.query, ""))


def _meta_refresh(archived: Any, url: str, max_delay: int) -> str | None:
    """Where a page's ``<meta http-equiv="refresh">`` sends a browser within ``max_delay``
    seconds (METAREFRESH_MAXDELAY: Scrapy's MetaRefreshMiddleware moved the crawl there), or
    None."""
    body = decoded_body(archived, url, MAX_ZONE_BYTES)
    if isinstance(body, str):
        return None
    text, _ = decode_html(body[:REFRESH_BYTES], archived.content_type() or "")
    delay, target = get_meta_refresh(text, url, ignore_tags=("noscript",))
    return target if target and delay is not None and delay <= max_delay else None


def own_link(site: Outlet, feed: str) -> Callable[[str], bool]:
    """Whether a URL is on the ``feed``'s host or one of ``site``'s (its www. and bare host,
    its mobile ones, its aliases): the Atom URL ids the crawl took for links
    (``OutletSpider.own_link``); the feed's host alone left a bare-host feed's www. entries,
    and their dates, out of the zone vote."""
    on_feed_host, resolver = same_host(feed), OutletResolver([site])

    def own(url: str) -> bool:
        try:
            return on_feed_host(url) or resolver.resolve(url) is not None
        except ValueError:  # no URL (a bad port, a bracket unclosed): no page of the site
            return False
    return own


def site_offsets(lookup: ArchiveLookup, url: str, site: Outlet | None = None,
                 on_part: PartSeen = said_part
                 ) -> tuple[Counter[timedelta], Counter[timedelta]]:
    """The UTC offsets of the dates the site's archived pages print, and of its feeds' and
    sitemaps' zone votes (``channel_votes``, as the crawl's ``SiteState.zone`` takes them: a
    UTC date through the wall time the archived page prints for it), over at most
    ZONE_DOCUMENTS documents. ``site``: the row's outlet (the one of ``url`` alone without
    it), whose hosts an Atom entry's URL id may name, as in the crawl. A feed or sitemap held
    only as a 206 part votes with the entries it holds whole, as its entries date articles
    (``archive_dates.feed_dates``): each is as true as in the whole version, and a feed known
    only so lost its votes; said as partial. Another document held only in part (a page)
    votes for nothing (said, :func:`_page`)."""
    site = site or outlet_from_site_row({"url": url})
    pages: Counter[timedelta] = Counter()
    channels: Counter[timedelta] = Counter()
    given: dict[str, datetime] = {}  # a feed's date of an article, by its URL
    printed: dict[str, datetime] = {}  # the wall time an archived page prints, by its URL
    # by capture time: the newest, without holding the host's every URL
    urls = deque(lookup.host_urls(url), maxlen=ZONE_DOCUMENTS)
    for found in reversed(urls):
        try:
            read = _zone_document(read_first(lookup, found), found, on_part)
            if read is None:
                continue
            archived, body = read
        except Exception as exc:  # noqa: BLE001 - a damaged record votes for nothing
            logger.debug("Not read for the zone: %s: %s", found, exc)
            continue
        root = document_element(body)
        kind = archived.content_type() or ""
        dated = 0
        try:
            if root in FEED_ROOTS:
                entries = list(feed_entries(body, FeedSkips(), archived.date,
                                            archived.header("Content-Type"),
                                            own_link(site, found)))
                channels.update(offsets_of(e.published for e in entries))
                given.update((normalize_url(e.url), e.published) for e in entries
                             if e.published is not None)
                dated = sum(e.published is not None for e in entries)
            elif root in SITEMAP_ROOTS:
                dates = [date for _, _, date in sitemap_entries(body, archived.date)]
                channels.update(offsets_of(dates))
                dated = sum(date is not None for date in dates)
            elif root == "html" or "html" in kind:
                text, _ = decode_html(body, kind)
                tree = parse_html(text)
                pages.update(printed_offsets(tree))
                if (shown := page_published(tree)) is not None:
                    printed[normalize_url(found)] = shown
        except (ValueError, TypeError) as exc:  # an unparsable document votes for nothing
            logger.debug("Not read for the zone: %s: %s", found, exc)
        if is_part(archived):
            on_part(archived, ZONE_USE, dated)
    clocks = Counter(offset for key, shown in printed.items() if key in given
                     and (offset := clock_offset(given[key], shown)) is not None)
    return pages, channel_votes(channels, clocks)
