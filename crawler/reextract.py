"""Re-extraction: run the extraction over article responses already in WARC files.

The archive is indexed once in this process. Workers get only the URL of each article and
read, decode, extract and validate it themselves over that index, so the serial part left
here is the index and writing lines. All cores work.

The capture read is the one replay serves, picked by replay's own rule
(``ArchiveLookup.readable``: the newest that can be read, revisits resolved), but for newer
captures that are no page of the article (:func:`captures_to_read`). A newer capture
that cannot be read is reported (file, offset, reason) and the one before it read, so a
damaged record never costs the article: a body whose Content-Encoding does not decode within
``max_size`` (a gzip cut in transfer, a bad CRC, an unknown coding) is such a record. A newer
error answer (a 404 of an article removed since, a 503 of a re-check that failed) or
redirect (a 301 to the home page), which replay serves, gives way here to the newest whole
2xx of the URL before it, and so does a newer 2xx cut short of its Content-Length, a
challenge page or the site's "not found" notice (the last two as the extraction tells them):
the crawl made its item of the older page, and a removal is the removals' to tell, not the
items'. What the newer capture was is counted (``past_errors``: ``http_404``, ``http_301``,
``cut_short``, ``blocked/cloudflare``, ``soft-404``). With no such capture the newer one is
the page, its failure counted (``http_<status>``, ``blocked/<kind>``, ``soft-404``); a cut
page is read as it came. (A WARC-Truncated response is never a capture: archive.reader.)

Pages go through ``crawler.extraction.worker.extract_for_crawl``, the crawl workers' entry
point, and a page that breaks it costs that page alone, counted under the same reason as in a
crawl. A record that cannot be read is reported (file, offset, reason) and skipped.

An article split over several pages is joined as the crawl joined it, a later page a task
of its own (crawler.archive_join). A page joined (or tried) as a later page is no item of its
own (``not_article/later_page``) and is not extracted, as in a crawl, where it is fetched only
to be joined: pages that may be later pages are extracted after the first pages, in waves by
page number (:func:`crawler.archive_join.by_page_number`), each page decided by the joins of
the waves before it, never by which worker finished first.
"""

from __future__ import annotations

import functools
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from archive.errors import RECORD_KEPT, UnservedRecord, WarcFormatError
from archive.model import ArchivedResponse
from archive.reader import ArchiveLookup, is_part, read_first, read_without_range
from crawler.archive_dates import feed_dates, listed_hint, url_day_hint
from crawler.archive_join import (
    RETRIED,
    UNREADABLE,
    JoinStep,
    LaterPages,
    Result,
    Validate,
    article_key,
    by_page_number,
    decoded_body,
    join_step,
    page_key,
    split_later_pages,
    step_failed,
    take_bad_records,
    use_later_pages,
    worker_lookup,
)
from crawler.archive_rows import PartCount, said_part
from crawler.extensions.rule_drift import (
    FieldMisses,
    drifted,
    field_report,
    newly_drifted,
    old_layout_unread,
    publication_day,
)
from crawler.extraction import BlockedPage, next_page_of, rule_misses
from crawler.extraction.pages import page_less
from crawler.extraction.worker import extract_for_crawl, failure_reason
from crawler.items import ArticlePage
from crawler.joining import (
    DEFAULT_MAX_PAGES,
    DEFAULT_MAX_REDIRECTS,
    DEFAULT_MAX_TEXT_CHARS,
    loop_key,
)
from crawler.outlets import outlet_for_url
from crawler.sitediscovery import alias_of, date_archive_url, framed_by
from crawler.softremovals import SOFT_404, only_a_notice
from crawler.urls import canonical_url, is_article_url, path_and_query

logger = logging.getLogger(__name__)
LATER_PAGE = "not_article/later_page"  # as crawler.extraction's NotAnArticle("later_page")
ALIAS = "not_article/alias"  # a page whose rel=canonical names another article of its site
FRAMESET = "not_article/frameset"  # a frameset: the page of its article frame is the article
# a redirect with no page of its URL before it: the crawl followed it, the page it leads to is
# an item under its own URL when the archive holds it
REDIRECT = "not_article/redirect"


