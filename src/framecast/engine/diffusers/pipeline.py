"""``DiffusersPipeline``: one configured model behind the framecast Pipeline protocol.

The model loads on first use and stays loaded between requests (the worker decides when to close
it). Each request is planned (:mod:`.mapping`), its inputs prepared (images resized, source video
sampled, masks computed, effect LoRA switched on), the family builds the diffusers call, and the
per-step callback reports progress and is where cancellation lands. Out-of-memory fails only that
request: memory is released and the loaded model is kept for the next one.
"""

from __future__ import annotations

import contextlib
import gc
import threading
import time
import traceback
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from framecast.catalog.endpoints import Task
from framecast.engine.base import RunControl
from framecast.engine.diffusers import mapping
from framecast.engine.diffusers.config import EndpointBinding, ModelConfig
from framecast.engine.diffusers.effects import effect_prompt
from framecast.engine.diffusers.families import FAMILIES
from framecast.engine.diffusers.family import CallInputs, Constraints, Sampling, unsupported
from framecast.engine.diffusers.loading import activate_loras, load_model, resolve_device
from framecast.engine.diffusers.masks import TextToMask, dilate, load_masker
from framecast.engine.types import Clip, GenerationSpec, InputImage
from framecast.errors import FramecastError, InputError, OutOfMemory, PipelineFailed

if TYPE_CHECKING:
    import torch
    from PIL import Image

__all__ = ["DiffusersPipeline", "is_out_of_memory"]

_LOG_EVERY = 10  # progress lines per run (every step still reports numeric progress)
_IMAGE_TASKS = (Task.IMAGE_TO_VIDEO, Task.EFFECTS)
_REFERENCE_TASKS = (Task.SCENES, Task.ADDITIONS, Task.SWAPS)
_VIDEO_TASKS = (Task.ADDITIONS, Task.SWAPS)


def is_out_of_memory(exc: BaseException) -> bool:
    import torch

    if isinstance(exc, torch.OutOfMemoryError):
        return True
    # Some kernels and the CPU allocator report exhaustion as a plain RuntimeError.
    text = str(exc).lower()
    return isinstance(exc, RuntimeError) and ("out of memory" in text or "can't allocate memory" in text)


def _free_memory() -> None:
    import torch

    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def _pil(image: InputImage, background: tuple[int, int, int] | None = None) -> Image.Image:
    from PIL import Image as PILImage

    rgb = PILImage.fromarray(image.pixels)
    if background is None or image.alpha is None:
        return rgb
    canvas = PILImage.new("RGB", rgb.size, background)
    canvas.paste(rgb, mask=PILImage.fromarray(image.alpha))
    return canvas


