"""Text normalisation shared by every extraction path (the seed-document format)."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable

# Characters that must vanish: invisible ones (soft hyphen, zero-width space and joiners, word
# joiner, BOM), controls other than the whitespace ones, and the noncharacters U+FFFE/U+FFFF.
# Odd spaces (no-break, thin, ideographic, tab, form feed…) are whitespace to ``str.split``,
# so they become plain spaces.
# One regex pass and a split: ``str.translate`` with a table and a ``\s+`` substitution took
# three times as long (the crawl cleans every paragraph of every page).
# The zero-width joiners stay after a letter of a script that spells with them (``_JOINING``:
# Persian "می‌گویند" is two glued parts, not "میگویند"; Urdu, Kurdish; Indic conjuncts) and in
# emoji sequences; in a Cyrillic or Latin word (pasted, or set against copying) they go. The
# check looks behind a joiner only once it matched, so the pass costs what it did.
_JOINING = ("\u0600-\u08ff\u0900-\u0dff\ufb50-\ufdff\ufe70-\ufefc\ufe0f\u2600-\u27bf"
            "\U0001f000-\U0001faff")
_GONE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff\x00-\x08\x0e-\x1f\x7f\ufffe\uffff]"
                   f"(?<![{_JOINING}][\u200c\u200d])")
# an entity reference left in text (escaped twice by a CMS): with its semicolon only, so that
# "AT&T", "&copy2020" stay as written
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")
MAX_UNESCAPES = 3  # "&amp;amp;quot;" is escaped three times
# characters that show nothing: format marks (Cf), combining marks without a base (Mn, Me),
# separators, and the letters that render blank (Hangul fillers, the Braille blank)
_SHOWS_NOTHING = frozenset("\u115f\u1160\u3164\uffa0\u2800")
_BLANK_CATEGORIES = frozenset({"Cf", "Mn", "Me", "Zs", "Zl", "Zp", "Cc"})


def shows_something(text: str) -> bool:
    """Whether ``text`` has a character a reader sees (a line of bidi marks, blank letters or
    stray combining marks is an empty paragraph)."""
    return any(c not in _SHOWS_NOTHING and unicodedata.category(c) not in _BLANK_CATEGORIES
               for c in text)


def unescape_entities(text: str) -> str:
    """``text`` with the entity references a CMS escaped twice (``&amp;quot;`` shows as
    ``&quot;`` on the page) read as their characters."""
    for _ in range(MAX_UNESCAPES):
        if "&" not in text:
            break
        unescaped = _ENTITY.sub(lambda m: html.unescape(m.group()), text)
        if unescaped == text:
            break
        text = unescaped
    return text


def clean_line(text: str) -> str:
    """One paragraph or title: entities escaped twice read, NFC, odd spaces and invisible
    characters fixed, whitespace collapsed; empty when nothing in it shows.

    Quotes and dashes are left exactly as the outlet wrote them.
    """
    text = " ".join(_GONE.sub("", unicodedata.normalize("NFC", unescape_entities(text))).split())
    return text if shows_something(text) else ""


_WORD = re.compile(r"\w+")


def folded_words(text: str) -> list[str]:
    """``text``'s words, casefolded, quotes and punctuation aside: what two names or
    headlines are compared by."""
    return _WORD.findall(text.casefold())


PARAGRAPH_SEPARATOR = "\n\n"  # the body layout analyzers read: one blank line between


def drop_repeats(lines: Iterable[str]) -> list[str]:
    """``lines`` with a line repeated back-to-back kept once."""
    out: list[str] = []
    for line in lines:
        if not out or out[-1] != line:
            out.append(line)
    return out


def clean_paragraphs(paragraphs: Iterable[str]) -> list[str]:
    """Clean each paragraph, drop empty ones and keep a paragraph repeated back-to-back once."""
    return drop_repeats(line for line in map(clean_line, paragraphs) if line)


def join_paragraphs(paragraphs: Iterable[str]) -> str:
    """The body layout analyzers read: paragraphs separated by one blank line."""
    return PARAGRAPH_SEPARATOR.join(clean_paragraphs(paragraphs))
