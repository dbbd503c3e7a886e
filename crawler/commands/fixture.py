"""``scrapy fixture``: turn an archived article response into a regression fixture, in one step.

    scrapy fixture URL -s WARC_REPLAY=data/warc   # by URL, as reextract reads it
    scrapy fixture URL -s WARC_REPLAY=data/warc -s WARC_REPLAY_AT=…     # as replay reads it then
    scrapy fixture --warc FILE --offset N                              # one response record

The page is read as re-extraction reads it (revisits resolved, Content-Encoding undone), its
item extracted with the rule version valid at its capture time, and both are written to
``tests/fixtures/outlets/<outlet>/<version>/`` (``--out`` for another folder). Check the printed
item: the fixture pins it, so a wrong value must be fixed in the rules before it is committed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from archive.fileio import quiet_on_closed_pipe
from archive.model import ArchivedResponse
from archive.reader import ArchiveLookup, LookupIndexError, read_first, response_at
from crawler.downloadermiddlewares.replay import parse_replay_at, replay_paths
from crawler.extraction import ExtractionError
from crawler.outlets.fixtures import FIXTURES_DIR, write_fixture
from crawler.reextract import capture_to_read, page_from_response


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "[URL -s WARC_REPLAY=PATH | --warc FILE --offset N] [--out DIR] [--name NAME]"

    def short_desc(self) -> str:
        return "Make an outlet regression fixture from an archived article response"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--warc", metavar="FILE", help="WARC file holding the response")
        parser.add_argument("--offset", type=int, help="offset of the response record in --warc")
        parser.add_argument("--out", metavar="DIR", default=str(FIXTURES_DIR),
                            help="fixture root (default: tests/fixtures/outlets)")
        parser.add_argument("--name", help="fixture file name (default: the article id)")

    def archived(self, args: list[str], opts: argparse.Namespace) -> tuple[ArchivedResponse, str]:
        if opts.warc is not None or opts.offset is not None:
            if args or opts.warc is None or opts.offset is None:
                raise UsageError("give --warc FILE --offset N together, and no URL")
            try:
                found = response_at(opts.warc, opts.offset)
            except Exception as exc:  # noqa: BLE001 - any unreadable record is a usage problem
                raise UsageError(f"{opts.warc} at {opts.offset}: no readable record ({exc})") \
                    from None
            if found is None:
                raise UsageError(f"{opts.warc} at {opts.offset} is not a response record")
            return found, found.url
        if len(args) != 1:
            raise UsageError("give one URL (with -s WARC_REPLAY=PATH) or --warc FILE --offset N")
        spec = self.settings.get("WARC_REPLAY")
        if not spec:
            raise UsageError("a URL is looked up in the archive: give -s WARC_REPLAY=PATH")
        at = parse_replay_at(self.settings.get("WARC_REPLAY_AT"))
        lookup = ArchiveLookup(replay_paths(spec))
        # the capture reextract reads: a newer 404, redirect or 206 gives way to the page
        found = read_first(lookup, args[0], at) if at else capture_to_read(lookup, args[0])[0]
        if found is None:
            raise UsageError(f"{args[0]} is not in {spec}")
        return found, args[0]

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        quiet_on_closed_pipe()
        try:
            archived, url = self.archived(args, opts)
        except LookupIndexError as exc:  # a full or unwritable TMPDIR: it names the file
            print(f"error: {exc}", file=sys.stderr)
            self.exitcode = 1
            return
        page = page_from_response(archived, url, self.settings.getint("DOWNLOAD_MAXSIZE"))
        if isinstance(page, str):
            raise UsageError(f"{url}: no article page in the archive ({page})")
        try:
            path = write_fixture(page, Path(opts.out), opts.name)
        except (ExtractionError, ValueError) as exc:
            raise UsageError(f"{url}: no fixture ({exc})") from None
        except OSError as exc:  # a full or read-only disk: nothing half-made is left
            print(f"error: {exc.filename or opts.out}: {exc.strerror or exc}", file=sys.stderr)
            self.exitcode = 1
            return
        record = json.loads(path.read_text(encoding="utf-8"))
        print(path)
        print(path.with_suffix(".html.gz"))
        print(json.dumps(record["expected"], ensure_ascii=False, indent=2))
