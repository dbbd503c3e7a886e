"""How long one large sitemap holds the reactor's thread in a crawl, before and after pacing.

    .venv/bin/python bench/sitemap_parse.py [--urls 300000] [--gzip]

Builds a sitemap of ``--urls`` entries (about 140 bytes each: 300,000 make some 42 MB), all
of 2024 (none recent: the read gives no request until its end), and measures:

- the parse alone, on one thread: the unpacking (``gunzipped_document``) and the reading of
  its entries (``sitediscovery.sitemap_records``) up to ``SITEMAP_MAX_ENTRIES``, in CPU
  seconds (the machine is shared), and the longest stretch between two entries;
- the reactor's longest block while the site spider's callback reads it (a heartbeat on
  Twisted's asyncio reactor that wakes every millisecond, its longest gap): "before" drains
  the callback's reader in one go, as Scrapy consumed the synchronous callback (no turn until
  it yields, and a past-only sitemap yields nothing); "after" runs the callback Scrapy calls
  now (``SiteCrawl.answered``, paced by ``crawler.pacing``). Wall and CPU seconds: on a
  loaded machine the wall gap also holds the time the process waited for a core.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import resource
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scrapy.utils.reactor import install_reactor  # noqa: E402

install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")

from scrapy.http import Request, XmlResponse  # noqa: E402
from scrapy.utils.test import get_crawler  # noqa: E402

from crawler import sitediscovery as disc  # noqa: E402
from crawler.feeds import gunzipped_document, xml_stops  # noqa: E402
from crawler.pacing import TURN_EVERY  # noqa: E402
from crawler.settings import SITEMAP_MAX_ENTRIES  # noqa: E402
from crawler.spiders.site import SiteSpider  # noqa: E402

HOST = "example.org"


def sitemap(urls: int) -> bytes:
    """A urlset of ``urls`` entries with a lastmod each, all of 2024 (none recent)."""
    entries = (f"<url><loc>https://{HOST}/news/2024/01/{n % 28 + 1:02d}/article-{n}-slug/"
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


def site_spider(data_dir: str) -> SiteSpider:
    """The site spider of ``HOST`` in a "what is new" run, its stats open."""
    crawler = get_crawler(SiteSpider, {"DATA_DIR": data_dir})
    spider = SiteSpider.from_crawler(crawler, url=f"https://{HOST}/")
    crawler.stats.open_spider()
    return spider


def answer(body: bytes) -> XmlResponse:
    url = f"https://{HOST}/sitemap.xml"
    return XmlResponse(url, body=body, request=Request(url))


async def longest_block(work: Callable[[], Awaitable[Any]]
                        ) -> tuple[float, float, float, float]:
    """The longest gap of a 1 ms heartbeat while ``work`` runs, in wall and in CPU seconds
    (on a loaded machine the wall gap also holds the time the process waited for a core),
    and ``work``'s wall and CPU time (the heartbeat's CPU included: some 1 ms a turn)."""
    longest_wall, longest_cpu, done = 0.0, 0.0, False

    async def heartbeat() -> None:
        nonlocal longest_wall, longest_cpu
        wall, cpu = time.perf_counter(), time.process_time()
        while not done:
            await asyncio.sleep(0.001)
            now_wall, now_cpu = time.perf_counter(), time.process_time()
            longest_wall = max(longest_wall, now_wall - wall)
            longest_cpu = max(longest_cpu, now_cpu - cpu)
            wall, cpu = now_wall, now_cpu

    beat = asyncio.ensure_future(heartbeat())
    await asyncio.sleep(0.01)
    start, start_cpu = time.perf_counter(), time.process_time()
    await work()
    took, took_cpu = time.perf_counter() - start, time.process_time() - start_cpu
    done = True
    await beat
    return longest_wall, longest_cpu, took, took_cpu


async def reactor_blocks(body: bytes, data_dir: str
                         ) -> dict[str, tuple[float, float, float, float]]:
    """The heartbeat's longest gap and the wall time of the callback, before and after."""
    spider = site_spider(data_dir)
    kwargs = {"key": HOST, "step": "sitemap", "depth": 0}

    async def drained_at_once() -> None:
        for _ in spider.discovery_outputs(answer(body), **kwargs):
            pass

    async def paced() -> None:
        async for _ in spider.answered(answer(body), **kwargs):
            pass

    return {"before": await longest_block(drained_at_once),
            "after": await longest_block(paced)}


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
    with tempfile.TemporaryDirectory() as data_dir:
        blocks = asyncio.get_event_loop().run_until_complete(reactor_blocks(body, data_dir))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"sitemap: {args.urls} URLs, {size / 1e6:.1f} MB{' (gzipped)' if args.gzip else ''}")
    print(f"unpack:  {took['unpack']:.2f} s CPU")
    print(f"records: {took['entries']:.0f} read in {took['records']:.2f} s CPU (parse alone)")
    print(f"held:    longest stretch between two entries {took['held']:.3f} s CPU")
    for when, (block, cpu, wall, wall_cpu) in blocks.items():
        paced = f" (a turn every {TURN_EVERY} entries)" if when == "after" else ""
        print(f"reactor {when:6}: longest block {block:.3f} s wall, {cpu:.3f} s CPU, of the "
              f"callback's {wall:.2f} s wall, {wall_cpu:.2f} s CPU{paced}")
    print(f"peak RSS {rss:.0f} MB")


if __name__ == "__main__":
    main()
