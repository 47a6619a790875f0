"""What the sync and async clients share, with no I/O: configuration, headers, URLs, the retry
policy, and how an answer becomes a value or a typed error. Each client is then a thin loop of
"send, maybe retry, check"."""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlencode, urlsplit

import httpx

from framecast import __version__
from framecast.client.errors import (
    AuthenticationError,
    HTTPError,
    NotFoundError,
    ProtocolError,
    RequestFailed,
    RequestTimeoutError,
    ValidationError,
)
from framecast.client.status import RequestStatus, parse_status
from framecast.client.urls import AppId, same_origin

DEFAULT_URL = "http://127.0.0.1:8000"
URL_ENV = "FRAMECAST_URL"
KEY_ENV = "FRAMECAST_KEY"
DEFAULT_TIMEOUT = 120.0
DEFAULT_POLL_INTERVAL = 0.1
DEFAULT_MAX_RETRIES = 4
CONNECT_TIMEOUT = 30.0
# The server sends an SSE keep-alive comment every 15 s; four missed ones means the link is dead.
STREAM_READ_TIMEOUT = 60.0
USER_AGENT = f"framecast-client/{__version__}"

Priority = Literal["normal", "low"]
JSON = dict[str, Any]


class DeadlineExceeded(Exception):
    """Internal: a ``client_timeout`` ran out; the verb turns it into ClientTimeoutError."""


# -- configuration --------------------------------------------------------------------------------

def resolve_url(url: str | None) -> str:
    value = (url or os.environ.get(URL_ENV) or DEFAULT_URL).strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"framecast URL must be http(s)://host[:port][/prefix], got {value!r}")
    return value


def resolve_key(key: str | None) -> str | None:
    value = (key if key is not None else os.environ.get(KEY_ENV, "")).strip()
    return value or None


def auth_headers(key: str | None) -> dict[str, str]:
    return {"Authorization": f"Key {key}"} if key else {}


def with_auth(headers: dict[str, str], key: str | None, url: str, base: str, *, always: bool) -> dict[str, str]:
    """Add the key for the service's own calls; for server-supplied upload and file URLs, only on
    the service's origin, so a key never leaks to object storage (S3 also rejects presigned PUTs
    that carry a second Authorization)."""
    if always or same_origin(url, base):
        return {**auth_headers(key), **headers}
    return headers


