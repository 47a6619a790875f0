"""Loading a configured model the way production does: weights, dtype, device, memory and speed options.

Options that need CUDA (offload, fused attention kernels) are logged and skipped on a CPU device,
so the same models file runs on a laptop; options that cannot work where CUDA is present (a kernel
that is not installed, an unknown backend) are configuration errors.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from framecast.engine.diffusers.config import CacheKind, LoraConfig, ModelConfig, Offload
from framecast.engine.diffusers.family import Family
from framecast.errors import ConfigurationError

if TYPE_CHECKING:
    import torch

__all__ = ["activate_loras", "load_lora", "load_model", "looks_local", "resolve_device", "transformers_of"]

Log = Callable[[str, str], None]
# Attention backends that run on any device; every other one is a CUDA kernel.
_PORTABLE_BACKENDS = {"native", "_native_math", "flex"}


def looks_local(weights: str) -> bool:
    """A path rather than a hub id: absolute, relative with ./ or ~, or existing on disk."""
    return weights.startswith(("/", "./", "../", "~", "file:")) or Path(weights).expanduser().exists()


def resolve_device(name: str) -> torch.device:
    import torch

    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    device = torch.device(name)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ConfigurationError(f"device {name!r} is configured but this machine has no usable CUDA device")
    return device


def transformers_of(pipe: Any) -> Iterator[Any]:
    """The denoisers of a pipeline: one, or two for Wan 2.2's high/low-noise experts."""
    for name in ("transformer", "transformer_2"):
        module = getattr(pipe, name, None)
        if module is not None:
            yield module


def _source(cfg: ModelConfig, allow_downloads: bool) -> str:
    if looks_local(cfg.weights):
        path = Path(cfg.weights.removeprefix("file:")).expanduser()
        if not (path / "model_index.json").is_file():
            what = "has no model_index.json (not a diffusers pipeline?)" if path.is_dir() else "does not exist"
            raise ConfigurationError(f"model {cfg.name}: weights directory {path} {what}")
        return str(path)
    return cfg.weights


def _dtype_kwarg() -> str:
    """diffusers renamed ``torch_dtype`` to ``dtype`` (0.36) and warns on the old name."""
    from diffusers.utils import deprecation_utils

    return "dtype" if hasattr(deprecation_utils, "_resolve_dtype") else "torch_dtype"


def _from_pretrained(cls: Any, cfg: ModelConfig, allow_downloads: bool) -> Any:
    import torch

    source = _source(cfg, allow_downloads)
    dtypes = {name: getattr(torch, value) for name, value in cfg.component_dtypes().items()}
    try:
        return cls.from_pretrained(source, local_files_only=not allow_downloads, **{_dtype_kwarg(): dtypes})
    except torch.OutOfMemoryError:
        raise
    except (OSError, ValueError, TypeError, KeyError) as exc:
        hint = ""
        if not allow_downloads and not looks_local(cfg.weights):
            hint = (
                " (downloads are off: fetch it first with `hf download "
                f"{cfg.weights}` or set FRAMECAST_ALLOW_DOWNLOADS=1)"
            )
        raise ConfigurationError(f"model {cfg.name}: cannot load weights {cfg.weights!r}: {exc}{hint}") from exc


def _set_shift(pipe: Any, cfg: ModelConfig) -> None:
    if cfg.flow_shift is None:
        return
    scheduler = pipe.scheduler
    for key in ("flow_shift", "shift"):
        if key in scheduler.config:
            pipe.scheduler = type(scheduler).from_config(scheduler.config, **{key: cfg.flow_shift})
            return
    raise ConfigurationError(f"model {cfg.name}: scheduler {type(scheduler).__name__} has no flow shift to set")


def load_lora(pipe: Any, lora: LoraConfig, allow_downloads: bool) -> str:
    """Load a LoRA as a named adapter (once); returns the adapter name."""
    name = lora.adapter_name
    if name in _loaded_adapters(pipe):
        return name
    kwargs: dict[str, Any] = {"adapter_name": name, "local_files_only": not allow_downloads}
    path = Path(lora.path).expanduser()
    if path.is_file():
        source, kwargs["weight_name"] = str(path.parent), path.name
    elif path.is_dir() or not looks_local(lora.path):
        source = str(path) if path.is_dir() else lora.path
        if lora.weight_name:
            kwargs["weight_name"] = lora.weight_name
    else:
        raise ConfigurationError(f"LoRA {lora.path} does not exist")
    if lora.transformer_2:
        kwargs["load_into_transformer_2"] = True
    try:
        pipe.load_lora_weights(source, **kwargs)
    except (OSError, ValueError, KeyError, RuntimeError) as exc:
        raise ConfigurationError(f"LoRA {lora.path}: cannot load: {exc}") from exc
    return name


def _loaded_adapters(pipe: Any) -> set[str]:
    names: set[str] = set()
    for transformer in transformers_of(pipe):
        config = getattr(transformer, "peft_config", None)
        if config:
            names.update(config)
    return names


