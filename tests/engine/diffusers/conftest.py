"""Tiny random pipelines of every family, saved once per session and loaded like real weights."""

from __future__ import annotations

import os

# Set before anything imports huggingface_hub: these tests must never reach a hub.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from framecast.catalog.endpoints import Task
from framecast.config import Settings
from framecast.engine.types import GenerationSpec, InputImage, InputVideo
from framecast.errors import Cancelled


class RecordingControl:
    """A RunControl that records every event and can cancel at a chosen denoising step."""

    def __init__(self, cancel_at_step: int | None = None) -> None:
        self.events: list[tuple[int, int, str]] = []
        self.logs: list[tuple[str, str]] = []
        self.cancel_at_step = cancel_at_step

    def step(self, step: int, total: int, stage: str) -> None:
        self.events.append((step, total, stage))
        if stage == "denoising" and step == self.cancel_at_step:
            raise Cancelled("cancelled by the test")

    def log(self, message: str, level: str = "INFO") -> None:
        self.logs.append((level, message))

    def check_cancelled(self) -> None:
        return None

    def stage(self, stage: str) -> list[tuple[int, int]]:
        return [(s, t) for s, t, st in self.events if st == stage]


@pytest.fixture(scope="session")
def tiny_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from framecast.engine.diffusers.tiny import write_tiny_models

    root = tmp_path_factory.mktemp("tiny-models")
    write_tiny_models(root)
    return root


@pytest.fixture(scope="session")
def tiny_models_file(tiny_root: Path) -> Path:
    return tiny_root / "models.toml"


@pytest.fixture
def settings(tiny_models_file: Path, tmp_path: Path) -> Settings:
    return Settings(home=tmp_path, models_file=tiny_models_file, allow_downloads=False)


@pytest.fixture(scope="session")
def pipelines(tiny_models_file: Path) -> Any:
    """Loaded tiny pipelines shared by the session (loading is the slow part)."""
    from framecast.engine.diffusers import load_pipeline

    settings = Settings(models_file=tiny_models_file)
    cache: dict[str, Any] = {}

    def get(name: str) -> Any:
        if name not in cache:
            cache[name] = load_pipeline(name, settings)
        return cache[name]

    yield get
    for pipe in cache.values():
        pipe.close()


@pytest.fixture
def control() -> RecordingControl:
    return RecordingControl()


@pytest.fixture
def make_control() -> Callable[..., RecordingControl]:
    return RecordingControl


def _image(seed: int, width: int = 56, height: int = 40) -> InputImage:
    rng = np.random.default_rng(seed)
    return InputImage(rng.integers(0, 256, (height, width, 3), dtype=np.uint8), "image_url")


@pytest.fixture
def make_spec() -> Callable[..., GenerationSpec]:
    """A spec for a task with the inputs that task needs; small exact sizes keep runs fast."""

    def make(task: Task, **overrides: Any) -> GenerationSpec:
        rng = np.random.default_rng(7)
        images: tuple[InputImage, ...] = ()
        if task in (Task.IMAGE_TO_VIDEO, Task.EFFECTS, Task.ADDITIONS, Task.SWAPS):
            images = (_image(1),)
        elif task is Task.SCENES:
            images = (_image(1), _image(2, 40, 40))
        video = None
        if task in (Task.ADDITIONS, Task.SWAPS):
            video = InputVideo(rng.integers(0, 256, (12, 40, 56, 3), dtype=np.uint8), 12.0, "video_url")
        values: dict[str, Any] = dict(
            endpoint_id="test", task=task, prompt="a red fox runs through snow", negative_prompt="blurry",
            seed=1234, width=40, height=24, fps=8, num_frames=8, images=images, video=video,
        )
        if task is Task.EFFECTS:
            from framecast.catalog.schema import Pikaffect

            values["pikaffect"] = Pikaffect.MELT
        if task is Task.SWAPS:
            values["modify_region"] = "the fox"
        values.update(overrides)
        return GenerationSpec(**values)

    return make
