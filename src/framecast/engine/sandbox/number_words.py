"""Exact numbers in a prompt, in the world's own words: "two", "a trio of", "4".

The generator reads a number word softly (see :data:`~framecast.engine.sandbox.model.STOP_TEMPERATURE`):
"three red balls" may close the scene after two balls or go on to a fourth. Where a prompt gives an
exact number, how many subjects there are is not left open, so the pipeline samples the decision to
stop almost by its most likely outcome (:data:`~framecast.engine.sandbox.model.EXACT_STOP_TEMPERATURE`).

Only the phrases training captions use for one count and never for a vague one count ("a couple of"
means two or three). Held-out number words ("twin", "a threesome of") are left to the generator, so
the evaluation still measures how it reads words no caption used.
"""

from __future__ import annotations

import re
from functools import cache

from framecast.engine.sandbox.words import COUNT_WORDS

__all__ = ["exact_counts", "exact_phrases"]


@cache
def exact_phrases() -> dict[str, int]:
    """Each training phrase that says one exact number of subjects, with that number."""
    vague = {p for counts, s in COUNT_WORDS.items() if len(counts) > 1 for p in s.train}
    return {p: counts[0] for counts, s in COUNT_WORDS.items() if len(counts) == 1 for p in s.train
            if p not in vague}


@cache
def _pattern() -> re.Pattern[str]:
    phrases = sorted(exact_phrases(), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(p) for p in phrases) + r")(?![\w-])", re.IGNORECASE)


def exact_counts(text: str) -> list[int]:
    """The exact numbers ``text`` names, in order: "two cats and a trio of dogs" -> [2, 3]."""
    table = exact_phrases()
    return [table[m.group(1).lower()] for m in _pattern().finditer(text)]
