from __future__ import annotations

import numpy as np
import pytest

from framecast.engine.sandbox.analyzers import analyze_clip
from framecast.engine.sandbox.analyzers.segment import components, fill_holes
from framecast.engine.sandbox.scene import (
    Camera,
    Colour,
    Column,
    Kind,
    Light,
    Motion,
    Row,
    Scene,
    Setting,
    Size,
    Speed,
    Subject,
)

from .sandbox_support import render


def test_components_and_holes() -> None:
    mask = np.zeros((20, 30), bool)
    mask[2:8, 2:8] = True
    mask[4:6, 4:6] = False  # a hole
    mask[10:15, 20:28] = True
    mask[15, 28] = True  # diagonal neighbour joins
    pieces = components(mask)
    assert [int(p.sum()) for p in pieces] == [41, 32]
    assert fill_holes(mask)[4:6, 4:6].all()


@pytest.mark.parametrize(("setting", "light"), [(Setting.DESERT, Light.DUSK), (Setting.SNOW, Light.NIGHT),
                                                (Setting.OCEAN, Light.FOGGY), (Setting.STUDIO, Light.WARM)])
def test_reads_subjects_and_setting(setting: Setting, light: Light) -> None:
    scene = Scene(setting, light, Camera.STATIC, (
        Subject(Kind.STAR, Colour.YELLOW, Size.MEDIUM, Column.LEFT, Row.MID),
        Subject(Kind.DOG, Colour.BLUE, Size.LARGE, Column.RIGHT, Row.LOW),
        Subject(Kind.RING, Colour.RED, Size.MEDIUM, Column.CENTER, Row.HIGH),
    ))
    frames, backgrounds = render(scene, frames=2)
    reading = analyze_clip(frames, backgrounds, with_motion=False)
    assert (reading.setting, reading.light) == (setting, light)
    assert reading.count == 3
    found = sorted((r.kind, r.colour) for r in reading.subjects)
    assert found == sorted([(Kind.STAR, Colour.YELLOW), (Kind.DOG, Colour.BLUE), (Kind.RING, Colour.RED)])


@pytest.mark.parametrize(("motion", "camera"), [
    (Motion.LEFT, Camera.PAN_RIGHT), (Motion.STILL, Camera.PAN_LEFT), (Motion.UP, Camera.STATIC),
    (Motion.TOWARD, Camera.STATIC), (Motion.GROW, Camera.ZOOM_OUT), (Motion.BOUNCE, Camera.STATIC),
    (Motion.SPIN, Camera.STATIC), (Motion.AWAY, Camera.ORBIT),
])
def test_reads_motion_through_the_camera(motion: Motion, camera: Camera) -> None:
    subject = Subject(Kind.BOX, Colour.GREEN, Size.MEDIUM, Column.CENTER,
                      Row.MID if motion is Motion.UP else Row.LOW, motion, speed=Speed.NORMAL)
    frames, backgrounds = render(Scene(Setting.GRASS_FIELD, Light.NEUTRAL, camera, (subject,)), frames=40)
    reading = analyze_clip(frames, backgrounds)
    assert reading.count == 1
    assert reading.motions[0] is motion
