from __future__ import annotations

import numpy as np
import pytest

from framecast.engine.sandbox.captions import caption
from framecast.engine.sandbox.evaluate import EVAL_RATES
from framecast.engine.sandbox.negations import negations, read_still
from framecast.engine.sandbox.pipeline import SandboxPipeline
from framecast.engine.sandbox.scene import Camera, Effect, Kind, Motion

from .sandbox_support import assert_training_captions_unchanged, generation_log, shipped_pipeline


@pytest.mark.parametrize(("prompt", "read", "negated"), [
    ("a cat in a park, no dogs", "a cat in a park", ["dogs"]),
    ("a snowy scene with no people", "a snowy scene", ["people"]),
    ("a red ball without any boxes", "a red ball", ["any boxes"]),
    ("a dog and no cats in the snow", "a dog in the snow", ["cats"]),
    ("a cat but not any dogs", "a cat", ["dogs"]),
    ("a cat, not a dog, sleeps", "a cat, sleeps", ["dog"]),
    ("a sky with no birds or stars", "a sky", ["birds or stars"]),
    ("No dogs. A red ball bounces", "A red ball bounces", ["dogs"]),
    ("a field with no dogs running around", "a field running around", ["dogs"]),  # ends before a training verb
    ("a beach with no mackerel", "a beach", ["mackerel"]),  # a noun the kind gloss reads as a fish
    ("an empty street, nobody around", "an empty street", ["a person"]),
    ("no one in the desert at night", "in the desert at night", ["a person"]),
    # An effect: its own verb, after "without" or a verb's negation.
    ("a red ball bouncing without exploding", "a red ball bouncing", ["exploding"]),
    ("a box that does not melt", "a box", ["melt"]),
    ("a pink cat that never gets squished", "a pink cat", ["gets squished"]),
    ("a ball that won't deflate, in the snow", "a ball, in the snow", ["deflate"]),
    ("a box that doesn't melt but explodes", "a box but explodes", ["melt"]),
    # Not "none of" a thing, or not a thing of the world: left where the generator reads it.
    ("no more than two balls bounce", "no more than two balls bounce", []),
    ("the camera does not move", "the camera does not move", []),
    ("a ball that does not stop bouncing", "a ball that does not stop bouncing", []),
    ("a ball rolling without losing speed", "a ball rolling without losing speed", []),
    ("a star, no camera movement", "a star, no camera movement", []),
    ("a man with no hat walks left", "a man with no hat walks left", []),
    ("a ball spinning without stopping", "a ball spinning without stopping", []),
    ("No, a red ball", "No, a red ball", []),
])
def test_a_negated_subject_is_taken_out_of_the_prompt(prompt: str, read: str, negated: list[str]) -> None:
    assert negations().read(prompt) == (read, negated)


def test_no_training_or_held_out_caption_is_changed() -> None:
    assert_training_captions_unchanged(lambda text: negations().read(text)[0], count=3000)
    rng = np.random.default_rng(2024)  # the evaluation's own draw
    held_out = [caption(rng, held_out=True, rates=EVAL_RATES).text for _ in range(1000)]
    assert [text for text in held_out if negations().read(text)[0] != text] == []


@pytest.mark.parametrize(("prompt", "wanted", "unwanted"), [
    ("a cat in a park, no dogs", Kind.CAT, Kind.DOG),
    ("a red ball without any boxes", Kind.BALL, Kind.BOX),
    ("a snowy scene with no people", None, Kind.PERSON),
    ("a red ball bouncing without exploding", Kind.BALL, Effect.EXPLODE),
    ("a box that does not melt", Kind.BOX, Effect.MELT),
])
def test_the_pipeline_draws_nothing_the_prompt_negates(prompt: str, wanted: Kind | None,
                                                       unwanted: Kind | Effect) -> None:
    def drawn(p: SandboxPipeline, seed: int) -> set[Kind | Effect]:
        return {value for s in p.sample_scene(prompt, "", seed).subjects for value in (s.kind, s.effect)}

    # Read as written, the generator draws what is negated on 20 of 20 seeds.
    assert all(unwanted in drawn(SandboxPipeline(glosses=False), seed) for seed in range(3))
    for seed in range(10):
        values = drawn(shipped_pipeline(), seed)
        assert unwanted not in values and (wanted is None or wanted in values), (seed, values)


def test_a_negation_joins_the_request_negative_prompt_and_is_logged() -> None:
    p = shipped_pipeline()
    # Kinds that animals in a field are drawn as on these seeds, with and without the negations.
    seeds = range(20)
    drawn = {s.kind for seed in seeds for s in p.sample_scene("animals in a field", "", seed).subjects}
    assert {Kind.CAT, Kind.BIRD} <= drawn
    both = {s.kind for seed in seeds for s in p.sample_scene("animals in a field, no cats", "birds", seed).subjects}
    assert Kind.CAT not in both and Kind.BIRD not in both
    lines = generation_log(p, "a cat in a park, no dogs")
    assert "read 'dogs' as not wanted: steering away from it as the negative prompt does" in lines


def test_a_camera_negation_still_reads_as_a_static_shot() -> None:
    p = shipped_pipeline()
    assert all(p.sample_scene("a dog running left, no camera movement", "", seed).camera is Camera.STATIC
               for seed in range(10))


@pytest.mark.parametrize(("prompt", "read", "found"), [
    ("a cat not moving", "a cat staying still", ["not moving"]),
    ("a cat that does not move", "a cat that stays still", ["does not move"]),
    ("a cat that doesn't move", "a cat that stays still", ["doesn't move"]),
    ("a cat is not moving", "a cat is staying still", ["is not moving"]),
    ("two dogs that do not move", "two dogs that stay still", ["do not move"]),
    ("a dog never moves", "a dog stays still", ["never moves"]),
    ("a ball that won't budge", "a ball that will stay still", ["won't budge"]),
    ("a cat that did not move", "a cat that stayed still", ["did not move"]),
    ("a cat without stirring", "a cat staying still", ["without stirring"]),
    # The camera's own: the training captions' static shot.
    ("a dog running left, the camera does not move", "a dog running left, the camera does not move", []),
    ("a static shot, the camera is not moving", "a static shot, the camera is not moving", []),
    ("a man who is not a mover", "a man who is not a mover", []),
])
def test_a_negated_move_is_read_as_staying_still(prompt: str, read: str, found: list[str]) -> None:
    assert read_still(prompt) == (read, found)


def test_no_training_or_held_out_caption_has_a_negated_move() -> None:
    assert_training_captions_unchanged(lambda text: read_still(text)[0], count=3000)
    rng = np.random.default_rng(2024)
    assert [t for t in (caption(rng, held_out=True, rates=EVAL_RATES).text for _ in range(1000))
            if read_still(t)[1]] == []


@pytest.mark.parametrize(("prompt", "said"), [("a cat that does not move", "does not move"),
                                           ("a dog never moves", "never moves"),
                                           ("a red ball not moving", "not moving")])
def test_the_pipeline_draws_a_subject_whose_move_is_negated_staying_still(prompt: str, said: str) -> None:
    # Read as written, the subject is still on only 2 or 3 of 10 seeds.
    plain = SandboxPipeline(glosses=False)
    assert sum(plain.sample_scene(prompt, "", seed).subjects[0].motion is Motion.STILL for seed in range(10)) <= 5
    for seed in range(10):
        assert [s.motion for s in shipped_pipeline().sample_scene(prompt, "", seed).subjects] == [Motion.STILL], seed
    assert f"read {said!r} as staying still: the one move it leaves" in generation_log(shipped_pipeline(), prompt)
