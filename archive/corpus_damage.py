"""Corpus Parquet files that cannot be read (cut short by a copy, zeroed, overwritten).

A version part is made from an items file, so a build moves a damaged one aside (its bytes
kept, as ``NAME.unreadable-<stamp>``) and reads that file again; a reader, which never
writes into the corpus, leaves it out of its answer and says which file it is, which items
file it held rows of and which build puts it back. One damaged part used to stop every
command, build included, with DuckDB's "No magic bytes found".
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache, wraps
from pathlib import Path
from typing import TypeVar

import pyarrow as pa
import pyarrow.parquet as pq

from archive.fileio import os_reason, write_atomically

VERSION_PARTS = "*/*/*.parquet"  # under versions/: what the views read

# what a failed read of a Parquet file raises, damaged or not (sorted by _damage)
_READ_ERRORS = (pa.ArrowException, OSError, ValueError, MemoryError)

T = TypeVar("T")


def _per_file_state(maxsize: int, absent: type[OSError] = FileNotFoundError
                    ) -> Callable[[Callable[[str], T]], Callable[[Path], T | None]]:
    """A reading of a file by its path done once per state of the file (size, modification
    time, inode) in a process, so a file rewritten is read again; None when ``os.stat``
    raises ``absent`` (no file: nothing to say). ``cache_clear`` as lru_cache's."""
    def wrap(read: Callable[[str], T]) -> Callable[[Path], T | None]:
        @lru_cache(maxsize=maxsize)
        def by_state(path: str, size: int, mtime_ns: int, inode: int) -> T:
            del size, mtime_ns, inode  # the cache key
            return read(path)

        @wraps(read)
        def reading(path: Path) -> T | None:
            try:
                stat = os.stat(path)
            except absent:
                return None
            return by_state(str(path), stat.st_size, stat.st_mtime_ns, stat.st_ino)

        reading.cache_clear = by_state.cache_clear  # type: ignore[attr-defined]
        return reading
    return wrap


