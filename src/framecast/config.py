"""One Settings object for the whole service, read from FRAMECAST_* environment variables.

The defaults are the embedded deployment: everything under ``home`` (SQLite database, files,
keys), the sandbox model for every endpoint, auth on, private addresses refused.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_HOME = Path.home() / ".framecast"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FRAMECAST_", extra="ignore")

    home: Path = Field(default=DEFAULT_HOME, description="Where the embedded database, files and keys live.")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default sqlite under home. postgresql+psycopg://… to share."
    )
    storage_url: str | None = Field(
        default=None, description="file:///dir (default: home/files) or s3://bucket/prefix."
    )
    s3_endpoint_url: str | None = None
    s3_region: str | None = None
    public_url: str | None = Field(
        default=None, description="The base URL clients reach this service at; default: from the Host header."
    )

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1

    auth: bool = Field(default=True, description="Require `Authorization: Key id:secret` on every call.")

    # Inputs
    allow_private_urls: bool = Field(default=False, description="Fetch inputs from private/link-local addresses.")
    allow_loopback_urls: bool = Field(default=False, description="Fetch inputs from loopback addresses.")
    max_input_file_bytes: int = 64 * 1024**2
    max_upload_bytes: int = 2 * 1024**3
    max_body_bytes: int = 96 * 1024**2
    max_input_video_seconds: float = 30.0
    fetch_timeout_seconds: float = 30.0

    # Output
    output_fps: int = 24
    x264_preset: str = "veryfast"
    x264_crf: int = 20

    # Queue and workers
    lease_seconds: float = 30.0
    heartbeat_seconds: float = 5.0
    max_attempts: int = 3
    idle_poll_seconds: float = 0.02
    cancel_grace_seconds: float = 15.0
    request_retention_seconds: float = 7 * 86400
    file_ttl_seconds: float = 7 * 86400

    # Webhooks: ten tries spread over two hours by default
    webhook_max_attempts: int = 10
    webhook_window_seconds: float = 7200.0
    webhook_timeout_seconds: float = 10.0

    # Pipelines
    default_pipeline: str = Field(default="sandbox", description="Pipeline for endpoints not in `pipelines`.")
    pipelines: dict[str, str] = Field(
        default_factory=dict, description="endpoint id -> pipeline ref (sandbox, diffusers:<model>, module:attr)."
    )
    models_file: Path | None = Field(default=None, description="TOML describing diffusers models.")
    allow_downloads: bool = Field(default=False, description="Let backends fetch weights from a hub when serving.")

    @cached_property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'framecast.db'}"

    @cached_property
    def resolved_storage_url(self) -> str:
        return self.storage_url or (self.home / "files").as_uri()

    def pipeline_for(self, endpoint_id: str) -> str:
        return self.pipelines.get(endpoint_id, self.default_pipeline)

    def ensure_home(self) -> Path:
        self.home.mkdir(parents=True, exist_ok=True)
        return self.home
