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
    NOTHING,
    GeneratorConfig,
    NamedValue,
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


def _saved_without(model: SceneGenerator, key: str, path: Path) -> SceneGenerator:
    """``model`` saved as weights from before ``key`` was in the config, and loaded back."""
    save_generator(model, path)
    with safe_open(str(path), "pt") as fh:
        metadata = dict(fh.metadata())
    config = json.loads(metadata["config"])
    del config[key]
    save_file(load_file(path), path, metadata={**metadata, "config": json.dumps(config)})
    return load_generator(path)


def test_weights_without_the_word_channel_still_load(tmp_path: Path) -> None:
    """Weights saved before the word channel existed carry no ``word_channel`` in their config."""
    torch.manual_seed(0)
    model = SceneGenerator(GeneratorConfig(**{**TINY.__dict__, "word_channel": False}))
    loaded = _saved_without(model, "word_channel", tmp_path / "old.safetensors")
    assert not loaded.config.word_channel and not hasattr(loaded, "word_head")
    text = torch.randn(5, 384)
    assert np.array_equal(loaded.sample(text, None, seed=3), model.eval().sample(text, None, seed=3))


def test_weights_from_before_the_nothing_reading_still_load(tmp_path: Path) -> None:
    """Weights saved before the word channel could read NOTHING have no ``word_nothing`` in their
    config and one reading fewer."""
    torch.manual_seed(0)
    model = SceneGenerator(GeneratorConfig(**{**TINY.__dict__, "word_nothing": False}))
    loaded = _saved_without(model, "word_nothing", tmp_path / "old.safetensors")
    assert not loaded.config.word_nothing and loaded.word_classes == tk.VOCAB_SIZE
    assert loaded.meaning.weight.shape[1] == tk.VOCAB_SIZE
    text = torch.randn(5, 384)
    assert np.array_equal(loaded.sample(text, None, seed=3), model.eval().sample(text, None, seed=3))
    with_nothing = SceneGenerator(GeneratorConfig(**{**TINY.__dict__, "word_nothing": True}))
    assert with_nothing.word_classes == tk.VOCAB_SIZE + 1 and with_nothing.meaning.weight.shape[1] == NOTHING + 1


def _effects(tokens: np.ndarray) -> list[int]:
    """The effect token of each subject in ``tokens``."""
    return [int(tokens[p]) for p in range(tk.subject_position(0, "effect"), len(tokens), tk.SUBJECT_LEN)]


def test_a_named_effect_no_subject_was_drawn_with_is_given_to_a_subject_without_one() -> None:
    from framecast.engine.sandbox.scene import Effect

    torch.manual_seed(0)
    model = SceneGenerator(TINY).eval()
    text = torch.randn(8, 384)
    melt, none = tk.token_of("effect", Effect.MELT), tk.token_of("effect", Effect.NONE)
    named = [NamedValue(melt, (2, 3))]
    forced = 0
    for seed in range(150):
        plain = model.sample(text, None, seed)
        covered = model.sample(text, None, seed, effects=named)
        assert np.array_equal(model.sample(text, None, seed, effects=named), covered)
        if melt in _effects(plain) or none not in _effects(plain):
            assert np.array_equal(covered, plain)  # already drawn, or no subject free to take it
        elif not np.array_equal(covered, plain):  # unless a subject with an effect attends most
            forced += 1
            assert melt in _effects(covered)
            first = min(i for i, (a, b) in enumerate(zip(plain, covered, strict=False)) if a != b)
            assert plain[first] == none and covered[first] == melt  # everything before it stays as it was
    assert forced >= 5, forced


def test_a_named_effect_with_no_subject_drawn_is_left_alone() -> None:
    from framecast.engine.sandbox.scene import Camera, Effect, Light, Scene, Setting

    model = SceneGenerator(TINY).eval()
    empty = [int(t) for t in tk.encode(Scene(Setting.STUDIO, Light.WARM, Camera.STATIC, ())) if t >= 0]
    prompt = (torch.randn(1, 8, 384), torch.randn(1, 8, 384))
    # It raised ValueError (a max over no subjects): "a spinning top on a table" failed on seed 2.
    assert model._uncovered(empty, [NamedValue(tk.token_of("effect", Effect.MELT), (2,))], prompt, {}) is None


def _kinds(tokens: np.ndarray) -> list[int]:
    """The kind token of each subject in ``tokens`` (a closing END left out)."""
    return [int(tokens[p]) for p in range(tk.subject_position(0, "kind"), len(tokens), tk.SUBJECT_LEN)
            if not tk.is_end(p, int(tokens[p]))]


