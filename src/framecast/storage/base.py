"""The FileStore protocol: bytes by key, nothing else.

Who owns a file, its name, type and expiry are rows in the JobStore; a FileStore only keeps bytes,
so a local directory and an S3-compatible bucket are interchangeable.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, Protocol


@dataclass(frozen=True)
class PartInfo:
    number: int
    etag: str


class FileStore(Protocol):
    def put(self, key: str, data: bytes | BinaryIO, content_type: str = "application/octet-stream") -> int:
        """Store bytes (or a readable stream) under ``key``; return the size written."""

    def put_path(self, key: str, path: str, content_type: str = "application/octet-stream") -> int:
        """Store a local file under ``key`` (moved or copied); return its size."""

    def size(self, key: str) -> int:
        """Size in bytes; ``FileNotFoundError`` when absent."""

    def read(self, key: str) -> bytes: ...

    def iter_range(self, key: str, start: int, end: int, chunk_size: int = 256 * 1024) -> Iterator[bytes]:
        """Bytes ``start`` to ``end`` inclusive, in chunks."""

    def delete(self, key: str) -> None:
        """Remove; absent keys are not an error."""

    def begin_multipart(self, key: str, content_type: str = "application/octet-stream") -> str:
        """Start a multipart upload; return its token."""

    def put_part(self, key: str, token: str, number: int, data: bytes) -> str:
        """Store part ``number`` (1-based); return its etag."""

    def complete_multipart(self, key: str, token: str, parts: list[PartInfo]) -> int:
        """Assemble the parts in order; return the final size."""

    def abort_multipart(self, key: str, token: str) -> None: ...
