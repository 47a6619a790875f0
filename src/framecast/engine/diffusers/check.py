"""``framecast models check``: is every configured weight present and loadable, before serving?

For each model: the weights directory (or the hub id's local cache snapshot) has a
``model_index.json`` of the right pipeline class and every component it lists; each component's
config instantiates on the meta device (no memory, no download) and its weight files hold the
parameters that config declares; LoRA and text-to-mask weights exist; the device and the packages
the options need are there. Nothing is downloaded.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from framecast.engine.diffusers.config import (
    CacheKind,
    LoraConfig,
    MaskConfig,
    MaskKind,
    ModelConfig,
    ModelsFile,
    Offload,
    load_models_file,
)
from framecast.engine.diffusers.families import FAMILIES
from framecast.engine.diffusers.loading import looks_local
from framecast.errors import ConfigurationError

__all__ = ["Problem", "check_models"]

# Which model_index classes each variant's components can come from.
_ACCEPTED_CLASSES: dict[str, set[str]] = {
    "WanPipeline": {"WanPipeline", "WanImageToVideoPipeline"},
    "WanImageToVideoPipeline": {"WanImageToVideoPipeline", "WanPipeline"},
    "WanVACEPipeline": {"WanVACEPipeline"},
    "LTXPipeline": {"LTXPipeline", "LTXImageToVideoPipeline", "LTXConditionPipeline"},
    "LTXConditionPipeline": {"LTXPipeline", "LTXImageToVideoPipeline", "LTXConditionPipeline"},
    "CogVideoXPipeline": {"CogVideoXPipeline"},
    "CogVideoXImageToVideoPipeline": {"CogVideoXImageToVideoPipeline"},
}
# Attention backends whose kernels come from a package, and that package.
_KERNEL_PACKAGES = {"flash": "flash_attn", "flash_varlen": "flash_attn", "_flash_3": "flash_attn_interface",
                    "sage": "sageattention", "sage_varlen": "sageattention", "xformers": "xformers"}
# Fraction of a component's parameters that may be absent from its files (tied embeddings).
_MISSING_TOLERANCE = 0.1


@dataclass(frozen=True)
class Problem:
    model: str | None
    key: str
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = f"{self.model}.{self.key}" if self.model else self.key
        return f"{self.severity}: {where}: {self.message}"


def _snapshot(repo_or_dir: str) -> tuple[Path | None, str | None]:
    """A local directory for weights: the path itself, or the hub cache snapshot of a repo id."""
    if looks_local(repo_or_dir):
        path = Path(repo_or_dir.removeprefix("file:")).expanduser()
        return (path, None) if path.exists() else (None, f"{path} does not exist")
    from huggingface_hub import snapshot_download

    try:
        return Path(snapshot_download(repo_or_dir, local_files_only=True)), None
    except Exception as exc:
        return None, f"{repo_or_dir} is not in the local Hugging Face cache ({type(exc).__name__})"


def _weight_files(folder: Path) -> list[Path]:
    files = sorted(folder.glob("*.safetensors"))
    for index in folder.glob("*.safetensors.index.json"):
        shards = set(json.loads(index.read_text())["weight_map"].values())
        missing = [s for s in shards if not (folder / s).exists()]
        if missing:
            raise FileNotFoundError(f"shards missing from {folder.name}: {', '.join(sorted(missing)[:3])}")
    return files


def _stored_keys(files: list[Path]) -> set[str]:
    from safetensors import safe_open

    keys: set[str] = set()
    for file in files:
        with safe_open(str(file), framework="pt") as handle:
            keys.update(handle.keys())
    return keys


def _meta_model(library: str, class_name: str, folder: Path) -> Any:
    import torch

    module = importlib.import_module(library)
    cls = getattr(module, class_name)
    # Parameters on the meta device take no memory: a 14B transformer "loads" in a second.
    with torch.device("meta"):
        if library == "diffusers":
            return cls.from_config(cls.load_config(folder))
        from transformers import AutoConfig

        return cls(AutoConfig.from_pretrained(folder))


def _check_component(name: str, library: str, class_name: str, folder: Path) -> str | None:
    """None if the component looks loadable, else what is wrong."""
    if not folder.is_dir():
        return f"component folder {name}/ is missing"
    try:
        if class_name.endswith("Scheduler"):
            import diffusers

            getattr(diffusers, class_name).from_pretrained(folder)
            return None
        if "Token" in class_name or "Processor" in class_name:
            if not any(folder.iterdir()):
                return f"{name}/ is empty"
            return None
        model = _meta_model(library, class_name, folder)
        files = _weight_files(folder)
        if not files:
            return f"{name}/ has no .safetensors weights"
        expected = set(model.state_dict())
        missing = expected - _stored_keys(files)
        if len(missing) > _MISSING_TOLERANCE * max(1, len(expected)):
            sample = ", ".join(sorted(missing)[:3])
            return f"{name}: {len(missing)} of {len(expected)} parameters missing from the weights (e.g. {sample})"
    except Exception as exc:
        return f"{name} ({class_name}) cannot be loaded: {type(exc).__name__}: {exc}"
    return None


def _check_weights(cfg: ModelConfig, allow_downloads: bool) -> list[Problem]:
    folder, why = _snapshot(cfg.weights)
    if folder is None:
        if allow_downloads and not looks_local(cfg.weights):
            return [Problem(cfg.name, "weights", f"{why}; it will be downloaded on first use", "warning")]
        hint = "" if looks_local(cfg.weights) else f"; fetch it with `hf download {cfg.weights}`"
        return [Problem(cfg.name, "weights", f"{why}{hint}")]
    index_path = folder / "model_index.json"
    if not index_path.is_file():
        return [Problem(cfg.name, "weights", f"{folder} has no model_index.json (not a diffusers pipeline)")]
    index = json.loads(index_path.read_text())
    expected = FAMILIES[cfg.family].pipeline_class(cfg.variant_info)
    found = index.get("_class_name", "?")
    problems = []
    if found not in _ACCEPTED_CLASSES.get(expected, {expected}):
        label = cfg.variant_info.label
        problems.append(Problem(cfg.name, "weights", f"{folder} holds a {found}, but {label} needs {expected}"))
    for name, entry in index.items():
        if name.startswith("_") or not isinstance(entry, list) or entry[0] is None:
            continue
        problem = _check_component(name, entry[0], entry[1], folder / name)
        if problem:
            problems.append(Problem(cfg.name, f"weights.{name}", problem))
    return problems


def _check_lora(model: str, key: str, lora: LoraConfig, allow_downloads: bool) -> list[Problem]:
    path = Path(lora.path).expanduser()
    if path.is_file():
        files = [path]
    elif path.is_dir() or not looks_local(lora.path):
        folder, why = (path, None) if path.is_dir() else _snapshot(lora.path)
        if folder is None:
            severity: Literal["error", "warning"] = "warning" if allow_downloads else "error"
            fetch = f"hf download {lora.path}" + (f" {lora.weight_name}" if lora.weight_name else "")
            return [Problem(model, key, f"{why}; fetch it with `{fetch}`", severity)]
        files = [folder / lora.weight_name] if lora.weight_name else sorted(folder.glob("*.safetensors"))
        if not files or not files[0].exists():
            return [Problem(model, key, f"no LoRA weights {lora.weight_name or '*.safetensors'} in {folder}")]
        if len(files) > 1 and not lora.weight_name:
            return [Problem(model, key, f"{folder} has several .safetensors files; set weight_name")]
    else:
        return [Problem(model, key, f"LoRA file {path} does not exist")]
    try:
        _stored_keys(files[:1])
    except Exception as exc:
        return [Problem(model, key, f"{files[0]} is not readable safetensors: {exc}")]
    return []


def _check_mask(model: str, mask: MaskConfig, allow_downloads: bool) -> list[Problem]:
    problems = []
    sources = [("mask.weights", mask.weights), ("mask.segmenter", mask.segmenter)]
    for key, source in sources:
        if not source:
            continue
        folder, why = _snapshot(source)
        if folder is None:
            severity: Literal["error", "warning"] = "warning" if allow_downloads else "error"
            problems.append(Problem(model, key, f"{why}; fetch it with `hf download {source}`", severity))
        elif not (folder / "config.json").is_file():
            problems.append(Problem(model, key, f"{folder} has no config.json"))
    if mask.kind is MaskKind.GROUNDED_SAM2 and importlib.util.find_spec("torchvision") is None:
        problems.append(Problem(model, "mask.kind", "SAM2's image processor needs torchvision (matching torch)"))
    return problems


def _check_runtime(cfg: ModelConfig) -> list[Problem]:
    import torch

    problems = []
    cuda = torch.cuda.is_available()
    if cfg.device.startswith("cuda") and not cuda:
        problems.append(Problem(cfg.name, "device", f"{cfg.device} is configured but no CUDA device is usable here"))
    elif cfg.device == "auto" and not cuda:
        problems.append(Problem(cfg.name, "device", "no CUDA device: 'auto' will run on the CPU", "warning"))
    on_gpu = cuda and cfg.device != "cpu"
    backend = cfg.attention_backend
    if backend:
        from diffusers.models.attention_dispatch import AttentionBackendName

        known = {b.value for b in AttentionBackendName}
        package = _KERNEL_PACKAGES.get(backend)
        if backend not in known:
            listed = ", ".join(sorted(known))
            problems.append(Problem(cfg.name, "attention_backend", f"unknown backend {backend!r}; known: {listed}"))
        elif package and importlib.util.find_spec(package) is None:
            problems.append(Problem(cfg.name, "attention_backend", f"{backend} needs the {package} package",
                                    "error" if on_gpu else "warning"))
    if cfg.offload in (Offload.MODEL, Offload.SEQUENTIAL) and importlib.util.find_spec("accelerate") is None:
        problems.append(Problem(cfg.name, "offload", f"offload={cfg.offload.value} needs the accelerate package"))
    if (cfg.loras or cfg.effects) and importlib.util.find_spec("peft") is None:
        problems.append(Problem(cfg.name, "loras", "LoRAs need the peft package"))
    if cfg.cache.kind is CacheKind.MAG and not cfg.cache.mag_ratios:
        problems.append(Problem(cfg.name, "cache", "mag cache needs mag_ratios calibrated for this model"))
    for effect, lora in cfg.effects.items():
        if not lora.trigger:
            message = "no trigger words: copy them from the LoRA's model card"
            problems.append(Problem(cfg.name, f"effects.{effect.value}", message, "warning"))
    return problems


def check_models(models_file: Path | str | ModelsFile, allow_downloads: bool = False) -> list[Problem]:
    """Every problem that would stop (errors) or surprise (warnings) serving this models file."""
    if isinstance(models_file, ModelsFile):
        models = models_file
    else:
        try:
            models = load_models_file(models_file)
        except ConfigurationError as exc:
            return [Problem(None, str(models_file), line) for line in str(exc).splitlines()]
    problems: list[Problem] = []
    unused = set(models.models) - set(models.endpoints.values())
    for name in sorted(unused):
        problems.append(Problem(name, "endpoints", "defined but serves no endpoint", "warning"))
    for cfg in models.models.values():
        problems += _check_weights(cfg, allow_downloads)
        for i, lora in enumerate(cfg.loras):
            problems += _check_lora(cfg.name, f"loras[{i}]", lora, allow_downloads)
        for effect, lora in cfg.effects.items():
            problems += _check_lora(cfg.name, f"effects.{effect.value}", lora, allow_downloads)
        if cfg.mask is not None:
            problems += _check_mask(cfg.name, cfg.mask, allow_downloads)
        problems += _check_runtime(cfg)
    return problems
