"""Loopback crawl throughput: where a crawl's time goes, and what capture and extraction cost.

    .venv/bin/python bench/crawl_throughput.py [--pages 2000] [--page-bytes 74000]
                                               [--configs a_bare,...] [--rounds 3]

Runs real ``scrapy crawl belta`` processes against a local site (download delays off) in
several configurations, in one run so the ratios compare like with like, and appends the
results to docs/benchmarks.md. With ``--rounds N`` the configurations take turns N times and
the ratios use each configuration's median pages/s: the machine is shared, and its speed drifts
within a run. Besides pages/s it records CPU milliseconds per page of the
crawl process, of its extraction workers and of the bench server, and the load average (the
machine is shared): 2 cores / (CPU seconds per page) is the most any configuration can reach.

Article pages weigh what real news pages do (``--page-bytes``, default the median of the real
Russian news pages in ../shared/benchmarks; bench/chrome.py); ``--page-bytes 0`` serves the
bare ~5 KB fixture pages that earlier runs in docs/benchmarks.md used.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cpu_probe import parallel_capacity, proc_cpu_seconds  # noqa: E402
from bench.report import append_section  # noqa: E402
from bench.site import BenchServer, add_page_bytes_option  # noqa: E402
from crawler import settings as project_settings  # noqa: E402

FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY_JITTER": 0,
        "CONCURRENT_REQUESTS": 32, "CONCURRENT_REQUESTS_PER_DOMAIN": 32, "LOG_LEVEL": "WARNING",
        "ITEMS_TO_DATA_DIR": False, "OUTLET_BASE_URLS": {"www.belta.by": "http://www.belta.by"},
        "MEMUSAGE_CHECK_INTERVAL_SECONDS": 1,
        "EXTENSIONS": {**project_settings.EXTENSIONS, "bench.cpu_probe.CpuProbe": 100}}

CONFIGS: dict[str, dict] = {
    "a_bare": {"WARC_ENABLED": False, "ITEM_PIPELINES": {}},
    "a_bare_capture": {"ITEM_PIPELINES": {}},
    "b_full_inline": {"EXTRACTION_WORKERS": 0},
    "c_full_shipped": {},
    "c_full_no_capture": {"WARC_ENABLED": False},
}


def run(config: str, server: BenchServer, data: Path, extra: dict | None = None) -> dict:
    """One crawl with ``data`` as DATA_DIR (a new folder: an old state would skip every page)."""
    settings = {**FAST, **CONFIGS[config], "DATA_DIR": str(data), **(extra or {})}
    cmd = [sys.executable, "-m", "scrapy", "crawl", "belta"]
    for key, value in settings.items():
        cmd += ["-s", f"{key}={json.dumps(value) if isinstance(value, dict) else value}"]
    if "ITEM_PIPELINES" not in CONFIGS[config]:
        cmd += ["-O", str(data / "items.jsonl")]
    load = os.getloadavg()[0]
    served = proc_cpu_seconds(server.pid) if server.pid else 0.0
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env={**os.environ, **server.env}, capture_output=True,
                          text=True, timeout=3600)
    wall = time.perf_counter() - started
    served = (proc_cpu_seconds(server.pid) if server.pid else 0.0) - served
    if proc.returncode:
        raise RuntimeError(f"{config} failed:\n{proc.stderr[-3000:]}")
    report = json.loads(sorted((data / "reports").glob("*.json"))[-1].read_text())["stats"]
    pages = report.get("articles/downloaded", 0)
    elapsed = report["elapsed_time_seconds"]
    crawl_ms = 1000 * report.get("cpu/crawl_process_s", 0) / max(pages, 1)
    workers_ms = 1000 * report.get("cpu/children_s", 0) / max(pages, 1)
    server_ms = 1000 * served / max(pages, 1)
    total_ms = crawl_ms + workers_ms + server_ms
    return {"config": config, "pages": pages, "items": report.get("item_scraped_count", 0),
            "elapsed_s": round(elapsed, 2), "wall_s": round(wall, 2),
            "pages_per_s": round(pages / elapsed, 1),
            "cpu_ms/page crawl": round(crawl_ms, 2), "workers": round(workers_ms, 2),
            "server": round(server_ms, 2),
            "limit_pages_per_s": round(2000 / total_ms, 1) if total_ms else "",
            "peak_rss_mb": round(report.get("memusage/max", 0) / 2**20, 1),
            "load_1min": round(load, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    add_page_bytes_option(parser)
    parser.add_argument("--configs", default=",".join(CONFIGS))
    parser.add_argument("--rounds", type=int, default=1,
                        help="run the configurations in turn this many times; ratios of medians")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    rows = []
    capacity = [parallel_capacity()]
    with BenchServer(args.pages, args.page_bytes) as server, tempfile.TemporaryDirectory() as tmp:
        for round_ in range(1, args.rounds + 1):
            for config in args.configs.split(","):
                data = Path(tmp) / f"{config}-{round_}"
                rows.append({"config": config, "round": round_, **run(config, server, data)})
                print(json.dumps(rows[-1]), flush=True)
    capacity.append(parallel_capacity())
    by = {config: median_row([r for r in rows if r["config"] == config])
          for config in args.configs.split(",")}
    ratios: dict[str, object] = {
        "parallel capacity before / after (2 busy processes vs 1; 2.0 = two free cores)":
        " / ".join(map(str, capacity))}
    if {"a_bare", "a_bare_capture"} <= by.keys():
        ratios["capture cost, no extraction (1 - capture/bare)"] = round(
            1 - by["a_bare_capture"]["pages_per_s"] / by["a_bare"]["pages_per_s"], 3)
    if {"c_full_shipped", "c_full_no_capture"} <= by.keys():
        ratios["capture cost, full pipeline (1 - shipped/no capture)"] = round(
            1 - by["c_full_shipped"]["pages_per_s"] / by["c_full_no_capture"]["pages_per_s"], 3)
    if {"b_full_inline", "c_full_shipped"} <= by.keys():
        ratios["(c) shipped / (b) inline (target >= 1.6)"] = round(
            by["c_full_shipped"]["pages_per_s"] / by["b_full_inline"]["pages_per_s"], 2)
    if "c_full_shipped" in by:
        c = by["c_full_shipped"]
        ratios["(c) / its CPU limit (2 cores / CPU per page incl. server)"] = round(
            c["pages_per_s"] / c["limit_pages_per_s"], 2)
    print(json.dumps(ratios, indent=1))
    if not args.no_write:
        command = (f"python bench/crawl_throughput.py --pages {args.pages} "
                   f"--page-bytes {args.page_bytes} --rounds {args.rounds}"
                   + (f" --configs {args.configs}" if args.configs != ",".join(CONFIGS) else ""))
        notes = ("Ratios use each configuration's median pages/s over the rounds."
                 if args.rounds > 1 else "")
        append_section("Crawl throughput", command, rows, ratios, notes)


def median_row(rows: list[dict]) -> dict:
    """The run with the median pages/s (the lower middle one for an even count)."""
    ordered = sorted(rows, key=lambda r: r["pages_per_s"])
    return ordered[(len(ordered) - 1) // 2]


if __name__ == "__main__":
    main()
