"""The models file: the example parses, and every mistake names the file and the key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from framecast.catalog.endpoints import ENDPOINTS
from framecast.catalog.schema import Pikaffect
from framecast.engine.diffusers.config import CacheKind, Offload, load_models_file, parse_models
from framecast.engine.diffusers.example import default_models_file_text
from framecast.errors import ConfigurationError

ROOT = Path(__file__).resolve().parents[3]


def test_the_example_file_is_the_documented_default_and_maps_every_endpoint() -> None:
    assert (ROOT / "models.example.toml").read_text() == default_models_file_text()
    models = load_models_file(ROOT / "models.example.toml")
    assert set(models.endpoints) == {e.id for e in ENDPOINTS}
    assert models.endpoints["fal-ai/pika/v2.2/pikascenes"] == "wan21-vace-14b"
    assert models.bindings["fal-ai/pika/v2/turbo/text-to-video"].steps == 20
    effects = models.models["wan21-i2v-14b-480p"].effects
    assert effects[Pikaffect.SQUISH].trigger == "sq41sh squish effect"
    assert models.models["wan22-ti2v-5b"].offload is Offload.MODEL
    assert models.models["wan22-ti2v-5b"].component_dtypes() == {"default": "bfloat16", "vae": "float32"}


def model(**overrides: Any) -> dict[str, Any]:
    return {"family": "wan", "variant": "t2v-1.3b", "weights": "/models/wan", **overrides}


def error_of(data: dict[str, Any], path: Path | None = Path("/etc/framecast/models.toml")) -> str:
    with pytest.raises(ConfigurationError) as caught:
        parse_models(data, path)
    return caught.value.message


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"models": {"m": model(family="hunyuan")}}, "models.m: unknown family 'hunyuan'; known: cogvideox, ltx, wan"),
        ({"models": {"m": model(variant="t2v-7b")}}, "models.m: unknown wan variant 't2v-7b'"),
        ({"models": {"m": {"family": "wan", "variant": "t2v-1.3b"}}}, "models.m.weights: required key is missing"),
        (
            {"models": {"m": model(offload="gpu")}},
            "models.m.offload: Input should be 'none', 'model', 'sequential' or 'group'",
        ),
        ({"models": {"m": model(dtype="fp8")}}, "models.m.dtype"),
        ({"models": {"m": model(devcie="cuda")}}, "models.m.devcie: unknown key (a typo?)"),
        (
            {"models": {"m": model(device="gpu0")}},
            "models.m.device: device 'gpu0' is not auto, cpu, cuda, cuda:N or mps",
        ),
        ({"models": {"m": model(cache="teacache")}}, "models.m.cache.kind"),
        ({"models": {"m": model(resolution="720p")}}, "wan/t2v-1.3b runs at 480p (or WIDTHxHEIGHT), not 720p"),
        ({"models": {"m": model(timesteps=[1000, 500])}}, "Wan pipelines take no custom timesteps"),
        ({"models": {"m": model(guidance_2=3.0)}}, "guidance_2 applies only to the two-expert"),
        ({"models": {"m": model(effects={"Squish": {"path": "x"}})}}, "does not serve pikaffects"),
        (
            {"models": {"m": model(variant="i2v-14b-480p", effects={"Wobble": {"path": "x"}})}},
            "models.m.effects: unknown Pikaffect 'Wobble'; valid: Cake-ify",
        ),
        ({"models": {"m": model(mask={"kind": "clipseg"})}}, "models.m.mask: kind 'clipseg' needs weights"),
        (
            {"models": {"m": model(loras=[{"weight_name": "a.safetensors"}])}},
            "models.m.loras.0.path: required key is missing",
        ),
        (
            {"endpoints": {"fal-ai/pika/v9/text-to-video": "m"}, "models": {"m": model()}},
            'endpoints."fal-ai/pika/v9/text-to-video": unknown endpoint id',
        ),
        ({"endpoints": {"fal-ai/pika/v2.1/text-to-video": "ghost"}}, "model 'ghost' is not defined under [models]"),
        (
            {"endpoints": {"fal-ai/pika/v2.2/pikascenes": "m"}, "models": {"m": model()}},
            "m (wan/t2v-1.3b) cannot serve pikascenes; it serves text-to-video",
        ),
        (
            {"endpoints": {"fal-ai/pika/v2/pikaswaps": "m"}, "models": {"m": model(variant="vace-1.3b")}},
            "m serves pikaswaps but has no [models.m.mask]",
        ),
        (
            {"endpoints": {"fal-ai/pika/v2.1/text-to-video": {"model": "m", "stpes": 4}}, "models": {"m": model()}},
            "stpes: unknown key",
        ),
        ({"server": {}}, "unknown top-level table(s) server"),
    ],
)
def test_every_mistake_names_the_file_and_key(data: dict[str, Any], expected: str) -> None:
    message = error_of(data)
    assert message.startswith("/etc/framecast/models.toml")
    assert expected in message


def test_all_problems_are_reported_at_once() -> None:
    message = error_of({"models": {"a": model(family="x"), "b": model(offload="x")}})
    assert "models.a" in message and "models.b.offload" in message


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="does not exist"):
        load_models_file(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[models.m\nfamily = 'wan'")
    with pytest.raises(ConfigurationError, match=r"bad\.toml: not valid TOML"):
        load_models_file(bad)


def test_options_and_shorthands() -> None:
    models = parse_models(
        {
            "endpoints": {"fal-ai/pika/v2/turbo/text-to-video": {"model": "ltx", "steps": 6, "guidance": 1.0}},
            "models": {
                "ltx": {
                    "family": "ltx", "variant": "ltx-distilled", "weights": "Lightricks/LTX-Video-0.9.7-distilled",
                    "cache": "first_block", "dtypes": {"vae": "float32"}, "dtype": "float16",
                    "loras": [{"path": "/loras/a-b.safetensors", "scale": 0.5}],
                    "effects": {"cake-ify": {"path": "Lightricks/LTX-Video-Cakeify-LoRA", "trigger": "CAKEIFY"}},
                }
            },
        }
    )
    ltx = models.models["ltx"]
    assert ltx.cache.kind is CacheKind.FIRST_BLOCK
    assert ltx.component_dtypes() == {"default": "float16", "vae": "float32"}
    assert ltx.loras[0].adapter_name == "a_b"
    assert Pikaffect.CAKE_IFY in ltx.effects
    assert models.bindings["fal-ai/pika/v2/turbo/text-to-video"].guidance == 1.0
    assert "cache=first_block" in ltx.options_summary() and "loras=1" in ltx.options_summary()


def test_variant_dtype_defaults_apply_unless_overridden() -> None:
    cog = parse_models({"models": {"c": {"family": "cogvideox", "variant": "2b", "weights": "x/y"}}}).models["c"]
    assert cog.component_dtypes() == {"default": "float16"}
    data = {"models": {"i": model(variant="i2v-14b-480p", dtypes={"image_encoder": "bfloat16"})}}
    i2v = parse_models(data).models["i"]
    assert i2v.component_dtypes() == {"default": "bfloat16", "vae": "float32", "image_encoder": "bfloat16"}
