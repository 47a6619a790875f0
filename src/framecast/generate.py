"""One video, in this process, without a server: what `framecast generate` runs by default."""

from __future__ import annotations

import base64
import mimetypes
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from framecast.catalog.endpoints import Endpoint
from framecast.config import Settings
from framecast.engine.base import RunControl
from framecast.engine.registry import load_pipeline, pipeline_ref
from framecast.engine.spec import build_spec
from framecast.errors import InputError
from framecast.media import Fetcher, VideoInfo, encode_mp4
from framecast.validation import validate_input
from framecast.worker.inputs import resolve_inputs


def as_url(value: str) -> str:
    """A local path becomes a data: URI; URLs and data URIs pass through."""
    if value.startswith(("http://", "https://", "data:")):
        return value
    path = Path(value).expanduser()
    if not path.is_file():
        raise InputError.at(("body",), f"no such file: {value}", "file_download_error")
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode()}"


@dataclass(frozen=True)
class LocalResult:
    info: VideoInfo
    seed: int
    seconds: float


def generate_local(
    settings: Settings, endpoint: Endpoint, data: dict[str, Any], out: Path, control: RunControl
) -> LocalResult:
    started = time.monotonic()
    inp = validate_input(endpoint, data, settings)
    local = settings.model_copy(update={"allow_loopback_urls": True, "allow_private_urls": True})
    images, video = resolve_inputs(inp, Fetcher.from_settings(local), settings.max_input_video_seconds)
    spec = build_spec(endpoint, inp, images, video, fps=settings.output_fps)
    pipeline = load_pipeline(pipeline_ref(endpoint.id, settings), settings)
    try:
        clip = pipeline.generate(spec, control)
        out.parent.mkdir(parents=True, exist_ok=True)
        info = encode_mp4(clip, out, preset=settings.x264_preset, crf=settings.x264_crf)
    finally:
        pipeline.close()
    return LocalResult(info, spec.seed, time.monotonic() - started)
