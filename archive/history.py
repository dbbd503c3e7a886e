"""Every captured version of one article, with word diffs between consecutive versions.

Used by ``python -m archive history CORPUS URL-or-ID`` and by the edit report
(:mod:`archive.edits`): both read the corpus through DuckDB (:mod:`archive.corpus_derived`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb

from .corpus_derived import connect
from .corpus_lookup import NoArticle, find_article
from .corpus_texts import PART, PartTexts, without_text
from .extractions import Grouped, Row, compared, extractor_label, versions_by_article
from .wordiff import Op, changed_words, render_text, word_diff

COLUMNS = ("id", "url", "source", "title", "published", "version", "fetched_at", "text_sha256",
           "warc", "text", "items_file", "items_line", "extractor")


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
    items_file: str  # where the row shown came from
    items_line: int
    filename: str  # the Parquet part holding that row, whose text is read when needed
    extractor: dict[str, Any] = field(default_factory=dict)
    recaptured: list[str] = field(default_factory=list)  # later captures of the same version
    # the first capture's other extractions (extractor label, text_sha256), newest first
    also_extracted: list[tuple[str, str]] = field(default_factory=list)
    grouped: Grouped | None = field(default=None, repr=False)
    texts: PartTexts = field(default_factory=PartTexts, repr=False, compare=False)

    @property
    def text(self) -> str:
        """Read from its part when asked for (the last few kept): an article's versions are
        never all in memory at once."""
        return self.texts.text({PART: self.filename, "items_file": self.items_file,
                                "items_line": self.items_line})

    @property
    def extractor_label(self) -> str:
        return extractor_label(self.extractor)

    @property
    def extractor_version(self) -> str | None:
        return (self.extractor or {}).get("version")


@dataclass
class Change:
    old: Version
    new: Version
    ops: list[Op]

    @property
    def extractors_differ(self) -> bool:
        """The texts compared are two extractors' (no extractor made both versions): the
        diff may show the extractor's change as well as the publisher's."""
        return self.old.extractor_label != self.new.extractor_label

    @property
    def counts(self) -> tuple[int, int]:
        return changed_words(self.ops)


def fetch_versions(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, list[Version]]:
    """The versions of each article in ``ids``, oldest first (one entry per version; see
    :mod:`archive.extractions` for the row that stands for each). Their texts are not read
    here: :attr:`Version.text` reads one when it is asked for."""
    rows = con.execute(f"SELECT {without_text(COLUMNS)} FROM version_files "
                       "WHERE list_contains(?, id) ORDER BY id, fetched_at",
                       [ids]).fetchall()
    texts = PartTexts()
    columns = (*[c for c in COLUMNS if c != "text"], PART)
    return {article: [_version(g, texts) for g in versions]
            for article, versions in versions_by_article(rows, columns).items()}


def _version(grouped: Grouped, texts: PartTexts) -> Version:
    """The version as its newest extraction of its first capture shows it."""
    row = grouped.extractions[0]
    others = [(extractor_label(r["extractor"]), r["text_sha256"])
              for r in grouped.extractions[1:]]
    fields = {c: row[c] for c in COLUMNS if c != "text"}
    return Version(**{**fields, "extractor": row["extractor"] or {}, "filename": row[PART],
                      "version": grouped.version, "fetched_at": grouped.fetched_at},
                   recaptured=list(grouped.recaptured), also_extracted=others, grouped=grouped,
                   texts=texts)


def changes(versions: list[Version],
            wanted: Callable[[Version], bool] = lambda _: True) -> Iterator[Change]:
    """Consecutive versions whose words differ (whitespace-only changes are left out), each
    as the extractions compared (one extractor's texts where one made both versions), made
    one at a time: only the two texts compared are read. ``wanted``: whether the change to
    a version is asked for (the others are not diffed)."""
    for a, b in zip(versions, versions[1:], strict=False):
        if wanted(b) and (change := _change(a, b)).ops:
            yield change


def _change(old: Version, new: Version) -> Change:
    if old.grouped is not None and new.grouped is not None:
        a, b = compared(old.grouped, new.grouped)
        old, new = replace(old, **_shown(a)), replace(new, **_shown(b))
    return Change(old, new, word_diff(old.text, new.text))


def _shown(row: Row) -> dict[str, Any]:
    """A version's fields that come from one extraction of its capture."""
    return {c: row[c] for c in ("title", "text_sha256", "warc", "items_file", "items_line")
            } | {"extractor": row["extractor"] or {}, "filename": row[PART]}


@dataclass(frozen=True)
class Changes:
    """The changes of ``versions``, diffed as they are taken, anew on each pass: never more
    than the two texts compared in memory."""

    versions: list[Version]

    def __iter__(self) -> Iterator[Change]:
        return changes(self.versions)


def article_history(corpus_dir: str | Path, key: str) -> tuple[list[Version], Changes]:
    """The versions of the article ``key`` (its id, or a URL of it in any spelling) names, and
    their changes (:class:`Changes`). Raises NoArticle, or SeveralArticles when a URL fits
    several."""
    con = connect(corpus_dir)
    try:
        try:
            article = find_article(con, key)
        except NoArticle:
            raise NoArticle(f"no article {key!r} in {corpus_dir} (give its id or a URL of "
                            "it)") from None
        versions = fetch_versions(con, [article])[article]
    finally:
        con.close()
    return versions, Changes(versions)


def warc_place(warc: dict[str, Any] | None) -> str:
    if not warc:
        return "no WARC record"
    return f"{warc['file']} @ {warc['offset']} (+{warc['length']})"


def format_history(versions: list[Version], diffs: Iterable[Change]) -> str:
    return "\n".join(history_lines(versions, diffs))


def history_lines(versions: list[Version], diffs: Iterable[Change]) -> Iterator[str]:
    """The lines of ``history``, made as the diffs are taken (``diffs``: the changes of
    consecutive versions, in order, as :func:`changes` gives them)."""
    first = versions[0]
    lines = [f"{first.url}", f"id {first.id}  outlet {first.source}  "
             f"published {first.published or '-'}", ""]
    for v in versions:
        lines.append(f"version {v.version}  captured {v.fetched_at}  {v.text_sha256}  "
                     f"{warc_place(v.warc)}  extracted by {v.extractor_label}")
        lines += [f"           also extracted by {label}  {digest}"
                  for label, digest in v.also_extracted]
        other = dict(v.grouped.diverged) if v.grouped is not None else {}
        lines += [f"           also captured {when}" + (
                      f" with another text {other[when]}: two state stores (two data folders, "
                      "or one reset) numbered it alike; `latest` shows the newest capture"
                      if when in other else "") for when in v.recaptured]
    yield from lines
    pending = iter(diffs)
    upcoming = next(pending, None)
    for old, new in zip(versions, versions[1:], strict=False):
        change = None
        if upcoming is not None and upcoming.new.version == new.version:
            change, upcoming = upcoming, None
        lines = [""]
        if change is None:
            lines.append(f"version {old.version} -> {new.version}: no word of the text changed "
                         "(whitespace or layout only)")
        else:
            removed, added = change.counts
            old, new = change.old, change.new
            lines.append(f"version {old.version} -> {new.version} ({old.fetched_at} -> "
                         f"{new.fetched_at}): {removed} word(s) removed, {added} added"
                         + _extractors(change))
        lines += _title_change(old, new)
        if change is not None:
            lines.append("  " + render_text(change.ops))
        yield from lines
        del change  # its texts and diff go before the next pair's are read
        if upcoming is None:
            upcoming = next(pending, None)


def _extractors(change: Change) -> str:
    """Which extractor's texts were compared, when no one extractor made both versions."""
    if not change.extractors_differ:
        return ""
    return (f"; extractors differ: {change.old.extractor_label} -> "
            f"{change.new.extractor_label} (the diff may be the extractor's change)")


def _title_change(old: Version, new: Version) -> list[str]:
    """The headline's word diff when it changed: a new version is decided by its text, so
    a changed headline shows only here (and in the edit report)."""
    if old.title == new.title:
        return []
    return ["  title: " + (render_text(word_diff(old.title, new.title))
                           or f"{old.title!r} -> {new.title!r}")]
