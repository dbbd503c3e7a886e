"""Outlets the registry does not know: a site given by its address, or rows of a TOML file.

``scrapy crawl site -a url=https://example.org/`` and ``-a outlets=my_outlets.toml`` (or the
``EXTRA_OUTLETS`` setting) describe sites as rows, like the district rows in
``crawler/outlets/regional_sites.toml``; everything a row leaves out is discovered (feeds,
sitemaps, time zone, name) or read by the generic extractor.

Extraction runs in worker processes that know only an outlet's key. The spider therefore
writes the rows it finally uses (time zone and name resolved) to a JSON file named by the
``SITE_OUTLETS_ENV`` environment variable, which workers inherit; :func:`site_outlet` reads
it (again when it changes), and the registry falls back to it for keys it does not know.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import tomllib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, available_timezones

from archive.fileio import write_atomically
from archive.urls import COMPANION_PREFIXES, desktop_host, site_host
from crawler.outlets.base import (
    KEEP_ANY_QUERY,
    ArticleRules,
    Discovery,
    Outlet,
    SiteRowError,
    ascii_host,
)
from crawler.urls import why_no_url

SITE_OUTLETS_ENV = "NEWS_ARCHIVE_SITE_OUTLETS"
GENERIC_RULES_VERSION = "generic"


def generic_rules(outlet: Outlet) -> bool:
    """Whether the outlet is read by the generic rules of a site crawled by its address."""
    return are_generic(outlet.rules)


def are_generic(rules: ArticleRules) -> bool:
    """Whether these are the generic rules of a site crawled by its address."""
    return rules.version.startswith(GENERIC_RULES_VERSION)

# Paths that are never articles on any site: feeds, sitemaps, files, admin, listings by tag,
# author, category, search and page number (galleries and videos are told by their pages).
GENERIC_SKIP_PATHS = (
    r"\.(xml|rss|atom|json|txt|jpe?g|png|gif|webp|svg|ico|pdf|docx?|xlsx?|zip|rar|mp[34]|"
    r"webm|css|js)(\?|$)",
    r"(^|/)(feed|rss|atom)(/|\.|$)", r"^/wp-(admin|login|json|content|includes)",
    r"/(tag|tags|author|authors|category|categories|search|page)/",
    r"[?&](s|q|feed|replytocom|share)=",
    # a print copy: "/slug/print/", "/slug/print.html", "/print/news/slug/", "/print-version/
    # news/slug/", DataLife Engine's "/print:page,1,…" and, without its friendly URLs,
    # "/engine/print.php?newsid=…"; "?print=1", Bitrix's "&print=Y", "?printable=yes" and a
    # parameter saying print ("?mode=print", Joomla's "?view=print"): the article again,
    # without its canonical, a second item of it
    r"/(print|printv|printable|print[-_]version)(/|:|$|\?|\.(php|s?html?)\b)",
    r"[?&](print|printable|printversion|print_version)(=|&|$)",
    r"[?&][^=&#]+=(print|printable|printer|print[-_]?version)(&|$)",
)
# A site no rule knows: every query parameter but tracking noise may name its article
# (Bitrix ?ELEMENT_ID=, Joomla ?option=…&view=article&id=), so none other is dropped.
GENERIC_KEEP_QUERY = (KEEP_ANY_QUERY,)

_RULE_FIELDS = {"title", "subtitle", "published", "published_visible", "modified", "authors",
                "default_authors", "section", "tags", "body", "drop", "cut_markers",
                "drop_paragraphs", "author_line"}
_ROW_FIELDS = {"url", "key", "name", "timezone", "language", "article_path", "skip_paths",
               "keep_query", "feeds", "sitemaps", "aliases", "sister_hosts", "version"} | _RULE_FIELDS
_LIST_FIELDS = (_ROW_FIELDS - {"url", "key", "name", "timezone", "language", "article_path",
                               "version", "author_line"})


def _tuple(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value or ())


def site_key(url: str) -> str:
    """The outlet key of a site: its host without ``www.`` (the district rows' convention;
    ``www2.`` too, a two-label ``www.by`` kept whole: archive.urls.site_host)."""
    return site_host(ascii_host(urlsplit(url).hostname or ""))


def check_row(row: dict[str, Any], where: str = "site") -> dict[str, Any]:
    """The row with its address normalised; SiteRowError names what is wrong. A path in the
    address is the site's home page (a news site in ``/news/``); the host is the outlet."""
    unknown = set(row) - _ROW_FIELDS
    if unknown:
        raise SiteRowError(f"{where}: unknown fields {sorted(unknown)}; known: "
                           f"{sorted(_ROW_FIELDS)}")
    if not isinstance(row.get("url"), str):  # a number was taken for a host (https://5/)
        raise SiteRowError(f"{where}: 'url' must be a site address such as "
                           f"https://example.org/, not {row.get('url')!r}")
    url = row["url"].strip()
    if "://" not in url:
        url = f"https://{url}" if url else ""
    if (why := why_no_url(url)) is not None:  # urlsplit's ValueError was a traceback
        raise SiteRowError(f"{where}: 'url' {row.get('url')!r}: {why}")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SiteRowError(f"{where}: 'url' must be a site address such as "
                           f"https://example.org/, not {row.get('url')!r}")
    from crawler.outlets.regional import check_value  # regional imports extraction: not at load

    for name, value in row.items():
        if name in ("url", "key") or value is None:
            continue
        try:  # a list field may be one string here (``feeds = "https://…/rss"``)
            check_value(name, [value] if isinstance(value, str) and name in _LIST_FIELDS
                        else value)
        except ValueError as exc:
            raise SiteRowError(f"{where}: field {name!r}: {exc}") from None
    if not isinstance(row.get("key", ""), str):
        raise SiteRowError(f"{where}: field 'key': must be a string, not {row['key']!r}")
    if any(c.isspace() or c == "@" or not c.isprintable() for c in row.get("key", "")):
        # an item's rules are named "<key>@<version>": a space or "@" in the key made every
        # article's rules "not match" it, and each was dropped
        raise SiteRowError(f"{where}: field 'key': {row['key']!r} may hold no space, '@' or "
                           "control character")
    home = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:  # the host as it goes on the wire: `новости.бел` and its punycode are one site
        host = ascii_host(parts.hostname)
    except ValueError as exc:
        raise SiteRowError(f"{where}: 'url' {row.get('url')!r}: {exc}") from None
    netloc = (f"[{host}]" if ":" in host else host) + (f":{parts.port}" if parts.port else "")
    if not _WIRE_HOST.match(host):
        raise SiteRowError(f"{where}: 'url' {row.get('url')!r}: {parts.hostname!r} is no "
                           "host name (a space or a character no address may hold)")
    checked = {**row, "url": f"{parts.scheme}://{netloc}{home}"}  # the home page, kept
    check_key(checked, where)
    return checked


