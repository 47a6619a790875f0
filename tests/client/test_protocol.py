"""The client's side of the protocol without a server: ids, status parsing, headers, retries.

Retries need answers a healthy server never gives (502s, dropped connections), so these tests
script them with httpx.MockTransport.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import httpx
import pytest

from framecast.client import (
    AsyncClient,
    Completed,
    HTTPError,
    InProgress,
    Progress,
    ProtocolError,
    Queued,
    RequestFailed,
    RequestTimeoutError,
    SyncClient,
    TransportError,
    ValidationError,
)
from framecast.client.status import parse_status
from framecast.client.urls import AppId
from tests.support.server import free_port

BASE = "http://framecast.test"
RID = "3f1e8449-edab-4a3f-8c0a-e503934bb3a8"
STATUS_URL = f"{BASE}/queue/fal-ai/pika/requests/{RID}/status"
QUEUED = {"status": "IN_QUEUE", "request_id": RID, "queue_position": 2, "logs": None}
RECEIPT = {"status": "IN_QUEUE", "request_id": RID, "queue_position": 0,
           "response_url": f"{BASE}/queue/fal-ai/pika/requests/{RID}",
           "status_url": STATUS_URL, "cancel_url": f"{BASE}/queue/fal-ai/pika/requests/{RID}/cancel"}

Script = Callable[[httpx.Request], httpx.Response]


def scripted(*answers: httpx.Response | Exception) -> tuple[list[httpx.Request], Script]:
    """A transport handler giving ``answers`` in turn, and the requests it saw."""
    seen: list[httpx.Request] = []
    queue = iter(answers)

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = next(queue)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return seen, handle


@pytest.fixture
def make_client() -> Iterator[Callable[[Script], SyncClient]]:
    made: list[SyncClient] = []

    def make(handler: Script) -> SyncClient:
        client = SyncClient(BASE, "kid:secret", max_retries=3, transport=httpx.MockTransport(handler))
        made.append(client)
        return client

    yield make
    for c in made:
        c.close()


def test_public_surface() -> None:
    import framecast.client as fc
    from framecast.client import errors

    assert all(hasattr(fc, name) for name in fc.__all__)
    assert set(errors.__all__) <= set(fc.__all__)
    for name in errors.__all__:
        assert issubclass(getattr(errors, name), errors.FramecastClientError)


# -- ids and statuses ------------------------------------------------------------------------------

@pytest.mark.parametrize(("endpoint", "app", "path"), [
    ("fal-ai/pika/v2.2/text-to-video", "fal-ai/pika", "v2.2/text-to-video"),
    ("fal-ai/pika", "fal-ai/pika", None),
    ("workflows/me/flow/run", "workflows/me/flow", "run"),
    ("123-myapp", "123/myapp", None),
])
def test_endpoint_ids_split_as_fal_does(endpoint: str, app: str, path: str | None) -> None:
    parsed = AppId.parse(endpoint)
    assert (parsed.app, parsed.path) == (app, path)


def test_bad_endpoint_ids_fail_before_any_request() -> None:
    for bad in ("pika", "", "fal-ai/", "workflows/only"):
        with pytest.raises(ValueError):
            AppId.parse(bad)


def test_status_values() -> None:
    assert parse_status(QUEUED) == Queued(2)
    running = parse_status({"status": "IN_PROGRESS", "logs": [{"message": "hi", "level": "INFO"}],
                            "progress": {"step": 3, "total": 12, "stage": "denoising", "fraction": 0.25}})
    assert running == InProgress([{"message": "hi", "level": "INFO", "source": "USER", "timestamp": ""}],
                                 Progress(3, 12, "denoising", 0.25))
    failed = parse_status({"status": "COMPLETED", "logs": None, "error": "boom", "error_type": "runner_server_error"})
    assert isinstance(failed, Completed) and not failed.ok and failed.metrics == {}
    with pytest.raises(ProtocolError, match="unknown status"):
        parse_status({"status": "FAILED"})
    with pytest.raises(ProtocolError, match="queue_position"):
        parse_status({"status": "IN_QUEUE"})


# -- configuration and headers ---------------------------------------------------------------------

def test_configuration_comes_from_arguments_then_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FRAMECAST_URL", raising=False)
    monkeypatch.delenv("FRAMECAST_KEY", raising=False)
    with SyncClient() as default:
        assert (default.url, default.key) == ("http://127.0.0.1:8000", None)
    monkeypatch.setenv("FRAMECAST_URL", "http://10.1.2.3:9000/prefix/")
    monkeypatch.setenv("FRAMECAST_KEY", "a:b")
    with SyncClient() as from_env:
        assert (from_env.url, from_env.key) == ("http://10.1.2.3:9000/prefix", "a:b")
    with SyncClient("http://127.0.0.1:1", "c:d") as explicit:
        assert (explicit.url, explicit.key) == ("http://127.0.0.1:1", "c:d")
    with pytest.raises(ValueError):
        SyncClient("ftp://nowhere")


def test_submit_sends_fal_platform_headers(make_client: Callable[[Script], SyncClient]) -> None:
    seen, handler = scripted(httpx.Response(200, json=RECEIPT), httpx.Response(202, json=QUEUED))
    client = make_client(handler)
    handle = client.submit("fal-ai/pika/v2.2/text-to-video", {"prompt": "p"}, priority="low", start_timeout=30,
                           hint="gpu-a", webhook_url="https://example.invalid/hook?x=1", output_expires_in=3600,
                           headers={"X-Custom": "1"})
    assert handle.status(with_logs=True) == Queued(2)
    submit, status = seen
    hook = "https%3A%2F%2Fexample.invalid%2Fhook%3Fx%3D1"
    assert submit.url == f"{BASE}/queue/fal-ai/pika/v2.2/text-to-video?fal_webhook={hook}"
    assert json.loads(submit.content) == {"prompt": "p"}
    assert submit.headers["authorization"] == "Key kid:secret"
    assert submit.headers["x-fal-queue-priority"] == "low"
    assert submit.headers["x-fal-request-timeout"] == "30.0"
    assert submit.headers["x-fal-runner-hint"] == "gpu-a"
    assert json.loads(submit.headers["x-fal-object-lifecycle-preference"]) == {"expiration_duration_seconds": 3600}
    assert submit.headers["x-custom"] == "1"
    assert str(status.url) == f"{STATUS_URL}?logs=1"
    assert status.headers["authorization"] == "Key kid:secret"


def test_invalid_options_fail_before_any_request(make_client: Callable[[Script], SyncClient]) -> None:
    seen, handler = scripted()
    client = make_client(handler)
    with pytest.raises(ValueError, match="more than 1 second"):
        client.submit("fal-ai/pika", {}, start_timeout=1)
    with pytest.raises(ValueError, match="priority"):
        client.submit("fal-ai/pika", {}, priority="urgent")  # type: ignore[arg-type]
    assert seen == []


def test_upload_keeps_the_key_off_other_origins(make_client: Callable[[Script], SyncClient]) -> None:
    seen, handler = scripted(
        httpx.Response(200, json={"upload_url": "https://bucket.s3.test/put?sig=1", "file_url": "https://cdn.test/f"}),
        httpx.Response(200),
    )
    assert make_client(handler).upload(b"abc", "text/plain", "a.txt") == "https://cdn.test/f"
    initiate, put = seen
    assert json.loads(initiate.content) == {"file_name": "a.txt", "content_type": "text/plain"}
    assert initiate.headers["authorization"] == "Key kid:secret"
    assert "authorization" not in put.headers
    assert put.content == b"abc" and put.headers["content-type"] == "text/plain"


# -- errors and retries ----------------------------------------------------------------------------

def test_transient_answers_to_status_are_retried(make_client: Callable[[Script], SyncClient]) -> None:
    seen, handler = scripted(httpx.Response(503), httpx.Response(502, text="bad gateway"),
                             httpx.ConnectError("refused"), httpx.Response(202, json=QUEUED))
    assert make_client(handler).status("fal-ai/pika/v2.2/text-to-video", RID) == Queued(2)
    assert len(seen) == 4


def test_retries_give_up_after_max_retries(make_client: Callable[[Script], SyncClient]) -> None:
    seen, handler = scripted(*[httpx.ReadError("reset")] * 4)
    with pytest.raises(TransportError) as caught:
        make_client(handler).status("fal-ai/pika", RID)
    assert isinstance(caught.value.__cause__, httpx.ReadError)
    assert len(seen) == 4


def test_submit_is_not_repeated_when_it_may_have_arrived(make_client: Callable[[Script], SyncClient]) -> None:
    seen, handler = scripted(httpx.Response(503))
    with pytest.raises(HTTPError) as caught:
        make_client(handler).submit("fal-ai/pika", {"prompt": "p"})
    assert caught.value.status_code == 503 and len(seen) == 1

    seen, handler = scripted(httpx.ReadTimeout("slow"))
    with pytest.raises(TransportError):
        make_client(handler).submit("fal-ai/pika", {"prompt": "p"})
    assert len(seen) == 1

    # Refused or rate-limited: it never ran, so sending it again is safe.
    seen, handler = scripted(httpx.ConnectError("refused"), httpx.Response(429), httpx.Response(200, json=RECEIPT))
    assert make_client(handler).submit("fal-ai/pika", {"prompt": "p"}).request_id == RID
    assert len(seen) == 3


def test_a_user_start_timeout_is_never_retried(make_client: Callable[[Script], SyncClient]) -> None:
    timeout = httpx.Response(504, json={"detail": "Request timed out", "error_type": "request_timeout"},
                             headers={"X-Fal-Request-Timeout-Type": "user", "x-fal-request-id": RID})
    seen, handler = scripted(timeout)
    with pytest.raises(RequestTimeoutError) as caught:
        make_client(handler).run("fal-ai/pika", {"prompt": "p"}, start_timeout=5)
    assert (caught.value.error_type, caught.value.request_id, len(seen)) == ("request_timeout", RID, 1)

    seen, handler = scripted(timeout)
    with pytest.raises(RequestFailed):  # from a result fetch it is the request's own outcome
        make_client(handler).get_handle("fal-ai/pika", RID).result()
    assert len(seen) == 1


def test_a_failed_requests_result_is_final(make_client: Callable[[Script], SyncClient]) -> None:
    failure = httpx.Response(503, json={"detail": "Runner disconnected", "error_type": "runner_disconnected"},
                             headers={"X-Fal-Error-Type": "runner_disconnected"})
    seen, handler = scripted(failure)
    with pytest.raises(RequestFailed) as caught:
        make_client(handler).get_handle("fal-ai/pika", RID).result()
    assert caught.value.error_type == "runner_disconnected" and caught.value.error == "Runner disconnected"
    assert len(seen) == 1


def test_worker_side_input_errors_keep_their_fields(make_client: Callable[[Script], SyncClient]) -> None:
    detail = [{"loc": ["body", "image_url"], "msg": "could not decode the image", "type": "image_load_error"}]
    _, handler = scripted(httpx.Response(422, json={"detail": detail}), httpx.Response(422, json={"detail": detail}))
    client = make_client(handler)
    with pytest.raises(RequestFailed) as from_result:
        client.get_handle("fal-ai/pika", RID).result()
    assert from_result.value.field_errors == detail
    with pytest.raises(ValidationError) as from_run:
        client.run("fal-ai/pika", {})
    assert from_run.value.message == "image_url: could not decode the image"


def test_non_json_errors_still_explain_themselves(make_client: Callable[[Script], SyncClient]) -> None:
    _, handler = scripted(httpx.Response(500, text="<html>oops</html>"))
    with pytest.raises(HTTPError) as caught:
        make_client(handler).run("fal-ai/pika", {})
    assert caught.value.message == "<html>oops</html>" and caught.value.error_type is None
    assert str(caught.value) == "HTTP 500: <html>oops</html>"


def test_a_closed_port_is_a_transport_error() -> None:
    with SyncClient(f"http://127.0.0.1:{free_port()}", "k:s", max_retries=1) as client, \
            pytest.raises(TransportError):
        client.status("fal-ai/pika", RID)


async def test_async_client_retries_the_same_way() -> None:
    seen, handler = scripted(httpx.Response(503), httpx.Response(202, json=QUEUED))
    async with AsyncClient(BASE, "kid:secret", transport=httpx.MockTransport(handler)) as client:
        assert await client.status("fal-ai/pika", RID) == Queued(2)
    assert len(seen) == 2
