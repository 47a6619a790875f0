"""The worker keeps one model loaded, prefers its requests, and swaps (freeing the old) when it must."""

from __future__ import annotations

from pathlib import Path

from framecast.config import Settings
from framecast.services import Services
from framecast.store import NewRequest
from framecast.worker.pipelines import PipelineCache
from framecast.worker.runner import Worker

T2V = "fal-ai/pika/v2.2/text-to-video"
I2V_IDS = {"fal-ai/pika/v2.1/image-to-video", "fal-ai/pika/v2.2/image-to-video", "fal-ai/pika/v2/turbo/image-to-video"}


def settings(tmp_path: Path) -> Settings:
    crash = "tests.fixtures.pipelines:crash"
    return Settings(home=tmp_path, default_pipeline="tests.fixtures.pipelines:quick",
                    pipelines=dict.fromkeys(I2V_IDS, crash), x264_preset="ultrafast")


def test_same_ref_is_kept_and_a_new_one_replaces_it(tmp_path: Path) -> None:
    cache = PipelineCache(settings(tmp_path))
    first = cache.get("tests.fixtures.pipelines:quick")
    assert cache.get("tests.fixtures.pipelines:quick") is first
    assert cache.preferred_endpoints() is not None and T2V in cache.preferred_endpoints()  # type: ignore[operator]
    second = cache.get("tests.fixtures.pipelines:crash")
    assert first.closed and second is not first  # type: ignore[attr-defined]
    assert cache.preferred_endpoints() == I2V_IDS
    cache.unload()
    assert cache.pipeline is None and cache.preferred_endpoints() is None


def test_the_worker_takes_requests_for_its_loaded_model_first(tmp_path: Path) -> None:
    services = Services.open(settings(tmp_path))
    try:
        worker = Worker(services)
        services.store.submit(NewRequest(T2V, "k", {"prompt": "x", "duration": 1}))
        worker.run_once()  # loads the quick pipeline
        other = services.store.submit(NewRequest("fal-ai/pika/v2.2/image-to-video", "k", {"prompt": "x"})).id
        mine = services.store.submit(NewRequest(T2V, "k", {"prompt": "y", "duration": 1})).id
        worker.run_once()
        assert services.store.get(mine).done  # type: ignore[union-attr]
        assert not services.store.get(other).done  # type: ignore[union-attr]
    finally:
        services.close()
