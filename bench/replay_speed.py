"""Offline speed: ``scrapy reextract`` with 1 and 2 processes, and a ``WARC_REPLAY`` crawl.

    .venv/bin/python bench/replay_speed.py [--pages 2000] [--page-bytes N] [--no-write]

First a loopback crawl (capture on, no extraction) writes the WARCs; then, over those same
files, ``scrapy reextract --jobs 1`` and ``--jobs 2`` (pages/s, and the index / read /
extraction-CPU seconds the command prints) and ``scrapy crawl belta -s WARC_REPLAY=...``
with the full pipeline (pages/s from its run report).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cpu_probe import parallel_capacity  # noqa: E402
from bench.crawl_throughput import FAST, run  # noqa: E402
from bench.report import append_section  # noqa: E402
from bench.site import BenchServer, add_page_bytes_option  # noqa: E402

SUMMARY = re.compile(r"(\d+) items from (\d+) archived articles in ([\d.]+) s \(index ([\d.]+) s, "
                     r"reading ([\d.]+) s, extraction CPU ([\d.]+) s")


def reextract(warcs: Path, out: Path, jobs: int) -> dict:
    cmd = [sys.executable, "-m", "scrapy", "reextract", str(warcs), "-O", str(out),
           "--jobs", str(jobs), "--no-progress"]
    load = os.getloadavg()[0]
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=3600)
    wall = time.perf_counter() - started
    match = SUMMARY.search(proc.stderr)
    if proc.returncode or not match:
        raise RuntimeError(f"reextract --jobs {jobs} failed:\n{proc.stderr[-3000:]}")
    items, articles, seconds, index, read, cpu = match.groups()
    return {"run": f"reextract --jobs {jobs}", "pages": int(articles), "items": int(items),
            "seconds": float(seconds), "wall_s": round(wall, 2),
            "pages_per_s": round(int(articles) / float(seconds), 1), "index_s": float(index),
            "read_s": float(read), "extract_cpu_s": float(cpu), "load_1min": round(load, 2)}


def replay_crawl(warcs: Path, workdir: Path) -> dict:
    data = workdir / "replay"
    settings = {**FAST, "DATA_DIR": str(data), "WARC_REPLAY": str(warcs)}
    cmd = [sys.executable, "-m", "scrapy", "crawl", "belta", "-O", str(data / "items.jsonl")]
    for key, value in settings.items():
        cmd += ["-s", f"{key}={json.dumps(value) if isinstance(value, dict) else value}"]
    load = os.getloadavg()[0]
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=3600)
    wall = time.perf_counter() - started
    if proc.returncode:
        raise RuntimeError(f"replay crawl failed:\n{proc.stderr[-3000:]}")
    stats = json.loads(sorted((data / "reports").glob("*.json"))[-1].read_text())["stats"]
    pages, elapsed = stats.get("articles/downloaded", 0), stats["elapsed_time_seconds"]
    return {"run": "crawl belta -s WARC_REPLAY=...", "pages": pages,
            "items": stats.get("item_scraped_count", 0), "seconds": round(elapsed, 2),
            "wall_s": round(wall, 2), "pages_per_s": round(pages / elapsed, 1),
            "load_1min": round(load, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    add_page_bytes_option(parser)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with BenchServer(args.pages, args.page_bytes) as server:
            print(json.dumps(run("a_bare_capture", server, work / "crawl")), flush=True)
        warcs = work / "crawl" / "warc"
        capacity = parallel_capacity()
        for jobs in (1, 2):
            rows.append(reextract(warcs, work / f"items-{jobs}.jsonl", jobs))
            print(json.dumps(rows[-1]), flush=True)
        capacity = round((capacity + parallel_capacity()) / 2, 2)
        rows.append(replay_crawl(warcs, work))
        print(json.dumps(rows[-1]), flush=True)
    one, two = rows[0], rows[1]
    ratios = {"parallel capacity around the reextract runs (2.0 = two free cores)": capacity,
              "reextract 2 processes / 1 process (pages/s)":
              round(two["pages_per_s"] / one["pages_per_s"], 2),
              "reextract --jobs 2: index seconds (main process) / wall seconds":
              round(two["index_s"] / two["seconds"], 2),
              "reextract --jobs 2: read seconds (summed over workers) / extraction CPU seconds":
              round(two["read_s"] / two["extract_cpu_s"], 2)}
    print(json.dumps(ratios, indent=1))
    if not args.no_write:
        append_section("Replay and re-extraction", f"python bench/replay_speed.py --pages "
                       f"{args.pages} --page-bytes {args.page_bytes}", rows, ratios)


if __name__ == "__main__":
    main()
