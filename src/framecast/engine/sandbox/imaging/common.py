"""What the image tasks share: inputs brought to the output size, poses from the scene's motion,
relighting, shadows, and the lazy frame stream with progress and cancel checks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Protocol

import numpy as np
from PIL import Image

from framecast.engine.base import RunControl
from framecast.engine.sandbox.imaging.raster import (
    F32,
    U8,
    cover_fit,
    ellipse_alpha,
    rotate,
    scale_sprite,
    to_float,
)
from framecast.engine.sandbox.imaging.segment import Cutout, cut_out
from framecast.engine.sandbox.motion import CameraView, Placement, Pose, track
from framecast.engine.sandbox.scene import RGBA, Colour, Column, Kind, Layer, Scene, Subject
from framecast.engine.types import Clip, Frames, GenerationSpec, InputImage, InputVideo


class SceneRendererLike(Protocol):
    """The part of the scene renderer the image tasks use (``sandbox.render.SceneRenderer``)."""

    def background(self, i: int) -> F32: ...

    def subject_layers(self, i: int) -> list[Layer]: ...

    def view(self, i: int) -> CameraView: ...

    def frames(self, extra_layers: Callable[[int], list[Layer]] | None = None) -> Iterator[U8]: ...


RendererFactory = Callable[[Scene, int, int, int, int, int], SceneRendererLike]
"""(scene, width, height, fps, num_frames, seed) -> renderer"""

BATCH = 8  # frames per yielded chunk: progress and cancel are checked once per chunk


def seeded(seed: int, *salt: int) -> np.random.Generator:
    return np.random.default_rng([seed & 0xFFFFFFFF, *salt])


def lazy_clip(
    spec: GenerationSpec,
    render: Callable[[int], U8],
    control: RunControl,
    stage: str,
    metadata: dict[str, object] | None = None,
) -> Clip:
    """A Clip whose frames are rendered as the encoder asks for them, in batches."""
    n = spec.num_frames

    def frames() -> Iterator[Frames]:
        for start in range(0, n, BATCH):
            control.step(start, n, stage)
            stop = min(start + BATCH, n)
            yield np.stack([render(i) for i in range(start, stop)])
        control.step(n, n, stage)

    return Clip(spec.width, spec.height, spec.fps, n, frames(), dict(metadata or {}))


def fit_image(image: InputImage, width: int, height: int) -> tuple[U8, U8 | None]:
    """The image cover-fitted to the output size, with its alpha fitted the same way."""
    pixels = cover_fit(image.pixels, width, height)
    alpha = None
    if image.alpha is not None:
        alpha = cover_fit(np.repeat(image.alpha[..., None], 3, -1), width, height)[..., 0]
    return pixels, alpha


def cut_image(image: InputImage, long_side: int) -> Cutout:
    """The image's subject, cut from the image scaled so its long side is at most ``long_side``."""
    h, w = image.height, image.width
    scale = min(1.0, long_side / max(h, w))
    if scale >= 1.0:
        return cut_out(image.pixels, image.alpha)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    pixels = np.asarray(Image.fromarray(image.pixels).resize(size, Image.Resampling.BILINEAR))
    alpha = None
    if image.alpha is not None:
        alpha = np.asarray(Image.fromarray(image.alpha).resize(size, Image.Resampling.BILINEAR))
    return cut_out(pixels, alpha)


class VideoSource:
    """The input video as the output sees it: resampled in time to the output frame rate and
    cover-fitted to the output size, one frame at a time, with a small copy for analysis."""

    def __init__(self, video: InputVideo, spec: GenerationSpec, small_side: int = 160) -> None:
        self.video = video
        self.width, self.height = spec.width, spec.height
        t = np.arange(spec.num_frames) / spec.fps
        self.index = np.minimum(np.round(t * video.fps).astype(np.int64), video.num_frames - 1)
        scale = small_side / max(spec.width, spec.height)
        self.small_size = (max(8, round(spec.width * scale)), max(8, round(spec.height * scale)))

    def frame(self, i: int) -> U8:
        return cover_fit(self.video.frames[int(self.index[i])], self.width, self.height)

    def small(self) -> F32:
        sw, sh = self.small_size
        cache: dict[int, F32] = {}
        out = np.empty((len(self.index), sh, sw, 3), np.float32)
        for i, j in enumerate(self.index):
            if int(j) not in cache:
                cache[int(j)] = to_float(cover_fit(self.video.frames[int(j)], sw, sh))
            out[i] = cache[int(j)]
        return out


