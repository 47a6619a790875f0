"""The world's prior: how likely each scene is, and how to complete what a caption leaves open.

A caption pins some attributes (a :class:`SceneSpec`) and leaves the rest open. Training pairs a
caption with a fresh completion each time it is seen, so the generator learns both to obey what is
said and to spread what is not over the world's prior. The prior keeps scenes coherent: walkers
walk somewhere, birds start high, things that fall start up in the air, two subjects never share a
starting spot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

import numpy as np

from framecast.engine.sandbox.scene import (
    MAX_SUBJECTS,
    Camera,
    Colour,
    Column,
    Effect,
    Gait,
    Kind,
    Light,
    Motion,
    Row,
    Scene,
    Setting,
    Size,
    Speed,
    Subject,
    Timing,
)

__all__ = [
    "ANIMALS",
    "GENERATED_KINDS",
    "SHAPES",
    "WALKERS",
    "Group",
    "SceneSpec",
    "SubjectSpec",
    "complete",
    "random_scene",
]

GENERATED_KINDS: tuple[Kind, ...] = tuple(k for k in Kind if k is not Kind.IMAGE)
SHAPES: tuple[Kind, ...] = (Kind.BALL, Kind.BOX, Kind.TRIANGLE, Kind.STAR, Kind.HEART, Kind.RING)
ANIMALS: tuple[Kind, ...] = (Kind.DOG, Kind.CAT, Kind.BIRD, Kind.FISH)
WALKERS: tuple[Kind, ...] = (Kind.PERSON, Kind.DOG, Kind.CAT)
ANIMATE: tuple[Kind, ...] = (Kind.PERSON, *ANIMALS)
TRAVEL: tuple[Motion, ...] = (Motion.LEFT, Motion.RIGHT, Motion.TOWARD, Motion.AWAY)

E = TypeVar("E")


@dataclass(frozen=True)
class SubjectSpec:
    """What a caption says about one subject; ``None`` is open. ``kinds`` may allow several."""

    kinds: tuple[Kind, ...] | None = None
    colour: Colour | None = None
    size: Size | None = None
    column: Column | None = None
    row: Row | None = None
    motion: Motion | None = None
    gait: Gait | None = None
    speed: Speed | None = None
    effect: Effect | None = None
    timing: Timing | None = None


@dataclass(frozen=True)
class Group:
    """Subjects named by one phrase: "a red ball" is one, "several dogs" is two to four."""

    spec: SubjectSpec
    counts: tuple[int, ...] = (1,)


@dataclass(frozen=True)
class SceneSpec:
    setting: Setting | None = None
    light: Light | None = None
    camera: Camera | None = None
    groups: tuple[Group, ...] = ()
    # When no subject is named the number of subjects is open too.
    open_counts: tuple[int, ...] = (0, 1, 2)
    open_count_weights: tuple[float, ...] = (0.3, 0.45, 0.25)

    @property
    def names_subjects(self) -> bool:
        return bool(self.groups)


_SETTING_LIGHT: dict[Setting, dict[Light, float]] = {
    Setting.NIGHT_SKY: {Light.NIGHT: 0.55, Light.DUSK: 0.2, Light.COOL: 0.15, Light.WARM: 0.05, Light.FOGGY: 0.05},
    Setting.STUDIO: {Light.NEUTRAL: 0.4, Light.BRIGHT: 0.2, Light.WARM: 0.15, Light.COOL: 0.15, Light.DUSK: 0.04,
                     Light.NIGHT: 0.03, Light.FOGGY: 0.03},
    Setting.SNOW: {Light.NEUTRAL: 0.25, Light.BRIGHT: 0.2, Light.COOL: 0.2, Light.DUSK: 0.1, Light.NIGHT: 0.08,
                   Light.FOGGY: 0.12, Light.WARM: 0.05},
}
_DEFAULT_LIGHT = {Light.NEUTRAL: 0.3, Light.BRIGHT: 0.2, Light.DUSK: 0.15, Light.NIGHT: 0.08, Light.FOGGY: 0.09,
                  Light.WARM: 0.09, Light.COOL: 0.09}
_CAMERA = {Camera.STATIC: 0.5, Camera.PAN_LEFT: 0.1, Camera.PAN_RIGHT: 0.1, Camera.ZOOM_IN: 0.1,
           Camera.ZOOM_OUT: 0.1, Camera.ORBIT: 0.1}
_SIZE = {Size.SMALL: 0.3, Size.MEDIUM: 0.45, Size.LARGE: 0.25}
_SPEED = {Speed.SLOW: 0.25, Speed.NORMAL: 0.5, Speed.FAST: 0.25}
_MOTION_FREE = {Motion.STILL: 0.14, Motion.LEFT: 0.12, Motion.RIGHT: 0.12, Motion.UP: 0.07, Motion.DOWN: 0.07,
                Motion.TOWARD: 0.07, Motion.AWAY: 0.07, Motion.BOUNCE: 0.1, Motion.SPIN: 0.08, Motion.GROW: 0.08,
                Motion.SHRINK: 0.08}
_MOTION_BIRD = {Motion.LEFT: 0.3, Motion.RIGHT: 0.3, Motion.UP: 0.1, Motion.DOWN: 0.08, Motion.STILL: 0.07,
                Motion.TOWARD: 0.05, Motion.AWAY: 0.05, Motion.SPIN: 0.05}
_MOTION_TRAVEL = {Motion.LEFT: 0.35, Motion.RIGHT: 0.35, Motion.TOWARD: 0.15, Motion.AWAY: 0.15}
_ROW_BY_KIND: dict[Kind, dict[Row, float]] = {
    Kind.BIRD: {Row.HIGH: 0.6, Row.MID: 0.3, Row.LOW: 0.1},
    Kind.FISH: {Row.MID: 0.5, Row.LOW: 0.3, Row.HIGH: 0.2},
    Kind.PERSON: {Row.LOW: 0.9, Row.MID: 0.1},
    Kind.DOG: {Row.LOW: 0.9, Row.MID: 0.1},
    Kind.CAT: {Row.LOW: 0.9, Row.MID: 0.1},
}
_ROW_SHAPE = {Row.LOW: 0.6, Row.MID: 0.25, Row.HIGH: 0.15}


def _draw(rng: np.random.Generator, weights: Mapping[E, float], allowed: Sequence[E] | None = None) -> E:
    items = [k for k in weights if allowed is None or k in allowed]
    if not items:  # the constraint rules out the whole prior: fall back to anything allowed
        assert allowed
        items = list(allowed)
        p = np.full(len(items), 1.0 / len(items))
    else:
        p = np.array([weights[k] for k in items], dtype=np.float64)
        p /= p.sum()
    return items[int(rng.choice(len(items), p=p))]


def _uniform(rng: np.random.Generator, items: Sequence[E]) -> E:
    return items[int(rng.integers(len(items)))]


def _light_given(setting: Setting) -> dict[Light, float]:
    return _SETTING_LIGHT.get(setting, _DEFAULT_LIGHT)


def _setting_given(light: Light) -> dict[Setting, float]:
    return {s: _light_given(s).get(light, 0.0) + 1e-3 for s in Setting}


@dataclass
class _Slots:
    """Starting cells already taken, so subjects do not start on top of each other."""

    taken: set[tuple[Row, Column]] = field(default_factory=set)

    def free_columns(self, row: Row) -> list[Column]:
        return [c for c in Column if (row, c) not in self.taken]


def _complete_subject(spec: SubjectSpec, rng: np.random.Generator, slots: _Slots) -> Subject:
    motion, gait = spec.motion, spec.gait
    kinds = spec.kinds or GENERATED_KINDS
    if gait in (Gait.WALK, Gait.RUN) or (motion in TRAVEL and gait is None and rng.random() < 0.5):
        kinds = tuple(k for k in kinds if k in WALKERS) or kinds
    kind = _uniform(rng, kinds)

    if motion is None:
        if gait in (Gait.WALK, Gait.RUN):
            motion = _draw(rng, _MOTION_TRAVEL)
        elif kind is Kind.BIRD:
            motion = _draw(rng, _MOTION_BIRD)
        else:
            motion = _draw(rng, _MOTION_FREE)
    if gait is None:
        gait = (Gait.WALK if rng.random() < 0.65 else Gait.RUN) if kind in WALKERS and motion in TRAVEL else Gait.NONE
    speed = spec.speed
    if speed is None:
        speed = _draw(rng, {Speed.NORMAL: 0.4, Speed.FAST: 0.6}) if gait is Gait.RUN else _draw(rng, _SPEED)
    if motion is Motion.STILL and spec.speed is None:
        speed = Speed.NORMAL  # speed means nothing for a still subject; keep it out of the entropy

    row = spec.row
    if row is None:
        if motion is Motion.DOWN:
            allowed_rows: Sequence[Row] = (Row.HIGH, Row.MID)
        elif motion in (Motion.UP, Motion.BOUNCE) or gait is not Gait.NONE or motion in (Motion.TOWARD, Motion.AWAY):
            allowed_rows = (Row.LOW,) if kind in WALKERS or motion is Motion.BOUNCE else (Row.LOW, Row.MID)
        else:
            allowed_rows = tuple(Row)
        row = _draw(rng, _ROW_BY_KIND.get(kind, _ROW_SHAPE), allowed_rows)
    column = spec.column
    if column is None:
        free = slots.free_columns(row) or list(Column)
        column = _uniform(rng, free)
    slots.taken.add((row, column))

    effect = spec.effect if spec.effect is not None else Effect.NONE
    timing = spec.timing
    if timing is None:
        timing = _uniform(rng, tuple(Timing)) if effect is not Effect.NONE else Timing.MIDDLE
    return Subject(
        kind=kind,
        colour=spec.colour if spec.colour is not None else _uniform(rng, tuple(Colour)),
        size=spec.size if spec.size is not None else _draw(rng, _SIZE),
        column=column,
        row=row,
        motion=motion,
        gait=gait,
        speed=speed,
        effect=effect,
        timing=timing,
    )


def complete(spec: SceneSpec, rng: np.random.Generator, groups_out: list[int] | None = None) -> Scene:
    """A scene that agrees with everything ``spec`` says, drawn from the prior for the rest.

    ``groups_out``, if given, receives for each subject the index of the group that named it.
    """
    if spec.setting is None:
        setting = _draw(rng, _setting_given(spec.light)) if spec.light is not None else _uniform(rng, tuple(Setting))
    else:
        setting = spec.setting
    light = spec.light if spec.light is not None else _draw(rng, _light_given(setting))
    camera = spec.camera if spec.camera is not None else _draw(rng, _CAMERA)

    specs: list[SubjectSpec] = []
    if spec.groups:
        budget = MAX_SUBJECTS
        # Each group leaves room for the smallest count of every group named after it, so "a group of
        # boxes and a dog" never lets the boxes take the dog's place.
        reserved = sum(min(g.counts) for g in spec.groups)
        for index, group in enumerate(spec.groups):
            reserved -= min(group.counts)
            room = budget - reserved
            counts = [c for c in group.counts if c <= room] or [min(group.counts)]
            n = min(_uniform(rng, counts), budget)
            specs.extend([group.spec] * n)
            if groups_out is not None:
                groups_out.extend([index] * n)
            budget -= n
    else:
        p = np.array(spec.open_count_weights, dtype=np.float64)
        n = int(spec.open_counts[int(rng.choice(len(p), p=p / p.sum()))])
        specs.extend([SubjectSpec()] * n)

    slots = _Slots()
    # Subjects whose position is pinned claim their cells first.
    for s in specs:
        if s.row is not None and s.column is not None:
            slots.taken.add((s.row, s.column))
    subjects = tuple(_complete_subject(s, rng, slots) for s in specs)
    return Scene(setting=setting, light=light, camera=camera, subjects=subjects)


def random_scene(rng: np.random.Generator) -> Scene:
    """Any scene of the world, with one to four subjects."""
    n = int(rng.integers(1, MAX_SUBJECTS + 1))
    return complete(SceneSpec(groups=(Group(SubjectSpec(), (n,)),)), rng)


def with_effect(spec: SubjectSpec, effect: Effect, timing: Timing | None = None) -> SubjectSpec:
    return replace(spec, effect=effect, timing=timing)
