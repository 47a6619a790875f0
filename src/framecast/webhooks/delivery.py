"""Webhook delivery from the outbox: its own loop, bounded concurrency, exponential backoff.

Workers only write an outbox row in the same transaction that completes a request; this loop sends
it. A slow or dead receiver costs this loop a timeout, never a worker's time. The schedule spreads
``max_attempts`` tries over ``window`` seconds (fal: 10 tries over 2 hours), doubling each wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import Any

import httpx
from anyio import to_thread

from framecast.config import Settings
from framecast.store import JobStore, RequestRecord, WebhookDelivery
from framecast.webhooks.signing import WebhookSigner

log = logging.getLogger("framecast.webhooks")

POLL_SECONDS = 0.2


def payload(rec: RequestRecord) -> dict[str, Any]:
    base: dict[str, Any] = {"request_id": rec.id, "gateway_request_id": rec.id}
    if rec.failure is None:
        return {**base, "status": "OK", "payload": rec.result, "error": None}
    detail = rec.failure.body
    error = (
        f"Invalid status code: {rec.failure.status_code}" if isinstance(detail.get("detail"), list)
        else rec.failure.message
    )
    return {**base, "status": "ERROR", "error": error, "error_type": rec.failure.error_type, "payload": detail}


def retry_delay(attempt: int, max_attempts: int, window: float) -> float:
    """Wait before try ``attempt + 1`` (attempt counts from 1); the waits sum to ``window``."""
    unit = window / (2 ** (max_attempts - 1) - 1) if max_attempts > 1 else window
    return float(unit * 2 ** (attempt - 1))


class WebhookDispatcher:
    def __init__(self, store: JobStore, signer: WebhookSigner, settings: Settings,
                 client: httpx.AsyncClient | None = None, concurrency: int = 16) -> None:
        self.store = store
        self.signer = signer
        self.settings = settings
        self.client = client or httpx.AsyncClient(follow_redirects=False)
        self.concurrency = concurrency
        self._tasks: set[asyncio.Task[None]] = set()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.tick()
            except Exception:
                log.exception("webhook tick failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), POLL_SECONDS)
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.client.aclose()

    async def tick(self) -> int:
        free = self.concurrency - len(self._tasks)
        if free <= 0:
            return 0
        lock = self.settings.webhook_timeout_seconds + 30
        due = await to_thread.run_sync(self.store.due_webhooks, free, lock)
        for delivery in due:
            task = asyncio.create_task(self.deliver(delivery))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return len(due)

    async def deliver(self, delivery: WebhookDelivery) -> None:
        rec = await to_thread.run_sync(self.store.get, delivery.request_id)
        if rec is None:
            await to_thread.run_sync(self.store.webhook_failed, delivery.id, "request no longer exists")
            return
        body = json.dumps(payload(rec), separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json", **self.signer.headers(rec.id, rec.owner, body)}
        try:
            response = await self.client.post(
                delivery.url, content=body, headers=headers, timeout=self.settings.webhook_timeout_seconds
            )
            error = None if response.is_success else f"receiver answered HTTP {response.status_code}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        if error is None:
            await to_thread.run_sync(self.store.webhook_delivered, delivery.id)
            return
        attempt = delivery.attempts + 1
        s = self.settings
        if attempt >= s.webhook_max_attempts:
            log.warning("webhook for %s failed for good after %d tries: %s", rec.id, attempt, error)
            await to_thread.run_sync(self.store.webhook_failed, delivery.id, error)
        else:
            wait = retry_delay(attempt, s.webhook_max_attempts, s.webhook_window_seconds)
            await to_thread.run_sync(self.store.webhook_retry, delivery.id, time.time() + wait, error)
