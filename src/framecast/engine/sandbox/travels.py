"""Travelling with no direction: "a fish swimming" goes somewhere, and the seed says where.

Every training caption that moves a subject across the world says which way ("drifts to the
left", "walks away"), and none says "swim", "crawl" or "slither". The generator reads such a verb as
saying nothing of motion, so "a fish swimming in the ocean" drew the fish bouncing, growing or
staying still on 7 of 10 seeds, as for a prompt that names no motion at all. The verb does say
something: the subject travels. Only the direction is left open, and what a prompt leaves open
varies with the seed. So before a prompt is encoded, such a verb gets the captions' words for one of
the world's directions across the frame, drawn from the seed: "a fish swimming to the left in the
ocean" (or "to the right").

A verb of travelling is one WordNet files, in its first sense, directly under a sense of moving of
"travel" ("swim", "crawl", "creep", "slither", "ride", "sail", "trek") and most of whose senses are
of movement, change or rest, as for the motion gloss (not "whine" or "sift", filed under
travelling first but mostly sounds and sieving), in its base, third-person or -ing form, that no
caption uses and no other gloss reads ("roam" is read as walking). Left out are verbs with more
senses as nouns, verbs after an article ("a crawl", "the swimming pool"), "withdraw"
and "return", which name a direction of their own (away, back), and a verb whose subject is the
camera or that says how it moves ("the camera creeps over the city", "a creeping zoom").

The direction is left to the prompt when it says one: a word of direction ("left", "upward",
"away", "toward", "closer", "back", "around", "camera", ...) before punctuation or a word that
starts another clause ("and", "while", ...). It is written after the verb, or after the verb's
object when one follows ("a man riding a bike to the right"). Training captions use none of these
verbs, so the reader never changes one.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import numpy as np

from framecast.engine.sandbox import words as w
from framecast.engine.sandbox.gloss import CAMERA_WORDS, WORD, camera_before, phrase_after, rewritten, training_words
from framecast.engine.sandbox.motion_names import ARTICLES, MOVES, motion_gloss, shipped_verbs
from framecast.engine.sandbox.scene import Motion
from framecast.engine.sandbox.wordnet import WordNetTable

__all__ = ["DIRECTIONS", "read_travels", "shipped_travel_verbs", "travel_verbs"]

# The way a travel is drawn when the prompt leaves it open, and the captions' words for it.
DIRECTIONS: dict[Motion, str] = {Motion.LEFT: "to the left", Motion.RIGHT: "to the right"}
_OWN_WAY = frozenset({"withdraw", "return"})  # away, back
# Words that say which way a subject goes (or that the camera is what moves).
_SAID = frozenset({
    "left", "right", "leftward", "leftwards", "rightward", "rightwards", "up", "upward", "upwards", "down",
    "downward", "downwards", "away", "toward", "towards", "closer", "nearer", "forward", "forwards", "back",
    "backward", "backwards", "upstream", "downstream", "uphill", "downhill", "around", "round", "circles",
    "circle", "off", "distance", "horizon", "camera", "viewer", "us", "sideways", "still", "place",
})
_CLAUSE = frozenset({"and", "then", "while", "as", "before", "after", "until", "when", "where", "which", "that",
                     "who", "but", "so", "because", "is", "are", "was", "were"})
# Words that end a verb's object: a preposition or adverb after it ("riding a bike through the park").
_OBJECT_END = frozenset({"in", "on", "at", "through", "across", "along", "over", "under", "past", "into", "onto",
                         "by", "near", "beside", "around", "from", "with", "of", "for", "slowly", "quickly",
                         "fast", "gently"}) | _CLAUSE
_CAMERA_MOVES = frozenset({"zoom", "zooms", "pan", "pans", "orbit", "dolly", "tilt", "tracking", "push",
                           "pull"}) | CAMERA_WORDS
MAX_WORDS = 8  # read after the verb for a direction
_OBJECT_WORDS = 4


def travel_verbs(table: WordNetTable, known: frozenset[str] | set[str], glossed: frozenset[str] | set[str]
                 ) -> frozenset[str]:
    """The forms of the table's verbs of travelling (see the module's doc) no caption uses and no
    other gloss reads."""
    travel = {s for s in table.senses["travel"] if table.lexname(s) == "motion"}
    out: set[str] = set()
    for verb, senses in table.senses.items():
        first = senses[0]
        if ("_" in verb or "-" in verb or verb in _OWN_WAY or verb in known or verb in table.mostly_nouns
                or verb in table.adjectives or not isinstance(first, int) or not travel & set(table.hypernyms[first])):
            continue
        if 2 * sum(table.lexname(s) in MOVES for s in senses) <= len(senses):
            continue  # mostly not a move: "a dog whining", "sifting flour"
        forms = {w.conjugate(verb, form) for form in ("base", "third", "ing")}
        if not forms & (set(known) | set(glossed)):
            out |= forms
    return frozenset(out)


@cache
def shipped_travel_verbs() -> frozenset[str]:
    """The verbs of travelling in the shipped verb table (built once)."""
    return travel_verbs(shipped_verbs(), training_words(), frozenset(motion_gloss().meanings))


def read_travels(prompt: str, seed: int) -> tuple[str, list[tuple[str, Motion]]]:
    """``prompt`` with a direction drawn from ``seed`` after each verb of travelling that has none,
    and the verbs read with the direction each was given."""
    verbs = shipped_travel_verbs()
    rng = np.random.default_rng(seed)
    edits: list[tuple[int, int, str]] = []
    read: list[tuple[str, Motion]] = []
    for verb, at in _open_travels(prompt, verbs):
        way = list(DIRECTIONS)[int(rng.integers(len(DIRECTIONS)))]
        edits.append((at, at, f" {DIRECTIONS[way]}"))
        read.append((verb, way))
    return rewritten(prompt, edits), read


def _open_travels(prompt: str, verbs: frozenset[str]) -> Iterator[tuple[str, int]]:
    """Each verb of travelling in ``prompt`` that no direction follows, with where to write one."""
    words = list(WORD.finditer(prompt))
    for i, m in enumerate(words):
        if m.group(0).lower() not in verbs:
            continue
        if (i and words[i - 1].group(0).lower() in ARTICLES) or camera_before(prompt, m.start()):
            continue
        after, _ = phrase_after(prompt, m.end(), _CLAUSE, frozenset(), MAX_WORDS)
        if any(x.group(0).lower() in _SAID for x in after):
            continue
        if i + 1 < len(words) and words[i + 1].group(0).lower() in _CAMERA_MOVES:
            continue  # "creeping zoom in": how the camera moves
        at = m.end()
        if after and after[0].group(0).lower() in ARTICLES:  # an object: "riding a bike"
            for x in after[:_OBJECT_WORDS]:
                if x.group(0).lower() in _OBJECT_END:
                    break
                at = x.end()
        yield m.group(0), at
