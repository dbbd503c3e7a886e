"""District newspapers: one spider for every row of ``crawler/outlets/regional_sites.toml``.

``scrapy crawl regional [-a sites=host1,host2] [-a since=YYYY-MM-DD -a until=YYYY-MM-DD]``; a site
may be named by any host it answers to (``www.``, an alias) or by a URL.
Without a window: feeds and first listing pages. With one: every day's archive pages (the row's
scheme), the row's sitemap and the feeds. Adding a paper is a row, never code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from scrapy.exceptions import UsageError

from crawler.outlets import OutletResolver, get_outlet
from crawler.outlets.base import Outlet, ascii_host
from crawler.outlets.regional import load_sites
from crawler.spiders.base import OutletSpider
from crawler.urls import why_no_url


def select_sites(value: str | None, known: Mapping[str, Outlet]) -> list[str]:
    """Site keys named by ``-a sites=`` (all when empty), each as a host, a URL or a host the
    row serves from (``www.`` variant, alias); an unknown host is a usage error."""
    keys = sorted(known)
    if not value:
        return keys
    resolver = OutletResolver(known.values())
    wanted, unknown = [], []
    for raw in value.split(","):
        raw = raw.strip()
        spelt = raw if "://" in raw else "//" + raw
        if raw and why_no_url(spelt) is not None:  # [b.by: urlsplit's ValueError, a traceback
            unknown.append(raw)
            continue
        # any case, a trailing dot, Unicode or punycode: the host as the rows spell it
        host = ascii_host(urlsplit(spelt).hostname or "")
        if host:
            outlet = resolver.by_host.get(host)
            (wanted if outlet else unknown).append(outlet.key if outlet else host)
    if unknown or not wanted:
        raise UsageError(f"-a sites={value!r}: unknown host(s) {', '.join(unknown) or '(none)'};"
                         f" known hosts: {', '.join(keys)}")
    return list(dict.fromkeys(wanted))


class RegionalSpider(OutletSpider):
    name = "regional"

    def __init__(self, *args: Any, sites: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.site_keys = select_sites(sites, load_sites())

    @classmethod
    def check_arguments(cls, sites: str | None = None, **kwargs: Any) -> None:
        select_sites(sites, load_sites())
        super().check_arguments(**kwargs)

    @property
    def outlet(self) -> Outlet:
        """The first selected site: all share Europe/Minsk; per-site code passes its outlet."""
        return get_outlet(self.site_keys[0])

    def outlets(self) -> list[Outlet]:
        return [get_outlet(key) for key in self.site_keys]
