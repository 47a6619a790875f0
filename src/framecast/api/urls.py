"""Client-visible URLs: built from the configured public URL or from the request's own Host."""

from __future__ import annotations

from starlette.requests import Request


def base_url(request: Request) -> str:
    configured = request.app.state.services.settings.public_url
    if configured:
        return str(configured).rstrip("/")
    proxied = request.scope.get("framecast.proxy_base")
    if proxied:
        return str(proxied)
    return str(request.base_url).rstrip("/")


def queue_urls(base: str, app: str, request_id: str) -> dict[str, str]:
    response_url = f"{base}/queue/{app}/requests/{request_id}"
    return {
        "response_url": response_url,
        "status_url": f"{response_url}/status",
        "cancel_url": f"{response_url}/cancel",
    }
