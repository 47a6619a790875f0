"""The values that flow between the worker and a pipeline: decoded inputs, the spec, the frames out."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from framecast.catalog.endpoints import Task
from framecast.catalog.schema import IngredientsMode, Pikaffect

Frames = npt.NDArray[np.uint8]
"""RGB frames, shape (T, H, W, 3), or one frame (H, W, 3)."""


@dataclass(frozen=True)
class InputImage:
    """A decoded input image. ``field`` names where it came from, for error messages."""

    pixels: Frames  # (H, W, 3) uint8 RGB
    field: str
    alpha: npt.NDArray[np.uint8] | None = None  # (H, W) when the image carried transparency

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])


@dataclass(frozen=True)
class InputVideo:
    frames: Frames  # (T, H, W, 3) uint8 RGB
    fps: float
    field: str

    @property
    def num_frames(self) -> int:
        return int(self.frames.shape[0])

    @property
    def width(self) -> int:
        return int(self.frames.shape[2])

    @property
    def height(self) -> int:
        return int(self.frames.shape[1])

    @property
    def duration(self) -> float:
        return self.num_frames / self.fps


@dataclass(frozen=True)
class GenerationSpec:
    """Everything a pipeline needs, already resolved: exact output size, frame count and seed.

    Pipelines must return exactly ``num_frames`` frames of ``width`` x ``height``; the worker encodes
    them at ``fps`` so the file lasts ``num_frames / fps`` seconds.
    """

    endpoint_id: str
    task: Task
    prompt: str
    negative_prompt: str
    seed: int
    width: int
    height: int
    fps: int
    num_frames: int
    images: tuple[InputImage, ...] = ()
    video: InputVideo | None = None
    pikaffect: Pikaffect | None = None
    ingredients_mode: IngredientsMode | None = None
    modify_region: str | None = None

    @property
    def duration(self) -> float:
        return self.num_frames / self.fps


@dataclass
class Clip:
    """A pipeline's output: frames produced lazily so rendering overlaps encoding.

    ``frames`` yields arrays of shape (n, H, W, 3) or (H, W, 3), uint8 RGB, in order, totalling
    ``num_frames``.
    """

    width: int
    height: int
    fps: int
    num_frames: int
    frames: Iterable[Frames]
    metadata: dict[str, object] = field(default_factory=dict)

    def iter_frames(self) -> Iterator[Frames]:
        """One (H, W, 3) frame at a time, whatever batches the pipeline yields."""
        for chunk in self.frames:
            if chunk.ndim == 3:
                yield chunk
            else:
                yield from chunk
