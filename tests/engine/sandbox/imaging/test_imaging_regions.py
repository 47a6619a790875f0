"""Finding the region a text describes (or an image matches) in a video, and tracking it."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parents[1]))

from effect_fixtures import make_background, shape_alpha

from framecast.engine.sandbox.imaging.regions import colour_classes, find_region, parse_region

RED, BLUE = (0.85, 0.1, 0.1), (0.1, 0.2, 0.9)


def _video(t_n: int = 8, h: int = 90, w: int = 160) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A red ball rolling right and a still blue box on grass under a light-blue sky."""
    frames = np.zeros((t_n, h, w, 3), np.float32)
    balls = np.zeros((t_n, h, w), bool)
    box = np.zeros((h, w), np.float32)
    box[20:60, 110:130] = shape_alpha("box", 40, 20)
    for t in range(t_n):
        a = np.zeros((h, w), np.float32)
        x = 20 + 6 * t
        a[45:75, x : x + 30] = shape_alpha("ball", 30, 30)
        f = make_background("grass", h, w, seed=1)
        f = f * (1 - a[..., None]) + a[..., None] * np.array(RED, np.float32)
        frames[t] = f * (1 - box[..., None]) + box[..., None] * np.array(BLUE, np.float32)
        balls[t] = a > 0.5
    return frames, balls, box > 0.5


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / max((a | b).sum(), 1))


def test_parse_reads_colours_places_and_kinds() -> None:
    q = parse_region("the red ball on the left")
    assert q.colours == ("red",) and q.horizontal == 0.2 and q.kind == "object"
    assert parse_region("the sky").kind == "sky"
    assert parse_region("the grass").colours == ("green",)
    assert parse_region("a man in a grey coat").kind == "person"
    assert parse_region(None).empty


def test_colour_names_follow_hue() -> None:
    rgb = np.array([[RED, BLUE, (0.95, 0.95, 0.95), (0.05, 0.05, 0.05), (0.2, 0.7, 0.2)]], np.float32)
    names = [
        ["red", "orange", "yellow", "green", "cyan", "blue", "purple", "pink", "brown", "black", "white", "grey"][i]
        for i in colour_classes(rgb)[0]
    ]
    assert names == ["red", "blue", "white", "black", "green"]


def test_a_coloured_object_is_found_and_followed() -> None:
    frames, balls, _ = _video()
    track = find_region(frames, "the red ball")
    assert track.method == "words"
    assert all(_iou(track.masks[t], balls[t]) > 0.7 for t in range(len(frames)))


def test_an_object_touching_a_region_of_its_colour_name_is_told_apart() -> None:
    frames, _, box = _video()
    track = find_region(frames, "blue box")  # the sky is blue too, and touches the box
    assert _iou(track.masks[0], box) > 0.7 and _iou(track.masks[-1], box) > 0.7


def test_the_sky_is_the_region_at_the_top() -> None:
    frames, _, _ = _video()
    m = find_region(frames, "the sky").masks[0]
    assert m[:40].mean() > 0.8 and m[60:].mean() < 0.05


@pytest.mark.parametrize("words", ["the thing on the right", "right object"])
def test_places_pick_among_salient_objects(words: str) -> None:
    frames, _, box = _video()
    assert _iou(find_region(frames, words).masks[0], box) > 0.6


def test_an_image_is_matched_by_its_colours() -> None:
    frames, balls, _ = _video()
    patch = np.broadcast_to(np.array(RED, np.float32), (20, 20, 3)).copy()
    track = find_region(frames, None, patch, np.ones((20, 20), np.float32))
    assert track.method == "image"
    assert _iou(track.masks[3], balls[3]) > 0.7


def test_with_neither_it_is_the_most_salient_object() -> None:
    frames, balls, box = _video()
    m = find_region(frames).masks[0]
    assert _iou(m, balls[0]) > 0.7 or _iou(m, box) > 0.7


def test_patch_covers_the_region_at_output_size() -> None:
    frames, balls, _ = _video()
    track = find_region(frames, "red ball")
    got = track.patch(0, 360, 640)
    assert got is not None
    x0, y0, matte = got
    ys, xs = np.nonzero(balls[0])
    assert x0 <= xs.min() * 4 and y0 <= ys.min() * 4
    assert x0 + matte.shape[1] >= (xs.max() + 1) * 4 and y0 + matte.shape[0] >= (ys.max() + 1) * 4
    assert matte.max() > 0.99
