"""Where test data sits: in the repository (seeds), or ../shared beside it (interop WARCs,
benchmark corpora), as in CI."""

from pathlib import Path

SHARED = Path(__file__).resolve().parents[3] / "shared"
# The five seed documents (copies of ../shared/seeds/*.txt): every test that needs them runs
# in a fresh clone with nothing beside it.
SEEDS = Path(__file__).resolve().parents[1] / "data" / "seeds"
