"""The outlet registry: every publisher the crawler knows, by key and by host."""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit

from crawler.outlets.base import ArticleRules, Outlet
from crawler.outlets.belta import BELTA
from crawler.outlets.regional import load_sites
from crawler.outlets.runews24 import RUNEWS24
from crawler.outlets.zerkalo import ZERKALO

__all__ = ["ArticleRules", "Outlet", "all_outlets", "get_outlet", "outlet_for_url"]


@cache
def all_outlets() -> dict[str, Outlet]:
    national = {o.key: o for o in (BELTA, ZERKALO, RUNEWS24)}
    return {**national, **load_sites()}


def get_outlet(key: str) -> Outlet:
    try:
        return all_outlets()[key]
    except KeyError:
        from crawler.siteoutlets import site_outlet  # sites crawled by address (this run)

        if (site := site_outlet(key)) is not None:
            return site
        raise KeyError(f"unknown outlet {key!r}; known: {sorted(all_outlets())}") from None


def outlet_for_url(url: str) -> Outlet | None:
    host = (urlsplit(url).hostname or "").lower()
    known = next((o for o in all_outlets().values() if o.owns_host(host)), None)
    if known is None:
        from crawler.siteoutlets import site_outlet_for_host

        return site_outlet_for_host(host)
    return known
