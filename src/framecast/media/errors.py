"""How media reports unusable input: 422/413 details located at the request field they came from.

``field`` is the dotted path of the input (``"image_url"``, ``"images.0.image_url"``); every error
here turns it into the FastAPI-style ``loc`` that clients match on.
"""

from __future__ import annotations

import re
from typing import Any

from framecast.errors import InputError

__all__ = [
    "download_failed",
    "field_loc",
    "file_too_large",
    "image_load_error",
    "image_too_large",
    "invalid_data_uri",
    "invalid_url",
    "video_load_error",
    "video_too_large",
]

_SEGMENT = re.compile(r"[^.\[\]]+")


def field_loc(field: str) -> tuple[str | int, ...]:
    """``"images.0.image_url"`` (or ``"images[0].image_url"``) -> ``("body", "images", 0, "image_url")``.

    Numeric segments become ints because that is how FastAPI reports list indexes.
    """
    parts: list[str | int] = ["body"]
    for segment in _SEGMENT.findall(field):
        parts.append(int(segment) if segment.isdigit() else segment)
    return tuple(parts)


def _at(field: str, msg: str, type: str, status: int = 422, **ctx: Any) -> InputError:
    return InputError.at(field_loc(field), msg, type, status, **ctx)


def invalid_url(field: str, msg: str) -> InputError:
    return _at(field, msg, "invalid_url")


def invalid_data_uri(field: str, reason: str) -> InputError:
    return _at(field, f"malformed data URI: {reason}", "invalid_data_uri")


def download_failed(field: str, msg: str) -> InputError:
    return _at(field, msg, "file_download_error")


def file_too_large(field: str, max_bytes: int) -> InputError:
    return _at(
        field,
        f"the file is larger than the limit of {max_bytes} bytes",
        "file_too_large",
        status=413,
        max_bytes=max_bytes,
    )


def image_load_error(field: str) -> InputError:
    return _at(field, "could not decode an image (expected PNG, JPEG, WebP, GIF or BMP)", "image_load_error")


def image_too_large(field: str, size: tuple[int, int] | None, max_side: int) -> InputError:
    shown = f"{size[0]}x{size[1]}" if size else "too many pixels"
    return _at(
        field,
        f"the image is {shown}; at most {max_side} pixels on a side are accepted",
        "image_too_large",
        max_side=max_side,
    )


def video_load_error(field: str, reason: str) -> InputError:
    return _at(field, f"could not decode a video ({reason})", "video_load_error")


def video_too_large(
    field: str, width: int, height: int, max_side: int, max_decoded_bytes: int | None = None
) -> InputError:
    if max_decoded_bytes is not None:
        msg = f"the video decodes to more than {max_decoded_bytes} bytes of frames; send a shorter or smaller one"
        return _at(field, msg, "video_too_large", max_decoded_bytes=max_decoded_bytes)
    return _at(
        field,
        f"the video is {width}x{height}; at most {max_side} pixels on a side are accepted",
        "video_too_large",
        max_side=max_side,
    )
