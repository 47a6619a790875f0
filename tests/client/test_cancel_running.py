"""Cancelling a request while a worker runs it (slow steps), from the client and from the CLI."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import aclosing
from pathlib import Path
from typing import Any

import pytest

from framecast.catalog.endpoints import get_endpoint
from framecast.cli_remote import run_remote
from framecast.client import (
    AsyncClient,
    Completed,
    InProgress,
    RequestFailed,
    RequestStatus,
    SyncClient,
    SyncRequestHandle,
)
from tests.client.conftest import SLOW_STEPS, SMALL, T2V
from tests.support.server import RunningServer


def wait_until_running(handle: SyncRequestHandle) -> InProgress:
    for status in handle.iter_events(interval=0.05):
        if isinstance(status, InProgress) and status.progress is not None:
            return status
    raise AssertionError("the request completed before it was seen running")


def test_cancel_a_running_request(slow_client: SyncClient) -> None:
    handle = slow_client.submit(T2V, SMALL)
    running = wait_until_running(handle)
    assert running.progress is not None and running.progress.total == SLOW_STEPS

    started = time.monotonic()
    assert handle.cancel() is True
    with pytest.raises(RequestFailed) as caught:
        handle.get(interval=0.05)
    # Honoured at the next step, long before the remaining steps would have run.
    assert time.monotonic() - started < 3
    assert caught.value.error_type == "client_cancelled"
    done = handle.status(with_logs=True)
    assert isinstance(done, Completed) and done.error_type == "client_cancelled"


async def test_cancel_a_running_request_async(slow_server: RunningServer) -> None:
    async with AsyncClient(slow_server.url, slow_server.key) as client:
        handle = await client.submit(T2V, SMALL)
        async with aclosing(handle.stream_status()) as statuses:
            async for status in statuses:
                if isinstance(status, InProgress) and status.progress is not None:
                    break
        assert await handle.cancel() is True
        events = [s async for s in handle.stream_status()]
        last = events[-1]
        assert isinstance(last, Completed) and last.error_type == "client_cancelled"


def test_ctrl_c_in_generate_cancels_on_the_server(slow_server: RunningServer, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """Ctrl-C arrives as KeyboardInterrupt while the progress bar follows the status stream."""
    interrupted: list[str] = []
    real_stream = SyncRequestHandle.stream_status

    def interrupt_once_running(self: SyncRequestHandle, **kwargs: Any) -> Iterator[RequestStatus]:
        for status in real_stream(self, **kwargs):
            yield status
            if isinstance(status, InProgress) and status.progress is not None:
                interrupted.append(self.request_id)
                raise KeyboardInterrupt

    monkeypatch.setattr(SyncRequestHandle, "stream_status", interrupt_once_running)
    endpoint = get_endpoint(T2V)
    assert endpoint is not None
    output = tmp_path / "never.mp4"
    with pytest.raises(SystemExit) as exited:
        run_remote(endpoint, dict(SMALL), output, url=slow_server.url, key=slow_server.key)
    assert exited.value.code == 130
    assert f"cancelled request {interrupted[0]}" in capsys.readouterr().err
    assert not output.exists()

    with SyncClient(slow_server.url, slow_server.key) as client:
        done = client.get_handle(T2V, interrupted[0])
        final = list(done.iter_events(interval=0.05))[-1]
    assert isinstance(final, Completed) and final.error_type == "client_cancelled"
