"""Outlets as rows of a table: the district newspapers in ``regional_sites.toml``.

A row holds an outlet's identity, its :class:`Discovery` fields and its :class:`ArticleRules`
fields (the current layout); ``[[site.layouts]]`` tables add older or newer layouts, each a
version with its ``valid_from`` day and the rule fields that differ from the row's.
"""

from __future__ import annotations

import tomllib
from dataclasses import fields
from datetime import date
from pathlib import Path
from typing import Any

from crawler.outlets.archives import archive_scheme
from crawler.outlets.base import COMMON_CUT_MARKERS, ArticleRules, Discovery, Outlet, PageScheme

SITES_FILE = Path(__file__).with_name("regional_sites.toml")

_RULE_FIELDS = {f.name for f in fields(ArticleRules)}
# Discovery fields a row may give (listing_date is a code hook: not for rows).
_DISCOVERY_FIELDS = {"feeds", "listings", "listing_pages", "archive", "sitemaps", "links",
                     "exclude", "entries", "url_date", "next_page", "max_pages"}
_OUTLET_FIELDS = {"host", "name", "scheme", "timezone", "article_path", "aliases",
                  "mirror_path_prefix", "keep_query", "skip_paths", "language", "layouts"}


def _tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _page_scheme(value: Any, where: str) -> PageScheme | None:
    """``"wp-m"`` (a named scheme), ``{first = "…", paged = "…"}`` or a paged template."""
    if isinstance(value, dict):
        return PageScheme(str(value["first"]), value.get("paged"))
    if where == "archive":
        return archive_scheme(str(value))
    return PageScheme("{path}", str(value))


def _rules(values: dict[str, Any], where: str) -> ArticleRules:
    rules = {k: _tuple(v) for k, v in values.items() if k in _RULE_FIELDS}
    if isinstance(rules.get("valid_from"), str):
        rules["valid_from"] = date.fromisoformat(rules["valid_from"])
    rules["cut_markers"] = tuple(rules.get("cut_markers", ())) + COMMON_CUT_MARKERS
    try:
        return ArticleRules(**rules)
    except TypeError as exc:
        raise ValueError(f"{where}: {exc}") from None


def discovery_from_row(merged: dict[str, Any]) -> Discovery:
    values = {k: _tuple(v) for k, v in merged.items() if k in _DISCOVERY_FIELDS}
    archive = values.pop("archive", "none")
    pages = values.pop("listing_pages", None)
    return Discovery(**values, archive=_page_scheme(archive, "archive"),
                     archive_name=archive if isinstance(archive, str) else "",
                     listing_pages=_page_scheme(pages, "listing_pages") if pages else None)


def outlet_from_row(row: dict[str, Any], defaults: dict[str, Any]) -> Outlet:
    """Build an Outlet from a table row; unknown keys are an error, so typos do not pass silently."""
    merged = {**defaults, **row}
    where = f"regional site {row.get('host')!r}"
    unknown = set(merged) - _RULE_FIELDS - _DISCOVERY_FIELDS - _OUTLET_FIELDS
    if unknown:
        raise ValueError(f"{where}: unknown fields {sorted(unknown)}")
    try:
        discovery = discovery_from_row(merged)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
    current = _rules(merged, where)
    versions = [current]
    for layout in merged.get("layouts", []):
        if set(layout) - _RULE_FIELDS:
            raise ValueError(f"{where}: unknown layout fields {sorted(set(layout) - _RULE_FIELDS)}")
        # A layout shares the row's rule fields but not its name or start day (default: the
        # oldest, for the layout a site had before the row's current one).
        inherited = {k: v for k, v in merged.items() if k not in ("version", "valid_from")}
        versions.append(_rules({**inherited, **layout}, where))
    host = merged["host"]
    return Outlet(
        key=host,
        name=merged["name"],
        base_url=f"{merged.get('scheme', 'https')}://{host}",
        timezone=merged.get("timezone", "Europe/Minsk"),
        article_path=merged["article_path"],
        versions=tuple(versions),
        discovery=discovery,
        aliases=_tuple(merged.get("aliases", ())),
        mirror_path_prefix=merged.get("mirror_path_prefix", ""),
        keep_query=_tuple(merged.get("keep_query", ())),
        skip_paths=_tuple(merged.get("skip_paths", ())),
        language=merged.get("language", "ru"),
    )


def load_sites(path: Path = SITES_FILE) -> dict[str, Outlet]:
    """Every site of the table, keyed by host (the outlet key)."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    defaults = data.get("defaults", {})
    return {row["host"]: outlet_from_row(row, defaults) for row in data.get("site", [])}
