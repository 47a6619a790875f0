"""Which setting and light a frame shows: band statistics against calibrated references.

A frame is cut into horizontal bands; each band is summarised by its mean colour, its brightness
spread and how much it changes across (texture). References are the world's own backdrops, each
setting under each light, painted at the analysed size with a few different seeds; the nearest
reference (pixels covered by subjects left out) gives both the setting and the light.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt

from framecast.engine.sandbox.analyzers.segment import Mask
from framecast.engine.sandbox.backdrop import paint_backdrop
from framecast.engine.sandbox.scene import Light, Setting

__all__ = ["classify_setting", "setting_features"]

_BANDS = 12
_SEEDS = (101, 202, 303)


def setting_features(frame: npt.NDArray[np.uint8], covered: Mask | None = None) -> npt.NDArray[np.float32]:
    img = frame.astype(np.float32) / 255.0
    h = img.shape[0]
    keep = np.ones(img.shape[:2], bool) if covered is None else ~covered
    lum = img.mean(-1)
    grad = np.zeros_like(lum)
    grad[:, 1:] = np.abs(np.diff(lum, axis=1))
    feats: list[float] = []
    for b in range(_BANDS):
        rows = slice(b * h // _BANDS, (b + 1) * h // _BANDS)
        k = keep[rows]
        if k.sum() < 8:
            k = np.ones_like(k)
        px = img[rows][k]
        feats += [*px.mean(0), float(lum[rows][k].std()) * 2, float(grad[rows][k].mean()) * 8]
    return np.asarray(feats, np.float32)


@lru_cache(maxsize=4)
def _references(width: int, height: int) -> tuple[list[tuple[Setting, Light]], npt.NDArray[np.float32]]:
    labels: list[tuple[Setting, Light]] = []
    feats: list[npt.NDArray[np.float32]] = []
    for setting in Setting:
        for light in Light:
            for seed in _SEEDS:
                plate = paint_backdrop(setting, light, height, (0.0, 0.0, float(width), float(height)), 1.0, seed)
                labels.append((setting, light))
                feats.append(setting_features(plate))
    return labels, np.stack(feats)


def classify_setting(frame: npt.NDArray[np.uint8], covered: Mask | None = None) -> tuple[Setting, Light]:
    """The setting and light of ``frame``, ignoring pixels in ``covered`` (subjects)."""
    h, w = frame.shape[:2]
    labels, refs = _references(w, h)
    f = setting_features(frame, covered)
    d = np.abs(refs - f).sum(axis=1)
    return labels[int(np.argmin(d))]
