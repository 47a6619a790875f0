"""Negations: "a cat in a park, no dogs" asks for no dog, and the generator cannot read "no".

The generator draws every thing of the world a prompt names, and no training caption negates
anything, so "no dogs" drew a dog on 20 of 20 seeds, "a snowy scene with no people" a person on 20
of 20, and "a red ball bouncing without exploding" an explosion on 20 of 20. What steers away from a
thing is the negative prompt (guidance with the negative text), so the pipeline moves a negated
phrase there: "a cat in a park, no dogs" is read as "a cat in a park" with "dogs" as one more
negative phrase.

A negation is "no", "without", "nor", "not" before "a", "an" or "any", or a verb's negation ("does
not", "doesn't", "never"), then one to :data:`MAX_WORDS` words up to punctuation, a word that starts
a clause or a place, a training verb, or the end ("or" stays inside it: "no dogs or cats"), that
name a subject or an effect of the world: a kind's training noun or a noun the kind gloss reads as
one ("no mackerel"), an effect's name or its own verb ("exploding", "melt", "squished").
"Nobody" and "no one" negate a person. A "with", "and", "but" or "that" just before the negation goes
with it ("a snowy scene with no people" -> "a snowy scene", "a box that does not melt" -> "a box").

Other negations stay in the prompt, where the generator reads them as well as it can: "no camera
movement" draws a static shot on 20 of 20 seeds as it is, while as a negative prompt it drew a zoom
on 20 of 20, guidance pushing away from the shot the negative text drew. So does "no" before a
comparison or an idiom ("no more than two balls", "no longer"), and "the camera does not move",
which the training captions use to say a static shot.

A negated move says the one thing it leaves: staying still. "A cat that does not move", "a cat not
moving" and "a dog never moves" drew the subject bouncing, growing or walking off as often as still
(2 or 3 of 10 seeds still), so "not", "never" or "without" and a verb's negation before "move",
"budge" or "stir" are written as the captions' "stay still" in the verb's form ("a cat that stays
still", "a cat staying still"), unless the camera is what does not move.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from framecast.engine.sandbox import words as w
from framecast.engine.sandbox.gloss import (
    WORD,
    camera_before,
    motion_verb_heads,
    phrase_after,
    rewritten,
    training_verb_heads,
)
from framecast.engine.sandbox.kind_names import subject_nouns
from framecast.engine.sandbox.place_phrases import place_prepositions

__all__ = ["MAX_WORDS", "Negations", "effect_words", "negations", "read_still"]

MAX_WORDS = 4  # after the negating word
CLAUSE_WORDS = frozenset({"and", "then", "while", "as", "before", "after", "until", "when", "where", "which",
                          "that", "who", "but", "so", "because", "at", "to", "toward", "towards", "into", "from",
                          "with", "is", "are", "was", "were"})
# After "no", words that make it something other than "none of": "no more than", "no longer", "no matter".
NOT_NONE = frozenset({"more", "less", "fewer", "longer", "shorter", "matter", "sooner", "later", "doubt", "way",
                      "bigger", "smaller", "larger", "faster", "slower", "higher", "lower", "further", "farther",
                      "than", "one", "sign", "sound", "end", "problem", "wonder"})
PERSON = "a person"
_CUE = re.compile(r"\b(?:nobody|no[- ]one|no|without|nor|never|(?:does|do|did|will|would|can|could|should|is|are|was"
                  r"|were)\s+not|(?:does|do|did|wo|would|ca|could|should|is|are|was|were)n't|cannot|not\s+(?:an?|any))\b",
                  re.IGNORECASE)
_NOBODY = re.compile(r"nobody|no[- ]one", re.IGNORECASE)
_BREAK = re.compile(r"[,.;:!?()]")
_JOINERS = frozenset({"with", "and", "but", "that"})
_NOT_MOVING = re.compile(
    r"\b(?:(?P<aux>does|do|did|is|are|was|were|will|would|can|could)(?:\s+not|n't)\s+|(?P<cannot>cannot)\s+|"
    r"(?P<wont>wo|ca)n't\s+|(?:not|never|without)\s+)(?P<verb>mov|budg|stir)(?P<end>e|es|ing|s|ring)?\b",
    re.IGNORECASE)
# What stays of the negation's auxiliary: "is not moving" -> "is staying still", "will not budge" -> "will stay still".
_KEPT = {"is", "are", "was", "were", "will", "would", "can", "could"}
# Verbs that start effect phrases and say nothing of the effect on their own ("get crushed", "turn into").
_LIGHT_VERBS = frozenset({"get", "be", "have", "turn", "become", "go", "do", "transform", "lose"})


@dataclass(frozen=True)
class Negations:
    """Finds the negated phrases of a prompt and takes them out of it; see the module's doc."""

    stops: frozenset[str]  # words a negated phrase ends before: clause words and prepositions
    verbs: frozenset[str]  # ... and the training verbs, after its first word ("no dogs running")
    things: frozenset[str]  # words that name a subject or an effect of the world, lower case

    def read(self, prompt: str) -> tuple[str, list[str]]:
        """``prompt`` without its negations, and what each negated, in order."""
        edits: list[tuple[int, int, str]] = []
        negated: list[str] = []
        for start, end, said in self._spans(prompt):
            cut, last = start, edits[-1][1] if edits else 0
            joiner = next(reversed([*WORD.finditer(prompt, last, start)]), None)
            if joiner and joiner.group(0).lower() in _JOINERS and not _BREAK.search(prompt, joiner.end(), start):
                cut = joiner.start()
            while cut > last and prompt[cut - 1].isspace():
                cut -= 1
            edits.append((cut, end, ""))
            negated.append(said)
        return _tidy(rewritten(prompt, edits)) if edits else prompt, negated

    def _spans(self, prompt: str) -> list[tuple[int, int, str]]:
        """(start, end, what is negated) of each negation whose end is clear."""
        spans: list[tuple[int, int, str]] = []
        for m in _CUE.finditer(prompt):
            if spans and m.start() < spans[-1][1]:
                continue
            found = phrase_after(prompt, m.end(), self.stops, self.verbs, MAX_WORDS)[0]
            words, end = [word.group(0) for word in found], found[-1].end() if found else m.end()
            if _NOBODY.fullmatch(m.group(0)):  # and whatever follows it up to the phrase's end: "nobody around"
                spans.append((m.start(), end, PERSON))
            elif words and m.group(0).lower() == "no" and words[0].lower() in NOT_NONE:
                continue  # "no more than", "no longer": not "none of"
            elif any(word.lower() in self.things for word in words):
                spans.append((m.start(), end, " ".join(words)))
        return spans


