"""encode_mp4: exact size, frame count and duration; clean failure."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from framecast.engine.types import Clip, Frames
from framecast.errors import Cancelled
from framecast.media.encode import encode_mp4
from framecast.media.probe import probe_mp4

from .samples import moving_frames


def bar_column(frame: np.ndarray) -> int:
    return int(np.argmax(frame[frame.shape[0] // 2, :, 2] > 128))


@pytest.mark.parametrize(
    ("width", "height", "fps", "num_frames"),
    [
        (1280, 720, 24, 48),  # 2 s of 720p
        (320, 240, 7, 13),  # odd frame rate and count: 13/7 s is not a whole number of milliseconds
        (160, 90, 30, 31),
        (90, 160, 25, 50),  # portrait
        (64, 64, 60, 7),
        (64, 48, 1, 3),
        (64, 48, 24, 1),
    ],
)
def test_exact_size_count_and_duration(tmp_path: Path, width: int, height: int, fps: int, num_frames: int) -> None:
    path = tmp_path / "out.mp4"
    info = encode_mp4(Clip(width, height, fps, num_frames, moving_frames(width, height, num_frames)), path)
    probe = probe_mp4(path)
    assert (probe.codec, probe.pix_fmt, probe.faststart) == ("h264", "yuv420p", True)
    assert (probe.width, probe.height, probe.num_frames, probe.fps) == (width, height, num_frames, fps)
    assert probe.stream_duration == Fraction(num_frames, fps)
    assert probe.duration == pytest.approx(num_frames / fps, abs=1e-6)
    assert (info.width, info.height, info.fps, info.num_frames) == (width, height, fps, num_frames)
    assert info.duration == num_frames / fps
    assert info.file_size == path.stat().st_size
    assert info.content_type == "video/mp4"


def test_pictures_and_order_survive(tmp_path: Path) -> None:
    path = tmp_path / "out.mp4"
    source = list(moving_frames(128, 64, 12))
    encode_mp4(Clip(128, 64, 24, 12, iter(source)), path, crf=12)
    with av.open(str(path)) as container:
        decoded = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert [bar_column(f) for f in decoded] == [i * 4 for i in range(12)]
    # The decoder reads the BT.709 tags, so colours come back where they started.
    assert float(np.abs(decoded[5].astype(int) - source[5]).mean()) < 3


def test_colour_is_tagged_bt709(tmp_path: Path) -> None:
    path = tmp_path / "out.mp4"
    encode_mp4(Clip(64, 48, 24, 2, moving_frames(64, 48, 2)), path)
    with av.open(str(path)) as container:
        context = container.streams.video[0].codec_context
        assert (context.colorspace, context.color_primaries, context.color_trc, context.color_range) == (1, 1, 1, 1)


def test_batches_and_single_frames_mix(tmp_path: Path) -> None:
    frames = list(moving_frames(64, 48, 10))
    chunks: list[Frames] = [np.stack(frames[:4]), frames[4], np.stack(frames[5:])]
    encode_mp4(Clip(64, 48, 24, 10, chunks), tmp_path / "out.mp4")
    assert probe_mp4(tmp_path / "out.mp4").num_frames == 10


def test_non_contiguous_frames_are_accepted(tmp_path: Path) -> None:
    wide = list(moving_frames(128, 48, 4))
    views = [frame[:, ::2] for frame in wide]  # strided views, as a pipeline's slicing produces
    encode_mp4(Clip(64, 48, 24, 4, views), tmp_path / "out.mp4")
    assert probe_mp4(tmp_path / "out.mp4").num_frames == 4


def test_preset_and_crf_are_used(tmp_path: Path) -> None:
    frames = list(moving_frames(256, 144, 24))
    small = encode_mp4(Clip(256, 144, 24, 24, iter(frames)), tmp_path / "a.mp4", preset="ultrafast", crf=40)
    large = encode_mp4(Clip(256, 144, 24, 24, iter(frames)), tmp_path / "b.mp4", preset="ultrafast", crf=5)
    assert small.file_size < large.file_size


def test_frames_render_in_another_thread(tmp_path: Path) -> None:
    threads: set[int] = set()

    def frames() -> Iterator[Frames]:
        for frame in moving_frames(64, 48, 6):
            threads.add(threading.get_ident())
            yield frame

    encode_mp4(Clip(64, 48, 24, 6, frames()), tmp_path / "out.mp4")
    assert threads and threading.get_ident() not in threads


def failing(exc: BaseException, after: int, closed: list[bool]) -> Iterator[Frames]:
    try:
        yield from moving_frames(64, 48, after)
        raise exc
    finally:
        closed.append(True)


def test_producer_exception_propagates_unchanged_and_leaves_no_file(tmp_path: Path) -> None:
    cancelled = Cancelled("request abc was cancelled")
    closed: list[bool] = []
    path = tmp_path / "out.mp4"
    with pytest.raises(Cancelled) as caught:
        encode_mp4(Clip(64, 48, 24, 48, failing(cancelled, 20, closed)), path)
    assert caught.value is cancelled
    assert list(tmp_path.iterdir()) == []
    assert closed == [True]


def test_a_failed_encode_leaves_an_existing_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "out.mp4"
    path.write_bytes(b"previous result")
    with pytest.raises(RuntimeError):
        encode_mp4(Clip(64, 48, 24, 10, failing(RuntimeError("boom"), 3, [])), path)
    assert path.read_bytes() == b"previous result"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.mp4"]


def wrong_frame_at(index: int, bad: Frames) -> Iterator[Frames]:
    for i, frame in enumerate(moving_frames(64, 48, 10)):
        yield bad if i == index else frame


@pytest.mark.parametrize(
    ("frames", "message"),
    [
        (lambda: wrong_frame_at(3, np.zeros((48, 66, 3), np.uint8)), "frame 3 is uint8 (48, 66, 3)"),
        (lambda: wrong_frame_at(0, np.zeros((48, 64, 4), np.uint8)), "frame 0"),
        (lambda: wrong_frame_at(5, np.zeros((48, 64, 3), np.float32)), "frame 5 is float32"),
        (lambda: moving_frames(64, 48, 7), "yielded 7 frames, not its num_frames=10"),
        (lambda: moving_frames(64, 48, 11), "more than its num_frames=10"),
    ],
    ids=["width", "channels", "dtype", "too-few", "too-many"],
)
def test_pipeline_bugs_are_value_errors(tmp_path: Path, frames: object, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        encode_mp4(Clip(64, 48, 24, 10, frames()), tmp_path / "out.mp4")  # type: ignore[operator]
    assert list(tmp_path.iterdir()) == []


def test_stopping_early_closes_the_producer(tmp_path: Path) -> None:
    closed: list[bool] = []

    def endless() -> Iterator[Frames]:
        try:
            while True:
                yield np.zeros((48, 64, 3), np.uint8)
        finally:
            closed.append(True)

    with pytest.raises(ValueError):
        encode_mp4(Clip(64, 48, 24, 5, endless()), tmp_path / "out.mp4")
    assert closed == [True]
    assert not [t for t in threading.enumerate() if t.name == "framecast-prefetch"]


@pytest.mark.parametrize(
    ("width", "height", "fps", "count"), [(63, 48, 24, 1), (64, 47, 24, 1), (64, 48, 0, 1), (64, 48, 24, 0)]
)
def test_impossible_clips(tmp_path: Path, width: int, height: int, fps: int, count: int) -> None:
    with pytest.raises(ValueError):
        encode_mp4(Clip(width, height, fps, count, []), tmp_path / "out.mp4")
