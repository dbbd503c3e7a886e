"""CDXJ index lines in the form pywb (and cdxj-indexer) produce, sorted by SURT key."""

from __future__ import annotations

import heapq
import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .arc import ARC_VERSION
from .digests import sha1_base32
from .errors import ErrorHandler, WarcFormatError, report
from .fileio import locked_temp, output_mode, replace_durably
from .methods import capture_method, with_query
from .pairing import with_requests
from .record_model import WarcRecord
from .records import RecordInfo, iter_records
from .urls import surt

# pywb lists every record but these (and application/warc-fields blocks): see is_capture. A
# continuation record (the rest of a segmented record) pywb lists too, but it is a fragment
# with no HTTP head: listed beside its first segment, pywb could serve it as the page. A
# record with no WARC-Type never comes here: the walk reports and skips it (check_record).
# (a conversion is another rendering of a capture, at its URL and a later second: listed, it
# answered as the page; cdxj-indexer, which py-wacz and ReplayWeb.page use, leaves it out)
_NOT_CAPTURES = frozenset(("request", "warcinfo", "continuation", "conversion"))


def timestamp14(info: RecordInfo) -> str:
    d = info.record.date  # zero-padded even before year 1000, unlike strftime
    return f"{d.year:04d}{d.month:02d}{d.day:02d}{d.hour:02d}{d.minute:02d}{d.second:02d}"


# Heritrix 1.x (WARC/0.17) metadata about a fetch (via, hopsFromSeed), at the page's URL and
# second: pywb leaves it out (METADATA_NO_INDEX_TYPES), or it would collide with the page
_METADATA_NOT_CAPTURES = frozenset(("text/anvl",))


def is_capture(info: RecordInfo) -> bool:
    """Records pywb's indexer lists: responses, revisits, resources, non-field metadata...
    (not continuation or conversion records, see _NOT_CAPTURES, nor Heritrix 1.x text/anvl
    metadata)."""
    rec = info.record
    if rec.rec_type in _NOT_CAPTURES or not rec.target_uri:
        return False
    ctype = (rec.get("Content-Type") or "").split(";", 1)[0].strip().lower()
    if rec.rec_type == "metadata" and ctype in _METADATA_NOT_CAPTURES:
        return False
    return ctype != "application/warc-fields"


def cdxj_line(info: RecordInfo, filename: str, on_error: ErrorHandler | None = None
              ) -> str | None:
    """One CDXJ line for a capture (see is_capture); None for other records. A capture paired
    with its request (archive.pairing) that was no GET is keyed by method and body.

    A capture whose HTTP head cannot be read is listed all the same, as pywb's indexer lists
    it, and reported to ``on_error`` as kept: replay will not serve it."""
    rec = info.record
    if not is_capture(info):
        return None
    fields: dict[str, str] = {"url": rec.target_uri}
    try:
        http = rec.http()
    except ValueError as exc:
        http = None
        report(WarcFormatError(info.file, info.offset, f"bad HTTP: {exc}", kept=True), on_error,
               soft=True)
    if rec.rec_type == "revisit":
        fields["mime"] = "warc/revisit"
    elif http is not None:
        ctype = http.header("Content-Type") or ""
        fields["mime"] = ctype.split(";", 1)[0].strip().lower() or "unk"
    else:
        fields["mime"] = (rec.get("Content-Type") or "").split(";", 1)[0].strip() or "unk"
    if http is not None and http.status and rec.rec_type != "resource":
        fields["status"] = str(http.status)
    digest = rec.get("WARC-Payload-Digest") or _arc_payload_digest(rec)
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


def _arc_payload_digest(rec: WarcRecord) -> str | None:
    """An ARC record's payload digest, which its header has no field for: the sha1 base32
    of what follows the first head of the block of an http(s) record (raw, chunked as
    sent; all of it after a ``100 Continue``; nothing when no blank line ends the head;
    read so even when the block is no HTTP message), or of the whole block of any other
    record: what pywb's cdxj-indexer lists for the same file, so both index it alike."""
    if rec.version != ARC_VERSION:
        return None
    if not rec.target_uri.startswith(HTTP_SCHEMES):
        return sha1_base32(rec.block)
    return sha1_base32(after_first_head(rec.block))


