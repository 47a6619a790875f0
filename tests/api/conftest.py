"""An in-process service (no background loops) and a worker driven by the test, one step at a time."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from framecast.api.app import create_app
from framecast.config import Settings
from framecast.services import Services
from framecast.worker.runner import Worker

QUICK = "tests.fixtures.pipelines:quick"
CRASH_ENDPOINT = "fal-ai/pika/v2/turbo/text-to-video"  # mapped to the crashing pipeline below
OOM_ENDPOINT = "fal-ai/pika/v2.1/text-to-video"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        home=tmp_path / "home",
        default_pipeline=QUICK,
        pipelines={CRASH_ENDPOINT: "tests.fixtures.pipelines:crash", OOM_ENDPOINT: "tests.fixtures.pipelines:oom"},
        allow_loopback_urls=True,
        lease_seconds=5,
        x264_preset="ultrafast",
    )


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    s = Services.open(settings)
    yield s
    s.close()


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    app = create_app(services=services, background=False)
    with TestClient(app, base_url="http://testserver") as c:
        yield c


@pytest.fixture
def key(services: Services) -> str:
    k, secret = services.store.create_key("test")
    return f"{k.id}:{secret}"


@pytest.fixture
def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Key {key}"}


@pytest.fixture
def other_auth(services: Services) -> dict[str, str]:
    k, secret = services.store.create_key("someone else")
    return {"Authorization": f"Key {k.id}:{secret}"}


@pytest.fixture
def worker(services: Services) -> Worker:
    return Worker(services, worker_id="test-host:1:w")
