"""Is this run healthy? A summary of a run's stats compared with the spider's recent runs.

Pure functions over stats dicts and earlier reports, so the rules are easy to test and
reuse (RunReport writes them, the crawl commands turn them into exit codes).
"""

from __future__ import annotations

import heapq
import json
import logging
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import median
from typing import Any

logger = logging.getLogger(__name__)

BLOCKED_STATUSES = ("403", "429")
MIN_ERROR_ALARM = 5  # errors never alarm below this, whatever the history says
MIN_ALL_FAILED = 3  # below HEALTH_MIN_SAMPLE pages, health alarms only if this many all failed
# Rule fields many healthy pages lack (an unsigned article; БЕЛТА's agency copy, which its
# default authors fill): the drift alarm cannot judge them page by page. Here the share of
# pages their rule filled is compared with the outlet's recent runs: a selector that broke.
OPTIONAL_RULE_FIELDS = ("authors",)
OPTIONAL_MIN_PAGES = 5  # pages an outlet needs in a run for its share to count
OPTIONAL_USUAL_MIN = 0.2  # the rule usually fills at least this share...
OPTIONAL_DROP = 0.25  # ...and now at most this fraction of it...
OPTIONAL_MIN_EXPECTED = 10  # ...of at least this many pages it would usually fill: by chance
# alone, 40 pages signed 1 in 4 give 2 or fewer bylines once in ~1,000 runs; 8 pages give
# none once in 10

# Reports read for a baseline, at most, per run of it wanted: past runs that are no baseline
SCANNED_PER_RUN = 10
MIN_SCANNED = 100
FUTURE_SLACK = timedelta(days=1)  # a report dated later than this after the run is "future"

# Exit statuses of `scrapy crawl` and `scrapy crawlall` (README, docs/scheduling.md).
EXIT_OK = 0
OFFERED_PREFIX = "discovery/offered/"  # + outlet key: article links its feeds/listings offered
# + outlet key: feed entries on the outlet's host its article_path rejects, and one of them
REJECTED_PREFIX = "discovery/rejected/"
REJECTED_EXAMPLE_PREFIX = "discovery/rejected_example/"
# + outlet key: feed entries linking another host (a click tracker, a moved site), and one
OFFHOST_PREFIX = "discovery/offhost/"
OFFHOST_EXAMPLE_PREFIX = "discovery/offhost_example/"
# + outlet key: count; + "urls/" + key: the feeds, listings and sitemaps gone
SOURCES_GONE_PREFIX = "discovery/sources_gone/"
# + outlet key: the days of a window run whose day archive gave no article link at all
ARCHIVE_SILENT_DAYS = "discovery/archive_silent_days/"
ARCHIVE_SILENT_MIN_DAYS = 2  # a district paper may publish nothing on one day; not on two
# + outlet key: later listing pages a page's pager linked that then failed (a 404)
PAGING_BROKEN_PREFIX = "discovery/paging_broken/"
# + outlet key: the oldest day a window run's articles gave, when discovery never reached
# back to the window's start (crawler.sitecrawl.SiteCrawl.window_reached)
WINDOW_UNREACHED_PREFIX = "discovery/window_unreached/"
SITE_UNREAD_PREFIX = "discovery/site_unread/"  # a site crawled by its address: home never read
# + outlet key: its feeds that gave no entry with a link (empty, or links gone from entries)
SILENT_FEEDS = "discovery/silent_feeds/"
MAX_SILENT_FEEDS = 5
# Callbacks that failed on a Redis outage, by exception type as Scrapy counts them in
# spider_exceptions/: their requests were deferred (crawler.distributed.deferral), fetched
# again, so nothing they would have given is lost.
SPIDER_ERROR_DEFERRED = "redis/spider_error_deferred/"
# Item pipeline errors on a Redis outage, by type: their requests deferred alike. Scrapy counts
# item errors only in log_count/ERROR, which these never reach (one WARNING line each).
ITEM_ERROR_DEFERRED = "redis/item_error_deferred/"
SPIDER_ERROR_URLS = "spider_exceptions/urls"  # the first pages a spider callback crashed on
MAX_SPIDER_ERROR_URLS = 5
EXIT_UNHEALTHY = 1  # alarms, a failed export, a crashed spider
EXIT_INTERRUPTED = 3  # stopped before the end (SIGTERM, Ctrl-C, forced shutdown): run again

