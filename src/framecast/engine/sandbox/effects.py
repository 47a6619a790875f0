"""The sixteen Pikaffects as sprite transforms.

``apply_effect`` turns one subject sprite into the layers that show it ``progress`` of the way
through an effect. Progress 0 is the untouched sprite and progress 1 the effect's end state, so the
caller owns timing (when the effect starts, how long it lasts, holding the end).

Each effect is built to read as what it names *and* to leave a geometric/colour signature that
:mod:`framecast.engine.sandbox.effect_analysis` can measure: melts spread low and wide, squish
rebounds, crush flattens with dark cracks, inflate grows round and shiny, and so on.

Determinism: every random choice is drawn from ``rng`` at the top of the effect, before anything
depends on ``progress``, so a generator seeded the same way on every frame (the intended use: one
``np.random.default_rng(subject_seed)`` per frame) gives fragments, cracks and drips that keep their
identity from frame to frame.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np

from framecast.engine.sandbox.imaging.raster import (
    F32,
    crop_to_alpha,
    ellipse_alpha,
    grid,
    rotate,
    sample,
    smooth_noise,
    smoothstep,
    voronoi,
)
from framecast.engine.sandbox.scene import RGBA, Effect, Layer

__all__ = ["apply_effect"]

Rng = np.random.Generator
_EffectFn = Callable[[RGBA, float, float, float, Rng], list[Layer]]

SKIN = np.array([0.95, 0.76, 0.62], np.float32)
NAIL = np.array([0.99, 0.88, 0.86], np.float32)
CLOTH = np.array([0.62, 0.05, 0.14], np.float32)
GOLD = np.array([1.0, 0.86, 0.35], np.float32)
SPONGE = np.array([0.88, 0.66, 0.36], np.float32)
CREAM = np.array([0.99, 0.96, 0.88], np.float32)
JAM = np.array([0.78, 0.12, 0.22], np.float32)
STEEL = np.array([0.80, 0.83, 0.87], np.float32)
# Fruit-flesh colours for what a peel reveals: saturated enough to stand out from pale grounds too.
_FLESH = np.array([[0.99, 0.82, 0.30], [0.94, 0.45, 0.42], [0.60, 0.86, 0.35]], np.float32)


def apply_effect(
    effect: Effect,
    sprite: RGBA,
    cx: float,
    cy: float,
    progress: float,
    rng: np.random.Generator,
    *,
    z: float = 0.0,
) -> list[Layer]:
    """The layers that show ``sprite`` (premultiplied RGBA, centred at (cx, cy)) ``progress`` of the
    way through ``effect``. Layers carry ``z`` plus small offsets so props sit above or below the
    subject. Sprite coordinates are output pixels; the subject stands on the sprite's bottom edge.
    """
    p = float(min(max(progress, 0.0), 1.0))
    if effect is Effect.NONE or p <= 0.0 or sprite.size == 0:
        return [Layer(sprite, cx, cy, z)]
    tight, x0, y0 = crop_to_alpha(sprite.astype(np.float32, copy=False))
    h, w = sprite.shape[:2]
    tcx = cx - w / 2 + x0 + tight.shape[1] / 2
    tcy = cy - h / 2 + y0 + tight.shape[0] / 2
    if tight.shape[0] < 2 or tight.shape[1] < 2:
        return [Layer(sprite, cx, cy, z)]
    layers = _EFFECTS[Effect(effect)](tight, tcx, tcy, p, rng)
    return [Layer(_valid(la.rgba), la.cx, la.cy, la.z + z) for la in layers if la.rgba.size]


def _valid(rgba: RGBA) -> RGBA:
    """Clamp to premultiplied RGBA (colour never above coverage): glows and shading add light."""
    out = np.clip(rgba, 0.0, 1.0).astype(np.float32, copy=False)
    np.minimum(out[..., :3], out[..., 3:4], out=out[..., :3])
    return out


# --- helpers -------------------------------------------------------------------------------------


def _ease(t: float) -> float:
    t = min(max(t, 0.0), 1.0)
    return t * t * (3.0 - 2.0 * t)


def _mean_colour(s: RGBA) -> F32:
    a = s[..., 3]
    total = float(a.sum())
    if total <= 1e-6:
        return np.array([0.5, 0.5, 0.5], np.float32)
    return np.asarray(s[..., :3].reshape(-1, 3).sum(0) / total, np.float32)


def _paint(colour: F32, alpha: F32, shade: F32 | float = 1.0) -> RGBA:
    """A premultiplied layer of one colour under a coverage map."""
    out = np.empty((*alpha.shape, 4), np.float32)
    out[..., :3] = colour * (alpha * shade)[..., None]
    out[..., 3] = alpha
    return out


def _over(top: RGBA, bottom: RGBA) -> RGBA:
    return top + bottom * (1.0 - top[..., 3:4])


def _disc(canvas: RGBA, colour: F32, cx: float, cy: float, rx: float, ry: float) -> None:
    """Paint an opaque antialiased ellipse over ``canvas`` in place, touching only its box."""
    h, w = canvas.shape[:2]
    x0, x1 = max(int(cx - rx) - 2, 0), min(int(cx + rx) + 3, w)
    y0, y1 = max(int(cy - ry) - 2, 0), min(int(cy + ry) + 3, h)
    if x1 <= x0 or y1 <= y0:
        return
    a = ellipse_alpha(y1 - y0, x1 - x0, cx - x0, cy - y0, rx, ry)[..., None]
    dst = canvas[y0:y1, x0:x1]
    dst *= 1.0 - a
    dst[..., :3] += colour * a
    dst[..., 3:] += a


def _ground_layer(rgba: RGBA, cx: float, ground: float, z: float = 0.0) -> Layer:
    return Layer(rgba, cx, ground - rgba.shape[0] / 2, z)


def _capsule(h: int, w: int, x0: float, x1: float, yc: float, r: float) -> F32:
    """Coverage of a horizontal capsule from x0 to x1 with radius r."""
    xs, ys = grid(h, w)
    px = np.clip(xs, x0, x1)
    d = np.sqrt((xs - px) ** 2 + (ys - yc) ** 2)
    return np.clip(r - d + 0.5, 0.0, 1.0).astype(np.float32)


def _sparkles(h: int, w: int, pts: F32, sizes: F32, strength: F32) -> RGBA:
    """Four-pointed twinkles (a cross of thin diamonds plus a glow) at ``pts``."""
    xs, ys = grid(h, w)
    alpha = np.zeros((h, w), np.float32)
    for (px, py), size, k in zip(pts, sizes, strength, strict=True):
        if k <= 0.01 or size < 1:
            continue
        x0, x1 = max(int(px - size), 0), min(int(px + size) + 1, w)
        y0, y1 = max(int(py - size), 0), min(int(py + size) + 1, h)
        if x1 <= x0 or y1 <= y0:
            continue
        dx = np.abs(xs[:, x0:x1] - px) / size
        dy = np.abs(ys[y0:y1] - py) / size
        star = np.clip(1.0 - (np.sqrt(dx) + np.sqrt(dy)) * 1.1, 0.0, 1.0) * 3.0
        glow = np.clip(1.0 - np.sqrt(dx * dx + dy * dy) * 2.2, 0.0, 1.0)
        alpha[y0:y1, x0:x1] = np.maximum(alpha[y0:y1, x0:x1], np.clip(star + glow, 0, 1) * k)
    colour = np.where(alpha[..., None] > 0.7, np.float32(1.0), GOLD).astype(np.float32)
    out = np.empty((h, w, 4), np.float32)
    out[..., :3] = colour * alpha[..., None]
    out[..., 3] = alpha
    return out


@lru_cache(maxsize=32)
def _cell_boxes(h: int, w: int, key: int, cells: int) -> tuple[tuple[int, int, int, int], ...]:
    labels = voronoi(h, w, key, cells)[0]
    boxes = []
    for k in range(int(labels.max()) + 1):
        m = labels == k
        if not m.any():
            boxes.append((0, 0, 0, 0))
            continue
        rows, cols = np.flatnonzero(m.any(1)), np.flatnonzero(m.any(0))
        boxes.append((int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1))
    return tuple(boxes)


def _pieces(s: RGBA, key: int, cells: int) -> list[tuple[RGBA, float, float]]:
    """The sprite cut into Voronoi pieces: (piece, centre x, centre y) in sprite coordinates."""
    h, w = s.shape[:2]
    labels = voronoi(h, w, key, cells)[0]
    out = []
    for k, (y0, y1, x0, x1) in enumerate(_cell_boxes(h, w, key, cells)):
        if y1 <= y0:
            continue
        piece = s[y0:y1, x0:x1] * (labels[y0:y1, x0:x1] == k)[..., None]
        if float(piece[..., 3].sum()) < 1.0:
            continue
        out.append((piece, (x0 + x1) / 2, (y0 + y1) / 2))
    return out


# --- shape changes -------------------------------------------------------------------------------


def _melt(s: RGBA, cx: float, cy: float, p: float, rng: Rng) -> list[Layer]:
    phase = float(rng.random() * 2 * np.pi)
    drips = rng.random(5).astype(np.float32) - 0.5
    h, w = s.shape[:2]
    m = _ease(p)
    body = 1.0 - 0.72 * m
    width = int(np.ceil(w * (1.0 + 2.0 * m))) + 2
    xs, ys = grid(h, width)
    xr, yb = xs - width / 2, h - ys
    wob = 1.0 + 0.14 * m * np.sin(xr / w * 3.0 * np.pi + phase)
    t = np.clip(yb / (h * body * wob), 0.0, 1.0)
    spread = 1.0 + 1.3 * m * (1.0 - t) ** 2
    out = sample(s, w / 2 + xr / spread, h - yb / (body * wob))
    # Glossy drip streaks running down the body.
    streak = np.zeros_like(xr)
    for d in drips:
        streak = streak + np.exp(-((((xr / w) - d * 0.8) / 0.025) ** 2))
    out[..., :3] += (0.35 * m * np.clip(streak, 0, 1) * (1.0 - t))[..., None] * out[..., 3:4]
    ph = max(3.0, 0.2 * h * m)
    puddle = ellipse_alpha(h, width, width / 2, h - ph / 2, width / 2 - 1, ph / 2) * min(1.0, 2.5 * m)
    _, pys = grid(h, width)
    gloss = 1.0 + 0.25 * np.exp(-(((pys - (h - 0.7 * ph)) / max(ph * 0.15, 0.8)) ** 2))  # a wet sheen
    out = _over(out, _paint(_mean_colour(s), puddle, gloss.astype(np.float32)))
    return [_ground_layer(np.clip(out, 0, 1), cx, cy + h / 2)]


def _squash(s: RGBA, sq: float, widen: float, bulge: float, jag: F32 | None = None) -> RGBA:
    """The sprite compressed to ``sq`` of its height about its bottom edge, ``widen`` wider."""
    h, w = s.shape[:2]
    width = int(np.ceil(w * widen * (1.0 + bulge))) + 2
    xs, ys = grid(h, width)
    xr, yb = xs - width / 2, h - ys
    col = sq if jag is None else sq * (1.0 + jag)
    t = np.clip(yb / (h * col), 0.0, 1.0)
    barrel = 1.0 + bulge * np.sin(np.pi * t)
    return sample(s, w / 2 + xr / (widen * barrel), h - yb / col)


def _squish(s: RGBA, cx: float, cy: float, p: float, rng: Rng) -> list[Layer]:
    h = s.shape[0]
    if p < 0.55:
        sq = 1.0 - 0.52 * _ease(p / 0.55)
    else:
        b = (p - 0.55) / 0.45
        sq = 0.48 + 0.44 * _ease(b) + 0.08 * np.sin(b * 3 * np.pi) * (1 - b)
    out = _squash(s, sq, sq**-0.8, 0.35 * (1.0 - sq))
    return [_ground_layer(out, cx, cy + h / 2)]


def _crush(s: RGBA, cx: float, cy: float, p: float, rng: Rng) -> list[Layer]:
    key = int(rng.integers(2**31))
    h, w = s.shape[:2]
    k = _ease(p / 0.55)
    _, gap, _ = voronoi(h, w, key, 9)
    crack = (gap < max(1.2, 0.014 * max(h, w))) * smoothstep(0.05, 0.3, p)
    cracked = s.copy()
    cracked[..., :3] *= (1.0 - 0.85 * crack)[..., None]
    width = int(np.ceil(w * (1.0 + 0.38 * k))) + 2
    jag = (smooth_noise(1, width, key, 12)[0][None, :] - 0.5) * 0.3 * k
    out = _squash(cracked, 1.0 - 0.78 * k, 1.0 + 0.38 * k, 0.0, jag)
    return [_ground_layer(out, cx, cy + h / 2)]


def _ray_extent(s: RGBA, ccx: float, ccy: float, n: int = 72) -> F32:
    """Distance from (ccx, ccy) to the outermost opaque pixel along ``n`` directions."""
    h, w = s.shape[:2]
    rmax = float(np.hypot(w, h))
    steps = np.linspace(0.0, rmax, max(32, int(rmax / 1.5)), dtype=np.float32)
    th = np.linspace(-np.pi, np.pi, n, endpoint=False, dtype=np.float32)
    px = ccx + np.cos(th)[:, None] * steps[None, :]
    py = ccy + np.sin(th)[:, None] * steps[None, :]
    a = sample(s[..., 3:4], px, py)[..., 0] > 0.5
    last = np.where(a.any(1), a.shape[1] - 1 - np.argmax(a[:, ::-1], axis=1), 0)
    return np.maximum(steps[last], 1.0).astype(np.float32)


def _inflate(s: RGBA, cx: float, cy: float, p: float, rng: Rng) -> list[Layer]:
    h, w = s.shape[:2]
    e = _ease(p)
    a = s[..., 3]
    tot = max(float(a.sum()), 1.0)
    xs0, ys0 = grid(h, w)
    ccx, ccy = float((a * xs0).sum() / tot), float((a * ys0).sum() / tot)
    ext = _ray_extent(s, ccx, ccy)
    n = ext.shape[0]
    radius = np.sqrt(tot / np.pi) * (1.0 + 0.6 * e)
    target = ext * (1.0 + 0.45 * e) * (1 - 0.85 * e) + radius * 0.85 * e
    size = int(np.ceil(2 * target.max())) + 4
    xs, ys = grid(size, size)
    dx, dy = xs - size / 2, ys - size / 2
    th = np.arctan2(dy, dx)
    fi = (th + np.pi) / (2 * np.pi) * n
    i0 = np.floor(fi).astype(np.int64) % n
    fr = (fi - np.floor(fi)).astype(np.float32)
    i1 = (i0 + 1) % n
    tgt = target[i0] * (1 - fr) + target[i1] * fr
    src = ext[i0] * (1 - fr) + ext[i1] * fr
    u = np.sqrt(dx * dx + dy * dy) / tgt
    rs = src * u ** (1.0 + 0.5 * e)
    rs = np.where(u <= 1.0, rs, 1e6)
    out = sample(s, ccx + np.cos(th) * rs, ccy + np.sin(th) * rs)
    r_mean = float(tgt.mean())
    spot = np.exp(-((dx + 0.35 * r_mean) ** 2 + (dy + 0.4 * r_mean) ** 2) / (2 * (0.17 * r_mean) ** 2))
    shade = 1.0 - 0.3 * e * np.clip(u, 0, 1) ** 4
    out[..., :3] = out[..., :3] * shade[..., None] + (0.7 * e * spot)[..., None] * out[..., 3:4]
    down = float(target[int(n * 0.75) % n])  # the ray pointing down (angle +pi/2)
    lift = 0.12 * h * smoothstep(0.6, 1.0, p)
    ground = cy + h / 2
    return [Layer(np.clip(out, 0, 1), cx - w / 2 + ccx, ground - down - lift)]


def _deflate(s: RGBA, cx: float, cy: float, p: float, rng: Rng) -> list[Layer]:
    phase = float(rng.random() * 2 * np.pi)
    side = 1.0 if rng.random() < 0.5 else -1.0
    h, w = s.shape[:2]
    e = _ease(p)
    fx, fy = 1.0 - 0.4 * e, 1.0 - 0.55 * e
    width = w + int(0.2 * w) + 2
    xs, ys = grid(h, width)
    xr, yb = xs - width / 2, h - ys
    t = np.clip(yb / (h * fy), 0.0, 1.0)
    bend = 0.16 * w * e * t**2 * side
    wrinkle = 0.03 * w * e * np.sin(yb / h * 22 + phase) * t
    out = sample(s, w / 2 + (xr - bend - wrinkle) / fx, h - yb / fy)
    folds = 1.0 - 0.32 * e * (0.5 + 0.5 * np.sin(xr / w * 26 + yb / h * 7 + phase))
    out[..., :3] *= folds[..., None]
    return [_ground_layer(out, cx, cy + h / 2)]


def _levitate(s: RGBA, cx: float, cy: float, p: float, rng: Rng) -> list[Layer]:
    phase = float(rng.random() * 2 * np.pi)
    h, w = s.shape[:2]
    e = _ease(p / 0.8)
    rise = 0.6 * h * e + 0.04 * h * np.sin(2 * np.pi * 1.5 * p + phase) * e
    tilt = 0.05 * np.sin(2 * np.pi * 1.2 * p + phase) * e
    body = rotate(s, float(tilt))
    ground = cy + h / 2
    rx, ry = 0.42 * w * (1 - 0.35 * e), max(2.0, 0.07 * w * (1 - 0.35 * e))
    sh_w, sh_h = int(2 * rx + 8), int(2 * ry + 8)
    shadow = ellipse_alpha(sh_h, sh_w, sh_w / 2, sh_h / 2, rx, ry, soft=max(1.5, ry * 0.6))
    shadow_rgba = _paint(np.zeros(3, np.float32), shadow * 0.5 * min(1.0, 3 * e))
    return [Layer(shadow_rgba, cx, ground - 0.03 * h, -0.01), Layer(body, cx, cy - rise, 0.0)]


# --- breaking apart ------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _glow(radius: int) -> RGBA:
    """A white-hot to orange radial glow; cached because every frame of a flash reuses it."""
    size = 2 * radius + 2
    xs, ys = grid(size, size)
    d = np.sqrt((xs - size / 2) ** 2 + (ys - size / 2) ** 2) / max(radius, 1)
    a = (np.clip(1 - d, 0, 1) ** 1.2).astype(np.float32)
    col = np.stack([np.ones_like(d), 0.95 - 0.35 * d, 0.7 - 0.6 * d], -1).astype(np.float32)
    out = np.asarray(np.clip(np.concatenate([col * a[..., None], a[..., None]], -1), 0, 1), np.float32)
    out.setflags(write=False)
    return out


def _explode(s: RGBA, cx: float, cy: float, p: float, rng: Rng) -> list[Layer]:
    key = int(rng.integers(2**31))
    h, w = s.shape[:2]
    pieces = _pieces(s, key, 18)
    jitter = rng.normal(0.0, 0.35, (len(pieces), 2)).astype(np.float32)
    speed = rng.uniform(0.9, 1.7, len(pieces)).astype(np.float32)
    spin = rng.uniform(-6.0, 6.0, len(pieces)).astype(np.float32)
    burst = 0.14
    big = max(h, w)
    if p < burst:
        k = p / burst
        hot = s.copy()
        hot[..., :3] += (np.array([1.0, 0.9, 0.6], np.float32) * s[..., 3:4] - s[..., :3]) * 0.6 * k
        shake = 0.02 * w * k * np.sin(p * 400.0)
        return [Layer(hot, cx + shake, cy)]
    q = (p - burst) / (1 - burst)
    layers: list[Layer] = []
    flash = float(np.exp(-(((q - 0.04) / 0.12) ** 2)))
    if flash > 0.02:
        layers.append(Layer(_glow(int(1.4 * big)) * flash, cx, cy, 0.02))
    fade = 1.0 - smoothstep(0.45, 0.9, q)
    if fade > 0:
        travel = 1.0 - (1.0 - q) ** 2
        for (piece, px, py), jit, sp, om in zip(pieces, jitter, speed, spin, strict=True):
            ox, oy = px - w / 2, py - h / 2
            norm = max(float(np.hypot(ox, oy)), 1e-3)
            d = np.array([ox / norm, oy / norm], np.float32) + jit
            dist = sp * big * 1.4 * travel
            frag = rotate(piece, float(om * q))
            char = 1.0 - 0.55 * min(q * 3, 1.0)
            frag = frag * np.array([char, char * 0.8, char * 0.6, 1.0], np.float32) * fade
            layers.append(Layer(frag, cx + ox + d[0] * dist, cy + oy + d[1] * dist + 0.3 * h * q * q, 0.01))
    return layers


def _crumble(s: RGBA, cx: float, cy: float, p: float, rng: Rng) -> list[Layer]:
    key = int(rng.integers(2**31))
    h, w = s.shape[:2]
    pieces = _pieces(s, key, 30)
    n = len(pieces)
    delay = rng.random(n).astype(np.float32)
    drift = rng.uniform(-1.0, 1.0, n).astype(np.float32)
    rest = rng.random(n).astype(np.float32)
    spin = rng.uniform(-3.0, 3.0, n).astype(np.float32)
    _, gap, _ = voronoi(h, w, key, 30)
    crack = smoothstep(0.0, 0.12, p) * (gap < max(1.0, 0.01 * max(h, w)))
    layers: list[Layer] = []
    fall_time = 0.28
    for (piece, px, py), dl, dr, rs, om in zip(pieces, delay, drift, rest, spin, strict=True):
        start = 0.1 + 0.4 * (py / h) * 0.5 + 0.25 * dl
        ph, pw = piece.shape[:2]
        y0, x0 = int(py - ph / 2), int(px - pw / 2)
        piece = piece.copy()
        piece[..., :3] *= (1.0 - 0.8 * crack[y0 : y0 + ph, x0 : x0 + pw])[..., None]
        dt = max(p - start, 0.0)
        land = h - ph * 0.45 - rs * 0.22 * h
        fall = min(1.0, (dt / fall_time) ** 2)
        y = py + (land - py) * fall
        x = px + (px - w / 2) * 0.7 * min(1.0, dt / 0.4) + dr * 0.25 * w * min(1.0, dt / 0.4)
        frag = rotate(piece, float(om * min(dt, fall_time)), 0.9 if dt > 0 else 1.0)
        dust = 1.0 - 0.2 * min(1.0, dt / 0.3)
        frag = frag * np.array([dust, dust, dust, 1.0], np.float32)
        layers.append(Layer(frag, cx - w / 2 + x, cy - h / 2 + y, 0.0))
    return layers


def _dissolve(s: RGBA, cx: float, cy: float, p: float, rng: Rng) -> list[Layer]:
    key = int(rng.integers(2**31))
    h, w = s.shape[:2]
    coarse, fine = smooth_noise(h, w, key, 6), smooth_noise(h, w, key + 1, 40)
    _, ys = grid(h, w)
    death = 0.06 + 0.8 * (0.45 * coarse + 0.3 * fine + 0.25 * (ys / h))
    alive = np.clip((death - p) / 0.03, 0.0, 1.0)
    body = s * alive[..., None]
    edge = (np.abs(death - p) < 0.04) * alive
    body[..., :3] += np.array([1.0, 0.9, 0.6], np.float32) * (0.7 * edge * s[..., 3])[..., None]
    rise = 0.9 * h
    top = int(np.ceil(rise * 0.6)) + 2
    margin = int(0.1 * w) + 2
    canvas = np.zeros((h + top, w + 2 * margin, 4), np.float32)
    canvas[top:, margin : margin + w] = np.clip(body, 0, 1)
    step = max(2, round(max(h, w) / 80))
    sub = s[::step, ::step]
    yy, xx = np.nonzero(sub[..., 3] > 0.3)
    if yy.size:
        dk = death[::step, ::step][yy, xx]
        age = p - dk
        life = 0.3
        vis = (age > 0) & (age < life)
        yy, xx, age = yy[vis], xx[vis], age[vis]
        cols = sub[yy, xx, :3] / np.maximum(sub[yy, xx, 3:4], 1e-3)
        alpha = (0.9 * (1.0 - age / life))[:, None]
        py = (yy * step + top - age / life * rise * 0.6).astype(np.int64)
        px = (xx * step + margin + np.sin(age * 30 + xx) * 0.04 * w).astype(np.int64)
        dot = max(1, step // 2 + 1)
        rgba = np.concatenate([np.clip(cols * 0.6 + 0.4, 0, 1) * alpha, alpha], 1).astype(np.float32)
        for oy in range(dot):
            for ox in range(dot):
                qy, qx = np.clip(py + oy, 0, canvas.shape[0] - 1), np.clip(px + ox, 0, canvas.shape[1] - 1)
                canvas[qy, qx] = rgba + canvas[qy, qx] * (1 - alpha)
    return [_ground_layer(canvas, cx, cy + h / 2)]


def _decapitate(s: RGBA, cx: float, cy: float, p: float, rng: Rng) -> list[Layer]:
    side = 1.0 if rng.random() < 0.5 else -1.0
    phase = float(rng.random())
    h, w = s.shape[:2]
    xs, ys = grid(h, w)
    saw = np.abs(((xs / max(w * 0.08, 2.0) + phase) % 1.0) - 0.5) * 2 - 0.5
    cut = 0.32 * h + 0.03 * h * saw
    head_mask = (ys < cut).astype(np.float32)
    rows = np.flatnonzero((s[..., 3] * head_mask > 0.05).any(1))
    q = smoothstep(0.12, 0.85, p)
    body = s * (1.0 - head_mask)[..., None]
    mark = (np.abs(ys - cut) < max(1.0, 0.012 * h)) * smoothstep(0.02, 0.12, p)
    body[..., :3] *= (1.0 - 0.6 * mark)[..., None]
    layers = [Layer(body, cx, cy, 0.0)]
    if rows.size:
        hy1 = int(rows[-1]) + 1
        head = (s * head_mask[..., None])[:hy1]
        head, hx0, _ = crop_to_alpha(head)
        hh, hw = head.shape[:2]
        hx, hyc = hx0 + hw / 2 - w / 2, hy1 - hh / 2 - h / 2
        # A tall head tips over onto its side; a wide one (an animal's) rolls a little and lies flat.
        turned = rotate(head, float(side * (1.6 if hh >= hw else 0.5) * q))
        vis = np.flatnonzero((turned[..., 3] > 0.05).any(1))
        below = (vis[-1] + 1 - turned.shape[0] / 2) if vis.size else turned.shape[0] / 2
        land = h / 2 - below  # the turned head comes to rest on the ground, not through it
        hop = 0.25 * h * np.sin(np.pi * min(q * 1.4, 1.0))
        x = hx + side * (0.45 * w + 0.5 * hw) * q
        y = hyc + (land - hyc) * q**2 - hop
        layers.append(Layer(turned, cx + x, cy + y, 0.01))
    return layers


def _tear(s: RGBA, cx: float, cy: float, p: float, rng: Rng) -> list[Layer]:
    phase = float(rng.random())
    h, w = s.shape[:2]
    xs, ys = grid(h, w)
    tri = np.abs(((ys / max(h * 0.09, 2.0) + phase) % 1.0) - 0.5) * 2 - 0.5
    cut = w / 2 + 0.06 * w * tri
    left = (xs < cut).astype(np.float32)
    fibre = (np.abs(xs - cut) < max(1.0, 0.02 * w)) * smoothstep(0.02, 0.12, p)
    torn = s.copy()
    torn[..., :3] += (s[..., 3:4] - s[..., :3]) * (0.6 * fibre)[..., None]
    q = smoothstep(0.1, 0.8, p)
    layers = []
    for mask, sign in ((left, -1.0), (1.0 - left, 1.0)):
        half, hx0, hy0 = crop_to_alpha(torn * mask[..., None])
        hh, hw = half.shape[:2]
        ox, oy = hx0 + hw / 2 - w / 2, hy0 + hh / 2 - h / 2
        piece = rotate(half, float(sign * 0.08 * q))
        layers.append(Layer(piece, cx + ox + sign * 0.36 * w * q, cy + oy + 0.04 * h * q, 0.0))
    return layers


# --- things that appear --------------------------------------------------------------------------


def _eye_pop(s: RGBA, cx: float, cy: float, p: float, rng: Rng) -> list[Layer]:
    look = float(rng.uniform(-1, 1))
    h, w = s.shape[:2]
    vis = s[..., 3] > 0.5
    rows = np.flatnonzero(vis.any(1))
    top, bot = (int(rows[0]), int(rows[-1])) if rows.size else (0, h - 1)
    ey = int(top + 0.3 * (bot - top))
    cols = np.flatnonzero(vis[ey]) if vis[ey].any() else np.array([0, w - 1])
    xa, xb = float(cols[0]), float(cols[-1])
    mid, span = (xa + xb) / 2, max(xb - xa, 0.55 * w)
    r0 = float(np.clip(0.2 * span, 3.0, 0.22 * max(h, w)))
    g = smoothstep(0.05, 0.35, p) * (1.0 + 0.5 * smoothstep(0.4, 0.55, p))
    if p > 0.55:
        g += 0.08 * np.sin((p - 0.55) * 30) * (1 - p)
    r = r0 * g
    pad = int(np.ceil(1.8 * r0)) + 2
    canvas = np.zeros((h + 2 * pad, w + 2 * pad, 4), np.float32)
    canvas[pad : pad + h, pad : pad + w] = s
    pop = smoothstep(0.4, 0.55, p)
    for side in (-1.0, 1.0):
        ex, eyy = pad + mid + side * 0.26 * span, pad + ey - 0.35 * r * pop
        px = ex + look * 0.25 * r
        _disc(canvas, np.array([0.05, 0.05, 0.05], np.float32), ex, eyy, r, r * 1.15)
        _disc(canvas, np.ones(3, np.float32), ex, eyy, r * 0.86, r * 1.15 * 0.88)
        _disc(canvas, np.array([0.02, 0.02, 0.02], np.float32), px, eyy + 0.15 * r, 0.42 * r, 0.46 * r)
        _disc(canvas, np.ones(3, np.float32), px - 0.15 * r, eyy, 0.12 * r, 0.12 * r)
    return [Layer(canvas, cx, cy)]


def _peel(s: RGBA, cx: float, cy: float, p: float, rng: Rng) -> list[Layer]:
    key = int(rng.integers(2**31))
    h, w = s.shape[:2]
    xs, ys = grid(h, w)
    diag = float(np.hypot(w, h))
    ux, uy = -w / diag, h / diag
    sd = (xs - w) * ux + ys * uy  # 0 at the top-right corner, diag at the bottom-left
    fold = 0.85 * diag * _ease(p)
    colour = _mean_colour(s)
    tex = smooth_noise(h, w, key, 24)
    # The inside is a fruit-flesh colour chosen to contrast with the skin, so the reveal shows.
    flesh = _FLESH[int(np.argmax(np.abs(_FLESH - colour).sum(1)))]
    inner = (0.85 * flesh + 0.15 * colour)[None, None, :] * (0.9 + 0.1 * tex)[..., None]
    peeled = (sd < fold)[..., None]
    base = np.where(peeled, np.concatenate([inner * s[..., 3:4], s[..., 3:4]], -1), s).astype(np.float32)
    shadow = ((sd >= fold) & (sd < fold + 0.06 * diag)).astype(np.float32)
    base[..., :3] *= (1.0 - 0.3 * shadow)[..., None]
    refl = sd - fold
    flap_src = sample(s, xs - 2 * refl * ux, ys - 2 * refl * uy)
    flap_ok = ((sd >= fold) & (sd <= 2 * fold)).astype(np.float32)
    flap = flap_src * flap_ok[..., None]
    shade = 0.7 + 0.3 * np.clip(refl / max(fold, 1.0), 0, 1)
    back = (0.5 * colour + 0.5)[None, None, :] * shade[..., None]
    flap[..., :3] = back * flap[..., 3:4]
    return [Layer(np.clip(_over(flap, base), 0, 1), cx, cy)]


def _poke(s: RGBA, cx: float, cy: float, p: float, rng: Rng) -> list[Layer]:
    phase = float(rng.random() * 2 * np.pi)
    h, w = s.shape[:2]
    vis = s[..., 3] > 0.5
    rows = np.flatnonzero(vis.any(1))
    yc = int((rows[0] + rows[-1]) / 2) if rows.size else h // 2
    cols = np.flatnonzero(vis[yc])
    xc = float(cols[-1] + 1) if cols.size else float(w)
    depth_max = 0.14 * w
    if p < 0.35:
        tip = xc + 0.9 * w * (1 - _ease(p / 0.35))
    elif p < 0.6:
        tip = xc - depth_max * _ease((p - 0.35) / 0.15)
    else:
        tip = xc - depth_max + (depth_max + 1.0 * w) * _ease((p - 0.6) / 0.25)
    dent = max(xc - tip, 0.0)
    xs, ys = grid(h, w)
    sigma = 0.14 * max(h, w)
    d2 = (xs - xc) ** 2 + (ys - yc) ** 2
    push = dent * np.exp(-d2 / (2 * sigma * sigma))
    out = sample(s, xs + push, ys)
    if p > 0.4:
        rad = (p - 0.4) * 1.6 * max(h, w)
        lam = 0.07 * max(h, w)
        r = np.sqrt(d2)
        env = np.exp(-(((r - rad) / (1.5 * lam)) ** 2)) * (1.0 - smoothstep(0.6, 1.0, p))
        ripple = 1.0 + 0.25 * env * np.sin(2 * np.pi * (r - rad) / lam + phase)
        out[..., :3] *= ripple[..., None]
    layers = [Layer(np.clip(out, 0, 1), cx, cy, 0.0)]
    fade = smoothstep(0.0, 0.08, p) * (1.0 - smoothstep(0.82, 0.92, p))
    if fade > 0:
        thick = float(np.clip(0.17 * h, 5.0, 0.5 * h))
        length = 1.1 * w
        fh, fw = int(thick + 6), int(length + thick + 6)
        fy = fh / 2
        finger = _capsule(fh, fw, thick / 2 + 2, fw + thick, fy, thick / 2)
        inner = _capsule(fh, fw, thick / 2 + 2, fw + thick, fy, thick / 2 - max(1.0, 0.12 * thick))
        _, fys = grid(fh, fw)
        shade = (1.05 - 0.25 * (fys - (fy - thick / 2)) / thick).astype(np.float32)
        # A darker rim keeps the finger readable against skin-toned backdrops.
        rgba = _over(
            _paint(SKIN, inner * fade, np.broadcast_to(shade, finger.shape)), _paint(SKIN * 0.6, finger * fade)
        )
        nail = ellipse_alpha(fh, fw, thick * 0.95 + 2, fy - thick * 0.12, thick * 0.5, thick * 0.3) * finger
        rgba = _over(_paint(NAIL, nail * fade), rgba)
        layers.append(Layer(np.clip(rgba, 0, 1), cx - w / 2 + tip + fw / 2 - 2, cy - h / 2 + yc, 0.02))
    return layers


def _ta_da(s: RGBA, cx: float, cy: float, p: float, rng: Rng) -> list[Layer]:
    pts_r = rng.random((14, 2)).astype(np.float32)
    twinkle = rng.random(14).astype(np.float32)
    h, w = s.shape[:2]
    ground = cy + h / 2
    cw, chh = int(1.3 * w) + 4, int(1.18 * h) + 4
    layers: list[Layer] = []
    if p < 0.45:
        layers.append(Layer(s, cx, cy, 0.0))
    drop = _ease(p / 0.3)
    lift = _ease((p - 0.55) / 0.2)
    if drop > 0.0 and lift < 1.0:
        xs, ys = grid(chh, cw)
        xn = (xs - cw / 2) / (cw / 2)
        top = 0.02 * chh + 0.16 * h * xn**2
        hem = chh - 1 - 0.03 * h * (1 + np.sin(xn * 9.0))
        cloth = np.clip(ys - top + 0.5, 0, 1) * np.clip(hem - ys + 0.5, 0, 1)
        cloth = (cloth * np.clip((1 - np.abs(xn)) * cw / 4, 0, 1)).astype(np.float32)
        folds = 0.75 + 0.25 * np.sin(xn * 14.0 + 0.4 * ys / h * 4)
        rgba = _paint(CLOTH, cloth * min(1.0, drop * 4), np.broadcast_to(folds, cloth.shape).astype(np.float32))
        trim = (cloth > 0.5) & (ys > hem - 0.05 * h)
        rgba[trim, :3] = GOLD * rgba[trim, 3:4]
        y = ground - chh / 2 - (1 - drop) * 1.2 * h - lift * 1.6 * h
        scale = 1.0 - 0.5 * lift
        if lift > 0:
            rgba = rotate(rgba, 0.4 * lift, scale) * (1.0 - lift)
        layers.append(Layer(rgba, cx + 0.6 * w * lift, y, 0.02))
    if p > 0.5:
        k = 1.0 - smoothstep(0.85, 1.0, p)
        sw, shh = int(1.5 * w) + 4, int(1.3 * h) + 4
        pts = pts_r * np.array([sw, shh], np.float32)
        strength = (k * np.clip(np.sin((p - 0.5) * 25 + twinkle * 6.28) * 0.5 + 0.7, 0, 1)).astype(np.float32)
        sizes = np.full(14, 0.11 * max(h, w) + 3, np.float32) * (0.6 + 0.6 * twinkle)
        layers.append(Layer(_sparkles(shh, sw, pts, sizes, strength), cx, cy - 0.1 * h, 0.03))
    return layers


def _cake_ify(s: RGBA, cx: float, cy: float, p: float, rng: Rng) -> list[Layer]:
    key = int(rng.integers(2**31))
    h, w = s.shape[:2]
    layers: list[Layer] = []
    gap = round(0.36 * w * _ease((p - 0.35) / 0.4))
    shift = round(0.3 * gap)  # the left half moves a little, the right half the rest
    xcut = w // 2
    canvas = np.zeros((h, w + gap, 4), np.float32)
    canvas[:, :xcut] = s[:, :xcut]
    canvas[:, xcut + gap :] = s[:, xcut:]
    line = smoothstep(0.1, 0.3, p) * (1 - smoothstep(0.35, 0.45, p))
    canvas[:, max(xcut - 1, 0) : xcut, :3] *= 1.0 - 0.7 * line
    if gap >= 1:
        inside = s[:, max(xcut - 1, 0) : xcut + 1, 3].max(1)
        rows = np.flatnonzero(inside > 0.5)
        top = int(rows[0]) if rows.size else 0
        band = max(2.0, (h - top) / 7.0)
        k = np.floor((np.arange(h) + 0.5 - top) / band).astype(np.int64)
        pattern = np.stack([CREAM, SPONGE, CREAM, SPONGE, JAM, SPONGE, CREAM, SPONGE])
        cols = pattern[np.clip(k, 0, len(pattern) - 1)]
        crumb = smooth_noise(h, max(gap, 2), key, 30)[:, :gap]
        face = cols[:, None, :] * (0.88 + 0.12 * crumb[..., None])
        face = face * np.linspace(1.0, 0.8, gap, dtype=np.float32)[None, :, None]
        a = np.repeat(inside[:, None], gap, 1).astype(np.float32)
        canvas[:, xcut : xcut + gap] = np.concatenate([face * a[..., None], a[..., None]], -1)
    left_edge = cx - w / 2 - shift
    layers.append(_ground_layer(canvas, left_edge + (w + gap) / 2, cy + h / 2))
    knife_a = smoothstep(0.0, 0.05, p) * (1 - smoothstep(0.35, 0.45, p))
    if knife_a > 0:
        bw = max(4, int(0.06 * w))
        blen, hlen = int(1.1 * h), int(0.35 * h)
        kh, kw = blen + hlen, bw + 4
        xs, ys = grid(kh, kw)
        blade = ((ys >= hlen) & (np.abs(xs - kw / 2) <= bw / 2) & (ys - hlen < blen - (xs - 2) * 0.8)).astype(
            np.float32
        )
        handle = ((ys < hlen) & (np.abs(xs - kw / 2) <= bw / 2 + 1)).astype(np.float32)
        rgba = _over(_paint(np.array([0.25, 0.15, 0.08], np.float32), handle), _paint(STEEL, blade))
        depth = _ease(p / 0.3) - _ease((p - 0.3) / 0.12)
        tip_y = cy - h / 2 - 0.2 * h + depth * 1.2 * h
        layers.append(Layer(rgba * knife_a, cx - w / 2 + xcut, tip_y - kh / 2, 0.02))
    return layers


_EFFECTS: dict[Effect, _EffectFn] = {
    Effect.CAKE_IFY: _cake_ify,
    Effect.CRUMBLE: _crumble,
    Effect.CRUSH: _crush,
    Effect.DECAPITATE: _decapitate,
    Effect.DEFLATE: _deflate,
    Effect.DISSOLVE: _dissolve,
    Effect.EXPLODE: _explode,
    Effect.EYE_POP: _eye_pop,
    Effect.INFLATE: _inflate,
    Effect.LEVITATE: _levitate,
    Effect.MELT: _melt,
    Effect.PEEL: _peel,
    Effect.POKE: _poke,
    Effect.SQUISH: _squish,
    Effect.TA_DA: _ta_da,
    Effect.TEAR: _tear,
}
