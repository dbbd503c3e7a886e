"""Articles that vanish after publication: observations with their evidence, never verdicts.

A known article (one whose canonical URL the state store holds: an item was exported for it)
that is fetched again and now answers 404, 410 or 451, or whose redirects end on a page that
is no article (the home page, a rubric), or whose 2xx answer is the page the site gives for
a path that names nothing (a soft 404, a parked domain: crawler.softremovals), is *observed
removed*; one recorded removed that
gives its article again is *observed restored*. Each observation is one JSON line in
``DATA_DIR/removals/<spider>-<time>-<pid>.jsonl`` (schema: archive/schema/removal.schema.json),
appended and fsynced before the state store records the article as removed or back
(crawler.state.StateStore.set_removal): a removal is written once while it lasts, and one
lost in a crash or a failed write is observed again by the next run.

Who observes: :class:`~crawler.spidermiddlewares.removals.RemovalMiddleware` (answers) and
:class:`~crawler.pipelines.removals.RestoredArticlePipeline` (an article extracted again).
This module holds what they share: the observation, the file, the state and the run report
section (``crawler.removal_log``).
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.exceptions import IgnoreRequest

from archive.fileio import append_whole, create_exclusive, sqlite_failure
from crawler.failures import NON_ARTICLE, OFF_SITE
from crawler.outlets import get_outlet, outlet_for_url
from crawler.outlets.base import Outlet
from crawler.state import shared_state
from crawler.urls import canonical_url, is_article_url

logger = logging.getLogger(__name__)

REMOVAL_STATUSES = frozenset({404, 410, 451})
REMOVED, RESTORED = "removed", "restored"
MAX_LISTED = 1000  # observations listed in the run report (all are counted and written)


class ArticleRemoved(IgnoreRequest):
    """The answer to a known article says it is gone: observed, so no failure to report."""


def asked_url(request: Request) -> str:
    """What a request asked for: its URL, or the first URL of its redirect chain."""
    return (request.meta.get("redirect_urls") or [request.url])[0]


def asked_article(request: Request | None, url: str) -> tuple[Outlet | None, str]:
    """The outlet and canonical URL of the article a request (``url``, or the first URL of its
    redirect chain) asked for."""
    asked = asked_url(request) if request is not None else url
    key = request.cb_kwargs.get("outlet_key") if request is not None else None
    outlet = get_outlet(key) if key else outlet_for_url(asked)
    return outlet, canonical_url(asked, outlet)


def left_article(spider: Any, outlet: Outlet, url: str, final: str) -> str | None:
    """Why a redirect of the article ``url`` (canonical, of ``outlet``) that ended on ``final``
    left it (a failure reason): ``OFF_SITE``, another site's page (another known outlet's
    page at the article's own path is that outlet's article, not this one), or
    ``NON_ARTICLE``, a page of its site that is no article. None when it ended on the article
    itself, on another article of the outlet (a move), or on the article's own path and query
    on a host no outlet has: the outlet moved to a new domain (blocked outlets do;
    :func:`new_host` names it). The run's ``spider`` says which outlet a URL is and which
    pages are articles, when it knows (the site spider's outlets are its own)."""
    owner = _owner(spider, final)
    if owner not in (outlet.key, None):
        return OFF_SITE
    if canonical_url(final, outlet) == url:
        return None  # its own path (http -> https, a slash added, a new domain)
    if owner is None:
        return OFF_SITE
    judge = getattr(spider, "is_article_url", None) or is_article_url
    return None if judge(outlet, final) else NON_ARTICLE


def new_host(spider: Any, outlet: Outlet, final: str) -> str | None:
    """The host a redirect of one of ``outlet``'s articles landed on when no outlet has it
    (the outlet moved to a new domain), else None."""
    return None if _owner(spider, final) is not None else urlsplit(final).hostname


def _owner(spider: Any, url: str) -> str | None:
    """The key of the outlet ``url`` is of: the run's (``spider.outlet_of``, when it has
    one), else any published outlet or site row; None for a host no outlet has. By key: the
    site spider's outlets are copies of the published ones get_outlet gives."""
    resolve = getattr(spider, "outlet_of", None)
    found = (resolve(url) if resolve else None) or outlet_for_url(url)
    return getattr(found, "key", None)


@dataclass(frozen=True)
class Observation:
    """One line of a removals file."""

    event: str  # REMOVED or RESTORED
    url: str  # the article's canonical URL (as in the items)
    id: str  # the article id (as in the items)
    source: str  # outlet key
    observed_at: str  # UTC capture time of the answer
    status: int  # HTTP status of the last answer
    final_url: str | None  # where a redirect chain ended (None: not redirected)
    warc: dict[str, Any] | None  # the last answer's response record, as items point at theirs
    redirects: list[dict[str, Any]] = field(default_factory=list)  # {url, status, warc} per 3xx
    removed_at: str | None = None  # restored: when the removal was observed
    # a removal a 2xx answer hid (crawler.softremovals): {reason, matched, wording, probe}
    evidence: dict[str, Any] | None = None


class RemovalLog:
    """The run's removals file, the state of removed articles and the report section."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.store = shared_state(crawler)
        self.directory = Path(crawler.settings.get("DATA_DIR") or "data") / "removals"
        self.started = datetime.now(UTC)
        self.path: Path | None = None
        self.fd: int | None = None
        self.listed: list[dict[str, Any]] = []
        # canonical URL -> (status, final URL) of a 2xx answer for an article recorded removed:
        # restored once extraction gives its article (RestoredArticlePipeline)
        self.returning: dict[str, tuple[int, str | None]] = {}

    def removed_since(self, url: str) -> str | None:
        return self.store.removal(url)

    def record(self, seen: Observation) -> bool:
        """Write the observation durably, then advance the state; False if it could not be
        written (logged at ERROR and counted: the run is unhealthy, the next run sees it again)."""
        try:
            self._append(json.dumps(asdict(seen), ensure_ascii=False) + "\n")
        except OSError as exc:  # ERROR once, WARNING for the next ones (a full disk)
            first = not self.stats.get_value("removals/not_written")
            self.stats.inc_value("removals/not_written")
            logger.log(logging.ERROR if first else logging.WARNING,
                       "Removal observation of %s not written to %s: %s; the next run "
                       "observes it again", seen.url, self.path or self.directory, exc)
            return False
        try:
            self.store.set_removal(seen.url, seen.observed_at if seen.event == REMOVED else None)
        except Exception as exc:  # any backend's failure (a full disk): written, not recorded
            self._not_recorded(seen, exc)
            return False
        self.stats.inc_value(f"articles/{seen.event}")
        where = f" (redirected to {seen.final_url})" if seen.final_url else ""
        if seen.evidence:
            where += f" ({seen.evidence['reason']}: matched {seen.evidence['matched']})"
        logger.info("Article %s: %s answered %d%s", seen.event, seen.url, seen.status, where)
        if len(self.listed) < MAX_LISTED:
            self.listed.append({"event": seen.event, "url": seen.url, "status": seen.status,
                                "final_url": seen.final_url, "observed_at": seen.observed_at})
        return True

    def _not_recorded(self, seen: Observation, exc: Exception) -> None:
        """Said at ERROR once (with "No space left on device" for a full disk), WARNING for
        the next ones; counted, an alarm. The line is in the file: the next run, seeing the
        article still gone, writes it again and records it."""
        first = not self.stats.get_value("removals/not_recorded")
        self.stats.inc_value("removals/not_recorded")
        path = getattr(self.store, "path", None)
        reason = (sqlite_failure(Path(path), exc) if isinstance(exc, sqlite3.Error) and path
                  and str(path) != ":memory:" else str(exc))
        logger.log(logging.ERROR if first else logging.WARNING,
                   "Removal observation of %s written to %s, but not recorded in the state "
                   "store %s: %s; the next run observes it again", seen.url, self.path,
                   path or type(self.store).__name__, reason)

    def _open(self) -> int:
        """The run's file, created on the first observation (O_EXCL: no two runs share it)."""
        if self.fd is not None:
            return self.fd
        spider = getattr(self.crawler.spider, "name", "crawl")
        stamp = self.started.replace(microsecond=0).isoformat().replace(":", "-")
        _, self.path, self.fd = create_exclusive(  # named as the run's items file is
            self.directory, lambda run: f"{spider}-{run}.jsonl", f"{stamp}-{os.getpid()}",
            os.O_WRONLY | os.O_APPEND)
        return self.fd

    def _append(self, line: str) -> None:
        """Write the whole line and fsync it; a failed write leaves no half line behind."""
        fd = self._open()
        append_whole(fd, line.encode("utf-8"), os.fstat(fd).st_size, sync=True)

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def report(self) -> dict[str, Any]:
        """The run report's ``removals`` section."""
        stats = self.stats
        return {"file": str(self.path) if self.path else None,
                "removed": int(stats.get_value("articles/removed", 0)),
                "restored": int(stats.get_value("articles/restored", 0)),
                "still_removed": int(stats.get_value("articles/still_removed", 0)),
                "not_written": int(stats.get_value("removals/not_written", 0)),
                "not_recorded": int(stats.get_value("removals/not_recorded", 0)),
                "observations": list(self.listed)}


def removal_log(crawler: Any) -> RemovalLog:
    """One log per crawler, shared by the middleware, the pipeline and the run report."""
    log = getattr(crawler, "removal_log", None)
    if log is None:
        log = crawler.removal_log = RemovalLog(crawler)
        crawler.signals.connect(lambda: log.close(), signal=signals.engine_stopped, weak=False)
    return log
