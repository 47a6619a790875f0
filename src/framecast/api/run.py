"""Synchronous run and SSE streaming: the same queue underneath, waited on for the caller.

Served at ``/run/{endpoint}`` and at ``/{endpoint}`` (fal.run's own layout, which fal-client's
``FAL_RUN_HOST`` recipe and the JS request middleware produce). A caller that hangs up cancels its
request; a start timeout answers 504 with ``X-Fal-Request-Timeout-Type: user`` as fal does.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from anyio import to_thread
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from framecast.api.auth import Principal, require_principal
from framecast.api.requests import accept, result_response, services_of, sse_headers
from framecast.api.views import log_json, progress_json
from framecast.catalog.endpoints import Endpoint, get_endpoint
from framecast.services import Services
from framecast.store import RequestRecord, Status

router = APIRouter(tags=["run"])

WAIT_POLL_SECONDS = 0.05
STREAM_KEEPALIVE_SECONDS = 5.0


def _endpoint(path: str) -> tuple[Endpoint, bool]:
    path = path.strip("/")
    streaming = path.endswith("/stream")
    if streaming:
        path = path[: -len("/stream")]
    endpoint = get_endpoint(path)
    if endpoint is None:
        raise HTTPException(404, detail=f"Application '{path}' not found")
    return endpoint, streaming


async def _wait(services: Services, rec: RequestRecord, request: Request) -> RequestRecord | None:
    """Poll until done; None (after cancelling) if the caller hung up first."""
    while True:
        current = await services.read(services.store.get, rec.id)
        if current is None:
            return None
        if current.done:
            return current
        if await request.is_disconnected():
            await to_thread.run_sync(services.store.cancel, rec.id, None)
            return None
        await asyncio.sleep(WAIT_POLL_SECONDS)


async def _run(path: str, request: Request, principal: Principal) -> Response:
    endpoint, streaming = _endpoint(path)
    rec = await accept(request, endpoint, principal)
    services = services_of(request)
    if streaming:
        return StreamingResponse(_stream(services, rec, request), media_type="text/event-stream",
                                 headers=sse_headers(rec.id))
    done = await _wait(services, rec, request)
    if done is None:
        return Response(status_code=499)
    return result_response(done)


async def _stream(services: Services, rec: RequestRecord, request: Request) -> AsyncIterator[str]:
    """Progress events while it runs, then the output (or the error) as the last event."""
    last: dict[str, Any] | None = None
    after_log = 0
    idle = 0.0
    while True:
        current = await services.read(services.store.get, rec.id)
        if current is None:
            return
        logs = await services.read(services.store.logs, rec.id, after_log)
        if logs:
            after_log = logs[-1].id
        if current.done:
            if current.failure is not None:
                error = {**current.failure.body, "error_type": current.failure.error_type,
                         "status_code": current.failure.status_code}
                yield f"event: error\ndata: {json.dumps(error)}\n\n"
            else:
                yield f"data: {json.dumps(current.result)}\n\n"
            return
        event: dict[str, Any] = {"status": current.status.value}
        if current.status is Status.IN_QUEUE:
            event["queue_position"] = await services.read(services.store.queue_position, rec.id) or 0
        if current.progress is not None:
            event["progress"] = progress_json(current.progress)
        if event != last or logs:
            yield f"data: {json.dumps({**event, 'logs': [log_json(e) for e in logs]})}\n\n"
            last, idle = event, 0.0
        elif idle >= STREAM_KEEPALIVE_SECONDS:
            yield ": keepalive\n\n"
            idle = 0.0
        if await request.is_disconnected():
            await to_thread.run_sync(services.store.cancel, rec.id, None)
            return
        await asyncio.sleep(WAIT_POLL_SECONDS * 2)
        idle += WAIT_POLL_SECONDS * 2


@router.post("/run/{path:path}", summary="Run an endpoint and wait for its output")
async def run_prefixed(path: str, request: Request) -> Response:
    principal = await require_principal(request)
    return await _run(path, request, principal)


async def run_root(request: Request) -> Response:
    """POST /{endpoint}: mounted last, so it never shadows the service's own paths."""
    path = request.path_params["path"]
    if get_endpoint(path.removesuffix("/stream")) is None:
        return JSONResponse({"detail": "Not Found"}, status_code=404)
    return await _run(path, request, await require_principal(request))
