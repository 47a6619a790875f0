"""A scene as a fixed-layout token sequence, the generator's output language.

Layout: setting, light, camera, then for each subject: kind, colour, size, motion, gait, speed,
effect, timing, row, column. A subject's kind may be END instead, which closes the scene: the
generator decides subject by subject whether the prompt names another one, which is easier to
learn than counting the subjects before drawing any. Every position has its own field, so the
vocabulary is the concatenation of the fields' values and each position may only emit its field's
tokens. Subject fields are ordered so that what the world makes depend on something comes after
it (a walker's motion after its kind, a starting row after the motion that needs it).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from framecast.engine.sandbox.scene import (
    MAX_SUBJECTS,
    Camera,
    Colour,
    Column,
    Effect,
    Gait,
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
from framecast.engine.sandbox.world import GENERATED_KINDS

__all__ = [
    "BOS",
    "FIELDS",
    "FIELD_OF_POSITION",
    "SEQ_LEN",
    "VOCAB_SIZE",
    "Field",
    "decode",
    "encode",
    "length_for_count",
    "stop_tokens",
    "subject_position",
    "valid_mask",
]


@dataclass(frozen=True)
class Field:
    name: str
    values: tuple[object, ...]
    offset: int


END = "end"  # the kind that closes the list of subjects

_HEADER: tuple[tuple[str, tuple[object, ...]], ...] = (
    ("setting", tuple(Setting)),
    ("light", tuple(Light)),
    ("camera", tuple(Camera)),
)
_SUBJECT: tuple[tuple[str, tuple[object, ...]], ...] = (
    ("kind", (*GENERATED_KINDS, END)),
    ("colour", tuple(Colour)),
    ("size", tuple(Size)),
    ("motion", tuple(Motion)),
    ("gait", tuple(Gait)),
    ("speed", tuple(Speed)),
    ("effect", tuple(Effect)),
    ("timing", tuple(Timing)),
    ("row", tuple(Row)),
    ("column", tuple(Column)),
)


def _fields() -> tuple[Field, ...]:
    out: list[Field] = []
    offset = 0
    for name, values in (*_HEADER, *_SUBJECT):
        out.append(Field(name, values, offset))
        offset += len(values)
    return tuple(out)


FIELDS: tuple[Field, ...] = _fields()
_BY_NAME = {f.name: f for f in FIELDS}
VOCAB_SIZE = FIELDS[-1].offset + len(FIELDS[-1].values)
BOS = VOCAB_SIZE  # the input token before the first position; never predicted
HEADER_LEN = len(_HEADER)
SUBJECT_LEN = len(_SUBJECT)
SEQ_LEN = HEADER_LEN + SUBJECT_LEN * MAX_SUBJECTS

FIELD_OF_POSITION: tuple[Field, ...] = tuple(
    FIELDS[p] if p < HEADER_LEN else FIELDS[HEADER_LEN + (p - HEADER_LEN) % SUBJECT_LEN] for p in range(SEQ_LEN)
)

# For each position: the index of its field in FIELDS, and its slot (0 the header, k+1 subject k).
FIELD_INDEX: tuple[int, ...] = tuple(FIELDS.index(f) for f in FIELD_OF_POSITION)
SLOT_INDEX: tuple[int, ...] = tuple(
    0 if p < HEADER_LEN else 1 + (p - HEADER_LEN) // SUBJECT_LEN for p in range(SEQ_LEN)
)


def subject_position(subject: int, field: str) -> int:
    """The position of subject ``subject``'s (from 0) ``field`` in the token sequence."""
    return HEADER_LEN + subject * SUBJECT_LEN + [name for name, _ in _SUBJECT].index(field)


def length_for_count(count: int) -> int:
    """Tokens a scene with ``count`` subjects takes, its closing END included."""
    return HEADER_LEN + SUBJECT_LEN * count + (1 if count < MAX_SUBJECTS else 0)


def is_end(position: int, token: int) -> bool:
    """Whether ``token`` at ``position`` closes the scene."""
    f = FIELD_OF_POSITION[position]
    return f.name == "kind" and f.values[token - f.offset] == END


def stop_tokens() -> list[int]:
    """For each position, the token that closes the scene there (a subject slot's END kind), or -1."""
    out = []
    for f in FIELD_OF_POSITION:
        out.append(f.offset + f.values.index(END) if f.name == "kind" and END in f.values else -1)
    return out


def valid_mask() -> npt.NDArray[np.bool_]:
    """(SEQ_LEN, VOCAB_SIZE): which tokens each position may emit."""
    mask = np.zeros((SEQ_LEN, VOCAB_SIZE), dtype=bool)
    for p, f in enumerate(FIELD_OF_POSITION):
        mask[p, f.offset : f.offset + len(f.values)] = True
    return mask


def _token(field: str, value: object) -> int:
    f = _BY_NAME[field]
    return f.offset + f.values.index(value)


def encode(scene: Scene) -> npt.NDArray[np.int64]:
    """The scene's tokens: its subjects, END after the last (unless there are four), then -1."""
    out = np.full(SEQ_LEN, -1, dtype=np.int64)
    out[0] = _token("setting", scene.setting)
    out[1] = _token("light", scene.light)
    out[2] = _token("camera", scene.camera)
    if len(scene.subjects) < MAX_SUBJECTS:
        out[HEADER_LEN + SUBJECT_LEN * len(scene.subjects)] = _token("kind", END)
    for i, s in enumerate(scene.subjects[:MAX_SUBJECTS]):
        base = HEADER_LEN + i * SUBJECT_LEN
        values: dict[str, object] = {
            "kind": s.kind, "colour": s.colour, "size": s.size, "motion": s.motion, "gait": s.gait,
            "speed": s.speed, "effect": s.effect, "timing": s.timing, "row": s.row, "column": s.column,
        }
        for j, (name, _) in enumerate(_SUBJECT):
            out[base + j] = _token(name, values[name])
    return out


def value_at(tokens: npt.NDArray[np.int64] | list[int], position: int) -> object:
    f = FIELD_OF_POSITION[position]
    return f.values[int(tokens[position]) - f.offset]


def decode(tokens: npt.NDArray[np.int64] | list[int]) -> Scene:
    subjects: list[Subject] = []
    for i in range(MAX_SUBJECTS):
        base = HEADER_LEN + i * SUBJECT_LEN
        if base >= len(tokens) or int(tokens[base]) < 0 or value_at(tokens, base) == END:
            break
        v = {name: value_at(tokens, base + j) for j, (name, _) in enumerate(_SUBJECT)}
        subjects.append(Subject(**v))  # type: ignore[arg-type]
    return Scene(
        setting=value_at(tokens, 0),  # type: ignore[arg-type]
        light=value_at(tokens, 1),  # type: ignore[arg-type]
        camera=value_at(tokens, 2),  # type: ignore[arg-type]
        subjects=tuple(subjects),
    )


def field_values(name: str) -> tuple[object, ...]:
    return _BY_NAME[name].values


def token_of(name: str, value: StrEnum | int) -> int:
    return _token(name, value)
