"""Failures of real processes: killed workers, restarted servers, dead webhook receivers, stuck models."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import Receiver
from tests.support.server import RunningServer, launch

T2V = "fal-ai/pika/v2.1/text-to-video"
SLOW = {"FRAMECAST_TEST_STEPS": "40", "FRAMECAST_TEST_STEP_SECONDS": "0.1"}


def submit(s: RunningServer, body: dict[str, Any] | None = None, **params: str) -> str:
    r = httpx.post(f"{s.url}/queue/{T2V}", json=body or {"prompt": "x", "duration": 1}, headers=s.headers,
                   params=params)
    assert r.status_code == 200, r.text
    return str(r.json()["request_id"])


def status(s: RunningServer, rid: str, logs: bool = False) -> dict[str, Any]:
    r = httpx.get(f"{s.url}/queue/fal-ai/pika/requests/{rid}/status", params={"logs": int(logs)},
                  headers=s.headers)
    assert r.status_code in (200, 202), r.text
    return dict(r.json())


def wait_for(s: RunningServer, rid: str, state: str, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        st = status(s, rid, logs=True)
        if st["status"] == state or (state != "COMPLETED" and st["status"] == "COMPLETED"):
            return st
        assert time.monotonic() < deadline, f"{rid} stuck in {st['status']}:\n{s.logs()[-3000:]}"
        time.sleep(0.1)


def test_worker_killed_mid_job_is_claimed_again(tmp_path: Path) -> None:
    s = launch(tmp_path, workers=1, **SLOW)
    try:
        rid = submit(s)
        assert wait_for(s, rid, "IN_PROGRESS")["status"] == "IN_PROGRESS"
        [pid] = s.worker_pids()
        os.kill(pid, signal.SIGKILL)
        done = wait_for(s, rid, "COMPLETED", timeout=90)
        assert "error" not in done, done
        messages = [line["message"] for line in done["logs"]]
        assert any("attempt 2 of 3" in m for m in messages), messages
        assert s.worker_pids() and s.worker_pids() != [pid]  # replaced
        assert httpx.get(f"{s.url}/queue/fal-ai/pika/requests/{rid}", headers=s.headers).status_code == 200
    finally:
        s.stop()


def test_worker_dying_every_time_ends_as_runner_disconnected(tmp_path: Path) -> None:
    s = launch(tmp_path, pipeline="tests.fixtures.pipelines:exit_on_load", workers=1,
               FRAMECAST_LEASE_SECONDS="1.5", FRAMECAST_HEARTBEAT_SECONDS="0.3")
    try:
        rid = submit(s)
        done = wait_for(s, rid, "COMPLETED", timeout=120)
        assert done["error_type"] == "runner_disconnected"
        r = httpx.get(f"{s.url}/queue/fal-ai/pika/requests/{rid}", headers=s.headers)
        assert r.status_code == 503 and r.headers["x-fal-error-type"] == "runner_disconnected"
    finally:
        s.stop()


@pytest.mark.parametrize("how", ["graceful", "crash"])
def test_server_restart_loses_nothing(tmp_path: Path, how: str) -> None:
    s = launch(tmp_path, workers=1, **SLOW)
    try:
        finished = submit(s, {"prompt": "done before", "duration": 1})
        wait_for(s, finished, "COMPLETED")
        running = submit(s)
        queued = [submit(s) for _ in range(2)]
        wait_for(s, running, "IN_PROGRESS")
        s.stop(signal.SIGTERM if how == "graceful" else signal.SIGKILL)
        s.start()
        for rid in (running, *queued):
            done = wait_for(s, rid, "COMPLETED", timeout=120)
            assert "error" not in done, done
        result = httpx.get(f"{s.url}/queue/fal-ai/pika/requests/{finished}", headers=s.headers)
        assert result.status_code == 200 and "video" in result.json()
        assert httpx.get(result.json()["video"]["url"]).status_code == 200
    finally:
        s.stop()


def test_webhook_receiver_down_then_up(tmp_path: Path) -> None:
    receiver = Receiver()  # not started: its port refuses connections
    s = launch(tmp_path, workers=1, FRAMECAST_WEBHOOK_WINDOW_SECONDS="6", FRAMECAST_WEBHOOK_MAX_ATTEMPTS="5")
    try:
        rid = submit(s, fal_webhook=receiver.url)
        wait_for(s, rid, "COMPLETED")
        time.sleep(1.0)  # at least one failed try
        receiver.start()
        assert receiver.received.wait(30), s.logs()[-2000:]
        time.sleep(1.5)
        payloads = receiver.payloads()
        assert [p["request_id"] for p in payloads] == [rid]  # delivered exactly once
        assert payloads[0]["status"] == "OK"
    finally:
        receiver.stop()
        s.stop()


def test_webhook_receiver_errors_are_retried(tmp_path: Path, receiver: Receiver) -> None:
    receiver.fail_with = 500
    s = launch(tmp_path, workers=1, FRAMECAST_WEBHOOK_WINDOW_SECONDS="4", FRAMECAST_WEBHOOK_MAX_ATTEMPTS="5")
    try:
        rid = submit(s, fal_webhook=receiver.url)
        wait_for(s, rid, "COMPLETED")
        time.sleep(0.6)
        receiver.fail_with = None
        assert receiver.received.wait(30)
        assert [p["request_id"] for p in receiver.payloads()] == [rid]
    finally:
        s.stop()


def test_stuck_model_is_killed_after_the_cancel_grace(tmp_path: Path) -> None:
    s = launch(tmp_path, pipeline="tests.fixtures.pipelines:stubborn", workers=1,
               FRAMECAST_CANCEL_GRACE_SECONDS="1")
    try:
        rid = submit(s)
        wait_for(s, rid, "IN_PROGRESS")
        [pid] = s.worker_pids()
        r = httpx.put(f"{s.url}/queue/fal-ai/pika/requests/{rid}/cancel", headers=s.headers)
        assert r.status_code == 202
        done = wait_for(s, rid, "COMPLETED", timeout=30)
        assert done["error_type"] == "client_cancelled"
        deadline = time.monotonic() + 20
        while s.worker_pids() in ([], [pid]):
            assert time.monotonic() < deadline, "the stuck worker was not replaced"
            time.sleep(0.1)
    finally:
        s.stop()
