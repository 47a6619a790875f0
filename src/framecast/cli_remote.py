"""`framecast generate --url …`: the same command, run as a request on a framecast server.

Submits through :mod:`framecast.client`, follows the request over the status stream (queue
position, then the pipeline's step/total and stage, and its logs), downloads the video and prints
the same one-line summary as a local run. Ctrl-C cancels the request on the server.
"""

from __future__ import annotations

import base64
import dataclasses
import mimetypes
import sys
import time
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import unquote_to_bytes

import click
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from framecast.catalog.endpoints import Endpoint
from framecast.client import (
    Completed,
    FramecastClientError,
    HTTPError,
    InProgress,
    ProtocolError,
    Queued,
    RequestFailed,
    RequestStatus,
    SyncClient,
    SyncRequestHandle,
)

# Local files arrive here as data: URIs. Bigger ones are uploaded first, so the request (which the
# server stores whole) stays small and well under its body limit.
INLINE_LIMIT = 256 * 1024
# Ctrl-C should cancel promptly even when the server has gone away.
CANCEL_TIMEOUT = 5.0


def run_remote(endpoint: Endpoint, data: dict[str, Any], output: Path, *, url: str, key: str | None) -> None:
    started = time.monotonic()
    handle: SyncRequestHandle | None = None
    finished = False
    with SyncClient(url, key) as client:
        try:
            handle = client.submit(endpoint.id, _upload_inline_files(client, data))
            with _bar() as progress:
                task = progress.add_task("submitted", total=None)
                _follow(handle, progress, task)
            finished = True
            result = handle.result()
            video = result.get("video")
            if not isinstance(video, dict) or not isinstance(video.get("url"), str):
                raise ProtocolError(f"the result of request {handle.request_id} has no video URL")
            client.download(video["url"], output)
        except KeyboardInterrupt:
            if handle is not None and not finished:
                _cancel(handle, url, key)
            sys.exit(130)
        except FramecastClientError as exc:
            _fail(exc, handle)
    click.echo(f"{output}: {video.get('width')}x{video.get('height')}, {video.get('num_frames')} frames, "
               f"{float(video.get('duration') or 0):.2f} s, seed {result.get('seed')}, "
               f"{time.monotonic() - started:.1f} s (request {handle.request_id})")


def _bar() -> Progress:
    return Progress(TextColumn("{task.description:>16}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                    TimeElapsedColumn(), transient=False)


def _follow(handle: SyncRequestHandle, progress: Progress, task: TaskID) -> Completed:
    shown = 0
    for status in handle.stream_status(with_logs=True):
        _draw(status, progress, task)
        logs = status.logs if isinstance(status, InProgress | Completed) else None
        for entry in (logs or [])[shown:]:
            style = "red" if entry["level"] in ("ERROR", "STDERR") else None
            progress.console.log(entry["message"], style=style, markup=False)
        shown = max(shown, len(logs or []))
        if isinstance(status, Completed):
            return status
    raise ProtocolError(f"the status stream of request {handle.request_id} ended before COMPLETED")


def _draw(status: RequestStatus, progress: Progress, task: TaskID) -> None:
    if isinstance(status, Queued):
        ahead = "next in queue" if status.position == 0 else f"queued, {status.position} ahead"
        progress.update(task, description=ahead)
    elif isinstance(status, InProgress):
        if status.progress is not None and status.progress.total > 0:
            p = status.progress
            progress.update(task, completed=p.step, total=p.total, description=p.stage or "running")
        else:
            progress.update(task, description="starting")
    elif status.ok:
        total = progress.tasks[task].total or 1
        progress.update(task, completed=total, total=total, description="done")
    else:
        progress.update(task, description=status.error_type or "failed")


def _cancel(handle: SyncRequestHandle, url: str, key: str | None) -> None:
    with SyncClient(url, key, timeout=CANCEL_TIMEOUT, max_retries=1) as quick:
        try:
            took = dataclasses.replace(handle, client=quick).cancel()
        except FramecastClientError as exc:
            click.secho(f"interrupted; could not cancel request {handle.request_id}: {exc}", fg="red", err=True)
            return
    what = "cancelled" if took else "interrupted; it had already completed:"
    click.secho(f"{what} request {handle.request_id}", fg="yellow", err=True)


def _fail(exc: FramecastClientError, handle: SyncRequestHandle | None) -> NoReturn:
    if isinstance(exc, RequestFailed):
        rid = handle.request_id if handle is not None else exc.request_id
        message = f"request {rid} failed ({exc.error_type or exc.status_code}): {exc.message}"
    elif isinstance(exc, HTTPError):
        message = f"{exc.message} (HTTP {exc.status_code})"
    else:
        message = str(exc)
    click.secho(f"error: {message}", fg="red", err=True)
    sys.exit(2)


def _upload_inline_files(client: SyncClient, value: Any) -> Any:
    """The input with every large ``data:`` URI replaced by the URL of its upload."""
    if isinstance(value, dict):
        return {k: _upload_inline_files(client, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_upload_inline_files(client, v) for v in value]
    if isinstance(value, str) and value.startswith("data:") and len(value) > INLINE_LIMIT:
        header, _, payload = value[len("data:"):].partition(",")
        content_type = header.split(";")[0] or "application/octet-stream"
        body = base64.b64decode(payload) if header.endswith(";base64") else unquote_to_bytes(payload)
        extension = mimetypes.guess_extension(content_type) or ".bin"
        return client.upload(body, content_type, f"input{extension}")
    return value
