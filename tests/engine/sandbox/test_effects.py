"""The Pikaffects as sprite transforms: identity at progress 0, deterministic, sane layers, and
each one visibly changes the subject."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from effect_fixtures import make_background, make_sprite, render_effect

from framecast.catalog.schema import Pikaffect
from framecast.engine.sandbox.effects import apply_effect
from framecast.engine.sandbox.imaging.raster import composite
from framecast.engine.sandbox.scene import Effect, Layer

EFFECTS = [e for e in Effect if e is not Effect.NONE]


def _render(layers: list[Layer], h: int = 200, w: int = 320) -> np.ndarray:
    return composite(np.zeros((h, w, 3), np.float32), layers)


def test_every_pikaffect_of_the_api_is_an_effect() -> None:
    assert {p.value for p in Pikaffect} == {e.value for e in EFFECTS}


@pytest.mark.parametrize("effect", EFFECTS, ids=lambda e: e.value)
def test_progress_zero_is_the_untouched_sprite(effect: Effect) -> None:
    sprite = make_sprite("ball", "red", 40, 50)
    layers = apply_effect(effect, sprite, 100.0, 80.0, 0.0, np.random.default_rng(1))
    assert len(layers) == 1
    assert np.array_equal(layers[0].rgba, sprite)
    assert (layers[0].cx, layers[0].cy) == (100.0, 80.0)


@pytest.mark.parametrize("effect", EFFECTS, ids=lambda e: e.value)
def test_effects_are_deterministic_for_a_seeded_generator(effect: Effect) -> None:
    sprite = make_sprite("star", "blue", 48, 40)
    for p in (0.3, 0.7):
        a = _render(apply_effect(effect, sprite, 160, 110, p, np.random.default_rng(5)))
        b = _render(apply_effect(effect, sprite, 160, 110, p, np.random.default_rng(5)))
        assert np.array_equal(a, b)


@pytest.mark.parametrize("effect", EFFECTS, ids=lambda e: e.value)
def test_layers_are_sane_premultiplied_rgba_near_the_subject(effect: Effect) -> None:
    sprite = make_sprite("person", "green", 60, 40)
    h, w = sprite.shape[:2]
    for p in np.linspace(0.05, 1.0, 8):
        for layer in apply_effect(effect, sprite, 300.0, 200.0, float(p), np.random.default_rng(2), z=3.0):
            rgba = layer.rgba
            assert rgba.dtype == np.float32 and rgba.ndim == 3 and rgba.shape[2] == 4
            assert np.isfinite(rgba).all()
            assert rgba[..., 3].min() >= 0.0 and rgba[..., 3].max() <= 1.0 + 1e-5
            assert (rgba[..., :3] <= rgba[..., 3:4] + 1e-4).all(), "colour must be premultiplied"
            # Explosions fly furthest: a few subject sizes, never unbounded.
            assert abs(layer.cx - 300.0) < 5 * max(h, w) and abs(layer.cy - 200.0) < 5 * max(h, w)
            assert rgba.shape[0] < 6 * max(h, w) and rgba.shape[1] < 6 * max(h, w)
            assert 2.9 <= layer.z <= 3.1


@pytest.mark.parametrize("effect", EFFECTS, ids=lambda e: e.value)
def test_each_effect_visibly_changes_the_subject(effect: Effect) -> None:
    sprite = make_sprite("box", "yellow", 50, 50)
    bg = make_background("plain", 120, 200)
    frames, _ = render_effect(effect, sprite, bg, frames=10)
    # The most changed frame: a poke is over by the end, the others hold their end state.
    changed = np.abs(frames.astype(int) - frames[0].astype(int)).max(-1) > 30
    assert changed.mean(axis=(1, 2)).max() > 0.01


def test_the_same_rng_each_frame_keeps_fragments_in_place_over_time() -> None:
    # Fragments must move smoothly: consecutive progress steps give nearby layouts.
    sprite = make_sprite("ball", "red", 60, 60)
    a = apply_effect(Effect.CRUMBLE, sprite, 200, 150, 0.50, np.random.default_rng(9))
    b = apply_effect(Effect.CRUMBLE, sprite, 200, 150, 0.51, np.random.default_rng(9))
    assert len(a) == len(b)
    moves = [np.hypot(la.cx - lb.cx, la.cy - lb.cy) for la, lb in zip(a, b, strict=True)]
    assert max(moves) < 10


def test_large_sprites_stay_affordable() -> None:
    import time

    sprite = make_sprite("ball", "red", 360, 360)
    start = time.process_time()
    for effect in EFFECTS:
        apply_effect(effect, sprite, 640, 360, 0.5, np.random.default_rng(0))
    per_effect = (time.process_time() - start) / len(EFFECTS)
    assert per_effect < 0.25  # generous: a loaded CI machine, but a per-pixel Python loop is far slower
