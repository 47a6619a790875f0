"""Finding the region of a video that a few words describe, or that looks like an image, and
following it from frame to frame.

Words are read for what a sandbox can see: colour names ("the red ball"), places ("on the left",
"top"), and a few kinds of thing that imply a place or a colour ("the sky" is up and blue or grey,
"the grass" is down and green, "the person" is a tall salient figure, "the background" is
everything but the subject). An image is matched by colour histogram back-projection. With
neither, the region is the video's most salient object. Tracking follows the region's colours and
keeps the component nearest to where it was, so a moving object is followed and a lost one stays
put rather than jumping across the frame.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from framecast.engine.sandbox.imaging.raster import (
    F32,
    Mask,
    blur,
    dilate,
    ellipse_alpha,
    erode,
    fill_holes,
    label,
    resize,
)
from framecast.engine.sandbox.imaging.segment import salient_components, salient_mask

__all__ = ["COLOUR_RGB", "RegionQuery", "RegionTrack", "colour_classes", "find_region", "parse_region"]

COLOUR_RGB: dict[str, tuple[float, float, float]] = {
    "red": (0.82, 0.12, 0.12),
    "orange": (0.95, 0.55, 0.12),
    "yellow": (0.95, 0.85, 0.15),
    "green": (0.22, 0.62, 0.22),
    "cyan": (0.15, 0.8, 0.85),
    "blue": (0.15, 0.3, 0.82),
    "purple": (0.5, 0.2, 0.62),
    "pink": (0.95, 0.55, 0.72),
    "brown": (0.5, 0.3, 0.15),
    "black": (0.06, 0.06, 0.06),
    "white": (0.95, 0.95, 0.95),
    "grey": (0.5, 0.5, 0.5),
}
_CLASS_NAMES = tuple(COLOUR_RGB)
_SYNONYMS = {
    "gray": "grey",
    "silver": "grey",
    "gold": "yellow",
    "golden": "yellow",
    "violet": "purple",
    "magenta": "pink",
    "crimson": "red",
    "scarlet": "red",
    "navy": "blue",
    "teal": "cyan",
    "turquoise": "cyan",
    "tan": "brown",
    "beige": "brown",
    "dark": "black",
    "blond": "yellow",
}
_SKY = {"sky", "skies", "cloud", "clouds", "ceiling", "heavens"}
_GROUND = {
    "ground",
    "floor",
    "grass",
    "lawn",
    "road",
    "street",
    "field",
    "sand",
    "beach",
    "water",
    "sea",
    "ocean",
    "lake",
    "river",
    "snow",
    "earth",
    "dirt",
    "table",
}
_BACKGROUND = {"background", "backdrop", "wall", "scenery", "surroundings"}
_PEOPLE = {
    "person",
    "man",
    "woman",
    "people",
    "boy",
    "girl",
    "child",
    "kid",
    "figure",
    "guy",
    "lady",
    "human",
    "someone",
    "face",
    "player",
    "dancer",
}
_IMPLIED = {
    "sky": ("blue", "cyan", "white", "grey"),
    "clouds": ("white", "grey"),
    "grass": ("green",),
    "lawn": ("green",),
    "field": ("green", "yellow", "brown"),
    "sand": ("yellow", "orange", "brown"),
    "beach": ("yellow", "orange", "brown"),
    "water": ("blue", "cyan"),
    "sea": ("blue", "cyan"),
    "ocean": ("blue", "cyan"),
    "lake": ("blue", "cyan"),
    "river": ("blue", "cyan"),
    "snow": ("white", "grey"),
    "tree": ("green", "brown"),
    "trees": ("green", "brown"),
    "leaves": ("green", "orange", "yellow"),
    "road": ("grey", "black"),
    "street": ("grey", "black"),
}


@dataclass(frozen=True)
class RegionQuery:
    colours: tuple[str, ...] = ()
    horizontal: float | None = None  # 0 left .. 1 right, when the words say where
    vertical: float | None = None  # 0 top .. 1 bottom
    kind: str = "object"  # object | person | sky | ground | background

    @property
    def empty(self) -> bool:
        return not self.colours and self.horizontal is None and self.vertical is None and self.kind == "object"


def parse_region(text: str | None) -> RegionQuery:
    words = re.findall(r"[a-z]+", (text or "").lower())
    colours: list[str] = []
    horizontal = vertical = None
    kind = "object"
    for wd in words:
        name = _SYNONYMS.get(wd, wd)
        if name in COLOUR_RGB and name not in colours:
            colours.append(name)
        if wd in ("left", "leftmost"):
            horizontal = 0.2
        elif wd in ("right", "rightmost"):
            horizontal = 0.8
        elif wd in ("top", "upper", "above"):
            vertical = 0.2
        elif wd in ("bottom", "lower", "below"):
            vertical = 0.8
        elif wd in ("center", "centre", "middle", "central"):
            horizontal = 0.5 if horizontal is None else horizontal
            vertical = 0.5 if vertical is None else vertical
        if wd in _SKY:
            kind = "sky"
        elif wd in _GROUND and kind == "object":
            kind = "ground"
        elif wd in _BACKGROUND:
            kind = "background"
        elif wd in _PEOPLE and kind == "object":
            kind = "person"
    if not colours:
        for wd in words:
            if wd in _IMPLIED:
                colours = list(_IMPLIED[wd])
                break
    return RegionQuery(tuple(colours), horizontal, vertical, kind)


def colour_classes(rgb: F32) -> np.ndarray:
    """Each pixel's colour name, as an index into the colour table, by hue, saturation and value:
    how people name colours, rather than the nearest of twelve points in RGB."""
    mx, mn = rgb.max(-1), rgb.min(-1)
    v = mx
    s = (mx - mn) / np.maximum(mx, 1e-6)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    d = np.maximum(mx - mn, 1e-6)
    hue = np.where(mx == r, ((g - b) / d) % 6, np.where(mx == g, (b - r) / d + 2, (r - g) / d + 4)) * 60
    idx = {n: i for i, n in enumerate(_CLASS_NAMES)}
    out = np.full(rgb.shape[:2], idx["grey"], np.int8)
    chroma = (s >= 0.25) & (v >= 0.18)
    bands = [
        (15, "red"),
        (40, "orange"),
        (70, "yellow"),
        (165, "green"),
        (195, "cyan"),
        (255, "blue"),
        (290, "purple"),
        (340, "pink"),
        (361, "red"),
    ]
    lo = 0.0
    for hi, name in bands:
        out[chroma & (hue >= lo) & (hue < hi)] = idx[name]
        lo = hi
    warm = chroma & ((hue < 40) | (hue >= 340))
    out[warm & (v < 0.6) & (hue >= 10) & (hue < 40)] = idx["brown"]
    out[warm & (v > 0.8) & (s < 0.55) & ((hue < 15) | (hue >= 300))] = idx["pink"]
    achrom = ~chroma
    out[achrom & (v < 0.22)] = idx["black"]
    out[achrom & (v > 0.78)] = idx["white"]
    return out


@dataclass
class RegionTrack:
    """Per-frame masks of the region at working resolution, with how it was found."""

    masks: np.ndarray  # (T, h, w) bool
    method: str

    def box(self, t: int) -> tuple[float, float, float, float] | None:
        """(x0, y0, x1, y1) as fractions of the frame, or None where the region is empty."""
        m = self.masks[t]
        if not m.any():
            return None
        h, w = m.shape
        rows, cols = np.flatnonzero(m.any(1)), np.flatnonzero(m.any(0))
        return cols[0] / w, rows[0] / h, (cols[-1] + 1) / w, (rows[-1] + 1) / h

    def patch(self, t: int, height: int, width: int, grow: float = 0.015) -> tuple[int, int, F32] | None:
        """The region at output size as (x0, y0, matte) over its bounding box only, grown by
        ``grow`` of the frame and feathered so a fill over it also covers the object's soft edge.
        Working on the box keeps a small region cheap in a 1080p frame."""
        m = self.masks[t]
        if not m.any():
            return None
        h, w = m.shape
        r = max(1, round(grow * max(h, w)))
        soft = blur(dilate(m, r).astype(np.float32), 0.8)
        y0, y1, x0, x1 = _box_of(soft > 0.01, 1)
        fy, fx = height / h, width / w
        oy0, oy1 = int(np.floor(y0 * fy)), min(height, int(np.ceil(y1 * fy)))
        ox0, ox1 = int(np.floor(x0 * fx)), min(width, int(np.ceil(x1 * fx)))
        matte = np.clip(resize(soft[y0:y1, x0:x1], oy1 - oy0, ox1 - ox0), 0.0, 1.0)
        return ox0, oy0, matte


def _box_of(mask: Mask, margin: int) -> tuple[int, int, int, int]:
    h, w = mask.shape
    rows, cols = np.flatnonzero(mask.any(1)), np.flatnonzero(mask.any(0))
    if rows.size == 0:
        return 0, h, 0, w
    return (
        max(0, int(rows[0]) - margin),
        min(h, int(rows[-1]) + 1 + margin),
        max(0, int(cols[0]) - margin),
        min(w, int(cols[-1]) + 1 + margin),
    )


def _components(mask: Mask) -> list[Mask]:
    lab, n = label(mask)
    if n == 0:
        return []
    sizes = np.bincount(lab.ravel(), minlength=n + 1)
    keep = [j for j in range(1, n + 1) if sizes[j] >= max(4, 0.002 * mask.size)]
    return [lab == j for j in keep]


def _score(comp: Mask, q: RegionQuery) -> float:
    h, w = comp.shape
    ys, xs = np.nonzero(comp)
    cx, cy = xs.mean() / w, ys.mean() / h
    area = float(comp.mean())
    score = area
    if q.horizontal is not None:
        score *= float(np.exp(-((cx - q.horizontal) ** 2) / 0.05))
    if q.vertical is not None:
        score *= float(np.exp(-((cy - q.vertical) ** 2) / 0.05))
    top, bottom = comp[0].any(), comp[-1].any()
    border = comp[0].mean() + comp[-1].mean() + comp[:, 0].mean() + comp[:, -1].mean()
    if q.kind == "sky":
        score *= 3.0 if top else 0.05
        score *= 1.5 - cy
    elif q.kind == "ground":
        score *= 3.0 if bottom else 0.05
        score *= 0.5 + cy
    elif q.kind in ("object", "person"):
        score *= 1.0 - min(0.9, 1.5 * float(border))
        score *= 1.0 if area < 0.5 else 0.2
        if q.kind == "person":
            aspect = (ys.max() - ys.min() + 1) / (xs.max() - xs.min() + 1)
            score *= 1.0 + min(float(aspect), 3.0)
    return score


def _backprojection(frame: F32, pixels: F32, weights: F32 | None = None) -> F32:
    """How much more common each pixel's colour is in ``pixels`` than in the frame, clipped to 1."""

    def bins(x: F32) -> np.ndarray:
        q = np.clip((x * 8).astype(np.int64), 0, 7)
        return np.asarray(q[..., 0] * 64 + q[..., 1] * 8 + q[..., 2])

    obj = np.bincount(bins(pixels).ravel(), weights=None if weights is None else weights.ravel(), minlength=512)
    fb = bins(frame)
    whole = np.bincount(fb.ravel(), minlength=512).astype(np.float64)
    ratio = (obj / max(obj.sum(), 1e-6)) / np.maximum(whole / max(whole.sum(), 1.0), 1e-9)
    return np.asarray(np.clip(ratio, 0.0, 1.0)[fb], np.float32)


