"""Peak RSS of a small and a ten times larger crawl: nothing may grow with the crawl.

    .venv/bin/python bench/memory_growth.py [--small 1000] [--large 10000] [--page-bytes N]
                                            [--jobdir] [--no-write]

Each crawl is the full pipeline as shipped (capture, extraction workers, state store) over
its own bench site, with a fresh DATA_DIR; Scrapy's ``memusage/max`` (checked every second)
is the crawl process's peak RSS. Extraction workers are separate processes and not counted.
With ``--jobdir`` each crawl has a JOBDIR, as docs/scheduling.md recommends for scheduled
runs: Scrapy then keeps its queue of pending requests on disk instead of in memory.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.crawl_throughput import run  # noqa: E402
from bench.report import append_section  # noqa: E402
from bench.site import BenchServer, add_page_bytes_option  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=10000)
    add_page_bytes_option(parser)
    parser.add_argument("--jobdir", action="store_true",
                        help="give each crawl a JOBDIR (pending requests on disk)")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    rows = []
    for pages in (args.small, args.large):
        with BenchServer(pages, args.page_bytes) as server, tempfile.TemporaryDirectory() as tmp:
            extra = {"JOBDIR": str(Path(tmp) / "job")} if args.jobdir else None
            row = run("c_full_shipped", server, Path(tmp) / "crawl", extra)
            rows.append({"site_pages": pages, "jobdir": args.jobdir, **row})
            print(json.dumps(rows[-1]), flush=True)
    small, large = rows
    ratios = {f"peak RSS {args.large} pages / {args.small} pages (target <= 1.2)":
              round(large["peak_rss_mb"] / small["peak_rss_mb"], 3),
              "peak RSS growth per 1,000 extra pages (MB)":
              round((large["peak_rss_mb"] - small["peak_rss_mb"])
                    / ((args.large - args.small) / 1000), 2)}
    print(json.dumps(ratios, indent=1))
    if not args.no_write:
        append_section("Memory: peak RSS against crawl size",
                       f"python bench/memory_growth.py --small {args.small} --large {args.large} "
                       f"--page-bytes {args.page_bytes}" + (" --jobdir" if args.jobdir else ""),
                       rows, ratios)


if __name__ == "__main__":
    main()