# A host as a request line carries it: letters, digits, hyphens, underscores (some CDNs' names)
# and dots, or an IP address (IPv6 in brackets is given by urlsplit without them).
# labels joined by dots (each dot required: an optional one made the match exponential)
_LABEL = r"[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?"
_WIRE_HOST = re.compile(rf"^{_LABEL}(?:\.{_LABEL})*\.?$|^[0-9a-f:.]+$")


def check_key(row: dict[str, Any], where: str) -> None:
    """Refuse a row whose key (given, or derived from its host) is a registered outlet's
    that does not own the row's host: workers and removals resolve a key through the registry
    first, so the row's pages would be filed, read and exported as that outlet's."""
    from crawler.outlets import all_outlets  # the registry imports extraction: not at load

    key = row_key(row)
    owner = all_outlets().get(key)
    host = urlsplit(row["url"]).hostname or ""
    if owner is not None and not owner.owns_host(host):
        raise SiteRowError(f"{where}: key {key!r} is the registered outlet {owner.name!r} "
                           f"({owner.host}), not a site on {host}: give the row another key "
                           "or leave 'key' out (the host is the key)")


def _site_of(url: str) -> str:
    """The site a row's address names, as rows are told apart: the host without ``www.``
    or a mobile or AMP label (one site's editions). Not its port: a site's pages are
    resolved to their outlet by host, so two ports of one host are one site (its first row)."""
    host = site_host(ascii_host(urlsplit(url).hostname or ""))
    bare = host.removeprefix("amp.")
    return desktop_host(host) or (bare if "." in bare else host)


def row_key(row: dict[str, Any]) -> str:
    """The outlet key of a checked row: its own, or its host's."""
    return row.get("key") or site_key(row["url"])


