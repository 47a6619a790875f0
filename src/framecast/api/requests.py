"""Accepting a request, and answering for one: the parts the queue and the sync run share."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

from anyio import to_thread
from fastapi import HTTPException, Request
from fastapi.responses import JSONResponse

from framecast.api.auth import Principal
from framecast.api.urls import base_url
from framecast.api.views import status_body
from framecast.catalog.endpoints import Endpoint
from framecast.errors import InputError
from framecast.services import Services
from framecast.store import NewRequest, Priority, RequestRecord
from framecast.validation import check_webhook_url, parse_body, validate_input

STATUS_STREAM_POLL_SECONDS = 0.1
KEEPALIVE_SECONDS = 15.0


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def _bad_header(name: str, why: str) -> HTTPException:
    return HTTPException(400, detail=f"{name}: {why}", headers={"X-Fal-Error-Type": "bad_request"})


def start_deadline(request: Request, now: float) -> float | None:
    raw = request.headers.get("x-fal-request-timeout")
    if raw is None:
        return None
    try:
        seconds = float(raw)
    except ValueError:
        raise _bad_header("X-Fal-Request-Timeout", "must be a number of seconds") from None
    if not seconds > 1:
        raise _bad_header("X-Fal-Request-Timeout", "must be greater than 1 second")
    return now + seconds


def output_ttl(request: Request) -> float | None:
    raw = request.headers.get("x-fal-object-lifecycle-preference")
    if raw is None:
        return None
    try:
        pref = json.loads(raw)
        seconds = pref.get("expiration_duration_seconds") if isinstance(pref, dict) else None
    except ValueError:
        raise _bad_header("X-Fal-Object-Lifecycle-Preference", "must be JSON") from None
    if seconds is None:
        return None
    if not isinstance(seconds, int | float) or seconds <= 0:
        raise _bad_header("X-Fal-Object-Lifecycle-Preference", "expiration_duration_seconds must be positive")
    return float(seconds)


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise InputError.at(("body",), f"the request body is larger than {limit} bytes", "request_too_large",
                            status=413)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise InputError.at(("body",), f"the request body is larger than {limit} bytes", "request_too_large",
                                status=413)
        chunks.append(chunk)
    return b"".join(chunks)


async def accept(request: Request, endpoint: Endpoint, principal: Principal) -> RequestRecord:
    """Validate and enqueue; raises InputError (422/413) or HTTPException (400)."""
    services = services_of(request)
    settings = services.settings
    data = parse_body(await read_body(request, settings.max_body_bytes))
    model = validate_input(endpoint, data, settings)
    webhook = request.query_params.get("fal_webhook") or None
    if webhook:
        check_webhook_url(webhook, settings)
    now = time.time()
    new = NewRequest(
        endpoint_id=endpoint.id,
        owner=principal.owner,
        input=model.model_dump(mode="json"),
        priority=Priority.parse(request.headers.get("x-fal-queue-priority")),
        webhook_url=webhook,
        start_deadline=start_deadline(request, now),
        output_ttl=output_ttl(request),
        hint=request.headers.get("x-fal-runner-hint"),
        base_url=base_url(request),
    )
    return await to_thread.run_sync(services.store.submit, new)


def failure_response(rec: RequestRecord) -> JSONResponse:
    assert rec.failure is not None
    f = rec.failure
    headers = {"x-fal-request-id": rec.id, "X-Fal-Error-Type": f.error_type}
    if f.error_type == "request_timeout":
        headers["X-Fal-Request-Timeout-Type"] = "user"
    if f.error_type in ("runner_disconnected", "out_of_memory"):
        headers["X-Fal-Retryable"] = "true"
    return JSONResponse(f.body, status_code=f.status_code, headers=headers)


def result_response(rec: RequestRecord) -> JSONResponse:
    if rec.failure is not None:
        return failure_response(rec)
    return JSONResponse(rec.result, headers={"x-fal-request-id": rec.id})


async def status_events(
    services: Services, request_id: str, owner: str, with_logs: bool, base: str, request: Request
) -> AsyncIterator[str]:
    """SSE: a status object whenever it changes, keep-alive comments, closed after COMPLETED."""
    last = ""
    last_sent = time.monotonic()
    yield ": stream opened\n\n"
    while True:
        view = await services.read(services.store.status_view, request_id, owner, with_logs)
        if view is None:
            return
        text = json.dumps(status_body(view, base), separators=(",", ":"))
        now = time.monotonic()
        if text != last:
            yield f"data: {text}\n\n"
            last, last_sent = text, now
        if view.record.done:
            return
        if now - last_sent >= request.app.state.keepalive_seconds:
            yield ": keepalive\n\n"
            last_sent = now
        if await request.is_disconnected():
            return
        await asyncio.sleep(STATUS_STREAM_POLL_SECONDS)


def sse_headers(request_id: str) -> dict[str, Any]:
    return {"Cache-Control": "no-store", "X-Accel-Buffering": "no", "x-fal-request-id": request_id}
