from __future__ import annotations

import numpy as np
import pytest

from framecast.engine.sandbox.captions import caption
from framecast.engine.sandbox.evaluate import EVAL_RATES
from framecast.engine.sandbox.phrasal import read_phrasal
from framecast.engine.sandbox.pipeline import SandboxPipeline
from framecast.engine.sandbox.scene import Kind, Motion

from .sandbox_support import assert_training_captions_unchanged, generation_log, shipped_pipeline


@pytest.mark.parametrize(("prompt", "read", "found"), [
    ("a bird taking off from a branch", "a bird lifting off from a branch", ["taking off"]),
    ("A rocket Takes off.", "A rocket lifts off.", ["Takes off"]),
    ("a plane took off at dawn", "a plane lifted off at dawn", ["took off"]),
    ("birds take off", "birds lift off", ["take off"]),
    ("a plane touching down on the runway", "a plane coming down on the runway", ["touching down"]),
    ("a jet touched down", "a jet came down", ["touched down"]),
    # An object after it: not a move.
    ("a man taking off his hat", "a man taking off his hat", []),
    ("she took off the lid", "she took off the lid", []),
    ("a dog taking a walk", "a dog taking a walk", []),
])
def test_a_phrasal_verb_is_written_as_the_captions_phrase(prompt: str, read: str, found: list[str]) -> None:
    assert read_phrasal(prompt) == (read, found)


def test_no_training_or_held_out_caption_is_changed() -> None:
    assert_training_captions_unchanged(lambda text: read_phrasal(text)[0], count=3000)
    rng = np.random.default_rng(2024)  # the evaluation's own draw
    captions = [caption(rng, held_out=True, rates=EVAL_RATES).text for _ in range(3000)]
    assert [text for text in captions if read_phrasal(text)[1]] == []


def test_the_pipeline_draws_a_bird_taking_off_rising() -> None:
    prompt = "a bird taking off from a branch"
    assert not any(SandboxPipeline(glosses=False).sample_scene(prompt, "", seed).subjects[0].motion is Motion.UP
                   for seed in range(5))
    for seed in range(10):
        scene = shipped_pipeline().sample_scene(prompt, "", seed)
        assert [(s.kind, s.motion) for s in scene.subjects] == [(Kind.BIRD, Motion.UP)], (seed, scene)
    assert "read 'taking off' as the captions' phrase for the same move" in generation_log(shipped_pipeline(), prompt)
