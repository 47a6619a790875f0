from __future__ import annotations

import numpy as np
import pytest

from framecast.engine.sandbox.analyzers import analyze_clip
from framecast.engine.sandbox.analyzers.motion import Track, classify_motion
from framecast.engine.sandbox.analyzers.segment import components, fill_holes, grouped_components, touching
from framecast.engine.sandbox.scene import (
    Camera,
    Colour,
    Column,
    Gait,
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
    seed = np.zeros_like(mask)
    seed[12, 21] = True
    assert touching(mask, seed).sum() == 41 and touching(mask, seed)[15, 28]
    assert not touching(mask, ~mask).any()


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


def _track(scale_end: float, dx_end: float, t_n: int = 40, h: int = 270, w: int = 480) -> Track:
    """A subject's camera-corrected box: 40 px tall at (200, 150), scaled about its centre and
    moved right by ``dx_end`` of the width over the clip."""
    u = np.linspace(0.0, 1.0, t_n)
    height = 40 * scale_end**u
    cx = 200 + dx_end * w * u
    boxes = np.stack([150 - height / 2, 150 + height / 2, cx, np.full(t_n, 150.0)], -1)
    return Track(boxes, height**2, [], np.ones(t_n, bool))


def test_a_size_change_that_cannot_explain_the_travel_is_not_read_as_growth() -> None:
    frames = np.zeros((40, 270, 480, 3), np.uint8)
    # A bird flapping across a zoom: its outline reads 20 % smaller, but it travels a quarter of the
    # width, further than any scaling about a point in the picture would carry it.
    assert classify_motion(frames, _track(0.8, 0.25), 270, 480) is Motion.RIGHT
    assert classify_motion(frames, _track(1.3, -0.3), 270, 480) is Motion.LEFT
    # The same change of size in place is a shrink or a growth.
    assert classify_motion(frames, _track(0.6, 0.0), 270, 480) is Motion.SHRINK
    assert classify_motion(frames, _track(1.6, 0.0), 270, 480) is Motion.GROW


def test_a_subject_standing_still_is_not_read_as_spinning() -> None:
    # The rotation search compared grids a pixel apart, which a small turn matched better than none:
    # this cat, whose frames never change, read as spinning.
    scene = Scene(Setting.NIGHT_SKY, Light.COOL, Camera.STATIC, (
        Subject(Kind.CAT, Colour.ORANGE, Size.MEDIUM, Column.LEFT, Row.LOW, Motion.STILL),
        Subject(Kind.STAR, Colour.ORANGE, Size.MEDIUM, Column.RIGHT, Row.MID, Motion.STILL),
    ))
    frames, backgrounds = render(scene, frames=16)
    reading = analyze_clip(frames, backgrounds)
    assert sorted(r.kind for r in reading.subjects) == sorted([Kind.CAT, Kind.STAR])
    assert reading.motions == [Motion.STILL, Motion.STILL]


def test_a_ring_turning_its_light_band_is_read_as_spinning() -> None:
    # The ring is round: only its thin light band shows the turn, which resampling noise at the
    # outline used to outweigh.
    subject = Subject(Kind.RING, Colour.RED, Size.MEDIUM, Column.CENTER, Row.MID, Motion.SPIN, speed=Speed.NORMAL)
    frames, backgrounds = render(Scene(Setting.GRASS_FIELD, Light.NEUTRAL, Camera.STATIC, (subject,)), frames=16)
    assert analyze_clip(frames, backgrounds).motions == [Motion.SPIN]


def test_a_star_spinning_past_its_own_symmetry_is_read_as_spinning() -> None:
    # A star turned by a fifth of a circle looks the same, so each step's best angle flipped
    # between about +20 and -50 degrees and never read as one steady turn.
    subject = Subject(Kind.STAR, Colour.BLACK, Size.MEDIUM, Column.LEFT, Row.MID, Motion.SPIN)
    frames, backgrounds = render(Scene(Setting.OCEAN, Light.FOGGY, Camera.STATIC, (subject,)), frames=16, seed=3059)
    assert analyze_clip(frames, backgrounds).motions == [Motion.SPIN]


def test_a_small_ring_turning_the_same_step_each_frame_is_read_as_spinning() -> None:
    # Each step gains only a few per cent over standing still, but lands on the same turn.
    subject = Subject(Kind.RING, Colour.BROWN, Size.SMALL, Column.RIGHT, Row.HIGH, Motion.SPIN)
    scene = Scene(Setting.CITY_STREET, Light.BRIGHT, Camera.STATIC, (subject,))
    frames, backgrounds = render(scene, frames=16, seed=3069)
    assert analyze_clip(frames, backgrounds).motions == [Motion.SPIN]


@pytest.mark.parametrize(("setting", "colour", "size", "speed"), [
    (Setting.STUDIO, Colour.RED, Size.LARGE, Speed.NORMAL),
    (Setting.NIGHT_SKY, Colour.RED, Size.SMALL, Speed.NORMAL),
    (Setting.SNOW, Colour.ORANGE, Size.MEDIUM, Speed.FAST),
])
def test_a_spinning_bird_is_read_as_spinning_and_a_flapping_one_as_still(
    setting: Setting, colour: Colour, size: Size, speed: Speed
) -> None:
    # Outlines part a bird's wing, tail and head from its body, and the tracker follows one part of
    # its main colour: a different one each frame, which matched no turn. Its whole body turns.
    for motion in (Motion.SPIN, Motion.STILL):
        subject = Subject(Kind.BIRD, colour, size, Column.CENTER, Row.MID, motion, speed=speed)
        frames, backgrounds = render(Scene(setting, Light.NEUTRAL, Camera.STATIC, (subject,)), frames=16)
        assert analyze_clip(frames, backgrounds).motions == [motion]


def test_a_subject_passing_a_look_alike_is_not_swapped_for_it() -> None:
    # The red fish bounces down behind the red heart; the two red pieces merge, and the tracker took
    # the heart for the fish from then on (and read the fish as coming toward the camera).
    scene = Scene(Setting.OCEAN, Light.BRIGHT, Camera.STATIC, (
        Subject(Kind.BALL, Colour.CYAN, Size.SMALL, Column.LEFT, Row.MID, Motion.SHRINK, speed=Speed.FAST),
        Subject(Kind.HEART, Colour.RED, Size.MEDIUM, Column.CENTER, Row.LOW, Motion.RIGHT, speed=Speed.SLOW),
        Subject(Kind.FISH, Colour.RED, Size.SMALL, Column.RIGHT, Row.LOW, Motion.BOUNCE, speed=Speed.SLOW),
    ))
    frames, backgrounds = render(scene, frames=40, seed=20)
    reading = analyze_clip(frames, backgrounds)
    fish = [m for r, m in zip(reading.subjects, reading.motions, strict=True) if r.kind is Kind.FISH]
    assert fish == [Motion.BOUNCE]


def test_pieces_a_seam_apart_are_one_subject() -> None:
    mask = np.zeros((30, 60), bool)
    mask[5:20, 5:15] = True
    mask[5:20, 18:25] = True  # three pixels of background between: one subject cut by a seam
    mask[5:20, 40:50] = True  # fifteen pixels away: another subject
    pieces = grouped_components(mask, min_area=10)
    assert [int(p.sum()) for p in pieces] == [255, 150]
    assert not (pieces[0] & ~mask).any()  # the seam itself is not added


def test_a_grey_dog_on_a_grey_street_counts_once() -> None:
    # Its grey coat darkens the street evenly, like a shadow, so a seam of it dropped out of the
    # foreground and the dog counted as three subjects.
    scene = Scene(Setting.CITY_STREET, Light.BRIGHT, Camera.STATIC, (
        Subject(Kind.STAR, Colour.PURPLE, Size.MEDIUM, Column.FAR_LEFT, Row.LOW),
        Subject(Kind.STAR, Colour.BLUE, Size.LARGE, Column.RIGHT, Row.LOW),
        Subject(Kind.DOG, Colour.GREY, Size.LARGE, Column.CENTER, Row.LOW),
    ))
    frames, backgrounds = render(scene, frames=2, seed=213)
    assert analyze_clip(frames, backgrounds, with_motion=False).count == 3


@pytest.mark.parametrize(("setting", "light", "size", "motion", "gait", "seed"), [
    (Setting.FOREST, Light.NEUTRAL, Size.SMALL, Motion.LEFT, Gait.RUN, 114),
    (Setting.CITY_STREET, Light.DUSK, Size.SMALL, Motion.RIGHT, Gait.WALK, 127),
    (Setting.OCEAN, Light.NEUTRAL, Size.LARGE, Motion.RIGHT, Gait.WALK, 134),
])
def test_a_person_in_black_reads_black(setting: Setting, light: Light, size: Size, motion: Motion, gait: Gait,
                                       seed: int) -> None:
    # The light outline that keeps a black figure's parts apart was as wide as the black of its
    # thin limbs, and a walking or running figure read grey.
    person = Subject(Kind.PERSON, Colour.BLACK, size, Column.CENTER, Row.LOW, motion=motion, gait=gait)
    frames, backgrounds = render(Scene(setting, light, Camera.STATIC, (person,)), frames=2, seed=seed)
    reading = analyze_clip(frames, backgrounds, with_motion=False)
    assert [(r.kind, r.colour) for r in reading.subjects] == [(Kind.PERSON, Colour.BLACK)]


@pytest.mark.parametrize(("colour", "setting", "light"), [
    (Colour.YELLOW, Setting.CITY_STREET, Light.NEUTRAL),
    (Colour.ORANGE, Setting.SNOW, Light.FOGGY),
    (Colour.YELLOW, Setting.FOREST, Light.WARM),
    (Colour.RED, Setting.SNOW, Light.COOL),
])
def test_a_walking_person_reads_the_colour_of_their_shirt(colour: Colour, setting: Setting, light: Light) -> None:
    # Deep-shaded legs, outlines, skin and hair outvoted the shirt of a walking figure: a yellow,
    # orange or red walker read brown.
    person = Subject(Kind.PERSON, colour, Size.MEDIUM, Column.CENTER, Row.LOW, motion=Motion.RIGHT, gait=Gait.WALK)
    frames, backgrounds = render(Scene(setting, light, Camera.STATIC, (person,)), frames=2, seed=3)
    reading = analyze_clip(frames, backgrounds, with_motion=False)
    assert [(r.kind, r.colour) for r in reading.subjects] == [(Kind.PERSON, colour)]


def test_an_even_darkening_is_a_shadow_only_where_it_lies_flat() -> None:
    from framecast.engine.sandbox.analyzers.segment import foreground

    background = np.full((80, 120, 3), 150, np.uint8)
    frame = background.copy()
    ys, xs = np.mgrid[0:80, 0:120]
    flat = ((xs - 30) / 20.0) ** 2 + ((ys - 60) / 4.0) ** 2 < 1  # a contact shadow: 40 wide, 8 tall
    upright = (abs(xs - 90) < 10) & (abs(ys - 40) < 15)  # a grey box: 20 wide, 30 tall
    frame[flat | upright] = 105  # both the floor times 0.7
    fg = foreground(frame, background)
    assert not fg[flat].any()
    assert fg[upright].all()


@pytest.mark.parametrize(("setting", "kind", "colour"), [
    (Setting.NIGHT_SKY, Kind.BOX, Colour.GREY), (Setting.NIGHT_SKY, Kind.BIRD, Colour.GREY),
    (Setting.CITY_STREET, Kind.DOG, Colour.GREY), (Setting.CITY_STREET, Kind.CAT, Colour.WHITE),
])
def test_a_grey_subject_in_fog_is_not_taken_for_a_shadow(setting: Setting, kind: Kind, colour: Colour) -> None:
    # Fog turns the subject and its outline into an even darkening of the foggy ground; it used to
    # be dropped as a shadow, and the subject vanished or fell into pieces.
    subject = Subject(kind, colour, Size.MEDIUM, Column.CENTER, Row.LOW)
    frames, backgrounds = render(Scene(setting, Light.FOGGY, Camera.STATIC, (subject,)), frames=2)
    reading = analyze_clip(frames, backgrounds, with_motion=False)
    assert [(r.kind, r.colour) for r in reading.subjects] == [(kind, colour)]
