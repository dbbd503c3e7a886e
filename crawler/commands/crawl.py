"""``scrapy crawl`` as Scrapy runs it, with spider arguments checked first and an exit status
that says how the run went: 1 for an unhealthy run (alarms, a failed export), 3 for an
interrupted one (crawler.extensions.run_verdict.exit_status).

Scrapy builds the spider inside the running reactor, where a UsageError becomes a traceback;
checking ``-a`` values here makes a bad value a plain usage error (exit status 2) before
anything is downloaded. Scrapy 2.19 derives the exit code only from
``crawler_process.bootstrap_failed`` and no running component can reach the process object,
so the outcome the RunReport extension recorded is read after the crawl. A forced shutdown
(a second Ctrl-C) stops the reactor without closing the spider: its report is finished here.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.settings import Settings

from crawler.commands.arguments import check_arguments, check_site_settings
from crawler.distributed.connection import unreachable_at_start
from crawler.extensions.log_health import quiet_log_errors, watch_log
from crawler.extensions.run_report import close_open_reports
from crawler.extensions.run_verdict import exit_status, finished_runs
from crawler.outlets import check_outlet_table
from crawler.outputs import (
    digest_index_damaged_at_start,
    temp_folder_unusable_at_start,
    unwritable_at_start,
)
from crawler.state import state_unusable_at_start


def refused_at_start(settings: Settings, spiders: Sequence[str] = ()) -> bool:
    """Whether a run must not start: the Redis of a distributed run cannot be reached (or
    denies the keys of the ``spiders``' runs), the state store cannot be used, DATA_DIR (or
    JOBDIR) cannot be written, the WARC folder's digest index is damaged, or a spider that
    needs the temporary folder (TMPDIR) cannot write there. Each is said in one error here,
    not a traceback per spider."""
    return (temp_folder_unusable_at_start(spiders) or unreachable_at_start(settings, spiders)
            or state_unusable_at_start(settings) or unwritable_at_start(settings)
            or digest_index_damaged_at_start(settings))


class Command(ScrapyCrawlCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        quiet_log_errors()  # before Scrapy's first messages (its process is made next)
        super().process_options(args, opts)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        watch_log()
        check_outlet_table()
        if len(args) == 1 and self.crawler_process is not None:
            try:
                spidercls = self.crawler_process.spider_loader.load(args[0])
            except KeyError:
                spidercls = None
            if spidercls is not None:
                check_arguments(spidercls, opts.spargs)
                site = spidercls.name == "site"  # the only spider reading EXTRA_OUTLETS
                check_site_settings(self.settings, opts.spargs if site else None,
                                    extra_outlets=site)
        if refused_at_start(self.settings, args[:1]):
            self.exitcode = 1
            return
        super().run(args, opts)
        close_open_reports()
        self.exitcode = self.exitcode or exit_status(finished_runs)
