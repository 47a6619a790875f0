"""Effects as the analyzer reads them on the world's own scenes: the data the learned effect
classifier (:mod:`framecast.engine.sandbox.effect_model`) is fitted on.

Each scene is drawn from the world, some of its subjects are given a Pikaffect (any of the sixteen,
at any timing), and the clip is rendered and read exactly as the evaluation reads it: masks from
the world's analyzers, each subject's own track and its neighbours', :func:`effect_candidates`. A
subject left without an effect is kept now and then too, so that "nothing happened" stays a
possible answer. The truth is what the scene says, never what a rule read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from framecast.engine.sandbox.analyzers import analyze_clip
from framecast.engine.sandbox.effect_analysis import effect_candidates
from framecast.engine.sandbox.effect_model import EffectExample
from framecast.engine.sandbox.evaluate import reading_at, render_scene, subject_tracks
from framecast.engine.sandbox.scene import Effect, Scene, Timing
from framecast.engine.sandbox.world import random_scene

__all__ = ["effect_examples"]

EFFECT_SHARE = 0.4  # of the subjects given an effect (at least one a scene)
NONE_SHARE = 0.3  # of the scenes that also give one subject without an effect as an example


def effect_examples(scenes: int, seed: int, log: Callable[[str], None] = print) -> list[EffectExample]:
    """Examples from ``scenes`` world scenes drawn with ``seed``."""
    rng = np.random.default_rng(seed)
    effects = [e for e in Effect if e is not Effect.NONE]
    out: list[EffectExample] = []
    for i in range(scenes):
        base = random_scene(rng)
        chosen = rng.random(len(base.subjects)) < EFFECT_SHARE
        if not chosen.any():
            chosen[int(rng.integers(len(chosen)))] = True
        subjects = tuple(
            replace(s, effect=effects[int(rng.integers(len(effects)))], timing=Timing(rng.choice(list(Timing))))
            if c else s
            for s, c in zip(base.subjects, chosen, strict=True)
        )
        scene = Scene(base.setting, base.light, base.camera, subjects)
        asked = [k for k, c in enumerate(chosen) if c]
        plain = [k for k, c in enumerate(chosen) if not c]
        if plain and rng.random() < NONE_SHARE:
            asked.append(plain[int(rng.integers(len(plain)))])
        frames, backgrounds, renderer = render_scene(scene, int(rng.integers(1 << 30)))
        reading = analyze_clip(frames, backgrounds)
        if not reading.subjects:
            continue
        tracks = subject_tracks(renderer)
        for k in asked:
            s = scene.subjects[k]
            j = reading_at(reading, tracks[k][0, 0], tracks[k][0, 1])
            others = tracks[:k] + tracks[k + 1 :]
            candidates = effect_candidates(frames, reading.masks[j], backgrounds, tracks[k], others)
            about = (f"{s.colour.value} {s.kind.value} {s.motion.value} {s.timing.value}, {scene.camera.value}, "
                     f"{scene.setting.value}/{scene.light.value}, {len(subjects)} subjects")
            out.append(EffectExample(s.effect, tuple(candidates), about))
        if (i + 1) % 25 == 0:
            log(f"effect examples: {i + 1}/{scenes} scenes, {len(out)} examples")
    return out
