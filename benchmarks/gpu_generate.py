#!/usr/bin/env python
"""Seconds per clip, seconds per denoising step and peak memory of one configured model.

Runs a 5 s text-to-video clip at 480p and at 720p, each with the model's speed options off
(baseline) and on (speed), every run in a fresh process so peak memory is that run's own:

    python benchmarks/gpu_generate.py --models-file /etc/framecast/models.toml --model wan21-t2v-14b
    python benchmarks/gpu_generate.py                      # a tiny random Wan model, built on the fly

"speed" is the model's configured attention backend, torch.compile and cache; when the
configuration sets none of them, the benchmark turns on compile + first-block cache (and
SageAttention / FlashAttention on CUDA when installed). Each run generates once to warm up
(loading, compiling) and then times ``--repeat`` clips. Peak memory is
``torch.cuda.max_memory_allocated`` on a GPU and the process's peak RSS (model included) on CPU.

Figures from the tiny model on a CPU prove the script and the code paths work; they say nothing
about real models on GPUs (the expected GPU figures, with sources, are in docs/backends.md).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SIZES = {"480p": (854, 480), "720p": (1280, 720)}


def _speed_options(config: dict[str, Any], cuda: bool) -> dict[str, Any]:
    configured = config.get("attention_backend") or config.get("compile") or config["cache"]["kind"] != "none"
    if configured:
        return {}
    options: dict[str, Any] = {"compile": True, "cache": {"kind": "first_block", "threshold": 0.05}}
    if cuda and importlib.util.find_spec("sageattention"):
        options["attention_backend"] = "sage"
    elif cuda and importlib.util.find_spec("flash_attn"):
        options["attention_backend"] = "flash"
    return options


class _TimingControl:
    def __init__(self) -> None:
        self.step_times: list[float] = []

    def step(self, step: int, total: int, stage: str) -> None:
        if stage == "denoising":
            self.step_times.append(time.perf_counter())

    def log(self, message: str, level: str = "INFO") -> None:
        return None

    def check_cancelled(self) -> None:
        return None


def run_one(job: dict[str, Any]) -> dict[str, Any]:
    """One (resolution, mode) measurement; runs in its own process."""
    import torch

    from framecast.catalog.endpoints import Task
    from framecast.engine.diffusers import DiffusersPipeline, load_models_file
    from framecast.engine.diffusers.config import parse_models
    from framecast.engine.types import GenerationSpec

    models = load_models_file(job["models_file"])
    base = models.model(job["model"]).model_dump(exclude={"name"}, mode="json")
    cuda = torch.cuda.is_available() and base.get("device") != "cpu"
    if job["mode"] == "baseline":
        base.update(attention_backend=None, compile=False, cache={"kind": "none"})
    else:
        base.update(_speed_options(base, cuda))
    base["resolution"] = job["resolution"]
    if job["tiny"]:
        base["fps"] = None  # the test fixture's low fps is for test speed; benchmark at the native rate
    if job.get("steps"):
        base["steps"] = job["steps"]
    config = parse_models({"models": {job["model"]: base}}).models[job["model"]]
    pipe = DiffusersPipeline(job["model"], config, allow_downloads=job["allow_downloads"])
    width, height = SIZES[job["resolution"]]
    spec = GenerationSpec(
        endpoint_id="benchmark", task=Task.TEXT_TO_VIDEO, seed=0, width=width, height=height, fps=24,
        num_frames=24 * job["seconds"], prompt="a red fox runs through fresh snow, cinematic, golden hour",
        negative_prompt="blurry, low quality",
    )

    def generate() -> tuple[float, _TimingControl, Any]:
        control = _TimingControl()
        started = time.perf_counter()
        clip = pipe.generate(spec, control)
        for _ in clip.iter_frames():  # the resampling is part of a clip's cost
            pass
        return time.perf_counter() - started, control, clip

    generate()  # warm-up: loading, compilation, allocator growth
    if cuda:
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    clip_times, step_times = [], []
    clip = None
    for _ in range(job["repeat"]):
        seconds, control, clip = generate()
        clip_times.append(seconds)
        t = control.step_times
        if len(t) >= 2:
            step_times.append((t[-1] - t[0]) / (len(t) - 1))
    peak = (
        torch.cuda.max_memory_allocated() / 2**30
        if cuda
        else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB on Linux
    )
    assert clip is not None
    return {
        "resolution": job["resolution"],
        "mode": job["mode"],
        "generated": clip.metadata["generated"],
        "steps": clip.metadata["steps"],
        "seconds_per_clip": sum(clip_times) / len(clip_times),
        "seconds_per_step": sum(step_times) / len(step_times) if step_times else float("nan"),
        "peak_gib": peak,
        "memory_kind": "cuda max allocated" if cuda else "peak RSS",
        "device": torch.cuda.get_device_name() if cuda else f"cpu ({os.cpu_count()} cores)",
        "options": config.options_summary(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models-file", type=Path, help="models TOML (default: a tiny model built on the fly)")
    parser.add_argument("--model", help="model name in the models file")
    parser.add_argument("--resolutions", nargs="+", default=list(SIZES), choices=list(SIZES))
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--steps", type=int, help="denoising steps (default: the model's; tiny: 3)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--allow-downloads", action="store_true")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(json.loads(args.one))))
        return

    tiny = args.models_file is None
    workdir = tempfile.TemporaryDirectory(prefix="framecast-bench-") if tiny else None
    if workdir is not None:
        from framecast.engine.diffusers.tiny import write_tiny_models

        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        models_file, model = write_tiny_models(Path(workdir.name), ["tiny-wan-t2v-14b"]), "tiny-wan-t2v-14b"
        steps = args.steps or 3
    else:
        models_file, model, steps = args.models_file, args.model, args.steps
        if not model:
            parser.error("--model is required with --models-file")
    results = []
    for resolution in args.resolutions:
        for mode in ("baseline", "speed"):
            job = {
                "models_file": str(models_file), "model": model, "resolution": resolution, "mode": mode,
                "seconds": args.seconds, "steps": steps, "repeat": args.repeat,
                "allow_downloads": args.allow_downloads, "tiny": tiny,
            }
            print(f"running {resolution} {mode} ...", file=sys.stderr, flush=True)
            done = subprocess.run(
                [sys.executable, __file__, "--one", json.dumps(job)], capture_output=True, text=True, check=False
            )
            if done.returncode != 0:
                sys.stderr.write(done.stderr[-3000:])
                raise SystemExit(f"{resolution} {mode} failed")
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    label = "TINY RANDOM MODEL" if tiny else "configured model"
    print(f"\n{label}: {model} on {results[0]['device']}; {args.seconds} s clip at 24 fps output; "
          f"memory = {results[0]['memory_kind']}\n")
    print("| resolution | mode | generated WxHxF | steps | s/clip | s/step | peak GiB | options |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['resolution']} | {r['mode']} | {r['generated']} | {r['steps']} | {r['seconds_per_clip']:.2f} "
              f"| {r['seconds_per_step']:.2f} | {r['peak_gib']:.2f} | {r['options']} |")
    if workdir is not None:
        workdir.cleanup()


if __name__ == "__main__":
    main()
