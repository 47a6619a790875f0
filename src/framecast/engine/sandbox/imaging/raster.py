"""Raster primitives shared by the effects and the image tasks, all vectorised.

Sampling goes through torch's ``grid_sample`` (one C loop for a whole warp); masks are numpy. The
coordinate convention everywhere: pixel (row i, column j) covers [j, j+1) x [i, i+1), so its centre
is (j + 0.5, i + 0.5), and a sprite of width w spans x in [0, w).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import torch
import torch.nn.functional as F
from PIL import Image, ImageOps

from framecast.engine.sandbox.scene import RGBA, Layer

F32 = npt.NDArray[np.float32]
Mask = npt.NDArray[np.bool_]
U8 = npt.NDArray[np.uint8]
I32 = npt.NDArray[np.int32]


def grid(h: int, w: int) -> tuple[F32, F32]:
    """Pixel-centre coordinates as broadcastable (1, w) and (h, 1) arrays."""
    xs = (np.arange(w, dtype=np.float32) + 0.5)[None, :]
    ys = (np.arange(h, dtype=np.float32) + 0.5)[:, None]
    return xs, ys


def sample(src: F32, sx: F32, sy: F32) -> F32:
    """Bilinear lookup of ``src`` (h, w, c) at continuous coordinates; transparent/zero outside.

    ``sx`` and ``sy`` may be any shapes that broadcast together (a (1, W) row and an (H, 1) column
    are cheapest); the grid is written once into the interleaved layout grid_sample reads.
    """
    h, w, c = src.shape
    shape = np.broadcast_shapes(np.shape(sx), np.shape(sy))
    if src.size == 0 or int(np.prod(shape)) == 0:
        return np.zeros((*shape, c), np.float32)
    g = np.empty((*shape, 2), np.float32)
    np.multiply(sx, np.float32(2.0 / w), out=g[..., 0])
    np.multiply(sy, np.float32(2.0 / h), out=g[..., 1])
    g -= np.float32(1.0)
    t = torch.from_numpy(np.ascontiguousarray(src.transpose(2, 0, 1), dtype=np.float32))[None]
    out = F.grid_sample(t, torch.from_numpy(g)[None], mode="bilinear", padding_mode="zeros", align_corners=False)
    return np.ascontiguousarray(out[0].numpy().transpose(1, 2, 0))


def rotate(sprite: RGBA, angle: float, scale: float = 1.0) -> RGBA:
    """The sprite turned by ``angle`` radians (clockwise on screen) about its centre, on a canvas
    big enough to hold it; the centre stays the canvas centre."""
    h, w = sprite.shape[:2]
    c, s = abs(np.cos(angle)), abs(np.sin(angle))
    ow = max(1, int(np.ceil((w * c + h * s) * scale)) + 2)
    oh = max(1, int(np.ceil((w * s + h * c) * scale)) + 2)
    if abs(angle) < 1e-4 and abs(scale - 1.0) < 1e-4:
        return sprite
    xs, ys = grid(oh, ow)
    dx, dy = (xs - ow / 2) / scale, (ys - oh / 2) / scale
    ca, sa = np.cos(angle), np.sin(angle)
    sx = ca * dx + sa * dy + w / 2
    sy = -sa * dx + ca * dy + h / 2
    return sample(sprite, sx.astype(np.float32), sy.astype(np.float32))


def _overlap(layer: Layer, width: int, height: int) -> tuple[tuple[int, int, int, int], F32] | None:
    """Where a centred layer lands on a (height, width) frame, (y0, y1, x0, x1), and the part of its
    RGBA that lands there; None when it is wholly outside."""
    rgba = layer.rgba
    h, w = rgba.shape[:2]
    x0 = int(np.floor(layer.cx - w / 2 + 0.5))
    y0 = int(np.floor(layer.cy - h / 2 + 0.5))
    ax0, ay0 = max(x0, 0), max(y0, 0)
    ax1, ay1 = min(x0 + w, width), min(y0 + h, height)
    if ax1 <= ax0 or ay1 <= ay0:
        return None
    return (ay0, ay1, ax0, ax1), rgba[ay0 - y0 : ay1 - y0, ax0 - x0 : ax1 - x0]


def _placed(layers: Iterable[Layer], width: int, height: int) -> Iterator[tuple[tuple[slice, slice], F32]]:
    """In z order, each layer's landing area on a (height, width) frame and its RGBA there."""
    for layer in sorted(layers, key=lambda la: la.z):
        hit = _overlap(layer, width, height)
        if hit is not None:
            (ay0, ay1, ax0, ax1), part = hit
            yield (slice(ay0, ay1), slice(ax0, ax1)), part


