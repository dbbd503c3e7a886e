"""``scrapy crawl site -a url=https://example.org/``: a news site no rule knows, by its address.

``-a outlets=my_outlets.toml`` (``[[site]]`` rows) or the ``EXTRA_OUTLETS`` setting (a file
path or a list of rows) adds sites as rows. The work is :class:`crawler.sitecrawl.SiteCrawl`;
the items, WARC capture, politeness, state, run report and replay are every spider's.
"""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.exceptions import UsageError

from crawler.sitecrawl import SiteCrawl, site_rows
from crawler.siteoutlets import SiteRowError, check_keys_apart
from crawler.spiders.base import parse_window


class SiteSpider(SiteCrawl):
    """Arguments: ``url``, ``outlets`` (a TOML file), ``timezone`` (for ``url``), ``since``,
    ``until``; settings: ``EXTRA_OUTLETS`` and the ``SITE_*`` bounds."""

    name = "site"

    def __init__(self, *args: Any, url: str | None = None, outlets: str | None = None,
                 timezone: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = site_rows(url, outlets, timezone=timezone)
        # plain attributes: what a JOBDIR frontier is resumed by (crawler.state.jobdir)
        self.url, self.outlets_file, self.timezone_name = url, outlets, timezone

    @classmethod
    def check_arguments(cls, url: str | None = None, outlets: str | None = None,
                        timezone: str | None = None, since: str | None = None,
                        until: str | None = None, **_: Any) -> None:
        parse_window(since, until)
        if timezone and not url:  # it is -a url's: left alone, it was ignored without a word
            raise UsageError("-a timezone goes with -a url (a row of -a outlets or "
                             "EXTRA_OUTLETS gives its own timezone)")
        site_rows(url, outlets, timezone=timezone)

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> SiteSpider:
        spider: SiteSpider = super().from_crawler(crawler, *args, **kwargs)  # type: ignore[assignment]
        settings = crawler.settings
        spider.rows += site_rows(None, None, settings.get("EXTRA_OUTLETS"))
        try:
            check_keys_apart(spider.rows)
        except SiteRowError as exc:
            raise UsageError(str(exc)) from None
        spider.limits = {name: settings.getint(f"SITE_{name.upper()}")
                         for name in ("max_feeds", "max_urls", "max_archive_pages",
                                      "zone_samples", "recent_days", "max_held")}
        spider.setup_sites()
        crawler.signals.connect(spider.idle, signal=signals.spider_idle)
        return spider

