"""Every endpoint, through the real worker (store, inputs, pipeline, MP4, storage), on tiny diffusers models."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

from PIL import Image

from framecast.catalog.endpoints import ENDPOINTS, Task
from framecast.config import Settings
from framecast.media import probe_mp4
from framecast.services import Services
from framecast.store import NewRequest
from framecast.worker.runner import Worker
from tests.media.samples import video_bytes


def _uri(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def _body(task: Task) -> dict[str, Any]:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(buf, "PNG")
    png, mp4 = _uri("image/png", buf.getvalue()), _uri("video/mp4", video_bytes(64, 48, 8, 8))
    return {
        Task.TEXT_TO_VIDEO: {"prompt": "a red ball", "duration": 1, "aspect_ratio": "9:16"},
        Task.IMAGE_TO_VIDEO: {"prompt": "it rolls", "duration": 1, "image_url": png},
        Task.SCENES: {"prompt": "in a field", "duration": 1, "images": [{"image_url": png}, {"image_url": png}]},
        Task.EFFECTS: {"pikaffect": "Squish", "prompt": "squish it", "image_url": png},
        Task.ADDITIONS: {"prompt": "add it", "video_url": mp4, "image_url": png},
        Task.SWAPS: {"prompt": "a blue cube", "modify_region": "the bar", "video_url": mp4},
    }[task]


def test_every_endpoint_runs_through_the_worker(tiny_models_file: Path, tmp_path: Path) -> None:
    services = Services.open(Settings(home=tmp_path, models_file=tiny_models_file, x264_preset="ultrafast"))
    try:
        ids = {e: services.store.submit(NewRequest(e.id, "k", _body(e.task), base_url="http://h")).id
               for e in ENDPOINTS}
        worker = Worker(services)
        while worker.run_once():
            pass
        for endpoint, rid in ids.items():
            rec = services.store.get(rid)
            assert rec is not None and rec.failure is None and rec.result is not None, (endpoint.id, rec)
            video = rec.result["video"]
            record = services.store.get_file(video["url"].split("/files/")[1].split(".")[0])
            assert record is not None
            local = tmp_path / f"{rid}.mp4"
            local.write_bytes(services.files.read(record.key))
            probe = probe_mp4(local)
            assert (probe.width, probe.height, probe.num_frames) == (video["width"], video["height"],
                                                                     video["num_frames"])
            assert probe.codec == "h264" and probe.fps == 24
            if endpoint.task is Task.TEXT_TO_VIDEO:
                assert (video["width"], video["height"], video["num_frames"]) == (720, 1280, 24)
            elif endpoint.task is Task.EFFECTS:
                assert video["num_frames"] == 5 * 24
            elif endpoint.task in (Task.ADDITIONS, Task.SWAPS):
                assert (video["width"], video["height"], video["num_frames"]) == (960, 720, 24)  # 1 s source
            logs = [e.message for e in services.store.logs(rid)]
            assert any("denoising" in m for m in logs)
        assert worker.pipelines.ref is not None and worker.pipelines.ref.startswith("diffusers:")
    finally:
        services.close()
