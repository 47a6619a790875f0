from __future__ import annotations

import re

import numpy as np
import pytest

from framecast.engine.sandbox import words as w
from framecast.engine.sandbox.captions import EVAL_RATES, HELD_OUT_COMBINATIONS, caption
from framecast.engine.sandbox.scene import Camera, Colour, Effect, Gait, Kind, Light, Motion, Setting, Size, Speed


def _held_out_phrases() -> set[str]:
    out: set[str] = set()
    for table in (w.COLOUR, w.KIND, w.SIZE, w.LIGHT_ADJECTIVE, w.LIGHT_PHRASE, w.CAMERA, w.MOTION, w.GAIT,
                  w.GAIT_DIRECTION, w.SPEED, w.EFFECT, w.TIMING, w.COUNT_WORDS, w.COLUMN, w.ROW):
        for syn in table.values():  # type: ignore[attr-defined]
            out.update(syn.held_out)
    for _, held in w.SETTING.values():
        out.update(noun for _, _, noun in held)
    return out


def test_every_token_has_words() -> None:
    assert set(w.COLOUR) == set(Colour) and len(Colour) >= 12
    assert set(w.KIND) == set(Kind) - {Kind.IMAGE}
    assert set(w.SETTING) == set(Setting)
    assert set(w.LIGHT_ADJECTIVE) == set(w.LIGHT_PHRASE) == set(Light)
    assert set(w.CAMERA) == set(Camera)
    assert set(w.MOTION) == set(Motion)
    assert set(w.GAIT) == {Gait.WALK, Gait.RUN}
    assert set(w.SPEED) == set(Speed) and set(w.SIZE) == set(Size)
    assert set(w.EFFECT) == set(Effect) - {Effect.NONE}
    for needed, table in (("crimson scarlet navy azure violet magenta", w.COLOUR),
                          ("sphere orb cube crate pyramid pup kitten", w.KIND)):
        vocabulary = {p for syn in table.values() for p in syn.train}  # type: ignore[attr-defined]
        assert set(needed.split()) <= vocabulary
    lights = {p for syn in w.LIGHT_ADJECTIVE.values() for p in syn.train} | {
        p for syn in w.LIGHT_PHRASE.values() for p in syn.train}
    assert {"dusky", "at dusk", "foggy", "in a warm glow"} <= lights


def test_training_captions_never_contain_a_held_out_phrase() -> None:
    rng = np.random.default_rng(0)
    texts = [caption(rng).text.lower() for _ in range(4000)]
    for phrase in _held_out_phrases():
        pattern = re.compile(rf"(?<![\w-]){re.escape(phrase.lower())}(?![\w-])")
        hits = [t for t in texts if pattern.search(t)]
        assert not hits, f"held-out {phrase!r} in training caption {hits[0]!r}"
    for frame_word in ("footage of", "we see", "imagine", "a short clip:", "set in", "here,"):
        assert not any(t.startswith(frame_word) for t in texts), frame_word


def test_training_captions_never_name_a_held_out_combination() -> None:
    rng = np.random.default_rng(1)
    for _ in range(3000):
        spec = caption(rng).spec
        for g in spec.groups:
            if g.spec.kinds and len(g.spec.kinds) == 1:
                for other in (g.spec.colour, g.spec.motion, spec.setting):
                    assert (g.spec.kinds[0], other) not in HELD_OUT_COMBINATIONS


def test_held_out_captions_carry_something_new() -> None:
    rng = np.random.default_rng(2)
    held = _held_out_phrases()
    for _ in range(300):
        c = caption(rng, held_out=True, rates=EVAL_RATES)
        assert c.novelty and c.novelty[0] in ("synonym", "template", "combination")
        if c.novelty[0] == "synonym":
            assert any(re.search(rf"(?<![\w-]){re.escape(p.lower())}(?![\w-])", c.text.lower()) for p in held), c.text


def test_captions_are_deterministic_per_seed() -> None:
    a = [caption(np.random.default_rng(5)).text for _ in range(3)]
    b = [caption(np.random.default_rng(5)).text for _ in range(3)]
    assert a == b


@pytest.mark.parametrize(("phrase", "form", "expected"), [
    ("roll to the left", "third", "rolls to the left"), ("go left", "third", "goes left"),
    ("run", "ing", "running"), ("move closer", "ing", "moving closer"), ("fly up", "third", "flies up"),
    ("see", "ing", "seeing"), ("spin", "ing", "spinning"), ("be poked", "plural", "are poked"),
    ("get poked", "plural", "get poked"), ("bob up and down", "ing", "bobbing up and down"),
    ("sag flat", "ing", "sagging flat"), ("split open", "ing", "splitting open"), ("plummet", "ing", "plummeting"),
])
def test_conjugate(phrase: str, form: str, expected: str) -> None:
    assert w.conjugate(phrase, form) == expected


@pytest.mark.parametrize(("noun", "expected"), [
    ("ball", "balls"), ("box", "boxes"), ("puppy", "puppies"), ("person", "people"), ("fish", "fish"),
    ("young woman", "young women"), ("beach ball", "beach balls"), ("someone", "people"),
])
def test_plural(noun: str, expected: str) -> None:
    assert w.plural(noun) == expected


def test_article() -> None:
    assert w.article("orb") == "an" and w.article("red") == "a" and w.article("hour") == "an"
