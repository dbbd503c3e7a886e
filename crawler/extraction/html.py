"""lxml helpers: parsing, rule selectors ("css" or "css @attr"), and block-level text walking."""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from urllib.parse import urlsplit

import lxml.html
from lxml import etree
from lxml.cssselect import CSSSelector

from crawler.urls import joined

BLOCK_TAGS = frozenset({
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "h1", "h2", "h3", "h4", "h5",
    "h6", "pre", "table", "tr", "td", "th", "section", "article", "header", "footer", "main",
    "br", "hr", "figure", "address", "center",
})
SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title", "meta",
                       "link", "iframe", "object", "embed", "svg", "canvas", "select", "option",
                       "textarea", "button", "input"})

_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False,
                               huge_tree=True, default_doctype=False, encoding="utf-8")


# what opens or closes a script or style (raw text: CDATA there is theirs), opens a comment
# (the parser drops it, CDATA and all), or opens CDATA
_RAW_OR_CDATA = re.compile(r"<(/?)(script|style)\b|<!--|<!\[CDATA\[", re.IGNORECASE)
_RAW_OPEN = re.compile(r"<(?:script|style)\b", re.IGNORECASE)


def without_cdata(text: str) -> str:
    """XHTML's ``<![CDATA[…]]>`` text sections as escaped text: the HTML parser would take
    one for a bogus comment ending at its first ``>``, losing the text. A section is only one
    whose ``]]>`` comes before the next script or style (that ``]]>`` is the script's own
    ``//]]>``: taken for this one's end, the whole article between became text); one in a
    comment is the comment's. One forward pass (no backtracking regex: unclosed sections must
    not make it quadratic)."""
    if "<![CDATA[" not in text:
        return text
    out: list[str] = []
    pos = skip = 0  # skip: the end of a comment or section already passed
    raw = None  # the script/style element we are inside
    ends = _NextFrom(lambda at: text.find("]]>", at))
    raws = _NextFrom(lambda at: (m.start() if (m := _RAW_OPEN.search(text, at)) else -1))
    for match in _RAW_OR_CDATA.finditer(text):
        if match.start() < skip:
            continue
        if tag := (match.group(2) or "").lower():
            closing = bool(match.group(1))
            if raw is None and not closing:
                raw = tag
            elif raw == tag and closing:
                raw = None
            continue
        if raw:
            continue
        if match.group() == "<!--":
            close = text.find("-->", match.end())
            skip = len(text) if close < 0 else close + 3
            continue
        end = ends.after(match.end())
        if end < 0:
            break  # no section ends anywhere after
        if 0 <= raws.after(match.end()) < end:
            continue  # no section: left to the parser, as a browser reads it
        out += [text[pos:match.start()], html.escape(text[match.end():end], quote=False)]
        pos = skip = end + 3
    out.append(text[pos:])
    return "".join(out)


class _NextFrom:
    """The first position at or after a point where something occurs (-1: nowhere), found
    again only once the point passes it: many openings before one far end cost one search."""

    def __init__(self, find: Callable[[int], int]) -> None:
        self.find = find
        self.start, self.found = -1, -1

    def after(self, at: int) -> int:
        if self.start < 0 or at < self.start or (0 <= self.found < at):
            self.start, self.found = at, self.find(at)
        return self.found


# C0 controls other than tab, line feed and carriage return, and the noncharacters U+FFFE and
# U+FFFF: invisible, and lxml lets them into the parsed text (also as ``&#7;``, ``&#xFFFE;``)
# but refuses to store them again, so any step that rewrites a text (long words cut, line
# breaks marked) raised ValueError on such a page, and trafilatura found nothing on it
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def without_controls(text: str) -> str:
    """``text`` without C0 control characters and U+FFFE/U+FFFF; a form feed is a space."""
    return CONTROLS.sub("", text.replace("\x0c", " "))


