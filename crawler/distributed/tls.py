"""What went wrong with Redis over TLS (``rediss://``), in words a user can act on.

redis-py opens the TLS files only when connecting and reports every failure to connect as
'Error N connecting to host:port': a missing CA file, a certificate not trusted, a client
certificate demanded and a plain port were all taken for a Redis not running. Checked once,
before any spider starts, by :func:`crawler.distributed.connection.connect`.
"""

from __future__ import annotations

import os
import socket
import ssl
from typing import Any, TypeVar

import redis

E = TypeVar("E", bound=BaseException)

HANDSHAKE = ("ALERT", "CIPHER", "PROTOCOL", "VERSION")  # OpenSSL reasons of a failed handshake
TLS_FILES = ("ssl_ca_certs", "ssl_ca_path", "ssl_certfile", "ssl_keyfile")


def tls_file_problem(pool: redis.ConnectionPool) -> str | None:
    """What is wrong with the TLS files given (in the URL or ``REDIS_PARAMS``), if anything.
    redis-py opens them only when connecting and reports a missing one as 'Error 2
    connecting to host:port', naming no file."""
    if not issubclass(pool.connection_class, redis.SSLConnection):
        return None
    given = {name: pool.connection_kwargs.get(name) for name in TLS_FILES}
    for name, path in given.items():
        if path and not os.access(path, os.R_OK):
            why = "cannot be read" if os.path.exists(path) else "does not exist"
            return f"TLS option {name}={path} {why}"
    context = ssl.create_default_context()
    if given["ssl_ca_certs"] or given["ssl_ca_path"]:
        try:
            context.load_verify_locations(given["ssl_ca_certs"], given["ssl_ca_path"])
        except ssl.SSLError as exc:
            return (f"TLS option ssl_ca_certs={given['ssl_ca_certs']} holds no CA certificate "
                    f"in PEM form ({exc.reason or exc})")
    if given["ssl_keyfile"] and not given["ssl_certfile"]:
        return f"TLS option ssl_keyfile={given['ssl_keyfile']} is given without ssl_certfile"
    return _client_cert_problem(context, given["ssl_certfile"], given["ssl_keyfile"],
                                pool.connection_kwargs.get("ssl_password"))


def _client_cert_problem(context: ssl.SSLContext, certfile: str | None, keyfile: str | None,
                         password: str | None) -> str | None:
    """Whether the client certificate and its key load (an encrypted key without
    ``ssl_password`` fails here instead of prompting on the terminal)."""
    if not certfile:
        return None
    try:
        context.load_cert_chain(certfile, keyfile, password=password or (lambda: b""))
    except ssl.SSLError as exc:
        reason = str(exc.reason or exc)
        if "KEY_VALUES_MISMATCH" in reason:
            return (f"TLS option ssl_keyfile={keyfile} is not the key of the certificate "
                    f"ssl_certfile={certfile} ({reason})")
        if keyfile is None:
            return (f"TLS option ssl_certfile={certfile} holds no private key (or no PEM "
                    "certificate): give the key as ssl_keyfile=/path/worker.key")
        return (f"TLS options ssl_certfile={certfile}, ssl_keyfile={keyfile}: no PEM "
                f"certificate and private key there, or the key is encrypted and ssl_password= "
                f"is missing or wrong ({reason})")
    return None


def certificate_refusal(exc: BaseException) -> str | None:
    """OpenSSL's reason when ``exc`` comes of a server certificate this client does not trust
    (expired, of another CA, for another host); None for anything else. No outage: waiting
    does not help, so it is never retried."""
    verify = cause_of(exc, ssl.SSLCertVerificationError)
    return None if verify is None else str(verify.verify_message or verify.reason or verify)