def _edges(frame: F32) -> Mask:
    gx = np.abs(np.diff(frame, axis=1, append=frame[:, -1:])).max(-1)
    gy = np.abs(np.diff(frame, axis=0, append=frame[-1:])).max(-1)
    return dilate(np.asarray((gx + gy) > 0.25), 1)  # wide enough that closing cannot bridge it


def _clean(mask: Mask) -> Mask:
    # No hole filling here: a region that surrounds another (sky around a box) would swallow it.
    return erode(dilate(mask, 1), 1)


def _first_region(frame: F32, q: RegionQuery, image_pixels: F32 | None, image_alpha: F32 | None) -> tuple[Mask, str]:
    h, w = frame.shape[:2]
    if image_pixels is not None and q.empty:
        prob = _backprojection(frame, image_pixels, image_alpha)
        comps = _components(_clean(blur(prob, 0.8) > 0.5))
        if comps:
            return max(comps, key=lambda c: _score(c, q)), "image"
    candidates: Mask | None = None
    if q.colours:
        cls = colour_classes(frame)
        named = np.isin(cls, [_CLASS_NAMES.index(c) for c in q.colours])
        # Two touching things of one colour name (a blue box against a blue sky) part at the
        # colour edge between them; the chosen piece then grows back over that edge.
        comps = _components(_clean(named & ~_edges(frame)))
        if comps:
            best = max(comps, key=lambda c: _score(c, q))
            if _score(best, q) > 0:
                return fill_holes(dilate(best, 1) & named | best), "words"
    elif q.kind == "background":
        sal = salient_mask(frame)
        return (np.ones((h, w), bool) if sal is None else ~dilate(sal, 1)), "background"
    elif q.kind in ("sky", "ground"):
        band = frame[: max(2, h // 10)] if q.kind == "sky" else frame[-max(2, h // 10) :]
        ref = np.median(band.reshape(-1, 3), axis=0)
        candidates = np.abs(frame - ref).max(-1) < 0.18
    else:
        sal_comps = salient_components(frame)
        if sal_comps and q.horizontal is None and q.vertical is None and q.kind == "object":
            return sal_comps[0][0], "salient"
        if sal_comps:
            best = max((c for c, _ in sal_comps), key=lambda c: _score(c, q))
            return best, "words"
    if candidates is not None:
        comps = _components(_clean(candidates))
        if comps:
            best = max(comps, key=lambda c: _score(c, q))
            if _score(best, q) > 0:
                return fill_holes(best), "words"
    sal = salient_mask(frame)
    if sal is not None:
        return sal, "salient"
    cx = w * (q.horizontal if q.horizontal is not None else 0.5)
    cy = h * (q.vertical if q.vertical is not None else 0.5)
    return ellipse_alpha(h, w, cx, cy, 0.2 * w, 0.25 * h) > 0.5, "fallback"


def find_region(
    frames: np.ndarray,
    description: str | None = None,
    image_pixels: F32 | None = None,
    image_alpha: F32 | None = None,
) -> RegionTrack:
    """Track the described (or image-matching, or most salient) region through ``frames``
    (T, h, w, 3) float in [0, 1], best given at a small working size (long side ~160)."""
    q = parse_region(description)
    frames = np.asarray(frames, np.float32)
    t_n, h, w = frames.shape[:3]
    first, method = _first_region(frames[0], q, image_pixels, image_alpha)
    masks = np.zeros((t_n, h, w), bool)
    masks[0] = first
    ref_pixels = frames[0][first]
    class_ids = [_CLASS_NAMES.index(c) for c in q.colours]
    reach = max(2, round(0.12 * max(h, w)))
    for t in range(1, t_n):
        prev = masks[t - 1]
        if method == "background":
            sal = salient_mask(frames[t])
            masks[t] = ~dilate(sal, 1) if sal is not None else prev
            continue
        if class_ids:
            cand = np.isin(colour_classes(frames[t]), class_ids) & ~_edges(frames[t])
        elif ref_pixels.size:
            cand = blur(_backprojection(frames[t], ref_pixels), 0.8) > 0.5
        else:
            cand = prev
        near = dilate(prev, reach)
        comps = [c for c in _components(_clean(cand & near)) if (c & near).any()]
        if not comps:
            masks[t] = prev
            continue
        prev_area = max(float(prev.sum()), 1.0)
        # Keep the piece that overlaps most, and merge pieces of a region split by an occluder.
        best = max(comps, key=lambda c: float((c & prev).sum()) + 0.1 * float(c.sum()))
        merged = best.copy()
        for c in comps:
            if c is not best and float((c & dilate(prev, 1)).sum()) > 0.2 * float(c.sum()):
                merged |= c
        if merged.sum() < 0.3 * prev_area:
            merged = merged | prev  # a partial detection: keep what we had
        if class_ids:  # grow back over the colour edges the split removed
            merged |= dilate(merged, 1) & np.isin(colour_classes(frames[t]), class_ids)
        masks[t] = fill_holes(merged)
    return RegionTrack(masks, method)
