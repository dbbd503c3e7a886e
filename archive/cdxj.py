"""CDXJ index lines in the form pywb (and cdxj-indexer) produce, sorted by SURT key."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

from .errors import WarcFormatError
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


def is_capture(info: RecordInfo) -> bool:
    """Records pywb's indexer lists: responses, revisits, resources, non-field metadata...
    (not continuation records, see _NOT_CAPTURES)."""
    rec = info.record
    if rec.rec_type in _NOT_CAPTURES or not rec.target_uri:
        return False
    ctype = (rec.get("Content-Type") or "").split(";", 1)[0].strip().lower()
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


class IndexLines:
    """CDXJ lines collected in input order and given out sorted as pywb needs them: by key and
    14-digit timestamp, and within one second newest first (by the WARC-Date's fraction,
    then input order). pywb serves the first of equal lines, so it picks the capture
    ArchiveLookup picks; sorting whole lines left that to the JSON text (the digest)."""

    def __init__(self) -> None:
        self._entries: list[tuple[str, int, int, str]] = []

    def add(self, info: RecordInfo, line: str) -> None:
        head = line.split(" ", 2)
        prefix = f"{head[0]} {head[1]}"
        self._entries.append((prefix, -info.record.date.microsecond, -len(self._entries), line))

    def __len__(self) -> int:
        return len(self._entries)

    def sorted(self) -> list[str]:
        self._entries.sort()
        return [entry[3] for entry in self._entries]


def build_index(
    paths: Iterable[Path],
    *,
    relative_to: Path | None = None,
    on_error: ErrorHandler | None = None,
    progress: Callable[[int], None] | None = None,
    max_record_size: int | None = None,
) -> list[str]:
    """Sorted CDXJ lines for all captures; filenames are basenames unless `relative_to`."""
    lines = IndexLines()
    for path in paths:
        name = str(path.relative_to(relative_to)) if relative_to else path.name
        records = iter_records(path, on_error, max_record_size=max_record_size)
        for info in with_requests(records):
            line = cdxj_line(info, name)
            if line:
                lines.add(info, line)
            if progress:
                progress(info.length)
    return lines.sorted()


def write_index(lines: list[str], out: str | Path) -> None:
    with open(out, "w", encoding="utf-8", newline="\n") as fh:
        for line in lines:
            fh.write(line + "\n")
