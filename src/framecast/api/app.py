"""The FastAPI application: one port for the queue, runs, storage, files, proxy and docs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from framecast import __version__
from framecast.api import files, openapi, queue, run
from framecast.api.auth import KeyCache
from framecast.api.errors import RequestIdMiddleware, install_error_handlers
from framecast.api.proxy import FalProxyMiddleware
from framecast.catalog.endpoints import ENDPOINTS
from framecast.config import Settings
from framecast.maintenance import Maintenance
from framecast.services import Services
from framecast.webhooks.delivery import WebhookDispatcher
from framecast.webhooks.signing import WebhookSigner
from framecast.worker.supervisor import Supervisor


def create_app(
    settings: Settings | None = None,
    services: Services | None = None,
    *,
    workers: int = 0,
    background: bool = True,
) -> FastAPI:
    """The service. ``workers`` > 0 spawns that many worker processes (the embedded mode);
    ``background`` runs webhook delivery and store upkeep in this process."""
    settings = settings or (services.settings if services else Settings())
    services = services or Services.open(settings)
    signer = WebhookSigner.from_store(services.store)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        tasks: list[asyncio.Task[None]] = []
        supervisor = Supervisor(settings, services.store, workers) if workers > 0 else None
        if supervisor is not None:
            supervisor.start()
        app.state.supervisor = supervisor
        if background:
            tasks.append(asyncio.create_task(WebhookDispatcher(services.store, signer, settings).run(stop)))
            tasks.append(asyncio.create_task(Maintenance(services).run(stop)))
        try:
            yield
        finally:
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)
            if supervisor is not None:
                await to_thread.run_sync(supervisor.stop)

    app = FastAPI(
        title="framecast",
        version=__version__,
        description="Self-hosted video generation speaking fal.ai's queue protocol (Pika endpoints).",
        lifespan=lifespan,
    )
    app.state.services = services
    app.state.keys = KeyCache(services.store)
    app.state.webhook_signer = signer
    app.state.keepalive_seconds = 15.0
    install_error_handlers(app)

    @app.get("/health", tags=["service"])
    async def health() -> JSONResponse:
        await to_thread.run_sync(services.store.meta_get, "file_signing_key")
        return JSONResponse({"status": "ok", "version": __version__})

    @app.get("/rest/.well-known/jwks.json", tags=["service"], summary="Keys that verify webhook signatures")
    async def jwks() -> JSONResponse:
        return JSONResponse(signer.jwks())

    @app.get("/endpoints", tags=["catalog"], summary="The endpoints this service serves")
    async def endpoints(request: Request) -> JSONResponse:
        return JSONResponse([{"id": e.id, "task": e.task.value, "title": e.title, "input": e.input_schema_name}
                             for e in ENDPOINTS])

    app.include_router(queue.router)
    app.include_router(run.router)
    app.include_router(files.router)
    app.include_router(openapi.router)
    # Last: POST /{endpoint} as fal.run serves it; it only answers for catalog endpoint ids.
    app.add_api_route("/{path:path}", run.run_root, methods=["POST"], include_in_schema=False)
    app.add_middleware(RequestIdMiddleware)
    app.add_middleware(FalProxyMiddleware)
    return app
