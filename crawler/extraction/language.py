"""Language of an article's text (ISO 639-1)."""

from __future__ import annotations

import re

_LETTER = re.compile(r"[^\W\d_]")
_CYRILLIC = re.compile("[\u0400-\u04ff]")


_CYRILLIC_WORD = re.compile("[\u0400-\u04ff]+")
# The languages a word can be in, by the letters only some of the three write: Russian has и,
# ы, э, ъ, щ, ё but no і; Belarusian і, ы, э, ў, ё but no и or щ; Ukrainian і, и, ї, є, ґ, щ
# but no ы, э, ъ or ё.
_LETTER_LANGUAGES = {
    "і": frozenset(("be", "uk")), "и": frozenset(("ru", "uk")), "щ": frozenset(("ru", "uk")),
    "ы": frozenset(("ru", "be")), "э": frozenset(("ru", "be")), "ё": frozenset(("ru", "be")),
    "ў": frozenset(("be",)), "ї": frozenset(("uk",)), "є": frozenset(("uk",)),
    "ґ": frozenset(("uk",)), "ъ": frozenset(("ru",)),
}
_CYRILLIC_LANGUAGES = ("ru", "be", "uk")  # a tie goes to the first


def _cyrillic_language(sample: str) -> str:
    """Russian, Belarusian or Ukrainian: the one most words can be in, by their letters.

    Each word votes for every language its letters allow (``мы`` for Russian and Belarusian,
    ``гэта`` too, ``він`` for Belarusian and Ukrainian). Counting words, not letters, lets the
    larger part of a mixed text win: a Belarusian report quoting a speech in Russian, a
    Ukrainian one quoting a Russian sentence (by letter counts, a quote of a sixth of the
    text made it Russian).
    """
    votes = dict.fromkeys(_CYRILLIC_LANGUAGES, 0)
    for word in _CYRILLIC_WORD.findall(sample.lower()):
        allowed: frozenset[str] | None = None
        for letter in set(word):
            if (languages := _LETTER_LANGUAGES.get(letter)) is not None:
                allowed = languages if allowed is None else allowed & languages
        for language in allowed or ():
            votes[language] += 1
    return max(_CYRILLIC_LANGUAGES, key=votes.__getitem__)


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
