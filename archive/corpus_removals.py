"""The corpus's ``removals`` table: every removal observation of the crawls, as one Parquet file.

Crawls write ``DATA_DIR/removals/*.jsonl`` (one line per article observed removed or restored,
see crawler/removals.py and archive/schema/removal.schema.json). These files are few and
small, so each build that finds them changed reads them all again into
``CORPUS/removals/removals.parquet`` (replaced atomically; always present, empty when there
are none). The rows of a file no longer there (a run folder deleted, a build from another
data folder) are carried over from the table as it was, as an items file's rows are kept:
only a file read again replaces its own rows. A line that breaks the contract is reported with its file and line, as items are,
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
import pyarrow.compute as pc
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
                      pa.field("removals_line", pa.int64())])


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
    ``was_read`` gets, under the file's name, the length and SHA-256 of the bytes read and
    the number of complete lines among them: what this read reported on, whatever a crawl
    appends meanwhile."""
    read, end, lines = hashlib.sha256(), 0, 0
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
               "removals_line": number}
    if naive[0]:
        report(path.name, naive[1], f"{naive[0]} line(s) whose observed_at has no UTC offset "
               "(another tool's file? the crawl writes +00:00): read as UTC", False)
    if not still_holds(path, hashlib.sha256(), 0, end, read.hexdigest()):
        raise ChangedWhileRead(path.name)
    if was_read is not None:
        was_read[path.name] = {"bytes": end, "digest": read.hexdigest(), "lines": lines}


def write_removals(corpus: Path, files: list[Path], report: Report,
                   timestamp: Callable[[Any], Any],
                   was_read: dict[str, dict[str, Any]] | None = None) -> int:
    """Rewrite ``REMOVALS_FILE`` from ``files`` and the rows it held of files not among
    them; the number of rows. ``timestamp``: an ``observed_at`` as an instant; it raises
    ValueError (why) for one naming none. ``was_read``: filled with what was read of each
    file (see ``_rows``)."""
    said = report

    def report(name: str, line: int, reason: str, fatal: bool) -> None:
        said(name, line, shorten(reason), fatal)  # a validator quotes the bad value whole

    target = corpus / REMOVALS_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    schema, rows, count = removal_schema(), [], 0
    with temp_for(target) as tmp, parquet_named(tmp):
        with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
            for kept in _rows_of_files_gone(target, {path.name for path in files}):
                count += _write(writer, kept, report)
            for path in files:
                for row in _rows(path, report, timestamp, was_read):
                    rows.append(row)
                    if len(rows) >= BATCH_ROWS:
                        count += _write(writer, rows, report)
                        rows = []
            count += _write(writer, rows, report)
        replace_durably(tmp, target)  # before the manifest records its digest
    return count


def _rows_of_files_gone(table: Path, present: set[str]) -> Iterator[list[dict[str, Any]]]:
    """The table's rows whose removals file is not among ``present``, a batch at a time: the
    observations of a run folder deleted since (or of another data folder) are the corpus's
    last copy of them, and were dropped by the next build. Read as rows, so a table written
    before a column was added takes the current columns (the new ones null)."""
    if not table.exists():
        return
    names = pa.array(sorted(present), pa.string())
    for batch in pq.ParquetFile(table).iter_batches(BATCH_ROWS):
        kept = batch.filter(pc.invert(pc.is_in(batch.column("removals_file"), value_set=names)))
        if kept.num_rows:
            yield kept.to_pylist()


def _write(writer: pq.ParquetWriter, rows: list[dict[str, Any]], report: Report) -> int:
    """Write the rows pyarrow can hold; report the others."""
    def reject(row: dict[str, Any], exc: Exception) -> None:
        report(row["removals_file"], row["removals_line"], f"cannot be stored: {exc}", True)
    batch, _ = storable_batch(rows, writer.schema, reject)
    writer.write_batch(batch)
    return batch.num_rows
