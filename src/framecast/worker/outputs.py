"""Keep a finished video in file storage and describe it as fal's video File."""

from __future__ import annotations

import secrets
import time
from pathlib import Path
from typing import Any

from framecast.media import VideoInfo
from framecast.services import Services
from framecast.store import FileRecord, RequestRecord


def save_video(services: Services, rec: RequestRecord, path: Path, info: VideoInfo) -> dict[str, Any]:
    file_id = secrets.token_urlsafe(16)
    file_name = f"{rec.id}.mp4"
    key = f"{rec.owner}/{file_id}/{file_name}"
    size = services.files.put_path(key, str(path), "video/mp4")
    now = time.time()
    ttl = rec.output_ttl if rec.output_ttl is not None else services.settings.file_ttl_seconds
    services.store.add_file(
        FileRecord(
            id=file_id, owner=rec.owner, key=key, file_name=file_name, content_type="video/mp4", size=size,
            created_at=now, expires_at=now + ttl, request_id=rec.id,
        )
    )
    base = (services.settings.public_url or rec.base_url or "").rstrip("/")
    return {
        "url": base + services.signer.path(file_id, file_name),
        "content_type": "video/mp4",
        "file_name": file_name,
        "file_size": size,
        "width": info.width,
        "height": info.height,
        "fps": info.fps,
        "duration": info.duration,
        "num_frames": info.num_frames,
    }
