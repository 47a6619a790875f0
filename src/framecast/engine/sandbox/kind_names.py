"""Nouns the generator never read, glossed with the world kind WordNet files them under.

The frozen text encoder places many nouns no caption used far from what they name: "mackerel" sits
nearer "bird" than "fish", "penguin" and "tiger" nearer no animal at all. What a noun names is
written down, though: WordNet's is-a links say a mackerel is a fish and a jogger a person. So before
a prompt is encoded, such a noun is followed by its world kind ("a mackerel" is read as "a mackerel
fish", "two joggers" as "two jogger people").

How a noun is read, from WordNet 3.0's nouns (``weights/wordnet_nouns.tsv.gz``), by the rules of
:mod:`~framecast.engine.sandbox.wordnet`:

- Each kind's training phrases are its anchors, in the senses that fit the kind: people among
  WordNet's persons, animals among its animals, shapes among its artifacts, shapes and objects.
- The senses that vote are those that name a thing (a person, animal, artifact, shape or object);
  one that names it as food or as an amount is set aside. "Shot" and "life" name a person in one
  sense among many, and are left alone.
- A noun that names an animal is read by its animal senses: a person called a "tiger" or a "shark"
  is named after the animal. A noun whose most frequent sense (WordNet's first) is an animal is
  read by its animal senses alone: a "horse" in a prompt is the animal, not the vaulting horse.
- An animal no kind's phrases anchor, named by a noun whose first sense it is, is read as the kind
  that stands for its class (:data:`CLASSES`): a mammal as the dog, the world's four-legged walker
  ("a horse", "a wolf", "an elephant"), unless it is a feline (the cat's own anchors come first),
  a dolphin or a walrus (aquatic mammals swim: the fish), a bat (it flies: the bird) or a hominid
  (the person). Reptiles, amphibians, insects and other animals the world has no likeness for are
  left unread, and so is a noun that names a person first ("a nanny", "a shrew"): the person is
  what it says.
- A word that is also an adjective ("American", "giant"), a proper name (WordNet's capitalised
  entries) or a word any caption uses is never glossed, and a noun that modifies another ("a guard
  dog", "a king penguin", "a sports car") is left to the noun it modifies: a kind's noun, a glossed
  one, or a plain noun, one that is not also an adjective, a verb or a caption's word ("car").

Training captions use only known words, so the generator is the same with or without the gloss.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType

from framecast.engine.sandbox import words as w
from framecast.engine.sandbox.gloss import Gloss, Reading, training_words
from framecast.engine.sandbox.motion_names import shipped_verbs
from framecast.engine.sandbox.scene import Kind
from framecast.engine.sandbox.wordnet import WordNetTable, anchor_synsets, load_table, word_reader

__all__ = ["CLASSES", "NOUNS_PATH", "THINGS", "KindGloss", "build_gloss", "class_anchors", "kind_anchors",
           "kind_gloss", "load_nouns", "noun_reader", "plain_nouns", "subject_nouns"]

NOUNS_PATH = Path(__file__).with_name("weights") / "wordnet_nouns.tsv.gz"

# WordNet's lexicographer files that name things the world could draw, and those that name a
# thing as something else (the flesh of a fish as food, a carton as the amount it holds).
THINGS = frozenset({"animal", "person", "artifact", "shape", "object"})
METONYMS = frozenset({"food", "quantity"})
_SHAPES = frozenset({"artifact", "shape", "object"})
_ANIMALS = frozenset({"animal"})
# The senses of a kind's training phrases that can anchor it ("Tops" holds "person" itself).
NATURE: dict[Kind, frozenset[str]] = {
    Kind.BALL: _SHAPES, Kind.BOX: _SHAPES, Kind.TRIANGLE: _SHAPES, Kind.STAR: _SHAPES, Kind.HEART: _SHAPES,
    Kind.RING: _SHAPES, Kind.PERSON: frozenset({"person", "Tops"}), Kind.DOG: _ANIMALS, Kind.CAT: _ANIMALS,
    Kind.BIRD: _ANIMALS, Kind.FISH: _ANIMALS,
}

# WordNet's classes of animals and the kind that stands for each, anchored where no kind's own
# phrases are nearer (see the module's doc): the class's noun, in its animal sense.
CLASSES: dict[str, Kind] = {
    "mammal": Kind.DOG, "aquatic_mammal": Kind.FISH, "chiropteran": Kind.BIRD, "hominid": Kind.PERSON,
}

KindGloss = Gloss[Kind]


def load_nouns(path: Path) -> WordNetTable:
    return load_table(path, "noun table")


def kind_anchors(table: WordNetTable) -> dict[int, Kind]:
    """Synset -> kind, for the senses of each kind's training phrases that fit it."""
    phrases = {kind: [p.lower().replace(" ", "_") for p in synonyms.train] for kind, synonyms in w.KIND.items()}
    return anchor_synsets(table, phrases, NATURE.__getitem__)


