"""Pikaswaps: a region of the user's video replaced.

The region is the one ``modify_region`` describes, else the one that looks like the given image,
else the video's most salient object; it is tracked through the clip, filled from around it, and
the replacement is drawn where it was: the image's subject when there is an image, otherwise the
prompt's first subject as the scene renderer draws it. A prompt that names no subject but a colour
recolours the region instead ("make it blue"); one with neither removes it.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from framecast.engine.base import RunControl
from framecast.engine.sandbox.imaging.common import (
    RendererFactory,
    SceneRendererLike,
    VideoSource,
    cut_image,
    lazy_clip,
    relight,
)
from framecast.engine.sandbox.imaging.inpaint import inpaint
from framecast.engine.sandbox.imaging.raster import (
    F32,
    U8,
    dilate,
    draw_u8,
    flatten,
    sample,
    scale_sprite,
    to_float,
    to_uint8,
)
from framecast.engine.sandbox.imaging.regions import COLOUR_RGB, RegionTrack, find_region, parse_region
from framecast.engine.sandbox.scene import RGBA, Camera, Layer, Motion, Scene
from framecast.engine.types import Clip, GenerationSpec

__all__ = ["render_swaps"]


def _smooth_boxes(track: RegionTrack, width: int, height: int) -> list[tuple[float, float, float, float] | None]:
    """Per-frame region boxes in output pixels, averaged over a few frames so the replacement
    does not jitter with the segmentation."""
    raw = [track.box(t) for t in range(track.masks.shape[0])]
    out: list[tuple[float, float, float, float] | None] = []
    for t in range(len(raw)):
        near = [b for b in raw[max(0, t - 2) : t + 3] if b is not None]
        if raw[t] is None or not near:
            out.append(None)
            continue
        m = np.mean(np.asarray(near), axis=0)
        out.append((float(m[0] * width), float(m[1] * height), float(m[2] * width), float(m[3] * height)))
    return out


class _Fitter:
    """Scales the replacement into each frame's region box. Sizes are rounded to 2 % steps and
    cached, so a region that barely changes size is not resampled every frame."""

    def __init__(self) -> None:
        self.cache: dict[tuple[int, int], RGBA] = {}

    def __call__(self, sprite: RGBA, box: tuple[float, float, float, float], key: int = 0) -> tuple[RGBA, float, float]:
        x0, y0, x1, y1 = box
        bw, bh = max(x1 - x0, 2.0), max(y1 - y0, 2.0)
        sh, sw = sprite.shape[:2]
        k = min(bh / sh, 1.15 * bw / sw)
        step = round(np.log(max(k, 1e-3)) / np.log(1.02))
        if key >= 0 and (key, step) in self.cache:
            out = self.cache[(key, step)]
        else:
            out = scale_sprite(sprite, 1.02**step)
            if key >= 0:
                if len(self.cache) > 64:
                    self.cache.clear()
                self.cache[(key, step)] = out
        return out, (x0 + x1) / 2, y1 - out.shape[0] / 2


def _recolour(frame: F32, matte: F32, colour: tuple[float, float, float]) -> F32:
    """The region painted ``colour`` while keeping its shading."""
    lum = frame.mean(-1, keepdims=True)
    target = np.asarray(colour, np.float32)
    painted = np.clip(target * (lum / max(float(target.mean()), 0.05)) * 0.7 + target * 0.3, 0, 1)
    k = matte[..., None]
    return np.asarray(frame * (1 - k) + painted * k, np.float32)


def render_swaps(spec: GenerationSpec, scene: Scene, factory: RendererFactory, control: RunControl) -> Clip:
    assert spec.video is not None
    width, height, n = spec.width, spec.height, spec.num_frames
    source = VideoSource(spec.video, spec)
    control.step(0, n, "finding the region")
    small = source.small()
    image = spec.images[0] if spec.images else None
    cut = cut_image(image, max(width, height)) if image is not None else None
    img_pixels = img_alpha = None
    if cut is not None:
        a = cut.sprite[..., 3]
        img_pixels = np.asarray(cut.sprite[..., :3] / np.maximum(a[..., None], 1e-3), np.float32)
        img_alpha = a
    track = find_region(small, spec.modify_region, img_pixels, img_alpha)
    boxes = _smooth_boxes(track, width, height)
    light = small[0].reshape(-1, 3).mean(0)
    control.log(f"region found by {track.method}")

    fit = _Fitter()
    renderer: SceneRendererLike | None = None
    recolour: tuple[float, float, float] | None = None
    sprite: RGBA | None = None
    if cut is not None:
        sprite = relight(cut.sprite, light, 0.3)
    elif scene.subjects:
        # Drawn still and with a still camera: only its look is wanted, the region gives the place.
        lead = replace(scene.subjects[0], motion=Motion.STILL)
        still = replace(scene, subjects=(lead,), camera=Camera.STATIC)
        renderer = factory(still, width, height, spec.fps, n, spec.seed)
    else:
        words = parse_region(spec.prompt).colours
        recolour = COLOUR_RGB[words[0]] if words else None

    def render(i: int) -> U8:
        frame = source.frame(i)
        box = boxes[i]
        got = track.patch(i, height, width)
        if box is None or got is None:
            return frame
        ox, oy, matte = got
        ph, pw = matte.shape
        region = to_float(frame[oy : oy + ph, ox : ox + pw])
        k = matte[..., None]
        out = frame.copy()
        if recolour is not None:
            out[oy : oy + ph, ox : ox + pw] = to_uint8(_recolour(region, matte, recolour))
            return out
        sm = small[i]
        hole = dilate(track.masks[i], max(1, round(0.015 * max(sm.shape[:2]))))
        filled = inpaint(sm, hole)
        # The same box at working resolution, scaled to the patch: the fill only matters there.
        sy0, sx0 = oy * sm.shape[0] / height, ox * sm.shape[1] / width
        sy1, sx1 = (oy + ph) * sm.shape[0] / height, (ox + pw) * sm.shape[1] / width
        ys = (np.arange(ph, dtype=np.float32) + 0.5) / ph * (sy1 - sy0) + sy0
        xs = (np.arange(pw, dtype=np.float32) + 0.5) / pw * (sx1 - sx0) + sx0
        fill = sample(filled, xs[None, :], ys[:, None])
        out[oy : oy + ph, ox : ox + pw] = to_uint8(region * (1 - k) + fill * k)
        body, key = sprite, 0
        if renderer is not None:
            # A rendered subject changes every frame (gait, effects): never reuse its scalings.
            # Its shadow (colourless layers) belongs to its old place, not to the region.
            body, _, _ = flatten([la for la in renderer.subject_layers(i) if float(la.rgba[..., :3].max()) > 1e-3])
            body, key = relight(body, light, 0.3), -1
        if body is None or body.shape[0] < 2:
            return out
        fitted, cx, cy = fit(body, box, key)
        return draw_u8(out, [Layer(fitted, cx, cy)])  # out is this frame's own copy

    return lazy_clip(spec, render, control, "swapping", {"region": track.method})
