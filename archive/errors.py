"""Exception types callers can catch without knowing warcio or zlib internals."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path

RECORD_KEPT = " (record kept)"  # ends the reason of a damaged record read all the same


class ArchiveWriteError(OSError):
    """Writing a WARC failed (disk full, unwritable folder...); earlier records stay intact."""

    def __init__(self, path: str | Path, cause: BaseException, what: str = "WARC"):
        self.path = str(path)
        self.cause = cause
        self.what = what  # the digest index fails with its WARCs' disk: not named a WARC
        super().__init__(f"cannot write {what} {self.path}: {cause}")

    def __reduce__(self):
        return type(self), (self.path, self.cause, self.what)


class FolderSyncError(ArchiveWriteError):
    """The WARC folder could not be synced after a file was created or renamed: the file is
    whole on the running system, but a power loss may take it, records and all."""

    def __init__(self, path: str | Path, records: int, folder: str | Path,
                 cause: BaseException):
        self.records = records
        self.folder = str(folder)
        super().__init__(path, cause)
        self.args = (f"{records} records of {self.path} may be lost on a power loss; the "
                     f"folder {self.folder} could not be synced: {cause}",)

    def __str__(self) -> str:
        return self.args[0]

    def __reduce__(self):
        return type(self), (self.path, self.records, self.folder, self.cause)


class WarcFormatError(Exception):
    """A record that cannot be read; names the file and byte offset so it can be found.

    ``kept``: the record is damaged but was read and used all the same (a wrong
    Content-Length, its block taken up to the next record), so a caller says "kept", not
    "skipped"; its reason then ends with RECORD_KEPT."""

    def __init__(self, file: str | Path, offset: int, reason: str, kept: bool = False):
        self.file = str(file)
        self.offset = offset
        self.reason = reason + RECORD_KEPT if kept and not reason.endswith(RECORD_KEPT) \
            else reason
        self.kept = kept
        super().__init__(f"{self.file}: offset {offset}: {self.reason}")

    def __reduce__(self):  # picklable, so extraction workers can send it back whole
        return type(self), (self.file, self.offset, self.reason, self.kept)


class UnservedRecord(WarcFormatError):
    """A whole record no reader serves as the page: a response marked WARC-Truncated (the
    crawl's own, when a transfer failed, or another tool's), a revisit or 304 whose original
    the inputs do not hold. Said by file and offset, but no damage (``verify`` passes it): a
    replay or re-extraction of an archive holding some has not failed."""


class RecordOverLimit(WarcFormatError):
    """A record left unread for a size limit (``--max-record-size``), not for damage: read
    with a higher limit it may be whole, so a repair keeps its bytes in place. ``length``:
    its bytes in the file, or None when their end is unknown (a gzip member inflating past
    the bomb bound: everything from ``offset`` on is left as it is)."""

    def __init__(self, file: str | Path, offset: int, reason: str, length: int | None):
        super().__init__(file, offset, reason)
        self.length = length

    def __reduce__(self):
        return type(self), (self.file, self.offset, self.reason, self.length)


class PassedOver(WarcFormatError):
    """Bytes passed over that were never a record: a false record start (a quoted
    ``WARC/1.0``, an empty header), a false gzip header, garbage between records. Only these
    are folded (see FoldedErrors); a record or member that started and failed keeps its own
    error. ``end``: where the walk went on after them; ``count``: how many errors this one
    stands for (more than 1 once folded), so counters count each."""

    def __init__(self, file: str | Path, offset: int, reason: str, end: int,
                 count: int = 1):
        super().__init__(file, offset, reason)
        self.end = max(end, offset)
        self.count = count

    def __reduce__(self):
        return type(self), (self.file, self.offset, self.reason, self.end, self.count)


def error_count(err: WarcFormatError) -> int:
    """How many errors ``err`` stands for: a folded run counts each of its own."""
    return err.count if isinstance(err, PassedOver) else 1


ErrorHandler = Callable[[WarcFormatError], None]

log = logging.getLogger("archive")


def report(err: WarcFormatError, on_error: ErrorHandler | None, *, soft: bool = False) -> None:
    """Hand ``err`` to ``on_error``; without a handler, raise it, or log it as a warning when
    ``soft`` (the record was kept or another capture served: the caller goes on)."""
    if on_error is not None:
        on_error(err)
    elif soft:
        log.warning("%s", err)
    else:
        raise err


# what tells two errors of one kind apart: their numbers and quoted excerpts
_ERROR_DETAILS = re.compile(r"'[^']*'|\"[^\"]*\"|\d+")


class FoldedErrors:
    """An error handler that folds a run of passed-over bytes (PassedOver errors) with no
    record read between them into one error at the first one's offset naming their count
    and the span up to the end of the last one's bytes: a file of a million false record
    starts is one error, not a million log lines. A run of several kinds (false gzip headers
    failing in turn on inflating, on an empty header, on reserved flags) is one error too,
    naming how many of each kind (kinds: reasons alike but for numbers and quoted excerpts).
    Any other error (a record or member that started and failed, a kept record's problems,
    RecordOverLimit) ends the run and passes as it comes, each its own line. :meth:`flush`
    before each record read and at the end of the file."""

    def __init__(self, on_error: ErrorHandler):
        self.on_error = on_error
        self.first: PassedOver | None = None
        self.reason = ""  # the last error's, folded or first, and its kind
        self.kind = ""
        self.count = 0
        self.end = 0
        self.kinds: dict[str, list] = {}  # kind -> [count, its first reason]

    def __call__(self, err: WarcFormatError) -> None:
        if not isinstance(err, PassedOver):
            self.flush()
            self.on_error(err)
            return
        if self.first is not None and err.file != self.first.file:
            self.flush()
        if self.first is None:
            self.first, self.count, self.end, self.kinds = err, 0, err.end, {}
        self.count += err.count
        self.end = max(self.end, err.end)
        if err.reason != self.reason:  # (the same text again is told apart without a regex)
            self.reason, self.kind = err.reason, self._kind(err.reason)
        self._count_kind(self.kind, err)

    def _count_kind(self, kind: str, err: PassedOver) -> None:
        if (held := self.kinds.get(kind)) is not None:
            held[0] += err.count
        elif len(self.kinds) < _MAX_KINDS:
            self.kinds[kind] = [err.count, err.reason]
        else:  # (a bounded list: the rest counted under "other kinds")
            self.kinds.setdefault("", [0, "of other kinds"])[0] += err.count

    @staticmethod
    def _kind(reason: str) -> str:
        return _ERROR_DETAILS.sub("#", reason)

    def flush(self) -> None:
        first, self.first = self.first, None
        if first is None:
            return
        if self.count == first.count:
            self.on_error(first)
            return
        span = (f"from offset {first.offset} to offset {self.end} ({self.end - first.offset} "
                "bytes) with no record read between them, folded into this one")
        if len(self.kinds) == 1:
            note = f"[{self.count} errors of this kind {span}]"
        else:
            each = "; ".join(f"{count} {reason!r}" for count, reason in self.kinds.values())
            note = f"[{self.count} errors of {len(self.kinds)} kinds {span}: {each}]"
        self.on_error(PassedOver(first.file, first.offset, f"{first.reason} {note}", self.end,
                                 self.count))


_MAX_KINDS = 8  # kinds a folded error names one by one
