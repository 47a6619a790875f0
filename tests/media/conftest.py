"""A small HTTP server on 127.0.0.1 serving the cases the fetcher must handle."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

PNG_BODY = b"\x89PNG\r\n\x1a\n" + b"not really a png, but bytes to fetch" * 10
HUGE_SIZE = 4 * 1024 * 1024


@dataclass
class Recorded:
    hosts: list[str | None] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)


class Handler(BaseHTTPRequestHandler):
    recorded: Recorded
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def handle(self) -> None:
        # The client hangs up mid-body past its size limit, as it should; that is no server error.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            super().handle()

    def do_GET(self) -> None:
        self.recorded.hosts.append(self.headers.get("Host"))
        self.recorded.paths.append(self.path)
        self.route()

    def send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def route(self) -> None:
        path = self.path if self.path.startswith("/to?") else self.path.split("?", 1)[0]
        if path == "/image.png":
            self.send(200, PNG_BODY, {"Content-Type": "image/png; charset=binary"})
        elif path.startswith("/redirect/"):
            hops = int(path.rsplit("/", 1)[1])
            # Relative Locations, as many servers send them.
            target = "/image.png" if hops <= 1 else f"/redirect/{hops - 1}"
            self.send(302, headers={"Location": target})
        elif path.startswith("/to?"):
            self.send(307, headers={"Location": path.split("?", 1)[1]})
        elif path == "/missing":
            self.send(404, b"no such file")
        elif path == "/broken":
            self.send(500, b"oops")
        elif path == "/slow":
            time.sleep(2)
            self.send(200, b"late")
        elif path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            for _ in range(100):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.05)
        elif path == "/huge-declared":
            self.send_response(200)
            self.send_header("Content-Length", str(HUGE_SIZE))
            self.end_headers()
            self.wfile.write(b"\0" * 1024)  # then stalls: the client must not wait for the rest
        elif path == "/huge-chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            block = b"\0" * 65536
            for _ in range(HUGE_SIZE // len(block)):
                self.wfile.write(f"{len(block):x}\r\n".encode() + block + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send(404)


@dataclass
class FileServer:
    url: str
    port: int
    recorded: Recorded


@pytest.fixture(scope="session")
def file_server() -> Iterator[FileServer]:
    recorded = Recorded()
    handler = type("BoundHandler", (Handler,), {"recorded": recorded})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    try:
        yield FileServer(f"http://127.0.0.1:{port}", port, recorded)
    finally:
        server.shutdown()
        server.server_close()
