"""The composition root: a process's store, file storage and signer, opened from Settings."""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import ParamSpec, TypeVar
from urllib.parse import urlparse

from anyio import to_thread

from framecast.config import Settings
from framecast.storage import open_file_store
from framecast.storage.base import FileStore
from framecast.storage.signing import FileSigner
from framecast.store import JobStore, open_store

P = ParamSpec("P")
T = TypeVar("T")


@dataclass
class Services:
    settings: Settings
    store: JobStore
    files: FileStore
    signer: FileSigner

    @classmethod
    def open(cls, settings: Settings) -> Services:
        if urlparse(settings.resolved_database_url).scheme.startswith("sqlite") or settings.storage_url is None:
            settings.ensure_home()
        store = open_store(settings.resolved_database_url, retention_seconds=settings.request_retention_seconds)
        files = open_file_store(
            settings.resolved_storage_url, endpoint_url=settings.s3_endpoint_url, region=settings.s3_region
        )
        # Shared through the store so every machine of a deployment signs file URLs alike.
        secret = store.meta_setdefault("file_signing_key", secrets.token_hex(32))
        return cls(settings, store, files, FileSigner(bytes.fromhex(secret)))

    async def read(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a store read from the event loop: inline where reads are local, else in a thread."""
        if self.store.local_reads:
            return fn(*args, **kwargs)
        return await to_thread.run_sync(functools.partial(fn, *args, **kwargs))

    def close(self) -> None:
        self.store.close()
