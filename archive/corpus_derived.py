"""What the corpus derives from its rows on each build: reprint families, edits, DuckDB views.

* ``families/families.parquet``: (id, family) for every article joined to another by a
  ``near_duplicates`` edge, any outlet. Families are the connected components of those edges
  (union-find), recomputed on every build from the ``id`` and ``near_duplicates`` columns
  only: memory is one dict entry per article *with* a near-duplicate (~150 bytes), the other
  articles are their own family. The family id is the smallest article id in it.
* ``edits/edits-<stamp>.parquet``: one row per version > 1 with the word diff from the
  previous captured version (:mod:`archive.wordiff`), of one extractor's texts where one
  extractor made both (:mod:`archive.extractions`). Only versions not diffed before are
  computed, a few hundred articles at a time, so a build costs what is new. An article the
  build wrote a version of at or below one already diffed (a late version, an items file
  rewritten in place) has its diffs from there dropped and made again, as has a diff whose
  version is no longer in the corpus: the marks wait in ``edits/_stale_ids.txt`` from ingest
  until the new diffs are written, so a crash in between cannot leave a stale diff behind.
* ``views.sql``: the DuckDB views ``versions``, ``latest``, ``families``, ``edits``,
  ``removals`` and ``removed`` (see :mod:`archive.corpus_removals`), with
  paths relative to the corpus folder (``cd CORPUS && duckdb -init views.sql``); ``connect``
  opens the same views from Python.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from .corpus_damage import (
    VERSION_PARTS,
    damaged_parts,
    derived_problem,
    move_aside,
    undecodable,
)
from .corpus_removals import REMOVALS_FILE, removal_schema
from .corpus_schema import CorpusError, corpus_schema, parquet_named
from .corpus_texts import PART, PartTexts, without_text
from .extractions import Grouped, compared, extractor_label, versions_by_article
from .fileio import append_durably, replace_durably, temp_for, write_atomically
from .wordiff import changed_words, render_text, word_diff

VERSIONS = f"versions/{VERSION_PARTS}"
# A corpus with no rows (a build found no items, or only bad lines) holds this part of none, so
# the views' globs match a file: DuckDB fails a glob that matches nothing. Its partition names
# no outlet or month, and its name starts with "_", which pyarrow's discovery skips.
NO_VERSIONS = "versions/outlet=_/month=_/_empty.parquet"
STALE_IDS = "edits/_stale_ids.txt"
MEMORY_LIMIT = "512MB"  # DuckDB's, per connection
EDIT_BATCH_IDS = 200
EDIT_ROWS_WRITTEN = 200  # edit rows (bounded diffs, no texts) written at once
EDIT_COLUMNS = ("id", "url", "source", "title", "published", "version", "fetched_at", "text",
                "warc", "extractor", "items_file", "items_line")
FAMILY_SCHEMA = pa.schema([("id", pa.string()), ("family", pa.string())])
EDIT_SCHEMA = pa.schema([
    ("id", pa.string()), ("url", pa.string()), ("source", pa.string()), ("title", pa.string()),
    ("published", pa.string()), ("version", pa.int64()), ("previous_version", pa.int64()),
    ("fetched_at", pa.string()), ("previous_fetched_at", pa.string()),
    ("changed", pa.bool_()), ("removed_words", pa.int64()), ("added_words", pa.int64()),
    ("diff", pa.string()), ("extractor", pa.string()), ("previous_extractor", pa.string())])

# Which row of an article is its latest (the order of archive.extractions): the newest version,
# the latest capture of it, and of that capture's extractions (a crawl's, a newer extractor's)
# the newest: the highest extractor version by its numbers, then the highest rule version,
# then the last items file and line.
# A capture's version is the highest any of its rows says: a re-extraction writes 1.
CAPTURE = "coalesce(warc.record_id, ''), fetched_at"  # as archive.extractions.capture_key
EXTRACTOR_NUMBERS = ("list_transform(regexp_extract_all(coalesce(extractor['version'], ''), "
                     "'\\d+'), lambda n: TRY_CAST(n AS HUGEINT))")
# the layout version the outlet's rules were read with when dated (``belta@2026-12``: 2026, 12):
# of two extractions of one capture by one extractor, the one after a new rule version was
# added (re-extracted to read a changed layout) is the newer, whatever its items file is
# named; only when every extraction of the capture names a dated version (a free-form
# ``belta@v3`` cannot be placed against a date), as archive.extractions.newest_first
RULES_LAYOUT = "regexp_extract(coalesce(extractor['rules'], ''), '[^@]*$')"
RULES_DATED = f"regexp_full_match({RULES_LAYOUT}, '[0-9]{{4}}-[0-9]{{2}}(-[0-9]{{2}})?')"
RULES_NUMBERS = (f"CASE WHEN bool_and({RULES_DATED}) OVER (PARTITION BY id, {CAPTURE}) THEN "
                 f"list_transform(string_split({RULES_LAYOUT}, '-'), "
                 "lambda n: TRY_CAST(n AS HUGEINT)) ELSE [] END")
# the newest capture, whatever version it says (two state stores, or one reset, number texts
# alike: the later capture of a lower number is the article as it stands), then its newest
# extraction
LATEST_ORDER = ("fetched_ts DESC NULLS LAST, capture_version DESC, extractor_numbers DESC, "
                "rules_numbers DESC, items_file DESC, items_line DESC")
# The latest row of each article by narrow columns (items_file, items_line, capture_version):
# a window over whole rows would hold every text at once, more than DuckDB's memory cap.
LATEST_KEYS = f"""(SELECT items_file, items_line, capture_version FROM (
    SELECT id, fetched_ts, items_file, items_line, {EXTRACTOR_NUMBERS} AS extractor_numbers,
           {RULES_NUMBERS} AS rules_numbers,
           max(version) OVER (PARTITION BY id, {CAPTURE}) AS capture_version
    FROM read_parquet('{VERSIONS}'))
  QUALIFY row_number() OVER (PARTITION BY id ORDER BY {LATEST_ORDER}) = 1)"""

_HIVE_VERSIONS = (f"read_parquet('{VERSIONS}', hive_partitioning = true,\n"
                  "                    hive_types = {'outlet': VARCHAR, 'month': VARCHAR})")
FAMILIES_FILE = "families/families.parquet"
# Edit files written before ``extractor`` and ``previous_extractor`` lack them: read by name.
EDIT_FILES = "edits/*.parquet"
EDITS = f"read_parquet('{EDIT_FILES}', union_by_name = true)"
VIEWS_SQL = f"""-- The corpus as DuckDB views. Open with:  cd CORPUS_DIR && duckdb -init views.sql
-- (paths are relative to this folder; from Python: archive.corpus_derived.connect(CORPUS_DIR)).
CREATE OR REPLACE VIEW versions AS
  SELECT v.*, coalesce(f.family, v.id) AS family
  FROM {_HIVE_VERSIONS} AS v
  LEFT JOIN read_parquet('{FAMILIES_FILE}') AS f ON f.id = v.id;
