"""Where things are at frame i: subject paths and the camera.

Positions are in *world pixels*: the pixel grid of the first frame of a static camera, so a subject's
path is the same whatever the camera does; :class:`CameraView` maps world pixels to the frame.
Speeds are per second (a longer clip travels further, up to a cap that keeps subjects in frame);
growth, approach and effects are shaped over the clip.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from framecast.engine.sandbox.scene import Camera, Column, Gait, Kind, Motion, Row, Scene, Size, Speed, Subject, Timing

__all__ = [
    "HORIZON",
    "VANISHING_LINE",
    "CameraView",
    "Placement",
    "Pose",
    "body_size",
    "camera_view",
    "effect_progress",
    "layout",
    "track",
]

HORIZON = 0.58  # fraction of the height where ground meets sky, shared with the backdrops
VANISHING_LINE = 0.35  # where the ground plane's perspective converges: the camera looks down on it
GROUND_LINE = 0.84  # where a grounded subject stands
COLUMN_X = {Column.FAR_LEFT: 0.12, Column.LEFT: 0.3, Column.CENTER: 0.5, Column.RIGHT: 0.7, Column.FAR_RIGHT: 0.88}
ROW_Y = {Row.MID: 0.5, Row.HIGH: 0.22}  # centre heights; LOW stands on GROUND_LINE
SIZE_FACTOR = {Size.SMALL: 0.15, Size.MEDIUM: 0.22, Size.LARGE: 0.31}  # of min(width, height)
# A kind's body: height relative to its size, and width relative to that height.
KIND_HEIGHT = {Kind.PERSON: 1.5, Kind.DOG: 0.78, Kind.CAT: 0.8, Kind.BIRD: 0.62, Kind.FISH: 0.6}
KIND_ASPECT = {Kind.PERSON: 0.5, Kind.DOG: 1.45, Kind.CAT: 1.3, Kind.BIRD: 1.55, Kind.FISH: 1.7,
               Kind.TRIANGLE: 1.08, Kind.HEART: 1.08, Kind.STAR: 1.05}
TRAVEL_PER_SECOND = {Speed.SLOW: 0.05, Speed.NORMAL: 0.09, Speed.FAST: 0.15}  # of the width
SPIN_PER_SECOND = {Speed.SLOW: 0.5 * math.pi, Speed.NORMAL: math.pi, Speed.FAST: 2 * math.pi}
BOUNCE_PERIOD = {Speed.SLOW: 1.2, Speed.NORMAL: 0.8, Speed.FAST: 0.5}
SCALE_RATIO = {Speed.SLOW: 1.45, Speed.NORMAL: 1.75, Speed.FAST: 2.1}  # grow and approach, over the clip
EFFECT_START = {Timing.EARLY: 0.12, Timing.MIDDLE: 0.35, Timing.LATE: 0.58}
EFFECT_LENGTH = 0.36  # of the clip
STRIDE = {Gait.WALK: 0.55, Gait.RUN: 0.9}  # body heights per gait cycle
WALKING_KINDS = (Kind.PERSON, Kind.DOG, Kind.CAT)


@dataclass(frozen=True)
class Placement:
    """A subject's starting point in world pixels: x of its centre, y of its base (grounded) or centre."""

    x: float
    y: float
    height: float  # body height in pixels at scale 1
    grounded: bool
    x_lo: float = 0.0  # the span of world x it should stay in (what the camera sees throughout)
    x_hi: float | None = None  # None: the frame width


@dataclass(frozen=True)
class Pose:
    """A subject at one frame, in world pixels.

    ``cx, cy`` is the body's centre, ``height`` its height in pixels (scale included), ``angle_rad``
    its rotation, ``facing`` +1 when it faces right and -1 left, ``phase`` the gait or flap cycle in
    [0, 1), ``squash`` its vertical squash on a bounce landing (1 = none), ``ground_y`` where its
    shadow falls (None when it is too far above the ground to cast one).
    """

    cx: float
    cy: float
    scale: float
    angle_rad: float
    height: float
    facing: float = 1.0
    phase: float = 0.0
    squash: float = 1.0
    ground_y: float | None = None


@dataclass(frozen=True)
class CameraView:
    """Maps world pixels to frame pixels: ``frame = anchor_frame + (world - anchor_world) * zoom``."""

    anchor_x: float
    anchor_y: float
    offset_x: float  # frame x of the anchor minus its world x (the pan)
    zoom: float

    def to_frame(self, x: float, y: float) -> tuple[float, float]:
        fx = self.anchor_x + self.offset_x + (x - self.anchor_x) * self.zoom
        return fx, self.anchor_y + (y - self.anchor_y) * self.zoom

    def to_world(self, fx: float, fy: float) -> tuple[float, float]:
        x = (fx - self.anchor_x - self.offset_x) / self.zoom + self.anchor_x
        return x, (fy - self.anchor_y) / self.zoom + self.anchor_y


