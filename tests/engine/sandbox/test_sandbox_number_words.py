from __future__ import annotations

import pytest

from framecast.engine.sandbox import words as w
from framecast.engine.sandbox.number_words import exact_counts, exact_phrases


def test_the_exact_phrases_are_the_captions_words_for_one_count_and_never_a_vague_one() -> None:
    table = exact_phrases()
    assert table["two"] == 2 and table["a trio of"] == 3 and table["4"] == 4
    vague = {p for counts, s in w.COUNT_WORDS.items() if len(counts) > 1 for p in s.train}
    assert "a couple of" in vague and not vague & set(table)  # "a couple of" is two or three
    for phrase, n in table.items():
        assert phrase in w.COUNT_WORDS[(n,)].train
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
    ("a dog and one cat", []),
])
def test_exact_counts_reads_whole_number_phrases_only(text: str, counts: list[int]) -> None:
    assert exact_counts(text) == counts
