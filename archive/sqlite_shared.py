"""One SQLite file that several processes share (the crawls of one WARC folder or DATA_DIR).

WAL and a busy timeout let them read and write side by side. The first switch of a new file
to WAL does not wait on the busy timeout, though: two processes creating the file at the same
moment used to fail one with "database is locked". The set-up is retried until the timeout.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

RETRY_PAUSE = 0.05  # seconds between set-up attempts


def connect_shared(path: str | Path, timeout: float, schema: str) -> sqlite3.Connection:
    """A connection in autocommit mode, WAL, ``synchronous=NORMAL``, with ``schema`` (idempotent
    ``CREATE … IF NOT EXISTS`` statements) applied."""
    db = sqlite3.connect(str(path), timeout=timeout, isolation_level=None,
                         check_same_thread=False)
    db.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
    deadline = time.monotonic() + timeout
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(schema)
            return db
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                db.close()
                raise
            time.sleep(RETRY_PAUSE)
