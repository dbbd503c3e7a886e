"""Items a run exported but did not record: read back from its feed files by the next run.

An item is written to its feed first and recorded in the state store after, so a run killed
between the two left it exported and unknown, and the next run exported it again: one
article twice across the run files. A store that keeps feed tails (SQLite) notes each local
JSON-lines feed file when its run opens it and moves the file's recorded end in the same
transaction as each record; at the next open the complete lines past that end are recorded
here, before anything is crawled. A torn last line (the kill hit the write) of a file no
run writes any more (none holds the exporter's lock on it) is ended with a newline, said
once, and the file no longer watched: its article was not exported whole, and is exported
again. So is an item the kill left in some
of its run's feeds only (written to the run's -O file, not yet to DATA_DIR/items): the
store knows which run and feed wrote each file, and an item is recorded only when every
feed of its run holds it (a feed whose file the kill came before, created at its first
item, holds none). Feeds that cannot be read back (CSV, gzip, remote) keep
at-least-once.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import stat
from collections.abc import Iterator
from typing import Any, BinaryIO

from crawler.extraction.text_fingerprint import text_digest
from crawler.neardup import signature, to_bytes
from crawler.state import ArticleRecord, KeepsFeedTails

logger = logging.getLogger(__name__)

MAX_LINE = 64 << 20  # a longer line is no item of ours: the file is left there
FIELDS = ("url", "id", "text", "fetched_at")
# what json.loads raises on a line that is no JSON, or nests past the interpreter's depth
# ("[" * 200,000: a hostile or damaged line, which stopped the reading of every feed file)
NOT_JSON = (ValueError, RecursionError)


def record_unrecorded(store: KeepsFeedTails) -> int:
    """Record the unrecorded items of every watched feed file; return how many."""
    runs = store.feed_runs()
    groups: dict[str, list[tuple[str, int | None]]] = {}
    for path, start in store.feed_tails():  # a file whose run is unknown is a group alone
        if (why := _not_a_tail(path, start)) is not None:
            logger.warning("Feed file %r noted in the state store: %s; not read back, and "
                           "no longer watched", path, why)
            store.forget_feed(path, start)
            if path in runs:  # no proof its feed got any of its run's items: see _record_run
                groups.setdefault(runs[path][0], []).append((path, None))
            continue
        groups.setdefault(runs[path][0] if path in runs else f"file:{path}", []).append(
            (path, start))
    return sum(_record_run(store, files, runs) for files in groups.values())


def _not_a_tail(path: Any, start: Any) -> str | None:
    """Why a watched feed row (edited by hand, or by another tool) names nothing to read
    back, or None: a recorded end that is no byte offset stopped the reading of every feed
    file, and a FIFO in place of the file would have stopped the run before it crawled."""
    if not isinstance(start, int) or isinstance(start, bool) or start < 0:
        return f"its recorded end {start!r} is no byte offset"
    if not isinstance(path, str):
        return "its name is no text"
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # gone or unreadable: said where it is read
    return None if stat.S_ISREG(mode) else "it is no regular file"


def _record_run(store: KeepsFeedTails, files: list[tuple[str, int | None]],
                runs: dict[str, tuple[str, str]]) -> int:
    """Record the items one run wrote to every one of its feeds. A run killed between an
    item's feeds left it in some only: it was not exported, and is exported again. A feed
    file that is not there holds none of them: a feed's file is created at its first item,
    so a kill after an item reached the feeds before it and before this one was created
    left it so (it was taken for a file gone, and the item recorded); so does a file
    removed since, or no file (``start`` None: a row :func:`record_unrecorded` dropped)."""
    held: dict[str, set[tuple[str, int]]] = {}  # feed -> (url, version) in its files' tails
    readable = []
    for path, start in files:
        feed = runs[path][1] if path in runs else path
        if start is None:
            held.setdefault(feed, set())
            continue
        try:
            keys = _tail_keys(path, start)
        except FileNotFoundError:
            logger.warning("Feed file %s is gone: the items it held past byte %d were not "
                           "recorded and may be exported again; so are the items its run "
                           "wrote to its other feeds (a kill may have come before this file "
                           "was created at its first item)", path, start)
            store.forget_feed(path, start)
            held.setdefault(feed, set())
            continue
        except OSError as exc:
            logger.warning("Feed file %s cannot be read (%s): the items its run wrote past "
                           "byte %d are not recorded yet; the next run tries again", path, exc,
                           start)
            return 0  # the others cannot be checked against it
        held.setdefault(feed, set()).update(keys)
        readable.append((path, start))
    everywhere = set.intersection(*held.values()) if held else set()
    recorded = 0
    for path, start in readable:
        try:
            done, end, size = _record_file(store, path, start, everywhere)
        except OSError as exc:
            logger.warning("Feed file %s cannot be read (%s): its items past byte %d are not "
                           "recorded yet; the next run tries again", path, exc, start)
            continue
        if done:
            logger.info("Feed file %s: recorded %d item(s) a run exported but had not "
                        "recorded (it was stopped in between)", path, done)
        recorded += done
        if end >= size:  # (past its end: the file was cut or rewritten since; nothing to read)
            store.forget_feed(path, end)
    return recorded


def _tail_lines(file: BinaryIO, start: int, size: int) -> Iterator[tuple[int, bytes]]:
    """(offset, line) of the complete lines from ``start``; a torn last line (the kill hit
    the write) or an overlong one (no item of ours) ends them."""
    file.seek(start)
    offset = start
    while offset < size:
        line = file.readline(MAX_LINE + 1)
        if not line.endswith(b"\n"):
            return
        yield offset, line
        offset += len(line)


def _tail_keys(path: str, start: int) -> set[tuple[str, int]]:
    """(url, version) of the items in a file's unrecorded lines."""
    keys = set()
    with open(path, "rb") as file:
        for _, line in _tail_lines(file, start, file.seek(0, 2)):
            with contextlib.suppress(*NOT_JSON):  # said when the line is recorded
                if (item := _item(line)) is not None:
                    keys.add(_key(item))
    return keys


