"""How long each image/video task takes to render a clip (frames only, no encoding).

Builds a synthetic image (a red ball on grass) and video (a blue box sliding on grass), runs every
task through :func:`framecast.engine.sandbox.imaging.run_image_task` with the sandbox renderer and
drains the frames. Prints wall and CPU seconds per task.

    python benchmarks/image_tasks.py [--width 1280] [--height 720] [--seconds 5] [--fps 24]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from framecast.catalog.endpoints import Task
from framecast.catalog.schema import IngredientsMode, Pikaffect
from framecast.engine.base import NullControl
from framecast.engine.sandbox.imaging import run_image_task
from framecast.engine.sandbox.render import SceneRenderer
from framecast.engine.sandbox.scene import Camera, Colour, Kind, Light, Motion, Scene, Setting, Subject
from framecast.engine.types import GenerationSpec, InputImage, InputVideo


def _picture(h: int, w: int, colour: tuple[float, float, float], box: bool = False, x: int = 0) -> np.ndarray:
    ys, xs = np.mgrid[0:h, 0:w]
    img = np.where((ys > 0.6 * h)[..., None], [0.3, 0.55, 0.25], [0.55, 0.75, 0.95]).astype(np.float32)
    cy, cx, r = 0.5 * h, 0.5 * w + x, 0.22 * h
    inside = (np.abs(xs - cx) < r) & (np.abs(ys - cy) < r) if box else (xs - cx) ** 2 + (ys - cy) ** 2 < r * r
    img[inside] = colour
    return (img * 255).astype(np.uint8)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=720)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--fps", type=int, default=24)
    args = ap.parse_args()
    w, h, fps = args.width, args.height, args.fps
    n = args.seconds * fps
    image = InputImage(_picture(h, w, (0.85, 0.12, 0.1)), "image_url")
    second = InputImage(_picture(h // 2, w // 2, (0.2, 0.7, 0.25)), "image_url")
    video = InputVideo(
        np.stack([_picture(h, w, (0.1, 0.2, 0.9), box=True, x=3 * t) for t in range(args.seconds * 30)]), 30.0, "v"
    )
    scene = Scene(Setting.DESERT, Light.WARM, Camera.PAN_RIGHT, (Subject(Kind.BALL, Colour.RED, motion=Motion.RIGHT),))

    def spec(task: Task, **kw: object) -> GenerationSpec:
        return GenerationSpec("bench", task, "a red ball", "", 1, w, h, fps, n, **kw)  # type: ignore[arg-type]

    cases = {
        "image-to-video": spec(Task.IMAGE_TO_VIDEO, images=(image,)),
        "pikaffects (Explode)": spec(Task.EFFECTS, images=(image,), pikaffect=Pikaffect.EXPLODE),
        "pikaffects (Melt)": spec(Task.EFFECTS, images=(image,), pikaffect=Pikaffect.MELT),
        "pikascenes precise": spec(Task.SCENES, images=(image, second), ingredients_mode=IngredientsMode.PRECISE),
        "pikascenes creative": spec(Task.SCENES, images=(image, second), ingredients_mode=IngredientsMode.CREATIVE),
        "pikadditions": spec(Task.ADDITIONS, images=(image,), video=video),
        "pikaswaps (image)": spec(Task.SWAPS, images=(image,), video=video, modify_region="the blue box"),
        "pikaswaps (prompt)": spec(Task.SWAPS, video=video, modify_region="the blue box"),
    }
    print(f"{w}x{h}, {n} frames at {fps} fps (render only)")
    for name, sp in cases.items():
        wall, cpu = time.perf_counter(), time.process_time()
        clip = run_image_task(sp, scene, SceneRenderer, NullControl())
        frames = sum(1 for _ in clip.iter_frames())
        assert frames == n
        print(f"  {name:<22} {time.perf_counter() - wall:6.2f} s wall  {time.process_time() - cpu:6.2f} s cpu")


if __name__ == "__main__":
    main()
