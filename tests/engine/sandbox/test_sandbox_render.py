from __future__ import annotations

import itertools

import numpy as np
import pytest

from framecast.catalog.schema import AspectRatio, Resolution
from framecast.engine.sandbox import backdrop
from framecast.engine.sandbox import motion as mo
from framecast.engine.sandbox.render import SceneRenderer
from framecast.engine.sandbox.scene import (
    Camera,
    Colour,
    Column,
    Effect,
    Gait,
    Kind,
    Layer,
    Light,
    Motion,
    Row,
    Scene,
    Setting,
    Size,
    Speed,
    Subject,
    Timing,
)
from framecast.engine.spec import output_size

BUSY = Scene(Setting.CITY_STREET, Light.DUSK, Camera.PAN_LEFT, (
    Subject(Kind.PERSON, Colour.RED, motion=Motion.RIGHT, gait=Gait.WALK, column=Column.LEFT),
    Subject(Kind.DOG, Colour.BROWN, motion=Motion.LEFT, gait=Gait.RUN, column=Column.RIGHT),
    Subject(Kind.BIRD, Colour.BLUE, row=Row.HIGH, motion=Motion.RIGHT),
    Subject(Kind.BALL, Colour.YELLOW, size=Size.SMALL, motion=Motion.BOUNCE, column=Column.CENTER),
))


@pytest.mark.parametrize("resolution", list(Resolution))
@pytest.mark.parametrize("ratio", list(AspectRatio))
def test_exact_size_and_frame_count(ratio: AspectRatio, resolution: Resolution) -> None:
    width, height = output_size(ratio, resolution)
    renderer = SceneRenderer(BUSY, width, height, 24, 3, seed=1)
    frames = list(renderer.frames())
    assert len(frames) == 3
    for f in frames:
        assert f.shape == (height, width, 3) and f.dtype == np.uint8


@pytest.mark.parametrize("camera", list(Camera))
def test_same_seed_same_frames_for_every_camera(camera: Camera) -> None:
    scene = Scene(Setting.SNOW, Light.NEUTRAL, camera, BUSY.subjects)
    a = np.stack(list(SceneRenderer(scene, 320, 180, 12, 10, seed=4).frames()))
    b = np.stack(list(SceneRenderer(scene, 320, 180, 12, 10, seed=4).frames()))
    assert np.array_equal(a, b)
    assert not np.array_equal(a[0], a[-1]), "nothing moved"


def test_backdrop_follows_the_seed_and_the_setting() -> None:
    scene = Scene(Setting.FOREST, Light.NEUTRAL, Camera.STATIC)
    a = SceneRenderer(scene, 320, 180, 12, 1, seed=1).background_frame(0)
    b = SceneRenderer(scene, 320, 180, 12, 1, seed=2).background_frame(0)
    c = SceneRenderer(Scene(Setting.DESERT, Light.NEUTRAL, Camera.STATIC), 320, 180, 12, 1, seed=1).background_frame(0)
    assert not np.array_equal(a, b)
    assert np.abs(a.astype(int) - c.astype(int)).mean() > 20


