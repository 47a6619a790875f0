"""Keys, the file index, the webhook outbox, the worker registry and meta values in SQL."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from sqlalchemy import bindparam, delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from framecast.store.records import ApiKey, FileRecord, WebhookDelivery, WorkerInfo
from framecast.store.sql.engine import AnyRow, Engines
from framecast.store.sql.schema import api_keys, files, meta, webhooks, workers

_KEY = select(api_keys).where(api_keys.c.id == bindparam("kid"))
_FILE = select(files).where(files.c.id == bindparam("fid"))


def _now(now: float | None) -> float:
    return time.time() if now is None else now


def hash_secret(secret: str) -> str:
    # Secrets are 256 random bits, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(secret.encode()).hexdigest()


def _key(row: AnyRow) -> ApiKey:
    return ApiKey(row.id, row.name, row.created_at, row.revoked_at)


def _file(row: AnyRow) -> FileRecord:
    return FileRecord(
        id=row.id, owner=row.owner, key=row.storage_key, file_name=row.file_name,
        content_type=row.content_type, size=row.size, created_at=row.created_at,
        expires_at=row.expires_at, complete=bool(row.complete), upload_token=row.upload_token,
        request_id=row.request_id,
    )


def _delivery(row: AnyRow) -> WebhookDelivery:
    return WebhookDelivery(row.id, row.request_id, row.url, row.attempts, row.next_attempt_at, row.state,
                           row.last_error)


class KeysMixin:
    engines: Engines

    def create_key(self, name: str, now: float | None = None) -> tuple[ApiKey, str]:
        key_id = "fc" + secrets.token_hex(8)
        secret = secrets.token_urlsafe(32)
        t = _now(now)
        with self.engines.write.begin() as conn:
            conn.execute(insert(api_keys).values(id=key_id, secret_hash=hash_secret(secret), name=name,
                                                 created_at=t))
        return ApiKey(key_id, name, t), secret

    def verify_key(self, key_id: str, secret: str) -> ApiKey | None:
        with self.engines.read.connect() as conn:
            row = conn.execute(_KEY, {"kid": key_id}).first()
        if row is None or row.revoked_at is not None:
            return None
        if not hmac.compare_digest(row.secret_hash, hash_secret(secret)):
            return None
        return _key(row)

    def list_keys(self) -> list[ApiKey]:
        with self.engines.read.connect() as conn:
            return [_key(r) for r in conn.execute(select(api_keys).order_by(api_keys.c.created_at)).all()]

    def revoke_key(self, key_id: str, now: float | None = None) -> bool:
        with self.engines.write.begin() as conn:
            res = conn.execute(
                update(api_keys).where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
                .values(revoked_at=_now(now))
            )
            return bool(res.rowcount)


class FilesMixin:
    engines: Engines

    def add_file(self, record: FileRecord) -> None:
        with self.engines.write.begin() as conn:
            conn.execute(insert(files).values(
                id=record.id, owner=record.owner, storage_key=record.key, file_name=record.file_name,
                content_type=record.content_type, size=record.size, created_at=record.created_at,
                expires_at=record.expires_at, complete=record.complete, upload_token=record.upload_token,
                request_id=record.request_id,
            ))

    def get_file(self, file_id: str) -> FileRecord | None:
        with self.engines.read.connect() as conn:
            row = conn.execute(_FILE, {"fid": file_id}).first()
            return None if row is None else _file(row)

    def finish_file(self, file_id: str, size: int) -> None:
        with self.engines.write.begin() as conn:
            conn.execute(update(files).where(files.c.id == file_id).values(size=size, complete=True,
                                                                           upload_token=None))

    def delete_file(self, file_id: str) -> None:
        with self.engines.write.begin() as conn:
            conn.execute(delete(files).where(files.c.id == file_id))


class OutboxMixin:
    engines: Engines

    def due_webhooks(self, limit: int, lock_seconds: float, now: float | None = None) -> list[WebhookDelivery]:
        t = _now(now)
        due = (
            select(webhooks.c.id)
            .where(webhooks.c.state == "pending", webhooks.c.next_attempt_at <= t,
                   or_(webhooks.c.locked_until.is_(None), webhooks.c.locked_until < t))
            .order_by(webhooks.c.next_attempt_at)
            .limit(limit)
        )
        if not self.engines.is_sqlite:
            due = due.with_for_update(skip_locked=True)
        with self.engines.write.begin() as conn:
            ids = [r.id for r in conn.execute(due).all()]
            if not ids:
                return []
            conn.execute(update(webhooks).where(webhooks.c.id.in_(ids)).values(locked_until=t + lock_seconds))
            rows = conn.execute(select(webhooks).where(webhooks.c.id.in_(ids)).order_by(webhooks.c.id)).all()
            return [_delivery(r) for r in rows]

    def webhook_delivered(self, delivery_id: int, now: float | None = None) -> None:
        with self.engines.write.begin() as conn:
            conn.execute(update(webhooks).where(webhooks.c.id == delivery_id).values(
                state="delivered", delivered_at=_now(now), attempts=webhooks.c.attempts + 1,
                locked_until=None, last_error=None))

    def webhook_retry(self, delivery_id: int, next_attempt_at: float, error: str) -> None:
        with self.engines.write.begin() as conn:
            conn.execute(update(webhooks).where(webhooks.c.id == delivery_id).values(
                attempts=webhooks.c.attempts + 1, next_attempt_at=next_attempt_at, locked_until=None,
                last_error=error[:2000]))

    def webhook_failed(self, delivery_id: int, error: str) -> None:
        with self.engines.write.begin() as conn:
            conn.execute(update(webhooks).where(webhooks.c.id == delivery_id).values(
                state="failed", attempts=webhooks.c.attempts + 1, locked_until=None, last_error=error[:2000]))

    def webhooks_for(self, request_id: str) -> list[WebhookDelivery]:
        with self.engines.read.connect() as conn:
            rows = conn.execute(select(webhooks).where(webhooks.c.request_id == request_id)
                                .order_by(webhooks.c.id)).all()
            return [_delivery(r) for r in rows]


class WorkersMixin:
    engines: Engines

    def worker_seen(self, info: WorkerInfo) -> None:
        values = {"host": info.host, "pid": info.pid, "started_at": info.started_at,
                  "heartbeat_at": info.heartbeat_at, "request_id": info.request_id, "pipeline": info.pipeline}
        with self.engines.write.begin() as conn:
            res = conn.execute(update(workers).where(workers.c.id == info.id).values(**values))
            if not res.rowcount:
                conn.execute(insert(workers).values(id=info.id, **values))

    def worker_gone(self, worker_id: str) -> None:
        with self.engines.write.begin() as conn:
            conn.execute(delete(workers).where(workers.c.id == worker_id))

    def list_workers(self, since: float | None = None) -> list[WorkerInfo]:
        q = select(workers).order_by(workers.c.started_at)
        if since is not None:
            q = q.where(workers.c.heartbeat_at >= since)
        with self.engines.read.connect() as conn:
            return [WorkerInfo(r.id, r.host, r.pid, r.started_at, r.heartbeat_at, r.request_id, r.pipeline)
                    for r in conn.execute(q).all()]


class MetaMixin:
    engines: Engines

    def meta_get(self, key: str) -> str | None:
        with self.engines.read.connect() as conn:
            value = conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar()
            return None if value is None else str(value)

    def meta_setdefault(self, key: str, value: str) -> str:
        try:
            with self.engines.write.begin() as conn:
                existing = conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar()
                if existing is not None:
                    return str(existing)
                conn.execute(insert(meta).values(key=key, value=value))
                return value
        except IntegrityError:  # another process inserted it first (PostgreSQL has no write lock here)
            stored = self.meta_get(key)
            assert stored is not None
            return stored
