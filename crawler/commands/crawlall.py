"""``scrapy crawlall``: every spider of the project in one process, one after another.

Sequential on purpose: each spider's near-duplicate index is built from the state store
when it opens, so a district paper crawled after БЕЛТА sees БЕЛТА's articles of this very
run; only one extraction worker pool exists at a time; and outlets are different hosts, so
running them side by side would save wall time but buys nothing for politeness, while an
hourly cron slot leaves ample time. ``-s`` settings go to every spider, an ``-a`` argument
(since/until, sites, url…) to every spider that takes it (crawler.commands.arguments); bad
values and arguments no spider takes are usage errors (exit 2) before any spider runs. One summary line per spider goes to stdout; the exit status is 1 when any
spider's run was unhealthy (alarms, a failed export) or crashed, else 3 when the runs were
interrupted (a signal; the later spiders did not run), else 0.

A feed whose URI does not name the spider (``-O all.jsonl``) is shared by every spider: the
first spider overwrites it (``-O``) and the others append, so it ends with every spider's
items — the state store advances for all of them. Formats that cannot be appended to (JSON,
XML) and storages that cannot append (S3, GCS) are refused for such a feed: put
``%(name)s`` in the URI.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path, PureWindowsPath
from typing import Any
from urllib.parse import urlparse

from scrapy.commands import BaseRunSpiderCommand
from scrapy.exceptions import UsageError
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from crawler.commands.arguments import check_arguments, check_site_settings, route_arguments
from crawler.commands.crawl import refused_at_start
from crawler.extensions.log_health import quiet_log_errors, watch_log
from crawler.extensions.run_lock import release_locks_of
from crawler.extensions.run_report import close_open_reports
from crawler.extensions.run_verdict import RunOutcome, exit_status, finished_runs
from crawler.outlets import check_outlet_table

APPENDABLE_SCHEMES = ("", "file", "stdout", "ftp")
WHOLE_FILE_FORMATS = ("json", "xml")  # one document: a second spider's items would break it

logger = logging.getLogger(__name__)


def summary_line(name: str, outcome: RunOutcome | None, crashed: str | None) -> str:
    if crashed:
        return f"{name}: CRASHED ({crashed})"
    if outcome is None:
        return f"{name}: NOT RUN"
    s = outcome.summary
    health = "n/a" if s["extraction_health"] is None else f"{s['extraction_health']:.2f}"
    verdict = ("UNHEALTHY" if outcome.alarms else
               "ok" if outcome.status == "finished" else outcome.status.upper())
    line = (f"{name}: {verdict} ({outcome.finish_reason}) "
            f"pages={s['pages_fetched']} new={s['articles_new']} "
            f"unchanged={s['articles_unchanged']} new_versions={s['articles_new_versions']} "
            f"blocked={s['blocked_pages']} errors={s['errors']} health={health}")
    return line + "".join(f"; ALARM {a}" for a in outcome.alarms)


def finish_reason(crawler: Any) -> str | None:
    """The crawl's finish reason; None for one that crashed while it was built (no stats)."""
    try:
        stats = crawler.stats
    except RuntimeError:  # Crawler.stats is only set once the crawl starts
        return None
    return stats.get_value("finish_reason")


