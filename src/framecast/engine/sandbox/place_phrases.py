"""Place phrases no caption used, followed by the name of the setting they mean.

The generator reads MiniLM's token states, and a place phrase built on a word no caption used ("on
a soundstage", "in a metropolis", "along a boulevard") lands between settings: most of the setting
row's misses are such phrases. MiniLM is, though, a sentence-embedding model: read alone, as it was
trained to be read (the mean of its word pieces), such a phrase mostly sits next to the training
phrase that means the same ("on a stage", "in the city", "on an avenue"). So a place phrase with a
word no training caption used is followed by the name of its setting ("on a soundstage studio")
when, among the training phrases of every scene field, the one nearest it is a place phrase, and
near enough, and when its own words, read alone, are nearest a place of the same setting too. Where
the nearest is another field's ("in a thicket" is nearest "in thick fog"), the phrase is left to the
generator. So is one whose setting comes from its preposition: "by the door", "by the window" and
"by the car" are each nearest "by the ocean" or "by the waves", and were read as the ocean (a dog
waiting by the door drew the beach on 10 of 10 seeds), but "door" alone is nearest "on a road" and
"window" "in a gallery"; "by the lake" and "by the river" still read as the ocean, their words alone
nearest "at the beach" and "by the sea".

A place phrase is a place preposition of the training captions ("in", "on", "across", ...), an
optional article and up to four words, ending at punctuation or a word that starts another clause.
A training word, its plural, or a form captions give a training verb ("hurries", "leaping") is known.
Training captions use only known words, so the gloss never changes one, and the generator is the
same with or without it. Only training phrases are compared against; no held-out phrase is.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from framecast.engine.sandbox import words as w
from framecast.engine.sandbox.gloss import WORD, caption_words, is_known, rewritten
from framecast.engine.sandbox.scene import Setting

__all__ = ["MIN_SIMILARITY", "PlaceGloss", "build_place_gloss", "place_prepositions", "training_phrases"]

# Cosine similarity (sentence embeddings) a place phrase must reach to its nearest training phrase.
MIN_SIMILARITY = 0.45
MAX_WORDS = 4  # after the preposition and article
# The setting's name as the gloss writes it.
SAID: dict[Setting, str] = {
    Setting.DESERT: "desert", Setting.NIGHT_SKY: "night sky", Setting.OCEAN: "ocean", Setting.GRASS_FIELD: "field",
    Setting.CITY_STREET: "city street", Setting.SNOW: "snow", Setting.FOREST: "forest", Setting.STUDIO: "studio",
}
_ARTICLES = frozenset({"a", "an", "the"})
# Words that end a place phrase: they start another clause or phrase.
_ENDS = frozenset({"and", "with", "while", "as", "then", "until", "before", "after", "where", "which", "that",
                   "who", "when", "beside", "next", "near", "alongside", "toward", "towards", "at", "in", "on",
                   "under", "beneath", "by", "along", "across", "among", "through", "between", "against", "of",
                   "to", "into", "from", "during", "for", "is", "are"})
_CLAUSE_END = re.compile(r"[,.;:!?]")

Embed = Callable[[Sequence[str]], npt.NDArray[np.float32]]  # texts -> (n, d) unit sentence embeddings


def training_phrases() -> list[tuple[str, str, object]]:
    """(phrase, field, value) for every training phrase of every scene field: the places, and all
    the others a place phrase must be nearer a place than ("in a dense fog", "on the ground")."""
    out: list[tuple[str, str, object]] = []
    for setting, (trained, _held_out) in w.SETTING.items():
        out.extend((" ".join(part for part in p if part), "setting", setting) for p in trained)
    for name in w.__all__:
        table = getattr(w, name)
        if name == "SETTING" or not isinstance(table, dict) or not table:
            continue
        key, value = next(iter(table.items()))
        if isinstance(key, enum.Enum) and isinstance(value, w.Synonyms):
            out.extend((p, name.lower(), k) for k, synonyms in table.items() for p in synonyms.train)
    return out


def place_prepositions() -> frozenset[str]:
    """The prepositions the training captions' place phrases start with ("in", "across")."""
    return frozenset(p[0].lower() for trained, _ in w.SETTING.values() for p in trained if p[1])


