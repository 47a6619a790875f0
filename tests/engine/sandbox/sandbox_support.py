"""Shared, expensive things for the sandbox tests: loaded once per test session."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TypeVar

import numpy as np

from framecast.catalog.endpoints import Task
from framecast.engine.base import NullControl
from framecast.engine.sandbox.captions import TRAIN_RATES, caption
from framecast.engine.sandbox.pipeline import SandboxPipeline
from framecast.engine.sandbox.render import SceneRenderer
from framecast.engine.sandbox.scene import Colour, Kind, Scene
from framecast.engine.sandbox.wordnet import WordNetTable
from framecast.engine.types import GenerationSpec

G = TypeVar("G")

# Colours and kinds drawn for subjects named in a list ("a red ball and a blue dog").
LISTED_COLOURS = (Colour.RED, Colour.BLUE, Colour.GREEN, Colour.YELLOW, Colour.PURPLE, Colour.ORANGE, Colour.PINK,
                  Colour.WHITE, Colour.BLACK, Colour.BROWN)
LISTED_KINDS = (Kind.BALL, Kind.DOG, Kind.BOX, Kind.CAT, Kind.STAR, Kind.BIRD)
# A subject with a companion, as people write it: the pipeline tests and benchmarks/sandbox_behaviours.py.
COMPANIONS = [
    ("a person with a brown dog walking in a park", {Kind.PERSON, Kind.DOG}),
    ("a girl with her cat on the street", {Kind.PERSON, Kind.CAT}),
    ("a man with a red ball at the beach", {Kind.PERSON, Kind.BALL}),
    ("a dog with a cat in the snow", {Kind.DOG, Kind.CAT}),
    ("a woman with a white bird in a forest", {Kind.PERSON, Kind.BIRD}),
    ("a cat with a fish", {Kind.CAT, Kind.FISH}),
    ("an old man with a grey dog walking slowly", {Kind.PERSON, Kind.DOG}),
    ("a child with a yellow star", {Kind.PERSON, Kind.STAR}),
    ("a red box with a green ball", {Kind.BOX, Kind.BALL}),
    ("a person walking with a dog in the city", {Kind.PERSON, Kind.DOG}),
    ("a dancer with a pink heart", {Kind.PERSON, Kind.HEART}),
]
# Nouns a number word is put before ("three dogs").
COUNTED = ("dogs", "yellow stars", "red balls", "cats", "blue boxes", "birds", "people", "green triangles")


@lru_cache(maxsize=1)
def shipped_pipeline() -> SandboxPipeline:
    return SandboxPipeline()


def shipped_gloss(kind: type[G]) -> G:
    """The shipped pipeline's own gloss of class ``kind``, as it reads prompts (built with the pipeline)."""
    return next(gloss for _, gloss in shipped_pipeline()._glosses if isinstance(gloss, kind))


def render(scene: Scene, width: int = 480, height: int = 270, fps: int = 8, frames: int = 24,
           seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """All frames and their backgrounds, (T, H, W, 3) uint8 each."""
    r = SceneRenderer(scene, width, height, fps, frames, seed)
    return np.stack(list(r.frames())), np.stack([r.background_frame(i) for i in range(frames)])


class LogLines(NullControl):
    """A run control that keeps what the pipeline logs."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def log(self, message: str, level: str = "INFO") -> None:
        self.lines.append(message)


def generation_log(pipeline: SandboxPipeline, prompt: str, seed: int = 0) -> list[str]:
    """What ``pipeline`` logs while making a tiny text-to-video clip of ``prompt``."""
    control = LogLines()
    spec = GenerationSpec("fal-ai/pika/v2.2/text-to-video", Task.TEXT_TO_VIDEO, prompt, "", seed, 64, 36, 8, 2)
    pipeline.generate(spec, control)
    return control.lines


def assert_gloss_logged(prompt: str, what: str, word: str, meaning: str) -> None:
    """The shipped pipeline says how it read ``word`` of ``prompt`` ("the noun 'mackerels' ... as
    fish"); with the glosses off, it reads nothing."""
    lines = generation_log(shipped_pipeline(), prompt)
    assert any(f"{what} {word!r}" in line and line.endswith(f"as {meaning}") for line in lines), lines
    plain = generation_log(SandboxPipeline(glosses=False), prompt)
    assert plain and not any("which no training caption used" in line for line in plain), plain


def assert_drawn_alone(prompt: str, left_out: Kind, kinds: list[Kind], logged: str, seeds: int = 10) -> None:
    """Read as written (no glosses), ``prompt`` draws a ``left_out`` it names only in passing; the
    shipped pipeline draws exactly ``kinds`` and logs a line starting with ``logged``."""
    plain = SandboxPipeline(glosses=False)
    assert all(left_out in {s.kind for s in plain.sample_scene(prompt, "", seed).subjects} for seed in range(3))
    p = shipped_pipeline()
    for seed in range(seeds):
        assert [s.kind for s in p.sample_scene(prompt, "", seed).subjects] == kinds, seed
    assert any(line.startswith(logged) for line in generation_log(p, prompt))


def assert_training_captions_unchanged(gloss: Callable[[str], str], seeds: tuple[int, ...] = (11, 2024),
                                       count: int = 3000) -> None:
    """``gloss`` leaves every training caption of ``count`` per seed as it is: the generator is then
    trained exactly as without it, and no word a caption uses is ever read by it."""
    for seed in seeds:
        rng = np.random.default_rng(seed)
        changed = [c.text for c in (caption(rng, held_out=False, rates=TRAIN_RATES) for _ in range(count))
                   if gloss(c.text) != c.text]
        assert changed == []


def table_of(senses: dict[str, tuple[int | str, ...]], synsets: dict[int, tuple[str, tuple[int, ...]]]
             ) -> WordNetTable:
    """A WordNet table from words' senses and synsets given as (lexicographer file, hypernyms)."""
    return WordNetTable({s: lex for s, (lex, _) in synsets.items()}, {s: up for s, (_, up) in synsets.items()},
                        senses, frozenset())