# Scrapy's finish reasons of a run that did not reach its natural end.
INTERRUPTED_REASONS = frozenset({"shutdown", "forced shutdown", "cancelled", "killed"})
# Runs that refused to start their work (see crawler.state.jobdir), lost it (the shared
# frontier of crawler.distributed) or whose start requests failed: a failure, never
# healthy, never a baseline.
FRONTIER_LOST = "frontier_lost"
REDIS_UNAVAILABLE = "redis_unavailable"
REDIS_CERTIFICATE_REFUSED = "redis_certificate_refused"  # its TLS certificate went bad mid-run
REDIS_AUTH_REFUSED = "redis_auth_refused"  # password changed, ACL user disabled mid-run
RUN_MISMATCH = "run_mismatch"
RUN_LOCKED = "run_locked"  # another crawl holds an outlet's lock (crawler.extensions.run_lock)
START_ERROR = "start_error"  # Scrapy's: the spider's start() raised; what it queued ran
WARC_WRITE_ERROR = "warc_write_error"  # crawler.downloadermiddlewares.capture: disk full?
FRONTIER_WRITE_ERROR = "frontier_write_error"  # crawler.state.jobdir: disk full?
REPLAY_INDEX_ERROR = "replay_index_error"  # crawler.downloadermiddlewares.replay: TMPDIR full?
FRONTIER_ERRORS = "scheduler/frontier_errors"  # stats: failed JOBDIR frontier writes...
FRONTIER_AFRESH_ERRORS = "scheduler/frontier_afresh_errors"  # ...a finished one not cleared...
FRONTIER_ERROR_FILE = "scheduler/frontier_error_file"  # ...and the frontier's file
# stats: requests a JOBDIR frontier kept for the session resuming the run (crawler.state.jobdir)
FRONTIER_KEPT = "scheduler/kept"
FAILED_REASONS = {
    "jobdir_mismatch": "run refused to start (jobdir_mismatch): see the log",
    RUN_LOCKED: "run refused to start (run_locked): another crawl of one of its outlets was "
                "running on the same state store; see the log for its lock file and pid",
    FRONTIER_LOST: "the shared frontier vanished from Redis (restarted without persistence, "
                   "or flushed?): what was queued in it was not crawled",
    REDIS_UNAVAILABLE: "Redis stopped answering: the worker closed before the run was drained",
    REDIS_CERTIFICATE_REFUSED: "Redis presented a TLS certificate this worker does not trust "
                               "(expired, or of another CA; see the log): the worker closed "
                               "before the run was drained",
    REDIS_AUTH_REFUSED: "Redis refused this worker's credentials (password changed, ACL user "
                        "disabled or its permissions revoked; see the log): the worker closed "
                        "before the run was drained",
    RUN_MISMATCH: "worker refused (run_mismatch): the shared run crawls other spider "
                  "arguments; see the log",
    WARC_WRITE_ERROR: "WARC files could not be written (see the log): the crawl stopped, and "
                      "pages it could not archive were neither exported nor recorded; the "
                      "next run fetches them again",
    FRONTIER_WRITE_ERROR: "the JOBDIR frontier could not be written (see the log): the crawl "
                          "stopped; the next run resumes from what it holds",
    REPLAY_INDEX_ERROR: "the replay's index of the archive could not be written (see the log "
                        "for the folder and why; TMPDIR full or not writable?): nothing was "
                        "replayed",
    START_ERROR: "the spider's start requests failed (start_error): only what they queued "
                 "before the error was crawled; see the traceback in the log",
}
# Of those, the runs that refused before crawling anything: they must not touch what the
# crawl they gave way to writes (an -O feed they would overwrite with nothing).
REFUSED_REASONS = frozenset({"jobdir_mismatch", RUN_MISMATCH, RUN_LOCKED})


def _sum_prefix(stats: dict[str, Any], prefix: str) -> int:
    return sum(int(v) for k, v in stats.items()
               if k.startswith(prefix) and isinstance(v, int | float))


def _links_by_outlet(stats: dict[str, Any], prefix: str, example: str
                     ) -> dict[str, dict[str, Any]]:
    """Links counted under ``prefix`` + an outlet key, with the example kept for each."""
    return {key.removeprefix(prefix): {"links": int(value),
                                       "example": stats.get(example + key.removeprefix(prefix))}
            for key, value in sorted(stats.items()) if key.startswith(prefix) and _number(value)}


def _by_reason(stats: dict[str, Any], prefix: str) -> dict[str, int]:
    return {key.removeprefix(prefix): int(value) for key, value in sorted(stats.items())
            if key.startswith(prefix) and _number(value) and value}


