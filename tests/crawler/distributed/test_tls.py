"""The start check against real TLS redis-servers (``rediss://``): certificates trusted or
not, client certificates, TLS and plain ports mixed up, TLS options mistyped."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from scrapy.settings import Settings

from crawler.distributed.connection import (
    RedisUnavailable,
    check_redis,
    shown_url,
    unreachable_at_start,
)
from tests.support.redis import RedisServer
from tests.support.tls import Pki, TlsRedisServer, make_pki

Start = Callable[..., TlsRedisServer]


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def tls_server(pki: Pki, tmp_path: Path) -> Iterator[Start]:
    """Start TLS redis-servers (``cert=``, ``client_certs=``); all stopped at the end."""
    started: list[RedisServer] = []

    def start(*options: str, **kwargs: object) -> TlsRedisServer:
        directory = tmp_path / f"redis{len(started)}"
        directory.mkdir()
        server = TlsRedisServer(directory, pki, *options, **kwargs)  # type: ignore[arg-type]
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def refusal(url: str, **settings: object) -> str:
    with pytest.raises(RedisUnavailable) as info:
        check_redis(Settings({"REDIS_URL": url, **settings}))
    return str(info.value)


def client_cert(pki: Pki, name: str = "client") -> str:
    return f"&ssl_certfile={pki.crt(name)}&ssl_keyfile={pki.key(name)}"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_tls_redis_with_its_ca_in_the_url_passes(tls_server: Start, pki: Pki,
                                                   host: str) -> None:
    server = tls_server()
    client = check_redis(Settings(
        {"REDIS_URL": f"rediss://{host}:{server.port}/2?ssl_ca_certs={pki.ca}"}))
    client.set("probe", "1")
    assert server.client.execute_command("SELECT", 2) and server.client.get("probe") == b"1"


def test_a_client_certificate_in_the_url_is_shown_to_the_server(tls_server: Start,
                                                                pki: Pki) -> None:
    server = tls_server(client_certs=True)
    check_redis(Settings({"REDIS_URL": f"{server.url}{client_cert(pki)}"}))


def test_the_tls_options_may_be_given_in_redis_params(tls_server: Start, pki: Pki) -> None:
    server = tls_server(client_certs=True)
    params = {"ssl_ca_certs": str(pki.ca), "ssl_certfile": str(pki.crt("client")),
              "ssl_keyfile": str(pki.key("client"))}
    check_redis(Settings({"REDIS_URL": f"rediss://127.0.0.1:{server.port}/0",
                          "REDIS_PARAMS": params}))


@pytest.mark.parametrize(("cert", "ca", "reason"), [
    ("stranger", True, "unable to get local issuer certificate"),  # another CA signed it
    ("elsewhere", True, "IP address mismatch"),  # issued for redis.example
    ("expired", True, "certificate has expired"),
    ("server", False, "self-signed certificate in certificate chain"),  # CA not given
])
def test_a_server_certificate_not_trusted_is_one_clear_error(
        tls_server: Start, pki: Pki, cert: str, ca: bool, reason: str) -> None:
    """It used to say 'Cannot reach Redis … Start redis-server there': Redis was reached."""
    server = tls_server("--requirepass", "s3cret", cert=cert, password="s3cret")
    query = f"?ssl_ca_certs={pki.ca}" if ca else ""
    message = refusal(f"rediss://:s3cret@127.0.0.1:{server.port}/0{query}")
    assert f"REDIS_URL=rediss://:***@127.0.0.1:{server.port}/0{query}" in message
    assert "s3cret" not in message and "Start redis-server" not in message
    assert "TLS certificate" in message and reason in message and "ssl_ca_certs" in message


def timed_refusal(url: str) -> tuple[str, float]:
    started = time.monotonic()
    message = refusal(url)
    return message, time.monotonic() - started


def test_a_plain_url_at_a_tls_port_says_to_write_rediss(tls_server: Start) -> None:
    """It said 'Connection reset by peer … Start redis-server there'."""
    server = tls_server()
    url = f"redis://127.0.0.1:{server.port}/0"
    message, took = timed_refusal(url)
    assert f"REDIS_URL={url}" in message and "speaks TLS" in message
    assert "rediss://" in message and "Start redis-server" not in message
    assert took < 10


def test_a_tls_url_at_a_plain_port_fails_soon_and_says_to_write_redis(
        tmp_path: Path, pki: Pki) -> None:
    """The TLS handshake waited for an answer a plain Redis never gives: 150 s (5 tries of
    the 30 s connect timeout), then 'Timeout connecting to server'."""
    server = RedisServer(tmp_path, "--requirepass", "s3cret", password="s3cret")
    try:
        url = f"rediss://:s3cret@127.0.0.1:{server.port}/0?ssl_ca_certs={pki.ca}"
        message, took = timed_refusal(url)
    finally:
        server.stop()
    assert f"REDIS_URL=rediss://:***@127.0.0.1:{server.port}/0" in message
    assert "without TLS" in message and "redis://" in message and "s3cret" not in message
    assert took < 15


@pytest.mark.parametrize("protocol", ["TLSv1.2", "TLSv1.3"])
def test_a_client_certificate_demanded_and_not_given_is_one_clear_error(
        tls_server: Start, pki: Pki, protocol: str) -> None:
    """It said 'EOF occurred in violation of protocol … Start redis-server there' (or
    'alert certificate required'): TLS 1.3 refuses after the handshake, TLS 1.2 in it."""
    server = tls_server("--tls-protocols", protocol, client_certs=True)
    message = refusal(server.url)
    assert f"REDIS_URL={server.url}" in message and "Start redis-server" not in message
    assert "demands a client certificate" in message
    assert "ssl_certfile=" in message and "ssl_keyfile=" in message


def test_a_client_certificate_the_server_does_not_accept_is_named(
        tls_server: Start, pki: Pki) -> None:
    server = tls_server(client_certs=True)
    message = refusal(server.url + client_cert(pki, "stranger"))  # another CA signed it
    assert "did not accept the client certificate" in message
    assert str(pki.crt("stranger")) in message and "Start redis-server" not in message


def test_the_crawl_command_says_the_client_certificate_is_missing(
        tls_server: Start, capsys: pytest.CaptureFixture[str]) -> None:
    server = tls_server(client_certs=True)
    assert unreachable_at_start(Settings({"REDIS_URL": server.url}))
    err = capsys.readouterr().err
    assert err.count("ERROR:") == 1 and "demands a client certificate" in err


@pytest.mark.parametrize(("query", "named", "reason"), [
    ("ssl_ca_certs=/nonexistent/ca.crt", "ssl_ca_certs=/nonexistent/ca.crt", "does not exist"),
    ("ssl_ca_certs={notpem}", "ssl_ca_certs={notpem}", "no CA certificate"),
    ("ssl_ca_certs={ca}&ssl_certfile={client_crt}", "ssl_certfile={client_crt}",
     "no private key"),
    ("ssl_ca_certs={ca}&ssl_certfile={client_crt}&ssl_keyfile={server_key}",
     "ssl_keyfile={server_key} is not the key of the certificate", "KEY_VALUES_MISMATCH"),
    ("ssl_ca_certs={ca}&ssl_certfile={client_crt}&ssl_keyfile=/nonexistent/w.key",
     "ssl_keyfile=/nonexistent/w.key", "does not exist"),
])
def test_a_tls_file_missing_or_wrong_is_named(tls_server: Start, pki: Pki, tmp_path: Path,
                                             query: str, named: str, reason: str) -> None:
    """They said 'Cannot reach Redis … Error 2 connecting … No such file or directory. Start
    redis-server there', naming no file (or '[SSL] PEM lib')."""
    server = tls_server(client_certs=True)
    notpem = tmp_path / "ca.txt"
    notpem.write_text("not a certificate\n")
    paths = {"ca": pki.ca, "notpem": notpem, "client_crt": pki.crt("client"),
             "server_key": pki.key("server")}
    url = f"rediss://127.0.0.1:{server.port}/0?{query.format(**paths)}"
    message = refusal(url)
    assert f"REDIS_URL={url}" in message and named.format(**paths) in message
    assert reason in message and "Start redis-server" not in message