def composite(canvas: F32, layers: Iterable[Layer]) -> F32:
    """Draw premultiplied layers over ``canvas`` (H, W, 3) in z order, in place; returns it."""
    for area, part in _placed(layers, canvas.shape[1], canvas.shape[0]):
        dst = canvas[area]
        dst *= 1.0 - part[..., 3:4]
        dst += part[..., :3]
    return canvas


def flatten(layers: Iterable[Layer]) -> tuple[RGBA, float, float]:
    """Merge layers onto one transparent canvas: (rgba, cx, cy) of their union."""
    layers = list(layers)
    if not layers:
        return np.zeros((1, 1, 4), np.float32), 0.0, 0.0
    x0 = min(la.cx - la.rgba.shape[1] / 2 for la in layers)
    y0 = min(la.cy - la.rgba.shape[0] / 2 for la in layers)
    x1 = max(la.cx + la.rgba.shape[1] / 2 for la in layers)
    y1 = max(la.cy + la.rgba.shape[0] / 2 for la in layers)
    x0, y0 = float(np.floor(x0)), float(np.floor(y0))
    w, h = int(np.ceil(x1 - x0)) + 1, int(np.ceil(y1 - y0)) + 1
    out = np.zeros((h, w, 4), np.float32)
    for layer in sorted(layers, key=lambda la: la.z):
        rgba = layer.rgba
        lh, lw = rgba.shape[:2]
        ox = int(np.floor(layer.cx - lw / 2 + 0.5 - x0))
        oy = int(np.floor(layer.cy - lh / 2 + 0.5 - y0))
        dst = out[oy : oy + lh, ox : ox + lw]
        part = rgba[: dst.shape[0], : dst.shape[1]]
        dst *= 1.0 - part[..., 3:4]
        dst += part
    return out, x0 + w / 2, y0 + h / 2


def to_uint8(x: F32) -> U8:
    return (np.clip(x, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def to_float(x: U8) -> F32:
    return x.astype(np.float32) * np.float32(1.0 / 255.0)


def cover_fit(pixels: U8, width: int, height: int) -> U8:
    """Scale to cover width x height and crop the middle: how an input fills a different aspect."""
    img = Image.fromarray(pixels)
    if img.size == (width, height):
        return pixels
    return np.asarray(ImageOps.fit(img, (width, height), method=Image.Resampling.BILINEAR))


def resize(x: F32, height: int, width: int) -> F32:
    """Resize (h, w) or (h, w, c) float data; antialiased when shrinking."""
    if x.shape[0] == height and x.shape[1] == width:
        return x.astype(np.float32, copy=False)
    t = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))
    t = t[None, None] if x.ndim == 2 else t.permute(2, 0, 1)[None]
    shrink = height < x.shape[0] or width < x.shape[1]
    out = F.interpolate(t, size=(height, width), mode="bilinear", align_corners=False, antialias=shrink)
    res = out[0, 0] if x.ndim == 2 else out[0].permute(1, 2, 0)
    return np.ascontiguousarray(res.numpy())


def scale_sprite(sprite: RGBA, factor: float) -> RGBA:
    h, w = sprite.shape[:2]
    nh, nw = max(1, round(h * factor)), max(1, round(w * factor))
    return resize(sprite, nh, nw)


def _gauss_kernel(sigma: float) -> torch.Tensor:
    r = max(1, int(np.ceil(sigma * 2.5)))
    k = torch.exp(-(torch.arange(-r, r + 1, dtype=torch.float32) ** 2) / (2 * sigma * sigma))
    return k / k.sum()


def blur(x: F32, sigma: float) -> F32:
    """Gaussian blur of (h, w) or (h, w, c) data with reflected borders."""
    if sigma <= 0.3:
        return x.astype(np.float32, copy=False)
    if sigma > 3 and min(x.shape[:2]) > 32:
        # A wide blur loses nothing at lower resolution and costs a fraction there.
        f = sigma / 1.5
        h, w = x.shape[:2]
        small = resize(x, max(2, round(h / f)), max(2, round(w / f)))
        return resize(blur(small, 1.5), h, w)
    if x.shape[0] * x.shape[1] <= 65536:
        return _blur_small(x.astype(np.float32, copy=False), sigma)
    t = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))
    t = t[None, None] if x.ndim == 2 else t.permute(2, 0, 1)[None]
    c = t.shape[1]
    k = _gauss_kernel(sigma)
    r = (k.numel() - 1) // 2
    mode = "reflect" if min(t.shape[-2:]) > r else "replicate"
    t = F.pad(t, (r, r, 0, 0), mode=mode)
    t = F.conv2d(t, k.view(1, 1, 1, -1).repeat(c, 1, 1, 1), groups=c)
    t = F.pad(t, (0, 0, r, r), mode=mode)
    t = F.conv2d(t, k.view(1, 1, -1, 1).repeat(c, 1, 1, 1), groups=c)
    res = t[0, 0] if x.ndim == 2 else t[0].permute(1, 2, 0)
    return np.ascontiguousarray(res.numpy())


