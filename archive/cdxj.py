"""CDXJ index lines in the form pywb (and cdxj-indexer) produce, sorted by SURT key."""

from __future__ import annotations

import heapq
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .errors import WarcFormatError
from .fileio import replace_durably
from .methods import capture_method, with_query
from .pairing import with_requests
from .records import RecordInfo, iter_records
from .urls import surt

ErrorHandler = Callable[[WarcFormatError], None]


# pywb lists every record but these (and application/warc-fields blocks): see is_capture. A
# continuation record (the rest of a segmented record) pywb lists too, but it is a fragment
# with no HTTP head: listed beside its first segment, pywb could serve it as the page.
_NOT_CAPTURES = frozenset(("request", "warcinfo", "continuation", ""))


def timestamp14(info: RecordInfo) -> str:
    d = info.record.date  # zero-padded even before year 1000, unlike strftime
    return f"{d.year:04d}{d.month:02d}{d.day:02d}{d.hour:02d}{d.minute:02d}{d.second:02d}"


# Heritrix 1.x (WARC/0.17) metadata about a fetch (via, hopsFromSeed), at the page's URL and
# second: pywb leaves it out (METADATA_NO_INDEX_TYPES), or it would collide with the page
_METADATA_NOT_CAPTURES = frozenset(("text/anvl",))


def is_capture(info: RecordInfo) -> bool:
    """Records pywb's indexer lists: responses, revisits, resources, non-field metadata...
    (not continuation records, see _NOT_CAPTURES, nor Heritrix 1.x text/anvl metadata)."""
    rec = info.record
    if rec.rec_type in _NOT_CAPTURES or not rec.target_uri:
        return False
    ctype = (rec.get("Content-Type") or "").split(";", 1)[0].strip().lower()
    if rec.rec_type == "metadata" and ctype in _METADATA_NOT_CAPTURES:
        return False
    return ctype != "application/warc-fields"


def cdxj_line(info: RecordInfo, filename: str) -> str | None:
    """One CDXJ line for a capture (see is_capture); None for other records. A capture paired
    with its request (archive.pairing) that was no GET is keyed by method and body."""
    rec = info.record
    if not is_capture(info):
        return None
    fields: dict[str, str] = {"url": rec.target_uri}
    try:
        http = rec.http()
    except ValueError:
        http = None
    if rec.rec_type == "revisit":
        fields["mime"] = "warc/revisit"
    elif http is not None:
        ctype = http.header("Content-Type") or ""
        fields["mime"] = ctype.split(";", 1)[0].strip().lower() or "unk"
    else:
        fields["mime"] = (rec.get("Content-Type") or "").split(";", 1)[0].strip() or "unk"
    if http is not None and http.status and rec.rec_type != "resource":
        fields["status"] = str(http.status)
    digest = rec.get("WARC-Payload-Digest")
    if digest:
        fields["digest"] = digest
    fields.update(length=str(info.length), offset=str(info.offset), filename=filename)
    method, query = capture_method(info)
    if query:  # a POST or HEAD is keyed apart from the GET, as pywb's `wb-manager add` does
        fields["method"] = method
        body = query.partition("&")[2]
        if body:
            fields["requestBody"] = body
    key = surt(with_query(rec.target_uri, query))
    return f"{key} {timestamp14(info)} {json.dumps(fields, ensure_ascii=False)}"


# Lines held in memory before a sorted run goes to disk: ~50 MB of entries (a line of a small
# capture and its sort key take ~500 bytes). Up to this nothing touches the disk.
RUN_LINES = 100_000
MERGE_FAN = 64  # runs read at once by a merge: open files, and one read buffer each

Entry = tuple[str, int, int, str]  # (key and timestamp, -microsecond, -input number, line)


