"""Choosing behind a newest 206: the cost of ``read_first`` when a URL's captures are all
206s (no whole page to give way to), against ``get`` (the newest, one record read).

    python bench/partial_choice.py [--captures 2000] [--body-kb 30] [--repeat 5]

Writes one .warc.gz (in a temporary folder) holding ``--captures`` captures of one URL, each a
206 of a ``--body-kb`` KB page (gzip members, as the crawl writes; each its own bytes, so
response records, not revisits), and, for a second URL, as
many 206s behind one whole 200 that is the oldest (the longest look back before a whole page).
Prints one JSON line: the seconds the index took, the mean milliseconds of each call over ``--repeat`` calls, and the
records each read (``ArchiveLookup._load`` calls). Measured in docs/benchmarks.md ("Choosing
behind a 206").
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from archive.reader import ArchiveLookup, read_first
from archive.writer import WarcWriter
from tests.archive.conftest import make_exchange

ALL_PARTS = "https://ex.by/news/all-parts.html"
WHOLE_FIRST = "https://ex.by/news/whole-first.html"


def write(folder: Path, captures: int, body_kb: int) -> None:
    body = (b"<p>" + b"x" * 70 + b"</p>\n") * (body_kb * 1024 // 78)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    ranged = [("Content-Type", "text/html"),
              ("Content-Range", f"bytes 100-{len(body) - 1}/{len(body)}")]
    with WarcWriter(folder) as w:
        w.write_exchange(make_exchange(WHOLE_FIRST, body, date=start))
        for i in range(captures):
            for url in (ALL_PARTS, WHOLE_FIRST):
                # each its own bytes (a page changing): responses, none deduplicated
                tail = body[100:-12] + b"%012d" % i
                w.write_exchange(make_exchange(url, tail, status=206, headers=ranged,
                                               reason="Partial Content",
                                               date=start + timedelta(minutes=i + 1)))


def timed(lookup: ArchiveLookup, call, url: str, repeat: int) -> tuple[float, int]:
    """Mean ms of ``call(lookup, url)`` and the records one call reads."""
    loads = []
    real = lookup._load
    lookup._load = lambda cap, u: loads.append(cap) or real(cap, u)  # type: ignore[method-assign]
    start = time.perf_counter()
    for _ in range(repeat):
        call(lookup, url)
    ms = (time.perf_counter() - start) / repeat * 1000
    lookup._load = real  # type: ignore[method-assign]
    return round(ms, 2), len(loads) // repeat


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--captures", type=int, default=2000)
    ap.add_argument("--body-kb", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        write(Path(tmp), args.captures, args.body_kb)
        start = time.perf_counter()
        with ArchiveLookup(tmp) as lookup:
            out = {"captures": args.captures, "body_kb": args.body_kb,
                   "index_s": round(time.perf_counter() - start, 2)}
            for name, call, url in (
                    ("get_ms", lambda lk, u: lk.get(u), ALL_PARTS),
                    ("all_parts_ms", read_first, ALL_PARTS),
                    ("whole_first_ms", read_first, WHOLE_FIRST)):
                out[name], out[name.replace("_ms", "_records")] = timed(
                    lookup, call, url, args.repeat)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
