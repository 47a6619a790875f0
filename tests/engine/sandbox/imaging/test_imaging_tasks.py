"""Every image/video task from real encoded inputs to a valid MP4 of exactly the spec's size and
length, deterministic per seed, and doing what the task says."""

from __future__ import annotations

import io
import sys
from dataclasses import replace
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).parents[1]))

from effect_fixtures import make_background, shape_alpha

from framecast.catalog.endpoints import Task
from framecast.catalog.schema import IngredientsMode, Pikaffect
from framecast.engine.base import NullControl
from framecast.engine.sandbox.effect_analysis import classify_effect
from framecast.engine.sandbox.imaging import run_image_task
from framecast.engine.sandbox.imaging.common import VideoSource
from framecast.engine.sandbox.imaging.segment import cut_out
from framecast.engine.sandbox.render import SceneRenderer
from framecast.engine.sandbox.scene import (
    Camera,
    Colour,
    Effect,
    Kind,
    Light,
    Motion,
    Scene,
    Setting,
    Subject,
)
from framecast.engine.types import Clip, GenerationSpec, InputImage
from framecast.errors import Cancelled, InputError
from framecast.media.decode import decode_image, decode_video
from framecast.media.encode import encode_mp4

FACTORY = SceneRenderer
W, H, FPS, N = 160, 90, 12, 18
RED = (0.85, 0.12, 0.1)


