"""Word-level diffs of article texts (Russian, Belarusian, any script Python's ``\\w`` knows).

Texts are compared as sequences of words and punctuation marks after Unicode NFC, so a changed
letter marks its whole word, and re-wrapped lines, doubled spaces or moved paragraph breaks are
no edit at all. ``difflib.SequenceMatcher`` (standard library) does the alignment. The words
both texts share at the start and at the end are set aside first, and only the changed middle
is capped at ``MAX_TOKENS`` tokens a side: an edit near the end of a long text is still
found, and a middle longer than the cap is reported whole past the cap (removed and added, not
aligned) with a note saying so, never as "no change". difflib's alignment is quadratic, or
worse, in a middle of few distinct tokens (a rule of dashes) or of evenly spaced changes, even
within the cap, so its work is bounded too (``MATCH_BUDGET``): past it the middle is aligned
over fewer tokens, the rest reported whole with a note.
"""

from __future__ import annotations

import difflib
import itertools
import re
import unicodedata
from dataclasses import dataclass

# A number with decimal or thousands marks ("2,1", "1.250"), a word (letters/digits, with inner
# hyphens or apostrophes: "военно-политический", "з'езд", "пад’езд") or one punctuation mark.
# Everything else (whitespace) only separates.
_TOKEN = re.compile(r"\d+(?:[.,]\d+)+|\w+(?:[-'’ʼ]\w+)*|[^\w\s]", re.UNICODE)
_PUNCT = re.compile(r"[^\w\s]")
MAX_TOKENS = 50_000
_MARGIN = 50  # shared tokens kept each side of the changed middle
# candidate token pairs difflib may visit in one alignment (3M-20M a second): a realistic text
# of 44,000 words with one edit visits 41M untrimmed (5 s), 8,000 dashes 16M (3 s), 50,000
# dashes many minutes; every retry over a smaller middle gets half the last one's budget
MATCH_BUDGET = 16_000_000  # about 5 s at worst, then the retries about as long


@dataclass(frozen=True)
class Op:
    """One run of the diff: ``kind`` is "equal", "delete", "insert" or "note" (a remark on the
    diff itself, e.g. that the cap cut the alignment; no words of either text)."""

    kind: str
    text: str


def tokens(text: str) -> list[str]:
    """All tokens of ``text`` (no cap: the cap applies to the changed middle, see ``_opcodes``)."""
    return _TOKEN.findall(unicodedata.normalize("NFC", text or ""))


def cut_note(a_rest: int, b_rest: int, cap: int | None = None) -> str:
    """What a diff says where the changed middle was longer than the cap, or (``cap``: the
    tokens a side it did align) than aligning within ``MATCH_BUDGET`` allows."""
    why = (f"the change runs over {MAX_TOKENS:,} words a side" if cap is None else
           f"the change is too long or repetitive to align past {cap:,} words a side")
    return (f"{why}: its last {a_rest:,} and {b_rest:,} words are shown removed and added "
            "whole, not aligned")


_CLOSING = re.compile(r"[.,:;!?)»”\]]")


def _join(words: list[str]) -> str:
    """The words with a space between, none before closing punctuation: readable, not
    reconstructive. (Joined once: adding to a string word by word took seconds a long
    text.)"""
    parts: list[str] = []
    for word in words:
        if parts and not _CLOSING.fullmatch(word):
            parts.append(" ")
        parts.append(word)
    return "".join(parts)


def word_diff(old: str, new: str) -> list[Op]:
    """The edit from ``old`` to ``new`` as equal/delete/insert runs of words ([] if none)."""
    a, b = tokens(old), tokens(new)
    if a == b:
        return []
    ops: list[Op] = []
    for tag, i1, i2, j1, j2 in _opcodes(a, b):
        if tag == "equal":
            ops.append(Op("equal", _join(a[i1:i2])))
            continue
        if tag.startswith("cut"):  # "cut" or "cut <tokens aligned a side>"
            cap = int(tag[4:]) if tag[4:] else None
            ops.append(Op("note", cut_note(i2 - i1, j2 - j1, cap)))
        if i2 > i1:
            ops.append(Op("delete", _join(a[i1:i2])))
        if j2 > j1:
            ops.append(Op("insert", _join(b[j1:j2])))
    return ops


def changed_words(ops: list[Op]) -> tuple[int, int]:
    """(words removed, words added)."""
    def words(text: str) -> int:
        return sum(1 for t in tokens(text) if not _PUNCT.fullmatch(t))

    removed = sum(words(op.text) for op in ops if op.kind == "delete")
    added = sum(words(op.text) for op in ops if op.kind == "insert")
    return removed, added


def render_text(ops: list[Op], context: int = 8) -> str:
    """A wdiff-style summary: ``[-removed-]{+added+}`` with ``context`` words around each
    change; long unchanged stretches become "…"."""
    parts: list[str] = []
    last = len(ops) - 1
    for n, op in enumerate(ops):
        if op.kind == "delete":
            parts.append(f"[-{op.text}-]")
        elif op.kind == "insert":
            parts.append(f"{{+{op.text}+}}")
        elif op.kind == "note":
            parts.append(f"[…{op.text}…]")
        else:
            parts.append(_context(op.text.split(" "), context, first=n == 0, last=n == last))
    return " ".join(p for p in parts if p)


def _context(words: list[str], context: int, first: bool, last: bool) -> str:
    if first and last:
        return " ".join(words)
    if first:
        return " ".join((["…"] if len(words) > context else []) + words[-context:])
    if last:
        return " ".join(words[:context] + (["…"] if len(words) > context else []))
    if len(words) <= 2 * context:
        return " ".join(words)
    return " ".join([*words[:context], "…", *words[-context:]])


