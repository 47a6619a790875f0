"""Storage as both clients use it, and file serving with Range and expiry."""

from __future__ import annotations

import json
import time
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from framecast.services import Services


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_initiate_put_then_download(client: TestClient, auth: dict[str, str]) -> None:
    r = client.post("/rest/storage/upload/initiate", params={"storage_type": "fal-cdn-v3"},
                    json={"file_name": "hello.txt", "content_type": "text/plain"}, headers=auth)
    assert r.status_code == 200
    urls = r.json()
    assert client.get(path_of(urls["file_url"])).status_code == 404  # nothing uploaded yet
    put = client.put(path_of(urls["upload_url"]), content=b"Hello, World!", headers={"Content-Type": "text/plain"})
    assert put.status_code == 200
    got = client.get(path_of(urls["file_url"]))
    assert (got.status_code, got.content) == (200, b"Hello, World!")
    assert got.headers["content-type"].startswith("text/plain")
    assert client.put(path_of(urls["upload_url"]), content=b"again").status_code == 404  # one upload per URL


def test_upload_url_signature_is_checked(client: TestClient, auth: dict[str, str]) -> None:
    urls = client.post("/rest/storage/upload/initiate", json={"file_name": "a.bin"}, headers=auth).json()
    forged = path_of(urls["upload_url"])[:-3] + "abc"
    assert client.put(forged, content=b"x").status_code == 404


def test_js_multipart_upload(client: TestClient, auth: dict[str, str]) -> None:
    urls = client.post("/rest/storage/upload/initiate-multipart", params={"storage_type": "fal-cdn-v3"},
                       json={"file_name": "big.bin", "content_type": "application/octet-stream"},
                       headers=auth).json()
    upload = path_of(urls["upload_url"])
    parts = []
    for n, chunk in enumerate([b"a" * 1000, b"b" * 1000, b"c" * 10], start=1):
        r = client.put(f"{upload}/{n}", content=chunk)
        assert r.status_code == 200 and r.json()["partNumber"] == n
        parts.append(r.json())
    assert client.post(f"{upload}/complete", json={"parts": parts}).status_code == 200
    assert client.get(path_of(urls["file_url"])).content == b"a" * 1000 + b"b" * 1000 + b"c" * 10


def test_python_cdn_token_upload_and_multipart(client: TestClient, auth: dict[str, str]) -> None:
    token = client.post("/rest/storage/auth/token", params={"storage_type": "fal-cdn-v3"}, json={},
                        headers=auth).json()
    assert token["token_type"] == "Bearer" and token["base_url"].endswith("/cdn")
    from datetime import datetime

    assert datetime.fromisoformat(token["expires_at"]).utcoffset() is not None
    bearer = {"Authorization": f"Bearer {token['token']}"}
    r = client.post("/cdn/files/upload", content=b"png-bytes",
                    headers={**bearer, "Content-Type": "image/png", "X-Fal-File-Name": "a.png"})
    assert r.status_code == 200
    assert client.get(path_of(r.json()["access_url"])).content == b"png-bytes"

    m = client.post("/cdn/files/upload/multipart",
                    headers={**bearer, "Content-Type": "video/mp4", "X-Fal-File-Name": "v.mp4"}).json()
    access, upload_id = path_of(m["access_url"]), m["uploadId"]
    etags = []
    for n, chunk in enumerate([b"1" * 100, b"2" * 50], start=1):
        part = client.put(f"{access}/multipart/{upload_id}/{n}", content=chunk, headers=bearer)
        assert part.status_code == 200
        etags.append({"partNumber": n, "etag": part.headers["etag"]})
    done = client.post(f"{access}/multipart/{upload_id}/complete", json={"parts": etags}, headers=bearer)
    assert done.status_code == 200
    assert client.get(access).content == b"1" * 100 + b"2" * 50


def test_cdn_upload_needs_a_token(client: TestClient) -> None:
    assert client.post("/cdn/files/upload", content=b"x", headers={"Authorization": "Bearer forged"}).status_code == 401


def test_upload_size_limit_is_413(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from framecast.api.app import create_app
    from framecast.config import Settings

    services = Services.open(Settings(home=tmp_path, auth=False, max_upload_bytes=100))
    with TestClient(create_app(services=services, background=False)) as c:
        urls = c.post("/rest/storage/upload/initiate", json={"file_name": "a.bin"}).json()
        r = c.put(path_of(urls["upload_url"]), content=b"x" * 500)
    services.close()
    assert r.status_code == 413 and r.json()["detail"][0]["type"] == "file_too_large"


@pytest.fixture
def stored(client: TestClient, auth: dict[str, str]) -> str:
    urls = client.post("/rest/storage/upload/initiate", json={"file_name": "n.bin"}, headers=auth).json()
    client.put(path_of(urls["upload_url"]), content=bytes(range(256)) * 4)
    return path_of(urls["file_url"])


@pytest.mark.parametrize(("header", "status", "body", "content_range"), [
    ("bytes=0-9", 206, bytes(range(10)), "bytes 0-9/1024"),
    ("bytes=1020-", 206, bytes(range(252, 256)), "bytes 1020-1023/1024"),
    ("bytes=-4", 206, bytes(range(252, 256)), "bytes 1020-1023/1024"),
    ("bytes=1000-5000", 206, (bytes(range(256)) * 4)[1000:], "bytes 1000-1023/1024"),
])
def test_range_requests(client: TestClient, stored: str, header: str, status: int, body: bytes,
                        content_range: str) -> None:
    r = client.get(stored, headers={"Range": header})
    assert (r.status_code, r.content, r.headers["content-range"]) == (status, body, content_range)


def test_unsatisfiable_range_is_416(client: TestClient, stored: str) -> None:
    r = client.get(stored, headers={"Range": "bytes=5000-6000"})
    assert r.status_code == 416 and r.headers["content-range"] == "bytes */1024"


def test_head_reports_size_without_body(client: TestClient, stored: str) -> None:
    r = client.head(stored)
    assert r.status_code == 200 and r.headers["content-length"] == "1024" and r.headers["accept-ranges"] == "bytes"


def test_expired_files_are_gone(client: TestClient, auth: dict[str, str], services: Services) -> None:
    lifecycle = json.dumps({"expiration_duration_seconds": 1})
    urls = client.post("/rest/storage/upload/initiate", json={"file_name": "t.bin"},
                       headers={**auth, "X-Fal-Object-Lifecycle": lifecycle}).json()
    client.put(path_of(urls["upload_url"]), content=b"soon gone")
    assert client.get(path_of(urls["file_url"])).status_code == 200
    services.store.purge(now=time.time() + 5)
    assert client.get(path_of(urls["file_url"])).status_code == 404
