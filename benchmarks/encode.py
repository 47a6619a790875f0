"""How fast framecast encodes: RGB->yuv420p conversion routes, and whole clips at output sizes.

    python benchmarks/encode.py [--frames 120] [--preset veryfast]

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from av.video.reformatter import ColorRange, Colorspace

from framecast.engine.types import Clip, Frames
from framecast.media.encode import encode_mp4
from framecast.media.probe import probe_mp4
from framecast.media.yuv import Yuv420pConverter

SIZES = [(1280, 720), (720, 1280), (1920, 1080), (1080, 1920)]
FPS = 24


def scene(width: int, height: int, num_frames: int) -> Iterator[Frames]:
    """A panning colour gradient with a moving disc: cheap to render (slices and copies), not trivial
    to compress, so the figures are the encoder's rather than the renderer's."""
    ys, xs = np.mgrid[0:height, 0 : width * 2].astype(np.float32)
    backdrop = np.empty((height, width * 2, 3), np.uint8)
    backdrop[..., 0] = (xs * (510 / width)) % 256
    backdrop[..., 1] = ys * (255 / height)
    backdrop[..., 2] = 96
    radius = min(width, height) // 8
    disc_ys, disc_xs = np.mgrid[-radius:radius, -radius:radius]
    disc = disc_xs**2 + disc_ys**2 < radius**2
    for index in range(num_frames):
        phase = index / num_frames
        pan = int(width * phase)
        frame = backdrop[:, pan : pan + width].copy()
        cx = radius + int((width - 2 * radius) * phase)
        cy = radius + int((height - 2 * radius) * (0.5 + 0.5 * np.sin(6.28 * phase)))
        frame[cy - radius : cy + radius, cx - radius : cx + radius][disc] = (250, 240, 230)
        yield frame


# Conversion routes -----------------------------------------------------------------------------

_BT709_Y = np.array([0.2126, 0.7152, 0.0722], np.float32)
_BT709_UV = np.array([[-0.1146, -0.3854, 0.5], [0.5, -0.4542, -0.0458]], np.float32)


def via_from_ndarray(pixels: Frames) -> av.VideoFrame:
    return av.VideoFrame.from_ndarray(pixels, format="rgb24").reformat(
        format="yuv420p", dst_colorspace=Colorspace.ITU709, dst_color_range=ColorRange.MPEG
    )


def via_numpy(pixels: Frames) -> av.VideoFrame:
    height, width = pixels.shape[:2]
    rgb = pixels.astype(np.float32)
    out = np.empty((height * 3 // 2, width), np.uint8)
    out[:height] = np.clip(rgb @ (_BT709_Y * 219 / 255) + 16.5, 0, 255)
    half = rgb.reshape(height // 2, 2, width // 2, 2, 3).mean(axis=(1, 3))
    uv = np.clip(half @ (_BT709_UV.T * 224 / 255) + 128.5, 0, 255)
    quarter = height // 4
    out[height : height + quarter] = uv[..., 0].reshape(quarter, width)
    out[height + quarter :] = uv[..., 1].reshape(quarter, width)
    return av.VideoFrame.from_ndarray(out, format="yuv420p")


def via_torch() -> Callable[[Frames], av.VideoFrame] | None:
    try:
        import torch
    except ImportError:
        return None
    y_weights = torch.from_numpy(_BT709_Y * 219 / 255)
    uv_weights = torch.from_numpy(_BT709_UV.T * 224 / 255)

    def convert(pixels: Frames) -> av.VideoFrame:
        height, width = pixels.shape[:2]
        rgb = torch.from_numpy(pixels).float()
        out = torch.empty((height * 3 // 2, width), dtype=torch.uint8)
        out[:height] = (rgb @ y_weights + 16.5).clamp_(0, 255)
        half = torch.nn.functional.avg_pool2d(rgb.permute(2, 0, 1)[None], 2)[0].permute(1, 2, 0)
        uv = (half @ uv_weights + 128.5).clamp_(0, 255)
        quarter = height // 4
        out[height : height + quarter] = uv[..., 0].reshape(quarter, width)
        out[height + quarter :] = uv[..., 1].reshape(quarter, width)
        return av.VideoFrame.from_ndarray(out.numpy(), format="yuv420p")

    return convert


def ms_per_frame(convert: Callable[[Frames], object], frames: list[Frames], repeats: int = 3) -> float:
    """The best of a few passes: on a shared machine the minimum is the figure that repeats."""
    convert(frames[0])
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for frame in frames:
            convert(frame)
        best = min(best, (time.perf_counter() - start) / len(frames) * 1000)
    return best


def encode_rgb_directly(frames: list[Frames], path: Path, preset: str) -> None:
    """The "let the encoder convert" route: rgb24 frames handed to libx264's stream as they are."""
    height, width = frames[0].shape[:2]
    with av.open(str(path), mode="w", format="mp4", options={"movflags": "+faststart"}) as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.time_base = Fraction(1, FPS)
        stream.options = {"preset": preset, "crf": "20"}
        for index, pixels in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            frame.pts = index
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))


