"""District newspapers: one spider for every row of ``crawler/outlets/regional_sites.toml``.

``scrapy crawl regional [-a sites=host1,host2] [-a since=YYYY-MM-DD -a until=YYYY-MM-DD]``.
Without a window: feeds and first listing pages. With one: every day's archive pages (the row's
scheme), the row's sitemap and the feeds. Adding a paper is a row, never code.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import UsageError
from scrapy.http import Response, TextResponse

from crawler.extraction.dates import localise
from crawler.feeds import sitemap_entries
from crawler.outlets import get_outlet
from crawler.outlets.archives import archive_path
from crawler.outlets.base import Outlet
from crawler.outlets.regional import load_sites
from crawler.spiders.base import OutletSpider
from crawler.urls import canonical_url, path_and_query

DEFAULT_ARCHIVE_MAX_PAGES = 100  # per day; a guard against archives that ignore the page number


def select_sites(value: str | None, known: Iterable[str]) -> list[str]:
    """Hosts named by ``-a sites=`` (all when empty); an unknown host is a usage error."""
    known = sorted(known)
    if not value:
        return known
    wanted = []
    for raw in value.split(","):
        raw = raw.strip().lower()
        host = (urlsplit(raw).hostname or "") if "://" in raw else raw.strip("/")
        if host:
            wanted.append(host.removeprefix("www."))
    unknown = [h for h in wanted if h not in known]
    if unknown or not wanted:
        raise UsageError(f"-a sites={value!r}: unknown host(s) {', '.join(unknown) or '(none)'};"
                         f" known hosts: {', '.join(known)}")
    return list(dict.fromkeys(wanted))


class RegionalSpider(OutletSpider):
    name = "regional"

    def __init__(self, *args: Any, sites: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.site_keys = select_sites(sites, load_sites())
        self.archive_links: Counter[str] = Counter()

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

    @property
    def max_archive_pages(self) -> int:
        return self.crawler.settings.getint("ARCHIVE_MAX_PAGES", DEFAULT_ARCHIVE_MAX_PAGES)

    # --- discovery --------------------------------------------------------------------
    def discovery_requests(self) -> Iterator[scrapy.Request]:
        yield from super().discovery_requests()  # feeds, filtered to the window if any
        for outlet in self.outlets():
            if not self.backfill:
                for path in outlet.listings:
                    yield scrapy.Request(self.url_for(outlet, path), callback=self.parse_listing,
                                         cb_kwargs={"outlet_key": outlet.key}, priority=5)
                continue
            scheme = outlet.extra.get("archive", "none")
            for day in self.window_days(outlet):
                if archive_path(scheme, day, 1):
                    yield self.archive_request(outlet, day, 1, frozenset())
            if sitemap := outlet.extra.get("sitemap"):
                yield scrapy.Request(self.url_for(outlet, sitemap), callback=self.parse_sitemap,
                                     cb_kwargs={"outlet_key": outlet.key}, priority=5)

    def archive_request(self, outlet: Outlet, day: date, page: int,
                        seen: frozenset[str]) -> scrapy.Request:
        path = archive_path(outlet.extra.get("archive", "none"), day, page)
        assert path is not None
        return scrapy.Request(self.url_for(outlet, path), callback=self.parse_listing,
                              cb_kwargs={"outlet_key": outlet.key, "day": day.isoformat(),
                                         "page": page, "seen": seen}, priority=5)

    def listing_article_urls(self, response: TextResponse, outlet: Outlet) -> list[str]:
        """Canonical URLs of the articles a listing links to from its main column, in order."""
        # No fallback to every link of the page: a "nothing found" page would then offer its
        # sidebar. A stale selector shows up as discovery/archive_silent/<host> instead.
        nodes = response.css(outlet.extra.get("listing_links") or "a[href]")
        urls: dict[str, None] = {}
        for node in nodes:
            href = (node.attrib.get("href") or "").strip()
            if not href or href.startswith(("#", "mailto:", "javascript:")):
                continue
            url = response.urljoin(href)
            if self.outlet_of(url) is outlet and self.is_article_url(outlet, url):
                urls[canonical_url(url, outlet)] = None
            else:
                self.crawler.stats.inc_value("discovery/listing_other_links")
        return list(urls)

    def parse_listing(self, response: Response, outlet_key: str, day: str | None = None,
                      page: int = 1, seen: frozenset[str] = frozenset()) -> Iterator[Any]:
        """A listing or day-archive page: its article links, then the next page while it adds any."""
        outlet = get_outlet(outlet_key)
        stats = self.crawler.stats
        if not isinstance(response, TextResponse):
            stats.inc_value("discovery/listing_not_html")
            self.logger.warning("Listing %s is not HTML (%s); skipped", response.url,
                                response.headers.get("Content-Type", b"").decode("latin-1"))
            return
        stats.inc_value("discovery/listing_pages")
        new = [u for u in self.listing_article_urls(response, outlet) if u not in seen]
        stats.inc_value("discovery/listing_links", len(new))
        hint = (localise(datetime.combine(date.fromisoformat(day), time()), outlet.tz)
                if day else None)
        for url in new:
            yield from self.article_request(outlet, url, hint)
        if day is None:
            return  # a "latest" listing: first page only
        if not new:
            if page == 1:
                stats.inc_value("discovery/empty_archive_days")
                self.logger.info("No articles in the %s archive of %s (%s)", day, outlet.key,
                                 response.url)
            return
        self.archive_links[outlet.key] += len(new)
        if page >= self.max_archive_pages:
            stats.inc_value("discovery/archive_page_limit")
            self.logger.warning("Stopped the %s archive of %s at page %d (ARCHIVE_MAX_PAGES): %s",
                                day, outlet.key, page, response.url)
            return
        yield self.archive_request(outlet, date.fromisoformat(day), page + 1, seen | set(new))

    def parse_sitemap(self, response: Response, outlet_key: str) -> Iterator[Any]:
        """Sitemap indexes and URL sets; entries last modified before the window are skipped."""
        outlet = get_outlet(outlet_key)
        entries = 0
        for kind, loc, lastmod in sitemap_entries(response.body):  # streamed, never held whole
            entries += 1
            if self.outlet_of(loc) is not outlet:
                continue
            if lastmod and self.since and localise(lastmod, outlet.tz).date() < self.since:
                self.crawler.stats.inc_value("discovery/sitemap_before_window")
                continue
            if kind == "sitemap":
                yield scrapy.Request(self.url_for(outlet, path_and_query(loc)),
                                     callback=self.parse_sitemap,
                                     cb_kwargs={"outlet_key": outlet.key}, priority=5)
            else:
                self.crawler.stats.inc_value("discovery/sitemap_entries")
                yield from self.article_request(outlet, loc)
        if not entries:
            self.crawler.stats.inc_value("discovery/empty_sitemaps")
            self.logger.warning("Sitemap %s yielded no entries", response.url)

    def closed(self, reason: str) -> None:
        """Say loudly when a site's day archive yielded nothing in a whole window."""
        if not self.backfill:
            return
        for outlet in self.outlets():
            if outlet.extra.get("archive", "none") != "none" and not self.archive_links[outlet.key]:
                self.crawler.stats.inc_value(f"discovery/archive_silent/{outlet.key}")
                self.logger.warning("The day archive of %s gave no article links for %s..%s: "
                                    "check its archive scheme and listing_links", outlet.key,
                                    self.since, self.until or "today")