def test_a_named_kind_no_subject_was_drawn_as_becomes_one_more_subject_where_the_scene_closed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from framecast.engine.sandbox import model as generator_model
    from framecast.engine.sandbox.scene import MAX_SUBJECTS, Effect
    from framecast.engine.sandbox.world import GENERATED_KINDS

    torch.manual_seed(0)
    model = SceneGenerator(TINY).eval()
    text = torch.randn(40, 384)  # a long prompt: a random model's subjects seldom look near the named words
    fish = tk.token_of("kind", GENERATED_KINDS[-1])
    named = [NamedValue(fish, (36,))]
    monkeypatch.setattr(generator_model, "NAMED_KIND_FLOOR", float("-inf"))  # a random model finds little plausible
    added = 0
    for seed in range(200):  # a random model mostly draws four subjects: one in ten closes earlier
        plain = model.sample(text, None, seed)
        drawn = model.sample(text, None, seed, kinds=named)
        assert np.array_equal(model.sample(text, None, seed, kinds=named), drawn)
        if fish in _kinds(plain) or len(_kinds(plain)) == MAX_SUBJECTS:
            assert np.array_equal(drawn, plain)  # already drawn, or no room for another
        elif not np.array_equal(drawn, plain):  # unless a subject of another kind read those words
            added += 1
            closed = tk.length_for_count(len(_kinds(plain))) - 1
            assert np.array_equal(drawn[:closed], plain[:closed])  # every subject before it stays as it was
            assert drawn[closed] == fish  # one more subject where it closed; the scene is drawn on from there
    assert added >= 5, added
    # What the checks set is recorded, and only where it was drawn: with an effect check after the
    # kind check, the draw may close before the added subject.
    melt = tk.token_of("effect", Effect.MELT)
    recorded = 0
    for seed in range(200):
        record: dict[int, int] = {}
        drawn = model.sample(text, None, seed, kinds=named, effects=[NamedValue(melt, (3,))], record=record)
        assert all(p < len(drawn) and drawn[p] == t for p, t in record.items()), (seed, record)
        recorded += bool(record)
    assert recorded >= 5, recorded
    # With the floor, a kind the generator finds implausible where it closed the scene is not added.
    monkeypatch.setattr(generator_model, "NAMED_KIND_FLOOR", 0.0)
    closing_wins = [seed for seed in range(60) if fish not in _kinds(model.sample(text, None, seed))]
    assert closing_wins
    for seed in closing_wins[:10]:
        assert fish not in _kinds(model.sample(text, None, seed, kinds=named))


def test_the_named_kinds_are_what_the_word_channel_reads_in_words() -> None:
    from framecast.engine.sandbox.scene import Kind
    from framecast.engine.sandbox.text import TextEncoder

    encoder, model = TextEncoder(), load_generator()
    prompt = "a man with a red ball at the beach"
    text = encoder.encode_one(prompt)
    found = model.named_kinds(text, encoder.wordlike(prompt))
    assert [k.token for k in found] == [tk.token_of("kind", k) for k in (Kind.PERSON, Kind.BALL)]
    for named, word in zip(found, ("man", "ball"), strict=True):
        ((a, b),) = encoder.token_spans(prompt, ((prompt.index(word), prompt.index(word) + len(word)),))
        assert set(range(a, b)) <= set(named.pieces)
    assert model.named_kinds(text, [False] * text.shape[0]) == []
    plain = "moving right slowly in a warm glow"
    assert model.named_kinds(encoder.encode_one(plain), encoder.wordlike(plain)) == []


def test_the_named_effects_are_what_the_word_channel_reads_in_words() -> None:
    from framecast.engine.sandbox.scene import Effect
    from framecast.engine.sandbox.text import TextEncoder

    encoder, model = TextEncoder(), load_generator()
    prompt = "a red box moving right until it melts down, a blue ball getting torn apart, a cat then gets squished"
    text = encoder.encode_one(prompt)
    found = model.named_effects(text, encoder.wordlike(prompt))
    assert [e.token for e in found] == [tk.token_of("effect", e) for e in (Effect.MELT, Effect.TEAR, Effect.SQUISH)]
    for named, word in zip(found, ("melts", "torn", "squished"), strict=True):
        ((a, b),) = encoder.token_spans(prompt, ((prompt.index(word), prompt.index(word) + len(word)),))
        assert set(range(a, b)) <= set(named.pieces)
    assert model.named_effects(text, [False] * text.shape[0]) == []  # no piece a word: nothing named
    plain = "a red box moving right in a warm glow"
    assert model.named_effects(encoder.encode_one(plain), encoder.wordlike(plain)) == []


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
