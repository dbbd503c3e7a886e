import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture
def site_registries_withdrawn(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Site spiders a test makes without running them publish their sites to a temporary
    file (and the environment) that only ``closed`` withdraws: withdraw them after the test,
    so no file is left in the temporary folder and no later test resolves their sites."""
    from crawler.siteoutlets import withdraw
    from crawler.spiders.site import SiteSpider

    published: list[Path | None] = []
    setup = SiteSpider.setup_sites

    def recorded(spider: SiteSpider) -> None:
        setup(spider)
        published.append(spider.registry)

    monkeypatch.setattr(SiteSpider, "setup_sites", recorded)
    yield
    for path in published:
        withdraw(path)
