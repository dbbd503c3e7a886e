"""How long one large sitemap holds the thread that reads it (the reactor's, in a crawl).

    .venv/bin/python bench/sitemap_parse.py [--urls 300000] [--gzip]

Builds a sitemap of ``--urls`` entries (about 140 bytes each: 300,000 make some 42 MB), then
times what ``crawler.sitecrawl.SiteCrawl.on_sitemap`` does before its spider logic, on one
thread: the unpacking (``gunzipped_document``) and the reading of its entries
(``sitediscovery.sitemap_records``) up to ``SITEMAP_MAX_ENTRIES``. ``on_sitemap`` yields only
for entries that become candidates, so a sitemap of entries older than the recent days holds
the reactor for the whole of it: the "held" line is the longest stretch with no entry given,
the "records" line the whole read. CPU seconds (the machine is shared) and peak RSS.
"""

from __future__ import annotations

import argparse
import gzip
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler import sitediscovery as disc  # noqa: E402
from crawler.feeds import gunzipped_document, xml_stops  # noqa: E402
from crawler.settings import SITEMAP_MAX_ENTRIES  # noqa: E402


def sitemap(urls: int) -> bytes:
    """A urlset of ``urls`` entries with a lastmod each, all of 2024 (none recent)."""
    entries = (f"<url><loc>https://example.org/news/2024/01/{n % 28 + 1:02d}/article-{n}-slug/"
               f"</loc><lastmod>2024-01-{n % 28 + 1:02d}T10:00:00+03:00</lastmod></url>"
               for n in range(urls))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
            'schemas/sitemap/0.9">\n' + "\n".join(entries) + "\n</urlset>").encode()


def read(body: bytes, bound: int) -> dict[str, float]:
    """CPU seconds of the unpacking, of the entries' reading, and the longest gap."""
    start = time.process_time()
    document, unreadable = gunzipped_document(body)
    assert unreadable is None, unreadable
    unpacked = time.process_time()
    _, on_stop = xml_stops(document)
    count, longest, last = 0, 0.0, time.process_time()
    for _ in disc.sitemap_records(document, None, on_stop):
        now = time.process_time()
        longest, last = max(longest, now - last), now
        count += 1
        if count >= bound:
            break
    return {"unpack": unpacked - start, "records": last - unpacked, "held": longest,
            "entries": count}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=300_000)
    parser.add_argument("--gzip", action="store_true", help="serve it gzipped")
    args = parser.parse_args()
    body = sitemap(args.urls)
    size = len(body)
    if args.gzip:
        body = gzip.compress(body)
    took = read(body, SITEMAP_MAX_ENTRIES)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"sitemap: {args.urls} URLs, {size / 1e6:.1f} MB{' (gzipped)' if args.gzip else ''}")
    print(f"unpack:  {took['unpack']:.2f} s CPU")
    print(f"records: {took['entries']:.0f} read in {took['records']:.2f} s CPU, all on one "
          f"thread with no yield when none is a candidate")
    print(f"held:    longest stretch between two entries {took['held']:.3f} s")
    print(f"peak RSS {rss:.0f} MB")


if __name__ == "__main__":
    main()
