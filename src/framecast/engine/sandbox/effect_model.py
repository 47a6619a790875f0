"""A learned reading of the effect analyzer's features: which Pikaffect a subject's clip shows.

The hand-written decision list (:func:`framecast.engine.sandbox.effect_analysis.decide`) names the
effect right on most clips, and its misses on the world's own scenes are spread over many pairs of
effects, each a corner where one threshold does not fit every kind, light and neighbour. A random
forest over the same features, fitted on clips of the world's scenes whose effects are known
(:mod:`framecast.engine.sandbox.effect_data`), places those thresholds per corner instead. It never
sees the generator's output.

What ships is the examples, not a pickled forest: ``weights/effect_examples.jsonl.gz`` holds the
features and true effect of each clip, and the forest is grown from them (seeded, about two
seconds) the first time it is needed. ``framecast sandbox fit-effects`` renders the examples again.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np

from framecast.engine.sandbox.effect_analysis import EffectFeatures, decide, pick_index
from framecast.engine.sandbox.scene import Effect
from framecast.errors import ConfigurationError

__all__ = [
    "EFFECT_EXAMPLES_PATH",
    "EffectClassifier",
    "EffectExample",
    "chosen_candidate",
    "cross_validate",
    "fit_effect_classifier",
    "load_effect_classifier",
    "load_examples",
    "save_examples",
]

EFFECT_EXAMPLES_PATH = Path(__file__).parent / "weights" / "effect_examples.jsonl.gz"
FEATURES = tuple(f.name for f in fields(EffectFeatures))
TREES = 500
_REBUILD = "rebuild it with `framecast sandbox fit-effects`"


@dataclass(frozen=True)
class EffectExample:
    truth: Effect
    candidates: tuple[EffectFeatures, ...]  # as effect_candidates measured them
    about: str  # the subject and its scene, for reading the misses


def chosen_candidate(example: EffectExample) -> EffectFeatures:
    """The candidate the analyzer goes by (see :func:`pick_effect`), as the decision list picks it:
    the one the classifier is fitted on."""
    return example.candidates[pick_index(example.candidates, decide)]


def save_examples(examples: Iterable[EffectExample], path: Path) -> None:
    """JSON lines, gzipped when the name ends in ``.gz``."""
    lines = [json.dumps({"truth": ex.truth.value, "about": ex.about,
                         "candidates": [c.as_dict() for c in ex.candidates]}) for ex in examples]
    data = ("\n".join(lines) + "\n").encode()
    # mtime=0: the same examples give the same bytes.
    Path(path).write_bytes(gzip.compress(data, mtime=0) if str(path).endswith(".gz") else data)


def load_examples(path: Path) -> list[EffectExample]:
    raw = Path(path).read_bytes()
    text = (gzip.decompress(raw) if str(path).endswith(".gz") else raw).decode()
    out = []
    for line in text.splitlines():
        row = json.loads(line)
        if not row["candidates"]:
            raise ValueError("an example without any measured body")
        out.append(EffectExample(Effect(row["truth"]), tuple(EffectFeatures(**c) for c in row["candidates"]),
                                 row["about"]))
    return out


def _matrix(features: Sequence[EffectFeatures]) -> np.ndarray:
    return np.array([[getattr(f, name) for name in FEATURES] for f in features], np.float64).reshape(-1, len(FEATURES))


class EffectClassifier:
    """Features -> effect, a drop-in for :func:`decide` (see ``classify_effect(judge=...)``)."""

    def __init__(self, forest: Any) -> None:
        self._forest = forest
        self._classes = [Effect(c) for c in forest.classes_]

    def probabilities(self, features: Sequence[EffectFeatures]) -> dict[Effect, np.ndarray]:
        """Each effect the forest knows, with its probability for every feature row."""
        p = self._forest.predict_proba(_matrix(features))
        return {c: p[:, i] for i, c in enumerate(self._classes)}

    def __call__(self, f: EffectFeatures) -> Effect:
        return self.predict([f])[0]

    def predict(self, features: Sequence[EffectFeatures]) -> list[Effect]:
        """The effect for every feature row, in one pass over the trees (a pass per row costs the
        same as one for hundreds)."""
        return [Effect(v) for v in self._forest.predict(_matrix(features))]


def fit_effect_classifier(features: Sequence[EffectFeatures], truth: Sequence[Effect], seed: int = 0,
                          trees: int = TREES) -> EffectClassifier:
    """A forest fitted on ``features`` with the effects they truly show; the same data and seed
    give the same forest."""
    try:
        from sklearn.ensemble import RandomForestClassifier
    except ImportError as exc:
        raise ConfigurationError("the effect analyzer's classifier needs scikit-learn: "
                                 "pip install 'framecast[eval]'") from exc
    if not features or len(features) != len(truth):
        raise ValueError("an effect classifier needs as many effects as feature rows, and at least one")
    forest = RandomForestClassifier(n_estimators=trees, random_state=seed, n_jobs=1)
    forest.fit(_matrix(features), np.array([t.value for t in truth]))
    return EffectClassifier(forest)


def load_effect_classifier(path: Path = EFFECT_EXAMPLES_PATH) -> EffectClassifier:
    """The classifier grown from the examples at ``path``; a ConfigurationError naming the file
    when it is missing or unreadable."""
    try:
        examples = load_examples(path)
    except FileNotFoundError as exc:
        raise ConfigurationError(f"the effect classifier's examples {path} are missing; {_REBUILD}") from exc
    except (OSError, EOFError, ValueError, KeyError, TypeError) as exc:
        raise ConfigurationError(f"cannot read the effect classifier's examples {path} ({exc}); {_REBUILD}") from exc
    if not examples:
        raise ConfigurationError(f"the effect classifier's examples {path} are empty; {_REBUILD}")
    return fit_effect_classifier([chosen_candidate(ex) for ex in examples], [ex.truth for ex in examples])


def cross_validate(examples: Sequence[EffectExample], folds: int = 5, seed: int = 0,
                   trees: int = TREES) -> tuple[float, float]:
    """Accuracy of the decision list and of the classifier on ``examples``, the classifier fitted
    on the other folds each time: (decision list, classifier)."""
    features = [chosen_candidate(ex) for ex in examples]
    truth = [ex.truth for ex in examples]
    order = np.random.default_rng(seed).permutation(len(examples))
    right = 0
    for part in np.array_split(order, folds):
        held = set(part.tolist())
        train = [i for i in range(len(examples)) if i not in held]
        clf = fit_effect_classifier([features[i] for i in train], [truth[i] for i in train], seed, trees)
        got = clf.predict([features[i] for i in part])
        right += sum(g is truth[i] for g, i in zip(got, part, strict=True))
    rules = sum(decide(f) is t for f, t in zip(features, truth, strict=True))
    return rules / len(examples), right / len(examples)
