"""Nouns no caption used are read as the world kind WordNet's is-a links file them under."""

from __future__ import annotations

import gzip
from collections import Counter
from dataclasses import replace

import pytest

from framecast.engine.sandbox.kind_names import (
    NOUNS_PATH,
    build_gloss,
    kind_anchors,
    kind_gloss,
    noun_reader,
    plain_nouns,
)
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
    ("wolf", (50, 33), None),  # ... even when they lead to no kind
    ("shot", ("act", "act", 33, "communication"), None),  # a person in one sense of four
    ("carton", ("quantity", 60), Kind.BOX),  # the amount it holds is set aside
    ("jogger", (73,), Kind.PERSON),  # two links up
    ("chimera", (70,), None),  # a fish and a cat equally near
    ("token", ("communication", 71, 72), None),  # one ball reading of two thing senses
])
def test_a_noun_is_read_by_most_of_its_thing_senses(noun: str, senses: tuple[int | str, ...],
                                                    kind: Kind | None) -> None:
    assert noun_reader(table_of({noun: senses}, SYNSETS), ANCHORS)(noun) is kind


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
    for word in ("shot", "life", "token", "wolf", "horse", "american", "giant", "national", "tell", "dog", "dogs"):
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
