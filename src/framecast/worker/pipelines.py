"""The one pipeline a worker keeps loaded, swapped when a request needs another model."""

from __future__ import annotations

import gc

from framecast.config import Settings
from framecast.engine.base import Pipeline
from framecast.engine.registry import endpoints_by_ref, load_pipeline


class PipelineCache:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.ref: str | None = None
        self.pipeline: Pipeline | None = None
        self._by_ref = endpoints_by_ref(settings)

    def get(self, ref: str) -> Pipeline:
        if self.pipeline is not None and self.ref == ref:
            return self.pipeline
        self.unload()
        self.pipeline = load_pipeline(ref, self.settings)
        self.ref = ref
        return self.pipeline

    def preferred_endpoints(self) -> set[str] | None:
        """The endpoints the loaded model serves: claiming them avoids a model swap."""
        return None if self.ref is None else self._by_ref.get(self.ref)

    def unload(self) -> None:
        if self.pipeline is not None:
            try:
                self.pipeline.close()
            finally:
                self.pipeline = None
                self.ref = None
                gc.collect()
                _empty_cuda_cache()


def _empty_cuda_cache() -> None:
    import sys

    torch = sys.modules.get("torch")  # only if a pipeline imported it
    if torch is not None and torch.cuda.is_available():
        torch.cuda.empty_cache()
