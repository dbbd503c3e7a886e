"""Gold lines plain trafilatura keeps and the generic extractor loses, by element class and step.

    .venv/bin/python -m bench.devset.lost_lines --data /work/devdata --out /tmp/lost.jsonl
    .venv/bin/python -m bench.devset.lost_lines --data /work/devdata --out /tmp/lost2.jsonl \\
        --reclass /tmp/lost.jsonl

For every dev page (all collections; trafilatura-eval's ``with`` snippets stand for its gold
lines) a gold line is *lost* when trafilatura's output holds it and generic's does not. Each
lost line is traced to the smallest element of the page whose text holds it, classed by that
element's block (subheading, list item, blockquote, caption, ...) and by where it sits against
the lines generic keeps (above, inside, below), and charged to the pruning step whose absence
alone gives it back. Issue 18 asks which class of body element generic drops on unseen layouts;
this is the measurement, not a rule.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from multiprocessing import Pool
from pathlib import Path

import lxml.etree
import lxml.html

from bench.devset.score_devset import (
    GOLD_SETS,
    SHARED_SETS,
    SNIPPET_SET,
    cached_run,
    load_collections,
    plain_trafilatura,
)
from bench.devset.sites import split_of

WORD = re.compile(r"\w+", re.UNICODE)
HELD, GONE = 0.8, 0.3
# Steps that take text out (turning one off can give a line back).
REMOVING_STEPS = ("link_blocks", "region", "title_line", "meta_lines", "boilerplate_lines")
BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "td", "th", "figcaption",
          "pre", "dd", "dt", "div", "section", "article", "header", "footer", "aside", "caption",
          "address", "center", "main", "form", "table", "tr", "ul", "ol", "dl", "figure", "body"}


def tokens(text: str) -> list[str]:
    return [t.lower() for t in WORD.findall(text or "")]


def shingles(toks: list[str], n: int = 4) -> set[tuple[str, ...]]:
    if len(toks) < n:
        return {tuple(toks)} if toks else set()
    return {tuple(toks[i:i + n]) for i in range(len(toks) - n + 1)}


def held_share(line: list[str], text_shingles: set, joined: str) -> float:
    """Share of a line's shingles the text holds (a short line: all or nothing)."""
    if len(line) < 4:
        return 1.0 if f" {' '.join(line)} " in joined else 0.0
    own = shingles(line)
    return len(own & text_shingles) / len(own)


class Text:
    """An extractor's output, tokenized once."""

    def __init__(self, text: str) -> None:
        self.toks = tokens(text)
        self.shingles = shingles(self.toks)
        self.joined = f" {' '.join(self.toks)} "

    def share(self, line: list[str]) -> float:
        return held_share(line, self.shingles, self.joined)


def gold_lines(page) -> list[list[str]]:
    raw = page.wanted if hasattr(page, "wanted") and page.wanted else page.gold.splitlines()
    return [t for t in (tokens(x) for x in raw) if t]


def word_owners(root) -> tuple[str, list]:
    """The words of the page's body in document order, joined, and the element each is in."""
    words, owners = [], []
    body = root.find("body")
    for el in (body if body is not None else root).iter():
        if isinstance(el.tag, str) and el.tag not in ("script", "style", "noscript", "head"):
            own = tokens(el.text or "")
            words += own
            owners += [el] * len(own)
        parent = el.getparent()  # a tail is its parent's text, even after a script
        if parent is not None and el.tail:
            tail = tokens(el.tail)
            words += tail
            owners += [parent] * len(tail)
    return f" {' '.join(words)} ", owners


def page_words(html: str) -> tuple[str, list]:
    """``word_owners`` of the page parsed as the extractor parses it (nothing if it cannot)."""
    from crawler.extraction.generic import _parse

    try:
        root = _parse(html)
    except (ValueError, lxml.etree.LxmlError):
        root = None
    return word_owners(root) if root is not None else (" ", [])


def element_of(page_words: tuple[str, list], line: list[str]):
    """The smallest element holding the line's first 12 words: at its first place outside a
    link if there is one (a headline is also a breadcrumb's or a menu's link)."""
    joined, owners = page_words
    probe = line[:12]
    found, at = [], joined.find(f" {' '.join(probe)} ")
    while at >= 0 and len(found) < 5:
        found.append(holder(owners, joined.count(" ", 0, at), len(probe)))
        at = joined.find(f" {' '.join(probe)} ", at + 1)
    unlinked = [el for el in found if el is not None and "a" not in
                {e.tag for e in ancestry(el)}]
    return (unlinked or found or [None])[0]


