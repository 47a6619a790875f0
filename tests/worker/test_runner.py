"""The worker's state machine: inputs, failures, cancel, lost leases, shutdown."""

from __future__ import annotations

import base64
import io
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from framecast.config import Settings
from framecast.services import Services
from framecast.store import FileRecord, NewRequest, Status
from framecast.worker.runner import Worker

I2V = "fal-ai/pika/v2.2/image-to-video"
T2V = "fal-ai/pika/v2.2/text-to-video"


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    s = Services.open(Settings(home=tmp_path, default_pipeline="tests.fixtures.pipelines:quick",
                               lease_seconds=2, heartbeat_seconds=0.2, x264_preset="ultrafast"))
    yield s
    s.close()


def png_data_uri(size: tuple[int, int] = (64, 48)) -> str:
    buf = io.BytesIO()
    Image.new("RGB", size, (10, 200, 30)).save(buf, "PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def run(services: Services, endpoint: str, body: dict[str, object], owner: str = "k1") -> str:
    rid = services.store.submit(NewRequest(endpoint, owner, body, base_url="http://h")).id
    assert Worker(services).run_once()
    return rid


def test_image_input_sets_the_aspect_ratio(services: Services) -> None:
    rid = run(services, I2V, {"prompt": "x", "image_url": png_data_uri((64, 48)), "duration": 1})
    rec = services.store.get(rid)
    assert rec is not None and rec.failure is None and rec.result is not None
    assert (rec.result["video"]["width"], rec.result["video"]["height"]) == (960, 720)


def test_undecodable_image_is_422_naming_the_field(services: Services) -> None:
    bad = "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\nnot really").decode()
    rid = run(services, I2V, {"prompt": "x", "image_url": bad})
    rec = services.store.get(rid)
    assert rec is not None and rec.failure is not None
    assert rec.failure.status_code == 422
    [detail] = rec.failure.body["detail"]
    assert detail["loc"] == ["body", "image_url"] and detail["type"] == "image_load_error"


def test_undecodable_video_is_422_naming_the_field(services: Services) -> None:
    junk = "data:video/mp4;base64," + base64.b64encode(b"\x00\x00\x00\x18ftypmp42 garbage").decode()
    rid = run(services, "fal-ai/pika/v2/pikadditions", {"video_url": junk, "image_url": png_data_uri()})
    rec = services.store.get(rid)
    assert rec is not None and rec.failure is not None and rec.failure.status_code == 422
    assert rec.failure.body["detail"][0]["loc"] == ["body", "video_url"]
    assert rec.failure.body["detail"][0]["type"] == "video_load_error"


def test_unreachable_url_is_a_download_error(services: Services) -> None:
    # loopback is refused by default: the guard stops it before any connection
    rid = run(services, I2V, {"prompt": "x", "image_url": "http://127.0.0.1:9/missing.png"})
    rec = services.store.get(rid)
    assert rec is not None and rec.failure is not None
    assert rec.failure.body["detail"][0]["type"] == "file_download_error"
    assert "FRAMECAST_ALLOW_LOOPBACK_URLS" in rec.failure.message


def test_own_file_urls_resolve_locally_but_only_for_their_owner(services: Services) -> None:
    buf = io.BytesIO()
    Image.new("RGB", (32, 32), (1, 2, 3)).save(buf, "PNG")
    services.files.put("k1/f/a.png", buf.getvalue(), "image/png")
    now = time.time()
    services.store.add_file(FileRecord("fileid0001", "k1", "k1/f/a.png", "a.png", "image/png",
                                       len(buf.getvalue()), now, now + 60))
    url = "http://anywhere.invalid" + services.signer.path("fileid0001", "a.png")
    mine = run(services, I2V, {"prompt": "x", "image_url": url, "duration": 1}, owner="k1")
    theirs = run(services, I2V, {"prompt": "x", "image_url": url, "duration": 1}, owner="k2")
    assert services.store.get(mine).failure is None  # type: ignore[union-attr]
    failure = services.store.get(theirs).failure  # type: ignore[union-attr]
    assert failure is not None and failure.body["detail"][0]["type"] == "file_download_error"


def test_unknown_pipeline_fails_the_request_with_a_clear_error(tmp_path: Path) -> None:
    s = Services.open(Settings(home=tmp_path, default_pipeline="no.such.module:thing"))
    try:
        rid = run(s, T2V, {"prompt": "x"})
        rec = s.store.get(rid)
        assert rec is not None and rec.failure is not None
        assert "cannot import pipeline 'no.such.module:thing'" in rec.failure.message
    finally:
        s.close()


def _start_slow(services: Services, monkeypatch: pytest.MonkeyPatch) -> tuple[Worker, threading.Thread, str]:
    monkeypatch.setenv("FRAMECAST_TEST_STEPS", "100")
    monkeypatch.setenv("FRAMECAST_TEST_STEP_SECONDS", "0.05")
    rid = services.store.submit(NewRequest(T2V, "k1", {"prompt": "x", "duration": 1})).id
    worker = Worker(services)
    thread = threading.Thread(target=worker.run_once)
    thread.start()
    deadline = time.monotonic() + 10
    while services.store.get(rid).progress is None:  # type: ignore[union-attr]
        assert time.monotonic() < deadline
        time.sleep(0.02)
    return worker, thread, rid


def test_cancel_stops_a_running_request_within_a_step_or_two(services: Services,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    _worker, thread, rid = _start_slow(services, monkeypatch)
    services.store.cancel(rid, "k1")
    asked = time.monotonic()
    thread.join(10)
    assert time.monotonic() - asked < 1.0  # the heartbeat polls every 0.2 s; a step is 0.05 s
    rec = services.store.get(rid)
    assert rec is not None and rec.failure is not None and rec.failure.error_type == "client_cancelled"
    assert rec.progress is not None and rec.progress.step < rec.progress.total


def test_heartbeat_keeps_a_long_request_from_being_claimed_twice(services: Services,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    _worker, thread, rid = _start_slow(services, monkeypatch)  # 5 s of work, 2 s lease
    time.sleep(3)
    assert services.store.requeue_expired(3) == []
    thread.join(20)
    rec = services.store.get(rid)
    assert rec is not None and rec.status is Status.COMPLETED and rec.failure is None and rec.attempts == 1


def test_shutdown_hands_the_request_back(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    worker, thread, rid = _start_slow(services, monkeypatch)
    worker.stop()
    thread.join(10)
    rec = services.store.get(rid)
    assert rec is not None and rec.status is Status.IN_QUEUE and rec.attempts == 0


def test_a_worker_that_lost_its_lease_writes_nothing(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    worker, thread, rid = _start_slow(services, monkeypatch)
    # Simulate a partition: the store gives the request to someone else behind this worker's back.
    services.store.requeue_expired(3, now=time.time() + 60)
    other = services.store.claim("other-worker", 60)
    assert other is not None and other.record.id == rid
    thread.join(10)
    rec = services.store.get(rid)
    assert rec is not None and rec.status is Status.IN_PROGRESS and rec.worker_id == "other-worker"
    del worker
