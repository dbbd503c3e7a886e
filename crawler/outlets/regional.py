"""District newspapers: one row of data per site in ``regional_sites.toml``."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from crawler.outlets.archives import ARCHIVE_SCHEMES
from crawler.outlets.base import COMMON_CUT_MARKERS, ArticleRules, Outlet

SITES_FILE = Path(__file__).with_name("regional_sites.toml")

# Row fields that are ArticleRules fields (lists become tuples).
_RULE_FIELDS = {"title", "subtitle", "published", "published_visible", "modified", "authors",
                "default_authors", "section", "tags", "body", "drop", "cut_markers",
                "drop_paragraphs", "author_line", "version"}
# Row fields that describe discovery rather than markup; kept on Outlet.extra.
# listing_links: one CSS selector (commas allowed) for the links of a listing's main column,
# so sidebar "latest news" widgets do not leak other days into a day archive.
_EXTRA_FIELDS = {"archive", "sitemap", "listing_links"}


def _tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def outlet_from_row(row: dict[str, Any], defaults: dict[str, Any]) -> Outlet:
    """Build an Outlet from a table row; unknown keys are an error, so typos do not pass silently."""
    merged = {**defaults, **row}
    known = _RULE_FIELDS | _EXTRA_FIELDS | {"host", "name", "scheme", "timezone", "article_path",
                                            "feeds", "listings", "aliases", "keep_query",
                                            "skip_paths", "language"}
    unknown = set(merged) - known
    if unknown:
        raise ValueError(f"regional site {row.get('host')!r}: unknown fields {sorted(unknown)}")
    archive = merged.get("archive", "none")
    if archive not in ARCHIVE_SCHEMES:
        raise ValueError(f"regional site {row.get('host')!r}: unknown archive scheme {archive!r};"
                         f" known: {sorted(ARCHIVE_SCHEMES)}")
    rules = {k: _tuple(v) for k, v in merged.items() if k in _RULE_FIELDS}
    rules["cut_markers"] = tuple(rules.get("cut_markers", ())) + COMMON_CUT_MARKERS
    host = merged["host"]
    return Outlet(
        key=host,
        name=merged["name"],
        base_url=f"{merged.get('scheme', 'https')}://{host}",
        timezone=merged.get("timezone", "Europe/Minsk"),
        article_path=merged["article_path"],
        rules=ArticleRules(**rules),
        feeds=_tuple(merged.get("feeds", [])),
        listings=_tuple(merged.get("listings", [])),
        aliases=_tuple(merged.get("aliases", [])),
        keep_query=_tuple(merged.get("keep_query", [])),
        skip_paths=_tuple(merged.get("skip_paths", [])),
        language=merged.get("language", "ru"),
        extra={k: str(merged[k]) for k in _EXTRA_FIELDS if k in merged},
    )


def load_sites(path: Path = SITES_FILE) -> dict[str, Outlet]:
    """Every district site of the table, keyed by host (the outlet key)."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    defaults = data.get("defaults", {})
    return {row["host"]: outlet_from_row(row, defaults) for row in data.get("site", [])}
