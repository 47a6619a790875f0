"""The learned effect classifier: grown from examples, and the shipped one reads effects from clips."""

from __future__ import annotations

import gzip
import sys
from dataclasses import fields, replace
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from effect_fixtures import make_background, make_sprite, render_effect

from framecast.engine.sandbox.effect_analysis import EffectFeatures, classify_effect
from framecast.engine.sandbox.effect_model import (
    EFFECT_EXAMPLES_PATH,
    EffectExample,
    cross_validate,
    fit_effect_classifier,
    load_effect_classifier,
    load_examples,
    save_examples,
)
from framecast.engine.sandbox.scene import Effect
from framecast.errors import ConfigurationError


def _neutral() -> EffectFeatures:
    values = {f.name: 0.0 for f in fields(EffectFeatures)}
    values.update(area_end=1.0, area_max=1.0, area_min=1.0, height_end=1.0, height_min=1.0, width_end=1.0,
                  width_max=1.0, spread_max=1.0, pieces_max=1.0, pieces_end=1.0)
    return EffectFeatures(**values)


def _toy(n: int, seed: int) -> tuple[list[EffectFeatures], list[Effect]]:
    """Three effects told apart by one feature each, with noise on those features."""
    rng = np.random.default_rng(seed)
    features, truth = [], []
    for i in range(n):
        effect = (Effect.INFLATE, Effect.LEVITATE, Effect.NONE)[i % 3]
        f = replace(_neutral(), area_end=float(rng.normal(1.0, 0.05)), rise_end=float(rng.normal(0.0, 0.05)),
                    flash_max=float(rng.normal(0.0, 0.05)))
        if effect is Effect.INFLATE:
            f = replace(f, area_end=f.area_end + 0.8)
        elif effect is Effect.LEVITATE:
            f = replace(f, rise_end=f.rise_end + 0.5)
        features.append(f)
        truth.append(effect)
    return features, truth


def test_a_fitted_classifier_learns_what_tells_the_effects_apart() -> None:
    features, truth = _toy(90, seed=1)
    clf = fit_effect_classifier(features, truth, trees=50)
    test_f, test_t = _toy(60, seed=2)
    assert sum(clf(f) is t for f, t in zip(test_f, test_t, strict=True)) >= 57
    p = clf.probabilities(test_f[:3])
    assert set(p) == {Effect.INFLATE, Effect.LEVITATE, Effect.NONE}
    assert np.allclose(sum(p.values()), 1.0)


def test_the_same_examples_and_seed_grow_the_same_classifier() -> None:
    features, truth = _toy(45, seed=3)
    a = fit_effect_classifier(features, truth, seed=4, trees=30).probabilities(features)
    b = fit_effect_classifier(features, truth, seed=4, trees=30).probabilities(features)
    assert all(np.array_equal(a[k], b[k]) for k in a)


def test_examples_round_trip_plain_and_gzipped(tmp_path: Path) -> None:
    features, truth = _toy(6, seed=5)
    examples = [EffectExample(t, (f, replace(f, area_end=0.5)), f"case {i}")
                for i, (f, t) in enumerate(zip(features, truth, strict=True))]
    for name in ("examples.jsonl", "examples.jsonl.gz"):
        save_examples(examples, tmp_path / name)
        assert load_examples(tmp_path / name) == examples
    # The same examples give the same bytes (no timestamp in the gzip header).
    first = (tmp_path / "examples.jsonl.gz").read_bytes()
    save_examples(examples, tmp_path / "examples.jsonl.gz")
    assert (tmp_path / "examples.jsonl.gz").read_bytes() == first


def test_missing_or_corrupt_examples_are_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"missing.*fit-effects"):
        load_effect_classifier(tmp_path / "absent.jsonl.gz")
    truncated = tmp_path / "truncated.jsonl.gz"
    truncated.write_bytes(EFFECT_EXAMPLES_PATH.read_bytes()[:300])
    wrong = tmp_path / "wrong.jsonl.gz"
    wrong.write_bytes(gzip.compress(b'{"truth": "Wobble", "about": "", "candidates": []}\n'))
    unmeasured = tmp_path / "unmeasured.jsonl"
    unmeasured.write_text('{"truth": "Melt", "about": "", "candidates": []}\n')
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    for path in (truncated, wrong, unmeasured, empty):
        with pytest.raises(ConfigurationError, match="fit-effects"):
            load_effect_classifier(path)


def test_the_shipped_examples_cover_every_effect_and_beat_the_decision_list_held_out() -> None:
    examples = load_examples(EFFECT_EXAMPLES_PATH)
    counts = {e: sum(ex.truth is e for ex in examples) for e in Effect}
    assert min(counts.values()) >= 25, counts
    rules, learned = cross_validate(examples, folds=3, trees=100)
    # Measured: 84 % and 92 % over five folds of 500 trees (1,367 examples).
    assert learned >= rules + 0.04, (rules, learned)


@pytest.mark.slow
def test_the_shipped_classifier_names_effects_on_clips_unlike_its_examples() -> None:
    """Procedural sprites on procedural backgrounds (not the world's renderer it was fitted on)."""
    judge = load_effect_classifier()
    sprite = make_sprite("ball", "red", 52, 52, seed=3)
    bg = make_background("grass", 144, 256, seed=3)
    right = []
    for effect in Effect:
        frames, mask = render_effect(effect, sprite, bg, frames=24, seed=11, cx=120.0, ground=118.0)
        right.append(classify_effect(frames, mask, bg, judge=judge) is effect)
    assert sum(right) >= 15, right  # measured: 17 of 17 (the decision list: 17)


def test_without_scikit_learn_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sklearn.ensemble", None)
    features, truth = _toy(6, seed=6)
    with pytest.raises(ConfigurationError, match=r"framecast\[eval\]"):
        fit_effect_classifier(features, truth)
