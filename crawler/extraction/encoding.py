"""Turn response bytes into text: BOM, then the evidence of the bytes, then declarations.

Declared charsets are hints, not facts: regional CMSs declare UTF-8 and send windows-1251 and
the reverse, and real pages are dirty (a few stray windows-1251 bytes in a comment of a UTF-8
page, an ad in another charset). So:

0. UTF-16 and UTF-32 are told by where their zero bytes fall, with or without a BOM; a BOM
   the bytes after it contradict (a UTF-8 BOM before windows-1251) is dropped, not believed.
1. Bytes that are nearly all valid UTF-8 are UTF-8, whatever is declared: a single-byte
   charset practically never forms UTF-8 sequences by accident, and reading UTF-8 as a
   single-byte charset is always mojibake. The few bad bytes become U+FFFD, unless they
   hold Cyrillic prose of their own: then the page is a mix (a UTF-8 template around an
   article stored in windows-1251, or the reverse), and each word is read in its charset.
2. Valid UTF-8 whose text is itself UTF-8 read as a single-byte charset (double encoding,
   "РџСЂРµ..." or "Ð¿Ñ€Ð¸...") is decoded once more.
3. Otherwise a single-byte charset, declared or not, is taken only when its text reads like
   Cyrillic prose (``cyrillic_plausibility``), which mojibake of every kind does not.
"""

from __future__ import annotations

import codecs
import math
import re
from collections.abc import Sequence

from charset_normalizer import from_bytes

from archive.httputil import declared_charset, meta_charset_name
from crawler.extraction.limits import MAX_WORD_CHARS

