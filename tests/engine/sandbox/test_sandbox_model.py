from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file

from framecast.engine.sandbox import tokens as tk
from framecast.engine.sandbox.model import (
    DEFAULT_WEIGHTS,
    GeneratorConfig,
    SceneGenerator,
    _sharpen_stop,
    load_generator,
    save_generator,
)
from framecast.errors import ConfigurationError

TINY = GeneratorConfig(d_model=32, n_layers=1, n_heads=2, ff_mult=2)


@pytest.fixture
def tiny_weights(tmp_path: Path) -> Path:
    torch.manual_seed(0)
    path = tmp_path / "tiny.safetensors"
    save_generator(SceneGenerator(TINY), path)
    return path


def test_round_trip_and_deterministic_sampling(tiny_weights: Path) -> None:
    model = load_generator(tiny_weights)
    text, negative = torch.randn(7, 384), torch.randn(2, 384)
    a = model.sample(text, negative, seed=11)
    b = load_generator(tiny_weights).sample(text, negative, seed=11)
    assert np.array_equal(a, b)
    scene = tk.decode(a)  # whatever a random model says is still a valid scene
    assert len(a) == tk.length_for_count(len(scene.subjects))


def test_missing_weights(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"not found.*framecast sandbox train"):
        load_generator(tmp_path / "nope.safetensors")


def test_corrupted_weights(tiny_weights: Path) -> None:
    data = bytearray(tiny_weights.read_bytes())
    data[10:40] = b"\xff" * 30
    tiny_weights.write_bytes(bytes(data))
    with pytest.raises(ConfigurationError, match="unreadable"):
        load_generator(tiny_weights)


def test_truncated_weights(tiny_weights: Path) -> None:
    tiny_weights.write_bytes(tiny_weights.read_bytes()[:200])
    with pytest.raises(ConfigurationError, match="unreadable"):
        load_generator(tiny_weights)


def test_wrong_shape_weights(tiny_weights: Path, tmp_path: Path) -> None:
    state = load_file(str(tiny_weights))
    state["head.weight"] = torch.zeros(3, 3)
    from safetensors import safe_open

    with safe_open(str(tiny_weights), framework="pt") as f:
        metadata = f.metadata()
    bad = tmp_path / "bad.safetensors"
    save_file(state, str(bad), metadata=metadata)
    with pytest.raises(ConfigurationError, match="do not fit the generator"):
        load_generator(bad)


def test_other_vocabulary_is_refused(tiny_weights: Path, tmp_path: Path) -> None:
    state = load_file(str(tiny_weights))
    other = tmp_path / "other.safetensors"
    save_file(state, str(other), metadata={"config": json.dumps(TINY.__dict__), "vocabulary": "0" * 16})
    with pytest.raises(ConfigurationError, match="different scene vocabulary"):
        load_generator(other)


def test_shipped_weights_are_small_and_load() -> None:
    assert DEFAULT_WEIGHTS.is_file()
    assert DEFAULT_WEIGHTS.stat().st_size <= 25 * 1024 * 1024
    assert (DEFAULT_WEIGHTS.parent / "MODEL_CARD.md").is_file()
    load_generator()


