"""Worker processes spawned by `framecast serve`: started, watched, replaced.

A worker that dies is replaced (its request is claimed again once the lease lapses). A worker whose
request was cancelled but which has not stopped within the grace period is killed: the request
completes as cancelled and a fresh worker takes its place, so a stuck model cannot hold the GPU.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
import time

from framecast.config import Settings
from framecast.store import JobStore
from framecast.store.sql.requests import cancelled_failure

log = logging.getLogger("framecast.supervisor")

RESTART_BACKOFF_MAX = 30.0


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that makes a child process read the same Settings."""
    env = dict(os.environ)
    for name, value in settings.model_dump(mode="json", exclude_none=True).items():
        key = f"FRAMECAST_{name.upper()}"
        env[key] = value if isinstance(value, str) else json.dumps(value)
    return env


class Supervisor:
    def __init__(self, settings: Settings, store: JobStore, count: int) -> None:
        self.settings = settings
        self.store = store
        self.count = count
        self.procs: list[subprocess.Popen[bytes] | None] = [None] * count
        self._failures = [0] * count
        self._started = [0.0] * count
        self._restart_at: list[float | None] = [None] * count
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="supervisor", daemon=True)

    def start(self) -> None:
        for i in range(self.count):
            self._spawn(i)
        self._thread.start()

    def _spawn(self, i: int) -> None:
        cmd = [sys.executable, "-m", "framecast", "worker"]
        self.procs[i] = subprocess.Popen(cmd, env=settings_env(self.settings))
        self._started[i] = time.monotonic()
        log.info("started worker process %d (pid %d)", i, self.procs[i].pid)  # type: ignore[union-attr]

    def pids(self) -> list[int]:
        return [p.pid for p in self.procs if p is not None and p.poll() is None]

    def _watch(self) -> None:
        while not self._stop.wait(0.5):
            try:
                self._replace_dead()
                self._kill_stuck()
            except Exception:
                log.exception("supervisor tick failed")

    def _replace_dead(self) -> None:
        now = time.monotonic()
        for i, proc in enumerate(self.procs):
            if proc is None or proc.poll() is None:
                continue
            if self._restart_at[i] is None:
                # A worker that keeps dying at start-up (bad config) is restarted ever more slowly.
                crashed_early = now - self._started[i] < 30.0
                self._failures[i] = self._failures[i] + 1 if crashed_early else 0
                delay = min(RESTART_BACKOFF_MAX, 0.25 * 2 ** self._failures[i]) if crashed_early else 0.0
                self._restart_at[i] = now + delay
                log.warning("worker process %d exited with %s; restarting in %.1f s", i, proc.returncode, delay)
            if now >= (self._restart_at[i] or 0.0):
                self._restart_at[i] = None
                self._spawn(i)

    def _kill_stuck(self) -> None:
        for rec in self.store.stuck_cancellations(self.settings.cancel_grace_seconds):
            pid = _pid_of(rec.worker_id)
            for i, proc in enumerate(self.procs):
                if proc is not None and proc.pid == pid and proc.poll() is None:
                    log.warning("worker pid %d ignored the cancel of %s; killing it", pid, rec.id)
                    proc.kill()
                    proc.wait(timeout=10)
                    self.store.fail(rec.id, cancelled_failure())
                    self._spawn(i)

    def stop(self, timeout: float = 20.0) -> None:
        self._stop.set()
        for proc in self.procs:
            if proc is not None and proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + timeout
        for proc in self.procs:
            if proc is None:
                continue
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _pid_of(worker_id: str | None) -> int | None:
    try:
        return int((worker_id or "").split(":")[1])
    except (IndexError, ValueError):
        return None
