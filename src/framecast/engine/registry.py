"""Which pipeline serves an endpoint, and how a pipeline reference becomes a loaded Pipeline.

A reference is one of:
- ``sandbox``: the built-in model (the embedded default);
- ``diffusers:<model>``: a model described in the models file (settings.models_file);
- ``package.module:factory``: any callable returning a Pipeline, given the Settings (tests use
  this for their fixtures; deployments for their own models).
The models file's ``[endpoints]`` table wins over ``settings.pipelines``, which wins over
``settings.default_pipeline``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import cast

from framecast.catalog.endpoints import ENDPOINTS
from framecast.config import Settings
from framecast.engine.base import Pipeline
from framecast.errors import ConfigurationError


def pipeline_ref(endpoint_id: str, settings: Settings) -> str:
    if settings.models_file is not None:
        from framecast.engine.diffusers import endpoint_models

        model = endpoint_models(settings).get(endpoint_id)
        if model is not None:
            return f"diffusers:{model}"
    return settings.pipeline_for(endpoint_id)


def endpoints_by_ref(settings: Settings) -> dict[str, set[str]]:
    """ref -> the endpoints it serves; a worker that has a ref loaded prefers these."""
    out: dict[str, set[str]] = {}
    for endpoint in ENDPOINTS:
        out.setdefault(pipeline_ref(endpoint.id, settings), set()).add(endpoint.id)
    return out


def load_pipeline(ref: str, settings: Settings) -> Pipeline:
    if ref == "sandbox":
        from framecast.engine.sandbox.pipeline import SandboxPipeline

        return cast(Pipeline, SandboxPipeline())
    if ref.startswith("diffusers:"):
        from framecast.engine.diffusers import load_pipeline as load_diffusers

        return cast(Pipeline, load_diffusers(ref.split(":", 1)[1], settings))
    module_name, sep, attr = ref.partition(":")
    if not sep or not module_name or not attr:
        raise ConfigurationError(
            f"unknown pipeline {ref!r}: use 'sandbox', 'diffusers:<model>' or 'package.module:factory'"
        )
    try:
        factory = cast(Callable[[Settings], Pipeline], getattr(importlib.import_module(module_name), attr))
    except (ImportError, AttributeError) as exc:
        raise ConfigurationError(f"cannot import pipeline {ref!r}: {exc}") from exc
    return factory(settings)
