"""What each kind looks like: its parts as signed-distance shapes in body units.

A body is one unit tall, centred on the origin, facing right (+u), with v pointing down; grounded
kinds stand on v = +0.5. Each part carries its own bounding box so the sprite painter evaluates it
only where it can be, and a colour role ("body", "shade", "skin", ...) the painter turns into a
colour for the subject.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from framecast.engine.sandbox import sdf
from framecast.engine.sandbox.scene import Kind

__all__ = ["Part", "parts_for"]

A = npt.NDArray[Any]  # float32 grids; numpy promotes freely inside
Distance = Callable[[A, A], A]


@dataclass(frozen=True)
class Part:
    distance: Distance
    bbox: tuple[float, float, float, float]  # u0, v0, u1, v1
    role: str  # body, shade, dark, skin, hair, light, white, beak
    outline: bool = True


def _cap(ax: float, ay: float, bx: float, by: float, r: float, role: str, outline: bool = True) -> Part:
    box = (min(ax, bx) - r, min(ay, by) - r, max(ax, bx) + r, max(ay, by) + r)
    return Part(lambda u, v: sdf.capsule(u, v, ax, ay, bx, by, r), box, role, outline)


def _circle(cx: float, cy: float, r: float, role: str, outline: bool = True) -> Part:
    return Part(lambda u, v: sdf.circle(u, v, cx, cy, r), (cx - r, cy - r, cx + r, cy + r), role, outline)


def _tri(points: tuple[tuple[float, float], tuple[float, float], tuple[float, float]], role: str,
         round_by: float = 0.0) -> Part:
    us, vs = [p[0] for p in points], [p[1] for p in points]
    box = (min(us) - round_by, min(vs) - round_by, max(us) + round_by, max(vs) + round_by)
    return Part(lambda u, v: sdf.triangle(u, v, points) - round_by, box, role)


def _limb(x: float, y: float, length: float, angle: float, r: float, role: str) -> tuple[Part, float, float]:
    """A limb segment hanging from (x, y) at ``angle`` from straight down (positive swings forward)."""
    ex, ey = x + length * math.sin(angle), y + length * math.cos(angle)
    return _cap(x, y, ex, ey, r, role), ex, ey


def _person(phase: float, gait: str, front: bool) -> list[Part]:
    s = math.sin(2 * math.pi * phase)
    c = math.cos(2 * math.pi * phase)
    amp = {"none": 0.0, "walk": 0.42, "run": 0.7}[gait]
    parts: list[Part] = []
    if front:
        for side, sign in ((-1, 1.0), (1, -1.0)):
            lift = max(0.0, sign * s) * 0.1 * (amp / 0.42 if amp else 0.0)
            parts.append(_cap(side * 0.055, 0.03, side * 0.06, 0.45 - lift, 0.058, "shade"))
        parts.append(Part(lambda u, v: sdf.box(u, v, 0.0, -0.13, 0.125, 0.17, 0.07), (-0.13, -0.31, 0.13, 0.05),
                          "body"))
        for side, sign in ((-1, -1.0), (1, 1.0)):
            reach = 0.28 + sign * s * 0.05 * (amp / 0.42 if amp else 0.0)
            parts.append(_cap(side * 0.15, -0.24, side * 0.18, -0.24 + reach, 0.045, "body"))
    else:
        hip = (0.0, 0.03)
        shoulder = (0.0, -0.245)
        knee_bend = 0.9 if gait == "run" else 0.55
        arm_bend = 1.3 if gait == "run" else 0.25
        for sign, role in ((-1.0, "dark_shade"), (1.0, "shade")):  # far leg first, darker
            a = sign * amp * s
            thigh, kx, ky = _limb(hip[0], hip[1], 0.22, a, 0.06, role)
            bend = knee_bend * max(0.0, -sign * c) * (amp > 0)
            shin, fx, fy = _limb(kx, ky, 0.215, a - bend, 0.052, role)
            parts += [thigh, shin, _cap(fx, fy, fx + 0.06, fy, 0.035, "dark")]
        far_arm_role = "dark_body"
        for sign, role in ((1.0, far_arm_role),):
            a = sign * amp * 0.8 * s
            upper, ex, ey = _limb(shoulder[0], shoulder[1], 0.15, a, 0.045, role)
            fore, _, _ = _limb(ex, ey, 0.14, a + (arm_bend if amp > 0 else 0.05), 0.04, role)
            parts += [upper, fore]
        parts.append(Part(lambda u, v: sdf.box(u, v, 0.0, -0.11, 0.105, 0.165, 0.07), (-0.11, -0.28, 0.11, 0.06),
                          "body"))
        a = -amp * 0.8 * s
        upper, ex, ey = _limb(shoulder[0], shoulder[1], 0.15, a, 0.045, "body")
        fore, _, _ = _limb(ex, ey, 0.14, a + (arm_bend if amp > 0 else 0.05), 0.04, "body")
        parts += [upper, fore]
    parts.append(_circle(0.0, -0.375, 0.118, "skin"))
    parts.append(Part(lambda u, v: np.maximum(sdf.circle(u, v, 0.0, -0.39, 0.122), v + 0.4),
                      (-0.13, -0.52, 0.13, -0.39), "hair"))
    return parts


def _quadruped(kind: Kind, phase: float, gait: str) -> list[Part]:
    s = math.sin(2 * math.pi * phase)
    amp = {"none": 0.0, "walk": 0.32, "run": 0.6}[gait]
    dog = kind is Kind.DOG
    r_leg = 0.05 if dog else 0.038
    top = 0.08 if dog else 0.1
    xs = (-0.3, -0.19, 0.12, 0.23) if dog else (-0.27, -0.18, 0.1, 0.19)
    parts: list[Part] = []
    for k, x in enumerate(xs):  # far legs (odd) first, darker
        sign = 1.0 if k in (0, 3) else -1.0
        role = "dark_shade" if k % 2 else "shade"
        leg, _, _ = _limb(x, top, 0.5 - top - r_leg, sign * amp * s, r_leg, role)
        if k % 2:
            parts.insert(0, leg)
        else:
            parts.append(leg)
    wag = 0.25 * math.sin(2 * math.pi * phase * 2 + 1.0)
    if dog:
        parts.append(_cap(-0.46, -0.04, -0.62 + 0.05 * wag, -0.28, 0.045, "body"))
        parts.append(_cap(-0.33, 0.0, 0.2, -0.02, 0.19, "body"))
        parts.append(_cap(0.2, -0.05, 0.38, -0.22, 0.11, "body", outline=False))  # neck
        parts.append(_circle(0.42, -0.27, 0.16, "body"))
        parts.append(_cap(0.47, -0.21, 0.64, -0.19, 0.075, "body"))
        parts.append(_circle(0.68, -0.21, 0.035, "dark", outline=False))
        parts.append(_cap(0.35, -0.37, 0.29, -0.16, 0.055, "dark_body"))
        parts.append(_circle(0.47, -0.31, 0.022, "dark", outline=False))
    else:
        sway = 0.06 * math.sin(2 * math.pi * phase + 0.5)
        parts.append(_cap(-0.4, 0.02, -0.56, -0.18, 0.034, "body"))
        parts.append(_cap(-0.56, -0.18, -0.5 + sway, -0.42, 0.034, "body"))
        parts.append(_cap(-0.3, 0.05, 0.16, 0.03, 0.155, "body"))
        parts.append(_cap(0.14, 0.0, 0.32, -0.18, 0.09, "body"))  # neck
        parts.append(_tri(((0.23, -0.3), (0.25, -0.49), (0.35, -0.36)), "body", 0.012))
        parts.append(_tri(((0.39, -0.37), (0.49, -0.5), (0.5, -0.3)), "body", 0.012))
        parts.append(_circle(0.36, -0.24, 0.15, "body"))
        parts.append(_circle(0.43, -0.27, 0.022, "dark", outline=False))
        parts.append(_circle(0.5, -0.2, 0.02, "nose", outline=False))
    return parts


def _bird(phase: float) -> list[Part]:
    a = math.cos(2 * math.pi * phase)  # wings up at phase 0
    tip_y = 0.05 - 0.5 * a
    parts = [
        _tri(((-0.28, 0.1), (-0.74, -0.04), (-0.72, 0.24)), "body", 0.01),
        Part(lambda u, v: sdf.ellipse(u, v, -0.02, 0.12, 0.37, 0.2), (-0.4, -0.09, 0.36, 0.33), "body"),
        _circle(0.33, -0.03, 0.15, "body"),
        _tri(((0.45, -0.08), (0.68, -0.01), (0.45, 0.04)), "beak", 0.01),
        _circle(0.38, -0.07, 0.024, "dark", outline=False),
        _tri(((0.16, 0.05), (-0.22, 0.08), (-0.2 + 0.08 * a, tip_y)), "shade", 0.03),
    ]
    return parts


def _fish(phase: float) -> list[Part]:
    w = 0.35 * math.sin(2 * math.pi * phase)
    pivot = (-0.42, 0.0)

    def rot(x: float, y: float) -> tuple[float, float]:
        dx, dy = x - pivot[0], y - pivot[1]
        return pivot[0] + dx * math.cos(w) - dy * math.sin(w), pivot[1] + dx * math.sin(w) + dy * math.cos(w)

    return [
        _tri((rot(-0.38, 0.0), rot(-0.82, -0.3), rot(-0.82, 0.3)), "shade", 0.02),
        _tri(((-0.15, -0.2), (0.15, -0.25), (-0.2, -0.44)), "shade", 0.015),
        Part(lambda u, v: sdf.ellipse(u, v, 0.04, 0.0, 0.5, 0.29), (-0.47, -0.3, 0.55, 0.3), "body"),
        _tri(((0.0, 0.12), (-0.18, 0.28), (0.1, 0.2)), "shade", 0.01),
        _circle(0.3, -0.06, 0.06, "white", outline=False),
        _circle(0.31, -0.06, 0.03, "dark", outline=False),
    ]


def _shape(kind: Kind) -> list[Part]:
    if kind is Kind.BALL:
        return [
            _circle(0.0, 0.0, 0.5, "body"),
            Part(lambda u, v: np.maximum(sdf.circle(u, v, 0.0, 0.0, 0.44), np.abs(v) - 0.085),
                 (-0.45, -0.1, 0.45, 0.1), "light", outline=False),
        ]
    if kind is Kind.BOX:
        return [
            Part(lambda u, v: sdf.box(u, v, 0.0, 0.0, 0.47, 0.47, 0.05), (-0.48, -0.48, 0.48, 0.48), "body"),
            Part(lambda u, v: sdf.box(u, v, 0.0, 0.0, 0.33, 0.33, 0.03), (-0.34, -0.34, 0.34, 0.34), "light_soft",
                 outline=False),
            # A crate's diagonal brace: it also tells a quarter turn from none.
            _cap(-0.3, 0.3, 0.3, -0.3, 0.05, "shade", outline=False),
        ]
    if kind is Kind.TRIANGLE:
        return [_tri(((0.0, -0.47), (0.51, 0.45), (-0.51, 0.45)), "body", 0.03)]
    if kind is Kind.STAR:
        return [Part(lambda u, v: sdf.star(u, v - 0.05, 0.53, 3.0), (-0.53, -0.5, 0.53, 0.5), "body")]
    if kind is Kind.HEART:
        return [Part(lambda u, v: sdf.heart(u * 1.1, v * 1.1 - 0.02) / 1.1, (-0.56, -0.5, 0.56, 0.5), "body")]
    if kind is Kind.RING:
        return [
            Part(lambda u, v: sdf.ring(u, v, 0.5, 0.28), (-0.5, -0.5, 0.5, 0.5), "body"),
            # A lighter band across one side, so a spinning ring visibly turns.
            Part(lambda u, v: np.maximum(sdf.ring(u, v, 0.45, 0.33), np.abs(v) - 0.07), (-0.46, -0.08, 0.46, 0.08),
                 "light", outline=False),
        ]
    raise ValueError(f"no figure for {kind}")


def parts_for(kind: Kind, phase: float, gait: str, front: bool = False) -> list[Part]:
    """The parts of a kind, back to front, at a gait or flap phase in [0, 1)."""
    if kind is Kind.PERSON:
        return _person(phase, gait, front)
    if kind in (Kind.DOG, Kind.CAT):
        return _quadruped(kind, phase, gait)
    if kind is Kind.BIRD:
        return _bird(phase)
    if kind is Kind.FISH:
        return _fish(phase)
    return _shape(kind)
