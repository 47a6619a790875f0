"""`framecast serve | worker | generate | keys | endpoints | models | sandbox`."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from framecast.catalog.endpoints import ENDPOINTS, get_endpoint
from framecast.catalog.schema import AspectRatio, Resolution
from framecast.config import Settings
from framecast.errors import FramecastError

DEFAULT_ENDPOINT = "fal-ai/pika/v2.2/text-to-video"


def _settings(home: Path | None = None, **overrides: Any) -> Settings:
    values = {k: v for k, v in overrides.items() if v is not None}
    if home is not None:
        values["home"] = home
    return Settings(**values)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="framecast")
def main() -> None:
    """framecast: self-hosted video generation that speaks fal.ai's queue protocol."""


# -- serve / worker ------------------------------------------------------------------------------

@main.command()
@click.option("--host", default=None, help="Interface to listen on (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default 8000).")
@click.option("--workers", type=int, default=None, help="Worker processes to spawn (default 1; 0 for none).")
@click.option("--home", type=click.Path(path_type=Path), default=None, help="Data directory (default ~/.framecast).")
@click.option("--public-url", default=None, help="The URL clients reach this service at, if not the Host header.")
@click.option("--tls", is_flag=True, help="Serve https with a self-signed certificate (for FAL_RUN_HOST).")
@click.option("--log-level", default="info", show_default=True)
@click.option("--access-log/--no-access-log", default=False, show_default=True,
              help="Log every HTTP request (pollers make this loud and slower).")
def serve(host: str | None, port: int | None, workers: int | None, home: Path | None, public_url: str | None,
          tls: bool, log_level: str, access_log: bool) -> None:
    """Run the service: the API and its worker processes, on the embedded defaults."""
    import uvicorn

    from framecast.api.app import create_app
    from framecast.services import Services

    settings = _settings(home, host=host, port=port, workers=workers, public_url=public_url)
    services = Services.open(settings)
    if settings.auth and not services.store.list_keys():
        key, secret = services.store.create_key("first key")
        click.echo("\nA key was created for this service. It is shown once; keep it:\n")
        click.secho(f"    FAL_KEY={key.id}:{secret}\n", bold=True)
    ssl: dict[str, Any] = {}
    scheme = "http"
    if tls:
        from framecast.tls import ensure_certificate

        cert, key_file = ensure_certificate(settings.home / "tls", settings.host)
        ssl = {"ssl_certfile": str(cert), "ssl_keyfile": str(key_file)}
        scheme = "https"
        hostport = f"{settings.host}:{settings.port}"
        click.echo("fal-client, unmodified, against this server:\n")
        click.echo(f"    export FAL_RUN_HOST={hostport}")
        click.echo(f"    export FAL_QUEUE_RUN_HOST={hostport}/queue")
        click.echo(f"    export SSL_CERT_FILE={cert}\n")
    app = create_app(settings, services, workers=settings.workers)
    click.echo(f"framecast listening on {scheme}://{settings.host}:{settings.port} "
               f"({settings.workers} worker(s), home {settings.home})")
    uvicorn.run(app, host=settings.host, port=settings.port, log_level=log_level, access_log=access_log, **ssl)


@main.command()
@click.option("--home", type=click.Path(path_type=Path), default=None)
def worker(home: Path | None) -> None:
    """Run one worker process against the configured store (FRAMECAST_DATABASE_URL)."""
    from framecast.worker.main import run_worker

    run_worker(_settings(home))


# -- generate ------------------------------------------------------------------------------------

