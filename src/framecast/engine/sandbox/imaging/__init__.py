"""Everything driven by the user's own images and videos: cutting subjects out, filling what they
leave, finding regions in videos, and the five tasks built on them.

``run_image_task`` is the entry point the sandbox pipeline calls for every task except
text-to-video. The task modules are imported when first used, so the renderer (which imports the
effects, which use :mod:`.raster`) can import this package without a cycle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from framecast.catalog.endpoints import Task
from framecast.errors import InputError

if TYPE_CHECKING:
    from framecast.engine.base import RunControl
    from framecast.engine.sandbox.imaging.common import RendererFactory
    from framecast.engine.sandbox.scene import Scene
    from framecast.engine.types import Clip, GenerationSpec

__all__ = ["run_image_task"]


def run_image_task(spec: GenerationSpec, scene: Scene, renderer_factory: RendererFactory, control: RunControl) -> Clip:
    """Render an image- or video-driven task; the Clip has exactly the spec's size and frame count
    and the same frames for the same seed.

    ``scene`` is what the scene generator sampled for the prompt (its setting, camera and subjects'
    motion drive the task); ``renderer_factory(scene, width, height, fps, num_frames, seed)`` makes a
    scene renderer for generated settings and subjects.
    """
    from framecast.engine.sandbox.scene import Effect

    if spec.task in (Task.IMAGE_TO_VIDEO, Task.EFFECTS, Task.SCENES, Task.ADDITIONS) and not spec.images:
        raise InputError.at(("body", "image_url"), "an input image is required", "missing")
    if spec.task in (Task.ADDITIONS, Task.SWAPS) and spec.video is None:
        raise InputError.at(("body", "video_url"), "an input video is required", "missing")
    if spec.task is Task.IMAGE_TO_VIDEO:
        from framecast.engine.sandbox.imaging.animate import animate_image

        return animate_image(spec, scene, control)
    if spec.task is Task.EFFECTS:
        from framecast.engine.sandbox.imaging.animate import animate_image

        effect = Effect(spec.pikaffect.value) if spec.pikaffect is not None else Effect.NONE
        return animate_image(spec, scene, control, effect)
    if spec.task is Task.SCENES:
        from framecast.engine.sandbox.imaging.scenes import render_scenes

        return render_scenes(spec, scene, renderer_factory, control)
    if spec.task is Task.ADDITIONS:
        from framecast.engine.sandbox.imaging.additions import render_additions

        return render_additions(spec, scene, control)
    if spec.task is Task.SWAPS:
        from framecast.engine.sandbox.imaging.swaps import render_swaps

        return render_swaps(spec, scene, renderer_factory, control)
    raise ValueError(f"{spec.task} is not an image task")
