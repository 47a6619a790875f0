"""The outbox loop: payloads, the backoff schedule, retries and giving up."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from framecast.config import Settings
from framecast.store import Failure, NewRequest
from framecast.store.sql import SqlJobStore
from framecast.webhooks.delivery import WebhookDispatcher, payload, retry_delay
from framecast.webhooks.signing import WebhookSigner, verify

T2V = "fal-ai/pika/v2.1/text-to-video"


def test_default_schedule_is_ten_tries_over_two_hours() -> None:
    waits = [retry_delay(a, 10, 7200) for a in range(1, 10)]
    assert sum(waits) == pytest.approx(7200)
    assert all(b == pytest.approx(2 * a) for a, b in itertools.pairwise(waits))


@pytest.fixture
def store(tmp_path: Path) -> SqlJobStore:
    return SqlJobStore(f"sqlite:///{tmp_path / 'db'}")


def finished(store: SqlJobStore, *, failure: Failure | None = None) -> str:
    rid = store.submit(NewRequest(T2V, "owner1", {"prompt": "p"}, webhook_url="http://receiver.test/hook")).id
    store.claim("w", 30)
    if failure is None:
        store.complete(rid, "w", {"video": {"url": "u"}, "seed": 1})
    else:
        store.fail(rid, failure, "w")
    return rid


def test_payload_shapes(store: SqlJobStore) -> None:
    ok = store.get(finished(store))
    assert ok is not None
    assert payload(ok) == {"request_id": ok.id, "gateway_request_id": ok.id, "status": "OK",
                           "payload": {"video": {"url": "u"}, "seed": 1}, "error": None}
    detail = {"detail": [{"loc": ["body", "image_url"], "msg": "bad", "type": "image_load_error"}]}
    bad = store.get(finished(store, failure=Failure("bad", "image_load_error", 422, detail)))
    assert bad is not None
    body = payload(bad)
    assert (body["status"], body["error"], body["payload"]) == ("ERROR", "Invalid status code: 422", detail)


async def test_delivery_signs_and_marks_delivered(store: SqlJobStore) -> None:
    rid = finished(store)
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    signer = WebhookSigner(Ed25519PrivateKey.generate())
    d = WebhookDispatcher(store, signer, Settings(), client=httpx.AsyncClient(transport=httpx.MockTransport(handler)))
    assert await d.tick() == 1
    for task in list(d._tasks):
        await task
    [request] = seen
    assert json.loads(request.content)["request_id"] == rid
    assert verify(signer.jwks(), dict(request.headers), request.content)
    assert request.headers["x-fal-webhook-user-id"] == "owner1"
    assert store.webhooks_for(rid)[0].state == "delivered"


async def test_failures_back_off_then_give_up(store: SqlJobStore) -> None:
    rid = finished(store)
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(503)

    settings = Settings(webhook_max_attempts=3, webhook_window_seconds=0.0)
    d = WebhookDispatcher(store, WebhookSigner(Ed25519PrivateKey.generate()), settings,
                          client=httpx.AsyncClient(transport=httpx.MockTransport(handler)))
    for _ in range(5):
        await d.tick()
        for task in list(d._tasks):
            await task
    [delivery] = store.webhooks_for(rid)
    assert (calls, delivery.state, delivery.attempts) == (3, "failed", 3)
    assert "503" in (delivery.last_error or "")


async def test_a_retry_waits_its_turn(store: SqlJobStore) -> None:
    rid = finished(store)
    d = WebhookDispatcher(store, WebhookSigner(Ed25519PrivateKey.generate()), Settings(),
                          client=httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(500))))
    await d.tick()
    for task in list(d._tasks):
        await task
    [delivery] = store.webhooks_for(rid)
    assert delivery.state == "pending" and delivery.attempts == 1
    assert await d.tick() == 0  # next try is ~14 s away with the default schedule
