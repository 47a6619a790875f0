"""Signed capabilities: file URLs, upload URLs and CDN upload tokens, all HMACs of one secret.

``/files/{file_id}.{sig}/{file_name}`` is readable without a key (fal's CDN URLs are public too);
``/files/{file_id}/{file_name}`` needs the owner's key. The signature is in the path, not the query,
because fal-client appends ``/multipart/...`` to the URLs it is given.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from urllib.parse import quote

FILE_PATH = re.compile(
    r"^/files/(?P<id>[A-Za-z0-9_-]{8,64})(?:\.(?P<sig>[A-Za-z0-9_-]{8,64}))?(?:/(?P<rest>.*))?$"
)


class FileSigner:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def sign(self, text: str) -> str:
        mac = hmac.new(self._secret, text.encode(), hashlib.sha256).digest()[:18]
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def verify(self, text: str, sig: str | None) -> bool:
        return sig is not None and hmac.compare_digest(self.sign(text), sig)

    def path(self, file_id: str, file_name: str) -> str:
        """The public, signed path of a file."""
        return f"/files/{file_id}.{self.sign(file_id)}/{quote(file_name)}"

    def upload_path(self, file_id: str) -> str:
        return f"/files/upload/{file_id}.{self.sign('upload:' + file_id)}"

    def verify_upload(self, file_id: str, sig: str | None) -> bool:
        return self.verify("upload:" + file_id, sig)

    def cdn_token(self, owner: str, expires_at: int) -> str:
        return f"{owner}.{expires_at}.{self.sign(f'cdn:{owner}:{expires_at}')}"

    def cdn_owner(self, token: str, now: float | None = None) -> str | None:
        """The owner a CDN upload token was issued to, if it is genuine and not expired."""
        owner, _, rest = token.partition(".")
        expires, _, sig = rest.partition(".")
        if not expires.isdigit() or int(expires) < (time.time() if now is None else now):
            return None
        return owner if self.verify(f"cdn:{owner}:{expires}", sig) else None


def parse_file_path(path: str) -> tuple[str, str | None, str] | None:
    """(file_id, signature or None, rest of the path) for a /files/… path, else None."""
    m = FILE_PATH.match(path)
    if m is None:
        return None
    return m["id"], m["sig"], m["rest"] or ""
