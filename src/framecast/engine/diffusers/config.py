"""The models file: which open model serves which endpoint, and how to run it.

A TOML file with two tables (``models.example.toml`` is the documented example)::

    [endpoints]                                   # endpoint id -> model name
    "fal-ai/pika/v2.1/text-to-video" = "wan22-ti2v-5b"
    "fal-ai/pika/v2/turbo/text-to-video" = { model = "wan22-ti2v-5b", steps = 20 }

    [models.wan22-ti2v-5b]
    family = "wan"                                # wan | ltx | cogvideox
    variant = "ti2v-5b"                           # see `framecast models variants`
    weights = "Wan-AI/Wan2.2-TI2V-5B-Diffusers"   # a local directory or a hub id
    ...

Every mistake is reported as a :class:`ConfigurationError` naming the file and the key.
"""

from __future__ import annotations

import re
import tomllib
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from framecast.catalog.endpoints import ENDPOINTS, Task, get_endpoint
from framecast.catalog.schema import IngredientsMode, Pikaffect
from framecast.engine.diffusers.example import default_models_file_text
from framecast.engine.diffusers.families import FAMILIES
from framecast.engine.diffusers.family import Variant
from framecast.errors import ConfigurationError

__all__ = [
    "CacheConfig",
    "CacheKind",
    "EffectConfig",
    "EndpointBinding",
    "IngredientsConfig",
    "LoraConfig",
    "MaskConfig",
    "MaskKind",
    "ModelConfig",
    "ModelsFile",
    "Offload",
    "default_models_file_text",
    "load_models_file",
    "parse_models",
]

Dtype = Literal["bfloat16", "float16", "float32"]
_DEVICE = re.compile(r"^(auto|cpu|cuda(:\d+)?|mps)$")
_RESOLUTION = re.compile(r"^(\d+p|\d+x\d+)$")


class Offload(StrEnum):
    NONE = "none"
    MODEL = "model"  # whole components move to the GPU in turn (accelerate hooks)
    SEQUENTIAL = "sequential"  # layer by layer: least memory, slowest
    GROUP = "group"  # groups of blocks, streamed: near-model speed at near-sequential memory


class CacheKind(StrEnum):
    NONE = "none"
    FIRST_BLOCK = "first_block"
    MAG = "mag"


class MaskKind(StrEnum):
    CLIPSEG = "clipseg"
    GROUNDED_SAM2 = "grounding-dino+sam2"
    BOX = "box"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CacheConfig(_Strict):
    """Reuse transformer outputs between steps when they barely change (diffusers cache hooks)."""

    kind: CacheKind = CacheKind.NONE
    threshold: float | None = Field(default=None, gt=0)
    # MagCache needs magnitude ratios calibrated per model and step count (MagCacheConfig(calibrate=True)).
    mag_ratios: list[float] | None = None


class LoraConfig(_Strict):
    """A LoRA: a local .safetensors file, a directory, or a hub repo (with ``weight_name``)."""

    path: str = Field(min_length=1)
    weight_name: str | None = None
    adapter: str | None = None
    scale: float = 1.0
    # Wan 2.2 A14B: also load into the second (low-noise) expert.
    transformer_2: bool = False

    @property
    def adapter_name(self) -> str:
        if self.adapter:
            return self.adapter
        stem = Path(self.weight_name or self.path).name.removesuffix(".safetensors")
        return re.sub(r"[^A-Za-z0-9_]", "_", stem)


class EffectConfig(LoraConfig):
    """An effect LoRA (for a Pikaffect) with the trigger words its card prescribes."""

    trigger: str | None = None
    prompt: str | None = None  # template with {subject}, {prompt}, {trigger}


class IngredientsConfig(_Strict):
    """Pikascenes ``ingredients_mode`` -> VACE ``conditioning_scale`` (how hard references bind)."""

    precise: float = Field(default=1.0, ge=0)
    creative: float = Field(default=0.7, ge=0)

    def scale(self, mode: IngredientsMode | None) -> float:
        return self.creative if mode is IngredientsMode.CREATIVE else self.precise


class MaskConfig(_Strict):
    """Text-to-mask for Pikaswaps' ``modify_region``."""

    kind: MaskKind
    weights: str | None = None  # clipseg: the model; grounding-dino+sam2: the detector
    segmenter: str | None = None  # grounding-dino+sam2: the SAM2 model
    threshold: float = Field(default=0.4, ge=0, le=1)
    box_threshold: float = Field(default=0.3, ge=0, le=1)
    dilate: int = Field(default=8, ge=0, description="Grow the mask by this many pixels (of the generated size).")
    box: tuple[float, float, float, float] | None = None  # kind=box: x0, y0, x1, y1 as fractions
    device: str | None = None  # default: the model's device

    @model_validator(mode="after")
    def _complete(self) -> MaskConfig:
        if self.kind is MaskKind.BOX:
            if self.box is None:
                raise ValueError("kind 'box' needs box = [x0, y0, x1, y1] (fractions of the frame)")
        elif not self.weights:
            raise ValueError(f"kind {self.kind.value!r} needs weights (a local directory or a hub id)")
        if self.kind is MaskKind.GROUNDED_SAM2 and not self.segmenter:
            raise ValueError("kind 'grounding-dino+sam2' needs segmenter (the SAM2 weights)")
        return self