HTTP_SCHEMES = ("http:", "https:")  # the records whose block an indexer reads a head off
_NOT_BLANK = re.compile(rb"[^ \t\r\n\x0b\x0c]")  # what bytes.strip() keeps; searched, not sliced


def after_first_head(block: bytes) -> memoryview:
    """The bytes after the first line of ``block`` that is blank once stripped of
    whitespace (so "  \\r\\n" ends a head too; lines end at LF only), as a head reader
    like warcio's takes them; empty when none comes. A view: a body of tens of MB is
    neither split into lines nor copied, the walk stops at the head's end."""
    view = memoryview(block)
    at = 0
    while at < len(block):
        end = block.find(b"\n", at)
        end = len(block) if end < 0 else end + 1
        if _NOT_BLANK.search(block, at, end) is None:
            return view[end:]
        at = end
    return view[len(block):]


# What a sorted run holds before it goes to disk: at most RUN_BYTES of entries as Python holds
# them (see entry_size), and at most RUN_LINES entries. The bytes bound the memory whatever
# the lines are like (a capture with a 40 KB URL makes an entry of ~120 KB: 15,000 of them
# held 1.8 GB under a bound of 100,000 lines); the line count stays as a second bound (the
# entries of small captures, ~500 bytes each). Up to these nothing touches the disk.
RUN_BYTES = 50 * 1024 * 1024
RUN_LINES = 100_000
MERGE_FAN = 64  # runs read at once by a merge: open files, and one read buffer each
_ENTRY_OVERHEAD = 200  # an entry's tuple, its two ints and the list's pointer to it
_RUN_OVERHEAD = 16 * 1024  # a run being read: its file object and read buffers

Entry = tuple[str, int, int, str]  # (key and timestamp, -microsecond, -input number, line)


def entry_size(prefix: str, line: str) -> int:
    """Bytes an entry holds in memory: its line and its prefix (key and timestamp) as the
    str objects they are, and the tuple around them."""
    return sys.getsizeof(line) + sys.getsizeof(prefix) + _ENTRY_OVERHEAD


class IndexLines:
    """CDXJ lines collected in input order and given out sorted as pywb needs them: by key and
    14-digit timestamp, and within one second newest first (by the WARC-Date's fraction,
    then input order). pywb serves the first of equal lines, so it picks the capture
    ArchiveLookup picks; sorting whole lines left that to the JSON text (the digest).

    Bounded memory: an external merge sort. At most ``run_bytes`` of entries (and at most
    ``run_lines`` of them) are held; more are sorted and written as a run to a private
    temporary folder (made in ``tmp_dir``, else TMPDIR, at the first spill), and iterating
    merges the runs with ``heapq.merge``, several passes when they are more than ``fan`` or
    when the largest entries of the runs merged at once (a merge holds one entry of each)
    would pass ``run_bytes``. Each entry's sort key is whole and unique (the input number),
    so the merge gives exactly the order one sort would. heapq and tempfile do this in ~80
    lines; a sorting library (or SQLite) would add a dependency or a format to trust for no
    gain. ``close`` (or leaving the ``with`` block, also on an error or KeyboardInterrupt)
    removes the folder.

    One line is bounded by what the reader takes of one record: its URL (in the key and the
    JSON) by the 1 MB of a WARC header, its method query by 4 KB, its media type (the HTTP
    Content-Type, not cut, as pywb) by the record size limit, which reading the record holds
    anyway. A merge holds at least two runs' heads, so at worst twice that.
    """

    def __init__(self, run_lines: int = RUN_LINES, tmp_dir: str | Path | None = None,
                 fan: int = MERGE_FAN, run_bytes: int = RUN_BYTES) -> None:
        if run_lines < 1 or fan < 2 or run_bytes < 1:
            raise ValueError("run_lines and run_bytes must be at least 1 and fan at least 2")
        self._entries: list[Entry] = []
        self._held = 0  # bytes of the entries held (entry_size)
        self._largest = 0  # the largest of them
        self._count = 0
        self._bytes = 0
        self._run_lines, self._fan, self._tmp_dir = run_lines, fan, tmp_dir
        self._run_bytes = run_bytes
        self._folder: Path | None = None
        self._runs: list[tuple[Path, int]] = []  # each run with its largest entry's size

    def add(self, info: RecordInfo, line: str) -> None:
        head = line.split(" ", 2)
        prefix = f"{head[0]} {head[1]}"
        size = entry_size(prefix, line)
        # up to run_lines lines and run_bytes of them, nothing on disk
        if self._entries and (len(self._entries) >= self._run_lines
                              or self._held + size > self._run_bytes):
            self._spill()
        self._entries.append((prefix, -info.record.date.microsecond, -self._count, line))
        self._held += size
        self._largest = max(self._largest, size)
        self._count += 1
        self._bytes += (len(line) if line.isascii() else len(line.encode("utf-8"))) + 1

    def __len__(self) -> int:
        return self._count

    @property
    def nbytes(self) -> int:
        """Size of the index file: every line in UTF-8 with its newline."""
        return self._bytes

    @property
    def runs(self) -> int:
        """Sorted runs on disk now."""
        return len(self._runs)

    def __iter__(self) -> Iterator[str]:
        """The lines in index order, merged from the runs on disk and the entries held."""
        if not self._runs:
            self._entries.sort()
            return (entry[3] for entry in self._entries)
        if self._entries:  # held beside the runs' heads, they could double the memory
            self._spill()
        while len(group := self._merge_group()) < len(self._runs):
            merged = self._new_run()
            largest = _write_run(heapq.merge(*(_read_run(run) for run, _ in group)), merged)
            for run, _ in group:
                run.unlink()
            self._runs = self._runs[len(group):] + [(merged, largest)]
        runs = [_read_run(run) for run, _ in self._runs]
        return (entry[3] for entry in heapq.merge(*runs))

    def _merge_group(self) -> list[tuple[Path, int]]:
        """The first runs a merge reads at once: at most ``fan``, whose largest entries (one
        of each is held) and read buffers fit ``run_bytes``; at least two."""
        total, count = 0, 0
        for _, largest in self._runs[:self._fan]:
            total += largest + _RUN_OVERHEAD
            if count >= 2 and total > self._run_bytes:
                break
            count += 1
        return self._runs[:count]

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
        _write_run(iter(self._entries), run)
        self._runs.append((run, self._largest))
        self._entries, self._held, self._largest = [], 0, 0


