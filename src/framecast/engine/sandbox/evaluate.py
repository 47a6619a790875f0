"""Evaluation: held-out prompts in, rendered clips measured by the world's analyzers.

Every prompt carries at least one thing no training caption had (a held-out synonym, sentence frame
or combination). The generator samples a scene, the renderer draws it, and the analyzers read the
pixels; each attribute the prompt pins down is checked against what they read: subject colour,
kind, count, motion, setting (and light, camera-independent), and effect through imaging's
:func:`classify_effect`. A second table runs the same analyzers on scenes drawn straight from the
world, where the truth is known: it says how far the measurement itself can be trusted.
"""

from __future__ import annotations

import functools
import itertools
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from framecast.engine.sandbox.analyzers import ClipReading, analyze_clip, render_for_analysis
from framecast.engine.sandbox.captions import EVAL_RATES, Caption, caption
from framecast.engine.sandbox.effect_analysis import (
    EffectFeatures,
    classify_effect,
    decide,
    effect_candidates,
    pick_effect,
)
from framecast.engine.sandbox.render import SceneRenderer
from framecast.engine.sandbox.scene import Colour, Effect, Kind, Light, Motion, Scene, Setting, Subject
from framecast.engine.sandbox.world import SceneSpec, random_scene

__all__ = ["ATTRIBUTES", "RULES_ROW", "EvalReport", "brief_scene", "effect_judge", "evaluate", "evaluate_scenes",
           "reading_at", "render_scene", "subject_tracks", "validate_analyzers"]

ATTRIBUTES = ("colour", "kind", "count", "motion", "setting", "effect", "light")
# On known scenes, the effect also as the hand-written decision list reads it, for comparison.
RULES_ROW = "effect (decision list)"
NOVELTIES = ("synonym", "template", "combination")
SIZE = (480, 270)
FPS = 8
SECONDS = 5


@dataclass
class EvalReport:
    title: str
    counts: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    failures: list[str] = field(default_factory=list)
    prompts: int = 0
    seconds: float = 0.0

    def add(self, attribute: str, ok: bool, novelty: str | None = None, note: str | None = None) -> None:
        for key in (attribute, f"{attribute}/{novelty}") if novelty else (attribute,):
            self.counts[key][0] += int(ok)
            self.counts[key][1] += 1
        if not ok and note is not None and len(self.failures) < 400:
            self.failures.append(f"{attribute}: {note}")

    def accuracy(self, key: str) -> float:
        ok, n = self.counts.get(key, (0, 0))
        return ok / n if n else float("nan")

    def table(self, with_novelty: bool = True) -> str:
        head = "| attribute | accuracy | n |" + ("".join(f" {v} |" for v in NOVELTIES) if with_novelty else "")
        rule = "|---|---|---|" + ("---|" * len(NOVELTIES) if with_novelty else "")
        rows = [head, rule]
        for a in (*ATTRIBUTES, RULES_ROW):
            ok, n = self.counts.get(a, (0, 0))
            if not n:
                continue
            row = f"| {a} | {100 * ok / n:.1f} % | {n} |"
            if with_novelty:
                for v in NOVELTIES:
                    k_ok, k_n = self.counts.get(f"{a}/{v}", (0, 0))
                    row += f" {100 * k_ok / k_n:.0f} % ({k_n}) |" if k_n else " - |"
            rows.append(row)
        return "\n".join(rows)

    def as_dict(self) -> dict[str, object]:
        return {"title": self.title, "prompts": self.prompts, "seconds": round(self.seconds, 1),
                "counts": {k: list(v) for k, v in self.counts.items()}, "failures": self.failures[:60]}


def render_scene(scene: Scene, seed: int) -> tuple[np.ndarray, np.ndarray, SceneRenderer]:
    w, h = SIZE
    renderer = SceneRenderer(scene, w, h, FPS, FPS * SECONDS, seed)
    return (*render_for_analysis(renderer), renderer)


