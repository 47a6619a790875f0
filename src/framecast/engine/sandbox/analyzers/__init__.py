"""The world's analyzers: what a rendered clip shows, measured from its pixels.

They read frames, never scene tokens. Alongside the frames they take the same frames rendered
without subjects (``SceneRenderer.background``): a subject is what differs from its background.
The setting analyzer and the colour prototypes are calibrated on the world's own drawing (its
backdrops, its palette under each light), the way a measuring instrument is calibrated.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from framecast.engine.sandbox.analyzers.motion import Track, classify_motion, estimate_camera, track_subject
from framecast.engine.sandbox.analyzers.segment import Mask, foreground, grouped_components
from framecast.engine.sandbox.analyzers.setting import classify_setting
from framecast.engine.sandbox.analyzers.subjects import SubjectReading, classify_colour, classify_kind, read_subject
from framecast.engine.sandbox.scene import Light, Motion, Setting

__all__ = [
    "ClipReading",
    "analyze_clip",
    "classify_colour",
    "classify_kind",
    "classify_motion",
    "classify_setting",
    "foreground",
    "render_for_analysis",
]

MIN_AREA_FRACTION = 0.0006  # of the frame: smaller pieces are effect debris or snowflakes, not subjects


@dataclass
class ClipReading:
    setting: Setting
    light: Light
    subjects: list[SubjectReading]
    masks: list[Mask]  # each subject's pixels in the first frame
    motions: list[Motion] = field(default_factory=list)
    tracks: list[Track] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.subjects)


def analyze_clip(
    frames: npt.NDArray[np.uint8], backgrounds: npt.NDArray[np.uint8], with_motion: bool = True
) -> ClipReading:
    """Read a clip: frames and backgrounds are (T, H, W, 3) uint8."""
    t_n, h, w = frames.shape[:3]
    fgs = [foreground(frames[t], backgrounds[t]) for t in range(t_n)] if with_motion else [
        foreground(frames[0], backgrounds[0])
    ]
    min_area = max(12, int(MIN_AREA_FRACTION * h * w))
    masks = grouped_components(fgs[0], min_area)
    covered = np.logical_or.reduce(masks) if masks else np.zeros((h, w), bool)
    setting, light = classify_setting(frames[0], covered)
    subjects = [read_subject(frames[0], m, light) for m in masks]
    reading = ClipReading(setting, light, subjects, masks)
    if with_motion and masks:
        camera = estimate_camera(backgrounds)
        for m in masks:
            track = track_subject(frames, fgs, m, camera)
            reading.tracks.append(track)
            reading.motions.append(classify_motion(frames, track, h, w, camera))
    return reading


def render_for_analysis(renderer: object) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8]]:
    """All frames of a :class:`SceneRenderer` and its backgrounds, stacked (T, H, W, 3)."""
    from framecast.engine.sandbox.render import SceneRenderer

    assert isinstance(renderer, SceneRenderer)
    frames = np.stack(list(renderer.frames()))
    backgrounds = np.stack([renderer.background_frame(i) for i in range(renderer.num_frames)])
    return frames, backgrounds
