"""Real framecast servers for the client tests, one per behaviour, shared across tests/client.

- ``server``: one worker, the quick test pipeline with a few short steps (progress is visible).
- ``idle_server``: no workers, so whatever is submitted stays queued.
- ``slow_server``: one worker with many steps, so a request can be cancelled while it runs.

Package scope: each starts at most once for the whole directory.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from framecast.client import SyncClient
from tests.support.server import RunningServer, launch

T2V = "fal-ai/pika/v2.2/text-to-video"
I2V = "fal-ai/pika/v2.2/image-to-video"
# 1 s at 1:1 720p: the smallest video the endpoints allow, quick to encode.
SMALL = {"prompt": "a red ball bouncing", "duration": 1, "aspect_ratio": "1:1"}
QUICK_STEPS = 4
SLOW_STEPS = 60


def _serve(tmp_path_factory: pytest.TempPathFactory, name: str, workers: int, **env: str) -> Iterator[RunningServer]:
    server = launch(tmp_path_factory.mktemp(name), "tests.fixtures.pipelines:quick", workers, False, **env)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="package")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    yield from _serve(tmp_path_factory, "busy", 1, FRAMECAST_TEST_STEPS=str(QUICK_STEPS),
                      FRAMECAST_TEST_STEP_SECONDS="0.1")


@pytest.fixture(scope="package")
def idle_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    yield from _serve(tmp_path_factory, "idle", 0)


@pytest.fixture(scope="package")
def slow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    yield from _serve(tmp_path_factory, "slow", 1, FRAMECAST_TEST_STEPS=str(SLOW_STEPS),
                      FRAMECAST_TEST_STEP_SECONDS="0.1")


@pytest.fixture
def client(server: RunningServer) -> Iterator[SyncClient]:
    with SyncClient(server.url, server.key) as c:
        yield c


@pytest.fixture
def idle_client(idle_server: RunningServer) -> Iterator[SyncClient]:
    with SyncClient(idle_server.url, idle_server.key) as c:
        yield c


@pytest.fixture
def slow_client(slow_server: RunningServer) -> Iterator[SyncClient]:
    with SyncClient(slow_server.url, slow_server.key) as c:
        yield c