def _tracks_for(tracks: list[np.ndarray], reading: ClipReading, j: int) -> tuple[np.ndarray | None, list[np.ndarray]]:
    """Of the drawn subjects' paths, the one read subject ``j`` stands for (the one starting nearest
    it), and all the others.

    The paths say where the subjects go (so the effect analyzer can follow walks, bounces and the
    camera, and tell a neighbour passing by from the subject), never which effect one shows: that
    is still read from the pixels.
    """
    if not tracks:
        return None, []
    r = reading.subjects[j]
    own = min(range(len(tracks)), key=lambda k: (tracks[k][0, 0] - r.cx) ** 2 + (tracks[k][0, 1] - r.cy) ** 2)
    return tracks[own], tracks[:own] + tracks[own + 1 :]


def subject_tracks(renderer: SceneRenderer) -> list[np.ndarray]:
    return [renderer.frame_track(k) for k in range(len(renderer.scene.subjects))]


def _expected(spec: SceneSpec) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for g in spec.groups:
        for _ in range(min(g.counts)):
            out.append({"kinds": g.spec.kinds, "colour": g.spec.colour, "motion": g.spec.motion,
                        "effect": g.spec.effect})
    return out[:4]


class _Seen(Protocol):
    @property
    def kind(self) -> Kind: ...

    @property
    def colour(self) -> Colour: ...


def _assign(
    expected: list[dict[str, object]], seen: Sequence[_Seen], motions: Sequence[Motion | None] = (),
    effects: Sequence[Effect | None] = (),
) -> list[int | None]:
    """Which seen subject (read from pixels, or drawn in the scene) stands for each expected one:
    the mapping that agrees most on kind and colour.

    Among subjects that look alike (two red fish), the one that moves as the expected one should
    stands for it: "a red fish sinks and a red fish spins" is followed by a clip with one of each,
    whichever of them was found first. ``motions`` are the seen subjects' motions, and ``effects``
    their effects (None where not read), which pick the same way: "two rings pop their eyes, and a
    ring" is followed by two rings doing so and one that does not. They only break ties, never
    outweigh a kind or a colour.
    """
    n = len(seen)
    best: tuple[int, ...] = ()
    best_score = -1.0
    slots = list(range(n)) + [-1] * len(expected)
    for perm in set(itertools.permutations(slots, len(expected))):
        score = 0.0
        for e, j in zip(expected, perm, strict=True):
            if j < 0:
                continue
            r = seen[j]
            kinds = e["kinds"]
            score += 8 * int(kinds is not None and r.kind in kinds)  # type: ignore[operator]
            score += 4 * int(e["colour"] is not None and r.colour == e["colour"]) + 4
            # At most 4 x (0.5 + 0.4) over four subjects: less than one colour.
            score += 0.5 * int(e["motion"] is not None and j < len(motions) and motions[j] == e["motion"])
            score += 0.4 * int(e["effect"] is not None and j < len(effects) and effects[j] == e["effect"])
        if score > best_score:
            best, best_score = perm, score
    return [j if j >= 0 else None for j in best]


@dataclass(frozen=True)
class _Observed:
    """What a clip shows, however it was found out: read from pixels or taken from the scene."""

    setting: Setting
    light: Light
    subjects: Sequence[_Seen]
    motion: Callable[[int], Motion | None]  # of seen subject j
    effect: Callable[[int], Effect]  # of seen subject j; called only where the prompt asks for an effect


@functools.cache
def effect_judge() -> Callable[[EffectFeatures], Effect]:
    """How the evaluation names an effect from the analyzer's features: the learned classifier
    shipped with the package (:mod:`framecast.engine.sandbox.effect_model`)."""
    from framecast.engine.sandbox.effect_model import load_effect_classifier

    return load_effect_classifier()


def _from_pixels(frames: np.ndarray, backgrounds: np.ndarray, reading: ClipReading,
                 renderer: SceneRenderer) -> _Observed:
    tracks = subject_tracks(renderer)

    @functools.cache
    def effect(j: int) -> Effect:
        return classify_effect(frames, reading.masks[j], backgrounds, *_tracks_for(tracks, reading, j),
                               judge=effect_judge())

    return _Observed(
        reading.setting, reading.light, reading.subjects,
        motion=lambda j: reading.motions[j] if reading.motions else None, effect=effect,
    )


def _from_scene(scene: Scene) -> _Observed:
    return _Observed(scene.setting, scene.light, scene.subjects,
                     motion=lambda j: scene.subjects[j].motion, effect=lambda j: scene.subjects[j].effect)


