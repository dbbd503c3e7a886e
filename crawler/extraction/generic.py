"""Generic body extraction for pages no outlet rule covers (placeholder: plain trafilatura)."""

from __future__ import annotations

import lxml.html
import trafilatura

from crawler.extraction.html import detached_copy


def generic_paragraphs(tree: lxml.html.HtmlElement, url: str) -> list[str]:
    text = trafilatura.extract(detached_copy(tree), url=url, favor_precision=True,
                               include_comments=False, include_tables=True)
    return [p for p in (text or "").split("\n") if p.strip()]


def generic_text(html: str, url: str) -> str:
    return "\n\n".join(generic_paragraphs(lxml.html.fromstring(html), url))