def body_size(kind: Kind, size: Size, width: int, height: int) -> tuple[float, float]:
    """(width, height) in pixels of a kind's body at scale 1."""
    h = SIZE_FACTOR[size] * min(width, height) * KIND_HEIGHT.get(kind, 1.0)
    return h * KIND_ASPECT.get(kind, 1.0), h


def _sideways(subject: Subject, x: float, body_height: float, width: int, seconds: float,
              x_lo: float, x_hi: float) -> tuple[float, float]:
    """A sideways mover at world x: the room ahead of it in its span, and how far it travels: as
    far as its speed says over the clip, at most 0.7 of the width and at most the room ahead, but
    never under a quarter of the width (one the layout pushed near the edge leaves the frame rather
    than stand still)."""
    margin = body_height * KIND_ASPECT.get(subject.kind, 1.0) / 2 + 0.02 * width
    room = (x_hi - margin - x) if subject.motion is Motion.RIGHT else (x - x_lo - margin)
    return room, min(TRAVEL_PER_SECOND[subject.speed] * width * seconds, 0.7 * width, max(room, 0.25 * width))


def _start(subject: Subject, width: int, height: int, span: tuple[float, float] | None = None,
           num_frames: int = 120, fps: int = 24) -> Placement:
    """Where the subject's column and row put it; a sideways mover with too little room ahead
    starts further back, so it can travel as far as its speed says."""
    _w, h = body_size(subject.kind, subject.size, width, height)
    lo, hi = span or (0.0, float(width))
    x = lo + COLUMN_X[subject.column] * (hi - lo)
    if subject.motion in (Motion.LEFT, Motion.RIGHT):
        sign = 1.0 if subject.motion is Motion.RIGHT else -1.0
        room, total = _sideways(subject, x, h, width, max(1, num_frames - 1) / fps, lo, hi)
        if room < total:
            x -= sign * (total - room)
    if subject.row is Row.LOW:
        return Placement(x, GROUND_LINE * height, h, True, lo, hi)
    return Placement(x, ROW_Y[subject.row] * height, h, False, lo, hi)


def _frame0_box(
    subject: Subject, p: Placement, width: int, height: int, num_frames: int, fps: int
) -> tuple[float, float, float, float]:
    pose = track(subject, 0, num_frames, fps, width, height, placement=p)
    half_w = pose.height * KIND_ASPECT.get(subject.kind, 1.0) / 2
    return pose.cx - half_w, pose.cy - pose.height / 2, pose.cx + half_w, pose.cy + pose.height / 2


def _bands(boxes: list[tuple[float, float, float, float]], gap: float) -> list[list[int]]:
    """Subjects whose first-frame boxes share a band of height, directly or through others, in
    groups, each ordered left to right (by centre, then by index)."""
    group = list(range(len(boxes)))

    def root(i: int) -> int:
        while group[i] != i:
            i = group[i]
        return i

    for i in range(len(boxes)):
        for j in range(i):
            if boxes[i][1] < boxes[j][3] + gap and boxes[j][1] < boxes[i][3] + gap:
                group[root(i)] = root(j)
    order = sorted(range(len(boxes)), key=lambda i: ((boxes[i][0] + boxes[i][2]) / 2, i))
    bands: dict[int, list[int]] = {}
    for i in order:
        bands.setdefault(root(i), []).append(i)
    return list(bands.values())


