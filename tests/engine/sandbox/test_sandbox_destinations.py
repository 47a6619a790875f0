from __future__ import annotations

import numpy as np
import pytest

from framecast.engine.sandbox.captions import caption
from framecast.engine.sandbox.destinations import read_destinations
from framecast.engine.sandbox.evaluate import EVAL_RATES
from framecast.engine.sandbox.pipeline import SandboxPipeline
from framecast.engine.sandbox.scene import Kind, Motion, Setting

from .sandbox_support import assert_training_captions_unchanged, generation_log, shipped_pipeline


@pytest.mark.parametrize(("prompt", "read", "found"), [
    ("a kid running toward the sea", "a kid running into the distance to the sea", [("the sea", Motion.AWAY)]),
    ("a man walking Towards the distant mountains, at dusk",
     "a man walking into the distance to the distant mountains, at dusk", [("the distant mountains", Motion.AWAY)]),
    ("a dog runs toward the city at a steady pace", "a dog runs into the distance to the city at a steady pace",
     [("the city", Motion.AWAY)]),
    ("a cat walking toward the horizon fast", "a cat walking into the distance to the horizon fast",
     [("the horizon", Motion.AWAY)]),
    ("a bird flying toward the sky", "a bird flying upward to the sky", [("the sky", Motion.UP)]),
    ("a fish swimming toward the surface", "a fish swimming upward to the surface", [("the surface", Motion.UP)]),
    ("a ball falling toward the ground", "a ball falling downward to the ground", [("the ground", Motion.DOWN)]),
    # The camera, the sides, a moment, another subject, a pronoun: left alone.
    ("a man running toward the camera", "a man running toward the camera", []),
    ("a dog heading toward us", "a dog heading toward us", []),
    ("a ball rolling towards the left", "a ball rolling towards the left", []),
    ("a box that melts toward the end", "a box that melts toward the end", []),
    ("a cat walking toward a ball", "a cat walking toward a ball", []),
    ("a dog running toward its owner", "a dog running toward its owner", []),
    ("two dogs running toward each other", "two dogs running toward each other", []),
    # More words than a destination takes: not read.
    ("a man walking toward the big old red house", "a man walking toward the big old red house", []),
])
def test_toward_a_place_is_written_as_its_direction(prompt: str, read: str, found: list[tuple[str, Motion]]) -> None:
    assert read_destinations(prompt) == (read, found)


def test_no_training_caption_is_changed_and_held_out_ones_only_toward_the_horizon() -> None:
    assert_training_captions_unchanged(lambda text: read_destinations(text)[0], count=3000)
    rng = np.random.default_rng(2024)  # the evaluation's own draw
    read = [found for _ in range(3000)
            for found in read_destinations(caption(rng, held_out=True, rates=EVAL_RATES).text)[1]]
    assert read and {said for said, _ in read} == {"the horizon"}
    assert {direction for _, direction in read} == {Motion.AWAY}


@pytest.mark.parametrize(("prompt", "kind", "motion", "setting"), [
    ("a kid running toward the sea", Kind.PERSON, Motion.AWAY, Setting.OCEAN),
    ("a dog running toward the city", Kind.DOG, Motion.AWAY, Setting.CITY_STREET),
    ("a bird flying toward the sky", Kind.BIRD, Motion.UP, None),
    ("a ball falling toward the ground", Kind.BALL, Motion.DOWN, None),
])
def test_the_pipeline_draws_the_subject_going_where_toward_points(prompt: str, kind: Kind, motion: Motion,
                                                                   setting: Setting | None) -> None:
    # Read as written, every one of these comes at the camera.
    assert all(s.motion is Motion.TOWARD for seed in range(3)
               for s in SandboxPipeline(glosses=False).sample_scene(prompt, "", seed).subjects)
    for seed in range(10):
        scene = shipped_pipeline().sample_scene(prompt, "", seed)
        assert [(s.kind, s.motion) for s in scene.subjects] == [(kind, motion)], (seed, scene)
        assert setting is None or scene.setting is setting, (seed, scene)


def test_the_pipeline_says_how_it_read_toward() -> None:
    lines = generation_log(shipped_pipeline(), "a kid running toward the sea")
    assert "read 'toward the sea' as moving away: a place lies beyond the subject, not at the camera" in lines
