"""Shared, expensive things for the sandbox tests: loaded once per test session."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from framecast.engine.sandbox.pipeline import SandboxPipeline
from framecast.engine.sandbox.render import SceneRenderer
from framecast.engine.sandbox.scene import Scene


@lru_cache(maxsize=1)
def shipped_pipeline() -> SandboxPipeline:
    return SandboxPipeline()


def render(scene: Scene, width: int = 480, height: int = 270, fps: int = 8, frames: int = 24,
           seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """All frames and their backgrounds, (T, H, W, 3) uint8 each."""
    r = SceneRenderer(scene, width, height, fps, frames, seed)
    return np.stack(list(r.frames())), np.stack([r.background_frame(i) for i in range(frames)])
