"""The default state backend: one SQLite file under DATA_DIR, safe for concurrent runs."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from archive.sqlite_shared import connect_shared
from crawler.state import ArticleRecord, StateUnavailable, state_path

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


HEADER = 100  # bytes of SQLite's file header; the page size is at 16-17 (1 for 65536)


def check_whole(path: Path) -> None:
    """Raise sqlite3.DatabaseError for a store cut short: empty (SQLite would take it for a
    new store, and every known article for new), shorter than its header, or ending mid-page
    (SQLite reads the missing bytes as zeros). A store is only ever written whole pages, and
    created whole by :func:`create_atomically`; the file is left as it is."""
    try:
        with path.open("rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            header = fh.read(HEADER)
    except FileNotFoundError:
        return
    if size == 0:
        raise sqlite3.DatabaseError("the file is empty (0 bytes): cut short by a crash or a "
                                    "full disk")
    if not header.startswith(b"SQLite format 3\0"):
        return  # SQLite's own check says "file is not a database"
    page = int.from_bytes(header[16:18], "big") if len(header) == HEADER else 0
    page = 65536 if page == 1 else page
    if len(header) < HEADER or not page or size % page:
        raise sqlite3.DatabaseError(f"the file is cut short: {size} bytes, not a whole number "
                                    f"of {page or '?'}-byte pages")


def create_atomically(path: Path) -> None:
    """Create a missing store empty but whole (its schema in it) under a temporary name, then
    link it into place, so that no process, nor a crash, ever sees an empty file at ``path``
    (:func:`check_whole` refuses one). A store another process created first is kept."""
    if path.exists():
        return
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".new")
    os.close(fd)
    tmp = Path(name)
    try:
        connect_shared(tmp, 0, SCHEMA).close()  # checkpointed: the file holds it all
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        except OSError:  # a filesystem without hard links
            if not path.exists():
                os.replace(tmp, path)
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)


class SQLiteStateStore:
    """Articles and MinHash signatures in SQLite (WAL: readers never block the writer).

    Every ``put`` is its own transaction, so a killed crawl leaves exactly the records of
    items that were exported before the kill.
    """

    def __init__(self, path: Path | str, busy_timeout_ms: int = 30_000) -> None:
        self.path = Path(path)
        try:
            if str(path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
                check_whole(self.path)
                create_atomically(self.path)
            self.db = connect_shared(self.path, busy_timeout_ms / 1000, SCHEMA)
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
        row = self.db.execute(
            "SELECT url, id, digest, version, first_captured, captured, published"
            " FROM articles WHERE url = ?", (url,)).fetchone()
        return ArticleRecord(*row) if row else None

    def put(self, record: ArticleRecord, signature: bytes | None = None) -> None:
        with self.db:  # one transaction: BEGIN ... COMMIT
            self.db.execute("BEGIN IMMEDIATE")
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

    def removal(self, url: str) -> str | None:
        row = self.db.execute("SELECT observed FROM removals WHERE url = ?", (url,)).fetchone()
        return row[0] if row else None

    def set_removal(self, url: str, observed: str | None) -> None:
        if observed is None:  # autocommit: each statement is its own transaction
            self.db.execute("DELETE FROM removals WHERE url = ?", (url,))
        else:
            self.db.execute("INSERT OR REPLACE INTO removals (url, observed) VALUES (?, ?)",
                            (url, observed))

    def close(self) -> None:
        self.db.close()
