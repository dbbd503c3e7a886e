"""Turn response bytes into text: BOM, HTTP charset, <meta> charset, then detection.

Declared charsets are hints, not facts: regional CMSs declare UTF-8 and send windows-1251 and
the reverse, so every candidate is checked against the bytes before it is believed.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE
)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([a-zA-Z0-9_.:-]+)", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))
_CYRILLIC_SINGLE_BYTE = tuple(codecs.lookup(c).name for c in (
    "cp1251", "koi8_r", "koi8_u", "iso8859_5", "cp866", "mac_cyrillic"))


def normalise_charset(name: str | None) -> str | None:
    """Python's codec name for a declared charset, or None when Python does not know it."""
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None


def header_charset(content_type: str | None) -> str | None:
    match = _HEADER_CHARSET.search(content_type or "")
    return normalise_charset(match.group(1)) if match else None


def meta_charset(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:8192])
    return normalise_charset(match.group(1).decode("ascii", "ignore")) if match else None


def cyrillic_plausibility(text: str) -> float:
    """Share of lowercase among Cyrillic letters; a wrong single-byte codec yields mostly capitals.

    Real Russian or Belarusian prose is ~90 % lowercase. windows-1251 read as KOI8-R (and the
    reverse) swaps the cases, so the share falls to ~10 %.
    """
    letters = [c for c in text if "\u0400" <= c <= "\u04ff"]
    if len(letters) < 20:
        return 0.5 if letters else 0.0
    return sum(c.islower() for c in letters) / len(letters)


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode ``body``; return (text, codec used). NUL bytes are dropped from the text."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(codec, "replace").replace("\x00", ""), codec
    declared = [c for c in (header_charset(content_type), meta_charset(body)) if c]
    if body.isascii():
        return body.decode("ascii").replace("\x00", ""), declared[0] if declared else "ascii"
    try:  # valid non-ASCII UTF-8 is practically never an accident of a single-byte charset
        return body.decode("utf-8").replace("\x00", ""), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates = [c for c in declared if c != "utf-8"]
    candidates += [c for c in _CYRILLIC_SINGLE_BYTE[:2] if c not in candidates]
    best: tuple[float, str, str] | None = None
    for codec in candidates:
        try:
            text = body.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        score = cyrillic_plausibility(text)
        if codec in declared and (score >= 0.6 or codec not in _CYRILLIC_SINGLE_BYTE):
            return text.replace("\x00", ""), codec  # a declared charset the bytes agree with
        if best is None or score > best[0]:
            best = (score, codec, text)
    if best and best[0] >= 0.6:
        return best[2].replace("\x00", ""), best[1]
    guess = from_bytes(body[:65536]).best()
    codec = normalise_charset(guess.encoding) if guess else None
    codec = codec or "utf-8"
    return body.decode(codec, "replace").replace("\x00", ""), codec
