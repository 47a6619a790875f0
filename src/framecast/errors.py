"""The whole exception tree, and how each failure is told to a fal client.

A request fails in one of two ways, as on fal:
- the model rejects its input: HTTP 422 with ``{"detail": [{loc, msg, type, ...}]}``;
- the infrastructure fails it: ``{"detail": "...", "error_type": "..."}`` with the code fal uses for
  that ``error_type`` and the ``X-Fal-Error-Type`` header.
Both shapes are produced by :meth:`FramecastError.body` so the API, the worker and the webhook
payload agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ERROR_STATUS",
    "Cancelled",
    "ConfigurationError",
    "ErrorDetail",
    "FramecastError",
    "InputError",
    "OutOfMemory",
    "PipelineFailed",
    "RunnerDisconnected",
    "StartTimeout",
    "status_for_error_type",
]

# fal's documented infrastructure error types and their HTTP codes ("Request Errors").
ERROR_STATUS: dict[str, int] = {
    "request_timeout": 504,
    "startup_timeout": 504,
    "runner_scheduling_failure": 503,
    "runner_connection_timeout": 503,
    "runner_disconnected": 503,
    "runner_connection_refused": 503,
    "runner_connection_error": 503,
    "runner_incomplete_response": 502,
    "runner_server_error": 500,
    "internal_error": 500,
    "client_disconnected": 499,
    "client_cancelled": 499,
    "bad_request": 400,
    # Ours, in fal's spirit: the GPU ran out of memory for this input; another try may fit.
    "out_of_memory": 503,
}


def status_for_error_type(error_type: str) -> int:
    return ERROR_STATUS.get(error_type, 500)


@dataclass(frozen=True)
class ErrorDetail:
    """One entry of a 422 ``detail`` list, in FastAPI/fal shape."""

    loc: tuple[str | int, ...]
    msg: str
    type: str
    ctx: dict[str, Any] | None = None
    input: Any = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"loc": list(self.loc), "msg": self.msg, "type": self.type}
        if self.ctx:
            out["ctx"] = self.ctx
        if self.input is not None:
            out["input"] = self.input
        return out


class FramecastError(Exception):
    """Base of every error framecast raises on purpose."""

    error_type: str = "internal_error"
    retryable: bool = False

    @property
    def status_code(self) -> int:
        return status_for_error_type(self.error_type)

    @property
    def message(self) -> str:
        return str(self) or self.error_type

    def body(self) -> dict[str, Any]:
        return {"detail": self.message, "error_type": self.error_type}


@dataclass
class InputError(FramecastError):
    """The input cannot be used: a bad URL, an undecodable image, a file too large.

    ``status`` is 422 for input the model rejects; 413 for a file larger than the configured limit.
    """

    errors: Sequence[ErrorDetail] = field(default_factory=tuple)
    status: int = 422

    def __post_init__(self) -> None:
        super().__init__(self.message)

    @classmethod
    def at(cls, loc: Sequence[str | int], msg: str, type: str, status: int = 422, **ctx: Any) -> InputError:
        return cls(errors=(ErrorDetail(tuple(loc), msg, type, ctx or None),), status=status)

    @property
    def error_type(self) -> str:  # type: ignore[override]
        return self.errors[0].type if self.errors else "bad_request"

    @property
    def status_code(self) -> int:
        return self.status

    @property
    def message(self) -> str:
        return "; ".join(f"{'.'.join(str(p) for p in e.loc[1:]) or 'body'}: {e.msg}" for e in self.errors)

    def body(self) -> dict[str, Any]:
        return {"detail": [e.as_dict() for e in self.errors]}


class Cancelled(FramecastError):
    """Raised inside a running pipeline when its request was cancelled; unwinds to the worker."""

    error_type = "client_cancelled"


class StartTimeout(FramecastError):
    """No worker started the request before the caller's ``X-Fal-Request-Timeout``."""

    error_type = "request_timeout"


class RunnerDisconnected(FramecastError):
    error_type = "runner_disconnected"
    retryable = True


class PipelineFailed(FramecastError):
    """The pipeline raised; the request fails and the worker carries on."""

    error_type = "runner_server_error"


class OutOfMemory(PipelineFailed):
    error_type = "out_of_memory"
    retryable = True


class ConfigurationError(FramecastError):
    """The deployment is misconfigured: missing weights, an unknown pipeline, a bad model file."""

    error_type = "internal_error"
