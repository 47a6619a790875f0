"""The Pipeline protocol: the one seam between the worker and any model.

A pipeline turns a :class:`GenerationSpec` into a :class:`Clip`. It reports progress and checks for
cancellation through :class:`RunControl` (the diffusers per-step callback calls ``control.step``),
which raises :class:`framecast.errors.Cancelled` when the request was cancelled.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from framecast.engine.types import Clip, GenerationSpec


class RunControl(Protocol):
    def step(self, step: int, total: int, stage: str) -> None:
        """Report progress; raises ``Cancelled`` if the request was cancelled meanwhile."""

    def log(self, message: str, level: str = "INFO") -> None:
        """Append a line to the request's logs."""

    def check_cancelled(self) -> None:
        """Raise ``Cancelled`` if the request was cancelled."""


@runtime_checkable
class Pipeline(Protocol):
    """A loaded model that can serve one or more tasks."""

    name: str

    def generate(self, spec: GenerationSpec, control: RunControl) -> Clip:
        """Run the model. May return a lazy Clip; the worker drains it while encoding."""

    def close(self) -> None:
        """Free the model's memory; the pipeline is not used again."""


class NullControl:
    """A RunControl that records nothing and never cancels: for CLI one-offs and tests."""

    def step(self, step: int, total: int, stage: str) -> None:
        return None

    def log(self, message: str, level: str = "INFO") -> None:
        return None

    def check_cancelled(self) -> None:
        return None
