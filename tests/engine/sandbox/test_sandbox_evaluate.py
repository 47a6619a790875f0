from __future__ import annotations

from click.testing import CliRunner

from framecast.engine.sandbox.cli import sandbox
from framecast.engine.sandbox.evaluate import evaluate, validate_analyzers

from .sandbox_support import shipped_pipeline


def test_evaluate_measures_held_out_prompts() -> None:
    report = evaluate(shipped_pipeline().sample_scene, n=4, seed=3, log=lambda _: None)
    assert report.prompts == 4
    assert report.counts["count"][1] == 4
    table = report.table()
    assert table.startswith("| attribute | accuracy |") and "count" in table


def test_validate_analyzers_runs() -> None:
    report = validate_analyzers(n=2, log=lambda _: None)
    assert report.counts["setting"][1] == 2


def test_cli_has_train_and_eval() -> None:
    runner = CliRunner()
    result = runner.invoke(sandbox, ["--help"])
    assert result.exit_code == 0 and "train" in result.output and "eval" in result.output
    result = runner.invoke(sandbox, ["train", "--help"])
    assert "--minutes" in result.output and "--seed" in result.output and "--out" in result.output
    result = runner.invoke(sandbox, ["eval", "--help"])
    assert "--weights" in result.output and "--n" in result.output
