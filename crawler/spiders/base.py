"""The shared spider: date windows, the one discovery engine, and hand-off to extraction.

Every outlet is discovered by the same code driven by its :class:`~crawler.outlets.base.Discovery`:
feeds, listings (paged in window runs when the outlet says how), day archives and sitemaps.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from itertools import chain
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import scrapy
from scrapy.exceptions import UsageError
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.distributed.deferral import defer_request
from crawler.downloadermiddlewares.replay import REPLAY_MISSING
from crawler.extensions.completeness import note_discovered, note_failed
from crawler.extensions.run_verdict import (
    ARCHIVE_SILENT_DAYS,
    MAX_SILENT_FEEDS,
    OFFERED_PREFIX,
    OFFHOST_EXAMPLE_PREFIX,
    OFFHOST_PREFIX,
    PAGING_BROKEN_PREFIX,
    REJECTED_EXAMPLE_PREFIX,
    REJECTED_PREFIX,
    SILENT_FEEDS,
    SOURCES_GONE_PREFIX,
)
from crawler.extraction.dates import day_in_window, iso, localise
from crawler.failures import describe, exception_reason
from crawler.feeds import (
    FeedSkips,
    TextSitemap,
    at_site_root,
    content_type_of,
    document_element,
    feed_entries,
    gunzipped_document,
    same_host,
    sitemap_entries,
    text_sitemap_lines,
    xml_damages,
    xml_stops,
)
from crawler.items import (
    META_DISCOVERED,
    META_FEED_TITLE,
    META_HINT_PUBLISHED,
    META_LINK_AT_ROOT,
    SOURCE_KINDS,
    ArticlePage,
    content_type,
    fetch_time,
)
from crawler.outlets import OutletResolver, get_outlet
from crawler.outlets.base import Outlet
from crawler.pacing import TURN, paced, turn_due
from crawler.pageoutcomes import note_error_answer
from crawler.removals import ArticleRemoved, asked_url
from crawler.sitediscovery import child_sitemap_order
from crawler.sitemap_limits import MAX_SITEMAP_BYTES, MAX_SITEMAP_URLS, SITEMAP_WARN_BYTES
from crawler.spiders.listings import (
    ListingPage,
    in_bounds,
    older_than,
    read_listing,
    stop_reason,
)
from crawler.state import opened_state
from crawler.urls import (
    canonical_url,
    fetch_path,
    is_article_url,
    joined,
    other_spelling,
    path_and_query,
    private_address,
    private_hosts,
    refused_address,
    respelled,
    same_article_key,
    sister_base,
)


def parse_day(value: str | None, name: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"-a {name}={value!r}: expected a date as YYYY-MM-DD") from None


def parse_window(since: str | None, until: str | None) -> tuple[date | None, date | None]:
    first, last = parse_day(since, "since"), parse_day(until, "until")
    if first and last and first > last:
        raise UsageError(f"-a since={first} is after -a until={last}")
    if last and not first:
        raise UsageError("-a until needs -a since (the first day of the window)")
    if first and first > latest_today():
        raise UsageError(f"-a since={first} is in the future: no article can be published in "
                         "the window yet")
    return first, last


def latest_today() -> date:
    """Today where it is latest on Earth (UTC+14): no outlet's today is later than this."""
    return (datetime.now(UTC) + timedelta(hours=14)).date()


DEFAULT_ARCHIVE_MAX_PAGES = 100  # the ARCHIVE_MAX_PAGES setting's default, per walk
# Sitemaps asked for per outlet and run, indexes included, and index levels followed below the
# sitemaps the outlet names or robots.txt lists: the defaults of SITE_MAX_SITEMAPS and
# SITE_SITEMAP_DEPTH, the bounds of every spider's sitemap discovery
DEFAULT_MAX_SITEMAPS = 50
DEFAULT_SITEMAP_DEPTH = 3
# Entries read of one feed (FEED_MAX_ENTRIES): feeds hold 10-100 items; one of 300,000 queued
# as many requests (1.1 GB)
DEFAULT_FEED_MAX_ENTRIES = 1000

# An article request for the other spelling of one that answered 404 or 410: the URL asked
# for first. Never retried again; in the request, so a JOBDIR or Redis frontier keeps it.
META_SPELLING_OF = "spelling_of"
# What that request carries over from the first: what discovery said (plain data)
SPELLING_META = (META_HINT_PUBLISHED, META_FEED_TITLE, META_DISCOVERED, "article")
HINT_KEY = "hint_key"  # request meta: the article's key in the spider's best_hints
PAGER_LINKED = "pager_linked"  # request meta: the listing page before it linked a next page
ARCHIVE_LINKS_PREFIX = "discovery/archive_links/"  # + outlet key: links its day archive gave


def link_at_root(at_root: str | None, feed: str | None) -> dict[str, Any]:
    """The request meta (``META_LINK_AT_ROOT``) of a feed's relative link whose address
    resolved against the site's root (``at_root``: :func:`crawler.feeds.at_site_root`) is
    asked for should the standard one answer 404 or 410; {} for none."""
    return {META_LINK_AT_ROOT: {"url": at_root, "feed": feed}} if at_root else {}


def more_precise(hint: str, other: str | None) -> bool:
    """Whether date hint ``hint`` says more than ``other``: there is none, or ``other``
    names only the same day (midnight, a day archive's or a URL's) and ``hint`` a time."""
    if not other:
        return True
    if hint[:10] != other[:10]:
        return False
    return other[11:19] in ("", "00:00:00") and hint[11:19] not in ("", "00:00:00")


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st: a bound as a log line says it."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