def holder(owners: list, first: int, count: int):
    """The smallest element holding words ``first``..``first + count``: the nearest common
    ancestor of their owners (a line runs in and out of inline links and bold)."""
    chain = ancestry(owners[first])
    for el in owners[first + 1:first + count]:
        above = ancestry(el)
        while chain and chain[0] not in above:
            chain = chain[1:]
    return chain[0] if chain else None


def block_of(el):
    while el is not None and el.tag not in BLOCKS:
        el = el.getparent()
    return el


def ancestry(el) -> list:
    out = []
    while el is not None:
        out.append(el)
        el = el.getparent()
    return out


def marks(el) -> str:
    return f"{el.get('class', '')} {el.get('id', '')}".lower()


def link_share(el) -> float:
    total = len(" ".join(el.text_content().split()))
    linked = sum(len(" ".join(a.text_content().split())) for a in el.iter("a"))
    return linked / total if total else 0.0


def element_class(block, line_text_len: int) -> str:
    """The class of body element a lost line comes from."""
    if block is None:
        return "not found in the HTML"
    chain = ancestry(block)
    tags = [e.tag for e in chain]
    names = " ".join(marks(e) for e in chain[:4])
    if "figcaption" in tags or "figure" in tags or re.search(r"caption|credit", names):
        return "caption"
    if "pre" in tags or "code" in tags:
        return "code/pre"
    if "blockquote" in tags and re.search(r"twitter|instagram|tiktok|facebook|embed", names):
        return "embedded post"
    if "blockquote" in tags or re.search(r"pull-?quote|quote", names):
        return "blockquote/pull quote"
    if "dl" in tags:
        return "definition list"
    if block.tag == "h1":
        return "h1 headline"
    if block.tag in ("h2", "h3", "h4", "h5", "h6"):
        return "subheading h2-h6"
    if "li" in tags[:3]:
        return "list item"
    if block.tag in ("td", "th") or (block.tag not in ("p",) and "td" in tags[:2]):
        return "table cell"
    if link_share(block) > 0.5:
        return "paragraph, mostly links"
    if re.search(r"standfirst|dek|deck|lead|summary|intro|excerpt|subtitle|teaser", names):
        return "standfirst/lead (marked)"
    bold = sum(len(b.text_content()) for b in block.iter("b", "strong"))
    if bold and bold >= 0.8 * len(block.text_content().strip() or "x") and line_text_len < 120:
        return "bold line (subheading-like)"
    if re.search(r"byline|author|date|time|meta", names):
        return "byline/date block"
    if line_text_len < 100:
        return f"short {block.tag if block.tag in ('p', 'div') else 'other'}"
    return f"prose {block.tag if block.tag in ('p', 'div') else 'other'}"


def position(index: int, generic_held: list[bool]) -> str:
    kept = [i for i, h in enumerate(generic_held) if h]
    if not kept:
        return "page lost whole"
    if index < kept[0]:
        return "above"
    if index > kept[-1]:
        return "below"
    return "inside"


def without_step(args: tuple[str, str, str]) -> tuple[str, str]:
    step, html, url = args
    from crawler.extraction import generic

    saved = generic.ENABLED_STEPS
    generic.ENABLED_STEPS = frozenset(generic.PRUNING_STEPS) - {step}
    try:
        return step, generic.generic_text(html, url)
    finally:
        generic.ENABLED_STEPS = saved


def analyse_page(job: tuple[str, str, object, str]) -> list[dict]:
    """The lost lines of one page, classed and charged to a step."""
    from crawler.extraction.generic import generic_text

    collection, site, page, traf_text = job
    ours_text = generic_text(page.html, page.url)
    lines = gold_lines(page)
    traf, ours = Text(traf_text), Text(ours_text)
    ours_share = [ours.share(x) for x in lines]
    lost = [i for i, x in enumerate(lines)
            if traf.share(x) >= HELD and ours_share[i] <= GONE]
    if not lost:
        return []
    total = sum(len(shingles(x)) for x in lines) or 1
    snippet = hasattr(page, "wanted") and bool(page.wanted)
    texts = page_words(page.html)
    back = {step: Text(without_step((step, page.html, page.url))[1]) for step in REMOVING_STEPS}
    held = [s >= 0.5 for s in ours_share]
    out = []
    for i in lost:
        line = lines[i]
        block = block_of(element_of(texts, line))
        steps = [s for s in REMOVING_STEPS if back[s].share(line) >= HELD]
        out.append({
            "collection": collection, "site": site, "page": page.page_id,
            "line": " ".join(line)[:160],
            "class": element_class(block, len(" ".join(line))),
            "tag": block.tag if block is not None else "",
            "position": position(i, held),
            "step": steps[0] if len(steps) == 1 else ("+".join(steps) if steps else "no step"),
            "recall": (1 / len(lines)) if snippet else len(shingles(line)) / total,
        })
    return out


