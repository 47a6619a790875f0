"""The JobStore contract: every implementation (SQLite, PostgreSQL) must pass all of it."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from framecast.store import CancelOutcome, Failure, FileRecord, JobStore, NewRequest, Priority, Progress, Status
from framecast.store.sql import SqlJobStore
from framecast.store.sql.schema import metadata

T2V = "fal-ai/pika/v2.1/text-to-video"
I2V = "fal-ai/pika/v2.2/image-to-video"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _pg_available() -> bool:
    try:
        import psycopg

        psycopg.connect("host=127.0.0.1 dbname=test user=postgres", connect_timeout=2).close()
        return True
    except Exception:
        return False


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path) -> Iterator[JobStore]:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        s = SqlJobStore(f"sqlite:///{tmp_path / 'store.db'}", retention_seconds=100)
    else:
        if not _pg_available():
            pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
        s = SqlJobStore(PG_URL, retention_seconds=100, create=False)
        metadata.drop_all(s.engines.write)
        metadata.create_all(s.engines.write)
    yield s
    s.close()


def submit(store: JobStore, owner: str = "k1", endpoint: str = T2V, now: float | None = None, **kw: object) -> str:
    return store.submit(NewRequest(endpoint, owner, {"prompt": "p"}, **kw), now=now).id  # type: ignore[arg-type]


def test_submit_then_get_round_trips(store: JobStore) -> None:
    rec = store.submit(NewRequest(T2V, "k1", {"prompt": "a ball", "duration": 5}, webhook_url="http://h/w",
                                  output_ttl=60.0, hint="gpu", base_url="http://b"), now=1000.0)
    got = store.get(rec.id)
    assert got is not None
    assert (got.status, got.input, got.owner, got.endpoint_id) == (Status.IN_QUEUE, {"prompt": "a ball", "duration": 5},
                                                                  "k1", T2V)
    assert (got.webhook_url, got.output_ttl, got.hint, got.base_url, got.created_at) == (
        "http://h/w", 60.0, "gpu", "http://b", 1000.0)
    assert got.app == "fal-ai/pika"


def test_another_owner_sees_nothing(store: JobStore) -> None:
    rid = submit(store, owner="k1")
    assert store.get(rid, owner="k2") is None
    assert store.status_view(rid, "k2", True) is None
    assert store.cancel(rid, "k2") is CancelOutcome.NOT_FOUND
    assert store.get(rid, owner="k1") is not None


def test_queue_position_is_exact_and_zero_based(store: JobStore) -> None:
    ids = [submit(store) for _ in range(4)]
    assert [store.queue_position(i) for i in ids] == [0, 1, 2, 3]
    store.cancel(ids[1], "k1")
    assert [store.queue_position(i) for i in ids] == [0, None, 1, 2]
    claim = store.claim("w", 30)
    assert claim is not None and claim.record.id == ids[0]
    assert [store.queue_position(i) for i in ids] == [None, None, 0, 1]


def test_low_priority_goes_behind_normal(store: JobStore) -> None:
    low = submit(store, priority=Priority.LOW)
    normal = submit(store)
    assert store.queue_position(normal) == 0
    assert store.queue_position(low) == 1
    first = store.claim("w", 30)
    assert first is not None and first.record.id == normal


def test_claim_is_exclusive_under_concurrency(store: JobStore) -> None:
    ids = {submit(store) for _ in range(20)}
    claimed: list[str] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        while (c := store.claim(f"w{n}", 30)) is not None:
            with lock:
                claimed.append(c.record.id)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(claimed) == sorted(ids)


def test_claim_prefers_the_loaded_model_within_a_priority(store: JobStore) -> None:
    t2v = submit(store, endpoint=T2V, now=100.0)
    i2v = submit(store, endpoint=I2V, now=101.0)
    claim = store.claim("w", 30, prefer={I2V}, now=102.0)
    assert claim is not None and claim.record.id == i2v
    assert store.queue_position(t2v) == 0


def test_preference_does_not_starve_old_requests(store: JobStore) -> None:
    t2v = submit(store, endpoint=T2V, now=100.0)
    submit(store, endpoint=I2V, now=101.0)
    claim = store.claim("w", 30, prefer={I2V}, now=100.0 + 3600)
    assert claim is not None and claim.record.id == t2v


def test_claim_respects_the_endpoints_a_worker_serves(store: JobStore) -> None:
    submit(store, endpoint=T2V)
    assert store.claim("w", 30, endpoints={I2V}) is None
    assert store.claim("w", 30, endpoints={T2V}) is not None


def test_complete_stores_result_and_metrics(store: JobStore) -> None:
    rid = submit(store)
    claim = store.claim("w1", 30)
    assert claim is not None and claim.record.attempts == 1
    assert store.complete(rid, "w1", {"video": {"url": "u"}, "seed": 3}, {"inference_time": 1.5})
    rec = store.get(rid)
    assert rec is not None and rec.status is Status.COMPLETED
    assert rec.result == {"video": {"url": "u"}, "seed": 3}
    assert rec.metrics == {"inference_time": 1.5}
    assert rec.failure is None


def test_a_worker_that_lost_its_lease_cannot_complete(store: JobStore) -> None:
    rid = submit(store)
    store.claim("w1", 10, now=100.0)
    assert store.requeue_expired(3, now=200.0) == [rid]
    store.claim("w2", 10, now=201.0)
    assert not store.complete(rid, "w1", {"x": 1})
    assert not store.heartbeat(rid, "w1", 10)
    assert store.complete(rid, "w2", {"x": 2})
    rec = store.get(rid)
    assert rec is not None and rec.result == {"x": 2} and rec.attempts == 2


def test_heartbeat_keeps_the_lease(store: JobStore) -> None:
    rid = submit(store)
    store.claim("w1", 10, now=100.0)
    assert store.heartbeat(rid, "w1", 10, now=108.0)
    assert store.requeue_expired(3, now=115.0) == []
    assert store.requeue_expired(3, now=119.0) == [rid]


def test_attempt_cap_then_runner_disconnected(store: JobStore) -> None:
    rid = submit(store)
    t = 100.0
    for attempt in range(1, 4):
        claim = store.claim(f"w{attempt}", 5, now=t)
        assert claim is not None and claim.record.attempts == attempt
        t += 10
        store.requeue_expired(3, now=t)
    rec = store.get(rid)
    assert rec is not None and rec.status is Status.COMPLETED
    assert rec.failure is not None and rec.failure.error_type == "runner_disconnected"
    assert rec.failure.status_code == 503
    assert any("lost" in e.message for e in store.logs(rid))


def test_release_requeues_without_counting_the_attempt(store: JobStore) -> None:
    rid = submit(store)
    store.claim("w1", 10)
    assert store.release(rid, "w1", "shutdown")
    rec = store.get(rid)
    assert rec is not None and rec.status is Status.IN_QUEUE and rec.attempts == 0
    assert store.queue_position(rid) == 0


def test_cancel_queued_completes_at_once(store: JobStore) -> None:
    rid = submit(store)
    assert store.cancel(rid, "k1") is CancelOutcome.CANCELLED
    rec = store.get(rid)
    assert rec is not None and rec.status is Status.COMPLETED
    assert rec.failure is not None and (rec.failure.error_type, rec.failure.status_code) == ("client_cancelled", 499)
    assert store.claim("w", 30) is None
    assert store.cancel(rid, "k1") is CancelOutcome.ALREADY_COMPLETED


def test_cancel_running_sets_the_flag_and_the_worker_completes_it(store: JobStore) -> None:
    rid = submit(store)
    store.claim("w1", 30)
    assert not store.cancel_requested(rid)
    assert store.cancel(rid, "k1") is CancelOutcome.CANCELLATION_REQUESTED
    assert store.cancel_requested(rid)
    rec = store.get(rid)
    assert rec is not None and rec.status is Status.IN_PROGRESS
    cancelled = Failure("cancelled", "client_cancelled", 499, {"detail": "cancelled"})
    assert store.fail(rid, cancelled, "w1")
    assert store.get(rid).status is Status.COMPLETED  # type: ignore[union-attr]


def test_stuck_cancellations_are_reported_after_the_grace(store: JobStore) -> None:
    rid = submit(store)
    store.claim("w1", 30, now=100.0)
    store.cancel(rid, "k1", now=100.0)
    assert store.stuck_cancellations(10, now=105.0) == []
    assert [r.id for r in store.stuck_cancellations(10, now=111.0)] == [rid]


def test_start_deadline(store: JobStore) -> None:
    late = submit(store, start_deadline=150.0, now=100.0)
    fine = submit(store, now=100.0)
    claim = store.claim("w", 30, now=160.0)
    assert claim is not None and claim.record.id == fine  # the late one is never started
    assert store.expire_start_deadlines(now=160.0) == [late]
    rec = store.get(late)
    assert rec is not None and rec.failure is not None
    assert (rec.failure.error_type, rec.failure.status_code) == ("request_timeout", 504)


def test_failure_is_kept_with_its_body(store: JobStore) -> None:
    rid = submit(store)
    store.claim("w", 30)
    body = {"detail": [{"loc": ["body", "image_url"], "msg": "bad", "type": "image_load_error"}]}
    assert store.fail(rid, Failure("image_url: bad", "image_load_error", 422, body), "w")
    rec = store.get(rid)
    assert rec is not None and rec.failure == Failure("image_url: bad", "image_load_error", 422, body)


def test_logs_and_progress(store: JobStore) -> None:
    rid = submit(store)
    store.claim("w", 30)
    store.add_log(rid, "first", now=1.0)
    store.add_log(rid, "second", "WARN", now=2.0)
    store.set_progress(rid, Progress(3, 10, "denoising"), "w")
    logs = store.logs(rid)
    assert [(e.message, e.level, e.timestamp) for e in logs] == [("first", "INFO", 1.0), ("second", "WARN", 2.0)]
    assert store.logs(rid, after_id=logs[0].id)[0].message == "second"
    view = store.status_view(rid, "k1", with_logs=True)
    assert view is not None and view.record.progress == Progress(3, 10, "denoising")
    assert view.logs is not None and len(view.logs) == 2
    no_logs = store.status_view(rid, "k1", with_logs=False)
    assert no_logs is not None and no_logs.logs is None


def test_progress_from_another_worker_is_ignored(store: JobStore) -> None:
    rid = submit(store)
    store.claim("w", 30)
    store.set_progress(rid, Progress(1, 2, "x"), "intruder")
    assert store.get(rid).progress is None  # type: ignore[union-attr]


def test_webhook_outbox_is_written_with_the_completion(store: JobStore) -> None:
    rid = submit(store, webhook_url="http://127.0.0.1:9/hook")
    quiet = submit(store)
    store.claim("w", 30)
    store.claim("w", 30)
    store.complete(rid, "w", {"ok": True})
    store.complete(quiet, "w", {"ok": True})
    due = store.due_webhooks(10, lock_seconds=30, now=None)
    assert [(d.request_id, d.url, d.attempts) for d in due] == [(rid, "http://127.0.0.1:9/hook", 0)]
    assert store.due_webhooks(10, lock_seconds=30) == []  # locked
    store.webhook_retry(due[0].id, next_attempt_at=0.0, error="HTTP 500")
    again = store.due_webhooks(10, lock_seconds=30)
    assert again[0].attempts == 1 and again[0].last_error == "HTTP 500"
    store.webhook_delivered(again[0].id)
    assert store.webhooks_for(rid)[0].state == "delivered"
    assert store.due_webhooks(10, lock_seconds=30) == []


def test_cancelled_requests_also_notify_their_webhook(store: JobStore) -> None:
    rid = submit(store, webhook_url="http://127.0.0.1:9/hook")
    store.cancel(rid, "k1")
    assert [d.request_id for d in store.due_webhooks(10, 30)] == [rid]


def test_keys(store: JobStore) -> None:
    key, secret = store.create_key("ci")
    assert store.verify_key(key.id, secret) == key
    assert store.verify_key(key.id, secret + "x") is None
    assert store.verify_key("nope", secret) is None
    assert [k.id for k in store.list_keys()] == [key.id]
    assert store.revoke_key(key.id)
    assert store.verify_key(key.id, secret) is None
    assert not store.revoke_key(key.id)


def test_secrets_are_not_stored_in_clear(store: JobStore) -> None:
    from sqlalchemy import select

    from framecast.store.sql.schema import api_keys

    _key, secret = store.create_key("ci")
    assert isinstance(store, SqlJobStore)
    with store.engines.read.connect() as conn:
        stored = conn.execute(select(api_keys.c.secret_hash)).scalar_one()
    assert secret not in stored and len(stored) == 64


def test_files_index_and_purge(store: JobStore) -> None:
    store.add_file(FileRecord("f1", "k1", "k1/f1/a.png", "a.png", "image/png", 0, 100.0, 200.0, complete=False))
    assert store.get_file("f1").complete is False  # type: ignore[union-attr]
    store.finish_file("f1", 42)
    got = store.get_file("f1")
    assert got is not None and (got.size, got.complete) == (42, True)
    assert store.purge(now=150.0) == []
    assert store.purge(now=250.0) == ["k1/f1/a.png"]
    assert store.get_file("f1") is None


def test_retention_purges_finished_requests(store: JobStore) -> None:
    rid = submit(store)
    store.cancel(rid, "k1", now=1000.0)
    store.purge(now=1050.0)
    assert store.get(rid) is not None
    store.purge(now=1101.0)  # retention_seconds=100
    assert store.get(rid) is None
    assert store.logs(rid) == []


def test_meta_setdefault_is_first_writer_wins(store: JobStore) -> None:
    assert store.meta_get("k") is None
    assert store.meta_setdefault("k", "one") == "one"
    assert store.meta_setdefault("k", "two") == "one"
    assert store.meta_get("k") == "one"


def test_workers_registry(store: JobStore) -> None:
    from framecast.store import WorkerInfo

    store.worker_seen(WorkerInfo("w1", "h", 1, 10.0, 10.0))
    store.worker_seen(WorkerInfo("w1", "h", 1, 10.0, 20.0, "r1", "sandbox"))
    [w] = store.list_workers()
    assert (w.heartbeat_at, w.request_id, w.pipeline) == (20.0, "r1", "sandbox")
    assert store.list_workers(since=25.0) == []
    store.worker_gone("w1")
    assert store.list_workers() == []


def test_data_survives_reopening(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'store.db'}"
    first = SqlJobStore(url)
    running = first.submit(NewRequest(T2V, "k1", {"prompt": "p"})).id
    queued = first.submit(NewRequest(T2V, "k1", {"prompt": "p"})).id
    first.claim("w", 30)
    first.close()
    second = SqlJobStore(url)
    assert second.get(running).status is Status.IN_PROGRESS  # type: ignore[union-attr]
    assert second.get(queued).status is Status.IN_QUEUE  # type: ignore[union-attr]
    assert second.queue_position(queued) == 0
    second.close()


def test_an_idle_worker_is_woken_by_new_work(store: JobStore) -> None:
    import time

    if not store.wakes_workers:  # SQLite: a plain bounded sleep
        started = time.monotonic()
        assert store.wait_for_work(0.05) is False
        assert time.monotonic() - started >= 0.04
        return
    assert store.wait_for_work(0.01) is False  # listening from now on
    threading.Timer(0.2, submit, args=(store,)).start()
    started = time.monotonic()
    assert store.wait_for_work(10) is True
    assert time.monotonic() - started < 5
