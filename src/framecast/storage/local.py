"""A FileStore in a local directory.

Every write lands in a temporary file under ``root/.framecast/tmp`` and is renamed into place, so
a reader sees a whole file or none. Multipart parts live under ``root/.framecast/multipart/<token>``.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from framecast.storage.base import PartInfo
from framecast.storage.keys import RESERVED_PREFIX, validate_key

__all__ = ["LocalFileStore"]

_COPY_CHUNK = 1024 * 1024
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
MAX_PART_NUMBER = 10_000  # S3's limit, kept so both stores accept the same uploads


class LocalFileStore:
    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).resolve()
        self._tmp = self.root / RESERVED_PREFIX / "tmp"
        self._multipart = self.root / RESERVED_PREFIX / "multipart"
        self._tmp.mkdir(parents=True, exist_ok=True)
        self._multipart.mkdir(parents=True, exist_ok=True)

    def __repr__(self) -> str:
        return f"LocalFileStore({str(self.root)!r})"

    # Whole files --------------------------------------------------------------------------------

    def put(self, key: str, data: bytes | BinaryIO, content_type: str = "application/octet-stream") -> int:
        destination = self._path(key)
        with self._staged(destination) as file:
            if isinstance(data, bytes | bytearray | memoryview):
                file.write(data)
            else:
                shutil.copyfileobj(data, file, _COPY_CHUNK)
            return file.tell()

    def put_path(self, key: str, path: str, content_type: str = "application/octet-stream") -> int:
        """Move ``path`` into the store when it is on the same filesystem; copy it otherwise."""
        destination = self._path(key)
        destination.parent.mkdir(parents=True, exist_ok=True)
        size = os.stat(path).st_size
        try:
            os.replace(path, destination)
            return size
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
        with open(path, "rb") as source, self._staged(destination) as file:
            shutil.copyfileobj(source, file, _COPY_CHUNK)
            return file.tell()

    def size(self, key: str) -> int:
        return self._existing(key).stat().st_size

    def read(self, key: str) -> bytes:
        return self._existing(key).read_bytes()

    def iter_range(self, key: str, start: int, end: int, chunk_size: int = 256 * 1024) -> Iterator[bytes]:
        """Opened now, so a missing key or a bad range raises here rather than mid-response."""
        path = self._existing(key)
        file = path.open("rb")
        try:
            end = _clamp_range(start, end, os.fstat(file.fileno()).st_size)
        except BaseException:
            file.close()
            raise
        return _read_range(file, start, end, chunk_size)

    def delete(self, key: str) -> None:
        path = self._path(key)
        if not path.is_dir():  # a directory is a key prefix, not a file: nothing to delete
            path.unlink(missing_ok=True)

    # Multipart ----------------------------------------------------------------------------------

    def begin_multipart(self, key: str, content_type: str = "application/octet-stream") -> str:
        validate_key(key)
        token = uuid.uuid4().hex
        directory = self._multipart / token
        directory.mkdir()
        (directory / "upload.json").write_text(json.dumps({"key": key}))
        return token

    def put_part(self, key: str, token: str, number: int, data: bytes) -> str:
        directory = self._upload(key, token)
        if not 1 <= number <= MAX_PART_NUMBER:
            raise ValueError(f"part numbers run from 1 to {MAX_PART_NUMBER}, got {number}")
        # Written aside and renamed, so a retried part replaces the old one whole.
        with self._staged(directory / f"{number:05d}.part") as file:
            file.write(data)
        return hashlib.md5(data, usedforsecurity=False).hexdigest()

    def complete_multipart(self, key: str, token: str, parts: list[PartInfo]) -> int:
        directory = self._upload(key, token)
        ordered = sorted(parts, key=lambda part: part.number)
        if not ordered:
            raise ValueError("a multipart upload needs at least one part")
        numbers = [part.number for part in ordered]
        if len(set(numbers)) != len(numbers):
            raise ValueError(f"part numbers repeat: {numbers}")
        files = [directory / f"{number:05d}.part" for number in numbers]
        for number, file in zip(numbers, files, strict=True):
            if not file.is_file():
                raise ValueError(f"part {number} was not uploaded")
        # Etags are checked while the parts are copied; a mismatch discards the half-assembled file.
        with self._staged(self._path(key)) as out:
            for part, file in zip(ordered, files, strict=True):
                if _copy_hashing(file, out) != part.etag.strip('"'):
                    raise ValueError(f"part {part.number}: etag {part.etag!r} does not match the uploaded part")
            size = out.tell()
        shutil.rmtree(directory, ignore_errors=True)
        return size

    def abort_multipart(self, key: str, token: str) -> None:
        try:
            directory = self._upload(key, token)
        except ValueError:
            return  # already completed or aborted
        shutil.rmtree(directory, ignore_errors=True)

    # Helpers ------------------------------------------------------------------------------------

    def _path(self, key: str) -> Path:
        return self.root / validate_key(key)

    def _existing(self, key: str) -> Path:
        path = self._path(key)
        if not path.is_file():  # a directory is a key prefix, not a file
            raise FileNotFoundError(key)
        return path

    def _upload(self, key: str, token: str) -> Path:
        validate_key(key)
        directory = self._multipart / token
        if not _TOKEN.match(token) or not directory.is_dir():
            raise ValueError(f"no multipart upload {token!r}")
        if json.loads((directory / "upload.json").read_text())["key"] != key:
            raise ValueError(f"multipart upload {token!r} is not for key {key!r}")
        return directory

    @contextmanager
    def _staged(self, destination: Path) -> Iterator[BinaryIO]:
        """A temporary file that replaces ``destination`` if the block succeeds, and vanishes if not."""
        destination.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=self._tmp)
        staged = Path(name)
        try:
            with os.fdopen(fd, "wb") as file:
                # mkstemp's 0600 would hide stored files from a web server sharing the directory.
                os.fchmod(file.fileno(), 0o644)
                yield file
            os.replace(staged, destination)
        except BaseException:
            staged.unlink(missing_ok=True)
            raise


def _clamp_range(start: int, end: int, size: int) -> int:
    """The inclusive end actually served; like S3, an end past the file is cut to its last byte."""
    if start < 0 or end < start:
        raise ValueError(f"invalid byte range {start}-{end}")
    if start >= size:
        raise ValueError(f"byte range {start}-{end} starts past the end of a {size}-byte file")
    return min(end, size - 1)


def _read_range(file: BinaryIO, start: int, end: int, chunk_size: int) -> Iterator[bytes]:
    with file:
        file.seek(start)
        remaining = end - start + 1
        while remaining > 0:
            chunk = file.read(min(chunk_size, remaining))
            if not chunk:
                return
            remaining -= len(chunk)
            yield chunk


def _copy_hashing(source: Path, out: BinaryIO) -> str:
    """Append ``source`` to ``out``; return the md5 hex of what was copied."""
    digest = hashlib.md5(usedforsecurity=False)
    with source.open("rb") as file:
        while chunk := file.read(_COPY_CHUNK):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()
