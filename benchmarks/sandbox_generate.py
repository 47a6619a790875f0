"""Where a sandbox clip's time goes: text encoding, scene sampling, rendering, MP4 encoding.

For 5-second clips at 720p and 1080p, 16:9 and 9:16, it times each stage alone, then the whole clip
as the worker makes it (pipeline.generate streamed into encode_mp4, rendering overlapping encoding),
and compares the whole with the bare MP4 encoding of the very same frames. Targets: whole clip at
most 1.5x the bare encode, and at most 6 s at 720p.

    python benchmarks/sandbox_generate.py [--repeat 2] [--prompt 3]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import torch

from framecast.catalog.endpoints import Task
from framecast.catalog.schema import AspectRatio, Resolution
from framecast.engine.base import NullControl
from framecast.engine.sandbox.pipeline import SandboxPipeline
from framecast.engine.sandbox.render import SceneRenderer
from framecast.engine.spec import output_size
from framecast.engine.types import Clip, GenerationSpec
from framecast.media.encode import encode_mp4

PROMPTS = (
    "a red ball bouncing on a beach at sunset, static camera",
    "a woman in blue walking left and a brown dog running right on a city street at dusk, the camera pans right",
    "three yellow stars spinning in a foggy forest, slow zoom in",
)
CASES = ((Resolution.P720, AspectRatio.R16_9), (Resolution.P720, AspectRatio.R9_16),
         (Resolution.P1080, AspectRatio.R16_9), (Resolution.P1080, AspectRatio.R9_16))
FPS, SECONDS, SEED = 24, 5, 7


def _spec(prompt: str, width: int, height: int) -> GenerationSpec:
    return GenerationSpec("fal-ai/pika/v2.2/text-to-video", Task.TEXT_TO_VIDEO, prompt, "", SEED, width, height,
                          FPS, FPS * SECONDS)


def _clear(pipeline: SandboxPipeline) -> None:
    pipeline._encoder._cache.clear()  # type: ignore[union-attr]  # time a cold prompt each run


def run_case(pipeline: SandboxPipeline, prompt: str, width: int, height: int, out: Path) -> dict[str, float]:
    spec = _spec(prompt, width, height)
    _clear(pipeline)
    t0 = time.perf_counter()
    text = pipeline._encoder.encode_one(prompt)  # type: ignore[union-attr]
    t1 = time.perf_counter()
    pipeline._generator.sample(text, None, SEED)  # type: ignore[union-attr]
    t2 = time.perf_counter()
    scene = pipeline.sample_scene(prompt, "", SEED)
    t3 = time.perf_counter()
    frames = list(SceneRenderer(scene, width, height, FPS, spec.num_frames, SEED).frames())
    t4 = time.perf_counter()
    encode_mp4(Clip(width, height, FPS, len(frames), iter(frames)), out / "bare.mp4")
    t5 = time.perf_counter()
    del frames
    _clear(pipeline)
    t6 = time.perf_counter()
    encode_mp4(pipeline.generate(spec, NullControl()), out / "whole.mp4")
    t7 = time.perf_counter()
    return {"text": t1 - t0, "sample": t2 - t1, "render": t4 - t3, "encode": t5 - t4, "whole": t7 - t6}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=2, help="runs per case; the fastest is reported")
    parser.add_argument("--prompt", type=int, action="append", choices=range(1, len(PROMPTS) + 1),
                        help="time only this prompt (1-based; repeat the flag for several)")
    args = parser.parse_args()
    chosen = sorted(set(args.prompt or range(1, len(PROMPTS) + 1)))
    pipeline = SandboxPipeline()  # sets torch to one thread: x264 gets the other core
    pipeline.sample_scene("warm up", "", 0)
    print(f"sandbox clip, {SECONDS} s at {FPS} fps, torch threads {torch.get_num_threads()}, "
          f"{os.cpu_count()} CPUs; seconds (fastest of {args.repeat})\n")
    head = (f"{'case':<18} {'prompt':<7} {'text':>6} {'sample':>7} {'render':>7} {'encode':>7} "
            f"{'whole':>7} {'whole/encode':>13} {'ok':>4}")
    print(head)
    print("-" * len(head))
    with tempfile.TemporaryDirectory() as tmp:
        for resolution, ratio in CASES:
            width, height = output_size(ratio, resolution)
            for k, prompt in enumerate(PROMPTS):
                if k + 1 not in chosen:
                    continue
                runs = [run_case(pipeline, prompt, width, height, Path(tmp)) for _ in range(args.repeat)]
                best = {key: min(r[key] for r in runs) for key in runs[0]}
                ratio_ = best["whole"] / best["encode"]
                ok = ratio_ <= 1.5 and (resolution is not Resolution.P720 or best["whole"] <= 6.0)
                print(f"{resolution.value} {ratio.value:<5} {width}x{height:<5} #{k + 1:<6} {best['text']:6.2f} "
                      f"{best['sample']:7.2f} {best['render']:7.2f} {best['encode']:7.2f} {best['whole']:7.2f} "
                      f"{ratio_:12.2f}x {'yes' if ok else 'NO':>4}")
    print("\nrender: all frames alone; encode: bare MP4 of those frames; whole: generate + encode, overlapped.")
    print(f"prompts: {'; '.join(f'#{i + 1} {p!r}' for i, p in enumerate(PROMPTS))}")


if __name__ == "__main__":
    main()
