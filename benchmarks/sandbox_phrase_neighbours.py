"""How far a phrase's nearest training phrase can be trusted, on training phrases alone.

The place gloss (``framecast.engine.sandbox.place_phrases``) names a place phrase no caption used by
the training phrase nearest it, both read alone as MiniLM sentence embeddings. This measures that
reading without any held-out phrase: each training phrase, of every scene field, is read by its
nearest *other* training phrase (leave-one-out; verb phrases in the third person, as captions write
them), and for the fields a gloss could read it prints, per similarity floor, how many phrases were
read as that field, how many of those were right (precision), and how many of the field's own
phrases were read right (recall).

    python benchmarks/sandbox_phrase_neighbours.py
"""

from __future__ import annotations

import numpy as np

from framecast.engine.sandbox import words as w
from framecast.engine.sandbox.place_phrases import MIN_SIMILARITY, training_phrases
from framecast.engine.sandbox.text import TextEncoder

FIELDS = ("setting", "effect", "motion")
FLOORS = (0.4, MIN_SIMILARITY, 0.5, 0.55, 0.6, 0.65)


def main() -> None:
    table = training_phrases()
    texts = [w.conjugate(p, "third") if field in ("effect", "motion", "gait") else p for p, field, _ in table]
    vectors = TextEncoder().sentence_embeddings(texts)
    similarity = vectors @ vectors.T
    np.fill_diagonal(similarity, -1.0)
    nearest = similarity.argmax(1)
    best = similarity.max(1)
    print(f"{len(table)} training phrases, each read by its nearest other one\n")
    print("| field | floor | read as the field | right | precision | recall |")
    print("|---|---|---|---|---|---|")
    for field in FIELDS:
        own = sum(1 for _, f, _ in table if f == field)
        for floor in FLOORS:
            read = [i for i in range(len(table)) if table[nearest[i]][1] == field and best[i] >= floor]
            right = sum(table[i][1] == field and table[i][2] == table[nearest[i]][2] for i in read)
            marker = " (the place gloss's)" if floor == MIN_SIMILARITY else ""
            print(f"| {field} | {floor:g}{marker} | {len(read)} | {right} | {100 * right / max(len(read), 1):.0f} % "
                  f"| {right}/{own} |")


if __name__ == "__main__":
    main()
