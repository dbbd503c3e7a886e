"""``scrapy outlets [--json]``: every outlet the crawler knows, district rows included.

One line per outlet (key, name, host, discovery channels, rule versions with the day each
became valid); ``--json`` prints the same as a JSON list for scripts.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from scrapy.commands import ScrapyCommand

from archive.fileio import quiet_on_closed_pipe
from crawler.outlets import all_outlets, check_outlet_table
from crawler.outlets.base import Outlet


def describe(outlet: Outlet) -> dict[str, Any]:
    """An outlet as plain data: what ``scrapy outlets --json`` prints for it."""
    return {
        "key": outlet.key,
        "name": outlet.name,
        "host": outlet.host,
        "base_url": outlet.base_url,
        "timezone": outlet.timezone,
        "discovery": outlet.discovery.channels(),
        "rules": [{"version": r.version,
                   "valid_from": None if r.valid_from.year == 1 else r.valid_from.isoformat()}
                  for r in outlet.ordered_rules],
    }


def text_line(info: dict[str, Any]) -> str:
    rules = ", ".join(r["version"] + (f" (from {r['valid_from']})" if r["valid_from"] else "")
                      for r in info["rules"])
    return (f"{info['key']}\t{info['name']}\t{info['host']}\t"
            f"{'; '.join(info['discovery']) or '-'}\trules: {rules}")


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[--json]"

    def short_desc(self) -> str:
        return "List every outlet: key, name, host, discovery channels, rule versions"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--json", action="store_true", help="print a JSON list")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        quiet_on_closed_pipe()
        check_outlet_table()  # a bad district row: one usage error, not a traceback
        outlets = [describe(o) for o in all_outlets().values()]
        if opts.json:
            print(json.dumps(outlets, ensure_ascii=False, indent=2))
            return
        for info in outlets:
            print(text_line(info))
