"""Fetching inputs: data URIs, the service's own files, and http(s) behind the SSRF guard."""

from __future__ import annotations

import base64
import socket
import time
from collections.abc import Callable
from typing import Any

import pytest

from framecast.config import Settings
from framecast.errors import InputError
from framecast.media.fetch import Fetcher

from .conftest import PNG_BODY, FileServer

MIB = 1024 * 1024
LOC = ("body", "images", 0, "image_url")
FIELD = "images.0.image_url"


def make_fetcher(**overrides: Any) -> Fetcher:
    options: dict[str, Any] = {"max_bytes": MIB, "timeout": 1.0, "allow_loopback": True}
    options.update(overrides)
    return Fetcher(**options)


def refused(call: Callable[[], object], type: str, status: int = 422) -> InputError:
    with pytest.raises(InputError) as caught:
        call()
    error = caught.value
    assert (error.status_code, error.error_type) == (status, type), error.body()
    return error


def fake_dns(monkeypatch: pytest.MonkeyPatch, answers: dict[str, Callable[[], list[str]]]) -> None:
    """Answer getaddrinfo for the named hosts; everything else (IP literals) goes to the real one."""
    real = socket.getaddrinfo

    def getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        if host not in answers:
            return real(host, port, *args, **kwargs)
        return [
            (socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))
            for ip in answers[host]()
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


# data: URIs -------------------------------------------------------------------------------------


def test_base64_data_uri() -> None:
    uri = "data:image/png;base64," + base64.b64encode(PNG_BODY).decode()
    got = make_fetcher().fetch(uri, FIELD)
    assert (got.data, got.content_type, got.source) == (PNG_BODY, "image/png", "data:image/png")


@pytest.mark.parametrize(
    ("uri", "data", "content_type"),
    [
        ("data:text/plain,hello%20world%21", b"hello world!", "text/plain"),
        ("data:,raw", b"raw", None),
        ("DATA:Image/PNG;BASE64,aGk=", b"hi", "image/png"),
        ("data:image/png;base64,aGk", b"hi", "image/png"),  # padding dropped
        ("data:image/png;base64,aGVs\n bG8=", b"hello", "image/png"),  # wrapped lines
        ("data:application/octet-stream;base64,-_8=", b"\xfb\xff", "application/octet-stream"),  # URL-safe
        ("data:image/png;name=x.png;base64,aGk=", b"hi", "image/png"),
    ],
)
def test_data_uri_variants(uri: str, data: bytes, content_type: str | None) -> None:
    got = make_fetcher().fetch(uri, FIELD)
    assert (got.data, got.content_type) == (data, content_type)


@pytest.mark.parametrize(
    "uri",
    ["data:image/png;base64", "data:image/png;base64,@@@@", "data:not a type;base64,aGk=", "data:;base64,a"],
)
def test_malformed_data_uri(uri: str) -> None:
    error = refused(lambda: make_fetcher().fetch(uri, FIELD), "invalid_data_uri")
    assert error.errors[0].loc == LOC
    assert error.message.startswith("images.0.image_url: malformed data URI")


def test_data_uri_over_the_limit() -> None:
    uri = "data:image/png;base64," + base64.b64encode(b"\0" * (MIB + 1)).decode()
    error = refused(lambda: make_fetcher().fetch(uri, FIELD), "file_too_large", 413)
    assert error.errors[0].ctx == {"max_bytes": MIB}
    assert error.errors[0].loc == LOC


@pytest.mark.parametrize("size", [MIB, MIB - 1, MIB - 2])
def test_data_uri_at_the_limit_is_accepted(size: int) -> None:
    uri = "data:;base64," + base64.b64encode(b"\1" * size).decode()
    assert len(make_fetcher().fetch(uri, FIELD).data) == size


def test_huge_data_uri_is_refused_before_decoding() -> None:
    # Not even valid base64: the size alone decides, so no time goes into decoding it.
    error = refused(lambda: make_fetcher().fetch("data:;base64," + "@" * (2 * MIB), FIELD), "file_too_large", 413)
    assert error.errors[0].ctx == {"max_bytes": MIB}


@pytest.mark.parametrize("url", ["ftp://example.com/a.png", "file:///etc/passwd", "gopher://x", "/relative.png", ""])
def test_other_schemes_are_invalid(url: str) -> None:
    error = refused(lambda: make_fetcher().fetch(url, "image_url"), "invalid_url")
    assert error.errors[0].loc == ("body", "image_url")


# http(s) ----------------------------------------------------------------------------------------


def test_http_fetch(file_server: FileServer) -> None:
    got = make_fetcher().fetch(f"{file_server.url}/image.png", FIELD)
    assert got.data == PNG_BODY
    assert got.content_type == "image/png"
    assert got.source == f"{file_server.url}/image.png"


