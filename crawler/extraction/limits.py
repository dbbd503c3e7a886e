"""Caps on what one page may cost an extraction worker (docs/extraction.md, "Limits").

Every step of extraction copies the page's text a few times (the parsed tree, our pruned copy,
trafilatura's copies, the cleaned lines), so a page's cost grows with its text and element
count, not with its bytes. Pages far beyond anything real are refused before that work starts,
with the cap they broke; a whitespace-free run of more than ``MAX_WORD_CHARS`` characters in
the page's visible text is no prose (a base64 image, a leaked blob, a hostile page's one
10-million-letter "word") and is taken out right after parsing, so it costs nothing later. The
item records how many such runs its text lost (``extractor.cut.long_words``).

The figures are the largest of the 1,414 benchmark pages (scrapinghub-aeb, daniel-ru,
wcxb-article) times about ten: decoded HTML 1.8 M characters, 4,975 elements, 196 k
characters of visible text; the longest whitespace-free token in their gold texts is 166
characters (a URL).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from lxml import etree

from crawler.extraction.html import SKIP_TAGS, without_cdata, without_controls

MAX_HTML_CHARS = 16_000_000  # decoded characters of one page
MAX_ELEMENTS = 100_000  # elements of its parsed tree
MAX_TEXT_CHARS = 2_000_000  # characters of visible text (outside scripts, styles, <head>)
MAX_WORD_CHARS = 1_000  # a longer run of visible text without a word break is dropped
# A title (og:title, JSON-LD headline, <h1>, <title>) longer than this is cut on a word
# boundary (the item schema has no maxLength: its digest is the corpus's version). The longest
# title the metadata step takes from the 446 benchmark pages of scrapinghub-aeb and daniel-ru
# is 164 characters (a headline with its standfirst glued on): six times that leaves room for the
# oddest real one, while a 1 MB <title> (a hostile or broken page) no longer goes into the
# item, the corpus and every index built of them.
MAX_TITLE_CHARS = 1_000
MAX_CLUSTER_STEP = 16  # characters a title's cut steps back to keep a cluster whole
_JOINING = frozenset("\u200d\ufe0e\ufe0f")  # zero-width joiner, variation selectors
# attributes of one element: lxml checks them for duplicates in quadratic time (200,000 held a
# parse for minutes); real markup has a few dozen at most
MAX_ATTRIBUTES = 1_000
CUT_WORD = "\ufdd0"  # a noncharacter (for internal use): where a long run was dropped
# What breaks a run as a space does: the punctuation of scripts written without spaces
# between words (Chinese and Japanese: CJK symbols and fullwidth punctuation, "，" "。" "、";
# Burmese, Khmer and Tibetan sentence and syllable marks; the Devanagari danda; Ethiopic
# wordspace and stops). A Chinese paragraph of 1,500 characters is prose, not one word.
_WORD_BREAKS = ("\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff5b-\uff65\u104a\u104b"
                "\u17d4-\u17d6\u0f0b-\u0f14\u0964\u0965\u1361-\u1368")
# the lookbehind makes a failed match cost one try per run, not one per character of it
_LONG_WORD = re.compile(rf"(?<![^\s{_WORD_BREAKS}])[^\s{_WORD_BREAKS}]{{{MAX_WORD_CHARS + 1},}}")
_CUT_OR_LONG = re.compile(rf"[^\S\n]*(?:{CUT_WORD}|{_LONG_WORD.pattern})[^\S\n]*")


def html_over_cap(text: str) -> str | None:
    """What is too large about a decoded page, or None."""
    if len(text) > MAX_HTML_CHARS:
        return f"{len(text):,} characters of HTML (at most {MAX_HTML_CHARS:,})"
    return None


# HTML's tokenizer, as far as telling an element's attributes needs it. Its spaces are these
# five (not Python's \s: a no-break space is part of a name or value); a form feed is made a
# space before parsing. One attribute after a tag's name: ``/`` and spaces apart, a name (any
# character but a space, ``/``, ``>``; no ``=`` after its first), then maybe ``=`` and a value
# quoted or not (unquoted, it runs to a space or ``>``: ``<`` and quotes are in it).
# Possessive throughout: a failed match never backtracks.
_SPACE = "\t\n\r "
_ATTRIBUTE = re.compile(rf"""[{_SPACE}/]*+[^{_SPACE}/>][^{_SPACE}/>=]*+"""
                        rf"""(?:[{_SPACE}]*+=[{_SPACE}]*+(?:"[^"]*+"|'[^']*+'|[^{_SPACE}>]*+))?+""")
# a comment, a start or end tag and its name, or a bogus comment (``<!x``, ``<?x``, ``</3``)
_MARKUP = re.compile(rf"<(?:(!--)|/?([A-Za-z][^{_SPACE}/>]*+)|([!?/]))")
_COMMENT_END = re.compile(r"->|>|.*?--!?>", re.S)  # after ``<!--``: ``<!-->``, ``<!--->`` end it
# Elements whose content is text to the tokenizer, not markup: no tag inside counts.
_RAW_TEXT = frozenset(("script", "style", "textarea", "title", "xmp", "iframe", "noembed",
                       "noframes"))


