"""The sandbox pipeline: prompt → scene (learned) → frames (rendered), on any CPU.

Text-to-video goes through the scene renderer; every other task goes to the image tasks
(:func:`framecast.engine.sandbox.imaging.run_image_task`), which get the sampled scene and the
renderer class to build on. Frames are produced lazily, so encoding overlaps rendering.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import cv2
import numpy as np
import torch

from framecast.catalog.endpoints import Task
from framecast.engine.base import RunControl
from framecast.engine.sandbox import tokens as tk
from framecast.engine.sandbox.camera_phrases import build_camera_gloss
from framecast.engine.sandbox.colour_names import colour_gloss
from framecast.engine.sandbox.destinations import read_along, read_destinations
from framecast.engine.sandbox.effect_phrases import build_effect_gloss
from framecast.engine.sandbox.gloss import TextGloss
from framecast.engine.sandbox.kind_names import kind_gloss
from framecast.engine.sandbox.model import EXACT_STOP_TEMPERATURE, STOP_TEMPERATURE, SceneGenerator, load_generator
from framecast.engine.sandbox.motion_names import motion_gloss
from framecast.engine.sandbox.negations import Negations, negations, read_still
from framecast.engine.sandbox.number_words import exact_counts, number_gloss
from framecast.engine.sandbox.phrasal import read_phrasal
from framecast.engine.sandbox.place_phrases import build_place_gloss
from framecast.engine.sandbox.render import SceneRenderer
from framecast.engine.sandbox.scene import Scene
from framecast.engine.sandbox.similes import Similes, similes
from framecast.engine.sandbox.text import TextEncoder
from framecast.engine.sandbox.travels import read_travels
from framecast.engine.sandbox.viewpoints import read_viewpoints
from framecast.engine.types import Clip, GenerationSpec

__all__ = ["GUIDANCE", "SandboxPipeline", "describe_scene"]

GUIDANCE = 3.0
RENDER_BATCH = 8  # frames between progress reports


def _forced_line(scene: Scene, position: int) -> str:
    """What the generator's checks set at ``position`` of ``scene``'s tokens, as a line for the log."""
    k = tk.SLOT_INDEX[position] - 1
    subject = scene.subjects[k]
    if tk.FIELD_OF_POSITION[position].name == "kind":
        return (f"drew a {subject.kind.value}, which the prompt names and the generator had left out, "
                "as one more subject")
    return (f"gave subject {k + 1} ({subject.kind.value}) the effect {subject.effect.value}, which the prompt names "
            "and its draw had left out")


def describe_scene(scene: Scene) -> str:
    """One human-readable line: what the generator decided."""
    subjects = "; ".join(
        f"{s.size.value} {s.colour.value} {s.kind.value} ({s.motion.value}"
        + (f", {s.gait.value}" if s.gait.value != "none" else "")
        + (f", {s.speed.value}" if s.motion.value != "still" else "")
        + (f", {s.effect.value} {s.timing.value}" if s.effect.value != "none" else "")
        + ")"
        for s in scene.subjects
    )
    return (f"scene: {scene.setting.value.replace('_', ' ')}, {scene.light.value} light, "
            f"{scene.camera.value.replace('_', ' ')} camera; {subjects or 'no subjects'}")


class SandboxPipeline:
    """The built-in model. ``weights`` defaults to the shipped ``scene_generator.safetensors``."""

    name = "sandbox"

    def __init__(self, weights: Path | None = None, guidance: float = GUIDANCE, glosses: bool = True) -> None:
        """``glosses``: follow a word no caption used with what it means in the world, colour names
        by the colour survey (:mod:`~framecast.engine.sandbox.colour_names`), nouns and verbs by
        WordNet (:mod:`~framecast.engine.sandbox.kind_names`, :mod:`~framecast.engine.sandbox.motion_names`),
        number words written as the captions' own by WordNet too ("twin dogs" -> "two dogs":
        :mod:`~framecast.engine.sandbox.number_words`), and an effect or place phrase by the
        training phrase nearest its sentence embedding
        (:mod:`~framecast.engine.sandbox.effect_phrases`, :mod:`~framecast.engine.sandbox.place_phrases`),
        a camera clause by the camera training phrase nearest it, in its place ("the camera loops
        around the subject" draws no ring: :mod:`~framecast.engine.sandbox.camera_phrases`),
        leave likenesses and viewpoints out ("bounces like a ball", "a bird's-eye view":
        :mod:`~framecast.engine.sandbox.similes`, :mod:`~framecast.engine.sandbox.viewpoints`),
        move a negated phrase to the negative prompt ("no dogs") and read a negated move as staying
        still ("a cat that does not move": :mod:`~framecast.engine.sandbox.negations`), and say the
        direction of "toward" a place and of a path across the frame ("toward the sea" is into the
        distance, "from left to right" to the right: :mod:`~framecast.engine.sandbox.destinations`);
        off, the generator reads the prompt alone."""
        # The text encoder and generator are tiny: one thread runs them in tens of milliseconds,
        # while a second OpenMP thread spinning against the MP4 encoder on a two-core machine
        # was measured to make each prompt take seconds. OpenCV, which turns and scales sprites, is
        # held to the rendering thread for the same reason.
        cv2.setNumThreads(1)
        self._generator: SceneGenerator | None = load_generator(weights)
        self._encoder: TextEncoder | None = TextEncoder()
        self._guidance = guidance
        self._glosses: tuple[tuple[str, TextGloss], ...] = ()
        self._similes: Similes | None = similes() if glosses else None
        self._negations: Negations | None = negations() if glosses else None
        if glosses:
            # Embedding the phrase glosses' training phrases is most of loading (about 5 s on one
            # thread); nothing is encoding yet, so it takes two threads (2.6 s, the same embeddings
            # bit for bit; no more, so that machines with more cores compute them alike).
            torch.set_num_threads(min(2, os.cpu_count() or 1))
            embed = self._encoder.sentence_embeddings
            self._glosses = (("the camera phrase", build_camera_gloss(embed)), ("the number word", number_gloss()),
                             ("the colour name", colour_gloss()), ("the noun", kind_gloss()),
                             ("the verb", motion_gloss()), ("the effect phrase", build_effect_gloss(embed)),
                             ("the place", build_place_gloss(embed)))
        torch.set_num_threads(1)
        self._lock = threading.Lock()  # one sampler at a time: torch modules are not re-entrant

    def sample_scene(self, prompt: str, negative_prompt: str = "", seed: int = 0) -> Scene:
        """The scene the generator draws for a prompt; the same seed always draws the same scene."""
        return self._sample(prompt, negative_prompt, seed)[0]

    def _sample(self, prompt: str, negative_prompt: str, seed: int) -> tuple[Scene, list[str]]:
        """The scene, and what the glosses read in the prompts, as lines for the log."""
        if self._generator is None or self._encoder is None:
            raise RuntimeError("the sandbox pipeline was closed")
        prompt, negative_prompt, read = self._negated(prompt or "", negative_prompt)
        with self._lock:
            glossed, read_prompt = self._glossed(prompt, seed)
            read += read_prompt
            text = self._encoder.encode_one(glossed)
            kinds, effects = self._generator.named(text, self._encoder.wordlike(glossed))
            negative = None
            if negative_prompt.strip():
                glossed_negative, read_negative = self._glossed(negative_prompt)
                negative, read = self._encoder.encode_one(glossed_negative), read + read_negative
            # An exact number leaves the count closed: the stop is sampled almost by its likeliest outcome.
            numbers, stop = exact_counts(glossed), STOP_TEMPERATURE
            if numbers:
                stop = EXACT_STOP_TEMPERATURE
                read.append(f"read the exact number{'s' * (len(numbers) > 1)} {', '.join(map(str, numbers))}: "
                            "how many subjects follow is drawn by its likeliest reading")
            forced: dict[int, int] = {}
            tokens = self._generator.sample(text, negative, seed, guidance=self._guidance, effects=effects, kinds=kinds,
                                            stop_temperature=stop, record=forced)
        scene = tk.decode(tokens)
        return scene, read + [_forced_line(scene, position) for position in sorted(forced)]

    def _negated(self, prompt: str, negative_prompt: str) -> tuple[str, str, list[str]]:
        """The prompt without its negations, the negative prompt with them, and log lines for each."""
        if self._negations is None:
            return prompt, negative_prompt, []
        prompt, negated = self._negations.read(prompt)
        read = [f"read {said!r} as not wanted: steering away from it as the negative prompt does" for said in negated]
        return prompt, ", ".join(p for p in (negative_prompt.strip(), *negated) if p), read

    def _glossed(self, text: str, seed: int | None = None) -> tuple[str, list[str]]:
        """``text`` as the generator reads it, and log lines for what was read; with the ``seed``
        (the prompt's, not the negative prompt's) a travel the text leaves open gets its direction."""
        read: list[str] = []
        if self._similes is not None:
            text, left_out = self._similes.read(text)
            read += [f"left out the likeness {said!r}: it says how a subject moves or looks, not that it is there"
                     for said in left_out]
            text, left_out = read_viewpoints(text)
            read += [f"left out the viewpoint {said!r}: it says where the camera looks from, not that it is there"
                     for said in left_out]
            text, toward = read_destinations(text)
            read += [f"read {said!r} as moving {direction.value}: where the subject goes, not the camera"
                     for said, direction in toward]
            text, phrasal = read_phrasal(text)
            read += [f"read {said!r} as the captions' phrase for the same move" for said in phrasal]
            text, along = read_along(text)
            read += [f"read {said!r} as along it: a level way runs across the ground, not downward or upward"
                     for said in along]
            text, stills = read_still(text)
            read += [f"read {said!r} as staying still: the one move it leaves" for said in stills]
            if seed is not None:
                text, travels = read_travels(text, seed)
                read += [f"read {said!r} as travelling {way.value}: the prompt leaves the way open, the seed chose it"
                         for said, way in travels]
        for what, gloss in self._glosses:
            text, found = gloss.read(text)
            read += [f"read {what} {word!r}, which no training caption used, as {meaning.value}"
                     for word, meaning in found]
        return text, read

    def generate(self, spec: GenerationSpec, control: RunControl) -> Clip:
        total = spec.num_frames + 2
        control.step(0, total, "encoding_text")
        scene, read = self._sample(spec.prompt, spec.negative_prompt, spec.seed)
        control.step(1, total, "sampling_scene")
        for line in read:
            control.log(line)
        control.log(describe_scene(scene))
        if spec.task is not Task.TEXT_TO_VIDEO:
            return self._image_task(spec, scene, control)
        control.log("sandbox model: a stylised toy world drawn from the prompt, not a photorealistic video model")
        renderer = SceneRenderer(scene, spec.width, spec.height, spec.fps, spec.num_frames, spec.seed)
        return Clip(
            width=spec.width,
            height=spec.height,
            fps=spec.fps,
            num_frames=spec.num_frames,
            frames=_report(renderer.frames(), spec.num_frames, control),
            metadata={"pipeline": self.name, "scene": _scene_dict(scene)},
        )

    def _image_task(self, spec: GenerationSpec, scene: Scene, control: RunControl) -> Clip:
        try:
            from framecast.engine.sandbox.imaging import run_image_task
        except ImportError as exc:
            raise NotImplementedError(f"the sandbox model cannot do {spec.task.value} yet") from exc
        return run_image_task(spec, scene, SceneRenderer, control)

    def close(self) -> None:
        self._generator = None
        self._encoder = None


def _report(frames: Iterator[np.ndarray], num_frames: int, control: RunControl) -> Iterator[np.ndarray]:
    """Pass frames through, telling ``control`` every few frames (which also checks for cancel)."""
    total = num_frames + 2
    for i, frame in enumerate(frames):
        if i % RENDER_BATCH == 0:
            control.step(2 + i, total, "rendering")
        yield frame
    control.step(total, total, "rendering")


def _scene_dict(scene: Scene) -> dict[str, object]:
    out = asdict(scene)
    out["subjects"] = [{k: v for k, v in s.items() if v is not None} for s in out["subjects"]]
    return out
