from __future__ import annotations

import numpy as np

from framecast.engine.sandbox import tokens as tk
from framecast.engine.sandbox.captions import caption
from framecast.engine.sandbox.scene import MAX_SUBJECTS, Gait, Kind, Motion
from framecast.engine.sandbox.world import WALKERS, Group, SceneSpec, SubjectSpec, complete, random_scene


def test_completion_keeps_what_the_caption_says() -> None:
    rng = np.random.default_rng(0)
    for _ in range(500):
        spec = caption(rng).spec
        scene = complete(spec, rng)
        for attr in ("setting", "light", "camera"):
            if getattr(spec, attr) is not None:
                assert getattr(scene, attr) == getattr(spec, attr)
        if spec.groups:
            assert sum(min(g.counts) for g in spec.groups) <= len(scene.subjects) <= MAX_SUBJECTS
            first = spec.groups[0].spec
            s = scene.subjects[0]
            assert first.kinds is None or s.kind in first.kinds
            for attr in ("colour", "size", "motion", "gait", "speed", "effect", "timing", "row", "column"):
                if getattr(first, attr) is not None:
                    assert getattr(s, attr) == getattr(first, attr)


def test_completion_is_coherent() -> None:
    rng = np.random.default_rng(1)
    for _ in range(300):
        scene = random_scene(rng)
        cells = [(s.row, s.column) for s in scene.subjects]
        assert len(set(cells)) == len(cells), "two subjects start in one spot"
        for s in scene.subjects:
            if s.gait is not Gait.NONE:
                assert s.kind in WALKERS and s.motion in (Motion.LEFT, Motion.RIGHT, Motion.TOWARD, Motion.AWAY)


def test_open_attributes_vary() -> None:
    rng = np.random.default_rng(2)
    spec = SceneSpec(groups=(Group(SubjectSpec(kinds=(Kind.DOG,))),))
    scenes = [complete(spec, rng) for _ in range(60)]
    assert {s.subjects[0].kind for s in scenes} == {Kind.DOG}
    assert len({s.subjects[0].colour for s in scenes}) >= 8
    assert len({s.setting for s in scenes}) >= 6


def test_tokens_round_trip() -> None:
    rng = np.random.default_rng(3)
    mask = tk.valid_mask()
    for _ in range(300):
        scene = random_scene(rng)
        tokens = tk.encode(scene)
        assert tk.decode(tokens) == scene
        n = tk.length_for_count(len(scene.subjects))
        assert (tokens[n:] == -1).all()
        assert all(mask[p, tokens[p]] for p in range(n))


def test_every_named_group_fits_when_their_smallest_counts_do() -> None:
    spec = SceneSpec(groups=(Group(SubjectSpec(kinds=(Kind.TRIANGLE,)), (1,)),
                             Group(SubjectSpec(kinds=(Kind.BOX,)), (2, 3)),
                             Group(SubjectSpec(kinds=(Kind.DOG,)), (1,))))
    kinds = [{s.kind for s in complete(spec, np.random.default_rng(seed)).subjects} for seed in range(20)]
    assert all(k == {Kind.TRIANGLE, Kind.BOX, Kind.DOG} for k in kinds)
