"""From a validated endpoint input (plus its decoded files) to an exact GenerationSpec.

The size rule: the short side is the resolution (720 or 1080), the long side follows the aspect
ratio, both rounded to even numbers (H.264 with yuv420p needs even sizes). Endpoints without an
aspect ratio take it from their input image or video.
"""

from __future__ import annotations

import secrets
from fractions import Fraction

from pydantic import BaseModel

from framecast.catalog.endpoints import Endpoint
from framecast.catalog.schema import (
    MAX_DURATION,
    MIN_DURATION,
    AspectRatio,
    Resolution,
)
from framecast.engine.types import GenerationSpec, InputImage, InputVideo

DEFAULT_FPS = 24
EFFECT_DURATION = 5  # Pikaffects has no duration field; Pika's effects run about five seconds
SHORT_SIDE = {Resolution.P720: 720, Resolution.P1080: 1080}


def _even(x: Fraction | float) -> int:
    return max(2, round(x / 2) * 2)


def size_for_ratio(ratio: Fraction, resolution: Resolution) -> tuple[int, int]:
    """(width, height) with the short side at the resolution and the long side scaled."""
    short = SHORT_SIDE[resolution]
    if ratio >= 1:
        return _even(short * ratio), short
    return short, _even(short / ratio)


def output_size(aspect_ratio: AspectRatio, resolution: Resolution) -> tuple[int, int]:
    w, h = (int(p) for p in aspect_ratio.value.split(":"))
    return size_for_ratio(Fraction(w, h), resolution)


def new_seed() -> int:
    return secrets.randbits(32)


def build_spec(
    endpoint: Endpoint,
    inp: BaseModel,
    images: tuple[InputImage, ...] = (),
    video: InputVideo | None = None,
    fps: int = DEFAULT_FPS,
) -> GenerationSpec:
    data = inp.model_dump()
    resolution = Resolution(data.get("resolution") or Resolution.P720)
    if "aspect_ratio" in data:
        width, height = output_size(AspectRatio(data["aspect_ratio"]), resolution)
    elif video is not None:
        width, height = size_for_ratio(Fraction(video.width, video.height), resolution)
    elif images:
        width, height = size_for_ratio(Fraction(images[0].width, images[0].height), resolution)
    else:
        width, height = output_size(AspectRatio.R16_9, resolution)

    if "duration" in data:
        num_frames = int(data["duration"]) * fps
    elif video is not None:
        # An edit lasts as long as its source, within the range every endpoint allows.
        seconds = min(max(video.duration, MIN_DURATION), MAX_DURATION)
        num_frames = max(1, round(seconds * fps))
    else:
        num_frames = EFFECT_DURATION * fps

    seed = data.get("seed")
    return GenerationSpec(
        endpoint_id=endpoint.id,
        task=endpoint.task,
        prompt=(data.get("prompt") or "").strip(),
        negative_prompt=(data.get("negative_prompt") or "").strip(),
        seed=new_seed() if seed is None else int(seed),
        width=width,
        height=height,
        fps=fps,
        num_frames=num_frames,
        images=images,
        video=video,
        pikaffect=getattr(inp, "pikaffect", None),
        ingredients_mode=getattr(inp, "ingredients_mode", None),
        modify_region=getattr(inp, "modify_region", None),
    )
