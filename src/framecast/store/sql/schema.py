"""The tables, in SQLAlchemy Core so SQLite and PostgreSQL share one schema.

Times are unix seconds as doubles: comparable in SQL on both dialects and free of timezone bugs.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Double,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

# SQLite only autoincrements an INTEGER PRIMARY KEY; PostgreSQL wants a BIGINT identity.
_Seq = BigInteger().with_variant(Integer(), "sqlite")

requests = Table(
    "requests",
    metadata,
    Column("seq", _Seq, primary_key=True, autoincrement=True),
    Column("id", String(64), nullable=False, unique=True),
    Column("owner", String(64), nullable=False),
    Column("endpoint_id", String(200), nullable=False),
    Column("input_json", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("priority", Integer, nullable=False, default=0),
    Column("created_at", Double, nullable=False),
    Column("started_at", Double),
    Column("completed_at", Double),
    Column("attempts", Integer, nullable=False, default=0),
    Column("worker_id", String(128)),
    Column("lease_expires_at", Double),
    Column("cancel_requested_at", Double),
    Column("progress_step", Integer),
    Column("progress_total", Integer),
    Column("progress_stage", String(64)),
    Column("result_json", Text),
    Column("error", Text),
    Column("error_type", String(64)),
    Column("error_status", Integer),
    Column("error_body", Text),
    Column("webhook_url", Text),
    Column("start_deadline", Double),
    Column("output_ttl", Double),
    Column("hint", String(256)),
    Column("base_url", Text),
    Column("metrics_json", Text),
    Column("expires_at", Double),
)
# The queue order is (priority, seq) among queued rows; position counts and claims use it.
Index("ix_requests_queue", requests.c.status, requests.c.priority, requests.c.seq)
Index("ix_requests_lease", requests.c.status, requests.c.lease_expires_at)
Index("ix_requests_expires", requests.c.expires_at)

events = Table(
    "events",
    metadata,
    Column("id", _Seq, primary_key=True, autoincrement=True),
    Column("request_id", String(64), nullable=False),
    Column("ts", Double, nullable=False),
    Column("level", String(16), nullable=False),
    Column("source", String(16), nullable=False, default="USER"),
    Column("message", Text, nullable=False),
)
Index("ix_events_request", events.c.request_id, events.c.id)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("secret_hash", String(128), nullable=False),
    Column("name", String(200), nullable=False),
    Column("created_at", Double, nullable=False),
    Column("revoked_at", Double),
)

files = Table(
    "files",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("owner", String(64), nullable=False),
    Column("storage_key", Text, nullable=False),
    Column("file_name", Text, nullable=False),
    Column("content_type", String(200), nullable=False),
    Column("size", BigInteger, nullable=False, default=0),
    Column("created_at", Double, nullable=False),
    Column("expires_at", Double),
    Column("complete", Boolean, nullable=False, default=True),
    Column("upload_token", Text),
    Column("request_id", String(64)),
)
Index("ix_files_expires", files.c.expires_at)

webhooks = Table(
    "webhooks",
    metadata,
    Column("id", _Seq, primary_key=True, autoincrement=True),
    Column("request_id", String(64), nullable=False),
    Column("url", Text, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", Double, nullable=False),
    Column("locked_until", Double),
    Column("state", String(16), nullable=False),  # pending | delivered | failed
    Column("last_error", Text),
    Column("created_at", Double, nullable=False),
    Column("delivered_at", Double),
)
Index("ix_webhooks_due", webhooks.c.state, webhooks.c.next_attempt_at)
Index("ix_webhooks_request", webhooks.c.request_id)

workers = Table(
    "workers",
    metadata,
    Column("id", String(128), primary_key=True),
    Column("host", String(200), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("started_at", Double, nullable=False),
    Column("heartbeat_at", Double, nullable=False),
    Column("request_id", String(64)),
    Column("pipeline", String(200)),
)

meta = Table(
    "meta",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)
