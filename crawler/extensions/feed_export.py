"""Feed exports that know which items really reached every feed.

Scrapy's FeedExporter lets an exception of one feed escape its ``item_scraped`` handler (the
signal logs it, the next feeds are skipped for that item) and logs a failed ``store()`` as a
line in the log; nothing downstream can tell an exported item from a lost one. Here every
feed write and store is checked, and two signals say what happened to each item:

* :data:`item_exported` once an item is *durably* in every feed that accepts it: at once for
  line-format feeds on unbuffered local files (DurableFileFeedStorage writes through to
  the OS, so a kill loses nothing already exported), otherwise when the feed's storage
  ``store()`` succeeded (buffered files, stdout, S3, FTP, JSON/XML whose file is only valid
  when finished);
* :data:`item_export_failed` when a feed refused it (open, write or store failed).

The state store advances only on the first (crawler.pipelines.incremental), so an item a full
disk or a broken path swallowed is emitted again by the next run. Failures are logged at ERROR
with the feed URI and counted under ``feeds/``, which makes the run unhealthy
(crawler.extensions.run_verdict).
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import itertools
import logging
import os
import stat
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from scrapy.extensions.feedexport import FeedExporter, FeedSlot, FileFeedStorage, ItemFilter
from scrapy.utils.defer import ensure_awaitable, maybe_deferred_to_future
from twisted.internet.defer import Deferred

from archive.fileio import create_exclusive
from crawler.extensions.run_verdict import REFUSED_REASONS
from crawler.items import Article

logger = logging.getLogger(__name__)

# signal: (item, tails) reached every feed that accepts it, durably; ``tails``: (feed file,
# end of the item's line) of each feed the next run could read it back from
item_exported = object()
item_export_failed = object()  # signal: (item, reason, tails) did not reach some feed
# signal: (path, recorded_to, run, feed) a local JSON-lines feed file of this run's ``feed``
# (its URI template) starts, its new items from that byte on: the state store watches it
# (crawler.state.feed_tails)
feed_file_started = object()

LINE_FORMATS = frozenset({"jsonlines", "jsonl", "jl", "csv"})  # complete after every item
JSON_LINES = LINE_FORMATS - {"csv"}  # what the next run can read back


class _WriteAll(io.RawIOBase):
    """An unbuffered file whose ``write`` writes every byte or raises.

    A raw ``write`` may write part of its data (a disk filling up) and return a short count,
    which Scrapy's exporters ignore: the item would be half-written and counted as written.
    """

    def __init__(self, raw: io.RawIOBase) -> None:
        super().__init__()
        self.raw = raw

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        done = 0
        while done < len(view):
            n = self.raw.write(view[done:])
            if not n:
                raise OSError(f"short write to {getattr(self.raw, 'name', 'feed')}")
            done += n
        return done

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.raw.fileno()

    def tell(self) -> int:
        return self.raw.tell()

    def end(self) -> int:
        """Where the next item starts: the file's length (the position of an append-mode
        file is only moved there by a write)."""
        return os.fstat(self.raw.fileno()).st_size

    def cut_back(self, size: int) -> None:
        """Drop what a failed write left past ``size``, and write from there on: a
        truncate alone leaves the position past the end, and a later cut back "to" that
        position would grow the file again, torn line and all."""
        self.raw.truncate(size)
        self.raw.seek(size)

    def close(self) -> None:
        try:
            self.raw.close()
        finally:
            super().close()


@dataclass
class _Tracked:
    item: Any
    waiting: set[int] = field(default_factory=set)  # slots whose store() must succeed first
    failed: str | None = None
    tails: list[tuple[str, int]] = field(default_factory=list)  # (feed file, end of its line)


class _Readable:
    """A spider as Scrapy's feed URI parameters see it: attributes that raise are left out."""

    def __init__(self, spider: Any) -> None:
        self._names = [name for name in dir(spider) if _readable(spider, name)]
        self._spider = spider

    def __dir__(self) -> list[str]:
        return self._names

    def __getattr__(self, name: str) -> Any:
        return getattr(self._spider, name)


def _readable(spider: Any, name: str) -> bool:
    try:
        getattr(spider, name)
    except Exception:  # a property that needs what this run lacks
        return False
    return True