class CheckFailed(Exception):
    """A file that could not be read for a reason no damage of its bytes gives (no memory,
    an Arrow limit, a failing disk, no permission): the command stops and names it, and the
    file stays where it is. Such errors were taken for damage, so the build moved a healthy
    part aside and readers left its rows out."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason

    @classmethod
    def of(cls, path: str, exc: BaseException) -> CheckFailed:
        number, text = os_reason(exc)
        said = f"{errno.errorcode.get(number, number)}: {text}" if number else \
            f"{type(exc).__name__}: {text}"
        return cls(path, f"cannot be read to check it for damage ({said}); left where it "
                   "is, not taken for damage: run the command again once it can be read")


# what a footer that thrift decodes raises when a flipped byte made it describe what no
# writer of the corpus writes (an integer of 3 or 128 bits, a name or metadata not UTF-8):
# every corpus file is written from an Arrow schema, so its footer always maps back to one
_FOOTER_NONSENSE = (pa.ArrowNotImplementedError, UnicodeDecodeError)


def _damage(path: str, exc: BaseException, footer: bool = False) -> str:
    """Why ``exc`` shows the file's bytes damaged: Arrow's decoding errors (no magic bytes,
    a footer or page header thrift cannot decode, a page's CRC mismatch, an unknown codec)
    are ArrowInvalid or an OSError without an errno; reading the ``footer``, a description
    no writer of ours gives is too (those stopped the build, a healthy file's error). Any
    other error says nothing of the bytes (no memory, an Arrow limit, a feature missing for
    a healthy file's pages): raised as :class:`CheckFailed`."""
    damaged = isinstance(exc, pa.ArrowInvalid) or (
        isinstance(exc, OSError) and not isinstance(exc, MemoryError)
        and exc.errno is None and os_reason(exc)[0] is None) or (
        footer and isinstance(exc, _FOOTER_NONSENSE))
    if not damaged:
        raise CheckFailed.of(path, exc) from exc
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"


def unreadable(path: Path) -> str | None:
    """Why a Parquet file's footer cannot be read, if it cannot (None for no file). Checked
    once per file state (size, change time, inode) in a process: a reader checks every part,
    and a command opens the corpus more than once."""
    return _footer_problem(path)


def utf8_spelling(name: str) -> str:
    """``name`` with each byte that is not UTF-8 (a lone surrogate here) written ``%XX``:
    a name every reader takes, the original bytes still readable in it."""
    return "".join(f"%{ord(c) - 0xDC00:02X}" if "\udc80" <= c <= "\udcff" else c for c in name)


def _name_problem(path: str) -> str | None:
    """Why no Parquet reader can open ``path`` by its own name, if none can: pyarrow and
    DuckDB take UTF-8 names only, and a part copied in under another encoding's name (its
    bytes as a lone surrogate here) stopped every command, the build too, with the
    encoder's error. No corpus writer names a part so: it is damage of that file. A folder
    so named is no file's damage (above the corpus, every file would be moved aside): the
    file is left where it is, as any file that cannot be checked."""
    name = os.path.basename(path)
    if bad := _not_utf8(name):
        return f"its name is not UTF-8 (byte(s) {bad}): no Parquet reader opens it"
    if bad := _not_utf8(path):
        raise CheckFailed(path, f"a folder in its path is not UTF-8 (byte(s) {bad}): no "
                          "Parquet reader opens a file there; left where it is: rename the "
                          "folder in UTF-8 and run the command again")
    return None


def _not_utf8(text: str) -> str | None:
    """The bytes of ``text``'s first run that is not UTF-8 (lone surrogates), in hex."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return text[exc.start:exc.end].encode("utf-8", "surrogateescape").hex(" ")
    return None


@_per_file_state(maxsize=65536)
def _footer_problem(path: str) -> str | None:
    if why := _name_problem(path):
        return why
    try:
        pq.read_metadata(path)
    except _READ_ERRORS as exc:
        return _damage(path, exc, footer=True)
    return None


def undecodable(path: Path) -> str | None:
    """Why a Parquet file cannot be read whole, if it cannot: its footer, then every page of
    every column, each against its CRC where the writer stored one (the corpus's writers do).
    Damage in the middle of a part (bytes zeroed or flipped by a disk, a copy, an edit) left
    the footer readable, so the build kept the part and ``history`` failed on it (zstd
    "Unknown frame descriptor") or, for a flip that still decoded, printed altered text. The
    build pays one read of every part for it (measured in docs/corpus.md); readers check
    footers only. Cached per file state, as :func:`unreadable`."""
    return _footer_problem(path) or _page_problem(path)


@_per_file_state(maxsize=65536)
def _page_problem(path: str) -> str | None:
    try:
        whole = pq.ParquetFile(path, page_checksum_verification=True)
        for group in range(whole.num_row_groups):  # one row group in memory at a time
            whole.read_row_group(group)
    except _READ_ERRORS as exc:
        return _damage(path, exc)
    return None


def damaged_parts(corpus: Path, whole: bool = False) -> list[tuple[Path, str]]:
    """(part, why) of each version part no reader can open (a file: a folder standing where a
    part should be is the build's error, see ``corpus.build_corpus``). ``whole`` (the build):
    each part read whole (:func:`undecodable`); else only the parts changed since the last
    build (:class:`AsBuilt`; the build read the others whole), the others by their footer:
    a reader stays cheap and still leaves out a part damaged since (copied over, edited)."""
    as_built = AsBuilt(corpus)
    found = []
    for part in sorted((corpus / "versions").glob(VERSION_PARTS)):
        if not part.is_file():
            continue
        check = unreadable if not whole and as_built(part) else undecodable
        if why := check(part):
            found.append((part, why))
    return found


CHECKED = "_checked.json"  # each part and edits table as the last build left it
_FOOTER_CAP = 64 << 20  # a footer length past this is no footer of ours: a key of none


def footer_key(path: Path) -> str | None:
    """The file's size and a digest of its Parquet footer (the row groups, their pages'
    places, sizes and statistics): what a copy keeps and a different file changes. None when
    it cannot be read (the file is then read whole, which says why)."""
    try:
        with open(path, "rb") as file:
            size = file.seek(0, os.SEEK_END)
            file.seek(max(0, size - 8))
            length = int.from_bytes(file.read(8)[:4], "little")
            if size < 12 or length > min(size - 8, _FOOTER_CAP):
                return f"{size}:no footer"
            file.seek(size - 8 - length)
            footer = file.read(length + 8)
    except OSError:
        return None
    return f"{size}:{hashlib.blake2b(footer, digest_size=16).hexdigest()}"


def _folder_identity(corpus: Path) -> list[int] | None:
    try:
        stat = os.stat(corpus)
    except OSError:
        return None
    return [stat.st_dev, stat.st_ino]


def record_checked(corpus: Path) -> None:
    """Note, at the end of a build, each version part and edits table as it left them (all
    read whole or written by it): size, modification time, :func:`footer_key` and inode,
    and the corpus folder's identity, so readers know which files changed since and read
    only those whole."""
    files = [*sorted((corpus / "versions").glob(VERSION_PARTS)),
             *sorted((corpus / "edits").glob("*.parquet"))]
    record: dict[str, list] = {}
    for path in files:
        try:
            stat = os.stat(path)
        except OSError:
            continue
        if (key := footer_key(path)) is not None:
            record[path.relative_to(corpus).as_posix()] = [
                stat.st_size, stat.st_mtime_ns, key, stat.st_ino]
    note = {"folder": _folder_identity(corpus), "files": record}
    write_atomically(corpus / CHECKED, json.dumps(note).encode("utf-8"))


class AsBuilt:
    """Whether a file is as the last build left it (so read by its footer only). Its
    modification time, as the build noted it, says so; a different time says it was changed
    in place (copied over, edited) unless the whole corpus is a copy (``cp -r`` without
    ``-p``: another folder, every time new), where its size and footer must be as noted:
    keyed on the time alone, such a copy had every part read whole by every reader until its
    next build. A file still on the inode the build noted is the very file it left, so a new
    time says it was edited in place, copy or not: a folder whose identity changed with its
    files kept (a remount giving another device number) had such an edit trusted on its
    footer. With no note (a corpus built before it), a time later than the manifest's."""

    def __init__(self, corpus: Path) -> None:
        self.corpus = corpus
        note = _read_note(corpus / CHECKED)
        self.files: dict[str, list] | None = note.get("files") if note else None
        self.copied = bool(note) and note.get("folder") != _folder_identity(corpus)
        self.since = _manifest_time(corpus)

    def __call__(self, path: Path) -> bool:
        if self.files is None:
            return not _changed_since(path, self.since)
        noted = self.files.get(path.relative_to(self.corpus).as_posix())
        try:
            stat = os.stat(path)
        except OSError:
            return True  # gone: nothing to read
        if not isinstance(noted, list) or len(noted) != 4 or stat.st_size != noted[0]:
            return False
        if stat.st_mtime_ns == noted[1]:
            return True
        if stat.st_ino == noted[3]:
            return False  # the file the build left, edited since
        return self.copied and footer_key(path) == noted[2]


@_per_file_state(maxsize=16, absent=OSError)
def _read_note(path: str) -> dict | None:
    """The build's note, read once per state in a process (a reader asks it per edits table)."""
    try:
        note = json.loads(Path(path).read_bytes())
    except (OSError, ValueError):
        return None
    return note if isinstance(note, dict) and isinstance(note.get("files"), dict) else None


def _manifest_time(corpus: Path) -> int | None:
    try:
        return os.stat(corpus / "_corpus.json").st_mtime_ns
    except OSError:
        return None


def _changed_since(part: Path, since: int | None) -> bool:
    try:
        return since is None or os.stat(part).st_mtime_ns > since
    except OSError:
        return False


def derived_problem(path: Path, whole: bool = False) -> str | None:
    """Why a reader cannot read a derived table, if it cannot: the families and removals
    tables (small: a row per article of a family, per observation) are read whole, as every
    reader's views join them; the edits, which grow with the corpus, as version parts are:
    whole if changed since the last build (or ``whole``), else by their footer. Pages
    damaged in the families table made every reading command fail; an edits table was
    checked by its footer only, so a flip in its pages since the build was shown."""
    if whole or path.parent.name != "edits":
        return undecodable(path)
    return (unreadable if AsBuilt(path.parent.parent)(path) else undecodable)(path)


def damaged_derived(corpus: Path, derived: list[Path], whole: bool = False
                    ) -> list[tuple[Path, str]]:
    """(file, why) of each of the ``derived`` tables no reader can open."""
    return [(path, why) for path in derived
            if path.is_file() and (why := derived_problem(path, whole))]


def derived_warning(corpus: Path, path: Path, why: str) -> str:
    """What a reading command says of a derived table it left out."""
    return (f"warning: {path}: not a readable Parquet file ({why}): left out, the "
            f"{path.parent.name} view lacks its rows; the next python -m archive corpus "
            f"DATA_DIR -o {corpus} moves it aside and makes it again")


def move_aside(path: Path) -> Path:
    """Rename a file no reader can open out of every glob, its bytes kept; the new path. Its
    new name is UTF-8 (:func:`utf8_spelling`): DuckDB's glob fails on a folder holding any
    other name, so a part moved aside under its own stopped the build's next query."""
    stamp = f"{datetime.now(UTC):%Y%m%d%H%M%S%f}"
    aside = path.with_name(f"{utf8_spelling(path.name)}.unreadable-{stamp}")
    os.replace(path, aside)
    return aside


def part_owners(corpus: Path) -> dict[str, str]:
    """Part (relative to the corpus) -> the path of the items file its rows came from, as the
    manifest says; empty when it cannot be read (a reader's warning then names no file)."""
    try:
        manifest = json.loads((corpus / "_corpus.json").read_text("utf-8"))
        files = manifest["files"]
        return {part: entry.get("path") or name for name, entry in files.items()
                for part in entry.get("parts", [])}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def reader_warning(corpus: Path, part: Path, why: str, owners: dict[str, str]) -> str:
    """What a reading command says of a part it left out: which rows are missing from its
    answer and the build that puts them back."""
    owner = owners.get(part.relative_to(corpus).as_posix())
    if owner and owner.startswith("/"):
        items = Path(owner)
        held = f"the rows it holds of {items} are missing from this answer"
        fix = (f"python -m archive corpus {items.parent.parent} -o {corpus} moves it aside "
               "and makes it again from that items file")
    else:
        held = "the rows it holds are missing from this answer"
        fix = (f"python -m archive corpus DATA_DIR -o {corpus} (DATA_DIR: the data folder "
               "of its items file) moves it aside and makes it again")
    return f"warning: {part}: not a readable Parquet file ({why}): left out; {held}; {fix}"
