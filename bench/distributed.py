"""Distributed crawl throughput: one machine alone, then 1 and 2 Redis workers, same site.

    .venv/bin/python bench/distributed.py [--pages 1000]

Starts a throwaway redis-server and the benchmark БЕЛТА site (bench/site.py), runs real
``scrapy crawl belta`` processes (download delays off) and appends pages per second to
docs/benchmarks.md. Redis is flushed between configurations, so each one crawls every page.
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

from bench.report import append_section  # noqa: E402
from bench.site import BenchServer  # noqa: E402
from tests.support.redis import RedisServer  # noqa: E402

IDLE_CLOSE = 1.0  # seconds every Redis run waits on a drained frontier before closing
FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "RANDOMIZE_DOWNLOAD_DELAY": False,
        "CONCURRENT_REQUESTS": 32, "CONCURRENT_REQUESTS_PER_DOMAIN": 32, "LOG_LEVEL": "WARNING",
        "OUTLET_BASE_URLS": {"www.belta.by": "http://www.belta.by"}}


def command(data: Path, redis_url: str | None) -> list[str]:
    settings = {**FAST, "DATA_DIR": str(data)}
    if redis_url:
        settings.update(REDIS_URL=redis_url, REDIS_IDLE_CLOSE_SECONDS=IDLE_CLOSE,
                        REDIS_HEARTBEAT_SECONDS=0.25)
    cmd = [sys.executable, "-m", "scrapy", "crawl", "belta"]
    for key, value in settings.items():
        cmd += ["-s", f"{key}={json.dumps(value) if isinstance(value, dict) else value}"]
    return cmd


def run(name: str, workers: int, server: BenchServer, redis: RedisServer | None,
        workdir: Path) -> dict:
    """Start ``workers`` crawls at once; pages per second over the time until all exit."""
    if redis is not None:
        redis.client.flushall()
    started = time.perf_counter()
    procs = [subprocess.Popen(command(workdir / name / f"w{n}", redis.url if redis else None),
                              cwd=ROOT, env={**os.environ, **server.env},
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
             for n in range(workers)]
    errors = [p.communicate(timeout=3600)[1] for p in procs]
    wall = time.perf_counter() - started
    for proc, err in zip(procs, errors, strict=True):
        if proc.returncode:
            raise RuntimeError(f"{name} failed:\n{err[-3000:]}")
    reports = [json.loads(sorted((workdir / name / f"w{n}" / "reports").glob("*.json"))[-1]
                          .read_text())["stats"] for n in range(workers)]
    pages = [r.get("articles/downloaded", 0) for r in reports]
    busy = wall - (IDLE_CLOSE if redis else 0.0)
    return {"config": name, "workers": workers, "pages": sum(pages),
            "pages_by_worker": "/".join(map(str, pages)), "wall_s": round(wall, 2),
            "pages_per_s": round(sum(pages) / busy, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp, BenchServer(args.pages) as server:
        redis = RedisServer(Path(tmp))
        try:
            for name, workers, use_redis in (("local", 1, False), ("redis_1_worker", 1, True),
                                             ("redis_2_workers", 2, True)):
                rows.append(run(name, workers, server, redis if use_redis else None, Path(tmp)))
                print(json.dumps(rows[-1]), flush=True)
        finally:
            redis.stop()
    by = {r["config"]: r for r in rows}
    ratios = {"2 workers / 1 worker (pages/s)": round(
                  by["redis_2_workers"]["pages_per_s"] / by["redis_1_worker"]["pages_per_s"], 2),
              "1 Redis worker / local (pages/s)": round(
                  by["redis_1_worker"]["pages_per_s"] / by["local"]["pages_per_s"], 2)}
    print(json.dumps(ratios, indent=1))
    if not args.no_write:
        append_section(
            "Distributed crawl (scrapy-redis)", f"python bench/distributed.py --pages {args.pages}",
            rows, ratios,
            notes="Workers, Redis, the site and extraction processes share this 2-core machine, "
                  "so a second worker mostly competes for the same cores: the ratio shows the "
                  "coordination overhead and what is left of the scaling, measured in one run. "
                  f"pages_per_s = pages / (wall time until every worker exited - {IDLE_CLOSE:g} "
                  "s idle close); wall time includes process start-up.")


if __name__ == "__main__":
    main()
