"""Article text a page carries as data instead of markup: JSON-LD ``articleBody``, or the state
a client-side app renders from (Next.js ``__NEXT_DATA__``, Nuxt ``__NUXT_DATA__`` or
``window.__NUXT__``, ``window.__INITIAL_STATE__`` and the like).

A client-rendered page ships an empty ``<div id="root">`` and the article in a ``<script>``; a
server-rendered one may show a teaser while its JSON-LD holds the whole text. The HTML
extraction then finds nothing (``no_body``) or a part. :func:`structured_fallback` is asked
only then (crawler.extraction.body). No JavaScript is ever run: JSON is parsed, any other
script is only scanned for its string literals, and every step is capped in size and depth.

App state is not declared as an article the way JSON-LD is, so a string (or a list of
paragraph blocks) counts only where it sits beside the page's own headline in the state (at
most ``ANCHOR_REACH`` containers up): a listing's teasers each sit beside their own title.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import Any

import lxml.html
from lxml import etree

from crawler.extraction.dateline import same_headline, title_key
from crawler.extraction.generic import is_meta_line
from crawler.extraction.html import block_texts
from crawler.extraction.metadata import json_ld_objects, ld_types
from crawler.extraction.normalize import clean_line, clean_paragraphs
from crawler.extraction.pagekind import ARTICLE_TYPES, is_prose
from crawler.extraction.provenance import APP_STATE, JSON_LD

MIN_BODY_CHARS = 40  # an HTML body shorter than this is no body (extraction's MIN_TEXT_CHARS)
SHORTER_SHARE = 0.5  # an HTML body at most this share of the structured one is a part of it
PREFIX_CHARS = 100  # word characters of the HTML body's start the structured text must hold...
PREFIX_SLACK = 300  # ...within its first PREFIX_CHARS + this (a standfirst or dateline before)
MIN_STATE_PROSE = 300  # prose characters an app-state candidate needs (a summary has fewer)
LITERAL_REACH = 2000  # characters between a loose string literal and the headline's literal
MIN_PROSE_SHARE = 0.5  # share of a candidate's characters that must be prose
MIN_SCRIPT_CHARS = 200  # a shorter script holds no article
MAX_SCRIPT_CHARS = 5_000_000  # a larger script is skipped, not parsed
MAX_STATE_CHARS = 10_000_000  # script text read per page, all scripts together
MAX_STRING_CHARS = 1_000_000  # of one string, read as text or HTML
MAX_DEPTH = 64  # JSON nesting searched
MAX_NODES = 100_000  # JSON values visited per page
MAX_INLINE_DEPTH = 8  # nesting of one paragraph block (rich-text spans inside a block)
ANCHOR_REACH = 2  # containers between a candidate and the one holding the page's headline
MIN_LIST_SHARE = 0.5  # share of a list's items that must give text for it to be a body

_JSON_TYPES = frozenset({"application/json", "text/json"})
_SCRIPT_TYPES = frozenset({"", "text/javascript", "application/javascript", "module"}) | _JSON_TYPES
_TAG = re.compile(r"<(?:p|br|div|h[1-6]|ul|ol|li|blockquote|strong|b|em|i|a|span|figure)\b[^>]*>",
                  re.IGNORECASE)
_BLANK_LINE = re.compile(r"\n[ \t\r]*\n")
_ASSIGNMENT = re.compile(r"\s*(?:(?:var|let|const)\s+)?((?:(?:window|self|globalThis)\s*\.\s*)?"
                         r"[A-Za-z_$][\w$]*)\s*=\s*")
_JS_STRING = re.compile(r'"([^"\\\n]*(?:\\.[^"\\\n]*)*)"')
_JS_HEX = re.compile(r"\\x([0-9a-fA-F]{2})")
_JS_KEY = re.compile(r"""["']?([A-Za-z_$][\w$-]*)["']?\s*:\s*$""")
_WORD = re.compile(r"\w+")
# Keys whose values are a block's text in rich-text formats (Editor.js data.text, ProseMirror
# and Contentful content/value, Portable Text children/text, CMS html/body fields).
TEXT_KEYS = frozenset({"text", "html", "content", "contents", "value", "body", "children", "data",
                       "paragraph", "markup", "items"})
_SPAN_KINDS = frozenset({"text", "span"})
# Keys of a card (a teaser, a link, a menu entry), which paragraph blocks never have.
CARD_KEYS = frozenset({"title", "headline", "name", "url", "href", "slug", "link", "permalink",
                       "path"})
_JSONML_TAG = re.compile(r"[a-z][a-z0-9-]{0,19}")
# Keys whose values are no article text: captions and credits, summaries, SEO and share
# fields, media, and other articles (related, recommended, navigation, comments). Their whole
# subtree is left out of the search; compared as lower-case words without "_" and "-".
SKIP_KEYS = re.compile(
    r"caption|credit|alt|description|summary|excerpt|teaser|subtitle|subheadline|dek|lead|"
    r"abstract|seo|meta|og|twitter|share|social|keywords?|tags?|image|images|photo|photos|media|"
    r"video|videos|gallery|promo|thumbnail|related|recommend|recommended|more|latest|popular|"
    r"trending|nav|navigation|menu|header|footer|sidebar|comments?|ads?|advert|analytics|"
    r"tracking|datalayer|utag")


@dataclass(frozen=True)
class StructuredBody:
    """Paragraphs read from data, and where (a provenance label: ``json-ld``, ``app-state:<name>``)."""

    paragraphs: list[str]
    source: str

    @property
    def method(self) -> str:
        """The item's ``extractor.method``: ``json-ld`` or ``app-state``."""
        return self.source.partition(":")[0]


def string_paragraphs(text: str) -> list[str]:
    """A text field as paragraphs: HTML has its tags stripped at block boundaries (figures and
    their captions left out, as the HTML extraction does); plain text splits at blank lines,
    else at line breaks."""
    text = text[:MAX_STRING_CHARS]
    if _TAG.search(text):
        try:
            node = lxml.html.fragment_fromstring(text, create_parent="div")
        except (ValueError, etree.LxmlError):
            return []
        for figure in node.xpath(".//figure|.//figcaption"):
            figure.drop_tree()
        return clean_paragraphs(block_texts(node))
    text = html.unescape(text)
    return clean_paragraphs(_BLANK_LINE.split(text) if _BLANK_LINE.search(text)
                            else text.split("\n"))


def _is_article(obj: dict[str, Any]) -> bool:
    return any(k in ARTICLE_TYPES or k.endswith("Article") for k in ld_types(obj))


def ld_body(tree: etree._Element, title: str | None) -> StructuredBody | None:
    """The ``articleBody`` of the page's JSON-LD article (Article, NewsArticle,
    ReportageNewsArticle, BlogPosting…, inside ``@graph`` too); of several, the one whose
    headline is the page's (a listing's JSON-LD can hold one per teaser)."""
    found = [o for o in json_ld_objects(tree) if _is_article(o)
             and isinstance(o.get("articleBody"), str) and o["articleBody"].strip()]
    if len(found) > 1:
        found = [o for o in found if title and isinstance(o.get("headline"), str)
                 and same_headline(o["headline"], title)]
    if len(found) != 1:
        return None
    paragraphs = string_paragraphs(found[0]["articleBody"])
    return StructuredBody(paragraphs, JSON_LD) if paragraphs else None


def _looks_like_prose(paragraph: str) -> bool:
    """Running text, not a URL, a token, base64, code or a keyword list ("a;b;c", "a|b")
    that is long enough to pass is_prose."""
    if not is_prose(paragraph):
        return False
    size = len(paragraph)
    letters = sum(c.isalpha() for c in paragraph)
    code = sum(paragraph.count(mark) for mark in ("{", "}", '":', "|", ";"))
    return paragraph.count(" ") * 25 >= size and letters >= 0.6 * size and code * 50 < size


def _prose_chars(paragraphs: list[str]) -> int:
    """Characters of prose in ``paragraphs``; 0 when prose is not most of them."""
    prose = sum(len(p) for p in paragraphs if _looks_like_prose(p))
    return prose if prose >= MIN_PROSE_SHARE * sum(map(len, paragraphs)) else 0


def _span_like(item: Any) -> bool:
    """A rich-text span (ProseMirror/Portable Text ``{"type": "text", "text": …}``): spans of a
    paragraph join without a break."""
    if not isinstance(item, dict):
        return False
    kind = item.get("type") or item.get("_type") or item.get("nodeType")
    return isinstance(kind, str) and kind in _SPAN_KINDS


def skipped_key(key: str) -> bool:
    """Whether a state key names something other than article text (SKIP_KEYS), by its words:
    ``imageCaption``, ``seo_description``, ``relatedArticles``, ``promo-items``."""
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", key).replace("_", " ").replace("-", " ")
    return any(SKIP_KEYS.fullmatch(w) for w in words.lower().split())


def is_jsonml(value: Any, min_len: int = 2) -> bool:
    """A JsonML element (``["p", {attributes}, "text", ["a", {…}, "link"], …]``, Medium's and
    Condé Nast's body format); ``min_len`` 1 admits an empty one (``["hr"]``)."""
    return (isinstance(value, list) and len(value) >= min_len and isinstance(value[0], str)
            and bool(_JSONML_TAG.fullmatch(value[0])))


def _inline_text(value: Any, depth: int = 0) -> str:
    """The text of one block: its strings under TEXT_KEYS, spans joined, blocks on new lines."""
    if isinstance(value, str):
        return value
    if depth >= MAX_INLINE_DEPTH:
        return ""
    if is_jsonml(value, 1):  # its children inline; attributes (a dict) left out
        return "".join(_inline_text(v, depth + 1) for v in value[1:] if not isinstance(v, dict))
    if isinstance(value, dict):
        parts = [_inline_text(v, depth + 1) for k, v in value.items()
                 if k in TEXT_KEYS and not skipped_key(k)]
        return "\n".join(p for p in parts if p)
    if isinstance(value, list):
        glue = "" if value and all(map(_span_like, value)) else "\n"
        return glue.join(t for t in (_inline_text(v, depth + 1) for v in value) if t)
    return ""


def card_list(items: list[Any]) -> bool:
    """A list of cards (teasers, links: most of its objects have a title, a name or a URL),
    not of paragraph blocks: a listing's state, which must not become a body."""
    objects = [i for i in items if isinstance(i, dict)]
    cards = sum(1 for i in objects if any(str(k).lower() in CARD_KEYS for k in i))
    return len(objects) >= 2 and cards >= MIN_LIST_SHARE * len(objects)


def list_paragraphs(items: list[Any]) -> list[str]:
    """A list of paragraph strings or paragraph blocks (Editor.js, ProseMirror, Portable Text,
    a CMS's own, JsonML) as paragraphs; [] for a list of mixed things (Nuxt's flattened state).
    A JsonML element's paragraphs are its child elements."""
    if is_jsonml(items):
        items = [i for i in items[1:] if not isinstance(i, dict)]
    if card_list(items):
        return []
    if not (all(isinstance(i, str) for i in items) or all(isinstance(i, dict) for i in items)
            or all(is_jsonml(i, 1) for i in items)):
        return []
    texts = [t for t in (_inline_text(i).strip() for i in items) if t]
    if len(texts) < MIN_LIST_SHARE * len(items):
        return []
    return [p for t in texts for p in string_paragraphs(t)]


@dataclass
class _Search:
    """The best anchored candidate found so far in one page's app state."""

    title: str
    best: list[str]
    score: int = 0
    nodes: int = 0

    def __post_init__(self) -> None:
        self._first_word = title_key(self.title).partition(" ")[0]

    def consider(self, paragraphs: list[str]) -> None:
        score = _prose_chars(paragraphs)
        if score > self.score:
            self.best, self.score = paragraphs, score

    def names_headline(self, value: Any) -> bool:
        """Whether ``value`` is the page's headline; a value without the headline's first word
        is ruled out before the words are compared (states hold thousands of short strings)."""
        if not (isinstance(value, str) and len(self.title) <= 3 * len(value) + 30
                and len(value) <= 3 * len(self.title) + 60):
            return False
        value = html.unescape(value) if "&" in value else value  # "You&#39;re" in a state
        return self._first_word in value.casefold() and same_headline(value, self.title)

    def holds_headline(self, value: dict[str, Any] | list[Any], children: list[Any]) -> bool:
        """Whether a container names the page's headline: as one of its strings, or (an
        object) as a string of one of its objects (``{"header": {"hed": …}, "body": …}``)."""
        return any(map(self.names_headline, children)) or isinstance(value, dict) and any(
            isinstance(c, dict) and any(map(self.names_headline, c.values())) for c in children)

    def walk(self, data: Any) -> None:
        """Every string and list within ANCHOR_REACH containers of one that holds the page's
        headline (not through a list of cards: a teaser's text sits beside its own title);
        iterative, bounded by MAX_DEPTH and MAX_NODES."""
        stack: list[tuple[Any, int, int]] = [(data, 0, ANCHOR_REACH + 1)]
        while stack and self.nodes < MAX_NODES:
            value, depth, reach = stack.pop()
            self.nodes += 1
            if isinstance(value, str):
                if reach <= ANCHOR_REACH and len(value) >= MIN_STATE_PROSE:
                    self.consider(string_paragraphs(value))
                continue
            if not isinstance(value, dict | list) or depth >= MAX_DEPTH:
                continue
            children = ([v for k, v in value.items() if not skipped_key(k)]
                        if isinstance(value, dict) else value)
            holds = self.holds_headline(value, children)
            if isinstance(value, list) and len(value) >= 2 and (holds or reach <= ANCHOR_REACH):
                self.consider(list_paragraphs(value))
            # the headline's container anchors what it holds; a list of cards anchors nothing
            below = 1 if holds else ANCHOR_REACH + 1 if card_list(children) else reach + 1
            stack.extend((child, depth + 1, below) for child in reversed(children))

    def near_headline(self, literals: list[Literal]) -> None:
        """Loose literals of a script that is no JSON (Nuxt 2's ``window.__NUXT__=(function(…)
        {…}(…))``): one is a candidate when it sits within LITERAL_REACH characters of the
        headline's literal, as the fields of one object do; a script can hold other
        articles' texts further on."""
        marks = [(start, end) for start, end, value in literals if self.names_headline(value)]
        for start, end, value in literals:
            if len(value) >= MIN_STATE_PROSE and any(
                    start - h_end <= LITERAL_REACH and h_start - end <= LITERAL_REACH
                    for h_start, h_end in marks):
                self.consider(string_paragraphs(value))


def _js_literal(raw: str) -> str | None:
    """A double-quoted JavaScript string's value (JSON escapes, plus ``\\xNN`` and ``\\'``)."""
    try:
        return json.loads('"' + _JS_HEX.sub(r"\\u00\1", raw).replace("\\'", "'") + '"', strict=False)
    except ValueError:
        return None


Literal = tuple[int, int, str]  # start and end offsets in the script, value


def _literals(text: str, min_chars: int) -> tuple[list[Any], list[Literal]]:
    """A script's string literals of ``min_chars`` or more: JSON documents among them
    (``JSON.parse("…")``) parsed, the rest as strings with their offsets."""
    documents: list[Any] = []
    strings: list[Literal] = []
    for match in _JS_STRING.finditer(text):
        if match.end() - match.start() < min_chars:
            continue
        key = _JS_KEY.search(text, max(0, match.start() - 40), match.start())
        if key and skipped_key(key.group(1)):  # caption:"…", description:"…"
            continue
        value = _js_literal(match.group(1))
        if not value:
            continue
        if value[0] in "{[" and len(value) >= MIN_SCRIPT_CHARS:
            try:
                documents.append(json.loads(value, strict=False))
                continue
            except (ValueError, RecursionError):
                pass
        strings.append((match.start(), match.end(), value))
    return documents, strings


def _parse_state(text: str, json_type: bool, min_literal: int
                 ) -> tuple[str | None, list[Any], list[Literal]]:
    """A script as (the variable it assigns, JSON documents, loose string literals of
    ``min_literal`` characters or more)."""
    stripped = text.lstrip()
    if json_type or stripped[:1] in ("{", "["):
        try:
            return None, [json.loads(text, strict=False)], []
        except (ValueError, RecursionError):
            pass
    name = None
    if match := _ASSIGNMENT.match(text):
        name = re.sub(r"^(?:window|self|globalThis)\s*\.\s*", "", match.group(1))
        if text[match.end():match.end() + 1] in ("{", "["):
            try:
                return name, [json.JSONDecoder(strict=False).raw_decode(text, match.end())[0]], []
            except (ValueError, RecursionError):
                pass  # a JavaScript object, not JSON: its literals below
    documents, strings = _literals(text, min_literal)
    return name, documents, strings


def _state_scripts(tree: etree._Element) -> list[tuple[etree._Element, str]]:
    """Inline scripts that may hold app state (no JSON-LD), within MAX_STATE_CHARS in all."""
    found: list[tuple[etree._Element, str]] = []
    budget = MAX_STATE_CHARS
    for node in tree.iter("script"):
        kind = (node.get("type") or "").strip().lower()
        text = node.text or ""
        if node.get("src") or kind not in _SCRIPT_TYPES or not (
                MIN_SCRIPT_CHARS <= len(text) <= MAX_SCRIPT_CHARS):
            continue
        budget -= len(text)
        if budget < 0:
            break
        found.append((node, kind))
    return found


def app_state_body(tree: etree._Element, title: str | None) -> StructuredBody | None:
    """The longest prose in the page's app state that sits beside the page's headline: a string
    (HTML or plain text) or a list of paragraph strings or blocks."""
    if not title or not title_key(title):
        return None
    best: tuple[int, list[str], str] | None = None
    nodes = 0
    min_literal = min(MIN_STATE_PROSE, len(title) // 3)  # a headline, or prose
    for node, kind in _state_scripts(tree):
        name, documents, strings = _parse_state(node.text or "", kind in _JSON_TYPES, min_literal)
        search = _Search(title, [], nodes=nodes)
        for document in documents:
            search.walk(document)
        search.near_headline(strings)
        nodes = search.nodes
        label = (node.get("id") or name or "script")[:64]
        if search.score >= MIN_STATE_PROSE and (best is None or search.score > best[0]):
            best = (search.score, search.best, f"{APP_STATE}:{label}")
        if nodes >= MAX_NODES:
            break
    return StructuredBody(best[1], best[2]) if best else None


def _key(paragraphs: list[str]) -> str:
    return "".join(_WORD.findall(" ".join(paragraphs).casefold()))


def continues(part: list[str], whole: list[str]) -> bool:
    """Whether ``whole`` starts with the text of ``part`` (allowing a standfirst or a dateline
    before it) and is much longer: ``part`` is a teaser or the server-rendered start of it."""
    head, full = _key(part), _key(whole)
    return (bool(head) and len(head) <= SHORTER_SHARE * len(full)
            and head[:PREFIX_CHARS] in full[:PREFIX_CHARS + PREFIX_SLACK])


# What a page shows where a script will put the text ("Загрузка...", "Loading…").
_PLACEHOLDER = re.compile(r"(?:загрузка|загружается|ид[её]т загрузка|загрузка материала|"
                          r"пожалуйста, подождите|loading|please wait)[\s.…]*", re.IGNORECASE)


def body_chars(paragraphs: list[str], title: str | None, subtitle: str | None = None) -> int:
    """The characters of ``paragraphs`` that may be body: a line that is the headline, alone
    or run into its subtitle, its date line and the placeholder a script fills ("Заголовок
    Подзаголовок 14 сентября 2025 Загрузка...": all trafilatura finds of a page whose body a
    script fills in), counts none; nor does the subtitle or a placeholder alone."""
    heads = [h for h in (clean_line(title or "").casefold(),
                         clean_line(subtitle or "").casefold()) if h]
    total = 0
    for line in paragraphs:
        rest, folded = line, line.casefold()
        for head in heads:
            if folded.startswith(head):
                rest = rest[len(head):].strip(" \t|·,—–-")
                folded = rest.casefold()
        if rest != line or _PLACEHOLDER.fullmatch(line):
            rest = _PLACEHOLDER.sub("", rest).strip(" \t|·,—–-")
            if not rest or is_meta_line(rest):
                continue
        total += len(line)
    return total


def structured_fallback(tree: etree._Element, paragraphs: list[str], title: str | None,
                        subtitle: str | None = None) -> StructuredBody | None:
    """The structured body to use instead of the HTML extraction's ``paragraphs``: when these
    are no body (under MIN_BODY_CHARS, the headline and its date line not counted:
    ``body_chars``), JSON-LD's article body, else the app state's; when they are a much
    shorter start of JSON-LD's article body (a teaser), that body. App state is not
    weighed against a body the HTML gave: unlike JSON-LD it declares nothing, and that case
    changed the benchmark pages (docs/extraction.md, *Text from data*)."""
    if body_chars(paragraphs, title, subtitle) < MIN_BODY_CHARS:
        return ld_body(tree, title) or app_state_body(tree, title)
    found = ld_body(tree, title)
    return found if found is not None and continues(paragraphs, found.paragraphs) else None
