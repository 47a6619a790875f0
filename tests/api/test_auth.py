"""Keys: every request and file belongs to its key; another key gets 404, no key 401."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from framecast.services import Services
from framecast.worker.runner import Worker

T2V = "fal-ai/pika/v2.2/text-to-video"


def test_no_key_is_401(client: TestClient) -> None:
    r = client.post(f"/queue/{T2V}", json={"prompt": "x"})
    assert r.status_code == 401 and "Authorization" in r.json()["detail"]


@pytest.mark.parametrize("header", ["Key nope:nope", "Key malformed", "Bearer abc", "Key :"])
def test_bad_key_is_401(client: TestClient, header: str) -> None:
    assert client.post(f"/queue/{T2V}", json={"prompt": "x"}, headers={"Authorization": header}).status_code == 401


def test_revoked_key_stops_working(client: TestClient, services: Services) -> None:
    key, secret = services.store.create_key("short-lived")
    headers = {"Authorization": f"Key {key.id}:{secret}"}
    assert client.post(f"/queue/{T2V}", json={"prompt": "x"}, headers=headers).status_code == 200
    services.store.revoke_key(key.id)
    client.app.state.keys._seen.clear()  # type: ignore[attr-defined]  # skip the 2 s cache window
    assert client.post(f"/queue/{T2V}", json={"prompt": "x"}, headers=headers).status_code == 401


def test_another_keys_request_is_404_everywhere(client: TestClient, auth: dict[str, str],
                                                other_auth: dict[str, str], worker: Worker) -> None:
    rid = client.post(f"/queue/{T2V}", json={"prompt": "x", "duration": 1}, headers=auth).json()["request_id"]
    base = f"/queue/fal-ai/pika/requests/{rid}"
    assert client.get(f"{base}/status", headers=other_auth).status_code == 404
    assert client.put(f"{base}/cancel", headers=other_auth).status_code == 404
    worker.run_once()
    assert client.get(base, headers=other_auth).status_code == 404
    assert client.get(base, headers=auth).status_code == 200


def test_another_keys_file_is_404_and_no_key_without_signature_is_401(
    client: TestClient, auth: dict[str, str], other_auth: dict[str, str], worker: Worker
) -> None:
    rid = client.post(f"/queue/{T2V}", json={"prompt": "x", "duration": 1}, headers=auth).json()["request_id"]
    worker.run_once()
    url = client.get(f"/queue/fal-ai/pika/requests/{rid}", headers=auth).json()["video"]["url"]
    file_id, rest = url.split("/files/")[1].split(".", 1)
    unsigned = f"/files/{file_id}/{rest.split('/', 1)[1]}"
    assert client.get(unsigned).status_code == 401
    assert client.get(unsigned, headers=auth).status_code == 200
    assert client.get(unsigned, headers=other_auth).status_code == 404
    assert client.get(url, headers=other_auth).status_code == 404
    forged = f"/files/{file_id}.AAAAAAAAAAAAAAAAAAAAAAAA/{rest.split('/', 1)[1]}"
    assert client.get(forged).status_code == 401


def test_auth_off_serves_everyone_as_one_owner(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from framecast.api.app import create_app
    from framecast.config import Settings

    services = Services.open(Settings(home=tmp_path, auth=False, default_pipeline="tests.fixtures.pipelines:quick"))
    with TestClient(create_app(services=services, background=False)) as c:
        assert c.post(f"/queue/{T2V}", json={"prompt": "x"}).status_code == 200
    services.close()
