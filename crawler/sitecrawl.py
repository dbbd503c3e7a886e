"""The ``site`` spider's work: discovery of a site no rule knows, then its articles.

Discovery documents (home page, robots.txt, feeds, sitemaps, date archives, a few article
pages to learn the time zone from) are fetched first, each counted until it is answered;
once the last one is, each site's zone and name are settled, published for the extraction
workers (:mod:`crawler.siteoutlets`), and the article requests go out, filtered by the
window in that zone. What each document says is read by :mod:`crawler.sitediscovery`.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
import tempfile
import uuid
from collections import Counter, OrderedDict
from collections.abc import AsyncIterator, Generator, Iterable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, UsageError
from scrapy.http import Response, TextResponse
from scrapy.utils.httpobj import urlparse_cached
from twisted.python.failure import Failure

from archive.urls import desktop_host, site_host
from crawler import sitediscovery as disc
from crawler.challenge import challenge_kind, js_redirect_target
from crawler.extensions.completeness import note_extracted, note_superseded
from crawler.extensions.run_verdict import SITE_UNREAD_PREFIX, WINDOW_UNREACHED_PREFIX
from crawler.extraction import (
    PAGE_DATES_ATTR,
    BlockedPage,
    ExtractionError,
    NotAnArticle,
    limits,
    not_markup,
)
from crawler.extraction.dates import iso, localise, parse_iso
from crawler.extraction.html import document_base, parse_html
from crawler.failures import SEE_ERROR_ANSWERS, RedirectedElsewhere, exception_reason
from crawler.feeds import (
    FeedSkips,
    TextSitemap,
    content_type_of,
    document_element,
    feed_entries,
    gunzipped_document,
    xml_damages,
    xml_stops,
)
from crawler.frontiers import run_scheduler
from crawler.items import (
    CANONICAL_OF,
    CANONICAL_OF_FETCHED_AT,
    META_FEED_TITLE,
    META_HINT_PUBLISHED,
    META_TEMPLATE_DATES,
    Article,
    content_type,
    fetch_time,
    request_time,
)
from crawler.outlets import outlet_for_url
from crawler.outlets.base import Outlet, ascii_host
from crawler.pacing import TURN, paced, turn_due
from crawler.pageoutcomes import count_no_article
from crawler.pipelines.date_window import OLDEST_DAY_PREFIX
from crawler.pipelines.extraction import page_extracted
from crawler.removals import ArticleRemoved, asked_url, left_article
from crawler.siteoutlets import (
    SiteRowError,
    generic_rules,
    load_rows,
    outlet_from_site_row,
    publish,
    withdraw,
)
from crawler.softremovals import CANDIDATE_ATTR, SOFT_404, tree_notice
from crawler.spidermiddlewares.removals import with_candidate
from crawler.spiders.base import OutletSpider, link_at_root
from crawler.spiders.listings import ListingLink, ListingPage, stop_reason
from crawler.urls import (
    canonical_url,
    joined,
    other_spelling,
    path_and_query,
    same_article_key,
    site_path,
)


def site_rows(url: str | None, outlets: str | None, extra: Any = None,
              timezone: str | None = None) -> list[dict[str, Any]]:
    """The rows of this run: ``-a url``, ``-a outlets`` and ``EXTRA_OUTLETS``; UsageError on
    a bad row, so a typo stops the run before anything is fetched."""
    try:
        rows = load_rows([{"url": url, **({"timezone": timezone} if timezone else {})}]
                         if url else None, "-a url")
        rows += load_rows(outlets) + load_rows(extra)
    except SiteRowError as exc:
        raise UsageError(str(exc)) from None
    return rows


HTML_STEPS = frozenset({"home", "archive", "archive_probe", "archive_check", "listing"})
# Home pages read per site: the row's, its language editions (at most disc.MAX_EDITIONS) and
# the pages a script stub sends to. A site answering any path (``/be/be/be/…``) names more
# forever.
MAX_HOME_PAGES = 1 + disc.MAX_EDITIONS
MAX_ARCHIVE_DAYS = 3660  # day archives walked in one window (ten years)
# An article request (or zone sample) for a frame of a frameset page (the frameset's URL), and
# how many framesets deep it is: old sites nest them (a frameset of a menu and a frameset of a
# banner and the text), but one answering any URL with a frameset framing the next URL leads on
# without end, so a frameset met MAX_FRAME_DEPTH frames deep is not followed.
FRAME_OF = "frame_of"
FRAME_DEPTH = "frame_depth"
MAX_FRAME_DEPTH = 3
# A zone sample's article key: its candidate's feed date is given to the page at release
SAMPLE_OF = "sample_of"
# extracted pages' stories kept for aliases met later (~1 KB each), and aliases waiting for
# their canonical's: an alias and its canonical are met close together
MAX_STORIES = 20_000
MAX_CANONICAL_HOPS = 8  # canonicals followed looking for a loop back


class AliasSeen(NamedTuple):
    """An alias page met (its URL, the canonical it names, its story; what discovery said
    of it), kept until its canonical's story is known (:meth:`SiteCrawl.weigh_alias`)."""

    url: str
    canonical: str
    story: disc.PageStory
    hint: str | None
    feed_title: str | None
    fetched: datetime | None = None  # the alias page's capture: its URL's day judged as then


def frame_depth(response: Response) -> int:
    """How many framesets deep the page is shown (0: it is no frame)."""
    return int(response.meta.get(FRAME_DEPTH, 1 if FRAME_OF in response.meta else 0))


# Which run counted a discovery request as pending: a JOBDIR frontier resumes those of a
# stopped run too, which this run's count must not answer for.
DISCOVERY_RUN = "discovery_run"
# The spider state's entry (kept by JOBDIR) of the sites moved to their desktop host (row
# key -> scheme://host)
MOVED_SITES = "moved_sites"
# ... and of the sister hosts the sites took (site key -> hosts)
SISTER_HOSTS = "sister_hosts"
# what a discovery step fetches, as a refused URL is named (robots.txt, home pages: a page)
DISCOVERY_KINDS = {"feed": "feed", "sitemap": "sitemap"}