def tls_diagnosis(exc: BaseException, shown: str, pool: redis.ConnectionPool) -> str | None:
    """What went wrong with TLS when connecting failed with ``exc``, if that was it: a
    certificate not trusted, a client certificate demanded, no common TLS version or
    cipher, a rediss:// URL at a plain port or a redis:// URL at a TLS port."""
    verify = cause_of(exc, ssl.SSLCertVerificationError)
    if verify is not None:
        return (f"Redis at REDIS_URL={shown} presented a TLS certificate this worker does not "
                f"trust (certificate verify failed: {verify.verify_message}). Give the CA that "
                "signed it in REDIS_URL as ?ssl_ca_certs=/path/ca.crt, connect by a host name "
                "the certificate was issued for, or renew an expired certificate.")
    address = (pool.connection_kwargs.get("host"), pool.connection_kwargs.get("port"))
    tls = issubclass(pool.connection_class, redis.SSLConnection)
    if address[0] and tls and _speaks_plain_redis(address):
        return (f"Redis at REDIS_URL={shown} answers without TLS: it is a plain port. Write "
                "redis:// for it, or rediss:// with the port of redis-server's --tls-port.")
    if address[0] and tls and cause_of(exc, ssl.SSLError) and _demands_client_cert(address):
        given = pool.connection_kwargs.get("ssl_certfile")
        if given:
            return (f"Redis at REDIS_URL={shown} did not accept the client certificate "
                    f"ssl_certfile={given}: give one signed by a CA of the server's "
                    "--tls-ca-cert-file (and its key as ssl_keyfile=).")
        return (f"Redis at REDIS_URL={shown} demands a client certificate (redis-server "
                "--tls-auth-clients yes): give this worker's certificate and key in REDIS_URL "
                "as &ssl_certfile=/path/worker.crt&ssl_keyfile=/path/worker.key.")
    handshake = cause_of(exc, ssl.SSLError) if tls else None
    if handshake is not None and any(word in str(handshake.reason) for word in HANDSHAKE):
        return (f"The TLS handshake with Redis at REDIS_URL={shown} failed "
                f"({handshake.strerror or handshake}): the server and this worker share no "
                "TLS version or cipher. Compare the options ssl_min_version and ssl_ciphers "
                "with the server's --tls-protocols and --tls-ciphers.")
    if address[0] and not tls and _speaks_tls(address):
        return (f"Redis at REDIS_URL={shown} speaks TLS on that port: write rediss://… (with "
                "?ssl_ca_certs=/path/ca.crt for a CA of its own).")
    return None


def _speaks_plain_redis(address: tuple[Any, Any]) -> bool:
    """Whether the server at ``address`` answers a plain-text PING (``+PONG``, ``-NOAUTH`` …)."""
    try:
        with socket.create_connection(address, timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64)[:1] in (b"+", b"-")
    except OSError:
        return False


def _speaks_tls(address: tuple[Any, Any]) -> bool:
    """Whether the server at ``address`` completes a TLS handshake (any certificate)."""
    try:
        with _tls_socket(address):
            return True
    except OSError:
        return False


def _demands_client_cert(address: tuple[Any, Any]) -> bool:
    """Whether the TLS server at ``address``, shown no client certificate, refuses it: TLS
    1.2 fails the handshake, TLS 1.3 drops the connection after it instead of answering."""
    try:
        sock = _tls_socket(address)
    except ssl.SSLError as exc:
        return any(alert in str(exc.reason) for alert in ("CERTIFICATE_REQUIRED",
                                                          "HANDSHAKE_FAILURE"))
    except OSError:
        return False
    with sock:
        try:
            sock.sendall(b"PING\r\n")
            return sock.recv(64)[:1] not in (b"+", b"-")
        except TimeoutError:
            return False
        except OSError:  # the refusal: an alert, a reset
            return True


def _tls_socket(address: tuple[Any, Any]) -> ssl.SSLSocket:
    """A TLS connection to ``address`` trusting any certificate, without one of its own."""
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    sock = socket.create_connection(address, timeout=2)
    try:
        return context.wrap_socket(sock, server_hostname=str(address[0]))
    except BaseException:
        sock.close()
        raise


def cause_of(exc: BaseException | None, kind: type[E] | tuple[type[E], ...]) -> E | None:
    """The first exception of ``kind`` (a class or a tuple of them) in the chain that led to
    ``exc`` (``__cause__``/``__context__``, at most 20 links), if any."""
    seen = 0
    while exc is not None and seen < 20:
        if isinstance(exc, kind):
            return exc
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return None