-- The newest version of each article: the latest capture of it, as its newest extraction
-- (highest extractor version); `version` is the capture's (a re-extraction's row says 1).
CREATE OR REPLACE VIEW latest AS
  SELECT v.* REPLACE (k.capture_version AS version)
  FROM versions AS v JOIN {LATEST_KEYS} AS k USING (items_file, items_line);
-- Reprint families: texts that are near-duplicates of each other, across outlets. Times
-- by instant: each outlet writes `published` in its own UTC offset, so its text misorders.
CREATE OR REPLACE VIEW families AS
  SELECT family, count(DISTINCT id) AS articles, count(DISTINCT source) AS n_outlets,
         list(DISTINCT source ORDER BY source) AS outlets, min(published_ts) AS first_published,
         list(url ORDER BY published_ts NULLS LAST, url) AS urls,
         list(DISTINCT id ORDER BY id) AS ids
  FROM latest GROUP BY family HAVING count(DISTINCT id) > 1;
-- Versions that changed words (whitespace-only changes are not edits), with word diffs;
-- the times as TIMESTAMPTZ too, as in versions (NULL for a text that names no instant).
CREATE OR REPLACE VIEW edits AS
  SELECT *, TRY_CAST(fetched_at AS TIMESTAMPTZ) AS fetched_ts,
         TRY_CAST(previous_fetched_at AS TIMESTAMPTZ) AS previous_fetched_ts,
         TRY_CAST(published AS TIMESTAMPTZ) AS published_ts
  FROM {EDITS} WHERE changed;
