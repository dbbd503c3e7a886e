"""Run-level reporting: a JSON report of every run under DATA_DIR/reports, with alarms."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import signals

from crawler.runhealth import (
    RunOutcome,
    baseline,
    finished_runs,
    judge,
    previous_summaries,
    summarize,
)

logger = logging.getLogger(__name__)


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


class RunReport:
    """Write ``DATA_DIR/reports/<spider>-<start time>.json`` when a run closes.

    The report holds the raw stats, a summary (pages, new / unchanged / new-version
    articles, blocked pages, errors by kind, extraction health), the median of the same
    spider's last ``HEALTH_HISTORY`` runs and the alarms raised against it. Alarms are logged
    at ERROR, counted in ``health/alarms`` and make ``scrapy crawl`` / ``crawlall`` exit 1.
    """

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.directory = Path(crawler.settings.get("DATA_DIR") or "data") / "reports"
        self.health_min = crawler.settings.getfloat("HEALTH_MIN", 0.8)
        self.history = crawler.settings.getint("HEALTH_HISTORY", 10)
        self.started = datetime.now(UTC)

    @classmethod
    def from_crawler(cls, crawler: Any) -> RunReport:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_closed(self, spider: Any, reason: str) -> None:
        stats = self.crawler.stats
        summary = summarize(stats.get_stats())
        base = baseline(previous_summaries(self.directory, spider.name, self.history))
        verdict = judge(summary, base, self.health_min)
        for alarm in verdict.alarms:
            logger.error("ALARM %s: %s", spider.name, alarm)
        stats.set_value("health/alarms", len(verdict.alarms))
        stats.set_value("health/healthy", int(verdict.healthy))
        report = {"spider": spider.name, "started": self.started.isoformat(timespec="seconds"),
                  "finish_reason": reason, "summary": summary, "baseline": base,
                  "alarms": verdict.alarms, "healthy": verdict.healthy,
                  "stats": {k: _jsonable(v) for k, v in stats.get_stats().items()}}
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{spider.name}-{self.started:%Y%m%dT%H%M%S%f}.json"
        path.write_text(json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True), "utf-8")
        finished_runs.append(RunOutcome(spider.name, reason, verdict.healthy,
                                        tuple(verdict.alarms), summary, str(path)))
        logger.info("Run report written to %s (%s)", path,
                    "healthy" if verdict.healthy else f"{len(verdict.alarms)} alarm(s)")