class SiteCrawl(OutletSpider):
    """Discovery and article requests for the sites of ``self.rows`` (set by the spider)."""

    rows: list[dict[str, Any]]
    limits: dict[str, int]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sites: dict[str, disc.SiteState] = {}
        # a row's first key -> its site's key, once the row's host turned out to be the
        # mobile edition of another (requests sent before still name the first)
        self.moved_keys: dict[str, str] = {}
        self.pending = 0
        self.released = False
        self.registry: Path | None = None
        self._run_token = uuid.uuid4().hex  # private: not one of the JOBDIR identity's arguments
        self.article_keys: set[str] = set()  # request_key of each article request made
        self.zone_round = False  # the home-link zone samples were asked for (or not needed)
        self.dates_judged = False  # the feeds' and news sitemaps' dates were checked
        self.listings_walked = False  # the home pages' paged lists were walked (or not needed)
        # request_key -> the story of each page extracted (None: no article), and the aliases
        # naming a page not extracted yet: an alias is weighed against its canonical's story
        # (the newest MAX_STORIES only: an alias and its canonical are met close together)
        self.stories: OrderedDict[str, disc.PageStory | None] = OrderedDict()
        self.aliases_waiting: OrderedDict[str, list[AliasSeen]] = OrderedDict()  # (as many)
        self.aliases_read: set[str] = set()  # request_key of each alias read as an article
        self.canonical_named: OrderedDict[str, str] = OrderedDict()  # alias -> its canonical
        self.told_another: set[str] = set()  # sites warned of a canonical naming another story

    def setup_sites(self) -> None:
        self.duplicate_rows = 0
        for row in self.rows:
            known = outlet_for_url(row["url"])
            if known is not None and not generic_rules(known):
                self.logger.info("%s is the registered outlet %r: its rules apply", row["url"],
                                 known.key)
            state = disc.SiteState(row, known or outlet_from_site_row(row))
            if state.key in self.sites:  # one outlet per host: its first row's home page
                self.logger.warning("%s: a second row for host %s is left out (its home page "
                                    "is %s)", row["url"], state.key,
                                    self.sites[state.key].row["url"])
                self.duplicate_rows += 1  # counted when the run starts: no stats before
                continue
            self.sites[state.key] = state
        if not self.sites:
            self.logger.info("No site to crawl: give -a url=…, -a outlets=… or EXTRA_OUTLETS")
        fd, name = tempfile.mkstemp(prefix="site-outlets-", suffix=".json")
        os.close(fd)
        self.registry = Path(name)
        try:
            self.publish_sites()
        except OSError:  # (the crawl command checked TMPDIR first) no empty rows file left
            withdraw(self.registry)
            raise

    def publish_sites(self) -> None:
        assert self.registry is not None
        publish({k: s.final_row() for k, s in self.sites.items()
                 if generic_rules(s.outlet)}, self.registry)

    def closed(self, reason: str) -> None:
        withdraw(self.registry)
        self.note_held_unread()
        if reason == "finished":
            for state in self.sites.values():
                self.window_reached(state)

    def window_reached(self, state: disc.SiteState) -> None:
        """Say (and count, for the run's alarm) a window run whose discovery never reached back
        to ``since``: the site's articles came from its home page's list alone, the oldest
        of them is newer than ``since``, and the list could be walked no further (no pager,
        or one not read as such: ``?start=N``, a script's "Показать ещё"). The window's
        older articles were never found; the run had ended healthy with none."""
        if not state.home_only or state.listing_stop in ("older_than_window", "max_pages"):
            return
        assert self.since is not None
        oldest = self.crawler.stats.get_value(f"{OLDEST_DAY_PREFIX}{state.key}")
        if not isinstance(oldest, str) or oldest <= self.since.isoformat():
            return
        self.crawler.stats.set_value(f"{WINDOW_UNREACHED_PREFIX}{state.key}", oldest)
        walked = ("its home page shows no next page of its list" if state.listing_stop is None
                  else f"the walk of its home page's list ended ({state.listing_stop})")
        self.logger.error(
            "%s: discovery never reached the window: the oldest article found is of %s, after "
            "since=%s, and %s: the window's older articles were not found (a pager not read "
            "as one? give the site's archive or sitemap in its row)", state.key, oldest,
            self.since.isoformat(), walked)

    # --- outlets of this run ------------------------------------------------------------------
    @property
    def outlet(self) -> Outlet:
        """The first site's outlet. AttributeError without a site: Scrapy's feed exports read
        every attribute of the spider (a StopIteration here broke its item feed)."""
        for state in self.sites.values():
            return state.outlet
        raise AttributeError("no site to crawl")

    def outlets(self) -> list[Outlet]:
        return [s.outlet for s in self.sites.values()]

    def site(self, key: str) -> disc.SiteState | None:
        """The site a request's ``key`` names (the key it had when the request was made)."""
        return self.sites.get(self.moved_keys.get(key, key))

    # --- discovery requests -------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        # With robots.txt obeyed, Scrapy's middleware fetches it before the home page goes out;
        # its parser (robots_parsed) gives the Sitemap: lines, so the file is fetched once.
        if self.duplicate_rows:
            self.crawler.stats.inc_value("discovery/duplicate_rows", self.duplicate_rows)
        self.resume_site_changes()
        self.crawler.signals.connect(self.page_extracted, signal=page_extracted)
        from_middleware = self.settings.getbool("ROBOTSTXT_OBEY")
        if from_middleware:
            self.crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)
        for state in self.sites.values():
            if request := self.discover(state, self.url_for(state.outlet, state.home_path),
                                        "home"):
                yield request
            if from_middleware:
                state.robots_awaited = True
                self.pending += 1
            elif request := self.discover(state, self.robots_url(state), "robots"):
                yield request

    def robots_url(self, state: disc.SiteState) -> str:
        return self.url_for(state.outlet, "/robots.txt")

    def robots_parsed(self, robotparser: Any, request: scrapy.Request) -> None:
        """The middleware read a site's robots.txt: request the sitemaps it lists (or the common
        paths). It never answers discovery's last question: the home page waits for it."""
        netloc = urlparse_cached(request).netloc
        for state in self.sites.values():
            if not state.robots_awaited or urlsplit(self.robots_url(state)).netloc != netloc:
                continue
            state.robots_awaited = False
            robots = self.robots_url(state)
            listed = disc.parser_sitemaps(robotparser, robots, self.robots_line(robots))
            follow = (self.sitemap_requests(state, listed, request_time(request))
                      if listed is not None
                      else [self.discover(state, self.robots_url(state), "robots")])
            for follow_request in follow:
                if follow_request is not None:
                    self.crawler.engine.crawl(follow_request)
            self.pending -= 1

    def robots_unread(self, state: disc.SiteState) -> Iterator[Any]:
        """The home page came back and the middleware never read robots.txt (it failed, or the
        middleware is off): read it here, as without ROBOTSTXT_OBEY."""
        if state.robots_awaited:
            state.robots_awaited = False
            if request := self.discover(state, self.robots_url(state), "robots"):
                yield request
            self.pending -= 1

    def discover(self, state: disc.SiteState, url: str, step: str,
                 **kwargs: Any) -> scrapy.Request | None:
        """A discovery request, once per URL and site; counted until it is answered. None
        for a URL on an address off the public Internet (:meth:`refused`): the callers
        that know which document named it refuse it first, this is the net."""
        if url in state.requested:
            return None
        if self.refused(state.outlet, url, DISCOVERY_KINDS.get(step, "page"),
                        f"the {step} discovery of {state.key}"):
            return None
        if step == "home" and state.homes_requested >= MAX_HOME_PAGES:
            self.note_home_over_limit(state, url)
            return None
        state.requested.add(url)
        state.homes_requested += step == "home"
        state.sitemaps_requested += step == "sitemap"
        self.pending += 1
        return scrapy.Request(url, callback=self.answered, errback=self.unanswered,
                              dont_filter=True, priority=10,
                              meta={**SEE_ERROR_ANSWERS, DISCOVERY_RUN: self._run_token,
                                    **(self.sitemap_meta() if step == "sitemap" else {})},
                              cb_kwargs={"key": state.key, "step": step, **kwargs})

    def note_home_over_limit(self, state: disc.SiteState, url: str) -> None:
        """Count a home page not read at the bound; say so once per site."""
        self.crawler.stats.inc_value("discovery/home_over_limit")
        if state.home_over_limit == 0:
            self.logger.warning("%s: %d home pages read (the row's, its language editions, "
                                "pages a script sent to): %s and any further one not read "
                                "(counted in discovery/home_over_limit)", state.key,
                                MAX_HOME_PAGES, url)
        state.home_over_limit += 1

    @staticmethod
    def article_key(outlet: Any, url: str) -> str:
        """One key for every spelling of an article's address (its host, query order,
        trailing slash): its canonical path and query. Without the host, the key stays when
        the site turns out to live at another of its hosts (``home_landed``); with it on a
        sister host (``site_path``)."""
        return same_article_key(site_path(url, outlet))

    @staticmethod
    def request_key(outlet: Outlet, url: str) -> str:
        """An article request's key in the run (any site): outlet and canonical path."""
        return f"{outlet.key} {site_path(url, outlet)}"

    def sample(self, state: disc.SiteState, candidate: disc.Candidate,
               key: str) -> scrapy.Request | None:
        """An early article request whose page votes on the site's time zone: at most
        SITE_ZONE_SAMPLES a site count, and one whose answer is no article page does not
        (:meth:`sample_failed`): at most ``disc.SAMPLE_TRIES`` times as many are asked.
        A candidate no request is made for (its URL's day is outside the window) counts
        as such a sample: it takes no slot, and is not tried again.

        Not marked as an article request: the known-article filter must not swallow it
        while discovery waits for its answer (a few pages a run, at most).
        """
        if state.zone_given or key in state.sampled \
                or not state.sample_room(self.limits["zone_samples"]):
            return None
        state.sampled[key] = candidate.url
        request = self.sample_request(state, candidate.url, candidate.title, candidate.seen,
                                     **{SAMPLE_OF: key},
                                     **link_at_root(candidate.at_root, candidate.source))
        if request is None:
            state.failed_samples.add(key)
        return request

    def sample_worthy(self, found: disc.Candidate, outlet: Outlet, home: bool = False) -> bool:
        """Whether a candidate may be a zone sample: near the window, and no home-page link
        (one may be a rubric) unless ``home`` (the round of those: :meth:`home_link_samples`)."""
        return (home or found.channel != "home") and self.near_window(found, outlet)

    def sample_failed(self, state: disc.SiteState, request: scrapy.Request,
                      why: str) -> Iterator[scrapy.Request]:
        """A zone sample of this run whose answer is no article page (a dead link, a
        challenge, no HTML, the site's "not found" page): it votes for nothing, so it frees its slot and the candidate
        closest to the window that :meth:`sample` would take is asked in its place (chosen
        from discovery's candidates, not the order answers came in: a resumed run or a
        replay asks the same). The caller yields it before it uncounts the failed one, so
        discovery is not released meanwhile. Said when every sample the bound allows failed."""
        key = request.meta.get(SAMPLE_OF, "")
        if key not in state.sampled or key in state.failed_samples:
            return
        state.failed_samples.add(key)
        self.crawler.stats.inc_value("discovery/sample/failed")
        replacement = self.sample_in_place(state)
        self.logger.info("Discovery: the zone sample %s gave no article page (%s): %s",
                         state.sampled[key], why, "none asked in its place" if replacement is None
                         else f"{replacement.url} asked in its place")
        if replacement is not None:
            self.crawler.stats.inc_value("discovery/sample/replaced")
            yield replacement
        elif not state.samples_counted and not state.sample_room(self.limits["zone_samples"]):
            self.crawler.stats.inc_value("discovery/sample/tries_spent")
            self.logger.warning("%s: none of the %d zone samples asked was an article page "
                                "(the last: %s, %s): no more are asked (at most %d times "
                                "SITE_ZONE_SAMPLES; counted in discovery/sample/failed)",
                                state.key, len(state.sampled), state.sampled[key], why,
                                disc.SAMPLE_TRIES)

    def sample_in_place(self, state: disc.SiteState) -> scrapy.Request | None:
        """The next zone sample, in the order the article requests go (closest to the window
        first: ``SiteState.chosen``), home-page links only once their round began."""
        for key, found, _ in state.chosen(self.since if self.backfill else None):
            if not state.sample_room(self.limits["zone_samples"]):
                break
            if self.sample_worthy(found, state.outlet, home=self.zone_round) \
                    and (request := self.sample(state, found, key)):
                return request
        return None

    def not_an_article(self, response: Response, state: disc.SiteState) -> str | None:
        """Why a zone sample's answer is no article page to read the site's clock from (None
        when it may be one): no HTML, a challenge page, a redirect off the article (to
        another site, to a page of the site that is no article: the home page's times were
        read already), or the site's "not found" page answered 200 (a soft 404: its title or
        first heading is the notice, the wording the crawl's soft-404 verdict reads,
        crawler.softremovals.page_notice). Counted as such when the page is read as an
        article at the release."""
        if not isinstance(response, TextResponse) or not_markup(response.text):
            return "not_html"
        if kind := challenge_kind(response.text):
            return f"blocked, {kind}"
        if response.meta.get("redirect_urls"):
            asked = canonical_url(asked_url(response.request), state.outlet)
            if (left := left_article(self, state.outlet, asked, response.url)) is not None:
                return left
        return f"{SOFT_404}, {notice}" if (notice := self.notice_of(response)) else None

    @staticmethod
    def notice_of(response: TextResponse) -> str | None:
        """The not-found notice a zone sample's page is (:func:`tree_notice`), or None; a
        page over the caps is not read for it (nor for its dates: :meth:`page_offsets`)."""
        try:
            return tree_notice(parse_page(response.text))
        except ValueError:  # an empty page, one over the caps: no notice read
            return None

    def sample_request(self, state: disc.SiteState, url: str, title: str | None = None,
                       now: datetime | None = None, **meta: Any) -> scrapy.Request | None:
        """The request of a zone sample, counted until it is answered; ``now``: when the page
        naming it was fetched (:meth:`article_request`)."""
        self.pending += 1
        for request in self.article_request(state.outlet, url, None, title, now=now):
            request.callback, request.errback = self.answered, self.unanswered
            request.cb_kwargs.update({"key": state.key, "step": "sample"})
            request.cb_kwargs.pop("outlet_key", None)
            return request.replace(dont_filter=True, meta={
                **request.meta, "article": False, DISCOVERY_RUN: self._run_token, **meta})
        self.pending -= 1
        return None

    def counted(self, request: scrapy.Request) -> bool:
        """Whether this run counted the request as pending (not one a JOBDIR frontier resumed
        from a stopped run: its answer is used, but answers for nothing in this run's count)."""
        return request.meta.get(DISCOVERY_RUN) == self._run_token

    async def answered(self, response: Response, **kwargs: Any) -> AsyncIterator[Any]:
        """A discovery answer (:meth:`discovery_outputs`), read taking turns with the reactor
        (:func:`crawler.pacing.paced`): a sitemap of 50,000 entries held it for seconds."""
        async for output in paced(self.discovery_outputs(response, **kwargs)):
            yield output

    def discovery_outputs(self, response: Response, key: str, step: str,
                          walk: str | None = None, **kwargs: Any) -> Iterator[Any]:
        """What a discovery answer gives. Whatever happens reading it (a bug raising in a
        step's reader included), a trial answer of a day-archive walk is noted and the pending
        count is settled: one broken page must not hold back the walk's days or the release.
        Its feeds' and sitemaps' readers yield :data:`crawler.pacing.TURN` markers."""
        state = self.site(key)
        counted = self.counted(response.request)
        if state is None:
            self.unknown_site(response.request)
            self.pending -= counted
            if counted and self.pending == 0:
                yield from self.release(carrier=response.request)
            return
        if step == "home" and counted:
            yield from self.robots_unread(state)
        error: Exception | None = None
        read = False
        try:
            read = yield from self.read_answer(response, state, step, **kwargs)
        except Exception as exc:  # re-raised below: Scrapy logs it with the URL
            error = exc
        if walk is not None and counted:  # a trial page of a day-archive walk
            yield from self.archive_trial(state, walk, page_signature(response)
                                          if read and error is None else None,
                                          probe=step == "archive_probe")
        self.pending -= counted
        if counted and self.pending == 0:  # (an earlier run's answer may come before any of ours)
            yield from self.release(carrier=response.request)
        if error is not None:
            raise error

    def read_answer(self, response: Response, state: disc.SiteState, step: str,
                    **kwargs: Any) -> Generator[Any, None, bool]:
        """What a discovery answer gives; returns whether it was read as a page of the site
        (an answer 200 that is not blocked: a challenge page is no page of the site)."""
        if step == "sample" and self.released:  # a resumed sample: an article like any other
            self.date_sample(state, response)
            yield from self.sample_article(state, response)
        elif step == "sample":
            state.samples.append(response)
            yield from self.read_sample(response, state)
        elif step in HTML_STEPS and not isinstance(response, TextResponse):
            self.crawler.stats.inc_value(f"discovery/{step}/not_html")
        elif step == "home" and (moved := self.home_moved_by_script(response, state,
                                                                      **kwargs)):
            yield moved
        elif response.status == 200 and not self.blocked(response):
            try:
                yield from getattr(self, f"on_{step}")(response, state, **kwargs)
            except ValueError as exc:  # an empty page: parse_html has nothing to read
                self.crawler.stats.inc_value(f"discovery/{step}/unreadable")
                self.logger.warning("Discovery: %s gave nothing to read (%s)",
                                    response.url, exc)
            return True
        else:
            self.crawler.stats.inc_value(f"discovery/{step}/status_{response.status}")
        return False

    def read_sample(self, response: Response, state: disc.SiteState) -> Iterator[Any]:
        """A zone sample's answer: the offsets its page prints vote on the zone (a frameset's
        frame is sampled in its place); no article page (:meth:`not_an_article`: a soft 404
        too), another sample is asked instead."""
        if (why := self.not_an_article(response, state)) is None:
            state.page_offsets.update(self.page_offsets(response, state))
            yield from self.frame_samples(response, state)
        elif self.counted(response.request):
            yield from self.sample_failed(state, response.request, why)

    def sample_unanswered(self, failure: Any, state: disc.SiteState) -> Iterator[Any]:
        """A zone sample that failed (an error answer, a failed download): asked for under its
        other spelling after a 404 or 410, else another sample is asked instead."""
        retried = False
        for retry in self.article_failed(failure):
            retried = True
            self.pending += self.counted(retry)
            yield retry
        if not retried and self.counted(failure.request):
            yield from self.sample_failed(state, failure.request,
                                          exception_reason(failure.value))

    def unanswered(self, failure: Any) -> Iterator[Any]:
        request = failure.request
        counted = self.counted(request)
        state = self.site(request.cb_kwargs.get("key", ""))
        if state is None:
            self.unknown_site(request)
            self.pending -= counted
            if counted and self.pending == 0:
                yield from self.release(carrier=request)
            return
        if request.cb_kwargs.get("step") == "home" and counted:
            yield from self.robots_unread(state)
        if request.cb_kwargs.get("step") == "sample":
            yield from self.sample_unanswered(failure, state)
        else:
            self.crawler.stats.inc_value(f"discovery/{request.cb_kwargs.get('step')}/failed")
            self.logger.info("Discovery request failed: %s: %s", request.url, failure.value)
        if (walk := request.cb_kwargs.get("walk")) is not None and counted:
            yield from self.archive_trial(state, walk, None,
                                          probe=request.cb_kwargs["step"] == "archive_probe")
        self.pending -= counted
        if counted and self.pending == 0:
            yield from self.release(carrier=request)

    def home_moved_by_script(self, response: TextResponse, state: disc.SiteState,
                             edition: bool = False, shell: int = 0) -> scrapy.Request | None:
        """The home page, when this one is a stub whose script sends the browser to another
        page of the site (``location.href = "/ru/"``: a language chooser), as a 3xx would.
        Any other script stub stays a blocked page."""
        target = js_redirect_target(response.text) if response.status == 200 else None
        url = joined(response.url, target) if target else None
        if url is None or not state.outlet.owns_host(urlsplit(url).hostname or ""):
            return None
        request = self.discover(state, url, "home", edition=edition, shell=shell)
        if request is not None:
            self.crawler.stats.inc_value("discovery/home_script_redirect")
            self.logger.info("%s: the home page %s sends browsers to %s by script: read there",
                             state.key, response.url, url)
        return request

    def page_offsets(self, response: Response, state: disc.SiteState) -> list[timedelta]:
        """The UTC offsets a zone sample prints (none from a page over the caps); the date it
        prints is kept to check its source's (``judge_source_dates``), and its machine date
        weighed as its template's (:meth:`note_template_date`)."""
        if not isinstance(response, TextResponse):
            return []
        try:
            tree = parse_page(response.text)
            self.note_template_date(state, state.note_sample(response.meta.get(SAMPLE_OF, ""),
                                                             response.url, tree))
            return disc.printed_offsets(tree)
        except PageOverCap as exc:  # read on the event loop: it would hold the crawl
            self.crawler.stats.inc_value("discovery/sample/over_cap")
            self.logger.warning("Discovery: the zone sample %s was not read for its dates: %s "
                                "(counted in discovery/sample/over_cap)", response.url, exc)
        except ValueError:  # an empty or unparsable page votes for nothing
            pass
        return []

    def blocked(self, response: Response) -> bool:
        kind = challenge_kind(response.body) if hasattr(response, "text") else None
        if kind:
            count_no_article(self.crawler.stats, BlockedPage(kind, response.url), response.url)
        return bool(kind)

    # --- what each discovery document gives -------------------------------------------------
    def on_home(self, response: Response, state: disc.SiteState,
                edition: bool = False, shell: int = 0) -> Iterator[Any]:
        """A home page: its feeds, links and (unless it is itself a language ``edition``: each
        names its siblings, and a relative ``hreflang="be/"`` names ``/be/be/`` from ``/be/``)
        the home pages of its language editions; when it links no article, the pages it
        shows through itself (``shell``: how many such pages led here). The home page of a
        row given by its mobile host that names the desktop site (:meth:`desktop_of`) moves
        the site there: the desktop home page is read instead (or is this one)."""
        if (desktop := self.desktop_of(response, state)) is not None:
            kept = yield from self.move_to_desktop(state, *desktop)
            if desktop[1] == "canonical" or not kept:
                return
        landed = urlsplit(response.url).hostname or ""
        if not state.outlet.owns_host(landed):
            self.crawler.stats.inc_value("discovery/home_moved_offsite")
            self.logger.warning("%s: the home page moved to %s, another host: its links are "
                                "not taken as this site's (add the host to the row's aliases, "
                                "or crawl that address)", state.key, response.url)
        else:
            state.home_read = True
        self.home_landed(response, state)
        tree = parse_page(response.text)
        state.name = disc.site_name(tree)
        state.page_offsets.update(disc.printed_offsets(tree))
        feeds = disc.announced_feeds(tree, response.url)
        headed = disc.header_feeds(response.headers.getlist(b"Link"), response.url)
        feeds += [url for url in headed.feeds if url not in feeds]
        if headed.cut:
            self.crawler.stats.inc_value("discovery/link_header_over_limit")
            self.logger.warning("%s: its Link headers were read up to %d bytes, %d links: the "
                                "rest is not read", response.url, disc.MAX_LINK_HEADER_BYTES,
                                disc.MAX_LINK_VALUES)
        self.crawler.stats.inc_value("discovery/feeds_announced", len(feeds))
        # the row's own feeds first, whatever the page announces (they were never read)
        feeds = [*self.row_urls(state, state.outlet.discovery.feeds), *feeds]
        yield from self.announced_feeds(state, feeds, response.url)
        for url in () if feeds else self.well_known(state, disc.COMMON_FEED_PATHS,
                                                    path_and_query(response.url)):
            yield self.discover(state, url, "feed", guessed=True)
        if not edition:
            yield from self.editions(state, disc.language_editions(tree, response.url))
        links = disc.page_links(tree, response.url, response.encoding)
        self.note_offsite_base(state, tree, response.url)
        if listed := disc.next_page_link(tree, links, response.url, 1):
            state.listings.append(listed)
        elif (section := disc.news_section(tree, response.url)) \
                and section not in state.sections:  # (editions may name one list)
            state.sections.append(section)
            self.take_sister_host(state, section)
        state.archive = disc.archive_prefix(links, state.outlet.host)
        articles = disc.article_links(tree, links, response.url, response.encoding,
                                      state.outlet.keep_query)
        now = fetch_time(response)  # a replay's capture time: a URL's day judged as then
        for url in articles:
            day = disc.url_day(url, now)
            yield from self.candidate(state, disc.Candidate(
                url, None, day, "archive" if day and state.archive else "home", seen=now))
        if listed and (span := disc.day_span(articles, now)):
            state.listing_days[listed] = span
        if not articles and shell < disc.MAX_SHELL_DEPTH:
            yield from self.shell_pages(state, disc.shell_targets(tree, response.url),
                                        response.url, shell + 1)
        if state.archive and self.backfill and state.archive not in state.archive_walks:
            yield from self.archive_walk(state, state.archive, page_signature(response),
                                         [disc.url_day(url, now) for url in articles])

    # --- day archives -----------------------------------------------------------------------
    def archive_walk(self, state: disc.SiteState, prefix: str,
                     home: disc.PageSignature | None,
                     known: Iterable[date | None] = ()) -> Iterator[Any]:
        """The day archives of the window (at most MAX_ARCHIVE_DAYS), newest first: its first
        days and a probe of an impossible day as a trial (:class:`disc.ArchiveWalk`), the
        others once the trial found day pages that are no copy of one page (``known``: the
        days of the home page's articles, one of which may be asked to confirm a stop)."""
        days = list(itertools.islice(self.window_days(state.outlet), MAX_ARCHIVE_DAYS))
        if home is None or len(days) <= disc.ARCHIVE_TRIAL_DAYS:  # no trial: nothing to save
            yield from self.archive_days(state, prefix, days)
            return
        trial_days = days[:disc.ARCHIVE_TRIAL_DAYS]
        walk = state.archive_walks[prefix] = disc.ArchiveWalk(
            prefix, home, days[disc.ARCHIVE_TRIAL_DAYS:],
            check=disc.check_day(known, trial_days))
        trial = [*self.archive_days(state, prefix, trial_days, walk=prefix),
                 self.discover(state, self.url_for(state.outlet, disc.archive_probe_path(
                     prefix, days[0])), "archive_probe", walk=prefix)]
        walk.awaited = sum(request is not None for request in trial)
        yield from (request for request in trial if request is not None)

    def archive_days(self, state: disc.SiteState, prefix: str, days: list[date],
                     **kwargs: Any) -> Iterator[scrapy.Request]:
        for day in days:
            if request := self.discover(state, self.url_for(
                    state.outlet, disc.archive_day_path(prefix, day)), "archive",
                    day=day.isoformat(), page=1, **kwargs):
                yield request

    def on_archive_probe(self, response: Response, state: disc.SiteState) -> Iterator[Any]:
        """The answer for an impossible day: only compared with the trial days' pages."""
        return iter(())

    def on_archive_check(self, response: Response, state: disc.SiteState) -> Iterator[Any]:
        """The archive page of a day outside the window the home page links an article of:
        only compared with the impossible day's page (its articles are not the window's)."""
        return iter(())

    def archive_trial(self, state: disc.SiteState, prefix: str,
                      page: disc.PageSignature | None, probe: bool) -> Iterator[Any]:
        """Note a trial answer of a day-archive walk; with the last one in, ask for the other
        days, or stop the walk when every trial day was the same page."""
        walk = state.archive_walks.get(prefix)
        if walk is None or walk.awaited <= 0:
            return
        if probe:
            walk.probe = page
        else:
            walk.trial.append(page)
        walk.awaited -= 1
        if walk.awaited:
            return
        if (why := walk.same_page()) is None:
            yield from self.archive_days(state, prefix, walk.days)
            return
        if (check := walk.needs_check()) is not None:
            yield from self.archive_check(state, walk, *check)
            if walk.awaited:
                return
        self.crawler.stats.inc_value("discovery/archive_soft_404")
        self.crawler.stats.inc_value("discovery/archive_days_skipped", len(walk.days))
        self.logger.warning("%s: the day archive %s answers its days with %s (a soft 404: the "
                            "site has no such archive): the walk stopped after %d days, %d not "
                            "asked (counted in discovery/archive_soft_404)", state.key,
                            self.url_for(state.outlet, prefix), why, len(walk.trial),
                            len(walk.days))

    def archive_check(self, state: disc.SiteState, walk: disc.ArchiveWalk, day: date,
                      held: bool) -> Iterator[scrapy.Request]:
        """Ask the archive page of a day the site has an article of, as one more trial day:
        a day of the walk is read as any day, another is only compared."""
        url = self.url_for(state.outlet, disc.archive_day_path(walk.prefix, day))
        request = (self.discover(state, url, "archive", day=day.isoformat(), page=1,
                                 walk=walk.prefix) if held
                   else self.discover(state, url, "archive_check", walk=walk.prefix))
        if request is not None:
            walk.awaited = 1
            yield request

    def note_offsite_base(self, state: disc.SiteState, tree: Any, url: str) -> None:
        """A page whose ``<base href>`` names another host: its relative links lead there, not
        to this site (a site that moved, whose template kept its old address, lost every
        article without a word). Counted; said once a site."""
        base = document_base(tree, url)
        host = urlsplit(base).hostname or ""
        if host == urlsplit(url).hostname or state.outlet.owns_host(host):
            return
        self.crawler.stats.inc_value("discovery/base_offsite")
        if not state.base_offsite:
            self.logger.warning('%s: the page %s names <base href="%s">, another host: its '
                                "relative links lead there, not read as this site's (if the "
                                "site moved from there, add the host to the row's aliases)",
                                state.key, url, base)
        state.base_offsite += 1

    def shell_pages(self, state: disc.SiteState, urls: list[str], page: str,
                    depth: int) -> Iterator[Any]:
        """The pages a home page linking no article shows (a frameset's frames, one big
        iframe) or names (a language chooser's plain links), read as home pages: old sites
        keep their news there. One on another host is said, not read (crawl that address)."""
        for url in urls:
            if not state.outlet.owns_host(urlsplit(url).hostname or ""):
                self.crawler.stats.inc_value("discovery/shell_offsite")
                self.logger.warning("%s: the home page %s links no article and shows %s, "
                                    "another host: not read as this site's (crawl that "
                                    "address, or add its host to the row's aliases)",
                                    state.key, page, url)
            elif request := self.discover(state, url, "home", shell=depth):
                self.crawler.stats.inc_value("discovery/shell_pages")
                self.logger.info("%s: the home page %s links no article: %s, which it shows "
                                 "or names, is read as a home page", state.key, page, url)
                yield request

    def announced_feeds(self, state: disc.SiteState, feeds: list[str],
                        page: str) -> Iterator[Any]:
        """The feeds a home page announces, in page order (its own feed first, as CMSs print
        them), up to SITE_MAX_FEEDS per site: a page may announce one per tag or rubric."""
        new = [url for url in feeds if url not in state.requested
               and not self.refused(state.outlet, url, "feed", page)]
        room = max(self.limits["max_feeds"] - state.feeds_announced, 0)
        for url in new[:room]:
            state.feeds_announced += 1
            yield self.discover(state, url, "feed")
        if len(new) > room:
            self.crawler.stats.inc_value("discovery/feed_over_limit", len(new) - room)
            self.logger.warning("%s: SITE_MAX_FEEDS=%d reached: %d of the feeds %s announces "
                                "not fetched", state.key, self.limits["max_feeds"],
                                len(new) - room, page)

    def home_landed(self, response: Response, state: disc.SiteState) -> None:
        """The row's home page, redirected (3xx or meta refresh) to another scheme or the
        www./bare variant of its host (``http://www.host/`` → ``https://host/``, ``www2.`` too:
        archive.urls.site_host): the site lives
        there, so its articles are fetched there (not each through the redirect) and its
        items carry that address (``state.landed``)."""
        chain = response.meta.get("redirect_urls") or []
        if (not chain or chain[0] != self.url_for(state.outlet, state.home_path)
                or not generic_rules(state.outlet)):  # a registered outlet's base is its own
            return
        landed, base = urlsplit(response.url), urlsplit(state.outlet.base_url)
        if (site_host(ascii_host(landed.hostname or "")) != site_host(state.outlet.host)
                or (landed.scheme, landed.netloc) == (base.scheme, base.netloc)):
            return
        state.landed = f"{landed.scheme}://{landed.netloc}"
        state.outlet = outlet_from_site_row({**state.row, "url": state.final_row()["url"]})
        self._resolver = None  # it resolves the site's hosts to the outlet it replaces
        self.crawler.stats.inc_value("discovery/home_moved_within_site")
        self.logger.info("%s: the home page %s moved to %s: the site is crawled there",
                         state.key, chain[0], response.url)

    def take_sister_host(self, state: disc.SiteState, section: str) -> None:
        """The site's list of all news on another host of its registered name
        (``news.example.by`` for ``example.by``: ``disc.news_section``): the site owns that
        host as a sister host (``Outlet.sister_hosts``), so the articles its list links there
        are the site's, fetched there under their own URLs, its items keep the site's key."""
        host = ascii_host(urlsplit(section).hostname or "")
        if state.outlet.owns_host(host) or not generic_rules(state.outlet):
            return
        self.add_sister_host(state, host)
        self.job_state(SISTER_HOSTS).setdefault(state.key, []).append(host)
        self.publish_sites()
        self.crawler.stats.inc_value("discovery/list_on_sister_host")
        self.logger.info("%s: its list of all news %s is on %s, a host of the same site: its "
                         "articles there are the site's", state.key, section, host)

    def desktop_of(self, response: TextResponse, state: disc.SiteState
                   ) -> tuple[str, str] | None:
        """(scheme://host, how it was told) of the desktop site whose mobile edition the row's
        host is (``m.``, ``mobile.``, ``touch.``, ``pda.``: archive.urls.desktop_host), by
        evidence on the row's home page: it redirected to that host (``www.`` or not), or
        names a page there its ``rel="canonical"``. Given by its mobile host, a site's items
        carried that host, so each article had another id than in a run given the main host
        (the corpus held it twice; its edits were matched with neither). A ``m.`` host of
        another registered domain, or one naming no such page, is a site of its own."""
        desktop = desktop_host(state.outlet.host)
        chain = response.meta.get("redirect_urls") or []
        if (desktop is None or not generic_rules(state.outlet) or state.landed is not None
                or (chain or [response.url])[0] != self.url_for(state.outlet, state.home_path)):
            return None
        if chain:
            where, how = response.url, "redirect"
        else:
            where, how = disc.declared_canonical(response.text, response.url) or "", "canonical"
        try:
            parts = urlsplit(where)
            host, port = ascii_host(parts.hostname or ""), parts.port
        except ValueError:  # a canonical of no host (``http://[::1``) tells nothing
            return None
        if not host or site_host(host) != site_host(desktop):
            return None
        return f"{parts.scheme}://{host}" + (f":{port}" if port else ""), how

    def move_to_desktop(self, state: disc.SiteState, base: str,
                        how: str) -> Generator[Any, None, bool]:
        """Crawl the site at its desktop host ``base``: its outlet (key, host: the items' ids
        and URLs, as a run given that host makes them, owning the mobile host as every site
        row's outlet does) and robots.txt; for a canonical, its home page too. False when
        another row gives that site: this one is left out."""
        row_url = state.row["url"]
        if not self.relocate(state, base):
            self.logger.warning("%s is the mobile edition of %s, which another row gives: "
                                "left out", row_url, base)
            self.crawler.stats.inc_value("discovery/duplicate_rows")
            return False
        self.publish_sites()
        self.crawler.stats.inc_value("discovery/mobile_edition")
        self.logger.info("%s is the mobile edition of %s (its home page %s there): the site "
                         "is crawled there, its items carry that address", row_url, base,
                         "redirects" if how == "redirect" else "names its canonical")
        if how == "canonical" and (
                request := self.discover(state, self.url_for(state.outlet, state.home_path),
                                         "home")):
            yield request
        if request := self.discover(state, self.robots_url(state), "robots"):
            yield request
        return True

    def relocate(self, state: disc.SiteState, base: str) -> bool:
        """Key the site by its desktop host ``base`` and note the move in the spider's JOBDIR
        state (a resumed session's frontier holds requests naming that key: the session must
        know it before one is answered). False when another row gives that site."""
        old = state.key
        state.landed = base
        state.outlet = outlet_from_site_row({**state.row, "url": f"{base}{state.home_path}"})
        self._resolver = None  # it resolves the site's hosts to the outlet it replaces
        if state.key == old:
            return True
        del self.sites[old]
        self.moved_keys[old] = state.key
        self.job_state(MOVED_SITES)[old] = base
        if state.key in self.sites:  # another row gives the desktop site: that row reads it
            return False
        self.sites[state.key] = state
        return True

    def add_sister_host(self, state: disc.SiteState, host: str) -> None:
        state.row = {**state.row, "sister_hosts": [*state.row.get("sister_hosts", ()), host]}
        state.outlet = outlet_from_site_row({**state.row, "url": state.final_row()["url"]})
        self._resolver = None  # it resolves the site's hosts to the outlet it replaces

    def job_state(self, entry: str) -> dict[str, Any]:
        """One entry of the spider's ``state``, which JOBDIR keeps for the session resuming
        the crawl (a plain dict of this session without JOBDIR)."""
        state = getattr(self, "state", None)
        if not isinstance(state, dict):
            state = self.state = {}
        return state.setdefault(entry, {})

    def resume_site_changes(self) -> None:
        """Move again the sites a stopped session of this crawl moved to their desktop host,
        and give them the sister hosts it took, before anything is requested: its frontier's
        requests name them by that host, and its articles on a sister host are the site's
        (the home page that told so may be read after them, or not again)."""
        changed = False
        for old, base in list(self.job_state(MOVED_SITES).items()):
            state = self.sites.get(old)
            if state is None or state.landed is not None:
                continue
            row_url = state.row["url"]
            if self.relocate(state, base):
                changed = True
                self.logger.info("%s is the mobile edition of %s (found by the stopped run "
                                 "this one resumes): the site is crawled there", row_url, base)
            else:
                self.logger.warning("%s is the mobile edition of %s, which another row gives: "
                                    "left out", row_url, base)
        for key, hosts in self.job_state(SISTER_HOSTS).items():
            if (state := self.site(key)) is None:
                continue
            for host in hosts:
                if not state.outlet.owns_host(host):
                    self.add_sister_host(state, host)
                    changed = True
        if changed:
            self.publish_sites()

    def unknown_site(self, request: scrapy.Request) -> None:
        """A discovery answer naming a site this session does not know (a bug, or a frontier
        written before its site's move was kept): said and counted, not read."""
        self.crawler.stats.inc_value("discovery/unknown_site")
        self.logger.warning("Discovery: %s names the site %r, which this run does not crawl: "
                            "not read (counted in discovery/unknown_site)", request.url,
                            request.cb_kwargs.get("key"))

    def editions(self, state: disc.SiteState, urls: list[str]) -> Iterator[Any]:
        """The home pages of the site's other language editions (on its own hosts), each read
        as a home page: its feeds, its links."""
        for url in urls:
            if state.outlet.owns_host(urlsplit(url).hostname or "") and (
                    request := self.discover(state, url, "home", edition=True)):
                self.crawler.stats.inc_value("discovery/language_editions")
                yield request

    def on_robots(self, response: Response, state: disc.SiteState) -> Iterator[Any]:
        yield from self.sitemap_requests(state, disc.robots_sitemaps(
            response.body, response.url, self.robots_line(response.url)), fetch_time(response))

    def robots_line(self, robots: str) -> disc.Resolve:
        """A robots.txt's ``Sitemap:`` line made absolute, None when it is no URL: counted in
        ``discovery/robots/no_url`` and the first said, as a feed's entry is (it was dropped
        without a word)."""
        return partial(self.entry_url, robots, step="robots")

    def row_urls(self, state: disc.SiteState, given: tuple[str, ...]) -> list[str]:
        """A row's feeds or sitemaps (paths on its site, or addresses) as URLs."""
        return [self.url_for(state.outlet, p) if p.startswith("/") else p for p in given]

    def sitemap_requests(self, state: disc.SiteState, listed: list[str], now: datetime
                         ) -> Iterator[Any]:
        """The row's sitemaps and those robots.txt lists, chosen and bounded as an index's
        children (a robots.txt may name hundreds), or the common paths when none is named;
        ``now``: when robots.txt was fetched."""
        listed = [*self.row_urls(state, state.outlet.discovery.sitemaps), *listed]
        if listed:
            yield from self.child_sitemaps(state, self.robots_url(state),
                                           [(url, None) for url in listed], -1, now)
            return
        for url in self.well_known(state, disc.COMMON_SITEMAP_PATHS):
            yield self.discover(state, url, "sitemap", depth=0, guessed=True)

    def well_known(self, state: disc.SiteState, paths: tuple[str, ...],
                   home_path: str | None = None) -> list[str]:
        """Common feed or sitemap paths: under the home page's folder when the site lives in
        one (``/news/feed``; ``home_path``: where the home page was read, when it moved), and
        at the host root."""
        return [self.url_for(state.outlet, p) for p in disc.well_known_paths(
            paths, home_path or state.home_path)]

    def on_feed(self, response: Response, state: disc.SiteState,
                guessed: bool = False) -> Iterator[Any]:
        """A feed's entries, up to FEED_MAX_ENTRIES, as candidates. A common path tried
        (``guessed``) that answers with an HTML page is said at INFO: a site answering every
        address with its home page gave a warning for each of the 14 paths tried."""
        entries, skips, bound = 0, FeedSkips(), self.feed_max_entries()
        offsite: Counter[str] = Counter()  # entries on other hosts, by host
        now = fetch_time(response)  # a replay's capture time: its entries' days judged as then
        for entry in feed_entries(response.body, skips, now, content_type_of(response),
                                  self.own_link(state.outlet, response.url)):
            if entries >= bound:
                self.note_feed_cut(response.url, bound)
                break
            entries += 1
            if turn_due(entries):
                yield TURN
            state.channel_offsets.update(disc.offsets_of([entry.published]))
            if (url := self.entry_url(response.url, entry.url, "feed")) is None:
                continue
            url, at_root = self.feed_link(state.outlet, response.url, entry.url, url)
            if self.refused(state.outlet, url, "page", response.url):
                continue
            if self.outlet_of(url) is not state.outlet:
                offsite[urlsplit(url).hostname or url] += 1
            yield from self.candidate(state, disc.Candidate(
                url, entry.published, None, "feed", entry.title, response.url, at_root, now))
        self.crawler.stats.inc_value("discovery/feed_entries", entries)
        self.note_feed_skips(response.url, skips, entries)
        if offsite:
            self.note_offsite_entries(state, response.url, entries, offsite)
        if not entries and document_element(response.body) == "html":
            self.crawler.stats.inc_value("discovery/feed/not_a_feed")
            (self.logger.info if guessed else self.logger.warning)(
                "Discovery: the feed %s answered %d with an HTML page, not a feed: no entries "
                "read from it", response.url, response.status)

    def note_offsite_entries(self, state: disc.SiteState, feed: str, entries: int,
                             offsite: Counter[str]) -> None:
        """Count a feed's entries on other hosts; say which hosts, loudly when they are most
        of the feed (a site that moved, whose CMS still writes its old address into the
        feed, lost every article without a word)."""
        total = sum(offsite.values())
        self.crawler.stats.inc_value("discovery/feed_offsite_entries", total)
        hosts = ", ".join(host for host, _ in offsite.most_common(3))
        log = self.logger.warning if 2 * total >= entries else self.logger.info
        log("%s: the feed %s links %d of its %d entries on other hosts (%s): not read as this "
            "site's articles (if the site moved from there, add the host to the row's "
            "aliases)", state.key, feed, total, entries, hosts)

    def on_sitemap(self, response: Response, state: disc.SiteState, depth: int,
                   guessed: bool = False) -> Iterator[Any]:
        """An XML sitemap or index (gzipped or not), else a plain-text sitemap (one URL a
        line, no dates: its candidates are undated); a common path tried (``guessed``)
        answering with an HTML page is said at INFO, as a feed's (:meth:`on_feed`)."""
        now = fetch_time(response)  # a replay's capture time: its recent days are the crawl's
        recent = now - timedelta(days=self.limits["recent_days"])
        document, unreadable = gunzipped_document(response.body)
        if unreadable is not None:
            self.crawler.stats.inc_value("discovery/sitemap/unreadable")
            self.logger.warning("Discovery: the sitemap %s was not read: %s", response.url,
                                unreadable)
            return
        children: list[tuple[str, datetime | None]] = []
        records, bound = 0, self.sitemap_max_entries()
        stops, on_stop = xml_stops(document)
        damages, on_damage = xml_damages(on_stop)
        for record in disc.sitemap_records(document, fetch_time(response), on_stop, on_damage):
            if records >= bound:
                self.note_sitemap_cut(response.url, bound)
                break
            records += 1
            if turn_due(records):
                yield TURN
            if (url := self.entry_url(response.url, record.loc, "sitemap")) is None:
                continue
            if record.published is not None:
                state.channel_offsets.update(disc.offsets_of([record.published]))
            if self.refused(state.outlet, url, "sitemap" if record.kind == "sitemap" else "page",
                            response.url):
                continue
            if record.kind == "sitemap":
                children.append((url, record.published))
                continue
            yield from self.sitemap_candidate(state, disc.Candidate(
                url, record.published, disc.url_day(url, now),
                "news_sitemap" if record.news else "sitemap", record.title, response.url,
                seen=now), recent)
        yield from self.child_sitemaps(state, response.url, children, depth, now)
        if stops:
            self.note_unread("sitemap", response.url, stops[0], records)
        elif damages:
            self.note_malformed("sitemap", response.url, damages[0], records)
        if records:
            return
        text = TextSitemap()
        for url in self.text_sitemap_urls(state.outlet, response.url, document, text, bound):
            if url is TURN:
                yield TURN
            else:
                yield from self.sitemap_candidate(
                    state, disc.Candidate(url, None, disc.url_day(url, now), "sitemap", seen=now),
                    recent)
        if not text.urls and document_element(document) == "html":
            self.crawler.stats.inc_value("discovery/sitemap/not_a_sitemap")
            (self.logger.info if guessed else self.logger.warning)(
                "Discovery: the sitemap %s answered %d with an HTML page, not a sitemap: no "
                "URLs read from it", response.url, response.status)

    def sitemap_candidate(self, state: disc.SiteState, found: disc.Candidate,
                          recent: datetime) -> Iterator[Any]:
        """A sitemap's URL entry as a candidate; a "what is new" run takes news entries and
        those changed (``lastmod``) or, undated, dated by their URL in the recent days (or
        after today: the page is judged by its own date) only: a sitemap lists the whole site."""
        self.crawler.stats.inc_value("discovery/sitemap_entries")
        if not self.backfill and found.channel != "news_sitemap" and not (
                _newer(found.published, recent) if found.published is not None
                else disc.url_dated_since(found.url, recent.date())):
            return
        yield from self.candidate(state, found)

    def child_sitemaps(self, state: disc.SiteState, index: str,
                       children: list[tuple[str, datetime | None]], depth: int,
                       now: datetime) -> Iterator[Any]:
        """The children of a sitemap index worth fetching, the site's own before other hosts',
        then those most likely to hold the window's articles (:func:`disc.child_sitemap_order`),
        within the bounds (``depth`` -1: the sitemaps robots.txt lists; they take at most half
        the bound, the rest is left for the children of the indexes among them); ``now``: when
        the index was fetched."""
        children = [(url, lastmod) for url, lastmod in children
                    if not self.refused(state.outlet, url, "sitemap", index)]
        if not children or self.sitemap_too_deep(state.key, index, len(children), depth):
            return
        stats = self.crawler.stats
        since, until = self.sitemap_window(now)
        ranked = []
        for number, (url, lastmod) in enumerate(children):
            if url in state.requested:
                continue
            order = disc.child_sitemap_order(url, lastmod, since, until, now)
            if order is None:
                stats.inc_value("discovery/sitemap_outside_window")
            else:  # the site's own first: 30 a CDN's ahead in robots.txt crowded it out
                ranked.append((self.outlet_of(url) is not state.outlet, order, number, url))
        ranked.sort()
        most = self.max_sitemaps()
        room, bound = max(most - state.sitemaps_requested, 0), f"SITE_MAX_SITEMAPS={most}"
        if depth < 0 and (half := max(most // 2, 1)) < room:
            room = half
            bound = f"half of SITE_MAX_SITEMAPS ({half} of {most}), for robots.txt's sitemaps,"
        for *_, url in ranked[:room]:
            yield self.discover(state, url, "sitemap", depth=depth + 1)
        if len(ranked) > room:
            self.note_sitemaps_over(state.key, index, len(ranked) - room, bound,
                                    "those least likely to hold the window's articles")

    def sitemap_window(self, now: datetime) -> tuple[date, date]:
        """The days a child sitemap must be able to hold: the window, else the recent days
        before ``now`` (when its index was fetched)."""
        today = now.astimezone(UTC).date()
        if self.backfill:
            assert self.since is not None
            return self.since, self.until or today
        return today - timedelta(days=self.limits["recent_days"]), today

    def on_archive(self, response: Response, state: disc.SiteState, day: str, page: int,
                   seen: frozenset[str] = frozenset()) -> Iterator[Any]:
        """One page of a day archive: that day's article links become candidates, and the walk
        goes on by the listings' stop rules (``stop_reason``; ``seen``: its earlier links)."""
        wanted, now = date.fromisoformat(day), fetch_time(response)
        tree = parse_page(response.text)
        links = disc.page_links(tree, response.url, response.encoding)
        self.note_offsite_base(state, tree, response.url)
        listing = ListingPage([ListingLink(u, wanted) for u in links
                               if disc.url_day(u, now) == wanted
                               and not disc.date_archive_url(u)],  # its own pager's links
                              next_href=disc.next_page_link(tree, links, response.url, page))
        new = [link for link in listing.links if link.url not in seen]
        for link in new:
            yield from self.candidate(state, disc.Candidate(link.url, None, wanted, "archive",
                                                            seen=now))
        reason = stop_reason(listing, new, page, self.limits["max_archive_pages"], None)
        if reason is None and listing.next_href:
            yield self.discover(state, listing.next_href, "archive", day=day, page=page + 1,
                                seen=seen | {link.url for link in new})
        else:
            self.crawler.stats.inc_value(f"discovery/archive_stop/{reason or 'last_page'}")

    def candidate(self, state: disc.SiteState, found: disc.Candidate) -> Iterator[Any]:
        outlet = state.outlet
        if self.refused(outlet, found.url, "page", f"a {found.channel} page of {state.key}"):
            return
        if self.outlet_of(found.url) is not outlet or not self.is_article_url(outlet, found.url):
            self.crawler.stats.inc_value("discovery/not_article")
            return
        key = self.article_key(outlet, found.url)
        self.note_source_date(state, found)
        if found.source in state.untrusted:  # a late entry of a source whose dates proved wrong
            found = replace(found, published=None)
        gap = self.window_gap(found)
        if self.backfill and gap is not None and gap[1] and key not in state.candidates:
            self.crawler.stats.inc_value("discovery/out_of_window_links")
            if found.channel in disc.PUBLICATION_DATED and found.source \
                    and len(state.ruled_out) < self.limits["max_urls"]:
                state.ruled_out.append(found)  # back should its source's dates prove wrong
            return  # its date rules the window out: it must not take a place under the bound
        dropped, new = state.over_limit, key not in state.candidates
        held = state.add(found, key, self.limits["max_urls"], disc.closeness(gap))
        if state.over_limit > dropped:
            self.note_over_limit(state)
        if not held:
            return
        if self.released:  # found after the article requests went out (a late answer)
            if new:  # another spelling of a requested article is no second request
                self.crawler.stats.inc_value("discovery/late_candidates")
                yield from self.request_candidate(state, found)
            return
        if self.sample_worthy(found, outlet) and (request := self.sample(state, found, key)):
            yield request

    @staticmethod
    def note_source_date(state: disc.SiteState, found: disc.Candidate) -> None:
        """Count the publication date a feed or news sitemap gave (``judge_source_dates``)."""
        if found.source and found.published is not None \
                and found.channel in disc.PUBLICATION_DATED:
            state.source_dates.setdefault(found.source, Counter())[found.published] += 1

    def source_date_samples(self, state: disc.SiteState) -> list[scrapy.Request]:
        """Judge the sources' dates (``judge_source_dates``), then zone samples among the
        entries of those found wrong: their dates had kept them from being read for the
        zone (a feed dated days after the window left the site in its feed's UTC)."""
        wrong = self.judge_source_dates(state)
        return [request for key, found in list(state.candidates.items())
                if found.source in wrong and (request := self.sample(state, found, key))]

    def judge_source_dates(self, state: disc.SiteState) -> set[str]:
        """Stop trusting a feed's or news sitemap's dates for the window when they prove no
        publication dates: one instant for every entry (the build time), or most pages read
        printing another date than the one it gave them. Its entries are then fetched and
        judged by their pages, and that is said: trusted, they kept the window's articles
        out without a word. Returns those sources."""
        wrong = self.wrong_date_sources(state)
        for source, reason in wrong.items():
            channel = next((f.channel for f in [*state.candidates.values(), *state.ruled_out]
                            if f.source == source), "feed")
            held = state.undate(source, lambda f: disc.closeness(self.window_gap(f)),
                                lambda url: self.article_key(state.outlet, url),
                                self.limits["max_urls"])
            self.crawler.stats.inc_value(f"discovery/{channel}/dates_untrusted")
            # (its entries found first through another source are that source's candidates)
            self.logger.warning(
                "%s: the dates %s gives are not its articles' publication dates (%s): the %d "
                "entries it dated are dated by their pages (%d of them its own candidates to "
                "fetch; counted in discovery/%s/dates_untrusted)", state.key, source, reason,
                sum(state.source_dates.get(source, Counter()).values()), held, channel)
        return set(wrong)

    def wrong_date_sources(self, state: disc.SiteState) -> dict[str, str]:
        """The sources whose dates the evidence refutes, each with why."""
        wrong = {source: f"all its {sum(given.values())} entries are dated {min(given)}"
                 for source, given in state.source_dates.items()
                 if source not in state.untrusted and disc.one_instant(given)}
        tz = ZoneInfo(state.zone())  # not settled yet: the zone the pages read vote for
        votes: dict[str, list[bool]] = {}
        for key, printed in state.sample_dates.items():
            found = state.candidates.get(key)
            if found is None or found.source in (None, *state.untrusted) \
                    or found.published is None \
                    or found.channel not in disc.PUBLICATION_DATED:
                continue
            votes.setdefault(found.source, []).append(
                disc.dates_disagree(printed, found.published, tz))
        for source, said in votes.items():
            if source not in wrong and sum(said) >= disc.MIN_DISAGREEING \
                    and 2 * sum(said) > len(said):
                wrong[source] = (f"{sum(said)} of the {len(said)} pages read print another "
                                 "date than it gave them")
        return wrong

    def window_gap(self, found: disc.Candidate) -> tuple[int, bool] | None:
        """:func:`disc.window_gap` against this run's window (without one: today, so the
        newest candidates are the closest). Today is the day the page naming the candidate
        was fetched (a replay's capture), the clock's without one."""
        today = (found.seen or datetime.now(UTC)).astimezone(UTC).date()
        return disc.window_gap(found, self.since or today, self.until or today)

    def note_over_limit(self, state: disc.SiteState) -> None:
        """Count a candidate dropped at ``SITE_MAX_URLS``. Said once per site, at the release
        with what the bound kept (:meth:`note_bound`); a first drop after it, on its own."""
        self.crawler.stats.inc_value("discovery/over_limit")
        if self.released and not state.bound_said:
            state.bound_said = True
            self.logger.warning("%s: %s", state.key, self.over_limit_text(state))

    def over_limit_text(self, state: disc.SiteState) -> str:
        return (f"more candidate article URLs than SITE_MAX_URLS={self.limits['max_urls']}: "
                f"the ones closest to the window are kept, {state.over_limit} others dropped "
                "(undated ones before dated ones; counted in discovery/over_limit)")

    def near_window(self, found: disc.Candidate, outlet: Outlet) -> bool:
        """In the window give or take a day (the zone is not known yet)."""
        moment = found.moment()
        if moment is None or not self.backfill:
            return True
        day = moment.date() if isinstance(moment, datetime) else moment
        return any(self.in_window(day + timedelta(days=d), outlet) for d in (-1, 0, 1))

    # --- once discovery is done ---------------------------------------------------------------
    def release(self, ask_again: bool = False,
                carrier: scrapy.Request | None = None) -> Iterator[Any]:
        """Settle each site's zone and name, then request its articles in the window (after
        one more round of zone samples when a site's only candidates are home-page links),
        and read the article pages held for it (``ask_again``: :meth:`held_pages`), in the
        callback of ``carrier``'s answer."""
        if self.released:
            return
        # rounds of requests before the release, each once: zone samples among the entries of
        # feeds whose dates proved wrong, the home pages' paged lists, then zone samples among
        # home-page links
        for done, make in (("dates_judged", self.source_date_samples),
                           ("listings_walked", self.home_listings),
                           ("zone_round", self.home_link_samples)):
            if not getattr(self, done):
                setattr(self, done, True)
                extra = [r for state in self.sites.values() for r in make(state)]
                if extra:
                    yield from extra
                    return
        self.released = True
        for state in self.sites.values():
            if generic_rules(state.outlet):
                state.settle()
        self._resolver = None  # it resolved URLs to the outlets before they settled
        self.publish_sites()
        for state in self.sites.values():
            outlet = state.outlet
            self.logger.info("%s: time zone %s, %d candidate URLs", outlet.key, outlet.timezone,
                             len(state.candidates))
            if state.candidates and state.zone_guessed():
                self.crawler.stats.inc_value("discovery/zone_guessed")
                self.logger.warning(
                    "%s: time zone UTC for want of any other: no date of its pages, feeds or "
                    "sitemaps carries a local offset and its domain names no one zone; dates "
                    "printed without an offset are read as UTC (give the row a timezone, "
                    "e.g. Europe/Moscow)", outlet.key)
            if not state.candidates:
                self.crawler.stats.inc_value("discovery/sites_without_candidates")
                if state.home_read:
                    self.logger.warning(
                        "%s: no article link found: no feed or sitemap entry, and no link of "
                        "its home page reads as an article (a headline slug, a numeric id, a "
                        "date, a headline linking a short id); check the address", outlet.key)
                else:  # nothing read to judge: an alarm, not a quiet empty run
                    self.crawler.stats.set_value(f"{SITE_UNREAD_PREFIX}{outlet.key}", 1)
                    self.logger.error(
                        "%s: no article link found, and its home page was never read (it "
                        "failed, was refused, or moved to another host: see the log above); "
                        "check the address", outlet.key)
            self.crawler.stats.set_value(f"discovery/{outlet.key}/timezone", outlet.timezone)
            chosen = state.chosen(self.since if self.backfill else None)
            state.home_only = self.backfill and any(c.channel == "home" for _, c, _ in chosen)
            self.note_bound(state, chosen)
            for key, found, priority in chosen:
                if key not in state.sampled:
                    yield from self.request_candidate(state, found, priority)
            if ask_again:
                yield from self.samples_asked_again(state)
            else:
                for response in state.samples:
                    self.date_sample(state, response)
                    yield from self.sample_article(state, response)
            yield from self.held_pages(state, ask_again, carrier)
            state.samples.clear()
            state.sampled.clear()
            state.failed_samples.clear()

    def samples_asked_again(self, state: disc.SiteState) -> Iterator[scrapy.Request]:
        """The idle release's zone samples (it can hand the engine requests only, no item):
        each asked for again as the article request it would have been, the answered ones
        (their items were read from the answer and lost) and the ones whose answer never came
        (no candidate request is made for a sampled key). Those that were no article page
        (``failed_samples``: a dead link, a challenge, a soft 404) are not asked again."""
        for key, url in state.sampled.items():
            if key not in state.failed_samples:
                for request in self.article_request(state.outlet, url,
                                                    now=self.seen_at(state, url)):
                    yield request.replace(dont_filter=True)

    def sample_article(self, state: disc.SiteState, response: Response) -> Iterator[Any]:
        """A zone sample read as the article it was asked for, now that discovery is done,
        after the checks its answer skipped as a discovery answer (crawler.spidermiddlewares.
        removals): a known article redirected off to no article is a removal, another such
        redirect a failed fetch, and a 200 may be a soft 404 (crawler.softremovals)."""
        checks = getattr(self.crawler, "removal_checks", None)
        if checks is not None:
            response.meta["article"] = True
            try:
                checks.judge(response)
            except ArticleRemoved:
                return
            except RedirectedElsewhere as exc:
                failure = Failure(exc)
                failure.request = response.request  # type: ignore[attr-defined]  # as Scrapy's
                yield from self.article_failed(failure)
                return
        yield from self.read_late(state, response)

    def read_late(self, state: disc.SiteState, response: Response) -> Iterator[Any]:
        """An article page read after its answer came, in another answer's callback: its
        article carries the candidate removal its own answer was found to hold
        (crawler.spidermiddlewares.removals), which that callback's answer does not."""
        candidate = response.meta.get(CANDIDATE_ATTR)
        for obj in self.parse_article(response, state.key):
            yield with_candidate(obj, candidate)

    def hold(self, state: disc.SiteState, response: Response) -> bool:
        """Hold an article answer that came while discovery is under way (the article
        requests a stopped session left in the JOBDIR frontier, or a distributed run's queue
        gives, re-checks of old articles): read now, its page's times would be read in a zone
        not settled yet (UTC), so it is read at the release, as the zone samples are. Its
        request stays leased in the run's frontier (:func:`run_scheduler`: the JOBDIR's, or
        Redis' in a distributed run) until it is read: a session or worker stopped before its
        release leaves it for the next (the resumed session, or any worker of the run: its
        lease goes back to the shared queue). Released as finished, as a distributed worker's
        were, it was lost for the run: the run's dupefilter had seen it, no worker asked for
        it again. Once read (:meth:`held_pages`) its lease goes as a finished request's, so
        it is not fetched again, nor keeps a distributed run from ending.
        False when the zone is settled, or SITE_MAX_HELD answers are held (read at once)."""
        if self.released or not generic_rules(state.outlet):
            return False
        if self.held_count() >= self.limits["max_held"]:
            self.note_held_over_limit(response.url)
            return False
        state.held.append(response)
        self.crawler.stats.inc_value("articles/held")
        if (scheduler := run_scheduler(self.crawler)) is not None:
            scheduler.keep_unfinished(response.request)
        return True

    def held_count(self) -> int:
        return sum(len(state.held) for state in self.sites.values())

    def note_held_over_limit(self, url: str) -> None:
        """Count an article answer read at once at the SITE_MAX_HELD bound, in the zone known
        before the release (memory holds the held pages whole); said once a run."""
        stats = self.crawler.stats
        if not stats.get_value("articles/held_over_limit"):
            self.logger.warning(
                "%d article pages answered before discovery settled the sites' zones are held "
                "(SITE_MAX_HELD): %s and any further one are read at once, in the zone known "
                "so far (counted in articles/held_over_limit)", self.limits["max_held"], url)
        stats.inc_value("articles/held_over_limit")

    def held_pages(self, state: disc.SiteState, ask_again: bool,
                   carrier: scrapy.Request | None = None) -> Iterator[Any]:
        """The article answers held for the zone (:meth:`hold`), read now that it is settled,
        in the callback of ``carrier``'s answer; ``ask_again`` (the idle release, which can
        hand over no item): asked for again. Either way the lease :meth:`hold` kept is let
        go, released once the engine has finished with ``carrier`` too (the items read from
        it exported) or, asked again, once the request asked is queued."""
        held, state.held = state.held, []
        scheduler = run_scheduler(self.crawler)
        for response in held:
            request = response.request
            if ask_again:
                yield self.asked_again(request, asked_url(request)).replace(dont_filter=True)
            else:
                yield from self.read_late(state, response)
            if scheduler is not None:
                scheduler.release_kept(request, carrier)

    def note_held_unread(self) -> None:
        """Say the article answers held for a release that never came (the run stopped during
        discovery): not read, their requests stay leased in the run's frontier (:meth:`hold`)
        for its next session or worker; without one, the next run asks for them again."""
        if unread := self.held_count():
            self.crawler.stats.inc_value("articles/held_unread", unread)
            self.logger.warning("%d article pages held until discovery settled the sites' "
                                "zones were not read: the run stopped first (its frontier "
                                "keeps them for its next session or worker; without JOBDIR or "
                                "Redis, the next run asks for them again)", unread)

    @staticmethod
    def date_sample(state: disc.SiteState, response: Response) -> None:
        """Give a zone sample the date hint an article request has: its feed's (or news
        sitemap's) date, else its URL's day, in the zone the samples decided. Asked before
        the zone was known, it had no feed date, and a page printing no date of its own then
        had none (left out of a window run, ``null`` otherwise) or its URL's midnight."""
        found = state.candidates.get(response.meta.get(SAMPLE_OF, ""))
        outlet = state.outlet
        if found is not None and found.published is not None \
                and found.channel in disc.PUBLICATION_DATED:
            response.meta[META_HINT_PUBLISHED] = iso(localise(found.published, outlet.tz))
        elif (day := outlet.discovery.date_in_url(response.request.url,
                                                  fetch_time(response))) is not None:
            response.meta[META_HINT_PUBLISHED] = iso(datetime.combine(day, time(),
                                                                      tzinfo=outlet.tz))

    def note_bound(self, state: disc.SiteState,
                   chosen: list[tuple[str, disc.Candidate, int]]) -> None:
        """One line a site on what ``SITE_MAX_URLS`` did: how many candidates it dropped (a
        warning) and, in a window run, how many of those kept nothing dates (a sitemap of the
        whole site without ``lastmod``): only fetching each tells whether it is in the window,
        so the bound is what limits them (dated ones are kept first, the undated in the order
        they were listed)."""
        undated = sum(found.moment() is None for _, found, _ in chosen) if self.backfill else 0
        if undated:
            self.crawler.stats.inc_value("discovery/undated_candidates", undated)
        dates = (f"{undated} of the {len(chosen)} candidate URLs carry no date (no lastmod, no "
                 "date in the URL): each is fetched to learn whether it is in the window")
        if state.over_limit and not state.bound_said:
            state.bound_said = True
            self.logger.warning("%s: %s%s", state.key, self.over_limit_text(state),
                                f"; {dates}" if undated else "")
        elif undated:
            self.logger.info("%s: %s", state.key, dates)

    def home_listings(self, state: disc.SiteState) -> list[scrapy.Request]:
        """The second pages of the home pages' paged article lists (``rel="next"``,
        ``/page/2/``, ``?page=2``, ``?PAGEN_1=2``), for a window of a site whose articles come
        from its home page only (no feed, sitemap or archive holds them, or its feeds do not
        reach back to the window: ``SiteState.reach_back``): the first page shows the newest
        only. A home page with no pager that links its list of all news ("Все новости":
        ``SiteState.sections``) has that list walked from its first page."""
        if not self.backfill or any(c.channel != "home" for c in state.candidates.values()) \
                and state.reach_back(self.since):
            return []
        seen = frozenset(state.candidates)
        walks = [(url, {"page": 2, "prior": state.listing_days.get(url)})
                 for url in state.listings]
        walks += [(url, {"page": 1, "section": True}) for url in state.sections]
        return [request for url, where in walks
                if (request := self.discover(state, url, "listing", seen=seen, **where))]

    def on_listing(self, response: Response, state: disc.SiteState, page: int,
                   seen: frozenset[str], prior: str | None = None,
                   ascending: bool = False, section: bool = False) -> Iterator[Any]:
        """One more page of a home page's list: its article links become home candidates, and
        the walk goes on by the listings' stop rules (``SITE_MAX_ARCHIVE_PAGES`` pages). A
        list whose page comes after the previous one in time (``prior``: that page's day
        span) goes oldest first (``ascending``): pages before the window do not end it, the
        first page after the window does (``newer_than_window``). A list of all news
        (``section``) goes on past a first page that repeats the home page's links."""
        tree = parse_page(response.text)
        links = disc.page_links(tree, response.url, response.encoding)
        self.note_offsite_base(state, tree, response.url)
        keys = {u: self.article_key(state.outlet, u)
                for u in disc.article_links(tree, links, response.url, response.encoding,
                                            state.outlet.keep_query)}
        now = fetch_time(response)  # a replay's capture time: a URL's day judged as then
        listing = ListingPage([ListingLink(u, disc.url_day(u, now)) for u in keys],
                              next_href=disc.next_page_link(tree, links, response.url, page))
        new = [link for link in listing.links if keys[link.url] not in seen]
        for link in new:
            yield from self.candidate(state, disc.Candidate(link.url, None, link.day, "home",
                                                            seen=now))
        span = disc.day_span(keys, now)
        ascending = ascending or disc.after_span(span, prior)
        reason = stop_reason(listing, listing.links if section and page == 1 else new, page,
                             self.limits["max_archive_pages"], None if ascending else self.since)
        if reason is None and ascending and self.after_window(listing, state.outlet, now):
            reason = "newer_than_window"
        if reason is None and listing.next_href:
            yield self.discover(state, listing.next_href, "listing", page=page + 1,
                                seen=seen | {keys[link.url] for link in new}, prior=span,
                                ascending=ascending)
        else:
            state.listing_stop = reason or "last_page"
            self.crawler.stats.inc_value(f"discovery/listing_stop/{state.listing_stop}")
            if reason == "max_pages":
                self.logger.warning("%s: the home page's list was read for %d pages "
                                    "(SITE_MAX_ARCHIVE_PAGES): %s articles not found",
                                    state.key, page, "newer" if ascending else "older")

    def after_window(self, listing: ListingPage, outlet: Outlet, now: datetime) -> bool:
        """Every link of the page is dated after the window (in a list oldest first, the
        pages after it are newer still); without an end, after the day of ``now`` (when the
        page was fetched) in the site's zone (its URLs carry its days: in Minsk at 01:00 UTC's
        yesterday is no longer today)."""
        until = self.until or now.astimezone(outlet.tz).date()
        return bool(listing.links) and all(link.day is not None and link.day > until
                                           for link in listing.links)

    def home_link_samples(self, state: disc.SiteState) -> list[scrapy.Request]:
        """Zone samples among the home-page links a site's articles are read from, when
        nothing sampled (no sample was an article page) or printed a date with an offset
        yet: discovery samples only announced candidates (a home link may be a rubric), so
        a site with no feed, sitemap or archive would otherwise be read in UTC."""
        if state.zone_given or state.samples_counted or state.page_offsets:
            return []
        return [request for key, found, _ in state.chosen(self.since if self.backfill else None)
                if found.channel == "home" and self.sample_worthy(found, state.outlet, home=True)
                and (request := self.sample(state, found, key))]

    def request_candidate(self, state: disc.SiteState, found: disc.Candidate,
                          priority: int = 0) -> Iterator[Any]:
        """The article request of a candidate whose date may fall in the window (``priority``:
        the closer to it, the sooner it is fetched)."""
        if self.may_be_in_window(found, state.outlet):
            hint = found.published if found.channel in disc.PUBLICATION_DATED else None
            at_root = link_at_root(found.at_root, found.source)
            for request in self.article_request(state.outlet, found.url, hint, found.title,
                                                now=found.seen):
                request.meta.update(at_root)
                yield request.replace(priority=priority) if priority else request

    def seen_at(self, state: disc.SiteState, url: str) -> datetime | None:
        """When the page naming ``url`` as a candidate was fetched (None: not a candidate)."""
        found = state.candidates.get(self.article_key(state.outlet, url))
        return found.seen if found is not None else None

    def may_be_in_window(self, found: disc.Candidate, outlet: Outlet) -> bool:
        """A publication date must fall in the window; a sitemap's ``lastmod`` (a change, at
        or after publication) only must not fall before it."""
        if found.channel in disc.PUBLICATION_DATED or found.published is None or not self.backfill:
            return self.in_window(found.moment(), outlet)
        if found.day is not None:  # the day in its URL is the day it was published
            return self.in_window(found.day, outlet)
        assert self.since is not None
        moment = found.published
        return (moment.astimezone(outlet.tz) if moment.tzinfo else moment).date() >= self.since

    # --- articles: one item per article ----------------------------------------------------------
    def spelled_before(self, outlet: Outlet, url: str) -> bool:
        """Never here: discovery keeps one spelling per article (``article_key``) and an alias
        names its canonical, which may differ by the trailing slash alone."""
        return False

    def article_request(self, outlet: Outlet, url: str, published: datetime | None = None,
                        title: str | None = None, *, now: datetime | None = None
                        ) -> Iterator[scrapy.Request]:
        """The base request, remembered by canonical URL (so an alias never requests again a
        page that was already requested)."""
        for request in super().article_request(outlet, url, published, title, now=now):
            self.article_keys.add(self.request_key(outlet, url))
            yield request

    # a zone sample's other spelling is a sample of the same run; a frame's, an alias's
    # canonical's, the page it stands for
    spelling_meta = (*OutletSpider.spelling_meta, DISCOVERY_RUN, CANONICAL_OF,
                     CANONICAL_OF_FETCHED_AT, FRAME_OF, FRAME_DEPTH, SAMPLE_OF)

    def request_outlet(self, request: scrapy.Request) -> Outlet | None:
        """A zone sample names its site (``key``), an article request its outlet."""
        state = self.site(request.cb_kwargs.get("key", ""))
        return state.outlet if state is not None else super().request_outlet(request)

    def spelling_left_out(self, failed: scrapy.Request) -> Iterator[scrapy.Request]:
        """The base request, remembered by canonical URL (as :meth:`article_request`); none
        for a canonical whose other spelling is its alias: that page was fetched already (the
        duplicate filter dropped the request, and the article with it), and is read as the
        article by :meth:`article_failed`."""
        if not self.names_its_alias(failed):
            yield from self.remembered(failed, super().spelling_left_out(failed))

    def feed_link_at_root(self, failed: scrapy.Request) -> Iterator[scrapy.Request]:
        """The base request, remembered by canonical URL (as :meth:`article_request`)."""
        yield from self.remembered(failed, super().feed_link_at_root(failed))

    def remembered(self, failed: scrapy.Request,
                   requests: Iterable[scrapy.Request]) -> Iterator[scrapy.Request]:
        """``requests``, asked for in place of ``failed``, each remembered by canonical URL
        (as :meth:`article_request`: an alias never requests its page again)."""
        for request in requests:
            if (outlet := self.request_outlet(failed)) is not None:
                self.article_keys.add(self.request_key(outlet, request.url))
            yield request

    def names_its_alias(self, failed: scrapy.Request) -> bool:
        """Whether ``failed``, a canonical's request, differs from its alias's URL by the
        path's trailing slash alone (``/news/slug`` named by ``/news/slug/``)."""
        alias, outlet = failed.meta.get(CANONICAL_OF), self.request_outlet(failed)
        if not alias or outlet is None:
            return False
        other = other_spelling(canonical_url(asked_url(failed), outlet))
        return other is not None and self.request_key(outlet, other) == self.request_key(
            outlet, alias)

    def parse_article(self, response: Response, outlet_key: str) -> Iterator[Any]:
        """The page, unless it names another page of the site as its ``rel="canonical"``: then
        that page is the article (requested unless it already was), this one an alias, so
        one article reached by several URLs (feed, sitemap, old links) makes one item. A
        frameset's article is its frame's page (:meth:`framed_article`), up to
        MAX_FRAME_DEPTH framesets deep. One answered before the release waits for it
        (:meth:`hold`)."""
        state = self.site(outlet_key)
        if state is not None and self.hold(state, response):
            return
        if state is not None and state.machine_dates.template:
            response.meta[META_TEMPLATE_DATES] = state.machine_dates.isoformats()
        if state is not None and (frames := self.frames_of(response, state.outlet)):
            if frame_depth(response) >= MAX_FRAME_DEPTH:
                self.frameset_in_frame(response, frames)
            else:
                yield from self.framed_article(response, state, frames)
            return
        declared = self.canonical_elsewhere(response, state.outlet) if state else None
        if declared is not None and self.canonical_loop(state.outlet, response.url, declared):
            declared = None  # its canonical names it back: it makes its own item
        if declared is None:
            if state is not None:
                self.answered_at(state.outlet, response)
            yield from super().parse_article(response, outlet_key)
            return
        assert state is not None
        self.crawler.stats.inc_value("articles/alias_of_canonical")
        note_extracted(self.crawler, response.url, NotAnArticle("alias", response.url))
        self.logger.info("%s names %s as its canonical URL: that page makes the item",
                         response.url, declared)
        yield from self.stood_for(response, state, [declared])
        seen = AliasSeen(response.url, declared, disc.page_story(response.body,
                                                                  content_type(response)),
                         response.meta.get(META_HINT_PUBLISHED),
                         response.meta.get(META_FEED_TITLE), fetch_time(response))
        key = self.request_key(state.outlet, declared)
        if key in self.stories:
            yield from self.weigh_alias(state.outlet, seen, self.stories[key])
        else:
            self.aliases_waiting.setdefault(key, []).append(seen)
            if len(self.aliases_waiting) > MAX_STORIES:
                self.aliases_waiting.popitem(last=False)

    def canonical_loop(self, outlet: Outlet, url: str, declared: str) -> bool:
        """Whether the canonical a page names leads back to it through the canonicals pages
        met so far name (two articles naming each other: each deferred to the other, and both
        were lost with an INFO line). Said and counted (``articles/canonical_loop``); else the
        page's own canonical is remembered."""
        here, there = (self.request_key(outlet, u) for u in (url, declared))
        step, seen = there, 0
        while step in self.canonical_named and seen < MAX_CANONICAL_HOPS:
            step, seen = self.canonical_named[step], seen + 1
            if step == here:
                self.crawler.stats.inc_value("articles/canonical_loop")
                self.logger.warning("%s names %s as its canonical URL, whose canonical leads "
                                    "back to it: read as an article of its own", url, declared)
                return True
        self.canonical_named[here] = there
        if len(self.canonical_named) > MAX_STORIES:
            self.canonical_named.popitem(last=False)
        return False

    def answered_at(self, outlet: Outlet, response: Response) -> None:
        """A page redirected elsewhere: the aliases waiting for the URL asked wait for the
        page answered (its extraction names that one)."""
        asked, answered = (self.request_key(outlet, url)
                           for url in (asked_url(response.request), response.url))
        if asked != answered and (waiting := self.aliases_waiting.pop(asked, None)):
            self.aliases_waiting.setdefault(answered, []).extend(waiting)

    def page_extracted(self, page: Any, result: Article | ExtractionError) -> None:
        """A page extracted (``page_extracted``): its story is kept, and each alias that named
        it as its canonical is weighed against it (:meth:`weigh_alias`). A challenge page
        tells nothing of the page it stands in for."""
        state = self.site(page.outlet)
        if state is None or isinstance(result, BlockedPage):
            return
        if not isinstance(result, ExtractionError):
            self.note_template_date(state, state.machine_dates.note(
                page.url, *getattr(result, PAGE_DATES_ATTR, (None, None))))
        key = self.request_key(state.outlet, page.url)
        story = None if isinstance(result, ExtractionError) else disc.PageStory.of(
            result.title, result.text.split("\n\n"))
        self.stories[key] = story
        if len(self.stories) > MAX_STORIES:
            self.stories.popitem(last=False)
        for seen in self.aliases_waiting.pop(key, []):
            for request in self.weigh_alias(state.outlet, seen, story):
                self.crawler.engine.crawl(request)

    def note_template_date(self, state: disc.SiteState, found: datetime | None) -> None:
        """A machine date found the site's template's (``found``; None: none found): said once
        a site, counted (``discovery/template_date``); the pages it dated already (read after
        the release) are asked for again, to be dated by what they print, as every page read
        from now on is (:meth:`parse_article`)."""
        if found is None:
            return
        self.crawler.stats.inc_value("discovery/template_date")
        if len(state.machine_dates.template) == 1:
            self.logger.warning(
                "%s: its pages give one same machine date, %s, while they print different "
                "days: the template's date, not when they were published; the dates they "
                "print are taken (counted in discovery/template_date)", state.key,
                found.isoformat())
        if not self.released:
            return  # no page was dated yet: each is read at the release or after it
        for url in state.machine_dates.misdated(found):
            self.crawler.stats.inc_value("discovery/template_date_asked_again")
            for request in self.article_request(state.outlet, url, now=self.seen_at(state, url)):
                self.crawler.engine.crawl(request.replace(dont_filter=True))

    def weigh_alias(self, outlet: Outlet, seen: AliasSeen,
                    story: disc.PageStory | None) -> Iterator[scrapy.Request]:
        """The alias read as an article of its own when the canonical it names gave no
        article (answered 200 with a soft 404, a listing) or tells another story (a CMS
        template that copied another page's canonical: another headline, no paragraph
        shared): dropped, its story was lost. Said once a site at WARNING (both URLs),
        counted in ``articles/canonical_names_another``."""
        if story is None:
            self.crawler.stats.inc_value("articles/alias_read_for_its_canonical")
            self.logger.info("%s is read as the article: the canonical URL it names, %s, "
                             "is no article", seen.url, seen.canonical)
        elif seen.story.another_than(story):
            self.crawler.stats.inc_value("articles/canonical_names_another")
            told = outlet.key in self.told_another
            self.told_another.add(outlet.key)
            self.logger.log(
                logging.INFO if told else logging.WARNING,
                "%s names %s as its canonical URL, a page of another story (%r, not %r): "
                "read as an article of its own (counted in articles/canonical_names_another"
                "%s)", seen.url, seen.canonical, story.headline, seen.story.headline,
                "" if told else f"; further pages of {outlet.key} said at INFO")
        else:
            return
        yield from self.read_alias(outlet, seen.url, seen.hint, seen.feed_title, seen.fetched)

    def read_alias(self, outlet: Outlet, alias: str, hint: str | None,
                   title: str | None, now: datetime | None = None) -> Iterator[scrapy.Request]:
        """The request reading an alias as the article, once a run: fetched again (the
        duplicate filter knows its URL), its ``CANONICAL_OF`` its own URL, so that
        :meth:`canonical_elsewhere` lets its page make the item. ``now``: when the alias
        page was fetched (its URL's day judged as then, :meth:`article_request`)."""
        if (key := self.request_key(outlet, alias)) in self.aliases_read:
            return
        self.aliases_read.add(key)
        for request in self.article_request(outlet, alias, parse_iso(hint or ""), title, now=now):
            yield request.replace(dont_filter=True, meta={**request.meta, CANONICAL_OF: alias})

    def article_failed(self, failure: Any) -> Iterator[scrapy.Request]:
        """As an outlet spider's; and when the page an alias names as its canonical (an AMP
        copy's desktop page) cannot be had (404, robots.txt, a network error), the alias is
        read as the article: its text was fetched, and no item came of it."""
        retried = False
        for request in super().article_failed(failure):
            retried = True
            yield request
        failed = getattr(failure, "request", None)
        alias = failed.meta.get(CANONICAL_OF) if failed is not None else None
        outlet = self.request_outlet(failed) if alias else None
        if retried or outlet is None or FRAME_OF in failed.meta or alias == failed.url \
                or failure.check(ArticleRemoved):
            return
        self.aliases_waiting.pop(self.request_key(outlet, asked_url(failed)), None)
        self.crawler.stats.inc_value("articles/alias_read_for_its_canonical")
        self.logger.info("%s is read as the article: the canonical URL it names, %s, "
                         "could not be fetched", alias, asked_url(failed))
        seen = failed.meta.get(CANONICAL_OF_FETCHED_AT)  # the alias page's fetch, not the
        # canonical's: a replay's canonical the archive lacks has no capture time
        yield from self.read_alias(outlet, alias, failed.meta.get(META_HINT_PUBLISHED),
                                   failed.meta.get(META_FEED_TITLE),
                                   datetime.fromisoformat(seen) if seen else request_time(failed))

    def frames_of(self, response: Response, outlet: Outlet) -> list[str]:
        """:func:`disc.framed_by`: the frames of a frameset article page."""
        if not isinstance(response, TextResponse):
            return []
        return disc.framed_by(response.body, content_type(response), response.url, outlet,
                              self.outlet_of)

    def framed_article(self, response: Response, state: disc.SiteState,
                       frames: list[str]) -> Iterator[Any]:
        """An article URL that is a frameset (old sites show a banner frame beside the
        article's): the page of its article frame makes the item (requested unless it
        already was, with the feed's date and title), the frameset none."""
        self.crawler.stats.inc_value("articles/frameset")
        note_extracted(self.crawler, response.url, NotAnArticle("frameset", response.url))
        self.logger.info("%s is a frameset: the page of its frame %s makes the item",
                         response.url, frames[0])
        yield from self.stood_for(response, state, frames, framed=True)

    def frameset_in_frame(self, response: Response, frames: list[str]) -> None:
        """A frame's page that is a frameset MAX_FRAME_DEPTH framesets deep: its frames are
        not followed (a site answering every URL with a frameset framing the next one held
        discovery, or the article phase, for ever); said with both URLs, counted, no item."""
        self.crawler.stats.inc_value("articles/frameset_in_frame")
        note_extracted(self.crawler, response.url, NotAnArticle("frameset", response.url))
        self.logger.warning("%s is a frameset shown in the frame of %s: its frames (%s) are "
                            "not followed, framesets are read %d deep (counted in "
                            "articles/frameset_in_frame)", response.url,
                            response.meta[FRAME_OF], ", ".join(frames), MAX_FRAME_DEPTH)

    def stood_for(self, response: Response, state: disc.SiteState, urls: list[str],
                  framed: bool = False) -> Iterator[scrapy.Request]:
        """The article requests of the pages ``response`` stands for (its frames, its
        canonical; with the feed's date and title), each unless the run requested it already.
        When one is requested, that is the article the run counts, not this page too.
        ``framed``: they are its frames (a frameset among them is one deeper)."""
        frame = {FRAME_OF: response.url, FRAME_DEPTH: frame_depth(response) + 1} if framed \
            else {}
        hint = parse_iso(response.meta.get(META_HINT_PUBLISHED) or "")
        requested = False
        for url in urls:
            if self.request_key(state.outlet, url) in self.article_keys:
                requested = True
                continue
            now = fetch_time(response)
            for request in self.article_request(state.outlet, url, hint,
                                                response.meta.get(META_FEED_TITLE), now=now):
                requested = True
                yield request.replace(meta={**request.meta, CANONICAL_OF: response.url,
                                            CANONICAL_OF_FETCHED_AT: now.isoformat(), **frame})
        if requested:
            note_superseded(self.crawler, response)

    def frame_samples(self, response: Response, state: disc.SiteState) -> Iterator[Any]:
        """A zone sample that is a frameset: its first article frame is sampled in its place
        (the frameset prints no date; it still holds its SITE_ZONE_SAMPLES slot, so a site whose
        article URLs are all framesets learns its zone; a frame that is no article page frees
        it); it makes the item when discovery is done. A frame's frameset is sampled the same
        way, up to MAX_FRAME_DEPTH framesets deep: each sample brings at most that many more."""
        depth = frame_depth(response) + 1
        if depth > MAX_FRAME_DEPTH:
            return
        for url in self.frames_of(response, state.outlet):
            if self.request_key(state.outlet, url) in self.article_keys:
                continue
            frame = {CANONICAL_OF: response.url, FRAME_OF: response.url, FRAME_DEPTH: depth,
                     SAMPLE_OF: response.meta.get(SAMPLE_OF, "")}
            if request := self.sample_request(state, url, None, fetch_time(response), **frame):
                yield request
            return

    def canonical_elsewhere(self, response: Response, outlet: Outlet) -> str | None:
        """:func:`disc.alias_of`, unless this page was itself requested as a canonical (or
        is an alias read because its canonical failed: :meth:`article_failed`)."""
        if CANONICAL_OF in response.meta:
            return None
        return disc.alias_of(response.body, content_type(response), response.url, outlet,
                             self.outlet_of)

    def idle(self) -> None:
        """Safety net: release even if a discovery answer never came back (it always should)."""
        if self.released or not self.sites:
            return
        self.logger.warning("Discovery ended with %d requests unanswered", self.pending)
        self.pending = 0
        for obj in self.release(ask_again=True):
            if isinstance(obj, scrapy.Request):
                self.crawler.engine.crawl(obj)
        raise DontCloseSpider


class PageOverCap(ValueError):
    """A discovery page not parsed: what is too large or pathological about it."""


def parse_page(text: str) -> Any:
    """:func:`parse_html` for a page read on the event loop (a discovery page, a zone sample):
    one over the extraction's HTML cap, or whose markup would take lxml minutes
    (:func:`limits.crowded_element`), raises PageOverCap instead of holding the whole crawl
    (extraction workers have their timeout; the event loop has none)."""
    if reason := limits.html_over_cap(text) or limits.crowded_element(text):
        raise PageOverCap(reason)
    return parse_html(text)


def page_signature(response: Response) -> disc.PageSignature | None:
    """The signature of a page answered 200 (its bytes, its links as written); None for any
    other answer."""
    if response.status != 200 or not isinstance(response, TextResponse):
        return None
    try:
        hrefs = frozenset(parse_page(response.text).xpath("//a/@href"))
    except ValueError:  # an empty page (or one over the caps): its bytes say it all
        hrefs = frozenset()
    return disc.PageSignature(hashlib.sha256(response.body).hexdigest(), hrefs)


def _newer(moment: datetime | None, than: datetime) -> bool:
    if moment is None:
        return False
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)) >= than
