"""Pikascenes: the reference images' subjects placed in a setting the scene generator made.

``precise`` keeps each cut-out as given: original colours, sizes in proportion to how much of its
own image each subject filled, standing in a row on the ground. ``creative`` hands each cut-out a
subject slot of the scene (where it starts, how big it is, how it moves) and restyles it with the
setting's light; generated subjects beyond the images still appear. In both modes the scene's
motion animates them (as offsets from their placement in ``precise``), positions are world pixels
seen through the renderer's camera, and depth follows the renderer's rule (lower is nearer).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from framecast.catalog.schema import IngredientsMode
from framecast.engine.base import RunControl
from framecast.engine.sandbox.imaging.common import (
    RendererFactory,
    base,
    cut_image,
    fit_height,
    lazy_clip,
    lead_subject,
    moved,
    pose,
    relight,
    shadow,
)
from framecast.engine.sandbox.imaging.raster import U8, scale_sprite
from framecast.engine.sandbox.motion import layout
from framecast.engine.sandbox.scene import RGBA, Layer, Scene
from framecast.engine.types import Clip, GenerationSpec

__all__ = ["place_precise", "render_scenes"]

GROUND = 0.86  # where subjects stand in precise mode, as a fraction of the frame height


def place_precise(sizes: list[tuple[int, int, float]], width: int, height: int) -> list[tuple[float, float, float]]:
    """(scale, cx, bottom) for sprites given as (h, w, share of own image height), in a row.

    Every sprite gets the same pixels-per-share, so their sizes keep their proportions; the row is
    shrunk as a whole until it fits the frame's width and the tallest fits under the top.
    """
    target = [0.62 * height * share / max(h, 1) for h, _, share in sizes]
    gap = 0.04 * width
    row = sum(w * t for (_, w, _), t in zip(sizes, target, strict=True)) + gap * (len(sizes) - 1)
    tallest = max(h * t for (h, _, _), t in zip(sizes, target, strict=True))
    fit = min(1.0, 0.92 * width / max(row, 1.0), 0.8 * height / max(tallest, 1.0))
    scales = [t * fit for t in target]
    widths = [w * s for (_, w, _), s in zip(sizes, scales, strict=True)]
    x = (width - (sum(widths) + gap * fit * (len(sizes) - 1))) / 2
    out = []
    for s, w in zip(scales, widths, strict=True):
        out.append((s, x + w / 2, GROUND * height))
        x += w + gap * fit
    return out


def render_scenes(spec: GenerationSpec, scene: Scene, factory: RendererFactory, control: RunControl) -> Clip:
    width, height, n = spec.width, spec.height, spec.num_frames
    creative = spec.ingredients_mode is not IngredientsMode.PRECISE
    control.step(0, n, "segmenting")
    cuts = [cut_image(img, max(width, height)) for img in spec.images]
    subjects = [lead_subject(scene, k) for k in range(len(cuts))]
    extra = scene.subjects[len(cuts) :] if creative else ()
    renderer = factory(replace(scene, subjects=tuple(extra)), width, height, spec.fps, n, spec.seed)
    # The motion model's layout keeps the image subjects from starting on top of each other.
    places = layout(replace(scene, subjects=tuple(subjects)), width, height, n, spec.fps)
    starts = [pose(s, 0, spec, pl) for s, pl in zip(subjects, places, strict=True)]

    sprites: list[RGBA] = []
    anchors: list[tuple[float, float]] = []  # (centre x, bottom) at frame 0 in world pixels
    if creative:
        light = np.asarray(renderer.background(0), np.float32).reshape(-1, 3).mean(0)
        for cut, p0 in zip(cuts, starts, strict=True):
            sprites.append(relight(fit_height(cut.sprite, p0.height, 0.6 * width), light, 0.45))
            anchors.append((p0.cx, base(p0)))
    else:
        sizes = [
            (c.sprite.shape[0], c.sprite.shape[1], c.sprite.shape[0] / img.height)
            for c, img in zip(cuts, spec.images, strict=True)
        ]
        for cut, (k, cx, bottom) in zip(cuts, place_precise(sizes, width, height), strict=True):
            sprites.append(scale_sprite(cut.sprite, k))
            anchors.append((cx, bottom))

    def layers(i: int) -> list[Layer]:
        view = renderer.view(i)
        out: list[Layer] = []
        for sprite, subj, pl, (ax, ab), p0 in zip(sprites, subjects, places, anchors, starts, strict=True):
            body, dx, dbase = moved(sprite, p0, pose(subj, i, spec, pl))
            if abs(view.zoom - 1.0) > 1e-3:
                body = scale_sprite(body, view.zoom)
            fx, fb = view.to_frame(ax + dx, ab + dbase)
            bh, bw = body.shape[:2]
            # The renderer's depth order: z is the base height in the frame, lower is nearer.
            out.append(shadow(bw, fx, fb - 1, z=fb - 0.5))
            out.append(Layer(body, fx, fb - bh / 2, fb))
        return out

    frames = iter(renderer.frames(layers))

    def render(i: int) -> U8:
        return np.asarray(next(frames), np.uint8)

    mode = "creative" if creative else "precise"
    return lazy_clip(spec, render, control, "composing", {"ingredients_mode": mode})
