"""The queue protocol as fal's clients use it: submit, status, result, cancel, errors."""

from __future__ import annotations

import json
import time

import pytest
from fastapi.testclient import TestClient

from framecast.services import Services
from framecast.worker.runner import Worker
from tests.api.conftest import CRASH_ENDPOINT, OOM_ENDPOINT

T2V = "fal-ai/pika/v2.2/text-to-video"


def submit(client: TestClient, auth: dict[str, str], body: dict[str, object] | None = None,
           endpoint: str = T2V, **headers: str) -> dict[str, object]:
    r = client.post(f"/queue/{endpoint}", json=body or {"prompt": "a red ball", "duration": 1},
                    headers={**auth, **headers})
    assert r.status_code == 200, r.text
    return r.json()


def test_submit_receipt_has_what_both_clients_read(client: TestClient, auth: dict[str, str]) -> None:
    receipt = submit(client, auth)
    rid = receipt["request_id"]
    assert receipt["status"] == "IN_QUEUE"
    assert receipt["gateway_request_id"] == rid
    assert receipt["queue_position"] == 0
    assert receipt["status_url"] == f"http://testserver/queue/fal-ai/pika/requests/{rid}/status"
    assert receipt["response_url"] == f"http://testserver/queue/fal-ai/pika/requests/{rid}"
    assert receipt["cancel_url"] == f"http://testserver/queue/fal-ai/pika/requests/{rid}/cancel"


def test_status_while_queued_is_202_with_exact_position(client: TestClient, auth: dict[str, str]) -> None:
    ids = [submit(client, auth)["request_id"] for _ in range(3)]
    for position, rid in enumerate(ids):
        r = client.get(f"/queue/fal-ai/pika/requests/{rid}/status", headers=auth)
        assert r.status_code == 202
        body = r.json()
        assert (body["status"], body["queue_position"], body["logs"]) == ("IN_QUEUE", position, None)
        assert r.headers["x-fal-request-id"] == rid


@pytest.mark.parametrize("path", [
    "/queue/fal-ai/pika/requests/{rid}/status",
    "/queue/fal-ai/pika/requests/{rid}/status/",
    "/queue/fal-ai/pika/v2.2/text-to-video/requests/{rid}/status",
])
def test_status_at_every_path_form(client: TestClient, auth: dict[str, str], path: str) -> None:
    rid = submit(client, auth)["request_id"]
    assert client.get(path.format(rid=rid), headers=auth).status_code == 202


def test_status_under_the_wrong_app_is_404(client: TestClient, auth: dict[str, str]) -> None:
    rid = submit(client, auth)["request_id"]
    assert client.get(f"/queue/fal-ai/flux/requests/{rid}/status", headers=auth).status_code == 404


@pytest.mark.parametrize("logs", ["1", "true"])
def test_completed_run_with_logs_progress_and_result(client: TestClient, auth: dict[str, str], worker: Worker,
                                                     logs: str) -> None:
    rid = submit(client, auth, {"prompt": "a red ball", "duration": 1, "seed": 7})["request_id"]
    assert worker.run_once()
    r = client.get(f"/queue/fal-ai/pika/requests/{rid}/status", params={"logs": logs}, headers=auth)
    assert r.status_code == 200
    status = r.json()
    assert status["status"] == "COMPLETED" and "error" not in status
    assert status["metrics"]["inference_time"] > 0
    assert status["progress"]["stage"] == "denoising" and status["progress"]["step"] == status["progress"]["total"]
    assert {"message", "level", "source", "timestamp"} <= set(status["logs"][0])
    assert any("seed 7" in line["message"] for line in status["logs"])
    without = client.get(f"/queue/fal-ai/pika/requests/{rid}/status", params={"logs": "0"}, headers=auth).json()
    assert without["logs"] is None

    result = client.get(f"/queue/fal-ai/pika/requests/{rid}", headers=auth)
    assert result.status_code == 200 and result.headers["x-fal-request-id"] == rid
    out = result.json()
    assert out["seed"] == 7
    video = out["video"]
    assert video["content_type"] == "video/mp4" and video["file_name"].endswith(".mp4")
    assert (video["width"], video["height"], video["fps"], video["num_frames"]) == (1280, 720, 24, 24)
    assert video["duration"] == pytest.approx(1.0)
    download = client.get(video["url"])  # signed: no key needed
    assert download.status_code == 200 and len(download.content) == video["file_size"]
    assert download.content[4:8] == b"ftyp"


def test_result_before_completion_is_400(client: TestClient, auth: dict[str, str]) -> None:
    rid = submit(client, auth)["request_id"]
    r = client.get(f"/queue/fal-ai/pika/requests/{rid}", headers=auth)
    assert (r.status_code, r.json()) == (400, {"detail": "Request is still in progress"})


def test_cancel_queued_then_already_completed(client: TestClient, auth: dict[str, str], worker: Worker) -> None:
    rid = submit(client, auth)["request_id"]
    behind = submit(client, auth)["request_id"]
    r = client.put(f"/queue/fal-ai/pika/requests/{rid}/cancel", headers=auth)
    assert (r.status_code, r.json()) == (202, {"status": "CANCELLATION_REQUESTED"})
    status = client.get(f"/queue/fal-ai/pika/requests/{rid}/status", headers=auth).json()
    assert (status["status"], status["error_type"]) == ("COMPLETED", "client_cancelled")
    assert client.get(f"/queue/fal-ai/pika/requests/{behind}/status", headers=auth).json()["queue_position"] == 0
    result = client.get(f"/queue/fal-ai/pika/requests/{rid}", headers=auth)
    assert result.status_code == 499 and result.headers["x-fal-error-type"] == "client_cancelled"
    again = client.put(f"/queue/fal-ai/pika/requests/{rid}/cancel", headers=auth)
    assert (again.status_code, again.json()) == (400, {"status": "ALREADY_COMPLETED"})
    assert worker.run_once()  # the cancelled one is skipped: the worker takes the next
    assert client.get(f"/queue/fal-ai/pika/requests/{behind}/status", headers=auth).json()["status"] == "COMPLETED"


