"""Every endpoint mapping and every family/variant, run through the real loading path on tiny models."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from framecast.catalog.endpoints import Task, get_endpoint
from framecast.catalog.schema import IngredientsMode, Pikaffect
from framecast.config import Settings
from framecast.engine.base import Pipeline
from framecast.engine.diffusers import DiffusersPipeline, endpoint_models, load_pipeline
from framecast.engine.diffusers.config import load_models_file, parse_models
from framecast.engine.diffusers.tiny import TINY_ENDPOINTS, TINY_MODELS
from framecast.engine.types import Clip, GenerationSpec
from framecast.errors import Cancelled, ConfigurationError, InputError, OutOfMemory, PipelineFailed

MakeSpec = Callable[..., GenerationSpec]


def frames_of(clip: Clip) -> np.ndarray:
    return np.stack(list(clip.iter_frames()))


def assert_exact(clip: Clip, spec: GenerationSpec) -> np.ndarray:
    frames = frames_of(clip)
    assert (clip.width, clip.height, clip.fps, clip.num_frames) == (spec.width, spec.height, spec.fps, spec.num_frames)
    assert frames.shape == (spec.num_frames, spec.height, spec.width, 3)
    assert frames.dtype == np.uint8
    return frames


@pytest.mark.parametrize("endpoint_id", sorted(TINY_ENDPOINTS))
def test_every_endpoint_mapping_produces_the_exact_clip(
    endpoint_id: str, settings: Settings, pipelines: Any, make_spec: MakeSpec, make_control: Any
) -> None:
    endpoint = get_endpoint(endpoint_id)
    assert endpoint is not None
    model = endpoint_models(settings)[endpoint_id]
    pipe = pipelines(model)
    assert isinstance(pipe, Pipeline)
    # An odd exact size and frame count: the output must be resampled to it exactly.
    spec = make_spec(endpoint.task, endpoint_id=endpoint_id, width=42, height=26, num_frames=11)
    control = make_control()
    clip = pipe.generate(spec, control)
    assert_exact(clip, spec)
    steps = int(str(clip.metadata["steps"]))
    assert control.stage("denoising") == [(i, steps) for i in range(1, steps + 1)]
    assert control.stage("decoding")[-1] == (1, 1)


UNMAPPED = sorted(set(TINY_MODELS) - set(TINY_ENDPOINTS.values()))


@pytest.mark.parametrize("model", UNMAPPED)
def test_every_other_variant_serves_all_its_tasks(model: str, pipelines: Any, make_spec: MakeSpec) -> None:
    pipe = pipelines(model)
    for task in sorted(pipe.tasks):
        spec = make_spec(task, num_frames=6, fps=6)
        assert_exact(pipe.generate(spec, _Null()), spec)


class _Null:
    def step(self, step: int, total: int, stage: str) -> None:
        return None

    def log(self, message: str, level: str = "INFO") -> None:
        return None

    def check_cancelled(self) -> None:
        return None


def test_loading_happens_once_and_is_reported(tiny_models_file: Path, make_spec: MakeSpec, make_control: Any) -> None:
    pipe = load_pipeline("tiny-wan-t2v", Settings(models_file=tiny_models_file))
    assert not pipe.loaded
    first, second = make_control(), make_control()
    pipe.generate(make_spec(Task.TEXT_TO_VIDEO), first)
    pipe.generate(make_spec(Task.TEXT_TO_VIDEO), second)
    assert first.stage("loading") == [(0, 1), (1, 1)]
    assert second.stage("loading") == []
    pipe.close()
    assert not pipe.loaded and pipe.diffusers_pipeline is None


def test_same_seed_same_frames_different_seed_different(pipelines: Any, make_spec: MakeSpec) -> None:
    pipe = pipelines("tiny-wan-t2v")
    a = frames_of(pipe.generate(make_spec(Task.TEXT_TO_VIDEO, seed=1), _Null()))
    b = frames_of(pipe.generate(make_spec(Task.TEXT_TO_VIDEO, seed=1), _Null()))
    c = frames_of(pipe.generate(make_spec(Task.TEXT_TO_VIDEO, seed=2), _Null()))
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Callable[[type], list[dict[str, Any]]]:
    """Record the keyword arguments of a diffusers pipeline class's ``__call__``."""

    def install(cls: type) -> list[dict[str, Any]]:
        calls: list[dict[str, Any]] = []
        original = cls.__call__

        def recording(self: Any, *args: Any, **kwargs: Any) -> Any:
            calls.append(kwargs)
            return original(self, *args, **kwargs)

        monkeypatch.setattr(cls, "__call__", recording)
        return calls

    return install