def no_articles_failed(summary: dict[str, Any]) -> str:
    """The alarm of a run with no article whose article pages, or discovery sources, failed
    (every article redirected to a consent page or a new URL scheme; the only feed kept out
    by robots.txt or on a host gone): without history nothing else would say it."""
    said = []
    for key, what in (("sources_failed", "feed(s), listing(s) or sitemap(s)"),
                      ("articles_failed", "article page(s)")):
        if failed := summary.get(key):
            kinds = ", ".join(f"{reason}: {n}" for reason, n in failed.items())
            said.append(f"{sum(failed.values())} {what} failed ({kinds})")
    return (f"no articles, and {' and '.join(said)}; see the log for each URL and why: has "
            "the site changed (a redirect to a consent page, a new URL scheme, robots.txt)?")


def blocked_pages(stats: dict[str, Any]) -> int:
    """Final 403/429/5xx answers (after retries) that reached no callback, and anti-bot pages
    served with 200 in place of an article (``pages/blocked/<kind>``)."""
    prefix = "httperror/response_ignored_status_count/"
    return sum(int(v) for k, v in stats.items() if k.startswith(prefix)
               and (k[len(prefix):] in BLOCKED_STATUSES or k[len(prefix):].startswith("5"))
               ) + _sum_prefix(stats, "pages/blocked/")


def server_error_pages(stats: dict[str, Any]) -> int:
    """The part of :func:`blocked_pages` that is 5xx answers: the site failing, not refusing."""
    prefix = "httperror/response_ignored_status_count/5"
    return _sum_prefix(stats, prefix)


def no_articles_blocked(summary: dict[str, Any]) -> str:
    """The alarm of a run with no article and pages refused (403/429, anti-bot pages) or
    failing (5xx), each kind counted apart and each page named with its answer."""
    failing = summary.get("server_error_pages", 0)
    refused = summary["blocked_pages"] - failing
    kinds = [f"{refused} page(s) blocked (403/429 or an anti-bot page)"] if refused else []
    if failing:
        kinds.append(f"{failing} page(s) answered with a server error (5xx)")
    named = [*summary.get("error_answers", []), *summary.get("blocked_urls", [])]
    return f"no articles, and {' and '.join(kinds)}: {', '.join(named) or 'URLs not kept'}"


def skipped_pages(stats: dict[str, Any]) -> dict[str, int]:
    """Pages fetched as articles that were not (``pages/skipped/<kind>``), by kind."""
    prefix = "pages/skipped/"
    return {k[len(prefix):]: int(v) for k, v in sorted(stats.items())
            if k.startswith(prefix) and isinstance(v, int | float)}


def errors_by_kind(stats: dict[str, Any]) -> dict[str, int]:
    return {
        "log_errors": int(stats.get("log_count/ERROR", 0)),
        "extraction_failed": _sum_prefix(stats, "extraction/failed/"),
        "invalid_items": int(stats.get("items/invalid", 0)),
        "download_exceptions": sum(download_failures(stats).values()),
        "blocked_pages": blocked_pages(stats),
        "export_failures": int(stats.get("feeds/items_not_exported", 0)),
    }


NOT_FAILURES = ("IgnoreRequest", ".ShutdownCancelled")


def download_failures(stats: dict[str, Any]) -> dict[str, int]:
    """Download attempts that failed (retries included), by exception class name.
    IgnoreRequest is how robots.txt and filters say no; it is not a failure, nor is a download
    given up at shutdown (ShutdownCancelled, see crawler/extensions/shutdown_grace.py)."""
    prefix = "downloader/exception_type_count/"
    failures: dict[str, int] = {}
    for key, value in sorted(stats.items()):
        if key.startswith(prefix) and not key.endswith(NOT_FAILURES) and isinstance(
                value, int | float):
            name = key[len(prefix):].rsplit(".", 1)[-1]
            failures[name] = failures.get(name, 0) + int(value)
    return failures


def optional_rule_shares(stats: dict[str, Any]) -> dict[str, dict[str, float]]:
    """``{"<outlet>/<field>": {"share": of the outlet's rule-read pages, those whose rule
    filled the field, "pages": how many}}`` for the optional fields, outlets with enough pages."""
    shares = {}
    for key, pages in stats.items():
        if not key.startswith("rules/pages/") or not isinstance(pages, int | float):
            continue
        outlet = key[len("rules/pages/"):]
        if pages < OPTIONAL_MIN_PAGES:
            continue
        for name in OPTIONAL_RULE_FIELDS:
            filled = stats.get(f"rules/filled/{outlet}/{name}", 0)
            shares[f"{outlet}/{name}"] = {"share": round(int(filled) / pages, 4),
                                          "pages": int(pages)}
    return dict(sorted(shares.items()))


