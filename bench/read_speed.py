"""WARC read speed: full record iteration and CDXJ indexing, records/s and MB/s.

    .venv/bin/python bench/read_speed.py [--pairs 2000] [--baseline REV] [--write]

Writes a corpus with warcio (request+response pairs, ~40 KB HTML pages, one gzip member per
record, and the same records uncompressed), then times, best of --repeat runs:
`archive.records.iter_records` over the .warc.gz and the .warc, `archive.cdxj.build_index`,
`archive.reader.iter_responses` (what re-extraction reads), `archive.reader.ArchiveLookup`
(what replay indexes) and warcio's ArchiveIterator reading every block (the library alternative). With
--baseline, the same archive/ calls are timed on the code of that git revision too (checked
out with `git archive` into a temporary folder, run in a subprocess), so before/after share
one machine state. Seconds are CPU time of the reading process (the machine is shared, so
wall time is noisy); MB/s counts file bytes (compressed for .warc.gz).
"""

from __future__ import annotations

import argparse
import io
import json
import random
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.report import append_section  # noqa: E402

WORDS = ("новости", "минск", "года", "президент", "совет", "район", "news", "the", "of", "data",
         "беларусь", "заявил", "встреча", "school", "город", "работы", "people", "время")

TIMED = """
import json, sys, time
from pathlib import Path
from archive.records import iter_records
from archive.cdxj import build_index
from archive.reader import ArchiveLookup, iter_responses
gz, plain, repeat = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])

import importlib

def date_caches():
    # The timed code's WARC-Date caches, emptied before each run so none is helped by a
    # previous run's dates: in archive.records, or archive.record_model since the record
    # model moved there. Code older than the cache has neither it nor _cached_date; any
    # other code without one stops the bench (a cache moved again: runs silently helped).
    modules = []
    for name in ("archive.record_model", "archive.records"):
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    caches = [m._DATES for m in modules if isinstance(getattr(m, "_DATES", None), dict)]
    if not caches and any(hasattr(m, "_cached_date") for m in modules):
        sys.exit("read_speed: the WARC-Date cache (_DATES) is in neither archive.record_model "
                 "nor archive.records: find where it moved and clear it in bench/read_speed.py")
    return caches

CACHES = date_caches()

def best(fn):
    times = []
    for _ in range(repeat):
        for cache in CACHES:
            cache.clear()  # no help from a previous run's date cache
        t = time.process_time(); n = fn(); times.append(time.process_time() - t)
    return n, min(times)

def count(path):
    return sum(1 for _ in iter_records(path, lambda e: None))

out = {}
out["iterate .warc.gz"] = best(lambda: count(gz))
out["iterate .warc"] = best(lambda: count(plain))
out["index .warc.gz"] = best(lambda: len(build_index([gz], on_error=lambda e: None)))
out["responses .warc.gz"] = best(lambda: sum(1 for _ in iter_responses([gz], on_error=lambda e: None)))
out["replay lookup .warc.gz"] = best(lambda: len(ArchiveLookup([gz], on_error=lambda e: None)))
print(json.dumps(out))
"""


def _page(rng: random.Random, n: int) -> bytes:
    words = " ".join(rng.choice(WORDS) for _ in range(5000))
    return (f"<html><head><title>Article {n}</title></head><body>"
            f"<p>{words}</p></body></html>").encode()


def make_corpus(folder: Path, pairs: int) -> tuple[Path, Path]:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    rng = random.Random(7)
    paths = []
    for gzip_on, name in ((True, "corpus.warc.gz"), (False, "corpus.warc")):
        rng.seed(7)
        path = folder / name
        with open(path, "wb") as fh:
            writer = WARCWriter(fh, gzip=gzip_on, warc_version="1.1")
            for n in range(pairs):
                url = f"http://bench.example.by/news/{n}.html"
                body = _page(rng, n)
                head = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                                   ("Content-Length", str(len(body)))],
                                        protocol="HTTP/1.1")
                resp = writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                 http_headers=head)
                req_head = StatusAndHeaders(f"GET /news/{n}.html HTTP/1.1",
                                            [("Host", "bench.example.by")], is_http_request=True)
                req = writer.create_warc_record(url, "request", http_headers=req_head)
                writer.write_request_response_pair(req, resp)
        paths.append(path)
    return paths[0], paths[1]


def warcio_iterate(path: Path) -> int:
    from warcio.archiveiterator import ArchiveIterator

    n = 0
    with open(path, "rb") as fh:
        for rec in ArchiveIterator(fh):
            rec.content_stream().read()
            n += 1
    return n


def timed_archive(code_root: Path, gz: Path, plain: Path, repeat: int) -> dict:
    res = subprocess.run([sys.executable, "-c", TIMED, str(gz), str(plain), str(repeat)],
                         cwd=code_root, capture_output=True, text=True, timeout=3600,
                         env={"PYTHONPATH": str(code_root), "PATH": "/usr/bin:/bin"})
    if res.returncode:
        raise RuntimeError(res.stderr[-3000:])
    return json.loads(res.stdout)


def checkout(rev: str, into: Path) -> Path:
    data = subprocess.run(["git", "archive", rev, "archive"], cwd=ROOT, capture_output=True,
                          check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return into


def rows_for(label: str, results: dict, sizes: dict[str, int]) -> list[dict]:
    rows = []
    for what, (records, seconds) in results.items():
        size = sizes[".warc.gz" if what.endswith(".warc.gz") else ".warc"]
        rows.append({"code": label, "run": what, "records": records,
                     "seconds": round(seconds, 3),
                     "records_per_s": round(records / seconds),
                     "file_MB_per_s": round(size / seconds / 1e6, 1)})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pairs", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--baseline", metavar="REV", help="also time archive/ at this git revision")
    ap.add_argument("--write", action="store_true", help="append the results to benchmarks.md")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        gz, plain = make_corpus(tmpdir, args.pairs)
        sizes = {".warc.gz": gz.stat().st_size, ".warc": plain.stat().st_size}
        rows = []
        if args.baseline:
            base = checkout(args.baseline, tmpdir / "base")
            rows += rows_for(f"before ({args.baseline[:7]})",
                             timed_archive(base, gz, plain, args.repeat), sizes)
        rows += rows_for("now", timed_archive(ROOT, gz, plain, args.repeat), sizes)
        for path, label in ((gz, "warcio iterate .warc.gz"), (plain, "warcio iterate .warc")):
            best = min(_time(warcio_iterate, path) for _ in range(args.repeat))
            rows += rows_for("warcio 1.8.1", {label: best}, sizes)
    for row in rows:
        print(row)
    if args.write:
        cmd = "bench/read_speed.py " + " ".join(sys.argv[1:])
        notes = (f"Corpus: {args.pairs} request/response pairs, ~40 KB HTML pages; "
                 f".warc.gz {sizes['.warc.gz'] / 1e6:.1f} MB, .warc {sizes['.warc'] / 1e6:.1f} MB. "
                 "Best of " f"{args.repeat} runs each, CPU seconds; MB/s counts file bytes.")
        append_section("WARC read speed", cmd.strip(), rows, notes=notes)


def _time(fn, path: Path) -> tuple[int, float]:
    t = time.process_time()
    n = fn(path)
    return n, time.process_time() - t


if __name__ == "__main__":
    main()
