"""A bound on how long a stopping crawl waits for the downloads it holds.

Scrapy's graceful stop (SIGTERM, Ctrl-C once, a CloseSpider limit such as
``CLOSESPIDER_TIMEOUT``) waits for every download in flight or queued in the downloader,
each up to ``DOWNLOAD_TIMEOUT``: a slow site held a stopping crawl for many minutes, until a
scheduler (systemd, Kubernetes, a cron wrapper) SIGKILLed it. Once the spider is closing,
this waits ``SHUTDOWN_GRACE_SECONDS`` (0: as long as the downloads take), then gives up the
downloads still held (:class:`crawler.downloader.GracefulDownloader`). Nothing is lost:

* with JOBDIR, a given-up request stays leased in the frontier: the next run fetches it;
* in distributed mode, it keeps its lease in Redis and goes back to the shared queue;
* otherwise (or for a request no queue holds: robots.txt, one kept in memory) it is logged as
  not fetched, counted in ``shutdown/not_fetched`` with the first URLs in
  ``shutdown/not_fetched_urls`` (the run report's stats).

A given-up request reaches neither its callback nor its errback (it was not fetched, and is
no failure of the page), and its WARC holds nothing of it.
"""

from __future__ import annotations

import logging
from typing import Any

import scrapy
from scrapy import Request, signals
from scrapy.core import engine as engine_module
from scrapy.core.engine import ExecutionEngine
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import call_later, create_looping_call

from crawler.downloader import GracefulDownloader

logger = logging.getLogger(__name__)

CANCELLED = "shutdown/cancelled"  # downloads given up (kept or not)
KEPT = "shutdown/kept"  # … kept for the next run (JOBDIR frontier, Redis lease)
NOT_FETCHED = "shutdown/not_fetched"  # … kept nowhere: logged, fetched by no later run
NOT_FETCHED_URLS = "shutdown/not_fetched_urls"
SAMPLE = 5  # URLs named in the log line and the stats
POLL_SECONDS = 0.25  # how soon a closing spider is noticed


def scrapy_internals_missing() -> list[str]:
    """The private parts of Scrapy's engine :func:`_closing` reads (Scrapy 2.19 has no public
    "the spider is closing"), missing from the installed Scrapy: a rename would otherwise
    leave the grace never started, silently."""
    slot_cls = getattr(engine_module, "_Slot", None)
    missing = [] if "_slot" in ExecutionEngine.__init__.__code__.co_names else \
        ["ExecutionEngine._slot"]
    if slot_cls is None or "closing" not in slot_cls.__init__.__code__.co_names:
        missing.append("scrapy.core.engine._Slot.closing")
    return missing


def _closing(engine: Any) -> bool:
    """Whether ``engine`` is closing its spider (a stop, a CloseSpider limit)."""
    slot = engine._slot
    return slot is not None and slot.closing is not None


class ShutdownGrace:
    """Gives up the downloads a closing spider still holds after ``SHUTDOWN_GRACE_SECONDS``."""

    def __init__(self, crawler: Any, grace: float) -> None:
        self.crawler, self.grace = crawler, grace
        self.poll: Any = None
        self.timer: Any = None
        self.not_fetched: list[str] = []

    @classmethod
    def from_crawler(cls, crawler: Any) -> ShutdownGrace:
        grace = crawler.settings.getfloat("SHUTDOWN_GRACE_SECONDS", 30)
        if grace <= 0:
            raise NotConfigured("SHUTDOWN_GRACE_SECONDS is 0: a stop waits for every download")
        if missing := scrapy_internals_missing():
            raise RuntimeError(
                f"SHUTDOWN_GRACE_SECONDS cannot work with this Scrapy {scrapy.__version__}: "
                f"{', '.join(missing)} is gone (the pinned Scrapy is in requirements.txt); "
                "set SHUTDOWN_GRACE_SECONDS = 0 to run without a bound on a stop")
        ext = cls(crawler, grace)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self) -> None:
        if not isinstance(self.crawler.engine.downloader, GracefulDownloader):
            logger.warning("SHUTDOWN_GRACE_SECONDS needs DOWNLOADER = %s.%s: a stop waits for "
                           "every download", GracefulDownloader.__module__,
                           GracefulDownloader.__name__)
            return
        self.poll = create_looping_call(self._check)
        self.poll.start(POLL_SECONDS, now=False)

    def _check(self) -> None:
        """Once the engine closes the spider (for whatever reason: Scrapy has no signal for
        it), start the grace the first time downloads are held: at the stop, or later, when
        an item still in the pipelines asks for one (a later page, a removal probe). Watched
        until the spider closed; after the grace every download is given up, any started
        later too (:meth:`GracefulDownloader.give_up`)."""
        if self.timer is not None or not _closing(self.crawler.engine):
            return
        held = len(self.crawler.engine.downloader.active)
        if not held:
            return
        self._stop_polling()
        logger.info("Stopping: waiting up to %g s (SHUTDOWN_GRACE_SECONDS) for %d downloads "
                    "in flight", self.grace, held)
        self.timer = call_later(self.grace, self._expire)

    def _expire(self) -> None:
        self.timer = None
        downloader: GracefulDownloader = self.crawler.engine.downloader
        count = downloader.give_up(self._give_up)
        kept = self.crawler.stats.get_value(KEPT, 0)
        logger.info("Shutdown grace of %g s ended: cancelled %d downloads still in flight "
                    "(%d kept for the next run, %d not fetched)", self.grace, count, kept,
                    count - kept)

    def _give_up(self, request: Request) -> None:
        """Count ``request``, keep it for the next run where a queue holds it, and keep it
        from its callbacks: it was not fetched, and is no failure."""
        stats = self.crawler.stats
        stats.inc_value(CANCELLED)
        request.errback = None
        keep = getattr(self.crawler.engine.scheduler, "keep_unfinished", None)
        if keep is not None and keep(request):
            stats.inc_value(KEPT)
            return
        stats.inc_value(NOT_FETCHED)
        if len(self.not_fetched) < SAMPLE:
            self.not_fetched.append(request.url)
            stats.set_value(NOT_FETCHED_URLS, list(self.not_fetched))

    def spider_closed(self) -> None:
        self._stop_polling()
        if self.timer is not None:  # every download ended within the grace
            self.timer.cancel()
            self.timer = None
            logger.info("Shutdown grace of %g s ended early: every download in flight "
                        "finished, none cancelled", self.grace)
        missed = self.crawler.stats.get_value(NOT_FETCHED, 0)
        if missed:
            logger.warning("%d requests were not fetched: their downloads were cancelled at "
                           "shutdown after SHUTDOWN_GRACE_SECONDS (%g s) and no queue of "
                           "this run (JOBDIR, Redis) keeps them for the next one: %s%s",
                           missed, self.grace, ", ".join(self.not_fetched),
                           ", …" if missed > SAMPLE else "")

    def _stop_polling(self) -> None:
        if self.poll is not None and self.poll.running:
            self.poll.stop()
        self.poll = None