def run_status(finish_reason: str | None, kept: int = 0) -> str:
    """``finished``, ``interrupted`` or ``running``. Interrupted: a signal or a forced shutdown
    stopped it, or a CloseSpider limit (``closespider_timeout``...) did while its JOBDIR
    frontier ``kept`` requests: the next session resumes the run, so this one is no baseline
    and is not judged on what it had no time to do. A failure (FAILED_REASONS) is finished,
    and alarms."""
    if finish_reason is None:
        return "running"
    if finish_reason in INTERRUPTED_REASONS or (
            kept and finish_reason != "finished" and finish_reason not in FAILED_REASONS):
        return "interrupted"
    return "finished"


def summarize(stats: dict[str, Any]) -> dict[str, Any]:
    """The figures a scheduled run is judged by."""
    extracted = int(stats.get("health/articles", 0))
    failed = _sum_prefix(stats, "extraction/failed/")
    attempted = extracted + failed
    errors = errors_by_kind(stats)
    return {
        "pages_fetched": int(stats.get("response_received_count", 0)),
        "article_pages_fetched": int(stats.get("articles/downloaded", 0)),
        # Articles the outlet still shows us: extracted now, or known and not re-fetched.
        "articles": extracted + int(stats.get("incremental/skipped_known", 0)),
        "articles_new": int(stats.get("incremental/new", 0)),
        "articles_unchanged": int(stats.get("incremental/unchanged", 0)),
        "articles_new_versions": int(stats.get("incremental/new_version", 0)),
        "near_duplicates": int(stats.get("incremental/near_duplicates", 0)),
        "blocked_pages": errors["blocked_pages"],
        "blocked_urls": list(stats.get("pages/blocked_urls") or []),
        "error_answers": list(stats.get("pages/error_answers") or []),
        "server_error_pages": server_error_pages(stats),
        "robots_unavailable": int(stats.get("robotstxt/unavailable", 0)),
        # replay (WARC_REPLAY): the first URLs the archive could not answer, and the records
        # of it that could not be read (damaged, cut short: their pages answered as missing)
        "replay_missing_urls": list(stats.get("replay/missing_urls") or []),
        "replay_bad_records": int(stats.get("replay/bad_records", 0)),
        "skipped_pages": skipped_pages(stats),
        "errors": sum(errors.values()),
        "errors_by_kind": errors,
        "download_failures": download_failures(stats),
        # Share of article pages that gave a title, a date and >= 300 characters of body.
        "extraction_health": round(int(stats.get("health/complete", 0)) / attempted, 4)
        if attempted else None,
        "extraction_attempted": attempted,
        "extraction_workers_died": int(stats.get("extraction/failed/worker_died", 0)),
        "feeds_failed": int(stats.get("feeds/failed", 0)),
        # pages that failed by reason (robots.txt, a redirect off to no article, a network
        # error): a run with no article says them, history or not
        "articles_failed": _by_reason(stats, "articles/failed/"),
        "sources_failed": _by_reason(stats, "discovery/source_failed/"),
        "items_not_exported": int(stats.get("feeds/items_not_exported", 0)),
        # Known articles that answered 404/410/451 or redirected off (crawler.removals):
        # observations, not errors; only a write that failed alarms.
        "articles_removed": int(stats.get("articles/removed", 0)),
        "articles_restored": int(stats.get("articles/restored", 0)),
        "removals_not_written": int(stats.get("removals/not_written", 0)),
        # callbacks that raised (a bug, or input no code foresaw): what the page would have
        # given, its links or its item, is lost
        "spider_errors": spider_errors(stats),
        "spider_error_urls": list(stats.get(SPIDER_ERROR_URLS) or []),


        "removals_not_recorded": int(stats.get("removals/not_recorded", 0)),
        "frontier_write_errors": int(stats.get(FRONTIER_ERRORS, 0)),
        "frontier_afresh_errors": int(stats.get(FRONTIER_AFRESH_ERRORS, 0)),
        "frontier_error_file": stats.get(FRONTIER_ERROR_FILE),
        "items_not_recorded": int(stats.get("state/not_recorded", 0)),
        "log_write_failed": int(stats.get("log/write_failed", 0)),
        "log_failed": stats.get("log/failed"),
        "optional_rule_shares": optional_rule_shares(stats),
        "offered_by_outlet": {key.removeprefix(OFFERED_PREFIX): int(value)
                              for key, value in sorted(stats.items())
                              if key.startswith(OFFERED_PREFIX)},
        "rejected_by_outlet": _links_by_outlet(stats, REJECTED_PREFIX, REJECTED_EXAMPLE_PREFIX),
        "offhost_by_outlet": _links_by_outlet(stats, OFFHOST_PREFIX, OFFHOST_EXAMPLE_PREFIX),
        "silent_feeds": {key.removeprefix(SILENT_FEEDS): list(value)
                         for key, value in sorted(stats.items())
                         if key.startswith(SILENT_FEEDS) and isinstance(value, list)},
        "archive_silent_days": {key.removeprefix(ARCHIVE_SILENT_DAYS): int(value)
                                for key, value in sorted(stats.items())
                                if key.startswith(ARCHIVE_SILENT_DAYS) and _number(value)},
        "paging_broken": {key.removeprefix(PAGING_BROKEN_PREFIX): int(value)
                          for key, value in sorted(stats.items())
                          if key.startswith(PAGING_BROKEN_PREFIX) and _number(value)},
        "window_unreached": {key.removeprefix(WINDOW_UNREACHED_PREFIX): str(value)
                             for key, value in sorted(stats.items())
                             if key.startswith(WINDOW_UNREACHED_PREFIX)},
        "sites_unread": sorted(key.removeprefix(SITE_UNREAD_PREFIX) for key in stats
                               if key.startswith(SITE_UNREAD_PREFIX)),
        "sources_gone": {key.removeprefix(SOURCES_GONE_PREFIX + "urls/"): list(value)
                         for key, value in sorted(stats.items())
                         if key.startswith(SOURCES_GONE_PREFIX + "urls/")
                         and isinstance(value, list)},
    }


