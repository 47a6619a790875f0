from __future__ import annotations

from collections import Counter
from dataclasses import replace

import numpy as np
import pytest

from framecast.engine.sandbox.captions import caption
from framecast.engine.sandbox.evaluate import EVAL_RATES
from framecast.engine.sandbox.pipeline import SandboxPipeline
from framecast.engine.sandbox.scene import Kind, Motion
from framecast.engine.sandbox.travels import DIRECTIONS, read_travels, shipped_travel_verbs, travel_verbs

from .sandbox_support import assert_training_captions_unchanged, generation_log, shipped_pipeline, table_of

# "travel" (1, 2: moving; 3: not), verbs under it or elsewhere (4).
SYNSETS = {1: ("motion", ()), 2: ("motion", ()), 3: ("communication", ()), 4: ("motion", ()),
           10: ("motion", (1,)), 11: ("motion", (2,)), 12: ("communication", (1,)), 13: ("motion", (4,)),
           14: ("motion", (3,))}


def test_a_verb_of_travelling_is_filed_under_travel_first_and_is_mostly_a_move() -> None:
    table = table_of({"travel": (1, 3, 2), "swim": (10, "stative"), "sail": (11,), "whine": (10, 12, 12),
                      "fall": (13,), "drone": (14,), "slither": (10,), "crawl": (13, 10, 10), "skate": (10,),
                      "withdraw": (10,), "roam": (10,)},
                     SYNSETS)
    table = replace(table, mostly_nouns=frozenset({"skate"}))
    verbs = travel_verbs(table, known={"slither"}, glossed={"roams"})
    # Under a moving sense of "travel", first, and mostly moves; not a caption's word, a glossed word,
    # a noun first, or a verb with a way of its own.
    assert verbs == {"swim", "swims", "swimming", "sail", "sails", "sailing"}


def test_the_shipped_verbs_of_travelling() -> None:
    verbs = shipped_travel_verbs()
    assert {"swimming", "crawls", "slither", "riding", "sailing", "trek"} <= verbs
    # Mostly sounds or sieving; read by the motion gloss ("roam" walks); a way of its own; a caption's verb.
    assert not {"whining", "sifting", "roaming", "withdrawing", "returning", "walking", "drifting"} & verbs


@pytest.mark.parametrize(("prompt", "read"), [
    ("a fish swimming in the ocean", "a fish swimming {} in the ocean"),
    ("A snake slithers.", "A snake slithers {}."),
    ("a man riding a bike through the park", "a man riding a bike {} through the park"),
    ("a man riding his old horse", "a man riding his old horse {}"),
    ("two fish swimming and a cat sitting", "two fish swimming {} and a cat sitting"),
    # A way already said, before a clause ends: left alone.
    ("a fish swimming to the left", "a fish swimming to the left"),
    ("a fish swims away from us", "a fish swims away from us"),
    ("a dog crawling closer", "a dog crawling closer"),
    ("a fish swimming in circles", "a fish swimming in circles"),
    ("a fish swimming upstream", "a fish swimming upstream"),
    ("a fish swimming toward the camera", "a fish swimming toward the camera"),
    # A noun after an article, the camera, a camera move.
    ("a dog by the swimming pool", "a dog by the swimming pool"),
    ("the camera creeps over the city", "the camera creeps over the city"),
    ("a ball, creeping zoom in", "a ball, creeping zoom in"),
])
def test_a_travel_with_no_way_gets_one_from_the_seed(prompt: str, read: str) -> None:
    ways = set()
    for seed in range(12):
        text, found = read_travels(prompt, seed)
        assert text in {read.format(words) for words in DIRECTIONS.values()}, text
        assert read_travels(prompt, seed) == (text, found)  # the seed decides
        assert [way for _, way in found] == [way for way, words in DIRECTIONS.items() if words in text
                                             and words not in prompt]
        ways |= {way for _, way in found}
    assert ways == (set(DIRECTIONS) if "{}" in read else set())


def test_no_training_or_held_out_caption_is_changed() -> None:
    assert_training_captions_unchanged(lambda text: read_travels(text, 0)[0], count=3000)
    rng = np.random.default_rng(2024)  # the evaluation's own draw
    captions = [caption(rng, held_out=True, rates=EVAL_RATES).text for _ in range(3000)]
    assert [text for i, text in enumerate(captions) if read_travels(text, 2024 + i)[1]] == []


def test_the_pipeline_draws_a_swimmer_travelling_across_the_frame() -> None:
    prompt = "a fish swimming in the ocean"
    # Read as written, the fish mostly bounces, grows or stays still: no motion was read.
    plain = Counter(SandboxPipeline(glosses=False).sample_scene(prompt, "", seed).subjects[0].motion
                    for seed in range(10))
    assert plain[Motion.LEFT] + plain[Motion.RIGHT] <= 3, plain
    drawn = [shipped_pipeline().sample_scene(prompt, "", seed).subjects for seed in range(10)]
    assert all([(s.kind, s.motion in DIRECTIONS) for s in subjects] == [(Kind.FISH, True)] for subjects in drawn)
    assert {subjects[0].motion for subjects in drawn} == set(DIRECTIONS)
    # The way drawn is the way the log says the seed chose.
    for seed in range(3):
        way = shipped_pipeline().sample_scene(prompt, "", seed).subjects[0].motion
        log = generation_log(shipped_pipeline(), prompt, seed)
        assert f"read 'swimming' as travelling {way.value}: the prompt leaves the way open, the seed chose it" in log