class DiffusersPipeline:
    """A configured diffusers model implementing :class:`framecast.engine.base.Pipeline`."""

    def __init__(
        self,
        model_name: str,
        config: ModelConfig,
        *,
        allow_downloads: bool = False,
        bindings: Mapping[str, EndpointBinding] | None = None,
    ) -> None:
        self.name = f"diffusers:{model_name}"
        self.model_name = model_name
        self.config = config
        self.family = FAMILIES[config.family]
        self.variant = config.variant_info
        self.allow_downloads = allow_downloads
        self.bindings = dict(bindings or {})
        self._pipe: Any = None
        self._constraints: Constraints | None = None
        self._masker: TextToMask | None = None
        self._lock = threading.Lock()

    @property
    def tasks(self) -> frozenset[Task]:
        return self.variant.tasks

    @property
    def loaded(self) -> bool:
        return self._pipe is not None

    @property
    def diffusers_pipeline(self) -> Any:
        """The loaded primary diffusers pipeline (None before the first request)."""
        return self._pipe

    # -- lifecycle -------------------------------------------------------------------------------

    def load(self, control: RunControl | None = None) -> None:
        if self._pipe is not None:
            return
        log = control.log if control is not None else (lambda message, level="INFO": None)
        if control is not None:
            control.step(0, 1, "loading")
        log(f"loading {self.model_name} ({self.variant.label}) from {self.config.weights}", "INFO")
        started = time.perf_counter()
        try:
            pipe = load_model(self.config, self.family, self.allow_downloads, log)
        except Exception as exc:
            traceback.clear_frames(exc.__traceback__)
            _free_memory()
            if isinstance(exc, FramecastError):
                raise
            if is_out_of_memory(exc):
                raise OutOfMemory(
                    f"{self.model_name}: out of memory while loading the model; set offload = "
                    '"model" or "group" in the models file'
                ) from exc
            raise PipelineFailed(f"{self.model_name}: loading failed: {type(exc).__name__}: {exc}") from exc
        self._pipe = pipe
        self._constraints = self.family.refine(self.variant, pipe)
        log(f"loaded {self.model_name} in {time.perf_counter() - started:.1f} s", "INFO")
        if control is not None:
            control.step(1, 1, "loading")

    def close(self) -> None:
        with self._lock:
            if self._masker is not None:
                self._masker.close()
            self._pipe = None
            self._masker = None
            self._constraints = None
            _free_memory()

    # -- one request -----------------------------------------------------------------------------

    def plan(self, spec: GenerationSpec) -> mapping.Plan:
        constraints = self._constraints or self.variant.constraints
        cfg = self.config
        return mapping.plan(spec, constraints, cfg.resolution, cfg.fps, cfg.max_frames)

    def generate(self, spec: GenerationSpec, control: RunControl) -> Clip:
        if spec.task not in self.variant.tasks:
            raise unsupported(self.variant, spec.task)
        with self._lock:
            control.check_cancelled()
            self.load(control)
            plan = self.plan(spec)
            control.log(
                f"{self.model_name}: {spec.task.value} at {plan.gen_width}x{plan.gen_height}, "
                f"{plan.gen_frames} frames @ {plan.gen_fps:g} fps -> {spec.width}x{spec.height}, "
                f"{spec.num_frames} frames @ {spec.fps} fps",
                "INFO",
            )
            if plan.stretched:
                control.log(
                    f"{spec.duration:g} s needs more than max_frames; motion is slowed to fill the duration", "WARNING"
                )
            try:
                inputs = self._prepare(spec, plan, control)
                frames, summary = self._run(inputs, control)
            except Exception as exc:
                # The failed call's tensors (latents, activations) live on in the traceback's frames;
                # clearing them lets the memory go now, not whenever the worker drops the exception.
                traceback.clear_frames(exc.__traceback__)
                self._recover()
                if isinstance(exc, FramecastError):  # Cancelled, bad input, configuration
                    raise
                if is_out_of_memory(exc):
                    raise OutOfMemory(
                        f"{self.model_name}: out of memory generating {plan.gen_frames} frames at "
                        f"{plan.gen_width}x{plan.gen_height}; try offload = \"model\" or \"group\", "
                        "vae_tiling = true, or a lower resolution in the models file"
                    ) from exc
                raise PipelineFailed(f"{self.model_name}: {type(exc).__name__}: {exc}") from exc
        return Clip(
            width=spec.width,
            height=spec.height,
            fps=spec.fps,
            num_frames=spec.num_frames,
            frames=mapping.resample(
                frames, plan.gen_fps, spec.fps, spec.num_frames, spec.width, spec.height, self.config.temporal
            ),
            metadata=summary,
        )

    def _recover(self) -> None:
        """After an interrupted run: drop offload state and free what the run held."""
        pipe = self._pipe
        if pipe is not None and hasattr(pipe, "maybe_free_model_hooks"):
            # Best effort: the memory is freed below whether or not the hooks reset cleanly.
            with contextlib.suppress(Exception):
                pipe.maybe_free_model_hooks()
        _free_memory()

    def _sampling(self, spec: GenerationSpec) -> Sampling:
        cfg, variant = self.config, self.variant
        binding = self.bindings.get(spec.endpoint_id)
        explicit_steps = (binding.steps if binding else None) or cfg.steps
        timesteps = tuple(cfg.timesteps) if cfg.timesteps else (None if explicit_steps else variant.timesteps)
        guidance = binding.guidance if binding and binding.guidance is not None else cfg.guidance
        guidance_2 = binding.guidance_2 if binding and binding.guidance_2 is not None else cfg.guidance_2
        return Sampling(
            steps=len(timesteps) if timesteps else (explicit_steps or variant.steps),
            guidance=variant.guidance if guidance is None else guidance,
            guidance_2=variant.guidance_2 if guidance_2 is None else guidance_2,
            timesteps=timesteps,
        )

    def _prompt(self, spec: GenerationSpec) -> tuple[str, list[tuple[str, float]]]:
        """The prompt to send, and the LoRA adapters to activate for it."""
        active = [(lora.adapter_name, lora.scale) for lora in self.config.loras]
        if spec.task is Task.EFFECTS and spec.pikaffect is not None:
            effect = self.config.effects.get(spec.pikaffect)
            if effect is None:
                return effect_prompt(spec.pikaffect, spec.prompt), active
            prompt = effect_prompt(spec.pikaffect, spec.prompt, effect.trigger, effect.prompt)
            return prompt, [*active, (effect.adapter_name, effect.scale)]
        if spec.prompt:
            return spec.prompt, active
        if spec.task is Task.SWAPS and spec.modify_region:
            return f"the {spec.modify_region} is replaced by the subject of the reference image", active
        if spec.task in (Task.ADDITIONS, Task.SWAPS):
            return "the subject of the reference image appears naturally in the video", active
        return spec.prompt, active

    def _source_frames(self, spec: GenerationSpec, plan: mapping.Plan) -> np.ndarray:
        assert spec.video is not None
        video = spec.video
        positions = mapping.source_indices(plan.gen_frames, plan.gen_fps, video.num_frames, video.fps)
        picked = video.frames[np.rint(positions).astype(np.int64)]
        from PIL import Image as PILImage

        resized = [
            np.asarray(mapping.resize_cover(PILImage.fromarray(f), plan.gen_width, plan.gen_height)) for f in picked
        ]
        return np.stack(resized)

    def _region_mask(self, spec: GenerationSpec, frames: np.ndarray, control: RunControl) -> np.ndarray:
        cfg = self.config.mask
        if cfg is None:
            raise PipelineFailed(f"{self.model_name}: pikaswaps needs [models.{self.model_name}.mask] (text-to-mask)")
        if self._masker is None:
            self._masker = load_masker(cfg, resolve_device(self.config.device), self.allow_downloads)
        control.step(0, 1, "masking")
        masks = dilate(self._masker.masks(frames, spec.modify_region or ""), cfg.dilate)
        control.step(1, 1, "masking")
        if not masks.any():
            raise InputError.at(
                ("body", "modify_region"), f"nothing matching {spec.modify_region!r} was found in the video",
                "region_not_found",
            )
        control.log(f"mask covers {masks.mean():.0%} of the frames", "INFO")
        return masks

    def _prepare(self, spec: GenerationSpec, plan: mapping.Plan, control: RunControl) -> CallInputs:
        from PIL import Image as PILImage

        size = (plan.gen_width, plan.gen_height)
        prompt, adapters = self._prompt(spec)
        activate_loras(self._pipe, adapters)
        images: list[Image.Image] = []
        if spec.task in _IMAGE_TASKS:
            if not spec.images:
                raise PipelineFailed(f"{spec.task.value} needs an input image")
            images = [mapping.resize_cover(_pil(spec.images[0], (255, 255, 255)), *size)]
        # VACE letterboxes references on white, so transparent areas become white too.
        references = [_pil(i, (255, 255, 255)) for i in spec.images] if spec.task in _REFERENCE_TASKS else []
        video = mask = None
        if spec.task in _VIDEO_TASKS:
            if spec.video is None:
                raise PipelineFailed(f"{spec.task.value} needs an input video")
            frames = self._source_frames(spec, plan)
            video = [PILImage.fromarray(f) for f in frames]
            if spec.task is Task.SWAPS and spec.modify_region:
                regions = self._region_mask(spec, frames, control)
                mask = [PILImage.fromarray((m * 255).astype(np.uint8), mode="L") for m in regions]
        scale = self.config.ingredients.scale(spec.ingredients_mode) if spec.task is Task.SCENES else 1.0
        return CallInputs(
            spec=spec, plan=plan, prompt=prompt, negative_prompt=spec.negative_prompt or self.config.negative_prompt,
            sampling=self._sampling(spec), images=images, references=references, video=video, mask=mask,
            conditioning_scale=scale,
        )

    def _run(self, inputs: CallInputs, control: RunControl) -> tuple[torch.Tensor, dict[str, object]]:
        import torch

        pipe, kwargs = self.family.call(self.variant, self.config, self._pipe, inputs)
        planned = inputs.sampling.steps
        started = time.perf_counter()
        log_every = max(1, planned // _LOG_EVERY)

        def on_step_end(p: Any, i: int, t: Any, tensors: dict[str, Any]) -> dict[str, Any]:
            total = getattr(p, "_num_timesteps", None) or planned
            control.step(i + 1, total, "denoising")
            if (i + 1) % log_every == 0 or i + 1 == total:
                rate = (time.perf_counter() - started) / (i + 1)
                control.log(f"step {i + 1}/{total} ({rate:.2f} s/step)", "INFO")
            if i + 1 == total:
                control.step(0, 1, "decoding")
            return {}

        kwargs.update(
            generator=torch.Generator("cpu").manual_seed(inputs.spec.seed),
            output_type="pt",
            callback_on_step_end=on_step_end,
        )
        control.step(0, 1, "encoding_prompt")
        output = pipe(**kwargs)
        frames = output.frames[0].detach().to("cpu", torch.float32)
        control.step(1, 1, "decoding")
        summary: dict[str, object] = {
            "model": self.model_name,
            "variant": self.variant.label,
            "pipeline": type(pipe).__name__,
            "prompt": inputs.prompt,
            "negative_prompt": inputs.negative_prompt,
            "steps": inputs.sampling.steps,
            "guidance": inputs.sampling.guidance,
            "generated": f"{inputs.plan.gen_width}x{inputs.plan.gen_height}x{inputs.plan.gen_frames}",
            "generated_fps": inputs.plan.gen_fps,
            "seconds": round(time.perf_counter() - started, 3),
        }
        return frames, summary