@dataclass
class ReextractReport:
    articles: int = 0
    extracted: int = 0
    failed: Counter[str] = field(default_factory=Counter)
    index_seconds: float = 0.0
    read_seconds: float = 0.0
    extract_cpu_seconds: float = 0.0
    wall_seconds: float = 0.0
    invalid: int = 0
    bad_records: int = 0  # records reported unreadable (index or page read) and skipped
    kept_records: int = 0  # records reported damaged but read all the same (WarcFormatError.kept)
    unserved_records: int = 0  # whole records no page is read from (archive.errors)
    # 206 versions of a feed (sitemap, day archive) with no whole 200: those that gave entries
    # (read), and those that gave none (unreadable: a tail with no root element)
    partial_feeds: int = 0
    partial_feeds_unread: int = 0
    # documents a site row is learnt from (its home page, feeds, pages voting for its zone:
    # crawler.archive_rows) held only as a 206 part: not read, each said
    partial_row_documents: int = 0
    joining: Counter[str] = field(default_factory=Counter)  # the live join's stats, by key
    cut_short: int = 0  # items whose joining a failed or missing later page ended
    # articles read from a capture older than a newer one that is no page of the article,
    # by what that one was: http_404, http_301, cut_short, blocked/<kind>, soft-404
    past_errors: Counter[str] = field(default_factory=Counter)
    unowned: Counter[str] = field(default_factory=Counter)  # archived URLs by host no outlet has
    # layout drift, as the crawl counts it (crawler.extensions.rule_drift): items read by an
    # outlet's rules, by outlet, and the rules that found nothing, by (outlet, field)
    rule_pages: Counter[str] = field(default_factory=Counter)
    # the misses as the crawl keeps them (selectors, samples, publication days) and the
    # pages by outlet and publication day: what a layout changed since a day shows in
    rule_misses: dict[tuple[str, str], FieldMisses] = field(default_factory=dict)
    rule_days: dict[str, Counter[str]] = field(default_factory=dict)

    def drifted(self, rate: float, min_pages: int) -> list[tuple[str, str, dict[str, Any]]]:
        """(outlet, field, its misses as the run report gives them) of each field whose rules
        missed on more than ``rate`` of at least ``min_pages`` items (an optional field's, on
        every one), or on every item of the newest (oldest) days, a layout's share, having
        matched on the others: the crawl's drift alarms and warnings
        (crawler.extensions.rule_drift)."""
        out = []
        for (outlet, name), entry in sorted(self.rule_misses.items()):
            pages = self.rule_pages[outlet]
            f = field_report(entry, pages, self.rule_days.get(outlet, Counter()), name)
            if drifted(name, entry.misses, pages, rate, min_pages) or \
                    newly_drifted(name, f, rate, min_pages) or \
                    old_layout_unread(name, f, rate, min_pages):
                out.append((outlet, name, f))
        return out


BadRecord = Callable[[WarcFormatError], None]


def said_of(err: WarcFormatError) -> str:
    """One line telling a bad record and what became of it: kept (read all the same, e.g. a
    wrong Content-Length, its block taken up to the next record) or skipped."""
    if isinstance(err, UnservedRecord):
        return f"note: not read: {err}"
    if err.kept:
        reason = err.reason.removesuffix(RECORD_KEPT)
        return f"bad record kept: {err.file}: offset {err.offset}: {reason}"
    return f"bad record skipped: {err}"


def _said_partial_feed(report: ReextractReport, said: dict[tuple[str, int], int | None],
                       part: ArchivedResponse, entries: int | None) -> None:
    """Count and say a feed version known only as a 206 (part of it): read when it gave
    entries, else unreadable (a tail holds no root element). A part of a page (None: a home
    page's, no feed) is said as what it is (``archive_rows.said_part``) and counted as no
    feed version: its whole page would have dated nothing either. Said once a run: not
    again when the site rows said it (``said``) read, or not read and it gave nothing here
    either; a part the rows did not read and that gave entries here is said read."""
    key = (part.ref.where, part.ref.offset)
    known, rows_read = key in said, said.get(key) is not None
    said.setdefault(key, entries)
    if entries is None:
        if not known:
            said_part(part, "article dates: it is part of a page (HTML), no feed, sitemap "
                      "or day archive")
        return
    if entries:
        report.partial_feeds += 1
        became = f"read as a partial feed version ({entries} entries)"
    else:
        report.partial_feeds_unread += 1
        became = "an unreadable partial feed version: no entries read of it"
    if known and (rows_read or not entries):
        return
    logger.warning("%s: only a 206 holding part of the document is archived (%s): %s",
                   part.url, part.part_said(), became)


