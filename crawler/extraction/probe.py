"""What the outlet's rules and the generic path each make of one page, field by field.

For the person fixing a layout (``scrapy probe``): per field the rule version and the selector
that matched (or the selectors that missed and what filled in), the value, the generic
path's source and value, and whether the two differ. No Scrapy here: the command fetches.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from crawler.extraction import ExtractionError, extract_article, fetched_moment, rules_for
from crawler.extraction.body import extract_body
from crawler.extraction.encoding import decode_html
from crawler.extraction.html import parse_html
from crawler.extraction.metadata import Metadata, extract_metadata
from crawler.extraction.normalize import join_paragraphs
from crawler.extraction.provenance import Provenance
from crawler.items import ArticlePage
from crawler.outlets import get_outlet, outlet_for_url
from crawler.outlets.base import ArticleRules, Outlet

FIELDS = ("title", "subtitle", "published", "modified", "authors", "section", "tags", "text")
# The generic path: rules that name nothing (the defaults every site shares).
BARE_RULES = ArticleRules(version="generic", title=())


@dataclass
class FieldProbe:
    name: str
    source: str  # where the rules path got it: "rules:<selector>" or the fallback it fell to
    missed: tuple[str, ...]  # the rule selectors that found nothing
    value: Any
    generic_source: str
    generic_value: Any

    @property
    def differs(self) -> bool:
        return self.value != self.generic_value


@dataclass
class Probe:
    url: str
    outlet: str | None
    rules: str | None  # <outlet>@<version> applied (valid at the capture time)
    fetched_at: str
    outcome: str  # "item" or the reason no item is made
    fields: list[FieldProbe]


def _values(meta: Metadata, paragraphs: list[str]) -> dict[str, Any]:
    return {"title": meta.title, "subtitle": meta.subtitle, "published": meta.published,
            "modified": meta.modified, "authors": meta.authors, "section": meta.section,
            "tags": meta.tags, "text": join_paragraphs(paragraphs)}


def _path(tree: Any, outlet: Outlet | None, url: str, rules: ArticleRules | None,
          generic: bool, fetched: datetime | None) -> tuple[dict[str, Any], Provenance]:
    """One path's fields. ``fetched`` (the capture time) as the crawl passes it: without it
    a page dated "Сегодня, 14:05" or "Вчера" showed no date here while its item had one."""
    prov = Provenance()
    meta = extract_metadata(tree, outlet, url, BARE_RULES if generic else rules, prov, fetched)
    paragraphs, _, _ = extract_body(tree, url, None if generic else rules, meta.title,
                                    meta.subtitle, prov)
    return _values(meta, paragraphs), prov


def probe_page(page: ArticlePage) -> Probe:
    """Both paths over one page. ``outcome`` says whether the crawl would make an item of it."""
    outlet = get_outlet(page.outlet) if page.outlet else outlet_for_url(page.url)
    try:
        extract_article(page)
        outcome = "item"
    except ExtractionError as exc:
        outcome = f"no item: {exc}"
    text, _ = decode_html(page.body, page.headers.get("Content-Type"))
    try:
        tree = parse_html(text)
    except (ValueError, RecursionError) as exc:
        return Probe(page.url, page.outlet or None, None, page.fetched_at,
                     f"no item: unparsable_html: {exc}", [])
    rules = rules_for(outlet, page.fetched_at)
    fetched = fetched_moment(page)
    values, prov = _path(tree, outlet, page.url, rules, generic=False, fetched=fetched)
    generic, gprov = _path(tree, outlet, page.url, rules, generic=True, fetched=fetched)
    fields = [FieldProbe(name, prov.fields.get(name, "none"), prov.misses.get(name, ()),
                         values[name], gprov.fields.get(name, "none"), generic[name])
              for name in FIELDS]
    label = f"{outlet.key}@{rules.version}" if outlet and rules else None
    return Probe(page.url, outlet.key if outlet else None, label, page.fetched_at, outcome,
                 fields)


def _shown(value: Any, limit: int = 160) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(str(value))} chars)"


def render(probe: Probe) -> str:
    """The probe as lines of text: one block per field, differences marked."""
    lines = [f"url: {probe.url}", f"outlet: {probe.outlet or 'none'}",
             f"rules: {probe.rules or 'none'}", f"captured: {probe.fetched_at}",
             f"outcome: {probe.outcome}"]
    for f in probe.fields:
        lines.append("")
        lines.append(f"{f.name}: {f.source} = {_shown(f.value)}")
        if f.missed:
            lines.append(f"{f.name}: MISSED {', '.join(repr(s) for s in f.missed)}")
        lines.append(f"{f.name}: generic {f.generic_source} = {_shown(f.generic_value)}")
        lines.append(f"{f.name}: {'DIFFERS' if f.differs else 'same'}")
    return "\n".join(lines)
