"""`scrapy reextract WARC... -O ITEMS.jsonl [--jobs N]`: items again from archived pages (WARC
files, or WACZ packages read as the WARCs inside them)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from tqdm import tqdm

from archive.errors import WarcFormatError
from archive.fileio import whole_lines
from archive.reader import ArchiveLookup, output_clash, warc_inputs
from archive.schema import schema_errors
from crawler.archive_rows import MAX_REFRESH_DELAY, PartCount, learn_rows
from crawler.extensions.rule_drift import DEFAULT_ALARM_RATE, DEFAULT_MIN_PAGES, block_said
from crawler.joining import DEFAULT_MAX_PAGES, DEFAULT_MAX_REDIRECTS, DEFAULT_MAX_TEXT_CHARS
from crawler.outlets import check_outlet_table
from crawler.reextract import ReextractReport, reextract, said_of
from crawler.siteoutlets import (
    SiteRowError,
    check_keys_apart,
    load_rows,
    republish,
    sites_published,
)


def first_schema_error(item: dict[str, Any]) -> str | None:
    """The schema error an item has, if any (runs in the extraction workers)."""
    errors = schema_errors(item, limit=1)
    return errors[0] if errors else None


def joining_summary(report: ReextractReport) -> str:
    """The joining of paged articles, as a crawl's ``articles/*`` stats count it."""
    counts = report.joining
    prefix = "articles/page_not_joined/"
    failed = ", ".join(f"{k.removeprefix(prefix)}: {v}" for k, v in sorted(counts.items())
                       if k.startswith(prefix)) or "none"
    return (f"later pages joined: {counts['articles/pages_joined']} to "
            f"{counts['articles/joined']} articles; pages not joined: {failed}; "
            f"cut short: {report.cut_short}")


