"""Engines for SQLite (embedded) and PostgreSQL (shared), with each dialect's locking done right.

SQLite: WAL so readers never wait for the writer; writes open with ``BEGIN IMMEDIATE`` so two
processes claiming at once serialise on the write lock instead of failing at commit; reads run in
autocommit on their own engine, with no reset on return, so a poll costs one statement (the status
path is polled ten times a second per waiting client).
PostgreSQL: one engine; the claim uses ``FOR UPDATE SKIP LOCKED``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Row, create_engine, event
from sqlalchemy.engine import make_url

AnyRow = Row[*tuple[Any, ...]]


@dataclass(frozen=True)
class Engines:
    write: Engine
    read: Engine
    dialect: str

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    def dispose(self) -> None:
        self.write.dispose()
        if self.read is not self.write:
            self.read.dispose()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's begin event decide when a transaction starts (pysqlite's own is too late).
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def make_engines(url: str) -> Engines:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        args = {"check_same_thread": False, "timeout": 30}
        write = create_engine(url, connect_args=args, pool_size=4, max_overflow=8)
        read = create_engine(url, connect_args=args, pool_size=8, max_overflow=32, isolation_level="AUTOCOMMIT",
                             pool_reset_on_return=None)
        for eng in (write, read):
            event.listen(eng, "connect", _sqlite_pragmas)

        @event.listens_for(write, "begin")
        def _immediate(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return Engines(write=write, read=read, dialect="sqlite")
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            url = str(parsed.set(drivername="postgresql+psycopg"))
        engine = create_engine(url, pool_size=8, max_overflow=16, pool_pre_ping=True)
        return Engines(write=engine, read=engine, dialect="postgresql")
    raise ValueError(f"unsupported database URL {url!r}: use sqlite:///path or postgresql://…")