def _blur_small(x: F32, sigma: float) -> F32:
    """Separable Gaussian as a sum of shifted copies: on small arrays numpy beats torch's
    per-call overhead many times over."""
    k = _gauss_kernel(sigma).numpy()
    r = (len(k) - 1) // 2
    out = x
    for axis in (0, 1):
        n = out.shape[axis]
        pad = [(0, 0)] * out.ndim
        pad[axis] = (r, r)
        p = np.pad(out, pad, mode="edge")
        acc = np.zeros_like(out)
        for j, kj in enumerate(k):
            acc += kj * np.take(p, np.arange(j, j + n), axis=axis)
        out = acc
    return out


def dilate(mask: Mask, radius: int) -> Mask:
    if radius <= 0:
        return mask
    t = torch.from_numpy(mask.astype(np.float32))[None, None]
    k = 2 * radius + 1
    t = F.max_pool2d(t, (k, 1), stride=1, padding=(radius, 0))
    t = F.max_pool2d(t, (1, k), stride=1, padding=(0, radius))
    return np.asarray(t[0, 0].numpy() > 0.5)


def erode(mask: Mask, radius: int) -> Mask:
    return ~dilate(~mask, radius)


def label(mask: Mask) -> tuple[I32, int]:
    """4-connected components: (labels with 0 for background and 1..n, n).

    Minimum-index propagation with pointer jumping: each pass takes the smallest label among the
    neighbours, then follows labels to their own labels, so long components converge in a few
    dozen passes instead of one pass per pixel of length.
    """
    h, w = mask.shape
    if not mask.any():
        return np.zeros((h, w), np.int32), 0
    big = np.int64(h * w)
    lab = np.where(mask, np.arange(h * w, dtype=np.int64).reshape(h, w), big)
    while True:
        m = lab.copy()
        np.minimum(m[1:], lab[:-1], out=m[1:])
        np.minimum(m[:-1], lab[1:], out=m[:-1])
        np.minimum(m[:, 1:], lab[:, :-1], out=m[:, 1:])
        np.minimum(m[:, :-1], lab[:, 1:], out=m[:, :-1])
        m[~mask] = big
        flat = m.reshape(-1)
        fg = flat < big
        for _ in range(3):
            flat[fg] = flat[flat[fg]]
        if np.array_equal(m, lab):
            break
        lab = m
    roots, inverse = np.unique(lab.reshape(-1), return_inverse=True)
    out = inverse.reshape(h, w).astype(np.int32)
    n = len(roots)
    if roots[-1] == big:
        n -= 1
        out = np.where(mask, out + 1, 0).astype(np.int32)
    else:  # every pixel is foreground
        out += 1
    return out, int(n)


def fill_holes(mask: Mask) -> Mask:
    """The mask with every background pocket that does not reach the border filled."""
    lab, n = label(~mask)
    if n == 0:
        return mask
    border = np.unique(np.concatenate([lab[0], lab[-1], lab[:, 0], lab[:, -1]]))
    return mask | ~np.isin(lab, border)


@lru_cache(maxsize=64)
def smooth_noise(h: int, w: int, key: int, cells: int) -> F32:
    """A deterministic smooth noise field in [0, 1] with about ``cells`` blobs across its long side.

    Cached by (size, key): effects are called once per frame with the same generator state, and
    rebuilding the same field every frame would dominate their cost. Treat the result as read-only.
    """
    rng = np.random.default_rng(key)
    gh = max(2, round(cells * h / max(h, w)) + 1)
    gw = max(2, round(cells * w / max(h, w)) + 1)
    coarse = rng.random((gh, gw)).astype(np.float32)
    t = torch.from_numpy(coarse)[None, None]
    up = F.interpolate(t, size=(h, w), mode="bicubic", align_corners=True)[0, 0].numpy()
    lo, hi = float(up.min()), float(up.max())
    out = ((up - lo) / max(hi - lo, 1e-6)).astype(np.float32)
    out.setflags(write=False)
    return out