def layout(
    scene: Scene,
    width: int,
    height: int,
    num_frames: int = 120,
    fps: int = 24,
    span: tuple[float, float] | None = None,
) -> list[Placement]:
    """Starting placements for the scene's subjects, pushed apart so none overlaps another.

    The column token says where a subject starts; two subjects in one spot, or a crowd wider than
    a portrait frame, would hide each other, so subjects whose first-frame boxes share a band of
    height (directly or through another subject) are spread out (and shrunk when they cannot fit),
    keeping their left-to-right order. A subject's first-frame x need not move one for one with its
    placement (an approaching one starts far off, nearer the middle), so each is moved by what its
    own path makes of the shift. The clip's length matters: a long path starts further back to stay
    in frame. ``span`` is the range of world x the camera shows all clip long (a pan sees less of it
    throughout).
    """
    lo, hi = span or (0.0, float(width))
    places = [_start(s, width, height, (lo, hi), num_frames, fps) for s in scene.subjects]
    gap = 0.05 * min(width, height)

    def boxes_of(ps: list[Placement]) -> list[tuple[float, float, float, float]]:
        return [_frame0_box(s, p, width, height, num_frames, fps) for s, p in zip(scene.subjects, ps, strict=True)]

    for _ in range(8):
        boxes = boxes_of(places)
        # How far each subject's first-frame centre moves per pixel its placement moves.
        nudged = boxes_of([replace(p, x=p.x + 1.0) for p in places])
        gain = [max(0.2, (n[0] + n[2] - b[0] - b[2]) / 2) for b, n in zip(boxes, nudged, strict=True)]
        crowded = False
        for band in _bands(boxes, gap):
            ws = [boxes[i][2] - boxes[i][0] for i in band]
            need = sum(ws) + gap * (len(band) + 1)
            shrink = min(1.0, 0.96 * (hi - lo) / need)
            ws = [w * shrink for w in ws]
            xs = [(boxes[i][0] + boxes[i][2]) / 2 for i in band]
            for k in range(1, len(band)):  # push right, then pull back inside the frame
                xs[k] = max(xs[k], xs[k - 1] + (ws[k - 1] + ws[k]) / 2 + gap)
            overflow = xs[-1] + ws[-1] / 2 - (hi - gap)
            if overflow > 0:
                xs = [x - overflow for x in xs]
            for k in range(len(band) - 2, -1, -1):
                xs[k] = min(xs[k], xs[k + 1] - (ws[k] + ws[k + 1]) / 2 - gap)
            under = ws[0] / 2 + gap + lo - xs[0]
            if under > 0:
                xs = [x + under for x in xs]
            for k, i in enumerate(band):
                p = places[i]
                shift = (xs[k] - (boxes[i][0] + boxes[i][2]) / 2) / gain[i]
                if abs(shift) < 0.01 and shrink == 1.0:
                    continue
                places[i] = Placement(p.x + shift, p.y, p.height * shrink, p.grounded, lo, hi)
                crowded = True
        if not crowded:
            break
    return places


def effect_progress(subject: Subject, i: int, num_frames: int) -> float | None:
    """Where the subject's effect is in its own course at frame i: None before it starts, then 0 → 1."""
    t = i / max(1, num_frames - 1)
    start = EFFECT_START[subject.timing]
    if t < start:
        return None
    return min(1.0, (t - start) / EFFECT_LENGTH)


def _ease(t: float) -> float:
    return t * t * (3 - 2 * t)


def track(
    subject: Subject,
    i: int,
    num_frames: int,
    fps: int,
    width: int,
    height: int,
    placement: Placement | None = None,
) -> Pose:
    """The subject's pose at frame ``i`` in world pixels.

    ``placement`` is where it starts (from :func:`layout`); by default its own column and row.
    """
    p = placement or _start(subject, width, height, None, num_frames, fps)
    x_lo, x_hi = p.x_lo, p.x_hi if p.x_hi is not None else float(width)
    seconds = max(1, num_frames - 1) / fps
    t = i / fps
    u = i / max(1, num_frames - 1)  # progress through the clip
    x, base_y, scale, angle, squash = p.x, p.y, 1.0, 0.0, 1.0
    x_start = x
    half = p.height / 2
    motion, speed = subject.motion, subject.speed
    facing = 1.0
    if motion in (Motion.LEFT, Motion.RIGHT):
        sign = 1.0 if motion is Motion.RIGHT else -1.0
        # Start where the placement says (it left room ahead: see _start) and travel as far as the
        # speed says, up to the span's edge.
        total = _sideways(subject, x, p.height, width, seconds, x_lo, x_hi)[1]
        x = x_start + sign * total * u
        facing = sign
    elif motion in (Motion.UP, Motion.DOWN):
        sign = -1.0 if motion is Motion.UP else 1.0
        centre = base_y - half if p.grounded else base_y
        lo, hi = half + 0.02 * height, height - half - 0.02 * height
        room = (hi - centre) if sign > 0 else (centre - lo)
        total = min(TRAVEL_PER_SECOND[speed] * height * seconds * 1.2, 0.5 * height, max(room, 0.25 * height))
        centre = centre if room >= total else centre - sign * (total - room)
        base_y = centre + sign * total * u + (half if p.grounded else 0.0)
    elif motion in (Motion.TOWARD, Motion.AWAY):
        ratio = SCALE_RATIO[speed]
        if motion is Motion.AWAY:
            ratio = 1 / ratio
        scale = ratio**u
        if p.grounded:
            # Perspective on the ground plane, seen from above: things far off are small and high
            # up, near the vanishing line. An approach ends where the subject stands (at its own
            # size), so it starts that much further off; a retreat starts where it stands.
            vanish = VANISHING_LINE * height
            depth = max(base_y - vanish, 0.05 * height)
            if motion is Motion.TOWARD:
                scale = ratio ** (u - 1)
            base_y = vanish + depth * scale
        else:
            # Off the ground there is no horizon to follow: it comes forward and down (or goes
            # back and up), so approaching never looks like growing in place.
            progress = (scale - 1) / (ratio - 1) if ratio != 1 else 0.0
            base_y = min(max(base_y + 0.16 * height * progress * (1 if ratio > 1 else -1),
                             half * scale + 0.02 * height), height - half * scale - 0.02 * height)
        middle = (x_lo + x_hi) / 2
        x = middle + (x - middle) * scale
        reach = p.height * scale * KIND_ASPECT.get(subject.kind, 1.0) / 2 + 0.02 * width
        x = min(max(x, x_lo + reach), x_hi - reach) if reach < (x_hi - x_lo) / 2 else middle
    elif motion in (Motion.GROW, Motion.SHRINK):
        ratio = SCALE_RATIO[speed]
        scale = (ratio if motion is Motion.GROW else 1 / ratio) ** _ease(u)
    elif motion is Motion.BOUNCE:
        period = BOUNCE_PERIOD[speed]
        phase = (t / period + 0.5) % 1.0  # starts at the top of a bounce
        lift = math.sin(math.pi * phase)
        base_y -= lift * 0.32 * min(width, height) * (1.2 if speed is Speed.FAST else 1.0)
        squash = 1.0 - 0.18 * max(0.0, 1 - lift / 0.2) if lift < 0.2 else 1.0
    elif motion is Motion.SPIN:
        angle = SPIN_PER_SECOND[speed] * t

    h = p.height * scale
    cy = base_y - h * squash / 2 if p.grounded else base_y
    phase = 0.0
    if subject.gait is not Gait.NONE:
        travelled = abs(x - x_start)
        if motion in (Motion.TOWARD, Motion.AWAY):
            travelled = t * TRAVEL_PER_SECOND[speed] * width * 0.5
        phase = (travelled / (STRIDE[subject.gait] * p.height)) % 1.0
    elif subject.kind in (Kind.BIRD, Kind.FISH):
        phase = (t / (0.45 if subject.kind is Kind.BIRD else 0.9)) % 1.0
    ground_y: float | None = None
    if p.grounded:
        # Things that leave the ground keep their shadow where they left it.
        ground_y = p.y if motion in (Motion.UP, Motion.DOWN, Motion.BOUNCE) else base_y
    return Pose(cx=x, cy=cy, scale=scale, angle_rad=angle, height=h, facing=facing, phase=phase, squash=squash,
                ground_y=ground_y)