# UTF-32 first: its little-endian BOM begins with UTF-16's
_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
              (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
WIDE_SAMPLE = 4096  # bytes judged for the zero-byte pattern of UTF-16/32
MARKUP_ZEROS = 0.2  # share of units whose high byte is zero: ASCII markup, spaces, digits
STRAY_ZEROS = 0.01  # share of zeros in the other byte column (NULs strewn in 8-bit text)
CYRILLIC_SINGLE_BYTE = tuple(codecs.lookup(c).name for c in (
    "cp1251", "koi8_r", "koi8_u", "iso8859_5", "cp866", "mac_cyrillic"))
# single-byte charsets UTF-8 gets wrongly decoded with, in the order double encoding is met
_DOUBLE_ENCODERS = ("cp1251", "cp1252", "koi8_r", "latin-1")
MAX_BAD_UTF8_SHARE = 0.05  # of the non-ASCII bytes: "nearly all" of them decode
PLAUSIBLE = 0.6
SAMPLE_WORDS = 400  # enough to judge a page; the test runs on every page of a crawl
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_WORD = re.compile(r"\S+")  # the words of str.split()
# a longer word is no prose; a page of one 10-million-letter word made a list of 10 million
# letters here
MAX_SAMPLE_WORD = MAX_WORD_CHARS
_NON_ASCII = re.compile("[^\x00-\x7f]")
_HIGH_RUN = re.compile(rb"[\x80-\xff]+")  # a word's non-ASCII bytes: one charset's, in a mix
MIN_MIX_LETTERS = 40  # Cyrillic letters each charset of a mixed page must hold (a sentence)
_UTF8_LEAD_FIRST, _UTF8_LEAD_LAST = 0xC2, 0xF4  # the bytes a multi-byte UTF-8 sequence opens with
_LOWER = re.compile("[\u0430-\u045f]")
_UPPER = re.compile("[\u0400-\u042f]")
# characters a Cyrillic word of real prose may contain besides its letters
_HIGH_BYTES = bytes(range(0x80, 0x100))
_WORD_PUNCT = re.escape("0123456789.,;:!?()[]{}\"'`«»„“”‘’‚-–—…/%*&+#№ʼ")
_UNCLEAN = re.compile(f"[^\u0400-\u04ff{_WORD_PUNCT}]|[\u0430-\u045f][\u0400-\u042f]")


# labels browsers know (the WHATWG Encoding Standard's) that Python's codecs do not
_WEB_ALIASES = {"x-mac-cyrillic": "mac_cyrillic", "x-mac-ukrainian": "mac_cyrillic"}


def normalise_charset(name: str | None) -> str | None:
    """Python's codec name for a declared charset, or None when Python does not know it."""
    if not name:
        return None
    name = name.strip().lower()
    try:
        return codecs.lookup(_WEB_ALIASES.get(name, name)).name
    except LookupError:
        return None


def header_charset(content_type: str | None) -> str | None:
    return normalise_charset(declared_charset(content_type))


def meta_charset(body: bytes) -> str | None:
    return normalise_charset(meta_charset_name(body))


def _clean_word(word: str) -> bool:
    """A word of real Cyrillic prose: Cyrillic letters and ordinary punctuation only, and no
    capital after a small letter (case-swapped and double-encoded text is full of both)."""
    return _UNCLEAN.search(word) is None


def cyrillic_plausibility(text: str) -> float:
    """How much ``text`` reads like Russian/Belarusian prose, 0..1 (0.5: too little to tell).

    Two tests over the first SAMPLE_WORDS words with Cyrillic letters, the weaker counts: the
    share of clean words (UTF-8 read as KOI8-R is mostly ``п``/``я`` between box-drawing signs,
    as windows-1251 it is ``Р``/``С`` between signs like ``µ``), and the share of small letters
    (~90 % in prose; windows-1251 read as KOI8-R, and the reverse, swaps the cases).
    """
    if _CYRILLIC.search(text) is None:
        return 0.0  # the common case abroad: no need to split a large page into words
    words: list[str] = []
    for match in _WORD.finditer(text):  # not text.split(): a list of every word of a large page
        word = match.group()
        if _CYRILLIC.search(word):
            words.append(word[:MAX_SAMPLE_WORD])
            if len(words) == SAMPLE_WORDS:
                break
    sample = " ".join(words)
    lower, upper = len(_LOWER.findall(sample)), len(_UPPER.findall(sample))
    if lower + upper < 20:
        return 0.5 if lower + upper else 0.0
    lower = lower / (lower + upper)
    clean = sum(map(_clean_word, words)) / len(words)
    return min(clean, lower / 0.8, 1.0)


def _zero_shares(sample: bytes, width: int) -> list[float]:
    """For each byte column of ``width``-byte units, the share of units with a zero there."""
    units = len(sample) // width
    if not units:
        return [0.0] * width
    return [sample[i:units * width:width].count(0) / units for i in range(width)]


def _wide_by_pattern(sample: bytes) -> str | None:
    """UTF-32 or UTF-16 told by where its zero bytes fall: the high bytes of ASCII markup and
    of spaces are zero in one column, while the other column (the low bytes) has none."""
    z = _zero_shares(sample, 4)
    if min(z[2], z[3]) >= 1 - STRAY_ZEROS and z[0] < 0.5:
        return "utf-32-le"
    if min(z[0], z[1]) >= 1 - STRAY_ZEROS and z[3] < 0.5:
        return "utf-32-be"
    low, high = _zero_shares(sample, 2)
    if high >= MARKUP_ZEROS and low <= STRAY_ZEROS:
        return "utf-16-le"
    if low >= MARKUP_ZEROS and high <= STRAY_ZEROS:
        return "utf-16-be"
    return None


def wide_codec(body: bytes) -> tuple[str, int] | None:
    """The UTF-16/UTF-32 codec ``body`` is in and the length of its BOM (0 without one), or
    None. A BOM is believed only when the bytes after it show that codec's pattern: a stray
    ``FF FE`` before UTF-8 or windows-1251 text would otherwise decode it all as CJK."""
    bom_len = next((len(bom) for bom, _ in _WIDE_BOMS if body.startswith(bom)), 0)
    codec = _wide_by_pattern(body[bom_len:bom_len + WIDE_SAMPLE])
    return (codec, bom_len) if codec else None


def _utf8_reading(body: bytes) -> tuple[str, bool]:
    """``body`` read as UTF-8 (bad bytes → U+FFFD), and whether nearly all its non-ASCII bytes
    are valid UTF-8. The reading serves the mixed-charset check too, either way."""
    text = body.decode("utf-8", "replace")
    bad = text.count("\ufffd") - body.count(b"\xef\xbf\xbd")
    if bad <= 0:
        return text, True  # clean UTF-8: no need to count the high bytes of a large page
    high = len(body) - len(body.translate(None, _HIGH_BYTES))
    return text, bad <= MAX_BAD_UTF8_SHARE * high


def mostly_utf8(body: bytes) -> bool:
    """Whether nearly all of ``body``'s non-ASCII bytes are valid UTF-8 (a description cut
    mid-character leaves a UTF-8 document UTF-8)."""
    return _utf8_reading(body)[1]


def undo_double_encoding(text: str) -> str:
    """UTF-8 that was decoded as a single-byte charset and encoded as UTF-8 again, restored;
    ``text`` itself when it is not that (or restoring it does not read better)."""
    first = _NON_ASCII.search(text)
    if first is None or cyrillic_plausibility(text) >= PLAUSIBLE:
        return text
    for codec in _DOUBLE_ENCODERS:
        try:
            lead = first.group().encode(codec)[0]
        except UnicodeEncodeError:
            continue
        if not _UTF8_LEAD_FIRST <= lead <= _UTF8_LEAD_LAST:
            continue  # re-encoded, the text could not be UTF-8: skip encoding a large page
        try:
            fixed = text.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if cyrillic_plausibility(fixed) >= PLAUSIBLE:
            return fixed
    return text


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode ``body``; return (text, codec used). NUL bytes are dropped from the text.

    A BOM is evidence like any other: UTF-16/32 is told by its zero bytes (BOM or not), and a
    UTF-8 BOM before bytes that are no UTF-8 (a template saved with a BOM, the article in
    windows-1251) is dropped and the bytes decoded as they are."""
    if wide := wide_codec(body):
        codec, bom_len = wide
        return body[bom_len:].decode(codec, "replace").replace("\x00", ""), codec
    body = _without_stray_bom(body)
    declared = [c for c in (header_charset(content_type), meta_charset(body)) if c]
    if body.isascii():
        return body.decode("ascii").replace("\x00", ""), declared[0] if declared else "ascii"
    text, mostly_utf8 = _utf8_reading(body)
    if mostly_utf8 and "\ufffd" not in text:
        return undo_double_encoding(text).replace("\x00", ""), "utf-8"
    if _may_mix(text, mostly_utf8) and (mixed := _two_charsets(body, declared)):
        return mixed[0].replace("\x00", ""), mixed[1]
    if mostly_utf8:
        return undo_double_encoding(text).replace("\x00", ""), "utf-8"
    text, codec = _single_byte(body, declared)
    return text.replace("\x00", ""), codec


def _may_mix(utf8: str, mostly_utf8: bool) -> bool:
    """Cheap test before :func:`_two_charsets` walks every word: enough bytes of each kind
    (``utf8``: the page read as UTF-8)."""
    if mostly_utf8:  # enough bad bytes for a sentence?
        return utf8.count("\ufffd") >= MIN_MIX_LETTERS // 2
    return len(_CYRILLIC.findall(utf8)) >= MIN_MIX_LETTERS


def _cyrillic_prose(text: str) -> bool:
    return (len(_CYRILLIC.findall(text)) >= MIN_MIX_LETTERS
            and cyrillic_plausibility(text) >= PLAUSIBLE)


def _two_charsets(body: bytes, declared: list[str]) -> tuple[str, str] | None:
    """A page in two charsets (a UTF-8 CMS template around an article stored in windows-1251,
    or the reverse), each word read in its own; None when the page is no such mix.

    The non-ASCII bytes of a word are one run: a run that is valid UTF-8 is UTF-8 (a
    single-byte Cyrillic word practically never is), the others are the single-byte charset
    their text reads as. Both parts must read as Cyrillic prose; the codec named is the
    single-byte one."""
    runs = [(m.start(), m.end()) for m in _HIGH_RUN.finditer(body)]
    utf8: dict[int, str] = {}
    for i, (start, end) in enumerate(runs):
        try:
            utf8[i] = body[start:end].decode("utf-8")
        except UnicodeDecodeError:
            continue
    if not _cyrillic_prose(" ".join(utf8.values())):
        return None
    rest = b" ".join(body[a:b] for i, (a, b) in enumerate(runs) if i not in utf8)
    single, codec = _single_byte(rest, declared)
    if not _cyrillic_prose(single):
        return None
    pieces: list[str] = []
    pos = 0
    for i, (start, end) in enumerate(runs):
        pieces.append(body[pos:start].decode("ascii"))
        pieces.append(utf8[i] if i in utf8 else body[start:end].decode(codec, "replace"))
        pos = end
    pieces.append(body[pos:].decode("ascii"))
    return "".join(pieces), codec


def _without_stray_bom(body: bytes) -> bytes:
    """``body`` without a BOM: the UTF-8 one is judged with the bytes after it, as if absent
    (valid UTF-8 is UTF-8 anyway), and a UTF-16 one here has no UTF-16 after it."""
    for bom, _codec in _WIDE_BOMS[2:] + ((codecs.BOM_UTF8, "utf-8"),):
        if body.startswith(bom):
            return body[len(bom):]
    return body


def _single_byte(body: bytes, declared: list[str]) -> tuple[str, str]:
    """Not UTF-8: undeclared or declared a Cyrillic single-byte charset, the one its letters
    read as (:func:`cyrillic_codec`); else the Cyrillic single-byte charset whose text reads
    as prose (a declared one first); else the declared charset; else what charset_normalizer
    guesses."""
    declared = [c for c in declared if c != "utf-8"]
    if (not declared or any(c in CYRILLIC_SINGLE_BYTE for c in declared)) and (
            cyrillic := cyrillic_codec(body, declared)) is not None:
        return body.decode(cyrillic, "replace"), cyrillic
    candidates = declared + [c for c in CYRILLIC_SINGLE_BYTE[:2] if c not in declared]
    decoded: dict[str, str] = {}
    for codec in candidates:
        try:
            decoded[codec] = body.decode(codec, "replace")
        except LookupError:
            continue
    scores = {c: cyrillic_plausibility(t) for c, t in decoded.items()}
    best = max(scores, key=lambda c: (c in declared and scores[c] >= PLAUSIBLE, scores[c]),
               default=None)
    if best is not None and scores[best] >= PLAUSIBLE:
        return decoded[best], best
    for codec in declared:
        if codec in decoded:
            return decoded[codec], codec  # nothing reads better than what the page says
    guess = from_bytes(body[:65536]).best()
    codec = normalise_charset(guess.encoding) if guess else None
    codec = codec or "utf-8"
    return body.decode(codec, "replace"), codec


# --- which Cyrillic single-byte charset the bytes are in, by their letters ------------------
# The five share the Cyrillic alphabet and differ in where they put it, so the wrong one
# reads real letters as other letters of the wrong case (windows-1251 as KOI8-R: "мНБНЯРХ"),
# as signs (as cp866 or mac-cyrillic: "═ютюёЄш", "Ќовости дн€") or as rare letters. Each
# reading is scored as a text a Russian or Belarusian writer could have written: the
# frequency of its letters, the case shape of its words, what stands between them.
CYRILLIC_READINGS = tuple(codecs.lookup(c).name for c in (
    "cp1251", "koi8_r", "cp866", "iso8859_5", "mac_cyrillic"))
# per mille, of Russian and Belarusian prose together (і and ў are Belarusian's и and у)
_LETTER_PER_MILLE = {
    "о": 95, "а": 85, "е": 75, "и": 60, "н": 65, "т": 60, "с": 50, "р": 47, "в": 45,
    "л": 43, "к": 35, "м": 32, "д": 30, "п": 28, "у": 27, "я": 22, "ы": 21, "і": 20,
    "ь": 17, "г": 17, "з": 17, "б": 16, "ч": 15, "й": 12, "х": 10, "ж": 9, "ў": 8,
    "ц": 7, "ш": 7, "ю": 6, "э": 4, "щ": 3, "ё": 3, "ф": 2, "ъ": 0.4, "є": 0.3,
    "ї": 0.2, "ґ": 0.1,
}
_LETTER_COST = {c: -math.log(n / 1000) for c, n in _LETTER_PER_MILLE.items()}
_RARE = -math.log(1e-5)  # another Cyrillic letter (Serbian ђ, Macedonian ќ), a box-drawing sign
_SIGN_COST = -math.log(0.01)  # the typography of Russian text: «» — – … № „“ ” ‘ ’ NBSP °
_SIGNS = frozenset("«»—–…№„“”’\u00a0°•")
_OPENERS, _CLOSERS = frozenset("«„№"), frozenset("»…")  # never after, before a letter
_DASHES = frozenset("—–")  # between spaces: "Минск — столица", never "—порт"
_IN_WORDS = frozenset("’\u00a0")  # between letters too: Belarusian аб’ява, в\u00a0Минске
_MISPLACED = -math.log(1e-3)  # a sign where typography never puts it: "н№“", "сл»ово"
# the case shape of a word, by how often prose has it: small, Capitalised, ALL CAPS; any
# other (a small letter before a capital: windows-1251 read as KOI8-R) is mojibake's
_SHAPE_COST = {"lower": -math.log(0.8), "title": -math.log(0.15), "upper": -math.log(0.04),
               "mixed": -math.log(1e-4)}
_VOWELS = frozenset("аеёиоуыэюяіїє")
# spellings no Russian or Belarusian word has: a sign or ы opening it, after a vowel or a
# sign; ъ before anything but an iotated vowel (the readings of Greek as Cyrillic: "оь")
_NO_SUCH_SPELLING = re.compile("^[ьъы]|(?<=[аеёиоуыэюяіїєьъй])[ьъы]|ъ(?![еёюя])")
_RUN_COST = -math.log(0.1)  # each letter past two consonants, or two vowels, in a row
_WORD_OR_SIGN = re.compile(r"[^\W\d_]+|[^\x00-\x7f]")
LETTER_SAMPLE = 4000  # non-ASCII bytes judged: enough for a page, little for a large one
MIN_LETTER_EVIDENCE = -5.0  # mean score of a non-ASCII character in a Cyrillic reading
RELABEL_MARGIN = 5.0  # how much better another reading must be than the declared one
_CYRILLIC_LETTER = re.compile("[\u0400-\u04ff]")


def _word_shape(word: str) -> str:
    if word.islower():
        return "lower"
    if word.isupper():
        return "upper" if len(word) > 1 else "title"
    return "title" if word[0].isupper() and word[1:].islower() else "mixed"


def _word_cost(word: str) -> float:
    """The cost of a word of a reading (its non-ASCII letters only count: the ASCII is the
    same in every reading), Cyrillic letters next to Latin ones are mojibake (``cafй``)."""
    cost = sum(_LETTER_COST.get(c, _RARE) for c in word.lower() if not c.isascii())
    if word.isascii():
        return 0.0
    if not all(_CYRILLIC_LETTER.match(c) for c in word):
        return cost + _SHAPE_COST["mixed"]
    lower = word.lower()
    return cost + _SHAPE_COST[_word_shape(word)] + _cluster_cost(lower) + _MISPLACED * len(
        _NO_SUCH_SPELLING.findall(lower))


def _cluster_cost(word: str) -> float:
    """What a word's runs of three consonants or vowels cost ("дпммбтб", all consonants, is
    "ДОЛЛАРА" in windows-1251 read as KOI8-R; prose has few runs: "встреча", "строй")."""
    cost, run, last = 0.0, 0, None
    for letter in word:
        vowel = letter in _VOWELS
        run = run + 1 if vowel == last else 1
        last = vowel
        cost += _RUN_COST if run >= 3 else 0.0
    return cost


def _sign_cost(text: str, at: int) -> float:
    """The cost of the non-letter ``text[at]``: typography where it stands, else a rare sign."""
    sign = text[at]
    if sign not in _SIGNS:
        return _RARE
    after = at > 0 and text[at - 1].isalpha()
    before = at + 1 < len(text) and text[at + 1].isalpha()
    if sign in _IN_WORDS or not (after or before):
        return _SIGN_COST
    if (after and before) or sign in _DASHES or (after and sign in _OPENERS) or (
            before and sign in _CLOSERS):
        return _MISPLACED
    return _SIGN_COST


def letter_evidence(text: str) -> float:
    """How well ``text`` reads as Russian or Belarusian, as the mean negative cost of its
    non-ASCII characters (about -3 for prose, below -6 for mojibake); 0.0 without any."""
    cost, count = 0.0, 0
    for match in _WORD_OR_SIGN.finditer(text):
        piece = match.group()
        if piece.isascii():
            continue
        if len(piece) == 1 and not piece.isalpha():
            cost += _sign_cost(text, match.start())
            count += 1
            continue
        cost += _word_cost(piece)
        count += sum(not c.isascii() for c in piece)
    return -cost / count if count else 0.0


def _letter_sample(body: bytes) -> bytes:
    """The non-ASCII runs of ``body`` with the byte either side (what tells a word's
    neighbours), up to LETTER_SAMPLE bytes of them, joined by spaces."""
    pieces, size = [], 0
    for match in _HIGH_RUN.finditer(body):
        pieces.append(body[max(match.start() - 1, 0):match.end() + 1])
        size += match.end() - match.start()
        if size >= LETTER_SAMPLE:
            break
    return b" ".join(pieces)


def cyrillic_codec(body: bytes, declared: Sequence[str] = ()) -> str | None:
    """The Cyrillic single-byte charset ``body`` (not UTF-8) is in, judged by its letters
    (:func:`letter_evidence`): a declared one (the first of ``declared`` in
    CYRILLIC_READINGS) unless another reads clearly better (RELABEL_MARGIN: windows-1251
    labelled KOI8-R, the reverse); undeclared, the best reading when it reads as Cyrillic
    text at all, else None (a short feed's few words left to charset_normalizer were read
    as mac-cyrillic or Shift_JIS). KOI8-U is one when declared."""
    said = [c for c in declared if c in CYRILLIC_SINGLE_BYTE]
    sample = _letter_sample(body)
    readings = dict.fromkeys((*said, *CYRILLIC_READINGS))
    scores = {c: letter_evidence(sample.decode(c, "replace")) for c in readings}
    count = len(sample) - len(sample.translate(None, _HIGH_BYTES))  # its non-ASCII bytes
    best = max(scores, key=scores.__getitem__)
    if said:
        label = max(said, key=scores.__getitem__)
        gain = (scores[best] - scores[label]) * count
        return best if gain >= RELABEL_MARGIN and scores[best] >= MIN_LETTER_EVIDENCE else label
    return best if scores[best] >= MIN_LETTER_EVIDENCE else None
