"""What scheduled runs remember between runs: one record per article, and text signatures.

Backends implement :class:`StateStore`; the SQLite one is the default and a Redis one (for
scrapy-redis mode) plugs in through ``STATE_BACKEND``. Callers never see SQL or Redis commands.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from scrapy import signals
from scrapy.utils.misc import load_object

from archive.fileio import DiskFull, disk_full
from archive.sqlite_shared import is_damaged, os_refusal, refusal_text, what_to_do

DEFAULT_BACKEND = "crawler.state.sqlite.SQLiteStateStore"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ArticleRecord:
    """The last exported version of an article, keyed by its canonical URL."""

    url: str
    id: str
    digest: str  # of the normalised text (see crawler.extraction.text_fingerprint.text_digest)
    version: int
    first_captured: str  # UTC ISO 8601 capture time of version 1
    captured: str  # UTC ISO 8601 capture time of this version
    published: str | None  # the article's own publication date, ISO 8601


RECORD_FIELDS = ("url", "id", "digest", "version", "first_captured", "captured", "published")

# A check or try time further ahead than this is none a run wrote (a clock's skew is less)
CHECK_TIME_SLACK = timedelta(days=1)
UNIX_START = datetime(1970, 1, 1, tzinfo=UTC)


def bad_check_time(value: Any, now: datetime) -> str | None:
    """Why a stored re-check (or try) time is none a run wrote, or None. Edited by hand, a
    time years ahead kept the article from ever being re-checked, and one that is no time
    at all crashed or stalled the scan: such a time is dropped and said (the callers)."""
    if not isinstance(value, str):  # as every run writes it: capture_stamp's text
        return f"{value!r} is no text"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return f"{value!r} is no ISO 8601 time"
    if moment.tzinfo is None:
        return f"{value!r} names no UTC offset"
    return _out_of_range(value, moment, now)


def bad_check_epoch(score: float, now: datetime) -> str | None:
    """:func:`bad_check_time` for a time kept as epoch seconds (a Redis sorted set's score)."""
    if score != score or score in (float("inf"), float("-inf")):
        return f"{score!r} is no time"
    try:
        moment = datetime.fromtimestamp(score, UTC)
    except (OverflowError, OSError, ValueError):
        return f"{score!r} is out of any calendar's range"
    return _out_of_range(repr(score), moment, now)


def _out_of_range(said: str, moment: datetime, now: datetime) -> str | None:
    if moment < UNIX_START:
        return f"{said} is before 1970"
    if moment > now + CHECK_TIME_SLACK:
        return f"{said} is ahead of now ({now.isoformat(timespec='seconds')})"
    return None


def say_bad_check_time(store: str, kind: str, url: str, why: str, told: dict[str, str]) -> None:
    """One ERROR per URL (``told`` keeps them) for a check or try time dropped as bad."""
    if url in told:
        return
    told[url] = why
    logger.error("State store %s: the %s time of %s is damaged (%s): it is dropped, and the "
                 "article is re-checked as one never %s (by its capture time)", store, kind,
                 url, why, "checked" if kind == "re-check" else "tried")


def damaged_because(row: Sequence[Any]) -> str | None:
    """Why a stored article row is no record this crawler wrote, or None. SQLite keeps any
    value in any column: a version of 'x' crashed each run's export of the article, one of
    -3 made a version -2 the item schema dropped, at every run."""
    version = row[3]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        return f"version {version!r} is no whole number from 1"
    for name, value in zip(RECORD_FIELDS, row, strict=True):
        if name == "version" or (name == "published" and value is None):
            continue
        if not isinstance(value, str):
            return f"{name} {value!r} is no text"
    return None


@runtime_checkable
class StateStore(Protocol):
    """The whole interface a backend offers; keep it small so Redis can mirror it."""

    def get(self, url: str) -> ArticleRecord | None:
        """The record for a canonical URL, or None for an article never exported."""

    def put(self, record: ArticleRecord, signature: bytes | None = None) -> None:
        """Store a record (and the text's MinHash signature) atomically, replacing older ones."""

    def signatures(self) -> Iterator[tuple[str, bytes]]:
        """(article id, signature) pairs, to rebuild the near-duplicate index at open."""

    def signature(self, article_id: str) -> bytes | None:
        """The signature of the article's last exported text, or None (none was stored):
        what a new version's text is compared with (crawler.pipelines.incremental)."""

    def removal(self, url: str) -> str | None:
        """When the article at a canonical URL was recorded removed (UTC ISO 8601), or None
        while it is not (see crawler.removals): a removal is recorded once, not every run."""

    def set_removal(self, url: str, observed: str | None) -> None:
        """Record the article removed as observed at ``observed``, or (None) back again."""

    def close(self) -> None:
        """Release connections; the store must be consistent after every ``put`` anyway."""


@runtime_checkable
class KeepsFeedTails(StateStore, Protocol):
    """A store that also knows how far each local feed file's items are recorded (SQLite):
    a kill between an item's export and its record then costs no second export."""

    def put(self, record: ArticleRecord, signature: bytes | None = None,
            feed_tails: Sequence[tuple[str, int]] = ()) -> None:
        """:meth:`StateStore.put`, moving ``feed_tails`` (file, recorded to) in the same
        transaction."""

    def watch_feed(self, path: str, recorded_to: int, run: str | None = None,
                   feed: str | None = None) -> None:
        """Watch a feed file whose items from byte ``recorded_to`` on are not recorded,
        written by ``run`` for its ``feed`` (kept from before when not given)."""

    def feed_tails(self) -> list[tuple[str, int]]:
        """Every watched feed file and how far its items are recorded."""

    def feed_runs(self) -> dict[str, tuple[str, str]]:
        """Feed file -> (run, feed) of the watched files whose run was given."""

    def forget_feed(self, path: str, recorded_to: int) -> None:
        """Stop watching a file recorded up to its end."""


class StateUnavailable(RuntimeError):
    """The state store cannot be opened or written: damaged, read-only, or locked."""

    def __init__(self, path: Path, cause: BaseException) -> None:
        self.path, self.cause = path, cause
        super().__init__(f"State store {path} cannot be used: {cause}. "
                         f"{advice(cause, path)}")


def advice(cause: BaseException, path: Path | None = None) -> str:
    """What a user can do about a state store (at ``path``) that failed with ``cause``."""
    text = str(cause)
    if is_damaged(cause):
        return ("The file is damaged: move it aside to start afresh (the next run then exports "
                "every article it finds again, as version 1) or put back a copy.")
    if "locked" in text:
        return ("Another process holds it locked (longer than STATE_BUSY_TIMEOUT_MS): run "
                "again once it has let go.")
    refused = (os_refusal(path, cause) or disk_full(path.parent, cause)) if path else None
    if refused is not None:  # not damaged: say what the OS refused, and where
        left = f" ({refused.left})" if isinstance(refused, DiskFull) else ""
        return (f"{refusal_text(refused)}{left}. {what_to_do(refused)}, then run again (the "
                "file was not found damaged: keep it).")
    if "disk is full" in text:  # (no file to look at)
        return "No space left on device: free space on its disk, then run again."
    return "Make it and its folder writable, then run again."


def state_unusable_at_start(settings: Any) -> bool:
    """Open the SQLite state store and take its write lock once before any spider runs; on
    failure log one ERROR saying which file, why and what to do (no traceback per spider)."""
    from crawler.state.sqlite import SQLiteStateStore
    cls = load_object(settings.get("STATE_BACKEND") or DEFAULT_BACKEND)
    if not (isinstance(cls, type) and issubclass(cls, SQLiteStateStore)) \
            or str(state_path(settings)) == ":memory:":
        return False
    try:
        store = cls.from_settings(settings)
        try:
            store.check_writable()
        finally:
            store.close()
    except StateUnavailable as exc:
        logger.error("%s Nothing was crawled.", exc)
        return True
    return False


def state_path(settings: Any) -> Path:
    explicit = settings.get("STATE_PATH")
    if explicit:
        return Path(explicit)
    return Path(settings.get("DATA_DIR") or "data") / "state" / "state.sqlite3"


def open_state(settings: Any) -> StateStore:
    """The store ``STATE_BACKEND`` names, built with ``from_settings(settings)``."""
    cls = load_object(settings.get("STATE_BACKEND") or DEFAULT_BACKEND)
    store = cls.from_settings(settings)
    if not isinstance(store, StateStore):
        raise TypeError(f"STATE_BACKEND {cls!r} does not implement StateStore")
    return store


def shared_state(crawler: Any) -> StateStore:
    """One store per crawler, shared by the middleware and the pipeline."""
    store = getattr(crawler, "_article_state", None)
    if store is None:
        store = open_state(crawler.settings)
        crawler._article_state = store
        crawler.signals.connect(lambda: store.close(), signal=signals.engine_stopped, weak=False)
    return store


def opened_state(crawler: Any) -> StateStore | None:
    """The store a component of this run opened (the known-article filter, the incremental
    pipeline), or None: a run that keeps no state does not open one for a look-up."""
    return getattr(crawler, "_article_state", None)