@pytest.mark.parametrize("setting", list(Setting))
def test_backdrop_painted_in_bands_is_the_backdrop_painted_whole(
    setting: Setting, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Stars (night), clouds and the sun (bright) and flowers are placed by index: a band must find
    # its own rows of them. Three uneven bands, over a world that starts off the frame (zoom out).
    world = (-37.0, -21.0, 357.0, 201.0)
    for light in (Light.NIGHT, Light.BRIGHT, Light.FOGGY):
        whole = backdrop.paint_backdrop(setting, light, 180, world, 1.3, 9)
        monkeypatch.setattr(backdrop, "BAND_PIXELS", 0)
        monkeypatch.setattr(backdrop, "BANDS", 3)
        banded = backdrop.paint_backdrop(setting, light, 180, world, 1.3, 9)
        monkeypatch.undo()
        assert banded.shape == whole.shape == (289, 512, 3)
        assert np.array_equal(banded, whole), f"{setting.value} at {light.value}"


def _antialiased_crop(renderer: SceneRenderer, i: int) -> np.ndarray:
    """The view of frame ``i`` as torch resamples it with its antialiasing filter: the reference a
    zooming camera's background is held to."""
    import torch

    view = renderer.view(i)
    (ox, oy), d = renderer._plate_origin, renderer._density
    wx0, wy0 = view.to_world(0.0, 0.0)
    wx1, wy1 = view.to_world(float(renderer.width), float(renderer.height))
    x0, y0, x1, y1 = (round((wx0 - ox) * d), round((wy0 - oy) * d), round((wx1 - ox) * d), round((wy1 - oy) * d))
    crop = torch.from_numpy(renderer._plate[y0:y1, x0:x1].copy()).permute(2, 0, 1)[None]
    out = torch.nn.functional.interpolate(crop, size=(renderer.height, renderer.width), mode="bilinear",
                                          antialias=True, align_corners=False)
    return out[0].permute(1, 2, 0).numpy()


@pytest.mark.parametrize("camera", [Camera.ZOOM_IN, Camera.ZOOM_OUT, Camera.ORBIT])
def test_a_zooming_background_agrees_with_an_antialiased_resample(camera: Camera) -> None:
    # Grass blades and flowers are fine detail: resampling them from the wrong place or with
    # aliasing shows as large differences.
    renderer = SceneRenderer(Scene(Setting.GRASS_FIELD, Light.BRIGHT, camera), 640, 360, 12, 24, seed=2)
    for i in (0, 9, 17, 23):
        got = renderer.background_frame(i).astype(int)
        diff = np.abs(got - _antialiased_crop(renderer, i).astype(int))
        assert got.shape == (360, 640, 3)
        assert diff.mean() < 1.0 and np.percentile(diff, 99) <= 12, (i, diff.mean(), np.percentile(diff, 99))


@pytest.mark.parametrize("camera", [Camera.ZOOM_IN, Camera.ZOOM_OUT])
def test_a_shrinking_view_does_not_alias(camera: Camera) -> None:
    # White noise is the hardest plate: a shrink without a low-pass keeps all of its contrast
    # (aliased), an antialiased one averages some away. Ours may smooth a little more than
    # torch's filter, never less.
    renderer = SceneRenderer(Scene(Setting.STUDIO, Light.NEUTRAL, camera), 640, 360, 12, 24, seed=2)
    renderer._plate = np.random.default_rng(0).integers(0, 256, renderer._plate.shape, dtype=np.uint8)
    shrinking = [i for i in range(24) if renderer._density / renderer.view(i).zoom > 1.1]
    assert len(shrinking) >= 6
    for i in shrinking[:: max(1, len(shrinking) // 6)]:
        got, ref = renderer.background_frame(i).std(), _antialiased_crop(renderer, i).std()
        assert 0.75 * ref <= got <= ref + 2.0, (i, got, ref)


def test_a_view_at_the_plates_own_scale_is_an_exact_copy() -> None:
    # Zooming out starts at the plate's scale: its one-pixel stars must stay as sharp as painted.
    renderer = SceneRenderer(Scene(Setting.NIGHT_SKY, Light.NIGHT, Camera.ZOOM_OUT), 640, 360, 12, 24, seed=2)
    view = renderer.view(0)
    x0, y0 = (round(c) for c in view.to_world(0.0, 0.0))
    (ox, oy) = renderer._plate_origin
    plate = renderer._plate[round(y0 - oy) : round(y0 - oy) + 360, round(x0 - ox) : round(x0 - ox) + 640]
    assert np.array_equal(renderer.background_frame(0), plate)


def test_light_changes_the_picture() -> None:
    means = {light: SceneRenderer(Scene(Setting.GRASS_FIELD, light, Camera.STATIC), 160, 90, 12, 1, 0)
             .background_frame(0).astype(float).mean(axis=(0, 1)) for light in Light}
    assert means[Light.NIGHT].sum() < 0.5 * means[Light.NEUTRAL].sum()
    assert means[Light.DUSK][0] > means[Light.DUSK][2]  # warm
    assert means[Light.COOL][2] > means[Light.WARM][2]


def test_public_api_pieces_agree_with_frames() -> None:
    renderer = SceneRenderer(BUSY, 320, 180, 12, 6, seed=3)
    bg = renderer.background(2)
    assert bg.dtype == np.float32 and bg.shape == (180, 320, 3) and bg.min() >= 0.0 and bg.max() <= 1.0
    layers = renderer.subject_layers(2)
    assert len(layers) >= len(BUSY.subjects)  # sprites plus shadows
    composed = renderer.compose(bg, layers)
    frame = list(renderer.frames())[2]
    assert composed.shape == frame.shape
    assert np.abs(composed.astype(int) - frame.astype(int)).max() <= 1  # float and uint8 paths agree


def test_extra_layers_are_drawn() -> None:
    renderer = SceneRenderer(Scene(Setting.STUDIO, Light.NEUTRAL, Camera.STATIC), 160, 90, 12, 2, seed=0)
    square = np.zeros((10, 10, 4), np.float32)
    square[..., 0] = square[..., 3] = 1.0
    frames = list(renderer.frames(lambda i: [Layer(square, 40.0, 30.0, 5.0)]))
    assert (frames[0][26:34, 36:44] == (255, 0, 0)).all()


def test_effects_change_the_subject_after_they_start() -> None:
    base = Subject(Kind.BALL, Colour.RED, Size.LARGE, Column.CENTER, Row.MID)
    plain = Scene(Setting.STUDIO, Light.NEUTRAL, Camera.STATIC, (base,))
    exploding = Scene(Setting.STUDIO, Light.NEUTRAL, Camera.STATIC,
                      (Subject(**{**base.__dict__, "effect": Effect.EXPLODE, "timing": Timing.EARLY}),))
    a = list(SceneRenderer(plain, 320, 180, 12, 24, 0).frames())
    b = list(SceneRenderer(exploding, 320, 180, 12, 24, 0).frames())
    assert np.array_equal(a[0], b[0])  # before the effect starts the sprite is as it is
    assert not np.array_equal(a[-1], b[-1])


def test_paths_go_where_they_say() -> None:
    w, h, n, fps = 640, 360, 48, 24
    for motion, check in (
        (Motion.LEFT, lambda a, b: b.cx < a.cx - 0.05 * w),
        (Motion.RIGHT, lambda a, b: b.cx > a.cx + 0.05 * w),
        (Motion.UP, lambda a, b: b.cy < a.cy - 0.05 * h),
        (Motion.DOWN, lambda a, b: b.cy > a.cy + 0.05 * h),
        (Motion.TOWARD, lambda a, b: b.height > 1.3 * a.height),
        (Motion.AWAY, lambda a, b: b.height < 0.77 * a.height),
        (Motion.GROW, lambda a, b: b.height > 1.3 * a.height),
        (Motion.SHRINK, lambda a, b: b.height < 0.77 * a.height),
        (Motion.SPIN, lambda a, b: abs(b.angle_rad - a.angle_rad) > 1.0),
        (Motion.STILL, lambda a, b: (a.cx, a.cy, a.height) == (b.cx, b.cy, b.height)),
    ):
        s = Subject(Kind.BOX, Colour.RED, column=Column.CENTER, row=Row.MID, motion=motion)
        assert check(mo.track(s, 0, n, fps, w, h), mo.track(s, n - 1, n, fps, w, h)), motion


def test_layout_keeps_subjects_apart_even_in_portrait() -> None:
    scene = Scene(Setting.STUDIO, Light.NEUTRAL, Camera.STATIC, tuple(
        Subject(Kind.BALL, Colour.RED, Size.LARGE, Column.CENTER, Row.LOW) for _ in range(4)))
    for w, h in ((720, 1280), (1280, 720)):
        places = mo.layout(scene, w, h)
        boxes = sorted((p.x - p.height / 2, p.x + p.height / 2) for p in places)
        assert all(b[0] >= a[1] for a, b in itertools.pairwise(boxes))
        assert boxes[0][0] >= 0 and boxes[-1][1] <= w


def _first_frame_overlaps(scene: Scene, w: int, h: int, n: int, fps: int,
                          span: tuple[float, float] | None = None) -> list[tuple[int, int]]:
    places = mo.layout(scene, w, h, n, fps, span)
    boxes = [mo._frame0_box(s, p, w, h, n, fps) for s, p in zip(scene.subjects, places, strict=True)]
    return [(i, j) for (i, a), (j, b) in itertools.combinations(enumerate(boxes), 2)
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]]


def test_layout_separates_subjects_linked_through_a_third() -> None:
    # A bouncing triangle starts high, a bouncing dog a little lower: their boxes share height with
    # each other, and the dog's with a small star on the ground that the triangle's does not.
    # All three are one group to spread, or the dog starts inside the triangle.
    subjects = (
        Subject(Kind.TRIANGLE, Colour.BROWN, Size.LARGE, Column.CENTER, Row.LOW, Motion.BOUNCE, speed=Speed.FAST),
        Subject(Kind.DOG, Colour.BROWN, Size.LARGE, Column.RIGHT, Row.LOW, Motion.BOUNCE),
        Subject(Kind.STAR, Colour.ORANGE, Size.SMALL, Column.FAR_LEFT, Row.LOW, Motion.TOWARD, speed=Speed.FAST),
        Subject(Kind.PERSON, Colour.RED, Size.MEDIUM, Column.LEFT, Row.LOW, Motion.LEFT, Gait.WALK),
    )
    scene = Scene(Setting.SNOW, Light.COOL, Camera.PAN_LEFT, subjects)
    assert _first_frame_overlaps(scene, 480, 270, 40, 8, (0.0, 363.0)) == []


def test_layout_moves_a_sideways_mover_where_it_starts() -> None:
    # Moving right from the right-hand column, the box starts further back to have room ahead,
    # next to where the dog stands: the layout must move its start, not the column it came from.
    subjects = (
        Subject(Kind.BOX, Colour.RED, Size.MEDIUM, Column.RIGHT, Row.LOW, Motion.RIGHT),
        Subject(Kind.DOG, Colour.ORANGE, Size.LARGE, Column.LEFT, Row.LOW, Motion.STILL),
    )
    scene = Scene(Setting.OCEAN, Light.NEUTRAL, Camera.ORBIT, subjects)
    span = (156.0, 480.0)  # what an orbit sees all clip long
    assert _first_frame_overlaps(scene, 480, 270, 40, 8, span) == []
    box = mo.layout(scene, 480, 270, 40, 8, span)[0]
    first, last = (mo.track(subjects[0], i, 40, 8, 480, 270, box) for i in (0, 39))
    assert last.cx > first.cx + 0.2 * 480  # and it still travels


def test_layout_leaves_no_two_first_frames_overlapping() -> None:
    from framecast.engine.sandbox.world import random_scene

    rng = np.random.default_rng(5)
    for n in range(150):
        scene = random_scene(rng)
        w, h = ((480, 270), (270, 480), (1280, 720))[n % 3]
        assert _first_frame_overlaps(scene, w, h, 40, 8) == [], scene