def _check(report: EvalReport, cap: Caption, scene: Scene, seen: _Observed) -> None:
    """Each attribute the caption pins, against what was seen of the clip drawn from ``scene``."""
    spec, novelty = cap.spec, cap.novelty[0] if cap.novelty else None
    note = f"{cap.text!r} -> {brief_scene(scene)}"
    if spec.setting is not None:
        report.add("setting", seen.setting == spec.setting, novelty, f"read {seen.setting.value} | {note}")
    if spec.light is not None:
        report.add("light", seen.light == spec.light, novelty, f"read {seen.light.value} | {note}")
    lo = sum(min(g.counts) for g in spec.groups)
    hi = min(4, sum(max(g.counts) for g in spec.groups))
    count = len(seen.subjects)
    report.add("count", lo <= count <= hi, novelty, f"read {count} | {note}")
    expected = _expected(spec)
    motions = [seen.motion(j) for j in range(len(seen.subjects))]
    effects = _look_alike_effects(expected, seen)
    for e, j in zip(expected, _assign(expected, seen.subjects, motions, effects), strict=True):
        r = seen.subjects[j] if j is not None else None
        kinds = e["kinds"]
        if kinds is not None:
            report.add("kind", r is not None and r.kind in kinds, novelty,  # type: ignore[operator]
                       f"read {r.kind.value if r else None} | {note}")
        if e["colour"] is not None:
            report.add("colour", r is not None and r.colour == e["colour"], novelty,
                       f"read {r.colour.value if r else None} | {note}")
        effect = e["effect"]
        if e["motion"] is not None and effect in (None, Effect.NONE):
            got = seen.motion(j) if j is not None else None
            report.add("motion", got == e["motion"], novelty, f"read {got.value if got else None} | {note}")
        if effect not in (None, Effect.NONE):
            got_effect = seen.effect(j) if j is not None else None
            report.add("effect", got_effect == effect, novelty,
                       f"read {got_effect.value if got_effect else None} | {note}")


def _look_alike_effects(expected: list[dict[str, object]], seen: _Observed) -> list[Effect | None]:
    """The effect of each seen subject that looks like another (the same kind and colour), where
    the prompt asks for an effect: what tells such subjects apart when matching them. Read only
    there, since reading an effect from pixels takes a while; None elsewhere."""
    if all(e["effect"] in (None, Effect.NONE) for e in expected):
        return []
    looks = [(r.kind, r.colour) for r in seen.subjects]
    return [seen.effect(j) if looks.count(looks[j]) > 1 else None for j in range(len(looks))]


def reading_at(reading: ClipReading, x: float, y: float) -> int:
    """Which read subject stands for a drawn one that starts at frame point (x, y): the one whose
    first-frame centre is nearest."""
    return int(np.argmin([(r.cx - x) ** 2 + (r.cy - y) ** 2 for r in reading.subjects]))


def brief_scene(scene: Scene) -> str:
    subjects = ", ".join(f"{s.colour.value} {s.kind.value} {s.motion.value}"
                         + (f" {s.effect.value}" if s.effect is not Effect.NONE else "") for s in scene.subjects)
    return f"{scene.setting.value}/{scene.light.value}/{scene.camera.value}: {subjects}"


def _held_out(sample_scene: Callable[[str, str, int], Scene], n: int, seed: int
              ) -> Iterator[tuple[int, Caption, Scene]]:
    """The held-out prompts both evaluations share, each with the scene sampled for it (seed + i)."""
    rng = np.random.default_rng(seed)
    for i in range(n):
        cap = caption(rng, held_out=True, rates=EVAL_RATES)
        yield i, cap, sample_scene(cap.text, "", seed + i)


def evaluate(
    sample_scene: Callable[[str, str, int], Scene], n: int = 300, seed: int = 2024,
    log: Callable[[str], None] = print,
) -> EvalReport:
    """Accuracy on ``n`` held-out prompts, measured from the rendered pixels."""
    report = EvalReport("held-out prompts")
    started = time.monotonic()
    for i, cap, scene in _held_out(sample_scene, n, seed):
        frames, backgrounds, renderer = render_scene(scene, seed + i)
        needs_motion = any(g.spec.motion is not None for g in cap.spec.groups)
        reading = analyze_clip(frames, backgrounds, with_motion=needs_motion)
        _check(report, cap, scene, _from_pixels(frames, backgrounds, reading, renderer))
        report.prompts += 1
        if (i + 1) % 25 == 0:
            log(f"evaluated {i + 1}/{n} prompts ({time.monotonic() - started:.0f}s)")
    report.seconds = time.monotonic() - started
    return report