def previous_summaries(directory: Path, spider: str, limit: int,
                       now: datetime | None = None) -> list[dict[str, Any]]:
    """Summaries of the spider's last ``limit`` finished runs (oldest first).

    Read back from the newest report past those that are no baseline (interrupted, refused,
    unreadable: ten in a row once left none) and those dated after ``now`` (written while
    the clock was ahead: they would stay "the newest" until it catches up), reading at most
    ``SCANNED_PER_RUN`` x ``limit`` files however many reports the folder holds.
    """
    prefix = f"{spider}-"
    try:
        names = heapq.nlargest(max(SCANNED_PER_RUN * limit, MIN_SCANNED),
                               (e.name for e in os.scandir(directory)
                                if e.name.startswith(prefix) and e.name.endswith(".json")))
    except OSError:  # no reports yet
        return []
    latest = (now or datetime.now(UTC)) + FUTURE_SLACK
    summaries: list[dict[str, Any]] = []
    future: list[str] = []
    for name in names:
        if len(summaries) >= limit:
            break
        started = report_time(name, prefix)
        if started is not None and started > latest:
            future.append(name)
            continue
        summary = finished_summary(directory / name, spider)
        if summary is not None:
            summaries.append(summary)
    if future:
        logger.warning("Run report %s is dated in the future (%d such): not used as a "
                       "baseline. Was the clock ahead when it was written?",
                       directory / future[-1], len(future))
    return summaries[::-1]


def report_time(name: str, prefix: str) -> datetime | None:
    """When the run of a report named ``<spider>-<UTC start>.json`` started (RunReport)."""
    try:
        return datetime.strptime(name[len(prefix):-len(".json")], "%Y%m%dT%H%M%S%f").replace(
            tzinfo=UTC)
    except ValueError:
        return None


def finished_summary(path: Path, spider: str) -> dict[str, Any] | None:
    """The summary of a finished run's report; None (logged) for anything else."""
    try:
        report = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        logger.warning("Ignoring unreadable run report %s: %s", path, exc)
        return None
    if not isinstance(report, dict):  # valid JSON, but no report: a torn or foreign file
        logger.warning("Ignoring run report %s: not a JSON object", path)
        return None
    # An interrupted or refused run did not get to crawl: no baseline. Nor did a run that
    # raised alarms show what is usual: counted, an outlet whose discovery broke would set
    # the median to 0 after a few runs, and its "no articles" alarm fall silent for good.
    if (report.get("spider") == spider and isinstance(report.get("summary"), dict)
            and report.get("status", run_status(report.get("finish_reason"))) == "finished"
            and report.get("finish_reason") not in FAILED_REASONS
            and report.get("healthy") is not False):
        return report["summary"]
    return None


