"""https through the guard: the connection goes to the checked IP, TLS still speaks the URL's name."""

from __future__ import annotations

import datetime
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from framecast.errors import InputError
from framecast.media.fetch import Fetcher

from .test_fetch import fake_dns

NAME = "files.test"


def self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, NAME)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(NAME)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


class Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        body = f"host={self.headers.get('Host')}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[int, ssl.SSLContext, list[str | None]]]:
    cert, key = self_signed(tmp_path)
    server_names: list[str | None] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, name, ctx: server_names.append(name)  # type: ignore[assignment,misc,return-value]
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    trust = ssl.create_default_context(cafile=str(cert))
    try:
        yield server.server_address[1], trust, server_names
    finally:
        server.shutdown()
        server.server_close()


def test_https_sends_the_name_as_sni_and_verifies_it(
    tls_server: tuple[int, ssl.SSLContext, list[str | None]], monkeypatch: pytest.MonkeyPatch
) -> None:
    port, trust, server_names = tls_server
    fake_dns(monkeypatch, {NAME: lambda: ["127.0.0.1"]})
    fetcher = Fetcher(max_bytes=1024, timeout=2, allow_loopback=True, verify=trust)
    got = fetcher.fetch(f"https://{NAME}:{port}/a.png", "image_url")
    assert got.data == f"host={NAME}:{port}".encode()
    assert server_names == [NAME]


def test_https_certificate_for_another_name_is_rejected(
    tls_server: tuple[int, ssl.SSLContext, list[str | None]], monkeypatch: pytest.MonkeyPatch
) -> None:
    port, trust, _ = tls_server
    fake_dns(monkeypatch, {"other.test": lambda: ["127.0.0.1"]})
    fetcher = Fetcher(max_bytes=1024, timeout=2, allow_loopback=True, verify=trust)
    with pytest.raises(InputError) as caught:
        fetcher.fetch(f"https://other.test:{port}/a.png", "image_url")
    assert caught.value.error_type == "file_download_error"
    assert "certificate" in caught.value.message.lower()
