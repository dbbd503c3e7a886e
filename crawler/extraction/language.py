"""Language of an article's text (ISO 639-1)."""

from __future__ import annotations

import re

_LETTER = re.compile(r"[^\W\d_]")
_CYRILLIC = re.compile("[\u0400-\u04ff]")


def _cyrillic_language(sample: str) -> str:
    """Russian, Belarusian or Ukrainian by the letters only one of them uses.

    Russian has и and ы but no і; Belarusian has і, ы and ў but no и; Ukrainian has і and и
    but no ы. Counting tolerates quoted words from the other languages. A short text with no
    і is Ukrainian by ї, є or ґ where no letter only Russian has (ы, э, ъ, ё) is in it, and
    Belarusian by ў where no и, щ or ъ is.
    """
    lower = sample.lower()
    i, y, ii = lower.count("і"), lower.count("ы"), lower.count("и")
    if i == 0 and any(c in lower for c in "їєґ") and not any(c in lower for c in "ыэъё"):
        return "uk"
    if i == 0 and "ў" in lower and not any(c in lower for c in "ищъ"):
        return "be"
    if i == 0 or ii > 3 * i and y > 0:
        return "ru"
    if ii < i / 3:
        return "be"
    if y < (ii + i) / 50:
        return "uk"
    return "ru"


_BREVE_U = re.compile("[ŭŬ]")
_LACINKA = re.compile("[łŁćĆśŚźŹńŃčČšŠžŽ]")
_ESPERANTO = re.compile("[ĉĈĝĜĥĤĵĴŝŜ]")  # the other language writing ŭ


def _lacinka(sample: str, letters: int) -> bool:
    """Belarusian in its Latin alphabet (łacinka, as Наша Ніва printed it): ŭ (no other
    Slavic alphabet has it) together with ł, ć, ś, ź, ń or č, š, ž, and no Esperanto
    letters. py3langid has no model of it and reads it as Slovene or Polish."""
    breves = len(_BREVE_U.findall(sample))
    return (breves >= 3 and breves * 200 >= letters and _LACINKA.search(sample) is not None
            and _ESPERANTO.search(sample) is None)


def detect_language(text: str) -> str | None:
    """ru/be/uk by their distinct letters (reliable, instant), Belarusian łacinka by its ŭ;
    other scripts via py3langid."""
    sample = text[:4000]
    letters = len(_LETTER.findall(sample))
    if not letters:
        return None
    cyrillic = len(_CYRILLIC.findall(sample))
    if cyrillic / letters > 0.5:
        return _cyrillic_language(sample)
    if _lacinka(sample, letters):
        return "be"
    import py3langid  # loaded only when needed: its model takes ~1 s to load

    code, _ = py3langid.classify(sample)
    return code
