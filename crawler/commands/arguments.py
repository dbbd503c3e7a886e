"""Spider arguments (``-a name=value``) checked before anything is crawled.

Scrapy makes every ``-a`` value an attribute of the spider, whether the spider takes it or
not. ``crawlall`` hands each spider only the arguments it takes (``-a outlets=`` is the
``site`` spider's: set on БЕЛТА it replaced its ``outlets()`` method) and refuses one that no
spider takes (a typo: ``-a snice=``); both commands check the values with the spider's
``check_arguments`` first, so a bad one is a usage error (exit status 2), not a crash.
"""

from __future__ import annotations

import inspect
import logging
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import UsageError

logger = logging.getLogger(__name__)

_NAMED = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


def spider_parameters(spidercls: type) -> frozenset[str]:
    """The ``-a`` names a spider takes: keyword parameters of its own ``__init__`` methods
    (not Scrapy's ``Spider``, whose ``name`` is no argument) and of ``check_arguments``."""
    methods = [vars(k)["__init__"] for k in spidercls.__mro__
               if "__init__" in vars(k) and issubclass(k, scrapy.Spider) and k is not scrapy.Spider]
    check = getattr(spidercls, "check_arguments", None)
    names = {p.name for m in [*methods, *([check] if callable(check) else [])]
             for p in inspect.signature(m).parameters.values() if p.kind in _NAMED}
    return frozenset(names - {"self", "cls"})


def route_arguments(arguments: dict[str, Any],
                    spiders: dict[str, type]) -> dict[str, dict[str, Any]]:
    """Each spider's share of ``arguments``; UsageError for one no spider takes."""
    takes = {name: spider_parameters(cls) for name, cls in spiders.items()}
    known = set().union(*takes.values()) if takes else set()
    for key in arguments:
        if key not in known:
            raise UsageError(f"-a {key}: no spider takes it (they take: "
                             f"{', '.join(sorted(known))})")
    return {name: {k: v for k, v in arguments.items() if k in takes[name]}
            for name in spiders}


def check_arguments(spidercls: type, arguments: dict[str, Any]) -> None:
    """The spider's own check of its ``-a`` values (UsageError), and none that would replace
    one of its attributes without being an argument it takes."""
    taken = spider_parameters(spidercls)
    for key in arguments:
        if key not in taken and hasattr(spidercls, key):
            raise UsageError(f"-a {key}: {spidercls.name} does not take it (it would replace "
                             f"the spider's own {key!r})")
    check = getattr(spidercls, "check_arguments", None)
    if callable(check):
        check(**arguments)


# Numeric settings a run reads deep inside the reactor, with the least value each takes:
# CONCURRENT_REQUESTS_PER_DOMAIN=0 crawled nothing for ever (one SIGTERM did not end it),
# FEED_MAX_ENTRIES=-1 read no feed, "abc" was a traceback per feed or at start.
_WHOLE_AT_LEAST = {
    "CONCURRENT_REQUESTS": 1, "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
    "CONCURRENT_REQUESTS_PER_IP": 0, "CONCURRENT_ITEMS": 1, "DOWNLOAD_MAXSIZE": 0,
    "RETRY_TIMES": 0, "WARC_MAX_SIZE": 0, "EXTRACTION_WORKERS": 0, "ARTICLE_MAX_PAGES": 1,
    "ARTICLE_MAX_TEXT_CHARS": 1, "SITE_BOILERPLATE_MIN_PAGES": 0,
    "HEALTH_HISTORY": 1, "HEALTH_MIN_SAMPLE": 1, "RULE_MISS_MIN_PAGES": 1,
    "SITE_MAX_FEEDS": 1, "SITE_MAX_SITEMAPS": 1, "SITE_SITEMAP_DEPTH": 0,
    "FEED_MAX_ENTRIES": 1, "SITE_MAX_URLS": 1, "SITE_MAX_ARCHIVE_PAGES": 1,
    "SITE_ZONE_SAMPLES": 0, "SITE_RECENT_DAYS": 1, "SITE_MAX_HELD": 0}
_POSITIVE = ("DOWNLOAD_TIMEOUT", "EXTRACTION_TIMEOUT")
_NOT_NEGATIVE = ("REFETCH_MAX_AGE_DAYS",)  # days, a fraction too (tests use 0.001)
_SHARES = ("HEALTH_MIN", "RULE_MISS_ALARM")  # from 0 to 1
_FLAGS = ("WARC_ENABLED", "ITEMS_TO_DATA_DIR", "RUN_LOCK", "ROBOTSTXT_OBEY")