def check_keys_apart(rows: list[dict[str, Any]]) -> None:
    """SiteRowError for two rows giving one key to two sites: one key is one outlet, so the
    second site would be left out of the crawl (or its pages read by the first's row). Two
    rows of one site (``m.``, ``amp.`` or ``www.`` of it) are one outlet and pass."""
    first: dict[str, dict[str, Any]] = {}
    for row in rows:
        key = row_key(row)
        seen = first.setdefault(key, row)
        if _site_of(seen["url"]) != _site_of(row["url"]):
            raise SiteRowError(f"the rows {seen['url']} and {row['url']} both give the key "
                               f"{key!r}: give one of them another 'key'")
    _check_aliases_apart(rows)


def _check_aliases_apart(rows: list[dict[str, Any]]) -> None:
    """SiteRowError for a row's alias naming another row's site or a registered outlet's
    host: that site's pages would be read as this row's, or as the other's, by order."""
    from crawler.outlets import all_outlets  # imports extraction: not at load

    owners = {_site_of(f"http://{host}/"): f"the outlet {outlet.key!r}"
              for outlet in all_outlets().values() for host in outlet.hosts}
    for row in rows:
        owners.setdefault(_site_of(row["url"]), f"the row {row['url']}")
    for row in rows:
        own = _site_of(row["url"])
        for alias in _tuple(row.get("aliases")):
            site = _site_of(alias if "//" in alias else f"http://{alias}/")
            owner = owners.get(site)
            if owner is not None and owner != owners[own]:
                raise SiteRowError(f"the row {row['url']}: its alias {alias!r} is the site of "
                                   f"{owner}: a page there would be read as either's")


def outlet_from_site_row(row: dict[str, Any]) -> Outlet:
    """An Outlet for a site row: generic rules unless the row gives selectors."""
    base = urlsplit(row["url"])
    key = row_key(row)
    rules = {k: _tuple(v) for k, v in row.items() if k in _RULE_FIELDS and k != "author_line"}
    if row.get("author_line"):
        rules["author_line"] = row["author_line"]  # type: ignore[assignment]
    return Outlet(
        key=key,
        name=row.get("name") or key,
        base_url=f"{base.scheme}://{base.netloc}",
        timezone=row.get("timezone") or "UTC",
        article_path=row.get("article_path") or r"^/.+",
        versions=(ArticleRules(version=str(row.get("version") or GENERIC_RULES_VERSION),
                               **rules),),
        discovery=Discovery(feeds=_tuple(row.get("feeds")), sitemaps=_tuple(row.get("sitemaps")),
                            row_patterns=True),
        aliases=_tuple(row.get("aliases")) + companion_hosts(base.hostname or ""),
        sister_hosts=tuple(ascii_host(h) for h in _tuple(row.get("sister_hosts"))),
        keep_query=_tuple(row.get("keep_query") or GENERIC_KEEP_QUERY),
        skip_paths=_tuple(row.get("skip_paths")) + GENERIC_SKIP_PATHS,
        language=row.get("language") or "ru",
        row_patterns=True,
    )


# Hosts a news site serves its own articles from besides www.: its mobile and AMP editions
# (a feed linking m.example.org, a page naming amp.example.org its canonical); the archive's
# URL lookup maps them back too, so the list lives there.


def companion_hosts(host: str) -> tuple[str, ...]:
    """The mobile and AMP hosts of a site (``m.``, ``mobile.``, ``amp.``, ``pda.``), which
    a site row's outlet owns: their links are its articles, read on its own host."""
    bare = site_host(host)
    return tuple(f"{prefix}{bare}" for prefix in COMPANION_PREFIXES) if bare else ()


def load_rows(source: str | Path | list[dict[str, Any]] | None,
              label: str = "EXTRA_OUTLETS") -> list[dict[str, Any]]:
    """Rows from a TOML file (``[[site]]`` tables), a list (a setting) or that list as JSON
    (``-s EXTRA_OUTLETS='[{"url": …}]'``); checked. ``label`` names a list's source in errors
    (the setting, or ``-a url``)."""
    from crawler.outlets.regional import site_tables  # regional imports extraction

    if not source:
        return []
    if isinstance(source, str) and source.lstrip().startswith(("[", "{")):
        try:
            source = json.loads(source)
        except ValueError as exc:
            raise SiteRowError(f"{label} is not a JSON list of rows: {exc}") from None
    if isinstance(source, dict):
        raise SiteRowError(f"{label} must be a list of rows ([{{\"url\": …}}]), not one "
                           "object")
    if isinstance(source, list | tuple):
        rows, where = site_tables(source, label), label
    elif not isinstance(source, str | Path):
        raise SiteRowError(f"{label} must be a TOML file of [[site]] rows or a list of rows, "
                           f"not {source!r}")
    else:
        path = Path(source)
        data = _read_rows_file(path)
        rows, where = site_tables(data.get("site", []), str(path)), str(path)
        if not rows:
            raise SiteRowError(f"outlets file {path} has no [[site]] rows")
    one = where.startswith("-a ")  # a spider argument is one row: named by itself
    return [check_row(dict(row), where if one else f"{where} row {n}")
            for n, row in enumerate(rows, 1)]


