"""The blocking client: :class:`SyncClient` and the :class:`SyncRequestHandle` that ``submit`` returns."""

from __future__ import annotations

import contextlib
import io
import mimetypes
import os
import time
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

import httpx
from httpx_sse import EventSource, ServerSentEvent, SSEError

from framecast.client._protocol import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_POLL_INTERVAL,
    DEFAULT_TIMEOUT,
    JSON,
    STREAM_READ_TIMEOUT,
    USER_AGENT,
    Answer,
    DeadlineExceeded,
    Priority,
    Receipt,
    RetryPolicy,
    call_headers,
    call_timeout,
    cancel_outcome,
    check,
    error_from,
    json_object,
    lifecycle_json,
    logs_param,
    parse_receipt,
    parse_sse_status,
    remaining,
    resolve_key,
    resolve_url,
    retryable_exception,
    retryable_response,
    run_url,
    stream_event,
    submit_url,
    upload_request,
    with_auth,
)
from framecast.client.errors import ClientTimeoutError, FramecastClientError, ProtocolError, TransportError
from framecast.client.status import Completed, RequestStatus, parse_status
from framecast.client.urls import queue_request_url

if TYPE_CHECKING:
    from PIL import Image

__all__ = ["SyncClient", "SyncRequestHandle"]

_UNSET: Any = object()
StatusEvents = Generator[RequestStatus, None, None]


@dataclass(frozen=True)
class SyncRequestHandle:
    """A submitted request: ask its status, follow it, wait for its result, or cancel it.

    The URLs are the ones the server returned on submit (as fal-client uses them).
    """

    request_id: str
    response_url: str = field(repr=False)
    status_url: str = field(repr=False)
    cancel_url: str = field(repr=False)
    client: SyncClient = field(repr=False, compare=False)

    def status(self, *, with_logs: bool = False) -> RequestStatus:
        return self.client._status(self.status_url, with_logs)

    def iter_events(self, *, with_logs: bool = False, interval: float | None = None) -> StatusEvents:
        """Poll every ``interval`` seconds, yielding each status, until (and including) Completed."""
        return self.client._poll(self.status_url, with_logs, interval, None)

    def stream_status(self, *, with_logs: bool = False) -> StatusEvents:
        """Each status change as the server pushes it (SSE), until (and including) Completed."""
        return self.client._stream_status(self.status_url, with_logs)

    def get(self, *, interval: float | None = None) -> JSON:
        """Wait for the request to complete and return its output; RequestFailed if it failed."""
        for _ in self.iter_events(interval=interval):
            pass
        return self.result()

    def result(self) -> JSON:
        """The output now, without waiting: HTTPError 400 while the request is still running."""
        return self.client._result(self.response_url, None)

    def cancel(self) -> bool:
        """Cancel the request: True if the server took the cancel, False if it had already completed."""
        return self.client._cancel(self.cancel_url)