def pose(subject: Subject, i: int, spec: GenerationSpec, placement: Placement | None = None) -> Pose:
    """A subject's pose at frame i in world pixels, from the scene's motion model."""
    return track(subject, i, spec.num_frames, spec.fps, spec.width, spec.height, placement)


def base(p: Pose) -> float:
    """Where the pose's body meets the ground (its bottom edge)."""
    return p.cy + p.height * p.squash / 2


def moved(sprite: RGBA, p0: Pose, p: Pose) -> tuple[RGBA, float, float]:
    """The sprite turned and scaled as the pose changed since ``p0``, with the (dx, d_bottom) its
    centre and bottom edge moved: offsets that keep a subject's own starting place."""
    scale = p.height / p0.height if p0.height > 0 else 1.0
    turn = p.angle_rad - p0.angle_rad
    body = rotate(sprite, turn, scale) if abs(scale - 1) > 1e-3 or abs(turn) > 1e-4 else sprite
    return body, p.cx - p0.cx, base(p) - base(p0)


_SPREAD = (Column.CENTER, Column.LEFT, Column.RIGHT, Column.FAR_LEFT, Column.FAR_RIGHT)


def lead_subject(scene: Scene, index: int = 0) -> Subject:
    """The scene's ``index``-th subject as an image subject. Images beyond the scene's subjects
    borrow a subject's motion but a column of their own; with no subjects at all, a still one on
    the ground, spread across the frame."""
    if index < len(scene.subjects):
        return replace(scene.subjects[index], kind=Kind.IMAGE, image_index=index)
    if scene.subjects:
        slot = scene.subjects[index % len(scene.subjects)]
        return replace(slot, kind=Kind.IMAGE, image_index=index, column=_SPREAD[index % len(_SPREAD)])
    return Subject(kind=Kind.IMAGE, colour=Colour.WHITE, column=_SPREAD[index % len(_SPREAD)], image_index=index)


def fit_height(sprite: RGBA, height: float, max_width: float) -> RGBA:
    """The sprite scaled to ``height`` pixels tall, or narrower if that would pass ``max_width``."""
    sh, sw = sprite.shape[:2]
    return scale_sprite(sprite, min(height / sh, max_width / sw))


def relight(sprite: RGBA, light: F32, amount: float) -> RGBA:
    """The sprite tinted toward a scene's light: ``light`` is the scene's mean colour; its cast and
    brightness are applied ``amount`` of the way."""
    mean = float(light.mean())
    cast = light / max(mean, 1e-3)
    level = float(np.clip(mean / 0.45, 0.6, 1.3))
    gain = (1.0 - amount) + amount * cast * level
    out = sprite.copy()
    out[..., :3] = np.minimum(out[..., :3] * gain.astype(np.float32), out[..., 3:4])
    return out


def shadow(width: float, cx: float, ground: float, strength: float = 0.35, z: float = -0.5) -> Layer:
    """A soft contact shadow under a subject standing at ``ground``."""
    rx, ry = max(2.0, 0.45 * width), max(1.5, 0.07 * width)
    w, h = int(2 * rx + 8), int(2 * ry + 8)
    a = ellipse_alpha(h, w, w / 2, h / 2, rx, ry, soft=max(1.5, 0.8 * ry)) * strength
    rgba = np.zeros((h, w, 4), np.float32)
    rgba[..., 3] = a
    return Layer(rgba, cx, ground, z)
