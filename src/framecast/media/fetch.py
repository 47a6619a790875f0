"""Fetching a file input: a ``data:`` URI, one of the service's own files, or an http(s) URL."""

from __future__ import annotations

import ssl
from collections.abc import Callable
from dataclasses import dataclass

from framecast.config import Settings
from framecast.media.addresses import AddressPolicy
from framecast.media.datauri import MalformedDataURI, decoded_size_bound, parse_data_uri
from framecast.media.download import download
from framecast.media.errors import file_too_large, invalid_data_uri, invalid_url

__all__ = ["Fetched", "Fetcher", "LocalResolver"]

LocalResolver = Callable[[str], bytes | None]
"""Returns the bytes of a URL the service serves itself, None for any other URL; may raise InputError."""


@dataclass(frozen=True)
class Fetched:
    data: bytes
    content_type: str | None
    source: str  # where the bytes came from: the final URL, or "data:<type>" for a data URI


class Fetcher:
    def __init__(
        self,
        *,
        max_bytes: int,
        timeout: float,
        allow_private: bool = False,
        allow_loopback: bool = False,
        local_resolver: LocalResolver | None = None,
        verify: ssl.SSLContext | bool = True,
    ) -> None:
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.policy = AddressPolicy(allow_private=allow_private, allow_loopback=allow_loopback)
        self.local_resolver = local_resolver
        self.verify = verify

    @classmethod
    def from_settings(cls, settings: Settings, *, local_resolver: LocalResolver | None = None) -> Fetcher:
        return cls(
            max_bytes=settings.max_input_file_bytes,
            timeout=settings.fetch_timeout_seconds,
            allow_private=settings.allow_private_urls,
            allow_loopback=settings.allow_loopback_urls,
            local_resolver=local_resolver,
        )

    def fetch(self, url: str, field: str) -> Fetched:
        """The bytes behind ``url``; ``field`` (``"images.0.image_url"``) locates any InputError."""
        url = url.strip()
        scheme = url.partition(":")[0].lower() if ":" in url else ""
        if scheme == "data":
            return self._from_data_uri(url, field)
        if scheme not in ("http", "https"):
            raise invalid_url(field, "expected an http(s) URL or a data: URI")
        if self.local_resolver is not None:
            # Only the URL as given: a third party redirecting to our own files goes over the network,
            # through the guard, like any other hop.
            data = self.local_resolver(url)
            if data is not None:
                self._check_size(len(data), field)
                return Fetched(data, None, url)
        got = download(
            url, field, max_bytes=self.max_bytes, timeout=self.timeout, policy=self.policy, verify=self.verify
        )
        return Fetched(got.data, got.content_type, got.url)

    def _from_data_uri(self, url: str, field: str) -> Fetched:
        try:
            self._check_size(decoded_size_bound(url), field)
            parsed = parse_data_uri(url)
        except MalformedDataURI as exc:
            raise invalid_data_uri(field, str(exc)) from None
        self._check_size(len(parsed.data), field)
        return Fetched(parsed.data, parsed.media_type, f"data:{parsed.media_type or ''}")

    def _check_size(self, size: int, field: str) -> None:
        if size > self.max_bytes:
            raise file_too_large(field, self.max_bytes)
