"""Real media bytes built in the tests: images with Pillow, videos with PyAV."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator
from fractions import Fraction

import av
import numpy as np
from PIL import Image

from framecast.engine.types import Frames


def image_bytes(image: Image.Image, format: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=format, **params)
    return buffer.getvalue()


def quadrants(width: int = 40, height: int = 20) -> Image.Image:
    """Red top-left, green top-right, blue bottom-left, white bottom-right: shows any turn or flip."""
    pixels = np.zeros((height, width, 3), np.uint8)
    pixels[: height // 2, : width // 2] = (255, 0, 0)
    pixels[: height // 2, width // 2 :] = (0, 255, 0)
    pixels[height // 2 :, : width // 2] = (0, 0, 255)
    pixels[height // 2 :, width // 2 :] = (255, 255, 255)
    return Image.fromarray(pixels)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims a size its (empty) data never fills: a decompression bomb's calling card."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def moving_frames(width: int, height: int, count: int) -> Iterator[Frames]:
    """A bar sweeping across a gradient; frame i has its bar at column i * 4."""
    for index in range(count):
        frame = np.zeros((height, width, 3), np.uint8)
        frame[..., 1] = np.linspace(0, 200, width, dtype=np.uint8)[None, :]
        frame[:, (index * 4) % width : (index * 4) % width + 4] = (255, 255, 255)
        yield frame


def video_bytes(
    width: int,
    height: int,
    fps: int,
    count: int,
    *,
    codec: str = "libx264",
    format: str = "mp4",
    rotation: int | None = None,
) -> bytes:
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format=format) as container:
        stream = container.add_stream(codec, rate=fps)
        assert isinstance(stream, av.video.stream.VideoStream)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.time_base = Fraction(1, fps)
        if rotation is not None:
            stream.set_display_rotation(rotation)
        for index, pixels in enumerate(moving_frames(width, height, count)):
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            frame.pts = index
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return buffer.getvalue()


def gif_bytes(shades: list[int], duration_ms: int = 100, size: tuple[int, int] = (30, 20)) -> bytes:
    frames = [Image.new("RGB", size, (shade, shade, shade)) for shade in shades]
    return image_bytes(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=duration_ms, loop=0)