def parse_html(text: str) -> lxml.html.HtmlElement:
    """Parse a whole page; raise ValueError when there is nothing to parse."""
    if not text.strip():
        raise ValueError("empty document")
    text = without_controls(without_cdata(text))
    root = etree.fromstring(text.encode("utf-8", "replace"), _PARSER)
    if _stopped_deep():
        # libxml2 stops at 2048 levels (huge_tree) and drops the rest of the page, the
        # article after a deep widget with it; read again with the deep tags left out
        root = etree.fromstring(_flattened(text).encode("utf-8", "replace"), _PARSER)
        if _stopped_deep():
            raise ValueError(f"nested deeper than the parser reads ({PARSER_MAX_DEPTH} "
                             "elements): the page after that point is not read")
    if root is None:
        raise ValueError("no HTML document could be parsed")
    return root


PARSER_MAX_DEPTH = 2048  # libxml2's limit with huge_tree
FLATTEN_DEPTH = 1000  # tags deeper than this are left out when a page went past the limit
_TAG = re.compile(r"<(/?)([a-zA-Z][\w:.-]*)(?:\s[^>]*)?>")
# What a page nests thousands deep (a widget's divs, an old CMS's unclosed <font>): a block's
# tag left out is a line break, an inline one nothing.
_WRAPPERS = {**dict.fromkeys(("div", "section", "article", "main", "aside", "header", "footer",
                              "nav", "center", "table", "tbody", "thead", "tr", "td", "th"),
                             "<br>"),
             **dict.fromkeys(("span", "font", "b", "i", "u", "em", "strong", "small", "big"), "")}
_RAW_TEXT = {name: re.compile(f"</{name}", re.IGNORECASE)
             for name in ("script", "style", "textarea", "title")}
_VOID = frozenset(("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr"))


def _stopped_deep() -> bool:
    return any("Excessive depth" in entry.message for entry in _PARSER.error_log)


def _flattened(text: str) -> str:
    """``text`` without the wrapper tags (``_WRAPPERS``) that open or close deeper than
    FLATTEN_DEPTH: their text is kept, a block's end as a line break; paragraphs, headings
    and lists stay what they are. Depth is counted from the tags as written (void and
    self-closed ones aside), which over-counts where HTML closes elements unsaid; that only
    leaves out more deep wrappers."""
    out: list[str] = []
    depth = last = pos = 0
    while match := _TAG.search(text, pos):
        closing, name = match.group(1), match.group(2).lower()
        pos = match.end()
        if name in _RAW_TEXT and not closing:  # its text is no markup: on to its end tag
            end = _RAW_TEXT[name].search(text, pos)
            pos = end.start() if end else len(text)
        if name in _VOID or match.group().endswith("/>"):
            continue
        if closing:
            drop = depth > FLATTEN_DEPTH
            depth = max(depth - 1, 0)
        else:
            depth += 1
            drop = depth > FLATTEN_DEPTH
        if drop and name in _WRAPPERS:
            out.append(text[last:match.start()])
            out.append(_WRAPPERS[name])
            last = match.end()
    out.append(text[last:])
    return "".join(out)


def resolved_base(url: str, href: str | None) -> str:
    """What relative links resolve against on a page at ``url`` whose ``<base href>`` is
    ``href``: that base (itself relative to ``url``) when it is an http(s) URL, else ``url``
    (a base that is no URL raised ValueError, ending the reading of the page)."""
    if not href or not href.strip():
        return url
    base = joined(url, href.strip())  # None: no URL (``http://[::1``), as if there were none
    return base if base is not None and urlsplit(base).scheme in ("http", "https") else url


def document_base(tree: etree._Element, url: str) -> str:
    """The URL the page's relative links resolve against, as a browser resolves them: its
    first ``<base href>``, else its own ``url`` (old CMSs link everything relative to a base
    that is not the page's folder)."""
    node = next((n for n in tree.iter("base") if n.get("href")), None)
    return resolved_base(url, node.get("href") if node is not None else None)