def shared_feeds(feeds: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Feeds every spider writes into: their URI has no %(...)s placeholder."""
    return {str(uri): dict(options or {}) for uri, options in feeds.items()
            if "%(" not in str(uri)}


def check_shared_feeds(feeds: dict[str, dict[str, Any]]) -> None:
    for uri, options in feeds.items():
        scheme = "" if PureWindowsPath(uri).drive else urlparse(uri).scheme
        if options.get("format") in WHOLE_FILE_FORMATS:
            raise UsageError(f"crawlall cannot write every spider into one {options['format']} "
                             f"document {uri}: use JSON Lines (.jsonl) or put %(name)s in the "
                             "URI")
        if scheme not in APPENDABLE_SCHEMES:
            raise UsageError(f"crawlall cannot append every spider's items to {uri} "
                             f"({scheme}:// is overwritten by each spider): put %(name)s in "
                             "the URI")


def local_path(uri: str) -> Path | None:
    if PureWindowsPath(uri).drive or urlparse(uri).scheme == "":
        return Path(uri)
    if urlparse(uri).scheme == "file":
        return Path(urlparse(uri).path)
    return None


def appending(feeds: dict[str, Any], shared: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """FEEDS for the spiders after the first: shared feeds append instead of overwriting."""
    out = dict(feeds)
    for uri, options in shared.items():
        later = {**options, "overwrite": False}
        path = local_path(uri)
        if options.get("format") == "csv" and path is not None and path.exists() \
                and path.stat().st_size:
            later["item_export_kwargs"] = {**options.get("item_export_kwargs", {}),
                                           "include_headers_line": False}
        out[uri] = later
    return out


class Command(BaseRunSpiderCommand):
    requires_project = True

    def syntax(self) -> str:
        return "[options]"

    def short_desc(self) -> str:
        return "Run every spider (scrapy list) one after another; exit 1 if any run is unhealthy"

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        quiet_log_errors()  # before Scrapy's first messages (its process is made next)
        super().process_options(args, opts)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        watch_log()
        if args:
            raise UsageError("crawlall runs every spider; it takes no spider names")
        check_outlet_table()
        assert self.crawler_process is not None
        process = self.crawler_process
        names = sorted(process.spider_loader.list())
        classes = {n: process.spider_loader.load(n) for n in names}
        arguments = route_arguments(opts.spargs, classes)
        for name, spidercls in classes.items():
            check_arguments(spidercls, arguments[name])
        check_site_settings(self.settings, arguments.get("site"), extra_outlets=False)
        crashed: dict[str, str] = {}
        outcomes: dict[str, RunOutcome] = {}
        feeds = dict(process.settings.getdict("FEEDS"))
        shared = shared_feeds(feeds)
        check_shared_feeds(shared)
        if refused_at_start(self.settings, names):  # after the usage errors: it makes DATA_DIR
            self.exitcode = 1
            return
        emptied = [uri for uri, o in shared.items() if o.get("overwrite")]
        process.settings = process.settings.copy()  # unfrozen: FEEDS changes per spider
        if emptied:  # one spider with nothing new says nothing of the shared file
            process.settings.set("FEED_WARN_EMPTY_OVERWRITE", False, priority="cmdline")

        async def run_all() -> None:
            for index, name in enumerate(names):
                if index == 1 and shared:
                    process.settings.set("FEEDS", appending(feeds, shared),
                                         priority=process.settings.getpriority("FEEDS") or 0)
                crawler = process.create_crawler(name)
                try:
                    running: Any = process.crawl(crawler, **arguments[name])
                    await (maybe_deferred_to_future(running) if isinstance(running, Deferred)
                           else running)
                except Exception as exc:  # one broken spider must not stop the others
                    logger.error("Spider %s crashed: %r", name, exc, exc_info=True)
                    crashed[name] = repr(exc)
                    release_locks_of(crawler)  # its outlets may be the next spiders' too
                seen = [o for o in finished_runs if o.spider == name]
                if seen:
                    outcomes[name] = seen[-1]
                if name in outcomes and outcomes[name].signalled \
                        or finish_reason(crawler) == "shutdown":
                    break  # interrupted (SIGTERM / Ctrl-C): do not start the next spider

        def stop(result: Any) -> None:
            from twisted.internet import reactor
            if isinstance(result, Failure):  # a bug here: say so, the summary says who ran
                logger.error("crawlall stopped: %s", result.getErrorMessage(),
                             exc_info=(result.type, result.value, result.getTracebackObject()))
                crashed.setdefault("crawlall", result.getErrorMessage())
            if reactor.running:
                reactor.stop()

        def begin() -> None:
            deferred_from_coro(run_all()).addBoth(stop)

        from twisted.internet import reactor
        reactor.callWhenRunning(begin)
        process.start(stop_after_crawl=False)
        close_open_reports()  # a forced shutdown left the running spider's report open
        for outcome in finished_runs:
            if outcome.spider in names and outcome.spider not in outcomes:
                outcomes[outcome.spider] = outcome
        lines = [summary_line(n, outcomes.get(n), crashed.get(n)) for n in names]
        print("\n".join(lines), flush=True)
        for uri in emptied:
            path = local_path(uri)
            if path is not None and path.exists() and path.stat().st_size == 0:
                logger.warning("Feed %s was overwritten with no items: no spider exported "
                               "anything new. Use -o to append instead of -O.", uri)
        interrupted = any(o.signalled for o in outcomes.values())  # the later did not run
        not_run = len(outcomes) + len(crashed) < len(names) and not interrupted
        self.exitcode = exit_status(list(outcomes.values()), failed=bool(crashed) or not_run)
