"""The outlet registry: every publisher the crawler knows, by key and by URL.

One resolver maps a URL to its outlet, for spiders (which add the hosts of the base URLs a
run fetches from, e.g. a mirror) and for the archive tools alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from urllib.parse import urlsplit

from archive.urls import site_host
from crawler.outlets.base import ArticleRules, Discovery, Outlet, PageScheme, ascii_host

__all__ = ["ArticleRules", "Discovery", "Outlet", "OutletResolver", "PageScheme", "all_outlets",
           "check_outlet_table", "get_outlet", "outlet_for_url"]


@cache
def all_outlets() -> dict[str, Outlet]:
    """National outlets (a module each) and the district rows, by key."""
    # Imported here: outlet modules use extraction helpers, which use this registry.
    from crawler.outlets.belta import BELTA
    from crawler.outlets.regional import check_hosts, load_sites
    from crawler.outlets.runews24 import RUNEWS24
    from crawler.outlets.zerkalo import ZERKALO

    national = {o.key: o for o in (BELTA, ZERKALO, RUNEWS24)}
    sites = load_sites()
    check_hosts([*national.values(), *sites.values()])  # a row may not take a national host
    return {**national, **sites}


def check_outlet_table() -> None:
    """Load every outlet before a crawl: a bad district row is a usage error (exit status 2)
    naming the row and the field, not a traceback inside whatever spider meets it first."""
    from scrapy.exceptions import UsageError

    from crawler.outlets.regional import SiteRowError

    try:
        all_outlets()
    except SiteRowError as exc:
        raise UsageError(f"bad outlet table: {exc}") from None


def get_outlet(key: str) -> Outlet:
    try:
        return all_outlets()[key]
    except KeyError:
        from crawler.siteoutlets import site_outlet  # sites crawled by address (this run)

        if (site := site_outlet(key)) is not None:
            return site
        raise KeyError(f"unknown outlet {key!r}; known: {sorted(all_outlets())}") from None


class OutletResolver:
    """URL → outlet by host, in one dictionary lookup.

    ``base_urls`` (the ``OUTLET_BASE_URLS`` setting: outlet key or host → base URL) adds the
    hosts a run fetches an outlet from, so links on a mirror resolve to the mirrored outlet.
    """

    def __init__(self, outlets: Iterable[Outlet],
                 base_urls: Mapping[str, str] | None = None) -> None:
        self.by_host: dict[str, Outlet] = {}
        base_urls = base_urls or {}
        for outlet in outlets:
            override = base_urls.get(outlet.key) or base_urls.get(outlet.host)
            hosts = list(outlet.hosts)
            if override:
                hosts.insert(0, ascii_host(urlsplit(override).hostname or ""))
            for host in hosts:
                self.by_host.setdefault(host, outlet)

    def resolve(self, url: str) -> Outlet | None:
        """The outlet of the URL's host, or of that host under another www label (``www2.``:
        the rule of Outlet.owns_host)."""
        host = ascii_host(urlsplit(url).hostname or "")
        return self.by_host.get(host) or self.by_host.get(site_host(host))


@cache
def _registry_resolver() -> OutletResolver:
    return OutletResolver(all_outlets().values())


def outlet_for_url(url: str) -> Outlet | None:
    """The registry's outlet for ``url`` (by host, aliases included), else a site crawled by
    its address (crawler.siteoutlets), or None."""
    known = _registry_resolver().resolve(url)
    if known is None:
        from crawler.siteoutlets import site_outlet_for_host

        return site_outlet_for_host(ascii_host(urlsplit(url).hostname or ""))
    return known
