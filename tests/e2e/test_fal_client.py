"""PyPI's fal-client, unmodified, against a real framecast server (both recipes of the protocol reference)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fal_client
import fal_client.client as fal_module
import httpx
import pytest

from framecast.webhooks.signing import verify
from tests.e2e.conftest import Receiver
from tests.support.server import ROOT, RunningServer, launch

T2V = "fal-ai/pika/v2.1/text-to-video"
I2V = "fal-ai/pika/v2.2/image-to-video"


@pytest.fixture
def fal(server: RunningServer, monkeypatch: pytest.MonkeyPatch) -> fal_client.SyncClient:
    """Recipe P1: patch the module's hosts to our plain-http server."""
    monkeypatch.setattr(fal_module, "RUN_URL_FORMAT", server.url + "/")
    monkeypatch.setattr(fal_module, "QUEUE_URL_FORMAT", server.url + "/queue/")
    monkeypatch.setattr(fal_module, "REST_URL", server.url + "/rest")
    monkeypatch.setattr(fal_module, "CDN_URL", server.url + "/cdn")
    return fal_client.SyncClient(key=server.key)


def _wait_status(fal: fal_client.SyncClient, handle: Any, kind: type, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not isinstance(handle.status(), kind):
        assert time.monotonic() < deadline, f"never reached {kind.__name__}"
        time.sleep(0.05)


def test_subscribe_with_logs_and_queue_updates(fal: fal_client.SyncClient) -> None:
    updates: list[Any] = []
    result = fal.subscribe(T2V, arguments={"prompt": "a red ball", "duration": 1, "seed": 11}, with_logs=True,
                           on_queue_update=updates.append)
    assert result["seed"] == 11
    assert result["video"]["content_type"] == "video/mp4" and result["video"]["num_frames"] == 24
    kinds = {type(u).__name__ for u in updates}
    assert "InProgress" in kinds
    logged = [log["message"] for u in updates if isinstance(u, fal_client.InProgress) for log in (u.logs or [])]
    assert any("seed 11" in m for m in logged)
    video = httpx.get(result["video"]["url"])  # what a user does next: download it, no key
    assert video.status_code == 200 and len(video.content) == result["video"]["file_size"]


def test_submit_status_result_and_module_level_calls(fal: fal_client.SyncClient) -> None:
    handle = fal.submit(T2V, arguments={"prompt": "a cube", "duration": 1})
    assert isinstance(handle.status(), fal_client.Queued | fal_client.InProgress | fal_client.Completed)
    result = handle.get()
    assert "video" in result
    completed = fal.status(T2V, handle.request_id, with_logs=True)
    assert isinstance(completed, fal_client.Completed) and completed.metrics["inference_time"] > 0
    assert fal.result(T2V, handle.request_id) == result


def test_cancel_queued_and_running(fal: fal_client.SyncClient, server: RunningServer) -> None:
    slow = fal.submit(T2V, arguments={"prompt": "first", "duration": 10})
    queued = fal.submit(T2V, arguments={"prompt": "second"}, priority="low")
    _wait_status(fal, slow, fal_client.InProgress)
    queued.cancel()
    status = queued.status()
    assert isinstance(status, fal_client.Completed) and status.error_type == "client_cancelled"
    with pytest.raises(fal_client.client.FalClientHTTPError) as err:
        queued.get()
    assert err.value.status_code == 499
    fal.cancel(T2V, slow.request_id)  # the running one, by the module-style call
    deadline = time.monotonic() + 20
    while not isinstance(final := slow.status(), fal_client.Completed):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert final.error_type in ("client_cancelled", None)
    with pytest.raises(fal_client.client.FalClientHTTPError) as again:
        slow.cancel()
    assert again.value.status_code == 400


def test_upload_then_use_as_image_url(fal: fal_client.SyncClient, png_file: Path) -> None:
    url = fal.upload_file(png_file)
    assert url.startswith("http://127.0.0.1:")
    assert httpx.get(url).content == png_file.read_bytes()
    result = fal.subscribe(I2V, arguments={"image_url": url, "prompt": "it rolls away", "duration": 1})
    # the output keeps the image's aspect ratio (96x64 = 3:2) at 720p
    assert (result["video"]["width"], result["video"]["height"]) == (1080, 720)


def test_validation_error_surfaces_as_fal_client_error(fal: fal_client.SyncClient) -> None:
    with pytest.raises(fal_client.client.FalClientHTTPError) as err:
        fal.submit(T2V, arguments={"prompt": "x", "duration": 99})
    assert err.value.status_code == 422
    assert err.value.message[0]["loc"] == ["body", "duration"]


def test_sync_run(fal: fal_client.SyncClient) -> None:
    result = fal.run(T2V, arguments={"prompt": "a star", "duration": 1, "seed": 5})
    assert result["seed"] == 5 and result["video"]["duration"] == pytest.approx(1.0)


def test_webhook_received_and_verified_against_jwks(fal: fal_client.SyncClient, server: RunningServer,
                                                    receiver: Receiver) -> None:
    handle = fal.submit(T2V, arguments={"prompt": "a ball", "duration": 1}, webhook_url=receiver.url)
    result = handle.get()
    assert receiver.received.wait(20)
    headers, body = receiver.deliveries[0]
    payload = json.loads(body)
    assert (payload["request_id"], payload["status"], payload["payload"]) == (handle.request_id, "OK", result)
    jwks = httpx.get(f"{server.url}/rest/.well-known/jwks.json").json()
    assert verify(jwks, headers, body)
    assert not verify(jwks, headers, body + b" ")  # any change to the body breaks it


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    s = launch(tmp_path_factory.mktemp("tls"), workers=1, tls=True)
    yield s
    s.stop()


SCRIPT = """
import json, sys, fal_client, httpx
from pathlib import Path
updates = []
png = Path(sys.argv[1])
url = fal_client.upload_file(png) if sys.argv[2] == "upload" else None
out = fal_client.subscribe("fal-ai/pika/v2.1/text-to-video", arguments={"prompt": "a ball", "duration": 1},
                           with_logs=True, on_queue_update=updates.append)
handle = fal_client.submit("fal-ai/pika/v2.1/text-to-video", arguments={"prompt": "b", "duration": 1})
print(json.dumps({"out": out, "updates": [type(u).__name__ for u in updates], "second": handle.get(), "url": url}))
"""


def test_tls_recipe_with_environment_only(tls_server: RunningServer, png_file: Path) -> None:
    """Recipe P2: no code changes, only FAL_RUN_HOST / FAL_QUEUE_RUN_HOST / SSL_CERT_FILE."""
    host = f"127.0.0.1:{tls_server.port}"
    env = {**os.environ, "FAL_KEY": tls_server.key, "FAL_RUN_HOST": host, "FAL_QUEUE_RUN_HOST": f"{host}/queue",
           "SSL_CERT_FILE": str(tls_server.home / "tls" / "cert.pem"), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(png_file), "no-upload"], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["out"]["video"]["url"].startswith(f"https://{host}/files/")
    assert "Completed" in report["updates"] or "InProgress" in report["updates"]
    assert report["second"]["video"]["num_frames"] == 24
