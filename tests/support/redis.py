"""A real, throwaway redis-server on a free 127.0.0.1 port, as a pytest fixture."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

REDIS_SERVER = shutil.which("redis-server") or (
    "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PortTaken(RuntimeError):
    """The port was free when picked and taken before redis-server bound it (another test's
    server, a connection's local port): the server could not start there, or another
    server answered there instead of ours."""


class RedisServer:
    """``redis-server`` in its own temp dir; ``url`` for ``-s REDIS_URL=…``."""

    def __init__(self, directory: Path, *options: str, password: str | None = None) -> None:
        """``options``: more redis-server arguments (``--maxmemory-policy``, ``--replicaof``
        …); ``password``: the one ``--requirepass`` sets, for the fixture's own client."""
        if REDIS_SERVER is None:
            pytest.skip("redis-server is not installed (bin/setup --dev installs it)")
        self.directory = directory
        self.options = options
        for _ in range(5):  # a port picked free may be taken before the server binds it
            self.port = _free_port()
            self.client = self._client(password)
            try:
                self._start()
                return
            except PortTaken:
                self.client.close()
        raise RuntimeError("redis-server found no free port in 5 tries")

    def _client(self, password: str | None) -> redis.Redis:
        # RESP2, as the workers' clients (crawler.distributed.connection): any Redis from 5.0
        return redis.Redis(host="127.0.0.1", port=self.port, password=password, protocol=2)

    def _common(self) -> list[str]:
        return ["--bind", "127.0.0.1", "--dir", str(self.directory), "--save", "",
                "--appendonly", "no", "--protected-mode", "yes", *self.options]

    def _command(self) -> list[str]:
        return [str(REDIS_SERVER), "--port", str(self.port), *self._common()]

    def _start(self) -> None:
        log = self.directory / "redis-server.log"
        with log.open("ab") as out:
            self.proc = subprocess.Popen(self._command(), stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while True:
            try:
                self.client.ping()
                break
            except redis.ConnectionError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    output = log.read_text("utf-8", errors="replace")
                    self._unstarted(output)
                    said = f"redis-server did not start on port {self.port}: {output[-500:]}"
                    if "Address already in use" in output:
                        raise PortTaken(said) from None
                    raise RuntimeError(said) from None
                time.sleep(0.05)
        if self.client.info("server")["process_id"] != self.proc.pid:
            self.stop()
            raise PortTaken(f"another redis-server answers on port {self.port}")

    def _unstarted(self, output: str) -> None:
        """Hook for a server that may lack a feature (skip rather than fail)."""

    def restart(self, down: float = 0.0) -> None:
        """Stop and start again on the same port, ``down`` seconds later: without
        persistence, every key is gone."""
        self.stop()
        time.sleep(down)
        self._start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        self.client.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    try:
        yield server
    finally:
        server.stop()


def command_since(client: redis.Redis, name: str) -> tuple[int, ...]:
    """The Redis version that added command ``name``, as the server's COMMAND DOCS says
    (Redis 7; redis-py parses its reply as COMMAND's, so it is read raw)."""
    conn = client.connection_pool.get_connection()
    try:
        conn.send_command("COMMAND", "DOCS", name)
        docs = conn.read_response()
    finally:
        client.connection_pool.release(conn)
    if isinstance(docs, list):  # a flat list of name, docs (RESP2 as some versions read it)
        docs = {docs[0]: dict(zip(docs[1][::2], docs[1][1::2], strict=True))}
    (fields,) = docs.values()
    return tuple(int(part) for part in fields[b"since"].split(b"."))
