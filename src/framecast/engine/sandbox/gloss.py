"""Words no training caption used, read with a word the generator knows written after them.

The generator reads a prompt through a frozen text encoder, and a word no caption used ("fuchsia",
"mackerel") is whatever that encoder makes of it, often something unrelated. Where outside
knowledge says what such a word means in the world's terms (a colour survey, a dictionary's
is-a links), the prompt can say it too: "a fuchsia pink ball", "a mackerel fish". Training captions
use only known words, so no gloss ever changes one, and the generator is the same with or without.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import Generic, NamedTuple, Protocol, TypeVar

from framecast.engine.sandbox import words as w

__all__ = ["CAMERA_WORDS", "WORD", "Gloss", "PromptWords", "Reading", "TextGloss", "camera_before", "caption_words",
           "is_known", "motion_verb_heads", "phrase_after", "rewritten", "training_phrases", "training_verb_heads",
           "training_words"]

T = TypeVar("T")

WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_NEXT_WORD = re.compile(r"[^A-Za-z]*([A-Za-z]+)")
_PREVIOUS_WORD = re.compile(r"([A-Za-z]+)[^A-Za-z]*$")
_PUNCTUATION = re.compile(r"[,.;:!?]")
_BREAK = re.compile(r"[,.;:!?()]")
# Words that make the camera, not a subject, what a verb after them is said of.
CAMERA_WORDS = frozenset({"camera", "lens", "shot", "view", "frame"})


class PromptWords:
    """A prompt's words, as matches and in lower case, and where punctuation parts them: what the
    phrase glosses walk over."""

    def __init__(self, prompt: str) -> None:
        self.prompt = prompt
        self.matches = list(WORD.finditer(prompt))
        self.lower = [m.group(0).lower() for m in self.matches]

    def joined(self, a: int, b: int) -> bool:
        """Whether no punctuation stands between words ``a`` and ``b``."""
        return not _PUNCTUATION.search(self.prompt, self.matches[a].end(), self.matches[b].start())


def phrase_after(prompt: str, start: int, stops: frozenset[str], verbs: frozenset[str], limit: int
                 ) -> tuple[list[re.Match[str]], bool]:
    """The words of ``prompt`` from ``start`` up to punctuation (or a bracket), a word in ``stops``,
    a word in ``verbs`` after the first, or the end, at most ``limit`` of them; and whether the phrase
    ends there by itself (False when the limit cut it and the next word would go on)."""
    words: list[re.Match[str]] = []
    end = start
    for word in WORD.finditer(prompt, start):
        lower = word.group(0).lower()
        if _BREAK.search(prompt, end, word.start()) or lower in stops or (words and lower in verbs):
            return words, True
        if len(words) == limit:
            return words, False
        words.append(word)
        end = word.end()
    return words, True


def camera_before(prompt: str, start: int) -> bool:
    """Whether a camera word is among the three words before ``start``: "the camera does not
    move", "the camera creeps over the city" say how the camera moves, not a subject."""
    before = [word.group(0).lower() for word in WORD.finditer(prompt, max(0, start - 40), start)][-3:]
    return bool(CAMERA_WORDS & set(before))


def rewritten(prompt: str, edits: Iterable[tuple[int, int, str]]) -> str:
    """``prompt`` with each (start, end, text) edit made, in order and not overlapping: the span
    replaced by the text (an empty span inserts it, empty text cuts the span)."""
    out, last = [], 0
    for start, end, text in edits:
        out += [prompt[last:start], text]
        last = end
    return "".join(out) + prompt[last:]


def training_phrases() -> set[str]:
    """Every phrase a training caption can use (held-out phrases are not), as written."""
    found: set[str] = set()

    def add(item: object) -> None:
        if isinstance(item, str):
            found.add(item)
        elif isinstance(item, w.Synonyms):
            add(item.train)
        elif isinstance(item, dict):
            for key, value in item.items():
                add(key)
                add(value)
        elif isinstance(item, tuple | list):
            for part in item:
                add(part)

    for name in w.__all__:
        if name == "SETTING":
            add([trained for trained, _held_out in w.SETTING.values()])
        elif name.isupper() and name != "NOUN_PLURALS":
            add(getattr(w, name))
    add([w.RELATION, w.LEADING])
    return found


def training_words() -> set[str]:
    """Every word of every phrase a training caption can use (held-out phrases are not)."""
    found = {m.group(0).lower() for phrase in training_phrases() for m in WORD.finditer(phrase)}
    # Irregular plurals, of the nouns training captions use ("gentlemen" is only ever held out).
    found.update(m.group(0).lower() for noun, plural in w.NOUN_PLURALS.items() if set(noun.split()) <= found
                 for m in WORD.finditer(plural))
    return found


