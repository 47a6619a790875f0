"""`framecast generate --url`: a real request on a real server, the video downloaded."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

import framecast.cli_remote as cli_remote
from framecast.cli import main
from framecast.client import SyncClient
from tests.support.server import RunningServer


def test_generate_on_a_server_downloads_the_video(server: RunningServer, tmp_path: Path) -> None:
    output = tmp_path / "remote.mp4"
    result = CliRunner().invoke(main, [
        "generate", "a red ball bouncing", "--url", server.url, "--key", server.key,
        "--duration", "1", "--aspect-ratio", "1:1", "--seed", "11", "-o", str(output),
    ])
    assert result.exit_code == 0, result.output
    data = output.read_bytes()
    assert data[4:8] == b"ftyp"
    summary = result.output.strip().splitlines()[-1]
    assert summary.startswith(f"{output}: 720x720, 24 frames, 1.00 s, seed 11, ")
    assert "(request " in summary
    assert "test pipeline: 4 steps" in result.output  # the worker's logs are shown


def test_generate_uploads_a_large_local_image(server: RunningServer, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    image = tmp_path / "frame.png"
    Image.new("RGB", (80, 60), (250, 200, 0)).save(image)
    uploads: list[str] = []
    real_upload = SyncClient.upload

    def recording_upload(self: SyncClient, data: bytes | str, content_type: str,
                         file_name: str | None = None, **kwargs: object) -> str:
        url = real_upload(self, data, content_type, file_name)
        uploads.append(url)
        return url

    monkeypatch.setattr(cli_remote, "INLINE_LIMIT", 0)
    monkeypatch.setattr(SyncClient, "upload", recording_upload)
    output = tmp_path / "i2v.mp4"
    result = CliRunner().invoke(main, [
        "generate", "it shines", "--endpoint", "fal-ai/pika/v2.2/image-to-video", "--image", str(image),
        "--duration", "1", "--url", server.url, "--key", server.key, "-o", str(output),
    ])
    assert result.exit_code == 0, result.output
    assert len(uploads) == 1 and uploads[0].endswith("/input.png")
    assert output.read_bytes()[4:8] == b"ftyp"


def test_generate_reports_server_errors(server: RunningServer, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, [
        "generate", "x", "--url", server.url, "--key", "nobody:nothing", "-o", str(tmp_path / "x.mp4"),
    ])
    assert result.exit_code == 2
    assert "error:" in result.output and "401" in result.output
