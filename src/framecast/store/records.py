"""The rows of the store as values: requests, logs, keys, files, webhook deliveries."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any


class Status(StrEnum):
    """fal's three statuses; failure and cancellation are COMPLETED with an error."""

    IN_QUEUE = "IN_QUEUE"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"


class Priority(IntEnum):
    """Lower runs first; fal's `X-Fal-Queue-Priority: low` goes behind normal."""

    NORMAL = 0
    LOW = 1

    @classmethod
    def parse(cls, value: str | None) -> Priority:
        return cls.LOW if (value or "").strip().lower() == "low" else cls.NORMAL


class CancelOutcome(StrEnum):
    NOT_FOUND = "NOT_FOUND"
    ALREADY_COMPLETED = "ALREADY_COMPLETED"
    CANCELLED = "CANCELLED"  # it was queued: removed and completed at once
    CANCELLATION_REQUESTED = "CANCELLATION_REQUESTED"  # it is running: the worker stops at its next step


@dataclass(frozen=True)
class Progress:
    step: int
    total: int
    stage: str


@dataclass(frozen=True)
class LogEntry:
    message: str
    level: str
    timestamp: float
    source: str = "USER"
    id: int = 0


@dataclass(frozen=True)
class Failure:
    """How a request failed, ready to be told to a client: message, type, HTTP code and body."""

    message: str
    error_type: str
    status_code: int
    body: dict[str, Any]


@dataclass(frozen=True)
class NewRequest:
    endpoint_id: str
    owner: str
    input: dict[str, Any]
    priority: Priority = Priority.NORMAL
    webhook_url: str | None = None
    start_deadline: float | None = None  # unix time by which a worker must have started it
    output_ttl: float | None = None  # seconds the output files live, from X-Fal-Object-Lifecycle-Preference
    hint: str | None = None
    base_url: str | None = None  # the client-visible base URL, for absolute file URLs in results
    id: str | None = None


@dataclass(frozen=True)
class RequestRecord:
    id: str
    seq: int
    owner: str
    endpoint_id: str
    input: dict[str, Any]
    status: Status
    priority: Priority
    created_at: float
    attempts: int = 0
    started_at: float | None = None
    completed_at: float | None = None
    worker_id: str | None = None
    lease_expires_at: float | None = None
    cancel_requested: bool = False
    progress: Progress | None = None
    result: dict[str, Any] | None = None
    failure: Failure | None = None
    webhook_url: str | None = None
    start_deadline: float | None = None
    output_ttl: float | None = None
    hint: str | None = None
    base_url: str | None = None
    metrics: dict[str, Any] = field(default_factory=dict)

    @property
    def app(self) -> str:
        owner, alias, *_ = self.endpoint_id.split("/")
        return f"{owner}/{alias}"

    @property
    def done(self) -> bool:
        return self.status is Status.COMPLETED


@dataclass(frozen=True)
class StatusView:
    """What a status poll needs, read in one go: the record, its exact position, its logs."""

    record: RequestRecord
    queue_position: int | None
    logs: list[LogEntry] | None


@dataclass(frozen=True)
class Claim:
    """A request a worker now holds, with the lease it must renew."""

    record: RequestRecord
    worker_id: str
    lease_expires_at: float


@dataclass(frozen=True)
class ApiKey:
    id: str
    name: str
    created_at: float
    revoked_at: float | None = None
    last_used_at: float | None = None


@dataclass(frozen=True)
class FileRecord:
    id: str
    owner: str
    key: str  # where the bytes are in the FileStore
    file_name: str
    content_type: str
    size: int
    created_at: float
    expires_at: float | None
    complete: bool = True
    upload_token: str | None = None
    request_id: str | None = None


@dataclass(frozen=True)
class WebhookDelivery:
    id: int
    request_id: str
    url: str
    attempts: int
    next_attempt_at: float
    state: str
    last_error: str | None = None


@dataclass(frozen=True)
class WorkerInfo:
    id: str
    host: str
    pid: int
    started_at: float
    heartbeat_at: float
    request_id: str | None = None
    pipeline: str | None = None
