"""Dev harness: quality on even/odd halves + speed vs plain trafilatura, in one process."""
from __future__ import annotations

import importlib
import json
import pickle
import sys
import time
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[2] / "shared" / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import score  # noqa: E402

CACHE = Path("/tmp/bench_pages.pkl")


def load():
    if CACHE.exists():
        return pickle.loads(CACHE.read_bytes())
    root = BENCHMARKS
    data = {ds: score.load_dataset(ds, root) for ds in score.DATASETS}
    CACHE.write_bytes(pickle.dumps(data))
    return data


def agg(scores):
    return score.aggregate(scores)["f1"]


def run(func, pages):
    preds, secs = {}, 0.0
    for pg in pages:
        t0 = time.perf_counter()
        try:
            preds[pg.page_id] = func(pg.html, pg.url) or ""
        except Exception as exc:  # the harness must survive a crash
            print("ERR", pg.page_id, type(exc).__name__, exc)
            preds[pg.page_id] = ""
        secs += time.perf_counter() - t0
    return preds, secs


def main():
    import trafilatura

    specs = sys.argv[1:] or ["crawler.extraction.generic:generic_text"]
    data = load()
    funcs = {"trafilatura": lambda h, u: trafilatura.extract(h, include_comments=False)}
    for spec in specs:
        mod, _, fn = spec.partition(":")
        funcs[spec] = getattr(importlib.import_module(mod), fn)
    out = {}
    for ds, pages in data.items():
        for name, f in funcs.items():
            f(pages[0].html, pages[0].url)
            preds, secs = run(f, pages)
            sc = [score.score_page(pg.gold, preds[pg.page_id], 4) for pg in pages]
            m = score.aggregate(sc)
            ev = agg(sc[0::2])
            od = agg(sc[1::2])
            print(f"{ds:16s} {name[-30:]:30s} P={m['precision']:.3f} R={m['recall']:.3f} "
                  f"F1={m['f1']:.3f} even={ev:.3f} odd={od:.3f} pps={len(pages)/secs:.1f}", flush=True)
            out.setdefault(ds, {})[name] = {
                pg.page_id: (s.precision, s.recall, preds[pg.page_id]) for pg, s in zip(pages, sc, strict=True)}
    Path("/tmp/last_run.json").write_text(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
