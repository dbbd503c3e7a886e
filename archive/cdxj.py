"""CDXJ index lines in the form pywb (and cdxj-indexer) produce, sorted by SURT key."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

from .errors import WarcFormatError
from .records import RecordInfo, iter_records
from .urls import surt

ErrorHandler = Callable[[WarcFormatError], None]


def timestamp14(info: RecordInfo) -> str:
    return info.record.date.strftime("%Y%m%d%H%M%S")


def cdxj_line(info: RecordInfo, filename: str) -> str | None:
    """One CDXJ line for a response/revisit record; None for other record types."""
    rec = info.record
    if rec.rec_type not in ("response", "revisit") or not rec.target_uri:
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
        fields["mime"] = (rec.get("Content-Type") or "unk").split(";", 1)[0].strip()
    if http is not None and http.status:
        fields["status"] = str(http.status)
    digest = rec.get("WARC-Payload-Digest")
    if digest:
        fields["digest"] = digest
    fields.update(length=str(info.length), offset=str(info.offset), filename=filename)
    return f"{surt(rec.target_uri)} {timestamp14(info)} {json.dumps(fields, ensure_ascii=False)}"


def build_index(
    paths: Iterable[Path],
    *,
    relative_to: Path | None = None,
    on_error: ErrorHandler | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[str]:
    """Sorted CDXJ lines for all records; filenames are basenames unless `relative_to`."""
    lines: list[str] = []
    for path in paths:
        name = str(path.relative_to(relative_to)) if relative_to else path.name
        for info in iter_records(path, on_error):
            line = cdxj_line(info, name)
            if line:
                lines.append(line)
            if progress:
                progress(info.length)
    lines.sort()
    return lines


def write_index(lines: list[str], out: str | Path) -> None:
    with open(out, "w", encoding="utf-8", newline="\n") as fh:
        for line in lines:
            fh.write(line + "\n")
