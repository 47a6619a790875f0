"""Cutting the salient subject out of an image, by colour and contrast.

The background is whatever the image's border looks like: its colours are clustered, every pixel's
distance to the nearest border colour says how unlike the background it is, and the threshold comes
from how far the border's own pixels spread (so a noisy or textured border raises it). The subject
is the most central sizeable component of the unlike pixels, with its holes filled and a feathered
edge. An image with real transparency is cut along its alpha instead. When nothing stands out the
subject is a centred ellipse: a request never fails for want of a clear subject.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from PIL import Image

from framecast.engine.sandbox.imaging.raster import (
    F32,
    U8,
    Mask,
    blur,
    dilate,
    ellipse_alpha,
    erode,
    fill_holes,
    label,
    resize,
    to_float,
)
from framecast.engine.sandbox.scene import RGBA

__all__ = ["Cutout", "cut_out", "salient_components", "salient_mask", "segment_subject"]

_WORK = 160  # long side at which the segmentation runs; the matte is upsampled and feathered
Method = Literal["alpha", "colour", "ellipse"]


@dataclass(frozen=True)
class Cutout:
    """A subject cut from an image: its matte over the whole image and the cropped sprite."""

    matte: F32  # (H, W) coverage in [0, 1]
    sprite: RGBA  # premultiplied crop of the subject
    x0: int  # the sprite's top-left corner in the image
    y0: int
    method: Method

    @property
    def cx(self) -> float:
        return float(self.x0 + self.sprite.shape[1] / 2)

    @property
    def cy(self) -> float:
        return float(self.y0 + self.sprite.shape[0] / 2)

    @property
    def mask(self) -> Mask:
        return np.asarray(self.matte > 0.5)


def _opponent(rgb: F32) -> F32:
    """A cheap perceptual-ish space: lightness plus two colour-opponent axes, weighted so a
    colour change counts about as much as a lightness change."""
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return np.stack([(r + g + b) / 3, (r - g) * 0.7, ((r + g) / 2 - b) * 0.7], -1).astype(np.float32)


def _kmeans(x: F32, k: int, iters: int = 8) -> F32:
    # Deterministic start: spread the seeds along the sorted lightness so results never vary.
    order = np.argsort(x[:, 0], kind="stable")
    centres = x[order[np.linspace(0, len(x) - 1, k).astype(int)]].copy()
    for _ in range(iters):
        d = ((x[:, None, :] - centres[None]) ** 2).sum(-1)
        near = d.argmin(1)
        for j in range(k):
            sel = x[near == j]
            if len(sel):
                centres[j] = sel.mean(0)
    return np.asarray(centres, np.float32)


def _otsu(values: F32) -> float:
    hist, edges = np.histogram(values, bins=64)
    p = hist.astype(np.float64) / max(hist.sum(), 1)
    w0 = np.cumsum(p)
    mids = (edges[:-1] + edges[1:]) / 2
    m0 = np.cumsum(p * mids)
    mt = m0[-1]
    between = (mt * w0 - m0) ** 2 / np.maximum(w0 * (1 - w0), 1e-12)
    return float(mids[int(np.argmax(between))])


def _foreground(rgb: F32) -> Mask:
    """Pixels unlike the image's border colours, with the threshold set by the border's own spread."""
    h, w = rgb.shape[:2]
    opp = _opponent(rgb)
    border = _border(h, w)
    samples = opp[border]
    if len(samples) > 3000:
        samples = samples[np.linspace(0, len(samples) - 1, 3000).astype(int)]
    centres = _kmeans(samples, 5)
    d = np.sqrt(((opp[..., None, :] - centres) ** 2).sum(-1).min(-1))
    d = blur(d, 0.8)
    spread = float(np.percentile(d[border], 97))
    thr = max(spread * 1.4 + 0.02, min(_otsu(d), 0.25), 0.05)
    fg = d > thr
    fg = dilate(erode(fg, 1), 1)
    return erode(dilate(fg, 2), 2)


def _border(h: int, w: int) -> Mask:
    band = max(2, round(0.04 * min(h, w)))
    border = np.zeros((h, w), bool)
    border[:band], border[-band:], border[:, :band], border[:, -band:] = True, True, True, True
    return border


def salient_components(rgb: F32) -> list[tuple[Mask, float]]:
    """Every sizeable salient component of a small float image with its saliency score (bigger,
    more central and less cut by the border scores higher), best first, holes filled."""
    h, w = rgb.shape[:2]
    lab, n = label(_foreground(rgb))
    if n == 0:
        return []
    border = _border(h, w)
    sizes = np.bincount(lab.ravel(), minlength=n + 1).astype(np.float64)
    ys, xs = np.mgrid[0:h, 0:w]
    out = []
    for j in range(1, n + 1):
        if sizes[j] < 0.005 * h * w:
            continue
        comp = lab == j
        cy, cx = ys[comp].mean() / h - 0.5, xs[comp].mean() / w - 0.5
        touching = float((comp & border).sum()) / max(float(border.sum()), 1.0)
        score = sizes[j] * (1.0 - 0.8 * np.hypot(cx, cy)) * (1.0 - min(3.0 * touching, 0.9))
        mask = fill_holes(comp)
        if 0.005 <= float(mask.mean()) <= 0.85:
            out.append((mask, float(score)))
    return sorted(out, key=lambda ms: -ms[1])


def salient_mask(rgb: F32) -> Mask | None:
    """The salient subject of a small float image, or None when nothing stands out."""
    comps = salient_components(rgb)
    return comps[0][0] if comps else None


def segment_subject(pixels: U8, alpha: U8 | None = None) -> tuple[F32, Method]:
    """The subject's matte (H, W) in [0, 1] and how it was found."""
    h, w = pixels.shape[:2]
    if alpha is not None:
        a = to_float(alpha)
        clear, solid = float((a < 0.06).mean()), float((a > 0.94).mean())
        if clear >= 0.01 and solid >= 0.01:
            return a, "alpha"
    scale = min(1.0, _WORK / max(h, w))
    sh, sw = max(8, round(h * scale)), max(8, round(w * scale))
    small = to_float(np.asarray(Image.fromarray(pixels).resize((sw, sh), Image.Resampling.BOX)))
    mask = salient_mask(small)
    if mask is None:
        return ellipse_alpha(h, w, w / 2, h / 2, 0.3 * w, 0.38 * h, soft=0.02 * min(h, w) + 1), "ellipse"
    soft = resize(mask.astype(np.float32), h, w)
    feather = max(0.8, 0.6 / scale)  # about one working pixel, so the edge is not blocky
    soft = blur(soft, feather)
    return np.clip((soft - 0.5) * 2.5 + 0.5, 0.0, 1.0).astype(np.float32), "colour"


def cut_out(pixels: U8, alpha: U8 | None = None) -> Cutout:
    """The subject of an image as a matte and a premultiplied sprite."""
    matte, method = segment_subject(pixels, alpha)
    vis = matte > 1.0 / 255.0
    if not vis.any():
        h, w = pixels.shape[:2]
        matte, method = ellipse_alpha(h, w, w / 2, h / 2, 0.3 * w, 0.38 * h), "ellipse"
        vis = matte > 1.0 / 255.0
    rows, cols = np.flatnonzero(vis.any(1)), np.flatnonzero(vis.any(0))
    y0, y1, x0, x1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
    a = matte[y0:y1, x0:x1, None]
    sprite = np.concatenate([to_float(pixels[y0:y1, x0:x1]) * a, a], -1).astype(np.float32)
    return Cutout(matte=matte, sprite=sprite, x0=x0, y0=y0, method=method)
