"""A gloss follows each unknown word of a prompt with the known word it is read as."""

from __future__ import annotations

import numpy as np
import pytest

from framecast.engine.sandbox.captions import TRAIN_RATES, caption
from framecast.engine.sandbox.colour_names import colour_gloss
from framecast.engine.sandbox.gloss import Gloss, Reading, rewritten, training_words
from framecast.engine.sandbox.kind_names import kind_gloss
from framecast.engine.sandbox.scene import Colour, Kind

COLOURS = Gloss({"fuchsia": Reading(Colour.PINK, "pink"), "bluish": Reading(Colour.BLUE, "blue")})
KINDS = Gloss({"mackerel": Reading(Kind.FISH, "fish"), "mackerels": Reading(Kind.FISH, "fish", "mackerel"),
               "guard": Reading(Kind.PERSON, "person")}, heads=frozenset({"dog", "dogs", "fish", "mackerel"}))


@pytest.mark.parametrize(("gloss", "prompt", "expected", "read"), [
    (COLOURS, "a fuchsia ball", "a fuchsia pink ball", ["fuchsia"]),
    (COLOURS, "Fuchsia balls.", "Fuchsia pink balls.", ["Fuchsia"]),
    (COLOURS, "a man in fuchsia, a bluish dog", "a man in fuchsia pink, a bluish blue dog", ["fuchsia", "bluish"]),
    (COLOURS, "a fuchsia pink ball", "a fuchsia pink ball", ["fuchsia"]),  # already said, and still read
    (COLOURS, "a crimson ball and a red box", "a crimson ball and a red box", []),  # known words
    (COLOURS, "", "", []),
    (KINDS, "a mackerel swims", "a mackerel fish swims", ["mackerel"]),
    (KINDS, "Two Mackerels swim.", "Two mackerel fish swim.", ["Mackerels"]),  # a plural is read as a compound
    (KINDS, "a guard walks", "a guard person walks", ["guard"]),
    (KINDS, "a guard dog", "a guard dog", []),  # modifies a head noun: left to it
    (KINDS, "a guard, dogs", "a guard, dogs", []),
    (KINDS, "a guard mackerel", "a guard mackerel fish", ["mackerel"]),
])
def test_the_gloss_follows_an_unknown_word_with_its_reading(
        gloss: Gloss[object], prompt: str, expected: str, read: list[str]) -> None:
    assert gloss(prompt) == expected
    assert [word for word, _ in gloss.glossed(prompt)] == read


def test_no_training_caption_is_changed() -> None:
    # So the generator is trained exactly as without the glosses, and known words are never glossed.
    colours, kinds = colour_gloss(), kind_gloss()
    known = training_words()
    assert {"crimson", "red", "forest", "ocean", "dog", "woman"} <= known
    assert not set(colours.meanings) & known
    assert not set(kinds.meanings) & known
    rng = np.random.default_rng(3)
    for _ in range(3000):
        text = caption(rng, rates=TRAIN_RATES).text
        assert kinds(colours(text)) == text, text


def test_rewritten_makes_each_edit_in_order() -> None:
    prompt = "a dog on a soundstage, the camera loops around, bounces like a ball"
    edits = [(21, 21, " studio"), (23, 46, "the camera circles around"), (55, 67, "")]
    assert rewritten(prompt, edits) == "a dog on a soundstage studio, the camera circles around, bounces"
    assert rewritten(prompt, []) == prompt
