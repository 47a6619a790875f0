"""Likenesses: "a man bounces like a ball" says how the man bounces, not that a ball is there.

The generator draws every thing of the world a prompt names, and a likeness names one: "a man in
blue bounces like a ball" drew a man and a ball on 20 of 20 seeds, "a man deflates like a tyre" a man
and a ring. Training captions with such likenesses taught the generator to tell them apart, and also
to drop a noun after a verb ("a dog chasing a ball" lost its ball), so they are not in the captions
(the model card says more). Instead, the pipeline leaves a likeness out of what the generator reads.

A likeness is "like" with an article and one to :data:`MAX_WORDS` more words, up to punctuation, a
word that starts a clause or a place, a training verb ("like a ball rolls"), or the end; where none
of those comes within reach, or "like" is the verb ("I'd like a red ball"), it is left alone. One the
training phrases use is kept ("inflate like a balloon", "peel like a sticker"): the generator learned
those as part of an effect, and draws no balloon for them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from framecast.engine.sandbox.gloss import WORD, phrase_after, rewritten, training_phrases, training_verb_heads
from framecast.engine.sandbox.place_phrases import place_prepositions

__all__ = ["MAX_WORDS", "Similes", "similes"]

MAX_WORDS = 3  # after the article
ARTICLES = ("a", "an", "the")
CLAUSE_WORDS = frozenset({"and", "then", "while", "as", "before", "after", "until", "when", "where", "which",
                          "that", "who", "but", "or", "at", "to", "toward", "towards", "into", "from", "with"})
# Before "like" the verb ("I'd like a red ball"), where a likeness never follows.
WANTING = frozenset({"i", "i'd", "we", "we'd", "you", "you'd", "they", "they'd", "would", "do", "does", "did",
                     "don't", "to", "will", "should", "could", "might", "may", "really", "also", "please"})
_LIKE = re.compile(r"\blike\s+(?:an?|the)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Similes:
    """Finds and leaves out the likenesses of a prompt; see the module's doc."""

    kept: frozenset[str]  # the training phrases' likenesses, lower case ("like a punctured balloon")
    stops: frozenset[str]  # words a likeness ends before: clause words, prepositions, articles
    verbs: frozenset[str]  # ... and the training verbs, after its first word ("like a spinning top")

    def read(self, prompt: str) -> tuple[str, list[str]]:
        """``prompt`` without its likenesses, and the likenesses left out, in order."""
        edits: list[tuple[int, int, str]] = []
        found = []
        for start, end in self._spans(prompt):
            said = prompt[start:end]
            if self._is_kept(said):
                continue
            # The space before the likeness goes with it: "bounces like a ball in" -> "bounces in".
            cut, last = start, edits[-1][1] if edits else 0
            while cut > last and prompt[cut - 1].isspace():
                cut -= 1
            edits.append((cut, end, ""))
            found.append(said)
        return rewritten(prompt, edits), found

    def _spans(self, prompt: str) -> list[tuple[int, int]]:
        """Where the likenesses are: only those whose end is clear, and not "like" the verb ("I'd like a")."""
        spans = []
        for m in _LIKE.finditer(prompt):
            before = WORD.findall(prompt, 0, m.start())
            if before and before[-1].lower() in WANTING:
                continue
            words, ended = phrase_after(prompt, m.end(), self.stops, self.verbs, MAX_WORDS)
            if ended and words:
                spans.append((m.start(), words[-1].end()))
        return spans

    def _is_kept(self, said: str) -> bool:
        said = " ".join(said.lower().split())
        return any(said == k or k.startswith(said + " ") or said.startswith(k + " ") for k in self.kept)


@cache
def similes() -> Similes:
    """The likenesses reader for the shipped vocabulary."""
    kept = frozenset(" ".join(m.group(0).lower().split()) for phrase in training_phrases()
                     for m in re.finditer(r"\blike\s+(?:an?|the)\s+[\w' -]+", phrase))
    # Only a verb's first word: "stress ball" in "be squeezed like a stress ball" is the likeness itself.
    return Similes(kept, frozenset(CLAUSE_WORDS | place_prepositions() | set(ARTICLES)), training_verb_heads())