def _count_row_part(report: ReextractReport, said: dict[tuple[str, int], int | None],
                    part: ArchivedResponse, entries: int | None) -> None:
    """Count a site row's document held only as a 206 part and not read (said where it was
    passed over: crawler.archive_rows.said_part), and keep every part the rows said with the
    entries read of it in ``said``: said once a run (a feed's head read is counted by the
    feed dates)."""
    if entries is None:
        report.partial_row_documents += 1
    said[(part.ref.where, part.ref.offset)] = entries


def latest_article_urls(lookup: ArchiveLookup, unowned: Counter[str] | None = None,
                        on_bad_record: BadRecord | None = None) -> list[str]:
    """For each canonical article URL, the archived URL spelling with the latest capture; a
    later page of an article (``?page=2``, kept or not by the canonical form) is a page of its
    own, never a spelling of its first page. A spelling with a page parameter a canonical form
    takes for page 1 (``?page=1``, ``?page=0``) gives way to the URL without one: it may be
    page 2 of a pager counting from zero, which the first page's join reads. ``unowned`` counts the URLs of each host no
    outlet (and no site row) is for: not read, and said. Each capture of a URL no
    URL can be made of (a port past 65535, a host w3lib refuses) goes to ``on_bad_record``
    (default: logged) by file and offset: a warning named the URL alone, and the run's
    summary counted it nowhere."""
    best: dict[str, tuple[tuple[bool, int], str]] = {}
    # one at a time (the list of all would grow with the archive); a run's soft-removal probes
    # (made-up addresses, answered with the site's "not found" page) are no articles
    for url in lookup.iter_urls(probes=False):
        try:
            outlet = outlet_for_url(url)
            if outlet is None and unowned is not None:
                parts = urlsplit(url)
                if parts.scheme in ("http", "https"):  # (not a tool's metadata://, dns:)
                    unowned[parts.netloc] += 1
            if outlet is None or not is_article_url(outlet, url) or date_archive_url(url):
                continue  # (a day's archive is no article, wherever it is linked: a site
                # row's pattern takes any page of its site, its crawl never read one as one)
            key = page_key(url, canonical_url(url, outlet))
        except ValueError as exc:  # e.g. a port past 65535: not a page we can have crawled
            for _, idx, offset, *_ in lookup.captures(url):
                err = WarcFormatError(lookup.files[idx], offset,
                                      f"archived URL {url[:200]!r} is no URL: {exc}")
                if on_bad_record is None:
                    logger.warning("%s", said_of(err))
                else:
                    on_bad_record(err)
            continue
        rank = (page_less(url) is None, max(cap[0] for cap in lookup.captures(url)))
        if key not in best or rank > best[key][0]:
            best[key] = (rank, url)
    return sorted(url for _, url in best.values())


CUT_SHORT = "cut_short"  # a 2xx whose body ends short of its Content-Length (.partial)
BLOCKED = f"{BlockedPage.reason_prefix}/"  # the extraction's reasons for a challenge page


def capture_to_read(lookup: ArchiveLookup, url: str) -> tuple[ArchivedResponse | None,
                                                              str | None]:
    """The capture re-extraction reads first, and what the newest capture was when it is
    passed over for an older one (None: it was not): :func:`captures_to_read`'s first."""
    return next(captures_to_read(lookup, url))


def captures_to_read(lookup: ArchiveLookup, url: str
                     ) -> Iterator[tuple[ArchivedResponse | None, str | None]]:
    """The captures re-extraction may read, each read only when asked for, with what the
    newest capture was when it is passed over (:func:`no_page`: ``http_301``, ``cut_short``).

    The first is replay's choice (``ArchiveLookup.readable``: the newest that can be read,
    each newer one that cannot going to the lookup's ``on_error``), except that a newest
    that is no whole page of the article (an error answer, a redirect, a body cut short)
    gives way to the newest whole 2xx before it, the page the crawl made its item of; with
    none, to the newest cut 2xx (a part of the page, read as it came), else it is read
    itself. Then come the whole 2xx captures before the first, for a page its extraction
    finds to be a challenge or a "not found" notice (:func:`extract_article`): only the
    extraction decodes a body. Only the URL the newest was archived under counts, not
    another spelling's (``/slug`` answering 404 where the crawl then asked for ``/slug/``):
    that page is its own URL's item, and was read twice, two ids. A newest 206 holding part
    of the page gives way only to a whole 2xx of its spelling, as in replay
    (:func:`archive.reader.read_without_range`); with none it is read itself."""
    choices = read_without_range(lookup, url)
    newest, part = next(choices, (None, None))
    own = (older for older, _ in choices if older.url == newest.url)
    if part is not None:  # a whole 2xx of its spelling before a newer 206 (replay's choice)
        passed = no_page(part)
        yield newest, passed
    else:
        passed = None if newest is None else no_page(newest)
        first = newest if passed is None or is_part(newest) \
            else _page_before(own, newest, passed)
        yield first, None if first is newest else passed
    yield from ((older, passed) for older in own if no_page(older) is None)


