"""The item contract (article.schema.json) and the one validator every path uses; the removal
observations' contract (removal.schema.json, see crawler/removals.py) and its validator.

Valid items are checked by a compiled validator (fastjsonschema, ~0.03 ms an item: this runs
for every article in the crawl process); only a failing item goes through jsonschema, whose
messages name each field and reason.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any
from urllib.parse import urlsplit

import fastjsonschema
from jsonschema import Draft202012Validator

from archive.urls import article_id


@cache
def schema_text(name: str = "article.schema.json") -> str:
    """A contract file's text, as shipped (the article one's digest versions the corpus)."""
    return files("archive.schema").joinpath(name).read_text("utf-8")


def load_schema() -> dict[str, Any]:
    """A fresh copy each call: fastjsonschema rewrites the `$ref`s of the dict it compiles."""
    return json.loads(schema_text())


@cache
def _fast() -> Any:
    return fastjsonschema.compile(load_schema())


@cache
def _detailed() -> Draft202012Validator:
    return Draft202012Validator(load_schema())


def schema_errors(item: dict[str, Any], limit: int = 3) -> list[str]:
    """Why ``item`` breaks the contract ("field/path: message"), or [] when it is valid."""
    try:
        _fast()(item)
        return []
    except fastjsonschema.JsonSchemaException as fast_error:
        errors = sorted(_detailed().iter_errors(item), key=lambda e: list(e.path))
        if not errors:  # the two validators disagree: trust the stricter, say so
            return [f"(item): {fast_error.message}"]
        return [f"{'/'.join(map(str, e.path)) or '(item)'}: {e.message}" for e in errors[:limit]]


REMOVAL_SCHEMA = "removal.schema.json"


@cache
def _removal_validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(schema_text(REMOVAL_SCHEMA)))


def removal_errors(line: dict[str, Any], limit: int = 3) -> list[str]:
    """Why a removals-file line breaks its contract, or [] (lines are few: jsonschema only)."""
    errors = sorted(_removal_validator().iter_errors(line), key=lambda e: list(e.path))
    return [f"{'/'.join(map(str, e.path)) or '(line)'}: {e.message}" for e in errors[:limit]]


def url_error(line: dict[str, Any]) -> str | None:
    """Why a schema-valid item or removal line's ``url`` is no URL (urlsplit refuses its host:
    ``https://[news.example/``, a bracket never closed; or its port: past 65535, no number),
    or None. The crawl writes none such (its canonical URL is w3lib's reading); a line edited
    by hand may, and a reader of the corpus splitting it failed (the edits report's command
    line for a site's article, a traceback)."""
    url = line["url"]
    try:
        urlsplit(url).port  # noqa: B018 - raises on a port that is none
    except ValueError as exc:
        return f"url {url[:200]!r} is no URL ({exc})"
    return None


def id_mismatch(line: dict[str, Any]) -> str | None:
    """Why a schema-valid item or removal line's ``id`` is not the one of its ``url`` (the
    contract: the first 16 hex of SHA-256 of the canonical URL, as the crawl computes it), or
    None. Such a line, edited by hand or spliced, names two articles at once."""
    url, given = line["url"], line["id"]
    own = article_id(url)
    if own == given:
        return None
    return f"id {given} is not the id of its url {url} ({own}): which one is wrong cannot be told"
