"""The shipped model end to end: prompt in, frames out, measured by the analyzers."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import torch

from framecast.catalog.endpoints import Task
from framecast.catalog.schema import AspectRatio, Resolution
from framecast.engine.base import NullControl
from framecast.engine.sandbox import tokens as tk
from framecast.engine.sandbox.analyzers import analyze_clip
from framecast.engine.sandbox.model import SceneGenerator
from framecast.engine.sandbox.pipeline import SandboxPipeline
from framecast.engine.sandbox.scene import Colour, Effect, Kind, Motion, Scene, Setting
from framecast.engine.spec import output_size
from framecast.engine.types import Clip, GenerationSpec
from framecast.errors import Cancelled, ConfigurationError

from .sandbox_support import (
    COMPANIONS,
    COUNTED,
    LISTED_COLOURS,
    LISTED_KINDS,
    generation_log,
    render,
    shipped_pipeline,
)


def _spec(prompt: str, seed: int = 0, negative: str = "", width: int = 320, height: int = 180,
          frames: int = 6, task: Task = Task.TEXT_TO_VIDEO) -> GenerationSpec:
    return GenerationSpec("fal-ai/pika/v2.2/text-to-video", task, prompt, negative, seed, width, height, 24, frames)


def _frames(clip: Clip) -> np.ndarray:
    return np.stack(list(clip.iter_frames()))


def test_same_seed_gives_bit_identical_frames() -> None:
    p = shipped_pipeline()
    spec = _spec("a red ball bouncing on a beach at sunset, the camera pans left", seed=42, frames=12)
    a = _frames(p.generate(spec, NullControl()))
    b = _frames(p.generate(spec, NullControl()))
    assert a.dtype == np.uint8 and np.array_equal(a, b)
    assert not np.array_equal(a, _frames(p.generate(_spec(spec.prompt, seed=43, frames=12), NullControl())))


def test_what_the_prompt_says_holds_for_every_seed() -> None:
    p = shipped_pipeline()
    for seed in range(12):
        scene = p.sample_scene("a small red ball bouncing in the desert", "", seed)
        assert scene.setting is Setting.DESERT
        assert len(scene.subjects) == 1
        s = scene.subjects[0]
        assert (s.kind, s.colour, s.motion) == (Kind.BALL, Colour.RED, Motion.BOUNCE)


def test_what_the_prompt_leaves_open_varies_with_the_seed() -> None:
    p = shipped_pipeline()
    scenes = [p.sample_scene("a dog", "", seed) for seed in range(16)]
    assert all(s.subjects and s.subjects[0].kind is Kind.DOG for s in scenes)
    assert len({s.subjects[0].colour for s in scenes}) >= 5
    assert len({s.setting for s in scenes}) >= 4
    assert len({s.subjects[0].motion for s in scenes}) >= 3


def test_negative_prompt_steers_away() -> None:
    p = shipped_pipeline()
    plain = Counter(p.sample_scene("a ball", "", seed).subjects[0].colour for seed in range(40))
    steered = [p.sample_scene("a ball", "red", seed) for seed in range(40)]
    assert all(s.subjects[0].kind is Kind.BALL for s in steered)
    assert all(s.subjects[0].colour is not Colour.RED for s in steered)
    assert plain[Colour.RED] > 0  # red was possible without the negative prompt
    settings = Counter(p.sample_scene("a cat in the snow", "snow", seed).setting for seed in range(10))
    assert settings[Setting.SNOW] == 10  # what the prompt asks for wins over the negative prompt


def _found(prompt: str, seed: int) -> tuple[Counter[tuple[Kind, Colour]], Setting]:
    scene = shipped_pipeline().sample_scene(prompt, "", seed)
    frames, backgrounds = render(scene, frames=2, seed=seed)
    reading = analyze_clip(frames, backgrounds, with_motion=False)
    return Counter((r.kind, r.colour) for r in reading.subjects), reading.setting


@pytest.mark.parametrize(("prompt", "subjects"), [
    ("an orange box falls while a purple ring spins", {(Kind.BOX, Colour.ORANGE), (Kind.RING, Colour.PURPLE)}),
    ("a pink star rises and a brown fish swims right", {(Kind.STAR, Colour.PINK), (Kind.FISH, Colour.BROWN)}),
    # Side by side, as people write it.
    ("a green box next to a white cat", {(Kind.BOX, Colour.GREEN), (Kind.CAT, Colour.WHITE)}),
    ("a yellow star near a purple fish", {(Kind.STAR, Colour.YELLOW), (Kind.FISH, Colour.PURPLE)}),
    ("a pink heart alongside a black bird", {(Kind.HEART, Colour.PINK), (Kind.BIRD, Colour.BLACK)}),
])
def test_two_named_subjects_both_appear_in_the_video(prompt: str, subjects: set[tuple[Kind, Colour]]) -> None:
    for seed in range(3):
        found, _ = _found(prompt, seed)
        assert set(found) == subjects and all(n == 1 for n in found.values())


def test_a_red_ball_and_a_blue_dog_keep_their_colours() -> None:
    prompt = "a red ball and a blue dog"
    for seed in range(3):  # both in the video, the ball red (the dog's colour: below)
        found, _ = _found(prompt, seed)
        assert {k for k, _ in found} == {Kind.BALL, Kind.DOG} and (Kind.BALL, Colour.RED) in found
    p = shipped_pipeline()
    right = sum({(s.colour, s.kind) for s in p.sample_scene(prompt, "", seed).subjects}
                == {(Colour.RED, Kind.BALL), (Colour.BLUE, Kind.DOG)} for seed in range(20))
    # Measured: 18 of 20 (the others: a red dog, or the dog alone); 18 with the weights before.
    assert right >= 16, right


def test_two_named_subjects_keep_their_own_colour_and_kind_in_most_samples() -> None:
    p = shipped_pipeline()
    right: dict[str, int] = {}
    for join in ("a {a} and a {b}", "a {a} next to a {b}", "a {a} with a {b}"):
        rng = np.random.default_rng(0)
        right[join] = 0
        for _ in range(40):
            (ca, cb), (ka, kb) = ([items[int(i)] for i in rng.choice(len(items), 2, replace=False)]
                                  for items in (LISTED_COLOURS, LISTED_KINDS))
            prompt = join.format(a=f"{ca.value} {ka.value}", b=f"{cb.value} {kb.value}")
            for seed in range(2):
                drawn = {(s.colour, s.kind) for s in p.sample_scene(prompt, "", seed).subjects}
                right[join] += (ca, ka) in drawn and (cb, kb) in drawn
    # 80 samples a join. Measured: 74, 76 and 68 (the weights before: 71, 71, 64).
    assert sum(right.values()) >= 0.75 * 240, right


def test_a_subject_with_a_companion_shows_both() -> None:
    for seed in range(3):
        found, _ = _found("a woman with a brown dog walking", seed)
        assert {k for k, _ in found} == {Kind.PERSON, Kind.DOG}
    # One phrasing can come and go between training runs; across eleven, nearly every sample shows
    # both. Measured: 206 of 220; 166 before a named kind left undrawn was added (the model's
    # _unnamed), when "a man with a red ball at the beach" drew the man or the ball alone on 20 of
    # 20 seeds and "a dog with a cat in the snow" the dog or the cat alone.
    p = shipped_pipeline()
    both = sum({s.kind for s in p.sample_scene(prompt, "", seed).subjects} == kinds
               for prompt, kinds in COMPANIONS for seed in range(20))
    assert both >= 0.85 * 20 * len(COMPANIONS), both
    # Measured 10 and 16 of 20 (a ball drawn first leaves the man implausible where the scene closed).
    for prompt, kinds in (("a man with a red ball at the beach", {Kind.PERSON, Kind.BALL}),
                          ("a dog with a cat in the snow", {Kind.DOG, Kind.CAT})):
        drawn = [{s.kind for s in p.sample_scene(prompt, "", seed).subjects} for seed in range(20)]
        assert drawn.count(kinds) >= 8, prompt
    # The log says which subject was added (seed 0 draws the man, then closes the scene).
    added = "drew a ball, which the prompt names and the generator had left out, as one more subject"
    assert added in generation_log(p, "a man with a red ball at the beach")
    assert not any(line.startswith("drew a") for line in generation_log(p, "a red ball and a blue dog"))


@pytest.mark.parametrize(("prompt", "kinds"), [
    ("a dog chasing a ball", {Kind.DOG, Kind.BALL}),
    ("an orange cat watching a bird in the forest", {Kind.CAT, Kind.BIRD}),
    # "pursuing" and "staring at" are held out: no training caption relates two subjects with them.
    ("a puppy pursuing a red ball", {Kind.DOG, Kind.BALL}),
    ("a cat staring at a goldfish", {Kind.CAT, Kind.FISH}),
])
def test_a_subject_doing_something_to_another_shows_both(prompt: str, kinds: set[Kind]) -> None:
    p = shipped_pipeline()
    both = sum({s.kind for s in p.sample_scene(prompt, "", seed).subjects} == kinds for seed in range(10))
    assert both >= 8, both  # measured on 20 seeds: 20 each (the weights before: 18, 20, 20 and 20)


@pytest.mark.xfail(strict=True, reason="known shortfall (model card): of three subjects in a list, all three come "
                                       "out right in 70 of 80 samples; the others drop or recolour one (here the "
                                       "blue dog takes the star's yellow in one of the three seeds)")
def test_three_named_subjects_all_appear_in_the_video() -> None:
    prompt = "a red ball, a blue dog and a yellow star in a grass field"
    for seed in range(3):
        found, setting = _found(prompt, seed)
        assert found == Counter({(Kind.BALL, Colour.RED): 1, (Kind.DOG, Colour.BLUE): 1, (Kind.STAR, Colour.YELLOW): 1})
        assert setting is Setting.GRASS_FIELD


def _exactly(word: str, n: int) -> int:
    p = shipped_pipeline()
    return sum(len(p.sample_scene(f"{word} {noun}", "", seed).subjects) == n for noun in COUNTED for seed in range(10))


@pytest.mark.parametrize(("word", "n", "least"), [("two", 2, 72), ("three", 3, 72), ("four", 4, 68),
                                                  ("a trio of", 3, 58), ("twin", 2, 72), ("a threesome of", 3, 72),
                                                  ("a foursome of", 4, 68)])
def test_a_number_word_gives_that_many_subjects(word: str, n: int, least: int) -> None:
    exact = _exactly(word, n)
    # 80 samples (eight nouns, ten seeds). Measured with the exact-number stop: "two" 80, "three" 80,
    # "four" 75, "a trio of" 65; with the stop sharpened as for open counts 80, 47, 77 and 41. One
    # prompt alone moves more between trainings. No caption says "twin", "a threesome of" or "a
    # foursome of": written as "two", "three" and "four" by the number gloss they give 80, 80 and 75,
    # read by the generator alone 69, 50 and 43.
    assert exact >= least, exact


def test_an_exact_number_closes_the_count_and_an_open_one_still_varies() -> None:
    p = shipped_pipeline()
    # Measured: 20 of 20 seeds; 15 with the stop sharpened as for open counts.
    assert sum(len(p.sample_scene("three red balls", "", seed).subjects) == 3 for seed in range(20)) >= 19
    # "some dogs" is two to four: 2, 3 or 4 dogs 10, 17 and 3 times over 30 seeds. The exact-number
    # temperature for every prompt would make it 1, 27 and 2.
    counts = Counter(len(p.sample_scene("some dogs", "", seed).subjects) for seed in range(30))
    assert set(counts) <= {2, 3, 4} and 30 - counts[3] >= 6, counts
    # The sharper stop follows the generator's reading, it adds no subjects: a number that counts
    # something else still leaves one.
    for prompt in ("a red ball spins three times", "two seconds later a bird flies away"):
        assert all(len(p.sample_scene(prompt, "", seed).subjects) == 1 for seed in range(10)), prompt
    lines = generation_log(p, "two cats, a trio of dogs")
    assert any(line.startswith("read the exact numbers 2, 3:") for line in lines), lines
    assert not any("exact number" in line for line in generation_log(p, "some dogs"))
    # "One" says one subject as exactly as "two" says two: read as a number too. Measured: "we see
    # one sky blue tomcat ambling then dissolving into particles in a grove" drew one cat on 16 of 20
    # seeds, 14 with the stop sharpened as for open counts.
    lines = generation_log(p, "one cat and a single dog")
    assert any(line.startswith("read the exact numbers 1, 1:") for line in lines), lines
    lines = generation_log(p, "twin cats")
    assert "read the number word 'twin', which no training caption used, as 2" in lines, lines
    assert any(line.startswith("read the exact number 2:") for line in lines), lines


def test_an_effect_the_prompt_names_is_drawn_even_where_the_decoder_looked_away() -> None:
    # The held-out frame "We see" draws the effect field's attention to "see" (64 %, "melt" 32 %),
    # and drawn as the generator reads it the crate only moves right.
    p = shipped_pipeline()
    prompt = ("We see a large crimson crate on the left traveling rightward until it melts down finally on a "
              "sandy beach in a warm glow.")
    generator, encoder = p._generator, p._encoder
    assert generator is not None and encoder is not None
    text = encoder.encode_one(prompt)
    plain = tk.decode(generator.sample(text, None, 2100))
    assert [s.effect for s in plain.subjects] == [Effect.NONE]
    scene = p.sample_scene(prompt, "", 2100)
    assert [(s.kind, s.colour, s.motion, s.effect) for s in scene.subjects] == [
        (Kind.BOX, Colour.RED, Motion.RIGHT, Effect.MELT)]
    # over 20 seeds, with the effect named in a training frame and in a held-out one
    for frame in ("a large red box moving right until it melts down", prompt):
        assert all(any(s.effect is Effect.MELT for s in p.sample_scene(frame, "", seed).subjects)
                   for seed in range(20))
    # and the log says so
    assert "gave subject 1 (box) the effect Melt, which the prompt names and its draw had left out" in \
        generation_log(p, prompt)
    assert not any("the effect" in line for line in generation_log(p, "a large red box moving right until it melts"))


def test_every_member_of_a_plural_group_takes_the_effect_said_of_the_group(monkeypatch: pytest.MonkeyPatch) -> None:
    # A held-out prompt, read without the glosses (which read "flake off" as Peel, for every dog):
    # drawn as the generator reads it, only the last of the dogs crumbles.
    p = shipped_pipeline()
    plain = SandboxPipeline(glosses=False)
    prompt = ("Cinematic shot of a gentleman staring at a few average-sized canary yellow doggies plummeting "
              "before they flake off almost at once in a warm amber light. high quality")

    def dogs(scene: Scene) -> list[Effect]:
        return [s.effect for s in scene.subjects if s.kind is Kind.DOG]

    shared = [plain.sample_scene(prompt, "", seed) for seed in range(10)]
    # Measured: 9 of 10 seeds; the tenth drew one dog deflating, one crumbling.
    assert sum(len(dogs(scene)) >= 2 and set(dogs(scene)) == {Effect.CRUMBLE} for scene in shared) >= 9
    assert all(len(dogs(scene)) >= 2 and set(dogs(scene)) == {Effect.PEEL}
               for scene in (p.sample_scene(prompt, "", seed) for seed in range(5)))
    # Two nouns are two groups, however alike they are drawn: the rule leaves them as they are ...
    apart = ("a red ball bouncing until it melts and a red ball bouncing",
             "a red ball bouncing and a red ball bouncing until it melts")
    kept = [p.sample_scene(prompt, "", seed) for prompt in apart for seed in range(10)]
    monkeypatch.setattr(SceneGenerator, "_shared", lambda *_: None)
    alone = [plain.sample_scene(prompt, "", seed) for seed in range(10)]
    assert sum(Effect.NONE in dogs(scene) for scene in alone) >= 7  # measured: 7 of 10
    assert kept == [p.sample_scene(prompt, "", seed) for prompt in apart for seed in range(10)]
    # ... where the first ball melts and the second, drawn alike, does not
    assert sum([s.effect for s in scene.subjects] == [Effect.MELT, Effect.NONE] for scene in kept) >= 5


def test_a_prompt_naming_no_effect_draws_as_the_generator_reads_it() -> None:
    p = shipped_pipeline()
    generator, encoder = p._generator, p._encoder
    assert generator is not None and encoder is not None
    for prompt in ("a red ball and a blue dog in a warm glow", "A video of a cat walking in the snow. Cinematic",
                   "a man in a blue coat walks to the left"):
        text = encoder.encode_one(prompt)
        assert generator.named_effects(text, encoder.wordlike(prompt)) == []
        for seed in range(5):
            assert p.sample_scene(prompt, "", seed) == tk.decode(generator.sample(text, None, seed))


@pytest.mark.parametrize("prompt", [
    "A young woman in a pale blue corset and denim, her vibrant blue bob framed against a dusky desert "
    "landscape, walks slowly, her gaze unwavering and enigmatic as the camera remains fixed on her pace.",
    "quantum chromodynamics lecture notes", "", "🙂🙂🙂", "a sports car racing through Tokyo at night",
])
def test_prompts_outside_the_world_still_give_a_scene(prompt: str) -> None:
    clip = shipped_pipeline().generate(_spec(prompt, frames=3), NullControl())
    assert _frames(clip).shape == (3, 180, 320, 3)


def test_a_named_effect_with_nothing_drawn_to_take_it_gives_a_scene() -> None:
    # The generator draws no subject for this prompt on seed 2, and the effect check used to crash.
    scene = shipped_pipeline().sample_scene("a spinning top on a table", "", 2)
    assert scene.subjects == ()


def test_the_seed_prompt_reads_sensibly() -> None:
    scene = shipped_pipeline().sample_scene(
        "A young woman in a pale blue corset and denim, her vibrant blue bob framed against a dusky desert "
        "landscape, walks slowly, her gaze unwavering and enigmatic as the camera remains fixed on her deliberate "
        "pace.", "", 0)
    assert scene.setting is Setting.DESERT
    assert scene.subjects and scene.subjects[0].kind is Kind.PERSON and scene.subjects[0].colour is Colour.BLUE


@pytest.mark.parametrize("resolution", list(Resolution))
@pytest.mark.parametrize("ratio", list(AspectRatio))
def test_generate_has_exact_size_frames_and_duration(ratio: AspectRatio, resolution: Resolution) -> None:
    width, height = output_size(ratio, resolution)
    spec = _spec("two cats walking in a forest", width=width, height=height, frames=2)
    clip = shipped_pipeline().generate(spec, NullControl())
    assert (clip.width, clip.height, clip.num_frames, clip.fps) == (width, height, 2, 24)
    frames = _frames(clip)
    assert frames.shape == (2, height, width, 3)


def test_progress_and_cancel() -> None:
    class Recorder(NullControl):
        def __init__(self, cancel_at: int | None = None) -> None:
            self.steps: list[tuple[int, int, str]] = []
            self.logs: list[str] = []
            self.cancel_at = cancel_at

        def step(self, step: int, total: int, stage: str) -> None:
            self.steps.append((step, total, stage))
            if self.cancel_at is not None and step >= self.cancel_at:
                raise Cancelled()

        def log(self, message: str, level: str = "INFO") -> None:
            self.logs.append(message)

    control = Recorder()
    _frames(shipped_pipeline().generate(_spec("a dog", frames=20), control))
    stages = [s for _, _, s in control.steps]
    assert stages[:2] == ["encoding_text", "sampling_scene"] and "rendering" in stages
    assert control.steps[-1][0] == control.steps[-1][1]
    assert any("scene:" in m for m in control.logs)
    with pytest.raises(Cancelled):
        _frames(shipped_pipeline().generate(_spec("a dog", frames=40), Recorder(cancel_at=10)))


def test_other_tasks_go_to_the_image_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    import framecast.engine.sandbox.imaging as imaging

    seen: dict[str, object] = {}

    def fake(spec: GenerationSpec, scene: object, factory: object, control: object) -> Clip:
        seen.update(task=spec.task, scene=scene, factory=factory)
        return Clip(2, 2, 24, 1, [np.zeros((2, 2, 3), np.uint8)])

    monkeypatch.setattr(imaging, "run_image_task", fake)
    shipped_pipeline().generate(_spec("a ball melts", task=Task.EFFECTS), NullControl())
    from framecast.engine.sandbox.render import SceneRenderer

    assert seen["task"] is Task.EFFECTS and seen["factory"] is SceneRenderer


def test_broken_weights_fail_clearly(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="not found"):
        SandboxPipeline(tmp_path / "missing.safetensors")
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"not a safetensors file at all")
    with pytest.raises(ConfigurationError, match="unreadable"):
        SandboxPipeline(bad)


@pytest.mark.parametrize(("ratio", "resolution"),
                         [(AspectRatio.R9_16, Resolution.P720), (AspectRatio.R4_5, Resolution.P1080)])
def test_encoded_clip_lasts_exactly_its_frames(tmp_path: Path, ratio: AspectRatio, resolution: Resolution) -> None:
    from framecast.media.encode import encode_mp4
    from framecast.media.probe import probe_mp4

    width, height = output_size(ratio, resolution)
    spec = GenerationSpec("fal-ai/pika/v2.2/text-to-video", Task.TEXT_TO_VIDEO, "a bird flying over the ocean",
                          "", 3, width, height, 24, 12)
    encode_mp4(shipped_pipeline().generate(spec, NullControl()), tmp_path / "clip.mp4")
    info = probe_mp4(tmp_path / "clip.mp4")
    assert (info.width, info.height, info.num_frames) == (width, height, 12)
    assert info.duration == pytest.approx(12 / 24, abs=1e-3)


def test_loading_leaves_torch_on_one_thread() -> None:
    # Loading embeds the glosses on two threads; generation keeps to one, beside the MP4 encoder.
    SandboxPipeline()
    assert torch.get_num_threads() == 1
