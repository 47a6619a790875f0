"""Cutting the salient subject out of an image."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parents[1]))

from effect_fixtures import make_background, shape_alpha

from framecast.engine.sandbox.imaging.inpaint import fill_hole, inpaint
from framecast.engine.sandbox.imaging.segment import cut_out, segment_subject


def _scene(
    bg: str, kind: str, colour: tuple[float, float, float], h: int = 180, w: int = 320
) -> tuple[np.ndarray, np.ndarray]:
    a = np.zeros((h, w), np.float32)
    sh, sw = int(0.55 * h), int(0.3 * w)
    y0, x0 = int(0.25 * h), int(0.4 * w)
    a[y0 : y0 + sh, x0 : x0 + sw] = shape_alpha(kind, sh, sw)
    img = make_background(bg, h, w, seed=2) * (1 - a[..., None]) + a[..., None] * np.array(colour, np.float32)
    return (np.clip(img, 0, 1) * 255).astype(np.uint8), a > 0.5


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / max((a | b).sum(), 1))


@pytest.mark.parametrize("bg", ["plain", "textured", "grass", "studio"])
@pytest.mark.parametrize("kind", ["ball", "star", "person", "heart"])
def test_finds_a_drawn_subject(bg: str, kind: str) -> None:
    pixels, truth = _scene(bg, kind, (0.85, 0.15, 0.3))
    cut = cut_out(pixels)
    assert cut.method == "colour"
    assert _iou(cut.mask, truth) >= 0.8


def test_a_dark_subject_on_a_light_textured_background() -> None:
    pixels, truth = _scene("textured", "box", (0.1, 0.1, 0.12))
    assert _iou(cut_out(pixels).mask, truth) >= 0.8


def test_uses_the_alpha_channel_when_the_image_has_one() -> None:
    pixels = np.full((60, 80, 3), 255, np.uint8)  # transparent areas decode as white
    alpha = np.zeros((60, 80), np.uint8)
    alpha[10:50, 20:40] = 255
    matte, method = segment_subject(pixels, alpha)
    assert method == "alpha"
    assert np.array_equal(matte > 0.5, alpha > 127)
    cut = cut_out(pixels, alpha)
    assert (cut.x0, cut.y0, *cut.sprite.shape[:2]) == (20, 10, 40, 20)


def test_an_opaque_alpha_channel_falls_back_to_colour() -> None:
    pixels, truth = _scene("plain", "ball", (0.9, 0.8, 0.1))
    _, method = segment_subject(pixels, np.full(truth.shape, 255, np.uint8))
    assert method == "colour"


@pytest.mark.parametrize("shape", [(1, 1), (3, 5), (40, 40)])
def test_nothing_stands_out_gives_a_centred_ellipse_and_never_fails(shape: tuple[int, int]) -> None:
    pixels = np.full((*shape, 3), 128, np.uint8)
    cut = cut_out(pixels)
    assert cut.method == "ellipse"
    assert cut.sprite.shape[2] == 4 and cut.sprite[..., 3].max() > 0


def test_the_sprite_is_premultiplied_with_a_feathered_edge() -> None:
    pixels, _ = _scene("plain", "ball", (0.2, 0.3, 0.9), 360, 640)
    cut = cut_out(pixels)
    a = cut.sprite[..., 3]
    assert ((a > 0.05) & (a < 0.95)).any(), "edges should be soft"
    assert (cut.sprite[..., :3] <= a[..., None] + 1e-5).all()


def test_inpaint_keeps_known_pixels_and_continues_a_horizon() -> None:
    img = np.zeros((90, 160, 3), np.float32)
    img[:50] = (0.5, 0.7, 0.9)
    img[50:] = (0.2, 0.6, 0.2)
    hole = np.zeros((90, 160), bool)
    hole[30:75, 50:110] = True
    out = inpaint(img, hole)
    assert np.array_equal(out[~hole], img[~hole])
    assert np.abs(out[40, 80] - img[40, 0]).max() < 0.1  # sky above the horizon
    assert np.abs(out[65, 80] - img[65, 0]).max() < 0.1  # grass below it
    big = fill_hole(np.repeat(np.repeat(img, 8, 0), 8, 1), np.repeat(np.repeat(hole, 8, 0), 8, 1).astype(np.float32))
    assert np.abs(big[40 * 8, 80 * 8] - img[40, 0]).max() < 0.1