@pytest.mark.parametrize("hops", [1, 5])
def test_redirects_are_followed(file_server: FileServer, hops: int) -> None:
    got = make_fetcher().fetch(f"{file_server.url}/redirect/{hops}", FIELD)
    assert got.data == PNG_BODY
    assert got.source == f"{file_server.url}/image.png"


def test_too_many_redirects(file_server: FileServer) -> None:
    error = refused(lambda: make_fetcher().fetch(f"{file_server.url}/redirect/6", FIELD), "file_download_error")
    assert "redirects" in error.message


@pytest.mark.parametrize(("path", "status"), [("/missing", "404"), ("/broken", "500")])
def test_http_error_status(file_server: FileServer, path: str, status: str) -> None:
    error = refused(lambda: make_fetcher().fetch(file_server.url + path, FIELD), "file_download_error")
    assert f"HTTP {status}" in error.message
    assert error.errors[0].loc == LOC


def test_slow_server_times_out(file_server: FileServer) -> None:
    start = time.monotonic()
    error = refused(lambda: make_fetcher(timeout=0.5).fetch(f"{file_server.url}/slow", FIELD), "file_download_error")
    assert "timed out" in error.message
    assert time.monotonic() - start < 1.5


def test_trickling_server_hits_the_overall_deadline(file_server: FileServer) -> None:
    # Every byte arrives well within the read timeout; only a deadline on the whole download stops it.
    start = time.monotonic()
    error = refused(lambda: make_fetcher(timeout=0.5).fetch(f"{file_server.url}/trickle", FIELD), "file_download_error")
    assert "timed out" in error.message
    assert time.monotonic() - start < 1.5


def test_declared_length_over_the_limit_is_refused_at_once(file_server: FileServer) -> None:
    start = time.monotonic()
    error = refused(
        lambda: make_fetcher(timeout=5).fetch(f"{file_server.url}/huge-declared", FIELD), "file_too_large", 413
    )
    assert error.errors[0].ctx == {"max_bytes": MIB}
    assert time.monotonic() - start < 2  # did not wait for the body the server never sends


def test_streamed_body_over_the_limit_is_cut_off(file_server: FileServer) -> None:
    refused(lambda: make_fetcher().fetch(f"{file_server.url}/huge-chunked", FIELD), "file_too_large", 413)


def test_connection_refused() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound but not listening: connections are refused
        error = refused(lambda: make_fetcher().fetch(f"http://127.0.0.1:{port}/x", FIELD), "file_download_error")
    assert f"127.0.0.1:{port}" in error.message


# The SSRF guard ---------------------------------------------------------------------------------


def test_loopback_refused_unless_allowed(file_server: FileServer) -> None:
    url = f"{file_server.url}/image.png?guard-test"
    error = refused(lambda: make_fetcher(allow_loopback=False).fetch(url, FIELD), "file_download_error")
    assert "127.0.0.1 is a loopback address" in error.message
    assert "FRAMECAST_ALLOW_LOOPBACK_URLS" in error.message
    assert error.message.startswith("images.0.image_url: ")
    assert "/image.png?guard-test" not in file_server.recorded.paths  # refused before connecting
    assert make_fetcher(allow_loopback=True).fetch(url, FIELD).data == PNG_BODY


def test_private_permission_does_not_extend_to_loopback(file_server: FileServer) -> None:
    fetcher = make_fetcher(allow_loopback=False, allow_private=True)
    refused(lambda: fetcher.fetch(f"{file_server.url}/image.png", FIELD), "file_download_error")


def test_localhost_name_is_refused(file_server: FileServer) -> None:
    url = f"http://localhost:{file_server.port}/image.png"
    error = refused(lambda: make_fetcher(allow_loopback=False).fetch(url, FIELD), "file_download_error")
    assert "loopback" in error.message


@pytest.mark.parametrize(
    ("host", "setting"),
    [
        ("10.0.0.1", "PRIVATE"),
        ("169.254.169.254", "PRIVATE"),
        ("192.168.1.20", "PRIVATE"),
        ("172.16.5.5", "PRIVATE"),
        ("100.64.0.1", "PRIVATE"),
        ("224.0.0.1", "PRIVATE"),
        ("[fc00::1]", "PRIVATE"),
        ("[fe80::1]", "PRIVATE"),
        ("[::ffff:10.0.0.1]", "PRIVATE"),
        ("0.0.0.0", "LOOPBACK"),
        ("[::1]", "LOOPBACK"),
        ("[::ffff:127.0.0.1]", "LOOPBACK"),
        ("127.1.2.3", "LOOPBACK"),
    ],
)
def test_non_public_literals_are_refused(host: str, setting: str) -> None:
    fetcher = make_fetcher(allow_loopback=False)
    error = refused(lambda: fetcher.fetch(f"http://{host}/latest/meta-data", FIELD), "file_download_error")
    assert f"FRAMECAST_ALLOW_{setting}_URLS" in error.message


