"""Bench-only extension: CPU seconds of the crawl process and of its reaped children.

Enabled by the bench scripts (``bench.cpu_probe.CpuProbe`` in EXTENSIONS, before RunReport so
the figures land in the run report). Extraction workers are shut down before
``spider_closed``, so RUSAGE_CHILDREN then holds their CPU time.
"""

from __future__ import annotations

import resource
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
    def __init__(self, crawler: Any) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> CpuProbe:
        probe = cls(crawler)
        crawler.signals.connect(probe.spider_closed, signal=signals.spider_closed)
        return probe

    def spider_closed(self) -> None:
        self.stats.set_value("cpu/crawl_process_s", round(cpu_seconds(resource.RUSAGE_SELF), 3))
        self.stats.set_value("cpu/children_s", round(cpu_seconds(resource.RUSAGE_CHILDREN), 3))
