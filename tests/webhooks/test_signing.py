"""Ed25519 webhook signatures as fal documents them."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from framecast.store.sql import SqlJobStore
from framecast.webhooks.signing import WebhookSigner, signed_message, verify


def test_message_is_fals_four_lines() -> None:
    body = b'{"a":1}'
    msg = signed_message("rid", "uid", "1700000000", body)
    assert msg == f"rid\nuid\n1700000000\n{hashlib.sha256(body).hexdigest()}".encode()


def test_sign_and_verify_round_trip() -> None:
    signer = WebhookSigner(Ed25519PrivateKey.generate())
    headers = signer.headers("rid", "uid", b"body")
    assert set(headers) == {"X-Fal-Webhook-Request-Id", "X-Fal-Webhook-User-Id", "X-Fal-Webhook-Timestamp",
                            "X-Fal-Webhook-Signature"}
    assert verify(signer.jwks(), headers, b"body")
    assert not verify(signer.jwks(), headers, b"other body")
    assert not verify(signer.jwks(), {**headers, "X-Fal-Webhook-Request-Id": "rid2"}, b"body")
    assert not verify(WebhookSigner(Ed25519PrivateKey.generate()).jwks(), headers, b"body")


def test_stale_timestamps_are_rejected() -> None:
    signer = WebhookSigner(Ed25519PrivateKey.generate())
    old = signer.headers("rid", "uid", b"b", now=time.time() - 301)
    assert not verify(signer.jwks(), old, b"b")
    assert verify(signer.jwks(), old, b"b", max_skew_seconds=400)


def test_any_key_of_the_set_verifies() -> None:
    a, b = WebhookSigner(Ed25519PrivateKey.generate()), WebhookSigner(Ed25519PrivateKey.generate())
    jwks = {"keys": a.jwks()["keys"] + b.jwks()["keys"]}
    assert verify(jwks, b.headers("r", "u", b"x"), b"x")


def test_every_process_of_a_deployment_signs_with_the_same_key(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db'}"
    one, two = SqlJobStore(url), SqlJobStore(url)
    assert WebhookSigner.from_store(one).jwks() == WebhookSigner.from_store(two).jwks()