-- Every observation of a known article answering 404/410/451 or redirected to a page that
-- is no article ('removed'), or giving its article again later ('restored'), with the WARC
-- record of the answer: observations, not verdicts on why.
CREATE OR REPLACE VIEW removals AS
  SELECT * FROM read_parquet('{REMOVALS_FILE}');
-- Articles whose latest observation is a removal: gone when last fetched.
CREATE OR REPLACE VIEW removed AS
  SELECT id, url, source, observed_ts AS removed_at, status, final_url, warc
  FROM removals
  QUALIFY row_number() OVER (PARTITION BY id ORDER BY observed_ts DESC,
                             removals_file DESC, removals_line DESC) = 1
     AND event = 'removed';
"""


def _empty_file(path: Path, schema: pa.Schema) -> None:
    """An empty table for the build's queries, written whole under its name (a reader may be
    globbing the folder)."""
    if not path.exists() and not any(path.parent.glob("*.parquet")):
        path.parent.mkdir(parents=True, exist_ok=True)
        with temp_for(path) as tmp, parquet_named(tmp):
            pq.write_table(schema.empty_table(), tmp, write_page_checksum=True)
            replace_durably(tmp, path)


def open_duckdb(corpus: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB reading files relative to ``corpus``, memory capped. An in-memory
    database spills nowhere by default: a sort of more text than the cap (export of a year of
    articles) failed with OutOfMemory; it now spills to a temp folder of this process."""
    if why := unsearchable(Path(corpus)):
        raise CorpusError(why)
    spill = Path(tempfile.gettempdir()) / f"archive-duckdb-{os.getpid()}"
    con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "threads": 2,
                                 "temp_directory": str(spill),
                                 "preserve_insertion_order": False})
    con.execute(f"SET file_search_path = '{_quote(str(Path(corpus).resolve()))}'")
    return con


def unsearchable(corpus: Path) -> str | None:
    """Why DuckDB cannot read a corpus folder by its path, if it cannot: it takes its file
    search path as a comma-separated list, and a backslash in it finds no file (the build
    failed after writing its parts, and so did every command after it)."""
    where = str(corpus.resolve())
    if "," in where:
        return (f"{where}: a corpus folder's path may not hold a comma (DuckDB reads its "
                "search path as a comma-separated list); choose another folder")
    if "\\" in where:
        return (f"{where}: a corpus folder's path may not hold a backslash (DuckDB finds no "
                "file under it); choose another folder")
    return None


def _quote(text: str) -> str:
    return text.replace("'", "''")


def has_rows(corpus: Path) -> bool:
    return any((corpus / "versions").glob("*/*/*.parquet"))


def connect(corpus_dir: str | Path) -> duckdb.DuckDBPyConnection:
    """DuckDB with the corpus views (``versions``, ``latest``, ``families``, ``edits``,
    ``removals``, ``removed``)."""
    corpus = Path(corpus_dir)
    if not has_rows(corpus):
        raise CorpusError(f"no corpus in {corpus} (build it with: python -m archive corpus)")
    con = open_duckdb(corpus)
    source = _readable_versions(con, corpus)
    con.execute(_reader_views(con, corpus, source))
    con.execute(f"CREATE TEMP VIEW version_files AS {source.with_files}")
    return con


@dataclass(frozen=True)
class _Versions:
    """How a reader reads the version parts: the glob, or those of them that can be read."""

    plain: str  # read_parquet(...) of the parts
    hive: str  # the same, with the outlet and month columns of their folders
    with_files: str  # a SELECT of every row and the part it is in (``filename``)


def _readable_versions(con: duckdb.DuckDBPyConnection, corpus: Path) -> _Versions:
    """The parts as the views read them, leaving out those no reader can open (named by
    the command, see :mod:`archive.corpus_damage`): one damaged part made every query fail."""
    damaged = {part for part, _ in damaged_parts(corpus)}
    if not damaged:
        files = f"'{VERSIONS}'"
    else:
        readable = [part.relative_to(corpus).as_posix()
                    for part in sorted((corpus / "versions").glob(VERSION_PARTS))
                    if part not in damaged]
        if not readable:
            schema = corpus_schema().append(pa.field("outlet", pa.string())).append(
                pa.field("month", pa.string()))
            con.register("no_versions", schema.empty_table())
            return _Versions("no_versions", "no_versions",
                             "SELECT *, NULL::VARCHAR AS filename FROM no_versions")
        files = "[" + ", ".join(f"'{_quote(part)}'" for part in readable) + "]"
    return _Versions(f"read_parquet({files})",
                     f"read_parquet({files}, hive_partitioning = true, "
                     "hive_types = {'outlet': VARCHAR, 'month': VARCHAR})",
                     f"SELECT * FROM read_parquet({files}, filename = true)")


