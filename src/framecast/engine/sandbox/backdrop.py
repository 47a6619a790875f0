"""The settings, painted once per clip over the part of the world the camera will see.

Everything is drawn in *normalised* units (world pixels divided by the frame height) so a setting
looks the same at every size and a wide frame simply shows more of it; edges are anti-aliased by
converting signed distances to coverage over one plate pixel. The light changes the sky, grades the
ground, adds fog by depth and switches on windows, stars and the moon at night.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import numpy.typing as npt

from framecast.engine.sandbox.motion import HORIZON
from framecast.engine.sandbox.scene import Light, Setting

__all__ = ["SKY", "paint_backdrop", "subject_grade"]

Arr = npt.NDArray[Any]  # float32 planes and float64 helpers alike
RGB = tuple[float, float, float]

SKY: dict[Light, tuple[RGB, RGB]] = {  # (top, horizon)
    Light.NEUTRAL: ((0.36, 0.58, 0.86), (0.76, 0.86, 0.95)),
    Light.BRIGHT: ((0.14, 0.46, 0.93), (0.60, 0.82, 1.00)),
    Light.DUSK: ((0.20, 0.16, 0.40), (0.98, 0.56, 0.30)),
    Light.NIGHT: ((0.01, 0.02, 0.08), (0.07, 0.09, 0.22)),
    Light.FOGGY: ((0.66, 0.68, 0.71), (0.80, 0.81, 0.82)),
    Light.WARM: ((0.52, 0.60, 0.80), (1.00, 0.82, 0.58)),
    Light.COOL: ((0.40, 0.56, 0.80), (0.80, 0.88, 0.96)),
}
# Multiplier on everything that is not sky; night keeps a little blue moonlight.
GROUND_GRADE: dict[Light, RGB] = {
    Light.NEUTRAL: (1.0, 1.0, 1.0), Light.BRIGHT: (1.1, 1.1, 1.08), Light.DUSK: (0.82, 0.62, 0.55),
    Light.NIGHT: (0.26, 0.30, 0.44), Light.FOGGY: (0.95, 0.95, 0.96), Light.WARM: (1.08, 0.92, 0.70),
    Light.COOL: (0.80, 0.92, 1.08),
}
FOG_COLOUR = np.array([0.79, 0.80, 0.81], dtype=np.float32)


def subject_grade(light: Light) -> tuple[Arr, float]:
    """(multiplier, fog mix) for subjects: milder than the ground's, so their colour still reads."""
    mult = {
        Light.NEUTRAL: (1.0, 1.0, 1.0), Light.BRIGHT: (1.05, 1.05, 1.05), Light.DUSK: (1.0, 0.88, 0.82),
        Light.NIGHT: (0.66, 0.7, 0.8), Light.FOGGY: (1.0, 1.0, 1.0), Light.WARM: (1.04, 0.96, 0.84),
        Light.COOL: (0.9, 0.96, 1.05),
    }[light]
    return np.array(mult, dtype=np.float32), (0.18 if light is Light.FOGGY else 0.0)