def evaluate_scenes(
    sample_scene: Callable[[str, str, int], Scene], n: int = 300, seed: int = 2024,
) -> EvalReport:
    """The generator alone on the same held-out prompts as :func:`evaluate` (same seed, same
    prompts, same scenes): each sampled scene checked against what its prompt pins, no pixels.
    Seconds instead of minutes, and it separates the model's misses from the analyzers'."""
    report = EvalReport("held-out prompts, sampled scenes")
    started = time.monotonic()
    for _, cap, scene in _held_out(sample_scene, n, seed):
        _check(report, cap, scene, _from_scene(scene))
        report.prompts += 1
    report.seconds = time.monotonic() - started
    return report


def draws_table(sample_scene: Callable[[str, str, int], Scene], n: int, seeds: Sequence[int]) -> str:
    """The generator alone on other draws of ``n`` held-out prompts, one column per seed: how far
    one draw's accuracy is from another's."""
    reports = [evaluate_scenes(sample_scene, n=n, seed=seed) for seed in seeds]
    rows = ["| attribute |" + "".join(f" seed {seed} |" for seed in seeds), "|---|" + "---|" * len(seeds)]
    for a in ATTRIBUTES:
        cells = [r.counts.get(a, (0, 0)) for r in reports]
        if any(n_a for _, n_a in cells):
            rows.append(f"| {a} |" + "".join(f" {100 * ok / n_a:.1f} % ({n_a}) |" if n_a else " - |"
                                             for ok, n_a in cells))
    return "\n".join(rows)


def validate_analyzers(n: int = 150, seed: int = 7, log: Callable[[str], None] = print) -> EvalReport:
    """The analyzers' own accuracy on scenes drawn from the world (known truth, no generator)."""
    rng = np.random.default_rng(seed)
    report = EvalReport("analyzers on known scenes")
    started = time.monotonic()
    effects = [e for e in Effect if e is not Effect.NONE]
    for i in range(n):
        scene = random_scene(rng)
        # One subject in four carries an effect, as in the evaluation prompts.
        subjects = tuple(
            Subject(**{**s.__dict__, "effect": effects[int(rng.integers(len(effects)))] if rng.random() < 0.25
                       else Effect.NONE})
            for s in scene.subjects
        )
        scene = Scene(scene.setting, scene.light, scene.camera, subjects)
        frames, backgrounds, renderer = render_scene(scene, i)
        reading = analyze_clip(frames, backgrounds)
        report.add("setting", reading.setting == scene.setting)
        report.add("light", reading.light == scene.light)
        report.add("count", reading.count == len(scene.subjects), note=f"{reading.count} vs {brief_scene(scene)}")
        tracks = subject_tracks(renderer)
        for k, s in enumerate(scene.subjects if reading.subjects else ()):
            path = tracks[k]
            j = reading_at(reading, path[0, 0], path[0, 1])
            r = reading.subjects[j]
            report.add("kind", r.kind == s.kind, note=f"{s.kind.value} read {r.kind.value}")
            report.add("colour", r.colour == s.colour,
                       note=f"{s.colour.value} read {r.colour.value} ({scene.light.value})")
            if s.effect is Effect.NONE:
                report.add("motion", reading.motions[j] == s.motion,
                           note=f"{s.motion.value} read {reading.motions[j].value} "
                                f"({scene.camera.value}, {s.kind.value})")
            else:
                others = tracks[:k] + tracks[k + 1 :]
                candidates = effect_candidates(frames, reading.masks[j], backgrounds, path, others)
                got = pick_effect(candidates, effect_judge())
                report.add(RULES_ROW, pick_effect(candidates, decide) == s.effect)
                report.add("effect", got == s.effect, note=f"{s.effect.value} read {got.value} ({s.kind.value})")
        report.prompts += 1
        if (i + 1) % 25 == 0:
            log(f"validated {i + 1}/{n} scenes ({time.monotonic() - started:.0f}s)")
    report.seconds = time.monotonic() - started
    return report

