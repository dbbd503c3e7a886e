"""Outlet text made safe to print to a terminal.

A page's title or text can hold control characters: ESC sequences that move the cursor,
recolour or retitle the window, a carriage return or backspaces that overwrite what was
printed before, a BEL. Printed raw, a hostile page rewrites the analyst's screen (and what
they believe the archive holds). What is *printed* shows them escaped; what is stored or
exported (Parquet, JSON, text exports) keeps every character.
"""

from __future__ import annotations

import re

# C0 controls but tab, DEL, and C1 controls (U+009B is a one-character CSI to some terminals)
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """``text`` with each control character (line breaks too: a printed line stays one
    line) written as ``\\xNN``."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
