"""Which row stands for a version of an article when one capture was extracted more than once.

The corpus holds one row per extraction of a capture: a crawl's, and a ``scrapy reextract`` of
the same WARC record by a newer extractor beside it. A re-extraction has no state store, so it
writes ``version`` 1 whatever the capture was; the crawl's row knows. So:

* a capture is its WARC record and time (``warc.record_id`` and ``fetched_at``, which the
  crawl, replay and re-extraction write alike), and its version is the highest ``version``
  any of its rows carries;
* a version is represented by its first capture, and of that capture's extractions by the
  newest: the highest extractor version compared by its numbers (``10.0`` after ``9.0``), then
  the highest layout version of its rules (``belta@2026-12`` after ``belta@2026-01``: read
  again after a layout's rule version was added) when every extraction of the capture names
  a dated one (``YYYY-MM[-DD]``; a free-form ``belta@v3`` has no order here), then the row of the last items file and
  line by name (``latest`` orders the same way, see
  :data:`archive.corpus_derived.LATEST_ORDER`);
* an edit compares the texts one extractor made of both versions, the newest that extracted
  both; when none did, each version's newest, and the edit says the extractors differ.

Used by ``history``, the edit report and the stored edits alike, so they never disagree.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

Row = dict[str, Any]
_NUMBER = re.compile(r"\d+")


def extractor_label(extractor: dict[str, Any] | None) -> str:
    """``<name> <version>``: what tells two extractions of one capture apart."""
    extractor = extractor or {}
    return f"{extractor.get('name') or '?'} {extractor.get('version') or '?'}"


def version_numbers(text: str | None) -> tuple[int, ...]:
    """The numbers of a version string, compared as numbers: 0.10.0 is newer than 0.9.0."""
    return tuple(int(n) for n in _NUMBER.findall(text or ""))


# A layout version named by the day its layout was first served (``2026-12``, ``2026-12-08``):
# such names order by time. Others (``v3``, ``wp-1``) are free-form: their order lives in the
# outlet's table (``valid_from``), which the archive does not read.
_DATED_LAYOUT = re.compile(r"[0-9]{4}-[0-9]{2}(?:-[0-9]{2})?")


def layout_date(row: Row) -> tuple[int, ...] | None:
    """The (year, month[, day]) of the layout version the row's rules were read with
    (``belta@2026-12``), or None when the row had no rules or its version names no date."""
    rules = str((row.get("extractor") or {}).get("rules") or "")
    layout = rules.rpartition("@")[2]
    if not _DATED_LAYOUT.fullmatch(layout):
        return None
    return tuple(int(n) for n in layout.split("-"))


def newness(row: Row, by_layout: bool = False
            ) -> tuple[tuple[int, ...], tuple[int, ...], str, int]:
    """Sort key of a capture's extractions, newest last (as LATEST_ORDER, descending): the
    extractor's version, then (``by_layout``: every extraction of the capture names a dated
    layout version) the layout version of its rules, then the items file and line."""
    layout = (layout_date(row) or ()) if by_layout else ()
    return (version_numbers((row.get("extractor") or {}).get("version")), layout,
            row["items_file"], row["items_line"])


def newest_first(extractions: list[Row]) -> list[Row]:
    """A capture's extractions, newest first (:func:`newness`): layout versions decide only
    when all of them are dated, as a free-form name (``v3``) cannot be placed against a date."""
    by_layout = all(layout_date(r) is not None for r in extractions)
    return sorted(extractions, key=lambda r: newness(r, by_layout), reverse=True)


def capture_key(row: Row) -> tuple[str, str]:
    """A capture: its WARC record and time (every path writes ``fetched_at`` alike)."""
    return (row.get("warc") or {}).get("record_id") or "", row["fetched_at"]


@dataclass
class Grouped:
    """One version of an article: its first capture's extractions, newest first."""

    version: int
    fetched_at: str
    extractions: list[Row]
    recaptured: list[str] = field(default_factory=list)  # later captures of the version
    # of those, the ones whose text is another (time, its text digest): two state stores
    # (two data folders, or one reset) gave different texts one number
    diverged: list[tuple[str, str]] = field(default_factory=list)


def group_versions(rows: list[Row]) -> list[Grouped]:
    """The versions of one article's rows, oldest first, each capture under its version."""
    captures: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        captures.setdefault(capture_key(row), []).append(row)
    by_version: dict[int, list[tuple[tuple[str, str], list[Row]]]] = {}
    for key, extractions in captures.items():
        version = max(r["version"] for r in extractions)
        by_version.setdefault(version, []).append((key, extractions))
    out = []
    for version in sorted(by_version):
        (key, first), *later = sorted(by_version[version], key=lambda c: (c[0][1], c[0][0]))
        group = Grouped(version, key[1], newest_first(first),
                        [c[0][1] for c in later])
        if later:  # (rare: texts are hashed only then)
            texts = {text_digest(r) for r in first}
            group.diverged = [(when, text_digest(newest_first(rows)[0]))
                              for (_, when), rows in later
                              if texts.isdisjoint(map(text_digest, rows))]
        out.append(group)
    return out


def text_digest(row: Row) -> str:
    """The row's ``text_sha256``, else the digest of its ``text`` (the columns a caller read)."""
    digest = row.get("text_sha256")
    if digest:
        return digest
    return "sha256:" + hashlib.sha256((row.get("text") or "").encode("utf-8")).hexdigest()


def versions_by_article(rows: Iterable[tuple], columns: Sequence[str]
                        ) -> dict[str, list[Grouped]]:
    """Rows of several articles (their ``columns``, ``id`` first) as each article's
    versions, oldest first (:func:`group_versions`)."""
    by_id: dict[str, list[Row]] = {}
    for row in rows:
        by_id.setdefault(row[0], []).append(dict(zip(columns, row, strict=True)))
    return {article: group_versions(found) for article, found in by_id.items()}


def compared(old: Grouped, new: Grouped) -> tuple[Row, Row]:
    """The rows whose texts an edit from ``old`` to ``new`` compares: of the newest extractor
    that extracted both versions, else each version's newest (the extractors then differ)."""
    of_old: dict[str, Row] = {}
    for row in old.extractions:  # newest first: the first row of a label is its newest
        of_old.setdefault(extractor_label(row.get("extractor")), row)
    for row in new.extractions:
        if (match := of_old.get(extractor_label(row.get("extractor")))) is not None:
            return match, row
    return old.extractions[0], new.extractions[0]
