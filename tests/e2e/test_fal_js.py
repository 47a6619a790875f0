"""npm's @fal-ai/client, unmodified: the requestMiddleware recipe and `proxyUrl: {when: "always"}`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from framecast.webhooks.signing import verify
from tests.e2e.conftest import Receiver
from tests.support.server import RunningServer

JS = Path(__file__).parent / "js"

pytestmark = [
    pytest.mark.node,
    pytest.mark.skipif(shutil.which("node") is None or not (JS / "node_modules" / "@fal-ai" / "client").exists(),
                       reason="needs node and `npm ci` in tests/e2e/js (make js-deps)"),
]


@pytest.mark.parametrize("mode", ["middleware", "proxy"])
def test_official_js_client(server: RunningServer, receiver: Receiver, png_file: Path, mode: str) -> None:
    env = {**os.environ, "FRAMECAST_URL": server.url, "FRAMECAST_KEY": server.key}
    done = subprocess.run(["node", "flows.mjs", mode, str(png_file), receiver.url], cwd=JS, env=env,
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr + done.stdout
    report = json.loads(done.stdout.strip().splitlines()[-1])

    for queue_mode in ("polling", "streaming"):
        sub = report[queue_mode]
        assert sub["data"]["seed"] == 21 and sub["data"]["video"]["num_frames"] == 24
        assert sub["requestId"]
        statuses = [u["status"] for u in sub["updates"]]
        assert "IN_PROGRESS" in statuses or "IN_QUEUE" in statuses
        assert any(u["logs"] > 0 for u in sub["updates"])
    assert any(u["progress"] for u in report["streaming"]["updates"] + report["polling"]["updates"])

    queue = report["queue"]
    assert queue["status"]["status"] == "COMPLETED" and queue["status"]["logs"]
    assert "video" in queue["data"] and queue["requestId"]

    cancel = report["cancel"]
    assert cancel["cancelled"]["status"] == "COMPLETED" and cancel["cancelled"]["error_type"] == "client_cancelled"
    assert cancel["cancelError"]["status"] == 499

    upload = report["upload"]
    assert upload["imageUrl"].startswith(server.url + "/files/")
    assert httpx.get(upload["imageUrl"]).content == png_file.read_bytes()
    assert upload["data"]["video"]["height"] == 720

    assert report["validation"]["status"] == 422
    assert report["validation"]["fieldErrors"][0]["loc"] == ["body", "aspect_ratio"]

    assert receiver.received.wait(30)
    jwks = httpx.get(f"{server.url}/rest/.well-known/jwks.json").json()
    headers, body = next((h, b) for h, b in receiver.deliveries
                         if json.loads(b)["request_id"] == report["webhook"]["requestId"])
    assert verify(jwks, headers, body)