def test_cancel_unknown_is_404(client: TestClient, auth: dict[str, str]) -> None:
    r = client.put("/queue/fal-ai/pika/requests/nope/cancel", headers=auth)
    assert r.status_code == 404 and r.json()["status"] == "NOT_FOUND"


def test_pipeline_failure_completes_with_error_and_worker_carries_on(
    client: TestClient, auth: dict[str, str], worker: Worker
) -> None:
    bad = submit(client, auth, endpoint=CRASH_ENDPOINT)["request_id"]
    good = submit(client, auth)["request_id"]
    assert worker.run_once() and worker.run_once()
    status = client.get(f"/queue/fal-ai/pika/requests/{bad}/status", headers=auth).json()
    assert (status["status"], status["error_type"]) == ("COMPLETED", "runner_server_error")
    assert "the model exploded" in status["error"]
    result = client.get(f"/queue/fal-ai/pika/requests/{bad}", headers=auth)
    assert result.status_code == 500 and result.headers["x-fal-error-type"] == "runner_server_error"
    assert result.json()["error_type"] == "runner_server_error"
    assert client.get(f"/queue/fal-ai/pika/requests/{good}", headers=auth).status_code == 200


def test_out_of_memory_fails_that_request_only(client: TestClient, auth: dict[str, str], worker: Worker) -> None:
    rid = submit(client, auth, endpoint=OOM_ENDPOINT)["request_id"]
    assert worker.run_once()
    result = client.get(f"/queue/fal-ai/pika/requests/{rid}", headers=auth)
    assert result.status_code == 503
    assert result.json()["error_type"] == "out_of_memory" and result.headers["x-fal-retryable"] == "true"
    assert worker.pipelines.pipeline is None  # unloaded to free memory
    assert worker.run_once() is False  # healthy, queue empty


def test_low_priority_header_goes_behind(client: TestClient, auth: dict[str, str]) -> None:
    low = submit(client, auth, **{"X-Fal-Queue-Priority": "low"})["request_id"]
    normal = submit(client, auth, **{"X-Fal-Queue-Priority": "normal"})["request_id"]
    pos = {rid: client.get(f"/queue/fal-ai/pika/requests/{rid}/status", headers=auth).json()["queue_position"]
           for rid in (low, normal)}
    assert pos == {normal: 0, low: 1}


def test_start_timeout_expires_with_user_timeout(client: TestClient, auth: dict[str, str],
                                                  services: Services) -> None:
    rid = submit(client, auth, **{"X-Fal-Request-Timeout": "2"})["request_id"]
    services.store.expire_start_deadlines(now=time.time() + 3)
    result = client.get(f"/queue/fal-ai/pika/requests/{rid}", headers=auth)
    assert result.status_code == 504
    assert result.headers["x-fal-request-timeout-type"] == "user"
    assert result.json()["error_type"] == "request_timeout"


@pytest.mark.parametrize("value", ["abc", "0.5", "1"])
def test_bad_start_timeout_is_400(client: TestClient, auth: dict[str, str], value: str) -> None:
    r = client.post(f"/queue/{T2V}", json={"prompt": "x"}, headers={**auth, "X-Fal-Request-Timeout": value})
    assert r.status_code == 400 and "X-Fal-Request-Timeout" in r.json()["detail"]


def test_lifecycle_preference_sets_output_expiry(client: TestClient, auth: dict[str, str], worker: Worker,
                                                 services: Services) -> None:
    pref = json.dumps({"expiration_duration_seconds": 120})
    rid = submit(client, auth, **{"X-Fal-Object-Lifecycle-Preference": pref})["request_id"]
    worker.run_once()
    url = client.get(f"/queue/fal-ai/pika/requests/{rid}", headers=auth).json()["video"]["url"]
    file_id = url.split("/files/")[1].split(".")[0]
    record = services.store.get_file(file_id)
    assert record is not None and record.expires_at is not None
    assert record.expires_at - record.created_at == pytest.approx(120, abs=1)


def test_runner_hint_is_accepted(client: TestClient, auth: dict[str, str], services: Services) -> None:
    rid = submit(client, auth, **{"X-Fal-Runner-Hint": "gpu-a"})["request_id"]
    assert services.store.get(rid).hint == "gpu-a"  # type: ignore[union-attr]


def test_unknown_endpoint_is_404(client: TestClient, auth: dict[str, str]) -> None:
    r = client.post("/queue/fal-ai/flux/dev", json={"prompt": "x"}, headers=auth)
    assert r.status_code == 404 and "not found" in r.json()["detail"]


def test_every_response_carries_a_request_id(client: TestClient, auth: dict[str, str]) -> None:
    for r in (client.get("/health"), client.get("/nope"), client.get("/queue/fal-ai/pika/requests/x/status")):
        assert r.headers.get("x-fal-request-id")