def crowded_element(text: str) -> str | None:
    """What is pathological about a page's markup before it is parsed (an element with more
    than ``MAX_ATTRIBUTES`` attributes), or None. lxml checks an element's attributes for
    duplicates in quadratic time: 200,000 took minutes. One pass over the text the parser
    sees (``parse_html``'s), tokenized as HTML is: comments and bogus comments to their end,
    raw-text elements to their end tag, each tag's attributes matched in turn; so its cost is
    linear in the page whatever the markup."""
    text = without_controls(without_cdata(text))
    pos = 0
    while (tag := _MARKUP.search(text, pos)) is not None:
        pos = tag.end()
        if tag.group(2) is None:  # a comment, or a bogus one running to its first ``>``
            end = _COMMENT_END.match(text, pos) if tag.group(1) else None
            close = end.end() if end else text.find(">", pos) + 1
            if close <= 0:
                return None  # it runs to the page's end
            pos = close
            continue
        count = 0
        while (attribute := _ATTRIBUTE.match(text, pos)) is not None:
            pos, count = attribute.end(), count + 1
            if count > MAX_ATTRIBUTES:
                return f"an element with more than {MAX_ATTRIBUTES:,} attributes"
        name = tag.group(2).lower()
        if name in _RAW_TEXT and text[tag.start() + 1] != "/":  # text to its end tag
            end_tag = re.compile(rf"</{re.escape(name)}(?=[{_SPACE}/>])", re.I).search(text, pos)
            if end_tag is None:
                return None
            pos = end_tag.start()
    return None


def tame_tree(tree: etree._Element) -> tuple[str | None, int]:
    """Drop over-long words from the visible text in place (each leaves a ``CUT_WORD``);
    return what is too large about the tree (or None) and how many words went. One walk."""
    elements = chars = skipped = 0
    cuts: list[int] = []
    for event, el in etree.iterwalk(tree, events=("start", "end")):
        if event == "start":
            elements += 1
            if elements > MAX_ELEMENTS:
                return f"more than {MAX_ELEMENTS:,} elements", 0
            tag = el.tag.lower() if isinstance(el.tag, str) else ""
            if skipped or not tag or tag in SKIP_TAGS:
                skipped += 1
            elif el.text:
                el.text = _without_long_words(el.text, cuts)
                chars += len(el.text)
            continue
        if skipped:
            skipped -= 1
        if not skipped and el is not tree and el.tail:
            el.tail = _without_long_words(el.tail, cuts)
            chars += len(el.tail)
    dropped = sum(cuts)
    if chars > MAX_TEXT_CHARS:
        return f"{chars:,} characters of visible text (at most {MAX_TEXT_CHARS:,})", dropped
    return None, dropped


def _without_long_words(text: str, cuts: list[int]) -> str:
    """``text`` with each long run replaced by a ``CUT_WORD`` (their number appended to ``cuts``)."""
    if len(text) <= MAX_WORD_CHARS:
        return text
    text, n = _LONG_WORD.subn(CUT_WORD, text)
    cuts.append(n)
    return text


def drop_long_words(paragraphs: Iterable[str]) -> tuple[list[str], int]:
    """``paragraphs`` without the long runs (marked in the tree, or over-long words from page
    data such as JSON-LD ``articleBody``), and how many there were; emptied ones go."""
    out: list[str] = []
    cut = 0
    for paragraph in paragraphs:
        if CUT_WORD in paragraph or len(paragraph) > MAX_WORD_CHARS:
            paragraph, n = _CUT_OR_LONG.subn(" ", paragraph)
            cut += n
            paragraph = paragraph.strip()
        if paragraph:
            out.append(paragraph)
    return out, cut


def cap_title(title: str) -> str:
    """``title`` cut to at most ``MAX_TITLE_CHARS`` characters: the words that fit and an
    ellipsis after them (one word longer than that all is cut where the cap falls)."""
    if len(title) <= MAX_TITLE_CHARS:
        return title
    end = MAX_TITLE_CHARS - 1  # room for the ellipsis
    # not between a letter and its combining marks or joined emoji (a few steps at most)
    for _ in range(MAX_CLUSTER_STEP):
        if end and (title[end] in _JOINING or title[end - 1] == "\u200d"
                    or unicodedata.category(title[end]) in ("Mn", "Me", "Mc")):
            end -= 1
    head = title[:end]
    inside_word = not (head[-1:].isspace() or title[end].isspace())
    # back to the last word boundary, unless that loses a quarter of the cap (a CJK title
    # with one early space, a word over the cap)
    if inside_word and len(words := head.rsplit(None, 1)) > 1 and \
            len(words[0]) >= MAX_TITLE_CHARS * 3 // 4:
        head = words[0]
    return head.rstrip() + "\u2026"


def without_cut_marks(text: str | None) -> str | None:
    """A field read from the tree (title, subtitle, section) without the marks of dropped
    runs; None when nothing else is left."""
    if text is None or CUT_WORD not in text:
        return text
    return " ".join(text.replace(CUT_WORD, " ").split()) or None


def without_cut_marks_in(values: list[str]) -> list[str]:
    """A list field (authors, tags) without the marks of dropped runs, nor what was only one."""
    return [kept for value in values if (kept := without_cut_marks(value))]