def _mapping(value: Any) -> dict[str, Any]:
    """A section of an earlier report that should be an object; anything else counts as empty."""
    return value if isinstance(value, dict) else {}


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def baseline(history: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians of earlier runs' summaries; values of the wrong type (a hand-edited or foreign
    report) are left out rather than breaking every later run's verdict."""
    def med(key: str) -> float | None:
        values = [s[key] for s in history if _number(s.get(key))]
        return median(values) if values else None
    shares: dict[str, list[float]] = {}
    for summary in history:
        for key, seen in _mapping(summary.get("optional_rule_shares")).items():
            if isinstance(seen, dict) and _number(seen.get("share")):
                shares.setdefault(key, []).append(seen["share"])
    # Per outlet, over the runs that counted outlets (older reports did not): absent is zero.
    counted = [{k: v for k, v in s["offered_by_outlet"].items() if _number(v)}
               for s in history if isinstance(s.get("offered_by_outlet"), dict)]
    outlets = sorted({key for offered in counted for key in offered})
    return {"runs": len(history), "articles": med("articles"), "errors": med("errors"),
            "extraction_health": med("extraction_health"),
            "optional_rule_shares": {k: median(v) for k, v in sorted(shares.items())},
            "offered_by_outlet": {k: median(o.get(k, 0) for o in counted) for k in outlets}}


@dataclass
class Verdict:
    alarms: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.alarms


def no_articles_in_replay(missing: list[str]) -> str:
    """Why a replay gave nothing, and what to do: the URLs it started from are not archived."""
    shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
    return (f"no articles: the spider's requests were not in the archive (replay/missing): "
            f"{shown}. An archive without the outlet's feeds and listings (article pages only, "
            "another tool's crawl) gives a crawl nothing to start from: `scrapy reextract "
            "<warcs>` extracts every archived article page")


def no_page_answered(failures: dict[str, int]) -> str:
    """Why a run got nothing when no server answered: offline, DNS, a proxy, hosts gone."""
    kinds = ", ".join(f"{name}: {count}" for name, count in failures.items())
    return (f"no page answered: all {sum(failures.values())} download attempt(s) failed "
            f"({kinds}); is the network (DNS, proxy) up, are the hosts reachable?")


def discovery_alarms(summary: dict[str, Any], said: frozenset[str] = frozenset(),
                     interrupted: bool = False) -> list[str]:
    """Discovery that changed under the outlet's data, history or not: feeds it names that
    are gone (404/410, an HTML page), an outlet that offered no article link while its
    feeds listed links on its host that its ``article_path`` rejects (a new URL scheme) or
    only links to other hosts (a click tracker, a move), an
    outlet whose feeds gave no entry with a link and whose other channels offered nothing
    (a first run has no median to fall from; ``said``: outlets alarmed so against their
    history already), and a day archive silent for a whole window of ARCHIVE_SILENT_MIN_DAYS
    days or more (these two not in an ``interrupted`` run, its channels left unread), and a
    listing page its pager linked that failed (a paging scheme that changed)."""
    alarms = []
    offered = summary.get("offered_by_outlet") or {}
    for outlet, seen in (summary.get("rejected_by_outlet") or {}).items():
        if offered.get(outlet) == 0:
            alarms.append(f"{outlet}: its feeds offered no article link, but {seen['links']} "
                          f"link(s) on its host that its article_path rejects (e.g. "
                          f"{seen['example']}): has its URL scheme changed?")
    for outlet, seen in (summary.get("offhost_by_outlet") or {}).items():
        if offered.get(outlet) == 0:
            alarms.append(f"{outlet}: its feeds offered no article link, but {seen['links']} "
                          f"link(s) to other hosts (e.g. {seen['example']}): a click tracker, "
                          "or has the site moved?")
    for outlet, feeds in (summary.get("silent_feeds") or {}).items():
        # its other channels offered nothing either; ``said``: alarmed against its history
        if offered.get(outlet, 0) == 0 and outlet not in said and not interrupted:
            alarms.append(f"{outlet}: its feeds offered no article link ({', '.join(feeds)}: no "
                          "entry with a link) and nothing else did; check its feed")
    for outlet, days in (summary.get("archive_silent_days") or {}).items():
        if days >= ARCHIVE_SILENT_MIN_DAYS and not interrupted:
            alarms.append(f"{outlet}: its day archive gave no article link for any of the "
                          f"window's {days} days: check its archive scheme and listing links "
                          "(a moved archive, renamed entries)")
    for outlet, pages in (summary.get("paging_broken") or {}).items():
        alarms.append(f"{outlet}: {pages} listing page(s) its pager linked failed or "
                      "repeated page 1 (see the log: 'Listing page …'): the walk stopped "
                      "there, and the older articles past it were not found; has its paging "
                      "changed?")
    for outlet, oldest in (summary.get("window_unreached") or {}).items():
        alarms.append(f"{outlet}: discovery never reached the window: the oldest article found "
                      f"is of {oldest}, after its start, and no listing could be walked further "
                      "back (see the log: 'discovery never reached the window'): the window's "
                      "older articles were not found")
    for outlet in summary.get("sites_unread") or ():
        alarms.append(f"{outlet}: no article link found, and its home page was never read (it "
                      "failed, was refused, or moved to another host: see the log); check the "
                      "address")
    for outlet, urls in (summary.get("sources_gone") or {}).items():
        alarms.append(f"{outlet}: {len(urls)} feed(s), listing(s) or sitemap(s) its discovery "
                      f"names gone (HTTP 404/410, or an HTML page in place of a feed): "
                      f"{', '.join(urls)}; check its discovery")
    return alarms


