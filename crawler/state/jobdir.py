"""JOBDIR: a frontier that survives a kill, belongs to one crawl, and agrees with the state store.

With ``JOBDIR``, :class:`JobScheduler` keeps the pending requests, the seen fingerprints, the
requests in flight and the spider's ``state`` in ``JOBDIR/<spider>/frontier.sqlite3``
(:mod:`crawler.state.frontier` says why not Scrapy's own files). Each spider gets its own
subfolder, so one JOBDIR may serve every spider (``crawlall``); a frontier is resumed only by
the spider and arguments that wrote it, anything else is refused with a message saying what
to do.

A finished crawl empties its frontier: the next scheduled run reads feeds and listings afresh
and the state store skips what is known. An interrupted one (SIGTERM, SIGKILL, a CloseSpider
limit) keeps it, seen set included, so the resumed run fetches only what is left.

Without JOBDIR the dupefilter deduplicates within a run only (:class:`JobDirDupeFilter`), and
file feeds write every item through to the OS before the state store advances
(:class:`crawler.extensions.feed_export.DurableFileFeedStorage`).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import pickle
import sqlite3
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.core.scheduler import Scheduler
from scrapy.dupefilters import RFPDupeFilter
from scrapy.exceptions import CloseSpider
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.request import request_from_dict

from archive.fileio import disk_full, sqlite_failure
from archive.sqlite_shared import is_damaged, os_refusal, refusal_text, what_to_do
from crawler.extensions.run_verdict import (
    FRONTIER_AFRESH_ERRORS,
    FRONTIER_ERROR_FILE,
    FRONTIER_ERRORS,
    FRONTIER_KEPT,
    FRONTIER_WRITE_ERROR,
)
from crawler.state.frontier import Frontier

logger = logging.getLogger(__name__)
FRONTIER_FILE = "frontier.sqlite3"
LOCK_FILE = "lock"  # flock()ed by the crawl using the frontier
RUN_KEY = "run_id"  # frontier job metadata: the id of the run the frontier belongs to
# frontier job metadata: the run's discovery figures so far, for the session resuming it
DISCOVERY_KEY = "discovery"
DISCOVERY_PREFIX = "discovery/"
# judged when a session closes, from what the whole run found: never carried over
NOT_CARRIED = ("discovery/archive_silent/", "discovery/archive_silent_days/")
MISMATCH_REASON = "jobdir_mismatch"
# request.meta flag: its work was lost (its response could not be archived); the frontier
# keeps it leased, so the run resuming the frontier asks for it again
UNFINISHED = "frontier_unfinished"
_PLAIN = (str, int, float, bool, date, type(None))
_NOT_ARGUMENTS = {"name", "start_urls"}  # spider class attributes, the same for every run
# Scrapy's own JOBDIR files, written by this crawler before JobScheduler: never resumed.
_LEGACY = ("requests.queue", "requests.seen", "spider.state")


def spider_arguments(spider: Spider) -> dict[str, Any]:
    """What a spider was asked to crawl: its public attributes of plain values (``-a`` values
    become attributes; OutletSpider keeps ``since``/``until``, RegionalSpider ``site_keys``)."""
    found: dict[str, Any] = {}
    for key, value in sorted(vars(spider).items()):
        items = value if isinstance(value, list | tuple) else [value]
        if key.startswith("_") or key in _NOT_ARGUMENTS or not all(isinstance(v, _PLAIN) for v in items):
            continue
        found[key] = json.loads(json.dumps(value, default=str))
    return found


def job_identity(spider: Spider) -> dict[str, Any]:
    return {"spider": spider.name, "arguments": spider_arguments(spider)}


def spider_jobdir(jobdir: str | Path, spider_name: str) -> Path:
    """The spider's own folder in a JOBDIR that every spider may share."""
    return Path(jobdir) / spider_name


