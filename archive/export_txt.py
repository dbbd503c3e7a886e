"""Plain-text export of article items, in the layout of the seed corpus (NNN_<id>.txt).

Items files are input from elsewhere: a line that is not a usable item (bad JSON or UTF-8,
nesting too deep, a list or null where a string belongs) is reported with its line number
and skipped. Every output file is written under a temporary name and renamed into place, so
no file is ever left half written, and a symlink already at an output name is replaced, never
followed out of the folder.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from . import jsonline
from .fileio import write_atomically
from .urls import article_id
from .writer import sanitize_name_part

LineError = Callable[[int, str], None]  # (line number, reason)
MAX_LINE_BYTES = 64 * 1024 * 1024
MAX_ID_CHARS = 80  # longer ids are cut and given a hash: file names stay under NAME_MAX
_TEXT_FIELDS = ("title", "text")
_OPTIONAL_TEXT_FIELDS = ("url", "published")


def _published_key(value: str | None) -> tuple[int, float, str]:
    """Null dates last; ISO dates compared as instants (naive ones taken as UTC)."""
    if not value:
        return (1, 0.0, "")
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=UTC)
        return (0, dt.timestamp(), "")
    except ValueError:
        return (0, float("inf"), value)


_BOM = b"\xef\xbb\xbf"


def _lines(path: str | Path) -> Iterator[tuple[int, int, bytes | None]]:
    """(line number, byte offset, bytes) of each line; None for a line longer than
    MAX_LINE_BYTES. A UTF-8 byte order mark before line 1 is not part of it (its offset
    is past the mark, so reading the line again skips it too)."""
    with open(path, "rb") as fh:
        n = 0
        while True:
            offset = fh.tell()
            line = fh.readline(MAX_LINE_BYTES + 1)
            if not line:
                return
            n += 1
            if n == 1 and line.startswith(_BOM):  # as Windows tools save it; `corpus` takes it
                offset += len(_BOM)
                line = line[len(_BOM):]
            if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
                while line and not line.endswith(b"\n"):  # skip the rest, in bounded reads
                    line = fh.readline(MAX_LINE_BYTES)
                yield n, offset, None
                continue
            yield n, offset, line


def _parse(raw: bytes | None) -> dict | str:
    """The item on one line, or why there is none."""
    if raw is None:
        return f"line longer than {MAX_LINE_BYTES} bytes"
    try:
        item = jsonline.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return f"not UTF-8: {exc.reason} at byte {exc.start}"
    except json.JSONDecodeError as exc:
        return f"invalid JSON: {exc.msg} at column {exc.colno}"
    except ValueError as exc:  # NaN, 1e400, a key twice (archive.jsonline); 4,300+ digits
        return f"invalid JSON: {exc}"
    except RecursionError:
        return "invalid JSON: nested too deeply"
    if not isinstance(item, dict):
        return f"not a JSON object but {type(item).__name__}"
    return item


def iter_lines(items_jsonl: str | Path) -> Iterator[tuple[int, dict | str]]:
    """(line number, item or the reason the line is not one) for each non-blank line."""
    for n, _, parsed in _iter_placed(items_jsonl):
        yield n, parsed


def _iter_placed(items_jsonl: str | Path) -> Iterator[tuple[int, int, dict | str]]:
    """(line number, byte offset, item or reason) for each non-blank line."""
    for n, offset, raw in _lines(items_jsonl):
        if raw is None or raw.strip():
            yield n, offset, _parse(raw)


def load_items(items_jsonl: str | Path, on_error: LineError | None = None) -> list[dict]:
    """The JSON objects of an items file. A bad line raises ValueError naming it, unless
    ``on_error`` is given: then it is reported there and skipped."""
    items = []
    for n, parsed in iter_lines(items_jsonl):
        if isinstance(parsed, str):
            _bad(items_jsonl, n, parsed, on_error)
        else:
            items.append(parsed)
    return items


def _bad(items_jsonl: str | Path, n: int, reason: str, on_error: LineError | None) -> None:
    if on_error is None:
        raise ValueError(f"{items_jsonl}: line {n}: {reason}")
    on_error(n, reason)


def item_problem(item: dict) -> str | None:
    """Why an item cannot be exported as text, or None."""
    for name in _TEXT_FIELDS:
        if not isinstance(item.get(name), str):
            return f"{name!r} is {_kind(item.get(name))}, not a string"
    for name in _OPTIONAL_TEXT_FIELDS:
        if item.get(name) is not None and not isinstance(item[name], str):
            return f"{name!r} is {_kind(item[name])}, not a string"
    ident = item.get("id")
    if not isinstance(ident, str) or not ident.strip():
        return f"'id' is {_kind(ident)}, not a non-empty string"
    return None


def _kind(value: object) -> str:
    return "missing or null" if value is None else f"a {type(value).__name__}"


def file_stem(ident: str) -> str:
    """A safe file name part for an item id: long ids are cut and keep a hash of the whole."""
    safe = sanitize_name_part(ident, "item")
    if len(safe) <= MAX_ID_CHARS:
        return safe
    return f"{safe[:MAX_ID_CHARS - 17]}-{article_id(ident)}"  # the item id's 16-hex hash


EXPORTED_NAME = re.compile(r"\d{3,}_.+\.txt")  # what export_txt writes: NNN_<id>.txt
_TEMP_NAME = re.compile(r"\.\d{3,}_.+\.txt\..+\.tmp")  # fileio.write_atomically's, of one
UNFINISHED = ".export-txt-unfinished"  # in OUTDIR while an export writes; gone once done


_BREAKS = re.compile(r"\r\n?")
_GAPS = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")


def seed_text(title: str, text: str) -> str:
    """The seed documents' format: the title on one line, a blank line, the paragraphs one
    blank line apart, no trailing newline. Items hold it so; one of another writer (a title
    over two lines, CRLF, a gap of three lines, a text ending in a newline) is brought to it,
    words untouched."""
    title = " ".join(title.split())
    paragraphs = _GAPS.split(_BREAKS.sub("\n", text).strip())
    return f"{title}\n\n" + "\n\n".join(p.strip() for p in paragraphs if p.strip())


def export_txt(items_jsonl: str | Path, outdir: str | Path,
               on_error: LineError | None = None) -> list[Path]:
    """Write one `NNN_<id>.txt` per item (title, blank line, text; no trailing newline),
    numbered by publication instant and URL of each article's earliest version, then id and
    version (an article's versions are consecutive files).

    Lines that are not exportable items go to ``on_error`` (line number, reason) and are
    skipped; without ``on_error`` the first one raises ValueError before anything is written.
    """
    order = _grouped_order(list(_sort_keys(items_jsonl, on_error)))
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    width = max(3, len(str(len(order) - 1)))
    written: list[Path] = []
    marker = out / UNFINISHED
    marker.touch()
    with open(items_jsonl, "rb") as fh:
        for i, (*_, offset) in enumerate(order):
            fh.seek(offset)
            item = _parse(fh.readline(MAX_LINE_BYTES + 1))
            if not isinstance(item, dict) or item_problem(item):  # cut or rewritten since
                marker.unlink(missing_ok=True)
                raise _changed(written, items_jsonl, offset)
            path = out / f"{i:0{width}d}_{file_stem(item['id'])}.txt"
            text = seed_text(item["title"], item["text"])
            try:
                write_atomically(path, text.encode("utf-8", "replace"))  # lone \\uD800 escapes
            except OSError as exc:
                marker.unlink(missing_ok=True)
                raise _undone(written, path, exc) from None
            written.append(path)
    marker.unlink()
    return written


def clear_unfinished(outdir: Path) -> int:
    """Remove what an export killed midway left in ``outdir`` (its numbered files, temp
    files, and the mark saying it had not finished); how many numbered files. Only files
    this export writes, and only under its mark: another export's finished files stay."""
    if not (outdir / UNFINISHED).exists():
        return 0
    numbered = [p for p in outdir.iterdir() if EXPORTED_NAME.fullmatch(p.name)]
    for path in numbered + [p for p in outdir.iterdir() if _TEMP_NAME.fullmatch(p.name)]:
        path.unlink(missing_ok=True)
    (outdir / UNFINISHED).unlink(missing_ok=True)
    return len(numbered)


def _changed(written: list[Path], items_jsonl: str | Path, offset: int) -> OSError:
    """The items file no longer holds, at ``offset``, the item its first read found there
    (rewritten or cut short while exported; lines appended keep their offsets): the files
    written are removed, as for a failed write, and the error says why."""
    for done in written:
        done.unlink(missing_ok=True)
    return OSError(f"{items_jsonl}: changed while it was exported (no exportable item at byte "
                   f"{offset} any more): the {len(written)} file(s) written were removed; "
                   "export it again")


def _undone(written: list[Path], path: Path, exc: OSError) -> OSError:
    """A failed write (a full disk) removes the files this export wrote before it: half an
    export is no export, and an OUTDIR holding some would refuse the rerun. The error names
    the file it could not write."""
    for done in written:
        done.unlink(missing_ok=True)
    return OSError(exc.errno, f"{exc.strerror or exc} (the {len(written)} file(s) written "
                   "before it were removed: run the export again once there is room)", str(path))


SortKey = tuple[tuple[int, float, str], str, int, int, str]  # date key, url, version, offset, id


def _grouped_order(keys: list[SortKey]) -> list[tuple[tuple[int, float, str], str, str, int, int]]:
    """Export order: (date key, url, id, version, byte offset), each article's versions
    together, oldest first, at the date and URL of its earliest version: a later version
    with another ``published`` (an outlet re-dating a story) must not land apart from the
    others. Keys only, so memory holds no texts."""
    first: dict[str, tuple[int, tuple[int, float, str], str]] = {}
    for date, url, version, _, ident in keys:
        seen = first.get(ident)
        if seen is None or (version, date, url) < seen:
            first[ident] = (version, date, url)
    return sorted((first[ident][1], first[ident][2], ident, version, offset)
                  for _, _, version, offset, ident in keys)


def _sort_keys(items_jsonl: str | Path, on_error: LineError | None) -> Iterator[SortKey]:
    """(date key, url, version, byte offset, id) of each exportable item: the items
    themselves are read again one at a time, so memory holds keys, not a corpus of texts.
    The versions of an article (one id) are numbered oldest first, whatever the order of the
    lines (a corpus selection comes in none): see ``_grouped_order``."""
    for n, offset, parsed in _iter_placed(items_jsonl):
        problem = parsed if isinstance(parsed, str) else item_problem(parsed)
        if problem is not None:
            _bad(items_jsonl, n, problem, on_error)
        else:
            version = parsed.get("version")
            yield (_published_key(parsed.get("published")), parsed.get("url") or "",
                   version if isinstance(version, int) else 0, offset, parsed["id"])
