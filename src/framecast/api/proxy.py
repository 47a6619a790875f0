"""`/proxy`: fal's server-proxy protocol, so an unmodified JS app with `proxyUrl` works.

The JS client sends every call to the proxy with the real fal URL in ``x-fal-target-url``; we route
it to our own path for that host. Nothing is ever forwarded elsewhere: an unknown host is a 400.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

HOST_PREFIXES = {
    "queue.fal.run": "/queue",
    "fal.run": "/run",
    "rest.fal.ai": "/rest",
    "rest.alpha.fal.ai": "/rest",
    "v3.fal.media": "/cdn",
}


class FalProxyMiddleware:
    def __init__(self, app: ASGIApp, path: str = "/proxy") -> None:
        self.app = app
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].rstrip("/") != self.path:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        target = headers.get("x-fal-target-url")
        if not target:
            await _error(send, 400, "missing x-fal-target-url header")
            return
        parts = urlsplit(target)
        prefix = HOST_PREFIXES.get((parts.hostname or "").lower())
        if prefix is None:
            await _error(send, 400, f"x-fal-target-url must point at a fal host, not {parts.hostname!r}")
            return
        path = prefix + (parts.path or "/")
        scheme = scope.get("scheme", "http")
        host = headers.get("host", "localhost")
        scope = {
            **scope,
            "path": path,
            "raw_path": path.encode(),
            "query_string": parts.query.encode(),
            "framecast.proxy_base": f"{scheme}://{host}",
        }
        await self.app(scope, receive, send)


async def _error(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
