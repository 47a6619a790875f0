"""SyncClient against a real server with a worker: the queue verbs, run, SSE, storage."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

import framecast.client as fc
from framecast.client import (
    Completed,
    InProgress,
    Queued,
    RequestStatus,
    Status,
    SyncClient,
    SyncRequestHandle,
    _defaults,
)
from tests.client.conftest import I2V, QUICK_STEPS, SMALL, T2V
from tests.support.server import RunningServer


def assert_video(result: dict[str, object], width: int = 720, height: int = 720) -> None:
    video = result["video"]
    assert isinstance(video, dict)
    assert video["content_type"] == "video/mp4"
    assert (video["width"], video["height"], video["num_frames"]) == (width, height, 24)
    assert video["url"].startswith("http://127.0.0.1:")
    assert isinstance(result["seed"], int)


def assert_lifecycle(statuses: list[RequestStatus]) -> None:
    """Queued*, then InProgress*, then exactly one Completed, last."""
    order = [s.status for s in statuses]
    assert order[-1] is Status.COMPLETED and order.count(Status.COMPLETED) == 1
    ranks = [list(Status).index(s) for s in order]
    assert ranks == sorted(ranks), order


def test_subscribe_reports_queue_progress_and_logs(client: SyncClient) -> None:
    seen: list[RequestStatus] = []
    enqueued: list[str] = []
    result = client.subscribe(T2V, {**SMALL, "seed": 7}, with_logs=True, on_queue_update=seen.append,
                              on_enqueue=enqueued.append, interval=0.05)

    assert_video(result)
    assert result["seed"] == 7
    assert len(enqueued) == 1
    assert_lifecycle(seen)
    assert isinstance(seen[0], Queued | InProgress)
    progress = [s.progress for s in seen if isinstance(s, InProgress) and s.progress is not None]
    assert progress, "no InProgress status carried progress"
    assert {(p.total, p.stage) for p in progress} == {(QUICK_STEPS, "denoising")}
    assert all(0 < p.step <= p.total and p.fraction == pytest.approx(p.step / p.total, abs=1e-3) for p in progress)
    done = seen[-1]
    assert isinstance(done, Completed) and done.ok
    assert done.logs is not None
    assert any(f"{QUICK_STEPS} steps" in line["message"] for line in done.logs)
    assert done.metrics["inference_time"] > 0


def test_submit_status_result(client: SyncClient) -> None:
    handle = client.submit(T2V, SMALL, priority="low", hint="test")
    assert isinstance(handle, SyncRequestHandle)
    assert handle.status_url == f"{client.url}/queue/fal-ai/pika/requests/{handle.request_id}/status"

    first = handle.status()
    assert isinstance(first, Queued | InProgress | Completed)
    assert not isinstance(first, InProgress) or first.logs is None  # logs only when asked for

    events = list(handle.iter_events(with_logs=True, interval=0.05))
    assert_lifecycle(events)
    output = handle.get()
    assert_video(output)
    # The same request, addressed by endpoint and id (owner/alias URLs) rather than by the handle.
    assert client.result(T2V, handle.request_id) == output
    assert handle.result() == output
    done = client.status(T2V, handle.request_id, with_logs=True)
    assert isinstance(done, Completed) and done.ok and done.logs
    assert client.get_handle(T2V, handle.request_id).response_url == handle.response_url


def test_cancel_after_completion_is_false(client: SyncClient) -> None:
    handle = client.submit(T2V, SMALL)
    handle.get()
    assert handle.cancel() is False
    assert client.cancel(T2V, handle.request_id) is False


def test_run_waits_for_the_output(client: SyncClient) -> None:
    result = client.run(T2V, {**SMALL, "aspect_ratio": "16:9", "seed": 3}, start_timeout=30)
    assert_video(result, 1280, 720)
    assert result["seed"] == 3


def test_stream_status_follows_the_request_over_sse(client: SyncClient) -> None:
    handle = client.submit(T2V, SMALL)
    events = list(handle.stream_status(with_logs=True))
    assert_lifecycle(events)
    assert any(isinstance(e, InProgress) and e.progress is not None for e in events)
    last = events[-1]
    assert isinstance(last, Completed) and last.ok and last.logs
    assert list(client.stream_status(T2V, handle.request_id))[-1] == Completed(None, last.metrics)


def test_stream_run_yields_progress_then_output(client: SyncClient) -> None:
    events = list(client.stream(T2V, SMALL))
    assert len(events) >= 2
    assert_video(events[-1])
    assert all(e.get("status") in ("IN_QUEUE", "IN_PROGRESS") for e in events[:-1])


def test_upload_file_as_image_to_video_input(client: SyncClient, tmp_path: Path) -> None:
    path = tmp_path / "first-frame.png"
    Image.new("RGB", (96, 64), (200, 30, 30)).save(path)
    url = client.upload_file(path)
    assert url.startswith(client.url) and url.endswith("first-frame.png")

    result = client.subscribe(I2V, {"image_url": url, "prompt": "it moves", "duration": 1})
    video = result["video"]
    assert video["content_type"] == "video/mp4" and video["num_frames"] == 24


def test_upload_image_and_download_roundtrip(client: SyncClient, tmp_path: Path) -> None:
    image = Image.new("RGB", (32, 32), (0, 128, 255))
    url = client.upload_image(image, format="png")
    saved = client.download(url, tmp_path / "back.png")
    with Image.open(saved) as back:
        assert back.size == (32, 32) and back.getpixel((5, 5)) == (0, 128, 255)


def test_download_video_is_an_mp4(client: SyncClient, tmp_path: Path) -> None:
    result = client.run(T2V, SMALL)
    out = client.download(result["video"]["url"], tmp_path / "nested" / "out.mp4")
    data = out.read_bytes()
    assert data[4:8] == b"ftyp"
    assert len(data) == result["video"]["file_size"]
    assert not list(out.parent.glob("*.part"))


def test_module_level_verbs_use_the_environment(server: RunningServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRAMECAST_URL", server.url)
    monkeypatch.setenv("FRAMECAST_KEY", server.key)
    _defaults.reset()
    try:
        handle = fc.submit(T2V, SMALL)
        output = fc.result(T2V, handle.request_id)
        assert_video(output)
        status = fc.status(T2V, handle.request_id)
        assert isinstance(status, Completed) and status.ok
        buffer = io.BytesIO()
        Image.new("RGB", (8, 8)).save(buffer, format="png")
        assert fc.upload(buffer.getvalue(), "image/png", "tiny.png").endswith("tiny.png")
    finally:
        _defaults.reset()
