"""RFC 2397 ``data:`` URIs, parsed strictly.

The standard library's ``urllib.request.DataHandler`` decodes base64 leniently (it drops characters
outside the alphabet), so a mangled URI would turn into garbage bytes and fail later with a
confusing "could not decode an image". Parsing here lets the error say what is actually wrong.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

__all__ = ["DataURI", "MalformedDataURI", "decoded_size_bound", "parse_data_uri"]

_WHITESPACE = re.compile(rb"\s+")
_MEDIA_TYPE = re.compile(r"^[\w.+-]+/[\w.+-]+$")


class MalformedDataURI(ValueError):
    pass


@dataclass(frozen=True)
class DataURI:
    data: bytes
    media_type: str | None  # None when the URI names none (RFC 2397 would imply text/plain)


def _split(uri: str) -> tuple[str, bool, str]:
    if uri[:5].lower() != "data:":
        raise MalformedDataURI("not a data: URI")
    header, comma, payload = uri[5:].partition(",")
    if not comma:
        raise MalformedDataURI("missing the ',' that separates the header from the data")
    params = [p.strip() for p in header.split(";")]
    is_base64 = len(params) > 1 and params[-1].lower() == "base64"
    if is_base64:
        params.pop()
    media_type = params[0].lower()
    if media_type and not _MEDIA_TYPE.match(media_type):
        raise MalformedDataURI(f"invalid media type {params[0]!r}")
    return media_type, is_base64, payload


def decoded_size_bound(uri: str) -> int:
    """An upper bound of the decoded size, computed without decoding (to refuse huge URIs cheaply)."""
    _, is_base64, payload = _split(uri)
    # Whitespace and percent-escapes only make the payload longer than the data it carries.
    return (len(payload.rstrip("=")) * 3) // 4 if is_base64 else len(payload)


def parse_data_uri(uri: str) -> DataURI:
    media_type, is_base64, payload = _split(uri)
    raw = unquote_to_bytes(payload)
    if not is_base64:
        return DataURI(raw, media_type or None)
    # Clients wrap long base64 lines and some drop the padding or use the URL-safe alphabet.
    text = _WHITESPACE.sub(b"", raw)
    if b"-" in text or b"_" in text:
        text = text.replace(b"-", b"+").replace(b"_", b"/")
    text += b"=" * (-len(text) % 4)
    try:
        data = base64.b64decode(text, validate=True)
    except binascii.Error as exc:
        raise MalformedDataURI(f"invalid base64 data ({exc})") from None
    return DataURI(data, media_type or None)