def _page_before(older: Iterator[ArchivedResponse], newest: ArchivedResponse,
                 passed: str) -> ArchivedResponse:
    """The first whole 2xx of ``older``; else the newest cut 2xx (``newest`` itself when it
    is one), else ``newest``. Read up to the whole one only: the rest is left in ``older``."""
    cut = newest if passed == CUT_SHORT else None
    for capture in older:
        if (flaw := no_page(capture)) is None:
            return capture
        if flaw == CUT_SHORT and cut is None:
            cut = capture
    return cut or newest


def no_page(archived: ArchivedResponse) -> str | None:
    """What a capture is when its status or body alone tell it is no whole page of the
    article (``http_<status>``, ``cut_short``); None for a whole 2xx. A 206 holds part of
    the page (``wget -c``, a browser's range request), never what the crawl's GET got."""
    if not _success(archived.status) or is_part(archived):
        return f"http_{archived.status}"
    return CUT_SHORT if archived.partial else None


def _success(status: int) -> bool:
    """An answer the crawl makes an item of: any 2xx reaches its spider's callback (a CDN's
    203 Non-Authoritative is a whole page), not only 200."""
    return 200 <= status < 300


@dataclass(frozen=True)
class OtherSpelling:
    """An alias page naming as its canonical another spelling of its own article (``/slug``
    naming ``/slug/``): the article is listed once (``page_key``), so that spelling is read
    in its place, as the crawl asks for the canonical an alias names."""

    url: str


Page = ArticlePage | str | WarcFormatError


def pages_from_archive(lookup: ArchiveLookup, url: str, max_size: int, hint: str | None = None,
                       *, follow: bool = True) -> Iterator[tuple[Page, str | None]]:
    """Of each capture :func:`captures_to_read` gives, in turn: the ArticlePage a crawl would
    have built (``hint`` its request's date), the reason there is none, or the bad record
    (and then no more); with what the newest capture passed over for it was. A page naming
    another spelling of itself as canonical gives way to that spelling's pages (``follow``:
    once; one naming the first back is read as it is, as the crawl reads a canonical loop)."""
    choices = captures_to_read(lookup, url)
    while True:
        try:
            archived, passed = next(choices)
        except StopIteration:
            return
        except Exception as exc:  # noqa: BLE001 - any damage in a record costs that page only
            yield _bad_capture(lookup, url, exc), None
            return
        page = page_from_response(archived, url, max_size, lookup, follow)
        if isinstance(page, OtherSpelling):
            yield from pages_from_archive(lookup, page.url, max_size, hint, follow=False)
            return
        yield _hinted(page, url, hint), passed


def _hinted(page: Page, url: str, hint: str | None) -> Page:
    """An article page with the date hint its crawl's request had: ``hint`` (a feed's or a
    day archive's date), else ``url``'s day judged as of the page's capture time, as the
    crawl judged it when the page naming the URL was fetched (moments before)."""
    if not isinstance(page, ArticlePage):
        return page
    hint = hint or url_day_hint(url, datetime.fromisoformat(page.fetched_at))
    return replace(page, hint_published=hint) if hint else page


def _bad_capture(lookup: ArchiveLookup, url: str, exc: Exception) -> Page:
    """What a capture that broke its reading comes to: the bad record, by file and offset."""
    if (cap := lookup.latest(url)) is None:
        return UNREADABLE
    return WarcFormatError(lookup.files[cap[1]], cap[2], f"{url}: {exc}")


def _fetched(lookup: ArchiveLookup, url: str) -> bool:
    """Whether the archive holds an article answer (2xx) for ``url``, as its crawl read it."""
    try:
        found = read_first(lookup, url)
    except Exception:  # noqa: BLE001 - a damaged capture is none
        return False
    return found is not None and _success(found.status)


