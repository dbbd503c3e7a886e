"""Score extractors on the development collection, per collection and per split (dev / test).

    .venv/bin/python -m bench.devset.score_devset [-e module:function ...] [--split dev]
        [--without STEP ...] [--pages-out FILE] [--lost-out FILE]

Collections: ``wcxb-article``, ``l3s-gn1``, ``dragnet``, ``cleaneval`` and ``chaos`` (built by
``bench/devset/build.py``), and the two sets of
``../shared/benchmarks`` (``scrapinghub-aeb``, ``daniel-ru``), each split by site with
``sites.split_of``. Every rule is decided on ``dev``; ``test`` is reported, not looked at.
The metric is ``score.py``'s own code (imported, not copied): 4-gram shingles of ``\\w+``
tokens, precision and recall averaged over pages, F1 of the two averages.
``trafilatura`` is plain ``trafilatura.extract`` as ``score.py`` runs it; its outputs are
cached in the data folder (they do not change between our runs).
``--without`` turns off named pruning steps of the generic extractor (the ablation rows).

``trafilatura-eval`` (also built by ``build.py``) has snippets, not a gold text: its rows are
scored with ``snippets.py`` (P = found ``with`` / (found ``with`` + present ``without``),
R = found ``with`` share, F1 as trafilatura's evaluation defines it), and two more columns:
the share of ``without`` snippets kept out, and the pages that lose a ``with`` snippet plain
trafilatura keeps (``--lost-out`` writes those snippets, per page, as JSON).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "benchmarks"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(SHARED))

import score  # noqa: E402

from bench.devset import snippets  # noqa: E402
from bench.devset.build import DEFAULT_OUT  # noqa: E402
from bench.devset.sites import site_of, split_of  # noqa: E402

SHARED_SETS = ("scrapinghub-aeb", "daniel-ru")
# built by build.py, scored against a gold text
GOLD_SETS = ("wcxb-article", "l3s-gn1", "dragnet", "cleaneval", "chaos")
SNIPPET_SET = "trafilatura-eval"


@dataclass
class SnippetPage(score.Page):
    """A page scored by snippets (``gold`` stays empty)."""

    wanted: tuple[str, ...] = ()
    unwanted: tuple[str, ...] = ()


def load_collections(data: Path) -> dict[str, list[tuple[str, score.Page]]]:
    """{collection: [(site, page)]} for every collection that is present."""
    out: dict[str, list[tuple[str, score.Page]]] = {}
    for name in GOLD_SETS:
        built = data / f"{name}.jsonl.gz"
        if built.exists():
            with gzip.open(built, "rt", encoding="utf-8") as f:
                rows = [json.loads(line) for line in f]
            out[name] = [(r["site"], score.Page(r["id"], r["url"], r["html"], r["gold"]))
                         for r in rows]
    snippet_file = data / f"{SNIPPET_SET}.jsonl.gz"
    if snippet_file.exists():
        with gzip.open(snippet_file, "rt", encoding="utf-8") as f:
            rows = [json.loads(line) for line in f]
        out[SNIPPET_SET] = [(r["site"], SnippetPage(r["id"], r["url"], r["html"], "", None,
                                                    tuple(r["with"]), tuple(r["without"])))
                            for r in rows]
    for name in SHARED_SETS:
        if (SHARED / name).is_dir():
            out[name] = [(site_of(p.url), p) for p in score.load_dataset(name, SHARED)]
    return out


def plain_trafilatura(html: str, url: str) -> str:
    import trafilatura

    return trafilatura.extract(html, include_comments=False) or ""


def resolve(spec: str) -> Callable[[str, str], str]:
    if spec == "trafilatura":
        return plain_trafilatura
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


def cached_run(spec: str, func: Callable[[str, str], str], pages: list[score.Page],
               cache_dir: Path, collection: str) -> dict[str, str]:
    """Predictions by page id; plain trafilatura's are kept on disk between runs."""
    cache, preds = None, {}
    if spec == "trafilatura":
        import trafilatura

        key = hashlib.sha256(f"{collection}{trafilatura.__version__}".encode()).hexdigest()[:12]
        cache = cache_dir / f"trafilatura-{collection}-{key}.json"
        if cache.exists():
            preds = json.loads(cache.read_text(encoding="utf-8"))
    missing = [page for page in pages if page.page_id not in preds]
    for page in missing:
        try:
            preds[page.page_id] = func(page.html, page.url) or ""
        except Exception as exc:  # noqa: BLE001 - one bad page must not stop the run
            print(f"error on {page.page_id}: {type(exc).__name__}: {exc}", file=sys.stderr)
            preds[page.page_id] = ""
    if cache is not None and missing:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(preds, ensure_ascii=False), encoding="utf-8")
    return preds


