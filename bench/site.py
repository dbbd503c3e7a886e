"""A large БЕЛТА-shaped site for loopback benchmarks, served from its own process."""

from __future__ import annotations

import argparse
import multiprocessing
import re
import sys
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.chrome import dress  # noqa: E402
from tests.sites import belta  # noqa: E402
from tests.sites.common import GoldArticle, paragraphs_for, rss, title_for  # noqa: E402
from tests.support.server import FixtureServer, Page, VirtualSite  # noqa: E402

ARTICLE = re.compile(r"^/society/view/bench-(\d+)-(\d+)-2026/$")
START = datetime(2026, 1, 8, 19, 51, tzinfo=belta.TZ)
# The median size of the 265 real Russian news pages in ../shared/benchmarks/daniel-ru.
REAL_PAGE_BYTES = 74_000


def article_url(i: int) -> str:
    return f"https://{belta.HOST}/society/view/bench-{i}-{500000 + i}-2026/"


def gold(i: int) -> GoldArticle:
    return GoldArticle(url=article_url(i), title=title_for(i), paragraphs=paragraphs_for(i, 8),
                       published=START - timedelta(minutes=13 * i), tags=[f"Тег {i % 50}"])


def add_page_bytes_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--page-bytes", type=int, default=REAL_PAGE_BYTES,
                        help="size of an article page (default: the median real news page); "
                             "0 for the bare ~5 KB fixture page earlier runs used")


def article_html(i: int, size: int = 0) -> str:
    """Article ``i`` as the fixture БЕЛТА renders it, dressed in page chrome up to ``size`` bytes."""
    article = gold(i)
    page = belta.article_page(article, "society", None)
    return dress(page, i, article.title, article.url, size) if size else page


def build(pages: int, size: int = 0) -> VirtualSite:
    """A site whose RSS lists ``pages`` articles of about ``size`` bytes (0: the bare fixture).

    Pages are rendered before serving starts, so the server's CPU per page is only serving.
    """
    site = VirtualSite(belta.HOST)
    entries = [(title_for(i), article_url(i), START - timedelta(minutes=13 * i), "")
               for i in range(pages)]
    site.add("/rss", Page(rss("БЕЛТА", f"https://{belta.HOST}/", entries).encode(),
                          content_type="application/rss+xml; charset=utf-8"))
    site.add("/robots.txt", Page(b"User-agent: *\nDisallow: /printv\n", content_type="text/plain"))

    rendered = [Page(article_html(i, size).encode()) for i in range(pages)]

    def render(target: str) -> Page | None:
        match = ARTICLE.match(target)
        return rendered[int(match.group(1))] if match and int(match.group(1)) < pages else None

    site.dynamic.append(render)
    return site


def _serve(pages: int, size: int, port_queue: multiprocessing.Queue,
           stop: multiprocessing.Event) -> None:
    with FixtureServer([build(pages, size)]) as server:
        port_queue.put(server.port)
        stop.wait()


class BenchServer:
    """The benchmark site in a child process, so serving does not share the crawler's GIL."""

    def __init__(self, pages: int, size: int = 0) -> None:
        self.pages = pages
        self._queue: multiprocessing.Queue = multiprocessing.Queue()
        self._stop = multiprocessing.Event()
        self._proc = multiprocessing.Process(
            target=_serve, args=(pages, size, self._queue, self._stop), daemon=True)

    def __enter__(self) -> BenchServer:
        self._proc.start()
        self.port = self._queue.get(timeout=600)
        return self

    @property
    def pid(self) -> int | None:
        """The serving process, so benchmarks can read how much CPU serving took."""
        return self._proc.pid

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._proc.join(10)

    @property
    def env(self) -> dict[str, str]:
        proxy = f"http://127.0.0.1:{self.port}"
        return {"http_proxy": proxy, "HTTP_PROXY": proxy, "no_proxy": "", "NO_PROXY": ""}