def call_headers(
    *,
    priority: Priority | None = None,
    start_timeout: float | None = None,
    hint: str | None = None,
    output_expires_in: float | None = None,
    headers: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """fal's platform headers for run/submit/subscribe, then the caller's own (which win)."""
    out: dict[str, str] = {}
    if priority is not None:
        if priority not in ("normal", "low"):
            raise ValueError(f"priority must be 'normal' or 'low', got {priority!r}")
        out["X-Fal-Queue-Priority"] = priority
    if start_timeout is not None:
        if not start_timeout > 1:
            raise ValueError("start_timeout must be more than 1 second")
        out["X-Fal-Request-Timeout"] = str(float(start_timeout))
    if hint is not None:
        out["X-Fal-Runner-Hint"] = hint
    if output_expires_in is not None:
        out["X-Fal-Object-Lifecycle-Preference"] = lifecycle_json(output_expires_in)
    out.update(headers or {})
    return out


def lifecycle_json(expires_in: float) -> str:
    if not expires_in > 0:
        raise ValueError("an expiry must be a positive number of seconds")
    return json.dumps({"expiration_duration_seconds": int(expires_in) if float(expires_in).is_integer()
                       else expires_in})


# -- URLs -------------------------------------------------------------------------------------------

def submit_url(base: str, endpoint: str, webhook_url: str | None) -> str:
    AppId.parse(endpoint)  # fail early on an id the server could never route
    url = f"{base}/queue/{endpoint.strip('/')}"
    return f"{url}?{urlencode({'fal_webhook': webhook_url})}" if webhook_url else url


def run_url(base: str, endpoint: str, *, stream: bool = False) -> str:
    AppId.parse(endpoint)
    return f"{base}/run/{endpoint.strip('/')}" + ("/stream" if stream else "")


def logs_param(with_logs: bool) -> dict[str, str]:
    return {"logs": "1" if with_logs else "0"}


# -- retries ----------------------------------------------------------------------------------------

TRANSIENT_STATUS = frozenset({429, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """Small exponential backoff with jitter: 0.1, 0.2, 0.4, 0.8 s … capped at ``max_delay``."""

    max_retries: int = DEFAULT_MAX_RETRIES
    base_delay: float = 0.1
    max_delay: float = 2.0

    def delay(self, retry: int, response: httpx.Response | None = None) -> float:
        wait = min(self.base_delay * 2.0 ** (retry - 1), self.max_delay) * random.uniform(0.75, 1.25)
        if response is not None:
            after = response.headers.get("retry-after", "")
            if after.replace(".", "", 1).isdigit():
                wait = max(wait, min(float(after), self.max_delay * 4))
        return wait


def is_user_timeout(response: httpx.Response) -> bool:
    return response.status_code == 504 and response.headers.get("x-fal-request-timeout-type", "") == "user"


def retryable_response(response: httpx.Response, *, idempotent: bool) -> bool:
    if response.status_code not in TRANSIENT_STATUS or is_user_timeout(response):
        return False
    if response.status_code == 429:
        return True  # rejected before any work was done: safe to send again, whatever the method
    # A failed request's own answer names its error_type and is final; asking again changes nothing.
    return idempotent and error_type_of(response, body_of(response)) is None


def retryable_exception(exc: Exception, *, idempotent: bool) -> bool:
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return True  # the request never reached the server
    return idempotent and isinstance(exc, httpx.TransportError)


def remaining(deadline: float | None) -> float | None:
    if deadline is None:
        return None
    left = deadline - time.monotonic()
    if left <= 0:
        raise DeadlineExceeded()
    return left


def call_timeout(timeout: float | None, deadline: float | None) -> httpx.Timeout:
    """The HTTP timeout for one call: the client's, cut to what is left of a client_timeout; a
    connection always gets at most CONNECT_TIMEOUT, even when the call itself may wait forever."""
    left = remaining(deadline)
    if left is not None:
        timeout = left if timeout is None else min(timeout, left)
    return httpx.Timeout(timeout, connect=CONNECT_TIMEOUT if timeout is None else min(timeout, CONNECT_TIMEOUT))


# -- answers ----------------------------------------------------------------------------------------

def body_of(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def error_type_of(response: httpx.Response, body: Any) -> str | None:
    if isinstance(body, dict) and isinstance(body.get("error_type"), str):
        return str(body["error_type"])
    header = response.headers.get("x-fal-error-type")
    return str(header) if header else None


def describe_detail(detail: Any, fallback: str) -> str:
    """A readable line from fal's ``detail``: a string, or a list of ``{loc, msg}`` field errors."""
    if isinstance(detail, str) and detail:
        return detail
    if isinstance(detail, list) and detail:
        lines = []
        for e in detail:
            if not isinstance(e, dict):
                lines.append(str(e))
                continue
            loc = [str(p) for p in e.get("loc") or []]
            field = ".".join(loc[1:] if loc[:1] == ["body"] else loc) or "body"
            lines.append(f"{field}: {e.get('msg', 'invalid')}")
        return "; ".join(lines)
    return fallback


Answer = Literal["call", "run", "result"]


def error_from(response: httpx.Response, answer: Answer = "call") -> HTTPError:
    """The typed error for a 4xx/5xx answer.

    ``answer`` says what was asked. For a result fetch ("result"), a body naming an ``error_type``
    (or a 422 field list) is the request's own failure: RequestFailed. For a sync run ("run"), the
    same holds for the failures a worker reports (499 and 5xx with an ``error_type``), while 422 and
    a user start timeout keep their own classes. Anything else maps by status code.
    """
    body = body_of(response)
    detail = body.get("detail") if isinstance(body, dict) else None
    error_type = error_type_of(response, body)
    status_word = body.get("status") if isinstance(body, dict) else None
    fallback = str(status_word) if status_word else (response.text.strip() or response.reason_phrase)
    kwargs: dict[str, Any] = {
        "detail": detail,
        "error_type": error_type,
        "request_id": response.headers.get("x-fal-request-id"),
        "response": response,
    }
    message = describe_detail(detail, fallback)
    code = response.status_code
    if answer == "result" and code not in (401, 404) and (error_type is not None or isinstance(detail, list)):
        return RequestFailed(code, message, **kwargs)
    cls: type[HTTPError] = HTTPError
    if code == 401:
        cls = AuthenticationError
    elif code == 404:
        cls = NotFoundError
    elif code == 422:
        cls = ValidationError
    elif is_user_timeout(response):
        cls = RequestTimeoutError
    elif answer == "run" and error_type is not None and code >= 499:
        cls = RequestFailed
    return cls(code, message, **kwargs)


def check(response: httpx.Response, answer: Answer = "call") -> httpx.Response:
    if response.is_error:
        raise error_from(response, answer)
    return response


def json_of(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        raise ProtocolError(f"expected JSON from {response.request.url}, got "
                            f"{response.headers.get('content-type', 'no content type')}") from None


def json_object(response: httpx.Response) -> JSON:
    data = json_of(response)
    if not isinstance(data, dict):
        raise ProtocolError(f"expected a JSON object from {response.request.url}")
    return data


@dataclass(frozen=True)
class Receipt:
    """What a submit answers: where to ask about the request from now on."""

    request_id: str
    response_url: str
    status_url: str
    cancel_url: str


def parse_receipt(data: JSON) -> Receipt:
    try:
        return Receipt(str(data["request_id"]), str(data["response_url"]), str(data["status_url"]),
                       str(data["cancel_url"]))
    except KeyError as exc:
        raise ProtocolError(f"the submit answer lacks {exc.args[0]!r}") from None


def cancel_outcome(response: httpx.Response) -> bool:
    """True if the cancel took (202/200); False if the request had already completed."""
    if response.status_code == 400 and isinstance(body := body_of(response), dict) \
            and body.get("status") == "ALREADY_COMPLETED":
        return False
    check(response)
    return True


def parse_sse_status(data: str) -> RequestStatus:
    try:
        return parse_status(json.loads(data))
    except ValueError:
        raise ProtocolError(f"a status event is not JSON: {data[:80]!r}") from None


def stream_event(event: str, data: str) -> JSON:
    """One event of ``/run/{endpoint}/stream``; the ``error`` event is the request's failure."""
    try:
        payload = json.loads(data)
    except ValueError:
        raise ProtocolError(f"a stream event is not JSON: {data[:80]!r}") from None
    if not isinstance(payload, dict):
        raise ProtocolError("a stream event must be a JSON object")
    if event == "error":
        detail = payload.get("detail")
        raise RequestFailed(int(payload.get("status_code") or 500), describe_detail(detail, "request failed"),
                            detail=detail, error_type=payload.get("error_type"))
    return payload


def upload_request(file_name: str | None, content_type: str) -> JSON:
    return {"file_name": file_name or "upload.bin", "content_type": content_type}
