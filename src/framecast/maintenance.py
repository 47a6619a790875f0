"""Periodic upkeep of the store, run by every server: lapsed leases, start deadlines, retention.

Every step is idempotent, so several servers sharing one database may all run it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from anyio import to_thread

from framecast.services import Services

log = logging.getLogger("framecast.maintenance")

TICK_SECONDS = 0.5
PURGE_EVERY_SECONDS = 60.0


class Maintenance:
    def __init__(self, services: Services) -> None:
        self.services = services
        self._last_purge = 0.0

    def tick(self, now: float | None = None) -> None:
        s = self.services
        s.store.requeue_expired(s.settings.max_attempts, now)
        s.store.expire_start_deadlines(now)
        t = time.time() if now is None else now
        if t - self._last_purge >= PURGE_EVERY_SECONDS:
            self._last_purge = t
            for key in s.store.purge(now):
                try:
                    s.files.delete(key)
                except Exception:
                    log.exception("could not delete expired file %s", key)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await to_thread.run_sync(self.tick)
            except Exception:
                log.exception("maintenance tick failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), TICK_SECONDS)