def check_run_settings(settings: Any) -> None:
    """UsageError naming a run setting whose value is of the wrong kind or out of range
    (``-s CONCURRENT_REQUESTS_PER_DOMAIN=0``, ``-s HEALTH_MIN=abc``), before anything is
    fetched."""
    def bad(name: str, what: str) -> UsageError:
        return UsageError(f"-s {name}={settings.get(name)!r}: must be {what}")

    for name, least in _WHOLE_AT_LEAST.items():
        if settings.get(name) is None:
            continue
        try:
            value = settings.getint(name)
        except (TypeError, ValueError):
            raise bad(name, f"a whole number of at least {least}") from None
        raw = settings.get(name)
        if value < least or isinstance(raw, float) and not raw.is_integer():
            raise bad(name, f"a whole number of at least {least}")
    for name in (*_POSITIVE, *_NOT_NEGATIVE, *_SHARES):
        if settings.get(name) is None:
            continue
        try:
            value = settings.getfloat(name)
        except (TypeError, ValueError):
            raise bad(name, "a number") from None
        if name in _POSITIVE and not value > 0:
            raise bad(name, "a number of seconds above 0")
        if name in _NOT_NEGATIVE and not value >= 0:
            raise bad(name, "a number of at least 0")
        if name in _SHARES and not 0 <= value <= 1:
            raise bad(name, "a share from 0 to 1")
    for name in _FLAGS:
        try:
            settings.getbool(name)
        except (TypeError, ValueError):
            raise bad(name, "True or False (1 or 0)") from None


def check_site_settings(settings: Any, site_arguments: dict[str, Any] | None = None,
                        extra_outlets: bool = True) -> None:
    """UsageError for a bad ``EXTRA_OUTLETS`` or ``OUTLET_BASE_URLS`` before the crawl: the
    spiders read them inside the running reactor, where an error is a traceback (a base URL
    with no scheme was a "Missing scheme" per request). A base-URL key that names no outlet,
    no outlet's host and no site of this run is warned of by name: it would be ignored.

    ``site_arguments``: the ``site`` spider's ``-a`` values, when it runs (its rows' hosts are
    keys a mirror may be given for); two of its rows giving one key to two sites are refused.
    ``extra_outlets=False`` (crawlall, or a crawl of another spider): a bad EXTRA_OUTLETS (or
    one clashing with the given rows) is left to the ``site`` spider, the only one reading it."""
    from crawler.outlets import all_outlets
    from crawler.sitecrawl import site_rows  # imports the spiders: not at load
    from crawler.siteoutlets import SiteRowError, check_keys_apart, site_key
    from crawler.urls import why_no_url

    check_run_settings(settings)

    given = [] if site_arguments is None else site_rows(
        site_arguments.get("url"), site_arguments.get("outlets"),
        timezone=site_arguments.get("timezone"))
    try:
        extra = site_rows(None, None, settings.get("EXTRA_OUTLETS"))
    except UsageError:
        if extra_outlets:
            raise
        extra = []
    rows = given + extra  # the order the site spider reads them in
    try:
        check_keys_apart(rows if extra_outlets else given)
    except SiteRowError as exc:
        raise UsageError(str(exc)) from None
    try:
        base_urls = settings.getdict("OUTLET_BASE_URLS")
    except (ValueError, TypeError) as exc:
        raise UsageError(f"OUTLET_BASE_URLS must be a JSON object of outlet key (or host) -> "
                         f"base URL, e.g. '{{\"zerkalo\": \"https://mirror.example\"}}' ({exc})"
                         ) from None
    known = set()
    for outlet in all_outlets().values():
        known |= {outlet.key, outlet.host, *outlet.hosts}
    for row in rows:
        host = urlsplit(row["url"]).hostname or ""
        known |= {host, row.get("key") or "", site_key(row["url"])}
    for key, value in base_urls.items():
        if isinstance(value, str) and (why := why_no_url(value)) is not None:
            # passed, then every request for the outlet raised: the spider stopped at start
            raise UsageError(f"OUTLET_BASE_URLS[{key!r}]: {value!r} is no base URL ({why})")
        parts = urlsplit(value) if isinstance(value, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(f"OUTLET_BASE_URLS[{key!r}]: {value!r} is no base URL; give the "
                             "scheme and host, e.g. \"https://mirror.example\"")
        if key not in known:
            logger.warning("OUTLET_BASE_URLS names %r, which is no outlet key or host of this "
                           "run: its base URL %s is not used", key, value)
