"""What every model family shares: variants and their constraints, the inputs of one call, the protocol.

A *family* (Wan, LTX-Video, CogVideoX) knows its *variants* (checkpoints with their own pipeline
classes, legal sizes and frame counts, native fps and sampling defaults) and how to turn a prepared
request into the keyword arguments of a diffusers ``__call__``. Everything generic (loading, memory
options, LoRAs, progress, cancel, OOM, resampling) lives in :mod:`.loading` and :mod:`.pipeline`.

This module and the variant tables import neither torch nor diffusers, so parsing a models file
stays fast.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from framecast.catalog.endpoints import Task
from framecast.errors import ConfigurationError

if TYPE_CHECKING:
    from PIL import Image

    from framecast.engine.diffusers.config import ModelConfig
    from framecast.engine.diffusers.mapping import Plan
    from framecast.engine.types import GenerationSpec

# Working-resolution classes, as pixel areas; a variant lists the ones it was trained for.
AREA_480P_WAN = 832 * 480
AREA_720P = 1280 * 720


@dataclass(frozen=True)
class Constraints:
    """What sizes and lengths a checkpoint accepts.

    ``frame_step`` is the VAE's temporal compression: legal frame counts are ``k * frame_step + 1``.
    ``size_multiple`` is the VAE's spatial compression times the transformer's patch size.
    ``areas`` maps a resolution class ("480p", "720p") to the pixel area the model was trained at.
    """

    frame_step: int
    size_multiple: int
    fps: int
    max_frames: int
    areas: Mapping[str, int]
    default_resolution: str
    fixed_size: tuple[int, int] | None = None  # (width, height) for models with learned positions


@dataclass(frozen=True)
class Variant:
    """One checkpoint kind of a family, with the defaults its model card recommends."""

    family: str
    name: str
    hub_id: str
    tasks: frozenset[Task]
    constraints: Constraints
    steps: int
    guidance: float
    guidance_2: float | None = None  # the second (low-noise) expert of Wan 2.2 A14B
    timesteps: tuple[float, ...] | None = None
    dtypes: Mapping[str, str] = field(default_factory=dict)  # per-component dtype defaults
    memory: str = "not measured"  # expected GPU memory, with its source
    notes: str = ""

    @property
    def label(self) -> str:
        return f"{self.family}/{self.name}"


@dataclass(frozen=True)
class Sampling:
    """Resolved sampling settings for one request (endpoint override > model config > variant)."""

    steps: int
    guidance: float
    guidance_2: float | None
    timesteps: tuple[float, ...] | None


@dataclass
class CallInputs:
    """A request prepared for a family: sizes planned, images resized, masks computed."""

    spec: GenerationSpec
    plan: Plan
    prompt: str
    negative_prompt: str
    sampling: Sampling
    images: list[Image.Image]  # conditioning images at the planned size (first frame for I2V)
    references: list[Image.Image]  # reference images at their own size (VACE letterboxes them)
    video: list[Image.Image] | None = None  # source frames at the planned size and frame count
    mask: list[Image.Image] | None = None  # "L" images: black keeps, white generates
    conditioning_scale: float = 1.0


class Family(Protocol):
    """A model family: its variants and how to call their diffusers pipelines."""

    name: str
    variants: Mapping[str, Variant]

    def pipeline_class(self, variant: Variant) -> str:
        """The diffusers class that loads the checkpoint (named, so no import is needed to check)."""

    def refine(self, variant: Variant, pipe: Any) -> Constraints:
        """Constraints read from the loaded configs (e.g. a fixed size of learned embeddings)."""

    def call(self, variant: Variant, cfg: ModelConfig, pipe: Any, inputs: CallInputs) -> tuple[Any, dict[str, Any]]:
        """The pipeline object to call for this task and its keyword arguments."""


def unsupported(variant: Variant, task: Task) -> ConfigurationError:
    served = ", ".join(sorted(t.value for t in variant.tasks))
    return ConfigurationError(f"{variant.label} cannot serve {task.value}; it serves: {served}")


def derive(cls: type, pipe: Any) -> Any:
    """Another pipeline class over the same loaded components (no copy, no reload).

    Built directly rather than with ``from_pipe`` so that offload hooks already installed on the
    shared modules stay in place. Components and config values the new class does not take are
    dropped; those it needs but the source lacks (e.g. an image encoder) are passed as None.
    """
    if isinstance(pipe, cls):
        return pipe
    params = inspect.signature(cls).parameters
    components = dict(pipe.components)
    config = dict(pipe.config)
    kwargs: dict[str, Any] = {}
    for name, param in params.items():
        if param.kind in (param.VAR_KEYWORD, param.VAR_POSITIONAL):
            continue
        if name in components:
            kwargs[name] = components[name]
        elif name in config and not name.startswith("_"):
            kwargs[name] = config[name]
        elif param.default is inspect.Parameter.empty:
            kwargs[name] = None
    derived = cls(**kwargs)
    derived.set_progress_bar_config(disable=True)
    return derived


def common_kwargs(inputs: CallInputs) -> dict[str, Any]:
    """The arguments every family's ``__call__`` takes under the same names."""
    kwargs: dict[str, Any] = {
        "prompt": inputs.prompt,
        "negative_prompt": inputs.negative_prompt,
        "height": inputs.plan.gen_height,
        "width": inputs.plan.gen_width,
        "num_frames": inputs.plan.gen_frames,
        "guidance_scale": inputs.sampling.guidance,
    }
    if inputs.sampling.timesteps is not None:
        kwargs["timesteps"] = list(inputs.sampling.timesteps)
    else:
        kwargs["num_inference_steps"] = inputs.sampling.steps
    return kwargs
