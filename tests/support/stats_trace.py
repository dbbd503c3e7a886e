"""A stats collector for crawl tests that logs every value the watched stats take.

A run's report and Scrapy's stats dump hold each stat's last value only: a count raised and
taken back again (a move announced, then found to be a parked domain) looks right there. Run
``scrapy crawl`` with ``-s STATS_CLASS=tests.support.stats_trace.TracingStatsCollector
-s STATS_TRACE_KEYS=key,…`` and read the values from the log (:func:`traced`).
"""

from __future__ import annotations

import ast
import logging
import re
from typing import Any

from scrapy.statscollectors import MemoryStatsCollector

logger = logging.getLogger(__name__)

TRACE = "stats trace: {key} = {value!r}"


class TracingStatsCollector(MemoryStatsCollector):
    """Scrapy's stats collector, logging each change of a key in ``STATS_TRACE_KEYS``."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self.watched = set(crawler.settings.getlist("STATS_TRACE_KEYS"))

    def _trace(self, key: str) -> None:
        if key in self.watched:
            logger.info(TRACE.format(key=key, value=self._stats.get(key)))

    def inc_value(self, key: str, count: int = 1, start: int = 0, spider: Any = None) -> None:
        super().inc_value(key, count, start)
        self._trace(key)

    def set_value(self, key: str, value: Any, spider: Any = None) -> None:
        super().set_value(key, value)
        self._trace(key)

    def max_value(self, key: str, value: Any, spider: Any = None) -> None:
        super().max_value(key, value)
        self._trace(key)

    def min_value(self, key: str, value: Any, spider: Any = None) -> None:
        super().min_value(key, value)
        self._trace(key)


def tracing(*keys: str) -> dict[str, str]:
    """The settings that trace ``keys`` in a crawl."""
    return {"STATS_CLASS": f"{__name__}.TracingStatsCollector", "STATS_TRACE_KEYS": ",".join(keys)}


def traced(log: str, key: str) -> list[Any]:
    """Every value ``key`` took in a crawl's log, in order."""
    pattern = re.compile(rf"stats trace: {re.escape(key)} = (.+)$", re.MULTILINE)
    return [ast.literal_eval(value.strip()) for value in pattern.findall(log)]
