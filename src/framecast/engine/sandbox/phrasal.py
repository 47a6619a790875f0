"""Phrasal verbs of moving: "a bird taking off" rises, "a plane touching down" comes down.

The word-by-word glosses read a verb alone, and "take" and "touch" say nothing of moving: "a bird
taking off" drew the bird flying left or right, away or staying still (never up, over 10 seeds), "a
plane touching down" bouncing. The captions say the same moves with their own phrasal verbs, "lift
off" (rise) and "come down" (descend). So before a prompt is encoded, "take off" and "touch down"
(:data:`PHRASES`), in any form, are written as the captions' phrase in the same form: "a bird lifting
off from a branch", "a plane comes down". "Take off" with an object after it ("taking off his hat",
"took off the lid") is left alone: it is not a move.
"""

from __future__ import annotations

import re

from framecast.engine.sandbox import words as w
from framecast.engine.sandbox.gloss import rewritten
from framecast.engine.sandbox.motion_names import ARTICLES

__all__ = ["PHRASES", "read_phrasal"]

# A phrasal verb (base form) -> the training captions' phrase for the same move.
PHRASES: dict[str, str] = {"take off": "lift off", "touch down": "come down"}
_PAST: dict[str, str] = {"take": "took", "touch": "touched", "lift": "lifted", "come": "came"}
# After "off", a word that starts the verb's object: then it is not a move ("taking off his hat").
_OBJECT = ARTICLES | {"these", "those", "some", "one", "two", "all", "every", "each", "him", "them", "it"}
_FORMS = ("base", "third", "ing")


def _forms(phrase: str) -> dict[str, str]:
    """Each form of ``phrase``'s verb -> the form's name ("taking" -> "ing"); the past as "past"."""
    verb = phrase.split(" ")[0]
    return {w.conjugate(verb, form): form for form in _FORMS} | {_PAST[verb]: "past"}


def _said(phrase: str, form: str) -> str:
    verb, _, rest = phrase.partition(" ")
    return f"{_PAST[verb]} {rest}" if form == "past" else w.conjugate(phrase, form)


_NO_OBJECT = rf"(?!\s+(?:{'|'.join(sorted(_OBJECT))})\b)"
_PATTERNS = [
    (phrase, said,
     re.compile(rf"\b({'|'.join(_forms(phrase))})\s+{phrase.split(' ')[1]}\b{_NO_OBJECT}", re.IGNORECASE))
    for phrase, said in PHRASES.items()
]


def read_phrasal(prompt: str) -> tuple[str, list[str]]:
    """``prompt`` with each phrasal verb of :data:`PHRASES` written as the captions' phrase, and the
    phrases read."""
    edits: list[tuple[int, int, str]] = []
    found: list[str] = []
    for phrase, said, pattern in _PATTERNS:
        forms = _forms(phrase)
        for m in pattern.finditer(prompt):
            edits.append((m.start(), m.end(), _said(said, forms[m.group(1).lower()])))
            found.append(m.group(0))
    return rewritten(prompt, sorted(edits)), found
