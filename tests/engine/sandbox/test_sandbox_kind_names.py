"""Nouns no caption used are read as the world kind WordNet's is-a links file them under."""

from __future__ import annotations

import gzip
from collections import Counter
from dataclasses import replace

import pytest

from framecast.engine.sandbox.kind_names import (
    CLASSES,
    NOUNS_PATH,
    build_gloss,
    class_anchors,
    kind_anchors,
    kind_gloss,
    noun_reader,
    plain_nouns,
)
from framecast.engine.sandbox.pipeline import SandboxPipeline
from framecast.engine.sandbox.scene import Kind

from .sandbox_support import assert_gloss_logged, shipped_pipeline, table_of

SYNSETS = {
    1: ("Tops", ()), 10: ("Tops", (1,)), 20: ("animal", (1,)), 40: ("animal", (1,)), 61: ("artifact", (1,)),
    62: ("artifact", (1,)), 31: ("person", (10,)), 32: ("animal", (40,)), 33: ("person", (10,)),
    50: ("animal", (1,)), 60: ("artifact", (61,)), 70: ("animal", (20, 40)), 71: ("artifact", (62,)),
    72: ("artifact", (1,)), 73: ("person", (31,)),
}
ANCHORS = {10: Kind.PERSON, 20: Kind.FISH, 40: Kind.CAT, 61: Kind.BOX, 62: Kind.BALL}


@pytest.mark.parametrize(("noun", "senses", "kind"), [
    ("tiger", (31, 32), Kind.CAT),  # names an animal: read by its animal senses
    ("wolf", (50, 33), None),  # ... even when they lead to no kind (no class anchors here)
    ("shot", ("act", "act", 33, "communication"), None),  # a person in one sense of four
    ("carton", ("quantity", 60), Kind.BOX),  # the amount it holds is set aside
    ("jogger", (73,), Kind.PERSON),  # two links up
    ("chimera", (70,), None),  # a fish and a cat equally near
    ("token", ("communication", 71, 72), None),  # one ball reading of two thing senses
])
def test_a_noun_is_read_by_most_of_its_thing_senses(noun: str, senses: tuple[int | str, ...],
                                                    kind: Kind | None) -> None:
    assert noun_reader(table_of({noun: senses}, SYNSETS), ANCHORS)(noun) is kind


# A class of animals (51) the dog stands for, above a mammal (52) and a feline (53) under the cat (40).
CLASS_SYNSETS = {**SYNSETS, 51: ("animal", (1,)), 52: ("animal", (51,)), 53: ("animal", (40,))}


@pytest.mark.parametrize(("noun", "senses", "kind"), [
    ("horse", (52, 72, 62), Kind.DOG),  # an animal first: its other senses do not vote
    ("nanny", (33, 52), None),  # a person first: no class reads it
    ("cheetah", (53,), Kind.CAT),  # a kind's own anchor comes before the class
    ("gecko", (50,), None),  # an animal of no class
    ("rabbit", (52, "substance"), Kind.DOG),  # the fur it is also: not a thing, and set aside
    ("trestle", (72, 52), None),  # a thing first: read as before (one reading of two)
])
def test_a_noun_that_names_an_animal_first_is_read_by_its_class(noun: str, senses: tuple[int | str, ...],
                                                               kind: Kind | None) -> None:
    read = noun_reader(table_of({noun: senses}, CLASS_SYNSETS), ANCHORS, {51: Kind.DOG})
    assert read(noun) is kind
    # Without the class anchor only a kind's own anchor reads it.
    assert noun_reader(table_of({noun: senses}, CLASS_SYNSETS), ANCHORS)(noun) is (
        Kind.CAT if noun == "cheetah" else None)


def test_the_classes_are_anchored_in_their_animal_senses() -> None:
    table = table_of({"mammal": ("communication", 5), "hominid": (6,)}, {5: ("animal", ()), 6: ("person", ())})
    assert class_anchors(table) == {5: CLASSES["mammal"]}


def test_the_shipped_table_reads_animals_outside_the_world_by_their_class() -> None:
    gloss = kind_gloss()
    readings = {"horse": Kind.DOG, "elephant": Kind.DOG, "wolf": Kind.DOG, "mouse": Kind.DOG, "rabbit": Kind.DOG,
                "cow": Kind.DOG, "horses": Kind.DOG, "dolphin": Kind.FISH, "bat": Kind.BIRD, "duck": Kind.BIRD,
                "mankind": Kind.PERSON, "lion": Kind.CAT}
    assert {noun: gloss.meanings[noun].meaning for noun in readings} == readings
    # A person first; reptiles, amphibians and insects have no likeness in the world.
    for word in ("nanny", "shrew", "snake", "frog", "butterfly", "lizard"):
        assert word not in gloss.meanings, word
    assert gloss("a horse galloping past two cows") == "a horse dog galloping past two cow dogs"
    assert gloss("a sheep") == "a sheep dog"  # its plural is itself: read as one