class JobScheduler(Scheduler):
    """Scrapy's scheduler, with the JOBDIR disk queue replaced by a :class:`Frontier`.

    Without JOBDIR it is Scrapy's scheduler unchanged. Requests that cannot be serialized
    stay in memory, as in Scrapy (their fingerprints too, so a resumed run may fetch them).
    Leases are released when the engine no longer holds the request (``engine._slot``:
    Scrapy 2.19 has no public signal for "completely handled, items included"); the engine
    asks for the next request right after it lets one go, so that is where they are settled.
    """

    frontier: Frontier | None = None
    closing = False
    run_id: str | None = None  # with JOBDIR: the run's id, kept for the session resuming it
    saved_figures: bytes | None = None  # the discovery figures last written to the frontier

    @classmethod
    def from_crawler(cls, crawler: Any) -> JobScheduler:
        scheduler = super().from_crawler(crawler)
        crawler.job_scheduler = scheduler  # its run_id names the WARC files' run (capture)
        return scheduler

    def _dqdir(self, jobdir: str | None) -> str | None:
        return jobdir or None  # no requests.queue: the frontier lives in the spider's folder

    def open(self, spider: Spider) -> Any:
        if not self.dqdir:
            return super().open(spider)
        self.spider = spider
        self.mqs = self._mq()
        self.dqs = None
        self.leases: dict[Request, int] = {}
        self.kept: dict[Request, int] = {}  # leases keep_unfinished kept, by request
        self.after: dict[Request, Request] = {}  # a kept lease let go -> what must end first
        self.memory_seen: set[bytes] = set()
        self.saved_state: bytes | None = None
        warn_legacy(Path(self.dqdir))
        path = spider_jobdir(self.dqdir, spider.name) / FRONTIER_FILE
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.lock = (path.parent / LOCK_FILE).open("a")
        except OSError as exc:  # a read-only or full disk
            return self._refuse_with("JOBDIR %s cannot be written (%s). Nothing was crawled.",
                                     self.dqdir, exc)
        try:
            fcntl.flock(self.lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return self._refuse_with(
                "JOBDIR %s: another crawl of %s is running with this frontier (%s). Nothing "
                "was crawled.", self.dqdir, spider.name, path)
        try:
            frontier, stored, state, spider_state = read_frontier(path)
        except sqlite3.Error as exc:
            if is_damaged(exc):
                return self._refuse_damaged(path, exc)
            return self._refuse_unusable(path, exc)  # the file is fine: keep it
        except (ValueError, pickle.UnpicklingError, AttributeError, EOFError,
                ImportError) as exc:
            return self._refuse_damaged(path, exc)
        except OSError as exc:  # a new frontier is created aside, then linked into place
            return self._refuse_unusable(path, exc)
        identity = job_identity(spider)
        if stored not in (None, identity) and not frontier.is_empty():
            frontier.close()
            return self._refuse_with(
                "JOBDIR %s holds the unfinished crawl of %s with arguments %s; this crawl is "
                "%s with arguments %s. Resume it with the same arguments, or delete %s to "
                "start afresh. Nothing was crawled.", self.dqdir, stored.get("spider"),
                json.dumps(stored.get("arguments")), identity["spider"],
                json.dumps(identity["arguments"]), path.parent)
        try:
            frontier.set("identity", json.dumps(identity).encode())
            returned = frontier.requeue_leased()
        except sqlite3.Error as exc:
            with contextlib.suppress(sqlite3.Error):
                frontier.close()
            return self._refuse_unusable(path, exc)
        if not frontier.pending and frontier.seen_count():
            self._start_afresh(frontier)
        self.run_id = join_run(frontier)
        spider.state = spider_state  # type: ignore[attr-defined]
        self.saved_state = state
        self.frontier = frontier
        self._carry_figures(frontier)
        if frontier.pending:
            logger.info("Resuming crawl from %s: %d requests queued (%d of them were in flight "
                        "when the last run stopped), %d seen", path, frontier.pending,
                        returned, frontier.seen_count())
            self.stats.set_value("scheduler/resumed", frontier.pending)
        return self.df.open()

    def _carry_figures(self, frontier: Frontier) -> None:
        """Add the discovery figures of the run's stopped session(s) to this session's: the
        feeds and listings they read are seen and not read again, and the run is judged on
        what all its sessions were offered (run_verdict), not on this session's part."""
        try:
            raw = frontier.get(DISCOVERY_KEY)
            saved = json.loads(raw) if raw else None
        except (sqlite3.Error, ValueError) as exc:
            logger.warning("Discovery figures of the stopped session in %s unreadable (%s): "
                           "this session counts only its own", frontier.path, exc)
            return
        if not isinstance(saved, dict) or saved.get("run") != self.run_id \
                or not isinstance(saved.get("figures"), dict):
            return  # none, or of an earlier run: this session starts its run
        add_figures(self.stats, saved["figures"])
        self.saved_figures = raw
        logger.info("Discovery: %d figures of the stopped session(s) of this run counted on",
                    len(saved["figures"]))

    def _changed_figures(self) -> dict[str, bytes]:
        """The run's discovery figures, as job metadata, when they changed since saved."""
        figures = discovery_figures(self.stats.get_stats())
        data = json.dumps({"run": self.run_id, "figures": figures}, sort_keys=True).encode()
        if data == self.saved_figures:
            return {}
        self.saved_figures = data
        return {DISCOVERY_KEY: data}

    def _start_afresh(self, frontier: Frontier) -> None:
        """Nothing queued nor in flight, yet fingerprints seen: the last crawl did all its
        work and was killed before it emptied the frontier. Resumed, its feeds and listings
        would be "seen" and nothing fetched; started afresh, the state store skips what
        it exported."""
        logger.info("The crawl in %s had finished its work when it was stopped: starting "
                    "afresh", frontier.path)
        try:
            frontier.clear()
        except sqlite3.Error as exc:  # resumed as it is: the run fetches little, says why
            logger.error("JOBDIR frontier %s cannot be written (%s): it is resumed as it "
                         "is, and what it saw is not fetched again", frontier.path,
                         sqlite_failure(frontier.path, exc))
            self._count_failure(frontier, FRONTIER_AFRESH_ERRORS)

    def _refuse_full(self, path: Path, exc: sqlite3.Error) -> Any:
        return self._refuse_with(
            "JOBDIR %s: the frontier %s cannot be written (%s). Free space on its disk and "
            "run again: the run resumes from it. Nothing was crawled.", self.dqdir, path,
            sqlite_failure(path, exc))

    def _refuse_unusable(self, path: Path, exc: Exception) -> Any:
        """Not damaged, yet it cannot be opened or written: say what the OS refused, where
        (a folder out of inodes, a file of another user...), and keep the frontier."""
        refused = os_refusal(path, exc)
        if refused is None and disk_full(path.parent, exc) is not None:
            return self._refuse_full(path, exc)
        reason = f"{type(exc).__name__}: {exc}"
        if refused is not None and refused is not exc:
            reason = f"{refusal_text(refused)}; SQLite said {reason}"
        elif refused is not None:
            reason = refusal_text(refused)
        return self._refuse_with(
            "JOBDIR %s: the frontier %s cannot be opened for writing (%s). %s and run again: "
            "the run resumes from it (it was not found damaged, and is left as it is). "
            "Nothing was crawled.", self.dqdir, path, reason,
            what_to_do(refused) if refused is not None else "Put that right")

    def _refuse_damaged(self, path: Path, exc: Exception) -> Any:
        return self._refuse_with(
            "JOBDIR %s: the frontier %s cannot be used (%s): it is damaged, or an other "
            "version of this crawler wrote it. Delete %s to start afresh (the state store "
            "keeps what was exported). Nothing was crawled.", self.dqdir, path,
            f"{type(exc).__name__}: {exc}", path.parent)

    def _refuse_with(self, message: str, *args: Any) -> Any:
        logger.error(message, *args)
        # Refused once the spider is open, so that every component closes normally.
        self.crawler.signals.connect(self._refuse, signal=signals.spider_opened)
        return self.df.open()

    def _refuse(self) -> None:
        raise CloseSpider(MISMATCH_REASON)

    def enqueue_request(self, request: Request) -> bool:
        if not self.dqdir:
            return super().enqueue_request(request)
        if self.frontier is None:
            return False  # refused JOBDIR: the spider is closing
        fp = None if request.dont_filter else self.crawler.request_fingerprinter.fingerprint(
            request)
        try:
            data = pickle.dumps(request.to_dict(spider=self.spider), protocol=4)
        except (pickle.PicklingError, AttributeError, TypeError, ValueError) as exc:
            return self._enqueue_in_memory(request, fp, exc)
        try:
            added = self.frontier.add(fp, request.priority,
                                      bool(request.meta.get("is_start_request")), data)
        except sqlite3.Error as exc:  # not queued; its parent's lease stays: found again
            self._frontier_failed(exc)
            return False
        if not added:
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/disk")
        self.stats.inc_value("scheduler/enqueued")
        return True

    def _enqueue_in_memory(self, request: Request, fp: bytes | None, exc: Exception) -> bool:
        if fp is not None:
            if fp in self.memory_seen or self.frontier.is_seen(fp):
                self.df.log(request, self.spider)
                return False
            self.memory_seen.add(fp)
        if self.logunser:
            logger.warning("Unable to serialize request %s (%s): kept in memory, lost if the "
                           "crawl is killed", request, exc)
            self.logunser = False
        self.stats.inc_value("scheduler/unserializable")
        self._mqpush(request)
        self.stats.inc_value("scheduler/enqueued/memory")
        self.stats.inc_value("scheduler/enqueued")
        return True

    def next_request(self) -> Request | None:
        if self.frontier is None:
            return super().next_request() if not self.dqdir else None
        self.settle()
        request: Request | None = self.mqs.pop()
        if request is not None:
            self.stats.inc_value("scheduler/dequeued/memory")
        else:
            request = self._lease()
            if request is None:
                return None
            self.stats.inc_value("scheduler/dequeued/disk")
        self.stats.inc_value("scheduler/dequeued")
        return request

    def _lease(self) -> Request | None:
        try:
            return self._lease_loadable()
        except sqlite3.Error as exc:
            self._frontier_failed(exc)
            return None

    def _lease_loadable(self) -> Request | None:
        assert self.frontier is not None
        while (leased := self.frontier.lease()) is not None:
            row_id, data = leased
            try:
                request = request_from_dict(pickle.loads(data), spider=self.spider)
            except Exception as exc:  # a queue written by other code (a renamed callback)
                self.frontier.drop(row_id)
                self.stats.inc_value("scheduler/unloadable")
                logger.error("Dropped a queued request of %s that this code cannot load: %s",
                             self.frontier.path, exc)
                continue
            self.leases[request] = row_id
            return request
        return None

    def settle(self) -> int:
        """Release the leases of requests the engine has finished with; how many."""
        slot = getattr(self.crawler.engine, "_slot", None) if self.crawler else None
        if self.frontier is None or not self.leases or slot is None:
            return 0
        done = [r for r in self.leases
                if r not in slot.inprogress and self.after.get(r) not in slot.inprogress]
        finished = [r for r in done if not r.meta.get(UNFINISHED)]
        if finished:
            try:
                self.frontier.release([self.leases[r] for r in finished],
                                      self._changed_state(), self._changed_figures())
            except sqlite3.Error as exc:  # still leased in the file: the next run redoes them
                self._frontier_failed(exc)
                return 0
        for request in done:
            del self.leases[request]
            self.after.pop(request, None)
        if len(done) > len(finished):
            self.stats.inc_value("scheduler/unfinished", len(done) - len(finished))
        return len(done)

    def keep_unfinished(self, request: Request) -> bool:
        """Keep ``request`` leased however the engine lets go of it (its download was given
        up at shutdown, its answer held for later: crawler.sitecrawl): the next run fetches
        it. False when it holds no lease (kept in memory, or no JOBDIR). A frontier that
        failed a write keeps its leases in the file."""
        leases = getattr(self, "leases", {})
        if request not in leases:
            return False
        request.meta[UNFINISHED] = True
        self.kept[request] = leases[request]
        return True

    def release_kept(self, request: Request, after: Request | None = None) -> bool:
        """The work of a request :meth:`keep_unfinished` kept was done after all (its held
        answer read): its lease is released as a finished one's once the engine holds
        neither it nor ``after`` (the request in whose callback it was done: its items are
        through the pipelines by then, the requests it handed over queued). Kept, a session
        stopped before the run finished fetched it again. False if none is kept."""
        row = getattr(self, "kept", {}).pop(request, None)
        if row is None:
            return False
        request.meta.pop(UNFINISHED, None)
        self.leases[request] = row
        if after is not None:
            self.after[request] = after
        return True

    def _frontier_failed(self, exc: sqlite3.Error) -> None:
        """The frontier cannot be written (a full disk): stop the crawl, saying so once. The
        file keeps its last commit, leases included, and the next run resumes from it."""
        frontier, self.frontier = self.frontier, None
        assert frontier is not None
        logger.error("JOBDIR frontier %s cannot be written (%s); stopping the crawl. What it "
                     "holds is kept: the next run resumes from it.", frontier.path,
                     sqlite_failure(frontier.path, exc))
        self._count_failure(frontier)
        with contextlib.suppress(sqlite3.Error):
            frontier.close()
        if not self.closing:
            deferred_from_coro(self.crawler.engine.close_spider_async(
                reason=FRONTIER_WRITE_ERROR))

    def _count_failure(self, frontier: Frontier, key: str = FRONTIER_ERRORS) -> None:
        """Count a failed frontier write under ``key``, and name the file: the run report
        alarms on it (a write that fails when the spider closes stops nothing, yet the next
        run resumes a frontier that is not what this run left; one that fails clearing a
        finished crawl at the start leaves this run resuming it)."""
        self.stats.inc_value(key)
        self.stats.set_value(FRONTIER_ERROR_FILE, str(frontier.path))

    def _changed_state(self) -> bytes | None:
        state = getattr(self.spider, "state", None)
        if state is None:
            return None
        try:
            data = pickle.dumps(state, protocol=4)
        except (pickle.PicklingError, AttributeError, TypeError) as exc:
            logger.warning("Spider state cannot be saved: %s", exc)
            return None
        if data == self.saved_state:
            return None
        self.saved_state = data
        return data

    def _close_frontier(self, frontier: Frontier, reason: str) -> None:
        try:
            state = self._changed_state()
            if state is not None:
                frontier.set("spider_state", state)
            for key, value in self._changed_figures().items():
                frontier.set(key, value)
            if reason == "finished" and not len(self) and not self.leases:
                frontier.clear()
            elif kept := frontier.pending + frontier.leased():
                logger.info("Kept %d unfinished requests in %s for the next run (%s)",
                            kept, frontier.path, reason)
                self.stats.set_value(FRONTIER_KEPT, kept)  # a limit's stop is resumable
        finally:
            frontier.close()

    def has_pending_requests(self) -> bool:
        return len(self) > 0

    def __len__(self) -> int:
        if self.frontier is None:
            return super().__len__() if not self.dqdir else 0
        return len(self.mqs) + self.frontier.pending

    def close(self, reason: str) -> Any:
        if not self.dqdir:
            return super().close(reason)
        self.closing = True
        if self.frontier is not None:
            self.settle()  # what the engine still holds (nothing, unless forced) stays leased
        frontier = self.frontier
        if frontier is not None:
            try:
                self._close_frontier(frontier, reason)
            except sqlite3.Error as exc:
                logger.error("JOBDIR frontier %s cannot be written (%s): the next run resumes "
                             "from its last commit.", frontier.path,
                             sqlite_failure(frontier.path, exc))
                self._count_failure(frontier)
            self.frontier = None
        if getattr(self, "lock", None) is not None:
            self.lock.close()  # releases the flock
            self.lock = None
        return self.df.close(reason)


def read_frontier(path: Path) -> tuple[Frontier, dict[str, Any] | None, bytes | None,
                                       dict[str, Any]]:
    """The frontier, the identity of the crawl that wrote it and its spider state (as saved,
    and unpickled), all read before anything is changed: a damaged file or another
    version's layout fails here, and is left as it is."""
    frontier = Frontier(path)
    try:
        stored = frontier.identity()
        if stored is not None and not isinstance(stored, dict):
            raise ValueError(f"its identity is {stored!r}, no object")
        frontier.is_empty()
        state = frontier.get("spider_state")
        spider_state = pickle.loads(state) if state else {}
    except BaseException:
        frontier.close()
        raise
    return frontier, stored, state, spider_state


def join_run(frontier: Frontier) -> str:
    """The run this session belongs to: a frontier with requests left is resumed, and so is
    its run (a SIGTERM, a reboot: the stopped and the resumed session are one run, and a
    replay takes the probes of both); else a new run, its id kept for the sessions resuming
    it."""
    with contextlib.suppress(sqlite3.Error):  # read: it was opened, read and written
        if frontier.pending and (stored := frontier.get(RUN_KEY)):
            return stored.decode("ascii", "replace")
    run = uuid.uuid4().hex
    try:
        frontier.set(RUN_KEY, run.encode("ascii"))
    except sqlite3.Error as exc:  # a full disk, as clearing a finished crawl can meet
        logger.warning("JOBDIR frontier %s cannot keep this run's id (%s): a session "
                       "resuming this run names another run in its WARC files", frontier.path,
                       sqlite_failure(frontier.path, exc))
    return run


def discovery_figures(stats: dict[str, Any]) -> dict[str, Any]:
    """The stats of what discovery was offered and found (``discovery/``), as JSON values."""
    return {key: value for key, value in sorted(stats.items())
            if key.startswith(DISCOVERY_PREFIX) and not key.startswith(NOT_CARRIED)
            and isinstance(value, int | float | str | list) and not isinstance(value, bool)}


def add_figures(stats: Any, figures: dict[str, Any]) -> None:
    """Add an earlier session's figures to this one's: counts summed, lists (URLs) joined,
    a value (an example, a zone) kept as the earlier session found it unless this one set it."""
    for key, value in figures.items():
        if not isinstance(key, str) or not key.startswith(DISCOVERY_PREFIX):
            continue
        current = stats.get_value(key)
        if isinstance(value, bool):
            continue
        if isinstance(value, int | float):
            stats.inc_value(key, value)
        elif isinstance(value, list):
            stats.set_value(key, [*value, *(current if isinstance(current, list) else [])])
        elif current is None:
            stats.set_value(key, value)


def warn_legacy(jobdir: Path) -> None:
    """Say so when JOBDIR still holds Scrapy's own queue files, which are never resumed."""
    found = [name for name in _LEGACY if (jobdir / name).exists()]
    if found:
        logger.warning("JOBDIR %s holds %s in Scrapy's own format, written by an earlier "
                       "version of this crawler: not resumed (whose spider they belong to is "
                       "unknown, and a kill may have torn them). Delete them.", jobdir,
                       ", ".join(found))


class JobDirDupeFilter(RFPDupeFilter):
    """RFPDupeFilter that never persists fingerprints to ``JOBDIR/requests.seen``.

    After a restart, feeds are read again and the article requests they yield pass; the
    incremental middleware and pipeline skip what the state store already holds.
    """

    def __init__(self, path: str | None = None, debug: bool = False, **kwargs: Any) -> None:
        super().__init__(None, debug, **kwargs)
