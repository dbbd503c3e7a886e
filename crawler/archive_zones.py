"""The time zone of a site row that names none, learnt from the archive as a crawl learns it.

``scrapy crawl site`` decides such a site's zone from the UTC offsets its pages print in
machine-readable dates, else from its feeds' and news sitemaps' dates (its run report keeps
it as ``discovery/<site>/timezone``), else its country domain's. Re-extraction of that crawl's
archive with the same row had no zone and read every printed wall-clock time ("01.12.2026
09:00") as UTC: items three hours off the crawl's. Here the same vote is taken over the
site's archived documents (at most ``ZONE_DOCUMENTS`` of them, newest first), so both agree.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import timedelta
from typing import Any

from archive.reader import ArchiveLookup
from crawler.archive_join import decoded_body
from crawler.extraction.encoding import decode_html
from crawler.extraction.html import parse_html
from crawler.feeds import FeedSkips, document_element, feed_entries, sitemap_entries
from crawler.sitediscovery import offsets_of, printed_offsets
from crawler.siteoutlets import vote_zone
from crawler.urls import url_host

logger = logging.getLogger(__name__)
ZONE_DOCUMENTS = 50  # archived documents of a site read for its zone
MAX_ZONE_BYTES = 4 * 1024 * 1024  # a larger body votes for nothing
FEED_ROOTS = frozenset({"rss", "feed", "rdf"})


def learn_zones(lookup: ArchiveLookup, rows: list[dict[str, Any]]) -> list[str]:
    """Give each row without a ``timezone`` the one its archived documents vote for (in
    place); what was learnt, one line a row, for the command to say."""
    said = []
    for row in rows:
        if row.get("timezone"):
            continue
        pages, channels = site_offsets(lookup, str(row["url"]))
        host = (url_host(str(row["url"])) or "").removeprefix("www.")
        row["timezone"] = vote_zone(pages or channels, host)
        said.append(f"{row['url']}: time zone {row['timezone']} (learnt from the archive: "
                    f"{sum(pages.values())} page date(s), {sum(channels.values())} feed or "
                    "sitemap date(s) with an offset; give the row a timezone to fix it)")
    return said


def site_offsets(lookup: ArchiveLookup, url: str) -> tuple[Counter[timedelta], Counter[timedelta]]:
    """The UTC offsets of the dates the site's archived pages print, and of its feeds' and
    sitemaps' dates, over at most ZONE_DOCUMENTS documents."""
    pages: Counter[timedelta] = Counter()
    channels: Counter[timedelta] = Counter()
    urls = list(lookup.host_urls(url))[-ZONE_DOCUMENTS:]  # by capture time: the newest
    for found in reversed(urls):
        try:
            archived = next(lookup.readable(found), None)
            if archived is None or archived.status != 200:
                continue
            body = decoded_body(archived, found, MAX_ZONE_BYTES)
        except Exception as exc:  # noqa: BLE001 - a damaged record votes for nothing
            logger.debug("Not read for the zone: %s: %s", found, exc)
            continue
        if isinstance(body, str) or len(body) > MAX_ZONE_BYTES:  # (not decoded, or too big)
            continue
        root = document_element(body)
        kind = archived.content_type() or ""
        try:
            if root in FEED_ROOTS:
                channels.update(offsets_of(e.published for e in feed_entries(body, FeedSkips())))
            elif root in ("urlset", "sitemapindex"):
                channels.update(offsets_of(date for _, _, date in sitemap_entries(body)))
            elif root == "html" or "html" in kind:
                text, _ = decode_html(body, kind)
                pages.update(printed_offsets(parse_html(text)))
        except (ValueError, TypeError) as exc:  # an unparsable document votes for nothing
            logger.debug("Not read for the zone: %s: %s", found, exc)
    return pages, channels
