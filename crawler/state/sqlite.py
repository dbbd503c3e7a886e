"""The default state backend: one SQLite file under DATA_DIR, safe for concurrent runs."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archive.sqlite_shared import connect_shared, open_whole
from crawler.items import capture_stamp
from crawler.state import (
    CHECK_TIME_SLACK,
    ArticleRecord,
    StateUnavailable,
    bad_check_time,
    damaged_because,
    say_bad_check_time,
    state_path,
)

logger = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    url TEXT PRIMARY KEY,
    id TEXT NOT NULL,
    digest TEXT NOT NULL,
    version INTEGER NOT NULL,
    first_captured TEXT NOT NULL,
    captured TEXT NOT NULL,
    published TEXT
);
CREATE TABLE IF NOT EXISTS signatures (
    id TEXT PRIMARY KEY,
    signature BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS removals (
    url TEXT PRIMARY KEY,
    observed TEXT NOT NULL
);
"""
# Made at the first check, not at open: a store an older crawler wrote (without it) then opens
# and is read with no byte written, on a full disk too. A table added later goes here as well.
STAMP_SHAPE = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*"
CHECKS = """
CREATE TABLE IF NOT EXISTS checks (
    url TEXT PRIMARY KEY,
    checked TEXT NOT NULL
);
"""
# Where each local JSON-lines feed file's unrecorded items start (crawler.state.feed_tails).
FEED_TAILS = """
CREATE TABLE IF NOT EXISTS feed_tails (
    path TEXT PRIMARY KEY,
    recorded_to INTEGER NOT NULL
);
"""
# Which run wrote each watched feed file, and for which of its feeds: an item is recorded from
# a file only when every feed of its run holds it (crawler.state.feed_tails).
FEED_RUNS = """
CREATE TABLE IF NOT EXISTS feed_runs (
    path TEXT PRIMARY KEY,
    run TEXT NOT NULL,
    feed TEXT NOT NULL
);
"""
TRIES = """
CREATE TABLE IF NOT EXISTS tries (
    url TEXT PRIMARY KEY,
    tried TEXT NOT NULL
);
"""


