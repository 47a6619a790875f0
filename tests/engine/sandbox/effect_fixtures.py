"""Procedural subjects and backgrounds for effect tests and the analyzer's accuracy run."""

from __future__ import annotations

import numpy as np

from framecast.engine.sandbox.effects import apply_effect
from framecast.engine.sandbox.imaging.raster import composite, grid
from framecast.engine.sandbox.scene import Effect, Layer

SHAPES = ("ball", "box", "star", "person", "triangle", "ring", "heart", "fish")
COLOURS: dict[str, tuple[float, float, float]] = {
    "red": (0.85, 0.12, 0.1),
    "blue": (0.15, 0.3, 0.85),
    "yellow": (0.95, 0.85, 0.15),
    "green": (0.2, 0.7, 0.25),
    "white": (0.95, 0.95, 0.95),
    "brown": (0.5, 0.3, 0.15),
    "black": (0.08, 0.08, 0.08),
    "pink": (0.95, 0.55, 0.7),
}


def shape_alpha(kind: str, h: int, w: int) -> np.ndarray:
    xs, ys = grid(h, w)
    u, v = (xs / w) * 2 - 1, (ys / h) * 2 - 1
    if kind == "ball":
        m = u**2 + v**2 <= 0.95
    elif kind == "box":
        m = (np.abs(u) < 0.85) & (np.abs(v) < 0.85)
    elif kind == "triangle":
        m = (v > -0.9) & (v < 0.9) & (np.abs(u) < (v + 0.9) / 1.8 * 0.95)
    elif kind == "ring":
        r = np.sqrt(u**2 + v**2)
        m = (r < 0.95) & (r > 0.5)
    elif kind == "star":
        th = np.arctan2(v, u)
        r = np.sqrt(u**2 + v**2)
        m = r < 0.5 + 0.45 * np.abs(np.cos(2.5 * (th + np.pi / 2)))
    elif kind == "heart":
        x, y = u * 1.2, -v * 1.2 + 0.25
        m = (x**2 + y**2 - 1) ** 3 - x**2 * y**3 <= 0
    elif kind == "person":
        head = (u / 0.3) ** 2 + ((v + 0.72) / 0.22) ** 2 <= 1
        body = (np.abs(u) < 0.42) & (v > -0.5) & (v < 0.35)
        legs = (v >= 0.35) & (np.abs(np.abs(u) - 0.22) < 0.14)
        m = head | body | legs
    elif kind == "fish":
        body = (u / 0.7) ** 2 + (v / 0.5) ** 2 <= 1
        tail = (u > 0.55) & (np.abs(v) < (u - 0.55) * 1.6)
        m = body | tail
    else:
        raise ValueError(kind)
    return np.asarray(m, np.float32)


def make_sprite(kind: str, colour: str, h: int = 60, w: int = 60, seed: int = 0) -> np.ndarray:
    a = shape_alpha(kind, h, w)
    rng = np.random.default_rng(seed)
    base = np.array(COLOURS[colour], np.float32)
    _, ys = grid(h, w)
    shade = 1.0 - 0.25 * (ys / h)  # a little top light so the subject is not a flat decal
    rgb = np.clip(base[None, None] * shade[..., None] + rng.normal(0, 0.015, (h, w, 3)), 0, 1)
    return np.concatenate([rgb * a[..., None], a[..., None]], -1).astype(np.float32)


def make_background(kind: str, h: int, w: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    xs, ys = grid(h, w)
    if kind == "plain":
        out = np.broadcast_to(np.array([0.55, 0.7, 0.85], np.float32), (h, w, 3)).copy()
    elif kind == "grass":
        sky = np.array([0.55, 0.75, 0.95], np.float32)
        grass = np.array([0.3, 0.55, 0.25], np.float32)
        t = (ys > 0.6 * h).astype(np.float32)[..., None]
        out = np.broadcast_to(sky * (1 - t) + grass * t, (h, w, 3)).copy()
        out += rng.normal(0, 0.03, (h, w, 3)).astype(np.float32) * t
    elif kind == "studio":
        out = np.broadcast_to((0.35 + 0.25 * (ys / h))[..., None] * np.ones(3, np.float32), (h, w, 3)).copy()
    else:  # textured: soft stripes and noise
        out = 0.5 + 0.12 * np.sin(xs / 7.0)[..., None] * np.array([1, 0.6, 0.2], np.float32)
        out = np.broadcast_to(out, (h, w, 3)) + rng.normal(0, 0.03, (h, w, 3))
    return np.clip(out, 0, 1).astype(np.float32)


def render_effect(
    effect: Effect,
    sprite: np.ndarray,
    background: np.ndarray,
    frames: int = 24,
    seed: int = 0,
    cx: float | None = None,
    ground: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(frames uint8 (T, H, W, 3), subject mask of frame 0) with progress running 0 -> 1 over the
    middle of the clip and the end state held, as a renderer would."""
    h, w = background.shape[:2]
    sh = sprite.shape[0]
    cx = w / 2 if cx is None else cx
    ground = 0.8 * h if ground is None else ground
    cy = ground - sh / 2
    out = np.empty((frames, h, w, 3), np.uint8)
    for i in range(frames):
        t = i / max(frames - 1, 1)
        prog = min(max((t - 0.1) / 0.75, 0.0), 1.0)
        layers = apply_effect(effect, sprite, cx, cy, prog, np.random.default_rng(seed))
        canvas = background.copy()
        composite(canvas, layers)
        out[i] = (np.clip(canvas, 0, 1) * 255 + 0.5).astype(np.uint8)
    mask_canvas = np.zeros((h, w, 3), np.float32)
    solid = sprite.copy()
    solid[..., :3] = sprite[..., 3:4]
    composite(mask_canvas, [Layer(solid, cx, cy)])
    return out, mask_canvas[..., 0] > 0.5