def activate_loras(pipe: Any, active: list[tuple[str, float]]) -> None:
    """Make exactly these adapters active with these scales (none: LoRAs off).

    Set per denoiser rather than through ``pipe.set_adapters``: on Wan 2.2 A14B an adapter may live in
    only one of the two experts, which the pipeline-level call rejects.
    """
    for transformer in transformers_of(pipe):
        present = set(getattr(transformer, "peft_config", None) or {})
        if not present:
            continue
        here = [(name, scale) for name, scale in active if name in present]
        if not here:
            transformer.disable_adapters()
            continue
        transformer.enable_adapters()
        transformer.set_adapters([name for name, _ in here], weights=[scale for _, scale in here])


def _place(pipe: Any, cfg: ModelConfig, device: torch.device, log: Log) -> None:
    import torch

    if cfg.offload is Offload.NONE:
        pipe.to(device)
        return
    if device.type != "cuda":
        log(f"offload={cfg.offload.value} needs a CUDA device; skipped on {device}", "WARNING")
        pipe.to(device)
        return
    if cfg.offload is Offload.MODEL:
        pipe.enable_model_cpu_offload(device=device)
    elif cfg.offload is Offload.SEQUENTIAL:
        pipe.enable_sequential_cpu_offload(device=device)
    else:
        blocks = cfg.group_offload_blocks if cfg.group_offload_type == "block_level" else None
        pipe.enable_group_offload(
            onload_device=device, offload_device=torch.device("cpu"), offload_type=cfg.group_offload_type,
            num_blocks_per_group=blocks, use_stream=True,
        )


def _speed(pipe: Any, cfg: ModelConfig, device: torch.device, steps: int, allow_downloads: bool, log: Log) -> None:
    backend = cfg.attention_backend
    if backend and backend.endswith("_hub") and not allow_downloads:
        raise ConfigurationError(
            f"model {cfg.name}: attention backend {backend!r} fetches its kernel from the Hub when loading, "
            "and downloads are off; install the kernel package and use its local backend (e.g. 'sage', 'flash')"
        )
    if backend and backend not in _PORTABLE_BACKENDS and device.type != "cuda":
        log(f"attention backend {backend!r} needs CUDA; using native attention on {device}", "WARNING")
    elif backend:
        for transformer in transformers_of(pipe):
            try:
                transformer.set_attention_backend(backend)
            except (ValueError, ImportError, RuntimeError) as exc:
                raise ConfigurationError(f"model {cfg.name}: attention backend {backend!r}: {exc}") from exc
    if cfg.cache.kind is not CacheKind.NONE:
        hooks: Any = importlib.import_module("diffusers")
        for transformer in transformers_of(pipe):
            if cfg.cache.kind is CacheKind.FIRST_BLOCK:
                cache: Any = hooks.FirstBlockCacheConfig(threshold=cfg.cache.threshold or 0.05)
            else:
                if not cfg.cache.mag_ratios:
                    raise ConfigurationError(f"model {cfg.name}: cache 'mag' needs mag_ratios calibrated for it")
                cache = hooks.MagCacheConfig(
                    threshold=cfg.cache.threshold or 0.06, num_inference_steps=steps, mag_ratios=cfg.cache.mag_ratios
                )
            transformer.enable_cache(cache)
    if cfg.compile:
        # A cache hook wraps each block's forward in Python dynamo cannot trace whole (it calls
        # inspect.signature), so with a cache the compiled graph must be allowed to break there.
        fullgraph = cfg.cache.kind is CacheKind.NONE
        for transformer in transformers_of(pipe):
            # Regional compilation: one compiled block reused N times compiles ~N times faster.
            if getattr(transformer, "_repeated_blocks", None):
                transformer.compile_repeated_blocks(fullgraph=fullgraph)
            else:
                transformer.compile()
        log("torch.compile enabled: the first request compiles and is slow", "INFO")


def load_model(cfg: ModelConfig, family: Family, allow_downloads: bool, log: Log) -> Any:
    """Load the model's primary diffusers pipeline with every configured option applied."""
    import diffusers

    variant = cfg.variant_info
    device = resolve_device(cfg.device)
    cls = getattr(diffusers, family.pipeline_class(variant))
    pipe = _from_pretrained(cls, cfg, allow_downloads)
    pipe.set_progress_bar_config(disable=True)
    _set_shift(pipe, cfg)
    # LoRAs go in before offload hooks and compilation wrap the modules.
    base = [(load_lora(pipe, lora, allow_downloads), lora.scale) for lora in cfg.loras]
    for effect in cfg.effects.values():
        load_lora(pipe, effect, allow_downloads)
    activate_loras(pipe, base)
    _place(pipe, cfg, device, log)
    if cfg.vae_tiling:
        pipe.vae.enable_tiling()
    _speed(pipe, cfg, device, cfg.steps or variant.steps, allow_downloads, log)
    return pipe
