"""A crash-safe crawl frontier: one SQLite database per spider under ``JOBDIR``.

Why not Scrapy's own JOBDIR files (read in Scrapy 2.19 and queuelib 1.10):

* ``LifoDiskQueue`` writes its item count into the file header only on ``close()``, through a
  buffered file. After a SIGKILL the file is empty or its header says 0: the next run either
  fails every push (``struct.error: unpack requires a buffer of 4 bytes``) or ignores what
  the file holds.
* ``requests.queue/active.json``, which says which priorities have queue files, is also
  written on a clean close only; after a kill the queue files on disk are never read.
* A popped request is gone from the queue while it is still being downloaded and parsed, yet
  ``requests.seen`` already holds it: a kill at that moment loses it for good.

Here every change is one SQLite transaction (WAL journal, ``synchronous=NORMAL``: a killed
process never loses a committed transaction; a power cut may lose the last few, all of a
transaction or none). A request's fingerprint enters ``seen`` in the same transaction that
queues it, so the two always agree. A pop is a *lease*: the row stays, marked leased, until
the engine has completely finished with the request (its follow-up requests queued in this
database, its items through every pipeline and feed); only then is it deleted. Leases left by
a killed run go back to the queue when the next run opens. So nothing once queued is lost;
at worst a request whose work was done right before the kill runs again, and the state store
drops its unchanged item.

The database also holds the spider's ``state`` dict (saved with the leases it reflects) and
the identity of the crawl that wrote it (spider and arguments), so that a frontier is only
ever resumed by the crawl it belongs to.

A new frontier is created whole and one cut short is refused, left as it is
(:func:`archive.sqlite_shared.open_whole`): SQLite would take an empty file for a new frontier
(its queued requests forgotten) and read the missing end of a last page as zeros.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from archive.sqlite_shared import check_whole, open_whole

TIMEOUT = 60.0  # seconds a write waits on the lock (only one crawl uses a frontier)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS job (key TEXT PRIMARY KEY, value BLOB);
CREATE TABLE IF NOT EXISTS seen (fp BLOB PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS queue (
    id INTEGER PRIMARY KEY,
    priority INTEGER NOT NULL,
    start INTEGER NOT NULL,  -- 1 for start requests: after others of the same priority, FIFO
    ord INTEGER NOT NULL,    -- order within a priority: +n (FIFO) or -n (LIFO)
    leased INTEGER NOT NULL DEFAULT 0,
    data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS pending ON queue (priority DESC, start, ord) WHERE leased = 0;
"""
_NEXT = ("SELECT id, data FROM queue WHERE leased = 0 "
         "ORDER BY priority DESC, start, ord LIMIT 1")


# What this code reads of a frontier: another version's layout fails here, unchanged.
_LAYOUT = ("SELECT key, value FROM job", "SELECT fp FROM seen",
           "SELECT id, priority, start, ord, leased, data FROM queue")


def check_layout(path: Path) -> None:
    """Raise sqlite3.Error for a file that is no frontier of this layout (cut short, damaged,
    or written by another version), before anything opens it for writing; a missing one
    passes. An empty file is refused: it is a frontier cut short, not a new one."""
    check_whole(path)
    if not path.exists():
        return
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=TIMEOUT)
    try:
        if db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            for sql in _LAYOUT:
                _read_layout(db, sql)
    finally:
        db.close()


def _read_layout(db: sqlite3.Connection, sql: str) -> None:
    """Run one query of the layout; a missing table or column (SQLite's plain SQLITE_ERROR)
    is raised as a DatabaseError, as damage is: a file this code cannot use, unlike a file
    the system would not open (an OperationalError of another code), which is kept."""
    try:
        db.execute(f"{sql} LIMIT 0").fetchall()
    except sqlite3.OperationalError as exc:
        if getattr(exc, "sqlite_errorcode", sqlite3.SQLITE_ERROR) != sqlite3.SQLITE_ERROR:
            raise
        raise sqlite3.DatabaseError(f"another version's layout ({exc})") from exc


