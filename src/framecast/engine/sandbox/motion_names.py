"""Verbs the generator never read, glossed with the world motion WordNet files them under.

As with nouns (:mod:`~framecast.engine.sandbox.kind_names`), the frozen text encoder places many
verbs no caption used far from what they mean ("plummets" nowhere near "falls"), while WordNet's
is-a links say plummeting is dropping and sauntering is strolling. So before a prompt is encoded,
such a verb is followed by the world's own verb for that motion, in the same form: "a ball
plummets" is read as "a ball plummets falls", "a man sauntering to the left" as "a man sauntering
walking to the left" (the rest of the sentence, the direction, is left as it is).

How a verb is read, from WordNet 3.0's verbs (``weights/wordnet_verbs.tsv.gz``), by the rules of
:mod:`~framecast.engine.sandbox.wordnet`:

- Each motion and gait is anchored by its one-word training verbs ("fall", "drop", "stroll"), in
  their senses of movement (of change, for growing and shrinking; of rest, for staying still).
  Phrases of several words ("move to the left") anchor nothing: their verb says too little.
- The senses that vote are those of movement, change or rest.
- A verb that is also an adjective ("still", "slow"), one with more senses as a noun ("flower",
  "troop": a prompt names the thing) or a word any caption uses is never glossed, nor a verb's form
  after an article or a possessive ("a backpack"); only the base, third-person and -ing forms are
  ("plummet", "plummets", "plummeting").

Sleeping and resting are not in WordNet's is-a links to rest: it files "sleep", "doze" and "nap"
under the body, and "sleep", "nap" and "perch" have more senses as nouns. So "a cat sleeping on the
grass" drew the cat bouncing, growing or walking off on 8 of 10 seeds. The verbs of resting a prompt
uses most (:data:`RESTING`) are read as staying still from a list, in the same forms and the past
participle ("a bird perched on a branch" -> "a bird perched rested on a branch"), and their
participles also after an article, where they say what the noun does ("a sleeping cat"). Landing
is the same: "land" has more senses as a noun, and "a bird landing on the grass" flew left or right
on 10 of 10 seeds; "land" and "alight" (:data:`LANDING`) are read as coming down.

Training captions use only known words, so the generator is the same with or without the gloss.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from framecast.engine.sandbox import words as w
from framecast.engine.sandbox.gloss import Gloss, Reading, training_words
from framecast.engine.sandbox.scene import Gait, Motion
from framecast.engine.sandbox.wordnet import WordNetTable, anchor_synsets, load_table, word_reader

__all__ = ["LANDING", "MOVES", "RESTING", "VERBS_PATH", "MotionGloss", "build_gloss", "load_verbs", "motion_anchors",
           "motion_gloss", "shipped_verbs"]

VERBS_PATH = Path(__file__).with_name("weights") / "wordnet_verbs.tsv.gz"

Move = Motion | Gait
_MOVING = frozenset({"motion"})
_CHANGING = frozenset({"change"})
# The senses of a value's training verbs that can anchor it.
NATURE: dict[Move, frozenset[str]] = {
    **{m: _MOVING for m in Motion}, Motion.GROW: _CHANGING, Motion.SHRINK: _CHANGING,
    Motion.STILL: frozenset({"motion", "stative"}), **{g: _MOVING for g in Gait},
}
MOVES = frozenset().union(*NATURE.values())  # WordNet's files whose senses vote

# Verbs of resting the WordNet rules cannot read (see the module's doc), with their past participle.
RESTING: dict[str, str] = {"sleep": "slept", "nap": "napped", "doze": "dozed", "snooze": "snoozed",
                           "slumber": "slumbered", "perch": "perched", "lounge": "lounged", "laze": "lazed",
                           "bask": "basked", "sunbathe": "sunbathed", "recline": "reclined", "meditate": "meditated"}

# ... and verbs of landing, read as coming down.
LANDING: dict[str, str] = {"land": "landed", "alight": "alighted"}

MotionGloss = Gloss[Move]
# After these a verb's form is a noun: "a backpack", "the trickle", "his saunter".
ARTICLES = frozenset({"a", "an", "the", "his", "her", "its", "their", "my", "your", "our", "this", "that"})
_FORMS = ("base", "third", "ing")


def load_verbs(path: Path) -> WordNetTable:
    return load_table(path, "verb table")


@cache
def shipped_verbs() -> WordNetTable:
    """The shipped verb table, read once for the glosses that use it."""
    return load_verbs(VERBS_PATH)


def _one_word_verbs() -> dict[Move, list[str]]:
    tables: tuple[dict[Motion, w.Synonyms] | dict[Gait, w.Synonyms], ...] = (w.MOTION, w.GAIT)
    return {value: [p.lower() for p in synonyms.train if " " not in p]
            for table in tables for value, synonyms in table.items()}


def motion_anchors(table: WordNetTable) -> dict[int, Move]:
    """Synset -> motion or gait, for the senses of each one's one-word training verbs that fit it."""
    return anchor_synsets(table, _one_word_verbs(), NATURE.__getitem__)


def build_gloss(table: WordNetTable, known: set[str]) -> MotionGloss:
    """The gloss for the table's one-word verbs that are not in ``known`` and not adjectives, in
    each form a prompt is likely to use, each read as a motion or gait when the rules read it as one."""
    read = word_reader(table, motion_anchors(table), MOVES)
    said = {value: verbs[0] for value, verbs in _one_word_verbs().items() if verbs}
    meanings: dict[str, Reading[Move]] = {}
    for verb in table.senses:
        if "_" in verb or "-" in verb or verb in known or verb in table.adjectives or verb in table.mostly_nouns:
            continue
        value = read(verb)
        if value is None or value not in said:
            continue
        for form in _FORMS:
            word = w.conjugate(verb, form)
            if word not in known and word not in meanings:
                meanings[word] = Reading(value, w.conjugate(said[value], form))
    for listed, value in ((RESTING, Motion.STILL), (LANDING, Motion.DOWN)):
        for verb, participle in listed.items():
            forms = {w.conjugate(verb, form): w.conjugate(said[value], form) for form in _FORMS}
            forms[participle] = _past(said[value])
            meanings.update({word: Reading(value, was) for word, was in forms.items()
                             if word not in known and word not in meanings})
    participles = {form for verb, participle in RESTING.items() for form in (w.conjugate(verb, "ing"), participle)}
    return Gloss(meanings, not_after=ARTICLES, participles=frozenset(participles - known))


def _past(verb: str) -> str:
    """The past participle of the world's one-word verbs the listed verbs are read as."""
    return {"fall": "fallen"}.get(verb, verb + ("d" if verb.endswith("e") else "ed"))


@cache
def motion_gloss(path: Path = VERBS_PATH) -> MotionGloss:
    """The gloss for the shipped verb table and the shipped training vocabulary (built once)."""
    return build_gloss(shipped_verbs() if path == VERBS_PATH else load_verbs(path), training_words())
