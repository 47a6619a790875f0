"""The store: requests, their events and results, keys, files, webhooks, workers."""

from __future__ import annotations

from framecast.store.base import JobStore
from framecast.store.records import (
    ApiKey,
    CancelOutcome,
    Claim,
    Failure,
    FileRecord,
    LogEntry,
    NewRequest,
    Priority,
    Progress,
    RequestRecord,
    Status,
    StatusView,
    WebhookDelivery,
    WorkerInfo,
)

__all__ = [
    "ApiKey",
    "CancelOutcome",
    "Claim",
    "Failure",
    "FileRecord",
    "JobStore",
    "LogEntry",
    "NewRequest",
    "Priority",
    "Progress",
    "RequestRecord",
    "Status",
    "StatusView",
    "WebhookDelivery",
    "WorkerInfo",
    "open_store",
]


def open_store(url: str, retention_seconds: float = 7 * 86400) -> JobStore:
    from framecast.store.sql import SqlJobStore

    return SqlJobStore(url, retention_seconds=retention_seconds)

