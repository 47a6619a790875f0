"""The sprite painter: one-pass outlined parts, planar canvas, premultiplied output."""

from __future__ import annotations

import numpy as np
import pytest

from framecast.engine.sandbox.imaging.raster import sample
from framecast.engine.sandbox.scene import Colour, Kind
from framecast.engine.sandbox.sprites import (
    PALETTE,
    Sprite,
    _Canvas,
    convex_hull,
    draw_subject,
    master_from,
    warp_sprite,
)


def _canvas(rng: np.random.Generator) -> _Canvas:
    canvas = _Canvas(0.0, 0.0, 40.0, 0.0, 1.0, 1.0, (-0.5, -0.5, 0.5, 0.5))
    canvas.alpha[:] = rng.random(canvas.alpha.shape, dtype=np.float32)
    canvas.rgb[:] = rng.random(canvas.rgb.shape, dtype=np.float32) * canvas.alpha
    return canvas


@pytest.mark.parametrize("stroke", [1.0, 1.7, 3.2])
def test_an_outlined_part_in_one_pass_equals_outline_then_fill(stroke: float) -> None:
    rng = np.random.default_rng(3)
    one, two = _canvas(rng), _canvas(np.random.default_rng(3))
    rows, cols = slice(4, 30), slice(6, 38)
    # A signed distance in pixels crossing the outline and the fill's edge, as a part's does.
    yy, xx = np.mgrid[0:26, 0:32].astype(np.float32)
    distance = np.hypot(yy - 13, xx - 16) - np.float32(9.0)
    outline, colour = np.array([0.1, 0.2, 0.3], np.float32), np.array([0.9, 0.5, 0.2], np.float32)

    one.paint_outlined(rows, cols, distance, stroke, outline, colour)
    two.paint(rows, cols, np.clip(0.5 - distance, 0.0, 1.0), outline)
    two.paint(rows, cols, np.clip(0.5 - (distance + stroke), 0.0, 1.0), colour)

    assert np.allclose(one.rgb, two.rgb, atol=1e-6) and np.allclose(one.alpha, two.alpha, atol=1e-6)
    # The fill shows inside the outline, the outline's colour on the ring, the old canvas outside.
    assert np.allclose(one.rgb[:, 17, 22], colour, atol=1e-6)
    fill = min(max(1.5 - stroke, 0.0), 1.0)  # one pixel inside the edge: the outline, and the fill's soft edge
    assert np.allclose(one.rgb[:, 4 + 13, 6 + 16 + 8], outline * (1 - fill) + colour * fill, atol=1e-5)
    assert one.alpha[4 + 13, 6 + 16 + 8] == pytest.approx(1.0)
    assert np.array_equal(one.rgb[:, 0, 0], _canvas(np.random.default_rng(3)).rgb[:, 0, 0])


def test_a_sprite_is_premultiplied_rgba_in_the_subjects_colour() -> None:
    sprite = draw_subject(Kind.BALL, Colour.BLUE, 10.25, 20.5, 60.0)
    rgba = sprite.rgba
    assert rgba.dtype == np.float32 and rgba.shape[2] == 4 and rgba.flags.c_contiguous
    assert (rgba[..., :3] <= rgba[..., 3:] + 1e-6).all()
    h, w = rgba.shape[:2]
    assert abs(sprite.x0 + w / 2 - 10.25) <= 2 and abs(sprite.y0 + h / 2 - 20.5) <= 2
    solid = rgba[..., 3] > 0.99
    mean = rgba[solid][:, :3].mean(0)
    assert np.argmax(mean) == int(np.argmax(PALETTE[Colour.BLUE]))
    assert solid.sum() > 0.6 * np.pi * 30 * 30  # a disc 60 px across, minus its outline


def _warped_whole(master: Sprite, cx: float, cy: float, sx: float, sy: float, angle: float,
                  size: int) -> np.ndarray:
    """The reference: every pixel of a (size, size) frame around the origin sampled from the master."""
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float64) + 0.5 - size / 2
    px, py = xs - cx, ys - cy
    cos, sin = np.cos(angle), np.sin(angle)
    u = (px * cos + py * sin) / sx - master.x0
    v = (-px * sin + py * cos) / sy - master.y0
    return sample(master.rgba, u.astype(np.float32), v.astype(np.float32))


def _placed(sprite: Sprite, size: int) -> np.ndarray:
    out = np.zeros((size, size, 4), np.float32)
    h, w = sprite.rgba.shape[:2]
    x0, y0 = sprite.x0 + size // 2, sprite.y0 + size // 2
    assert x0 >= 0 and y0 >= 0 and x0 + w <= size and y0 + h <= size
    out[y0 : y0 + h, x0 : x0 + w] = sprite.rgba
    return out


@pytest.mark.parametrize("kind", [Kind.STAR, Kind.BOX, Kind.PERSON, Kind.TRIANGLE])
@pytest.mark.parametrize(
    ("sx", "sy", "angle"), [(1.0, 1.0, 0.0), (0.8, 0.8, 0.7), (-0.9, 0.75, 2.1), (0.71, 1.0, -1.3)]
)
def test_a_warped_sprite_is_the_whole_resample_cut_to_its_hull(kind: Kind, sx: float, sy: float, angle: float) -> None:
    master = draw_subject(kind, Colour.ORANGE, 0.0, 0.0, 90.0)
    warped = warp_sprite(master_from(master), 3.3, -2.6, sx, sy, angle)
    # Only the box around the turned hull is resampled: nothing painted may be cut off.
    assert np.allclose(_placed(warped, 256), _warped_whole(master, 3.3, -2.6, sx, sy, angle, 256), atol=1e-4)
    assert warped.rgba.flags.c_contiguous and warped.rgba.dtype == np.float32


def test_a_convex_hull_keeps_the_outer_points_counter_clockwise() -> None:
    rng = np.random.default_rng(5)
    inner = rng.uniform(-0.9, 0.9, (200, 2))
    corners = np.array([[-1.0, -1.0], [1.0, -1.0], [1.0, 1.0], [-1.0, 1.0]])
    hull = convex_hull(np.concatenate([inner, corners, [[0.0, -1.0]]]))
    assert sorted(map(tuple, hull)) == sorted(map(tuple, corners))
    x, y = hull[:, 0], hull[:, 1]
    assert 0.5 * float(np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y)) == pytest.approx(4.0)  # positive: ccw