def _reader_views(con: duckdb.DuckDBPyConnection, corpus: Path, versions: _Versions) -> str:
    """VIEWS_SQL, reading ``versions``' parts, and an empty table in place of derived files
    not written yet (a first build still ingesting, or killed before them) or that no reader
    can open (the command names them; the next build makes them again): a reader never
    writes into the corpus, which may be read-only to it or being built."""
    sql = VIEWS_SQL.replace(_HIVE_VERSIONS, versions.hive).replace(
        f"read_parquet('{VERSIONS}')", versions.plain)
    derived = [(f"read_parquet('{FAMILIES_FILE}')", corpus / FAMILIES_FILE, FAMILY_SCHEMA),
               (EDITS, corpus / "edits" / "edits-0.parquet", EDIT_SCHEMA),
               (f"read_parquet('{REMOVALS_FILE}')", corpus / REMOVALS_FILE, removal_schema())]
    for reading, path, schema in derived:
        found = sorted(path.parent.glob("*.parquet"))
        readable = [p for p in found if not derived_problem(p)]
        if not readable:
            name = f"no_{path.parent.name}"
            con.register(name, schema.empty_table())
            sql = sql.replace(reading, name)
        elif len(readable) < len(found):  # only edits/ holds several
            files = ", ".join(f"'{_quote(p.relative_to(corpus).as_posix())}'" for p in readable)
            sql = sql.replace(reading, f"read_parquet([{files}], union_by_name = true)")
    return sql


def write_views(corpus: Path) -> None:
    """Replaced whole: ``duckdb -init views.sql`` must never read a file cut short."""
    write_atomically(corpus / "views.sql", VIEWS_SQL.encode("utf-8"))


# -- families -------------------------------------------------------------------------------

class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        parent = self.parent.setdefault(key, key)
        while parent != key:
            grand = self.parent[parent]
            self.parent[key] = grand  # path halving
            key, parent = parent, self.parent[grand]
        return key

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:  # the smaller id becomes the root: the family id is the smallest id
            lo, hi = sorted((ra, rb))
            self.parent[hi] = lo


