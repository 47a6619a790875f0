from __future__ import annotations

from dataclasses import replace

import numpy as np
from click.testing import CliRunner

from framecast.engine.sandbox.captions import EVAL_RATES, caption
from framecast.engine.sandbox.cli import sandbox
from framecast.engine.sandbox.evaluate import ATTRIBUTES, draws_table, evaluate, evaluate_scenes, validate_analyzers
from framecast.engine.sandbox.scene import Colour, Scene
from framecast.engine.sandbox.world import complete

from .sandbox_support import shipped_pipeline


def test_evaluate_measures_held_out_prompts() -> None:
    report = evaluate(shipped_pipeline().sample_scene, n=4, seed=3, log=lambda _: None)
    assert report.prompts == 4
    assert report.counts["count"][1] == 4
    table = report.table()
    assert table.startswith("| attribute | accuracy |") and "count" in table


def test_scene_evaluation_scores_what_the_sampler_gets_right_and_wrong() -> None:
    rng = np.random.default_rng(9)
    specs = {c.text: c.spec for c in (caption(rng, held_out=True, rates=EVAL_RATES) for _ in range(40))}

    def faithful(text: str, negative: str, seed: int) -> Scene:
        return complete(specs[text], np.random.default_rng(seed))

    def colour_blind(text: str, negative: str, seed: int) -> Scene:
        scene = faithful(text, negative, seed)
        colours = list(Colour)
        wrong = tuple(replace(s, colour=colours[(colours.index(s.colour) + 1) % len(colours)]) for s in scene.subjects)
        return replace(scene, subjects=wrong)

    right = evaluate_scenes(faithful, n=40, seed=9)
    assert right.prompts == 40
    assert all(right.accuracy(a) == 1.0 for a in ATTRIBUTES if right.counts.get(a)), right.table()
    wrong = evaluate_scenes(colour_blind, n=40, seed=9)
    assert wrong.accuracy("colour") < 0.2 and wrong.accuracy("count") == 1.0, wrong.table()


def test_other_draws_of_prompts_are_scored_one_column_per_seed() -> None:
    specs = {}
    for seed in (5, 6):
        rng = np.random.default_rng(seed)
        specs.update({c.text: c.spec for c in (caption(rng, held_out=True, rates=EVAL_RATES) for _ in range(12))})

    def faithful(text: str, negative: str, seed: int) -> Scene:
        return complete(specs[text], np.random.default_rng(seed))

    def greyed(text: str, negative: str, seed: int) -> Scene:
        scene = faithful(text, negative, seed)
        return replace(scene, subjects=tuple(replace(s, colour=Colour.GREY) for s in scene.subjects))

    head, rule, *rows = draws_table(faithful, 12, (5, 6)).splitlines()
    assert head == "| attribute | seed 5 | seed 6 |" and rule == "|---|---|---|"
    cells = {row.split(" | ")[0].strip("| "): row.split(" | ")[1:] for row in rows}
    assert "colour" in cells and "count" in cells
    assert all(c.startswith("100.0 %") or c.strip(" |") == "-" for row in cells.values() for c in row), rows
    colour_row = next(r for r in draws_table(greyed, 12, (5, 6)).splitlines() if r.startswith("| colour"))
    assert all(float(c.split(" %")[0]) < 50 for c in colour_row.split(" | ")[1:]), colour_row


def test_validate_analyzers_runs() -> None:
    report = validate_analyzers(n=2, log=lambda _: None)
    assert report.counts["setting"][1] == 2


def test_cli_has_train_eval_and_fit_effects() -> None:
    runner = CliRunner()
    result = runner.invoke(sandbox, ["--help"])
    assert result.exit_code == 0 and "train" in result.output and "eval" in result.output
    result = runner.invoke(sandbox, ["train", "--help"])
    assert "--minutes" in result.output and "--seed" in result.output and "--out" in result.output
    result = runner.invoke(sandbox, ["eval", "--help"])
    assert "--weights" in result.output and "--n" in result.output
    result = runner.invoke(sandbox, ["fit-effects", "--help"])
    assert "--scenes" in result.output and "--seed" in result.output and "--out" in result.output


def test_look_alike_subjects_are_matched_by_how_they_move() -> None:
    from framecast.engine.sandbox.evaluate import _assign
    from framecast.engine.sandbox.scene import Kind, Motion, Subject

    def want(colour: Colour, motion: Motion) -> dict[str, object]:
        return {"kinds": (Kind.FISH,), "colour": colour, "motion": motion, "effect": None}

    def fish(colour: Colour, motion: Motion) -> Subject:
        return Subject(Kind.FISH, colour, motion=motion)

    sinks, spins = fish(Colour.RED, Motion.DOWN), fish(Colour.RED, Motion.SPIN)
    expected = [want(Colour.RED, Motion.DOWN), want(Colour.RED, Motion.SPIN)]
    # Two red fish: the one that sinks stands for "a red fish sinks", whichever was found first.
    assert _assign(expected, [spins, sinks], [Motion.SPIN, Motion.DOWN]) == [1, 0]
    assert _assign(expected, [sinks, spins], [Motion.DOWN, Motion.SPIN]) == [0, 1]
    # Motion only breaks ties: a blue fish that sinks does not stand for the red one that should.
    blue = fish(Colour.BLUE, Motion.DOWN)
    assert _assign([want(Colour.RED, Motion.DOWN)], [blue, spins], [Motion.DOWN, Motion.SPIN]) == [1]


def test_look_alike_subjects_are_matched_by_their_effects() -> None:
    from framecast.engine.sandbox.evaluate import _assign
    from framecast.engine.sandbox.scene import Effect, Kind, Motion, Subject

    def ring(effect: Effect) -> Subject:
        return Subject(Kind.RING, Colour.BLACK, motion=Motion.RIGHT, effect=effect)

    pops = {"kinds": (Kind.RING,), "colour": Colour.BLACK, "motion": Motion.RIGHT, "effect": Effect.EYE_POP}
    plain = {**pops, "effect": None}
    # "two black rings slide right and pop their eyes, and a black ring": the two that do stand for
    # them, in whatever order the three were found
    for plain_at in range(3):
        seen = [ring(Effect.NONE if j == plain_at else Effect.EYE_POP) for j in range(3)]
        got = _assign([pops, pops, plain], seen, [Motion.RIGHT] * 3, [s.effect for s in seen])
        assert got[2] == plain_at and sorted(got) == [0, 1, 2]
    # Effects only break ties: a red ring popping its eyes does not stand for a black one.
    red = Subject(Kind.RING, Colour.RED, motion=Motion.RIGHT, effect=Effect.EYE_POP)
    assert _assign([pops], [red, ring(Effect.NONE)], [Motion.RIGHT] * 2, [Effect.EYE_POP, Effect.NONE]) == [1]
