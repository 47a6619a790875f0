"""Signed distance functions in 2-D (negative inside), on float32 numpy grids.

Most are Inigo Quilez's exact 2-D distances; shapes are drawn by turning distance into coverage over
one pixel, which gives anti-aliased edges at any size without supersampling.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["box", "capsule", "circle", "ellipse", "heart", "ring", "star", "triangle"]

A = npt.NDArray[Any]  # float32 grids; numpy promotes freely inside


def circle(u: A, v: A, cx: float, cy: float, r: float) -> A:
    return np.sqrt((u - cx) ** 2 + (v - cy) ** 2) - r


def ring(u: A, v: A, r_outer: float, r_inner: float) -> A:
    d = np.sqrt(u * u + v * v)
    mid, half = (r_outer + r_inner) / 2, (r_outer - r_inner) / 2
    return np.asarray(np.abs(d - mid) - half, np.float32)


def box(u: A, v: A, cx: float, cy: float, hw: float, hh: float, radius: float = 0.0) -> A:
    qx = np.abs(u - cx) - hw + radius
    qy = np.abs(v - cy) - hh + radius
    outside = np.sqrt(np.maximum(qx, 0) ** 2 + np.maximum(qy, 0) ** 2)
    return np.asarray(outside + np.minimum(np.maximum(qx, qy), 0) - radius, np.float32)


def capsule(u: A, v: A, ax: float, ay: float, bx: float, by: float, r: float) -> A:
    pax, pay = u - ax, v - ay
    bax, bay = bx - ax, by - ay
    h = np.clip((pax * bax + pay * bay) / max(bax * bax + bay * bay, 1e-9), 0.0, 1.0)
    return np.sqrt((pax - bax * h) ** 2 + (pay - bay * h) ** 2) - r


def ellipse(u: A, v: A, cx: float, cy: float, rx: float, ry: float) -> A:
    """A cheap ellipse distance (exact on the axes, close elsewhere), good enough for coverage."""
    x, y = (u - cx) / rx, (v - cy) / ry
    k = np.sqrt(x * x + y * y)
    grad = np.sqrt((x / rx) ** 2 + (y / ry) ** 2) + 1e-6
    return (k * (k - 1.0) / grad).astype(np.float32)


def triangle(u: A, v: A, points: tuple[tuple[float, float], tuple[float, float], tuple[float, float]]) -> A:
    """Exact distance to a triangle given by three points."""
    (x0, y0), (x1, y1), (x2, y2) = points
    e0x, e0y, e1x, e1y, e2x, e2y = x1 - x0, y1 - y0, x2 - x1, y2 - y1, x0 - x2, y0 - y2
    v0x, v0y, v1x, v1y, v2x, v2y = u - x0, v - y0, u - x1, v - y1, u - x2, v - y2

    def seg(vx: A, vy: A, ex: float, ey: float) -> tuple[A, A]:
        h = np.clip((vx * ex + vy * ey) / (ex * ex + ey * ey), 0, 1)
        return vx - ex * h, vy - ey * h

    p0x, p0y = seg(v0x, v0y, e0x, e0y)
    p1x, p1y = seg(v1x, v1y, e1x, e1y)
    p2x, p2y = seg(v2x, v2y, e2x, e2y)
    s = math.copysign(1.0, e0x * e2y - e0y * e2x)
    d = np.minimum(np.minimum(p0x * p0x + p0y * p0y, p1x * p1x + p1y * p1y), p2x * p2x + p2y * p2y)
    c0 = s * (v0x * e0y - v0y * e0x)
    c1 = s * (v1x * e1y - v1y * e1x)
    c2 = s * (v2x * e2y - v2y * e2x)
    inside = np.minimum(np.minimum(c0, c1), c2)
    return np.asarray((-np.sqrt(d) * np.sign(inside)).astype(np.float32), np.float32)


def star(u: A, v: A, r: float, m: float, points: int = 5) -> A:
    """A regular star pointing up (iq's sdStar): ``m`` from 2 (a polygon) to ``points`` (sharpest)."""
    n = points
    an = math.pi / n
    en = math.pi / m
    acs = (math.cos(an), math.sin(an))
    ecs = (math.cos(en), math.sin(en))
    angle = np.arctan2(u, -v)  # 0 at the top point
    bn = np.mod(angle, 2 * an) - an
    length = np.sqrt(u * u + v * v)
    px, py = length * np.cos(bn), length * np.abs(np.sin(bn))
    px, py = px - r * acs[0], py - r * acs[1]
    dot = px * ecs[0] + py * ecs[1]
    h = np.clip(-dot, 0.0, r * acs[1] / ecs[1])
    px, py = px + ecs[0] * h, py + ecs[1] * h
    return np.asarray((np.sqrt(px * px + py * py) * np.sign(px)).astype(np.float32), np.float32)


def heart(u: A, v: A) -> A:
    """iq's heart, about one unit tall, tip down, centred on the origin."""
    x = np.abs(u) * 1.0
    y = 0.55 - v * 1.0
    a = x + y - 1.0
    b = (x - 0.25) ** 2 + (y - 0.75) ** 2
    upper = np.sqrt(b) - math.sqrt(2.0) / 4.0
    m = 0.5 * np.maximum(x + y, 0.0)
    c = np.minimum(x * x + (y - 1.0) ** 2, (x - m) ** 2 + (y - m) ** 2)
    lower = np.sqrt(c) * np.sign(x - y)
    return np.where(a > 0.0, upper, lower).astype(np.float32)
