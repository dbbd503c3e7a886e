"""Article metadata: outlet selectors first, then JSON-LD, OpenGraph and <meta> tags."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from crawler.extraction import dates
from crawler.extraction.html import all_values, first_value, select_nodes
from crawler.extraction.normalize import clean_line
from crawler.outlets.base import ArticleRules, Outlet


@dataclass
class Metadata:
    title: str | None = None
    subtitle: str | None = None
    published: str | None = None
    modified: str | None = None
    authors: list[str] = field(default_factory=list)
    section: str | None = None
    tags: list[str] = field(default_factory=list)


def json_ld_objects(tree: etree._Element) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page, @graph members flattened; broken blocks are skipped."""
    found: list[dict[str, Any]] = []
    for node in select_nodes(tree, 'script[type="application/ld+json"]'):
        try:
            data = json.loads(node.text or "")
        except (ValueError, RecursionError):
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, dict):
                found.append(item)
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)
    return found


def _article_ld(tree: etree._Element) -> dict[str, Any]:
    for obj in json_ld_objects(tree):
        kind = obj.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if any(isinstance(k, str) and k.endswith(("Article", "NewsArticle", "Posting"))
               for k in kinds):
            return obj
    return {}


def _ld_names(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and name.strip():
            names.append(name.strip())
    return names


def _meta(tree: etree._Element, *names: str) -> list[str]:
    specs = tuple(f'meta[property="{n}"] @content' for n in names) + tuple(
        f'meta[name="{n}"] @content' for n in names
    )
    return all_values(tree, specs)


def _clean_list(values: list[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        value = clean_line(value)
        if value and value not in out:
            out.append(value)
    return out


def _date(tree: etree._Element, specs: tuple[str, ...], fallbacks: list[str]) -> Any:
    for raw in [v for spec in specs for v in all_values(tree, (spec,))[:1]] + fallbacks:
        parsed = dates.parse_any(raw)
        if parsed:
            return parsed
    return None


def htmldate_fallback(tree: etree._Element, url: str) -> Any:
    """A date htmldate finds in markup or in the URL (/2025/09/14/…); day precision only."""
    import htmldate  # imported lazily: only pages without any dated markup need it

    try:
        found = htmldate.find_date(tree, original_date=True, extensive_search=False, url=url)
    except (ValueError, TypeError, RecursionError):
        return None
    return dates.parse_iso(found) if found else None


def extract_metadata(tree: etree._Element, outlet: Outlet | None, url: str = "",
                     rules: ArticleRules | None = None) -> Metadata:
    """``rules``: the outlet's layout version to apply (default: its current one)."""
    rules = rules or (outlet.rules if outlet else None)
    ld = _article_ld(tree)
    meta = Metadata()

    title = first_value(tree, rules.title) if rules else None
    title = title or (ld.get("headline") if isinstance(ld.get("headline"), str) else None)
    title = title or next(iter(_meta(tree, "og:title", "twitter:title")), None)
    title = title or first_value(tree, ("h1", "title"))
    meta.title = clean_line(title) if title else None
    subtitle = first_value(tree, rules.subtitle) if rules and rules.subtitle else None
    meta.subtitle = clean_line(subtitle) or None if subtitle else None

    tz = outlet.tz if outlet else None
    published = _date(tree, rules.published if rules else (),
                      [v for v in (ld.get("datePublished"),) if isinstance(v, str)]
                      + _meta(tree, "article:published_time") + all_values(tree, ("time @datetime",))[:1])
    visible = _date(tree, rules.published_visible, []) if rules else None
    if published is None and visible is None and tz is not None:
        published = htmldate_fallback(tree, url)
    modified = _date(tree, rules.modified if rules else (),
                     [v for v in (ld.get("dateModified"),) if isinstance(v, str)]
                     + _meta(tree, "article:modified_time"))
    if tz is not None:
        meta.published = dates.iso(dates.reconcile(published, visible, tz))
        meta.modified = dates.iso(dates.localise(modified, tz)) if modified else None
    else:  # no outlet: keep only dates that carry their own offset
        meta.published = dates.iso(published) if published and published.tzinfo else None
        meta.modified = dates.iso(modified) if modified and modified.tzinfo else None

    authors = all_values(tree, rules.authors) if rules else []
    authors = authors or _ld_names(ld.get("author")) or _meta(tree, "author", "article:author")
    meta.authors = [a for a in _clean_list(authors) if not a.startswith(("http://", "https://"))]
    if not meta.authors and rules:
        meta.authors = list(rules.default_authors)

    section = first_value(tree, rules.section) if rules else None
    section = section or (ld.get("articleSection") if isinstance(ld.get("articleSection"), str)
                          else None) or next(iter(_meta(tree, "article:section")), None)
    meta.section = clean_line(section) or None if section else None

    tags = all_values(tree, rules.tags) if rules else []
    meta.tags = _clean_list(tags or _meta(tree, "article:tag"))
    return meta