def _read_rows_file(path: Path) -> dict[str, Any]:
    """A rows file: TOML, or JSON when named ``.json`` (a list of rows, or ``{"site": […]}``
    as the TOML reads)."""
    try:
        with path.open("rb") as handle:
            if path.suffix.lower() != ".json":
                return tomllib.load(handle)
            data = json.load(handle)
    except OSError as exc:
        raise SiteRowError(f"cannot read outlets file {path}: {exc}") from exc
    except (tomllib.TOMLDecodeError, ValueError) as exc:  # (UnicodeDecodeError too)
        raise SiteRowError(f"outlets file {path}: {exc}") from exc
    if isinstance(data, list):
        return {"site": data}
    if isinstance(data, dict) and set(data) <= {"site"}:
        return data
    raise SiteRowError(f"outlets file {path}: a JSON rows file is a list of rows "
                       '([{"url": …}]) or {"site": [rows]}')


# --- the time zone a site prints -----------------------------------------------------------
def zone_for_offset(offset: timedelta) -> str:
    """An IANA zone with this fixed offset (``Etc/GMT-3`` is UTC+3; POSIX signs are inverted)."""
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    if minutes % 60 == 0 and -12 <= minutes // 60 <= 14:
        hours = minutes // 60
        return f"Etc/GMT{-hours:+d}"
    now = datetime.now(UTC)
    for name in sorted(available_timezones()):  # e.g. +05:30 → Asia/Kolkata
        try:
            zone = ZoneInfo(name)
        except (ValueError, KeyError):
            continue
        if now.astimezone(zone).utcoffset() == offset and zone.dst(now) == timedelta(0):
            return name
    return "UTC"


def first_known_zone(*names: str) -> str:
    """The first of ``names`` the zoneinfo in use resolves: a renamed zone's new name
    ("Europe/Kyiv", tzdata 2022b) where it is known, its old one on an older database."""
    for name in names:
        try:
            ZoneInfo(name)
        except (ValueError, KeyError, OSError):
            continue
        return name
    return names[-1]


_KYIV = first_known_zone("Europe/Kyiv", "Europe/Kiev")


# Country domains of one time zone (in the outlets' region): a site of one whose dates carry
# no offset prints its wall clock there, not UTC. Not .ru: eleven zones. (a row's host is kept
# as written: .бел, .укр, or their punycode). Each as the tz database (tzdata 2026f) gives it:
# Kazakhstan keeps one clock, UTC+5, since 2024-03-01, when Asia/Almaty (Almaty, Astana and
# the east) and Asia/Qostanay left UTC+6 to join the west; Asia/Almaty's history is the
# capital's, so a .kz page dated before then is read at +06:00 (a western region's site
# printed +05:00 then: it votes Etc/GMT-5 when it prints its offset). Uzbekistan, Tajikistan
# UTC+5, Kyrgyzstan UTC+6, Turkmenistan UTC+5, none with summer time.
COUNTRY_ZONES = {"by": "Europe/Minsk", "бел": "Europe/Minsk", "xn--90ais": "Europe/Minsk",
                 "ua": _KYIV, "укр": _KYIV, "xn--j1amh": _KYIV,
                 "pl": "Europe/Warsaw", "lt": "Europe/Vilnius", "lv": "Europe/Riga",
                 "ee": "Europe/Tallinn", "md": "Europe/Chisinau", "ge": "Asia/Tbilisi",
                 "am": "Asia/Yerevan", "az": "Asia/Baku", "kz": "Asia/Almaty",
                 "қаз": "Asia/Almaty", "xn--80ao21a": "Asia/Almaty", "uz": "Asia/Tashkent",
                 "kg": "Asia/Bishkek", "tj": "Asia/Dushanbe", "tm": "Asia/Ashgabat"}