class Frontier:
    """Pending requests (serialized), seen fingerprints, leases and job metadata."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        check_layout(path)
        self.db = open_whole(path, TIMEOUT, _SCHEMA)  # a new one created whole
        self.pending = self._count("SELECT count(*) FROM queue WHERE leased = 0")
        self._seq = self._count("SELECT coalesce(max(abs(ord)), 0) FROM queue")

    def _count(self, sql: str) -> int:
        return int(self.db.execute(sql).fetchone()[0])

    def leased(self) -> int:
        return self._count("SELECT count(*) FROM queue WHERE leased = 1")

    def seen_count(self) -> int:
        return self._count("SELECT count(*) FROM seen")

    def is_empty(self) -> bool:
        """Nothing queued, leased or seen: nothing a new crawl could wrongly resume."""
        return not (self.pending or self.leased() or self.seen_count())

    # --- job metadata ------------------------------------------------------------------
    def get(self, key: str) -> bytes | None:
        row = self.db.execute("SELECT value FROM job WHERE key = ?", (key,)).fetchone()
        return None if row is None else bytes(row[0])

    def set(self, key: str, value: bytes) -> None:
        self.db.execute("INSERT OR REPLACE INTO job (key, value) VALUES (?, ?)", (key, value))

    def identity(self) -> dict[str, Any] | None:
        raw = self.get("identity")
        return None if raw is None else json.loads(raw)

    # --- queue -------------------------------------------------------------------------
    def is_seen(self, fp: bytes) -> bool:
        return self.db.execute("SELECT 1 FROM seen WHERE fp = ?", (fp,)).fetchone() is not None

    def add(self, fp: bytes | None, priority: int, start: bool, data: bytes) -> bool:
        """Queue a request unless ``fp`` was seen (None: never filtered); False when it was."""
        self._seq += 1
        with self.db:  # BEGIN … COMMIT
            self.db.execute("BEGIN IMMEDIATE")
            if fp is not None:
                inserted = self.db.execute("INSERT OR IGNORE INTO seen (fp) VALUES (?)", (fp,))
                if inserted.rowcount == 0:
                    return False
            self.db.execute("INSERT INTO queue (priority, start, ord, data) VALUES (?, ?, ?, ?)",
                            (priority, int(start), self._seq if start else -self._seq, data))
        self.pending += 1
        return True

    def lease(self) -> tuple[int, bytes] | None:
        """The next request (highest priority first), now leased; None when none is pending."""
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            row = self.db.execute(_NEXT).fetchone()
            if row is None:
                return None
            self.db.execute("UPDATE queue SET leased = 1 WHERE id = ?", (row[0],))
        self.pending -= 1
        return int(row[0]), bytes(row[1])

    def release(self, ids: Iterable[int], state: bytes | None = None,
                job: dict[str, bytes] | None = None) -> None:
        """Forget finished requests (and record the spider state and the job metadata, e.g.
        the run's discovery figures, that go with them: a kill keeps the three in step)."""
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany("DELETE FROM queue WHERE id = ?", ((i,) for i in ids))
            if state is not None:
                self.set("spider_state", state)
            for key, value in (job or {}).items():
                self.set(key, value)

    def drop(self, row_id: int) -> None:
        """Forget a leased request that cannot be used (it stays seen)."""
        self.release([row_id])

    def requeue_leased(self) -> int:
        """Put the leases of a run that stopped without finishing them back in the queue."""
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            count = self.db.execute("UPDATE queue SET leased = 0 WHERE leased = 1").rowcount
        self.pending += count
        return count

    def clear(self) -> None:
        """The crawl is finished: the next one starts afresh (spider state and identity stay)."""
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("DELETE FROM queue")
            self.db.execute("DELETE FROM seen")
        self.pending = 0

    def close(self) -> None:
        try:
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:  # a checkpoint a full disk refused leaves the WAL for the next open
            self.db.close()
