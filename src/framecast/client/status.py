"""A request's status as values: ``Queued``, ``InProgress``, ``Completed``, and the ``Status`` enum.

fal has only three statuses; a failure is ``Completed`` with ``error``/``error_type``. framecast
adds numeric progress (``progress: {step, total, stage, fraction}``), which fal's own clients
ignore and this one parses into :class:`Progress`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, TypedDict

from framecast.client.errors import ProtocolError

__all__ = ["Completed", "InProgress", "LogRecord", "Progress", "Queued", "RequestStatus", "Status", "parse_status"]


class Status(StrEnum):
    IN_QUEUE = "IN_QUEUE"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"


class LogRecord(TypedDict):
    """One log line as the server sends it; a dict so code written for fal-client keeps working."""

    message: str
    level: str
    source: str
    timestamp: str


@dataclass(frozen=True)
class Progress:
    step: int
    total: int
    stage: str
    fraction: float

    @classmethod
    def from_json(cls, data: Any) -> Progress | None:
        if not isinstance(data, dict):
            return None
        try:
            step, total = int(data.get("step") or 0), int(data.get("total") or 0)
        except (TypeError, ValueError):
            return None
        fraction = data.get("fraction")
        if not isinstance(fraction, int | float):
            fraction = step / total if total else 0.0
        return cls(step, total, str(data.get("stage") or ""), float(fraction))


@dataclass(frozen=True)
class Queued:
    """Waiting for a worker; ``position`` is how many requests are ahead (0 = next)."""

    position: int
    status: ClassVar[Status] = Status.IN_QUEUE


@dataclass(frozen=True)
class InProgress:
    """Running. ``logs`` is None unless asked for; ``progress`` once the pipeline reports a step."""

    logs: list[LogRecord] | None = None
    progress: Progress | None = None
    status: ClassVar[Status] = Status.IN_PROGRESS


@dataclass(frozen=True)
class Completed:
    """Finished, successfully or not: ``error``/``error_type`` are set for a failure or a cancel."""

    logs: list[LogRecord] | None = None
    metrics: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    error_type: str | None = None
    status: ClassVar[Status] = Status.COMPLETED

    @property
    def ok(self) -> bool:
        return self.error is None and self.error_type is None


RequestStatus = Queued | InProgress | Completed


def _logs(data: dict[str, Any]) -> list[LogRecord] | None:
    logs = data.get("logs")
    if logs is None:
        return None
    if not isinstance(logs, list):
        raise ProtocolError(f"status 'logs' must be a list or null, got {type(logs).__name__}")
    return [
        LogRecord(message=str(e.get("message", "")), level=str(e.get("level", "INFO")),
                  source=str(e.get("source", "USER")), timestamp=str(e.get("timestamp", "")))
        for e in logs if isinstance(e, dict)
    ]


def parse_status(data: Any) -> RequestStatus:
    """A status object from the wire; :class:`ProtocolError` for anything fal's protocol forbids."""
    if not isinstance(data, dict):
        raise ProtocolError(f"a status must be a JSON object, got {type(data).__name__}")
    raw = data.get("status")
    try:
        status = Status(str(raw))
    except ValueError:
        raise ProtocolError(f"unknown status {raw!r}") from None
    if status is Status.IN_QUEUE:
        position = data.get("queue_position")
        if not isinstance(position, int):
            raise ProtocolError("an IN_QUEUE status must carry an integer queue_position")
        return Queued(position)
    if status is Status.IN_PROGRESS:
        return InProgress(_logs(data), Progress.from_json(data.get("progress")))
    metrics = data.get("metrics")
    return Completed(
        _logs(data),
        metrics if isinstance(metrics, dict) else {},
        data.get("error"),
        data.get("error_type"),
    )
