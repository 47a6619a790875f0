from __future__ import annotations

import pytest

from framecast.engine.sandbox.scene import Kind
from framecast.engine.sandbox.similes import similes

from .sandbox_support import assert_drawn_alone, assert_training_captions_unchanged


@pytest.mark.parametrize(("prompt", "read", "left_out"), [
    ("a man bounces like a ball in the park", "a man bounces in the park", ["like a ball"]),
    ("a man deflates like a tyre", "a man deflates", ["like a tyre"]),
    ("a dog like a wolf runs left", "a dog runs left", ["like a wolf"]),  # ends before a training verb
    ("a ball spins like a spinning top, then melts", "a ball spins, then melts", ["like a spinning top"]),
    ("A cat LIKE THE tiger and a dog", "A cat and a dog", ["LIKE THE tiger"]),
    # Likenesses of the training phrases: learned as part of an effect, drawn as nothing.
    ("a red ball inflates like a balloon", "a red ball inflates like a balloon", []),
    ("a box peels like a sticker", "a box peels like a sticker", []),
    ("a ring is squeezed like a stress ball at night", "a ring is squeezed like a stress ball at night", []),
    # "like" the verb, and a likeness whose end is not clear within three words: left alone.
    ("I'd like a video of a red ball", "I'd like a video of a red ball", []),
    ("we like a calm ocean", "we like a calm ocean", []),
    ("a dog that looks like a big fluffy white cloud", "a dog that looks like a big fluffy white cloud", []),
    ("a cat that is like a", "a cat that is like a", []),
])
def test_a_likeness_is_left_out_unless_training_phrases_use_it(prompt: str, read: str, left_out: list[str]) -> None:
    assert similes().read(prompt) == (read, left_out)


def test_no_training_caption_is_changed() -> None:
    assert_training_captions_unchanged(lambda text: similes().read(text)[0], count=3000)


def test_the_pipeline_draws_no_thing_a_subject_is_likened_to_and_says_so() -> None:
    # Read with the likeness, the generator draws a ball beside the man on 20 of 20 seeds.
    assert_drawn_alone("a man in blue bounces like a ball", Kind.BALL, [Kind.PERSON],
                       "left out the likeness 'like a ball'")