def disable_steps(steps: list[str]) -> None:
    from crawler.extraction import generic

    unknown = set(steps) - set(generic.PRUNING_STEPS)
    if unknown:
        raise SystemExit(f"unknown steps {sorted(unknown)}; known: {sorted(generic.PRUNING_STEPS)}")
    generic.ENABLED_STEPS = frozenset(generic.PRUNING_STEPS) - set(steps)


def snippet_row(pages: list[score.Page], preds: dict[str, str], baseline: dict[str, str],
                lost: dict[str, dict] | None) -> tuple[snippets.SnippetCounts, int]:
    """Summed snippet counts, and the pages losing a ``with`` snippet the baseline keeps."""
    counts, losing = [], 0
    for page in pages:
        assert isinstance(page, SnippetPage)
        ours = preds.get(page.page_id, "")
        counts.append(snippets.count_page(page.wanted, page.unwanted, ours))
        missing = snippets.lost_against(page.wanted, ours, baseline.get(page.page_id, ""))
        if missing:
            losing += 1
            if lost is not None:
                lost[page.page_id] = {"url": page.url, "lost": missing}
    return snippets.total(counts), losing


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-e", "--extractor", action="append",
                    help="trafilatura or module:function (default: both of them, generic_text)")
    ap.add_argument("--data", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--split", choices=("dev", "test", "all"), default="dev")
    ap.add_argument("--collection", action="append", help="only these collections")
    ap.add_argument("--without", action="append", default=[], help="pruning step to turn off")
    ap.add_argument("--pages-out", type=Path, help="write per-page P/R of every extractor (JSON)")
    ap.add_argument("--lost-out", type=Path,
                    help="write the with-snippets each page loses against trafilatura (JSON)")
    args = ap.parse_args()
    specs = args.extractor or ["trafilatura", "crawler.extraction.generic:generic_text"]
    if args.without:
        disable_steps(args.without)
    collections = load_collections(args.data)
    per_page: dict[str, dict] = {}
    lost: dict[str, dict] = {}
    print("| collection | split | pages | sites | extractor | P | R | F1 | without kept out |"
          " pages losing a snippet trafilatura keeps |\n|---|---|---|---|---|---|---|---|---|---|")
    for name, rows in collections.items():
        if args.collection and name not in args.collection:
            continue
        for split in ("dev", "test") if args.split == "all" else (args.split,):
            chosen = [(s, p) for s, p in rows if split_of(s) == split]
            pages = [p for _, p in chosen]
            for spec in specs:
                preds = cached_run(spec, resolve(spec), pages, args.data / "cache", name)
                label = spec + (f" without {','.join(args.without)}" if args.without
                                and spec != "trafilatura" else "")
                head = f"| {name} | {split} | {len(pages)} | {len({s for s, _ in chosen})} | {label}"
                if name == SNIPPET_SET:
                    base = cached_run("trafilatura", plain_trafilatura, pages,
                                      args.data / "cache", name)
                    c, losing = snippet_row(pages, preds, base,
                                            lost if spec != "trafilatura" else None)
                    print(f"{head} | {c.precision:.3f} | {c.recall:.3f} | **{c.f1:.3f}** | "
                          f"{c.clean:.3f} | {losing} |", flush=True)
                    continue
                scores = [score.score_page(p.gold, preds.get(p.page_id, ""), 4) for p in pages]
                m = score.aggregate(scores)
                print(f"{head} | {m['precision']:.3f} | {m['recall']:.3f} | **{m['f1']:.3f}** "
                      "| – | – |", flush=True)
                for p, s in zip(pages, scores, strict=True):
                    per_page.setdefault(p.page_id, {"collection": name, "url": p.url})[spec] = (
                        s.precision, s.recall)
    if args.pages_out:
        args.pages_out.write_text(json.dumps(per_page, indent=0), encoding="utf-8")
    if args.lost_out:
        args.lost_out.write_text(json.dumps(lost, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
