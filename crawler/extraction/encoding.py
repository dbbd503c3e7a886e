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
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator

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
_HIGH_BYTES = bytes(range(0x80, 0x100))
UTF8_CHECK_CHUNK = 1024 * 1024  # bytes of a document judged at once (no copy of the whole)
# characters a Cyrillic word of real prose may contain besides its letters
_WORD_PUNCT = re.escape("0123456789.,;:!?()[]{}\"'`«»„“”‘’‚-–—…/%*&+#№ʼ")
_UNCLEAN = re.compile(f"[^\u0400-\u04ff{_WORD_PUNCT}]|[\u0430-\u045f][\u0400-\u042f]")


def normalise_charset(name: str | None) -> str | None:
    """Python's codec name for a declared charset, or None when Python does not know it or
    knows it as a codec that is no charset (:data:`NO_CHARSET`)."""
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().lower())
    except LookupError:
        return None
    return None if codec.name in NO_CHARSET or not codec._is_text_encoding else codec.name


# Python codecs a label may name that no document is written in: ``charset=undefined``,
# ``idna``, ``punycode`` raised out of decoding a page; ``utf-7`` and the escape codecs read
# markup as other text (bytes-to-bytes ones, base64 or rot13, are no text encoding at all).
# Every real charset Python knows, however rare (shift_jis_2004, hz, cp864), stays one.
NO_CHARSET = frozenset(("undefined", "idna", "punycode", "utf-7", "unicode-escape",
                        "raw-unicode-escape"))


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
    return text, _few_bad(text.count("\ufffd") - body.count(b"\xef\xbf\xbd"), body)


def mostly_utf8(body: bytes) -> bool:
    """Whether nearly all of ``body``'s non-ASCII bytes are valid UTF-8 (a description cut
    mid-character leaves a UTF-8 document UTF-8), as :func:`decode_html` judges them, read a
    megabyte at a time (no copy of a large feed as text): a single-byte Cyrillic document
    never is."""
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    bad = sum(decoder.decode(body[start:start + UTF8_CHECK_CHUNK]).count("\ufffd")
              for start in range(0, len(body), UTF8_CHECK_CHUNK))
    bad += decoder.decode(b"", final=True).count("\ufffd") - body.count(b"\xef\xbf\xbd")
    return _few_bad(bad, body)


def _few_bad(bad: int, body: bytes) -> bool:
    """Whether ``bad`` (the U+FFFD a UTF-8 reading of ``body`` gave, beyond those it writes)
    is few beside its high bytes, counted a megabyte at a time; none counted for clean UTF-8."""
    if bad <= 0:
        return True
    high = sum(len(chunk) - len(chunk.translate(None, _HIGH_BYTES))
               for chunk in (body[start:start + UTF8_CHECK_CHUNK]
                             for start in range(0, len(body), UTF8_CHECK_CHUNK)))
    return bad <= MAX_BAD_UTF8_SHARE * high


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
    declared = [c for c in declared if c != "ascii"]  # high bytes: the label is wrong
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
    """Not UTF-8: the Cyrillic single-byte charset whose text reads as prose (a declared one
    first); else the declared charset; else what charset_normalizer guesses."""
    declared = [c for c in declared if c != "utf-8"]
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
    codec = guess_charset(body)
    return decoded[codec] if codec in decoded else body.decode(codec, "replace"), codec


GUESS_SAMPLE = 64 * 1024  # bytes of a document charset_normalizer judges
_RUN_CONTEXT = 48  # ASCII bytes kept each side of a run of high bytes in the sample
# the Latin-script single-byte charsets undeclared text is met in, the web's default first
LATIN_SINGLE_BYTE = ("cp1252", "cp1250", "cp1257", "cp1254", "iso8859-2")
# each language's letters past ASCII (and the signs only it writes there): a reading of
# Latin-script text in its own charset has all its non-ASCII letters in one language's
# set; in another charset of the family some are another language's (French "très" in
# windows-1250 is "trčs": č is Czech, é beside it is not)
_LANGUAGE_LETTERS = tuple(frozenset(letters) for letters in (
    "àâæçéèêëîïôœùûüÿ", "äöüß", "áéíóúñü¿¡ºª", "áâãàçéêíóôõúºª", "àèéìíîòóùúºª",
    "àçèéíïòóúü·ºª", "áéíóúëïèöü", "åäöéšž", "æøåéó", "áðéíóúýþæö", "äöõüšž",
    "ąćęłńóśźż", "áčďéěíňóřšťúůýž", "áäčďéíĺľňóôŕšťúýž", "áéíóöőúüű", "ăâîșțşţ", "čćđšž",
    "çë", "ąčęėįšųūž", "āčēģīķļņšūž", "çğıİöşüâîû",
    # Vietnamese as windows-1258 writes it: tone marks combining after letters ("tư\u0301c")
    "àáâãèéêìíòóôõùúýăđơư\u0300\u0301\u0303\u0309\u0323"))