def test_the_pipeline_draws_an_animal_outside_the_world_as_its_class() -> None:
    prompts = {"an elephant walking in the desert": Kind.DOG, "a horse galloping across a field": Kind.DOG,
               "a dolphin swimming in the ocean": Kind.FISH, "a bat flying at night": Kind.BIRD}
    plain, p = SandboxPipeline(glosses=False), shipped_pipeline()
    # Read as written, the elephant is drawn as a fish and the horse as any animal.
    assert all(plain.sample_scene("an elephant walking in the desert", "", seed).subjects[0].kind is Kind.FISH
               for seed in range(3))
    assert len({plain.sample_scene("a horse galloping across a field", "", seed).subjects[0].kind
                for seed in range(8)}) > 1
    for prompt, kind in prompts.items():
        drawn = [[s.kind for s in p.sample_scene(prompt, "", seed).subjects] for seed in range(8)]
        assert all(kinds == [kind] for kinds in drawn), (prompt, drawn)
    assert_gloss_logged("a horse", "the noun", "horse", "dog")


def test_only_senses_that_fit_a_kind_anchor_it_and_only_for_one_kind() -> None:
    table = table_of({"ball": (5,), "box": (5,), "dog": (6, 7), "person": (8,)},
                   {5: ("artifact", ()), 6: ("person", ()), 7: ("animal", ()), 8: ("Tops", ())})
    # 5 is claimed by two kinds; 6, "dog" as a person, does not fit the kind.
    assert kind_anchors(table) == {7: Kind.DOG, 8: Kind.PERSON}


def test_the_shipped_table_reads_nouns_the_captions_never_used() -> None:
    gloss = kind_gloss()
    readings = {"mackerel": Kind.FISH, "penguin": Kind.BIRD, "tiger": Kind.CAT, "jogger": Kind.PERSON,
                "carton": Kind.BOX, "pentagram": Kind.STAR, "mutt": Kind.DOG, "starlings": Kind.BIRD,
                "greyhound": Kind.DOG, "doctor": Kind.PERSON, "casket": Kind.BOX}
    assert {noun: gloss.meanings[noun].meaning for noun in readings} == readings
    # Many senses, few of them a person; an animal no kind covers; adjectives; names; known words.
    for word in ("shot", "life", "token", "american", "giant", "national", "tell", "dog", "dogs"):
        assert word not in gloss.meanings, word
    assert gloss("two starlings and a guard dog") == "two starling birds and a guard dog"


def test_a_noun_before_a_plain_noun_modifies_it_and_is_left_alone() -> None:
    nouns = table_of({"person": (10,), "jogger": (73,), "car": (72,), "hat": (72,), "way": (72,), "red": (72,)},
                     SYNSETS)
    nouns = replace(nouns, adjectives=frozenset({"red"}))
    verbs = table_of({"hat": (1,), "run": (1,), "jogger": (1,)}, {1: ("motion", ())})
    # A verb's form, an adjective and a caption's word are not plain nouns.
    assert plain_nouns(nouns, {"way", "person"}, verbs) == {"car", "cars"}
    with_plain = build_gloss(nouns, {"way", "person"}, verbs)
    assert with_plain("a jogger car, a jogger hat, a jogger way") == (
        "a jogger car, a jogger person hat, a jogger person way")
    assert build_gloss(nouns, {"way", "person"})("a jogger car") == "a jogger person car"
    # The shipped gloss: "sports" alone is a person (a sportsman), not before "car" or a fan.
    gloss = kind_gloss()
    assert gloss.meanings["sports"].meaning is Kind.PERSON
    assert gloss("a red sports car and a sports fan") == "a red sports car and a sports fan person"
    assert gloss("a tiger shark, two joggers running") == "a tiger shark fish, two jogger people running"


def test_the_shipped_table_is_the_one_the_builder_writes_from_wordnet() -> None:
    lines = gzip.decompress(NOUNS_PATH.read_bytes()).decode().splitlines()
    assert lines[0].startswith("# WordNet 3.0 nouns") and any("Princeton University" in line for line in lines[:40])
    assert sum(line.startswith("w") for line in lines) > 30000


def test_the_pipeline_reads_a_held_out_noun_and_says_so() -> None:
    p = shipped_pipeline()
    kinds = Counter(s.kind for seed in range(8) for s in p.sample_scene("a penguin on the beach", "", seed).subjects)
    assert kinds[Kind.BIRD] >= 7 and sum(kinds.values()) - kinds[Kind.BIRD] <= 1, kinds

    assert_gloss_logged("two mackerels", "the noun", "mackerels", "fish")
