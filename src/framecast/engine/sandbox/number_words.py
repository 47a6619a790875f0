"""Exact numbers in a prompt, in the world's own words: "two", "a trio of", "4".

The generator reads a number word softly (see :data:`~framecast.engine.sandbox.model.STOP_TEMPERATURE`):
"three red balls" may close the scene after two balls or go on to a fourth. Where a prompt gives an
exact number, how many subjects there are is not left open, so the pipeline samples the decision to
stop almost by its most likely outcome (:data:`~framecast.engine.sandbox.model.EXACT_STOP_TEMPERATURE`).

Only the phrases training captions use for one count and never for a vague one count ("a couple of"
means two or three), and no number that says into how many pieces ("tear in two"). "One" and "a
single" count too: "we see one sky blue tomcat ambling then dissolving into particles" drew a second
cat on 6 of 20 seeds, and on 4 with the stop sharpened.

A number said in words no caption used ("twin dogs", "a threesome of stars") is read by WordNet
(:class:`NumberGloss`, from the table ``scripts/build_wordnet_tables.py`` writes): it is written as
the number word captions use ("two dogs", "three stars"), and then closes the count like any other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from enum import IntEnum
from functools import cache
from pathlib import Path

from framecast.engine.sandbox.words import COUNT_WORDS, SINGLE, kind_nouns
from framecast.errors import ConfigurationError

__all__ = ["NUMBERS_PATH", "Count", "NumberGloss", "exact_counts", "exact_phrases", "load_numbers",
           "number_gloss"]

NUMBERS_PATH = Path(__file__).with_name("weights") / "wordnet_numbers.tsv"
_CARDINALS = {2: "two", 3: "three", 4: "four"}
# Nouns for a group said alone, without "of": that many people ("a young couple walking").
PEOPLE_GROUPS = {"couple": 2, "pair": 2, "duo": 2, "twosome": 2, "trio": 3, "threesome": 3, "quartet": 4,
                 "foursome": 4}
_GROUP = re.compile(rf"(?<![\w-])(?:an?|the|one)\s+(?:([A-Za-z][\w-]*)\s+)??({'|'.join(PEOPLE_GROUPS)})"
                    r"(?![\w-])(?!\s+of\b)", re.IGNORECASE)


class Count(IntEnum):
    """A number of subjects a number word can say (the world holds one to four)."""

    TWO = 2
    THREE = 3
    FOUR = 4


@cache
def exact_phrases() -> dict[str, int]:
    """Each training phrase that says one exact number of subjects, with that number: the count
    words, and the captions' words for one subject ("one", "a single"; not an article, which also
    starts "a couple of", "a few")."""
    vague = {p for counts, s in COUNT_WORDS.items() if len(counts) > 1 for p in s.train}
    return {**dict.fromkeys(SINGLE, 1),
            **{p: counts[0] for counts, s in COUNT_WORDS.items() if len(counts) == 1 for p in s.train
               if p not in vague}}


def _alternation(phrases: Iterable[str]) -> str:
    """The phrases as one regex alternative, longest first (so "a trio of" wins over a shorter one)."""
    return "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))


@cache
def _pattern() -> re.Pattern[str]:
    # Not after "in": "tears in two" says into how many pieces, not how many subjects.
    return re.compile(rf"(?<![\w-])(?<!\bin )({_alternation(exact_phrases())})(?![\w-])", re.IGNORECASE)


def exact_counts(text: str) -> list[int]:
    """The exact numbers ``text`` names, in order: "two cats and a trio of dogs" -> [2, 3]."""
    table = exact_phrases()
    return [table[m.group(1).lower()] for m in _pattern().finditer(text)]


class NumberGloss:
    """Number words no caption used, written as the number word captions use: a noun in "a
    threesome of" ("three"), an adjective before a noun ("twin dogs" -> "two dogs").

    An adjective right after a number is left alone: "two twin dogs" says the number already. A
    group's noun said alone, after an article and at most one word, is that many people: "a young
    couple walking" -> "two young people walking", "a jazz trio" -> "three jazz people"; not before
    a kind's noun ("a couple dogs" is read as the captions' "a couple of").
    """

    def __init__(self, nouns: Mapping[str, int], adjectives: Mapping[str, int]) -> None:
        self.nouns, self.adjectives = dict(nouns), dict(adjectives)
        self._noun = self._adjective = None
        if self.nouns:
            self._noun = re.compile(rf"(?<![\w-])(?:an?|one)\s+({_alternation(self.nouns)})\s+of(?![\w-])",
                                    re.IGNORECASE)
        if self.adjectives:
            self._adjective = re.compile(rf"(?<![\w-])({_alternation(self.adjectives)})(?![\w-])(?=\s+[A-Za-z])",
                                         re.IGNORECASE)

    def read(self, prompt: str) -> tuple[str, list[tuple[str, Count]]]:
        """``prompt`` with its number words rewritten, and each phrase read with its number."""
        found: list[tuple[str, Count]] = []

        def noun(m: re.Match[str]) -> str:
            n = self.nouns[m.group(1).lower()]
            found.append((m.group(0), Count(n)))
            return _CARDINALS[n]

        def adjective(m: re.Match[str]) -> str:
            if exact_counts(m.string[: m.start()].rstrip().rpartition(" ")[2]):
                return m.group(0)
            n = self.adjectives[m.group(1).lower()]
            found.append((m.group(0), Count(n)))
            return _CARDINALS[n]

        def group(m: re.Match[str]) -> str:
            following = re.match(r"\s*([A-Za-z]+)", m.string[m.end():])
            if following is not None and following.group(1).lower() in kind_nouns():
                return m.group(0)
            n = PEOPLE_GROUPS[m.group(2).lower()]
            found.append((m.group(0), Count(n)))
            return " ".join(part for part in (_CARDINALS[n], m.group(1), "people") if part)

        if self._noun is not None:
            prompt = self._noun.sub(noun, prompt)
        prompt = _GROUP.sub(group, prompt)
        if self._adjective is not None:
            prompt = self._adjective.sub(adjective, prompt)
        return prompt, found


def load_numbers(path: Path = NUMBERS_PATH) -> NumberGloss:
    """The number gloss from a table ``scripts/build_wordnet_tables.py`` wrote; a ConfigurationError
    naming the file when it is missing or damaged."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"the number table {path} cannot be read ({exc}); reinstall framecast") from exc
    tables: dict[str, dict[str, int]] = {"noun": {}, "adjective": {}}
    for number, line in enumerate(lines, 1):
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3 or fields[0] not in tables or not fields[2].isdigit() or int(fields[2]) not in _CARDINALS:
            raise ConfigurationError(f"the number table {path} is damaged at line {number}: {line[:60]!r}; "
                                     "reinstall framecast")
        tables[fields[0]][fields[1]] = int(fields[2])
    return NumberGloss(tables["noun"], tables["adjective"])


@cache
def number_gloss() -> NumberGloss:
    """The gloss for the shipped number table (read once)."""
    return load_numbers()