def _tidy(text: str) -> str:
    """What cutting phrases out leaves: no doubled or leading separators, no space before one."""
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r"([,;:])(\s*[,;:])+", r"\1", text)
    text = re.sub(r"[,;:]\s*([.!?])", r"\1", text)
    return re.sub(r"^[\s,;:.]+|[\s,;:]+$", "", text)


def effect_words() -> set[str]:
    """Words that name an effect: its name, and the verb of each of its training phrases in its
    base, third-person and -ing forms, or the participle after a light verb ("crushed" of "get
    crushed"), unless that verb starts a motion's or gait's training phrase too ("float", "swell")."""
    motions = motion_verb_heads()
    words = {effect.value.lower() for effect in w.EFFECT}
    for synonyms in w.EFFECT.values():
        for phrase in synonyms.train:
            first, *rest = phrase.lower().split()
            if first not in _LIGHT_VERBS:
                if first not in motions:
                    words |= {w.conjugate(first, form) for form in ("base", "third", "ing")}
            elif rest and rest[0].endswith(("ed", "en")):
                words.add(rest[0])
    return words


@cache
def negations() -> Negations:
    """The negations reader for the shipped vocabulary."""
    return Negations(frozenset(CLAUSE_WORDS | place_prepositions()), training_verb_heads(),
                     frozenset(subject_nouns() | effect_words()))


def read_still(prompt: str) -> tuple[str, list[str]]:
    """``prompt`` with each negated move of a subject written as staying still, and the negations read."""
    edits: list[tuple[int, int, str]] = []
    for m in _NOT_MOVING.finditer(prompt):
        if camera_before(prompt, m.start()):
            continue  # "the camera does not move": the training captions' static shot
        aux, end = (m.group("aux") or "").lower(), (m.group("end") or "").lower()
        if m.group("cannot") or m.group("wont"):
            aux = {"wo": "will", "ca": "can"}.get((m.group("wont") or "").lower(), "can")
        if end in ("ing", "ring"):
            stay = "staying"
        elif aux == "did":
            stay = "stayed"
        elif aux == "does" or end in ("es", "s"):
            stay = "stays"
        else:
            stay = "stay"
        kept = f"{aux} " if aux in _KEPT else ""
        edits.append((m.start(), m.end(), f"{kept}{stay} still"))
    return rewritten(prompt, edits), [prompt[a:b] for a, b, _ in edits]
