"""Exception types callers can catch without knowing warcio or zlib internals."""

from __future__ import annotations

from pathlib import Path


class ArchiveWriteError(OSError):
    """Writing a WARC failed (disk full, unwritable folder...); earlier records stay intact."""

    def __init__(self, path: str | Path, cause: BaseException):
        self.path = str(path)
        self.cause = cause
        super().__init__(f"cannot write WARC {self.path}: {cause}")

    def __reduce__(self):
        return type(self), (self.path, self.cause)


class WarcFormatError(Exception):
    """A record that cannot be read; names the file and byte offset so it can be found."""

    def __init__(self, file: str | Path, offset: int, reason: str):
        self.file = str(file)
        self.offset = offset
        self.reason = reason
        super().__init__(f"{self.file}: offset {offset}: {reason}")

    def __reduce__(self):  # picklable, so extraction workers can send it back whole
        return type(self), (self.file, self.offset, self.reason)
