"""Open video models through diffusers: Wan, LTX-Video and CogVideoX behind the Pipeline protocol.

The models file (``Settings.models_file``, TOML; see :mod:`.config` and ``models.example.toml``)
names the models and which endpoint each serves. :func:`load_pipeline` returns a
:class:`DiffusersPipeline` for one of them; it loads its weights on first use.
"""

from __future__ import annotations

from framecast.config import Settings
from framecast.engine.diffusers.config import ModelConfig, ModelsFile, default_models_file_text, load_models_file
from framecast.engine.diffusers.pipeline import DiffusersPipeline
from framecast.errors import ConfigurationError

__all__ = [
    "DiffusersPipeline",
    "ModelConfig",
    "ModelsFile",
    "default_models_file_text",
    "endpoint_models",
    "load_models_file",
    "load_pipeline",
    "models_file",
]


def models_file(settings: Settings) -> ModelsFile:
    if settings.models_file is None:
        raise ConfigurationError("no models file configured (set FRAMECAST_MODELS_FILE to a TOML file)")
    return load_models_file(settings.models_file)


def load_pipeline(model_name: str, settings: Settings) -> DiffusersPipeline:
    """The named model of the settings' models file, ready to load on its first request."""
    models = models_file(settings)
    config = models.model(model_name)
    bindings = {endpoint: b for endpoint, b in models.bindings.items() if b.model == model_name}
    return DiffusersPipeline(model_name, config, allow_downloads=settings.allow_downloads, bindings=bindings)


def endpoint_models(settings: Settings) -> dict[str, str]:
    """endpoint id -> model name, from the settings' models file (empty when none is configured)."""
    if settings.models_file is None:
        return {}
    return models_file(settings).endpoints
