"""`python -m archive`: index, verify, package, repair and export from the command line.

Exit codes: 0 ok, 1 problems found, 2 usage error (bad arguments, missing files).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from tqdm import tqdm

from .errors import WarcFormatError
from .reader import expand_paths


class UsageError(Exception):
    pass


def _paths(specs: list[str]) -> list[Path]:
    try:
        paths = expand_paths(specs)
    except FileNotFoundError as exc:
        raise UsageError(str(exc)) from exc
    if not paths:
        raise UsageError(f"no WARC files found in {' '.join(specs)}")
    return paths


def _bar(paths: list[Path], desc: str) -> tqdm:
    total = sum(p.stat().st_size for p in paths)
    return tqdm(total=total, desc=desc, unit="B", unit_scale=True, file=sys.stderr, leave=False)


def _error_printer(counter: list[int]) -> Callable[[WarcFormatError], None]:
    def on_error(err: WarcFormatError) -> None:
        counter[0] += 1
        tqdm.write(f"error: {err}", file=sys.stderr)

    return on_error


def cmd_index(args) -> int:
    from .cdxj import build_index, write_index

    paths = _paths(args.warcs)
    errors = [0]
    with _bar(paths, "index") as bar:
        lines = build_index(paths, on_error=_error_printer(errors), progress=bar.update)
    write_index(lines, args.output)
    print(f"{len(lines)} index lines from {len(paths)} file(s) -> {args.output}")
    return 1 if errors[0] else 0


def cmd_verify(args) -> int:
    from .verify import verify

    paths = _paths(args.warcs)
    with _bar(paths, "verify") as bar:
        report = verify(paths, progress=bar.update)
    for p in report.problems:
        if p.severity == "error" or args.warnings:
            print(p, file=sys.stderr)
    n_err = len(report.errors)
    print(f"{report.records} records in {report.files} file(s): {n_err} error(s)")
    return 1 if n_err else 0


def cmd_wacz(args) -> int:
    from .wacz import build_wacz

    paths = _paths(args.warcs)
    if args.items and not Path(args.items).is_file():
        raise UsageError(f"no such file: {args.items}")
    names = [p.name for p in paths]
    if len(set(names)) != len(names):
        raise UsageError("WARC files with the same name cannot share a WACZ archive/ folder")
    errors = [0]
    try:
        with _bar(paths, "wacz") as bar:
            info = build_wacz(
                paths,
                args.output,
                items_jsonl=args.items,
                on_error=_error_printer(errors),
                on_bad_item=_line_error_printer(args.items or "", errors),
                progress=bar.update,
            )
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{args.output}: {info['pages']} page(s), {info['warcs']} WARC file(s)")
    return 1 if errors[0] else 0


def cmd_repair(args) -> int:
    from .repair import repair_open_files

    if not Path(args.directory).is_dir():
        raise UsageError(f"not a directory: {args.directory}")
    results = repair_open_files(args.directory)
    for r in results:
        print(r)
    if not results:
        print("nothing to repair")
    damaged = [r for r in results if r.has_damage]
    if damaged:
        print(f"error: {len(damaged)} file(s) had unreadable bytes; every readable record "
              "was kept, see the ranges above", file=sys.stderr)
    return 1 if damaged else 0


def _line_error_printer(path: str, counter: list[int]) -> Callable[[int, str], None]:
    def on_error(line: int, reason: str) -> None:
        counter[0] += 1
        print(f"error: {path}: line {line}: {reason}; skipped", file=sys.stderr)

    return on_error


def cmd_export_txt(args) -> int:
    from .export_txt import export_txt

    if not Path(args.items).is_file():
        raise UsageError(f"no such file: {args.items}")
    skipped = [0]
    try:
        written = export_txt(args.items, args.outdir, _line_error_printer(args.items, skipped))
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{len(written)} file(s) written to {args.outdir}; {skipped[0]} line(s) skipped")
    return 1 if skipped[0] else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m archive", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    warcs_help = "WARC files, folders or glob patterns"

    p = sub.add_parser("index", help="write a sorted CDXJ index (pywb format)")
    p.add_argument("warcs", nargs="+", metavar="WARC", help=warcs_help)
    p.add_argument("-o", "--output", required=True, metavar="INDEX.cdxj")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("verify", help="check structure and digests of every record")
    p.add_argument("warcs", nargs="+", metavar="WARC", help=warcs_help)
    p.add_argument("-w", "--warnings", action="store_true", help="also print warnings")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("wacz", help="package WARCs as a WACZ 1.1.1 file")
    p.add_argument("warcs", nargs="+", metavar="WARC", help=warcs_help)
    p.add_argument("-o", "--output", required=True, metavar="ARCHIVE.wacz")
    p.add_argument("--items", metavar="ITEMS.jsonl", help="article items giving page titles")
    p.set_defaults(func=cmd_wacz)

    p = sub.add_parser("repair", help="recover .open files left by a crashed writer")
    p.add_argument("directory", metavar="DIR")
    p.set_defaults(func=cmd_repair)

    p = sub.add_parser("export-txt", help="write items as NNN_<id>.txt files")
    p.add_argument("items", metavar="ITEMS.jsonl")
    p.add_argument("outdir", metavar="OUTDIR")
    p.set_defaults(func=cmd_export_txt)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