class _Plate:
    """A float image over a world rectangle with its normalised coordinates and layer bookkeeping.

    ``rows`` = (first, end) paints only those rows of the whole plate: every pixel is a function of
    its own coordinates and of draws that depend only on the plate's width, so bands of rows painted
    apart and stacked are the plate painted whole, bit for bit. ``top_y`` and ``first_row`` let the
    few things placed by index (stars, flowers) find their rows in the whole plate.
    """

    def __init__(self, x0: float, y0: float, w: int, h: int, density: float, height: int,
                 rows: tuple[int, int] | None = None) -> None:
        first, end = rows or (0, h)
        self.px = 1.0 / (density * height)  # one plate pixel in normalised units
        self.x = ((x0 + (np.arange(w, dtype=np.float32) + 0.5) / density) / height)[None, :]
        y = ((y0 + (np.arange(h, dtype=np.float32) + 0.5) / density) / height)[:, None]
        self.y = y[first:end]
        self.top_y, self.first_row, self.plate_rows = float(y[0, 0]), first, h
        h = end - first
        self.sky = np.zeros((h, w, 3), dtype=np.float32)
        self.ground = np.zeros((h, w, 3), dtype=np.float32)
        self.alpha = np.zeros((h, w), dtype=np.float32)  # coverage of non-sky layers

    def sub(self, xa: float, xb: float, ya: float = -1e9, yb: float = 1e9) -> _Plate:
        """A view of the normalised box [xa, xb] x [ya, yb]: drawing into it draws into the plate."""
        j0 = int(np.searchsorted(self.x[0], xa))
        j1 = int(np.searchsorted(self.x[0], xb)) + 1
        i0 = int(np.searchsorted(self.y[:, 0], ya))
        i1 = int(np.searchsorted(self.y[:, 0], yb)) + 1
        view = object.__new__(_Plate)
        view.px = self.px
        view.top_y, view.first_row, view.plate_rows = self.top_y, self.first_row + i0, self.plate_rows
        view.x, view.y = self.x[:, j0:j1], self.y[i0:i1]
        view.sky, view.ground = self.sky[i0:i1, j0:j1], self.ground[i0:i1, j0:j1]
        view.alpha = self.alpha[i0:i1, j0:j1]
        return view

    @property
    def empty(self) -> bool:
        return self.alpha.size == 0

    def cover(self, distance: Arr) -> Arr:
        """Coverage from a signed distance in normalised units (negative inside)."""
        return np.clip(0.5 - distance / self.px, 0.0, 1.0).astype(np.float32)

    def lay(self, coverage: Arr, colour: npt.ArrayLike) -> None:
        c = np.asarray(colour, dtype=np.float32)
        cov = coverage[..., None]
        self.ground += (c - self.ground) * cov
        self.alpha += (1.0 - self.alpha) * coverage

    def below(self, ridge: Arr) -> Arr:
        """Coverage of everything under a ridge line y = ridge(x)."""
        return self.cover(ridge - self.y)


def _gradient(y: Arr, top: RGB, bottom: RGB, y0: float, y1: float) -> Arr:
    t = np.clip((y - y0) / (y1 - y0), 0, 1)[..., None]
    return (np.asarray(top, np.float32) * (1 - t) + np.asarray(bottom, np.float32) * t).astype(np.float32)


def _wave(x: Arr, rng: np.random.Generator, terms: tuple[tuple[float, float], ...]) -> Arr:
    """A smooth random ridge: a sum of sines with random phases, (frequency, amplitude) per term."""
    out = np.zeros_like(x)
    for freq, amp in terms:
        out += amp * np.sin(freq * x + rng.uniform(0, 2 * np.pi)).astype(np.float32)
    return out


def _disc(p: _Plate, cx: float, cy: float, r: float) -> Arr:
    return p.cover(np.sqrt((p.x - cx) ** 2 + (p.y - cy) ** 2) - r)


