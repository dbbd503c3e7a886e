"""Exception types callers can catch without knowing warcio or zlib internals."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path

RECORD_KEPT = " (record kept)"  # ends the reason of a damaged record read all the same


class ArchiveWriteError(OSError):
    """Writing a WARC failed (disk full, unwritable folder...); earlier records stay intact."""

    def __init__(self, path: str | Path, cause: BaseException):
        self.path = str(path)
        self.cause = cause
        super().__init__(f"cannot write WARC {self.path}: {cause}")

    def __reduce__(self):
        return type(self), (self.path, self.cause)


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
    """An error handler that folds a run of errors of one kind (their reasons alike but for
    numbers and quoted excerpts) with no record read between them, one damaged span, into
    one error at the first one's offset naming their count and span: a file of a million
    false record starts is one error, not a million log lines. A kept record's problems and
    errors of other types (RecordOverLimit) pass as they come. :meth:`flush` before each
    record read and at the end of the file."""

    def __init__(self, on_error: ErrorHandler):
        self.on_error = on_error
        self.first: WarcFormatError | None = None
        self.kind = ""
        self.reason = ""  # the last error's, folded or first
        self.count = 0
        self.last = 0

    def __call__(self, err: WarcFormatError) -> None:
        if type(err) is not WarcFormatError or err.kept:
            self.flush()
            self.on_error(err)
            return
        if self.first is not None and err.file == self.first.file and (
                err.reason == self.reason or self._kind(err.reason) == self.kind):
            self.count += 1
            self.last = err.offset
            self.reason = err.reason  # (the same text again is told apart without a regex)
            return
        self.flush()
        self.first, self.kind, self.count, self.last = err, self._kind(err.reason), 1, err.offset
        self.reason = err.reason

    @staticmethod
    def _kind(reason: str) -> str:
        return _ERROR_DETAILS.sub("#", reason)

    def flush(self) -> None:
        first, self.first = self.first, None
        if first is None:
            return
        if self.count == 1:
            self.on_error(first)
            return
        self.on_error(WarcFormatError(first.file, first.offset, (
            f"{first.reason} [{self.count} errors of this kind from offset {first.offset} to "
            f"offset {self.last} ({self.last - first.offset} bytes) with no record read "
            "between them, folded into this one]")))
