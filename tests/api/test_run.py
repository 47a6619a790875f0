"""Sync run and SSE: the same queue underneath, a worker thread serving it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from framecast.worker.runner import Worker
from tests.api.conftest import CRASH_ENDPOINT

T2V = "fal-ai/pika/v2.2/text-to-video"


@pytest.fixture
def running_worker(worker: Worker) -> Iterator[Worker]:
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    yield worker
    worker.stop()
    thread.join(10)


def sse_events(text: str) -> list[tuple[str, dict[str, object]]]:
    events = []
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith(":")]
        data = "".join(line[5:].strip() for line in lines if line.startswith("data:"))
        if data:
            name = next((line[6:].strip() for line in lines if line.startswith("event:")), "message")
            events.append((name, json.loads(data)))
    return events


@pytest.mark.parametrize("prefix", ["/run/", "/"])
def test_sync_run_returns_the_output(client: TestClient, auth: dict[str, str], running_worker: Worker,
                                     prefix: str) -> None:
    r = client.post(f"{prefix}{T2V}", json={"prompt": "a ball", "duration": 1, "seed": 3}, headers=auth)
    assert r.status_code == 200, r.text
    assert r.json()["seed"] == 3 and r.json()["video"]["num_frames"] == 24
    assert r.headers["x-fal-request-id"]


def test_sync_run_failure_has_fal_error_shape(client: TestClient, auth: dict[str, str],
                                              running_worker: Worker) -> None:
    r = client.post(f"/run/{CRASH_ENDPOINT}", json={"prompt": "x", "duration": 1}, headers=auth)
    assert r.status_code == 500 and r.headers["x-fal-error-type"] == "runner_server_error"


def test_sync_run_validation_error(client: TestClient, auth: dict[str, str]) -> None:
    r = client.post(f"/run/{T2V}", json={"duration": 3}, headers=auth)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "prompt"]


def test_sync_run_start_timeout_is_504_user(client: TestClient, auth: dict[str, str]) -> None:
    import asyncio

    from framecast.maintenance import Maintenance

    services = client.app.state.services  # type: ignore[attr-defined]
    stop = threading.Event()

    def upkeep() -> None:  # no worker runs: only the deadline can end the wait
        m = Maintenance(services)
        while not stop.wait(0.2):
            m.tick()

    t = threading.Thread(target=upkeep, daemon=True)
    t.start()
    try:
        r = client.post(f"/run/{T2V}", json={"prompt": "x"}, headers={**auth, "X-Fal-Request-Timeout": "1.5"})
    finally:
        stop.set()
        t.join()
    assert r.status_code == 504 and r.headers["x-fal-request-timeout-type"] == "user"
    del asyncio


def test_stream_sends_progress_then_the_output(client: TestClient, auth: dict[str, str],
                                               running_worker: Worker) -> None:
    with client.stream("POST", f"/run/{T2V}/stream", json={"prompt": "x", "duration": 1},
                       headers={**auth, "Accept": "text/event-stream"}) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        events = sse_events(r.read().decode())
    assert events[-1][0] == "message" and "video" in events[-1][1]
    assert any(e[1].get("status") in ("IN_QUEUE", "IN_PROGRESS") for e in events[:-1])


def test_stream_failure_is_an_error_event(client: TestClient, auth: dict[str, str], running_worker: Worker) -> None:
    with client.stream("POST", f"/run/{CRASH_ENDPOINT}/stream", json={"prompt": "x"}, headers=auth) as r:
        events = sse_events(r.read().decode())
    name, body = events[-1]
    assert name == "error" and body["error_type"] == "runner_server_error" and body["status_code"] == 500


def test_status_stream_closes_after_completed(client: TestClient, auth: dict[str, str],
                                              running_worker: Worker) -> None:
    rid = client.post(f"/queue/{T2V}", json={"prompt": "x", "duration": 1}, headers=auth).json()["request_id"]
    with client.stream("GET", f"/queue/fal-ai/pika/requests/{rid}/status/stream", params={"logs": "1"},
                       headers=auth) as r:
        text = r.read().decode()
    events = [e for _, e in sse_events(text)]
    assert text.startswith(":")
    assert events[-1]["status"] == "COMPLETED" and isinstance(events[-1]["logs"], list)
    assert all(e["request_id"] == rid for e in events)


def test_status_stream_sends_keepalive_comments_while_waiting(client: TestClient, auth: dict[str, str]) -> None:
    client.app.state.keepalive_seconds = 0.2  # type: ignore[attr-defined]
    rid = client.post(f"/queue/{T2V}", json={"prompt": "x"}, headers=auth).json()["request_id"]
    seen: list[str] = []
    with client.stream("GET", f"/queue/fal-ai/pika/requests/{rid}/status/stream", headers=auth) as r:
        for line in r.iter_lines():
            seen.append(line)
            if line == ": keepalive":
                break
    data = [json.loads(line[5:]) for line in seen if line.startswith("data:")]
    assert data[0]["status"] == "IN_QUEUE" and data[0]["queue_position"] == 0
    assert seen[-1] == ": keepalive"
