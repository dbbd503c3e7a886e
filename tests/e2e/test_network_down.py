"""A crawl whose network is down: one log line per failed request, with URL and reason.

Scrapy logs a failed feed, sitemap, listing or robots.txt download with two chained
tracebacks; crawler.extensions.network_errors makes each one line. Every request goes to a
proxy on a closed local port, as on a machine whose proxy is down: no request leaves 127.0.0.1.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.support.crawl import run_crawl

pytestmark = pytest.mark.slow


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_crawl_with_no_network_logs_one_line_per_failure(tmp_path: Path) -> None:
    proxy = f"http://127.0.0.1:{closed_port()}"
    env = {"http_proxy": proxy, "HTTP_PROXY": proxy, "https_proxy": proxy, "HTTPS_PROXY": proxy,
           "no_proxy": "", "NO_PROXY": ""}
    result = run_crawl("belta", tmp_path, settings={
        "OUTLET_BASE_URLS": {"www.belta.by": "http://www.belta.by"}, "RETRY_TIMES": 0},
        env=env, timeout=120)
    assert result.returncode == 1
    assert "no page answered" in result.log
    assert "Traceback" not in result.log, result.log[-4000:]
    errors = [line for line in result.log.splitlines() if " ERROR: " in line
              and "ALARM" not in line]
    assert errors, result.log[-3000:]
    for line in errors:  # the URL, the exception's words and the reason code
        assert "http://www.belta.by/" in line and line.endswith("[connection_refused]"), line
        assert "Connection was refused" in line or "refused" in line.lower(), line
    assert any(line.split(" ERROR: ")[1].startswith("robots.txt not fetched (asked for <GET")
               for line in errors), errors
    assert result.stats["log_count/ERROR"] >= len(errors)  # still errors of the run's health
