"""Payload-digest index deciding when a capture becomes a revisit record.

SQLite in WAL mode with a busy timeout (:mod:`archive.sqlite_shared`), so several crawler
processes writing into one folder can share it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from .sqlite_shared import connect_shared

DEFAULT_NAME = "digests.sqlite3"
SCHEMA = """CREATE TABLE IF NOT EXISTS digests (
    url TEXT NOT NULL, digest TEXT NOT NULL, date TEXT NOT NULL,
    target_uri TEXT NOT NULL, record_id TEXT NOT NULL,
    PRIMARY KEY (url, digest));"""


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
        self._db = connect_shared(self.path, timeout, SCHEMA)

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

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> DigestIndex:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
