"""Where each field of an article came from, and which outlet rules found nothing.

An outlet's rules are tried first, then the generic path (JSON-LD, OpenGraph and ``<meta>``,
plain HTML, the generic body extractor). When a layout changes under the rules, the generic
path still fills most fields, so the item looks fine while the rules are dead. Recording the
source of every field (``extractor.fields`` of the item) and the rules that missed (sent back
with the article from the extraction worker, see crawler.extensions.rule_drift) makes that visible.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from crawler.outlets.base import ArticleRules
from crawler.siteoutlets import are_generic

RULE_PREFIX = "rules:"
GENERIC = "generic"  # the generic body extractor
JSON_LD = "json-ld"
APP_STATE = "app-state"  # a client-side app's state in a <script>: "app-state:<id or variable>"
OPENGRAPH = "opengraph"
META = "meta"  # <meta name/property=…> other than OpenGraph (article:*, author)
MICRODATA = "microdata"  # schema.org itemprop (datePublished, dateModified, author)
HTML = "html"  # plain markup any page has: <h1>, <title>, <time datetime>
HTMLDATE = "htmldate"  # a date htmldate found in markup or URL
VISIBLE = "visible"  # a date printed for readers in the article, near its headline
# A miss of its own, of no item field: the outlet's printed date, its machine date's check
VISIBLE_DATE = "published_visible"
FEED = "feed"  # the date the feed, listing or URL gave
DEFAULT = "default"  # the outlet's default (agency copy naming nobody)
NONE = "none"

# The rules fields each item field is read with (ArticleRules attribute names).
RULE_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title",), "subtitle": ("subtitle",),
    "published": ("published", "published_visible"), "modified": ("modified",),
    "authors": ("authors",), "section": ("section",), "tags": ("tags",), "text": ("body",),
}
_DEFAULTS = {f.name: f.default for f in fields(ArticleRules)}


def rule_source(spec: str) -> str:
    return RULE_PREFIX + spec


def configured(rules: ArticleRules | None, item_field: str) -> tuple[str, ...]:
    """The selectors the outlet's rules name for an item field. A generic site's rules name
    none where they only carry the dataclass default (its ``h1``: no outlet knowledge that can
    drift); an outlet's own rules that give the same value (Зеркало's ``h1``) do name it."""
    if rules is None:
        return ()
    generic = are_generic(rules)
    specs: tuple[str, ...] = ()
    for name in RULE_FIELDS[item_field]:
        value = getattr(rules, name)
        if not generic or value != _DEFAULTS.get(name):
            specs += value
    return specs


@dataclass
class Provenance:
    """``fields``: item field -> source label; ``misses``: item field -> the rule selectors
    that were configured for it and found nothing (or, for the body, too little);
    ``embeds``: the social posts the rule's body block held, left out of the text."""

    fields: dict[str, str] = field(default_factory=dict)
    misses: dict[str, tuple[str, ...]] = field(default_factory=dict)
    embeds: int = 0

    def record(self, rules: ArticleRules | None, item_field: str, source: str | None,
               expected: bool = True) -> None:
        """``expected``: whether a page of the outlet should always match the rule (authors
        of an outlet with default authors need not: its agency copy names nobody)."""
        self.fields[item_field] = source or NONE
        specs = configured(rules, item_field)
        if expected and specs and not self.fields[item_field].startswith(RULE_PREFIX):
            self.misses[item_field] = specs
