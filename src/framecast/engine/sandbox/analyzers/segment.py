"""Finding subjects in a frame: difference from the clean background, minus shadows, in pieces.

The analyzers receive the rendered frames and the same frames without subjects (the renderer's
background), so a pixel belongs to a subject exactly when it differs from the background. Shadows
also differ, so pixels that are the background uniformly darkened are dropped, unless a subject's
outline encloses them (a grey ball on a grey wall looks like a shadow inside).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["Mask", "components", "dilate", "erode", "fill_holes", "foreground", "touching"]

Mask = npt.NDArray[np.bool_]
U8 = npt.NDArray[np.uint8]


def _shift_or(mask: Mask) -> Mask:
    out = mask.copy()
    out[1:] |= mask[:-1]
    out[:-1] |= mask[1:]
    out[:, 1:] |= mask[:, :-1]
    out[:, :-1] |= mask[:, 1:]
    return out


def dilate(mask: Mask, steps: int = 1) -> Mask:
    for _ in range(steps):
        mask = _shift_or(mask)
    return mask


def erode(mask: Mask, steps: int = 1) -> Mask:
    return ~dilate(~mask, steps)


def _runs(mask: Mask) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Horizontal runs of True: row, start column, end column (exclusive)."""
    h, w = mask.shape
    padded = np.zeros((h, w + 2), np.int8)
    padded[:, 1:-1] = mask
    edges = np.diff(padded, axis=1)
    rows_s, cols_s = np.nonzero(edges == 1)
    _, cols_e = np.nonzero(edges == -1)
    return rows_s, cols_s, cols_e


def _label_runs(mask: Mask) -> tuple[npt.NDArray[np.int64], tuple[npt.NDArray[np.int64], ...]]:
    """Component id per run (8-connectivity) by union-find over runs that touch row to row."""
    rows, starts, ends = _runs(mask)
    n = len(rows)
    parent = list(range(n))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    row_begin = np.searchsorted(rows, np.arange(mask.shape[0] + 1))
    for r in range(1, mask.shape[0]):
        a0, a1 = row_begin[r - 1], row_begin[r]
        b0, b1 = row_begin[r], row_begin[r + 1]
        i, j = a0, b0
        while i < a1 and j < b1:
            if starts[i] <= ends[j] and starts[j] <= ends[i]:  # 8-connected: diagonal neighbours touch
                ri, rj = find(i), find(j)
                if ri != rj:
                    parent[max(ri, rj)] = min(ri, rj)
            if ends[i] < ends[j]:
                i += 1
            else:
                j += 1
    ids = np.array([find(k) for k in range(n)], dtype=np.int64)
    return ids, (rows, starts, ends)


def _paint_runs(shape: tuple[int, ...], runs: tuple[npt.NDArray[np.int64], ...], select: npt.NDArray[np.bool_]) -> Mask:
    out = np.zeros(shape, bool)
    rows, starts, ends = runs
    for r, a, b in zip(rows[select], starts[select], ends[select], strict=True):
        out[r, a:b] = True
    return out


def touching(mask: Mask, seed: Mask) -> Mask:
    """The 8-connected pieces of ``mask`` that share a pixel with ``seed``."""
    if not (mask & seed).any():
        return np.zeros_like(mask)
    ids, runs = _label_runs(mask)
    rows, starts, ends = runs
    hit = np.array([seed[r, a:b].any() for r, a, b in zip(rows, starts, ends, strict=True)], dtype=bool)
    return _paint_runs(mask.shape, runs, np.isin(ids, ids[hit]))


def fill_holes(mask: Mask) -> Mask:
    """``mask`` plus every background region it encloses (not reachable from the border)."""
    ids, runs = _label_runs(~mask)
    rows, starts, ends = runs
    h, w = mask.shape
    touching = (rows == 0) | (rows == h - 1) | (starts == 0) | (ends == w)
    outside_ids = np.unique(ids[touching])
    holes = ~np.isin(ids, outside_ids)
    if not holes.any():
        return mask.copy()
    return mask | _paint_runs(mask.shape, runs, holes)


def components(mask: Mask, min_area: int = 1) -> list[Mask]:
    """8-connected pieces of ``mask`` at least ``min_area`` pixels, largest first (thin legs stay attached)."""
    if not mask.any():
        return []
    ids, runs = _label_runs(mask)
    lengths = runs[2] - runs[1]
    _uniq, inverse = np.unique(ids, return_inverse=True)
    areas = np.bincount(inverse, weights=lengths).astype(np.int64)
    order = np.argsort(-areas, kind="stable")
    return [_paint_runs(mask.shape, runs, inverse == k) for k in order if areas[k] >= min_area]


def grouped_components(mask: Mask, min_area: int = 1, reach: int = 2) -> list[Mask]:
    """Like :func:`components`, but pieces less than ``2 * reach`` pixels apart are one: a grey
    dog on a grey street, or a black fish in fog, can lose a seam of pixels that look like its
    own shadow and fall into pieces; subjects themselves start further apart than that."""
    pieces = [piece & mask for piece in components(dilate(mask, reach))]
    kept = [p for p in pieces if int(p.sum()) >= min_area]
    return sorted(kept, key=lambda p: -int(p.sum()))


def _flat_pieces(mask: Mask, max_ratio: float = 0.45, min_height: int = 10) -> Mask:
    """The pieces of ``mask`` shaped like a contact shadow: a flat ellipse on the ground, about a
    fifth as tall as it is wide, or a low part of one. A grey dog on a grey street, or anything
    grey in fog, darkens the ground just as evenly, but stands taller than that."""
    if not mask.any():
        return mask
    ids, (rows, starts, ends) = _label_runs(mask)
    _uniq, comp = np.unique(ids, return_inverse=True)
    n = int(comp.max()) + 1
    top, bottom = np.full(n, mask.shape[0]), np.zeros(n, np.int64)
    left, right = np.full(n, mask.shape[1]), np.zeros(n, np.int64)
    np.minimum.at(top, comp, rows)
    np.maximum.at(bottom, comp, rows + 1)
    np.minimum.at(left, comp, starts)
    np.maximum.at(right, comp, ends)
    height, width = bottom - top, right - left
    upright = (height >= min_height) & (height > max_ratio * width)
    return _paint_runs(mask.shape, (rows, starts, ends), ~upright[comp])


def foreground(frame: U8, background: U8, threshold: float = 0.05) -> Mask:
    """Pixels of ``frame`` (H, W, 3) drawn by a subject over ``background``."""
    diff = np.abs(frame.astype(np.int16) - background.astype(np.int16)).max(axis=-1)
    raw = diff > int(threshold * 255)
    if not raw.any():
        return np.asarray(raw, bool)
    f = frame[raw].astype(np.float32) + 1.0
    b = background[raw].astype(np.float32) + 1.0
    ratio = f / b
    k = ratio.mean(axis=-1)
    spread = ratio.max(axis=-1) - ratio.min(axis=-1)
    shadow = (k > 0.5) & (k < 0.995) & (spread < 0.08) & (b.max(axis=-1) > 16)
    looks_shaded = np.zeros_like(raw)
    looks_shaded[raw] = shadow
    solid = raw & ~_flat_pieces(looks_shaded)
    # Inside an outline, any difference at all is the subject (a white star on a white cloud);
    # a ring's hole shows the background exactly and stays out.
    return np.asarray(fill_holes(solid) & (diff > 2), bool)
