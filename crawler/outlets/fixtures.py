"""Regression fixtures, as Fundus keeps them: per outlet and rule version, real-shaped article
pages (``<name>.html.gz``) with the item fields extraction must give for them (``<name>.json``).

``tests/fixtures/outlets/<outlet key>/<rule version>/``. A layout change seen in a live run
becomes a fixture in one step (``scrapy fixture URL -s WARC_REPLAY=…``); the test suite checks
that every outlet and every rule version has at least one, and that each still extracts the same.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from archive.fileio import output_mode
from crawler.extraction import extract_article
from crawler.items import ArticlePage
from crawler.outlets.base import Outlet
from crawler.urls import article_id, canonical_url

FIXTURES_DIR = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "outlets"
# The item fields that depend on extraction (the rest are URL, capture and state bookkeeping).
ITEM_FIELDS = ("title", "subtitle", "text", "published", "modified", "authors", "section", "tags",
               "language")
EXTRACTOR_FIELDS = ("method", "rules")


@dataclass
class Fixture:
    json_path: Path
    page: ArticlePage
    expected: dict[str, Any]

    @property
    def outlet(self) -> str:
        return self.json_path.parent.parent.name

    @property
    def version(self) -> str:
        return self.json_path.parent.name


def expected_fields(item: dict[str, Any]) -> dict[str, Any]:
    """The fields of an item a fixture pins down."""
    fields = {name: item[name] for name in ITEM_FIELDS}
    fields["extractor"] = {k: item["extractor"].get(k) for k in EXTRACTOR_FIELDS}
    return fields


def write_fixture(page: ArticlePage, root: Path = FIXTURES_DIR, name: str | None = None) -> Path:
    """Extract ``page`` and store it with its item as a fixture; returns the JSON path.

    Raises ExtractionError when the page yields no item, and ValueError when it belongs to no
    outlet (a fixture pins an outlet's rules).
    """
    if not page.outlet:
        raise ValueError(f"{page.url} belongs to no known outlet")
    item = asdict(extract_article(page))
    rules = item["extractor"].get("rules", "")
    version = rules.partition("@")[2]
    folder = root / page.outlet / version
    folder.mkdir(parents=True, exist_ok=True)
    name = name or article_id(canonical_url(page.url))
    record = {"url": page.url, "outlet": page.outlet, "fetched_at": page.fetched_at,
              "content_type": page.headers.get("Content-Type", ""),
              "hint_published": page.hint_published, "expected": expected_fields(item)}
    path = folder / f"{name}.json"
    # mtime=0: a fixture made twice from the same page is the same bytes.
    _write_together([(folder / f"{name}.html.gz", gzip.compress(page.body, mtime=0)),
                     (path, (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode())])
    return path


def _write_together(files: list[tuple[Path, bytes]]) -> None:
    """Write every file under a temp name, then rename each into place, the JSON last: a full
    or read-only disk leaves the fixture as it was (no empty or cut page for a test to read,
    no page beside an older page's record). An error names the file."""
    temps: list[Path] = []
    try:
        for path, data in files:
            temps.append(_staged(path, data))
        for (path, _), temp in zip(files, temps, strict=True):
            os.replace(temp, path)
    finally:
        for temp in temps:
            temp.unlink(missing_ok=True)


def _staged(path: Path, data: bytes) -> Path:
    """``data`` written and synced to a fresh temp file beside ``path``."""
    try:
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    try:
        os.fchmod(fd, output_mode(path))  # mkstemp gives 0600
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        Path(name).unlink(missing_ok=True)
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    return Path(name)


def load_fixture(json_path: Path) -> Fixture:
    record = json.loads(json_path.read_text(encoding="utf-8"))
    body = gzip.decompress(json_path.with_suffix(".html.gz").read_bytes())
    page = ArticlePage(url=record["url"], outlet=record["outlet"], body=body,
                       headers={"Content-Type": record["content_type"]}, status=200,
                       fetched_at=record["fetched_at"],
                       hint_published=record.get("hint_published"))
    return Fixture(json_path, page, record["expected"])


def iter_fixtures(root: Path = FIXTURES_DIR) -> Iterator[Fixture]:
    for path in sorted(root.glob("*/*/*.json")):
        yield load_fixture(path)


def differences(fixture: Fixture) -> list[str]:
    """How today's extraction of the fixture page differs from its expected item (empty: none)."""
    got = expected_fields(asdict(extract_article(fixture.page)))
    return [f"{fixture.json_path}: {name}: expected {fixture.expected.get(name)!r}, got {value!r}"
            for name, value in got.items() if fixture.expected.get(name) != value]


def missing_fixtures(outlets: Iterable[Outlet], root: Path = FIXTURES_DIR) -> list[str]:
    """``<outlet>@<version>`` of every rule version without a fixture under ``root``."""
    return [f"{o.key}@{r.version}" for o in outlets for r in o.ordered_rules
            if not any((root / o.key / r.version).glob("*.json"))]
