"""Endpoint ids and the URLs built from them, by fal's rules.

Submit and run use the full endpoint id; status, result and cancel use only ``[namespace/]owner/
alias`` (``fal-ai/pika/v2.2/text-to-video`` → ``fal-ai/pika``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

__all__ = ["AppId", "queue_request_url", "same_origin"]

NAMESPACES = ("workflows", "comfy")
_LEGACY_ID = re.compile(r"^([0-9]+)-([a-zA-Z0-9-]+)$")


@dataclass(frozen=True)
class AppId:
    owner: str
    alias: str
    path: str | None = None
    namespace: str | None = None

    @classmethod
    def parse(cls, endpoint: str) -> AppId:
        endpoint = endpoint.strip("/")
        if "/" not in endpoint:
            legacy = _LEGACY_ID.match(endpoint)
            if legacy is None:
                raise ValueError(f"invalid endpoint id {endpoint!r}: expected owner/alias[/path]")
            endpoint = f"{legacy[1]}/{legacy[2]}"
        parts = endpoint.split("/")
        namespace = None
        if parts[0] in NAMESPACES:
            namespace, parts = parts[0], parts[1:]
        if len(parts) < 2 or not all(parts[:2]):
            raise ValueError(f"invalid endpoint id {endpoint!r}: expected owner/alias[/path]")
        return cls(parts[0], parts[1], "/".join(parts[2:]) or None, namespace)

    @property
    def app(self) -> str:
        """What status, result and cancel URLs are addressed by."""
        prefix = f"{self.namespace}/" if self.namespace else ""
        return f"{prefix}{self.owner}/{self.alias}"


def queue_request_url(base: str, endpoint: str, request_id: str) -> str:
    """The result URL of a request; status and cancel append ``/status`` and ``/cancel``."""
    return f"{base}/queue/{AppId.parse(endpoint).app}/requests/{quote(request_id, safe='')}"


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url: str) -> tuple[str, str | None, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, parts.hostname, parts.port or _DEFAULT_PORTS.get(scheme)


def same_origin(a: str, b: str) -> bool:
    return _origin(a) == _origin(b)
