"""How much one vCPU slows down while the other is busy: the ceiling of any 2-process speed-up.

    .venv/bin/python bench/core_contention.py [--pages 2000] [--rounds 2]

Runs the single-process crawl (config b_full_inline of crawl_throughput.py) with the second
vCPU idle, then with a plain spin loop on it, in turns, and appends CPU per page and pages/s
to docs/benchmarks.md. On two real cores the spin loop would change nothing; on two
hyperthreads of one core, or on a host that is oversubscribed, the crawl needs more CPU time
for the same pages, and no split of the work over two processes can reach 2x.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.crawl_throughput import median_row, run  # noqa: E402
from bench.report import append_section  # noqa: E402
from bench.site import BenchServer  # noqa: E402


def _spin(stop: multiprocessing.synchronize.Event) -> None:
    total = 0
    while not stop.is_set():
        for i in range(100_000):
            total += i


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    ctx = multiprocessing.get_context("spawn")
    rows = []
    with BenchServer(args.pages) as server, tempfile.TemporaryDirectory() as tmp:
        for round_ in range(1, args.rounds + 1):
            for other in ("idle", "spinning"):
                stop = ctx.Event()
                spinner = ctx.Process(target=_spin, args=(stop,)) if other == "spinning" else None
                if spinner:
                    spinner.start()
                    time.sleep(0.5)
                try:
                    row = run("b_full_inline", server, Path(tmp) / f"{other}-{round_}")
                finally:
                    stop.set()
                    if spinner:
                        spinner.join()
                rows.append({"other vCPU": other, "round": round_, **row})
                print(json.dumps(rows[-1]), flush=True)
    idle = median_row([r for r in rows if r["other vCPU"] == "idle"])
    busy = median_row([r for r in rows if r["other vCPU"] == "spinning"])
    ratios = {"pages/s with the other vCPU spinning / idle (1.0 = independent cores)":
              round(busy["pages_per_s"] / idle["pages_per_s"], 2),
              "CPU ms a page, spinning / idle":
              round(busy["cpu_ms/page crawl"] / idle["cpu_ms/page crawl"], 2)}
    print(json.dumps(ratios, indent=1))
    if not args.no_write:
        append_section("Core contention", f"python bench/core_contention.py --pages {args.pages} "
                       f"--rounds {args.rounds}", rows, ratios,
                       "Medians over the rounds. The crawl process is the same in both rows; only "
                       "the other vCPU's load differs.")


if __name__ == "__main__":
    main()
