"""Where files live: bytes by key in a local directory or an S3-compatible bucket."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from framecast.storage.base import FileStore, PartInfo
from framecast.storage.keys import validate_key
from framecast.storage.local import LocalFileStore
from framecast.storage.s3 import S3FileStore

__all__ = ["FileStore", "LocalFileStore", "PartInfo", "S3FileStore", "open_file_store", "validate_key"]


def open_file_store(url: str, *, endpoint_url: str | None = None, region: str | None = None) -> FileStore:
    """``file:///abs/dir`` -> LocalFileStore; ``s3://bucket/prefix`` -> S3FileStore."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise ValueError(f"storage URL {url!r}: file URLs name a local directory, file:///abs/dir")
        path = Path(url2pathname(parts.path))
        if not path.is_absolute():
            raise ValueError(f"storage URL {url!r}: the directory must be absolute, file:///abs/dir")
        return LocalFileStore(path)
    if parts.scheme == "s3":
        if not parts.netloc:
            raise ValueError(f"storage URL {url!r} names no bucket; expected s3://bucket/prefix")
        return S3FileStore(parts.netloc, parts.path.strip("/"), endpoint_url=endpoint_url, region=region)
    raise ValueError(f"unsupported storage URL {url!r}: use file:///absolute/dir or s3://bucket/prefix")
