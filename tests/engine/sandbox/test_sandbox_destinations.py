from __future__ import annotations

import numpy as np
import pytest

from framecast.engine.sandbox.captions import caption
from framecast.engine.sandbox.destinations import read_along, read_destinations
from framecast.engine.sandbox.evaluate import EVAL_RATES
from framecast.engine.sandbox.pipeline import SandboxPipeline
from framecast.engine.sandbox.scene import Kind, Motion, Setting

from .sandbox_support import assert_training_captions_unchanged, generation_log, shipped_pipeline


@pytest.mark.parametrize(("prompt", "read", "found"), [
    ("a kid running toward the sea", "a kid running into the distance to the sea", [("toward the sea", Motion.AWAY)]),
    ("a man walking Towards the distant mountains, at dusk",
     "a man walking into the distance to the distant mountains, at dusk",
     [("Towards the distant mountains", Motion.AWAY)]),
    ("a dog runs toward the city at a steady pace", "a dog runs into the distance to the city at a steady pace",
     [("toward the city", Motion.AWAY)]),
    ("a cat walking toward the horizon fast", "a cat walking into the distance to the horizon fast",
     [("toward the horizon", Motion.AWAY)]),
    ("a bird flying toward the sky", "a bird flying upward to the sky", [("toward the sky", Motion.UP)]),
    ("a fish swimming toward the surface", "a fish swimming upward to the surface",
     [("toward the surface", Motion.UP)]),
    ("a ball falling toward the ground", "a ball falling downward to the ground", [("toward the ground", Motion.DOWN)]),
    # "At" the camera after a verb of moving.
    ("a cat runs straight at the camera", "a cat runs straight toward the camera", [("at the camera", Motion.TOWARD)]),
    ("a kid running right at us", "a kid running right toward us", [("at us", Motion.TOWARD)]),
    ("a dog staring at the camera", "a dog staring at the camera", []),
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


@pytest.mark.parametrize(("prompt", "read", "found"), [
    ("a bird flying from left to right", "a bird flying to the right", [("from left to right", Motion.RIGHT)]),
    ("a car driving from the right to the left", "a car driving to the left",
     [("from the right to the left", Motion.LEFT)]),
    ("a ball moving from the bottom to the top of the screen", "a ball moving upward",
     [("from the bottom to the top of the screen", Motion.UP)]),
    ("a man walks left to right", "a man walks to the right", [("left to right", Motion.RIGHT)]),
    ("the camera pans from left to right", "the camera pans to the right", [("from left to right", Motion.RIGHT)]),
    ("a box falls from top to bottom", "a box falls downward", [("from top to bottom", Motion.DOWN)]),
    # No path: the same side twice, or sides that are not a path.
    ("a box from left to left", "a box from left to left", []),
    ("a dog turning left to look right", "a dog turning left to look right", []),
])
def test_a_path_across_the_frame_is_written_as_its_end(prompt: str, read: str, found: list[tuple[str, Motion]]) -> None:
    assert read_destinations(prompt) == (read, found)


@pytest.mark.parametrize(("prompt", "read", "found"), [
    ("a dog running down the road", "a dog running along the road", ["down the road"]),
    ("a man walking up the busy old street at night", "a man walking along the busy old street at night",
     ["up the busy old street"]),
    ("a boat sailing down the river", "a boat sailing along the river", ["down the river"]),  # a verb of travelling
    ("kids running down the beaches", "kids running along the beaches", ["down the beaches"]),
    # Ways that go down, a way after no verb of moving, too many words between.
    ("a ball rolling down the hill", "a ball rolling down the hill", []),
    ("a man walking down the stairs", "a man walking down the stairs", []),
    ("a house down the street", "a house down the street", []),
    ("a dog staring down the road", "a dog staring down the road", []),
    ("a dog running down the very long and empty road", "a dog running down the very long and empty road", []),
])
def test_down_a_level_way_is_along_it(prompt: str, read: str, found: list[str]) -> None:
    assert read_along(prompt) == (read, found)


def test_the_pipeline_draws_a_subject_going_along_a_road_across_the_frame() -> None:
    prompt = "a dog running down the road"
    assert all(SandboxPipeline(glosses=False).sample_scene(prompt, "", seed).subjects[0].motion is Motion.DOWN
               for seed in range(3))
    for seed in range(10):
        assert shipped_pipeline().sample_scene(prompt, "", seed).subjects[0].motion in {
            Motion.LEFT, Motion.RIGHT, Motion.AWAY, Motion.TOWARD}, seed
    assert ("read 'down the road' as along it: a level way runs across the ground, not downward or upward"
            in generation_log(shipped_pipeline(), prompt))


def test_no_training_caption_is_changed_and_held_out_ones_only_toward_the_horizon_or_at_the_camera() -> None:
    assert_training_captions_unchanged(lambda text: read_destinations(text)[0], count=3000)
    assert_training_captions_unchanged(lambda text: read_along(text)[0], count=3000)
    rng = np.random.default_rng(2024)  # the evaluation's own draw
    captions = [caption(rng, held_out=True, rates=EVAL_RATES).text for _ in range(3000)]
    read = {found for text in captions for found in read_destinations(text)[1]}
    assert read == {("toward the horizon", Motion.AWAY), ("at the camera", Motion.TOWARD)}
    assert [text for text in captions if read_along(text)[1]] == []


@pytest.mark.parametrize(("prompt", "kind", "motion", "setting"), [
    ("a kid running toward the sea", Kind.PERSON, Motion.AWAY, Setting.OCEAN),
    ("a dog running toward the city", Kind.DOG, Motion.AWAY, Setting.CITY_STREET),
    ("a bird flying toward the sky", Kind.BIRD, Motion.UP, None),
    ("a ball falling toward the ground", Kind.BALL, Motion.DOWN, None),
    ("a bird flying from left to right", Kind.BIRD, Motion.RIGHT, None),
    ("a ball moving from the bottom to the top", Kind.BALL, Motion.UP, None),
    ("a cat runs right at the camera", Kind.CAT, Motion.TOWARD, None),
])
def test_the_pipeline_draws_the_subject_going_where_it_is_said_to_go(prompt: str, kind: Kind, motion: Motion,
                                                                   setting: Setting | None) -> None:
    # Read as written, none goes there: toward a place it comes at the camera, on a path it goes by the
    # first side, and "right at the camera" goes right.
    assert all(s.motion is not motion for seed in range(3)
               for s in SandboxPipeline(glosses=False).sample_scene(prompt, "", seed).subjects)
    for seed in range(10):
        scene = shipped_pipeline().sample_scene(prompt, "", seed)
        assert [(s.kind, s.motion) for s in scene.subjects] == [(kind, motion)], (seed, scene)
        assert setting is None or scene.setting is setting, (seed, scene)


def test_the_pipeline_says_how_it_read_toward() -> None:
    lines = generation_log(shipped_pipeline(), "a kid running toward the sea")
    assert "read 'toward the sea' as moving away: where the subject goes, not the camera" in lines
