"""Plain-text export of article items, in the layout of the seed corpus (NNN_<id>.txt)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from .writer import sanitize_name_part


def _published_key(value) -> tuple[int, float, str]:
    """Null dates last; ISO dates compared as instants (naive ones taken as UTC)."""
    if not value:
        return (1, 0.0, "")
    try:
        dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=UTC)
        return (0, dt.timestamp(), "")
    except ValueError:
        return (0, float("inf"), str(value))


def load_items(items_jsonl: str | Path) -> list[dict]:
    items = []
    with open(items_jsonl, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{items_jsonl}: line {n}: invalid JSON: {exc}") from exc
            if not isinstance(item, dict):
                raise ValueError(f"{items_jsonl}: line {n}: not a JSON object")
            items.append(item)
    return items


def export_txt(items_jsonl: str | Path, outdir: str | Path) -> list[Path]:
    """Write one `NNN_<id>.txt` per item (title, blank line, text; no trailing newline)."""
    items = load_items(items_jsonl)
    items.sort(key=lambda it: (_published_key(it.get("published")), str(it.get("url") or "")))
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    width = max(3, len(str(len(items) - 1)))
    written = []
    for i, item in enumerate(items):
        name = f"{i:0{width}d}_{sanitize_name_part(str(item.get('id', '')), 'item')}.txt"
        text = f"{item.get('title') or ''}\n\n{item.get('text') or ''}"
        path = out / name
        path.write_bytes(text.encode("utf-8"))
        written.append(path)
    return written
