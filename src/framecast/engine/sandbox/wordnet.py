"""The part of WordNet 3.0 the word glosses read, and how they read a word by it.

``scripts/build_wordnet_tables.py`` writes one table per part of speech (gzip'd lines of
``s<TAB>synset<TAB>lexicographer file<TAB>hypernyms`` and ``w[a][n]<TAB>word<TAB>senses``, ``a``
marking a word that is also an adjective, ``n`` a verb with more senses as a noun). A gloss reads a
word no caption used the same way for nouns and verbs:

- Each world value (a kind, a motion) is anchored by its training phrases, in the senses whose
  lexicographer file fits it (a dog among WordNet's animals, "fall" among its verbs of motion); a
  synset two values' phrases share anchors neither.
- A sense reads as the value of the nearest anchor up its is-a links (none if two are as near).
- A word is read as a value when most of its senses are of the files the gloss considers (a sense
  set aside, such as a fish as food, counts for neither side) and most of those read as that value.
"""

from __future__ import annotations

import gzip
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TypeVar

from framecast.errors import ConfigurationError

__all__ = ["Sense", "WordNetTable", "anchor_synsets", "load_table", "word_reader"]

M = TypeVar("M")
Sense = int | str  # a stored synset's offset, or the lexicographer file of a sense not stored


@dataclass(frozen=True)
class WordNetTable:
    """Words of one part of speech and the part of WordNet's is-a hierarchy above their senses."""

    lexnames: dict[int, str]  # stored synset -> its lexicographer file ("animal", "motion", ...)
    hypernyms: dict[int, tuple[int, ...]]
    senses: dict[str, tuple[Sense, ...]]  # word (WordNet's spelling) -> its senses, most frequent first
    adjectives: frozenset[str]  # words that are also adjectives
    mostly_nouns: frozenset[str] = frozenset()  # verbs with more senses as nouns ("flower", "backpack")

    def lexname(self, sense: Sense) -> str:
        return self.lexnames[sense] if isinstance(sense, int) else sense


def load_table(path: Path, what: str) -> WordNetTable:
    """A table ``scripts/build_wordnet_tables.py`` wrote; ``what`` names it in errors ("noun table")."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            lines = f.read().splitlines()
    except (OSError, EOFError) as exc:
        raise ConfigurationError(f"the {what} {path} cannot be read ({exc}); reinstall framecast") from exc
    lexnames: dict[int, str] = {}
    hypernyms: dict[int, tuple[int, ...]] = {}
    senses: dict[str, tuple[Sense, ...]] = {}
    adjectives: set[str] = set()
    mostly_nouns: set[str] = set()
    for number, line in enumerate(lines, 1):
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        try:
            if fields[0] == "s" and len(fields) == 4:
                offset = int(fields[1])
                lexnames[offset] = fields[2]
                hypernyms[offset] = tuple(int(h) for h in fields[3].split())
            elif fields[0] in ("w", "wa", "wn", "wan") and len(fields) == 3 and fields[2]:
                senses[fields[1]] = tuple(int(s) if s.isdigit() else s for s in fields[2].split())
                if "a" in fields[0]:
                    adjectives.add(fields[1])
                if "n" in fields[0]:
                    mostly_nouns.add(fields[1])
            else:
                raise ValueError("unknown line")
        except ValueError:
            raise ConfigurationError(f"the {what} {path} is damaged at line {number}: {line[:60]!r}; "
                                     "reinstall framecast") from None
    missing = {s for word in senses.values() for s in word if isinstance(s, int) and s not in lexnames}
    missing |= {h for parents in hypernyms.values() for h in parents if h not in lexnames}
    if missing or not senses:
        raise ConfigurationError(f"the {what} {path} is damaged ({len(missing)} synsets missing); "
                                 "reinstall framecast")
    return WordNetTable(lexnames, hypernyms, senses, frozenset(adjectives), frozenset(mostly_nouns))


def anchor_synsets(table: WordNetTable, phrases: Mapping[M, Iterable[str]],
                   nature: Callable[[M], frozenset[str]]) -> dict[int, M]:
    """Synset -> value, for the senses of each value's phrases (WordNet spelling, "stand_still")
    whose lexicographer file is in ``nature(value)``; a synset two values claim anchors neither."""
    claims: dict[int, set[M]] = {}
    for value, words in phrases.items():
        for word in words:
            for sense in table.senses.get(word, ()):
                if isinstance(sense, int) and table.lexnames[sense] in nature(value):
                    claims.setdefault(sense, set()).add(value)
    return {sense: next(iter(values)) for sense, values in claims.items() if len(values) == 1}


def word_reader(table: WordNetTable, anchors: Mapping[int, M], considered: frozenset[str],
                set_aside: frozenset[str] = frozenset(),
                narrow: Callable[[list[int]], list[int]] = lambda senses: senses) -> Callable[[str], M | None]:
    """The value a word is read as by the rules in the module's doc (or None). ``considered``: the
    lexicographer files whose senses vote; ``set_aside``: files whose senses count for neither side;
    ``narrow``: which of the voting senses to keep (the noun gloss lets an animal outvote a person)."""

    @cache
    def nearest(synset: int) -> M | None:
        level, seen = [synset], {synset}
        while level:
            found = {anchors[s] for s in level if s in anchors}
            if found:
                return found.pop() if len(found) == 1 else None
            parents = {h for s in level for h in table.hypernyms[s]} - seen
            seen |= parents
            level = sorted(parents)
        return None

    def read(word: str) -> M | None:
        kept = [s for s in table.senses.get(word, ()) if table.lexname(s) not in set_aside]
        voting = [s for s in kept if isinstance(s, int) and table.lexnames[s] in considered]
        if 2 * len(voting) <= len(kept):
            return None
        votes = [nearest(s) for s in narrow(voting)]
        counted = Counter(v for v in votes if v is not None).most_common(1)
        return counted[0][0] if counted and 2 * counted[0][1] > len(votes) else None

    return read
