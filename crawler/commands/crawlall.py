"""``scrapy crawlall``: every spider of the project in one process, one after another.

Sequential on purpose: each spider's near-duplicate index is built from the state store
when it opens, so a district paper crawled after БЕЛТА sees БЕЛТА's articles of this very
run; only one extraction worker pool exists at a time; and outlets are different hosts, so
running them side by side would save wall time but buys nothing for politeness, while an
hourly cron slot leaves ample time. ``-a`` arguments (since/until) and ``-s`` settings go to
every spider. One summary line per spider goes to stdout; the exit status is 1 when any
spider's run was unhealthy, crashed or did not run (interrupted).
"""

from __future__ import annotations

import argparse
import logging
from typing import Any

from scrapy.commands import BaseRunSpiderCommand
from scrapy.exceptions import UsageError
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet.defer import Deferred

from crawler.runhealth import RunOutcome, finished_runs

logger = logging.getLogger(__name__)


def summary_line(name: str, outcome: RunOutcome | None, crashed: str | None) -> str:
    if crashed:
        return f"{name}: CRASHED ({crashed})"
    if outcome is None:
        return f"{name}: NOT RUN"
    s = outcome.summary
    health = "n/a" if s["extraction_health"] is None else f"{s['extraction_health']:.2f}"
    line = (f"{name}: {'ok' if outcome.healthy else 'UNHEALTHY'} ({outcome.finish_reason}) "
            f"pages={s['pages_fetched']} new={s['articles_new']} "
            f"unchanged={s['articles_unchanged']} new_versions={s['articles_new_versions']} "
            f"blocked={s['blocked_pages']} errors={s['errors']} health={health}")
    return line + "".join(f"; ALARM {a}" for a in outcome.alarms)


class Command(BaseRunSpiderCommand):
    requires_project = True

    def syntax(self) -> str:
        return "[options]"

    def short_desc(self) -> str:
        return "Run every spider (scrapy list) one after another; exit 1 if any run is unhealthy"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if args:
            raise UsageError("crawlall runs every spider; it takes no spider names")
        assert self.crawler_process is not None
        process = self.crawler_process
        names = sorted(process.spider_loader.list())
        crashed: dict[str, str] = {}
        outcomes: dict[str, RunOutcome] = {}

        async def run_all() -> None:
            for name in names:
                crawler = process.create_crawler(name)
                try:
                    running: Any = process.crawl(crawler, **opts.spargs)
                    await (maybe_deferred_to_future(running) if isinstance(running, Deferred)
                           else running)
                except Exception as exc:  # one broken spider must not stop the others
                    logger.error("Spider %s crashed: %r", name, exc, exc_info=True)
                    crashed[name] = repr(exc)
                seen = [o for o in finished_runs if o.spider == name]
                if seen:
                    outcomes[name] = seen[-1]
                if crawler.stats.get_value("finish_reason") == "shutdown":
                    break  # interrupted (SIGTERM / Ctrl-C): do not start the next spider

        def stop(_: Any) -> None:
            from twisted.internet import reactor
            if reactor.running:
                reactor.stop()

        def begin() -> None:
            deferred_from_coro(run_all()).addBoth(stop)

        from twisted.internet import reactor
        reactor.callWhenRunning(begin)
        process.start(stop_after_crawl=False)
        lines = [summary_line(n, outcomes.get(n), crashed.get(n)) for n in names]
        print("\n".join(lines), flush=True)
        if crashed or len(outcomes) < len(names) or not all(o.healthy for o in outcomes.values()):
            self.exitcode = 1
