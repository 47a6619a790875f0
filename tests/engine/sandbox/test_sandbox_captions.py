"""Captions say exactly what their spec pins down, and know where each attribute is named."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest

from framecast.engine.sandbox import words as w
from framecast.engine.sandbox.captions import (
    EVAL_RATES,
    TRAIN_RATES,
    Caption,
    _has_held_out_phrase,
    _verb_phrase,
    _Writer,
    caption,
)
from framecast.engine.sandbox.scene import Effect, Gait, Kind, Motion
from framecast.engine.sandbox.world import SubjectSpec

_SCENE_FIELDS = ("setting", "light", "camera")
_SUBJECT_FIELDS = ("colour", "size", "speed", "effect", "timing", "row", "column")


def _captions(held_out: bool, n: int = 600) -> list[Caption]:
    rng = np.random.default_rng(11)
    drawn = [caption(rng, held_out=True, rates=EVAL_RATES) if held_out else caption(rng) for _ in range(n)]
    return [c for c in drawn if c.spans or (not c.spec.groups and c.phrases)]


def _pinned(spec: SubjectSpec, field: str) -> object:
    if field == "kind":
        return spec.kinds[0] if spec.kinds is not None and len(spec.kinds) == 1 else None
    return getattr(spec, field)


@pytest.mark.parametrize("held_out", [False, True])
def test_every_phrase_names_what_the_spec_pins_inside_its_subjects_words(held_out: bool) -> None:
    checked = 0
    for c in _captions(held_out):
        for p in c.phrases:
            assert c.text[p.start : p.end].strip(), c.text
            if p.group < 0:
                assert getattr(c.spec, p.field) == p.value, (c.text, p)
                continue
            a, b = c.spans[p.group]
            assert a <= p.start < p.end <= b, (c.text, p)
            spec = c.spec.groups[p.group].spec
            if p.field == "gait":
                assert spec.gait == p.value, (c.text, p)
            else:
                assert _pinned(spec, p.field) == p.value, (c.text, p)
            checked += 1
    assert checked > 1000


@pytest.mark.parametrize("held_out", [False, True])
def test_what_the_spec_pins_is_named_in_the_text(held_out: bool) -> None:
    """A sentence frame without a setting (or camera) clause leaves the setting (or camera) open:
    a caption never pins something its words do not say."""
    missing: list[str] = []
    total = 0
    for c in _captions(held_out):
        named = {(p.group, p.field) for p in c.phrases}
        for f in _SCENE_FIELDS:
            if getattr(c.spec, f) is not None:
                total += 1
                if (-1, f) not in named:
                    missing.append(f"{f}: {c.text}")
        for g, group in enumerate(c.spec.groups):
            for f in (*_SUBJECT_FIELDS, "kind"):
                if _pinned(group.spec, f) is not None:
                    total += 1
                    if (g, f) not in named:
                        missing.append(f"{f}: {c.text}")
    assert total > 2000
    assert len(missing) <= total // 200, missing[:10]


def test_two_subjects_are_also_written_side_by_side_and_the_verb_agrees_with_the_first() -> None:
    rng = np.random.default_rng(4)
    beside = there = 0
    for _ in range(2500):
        c = caption(rng)
        low = c.text.lower()
        if len(c.spec.groups) != 2 or not c.spans or not any(f" {p} " in low for p in ("next to", "beside")):
            continue
        beside += 1
        # Both subjects keep their own words: the second's span starts after the preposition.
        first, second = c.spans
        assert first[1] <= second[0], c.text
        if low.startswith("there "):
            there += 1
            one = c.spec.groups[0].counts == (1,)
            assert low.startswith("there is " if one else "there are "), c.text
    assert beside >= 20 and there >= 1


def test_a_plural_subject_until_an_effect_reads_as_english() -> None:
    spec = SubjectSpec(motion=Motion.LEFT, effect=Effect.POKE)
    phrases = [_verb_phrase(_Writer(np.random.default_rng(i), False), spec, "base", True) for i in range(400)]
    linked = [p for p in phrases if " they " in p]
    assert linked and not [p for p in linked if " they be " in p]
    assert [p for p in linked if " they are " in p]  # "until they are poked"


def test_captions_keep_their_articles_and_pronouns_grammatical() -> None:
    texts = [c.text.lower() for held_out in (False, True) for c in _captions(held_out, 2000)]
    assert any("someone" in t for t in texts)
    for t in texts:
        assert not re.search(r"\b(a|an|the|one|single|her|his|their) someone", t), t
        assert not re.search(r"\ba [aeiou]", t), t  # "a eggplant hoodie"
        assert not re.search(r"\b(\w+) \1 background", t), t  # "a plain plain background"


def test_a_relation_joins_two_subjects_that_both_stay_named() -> None:
    """"a dog chasing a ball": the first subject does nothing of its own, the relation links the
    second to it, and the spec keeps both; held-out relations appear only in held-out captions."""
    rng = np.random.default_rng(6)
    linked = 0
    for _ in range(4000):
        c = caption(rng)
        low = c.text.lower()
        assert not any(f" {r} " in low for r in w.RELATION.held_out), c.text
        hit = [r for r in w.RELATION.train if f" {r} " in low]
        if len(c.spec.groups) != 2 or not c.spans or not hit:
            continue
        first, second = c.spans
        if not low[first[0] : second[0]].rstrip().endswith(f" {hit[0]}"):
            continue  # the word is part of another phrase
        # The relation closes the first subject's words; the second's are its own.
        linked += 1
        assert first[1] <= second[0] and hit[0] not in low[second[0] : second[1]], c.text
        assert all(g.spec.kinds for g in c.spec.groups), c.text
    assert linked >= 20
    held = [caption(rng, held_out=True, rates=EVAL_RATES).text.lower() for _ in range(1500)]
    assert any(f" {r} " in t for t in held for r in w.RELATION.held_out)


def test_a_person_walks_an_animal_and_owns_the_second_subject_only_in_training_captions() -> None:
    """"a woman walking her dog": both walk, the same way, though the words never say which way;
    "a man and his dog": a possessive stands for the second subject's article. Off in the shipped
    training rates; held-out captions never use them (the evaluation's draw stays as it was)."""
    rng = np.random.default_rng(8)
    rates = replace(TRAIN_RATES, possessive=0.25, leading=0.6, leading_alone=0.25)
    led = owned = 0
    for _ in range(6000):
        c = caption(rng, rates=rates)
        low = c.text.lower()
        words = low.replace(",", " ").replace(".", " ").split()
        if any(v in words for v in w.LEADING.train) and len(c.spec.groups) == 2 and any(
            f" {verb} {own} " in f" {low} " for verb in w.LEADING.train for own in w.POSSESSIVE
        ):
            person, animal = (g.spec for g in c.spec.groups)
            assert person.kinds == (Kind.PERSON,) and animal.kinds is not None, c.text
            assert set(animal.kinds) <= {Kind.DOG, Kind.CAT}, c.text
            assert person.gait is animal.gait is Gait.WALK and person.motion is animal.motion, c.text
            assert person.motion in (Motion.LEFT, Motion.RIGHT) and animal.effect is None, c.text
            # The verb is the person's: the word channel learns it as a gait.
            assert any(ph.group == 0 and ph.field == "gait" and low[ph.start : ph.end] in w.LEADING.train
                       for ph in c.phrases), c.text
            led += 1
        elif any(f" {own} " in f" {low} " for own in w.POSSESSIVE):
            first = c.spec.groups[0]
            assert first.spec.kinds == (Kind.PERSON,) and first.counts == (1,), c.text
            owned += 1
    assert led >= 15 and owned >= 30, (led, owned)
    held = [caption(rng, held_out=True, rates=EVAL_RATES).text.lower() for _ in range(600)]
    assert not any(f" {own} " in f" {t} " for t in held for own in w.POSSESSIVE)


def test_at_the_shipped_rates_no_caption_is_anyones_or_walks_an_animal() -> None:
    rng = np.random.default_rng(9)
    for _ in range(3000):
        low = f" {caption(rng).text.lower()} "
        assert not any(f" {own} " in low for own in w.POSSESSIVE), low
        assert not any(f" {verb} {own} " in low for verb in w.LEADING.train for own in w.POSSESSIVE), low


def test_training_captions_liken_motions_to_things_that_are_not_subjects() -> None:
    """"a man bounces like a ball" is one subject: at a rate above 0 (off in the shipped weights), a
    training caption now and then likens a motion to a noun of the world's kinds. The simile is
    drawn apart, so the caption is otherwise the one drawn without similes, spec and all; the noun
    is never the subject's kind phrase, never makes a held-out phrase, and held-out captions never
    liken (the evaluation's draw stays as it was)."""
    nouns = sorted({noun.lower() for syn in w.KIND.values() for noun in syn.train}, key=len, reverse=True)
    simile = re.compile(rf" like an? (?:{'|'.join(re.escape(n) for n in nouns)})(?![\w-])", re.IGNORECASE)
    with_similes, without = np.random.default_rng(12), np.random.default_rng(12)
    found = 0
    for _ in range(1500):
        c = caption(with_similes, rates=replace(TRAIN_RATES, simile=0.5))
        plain = caption(without, rates=replace(TRAIN_RATES, simile=0.0))
        assert c.spec == plain.spec
        assert simile.sub("", c.text) == simile.sub("", plain.text), (c.text, plain.text)
        assert not _has_held_out_phrase(c.text), c.text
        found += len(simile.findall(c.text)) - len(simile.findall(plain.text))
        kinds = [ph for ph in c.phrases if ph.field == "kind"]
        assert not any(m.start() <= ph.start < m.end() for m in simile.finditer(c.text) for ph in kinds), c.text
    assert found >= 250, found
    plain_draw, liking_draw = np.random.default_rng(13), np.random.default_rng(13)
    for _ in range(300):
        a = caption(plain_draw, held_out=True, rates=EVAL_RATES)
        assert a == caption(liking_draw, held_out=True, rates=replace(EVAL_RATES, simile=1.0))
