"""Filling the hole a subject leaves behind, cheaply.

Two fills are blended. Row-wise interpolation between the nearest known pixels left and right keeps
horizontal structure (horizons, ground lines, table edges: what a subject usually stands in front
of) straight through the hole. Push-pull (pyramid) interpolation, where known pixels are averaged
down a pyramid with their coverage as weight and the coarse levels fill unknown pixels on the way
back up, gives the smooth two-dimensional continuation. Both cost a few whole-image passes, with no
iteration per pixel of hole size.
"""

from __future__ import annotations

import numpy as np

from framecast.engine.sandbox.imaging.raster import F32, Mask, resize


def _half(x: F32) -> F32:
    """2x2 box average (odd sizes repeat their last row/column)."""
    if x.shape[0] % 2:
        x = np.concatenate([x, x[-1:]], 0)
    if x.shape[1] % 2:
        x = np.concatenate([x, x[:, -1:]], 1)
    return np.asarray((x[0::2, 0::2] + x[1::2, 0::2] + x[0::2, 1::2] + x[1::2, 1::2]) * 0.25, np.float32)


def _double(x: F32, h: int, w: int) -> F32:
    """Bilinear 2x upsampling (pixel-centre aligned, edges clamped) cropped to (h, w)."""
    for axis in (0, 1):
        n = x.shape[axis]
        prev = np.take(x, np.clip(np.arange(n) - 1, 0, n - 1), axis=axis)
        nxt = np.take(x, np.clip(np.arange(n) + 1, 0, n - 1), axis=axis)
        shape = list(x.shape)
        shape[axis] = 2 * n
        out = np.empty(shape, np.float32)
        even = [slice(None)] * x.ndim
        odd = [slice(None)] * x.ndim
        even[axis], odd[axis] = slice(0, None, 2), slice(1, None, 2)
        out[tuple(even)] = 0.75 * x + 0.25 * prev
        out[tuple(odd)] = 0.75 * x + 0.25 * nxt
        x = out
    return np.ascontiguousarray(x[:h, :w])


def _rows(image: F32, known: Mask) -> tuple[F32, Mask]:
    """Each unknown pixel as the distance-weighted mix of the nearest known pixels on its row;
    the second result marks rows that had no known pixel at all."""
    h, w = known.shape
    idx = np.broadcast_to(np.arange(w), (h, w))
    left = np.maximum.accumulate(np.where(known, idx, -1), axis=1)
    right = np.minimum.accumulate(np.where(known, idx, w)[:, ::-1], axis=1)[:, ::-1]
    has_l, has_r = left >= 0, right < w
    rows = np.arange(h)[:, None]
    lv = image[rows, np.clip(left, 0, w - 1)]
    rv = image[rows, np.clip(right, 0, w - 1)]
    dl = (idx - left).astype(np.float32)
    dr = (right - idx).astype(np.float32)
    wl = np.where(has_l, np.where(has_r, dr / np.maximum(dl + dr, 1.0), 1.0), 0.0)[..., None]
    out = lv * wl + rv * (1.0 - wl)
    return out.astype(np.float32), ~(has_l | has_r)


def inpaint(image: F32, hole: Mask | F32, grain: float = 0.0, seed: int = 0) -> F32:
    """``image`` (H, W, 3) float in [0, 1] with the pixels where ``hole`` is set (or its weight is
    high) replaced by a smooth fill from the surroundings. ``grain`` adds that much noise to the
    fill so it does not look like a smear on textured backgrounds."""
    h, w = image.shape[:2]
    known = 1.0 - np.clip(np.asarray(hole, np.float32), 0.0, 1.0)
    if known.min() >= 1.0:
        return image.astype(np.float32, copy=True)
    if known.max() <= 0.0:
        return np.broadcast_to(np.float32(0.5), image.shape).astype(np.float32)
    acc = image.astype(np.float32) * known[..., None]
    wsum = known[..., None].astype(np.float32)
    levels: list[tuple[F32, F32]] = []
    while True:
        levels.append((acc, wsum))
        if min(acc.shape[:2]) <= 2:
            break
        acc, wsum = _half(acc), _half(wsum)
    acc, wsum = levels[-1]
    total = float(wsum.sum())
    mean = acc.reshape(-1, 3).sum(0) / max(total, 1e-6)
    fill = np.where(wsum > 1e-6, acc / np.maximum(wsum, 1e-6), mean).astype(np.float32)
    for acc, wsum in reversed(levels[:-1]):
        up = _double(fill, acc.shape[0], acc.shape[1])
        # Pixels with full coverage keep their own colour, partial ones blend toward the coarse fill.
        k = np.clip(wsum, 0.0, 1.0)
        fill = np.asarray(acc / np.maximum(wsum, 1e-6) * k + up * (1.0 - k), np.float32)
    out = fill
    rows, empty = _rows(image, known > 0.5)
    mix = np.where(empty[..., None], out, 0.75 * rows + 0.25 * out)
    res = image * known[..., None] + mix * (1.0 - known[..., None])
    if grain > 0:
        noise = np.random.default_rng(seed).normal(0.0, grain, (h, w, 1)).astype(np.float32)
        res = res + noise * (1.0 - known[..., None])
    return np.asarray(np.clip(res, 0.0, 1.0), np.float32)


def fill_hole(image: F32, hole: F32, work: int = 320, grain: float = 0.0, seed: int = 0) -> F32:
    """:func:`inpaint` for big frames: the fill is computed at ``work`` pixels on the long side
    (a smooth fill loses nothing there) and only the hole takes the upsampled result."""
    h, w = image.shape[:2]
    scale = min(1.0, work / max(h, w))
    if scale >= 1.0:
        return inpaint(image, hole, grain, seed)
    sh, sw = max(2, round(h * scale)), max(2, round(w * scale))
    small_hole = np.clip(resize(np.asarray(hole, np.float32), sh, sw) * 1.5, 0.0, 1.0)
    filled = resize(inpaint(resize(image, sh, sw), small_hole), h, w)
    k = np.clip(np.asarray(hole, np.float32), 0.0, 1.0)[..., None]
    out = image * (1.0 - k) + filled * k
    if grain > 0:
        noise = np.random.default_rng(seed).normal(0.0, grain, (h, w, 1)).astype(np.float32)
        out = out + noise * k
    return np.asarray(np.clip(out, 0.0, 1.0), np.float32)
