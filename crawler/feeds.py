"""RSS, Atom and sitemap parsing that survives broken XML and never resolves entities."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime

from lxml import etree

from crawler.extraction.dates import parse_iso


@dataclass(frozen=True)
class FeedEntry:
    url: str
    published: datetime | None
    title: str | None = None


# "&" that starts no entity or character reference: the commonest feed breakage ("AT&T").
# After any recovered error libxml2 drops every later "&amp;" too (query strings lose their
# "&"), so these are escaped before parsing rather than left to recovery.
_BARE_AMP = re.compile(rb"&(?!(?:[A-Za-z_][\w.-]*|#[0-9]+|#x[0-9A-Fa-f]+);)")


def _safe_parser() -> etree.XMLParser:
    # No DTD loading, no entity expansion, no network: external entities stay unresolved.
    return etree.XMLParser(recover=True, resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, remove_comments=True)


def parse_xml(body: bytes) -> etree._Element | None:
    """The document root, or None when nothing could be recovered."""
    try:
        return etree.fromstring(_BARE_AMP.sub(b"&amp;", body.strip()) or b"<x/>", _safe_parser())
    except etree.XMLSyntaxError:
        return None


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _child_text(node: etree._Element, *names: str) -> str | None:
    for child in node:
        if _local(child.tag) in names and child.text and child.text.strip():
            return child.text.strip()
    return None


def _feed_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return parse_iso(value)


def feed_entries(body: bytes) -> Iterator[FeedEntry]:
    """Links of RSS 2.0 items and Atom entries, with their dates when given."""
    root = parse_xml(body)
    if root is None:
        return
    for node in root.iter():
        name = _local(node.tag)
        if name == "item":
            link = _child_text(node, "link") or _child_text(node, "guid")
            date = _child_text(node, "pubdate", "date", "published")
        elif name == "entry":
            link = next((c.get("href") for c in node if _local(c.tag) == "link"
                         and c.get("rel", "alternate") == "alternate" and c.get("href")), None)
            date = _child_text(node, "published", "updated")
        else:
            continue
        if link:
            yield FeedEntry(link.strip(), _feed_date(date), _child_text(node, "title"))


def sitemap_entries(body: bytes) -> Iterator[tuple[str, str, datetime | None]]:
    """(kind, loc, lastmod) for each <url> ("url") and <sitemap> ("sitemap") entry."""
    root = parse_xml(body)
    if root is None:
        return
    for node in root.iter():
        name = _local(node.tag)
        if name in ("url", "sitemap"):
            loc = _child_text(node, "loc")
            if loc:
                yield name, loc, parse_iso(_child_text(node, "lastmod") or "")
