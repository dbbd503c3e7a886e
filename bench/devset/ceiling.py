"""How far choosing among trafilatura's paragraphs can go: an oracle on the dev collection.

    .venv/bin/python -m bench.devset.ceiling [--data /work/wt/devdata] [--split dev]

For every page the oracle keeps exactly the paragraphs whose 4-gram shingles are at least
half in the gold, from trafilatura's output on the link-pruned tree (what the generic
extractor chooses from) and on the unpruned tree; and, as a third row, the generic output
plus the lines of its content region that trafilatura left out, kept the same way. The rows
bound what a better selector could reach (docs/extraction.md, "How far selection can go").
Scored with ``score.py``'s own functions, like ``score_devset``.
"""

from __future__ import annotations

import argparse
from collections import Counter
from copy import deepcopy
from pathlib import Path

from bench.devset.build import DEFAULT_OUT
from bench.devset.score_devset import SNIPPET_SET, load_collections, score
from bench.devset.sites import split_of
from crawler.extraction import generic
from crawler.extraction.normalize import PARAGRAPH_SEPARATOR

HALF = 0.5


def in_gold(gold: Counter, paragraph: str) -> bool:
    bag = score.shingle_bag(score.tokenize(paragraph), 4)
    total = sum(bag.values())
    return bool(total) and sum((bag & gold).values()) / total >= HALF


def page_rows(html: str, url: str, gold_text: str) -> dict[str, str] | None:
    tree = generic._parse(html)
    if tree is None:
        return None
    gold = score.shingle_bag(score.tokenize(gold_text), 4)
    chosen = generic.generic_paragraphs(tree, url)
    work = deepcopy(tree)
    stats, _removed = generic._prune(work)
    pruned = generic._trafilatura(work, url)
    region = generic._best_region(work, stats)
    extra: list[str] = []
    if region and chosen:
        blocks = region + generic._rescued_blocks(region, stats)
        hay = " ".join(generic._tokens(p) for p in chosen)
        lines = generic._region_paragraphs([deepcopy(b) for b in blocks])
        extra = [x for x in lines if generic._tokens(x) and generic._tokens(x) not in hay]
    unpruned = generic._trafilatura(deepcopy(tree), url)
    keep = [p for p in pruned if in_gold(gold, p)]
    return {"generic": PARAGRAPH_SEPARATOR.join(chosen),
            "oracle, pruned tree": PARAGRAPH_SEPARATOR.join(keep),
            "oracle, unpruned tree": PARAGRAPH_SEPARATOR.join(
                p for p in unpruned if in_gold(gold, p)),
            "generic + oracle region lines": PARAGRAPH_SEPARATOR.join(
                chosen + [x for x in extra if in_gold(gold, x)])}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--split", choices=("dev", "test"), default="dev")
    args = ap.parse_args()
    print("| collection | split | pages | row | P | R | F1 |\n|---|---|---|---|---|---|---|")
    for name, rows in load_collections(args.data).items():
        if name == SNIPPET_SET:  # snippets, no gold text to pick paragraphs by
            continue
        scores: dict[str, list] = {}
        pages = [p for site, p in rows if split_of(site) == args.split]
        for page in pages:
            found = page_rows(page.html, page.url, page.gold)
            for row, text in (found or {}).items():
                scores.setdefault(row, []).append(score.score_page(page.gold, text, 4))
        for row, got in scores.items():
            m = score.aggregate(got)
            print(f"| {name} | {args.split} | {len(got)} | {row} | {m['precision']:.3f} | "
                  f"{m['recall']:.3f} | **{m['f1']:.3f}** |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