def reclass(rows: list[dict], data: Path) -> list[dict]:
    """Class the lost lines of a finished run again (after a change of the classes only).

    A row whose page or gold line ``data`` no longer holds keeps its old class and is reported
    (a run from other data must not stop the rest)."""
    pages = {(name, p.page_id): p for name, rows_ in load_collections(data).items()
             for _, p in rows_}
    by_page: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in rows:
        by_page[r["collection"], r["page"]].append(r)
    stale = 0
    for key, items in by_page.items():
        page = pages.get(key)
        lines = {" ".join(x)[:160]: x for x in gold_lines(page)} if page else {}
        texts = page_words(page.html) if page else (" ", [])
        for r in items:
            line = lines.get(r["line"])
            if line is None:
                stale += 1
                why = "page not in --data" if page is None else "line not in its gold"
                print(f"{key[0]}/{key[1]}: {why}, class kept: {r['line'][:60]}", file=sys.stderr)
                continue
            block = block_of(element_of(texts, line))
            r["class"] = element_class(block, len(" ".join(line)))
            r["tag"] = block.tag if block is not None else ""
    if stale:
        print(f"{stale} of {len(rows)} lines not classed again", file=sys.stderr)
    return rows


def jobs(data: Path, only: list[str] | None):
    """Dev pages of every collection, taken in turn (a partial run is a fair sample)."""
    queues = []
    for name, rows in load_collections(data).items():
        if only and name not in only:
            continue
        chosen = [(s, p) for s, p in rows if split_of(s) == "dev"]
        traf = cached_run("trafilatura", plain_trafilatura, [p for _, p in chosen],
                          data / "cache", name)
        queues.append([(name, s, p, traf.get(p.page_id, "")) for s, p in chosen])
    for turn in range(max(map(len, queues), default=0)):
        yield from (q[turn] for q in queues if turn < len(q))


def summary(rows: list[dict], key: str) -> list[tuple]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        groups[r[key]].append(r)
    out = []
    for name, items in groups.items():
        steps = Counter(r["step"] for r in items).most_common(3)
        out.append((name, len(items), len({r["page"] for r in items}),
                    len({r["site"] for r in items}), len({r["collection"] for r in items}),
                    sum(r["recall"] for r in items), steps))
    return sorted(out, key=lambda t: -t[5])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--collection", action="append", help="only these collections")
    ap.add_argument("--reclass", type=Path, help="class the lines of this run's --out again")
    args = ap.parse_args()
    if args.reclass:
        rows = [json.loads(x) for x in args.reclass.read_text(encoding="utf-8").splitlines()]
        rows = reclass(rows, args.data)
        args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                            encoding="utf-8")
        print_tables(rows)
        return 0
    print("collections:", GOLD_SETS + SHARED_SETS + (SNIPPET_SET,), file=sys.stderr)
    rows = []
    with Pool(args.workers) as pool, args.out.open("w", encoding="utf-8") as out:
        for done, page_rows in enumerate(pool.imap_unordered(
                analyse_page, jobs(args.data, args.collection))):
            rows += page_rows
            out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in page_rows)
            out.flush()
            if done % 50 == 0:
                print(f"{done} pages, {len(rows)} lost lines", file=sys.stderr, flush=True)
    print_tables(rows)
    return 0


def print_tables(rows: list[dict]) -> None:
    for key in ("class", "step", "position"):
        print(f"\n| {key} | lines | pages | sites | collections | summed recall | top steps |")
        print("|---|---|---|---|---|---|---|")
        for name, n, pages, sites, cols, rec, steps in summary(rows, key):
            top = ", ".join(f"{s} {c}" for s, c in steps)
            print(f"| {name} | {n} | {pages} | {sites} | {cols} | {rec:.2f} | {top} |")


if __name__ == "__main__":
    raise SystemExit(main())
