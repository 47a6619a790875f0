"""Examples for the effect classifier: world scenes with known effects, read as the evaluation reads them."""

from __future__ import annotations

import pytest

from framecast.engine.sandbox.effect_analysis import decide, pick_effect
from framecast.engine.sandbox.effect_data import effect_examples
from framecast.engine.sandbox.effect_model import EFFECT_EXAMPLES_PATH, chosen_candidate, load_examples
from framecast.engine.sandbox.scene import Effect


@pytest.mark.slow
def test_examples_carry_the_scenes_truth_and_repeat_for_a_seed() -> None:
    examples = effect_examples(2, seed=5, log=lambda _: None)
    # At least one subject a scene is given an effect.
    assert sum(ex.truth is not Effect.NONE for ex in examples) >= 2
    assert all(ex.candidates and ex.about for ex in examples)
    for ex in examples:
        # The candidate the classifier is fitted on is the one the analyzer itself goes by.
        assert decide(chosen_candidate(ex)) is pick_effect(ex.candidates, decide)
    assert effect_examples(2, seed=5, log=lambda _: None) == examples


@pytest.mark.slow
def test_the_shipped_examples_are_what_fit_effects_renders() -> None:
    """The first scenes of the first seed (101) give the first shipped examples, feature for feature."""
    fresh = effect_examples(2, seed=101, log=lambda _: None)
    shipped = load_examples(EFFECT_EXAMPLES_PATH)[: len(fresh)]
    assert [ex.truth for ex in fresh] == [ex.truth for ex in shipped]
    for a, b in zip(fresh, shipped, strict=True):
        assert a.about == b.about
        for fa, fb in zip(a.candidates, b.candidates, strict=True):
            assert fa.as_dict() == pytest.approx(fb.as_dict(), abs=1e-6)
