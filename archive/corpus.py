"""One queryable corpus from every items file: Parquet partitioned by outlet and month.

``build_corpus(data_dir, corpus_dir)`` streams ``DATA_DIR/items/*.jsonl`` line by line into
``CORPUS/versions/outlet=<source>/month=YYYY-MM/*.parquet`` (one row per article version, every
item field, nested ``warc`` and ``extractor`` kept nested), then refreshes the small derived
tables (``families/``, ``edits/``), the ``removals/`` table of removal observations
(``DATA_DIR/removals/*.jsonl``, :mod:`archive.corpus_removals`) and ``views.sql``
(``versions``, ``latest``, ``families``, ``edits``, ``removals``, ``removed`` views for DuckDB).

Why Python parsing + pyarrow writers and not DuckDB's own ``read_json``: each line must be
checked against the item contract and a bad one reported with its file and line, which
``read_json(ignore_errors=true)`` cannot do; and the measurement in docs/corpus.md shows the
pyarrow path keeps peak memory flat while DuckDB's partitioned COPY grows with the input.
DuckDB is used to *read* the corpus (views, families, edits, history).

Incremental and idempotent: every item version (one extraction of one capture) is held once,
whichever files hold it (``archive.corpus_keys``); ``_corpus.json`` records every items file by
the SHA-256 of the bytes ingested. A file whose whole content was ingested is skipped, under any name; a file that
has grown since (a run still writing) is resumed at the recorded offset; a last line without a
newline is left for the next build and its file is not marked complete. Parts are written
under a temporary name and renamed, and the manifest is replaced only after them, so a crash
leaves at worst parts that the next build writes again under the same names.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq

from . import jsonline
from .corpus_damage import CHECKED, record_checked
from .corpus_derived import (
    mark_edits_stale,
    refresh_derived,
    set_aside_damaged_parts,
    set_aside_unreadable,
    write_views,
)
from .corpus_files import (
    HeadIndex,
    Scan,
    add_to_index,
    checkpoints,
    head_index,
    missing_parts,
    note_heads,
    rescan,
    resume_point,
    retire,
    rewritten,
    scan,
    still_as_read,
)
from .corpus_keys import HELD_BUDGET, Held, HeldIndex, drop_rows, identity, rank
from .corpus_removals import (
    REMOVALS_FILE,
    files_digest,
    removal_files,
    resolved,
    write_removals,
)
from .corpus_schema import (
    ROW_ERRORS,
    CorpusError,
    corpus_schema,
    describe,
    item_schema,
    open_objects,
    parquet_named,
    schema_errors,
    schema_version,
    shorten,
    storable_batch,
)
from .fileio import (
    NOT_UTF8_NAME,
    ChangedWhileRead,
    append_durably,
    bounded_lines,
    lock_exclusive,
    lock_holder,
    printable_name,
    sync_file,
    sync_folder,
    temp_for,
    temp_name,
    unended_line,
    utf8_name,
    write_atomically,
)
from .schema import id_mismatch, url_error

__all__ = ["BuildReport", "CorpusError", "Problem", "build_corpus"]

MANIFEST = "_corpus.json"
REJECTS = "_rejects.jsonl"
OWN_FILES = frozenset({MANIFEST, REJECTS, "_lock", "_schema.json", "views.sql", CHECKED})  # at its top
OWN_FOLDERS = frozenset({"versions", "edits", "families", "removals"})
BATCH_ROWS = 2000  # rows buffered per partition before a row group is written
BUFFER_BYTES = 16 << 20  # text buffered over all partitions before every buffer is written
MAX_OPEN_PARTS = 32  # Parquet writers open at once (about 1 MB each): a backfill spans years
KEPT_PROBLEMS = 1000  # problems a report (and a file's spool) holds in memory; the rest on disk
REJECTS_CHUNK = 10_000  # rejected lines appended (and fsynced) at once
MAX_LINE_BYTES = 64 << 20  # an item is a few KB; a longer line is damage, not an article
DUCKDB_MEMORY = "512MB"
NAME_MAX = 255  # bytes in one folder name (Linux, macOS, Windows)
INT64 = (-(1 << 63), (1 << 63) - 1)
UNKNOWN_MONTH = "unknown"  # the month folder of rows whose date names no instant


@dataclass(frozen=True)
class Problem:
    """A line that was not ingested: where and why."""

    file: str
    line: int
    reason: str
    fatal: bool = True  # False: an incomplete last line, to be read again by the next build

    def __str__(self) -> str:
        return f"{self.file}{f':{self.line}' if self.line else ''}: {self.reason}"


@dataclass
class BuildReport:
    """What a build did. Only the first KEPT_PROBLEMS problems are held here (a file of two
    million bad lines is two million problems); every one is counted, handed to the build's
    ``on_problem`` and, when rejected, appended to ``_rejects.jsonl``."""

    files_ingested: int = 0
    files_skipped: int = 0  # files whose content went in before: nothing new
    files_partial: int = 0  # files ending in a line still being written (read up to it)
    files_empty: int = 0  # files of no byte: neither unchanged nor ingested
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)  # the first KEPT_PROBLEMS
    families: int = 0
    edits: int = 0
    removals: int = 0  # rows of the removals table (every removal observation)
    duplicates: int = 0  # lines whose item version the corpus held already
    no_instant: int = 0  # lines with a date that names no instant (NULL timestamp)
    rejected: int = 0  # fatal problems but unreadable files: lines (or files) not ingested
    files_unreadable: int = 0  # items files the build could not read (an error each)
    notes: int = 0  # the other problems


class _Spool:
    """The problems of one items file, held until the file is known to still hold what was
    read (only then are they reported): the first KEPT_PROBLEMS in memory, the rest in an
    unnamed temporary file in the corpus folder, so millions of bad lines cost disk, not
    memory."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.kept: list[Problem] = []
        self.spilled: IO[str] | None = None
        # the items files whose lines went to the spool, in order met (a dict: an ordered set)
        self.spilled_from: dict[str, None] = {}

    def add(self, problem: Problem) -> None:
        if len(self.kept) < KEPT_PROBLEMS:
            self.kept.append(problem)
            return
        try:
            if self.spilled is None:  # closed by close(): it lives across calls
                self.spilled = tempfile.TemporaryFile(  # noqa: SIM115
                    "w+", encoding="utf-8", dir=self.folder)
            # ensure_ascii (the default): a file name's surrogate escapes survive the round trip
            self.spilled_from[problem.file] = None
            self.spilled.write(json.dumps([problem.file, problem.line, problem.reason,
                                           problem.fatal]) + "\n")
        except OSError as exc:
            raise self._named(exc, problem.file) from exc

    def __iter__(self) -> Iterator[Problem]:
        yield from self.kept
        if self.spilled is not None:
            try:
                self.spilled.seek(0)  # writes what the buffer holds: the disk may be full
            except OSError as exc:
                raise self._named(exc, ", ".join(self.spilled_from)) from exc
            for line in self.spilled:
                yield Problem(*json.loads(line))

    def _named(self, exc: OSError, items: str) -> OSError:
        """The spool has no name (an unlinked temporary file): its failure names the folder
        it is in and what it held, not the corpus alone as if its data were at fault."""
        return OSError(exc.errno, f"{exc.strerror or exc} (writing the rejected lines of "
                       f"{items} beyond the first {KEPT_PROBLEMS} to an unnamed temporary "
                       "file in this folder)", str(self.folder))

    def close(self) -> None:
        """Drop the spool; its flush failing (the disk that failed a write) loses nothing
        and must not hide the failure the build stops for."""
        if self.spilled is not None:
            with suppress(OSError):
                self.spilled.close()
            self.spilled = None


# -- the manifest ---------------------------------------------------------------------------

