"""A real framecast server in a subprocess, on a free loopback port, for end-to-end tests."""

from __future__ import annotations

import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from framecast.store import open_store

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_key(home: Path) -> str:
    home.mkdir(parents=True, exist_ok=True)
    store = open_store(f"sqlite:///{home / 'framecast.db'}")
    try:
        key, secret = store.create_key("test")
    finally:
        store.close()
    return f"{key.id}:{secret}"


@dataclass
class RunningServer:
    home: Path
    port: int
    key: str
    env: dict[str, str]
    args: list[str]
    tls: bool = False
    proc: subprocess.Popen[bytes] | None = None
    log_path: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log_path = self.home / "server.log"

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Key {self.key}"}

    def start(self, timeout: float = 60.0) -> RunningServer:
        self.home.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "framecast", "serve", "--port", str(self.port), *self.args],
            env=self.env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        try:
            self._wait_healthy(timeout)
        except BaseException:
            self.stop(signal.SIGKILL)  # never leave a half-started server behind
            raise
        return self

    def _wait_healthy(self, timeout: float) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        cert = self.home / "tls" / "cert.pem"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.logs()}")
            if self.tls and not cert.exists():  # the server makes its certificate as it starts
                time.sleep(0.1)
                continue
            verify = ssl.create_default_context(cafile=str(cert)) if self.tls else True
            try:
                if httpx.get(f"{self.url}/health", timeout=1, verify=verify).status_code == 200:
                    return
            except (httpx.HTTPError, OSError):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server did not start:\n{self.logs()}")

    def worker_pids(self) -> list[int]:
        """PIDs of the worker processes this server spawned."""
        assert self.proc is not None
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout
        return [int(p) for p in out.split()]

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            self._close_log()
            return
        os.killpg(self.proc.pid, sig) if sig == signal.SIGKILL else self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self._close_log()

    def _close_log(self) -> None:
        log = getattr(self, "_log", None)
        if log is not None and not log.closed:
            log.close()

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def server_env(home: Path, pipeline: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "FRAMECAST_HOME": str(home),
        "FRAMECAST_DEFAULT_PIPELINE": pipeline,
        "FRAMECAST_ALLOW_LOOPBACK_URLS": "true",
        "FRAMECAST_LEASE_SECONDS": "3",
        "FRAMECAST_HEARTBEAT_SECONDS": "0.5",
        "PYTHONPATH": os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
        "HF_HUB_OFFLINE": "1",
    })
    env.update(extra)
    return env


def launch(home: Path, pipeline: str = "tests.fixtures.pipelines:quick", workers: int = 1,
           tls: bool = False, **extra_env: str) -> RunningServer:
    key = make_key(home)
    args = ["--workers", str(workers)] + (["--tls"] if tls else [])
    return RunningServer(home, free_port(), key, server_env(home, pipeline, **extra_env), args, tls).start()
