"""`framecast generate`: a progress bar over a local run, or over a request on a server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from framecast.catalog.endpoints import Endpoint
from framecast.config import Settings
from framecast.generate import as_url, generate_local


class BarControl:
    """A RunControl that draws the pipeline's progress; nothing to cancel locally but Ctrl-C."""

    def __init__(self, progress: Progress, task: TaskID) -> None:
        self.progress = progress
        self.task = task

    def step(self, step: int, total: int, stage: str) -> None:
        self.progress.update(self.task, completed=step, total=max(total, 1), description=stage)

    def log(self, message: str, level: str = "INFO") -> None:
        self.progress.console.log(message)

    def check_cancelled(self) -> None:
        return None


def _bar() -> Progress:
    return Progress(TextColumn("{task.description:>16}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                    TimeElapsedColumn(), transient=False)


def _with_urls(data: dict[str, Any], convert: Any) -> dict[str, Any]:
    out = dict(data)
    for field in ("image_url", "video_url"):
        if field in out:
            out[field] = convert(out[field])
    if "images" in out:
        out["images"] = [{"image_url": convert(i["image_url"])} for i in out["images"]]
    return out


def run_generate(endpoint: Endpoint, data: dict[str, Any], output: Path, *, url: str | None,
                 key: str | None) -> None:
    if url:
        from framecast.cli_remote import run_remote

        run_remote(endpoint, _with_urls(data, as_url), output, url=url, key=key)
        return
    settings = Settings()
    with _bar() as progress:
        task = progress.add_task("starting", total=1)
        result = generate_local(settings, endpoint, _with_urls(data, as_url), output, BarControl(progress, task))
    info = result.info
    click.echo(f"{output}: {info.width}x{info.height}, {info.num_frames} frames, {info.duration:.2f} s, "
               f"seed {result.seed}, {result.seconds:.1f} s")
