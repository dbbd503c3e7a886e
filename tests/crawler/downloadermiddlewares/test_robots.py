"""robots.txt is read by its status as RFC 9309 says: 4xx no rules, 5xx disallow all."""

from __future__ import annotations

import pytest

from crawler.downloadermiddlewares.robots import DISALLOW_ALL, rules_for_status

BODY = b"User-agent: *\nDisallow: /private/\n"


@pytest.mark.parametrize(("status", "expected"), [
    (200, BODY), (403, b""), (404, b""), (410, b""), (429, DISALLOW_ALL), (500, DISALLOW_ALL),
    (503, DISALLOW_ALL),
])
def test_rules_a_robots_txt_stands_for_by_its_status(status: int, expected: bytes) -> None:
    assert rules_for_status(status, BODY) == expected
