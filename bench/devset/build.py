"""Convert public gold data into one local page file for ``bench/devset/score_devset.py``.

    .venv/bin/python bench/devset/build.py --wcxb PATH [--out /work/wt/devdata]

``PATH`` is a checkout (or an extracted ``git archive``) of WCXB, the Web Content eXtraction
Benchmark (github.com/Murrough-Foley/web-content-extraction-benchmark, CC-BY-4.0). Only its
``article`` pages are kept: the generic extractor serves news and long-form articles. The pages
stay outside the repository (third-party content); only this script and the figures are
committed. Writes ``<out>/wcxb-article.jsonl.gz``: one JSON object per page with ``id``,
``site``, ``url``, ``html`` and ``gold`` (the annotated main content).

The two sets in ``../shared/benchmarks`` need no conversion: the scorer reads them in place.
"""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

from bench.devset.sites import site_of

DEFAULT_OUT = Path(__file__).resolve().parents[3] / "devdata"
KEEP_TYPES = frozenset({"article"})


def wcxb_pages(root: Path) -> list[dict[str, str]]:
    """Article pages of WCXB (both of its splits: ours is made by site, see sites.py)."""
    meta = json.loads((root / "metadata.json").read_text(encoding="utf-8"))
    pages = []
    for file_id, info in sorted(meta["files"].items()):
        if info["page_type"] not in KEEP_TYPES:
            continue
        split = info["split"]
        gold = json.loads((root / split / "ground-truth" / f"{file_id}.json")
                          .read_text(encoding="utf-8"))
        with gzip.open(root / split / "html" / f"{file_id}.html.gz", "rb") as f:
            html = f.read().decode("utf-8", errors="replace")
        url = gold.get("url") or f"https://{info['domain']}/"
        pages.append({"id": f"wcxb-{file_id}", "site": site_of(url), "url": url, "html": html,
                      "gold": gold["ground_truth"].get("main_content") or ""})
    return pages


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--wcxb", type=Path, required=True, help="WCXB checkout folder")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    pages = wcxb_pages(args.wcxb)
    target = args.out / "wcxb-article.jsonl.gz"
    with gzip.open(target, "wt", encoding="utf-8") as f:
        for page in pages:
            f.write(json.dumps(page, ensure_ascii=False) + "\n")
    print(f"{target}: {len(pages)} pages, {len({p['site'] for p in pages})} sites")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
