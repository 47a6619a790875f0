"""How a subject moves: its track through the frames, corrected for the camera, then named.

The camera is measured from the background frames alone: a similarity (scale and shift) mapping
each frame back to the first, fitted by Gauss-Newton image alignment from coarse to fine. Subject
positions are mapped through it, so a subject standing still under a panning camera reads as still.

Naming the motion: growth of the (camera-corrected) area means coming closer or growing; the two
differ by the point the subject scales about (the horizon or far off for an approach, its own base
or centre for growth). Otherwise a large shift is left/right/up/down, a vertical oscillation is a
bounce, and a body that matches a rotated copy of itself better than itself is spinning.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from framecast.engine.sandbox.analyzers.segment import Mask, components, dilate, erode, touching
from framecast.engine.sandbox.scene import Motion

__all__ = ["Track", "classify_motion", "estimate_camera", "track_subject"]

F32 = npt.NDArray[np.float32]
_SUMMED_GAIN = 1.3  # a steady turn, summed over the steps, must explain the frames this much better
_BODY_GROWTH = 1.6  # a body grown through the foreground to more than this times its first size took in a neighbour


def _gray(frame: npt.NDArray[np.uint8]) -> F32:
    g = frame.astype(np.float32).mean(-1) / 255.0
    # A light blur widens the basin the alignment converges from.
    g = (g + np.roll(g, 1, 0) + np.roll(g, -1, 0) + np.roll(g, 1, 1) + np.roll(g, -1, 1)) / 5
    return np.asarray(g, np.float32)


def _down(img: F32) -> F32:
    h, w = img.shape[0] // 2 * 2, img.shape[1] // 2 * 2
    return np.asarray(img[:h, :w].reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3)), np.float32)


def _sample(img: F32, x: F32, y: F32) -> tuple[F32, npt.NDArray[np.bool_]]:
    h, w = img.shape
    ok = (x >= 0) & (x <= w - 1.001) & (y >= 0) & (y <= h - 1.001)
    xc, yc = np.clip(x, 0, w - 1.001), np.clip(y, 0, h - 1.001)
    x0, y0 = xc.astype(int), yc.astype(int)
    fx, fy = xc - x0, yc - y0
    v = (img[y0, x0] * (1 - fx) * (1 - fy) + img[y0, x0 + 1] * fx * (1 - fy)
         + img[y0 + 1, x0] * (1 - fx) * fy + img[y0 + 1, x0 + 1] * fx * fy)
    return v.astype(np.float32), ok


def _align(ref: F32, img: F32, p: npt.NDArray[np.float64], iterations: int) -> npt.NDArray[np.float64]:
    """Refine p = (s, tx, ty) so that ref(s*x + tx, s*y + ty) matches img(x, y)."""
    h, w = img.shape
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    gy, gx = (np.asarray(g, np.float32) for g in np.gradient(ref))
    for _ in range(iterations):
        wx, wy = p[0] * xs + p[1], p[0] * ys + p[2]
        r_val, ok = _sample(ref, wx, wy)
        if ok.sum() < 50:
            break
        ix, _ = _sample(gx, wx, wy)
        iy, _ = _sample(gy, wx, wy)
        err = (r_val - img)[ok]
        jac = np.stack([ix * xs + iy * ys, ix, iy], -1)[ok].astype(np.float64)
        hess = jac.T @ jac + np.diag([1e-3, 1e-6, 1e-6]) * ok.sum()
        step = np.linalg.solve(hess, jac.T @ err.astype(np.float64))
        p = p - step
        if abs(step[0]) < 1e-5 and abs(step[1]) < 1e-3 and abs(step[2]) < 1e-3:
            break
    return p


def estimate_camera(backgrounds: npt.NDArray[np.uint8]) -> npt.NDArray[np.float64]:
    """(T, 3): per frame (s, tx, ty) mapping its pixels to the first frame's, x0 = s*x + tx.

    Fitted on frames reduced to about 160 pixels across (then scaled back): plenty for a camera
    that moves whole backdrops, and cheap.
    """
    if all(np.array_equal(backgrounds[0], b) for b in backgrounds[1:]):
        return np.tile([1.0, 0.0, 0.0], (len(backgrounds), 1))
    reduce = max(1, backgrounds.shape[2] // 160)
    small = backgrounds[:, : backgrounds.shape[1] // reduce * reduce, : backgrounds.shape[2] // reduce * reduce]
    if reduce > 1:
        t_n, h, w = small.shape[:3]
        small = small.reshape(t_n, h // reduce, reduce, w // reduce, reduce, 3).mean(axis=(2, 4)).astype(np.uint8)
    out = _estimate(small)
    out[:, 1:] *= reduce
    # Coordinates of the reduced frames are pixel centres of blocks: correct the offset to full pixels.
    out[:, 1] += (out[:, 0] - 1) * (reduce - 1) / 2 * -1
    out[:, 2] += (out[:, 0] - 1) * (reduce - 1) / 2 * -1
    return out


def _estimate(backgrounds: npt.NDArray[np.uint8]) -> npt.NDArray[np.float64]:
    levels = 3
    pyr0 = [_gray(backgrounds[0])]
    for _ in range(levels - 1):
        pyr0.append(_down(pyr0[-1]))
    out = np.zeros((len(backgrounds), 3))
    out[0] = (1.0, 0.0, 0.0)
    p = np.array([1.0, 0.0, 0.0])
    for t in range(1, len(backgrounds)):
        if np.array_equal(backgrounds[t], backgrounds[t - 1]):
            out[t] = p
            continue
        pyr = [_gray(backgrounds[t])]
        for _ in range(levels - 1):
            pyr.append(_down(pyr[-1]))
        for level in range(levels - 1, -1, -1):
            scale = 2.0**level
            q = np.array([p[0], p[1] / scale, p[2] / scale])
            q = _align(pyr0[level], pyr[level], q, 8 if level else 5)
            p = np.array([q[0], q[1] * scale, q[2] * scale])
        out[t] = p
    return out


@dataclass(frozen=True)
class Track:
    """A subject's box over time in first-frame coordinates (camera removed): (T, 4) top, bottom,
    centre x, centre y, and its area; ``masks`` are the frame-space masks it was found in."""

    boxes: npt.NDArray[np.float64]
    areas: npt.NDArray[np.float64]
    masks: list[Mask]
    found: npt.NDArray[np.bool_]
    # Each frame's foreground and the subject's whole size in the first frame, to grow a tracked
    # piece back into the whole body (see ``body``).
    foregrounds: list[Mask] = field(default_factory=list)
    first_area: float = 0.0

    def body(self, t: int) -> Mask:
        """The whole subject at frame ``t``. The tracked mask is the piece of the subject's main
        colour plus a rim, so a body whose parts are outlined apart (a bird's wing, tail and head)
        is only partly in it, and a different part each frame. Grown through the foreground it is
        whole again, unless that takes in a neighbour it touches: then the tracked mask stands."""
        mask = self.masks[t]
        if t >= len(self.foregrounds) or not self.first_area:
            return mask
        grown = touching(self.foregrounds[t], mask) | mask
        return grown if grown.sum() <= _BODY_GROWTH * self.first_area else mask


def _dominant_lab(pixels: F32) -> F32:
    """The mean of the most common colour (8-unit Lab bins): a person's clothes, not the average of
    clothes, skin and hair."""
    bins = np.floor(pixels / 8).astype(np.int64)
    keys = (bins[:, 0] * 1000 + bins[:, 1] + 500) * 1000 + bins[:, 2] + 500
    _uniq, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    top = int(np.argmax(counts))
    near = np.linalg.norm(pixels - pixels[inverse == top].mean(0), axis=1) < 12
    return np.asarray(pixels[near].mean(0), np.float32)


def track_subject(
    frames: npt.NDArray[np.uint8], fgs: list[Mask], mask0: Mask, camera: npt.NDArray[np.float64]
) -> Track:
    """Follow the subject covering ``mask0`` in frame 0 through the foreground masks ``fgs``.

    Each frame, foreground pixels of the subject's own colour are split into pieces and the piece
    nearest to where the subject should be now (last position plus last step) is taken: when two
    subjects cross, each keeps its own pixels instead of following the merged blob.
    """
    from framecast.engine.sandbox.analyzers.subjects import lab

    t_n = len(frames)
    inner = erode(mask0, 1)
    ref = _dominant_lab(lab(frames[0][inner if inner.sum() >= 8 else mask0].astype(np.float32) / 255.0))
    boxes = np.zeros((t_n, 4))
    areas = np.zeros(t_n)
    found = np.zeros(t_n, bool)
    masks: list[Mask] = []
    pos = np.array(np.nonzero(mask0), np.float64).mean(1)
    step = np.zeros(2)
    size = float(np.sqrt(mask0.sum()))
    ref_area = 0.0
    most_area = 0.0
    most_full = 0.0
    for t in range(t_n):
        candidate = fgs[t] & dilate(mask0, 1) if t == 0 else fgs[t]
        gated = np.zeros_like(candidate)
        if candidate.any():
            gated[candidate] = np.sqrt(((lab(frames[t][candidate].astype(np.float32) / 255.0) - ref) ** 2).sum(-1)) < 22
        pieces = components(gated, 4)
        best, best_cost = None, np.inf
        guess = pos + step
        for piece in pieces:
            centre = np.array(np.nonzero(piece), np.float64).mean(1)
            area = float(piece.sum())
            # Near where it was or where it was heading: a bounce reverses faster than any guess.
            # Several times bigger than it ever was is this subject merged with a look-alike it
            # passes (a red fish bouncing behind a red heart), or the look-alike alone: no
            # position of its own, so the frame counts as not seen.
            if most_area and area > 3.0 * most_area:
                continue
            cost = float(min(np.linalg.norm(centre - guess), np.linalg.norm(centre - pos))) / max(size, 1.0)
            if ref_area:
                cost += abs(np.log(area / ref_area)) * 0.5
            if cost < best_cost:
                best, best_cost = piece, cost
        if best is None or best_cost > 6.0:
            masks.append(masks[-1] if masks else mask0)
            boxes[t], areas[t] = (boxes[t - 1], areas[t - 1]) if t else (0, 0)
            continue
        # Measure the whole subject (the colour gate keeps only its main colour), unless the whole
        # is much bigger than it has been: then it has merged with another subject.
        full = touching(fgs[t] & dilate(best, 2), best)
        full_area = float(full.sum())
        mask = full if (most_full == 0 or full_area < 1.6 * most_full) else best
        most_full = max(most_full, full_area) if mask is full else most_full
        ys, xs = np.nonzero(mask)
        centre = np.array([ys.mean(), xs.mean()])
        if t:
            step = centre - pos
        pos = centre
        if t == 0:
            ref_area = float(mask.sum())
        most_area = max(most_area, float(best.sum()))
        # A subject cut by the frame edge has lost size it did not lose: leave those frames out.
        h, w = mask.shape
        found[t] = ys.min() > 1 and xs.min() > 1 and ys.max() < h - 2 and xs.max() < w - 2
        s, tx, ty = camera[t]
        top, bottom = ys.min() * s + ty, (ys.max() + 1) * s + ty
        boxes[t] = (top, bottom, xs.mean() * s + tx, ys.mean() * s + ty)
        areas[t] = mask.sum() * s * s
        masks.append(mask)
    return Track(boxes, areas, masks, found, fgs, float(mask0.sum()))


def _rotation_errors(
    a: npt.NDArray[np.float32], mask_a: Mask, b: npt.NDArray[np.float32], mask_b: Mask, zoom: float
) -> dict[int, float] | None:
    """Mean difference between frame b's subject and frame a's turned by each angle in +-60 degrees
    (5-degree steps); None when the subject is too small to tell."""
    ya, xa = np.nonzero(mask_a)
    yb, xb = np.nonzero(mask_b)
    cya, cxa, cyb, cxb = ya.mean(), xa.mean(), yb.mean(), xb.mean()
    radius = int(max(yb.max() - yb.min(), xb.max() - xb.min()) / 2 + 2)
    oy, ox = np.mgrid[-radius : radius + 1, -radius : radius + 1].astype(np.float32)
    # Rounded like the rotated samples below: truncating here but rounding there shifted the two
    # grids by a pixel, which a small turn matched better than none (a still cat read as spinning).
    ty = np.clip(np.round(oy + cyb), 0, b.shape[0] - 1).astype(int)
    tx = np.clip(np.round(ox + cxb), 0, b.shape[1] - 1).astype(int)
    inside = mask_b[ty, tx]
    if inside.sum() < 10:
        return None
    target = b[ty, tx][inside]
    errors: dict[int, float] = {}
    for deg in range(-60, 61, 5):
        c, s = np.cos(np.deg2rad(deg)) * zoom, np.sin(np.deg2rad(deg)) * zoom
        sy = np.clip(np.round(cya + c * oy - s * ox), 0, a.shape[0] - 1).astype(int)
        sx = np.clip(np.round(cxa + s * oy + c * ox), 0, a.shape[1] - 1).astype(int)
        errors[deg] = float(np.abs(a[sy, sx][inside] - target).mean())
    return errors


def _soften(frame: npt.NDArray[np.uint8]) -> F32:
    """A 3x3 box blur. Any turn resamples the body's outline onto a rotated grid and pays for it at
    sharp edges, which no turn does; softened edges cost less, so a faint turning pattern (a ring's
    light band, a bird's wing) can still win over standing still."""
    x = frame.astype(np.float32)
    for axis in (0, 1):
        x = (np.roll(x, 1, axis) + x + np.roll(x, -1, axis)) / np.float32(3)
    return x


def _is_spinning(frames: npt.NDArray[np.uint8], track: Track, camera: npt.NDArray[np.float64] | None) -> bool:
    """A spin turns the body by a steady angle from frame to frame, always the same way; flapping
    wings or swinging legs change the picture without a consistent turn.

    Tried on the tracked masks, then on the whole bodies. The tracked mask of a body whose parts
    are outlined apart (a bird) is a different part each frame and matches no turn; a ring's is
    whole but for its light band, and turns better than the body grown over the band. Never a mix
    of the two: a part turned onto a whole matches no angle either."""
    steps = min(len(frames), 13)
    soft: dict[int, F32] = {}
    tracked = track.masks[:steps]
    if _turns_steadily(frames, track.found, camera, tracked, soft):
        return True
    bodies = [track.body(t) for t in range(len(tracked))]
    grown = any(not np.array_equal(b, m) for b, m in zip(bodies, tracked, strict=True))
    return grown and _turns_steadily(frames, track.found, camera, bodies, soft)


def _turns_steadily(
    frames: npt.NDArray[np.uint8], found: npt.NDArray[np.bool_], camera: npt.NDArray[np.float64] | None,
    masks: list[Mask], soft: dict[int, F32],
) -> bool:
    """Whether the subject in ``masks`` (one per frame from the first) turns by a steady angle;
    ``soft`` caches the softened frames between calls."""
    curves: list[dict[int, float]] = []
    for t in range(1, len(masks)):
        if not (found[t] and found[t - 1]):
            continue
        zoom = float(camera[t][0] / camera[t - 1][0]) if camera is not None else 1.0
        for k in (t - 1, t):
            if k not in soft:
                soft[k] = _soften(frames[k])
        errors = _rotation_errors(soft[t - 1], masks[t - 1], soft[t], masks[t], zoom)
        if errors is not None:
            curves.append(errors)
    if len(curves) < 3:
        return False
    angles = np.array([min(c, key=lambda d: c[d]) for c in curves])
    gains = np.array([c[0] / max(c[int(a)], 1e-3) for c, a in zip(curves, angles, strict=True)])
    turning = np.abs(angles) >= 5
    same_way = max(np.sum(angles > 0), np.sum(angles < 0)) >= 0.75 * len(angles)
    if turning.mean() >= 0.75 and same_way and np.median(gains) > 1.15:
        return True
    # A star looks the same turned by a fifth of a circle, so a turn of 20 degrees matches one of
    # -52 as well, and the best angle of each step flips between the two. The steady turn still
    # stands out in the errors summed over all steps.
    total = {d: sum(c[d] for c in curves) for d in curves[0]}
    best = min(total, key=lambda d: total[d])
    beaten = np.mean([c[best] < c[0] for c in curves])
    if abs(best) >= 5 and beaten >= 0.75 and total[0] / max(total[best], 1e-3) > _SUMMED_GAIN:
        return True
    # A ring turns only its faint light band, so each step gains little over standing still; but
    # step after step lands on the same turn, which nothing standing still or flapping does.
    steady = np.mean(np.abs(angles - best) <= 5)
    return bool(abs(best) >= 10 and steady >= 0.75 and beaten >= 0.75)


def _theil_sen(x: npt.NDArray[np.int64], y: npt.NDArray[np.float64]) -> tuple[float, float]:
    """Intercept and slope of the median-of-pairwise-slopes line through (x, y)."""
    xf = x.astype(np.float64)
    i, j = np.triu_indices(len(xf), 1)
    dx = xf[j] - xf[i]
    slope = float(np.median((y[j] - y[i]) / dx)) if len(dx) else 0.0
    return float(np.median(y - slope * xf)), slope


def classify_motion(
    frames: npt.NDArray[np.uint8], track: Track, height: int, width: int, camera: npt.NDArray[np.float64] | None = None
) -> Motion:
    """Name the motion of a tracked subject (camera already removed from the track; ``camera`` is
    still needed to compare its appearance across frames)."""
    ok = track.found
    if ok.sum() < 3:
        return Motion.STILL
    idx = np.flatnonzero(ok)
    # Robust straight-line fits (a few frames hidden behind another subject do not bend them),
    # read at the first and last frame the subject was seen whole.
    start, end = float(idx[0]), float(idx[-1])
    fits = [_theil_sen(idx, track.boxes[idx, k]) for k in range(4)]
    top0, bottom0, cx0, cy0 = (a + b * start for a, b in fits)
    top1, bottom1, cx1, cy1 = (a + b * end for a, b in fits)
    la, lb = _theil_sen(idx, np.log(np.maximum(track.areas[idx], 1.0)))
    area0, area1 = np.exp(la + lb * start), np.exp(la + lb * end)
    by_area = float(np.sqrt(area1 / max(area0, 1.0)))
    # (A straight-line fit can carry a vanishing subject's height below zero by the last frame.)
    by_height = float(max(bottom1 - top1, 0.5) / max(bottom0 - top0, 1.0))
    # Turning (an orbit) narrows a body and spinning changes its box; growth changes both.
    ratio = by_area if abs(np.log(by_area)) < abs(np.log(by_height)) else by_height
    # The fixed point of a scaling from the start box to the end box, across: growth keeps the
    # subject's own centre, an approach scales about the vanishing point, both inside the picture.
    # A subject that travelled further than its change of size explains (walking out of a zoom,
    # a flapping bird whose outline shrinks) is moving across, not growing or receding.
    anchor_x = (cx1 - ratio * cx0) / (1 - ratio) / width if abs(ratio - 1) > 1e-6 else 0.5
    if (ratio > 1.18 or ratio < 1 / 1.18) and -0.15 <= anchor_x <= 1.15:
        # The same fixed point, up and down.
        anchor = (top1 - ratio * top0) / (1 - ratio)
        body = bottom0 - top0
        rel = (anchor - top0) / max(body, 1.0)
        # Growth keeps the base or the centre fixed; an approach scales about a point above the
        # subject (the ground's vanishing line, or far off for things in the air).
        grows = rel >= 0.3
        if ratio > 1:
            return Motion.GROW if grows else Motion.TOWARD
        return Motion.SHRINK if grows else Motion.AWAY
    dx, dy = (cx1 - cx0) / width, (cy1 - cy0) / height
    if abs(dx) > 0.06 and abs(dx) * width > abs(dy) * height:
        return Motion.RIGHT if dx > 0 else Motion.LEFT
    # A bounce is what is left of the vertical path after its trend: a swing that keeps turning.
    ys = track.boxes[idx, 3] / height
    trend = np.polyval(np.polyfit(idx.astype(np.float64), ys, 1), idx)
    residual = ys - trend
    if float(residual.max() - residual.min()) > 0.12:
        turns = int(np.sum(np.diff(np.sign(np.diff(residual))) != 0))
        if turns >= 2:
            return Motion.BOUNCE
    if abs(dy) > 0.06:
        return Motion.DOWN if dy > 0 else Motion.UP
    if _is_spinning(frames, track, camera):
        return Motion.SPIN
    return Motion.STILL
