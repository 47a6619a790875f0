"""Waking idle workers: LISTEN/NOTIFY on PostgreSQL, a short sleep on SQLite.

On PostgreSQL every write that makes a request claimable notifies a channel in its own transaction
(so the notice arrives only once the row is visible), and an idle worker blocks on that channel
instead of polling the shared database. SQLite has no cross-process signal; its reads are local
and cheap, so idle workers poll.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

from framecast.store.sql.engine import Engines

CHANNEL = "framecast_work"


class Wakeups:
    def __init__(self, engines: Engines, url: str) -> None:
        self.engines = engines
        self._url = url
        self._listener: Any = None
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return not self.engines.is_sqlite

    def notify(self, conn: Connection) -> None:
        if self.enabled:
            conn.execute(text(f"SELECT pg_notify('{CHANNEL}', '')"))

    def wait(self, timeout: float) -> bool:
        """Block until a notice or ``timeout``; True when woken by a notice."""
        if not self.enabled:
            time.sleep(timeout)
            return False
        with self._lock:
            try:
                listener = self._connect()
                return any(True for _ in listener.notifies(timeout=timeout, stop_after=1))
            except Exception:  # a dropped connection: reconnect next time, poll meanwhile
                self.close()
                time.sleep(min(timeout, 1.0))
                return False

    def _connect(self) -> Any:
        if self._listener is None:
            import psycopg

            dsn = make_url(self._url).set(drivername="postgresql").render_as_string(hide_password=False)
            self._listener = psycopg.connect(dsn, autocommit=True)
            self._listener.execute(f"LISTEN {CHANNEL}")
        return self._listener

    def close(self) -> None:
        if self._listener is not None:
            try:
                self._listener.close()
            finally:
                self._listener = None