def _pan_step(width: int, fps: int, num_frames: int, factor: float) -> int:
    """Whole pixels per frame, so a pan never resamples the backdrop and stays sharp."""
    step = round(factor * 0.045 * width / fps)
    cap = int(0.35 * width / max(1, num_frames - 1))
    return max(1, min(step, max(cap, 1)))


def pan_extent(camera: Camera, width: int, fps: int, num_frames: int) -> int:
    """How many world pixels a pan or orbit slides over the whole clip."""
    if camera in (Camera.PAN_LEFT, Camera.PAN_RIGHT):
        return _pan_step(width, fps, num_frames, 1.0) * (num_frames - 1)
    if camera is Camera.ORBIT:
        return _pan_step(width, fps, num_frames, 1.4) * (num_frames - 1)
    return 0


ZOOM_IN_MAX = 1.3
ZOOM_OUT_MIN = 0.78
ORBIT_PUSH = 0.12


def camera_view(
    camera: Camera,
    i: int,
    num_frames: int,
    fps: int,
    width: int,
    height: int,
    anchor: tuple[float, float] | None = None,
) -> CameraView:
    """The camera at frame ``i``. Zooming in closes on ``anchor`` (the first subject) if given."""
    u = i / max(1, num_frames - 1)
    cx, cy = width / 2, height / 2
    if camera in (Camera.PAN_LEFT, Camera.PAN_RIGHT):
        step = _pan_step(width, fps, num_frames, 1.0)
        # Panning left shows what is to the left: the world slides right in the frame.
        return CameraView(cx, cy, float(step * i if camera is Camera.PAN_LEFT else -step * i), 1.0)
    if camera is Camera.ORBIT:
        # An arc around the scene: the world slides past while the camera swings in and out again.
        step = _pan_step(width, fps, num_frames, 1.4)
        return CameraView(cx, cy, float(-step * i), 1.0 + ORBIT_PUSH * math.sin(math.pi * u))
    if camera is Camera.ZOOM_IN:
        ax, ay = anchor if anchor is not None else (cx, cy)
        return CameraView(ax, ay, 0.0, ZOOM_IN_MAX ** _ease(u))
    if camera is Camera.ZOOM_OUT:
        return CameraView(cx, cy, 0.0, ZOOM_OUT_MIN ** _ease(u))
    return CameraView(cx, cy, 0.0, 1.0)
