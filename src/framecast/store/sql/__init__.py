"""The SQL JobStore: one implementation for SQLite (embedded) and PostgreSQL (shared)."""

from __future__ import annotations

from framecast.store.sql.auxiliary import FilesMixin, KeysMixin, MetaMixin, OutboxMixin, WorkersMixin
from framecast.store.sql.engine import Engines, make_engines
from framecast.store.sql.requests import RequestsMixin
from framecast.store.sql.schema import metadata
from framecast.store.sql.wakeups import Wakeups

__all__ = ["SqlJobStore"]


class SqlJobStore(RequestsMixin, KeysMixin, FilesMixin, OutboxMixin, WorkersMixin, MetaMixin):
    """A JobStore over SQLAlchemy Core. Safe to share between threads; every process opens its own."""

    def __init__(self, url: str, retention_seconds: float = 7 * 86400, create: bool = True) -> None:
        self.url = url
        self.engines: Engines = make_engines(url)
        self.retention_seconds = retention_seconds
        self.wakeups = Wakeups(self.engines, url)
        if create:
            metadata.create_all(self.engines.write)

    @property
    def dialect(self) -> str:
        return self.engines.dialect

    @property
    def local_reads(self) -> bool:
        return self.engines.is_sqlite

    def close(self) -> None:
        self.wakeups.close()
        self.engines.dispose()
