"""Encoding a pipeline's Clip to an H.264 MP4 that plays everywhere and lasts exactly num_frames/fps."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from framecast.engine.types import Clip, Frames
from framecast.media.prefetch import prefetched
from framecast.media.yuv import Yuv420pConverter, tag_bt709

__all__ = ["VideoInfo", "encode_mp4"]

# Frames rendered ahead of the encoder: enough to ride out uneven render times, few enough that a
# 1080p backlog stays small (6 MB a frame).
PREFETCH_DEPTH = 4


@dataclass(frozen=True)
class VideoInfo:
    width: int
    height: int
    fps: int
    num_frames: int
    duration: float
    file_size: int
    content_type: str = "video/mp4"


def encode_mp4(clip: Clip, path: Path, *, preset: str = "veryfast", crf: int = 20) -> VideoInfo:
    """Write ``clip`` to ``path`` (H.264, yuv420p, moov first) and describe the result.

    The file appears at ``path`` only when complete. A clip whose frames have the wrong size or count
    raises ValueError; an exception raised while rendering frames propagates unchanged.

    The clip's frames are pulled on a helper thread (see ``prefetch``), so a clip must not reuse a
    frame's array after yielding it, and must enter any thread-local mode it relies on (such as
    ``torch.inference_mode()``) inside its own generator.
    """
    _check_clip(clip)
    path = Path(path)
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.partial")
    try:
        with prefetched(clip.iter_frames(), PREFETCH_DEPTH) as frames:
            _write(clip, frames, partial, preset=preset, crf=crf)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return VideoInfo(
        width=clip.width,
        height=clip.height,
        fps=clip.fps,
        num_frames=clip.num_frames,
        duration=clip.num_frames / clip.fps,
        file_size=path.stat().st_size,
    )


def _check_clip(clip: Clip) -> None:
    if clip.width <= 0 or clip.height <= 0 or clip.width % 2 or clip.height % 2:
        raise ValueError(f"yuv420p needs a positive even width and height, got {clip.width}x{clip.height}")
    if clip.fps <= 0 or clip.num_frames <= 0:
        raise ValueError(f"a clip needs fps > 0 and num_frames > 0, got {clip.fps} and {clip.num_frames}")


def _write(clip: Clip, frames: Iterator[Frames], path: Path, *, preset: str, crf: int) -> None:
    container = av.open(
        str(path),
        mode="w",
        format="mp4",
        options={
            "movflags": "+faststart",
            # The edit list that offsets B-frame delay is written in the movie timescale (default
            # 1/1000 s), which would round 13 frames at 7 fps to 1.857 s; a multiple of fps keeps it exact.
            "movie_timescale": str(clip.fps * 1000),
        },
    )
    try:
        stream = container.add_stream("libx264", rate=clip.fps)
        stream.width = clip.width
        stream.height = clip.height
        stream.pix_fmt = "yuv420p"
        stream.time_base = Fraction(1, clip.fps)  # so frame index is pts and durations are whole ticks
        stream.options = {"preset": preset, "crf": str(crf)}
        tag_bt709(stream.codec_context)
        convert = Yuv420pConverter()
        count = 0
        for pixels in frames:
            if count == clip.num_frames:
                raise ValueError(f"the clip yielded more than its num_frames={clip.num_frames} frames")
            _check_frame(pixels, clip, count)
            frame = convert(pixels)
            frame.pts = count
            container.mux(stream.encode(frame))
            count += 1
        if count != clip.num_frames:
            raise ValueError(f"the clip yielded {count} frames, not its num_frames={clip.num_frames}")
        container.mux(stream.encode(None))
    except BaseException:
        # Closing writes the trailer, which may fail on a half-written file; the original error matters.
        with contextlib.suppress(Exception):
            container.close()
        raise
    container.close()


def _check_frame(pixels: Frames, clip: Clip, index: int) -> None:
    expected = (clip.height, clip.width, 3)
    if pixels.shape != expected or pixels.dtype != np.uint8:
        raise ValueError(
            f"frame {index} is {pixels.dtype} {pixels.shape}; a {clip.width}x{clip.height} clip needs "
            f"uint8 frames of shape {expected}"
        )