def compute_families(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """id -> family for every article with a near-duplicate edge."""
    sets = _UnionFind()
    reader = con.sql(f"SELECT id, near_duplicates FROM read_parquet('{VERSIONS}') "
                     "WHERE len(near_duplicates) > 0").to_arrow_reader(10_000)
    for batch in reader:
        for article, others in zip(batch.column(0).to_pylist(), batch.column(1).to_pylist(),
                                   strict=True):
            for other in others:
                sets.union(article, other)
    return {key: sets.find(key) for key in list(sets.parent)}


def _write_families(corpus: Path, families: dict[str, str]) -> None:
    path = corpus / "families" / "families.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    ids = sorted(families)
    table = pa.table({"id": ids, "family": [families[i] for i in ids]}, schema=FAMILY_SCHEMA)
    with temp_for(path) as tmp, parquet_named(tmp):
        pq.write_table(table, tmp, write_page_checksum=True)
        replace_durably(tmp, path)


# -- edits -----------------------------------------------------------------------------------

def part_ids(parts: list[Path]) -> set[str]:
    """Article ids in version parts (those that exist)."""
    ids: set[str] = set()
    for part in parts:
        if part.exists():
            ids.update(pq.read_table(part, columns=["id"]).column("id").to_pylist())
    return ids


def mark_edits_stale(corpus: Path, versions: dict[str, int]) -> None:
    """Note (durably) for the next refresh: article -> the lowest version a build wrote (0:
    all of its versions are in question). Its stored diffs of that version or later are made
    again; a plain new version, later than every diff, leaves them alone."""
    if versions:
        append_durably(corpus / STALE_IDS, [f"{i},{v}\n" for i, v in sorted(versions.items())])


def _drop_stale_edits(con: duckdb.DuckDBPyConnection, corpus: Path) -> None:
    """Remove the stored diffs of articles a build wrote a version of at or below one already
    diffed (a late version, a rewritten items file) and of versions no longer present;
    ``_write_edits`` then finds those versions undiffed and diffs them from what is there."""
    if (corpus / STALE_IDS).exists():  # read by DuckDB: a first build marks every article
        # No sniffing: a line torn by a crash (its file is read again, so marked again) is
        # a row with no version, which matches nothing, and never an error. So is a file of
        # no readable line (emptied, zeroed, cut to a torn line): DuckDB's sniffer failed it,
        # and every build after it, until it was deleted by hand.
        con.execute(f"CREATE OR REPLACE TEMP VIEW touched AS SELECT * FROM read_csv("
                    f"'{STALE_IDS}', header = false, delim = ',', quote = '', escape = '', "
                    "auto_detect = false, null_padding = true, ignore_errors = true, "
                    "columns = {'id': 'VARCHAR', 'version': 'BIGINT'})")
    else:
        con.execute("CREATE OR REPLACE TEMP TABLE touched (id VARCHAR, version BIGINT)")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE stale AS
        SELECT DISTINCT e.id FROM {EDITS} AS e
        JOIN touched AS t ON e.id = t.id AND e.version >= t.version
        UNION
        SELECT DISTINCT id FROM {EDITS} AS e
        ANTI JOIN (SELECT DISTINCT id, version FROM read_parquet('{VERSIONS}')) USING (id, version)""")
    if not con.execute("SELECT count(*) FROM stale").fetchall()[0][0]:
        return
    for path in sorted((corpus / "edits").glob("*.parquet")):
        source = _quote(str(path))
        [(held,)] = con.execute(f"SELECT count(*) FROM read_parquet('{source}') "
                                "SEMI JOIN stale USING (id)").fetchall()
        if not held:
            continue
        with temp_for(path) as tmp, parquet_named(tmp):
            kept = con.sql(f"SELECT * FROM read_parquet('{source}') ANTI JOIN stale USING (id)")
            _write_edit_batches(kept.to_arrow_reader(EDIT_ROWS_WRITTEN), tmp)
            replace_durably(tmp, path)


def _write_edit_batches(batches: pa.RecordBatchReader, tmp: Path) -> None:
    """Write an edits table through the writer every corpus table is written with (page
    CRCs): DuckDB's COPY stored none, so a byte flipped in a rewritten edits table's pages
    that still decoded (a letter of a diff changed) was found by no check, and shown."""
    with _edit_writer(tmp) as writer:
        for batch in batches:
            writer.write_batch(_as_edit_batch(batch))


def _edit_writer(tmp: Path) -> pq.ParquetWriter:
    """The one writer of an edits table, new or rewritten: EDIT_SCHEMA with page CRCs."""
    return pq.ParquetWriter(tmp, EDIT_SCHEMA, write_page_checksum=True)


def _as_edit_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    """The batch in EDIT_SCHEMA's columns, by name: a table written before a column was
    added (``extractor``, ``previous_extractor``) gets it empty. Selecting the schema's
    names failed on such a table, and so every build that rewrote one."""
    present = set(batch.schema.names)
    columns = [batch.column(field.name).cast(field.type) if field.name in present
               else pa.nulls(batch.num_rows, field.type) for field in EDIT_SCHEMA]
    return pa.RecordBatch.from_arrays(columns, schema=EDIT_SCHEMA)


def _pending_edit_ids(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Each article with a version not diffed (no text is read: see :func:`_edit_rows`)."""
    return [r[0] for r in con.execute(f"""
        WITH v AS (SELECT DISTINCT id, version FROM read_parquet('{VERSIONS}')
                   WHERE version > 1),
             done AS (SELECT id, version FROM {EDITS})
        SELECT DISTINCT id FROM v ANTI JOIN done USING (id, version) ORDER BY id""").fetchall()]


def _edit_rows(con: duckdb.DuckDBPyConnection, ids: list[str]) -> Iterator[dict[str, Any]]:
    """Diff each not-yet-diffed version of ``ids`` against the previous captured version.
    The rows are read without their texts, and each diff reads the two it compares: an
    article of 80 versions of 2 MB held all 160 MB at once."""
    done = set(con.execute(f"SELECT id, version FROM {EDITS} WHERE list_contains(?, id)",
                           [ids]).fetchall())
    columns = (*[c for c in EDIT_COLUMNS if c != "text"], PART)
    rows = con.execute(f"SELECT {without_text(EDIT_COLUMNS)} FROM read_parquet('{VERSIONS}', "
                       "filename = true) WHERE list_contains(?, id)", [ids]).fetchall()
    texts = PartTexts()
    for article, versions in versions_by_article(rows, columns).items():
        for prev, cur in zip(versions, versions[1:], strict=False):
            if (article, cur.version) not in done:
                yield _edit_row(prev, cur, texts)


def _edit_row(prev: Grouped, cur: Grouped, texts: PartTexts) -> dict[str, Any]:
    """The diff of two consecutive versions, of the texts :func:`compared` picks."""
    old, new = compared(prev, cur)
    ops = word_diff(texts.text(old), texts.text(new))
    removed, added = changed_words(ops)
    return {"id": new["id"], "url": new["url"], "source": new["source"], "title": new["title"],
            "published": new["published"], "version": cur.version,
            "previous_version": prev.version, "fetched_at": cur.fetched_at,
            "previous_fetched_at": prev.fetched_at, "changed": bool(ops),
            "removed_words": removed, "added_words": added, "diff": render_text(ops),
            "extractor": extractor_label(new["extractor"]),
            "previous_extractor": extractor_label(old["extractor"])}


def _chunks(rows: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _write_edits(con: duckdb.DuckDBPyConnection, corpus: Path) -> int:
    pending = _pending_edit_ids(con)
    if not pending:
        return 0
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
    path = corpus / "edits" / f"edits-{stamp}.parquet"
    written = 0
    with temp_for(path) as tmp, parquet_named(tmp):
        with _edit_writer(tmp) as writer:
            for start in range(0, len(pending), EDIT_BATCH_IDS):
                batch = pending[start:start + EDIT_BATCH_IDS]
                for rows in _chunks(_edit_rows(con, batch), EDIT_ROWS_WRITTEN):
                    writer.write_batch(pa.RecordBatch.from_pylist(rows, schema=EDIT_SCHEMA))
                    written += len(rows)
        if written:
            replace_durably(tmp, path)
        else:
            tmp.unlink()
    return written


def derived_files(corpus: Path) -> list[Path]:
    """The derived tables a build makes again from the rows and the removals files (the
    families table too: its rewrite replaced a damaged one, its bytes gone)."""
    return [*sorted((corpus / "edits").glob("*.parquet")), corpus / FAMILIES_FILE,
            corpus / REMOVALS_FILE]


def set_aside_unreadable(corpus: Path) -> list[tuple[Path, Path, str]]:
    """Move aside the derived tables that are no Parquet a reader can open (cut short by a
    copy, damaged on disk): every query of the views failed on them, and the build, which
    made them from the rows and removals files, finished "fine" or failed the same way on
    each run. Renamed, not deleted (their bytes may be all someone has); the build then makes
    them again: the edits missing from the rest are diffed anew, the removals table is
    rewritten. (path, where it went, why) of each."""
    found = derived_files(corpus)
    moved = []
    for path in found:
        if why := undecodable(path):
            moved.append((path, move_aside(path), why))
    return moved


def set_aside_damaged_parts(corpus: Path) -> list[tuple[Path, Path, str]]:
    """Move aside the version parts no reader can open, before the build reads any part:
    (path, where it went, why) of each. Their rows are made again from their items files
    (the build takes a part gone as one to put back)."""
    return [(part, move_aside(part), why) for part, why in damaged_parts(corpus, whole=True)]


def _remove_orphan_edit_temps(corpus: Path) -> None:
    """Delete ``edits/edits-<stamp>.parquet.tmp`` left by a killed build. Their stamp is new on
    every build, so no later build writes the same name again; called under the build's lock,
    so none of them is being written."""
    for orphan in (corpus / "edits").glob("edits-*.parquet.tmp"):
        orphan.unlink(missing_ok=True)


def refresh_derived(corpus: Path) -> tuple[int, int]:
    """Recompute families, diff new versions; (families with >1 article, new edit rows)."""
    if not has_rows(corpus):
        _empty_file(corpus / NO_VERSIONS, corpus_schema())
    _empty_file(corpus / "edits" / "edits-0.parquet", EDIT_SCHEMA)
    _remove_orphan_edit_temps(corpus)
    con = open_duckdb(corpus)
    try:
        families = compute_families(con)
        _write_families(corpus, families)
        _drop_stale_edits(con, corpus)
        edits = _write_edits(con, corpus)
    finally:
        con.close()
    (corpus / STALE_IDS).unlink(missing_ok=True)
    return len(set(families.values())), edits