class OutletSpider(scrapy.Spider):
    """Base for every outlet spider.

    ``-a since=YYYY-MM-DD -a until=YYYY-MM-DD`` (inclusive, outlet's time zone) switches from
    "what is new" (feeds and first listing pages) to a backfill of every day in the window.
    Discovery is data (the outlet's ``discovery``); a subclass only names its outlets.
    """

    outlet_key: str = ""

    def __init__(self, *args: Any, since: str | None = None, until: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.since, self.until = parse_window(since, until)
        self.base_urls: dict[str, str] = {}
        self.spellings: dict[str, str] = {}  # outlet + same_article_key -> canonical requested
        self.best_hints: dict[str, str] = {}  # outlet + canonical URL -> its most precise hint
        # outlet + same_article_key -> the one spelling the state store knows (None: neither)
        self.known_spellings: dict[str, str | None] = {}
        # (outlet, page number, hash of its links) -> the first day archive page listing them
        self.day_pages: dict[tuple[str, int, int], str] = {}
        self.day_blind: set[tuple[str, str]] = set()  # (outlet, day) walks listing another day's
        self.day_ignored: set[tuple[str, str]] = set()  # (outlet, day) walks that go on as the
        # site's latest posts: their links are not of that day
        self._resolver: OutletResolver | None = None
        self._no_url_said: set[str] = set()  # feeds and sitemaps an entry of no URL was said of
        self._at_root_said: set[str] = set()  # feeds whose links were asked for at the root
        self.sitemaps_asked: Counter[str] = Counter()  # outlet key -> sitemaps asked for
        self._sitemap_urls: set[str] = set()  # the sitemaps asked for (each counted once)
        self._refusals_said: set[tuple[str, str]] = set()  # (what, host) warned of

    @classmethod
    def check_arguments(cls, since: str | None = None, until: str | None = None,
                        **_: Any) -> None:
        """Raise UsageError for bad ``-a`` values before the crawl starts (crawl command)."""
        parse_window(since, until)

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> OutletSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.base_urls = dict(crawler.settings.getdict("OUTLET_BASE_URLS"))
        return spider

    # --- outlets and URLs ---------------------------------------------------------------
    @property
    def outlet(self) -> Outlet:
        return get_outlet(self.outlet_key)

    def outlets(self) -> Iterable[Outlet]:
        """The outlets this spider crawls (one, except for the district-paper spider)."""
        return [self.outlet]

    def base_url(self, outlet: Outlet) -> str:
        return self.base_urls.get(outlet.key) or self.base_urls.get(outlet.host) or outlet.base_url

    def url_for(self, outlet: Outlet, path: str) -> str:
        """``path`` (its query kept; empty: the base itself) under the base URL this run uses.
        Joined as ``./path``: a first segment holding a colon (``/news:123/``,
        ``/Special:Export/x``) read alone is a scheme, and the URL asked for was no page of
        the outlet's."""
        return urljoin(self.base_url(outlet) + "/", "./" + path.lstrip("/"))

    def fetch_url(self, outlet: Outlet, url: str) -> str:
        """Where to download an article: its canonical path on the host this run uses, with
        the query it was found with (less what the canonical form drops: identity is
        :func:`canonical_url`'s, a CMS may answer only its own parameter order); on its
        own host when that is a sister host of the outlet's."""
        if sister := sister_base(url, outlet):
            return sister + fetch_path(url, outlet)
        return self.url_for(outlet, fetch_path(url, outlet))

    def outlet_of(self, url: str) -> Outlet | None:
        """This run's outlet for ``url``: the registry's resolver plus the hosts of base URLs."""
        if self._resolver is None:
            self._resolver = OutletResolver(self.outlets(), self.base_urls)
        return self._resolver.resolve(url)

    def own_link(self, outlet: Outlet, feed: str) -> Callable[[str], bool]:
        """Whether a URL is on the ``feed``'s host or ``outlet``'s: what an Atom entry's
        URL <id> must be to stand for its link (an id on the site's old host or an API's is
        a name, no page)."""
        on_feed_host = same_host(feed)
        return lambda url: on_feed_host(url) or self.outlet_of(url) is outlet

    def is_article_url(self, outlet: Outlet, url: str) -> bool:
        return is_article_url(outlet, url)

    def setting_int(self, name: str, default: int) -> int:
        """An integer setting of this crawl (``default`` for a spider without a crawler)."""
        settings = getattr(getattr(self, "crawler", None), "settings", None)
        return settings.getint(name, default) if settings else default

    def setting_bool(self, name: str) -> bool:
        """A true-or-false setting of this crawl (False for a spider without a crawler)."""
        settings = getattr(getattr(self, "crawler", None), "settings", None)
        return bool(settings and settings.getbool(name))

    def sitemap_max_entries(self) -> int:
        """Entries read of one sitemap (SITEMAP_MAX_ENTRIES, the protocol's 50,000)."""
        return self.setting_int("SITEMAP_MAX_ENTRIES", MAX_SITEMAP_URLS)

    def sitemap_meta(self) -> dict[str, int]:
        """Request meta of a sitemap: its bytes bounded by the protocol's 50 MB (unpacked), not
        by DOWNLOAD_MAXSIZE, a page's bound (32 MiB), which cancelled a sitemap between the two;
        nothing when DOWNLOAD_MAXSIZE is 0 (no bound) or above it. Its warning comes near that
        bound (SITEMAP_WARN_BYTES), not at a page's DOWNLOAD_WARNSIZE (8 MiB), which every
        large sitemap passed; none when DOWNLOAD_WARNSIZE is 0. Scrapy's download handler and
        its decompression read ``download_maxsize`` and ``download_warnsize`` from the request."""
        meta: dict[str, int] = {}
        page_warn = self.setting_int("DOWNLOAD_WARNSIZE", 0)
        if page_warn and page_warn < SITEMAP_WARN_BYTES:
            meta["download_warnsize"] = SITEMAP_WARN_BYTES
        page_bound = self.setting_int("DOWNLOAD_MAXSIZE", 0)
        if page_bound and page_bound < MAX_SITEMAP_BYTES:
            meta["download_maxsize"] = MAX_SITEMAP_BYTES
        return meta

    def feed_max_entries(self) -> int:
        """Entries read of one feed (FEED_MAX_ENTRIES)."""
        return self.setting_int("FEED_MAX_ENTRIES", DEFAULT_FEED_MAX_ENTRIES)

    def max_sitemaps(self) -> int:
        """Sitemaps asked for per outlet (site) and process, indexes included
        (SITE_MAX_SITEMAPS): the count is not kept, a resumed JOBDIR run or each worker of a
        distributed crawl counts from zero."""
        return self.setting_int("SITE_MAX_SITEMAPS", DEFAULT_MAX_SITEMAPS)

    def sitemap_depth(self) -> int:
        """Index levels followed below the first sitemaps (SITE_SITEMAP_DEPTH)."""
        return self.setting_int("SITE_SITEMAP_DEPTH", DEFAULT_SITEMAP_DEPTH)

    def max_pages(self, outlet: Outlet) -> int:
        if outlet.discovery.max_pages is not None:
            return outlet.discovery.max_pages
        settings = getattr(getattr(self, "crawler", None), "settings", None)
        return settings.getint("ARCHIVE_MAX_PAGES", DEFAULT_ARCHIVE_MAX_PAGES) if settings \
            else DEFAULT_ARCHIVE_MAX_PAGES

    # --- windows ----------------------------------------------------------------------
    @property
    def backfill(self) -> bool:
        return self.since is not None

    def window_days(self, outlet: Outlet | None = None) -> Iterator[date]:
        """Every day of the window up to today in ``outlet``'s zone, newest first: the archive
        of a day to come lists nothing, or (many CMSs) today's or the newest page."""
        if not self.since:
            return
        today = datetime.now((outlet or self.outlet).tz).date()
        day = min(self.until, today) if self.until else today
        while day >= self.since:
            yield day
            day -= timedelta(days=1)

    def in_window(self, moment: datetime | date | None, outlet: Outlet) -> bool:
        """Whether a date from a listing or feed may be in the window (unknown dates may)."""
        if moment is None or not self.backfill:
            return True
        if isinstance(moment, datetime):
            moment = (moment.astimezone(outlet.tz) if moment.tzinfo else moment).date()
        return day_in_window(moment, self.since, self.until)

    # --- discovery: what the outlet's data says to read ---------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        for request in self.discovery_requests():
            yield request

    def discovery_requests(self) -> Iterator[scrapy.Request]:
        """Feeds of every outlet first, then listings, day archives and sitemaps."""
        for outlet in self.outlets():  # the outlets of this run, judged per outlet (run_verdict);
            # a resumed JOBDIR session keeps what its stopped session(s) counted (state.jobdir)
            self.crawler.stats.inc_value(f"{OFFERED_PREFIX}{outlet.key}", 0)
        for outlet in self.outlets():
            for path in outlet.discovery.feeds:
                yield scrapy.Request(self.url_for(outlet, path), callback=self.parse_feed,
                                     errback=self.source_failed,
                                     cb_kwargs={"outlet_key": outlet.key}, priority=10)
        for outlet in self.outlets():
            d = outlet.discovery
            if not self.backfill:
                for path in d.listings:  # what is new: first pages only
                    yield self.listing_request(outlet, path=path)
                continue
            if d.listing_pages is not None:
                for path in d.listings:
                    yield self.listing_request(outlet, path=path, paging=True)
            if d.archive is not None:
                for day in self.window_days(outlet):
                    yield self.listing_request(outlet, day=day.isoformat(), paging=True)
            for path in d.sitemaps:
                url = self.url_for(outlet, path)
                self.note_sitemap_asked(outlet, url)
                yield scrapy.Request(url, callback=self.parse_sitemap,
                                     errback=self.source_failed,
                                     cb_kwargs={"outlet_key": outlet.key, "depth": 0},
                                     meta=self.sitemap_meta(), priority=5)

    async def parse_feed(self, response: Response, outlet_key: str) -> AsyncIterator[Any]:
        """A feed's article requests (:meth:`feed_outputs`), read taking turns with the
        reactor (:func:`crawler.pacing.paced`)."""
        async for output in paced(self.feed_outputs(response, outlet_key)):
            yield output

    def feed_outputs(self, response: Response, outlet_key: str) -> Iterator[Any]:
        """A feed's article requests in the window, with :data:`crawler.pacing.TURN` markers
        among them (every TURN_EVERY entries)."""
        outlet = get_outlet(outlet_key)
        entries, rejected, skips, bound = 0, [], FeedSkips(), self.feed_max_entries()
        offhost: list[str] = []
        linked = 0
        # streamed, never held whole; dated no later than its fetch allows
        now = fetch_time(response)  # a replay's capture time: dates judged as then
        for entry in feed_entries(response.body, skips, now, content_type_of(response),
                                  self.own_link(outlet, response.url)):
            if entries >= bound:
                self.note_feed_cut(response.url, bound)
                break
            entries += 1
            if turn_due(entries):
                yield TURN
            if (url := self.entry_url(response.url, entry.url, "feed")) is None:
                continue
            linked += 1
            url, at_root = self.feed_link(outlet, response.url, entry.url, url)
            if self.refused(outlet, url, "page", response.url):
                continue
            offered, owner = self.note_offered(outlet, url), self.outlet_of(url)
            if not offered and owner is outlet:
                rejected.append(url)
            elif not offered and owner is None:
                offhost.append(url)
            if self.in_window(entry.published, outlet):
                for request in self.article_request(outlet, url, entry.published, entry.title,
                                                    now=now):
                    request.meta.update(link_at_root(at_root, response.url))
                    yield request
        self.crawler.stats.inc_value("discovery/feed_entries", entries)
        self.note_feed_skips(response.url, skips, entries)
        if rejected:
            self.note_rejected(response.url, outlet, rejected, entries)
        if offhost:
            self.note_offhost(response.url, outlet, offhost, entries)
        html = (not entries or not linked) and document_element(response.body) == "html"
        if not entries and html:
            asked = (response.meta.get("redirect_urls") or [response.url])[0]  # its address
            self.note_source_gone(asked, outlet, "Feed", "is an HTML page, not a feed" if
                                  asked == response.url else f"redirects to an HTML page, "
                                  f"{response.url}, not a feed")
        elif not entries:
            self.crawler.stats.inc_value("discovery/empty_feeds")
            self.logger.warning("Feed %s yielded no entries", response.url)
        if not linked and not html:
            # judged with the outlet's other channels (run_verdict): an alarm if none offered
            key = f"{SILENT_FEEDS}{outlet.key}"
            self.crawler.stats.set_value(key, [*(self.crawler.stats.get_value(key) or []),
                                               response.url][:MAX_SILENT_FEEDS])

    def entry_url(self, document: str, href: str, step: str) -> str | None:
        """A feed's or sitemap's entry link, absolute; None, counted and said (the first of
        each document), when it is no URL: one such entry ended the reading of the rest."""
        url = joined(document, href)
        if url is None:
            self.crawler.stats.inc_value(f"discovery/{step}/no_url")
            if document not in self._no_url_said:
                self._no_url_said.add(document)
                self.logger.warning("Discovery: an entry of the %s %s is no URL: %r (skipped, "
                                    "counted in discovery/%s/no_url)", step, document, href[:200],
                                    step)
        return url

    def note_feed_cut(self, url: str, bound: int) -> None:
        """Count a feed listing more entries than FEED_MAX_ENTRIES and name it: the rest is
        not read (each entry may queue a request: 300,000 of them took 1.1 GB)."""
        self.crawler.stats.inc_value("discovery/feed_entry_limit")
        self.logger.warning("Feed %s lists more than FEED_MAX_ENTRIES=%d entries: those after "
                            "the %s not read (counted in discovery/feed_entry_limit)", url,
                            bound, ordinal(bound))

    def refused(self, outlet: Outlet, url: str, what: str, named_by: str) -> bool:
        """Whether ``url`` (a ``what``: sitemap, feed, page) that ``named_by`` names is on
        an address off the public Internet (:func:`crawler.urls.private_address`: localhost,
        a private, loopback, link-local… IP) other than the outlet's own host: a site naming
        those would have the crawler fetch and archive its own network (SSRF). A site on
        such an address (a local mirror, a test server on 127.0.0.1) may name its own host,
        on any port, and no other: :func:`crawler.urls.refused_address`, the rule the
        downloader middleware keeps too, so what is offered here is not dropped there.
        Counted in ``discovery/refused_address``; warned once per kind and host."""
        if private_address(url) is None or self.setting_bool("ALLOW_PRIVATE_ADDRESSES"):
            return False  # the common case, without reading the outlet's host
        why = refused_address(url, private_hosts([self.base_url(outlet)]))
        if why is None:
            return False
        self.crawler.stats.inc_value("discovery/refused_address")
        said = (what, urlsplit(url).netloc)
        log = self.logger.debug if said in self._refusals_said else self.logger.warning
        self._refusals_said.add(said)
        log("Discovery: the %s %s named by %s is refused: %s (counted in "
            "discovery/refused_address)", what, url, named_by, why)
        return True

    def note_sitemap_asked(self, outlet: Outlet, url: str) -> bool:
        """Count a sitemap asked for the outlet; False when it was asked already (each is
        counted once under SITE_MAX_SITEMAPS; Scrapy's duplicate filter drops the request)."""
        if url in self._sitemap_urls:
            return False
        self._sitemap_urls.add(url)
        self.sitemaps_asked[outlet.key] += 1
        return True

    def sitemap_too_deep(self, who: str, index: str, children: int, depth: int) -> bool:
        """Whether the children of the index ``index`` (``depth`` levels below the first
        sitemaps) lie past SITE_SITEMAP_DEPTH: then they are counted and said, not fetched
        (an index whose every child is another index was followed without end)."""
        limit = self.sitemap_depth()
        if depth < limit:
            return False
        self.crawler.stats.inc_value("discovery/sitemap_depth_limit", children)
        self.logger.warning("%s: %s lists %d sitemaps below SITE_SITEMAP_DEPTH=%d: not fetched "
                            "(counted in discovery/sitemap_depth_limit)", who, index, children,
                            limit)
        return True

    def note_sitemaps_over(self, who: str, index: str, dropped: int, bound: str | None = None,
                           which: str = "") -> None:
        """Count the children of ``index`` not fetched at the SITE_MAX_SITEMAPS bound (an
        index of thousands of new indexes made 1,248 fetches in 90 s) and say so."""
        self.crawler.stats.inc_value("discovery/sitemap_over_limit", dropped)
        self.logger.warning("%s: %s reached: %d of the sitemaps %s lists not fetched%s "
                            "(counted in discovery/sitemap_over_limit)", who,
                            bound or f"SITE_MAX_SITEMAPS={self.max_sitemaps()}", dropped, index,
                            f" ({which})" if which else "")

    def note_unread(self, kind: str, url: str, why: str, entries: int) -> None:
        """A feed or sitemap (``kind``) the parser gave up on, or a JSON Feed that does not
        parse: the entries after that point were lost, and that was said nowhere."""
        self.crawler.stats.inc_value(f"discovery/{kind}/unread")
        self.logger.warning("Discovery: the %s %s could not be read%s (counted in "
                            "discovery/%s/unread): %s", kind, url,
                            f" past its first {entries} entries" if entries else "", kind, why)

    def note_malformed(self, kind: str, url: str, why: str, entries: int) -> None:
        """A feed or sitemap (``kind``) malformed where the parser recovered and lost no
        record (a bare "<" in a title lost every later item): read around the damage (a
        record holding a tag left open loses its fields after it: ``feeds._finished``), and
        the damage said and counted."""
        self.crawler.stats.inc_value(f"discovery/{kind}/malformed")
        self.logger.warning("Discovery: the %s %s is malformed, read around it: %d entries "
                            "(counted in discovery/%s/malformed): %s", kind, url, entries, kind,
                            why)

    def note_feed_skips(self, url: str, skips: FeedSkips, entries: int) -> None:
        """Count a feed's items with no link at all and name the first (they were dropped
        without a word: a feed of such items gave nothing and said nothing); and a feed that
        could not be read, or not to its end, with the ``entries`` read before."""
        if skips.unread is not None:
            self.note_unread("feed", url, skips.unread, entries)
        elif skips.malformed is not None:
            self.note_malformed("feed", url, skips.malformed, entries)
        if not skips.no_link:
            return
        self.crawler.stats.inc_value("discovery/feed/no_link", skips.no_link)
        self.logger.warning("Discovery: the feed %s has %d items with no link (skipped, counted "
                            "in discovery/feed/no_link); the first: %s", url, skips.no_link,
                            skips.first_no_link)

    def _count_links(self, prefix: str, example: str, outlet: Outlet, links: list[str]) -> None:
        """Count ``links`` under ``prefix`` + the outlet's key, and keep the first as the
        example (the run verdict names it)."""
        stats = self.crawler.stats
        stats.inc_value(f"{prefix}{outlet.key}", len(links))
        if stats.get_value(f"{example}{outlet.key}") is None:
            stats.set_value(f"{example}{outlet.key}", links[0])

    def note_offhost(self, url: str, outlet: Outlet, links: list[str], entries: int) -> None:
        """Count feed entries linking a host no outlet is for: a feed whose links all go
        through a click tracker (``feeds.feedburner.com/~r/…``) or to a new domain gave no
        article and said nothing. Warned when it is every entry."""
        self._count_links(OFFHOST_PREFIX, OFFHOST_EXAMPLE_PREFIX, outlet, links)
        if len(links) == entries:
            self.logger.warning("Feed %s: all its %d entries link to other hosts than %s's "
                                "(e.g. %s), not fetched: a click tracker, or has the site "
                                "moved?", url, entries, outlet.key, links[0])

    def note_rejected(self, url: str, outlet: Outlet, rejected: list[str], entries: int) -> None:
        """Count feed entries on the outlet's own host that its ``article_path`` rejects: a
        feed lists articles, so when it lists only such links the outlet's URL scheme has
        changed and every article would be dropped unseen. Warned once per feed."""
        self._count_links(REJECTED_PREFIX, REJECTED_EXAMPLE_PREFIX, outlet, rejected)
        if len(rejected) == entries:
            self.logger.warning("Feed %s: none of its %d entries is an article URL of %s by its "
                                "article_path %r (e.g. %s): has the outlet's URL scheme changed?",
                                url, entries, outlet.key, outlet.article_path, rejected[0])

    def note_source_gone(self, url: str, outlet: Outlet, kind: str, why: str) -> None:
        """A feed, listing or sitemap the outlet's discovery names that is no longer there:
        counted per outlet with its URL (an alarm of the run, crawler.extensions.run_verdict)
        and warned once. A district paper moved to another CMS loses them all at once."""
        stats = self.crawler.stats
        stats.inc_value(f"{SOURCES_GONE_PREFIX}{outlet.key}")
        key = f"{SOURCES_GONE_PREFIX}urls/{outlet.key}"
        stats.set_value(key, [*(stats.get_value(key) or []), url])
        self.logger.warning("%s %s of %s %s: gone or moved? Its articles are found only "
                            "through the outlet's other channels", kind, url, outlet.key, why)

    def source_failed(self, failure: Any) -> None:
        """A feed, first listing page or sitemap of the outlet's discovery that could not be
        fetched: a 404 or 410 is a source gone (note_source_gone), anything else a warning
        naming it and the reason. (Further listing pages and day archives have no errback:
        walking past the last page, or a day with no news, may well answer 404.)"""
        request = failure.request
        outlet = get_outlet(request.cb_kwargs["outlet_key"])
        kind = SOURCE_KINDS.get(getattr(request.callback, "__name__", ""), "Source")
        response = getattr(failure.value, "response", None)
        status = getattr(response, "status", None)
        if failure.check(HttpError):  # counted as HttpErrorMiddleware counts what it ignores:
            # the run's verdict reads blocked answers (403/429/5xx) there
            self.crawler.stats.inc_value("httperror/response_ignored_count")
            self.crawler.stats.inc_value(f"httperror/response_ignored_status_count/{status}")
            note_error_answer(self.crawler.stats, status, request.url)
        if response is not None and REPLAY_MISSING in response.flags:
            return  # an archive without it (replay counts and names it): nothing gone
        if status in (404, 410):
            self.note_source_gone(request.url, outlet, kind, f"answered HTTP {status}")
            return
        self.crawler.stats.inc_value(f"discovery/source_failed/{exception_reason(failure.value)}")
        self.logger.warning("%s %s of %s not read: %s", kind, request.url, outlet.key,
                            describe(failure.value))

    async def parse_sitemap(self, response: Response, outlet_key: str,
                            depth: int = 0) -> AsyncIterator[Any]:
        """A sitemap's requests (:meth:`sitemap_outputs`), read taking turns with the reactor
        (:func:`crawler.pacing.paced`): one of 50,000 entries held it for seconds."""
        async for output in paced(self.sitemap_outputs(response, outlet_key, depth)):
            yield output

    def sitemap_outputs(self, response: Response, outlet_key: str,
                        depth: int = 0) -> Iterator[Any]:
        """Sitemap indexes and URL sets (gzipped or not; entries last modified before the
        window are skipped), else a plain-text sitemap: one URL a line, undated. An index's
        children are followed within SITE_SITEMAP_DEPTH levels (``depth``: this one's) and
        SITE_MAX_SITEMAPS sitemaps of the outlet. A child is asked for on the outlet's own
        host (:meth:`url_for`), as its articles are. :data:`crawler.pacing.TURN` markers
        come every TURN_EVERY entries."""
        outlet = get_outlet(outlet_key)
        deep = 0  # children past the depth bound
        children: list[tuple[str, datetime | None]] = []  # an index's, in document order
        document, unreadable = gunzipped_document(response.body)
        if unreadable is not None:
            self.crawler.stats.inc_value("discovery/unreadable_sitemaps")
            self.logger.warning("Sitemap %s was not read: %s", response.url, unreadable)
            return
        entries, bound = 0, self.sitemap_max_entries()
        stops, on_stop = xml_stops(document)
        damages, on_damage = xml_damages(on_stop)
        # streamed, never held whole
        now = fetch_time(response)  # a replay's capture time: dates judged as then
        for kind, href, lastmod in sitemap_entries(document, now, on_stop, on_damage):
            if entries >= bound:
                self.note_sitemap_cut(response.url, bound)
                break
            entries += 1
            if turn_due(entries):
                yield TURN
            if (loc := self.entry_url(response.url, href, "sitemap")) is None:
                continue
            if self.refused(outlet, loc, "sitemap" if kind == "sitemap" else "page",
                            response.url):
                continue
            if self.outlet_of(loc) is not outlet:
                continue
            if lastmod and self.since and localise(lastmod, outlet.tz).date() < self.since:
                self.crawler.stats.inc_value("discovery/sitemap_before_window")
                continue
            if kind != "sitemap":
                yield from self.sitemap_url(outlet, loc, now)
                continue
            if depth >= self.sitemap_depth():
                deep += 1
            else:
                children.append((self.url_for(outlet, path_and_query(loc)), lastmod))
        if deep:
            self.sitemap_too_deep(outlet.key, response.url, deep, depth)
        yield from self.child_sitemaps(outlet, response.url, children, depth, now)
        if stops:
            self.note_unread("sitemap", response.url, stops[0], entries)
        elif damages:
            self.note_malformed("sitemap", response.url, damages[0], entries)
        if not entries:
            text = TextSitemap()
            for loc in self.text_sitemap_urls(outlet, response.url, document, text, bound):
                if loc is TURN:
                    yield TURN
                elif self.outlet_of(loc) is outlet:
                    yield from self.sitemap_url(outlet, loc, now)
            entries = text.urls
        if not entries:
            self.crawler.stats.inc_value("discovery/empty_sitemaps")
            self.logger.warning("Sitemap %s yielded no entries", response.url)

    def child_sitemaps(self, outlet: Outlet, index: str,
                       children: list[tuple[str, datetime | None]],
                       depth: int, now: datetime) -> Iterator[scrapy.Request]:
        """Requests for an index's children not asked yet, those most likely to hold the
        window's articles first, as the site spider ranks them
        (:func:`crawler.sitediscovery.child_sitemap_order`: the window's period named, then
        by lastmod, then undated in document order, then numbered, highest first: WordPress
        and Yoast number oldest first), up to SITE_MAX_SITEMAPS of the outlet; the rest
        counted and said. One that cannot hold the window (a past month's) goes last;
        without a window, the recent one is the day of ``now`` (when the index was fetched)."""
        today = now.astimezone(UTC).date()
        since = self.since or today
        until = max(self.until or today, since)
        ranked = []
        for number, (url, lastmod) in enumerate(children):
            if url in self._sitemap_urls:
                continue
            order = child_sitemap_order(url, lastmod, since, until)
            ranked.append((order or (9, 0), number, url))
        ranked.sort()
        room = max(self.max_sitemaps() - self.sitemaps_asked[outlet.key], 0)
        asked = 0
        for _, _, url in ranked:
            if asked < room and self.note_sitemap_asked(outlet, url):
                asked += 1
                yield scrapy.Request(url, callback=self.parse_sitemap, priority=5,
                                     meta=self.sitemap_meta(),
                                     cb_kwargs={"outlet_key": outlet.key, "depth": depth + 1})
        if (over := len({url for _, _, url in ranked}) - asked) > 0:
            self.note_sitemaps_over(outlet.key, index, over, which="those least likely to "
                                    "hold the window's articles")

    def sitemap_url(self, outlet: Outlet, loc: str, now: datetime | None = None
                    ) -> Iterator[scrapy.Request]:
        """An entry of a sitemap fetched at ``now`` (its capture time in a replay)."""
        self.crawler.stats.inc_value("discovery/sitemap_entries")
        self.note_offered(outlet, loc)
        yield from self.article_request(outlet, loc, now=now)

    def note_sitemap_cut(self, url: str, bound: int) -> None:
        """Count an XML sitemap listing more entries than SITEMAP_MAX_ENTRIES and name it:
        the rest is not read (each entry costs the event loop a parse and URL checks)."""
        self.crawler.stats.inc_value("discovery/sitemap_entry_limit")
        self.logger.warning("Sitemap %s lists more than SITEMAP_MAX_ENTRIES=%d entries: those "
                            "after the %s not read", url, bound, ordinal(bound))

    def text_sitemap_urls(self, outlet: Outlet, sitemap: str, document: bytes,
                          text: TextSitemap, bound: int) -> Iterator[Any]:
        """A plain-text sitemap's URLs not refused (:meth:`refused`), with a
        :data:`crawler.pacing.TURN` every TURN_EVERY lines, URLs or not (a step a line); what
        was read is counted in ``text`` and, when it held URLs, noted
        (:meth:`note_text_sitemap`). Each spider makes its own candidates of the URLs."""
        for number, url in enumerate(text_sitemap_lines(document, text, bound), 1):
            if turn_due(number):
                yield TURN
            if url is not None and not self.refused(outlet, url, "page", sitemap):
                yield url
        if text.urls:
            self.note_text_sitemap(sitemap, text)

    def note_text_sitemap(self, url: str, text: TextSitemap) -> None:
        """Count a plain-text sitemap read, and say what in it was no URL or past the bound."""
        stats = self.crawler.stats
        stats.inc_value("discovery/text_sitemaps")
        if text.junk:
            stats.inc_value("discovery/text_sitemap_junk", text.junk)
            self.logger.warning("Sitemap %s (plain text): %d lines skipped; %s", url,
                                text.junk, text.first_junk)
        if text.too_long:  # among the junk: lines passed over unread
            stats.inc_value("discovery/text_sitemap_long_lines", text.too_long)
        if text.cleaned:
            stats.inc_value("discovery/text_sitemap_cleaned", text.cleaned)
            self.logger.warning("Sitemap %s (plain text): %d URL lines ended in control "
                                "characters, cut off; %s", url, text.cleaned, text.first_cleaned)
        if text.over_limit:
            stats.inc_value("discovery/text_sitemap_over_limit", text.over_limit)
            self.logger.warning("Sitemap %s (plain text) lists more than SITEMAP_MAX_ENTRIES=%d "
                                "URLs: %d lines after it not read", url,
                                self.sitemap_max_entries(), text.over_limit)

    # --- the pager: every listing, rubric front and day archive ---------------------------
    def listing_request(self, outlet: Outlet, *, path: str = "", day: str | None = None,
                        page: int = 1, paging: bool = False, url: str | None = None,
                        seen: frozenset[str] = frozenset(), linked: str | None = None,
                        by_links: bool = False) -> scrapy.Request:
        """Page ``page`` of a listing (``path``) or of the day archive of ``day``.

        A walk's state travels in the request (``seen``: links of its earlier pages;
        ``linked``: the next page the page before linked, where the scheme made another;
        ``by_links``: the walk follows those links, the scheme ignored by the site), so it
        survives a JOBDIR restart and a shared Redis frontier.
        """
        if url is None:
            d = outlet.discovery
            scheme = d.archive if day else d.listing_pages
            when = date.fromisoformat(day) if day else None
            target = scheme.url_path(page, when, path) if scheme else path
            url = self.url_for(outlet, target)
        first = page == 1 and day is None  # the listing the outlet's data names
        errback = self.source_failed if first else self.paging_failed if page > 1 else None
        return scrapy.Request(url, callback=self.parse_listing, priority=5, errback=errback,
                              cb_kwargs={"outlet_key": outlet.key, "path": path, "day": day,
                                         "page": page, "paging": paging, "seen": seen,
                                         **({"linked": linked} if linked else {}),
                                         **({"by_links": True} if by_links else {})})

    def parse_listing(self, response: Response, outlet_key: str, path: str = "",
                      day: str | None = None, page: int = 1, paging: bool = False,
                      seen: frozenset[str] = frozenset(), linked: str | None = None,
                      by_links: bool = False) -> Iterator[Any]:
        """One page of a walk: its new article links, then the next page unless a rule stops."""
        outlet, stats = get_outlet(outlet_key), self.crawler.stats
        if not isinstance(response, TextResponse):
            stats.inc_value("discovery/listing_not_html")
            self.logger.warning("Listing %s is not HTML (%s); skipped", response.url,
                                content_type(response))
            return
        now = fetch_time(response)  # a replay's capture time: a URL's day judged as then
        listing = read_listing(response.text, response.url, outlet, self.outlet_of, now)
        stats.inc_value("discovery/listing_pages")
        stats.inc_value("discovery/listing_other_links", listing.other_links)
        new = [link for link in listing.links if link.url not in seen]
        stats.inc_value("discovery/listing_links", len(new))
        if new:
            stats.inc_value(f"{OFFERED_PREFIX}{outlet.key}", len(new))
        # a day walk lists that day's articles, unless the site ignores the day: its latest
        # posts then, read as any listing (the window's dates, no day hint)
        wanted = (date.fromisoformat(day) if day and (outlet.key, day) not in self.day_ignored
                  else None)
        since, until = (wanted, wanted) if wanted else (self.since, self.until)
        for link in new:
            if not in_bounds(link.day, since, until):
                stats.inc_value("discovery/out_of_window_links")
                continue
            when = link.day or wanted
            hint = localise(datetime.combine(when, time()), outlet.tz) if when else None
            yield from self.article_request(outlet, link.url, hint, now=now)
        if day:  # a stat, so that a resumed JOBDIR session counts on (crawler.state.jobdir)
            stats.inc_value(f"{ARCHIVE_LINKS_PREFIX}{outlet.key}", len(new))
        if page == 1 and not listing.links:
            self.report_empty(response.url, outlet, day, listing.other_links)
        if not paging:
            return
        reason = (self.same_as_other_day(response.url, listing, outlet, day, page) if day
                  else None) or stop_reason(listing, new, page, self.max_pages(outlet), since)
        if reason is None:
            yield from self.next_listing_page(listing.next_href, outlet, path, day, page,
                                              seen | {link.url for link in new}, by_links)
            return
        if reason == "repeated_page" and page == 2 and linked and not by_links \
                and self.outlet_of(linked) is outlet:
            yield self.scheme_ignored(response.url, linked, outlet, path, day, seen)
            return
        stats.inc_value(f"discovery/listing_stop/{reason}")
        if reason == "max_pages":
            self.logger.warning("Stopped %s at page %d (page cap %d)", response.url, page,
                                self.max_pages(outlet))
        elif reason == "repeated_page" and page == 2 and since is not None and all(
                not older_than(link.day, since) for link in listing.links if link.day):
            stats.inc_value("discovery/paging_suspect/repeated_first_page")
            if response.meta.get(PAGER_LINKED):  # page 1 linked it: a pager broken
                stats.inc_value(f"{PAGING_BROKEN_PREFIX}{outlet.key}")
            self.logger.warning("Listing page %s repeats page 1, all of it in the window: has "
                                "its paging changed? Older articles of the window are not "
                                "found on it", response.url)
        elif reason == "repeated_page":
            self.logger.info("Listing page %s repeats earlier links: paging stops", response.url)

    def paging_failed(self, failure: Any) -> None:
        """A listing's later page that failed (a 404 where the pager said a page would be):
        the walk stops there, said with the URL and why (it stopped unsaid, the window's
        older articles lost)."""
        request = getattr(failure, "request", None)
        reason = exception_reason(failure.value)
        self.crawler.stats.inc_value(f"discovery/paging_failed/{reason}")
        if request is not None and request.meta.get(PAGER_LINKED):  # judged per outlet
            outlet_key = request.cb_kwargs.get("outlet_key", "?")
            self.crawler.stats.inc_value(f"{PAGING_BROKEN_PREFIX}{outlet_key}")
        self.logger.warning("Listing page %s not fetched (%s): paging stops there; %s",
                            request.url if request else "?", reason, describe(failure.value))

    def same_as_other_day(self, url: str, listing: ListingPage, outlet: Outlet, day: str,
                          page: int) -> str | None:
        """``same_as_other_day`` when this day's walk lists what another day's walk listed on
        the same page: the site ignores the archive's day (a scheme it does not honour, an
        archive answering the latest posts), and each day would be paged to the page cap
        through the whole site. The later walk stops; the first goes on as the walk of the
        site's latest posts it is, under the stop rules of any listing (the window's dates,
        the page cap; its links no longer dated by its day), so the window's articles past
        its first page are still found. One
        warning per outlet names the two pages."""
        if listing.links:
            links = hash(tuple(link.url for link in listing.links))
            other = self.day_pages.setdefault((outlet.key, page, links), day)
            if other != day:
                if not any(key == outlet.key for key, _ in self.day_blind):
                    self.logger.warning(
                        "The day archive of %s lists the same articles for %s and %s (page %d, "
                        "%s): it ignores the day; only the walk of %s goes on (check the row's "
                        "archive scheme)", outlet.key, other, day, page, url, other)
                self.day_blind.add((outlet.key, day))
                self.day_ignored.add((outlet.key, other))
        return "same_as_other_day" if (outlet.key, day) in self.day_blind else None

    def next_listing_page(self, next_url: str | None, outlet: Outlet, path: str, day: str | None,
                          page: int, seen: frozenset[str],
                          by_links: bool = False) -> Iterator[scrapy.Request]:
        """Page ``page + 1``: from the outlet's page scheme, else (or once the site ignored
        the scheme: ``by_links``) the page's "next" link."""
        d = outlet.discovery
        scheme = d.archive if day else d.listing_pages
        if scheme is not None and scheme.paged is not None and not by_links:
            request = self.listing_request(outlet, path=path, day=day, page=page + 1,
                                           paging=True, seen=seen, linked=next_url)
            # the page linked a next page: one the scheme's page then fails is a broken pager
            request.meta[PAGER_LINKED] = next_url is not None
            if next_url is not None and urldefrag(next_url).url == request.url:
                request.cb_kwargs.pop("linked", None)  # the scheme's own page: nothing else
            yield request
            return
        if next_url is None or self.outlet_of(next_url) is not outlet:
            self.crawler.stats.inc_value("discovery/listing_stop/last_page")
            return
        request = self.listing_request(outlet, path=path, day=day, page=page + 1, paging=True,
                                       url=next_url, seen=seen, by_links=by_links)
        request.meta[PAGER_LINKED] = True
        yield request

    def scheme_ignored(self, url: str, linked: str, outlet: Outlet, path: str,
                       day: str | None, seen: frozenset[str]) -> scrapy.Request:
        """Page 2 by the outlet's scheme (``url``) repeats page 1 while page 1 linked another
        next page: the site pages otherwise now (``?page=N`` ignored, ``/page/N/`` linked).
        The walk follows the pages' own links from here, and the outlet's data is said stale."""
        self.crawler.stats.inc_value(f"discovery/paging_scheme_ignored/{outlet.key}")
        self.logger.warning("Listing page %s repeats page 1, whose own pager links %s: the "
                            "site no longer pages as %s's scheme says; following its links "
                            "(update the outlet's listing_pages)", url, linked, outlet.key)
        request = self.listing_request(outlet, path=path, day=day, page=2, paging=True,
                                       url=linked, seen=seen, by_links=True)
        request.meta[PAGER_LINKED] = True
        return request

    def report_empty(self, url: str, outlet: Outlet, day: str | None, other: int = 0) -> None:
        """A first page without article links: a day without news, or a changed layout (the
        links' markup renamed, or ``other`` links there none of which is an article URL)."""
        if day:  # district papers skip days: counted, and a whole silent window warns (closed)
            self.crawler.stats.inc_value("discovery/empty_archive_days")
            self.logger.info("No articles in the %s archive of %s (%s)", day, outlet.key, url)
            return
        self.crawler.stats.inc_value("discovery/empty_listings")
        if other:
            self.logger.warning("Listing %s: its %d link(s) in %s are none of them an article "
                                "URL of %s (its article_path rejects them: has the URL scheme "
                                "changed?)", url, other, outlet.discovery.links, outlet.key)
        else:
            self.logger.warning("Listing %s links to no article in %s (layout change?)", url,
                                outlet.discovery.links)

    def closed(self, reason: str) -> None:
        """Say loudly when an outlet's day archive yielded nothing in a whole window."""
        if not self.backfill:
            return
        for outlet in self.outlets():
            if outlet.discovery.archive is not None and not self.crawler.stats.get_value(
                    f"{ARCHIVE_LINKS_PREFIX}{outlet.key}"):
                self.crawler.stats.inc_value(f"discovery/archive_silent/{outlet.key}")
                # judged by its length (run_verdict): a paper may publish nothing on one day
                self.crawler.stats.set_value(f"{ARCHIVE_SILENT_DAYS}{outlet.key}",
                                             sum(1 for _ in self.window_days(outlet)))
                self.logger.warning("The day archive of %s gave no article links for %s..%s: "
                                    "check its archive scheme and listing links (%s)", outlet.key,
                                    self.since, self.until or "today", outlet.discovery.links)

    def note_offered(self, outlet: Outlet, url: str) -> bool:
        """Count an article link a feed or sitemap offered for ``outlet``, in the window or not:
        a spider crawling many sites is judged per site on these (run_verdict), so one site
        whose feed or archive went silent alarms even while the others fill the run.
        Whether ``url`` is an article URL of the outlet."""
        if self.is_article_url(outlet, url):
            self.crawler.stats.inc_value(f"{OFFERED_PREFIX}{outlet.key}")
            return True
        return False

    # --- articles ---------------------------------------------------------------------------
    def article_request(self, outlet: Outlet, url: str, published: datetime | None = None,
                        title: str | None = None, *, now: datetime | None = None
                        ) -> Iterator[scrapy.Request]:
        """A request for an article page, or nothing when the URL is not an article or its URL
        date is outside the window (judged before any download); the URL date is a date hint,
        and so is ``published`` (a feed's date), naive ones in the outlet's zone. The URL's
        day is judged as of ``now``, the capture time of the page that named it (the clock
        without one), so a replay long after the crawl asks for what the crawl asked for.
        The article counts as discovered (crawler.extensions.completeness) with the feed's title."""
        if not self.is_article_url(outlet, url):
            self.crawler.stats.inc_value("discovery/not_article")
            return
        day = outlet.discovery.date_in_url(url, now)
        if day is not None and not self.in_window(day, outlet):
            self.crawler.stats.inc_value("discovery/out_of_window_links")
            return
        url = self.known_spelling(outlet, url)
        if self.spelled_before(outlet, url):
            return
        if published is None and day is not None:
            published = datetime.combine(day, time(), tzinfo=outlet.tz)
        # a date without an offset (a feed's "… 14:05:00", a named zone email.utils does not
        # know) is the outlet's wall clock, as dates on its pages are
        hint = iso(localise(published, outlet.tz)) if published else None
        hint_key = f"{outlet.key} {canonical_url(url, outlet)}"
        if hint and more_precise(hint, self.best_hints.get(hint_key)):
            self.best_hints[hint_key] = hint
        key = note_discovered(self.crawler, outlet, url, title, hint)
        yield scrapy.Request(self.fetch_url(outlet, url), callback=self.parse_article,
                             errback=self.article_failed, cb_kwargs={"outlet_key": outlet.key},
                             meta={META_HINT_PUBLISHED: hint, "article": True,
                                   META_DISCOVERED: key, META_FEED_TITLE: title,
                                   HINT_KEY: hint_key})

    def known_spelling(self, outlet: Outlet, url: str) -> str:
        """``url``, or its other spelling (the path's trailing slash) when the state store
        knows the article only by that one: a past run exported it under that URL and id,
        and a site answering both would otherwise make it a new article under another id.
        Looked up once per article and run; with neither (or both) known, ``url``."""
        store = opened_state(self.crawler)
        canonical = canonical_url(url, outlet)
        other = other_spelling(canonical)
        if store is None or other is None:
            return url
        key = f"{outlet.key} {same_article_key(canonical)}"
        if key not in self.known_spellings:
            mine, theirs = store.get(canonical) is not None, store.get(other) is not None
            self.known_spellings[key] = (canonical if mine and not theirs
                                         else other if theirs and not mine else None)
        known = self.known_spellings[key]
        if known is None or known == canonical:
            return url
        self.crawler.stats.inc_value("discovery/known_spelling")
        self.logger.debug("%s is known as %s: fetched so", url, known)
        return respelled(url, known, outlet)

    def spelled_before(self, outlet: Outlet, url: str) -> bool:
        """Whether this run asked for the article already under a URL that differs only by the
        path's trailing slash (a feed's ``/2025/09/12/slug`` and a listing's ``…/slug/``, on a
        site answering both): the first spelling is fetched, a later one counted in
        ``discovery/duplicate_spelling``. When the first answers 404 or 410, the other is
        asked for then (``spelling_left_out``). (Other spellings, tracking or session
        parameters, ``www.``, ``http:``, are one canonical URL already.)"""
        canonical = canonical_url(url, outlet)
        key = f"{outlet.key} {same_article_key(canonical)}"
        first = self.spellings.setdefault(key, canonical)
        if first == canonical:
            return False  # the same URL again: Scrapy's duplicate filter drops the request
        self.crawler.stats.inc_value("discovery/duplicate_spelling")
        self.logger.debug("%s is %s spelled otherwise: not fetched again", url, first)
        return True

    def article_failed(self, failure: Any) -> Iterator[scrapy.Request]:
        """An article that could not be fetched: logged with URL and reason, counted by reason.
        A known article observed removed (crawler.removals) is no failure: recorded already.
        One answering 404 or 410 under one spelling is asked for under the other (the path's
        trailing slash): some sites answer only one. That first answer is no failure yet
        (an INFO line, ``discovery/other_spelling_after_404``): the other spelling's answer
        is the article's, so it is counted and warned about once, as the completeness
        report counts it. A Redis failure met while processing it is no article failure
        (crawler.distributed.deferral): the request stays leased and is fetched again."""
        if failure.check(ArticleRemoved):
            return
        request = getattr(failure, "request", None)
        if defer_request(self.crawler, request, failure.value):
            return  # Redis failed, not the article: fetched again (crawler.distributed)
        # the article's own URL, not where its redirects went (the failure's words say that)
        url = asked_url(request) if request else "?"
        reason = exception_reason(failure.value)
        response = getattr(failure.value, "response", None)
        status = getattr(response, "status", None)
        note_failed(self.crawler, request, reason, status)
        if failure.check(HttpError):
            note_error_answer(self.crawler.stats, status, url)
        # (an archive replayed holds no spelling replay did not look for already)
        if (status in (404, 410) and request is not None
                and REPLAY_MISSING not in response.flags):
            # a feed's relative link at the site's root first, else the other spelling: lazily,
            # the second is not even counted once the first gives a request
            for retry in chain(self.feed_link_at_root(request), self.spelling_left_out(request)):
                self.logger.info("%s answered %s: asking for %s", url, status, retry.url)
                yield retry
                return
        self.crawler.stats.inc_value(f"articles/failed/{reason}")
        self.logger.warning("Article not fetched (%s): %s: %s", reason, url, describe(failure.value))

    def spelling_left_out(self, failed: scrapy.Request) -> Iterator[scrapy.Request]:
        """The request for the other spelling of ``failed``'s article (the path's trailing
        slash), when that is an article URL of its outlet and ``failed`` was no such request
        itself (``META_SPELLING_OF``: never a loop). It carries what discovery said
        (``SPELLING_META``: date hint, feed title, completeness key, so the article is counted
        once) in its meta, not in this process: a JOBDIR resume or another Redis worker
        sends it as well. Scrapy's duplicate filter drops it when the run asked for that
        spelling already."""
        if failed.meta.get(META_SPELLING_OF) or (outlet := self.request_outlet(failed)) is None:
            return
        asked = asked_url(failed)
        canonical = canonical_url(asked, outlet)
        other = other_spelling(canonical)
        if other is None or not self.is_article_url(outlet, other):
            return
        # a later link under the other spelling is this request's: not asked for again
        self.spellings.setdefault(f"{outlet.key} {same_article_key(canonical)}", canonical)
        self.crawler.stats.inc_value("discovery/other_spelling_after_404")
        url = self.fetch_url(outlet, respelled(asked, other, outlet))
        yield self.asked_again(failed, url, **{META_SPELLING_OF: asked})

    def feed_link(self, outlet: Outlet, feed: str, href: str, url: str) -> tuple[str, str | None]:
        """A feed entry's address, and the one to ask for should it answer 404 or 410
        (:meth:`feed_link_at_root`). A relative link whose standard reading (``url``) is no
        article address of ``outlet`` (its ``article_path``) while its reading against the
        site's root is one is read there at once: the outlet's rules would drop it before any
        request, so the 404 that asks for the root's address never came. Counted in
        ``discovery/feed_link_rebased``; said once per feed."""
        rooted = at_site_root(feed, href)
        if rooted is None or self.is_article_url(outlet, url) \
                or not self.is_article_url(outlet, rooted):
            return url, rooted
        self.crawler.stats.inc_value("discovery/feed_link_rebased")
        if feed not in self._at_root_said:
            self._at_root_said.add(feed)
            self.logger.info("Discovery: a relative link of the feed %s, resolved against the "
                             "feed's URL (%s), is no article address of %s; read against the "
                             "site's root, %s, as its further such links are (counted in "
                             "discovery/feed_link_rebased)", feed, url, outlet.key, rooted)
        return rooted, None

    def feed_link_at_root(self, failed: scrapy.Request) -> Iterator[scrapy.Request]:
        """The request for a feed's relative link resolved against the site's root
        (``META_LINK_AT_ROOT``), after ``failed``, its address resolved against the feed's URL
        as the standard says, answered 404 or 410: a CMS writing ``news/slug/`` in a feed at
        ``/export/rss.xml`` means ``/news/slug/``, and the entry was lost. Asked once: the
        request carries no such link itself (never a loop), and what discovery said
        (``spelling_meta``) as the other spelling's does. Scrapy's duplicate filter drops it
        when the run asked for that address already. Counted in
        ``discovery/feed_link_rebased``; said once per feed."""
        link = failed.meta.get(META_LINK_AT_ROOT)
        if not link or (outlet := self.request_outlet(failed)) is None \
                or not self.is_article_url(outlet, link["url"]):
            return
        self.crawler.stats.inc_value("discovery/feed_link_rebased")
        if link["feed"] not in self._at_root_said:
            self._at_root_said.add(link["feed"])
            self.logger.info("Discovery: a relative link of the feed %s, resolved against the "
                             "feed's URL, answered 404 or 410 (%s): asked for against the site's "
                             "root, %s, as its further such links are (counted in "
                             "discovery/feed_link_rebased)", link["feed"], asked_url(failed),
                             link["url"])
        yield self.asked_again(failed, self.fetch_url(outlet, link["url"]))

    spelling_meta: tuple[str, ...] = SPELLING_META

    def asked_again(self, request: scrapy.Request, url: str, **meta: Any) -> scrapy.Request:
        """``request`` made anew for ``url``, with what discovery said of its article
        (``spelling_meta``) and ``meta``, not what its download left (redirects, WARC
        records, a lease)."""
        kept = {key: request.meta[key] for key in self.spelling_meta if key in request.meta}
        return request.replace(url=url, headers=None, meta={**kept, **meta})

    def request_outlet(self, request: scrapy.Request) -> Outlet | None:
        """The outlet of an article request (its ``outlet_key``), None if it names none."""
        try:
            return get_outlet(request.cb_kwargs.get("outlet_key", ""))
        except KeyError:
            return None

    def parse_article(self, response: Response, outlet_key: str) -> Iterator[ArticlePage]:
        self.crawler.stats.inc_value("articles/downloaded")
        # the article found again by another channel after its request: a feed's exact time
        # where a day archive gave its day (the duplicate request was dropped)
        best = self.best_hints.pop(response.meta.get(HINT_KEY, ""), None)
        if best and more_precise(best, response.meta.get(META_HINT_PUBLISHED)):
            response.meta[META_HINT_PUBLISHED] = best
        yield ArticlePage.from_response(response, outlet_key)
