"""Ed25519 webhook signatures, as fal signs them, with the service's own key set (JWKS).

The message is ``request_id \\n user_id \\n timestamp \\n sha256(body)``; receivers verify it with
any key of ``/rest/.well-known/jwks.json``. The private key lives in the store so every machine of
a deployment signs with the same key.
"""

from __future__ import annotations

import base64
import hashlib
import time

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from framecast.store import JobStore

META_KEY = "webhook_ed25519_private_pem"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def signed_message(request_id: str, user_id: str, timestamp: str, body: bytes) -> bytes:
    return "\n".join([request_id, user_id, timestamp, hashlib.sha256(body).hexdigest()]).encode()


class WebhookSigner:
    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._key = private_key
        raw = private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self._public_raw = raw
        self.kid = hashlib.sha256(raw).hexdigest()[:16]

    @classmethod
    def from_store(cls, store: JobStore) -> WebhookSigner:
        fresh = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        pem = store.meta_setdefault(META_KEY, fresh)
        key = serialization.load_pem_private_key(pem.encode(), password=None)
        assert isinstance(key, Ed25519PrivateKey)
        return cls(key)

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        return {"keys": [{"kty": "OKP", "crv": "Ed25519", "x": _b64url(self._public_raw), "kid": self.kid,
                          "use": "sig", "alg": "EdDSA"}]}

    def headers(self, request_id: str, user_id: str, body: bytes, now: float | None = None) -> dict[str, str]:
        timestamp = str(int(time.time() if now is None else now))
        signature = self._key.sign(signed_message(request_id, user_id, timestamp, body)).hex()
        return {
            "X-Fal-Webhook-Request-Id": request_id,
            "X-Fal-Webhook-User-Id": user_id,
            "X-Fal-Webhook-Timestamp": timestamp,
            "X-Fal-Webhook-Signature": signature,
        }


def verify(jwks: dict[str, list[dict[str, str]]], headers: dict[str, str], body: bytes,
           max_skew_seconds: float = 300.0, now: float | None = None) -> bool:
    """Receiver side, as fal documents it: any key verifies and the timestamp is fresh."""
    h = {k.lower(): v for k, v in headers.items()}
    try:
        timestamp = h["x-fal-webhook-timestamp"]
        message = signed_message(h["x-fal-webhook-request-id"], h["x-fal-webhook-user-id"], timestamp, body)
        signature = bytes.fromhex(h["x-fal-webhook-signature"])
        if abs((time.time() if now is None else now) - int(timestamp)) > max_skew_seconds:
            return False
    except (KeyError, ValueError):
        return False
    for jwk in jwks.get("keys", []):
        raw = base64.urlsafe_b64decode(jwk["x"] + "=" * (-len(jwk["x"]) % 4))
        try:
            Ed25519PublicKey.from_public_bytes(raw).verify(signature, message)
            return True
        except Exception:
            continue
    return False