class _Scripted(SceneGenerator):
    """Fixed logits for the first position (the setting): row 0 is the prompt, row 1 the negative."""

    def __init__(self, prompt: list[float], negative: list[float]) -> None:
        super().__init__(TINY)
        self.script = torch.tensor([prompt, negative], dtype=torch.float32)

    def decode(
        self, inputs: torch.Tensor, memory: torch.Tensor, pad: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        logits, weights = super().decode(inputs, memory, pad)
        if inputs.shape[1] == 1:
            n = self.script.shape[1]
            logits[:, 0, :n] = self.script[: inputs.shape[0]]
        return logits, weights


def _first_tokens(model: SceneGenerator, negative: torch.Tensor | None, seeds: int = 30) -> set[int]:
    return {int(model.sample(torch.randn(4, 384), negative, seed=s)[0]) for s in range(seeds)}


def test_guidance_never_promotes_what_the_prompt_makes_implausible() -> None:
    # The prompt all but rules out setting 1 (e^-6 as likely); the negative prompt rules it out far
    # harder, so plain classifier-free guidance would multiply it up to a near-certain draw.
    model = _Scripted([6.0, 0.0] + [-20.0] * 6, [6.0, -30.0] + [-20.0] * 6).eval()
    assert _first_tokens(model, torch.randn(3, 384)) == {0}
    assert _first_tokens(model, None) == {0}


def test_negative_prompt_steers_among_what_the_prompt_leaves_open() -> None:
    # The prompt is indifferent between settings 0 and 1; the negative prompt names setting 0.
    model = _Scripted([5.0, 5.0] + [-20.0] * 6, [8.0, 0.0] + [-20.0] * 6).eval()
    assert _first_tokens(model, None) == {0, 1}
    assert _first_tokens(model, torch.randn(3, 384)) == {1}


def test_weights_without_the_word_channel_still_load(tmp_path: Path) -> None:
    """Weights saved before the word channel existed carry no ``word_channel`` in their config."""
    torch.manual_seed(0)
    model = SceneGenerator(GeneratorConfig(**{**TINY.__dict__, "word_channel": False}))
    path = tmp_path / "old.safetensors"
    save_generator(model, path)
    with safe_open(str(path), "pt") as fh:
        metadata = dict(fh.metadata())
    config = json.loads(metadata["config"])
    del config["word_channel"]
    save_file(load_file(path), path, metadata={**metadata, "config": json.dumps(config)})
    loaded = load_generator(path)
    assert not loaded.config.word_channel and not hasattr(loaded, "word_head")
    text = torch.randn(5, 384)
    assert np.array_equal(loaded.sample(text, None, seed=3), model.eval().sample(text, None, seed=3))


def test_the_word_channel_reads_held_out_effect_verbs() -> None:
    """The shipped channel names the effect of verbs no caption used ("flake off" is a peel)."""
    from framecast.engine.sandbox import words as w
    from framecast.engine.sandbox.text import TextEncoder

    encoder, model = TextEncoder(), load_generator()
    effects = [tk.token_of("effect", e) for e in w.EFFECT]
    right = []
    for effect, synonyms in w.EFFECT.items():
        for phrase in synonyms.held_out:
            prefix = "a ball that will "
            text = prefix + phrase
            ((t0, t1),) = encoder.token_spans(text, ((len(prefix), len(text)),))
            with torch.no_grad():
                logits = model.word_logits(model.words(encoder.encode_one(text)[None]))[0, t0:t1].mean(0)
            right.append(max(effects, key=lambda t: float(logits[t])) == tk.token_of("effect", effect))
    # Measured: 13 of 16 (inflate's "blow up like a balloon" and levitate's "defy gravity" read as a
    # deflate, "liquefy" as a squish).
    assert len(right) == 16 and sum(right) >= 12, right


def test_the_stop_is_sharpened_against_going_on_and_the_rest_keep_their_ratios() -> None:
    logp = torch.log(torch.tensor([0.3, 0.35, 0.175, 0.175], dtype=torch.float64))
    out = _sharpen_stop(logp, 0, 0.5).exp()
    assert torch.isclose(out.sum(), torch.tensor(1.0, dtype=torch.float64))
    assert out[0] == pytest.approx(0.09 / (0.09 + 0.49))  # 0.3^2 against 0.7^2
    assert out[1] / out[2] == pytest.approx(2.0) and out[2] == pytest.approx(out[3])
    assert torch.allclose(_sharpen_stop(logp, 0, 1.0), logp)
    certain = torch.tensor([float("-inf"), 0.0, float("-inf"), float("-inf")], dtype=torch.float64)
    assert torch.equal(_sharpen_stop(certain, 0, 0.5), certain)


def test_only_subject_kinds_can_close_the_scene() -> None:
    stops = tk.stop_tokens()
    assert len(stops) == tk.SEQ_LEN
    for position, token in enumerate(stops):
        if token >= 0:
            assert tk.is_end(position, token)
        else:
            assert not any(tk.is_end(position, t) for t in np.flatnonzero(tk.valid_mask()[position]))
