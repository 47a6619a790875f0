"""Downloading an http(s) input behind the SSRF guard.

The name is resolved once, every address is checked, and the connection goes to a checked address
(the URL's host rewritten to the IP, the original name sent as ``Host`` and as the TLS server name),
so a DNS answer that changes between the check and the connect cannot redirect the request.
Redirects are followed by hand for the same reason: each hop is resolved and checked again.
"""

from __future__ import annotations

import ssl
import time
from dataclasses import dataclass

import httpx

from framecast.media.addresses import AddressPolicy, IPAddress, resolve
from framecast.media.errors import download_failed, file_too_large, invalid_url

__all__ = ["MAX_REDIRECTS", "Download", "download"]

MAX_REDIRECTS = 5
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Download:
    data: bytes
    content_type: str | None
    url: str  # after redirects


def download(
    url: str,
    field: str,
    *,
    max_bytes: int,
    timeout: float,
    policy: AddressPolicy,
    verify: ssl.SSLContext | bool = True,
) -> Download:
    """GET ``url`` (following up to MAX_REDIRECTS redirects) within ``timeout`` seconds overall."""
    try:
        current = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise invalid_url(field, f"invalid URL ({exc})") from None
    _check_scheme(current, field)
    deadline = time.monotonic() + timeout
    # trust_env=False: behind an HTTP proxy the proxy would resolve the name, defeating the guard.
    with httpx.Client(timeout=timeout, verify=verify, trust_env=False, follow_redirects=False) as client:
        try:
            for _ in range(MAX_REDIRECTS + 1):
                _check_deadline(deadline)
                response = _send(client, current, field, policy)
                try:
                    location = response.headers.get("location")
                    if response.status_code in _REDIRECTS and location:
                        current = current.join(location)
                        _check_scheme(current, field)
                        continue
                    if response.status_code >= 400:
                        raise download_failed(
                            field,
                            f"downloading {_host(current)} failed: "
                            f"HTTP {response.status_code} {response.reason_phrase}".rstrip(),
                        )
                    data = _read_capped(response, field, max_bytes, deadline)
                    return Download(data, _media_type(response), str(current))
                finally:
                    response.close()
        except httpx.TimeoutException:
            raise download_failed(field, f"downloading {_host(current)} timed out after {timeout:g}s") from None
        except httpx.HTTPError as exc:
            raise download_failed(field, f"downloading {_host(current)} failed: {exc}") from None
    raise download_failed(field, f"more than {MAX_REDIRECTS} redirects")


def _check_scheme(url: httpx.URL, field: str) -> None:
    if url.scheme not in _DEFAULT_PORTS:
        raise invalid_url(field, f"unsupported URL scheme {url.scheme!r} (use http, https or data)")
    if not url.raw_host:
        raise invalid_url(field, "the URL has no host")


def _host(url: httpx.URL) -> str:
    return url.netloc.decode("ascii")


def _addresses(url: httpx.URL, field: str, policy: AddressPolicy) -> list[IPAddress]:
    host = url.raw_host.decode("ascii")
    try:
        addresses = resolve(host, url.port or _DEFAULT_PORTS[url.scheme])
    except OSError as exc:
        raise download_failed(field, f"could not resolve {host} ({exc})") from None
    if not addresses:
        raise download_failed(field, f"{host} has no address")
    # Any refused address refuses the URL: which one a later connection would use is not ours to pick.
    for ip in addresses:
        reason = policy.refusal(ip)
        if reason is not None:
            raise download_failed(field, f"cannot download from {host}: {reason}")
    return addresses


def _send(client: httpx.Client, url: httpx.URL, field: str, policy: AddressPolicy) -> httpx.Response:
    addresses = _addresses(url, field, policy)
    host = url.raw_host.decode("ascii")
    headers = {
        "Host": _host(url),
        # Inputs are images and videos, already compressed; identity rules out decompression bombs.
        "Accept-Encoding": "identity",
        "User-Agent": "framecast",
    }
    extensions = {"sni_hostname": host} if url.scheme == "https" else {}
    for index, ip in enumerate(addresses):
        request = client.build_request("GET", url.copy_with(host=str(ip)), headers=headers, extensions=extensions)
        try:
            return client.send(request, stream=True)
        except httpx.ConnectError:
            if index == len(addresses) - 1:
                raise
    raise AssertionError("unreachable: addresses is never empty")


def _read_capped(response: httpx.Response, field: str, max_bytes: int, deadline: float) -> bytes:
    declared = response.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise file_too_large(field, max_bytes)
    chunks: list[bytes] = []
    total = 0
    for chunk in response.iter_bytes():
        total += len(chunk)
        if total > max_bytes:
            raise file_too_large(field, max_bytes)
        # httpx's timeout bounds each read; a server trickling bytes needs an overall deadline too.
        _check_deadline(deadline)
        chunks.append(chunk)
    return b"".join(chunks)


def _check_deadline(deadline: float) -> None:
    if time.monotonic() > deadline:
        raise httpx.ReadTimeout("overall deadline exceeded")


def _media_type(response: httpx.Response) -> str | None:
    value = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return value or None
