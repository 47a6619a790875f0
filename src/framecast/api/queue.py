"""The queue: submit, status (and its SSE stream), result and cancel, at fal's paths.

Status, result and cancel are addressed by owner/alias (what the JS client builds) and also by
the full endpoint id (what fal's OpenAPI documents), with or without a trailing slash.
"""

from __future__ import annotations

import re

from anyio import to_thread
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from framecast.api.auth import require_principal
from framecast.api.requests import (
    accept,
    result_response,
    services_of,
    sse_headers,
    status_events,
)
from framecast.api.urls import base_url
from framecast.api.views import status_body, status_code_for, submit_body
from framecast.catalog.endpoints import get_endpoint
from framecast.store import CancelOutcome

router = APIRouter(prefix="/queue", tags=["queue"])

REQUEST_PATH = re.compile(r"^(?P<app>.+?)/requests/(?P<rid>[^/]+)(?P<tail>/status/stream|/status|/cancel)?/?$")


def _not_found(what: str) -> HTTPException:
    return HTTPException(404, detail=what)


def parse_request_path(path: str) -> tuple[str, str, str]:
    m = REQUEST_PATH.match(path)
    if m is None:
        raise _not_found(f"no such queue path: /queue/{path}")
    return m["app"].strip("/"), m["rid"], m["tail"] or ""


def truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes")


def _belongs(app: str, endpoint_id: str) -> bool:
    # owner/alias, or the full endpoint id (or any path prefix of it on a segment boundary)
    return endpoint_id == app or endpoint_id.startswith(app + "/")


@router.post("/{path:path}", summary="Submit a request to an endpoint's queue")
async def submit(path: str, request: Request) -> JSONResponse:
    principal = await require_principal(request)
    endpoint = get_endpoint(path)
    if endpoint is None:
        raise _not_found(f"Application '{path.strip('/')}' not found")
    rec = await accept(request, endpoint, principal)
    services = services_of(request)
    position = await services.read(services.store.queue_position, rec.id)
    return JSONResponse(submit_body(rec, base_url(request), position or 0), headers={"x-fal-request-id": rec.id})


@router.get("/{path:path}", summary="Status, status stream or result of a request")
async def read(path: str, request: Request) -> Response:
    principal = await require_principal(request)
    app, rid, tail = parse_request_path(path)
    services = services_of(request)
    with_logs = truthy(request.query_params.get("logs"))
    if tail == "/status":
        view = await services.read(services.store.status_view, rid, principal.owner, with_logs)
        if view is None or not _belongs(app, view.record.endpoint_id):
            raise _not_found(f"Request {rid} not found")
        return JSONResponse(status_body(view, base_url(request)), status_code=status_code_for(view.record),
                            headers={"x-fal-request-id": rid})
    rec = await services.read(services.store.get, rid, principal.owner)
    if rec is None or not _belongs(app, rec.endpoint_id):
        raise _not_found(f"Request {rid} not found")
    if tail == "/status/stream":
        events = status_events(services, rid, principal.owner, with_logs, base_url(request), request)
        return StreamingResponse(events, media_type="text/event-stream", headers=sse_headers(rid))
    if tail:
        raise _not_found(f"no such queue path: /queue/{path}")
    if not rec.done:
        return JSONResponse({"detail": "Request is still in progress"}, status_code=400,
                            headers={"x-fal-request-id": rid})
    return result_response(rec)


@router.put("/{path:path}", summary="Cancel a request")
async def cancel(path: str, request: Request) -> JSONResponse:
    principal = await require_principal(request)
    app, rid, tail = parse_request_path(path)
    if tail != "/cancel":
        raise _not_found(f"no such queue path: /queue/{path}")
    services = services_of(request)
    store = services.store
    rec = await services.read(store.get, rid, principal.owner)
    if rec is None or not _belongs(app, rec.endpoint_id):
        return JSONResponse({"status": "NOT_FOUND", "detail": f"Request {rid} not found"}, status_code=404,
                            headers={"x-fal-request-id": rid})
    outcome = await to_thread.run_sync(store.cancel, rid, principal.owner)
    headers = {"x-fal-request-id": rid}
    if outcome is CancelOutcome.ALREADY_COMPLETED:
        return JSONResponse({"status": "ALREADY_COMPLETED"}, status_code=400, headers=headers)
    if outcome is CancelOutcome.NOT_FOUND:
        return JSONResponse({"status": "NOT_FOUND", "detail": f"Request {rid} not found"}, status_code=404,
                            headers=headers)
    return JSONResponse({"status": "CANCELLATION_REQUESTED"}, status_code=202, headers=headers)