def _picture(kind: str, colour: tuple[float, float, float], h: int = 120, w: int = 200) -> np.ndarray:
    a = np.zeros((h, w), np.float32)
    s = int(0.5 * h)
    a[h // 4 : h // 4 + s, w // 2 - s // 2 : w // 2 - s // 2 + s] = shape_alpha(kind, s, s)
    img = make_background("grass", h, w, seed=4) * (1 - a[..., None]) + a[..., None] * np.array(colour, np.float32)
    return (np.clip(img, 0, 1) * 255).astype(np.uint8)


def _encode_image(pixels: np.ndarray, fmt: str) -> bytes:
    buf = io.BytesIO()
    if fmt == "PNG-alpha":
        rgba = np.concatenate([pixels, np.zeros((*pixels.shape[:2], 1), np.uint8)], -1)
        h, w = pixels.shape[:2]
        rgba[h // 4 : 3 * h // 4, w // 3 : 2 * w // 3, 3] = 255
        Image.fromarray(rgba, "RGBA").save(buf, "PNG")
    else:
        Image.fromarray(pixels).save(buf, fmt, quality=90)
    return buf.getvalue()


@pytest.fixture(scope="module")
def images() -> dict[str, InputImage]:
    pic = _picture("ball", RED)
    return {fmt: decode_image(_encode_image(pic, fmt), "image_url") for fmt in ("PNG", "JPEG", "WEBP", "PNG-alpha")}


@pytest.fixture(scope="module")
def mp4() -> bytes:
    """2 s at 10 fps, 192x108: a blue box sliding right on grass under a light-blue sky."""
    buf = io.BytesIO()
    with av.open(buf, "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 192, 108, "yuv420p"
        for t in range(20):
            f = make_background("grass", 108, 192, seed=1)
            f[30:70, 60 + 2 * t : 90 + 2 * t] = (0.1, 0.2, 0.9)
            frame = av.VideoFrame.from_ndarray((f * 255).astype(np.uint8), format="rgb24")
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return buf.getvalue()


def _scene(motion: Motion = Motion.RIGHT, camera: Camera = Camera.STATIC, n: int = 1) -> Scene:
    subjects = tuple(Subject(Kind.BALL, Colour.RED, motion=motion) for _ in range(n))
    return Scene(Setting.DESERT, Light.WARM, camera, subjects)


def _spec(task: Task, seed: int = 3, **kw: object) -> GenerationSpec:
    return GenerationSpec("test", task, kw.pop("prompt", "a red ball"), "", seed, W, H, FPS, N, **kw)  # type: ignore[arg-type]


def _frames(clip: Clip) -> np.ndarray:
    return np.stack(list(clip.iter_frames()))


def _cases(images: dict[str, InputImage], video: object) -> dict[str, GenerationSpec]:
    img = images["PNG"]
    return {
        "image-to-video": _spec(Task.IMAGE_TO_VIDEO, images=(img,)),
        "pikaffects": _spec(Task.EFFECTS, images=(img,), pikaffect=Pikaffect.MELT),
        "pikascenes-precise": _spec(
            Task.SCENES, images=(img, images["JPEG"]), ingredients_mode=IngredientsMode.PRECISE
        ),
        "pikascenes-creative": _spec(Task.SCENES, images=(img,), ingredients_mode=IngredientsMode.CREATIVE),
        "pikadditions": _spec(Task.ADDITIONS, images=(img,), video=video),
        "pikaswaps-image": _spec(Task.SWAPS, images=(img,), video=video, modify_region="the blue box"),
        "pikaswaps-prompt": _spec(Task.SWAPS, video=video, modify_region="blue box"),
    }


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "PNG-alpha"])
@pytest.mark.parametrize(
    "task", [Task.IMAGE_TO_VIDEO, Task.EFFECTS, Task.SCENES, Task.ADDITIONS, Task.SWAPS], ids=lambda t: t.value
)
def test_every_task_writes_an_exact_mp4(
    task: Task, fmt: str, images: dict[str, InputImage], mp4: bytes, tmp_path: Path
) -> None:
    video = decode_video(mp4, "video_url", max_seconds=10) if task in (Task.ADDITIONS, Task.SWAPS) else None
    effect = Pikaffect.INFLATE if task is Task.EFFECTS else None
    spec = _spec(task, images=(images[fmt],), video=video, pikaffect=effect)
    clip = run_image_task(spec, _scene(), FACTORY, NullControl())
    assert (clip.width, clip.height, clip.num_frames, clip.fps) == (W, H, N, FPS)
    info = encode_mp4(clip, tmp_path / "out.mp4")
    assert (info.width, info.height, info.num_frames) == (W, H, N)
    with av.open(str(tmp_path / "out.mp4")) as container:
        decoded = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert len(decoded) == N and decoded[0].shape == (H, W, 3)


def test_every_task_is_deterministic_per_seed(images: dict[str, InputImage], mp4: bytes) -> None:
    video = decode_video(mp4, "video_url", max_seconds=10)
    for name, spec in _cases(images, video).items():
        a = _frames(run_image_task(spec, _scene(), FACTORY, NullControl()))
        b = _frames(run_image_task(spec, _scene(), FACTORY, NullControl()))
        assert np.array_equal(a, b), name
        assert a.shape == (N, H, W, 3) and a.dtype == np.uint8, name


def test_image_to_video_starts_on_the_image_and_moves_the_subject(images: dict[str, InputImage]) -> None:
    img = images["JPEG"]
    frames = _frames(run_image_task(_spec(Task.IMAGE_TO_VIDEO, images=(img,)), _scene(), FACTORY, NullControl()))
    first = np.asarray(Image.fromarray(img.pixels).resize((W, H), Image.Resampling.BILINEAR))
    assert np.abs(frames[0].astype(int) - first.astype(int)).mean() < 4  # cover-fit of a 5:3 image to 16:9
    cut0, cut1 = cut_out(frames[0]), cut_out(frames[-1])
    assert cut1.cx - cut0.cx > 0.1 * W  # the scene's subject moves right, so does the image's


def test_the_camera_moves_image_to_video_frames(images: dict[str, InputImage]) -> None:
    spec = _spec(Task.IMAGE_TO_VIDEO, images=(images["PNG"],))
    still = _frames(run_image_task(spec, _scene(Motion.STILL), FACTORY, NullControl()))
    zoom = _frames(run_image_task(spec, _scene(Motion.STILL, Camera.ZOOM_IN), FACTORY, NullControl()))
    assert np.array_equal(still[0], zoom[0])
    assert np.abs(still[-1].astype(int) - zoom[-1].astype(int)).mean() > 3


@pytest.mark.parametrize("effect", [Pikaffect.EXPLODE, Pikaffect.LEVITATE, Pikaffect.SQUISH, Pikaffect.TEAR])
def test_pikaffects_on_an_image_are_recognisable(effect: Pikaffect, images: dict[str, InputImage]) -> None:
    spec = _spec(Task.EFFECTS, images=(images["PNG"],), pikaffect=effect)
    spec = replace(spec, num_frames=24)
    frames = _frames(run_image_task(spec, _scene(Motion.STILL), FACTORY, NullControl()))
    assert classify_effect(frames, cut_out(frames[0]).mask) is Effect(effect.value)


def _box_region(video_frame: np.ndarray) -> np.ndarray:
    f = video_frame.astype(int)
    return (f[..., 2] > 150) & (f[..., 0] < 80) & (f[..., 1] < 110)


def test_swaps_replace_the_named_region_and_leave_the_rest(images: dict[str, InputImage], mp4: bytes) -> None:
    video = decode_video(mp4, "video_url", max_seconds=10)
    spec = _spec(Task.SWAPS, images=(images["PNG"],), video=video, modify_region="the blue box")
    frames = _frames(run_image_task(spec, _scene(), FACTORY, NullControl()))
    source = VideoSource(video, spec)
    for i in (0, N // 2, N - 1):
        src = source.frame(i)
        box = _box_region(src)
        assert box.sum() > 100
        assert _box_region(frames[i])[box].mean() < 0.1, "the blue box is gone"
        red = (frames[i][..., 0].astype(int) > 150) & (frames[i][..., 2].astype(int) < 90)
        assert red[box].mean() > 0.3, "the image's red subject stands in its place"
        far = np.ones(box.shape, bool)
        ys, xs = np.nonzero(box)
        far[max(ys.min() - 12, 0) : ys.max() + 12, max(xs.min() - 12, 0) : xs.max() + 12] = False
        assert np.array_equal(frames[i][far], src[far]), "outside the region nothing changes"


def test_swaps_with_only_a_prompt_draw_the_prompts_subject(images: dict[str, InputImage], mp4: bytes) -> None:
    video = decode_video(mp4, "video_url", max_seconds=10)
    spec = _spec(Task.SWAPS, video=video, modify_region="blue box", prompt="a red ball")
    scene = Scene(Setting.STUDIO, Light.NEUTRAL, Camera.STATIC, (Subject(Kind.BALL, Colour.RED),))
    frames = _frames(run_image_task(spec, scene, FACTORY, NullControl()))
    source = VideoSource(video, spec)
    src = source.frame(5)
    box = _box_region(src)
    assert np.abs(frames[5][box].astype(int) - src[box].astype(int)).mean() > 20


def test_swaps_with_a_colour_prompt_and_no_subject_recolour_the_region(mp4: bytes) -> None:
    video = decode_video(mp4, "video_url", max_seconds=10)
    spec = _spec(Task.SWAPS, video=video, modify_region="the blue box", prompt="make it yellow")
    frames = _frames(run_image_task(spec, Scene(Setting.STUDIO, Light.NEUTRAL, Camera.STATIC), FACTORY, NullControl()))
    src = VideoSource(video, spec).frame(3)
    box = _box_region(src)
    f = frames[3][box].astype(int)
    assert (f[:, 0] > 150).mean() > 0.8 and (f[:, 2] < 100).mean() > 0.8


def test_additions_put_the_subject_into_the_video(images: dict[str, InputImage], mp4: bytes) -> None:
    video = decode_video(mp4, "video_url", max_seconds=10)
    spec = _spec(Task.ADDITIONS, images=(images["WEBP"],), video=video)
    frames = _frames(run_image_task(spec, _scene(Motion.STILL), FACTORY, NullControl()))
    source = VideoSource(video, spec)

    def red(f: np.ndarray) -> np.ndarray:
        return (f[..., 0].astype(int) > 150) & (f[..., 1].astype(int) < 90)

    for i in (0, N - 1):
        # A medium subject of the motion model: about 2 % of this frame, and none in the source.
        assert red(frames[i]).mean() > 0.01 and red(source.frame(i)).mean() < 0.001
    # The rest of the video is still the video.
    assert (frames[-1] == source.frame(N - 1)).all(-1).mean() > 0.7


def test_precise_keeps_ingredients_as_given_and_creative_restyles_them(images: dict[str, InputImage]) -> None:
    img = images["PNG-alpha"]  # a transparent cut-out: its exact colours are known
    scene = _scene(Motion.STILL)
    precise = _frames(
        run_image_task(
            _spec(Task.SCENES, images=(img,), ingredients_mode=IngredientsMode.PRECISE), scene, FACTORY, NullControl()
        )
    )
    creative = _frames(
        run_image_task(
            _spec(Task.SCENES, images=(img,), ingredients_mode=IngredientsMode.CREATIVE), scene, FACTORY, NullControl()
        )
    )

    def subject_colour(frame: np.ndarray, where: np.ndarray | None = None) -> np.ndarray:
        f = frame.astype(int)
        red = (f[..., 0] > 120) & (f[..., 0] - f[..., 2] > 60) & (f[..., 1] < 110)
        red &= True if where is None else where
        assert red.sum() > 20
        return frame[red].reshape(-1, 3).mean(0)

    assert img.alpha is not None
    subject = subject_colour(img.pixels, img.alpha > 250)

    assert np.abs(subject_colour(precise[0]) - subject).max() < 12
    assert np.abs(subject_colour(creative[0]) - subject).max() > 12
    assert not np.array_equal(precise[0], creative[0])


def test_precise_keeps_relative_sizes_in_a_row() -> None:
    from framecast.engine.sandbox.imaging.scenes import place_precise

    placed = place_precise([(100, 50, 0.8), (50, 50, 0.4), (60, 30, 0.8)], 640, 360)
    scales = [p[0] for p in placed]
    heights = [h * s for (h, _, _), s in zip([(100, 50, 0.8), (50, 50, 0.4), (60, 30, 0.8)], scales, strict=True)]
    assert heights[0] == pytest.approx(2 * heights[1], rel=1e-6)  # twice the share of its image
    assert heights[0] == pytest.approx(heights[2], rel=1e-6)
    xs = [p[1] for p in placed]
    assert xs == sorted(xs) and all(p[2] == placed[0][2] for p in placed)


def test_missing_inputs_are_input_errors(mp4: bytes) -> None:
    with pytest.raises(InputError):
        run_image_task(_spec(Task.IMAGE_TO_VIDEO), _scene(), FACTORY, NullControl())
    with pytest.raises(InputError):
        run_image_task(_spec(Task.SWAPS), _scene(), FACTORY, NullControl())


class _CancelAfter(NullControl):
    def __init__(self, steps: int) -> None:
        self.left = steps

    def step(self, step: int, total: int, stage: str) -> None:
        self.left -= 1
        if self.left < 0:
            raise Cancelled("cancelled")


def test_cancel_stops_rendering_between_batches(images: dict[str, InputImage]) -> None:
    spec = replace(_spec(Task.IMAGE_TO_VIDEO, images=(images["PNG"],)), num_frames=40)
    clip = run_image_task(spec, _scene(), FACTORY, _CancelAfter(2))
    got = 0
    with pytest.raises(Cancelled):
        for _ in clip.iter_frames():
            got += 1
    assert 0 < got < 40