def _fetched_as(lookup: ArchiveLookup, url: str) -> bool:
    """Whether the archive holds an article answer (2xx) under ``url``'s own spelling: the
    lookup answers ``/slug/`` with a capture of ``/slug`` too (one SURT key)."""
    try:
        return any(path_and_query(found.url) == path_and_query(url) and _success(found.status)
                   for found in lookup.readable(url))
    except Exception:  # noqa: BLE001 - a damaged capture is none
        return False


def page_from_response(archived: ArchivedResponse | None, url: str, max_size: int,
                       lookup: ArchiveLookup | None = None, follow: bool = True
                       ) -> ArticlePage | OtherSpelling | str:
    """``lookup``: an alias page (rel=canonical elsewhere) is read when the page it names was
    not fetched, as the crawl reads it (crawler.sitecrawl ``article_failed``); one naming
    another spelling of its own article is that spelling's when the archive holds an answer
    under it (:class:`OtherSpelling`, with ``follow``); else it is read as it is, as the
    crawl reads it when that spelling answered no page (404, 410, back to this one)."""
    if archived is None:
        return UNREADABLE
    if 300 <= archived.status < 400 and archived.header("Location"):
        return REDIRECT
    if not _success(archived.status):
        return f"http_{archived.status}"
    outlet = outlet_for_url(url)
    if is_part(archived):  # (a slice of a coded stream does not decode): said as a part
        return ArticlePage.from_archived(archived, b"", outlet.key if outlet else "", url)
    body = decoded_body(archived, url, max_size)
    if isinstance(body, str):
        return body
    declared = alias_of(body, archived.content_type(), url, outlet, outlet_for_url) \
        if outlet is not None else None
    if declared and lookup is not None and article_key(declared) == article_key(url):
        if follow and _fetched_as(lookup, declared):  # the crawl's item is that page
            return OtherSpelling(declared)
    elif declared and (lookup is None or _fetched(lookup, declared)):
        return ALIAS  # the page it names is the article, as in the crawl
    if outlet is not None and framed_by(body, archived.content_type(), url, outlet,
                                        outlet_for_url):
        return FRAMESET  # its frame's page is the article, as in the crawl
    return ArticlePage.from_archived(archived, body, outlet.key if outlet else "", url)


def capture_said(page: ArticlePage, said: str = "") -> str:
    """Where the record a page was read from is, for a line saying it gave no item: of several
    captures of a URL (or spellings, or WARCs) the one to open; nothing when the line ``said``
    names it already (extraction's errors about the record itself, a 206's part)."""
    record = page.record_said()
    return f" (capture: {record})" if record and record not in said else ""


def extract_timed(page: ArticlePage | str | WarcFormatError,
                  validate: Validate | None = None, join: bool = False,
                  url: str = "") -> Result:
    """Extract one page through the crawl's entry point; any exception costs this page only.

    ``validate`` returns an error message for an invalid item; it runs here (in the worker) and
    an invalid item comes back with reason ``invalid: <message>``. With ``join``, an article
    naming its next page comes back to have its later pages joined (:func:`join_step`).
    """
    if isinstance(page, WarcFormatError):
        return Result(None, UNREADABLE, bad_record=page, url=url)
    if isinstance(page, str):
        return Result(None, page, url=url)
    start = time.process_time()
    item: dict[str, Any] | None = None
    result = Result(None, "", url=url or page.url)
    try:
        article = extract_for_crawl(page)
        result.rule_misses = rule_misses(article)
        if join and next_page_of(article) is not None:  # joined task by task
            result.step = JoinStep(replace(page, body=b""), article, {loop_key(page.url)}, [],
                                   Counter(), validate, result.rule_misses)
            result.cpu = time.process_time() - start
            return result
        if (notice := only_a_notice(article)) is not None:  # the site's "not found" page
            logger.info("No article from %s: a soft 404 (%r)%s", page.url, notice,
                        capture_said(page))
            item, reason = None, SOFT_404
        else:
            item, reason = asdict(article), ""
    except Exception as exc:  # noqa: BLE001 - as the crawl's ExtractionPipeline does
        reason = failure_reason(exc)
        if reason == "error":
            logger.exception("Extraction crashed on %s%s", page.url, capture_said(page))
        else:
            logger.warning("No article from %s: %s%s", page.url, exc,
                           capture_said(page, str(exc)))
    if item is not None and validate is not None and (error := validate(item)):
        reason = f"invalid: {error}"
    result.item, result.reason, result.cpu = item, reason, time.process_time() - start
    return result


