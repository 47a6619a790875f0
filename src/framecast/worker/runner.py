"""The worker loop: claim a request, run its pipeline, store the video, complete or fail it.

A worker never dies of a request: every failure of one request (bad input, a pipeline raising,
out of memory) completes that request with an error and the loop goes on.
"""

from __future__ import annotations

import logging
import os
import socket
import tempfile
import threading
import time
import traceback
import uuid
from pathlib import Path

from framecast.catalog.endpoints import get_endpoint
from framecast.engine.registry import pipeline_ref
from framecast.engine.spec import build_spec
from framecast.errors import (
    Cancelled,
    ConfigurationError,
    FramecastError,
    OutOfMemory,
    PipelineFailed,
)
from framecast.media import Fetcher, encode_mp4
from framecast.services import Services
from framecast.store import Claim, Failure, WorkerInfo
from framecast.store.sql.requests import cancelled_failure
from framecast.worker.control import Heartbeat, StoreRunControl
from framecast.worker.inputs import local_resolver, resolve_inputs
from framecast.worker.outputs import save_video
from framecast.worker.pipelines import PipelineCache

log = logging.getLogger("framecast.worker")

REGISTRY_EVERY_SECONDS = 5.0


def failure_from(exc: FramecastError) -> Failure:
    return Failure(exc.message, exc.error_type, exc.status_code, exc.body())


def _is_oom(exc: BaseException) -> bool:
    # torch.OutOfMemoryError and torch.cuda.OutOfMemoryError, without importing torch here
    return isinstance(exc, MemoryError) or type(exc).__name__ == "OutOfMemoryError"


class Worker:
    def __init__(self, services: Services, worker_id: str | None = None) -> None:
        self.services = services
        self.settings = services.settings
        self.store = services.store
        self.id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.pipelines = PipelineCache(self.settings)
        self.stopping = threading.Event()
        self.current: Heartbeat | None = None
        self.started_at = time.time()
        self._last_registry = 0.0
        self._last_reap = 0.0

    # -- loop --------------------------------------------------------------------------------

    def run(self) -> None:
        log.info("worker %s started", self.id)
        try:
            # With notifications an idle worker sleeps until woken (a second at most, for upkeep);
            # without, it polls the local database.
            idle = 1.0 if self.store.wakes_workers else self.settings.idle_poll_seconds
            while not self.stopping.is_set():
                if not self.run_once():
                    self.store.wait_for_work(idle)
        finally:
            self.pipelines.unload()
            self.store.worker_gone(self.id)
            log.info("worker %s stopped", self.id)

    def run_once(self) -> bool:
        """Claim and run at most one request; False when the queue had nothing for us."""
        self._housekeeping()
        claim = self.store.claim(
            self.id, self.settings.lease_seconds, prefer=self.pipelines.preferred_endpoints()
        )
        if claim is None:
            return False
        self.process(claim)
        return True

    def stop(self) -> None:
        """Stop after handing the current request back to the queue (it is not counted as an attempt)."""
        self.stopping.set()
        if self.current is not None:
            self.current.shutdown.set()

    def _housekeeping(self) -> None:
        now = time.time()
        if now - self._last_reap >= self.settings.lease_seconds / 3:
            self._last_reap = now
            self.store.requeue_expired(self.settings.max_attempts)
        if now - self._last_registry >= REGISTRY_EVERY_SECONDS:
            self._register(None)

    def _register(self, request_id: str | None) -> None:
        self._last_registry = time.time()
        self.store.worker_seen(
            WorkerInfo(self.id, socket.gethostname(), os.getpid(), self.started_at, self._last_registry,
                       request_id, self.pipelines.ref)
        )

    # -- one request -------------------------------------------------------------------------

    def process(self, claim: Claim) -> None:
        rec = claim.record
        hb = Heartbeat(self.store, rec.id, self.id, self.settings.lease_seconds,
                       self.settings.heartbeat_seconds).start()
        self.current = hb
        control = StoreRunControl(self.store, rec.id, self.id, hb)
        self._register(rec.id)
        started = time.monotonic()
        try:
            control.log(f"started on worker {self.id} (attempt {rec.attempts} of {self.settings.max_attempts})")
            result = self._generate(claim, control)
            metrics = {"inference_time": round(time.monotonic() - started, 3)}
            if not self.store.complete(rec.id, self.id, result, metrics):
                log.warning("request %s was taken from this worker before it finished", rec.id)
        except Cancelled:
            self._after_cancel(claim, hb)
        except FramecastError as exc:
            self._fail(claim, failure_from(exc))
        except Exception as exc:
            if _is_oom(exc):
                self.pipelines.unload()
                self._fail(claim, failure_from(OutOfMemory(f"out of memory: {exc}")))
            else:
                log.exception("request %s failed", rec.id)
                control.log(traceback.format_exc(limit=8), "ERROR")
                self._fail(claim, failure_from(PipelineFailed(f"{type(exc).__name__}: {exc}")))
        finally:
            hb.stop()
            self.current = None
            self._register(None)

    def _generate(self, claim: Claim, control: StoreRunControl) -> dict[str, object]:
        rec = claim.record
        endpoint = get_endpoint(rec.endpoint_id)
        if endpoint is None:
            raise ConfigurationError(f"unknown endpoint {rec.endpoint_id!r}")
        inp = endpoint.input_model.model_validate(rec.input)
        settings = self.settings
        fetcher = Fetcher.from_settings(settings, local_resolver=local_resolver(self.services, rec.owner))
        images, video = resolve_inputs(inp, fetcher, settings.max_input_video_seconds)
        spec = build_spec(endpoint, inp, images, video, fps=settings.output_fps)
        control.log(
            f"{endpoint.id}: {spec.width}x{spec.height}, {spec.num_frames} frames at {spec.fps} fps, seed {spec.seed}"
        )
        ref = pipeline_ref(endpoint.id, settings)
        if self.pipelines.ref != ref:
            control.log(f"loading pipeline {ref}")
        pipeline = self.pipelines.get(ref)
        clip = pipeline.generate(spec, control)
        with tempfile.TemporaryDirectory(prefix="framecast-") as tmp:
            path = Path(tmp) / "out.mp4"
            info = encode_mp4(clip, path, preset=settings.x264_preset, crf=settings.x264_crf)
            control.check_cancelled()
            video_file = save_video(self.services, rec, path, info)
        control.log(f"done: {info.num_frames} frames, {info.duration:.2f} s, {video_file['file_size']} bytes")
        return {"video": video_file, "seed": spec.seed}

    def _after_cancel(self, claim: Claim, hb: Heartbeat) -> None:
        rec = claim.record
        if hb.lost.is_set():
            log.warning("request %s: lease lost; leaving it to its new worker", rec.id)
        elif hb.cancelled.is_set():
            self.store.fail(rec.id, cancelled_failure(), self.id)
        elif hb.shutdown.is_set():
            self.store.release(rec.id, self.id, "the worker shut down")
        else:  # a pipeline raised Cancelled on its own: treat as a failure, not a client cancel
            self._fail(claim, failure_from(PipelineFailed("the pipeline stopped without being cancelled")))

    def _fail(self, claim: Claim, failure: Failure) -> None:
        self.store.fail(claim.record.id, failure, self.id)