def guess_charset(body: bytes) -> str:
    """The charset of undeclared bytes that are no UTF-8 and read as no Cyrillic prose:
    charset_normalizer's guess, judged on the first bytes and a bounded sample of the runs
    of high bytes after them (the first 64 KiB of a large feed held ASCII only: guessed
    ASCII, every accented letter was U+FFFD); a Latin-script guess yields to the Latin
    charset whose reading is most one language's letters (:func:`_latin_reading`)."""
    sample = _guess_sample(body)
    guess = from_bytes(sample).best()
    codec = (normalise_charset(guess.encoding) if guess else None) or "utf-8"
    high = _high_bytes(sample)  # gathered once: each reading below decodes these
    return _latin_reading(high, codec) if _latin_script(high, codec) else codec


def _guess_sample(body: bytes) -> bytes:
    """The first GUESS_SAMPLE bytes of ``body`` when they hold high bytes (what the guess
    judged alone, and judged right: a short Cyrillic title over an English page), and up
    to as many more of its later runs of high bytes with some ASCII around, wherever they
    lie (a charset is told by its high bytes; 64 KiB of ASCII before them drowned them)."""
    head = body[:GUESS_SAMPLE]
    pieces: list[bytes] = []
    size = end = 0
    for run in _high_runs(body, GUESS_SAMPLE):
        start = max(end, run.start() - _RUN_CONTEXT, GUESS_SAMPLE)
        end = min(len(body), run.end() + _RUN_CONTEXT)
        pieces.append(body[start:end])
        size += end - start
        if size >= GUESS_SAMPLE:
            break
    later = b"".join(pieces)[:GUESS_SAMPLE]
    return head + later if not head.isascii() else later or head  # ASCII dilutes the runs


def _high_runs(body: bytes, begin: int = 0) -> Iterator[re.Match[bytes]]:
    """The runs of high bytes in ``body`` from ``begin``, its ASCII stretches passed over a
    piece at a time (the regex walked 20 MB of ASCII before a feed's first accent in 0.7 s)."""
    for piece in range(begin, len(body), GUESS_SAMPLE):
        if not body[piece:piece + GUESS_SAMPLE].isascii():
            yield from _HIGH_RUN.finditer(body, piece, piece + GUESS_SAMPLE)


def _high_bytes(sample: bytes) -> bytes:
    """``sample``'s high bytes, its runs joined: what a single-byte reading of it judges."""
    return b"".join(_HIGH_RUN.findall(sample))


def _latin_script(high: bytes, codec: str) -> bool:
    """Whether ``codec`` is a single-byte charset reading the letters among ``high`` (a
    sample's high bytes, :func:`_high_bytes`) as Latin letters, mostly."""
    if len(_HIGH_BYTES.decode(codec, "replace")) != len(_HIGH_BYTES):
        return False  # a multi-byte charset
    letters = [c for c in high.decode(codec, "replace") if c.isalpha()]
    latin = sum(unicodedata.name(c, "").startswith("LATIN") for c in letters)
    return bool(letters) and latin >= 0.9 * len(letters)


# punctuation, currency signs, spaces: any language writes them (« », £, NBSP, where another
# reading has a letter: Ť ť Ł in ISO-8859-2)
_ANY_LANGUAGES_SIGNS = frozenset(("Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sc", "Zs"))
LANGUAGE_FIT = 0.9  # share of a reading's letters one language must write to overrule a guess


def _latin_reading(high: bytes, guessed: str) -> str:
    """Of the Latin charsets (LATIN_SINGLE_BYTE and ``guessed``), the one whose reading of
    ``high`` (a sample's high bytes, :func:`_high_bytes`) is most one language's: its
    letters, its signs where another reading has a letter (Spanish "¿" is Polish "ż" in
    windows-1250), and no control character (windows-1252's quotes and dashes are C1
    controls in ISO-8859-2). A tie goes to the guess (Polish "ś" in windows-1250 is French
    "œ" in windows-1252: both one language's), and to windows-1252, the web's default, only
    where the guess reads the same text (German's ä ö ü ß in every one of them). A text no
    reading gives one language (mojibake) keeps the guess."""
    candidates = list(dict.fromkeys((*LATIN_SINGLE_BYTE, guessed)))
    readings = {c: high.decode(c, "replace") for c in candidates}
    letter_in_one = [any(c.isalpha() for c in chars)
                     for chars in zip(*readings.values(), strict=True)]
    fits = {c: _language_fit(text, letter_in_one) for c, text in readings.items()}
    best = max(candidates, key=lambda c: (fits[c], c == guessed, c == "cp1252"))
    if fits[best] < LANGUAGE_FIT:
        return guessed  # no language's: the guess stands
    same_as_best = fits["cp1252"] == fits[best] and readings["cp1252"] == readings[best]
    return "cp1252" if same_as_best else best


def _language_fit(text: str, letter_in_one: list[bool]) -> float:
    """The share of ``text``'s letters, signs where some reading has a letter, and control
    characters that one language writes, punctuation and currency fitting every language
    (the best one's share; 1.0 with none to judge)."""
    judged = [c for c, letter in zip(text, letter_in_one, strict=True)
              if c.isalpha() or letter or not c.isprintable()]
    if not judged:
        return 1.0
    counts = Counter(judged)
    signs = sum(n for c, n in counts.items() if unicodedata.category(c) in _ANY_LANGUAGES_SIGNS)
    return (signs + max(sum(n for c, n in counts.items() if c in letters or c.lower() in letters)
                        for letters in _LANGUAGE_LETTERS)) / len(judged)
