"""Run real ``scrapy crawl`` processes against fixture servers and read what they produced."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.server import FixtureServer

ROOT = Path(__file__).resolve().parents[2]
SCRAPY = [sys.executable, "-m", "scrapy"]

# Fast, deterministic settings for loopback crawls (politeness delays off). A background
# crawl (start_crawl) extracts in one worker process, as a real run does: the tests stopping
# or killing it stop or kill its worker too.
TEST_SETTINGS: dict[str, Any] = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY_JITTER": 0,
    "EXTRACTION_WORKERS": 1,
    "RETRY_TIMES": 1,
    "LOG_LEVEL": "INFO",
}


@dataclass
class CrawlResult:
    returncode: int
    items: list[dict[str, Any]]
    stats: dict[str, Any]
    log: str
    data_dir: Path


def crawl_command(spider: str, data_dir: Path, server: FixtureServer | None = None,
                  args: dict[str, str] | None = None, settings: dict[str, Any] | None = None,
                  env: dict[str, str] | None = None) -> tuple[list[str], dict[str, str], Path]:
    """The ``scrapy crawl`` command line, its environment and the -O items path."""
    data_dir.mkdir(parents=True, exist_ok=True)
    items_path = data_dir / f"items-{spider}.jsonl"
    merged = {**TEST_SETTINGS, "DATA_DIR": str(data_dir)}
    if server is not None:
        merged["OUTLET_BASE_URLS"] = server.base_urls()
    merged.update(settings or {})
    cmd = [*SCRAPY, "crawl", spider, "-O", str(items_path)]
    for key, value in (args or {}).items():
        cmd += ["-a", f"{key}={value}"]
    for key, value in merged.items():
        cmd += ["-s", f"{key}={json.dumps(value) if isinstance(value, dict | list) else value}"]
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(server.crawl_env() if server else {}),
                **(env or {})}
    return cmd, full_env, items_path


def start_crawl(spider: str, data_dir: Path, server: FixtureServer | None = None,
                **kwargs: Any) -> subprocess.Popen[str]:
    """Start ``scrapy crawl`` in the background (for interruption tests)."""
    cmd, env, _ = crawl_command(spider, data_dir, server, **kwargs)
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def read_until(proc: subprocess.Popen[str], text: str, timeout: float = 60) -> str:
    """The log of a crawl started with its stderr piped (:func:`start_crawl`) up to the
    first line holding ``text`` (AssertionError if it ends or ``timeout`` passes first);
    ``proc.communicate()`` reads the rest."""
    assert proc.stderr is not None
    log, ends = "", time.monotonic() + timeout
    while text not in log:
        line = proc.stderr.readline()
        assert line and time.monotonic() < ends, log[-3000:]
        log += line
    return log


def scrapy_command(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``scrapy ARGS…`` from the project root as a real process, capturing its output."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([*SCRAPY, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)


def read_items(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]


def whole_items(path: Path) -> list[dict[str, Any]]:
    """The items of ``path`` read while a crawl may be writing it: whole lines only. A line
    is written at once, but a reader can catch a line of several KB (more than one page of
    the file) half written, which does not parse."""
    data = path.read_bytes() if path.exists() else b""
    return [json.loads(line) for line in data[:data.rfind(b"\n") + 1].splitlines()
            if line.strip()]


def exported_so_far(data_dir: Path, pattern: str = "belta-*.jsonl") -> list[dict[str, Any]]:
    """The items a running crawl has exported into DATA_DIR/items (whole lines only)."""
    return [item for path in sorted((data_dir / "items").glob(pattern))
            for item in whole_items(path)]


def run_crawl(spider: str, data_dir: Path, server: FixtureServer | None = None,
              args: dict[str, str] | None = None, settings: dict[str, Any] | None = None,
              timeout: float = 180, env: dict[str, str] | None = None,
              launcher: list[str] | None = None) -> CrawlResult:
    """Run ``scrapy crawl`` in a subprocess; items come from -O, stats from the run report.
    ``launcher`` goes before the command (e.g. :mod:`tests.support.peak_rss`). Extraction
    runs in the crawl process unless ``settings`` give EXTRACTION_WORKERS: a worker pool
    costs a process start and an import of the extraction per crawl, most of a small one's
    time; the tests of the pool (crawler.pipelines.extraction) and of a site crawl's rows
    reaching its workers give it."""
    settings = {"EXTRACTION_WORKERS": 0, **(settings or {})}
    cmd, full_env, items_path = crawl_command(spider, data_dir, server, args, settings, env)
    cmd = [*(launcher or []), *cmd]
    reports_before = set((data_dir / "reports").glob("*.json"))
    proc = subprocess.run(cmd, cwd=ROOT, env=full_env, capture_output=True, text=True,
                          timeout=timeout)
    reports = sorted(set((data_dir / "reports").glob("*.json")) - reports_before)
    stats = json.loads(reports[-1].read_text("utf-8"))["stats"] if reports else {}
    return CrawlResult(proc.returncode, read_items(items_path), stats, proc.stderr, data_dir)


def start_signalled_crawl(data_dir: Path, server: FixtureServer,
                          settings: dict[str, Any]) -> subprocess.Popen[str]:
    """Start ``scrapy crawl belta`` (no -O: its items only in DATA_DIR/items) in a process
    group of its own, so a test can stop it, or kill it with its extraction workers."""
    merged = {**TEST_SETTINGS, "DATA_DIR": str(data_dir),
              "OUTLET_BASE_URLS": json.dumps(server.base_urls()), **settings}
    cmd = [*SCRAPY, "crawl", "belta"]
    for key, value in merged.items():
        cmd += ["-s", f"{key}={value}"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), **server.crawl_env()}
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def exported_items(data_dir: Path, spider: str = "belta") -> list[dict[str, Any]]:
    """The items a spider's runs have exported into DATA_DIR/items so far, oldest file first."""
    return [json.loads(line) for path in sorted((data_dir / "items").glob(f"{spider}-*.jsonl"))
            for line in path.read_text("utf-8").splitlines() if line.strip()]


def all_reports(data_dir: Path, spider: str = "belta") -> list[dict[str, Any]]:
    """Every run report of a spider in DATA_DIR/reports, oldest first."""
    return [json.loads(p.read_text("utf-8"))
            for p in sorted((data_dir / "reports").glob(f"{spider}-*.json"))]


def latest_report(data_dir: Path, pattern: str = "belta-*.json") -> dict[str, Any]:
    """The newest run report in DATA_DIR/reports whose name matches ``pattern``."""
    return json.loads(sorted((data_dir / "reports").glob(pattern))[-1].read_text("utf-8"))


def completeness(data_dir: Path, outlet: str, pattern: str = "*.json") -> dict[str, int]:
    """The latest run report's completeness counts of ``outlet``, summed over days."""
    days = latest_report(data_dir, pattern)["completeness"]["by_day"].get(outlet, {})
    totals: dict[str, int] = {}
    for counts in days.values():
        for name, value in counts.items():
            if name != "completeness":
                totals[name] = totals.get(name, 0) + value
    return totals


def wait_for(check, what: str, proc: subprocess.Popen, log: Path, within: float = 90) -> None:
    """Wait until ``check()`` holds while the crawl ``proc`` runs: it failing to, or the crawl
    ending first, fails the test with ``what`` and the tail of its ``log``."""
    deadline = time.monotonic() + within
    while not check():
        assert proc.poll() is None and time.monotonic() < deadline, (
            what, log.read_text()[-3000:])
        time.sleep(0.05)
