"""Start a throw-away pywb `wayback` on 127.0.0.1 for replay tests.

pywb lives in a separate venv (its pins clash with ours), located by $TOOLS_VENV or
<repo>/.venv-tools, and is only ever run as a subprocess.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

Fetch = Callable[[str], tuple[int, dict[str, str], bytes]]


def tools_venv() -> Path:
    return Path(os.environ.get("TOOLS_VENV") or REPO / ".venv-tools")


def tools_bin(name: str) -> Path:
    return tools_venv() / "bin" / name


def have_tool(name: str) -> bool:
    return tools_bin(name).exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    """GET without any decoding: body as on the wire after HTTP/1.1 de-chunking only."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
        resp = conn.getresponse()
        body = resp.read()
        headers = {k.lower(): v for k, v in resp.getheaders()}
        return resp.status, headers, body
    finally:
        conn.close()


@contextlib.contextmanager
def pywb_replay(
    warcs: list[Path], *, index: Path | None = None, coll: str = "test"
) -> Iterator[Fetch]:
    """Serve `warcs` with pywb; yields fetch(path) -> (status, headers, raw body).

    `path` is the URL path on the server, e.g. "/test/20260101000000id_/http://x/".
    With `index`, that CDXJ file is used as the collection index instead of letting
    `wb-manager add` build one (to check that our own index is accepted).
    """
    if not have_tool("wayback"):
        raise RuntimeError(f"pywb not found in {tools_venv()}")
    tmp = Path(tempfile.mkdtemp(prefix="pywb-"))
    proc = None
    try:
        subprocess.run(
            [tools_bin("wb-manager"), "init", coll], cwd=tmp, check=True, capture_output=True
        )
        cdir = tmp / "collections" / coll
        if index is None:
            subprocess.run(
                [tools_bin("wb-manager"), "add", coll, *map(str, warcs)],
                cwd=tmp,
                check=True,
                capture_output=True,
            )
        else:
            for w in warcs:
                shutil.copy(w, cdir / "archive" / Path(w).name)
            shutil.copy(index, cdir / "indexes" / "index.cdxj")
        port = _free_port()
        log = open(tmp / "wayback.log", "wb")  # noqa: SIM115 - closed in finally via proc
        proc = subprocess.Popen(
            [tools_bin("wayback"), "-p", str(port), "-b", "127.0.0.1", "-t", "2"],
            cwd=tmp,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                _get(port, "/", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "wayback did not start:\n" + (tmp / "wayback.log").read_text()
                    ) from None
                time.sleep(0.2)
        yield lambda path: _get(port, path)
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)