def spider_errors(stats: dict[str, Any]) -> dict[str, int]:
    """Callback errors by exception type, less those whose request was deferred for a Redis
    outage (fetched again: nothing lost)."""
    errors = {}
    for key, value in sorted(stats.items()):
        if key.startswith("spider_exceptions/") and _number(value) \
                and key != "spider_exceptions/count":
            name = key.removeprefix("spider_exceptions/")
            lost = int(value) - int(stats.get(SPIDER_ERROR_DEFERRED + name, 0))
            if lost > 0:
                errors[name] = lost
    return errors


def judge(summary: dict[str, Any], base: dict[str, Any], health_min: float,
          min_sample: int = 10, interrupted: bool = False,
          finish_reason: str | None = None) -> Verdict:
    """Alarms of a run. An interrupted run is not judged on what it did not get to do (its
    article count); health needs ``min_sample`` pages, unless every page of a few failed."""
    verdict = Verdict()
    silent: set[str] = set()  # outlets alarmed for offering no link against their history
    if finish_reason in FAILED_REASONS:
        verdict.alarms.append(FAILED_REASONS[finish_reason])
    if summary.get("items_not_exported"):
        verdict.alarms.append(f"export failed: {summary['items_not_exported']} item(s) did not "
                              f"reach {summary.get('feeds_failed', 0)} feed(s); they are not "
                              "recorded as exported and the next run emits them again")
    if summary.get("items_not_recorded"):
        verdict.alarms.append(f"{summary['items_not_recorded']} exported item(s) not recorded "
                              "in the state store (see the log): the next run records them "
                              "from their feed files if it can, else exports them again")
    if summary.get("log_write_failed"):
        verdict.alarms.append(f"the log could not be written ({summary.get('log_failed')}): "
                              f"{summary['log_write_failed']} message(s) lost; this report is "
                              "what is left of the run's record")
    if summary.get("removals_not_written"):
        verdict.alarms.append(f"{summary['removals_not_written']} removal observation(s) not "
                              "written (see the log): the next run observes them again")
    if errors := summary.get("spider_errors"):
        verdict.alarms.append(
            f"{sum(errors.values())} page(s) a spider callback crashed on ({errors}): what "
            f"they would have given (links, items) is lost; e.g. "
            f"{summary.get('spider_error_urls')} (tracebacks: 'Spider error processing' in "
            "the log)")


    if summary.get("frontier_write_errors") and finish_reason != FRONTIER_WRITE_ERROR:
        # the write failed where it stopped nothing: when the spider closed
        verdict.alarms.append(f"the JOBDIR frontier {summary.get('frontier_error_file')} "
                              f"could not be written ({summary['frontier_write_errors']} "
                              "time(s), see the log): the next run resumes from its last "
                              "commit, not from what this run left, and may fetch again or "
                              "skip what it held")
    if summary.get("frontier_afresh_errors"):
        verdict.alarms.append(f"the JOBDIR frontier {summary.get('frontier_error_file')} of a "
                              "finished crawl could not be cleared at the start (see the log): "
                              "this run resumed it, its pages counted as seen, so what they "
                              "link to (new articles) may not have been fetched")
    if summary.get("removals_not_recorded"):
        verdict.alarms.append(f"{summary['removals_not_recorded']} removal observation(s) not "
                              "recorded in the state store (see the log): the next run "
                              "observes them again")
    if invalid := summary.get("errors_by_kind", {}).get("invalid_items"):
        verdict.alarms.append(f"{invalid} item(s) failed the item schema and were dropped (see "
                              "the log: 'invalid item URL: why'): articles read and lost")
    if summary.get("replay_bad_records"):
        verdict.alarms.append(f"{summary['replay_bad_records']} WARC record(s) of the archive "
                              "replayed could not be read (see the log: file, offset, why); "
                              "the pages they held were answered as not archived")
    if summary.get("extraction_workers_died"):
        verdict.alarms.append(f"{summary['extraction_workers_died']} page(s) lost: their "
                              "extraction worker died (killed?) mid-page")
    if (summary["articles"] == 0 and not summary.get("pages_fetched")
            and summary.get("download_failures") and not interrupted):
        verdict.alarms.append(no_page_answered(summary["download_failures"]))
    elif summary["articles"] == 0 and summary.get("replay_missing_urls") and not interrupted:
        verdict.alarms.append(no_articles_in_replay(summary["replay_missing_urls"]))
    elif summary["articles"] == 0 and (base["articles"] or 0) > 0 and not interrupted:
        verdict.alarms.append(f"no articles (median of the last {base['runs']} runs: "
                              f"{base['articles']:g})")
    elif summary["articles"] == 0 and summary.get("robots_unavailable") and not interrupted:
        answers = ", ".join(a for a in summary.get("error_answers", []) if "/robots.txt" in a)
        verdict.alarms.append(f"no articles, and robots.txt answered an error on "
                              f"{summary['robots_unavailable']} host(s): {answers or '?'}; a "
                              "failing server is not crawled (RFC 9309), a later run asks again")
    elif summary["articles"] == 0 and summary.get("blocked_pages") and not interrupted:
        # Without history (a first run, or only blocked runs before) nothing else would say it.
        verdict.alarms.append(no_articles_blocked(summary))
    elif summary["articles"] == 0 and not interrupted and (
            summary.get("articles_failed") or summary.get("sources_failed")) \
            and finish_reason not in FAILED_REASONS:  # (pages its own failure dropped)
        verdict.alarms.append(no_articles_failed(summary))
    elif not interrupted and "offered_by_outlet" in summary:
        offered = summary["offered_by_outlet"]
        for outlet, usual in (base.get("offered_by_outlet") or {}).items():
            if usual > 0 and offered.get(outlet) == 0:  # crawled this run, and silent
                silent.add(outlet)
                verdict.alarms.append(
                    f"{outlet}: its feeds, listings and archives offered no article link "
                    f"(median of the last {base['runs']} runs: {usual:g}); check its discovery")
    verdict.alarms += discovery_alarms(summary, frozenset(silent), interrupted)
    health = summary["extraction_health"]
    attempted = summary.get("extraction_attempted", min_sample)
    enough = attempted >= min_sample or (health == 0 and attempted >= MIN_ALL_FAILED)
    if health is not None and health < health_min and enough:
        verdict.alarms.append(f"extraction health {health:.2f} below {health_min:.2f}: "
                              "articles without title, date or a 300-character body")
    before = base.get("optional_rule_shares") or {}
    for key, seen in (summary.get("optional_rule_shares") or {}).items():
        usual, share = before.get(key), seen["share"]
        if (usual is not None and usual >= OPTIONAL_USUAL_MIN and share <= usual * OPTIONAL_DROP
                and usual * seen["pages"] >= OPTIONAL_MIN_EXPECTED):
            outlet, _, name = key.partition("/")
            verdict.alarms.append(
                f"layout drift: {outlet} {name}: the rule filled it on {share:.0%} of pages "
                f"(median of the last {base['runs']} runs: {usual:.0%}); see rule_misses")
    limit = max(3 * (base["errors"] or 0), MIN_ERROR_ALARM)
    if summary["errors"] > limit:
        verdict.alarms.append(f"{summary['errors']} errors, above {limit:g} "
                              f"(3 x median {base['errors'] or 0:g}, at least "
                              f"{MIN_ERROR_ALARM}): {summary['errors_by_kind']}")
    return verdict


@dataclass(frozen=True)
class RunOutcome:
    spider: str
    finish_reason: str | None
    alarms: tuple[str, ...]
    summary: dict[str, Any]
    report_path: str
    kept: int = 0  # requests its JOBDIR frontier kept for the session resuming the run

    @property
    def status(self) -> str:
        return run_status(self.finish_reason, self.kept)

    @property
    def signalled(self) -> bool:
        """Stopped by a signal or a forced shutdown (not by a limit of its own)."""
        return self.finish_reason in INTERRUPTED_REASONS

    @property
    def healthy(self) -> bool:
        """Finished, with no alarm: an interrupted run is never called healthy."""
        return not self.alarms and self.status == "finished"


def exit_status(outcomes: list[RunOutcome], failed: bool = False) -> int:
    """1 if anything is wrong (alarms, failed export, ``failed``: a crash), else 3 if a run
    was interrupted, else 0."""
    if failed or any(o.alarms for o in outcomes):
        return EXIT_UNHEALTHY
    if any(o.status != "finished" for o in outcomes):
        return EXIT_INTERRUPTED
    return EXIT_OK


# Outcomes of the runs this process finished; the crawl commands set exit codes from them.
finished_runs: list[RunOutcome] = []