def extract_article(url: str, max_size: int, validate: Validate | None = None,
                    join: bool = False, hint: str | None = None) -> Result:
    """Worker entry point: read the capture of ``url`` re-extraction reads
    (:func:`pages_from_archive`, over the index the pool gave this worker) and extract it,
    with ``hint`` as the date the crawl's request had (:mod:`crawler.archive_dates`). A page
    that is a challenge or a "not found" notice (:func:`_hides_the_article`) gives way to the
    next whole 2xx capture before it, as a newer error answer does, and is counted as passed
    over. The captures passed over as unreadable come back in ``bad_records``, by file and
    offset."""
    take_bad_records()  # none of another task's
    pages = pages_from_archive(worker_lookup(), url, max_size, hint)
    (page, passed), read = _timed_next(pages, (UNREADABLE, None))
    result = extract_timed(page, validate, join, url)
    while _hides_the_article(result):
        (older, _), took = _timed_next(pages, (None, None))
        read += took
        if older is None:
            break
        passed = passed or result.reason
        result = extract_timed(older, validate, join, url)
    result.read, result.bad_records, result.past_error = read, take_bad_records(), passed
    return result


def _timed_next(pages: Iterator[tuple[Page, str | None]], default: tuple[Any, str | None]
                ) -> tuple[tuple[Any, str | None], float]:
    """The next of ``pages`` (``default`` when there is none) and the seconds it took to read."""
    t0 = time.perf_counter()
    found = next(pages, default)
    return found, time.perf_counter() - t0


def _hides_the_article(result: Result) -> bool:
    """A page whose extraction tells it is no article but a page in its place: a challenge
    (the crawl's own test, crawler.challenge) or only the site's "not found" notice (the soft
    404 re-extraction tells by wording, crawler.softremovals.only_a_notice). The crawl made
    no item of it, so an older capture of the URL may be the page it made its item of."""
    return result.item is None and result.step is None and (
        result.reason == SOFT_404 or result.reason.startswith(BLOCKED))


Task = tuple[Callable[..., Result], tuple[Any, ...]]