class ModelConfig(_Strict):
    """One model: what it is, where its weights are, and how to run it."""

    name: str = ""
    family: str
    variant: str
    weights: str = Field(min_length=1)
    dtype: Dtype | None = None  # default: the variant's recommendation, else bfloat16
    dtypes: dict[str, Dtype] = Field(default_factory=dict)  # per component, e.g. { vae = "float32" }
    device: str = "auto"
    offload: Offload = Offload.NONE
    group_offload_type: Literal["block_level", "leaf_level"] = "leaf_level"
    group_offload_blocks: int = Field(default=1, ge=1)
    vae_tiling: bool = False
    attention_backend: str | None = None
    compile: bool = False
    cache: CacheConfig = CacheConfig()
    loras: list[LoraConfig] = Field(default_factory=list)
    effects: dict[Pikaffect, EffectConfig] = Field(default_factory=dict)
    steps: int | None = Field(default=None, ge=1)
    guidance: float | None = Field(default=None, ge=0)
    guidance_2: float | None = Field(default=None, ge=0)
    flow_shift: float | None = Field(default=None, gt=0)
    timesteps: list[float] | None = None
    fps: int | None = Field(default=None, ge=1, le=120)
    resolution: str | None = None
    max_frames: int | None = Field(default=None, ge=1)
    max_sequence_length: int | None = Field(default=None, ge=1)
    negative_prompt: str = ""
    temporal: Literal["nearest", "linear"] = "nearest"
    ingredients: IngredientsConfig = IngredientsConfig()
    mask: MaskConfig | None = None

    @field_validator("cache", mode="before")
    @classmethod
    def _cache_shorthand(cls, value: Any) -> Any:
        return {"kind": value} if isinstance(value, str) else value

    @field_validator("effects", mode="before")
    @classmethod
    def _effect_names(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        by_lower = {e.value.lower(): e.value for e in Pikaffect}
        out = {}
        for key, item in value.items():
            name = by_lower.get(str(key).lower())
            if name is None:
                valid = ", ".join(e.value for e in Pikaffect)
                raise ValueError(f"unknown Pikaffect {key!r}; valid: {valid}")
            out[name] = item
        return out

    @field_validator("device")
    @classmethod
    def _device(cls, value: str) -> str:
        if not _DEVICE.match(value):
            raise ValueError(f"device {value!r} is not auto, cpu, cuda, cuda:N or mps")
        return value

    @field_validator("resolution")
    @classmethod
    def _resolution(cls, value: str | None) -> str | None:
        if value is not None and not _RESOLUTION.match(value):
            raise ValueError(f"resolution {value!r} is not like 480p, 720p or WIDTHxHEIGHT")
        return value

    @model_validator(mode="after")
    def _fits_variant(self) -> ModelConfig:
        family = FAMILIES.get(self.family)
        if family is None:
            raise ValueError(f"unknown family {self.family!r}; known: {', '.join(sorted(FAMILIES))}")
        variant = family.variants.get(self.variant)
        if variant is None:
            known = ", ".join(family.variants)
            raise ValueError(f"unknown {self.family} variant {self.variant!r}; known: {known}")
        areas = variant.constraints.areas
        if self.resolution and not re.match(r"^\d+x\d+$", self.resolution) and self.resolution not in areas:
            raise ValueError(f"{variant.label} runs at {', '.join(areas)} (or WIDTHxHEIGHT), not {self.resolution}")
        if self.timesteps is not None and self.family == "wan":
            raise ValueError("Wan pipelines take no custom timesteps; set steps instead")
        if self.guidance_2 is not None and variant.guidance_2 is None:
            raise ValueError(f"guidance_2 applies only to the two-expert Wan 2.2 A14B variants, not {variant.label}")
        if self.effects and Task.EFFECTS not in variant.tasks:
            raise ValueError(f"effects are configured but {variant.label} does not serve pikaffects")
        return self

    @property
    def variant_info(self) -> Variant:
        return FAMILIES[self.family].variants[self.variant]

    def component_dtypes(self) -> dict[str, str]:
        """dtype per component for ``from_pretrained(torch_dtype=...)`` ("default" for the rest)."""
        defaults = dict(self.variant_info.dtypes)
        base = self.dtype or defaults.pop("default", "bfloat16")
        defaults.pop("default", None)
        return {"default": base, **defaults, **self.dtypes}

    def options_summary(self) -> str:
        parts = [f"offload={self.offload.value}"] if self.offload is not Offload.NONE else []
        if self.vae_tiling:
            parts.append("vae_tiling")
        if self.attention_backend:
            parts.append(f"attn={self.attention_backend}")
        if self.compile:
            parts.append("compile")
        if self.cache.kind is not CacheKind.NONE:
            threshold = f"({self.cache.threshold})" if self.cache.threshold else ""
            parts.append(f"cache={self.cache.kind.value}{threshold}")
        if self.loras:
            parts.append(f"loras={len(self.loras)}")
        if self.effects:
            parts.append(f"effects={len(self.effects)}")
        if self.timesteps:
            parts.append(f"timesteps={len(self.timesteps)}")
        elif self.steps:
            parts.append(f"steps={self.steps}")
        return " ".join(parts) or "-"


class EndpointBinding(_Strict):
    """An endpoint's model, with optional sampling overrides (e.g. fewer steps for turbo)."""

    model: str
    steps: int | None = Field(default=None, ge=1)
    guidance: float | None = Field(default=None, ge=0)
    guidance_2: float | None = Field(default=None, ge=0)


class ModelsFile(_Strict):
    path: Path | None = None
    models: dict[str, ModelConfig] = Field(default_factory=dict)
    bindings: dict[str, EndpointBinding] = Field(default_factory=dict)

    @property
    def endpoints(self) -> dict[str, str]:
        """endpoint id -> model name."""
        return {endpoint: binding.model for endpoint, binding in self.bindings.items()}

    def model(self, name: str) -> ModelConfig:
        try:
            return self.models[name]
        except KeyError:
            raise ConfigurationError(
                f"{self.path or 'models file'}: no model {name!r}; defined: {', '.join(self.models) or 'none'}"
            ) from None


def _where(path: Path | None, loc: tuple[int | str, ...]) -> str:
    key = ".".join(str(p) for p in loc)
    return f"{path or 'models file'}: {key}" if key else str(path or "models file")


def _errors(path: Path | None, prefix: tuple[str, ...], exc: ValidationError) -> ConfigurationError:
    lines = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not str(p).startswith("function-"))
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key (a typo?)"
        elif err["type"] == "missing":
            msg = "required key is missing"
        lines.append(f"{_where(path, prefix + tuple(str(p) for p in loc))}: {msg}")
    return ConfigurationError("\n".join(lines))