Piece = tuple[str, str]  # (kind, original text): "equal", "delete" or "insert"


class _OverBudget(Exception):
    """An alignment would visit more candidate pairs than its budget."""


class _Bounded(difflib.SequenceMatcher):
    """difflib's matcher, raising _OverBudget before a search that would take its visits of
    candidate pairs past ``budget``. A search over ``a[alo:ahi]`` visits at most, for each of
    those tokens, its occurrences in ``b`` (plus one): charged up front, so giving up costs
    nothing."""

    def __init__(self, a: list[str], b: list[str], budget: int) -> None:
        super().__init__(a=a, b=b, autojunk=False)
        self.left = budget
        self.cost = list(itertools.accumulate((len(self.b2j.get(t, ())) + 1 for t in a),
                                              initial=0))

    def find_longest_match(self, alo: int = 0, ahi: int | None = None, blo: int = 0,
                           bhi: int | None = None) -> difflib.Match:
        ahi = len(self.a) if ahi is None else ahi
        self.left -= self.cost[ahi] - self.cost[alo]
        if self.left < 0:
            raise _OverBudget
        return super().find_longest_match(alo, ahi, blo, bhi)


def _opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """Opcodes over the whole of ``a`` and ``b``: the common prefix and suffix are "equal"
    without alignment, the middle is aligned up to ``MAX_TOKENS`` tokens a side, and what
    of the middle lies past the cap is one "cut" run (changed, not aligned). An alignment
    over ``MATCH_BUDGET`` is tried again with the shared start and end set aside, then over a
    quarter of the tokens each time (none at last), at half the budget: the run past it is
    "cut <tokens aligned a side>"."""
    trim, cap, budget = max(len(a), len(b)) > MAX_TOKENS, MAX_TOKENS, MATCH_BUDGET
    while True:
        try:
            return _aligned(a, b, trim, cap, budget)
        except _OverBudget:
            trim, cap, budget = True, cap if not trim else cap // 4, budget // 2


def _aligned(a: list[str], b: list[str], trim: bool, cap: int, budget: int
             ) -> list[tuple[str, int, int, int, int]]:
    """:func:`_opcodes` with the shared start and end set aside or not, aligning at most
    ``cap`` tokens a side within ``budget``."""
    la, lb = len(a), len(b)
    pre = suf = 0
    if trim:  # texts within the cap are aligned whole, as difflib likes
        while pre < la and pre < lb and a[pre] == b[pre]:
            pre += 1
        while suf < la - pre and suf < lb - pre and a[la - 1 - suf] == b[lb - 1 - suf]:
            suf += 1
        # a few shared words stay with the middle so difflib may place an edit's edge
        # ("атмосфере {+. Позднее …+}" or "атмосфере. {+Позднее … .+}") as it would whole
        pre, suf = max(0, pre - _MARGIN), max(0, suf - _MARGIN)
    end_a, end_b = la - suf, lb - suf
    cap_a, cap_b = min(end_a, pre + cap), min(end_b, pre + cap)
    out: list[tuple[str, int, int, int, int]] = [("equal", 0, pre, 0, pre)] if pre else []
    matcher = _Bounded(a[pre:cap_a], b[pre:cap_b], budget)
    out += [(tag, pre + i1, pre + i2, pre + j1, pre + j2)
            for tag, i1, i2, j1, j2 in matcher.get_opcodes()]
    if cap_a < end_a or cap_b < end_b:
        out.append(("cut" if cap == MAX_TOKENS else f"cut {cap}", cap_a, end_a, cap_b, end_b))
    if suf:
        out.append(("equal", end_a, la, end_b, lb))
    return out


def marked_sides(old: str, new: str) -> tuple[list[Piece], list[Piece]]:
    """Both texts cut into pieces with their original spacing and paragraph breaks, the
    removed words of ``old`` marked "delete" and the added words of ``new`` marked "insert"."""
    old, new = unicodedata.normalize("NFC", old or ""), unicodedata.normalize("NFC", new or "")
    spans_a = [m.span() for m in _TOKEN.finditer(old)]
    spans_b = [m.span() for m in _TOKEN.finditer(new)]
    a = [old[s:e] for s, e in spans_a]
    b = [new[s:e] for s, e in spans_b]
    left: list[Piece] = []
    right: list[Piece] = []
    for tag, i1, i2, j1, j2 in _opcodes(a, b):
        changed = tag != "equal"
        _cut(old, spans_a, i1, i2, "delete" if changed else "equal", left)
        _cut(new, spans_b, j1, j2, "insert" if changed else "equal", right)
    _tail(old, spans_a, left)
    _tail(new, spans_b, right)
    return left, right


def _cut(text: str, spans: list[tuple[int, int]], i1: int, i2: int, kind: str,
         out: list[Piece]) -> None:
    """Tokens i1..i2 as one piece of ``kind``, the text before them (spacing) as "equal"."""
    if i1 >= i2:
        return
    before = spans[i1 - 1][1] if i1 else 0
    if spans[i1][0] > before:
        out.append(("equal", text[before:spans[i1][0]]))
    out.append((kind, text[spans[i1][0]:spans[i2 - 1][1]]))


def _tail(text: str, spans: list[tuple[int, int]], out: list[Piece]) -> None:
    end = spans[-1][1] if spans else 0
    if end < len(text):
        out.append(("equal", text[end:]))
