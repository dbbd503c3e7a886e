"""Convert public gold data into one local page file for ``bench/devset/score_devset.py``.

    .venv/bin/python -m bench.devset.build [--wcxb PATH] [--trafilatura-eval PATH]
        [--l3s-gn1 PATH] [--dragnet PATH] [--cleaneval PATH] [--chaos PATH] [--out DIR]

``PATH`` is a checkout (or an extracted ``git archive``) of WCXB, the Web Content eXtraction
Benchmark (github.com/Murrough-Foley/web-content-extraction-benchmark, CC-BY-4.0). Only its
``article`` pages are kept: the generic extractor serves news and long-form articles. The pages
stay outside the repository (third-party content); only this script and the figures are
committed. Writes ``<out>/wcxb-article.jsonl.gz``: one JSON object per page with ``id``,
``site``, ``url``, ``html`` and ``gold`` (the annotated main content).

``--trafilatura-eval PATH`` is a checkout, or a (bare) git clone, of trafilatura
(github.com/adbar/trafilatura, Apache-2.0): its evaluation corpus ``tests/evaldata.json``
(990 pages, many languages) gives per page snippets that must be in the output (``with``) and
snippets that must not (``without``), not a whole gold text. Writes
``<out>/trafilatura-eval.jsonl.gz``: ``id``, ``site``, ``url``, ``html``, ``with``, ``without``.
trafilatura was tuned on this corpus, so its own figure there is optimistic.

``--l3s-gn1 PATH`` is a checkout, or a (bare) git clone, of github.com/geodrome/page-signal,
which holds L3S-GN1 (Kohlschuetter et al., WSDM 2010; licence: research use only): 621
English news articles of 2008 from Google News, 408 sites, each labelled by assessors. Writes
``<out>/l3s-gn1.jsonl.gz`` like WCXB's; gold is the headline and full-text blocks. Each option
builds its own collection and leaves the others' files alone.

``--dragnet PATH`` is the Dragnet data (github.com/seomoz/dragnet_data, AGPL-3.0; collected by
Moz in 2012 from RSS feeds, news and blogs) unpacked as its README says: ``HTML/`` and
``Corrected/``. Writes ``<out>/dragnet.jsonl.gz``; gold is the copied text before the comments
marker. Its pages have no address: the site comes from the canonical or og:url address.

``--cleaneval PATH``: see :func:`cleaneval_pages`. ``--chaos PATH``: the "Chaos" news set of
github.com/MSVCode/ir-research-data (Utomo & Leu; "only for research purpose"), see
:func:`chaos_pages`.

The two sets in ``../shared/benchmarks`` need no conversion: the scorer reads them in place.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import subprocess
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from bench.devset.sites import site_of
from crawler.extraction.encoding import decode_html

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


class RepoFiles:
    """Files of a repository, from its work tree or, for a bare clone, from ``HEAD``.

    ``marker`` is a file the work tree has; without it ``root`` is read as a git directory.
    """

    def __init__(self, root: Path, marker: str = "tests/evaldata.json") -> None:
        self.root = root
        self.worktree = (root / marker).is_file()
        self._git: subprocess.Popen | None = None

    def read(self, path: str) -> bytes | None:
        """The file's bytes; None when it is not there."""
        if self.worktree:
            file = self.root / path
            return file.read_bytes() if file.is_file() else None
        if self._git is None:
            self._git = subprocess.Popen(["git", "-C", str(self.root), "cat-file", "--batch"],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self._git.stdin is not None and self._git.stdout is not None
        try:
            self._git.stdin.write(f"HEAD:{path}\n".encode())
            self._git.stdin.flush()
        except BrokenPipeError:  # git has exited: not a repository (it said why on stderr)
            return None
        header = self._git.stdout.readline().split()
        if len(header) < 3 or header[1] != b"blob":
            return None
        data = self._git.stdout.read(int(header[2]) + 1)
        return data[:-1]

    def close(self) -> None:
        if self._git is not None:
            self._git.communicate()


def page_url(key: str, html: str) -> str:
    """The page's address: the corpus key when it is one, else the page's canonical/og:url.

    A few keys are labels ("hard::nationnews.com-schools.html"), which would make up a site;
    without a canonical address the label's host part (up to the first "-") is taken.
    """
    if urlsplit(key).scheme in ("http", "https"):
        return key
    return own_address(html) or "https://" + key.rpartition("::")[2].partition("-")[0] + "/"


def own_address(html: str) -> str | None:
    """The page's canonical or og:url address, when it gives an absolute one."""
    try:
        tree = lxml.html.document_fromstring(html)
        found = tree.xpath('//link[@rel="canonical"]/@href | //meta[@property="og:url"]/@content')
    except (ValueError, etree.LxmlError):
        found = []
    for address in found:
        if urlsplit(address.strip()).scheme in ("http", "https"):
            return address.strip()
    return None


def trafilatura_eval_pages(root: Path) -> Iterator[dict]:
    """Pages of trafilatura's evaluation corpus with their ``with``/``without`` snippets.

    A page's file is looked for under ``tests/cache`` first, then ``tests/eval`` (the corpus's
    own order). A page whose file is missing is reported and skipped, not silently lost.
    """
    files = RepoFiles(root)
    raw = files.read("tests/evaldata.json")
    if raw is None:
        raise SystemExit(f"{root}: no tests/evaldata.json (not a trafilatura checkout or clone)")
    try:
        for url, entry in sorted(json.loads(raw).items()):
            body = None
            for folder in ("cache", "eval"):
                body = files.read(f"tests/{folder}/{entry['file']}")
                if body is not None:
                    break
            if body is None:
                print(f"skipped {url}: file {entry['file']!r} not found")
                continue
            html, _charset = decode_html(body)
            url = page_url(url, html)
            yield {"id": f"traf-{entry['file']}", "site": site_of(url), "url": url, "html": html,
                   "with": entry["with"], "without": entry["without"]}
    finally:
        files.close()


L3S_DIR = "L3S-GN1-20100130203947-00001"
L3S_GOLD = ("x-nc-sel1", "x-nc-sel2")  # headline, full text (not captions, related, comments)
_UUID = re.compile(r"<urn:uuid:([0-9a-f-]{36})>")


def _label(element: etree._Element, inherited: str) -> str:
    """The L3S label an element gives its text: its own ``x-nc-sel*`` class, else its parent's."""
    if element.get("class", "").strip() == "x-nc-invisible":
        return "invisible"
    for name in element.get("class", "").split():
        if name.startswith("x-nc-sel"):
            return name
    return inherited


def l3s_gold(annotated: str) -> str:
    """Headline and full-text blocks of an L3S-GN1 annotated page, in page order.

    The assessors' labels are ``<span class="x-nc-selN">`` around text blocks, nested (a
    "not content" span can hold a row with a headline span in it): text takes the label of
    its nearest labelled ancestor. Elements marked ``x-nc-invisible`` were not seen by the
    assessors and are skipped.
    """
    pieces: list[tuple[str, str]] = []  # (label, text); ("", "") ends a labelled block

    def walk(element: etree._Element, inherited: str) -> None:
        label = _label(element, inherited)
        if label == "invisible":
            return
        labelled = label != inherited
        if labelled:
            pieces.append(("", ""))
        pieces.append((label, element.text or ""))
        for child in element:
            if isinstance(child.tag, str):
                walk(child, label)
            pieces.append((label, child.tail or ""))
        if labelled:
            pieces.append(("", ""))

    walk(lxml.html.document_fromstring(annotated), "")
    blocks, current = [], []
    for label, text in pieces + [("", "")]:
        if label in L3S_GOLD:
            current.append(text)
            continue
        block = " ".join("".join(current).split())
        if block:
            blocks.append(block)
        current = []
    return "\n".join(blocks)


def l3s_gn1_pages(root: Path) -> Iterator[dict]:
    """Pages of L3S-GN1 (621 Google News articles of 2008, 408 sites, English).

    ``root`` is a checkout or git clone of github.com/geodrome/page-signal, which holds the
    dataset as HTML files (``original/`` as crawled, ``annotated/`` with the labels) and
    ``url-mapping.txt`` (record id to address). A page missing a file is reported and skipped.
    """
    files = RepoFiles(root, f"{L3S_DIR}/url-mapping.txt")
    try:
        mapping = files.read(f"{L3S_DIR}/url-mapping.txt")
        if mapping is None:
            raise SystemExit(f"{root}: no {L3S_DIR}/url-mapping.txt (not a page-signal checkout)")
        for line in sorted(mapping.decode("utf-8", errors="replace").splitlines()):
            found, _, url = line.partition("\t")
            match = _UUID.fullmatch(found.strip())
            if match is None:
                continue
            uuid, url = match.group(1), url.strip()
            original = files.read(f"{L3S_DIR}/original/{uuid}.html")
            annotated = files.read(f"{L3S_DIR}/annotated/{uuid}.html")
            if original is None or annotated is None:
                print(f"skipped {url}: {uuid}.html missing in original/ or annotated/")
                continue
            html, _charset = decode_html(original)
            gold = l3s_gold(decode_html(annotated)[0])
            if not gold:
                print(f"skipped {url}: no headline or full-text block annotated")
                continue
            yield {"id": f"l3s-{uuid}", "site": site_of(url), "url": url, "html": html,
                   "gold": gold}
    finally:
        files.close()


DRAGNET_COMMENTS = "!@#$%^&*()  COMMENTS"
# the marker as the assessors typed it: in 20 of its ~414 files with one or three spaces, a
# symbol missing, doubled or swapped ("!@ $%^&*()  COMMENTS", "!#@$%^&*() COMMENTS")
_COMMENTS_LINE = re.compile(r"(?m)^[ \t]*[!@#$%^&*()][!@#$%^&*() \t]{5,}COMMENTS[ \t\r]*$")


def dragnet_pages(root: Path) -> Iterator[dict]:
    """Pages of the Dragnet data (1,381 news and blog articles of 2012, from RSS feeds).

    ``root`` has the dataset's layout: ``HTML/X.html`` and ``Corrected/X.html.corrected.txt``
    (the text assessors copied from the page; what follows a ``DRAGNET_COMMENTS`` line, as
    typed, is comments, not gold). The data carries no address: the site is the page's canonical or og:url host,
    and a page without one is reported and skipped (a made-up site would break the split).
    """
    corrected = root / "Corrected"
    if not corrected.is_dir():
        raise SystemExit(f"{root}: no Corrected/ folder (not the Dragnet data layout)")
    for gold_file in sorted(corrected.glob("*.html.corrected.txt")):
        name = gold_file.name.removesuffix(".corrected.txt")
        page_file = root / "HTML" / name
        if not page_file.is_file():
            print(f"skipped {name}: not in HTML/")
            continue
        html, _charset = decode_html(page_file.read_bytes())
        url = own_address(html)
        gold = gold_file.read_text(encoding="utf-8", errors="replace")
        gold = _COMMENTS_LINE.split(gold, maxsplit=1)[0].strip()
        if url is None or not gold:
            print(f"skipped {name}: " + ("no canonical or og:url address" if url is None
                                          else "empty gold text"))
            continue
        yield {"id": f"dragnet-{name.removesuffix('.html')}", "site": site_of(url), "url": url,
               "html": html, "gold": gold}


# CleanEval's gold marks each text block's start with its kind: <p> paragraph, <h> heading,
# <l> list item (the markers open a line, after any spaces)
_CLEANEVAL_MARK = re.compile(r"(?im)^[ \t]*<[phl]>")
# the wrapper the organisers put around each page, naming its address
_CLEANEVAL_TEXT = re.compile(r"""<text\s[^>]*?\bid=["']?(https?://[^"'\s>]+)""", re.I)


def cleaneval_gold(text: str) -> str:
    """A CleanEval gold file as plain text: the ``URL:`` line off, each block a paragraph,
    character references read (``&#039;`` would be a token of its own)."""
    text = re.sub(r"^\s*URL:[^\n]*\n", "", text)
    blocks = (" ".join(block.split()) for block in _CLEANEVAL_MARK.split(text))
    return unescape("\n\n".join(block for block in blocks if block))


def cleaneval_pages(root: Path) -> Iterator[dict]:
    """Pages of CleanEval (SIGWAC shared task, 2007: its development and final sets, 58 and
    740 English web pages of every kind, with the text assessors kept).

    ``root`` holds ``cleaneval-dev/`` and/or ``cleaneval-final/``, each with ``input/N.html``
    and ``GoldStandard/N.txt``, as github.com/j-szulc/html-cleaning-dataset-merged mirrors
    them. The address is the organisers' ``<text id="…">`` wrapper; a page without one, or
    without a gold file, is reported and skipped.
    """
    parts = [root / part for part in ("cleaneval-dev", "cleaneval-final")
             if (root / part / "input").is_dir()]
    if not parts:
        raise SystemExit(f"{root}: no cleaneval-dev/input or cleaneval-final/input folder")
    for part in parts:
        for page_file in sorted(part.glob("input/*.html"), key=lambda f: (len(f.stem), f.stem)):
            label = f"{part.name}/{page_file.name}"
            gold_file = part / "GoldStandard" / f"{page_file.stem}.txt"
            page, _charset = decode_html(page_file.read_bytes())
            address = _CLEANEVAL_TEXT.search(page[:4096])
            gold = (cleaneval_gold(gold_file.read_text(encoding="utf-8", errors="replace"))
                    if gold_file.is_file() else "")
            if address is None or not gold:
                print(f"skipped {label}: " + ("no gold file" if not gold_file.is_file() else
                                              "empty gold text" if address else
                                              'no <text id="…"> address'))
                continue
            url = unescape(address.group(1))
            yield {"id": f"{part.name}-{page_file.stem}", "site": site_of(url), "url": url,
                   "html": page, "gold": gold}


def _cp1252_or_utf8(raw: bytes) -> str:
    """A gold file saved as UTF-8 or, as most of Chaos's were (Windows Notepad), cp1252."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def chaos_pages(root: Path) -> Iterator[dict]:
    """Pages of the "Chaos" set (Utomo & Leu: 360 news pages of 2017, the first ten Google
    results of 36 queries, from about 240 sites), with the text its authors copied: the
    headline, then the article as the page shows it.

    ``root`` is a checkout (or extracted ``git archive``) of github.com/MSVCode/ir-research-data,
    or its ``Extraction/`` folder: ``chaos-all/html/NAME.htm(l)`` and ``chaos-all/gold/NAME.txt``.
    The pages carry no address but their canonical or og:url one (as Dragnet's); a page
    without one, or without a gold file, is reported and skipped.
    """
    base = next((b for b in (root / "Extraction" / "chaos-all", root / "chaos-all")
                 if (b / "html").is_dir()), None)
    if base is None:
        raise SystemExit(f"{root}: no Extraction/chaos-all/html or chaos-all/html folder")
    for page_file in sorted((base / "html").iterdir()):
        gold_file = base / "gold" / f"{page_file.stem}.txt"
        html, _charset = decode_html(page_file.read_bytes())
        url = own_address(html)
        gold = _cp1252_or_utf8(gold_file.read_bytes()).strip() if gold_file.is_file() else ""
        if url is None or not gold:
            print(f"skipped {page_file.name}: " + ("no gold file" if not gold_file.is_file() else
                                                    "empty gold text" if url else
                                                    "no canonical or og:url address"))
            continue
        yield {"id": "chaos-" + "-".join(page_file.stem.replace(",", " ").replace("(", " ")
                                          .replace(")", " ").split()),
               "site": site_of(url), "url": url, "html": html, "gold": gold}


def write_pages(target: Path, pages: Iterator[dict] | list[dict]) -> None:
    count, sites = 0, set()
    with gzip.open(target, "wt", encoding="utf-8") as f:
        for page in pages:
            f.write(json.dumps(page, ensure_ascii=False) + "\n")
            count += 1
            sites.add(page["site"])
    print(f"{target}: {count} pages, {len(sites)} sites")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--wcxb", type=Path, help="WCXB checkout folder")
    ap.add_argument("--trafilatura-eval", type=Path,
                    help="trafilatura checkout or git clone (its tests/evaldata.json corpus)")
    ap.add_argument("--l3s-gn1", type=Path,
                    help="github.com/geodrome/page-signal checkout or git clone (L3S-GN1)")
    ap.add_argument("--dragnet", type=Path,
                    help="Dragnet data folder (HTML/ and Corrected/, as its README unpacks them)")
    ap.add_argument("--cleaneval", type=Path,
                    help="folder with cleaneval-dev/ and cleaneval-final/ (input/, GoldStandard/)")
    ap.add_argument("--chaos", type=Path,
                    help="github.com/MSVCode/ir-research-data checkout (Extraction/chaos-all)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args()
    if not (args.wcxb or args.trafilatura_eval or args.l3s_gn1 or args.dragnet or args.cleaneval
            or args.chaos):
        ap.error("give --wcxb, --trafilatura-eval, --l3s-gn1, --dragnet, --cleaneval and/or"
                 " --chaos (each builds one collection)")
    args.out.mkdir(parents=True, exist_ok=True)
    if args.wcxb:
        write_pages(args.out / "wcxb-article.jsonl.gz", wcxb_pages(args.wcxb))
    if args.trafilatura_eval:
        write_pages(args.out / "trafilatura-eval.jsonl.gz",
                    trafilatura_eval_pages(args.trafilatura_eval))
    if args.l3s_gn1:
        write_pages(args.out / "l3s-gn1.jsonl.gz", l3s_gn1_pages(args.l3s_gn1))
    if args.dragnet:
        write_pages(args.out / "dragnet.jsonl.gz", dragnet_pages(args.dragnet))
    if args.cleaneval:
        write_pages(args.out / "cleaneval.jsonl.gz", cleaneval_pages(args.cleaneval))
    if args.chaos:
        write_pages(args.out / "chaos.jsonl.gz", chaos_pages(args.chaos))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