def _load_manifest(corpus: Path) -> dict[str, Any]:
    """The manifest, checked to be of the shape this code writes: a damaged one (cut short,
    edited by hand) is an error naming it, raised before anything is written, never a
    traceback half way, nor a build that takes a file's entry for none and drops its rows."""
    path = corpus / MANIFEST
    if not path.exists():
        return {"schema_version": schema_version(), "files": {}, "complete_digests": []}
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except (ValueError, RecursionError) as exc:  # not UTF-8, not JSON
        raise _damaged(path, _why(exc)) from exc
    if not isinstance(manifest, dict):
        raise _damaged(path, f"a JSON {type(manifest).__name__}, not an object")
    if manifest.get("schema_version") != schema_version():
        raise CorpusError(f"{corpus} was built with schema {manifest.get('schema_version')}, "
                          f"this code writes {schema_version()}: build a new corpus folder")
    if why := manifest_problem(manifest):
        raise _damaged(path, why)
    return manifest


def _damaged(path: Path, why: str) -> CorpusError:
    return CorpusError(f"{path}: not a corpus manifest ({why}): left as it is; put back a "
                       "good copy, or build a new corpus folder")


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(x, str) for x in value)


def _part_path(value: str) -> bool:
    """A part's path as a build writes it: relative, under ``versions/``, no ``..``. A build
    deletes an entry's parts when its file is rewritten: an edited manifest naming a path
    outside the corpus must not make it delete that file."""
    steps = value.split("/")
    return steps[0] == "versions" and len(steps) > 1 and not {"", ".", ".."} & set(steps)


def _pair(value: Any) -> bool:
    """A (bytes, digest) checkpoint as JSON writes it."""
    return (isinstance(value, list) and len(value) == 2 and _count(value[0])
            and isinstance(value[1], str))


# key -> (check, what it should be): a file entry's, then the removals record's
ENTRY_KEYS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "digest": (lambda v: isinstance(v, str), "a string"),
    "bytes": (_count, "a whole number >= 0"),
    "complete": (lambda v: isinstance(v, bool), "true or false"),
    "checkpoints": (lambda v: isinstance(v, list) and all(map(_pair, v)),
                    "a list of [bytes, digest]"),
    "head": (lambda v: v is None or isinstance(v, str), "a string or null"),
    "parts": (lambda v: _strings(v) and all(map(_part_path, v)),
              "a list of paths under versions/"),
    "ingested_at": (lambda v: isinstance(v, str), "a string"),
    "base": (lambda v: isinstance(v, str), "a string"),
    "depends_on": (_strings, "a list of strings"),
    "path": (lambda v: isinstance(v, str) and v.startswith("/"), "an absolute path"),
}
ENTRY_REQUIRED = ("digest", "bytes")
REMOVALS_KEYS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "digest": (lambda v: isinstance(v, str), "a string"),
    "rows": (_count, "a whole number >= 0"),
    "files": (lambda v: isinstance(v, dict) and all(
        isinstance(r, dict) and _count(r.get("bytes")) and isinstance(r.get("digest"), str)
        and _count(r.get("lines")) for r in v.values()),
        "an object of {bytes, digest, lines} records"),
    "rejected_lines": (_count, "a whole number >= 0"),
    "rejected_examples": (_strings, "a list of strings"),
    "named": (_strings, "a list of strings"),
    "rejected": (lambda v: isinstance(v, list) and all(
        isinstance(k, list) and len(k) == 2 and isinstance(k[0], str) and _count(k[1])
        for k in v), "a list of [file, line]"),  # an older build's
}


def manifest_problem(manifest: dict[str, Any]) -> str | None:
    """What in ``manifest`` (a JSON object) is not of the shape a build writes, or None."""
    files = manifest.get("files")
    if not isinstance(files, dict):
        return "'files' is not an object of file entries"
    paths: set[str] = set()
    for name, entry in files.items():
        if not isinstance(entry, dict):
            return f"the entry of {name!r} is not an object"
        if missing := [key for key in ENTRY_REQUIRED if key not in entry]:
            return f"the entry of {name!r} has no {' and no '.join(map(repr, missing))}"
        for key, (check, what) in ENTRY_KEYS.items():
            if key in entry and not check(entry[key]):
                return f"{key!r} of the entry of {name!r} is not {what}"
        if why := _key_problem(name, entry, paths):
            return why
    if not (isinstance(manifest.get("complete_digests"), list)
            and all(isinstance(d, str) for d in manifest["complete_digests"])):
        return "'complete_digests' is not a list of strings"
    removals = manifest.get("removals")
    if removals is not None:
        if not isinstance(removals, dict):
            return "'removals' is not an object"
        for key, (check, what) in REMOVALS_KEYS.items():
            if key in removals and not check(removals[key]):
                return f"{key!r} of 'removals' is not {what}"
    return None


OTHER_KEY = re.compile(r"[0-9a-f]{12}/[^/]+")  # see other_key


def _key_problem(name: str, entry: dict[str, Any], paths: set[str]) -> str | None:
    """Why an entry's key and path disagree (``paths``: those of the entries before it), or
    None. A path names its file; ``<12 hex>/<name>`` is the key of a file whose name another
    path's entry has, always written with its path; no two entries have one path."""
    path = entry.get("path")
    if "/" in name and not OTHER_KEY.fullmatch(name):
        return f"the entry key {name!r} is neither a file name nor <12 hex>/<name>"
    if "/" in name and path is None:
        return f"the entry of {name!r} has no 'path'"
    if path is None:
        return None
    if path.rsplit("/", 1)[-1] != name.rsplit("/", 1)[-1]:
        return f"'path' of the entry of {name!r} names another file: {path!r}"
    if path in paths:
        return f"two entries have the path {path!r}"
    paths.add(path)
    return None


@contextmanager
def _locked(corpus: Path) -> Iterator[None]:
    """One build at a time per corpus folder: ``_lock`` is flocked for the whole build and
    names its holder, so a second build can say which one to wait for. The kernel drops the
    lock when the holder dies: a stale file never blocks."""
    lock = corpus / "_lock"
    handle = lock_exclusive(lock, f"pid {os.getpid()} on {socket.gethostname()}, started "
                                  f"{datetime.now(UTC).isoformat(timespec='seconds')}\n")
    if handle is None:
        raise CorpusError(f"another build is running on {corpus} (it holds {lock}: "
                          f"{lock_holder(lock)}); wait for it to end")
    with handle:
        yield


# -- items to rows ----------------------------------------------------------------------------

def _why(exc: BaseException) -> str:
    """An exception as a reason that prints anywhere: no lone surrogate, a bounded length."""
    text = f"{type(exc).__name__}: {exc}".encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= 300 else text[:300] + "..."


def unstorable(file: str, line: int, exc: BaseException) -> Problem:
    """The rejection of a line whose values no corpus column can hold (see ROW_ERRORS)."""
    return Problem(file, line, f"cannot be stored: {_why(exc)}")


