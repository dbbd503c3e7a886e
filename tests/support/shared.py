"""Where ../shared (seeds, interop WARCs, benchmarks) sits: beside the repository, as in CI."""

from pathlib import Path

SHARED = Path(__file__).resolve().parents[3] / "shared"