class IndexLines:
    """CDXJ lines collected in input order and given out sorted as pywb needs them: by key and
    14-digit timestamp, and within one second newest first (by the WARC-Date's fraction,
    then input order). pywb serves the first of equal lines, so it picks the capture
    ArchiveLookup picks; sorting whole lines left that to the JSON text (the digest).

    Bounded memory: an external merge sort. At most ``run_lines`` entries are held; more are
    sorted and written as a run to a private temporary folder (made in ``tmp_dir``, else
    TMPDIR, at the first spill), and iterating merges the runs and the entries in memory with
    ``heapq.merge``, more than ``fan`` runs in several passes. Each entry's sort key is whole
    and unique (the input number), so the merge gives exactly the order one sort would.
    heapq and tempfile do this in ~60 lines; a sorting library (or SQLite) would add a
    dependency or a format to trust for no gain. ``close`` (or leaving the ``with`` block,
    also on an error or KeyboardInterrupt) removes the folder.
    """

    def __init__(self, run_lines: int = RUN_LINES, tmp_dir: str | Path | None = None,
                 fan: int = MERGE_FAN) -> None:
        if run_lines < 1 or fan < 2:
            raise ValueError("run_lines must be at least 1 and fan at least 2")
        self._entries: list[Entry] = []
        self._count = 0
        self._bytes = 0
        self._run_lines, self._fan, self._tmp_dir = run_lines, fan, tmp_dir
        self._folder: Path | None = None
        self._runs: list[Path] = []

    def add(self, info: RecordInfo, line: str) -> None:
        if len(self._entries) >= self._run_lines:  # up to run_lines lines, nothing on disk
            self._spill()
        head = line.split(" ", 2)
        prefix = f"{head[0]} {head[1]}"
        self._entries.append((prefix, -info.record.date.microsecond, -self._count, line))
        self._count += 1
        self._bytes += (len(line) if line.isascii() else len(line.encode("utf-8"))) + 1

    def __len__(self) -> int:
        return self._count

    @property
    def nbytes(self) -> int:
        """Size of the index file: every line in UTF-8 with its newline."""
        return self._bytes

    def __iter__(self) -> Iterator[str]:
        """The lines in index order, merged from the runs on disk and the entries held."""
        self._entries.sort()
        if not self._runs:
            return (entry[3] for entry in self._entries)
        while len(self._runs) >= self._fan:  # leave one place for the entries held
            merged = self._new_run()
            _write_run(heapq.merge(*map(_read_run, self._runs[:self._fan])), merged)
            for run in self._runs[:self._fan]:
                run.unlink()
            self._runs = self._runs[self._fan:] + [merged]
        runs = [_read_run(run) for run in self._runs]
        return (entry[3] for entry in heapq.merge(iter(self._entries), *runs))

    def sorted(self) -> list[str]:
        return list(self)

    def close(self) -> None:
        """Remove the runs on disk (their folder); the lines are gone."""
        self._entries = []
        self._runs = []
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def __enter__(self) -> IndexLines:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _new_run(self) -> Path:
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix=".index-runs-", dir=self._tmp_dir))
        fd, name = tempfile.mkstemp(dir=self._folder, suffix=".run")
        os.close(fd)
        return Path(name)

    def _spill(self) -> None:
        self._entries.sort()
        run = self._new_run()
        self._runs.append(run)
        _write_run(iter(self._entries), run)
        self._entries = []


def _write_run(entries: Iterator[Entry], path: Path) -> None:
    """One entry a line: the two numbers of its key, then the CDXJ line (one line: its key is
    one ASCII token and JSON escapes newlines), from which the prefix is read back."""
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.writelines(f"{e[1]} {e[2]} {e[3]}\n" for e in entries)


def _read_run(path: Path) -> Iterator[Entry]:
    with open(path, encoding="utf-8", newline="\n") as fh:
        for raw in fh:
            micro, number, line = raw[:-1].split(" ", 2)
            key, stamp, _ = line.split(" ", 2)
            yield (f"{key} {stamp}", int(micro), int(number), line)


def collect_index(
    paths: Iterable[Path],
    lines: IndexLines,
    *,
    relative_to: Path | None = None,
    on_error: ErrorHandler | None = None,
    progress: Callable[[int], None] | None = None,
    max_record_size: int | None = None,
) -> None:
    """Add the CDXJ line of every capture to ``lines``; filenames are basenames unless
    `relative_to`."""
    for path in paths:
        name = str(path.relative_to(relative_to)) if relative_to else path.name
        records = iter_records(path, on_error, max_record_size=max_record_size)
        for info in with_requests(records):
            line = cdxj_line(info, name)
            if line:
                lines.add(info, line)
            if progress:
                progress(info.length)


def build_index(
    paths: Iterable[Path],
    *,
    relative_to: Path | None = None,
    on_error: ErrorHandler | None = None,
    progress: Callable[[int], None] | None = None,
    max_record_size: int | None = None,
) -> list[str]:
    """Sorted CDXJ lines for all captures, as a list (which grows with the input: a command
    writes them with `index_to_file`); filenames are basenames unless `relative_to`."""
    with IndexLines() as lines:
        collect_index(paths, lines, relative_to=relative_to, on_error=on_error,
                      progress=progress, max_record_size=max_record_size)
        return lines.sorted()


def index_to_file(
    paths: Iterable[Path],
    out: str | Path,
    *,
    on_error: ErrorHandler | None = None,
    progress: Callable[[int], None] | None = None,
    max_record_size: int | None = None,
    run_lines: int = RUN_LINES,
    fan: int = MERGE_FAN,
) -> int:
    """Write the sorted CDXJ index of ``paths`` to ``out`` in bounded memory (its runs in a
    temporary folder next to ``out``); returns the number of lines. ``out`` is opened only
    once every input has been read."""
    with IndexLines(run_lines, tmp_dir=Path(out).parent, fan=fan) as lines:
        collect_index(paths, lines, on_error=on_error, progress=progress,
                      max_record_size=max_record_size)
        write_index(lines, out)
        return len(lines)


def write_index(lines: Iterable[str], out: str | Path) -> None:
    """Write under a temporary name beside ``out``, renamed over it once whole: a run that
    fails (a full disk) leaves the index an earlier run wrote, and no temporary file."""
    out = Path(out)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o644)  # as an open() would have made it, not mkstemp's 0600
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            for line in lines:
                fh.write(line + "\n")
        replace_durably(Path(tmp), out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