def _record_file(store: KeepsFeedTails, path: str, start: int,
                 everywhere: set[tuple[str, int]]) -> tuple[int, int, int]:
    """Record the file's unrecorded items found in ``everywhere``:
    (items recorded, where reading stopped, file size)."""
    done, end, moved = 0, start, False
    with open(path, "rb") as file:
        size = file.seek(0, 2)
        for offset, line in _tail_lines(file, start, size):
            end = offset + len(line)
            found = _record_of(line, path, offset, store, everywhere)
            if found is None:
                moved = True
                continue
            record, text = found
            store.put(record, to_bytes(signature(text)), feed_tails=[(path, end)])
            done, moved = done + 1, False
        if end < size and _torn_tail(file, end, size) \
                and (ended := _end_torn_line(path, end, size)) is not None:
            end = size = ended
            moved = True  # recorded to its (new) end: the caller forgets it
    if moved:
        store.watch_feed(path, end)
    return done, end, size


def _torn_tail(file: BinaryIO, end: int, size: int) -> bool:
    """Whether the file's bytes past ``end`` are one line no newline ends (a run killed
    while writing it), not an overlong line with more after it."""
    if size - end > MAX_LINE:
        return False
    file.seek(end)
    return b"\n" not in file.read(size - end)


def _end_torn_line(path: str, start: int, size: int) -> int | None:
    """End the torn last line of a file no run writes any more with a newline (its bytes
    stay: a line of its own that readers skip), say so once, and return the file's new
    end: the file is then recorded to its end and no longer watched. It stayed watched, and
    was read again, by every run after the kill. None, the file left as it is, while a run
    holds it to write it (crawler.extensions.feed_export's shared lock) or it grew since it
    was read: its last line may be a write under way. The newline is written under the
    exclusive lock that tells so, and made durable before the state forgets the file."""
    try:
        with open(path, "r+b") as file:
            try:
                fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return None
            except OSError:
                pass  # (a file system without locks: a stopped run's file, as before)
            if file.seek(0, os.SEEK_END) != size:
                return None
            file.write(b"\n")
            file.flush()
            os.fsync(file.fileno())
        ended, new_size = "ended it with a newline", size + 1
    except OSError as exc:
        ended, new_size = f"it could not be ended with a newline ({exc.strerror or exc})", size
    logger.warning("Feed file %s ends in a line a stopped run was writing (bytes %d to %d): "
                   "%s; its article was never recorded and is exported again, and the file "
                   "is no longer watched", path, start, size, ended)
    return new_size


def _item(line: bytes) -> dict[str, Any] | None:
    """The article a feed line holds, or None; :data:`NOT_JSON`: not a JSON line."""
    item = json.loads(line)
    if not isinstance(item, dict) or not all(isinstance(item.get(f), str) for f in FIELDS):
        return None
    return item


def _key(item: dict[str, Any]) -> tuple[str, int]:
    version = item.get("version")
    return item["url"], version if isinstance(version, int) else 1


def _record_of(line: bytes, path: str, offset: int, store: KeepsFeedTails,
               everywhere: set[tuple[str, int]]) -> tuple[ArticleRecord, str] | None:
    """The record an exported line makes (and its text), or None: not an article, one the
    store holds this version of already, or one some feed of its run lacks."""
    try:
        item = _item(line)
    except NOT_JSON as exc:
        logger.warning("Feed file %s, offset %d: not a JSON line (%s): skipped", path, offset,
                       exc)
        return None
    if item is None:
        return None
    url, version = _key(item)
    known = store.get(url)
    if known is not None and known.version >= version:
        return None
    if (url, version) not in everywhere:
        logger.warning("Feed file %s, offset %d: %s (version %d) is not in every feed its run "
                       "wrote (stopped between them): not recorded, it is exported again",
                       path, offset, url, version)
        return None
    first = known.first_captured if known is not None else item["fetched_at"]
    published = item.get("published") if isinstance(item.get("published"), str) else None
    record = ArticleRecord(url=url, id=item["id"], digest=text_digest(item["text"]),
                           version=version, first_captured=first,
                           captured=item["fetched_at"], published=published)
    return record, item["text"]
