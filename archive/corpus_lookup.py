"""An article of the corpus by its id or by any URL of it an analyst has at hand.

A URL copied from a browser is seldom the canonical one the crawler stored: escapes decoded or
in lower case, ``http://``, ``www.`` or not, a trailing slash or not, ``?utm_source=``, a
``#fragment``, the AMP or print copy. They are compared as :func:`archive.urls.article_key`
(what the crawler's canonical form makes one), the AMP/print copy only when the page itself
is not found. A spelling that fits several stored articles is never settled by a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote

import duckdb

from .corpus_derived import connect
from .corpus_select import FETCH_ROWS
from .urls import ArticleKey, article_key, best_matches, page_of_copy

_ID = re.compile(r"^[0-9a-f]{16}$")


class NoArticle(LookupError):
    """No article of the corpus has this id or URL."""


class SeveralArticles(LookupError):
    """A URL that fits several stored articles (``candidates``: (id, url), by URL)."""

    def __init__(self, key: str, candidates: list[tuple[str, str]]) -> None:
        self.key, self.candidates = key, candidates
        lines = [f"{key!r} matches {len(candidates)} articles; give the id of one:"]
        lines += [f"  {article}  {url}" for article, url in candidates]
        super().__init__("\n".join(lines))


def find_article(con: duckdb.DuckDBPyConnection, key: str) -> str:
    """The id of the one article ``key`` (an id, the stored URL or another spelling of it)
    names. Raises NoArticle, or SeveralArticles listing those it fits."""
    if found := find_articles(con, [key]):
        return found[key]
    raise NoArticle(key.strip())


def find_articles(con: duckdb.DuckDBPyConnection, keys: Iterable[str]) -> dict[str, str]:
    """key -> id of the one article each key names, as :func:`find_article` finds it, in one
    scan of the corpus whatever the number of keys (one scan a key made 1,000 URLs of an ids
    file read it thousands of times); a key of no article is left out. Raises SeveralArticles
    for the first key, in order, that fits several."""
    keys = list(dict.fromkeys(keys))
    tried = {key: _tried(key.strip()) for key in keys}
    held = _Held({key.strip() for key in keys}, [c for cs in tried.values() for c in cs])
    held.scan(con)
    found = {}
    for key in keys:
        if (article := held.article(key.strip(), tried[key])) is not None:
            found[key] = article
    return found


def _tried(key: str) -> list[ArticleKey]:
    """The keys a spelling is looked up by, in turn: its page's, then the page its AMP or
    print copy is of (when it is one)."""
    wanted = article_key(key)
    if wanted is None:
        return []
    copy = page_of_copy(wanted)
    return [wanted] if copy == wanted else [wanted, copy]


def _needles(key: ArticleKey) -> set[str]:
    """Lower-case pieces every stored URL of ``key`` holds (the last path segment, escaped as
    stored or decoded by a tool other than the crawler): they narrow the scan before the keys
    are compared."""
    return {key.needle, unquote(key.needle).lower()}


class _Held:
    """What the corpus holds of the keys asked for, gathered in one scan: the ids asked for,
    the id of each URL stored as asked, and the stored URLs of each page tried (by host and
    path), those holding the page's needle only. Only rows that fit are kept."""

    def __init__(self, keys: set[str], tried: list[ArticleKey]) -> None:
        self.keys = keys
        self.needles = sorted({n for key in tried for n in _needles(key)})
        self.pages = {(key.host, key.path): _needles(key) for key in tried}
        self.ids: set[str] = set()
        self.exact: dict[str, str] = {}  # URL as stored -> its id
        self.stored: dict[tuple[str, str], dict[str, str]] = {}  # page -> id -> URL

    def scan(self, con: duckdb.DuckDBPyConnection) -> None:
        ids = sorted(key for key in self.keys if _ID.match(key))
        cursor = con.execute(
            "SELECT DISTINCT id, url FROM versions WHERE list_contains(?, id) "
            "OR list_contains(?, url) OR EXISTS (SELECT 1 FROM unnest(?::VARCHAR[]) AS n(needle) "
            "WHERE contains(lower(url), n.needle))", [ids, sorted(self.keys), self.needles])
        while rows := cursor.fetchmany(FETCH_ROWS):
            for article, url in rows:
                self._note(article, url)

    def _note(self, article: str, url: str) -> None:
        if article in self.keys:
            self.ids.add(article)
        if url in self.keys:
            self.exact.setdefault(url, article)
        key = article_key(url)
        needles = self.pages.get((key.host, key.path)) if key else None
        if needles and any(n in url.lower() for n in needles):
            self.stored.setdefault((key.host, key.path), {}).setdefault(article, url)

    def article(self, key: str, tried: list[ArticleKey]) -> str | None:
        """The id ``key`` names (an id, as stored, then by its page's key), as
        :func:`find_article` says; None for no article."""
        if _ID.match(key) and key in self.ids:
            return key
        if key in self.exact:
            return self.exact[key]
        for candidate in tried:
            stored = self.stored.get((candidate.host, candidate.path), {})
            if found := best_matches(candidate, stored):
                if len(found) > 1:
                    raise SeveralArticles(key, sorted(((a, stored[a]) for a in found),
                                                      key=lambda pair: pair[1]))
                return found[0]
        return None


def as_ids(corpus_dir: str | Path, keys: tuple[str, ...]) -> tuple[str, ...]:
    """``keys`` (ids or URLs, as ``export-txt --id`` takes them) with each URL of a stored
    article replaced by its id; an id, or a URL of no article, is left for the caller to name
    as selecting nothing. Raises SeveralArticles for a URL that fits several. All are looked
    up in one scan of the corpus."""
    urls = [key for key in keys if not _ID.match(key)]
    if not urls:
        return keys
    con = connect(corpus_dir)
    try:
        found = find_articles(con, urls)
    finally:
        con.close()
    return tuple(found.get(key, key) for key in keys)
