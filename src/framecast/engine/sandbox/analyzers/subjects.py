"""What a subject is and what colour: shape matching and colour votes on its pixels.

Kind: the subject's silhouette, cropped to its box and resampled to a small square, is compared
with silhouettes of every kind drawn in the poses the world uses (standing, walking, running, wings
up and down, facing either way); the best overlap, with a penalty for a different aspect, wins.
Colour: every interior pixel votes for the nearest palette colour as the clip's light would show it
(plain, shaded, deep shade), and the most votes win. A person's colour is the colour of their
clothes, which the world draws on the torso: their legs are in deep shade and outlined, their head
is skin and hair, and on a small figure those outvote the shirt (a yellow jogger reads brown). So a
person votes with the torso's band of rows only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from framecast.engine.sandbox.analyzers.segment import Mask, erode
from framecast.engine.sandbox.backdrop import FOG_COLOUR, subject_grade
from framecast.engine.sandbox.scene import Colour, Kind, Light
from framecast.engine.sandbox.sprites import PALETTE, draw_subject
from framecast.engine.sandbox.world import GENERATED_KINDS

__all__ = ["SubjectReading", "classify_colour", "classify_kind", "lab", "read_subject"]

_SIDE = 32
_SHADES = (1.0, 0.8, 0.64)
# Where the world draws a standing person's torso, as fractions of the figure's height from the top
# of its head (figures.py: the shirt spans -0.28 to 0.06 of a body from -0.5 to 0.5, the head above).
_TORSO = (0.25, 0.55)


@dataclass(frozen=True)
class SubjectReading:
    kind: Kind
    colour: Colour
    area: int
    cx: float
    cy: float
    kind_score: float


def _normalise(mask: Mask) -> tuple[npt.NDArray[np.float32], float]:
    rows, cols = np.flatnonzero(mask.any(1)), np.flatnonzero(mask.any(0))
    crop = mask[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1].astype(np.float32)
    h, w = crop.shape
    # Area-average rather than point-sample: small silhouettes keep their thin parts.
    yi = np.minimum((np.arange(h) * _SIDE) // h, _SIDE - 1)
    xi = np.minimum((np.arange(w) * _SIDE) // w, _SIDE - 1)
    grid = np.zeros((_SIDE, _SIDE), np.float32)
    np.add.at(grid, (yi[:, None], xi[None, :]), crop)
    counts = np.zeros((_SIDE, _SIDE), np.float32)
    np.add.at(counts, (yi[:, None], xi[None, :]), 1.0)
    return np.asarray(grid / np.maximum(counts, 1.0), np.float32), w / h


@lru_cache(maxsize=1)
def _prototypes() -> tuple[list[Kind], npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    kinds: list[Kind] = []
    grids: list[npt.NDArray[np.float32]] = []
    aspects: list[float] = []
    for kind in GENERATED_KINDS:
        poses: list[dict[str, object]] = [{}]
        if kind in (Kind.PERSON, Kind.DOG, Kind.CAT):
            poses = [{"gait": g, "phase": ph} for g in ("walk", "run") for ph in np.linspace(0, 1, 8, endpoint=False)]
            poses.append({"gait": "none", "phase": 0.0})
            if kind is Kind.PERSON:
                poses += [{"front": True, "gait": g, "phase": ph} for g in ("none", "walk") for ph in (0.0, 0.25, 0.75)]
        elif kind in (Kind.BIRD, Kind.FISH):
            poses = [{"phase": ph} for ph in np.linspace(0, 1, 8, endpoint=False)]
        for pose in poses:
            for facing in (1.0, -1.0):
                sprite = draw_subject(kind, Colour.GREY, 100.0, 100.0, 72.0, facing=facing, **pose)  # type: ignore[arg-type]
                grid, aspect = _normalise(sprite.rgba[..., 3] > 0.5)
                kinds.append(kind)
                grids.append(grid)
                aspects.append(aspect)
    return kinds, np.stack(grids), np.log(np.asarray(aspects, np.float32))


def classify_kind(mask: Mask) -> tuple[Kind, float]:
    """The kind whose silhouette best matches ``mask``, and the match (soft IoU minus aspect penalty)."""
    kinds, grids, log_aspects = _prototypes()
    grid, aspect = _normalise(mask)
    inter = np.minimum(grids, grid).sum(axis=(1, 2))
    union = np.maximum(grids, grid).sum(axis=(1, 2))
    score = inter / np.maximum(union, 1e-6) - 0.35 * np.abs(log_aspects - np.log(aspect))
    best = int(np.argmax(score))
    return kinds[best], float(score[best])


@lru_cache(maxsize=16)
def _colour_prototypes(light: Light | None) -> tuple[list[Colour], npt.NDArray[np.float32]]:
    lights = [light] if light is not None else list(Light)
    names: list[Colour] = []
    values: list[npt.NDArray[np.float32]] = []
    for lt in lights:
        mult, fog = subject_grade(lt)
        for colour, rgb in PALETTE.items():
            base = np.asarray(rgb, np.float32)
            for shade in _SHADES:
                c = np.clip(base * shade * mult, 0, 1)
                c = c * (1 - fog) + FOG_COLOUR * fog
                for gradient in (1.05, 0.95):
                    names.append(colour)
                    values.append(np.clip(c * gradient, 0, 1))
    return names, np.stack(values)


def lab(rgb: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """CIE L*a*b* (D65) of sRGB values in [0, 1]; distances there follow how different colours look."""
    c = np.where(rgb > 0.04045, ((rgb + 0.055) / 1.055) ** 2.4, rgb / 12.92)
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]], np.float32)
    xyz = c @ m.T / np.array([0.9505, 1.0, 1.089], np.float32)
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], -1).astype(
        np.float32
    )


def classify_colour(pixels: npt.NDArray[np.float32], light: Light | None = None) -> Colour:
    """The palette colour most of ``pixels`` (N, 3) in [0, 1] are closest to under ``light``."""
    names, values = _colour_prototypes(light)
    measured = lab(pixels.astype(np.float32))
    proto = lab(values)
    d = ((measured[:, None, :] - proto[None, :, :]) ** 2).sum(-1)
    votes = np.bincount(np.argmin(d, axis=1), minlength=len(names))
    tally: dict[Colour, int] = {}
    for idx, n in enumerate(votes):
        tally[names[idx]] = tally.get(names[idx], 0) + int(n)
    return max(tally, key=lambda c: tally[c])


def _torso(mask: Mask) -> Mask:
    """The part of a person's mask in the torso's band of rows (see ``_TORSO``)."""
    rows = np.flatnonzero(mask.any(1))
    top, bottom = int(rows[0]), int(rows[-1]) + 1
    band = np.zeros_like(mask)
    band[top + int(_TORSO[0] * (bottom - top)) : top + math.ceil(_TORSO[1] * (bottom - top))] = True
    return mask & band


def read_subject(frame: npt.NDArray[np.uint8], mask: Mask, light: Light | None = None) -> SubjectReading:
    """Kind, colour, area and centre of the subject covering ``mask`` in ``frame``."""
    kind, score = classify_kind(mask)
    voting = _torso(mask) if kind is Kind.PERSON else mask
    inner = erode(voting, 2)
    if inner.sum() < 12:
        inner = voting if voting.sum() >= 12 else mask
    pixels = frame[inner].astype(np.float32) / 255.0
    ys, xs = np.nonzero(mask)
    return SubjectReading(kind, classify_colour(pixels, light), int(mask.sum()), float(xs.mean()), float(ys.mean()),
                          score)
