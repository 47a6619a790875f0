"""A tiny training run: the real loop end to end, reproducible from its seed."""

from __future__ import annotations

from pathlib import Path

import torch
from safetensors.torch import load_file

from framecast.engine.sandbox.model import GeneratorConfig, load_generator
from framecast.engine.sandbox.modelcard import write_model_card
from framecast.engine.sandbox.pipeline import SandboxPipeline
from framecast.engine.sandbox.train import EMBEDDING_MINUTES, STEPS_PER_MINUTE, TrainConfig, train

TINY = TrainConfig(minutes=EMBEDDING_MINUTES + 12.5 / STEPS_PER_MINUTE, captions=160, validation_captions=32,
                   batch_size=32, warmup_steps=2, log_every=4, model=GeneratorConfig(d_model=32, n_layers=1, n_heads=2))


def test_tiny_run_is_reproducible_and_loadable(tmp_path: Path) -> None:
    logs: list[str] = []
    a = train(tmp_path / "a", TINY, log=logs.append)
    b = train(tmp_path / "b", TINY, log=lambda _: None)
    assert a.steps == TINY.steps == 12
    assert a.final_loss == a.final_loss and a.final_loss < 5.0
    wa, wb = load_file(str(a.weights)), load_file(str(b.weights))
    assert all((wa[k] == wb[k]).all() for k in wa)
    rows = a.loss_curve.read_text().splitlines()
    assert rows[0].startswith("step,") and len(rows) >= 3
    assert any("training" in line for line in logs)
    load_generator(a.weights)
    card = write_model_card(tmp_path / "a").read_text()
    assert "Training run" in card and "loss_curve.csv" in card
    scene = SandboxPipeline(a.weights).sample_scene("a red ball", "", 0)
    assert scene.setting is not None


def test_each_named_field_reads_its_own_words_and_they_are_labelled_with_its_value() -> None:
    import numpy as np

    from framecast.engine.sandbox import tokens as tk
    from framecast.engine.sandbox.captions import Caption, Phrase, caption
    from framecast.engine.sandbox.text import TextEncoder
    from framecast.engine.sandbox.train import _embed, _targets

    rng = np.random.default_rng(5)
    drawn: Caption | None = None
    while drawn is None:  # two subjects, both with a named colour and kind
        c = caption(rng)
        colours = [p for p in c.phrases if p.field == "colour"]
        if len(c.spec.groups) == 2 and all(g.counts == (1,) for g in c.spec.groups) and len(colours) == 2:
            drawn = c
    corpus = _embed(TextEncoder(), [drawn], lambda _: None)
    targets, where, labels = _targets(corpus, np.array([0]), np.random.default_rng(0), set(), int(corpus.lengths[0]))
    encoder = TextEncoder()

    def pieces(p: Phrase) -> set[int]:
        (a, b), = encoder.token_spans(drawn.text, ((p.start, p.end),))
        return set(range(a, b))

    for p in (p for p in drawn.phrases if p.field == "colour"):
        position = tk.subject_position(p.group, "colour")
        assert set(where[0, position].nonzero().flatten().tolist()) == pieces(p), drawn.text
        assert (labels[0, sorted(pieces(p))] == tk.token_of("colour", p.value)).all()  # type: ignore[arg-type]
        assert int(targets[0, position]) == tk.token_of("colour", p.value)  # type: ignore[arg-type]
    # a field the caption leaves open reads its subject's whole clause
    named = {p.field for p in drawn.phrases if p.group == 0}
    open_field = next(f for f in ("timing", "row", "column", "size") if f not in named)
    a, b = encoder.token_spans(drawn.text, (drawn.spans[0],))[0]
    assert set(where[0, tk.subject_position(0, open_field)].nonzero().flatten().tolist()) == set(range(a, b))
    assert int((labels[0] >= 0).sum()) >= 4


def test_pieces_outside_the_named_phrases_are_labelled_as_naming_nothing() -> None:
    import numpy as np

    from framecast.engine.sandbox import tokens as tk
    from framecast.engine.sandbox.captions import caption
    from framecast.engine.sandbox.model import NOTHING
    from framecast.engine.sandbox.text import TextEncoder
    from framecast.engine.sandbox.train import _embed, _targets

    rng = np.random.default_rng(3)
    drawn = [c for c in (caption(rng) for _ in range(40)) if c.phrases][:2]
    encoder = TextEncoder()
    corpus = _embed(encoder, drawn, lambda _: None)
    length = int(corpus.lengths.max())
    _, _, without = _targets(corpus, np.array([0, 1]), np.random.default_rng(0), set(), length)
    _, _, labels = _targets(corpus, np.array([0, 1]), np.random.default_rng(0), {1}, length, nothing=True)
    named = without[0] >= 0
    assert bool(named.any()) and torch.equal(labels[0][named], without[0][named])
    assert bool((labels[0][named] < tk.VOCAB_SIZE).all())
    n = int(corpus.lengths[0])
    assert bool((labels[0, :n][~named[:n]] == NOTHING).all()) and int((labels[0, :n] == NOTHING).sum()) > 0
    assert bool((labels[0, n:] == -1).all())  # padding
    assert bool((labels[1] == -1).all())  # the dropped caption is the empty prompt: nothing to read
    assert not bool((without == NOTHING).any())


def test_the_word_loss_weighs_the_named_pieces_apart_from_the_many_naming_nothing() -> None:
    import torch.nn.functional as F

    from framecast.engine.sandbox.model import NOTHING
    from framecast.engine.sandbox.train import _word_loss

    torch.manual_seed(0)
    logits = torch.randn(1, 6, NOTHING + 1)
    labels = torch.tensor([[3, 3, NOTHING, NOTHING, NOTHING, -1]])
    named = F.cross_entropy(logits[0, :2], labels[0, :2])
    nothing = F.cross_entropy(logits[0, 2:5], labels[0, 2:5])
    assert torch.isclose(_word_loss(logits, labels), named + nothing)
    only_named = torch.tensor([[3, 3, -1, -1, -1, -1]])
    assert torch.isclose(_word_loss(logits, only_named), named)