class SyncClient:
    """A framecast (or fal-protocol) service. ``url`` and ``key`` default to ``FRAMECAST_URL``
    (else http://127.0.0.1:8000) and ``FRAMECAST_KEY``; ``timeout`` bounds each HTTP call."""

    def __init__(
        self,
        url: str | None = None,
        key: str | None = None,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = resolve_url(url)
        self.key = resolve_key(key)
        self.timeout = timeout
        self.poll_interval = poll_interval
        self.retry = RetryPolicy(max_retries)
        self._http = httpx.Client(transport=transport, timeout=timeout, follow_redirects=True,
                                  headers={"User-Agent": USER_AGENT})

    def __repr__(self) -> str:
        return f"SyncClient(url={self.url!r})"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # -- the verbs ------------------------------------------------------------------------------

    def run(
        self,
        endpoint: str,
        arguments: Mapping[str, Any],
        *,
        priority: Priority | None = None,
        start_timeout: float | None = None,
        hint: str | None = None,
        headers: Mapping[str, str] | None = None,
        output_expires_in: float | None = None,
        timeout: float | None = None,
    ) -> JSON:
        """Run and wait on one connection (``POST /run/{endpoint}``). ``timeout`` is the HTTP timeout,
        unbounded by default because a generation can take minutes."""
        hdrs = call_headers(priority=priority, start_timeout=start_timeout, hint=hint,
                            output_expires_in=output_expires_in, headers=headers)
        response = self._send("POST", run_url(self.url, endpoint), idempotent=False, json=dict(arguments),
                              headers=hdrs, timeout=timeout)
        return self._answer(response, "run")

    def submit(
        self,
        endpoint: str,
        arguments: Mapping[str, Any],
        *,
        priority: Priority | None = None,
        start_timeout: float | None = None,
        hint: str | None = None,
        headers: Mapping[str, str] | None = None,
        webhook_url: str | None = None,
        output_expires_in: float | None = None,
    ) -> SyncRequestHandle:
        """Queue a request and return its handle at once."""
        return self._submit(endpoint, arguments, priority=priority, start_timeout=start_timeout, hint=hint,
                            headers=headers, webhook_url=webhook_url, output_expires_in=output_expires_in,
                            deadline=None)

    def subscribe(
        self,
        endpoint: str,
        arguments: Mapping[str, Any],
        *,
        with_logs: bool = False,
        on_queue_update: Callable[[RequestStatus], None] | None = None,
        on_enqueue: Callable[[str], None] | None = None,
        priority: Priority | None = None,
        start_timeout: float | None = None,
        hint: str | None = None,
        headers: Mapping[str, str] | None = None,
        webhook_url: str | None = None,
        client_timeout: float | None = None,
        output_expires_in: float | None = None,
        interval: float | None = None,
    ) -> JSON:
        """Submit, follow the request (``on_queue_update`` sees every polled status), return its output.

        ``client_timeout`` bounds the whole wait: on expiry the request is cancelled (best effort)
        and ClientTimeoutError raised. It also becomes the start timeout unless one is given.
        """
        if client_timeout is not None and start_timeout is None and client_timeout > 1:
            start_timeout = client_timeout
        deadline = None if client_timeout is None else time.monotonic() + client_timeout
        handle: SyncRequestHandle | None = None
        try:
            handle = self._submit(endpoint, arguments, priority=priority, start_timeout=start_timeout, hint=hint,
                                  headers=headers, webhook_url=webhook_url, output_expires_in=output_expires_in,
                                  deadline=deadline)
            if on_enqueue is not None:
                on_enqueue(handle.request_id)
            for update in self._poll(handle.status_url, with_logs, interval, deadline):
                if on_queue_update is not None:
                    on_queue_update(update)
            return self._result(handle.response_url, deadline)
        except DeadlineExceeded:
            assert client_timeout is not None
            if handle is not None:
                self._cancel_quietly(handle.cancel_url)
            raise ClientTimeoutError(client_timeout, handle.request_id if handle else None) from None

    def get_handle(self, endpoint: str, request_id: str) -> SyncRequestHandle:
        """A handle for a request submitted earlier, addressed by endpoint id and request id."""
        url = queue_request_url(self.url, endpoint, request_id)
        return SyncRequestHandle(request_id, url, f"{url}/status", f"{url}/cancel", self)

    def status(self, endpoint: str, request_id: str, *, with_logs: bool = False) -> RequestStatus:
        return self.get_handle(endpoint, request_id).status(with_logs=with_logs)

    def result(self, endpoint: str, request_id: str) -> JSON:
        """Wait for the request and return its output (as fal-client's ``result`` does)."""
        return self.get_handle(endpoint, request_id).get()

    def cancel(self, endpoint: str, request_id: str) -> bool:
        return self.get_handle(endpoint, request_id).cancel()

    def stream_status(self, endpoint: str, request_id: str, *, with_logs: bool = False) -> StatusEvents:
        return self.get_handle(endpoint, request_id).stream_status(with_logs=with_logs)

    def stream(
        self,
        endpoint: str,
        arguments: Mapping[str, Any],
        *,
        priority: Priority | None = None,
        start_timeout: float | None = None,
        hint: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Generator[JSON, None, None]:
        """``POST /run/{endpoint}/stream``: progress events, then the output as the last event; a failure
        raises RequestFailed. Closing the iterator early hangs up, which cancels the request."""
        url = run_url(self.url, endpoint, stream=True)
        hdrs = {**call_headers(priority=priority, start_timeout=start_timeout, hint=hint, headers=headers),
                **self._sse_headers(url)}
        timeout = httpx.Timeout(self.timeout, read=STREAM_READ_TIMEOUT)
        try:
            with self._http.stream("POST", url, json=dict(arguments),
                                   headers=hdrs, timeout=timeout) as response:
                if response.is_error:
                    response.read()
                    raise error_from(response, "run")
                for sse in _events(response):
                    yield stream_event(sse.event, sse.data)
        except httpx.TransportError as exc:
            raise TransportError(f"stream of {endpoint}: {exc}") from exc

    # -- storage --------------------------------------------------------------------------------

    def upload(self, data: bytes | str, content_type: str, file_name: str | None = None, *,
               expires_in: float | None = None) -> str:
        """Store bytes on the service and return their URL, usable as any ``*_url`` input."""
        body = data.encode() if isinstance(data, str) else data
        lifecycle = {} if expires_in is None else {"X-Fal-Object-Lifecycle": lifecycle_json(expires_in)}
        initiated = json_object(self._checked(
            "POST", f"{self.url}/rest/storage/upload/initiate", idempotent=False,
            json=upload_request(file_name, content_type), headers=lifecycle))
        try:
            upload_url, file_url = str(initiated["upload_url"]), str(initiated["file_url"])
        except KeyError as exc:
            raise ProtocolError(f"the upload answer lacks {exc.args[0]!r}") from None
        self._checked("PUT", upload_url, idempotent=False, auth="origin", content=body,
                      headers={"Content-Type": content_type})
        return file_url

    def upload_file(self, path: str | os.PathLike[str], *, expires_in: float | None = None) -> str:
        path = Path(path)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return self.upload(path.read_bytes(), content_type, path.name, expires_in=expires_in)

    def upload_image(self, image: Image.Image, format: str = "jpeg", *, expires_in: float | None = None) -> str:
        buffer = io.BytesIO()
        image.save(buffer, format=format)
        name = f"image.{format.lower()}"
        return self.upload(buffer.getvalue(), f"image/{format.lower()}", name, expires_in=expires_in)

    def download(self, url: str, dest: str | os.PathLike[str]) -> Path:
        """Save a file URL (a result's ``video.url``) to ``dest``, atomically."""
        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        partial = dest.with_name(dest.name + ".part")
        headers = with_auth({}, self.key, url, self.url, always=False)
        try:
            with self._http.stream("GET", url, headers=headers) as response:
                if response.is_error:
                    response.read()
                    raise error_from(response)
                with partial.open("wb") as out:
                    for chunk in response.iter_bytes():
                        out.write(chunk)
            partial.replace(dest)
        except httpx.TransportError as exc:
            raise TransportError(f"GET {url}: {exc}") from exc
        finally:
            partial.unlink(missing_ok=True)
        return dest

    # -- what handles use -----------------------------------------------------------------------

    def _submit(self, endpoint: str, arguments: Mapping[str, Any], *, priority: Priority | None,
                start_timeout: float | None, hint: str | None, headers: Mapping[str, str] | None,
                webhook_url: str | None, output_expires_in: float | None,
                deadline: float | None) -> SyncRequestHandle:
        hdrs = call_headers(priority=priority, start_timeout=start_timeout, hint=hint,
                            output_expires_in=output_expires_in, headers=headers)
        response = self._send("POST", submit_url(self.url, endpoint, webhook_url), idempotent=False,
                              json=dict(arguments), headers=hdrs, deadline=deadline)
        return self._handle(parse_receipt(self._answer(response, "call")))

    def _handle(self, receipt: Receipt) -> SyncRequestHandle:
        return SyncRequestHandle(receipt.request_id, receipt.response_url, receipt.status_url,
                                 receipt.cancel_url, self)

    def _status(self, status_url: str, with_logs: bool, deadline: float | None = None) -> RequestStatus:
        response = self._send("GET", status_url, idempotent=True, params=logs_param(with_logs), deadline=deadline)
        return parse_status(self._answer(response, "call"))

    def _poll(self, status_url: str, with_logs: bool, interval: float | None,
              deadline: float | None) -> StatusEvents:
        pause = self.poll_interval if interval is None else interval
        while True:
            status = self._status(status_url, with_logs, deadline)
            yield status
            if isinstance(status, Completed):
                return
            left = remaining(deadline)
            time.sleep(pause if left is None else min(pause, left))

    def _result(self, response_url: str, deadline: float | None) -> JSON:
        response = self._send("GET", response_url, idempotent=True, deadline=deadline)
        return self._answer(response, "result")

    def _cancel(self, cancel_url: str) -> bool:
        # Not idempotent on the wire: a repeated cancel of a queued request answers ALREADY_COMPLETED.
        return cancel_outcome(self._send("PUT", cancel_url, idempotent=False))

    def _cancel_quietly(self, cancel_url: str) -> None:
        # Best effort: the caller is already being told about a timeout.
        with contextlib.suppress(FramecastClientError):
            self._cancel(cancel_url)

    def _stream_status(self, status_url: str, with_logs: bool) -> StatusEvents:
        url = f"{status_url}/stream"
        timeout = httpx.Timeout(self.timeout, read=STREAM_READ_TIMEOUT)
        failures = 0
        while True:
            try:
                with self._http.stream("GET", url, params=logs_param(with_logs), timeout=timeout,
                                       headers=self._sse_headers(url)) as response:
                    if response.is_error:
                        response.read()
                        if not (failures < self.retry.max_retries
                                and retryable_response(response, idempotent=True)):
                            raise error_from(response)
                    else:
                        for sse in _events(response):
                            if not sse.data:
                                continue
                            status = parse_sse_status(sse.data)
                            failures = 0
                            yield status
                            if isinstance(status, Completed):
                                return
            except httpx.TransportError as exc:
                if failures >= self.retry.max_retries:
                    raise TransportError(f"status stream {url}: {exc}") from exc
            # Dropped before COMPLETED (a restart, a proxy timeout): reconnect; the server resends
            # the current status first, so nothing is missed but duplicates.
            failures += 1
            if failures > self.retry.max_retries:
                raise ProtocolError(f"the status stream {url} kept closing before COMPLETED")
            time.sleep(self.retry.delay(failures))

    # -- sending --------------------------------------------------------------------------------

    def _sse_headers(self, url: str) -> dict[str, str]:
        return with_auth({"Accept": "text/event-stream", "Cache-Control": "no-store"}, self.key, url, self.url,
                         always=True)

    def _answer(self, response: httpx.Response, answer: Answer) -> JSON:
        if response.is_error:
            raise error_from(response, answer)
        return json_object(response)

    def _checked(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return check(self._send(method, url, **kwargs))

    def _send(
        self,
        method: str,
        url: str,
        *,
        idempotent: bool,
        auth: Literal["always", "origin"] = "always",
        headers: Mapping[str, str] | None = None,
        deadline: float | None = None,
        timeout: float | None = _UNSET,
        **kwargs: Any,
    ) -> httpx.Response:
        """One call with the retry policy: transport failures and transient statuses are retried
        with backoff when it is safe (idempotent, or the request never reached the server)."""
        hdrs = with_auth(dict(headers or {}), self.key, url, self.url, always=auth == "always")
        base_timeout = self.timeout if timeout is _UNSET else timeout
        retries = 0
        while True:
            try:
                response = self._http.request(method, url, headers=hdrs,
                                              timeout=call_timeout(base_timeout, deadline), **kwargs)
            except httpx.TransportError as exc:
                if deadline is not None and isinstance(exc, httpx.TimeoutException) and time.monotonic() >= deadline:
                    raise DeadlineExceeded() from exc
                if retries >= self.retry.max_retries or not retryable_exception(exc, idempotent=idempotent):
                    raise TransportError(f"{method} {url}: {exc!r}") from exc
                retries += 1
                self._pause(self.retry.delay(retries), deadline)
                continue
            if retries < self.retry.max_retries and retryable_response(response, idempotent=idempotent):
                retries += 1
                self._pause(self.retry.delay(retries, response), deadline)
                continue
            return response

    @staticmethod
    def _pause(seconds: float, deadline: float | None) -> None:
        left = remaining(deadline)
        time.sleep(seconds if left is None else min(seconds, left))


def _events(response: httpx.Response) -> Generator[ServerSentEvent, None, None]:
    try:
        yield from EventSource(response).iter_sse()
    except SSEError as exc:
        raise ProtocolError(str(exc)) from None
