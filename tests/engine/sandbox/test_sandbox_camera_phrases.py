from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import pairwise

import numpy as np
import numpy.typing as npt
import pytest

from framecast.engine.sandbox.camera_phrases import MIN_MARGIN, MIN_SIMILARITY, CameraGloss
from framecast.engine.sandbox.scene import Camera, Kind

from .sandbox_support import assert_gloss_logged, assert_training_captions_unchanged, shipped_gloss, shipped_pipeline

# A hand-made embedding: a clause points along the axis of the first key word it contains.
SAID = ("the camera orbits around", "the camera circles around", "the camera pans left", "the camera zooms in")
MEANINGS = (Camera.ORBIT, Camera.ORBIT, Camera.PAN_LEFT, Camera.ZOOM_IN)
KEYS = {"loops": 0, "orbits": 0, "circles": 1, "glides": 2, "pans": 2, "nears": 3, "zooms": 3}


class KeywordEmbedding:
    def __init__(self, near: float = 0.9, rival: float = 0.0) -> None:
        self.asked: list[str] = []
        self.near, self.rival = near, rival  # how near its own axis a key word is, and the zoom axis

    def __call__(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        self.asked.extend(texts)
        out = np.zeros((len(texts), len(SAID) + 1), np.float32)
        for row, text in enumerate(texts):
            hit = next((KEYS[word] for word in text.lower().split() if word in KEYS), None)
            if hit is None:
                out[row, -1] = 1.0  # near nothing
                continue
            out[row, hit] = self.near
            if hit != 3:
                out[row, 3] = self.rival
            out[row, -1] = float(np.sqrt(max(0.0, 1 - self.near ** 2 - self.rival ** 2)))
        return out


def _gloss(embed: KeywordEmbedding) -> CameraGloss:
    known = frozenset({"a", "the", "camera", "lens", "ball", "red", "dog", "runs", "run", "toward", "at", "and",
                       "around", "orbits", "circles", "pans", "left", "zooms", "in", "loop", "stays", "still", "on",
                       "then", "steady", "pace", "sits", "with"})
    own = frozenset(word for phrase in SAID for word in phrase.split())
    pairs = frozenset(pair for phrase in SAID for pair in pairwise(phrase.split()))
    return CameraGloss(embed, np.eye(len(SAID), len(SAID) + 1, dtype=np.float32), SAID, MEANINGS, known,
                       frozenset({"ball", "dog", "loop", "circle"}), own, pairs)


@pytest.mark.parametrize(("prompt", "glossed"), [
    ("a red ball, the camera loops around", "a red ball, the camera orbits around"),
    ("a dog runs. The camera glides left", "a dog runs. The camera pans left"),
    ("a dog runs and the lens nears, then sits", "a dog runs and the camera zooms in, then sits"),
])
def test_a_camera_clause_with_an_unknown_word_or_a_subject_noun_becomes_its_nearest_phrase(
        prompt: str, glossed: str) -> None:
    assert _gloss(KeywordEmbedding())(prompt) == glossed


@pytest.mark.parametrize(("prompt", "glossed"), [
    # The phrase ends with the clause's preposition: said once.
    ("a red ball, the camera loops around the subject", "a red ball, the camera orbits around the subject"),
    # It does not: the preposition stays, before the prompt's own noun phrase.
    ("a dog, the camera nears to the red ball", "a dog, the camera zooms in to the red ball"),
    ("a dog, the camera glides over her ball", "a dog, the camera pans left over her ball"),
])
def test_a_noun_phrase_after_the_clause_is_kept_as_written(prompt: str, glossed: str) -> None:
    embed = KeywordEmbedding()
    assert _gloss(embed)(prompt) == glossed
    assert "ball" not in " ".join(embed.asked) and "subject" not in " ".join(embed.asked)


def test_the_clause_read_ends_at_punctuation_and_at_a_new_clause() -> None:
    embed = KeywordEmbedding()
    gloss = _gloss(embed)
    assert gloss.glossed("a dog, the camera loops around, and the camera glides left and a red ball sits") == [
        ("the camera loops around", Camera.ORBIT), ("the camera glides left", Camera.PAN_LEFT)]
    assert embed.asked == ["the camera loops around", "the camera glides left"]


@pytest.mark.parametrize("prompt", [
    "a dog runs toward the camera at a steady pace",  # the camera is what the dog runs to
    "a red ball and a still camera",  # nothing after the camera
    "a dog with a lens loops",  # a lens, not the camera's
    "a dog, the camera circles around",  # a training phrase: "circles" is a subject noun, but the camera's here
    "a dog, the camera stays still",  # known words only
    "a dog, the camera stays on a loop",  # a subject's noun after an article is the prompt's subject
])
def test_what_is_not_a_camera_clause_to_read_is_never_embedded(prompt: str) -> None:
    embed = KeywordEmbedding()
    assert _gloss(embed)(prompt) == prompt
    assert embed.asked == []


@pytest.mark.parametrize("embed", [KeywordEmbedding(near=MIN_SIMILARITY - 0.05),  # not near enough
                                   KeywordEmbedding(near=0.7, rival=0.7 - MIN_MARGIN / 2)])  # not clearly nearer
def test_clauses_not_near_enough_or_between_two_cameras_are_left_alone(embed: KeywordEmbedding) -> None:
    prompt = "a red ball, the camera loops around the subject"
    assert _gloss(embed).read(prompt) == (prompt, [])
    assert embed.asked == ["the camera loops around"]


@pytest.mark.parametrize(("prompt", "camera"), [
    ("a red box stays still, the camera loops around the subject", Camera.ORBIT),
    ("a cat sits while the camera creeps closer", Camera.ZOOM_IN),
    ("a bird flies, the camera withdraws", Camera.ZOOM_OUT),
    ("a cat, the camera spirals around the cat", Camera.ORBIT),
])
def test_the_shipped_reading_of_camera_clauses(prompt: str, camera: Camera) -> None:
    assert [meaning for _, meaning in shipped_gloss(CameraGloss).glossed(prompt)] == [camera]


@pytest.mark.parametrize(("prompt", "glossed"), [
    ("a cat, the camera spirals around the cat", "a cat, the camera revolves around the cat"),
    ("a cat, the camera creeps closer to the cat", "a cat, the camera moves closer to the cat"),
    ("a cat, the camera spirals around the scene", "a cat, the camera revolves around the scene"),
])
def test_the_shipped_gloss_keeps_the_prompts_own_noun_phrase(prompt: str, glossed: str) -> None:
    assert shipped_gloss(CameraGloss)(prompt) == glossed


@pytest.mark.parametrize("prompt", [
    "a dog walks toward the camera", "a cat, the camera pans left", "a man holds a camera and walks",
    "a cat, the camera rotates around the hoop",  # known words: the hoop is the prompt's own
    # Nearer one camera than the others, but not clearly: "follows" would read as moving closer.
    "a dog, the lens widens out", "a dog, the camera follows the dog",
    # The seed prompt of the product page: the clause ends before "her deliberate pace", all known words.
    "her gaze unwavering and enigmatic as the camera remains fixed on her deliberate pace.",
])
def test_clauses_the_generator_reads_or_that_are_no_camera_clause_are_not_read(prompt: str) -> None:
    assert shipped_gloss(CameraGloss)(prompt) == prompt


def test_no_training_caption_is_changed_or_read() -> None:
    gloss = shipped_gloss(CameraGloss)
    assert_training_captions_unchanged(lambda text: gloss(text) if not gloss.glossed(text) else "read", count=4000)


def test_a_camera_looping_around_a_subject_no_longer_draws_a_ring() -> None:
    p = shipped_pipeline()
    prompt = "Cinematic shot of a rose-red block remaining motionless by the waves, the camera loops around the subject"
    scenes = [p.sample_scene(prompt, "", seed) for seed in range(10)]
    assert Counter(len(s.subjects) for s in scenes) == {1: 10}
    assert all(s.subjects[0].kind is Kind.BOX and s.camera is Camera.ORBIT for s in scenes)
    assert_gloss_logged(prompt, "the camera phrase", "the camera loops around", "orbit")
