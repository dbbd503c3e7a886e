"""`python -m archive`: index, verify, package, repair and export; build and read the corpus.

Exit codes: 0 ok, 1 problems found, 2 usage error (bad arguments, missing files).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from tqdm import tqdm

from .errors import WarcFormatError, error_count
from .fileio import os_reason, quiet_on_closed_pipe
from .reader import ARCHIVE_SUFFIXES, output_clash, warc_inputs
from .records import DEFAULT_MAX_RECORD_SIZE, MAX_RECORD_SIZE_LIMIT
from .terminal import visible
from .wacz_input import input_size


class UsageError(Exception):
    pass


def _paths(specs: list[str], output: str | None = None, allowed: tuple[str, ...] = (),
           *, read_arcs: bool = False) -> list[Path]:
    """The WARCs ``specs`` name (and ARC files, with ``read_arcs``); a usage error when
    ``output`` would overwrite one of them."""
    try:
        paths, note = warc_inputs(specs, " ".join(specs), read_arcs=read_arcs)
    except (FileNotFoundError, ValueError) as exc:
        raise UsageError(str(exc)) from exc
    clash = output_clash(output, paths, allowed) if output is not None else None
    if clash:
        raise UsageError(clash)
    if output is not None and (folder := _input_folder_holding(output, specs)):
        raise UsageError(f"the output {output} would be written inside the input folder "
                         f"{folder}, where the next run over it reads it as an input (its "
                         "records twice); give an output outside it")
    if note:
        print(f"note: {note}", file=sys.stderr)
    return paths


def _input_folder_holding(output: str, specs: list[str]) -> str | None:
    """The input folder (read recursively) an archive ``output`` (a ``.wacz``) would be
    written under, or None."""
    if not Path(output).name.lower().endswith(ARCHIVE_SUFFIXES):
        return None
    target = Path(output).resolve().parent
    for spec in specs:
        folder = Path(spec)
        if folder.is_dir() and target.is_relative_to(folder.resolve()):
            return spec
    return None


def _bar(paths: list[Path], desc: str) -> tqdm:
    try:
        total = sum(input_size(p) for p in paths)
    except OSError as exc:
        raise UsageError(str(exc)) from exc
    return tqdm(total=total, desc=desc, unit="B", unit_scale=True, file=sys.stderr, leave=False)


class _Lines:
    """Lines for stderr under a progress bar, written in batches: tqdm.write redraws the bar
    for each call, which made a file of a million problems take minutes to report. A line
    after `_DELAY` seconds without one goes out at once (with those waiting); in a burst, at
    most `_BATCH` lines wait, and the command flushes the rest when it ends."""

    _BATCH = 1000
    _DELAY = 0.5

    def __init__(self) -> None:
        self._waiting: list[str] = []
        self._last = float("-inf")  # when lines last went out

    def add(self, line: str) -> None:
        self._waiting.append(line)
        if len(self._waiting) >= self._BATCH or time.monotonic() - self._last > self._DELAY:
            self.flush()

    def flush(self) -> None:
        if self._waiting:
            # taken first: an interrupt while writing must not write them again
            batch, self._waiting = self._waiting, []
            tqdm.write("\n".join(batch), file=sys.stderr)
            self._last = time.monotonic()


def _emit(text: str, lines: _Lines | None) -> None:
    """An error line: written at once, or through `lines` (flushed by the caller) under a bar."""
    if lines is None:
        tqdm.write(text, file=sys.stderr)
    else:
        lines.add(text)


def _error_printer(counter: list[int], lines: _Lines | None = None
                   ) -> Callable[[WarcFormatError | str], None]:
    """Count each error and print it (see _emit)."""
    def on_error(err: WarcFormatError | str) -> None:
        counter[0] += 1 if isinstance(err, str) else error_count(err)  # (a folded run: each)
        _emit(f"error: {err}", lines)

    return on_error


def _size(text: str) -> int:
    """A byte count such as 67108864, 64M, 1G (for --max-record-size)."""
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    t = text.strip().lower().removesuffix("b")
    mult = units.get(t[-1:], 1)
    digits = t[:-1] if t[-1:] in units else t
    if not digits.isascii() or not digits.isdigit() or int(digits) <= 0:
        raise argparse.ArgumentTypeError(f"not a size: {text!r}")
    if int(digits) * mult > MAX_RECORD_SIZE_LIMIT:
        raise argparse.ArgumentTypeError(f"{text!r}: at most 1024G")
    return int(digits) * mult


def cmd_index(args) -> int:
    from .cdxj import index_to_file

    paths = _paths(args.warcs, args.output, read_arcs=True)
    _output_folder_exists(args.output)
    if clash := _same_names(paths):  # a CDXJ line names its file by base name
        raise UsageError(f"{clash}: an index names a file by its name; index them apart")
    errors = [0]
    lines = _Lines()
    try:
        with _bar(paths, "index") as bar:
            try:
                count = index_to_file(
                    paths,
                    args.output,
                    on_error=_error_printer(errors, lines),
                    progress=bar.update,
                    max_record_size=args.max_record_size,
                )
            finally:
                lines.flush()
    except OSError as exc:  # the output, or the sorted runs in a temporary folder beside it
        if not Path(args.output).parent.is_dir():
            raise UsageError(f"cannot write {args.output}: {exc}") from exc
        print(f"error: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 1  # a full or read-only disk: no usage error
    print(f"{count} index lines from {len(paths)} file(s) -> {args.output}")
    return 1 if errors[0] else 0


def _output_folder_exists(output: str) -> None:
    """Usage error, before any input is read, when the output's folder is missing: found only
    at the end, it cost the whole read and was said by the name of a temporary file."""
    folder = Path(output).parent
    if not folder.is_dir():
        raise UsageError(f"no such folder: {folder} (for {output})")


def _same_names(paths: list[Path]) -> str | None:
    """The first two inputs sharing a file name (two folders' ``data.warc.gz``, two WACZ
    packages' members), both named; None when every name is its own."""
    seen: dict[str, Path] = {}
    for path in paths:
        if (first := seen.setdefault(path.name, path)) is not path:
            return f"{first} and {path} share the name {path.name}"
    return None


def cmd_verify(args) -> int:
    from .reader import NoWarcFiles, damaged_note
    from .verify import Problem, verify

    try:
        paths = _paths(args.warcs, read_arcs=True)
    except UsageError as exc:
        cause = exc.__cause__
        if not isinstance(cause, NoWarcFiles) or not cause.only_damaged:
            raise  # (`.open` files there too: a usage error naming both, as for `.open` alone)
        # only the damage a repair set aside: said as damage (exit 1, as verify says any),
        # not as a folder named by mistake
        print(f"error: no WARC files to verify in {' '.join(args.warcs)}: "
              f"{damaged_note(cause.damaged, 'verified')}", file=sys.stderr)
        return 1

    lines = _Lines()

    def show(problem: Problem) -> None:  # as found: a report keeps only the first ones
        if problem.severity == "error" or args.warnings:
            lines.add(str(problem))

    with _bar(paths, "verify") as bar:
        try:
            report = verify(paths, progress=bar.update, max_record_size=args.max_record_size,
                            on_problem=show)
        finally:
            lines.flush()
    n_err = report.error_count
    unseen = "" if args.warnings or not report.warning_count else (
        f", {report.warning_count} warning(s) (-w prints them)")
    print(f"{report.records} records in {report.files} file(s): {n_err} error(s){unseen}")
    return 1 if n_err else 0


def cmd_wacz(args) -> int:
    from .wacz import arc_input_problem, build_wacz
    from .wacz_input import WACZ_SUFFIX

    paths = _paths(args.warcs, args.output, allowed=(WACZ_SUFFIX,))
    _output_folder_exists(args.output)
    if args.items and not Path(args.items).is_file():
        raise UsageError(f"no such file: {args.items}")
    if clash := _same_names(paths):
        raise UsageError(f"{clash}: WARC files with the same name cannot share a WACZ "
                         "archive/ folder")
    if problem := arc_input_problem(paths):
        raise UsageError(problem)
    errors = [0]
    lines = _Lines()
    try:
        with _bar(paths, "wacz") as bar:
            try:
                info = build_wacz(
                    paths,
                    args.output,
                    items_jsonl=args.items,
                    on_error=_error_printer(errors, lines),
                    on_bad_item=_line_error_printer(args.items or "", errors, lines),
                    progress=bar.update,
                )
            finally:
                lines.flush()
    except OSError as exc:
        print(f"error: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"{args.output}: {info['pages']} page(s), {info['warcs']} WARC file(s)")
    return 1 if errors[0] else 0


def cmd_repair(args) -> int:
    from .repair import repair_open_files

    if not Path(args.directory).is_dir():
        raise UsageError(f"not a directory: {args.directory}")
    results = repair_open_files(args.directory, args.max_record_size)
    for r in results:
        print(r)
    if not results:
        print("nothing to repair")
    damaged = [r for r in results if r.has_damage]
    if damaged:
        print(f"error: {len(damaged)} file(s) had damage (unreadable bytes, or damaged records "
              "kept in place); every record readable at its offset was kept in place, every "
              "other byte moved to a .damaged side file, none deleted: see the ranges above",
              file=sys.stderr)
    left = [r for r in results if r.left_open]
    if left:
        print(f"error: {len(left)} file(s) left as they were (a closed file or side file of "
              "that name exists, the file cannot be opened, or its torn tail cannot be copied "
              "out: free space, or make the folder writable, and run again), see above",
              file=sys.stderr)
    return 1 if damaged or left else 0


def _on_corpus(command: Callable[[Any], int]) -> Callable[[Any], int]:
    """A corpus command that fails with a message, never a traceback: a folder that is no
    corpus is a usage error (2); a corpus file it cannot read (a bogus Parquet file) or a file
    it cannot write (full disk, read-only folder) exits 1, the message naming the path."""
    @functools.wraps(command)
    def run(args) -> int:
        import duckdb
        import pyarrow as pa

        from .corpus_damage import CheckFailed
        from .corpus_schema import CorpusError

        try:
            damaged = _warn_of_damaged_parts(getattr(args, "corpus", None))
            return max(command(args), 1 if damaged else 0)
        except CorpusError as exc:
            raise UsageError(str(exc)) from exc
        except CheckFailed as exc:  # a file not known to be damaged: left where it is
            where, error = exc.path, exc.reason
        except (duckdb.Error, pa.ArrowException) as exc:  # reading the corpus
            where, error = getattr(args, "corpus", None) or args.output, exc
            if _read_of_damage(exc):
                _name_undecodable_parts(getattr(args, "corpus", None))
        except OSError as exc:  # the file named, else what the command writes
            where = exc.filename or getattr(args, "output", None) or args.corpus
            error = os_reason(exc)[1]
        print(f"error: {where}: {str(error).splitlines()[0]}", file=sys.stderr)
        return 1

    return run


def _warn_of_damaged_parts(corpus: str | None) -> bool:
    """Name each version part a reading command leaves out (no reader can open it), with
    the items file whose rows its answer lacks and the build that puts them back; whether
    there was one (the command then exits 1: its answer is not whole)."""
    if corpus is None:
        return False
    from .corpus_damage import (
        damaged_derived,
        damaged_parts,
        derived_warning,
        part_owners,
        reader_warning,
    )
    from .corpus_derived import derived_files

    home = Path(corpus)
    damaged = damaged_parts(home)
    owners = part_owners(home) if damaged else {}
    for part, why in damaged:
        print(visible(reader_warning(home, part, why, owners)), file=sys.stderr)
    derived = damaged_derived(home, derived_files(home))
    for path, why in derived:
        print(visible(derived_warning(home, path, why)), file=sys.stderr)
    return bool(damaged or derived)


def _read_of_damage(exc: BaseException) -> bool:
    """Whether a failed read of the corpus may come of damaged bytes (DuckDB's invalid
    input, its I/O errors, its bare errors of a thrift it cannot decode; Arrow's invalid
    data), worth reading every part whole to name the one at fault. Out of memory, an
    interrupt, a permission made that pass read the whole corpus before the error was said."""
    import duckdb
    import pyarrow as pa

    if isinstance(exc, duckdb.Error):
        return type(exc) is duckdb.Error or isinstance(
            exc, duckdb.InvalidInputException | duckdb.IOException)
    return isinstance(exc, pa.ArrowInvalid)


def _name_undecodable_parts(corpus: str | None) -> None:
    """After a read failed: name each version part that is not whole (damaged in place since
    the last build, its footer intact), as :func:`_warn_of_damaged_parts` does, so the error
    says which file to move aside and which build makes it again. A file that cannot be
    read to check it (a failing disk, no memory) is named with why, never a traceback."""
    if corpus is None or not Path(corpus, "versions").is_dir():
        return
    from .corpus_damage import CheckFailed

    try:
        _name_damaged_whole(Path(corpus))
    except CheckFailed as exc:
        print(visible(f"error: {exc}"), file=sys.stderr)


def _name_damaged_whole(home: Path) -> None:
    """Warn of each version part and derived table that cannot be read whole."""
    from .corpus_damage import (
        damaged_derived,
        damaged_parts,
        derived_warning,
        part_owners,
        reader_warning,
    )
    from .corpus_derived import derived_files

    damaged = damaged_parts(home, whole=True)
    owners = part_owners(home) if damaged else {}
    for part, why in damaged:
        print(visible(reader_warning(home, part, why, owners)), file=sys.stderr)
    for path, why in damaged_derived(home, derived_files(home), whole=True):
        print(visible(derived_warning(home, path, why)), file=sys.stderr)


def _folder_for(path: str) -> None:
    """Usage error unless ``path`` can be a folder (absent, or a folder) inside a folder."""
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise UsageError(f"not a folder: {path}")
    parent = next((p for p in target.parents if p.exists()), Path("."))
    if not parent.is_dir():
        raise UsageError(f"not a folder: {parent}")


def _window(args) -> None:
    """Usage error for a window that holds no day (``--since`` after ``--until``): it
    selected nothing, and said nothing of why."""
    if args.since and args.until and args.since > args.until:
        raise UsageError(f"--since {args.since} is after --until {args.until}: no day between")


def _fresh_outdir(path: str) -> None:
    """Usage error when ``path`` holds an earlier export's files (``NNN_<id>.txt``) or is a
    corpus: this export's numbered files would sit among them, old versions and articles a
    selection left out read as part of it."""
    from .export_txt import EXPORTED_NAME, clear_unfinished

    _folder_for(path)
    target = Path(path)
    if not target.is_dir():
        return
    if (target / "_corpus.json").exists():
        raise UsageError(f"{path} is a corpus folder: export into another folder")
    try:
        if removed := clear_unfinished(target):
            print(f"note: removed the {removed} file(s) an export stopped midway left in "
                  f"{path}", file=sys.stderr)
    except OSError as exc:
        raise UsageError(f"{path} holds an export stopped midway that cannot be cleared: "
                         f"{exc}") from exc
    earlier = sorted(p.name for p in target.iterdir() if EXPORTED_NAME.fullmatch(p.name))
    if earlier:
        raise UsageError(f"{path} holds {len(earlier)} file(s) of an earlier export "
                         f"({earlier[0]}…): this export's numbers would mix with them; "
                         "export into an empty folder, or delete them first")


def _line_error_printer(path: str, counter: list[int], lines: _Lines | None = None
                        ) -> Callable[[int, str], None]:
    """Count and print each unusable line of an items file; through `lines` when the other
    errors go there, so that they keep their order."""
    def on_error(line: int, reason: str) -> None:
        counter[0] += 1
        _emit(f"error: {path}: line {line}: {reason}; skipped", lines)

    return on_error


def cmd_export_txt(args) -> int:
    from .export_txt import export_txt

    if args.corpus:
        return _on_corpus(_export_from_corpus)(args)
    if args.items is None:
        raise UsageError("give ITEMS.jsonl or --corpus CORPUS_DIR")
    if not Path(args.items).is_file():
        raise UsageError(f"no such file: {args.items}")
    _fresh_outdir(args.outdir)
    skipped = [0]
    try:
        written = export_txt(args.items, args.outdir, _line_error_printer(args.items, skipped))
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{len(written)} file(s) written to {args.outdir}; {skipped[0]} line(s) skipped")
    return 1 if skipped[0] else 0


def _export_from_corpus(args) -> int:
    """export-txt --corpus: select from the corpus into a temporary items file, then export it
    with the same export_txt as an items file (one format, one code path)."""
    import tempfile

    from .corpus_lookup import SeveralArticles, as_ids
    from .corpus_select import Selection, read_ids, select_items, write_jsonl
    from .export_txt import MAX_LINE_BYTES, export_txt

    if args.items is not None:
        raise UsageError("give either ITEMS.jsonl or --corpus, not both")
    too_long = [0]

    def _too_long(item: dict[str, Any], size: int) -> None:
        too_long[0] += 1
        print(f"error: article {item['id']} ({item['url']}) version {item.get('version')}: "
              f"its item is {size} bytes as a JSON line, over the {MAX_LINE_BYTES} an items "
              "line may hold: not exported", file=sys.stderr)

    _fresh_outdir(args.outdir)
    try:
        listed = read_ids(args.ids_file) if args.ids_file else ()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read --ids-file {args.ids_file}: {exc}") from exc
    if args.ids_file and not listed:
        # no id asked for is no filter at all: the whole corpus would go out
        raise UsageError(f"--ids-file {args.ids_file} names no article id (blank lines and "
                         "# comments only)")
    ids = tuple(args.ids or ()) + listed
    try:
        ids = as_ids(args.corpus, ids)  # a URL, as pasted from a browser, names its article
    except SeveralArticles as exc:
        raise UsageError(str(exc)) from exc
    _window(args)
    selection = Selection(sources=tuple(args.source or ()), since=args.since, until=args.until,
                          ids=ids, latest_only=args.latest)
    # only the values asked for are watched: an export of everything holds no set of its rows
    seen: dict[str, set[str]] = {key: set() for key, asked in (("id", ids), ("source", args.source))
                                 if asked}
    with tempfile.TemporaryDirectory(prefix="export-txt-") as tmp:
        selected = Path(tmp) / "selected.jsonl"
        try:
            count = write_jsonl(_noting(select_items(args.corpus, selection, ordered=False),
                                        seen), selected, MAX_LINE_BYTES, _too_long)
        except OSError as exc:  # TMPDIR's disk, not the corpus's nor OUTDIR's
            raise OSError(exc.errno, f"{exc.strerror or exc} (the selection's temporary file: "
                          "set TMPDIR to a folder with room)", str(selected)) from None
        written = export_txt(selected, args.outdir) if count else []
    for key, asked, word in (("id", selection.ids, "id"), ("source", selection.sources, "outlet")):
        for value in dict.fromkeys(asked):
            if value not in seen.get(key, ()):
                print(f"note: no row selected of {word} {value} (not in the corpus, or "
                      "outside the other selection flags)", file=sys.stderr)
    print(f"{len(written)} file(s) written to {args.outdir} ({count} selected from {args.corpus})")
    return 1 if too_long[0] else 0


def _noting(items: Iterator[dict[str, Any]], seen: dict[str, set[str]]
            ) -> Iterator[dict[str, Any]]:
    """``items`` unchanged, noting the value of each key of ``seen``: a mistyped --id or
    --source selects nothing, which is named rather than a silently empty export."""
    for item in items:
        for key, values in seen.items():
            values.add(item[key])  # the selection holds only asked-for values of these keys
        yield item


def cmd_corpus(args) -> int:
    from .corpus import build_corpus
    from .corpus_derived import unsearchable

    def on_problem(problem) -> None:
        print(f"{'error' if problem.fatal else 'note'}: {visible(str(problem))}",
              file=sys.stderr)

    _folder_for(args.output)
    if why := unsearchable(Path(args.output)):
        raise UsageError(why)  # before any part is written
    report = build_corpus(args.data_dir, args.output, on_problem=on_problem)
    unreadable = (f"{report.files_unreadable} file(s) could not be read; "
                  if report.files_unreadable else "")
    print(f"{args.output}: {report.rows} row(s) added from {report.files_ingested} file(s) "
          f"({report.files_skipped} unchanged, {report.files_partial} still being written"
          f"{f', {report.files_empty} empty' if report.files_empty else ''}); "
          f"{report.rejected} line(s) rejected; {unreadable}{report.duplicates} already held; "
          f"{report.no_instant} line(s) with a date naming no instant (timestamp NULL); "
          f"{report.families} reprint famil(ies); {report.edits} new version(s) diffed; "
          f"{report.removals} removal observation(s)")
    return 1 if report.rejected or report.files_unreadable else 0


def cmd_history(args) -> int:
    from .history import article_history, history_lines

    try:
        versions, diffs = article_history(args.corpus, args.article)
    except LookupError as exc:
        raise UsageError(str(exc)) from exc
    for line in history_lines(versions, diffs):  # a diff at a time: two texts in memory
        print(visible(line))  # outlet text: its control characters shown, not obeyed
    return 0


def cmd_edits(args) -> int:
    from .edits import ReportOptions, unknown_sources, write_report_file

    _window(args)
    options = ReportOptions(since=args.since, until=args.until,
                            sources=tuple(args.source or ()), replay_base=args.replay_base,
                            warc_dir=args.warc_dir)
    if not Path(args.output).parent.is_dir():
        raise UsageError(f"no such folder: {Path(args.output).parent}")
    _outside_corpus(args.output, args.corpus)
    problems = [0]
    articles, shown = write_report_file(args.corpus, args.output, options,
                                        _error_printer(problems))
    for source in unknown_sources(args.corpus, options.sources):
        print(f"note: no version of outlet {source} in the corpus", file=sys.stderr)
    print(f"{args.output}: {articles} edited article(s), {shown} edit(s)")
    return 1 if problems[0] else 0


def _outside_corpus(output: str, corpus: str) -> None:
    """Usage error when ``output`` lies in the corpus folder (its manifest, a Parquet part):
    the page would replace a file the corpus needs. Its folder is resolved (links and ".."
    followed); the page replaces a link at its own name rather than writing through it."""
    target = Path(output).parent.resolve() / Path(output).name
    home = Path(corpus).resolve()
    if target == home or target.is_relative_to(home):
        raise UsageError(f"{output} is in the corpus folder {corpus}: write the page elsewhere")


def _day(value: str) -> str:
    from datetime import date

    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a day (YYYY-MM-DD): {value!r}") from exc


def _text(value: str) -> str:
    """An argument the corpus compares or prints as text (an id, a URL, an outlet): bytes
    that are not UTF-8 (a windows-1251 terminal) arrive as lone surrogates, which no query
    or page can hold, so they are a usage error here rather than a traceback later."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        shown = value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        raise argparse.ArgumentTypeError(f"not UTF-8: '{shown}': give it as UTF-8 text") from None
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m archive", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    warcs_help = "WARC or WACZ files, folders or glob patterns"
    max_size = {
        "type": _size,
        "metavar": "BYTES",
        "help": "records inflating beyond this are reported and skipped, not loaded "
        f"(default {DEFAULT_MAX_RECORD_SIZE >> 20}M; env ARCHIVE_MAX_RECORD_SIZE)",
    }

    p = sub.add_parser("index", help="write a sorted CDXJ index (pywb format)")
    p.add_argument("warcs", nargs="+", metavar="WARC", help=warcs_help)
    p.add_argument("-o", "--output", required=True, metavar="INDEX.cdxj")
    p.add_argument("--max-record-size", **max_size)
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("verify", help="check structure and digests of every record")
    p.add_argument("warcs", nargs="+", metavar="WARC", help=warcs_help)
    p.add_argument("-w", "--warnings", action="store_true", help="also print warnings")
    p.add_argument("--max-record-size", **max_size)
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("wacz", help="package WARCs as a WACZ 1.1.1 file")
    p.add_argument("warcs", nargs="+", metavar="WARC", help=warcs_help)
    p.add_argument("-o", "--output", required=True, metavar="ARCHIVE.wacz")
    p.add_argument("--items", metavar="ITEMS.jsonl", help="article items giving page titles")
    p.set_defaults(func=cmd_wacz)

    p = sub.add_parser("repair", help="recover .open files left by a crashed writer")
    p.add_argument("directory", metavar="DIR")
    p.add_argument("--max-record-size", **max_size)
    p.set_defaults(func=cmd_repair)

    p = sub.add_parser("export-txt", help="write items as NNN_<id>.txt files")
    p.add_argument("items", metavar="ITEMS.jsonl", nargs="?")
    p.add_argument("outdir", metavar="OUTDIR")
    p.add_argument("--corpus", metavar="CORPUS_DIR", help="select the items from a corpus")
    p.add_argument("--source", action="append", type=_text, metavar="OUTLET",
                   help="(--corpus) repeatable")
    p.add_argument("--since", type=_day, help="(--corpus) first day of publication, "
                   "inclusive: the outlet's local day; an item with no date is on its capture "
                   "day in UTC")
    p.add_argument("--until", type=_day, help="(--corpus) last day of publication, "
                   "inclusive (as --since)")
    p.add_argument("--id", dest="ids", action="append", type=_text, metavar="ID",
                   help="(--corpus) an article id or URL; repeatable")
    p.add_argument("--ids-file", metavar="FILE",
                   help="(--corpus) article ids or URLs, one a line")
    p.add_argument("--latest", action="store_true", help="(--corpus) latest versions only")
    p.set_defaults(func=cmd_export_txt)

    p = sub.add_parser("corpus", help="add the items under DATA_DIR/items to a Parquet corpus")
    p.add_argument("data_dir", metavar="DATA_DIR")
    p.add_argument("-o", "--output", required=True, metavar="CORPUS_DIR")
    p.set_defaults(func=_on_corpus(cmd_corpus))

    p = sub.add_parser("history", help="every version of one article, with word diffs")
    p.add_argument("corpus", metavar="CORPUS_DIR")
    p.add_argument("article", type=_text, metavar="URL-or-ID")
    p.set_defaults(func=_on_corpus(cmd_history))

    p = sub.add_parser("edits", help="a static HTML report of article edits")
    p.add_argument("corpus", metavar="CORPUS_DIR")
    p.add_argument("-o", "--output", required=True, metavar="REPORT.html")
    p.add_argument("--since", type=_day, help="first capture day (UTC), inclusive")
    p.add_argument("--until", type=_day, help="last capture day (UTC), inclusive")
    p.add_argument("--source", action="append", type=_text, metavar="OUTLET", help="repeatable")
    p.add_argument("--replay-base", type=_text, default="http://localhost:8080/archive/",
                   help="pywb collection URL for replay links")
    p.add_argument("--warc-dir", type=_text, default="data/warc",
                   help="WARC folder named in commands")
    p.set_defaults(func=_on_corpus(cmd_edits))
    return parser


class _NamedStdout:
    """``sys.stdout`` whose write failures name it: a full disk under ``> file`` met by a
    command's own summary line was reported as the command's output file or corpus (complete,
    on another disk) by the command's handler of its files' failures."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def _named(self, exc: OSError) -> OSError:
        if exc.filename is not None:
            return exc
        return OSError(exc.errno, exc.strerror or str(exc),
                       getattr(self.stream, "name", None) or "<stdout>")

    def write(self, text: str) -> int:
        try:
            return self.stream.write(text)
        except OSError as exc:
            raise self._named(exc) from exc

    def flush(self) -> None:
        try:
            self.stream.flush()
        except OSError as exc:
            raise self._named(exc) from exc

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    stdout = sys.stdout
    sys.stdout = _NamedStdout(stdout)  # type: ignore[assignment]
    try:
        status = args.func(args)
        sys.stdout.flush()  # here, not at exit: a full disk under a redirect is said
        return status
    except UsageError as exc:  # it may quote a stored URL: shown, never obeyed
        print("\n".join(f"error: {visible(line)}" if n == 0 else visible(line)
                        for n, line in enumerate(str(exc).split("\n"))), file=sys.stderr)
        return 2
    except OSError as exc:  # what no command took: its output (a full disk under `> file`)
        where = exc.filename or getattr(stdout, "name", "the output")
        print(f"error: {where}: {exc.strerror or exc}", file=sys.stderr)
        with contextlib.suppress(OSError):
            stdout = open(os.devnull, "w")  # noqa: SIM115 - nothing more is flushed there
        return 1
    finally:
        sys.stdout = stdout


if __name__ == "__main__":
    quiet_on_closed_pipe()  # the process's own, never a caller's: main() leaves signals alone
    sys.exit(main())
