"""LTX-Video 0.9.x (``LTXPipeline``, ``LTXImageToVideoPipeline``, ``LTXConditionPipeline``).

Variants:

- ``ltx``: 0.9.0-0.9.5 checkpoints; text through ``LTXPipeline``, image through
  ``LTXImageToVideoPipeline``.
- ``ltx-condition``: 0.9.5+ (``LTXConditionPipeline``: one class for text and image conditioning).
- ``ltx-distilled``: 0.9.7 / 0.9.8 distilled; guidance-distilled (CFG 1.0, so the negative prompt has
  no effect) and timestep-distilled: a short custom ``timesteps`` list replaces the step count.

Frames are ``8k + 1`` and sides multiples of 32 (VAE 32x32x8). The frame rate is passed to the
model, which conditions its motion on it. The two-stage recipe of the LTX docs (half-size pass,
latent upsampler, refine) is not used: one pass at the planned size.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from framecast.catalog.endpoints import Task
from framecast.engine.diffusers.family import (
    CallInputs,
    Constraints,
    Variant,
    common_kwargs,
    derive,
    unsupported,
)

if TYPE_CHECKING:
    from framecast.engine.diffusers.config import ModelConfig

T = Task
_CONSTRAINTS = Constraints(
    frame_step=8, size_multiple=32, fps=24, max_frames=257,
    areas={"480p": 704 * 480, "720p": 1216 * 704}, default_resolution="480p",
)
_TASKS = frozenset({T.TEXT_TO_VIDEO, T.IMAGE_TO_VIDEO, T.EFFECTS})
_MEMORY = "~10 GB with fp8 layerwise casting + group offload (diffusers docs)"
# Recommended by the diffusers LTX docs for the timestep-aware VAE (0.9.1+); ignored by 0.9.0.
_DECODE_TIMESTEP = 0.05
_DECODE_NOISE_SCALE = 0.025
_IMAGE_COND_NOISE_SCALE = 0.025

VARIANTS: dict[str, Variant] = {
    v.name: v
    for v in [
        Variant("ltx", "ltx", "Lightricks/LTX-Video", _TASKS, _CONSTRAINTS, steps=50, guidance=3.0, memory=_MEMORY),
        Variant(
            "ltx", "ltx-condition", "Lightricks/LTX-Video-0.9.5", _TASKS, _CONSTRAINTS, steps=40, guidance=5.0,
            memory=_MEMORY,
        ),
        Variant(
            "ltx", "ltx-distilled", "Lightricks/LTX-Video-0.9.7-distilled", _TASKS, _CONSTRAINTS, steps=8,
            guidance=1.0, timesteps=(1000.0, 993.0, 987.0, 981.0, 975.0, 909.0, 725.0, 0.03), memory=_MEMORY,
            notes="5 s 768x512 in ~2 s on H100 for the family (LTX-Video paper)",
        ),
    ]
}


class LtxFamily:
    name = "ltx"
    variants: Mapping[str, Variant] = VARIANTS

    def pipeline_class(self, variant: Variant) -> str:
        return "LTXPipeline" if variant.name == "ltx" else "LTXConditionPipeline"

    def refine(self, variant: Variant, pipe: Any) -> Constraints:
        return variant.constraints

    def call(self, variant: Variant, cfg: ModelConfig, pipe: Any, inputs: CallInputs) -> tuple[Any, dict[str, Any]]:
        import diffusers

        task = inputs.spec.task
        if task not in variant.tasks:
            raise unsupported(variant, task)
        kwargs = common_kwargs(inputs)
        kwargs.update(
            frame_rate=max(1, round(inputs.plan.gen_fps)),
            decode_timestep=_DECODE_TIMESTEP,
            decode_noise_scale=_DECODE_NOISE_SCALE,
        )
        if cfg.max_sequence_length:
            kwargs["max_sequence_length"] = cfg.max_sequence_length
        image_task = task in (T.IMAGE_TO_VIDEO, T.EFFECTS)
        if variant.name == "ltx":
            if not image_task:
                return derive(diffusers.LTXPipeline, pipe), kwargs
            return derive(diffusers.LTXImageToVideoPipeline, pipe), {**kwargs, "image": inputs.images[0]}
        distilled = variant.name == "ltx-distilled"
        kwargs["image_cond_noise_scale"] = 0.0 if distilled else _IMAGE_COND_NOISE_SCALE
        if image_task:
            kwargs.update(image=inputs.images[0], frame_index=0)
        return derive(diffusers.LTXConditionPipeline, pipe), kwargs