def vote_zone(offsets: Counter[timedelta], host: str = "") -> str:
    """The zone of the offset most dates carry (a tie goes to a non-UTC offset: UTC is what
    software writes by default); when no date carried one, the zone of the host's country
    domain if it has one zone (:data:`COUNTRY_ZONES`), else UTC. An offset the country's
    zone keeps in winter or in summer is that zone (a .by site printing +03:00 is
    Europe/Minsk, not the fixed Etc/GMT-3: its dates before 2011 had summer time; a .ua
    site's July articles at +03:00 make its January ones +02:00, whenever it is crawled)."""
    country = COUNTRY_ZONES.get(host.rstrip(".").rsplit(".", 1)[-1].lower())
    if not offsets:
        return country or "UTC"
    offset, _ = max(offsets.items(), key=lambda kv: (kv[1], kv[0] != timedelta(0)))
    if country and offset in _seasons_offsets(country):
        return country
    return zone_for_offset(offset)


def _seasons_offsets(zone: str) -> set[timedelta | None]:
    """The zone's offsets in January and July of this year (winter and summer time)."""
    year = datetime.now(UTC).year
    return {datetime(year, month, 1, tzinfo=ZoneInfo(zone)).utcoffset() for month in (1, 7)}


# --- the runtime registry ------------------------------------------------------------------
_LOCAL: dict[str, Outlet] = {}
_LOADED: dict[str, Any] = {"stamp": None, "outlets": {}}


def publish(outlets: dict[str, dict[str, Any]], path: Path) -> None:
    """Make these rows (by key) the outlets this process and its workers resolve."""
    _LOCAL.clear()
    _LOCAL.update({key: outlet_from_site_row(row) for key, row in outlets.items()})
    try:  # a temp file renamed over it: a worker never reads half a file
        write_atomically(path, json.dumps(outlets, ensure_ascii=False).encode("utf-8"))
    except OSError as exc:  # a full TMPDIR: no cut temp file left there, and the file named
        raise OSError(exc.errno, f"{exc.strerror or exc} (the site rows the extraction "
                      "workers read: set TMPDIR to a folder with room)", str(path)) from None
    os.environ[SITE_OUTLETS_ENV] = str(path)


@contextmanager
def sites_published(rows: list[dict[str, Any]]) -> Iterator[None]:
    """Resolve these rows' sites (keyed as a crawl keys them) while the block runs, in this
    process and the processes it starts (re-extraction of an archive of such sites).
    SiteRowError for two sites given one key."""
    if not rows:
        yield
        return
    check_keys_apart(rows)
    fd, name = tempfile.mkstemp(prefix="site-outlets-", suffix=".json")
    os.close(fd)
    path = Path(name)
    by_key: dict[str, dict[str, Any]] = {}
    for row in rows:  # a site's first row, as a crawl keeps it
        by_key.setdefault(row_key(row), row)
    try:
        publish(by_key, path)
        yield
    finally:
        withdraw(path)


def republish(rows: list[dict[str, Any]]) -> None:
    """Publish ``rows`` again where :func:`sites_published` published them (a zone learnt
    since: the workers started after this resolve them so)."""
    path = os.environ.get(SITE_OUTLETS_ENV)
    if path and rows:
        by_key: dict[str, dict[str, Any]] = {}
        for row in rows:
            by_key.setdefault(row_key(row), row)
        publish(by_key, Path(path))


def withdraw(path: Path | None) -> None:
    _LOCAL.clear()
    if os.environ.get(SITE_OUTLETS_ENV) == str(path):
        del os.environ[SITE_OUTLETS_ENV]
    if path is not None:
        path.unlink(missing_ok=True)


def _published() -> dict[str, Outlet]:
    path = os.environ.get(SITE_OUTLETS_ENV)
    if not path:
        return {}
    try:
        stat = os.stat(path)
        stamp = (path, stat.st_mtime_ns, stat.st_size)
        if stamp != _LOADED["stamp"]:
            rows = json.loads(Path(path).read_text("utf-8"))
            _LOADED["outlets"] = {k: outlet_from_site_row(r) for k, r in rows.items()}
            _LOADED["stamp"] = stamp
    except (OSError, ValueError):
        return {}
    return _LOADED["outlets"]


def site_outlet(key: str) -> Outlet | None:
    """A site outlet of this run by key (crawl process or extraction worker)."""
    return _LOCAL.get(key) or _published().get(key)


def site_outlet_for_host(host: str) -> Outlet | None:
    outlets = _LOCAL or _published()
    return next((o for o in outlets.values() if o.owns_host(host)), None)
