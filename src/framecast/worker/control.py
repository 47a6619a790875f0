"""The RunControl a worker hands to a pipeline, and the heartbeat that keeps its lease alive.

The heartbeat thread renews the lease and watches the cancel flag, so a pipeline's per-step
``control.step`` is an in-memory check: cancel takes effect at the next step without a database
read per step, and a stuck step cannot stop the lease from being renewed.
"""

from __future__ import annotations

import threading
import time

from framecast.errors import Cancelled
from framecast.store import JobStore, Progress

CANCEL_POLL_SECONDS = 0.2
PROGRESS_MIN_INTERVAL = 0.25


class Heartbeat:
    def __init__(self, store: JobStore, request_id: str, worker_id: str, lease_seconds: float,
                 every_seconds: float) -> None:
        self.store = store
        self.request_id = request_id
        self.worker_id = worker_id
        self.lease_seconds = lease_seconds
        self.every_seconds = every_seconds
        self.cancelled = threading.Event()  # the client cancelled
        self.lost = threading.Event()  # the lease went to someone else: stop and write nothing
        self.shutdown = threading.Event()  # this worker is stopping: hand the request back
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{request_id}", daemon=True)

    @property
    def should_stop(self) -> bool:
        return self.cancelled.is_set() or self.lost.is_set() or self.shutdown.is_set()

    def start(self) -> Heartbeat:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        last_renew = time.monotonic()
        while not self._stop.wait(CANCEL_POLL_SECONDS):
            try:
                if self.store.cancel_requested(self.request_id):
                    self.cancelled.set()
                if time.monotonic() - last_renew >= self.every_seconds:
                    last_renew = time.monotonic()
                    if not self.store.heartbeat(self.request_id, self.worker_id, self.lease_seconds):
                        self.lost.set()
            except Exception:  # a transient database error must not kill the heartbeat
                continue


class StoreRunControl:
    """Progress and logs go to the store (progress at most every 0.25 s); cancel raises."""

    def __init__(self, store: JobStore, request_id: str, worker_id: str, heartbeat: Heartbeat) -> None:
        self.store = store
        self.request_id = request_id
        self.worker_id = worker_id
        self.heartbeat = heartbeat
        self._last_write = 0.0
        self._stage = ""
        self.steps_reported = 0

    def check_cancelled(self) -> None:
        if self.heartbeat.should_stop:
            raise Cancelled("the request was cancelled" if self.heartbeat.cancelled.is_set()
                            else "the worker stopped running this request")

    def step(self, step: int, total: int, stage: str) -> None:
        self.check_cancelled()
        self.steps_reported += 1
        now = time.monotonic()
        if stage != self._stage or step >= total or now - self._last_write >= PROGRESS_MIN_INTERVAL:
            if stage != self._stage:
                self.log(f"{stage}…")
            self._stage = stage
            self._last_write = now
            self.store.set_progress(self.request_id, Progress(step, total, stage), self.worker_id)

    def log(self, message: str, level: str = "INFO") -> None:
        self.store.add_log(self.request_id, message, level)
