"""decode_video on real MP4, WebM and GIF bytes, and sniff_kind."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np
import pytest

from framecast.engine.types import Clip
from framecast.errors import InputError
from framecast.media.decode import decode_video, sniff_kind
from framecast.media.encode import encode_mp4

from .samples import gif_bytes, image_bytes, moving_frames, quadrants, video_bytes

FIELD = "video_url"


def bar_column(frame: np.ndarray) -> int:
    """Where the white bar of samples.moving_frames is: the first column whose blue is bright."""
    return int(np.argmax(frame[frame.shape[0] // 2, :, 2] > 128))


def test_mp4_frames_fps_and_order() -> None:
    video = decode_video(video_bytes(64, 48, 24, 30), FIELD, max_seconds=30)
    assert video.frames.shape == (30, 48, 64, 3)
    assert video.frames.dtype == np.uint8
    assert (video.fps, video.field) == (24.0, FIELD)
    assert [bar_column(f) for f in video.frames[:10]] == [i * 4 for i in range(10)]


def test_content_survives_decoding() -> None:
    expected = list(moving_frames(64, 48, 5))
    video = decode_video(video_bytes(64, 48, 24, 5), FIELD, max_seconds=30)
    assert float(np.abs(video.frames[2].astype(int) - expected[2]).mean()) < 6


@pytest.mark.parametrize(("seconds", "frames"), [(1.0, 24), (1.5, 36), (2.9, 70), (10, 72)])
def test_longer_inputs_are_truncated(seconds: float, frames: int) -> None:
    video = decode_video(video_bytes(32, 32, 24, 72), FIELD, max_seconds=seconds)
    assert video.num_frames == frames


def test_other_frame_rates_are_kept() -> None:
    assert decode_video(video_bytes(32, 32, 15, 10), FIELD, max_seconds=5).fps == 15.0


def test_webm_vp9() -> None:
    video = decode_video(video_bytes(64, 48, 30, 12, codec="libvpx-vp9", format="webm"), FIELD, max_seconds=5)
    assert video.frames.shape == (12, 48, 64, 3)
    assert video.fps == 30.0


def test_animated_gif_as_video() -> None:
    video = decode_video(gif_bytes([10, 60, 110, 160, 210], duration_ms=100), FIELD, max_seconds=5)
    assert video.frames.shape == (5, 20, 30, 3)
    assert video.fps == 10.0
    assert [int(f[0, 0, 0]) for f in video.frames] == [10, 60, 110, 160, 210]


def test_display_rotation_is_applied() -> None:
    video = decode_video(video_bytes(64, 32, 24, 3, rotation=90), FIELD, max_seconds=5)
    assert video.frames.shape == (3, 64, 32, 3)
    # 90 degrees counterclockwise: the bar (a column at x=4 in frame 1) becomes a row near the bottom.
    upright = np.rot90(list(moving_frames(64, 32, 2))[1])
    assert float(np.abs(video.frames[1].astype(int) - upright).mean()) < 6


def faststart_mp4(tmp_path: Path, count: int) -> bytes:
    """An MP4 with its index first, as a cut-off download of one would arrive."""
    path = tmp_path / "input.mp4"
    encode_mp4(Clip(64, 48, 24, count, moving_frames(64, 48, count)), path)
    return path.read_bytes()


def test_cut_off_tail_keeps_the_frames_before_it(tmp_path: Path) -> None:
    data = faststart_mp4(tmp_path, 48)
    video = decode_video(data[: int(len(data) * 0.9)], FIELD, max_seconds=10)
    assert 0 < video.num_frames < 48
    assert [bar_column(f) for f in video.frames[:5]] == [0, 4, 8, 12, 16]


def test_damaged_packet_is_skipped(tmp_path: Path) -> None:
    data = bytearray(faststart_mp4(tmp_path, 48))
    middle = len(data) // 2
    data[middle : middle + 100] = b"\x55" * 100
    video = decode_video(bytes(data), FIELD, max_seconds=10)
    assert 40 <= video.num_frames < 48


def test_side_limit() -> None:
    with pytest.raises(InputError) as caught:
        decode_video(video_bytes(64, 48, 24, 3), FIELD, max_seconds=5, max_side=60)
    assert caught.value.error_type == "video_too_large"
    assert caught.value.errors[0].loc == ("body", "video_url")


def test_decoded_size_limit() -> None:
    frame_bytes = 48 * 64 * 3
    data = video_bytes(64, 48, 24, 10)
    assert decode_video(data, FIELD, max_seconds=5, max_decoded_bytes=10 * frame_bytes).num_frames == 10
    with pytest.raises(InputError) as caught:
        decode_video(data, FIELD, max_seconds=5, max_decoded_bytes=10 * frame_bytes - 1)
    assert caught.value.error_type == "video_too_large"
    assert caught.value.errors[0].ctx == {"max_decoded_bytes": 10 * frame_bytes - 1}


def wav() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\0\0" * 8000)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda: b"", "not a container"),
        (lambda: b"definitely not a video" * 100, "not a container"),
        (wav, "no video stream"),
        (lambda: video_bytes(64, 48, 24, 24)[:600], ""),  # moov at the end, so a cut file has no index
    ],
    ids=["empty", "garbage", "audio-only", "truncated"],
)
def test_undecodable(make: object, reason: str) -> None:
    with pytest.raises(InputError) as caught:
        decode_video(make(), "videos.1.url", max_seconds=5)  # type: ignore[operator]
    error = caught.value
    assert (error.error_type, error.status_code) == ("video_load_error", 422)
    assert error.errors[0].loc == ("body", "videos", 1, "url")
    assert error.message.startswith("videos.1.url: could not decode a video")
    assert reason in error.message


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (image_bytes(quadrants(), "PNG"), "image"),
        (image_bytes(quadrants(), "JPEG"), "image"),
        (image_bytes(quadrants(), "WEBP"), "image"),
        (image_bytes(quadrants(), "BMP"), "image"),
        (gif_bytes([1, 2]), "image"),
        (video_bytes(32, 32, 24, 2), "video"),
        (video_bytes(32, 32, 24, 2, codec="libvpx-vp9", format="webm"), "video"),
        (b"plain text", None),
        (b"", None),
    ],
)
def test_sniff_kind(data: bytes, kind: str | None) -> None:
    assert sniff_kind(data) == kind
