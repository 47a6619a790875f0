"""From an exact request to what a model can make, and back to the exact request.

A model generates at a *legal* size and frame count near what was asked: the nearest size of the
request's aspect ratio at the model's working resolution (a multiple of its VAE x patch size), and
enough frames at its native fps to cover the requested duration (``k * step + 1``). The result is
then resampled to exactly ``spec.width x spec.height`` and ``spec.num_frames`` frames at
``spec.fps``: spatially by an antialiased bicubic resize that covers the output and centre-crops the
rest (so aspect ratios are never distorted), temporally by nearest frame or linear blend.

When a request is longer than the model can make in one pass (``max_frames``), the generated frames
are spread over the whole duration: motion is slowed rather than the clip cut short.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from framecast.engine.diffusers.family import Constraints
from framecast.engine.types import Frames, GenerationSpec
from framecast.errors import ConfigurationError

if TYPE_CHECKING:
    import torch
    from PIL import Image

__all__ = [
    "Plan",
    "legal_frames",
    "nearest_size",
    "plan",
    "resample",
    "resize_cover",
    "resolution_area",
    "source_indices",
]

Temporal = Literal["nearest", "linear"]
_WXH = re.compile(r"^(\d+)x(\d+)$")
# How much a size may exceed the working area when that buys a closer aspect ratio.
_AREA_SLACK = 1.02
# Weight of the area error against the aspect-ratio error when choosing a size.
_AREA_WEIGHT = 0.5
# Frames resized per chunk: bounds the float memory of resampling a long 1080p clip.
_CHUNK = 8


@dataclass(frozen=True)
class Plan:
    """What to ask the model for. ``gen_fps`` is the rate at which the generated frames are played."""

    gen_width: int
    gen_height: int
    gen_frames: int
    gen_fps: float
    stretched: bool = False  # True when max_frames forced slower motion to keep the duration


def resolution_area(resolution: str, constraints: Constraints) -> int:
    """Pixel area of a resolution class ("480p", "720p") or of an explicit "WxH"."""
    if resolution in constraints.areas:
        return constraints.areas[resolution]
    match = _WXH.match(resolution)
    if match:
        return int(match.group(1)) * int(match.group(2))
    known = ", ".join(sorted(constraints.areas))
    raise ConfigurationError(f"resolution {resolution!r} is not one of {known} nor WIDTHxHEIGHT")


def nearest_size(aspect: float, area: int, multiple: int) -> tuple[int, int]:
    """The legal (width, height) closest to ``aspect`` at about ``area`` pixels."""
    best: tuple[float, int, int] | None = None
    ideal_h = math.sqrt(area / aspect)
    for k in range(1, max(2, int(2 * ideal_h / multiple) + 2)):
        h = k * multiple
        for w in {max(multiple, math.floor(aspect * h / multiple) * multiple),
                  max(multiple, math.ceil(aspect * h / multiple) * multiple)}:
            if w * h > area * _AREA_SLACK and best is not None:
                continue
            score = abs(math.log((w / h) / aspect)) + _AREA_WEIGHT * abs(math.log(w * h / area))
            if best is None or score < best[0]:
                best = (score, w, h)
    assert best is not None
    return best[1], best[2]


def legal_frames(needed: int, step: int, max_frames: int) -> int:
    """The smallest ``k * step + 1 >= needed``, but no more than the largest legal count <= max."""
    k = max(0, math.ceil((needed - 1) / step))
    cap = max(0, (max_frames - 1) // step)
    return min(k, cap) * step + 1


def plan(
    spec: GenerationSpec,
    constraints: Constraints,
    resolution: str | None = None,
    fps: int | None = None,
    max_frames: int | None = None,
) -> Plan:
    if constraints.fixed_size is not None:
        width, height = constraints.fixed_size
    else:
        area = resolution_area(resolution or constraints.default_resolution, constraints)
        width, height = nearest_size(spec.width / spec.height, area, constraints.size_multiple)
    native_fps = fps or constraints.fps
    duration = spec.num_frames / spec.fps
    needed = max(1, math.ceil(duration * native_fps - 1e-9))
    frames = legal_frames(needed, constraints.frame_step, max_frames or constraints.max_frames)
    if frames >= needed:
        return Plan(width, height, frames, float(native_fps))
    return Plan(width, height, frames, frames / duration, stretched=True)


def source_indices(out_frames: int, out_fps: float, src_frames: int, src_fps: float) -> np.ndarray:
    """Fractional source position of each output frame, both sampled from t = 0."""
    t = np.arange(out_frames, dtype=np.float64) / out_fps
    return np.clip(t * src_fps, 0.0, src_frames - 1)


def _cover_box(src_w: int, src_h: int, out_w: int, out_h: int) -> tuple[int, int, int, int]:
    """Scaled size covering the output, and the crop offsets that centre it."""
    scale = max(out_w / src_w, out_h / src_h)
    sw, sh = max(out_w, round(src_w * scale)), max(out_h, round(src_h * scale))
    return sw, sh, (sw - out_w) // 2, (sh - out_h) // 2


def resize_cover(image: Image.Image, width: int, height: int) -> Image.Image:
    """Resize an image (Lanczos) to cover ``width x height`` and centre-crop the overflow."""
    from PIL import Image as PILImage

    sw, sh, left, top = _cover_box(image.width, image.height, width, height)
    resized = image.resize((sw, sh), PILImage.Resampling.LANCZOS)
    return resized.crop((left, top, left + width, top + height))


def _resize_chunk(chunk: torch.Tensor, width: int, height: int) -> torch.Tensor:
    import torch.nn.functional as F

    _, _, h, w = chunk.shape
    if (w, h) == (width, height):
        return chunk
    sw, sh, left, top = _cover_box(w, h, width, height)
    scaled = F.interpolate(chunk, size=(sh, sw), mode="bicubic", antialias=True, align_corners=False)
    return scaled[:, :, top : top + height, left : left + width]


def resample(
    frames: torch.Tensor,
    gen_fps: float,
    out_fps: float,
    out_frames: int,
    out_width: int,
    out_height: int,
    temporal: Temporal = "nearest",
) -> Iterator[Frames]:
    """Exactly ``out_frames`` frames of ``out_width x out_height``, uint8 RGB, in chunks.

    ``frames`` is the pipeline's ``output_type="pt"`` video: (F, C, H, W) floats in [0, 1].
    """
    import torch

    positions = source_indices(out_frames, out_fps, frames.shape[0], gen_fps)
    for start in range(0, out_frames, _CHUNK):
        pos = positions[start : start + _CHUNK]
        lo = np.floor(pos).astype(np.int64)
        if temporal == "nearest":
            chunk = frames[torch.from_numpy(np.rint(pos).astype(np.int64))].float()
        else:
            hi = np.minimum(lo + 1, frames.shape[0] - 1)
            weight = torch.from_numpy(pos - lo).float().view(-1, 1, 1, 1)
            a = frames[torch.from_numpy(lo)].float()
            b = frames[torch.from_numpy(hi)].float()
            chunk = a * (1 - weight) + b * weight
        chunk = _resize_chunk(chunk, out_width, out_height)
        pixels = (chunk.clamp(0, 1) * 255).round().to(torch.uint8)
        yield pixels.permute(0, 2, 3, 1).contiguous().cpu().numpy()
