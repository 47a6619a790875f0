"""`Authorization: Key <id>:<secret>`: who is asking. Every request and file belongs to a key.

Verified keys are remembered for a couple of seconds: a poller asks ten times a second, and a
revoked key stops working within that window.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from fastapi import HTTPException, Request

from framecast.store import JobStore

ANONYMOUS = "local"  # the owner of everything when auth is off
CACHE_SECONDS = 2.0


@dataclass(frozen=True)
class Principal:
    owner: str


class KeyCache:
    def __init__(self, store: JobStore) -> None:
        self.store = store
        self._seen: dict[str, tuple[str, float]] = {}

    def cached(self, key_id: str, secret: str) -> str | None:
        hit = self._seen.get(f"{key_id}:{secret}")
        return hit[0] if hit is not None and hit[1] > time.monotonic() else None

    def owner_for(self, key_id: str, secret: str) -> str | None:
        """Blocking (may read the store): call it off the event loop."""
        now = time.monotonic()
        token = f"{key_id}:{secret}"
        key = self.store.verify_key(key_id, secret)
        if key is None:
            self._seen.pop(token, None)
            return None
        if len(self._seen) > 10_000:
            self._seen.clear()
        self._seen[token] = (key.id, now + CACHE_SECONDS)
        return key.id


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(401, detail=detail, headers={"WWW-Authenticate": "Key"})


def parse_key_header(header: str | None) -> tuple[str, str] | None:
    if not header:
        return None
    scheme, _, credentials = header.strip().partition(" ")
    if scheme.lower() != "key":
        return None
    key_id, sep, secret = credentials.strip().partition(":")
    return (key_id, secret) if sep and key_id and secret else None


async def optional_principal(request: Request) -> Principal | None:
    """The caller if it sent a valid key; None if it sent none; 401 for a bad one."""
    services = request.app.state.services
    if not services.settings.auth:
        return Principal(ANONYMOUS)
    header = request.headers.get("authorization")
    if not header:
        return None
    parsed = parse_key_header(header)
    if parsed is None:
        raise _unauthorized("Authorization must be 'Key <key_id>:<key_secret>'")
    keys: KeyCache = request.app.state.keys
    owner = keys.cached(*parsed) or await services.read(keys.owner_for, *parsed)
    if owner is None:
        raise _unauthorized("Invalid or revoked key")
    return Principal(owner)


async def require_principal(request: Request) -> Principal:
    principal = await optional_principal(request)
    if principal is None:
        raise _unauthorized("Missing Authorization header: send 'Authorization: Key <key_id>:<key_secret>'")
    return principal
