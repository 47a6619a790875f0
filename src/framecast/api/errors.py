"""fal's error shapes for everything the API raises, and a request id on every response."""

from __future__ import annotations

import logging
import uuid

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from framecast.errors import FramecastError, InputError

log = logging.getLogger("framecast.api")


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(FramecastError)
    async def _framecast_error(_request: Request, exc: FramecastError) -> JSONResponse:
        headers = {} if isinstance(exc, InputError) else {"X-Fal-Error-Type": exc.error_type}
        return JSONResponse(exc.body(), status_code=exc.status_code, headers=headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "Internal Server Error", "error_type": "internal_error"}, status_code=500,
                            headers={"X-Fal-Error-Type": "internal_error"})


class RequestIdMiddleware:
    """Every response carries ``x-fal-request-id``; routes about one request set their own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(k.lower() == b"x-fal-request-id" for k, _ in headers):
                    headers.append((b"x-fal-request-id", str(uuid.uuid4()).encode()))
                    message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_id)
