"""Build the outlet regression fixtures (tests/fixtures/outlets/) from the fixture sites.

``python -m tests.support.outlet_fixtures`` writes one or more pages per outlet and rule
version, each checked against its gold article before it is written, so a fixture never pins
an extraction error. District rows without a fixture site of their own get the page of the
site whose theme they share, served under their own host and URL shape.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from crawler.items import ArticlePage
from crawler.outlets import all_outlets
from crawler.outlets.fixtures import FIXTURES_DIR, write_fixture
from crawler.urls import canonical_url
from tests.sites import belta, regional, runews24, zerkalo
from tests.sites.common import GoldArticle
from tests.support.server import VirtualSite

NATIONAL_CAPTURE = "2026-01-13T10:00:00+00:00"
DISTRICT_CAPTURE = "2025-09-15T08:00:00+00:00"

# District rows on the default WordPress rules, served with shklovinfo.by's theme: host →
# (theme site, article URL of this row).
BORROWED = {
    "hoiniki.by": (regional.SHKLOV, "https://hoiniki.by/?p=31207"),
    "klich.by": (regional.SHKLOV, "https://klich.by/?p=18844"),
    "orshanka.by": (regional.SHKLOV, "https://orshanka.by/?p=70512"),
    "golk.by": (regional.SHKLOV, "https://golk.by/rayon-zhivet-spokoyno-2025.html"),
    "pniva.by": (regional.SHKLOV, "https://pniva.by/2025/09/dozhinki-2025/"),
    "nesvizh-news.by": (regional.SHKLOV, "https://nesvizh-news.by/2025/09/14/zamok-otkryl/"),
}


@dataclass
class Sample:
    name: str
    page: ArticlePage
    gold: GoldArticle


def _page(site: VirtualSite, url: str, outlet: str, fetched_at: str, fetch_url: str | None = None,
          host: str | None = None) -> ArticlePage:
    path = url.split(site.host, 1)[1]
    found = site.find(path)
    assert found is not None, url
    body = found.body
    if host:  # another paper on the same theme: its own host everywhere in the page
        codec = "cp1251" if site.host == regional.SHKLOV else "utf-8"
        body = body.decode(codec).replace(site.host, host).encode(codec)
    return ArticlePage(url=fetch_url or url, outlet=outlet, body=body,
                       headers={"Content-Type": found.content_type or ""}, status=200,
                       fetched_at=fetched_at)


def samples() -> Iterator[Sample]:
    site, golds = belta.build()
    for i in (0, 3):  # agency copy ("БЕЛТА") and a named author
        yield Sample(f"belta-{i}", _page(site, golds[i].url, "belta", NATIONAL_CAPTURE), golds[i])
    zfx = zerkalo.build()
    for i in (1, 2):  # [itemprop=articleBody] and the 2021–22 div#article_body
        yield Sample(f"zerkalo-{i}", _page(zfx.site, zfx.golds[i].url, "zerkalo",
                                           NATIONAL_CAPTURE), zfx.golds[i])
    rfx = runews24.build()
    for layout in ("desc", "modern"):
        story = next(s for s in rfx.stories if s.layout == layout)
        yield Sample(f"runews24-{layout}", _page(rfx.site, story.gold.url, "runews24",
                                                 NATIONAL_CAPTURE), story.gold)
    sites, golds_by_host = regional.build()
    by_host = {s.host: s for s in sites}
    for host in (regional.SHKLOV, regional.PVESTNIK):
        for i in (0, 1):  # with and without an ISO date in the head
            gold = golds_by_host[host][i]
            yield Sample(f"{host}-{i}", _page(by_host[host], gold.url, host, DISTRICT_CAPTURE),
                         gold)
    for host, (theme, url) in BORROWED.items():
        gold = golds_by_host[theme][0]
        page = _page(by_host[theme], gold.url, host, DISTRICT_CAPTURE, fetch_url=url, host=host)
        yield Sample(f"{host}-0", page, GoldArticle(url=url, title=gold.title,
                                                    paragraphs=gold.paragraphs,
                                                    published=gold.published,
                                                    authors=gold.authors, section=gold.section))


def check_against_gold(path: Path, sample: Sample) -> None:
    import json

    item = json.loads(path.read_text(encoding="utf-8"))["expected"]
    gold = sample.gold
    assert item["title"] == gold.title, path
    assert item["text"] == gold.text, path
    assert item["published"] == gold.published.isoformat(timespec="seconds"), path
    assert item["authors"] == gold.authors, path
    assert item["extractor"]["method"] == "rules", path
    assert canonical_url(sample.page.url) == canonical_url(gold.url), path


def main(root: Path = FIXTURES_DIR) -> list[Path]:
    written = []
    for sample in samples():
        path = write_fixture(sample.page, root, sample.name)
        check_against_gold(path, sample)
        written.append(path)
    missing = set(all_outlets()) - {p.parent.parent.name for p in written}
    assert not missing, f"no fixture site for {sorted(missing)}"
    return written


if __name__ == "__main__":
    for written in main():
        print(written.relative_to(Path.cwd()) if written.is_relative_to(Path.cwd()) else written)
