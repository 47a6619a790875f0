"""The JSON bodies of the queue: submit receipts and status objects, as fal's clients parse them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from framecast.api.urls import queue_urls
from framecast.store import LogEntry, Progress, RequestRecord, Status, StatusView


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


def log_json(entry: LogEntry) -> dict[str, str]:
    return {"message": entry.message, "level": entry.level, "source": entry.source, "timestamp": iso(entry.timestamp)}


def progress_json(p: Progress) -> dict[str, Any]:
    return {"step": p.step, "total": p.total, "stage": p.stage,
            "fraction": round(p.step / p.total, 4) if p.total else 0.0}


def submit_body(rec: RequestRecord, base: str, position: int) -> dict[str, Any]:
    return {
        "status": Status.IN_QUEUE.value,
        "request_id": rec.id,
        "gateway_request_id": rec.id,
        **queue_urls(base, rec.app, rec.id),
        "queue_position": position,
    }


def status_body(view: StatusView, base: str) -> dict[str, Any]:
    rec = view.record
    body: dict[str, Any] = {
        "status": rec.status.value,
        "request_id": rec.id,
        **queue_urls(base, rec.app, rec.id),
        "logs": None if view.logs is None else [log_json(e) for e in view.logs],
    }
    if rec.status is Status.IN_QUEUE:
        body["queue_position"] = view.queue_position or 0
    if rec.progress is not None or rec.status is not Status.IN_QUEUE:
        # Beyond fal: numeric progress. fal's clients ignore keys they do not know.
        body["progress"] = None if rec.progress is None else progress_json(rec.progress)
    if rec.status is Status.COMPLETED:
        body["metrics"] = rec.metrics
        if rec.failure is not None:
            body["error"] = rec.failure.message
            body["error_type"] = rec.failure.error_type
    return body


def status_code_for(rec: RequestRecord) -> int:
    # The `fal` package treats any 200 as done, so unfinished requests must answer 202.
    return 200 if rec.status is Status.COMPLETED else 202
