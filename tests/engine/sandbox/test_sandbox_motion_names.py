"""Verbs no caption used are read as the world motion WordNet's is-a links file them under."""

from __future__ import annotations

from collections import Counter

from framecast.engine.sandbox.motion_names import VERBS_PATH, load_verbs, motion_anchors, motion_gloss
from framecast.engine.sandbox.pipeline import SandboxPipeline
from framecast.engine.sandbox.scene import Gait, Motion

from .sandbox_support import assert_gloss_logged, shipped_pipeline


def test_the_shipped_table_reads_verbs_the_captions_never_used() -> None:
    gloss = motion_gloss()
    readings = {"plummet": (Motion.DOWN, "fall"), "plummets": (Motion.DOWN, "falls"),
                "plummeting": (Motion.DOWN, "falling"), "trudges": (Gait.WALK, "walks"),
                "trudging": (Gait.WALK, "walking"), "scamper": (Gait.RUN, "run"), "dive": (Motion.DOWN, "fall")}
    assert {verb: gloss.meanings[verb][:2] for verb in readings} == readings
    # Senses that disagree (bolt: move, lock, swallow, flee), a hypernym of the anchors (diminish),
    # words captions use, in any form, adjectives, and verbs that are mostly nouns.
    for word in ("bolt", "freeze", "diminish", "swerve", "walk", "walks", "falling", "still", "slow", "flowers",
                 "troops", "saunter"):
        assert word not in gloss.meanings, word
    assert gloss("a ball plummets, a man trudging to the left with a backpack") == (
        "a ball plummets falls, a man trudging walking to the left with a backpack")


def test_only_one_word_verbs_anchor_so_no_direction_is_guessed() -> None:
    # "move to the left" says its direction in words WordNet's verbs do not carry.
    values = set(motion_anchors(load_verbs(VERBS_PATH)).values())
    assert Motion.DOWN in values and Gait.WALK in values
    assert not values & {Motion.LEFT, Motion.RIGHT, Motion.TOWARD, Motion.AWAY}


def test_the_pipeline_reads_a_held_out_verb_and_says_so() -> None:
    p = shipped_pipeline()
    motions = Counter(s.motion for seed in range(8) for s in p.sample_scene("a red ball plummeting", "", seed).subjects)
    assert motions[Motion.DOWN] >= 7 and sum(motions.values()) - motions[Motion.DOWN] <= 1, motions
    assert_gloss_logged("a red ball plummets", "the verb", "plummets", "down")


def test_verbs_of_resting_are_read_as_staying_still() -> None:
    gloss = motion_gloss()
    readings = {"sleeping": "resting", "sleeps": "rests", "slept": "rested", "napping": "resting",
                "perched": "rested", "dozes": "rests", "meditating": "resting"}
    assert {word: (gloss.meanings[word].meaning, gloss.meanings[word].said) for word in readings} == {
        word: (Motion.STILL, said) for word, said in readings.items()}
    # After an article the word is a noun, as for any verb the gloss reads, unless it is a participle
    # that says what the noun after it does.
    assert gloss("a cat sleeping on the grass after a nap, a bird perched on a branch") == (
        "a cat sleeping resting on the grass after a nap, a bird perched rested on a branch")
    assert gloss("a sleeping cat, the dozing dogs, a backpack") == (
        "a sleeping resting cat, the dozing resting dogs, a backpack")
    # Landing is coming down; "the landing" is a noun.
    assert gloss("a bird landing on the grass, a plane lands, the landing") == (
        "a bird landing falling on the grass, a plane lands falls, the landing")


def test_the_pipeline_draws_a_sleeping_subject_still() -> None:
    prompts = ("a cat sleeping on the grass", "a bird perched on a branch", "a dog napping in the sun",
               "a sleeping cat on the sofa")
    plain = SandboxPipeline(glosses=False)
    # Read as written, the sleeping cat is mostly drawn moving.
    assert sum(plain.sample_scene(prompts[0], "", seed).subjects[0].motion is Motion.STILL for seed in range(10)) <= 3
    p = shipped_pipeline()
    for prompt in prompts:
        drawn = [[s.motion for s in p.sample_scene(prompt, "", seed).subjects] for seed in range(10)]
        assert all(motions == [Motion.STILL] for motions in drawn), (prompt, drawn)
    assert_gloss_logged("a cat sleeping", "the verb", "sleeping", "still")
    landing = [[s.motion for s in p.sample_scene("a bird landing on the grass", "", seed).subjects]
               for seed in range(10)]
    assert all(motions == [Motion.DOWN] for motions in landing), landing
