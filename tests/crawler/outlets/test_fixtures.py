"""Fundus-style regression fixtures: every outlet and rule version has a real-shaped page whose
item is pinned, and every fixture still extracts to exactly that item."""

from __future__ import annotations

import pytest

from crawler.outlets import all_outlets
from crawler.outlets.fixtures import FIXTURES_DIR, differences, iter_fixtures, missing_fixtures

FIXTURES = list(iter_fixtures())


def test_every_outlet_and_rule_version_has_a_fixture() -> None:
    assert missing_fixtures(all_outlets().values()) == []
    assert {f.outlet for f in FIXTURES} == set(all_outlets())  # district rows included


def test_a_rule_version_without_a_fixture_is_named(tmp_path) -> None:
    belta = all_outlets()["belta"]
    assert missing_fixtures([belta], tmp_path) == [f"belta@{belta.rules.version}"]


def test_no_fixture_belongs_to_an_unknown_outlet_or_version() -> None:
    known = {(o.key, r.version) for o in all_outlets().values() for r in o.versions}
    stale = {(f.outlet, f.version) for f in FIXTURES} - known
    assert not stale, f"fixtures under {FIXTURES_DIR} for no outlet rule version: {stale}"


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.json_path.stem for f in FIXTURES])
def test_fixture_extracts_to_its_recorded_item(fixture) -> None:
    assert fixture.expected["extractor"]["rules"] == f"{fixture.outlet}@{fixture.version}"
    assert differences(fixture) == []
