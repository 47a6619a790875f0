"""Fixtures for whole flows: real server processes, loopback webhook receivers, sample media."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.support.server import RunningServer, free_port, launch


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """One server for a module: the quick test pipeline, a short step delay so statuses can be seen."""
    s = launch(tmp_path_factory.mktemp("e2e"), workers=1, FRAMECAST_TEST_STEPS="5",
               FRAMECAST_TEST_STEP_SECONDS="0.05", FRAMECAST_WEBHOOK_WINDOW_SECONDS="4",
               FRAMECAST_WEBHOOK_MAX_ATTEMPTS="4")
    yield s
    s.stop()


class Receiver:
    """A webhook receiver on loopback that records every delivery (and can be told to fail)."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.deliveries: list[tuple[dict[str, str], bytes]] = []
        self.fail_with: int | None = None
        self.received = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> Receiver:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if outer.fail_with:
                    self.send_response(outer.fail_with)
                    self.end_headers()
                    return
                outer.deliveries.append((dict(self.headers.items()), body))
                outer.received.set()
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    def payloads(self) -> list[dict[str, object]]:
        return [json.loads(body) for _, body in self.deliveries]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver().start()
    yield r
    r.stop()


def png_bytes(colour: tuple[int, int, int] = (200, 30, 30), size: tuple[int, int] = (96, 64)) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", size, (235, 235, 235))
    ImageDraw.Draw(img).ellipse((size[0] // 4, size[1] // 4, 3 * size[0] // 4, 3 * size[1] // 4), fill=colour)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def png_file(tmp_path: Path) -> Path:
    path = tmp_path / "ball.png"
    path.write_bytes(png_bytes())
    return path