class CheckedFeedExporter(FeedExporter):
    """FeedExporter that reports, per item, whether it reached every feed (see module doc)."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self.stats = crawler.stats
        self.serial = itertools.count()
        self.tracked: dict[int, _Tracked] = {}
        self.slot_items: dict[int, list[int]] = {}  # id(slot) -> tracked keys waiting on it
        self.failed_feeds: dict[str, str] = {}  # feed URI -> first reason
        # id(slot) -> (path, length) of a local file appended to: a store that fails cuts the
        # file back to what it held before this run (a torn gzip member hides what follows)
        self.appended: dict[int, tuple[str, int]] = {}
        self.closed: Deferred[None] = Deferred()
        self.reads_back = False  # every feed taking every item a local JSON-lines file (open_spider)
        self.read_back: dict[int, str] = {}  # id(slot) -> its file, watched by the state store
        self.run = uuid.uuid4().hex  # whose feed files the state store watches
        crawler.checked_feed_exporter = self

    def _get_uri_params(self, spider: Any, uri_params_function: Any,
                        slot: FeedSlot | None = None) -> dict[str, Any]:
        """Scrapy's URI parameters, from the spider attributes that can be read: one that
        raises (``site``'s ``outlet`` when it has no site) stopped every feed from opening."""
        return super()._get_uri_params(_Readable(spider), uri_params_function, slot)

    def open_spider(self, spider: Any) -> None:
        super().open_spider(spider)
        # Filtered feeds first: an item in the last feed went through every filter.
        self.slots.sort(key=lambda slot: not filtered(slot))
        # Only when every feed that takes every item can be read back: an item a kill stops
        # from being recorded is then in each of them (or, killed between them, recorded by
        # none), and the next run records it instead of exporting it again. A filtered feed
        # holds only the items it accepts: required, it kept every item it refused from being
        # recorded (exported again); it is written first, so it is no proof needed.
        unfiltered = [slot for slot in self.slots if not filtered(slot)]
        self.reads_back = bool(unfiltered) and all(_read_back_path(s) for s in unfiltered)
        if self.slots and not self.reads_back:
            logger.warning("No feed of this run is read back (%s), so an article a kill stops "
                           "between its export and its record is exported again by the next "
                           "run", ", ".join(_why_not_read_back(s) for s in self.slots
                                            if filtered(s) or not _read_back_path(s)))
        for slot in unfiltered:
            self._watch(slot)

    def _watch(self, slot: FeedSlot) -> None:
        path = _read_back_path(slot) if self.reads_back and not filtered(slot) else None
        if path is None:
            return
        self.read_back[id(slot)] = path
        size = 0
        if "w" not in slot.storage.write_mode:  # appended to: its new items start at its end
            with contextlib.suppress(OSError):
                size = os.stat(path).st_size
        self.crawler.signals.send_catch_log(feed_file_started, path=path, recorded_to=size,
                                            run=self.run, feed=slot.uri_template)

    # -- writing -------------------------------------------------------------------------
    def _write_through(self, slot: FeedSlot) -> bool:
        return (isinstance(slot.file, _WriteAll)
                and slot.feed_options.get("format") in LINE_FORMATS)

    def _open(self, slot: FeedSlot) -> None:
        if slot._fileloaded:
            return
        storage = slot.storage
        opened = storage.open(slot.spider)
        if isinstance(opened, io.FileIO) and "postprocessing" not in slot.feed_options:
            opened = _WriteAll(opened)
        written_through = (isinstance(opened, _WriteAll)  # its items count as they are written
                           and slot.feed_options.get("format") in LINE_FORMATS)
        if (isinstance(storage, FileFeedStorage) and "a" in storage.write_mode
                and not written_through):
            with contextlib.suppress(OSError, ValueError):
                self.appended[id(slot)] = (storage.path, os.fstat(opened.fileno()).st_size)
        if written_through and "a" in storage.write_mode:
            self._end_torn_line(slot, storage.path, opened)  # type: ignore[arg-type]
        if id(slot) in self.read_back:
            hold_while_writing(opened)
        # FeedSlot.start_exporting opens the storage itself; hand it the opened file once.
        slot.storage = _Opened(storage, opened)  # type: ignore[assignment]
        try:
            slot.start_exporting()
        finally:
            slot.storage = storage

    def _end_torn_line(self, slot: FeedSlot, path: str, file: _WriteAll) -> None:
        """End an appended file's unterminated last line (a run killed mid-write) with a
        newline: this run's first item written onto it made one line of two, neither
        readable. Its bytes stay; its article was never recorded and is exported again."""
        torn = _unterminated_tail(path, file)
        if torn is None:
            return
        start, size = torn
        file.write(b"\n")
        self.stats.inc_value("feeds/torn_line_ended")
        logger.warning("Feed %s ended in an unterminated line (%s: a run killed while "
                       "writing it, or a file written without a last newline): ended it with "
                       "a newline, so this run's items start on lines of their own",
                       slot.uri, torn_bytes(start, size))
        watched = self.read_back.get(id(slot))
        if watched is not None:  # the next run reads this run's items from after it
            self.crawler.signals.send_catch_log(feed_file_started, path=watched,
                                                recorded_to=size + 1, run=self.run,
                                                feed=slot.uri_template)

    def _export(self, slot: FeedSlot, item: Any) -> None:
        self._open(slot)
        slot.start_exporting()
        assert slot.exporter is not None
        start = _position(slot.file)
        try:
            slot.exporter.export_item(item)
        except Exception:
            if start is not None:  # leave no half line behind
                with contextlib.suppress(OSError):
                    slot.file.cut_back(start)  # type: ignore[union-attr]
            raise

    def _slot_failed(self, slot: FeedSlot, reason: str) -> None:
        if slot.uri not in self.failed_feeds:
            self.failed_feeds[slot.uri] = reason
            logger.error("Feed %s failed: %s; its items are not recorded as exported and "
                         "the next run emits them again", slot.uri, reason)
        self.stats.set_value("feeds/failed", len(self.failed_feeds))

    def item_scraped(self, item: Any, spider: Any) -> None:
        key = next(self.serial)
        tracked = _Tracked(item)
        slots: list[FeedSlot] = []
        for slot in self.slots:
            if not slot.filter.accepts(item):
                slots.append(slot)
                continue
            try:
                self._export(slot, item)
            except Exception as exc:
                reason = f"{type(exc).__name__}: {exc}"
                self._slot_failed(slot, reason)
                tracked.failed = tracked.failed or f"{slot.uri}: {reason}"
                slots.append(slot)
                continue
            slot.itemcount += 1
            path = self.read_back.get(id(slot))
            end = _position(slot.file) if path is not None else None
            if path is not None and end is not None:
                tracked.tails.append((path, end))
            if not self._write_through(slot):
                tracked.waiting.add(id(slot))
                self.slot_items.setdefault(id(slot), []).append(key)
            batch = self.feeds[slot.uri_template]["batch_item_count"]
            if batch and slot.itemcount >= batch:
                slots.append(self._next_batch(slot, spider))
            else:
                slots.append(slot)
        self.slots = slots
        if tracked.failed:
            self._fail(tracked)
        elif tracked.waiting:
            self.tracked[key] = tracked
        else:
            self._done(tracked)

    def _next_batch(self, slot: FeedSlot, spider: Any) -> FeedSlot:
        options = self.feeds[slot.uri_template]
        params = self._get_uri_params(spider, options["uri_params"], slot)
        self._schedule_slot_close(slot, spider)
        from scrapy.extensions.feedexport import apply_uri_params
        batch = self._start_new_batch(batch_id=slot.batch_id + 1,
                                      uri=apply_uri_params(slot.uri_template, params),
                                      feed_options=options, spider=spider,
                                      uri_template=slot.uri_template)
        self._watch(batch)
        return batch

    # -- outcomes ------------------------------------------------------------------------
    def _done(self, tracked: _Tracked) -> None:
        self.stats.inc_value("feeds/items_exported")
        self.crawler.signals.send_catch_log(item_exported, item=tracked.item,
                                            tails=tracked.tails)

    def _fail(self, tracked: _Tracked) -> None:
        self.stats.inc_value("feeds/items_not_exported")
        self.crawler.signals.send_catch_log(item_export_failed, item=tracked.item,
                                            reason=tracked.failed, tails=tracked.tails)

    def _stored(self, slot: FeedSlot, error: str | None) -> None:
        for key in self.slot_items.pop(id(slot), []):
            tracked = self.tracked.get(key)
            if tracked is None:
                continue
            tracked.waiting.discard(id(slot))
            if error is not None:
                tracked.failed = tracked.failed or f"{slot.uri}: {error}"
            if tracked.failed:
                del self.tracked[key]
                self._fail(tracked)
            elif not tracked.waiting:
                del self.tracked[key]
                self._done(tracked)

    async def _close_slot(self, slot: FeedSlot, spider: Any) -> None:
        errors: list[str] = []
        store = slot.storage.store

        async def checked_store(file: IO[bytes]) -> None:
            try:
                await ensure_awaitable(store(file))
            except Exception as exc:  # Scrapy logs it with its traceback; remember it here
                errors.append(f"storing failed: {type(exc).__name__}: {exc}")
                raise

        slot.storage.store = checked_store  # type: ignore[method-assign]
        slot.close_errors = errors  # type: ignore[attr-defined]  # see _get_file
        try:
            if slot.itemcount == 0 and slot.store_empty and slot.batch_id == 1:
                self._open(slot)
                self._warn_if_emptied(slot)
            await super()._close_slot(slot, spider)
        except Exception as exc:  # finish_exporting, or opening the empty file, failed
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            slot.storage.store = store  # type: ignore[method-assign]
        error = errors[0] if errors else None
        appended = self.appended.pop(id(slot), None)
        if error is not None:
            self._slot_failed(slot, error)
            if appended is not None:
                self._cut_back(slot, *appended)
        elif slot.uri in self.failed_feeds:  # a write failed earlier: the file is suspect
            error = self.failed_feeds[slot.uri]
        self._stored(slot, error)

    def _get_file(self, slot: FeedSlot) -> IO[bytes]:  # type: ignore[override]
        """Scrapy's, with a failure noted for ``_close_slot``: closing a post-processed
        file (gzip, lzma) writes what it buffered, where a full disk shows; Scrapy logs it as
        a failed store, which the store check never sees."""
        try:
            return FeedExporter._get_file(slot)
        except Exception as exc:
            getattr(slot, "close_errors", []).append(
                f"finishing the file failed: {type(exc).__name__}: {exc}")
            with contextlib.suppress(Exception):
                getattr(slot.file, "file", slot.file).close()  # type: ignore[union-attr]
            raise

    def _cut_back(self, slot: FeedSlot, path: str, length: int) -> None:
        """Leave the appended file as this run found it: its earlier items stay readable."""
        try:
            os.truncate(path, length)
        except OSError as exc:
            logger.error("Feed %s: could not cut it back to its %d bytes before this run: %s; "
                         "what this run wrote of it is incomplete", slot.uri, length, exc)
        else:
            logger.error("Feed %s: cut back to its %d bytes before this run", slot.uri, length)

    def _warn_if_emptied(self, slot: FeedSlot) -> None:
        if slot.feed_options.get("overwrite") and self.settings.getbool(
                "FEED_WARN_EMPTY_OVERWRITE", True):
            logger.warning("Feed %s was overwritten with no items: %s Use -o to append "
                           "instead of -O to overwrite.", slot.uri, self._why_empty())
            self.stats.inc_value("feeds/overwritten_empty")

    def _why_empty(self) -> str:
        """Why a run exported nothing, as far as the state store tells: articles it skipped
        as already exported, else none (a fresh data folder was told articles were skipped
        when the run had found none of the window's)."""
        known = sum(int(self.stats.get_value(name) or 0)
                    for name in ("incremental/skipped_known", "incremental/unchanged"))
        if known:
            return (f"this run exported nothing new ({known} article(s) already exported were "
                    "skipped, see the state store).")
        return ("this run exported nothing, and skipped no article as already exported: it "
                "found none to export (see the run report's alarms and completeness).")

    async def close_spider(self, spider: Any, reason: str | None = None) -> None:
        if reason in REFUSED_REASONS:  # it crawled nothing: an -O file it shares (with the
            for slot in self.slots:   # crawl it gave way to) keeps what that crawl wrote
                slot.store_empty = False
        try:
            await super().close_spider(spider)
        finally:
            for key in list(self.tracked):  # nothing should wait now; never commit these
                tracked = self.tracked.pop(key)
                tracked.failed = tracked.failed or "its feed was never stored"
                self._fail(tracked)
            self.closed.callback(None)

    async def wait_closed(self) -> None:
        """Return once every feed is stored (or failed); RunReport judges the run after it."""
        if not self.closed.called:
            await maybe_deferred_to_future(_chained(self.closed))


def _chained(deferred: Deferred[None]) -> Deferred[None]:
    """A Deferred that fires with ``deferred`` without taking its result away."""
    out: Deferred[None] = Deferred()
    deferred.addBoth(lambda result: (out.callback(None), result)[1])
    return out


class _Opened:
    """A storage whose ``open`` returns a file opened already (see CheckedFeedExporter._open)."""

    def __init__(self, storage: Any, file: IO[bytes]) -> None:
        self.storage, self.file = storage, file

    def open(self, spider: Any) -> IO[bytes]:
        return self.file

    def store(self, file: IO[bytes]) -> Any:
        return self.storage.store(file)


def filtered(slot: FeedSlot) -> bool:
    """Whether a feed takes only some items: an ``item_filter`` of its own, or
    ``item_classes`` for Scrapy's that leave out the Article the pipelines export (every item
    a feed gets: ``item_classes`` naming it, or a base of it, take them all, and the feed is
    read back as an unfiltered one)."""
    item_filter = slot.filter
    if type(item_filter) is not ItemFilter:
        return True
    classes = tuple(item_filter.item_classes or ())
    return bool(classes) and not issubclass(Article, classes)


def _why_not_read_back(slot: FeedSlot) -> str:
    """A feed named with what keeps it from being read back."""
    return f"{slot.uri_template}: {'filtered' if filtered(slot) else 'no local JSON-lines file'}"


def _read_back_path(slot: FeedSlot) -> str | None:
    """The absolute path of a feed the next run can read back (an unbuffered local
    JSON-lines file, not a device such as /dev/stdout), else None."""
    if not (isinstance(slot.storage, DurableFileFeedStorage)
            and slot.feed_options.get("format") in JSON_LINES
            and "postprocessing" not in slot.feed_options):
        return None
    path = os.path.abspath(slot.storage.path)
    try:
        regular = stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        regular = True  # made at the first item
    except OSError:
        regular = False
    return path if regular else None


def hold_while_writing(file: Any) -> None:
    """A shared lock on a watched feed file while this run may write it; the OS drops it
    however the run ends. The next run's read-back (crawler.state.feed_tails) tells by it a
    line torn by a kill, which it ends, from one another run is writing now."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        fcntl.flock(file.fileno(), fcntl.LOCK_SH)  # (a read-back's exclusive lock is brief)


def _unterminated_tail(path: str, file: _WriteAll) -> tuple[int, int] | None:
    """(start, end) of an appended regular file's last line when no newline ends it."""
    try:
        size = file.end()
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            return None
        with open(path, "rb") as reader:
            return _last_line_start(reader, size)
    except OSError:
        return None


# bytes read back at most to find where a torn last line starts (only to name it in a log)
TORN_LINE_SCAN = 1 << 20


def _last_line_start(reader: IO[bytes], size: int, chunk: int = 1 << 16,
                     limit: int = TORN_LINE_SCAN) -> tuple[int | None, int] | None:
    """(start, size) of the file's last line when it has no newline at its end; read
    backwards in chunks, so a long torn line costs no more memory than one chunk. The scan
    stops ``limit`` bytes before the end: start is None when the line starts farther back
    (a multi-gigabyte file with no newline at all was read back to byte 0 only to name the
    line's start). None for an empty file too."""
    if size <= 0:
        return None
    reader.seek(size - 1)
    if reader.read(1) == b"\n":
        return None
    floor = max(0, size - limit)
    end = size
    while end > floor:
        begin = max(floor, end - chunk)
        reader.seek(begin)
        at = reader.read(end - begin).rfind(b"\n")
        if at >= 0:
            return begin + at + 1, size
        end = begin
    return (0 if floor == 0 else None), size


def torn_bytes(start: int | None, size: int, limit: int = TORN_LINE_SCAN) -> str:
    """The torn last line's bytes as a log names them."""
    if start is None:
        return f"bytes more than {limit} before {size} to {size}"
    return f"bytes {start} to {size}"


def _position(file: Any) -> int | None:
    if not isinstance(file, _WriteAll):
        return None
    try:
        return file.end()
    except OSError:
        return None


def unique_items_uri_params(params: dict[str, Any], spider: Any) -> dict[str, Any]:
    """``%(run)s`` for DATA_DIR/items: ``<time>-<pid>``, a serial added if that file exists.

    Two crawls of one spider started in the same second used to append to one file. The
    file is created here with O_EXCL, so no two runs can ever share it.
    """
    directory = Path(spider.settings.get("DATA_DIR") or "data") / "items"
    run, _, fd = create_exclusive(directory, lambda run: f"{params['name']}-{run}.jsonl",
                                  f"{params['time']}-{os.getpid()}")
    os.close(fd)
    return {**params, "run": run}


class DurableFileFeedStorage(FileFeedStorage):
    """Local feed files opened unbuffered: an exported line survives a SIGKILL of the crawl
    (the state store is only told after the exporter wrote the item)."""

    def open(self, spider: Any) -> IO[bytes]:
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        return Path(self.path).open(self.write_mode, buffering=0)
