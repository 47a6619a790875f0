"""The JobStore protocol: the single source of truth the API and the workers share.

Every transition of a request is one atomic write, so a crash of the server or of a worker at any
moment leaves the store consistent: queued requests stay queued, a running request whose worker
died is claimed again once its lease lapses, finished results stay finished.

The protocol is split by concept (requests, keys, files, webhooks, workers, meta); an
implementation provides all of them. ``now`` arguments exist so tests can drive time.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Protocol

from framecast.store.records import (
    ApiKey,
    CancelOutcome,
    Claim,
    Failure,
    FileRecord,
    LogEntry,
    NewRequest,
    Progress,
    RequestRecord,
    StatusView,
    WebhookDelivery,
    WorkerInfo,
)


class RequestStore(Protocol):
    def submit(self, new: NewRequest, now: float | None = None) -> RequestRecord: ...

    def get(self, request_id: str, owner: str | None = None) -> RequestRecord | None:
        """The request, or None when unknown or owned by another key."""

    def status_view(self, request_id: str, owner: str | None, with_logs: bool) -> StatusView | None: ...

    def queue_position(self, request_id: str) -> int | None:
        """How many queued requests run before this one (0-based); None unless queued."""

    def logs(self, request_id: str, after_id: int = 0) -> list[LogEntry]: ...

    def claim(
        self,
        worker_id: str,
        lease_seconds: float,
        endpoints: Collection[str] | None = None,
        prefer: Collection[str] | None = None,
        now: float | None = None,
    ) -> Claim | None:
        """Take the next queued request (priority, then age) and lease it to ``worker_id``.

        ``endpoints`` limits what this worker can run; among those it may run, the oldest request
        of an endpoint in ``prefer`` (the model it has loaded) is taken if one waits.
        """

    def heartbeat(self, request_id: str, worker_id: str, lease_seconds: float, now: float | None = None) -> bool:
        """Renew the lease; False when the worker no longer holds the request."""

    def release(self, request_id: str, worker_id: str, reason: str) -> bool:
        """Hand a running request back to the queue without counting the attempt (worker shutdown)."""

    def cancel_requested(self, request_id: str) -> bool: ...

    def wait_for_work(self, timeout: float) -> bool:
        """Block an idle worker until a request may be claimable or ``timeout`` passes."""

    @property
    def wakes_workers(self) -> bool:
        """True when ``wait_for_work`` returns early on new work (so workers may wait long)."""

    def add_log(self, request_id: str, message: str, level: str = "INFO", now: float | None = None) -> None: ...

    def set_progress(self, request_id: str, progress: Progress, worker_id: str | None = None) -> None: ...

    def complete(
        self,
        request_id: str,
        worker_id: str,
        result: dict[str, Any],
        metrics: dict[str, Any] | None = None,
        now: float | None = None,
    ) -> bool:
        """Record the result; False (and nothing written) when the worker lost the request."""

    def fail(self, request_id: str, failure: Failure, worker_id: str | None = None, now: float | None = None) -> bool:
        """Complete with an error. With ``worker_id``, only if that worker still holds it."""

    def cancel(self, request_id: str, owner: str | None, now: float | None = None) -> CancelOutcome: ...

    def requeue_expired(self, max_attempts: int, now: float | None = None) -> list[str]:
        """Requests whose lease lapsed go back to the queue, or fail once they reach the cap."""

    def expire_start_deadlines(self, now: float | None = None) -> list[str]:
        """Queued requests past their start deadline complete with ``request_timeout``."""

    def stuck_cancellations(self, grace_seconds: float, now: float | None = None) -> list[RequestRecord]:
        """Running requests whose cancel was asked more than ``grace_seconds`` ago."""

    def purge(self, now: float | None = None) -> list[str]:
        """Delete finished requests past retention and expired files; returns the file keys freed."""


class KeyStore(Protocol):
    def create_key(self, name: str, now: float | None = None) -> tuple[ApiKey, str]:
        """A new key and its secret; only a hash of the secret is kept."""

    def verify_key(self, key_id: str, secret: str) -> ApiKey | None: ...

    def list_keys(self) -> list[ApiKey]: ...

    def revoke_key(self, key_id: str, now: float | None = None) -> bool: ...


class FileIndex(Protocol):
    def add_file(self, record: FileRecord) -> None: ...

    def get_file(self, file_id: str) -> FileRecord | None: ...

    def finish_file(self, file_id: str, size: int) -> None: ...

    def delete_file(self, file_id: str) -> None: ...


class WebhookOutbox(Protocol):
    def due_webhooks(self, limit: int, lock_seconds: float, now: float | None = None) -> list[WebhookDelivery]:
        """Lock and return deliveries that are due; a locked one is not handed out twice."""

    def webhook_delivered(self, delivery_id: int, now: float | None = None) -> None: ...

    def webhook_retry(self, delivery_id: int, next_attempt_at: float, error: str) -> None: ...

    def webhook_failed(self, delivery_id: int, error: str) -> None: ...

    def webhooks_for(self, request_id: str) -> list[WebhookDelivery]: ...


class WorkerRegistry(Protocol):
    def worker_seen(self, info: WorkerInfo) -> None: ...

    def worker_gone(self, worker_id: str) -> None: ...

    def list_workers(self, since: float | None = None) -> list[WorkerInfo]: ...


class Meta(Protocol):
    def meta_get(self, key: str) -> str | None: ...

    def meta_setdefault(self, key: str, value: str) -> str:
        """Store ``value`` unless the key exists; return what is stored (race-safe)."""


class JobStore(RequestStore, KeyStore, FileIndex, WebhookOutbox, WorkerRegistry, Meta, Protocol):
    @property
    def local_reads(self) -> bool:
        """True when a read never waits on the network or a lock (SQLite in WAL mode): callers on an
        event loop may run it inline instead of paying for a thread hop."""

    def close(self) -> None: ...
