from __future__ import annotations

from pathlib import Path

import pytest

from framecast.engine.sandbox import words as w
from framecast.engine.sandbox.gloss import training_words
from framecast.engine.sandbox.number_words import Count, exact_counts, exact_phrases, load_numbers, number_gloss
from framecast.engine.sandbox.scene import Kind
from framecast.errors import ConfigurationError

from .sandbox_support import shipped_pipeline


def test_the_exact_phrases_are_the_captions_words_for_one_count_and_never_a_vague_one() -> None:
    table = exact_phrases()
    assert table["two"] == 2 and table["a trio of"] == 3 and table["4"] == 4
    vague = {p for counts, s in w.COUNT_WORDS.items() if len(counts) > 1 for p in s.train}
    assert "a couple of" in vague and not vague & set(table)  # "a couple of" is two or three
    for phrase, n in table.items():
        assert phrase in (w.SINGLE if n == 1 else w.COUNT_WORDS[(n,)].train)
    assert {p for p, n in table.items() if n == 1} == {"one", "a single"}  # never "a": "a few", "a couple of"
    held_out = {p for s in w.COUNT_WORDS.values() for p in s.held_out}
    assert held_out and not held_out & set(table)


@pytest.mark.parametrize(("text", "counts"), [
    ("three red balls", [3]),
    ("Two cats and A TRIO OF dogs beside 4 birds", [2, 3, 4]),
    ("a pair of boxes bouncing", [2]),
    ("a couple of dogs", []),
    ("some dogs and several cats", []),
    ("twin dogs and a threesome of stars", []),
    ("a two-tone ball in 2024, 4k render, three-sided shape", []),
    ("a dog and one cat", [1]),
    ("A single cat, someone, and 2 dogs", [1, 2]),
    ("a one-eyed cat and a singled-out dog", []),
    ("a carp tears in two", []),  # into how many pieces, not how many subjects
    ("two carp tear in two", [2]),
])
def test_exact_counts_reads_whole_number_phrases_only(text: str, counts: list[int]) -> None:
    assert exact_counts(text) == counts


def test_the_number_table_holds_wordnets_number_words_that_no_caption_uses() -> None:
    gloss = number_gloss()
    assert gloss.adjectives["twin"] == 2
    assert (gloss.nouns["threesome"], gloss.nouns["foursome"], gloss.nouns["duo"], gloss.nouns["triad"]) == (3, 4, 2, 3)
    written = set(gloss.nouns) | set(gloss.adjectives)
    assert not written & training_words()  # "trio", "pair", "couple" are the captions' own
    assert not written & {"ii", "iii", "iv"}  # roman numerals are mostly initials in a prompt
    # Only a word whose first sense says the number: "span" shares the synset of "pair" in a later sense.
    assert "span" not in written and "brace" not in written


@pytest.mark.parametrize(("text", "glossed", "read"), [
    ("twin dogs", "two dogs", [("twin", Count.TWO)]),
    ("A threesome of stars and a Duo of cats", "three stars and two cats",
     [("A threesome of", Count.THREE), ("a Duo of", Count.TWO)]),
    ("one foursome of birds", "four birds", [("one foursome of", Count.FOUR)]),
    ("two twin dogs", "two twin dogs", []),  # the number is said already
    ("a twin-engine plane", "a twin-engine plane", []),
    ("the two look twin.", "the two look twin.", []),  # no noun follows
    # A group's noun said alone is that many people, unless a kind's noun follows.
    ("a threesome dancing", "three people dancing", [("a threesome", Count.THREE)]),
    ("A young couple walks, a couple of dogs", "two young people walks, a couple of dogs",
     [("A young couple", Count.TWO)]),
    ("the jazz trio and a couple dogs", "three jazz people and a couple dogs", [("the jazz trio", Count.THREE)]),
])
def test_number_words_are_written_as_the_captions_own(text: str, glossed: str, read: list[tuple[str, Count]]) -> None:
    got, found = number_gloss().read(text)
    assert (got, found) == (glossed, read)


def test_a_couple_is_drawn_as_two_people() -> None:
    p = shipped_pipeline()
    for prompt in ("a couple walking on the beach", "a couple dancing in a ballroom"):
        for seed in range(5):
            assert [s.kind for s in p.sample_scene(prompt, "", seed).subjects] == [Kind.PERSON] * 2, (prompt, seed)


def test_glossed_numbers_close_the_count_like_the_captions_own() -> None:
    glossed, _ = number_gloss().read("twin dogs beside a threesome of cats")
    assert exact_counts(glossed) == [2, 3]


def test_a_damaged_or_missing_number_table_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="cannot be read"):
        load_numbers(tmp_path / "missing.tsv")
    damaged = tmp_path / "numbers.tsv"
    damaged.write_text("# header\nnoun\tthreesome\t3\nadjective\ttwin\tseven\n")
    with pytest.raises(ConfigurationError, match="damaged at line 3"):
        load_numbers(damaged)
    damaged.write_text("noun\tdozen\t12\n")  # the world holds one to four subjects
    with pytest.raises(ConfigurationError, match="damaged at line 1"):
        load_numbers(damaged)