def _training_verbs() -> list[str]:
    """Every motion, gait and effect training phrase, in its base form ("fall", "get poked")."""
    return [p for table in (w.MOTION, w.GAIT, w.EFFECT) for synonyms in table.values() for p in synonyms.train]


def caption_words(known: set[str] | None = None) -> frozenset[str]:
    """``known`` (by default :func:`training_words`) with the forms captions give the training verbs
    ("hurries", "leaping", "melts"): every word a training caption can hold but a plural."""
    forms = {word.lower() for p in _training_verbs() for form in ("third", "ing")
             for word in WORD.findall(w.conjugate(p, form))}
    return frozenset((known if known is not None else training_words()) | forms)


@cache
def motion_verb_heads() -> frozenset[str]:
    """The verb that starts each motion and gait training phrase, in its base form ("fall", "move",
    "stroll")."""
    return frozenset(p.split()[0].lower() for table in (w.MOTION, w.GAIT) for s in table.values() for p in s.train)


@cache
def training_verb_heads() -> frozenset[str]:
    """The first word of every motion, gait and effect training phrase in its base, third-person and
    -ing forms ("fall", "gets", "puffing"): where a phrase the glosses read stops, since a training
    verb speaks for itself."""
    return frozenset(WORD.findall(w.conjugate(p, form))[0].lower() for p in _training_verbs()
                     for form in ("base", "third", "ing"))


def is_known(word: str, known: frozenset[str]) -> bool:
    """Whether lower-case ``word`` is in ``known`` or is the plural of a word in it."""
    if word in known:
        return True
    return word.endswith("s") and (word[:-1] in known or word[:-2] in known
                                   or (word.endswith("ies") and word[:-3] + "y" in known))


class TextGloss(Protocol):
    """What the pipeline asks of a gloss: in one pass, the prompt glossed and what it read (for the log)."""

    def read(self, prompt: str) -> tuple[str, Sequence[tuple[str, Enum]]]: ...


class Reading(NamedTuple, Generic[T]):
    """How an unknown word is read: its meaning, the known word written after it, and the form of
    the word to write before that, if not the word as given ("two joggers" -> "two jogger people")."""

    meaning: T
    said: str
    stem: str | None = None


@dataclass(frozen=True)
class Gloss(Generic[T]):
    """Unknown words (lower case), each with how it is read."""

    meanings: Mapping[str, Reading[T]]
    # A glossed word followed by one of these is left alone: it modifies that noun ("a guard dog").
    heads: frozenset[str] = frozenset()
    # ... and so is one that follows one of these: a verb after "a" is a noun ("a backpack"),
    not_after: frozenset[str] = frozenset()
    # ... unless it is one of these, a participle that says what the noun after it does ("a sleeping cat").
    participles: frozenset[str] = frozenset()

    def __call__(self, prompt: str) -> str:
        """``prompt`` with each unknown word followed by its gloss (inside any punctuation after
        it: "in fuchsia, a dog" -> "in fuchsia pink, a dog"), unless the gloss or a head follows."""

        def gloss(m: re.Match[str]) -> str:
            reading = self.meanings.get(m.group(0).lower())
            if reading is None or self._left_alone(prompt, m, reading.said):
                return m.group(0)
            if _next_word(prompt, m.end()) == reading.said:
                return m.group(0)  # already said: "fuchsia pink"
            return f"{reading.stem or m.group(0)} {reading.said}"

        return WORD.sub(gloss, prompt)

    def read(self, prompt: str) -> tuple[str, list[tuple[str, T]]]:
        """``prompt`` glossed, and the words read (see :meth:`glossed`)."""
        return self(prompt), self.glossed(prompt)

    def glossed(self, prompt: str) -> list[tuple[str, T]]:
        """The words of ``prompt`` that the gloss reads (or finds already read: "fuchsia pink"),
        with their meanings; a word that modifies a head is not read."""
        found = [(m, self.meanings.get(m.group(0).lower())) for m in WORD.finditer(prompt)]
        return [(m.group(0), reading.meaning) for m, reading in found
                if reading is not None and not self._left_alone(prompt, m, reading.said)]

    def _left_alone(self, prompt: str, m: re.Match[str], said: str) -> bool:
        """Whether the word ``m`` modifies a head noun after it (other than its own gloss), or
        follows a word that makes it something else."""
        following = _next_word(prompt, m.end())
        previous = _PREVIOUS_WORD.search(prompt, 0, m.start())
        return ((following in self.heads and following != said)
                or (previous is not None and previous.group(1).lower() in self.not_after
                    and m.group(0).lower() not in self.participles))


def _next_word(prompt: str, end: int) -> str | None:
    following = _NEXT_WORD.match(prompt, end)
    return following.group(1).lower() if following is not None else None
