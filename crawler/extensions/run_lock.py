"""One crawl of an outlet at a time on one state store: locks taken before anything is written.

Two crawls of one outlet on one ``DATA_DIR`` (a cron job starting while the last one still
runs, or ``crawl site -a url=https://www.belta.by/`` beside ``crawl belta``) share its article
state: each reads it before the other has recorded what it exported, so both fetch every
article, and both export one the other holds unexported (a second version 1, or two different
version 2s of an edited article). :class:`RunLock` holds ``flock`` on ``<state dir>/<key>.lock``
for each outlet the spider crawls (beside ``STATE_PATH``, by default ``DATA_DIR/state/belta.lock``
for БЕЛТА, ``pvestnik.by.lock`` for a district paper or a site crawled by its address) from the
moment the crawl's components are built until the spider closes; the OS releases them when the
process dies, so a killed crawl never leaves a stale lock. Crawls of different outlets run side
by side (two ``crawl site`` runs of two sites, ``regional -a sites=…`` of disjoint papers). A
crawl one of whose outlets is locked is refused before it downloads or writes anything, as a
refused JOBDIR is: an ERROR naming the outlet, the lock file and the pid holding it, finish
reason ``run_locked``, exit status 1.

Distributed workers (``REDIS_URL``) take no lock: their state and frontier live in Redis,
made for overlapping workers; nor does a replay, whose state is in memory unless
``STATE_PATH`` names a file. ``RUN_LOCK=False`` switches it off.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from scrapy import signals
from scrapy.exceptions import CloseSpider, NotConfigured

from archive.fileio import lock_exclusive, lock_holder
from crawler.extensions.run_verdict import RUN_LOCKED
from crawler.state import state_path

logger = logging.getLogger(__name__)
MAX_NAME = 200  # bytes of a lock file's name before ".lock" (file systems allow 255)


def lock_path(settings: Any, outlet_key: str) -> Path:
    """The outlet's lock file, in the folder of the state store it guards (a key a row gives
    may hold any character: one that is no file name's is escaped; a long one is cut and
    told apart by its digest)."""
    name = quote(outlet_key, safe="")
    if len(name.encode()) > MAX_NAME:  # a 300-character key: "File name too long" at start
        digest = hashlib.sha256(outlet_key.encode()).hexdigest()[:16]
        name = f"{name[:MAX_NAME - 17]}-{digest}"
    return state_path(settings).parent / f"{name}.lock"


def acquire(path: Path) -> IO[bytes] | None:
    """Lock ``path`` (created if need be) and write this pid into it; None when another
    process holds it."""
    return lock_exclusive(path, f"{os.getpid()}\n")


class RunLock:
    """Take the locks of the spider's outlets when the crawl's components are built (its
    sites are known by then); refuse the run if one is held."""

    def __init__(self, crawler: Any) -> None:
        settings = crawler.settings
        if not settings.getbool("RUN_LOCK", True):
            raise NotConfigured("RUN_LOCK is off")
        if settings.get("REDIS_URL") and not settings.get("WARC_REPLAY"):
            raise NotConfigured("distributed workers share their state in Redis")
        if str(state_path(settings)) == ":memory:":
            raise NotConfigured("the state is this crawl's own (replay keeps it in memory)")
        self.handles: list[IO[bytes]] = []
        self.refused = False
        for key in outlet_keys(crawler):
            path = lock_path(settings, key)
            try:
                handle = acquire(path)
            except OSError:  # a full disk refusing this lock's note: the ones taken go too
                self.release()
                raise
            if handle is None:
                logger.error("Another crawl of %s is running on this state store: %s is locked "
                             "by pid %s. Nothing was crawled; run again once it has finished.",
                             key, path, lock_holder(path))
                self.release()
                self.refused = True
                return
            self.handles.append(handle)

    def release(self) -> None:
        for handle in self.handles:
            handle.close()  # releases the flock; the file stays (unlinking it would race)
        self.handles = []

    @classmethod
    def from_crawler(cls, crawler: Any) -> RunLock:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self) -> None:
        if self.refused:  # closed once open, so that every component closes normally
            raise CloseSpider(RUN_LOCKED)

    def spider_closed(self) -> None:
        self.release()


def release_locks_of(crawler: Any) -> None:
    """Let go of the locks a crawl still holds: one that crashed after its extensions were
    built but before its spider opened (a component that failed to build) never sees
    spider_closed, and ``crawlall`` runs the next spiders in the same process, one of which
    may crawl the same outlet (a site row at БЕЛТА's address)."""
    try:
        lock = crawler.get_extension(RunLock)
    except RuntimeError:  # it crashed before its extensions were built: it took no lock
        return
    if lock is not None:
        lock.release()


def outlet_keys(crawler: Any) -> list[str]:
    """The keys of the outlets the crawl's spider crawls, sorted (two crawls taking several
    never wait on each other: a lock held is a refusal, not a wait); its name when it names
    none (a spider of no outlet)."""
    spider = getattr(crawler, "spider", None)
    outlets = getattr(spider, "outlets", None)
    if not callable(outlets):
        return [crawler.spidercls.name]
    return sorted({outlet.key for outlet in outlets()})
