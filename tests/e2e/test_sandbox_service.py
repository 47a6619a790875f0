"""The embedded default, end to end: a real server on the sandbox model, driven by fal's own client.

What a new user gets from `framecast serve` with no configuration: every kind of endpoint answering
with a real MP4 of the size and length the request asked for, from uploaded PNG and MP4 inputs.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fal_client
import fal_client.client as fal_module
import httpx
import numpy as np
import pytest

from framecast.engine.types import Clip
from framecast.media.encode import encode_mp4
from framecast.media.probe import probe_mp4
from tests.e2e.conftest import png_bytes
from tests.support.server import RunningServer, launch


@pytest.fixture(scope="module")
def sandbox_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    s = launch(tmp_path_factory.mktemp("sandbox"), pipeline="sandbox", workers=1)
    yield s
    s.stop()


@pytest.fixture
def fal(sandbox_server: RunningServer, monkeypatch: pytest.MonkeyPatch) -> fal_client.SyncClient:
    for name, suffix in (("RUN_URL_FORMAT", "/"), ("QUEUE_URL_FORMAT", "/queue/"), ("REST_URL", "/rest"),
                         ("CDN_URL", "/cdn")):
        monkeypatch.setattr(fal_module, name, sandbox_server.url + suffix)
    return fal_client.SyncClient(key=sandbox_server.key)


def _download(result: dict[str, Any], tmp_path: Path) -> Path:
    video = result["video"]
    response = httpx.get(video["url"])
    assert response.status_code == 200 and len(response.content) == video["file_size"]
    path = tmp_path / video["file_name"]
    path.write_bytes(response.content)
    return path


def test_text_to_video_on_the_default_model(fal: fal_client.SyncClient, tmp_path: Path) -> None:
    result = fal.subscribe("fal-ai/pika/v2.2/text-to-video", with_logs=True, arguments={
        "prompt": "a red ball bouncing in the desert at dusk", "aspect_ratio": "9:16", "resolution": "720p",
        "duration": 2, "seed": 5})
    info = probe_mp4(_download(result, tmp_path))
    assert (info.width, info.height, info.num_frames) == (720, 1280, 48)
    assert info.duration == pytest.approx(2.0, abs=1e-3)
    assert result["seed"] == 5 and result["video"]["num_frames"] == 48


def test_pikaffects_from_an_uploaded_png(fal: fal_client.SyncClient, tmp_path: Path) -> None:
    image = tmp_path / "ball.png"
    image.write_bytes(png_bytes(size=(320, 240)))
    url = fal.upload_file(image)
    result = fal.subscribe("fal-ai/pika/v1.5/pikaffects",
                           arguments={"image_url": url, "pikaffect": "Inflate", "seed": 1})
    info = probe_mp4(_download(result, tmp_path))
    assert info.width / info.height == pytest.approx(320 / 240, abs=0.01)
    assert info.num_frames == 120  # Pikaffects last 5 s


def test_pikaswaps_on_an_uploaded_mp4(fal: fal_client.SyncClient, tmp_path: Path) -> None:
    frames = np.full((24, 180, 320, 3), 90, np.uint8)
    for i in range(24):
        frames[i, 60:120, 40 + 4 * i : 100 + 4 * i] = (30, 60, 220)  # a blue block moving right
    source = tmp_path / "source.mp4"
    encode_mp4(Clip(320, 180, 24, 24, iter(frames)), source)
    url = fal.upload_file(source)
    result = fal.subscribe("fal-ai/pika/v2/pikaswaps", arguments={
        "video_url": url, "prompt": "a yellow star", "modify_region": "the blue block", "seed": 2})
    info = probe_mp4(_download(result, tmp_path))
    assert info.width / info.height == pytest.approx(16 / 9, abs=0.01)
    assert info.duration == pytest.approx(1.0, abs=0.05)
