"""RSS, Atom and sitemap parsing that survives broken XML and never resolves entities."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from crawler.extraction.dates import parse_iso, parse_rfc822


@dataclass(frozen=True)
class FeedEntry:
    url: str
    published: datetime | None
    title: str | None = None


# "&" that starts no entity or character reference: the commonest feed breakage ("AT&T").
# After any recovered error libxml2 drops every later "&amp;" too (query strings lose their
# "&"), so these are escaped before parsing rather than left to recovery.
_BARE_AMP = re.compile(rb"&(?!(?:[A-Za-z_][\w.-]*|#[0-9]+|#x[0-9A-Fa-f]+);)")


def _safe_parser() -> etree.XMLPullParser:
    # No DTD loading, no entity expansion, no network: external entities stay unresolved.
    return etree.XMLPullParser(events=("end",), recover=True, resolve_entities=False,
                               no_network=True, load_dtd=False, huge_tree=False,
                               remove_comments=True)


_CHUNK = 64 * 1024


def iter_records(body: bytes, names: tuple[str, ...]) -> Iterator[etree._Element]:
    """Each element named one of ``names`` (local name), as soon as it is parsed.

    Read as a stream and each record dropped once the caller has looked at it: a feed or
    sitemap of tens of thousands of entries never exists as a whole tree (a 10,000-item RSS
    as one tree held 12 MB the crawl process kept for the rest of the crawl).
    """
    data = _BARE_AMP.sub(b"&amp;", body.strip())
    parser = _safe_parser()
    try:
        for start in range(0, len(data), _CHUNK):
            parser.feed(data[start:start + _CHUNK])
            yield from _finished(parser, names)
        if data:
            parser.close()
            yield from _finished(parser, names)
    except etree.XMLSyntaxError:  # nothing more recoverable: keep what came before
        return


def _finished(parser: etree.XMLPullParser, names: tuple[str, ...]) -> Iterator[etree._Element]:
    for _event, node in parser.read_events():
        if _local(node.tag) in names:
            yield node
            node.clear(keep_tail=True)
            parent = node.getparent()
            while parent is not None and node.getprevious() is not None:
                del parent[0]


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _child_text(node: etree._Element, *names: str) -> str | None:
    for child in node:
        if _local(child.tag) in names and child.text and child.text.strip():
            return child.text.strip()
    return None


def _feed_date(value: str | None) -> datetime | None:
    """An RSS/Atom date; a known zone name is its offset. A date without any stays naive
    (the outlet's wall clock: the spider places it in the outlet's zone)."""
    if not value:
        return None
    return parse_rfc822(value) or parse_iso(value)


def _permalink_guid(item: etree._Element) -> str | None:
    """An item's ``<guid>`` when it is its address: an absolute http(s) URL, or a path the
    feed does not say is no permalink. ``<guid isPermaLink="false">12345</guid>`` is an
    identifier: fetched as a relative URL it is a 404 (or the home page) instead of the
    article."""
    guid = next((c for c in item if _local(c.tag) == "guid"), None)
    text = (guid.text or "").strip() if guid is not None else ""
    if text.lower().startswith(("http://", "https://")):
        return text
    permalink = (guid.get("isPermaLink") or "true").strip().lower() != "false" if (
        guid is not None) else False
    return text if permalink and text.startswith("/") else None


def feed_entries(body: bytes) -> Iterator[FeedEntry]:
    """Links of RSS 2.0 items and Atom entries, with their dates when given."""
    for node in iter_records(body, ("item", "entry")):
        if _local(node.tag) == "item":
            link = _child_text(node, "link") or _permalink_guid(node)
            date = _child_text(node, "pubdate", "date", "published")
        else:
            link = next((c.get("href") for c in node if _local(c.tag) == "link"
                         and c.get("rel", "alternate") == "alternate" and c.get("href")), None)
            date = _child_text(node, "published", "updated")
        if link:
            yield FeedEntry(link.strip(), _feed_date(date), _child_text(node, "title"))


def sitemap_entries(body: bytes) -> Iterator[tuple[str, str, datetime | None]]:
    """(kind, loc, lastmod) for each <url> ("url") and <sitemap> ("sitemap") entry."""
    for node in iter_records(body, ("url", "sitemap")):
        loc = _child_text(node, "loc")
        if loc:
            yield _local(node.tag), loc, parse_iso(_child_text(node, "lastmod") or "")
