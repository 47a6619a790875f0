"""Scaled out: an API server and separate worker processes sharing PostgreSQL and an S3 bucket."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.server import RunningServer, free_port, server_env

PG_ADMIN = "host=127.0.0.1 dbname=test user=postgres"
DB = "framecast_e2e"

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def database() -> str:
    psycopg = pytest.importorskip("psycopg")
    try:
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=2) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {DB}")
    except psycopg.OperationalError:
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{DB}"


@pytest.fixture(scope="module")
def bucket() -> Iterator[tuple[str, dict[str, str]]]:
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    env = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1"}
    import boto3

    boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                 aws_access_key_id="test", aws_secret_access_key="test").create_bucket(Bucket="videos")
    yield f"http://127.0.0.1:{port}", env
    server.stop()


def test_api_and_workers_on_separate_machines(tmp_path: Path, database: str,
                                              bucket: tuple[str, dict[str, str]]) -> None:
    endpoint_url, aws = bucket
    shared = {
        "FRAMECAST_DATABASE_URL": database,
        "FRAMECAST_STORAGE_URL": "s3://videos/framecast",
        "FRAMECAST_S3_ENDPOINT_URL": endpoint_url,
        **aws,
    }
    api_home, gpu1, gpu2 = tmp_path / "api", tmp_path / "gpu1", tmp_path / "gpu2"
    api_env = server_env(api_home, "tests.fixtures.pipelines:quick", **shared)
    key = subprocess.run([sys.executable, "-m", "framecast", "keys", "create", "--name", "e2e"], env=api_env,
                         capture_output=True, text=True, check=True).stdout.strip()
    server = RunningServer(api_home, free_port(), key, api_env, ["--workers", "0"]).start()
    workers = [
        subprocess.Popen([sys.executable, "-m", "framecast", "worker"],
                         env=server_env(home, "tests.fixtures.pipelines:quick", **shared),
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for home in (gpu1, gpu2)
    ]
    try:
        ids = [httpx.post(f"{server.url}/queue/fal-ai/pika/v2.2/text-to-video",
                          json={"prompt": "x", "duration": 1, "seed": i}, headers=server.headers).json()["request_id"]
               for i in range(6)]
        deadline = time.monotonic() + 90
        results = {}
        while len(results) < len(ids):
            assert time.monotonic() < deadline, server.logs()[-3000:]
            for rid in ids:
                st = httpx.get(f"{server.url}/queue/fal-ai/pika/requests/{rid}/status", headers=server.headers)
                if st.json()["status"] == "COMPLETED":
                    results[rid] = httpx.get(f"{server.url}/queue/fal-ai/pika/requests/{rid}",
                                             headers=server.headers).json()
            time.sleep(0.2)
        assert sorted(r["seed"] for r in results.values()) == list(range(6))
        video = next(iter(results.values()))["video"]
        download = httpx.get(video["url"])  # served by the API from the bucket
        assert download.status_code == 200 and len(download.content) == video["file_size"]
        ranged = httpx.get(video["url"], headers={"Range": "bytes=0-7"})
        assert ranged.status_code == 206 and ranged.content[4:8] == b"ftyp"
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 dbname={DB} user=postgres") as conn:
            served_by = {r[0].split(":")[1] for r in conn.execute("SELECT worker_id FROM requests")}
        assert served_by <= {str(w.pid) for w in workers} and served_by  # only the separate workers ran them
        assert not any((home / "framecast.db").exists() for home in (api_home, gpu1, gpu2))  # no SQLite anywhere
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            w.wait(20)
        server.stop()
