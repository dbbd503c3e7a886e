"""The item contract: the JSON Schema accepts what extraction produces and rejects the rest."""

from __future__ import annotations

import copy
import hashlib
from dataclasses import asdict

import pytest
from jsonschema import Draft202012Validator

from archive.schema import load_schema, schema_errors
from crawler.extraction import extract_article
from tests.crawler.extraction.test_bad_input import belta_html, page

VALIDATOR = Draft202012Validator(load_schema())


@pytest.fixture(scope="module")
def item() -> dict:
    article = extract_article(page(belta_html().encode()))
    data = asdict(article)
    data["warc"] = {"file": "crawl-20260101000000-00000-host-1.warc.gz", "offset": 0,
                    "length": 120, "record_id": "<urn:uuid:12345678-1234-1234-1234-123456789abc>"}
    return data


def test_extracted_item_is_valid(item: dict) -> None:
    assert list(VALIDATOR.iter_errors(item)) == []
    assert schema_errors(item) == []
    assert item["id"] == hashlib.sha256(item["url"].encode()).hexdigest()[:16]


@pytest.mark.parametrize(("field", "value"), [
    ("id", "XYZ"), ("title", ""), ("title", "   "), ("text", ""), ("url", "ftp://x/y"),
    ("published", "2026-01-01"), ("published", "2026-01-01T10:00:00"), ("language", "rus"),
    ("authors", [""]), ("warc", {"file": "../etc/passwd", "offset": 0, "length": 1,
                                 "record_id": "<urn:uuid:12345678-1234-1234-1234-123456789abc>"}),
    ("fetched_at", "2026-01-01T00:00:00+03:00"), ("near_duplicates", ["nothex"]),
    ("change", "rewritten"),
])
def test_invalid_values_are_rejected(item: dict, field: str, value: object) -> None:
    bad = copy.deepcopy(item)
    bad[field] = value
    assert list(VALIDATOR.iter_errors(bad)), f"{field}={value!r} passed"
    # the crawl's fast validator agrees and names the field
    errors = schema_errors(bad)
    assert errors and errors[0].startswith(field), errors


def test_missing_and_extra_fields_are_rejected(item: dict) -> None:
    missing = {k: v for k, v in item.items() if k != "published"}
    assert list(VALIDATOR.iter_errors(missing))
    assert schema_errors(missing) == ["(item): 'published' is a required property"]
    assert list(VALIDATOR.iter_errors({**item, "surprise": 1}))
    assert schema_errors({**item, "surprise": 1})


def test_items_written_before_change_was_recorded_stay_valid(item: dict) -> None:
    """``change`` (edit / replaced) is newer than the items files already written: a line
    without it is valid (the corpus reads it as null), one with it names a known kind."""
    older = {k: v for k, v in item.items() if k != "change"}
    assert schema_errors(older) == [] and schema_errors({**item, "change": "replaced"}) == []


@pytest.mark.parametrize("record_id", [
    "<urn:uuid:12345678-1234-1234-1234-123456789abc>",
    "<urn:uuid:12345678-ABCD-1234-1234-123456789ABC>",  # upper-case uuid (Heritrix, wget)
    "<urn:sha1:ABCDEFGHIJKLMNOP>",
    "<http://archive.example/record/42>",
    "<tag:example.org,2026:rec-1>",
])
def test_any_warc_record_id_uri_is_a_valid_item_reference(item: dict, record_id: str) -> None:
    data = copy.deepcopy(item)
    data["warc"]["record_id"] = record_id
    assert schema_errors(data) == []


@pytest.mark.parametrize("record_id", ["", "urn:uuid:x", "<>", "<no scheme>", "<a b:c>",
                                       "<urn:uuid:1> trailing"])
def test_record_ids_that_are_not_bracketed_uris_are_invalid(item: dict, record_id: str) -> None:
    data = copy.deepcopy(item)
    data["warc"]["record_id"] = record_id
    assert schema_errors(data)