def test_a_tls_file_missing_in_redis_params_is_named(tls_server: Start) -> None:
    server = tls_server()
    message = refusal(f"rediss://127.0.0.1:{server.port}/0",
                      REDIS_PARAMS={"ssl_ca_certs": "/nonexistent/ca.crt"})
    assert "ssl_ca_certs=/nonexistent/ca.crt" in message and "does not exist" in message


def test_an_encrypted_client_key_needs_its_password(tls_server: Start, pki: Pki,
                                                    tmp_path: Path) -> None:
    """Without ``ssl_password`` OpenSSL would ask for it on the terminal: a worker under a
    process manager waits forever."""
    server = tls_server(client_certs=True)
    key = tmp_path / "worker.key"
    subprocess.run(["openssl", "pkey", "-in", str(pki.key("client")), "-aes256", "-passout",
                    "pass:k3y-pass", "-out", str(key)], check=True, timeout=30)
    url = f"{server.url}&ssl_certfile={pki.crt('client')}&ssl_keyfile={key}"
    message = refusal(url)
    assert f"ssl_keyfile={key}" in message and "ssl_password=" in message
    check_redis(Settings({"REDIS_URL": f"{url}&ssl_password=k3y-pass"}))


def test_a_password_in_the_query_string_is_hidden(tls_server: Start, pki: Pki,
                                                  tmp_path: Path) -> None:
    """redis-py takes ``?password=`` and ``?ssl_password=`` (an encrypted key's) from the
    query string; messages printed them."""
    server = tls_server(client_certs=True)
    key = tmp_path / "worker.key"
    subprocess.run(["openssl", "pkey", "-in", str(pki.key("client")), "-aes256", "-passout",
                    "pass:k3y-pass", "-out", str(key)], check=True, timeout=30)
    url = (f"{server.url}&ssl_certfile={pki.crt('client')}&ssl_keyfile={key}"
           "&ssl_password=wrong-k3y&password=s3cret")
    message = refusal(url)
    assert "wrong-k3y" not in message and "s3cret" not in message
    assert "ssl_password=***" in message and "password=***" in message


