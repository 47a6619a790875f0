"""``framecast models list | check | variants``: what is configured, and whether it can serve."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from framecast.catalog.endpoints import ENDPOINTS
from framecast.config import Settings
from framecast.engine.diffusers.config import load_models_file
from framecast.errors import ConfigurationError

__all__ = ["models"]


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _models_path(models_file: Path | None) -> Path:
    path = models_file or Settings().models_file
    if path is None:
        raise click.ClickException(
            "no models file: pass --models-file or set FRAMECAST_MODELS_FILE (see models.example.toml); "
            "without one every endpoint runs on the built-in sandbox model"
        )
    return path


_models_file_option = click.option(
    "--models-file", type=click.Path(path_type=Path, dir_okay=False), default=None,
    help="The models TOML (default: FRAMECAST_MODELS_FILE).",
)


@click.group()
def models() -> None:
    """The open video models (diffusers) that serve the endpoints."""


@models.command("list")
@_models_file_option
def list_models(models_file: Path | None) -> None:
    """Which model serves each endpoint, and how it is configured."""
    path = _models_path(models_file)
    try:
        config = load_models_file(path)
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from None
    header = ["endpoint", "model", "family/variant", "weights", "dtype", "device", "options"]
    rows = [header]
    for endpoint in ENDPOINTS:
        binding = config.bindings.get(endpoint.id)
        if binding is None:
            rows.append([endpoint.id, "(sandbox)", "-", "-", "-", "-", "-"])
            continue
        m = config.models[binding.model]
        options = m.options_summary()
        if binding.steps:
            options += f" (endpoint: steps={binding.steps})"
        rows.append([
            endpoint.id, m.name, m.variant_info.label, m.weights, m.component_dtypes()["default"], m.device, options,
        ])
    click.echo(f"models file: {path}\n")
    click.echo(_table(rows))
    unused = sorted(set(config.models) - set(config.endpoints.values()))
    if unused:
        click.echo(f"\ndefined but serving no endpoint: {', '.join(unused)}")


@models.command("check")
@_models_file_option
@click.option("--allow-downloads/--no-allow-downloads", default=None,
              help="Treat weights missing from the cache as downloadable (default: FRAMECAST_ALLOW_DOWNLOADS).")
def check(models_file: Path | None, allow_downloads: bool | None) -> None:
    """Verify every configured weight is present and loadable; exit 1 on any error."""
    from framecast.engine.diffusers.check import check_models

    path = _models_path(models_file)
    allow = Settings().allow_downloads if allow_downloads is None else allow_downloads
    problems = check_models(path, allow_downloads=allow)
    for problem in problems:
        click.echo(str(problem))
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    click.echo(f"{path}: {errors} error(s), {warnings} warning(s)" if problems else f"{path}: ok")
    sys.exit(1 if errors else 0)


@models.command("variants")
def variants() -> None:
    """Every family/variant a models file may name, with its default weights and limits."""
    from framecast.engine.diffusers.families import all_variants

    rows = [["family/variant", "default weights", "tasks", "frames", "size", "fps", "resolutions", "GPU memory"]]
    for v in all_variants():
        c = v.constraints
        size = f"{c.fixed_size[0]}x{c.fixed_size[1]} only" if c.fixed_size else f"%{c.size_multiple}"
        rows.append([
            v.label, v.hub_id, ",".join(sorted(t.value for t in v.tasks)), f"{c.frame_step}k+1<={c.max_frames}",
            size, str(c.fps), ",".join(c.areas), v.memory,
        ])
    click.echo(_table(rows))
