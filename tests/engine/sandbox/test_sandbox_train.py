"""A tiny training run: the real loop end to end, reproducible from its seed."""

from __future__ import annotations

from pathlib import Path

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
