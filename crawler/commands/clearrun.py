"""``scrapy clearrun <spider> <run> -s REDIS_URL=…``: drop an abandoned distributed run.

A run whose workers are all gone keeps its frontier in Redis (queue, fingerprints, leases)
so that the next worker resumes it; one nobody will resume keeps it forever. This deletes
it, and marks the run finished so the next worker starts the next run, but never while a
worker of the run is alive (its heartbeat key has not expired, ``REDIS_WORKER_TTL``): a
live run's frontier is never lost. The article state (versions, signatures) is untouched.
The run number is in ``redis-cli GET <spider>:run`` and in a report's ``distributed/run``.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.distributed.connection import RedisUnavailable, check_redis, redis_url
from crawler.distributed.frontier import clear_run


def parse_run(value: str) -> int:
    if not value.isascii() or not value.isdigit() or int(value) < 1:
        raise UsageError(f"run {value!r}: expected a run number (1, 2, …), as in "
                         "`redis-cli GET <spider>:run`")
    return int(value)


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "<spider> <run>"

    def short_desc(self) -> str:
        return "Delete an abandoned distributed run's frontier from Redis (refused while a worker lives)"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 2:
            raise UsageError("clearrun takes a spider name and a run number")
        spider, run = args[0], parse_run(args[1])
        if not redis_url(self.settings):
            raise UsageError("clearrun needs -s REDIS_URL=redis://host:port/db")
        try:
            cleared = clear_run(check_redis(self.settings, [spider]), spider, run)
        except RedisUnavailable as exc:
            print(f"ERROR: {exc}", file=sys.stderr)
            self.exitcode = 1
            return
        if cleared.live:
            print(f"ERROR: run {run} of {spider} has live workers ({', '.join(cleared.live)}): "
                  "their heartbeat has not expired. Nothing was deleted. Stop them (SIGTERM) "
                  "and wait REDIS_WORKER_TTL, or let the run finish.", file=sys.stderr)
            self.exitcode = 1
            return
        if not cleared.found:
            print(f"Run {run} of {spider} has no keys in Redis: nothing to clear.")
            return
        print(f"Cleared run {run} of {spider}: {cleared.queued} queued and {cleared.leased} "
              f"leased requests, {cleared.seen} fingerprints. The next worker starts a new run.")
