"""Texts of corpus rows read one at a time, when a diff needs them.

An article edited 80 times (a live blog) has 80 texts of a few MB each: ``history``, the
edit report and the build's diffs read every version's row *without* its text (the rows
name their Parquet part), and a diff reads only the two texts it compares. Memory is then
two versions' texts, whatever the number of versions.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

# the row's part file, as DuckDB names it (read_parquet(..., filename = true))
PART = "filename"
KEPT_TEXTS = 4  # the two compared, and the two before them (a version is in two pairs)


def without_text(columns: tuple[str, ...]) -> str:
    """The select list of ``columns`` but ``text``, with the part file of each row."""
    return ", ".join([c for c in columns if c != "text"] + [PART])


class PartTexts:
    """The text of a row, read from its part by its items file and line; the last few kept."""

    def __init__(self) -> None:
        self._kept: OrderedDict[tuple[str, str, int], str] = OrderedDict()

    def text(self, row: dict[str, Any]) -> str:
        key = (row[PART], row["items_file"], row["items_line"])
        if key in self._kept:
            self._kept.move_to_end(key)
            return self._kept[key]
        found = _read_text(*key)
        self._kept[key] = found
        while len(self._kept) > KEPT_TEXTS:
            self._kept.popitem(last=False)
        return found


def _read_text(part: str, items_file: str, items_line: int) -> str:
    """One row's text: only the row groups whose line statistics may hold it are read."""
    table = pq.read_table(part, columns=["text", "items_file"],
                          filters=[("items_line", "=", items_line)])
    table = table.filter(pc.equal(table.column("items_file"), items_file))
    if not table.num_rows:  # the part was rewritten since its rows were read
        raise pa.ArrowInvalid(f"{part}: no row of {items_file} line {items_line} (the corpus "
                          "changed while it was read: run the command again)")
    return table.column("text")[0].as_py() or ""