def _write_run(entries: Iterator[Entry], path: Path) -> int:
    """One entry a line: the two numbers of its key, then the CDXJ line (one line: its key is
    one ASCII token and JSON escapes newlines), from which the prefix is read back. Returns
    the largest entry's size (entry_size)."""
    largest = 0
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for e in entries:
            fh.write(f"{e[1]} {e[2]} {e[3]}\n")
            largest = max(largest, entry_size(e[0], e[3]))
    return largest


def _read_run(path: Path) -> Iterator[Entry]:
    with open(path, encoding="utf-8", newline="\n") as fh:
        for raw in fh:
            micro, number, line = raw[:-1].split(" ", 2)
            key, _, rest = line.partition(" ")
            entry = (f"{key} {rest.partition(' ')[0]}", int(micro), int(number), line)
            # held while suspended: only the entry (a line of up to a record's size counted
            # once by the merge's budget, not three times)
            del raw, key, rest, line
            yield entry


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
            line = cdxj_line(info, name, on_error)
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
    run_bytes: int = RUN_BYTES,
) -> int:
    """Write the sorted CDXJ index of ``paths`` to ``out`` in bounded memory (its runs in a
    temporary folder next to ``out``); returns the number of lines. ``out`` is opened only
    once every input has been read."""
    with IndexLines(run_lines, tmp_dir=Path(out).parent, fan=fan,
                    run_bytes=run_bytes) as lines:
        collect_index(paths, lines, on_error=on_error, progress=progress,
                      max_record_size=max_record_size)
        write_index(lines, out)
        return len(lines)


def write_index(lines: Iterable[str], out: str | Path) -> None:
    """Write under a temporary name beside ``out``, renamed over it once whole: a run that
    fails (a full disk) leaves the index an earlier run wrote, and no temporary file."""
    out = Path(out)
    mode = output_mode(out)
    fd, tmp = locked_temp(out, mode)  # a killed run's, as big as the index, cleared first
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            for line in lines:
                fh.write(line + "\n")
            fh.flush()
            replace_durably(tmp, out)  # renamed while still locked
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
