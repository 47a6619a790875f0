"""AsyncClient against the same real servers: the main flows, awaited."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PIL import Image

import framecast.client as fc
from framecast.client import (
    AsyncClient,
    AsyncRequestHandle,
    AuthenticationError,
    ClientTimeoutError,
    Completed,
    InProgress,
    Queued,
    RequestFailed,
    RequestStatus,
    RequestTimeoutError,
    ValidationError,
    _defaults,
)
from tests.client.conftest import I2V, QUICK_STEPS, SMALL, T2V
from tests.client.test_sync import assert_lifecycle, assert_video
from tests.support.server import RunningServer


@pytest.fixture
async def aclient(server: RunningServer) -> AsyncIterator[AsyncClient]:
    async with AsyncClient(server.url, server.key) as c:
        yield c


@pytest.fixture
async def idle_aclient(idle_server: RunningServer) -> AsyncIterator[AsyncClient]:
    async with AsyncClient(idle_server.url, idle_server.key) as c:
        yield c


async def test_subscribe_async_sees_progress(aclient: AsyncClient) -> None:
    seen: list[RequestStatus] = []
    result = await aclient.subscribe(T2V, SMALL, with_logs=True, on_queue_update=seen.append, interval=0.05)
    assert_video(result)
    assert_lifecycle(seen)
    assert any(isinstance(s, InProgress) and s.progress and s.progress.total == QUICK_STEPS for s in seen)


async def test_submit_status_result_async(aclient: AsyncClient) -> None:
    handle = await aclient.submit(T2V, SMALL)
    assert isinstance(handle, AsyncRequestHandle)
    assert isinstance(await handle.status(), Queued | InProgress | Completed)
    output = await handle.get(interval=0.05)
    assert_video(output)
    assert await aclient.result(T2V, handle.request_id) == output
    assert await handle.cancel() is False


async def test_two_requests_concurrently(aclient: AsyncClient) -> None:
    a, b = await asyncio.gather(aclient.run(T2V, {**SMALL, "seed": 1}), aclient.run(T2V, {**SMALL, "seed": 2}))
    assert (a["seed"], b["seed"]) == (1, 2)
    assert a["video"]["url"] != b["video"]["url"]


async def test_stream_status_async(aclient: AsyncClient) -> None:
    handle = await aclient.submit(T2V, SMALL)
    events = [e async for e in handle.stream_status(with_logs=True)]
    assert_lifecycle(events)
    last = events[-1]
    assert isinstance(last, Completed) and last.ok and last.logs


async def test_stream_async_ends_with_the_output(aclient: AsyncClient) -> None:
    events = [e async for e in aclient.stream(T2V, SMALL)]
    assert_video(events[-1])


async def test_upload_image_async_then_image_to_video(aclient: AsyncClient, tmp_path: Path) -> None:
    url = await aclient.upload_image(Image.new("RGB", (64, 64), (10, 200, 10)), format="png")
    result = await aclient.subscribe(I2V, {"image_url": url, "prompt": "grass grows", "duration": 1})
    out = await aclient.download(result["video"]["url"], tmp_path / "grass.mp4")
    assert out.read_bytes()[4:8] == b"ftyp"


async def test_errors_async(idle_aclient: AsyncClient, idle_server: RunningServer) -> None:
    with pytest.raises(ValidationError) as caught:
        await idle_aclient.submit(T2V, {**SMALL, "duration": 99})
    assert caught.value.field_errors[0]["loc"] == ["body", "duration"]
    async with AsyncClient(idle_server.url, "nobody:nothing") as wrong:
        with pytest.raises(AuthenticationError):
            await wrong.run(T2V, SMALL)


async def test_cancel_queued_async(idle_aclient: AsyncClient) -> None:
    handle = await idle_aclient.submit(T2V, SMALL)
    assert await handle.cancel() is True
    with pytest.raises(RequestFailed) as caught:
        await handle.get()
    assert caught.value.error_type == "client_cancelled"


async def test_timeouts_async(idle_aclient: AsyncClient) -> None:
    # Both deadlines run at once: a user start timeout on run, a client timeout on subscribe.
    enqueued: list[str] = []
    run, subscribe = await asyncio.gather(
        idle_aclient.run(T2V, SMALL, start_timeout=1.5),
        idle_aclient.subscribe(T2V, SMALL, client_timeout=1.0, on_enqueue=enqueued.append),
        return_exceptions=True,
    )
    assert isinstance(run, RequestTimeoutError)
    assert isinstance(subscribe, ClientTimeoutError) and subscribe.request_id == enqueued[0]
    after = await idle_aclient.status(T2V, enqueued[0])
    assert isinstance(after, Completed) and after.error_type == "client_cancelled"


async def test_module_level_async_verbs(server: RunningServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRAMECAST_URL", server.url)
    monkeypatch.setenv("FRAMECAST_KEY", server.key)
    _defaults.reset()
    try:
        handle = await fc.submit_async(T2V, SMALL)
        statuses = [s async for s in fc.stream_status_async(T2V, handle.request_id)]
        assert isinstance(statuses[-1], Completed)
        assert_video(await fc.result_async(T2V, handle.request_id))
    finally:
        await _defaults.async_client().aclose()
        _defaults.reset()
