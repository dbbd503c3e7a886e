"""Extraction speed and quality: ``extract_article`` and ``generic_text`` against plain
``trafilatura.extract``.

    .venv/bin/python bench/extraction_speed.py [--bench-pages 300] [--repeat 3] [--no-write]
        [--devset /work/wt/devdata]

Speed: the same pages (both data sets in ../shared/benchmarks and pages of the bench
site), one core, one process, extractors interleaved page by page so machine noise hits both
alike; pages/s is pages / summed extraction seconds (median of ``--repeat`` passes).
``extract_article`` gets the page as a crawl would (bytes + Content-Type) and does everything
an item needs (decoding, metadata, body, language); ``generic_text`` (the body extractor
alone, parse included) and trafilatura get the decoded HTML.
Quality: ``score.py`` F1 of ``extract_text``, ``generic_text`` and trafilatura in one run.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared" / "benchmarks"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(SHARED))

import score  # noqa: E402
import trafilatura  # noqa: E402

from bench.report import append_section  # noqa: E402
from crawler.extraction import ExtractionError, extract_article  # noqa: E402
from crawler.extraction.generic import generic_text  # noqa: E402
from crawler.items import ArticlePage  # noqa: E402

SCORED = ("trafilatura", "crawler.extraction:extract_text",
          "crawler.extraction.generic:generic_text")


def bench_site_pages(count: int) -> list[tuple[str, str]]:
    """(url, html) of bench-site articles, as the crawl throughput bench serves them."""
    from bench.site import article_html, gold

    return [(gold(i).url, article_html(i)) for i in range(count)]


def devset_pages(folder: Path) -> list[tuple[str, str]]:
    """(url, html) of the development collection built by bench/devset/build.py."""
    with gzip.open(folder / "wcxb-article.jsonl.gz", "rt", encoding="utf-8") as f:
        return [(row["url"], row["html"]) for row in map(json.loads, f)]


def page_sets(bench_pages: int, devset: Path | None = None) -> dict[str, list[tuple[str, str]]]:
    sets = {name: [(p.url, p.html) for p in score.load_dataset(name, SHARED)]
            for name in score.DATASETS}
    sets["bench-site"] = bench_site_pages(bench_pages)
    if devset is not None:
        sets["wcxb-article"] = devset_pages(devset)
    return sets


def ours(url: str, html: str) -> object:
    page = ArticlePage(url=url, outlet="", body=html.encode("utf-8"),
                       headers={"Content-Type": "text/html; charset=utf-8"}, status=200,
                       fetched_at="2026-01-01T00:00:00+00:00")
    try:
        return extract_article(page)
    except ExtractionError:  # a page without an article costs its time all the same
        return None


def generic(url: str, html: str) -> object:
    return generic_text(html, url)


def plain(url: str, html: str) -> object:
    return trafilatura.extract(html, url=url, include_comments=False)


def timed_pass(pages: list[tuple[str, str]],
               funcs: dict[str, Callable[[str, str], object]]) -> dict[str, float]:
    seconds = dict.fromkeys(funcs, 0.0)
    for url, html in pages:
        for name, func in funcs.items():
            start = time.process_time()
            func(url, html)
            seconds[name] += time.process_time() - start
    return seconds


def speed(sets: dict[str, list[tuple[str, str]]], repeat: int) -> list[dict[str, object]]:
    funcs = {"extract_article": ours, "generic_text": generic, "trafilatura.extract": plain}
    sets = {name: pages for name, pages in sets.items() if pages}  # --bench-pages 0: no site set
    every = [page for pages in sets.values() for page in pages]
    if not every:
        raise SystemExit("no pages to time")
    for func in funcs.values():  # warm-up: imports, selector caches
        func(*every[0])
    rows = []
    for name, pages in [*sets.items(), ("all", every)]:
        passes = [timed_pass(pages, funcs) for _ in range(repeat)]
        pps = {f: len(pages) / statistics.median(p[f] for p in passes) for f in funcs}
        rows.append({"pages": name, "n": len(pages),
                     "extract_article p/s": round(pps["extract_article"], 1),
                     "generic_text p/s": round(pps["generic_text"], 1),
                     "trafilatura p/s": round(pps["trafilatura.extract"], 1),
                     "ratio": round(pps["extract_article"] / pps["trafilatura.extract"], 3),
                     "generic ratio": round(pps["generic_text"] / pps["trafilatura.extract"], 3)})
        print(json.dumps(rows[-1]), flush=True)
    return rows


def quality() -> list[dict[str, object]]:
    """F1 per data set from score.py (its own process, network blocked as it does)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "score.json"
        cmd = [sys.executable, str(SHARED / "score.py"), "--dataset", "all", "--bootstrap", "0",
               "--json", str(out)]
        for spec in SCORED:
            cmd += ["--extractor", spec]
        subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True)
        results = json.loads(out.read_text())
    rows = [{"extractor": spec, **{f"F1 {ds}": round(results[ds][spec]["f1"], 3)
                                   for ds in sorted(results)}} for spec in SCORED]
    for row in rows:
        print(json.dumps(row), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench-pages", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--devset", type=Path,
                        help="also time the pages of bench/devset/build.py's output folder")
    args = parser.parse_args()
    load = os.getloadavg()
    rows = speed(page_sets(args.bench_pages, args.devset), args.repeat)
    scores = quality()
    overall = rows[-1]["ratio"]
    ratios = {"extract_article / trafilatura.extract, all pages": overall,
              "generic_text / trafilatura.extract, all pages (target >= 0.85)":
                  rows[-1]["generic ratio"],
              "load average before the run": " / ".join(f"{x:.2f}" for x in load)}
    if not args.no_write:
        command = f"python bench/extraction_speed.py --bench-pages {args.bench_pages} " \
                  f"--repeat {args.repeat}"
        append_section("Extraction speed (one core, CPU time)", command, rows, ratios)
        append_section("Extraction quality (score.py F1, one run)",
                       "python ../shared/benchmarks/score.py --dataset all --bootstrap 0 "
                       + " ".join(f"--extractor {s}" for s in SCORED), scores)


if __name__ == "__main__":
    main()
