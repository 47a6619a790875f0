"""A Python client for framecast, with fal-client's verbs.

    from framecast import client as fc

    video = fc.subscribe("fal-ai/pika/v2.2/text-to-video", {"prompt": "a red ball"},
                         with_logs=True, on_queue_update=print)

The module-level verbs use a default client configured from ``FRAMECAST_URL`` (default
http://127.0.0.1:8000) and ``FRAMECAST_KEY`` (``<key id>:<secret>``); make a :class:`SyncClient` or
:class:`AsyncClient` to choose explicitly. Every error raised is a :class:`FramecastClientError`.
"""

from __future__ import annotations

from framecast.client import _defaults
from framecast.client.async_client import AsyncClient, AsyncRequestHandle
from framecast.client.errors import (
    AuthenticationError,
    ClientTimeoutError,
    FramecastClientError,
    HTTPError,
    NotFoundError,
    ProtocolError,
    RequestFailed,
    RequestTimeoutError,
    TransportError,
    ValidationError,
)
from framecast.client.status import (
    Completed,
    InProgress,
    LogRecord,
    Progress,
    Queued,
    RequestStatus,
    Status,
)
from framecast.client.sync_client import SyncClient, SyncRequestHandle

__all__ = [
    "AsyncClient",
    "AsyncRequestHandle",
    "AuthenticationError",
    "ClientTimeoutError",
    "Completed",
    "FramecastClientError",
    "HTTPError",
    "InProgress",
    "LogRecord",
    "NotFoundError",
    "Progress",
    "ProtocolError",
    "Queued",
    "RequestFailed",
    "RequestStatus",
    "RequestTimeoutError",
    "Status",
    "SyncClient",
    "SyncRequestHandle",
    "TransportError",
    "ValidationError",
    "cancel",
    "cancel_async",
    "download",
    "download_async",
    "result",
    "result_async",
    "run",
    "run_async",
    "status",
    "status_async",
    "stream",
    "stream_async",
    "stream_status",
    "stream_status_async",
    "submit",
    "submit_async",
    "subscribe",
    "subscribe_async",
    "upload",
    "upload_async",
    "upload_file",
    "upload_file_async",
    "upload_image",
    "upload_image_async",
]

run = _defaults.on_sync(SyncClient.run)
submit = _defaults.on_sync(SyncClient.submit)
subscribe = _defaults.on_sync(SyncClient.subscribe)
status = _defaults.on_sync(SyncClient.status)
result = _defaults.on_sync(SyncClient.result)
cancel = _defaults.on_sync(SyncClient.cancel)
stream = _defaults.on_sync(SyncClient.stream)
stream_status = _defaults.on_sync(SyncClient.stream_status)
upload = _defaults.on_sync(SyncClient.upload)
upload_file = _defaults.on_sync(SyncClient.upload_file)
upload_image = _defaults.on_sync(SyncClient.upload_image)
download = _defaults.on_sync(SyncClient.download)

run_async = _defaults.on_async(AsyncClient.run)
submit_async = _defaults.on_async(AsyncClient.submit)
subscribe_async = _defaults.on_async(AsyncClient.subscribe)
status_async = _defaults.on_async(AsyncClient.status)
result_async = _defaults.on_async(AsyncClient.result)
cancel_async = _defaults.on_async(AsyncClient.cancel)
upload_async = _defaults.on_async(AsyncClient.upload)
upload_file_async = _defaults.on_async(AsyncClient.upload_file)
upload_image_async = _defaults.on_async(AsyncClient.upload_image)
download_async = _defaults.on_async(AsyncClient.download)
stream_async = _defaults.on_async_iter(AsyncClient.stream)
stream_status_async = _defaults.on_async_iter(AsyncClient.stream_status)
