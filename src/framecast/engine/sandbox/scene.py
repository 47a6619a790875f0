"""The sandbox world's scene: what the learned generator samples and the renderer draws.

A scene is a short sequence of discrete tokens (setting, light, camera, then per subject: kind,
colour, size, position, motion, gait, speed, effect, effect timing). The generator models that
sequence conditioned on the prompt; the renderer turns it into frames at any size.

Sprites and layers are the renderer's currency: a subject, an image cut-out or an effect fragment is
an RGBA layer placed at a pixel position.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt


class Setting(StrEnum):
    DESERT = "desert"
    NIGHT_SKY = "night_sky"
    OCEAN = "ocean"
    GRASS_FIELD = "grass_field"
    CITY_STREET = "city_street"
    SNOW = "snow"
    FOREST = "forest"
    STUDIO = "studio"


class Light(StrEnum):
    NEUTRAL = "neutral"
    BRIGHT = "bright"
    DUSK = "dusk"
    NIGHT = "night"
    FOGGY = "foggy"
    WARM = "warm"
    COOL = "cool"


class Camera(StrEnum):
    STATIC = "static"
    PAN_LEFT = "pan_left"
    PAN_RIGHT = "pan_right"
    ZOOM_IN = "zoom_in"
    ZOOM_OUT = "zoom_out"
    ORBIT = "orbit"


class Kind(StrEnum):
    BALL = "ball"
    BOX = "box"
    TRIANGLE = "triangle"
    STAR = "star"
    HEART = "heart"
    RING = "ring"
    PERSON = "person"
    DOG = "dog"
    CAT = "cat"
    BIRD = "bird"
    FISH = "fish"
    IMAGE = "image"  # a cut-out of a user's image (Pikascenes, Pikadditions, Pikaswaps)


class Colour(StrEnum):
    RED = "red"
    ORANGE = "orange"
    YELLOW = "yellow"
    GREEN = "green"
    BLUE = "blue"
    PURPLE = "purple"
    PINK = "pink"
    BROWN = "brown"
    BLACK = "black"
    WHITE = "white"
    GREY = "grey"
    CYAN = "cyan"


class Size(StrEnum):
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


class Column(StrEnum):
    """Where a subject starts across the frame."""

    FAR_LEFT = "far_left"
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"
    FAR_RIGHT = "far_right"


class Row(StrEnum):
    """Where a subject starts up the frame: on the ground, midway, in the sky."""

    LOW = "low"
    MID = "mid"
    HIGH = "high"


class Motion(StrEnum):
    STILL = "still"
    LEFT = "left"
    RIGHT = "right"
    UP = "up"
    DOWN = "down"
    TOWARD = "toward"
    AWAY = "away"
    BOUNCE = "bounce"
    SPIN = "spin"
    GROW = "grow"
    SHRINK = "shrink"


class Gait(StrEnum):
    NONE = "none"
    WALK = "walk"
    RUN = "run"


class Speed(StrEnum):
    SLOW = "slow"
    NORMAL = "normal"
    FAST = "fast"


class Effect(StrEnum):
    """The Pikaffects, spelled as the API spells them, plus NONE."""

    NONE = "none"
    CAKE_IFY = "Cake-ify"
    CRUMBLE = "Crumble"
    CRUSH = "Crush"
    DECAPITATE = "Decapitate"
    DEFLATE = "Deflate"
    DISSOLVE = "Dissolve"
    EXPLODE = "Explode"
    EYE_POP = "Eye-pop"
    INFLATE = "Inflate"
    LEVITATE = "Levitate"
    MELT = "Melt"
    PEEL = "Peel"
    POKE = "Poke"
    SQUISH = "Squish"
    TA_DA = "Ta-da"
    TEAR = "Tear"


class Timing(StrEnum):
    """When an effect starts within the clip."""

    EARLY = "early"
    MIDDLE = "middle"
    LATE = "late"


MAX_SUBJECTS = 4


@dataclass(frozen=True)
class Subject:
    kind: Kind
    colour: Colour
    size: Size = Size.MEDIUM
    column: Column = Column.CENTER
    row: Row = Row.LOW
    motion: Motion = Motion.STILL
    gait: Gait = Gait.NONE
    speed: Speed = Speed.NORMAL
    effect: Effect = Effect.NONE
    timing: Timing = Timing.MIDDLE
    image_index: int | None = None  # which input image, when kind is IMAGE


@dataclass(frozen=True)
class Scene:
    setting: Setting
    light: Light
    camera: Camera
    subjects: tuple[Subject, ...] = field(default_factory=tuple)


RGBA = npt.NDArray[np.float32]
"""(h, w, 4) float32, premultiplied alpha, values in [0, 1]."""


@dataclass(frozen=True)
class Layer:
    """An RGBA image placed with its centre at (cx, cy) in output pixels, drawn in z order."""

    rgba: RGBA
    cx: float
    cy: float
    z: float = 0.0
