"""An article of the corpus by its id or by any URL of it an analyst has at hand.

A URL copied from a browser is seldom the canonical one the crawler stored: escapes decoded or
in lower case, ``http://``, ``www.`` or not, a trailing slash or not, ``?utm_source=``, a
``#fragment``, the AMP or print copy. They are compared as :func:`archive.urls.article_key`
(what the crawler's canonical form makes one), the AMP/print copy only when the page itself
is not found. A spelling that fits several stored articles is never settled by a guess.
"""

from __future__ import annotations

import re
from contextlib import suppress
from pathlib import Path
from urllib.parse import unquote

import duckdb

from .corpus_derived import connect
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
    key = key.strip()
    for column in ("id", "url") if _ID.match(key) else ("url",):  # as stored: as before
        exact = con.execute(f"SELECT id FROM versions WHERE {column} = ? LIMIT 1", [key])
        if found := exact.fetchone():
            return found[0]
    wanted = article_key(key)
    tried: list[ArticleKey] = []
    for candidate in ([wanted, page_of_copy(wanted)] if wanted else []):
        if candidate in tried:
            continue
        tried.append(candidate)
        stored = _stored_urls(con, candidate)
        if found := best_matches(candidate, stored):
            if len(found) > 1:
                raise SeveralArticles(key, sorted(((a, stored[a]) for a in found),
                                                  key=lambda pair: pair[1]))
            return found[0]
    raise NoArticle(key)


def _stored_urls(con: duckdb.DuckDBPyConnection, key: ArticleKey) -> dict[str, str]:
    """id -> URL of the articles whose URL holds the key's last path segment (as stored,
    escaped, or decoded by a tool other than the crawler): the few worth comparing."""
    needles = sorted({key.needle, unquote(key.needle).lower()})
    held = " OR ".join(["contains(lower(url), ?)"] * len(needles))
    return dict(con.execute(f"SELECT DISTINCT id, url FROM versions WHERE {held}",
                            needles).fetchall())


def as_ids(corpus_dir: str | Path, keys: tuple[str, ...]) -> tuple[str, ...]:
    """``keys`` (ids or URLs, as ``export-txt --id`` takes them) with each URL of a stored
    article replaced by its id; an id, or a URL of no article, is left for the caller to name
    as selecting nothing. Raises SeveralArticles for a URL that fits several."""
    urls = [key for key in keys if not _ID.match(key)]
    if not urls:
        return keys
    con = connect(corpus_dir)
    try:
        found = {}
        for url in urls:
            with suppress(NoArticle):
                found[url] = find_article(con, url)
    finally:
        con.close()
    return tuple(found.get(key, key) for key in keys)
