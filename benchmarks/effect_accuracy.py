"""How often the effect analyzer names each Pikaffect correctly.

Renders every effect on procedural subjects (shapes x colours x backgrounds x seeds), classifies the
clips with :func:`framecast.engine.sandbox.effect_analysis.classify_effect` and prints a per-effect
accuracy table and the confusions. ``--quick`` runs a small subset; ``--seed N`` draws other cases
(the decision list was tuned on seed 7, so any other seed is held out); ``--noise A`` adds +-A grey
levels of noise per pixel, like a decoded MP4; ``--json PATH`` writes every clip's features.

``--renderer`` renders the effects with the sandbox's own
:class:`~framecast.engine.sandbox.render.SceneRenderer` instead (its subject kinds, settings, lights
and effect timings), which is how the world's eval sees them.

``--world`` reproduces the world's eval: random multi-subject scenes
(any motion, camera and setting), half the subjects with an effect, masks from the world's own
analyzers; ``--track`` also passes each subject's known track, and its neighbours', to the classifier;
``--learned`` names the effect with the learned classifier (``effect_model``) instead of the
decision list, as the evaluation does.

    python benchmarks/effect_accuracy.py [--quick] [--seed 7] [--noise 0] [--renderer] [--json feats.json]
    python benchmarks/effect_accuracy.py --world [--track] [--learned] [--quick] [--seed 7] [--scenes 40]
    python benchmarks/effect_accuracy.py --examples [--seed 7] [--scenes 150]
    python benchmarks/effect_accuracy.py --examples --clips held_out.jsonl.gz [--fitted-on a.jsonl.gz ...]

``--examples`` draws clips the way ``framecast sandbox fit-effects`` does (``effect_data``: every
effect at any timing, and now and then a subject with none) from a seed the shipped examples were
not drawn from (they use 101, 202, 303 and 404), and names each effect with both the decision list and the
learned classifier. ``--clips`` reads such clips from a file ``fit-effects --out`` wrote (rendered
once, e.g. ``--seed 7 --seed 11 --scenes 150``), and ``--fitted-on`` names the classifier by the
examples it is grown from (repeat it to compare example sets on the same clips).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "engine" / "sandbox"))

from effect_fixtures import COLOURS, SHAPES, make_background, make_sprite, render_effect

from framecast.engine.sandbox.effect_analysis import EffectFeatures, classify_effect, decide, effect_features
from framecast.engine.sandbox.evaluate import reading_at
from framecast.engine.sandbox.imaging.raster import composite
from framecast.engine.sandbox.scene import (
    Camera,
    Colour,
    Effect,
    Kind,
    Layer,
    Light,
    Motion,
    Scene,
    Setting,
    Size,
    Subject,
    Timing,
)

BACKGROUNDS = ("plain", "grass", "studio", "textured")


def cases(quick: bool, seed: int) -> list[tuple[str, str, str, int]]:
    rng = np.random.default_rng(seed)
    shapes, colours = list(SHAPES), list(COLOURS)
    out = []
    n = 4 if quick else 12
    for i in range(n):
        out.append(
            (
                shapes[i % len(shapes)],
                colours[int(rng.integers(len(colours)))],
                BACKGROUNDS[i % len(BACKGROUNDS)],
                int(rng.integers(1000)),
            )
        )
    return out


def renderer_clip(
    effect: Effect, rng: np.random.Generator, moving: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, str]:
    """A clip of one subject undergoing ``effect`` drawn by the sandbox renderer: (frames, mask of
    the subject in frame 0, per-frame backgrounds, its track, description)."""
    from framecast.engine.sandbox import motion as mo
    from framecast.engine.sandbox.render import SceneRenderer

    kinds = [k for k in Kind if k is not Kind.IMAGE]
    kind = kinds[int(rng.integers(len(kinds)))]
    colour = list(Colour)[int(rng.integers(len(Colour)))]
    setting = list(Setting)[int(rng.integers(len(Setting)))]
    light = list(Light)[int(rng.integers(len(Light)))]
    timing = list(Timing)[int(rng.integers(len(Timing)))]
    size = [Size.MEDIUM, Size.LARGE][int(rng.integers(2))]
    motion = [Motion.LEFT, Motion.RIGHT][int(rng.integers(2))] if moving else Motion.STILL
    subject = Subject(kind, colour, size=size, motion=motion, effect=effect, timing=timing)
    scene = Scene(setting, light, Camera.STATIC, (subject,))
    n = 48
    r = SceneRenderer(scene, 256, 144, 24, n, int(rng.integers(1 << 30)))
    frames = np.stack(list(r.frames()))
    backgrounds = np.stack([r.background(i) for i in range(n)])
    # The subject itself (not its shadow: colourless layers) at frame 0, before any effect starts.
    solid = [
        Layer(np.repeat(la.rgba[..., 3:4], 4, -1), la.cx, la.cy, la.z)
        for la in r.subject_layers(0)
        if float(la.rgba[..., :3].max()) > 1e-3
    ]
    mask = composite(np.zeros((144, 256, 3), np.float32), solid)[..., 0] > 0.5
    path = []
    for t in range(n):
        p = mo.track(subject, t, n, 24, 256, 144, r.placements[0])
        path.append((*r.view(t).to_frame(p.cx, p.cy), p.height * r.view(t).zoom))
    what = f"{colour.value} {kind.value} in {setting.value}/{light.value} {timing.value}"
    return frames, mask, backgrounds, np.asarray(path), what


def world_clips(n: int, seed: int, with_track: bool, learned: bool = False) -> list[tuple[Effect, Effect, str]]:
    """(truth, verdict, description) for effect subjects in ``n`` random eval-like scenes."""
    from framecast.engine.sandbox.analyzers import analyze_clip, render_for_analysis
    from framecast.engine.sandbox.effect_analysis import classify_effect
    from framecast.engine.sandbox.render import SceneRenderer
    from framecast.engine.sandbox.world import random_scene

    w, h, fps, frames_n = 480, 270, 8, 40
    judge = None
    if learned:
        from framecast.engine.sandbox.effect_model import load_effect_classifier

        judge = load_effect_classifier()
    rng = np.random.default_rng(seed)
    effects = [e for e in Effect if e is not Effect.NONE]
    out: list[tuple[Effect, Effect, str]] = []
    for i in range(n):
        base = random_scene(rng)
        subjects = tuple(
            Subject(**{**s.__dict__, "effect": effects[int(rng.integers(len(effects)))]}) if rng.random() < 0.5 else s
            for s in base.subjects
        )
        scene = Scene(base.setting, base.light, base.camera, subjects)
        r = SceneRenderer(scene, w, h, fps, frames_n, i)
        frames, bgs = render_for_analysis(r)
        reading = analyze_clip(frames, bgs)
        tracks = [r.frame_track(q) for q in range(len(subjects))]
        for k, s in enumerate(scene.subjects):
            if s.effect is Effect.NONE or not reading.subjects:
                continue
            path = tracks[k]
            j = reading_at(reading, path[0, 0], path[0, 1])
            others = tracks[:k] + tracks[k + 1 :] if with_track else []
            got = classify_effect(frames, reading.masks[j], bgs, path if with_track else None, others, judge=judge)
            what = f"{s.colour.value} {s.kind.value} {s.motion.value}, {scene.camera.value}, {len(subjects)} subjects"
            out.append((s.effect, got, what))
    return out


def compare_on_examples(scenes: int, seed: int, clips: Path | None, fitted_on: list[Path]) -> None:
    from framecast.engine.sandbox.effect_analysis import pick_effect
    from framecast.engine.sandbox.effect_data import effect_examples
    from framecast.engine.sandbox.effect_model import EFFECT_EXAMPLES_PATH, load_effect_classifier, load_examples

    start = time.perf_counter()
    judges: dict[str, Callable[[EffectFeatures], Effect]] = {"decision list": decide}
    for path in fitted_on or [EFFECT_EXAMPLES_PATH]:
        size = len(load_examples(path))
        judges[f"learned ({path.name}, {size})" if fitted_on else "learned"] = load_effect_classifier(path)
    examples = load_examples(clips) if clips else effect_examples(scenes, seed)
    about = f"from {clips}" if clips else f"from {scenes} scenes, seed {seed}"
    n, n_effects = len(examples), sum(ex.truth is not Effect.NONE for ex in examples)
    print(f"{n} clips ({n_effects} with an effect) {about}, {time.perf_counter() - start:.0f} s")
    width = max(len(name) for name in judges)
    for name, judge in judges.items():
        verdicts = [pick_effect(ex.candidates, judge) for ex in examples]
        all_ok = sum(got is ex.truth for got, ex in zip(verdicts, examples, strict=True))
        eff_ok = sum(got is ex.truth is not Effect.NONE for got, ex in zip(verdicts, examples, strict=True))
        print(f"{name:<{width}}  all {100 * all_ok / n:5.1f} %   effects only {100 * eff_ok / n_effects:5.1f} %")
        if judge is not decide:
            misses = Counter(f"{ex.truth.value} -> {got.value}"
                             for got, ex in zip(verdicts, examples, strict=True) if got is not ex.truth)
            print("  misses:", ", ".join(f"{k} x{v}" for k, v in misses.most_common()))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--noise", type=int, default=0)
    ap.add_argument("--renderer", action="store_true")
    ap.add_argument("--moving", action="store_true", help="with --renderer: subjects walk left/right")
    ap.add_argument("--world", action="store_true")
    ap.add_argument("--track", action="store_true",
                    help="with --world: pass the subjects' tracks (own and neighbours')")
    ap.add_argument("--learned", action="store_true",
                    help="with --world: name effects with the learned classifier instead of the decision list")
    ap.add_argument("--scenes", type=int, default=None,
                    help="with --world (default 40) or --examples (default 150): scenes to draw")
    ap.add_argument("--json")
    ap.add_argument("--examples", action="store_true",
                    help="clips drawn as fit-effects draws them; the decision list against the learned classifier")
    ap.add_argument("--clips", type=Path, default=None,
                    help="with --examples: read the clips from a file `fit-effects --out` wrote instead of rendering")
    ap.add_argument("--fitted-on", type=Path, action="append", default=[],
                    help="with --examples: a classifier grown from these examples instead of the shipped ones "
                         "(repeat to compare several on the same clips)")
    args = ap.parse_args()
    if args.examples:
        compare_on_examples(args.scenes or 150, args.seed, args.clips, args.fitted_on)
        return
    effects = [e for e in Effect if e is not Effect.NONE]
    confusion: dict[Effect, Counter[str]] = {e: Counter() for e in effects}
    rows = []
    start = time.perf_counter()
    noise_rng = np.random.default_rng(args.seed)
    if args.world:
        scenes = 12 if args.quick else args.scenes or 40
        for truth, got, what in world_clips(scenes, args.seed, args.track, args.learned):
            confusion[truth][got.value] += 1
            if got is not truth:
                print(f"  {truth.value} -> {got.value}: {what}")
    if args.renderer:
        rng = np.random.default_rng(args.seed)
        for _ in range(4 if args.quick else 10):
            for effect in effects:
                frames, mask, bgs, path, what = renderer_clip(effect, rng, args.moving)
                if not mask.any():
                    continue
                got = classify_effect(frames, mask, bgs, path)
                confusion[effect][got.value] += 1
                if got is not effect:
                    print(f"  {effect.value} -> {got.value}: {what}")
    for shape, colour, bgname, seed in [] if args.renderer or args.world else cases(args.quick, args.seed):
        rng = np.random.default_rng(seed)
        size = int(rng.integers(36, 80))
        aspect = float(rng.uniform(0.75, 1.3))
        sprite = make_sprite(shape, colour, size, max(8, int(size * aspect)), seed)
        bg = make_background(bgname, 144, 256, seed)
        cx = float(rng.uniform(100, 156))
        frames_n = int(rng.integers(20, 40))
        for effect in effects:
            frames, mask = render_effect(effect, sprite, bg, frames_n, seed, cx=cx, ground=float(rng.uniform(100, 130)))
            if args.noise:
                jitter = noise_rng.integers(-args.noise, args.noise + 1, frames.shape)
                frames = np.clip(frames.astype(int) + jitter, 0, 255).astype(np.uint8)
            feats = effect_features(frames, mask, bg)
            got = decide(feats)
            confusion[effect][got.value] += 1
            rows.append(
                {
                    "effect": effect.value,
                    "shape": shape,
                    "colour": colour,
                    "bg": bgname,
                    "seed": seed,
                    "got": got.value,
                    **feats.as_dict(),
                }
            )
    total = sum(sum(c.values()) for c in confusion.values())
    right = sum(confusion[e][e.value] for e in effects)
    print(f"{'effect':<12} {'accuracy':>8}  confusions")
    for e in effects:
        n = sum(confusion[e].values())
        if n == 0:
            continue
        wrong = ", ".join(f"{k} x{v}" for k, v in confusion[e].most_common() if k != e.value)
        print(f"{e.value:<12} {confusion[e][e.value] / n:8.0%}  {wrong}")
    print(f"{'all':<12} {right / total:8.1%}  ({total} clips, {time.perf_counter() - start:.0f} s)")
    if args.json:
        Path(args.json).write_text(json.dumps(rows))


if __name__ == "__main__":
    main()