def _timestamp(value: Any) -> datetime | None:
    """The ISO string as a UTC instant; None for no date or a date that does not exist (Feb
    30: kept as text). Raises OverflowError for one outside the years 1..9999 in UTC."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def _instant(value: str) -> datetime:
    """:func:`_timestamp` of a date that must name an instant (a removal's ``observed_at``):
    ValueError saying why for one that does not."""
    moment = _timestamp(value)
    if moment is None:
        raise ValueError(_why_no_instant(value))
    return moment


@cache
def _int_columns() -> tuple[tuple[str, ...], ...]:
    """The item's int64 columns, top level and in structs (``warc/offset``)."""
    paths: list[tuple[str, ...]] = []
    for column in item_schema():
        if pa.types.is_integer(column.type):
            paths.append((column.name,))
        elif pa.types.is_struct(column.type):
            paths += [(column.name, sub.name) for sub in column.type
                      if pa.types.is_integer(sub.type)]
    return tuple(paths)


def _check_storable(item: dict[str, Any]) -> None:
    """Raise what pyarrow would for a value no column holds (a lone surrogate, an integer
    beyond int64, written as one or as a float), before the row counts as held: a line rejected later, when its batch is
    written, would leave a copy of it that was skipped as a duplicate lost. The text is
    encoded for its digest anyway."""
    json.dumps({k: v for k, v in item.items() if k != "text"},
               ensure_ascii=False).encode("utf-8")
    for path in _int_columns():
        value = item.get(path[0])
        if len(path) > 1:
            value = value.get(path[1]) if isinstance(value, dict) else None
        # JSON Schema counts 2e300 as an integer; pyarrow cannot hold it either
        number = int(value) if isinstance(value, float) else value
        if isinstance(number, int) and not INT64[0] <= number <= INT64[1]:
            raise OverflowError(f"{'/'.join(path)}: integer {value} is beyond int64")


def to_row(item: dict[str, Any], items_file: str, line: int) -> dict[str, Any]:
    """A validated item as a corpus row: open objects become (key, value) pairs. Raises one
    of ROW_ERRORS for a value no column can hold; pyarrow checks the rest when it writes."""
    _check_storable(item)
    row = dict(item)
    for name in open_objects():
        value = row.get(name) or {}
        row[name] = [(str(k), v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
                     for k, v in value.items()]
    published, fetched = _timestamp(item.get("published")), _timestamp(item["fetched_at"])
    dating, instant = ((item["published"], published) if item.get("published")
                       else (item["fetched_at"], fetched))
    row.update(text_sha256="sha256:" + hashlib.sha256(item["text"].encode("utf-8")).hexdigest(),
               fetched_ts=fetched, published_ts=published,
               # a date naming no instant places the row nowhere (its text is kept as given)
               published_day=dating[:10] if instant else None,
               items_file=items_file, items_line=line)
    return row


def no_instant(item: dict[str, Any], row: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(field, value, why) for each date of the item that passes the schema's pattern but
    names no instant (hour 24, an offset beyond 23:59, 30 February, non-ASCII digits, which
    ``\\d`` matches): its timestamp column is NULL."""
    for name, column in (("published", "published_ts"), ("fetched_at", "fetched_ts")):
        value = item.get(name)
        if isinstance(value, str) and row[column] is None:
            yield name, value, _why_no_instant(value)


def _why_no_instant(value: str) -> str:
    if not value.isascii():
        return "digits other than ASCII 0-9"
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        return str(exc).split(", not ")[0]  # "offset must be a timedelta strictly between …"
    return "no instant"


def outlet_folder(source: str) -> str:
    """The source made path-safe and unambiguous: ASCII letters, digits and ``._-`` kept,
    every other character as the %XX of each of its UTF-8 bytes (URI encoding, which pyarrow's
    hive partitioning decodes back to the source). ASCII names are as older builds wrote
    them; older non-ASCII ones (``%<code point>``, ambiguous) are still read by the glob."""
    return "".join(c if c.isascii() and (c.isalnum() or c in "._-") else
                   "".join(f"%{byte:02X}" for byte in c.encode("utf-8")) for c in source)


def partition_of(row: dict[str, Any]) -> tuple[str, str]:
    """(outlet folder value, month): the source made path-safe, the month of ``published_day``
    (UNKNOWN_MONTH when its date names no instant). Raises ValueError for a source too long
    to be a folder name."""
    outlet = outlet_folder(row["source"])
    if len(f"outlet={outlet}".encode()) > NAME_MAX:
        raise ValueError(f"source is too long for a folder name ({len(row['source'])} "
                         "characters)")
    return outlet, row["published_day"][:7] if row["published_day"] else UNKNOWN_MONTH


def parse_line(raw: bytes) -> tuple[dict[str, Any] | None, str]:
    """(item, "") for a valid line, else (None, reason)."""
    try:
        item = jsonline.loads(raw)
    except RecursionError:
        return None, "invalid JSON: nested too deeply"
    except ValueError as exc:  # not UTF-8, not JSON (NaN, a key twice), over 4,300 digits
        return None, f"invalid JSON: {shorten(str(exc))}"
    if not isinstance(item, dict):
        return None, f"not a JSON object but {type(item).__name__}"
    try:
        errors = schema_errors(item)
    except RecursionError:  # the validator's message quotes a value nested too deeply
        return None, "breaks the item schema: a value is nested too deeply"
    if errors:
        return None, "breaks the item schema: " + "; ".join(map(shorten, errors))
    if problem := url_error(item) or id_mismatch(item):
        return None, problem
    return item, ""


# -- writing parts --------------------------------------------------------------------------

def _row_bytes(row: dict[str, Any]) -> int:
    """What a buffered row costs, near enough: its text and title, and the rest."""
    return len(row.get("text") or "") + len(row.get("title") or "") + 512


class _PartWriter:
    """Parquet parts of one ingest (one items file from one offset), one per partition.

    A row whose item version the corpus holds already (``archive.corpus_keys``) is not added;
    when its line's run knew more than the held row's, it replaces it (``replaced``).

    Memory stays bounded whatever the input: a partition's buffer is written at BATCH_ROWS
    rows, all buffers at BUFFER_BYTES of text, and at most MAX_OPEN_PARTS writers stay open;
    a partition whose writer was closed early gets a further part (``-1``, ``-2`` …) when it
    has more rows. Every part keeps its temp name until the ingest ends, and the split depends
    only on the input, so a build that dies leaves nothing the views read.
    """

    def __init__(self, corpus: Path, part_name: str, report: Callable[[Problem], None],
                 index: HeldIndex, owner: str) -> None:
        self.corpus = corpus
        self.part_name = part_name
        self.report = report
        self.index = index
        self.schema = corpus_schema()
        self.owner = owner  # the items file's manifest entry
        self.own: dict[str, dict[bytes, Held]] = {}  # folder -> this ingest's identities
        self.skipped: dict[str, int] = {}  # entry holding the lines -> lines skipped
        self.first_skipped = self.first_replaced = 0  # line numbers, for the notes
        # (folder, entry) -> identities of rows there that lines here replace
        self.replaced: dict[tuple[str, str], set[bytes]] = {}
        self.replaced_ids: set[str] = set()
        self.buffers: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.buffered = 0
        self.writers: dict[tuple[str, str], pq.ParquetWriter] = {}  # least recently used first
        self.serials: dict[tuple[str, str], int] = {}
        self.written: list[Path] = []  # parts whose writer is closed, still under .tmp names
        self.rows = 0
        self.versions: dict[str, int] = {}  # article -> lowest version this ingest wrote
        # date field -> [lines whose value names no instant, the first, its value, why]
        self.no_instant: dict[str, list[Any]] = {}
        self.undated_lines = 0  # lines with any such date

    def _final(self, key: tuple[str, str]) -> Path:
        serial = self.serials.get(key, 0)
        name = self.part_name if not serial else (
            f"{self.part_name.removesuffix('.parquet')}-{serial}.parquet")
        return self.corpus / self._folder(key) / name

    @staticmethod
    def _folder(key: tuple[str, str]) -> str:
        """The partition's folder, relative to the corpus."""
        return f"versions/outlet={key[0]}/month={key[1]}"

    def add(self, key: tuple[str, str], row: dict[str, Any]) -> None:
        """Buffer a row, unless its item version is held already by a row as good."""
        folder, ident = self._folder(key), identity(row)
        own = self.own.setdefault(folder, {})
        known = own.get(ident) or self.index.held(folder).get(ident)
        if known is not None:
            if known.owner == self.owner or rank(row) <= known.rank:  # in a file, first wins
                self.skipped[known.owner] = self.skipped.get(known.owner, 0) + 1
                self.first_skipped = self.first_skipped or row["items_line"]
                return
            self.replaced.setdefault((folder, known.owner), set()).add(ident)
            self.first_replaced = self.first_replaced or row["items_line"]
            self.replaced_ids.add(row["id"])
        own[ident] = Held(rank(row), self.owner)
        buffer = self.buffers.setdefault(key, [])
        buffer.append(row)
        self.buffered += _row_bytes(row)
        if len(buffer) >= BATCH_ROWS:
            self._flush(key)
        elif self.buffered > BUFFER_BYTES:
            for full in list(self.buffers):
                self._flush(full)

    def _batch(self, key: tuple[str, str], rows: list[dict[str, Any]]
               ) -> tuple[pa.RecordBatch, list[dict[str, Any]]]:
        """The rows pyarrow can store, as a batch; a rejected row no longer counts as held, nor
        replaces a row."""
        def reject(row: dict[str, Any], exc: Exception) -> None:
            self.report(unstorable(row["items_file"], row["items_line"], exc))
            ident = identity(row)
            self.own[self._folder(key)].pop(ident, None)
            for replaced in self.replaced.values():
                replaced.discard(ident)
        return storable_batch(rows, self.schema, reject)

    def _note_versions(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            version = row.get("version") or 0
            if version < self.versions.get(row["id"], version + 1):
                self.versions[row["id"]] = version

    def _flush(self, key: tuple[str, str]) -> None:
        rows = self.buffers.get(key)
        if not rows:
            return
        self.buffered -= sum(map(_row_bytes, rows))
        batch, rows = self._batch(key, rows)
        self.buffers[key] = []
        if not rows:
            return
        writer = self.writers.pop(key, None)
        if writer is None:
            if len(self.writers) >= MAX_OPEN_PARTS:
                self._close_writer(next(iter(self.writers)))
            final = self._final(key)
            final.parent.mkdir(parents=True, exist_ok=True)
            with temp_for(final) as tmp, parquet_named(tmp):  # opening writes: a full disk fails it
                writer = pq.ParquetWriter(tmp, self.schema, compression="zstd",
                                          write_page_checksum=True)
        self.writers[key] = writer  # now the most recently used
        with parquet_named(temp_name(self._final(key))):
            writer.write_batch(batch)
        self.rows += len(rows)
        self._note_versions(rows)

    def _close_writer(self, key: tuple[str, str]) -> None:
        """Close a partition's writer; its part keeps its temp name until the ingest ends. It
        counts as written first: closing writes the footer, which a full disk fails, and the
        abort must still remove the temp file."""
        writer = self.writers.pop(key)
        final = self._final(key)
        self.written.append(final)
        self.serials[key] = self.serials.get(key, 0) + 1
        with parquet_named(temp_name(final)):
            writer.close()

    def close(self) -> list[str]:
        """Write what is buffered, then move every part to its final name."""
        for key in list(self.buffers):
            self._flush(key)
        for key in list(self.writers):
            self._close_writer(key)
        for final in self.written:  # on disk before the manifest can name them
            sync_file(temp_name(final))
        for final in self.written:
            os.replace(temp_name(final), final)
        for folder in {final.parent for final in self.written}:
            sync_folder(folder)
        return [str(final.relative_to(self.corpus)) for final in self.written]

    def abort(self) -> None:
        """Drop the parts being written. Closing may fail as the write did (full disk): the
        first error is the one worth reporting, and the temp files go either way."""
        for key, writer in self.writers.items():
            with suppress(OSError, pa.ArrowException):
                writer.close()
            self.written.append(self._final(key))
        for final in self.written:
            temp_name(final).unlink(missing_ok=True)


PART_STEM_BYTES = 190  # of NAME_MAX: room for "-<12 hex>-<offset>-<serial>.parquet.tmp"


def part_stem(items_name: str) -> str:
    """The start of an items file's part names: its stem, unless that would hide the parts
    (pyarrow's dataset discovery, and so pandas, skips names beginning with ``_`` or ``.``)
    or make them longer than a file name can be. Then the stem, without its leading ``_`` and
    ``.`` and cut to fit, gets a digest of the whole name so two files never share parts."""
    stem = Path(items_name).stem
    if not stem.startswith(("_", ".")) and len(os.fsencode(stem)) <= PART_STEM_BYTES:
        return stem  # as every build before wrote it
    tag = hashlib.sha256(os.fsencode(items_name)).hexdigest()[:16]
    kept = os.fsencode(stem.lstrip("_."))[:PART_STEM_BYTES - 20]
    return f"{kept.decode('utf-8', 'ignore')}~{tag}"  # a cut character is dropped


# What an items file in a wide Unicode encoding begins with: a byte order mark, or the "{" of
# its first line with NUL bytes beside it (UTF-8 JSON has no NUL byte). Longest first.
WIDE_ENCODINGS = ((b"\xff\xfe\x00\x00", "UTF-32LE"), (b"\x00\x00\xfe\xff", "UTF-32BE"),
                  (b"{\x00\x00\x00", "UTF-32LE"), (b"\x00\x00\x00{", "UTF-32BE"),
                  (b"\xff\xfe", "UTF-16LE"), (b"\xfe\xff", "UTF-16BE"),
                  (b"{\x00", "UTF-16LE"), (b"\x00{", "UTF-16BE"))


# What a compressed file begins with (a .jsonl.gz renamed, a download saved still encoded):
# its "lines" are binary garbage, many of them, and the last never ends.
COMPRESSIONS = ((b"\x1f\x8b", "gzip", "gunzip -c"), (b"\x28\xb5\x2f\xfd", "zstd", "zstd -dc"),
                (b"BZh", "bzip2", "bunzip2 -c"), (b"\xfd7zXZ\x00", "xz", "unxz -c"),
                (b"PK\x03\x04", "zip", "unzip -p"))


def wide_encoding(path: Path) -> str | None:
    """The UTF-16 or UTF-32 encoding an items file is in, if it is: split at b"\\n" its
    lines are garbage, so the file is one error naming the fix, not one per line."""
    with open(path, "rb") as fh:
        head = fh.read(4)
    return next((name for mark, name in WIDE_ENCODINGS if head.startswith(mark)), None)


def not_text(path: Path) -> str | None:
    """Why no line of an items file can be read (a wide encoding, a compression), with the
    fix, or None: such a file is one error, not a garbled one per line and a last line
    "still being written" on every build."""
    if encoding := wide_encoding(path):
        return (f"not UTF-8 but {encoding}: no line of it read; convert it (iconv -f "
                f"{encoding} -t UTF-8) and build again")
    with open(path, "rb") as fh:
        head = fh.read(6)
    return next((f"compressed with {name}, not text: no line of it read; decompress it "
                 f"({tool} FILE > NAME.jsonl) and build again"
                 for mark, name, tool in COMPRESSIONS if head.startswith(mark)), None)


# An item line ended by CR and the next one begun: a writer of items never puts a raw CR
# there (JSON escapes it in strings); a CRLF being written ends in the CR.
_CR_LINES = re.compile(rb"\}[ \t]*\r+[ \t]*\{")


def ingest_file(path: Path, corpus: Path, start: int, report: Callable[[Problem], None],
                found: Scan, index: HeldIndex, key: str | None = None
                ) -> tuple[int, bool, list[str], _PartWriter, str]:
    """Ingest ``path`` from byte ``start`` (``found``: the scan that hashed the bytes before
    it): (end offset consumed, complete, parts, the writer: its rows, the lowest version
    written of each article, the lines skipped as held and the rows they replace; the digest
    of the bytes up to the end consumed). Raises ChangedWhileRead, leaving no part, when the
    file no longer holds the bytes read (cut or rewritten in place during the read).
    ``key``: the file's manifest entry (its name, unless another path's entry has that)."""
    key = key or path.name
    line_no = found.marks[start].lines if start else 0
    prefix = found.digests[start][:12] if start else "0"
    stem = part_stem(path.name)
    if key != path.name:  # parts of its own: "<stem>~<the key's 12 hex>"
        cut = os.fsencode(stem)[:PART_STEM_BYTES - 13].decode("utf-8", "ignore")
        stem = f"{cut}~{key.split('/')[0]}"
    writer = _PartWriter(corpus, f"{stem}-{prefix}-{start}.parquet", report, index, key)
    if why := not_text(path):
        report(Problem(path.name, line_no + 1, why))
        return found.size, True, [], writer, found.whole  # the size and digest of one read
    consumed, complete = start, True
    # every byte before ``start`` and read since; up to the whole lines of them
    read = found.marks[start].sha.copy() if start else hashlib.sha256()
    upto = read.copy()
    try:
        for end, raw, whole in bounded_lines(path, start, MAX_LINE_BYTES, read.update):
            line_no += 1
            if not whole:  # the writer has not finished this line: read it next time
                complete = False
                if raw is not None and _CR_LINES.search(raw):  # never ends: say so, each build
                    report(Problem(path.name, line_no, "its lines end in CR alone (saved by an "
                                   "old Mac tool?): no line of it read; convert them (tr '\\r' "
                                   "'\\n') and build again"))
                else:
                    report(Problem(path.name, line_no, unended_line(raw, MAX_LINE_BYTES),
                                   fatal=False))
                break
            consumed, upto = end, read.copy()
            if raw is None:
                report(Problem(path.name, line_no, f"line longer than {MAX_LINE_BYTES} bytes"))
                continue
            if not raw.strip():
                continue
            item, reason = parse_line(raw)
            if item is None:
                report(Problem(path.name, line_no, reason))
                continue
            try:
                # the file's manifest key: its name, unless a file of that name from another
                # folder came first; so no two files' rows share (items_file, items_line)
                row = to_row(item, key, line_no)
                partition = partition_of(row)
            except ROW_ERRORS as exc:
                report(unstorable(path.name, line_no, exc))
                continue
            for n, (name, value, why) in enumerate(no_instant(item, row)):
                writer.no_instant.setdefault(name, [0, line_no, value, why])[0] += 1
                writer.undated_lines += not n
            writer.add(partition, row)
        digest = upto.hexdigest()
        if not still_as_read(path, found, start, consumed, digest):
            # its rows would be of bytes it no longer holds, or of two contents
            raise ChangedWhileRead(path.name)
        parts = writer.close()
        _report_no_instant(path.name, writer.no_instant, report)
    except BaseException:
        writer.abort()
        raise
    return consumed, complete, parts, writer, digest


def _report_no_instant(name: str, found: dict[str, list[Any]],
                       report: Callable[[Problem], None]) -> None:
    """One note per date field of a file: how many lines, the first and its value. The rows
    are kept (their text is worth having); NULL timestamps would otherwise pass unseen."""
    for field_name, (count, line, value, why) in found.items():
        placed = ("; published_day NULL, under month=unknown" if field_name == "published"
                  else "; under month=unknown when it dates the row (no published)")
        report(Problem(name, line, f"{count} line(s) whose {field_name} names no instant "
                       f"(first: {value!r}: {why}): stored with "
                       f"{field_name.replace('_at', '')}_ts NULL{placed}", fatal=False))


# -- the build ---------------------------------------------------------------------------------

def items_files(data_dir: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """(items files, the folder's other entries with why each is not read: named, so none
    is left out silently; hidden ones that are no items file aside)."""
    folder = data_dir / "items"
    if not folder.is_dir():
        raise CorpusError(f"no items folder: {folder}")
    return _folder_entries(folder, "items", keep_hidden=True)


def unread_removals(data_dir: Path, own: frozenset[str]) -> list[tuple[Path, str]]:
    """The entries of ``DATA_DIR/removals`` that are no removals file (a ``.jsonl.gz``, a
    subfolder, a dangling link), with why: named as the items folder's are, not skipped
    silently; the corpus's ``own`` files and folders aside."""
    folder = data_dir / "removals"
    if not folder.is_dir():
        return []
    read = set(removal_files(data_dir))
    _, others = _folder_entries(folder, "removals", keep_hidden=False)
    return [(p, why) for p, why in others if p not in read and p.name not in own]


def own_in_removals(data: Path, corpus: Path) -> frozenset[str]:
    """The corpus's own file and folder names when it is built into ``DATA_DIR/removals``:
    its ``_rejects.jsonl`` read there as a removals file was rejected line by line, each
    rejection appended to it, one more line to reject on every build."""
    if corpus.is_dir() and corpus.resolve() == (data / "removals").resolve():
        return OWN_FILES | OWN_FOLDERS
    return frozenset()


def _folder_entries(folder: Path, kind: str, keep_hidden: bool
                    ) -> tuple[list[Path], list[tuple[Path, str]]]:
    """(the ``*.jsonl`` files of ``folder``, its other entries with why each is not read);
    hidden entries that are no such file aside (hidden ``*.jsonl`` too, unless
    ``keep_hidden``)."""
    files, others = [], []
    for p in sorted(folder.iterdir()):
        if p.name.startswith(".") and not (keep_hidden and p.is_file() and p.suffix == ".jsonl"):
            continue
        if p.is_file() and p.suffix == ".jsonl":  # a hidden one too: a name a person gave
            files.append(p)
        elif p.is_file():
            others.append((p, f"not read: only *.jsonl files are {kind} files (a compressed "
                              "one: decompress it to add it)"))
        elif p.is_dir():
            others.append((p, f"not read: a folder ({kind} files are read from the {kind} "
                              "folder itself, not its subfolders)"))
        elif p.is_symlink() and not p.exists():
            others.append((p, "not read: a link to nothing (its file moved or was deleted)"))
        else:
            others.append((p, "not read: not a regular file (a pipe or a device)"))
    return files, others


def build_corpus(data_dir: str | Path, corpus_dir: str | Path,
                 on_problem: Callable[[Problem], None] | None = None) -> BuildReport:
    """Add every new items file (or new tail of one) under ``data_dir/items`` to the corpus."""
    data, corpus = Path(data_dir), Path(corpus_dir)
    files, others = items_files(data)
    if corpus.is_dir() and corpus.resolve() == (data / "items").resolve():
        # ``-o DATA/items``: its _rejects.jsonl is no items file, its other files and folders
        # none to name
        files = [p for p in files if p.name not in OWN_FILES]
        others = [(p, why) for p, why in others if p.name not in OWN_FILES | OWN_FOLDERS]
    out = BuildReport()

    def report(problem: Problem) -> None:
        if problem.fatal:
            out.rejected += 1
        else:
            out.notes += 1
        tell(problem)

    def tell(problem: Problem) -> None:
        if len(out.problems) < KEPT_PROBLEMS:
            out.problems.append(problem)
        if on_problem:
            on_problem(problem)

    for other, why in others:
        report(Problem(other.name, 0, why, fatal=False))
    for other, why in unread_removals(data, own_in_removals(data, corpus)):
        report(Problem(f"removals/{other.name}", 0, why, fatal=False))
    for odd in [p for p in files if not utf8_name(p.name)]:
        files.remove(odd)
        report(Problem(printable_name(odd.name), 0,
                       NOT_UTF8_NAME.format(what="the items_file of its rows")))

    with _locked(corpus):
        manifest = _load_manifest(corpus)
        _drop_unsaved_rejects(corpus, manifest)
        complete = set(manifest["complete_digests"])
        index = head_index(manifest)
        scans: dict[str, Scan] = {}
        keys: dict[Path, str] = {}  # each file's manifest entry
        by_path = {entry["path"]: key for key, entry in manifest["files"].items()
                   if "path" in entry}
        keyed = False  # an entry of an older manifest was given its file's path
        for path in list(files):
            try:
                key, scans[key], gave_path = _scan_one(path, manifest, index, by_path, report)
                keys[path] = key
                keyed |= gave_path
            except OSError as exc:  # no permission, an I/O error: that file alone
                files.remove(path)
                out.files_unreadable += 1
                tell(Problem(path.name, 0, f"cannot be read ({_why(exc)}): none of it "
                             "ingested; it is read by the next build that can"))
        damaged = set_aside_damaged_parts(corpus)  # before any part is read
        for path in [p for p in files
                     if _cut_short(corpus, manifest, p, keys[p], scans[keys[p]])]:
            files.remove(path)
            out.files_skipped += 1
            report(Problem(path.name, 0, f"{scans.pop(keys[path]).size} bytes, shorter than the "
                           f"{manifest['files'][keys[path]]['bytes']} bytes ingested from it, "
                           "and what is left is what went in (cut short: restored from an "
                           "older backup, a copy stopped half way?): its rows are kept, none "
                           "of it read; put its whole content back, or delete it to keep the "
                           "corpus as it is"))
        _report_damaged_parts(corpus, manifest, damaged, scans, report)
        lost = missing_parts(corpus, manifest)
        if folder := next((corpus / part for parts in lost.values() for part in parts
                           if (corpus / part).is_dir()), None):  # (its rewrite would fail)
            raise CorpusError(f"{folder}: a folder stands where a part of the corpus should "
                              "be; move it away and build again (its rows are then read "
                              "again from their items file)")
        for name, parts in sorted(lost.items()):
            shown = Path(manifest["files"][name].get("path") or name).name
            if name in scans:  # its file is here, as ingested (a cut one left scans above)
                report(Problem(shown, 0, f"{len(parts)} part(s) of its rows missing from the "
                               f"corpus ({parts[0]}…): read again in full to put them back",
                               fatal=False))
            else:
                report(Problem(shown, 0, f"{len(parts)} part(s) of its rows missing from the "
                               f"corpus ({parts[0]}…) and its items file is not here to read "
                               "again: those rows are lost until it is (build from its "
                               "folder)"))
        doomed = rewritten(manifest, scans, [name for name in lost if name in scans])
        for name in sorted(doomed - scans.keys()):
            where = manifest["files"][name].get("path") or name
            report(Problem(Path(where).name, 0, f"{where} continued a file rewritten since: its "
                           "rows go with that file's; build it again to put them back",
                           fatal=False))
        for name in doomed:  # first: a copy of the old content must not count as ingested
            retire(corpus, manifest, complete, name)
        if note_heads(manifest, scans) or doomed or keyed:
            _save_manifest(corpus, manifest, complete)
        index = head_index(manifest)
        held = HeldIndex(corpus, manifest["files"], HELD_BUDGET)
        checkpoint = _Checkpoint(corpus, manifest, complete)
        for path in files:
            scan = scans[keys[path]]
            checkpoint.before(scan.size)
            found = _Spool(corpus)  # reported once the file is known to hold what was read
            try:
                try:
                    ingested = _ingest_one(path, keys[path], scan, corpus, manifest, complete,
                                           index, held, found.add)
                except ChangedWhileRead:
                    found.close()
                    found = _Spool(corpus)
                    found.add(changed_while_read(path.name))
                    ingested = None
                # durably before the manifest says the file is done: it is never read again
                _report_all(found, report, corpus if ingested is not None else None)
            finally:
                found.close()
            if ingested is None:
                empty = scan.size == 0
                out.files_empty += empty
                out.files_skipped += not empty
                continue
            rows, whole, advanced, duplicates, no_instant = ingested
            out.rows += rows
            out.duplicates += duplicates
            out.no_instant += no_instant
            out.files_ingested += advanced
            out.files_skipped += not advanced and whole  # (a torn line alone: being written)
            out.files_partial += not whole
            checkpoint.file_done()
        checkpoint.save()
        for path, aside, why in set_aside_unreadable(corpus):
            report(Problem(str(path), 0, f"not a readable Parquet file ({why}): moved to "
                           f"{aside.name} and made again from the corpus", fatal=False))
        out.removals = _refresh_removals(data, corpus, manifest, complete, report)
        write_atomically(corpus / "_schema.json",
                      json.dumps(describe(), indent=1, ensure_ascii=False).encode())
        out.families, out.edits = refresh_derived(corpus)
        write_views(corpus)
        record_checked(corpus)
    return out


def _report_damaged_parts(corpus: Path, manifest: dict[str, Any],
                          damaged: list[tuple[Path, Path, str]], scans: dict[str, Scan],
                          report: Callable[[Problem], None]) -> None:
    """Say of each version part moved aside whether its rows are made again (its items file
    is here as ingested: it is read again in full, as for a part deleted) or lost until its
    items file is back (the missing part is then an error on each build, as a deleted one)."""
    owners = {part: key for key, entry in manifest["files"].items()
              for part in entry.get("parts", [])}
    for part, aside, why in damaged:
        key = owners.get(part.relative_to(corpus).as_posix())
        items = manifest["files"][key].get("path", key) if key else None
        if key in scans:
            then = f"made again from its items file {items}"
        elif key:
            then = f"its rows are lost until its items file {items} is back (see below)"
        else:
            then = ("no items file of the manifest names it (a part of a build stopped "
                    "before it saved the manifest, or not this corpus's)")
        report(Problem(str(part), 0, f"not a readable Parquet file ({why}): moved to "
                       f"{aside.name} (its bytes kept); {then}", fatal=False))


def _scan_one(path: Path, manifest: dict[str, Any], index: HeadIndex, by_path: dict[str, str],
              report: Callable[[Problem], None]) -> tuple[str, Scan, bool]:
    """(the file's manifest entry, its scan, whether an entry of an older manifest was given
    its path). A file's entry is the one that recorded its path (``by_path``): two files of
    one name in two items folders (crawl files are <spider>-<time>-<pid>: two containers
    started in one second) never share an entry, so neither's rows replace the other's. An
    entry written before paths were recorded belongs to the file of its name that still
    holds the bytes it ingested; a file of that name holding other bytes is another file."""
    place = where(path)
    key = by_path.get(place) or path.name
    entry = manifest["files"].get(key)
    if entry and entry.get("path", place) != place:
        key = other_key(path)
    found = scan(path, manifest, index, key)
    entry = manifest["files"].get(key)
    if not entry or "path" in entry:
        return key, found, False
    if found.digests.get(entry["bytes"]) == entry["digest"]:
        entry["path"] = place
        return key, found, True
    report(Problem(path.name, 0, "the corpus's entry of this name was written before entries "
                   "recorded their path, and this file's bytes are not those it ingested: "
                   "read as another file (from another items folder?), the entry's rows kept. "
                   "If this file was rewritten in place, its old rows stay beside the new "
                   "(doubled): build a new corpus folder from the items folders to drop them",
                   fatal=False))
    key = other_key(path)
    return key, scan(path, manifest, index, key), True


def where(path: Path) -> str:
    """Where an items file is, as its manifest entry records it: its folder resolved (the
    file itself may be a symlink to a copy; the entry is for this name in this folder)."""
    return str(path.parent.resolve() / path.name)


def other_key(path: Path) -> str:
    """The entry of an items file whose name another path's entry has: a digest of its path,
    '/', its name ('/' is in no file name, so no file name is such a key)."""
    return f"{hashlib.sha256(os.fsencode(where(path))).hexdigest()[:12]}/{path.name}"


def _gone_namesakes(path: Path, manifest: dict[str, Any]) -> list[str]:
    """The recorded paths of entries of this file's name, in other folders, that are gone."""
    place = where(path)
    return sorted(entry["path"] for key, entry in manifest["files"].items()
                  if key.rsplit("/", 1)[-1] == path.name and entry.get("path", place) != place
                  and not os.path.lexists(entry["path"]))


def changed_while_read(name: str) -> Problem:
    """The one error of a file that was cut short or rewritten in place as it was read."""
    return Problem(name, 0, "changed while this build read it (cut short or rewritten in "
                   "place): none of it taken now; it is read again by the next build")


def _cut_short(corpus: Path, manifest: dict[str, Any], path: Path, key: str,
               found: Scan) -> bool:
    """Whether an items file is shorter than what was ingested from it, empty or ending
    mid-line, with no line of it differing from the row that line gave: damage (a file
    truncated, restored from a backup taken while the crawl wrote), not a rewrite, whose
    retiring would delete rows the corpus may be the last copy of. (A file cut at a line end
    is taken as rewritten with fewer items: its rows go, as documented.)"""
    entry = manifest["files"].get(key)
    if not entry or found.size >= entry["bytes"] or (found.size and _ends_a_line(path)):
        return False
    stored: dict[int, tuple[str, str]] = {}  # line -> (id, text digest) of its row
    for part in entry.get("parts", []):
        if (corpus / part).exists():
            table = pq.read_table(corpus / part, columns=["items_line", "id", "text_sha256"])
            stored.update(zip(table.column("items_line").to_pylist(),
                              zip(table.column("id").to_pylist(),
                                  table.column("text_sha256").to_pylist(), strict=True),
                              strict=True))
    line_no = 0
    for _, raw, whole in bounded_lines(path, 0, MAX_LINE_BYTES):
        line_no += 1
        if not whole or raw is None or line_no not in stored:
            continue
        try:
            item = json.loads(raw)
            key = (item["id"], "sha256:" + hashlib.sha256(item["text"].encode()).hexdigest())
        except (ValueError, TypeError, KeyError, AttributeError):
            return False
        if key != stored[line_no]:
            return False
    return True


def _ends_a_line(path: Path) -> bool:
    with open(path, "rb") as fh:
        fh.seek(-1, os.SEEK_END)
        return fh.read(1) == b"\n"


CHECKPOINT_FILES = 1000  # items files ingested at most between two manifest saves
CHECKPOINT_SECONDS = 5.0  # ... or this long, whichever comes first
CHECKPOINT_SHARE = 10  # and never sooner than this many times the last save took
CHECKPOINT_BYTES = 1 << 20  # a file this big takes a while: the files before it are saved first


class _Checkpoint:
    """Saves the manifest after ingested files, but not after each: it is rewritten and
    fsynced whole, so saving after every file made a first build over thousands of files
    quadratic. A save comes after ``CHECKPOINT_FILES`` files or ``CHECKPOINT_SECONDS``,
    whichever is first, and before a file of ``CHECKPOINT_BYTES`` or more (a kill during its
    long read loses no file before it), but never sooner than ``CHECKPOINT_SHARE`` times the
    last save took (saving stays a bounded share of the build). The files' parts, rejects and stale edit
    ids are durable before the save names them; a build killed in between loses only the
    files since the last save, which the next build reads again into the same part names
    (nothing doubled)."""

    def __init__(self, corpus: Path, manifest: dict[str, Any], complete: set[str]) -> None:
        self.corpus, self.manifest, self.complete = corpus, manifest, complete
        self.pending = 0
        self.last = time.monotonic()
        self.took = 0.0

    def before(self, size: int) -> None:
        """A file of ``size`` bytes is read next."""
        if size >= CHECKPOINT_BYTES and self._due():
            self.save()

    def file_done(self) -> None:
        self.pending += 1
        if self._due() and (self.pending >= CHECKPOINT_FILES
                            or time.monotonic() - self.last >= CHECKPOINT_SECONDS):
            self.save()

    def _due(self) -> bool:
        return time.monotonic() - self.last >= self.took * CHECKPOINT_SHARE

    def save(self) -> None:
        """Save now if any file was ingested since the last save."""
        if not self.pending:
            return
        start = time.monotonic()
        _save_manifest(self.corpus, self.manifest, self.complete)
        self.last = time.monotonic()
        self.took, self.pending = self.last - start, 0


def _save_manifest(corpus: Path, manifest: dict[str, Any], complete: set[str]) -> None:
    manifest["complete_digests"] = sorted(complete)
    try:  # what the manifest has seen of the rejects: a later stopped build's lines go after
        manifest["rejects_bytes"] = (corpus / REJECTS).stat().st_size
    except FileNotFoundError:
        manifest["rejects_bytes"] = 0
    write_atomically(corpus / MANIFEST, json.dumps(manifest, indent=1).encode())


def _drop_unsaved_rejects(corpus: Path, manifest: dict[str, Any]) -> None:
    """Cut ``_rejects.jsonl`` back to what the manifest has seen: the lines after it were
    appended by a build stopped before its manifest moved past their files, and this build
    reads those files again and appends the same lines (they were there twice)."""
    saved = manifest.get("rejects_bytes")
    path = corpus / REJECTS
    if isinstance(saved, int) and not isinstance(saved, bool) and saved >= 0 \
            and path.exists() and path.stat().st_size > saved:
        os.truncate(path, saved)


def _ingest_one(path: Path, key: str, found: Scan, corpus: Path, manifest: dict[str, Any],
                complete: set[str], index: HeadIndex, held: HeldIndex,
                report: Callable[[Problem], None]) -> tuple[int, bool, bool, int, int] | None:
    """Ingest what is new in one file and update ``manifest``: (rows, whole file ingested,
    anything new read, lines skipped as held, lines with a date naming no instant); None when
    the file's whole content is in the corpus already. Raises ChangedWhileRead (nothing
    updated) when the file changed while it was read."""
    found = rescan(path, found, index)
    base, start = resume_point(key, found, manifest, index)
    if found.whole in complete or start >= found.size:
        return None
    own = manifest["files"].get(key)  # still its bytes: a rewritten one was retired
    if not own and not start and (gone := _gone_namesakes(path, manifest)):
        report(Problem(path.name, 0, f"a file of this name was ingested from "
                       f"{', '.join(gone)}, which is gone, and this one holds other bytes: "
                       "read as another file, the rows of that one kept. If this is that "
                       "file, moved and then rewritten in place, its old rows stay beside "
                       "the new (doubled): build a new corpus folder from the items folders "
                       "to drop them", fatal=False))
    consumed, whole, parts, writer, digest = ingest_file(
        path, corpus, start, report, found, held, key)
    # before the manifest advances past these rows, and before replaced rows go
    mark_edits_stale(corpus, {**writer.versions, **dict.fromkeys(writer.replaced_ids, 0)})
    depends = _settle_duplicates(key, where(path), path.name, writer, held, manifest, report)
    points = set(checkpoints(own)) if own else set()
    entry = {"path": where(path), "digest": digest, "bytes": consumed, "complete": whole,
             "checkpoints": sorted(points | {(consumed, digest)}),
             "head": found.head if consumed else None,
             "parts": sorted(set((own or {}).get("parts", [])) | set(parts)),
             "ingested_at": datetime.now(UTC).isoformat(timespec="seconds")}
    # whose parts hold rows of this file's first bytes: the entry it resumed from, when that
    # is another file's (its own parts keep what it ingested itself), else its earlier base
    inherited = base if base != key else (own or {}).get("base")
    if inherited:
        entry["base"] = inherited
    if depends := depends | set((own or {}).get("depends_on", [])):
        entry["depends_on"] = sorted(depends)
    manifest["files"][key] = entry
    add_to_index(index, key, entry)
    held.add(key, parts, writer.own)
    if whole:
        complete.add(digest)
    return (writer.rows, whole, consumed > start, sum(writer.skipped.values()),
            writer.undated_lines)


def _settle_duplicates(name: str, place: str, shown: str, writer: _PartWriter, held: HeldIndex,
                       manifest: dict[str, Any], report: Callable[[Problem], None]) -> set[str]:
    """Remove the rows this file's lines replaced from their parts and note what was skipped:
    the entries this file now depends on (they hold lines of it). An entry whose row went
    depends on this one. When an entry is retired, the files depending on it are read again.
    ``name``: this file's entry; ``place``: its path; ``shown``: its name in the notes, which
    name the files holding its lines by path (an entry of an older manifest: by name)."""
    for (folder, owner), identities in writer.replaced.items():
        if identities:
            for part in held.parts(folder, owner):
                drop_rows(writer.corpus / part, identities)
            entry = manifest["files"][owner]
            entry["depends_on"] = sorted(set(entry.get("depends_on", [])) | {name})
    owners = set(writer.skipped)
    if writer.skipped:
        holders = sorted({place if owner == name else manifest["files"].get(owner, {}).get(
            "path", owner) for owner in owners})
        report(Problem(shown, writer.first_skipped, f"{sum(writer.skipped.values())} line(s) "
                       "already in the corpus (the same capture, extractor and extracted "
                       f"fields) from {', '.join(holders)}: not added again",
                       fatal=False))
    if replaced := sum(map(len, writer.replaced.values())):
        report(Problem(shown, writer.first_replaced, f"{replaced} row(s) of the same item versions replaced by this "
                       "file's lines, whose run knew more (a higher version or more "
                       "near-duplicates)", fatal=False))
    return owners - {name}


REJECTED_EXAMPLES = 5  # bad removals lines the manifest quotes (it counts them all)


def _refresh_removals(data: Path, corpus: Path, manifest: dict[str, Any], complete: set[str],
                      report: Callable[[Problem], None]) -> int:
    """Rebuild the removals table when the removals files changed; its rows. A rejected line
    is reported (and goes to ``_rejects.jsonl``) once, however many builds read it again:
    the manifest records, per file, the length, digest and complete lines of the bytes read,
    and a bad line among those lines of a file that still begins with those bytes was
    reported then. Only the number of bad lines and the first few are kept: a list of every
    one made a million bad lines a 39 MB manifest that every later build read and wrote."""
    every = removal_files(data, own_in_removals(data, corpus))
    digest = files_digest(every)
    known = manifest.get("removals") or {}
    if known.get("digest") == digest and (corpus / REMOVALS_FILE).exists():
        return int(known.get("rows", 0))
    legacy = {tuple(key) for key in known.get("rejected", [])}  # an older build's list
    files = [path for path in every if utf8_name(path.name)]
    records = known.get("files", {})
    seen_lines = _lines_seen(records, files)
    odd_names = [printable_name(odd.name) for odd in every if odd not in files]
    odd_paths = {printable_name(odd.name): printable_name(resolved(odd))
                 for odd in every if odd not in files}
    named = _still_named(known.get("named", []), odd_paths, data / "removals")
    found = _Spool(corpus)  # reported once every file is known to hold what was read

    def note(file: str, line: int, reason: str, fatal: bool) -> None:
        found.add(Problem(file, line, reason, fatal))

    def reported_before(problem: Problem) -> bool:
        return problem.fatal and (0 < problem.line <= seen_lines.get(problem.file, 0)
                                  or (problem.file, problem.line) in legacy
                                  or (not problem.line
                                      and odd_paths.get(problem.file, problem.file) in named))

    try:
        for name in odd_names:
            note(name, 0, NOT_UTF8_NAME.format(what="the removals_file of its rows"), True)
        was_read: dict[str, dict[str, Any]] = {}
        try:
            rows = write_removals(corpus, files, note, _instant, was_read)
        except ChangedWhileRead as changed:  # the table stays as it was, the manifest too
            report(changed_while_read(changed.args[0]))
            if not (corpus / REMOVALS_FILE).exists():  # always there, empty at first
                write_removals(corpus, [], lambda *_: None, _instant)
            return int(known.get("rows", 0))
        count = int(known.get("rejected_lines", len(legacy)))
        examples = list(known.get("rejected_examples", []))

        def fresh() -> Iterator[Problem]:
            nonlocal count
            for problem in found:
                if reported_before(problem):
                    continue
                if problem.fatal:
                    count += 1
                    if not problem.line:
                        named.add(odd_paths.get(problem.file, problem.file))
                    if len(examples) < REJECTED_EXAMPLES:
                        examples.append(str(problem))
                yield problem

        _report_all(fresh(), report, corpus)
    finally:
        found.close()
    manifest["removals"] = {"digest": digest, "rows": rows,
                            "files": _records_kept(records, files) | was_read,
                            "rejected_lines": count, "rejected_examples": examples,
                            "named": sorted(named)}
    _save_manifest(corpus, manifest, complete)
    return rows


def _lines_seen(records: dict[str, dict[str, Any]], files: list[Path]) -> dict[str, int]:
    """Per removals file read now (by name: they are of one folder), the complete lines an
    earlier build read and reported on: those of the longest record, of any path, whose
    bytes this file still begins with. Known by content, as the table's rows are: a file
    renamed, or copied into another data folder, reports its bad lines no more, while
    another folder's file of its name (keyed by name, one's record stood for the other's)
    reports its own."""
    by_length: dict[int, dict[str, int]] = {}
    for record in records.values():
        digests = by_length.setdefault(record["bytes"], {})
        digests[record["digest"]] = max(digests.get(record["digest"], 0), record["lines"])
    seen = {}
    for path in files:
        try:
            if lines := _prefix_lines(path, by_length):
                seen[path.name] = lines
        except OSError:  # gone or unreadable: reported by the read that follows
            continue
    return seen


def _prefix_lines(path: Path, by_length: dict[int, dict[str, int]]) -> int:
    """The most lines of a record (length -> digest -> lines) whose bytes ``path`` begins
    with: the file is read once, its hash compared at each recorded length."""
    sha, done, best = hashlib.sha256(), 0, 0
    with open(path, "rb") as fh:
        for length in sorted(by_length):
            while done < length and (chunk := fh.read(min(1 << 20, length - done))):
                sha.update(chunk)
                done += len(chunk)
            if done < length:
                break
            best = max(best, by_length[length].get(sha.hexdigest(), 0))
    return best


def _still_named(named: list[str], odd_paths: dict[str, str], folder: Path) -> set[str]:
    """The files named in an error of their own (a name that is not UTF-8) that are still
    to be kept quiet: by path, so another data folder's file of that name is named too (by
    name, one folder's record hid the other's file); this folder's while they are still
    there; an older build's record, a bare name, taken for this folder's file of it."""
    here = printable_name(str(folder.resolve())) + "/"
    kept = set()
    for entry in named:
        path = entry if "/" in entry else odd_paths.get(entry, "")
        if path in odd_paths.values() or (path and not path.startswith(here)):
            kept.add(path)
    return kept


def _records_kept(records: dict[str, dict[str, Any]], files: list[Path]
                  ) -> dict[str, dict[str, Any]]:
    """The earlier records this build did not read again: other data folders' files and
    files renamed or deleted since (a renamed file is known by their content). A record of an
    older build, keyed by name, goes when a file of that name is read."""
    read = {resolved(path) for path in files} | {path.name for path in files}
    return {key: record for key, record in records.items() if key not in read}


def _report_all(problems: Iterable[Problem], report: Callable[[Problem], None],
                corpus: Path | None) -> None:
    """Report each problem and, given ``corpus``, append the rejected ones to its
    ``_rejects.jsonl`` REJECTS_CHUNK at a time: never all of them in memory."""
    chunk: list[Problem] = []
    for problem in problems:
        report(problem)
        if corpus is not None and problem.fatal:
            chunk.append(problem)
            if len(chunk) >= REJECTS_CHUNK:
                _append_rejects(corpus, chunk)
                chunk = []
    if chunk and corpus is not None:
        _append_rejects(corpus, chunk)


def _append_rejects(corpus: Path, problems: list[Problem]) -> None:
    """Record rejected lines durably: the manifest moves past them next."""
    append_durably(corpus / REJECTS, [
        json.dumps({"file": p.file, "line": p.line, "reason": p.reason}, ensure_ascii=False)
        + "\n" for p in problems])
