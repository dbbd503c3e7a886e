"""Bench-only extension: CPU seconds of the crawl process and of its reaped children.

Enabled by the bench scripts (``bench.cpu_probe.CpuProbe`` in EXTENSIONS, before RunReport so
the figures land in the run report). Extraction workers are shut down before
``spider_closed``, so RUSAGE_CHILDREN then holds their CPU time.
"""

from __future__ import annotations

import multiprocessing
import resource
import time
from pathlib import Path
from typing import Any

from scrapy import signals


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def proc_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) a live process has used, from /proc (no psutil)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _ticks()


def _ticks() -> int:
    import os

    return os.sysconf("SC_CLK_TCK")


class CpuProbe:
    """Counts from the spider's opening, like ``elapsed_time_seconds``: the crawl process's
    imports and set-up before it are not part of the crawl (extraction workers start after)."""

    def __init__(self, crawler: Any) -> None:
        self.stats = crawler.stats
        self.opened_at = 0.0

    @classmethod
    def from_crawler(cls, crawler: Any) -> CpuProbe:
        probe = cls(crawler)
        crawler.signals.connect(probe.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(probe.spider_closed, signal=signals.spider_closed)
        return probe

    def spider_opened(self) -> None:
        self.opened_at = cpu_seconds(resource.RUSAGE_SELF)

    def spider_closed(self) -> None:
        self.stats.set_value("cpu/crawl_process_s",
                             round(cpu_seconds(resource.RUSAGE_SELF) - self.opened_at, 3))
        self.stats.set_value("cpu/children_s", round(cpu_seconds(resource.RUSAGE_CHILDREN), 3))


def _spin(loops: int) -> float:
    start = time.perf_counter()
    x = 0
    for i in range(loops):
        x += i * i % 7
    return time.perf_counter() - start


def parallel_capacity(loops: int = 3_000_000) -> float:
    """How many cores this shared machine gives us right now: the throughput of the same
    CPU-bound loop in 2 processes at once over 1 process (2.0 on an idle 2-core machine)."""
    one = _spin(loops)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        pool.map(_spin, [1000, 1000])  # start-up is not part of the measure
        start = time.perf_counter()
        pool.map(_spin, [loops, loops])
        both = time.perf_counter() - start
    return round(2 * one / both, 2)
