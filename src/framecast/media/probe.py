"""What an MP4 actually contains, read back with PyAV (the ffprobe of the test suite)."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av

__all__ = ["ProbeInfo", "probe_mp4", "top_level_boxes"]


@dataclass(frozen=True)
class ProbeInfo:
    codec: str  # "h264"
    pix_fmt: str  # "yuv420p"
    width: int
    height: int
    fps: float  # the stream's average frame rate
    num_frames: int  # counted by decoding every frame
    duration: float  # the container's, in seconds (microsecond precision)
    stream_duration: Fraction | None  # the video stream's duration x time_base, exact
    faststart: bool  # moov before mdat: playback can start before the whole file has arrived


def probe_mp4(path: Path | str) -> ProbeInfo:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        num_frames = sum(1 for _ in container.decode(stream))
        stream_duration = (
            stream.duration * stream.time_base if stream.duration is not None and stream.time_base is not None else None
        )
        codec_context = stream.codec_context
        return ProbeInfo(
            codec=codec_context.name,
            pix_fmt=codec_context.pix_fmt or "",
            width=codec_context.width,
            height=codec_context.height,
            fps=float(stream.average_rate or 0),
            num_frames=num_frames,
            duration=(container.duration or 0) / av.time_base,
            stream_duration=stream_duration,
            faststart=_moov_before_mdat(top_level_boxes(path)),
        )


def top_level_boxes(path: Path | str) -> list[str]:
    """The types of the file's top-level ISO BMFF boxes, in order."""
    boxes: list[str] = []
    with open(path, "rb") as file:
        file.seek(0, 2)
        end = file.tell()
        offset = 0
        while offset + 8 <= end:
            file.seek(offset)
            size, kind = struct.unpack(">I4s", file.read(8))
            if size == 1:  # the real size follows as 64 bits
                (size,) = struct.unpack(">Q", file.read(8))
            elif size == 0:  # the box runs to the end of the file
                size = end - offset
            boxes.append(kind.decode("latin-1"))
            if size < 8:
                break  # corrupt: a box cannot be smaller than its header
            offset += size
    return boxes


def _moov_before_mdat(boxes: list[str]) -> bool:
    return "moov" in boxes and "mdat" in boxes and boxes.index("moov") < boxes.index("mdat")
