"""Decoding fetched bytes into the engine's InputImage and InputVideo."""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from fractions import Fraction
from typing import Literal

import av
import numpy as np
from PIL import Image, ImageOps

from framecast.engine.types import Frames, InputImage, InputVideo
from framecast.errors import InputError
from framecast.media.errors import image_load_error, image_too_large, video_load_error, video_too_large

__all__ = ["DEFAULT_VIDEO_FPS", "MAX_IMAGE_SIDE", "decode_image", "decode_video", "sniff_kind"]

MAX_IMAGE_SIDE = 8192
DEFAULT_VIDEO_FPS = 24.0
# Only these decoders run on untrusted bytes (Pillow would otherwise try some 40 formats). Camera
# JPEGs that Pillow opens as MPO come through the JPEG opener.
_IMAGE_FORMATS = ("PNG", "JPEG", "WEBP", "GIF", "BMP")
_WHITE = (255, 255, 255, 255)


def sniff_kind(data: bytes) -> Literal["image", "video"] | None:
    """A guess from the magic bytes; an animated GIF counts as an image."""
    head = data[:16]
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM")):
        return "image"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image"
    if head[4:8] == b"ftyp" or head.startswith(b"\x1a\x45\xdf\xa3"):  # ISO BMFF (mp4, mov); Matroska/WebM
        return "video"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "video"
    return None


def decode_image(data: bytes, field: str) -> InputImage:
    """RGB pixels (transparent areas shown over white) and the alpha channel when there is one."""
    try:
        with Image.open(io.BytesIO(data), formats=_IMAGE_FORMATS) as opened:
            # Checked on the header, before the pixels are decoded into memory.
            width, height = opened.size
            if max(width, height) > MAX_IMAGE_SIDE:
                raise image_too_large(field, (width, height), MAX_IMAGE_SIDE)
            opened.load()  # the first frame, for animated formats
            image = ImageOps.exif_transpose(opened)
            return _to_input_image(image, field)
    except Image.DecompressionBombError:
        raise image_too_large(field, None, MAX_IMAGE_SIDE) from None
    except InputError:
        raise
    except Exception:
        # Pillow reports malformed data through many exception types (OSError, SyntaxError, struct.error…).
        raise image_load_error(field) from None


def _to_input_image(image: Image.Image, field: str) -> InputImage:
    if image.mode in ("I", "I;16", "I;16L", "I;16B", "I;16N"):
        # 16-bit greyscale: Pillow's convert() clips it to 255 rather than scaling it down.
        grey = (np.asarray(image, dtype=np.uint32) >> 8).astype(np.uint8)
        image = Image.fromarray(grey)
    if not image.has_transparency_data:
        return InputImage(pixels=np.array(image.convert("RGB"), dtype=np.uint8), field=field)
    rgba = image.convert("RGBA")
    alpha = np.array(rgba.getchannel("A"), dtype=np.uint8)
    pixels = np.array(Image.alpha_composite(Image.new("RGBA", rgba.size, _WHITE), rgba).convert("RGB"), dtype=np.uint8)
    # InputImage carries alpha only when the image has transparency; an everywhere-opaque channel has none.
    return InputImage(pixels=pixels, field=field, alpha=None if alpha.min() == 255 else alpha)


def decode_video(
    data: bytes, field: str, max_seconds: float, max_side: int = 4096, *, max_decoded_bytes: int | None = None
) -> InputVideo:
    """The first ``max_seconds`` of the first video stream as RGB frames, upright.

    ``max_decoded_bytes`` bounds the frames held in memory: a small file can expand to tens of
    gigabytes of RGB (30 s of 4K at 60 fps is 45 GB), which would take the worker down with it.
    """
    try:
        container = av.open(io.BytesIO(data), mode="r")
    except Exception:
        raise video_load_error(field, "not a container FFmpeg recognises") from None
    with container:
        if not container.streams.video:
            raise video_load_error(field, "no video stream")
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        fps = _fps(stream.average_rate)
        time_base = stream.time_base or Fraction(1, 1)
        start = stream.start_time or 0
        errors: list[Exception] = []
        frames: list[Frames] = []
        for frame in _tolerant_decode(container, stream, errors):
            if max(frame.width, frame.height) > max_side:
                raise video_too_large(field, frame.width, frame.height, max_side)
            seconds = float((frame.pts - start) * time_base) if frame.pts is not None else len(frames) / fps
            if seconds >= max_seconds:
                break
            frames.append(_upright(frame, frames[0].shape if frames else None))
            if max_decoded_bytes is not None and len(frames) * frames[0].nbytes > max_decoded_bytes:
                raise video_too_large(field, frame.width, frame.height, max_side, max_decoded_bytes)
    if not frames:
        reason = str(errors[-1]) if errors else "no frames"
        raise video_load_error(field, reason)
    return InputVideo(frames=np.stack(frames), fps=fps, field=field)


def _tolerant_decode(
    container: av.container.InputContainer, stream: av.video.stream.VideoStream, errors: list[Exception]
) -> Iterator[av.VideoFrame]:
    """Every frame that decodes. Damaged packets are skipped (the decoder picks up again at the next
    keyframe) and a damaged or cut-off tail ends the stream; ``errors`` collects what went wrong."""
    try:
        for packet in container.demux(stream):
            try:
                decoded = packet.decode()
            except av.FFmpegError as exc:
                errors.append(exc)
                continue
            yield from decoded
    except av.FFmpegError as exc:
        errors.append(exc)


def _fps(rate: Fraction | None) -> float:
    value = float(rate) if rate else 0.0
    return value if math.isfinite(value) and value > 0 else DEFAULT_VIDEO_FPS


def _upright(frame: av.VideoFrame, shape: tuple[int, ...] | None) -> Frames:
    """The frame as shown by a player (display rotation applied), at the clip's first frame size."""
    quarter_turns = round(frame.rotation / 90) % 4
    if shape is not None:
        # Streams may change size mid-way; one array needs one size, so later frames are scaled.
        height, width = shape[:2]
        if quarter_turns % 2:
            height, width = width, height
        if (frame.width, frame.height) != (width, height):
            frame = frame.reformat(width=width, height=height)
    pixels = np.asarray(frame.to_ndarray(format="rgb24"), dtype=np.uint8)
    # rotation is counterclockwise, as np.rot90 turns.
    return np.ascontiguousarray(np.rot90(pixels, quarter_turns)) if quarter_turns else pixels
