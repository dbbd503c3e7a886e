"""Payload-digest index deciding when a capture becomes a revisit record.

SQLite in WAL mode with a busy timeout (:mod:`archive.sqlite_shared`), so several crawler
processes writing into one folder can share it. An index cut short or damaged is refused
(DigestIndexDamaged), never rebuilt over: read as new, it would forget every original a
later revisit could refer to.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from .errors import ArchiveWriteError
from .sqlite_shared import is_damaged, open_whole, os_refusal, refusal_text, what_to_do

DEFAULT_NAME = "digests.sqlite3"
SCHEMA = """CREATE TABLE IF NOT EXISTS digests (
    url TEXT NOT NULL, digest TEXT NOT NULL, date TEXT NOT NULL,
    target_uri TEXT NOT NULL, record_id TEXT NOT NULL,
    PRIMARY KEY (url, digest));"""


class DigestIndexDamaged(ArchiveWriteError):
    """The digest index is cut short or damaged; it is left as it is."""

    def __init__(self, path: str | Path, cause: BaseException):
        self.path, self.cause = str(path), cause
        OSError.__init__(self, f"digest index {path} is damaged: {cause}. Move it aside to "
                         f"start afresh (a payload archived before is then written whole "
                         f"again, not as a revisit) or put back a copy; it was left as it is")

    def __reduce__(self):  # its own arguments: the base's carry ``what``, never set here
        return type(self), (self.path, self.cause)


class DigestIndexUnusable(ArchiveWriteError):
    """The digest index is not damaged, yet cannot be opened or written (``refused``: what
    the OS refused, and where); it is left as it is."""

    def __init__(self, path: str | Path, cause: BaseException, refused: OSError):
        self.path, self.cause, self.refused = str(path), cause, refused
        OSError.__init__(self, f"digest index {path} cannot be opened: {refusal_text(refused)} "
                         f"({cause}). {what_to_do(refused)}, then run again; it was not "
                         f"found damaged and is left as it is")

    def __reduce__(self):
        return type(self), (self.path, self.cause, self.refused)


@dataclass(frozen=True)
class DigestEntry:
    """The original capture a revisit refers to."""

    date: str  # WARC-Date of the original response record
    target_uri: str
    record_id: str


class DigestIndex:
    """(url, payload digest) -> original capture; first writer wins."""

    def __init__(self, path: str | Path, timeout: float = 30.0):
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            self._db = open_whole(self.path, timeout, SCHEMA)
        except (sqlite3.DatabaseError, OSError) as exc:
            if is_damaged(exc):
                raise DigestIndexDamaged(self.path, exc) from exc
            refused = os_refusal(self.path, exc)
            if refused is not None:
                raise DigestIndexUnusable(self.path, exc, refused) from exc
            raise

    def lookup(self, url: str, digest: str) -> DigestEntry | None:
        with self._lock:
            row = self._db.execute(
                "SELECT date, target_uri, record_id FROM digests WHERE url=? AND digest=?",
                (url, digest),
            ).fetchone()
        return DigestEntry(*row) if row else None

    def add(self, url: str, digest: str, date: str, target_uri: str, record_id: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR IGNORE INTO digests VALUES (?, ?, ?, ?, ?)",
                (url, digest, date, target_uri, record_id),
            )

    def add_many(self, rows: list[tuple[str, str, str, str, str]]) -> None:
        """Rows of (url, digest, date, target_uri, record_id) in one transaction: the writer
        commits them together once the records they name are on disk."""
        if not rows:
            return
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany("INSERT OR IGNORE INTO digests VALUES (?, ?, ?, ?, ?)", rows)
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> DigestIndex:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