def test_shown_url_hides_passwords_in_the_query() -> None:
    assert shown_url("redis://h/0?password=pw&db=1") == "redis://h/0?password=***&db=1"
    assert shown_url("unix:///run/redis.sock?db=1") == "unix:///run/redis.sock?db=1"
    assert shown_url("rediss://:a@h/0?ssl_ca_certs=/c&ssl_password=b") == \
        "rediss://:***@h/0?ssl_ca_certs=/c&ssl_password=***"


def test_a_mistyped_tls_option_is_one_clear_error(tls_server: Start, pki: Pki) -> None:
    """redis-py passes unknown query options to the connection: a TypeError traceback."""
    server = tls_server()
    url = f"rediss://127.0.0.1:{server.port}/0?ssl_ca_cert={pki.ca}"
    message = refusal(url)
    assert f"REDIS_URL={url}" in message and "ssl_ca_cert" in message
    assert "unknown" in message and "nearest one redis-py takes is ssl_ca_certs" in message


def test_tls_options_on_a_plain_url_say_to_write_rediss(tls_server: Start, pki: Pki) -> None:
    server = tls_server()
    url = f"redis://127.0.0.1:{server.port}/0?ssl_ca_certs={pki.ca}"
    message = refusal(url)
    assert "ssl_ca_certs" in message and "rediss://" in message


def test_a_mistyped_option_in_redis_params_is_one_clear_error(tls_server: Start,
                                                              pki: Pki) -> None:
    server = tls_server()
    message = refusal(f"rediss://127.0.0.1:{server.port}/0",
                      REDIS_PARAMS={"ssl_ca_certs": str(pki.ca), "ssl_keyfiel": "/k"})
    assert "ssl_keyfiel" in message and "unknown" in message


@pytest.mark.parametrize(("option", "alert"), [
    ("ssl_min_version=772", "TLSV1_ALERT_PROTOCOL_VERSION"),  # TLS 1.3 asked, 1.2 served
    ("ssl_ciphers=ECDHE-RSA-AES256-GCM-SHA384", "HANDSHAKE_FAILURE"),  # an RSA-only cipher
])
def test_no_common_tls_version_or_cipher_is_one_clear_error(
        tls_server: Start, option: str, alert: str) -> None:
    """It said 'Cannot reach Redis … Start redis-server there': Redis answered."""
    server = tls_server("--tls-protocols", "TLSv1.2")
    message = refusal(f"{server.url}&{option}")
    assert "TLS handshake" in message and alert in message
    assert "Start redis-server" not in message and "--tls-protocols" in message
