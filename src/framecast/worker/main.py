"""`framecast worker`: one worker process until SIGTERM/SIGINT, which hands its request back."""

from __future__ import annotations

import logging
import signal
from types import FrameType

from framecast.config import Settings
from framecast.services import Services
from framecast.worker.runner import Worker


def run_worker(settings: Settings) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    services = Services.open(settings)
    worker = Worker(services)

    def _stop(signum: int, _frame: FrameType | None) -> None:
        worker.stop()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        worker.run()
    finally:
        services.close()