def _stop(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's workers (a hung one never returns) and let the pool go.

    ``ProcessPoolExecutor`` gets ``kill_workers()`` only in Python 3.14, hence ``_processes``.
    """
    for process in list((pool._processes or {}).values()):  # noqa: SLF001
        process.kill()
    pool.shutdown(wait=False, cancel_futures=True)


def _run_pool(tasks: Iterator[Task], jobs: int, collect: Callable[[Result], Task | None],
              timeout: float = 120.0,
              fail: Callable[[Task, str], Result] | None = None,
              init: Task | None = None) -> None:
    """Run tasks on ``jobs`` processes, at most ``jobs * 4`` in flight.

    ``collect`` takes each result, and may return a task that goes on from it (an article's
    next page), run before new ones. A task that fails for its worker (``timeout``,
    ``worker_died``) is collected as ``fail(task, reason)`` (default: no item, that reason).
    ``init`` (a function and its arguments) runs once in each worker as it starts.

    The pool hands tasks out in order, one per idle worker, so the ``jobs`` oldest unfinished
    tasks are the running ones: each is timed from the moment it became one of them. A task
    running longer than ``timeout`` seconds is counted as ``timeout`` and the pool stopped
    (a stuck worker never returns); the other tasks in flight run again on a new pool.
    A worker that dies (killed, out of memory, a crash in C code) breaks the whole pool. The
    pages that were in flight then run again one at a time on a new pool, so the one that
    kills its worker again is found and counted as ``worker_died``; the others come through.
    """
    pending: dict[Future[Result], Task] = {}  # in submission order
    started: dict[Future[Result], float] = {}
    suspects: list[Task] = []
    again: list[Task] = []  # innocent tasks whose pool was stopped under them
    start, args = init or (None, ())

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=jobs, initializer=start, initargs=args)

    pool = new_pool()
    source = iter(tasks)

    def take(result: Result) -> None:
        if (follow := collect(result)) is not None:
            again.append(follow)  # next out: an article's pages one after another

    def lost(task: Task, reason: str) -> None:
        take(fail(task, reason) if fail is not None else Result(None, reason))

    def restart() -> ProcessPoolExecutor:
        _stop(pool)
        pending.clear()
        started.clear()
        return new_pool()

    try:
        while True:
            if suspects:
                task = suspects.pop()
                try:
                    result = pool.submit(task[0], *task[1]).result(timeout=timeout)
                except (BrokenProcessPool, FutureTimeout) as exc:
                    reason = "timeout" if isinstance(exc, FutureTimeout) else "worker_died"
                    logger.error("Extraction of %s failed: %s", _label(task), reason)
                    lost(task, reason)
                    pool = restart()
                else:
                    take(result)
                continue
            while len(pending) < jobs * 4 and (
                    task := again.pop() if again else next(source, None)) is not None:
                pending[pool.submit(task[0], *task[1])] = task
            if not pending:
                return
            now = time.monotonic()
            for future in list(pending)[:jobs]:
                started.setdefault(future, now)
            deadline = min(started.values()) + timeout
            done, _ = wait(pending, timeout=max(0.0, deadline - now), return_when=FIRST_COMPLETED)
            for future in [f for f in pending if f in done]:  # in order: one worker, one order
                task = pending.pop(future)
                started.pop(future, None)
                try:
                    result = future.result()
                except BrokenProcessPool:
                    suspects.append(task)
                else:
                    take(result)
            now = time.monotonic()
            overran = [f for f, at in started.items() if now - at >= timeout]
            if overran and not suspects:  # those workers are stuck: only a new pool frees them
                for future in overran:
                    task = pending.pop(future)
                    logger.error("Extraction of %s took over %.0f s; its worker was stopped",
                                 _label(task), timeout)
                    lost(task, "timeout")
                again.extend(reversed(pending.values()))
                pool = restart()
            if suspects:  # the pool is broken: every page still in it is a suspect
                suspects.extend(pending.values())
                pool = restart()
    finally:
        if pending or suspects:  # stopped early (an error, Ctrl-C): a worker may hang
            _stop(pool)
        else:
            pool.shutdown(wait=True, cancel_futures=True)


def _label(task: Task) -> str:
    func, args = task
    if func is join_step:
        return f"{next_page_of(args[0].article)} (a later page of {args[0].first.url})"
    return str(getattr(args[0], "url", args[0]))  # extract_article's URL, a page's


def _failed(task: Task, reason: str) -> Result:
    """What a task that overran or killed its worker comes to."""
    func, args = task
    if func is join_step:
        return step_failed(args[0], reason)
    return Result(None, reason, url=_label(task))


def note_drift(report: ReextractReport, result: Result) -> None:
    """Count an item read by an outlet's rules, and the rules that missed on its page."""
    item = result.item or {}
    if not (item.get("extractor") or {}).get("rules"):
        return
    outlet = item.get("source") or "?"
    report.rule_pages[outlet] += 1
    day = publication_day(item)
    if day:
        report.rule_days.setdefault(outlet, Counter())[day] += 1
    for name, selectors in result.rule_misses.items():
        report.rule_misses.setdefault((outlet, name), FieldMisses()).add(
            selectors, item["extractor"]["rules"], day, str(item.get("url")))


def reextract(paths: list[str], jobs: int, emit: Callable[[dict[str, Any]], None],
              progress: Callable[[int], Any] | None = None, max_size: int = 64 * 1024 * 1024,
              on_total: Callable[[int], None] | None = None, validate: Validate | None = None,
              on_invalid: Callable[[dict[str, Any], str], None] | None = None,
              on_bad_record: BadRecord | None = None,
              timeout: float = 120.0, max_pages: int = DEFAULT_MAX_PAGES,
              max_redirects: int = DEFAULT_MAX_REDIRECTS,
              retried: frozenset[int] = RETRIED,
              max_text_chars: int = DEFAULT_MAX_TEXT_CHARS,
              prepare: Callable[[ArchiveLookup, PartCount], None]
              | None = None) -> ReextractReport:
    """Extract every archived article in ``paths``; ``emit`` receives each valid item as a dict.

    Pages are extracted in ``jobs`` worker processes (one at least: a page that hangs the
    extractor is given up after ``timeout`` seconds and counted as ``timeout``).

    ``validate`` (picklable: it runs in the workers) returns an error message for an invalid
    item, which then goes to ``on_invalid`` instead of ``emit``. Unreadable records, while
    indexing or reading a page, go to ``on_bad_record`` (default: logged) and are skipped;
    damaged records read all the same (``WarcFormatError.kept``) go there too.
    ``read_seconds`` sums the reading time of all processes. An article's later pages are
    joined from ``paths`` as a crawl joins them, at most ``max_pages`` pages (ARTICLE_MAX_PAGES)
    and ``max_text_chars`` characters of text (ARTICLE_MAX_TEXT_CHARS),
    each redirected at most ``max_redirects`` times (REDIRECT_MAX_TIMES), an answer whose
    status is in ``retried`` (RETRY_HTTP_CODES) stepped over for its retry's. ``prepare``
    is given the archive's index before any page is extracted (a site's zone learnt from it),
    and a callable counting each document it passes over as a 206 part
    (``partial_row_documents``).
    """
    report = ReextractReport()
    started = time.perf_counter()
    said: set[tuple[str, int, str]] = set()  # a capture the zone vote and a page both read
    # 206 parts said (the entries read of each, None: not read): said once a run
    parts_said: dict[tuple[str, int], int | None] = {}

    def bad_record(err: WarcFormatError) -> None:
        if (where := (str(err.file), err.offset, err.reason)) in said:
            return
        said.add(where)
        if isinstance(err, UnservedRecord):
            report.unserved_records += 1
        elif err.kept:
            report.kept_records += 1
        else:
            report.bad_records += 1
        if on_bad_record is None:
            logger.warning("%s", said_of(err))
        else:
            on_bad_record(err)

    # a capture whose Content-Encoding does not decode within max_size is a bad record, the
    # one before it read (as the lookup passes over any unreadable capture), in workers too
    with ArchiveLookup(paths, on_error=bad_record, max_decoded=max_size) as lookup:
        if prepare is not None:
            prepare(lookup, functools.partial(_count_row_part, report, parts_said))
        urls = latest_article_urls(lookup, report.unowned, bad_record)
        dates = feed_dates(lookup, functools.partial(_said_partial_feed, report, parts_said))
        report.index_seconds = time.perf_counter() - started
        report.articles = len(urls)
        if on_total:
            on_total(len(urls))

        later = LaterPages(lookup.shared(), max_pages, max_size, max_redirects, retried,
                           max_text_chars)
        read_later: set[str] = set()  # the later pages the joining asked for (their keys)

        def tasks(batch: list[str]) -> Iterator[Task]:
            for url in batch:
                yield extract_article, (url, max_size, validate, True, listed_hint(url, dates))

        def failed(task: Task, reason: str) -> Result:
            """A task lost with its worker: the captures of its URL the worker passed over
            as unreadable were to come back with its result, so they are found again here.
            Bounded: the read stops at the capture the worker was extracting."""
            func, args = task
            if func is extract_article:
                try:
                    capture_to_read(lookup, args[0])  # on_error says each passed over
                except Exception as exc:  # noqa: BLE001 - the page is lost already
                    logger.warning("Could not look %s up again: %s", args[0], exc)
            return _failed(task, reason)

        def collect(result: Result) -> Task | None:
            report.extract_cpu_seconds += result.cpu
            report.read_seconds += result.read
            for err in filter(None, (result.bad_record, *result.bad_records,
                                     *result.later_bad_records)):
                bad_record(err)
            if result.past_error:
                report.past_errors[result.past_error] += 1
            if result.step is not None:  # its next page: a task of its own
                return join_step, (result.step,)
            report.joining.update(result.joining)
            report.cut_short += bool(result.cut_short)
            read_later.update(map(article_key, result.later_read))
            if result.reason.startswith("invalid: "):
                report.invalid += 1
                if on_invalid and result.item is not None:
                    on_invalid(result.item, result.reason.removeprefix("invalid: "))
            elif result.item is None:
                report.failed[result.reason] += 1
            else:
                report.extracted += 1
                note_drift(report, result)
                emit(result.item)
            if progress:
                progress(1)
            return None

        firsts, maybe_later = split_later_pages(urls)
        for wave in (firsts, *by_page_number(maybe_later)):
            batch = []
            for url in wave:  # a page a join of an earlier wave read: fetched only to be joined
                if article_key(url) in read_later:
                    logger.info("%s is a later page of an article: no item of its own", url)
                    collect(Result(None, LATER_PAGE, url=url))
                else:
                    batch.append(url)
            if batch:
                _run_pool(tasks(batch), max(1, jobs), collect, timeout, failed,
                          (use_later_pages, (later,)))
    report.wall_seconds = time.perf_counter() - started
    return report
