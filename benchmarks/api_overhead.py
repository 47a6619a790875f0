"""API overhead on this machine: submit latency, status throughput, dispatch latency.

    python benchmarks/api_overhead.py [--submits 500] [--seconds 5]

Starts real `framecast serve` processes (embedded SQLite, a test pipeline that does no work) and
prints a table. Status throughput is measured with `wrk` when it is installed (a C load generator,
so the client does not eat the server's CPU), else with an asyncio httpx client. Dispatch latency
is the server-side time from the submit's row to the worker's claim, read from the database.
Targets from the issue: status >= 2,000 req/s, submit p99 <= 20 ms, dispatch p99 <= 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.server import RunningServer, launch

T2V = "fal-ai/pika/v2.1/text-to-video"
BODY = {"prompt": "a red ball", "duration": 1}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure_submits(s: RunningServer, n: int) -> tuple[list[float], str]:
    times = []
    with httpx.Client(headers=s.headers) as client:
        for _ in range(20):  # warm up connections and caches
            client.post(f"{s.url}/queue/{T2V}", json=BODY)
        rid = ""
        for _ in range(n):
            t = time.perf_counter()
            r = client.post(f"{s.url}/queue/{T2V}", json=BODY)
            times.append((time.perf_counter() - t) * 1000)
            rid = r.json()["request_id"]
    return times, rid


def wrk_rps(url: str, key: str, connections: int, seconds: int) -> float:
    out = subprocess.run(
        ["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{seconds}s",
         "-H", f"Authorization: Key {key}", url],
        capture_output=True, text=True, check=True,
    ).stdout
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx and int(non2xx.group(1)):
        raise RuntimeError(f"status polls failed:\n{out}")
    return float(m.group(1)) if m else 0.0


async def httpx_rps(url: str, headers: dict[str, str], connections: int, seconds: int) -> float:
    count = 0
    stop = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=connections)
    async with httpx.AsyncClient(headers=headers, limits=limits) as client:
        async def poller() -> None:
            nonlocal count
            while time.perf_counter() < stop:
                r = await client.get(url)
                assert r.status_code in (200, 202)
                count += 1

        await asyncio.gather(*(poller() for _ in range(connections)))
    return count / seconds


def measure_dispatch(s: RunningServer, n: int) -> list[float]:
    db = s.home / "framecast.db"
    ids = []
    with httpx.Client(headers=s.headers) as client:
        for _ in range(n):
            rid = client.post(f"{s.url}/queue/{T2V}", json=BODY).json()["request_id"]
            ids.append(rid)
            while client.get(f"{s.url}/queue/fal-ai/pika/requests/{rid}/status").json()["status"] != "COMPLETED":
                time.sleep(0.02)
            time.sleep(0.05)  # let the worker go idle again: we measure an idle worker's pickup
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            f"SELECT started_at - created_at FROM requests WHERE id IN ({','.join('?' * len(ids))})", ids
        ).fetchall()
    return [r[0] * 1000 for r in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submits", type=int, default=500)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--dispatches", type=int, default=100)
    args = parser.parse_args()
    env = {"FRAMECAST_TEST_STEPS": "1", "FRAMECAST_X264_PRESET": "ultrafast"}
    rows: list[tuple[str, str, str]] = []

    with tempfile.TemporaryDirectory() as tmp:
        # No workers: submits and polls measure the API alone, on a queue that only grows.
        s = launch(Path(tmp) / "api", workers=0, **env)
        try:
            times, rid = measure_submits(s, args.submits)
            rows.append(("submit latency p50", f"{percentile(times, 50):.2f} ms", ""))
            rows.append(("submit latency p99", f"{percentile(times, 99):.2f} ms", "target <= 20 ms"))
            url = f"{s.url}/queue/fal-ai/pika/requests/{rid}/status"
            tool = "wrk" if shutil.which("wrk") else "httpx"
            for c in (1, 16, 64):
                if tool == "wrk":
                    rps = wrk_rps(url, s.key, c, args.seconds)
                else:
                    rps = asyncio.run(httpx_rps(url, s.headers, c, args.seconds))
                rows.append((f"status, {c} concurrent pollers ({tool})", f"{rps:,.0f} req/s", "target >= 2,000"))
        finally:
            s.stop()
        s = launch(Path(tmp) / "dispatch", workers=1, **env)
        try:
            time.sleep(2)  # the worker process finishes importing
            lat = measure_dispatch(s, args.dispatches)
            rows.append(("submit -> IN_PROGRESS p50 (idle worker)", f"{statistics.median(lat):.1f} ms", ""))
            rows.append(("submit -> IN_PROGRESS p99 (idle worker)", f"{percentile(lat, 99):.1f} ms",
                         "target <= 100 ms"))
        finally:
            s.stop()

    print(f"\nframecast API overhead — {os.cpu_count()} CPU(s), Python {sys.version.split()[0]}, "
          f"{args.submits} submits, {args.seconds} s per throughput run\n")
    width = max(len(r[0]) for r in rows)
    print(f"| {'measure':{width}} | {'value':>14} | target |")
    print(f"|{'-' * (width + 2)}|{'-' * 16}|--------|")
    for name, value, target in rows:
        print(f"| {name:{width}} | {value:>14} | {target} |")


if __name__ == "__main__":
    main()
