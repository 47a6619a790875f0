"""Pikadditions: the image's subject added into the user's video.

The cut-out enters the video at the place, size and motion the prompt's first subject has (a still
subject standing centre-front when the prompt names none), tinted toward the video's mean colour so
it sits in the same light, with a soft contact shadow under it.
"""

from __future__ import annotations

from framecast.engine.base import RunControl
from framecast.engine.sandbox.imaging.common import (
    VideoSource,
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
from framecast.engine.sandbox.imaging.raster import U8, composite_u8
from framecast.engine.sandbox.scene import Layer, Scene
from framecast.engine.types import Clip, GenerationSpec

__all__ = ["render_additions"]


def render_additions(spec: GenerationSpec, scene: Scene, control: RunControl) -> Clip:
    assert spec.video is not None
    width, height = spec.width, spec.height
    source = VideoSource(spec.video, spec)
    control.step(0, spec.num_frames, "segmenting")
    cut = cut_image(spec.images[0], max(width, height))
    subject = lead_subject(scene)
    light = source.small()[0].reshape(-1, 3).mean(0)
    p0 = pose(subject, 0, spec)
    # The motion model sizes and places the body; the cut-out takes that size once and then
    # follows the pose's changes.
    sprite = relight(fit_height(cut.sprite, p0.height, 0.6 * width), light, 0.35)

    def render(i: int) -> U8:
        p = pose(subject, i, spec)
        body, dx, dbase = moved(sprite, p0, p)
        cx, ground = p0.cx + dx, base(p0) + dbase
        layers = [
            shadow(body.shape[1], cx, (p.ground_y if p.ground_y is not None else ground) - 1, 0.35, z=0.0),
            Layer(body, cx, ground - body.shape[0] / 2, 1.0),
        ]
        return composite_u8(source.frame(i), layers)

    return lazy_clip(spec, render, control, "compositing", {"segmentation": cut.method})
