from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pytest

from framecast.engine.sandbox.effect_phrases import (
    MIN_SIMILARITY,
    EffectPhraseGloss,
    lemmas,
    verb_phrases,
)
from framecast.engine.sandbox.scene import Effect

from .sandbox_support import assert_gloss_logged, assert_training_captions_unchanged, shipped_gloss, shipped_pipeline

# A hand-made embedding of "it <phrase>": a phrase points along the axis of the first key word it holds.
AXES = ("melt", "tear", "rise")
MEANINGS = (Effect.MELT, Effect.TEAR, None)  # "rise" names a motion
KEYS = {"melt": 0, "melts": 0, "melting": 0, "puddle": 0, "goo": 0,
        "tear": 1, "tears": 1, "tearing": 1, "shreds": 1, "rip": 1,
        "rise": 2, "rises": 2, "rising": 2, "skyward": 2, "sky": 2}


class KeywordEmbedding:
    def __init__(self, near: float = 0.9, between: str | None = None) -> None:
        self.asked: list[str] = []
        self.near = near
        self.between = between  # a key word that lands as near "melt" as "tear"

    def __call__(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        self.asked.extend(texts)
        out = np.zeros((len(texts), len(AXES) + 1), np.float32)
        for row, text in enumerate(texts):
            words = text.lower().split()
            if self.between is not None and self.between in words:
                out[row, 0] = out[row, 1] = 0.65
            else:
                hit = next((KEYS[word] for word in words if word in KEYS), None)
                if hit is not None:
                    out[row, hit] = self.near
            out[row, -1] = float(np.sqrt(max(0.0, 1 - float((out[row, :-1] ** 2).sum()))))
        return out


def _gloss(embed: KeywordEmbedding) -> EffectPhraseGloss:
    known = frozenset({"a", "the", "ball", "red", "dog", "in", "then", "and", "melt", "melts", "tear", "tears", "rise",
                       "rises", "is", "gets", "into", "to", "at", "snow"})
    phrases = {form: np.eye(len(AXES), len(AXES) + 1, dtype=np.float32) for form in ("base", "third", "ing")}
    verbs = frozenset({"ooze", "shred", "soar", "rip", "goo", "zap"})
    stops = frozenset({"melt", "melts", "melting", "tear", "tears", "tearing", "rise", "rises", "rising", "at", "in"})
    return EffectPhraseGloss(embed, phrases, MEANINGS, known, verbs, verbs - {"goo"}, stops)


@pytest.mark.parametrize(("prompt", "glossed"), [
    ("a red ball oozes into a puddle", "a red ball oozes melts into a puddle"),
    ("a dog is shredded to shreds, then a ball", "a dog is shredded tears apart to shreds, then a ball"),
    ("a ball getting ripped to shreds in the snow", "a ball getting ripped tearing apart to shreds in the snow"),
])
def test_the_verb_of_an_effect_phrase_is_followed_by_the_effect_in_its_form(prompt: str, glossed: str) -> None:
    gloss = _gloss(KeywordEmbedding())
    assert gloss(prompt) == glossed
    assert gloss(glossed) == glossed  # read once: the verb is now followed by a training verb


def test_each_verb_reads_its_nearest_phrase_which_ends_at_punctuation_clauses_stops_and_after_three_words() -> None:
    embed = KeywordEmbedding()
    gloss = _gloss(embed)
    assert gloss.glossed("a dog is shredded to shreds, then a ball") == [("is shredded to shreds", Effect.TEAR)]
    assert embed.asked == ["it is shredded to", "it is shredded to shreds"]
    embed.asked.clear()
    gloss("a ball oozes and melts; a dog zaps into a big red puddle at dusk")
    assert embed.asked == ["it zaps into", "it zaps into a", "it zaps into a big"]


def test_phrases_nearest_a_motion_between_effects_or_not_near_enough_are_left_alone() -> None:
    for embed, prompt in ((KeywordEmbedding(), "a ball soars skyward"),
                          (KeywordEmbedding(between="shreds"), "a ball oozes into shreds"),
                          (KeywordEmbedding(near=MIN_SIMILARITY - 0.1), "a ball oozes into a puddle")):
        assert _gloss(embed)(prompt) == prompt
        assert embed.asked


def test_only_unknown_verbs_start_a_phrase_and_some_only_in_a_verb_form() -> None:
    embed = KeywordEmbedding()
    gloss = _gloss(embed)
    for prompt in ("a red ball melts into a puddle", "a dog tears in the snow", "a ball in the goo",
                   "a ball goos into a puddle", "a red ball oozes", "a red ball"):
        assert gloss(prompt) == prompt
    assert embed.asked == []
    assert gloss.glossed("a ball gooing into the puddle") == [("gooing into the puddle", Effect.MELT)]


@pytest.mark.parametrize(("word", "base"), [("ripped", "rip"), ("shatters", "shatter"), ("liquefies", "liquefy"),
                                            ("popping", "pop"), ("pressed", "press"), ("morphing", "morph"),
                                            ("scatters", "scatter"), ("compressed", "compress")])
def test_lemmas_find_the_base_form(word: str, base: str) -> None:
    assert base in lemmas(word)


def test_the_phrases_compared_are_every_training_verb_phrase() -> None:
    table = verb_phrases()
    assert {effect for _, effect in table} == set(Effect) - {Effect.NONE} | {None}
    assert ("get poked", Effect.POKE) in table and ("move to the left", None) in table and ("stroll", None) in table


# Phrases written for this test, none of them a held-out phrase of the evaluation.
@pytest.mark.parametrize(("prompt", "phrase", "effect"), [
    ("a red ball evaporates into dust", "evaporates into dust", Effect.DISSOLVE),
    ("a blue box oozes into a puddle", "oozes into a puddle", Effect.MELT),
    ("a cat sprouts googly eyes", "sprouts googly eyes", Effect.EYE_POP),
    ("a box splinters into pieces", "splinters into pieces", Effect.CRUMBLE),
    # Verbs WordNet files under no motion or change ("stab", "nudge": contact; "ogle": perception).
    ("a ball gets stabbed with a finger", "gets stabbed with a finger", Effect.POKE),
    ("a red ball gets nudged by a finger", "gets nudged by a finger", Effect.POKE),
    ("a bird ogles with huge eyes", "ogles with huge eyes", Effect.EYE_POP),
    ("a ring shrugs off its skin", "shrugs off its skin", Effect.PEEL),
])
def test_the_shipped_reading_of_effect_phrases(prompt: str, phrase: str, effect: Effect) -> None:
    gloss = shipped_gloss(EffectPhraseGloss)
    assert gloss.glossed(prompt) == [(phrase, effect)]
    assert gloss(gloss(prompt)) == gloss(prompt)


@pytest.mark.parametrize("prompt", ["a dog jumping over a fence", "a woman dancing in the rain",
                                    "a cat napping on a sofa", "a ball soars upward", "a ball proceeds to the left",
                                    "a man saunters away", "a star twinkling in the night sky",
                                    "a candle flickering at dusk", "a woman reads a book", "a man eats an apple",
                                    "a boy kicks a ball", "a dog barks loudly", "a girl sings a song"])
def test_phrases_that_name_no_effect_are_not_read(prompt: str) -> None:
    assert shipped_gloss(EffectPhraseGloss)(prompt) == prompt


def test_no_training_caption_is_changed() -> None:
    assert_training_captions_unchanged(shipped_gloss(EffectPhraseGloss), count=1000)  # 12 ms a caption


def test_the_pipeline_reads_a_ball_pressed_flat_as_crushed_and_says_so() -> None:
    # The evaluation's held-out phrase for Crush: alone, the generator reads it as Deflate on most seeds.
    p = shipped_pipeline()
    prompt = "a red ball getting pressed flat"
    effects = [p.sample_scene(prompt, "", seed).subjects[0].effect for seed in range(6)]
    assert effects.count(Effect.CRUSH) >= 5, effects
    assert_gloss_logged(prompt, "the effect phrase", "getting pressed flat", "Crush")
