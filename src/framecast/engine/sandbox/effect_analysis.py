"""Which Pikaffect happened to a subject: a classifier over pixel statistics of a clip.

The eval of the sandbox world calls :func:`classify_effect` on rendered clips to check that an
effect is recognisable. It does not look at the renderer's internals, only at frames: it separates
the subject from the background, then follows how the subject's area, extent, centroid, number of
pieces, brightness around it and colours new to it change over time. Each effect leaves one
signature that no other has (see :mod:`framecast.engine.sandbox.effects`): the decision below is a
short list of those signatures, checked from the most specific to the most generic.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt

from framecast.engine.sandbox.imaging.inpaint import inpaint
from framecast.engine.sandbox.imaging.raster import F32, Mask, dilate, label
from framecast.engine.sandbox.scene import Effect

__all__ = ["EffectFeatures", "classify_effect", "decide", "effect_candidates", "effect_features", "pick_effect",
           "pick_index"]

_SKIN = np.array([0.95, 0.76, 0.62], np.float32)
_CLOTH = np.array([0.62, 0.05, 0.14], np.float32)
_FAINT = 0.03  # a difference from the background that is more than noise, though not foreground
_WORK_SIDE = 48  # the subject's long side after downsampling: enough for shape, cheap for 120 frames


@dataclass(frozen=True)
class EffectFeatures:
    """Summaries of a clip, relative to the subject in the first frame (areas in its area, lengths
    in its height or width)."""

    area_end: float
    area_max: float
    area_min: float
    height_end: float
    height_min: float
    height_rebound: float  # how much of the lost height came back after the minimum
    width_end: float
    width_max: float
    rise_max: float  # largest upward move of the main piece's bottom edge, in heights
    rise_end: float  # the same move at the end
    top_rise_end: float  # upward move of the top of everything at the end, in heights
    drop_end: float  # downward move of the centroid at the end, in heights
    pieces_max: float  # most separate pieces at once (median-filtered over time)
    pieces_end: float
    spread_max: float  # widest extent of all foreground, in subject widths
    flash_max: float  # brightening of the surroundings at its peak
    flash_end: float
    skin_max: float  # finger-coloured area appearing outside the subject (or faintly beside it: skin-toned walls)
    finger_max: float  # the same, in the band a finger poking this subject lies in (see _finger_zone)
    cloth_max: float  # cloth-coloured area appearing
    recolour_end: float  # share of the subject still there but of a clearly different colour
    eyes: float  # white and black blobs newly present over the subject's upper part
    top_lost: float  # share of the subject's top band that is background at the end
    dark_new: float  # new dark lines inside the subject (cracks)
    stripes: float  # horizontal banding of new colours in a central strip (cake layers)
    halves_gap: float  # a background gap splitting the subject left/right at the end
    upward_particles: float  # foreground above the subject's old top while its area falls

    def as_dict(self) -> dict[str, float]:
        return {f.name: float(getattr(self, f.name)) for f in fields(self)}


def classify_effect(
    frames: npt.NDArray[np.uint8],
    subject_mask_first: npt.NDArray[np.bool_],
    background: npt.NDArray[np.uint8] | npt.NDArray[np.floating] | None = None,
    track: npt.ArrayLike | None = None,
    neighbours: Sequence[npt.ArrayLike] = (),
    judge: Callable[[EffectFeatures], Effect] | None = None,
) -> Effect:
    """The effect that ``frames`` (T, H, W, 3) show happening to the subject covering
    ``subject_mask_first`` (H, W) in frame 0; ``Effect.NONE`` when the subject just stays.

    ``background`` is the scene without the subject: (H, W, 3) or per frame (T, H, W, 3), uint8 or
    float in [0, 1]. Without it the background is estimated by filling the subject's hole in the
    first frame, which works on smooth backgrounds and costs accuracy on busy ones.

    ``track`` is how the subject itself moves, when the caller knows it: (T, 3) rows of its centre x,
    centre y (frame pixels) and size (any unit, e.g. its height) per frame. The analyzer then
    follows the subject exactly (walking, bouncing, growing, the camera) and, where the mask joins
    two touching subjects, takes the one at the track's start. Without it, a steady drift measured
    over the clip's first tenth is taken out, which covers walks and pans but not scale changes.

    ``neighbours`` are the other subjects' tracks, in the same form, when the caller knows them:
    what they cover, outside the subject's own place, is then not taken for part of the effect (a
    neighbour walking through would otherwise read as the subject growing or breaking up).

    ``judge`` reads the features: the decision list :func:`decide` unless given (the evaluation
    passes the learned :class:`~framecast.engine.sandbox.effect_model.EffectClassifier`).
    """
    candidates = effect_candidates(frames, subject_mask_first, background, track, neighbours)
    return pick_effect(candidates, judge or decide)


def effect_candidates(
    frames: npt.NDArray[np.uint8],
    subject_mask_first: npt.NDArray[np.bool_],
    background: npt.NDArray[np.uint8] | npt.NDArray[np.floating] | None = None,
    track: npt.ArrayLike | None = None,
    neighbours: Sequence[npt.ArrayLike] = (),
) -> list[EffectFeatures]:
    """What :func:`classify_effect` measures: the features of each body the mask may stand for.

    One body, unless the mask joins touching subjects and no ``track`` says which is the subject;
    :func:`pick_effect` then takes the one that changed.
    """
    mask = np.asarray(subject_mask_first, bool)
    if not mask.any():
        raise ValueError("subject_mask_first is empty")
    bg0 = _backgrounds(frames[:1], mask, background, 8)[0]
    path = None if track is None else np.asarray(track, np.float64).reshape(len(frames), -1)
    parts = _bodies(mask, frames[0], bg0)
    if path is not None and len(parts) > 1:
        starts = [path[0]] + [np.asarray(n, np.float64).reshape(len(frames), -1)[0] for n in neighbours]
        parts = [_own_part(parts, starts)]
    return [effect_features(frames, part, background, path, neighbours) for part in parts]


def pick_effect(candidates: Sequence[EffectFeatures], judge: Callable[[EffectFeatures], Effect]) -> Effect:
    """The effect ``judge`` reads in the candidate that changed most (any effect beats none): a
    mask that joins two touching subjects is split, and the effect happens to one of them."""
    verdicts = [judge(f) for f in candidates]
    return verdicts[_most_changed(candidates, verdicts)]


def pick_index(candidates: Sequence[EffectFeatures], judge: Callable[[EffectFeatures], Effect]) -> int:
    """Which of the candidates :func:`pick_effect` goes by."""
    return _most_changed(candidates, [judge(f) for f in candidates])


def _most_changed(candidates: Sequence[EffectFeatures], verdicts: Sequence[Effect]) -> int:
    changes = [_change(f) + (10.0 if v is not Effect.NONE else 0.0) for f, v in zip(candidates, verdicts, strict=True)]
    return int(np.argmax(changes))


def _own_part(parts: list[Mask], starts: Sequence[npt.NDArray[np.float64]]) -> Mask:
    """Of the pieces a mask falls into, the ones that belong to the subject starting at
    ``starts[0]``: every piece nearer that start than any other subject's (``starts[1:]``).

    A grey or black subject can lose a seam of shadow-like pixels and fall into pieces itself;
    only a neighbour's pieces (joined to it by a shadow) are left out.
    """
    ys, xs = np.mgrid[0 : parts[0].shape[0], 0 : parts[0].shape[1]]
    dists = np.array(
        [[float(((xs[p] - c[0]) ** 2 + (ys[p] - c[1]) ** 2).min()) for c in starts] for p in parts]
    )
    own = [p for p, d in zip(parts, dists, strict=True) if int(np.argmin(d)) == 0]
    if not own:
        return parts[int(np.argmin(dists[:, 0]))]
    return np.asarray(np.logical_or.reduce(own), bool)


def _change(f: EffectFeatures) -> float:
    return float(
        abs(np.log(max(f.area_end, 1e-3)))
        + abs(np.log(max(f.height_end, 1e-3)))
        + abs(np.log(max(f.width_end, 1e-3)))
        + f.recolour_end
        + f.flash_max
    )


def _bodies(mask: Mask, frame: npt.NDArray[np.uint8], bg: npt.NDArray[np.uint8]) -> list[Mask]:
    """The subject(s) a mask covers. Shadows (the background evenly darkened) are dropped first,
    so two subjects joined only by their shadows come apart; each sizeable body is returned."""
    f = frame.astype(np.float32) + 1.0
    ratio = f / (bg.astype(np.float32) + 1.0)
    shade = (ratio.max(-1) < 0.97) & (ratio.min(-1) > 0.3) & (ratio.max(-1) - ratio.min(-1) < 0.12)
    solid = mask & ~(shade & (bg.astype(np.float32).max(-1) > 40))
    lab, n = label(solid)
    if n < 2:
        return [mask]
    sizes = np.bincount(lab.ravel(), minlength=n + 1)[1:]
    big = [j + 1 for j in np.flatnonzero(sizes >= 0.15 * sizes.max())]
    if len(big) < 2:
        return [mask]
    return _grown([lab == j for j in big], mask)


def _grown(seeds: list[Mask], mask: Mask, steps: int = 24) -> list[Mask]:
    """Each seed grown back over the rest of ``mask``, a pixel ring at a time, so every pixel goes
    to the body it is nearest: shade-like pixels inside a grey or black body are its own."""
    grown = [s.copy() for s in seeds]
    free = mask & ~np.logical_or.reduce(grown)
    for _ in range(steps):
        if not free.any():
            break
        for g in grown:
            ring = dilate(g, 1) & free
            g |= ring
            free &= ~ring
    return grown


def _block_mean(x: F32, f: int) -> F32:
    if f == 1:
        return x
    t = x.shape[0]
    h, w = x.shape[1] // f * f, x.shape[2] // f * f
    x = x[:, :h, :w]
    return np.asarray(x.reshape(t, h // f, f, w // f, f, -1).mean(axis=(2, 4)), np.float32)


def effect_features(
    frames: npt.NDArray[np.uint8],
    subject_mask_first: npt.NDArray[np.bool_],
    background: npt.NDArray[np.uint8] | npt.NDArray[np.floating] | None = None,
    track: npt.ArrayLike | None = None,
    neighbours: Sequence[npt.ArrayLike] = (),
) -> EffectFeatures:
    t_n = frames.shape[0]
    mask0 = np.asarray(subject_mask_first, bool)
    rows, cols = np.flatnonzero(mask0.any(1)), np.flatnonzero(mask0.any(0))
    if rows.size == 0:
        raise ValueError("subject_mask_first is empty")
    top, bot, left, right = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
    sh, sw = bot - top, right - left
    bgs = _backgrounds(frames, mask0, background, max(sh, sw))
    # The subject may be walking (or the camera panning) while the effect plays: its drift is
    # measured over the first frames, before any effect starts, and taken out of every frame.
    if track is None:
        vx, vy = _drift(frames, bgs, mask0, max(sh, sw))
        path = np.stack([np.arange(t_n) * vx, np.arange(t_n) * vy, np.ones(t_n)], 1)
    else:
        tr = np.asarray(track, np.float64).reshape(t_n, -1)
        size = tr[:, 2] if tr.shape[1] > 2 else np.ones(t_n)
        path = np.stack([tr[:, 0] - tr[0, 0], tr[:, 1] - tr[0, 1], size / max(float(size[0]), 1e-6)], 1)
    others_paths = [np.asarray(nb, np.float64).reshape(t_n, -1) for nb in neighbours]
    ax, ay = (left + right) / 2, (top + bot) / 2
    # The region of interest: where any effect can take the subject (explosions reach ~3 sizes).
    y0, y1 = top - int(2.5 * sh), bot + int(1.0 * sh)
    x0, x1 = left - int(2.5 * sw), right + int(2.5 * sw)
    f = max(1, int(max(sh, sw) / _WORK_SIDE))
    crops, bg_crops, valid, boxes = [], [], [], []
    for t in range(t_n):
        # The region of interest moves and scales with the subject, and is resampled back to the
        # first frame's size: every frame is measured as if the subject had stayed put.
        dx, dy, k = path[t]
        box = (ax + dx + (x0 - ax) * k, ay + dy + (y0 - ay) * k, ax + dx + (x1 - ax) * k, ay + dy + (y1 - ay) * k)
        boxes.append(box)
        crop, ok = _crop_box(frames[t], box, y1 - y0, x1 - x0)
        crops.append(crop)
        bg_crops.append(_crop_box(bgs[min(t, len(bgs) - 1)], box, y1 - y0, x1 - x0)[0])
        valid.append(ok)
    vid = _block_mean(np.stack(crops).astype(np.float32) / 255.0, f)
    bg = _block_mean(np.stack(bg_crops).astype(np.float32) / 255.0, f)
    inside = _block_mean(np.stack(valid)[..., None].astype(np.float32), f)[..., 0] > 0.99
    m0_full = _crop(mask0[..., None], y0, y1, x0, x1)[0]
    m0 = _block_mean(m0_full[None].astype(np.float32), f)[0, ..., 0] > 0.5
    if not m0.any():
        m0 = _block_mean(m0_full[None].astype(np.float32), f)[0, ..., 0] > 0.0
    # A subject that walks (or is panned) out of the picture is measured up to where it was last
    # in view: leaving is not vanishing.
    in_view = np.flatnonzero(inside[:, m0].mean(1) < 0.8)
    if in_view.size and in_view[0] >= 2:
        vid, bg, inside = vid[: in_view[0]], bg[: in_view[0]], inside[: in_view[0]]
        boxes = boxes[: in_view[0]]
        others_paths = [p[: in_view[0]] for p in others_paths]
    diff = np.abs(vid - bg).max(-1)
    contrast = float(np.median(diff[0][m0]))
    thr = float(np.clip(0.45 * contrast, 0.035, 0.12))
    fg = (diff > thr) & inside
    if others_paths:
        # A finger reaching past a neighbour to poke the subject is the subject's effect all the same.
        finger = _near(vid, _SKIN, 0.16)
        fg &= ~(_neighbour_cover(others_paths, boxes, fg.shape[1:], f, m0, fg[0]) & ~finger)
    # What differs from the background in frame 0 outside the subject is its shadow (or another
    # thing in the scene): while it stays as it was, it is not part of what the effect does.
    others = fg[0] & ~dilate(m0, 1)
    if others.any():
        unchanged = np.abs(vid - vid[0]).max(-1) < max(thr, 0.06)
        fg &= ~(others[None] & unchanged)
    return _summarise(vid, bg, _own_pieces(fg, m0, others), m0)


def _neighbour_cover(
    neighbours: list[npt.NDArray[np.float64]],
    boxes: list[tuple[float, float, float, float]],
    grid_shape: tuple[int, ...],
    f: int,
    m0: Mask,
    fg0: Mask,
) -> Mask:
    """Where, on the subject-following grid of each frame, the other subjects are, outside the
    subject's own place. A neighbour's first-frame extent is its foreground nearest its track's
    start (or a box of its size, where it is outside the region); it then moves and scales with
    its track (rows of centre x, centre y and, optionally, size, one per frame)."""
    gh, gw = int(grid_shape[0]), int(grid_shape[1])
    t_n = len(boxes)
    rows, cols = np.flatnonzero(m0.any(1)), np.flatnonzero(m0.any(0))
    own = dilate(m0, max(1, round(0.12 * max(int(rows[-1] - rows[0]), int(cols[-1] - cols[0])) + 1)))
    # Frame coordinates of the grid's cell centres, per frame.
    gx = np.stack([b[0] + (np.arange(gw) + 0.5) * (b[2] - b[0]) / gw for b in boxes])
    gy = np.stack([b[1] + (np.arange(gh) + 0.5) * (b[3] - b[1]) / gh for b in boxes])
    lab, n = label(fg0 & ~own)
    cover = np.zeros((t_n, gh, gw), bool)
    for tr in neighbours:
        size0 = float(tr[0, 2]) if tr.shape[1] > 2 else 0.0
        scale = tr[:, 2] / max(size0, 1e-6) if tr.shape[1] > 2 else np.ones(t_n)
        half = 0.75 * size0
        ext = [tr[0, 0] - half, tr[0, 1] - half, tr[0, 0] + half, tr[0, 1] + half]
        if n:
            # Its own pixels in frame 0: the pieces that reach within half its size of its centre.
            cx = np.abs(gx[0] - tr[0, 0]).argmin()
            cy = np.abs(gy[0] - tr[0, 1]).argmin()
            near = np.zeros((gh, gw), bool)
            near[cy, cx] = gx[0, 0] <= tr[0, 0] <= gx[0, -1] and gy[0, 0] <= tr[0, 1] <= gy[0, -1]
            cell = max(float(gx[0, 1] - gx[0, 0]) if gw > 1 else 1.0, 1e-6)
            reach = max(1, round(0.5 * size0 / cell))
            ids = np.unique(lab[dilate(near, reach) & (lab > 0)])
            if ids.size:
                ys, xs = np.nonzero(np.isin(lab, ids))
                ext = [min(ext[0], gx[0, xs.min()]), min(ext[1], gy[0, ys.min()]),
                       max(ext[2], gx[0, xs.max()]), max(ext[3], gy[0, ys.max()])]
        margin = 0.1 * max(size0, 1.0) + 2.0 * f
        for t in range(t_n):
            k = scale[t]
            bx0 = tr[t, 0] + (ext[0] - tr[0, 0]) * k - margin
            bx1 = tr[t, 0] + (ext[2] - tr[0, 0]) * k + margin
            by0 = tr[t, 1] + (ext[1] - tr[0, 1]) * k - margin
            by1 = tr[t, 1] + (ext[3] - tr[0, 1]) * k + margin
            cover[t] |= ((gy[t] >= by0) & (gy[t] <= by1))[:, None] & ((gx[t] >= bx0) & (gx[t] <= bx1))[None, :]
    return cover & ~own[None]


def _backgrounds(
    frames: npt.NDArray[np.uint8],
    mask0: Mask,
    background: npt.NDArray[np.uint8] | npt.NDArray[np.floating] | None,
    size: int,
) -> npt.NDArray[np.uint8]:
    """The background per frame (or one for all) as uint8, estimated when not given."""
    if background is None:
        bg0 = inpaint(frames[0].astype(np.float32) / 255.0, dilate(mask0, max(2, size // 30)))
        return np.asarray((bg0 * 255 + 0.5).astype(np.uint8)[None])
    b = np.asarray(background)
    if b.dtype != np.uint8:
        b = np.clip(b.astype(np.float32) * (255.0 if b.max() <= 1.5 else 1.0) + 0.5, 0, 255).astype(np.uint8)
    return b[None] if b.ndim == 3 else b


def _crop(img: npt.NDArray[np.generic], y0: int, y1: int, x0: int, x1: int) -> tuple[np.ndarray, Mask]:
    """img[y0:y1, x0:x1] with the border repeated outside the image, and where it was inside."""
    h, w = img.shape[:2]
    ys, xs = np.arange(y0, y1), np.arange(x0, x1)
    ok = ((ys >= 0) & (ys < h))[:, None] & ((xs >= 0) & (xs < w))[None, :]
    return img[np.clip(ys, 0, h - 1)[:, None], np.clip(xs, 0, w - 1)[None, :]], ok


def _crop_box(
    img: npt.NDArray[np.uint8], box: tuple[float, float, float, float], out_h: int, out_w: int
) -> tuple[np.ndarray, Mask]:
    """The (fractional) box of ``img`` resampled to out_h x out_w, nearest pixel, border repeated
    outside the image, with where it was inside."""
    h, w = img.shape[:2]
    bx0, by0, bx1, by1 = box
    xs = np.floor(bx0 + (np.arange(out_w) + 0.5) * (bx1 - bx0) / out_w).astype(np.int64)
    ys = np.floor(by0 + (np.arange(out_h) + 0.5) * (by1 - by0) / out_h).astype(np.int64)
    ok = ((ys >= 0) & (ys < h))[:, None] & ((xs >= 0) & (xs < w))[None, :]
    return img[np.clip(ys, 0, h - 1)[:, None], np.clip(xs, 0, w - 1)[None, :]], ok


def _drift(frames: npt.NDArray[np.uint8], bgs: npt.NDArray[np.uint8], mask0: Mask, size: int) -> tuple[float, float]:
    """The subject's steady motion in pixels per frame, from its centroid over the first tenth of
    the clip (effects start later). Vertical motion counts only when it is steady (a bounce is not)."""
    t_n, height, width = frames.shape[:3]
    k = max(2, round(0.1 * (t_n - 1)))
    if t_n <= k:
        return 0.0, 0.0
    fc = max(1, int(np.ceil(max(height, width) / 320)), int(size / _WORK_SIDE))
    small = _block_mean(frames[: k + 1].astype(np.float32) / 255.0, fc)
    bsmall = _block_mean(bgs[: k + 1].astype(np.float32) / 255.0, fc)
    m = _block_mean(mask0[None, ..., None].astype(np.float32), fc)[0, ..., 0] > 0.3
    if not m.any():
        return 0.0, 0.0
    diff = np.abs(small - bsmall[: len(small)] if len(bsmall) > 1 else small - bsmall[0]).max(-1)
    thr = float(np.clip(0.45 * float(np.median(diff[0][m])), 0.035, 0.12))
    reach = max(2, round(0.25 * size / fc))
    prev, cents = m, list[tuple[float, float]]()
    for t in range(k + 1):
        lab, _ = label(diff[t] > thr)
        hit = np.unique(lab[dilate(prev, reach) & (lab > 0)])
        cur = np.isin(lab, hit) if hit.size else prev
        ys, xs = np.nonzero(cur)
        cents.append((xs.mean(), ys.mean()) if xs.size else cents[-1] if cents else (0.0, 0.0))
        prev = cur
    c = np.asarray(cents, np.float64)
    ts = np.arange(len(c), dtype=np.float64)
    vx = float(np.polyfit(ts, c[:, 0], 1)[0])
    fit_y = np.polyfit(ts, c[:, 1], 1)
    resid = float(np.abs(np.polyval(fit_y, ts) - c[:, 1]).max())
    vy = float(fit_y[0]) if resid < 0.25 * max(abs(fit_y[0]) * k, 1.0) else 0.0
    return vx * fc, vy * fc


def _own_pieces(fg: Mask, m0: Mask, others0: Mask) -> Mask:
    """Foreground that belongs to the subject: pieces connected, frame to frame, to what was the
    subject before. Fragments flying off stay in (they move less than the reach per frame); the
    other things in the scene are followed the same way, and a piece both could claim goes to the
    one it overlaps more, so a neighbour walking by is not taken for part of the effect."""
    rows, cols = np.flatnonzero(m0.any(1)), np.flatnonzero(m0.any(0))
    size = max(int(rows[-1] - rows[0]), int(cols[-1] - cols[0])) + 1
    reach, reach_o = max(2, round(0.3 * size)), max(2, round(0.12 * size))
    out = np.zeros_like(fg)
    prev, prev_o = m0, others0
    for t in range(fg.shape[0]):
        lab, n = label(fg[t])
        if n == 0:
            continue
        near, near_o = dilate(prev, reach), dilate(prev_o, reach_o)
        mine_n = np.bincount(lab[near & (lab > 0)], minlength=n + 1)
        theirs_n = np.bincount(lab[near_o & (lab > 0)], minlength=n + 1)
        own_core = np.bincount(lab[prev & (lab > 0)], minlength=n + 1)
        other_core = np.bincount(lab[prev_o & (lab > 0)], minlength=n + 1)
        keep = (mine_n > 0) & ((theirs_n == 0) | (own_core >= other_core))
        keep[0] = False
        cur = keep[lab]
        out[t] = cur
        if cur.any():
            prev = cur
        other = ((theirs_n > 0) & ~keep)[lab]
        other[lab == 0] = False
        if other.any():
            prev_o = other
    return out


def _summarise(vid: F32, bg: F32, fg: Mask, mask: Mask) -> EffectFeatures:
    t_n, h, w = fg.shape
    ys, xs = np.mgrid[0:h, 0:w]
    # Measure against the subject as the foreground test sees it in frame 0: parts too close to the
    # background to detect (a white cat at night) are then missing from every frame alike.
    seen = fg[0] & dilate(mask, 1)
    m0 = seen if seen.sum() >= 0.3 * mask.sum() else mask
    a0 = float(m0.sum())
    r0, c0 = np.flatnonzero(m0.any(1)), np.flatnonzero(m0.any(0))
    top0, bot0 = float(r0[0]), float(r0[-1] + 1)
    left0, right0 = float(c0[0]), float(c0[-1] + 1)
    h0, w0 = bot0 - top0, right0 - left0
    cy0 = float(ys[m0].mean())
    min_piece = max(2.0, 0.01 * a0)
    near = dilate(m0, max(2, int(0.6 * max(h0, w0))))
    ring = near & ~dilate(m0, 2)
    cols0 = (xs >= left0) & (xs < right0)
    eye_zone = cols0 & (ys >= top0 - 0.6 * h0) & (ys < top0 + 0.6 * h0)
    top_band = m0 & (ys < top0 + 0.3 * h0)
    strip = (np.abs(xs - (left0 + right0) / 2) < 0.5 * w0) & (ys >= top0) & (ys < bot0)
    finger_zone = _finger_zone(ys, xs, top0, bot0, left0, right0)

    lum_bg = bg.mean(-1)
    palette = _palette(vid[0][m0])
    per: dict[str, list[float]] = {
        k: []
        for k in (
            "area",
            "height",
            "width",
            "bottom",
            "cy",
            "pieces",
            "spread",
            "flash",
            "skin",
            "finger",
            "cloth",
            "recolour",
            "top",
            "eyes",
            "dark",
            "stripes",
            "gap",
            "above",
            "top_lost",
        )
    }
    for t in range(t_n):
        m = fg[t]
        area = float(m.sum())
        per["area"].append(area / a0)
        lab, n = label(m)
        sizes = np.bincount(lab.ravel(), minlength=n + 1)[1:] if n else np.zeros(0, np.int64)
        big = np.flatnonzero(sizes >= min_piece) + 1
        per["pieces"].append(float(len(big)))
        if area >= 1:
            main = lab == (int(np.argmax(sizes)) + 1)
            mr = np.flatnonzero(main.any(1))
            per["bottom"].append((bot0 - float(mr[-1] + 1)) / h0)
            rr, cc = np.flatnonzero(m.any(1)), np.flatnonzero(m.any(0))
            body = m & np.isin(lab, big) if big.size else m
            br, bc = np.flatnonzero(body.any(1)), np.flatnonzero(body.any(0))
            if br.size == 0:
                br, bc = rr, cc
            per["height"].append(float(br[-1] + 1 - br[0]) / h0)
            per["top"].append((top0 - float(br[0])) / h0)
            per["width"].append(float(bc[-1] + 1 - bc[0]) / w0)
            per["spread"].append(float(cc[-1] + 1 - cc[0]) / w0)
            per["cy"].append((float(ys[m].mean()) - cy0) / h0)
        else:
            for k in ("bottom", "height", "width", "spread", "cy", "top"):
                per[k].append(0.0)
        frame = vid[t]
        glow = np.clip(frame.mean(-1)[ring] - lum_bg[min(t, len(lum_bg) - 1)][ring], 0, 1)
        per["flash"].append(float(glow.mean()) if glow.size else 0.0)  # no ring: a subject filling the region
        # On a skin-toned backdrop a finger's inside differs from it too little to be foreground; only
        # its darker rim does. Beside the foreground, a faint difference counts as well.
        skin = _near(frame, _SKIN, 0.16) & ~m0
        if (skin & ~m).any():
            skin &= m | (dilate(m, 2) & (np.abs(frame - bg[min(t, len(bg) - 1)]).max(-1) > _FAINT))
        per["skin"].append(float(skin.sum()) / a0)
        per["finger"].append(float((skin & finger_zone).sum()) / a0)
        per["cloth"].append(float((m & _near(frame, _CLOTH, 0.2) & ~_in_palette(frame, palette)).sum()) / a0)
        novel = m & ~_in_palette(frame, palette)
        lum = frame.mean(-1)
        sat = frame.max(-1) - frame.min(-1)
        changed_any = np.abs(frame - vid[0]).max(-1) > 0.25
        changed = m & changed_any
        per["recolour"].append(float((changed & m0).sum()) / a0)
        # New black on a dark background is no foreground, yet it is a pupil all the same.
        drawn = m | changed_any
        whites = drawn & (lum > 0.82) & (sat < 0.15)
        blacks = drawn & (lum < 0.14)
        if (changed_any & eye_zone).sum() >= 0.04 * a0:
            per["eyes"].append(min(float((whites & eye_zone).sum()), 2.0 * float((blacks & eye_zone).sum())) / a0)
        else:
            per["eyes"].append(0.0)
        per["top_lost"].append(float((~m & top_band).sum()) / max(float(top_band.sum()), 1.0))
        per["dark"].append(float((novel & m0 & (lum < 0.5 * float(lum[m0].mean() + 1e-3) + 0.02)).sum()) / a0)
        per["stripes"].append(_stripes(novel & strip, frame))
        per["gap"].append(_gap(m, top0, bot0, left0, right0))
        above = m & (ys < top0 - 0.1 * h0)
        per["above"].append(float(above.sum()) / a0)

    a = {k: np.asarray(v, np.float32) for k, v in per.items()}
    pieces = _median3(a["pieces"])
    end = slice(max(t_n - 3, 0), t_n)
    h_min_i = int(np.argmin(a["height"]))
    h_min = float(a["height"][h_min_i])
    h_after = float(a["height"][h_min_i:].max()) if h_min_i < t_n else h_min
    area_fall = np.clip(1.0 - a["area"], 0, 1)
    return EffectFeatures(
        area_end=float(np.median(a["area"][end])),
        area_max=float(np.percentile(a["area"], 95)),
        area_min=float(np.percentile(a["area"], 5)),
        height_end=float(np.median(a["height"][end])),
        height_min=h_min,
        height_rebound=float((h_after - h_min) / max(1.0 - h_min, 0.05)),
        width_end=float(np.median(a["width"][end])),
        width_max=float(np.percentile(a["width"], 95)),
        rise_max=float(np.percentile(a["bottom"], 95)),
        rise_end=float(np.median(a["bottom"][end])),
        top_rise_end=float(np.median(a["top"][end])),
        drop_end=float(np.median(a["cy"][end])),
        pieces_max=float(pieces.max()),
        pieces_end=float(np.median(pieces[end])),
        spread_max=float(np.percentile(a["spread"], 95)),
        flash_max=float(a["flash"].max()),
        flash_end=float(np.median(a["flash"][end])),
        skin_max=float(_median3(a["skin"]).max()),
        finger_max=float(_median3(a["finger"]).max()),
        cloth_max=float(_median3(a["cloth"]).max()),
        recolour_end=float(np.median(a["recolour"][end])),
        eyes=float(np.median(a["eyes"][end])),
        top_lost=float(np.median(a["top_lost"][end])),
        dark_new=float(np.percentile(a["dark"], 90)),
        stripes=float(np.median(a["stripes"][end])),
        halves_gap=float(np.median(a["gap"][end])),
        upward_particles=float((a["above"] * (area_fall > 0.1)).max()),
    )


def _finger_zone(ys: npt.NDArray[np.int64], xs: npt.NDArray[np.int64], top: float, bottom: float, left: float,
                 right: float) -> Mask:
    """Where a finger poking the subject lies: a band about its middle height, from just inside its
    right edge outward (the finger comes in from the right). A neighbour's finger crosses it only
    when that neighbour stands beside the subject at the same height."""
    band = np.abs(ys - (top + bottom) / 2) <= max(0.25 * (bottom - top), 1.5)
    return np.asarray(band & (xs >= right - 0.3 * (right - left)))


def _median3(x: F32) -> F32:
    if x.size < 3:
        return x
    p = np.concatenate([x[:1], x, x[-1:]])
    return np.asarray(np.median(np.stack([p[:-2], p[1:-1], p[2:]]), axis=0), np.float32)


def _near(frame: F32, colour: F32, tol: float) -> Mask:
    return np.asarray(np.abs(frame - colour).max(-1) < tol)


def _palette(pixels: F32) -> npt.NDArray[np.bool_]:
    """The colours of the subject in frame 0, as a set of 16^3 bins grown by one bin each way so
    shading and compression noise do not count as new colours."""
    pal = np.zeros((16, 16, 16), bool)
    if pixels.size:
        q = np.clip((pixels * 16).astype(np.int64), 0, 15)
        pal[q[:, 0], q[:, 1], q[:, 2]] = True
    grown = pal.copy()
    for ax in range(3):
        grown |= np.roll(pal, 1, ax) | np.roll(pal, -1, ax)
    return grown


def _in_palette(frame: F32, pal: npt.NDArray[np.bool_]) -> Mask:
    q = np.clip((frame * 16).astype(np.int64), 0, 15)
    return np.asarray(pal[q[..., 0], q[..., 1], q[..., 2]])


def _stripes(mask: Mask, frame: F32) -> float:
    """How strongly new colours in the centre strip form horizontal bands: rows alternate between
    distinct mean colours while each row is uniform."""
    rows = np.flatnonzero(mask.sum(1) >= 2)
    if rows.size < 4:
        return 0.0
    means = np.stack([frame[r][mask[r]].mean(0) for r in rows])
    steps = np.abs(np.diff(means, axis=0)).max(-1)
    changes = float((steps > 0.12).sum())
    return changes * float(mask.sum()) / max(float(mask.size), 1.0)


def _gap(m: Mask, top0: float, bot0: float, left0: float, right0: float) -> float:
    """The widest run of background columns between two foreground halves, within the upper three
    quarters of the subject's rows (a ground shadow revealed between the halves must not bridge
    them), in subject widths; 0 when the subject is not split left/right."""
    rows = m[int(top0) : int(top0 + 0.75 * (bot0 - top0)) + 1]
    if rows.size == 0:
        return 0.0
    colfrac = rows.mean(0)
    occupied = np.flatnonzero(colfrac > 0.05)
    if occupied.size < 2:
        return 0.0
    inner = colfrac[occupied[0] : occupied[-1] + 1] <= 0.02
    if not inner.any():
        return 0.0
    best = run = 0
    for v in inner:
        run = run + 1 if v else 0
        best = max(best, run)
    return best / max(right0 - left0, 1.0)


def decide(f: EffectFeatures) -> Effect:
    """The decision list over features, most specific signatures first.

    Thresholds sit midway between the effects they separate, measured on the effects' own renders
    over many shapes, colours and backgrounds (``benchmarks/effect_accuracy.py``); the rules for
    partly hidden or crowded subjects on effect clips from the world's own scenes (``--world
    --track``, seeds 11, 12 and 21, and 13 and 14 for debris whose flash falls between frames; the
    model card's check on known scenes uses seed 7).
    """
    if f.area_end < 0.08:  # the subject is gone
        # Under a cloth as large as itself, without a flash: a narrow figure's cloth spreads as
        # wide as an explosion's debris, but debris never covers the subject's size in one colour.
        if f.cloth_max >= 0.8 and f.flash_max < 0.1:
            return Effect.TA_DA
        if f.spread_max >= 2.4 or f.flash_max >= 0.1:
            return Effect.EXPLODE
        if f.cloth_max >= 0.4 or f.area_max >= 1.4:
            return Effect.TA_DA
        # Dissolving specks stay where the subject was (spread up to about 1.4 widths); debris
        # flies out to twice its width or more, even when the flash falls between two frames.
        return Effect.EXPLODE if f.flash_max >= 0.05 or f.spread_max >= 1.8 else Effect.DISSOLVE
    if f.recolour_end >= 0.65 and f.eyes < 0.02 and f.width_end < 1.25 and 0.6 < f.area_end < 1.4:
        return Effect.PEEL
    # Nearly all of it a new colour, without eyes: peeled, whatever a neighbour added to its area.
    if f.recolour_end >= 0.75 and f.eyes < 0.02 and f.area_end < 2.5:
        return Effect.PEEL
    # Lifted off the ground and still up there: the whole body, not just a flapping wing's edge.
    if f.rise_end >= 0.25 and f.drop_end <= -0.3 and 0.7 <= f.area_end < 1.5:
        return Effect.LEVITATE
    if f.rise_end >= 0.35 and f.drop_end <= -0.2 and 0.6 <= f.area_end < 1.5 and f.pieces_max <= 4:
        return Effect.LEVITATE
    # Two halves apart, both still standing (their tops stay up, unlike a melt's or a head's).
    # (A subject that was caught with its wings up in frame 0 ends lower: a wide gap still says torn.)
    # Much more area than before is no tear but a neighbour joined to the subject.
    if (
        f.halves_gap >= 0.2
        and 0.8 <= f.area_end < 1.45
        and f.top_rise_end >= -0.2
        and (f.height_end >= 0.6 or f.halves_gap >= 0.4)
    ) or (f.halves_gap >= 0.5 and 0.7 <= f.area_end < 1.3 and f.top_rise_end >= -0.45 and f.height_end >= 0.6):
        return Effect.TEAR
    # Two halves apart, one of them partly hidden (behind a neighbour, or out of the picture).
    if f.halves_gap >= 0.45 and 0.3 <= f.area_end < 0.8 and f.height_end >= 0.65 and f.top_rise_end >= -0.45:
        return Effect.TEAR
    # Shrunk to a small, narrower lump in one piece (its height can read taller where the limp
    # skin folds over).
    if 0.08 <= f.area_end < 0.45 and f.width_end < 0.9 and f.pieces_end <= 2:
        return Effect.DEFLATE
    # Many pieces still lying about, spread wider, with much of the subject gone.
    if f.pieces_end >= 4 and 0.4 <= f.area_end < 0.85 and f.width_end >= 1.5:
        return Effect.CRUMBLE
    # A small flapping bird loses a little more than its head's share: allowed while it stays whole.
    kept = f.area_end >= 0.75 or (f.area_end >= 0.7 and f.pieces_max <= 3)
    headless = kept and f.area_end < 1.3 and 0.6 <= f.height_end < 1.1 and 1.15 <= f.width_end < 2.6
    if f.top_lost >= 0.5 and headless and f.recolour_end < 0.35:
        return Effect.DECAPITATE
    # Only a squish comes back up after being pressed down: melt, crush, crumble and deflate stay.
    # It comes back to its own width too; a melt's puddle stays spread (a neighbour passing over it
    # can make its height seem to come back).
    springs = f.height_min <= 0.6 and f.height_rebound >= 0.4 and f.width_max >= 1.3 and f.area_end < 1.3
    if springs and 0.85 <= f.width_end < 1.4:
        return Effect.SQUISH
    if springs and f.width_end >= 1.8 and f.height_min <= 0.5 and f.area_end >= 0.6:
        return Effect.MELT
    if f.height_end < 0.62:  # flattened or fallen
        if f.width_end < 0.9:
            return Effect.DEFLATE
        # A melt ends as one smooth puddle, much wider than the subject was.
        smooth_low = f.width_end >= 1.6 and f.height_end < 0.33 and f.dark_new < 0.03
        if f.width_end >= 2.4 or (f.width_end >= 2.1 and f.pieces_max <= 1 and f.height_end < 0.4) or smooth_low:
            return Effect.MELT
        # Crumble leaves a loose, wider, taller heap of pieces; crush one flat cracked slab. Any two
        # of the four signs decide, so one borderline measure cannot flip it.
        heap = (f.pieces_max >= 2) + (f.width_end >= 1.5) + (f.height_end >= 0.3) + (f.area_end >= 0.4)
        return Effect.CRUMBLE if heap >= 2 else Effect.CRUSH
    still = f.width_end < 1.2 and abs(f.height_end - 1.0) < 0.15
    if f.skin_max >= 0.06 and f.width_max >= 1.4 and still:
        return Effect.POKE
    # Something poked in from the side and left again, while the subject kept its height.
    if f.width_max >= 1.6 and f.width_end < 1.2 and abs(f.area_end - 1.0) < 0.15 and f.height_min >= 0.85:
        return Effect.POKE
    # A cake keeps its height (a slice is added at the side); one that also grew taller must show
    # its layers, or it is an inflating subject that got wider too.
    tall = f.height_end >= 1.3 and f.stripes < 0.03
    sliced = 1.22 <= f.width_end <= 1.7 and f.area_end >= 1.12 and f.height_end >= 0.6
    if sliced and f.recolour_end >= 0.15 and not tall:
        return Effect.CAKE_IFY
    # A wider cut that kept the subject's height, with banded new colours in it, is a cake too
    # (an inflated subject grows taller as well, and keeps its colours).
    level = abs(f.height_end - 1.0) < 0.1 and f.area_end >= 1.12 and f.recolour_end >= 0.3
    if level and 1.22 <= f.width_end <= 2.4 and f.stripes >= 0.02:
        return Effect.CAKE_IFY
    # Popped eyes are big: a subject that grew by half or more with only a trace of new eye pixels
    # (its own eyes, grown with it) inflated.
    inflated = f.area_end >= 1.5 and f.eyes < 0.1
    if ((f.eyes >= 0.02 and f.width_end < 1.22) or (f.eyes >= 0.008 and f.width_end < 1.15)) and not inflated:
        return Effect.EYE_POP
    # A finger's worth of skin came in from the side and reached far out, while the subject kept
    # its size and colours: a poke, whatever a flapping wing or a neighbour did to its outline.
    if f.skin_max >= 0.2 and f.width_max >= 2.0 and 0.75 <= f.area_end < 1.3 and f.recolour_end < 0.5:
        return Effect.POKE
    grown = min(f.height_end, f.width_end) >= 1.2 and f.area_end >= 1.15
    if grown or (f.area_end >= 1.35 and (max(f.height_end, f.width_end) >= 1.1 or f.area_end >= 1.6)):
        return Effect.INFLATE
    if f.recolour_end >= 0.3:
        # A peel keeps the subject's area; cake layers add a banded slice.
        return Effect.CAKE_IFY if f.stripes >= 0.04 and f.area_end >= 1.15 else Effect.PEEL
    return Effect.NONE
