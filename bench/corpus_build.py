"""Building the corpus: time and peak RSS for 10k and 100k items, two engines.

    .venv/bin/python bench/corpus_build.py [--small 10000] [--large 100000] [--no-write]

Synthetic items (valid against the item schema, ~3 KB of Russian text, 1,000 a run file,
5 % second versions, 10 % with near-duplicates) are written once per size. Each engine then
builds a corpus from them in a fresh process, whose own peak RSS (``ru_maxrss``) is reported:

* ``pyarrow``: what ``python -m archive corpus`` runs (:func:`archive.corpus.build_corpus`):
  every line parsed and checked against the schema, rows streamed to Parquet by pyarrow,
  then families and edits derived with DuckDB;
* ``duckdb``: DuckDB alone, ``COPY (SELECT … FROM read_json(…)) TO … (PARTITION_BY …)``, no
  per-line checks (DuckDB capped at the corpus's 512 MB and 2 threads).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.report import append_section  # noqa: E402

PER_FILE = 1000
WORDS = ["президент", "правительство", "министерство", "область", "район", "предприятие", "урожай", "зерно", "трактор", "экономика", "товарооборот", "сотрудничество", "заседание", "переговоры", "делегация", "Минск", "Могилев", "Гомель", "Брест", "Витебск", "Гродно", "Шклов", "лидер", "страна", "рост", "производство", "совет", "решение", "проект", "строительство", "школа", "больница", "дорога", "мост", "завод"]


def _text(rng: random.Random, words: int = 420) -> str:
    paragraphs = []
    for _ in range(6):
        sentence = " ".join(rng.choice(WORDS) for _ in range(words // 6))
        paragraphs.append(sentence.capitalize() + ".")
    return "\n\n".join(paragraphs)


def _url(n: int) -> str:
    return f"https://{_source(n)}.example/news/{n}/"


def _source(n: int) -> str:
    return ("belta", "zerkalo", "runews24", "shklovinfo.by")[n % 4]


def _item(n: int, rng: random.Random, version: int, start: datetime) -> dict:
    """A valid item: its id is its URL's (an id of its own, as this made before, failed the
    corpus's id check: every line was rejected and the build measured nothing)."""
    from crawler.urls import article_id

    source = _source(n)
    published = start + timedelta(minutes=7 * n)
    return {"id": article_id(_url(n)), "url": _url(n), "source": source,
            "source_name": source.upper(), "title": f"Новость номер {n}", "subtitle": None,
            "text": _text(rng), "published": published.isoformat(), "modified": None,
            "authors": ["Автор"], "section": "Общество", "tags": ["тег"], "language": "ru",
            "fetched_at": (published + timedelta(hours=version)).astimezone(UTC)
            .isoformat(timespec="seconds"),
            "warc": {"file": f"belta-{n // PER_FILE:05d}.warc.gz", "offset": n * 5000,
                     "length": 4000,
                     "record_id": f"<urn:uuid:00000000-0000-4000-8000-{n:012x}>"},
            "extractor": {"name": "news-archive", "version": "1", "method": "rules"},
            "version": version,
            "previous_version_digest": None if version == 1 else "sha256:" + "0" * 64,
            "near_duplicates": [article_id(_url(n - 1))] if n % 10 == 0 and n else []}


def generate(data_dir: Path, count: int) -> None:
    rng = random.Random(count)
    items = data_dir / "items"
    items.mkdir(parents=True)
    start = datetime(2026, 1, 1, 8, tzinfo=UTC).astimezone()
    written = 0
    for file_no in range(0, count, PER_FILE):
        with open(items / f"bench-{file_no // PER_FILE:05d}.jsonl", "w", encoding="utf-8") as fh:
            for n in range(file_no, min(count, file_no + PER_FILE)):
                version = 2 if n % 20 == 1 and written >= PER_FILE else 1
                number = n - PER_FILE if version == 2 else n  # a later run re-captures it
                fh.write(json.dumps(_item(number, rng, version, start), ensure_ascii=False)
                         + "\n")
                written += 1


def child(engine: str, data_dir: Path, out: Path) -> None:
    began = time.perf_counter()
    if engine == "pyarrow":
        from archive.corpus import build_corpus

        report = build_corpus(data_dir, out)
        rows = report.rows
    else:
        import duckdb

        con = duckdb.connect(config={"memory_limit": "512MB", "threads": 2})
        con.execute(f"""COPY (SELECT *, substr(coalesce(CAST(published AS VARCHAR),
                                           CAST(fetched_at AS VARCHAR)), 1, 7) AS month
                   FROM read_json('{data_dir}/items/*.jsonl', format = 'newline_delimited'))
                   TO '{out}' (FORMAT parquet, PARTITION_BY (source, month))""")
        rows = con.execute(f"SELECT count(*) FROM read_parquet('{out}/*/*/*.parquet')").fetchone()[0]
    elapsed = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": rows, "seconds": round(elapsed, 1), "peak_rss_mb": round(peak, 1)}))


def measure(engine: str, data_dir: Path, out: Path) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", engine, str(data_dir), str(out)],
                          capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--engines", default="pyarrow,duckdb")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--child", nargs=3, metavar=("ENGINE", "DATA", "OUT"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return
    rows = []
    for count in (args.small, args.large):
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp) / "data"
            generate(data, count)
            size = sum(p.stat().st_size for p in (data / "items").iterdir()) / 1e6
            for engine in args.engines.split(","):
                row = measure(engine, data, Path(tmp) / f"corpus-{engine}")
                again = measure(engine, data, Path(tmp) / f"corpus-{engine}") \
                    if engine == "pyarrow" else {}
                rows.append({"engine": engine, "items": count, "jsonl_mb": round(size),
                             **row, "items_per_s": round(count / max(row["seconds"], 0.01)),
                             "rebuild_s": again.get("seconds", "")})
                print(json.dumps(rows[-1]), flush=True)
    ratios = {}
    for engine in args.engines.split(","):
        small, large = (r for r in rows if r["engine"] == engine)
        ratios[f"{engine}: peak RSS {args.large} / {args.small} items (target <= 1.2)"] = \
            round(large["peak_rss_mb"] / small["peak_rss_mb"], 3)
    print(json.dumps(ratios, indent=1))
    if not args.no_write:
        append_section("Corpus build: time and peak RSS against item count",
                       f"python bench/corpus_build.py --small {args.small} "
                       f"--large {args.large}", rows, ratios)


if __name__ == "__main__":
    main()
