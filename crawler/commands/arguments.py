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
        parts = urlsplit(value) if isinstance(value, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(f"OUTLET_BASE_URLS[{key!r}]: {value!r} is no base URL; give the "
                             "scheme and host, e.g. \"https://mirror.example\"")
        if key not in known:
            logger.warning("OUTLET_BASE_URLS names %r, which is no outlet key or host of this "
                           "run: its base URL %s is not used", key, value)
