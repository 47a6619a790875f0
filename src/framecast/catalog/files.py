"""Which input fields name files, and where they sit in the body (for error locations)."""

from __future__ import annotations

from pydantic import BaseModel


def file_fields(inp: BaseModel) -> list[tuple[str, str, str]]:
    """(field path, url, "image" | "video") for every file the input names, in schema order.

    The path is dotted with list indexes, e.g. ``images.0.image_url``.
    """
    out: list[tuple[str, str, str]] = []
    for name in type(inp).model_fields:
        value = getattr(inp, name)
        if name == "images" and isinstance(value, list):
            out.extend((f"images.{i}.image_url", item.image_url, "image") for i, item in enumerate(value))
        elif name == "image_url" and value:
            out.append(("image_url", value, "image"))
        elif name == "video_url" and value:
            out.append(("video_url", value, "video"))
    return out

