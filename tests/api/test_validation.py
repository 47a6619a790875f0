"""Bad input of every kind gets fal's 422 (or 413) shape naming the field; nothing is queued."""

from __future__ import annotations

import base64

import pytest
from fastapi.testclient import TestClient

from framecast.services import Services

T2V = "fal-ai/pika/v2.1/text-to-video"
I2V = "fal-ai/pika/v2.2/image-to-video"
SCENES = "fal-ai/pika/v2.2/pikascenes"
EFFECTS = "fal-ai/pika/v1.5/pikaffects"
ADD = "fal-ai/pika/v2/pikadditions"
SWAP = "fal-ai/pika/v2/pikaswaps"
PNG = "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n").decode()

CASES = [
    # endpoint, body, expected loc, expected type
    (T2V, {}, ["body", "prompt"], "missing"),
    (T2V, {"prompt": ""}, ["body", "prompt"], "string_too_short"),
    (T2V, {"prompt": 3}, ["body", "prompt"], "string_type"),
    (T2V, {"prompt": "x", "duration": 0}, ["body", "duration"], "greater_than_equal"),
    (T2V, {"prompt": "x", "duration": 11}, ["body", "duration"], "less_than_equal"),
    (T2V, {"prompt": "x", "duration": 2.5}, ["body", "duration"], "int_from_float"),
    (T2V, {"prompt": "x", "aspect_ratio": "21:9"}, ["body", "aspect_ratio"], "enum"),
    (T2V, {"prompt": "x", "resolution": "4k"}, ["body", "resolution"], "enum"),
    (T2V, {"prompt": "x", "seed": -1}, ["body", "seed"], "greater_than_equal"),
    (I2V, {"prompt": "x"}, ["body", "image_url"], "missing"),
    (I2V, {"prompt": "x", "image_url": "ftp://example.com/a.png"}, ["body", "image_url"], "invalid_url"),
    (I2V, {"prompt": "x", "image_url": "not a url"}, ["body", "image_url"], "invalid_url"),
    (I2V, {"prompt": "x", "image_url": "data:image/png;base64"}, ["body", "image_url"], "invalid_data_uri"),
    (SCENES, {"prompt": "x", "images": []}, ["body", "images"], "too_short"),
    (SCENES, {"prompt": "x", "images": [{"image_url": PNG}, {}]}, ["body", "images", 1, "image_url"], "missing"),
    (SCENES, {"prompt": "x", "images": [{"image_url": PNG}], "ingredients_mode": "wild"},
     ["body", "ingredients_mode"], "enum"),
    (EFFECTS, {"image_url": PNG}, ["body", "pikaffect"], "missing"),
    (EFFECTS, {"image_url": PNG, "pikaffect": "Vanish"}, ["body", "pikaffect"], "enum"),
    (ADD, {"video_url": PNG}, ["body", "image_url"], "missing"),
    (SWAP, {"video_url": PNG}, ["body"], "value_error"),
]


@pytest.mark.parametrize(("endpoint", "body", "loc", "type_"), CASES)
def test_invalid_input_is_422_naming_the_field(client: TestClient, auth: dict[str, str], services: Services,
                                               endpoint: str, body: dict[str, object], loc: list[object],
                                               type_: str) -> None:
    r = client.post(f"/queue/{endpoint}", json=body, headers=auth)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert any(d["loc"] == loc and d["type"] == type_ and d["msg"] for d in detail), detail


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b"\xff\xfe"])
def test_body_that_is_not_a_json_object(client: TestClient, auth: dict[str, str], body: bytes) -> None:
    r = client.post(f"/queue/{T2V}", content=body, headers={**auth, "Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body"]


def test_unknown_fields_are_ignored(client: TestClient, auth: dict[str, str], services: Services) -> None:
    r = client.post(f"/queue/{T2V}", json={"prompt": "x", "num_inference_steps": 4}, headers=auth)
    assert r.status_code == 200
    assert "num_inference_steps" not in services.store.get(r.json()["request_id"]).input  # type: ignore[union-attr]


@pytest.mark.parametrize("url", ["http://127.0.0.1/a.png", "http://10.0.0.8/a.png", "http://169.254.169.254/x",
                                 "http://[::1]/a.png", "http://localhost:9/a.png", "http://192.168.1.1/a.png"])
def test_private_addresses_refused_unless_allowed(tmp_path, url: str) -> None:  # type: ignore[no-untyped-def]
    from framecast.api.app import create_app
    from framecast.config import Settings

    services = Services.open(Settings(home=tmp_path, auth=False))
    with TestClient(create_app(services=services, background=False)) as c:
        r = c.post(f"/queue/{I2V}", json={"prompt": "x", "image_url": url})
    services.close()
    assert r.status_code == 422
    [d] = r.json()["detail"]
    assert d["loc"] == ["body", "image_url"] and d["type"] == "file_download_error"
    assert "FRAMECAST_ALLOW_" in d["msg"]


def test_oversized_data_uri_is_413(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from framecast.api.app import create_app
    from framecast.config import Settings

    services = Services.open(Settings(home=tmp_path, auth=False, max_input_file_bytes=1000))
    big = "data:image/png;base64," + base64.b64encode(b"x" * 5000).decode()
    with TestClient(create_app(services=services, background=False)) as c:
        r = c.post(f"/queue/{I2V}", json={"prompt": "x", "image_url": big})
    services.close()
    assert r.status_code == 413
    assert r.json()["detail"][0]["type"] == "file_too_large"


def test_oversized_body_is_413(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from framecast.api.app import create_app
    from framecast.config import Settings

    services = Services.open(Settings(home=tmp_path, auth=False, max_body_bytes=100))
    with TestClient(create_app(services=services, background=False)) as c:
        r = c.post(f"/queue/{T2V}", json={"prompt": "x" * 500})
    services.close()
    assert r.status_code == 413


def test_webhook_must_be_http(client: TestClient, auth: dict[str, str]) -> None:
    r = client.post(f"/queue/{T2V}", params={"fal_webhook": "file:///etc/passwd"}, json={"prompt": "x"},
                    headers=auth)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "fal_webhook"]
