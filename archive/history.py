"""Every captured version of one article, with word diffs between consecutive versions.

Used by ``python -m archive history CORPUS URL-or-ID`` and by the edit report
(:mod:`archive.edits`): both read the corpus through DuckDB (:mod:`archive.corpus_derived`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from .corpus_derived import connect
from .wordiff import Op, changed_words, render_text, word_diff

_ID = re.compile(r"^[0-9a-f]{16}$")
COLUMNS = ("id", "url", "source", "title", "published", "version", "fetched_at", "text_sha256",
           "warc", "text", "items_file", "items_line")


@dataclass
class Version:
    id: str
    url: str
    source: str
    title: str
    published: str | None
    version: int
    fetched_at: str  # first capture of this version
    text_sha256: str
    warc: dict[str, Any] | None
    text: str
    items_file: str  # where the first capture's row came from
    items_line: int
    recaptured: list[str] = field(default_factory=list)  # later captures of the same version


@dataclass
class Change:
    old: Version
    new: Version
    ops: list[Op]

    @property
    def counts(self) -> tuple[int, int]:
        return changed_words(self.ops)


def fetch_versions(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, list[Version]]:
    """The versions of each article in ``ids``, oldest first (one entry per version)."""
    rows = con.execute(f"SELECT {', '.join(COLUMNS)} FROM versions WHERE list_contains(?, id) "
                       "ORDER BY id, version, fetched_at", [ids]).fetchall()
    out: dict[str, list[Version]] = {}
    for row in rows:
        versions = out.setdefault(row[0], [])
        if versions and versions[-1].version == row[5]:
            versions[-1].recaptured.append(row[6])
            continue
        versions.append(Version(*row))
    return out


def changes(versions: list[Version]) -> list[Change]:
    """Consecutive versions whose words differ (whitespace-only changes are left out)."""
    pairs = [Change(a, b, word_diff(a.text, b.text)) for a, b in zip(versions, versions[1:],
                                                                        strict=False)]
    return [c for c in pairs if c.ops]


def resolve_id(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    """The article id for an id or a canonical URL."""
    if _ID.match(key):
        found = con.execute("SELECT id FROM versions WHERE id = ? LIMIT 1", [key]).fetchone()
        if found:
            return found[0]
    found = con.execute("SELECT id FROM versions WHERE url = ? LIMIT 1", [key]).fetchone()
    return found[0] if found else None


def article_history(corpus_dir: str | Path, key: str) -> tuple[list[Version], list[Change]]:
    con = connect(corpus_dir)
    try:
        article = resolve_id(con, key)
        if article is None:
            raise LookupError(f"no article {key!r} in {corpus_dir} (give its id or canonical URL)")
        versions = fetch_versions(con, [article])[article]
    finally:
        con.close()
    return versions, changes(versions)


def warc_place(warc: dict[str, Any] | None) -> str:
    if not warc:
        return "no WARC record"
    return f"{warc['file']} @ {warc['offset']} (+{warc['length']})"


def format_history(versions: list[Version], diffs: list[Change]) -> str:
    first = versions[0]
    lines = [f"{first.url}", f"id {first.id}  outlet {first.source}  "
             f"published {first.published or '-'}", ""]
    for v in versions:
        lines.append(f"version {v.version}  captured {v.fetched_at}  {v.text_sha256}  "
                     f"{warc_place(v.warc)}")
        lines += [f"           also captured {when}" for when in v.recaptured]
    by_new = {c.new.version: c for c in diffs}
    for old, new in zip(versions, versions[1:], strict=False):
        change = by_new.get(new.version)
        lines.append("")
        if change is None:
            lines.append(f"version {old.version} -> {new.version}: no word of the text changed "
                         "(whitespace or layout only)")
        else:
            removed, added = change.counts
            lines.append(f"version {old.version} -> {new.version} ({old.fetched_at} -> "
                         f"{new.fetched_at}): {removed} word(s) removed, {added} added")
        lines += _title_change(old, new)
        if change is not None:
            lines.append("  " + render_text(change.ops))
    return "\n".join(lines)


def _title_change(old: Version, new: Version) -> list[str]:
    """The headline's word diff when it changed: a new version is decided by its text, so
    a changed headline shows only here (and in the edit report)."""
    if old.title == new.title:
        return []
    return ["  title: " + (render_text(word_diff(old.title, new.title))
                           or f"{old.title!r} -> {new.title!r}")]