def test_negative_prompt_and_seed_reach_the_diffusers_call(pipelines: Any, make_spec: MakeSpec, spy: Any) -> None:
    import diffusers

    calls = spy(diffusers.WanPipeline)
    pipelines("tiny-wan-t2v").generate(make_spec(Task.TEXT_TO_VIDEO, negative_prompt="low quality, watermark"), _Null())
    (kwargs,) = calls
    assert kwargs["negative_prompt"] == "low quality, watermark"
    assert kwargs["prompt"] == "a red fox runs through snow"
    assert kwargs["generator"].initial_seed() == 1234
    assert kwargs["num_inference_steps"] == 2


def test_negative_prompt_changes_the_output(pipelines: Any, make_spec: MakeSpec) -> None:
    pipe = pipelines("tiny-wan-t2v")
    a = frames_of(pipe.generate(make_spec(Task.TEXT_TO_VIDEO, negative_prompt="blurry"), _Null()))
    b = frames_of(pipe.generate(make_spec(Task.TEXT_TO_VIDEO, negative_prompt="oversaturated"), _Null()))
    assert not np.array_equal(a, b)


def test_configured_negative_prompt_fills_an_empty_one(tiny_root: Path, make_spec: MakeSpec, spy: Any) -> None:
    import diffusers

    models = load_models_file(tiny_root / "models.toml")
    config = models.models["tiny-wan-t2v"].model_copy(update={"negative_prompt": "static, jpeg artefacts"})
    calls = spy(diffusers.WanPipeline)
    DiffusersPipeline("t2v", config).generate(make_spec(Task.TEXT_TO_VIDEO, negative_prompt=""), _Null())
    assert calls[0]["negative_prompt"] == "static, jpeg artefacts"


def test_cancel_mid_denoise_propagates_and_the_pipeline_stays_usable(
    tiny_root: Path, make_spec: MakeSpec, make_control: Any
) -> None:
    config = load_models_file(tiny_root / "models.toml").models["tiny-wan-t2v"].model_copy(update={"steps": 4})
    pipe = DiffusersPipeline("t2v", config)
    control = make_control(cancel_at_step=2)
    with pytest.raises(Cancelled):
        pipe.generate(make_spec(Task.TEXT_TO_VIDEO), control)
    assert control.stage("denoising") == [(1, 4), (2, 4)]  # nothing ran after the cancel
    assert control.stage("decoding") == []
    assert pipe.loaded
    after = make_control()
    spec = make_spec(Task.TEXT_TO_VIDEO)
    assert_exact(pipe.generate(spec, after), spec)
    assert len(after.stage("denoising")) == 4


