"""Realistic items files for corpus tests, made the way a crawl makes them.

:class:`Newsroom` plays the crawl's incremental pipeline: the real text digest decides whether
a re-capture is a new version, and the real MinHash code (``crawler.neardup``) fills
``near_duplicates`` with the earlier articles of any outlet whose text is nearly the same.
Every item is checked against the item schema before it is written.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from archive.schema import schema_errors
from crawler.extraction.text_fingerprint import text_digest
from crawler.neardup import BandIndex, signature
from crawler.urls import article_id
from tests.sites.common import paragraphs_for

NAMES = {"belta": "БЕЛТА", "zerkalo": "Зеркало", "shklovinfo.by": "Ударны фронт"}
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Newsroom:
    """What earlier runs captured: versions by URL and the near-duplicate index."""

    index: BandIndex = field(default_factory=BandIndex)
    held: dict[str, tuple[int, str]] = field(default_factory=dict)  # url -> (version, digest)
    records: int = 0

    def capture(self, url: str, source: str, title: str, paragraphs: list[str],
                published: datetime, fetched: datetime) -> dict[str, Any] | None:
        """The item a run would emit for this page, or None when its text is unchanged."""
        text = "\n\n".join(paragraphs)
        digest, sig = text_digest(text), signature(text)
        held = self.held.get(url)
        if held and held[1] == digest:
            return None
        aid = article_id(url)
        near = sorted(i for i in self.index.query(sig) if i != aid)
        self.index.insert(aid, sig)
        self.held[url] = ((held[0] + 1) if held else 1, digest)
        self.records += 1
        item = {
            "id": aid, "url": url, "source": source, "source_name": NAMES.get(source, source),
            "title": title, "subtitle": None, "text": text,
            "published": published.astimezone(_minsk()).isoformat(),
            "modified": None, "authors": ["БЕЛТА"] if source == "belta" else [],
            "section": "Общество", "tags": ["Беларусь", "экономика"], "language": "ru",
            "fetched_at": fetched.astimezone(UTC).isoformat(timespec="seconds"),
            "warc": {"file": f"{source}-{fetched:%Y%m%d%H%M%S}-00000-host-1.warc.gz",
                     "offset": 1000 * self.records, "length": 2000 + self.records,
                     "record_id": f"<urn:uuid:00000000-0000-4000-8000-{self.records:012d}>"},
            "extractor": {"name": "news-archive", "version": "3", "method": "rules",
                          "trafilatura": "2.3.1", "rules": f"{source}@2026-01"},
            "version": self.held[url][0],
            "previous_version_digest": held[1] if held else None,
            "change": "edit" if held else None,
            "near_duplicates": near}
        errors = schema_errors(item)
        assert not errors, errors
        return item


def _minsk():
    from datetime import timezone

    return timezone(timedelta(hours=3))


def write_run(data_dir: Path, spider: str, stamp: datetime, items: list[dict | None]) -> Path:
    """``DATA_DIR/items/<spider>-<time>.jsonl`` as the crawl names it."""
    folder = data_dir / "items"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{spider}-{stamp:%Y%m%dT%H%M%S}.jsonl"
    path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items if i),
                    "utf-8")
    return path


def belta_url(n: int) -> str:
    return f"https://www.belta.by/society/view/novost-{n}-{700000 + n}-2026/"


# An edit a newsroom makes after publication: a sentence added, a detail added to the lead.
EDIT_SENTENCE = "Позднее в пресс-службе уточнили детали переговоров."
EDIT_DETAIL = "в понедельник"


def edited(paragraphs: list[str]) -> list[str]:
    first = paragraphs[0].removesuffix(".") + f" {EDIT_DETAIL}."
    return [first, *paragraphs[1:-1], paragraphs[-1] + " " + EDIT_SENTENCE]


REPRINT_LEAD = ("Жители Шкловского района обсуждают новости недели. Об этом нашему "
                "корреспонденту рассказали в районном исполнительном комитете в понедельник.")


def several_runs(data_dir: Path) -> dict[str, Any]:
    """Three runs: a first capture of six БЕЛТА articles, a re-run with one edited and one
    added, and a district paper reprinting one of them under a new lead paragraph."""
    room = Newsroom()
    bodies = {n: paragraphs_for(100 + n) for n in range(6)}
    first = [room.capture(belta_url(n), "belta", f"Новость {n}", bodies[n],
                          START + timedelta(hours=n), START + timedelta(hours=n, minutes=20))
             for n in range(6)]
    f1 = write_run(data_dir, "belta", START + timedelta(hours=6), first)
    later = START + timedelta(days=1)
    second = [room.capture(belta_url(n), "belta", f"Новость {n}",
                           edited(bodies[n]) if n == 2 else bodies[n],
                           START + timedelta(hours=n), later + timedelta(minutes=n))
              for n in range(6)]
    second.append(room.capture(belta_url(6), "belta", "Новость 6", paragraphs_for(106),
                               later, later + timedelta(minutes=9)))
    f2 = write_run(data_dir, "belta", later + timedelta(hours=1), second)
    reprint = room.capture("https://shklovinfo.by/?p=4321", "shklovinfo.by",
                           "Шклов: главное за день", [REPRINT_LEAD, *bodies[4]],
                           START + timedelta(hours=7), later + timedelta(hours=2))
    f3 = write_run(data_dir, "regional", later + timedelta(hours=3), [reprint])
    items = [i for i in first + second + [reprint] if i]
    return {"files": [f1, f2, f3], "items": items, "edited_url": belta_url(2),
            "reprinted_url": belta_url(4), "reprint": reprint}


def duck(corpus: Path) -> duckdb.DuckDBPyConnection:
    """DuckDB on the corpus files with its views.sql (no helper of ours), as an analyst would."""
    con = duckdb.connect()
    con.execute(f"SET file_search_path = '{corpus}'")
    con.execute((corpus / "views.sql").read_text("utf-8"))
    return con


def run_archive(*args: object) -> subprocess.CompletedProcess[str]:
    """``python -m archive ARGS`` in a real process, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "archive", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
