"""Pick items back out of the corpus (outlet, publication window, ids, latest versions only),
as the item dicts the crawl wrote: what ``export-txt --corpus`` feeds the seed-format export.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .corpus_derived import connect
from .corpus_schema import item_fields

FETCH_ROWS = 1000


@dataclass(frozen=True)
class Selection:
    sources: tuple[str, ...] = ()
    since: str | None = None  # YYYY-MM-DD, inclusive, the outlet's local day of publication
    until: str | None = None
    ids: tuple[str, ...] = ()
    latest_only: bool = False


def select_items(corpus_dir: str | Path, selection: Selection,
                 ordered: bool = True) -> Iterator[dict[str, Any]]:
    """The selected rows as items (every item field, nested values as the crawl wrote them),
    in the order of publication day, outlet, id and version (``ordered=False``: in no set
    order, which streams in bounded memory: the caller sorts); streamed in batches."""
    fields = item_fields()
    sql = (f"SELECT {', '.join(fields)} FROM {'latest' if selection.latest_only else 'versions'} "
           "WHERE (len(?) = 0 OR list_contains(?, source)) "
           "AND (? IS NULL OR published_day >= ?) AND (? IS NULL OR published_day <= ?) "
           "AND (len(?) = 0 OR list_contains(?, id)) "
           + ("ORDER BY published_day, source, id, version, fetched_at" if ordered else ""))
    sources, ids = list(selection.sources), list(selection.ids)
    con = connect(corpus_dir)
    try:
        cursor = con.execute(sql, [sources, sources, selection.since, selection.since,
                                   selection.until, selection.until, ids, ids])
        while rows := cursor.fetchmany(FETCH_ROWS):
            for row in rows:
                yield dict(zip(fields, row, strict=True))
    finally:
        con.close()


def write_jsonl(items: Iterable[dict[str, Any]], path: str | Path,
                max_bytes: int | None = None,
                too_long: Callable[[dict[str, Any], int], None] | None = None) -> int:
    """Write the items as JSON lines; the number written. An item whose line (its newline
    aside) would be longer than ``max_bytes`` is handed to ``too_long`` (item, bytes) and not
    written: a row ingested from a compact line (no spaces) comes back longer, and past the
    reader's cap it would be an error about a line of a temporary file, not about an
    article."""
    count = 0
    with open(path, "wb") as fh:
        for item in items:
            line = json.dumps(item, ensure_ascii=False).encode("utf-8")
            if max_bytes is not None and len(line) > max_bytes:
                if too_long is not None:
                    too_long(item, len(line))
                continue
            fh.write(line + b"\n")
            count += 1
    return count


def read_ids(path: str | Path) -> tuple[str, ...]:
    """Article ids, one a line (blank lines and # comments ignored). A byte order mark, which
    Windows tools write before the first line, is not part of the first id."""
    lines = Path(path).read_text("utf-8-sig").splitlines()
    return tuple(s for line in lines if (s := line.split("#", 1)[0].strip()))