@pytest.mark.parametrize(
    "error",
    [torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 GiB"),
     RuntimeError("CUDA error: out of memory")],
)
def test_out_of_memory_fails_the_request_and_the_pipeline_recovers(
    error: Exception, pipelines: Any, make_spec: MakeSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    pipe = pipelines("tiny-wan-t2v")
    pipe.generate(make_spec(Task.TEXT_TO_VIDEO), _Null())
    transformer = pipe.diffusers_pipeline.transformer

    def exhausted(*args: Any, **kwargs: Any) -> Any:
        raise error

    monkeypatch.setattr(transformer, "forward", exhausted)
    with pytest.raises(OutOfMemory) as caught:
        pipe.generate(make_spec(Task.TEXT_TO_VIDEO), _Null())
    assert caught.value.error_type == "out_of_memory"
    assert "32x16" in caught.value.message and "offload" in caught.value.message
    # Nothing the failed run allocated stays reachable through the exception.
    cause = caught.value.__cause__
    assert cause is not None
    for frame, _ in traceback.walk_tb(cause.__traceback__):
        assert not any(isinstance(v, torch.Tensor) for v in frame.f_locals.values()), frame.f_code.co_name
    monkeypatch.undo()
    spec = make_spec(Task.TEXT_TO_VIDEO)
    assert_exact(pipe.generate(spec, _Null()), spec)


def test_other_failures_become_pipeline_failed(
    pipelines: Any, make_spec: MakeSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    pipe = pipelines("tiny-wan-t2v")
    pipe.generate(make_spec(Task.TEXT_TO_VIDEO), _Null())

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ValueError("shapes do not match")

    monkeypatch.setattr(pipe.diffusers_pipeline.transformer, "forward", broken)
    with pytest.raises(PipelineFailed) as caught:
        pipe.generate(make_spec(Task.TEXT_TO_VIDEO), _Null())
    assert not isinstance(caught.value, OutOfMemory)
    assert "shapes do not match" in caught.value.message


def test_a_task_the_model_cannot_serve_is_a_configuration_error(pipelines: Any, make_spec: MakeSpec) -> None:
    with pytest.raises(ConfigurationError, match="cannot serve pikascenes"):
        pipelines("tiny-wan-t2v").generate(make_spec(Task.SCENES), _Null())


def test_effect_lora_is_applied_only_for_its_effect(tiny_root: Path, make_spec: MakeSpec, spy: Any) -> None:
    import diffusers

    models = load_models_file(tiny_root / "models.toml")
    with_lora = models.models["tiny-wan-i2v"]
    squish = with_lora.effects[Pikaffect.SQUISH]
    # Same prompt either way (no trigger words), so only the LoRA can make the frames differ.
    quiet = with_lora.model_copy(update={"effects": {Pikaffect.SQUISH: squish.model_copy(update={"trigger": None})}})
    without = with_lora.model_copy(update={"effects": {}})
    spec = make_spec(Task.EFFECTS, pikaffect=Pikaffect.SQUISH)
    a = frames_of(DiffusersPipeline("a", quiet).generate(spec, _Null()))
    b = frames_of(DiffusersPipeline("b", without).generate(spec, _Null()))
    assert not np.array_equal(a, b)

    pipe = DiffusersPipeline("c", with_lora)
    calls = spy(diffusers.WanImageToVideoPipeline)
    pipe.generate(spec, _Null())
    assert calls[-1]["prompt"].startswith("sq41sh squish effect. ")
    assert pipe.diffusers_pipeline.transformer.active_adapters() == [squish.adapter_name]
    pipe.generate(make_spec(Task.EFFECTS, pikaffect=Pikaffect.MELT), _Null())
    assert "melts" in calls[-1]["prompt"] and "sq41sh" not in calls[-1]["prompt"]
    plain = frames_of(pipe.generate(spec, _Null()))
    assert np.array_equal(plain, frames_of(pipe.generate(spec, _Null())))


def test_image_to_video_conditions_on_the_image_at_the_planned_size(
    pipelines: Any, make_spec: MakeSpec, spy: Any
) -> None:
    import diffusers

    calls = spy(diffusers.WanImageToVideoPipeline)
    pipe = pipelines("tiny-wan-ti2v")
    spec = make_spec(Task.IMAGE_TO_VIDEO)
    pipe.generate(spec, _Null())
    kwargs = calls[-1]
    assert kwargs["image"].size == (kwargs["width"], kwargs["height"])
    assert kwargs["width"] % 32 == 0 and kwargs["height"] % 32 == 0
    assert (kwargs["num_frames"] - 1) % 4 == 0


@pytest.mark.parametrize(("mode", "scale"), [(IngredientsMode.PRECISE, 1.0), (IngredientsMode.CREATIVE, 0.7)])
def test_scenes_bind_references_by_ingredients_mode(
    mode: IngredientsMode, scale: float, pipelines: Any, make_spec: MakeSpec, spy: Any
) -> None:
    import diffusers

    calls = spy(diffusers.WanVACEPipeline)
    pipelines("tiny-wan-vace").generate(make_spec(Task.SCENES, ingredients_mode=mode), _Null())
    kwargs = calls[-1]
    assert kwargs["conditioning_scale"] == scale
    assert len(kwargs["reference_images"]) == 2
    assert "video" not in kwargs and "mask" not in kwargs


def test_additions_pass_the_source_video_and_the_image_as_reference(
    pipelines: Any, make_spec: MakeSpec, spy: Any
) -> None:
    import diffusers

    calls = spy(diffusers.WanVACEPipeline)
    pipelines("tiny-wan-vace").generate(make_spec(Task.ADDITIONS), _Null())
    kwargs = calls[-1]
    assert len(kwargs["video"]) == kwargs["num_frames"]
    assert kwargs["video"][0].size == (kwargs["width"], kwargs["height"])
    assert len(kwargs["reference_images"]) == 1 and "mask" not in kwargs


def _box_config(tiny_root: Path, box: tuple[float, float, float, float]) -> Any:
    models = load_models_file(tiny_root / "models.toml")
    vace = models.models["tiny-wan-vace"]
    data = vace.model_dump(exclude={"name"}, mode="json")
    data["mask"] = {"kind": "box", "box": list(box), "dilate": 0}
    return parse_models({"models": {"vace-box": data}}).models["vace-box"]


def test_swaps_mask_the_region_grey_it_out_and_keep_the_rest(tiny_root: Path, make_spec: MakeSpec, spy: Any) -> None:
    import diffusers

    calls = spy(diffusers.WanVACEPipeline)
    pipe = DiffusersPipeline("vace-box", _box_config(tiny_root, (0.0, 0.0, 0.5, 1.0)))
    spec = make_spec(Task.SWAPS, prompt="a wooden robot", images=())
    assert_exact(pipe.generate(spec, _Null()), spec)
    kwargs = calls[-1]
    mask = np.stack([np.asarray(m) for m in kwargs["mask"]])
    video = np.stack([np.asarray(f) for f in kwargs["video"]])
    half = kwargs["width"] // 2
    assert mask.shape[0] == kwargs["num_frames"]
    assert (mask[:, :, :half] == 255).all() and (mask[:, :, half:] == 0).all()
    assert (video[:, :, :half] == 128).all() and not (video[:, :, half:] == 128).all()
    assert kwargs["prompt"] == "a wooden robot" and "reference_images" not in kwargs


def test_swaps_with_only_an_image_describe_the_region(tiny_root: Path, make_spec: MakeSpec, spy: Any) -> None:
    import diffusers

    calls = spy(diffusers.WanVACEPipeline)
    pipe = DiffusersPipeline("vace-box", _box_config(tiny_root, (0.25, 0.25, 0.75, 0.75)))
    pipe.generate(make_spec(Task.SWAPS, prompt="", modify_region="the cat"), _Null())
    assert "the cat" in calls[-1]["prompt"] and len(calls[-1]["reference_images"]) == 1


def test_swaps_fail_clearly_when_the_region_is_not_found(tiny_root: Path, make_spec: MakeSpec) -> None:
    pipe = DiffusersPipeline("vace-box", _box_config(tiny_root, (0.5, 0.5, 0.5, 0.5)))
    with pytest.raises(InputError) as caught:
        pipe.generate(make_spec(Task.SWAPS), _Null())
    assert caught.value.error_type == "region_not_found"


def test_swaps_with_the_configured_text_to_mask_model(pipelines: Any, make_spec: MakeSpec, make_control: Any) -> None:
    control = make_control()
    spec = make_spec(Task.SWAPS)
    assert_exact(pipelines("tiny-wan-vace").generate(spec, control), spec)
    assert control.stage("masking") == [(0, 1), (1, 1)]


def test_endpoint_binding_overrides_the_step_count(tiny_root: Path, make_spec: MakeSpec, make_control: Any) -> None:
    text = (tiny_root / "models.toml").read_text().replace(
        '"fal-ai/pika/v2.1/text-to-video" = "tiny-wan-t2v"',
        '"fal-ai/pika/v2.1/text-to-video" = { model = "tiny-wan-t2v", steps = 3 }',
    )
    path = tiny_root.parent / "bound.toml"
    path.write_text(text)
    pipe = load_pipeline("tiny-wan-t2v", Settings(models_file=path))
    bound, other = make_control(), make_control()
    pipe.generate(make_spec(Task.TEXT_TO_VIDEO, endpoint_id="fal-ai/pika/v2.1/text-to-video"), bound)
    pipe.generate(make_spec(Task.TEXT_TO_VIDEO, endpoint_id="fal-ai/pika/v2.2/text-to-video"), other)
    assert len(bound.stage("denoising")) == 3
    assert len(other.stage("denoising")) == 2


def test_long_requests_beyond_max_frames_keep_their_duration(tiny_root: Path, make_spec: MakeSpec, spy: Any) -> None:
    import diffusers

    config = load_models_file(tiny_root / "models.toml").models["tiny-wan-t2v"].model_copy(update={"max_frames": 9})
    calls = spy(diffusers.WanPipeline)
    spec = make_spec(Task.TEXT_TO_VIDEO, num_frames=24, fps=8)  # 3 s at the model's 8 fps needs 25 frames
    assert_exact(DiffusersPipeline("short", config).generate(spec, _Null()), spec)
    assert calls[-1]["num_frames"] == 9


def test_cpu_only_options_are_skipped_and_speed_options_apply(
    tiny_root: Path, make_spec: MakeSpec, make_control: Any
) -> None:
    base = load_models_file(tiny_root / "models.toml").models["tiny-wan-t2v"]
    data = base.model_dump(exclude={"name"}, mode="json")
    data.update(offload="model", attention_backend="sage", vae_tiling=True)
    data["cache"] = {"kind": "first_block", "threshold": 0.2}
    config = parse_models({"models": {"opts": data}}).models["opts"]
    control = make_control()
    spec = make_spec(Task.TEXT_TO_VIDEO)
    pipe = DiffusersPipeline("opts", config)
    assert_exact(pipe.generate(spec, control), spec)
    warnings = [m for level, m in control.logs if level == "WARNING"]
    assert any("offload=model needs a CUDA device" in m for m in warnings)
    assert any("'sage' needs CUDA" in m for m in warnings)
    assert pipe.diffusers_pipeline.vae.use_tiling


def test_weights_missing_and_downloads_off_is_a_clear_error(make_spec: MakeSpec) -> None:
    weights = "framecast-test/not-a-real-repo"
    config = parse_models(
        {"models": {"m": {"family": "wan", "variant": "t2v-1.3b", "weights": weights, "device": "cpu"}}}
    ).models["m"]
    with pytest.raises(ConfigurationError, match="hf download framecast-test/not-a-real-repo"):
        DiffusersPipeline("m", config).generate(make_spec(Task.TEXT_TO_VIDEO), _Null())


def test_missing_local_weights_directory(tmp_path: Path, make_spec: MakeSpec) -> None:
    config = parse_models(
        {"models": {"m": {"family": "ltx", "variant": "ltx", "weights": str(tmp_path / "nope"), "device": "cpu"}}}
    ).models["m"]
    with pytest.raises(ConfigurationError, match="does not exist"):
        DiffusersPipeline("m", config).generate(make_spec(Task.TEXT_TO_VIDEO), _Null())


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_cuda_device_without_cuda_is_a_configuration_error(tiny_root: Path, make_spec: MakeSpec) -> None:
    config = load_models_file(tiny_root / "models.toml").models["tiny-ltx"].model_copy(update={"device": "cuda"})
    with pytest.raises(ConfigurationError, match="no usable CUDA"):
        DiffusersPipeline("m", config).generate(make_spec(Task.TEXT_TO_VIDEO), _Null())


def test_plan_follows_each_family_rules(pipelines: Any, make_spec: MakeSpec) -> None:
    spec = make_spec(Task.TEXT_TO_VIDEO, width=1280, height=720, fps=24, num_frames=120)
    plan = pipelines("tiny-ltx").plan(spec)
    assert (plan.gen_frames - 1) % 8 == 0 and plan.gen_width % 32 == 0 and plan.gen_height % 32 == 0
    cog = pipelines("tiny-cogvideox-i2v")
    cog.generate(make_spec(Task.IMAGE_TO_VIDEO), _Null())
    fixed = cog.plan(spec)
    assert (fixed.gen_width, fixed.gen_height) == (32, 32)  # its learned positions fix the size


def test_unknown_model_name(settings: Settings) -> None:
    with pytest.raises(ConfigurationError, match="no model 'nope'"):
        load_pipeline("nope", settings)


def test_wan22_loras_load_into_either_expert(tiny_root: Path, make_spec: MakeSpec) -> None:
    lora = str(tiny_root / "loras" / "squish" / "tiny_lora.safetensors")
    base = load_models_file(tiny_root / "models.toml").models["tiny-wan-t2v-a14b"]
    data = base.model_dump(exclude={"name"}, mode="json")
    data["loras"] = [{"path": lora, "adapter": "high"}, {"path": lora, "adapter": "low", "transformer_2": True}]
    pipe = DiffusersPipeline("moe", parse_models({"models": {"moe": data}}).models["moe"])
    spec = make_spec(Task.TEXT_TO_VIDEO)
    assert_exact(pipe.generate(spec, _Null()), spec)
    loaded = pipe.diffusers_pipeline
    assert loaded.transformer.active_adapters() == ["high"]
    assert loaded.transformer_2.active_adapters() == ["low"]
