"""Typed errors from a real server with no workers: nothing submitted ever starts there."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from framecast.client import (
    AuthenticationError,
    ClientTimeoutError,
    Completed,
    HTTPError,
    NotFoundError,
    Queued,
    RequestFailed,
    RequestStatus,
    RequestTimeoutError,
    SyncClient,
    ValidationError,
)
from tests.client.conftest import SMALL, T2V
from tests.support.server import RunningServer


def test_validation_error_names_the_field(idle_client: SyncClient) -> None:
    with pytest.raises(ValidationError) as caught:
        idle_client.submit(T2V, {**SMALL, "duration": 99})
    err = caught.value
    assert err.status_code == 422
    assert [e["loc"] for e in err.field_errors] == [["body", "duration"]]
    assert err.message.startswith("duration: ")
    with pytest.raises(ValidationError):
        idle_client.run(T2V, {"duration": 3})  # no prompt


def test_wrong_or_missing_key_is_an_authentication_error(idle_server: RunningServer,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    key_id = idle_server.key.split(":")[0]
    with SyncClient(idle_server.url, f"{key_id}:not-the-secret") as wrong, pytest.raises(AuthenticationError) as e:
        wrong.submit(T2V, SMALL)
    assert e.value.status_code == 401
    monkeypatch.delenv("FRAMECAST_KEY", raising=False)
    with SyncClient(idle_server.url) as anonymous, pytest.raises(AuthenticationError):
        anonymous.status(T2V, "0d0e0a0d-0000-0000-0000-000000000000")


def test_unknown_request_or_endpoint_is_not_found(idle_client: SyncClient) -> None:
    missing = "0d0e0a0d-0000-0000-0000-000000000000"
    with pytest.raises(NotFoundError):
        idle_client.status(T2V, missing)
    with pytest.raises(NotFoundError):
        idle_client.result(T2V, missing)
    with pytest.raises(NotFoundError):
        idle_client.cancel(T2V, missing)
    with pytest.raises(NotFoundError):
        list(idle_client.stream_status(T2V, missing))
    with pytest.raises(NotFoundError):
        idle_client.submit("fal-ai/pika/v9/no-such-thing", SMALL)
    with pytest.raises(ValueError, match="invalid endpoint id"):
        idle_client.submit("pika", SMALL)


def test_another_keys_request_is_not_found(idle_server: RunningServer, idle_client: SyncClient) -> None:
    from tests.support.server import make_key

    handle = idle_client.submit(T2V, SMALL)
    try:
        with SyncClient(idle_server.url, make_key(idle_server.home)) as other, pytest.raises(NotFoundError):
            other.status(T2V, handle.request_id)
    finally:
        handle.cancel()


def test_queue_positions_and_result_while_queued(idle_client: SyncClient) -> None:
    first = idle_client.submit(T2V, SMALL)
    second = idle_client.submit(T2V, SMALL)
    try:
        a, b = first.status(), second.status()
        assert isinstance(a, Queued) and isinstance(b, Queued)
        assert b.position == a.position + 1
        with pytest.raises(HTTPError) as caught:
            first.result()
        assert caught.value.status_code == 400 and not isinstance(caught.value, RequestFailed)
    finally:
        first.cancel()
        second.cancel()
    after = second.status()
    assert isinstance(after, Completed) and after.error_type == "client_cancelled"


def test_cancel_a_queued_request(idle_client: SyncClient) -> None:
    handle = idle_client.submit(T2V, SMALL)
    assert isinstance(handle.status(), Queued)
    assert handle.cancel() is True

    done = handle.status(with_logs=True)
    assert isinstance(done, Completed) and not done.ok
    assert done.error_type == "client_cancelled"
    with pytest.raises(RequestFailed) as caught:
        handle.get()
    assert caught.value.error_type == "client_cancelled"
    assert caught.value.status_code == 499
    assert caught.value.request_id == handle.request_id
    assert handle.cancel() is False  # already completed


def test_start_timeout_through_run_is_a_request_timeout_error(idle_client: SyncClient) -> None:
    started = time.monotonic()
    with pytest.raises(RequestTimeoutError) as caught:
        idle_client.run(T2V, SMALL, start_timeout=1.5)
    assert caught.value.status_code == 504
    assert caught.value.error_type == "request_timeout"
    assert 1.5 <= time.monotonic() - started < 10  # answered once, never retried


def test_start_timeout_through_subscribe_is_a_failed_request(idle_client: SyncClient) -> None:
    seen: list[RequestStatus] = []
    with pytest.raises(RequestFailed) as caught:
        idle_client.subscribe(T2V, SMALL, start_timeout=1.5, on_queue_update=seen.append, interval=0.2)
    assert caught.value.error_type == "request_timeout"
    assert isinstance(seen[0], Queued)
    last = seen[-1]
    assert isinstance(last, Completed) and last.error_type == "request_timeout"


def test_client_timeout_gives_up_and_cancels(idle_client: SyncClient) -> None:
    enqueued: list[str] = []
    started = time.monotonic()
    with pytest.raises(ClientTimeoutError) as caught:
        idle_client.subscribe(T2V, SMALL, client_timeout=1.0, on_enqueue=enqueued.append)
    assert time.monotonic() - started < 3
    assert isinstance(caught.value, TimeoutError)
    assert caught.value.request_id == enqueued[0]
    after = idle_client.status(T2V, enqueued[0])
    assert isinstance(after, Completed) and after.error_type == "client_cancelled"


def test_upload_needs_no_worker(idle_client: SyncClient, tmp_path: Path) -> None:
    url = idle_client.upload(b"hello framecast", "text/plain", "hello.txt", expires_in=600)
    assert url.endswith("/hello.txt")
    out = idle_client.download(url, tmp_path / "hello.txt")
    assert out.read_bytes() == b"hello framecast"
