"""Run-level reporting: a JSON report of every run under DATA_DIR/reports."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import signals

logger = logging.getLogger(__name__)


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


class RunReport:
    """Write the run's stats to ``DATA_DIR/reports/<spider>-<start time>.json`` when it closes."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.directory = Path(crawler.settings.get("DATA_DIR") or "data") / "reports"
        self.started = datetime.now(UTC)

    @classmethod
    def from_crawler(cls, crawler: Any) -> RunReport:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_closed(self, spider: Any, reason: str) -> None:
        stats = {k: _jsonable(v) for k, v in self.crawler.stats.get_stats().items()}
        report = {"spider": spider.name, "started": self.started.isoformat(timespec="seconds"),
                  "finish_reason": reason, "stats": stats}
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{spider.name}-{self.started:%Y%m%dT%H%M%S%f}.json"
        path.write_text(json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True), "utf-8")
        logger.info("Run report written to %s", path)
