"""Turn an input's file fields (image_url, video_url, images[].image_url) into decoded media."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import unquote, urlparse

from pydantic import BaseModel

from framecast.catalog.files import file_fields
from framecast.engine.types import InputImage, InputVideo
from framecast.errors import InputError
from framecast.media import Fetcher, decode_image, decode_video, field_loc
from framecast.services import Services
from framecast.storage.signing import parse_file_path


def local_resolver(services: Services, owner: str) -> Callable[[str], bytes | None]:
    """Read this service's own file URLs from storage instead of over HTTP."""

    def resolve(url: str) -> bytes | None:
        parsed = parse_file_path(unquote(urlparse(url).path))
        if parsed is None:
            return None
        file_id, _sig, _rest = parsed
        record = services.store.get_file(file_id)
        if record is None:
            return None
        if record.owner != owner or not record.complete or (
            record.expires_at is not None and record.expires_at < time.time()
        ):
            raise FileNotFoundError(url)
        return services.files.read(record.key)

    return resolve


def resolve_inputs(
    inp: BaseModel, fetcher: Fetcher, max_video_seconds: float
) -> tuple[tuple[InputImage, ...], InputVideo | None]:
    images: list[InputImage] = []
    video: InputVideo | None = None
    for field, url, kind in file_fields(inp):
        try:
            fetched = fetcher.fetch(url, field)
        except FileNotFoundError:
            raise InputError.at(
                field_loc(field), f"{field}: file not found, expired, or not yours", "file_download_error"
            ) from None
        if kind == "image":
            images.append(decode_image(fetched.data, field))
        else:
            video = decode_video(fetched.data, field, max_video_seconds)
    return tuple(images), video
