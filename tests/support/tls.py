"""A throwaway certificate authority and TLS redis-servers on 127.0.0.1, for ``rediss://``.

Certificates are made with the ``openssl`` command (EC keys: fast) in a temp dir; tests skip
with the reason when ``openssl`` is missing or the installed redis-server was built without
TLS.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from tests.support.redis import REDIS_SERVER, RedisServer

OPENSSL = shutil.which("openssl")


def _openssl(directory: Path, *args: str) -> None:
    done = subprocess.run([OPENSSL or "openssl", *args], cwd=directory, capture_output=True,
                          text=True, timeout=30)
    if done.returncode:
        raise RuntimeError(f"openssl {' '.join(args)} failed: {done.stderr[-1000:]}")


def _key(directory: Path, name: str) -> str:
    _openssl(directory, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-out", f"{name}.key")
    return f"{name}.key"


def _ca(directory: Path, name: str) -> None:
    key = _key(directory, name)
    _openssl(directory, "req", "-x509", "-new", "-key", key, "-out", f"{name}.crt", "-days",
             "2", "-subj", f"/CN={name}")


def _signed(directory: Path, name: str, ca: str, names: str, days: str = "2",
            usage: str = "serverAuth") -> None:
    """A certificate for ``names`` (a subjectAltName value) signed by ``ca``."""
    key = _key(directory, name)
    _openssl(directory, "req", "-new", "-key", key, "-out", f"{name}.csr", "-subj", f"/CN={name}")
    (directory / f"{name}.ext").write_text(
        f"subjectAltName={names}\nextendedKeyUsage={usage}\n", "ascii")
    _openssl(directory, "x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.crt", "-CAkey",
             f"{ca}.key", "-set_serial", str(abs(hash(name)) % 10**9), "-out", f"{name}.crt",
             "-days", days, "-extfile", f"{name}.ext")


@dataclass(frozen=True)
class Pki:
    """Paths of a CA and of the certificates signed (or not) by it."""

    directory: Path

    def crt(self, name: str) -> Path:
        return self.directory / f"{name}.crt"

    def key(self, name: str) -> Path:
        return self.directory / f"{name}.key"

    @property
    def ca(self) -> Path:
        return self.crt("ca")


def make_pki(directory: Path) -> Pki:
    """``ca``; ``server`` (127.0.0.1 and localhost) and ``client`` signed by it; ``stranger``
    signed by another CA; ``elsewhere`` for another host name; ``expired`` (ended yesterday)."""
    if OPENSSL is None:
        pytest.skip("openssl is not installed: no certificates for the TLS tests")
    _ca(directory, "ca")
    _ca(directory, "other-ca")
    here = "IP:127.0.0.1,DNS:localhost"
    _signed(directory, "server", "ca", here)
    _signed(directory, "client", "ca", "DNS:worker.example", usage="clientAuth")
    _signed(directory, "stranger", "other-ca", here)
    _signed(directory, "elsewhere", "ca", "DNS:redis.example")
    with contextlib.suppress(RuntimeError):  # an openssl refusing it: those tests skip
        _signed(directory, "expired", "ca", here, days="-1")
    return Pki(directory)


class TlsRedisServer(RedisServer):
    """``redis-server`` answering TLS only, on ``port``, with the certificate ``cert`` of
    ``pki``; ``client_certs``: whether it demands a client certificate signed by the CA."""

    def __init__(self, directory: Path, pki: Pki, *options: str, cert: str = "server",
                 client_certs: bool = False, password: str | None = None) -> None:
        self.pki = pki
        self.cert = cert
        tls = (*self._cert_options(cert), "--tls-ca-cert-file", str(pki.ca),
               "--tls-auth-clients", "yes" if client_certs else "no")
        super().__init__(directory, *tls, *options, password=password)

    def _cert_options(self, cert: str) -> tuple[str, ...]:
        if not self.pki.crt(cert).exists():
            pytest.skip(f"this openssl could not make the {cert} certificate")
        return ("--tls-cert-file", str(self.pki.crt(cert)), "--tls-key-file",
                str(self.pki.key(cert)))

    def restart_with(self, cert: str) -> None:
        """Stop and start again on the same port presenting the certificate ``cert``."""
        old, new = self._cert_options(self.cert), self._cert_options(cert)
        self.options = (*new, *self.options[len(old):])
        self.cert = cert
        self.restart()

    def _command(self) -> list[str]:
        return [str(REDIS_SERVER), "--port", "0", "--tls-port", str(self.port), *self._common()]

    def _client(self, password: str | None) -> redis.Redis:
        """The fixture's own client: trusts any server certificate, shows the CA's client's."""
        return redis.Redis(host="127.0.0.1", port=self.port, password=password, ssl=True,
                           ssl_cert_reqs="none", ssl_check_hostname=False,
                           ssl_certfile=str(self.pki.crt("client")),
                           ssl_keyfile=str(self.pki.key("client")), socket_timeout=5)

    def _unstarted(self, output: str) -> None:
        """A redis-server built without TLS refuses the tls-* directives as unknown."""
        if "tls-port" in output and "Bad directive" in output:
            pytest.skip(f"this redis-server was built without TLS: {output.strip()[-200:]}")

    @property
    def url(self) -> str:
        return f"rediss://127.0.0.1:{self.port}/0?ssl_ca_certs={self.pki.ca}"
