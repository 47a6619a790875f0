"""CogVideoX 1.0 (``CogVideoXPipeline``, ``CogVideoXImageToVideoPipeline``): 2B and 5B text, 5B image.

Frames are ``4k + 1`` (49 at most: the models were trained on 6 s at 8 fps) and sides multiples of
16. The 5B image model has learned positional embeddings, so it only makes its training size
(720x480); :meth:`CogVideoXFamily.refine` reads that size from the loaded transformer and the
output is resized (cover + crop) to the requested aspect. The text encoder's sequence length must
equal the transformer's ``max_text_seq_length``, which is also read from the checkpoint.
"""

from __future__ import annotations

import dataclasses
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
    frame_step=4, size_multiple=16, fps=8, max_frames=49, areas={"480p": 720 * 480}, default_resolution="480p"
)
_MEM_5B = "33 GB plain, 19 GB with model offload (diffusers docs); from 5 GB with every optimisation (model card)"

VARIANTS: dict[str, Variant] = {
    v.name: v
    for v in [
        Variant(
            "cogvideox", "2b", "THUDM/CogVideoX-2b", frozenset({T.TEXT_TO_VIDEO}), _CONSTRAINTS, steps=50,
            guidance=6.0, dtypes={"default": "float16"}, notes="~45 s per clip on H100, 50 steps (model card)",
        ),
        Variant(
            "cogvideox", "5b", "THUDM/CogVideoX-5b", frozenset({T.TEXT_TO_VIDEO}), _CONSTRAINTS, steps=50,
            guidance=6.0, memory=_MEM_5B, notes="~90 s H100 / ~180 s A100 per clip, 50 steps (model card)",
        ),
        Variant(
            "cogvideox", "5b-i2v", "THUDM/CogVideoX-5b-I2V", frozenset({T.IMAGE_TO_VIDEO, T.EFFECTS}),
            dataclasses.replace(_CONSTRAINTS, fixed_size=(720, 480)), steps=50, guidance=6.0, memory=_MEM_5B,
        ),
    ]
}


class CogVideoXFamily:
    name = "cogvideox"
    variants: Mapping[str, Variant] = VARIANTS

    def pipeline_class(self, variant: Variant) -> str:
        return "CogVideoXImageToVideoPipeline" if variant.name.endswith("i2v") else "CogVideoXPipeline"

    def refine(self, variant: Variant, pipe: Any) -> Constraints:
        config = pipe.transformer.config
        if not config.get("use_learned_positional_embeddings"):
            return dataclasses.replace(variant.constraints, fixed_size=None)
        scale = pipe.vae_scale_factor_spatial
        size = (config["sample_width"] * scale, config["sample_height"] * scale)
        return dataclasses.replace(variant.constraints, fixed_size=size)

    def call(self, variant: Variant, cfg: ModelConfig, pipe: Any, inputs: CallInputs) -> tuple[Any, dict[str, Any]]:
        import diffusers

        task = inputs.spec.task
        if task not in variant.tasks:
            raise unsupported(variant, task)
        kwargs = common_kwargs(inputs)
        kwargs["max_sequence_length"] = pipe.transformer.config.max_text_seq_length
        # The 5B model cards sample with dynamic CFG; the 2B card does not.
        kwargs["use_dynamic_cfg"] = variant.name.startswith("5b")
        if task is T.TEXT_TO_VIDEO:
            return derive(diffusers.CogVideoXPipeline, pipe), kwargs
        return derive(diffusers.CogVideoXImageToVideoPipeline, pipe), {**kwargs, "image": inputs.images[0]}
