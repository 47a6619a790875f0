"""The command line: generate in-process, keys, endpoints, models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from framecast.cli import main
from framecast.media import probe_mp4
from tests.e2e.conftest import png_bytes


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"FRAMECAST_HOME": str(tmp_path / "home"), "FRAMECAST_DEFAULT_PIPELINE": "tests.fixtures.pipelines:quick",
            "FRAMECAST_X264_PRESET": "ultrafast"}


def test_generate_in_process_writes_the_exact_video(tmp_path: Path, env: dict[str, str]) -> None:
    out = tmp_path / "clip.mp4"
    result = CliRunner().invoke(main, ["generate", "a red ball", "--aspect-ratio", "1:1", "--duration", "2",
                                       "--seed", "4", "-o", str(out)], env=env)
    assert result.exit_code == 0, result.output
    assert "seed 4" in result.output
    probe = probe_mp4(out)
    assert (probe.width, probe.height, probe.num_frames, probe.duration) == (720, 720, 48, 2.0)


def test_generate_from_a_local_image(tmp_path: Path, env: dict[str, str]) -> None:
    image = tmp_path / "in.png"
    image.write_bytes(png_bytes(size=(120, 80)))
    out = tmp_path / "i2v.mp4"
    result = CliRunner().invoke(main, ["generate", "it rolls", "--endpoint", "fal-ai/pika/v2.2/image-to-video",
                                       "--image", str(image), "--duration", "1", "-o", str(out)], env=env)
    assert result.exit_code == 0, result.output
    assert (probe_mp4(out).width, probe_mp4(out).height) == (1080, 720)


@pytest.mark.parametrize(("args", "message"), [
    (["generate", "x", "--duration", "30"], "duration"),
    (["generate", "", "--endpoint", "fal-ai/pika/v2.2/image-to-video", "--image", "/no/such.png"], "no such file"),
    (["generate", "x", "--endpoint", "fal-ai/nope"], "unknown endpoint"),
])
def test_generate_bad_input_is_a_clear_error(tmp_path: Path, env: dict[str, str], args: list[str],
                                             message: str) -> None:
    result = CliRunner().invoke(main, [*args, "-o", str(tmp_path / "x.mp4")], env=env)
    assert result.exit_code != 0
    assert message in result.output.lower()
    assert not (tmp_path / "x.mp4").exists()


def test_keys_create_list_revoke(env: dict[str, str]) -> None:
    runner = CliRunner()
    created = runner.invoke(main, ["keys", "create", "--name", "ci"], env=env)
    assert created.exit_code == 0
    key_id, secret = created.output.strip().split(":")
    assert len(secret) > 30
    listed = runner.invoke(main, ["keys", "list"], env=env).output
    assert key_id in listed and "active" in listed and secret not in listed
    assert runner.invoke(main, ["keys", "revoke", key_id], env=env).exit_code == 0
    assert "revoked" in runner.invoke(main, ["keys", "list"], env=env).output
    assert runner.invoke(main, ["keys", "revoke", key_id], env=env).exit_code == 1


def test_endpoints_lists_the_catalog_with_pipelines(env: dict[str, str]) -> None:
    rows = json.loads(CliRunner().invoke(main, ["endpoints", "--json"], env=env).output)
    assert len(rows) == 10
    assert {r["pipeline"] for r in rows} == {"tests.fixtures.pipelines:quick"}