class SQLiteStateStore:
    """Articles and MinHash signatures in SQLite (WAL: readers never block the writer).

    Every ``put`` is its own transaction, so a killed crawl leaves exactly the records of
    items that were exported before the kill.
    """

    def __init__(self, path: Path | str, busy_timeout_ms: int = 30_000) -> None:
        self.path = Path(path)
        self.damaged: dict[str, str] = {}  # URL -> why its record could not be read
        self.bad_check_times: dict[str, str] = {}  # URL -> why its check/try time was dropped
        try:
            if str(path) == ":memory:":
                self.db = connect_shared(":memory:", busy_timeout_ms / 1000, SCHEMA)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.db = open_whole(self.path, busy_timeout_ms / 1000, SCHEMA)
        except (sqlite3.Error, OSError) as exc:
            raise StateUnavailable(self.path, exc) from exc

    def check_writable(self) -> None:
        """Take and release the write lock: a read-only file or folder, or a lock another
        process holds past the busy timeout, fails here rather than at the first export."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("ROLLBACK")
        except sqlite3.Error as exc:
            raise StateUnavailable(self.path, exc) from exc

    @classmethod
    def from_settings(cls, settings: Any) -> SQLiteStateStore:
        return cls(state_path(settings), settings.getint("STATE_BUSY_TIMEOUT_MS", 30_000))

    def get(self, url: str) -> ArticleRecord | None:
        """The article's record; None also for a damaged one (edited by hand, written by a
        tool that is not this crawler): said once, and the article's next export replaces it."""
        row = self.db.execute(
            "SELECT url, id, digest, version, first_captured, captured, published"
            " FROM articles WHERE url = ?", (url,)).fetchone()
        if not row:
            return None
        return self._readable(row)

    def _readable(self, row: Sequence[Any]) -> ArticleRecord | None:
        """The record of an articles row, or None for a damaged one, said once (by ``get``
        and by the re-check scan alike: either may meet it first)."""
        why = damaged_because(row)
        if why is None:
            return ArticleRecord(*row)
        url = row[0]
        if url not in self.damaged:
            self.damaged[url] = why
            logger.error("State store %s: the record of %s is damaged (%s): the article is "
                         "taken as never exported, and its next export replaces the record",
                         self.path, url, why)
        return None

    def put(self, record: ArticleRecord, signature: bytes | None = None,
            feed_tails: Sequence[tuple[str, int]] = ()) -> None:
        """Store a record; with ``feed_tails`` ((feed file, end of the item's line) pairs)
        move those files' recorded ends in the same transaction."""
        with self.db:  # one transaction: BEGIN ... COMMIT
            self.db.execute("BEGIN IMMEDIATE")
            if feed_tails:
                if not self.has_table("feed_tails"):
                    self.db.execute(FEED_TAILS)
                self.db.executemany("INSERT OR REPLACE INTO feed_tails (path, recorded_to)"
                                    " VALUES (?, ?)", feed_tails)
            self.db.execute(
                "INSERT OR REPLACE INTO articles"
                " (url, id, digest, version, first_captured, captured, published)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (record.url, record.id, record.digest, record.version, record.first_captured,
                 record.captured, record.published))
            if signature is not None:
                self.db.execute("INSERT OR REPLACE INTO signatures (id, signature) VALUES (?, ?)",
                                (record.id, signature))

    def signatures(self) -> Iterator[tuple[str, bytes]]:
        yield from self.db.execute("SELECT id, signature FROM signatures ORDER BY rowid")

    def signature(self, article_id: str) -> bytes | None:
        row = self.db.execute("SELECT signature FROM signatures WHERE id = ?",
                              (article_id,)).fetchone()
        return row[0] if row else None

    def removal(self, url: str) -> str | None:
        row = self.db.execute("SELECT observed FROM removals WHERE url = ?", (url,)).fetchone()
        return row[0] if row else None

    def set_removal(self, url: str, observed: str | None) -> None:
        if observed is None:  # autocommit: each statement is its own transaction
            self.db.execute("DELETE FROM removals WHERE url = ?", (url,))
        else:
            self.db.execute("INSERT OR REPLACE INTO removals (url, observed) VALUES (?, ?)",
                            (url, observed))

    def watch_feed(self, path: str, recorded_to: int, run: str | None = None,
                   feed: str | None = None) -> None:
        """Note a local JSON-lines feed file whose items from byte ``recorded_to`` on are not
        recorded yet: a run killed between writing an item and recording it leaves its line
        there for the next run to record (crawler.state.feed_tails). ``run`` and ``feed`` say
        whose file it is; without them the file keeps what it was given before."""
        with self._creating("feed_tails", FEED_TAILS) as db:
            db.execute("INSERT OR REPLACE INTO feed_tails (path, recorded_to) VALUES (?, ?)",
                       (path, recorded_to))
            if run is not None:
                if not self.has_table("feed_runs"):
                    db.execute(FEED_RUNS)
                db.execute("INSERT OR REPLACE INTO feed_runs (path, run, feed) VALUES (?, ?, ?)",
                           (path, run, feed if feed is not None else path))

    def feed_tails(self) -> list[tuple[str, int]]:
        """(feed file, recorded up to this byte) of every watched feed file."""
        if not self.has_table("feed_tails"):
            return []
        return self.db.execute("SELECT path, recorded_to FROM feed_tails ORDER BY path"
                               ).fetchall()

    def feed_runs(self) -> dict[str, tuple[str, str]]:
        """Feed file -> (run, feed) of the watched files whose run said so."""
        if not self.has_table("feed_runs"):
            return {}
        return {path: (run, feed) for path, run, feed
                in self.db.execute("SELECT path, run, feed FROM feed_runs")}

    def forget_feed(self, path: str, recorded_to: int) -> None:
        """Stop watching a feed file recorded to its end (unless a run moved it on since)."""
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            gone = self.db.execute("DELETE FROM feed_tails WHERE path = ? AND recorded_to = ?",
                                   (path, recorded_to)).rowcount
            if gone and self.has_table("feed_runs"):
                self.db.execute("DELETE FROM feed_runs WHERE path = ?", (path,))

    def has_table(self, name: str) -> bool:
        return self.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                               (name,)).fetchone() is not None

    def set_checked(self, url: str, checked: str) -> None:
        """Note when an old article was last re-checked (crawler.rechecks); its retry note
        goes in the same transaction, so it waits its full cadence."""
        with self._creating("checks", CHECKS) as db:
            db.execute("INSERT OR REPLACE INTO checks (url, checked) VALUES (?, ?)",
                       (url, checked))
            if self.has_table("tries"):
                db.execute("DELETE FROM tries WHERE url = ?", (url,))

    def set_tried(self, url: str, tried: str) -> None:
        """Note when an old article's re-check was last asked for: one that fails (a 503, a
        timeout) is never checked, and would otherwise stay first in line for every run."""
        with self._creating("tries", TRIES) as db:
            db.execute("INSERT OR REPLACE INTO tries (url, tried) VALUES (?, ?)", (url, tried))

    @contextmanager
    def _creating(self, table: str, ddl: str) -> Iterator[sqlite3.Connection]:
        """A write transaction that first makes ``table`` when the store has none yet: a
        table a newer version added is created at its first write, so an older store still
        opens unchanged on a full disk."""
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            if not self.has_table(table):
                self.db.execute(ddl)
            yield self.db

    def due_checks(self, before: str, retry_before: str | None = None,
                   wanted: Callable[[str], bool] | None = None
                   ) -> Iterator[tuple[ArticleRecord, str]]:
        """Articles last checked (else last captured) before ``before`` (UTC ISO 8601, as
        both are written) and, with ``retry_before``, last tried before it (or never),
        oldest check first, with that time: read lazily, the caller stops at its budget."""
        self.drop_bad_check_times(datetime.now(UTC))
        last = "COALESCE(c.checked, a.captured)" if self.has_table("checks") else "a.captured"
        joined = " LEFT JOIN checks c ON c.url = a.url" if last != "a.captured" else ""
        where, args = f"{last} < ?", [before]
        if retry_before is not None and self.has_table("tries"):
            joined += " LEFT JOIN tries t ON t.url = a.url"
            where += " AND (t.tried IS NULL OR t.tried < ?)"
            args.append(retry_before)
        rows = self.db.execute(
            "SELECT a.url, a.id, a.digest, a.version, a.first_captured, a.captured,"
            f" a.published, {last} AS last FROM articles a{joined}"
            f" WHERE {where} ORDER BY last, a.url", args)
        for row in rows:
            if wanted is None or not isinstance(row[0], str) or wanted(row[0]):
                # (``wanted``: the URLs the caller asks; a URL that is no text is said)
                record = self._readable(row[:7])
                if record is not None:  # a damaged one waits for its next export
                    yield record, row[7]

    def drop_bad_check_times(self, now: datetime) -> None:
        """Drop the check and try times no run wrote (edited by hand: no text, no ISO 8601
        time, before 1970, ahead of now), each said once with its URL: a time years ahead
        kept its article from being re-checked ever again. The article is then due as one
        never checked (nor tried), by its capture time. SQL picks the suspects (text not
        shaped as capture_stamp writes it, or out of range), so a sound state costs one
        scan and no Python per row."""
        for table, column, kind in (("checks", "checked", "re-check"), ("tries", "tried", "try")):
            if not self.has_table(table):
                continue
            suspects = self.db.execute(
                f"SELECT url, {column} FROM {table} WHERE typeof({column}) != 'text'"
                f" OR {column} NOT GLOB ? OR {column} < '1970-01-01T' OR {column} > ?",
                (STAMP_SHAPE, capture_stamp(now + CHECK_TIME_SLACK))).fetchall()
            bad = [(url, why) for url, value in suspects
                   if (why := bad_check_time(value, now)) is not None]
            for url, why in bad:
                say_bad_check_time(str(self.path), kind, str(url), why, self.bad_check_times)
            if bad:
                self._delete_rows(table, [url for url, _ in bad])

    def _delete_rows(self, table: str, urls: list[Any]) -> None:
        try:
            with self.db:
                self.db.executemany(f"DELETE FROM {table} WHERE url = ?", [(u,) for u in urls])
        except sqlite3.Error as exc:  # read-only, full: the scan goes on; the next run again
            logger.warning("State store %s: the damaged times of %d article(s) could not be "
                           "dropped (%s)", self.path, len(urls), exc)

    def close(self) -> None:
        self.db.close()