def _paint_sky(p: _Plate, light: Light, horizon: float, rng: np.random.Generator, setting: Setting) -> None:
    top, low = SKY[light]
    night_sky = setting is Setting.NIGHT_SKY and light is not Light.DUSK
    if night_sky:  # a night sky stays night; the light only tints it
        tint = np.asarray(GROUND_GRADE[light], np.float32) if light is not Light.NIGHT else np.ones(3, np.float32)
        top = tuple(np.asarray(SKY[Light.NIGHT][0], np.float32) * tint * (2.0 if light is Light.FOGGY else 1.0))
        low = tuple(np.asarray(SKY[Light.NIGHT][1], np.float32) * tint * (1.8 if light is Light.FOGGY else 1.3))
    p.sky[:] = _gradient(p.y, top, low, 0.0, horizon)  # type: ignore[arg-type]
    x_mid = float(p.x[0, p.x.shape[1] // 2])
    x_lo, x_hi = float(p.x[0, 0]), float(p.x[0, -1])
    if light is Light.NIGHT or night_sky:
        count = int(900 * (x_hi - x_lo) + 40)
        star_x = rng.uniform(x_lo, x_hi, count)
        star_y = rng.uniform(0.0, 1.0, count) ** 1.3 * horizon * 0.95
        bright = rng.uniform(0.35, 1.0, count) * (0.6 if light is Light.FOGGY else 1.0)
        _stars(p, star_x, star_y, bright)
        for r_out, dx in ((0.045, 0.0),):
            q = p.sub(x_mid + 0.3, x_mid + 0.4, 0.08, 0.2)
            if not q.empty:
                moon = _disc(q, x_mid + 0.35 + dx, 0.14, r_out) * (1 - _disc(q, x_mid + 0.37, 0.13, 0.04))
                q.sky += (np.float32(0.95) - q.sky) * moon[..., None]
    elif setting not in (Setting.CITY_STREET, Setting.FOREST, Setting.STUDIO) and light is not Light.FOGGY:
        sun_y = horizon - 0.05 if light in (Light.DUSK, Light.WARM) else 0.16
        r = 0.07 if light is Light.DUSK else 0.045
        sx = x_mid - 0.4
        colour = np.asarray((1.0, 0.62, 0.3) if light is Light.DUSK else (1.0, 0.96, 0.82), np.float32)
        q = p.sub(sx - 5 * r, sx + 5 * r, sun_y - 5 * r, horizon)
        if not q.empty:
            glow = np.exp(-(((q.x - sx) ** 2 + (q.y - sun_y) ** 2) / (r * 2.5) ** 2)).astype(np.float32)
            q.sky += (colour - q.sky) * (0.35 * glow)[..., None]
            q.sky += (colour - q.sky) * _disc(q, sx, sun_y, r)[..., None]
    if setting in (Setting.GRASS_FIELD, Setting.OCEAN, Setting.SNOW, Setting.DESERT) and light not in (
        Light.NIGHT, Light.FOGGY
    ):
        cloud = np.float32(0.97) * 0.65 + np.asarray(SKY[light][1], np.float32) * 0.35  # lit by the sky
        for _ in range(max(2, int(2.5 * (x_hi - x_lo)))):
            cx = rng.uniform(x_lo - 0.1, x_hi)
            cy = rng.uniform(0.08, horizon * 0.55)
            q = p.sub(cx - 0.1, cx + 0.25, cy - 0.05, cy + 0.05)
            if q.empty:
                continue
            for k in range(3):
                blob = q.cover(np.sqrt(((q.x - cx - 0.07 * k) / 2.2) ** 2 + (q.y - cy + 0.01 * (k % 2)) ** 2) - 0.03)
                q.sky += (cloud - q.sky) * (0.8 * blob)[..., None]


def _stars(p: _Plate, sx: Arr, sy: Arr, bright: Arr) -> None:
    h, w = p.plate_rows, p.sky.shape[1]
    j = ((sx - float(p.x[0, 0])) / p.px).astype(int)
    i = ((sy - p.top_y) / p.px).astype(int)  # rows of the whole plate
    ok = (i >= 0) & (i < h) & (j >= 0) & (j < w)
    i, j, lit = i[ok], j[ok], bright[ok, None].astype(np.float32)
    size = max(1, round(0.0016 / p.px))
    for di in range(size):
        for dj in range(size):
            ii, jj = np.clip(i + di, 0, h - 1) - p.first_row, np.clip(j + dj, 0, w - 1)
            mine = (ii >= 0) & (ii < p.sky.shape[0])  # this band's rows
            ii, jj = ii[mine], jj[mine]
            p.sky[ii, jj] = np.maximum(p.sky[ii, jj], lit[mine])


def _ridged(p: _Plate, ridge: Arr) -> _Plate:
    """The rows a layer under ``ridge`` can touch."""
    return p.sub(-1e9, 1e9, float(ridge.min()) - 2 * p.px, 1e9)


def _desert(p: _Plate, rng: np.random.Generator) -> None:
    for base, colour, terms in (
        (0.57, (0.80, 0.60, 0.40), ((3.1, 0.025), (7.3, 0.012))),
        (0.65, (0.88, 0.69, 0.46), ((2.3, 0.035), (5.1, 0.015))),
        (0.77, (0.93, 0.76, 0.52), ((1.7, 0.04), (4.2, 0.015))),
    ):
        ridge = base + _wave(p.x, rng, terms)
        q = _ridged(p, ridge)
        slope = np.gradient(ridge[0]) / p.px * p.px * 60
        shade = (1.0 + 0.25 * np.clip(-slope, -1, 1)).astype(np.float32)[None, :, None]
        depth = np.clip((q.y - ridge) * 6, 0, 1)[..., None]
        c = np.asarray(colour, np.float32) * (shade * (1 - depth) + 0.9 * depth)
        q.lay(q.below(ridge), c)
    q = p.sub(-1e9, 1e9, 0.78, 1e9)
    ripples = 0.03 * np.sin(90 * (q.y + 0.02 * np.sin(5 * q.x)) + 3 * q.x)
    q.ground *= (1 + ripples)[..., None].astype(np.float32)


def _night_sky(p: _Plate, rng: np.random.Generator) -> None:
    q = p.sub(-1e9, 1e9, 0.0, 0.55)
    band = np.exp(-(((q.y - 0.25 - 0.12 * np.sin(1.3 * q.x)) / 0.07) ** 2)).astype(np.float32)
    q.sky += (band * 0.14)[..., None] * np.asarray([0.6, 0.55, 0.9], np.float32)
    for base, colour, terms in ((0.74, (0.10, 0.10, 0.16), ((2.1, 0.04), (5.3, 0.015))),
                                (0.80, (0.06, 0.06, 0.09), ((1.4, 0.03), (3.9, 0.012)))):
        ridge = base + _wave(p.x, rng, terms)
        q = _ridged(p, ridge)
        q.lay(q.below(ridge), colour)
    # The night's own grading darkens the hills; keep them a shade above black.
    p.ground *= np.float32(3.2)


def _ocean(p: _Plate, rng: np.random.Generator) -> None:
    q = p.sub(-1e9, 1e9, 0.5 - 2 * p.px, 1e9)
    q.lay(q.below(np.full_like(q.x, 0.5)), _gradient(q.y, (0.08, 0.26, 0.50), (0.12, 0.48, 0.66), 0.5, 0.74))
    q = p.sub(-1e9, 1e9, 0.5, 0.75)
    streak = np.sin(300 * q.y + 2.5 * np.sin(3 * q.x + 20 * q.y) + _wave(q.x, rng, ((9.0, 1.5),)))
    glint = (np.clip(streak - 0.88, 0, 1) * 5 * np.clip((q.y - 0.5) * 8, 0, 1)).astype(np.float32)
    q.ground += (np.float32(0.9) - q.ground) * glint[..., None]
    shore = 0.74 + _wave(p.x, rng, ((5.0, 0.008), (13.0, 0.004)))
    q = _ridged(p, shore - 0.01)
    q.lay(q.cover(np.abs(q.y - shore) - 0.006), (0.95, 0.97, 0.98))
    q.lay(q.below(shore + 0.008), _gradient(q.y, (0.80, 0.72, 0.54), (0.93, 0.85, 0.66), 0.74, 0.86))


def _grass_field(p: _Plate, rng: np.random.Generator) -> None:
    ridge = 0.55 + _wave(p.x, rng, ((2.5, 0.03), (6.0, 0.01)))
    q = _ridged(p, ridge)
    q.lay(q.below(ridge), (0.42, 0.58, 0.36))
    ridge = 0.6 + _wave(p.x, rng, ((1.8, 0.02), (4.7, 0.01)))
    q = _ridged(p, ridge)
    q.lay(q.below(ridge), _gradient(q.y, (0.40, 0.66, 0.26), (0.27, 0.55, 0.18), 0.6, 1.0))
    q = p.sub(-1e9, 1e9, 0.62, 1e9)
    blades = np.sin(700 * q.x + 4 * np.sin(90 * q.y) + 30 * q.y) * np.clip((q.y - 0.62) * 4, 0, 1)
    q.ground *= (1 + 0.08 * blades)[..., None].astype(np.float32)
    x_lo, x_hi = float(p.x[0, 0]), float(p.x[0, -1])
    n = int(160 * (x_hi - x_lo) + 10)
    fx, fy = rng.uniform(x_lo, x_hi, n), rng.uniform(0.64, 1.0, n)
    colours = np.where(rng.random(n)[:, None] < 0.5, [[0.95, 0.9, 0.55]], [[0.96, 0.96, 0.94]]).astype(np.float32)
    for cx, cy, colour in zip(fx, fy, colours, strict=True):
        i0 = int((cy - p.top_y) / p.px)  # a row of the whole plate
        j0 = int((cx - p.x[0, 0]) / p.px)
        r = max(1, int(0.002 * (cy - 0.5) * 2 / p.px))
        if 0 <= i0 < p.plate_rows - r and 0 <= j0 < p.ground.shape[1] - r:
            top, bottom = max(0, i0 - p.first_row), max(0, i0 + r - p.first_row)
            p.ground[top:bottom, j0 : j0 + r] = colour


def _city_street(p: _Plate, rng: np.random.Generator, night: bool) -> None:
    x = float(p.x[0, 0]) - 0.1
    while x < float(p.x[0, -1]) + 0.1:
        w = float(rng.uniform(0.12, 0.3))
        top = float(rng.uniform(0.12, 0.42))
        shade = float(rng.uniform(0.35, 0.7))
        tint = np.asarray([shade, shade * rng.uniform(0.9, 1.02), shade * rng.uniform(0.92, 1.12)], np.float32)
        q = p.sub(x - 0.01, x + w + 0.01, top - 0.01, 0.64)
        x0 = x
        x += w + float(rng.uniform(0.0, 0.04))
        if q.empty:
            continue
        body = q.cover(np.maximum(np.maximum(x0 - q.x, q.x - (x0 + w)), top - q.y)) * (q.y < 0.63)
        q.lay(body.astype(np.float32), tint)
        wx = np.abs(((q.x - x0) / 0.045) % 1 - 0.5) < 0.22
        wy = np.abs(((q.y - top) / 0.06) % 1 - 0.5) < 0.25
        inside = (q.x > x0 + 0.015) & (q.x < x0 + w - 0.015) & (q.y > top + 0.02) & (q.y < 0.6)
        lit = 0.85 if night else 0.25
        window = (wx & wy & inside).astype(np.float32)
        q.lay(window * body, (lit, lit * 0.88, lit * 0.55) if night else (0.22, 0.3, 0.42))
    q = p.sub(-1e9, 1e9, 0.62 - 2 * p.px, 1e9)
    q.lay(q.below(np.full_like(q.x, 0.62)), (0.27, 0.27, 0.29))  # road
    dash = ((q.x * 6) % 1 < 0.5) & (np.abs(q.y - 0.685) < 0.006)
    q.lay(dash.astype(np.float32), (0.9, 0.85, 0.55))
    q = p.sub(-1e9, 1e9, 0.74, 1e9)
    q.lay(q.below(np.full_like(q.x, 0.75)), (0.64, 0.63, 0.61))  # pavement
    q.lay(q.cover(np.abs(q.y - 0.752) - 0.004), (0.45, 0.45, 0.45))  # kerb
    slabs = (np.abs((q.x * 5 + (q.y - 0.75) * 3) % 1 - 0.5) > 0.485) & (q.y > 0.76)
    q.ground *= (1 - 0.12 * slabs)[..., None].astype(np.float32)


def _snow(p: _Plate, rng: np.random.Generator) -> None:
    x = float(p.x[0, 0]) - 0.3
    while x < float(p.x[0, -1]) + 0.3:
        h = float(rng.uniform(0.15, 0.3))
        peak = 0.56 - h
        half = float(rng.uniform(0.25, 0.45))
        q = p.sub(x - half * 3, x + half * 3, peak - 0.01, 0.61)
        if not q.empty:
            mountain = q.cover(np.maximum(peak + np.abs(q.x - x) * h / half - q.y, q.y - 0.6))
            q.lay(mountain, (0.55, 0.6, 0.7))
            q.lay((mountain * (q.y < peak + h * 0.4)).astype(np.float32), (0.93, 0.95, 0.98))
        x += float(rng.uniform(0.25, 0.5))
    ridge = 0.6 + _wave(p.x, rng, ((2.2, 0.02), (5.5, 0.01)))
    q = _ridged(p, ridge)
    q.lay(q.below(ridge), _gradient(q.y, (0.86, 0.90, 0.96), (0.95, 0.97, 1.0), 0.6, 1.0))
    shadow = 0.06 * np.sin(4 * q.x + 12 * q.y) * np.clip((q.y - 0.62) * 5, 0, 1)
    q.ground -= (shadow[..., None] * np.asarray([1.0, 0.6, 0.1], np.float32)).astype(np.float32)
    n = int(6 * (p.x[0, -1] - p.x[0, 0]) + 2)
    for tx in rng.uniform(p.x[0, 0], p.x[0, -1], n):
        q = p.sub(tx - 0.06, tx + 0.06, 0.49, 0.62)
        if not q.empty:
            q.lay(q.cover(np.maximum(0.5 + np.abs(q.x - tx) * 2.2 - q.y, q.y - 0.61)), (0.14, 0.3, 0.22))


def _within(
    outer: tuple[float, float, float, float], inner: tuple[float, float, float, float]
) -> tuple[float, float, float, float]:
    """The box ``inner`` cut to ``outer``, both (x0, x1, y0, y1)."""
    return max(outer[0], inner[0]), min(outer[1], inner[1]), max(outer[2], inner[2]), min(outer[3], inner[3])


def _forest(p: _Plate, rng: np.random.Generator) -> None:
    q = p.sub(-1e9, 1e9, 0.62 - 2 * p.px, 1e9)
    q.lay(q.below(np.full_like(q.x, 0.62)), _gradient(q.y, (0.30, 0.36, 0.18), (0.36, 0.28, 0.16), 0.62, 1.0))
    for layer, (colour, trunk, top, spacing, width) in enumerate((
        ((0.16, 0.30, 0.24), (0.24, 0.2, 0.16), 0.06, 0.16, 0.11),
        ((0.14, 0.38, 0.18), (0.32, 0.22, 0.13), 0.02, 0.28, 0.16),
    )):
        x = float(p.x[0, 0]) - 0.2 + float(rng.uniform(0, spacing))
        base = 0.63 + 0.015 * layer
        while x < float(p.x[0, -1]) + 0.2:
            # Each part is drawn over its own box, cut to the tree's: outside a part's box its
            # coverage is zero, and laying zero coverage leaves the plate as it was.
            tree = (x - width * 1.5, x + width * 1.5, top - 0.01, base + 0.01)
            tw, pad = width * 0.12, 2 * p.px
            q = p.sub(*_within(tree, (x - tw - pad, x + tw + pad, top + 0.2 - pad, base + pad)))
            if not q.empty:
                q.lay(q.cover(np.maximum(np.abs(q.x - x) - tw, np.maximum(top + 0.2 - q.y, q.y - base))), trunk)
            for k in range(3):
                cy = top + 0.1 + 0.13 * k
                r = width * (0.55 + 0.25 * k)
                half = r / 1.6 * (1 + pad / 0.16) + pad
                q = p.sub(*_within(tree, (x - half, x + half, cy - 0.16 - pad, cy + pad)))
                if not q.empty:
                    canopy = q.cover(np.maximum(cy - 0.16 + np.abs(q.x - x) * 0.16 / r * 1.6 - q.y, q.y - cy))
                    q.lay(canopy, np.asarray(colour, np.float32) * (0.85 + 0.1 * k))
            x += spacing * float(rng.uniform(0.7, 1.3))
    q = p.sub(-1e9, 1e9, 0.66, 1e9)
    litter = np.sin(300 * q.x + 5 * np.sin(70 * q.y)) * np.sin(170 * q.y)
    q.ground *= (1 + 0.07 * litter)[..., None].astype(np.float32)


def _studio(p: _Plate) -> None:
    wall = _gradient(p.y, (0.70, 0.70, 0.72), (0.86, 0.86, 0.87), 0.0, 0.66)
    p.lay(np.ones_like(p.alpha), wall)
    floor = np.clip((p.y - 0.62) / 0.1, 0, 1)
    floor = floor * floor * (3 - 2 * floor)
    p.ground += ((np.asarray([0.78, 0.78, 0.79], np.float32) - p.ground) * floor[..., None]).astype(np.float32)
    x_mid = float(p.x[0, p.x.shape[1] // 2])
    spot = np.exp(-(((p.x - x_mid) / 0.9) ** 2) - ((p.y - 0.55) / 0.6) ** 2).astype(np.float32)
    p.ground *= (0.82 + 0.22 * spot)[..., None]
    # Paper seams on the backdrop and boards on the floor: structure a moving camera can be seen by.
    seams = (np.abs((p.x / 0.37) % 1 - 0.5) > 0.497) & (p.y < 0.64)
    boards = (np.abs((p.x * 4 + (p.y - 0.66) * 9 * (p.x - x_mid)) % 1 - 0.5) > 0.49) & (p.y > 0.7)
    p.ground *= (1 - 0.07 * seams - 0.08 * boards)[..., None].astype(np.float32)


# Plates at least this large are painted in bands of rows on threads (numpy lets go of the GIL):
# the plate is painted before a clip's first frame, so its time is time no frame is being encoded.
BAND_PIXELS = 400_000
BANDS = 2


def paint_backdrop(
    setting: Setting, light: Light, height: int, world: tuple[float, float, float, float], density: float, seed: int
) -> npt.NDArray[np.uint8]:
    """The setting over ``world`` = (x0, y0, x1, y1) in world pixels, ``density`` plate pixels per world pixel.

    ``height`` is the output frame height, the unit the setting's shapes are drawn in.
    """
    x0, y0, x1, y1 = world
    w, h = round((x1 - x0) * density), round((y1 - y0) * density)
    out = np.empty((h, w, 3), np.uint8)
    bands = BANDS if w * h >= BAND_PIXELS else 1
    cuts = [round(h * k / bands) for k in range(bands + 1)]

    def paint(k: int) -> None:
        plate = _Plate(x0, y0, w, h, density, height, (cuts[k], cuts[k + 1]))
        out[cuts[k] : cuts[k + 1]] = _paint(plate, setting, light, seed)

    if bands == 1:
        paint(0)
    else:
        with ThreadPoolExecutor(bands, thread_name_prefix="framecast-backdrop") as pool:
            list(pool.map(paint, range(bands)))
    return out


def _paint(p: _Plate, setting: Setting, light: Light, seed: int) -> npt.NDArray[np.uint8]:
    rng = np.random.default_rng([seed, list(Setting).index(setting)])
    horizon = {Setting.OCEAN: 0.5, Setting.NIGHT_SKY: 0.78, Setting.CITY_STREET: 0.62}.get(setting, HORIZON)
    _paint_sky(p, light, horizon, rng, setting)
    night = light is Light.NIGHT
    if setting is Setting.DESERT:
        _desert(p, rng)
    elif setting is Setting.NIGHT_SKY:
        _night_sky(p, rng)
    elif setting is Setting.OCEAN:
        _ocean(p, rng)
    elif setting is Setting.GRASS_FIELD:
        _grass_field(p, rng)
    elif setting is Setting.CITY_STREET:
        _city_street(p, rng, night or light is Light.DUSK)
    elif setting is Setting.SNOW:
        _snow(p, rng)
    elif setting is Setting.FOREST:
        _forest(p, rng)
    else:
        _studio(p)
    grade = np.asarray(GROUND_GRADE[light], np.float32)
    if setting is Setting.NIGHT_SKY and light is not Light.NIGHT:
        grade = grade * np.float32(0.3)
    img = p.ground * grade * p.alpha[..., None] + p.sky * (1 - p.alpha[..., None])
    if light is Light.FOGGY:
        depth = np.clip(1.0 - (p.y - horizon) / (1.0 - horizon), 0.0, 1.0) * 0.45 + 0.25
        fog = np.where(p.y < horizon, 0.75, depth).astype(np.float32)[..., None]
        img = img * (1 - fog) + FOG_COLOUR * fog
    elif light is Light.WARM:
        x_mid = float(p.x[0, p.x.shape[1] // 2])
        glow = np.exp(-(((p.x - x_mid + 0.5) / 0.8) ** 2 + ((p.y - 0.5) / 0.6) ** 2)).astype(np.float32)
        img = img + (glow * 0.12)[..., None] * np.asarray([1.0, 0.7, 0.3], np.float32)
    return (np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8)