@main.command()
@click.argument("prompt", required=False, default="")
@click.option("--endpoint", default=DEFAULT_ENDPOINT, show_default=True)
@click.option("--aspect-ratio", type=click.Choice([a.value for a in AspectRatio]), default=None)
@click.option("--resolution", type=click.Choice([r.value for r in Resolution]), default=None)
@click.option("--duration", type=int, default=None, help="Seconds (1-10).")
@click.option("--seed", type=int, default=None)
@click.option("--negative-prompt", default=None)
@click.option("--image", "images", multiple=True, help="Image path or URL (repeat for Pikascenes).")
@click.option("--video", default=None, help="Video path or URL (Pikadditions, Pikaswaps).")
@click.option("--pikaffect", default=None, help="Effect name for fal-ai/pika/v1.5/pikaffects.")
@click.option("--modify-region", default=None, help="Region to replace (Pikaswaps).")
@click.option("--ingredients-mode", type=click.Choice(["creative", "precise"]), default=None)
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("out.mp4"), show_default=True)
@click.option("--url", default=None, help="Run on a framecast server instead of in this process.")
@click.option("--key", default=None, envvar="FRAMECAST_KEY", help="Key for --url (or FRAMECAST_KEY).")
def generate(prompt: str, endpoint: str, aspect_ratio: str | None, resolution: str | None, duration: int | None,
             seed: int | None, negative_prompt: str | None, images: tuple[str, ...], video: str | None,
             pikaffect: str | None, modify_region: str | None, ingredients_mode: str | None, output: Path,
             url: str | None, key: str | None) -> None:
    """Generate one video from PROMPT, in this process by default."""
    from framecast.cli_generate import run_generate

    ep = get_endpoint(endpoint)
    if ep is None:
        raise click.BadParameter("unknown endpoint; see `framecast endpoints`", param_hint="--endpoint")
    fields = ep.input_model.model_fields
    data: dict[str, Any] = {"prompt": prompt or None, "aspect_ratio": aspect_ratio, "resolution": resolution,
                            "duration": duration, "seed": seed, "negative_prompt": negative_prompt,
                            "pikaffect": pikaffect, "modify_region": modify_region,
                            "ingredients_mode": ingredients_mode}
    if images:
        if "images" in fields:
            data["images"] = [{"image_url": i} for i in images]
        else:
            data["image_url"] = images[0]
    if video:
        data["video_url"] = video
    data = {k: v for k, v in data.items() if v is not None and k in fields}
    try:
        run_generate(ep, data, output, url=url, key=key)
    except FramecastError as exc:
        click.secho(f"error: {exc.message}", fg="red", err=True)
        sys.exit(2)


# -- keys, endpoints -----------------------------------------------------------------------------

@main.group()
def keys() -> None:
    """Create, list and revoke API keys."""


def _store(home: Path | None) -> Any:
    from framecast.store import open_store

    settings = _settings(home)
    settings.ensure_home()
    return open_store(settings.resolved_database_url)


@keys.command("create")
@click.option("--name", default="key", show_default=True)
@click.option("--home", type=click.Path(path_type=Path), default=None)
def keys_create(name: str, home: Path | None) -> None:
    """Create a key; its secret is printed once."""
    key, secret = _store(home).create_key(name)
    click.echo(f"{key.id}:{secret}")


@keys.command("list")
@click.option("--home", type=click.Path(path_type=Path), default=None)
def keys_list(home: Path | None) -> None:
    from datetime import UTC, datetime

    for key in _store(home).list_keys():
        created = datetime.fromtimestamp(key.created_at, UTC).strftime("%Y-%m-%d %H:%M")
        state = "revoked" if key.revoked_at else "active"
        click.echo(f"{key.id}  {state:8} {created}  {key.name}")


@keys.command("revoke")
@click.argument("key_id")
@click.option("--home", type=click.Path(path_type=Path), default=None)
def keys_revoke(key_id: str, home: Path | None) -> None:
    if not _store(home).revoke_key(key_id.split(":")[0]):
        click.secho(f"no active key {key_id}", fg="red", err=True)
        sys.exit(1)
    click.echo(f"revoked {key_id.split(':')[0]}")


@main.command()
@click.option("--json", "as_json", is_flag=True)
def endpoints(as_json: bool) -> None:
    """The endpoints served, with the pipeline each one uses."""
    from framecast.engine.registry import pipeline_ref

    settings = Settings()
    rows = [{"id": e.id, "task": e.task.value, "input": e.input_schema_name,
             "pipeline": pipeline_ref(e.id, settings)} for e in ENDPOINTS]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        click.echo(f"{row['id']:40} {row['task']:16} {row['pipeline']}")


def _attach_optional_groups() -> None:
    """`models` (diffusers backends) and `sandbox` (train/eval) live with their engines."""
    from framecast.engine.diffusers.cli import models  # imports diffusers only when a command runs

    main.add_command(models)
    try:
        from framecast.engine.sandbox.cli import sandbox

        main.add_command(sandbox)
    except ImportError:
        pass


_attach_optional_groups()

if __name__ == "__main__":  # pragma: no cover
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
