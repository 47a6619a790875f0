from __future__ import annotations

import pytest

from framecast.engine.sandbox.pipeline import SandboxPipeline
from framecast.engine.sandbox.scene import Kind
from framecast.engine.sandbox.viewpoints import read_viewpoints

from .sandbox_support import assert_drawn_alone, assert_training_captions_unchanged, generation_log, shipped_pipeline


@pytest.mark.parametrize(("prompt", "read", "left_out"), [
    ("a bird's-eye view of a dog on the beach", "a view of a dog on the beach", ["bird's-eye"]),
    ("Bird\u2019s Eye View of a city street", "View of a city street", ["Bird\u2019s Eye"]),
    ("a fish-eye lens shot of a dog", "a lens shot of a dog", ["fish-eye"]),
    ("a fisheye camera", "a camera", ["fisheye"]),
    ("a drone shot of a city street", "a shot of a city street", ["drone"]),
    ("Drone footage of a dog", "footage of a dog", ["Drone"]),
    # A drone that is no camera: left alone.
    ("a drone flying over a city", "a drone flying over a city", []),
    # "eye" that is no viewpoint: left alone.
    ("a red-eyed dog", "a red-eyed dog", []),
    ("an eye-level shot of a cat", "an eye-level shot of a cat", []),
    ("a close-up eye shot", "a close-up eye shot", []),
    ("a cat with an eye patch", "a cat with an eye patch", []),
])
def test_a_viewpoint_idiom_loses_its_noun(prompt: str, read: str, left_out: list[str]) -> None:
    assert read_viewpoints(prompt) == (read, left_out)


def test_no_training_caption_is_changed() -> None:
    assert_training_captions_unchanged(lambda text: read_viewpoints(text)[0], count=3000)


def test_the_pipeline_draws_no_bird_for_a_birds_eye_view_and_says_so() -> None:
    # Read as written, the generator draws a bird beside the dog on 10 of 10 seeds.
    assert_drawn_alone("a bird's-eye view of a dog on the beach", Kind.BIRD, [Kind.DOG],
                       "left out the viewpoint \"bird's-eye\"")


def test_the_pipeline_draws_no_bird_for_a_drone_shot() -> None:
    # Read as written, "a drone shot of a city street" draws a bird on 20 of 20 seeds; a shot of a
    # city street names no subject, and one is drawn as the world's prior has it.
    plain = SandboxPipeline(glosses=False)
    assert all(Kind.BIRD in {s.kind for s in plain.sample_scene("a drone shot of a city street", "", seed).subjects}
               for seed in range(3))
    p = shipped_pipeline()
    for seed in range(10):
        assert (p.sample_scene("a drone shot of a city street", "", seed)
                == p.sample_scene("a shot of a city street", "", seed)), seed
    assert any(line.startswith("left out the viewpoint 'drone'")
               for line in generation_log(p, "a drone shot of a dog"))
