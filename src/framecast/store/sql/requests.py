"""Requests, their logs and progress: the queue and the state machine in SQL."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Collection
from typing import Any

from sqlalchemy import Connection, and_, bindparam, case, delete, func, insert, or_, select, update

from framecast.errors import status_for_error_type
from framecast.store.records import (
    CancelOutcome,
    Claim,
    Failure,
    LogEntry,
    NewRequest,
    Priority,
    Progress,
    RequestRecord,
    Status,
    StatusView,
)
from framecast.store.sql.engine import AnyRow, Engines
from framecast.store.sql.schema import events, files, requests, webhooks
from framecast.store.sql.wakeups import Wakeups
from framecast.store.states import check_transition

_Q = Status.IN_QUEUE.value
_P = Status.IN_PROGRESS.value
_C = Status.COMPLETED.value

# How long a preferred (already loaded) model may keep an older request of another model waiting.
AFFINITY_WINDOW_SECONDS = 60.0

# The polled reads, built once: building a statement costs more than running it on SQLite.
_GET = select(requests).where(requests.c.id == bindparam("rid"))
_GET_OWNED = _GET.where(requests.c.owner == bindparam("owner"))
_POSITION = select(func.count()).select_from(requests).where(
    requests.c.status == _Q,
    or_(
        requests.c.priority < bindparam("priority"),
        and_(requests.c.priority == bindparam("priority"), requests.c.seq < bindparam("seq")),
    ),
)
_AHEAD = requests.alias("ahead")
# One round trip for a status poll: the row and, only while it is queued, how many run before it.
_POSITION_OF_ROW = (
    select(func.count())
    .select_from(_AHEAD)
    .where(
        _AHEAD.c.status == _Q,
        or_(
            _AHEAD.c.priority < requests.c.priority,
            and_(_AHEAD.c.priority == requests.c.priority, _AHEAD.c.seq < requests.c.seq),
        ),
    )
    .scalar_subquery()
)
_VIEW = select(requests, case((requests.c.status == _Q, _POSITION_OF_ROW), else_=None).label("queue_position"))
_VIEW_ANY = _VIEW.where(requests.c.id == bindparam("rid"))
_VIEW_OWNED = _VIEW_ANY.where(requests.c.owner == bindparam("owner"))
_LOGS = (
    select(events)
    .where(events.c.request_id == bindparam("rid"), events.c.id > bindparam("after"))
    .order_by(events.c.id)
)
_CANCEL_FLAG = select(requests.c.cancel_requested_at).where(requests.c.id == bindparam("rid"))


def _now(now: float | None) -> float:
    return time.time() if now is None else now


def _loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _record(row: AnyRow) -> RequestRecord:
    m = row._mapping
    failure = None
    if m["error_type"] is not None:
        failure = Failure(
            message=m["error"] or "",
            error_type=m["error_type"],
            status_code=m["error_status"] or status_for_error_type(m["error_type"]),
            body=_loads(m["error_body"]) or {"detail": m["error"], "error_type": m["error_type"]},
        )
    progress = None
    if m["progress_total"] is not None:
        progress = Progress(m["progress_step"] or 0, m["progress_total"], m["progress_stage"] or "")
    return RequestRecord(
        id=m["id"],
        seq=m["seq"],
        owner=m["owner"],
        endpoint_id=m["endpoint_id"],
        input=json.loads(m["input_json"]),
        status=Status(m["status"]),
        priority=Priority(m["priority"]),
        created_at=m["created_at"],
        attempts=m["attempts"],
        started_at=m["started_at"],
        completed_at=m["completed_at"],
        worker_id=m["worker_id"],
        lease_expires_at=m["lease_expires_at"],
        cancel_requested=m["cancel_requested_at"] is not None,
        progress=progress,
        result=_loads(m["result_json"]),
        failure=failure,
        webhook_url=m["webhook_url"],
        start_deadline=m["start_deadline"],
        output_ttl=m["output_ttl"],
        hint=m["hint"],
        base_url=m["base_url"],
        metrics=_loads(m["metrics_json"]) or {},
    )


class RequestsMixin:
    """The RequestStore half of SqlJobStore."""

    engines: Engines
    retention_seconds: float
    wakeups: Wakeups

    def wait_for_work(self, timeout: float) -> bool:
        return self.wakeups.wait(timeout)

    @property
    def wakes_workers(self) -> bool:
        return self.wakeups.enabled

    # -- reads -------------------------------------------------------------------------------

    def get(self, request_id: str, owner: str | None = None) -> RequestRecord | None:
        with self.engines.read.connect() as conn:
            return self._get(conn, request_id, owner)

    def _get(self, conn: Connection, request_id: str, owner: str | None) -> RequestRecord | None:
        if owner is None:
            row = conn.execute(_GET, {"rid": request_id}).first()
        else:
            row = conn.execute(_GET_OWNED, {"rid": request_id, "owner": owner}).first()
        return None if row is None else _record(row)

    def _position(self, conn: Connection, priority: int, seq: int) -> int:
        return int(conn.execute(_POSITION, {"priority": priority, "seq": seq}).scalar_one())

    def queue_position(self, request_id: str) -> int | None:
        with self.engines.read.connect() as conn:
            rec = self._get(conn, request_id, None)
            if rec is None or rec.status is not Status.IN_QUEUE:
                return None
            return self._position(conn, rec.priority, rec.seq)

    def status_view(self, request_id: str, owner: str | None, with_logs: bool) -> StatusView | None:
        with self.engines.read.connect() as conn:
            if owner is None:
                row = conn.execute(_VIEW_ANY, {"rid": request_id}).first()
            else:
                row = conn.execute(_VIEW_OWNED, {"rid": request_id, "owner": owner}).first()
            if row is None:
                return None
            logs = self._logs(conn, request_id, 0) if with_logs else None
            return StatusView(_record(row), row.queue_position, logs)

    def logs(self, request_id: str, after_id: int = 0) -> list[LogEntry]:
        with self.engines.read.connect() as conn:
            return self._logs(conn, request_id, after_id)

    def _logs(self, conn: Connection, request_id: str, after_id: int) -> list[LogEntry]:
        rows = conn.execute(_LOGS, {"rid": request_id, "after": after_id}).all()
        return [LogEntry(r.message, r.level, r.ts, r.source, r.id) for r in rows]

    def cancel_requested(self, request_id: str) -> bool:
        with self.engines.read.connect() as conn:
            value = conn.execute(_CANCEL_FLAG, {"rid": request_id}).scalar()
            return value is not None

    # -- writes ------------------------------------------------------------------------------

    def submit(self, new: NewRequest, now: float | None = None) -> RequestRecord:
        t = _now(now)
        rid = new.id or str(uuid.uuid4())
        with self.engines.write.begin() as conn:
            conn.execute(
                insert(requests).values(
                    id=rid,
                    owner=new.owner,
                    endpoint_id=new.endpoint_id,
                    input_json=json.dumps(new.input, separators=(",", ":")),
                    status=_Q,
                    priority=int(new.priority),
                    created_at=t,
                    attempts=0,
                    webhook_url=new.webhook_url,
                    start_deadline=new.start_deadline,
                    output_ttl=new.output_ttl,
                    hint=new.hint,
                    base_url=new.base_url,
                )
            )
            self.wakeups.notify(conn)
            rec = self._get(conn, rid, None)
        assert rec is not None
        return rec

    def _eligible(self, endpoints: Collection[str] | None, now: float) -> Any:
        cond = and_(
            requests.c.status == _Q,
            or_(requests.c.start_deadline.is_(None), requests.c.start_deadline >= now),
        )
        if endpoints is not None:
            cond = and_(cond, requests.c.endpoint_id.in_(list(endpoints)))
        return cond

    def _pick(
        self,
        conn: Connection,
        endpoints: Collection[str] | None,
        prefer: Collection[str] | None,
        now: float,
    ) -> AnyRow | None:
        order = (requests.c.priority, requests.c.seq)
        lock = not self.engines.is_sqlite
        q = select(requests.c.seq, requests.c.id, requests.c.priority, requests.c.endpoint_id,
                   requests.c.created_at).where(self._eligible(endpoints, now)).order_by(*order).limit(1)
        if lock:
            q = q.with_for_update(skip_locked=True)
        head = conn.execute(q).first()
        if head is None or not prefer or head.endpoint_id in prefer:
            return head
        if now - head.created_at > AFFINITY_WINDOW_SECONDS:
            return head  # fairness: do not starve other models behind the loaded one
        q2 = (
            select(requests.c.seq, requests.c.id, requests.c.priority, requests.c.endpoint_id,
                   requests.c.created_at)
            .where(self._eligible(endpoints, now), requests.c.endpoint_id.in_(list(prefer)),
                   requests.c.priority == head.priority)
            .order_by(*order)
            .limit(1)
        )
        if lock:
            q2 = q2.with_for_update(skip_locked=True)
        return conn.execute(q2).first() or head

    def claim(
        self,
        worker_id: str,
        lease_seconds: float,
        endpoints: Collection[str] | None = None,
        prefer: Collection[str] | None = None,
        now: float | None = None,
    ) -> Claim | None:
        t = _now(now)
        # Cheap check outside the write lock: an idle worker polls often.
        with self.engines.read.connect() as conn:
            if conn.execute(select(requests.c.seq).where(self._eligible(endpoints, t)).limit(1)).first() is None:
                return None
        with self.engines.write.begin() as conn:
            picked = self._pick(conn, endpoints, prefer, t)
            if picked is None:
                return None
            expires = t + lease_seconds
            check_transition(Status.IN_QUEUE, Status.IN_PROGRESS)
            conn.execute(
                update(requests)
                .where(requests.c.seq == picked.seq, requests.c.status == _Q)
                .values(
                    status=_P,
                    worker_id=worker_id,
                    lease_expires_at=expires,
                    started_at=t,
                    attempts=requests.c.attempts + 1,
                    progress_step=None,
                    progress_total=None,
                    progress_stage=None,
                )
            )
            rec = self._get(conn, picked.id, None)
        assert rec is not None
        return Claim(rec, worker_id, expires)

    def heartbeat(self, request_id: str, worker_id: str, lease_seconds: float, now: float | None = None) -> bool:
        t = _now(now)
        with self.engines.write.begin() as conn:
            res = conn.execute(
                update(requests)
                .where(requests.c.id == request_id, requests.c.worker_id == worker_id, requests.c.status == _P)
                .values(lease_expires_at=t + lease_seconds)
            )
            return bool(res.rowcount)

    def release(self, request_id: str, worker_id: str, reason: str) -> bool:
        t = time.time()
        with self.engines.write.begin() as conn:
            check_transition(Status.IN_PROGRESS, Status.IN_QUEUE)
            res = conn.execute(
                update(requests)
                .where(requests.c.id == request_id, requests.c.worker_id == worker_id, requests.c.status == _P)
                .values(status=_Q, worker_id=None, lease_expires_at=None, started_at=None,
                        attempts=requests.c.attempts - 1,
                        progress_step=None, progress_total=None, progress_stage=None)
            )
            if res.rowcount:
                self._log(conn, request_id, f"queued again: {reason}", "WARN", t)
                self.wakeups.notify(conn)
            return bool(res.rowcount)

    def add_log(self, request_id: str, message: str, level: str = "INFO", now: float | None = None) -> None:
        with self.engines.write.begin() as conn:
            self._log(conn, request_id, message, level, _now(now))

    def _log(self, conn: Connection, request_id: str, message: str, level: str, t: float) -> None:
        conn.execute(insert(events).values(request_id=request_id, ts=t, level=level, source="USER", message=message))

    def set_progress(self, request_id: str, progress: Progress, worker_id: str | None = None) -> None:
        cond = [requests.c.id == request_id, requests.c.status == _P]
        if worker_id is not None:
            cond.append(requests.c.worker_id == worker_id)
        with self.engines.write.begin() as conn:
            conn.execute(
                update(requests)
                .where(*cond)
                .values(progress_step=progress.step, progress_total=progress.total, progress_stage=progress.stage)
            )

    def _finish(
        self,
        conn: Connection,
        request_id: str,
        expected: tuple[str, ...],
        worker_id: str | None,
        values: dict[str, Any],
        t: float,
    ) -> bool:
        cond = [requests.c.id == request_id, requests.c.status.in_(expected)]
        if worker_id is not None:
            cond.append(requests.c.worker_id == worker_id)
        res = conn.execute(
            update(requests)
            .where(*cond)
            .values(status=_C, completed_at=t, lease_expires_at=None, expires_at=t + self.retention_seconds,
                    **values)
            .returning(requests.c.webhook_url)
        )
        row = res.first()
        if row is None:
            return False
        if row.webhook_url:
            conn.execute(
                insert(webhooks).values(
                    request_id=request_id, url=row.webhook_url, attempts=0, next_attempt_at=t,
                    state="pending", created_at=t,
                )
            )
        return True

    def complete(
        self,
        request_id: str,
        worker_id: str,
        result: dict[str, Any],
        metrics: dict[str, Any] | None = None,
        now: float | None = None,
    ) -> bool:
        t = _now(now)
        with self.engines.write.begin() as conn:
            return self._finish(
                conn, request_id, (_P,), worker_id,
                {"result_json": json.dumps(result), "metrics_json": json.dumps(metrics or {})}, t,
            )

    def _failure_values(self, failure: Failure) -> dict[str, Any]:
        return {
            "error": failure.message,
            "error_type": failure.error_type,
            "error_status": failure.status_code,
            "error_body": json.dumps(failure.body),
        }

    def fail(self, request_id: str, failure: Failure, worker_id: str | None = None, now: float | None = None) -> bool:
        t = _now(now)
        with self.engines.write.begin() as conn:
            ok = self._finish(conn, request_id, (_Q, _P), worker_id, self._failure_values(failure), t)
            if ok:
                self._log(conn, request_id, failure.message, "ERROR", t)
            return ok

    def cancel(self, request_id: str, owner: str | None, now: float | None = None) -> CancelOutcome:
        t = _now(now)
        with self.engines.write.begin() as conn:
            rec = self._get(conn, request_id, owner)
            if rec is None:
                return CancelOutcome.NOT_FOUND
            if rec.status is Status.COMPLETED:
                return CancelOutcome.ALREADY_COMPLETED
            if rec.status is Status.IN_QUEUE:
                self._finish(conn, request_id, (_Q,), None, self._failure_values(cancelled_failure()), t)
                self._log(conn, request_id, "cancelled while queued", "INFO", t)
                return CancelOutcome.CANCELLED
            conn.execute(
                update(requests)
                .where(requests.c.id == request_id, requests.c.cancel_requested_at.is_(None))
                .values(cancel_requested_at=t)
            )
            self._log(conn, request_id, "cancellation requested", "INFO", t)
            return CancelOutcome.CANCELLATION_REQUESTED

    def requeue_expired(self, max_attempts: int, now: float | None = None) -> list[str]:
        t = _now(now)
        changed: list[str] = []
        with self.engines.write.begin() as conn:
            rows = conn.execute(
                select(requests.c.id, requests.c.attempts, requests.c.cancel_requested_at).where(
                    requests.c.status == _P, requests.c.lease_expires_at < t
                )
            ).all()
            for row in rows:
                if row.cancel_requested_at is not None:
                    self._finish(conn, row.id, (_P,), None, self._failure_values(cancelled_failure()), t)
                elif row.attempts >= max_attempts:
                    failure = Failure(
                        f"Runner disconnected: the worker was lost {row.attempts} times",
                        "runner_disconnected", status_for_error_type("runner_disconnected"),
                        {"detail": "Runner disconnected", "error_type": "runner_disconnected"},
                    )
                    self._finish(conn, row.id, (_P,), None, self._failure_values(failure), t)
                    self._log(conn, row.id, failure.message, "ERROR", t)
                else:
                    check_transition(Status.IN_PROGRESS, Status.IN_QUEUE)
                    conn.execute(
                        update(requests)
                        .where(requests.c.id == row.id, requests.c.status == _P)
                        .values(status=_Q, worker_id=None, lease_expires_at=None, started_at=None,
                                progress_step=None, progress_total=None, progress_stage=None)
                    )
                    self._log(
                        conn, row.id,
                        f"worker lost; queued again (attempt {row.attempts + 1} of {max_attempts})", "WARN", t,
                    )
                    self.wakeups.notify(conn)
                changed.append(row.id)
        return changed

    def expire_start_deadlines(self, now: float | None = None) -> list[str]:
        t = _now(now)
        with self.engines.write.begin() as conn:
            ids = [
                r.id for r in conn.execute(
                    select(requests.c.id).where(requests.c.status == _Q, requests.c.start_deadline < t)
                ).all()
            ]
            failure = Failure(
                "Request timed out: no worker started it before its start timeout",
                "request_timeout", status_for_error_type("request_timeout"),
                {"detail": "Request timed out", "error_type": "request_timeout"},
            )
            for rid in ids:
                self._finish(conn, rid, (_Q,), None, self._failure_values(failure), t)
        return ids

    def stuck_cancellations(self, grace_seconds: float, now: float | None = None) -> list[RequestRecord]:
        t = _now(now)
        with self.engines.read.connect() as conn:
            rows = conn.execute(
                select(requests).where(
                    requests.c.status == _P, requests.c.cancel_requested_at < t - grace_seconds
                )
            ).all()
            return [_record(r) for r in rows]

    def purge(self, now: float | None = None) -> list[str]:
        t = _now(now)
        with self.engines.write.begin() as conn:
            old = select(requests.c.id).where(requests.c.status == _C, requests.c.expires_at < t)
            ids = [r.id for r in conn.execute(old).all()]
            if ids:
                conn.execute(delete(events).where(events.c.request_id.in_(ids)))
                conn.execute(delete(webhooks).where(webhooks.c.request_id.in_(ids),
                                                    webhooks.c.state != "pending"))
                conn.execute(delete(requests).where(requests.c.id.in_(ids)))
            expired = conn.execute(
                select(files.c.id, files.c.storage_key).where(files.c.expires_at < t)
            ).all()
            if expired:
                conn.execute(delete(files).where(files.c.id.in_([f.id for f in expired])))
            return [f.storage_key for f in expired]


def cancelled_failure() -> Failure:
    return Failure(
        "Request was cancelled by the client",
        "client_cancelled",
        status_for_error_type("client_cancelled"),
        {"detail": "Request was cancelled by the client", "error_type": "client_cancelled"},
    )
