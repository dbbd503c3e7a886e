"""Peak RSS and time of `archive index`, `archive wacz` and the replay lookup against N records.

    .venv/bin/python bench/archive_memory.py [--sizes 100000 500000] [--files 200]
                                             [--baseline REV] [--runs index wacz lookup]
                                             [--lookups 3000] [--write]

Writes N small response records (one gzip member each, ~300-byte HTML pages, a page's URL
captured about twice, several captures in one second) spread over --files WARC files in a
temporary folder, then runs `python -m archive index` and `python -m archive wacz` on them,
each in its own process, and `archive.reader.ArchiveLookup` (what replay builds) likewise:
bench/lookup_replay.py loads it (load time, index size on disk) and then makes --lookups
replay-like `latest` and `get` calls (mean ms each). Peak RSS is the process's own
(os.wait4's ru_maxrss), seconds are its CPU time and wall time (the machine is shared: CPU
time is the steadier). With --baseline every run also runs on the code of that git revision
(`git archive` into the temporary folder), so before and after read the same files on one
machine state. The generated data is deleted at the end.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.read_speed import checkout  # noqa: E402
from bench.report import append_section  # noqa: E402

LOOKUP = ROOT / "bench" / "lookup_replay.py"
START = 1_767_225_600  # 2026-01-01T00:00:00Z
RUNS = ("index", "wacz", "lookup")


def _record(n: int, url: str, when: float) -> bytes:
    """One gzip member: a response record with a small HTML page, written directly (the
    writer's dedup index and fsyncs would make 500k records take much longer)."""
    body = (f"<html><head><title>Article {n}</title></head><body><p>Text of article {n}."
            "</p></body></html>").encode()
    http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body)) + body
    secs, micro = divmod(round(when * 1e6), 1_000_000)
    date = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(secs)) + f".{micro:06d}Z"
    digest = base64.b32encode(hashlib.sha1(body).digest()).decode()
    head = (f"WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:bench-{n}>\r\n"
            f"WARC-Date: {date}\r\nWARC-Target-URI: {url}\r\n"
            f"WARC-Payload-Digest: sha1:{digest}\r\n"
            "Content-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(http)}\r\n\r\n").encode()
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)
    return packer.compress(head + http + b"\r\n\r\n") + packer.flush()


def make_warcs(folder: Path, records: int, files: int) -> list[Path]:
    """``records`` responses over ``files`` files; each URL is captured about twice, a
    later file holding the later capture, and ~4 records share each second."""
    folder.mkdir(parents=True, exist_ok=True)
    per_file = -(-records // files)
    paths = []
    for f in range(files):
        path = folder / f"bench-{f:05d}.warc.gz"
        with open(path, "wb") as fh:
            for n in range(f * per_file, min(records, (f + 1) * per_file)):
                url = f"https://outlet{n % 5}.example.by/news/{(n * 7919) % (records // 2 + 1)}"
                fh.write(_record(n, url, START + n / 4 + (n % 3) * 1e-6))
        paths.append(path)
    return paths


def measure(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> dict:
    """Peak RSS (MB), CPU and wall seconds of one process running ``argv``."""
    start = time.monotonic()
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(cwd), **(env or {})})
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    out, err = proc.stdout.read(), proc.stderr.read()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"{argv}: exit {proc.returncode}: {err[-2000:]!r}")
    return {"peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
            "cpu_s": round(usage.ru_utime + usage.ru_stime, 1), "wall_s": round(wall, 1),
            "out": out.decode().strip()[-200:]}


def run_size(n: int, files: int, tmp: Path, codes: list[tuple[str, Path]],
             runs: list[str], lookups: int) -> list[dict]:
    warcs = tmp / f"warcs-{n}"
    make_warcs(warcs, n, files)
    size_mb = round(sum(p.stat().st_size for p in warcs.iterdir()) / 1e6, 1)
    rows = []
    try:
        for label, code in codes:
            for command, out in (("index", tmp / "out.cdxj"), ("wacz", tmp / "out.wacz")):
                if command not in runs:
                    continue
                got = measure([sys.executable, "-m", "archive", command, str(warcs), "-o",
                               str(out)], code)
                rows.append({"records": n, "warc_mb": size_mb, "code": label,
                             "run": command, **got})
                out.unlink(missing_ok=True)
        if "lookup" in runs:
            rows += [lookup_row(n, size_mb, label, code, warcs, tmp, lookups)
                     for label, code in codes]
    finally:
        for p in warcs.iterdir():
            p.unlink()
        warcs.rmdir()
    return rows


