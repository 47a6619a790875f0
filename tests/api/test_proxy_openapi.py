"""/proxy routing on x-fal-target-url, fal-style OpenAPI, JWKS and docs."""

from __future__ import annotations

from fastapi.testclient import TestClient

from framecast.catalog.endpoints import ENDPOINTS

T2V = "fal-ai/pika/v2.2/text-to-video"


def test_proxy_routes_queue_calls(client: TestClient, auth: dict[str, str]) -> None:
    r = client.post("/proxy", json={"prompt": "x"},
                    headers={**auth, "x-fal-target-url": f"https://queue.fal.run/{T2V}?fal_webhook="})
    assert r.status_code == 200
    rid = r.json()["request_id"]
    status = client.get("/proxy", headers={
        **auth, "x-fal-target-url": f"https://queue.fal.run/fal-ai/pika/requests/{rid}/status?logs=0"})
    assert status.status_code == 202 and status.json()["request_id"] == rid
    cancel = client.put("/proxy", headers={
        **auth, "x-fal-target-url": f"https://queue.fal.run/fal-ai/pika/requests/{rid}/cancel"})
    assert cancel.status_code == 202


def test_proxy_routes_storage(client: TestClient, auth: dict[str, str]) -> None:
    r = client.post("/proxy", json={"file_name": "a.txt", "content_type": "text/plain"}, headers={
        **auth, "x-fal-target-url": "https://rest.fal.ai/storage/upload/initiate?storage_type=fal-cdn-v3"})
    assert r.status_code == 200 and {"upload_url", "file_url"} <= set(r.json())


def test_proxy_never_forwards_elsewhere(client: TestClient, auth: dict[str, str]) -> None:
    r = client.get("/proxy", headers={**auth, "x-fal-target-url": "http://169.254.169.254/latest/meta-data"})
    assert r.status_code == 400
    assert client.get("/proxy", headers=auth).status_code == 400


def test_openapi_document_in_fal_shape(client: TestClient) -> None:
    for endpoint in ENDPOINTS:
        doc = client.get("/openapi/queue/openapi.json", params={"endpoint_id": endpoint.id}).json()
        assert doc["openapi"] == "3.0.4"
        assert doc["info"]["x-fal-metadata"]["endpointId"] == endpoint.id
        schemas = doc["components"]["schemas"]
        assert schemas["QueueStatus"]["required"] == ["status", "request_id"]
        inp = schemas[endpoint.input_schema_name]
        assert inp["x-fal-order-properties"] == list(inp["properties"])
        assert set(doc["paths"]) == {f"/{endpoint.id}", f"/{endpoint.id}/requests/{{request_id}}/status",
                                     f"/{endpoint.id}/requests/{{request_id}}/cancel",
                                     f"/{endpoint.id}/requests/{{request_id}}"}
    t2v = client.get("/openapi/queue/openapi.json", params={"endpoint_id": T2V}).json()
    props = t2v["components"]["schemas"]["Pika22TextToVideoRequest"]["properties"]
    assert props["aspect_ratio"]["default"] == "16:9" or "$ref" in str(props["aspect_ratio"])
    assert props["duration"]["default"] == 5 and props["duration"]["maximum"] == 10
    assert client.get("/openapi/queue/openapi.json", params={"endpoint_id": "x/y"}).status_code == 404


def test_jwks_is_an_ed25519_key_set(client: TestClient) -> None:
    keys = client.get("/rest/.well-known/jwks.json").json()["keys"]
    assert keys and keys[0]["kty"] == "OKP" and keys[0]["crv"] == "Ed25519"


def test_service_docs(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    assert "/queue/{path}" in client.get("/openapi.json").json()["paths"]