def conversion_table(num_frames: int, preset: str, workdir: Path) -> None:
    print(f"\nRGB -> yuv420p conversion, ms per frame (best of 3 passes over {min(num_frames, 48)} frames)")
    routes: dict[str, Callable[[Frames], object]] = {
        "from_ndarray + frame.reformat": via_from_ndarray,
        "numpy float32": via_numpy,
        "reused reformatter, zero-copy (chosen)": Yuv420pConverter(),
    }
    torch_route = via_torch()
    if torch_route is not None:
        routes["torch float32"] = torch_route
    header = f"{'route':<40}" + "".join(f"{w}x{h:<10}" for w, h in SIZES[::2])
    print(header)
    samples = {size: list(scene(*size, min(num_frames, 48))) for size in SIZES[::2]}
    for name, convert in routes.items():
        cells = "".join(f"{ms_per_frame(convert, samples[size]):<14.2f}" for size in SIZES[::2])
        print(f"{name:<40}{cells}")

    print(f"\nwhole encode of {num_frames} pre-rendered frames, fps (preset {preset})")
    print(f"{'route':<40}" + "".join(f"{w}x{h:<10}" for w, h in SIZES[::2]))
    direct, chosen = [], []
    for size in SIZES[::2]:
        frames = list(scene(*size, num_frames))
        start = time.perf_counter()
        encode_rgb_directly(frames, workdir / "direct.mp4", preset)
        direct.append(num_frames / (time.perf_counter() - start))
        clip = Clip(size[0], size[1], FPS, num_frames, iter(frames))
        start = time.perf_counter()
        encode_mp4(clip, workdir / "chosen.mp4", preset=preset)
        chosen.append(num_frames / (time.perf_counter() - start))
    print(f"{'encoder converts (from_ndarray rgb24)':<40}" + "".join(f"{v:<14.1f}" for v in direct))
    print(f"{'encode_mp4 (chosen)':<40}" + "".join(f"{v:<14.1f}" for v in chosen))


def clip_table(num_frames: int, preset: str, workdir: Path) -> None:
    print(f"\n{num_frames} frames at {FPS} fps ({num_frames / FPS:g} s), preset {preset}")
    print("render: the scene alone; encode: pre-rendered frames; both: rendered while encoding")
    columns = ("render s", "encode s", "both s", "fps", "MB")
    print(f"{'size':<12}" + "".join(f"{c:>10}" for c in columns) + "  frames/duration")
    for width, height in SIZES:
        start = time.perf_counter()
        rendered = list(scene(width, height, num_frames))
        render = time.perf_counter() - start

        start = time.perf_counter()
        encode_mp4(Clip(width, height, FPS, num_frames, iter(rendered)), workdir / "pre.mp4", preset=preset)
        encode_only = time.perf_counter() - start
        del rendered

        path = workdir / f"{width}x{height}.mp4"
        start = time.perf_counter()
        info = encode_mp4(Clip(width, height, FPS, num_frames, scene(width, height, num_frames)), path, preset=preset)
        both = time.perf_counter() - start
        probe = probe_mp4(path)
        exact = probe.num_frames == num_frames and probe.stream_duration == Fraction(num_frames, FPS)
        print(
            f"{f'{width}x{height}':<12}{render:>10.2f}{encode_only:>10.2f}{both:>10.2f}"
            f"{num_frames / both:>10.1f}{info.file_size / 1e6:>10.2f}  {'exact' if exact else 'WRONG'}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--frames", type=int, default=120)
    parser.add_argument("--preset", default="veryfast")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start")
    with tempfile.TemporaryDirectory() as tmp:
        conversion_table(args.frames, args.preset, Path(tmp))
        clip_table(args.frames, args.preset, Path(tmp))
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end (other work on the machine skews the figures)")


if __name__ == "__main__":
    main()
