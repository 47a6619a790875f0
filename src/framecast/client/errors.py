"""Every error the client raises, in one tree under :class:`FramecastClientError`.

An HTTP error answer becomes :class:`HTTPError` or the subclass its status names (401, 404, 422,
a user start timeout). A request that *ran* and completed with an error becomes
:class:`RequestFailed` when its result is fetched, whatever the status code, because the caller
asked "what came of my request?" rather than made a bad call.
"""

from __future__ import annotations

from typing import Any

import httpx

__all__ = [
    "AuthenticationError",
    "ClientTimeoutError",
    "FramecastClientError",
    "HTTPError",
    "NotFoundError",
    "ProtocolError",
    "RequestFailed",
    "RequestTimeoutError",
    "TransportError",
    "ValidationError",
]


class FramecastClientError(Exception):
    """Base of every error raised by :mod:`framecast.client`."""


class TransportError(FramecastClientError):
    """The server could not be reached or the connection broke, after the retries allowed.

    The underlying ``httpx`` exception is the ``__cause__``.
    """


class ProtocolError(FramecastClientError):
    """The server answered something the protocol does not allow (a missing key, an unknown status)."""


class HTTPError(FramecastClientError):
    """The server answered with a 4xx or 5xx status.

    ``detail`` is the body's ``detail`` as sent (a string, or fal's list of field errors);
    ``message`` is a readable line made from it; ``error_type`` comes from the body or the
    ``X-Fal-Error-Type`` header; ``request_id`` from ``x-fal-request-id``.
    """

    def __init__(
        self,
        status_code: int,
        message: str,
        *,
        detail: Any = None,
        error_type: str | None = None,
        request_id: str | None = None,
        response: httpx.Response | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message
        self.detail = detail
        self.error_type = error_type
        self.request_id = request_id
        self.response = response

    @property
    def field_errors(self) -> list[dict[str, Any]]:
        """fal's per-field errors (``[{loc, msg, type, ...}]``) when the body carries them."""
        if isinstance(self.detail, list):
            return [e for e in self.detail if isinstance(e, dict)]
        return []

    def __str__(self) -> str:
        kind = f" ({self.error_type})" if self.error_type else ""
        return f"HTTP {self.status_code}{kind}: {self.message}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status_code={self.status_code}, message={self.message!r}, " \
               f"error_type={self.error_type!r}, request_id={self.request_id!r})"


class ValidationError(HTTPError):
    """422: the input was rejected. ``field_errors`` lists each field and why."""


class AuthenticationError(HTTPError):
    """401: no key, a malformed key, or a revoked one."""


class NotFoundError(HTTPError):
    """404: no such endpoint, request or file (or it belongs to another key)."""


class RequestTimeoutError(HTTPError):
    """504 with ``X-Fal-Request-Timeout-Type: user``: no worker started the request before the
    caller's ``start_timeout``. Never retried: the caller chose the deadline."""


class RequestFailed(HTTPError):
    """A request completed with an error (cancelled, timed out before it started, the model failed,
    its input was rejected by the worker). Raised by ``get``/``result``/``subscribe``.

    ``error_type`` says why (``client_cancelled``, ``request_timeout``, ``runner_server_error`` …);
    a worker-side input rejection keeps its 422 ``field_errors``.
    """

    @property
    def error(self) -> str:
        return self.message


class ClientTimeoutError(FramecastClientError, TimeoutError):
    """``subscribe(client_timeout=…)`` ran out of time; a best-effort cancel was sent."""

    def __init__(self, timeout: float, request_id: str | None = None) -> None:
        self.timeout = timeout
        self.request_id = request_id
        where = f"Request {request_id}" if request_id else "Request"
        super().__init__(f"{where} did not complete within {timeout:g} s")
