"""Items a run exported but did not record: read back from its feed files by the next run.

An item is written to its feed first and recorded in the state store after, so a run killed
between the two left it exported and unknown, and the next run exported it again: one
article twice across the run files. A store that keeps feed tails (SQLite) notes each local
JSON-lines feed file when its run opens it and moves the file's recorded end in the same
transaction as each record; at the next open the complete lines past that end are recorded
here, before anything is crawled. A torn last line (the kill hit the write) is left: its
article was not exported whole, and is exported again. Feeds that cannot be read back
(CSV, gzip, remote) keep at-least-once.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from crawler.extraction.text_fingerprint import text_digest
from crawler.neardup import signature, to_bytes
from crawler.state import ArticleRecord, KeepsFeedTails

logger = logging.getLogger(__name__)

MAX_LINE = 64 << 20  # a longer line is no item of ours: the file is left there
FIELDS = ("url", "id", "text", "fetched_at")


def record_unrecorded(store: KeepsFeedTails) -> int:
    """Record the unrecorded items of every watched feed file; return how many."""
    recorded = 0
    for path, start in store.feed_tails():
        try:
            done, end, size = _record_file(store, path, start)
        except FileNotFoundError:
            logger.warning("Feed file %s is gone: the items it held past byte %d were not "
                           "recorded and may be exported again", path, start)
            store.forget_feed(path, start)
            continue
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


def _record_file(store: KeepsFeedTails, path: str, start: int) -> tuple[int, int, int]:
    """(items recorded, where reading stopped, file size)."""
    done, end, moved = 0, start, False
    with open(path, "rb") as file:
        size = file.seek(0, 2)
        file.seek(start)
        while end < size:
            line = file.readline(MAX_LINE + 1)
            if not line.endswith(b"\n"):  # torn by the kill, or not ours: left as it is
                break
            offset, end = end, end + len(line)
            found = _record_of(line, path, offset, store)
            if found is None:
                moved = True
                continue
            record, text = found
            store.put(record, to_bytes(signature(text)), feed_tails=[(path, end)])
            done, moved = done + 1, False
    if moved:
        store.watch_feed(path, end)
    return done, end, size


def _record_of(line: bytes, path: str, offset: int,
               store: KeepsFeedTails) -> tuple[ArticleRecord, str] | None:
    """The record an exported line makes (and its text), or None: not an article, or one
    the store holds this version of already."""
    try:
        item: Any = json.loads(line)
    except ValueError as exc:
        logger.warning("Feed file %s, offset %d: not a JSON line (%s): skipped", path, offset,
                       exc)
        return None
    if not isinstance(item, dict) or not all(isinstance(item.get(f), str) for f in FIELDS):
        return None
    version = item.get("version") if isinstance(item.get("version"), int) else 1
    known = store.get(item["url"])
    if known is not None and known.version >= version:
        return None
    first = known.first_captured if known is not None else item["fetched_at"]
    published = item.get("published") if isinstance(item.get("published"), str) else None
    record = ArticleRecord(url=item["url"], id=item["id"], digest=text_digest(item["text"]),
                           version=version, first_captured=first,
                           captured=item["fetched_at"], published=published)
    return record, item["text"]
