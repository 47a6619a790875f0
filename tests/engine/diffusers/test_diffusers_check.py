"""`framecast models check | list | variants` against tiny weights and broken ones."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from framecast.catalog.endpoints import ENDPOINTS
from framecast.engine.diffusers.check import check_models
from framecast.engine.diffusers.cli import models


def test_tiny_models_have_no_errors(tiny_models_file: Path) -> None:
    problems = check_models(tiny_models_file)
    assert [str(p) for p in problems if p.severity == "error"] == []


def _broken_copy(tiny_root: Path, tmp_path: Path) -> Path:
    weights = tmp_path / "wan"
    shutil.copytree(tiny_root / "tiny-wan-vace", weights)
    shutil.rmtree(weights / "vae")
    index = json.loads((weights / "model_index.json").read_text())
    (weights / "model_index.json").write_text(json.dumps(index))
    other = tmp_path / "t2v"
    shutil.copytree(tiny_root / "tiny-wan-t2v", other)
    for file in (other / "transformer").glob("*.safetensors"):
        file.unlink()
    (tmp_path / "models.toml").write_text(f"""
[endpoints]
"fal-ai/pika/v2.2/pikascenes" = "vace"
"fal-ai/pika/v2.1/text-to-video" = "t2v"

[models.vace]
family = "wan"
variant = "vace-1.3b"
weights = "{weights}"
device = "cpu"
[[models.vace.loras]]
path = "{tmp_path / 'missing.safetensors'}"
[models.vace.mask]
kind = "clipseg"
weights = "{tmp_path / 'no-clipseg'}"

[models.t2v]
family = "wan"
variant = "vace-1.3b"
weights = "{other}"
device = "cpu"

[models.hub]
family = "ltx"
variant = "ltx"
weights = "framecast-test/never-downloaded"
device = "cpu"
""")
    return tmp_path / "models.toml"


def test_each_problem_is_reported_with_its_model_and_key(tiny_root: Path, tmp_path: Path) -> None:
    problems = {(p.model, p.key): p for p in check_models(_broken_copy(tiny_root, tmp_path))}
    assert "component folder vae/ is missing" in problems["vace", "weights.vae"].message
    assert "does not exist" in problems["vace", "loras[0]"].message
    assert "does not exist" in problems["vace", "mask.weights"].message
    assert "holds a WanPipeline, but wan/vace-1.3b needs WanVACEPipeline" in problems["t2v", "weights"].message
    assert "no .safetensors weights" in problems["t2v", "weights.transformer"].message
    hub = problems["hub", "weights"]
    assert hub.severity == "error" and "hf download framecast-test/never-downloaded" in hub.message
    assert problems["hub", "endpoints"].severity == "warning"
    allowed = {(p.model, p.key): p for p in check_models(tmp_path / "models.toml", allow_downloads=True)}
    assert allowed["hub", "weights"].severity == "warning"


def test_check_cli_exit_codes(tiny_root: Path, tiny_models_file: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(models, ["check", "--models-file", str(tiny_models_file), "--no-allow-downloads"])
    assert ok.exit_code == 0, ok.output
    assert "0 error(s)" in ok.output
    bad = runner.invoke(models, ["check", "--models-file", str(_broken_copy(tiny_root, tmp_path))])
    assert bad.exit_code == 1
    assert "error: vace.weights.vae: component folder vae/ is missing" in bad.output
    invalid = tmp_path / "invalid.toml"
    invalid.write_text('[models.x]\nfamily = "sora"\nweights = "y"\nvariant = "z"\n')
    assert runner.invoke(models, ["check", "--models-file", str(invalid)]).exit_code == 1


def test_list_shows_every_endpoint(tiny_models_file: Path) -> None:
    result = CliRunner().invoke(models, ["list", "--models-file", str(tiny_models_file)])
    assert result.exit_code == 0, result.output
    for endpoint in ENDPOINTS:
        assert endpoint.id in result.output
    assert "tiny-wan-vace" in result.output and "wan/vace-1.3b" in result.output
    assert "defined but serving no endpoint: tiny-cogvideox" in result.output


def test_list_without_a_models_file_says_how_to_configure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FRAMECAST_MODELS_FILE", raising=False)
    result = CliRunner().invoke(models, ["list"])
    assert result.exit_code != 0 and "FRAMECAST_MODELS_FILE" in result.output


def test_variants_lists_every_family() -> None:
    result = CliRunner().invoke(models, ["variants"])
    assert result.exit_code == 0
    for label in ("wan/ti2v-5b", "wan/vace-14b", "ltx/ltx-distilled", "cogvideox/5b-i2v"):
        assert label in result.output
