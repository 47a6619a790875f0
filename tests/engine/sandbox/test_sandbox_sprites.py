"""The sprite painter: one-pass outlined parts, planar canvas, premultiplied output."""

from __future__ import annotations

import numpy as np
import pytest

from framecast.engine.sandbox.scene import Colour, Kind
from framecast.engine.sandbox.sprites import PALETTE, _Canvas, draw_subject


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
