"""One crawl of a spider at a time on one state store: a lock taken before anything is written.

Two crawls of one spider on one ``DATA_DIR`` (a cron job starting while the last one still
runs) share the article state: each reads it before the other has recorded what it
exported, so both fetch every article, and both export one the other holds unexported (a
second version 1, or two different version 2s of an edited article). :class:`RunLock`
holds ``flock`` on ``<state dir>/<spider>.lock`` (beside ``STATE_PATH``, by default
``DATA_DIR/state/belta.lock``) from the moment the crawl's components are built until the
spider closes; the OS releases it when the process dies, so a killed crawl never leaves a
stale lock. A second crawl is refused before it downloads or writes anything, as a refused
JOBDIR is: an ERROR naming the lock file and the pid holding it, finish reason
``run_locked``, exit status 1.

Distributed workers (``REDIS_URL``) take no lock: their state and frontier live in Redis,
made for overlapping workers; nor does a replay, whose state is in memory unless
``STATE_PATH`` names a file. ``RUN_LOCK=False`` switches it off, e.g. for district papers
crawled side by side as separate runs (``-a sites=…``) that never share an article.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import IO, Any

from scrapy import signals
from scrapy.exceptions import CloseSpider, NotConfigured

from archive.fileio import lock_exclusive, lock_holder
from crawler.extensions.run_verdict import RUN_LOCKED
from crawler.state import state_path

logger = logging.getLogger(__name__)


def lock_path(settings: Any, spider_name: str) -> Path:
    """The spider's lock file, in the folder of the state store it guards."""
    return state_path(settings).parent / f"{spider_name}.lock"


def acquire(path: Path) -> IO[bytes] | None:
    """Lock ``path`` (created if need be) and write this pid into it; None when another
    process holds it."""
    return lock_exclusive(path, f"{os.getpid()}\n")


class RunLock:
    """Take the spider's lock when the crawl's components are built; refuse the run if held."""

    def __init__(self, crawler: Any) -> None:
        settings = crawler.settings
        if not settings.getbool("RUN_LOCK", True):
            raise NotConfigured("RUN_LOCK is off")
        if settings.get("REDIS_URL") and not settings.get("WARC_REPLAY"):
            raise NotConfigured("distributed workers share their state in Redis")
        if str(state_path(settings)) == ":memory:":
            raise NotConfigured("the state is this crawl's own (replay keeps it in memory)")
        self.name = crawler.spidercls.name
        self.path = lock_path(settings, self.name)
        self.handle = acquire(self.path)
        if self.handle is None:
            logger.error("Another crawl of %s is running on this state store: %s is locked by "
                         "pid %s. Nothing was crawled; run again once it has finished.",
                         self.name, self.path, lock_holder(self.path))

    @classmethod
    def from_crawler(cls, crawler: Any) -> RunLock:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self) -> None:
        if self.handle is None:  # closed once open, so that every component closes normally
            raise CloseSpider(RUN_LOCKED)

    def spider_closed(self) -> None:
        if self.handle is not None:
            self.handle.close()  # releases the flock; the file stays (unlinking it would race)
            self.handle = None
