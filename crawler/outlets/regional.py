"""Outlets as rows of a table: the district newspapers in ``regional_sites.toml``.

A row holds an outlet's identity, its :class:`Discovery` fields and its :class:`ArticleRules`
fields (the current layout); ``[[site.layouts]]`` tables add older or newer layouts, each a
version with its ``valid_from`` day and the rule fields that differ from the row's.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import fields
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import regex

from crawler.extraction.html import check_selector
from crawler.outlets.archives import archive_scheme
from crawler.outlets.base import (
    COMMON_CUT_MARKERS,
    PARAGRAPH_MATCH_SECONDS,
    ArticleRules,
    Discovery,
    Outlet,
    PageScheme,
    SiteRowError,
    ascii_host,
    linear_regex,
)
from crawler.urls import why_no_url

SITES_FILE = Path(__file__).with_name("regional_sites.toml")

_RULE_FIELDS = {f.name for f in fields(ArticleRules)}
# Discovery fields a row may give (listing_date is a code hook: not for rows).
_DISCOVERY_FIELDS = {"feeds", "listings", "listing_pages", "archive", "sitemaps", "links",
                     "exclude", "entries", "url_date", "next_page", "max_pages"}
_OUTLET_FIELDS = {"host", "name", "scheme", "timezone", "article_path", "aliases",
                  "mirror_path_prefix", "keep_query", "skip_paths", "language", "layouts"}
REQUIRED_FIELDS = ("host", "name", "article_path", "version")  # version: [defaults] gives one

# What each field must hold, so a bad row fails when the table loads, naming row and field,
# instead of on the first page it meets (a string where a list belongs is iterated by letter).
_LISTS = {f.name for f in fields(ArticleRules) if isinstance(f.default, tuple)} | {
    "aliases", "keep_query", "skip_paths", "feeds", "listings", "sitemaps"}
_STRINGS = {"host", "name", "scheme", "timezone", "article_path", "mirror_path_prefix",
            "language", "version", "links", "exclude", "entries", "url_date", "next_page",
            "author_line"}
_BOOLS = {"visible_time", "machine_date"}
_SELECTORS = {"title", "subtitle", "published", "published_visible", "modified", "authors",
              "section", "tags", "body", "drop", "links", "exclude", "entries", "next_page"}
_REGEXES = {"article_path", "skip_paths", "drop_paragraphs", "author_line", "url_date"}
_URL_REGEXES = {"article_path", "skip_paths", "url_date"}  # run on links: RE2 (linear_regex)
_HOST = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$")


def _strings(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _check_regex(pattern: str, linear: bool) -> None:
    r"""A regular expression as it will be compiled: one matched against URLs (``linear``)
    by re and RE2 (crawler.outlets.base.linear_regex), a paragraph pattern by the ``regex``
    module (ParagraphPattern: ``[[:foo:]]`` passed re's check and failed on every article,
    ``\p{L}`` failed re's and works there). A paragraph pattern matching an empty text
    would match every paragraph: refused."""
    if linear:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"{pattern!r} is no regular expression: {exc}") from None
        linear_regex(pattern)
        return
    try:
        compiled = regex.compile(pattern, regex.IGNORECASE | regex.V0)
    except (regex.error, ValueError, OverflowError) as exc:
        raise ValueError(f"{pattern!r} is no regular expression: {exc}") from None
    try:
        empty = compiled.match("", timeout=PARAGRAPH_MATCH_SECONDS) is not None
    except TimeoutError:
        empty = False
    if empty:
        raise ValueError(f"{pattern!r} matches an empty text, so every paragraph: give the "
                         "words the paragraph holds")


# What PageScheme.url_path formats a template with: a typo'd field ({dya}, {pag}) or an
# unclosed brace fails on the first backfill, mid-crawl, for this site and every row after.
_TEMPLATE_SAMPLE = {"day": date(2025, 1, 2), "path": "/news/", "page": 2}


_WIDE_FIELD = re.compile(r"\{[^{}]*:[^{}]*\d{4,}[^{}]*\}")  # {page:>9999999999}


def _check_template(template: str) -> None:
    if _WIDE_FIELD.search(template):  # formatting it took 50 s and 10 GB, or a MemoryError
        raise ValueError(f"path template {template!r}: a field's width or precision of four "
                         "digits or more makes no path")
    try:
        template.format(**_TEMPLATE_SAMPLE)
    except KeyError as exc:
        raise ValueError(f"path template {template!r} names {{{exc.args[0]}}}; a template may "
                         "use only {day:…} (strftime codes), {path} and {page}") from None
    except (IndexError, ValueError, AttributeError, TypeError) as exc:
        raise ValueError(f"path template {template!r} cannot be formatted ({exc}); it may use "
                         "{day:…} (strftime codes), {path} and {page}, and {{ }} for braces"
                         ) from None


def check_value(name: str, value: Any) -> None:
    """Raise ValueError saying what is wrong with one field's value (district rows and the
    site rows of ``crawler.siteoutlets`` share the field names)."""
    if name in _LISTS and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        example = f'{name} = ["{value}"]' if isinstance(value, str) else f'{name} = ["…"]'
        raise ValueError(f"must be a list of strings ({example}), not {value!r}")
    if name in _STRINGS and not isinstance(value, str):
        raise ValueError(f"must be a string, not {value!r}")
    if name in _BOOLS and not isinstance(value, bool):
        raise ValueError(f"must be true or false, not {value!r}")
    if name in _LISTS and "" in value:  # an empty cut marker cuts every body at its start
        raise ValueError(f"holds an empty string: {value!r}")
    if name in ("feeds", "sitemaps"):
        for where in value:
            if not where.startswith("/") and urlsplit(where).scheme not in ("http", "https"):
                raise ValueError(f"{where!r} is no path on the site (\"/rss\") nor an http(s) "
                                 "address")
    if name in ("feeds", "sitemaps", "listings"):
        for where in value:
            # an address with a port that is none passed, and its request's ValueError then
            # ended the reading of a site's home page (nothing of the site read), or the
            # district spider's start requests (no listing or sitemap of any later site)
            if not where.startswith("/") and (why := why_no_url(where)) is not None:
                raise ValueError(f"{where!r} is no URL ({why})")
    if name == "max_pages" and (isinstance(value, bool) or not isinstance(value, int)
                                or value < 1):
        raise ValueError(f"must be a whole number of pages (1 or more), not {value!r}")
    if name == "valid_from" and not isinstance(value, date):
        if not isinstance(value, str):
            raise ValueError(f"must be a day as YYYY-MM-DD, not {value!r}")
        try:
            date.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(f"must be a day as YYYY-MM-DD, not {value!r} ({exc})") from None
    if name in ("archive", "listing_pages") and isinstance(value, dict):
        unknown = set(value) - {"first", "paged"}
        if unknown or not isinstance(value.get("first", "{path}"), str) or not isinstance(
                value.get("paged", ""), str) or (name == "archive" and "first" not in value):
            raise ValueError("must be a scheme name or a table {first = \"…\", paged = \"…\"}"
                             f" of path templates, not {value!r}")
    elif name in ("archive", "listing_pages") and not isinstance(value, str):
        raise ValueError(f"must be a string or a table of path templates, not {value!r}")
    if name in ("archive", "listing_pages"):
        # an archive string names a scheme (archive_scheme checks it); a listing_pages
        # string is the paged template
        templates = (list(value.values()) if isinstance(value, dict)
                     else [value] if name == "listing_pages" else [])
        for template in templates:
            _check_template(template)
    if name in _SELECTORS:
        for spec in _strings(value):
            check_selector(spec)
    if name in _REGEXES:
        for pattern in _strings(value):
            _check_regex(pattern, name in _URL_REGEXES)
    if name == "url_date" and value and not {"d", "m", "y"} <= set(re.compile(value).groupindex):
        raise ValueError(f"{value!r} needs the named groups (?P<d>…), (?P<m>…) and (?P<y>…)")
    if name == "author_line" and value and regex.compile(value, regex.V0).groups != 1:
        raise ValueError(f"{value!r} needs exactly one group (the author's name)")
    if name == "timezone":
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is no IANA time zone (e.g. Europe/Minsk)") from None
    if name == "aliases":
        for alias in value:
            if not _HOST.match(ascii_host(alias)):
                raise ValueError(f"{alias!r} is no host name: an alias is a bare host such as "
                                 "\"old-name.by\" (no scheme, path or port)")
    if name == "host" and not _HOST.match(value):
        raise ValueError(f"{value!r} is no host name: give it bare and lower-case, e.g. "
                         "\"rayon.by\" (no scheme, path or port; an IDN in punycode)")
    if name == "scheme" and value not in ("http", "https"):
        raise ValueError(f"must be \"https\" or \"http\", not {value!r}")
    if name == "layouts" and not (isinstance(value, list)
                                  and all(isinstance(v, dict) for v in value)):
        raise ValueError("must be [[site.layouts]] tables")


def check_row(merged: dict[str, Any], where: str,
              required: tuple[str, ...] = REQUIRED_FIELDS) -> None:
    """Raise SiteRowError for a missing required field, an unknown one, or a bad value."""
    unknown = set(merged) - _RULE_FIELDS - _DISCOVERY_FIELDS - _OUTLET_FIELDS
    if unknown:
        raise SiteRowError(f"{where}: unknown fields {sorted(unknown)}")
    missing = [name for name in required if name not in merged]
    if missing:
        raise SiteRowError(f"{where}: missing required field(s) {', '.join(missing)} "
                           f"(required: {', '.join(required)})")
    for name, value in merged.items():
        try:
            check_value(name, value)
        except ValueError as exc:
            raise SiteRowError(f"{where}: field {name!r}: {exc}") from None


def _tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _page_scheme(value: Any, where: str) -> PageScheme | None:
    """``"wp-m"`` (a named scheme), ``{first = "…", paged = "…"}`` or a paged template."""
    if isinstance(value, dict):
        return PageScheme(str(value.get("first", "{path}")), value.get("paged"))
    if where == "archive":
        return archive_scheme(str(value))
    return PageScheme("{path}", str(value))


def _rules(values: dict[str, Any], where: str) -> ArticleRules:
    rules = {k: _tuple(v) for k, v in values.items() if k in _RULE_FIELDS}
    if isinstance(rules.get("valid_from"), str):
        rules["valid_from"] = date.fromisoformat(rules["valid_from"])
    rules["cut_markers"] = tuple(rules.get("cut_markers", ())) + COMMON_CUT_MARKERS
    return ArticleRules(**rules)


def discovery_from_row(merged: dict[str, Any]) -> Discovery:
    values = {k: _tuple(v) for k, v in merged.items() if k in _DISCOVERY_FIELDS}
    archive = values.pop("archive", "none")
    pages = values.pop("listing_pages", None)
    return Discovery(**values, row_patterns=True, archive=_page_scheme(archive, "archive"),
                     archive_name=archive if isinstance(archive, str) else "",
                     listing_pages=_page_scheme(pages, "listing_pages") if pages else None)


def outlet_from_row(row: dict[str, Any], defaults: dict[str, Any],
                    where: str | None = None) -> Outlet:
    """Build an Outlet from a table row, or raise SiteRowError naming the row and the field:
    unknown keys, missing ones and bad values fail here, so typos do not pass silently."""
    merged = {**defaults, **row}
    where = where or f"regional site {row.get('host')!r}"
    check_row(merged, where)
    for n, layout in enumerate(merged.get("layouts", []), 1):
        if set(layout) - _RULE_FIELDS:
            raise SiteRowError(f"{where}: unknown layout fields "
                               f"{sorted(set(layout) - _RULE_FIELDS)}")
        check_row(layout, f"{where}, layout #{n}", required=("version",))
    try:
        discovery = discovery_from_row(merged)
    except ValueError as exc:
        raise SiteRowError(f"{where}: {exc}") from None
    current = _rules(merged, where)
    versions = [current]
    for layout in merged.get("layouts", []):
        # A layout shares the row's rule fields but not its name or start day (default: the
        # oldest, for the layout a site had before the row's current one).
        inherited = {k: v for k, v in merged.items() if k not in ("version", "valid_from")}
        versions.append(_rules({**inherited, **layout}, where))
    host = merged["host"]
    try:
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
            row_patterns=True,
        )
    except ValueError as exc:  # rule versions with the same name or start day
        raise SiteRowError(f"{where}: {exc}") from None


def check_hosts(outlets: Iterable[Outlet], label: dict[str, str] | None = None) -> None:
    """Raise SiteRowError when two outlets claim one host (own, ``www.`` variant or alias):
    a URL would resolve to whichever came first, and the other would silently lose it."""
    label = label or {}
    owner: dict[str, str] = {}
    for outlet in outlets:
        for host in outlet.hosts:
            first = owner.setdefault(host, outlet.key)
            if first != outlet.key:
                raise SiteRowError(f"{label.get(outlet.key, repr(outlet.key))} claims host "
                                   f"{host!r}, which {label.get(first, repr(first))} has already")


def site_tables(rows: Any, where: str) -> list[dict[str, Any]]:
    """The ``[[site]]`` tables of a file (or the rows of a setting); SiteRowError for a single
    ``[site]`` table or a ``site = …`` value, which would be iterated by key or fail as a
    TypeError deep inside."""
    if isinstance(rows, dict):
        raise SiteRowError(f"{where}: [site] is one table; each site is a [[site]] table "
                           "(double brackets)")
    if not isinstance(rows, list | tuple):
        raise SiteRowError(f"{where}: 'site' must be [[site]] tables, not {rows!r}")
    for n, row in enumerate(rows, 1):
        if not isinstance(row, dict):
            raise SiteRowError(f"{where}: row {n} must be a table of fields ([[site]] in TOML,"
                               f" {{\"url\": …}} in JSON), not {row!r}")
    return list(rows)


def load_sites(path: Path | None = None) -> dict[str, Outlet]:
    """Every site of the table (default ``SITES_FILE``), keyed by host (the outlet key)."""
    path = path or SITES_FILE
    with path.open("rb") as handle:
        try:
            data = tomllib.load(handle)
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:  # (TOML is UTF-8)
            raise SiteRowError(f"{path}: {exc}") from None
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        raise SiteRowError(f"{path.name}: 'defaults' must be a [defaults] table, not "
                           f"{defaults!r}")
    sites: dict[str, Outlet] = {}
    labels: dict[str, str] = {}
    for n, row in enumerate(site_tables(data.get("site", []), path.name), 1):
        where = f"{path.name}: [[site]] #{n} ({row.get('host', 'no host')!r})"
        outlet = outlet_from_row(row, defaults, where)
        if outlet.key in sites:
            raise SiteRowError(f"{where}: host {outlet.key!r} has a row already: "
                               f"{labels[outlet.key]}")
        sites[outlet.key], labels[outlet.key] = outlet, where
    check_hosts(sites.values(), labels)
    return sites
