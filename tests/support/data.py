"""Test data kept in the repository (tests must not need ../shared)."""

from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
# foreign WARCs: the interop pair (from ../shared/interop, with manifest.json) and samples
FOREIGN = DATA / "warcs" / "foreign"
INTEROP = FOREIGN
