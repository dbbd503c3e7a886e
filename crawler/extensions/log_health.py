"""A log that cannot be written is an alarm, not a healthy run with its log cut short.

With ``LOG_FILE`` (or stderr redirected) on a disk that fills up, Python's logging prints
"--- Logging error ---" and a traceback per message to stderr, on the full disk or lost, and
carries on: the run ended healthy, exit 0, its log stopping mid-line. A log file on a disk
full from the start failed the run at its very end with an uncaught traceback (the handler's
close). Here Scrapy's root handler's failures are counted (``log/write_failed``), the first
one's file and reason kept (``log/failed``) for the run report's alarm, and nothing is
printed: the report (under ``DATA_DIR/reports``) is then the run's record.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from typing import Any

from scrapy import signals
from scrapy.utils.log import get_scrapy_root_handler

FAILED = "log/write_failed"  # messages (or flushes) the log lost
FAILED_WHERE = "log/failed"  # "<file>: <reason>" of the first failure

_WATCHED = "_log_health_watched"  # set on a handler once its failures are told
_LIVE: list[LogHealth] = []  # the process's running crawlers (crawlall runs several)
_EARLY: list[tuple[str, BaseException | None]] = []  # failures before any crawler ran


class LogHealth:
    """Counts what Scrapy's root log handler fails to write, for this crawler's report.

    Scrapy replaces its root handler when a crawl starts (after the extensions are made),
    closing the one it had: both are watched, as is each a later crawl of the process
    installs; a failure counts in every crawler running then (their messages go there)."""

    def __init__(self, crawler: Any) -> None:
        self.stats = crawler.stats
        _LIVE.append(self)
        while _EARLY:  # (the first crawler's report carries them)
            self.failed(*_EARLY.pop(0))
        watch_log()
        crawler.signals.connect(self.engine_started, signal=signals.engine_started)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Any) -> LogHealth:
        return cls(crawler)

    def failed(self, where: str, exc: BaseException | None) -> None:
        self.stats.inc_value(FAILED)
        if not self.stats.get_value(FAILED_WHERE):
            reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            self.stats.set_value(FAILED_WHERE, f"{where}: {reason}")

    def engine_started(self) -> None:
        watch_log()

    def engine_stopped(self) -> None:
        with contextlib.suppress(ValueError):
            _LIVE.remove(self)


def _tell(where: str, exc: BaseException | None) -> None:
    if not _LIVE:
        _EARLY.append((where, exc))
    for live in list(_LIVE):
        live.failed(where, exc)


def quiet_log_errors() -> None:
    """No traceback on stderr per message a handler fails to write: a crawl command's
    process counts them instead (its first messages, logged before any command code runs,
    and those of a handler a crawler makes before its extensions, are only not dumped)."""
    logging.raiseExceptions = False


def watch_log() -> None:
    """Tell the running crawlers what Scrapy's root handler fails to write, instead of a
    traceback on stderr (wrapped once per handler). The crawl commands call it before their
    crawlers exist: making one closes the process's first handler, whose close failed."""
    handler = get_scrapy_root_handler()
    if handler is None or isinstance(handler, logging.NullHandler) \
            or getattr(handler, _WATCHED, False):
        return
    setattr(handler, _WATCHED, True)
    where = str(getattr(handler, "baseFilename", None) or getattr(
        getattr(handler, "stream", None), "name", None) or "the log")
    flush, close = handler.flush, handler.close

    def handle_error(record: logging.LogRecord) -> None:
        _tell(where, sys.exc_info()[1])

    def checked_flush() -> None:
        try:
            flush()
        except (OSError, ValueError) as exc:
            _tell(where, exc)

    def checked_close() -> None:  # (a file handler's close flushes what it buffered)
        try:
            close()
        except (OSError, ValueError) as exc:
            _tell(where, exc)

    handler.handleError = handle_error  # type: ignore[method-assign]
    handler.flush = checked_flush  # type: ignore[method-assign]
    handler.close = checked_close  # type: ignore[method-assign]
