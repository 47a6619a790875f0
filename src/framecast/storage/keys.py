"""What a storage key may be: a relative path that stays inside the store."""

from __future__ import annotations

__all__ = ["RESERVED_PREFIX", "validate_key"]

# The local store keeps temporary files and multipart parts here, out of the key space.
RESERVED_PREFIX = ".framecast"


def validate_key(key: str) -> str:
    """Return ``key`` unchanged, or raise ValueError if it could escape the store or is ambiguous.

    The same rules hold for every backend, so a key accepted by one store is accepted by all.
    """
    if not key:
        raise ValueError("a storage key cannot be empty")
    if "\x00" in key:
        raise ValueError(f"storage key {key!r} contains a NUL byte")
    if key.startswith(("/", "\\")) or (len(key) > 1 and key[1] == ":"):
        raise ValueError(f"storage key {key!r} must be relative, not absolute")
    segments = key.replace("\\", "/").split("/")
    if any(segment in ("", ".", "..") for segment in segments):
        raise ValueError(f"storage key {key!r} has an empty, '.' or '..' segment")
    if segments[0] == RESERVED_PREFIX:
        raise ValueError(f"storage keys under {RESERVED_PREFIX}/ are reserved")
    return key