def parse_models(data: dict[str, Any], path: Path | None = None) -> ModelsFile:
    """Validate a decoded models file; every problem names the file and key."""
    unknown = set(data) - {"models", "endpoints"}
    if unknown:
        raise ConfigurationError(f"{path or 'models file'}: unknown top-level table(s) {', '.join(sorted(unknown))}")
    models: dict[str, ModelConfig] = {}
    problems: list[str] = []
    raw_models = data.get("models", {})
    if not isinstance(raw_models, dict):
        raise ConfigurationError(f"{_where(path, ('models',))}: must be a table of [models.<name>]")
    for name, raw in raw_models.items():
        if not isinstance(raw, dict):
            problems.append(f"{_where(path, ('models', name))}: must be a table")
            continue
        try:
            models[name] = ModelConfig.model_validate({**raw, "name": name})
        except ValidationError as exc:
            problems.append(str(_errors(path, ("models", name), exc)))
    bindings: dict[str, EndpointBinding] = {}
    raw_endpoints = data.get("endpoints", {})
    if not isinstance(raw_endpoints, dict):
        raise ConfigurationError(f"{_where(path, ('endpoints',))}: must be a table of endpoint id = model name")
    for endpoint_id, raw in raw_endpoints.items():
        where = _where(path, ("endpoints", f'"{endpoint_id}"'))
        endpoint = get_endpoint(endpoint_id)
        if endpoint is None:
            known = ", ".join(e.id for e in ENDPOINTS)
            problems.append(f"{where}: unknown endpoint id; known: {known}")
            continue
        try:
            binding = EndpointBinding.model_validate({"model": raw} if isinstance(raw, str) else raw)
        except ValidationError as exc:
            problems.append(str(_errors(path, ("endpoints", f'"{endpoint_id}"'), exc)))
            continue
        model = models.get(binding.model)
        if model is None:
            if binding.model not in raw_models:
                problems.append(f"{where}: model {binding.model!r} is not defined under [models]")
            continue
        variant = model.variant_info
        if endpoint.task not in variant.tasks:
            served = ", ".join(sorted(t.value for t in variant.tasks))
            problems.append(
                f"{where}: {binding.model} ({variant.label}) cannot serve {endpoint.task.value}; it serves {served}"
            )
        if endpoint.task is Task.SWAPS and model.mask is None:
            problems.append(f"{where}: {binding.model} serves pikaswaps but has no [models.{binding.model}.mask]")
        bindings[endpoint.id] = binding
    if problems:
        raise ConfigurationError("\n".join(problems))
    return ModelsFile(path=path, models=models, bindings=bindings)


def load_models_file(path: Path | str) -> ModelsFile:
    path = Path(path).expanduser()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigurationError(f"models file {path} does not exist (FRAMECAST_MODELS_FILE)") from None
    except OSError as exc:
        raise ConfigurationError(f"models file {path} cannot be read: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"{path}: not valid TOML: {exc}") from None
    return parse_models(data, path)
