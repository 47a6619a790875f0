"""How far the frozen text encoder alone can tell held-out synonyms apart: the ceiling under the
sandbox model's synonym column.

The generator reads prompts only through frozen MiniLM token embeddings. For colours, kinds,
motions and effects this embeds every training phrase and every held-out phrase inside a few
sentence frames, then classifies each held-out phrase two ways that use no generator at all:

- nearest class centroid of the training phrases (cosine), and
- a linear probe (logistic regression) fitted on the training phrases.

Whatever these miss, a generator that maps embeddings to values linearly will miss too; whatever
they get right and the generator does not is headroom in the model.

A third column reads each phrase alone, the way all-MiniLM-L6-v2 was trained to be read: the mean
of all its word pieces (a sentence embedding), compared with every training phrase's, the nearest
one naming the value. Where it beats the in-context columns, a phrase's own sentence embedding
is a better key to its meaning than the tokens the generator reads.

    python benchmarks/sandbox_text_ceiling.py
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from framecast.engine.sandbox import words as w
from framecast.engine.sandbox.text import TextEncoder

FRAMES: dict[str, tuple[str, ...]] = {
    "colour": ("a {} ball rolls in a field", "the {} dog runs left", "two {} boxes spin in the snow",
               "a woman in {} walks", "{} stars at night"),
    "kind": ("a red {} rolls in a field", "the big {} moves left", "a green {} spins in the snow", "a {} jumps",
             "blue {} at night"),
    "motion": ("a red ball {} in a field", "the dog {} in the snow", "a small green box {}", "two stars {} at night",
               "a cat that {} slowly"),
    "effect": ("a red ball {}", "the dog {} halfway through", "a green box {} at the end", "a cat that {}",
               "a blue star {} in the desert"),
}


def _tables() -> dict[str, dict[object, w.Synonyms]]:
    return {"colour": dict(w.COLOUR), "kind": dict(w.KIND), "motion": dict(w.MOTION), "effect": dict(w.EFFECT)}


def _embed(encoder: TextEncoder, frame: str, phrase: str, form: str) -> torch.Tensor:
    """The mean of the phrase's word pieces, in context."""
    if form != "base":
        phrase = w.conjugate(phrase, form)
    text = frame.format(phrase)
    start = text.index(phrase)
    (a, b), = encoder.token_spans(text, ((start, start + len(phrase)),))
    return encoder.encode_one(text)[a:b].mean(0)


def _alone(encoder: TextEncoder, phrases: list[str], form: str) -> torch.Tensor:
    """Each phrase by itself as a unit sentence embedding (mean of its word pieces, CLS and SEP included)."""
    texts = [p if form == "base" else w.conjugate(p, form) for p in phrases]
    hidden, mask = encoder.encode(texts)
    return F.normalize(hidden.sum(1) / mask.sum(1, keepdim=True), dim=-1)


def main() -> None:
    torch.manual_seed(0)
    encoder = TextEncoder(cache_size=4096)
    print("| field | held-out phrases | nearest centroid | linear probe | phrase alone, nearest phrase |")
    print("|---|---|---|---|---|")
    for name, table in _tables().items():
        form = "third" if name in ("motion", "effect") else "base"
        values = list(table)
        train = [(k, p) for k, v in enumerate(values) for p in table[v].train]
        held = [(k, p) for k, v in enumerate(values) for p in table[v].held_out]
        if not held:
            continue
        x = F.normalize(torch.stack([_embed(encoder, f, p, form) for f in FRAMES[name] for _, p in train]), dim=-1)
        y = torch.tensor([k for _ in FRAMES[name] for k, _ in train])
        xh = F.normalize(torch.stack([_embed(encoder, f, p, form) for f in FRAMES[name] for _, p in held]), dim=-1)
        yh = torch.tensor([k for _ in FRAMES[name] for k, _ in held])
        centroids = F.normalize(torch.stack([x[y == k].mean(0) for k in range(len(values))]), dim=-1)
        nearest = float(((xh @ centroids.T).argmax(1) == yh).float().mean())
        probe = torch.nn.Linear(x.shape[1], len(values))
        optimiser = torch.optim.Adam(probe.parameters(), lr=1e-2, weight_decay=1e-3)
        for _ in range(500):
            optimiser.zero_grad()
            F.cross_entropy(probe(x * 5), y).backward()  # type: ignore[no-untyped-call]
            optimiser.step()
        with torch.no_grad():
            linear = float((probe(xh * 5).argmax(1) == yh).float().mean())
        a, ah = _alone(encoder, [p for _, p in train], form), _alone(encoder, [p for _, p in held], form)
        closest = (ah @ a.T).argmax(1)
        alone = sum(train[int(j)][0] == k for j, (k, _) in zip(closest, held, strict=True)) / len(held)
        print(f"| {name} | {len(held)} | {100 * nearest:.0f} % | {100 * linear:.0f} % | {100 * alone:.0f} % |")


if __name__ == "__main__":
    main()