def drift_warning(outlet: str, name: str, f: dict[str, Any], pages: int) -> str:
    """The drift a re-extraction found in one outlet field, with sample URLs to probe (the
    first step of fixing a layout): as the crawl's alarm says it."""
    block = f.get("missed_since") or f.get("missed_until")
    when = f" ({block_said(f)})" if block else ""
    return (f"warning: layout drift? {outlet}'s {name} rules ({', '.join(f['selectors'])}) "
            f"found nothing on {f['misses']} of {pages} pages read by its rules{when}; the "
            f"items took {name} from elsewhere (extractor.fields); e.g. "
            + " ".join(f["samples"]))


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "[options] WARC [WARC ...] (-O|-o) ITEMS.jsonl"

    def short_desc(self) -> str:
        return "Re-run article extraction over WARC or WACZ files, without downloading anything"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-O", "--overwrite-output", metavar="FILE",
                            help="write items to FILE (JSON Lines), replacing it")
        parser.add_argument("-o", "--output", metavar="FILE",
                            help="append items to FILE (JSON Lines)")
        parser.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1,
                            help="extraction processes (default: one per core)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        check_outlet_table()  # a bad district row: every URL of every outlet was skipped
        if not args:
            raise UsageError("give at least one WARC or WACZ file, folder or glob")
        target = opts.overwrite_output or opts.output
        if not target or (opts.overwrite_output and opts.output):
            raise UsageError("give exactly one of -O FILE or -o FILE")
        bar = tqdm(unit="page", disable=opts.no_progress or not sys.stderr.isatty(),
                   file=sys.stderr)

        def emit(item: dict[str, Any]) -> None:
            out((json.dumps(item, ensure_ascii=False) + "\n").encode("utf-8"))

        def on_invalid(item: dict[str, Any], message: str) -> None:
            print(f"invalid item {item.get('url')}: {message}", file=sys.stderr)

        def on_bad_record(err: WarcFormatError) -> None:
            bar.write(said_of(err), file=sys.stderr)

        def rows_learnt(lookup: ArchiveLookup, on_part: PartCount) -> None:
            """Rows where the crawl took them: the host their home page moved to, the zone
            their pages print (crawler.archive_rows); a document held only in part counted
            by ``on_part``."""
            refresh = self.settings.getint("METAREFRESH_MAXDELAY", MAX_REFRESH_DELAY)
            for line in learn_rows(lookup, rows, refresh, on_part):
                bar.write(f"note: {line}", file=sys.stderr)
            republish(rows)

        try:  # before -O empties the output file
            paths, note = warc_inputs(args, " ".join(args), read_arcs=True)
        except (FileNotFoundError, ValueError) as exc:
            raise UsageError(str(exc)) from None
        clash = output_clash(target, paths)
        if clash:
            raise UsageError(clash)
        if note:
            bar.write(f"note: {note}", file=sys.stderr)
        try:  # sites crawled by address: their rows, as `scrapy crawl site` takes them
            rows = load_rows(self.settings.get("EXTRA_OUTLETS"))
            check_keys_apart(rows)
        except SiteRowError as exc:
            raise UsageError(str(exc)) from None
        try:
            with whole_lines(Path(target), replace=bool(opts.overwrite_output)) as out, bar, \
                    sites_published(rows):
                report = reextract([str(p) for p in paths], max(1, opts.jobs), emit,
                                   progress=bar.update,
                                   on_total=lambda n: setattr(bar, "total", n),
                                   validate=first_schema_error, on_invalid=on_invalid,
                                   on_bad_record=on_bad_record,
                                   timeout=self.settings.getfloat("EXTRACTION_TIMEOUT", 120),
                                   max_pages=self.settings.getint("ARTICLE_MAX_PAGES",
                                                                  DEFAULT_MAX_PAGES),
                                   max_redirects=self.settings.getint(
                                       "REDIRECT_MAX_TIMES", DEFAULT_MAX_REDIRECTS),
                                   retried=frozenset(int(code) for code in self.settings.getlist(
                                       "RETRY_HTTP_CODES")),
                                   max_text_chars=self.settings.getint(
                                       "ARTICLE_MAX_TEXT_CHARS", DEFAULT_MAX_TEXT_CHARS),
                                   prepare=rows_learnt)
        except (OSError, ValueError, WarcFormatError) as exc:  # what no record handler took
            print(f"error: re-extraction stopped: {exc}", file=sys.stderr)
            self.exitcode = 1
            return
        invalid = report.invalid
        failed = ", ".join(f"{k}: {v}" for k, v in sorted(report.failed.items())) or "none"
        past = ", ".join(f"{k}: {v}" for k, v in sorted(report.past_errors.items())) or "none"
        print(f"{report.extracted} items from {report.articles} archived articles in "
              f"{report.wall_seconds:.1f} s (index {report.index_seconds:.1f} s, reading "
              f"{report.read_seconds:.1f} s, extraction CPU {report.extract_cpu_seconds:.1f} s "
              f"over {opts.jobs} process(es)); failed: {failed}; invalid: {invalid}; "
              f"bad records skipped: {report.bad_records}; bad records kept: "
              f"{report.kept_records}; captures not served (truncated, or no original): "
              f"{report.unserved_records}; partial feed versions (206) read: "
              f"{report.partial_feeds}, unreadable: {report.partial_feeds_unread}; partial site row "
              f"documents (206) not read: {report.partial_row_documents}; read past a newer capture that is no article: {past}; "
              f"{joining_summary(report)}", file=sys.stderr)
        if report.unowned:
            hosts = ", ".join(f"{host}: {n}" for host, n in report.unowned.most_common(5))
            print(f"note: {sum(report.unowned.values())} archived URL(s) of "
                  f"{len(report.unowned)} host(s) no outlet or site row is for, not read "
                  f"({hosts}); give a host a site row (EXTRA_OUTLETS, `-s EXTRA_OUTLETS=…`) "
                  "to read its articles", file=sys.stderr)
        drift = report.drifted(self.settings.getfloat("RULE_MISS_ALARM", DEFAULT_ALARM_RATE),
                               self.settings.getint("RULE_MISS_MIN_PAGES", DEFAULT_MIN_PAGES))
        for outlet, name, f in drift:
            print(drift_warning(outlet, name, f, report.rule_pages[outlet]), file=sys.stderr)
        broken = report.failed["error"] + report.failed["worker_died"] + report.failed["timeout"]
        damaged = report.bad_records + report.kept_records  # as verify, an error either way
        self.exitcode = 1 if invalid or damaged or broken else 0
