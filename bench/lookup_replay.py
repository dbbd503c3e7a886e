"""One process of bench/archive_memory.py: load an ArchiveLookup, then look up as a replay does.

    python bench/lookup_replay.py FOLDER RECORDS [--lookups 3000]

Imports `archive` from PYTHONPATH (the code under test, possibly an older revision's, so only
the API every revision has is used: the constructor, len, get and latest) and prints one JSON
line: captures, load seconds (wall and CPU), the index's size on disk (the TMPDIR folders it
made; 0 for an index in memory), and the mean milliseconds of a `get` (reads the record) and
of a `latest` (the index alone) over the same replay-like sequence: mostly archived URLs
(bench/archive_memory.py's spelling), some asked for as of a time, one in ten missing.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from archive.reader import ArchiveLookup

START = 1_767_225_600  # bench/archive_memory.py's first capture time


def replay_requests(records: int, count: int) -> list[tuple[str, datetime | None]]:
    """``count`` (url, at) pairs: archived URLs, a fifth as of a moment, a tenth missing."""
    rnd = random.Random(1)
    out = []
    for i in range(count):
        n = rnd.randrange(records)
        url = f"https://outlet{n % 5}.example.by/news/{(n * 7919) % (records // 2 + 1)}"
        if i % 10 == 9:
            url = f"https://outlet{n % 5}.example.by/missing/{n}"
        at = datetime.fromtimestamp(START + n / 4, UTC) if i % 5 == 1 else None
        out.append((url, at))
    return out


def _disk_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for d in folder.glob("archive-lookup-*") for p in d.iterdir())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder")
    ap.add_argument("records", type=int)
    ap.add_argument("--lookups", type=int, default=3000)
    args = ap.parse_args()
    wall, cpu = time.perf_counter(), time.process_time()
    lookup = ArchiveLookup(args.folder, on_error=lambda e: None)
    load_s, load_cpu = time.perf_counter() - wall, time.process_time() - cpu
    disk = _disk_bytes(Path(tempfile.gettempdir()))
    requests = replay_requests(args.records, args.lookups)
    times = {}
    for name in ("latest", "get"):
        call = getattr(lookup, name)
        start = time.perf_counter()
        found = sum(call(url, at) is not None for url, at in requests)
        times[name] = ((time.perf_counter() - start) * 1000 / len(requests), found)
    print(json.dumps({"captures": len(lookup), "load_s": round(load_s, 1),
                      "load_cpu_s": round(load_cpu, 1), "index_disk_mb": round(disk / 1e6, 1),
                      "latest_ms": round(times["latest"][0], 3),
                      "get_ms": round(times["get"][0], 3), "found": times["get"][1]}))


if __name__ == "__main__":
    main()
