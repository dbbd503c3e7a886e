"""One SQLite file that several processes share (the crawls of one WARC folder or DATA_DIR).

WAL and a busy timeout let them read and write side by side. The first switch of a new file
to WAL does not wait on the busy timeout, though: two processes creating the file at the same
moment used to fail one with "database is locked". The set-up is retried until the timeout.

Such a file is created whole and refused when cut short (:func:`open_whole`): SQLite reads an
empty file as a new database and the missing end of a last page as zeros, so a file cut by a
crash or a full disk (or a copy cut short) would silently lose what it held.
"""

from __future__ import annotations

import errno
import fcntl
import os
import sqlite3
import tempfile
import time
from pathlib import Path

from .fileio import disk_full

RETRY_PAUSE = 0.05  # seconds between set-up attempts
HEADER = 100  # bytes of SQLite's file header; the page size is at 16-17 (1 for 65536)


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


def check_whole(path: Path) -> None:
    """Raise sqlite3.DatabaseError for a file cut short: empty (SQLite would take it for a new
    database, and everything it held for unknown), shorter than its header, or ending
    mid-page (SQLite reads the missing bytes as zeros). Such a file is only ever written
    whole pages, and created whole by :func:`create_whole`; the file is left as it is."""
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


def create_whole(path: Path, schema: str) -> None:
    """Create a missing file empty but whole (``schema`` in it) under a temporary name, then
    link it into place (without hard links: :func:`_move_unless_there`), so that no process,
    nor a crash, ever sees an empty file at ``path`` (:func:`check_whole` refuses one). A file
    another process created first is kept."""
    if path.exists():
        return
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".new")
    os.close(fd)
    tmp = Path(name)
    try:
        _build(tmp, schema)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        except OSError:  # a filesystem without hard links
            _move_unless_there(tmp, path)
    finally:
        for leftover in (tmp, *(Path(f"{tmp}{end}") for end in ("-journal", "-wal", "-shm"))):
            leftover.unlink(missing_ok=True)


def _build(tmp: Path, schema: str) -> None:
    """Write ``schema`` into the new file ``tmp`` in one transaction with a rollback journal,
    then mark it WAL, raising what SQLite raises (a full disk: "database or disk is full").
    Not through a WAL: that needs room for the pages twice, and a checkpoint failing at close
    is not raised, which left a file cut short (read as "malformed") to be linked into place."""
    db = sqlite3.connect(str(tmp), isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=DELETE")
        db.executescript(f"BEGIN IMMEDIATE;\n{schema}\nCOMMIT;")
        mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    finally:
        db.close()
    _check_complete(tmp, mode)


def _check_complete(path: Path, mode: str) -> None:
    """Raise sqlite3.OperationalError unless the new file ``path`` is in WAL ``mode`` and
    holds every page its header counts: a file SQLite could not write whole is not put in
    place (what it could not write, it raised already; this is the last guard)."""
    with path.open("rb") as fh:
        size, header = os.fstat(fh.fileno()).st_size, fh.read(HEADER)
    page = int.from_bytes(header[16:18], "big") if len(header) == HEADER else 0
    page = 65536 if page == 1 else page
    pages = int.from_bytes(header[28:32], "big") if len(header) == HEADER else 0
    if mode != "wal" or not page or size != pages * page:
        raise sqlite3.OperationalError(
            f"the new file {path} could not be written whole ({size} bytes of {pages} "
            f"{page}-byte pages, journal mode {mode})")


def _move_unless_there(tmp: Path, path: Path) -> None:
    """Move ``tmp`` to a still missing ``path``, for a filesystem without hard links. A move
    replaces, so "missing?" and the move are one step under a lock on a sibling file (left in
    place: deleting it would let two processes lock two files): else a file another process
    created in between, and all it then wrote, would be put over by an empty one."""
    with path.with_name(f".{path.name}.lock").open("ab") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when closed
        if not path.exists():
            os.replace(tmp, path)


def open_whole(path: Path, timeout: float, schema: str) -> sqlite3.Connection:
    """:func:`connect_shared` to a file refused when cut short (:func:`check_whole`) and
    created whole when missing (:func:`create_whole`)."""
    check_whole(path)
    create_whole(path, schema)
    return connect_shared(path, timeout, schema)


def is_damaged(exc: BaseException) -> bool:
    """Whether opening or reading failed because the file is damaged (cut short, "not a
    database", "malformed"), not because it is locked, read-only or on a full disk."""
    return isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc,
                                                                     sqlite3.OperationalError)


def os_refusal(path: Path, exc: BaseException) -> OSError | None:
    """What the OS refused when opening or writing ``path`` failed with ``exc`` and the file
    is not damaged; None when nothing is found. SQLite only says "unable to open database
    file" or "attempt to write a readonly database" (a folder out of inodes, a file of
    another user, a read-only disk), so its steps are done again here: open the file and
    its ``-wal``/``-shm`` for writing, then look at its folder's disk (no byte written)."""
    if isinstance(exc, OSError):
        return exc
    if is_damaged(exc):
        return None
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            os.close(os.open(candidate, os.O_RDWR))
        except FileNotFoundError:
            continue
        except OSError as refused:
            return refused
    return _folder_refusal(path.parent)


def _folder_refusal(folder: Path) -> OSError | None:
    """What the OS refuses creating and growing a file in ``folder``, told without writing:
    a full disk (bytes or inodes, :func:`~archive.fileio.disk_full`), a read-only one, a
    folder the user may not write in. None when nothing is found."""
    try:
        stat = os.statvfs(folder)
    except OSError as refused:
        return OSError(refused.errno, refused.strerror, str(folder))
    if (full := disk_full(folder)) is not None:
        return full
    if stat.f_flag & os.ST_RDONLY:
        return OSError(errno.EROFS, os.strerror(errno.EROFS), str(folder))
    if not os.access(folder, os.W_OK | os.X_OK):
        return OSError(errno.EACCES, os.strerror(errno.EACCES), str(folder))
    return None


def refusal_text(refused: OSError) -> str:
    """``refused`` as a user reads it: what the OS said, and about which file or folder."""
    return f"{refused.strerror or refused}: {refused.filename}" if refused.filename \
        else str(refused.strerror or refused)


def what_to_do(refused: OSError) -> str:
    """What a user does about ``refused`` (no advice to delete: the file is not damaged)."""
    if refused.errno in (errno.ENOSPC, errno.EDQUOT):
        return "Free space on its disk (bytes, or inodes: df -i shows them)"
    if refused.errno == errno.EROFS:
        return "Mount its disk read-write"
    if refused.errno in (errno.EACCES, errno.EPERM):
        return "Give the user running the crawl read and write access to it and its folder"
    return "Put that right"