@lru_cache(maxsize=32)
def voronoi(h: int, w: int, key: int, cells: int) -> tuple[I32, F32, F32]:
    """A Voronoi partition of an h x w sprite into ``cells`` pieces: (labels, seeds_x, seeds_y) and
    the distance gap to the second-nearest seed is small on the cell borders (used for cracks).
    Cached like :func:`smooth_noise`; results are read-only.
    """
    rng = np.random.default_rng(key)
    # Jittered grid seeds give pieces of similar size, which reads better than pure random.
    gy = max(1, round(np.sqrt(cells * h / max(w, 1))))
    gx = max(1, int(np.ceil(cells / gy)))
    jx, jy = np.meshgrid((np.arange(gx) + 0.5) / gx, (np.arange(gy) + 0.5) / gy)
    sx = ((jx.ravel() + (rng.random(gx * gy) - 0.5) * 0.8 / gx) * w).astype(np.float32)
    sy = ((jy.ravel() + (rng.random(gx * gy) - 0.5) * 0.8 / gy) * h).astype(np.float32)
    step = max(1, round(max(h, w) / 256))
    xs = (np.arange(0, w, step, dtype=np.float32) + 0.5)[None, :, None]
    ys = (np.arange(0, h, step, dtype=np.float32) + 0.5)[:, None, None]
    d = (xs - sx[None, None, :]) ** 2 + (ys - sy[None, None, :]) ** 2
    part = np.argpartition(d, 1, axis=2)[..., :2] if d.shape[2] > 1 else np.zeros((*d.shape[:2], 2), int)
    d1 = np.take_along_axis(d, part[..., :1], axis=2)[..., 0]
    d2 = np.take_along_axis(d, part[..., 1:2], axis=2)[..., 0] if d.shape[2] > 1 else d1 + 1e9
    first = np.where(d1 <= d2, part[..., 0], part[..., 1]).astype(np.int32)
    gap = (np.sqrt(np.maximum(d1, d2)) - np.sqrt(np.minimum(d1, d2))).astype(np.float32)
    labels = np.repeat(np.repeat(first, step, 0), step, 1)[:h, :w]
    gap_full = np.repeat(np.repeat(gap, step, 0), step, 1)[:h, :w]
    for arr in (labels, gap_full, sx, sy):
        arr.setflags(write=False)
    return labels, gap_full, np.stack([sx, sy])


def ellipse_alpha(h: int, w: int, cx: float, cy: float, rx: float, ry: float, soft: float = 1.5) -> F32:
    """Antialiased filled ellipse coverage on an h x w canvas."""
    xs, ys = grid(h, w)
    rx, ry = max(rx, 0.5), max(ry, 0.5)
    d = np.sqrt(((xs - cx) / rx) ** 2 + ((ys - cy) / ry) ** 2)
    edge = soft / min(rx, ry)
    return np.clip((1.0 - d) / max(edge, 1e-3) + 0.5, 0.0, 1.0).astype(np.float32)


def smoothstep(e0: float, e1: float, x: float) -> float:
    t = min(max((x - e0) / (e1 - e0), 0.0), 1.0) if e1 != e0 else float(x >= e1)
    return t * t * (3.0 - 2.0 * t)


def crop_to_alpha(sprite: RGBA, threshold: float = 1.0 / 255.0) -> tuple[RGBA, int, int]:
    """The sprite cut to its visible box, with the box's top-left corner in the old sprite."""
    vis = sprite[..., 3] > threshold
    if not vis.any():
        return sprite[:1, :1] * 0.0, 0, 0
    rows, cols = np.flatnonzero(vis.any(1)), np.flatnonzero(vis.any(0))
    y0, y1, x0, x1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
    return np.ascontiguousarray(sprite[y0:y1, x0:x1]), x0, y0


def composite_u8(base: U8, layers: Iterable[Layer]) -> U8:
    """``base`` with the layers drawn over it, touching only the pixels under the layers: much
    cheaper than a whole-frame float composite when the layers are small."""
    return draw_u8(base.copy(), layers)


def draw_u8(frame: U8, layers: Iterable[Layer]) -> U8:
    """:func:`composite_u8` into ``frame`` itself, for a caller that owns a fresh frame (a copy of
    a 1080p frame costs as much as drawing two subjects on it)."""
    for area, part in _placed(layers, frame.shape[1], frame.shape[0]):
        # In 0..255 floats, in place, through torch: its in-place ops and fused scaled add make
        # about two thirds of numpy's passes over the pixels.
        dst = torch.from_numpy(frame[area])
        rgba = torch.from_numpy(part)
        mixed = dst.float()
        mixed.mul_(1.0 - rgba[..., 3:4]).add_(rgba[..., :3], alpha=255.0)
        mixed.add_(0.5).clamp_(0.0, 255.0)  # + 0.5: round half up on the cast, as to_uint8 does
        dst.copy_(mixed)
    return frame