@dataclass(frozen=True)
class PlaceGloss:
    """Reads place phrases by their nearest training phrase; see the module's doc."""

    embed: Embed
    phrases: npt.NDArray[np.float32]  # (n, d) unit embeddings of the training phrases
    meanings: tuple[Setting | None, ...]  # each training phrase's setting, None for other fields
    places: npt.NDArray[np.float32]  # (m, d) the training place phrases' words after the article, alone
    places_meanings: tuple[Setting, ...]  # the setting of each
    known: frozenset[str]  # training words, with the forms captions give the training verbs
    prepositions: frozenset[str]

    def __call__(self, prompt: str) -> str:
        """``prompt`` with each place phrase it reads followed by its setting's name."""
        return self.read(prompt)[0]

    def glossed(self, prompt: str) -> list[tuple[str, Setting]]:
        """The place phrases of ``prompt`` the gloss reads, with their settings."""
        return self.read(prompt)[1]

    def read(self, prompt: str) -> tuple[str, list[tuple[str, Setting]]]:
        """Both at once, embedding the phrases once."""
        found = self._read(prompt)
        edits = [(end, end, f" {SAID[setting]}") for (_, end), setting in found
                 # not where already said ("on a soundstage studio")
                 if not (prompt[:end].lower().endswith(SAID[setting])
                         or prompt[end:].lower().lstrip().startswith(SAID[setting]))]
        return rewritten(prompt, edits), [(prompt[a:b], setting) for (a, b), setting in found]

    def _read(self, prompt: str) -> list[tuple[tuple[int, int], Setting]]:
        spans = self._candidates(prompt)
        if not spans:
            return []
        embedded = self.embed([prompt[a:b] for a, _, b in spans] + [prompt[c:b] for _, c, b in spans])
        similarity = embedded[: len(spans)] @ self.phrases.T
        own = (embedded[len(spans):] @ self.places.T).argmax(axis=1)
        found = []
        for (a, _, b), row, place in zip(spans, similarity, own, strict=True):
            nearest = int(row.argmax())
            setting = self.meanings[nearest]
            if setting is not None and row[nearest] >= MIN_SIMILARITY and self.places_meanings[int(place)] is setting:
                found.append(((a, b), setting))
        return found

    def _candidates(self, prompt: str) -> list[tuple[int, int, int]]:
        """Place phrases with a word no training caption used: (start, start of the words after the
        preposition and article, end) in ``prompt``."""
        words = list(WORD.finditer(prompt))
        spans = []
        for i, m in enumerate(words):
            if m.group(0).lower() not in self.prepositions:
                continue
            j = i + 1
            if j < len(words) and words[j].group(0).lower() in _ARTICLES and not _CLAUSE_END.search(
                    prompt, m.end(), words[j].start()):
                j += 1
            taken: list[re.Match[str]] = []
            while j < len(words) and len(taken) < MAX_WORDS:
                gap = prompt[(taken[-1] if taken else words[j - 1]).end():words[j].start()]
                if _CLAUSE_END.search(gap) or words[j].group(0).lower() in _ENDS:
                    break
                taken.append(words[j])
                j += 1
            if taken and any(not is_known(t.group(0).lower(), self.known) for t in taken):
                spans.append((m.start(), taken[0].start(), taken[-1].end()))
        return spans


def build_place_gloss(embed: Embed, known: set[str] | None = None) -> PlaceGloss:
    """The gloss, its training phrases embedded by ``embed`` once."""
    table = training_phrases()
    vectors = embed([p for p, _, _ in table])
    meanings = tuple(v if field == "setting" and isinstance(v, Setting) else None for _, field, v in table)
    places = [(p[2], setting) for setting, (trained, _) in w.SETTING.items() for p in trained]
    return PlaceGloss(embed, vectors, meanings, embed([words for words, _ in places]), tuple(s for _, s in places),
                      caption_words(known), place_prepositions())
