"""Image-to-video and Pikaffects: the image's own subject, cut out, moves or undergoes an effect
over the rest of the image, with the hole it leaves filled.

Frame 0 is the input image itself (cover-fitted to the output size); later frames are the filled
plate with the subject layered back over it, moved by the scene's first subject's motion (relative
to where that motion starts, so the subject starts where the image has it) and seen through the
scene's camera.
"""

from __future__ import annotations

import numpy as np

from framecast.engine.base import RunControl
from framecast.engine.sandbox.effects import apply_effect
from framecast.engine.sandbox.imaging.camera import apply_camera
from framecast.engine.sandbox.imaging.common import fit_image, lazy_clip, lead_subject, moved, pose, seeded
from framecast.engine.sandbox.imaging.inpaint import fill_hole
from framecast.engine.sandbox.imaging.raster import U8, blur, composite_u8, to_float, to_uint8
from framecast.engine.sandbox.imaging.segment import Cutout, cut_out
from framecast.engine.sandbox.scene import Effect, Layer, Scene
from framecast.engine.types import Clip, GenerationSpec

__all__ = ["animate_image", "effect_progress"]

EFFECT_START, EFFECT_SPAN = 0.08, 0.8  # of the clip: a beat of the still image, then the effect


def effect_progress(i: int, num_frames: int) -> float:
    t = i / max(num_frames - 1, 1)
    return float(min(max((t - EFFECT_START) / EFFECT_SPAN, 0.0), 1.0))


def _plate(pixels: U8, cut: Cutout, seed: int) -> U8:
    """The image with the subject removed: its (slightly grown) matte filled from around it."""
    h, w = pixels.shape[:2]
    hole = blur(cut.matte, max(1.0, 0.006 * max(h, w)))
    hole = np.clip(hole * 3.0, 0.0, 1.0)
    return to_uint8(fill_hole(to_float(pixels), hole, grain=0.01, seed=seed))


def animate_image(spec: GenerationSpec, scene: Scene, control: RunControl, effect: Effect = Effect.NONE) -> Clip:
    """IMAGE_TO_VIDEO (``effect`` NONE) and EFFECTS."""
    width, height, n = spec.width, spec.height, spec.num_frames
    pixels, alpha = fit_image(spec.images[0], width, height)
    control.step(0, n, "segmenting")
    cut = cut_out(pixels, alpha)
    plate = _plate(pixels, cut, spec.seed)
    subject = lead_subject(scene)
    p0 = pose(subject, 0, spec)
    sprite = cut.sprite
    bottom = cut.y0 + sprite.shape[0]
    effect_seed = int(seeded(spec.seed, 7).integers(2**31))
    what = f"effect {effect.value}" if effect is not Effect.NONE else f"motion {subject.motion.value}"
    control.log(f"subject found by {cut.method}; {what}, camera {scene.camera.value}")

    def render(i: int) -> U8:
        if i == 0:
            return pixels
        body, dx, dbase = moved(sprite, p0, pose(subject, i, spec))
        # The cut-out keeps its own place in the image and follows the motion's offsets.
        cx, cy = cut.cx + dx, bottom + dbase - body.shape[0] / 2
        if effect is Effect.NONE:
            layers = [Layer(body, cx, cy)]
        else:
            rng = np.random.default_rng(effect_seed)
            layers = apply_effect(effect, body, cx, cy, effect_progress(i, n), rng)
        frame = composite_u8(plate, layers)
        return apply_camera(frame, scene.camera, i / max(n - 1, 1))

    return lazy_clip(spec, render, control, "animating", {"segmentation": cut.method})
