"""Read speed of a plain file full of false record starts: CPU seconds per false start.

    .venv/bin/python bench/false_starts.py [--lines 100000] [--baseline REV]

Writes a record, then --lines pairs of a ``WARC/1.0`` line and a line of prose (a text that
quotes the version line: each looks like a record start but is none), then a record, and
times `archive.records.iter_records` over it (errors to a list), best of --repeat runs of
CPU time. With --baseline, the same is timed on the archive/ of that git revision (checked
out with `git archive`, run in a subprocess), so before/after share one machine state. Says
the errors reported (one, folded, since the fold) and the records found (both).
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.warcs import response  # noqa: E402

TIMED = """
import json, sys, time
from archive.records import iter_records
path, repeat = sys.argv[1], int(sys.argv[2])
best = None
for _ in range(repeat):
    errors = []
    start = time.process_time()
    found = [info.record.target_uri for info in iter_records(path, errors.append)]
    took = time.process_time() - start
    best = took if best is None else min(best, took)
print(json.dumps({"seconds": best, "errors": len(errors), "records": found}))
"""


def write_file(path: Path, lines: int) -> None:
    quote = b"WARC/1.0\r\nthe line above starts a WARC record, a page quoting it says\r\n"
    path.write_bytes(response("http://ex.com/a", b"<title>a</title>") + quote * lines
                     + b"end of the quote\r\n" + b"prose\r\n" * 1000 + b"\r\n"
                     + response("http://ex.com/b", b"<title>b</title>"))


def timed(code_root: Path, path: Path, repeat: int) -> dict:
    res = subprocess.run([sys.executable, "-c", TIMED, str(path), str(repeat)],
                         cwd=code_root, capture_output=True, text=True, check=True)
    return json.loads(res.stdout)


def checkout(rev: str, into: Path) -> Path:
    data = subprocess.run(["git", "archive", rev, "archive"], cwd=ROOT, capture_output=True,
                          check=True).stdout
    into.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return into


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--baseline", metavar="REV", help="also time archive/ at this git revision")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "false-starts.warc"
        write_file(path, args.lines)
        runs = {"now": timed(ROOT, path, args.repeat)}
        if args.baseline:
            runs[f"before ({args.baseline[:7]})"] = timed(
                checkout(args.baseline, Path(tmp) / "base"), path, args.repeat)
    for label, run in runs.items():
        per = run["seconds"] / args.lines * 1e6
        print(f"{label:>18}: {run['seconds']:.2f} s CPU, {per:.1f} us per false start, "
              f"{run['errors']} error(s), records {run['records']}")
    if len(runs) == 2:
        now, before = runs.values()
        print(f"ratio: {before['seconds'] / now['seconds']:.1f}x faster")


if __name__ == "__main__":
    main()