@lru_cache(maxsize=1024)
def _compiled(spec: str) -> tuple[CSSSelector, str | None]:
    css, _, attr = spec.partition(" @")
    return CSSSelector(css.strip(), translator="html"), (attr.strip() or None)


_ATTRIBUTE = re.compile(r"[A-Za-z_][-\w.:]*")
_SAMPLE = lxml.html.fromstring("<html><body><div class='a' id='b'><h1>t</h1><p>x</p></div>"
                               "</body></html>")


def check_selector(spec: str) -> None:
    """Raise ValueError when ``spec`` ("css" or "css @attr") is no selector: rule tables are
    checked when loaded, not on the first page a bad rule meets. It is run once on a small
    page, as a selector that compiles may still fail on every page, and an attribute must be
    a name; ``:contains()`` is refused (its XPath function is not found on the crawl's
    parsed pages); a ``:has()`` inside a ``:has()`` is
    refused: each level multiplies the work by the page's size (one held a crawl for
    minutes on a page 40 elements deep)."""
    css, _, attr = spec.partition(" @")
    if not css.strip():
        raise ValueError(f"{spec!r} has no CSS selector")
    if attr.strip() and not _ATTRIBUTE.fullmatch(attr.strip()):
        raise ValueError(f"{spec!r}: {attr.strip()!r} is no attribute name")
    if _nested_has(css):
        raise ValueError(f"{spec!r}: a :has() inside a :has() costs the page's size times "
                         "itself per level; select the block another way")
    try:
        selector, _ = _compiled(spec)
        selector(_SAMPLE)
    except Exception as exc:  # cssselect raises SelectorSyntaxError, ExpressionError, …
        raise ValueError(f"{spec!r} is no CSS selector: {exc}") from None
    if "__lxml_internal_css:" in selector.path:  # (the XPath of :contains())
        raise ValueError(f"{spec!r}: :contains() does not run on the crawl's parsed pages "
                         "(lxml finds no lower-case() there, and names garbage in its error)")


def _nested_has(css: str) -> bool:
    """Whether a ``:has(`` opens inside another one's parentheses."""
    opened: list[bool] = []  # for each open parenthesis, whether it is a :has()'s
    lowered = css.lower()
    for at, char in enumerate(lowered):
        if char == "(":
            is_has = lowered.endswith(":has", 0, at)
            if is_has and any(opened):
                return True
            opened.append(is_has)
        elif char == ")" and opened:
            opened.pop()
    return False


def select_pairs(tree: etree._Element, spec: str,
                 read: Callable[[etree._Element], str] | None = None
                 ) -> list[tuple[etree._Element, str]]:
    """Every node the rule matches with its value (an attribute, or its text content as
    ``read`` gives it, :func:`text_content` by default), for callers that judge where a value
    sits on the page."""
    selector, attr = _compiled(spec)
    pairs = []
    for node in selector(tree):
        value = node.get(attr) if attr else (read or text_content)(node)
        if value and value.strip():
            pairs.append((node, value.strip()))
    return pairs


def select_values(tree: etree._Element, spec: str) -> list[str]:
    """Values of every node the rule matches: an attribute, or the node's text content."""
    return [value for _node, value in select_pairs(tree, spec)]


def first_value(tree: etree._Element, specs: tuple[str, ...]) -> str | None:
    values = first_match(tree, specs)[1]
    return values[0] if values else None


def all_values(tree: etree._Element, specs: tuple[str, ...]) -> list[str]:
    """Values of the first rule that matches anything (rules are alternatives, not additions)."""
    return first_match(tree, specs)[1]


def first_match(tree: etree._Element, specs: tuple[str, ...]) -> tuple[str | None, list[str]]:
    """The first rule that matches anything and its values; ``(None, [])`` when none does
    (extraction records which rule gave a field, see crawler.extraction.provenance)."""
    for spec in specs:
        values = select_values(tree, spec)
        if values:
            return spec, values
    return None, []