def test_name_resolving_to_a_private_address(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_dns(monkeypatch, {"internal.test": lambda: ["10.1.2.3"]})
    error = refused(lambda: make_fetcher().fetch("http://internal.test/a.png", FIELD), "file_download_error")
    assert "10.1.2.3" in error.message
    assert "FRAMECAST_ALLOW_PRIVATE_URLS" in error.message


def test_any_forbidden_address_refuses_the_name(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_dns(monkeypatch, {"mixed.test": lambda: ["93.184.216.34", "192.168.0.10"]})
    error = refused(lambda: make_fetcher().fetch("http://mixed.test/a.png", FIELD), "file_download_error")
    assert "192.168.0.10" in error.message


@pytest.mark.parametrize("target", ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/"])
def test_redirect_to_a_forbidden_address_is_refused(file_server: FileServer, target: str) -> None:
    error = refused(lambda: make_fetcher().fetch(f"{file_server.url}/to?{target}", FIELD), "file_download_error")
    assert "is a private" in error.message


def test_redirect_to_another_scheme_is_refused(file_server: FileServer) -> None:
    refused(lambda: make_fetcher().fetch(f"{file_server.url}/to?file:///etc/passwd", FIELD), "invalid_url")


def test_connects_to_the_checked_address_not_the_name(file_server: FileServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """DNS rebinding: the name answers once with an allowed address, then with nothing at all.

    The fetch only succeeds if the connection goes to the address that was checked, with the name
    sent as Host.
    """
    answers = iter([["127.0.0.1"]])

    def rebinding() -> list[str]:
        try:
            return next(answers)
        except StopIteration:
            raise socket.gaierror(socket.EAI_NONAME, "rebound") from None

    fake_dns(monkeypatch, {"rebind.test": rebinding})
    got = make_fetcher().fetch(f"http://rebind.test:{file_server.port}/image.png", FIELD)
    assert got.data == PNG_BODY
    assert got.source == f"http://rebind.test:{file_server.port}/image.png"
    assert file_server.recorded.hosts[-1] == f"rebind.test:{file_server.port}"


def test_redirect_hops_are_resolved_again(file_server: FileServer, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_dns(monkeypatch, {"first.test": lambda: ["127.0.0.1"], "second.test": lambda: ["10.9.9.9"]})
    url = f"http://first.test:{file_server.port}/to?http://second.test/x.png"
    error = refused(lambda: make_fetcher().fetch(url, FIELD), "file_download_error")
    assert "second.test" in error.message and "10.9.9.9" in error.message


# The service's own files ------------------------------------------------------------------------


def test_local_resolver_answers_without_http() -> None:
    seen: list[str] = []

    def resolver(url: str) -> bytes | None:
        seen.append(url)
        return b"stored bytes"

    fetcher = make_fetcher(allow_loopback=False, local_resolver=resolver)
    got = fetcher.fetch("http://127.0.0.1:9/files/abc/image.png", FIELD)  # nothing listens on port 9
    assert (got.data, got.source) == (b"stored bytes", "http://127.0.0.1:9/files/abc/image.png")
    assert seen == ["http://127.0.0.1:9/files/abc/image.png"]


def test_local_resolver_none_falls_back_to_http(file_server: FileServer) -> None:
    fetcher = make_fetcher(local_resolver=lambda url: None)
    assert fetcher.fetch(f"{file_server.url}/image.png", FIELD).data == PNG_BODY


def test_local_resolver_errors_propagate() -> None:
    own = InputError.at(LOC, "no such file", "file_download_error")

    def resolver(url: str) -> bytes | None:
        raise own

    with pytest.raises(InputError) as caught:
        make_fetcher(local_resolver=resolver).fetch("https://framecast.test/files/x", FIELD)
    assert caught.value is own


def test_local_resolver_bytes_obey_the_limit() -> None:
    fetcher = make_fetcher(max_bytes=10, local_resolver=lambda url: b"x" * 11)
    refused(lambda: fetcher.fetch("https://framecast.test/files/x", FIELD), "file_too_large", 413)


def test_from_settings() -> None:
    settings = Settings(
        allow_private_urls=True, allow_loopback_urls=False, max_input_file_bytes=1234, fetch_timeout_seconds=7.5
    )
    fetcher = Fetcher.from_settings(settings)
    assert (fetcher.max_bytes, fetcher.timeout) == (1234, 7.5)
    assert (fetcher.policy.allow_private, fetcher.policy.allow_loopback) == (True, False)