def lookup_row(n: int, size_mb: float, label: str, code: Path, warcs: Path, tmp: Path,
               lookups: int) -> dict:
    """ArchiveLookup's load and lookups in one process of ``code``, its index under tmp."""
    index_tmp = tmp / "lookup-tmp"
    index_tmp.mkdir(exist_ok=True)
    got = measure([sys.executable, str(LOOKUP), str(warcs), str(n), "--lookups", str(lookups)],
                  code, env={"TMPDIR": str(index_tmp)})
    left = list(index_tmp.iterdir())
    if left:
        raise RuntimeError(f"{label}: the lookup left {left} in its TMPDIR")
    stats = json.loads(got["out"].splitlines()[-1])
    return {"records": n, "warc_mb": size_mb, "code": label, "run": "ArchiveLookup",
            "peak_rss_mb": got["peak_rss_mb"], "cpu_s": got["cpu_s"], "wall_s": got["wall_s"],
            **{k: stats[k] for k in ("load_s", "load_cpu_s", "index_disk_mb", "latest_ms",
                                     "get_ms", "found")}, "out": got["out"]}


def lookup_ratios(rows: list[dict], base: str) -> dict[str, float]:
    """Before / now for each size and measure of the lookup rows (now / before for speed)."""
    ratios = {}
    lookups = [r for r in rows if r["run"] == "ArchiveLookup"]
    for n in sorted({r["records"] for r in lookups}):
        pair = {r["code"]: r for r in lookups if r["records"] == n}
        if base not in pair or "now" not in pair:
            continue
        old, new = pair[base], pair["now"]
        ratios[f"{n} captures: peak RSS before / now"] = round(
            old["peak_rss_mb"] / new["peak_rss_mb"], 2)
        for key in ("load_cpu_s", "latest_ms", "get_ms"):
            if old[key]:
                ratios[f"{n} captures: {key} now / before"] = round(new[key] / old[key], 2)
    return ratios


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 500_000])
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--baseline", metavar="REV", help="also run the commands at this revision")
    ap.add_argument("--runs", nargs="+", choices=RUNS, default=list(RUNS))
    ap.add_argument("--no-lookup", action="store_true", help="skip ArchiveLookup")
    ap.add_argument("--lookups", type=int, default=3000, help="replay-like calls to time")
    ap.add_argument("--write", action="store_true", help="append the results to benchmarks.md")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a kill still removes the data
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="archive-memory-") as tmp_name:
        tmp = Path(tmp_name)
        codes = [("now", ROOT)]
        if args.baseline:
            codes.insert(0, (f"before ({args.baseline[:7]})",
                             checkout(args.baseline, tmp / "base")))
        runs = [r for r in args.runs if not (args.no_lookup and r == "lookup")]
        for n in args.sizes:
            for row in run_size(n, args.files, tmp, codes, runs, args.lookups):
                print({k: v for k, v in row.items() if k != "out"}, flush=True)
                rows.append(row)
    for row in rows:
        row.pop("out")
    if not args.write:
        return
    notes = (f"{args.files} .warc.gz files of small response records (one gzip member "
             "each, ~300-byte pages; each URL captured about twice). Each run is one "
             "process: peak RSS is its ru_maxrss, cpu_s its user+system time.")
    command = "bench/archive_memory.py " + " ".join(sys.argv[1:])
    commands = [r for r in rows if r["run"] != "ArchiveLookup"]
    if commands:
        append_section("Index and WACZ memory against archive size", command, commands,
                       notes=notes)
    lookups = [r for r in rows if r["run"] == "ArchiveLookup"]
    if lookups:
        base = codes[0][0] if args.baseline else ""
        append_section("Replay lookup memory and speed against archive size", command,
                       lookups, ratios=lookup_ratios(rows, base), notes=notes + (
                           f" load_s: building the lookup; latest_ms and get_ms: mean of "
                           f"{args.lookups} replay-like calls (bench/lookup_replay.py)."))


if __name__ == "__main__":
    main()
