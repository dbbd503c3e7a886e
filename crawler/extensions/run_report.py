"""Run-level reporting: a JSON report of every run under DATA_DIR/reports, with alarms."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import signals

from archive.fileio import write_atomically
from crawler.extensions.run_verdict import (
    FRONTIER_KEPT,
    MAX_SPIDER_ERROR_URLS,
    SPIDER_ERROR_URLS,
    RunOutcome,
    baseline,
    finished_runs,
    judge,
    previous_summaries,
    run_status,
    summarize,
)

logger = logging.getLogger(__name__)

# Reports of runs that started and have not closed; a forced shutdown closes them as
# interrupted (see close_open_reports, called by the crawl commands once the reactor stopped).
open_reports: list[RunReport] = []
# The report's sections beside its summary (RunReport._sections), left out of a short report.
SECTIONS = ("rule_misses", "completeness", "removals")


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def close_open_reports(reason: str = "forced shutdown") -> None:
    """Write the final report of every run that never reached ``spider_closed``."""
    for report in list(open_reports):
        report.finish(reason)


class RunReport:
    """Write ``DATA_DIR/reports/<spider>-<start time>.json``: at start, then when the run ends.

    The report holds the status (``running``, ``finished``, ``interrupted``), Scrapy's
    ``finish_reason``, the raw stats, a summary (pages, new / unchanged / new-version
    articles, blocked pages, errors by kind, extraction health, failed exports), the median
    of the same spider's last ``HEALTH_HISTORY`` finished runs and the alarms raised against
    it. Alarms are logged at ERROR, counted in ``health/alarms`` and make ``scrapy crawl`` /
    ``crawlall`` exit 1; an interrupted run exits 3
    (crawler.extensions.run_verdict.exit_status). A report left at ``running`` is a run killed
    outright (SIGKILL, power loss).
    """

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.directory = Path(crawler.settings.get("DATA_DIR") or "data") / "reports"
        self.health_min = crawler.settings.getfloat("HEALTH_MIN", 0.8)
        self.min_sample = crawler.settings.getint("HEALTH_MIN_SAMPLE", 10)
        self.history = crawler.settings.getint("HEALTH_HISTORY", 10)
        self.started = datetime.now(UTC)
        self.spider_name: str | None = None
        self.path: Path | None = None
        self.base: dict[str, Any] | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> RunReport:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.spider_error, signal=signals.spider_error)
        return ext

    def spider_error(self, failure: Any, response: Any, spider: Any) -> None:
        """Keep the first pages a callback crashed on (Scrapy counts them by exception type
        in ``spider_exceptions/``): the report names them beside the alarm."""
        stats = self.crawler.stats
        urls = list(stats.get_value(SPIDER_ERROR_URLS) or [])
        # an errback's output has the download's failure where a callback's has the response
        request = getattr(response, "request", None) or getattr(failure, "request", None)
        url = getattr(response, "url", None) or getattr(request, "url", "?")
        if len(urls) < MAX_SPIDER_ERROR_URLS:
            stats.set_value(SPIDER_ERROR_URLS, [*urls, f"{url}: {failure.value!r}"])

    @staticmethod
    def _serialise(report: dict[str, Any]) -> bytes:
        return json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")

    def _write(self, report: dict[str, Any]) -> None:
        """Replace the report atomically: a kill mid-write leaves the previous one whole, and a
        failed write (full disk) leaves no temp file."""
        assert self.path is not None
        self.directory.mkdir(parents=True, exist_ok=True)
        write_atomically(self.path, self._serialise(report))

    def _status_on_disk(self) -> str | None:
        """The status the report file says, None when it is missing or unreadable."""
        assert self.path is not None
        try:
            written = json.loads(self.path.read_bytes())
        except (OSError, ValueError):
            return None
        return written.get("status") if isinstance(written, dict) else None

    def _try_write(self, report: dict[str, Any]) -> str | None:
        """Write the report; None, or why it could not be written, or synced once in place
        (logged at ERROR)."""
        try:
            self._write(report)
        except OSError as exc:
            why = exc.strerror or exc
            if self._status_on_disk() == report["status"]:  # renamed, then the sync failed
                logger.error("Run report %s written, but its folder could not be synced: it "
                             "may not survive a crash (%s)", self.path, exc)
                return f"run report written to {self.path} but not synced to disk: {why}"
            logger.error("Run report of %s cannot be written to %s: %s", self.spider_name,
                         self.path, exc)
            return f"run report not written to {self.path}: {why}"
        return None

    def _replace_running(self, report: dict[str, Any], alarms: list[str]) -> None:
        """The final report could not be written (a full disk): the one written at the start
        must not go on saying the run is ``running``. It is replaced by a short final report
        (no stats: the verdict and summary), first as it is, then, if that does not fit
        either, after removing it (which frees its space); the worst left is no report. A
        final report in place (only the sync after its rename failed) is kept."""
        assert self.path is not None
        if self._status_on_disk() not in (None, "running"):
            return
        dropped = {"stats", "baseline", *SECTIONS}
        short = {key: value for key, value in report.items() if key not in dropped}
        short.update(alarms=alarms, healthy=False,
                     incomplete="the full report (stats, baseline) could not be written")
        data = self._serialise(short)
        try:
            try:
                write_atomically(self.path, data)
            except OSError:
                self.path.unlink(missing_ok=True)
                write_atomically(self.path, data)
            logger.warning("Run report %s: a short final report (no stats) written in its "
                           "place", self.path)
        except OSError as exc:
            if self._status_on_disk() == report["status"]:
                logger.error("Run report %s: a short final report (no stats) written in its "
                             "place, but its folder could not be synced (%s)", self.path, exc)
            elif self.path.exists():  # a read-only disk: nothing can be done about it
                logger.error("Run report %s still says the run of %s is running: it cannot "
                             "be replaced nor removed (%s)", self.path, self.spider_name, exc)
            else:
                logger.error("Run report %s: no final report fits on its disk (%s); none "
                             "is left saying the run of %s is running", self.path, exc,
                             self.spider_name)

    def _report(self, status: str, reason: str | None, summary: dict[str, Any],
                alarms: list[str]) -> dict[str, Any]:
        return {"spider": self.spider_name, "started": self.started.isoformat(timespec="seconds"),
                "status": status, "finish_reason": reason, "summary": summary,
                "baseline": self.base, "alarms": alarms,
                "healthy": not alarms and status == "finished", **self._sections(),
                "stats": {k: _jsonable(v) for k, v in self.crawler.stats.get_stats().items()}}

    def _sections(self) -> dict[str, Any]:
        """Rule misses by outlet and field (crawler.extensions.rule_drift), completeness by outlet and day
        (crawler.extensions.completeness) and articles observed removed or restored
        (crawler.removals), when those components run."""
        drift = getattr(self.crawler, "rule_drift", None)
        tracker = getattr(self.crawler, "completeness", None)
        removals = getattr(self.crawler, "removal_log", None)
        sections = {"rule_misses": drift.report() if drift else {},
                    "completeness": tracker.report() if tracker else {},
                    "removals": removals.report() if removals else {}}
        assert tuple(sections) == SECTIONS
        return sections

    def spider_opened(self, spider: Any) -> None:
        self.spider_name = spider.name
        self.path = self.directory / f"{spider.name}-{self.started:%Y%m%dT%H%M%S%f}.json"
        # Read the history before this run's own report joins the folder.
        self.base = baseline(previous_summaries(self.directory, spider.name, self.history,
                                                    self.started))
        open_reports.append(self)
        summary = summarize(self.crawler.stats.get_stats())
        self._try_write(self._report("running", None, summary, []))  # finish() tries again

    async def spider_closed(self, spider: Any, reason: str) -> None:
        exporter = getattr(self.crawler, "checked_feed_exporter", None)
        if exporter is not None:  # feeds are stored concurrently: judge after they are
            await exporter.wait_closed()
        self.finish(reason)

    def finish(self, reason: str) -> None:
        if self not in open_reports:
            return
        open_reports.remove(self)
        stats = self.crawler.stats
        summary = summarize(stats.get_stats())
        kept = int(stats.get_value(FRONTIER_KEPT) or 0)
        status = run_status(reason, kept)
        assert self.base is not None
        verdict = judge(summary, self.base, self.health_min, self.min_sample,
                        interrupted=status != "finished", finish_reason=reason)
        drift = getattr(self.crawler, "rule_drift", None)
        verdict.alarms += drift.alarms() if drift else []
        for alarm in verdict.alarms:
            logger.error("ALARM %s: %s", self.spider_name, alarm)
        for warning in drift.warnings() if drift else []:
            logger.warning("%s: %s", self.spider_name, warning)
        if status != "finished":
            logger.warning("Run of %s interrupted (%s): the report says so and the exit "
                           "status is not 0", self.spider_name, reason)
        stats.set_value("health/alarms", len(verdict.alarms))
        stats.set_value("health/healthy", int(verdict.healthy and status == "finished"))
        report = self._report(status, reason, summary, verdict.alarms)
        failed = self._try_write(report)
        # Recorded even when the report is not: a run whose report is lost exits 1, never 0.
        alarms = (*verdict.alarms, *([failed] if failed else []))
        if failed:
            self._replace_running(report, list(alarms))
        outcome = RunOutcome(str(self.spider_name), reason, alarms, summary, str(self.path),
                             kept)
        finished_runs.append(outcome)
        if not failed:
            logger.info("Run report written to %s (%s)", self.path,
                        "healthy" if outcome.healthy else
                        f"{status}, {len(verdict.alarms)} alarm(s)")