def class_anchors(table: WordNetTable) -> dict[int, Kind]:
    """Synset -> kind, for each class of :data:`CLASSES` in the table (its noun's animal sense)."""
    anchors = {}
    for noun, kind in CLASSES.items():
        animal = [s for s in table.senses.get(noun, ()) if isinstance(s, int) and table.lexnames[s] == "animal"]
        if animal:
            anchors[animal[0]] = kind
    return anchors


def noun_reader(table: WordNetTable, anchors: dict[int, Kind],
                classes: Mapping[int, Kind] = MappingProxyType({})) -> Callable[[str], Kind | None]:
    """The kind a common noun (WordNet's spelling) is read as, by the rules in the module's doc;
    ``classes`` anchor the animals no kind's phrases do, for a noun that names an animal first."""

    def animals_first(senses: list[int]) -> list[int]:
        # A noun that names an animal names a person after it ("a tiger", "a shark").
        if any(table.lexnames[s] == "animal" for s in senses):
            return [s for s in senses if table.lexnames[s] != "person"]
        return senses

    things = word_reader(table, anchors, THINGS, METONYMS, animals_first)
    # A noun that names an animal first names it ("a horse", not the vaulting horse): only its
    # animal senses count, for and against.
    others = frozenset(table.lexname(s) for senses in table.senses.values() for s in senses) - {"animal"}
    animals = word_reader(table, {**classes, **anchors}, frozenset({"animal"}), others)

    def read(noun: str) -> Kind | None:
        senses = table.senses.get(noun, ())
        return (animals if senses and table.lexname(senses[0]) == "animal" else things)(noun)

    return read


def build_gloss(table: WordNetTable, known: set[str], verbs: WordNetTable | None = None) -> KindGloss:
    """The gloss for the table's one-word common nouns that are not in ``known`` (nor plurals of
    known words) and not adjectives, each read as a kind when the rules read it as one. With
    ``verbs``, a noun before a plain noun (:func:`plain_nouns`) is left to it too."""
    read = noun_reader(table, kind_anchors(table), class_anchors(table))
    heads = set(w.kind_nouns())
    if verbs is not None:
        heads |= plain_nouns(table, known, verbs)
    meanings: dict[str, Reading[Kind]] = {}
    for noun in table.senses:
        if "_" in noun or "-" in noun or noun in known or _singular(noun) in known or noun in table.adjectives:
            continue
        kind = read(noun)
        if kind is None:
            continue
        if noun not in meanings or meanings[noun].meaning is not kind:  # not read already as a plural
            meanings[noun] = Reading(kind, kind.value)
        plural = w.plural(noun)  # read too, as a compound: "two joggers" -> "two jogger people"
        if plural != noun and plural not in known and _singular(plural) not in known and (
                plural not in table.senses or read(plural) is kind):  # "cows" has senses of its own
            meanings[plural] = Reading(kind, w.plural(kind.value), noun)
    return Gloss(meanings, frozenset(heads | set(meanings)))


def plain_nouns(table: WordNetTable, known: set[str], verbs: WordNetTable) -> set[str]:
    """The table's common nouns that are nothing else, and their plurals: no adjective, no form of
    a verb, no word a caption uses. One before them modifies them ("a sports car", "a tiger shark"),
    where a verb ("a jogger running") or a caption's word ("a lark way up high") says nothing of the kind."""
    forms = {w.conjugate(verb, form) for verb in verbs.senses if "_" not in verb for form in ("base", "third", "ing")}
    nouns = {noun for noun in table.senses if noun.isalpha() and noun.islower() and noun not in known
             and noun not in table.adjectives and noun not in forms}
    return nouns | {w.plural(noun) for noun in nouns}


def _singular(word: str) -> str:
    """``word`` without a regular plural ending (a few WordNet nouns are plurals of taught words)."""
    for plural_end, singular_end in (("ies", "y"), ("ches", "ch"), ("shes", "sh"), ("xes", "x"), ("ses", "s"),
                                     ("men", "man"), ("s", "")):
        if word.endswith(plural_end):
            return word[: len(word) - len(plural_end)] + singular_end
    return word


@cache
def kind_gloss(path: Path = NOUNS_PATH) -> KindGloss:
    """The gloss for the shipped noun table and the shipped training vocabulary (built once)."""
    return build_gloss(load_nouns(path), training_words(), shipped_verbs())


@cache
def subject_nouns() -> frozenset[str]:
    """Every noun that names a subject of the world: a kind's training noun and its plural, and each
    noun the shipped gloss reads as a kind ("mackerel", "joggers")."""
    return frozenset(w.kind_nouns() | set(kind_gloss().meanings))
