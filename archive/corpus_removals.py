"""The corpus's ``removals`` table: every removal observation of the crawls, as one Parquet file.

Crawls write ``DATA_DIR/removals/*.jsonl`` (one line per article observed removed or restored,
see crawler/removals.py and archive/schema/removal.schema.json). These files are few and
small, so each build that finds them changed reads them all again into
``CORPUS/removals/removals.parquet`` (replaced atomically; always present, empty when there
are none). The rows of a file no longer there (a run folder deleted, a build from another
data folder) are carried over from the table as it was, as an items file's rows are kept:
only a file read again replaces its own rows, known by its path (``removals_path``), so
two data folders' files of one name (two machines' crawls) both keep theirs. Each
observation is held once, known by its content: a file renamed or copied adds no row
again. A line that breaks the contract is reported with its file and line, as items are,
and left out; a last line without a newline (a crawl still writing) waits for the next build.
A file cut short or rewritten in place while it is read leaves the table as it was: one
error, and the next build reads them all again (as an items file is, :func:`still_holds`).
The views ``removals`` and ``removed`` (corpus_derived.VIEWS_SQL) read the file.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from . import jsonline
from .corpus_schema import arrow_type, parquet_named, shorten, storable_batch
from .fileio import (
    ChangedWhileRead,
    bounded_lines,
    replace_durably,
    still_holds,
    temp_for,
    unended_line,
)
from .schema import REMOVAL_SCHEMA, id_mismatch, removal_errors, schema_text, url_error

REMOVALS_FILE = "removals/removals.parquet"
MAX_LINE_BYTES = 1 << 20  # an observation is a few hundred bytes
BATCH_ROWS = 2000
# (file name, line number, reason, fatal): how a bad line is reported (corpus.Problem)
Report = Callable[[str, int, str, bool], None]


@cache
def removal_schema() -> pa.Schema:
    """The contract's fields as columns (as the items' are), then the time and provenance."""
    root = json.loads(schema_text(REMOVAL_SCHEMA))
    fields = [pa.field(name, arrow_type(node, root)) for name, node in root["properties"].items()]
    return pa.schema([*fields, pa.field("observed_ts", pa.timestamp("us", tz="UTC")),
                      pa.field("removals_file", pa.string()),
                      pa.field("removals_line", pa.int64()),
                      pa.field("removals_path", pa.string())])


def removal_files(data_dir: Path, skip: frozenset[str] = frozenset()) -> list[Path]:
    """The removals files of ``data_dir``, but those named in ``skip`` (the corpus's own files,
    for a corpus built into the removals folder)."""
    folder = data_dir / "removals"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.jsonl") if p.is_file() and p.name not in skip)


def files_digest(files: list[Path]) -> str:
    """One digest of the names and bytes of every removals file: unchanged, nothing to do."""
    sha = hashlib.sha256()
    for path in files:
        sha.update(os.fsencode(path.name) + b"\0")  # the bytes: a name may not be UTF-8
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                sha.update(chunk)
        sha.update(b"\0")
    return sha.hexdigest()


def _without_offset(value: str) -> bool:
    """A date-time with no UTC offset: RFC 3339 (the schema's format) requires one."""
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is None
    except ValueError:
        return False


def _rows(path: Path, report: Report, timestamp: Callable[[Any], Any],
          was_read: dict[str, dict[str, Any]] | None = None) -> Iterator[dict[str, Any]]:
    """The valid observations of one file as rows; the others reported. Raises
    ChangedWhileRead, once read, when the file no longer holds the bytes read (cut short or
    rewritten in place meanwhile: the rows would be of two contents), as items files do.
    ``was_read`` gets, under the file's path, the length and SHA-256 of the bytes read and
    the number of complete lines among them: what this read reported on, whatever a crawl
    appends meanwhile."""
    read, end, lines = hashlib.sha256(), 0, 0
    where = resolved(path)
    naive = [0, 0]  # lines whose observed_at has no offset, the first of them
    for number, (offset, raw, whole) in enumerate(
            bounded_lines(path, 0, MAX_LINE_BYTES, read.update), 1):
        end = offset  # every byte read up to here, hashed in ``read``
        lines += whole
        if not whole:
            report(path.name, number, unended_line(raw, MAX_LINE_BYTES), False)
            break
        if raw is None:
            report(path.name, number, f"line longer than {MAX_LINE_BYTES} bytes", True)
            continue
        if not raw.strip():
            continue
        try:
            line = jsonline.loads(raw)
        except (ValueError, RecursionError) as exc:
            report(path.name, number, f"invalid JSON: {exc}", True)
            continue
        errors = removal_errors(line) if isinstance(line, dict) else ["not a JSON object"]
        if errors:
            report(path.name, number, "breaks the removal schema: " + "; ".join(errors), True)
            continue
        if problem := url_error(line) or id_mismatch(line):
            report(path.name, number, problem, True)
            continue
        try:
            observed = timestamp(line["observed_at"])
        except OverflowError as exc:
            report(path.name, number, f"cannot be stored: {exc}", True)
            continue
        except ValueError as exc:  # the schema's date-time format is not checked
            report(path.name, number, f"observed_at {line['observed_at'][:80]!r} names no "
                   f"instant ({exc}): when it was observed is unknown", True)
            continue
        if _without_offset(line["observed_at"]):
            naive[0] += 1
            naive[1] = naive[1] or number
        yield {**line, "observed_ts": observed, "removals_file": path.name,
               "removals_line": number, "removals_path": where}
    if naive[0]:
        report(path.name, naive[1], f"{naive[0]} line(s) whose observed_at has no UTC offset "
               "(another tool's file? the crawl writes +00:00): read as UTC", False)
    if not still_holds(path, hashlib.sha256(), 0, end, read.hexdigest()):
        raise ChangedWhileRead(path.name)
    if was_read is not None:
        was_read[where] = {"bytes": end, "digest": read.hexdigest(), "lines": lines}


def write_removals(corpus: Path, files: list[Path], report: Report,
                   timestamp: Callable[[Any], Any],
                   was_read: dict[str, dict[str, Any]] | None = None) -> int:
    """Rewrite ``REMOVALS_FILE`` from ``files`` and the rows it held; the number of rows.
    Each observation is one row, known by its content, not by its file's name: a file
    renamed or copied to another data folder adds none again, and a file of the same name
    from another folder (two machines' crawls) replaces none. ``timestamp``: an
    ``observed_at`` as an instant; it raises ValueError (why) for one naming none.
    ``was_read``: filled with what was read of each file (see ``_rows``)."""
    said = report

    def report(name: str, line: int, reason: str, fatal: bool) -> None:
        said(name, line, shorten(reason), fatal)  # a validator quotes the bad value whole

    target = corpus / REMOVALS_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    schema, rows, count = removal_schema(), [], 0
    held: set[bytes] = set()  # the observations written, by content
    with temp_for(target) as tmp, parquet_named(tmp):
        with pq.ParquetWriter(tmp, schema, compression="zstd",
                                write_page_checksum=True) as writer:
            for path in files:  # first: a row names the file that holds it now
                for row in _rows(path, report, timestamp, was_read):
                    rows.append(row)
                    if len(rows) >= BATCH_ROWS:
                        count += _write(writer, rows, report, held)
                        rows = []
            count += _write(writer, rows, report, held)
            for kept in _rows_held(target, files):
                count += _write(writer, kept, report, held)
        replace_durably(tmp, target)  # before the manifest records its digest
    return count


def resolved(path: Path) -> str:
    """A removals file's path as its rows record it: its folder resolved, then its name."""
    return str(path.parent.resolve() / path.name)


def _rows_held(table: Path, files: list[Path]) -> Iterator[list[dict[str, Any]]]:
    """The table's rows but those of ``files`` (read again: a file rewritten in place
    replaces its own rows), a batch at a time. The rows of a file deleted since (a run
    folder cleaned up) or of another data folder are the corpus's last copy of them, and
    a file's own rows are known by its path, not its name: two machines' files of one name
    never replace each other's. A row of a table written before paths were recorded is
    taken for the file of its name in this removals folder. Read as rows, so a table
    written before a column was added takes the current columns (the new ones null)."""
    if not table.exists():
        return
    read = {resolved(path) for path in files}
    folder = files[0].parent.resolve() if files else None
    for batch in pq.ParquetFile(table).iter_batches(BATCH_ROWS):
        rows = [row for row in batch.to_pylist()
                if (row.get("removals_path") or (folder and str(folder / row["removals_file"])))
                not in read]
        if rows:
            yield rows


PROVENANCE = frozenset({"observed_ts", "removals_file", "removals_line", "removals_path"})


def _observation(row: dict[str, Any]) -> bytes:
    """An observation's identity: a digest of its contract fields as stored (so a row read
    back from the table and one of a line compare alike), not of where it was read."""
    fields = [row[name] for name in removal_schema().names if name not in PROVENANCE]
    return hashlib.sha256(repr(fields).encode("utf-8", "backslashreplace")).digest()[:16]


def _write(writer: pq.ParquetWriter, rows: list[dict[str, Any]], report: Report,
           held: set[bytes]) -> int:
    """Write the rows pyarrow can hold whose observation is not ``held`` yet (adding them);
    report the others."""
    def reject(row: dict[str, Any], exc: Exception) -> None:
        report(row["removals_file"], row["removals_line"], f"cannot be stored: {exc}", True)
    batch, _ = storable_batch(rows, writer.schema, reject)
    new = []
    for row in batch.to_pylist():
        if (key := _observation(row)) not in held:
            held.add(key)
            new.append(row)
    if new:
        writer.write_batch(pa.RecordBatch.from_pylist(new, schema=writer.schema))
    return len(new)