def select_nodes(tree: etree._Element, spec: str) -> list[etree._Element]:
    return _compiled(spec)[0](tree)


def text_content(node: etree._Element) -> str:
    """Text of a node without script/style contents; iterative, so deep trees cannot recurse."""
    return "".join(_iter_text(node))


def spaced_text(node: etree._Element) -> str:
    """Text of a node with a space where a block or ``<br>`` breaks it: a printed date reads
    its time on the next line (``02.12.2026<br>10:15``, ``<div>1 декабря 2026</div><div>16:35
    </div>``), which :func:`text_content` glues into one number ("02.12.202610:15")."""
    return " ".join(block_texts(node))


def _iter_text(node: etree._Element) -> Iterator[str]:
    for event, el in etree.iterwalk(node, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in SKIP_TAGS:
                continue
            if el.text and not _inside_skipped(el, node):
                yield el.text
        elif el is not node and el.tail and not _inside_skipped(el.getparent(), node):
            yield el.tail


def _inside_skipped(el: etree._Element | None, stop: etree._Element) -> bool:
    while el is not None:
        if isinstance(el.tag, str) and el.tag in SKIP_TAGS:
            return True
        if el is stop:
            return False
        el = el.getparent()
    return False


def block_texts(node: etree._Element) -> list[str]:
    """Split a container into paragraphs at block-level boundaries (p, li, headings, br…).

    Walks iteratively (pages nested thousands of levels deep exist) and skips scripts.
    """
    return [text for text, _holder in block_runs(node)]


def block_runs(node: etree._Element, skip: Callable[[etree._Element], bool] | None = None,
               sep: str = "") -> Iterator[tuple[str, etree._Element]]:
    """The paragraphs of :func:`block_texts`, each with the element its text starts in (where
    on the page it sits); ``skip`` leaves out whole subtrees (a sidebar, the headline); ``sep``
    joins the texts of inline elements (" " keeps ``<span>10:00</span><span>12 марта</span>``
    apart where only the stylesheet separates them)."""
    current: list[str] = []
    holder: list[etree._Element] = []
    skip_depth = 0

    def add(text: str, where: etree._Element | None) -> None:
        if not current and where is not None:
            holder[:] = [where]
        current.append(text)

    def flush() -> Iterator[tuple[str, etree._Element]]:
        if current:
            yield sep.join(current), holder[0] if holder else node
            current.clear()

    for event, el in etree.iterwalk(node, events=("start", "end")):
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if event == "start":
            if skip_depth or tag in SKIP_TAGS or not tag or (
                    skip is not None and el is not node and skip(el)):
                skip_depth += 1
                continue
            if tag in BLOCK_TAGS:
                yield from flush()
            if el.text:
                add(el.text, el)
        else:
            if skip_depth:
                skip_depth -= 1
                if skip_depth == 0 and el is not node and el.tail:
                    add(el.tail, el.getparent())
                continue
            if tag in BLOCK_TAGS:
                yield from flush()
            if el is not node and el.tail:
                add(el.tail, el.getparent())
    yield from flush()


def detached_copy(node: etree._Element) -> etree._Element:
    """A copy to prune freely: the caller's tree stays intact for metadata."""
    clone = copy.deepcopy(node)
    clone.tail = None
    return clone


def remove_nodes(root: etree._Element, specs: tuple[str, ...]) -> int:
    """Remove every node matching any selector, keeping the text that follows it."""
    removed = 0
    for spec in specs:
        for node in select_nodes(root, spec):
            if node is not root and remove_keeping_tail(node):
                removed += 1
    return removed


def remove_keeping_tail(node: etree._Element) -> bool:
    """Remove ``node`` from its tree, keeping the text that follows it (its tail); whether
    it had a parent to leave."""
    parent = node.getparent()
    if parent is None:
        return False
    if node.tail:
        prev = node.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)
    return True
