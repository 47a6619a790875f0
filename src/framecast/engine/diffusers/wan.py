"""Wan 2.1 / 2.2 (``WanPipeline``, ``WanImageToVideoPipeline``, ``WanVACEPipeline``).

Variants: 2.1 T2V 1.3B and 14B; 2.1 I2V 14B at 480p and 720p; 2.2 TI2V-5B (one checkpoint for text
and image, 24 fps, VAE /16); 2.2 A14B T2V and I2V (two experts switched at ``boundary_ratio``,
with a second guidance scale); VACE 1.3B and 14B (reference images, video + mask).

VACE serves every task, which lets one checkpoint back all endpoints:

- text-to-video: no conditioning;
- image-to-video / Pikaffects: the image as frame 0 (mask black), grey frames after it (mask white);
- Pikascenes: ``reference_images`` (the pipeline letterboxes them on white); ``ingredients_mode``
  sets ``conditioning_scale`` (precise binds harder than creative; see the models file);
- Pikadditions: the source video under an all-white mask (the whole clip is editable context) plus
  the image as a reference;
- Pikaswaps: a mask of ``modify_region``; the masked pixels are greyed so the old object does not
  leak through, then the prompt and/or the image (as a reference) fill it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from framecast.catalog.endpoints import Task
from framecast.engine.diffusers.family import (
    AREA_480P_WAN,
    AREA_720P,
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
_AREAS = {"480p": AREA_480P_WAN, "720p": AREA_720P}
_W21 = dict(frame_step=4, size_multiple=16, fps=16, max_frames=81)
# The diffusers docs load Wan's VAE (and the 2.1 I2V CLIP encoder) in float32 for quality.
_F32_VAE = {"vae": "float32"}
_F32_VAE_CLIP = {"vae": "float32", "image_encoder": "float32"}
_VACE_TASKS = frozenset({T.TEXT_TO_VIDEO, T.IMAGE_TO_VIDEO, T.EFFECTS, T.SCENES, T.ADDITIONS, T.SWAPS})


def _c(areas: Mapping[str, int], default: str, **kw: Any) -> Constraints:
    base: dict[str, Any] = {**_W21, **kw}
    return Constraints(areas=areas, default_resolution=default, **base)


VARIANTS: dict[str, Variant] = {
    v.name: v
    for v in [
        Variant(
            "wan", "t2v-1.3b", "Wan-AI/Wan2.1-T2V-1.3B-Diffusers", frozenset({T.TEXT_TO_VIDEO}),
            _c({"480p": AREA_480P_WAN}, "480p"), steps=50, guidance=5.0, dtypes=_F32_VAE,
            memory="8.19 GB with offload (Wan 2.1 README)",
        ),
        Variant(
            "wan", "t2v-14b", "Wan-AI/Wan2.1-T2V-14B-Diffusers", frozenset({T.TEXT_TO_VIDEO}),
            _c(_AREAS, "720p"), steps=50, guidance=5.0, dtypes=_F32_VAE,
            memory="~13 GB with group offload (diffusers docs); bf16 without offload ~28 GB DiT + ~11 GB UMT5",
        ),
        Variant(
            "wan", "i2v-14b-480p", "Wan-AI/Wan2.1-I2V-14B-480P-Diffusers",
            frozenset({T.IMAGE_TO_VIDEO, T.EFFECTS}), _c({"480p": AREA_480P_WAN}, "480p"), steps=40,
            guidance=5.0, dtypes=_F32_VAE_CLIP,
            memory="as T2V 14B plus the CLIP image encoder; base of the Remade-AI effect LoRAs",
        ),
        Variant(
            "wan", "i2v-14b-720p", "Wan-AI/Wan2.1-I2V-14B-720P-Diffusers",
            frozenset({T.IMAGE_TO_VIDEO, T.EFFECTS}), _c(_AREAS, "720p"), steps=40, guidance=5.0,
            dtypes=_F32_VAE_CLIP, memory="as T2V 14B plus the CLIP image encoder",
        ),
        Variant(
            "wan", "ti2v-5b", "Wan-AI/Wan2.2-TI2V-5B-Diffusers",
            frozenset({T.TEXT_TO_VIDEO, T.IMAGE_TO_VIDEO, T.EFFECTS}),
            _c({"720p": 1280 * 704}, "720p", size_multiple=32, fps=24, max_frames=121), steps=50,
            guidance=5.0, dtypes=_F32_VAE, memory="24 GB GPU with offload (Wan 2.2 README)",
        ),
        Variant(
            "wan", "t2v-a14b", "Wan-AI/Wan2.2-T2V-A14B-Diffusers", frozenset({T.TEXT_TO_VIDEO}),
            _c(_AREAS, "720p"), steps=40, guidance=4.0, guidance_2=3.0, dtypes=_F32_VAE,
            memory="80 GB + offload on one GPU (Wan 2.2 README); 89 GB peak at 832x480 on H200 (sglang #25483)",
        ),
        Variant(
            "wan", "i2v-a14b", "Wan-AI/Wan2.2-I2V-A14B-Diffusers", frozenset({T.IMAGE_TO_VIDEO, T.EFFECTS}),
            _c(_AREAS, "720p"), steps=40, guidance=3.5, guidance_2=3.5, dtypes=_F32_VAE,
            memory="as T2V A14B",
        ),
        Variant(
            "wan", "vace-1.3b", "Wan-AI/Wan2.1-VACE-1.3B-diffusers", _VACE_TASKS,
            _c({"480p": AREA_480P_WAN}, "480p"), steps=50, guidance=5.0, dtypes=_F32_VAE,
            memory="as T2V 1.3B",
        ),
        Variant(
            "wan", "vace-14b", "Wan-AI/Wan2.1-VACE-14B-diffusers", _VACE_TASKS, _c(_AREAS, "720p"), steps=50,
            guidance=5.0, dtypes=_F32_VAE, memory="as T2V 14B",
        ),
    ]
}

_PRIMARY = {
    "t2v-1.3b": "WanPipeline",
    "t2v-14b": "WanPipeline",
    "ti2v-5b": "WanPipeline",
    "t2v-a14b": "WanPipeline",
    "i2v-14b-480p": "WanImageToVideoPipeline",
    "i2v-14b-720p": "WanImageToVideoPipeline",
    "i2v-a14b": "WanImageToVideoPipeline",
    "vace-1.3b": "WanVACEPipeline",
    "vace-14b": "WanVACEPipeline",
}


class WanFamily:
    name = "wan"
    variants: Mapping[str, Variant] = VARIANTS

    def pipeline_class(self, variant: Variant) -> str:
        return _PRIMARY[variant.name]

    def refine(self, variant: Variant, pipe: Any) -> Constraints:
        return variant.constraints

    def call(self, variant: Variant, cfg: ModelConfig, pipe: Any, inputs: CallInputs) -> tuple[Any, dict[str, Any]]:
        import diffusers

        task = inputs.spec.task
        if task not in variant.tasks:
            raise unsupported(variant, task)
        kwargs = common_kwargs(inputs)
        if cfg.max_sequence_length:
            kwargs["max_sequence_length"] = cfg.max_sequence_length
        if inputs.sampling.guidance_2 is not None and variant.guidance_2 is not None:
            kwargs["guidance_scale_2"] = inputs.sampling.guidance_2
        if variant.name.startswith("vace"):
            return pipe, {**kwargs, **self._vace_kwargs(inputs)}
        if task is T.TEXT_TO_VIDEO:
            return derive(diffusers.WanPipeline, pipe), kwargs
        kwargs["image"] = inputs.images[0]
        return derive(diffusers.WanImageToVideoPipeline, pipe), kwargs

    @staticmethod
    def _vace_kwargs(inputs: CallInputs) -> dict[str, Any]:
        from PIL import Image

        task = inputs.spec.task
        size = (inputs.plan.gen_width, inputs.plan.gen_height)
        out: dict[str, Any] = {"conditioning_scale": inputs.conditioning_scale}
        if task in (T.IMAGE_TO_VIDEO, T.EFFECTS):
            rest = inputs.plan.gen_frames - 1
            out["video"] = [inputs.images[0]] + [Image.new("RGB", size, (128, 128, 128))] * rest
            out["mask"] = [Image.new("L", size, 0)] + [Image.new("L", size, 255)] * rest
        elif task in (T.ADDITIONS, T.SWAPS):
            video = inputs.video or []
            if inputs.mask is not None:
                grey = Image.new("RGB", size, (128, 128, 128))
                video = [Image.composite(grey, frame, m) for frame, m in zip(video, inputs.mask, strict=True)]
                out["mask"] = inputs.mask
            out["video"] = video
        if inputs.references:
            out["reference_images"] = inputs.references
        return out
