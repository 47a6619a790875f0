from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pytest

from framecast.engine.sandbox.place_phrases import MIN_SIMILARITY, PlaceGloss, training_phrases
from framecast.engine.sandbox.scene import Setting

from .sandbox_support import assert_gloss_logged, assert_training_captions_unchanged, shipped_gloss, shipped_pipeline

# A hand-made embedding: a phrase points along the axis of the first key word it contains.
AXES = ("stage", "grove", "fog", "meadow")
MEANINGS = (Setting.STUDIO, Setting.FOREST, None, Setting.GRASS_FIELD)  # "fog" names a light, not a place
KEYS = {"soundstage": 0, "stage": 0, "thicket": 1, "grove": 1, "haze": 2, "fog": 2, "paddock": 3,
        "beside": 0}  # a preposition that reads as a stage, whatever follows it


class KeywordEmbedding:
    def __init__(self, weak: frozenset[str] = frozenset()) -> None:
        self.asked: list[str] = []
        self.weak = weak  # key words only half as near their axis as MIN_SIMILARITY asks

    def __call__(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        self.asked.extend(texts)
        out = np.zeros((len(texts), len(AXES) + 1), np.float32)
        for row, text in enumerate(texts):
            hit = next((KEYS[word] for word in text.lower().split() if word in KEYS), None)
            if hit is None:
                out[row, -1] = 1.0  # near nothing
            else:
                near = MIN_SIMILARITY / 2 if any(word in self.weak for word in text.split()) else 0.9
                out[row, hit], out[row, -1] = near, float(np.sqrt(1 - near * near))
        return out


def _gloss(embed: KeywordEmbedding) -> PlaceGloss:
    known = frozenset({"a", "the", "ball", "red", "dog", "runs", "run", "in", "on", "stage", "grove", "fog", "then",
                       "spins", "and", "cat", "big", "leaping", "hurry", "box"})
    phrases = np.eye(len(AXES), len(AXES) + 1, dtype=np.float32)
    places = [i for i, meaning in enumerate(MEANINGS) if meaning is not None]
    return PlaceGloss(embed, phrases, MEANINGS, phrases[places], tuple(m for m in MEANINGS if m is not None),
                      known, frozenset({"in", "on", "across", "beside"}))


@pytest.mark.parametrize(("prompt", "glossed"), [
    ("a red ball on a soundstage", "a red ball on a soundstage studio"),
    ("a dog runs in a thicket, then spins", "a dog runs in a thicket forest, then spins"),
    ("a ball across the big paddock and a cat", "a ball across the big paddock field and a cat"),
    ("a red ball on a soundstage studio", "a red ball on a soundstage studio"),  # already said
])
def test_a_place_phrase_with_an_unknown_word_is_followed_by_its_setting(prompt: str, glossed: str) -> None:
    assert _gloss(KeywordEmbedding())(prompt) == glossed


def test_the_phrase_read_ends_at_punctuation_and_at_a_new_clause() -> None:
    embed = KeywordEmbedding()
    gloss = _gloss(embed)
    assert gloss.glossed("a dog in a thicket, then a ball on a soundstage and a cat") == [
        ("in a thicket", Setting.FOREST), ("on a soundstage", Setting.STUDIO)]
    # Each phrase whole, then its words after the article alone.
    assert embed.asked == ["in a thicket", "on a soundstage", "thicket", "soundstage"]


def test_a_phrase_whose_own_words_are_nearest_another_setting_is_left_alone() -> None:
    # "beside the paddock" is nearest the stage by its preposition, "paddock" alone the meadow.
    embed = KeywordEmbedding()
    assert _gloss(embed)("a dog beside the paddock") == "a dog beside the paddock"
    assert embed.asked == ["beside the paddock", "paddock"]


def test_phrases_nearest_another_field_or_not_near_enough_are_left_alone() -> None:
    assert _gloss(KeywordEmbedding())("a ball in a haze") == "a ball in a haze"  # nearest a light phrase
    weak = KeywordEmbedding(weak=frozenset({"soundstage"}))
    assert _gloss(weak)("a ball on a soundstage") == "a ball on a soundstage"
    assert weak.asked == ["on a soundstage", "soundstage"]


def test_phrases_of_known_words_and_their_plurals_are_never_embedded() -> None:
    embed = KeywordEmbedding()
    gloss = _gloss(embed)
    for prompt in ("a red ball on a stage", "a dog in the grove", "a cat in a big grove leaping", "a dog on a stage",
                   "a ball in the grove runs", "a red ball", "a cat in the grove hurries", "a ball on the boxes"):
        assert gloss(prompt) == prompt
    assert embed.asked == []


def test_training_phrases_cover_every_setting_and_the_other_fields() -> None:
    table = training_phrases()
    fields = Counter(field for _, field, _ in table)
    assert {value for _, field, value in table if field == "setting"} == set(Setting)
    assert {"colour", "kind", "motion", "effect", "light_phrase", "row", "speed"} <= set(fields)
    assert ("in a grove", "setting", Setting.FOREST) in table


@pytest.mark.parametrize(("prompt", "phrase", "setting"), [
    ("a red ball on a soundstage", "on a soundstage", Setting.STUDIO),
    ("a dog in a metropolis", "in a metropolis", Setting.CITY_STREET),
    ("a bird under a starlit sky", "under a starlit sky", Setting.NIGHT_SKY),
    ("a fish on the seashore", "on the seashore", Setting.OCEAN),
    ("a cat sleeps in a kitchen", "in a kitchen", Setting.STUDIO),
    ("a ball bounces in outer space", "in outer space", Setting.NIGHT_SKY),
    ("a dog by the lake", "by the lake", Setting.OCEAN),
])
def test_the_shipped_reading_of_place_phrases(prompt: str, phrase: str, setting: Setting) -> None:
    assert shipped_gloss(PlaceGloss).glossed(prompt) == [(phrase, setting)]


@pytest.mark.parametrize("prompt", ["a woman in a lilac raincoat walks", "a cat at breakneck speed",
                                    "a dog on a beach", "a red ball in a meadow at dusk",
                                    # nearest "by the ocean" by "by the", but no sea in their own words
                                    "a dog waiting by the door", "a cat sitting by the window",
                                    "a man standing by the car"])
def test_phrases_that_name_no_new_place_are_not_read(prompt: str) -> None:
    assert shipped_gloss(PlaceGloss)(prompt) == prompt


def test_the_forms_captions_give_training_verbs_are_known() -> None:
    gloss = shipped_gloss(PlaceGloss)
    assert {"hurries", "leaping", "bouncing", "melts"} <= gloss.known
    prompt = "Someone enormous in a green sweater hurries right at a normal pace under an overcast sky"
    assert gloss(prompt) == prompt


def test_no_training_caption_is_changed() -> None:
    assert_training_captions_unchanged(shipped_gloss(PlaceGloss), count=4000)


def test_the_pipeline_reads_a_soundstage_as_a_studio_and_says_so() -> None:
    p = shipped_pipeline()
    settings = Counter(p.sample_scene("a red ball bouncing on a soundstage", "", seed).setting for seed in range(8))
    assert settings[Setting.STUDIO] >= 7, settings
    assert_gloss_logged("a red ball on a soundstage", "the place", "on a soundstage", "studio")
