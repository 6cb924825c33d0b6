"""Get Lead by Id latency while the emulator processes a large bulk lead import, and the import's processing time.

On an `mkto serve` process (SQLite, limits raised): one lead is synced (the lead the GETs read), then Get Lead by
Id runs alone at 1 connection (the idle figures), then again while an N-row import (`--rows`, 100,000 by
default, under the 10 MB import limit) is processed: the import is sent and queued, the virtual clock is moved
past its processing time, and the status is polled until Complete. The first poll after the clock moved is the
call that sees the job finish; a large import's rows are then processed by the emulator's background worker,
and every later poll answers Importing until it is done. Printed: p50/p99/max of the GETs idle and during the
import, the slowest status poll, and the wall time from that first poll to Complete (the processing time).

The GETs are sent by wrk (Debian package `wrk`) with the Lua checks of `emulator_throughput.py`; without wrk, a
tight httpx loop in a thread sends them instead, and the output says so (its latencies include Python's
client overhead).

    python benchmarks/bulk_import.py [--rows 100000] [--idle-seconds 5] [--quick] [--json]
"""

from __future__ import annotations

import argparse
import shutil
import signal
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from _servers import measure as contract_row  # this script's own measure() runs the import
from _servers import parse_args, print_contract, serve_emulator, stop
from emulator_throughput import (
    LUA_GET,
    LUA_UNTIL_STOPPED,
    RAISED_LIMITS,
    Run,
    parse_wrk,
    write_script,
    wrk_command,
)

CLIENT_ID = "bench"
CLIENT_SECRET = "bench-secret"
POLL_S = 0.1
QUICK = {"rows": 5_000, "idle_seconds": 1.0}


def start_emulator(db: Path) -> tuple[subprocess.Popen[bytes], str]:
    return serve_emulator(db, CLIENT_ID, CLIENT_SECRET, limits=RAISED_LIMITS)


def import_file(rows: int) -> bytes:
    lines = ["email,firstName,lastName,company"]
    lines += [f"import{n}@example.com,First{n},Last{n},Company {n % 997}" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


class Getter:
    """Get Lead by Id at 1 connection until stopped: wrk when installed, else a tight httpx loop."""

    def __init__(self, base: str, token: str, lead_id: int, tmp: Path, name: str) -> None:
        self.stop_file = tmp / f"{name}.stop"
        self.with_wrk = shutil.which("wrk") is not None
        self.process: subprocess.Popen[str] | None = None
        self.thread: threading.Thread | None = None
        self.latencies: list[float] = []
        self.failures = 0
        self._done = threading.Event()
        self.started = time.perf_counter()
        if self.with_wrk:
            script = write_script(tmp, name, LUA_GET + LUA_UNTIL_STOPPED, token=token, lead=lead_id,
                                  stopfile=self.stop_file)  # fmt: skip
            self.process = subprocess.Popen(
                wrk_command(base, script, 1, "3600s", timeout="600s"),
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            )  # fmt: skip
        else:
            self.thread = threading.Thread(target=self._loop, args=(base, token, lead_id), daemon=True)
            self.thread.start()

    def _loop(self, base: str, token: str, lead_id: int) -> None:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=600) as client:
            while not self._done.is_set():
                started = time.perf_counter()
                response = client.get(f"/rest/v1/lead/{lead_id}.json")
                self.latencies.append(time.perf_counter() - started)
                if response.status_code != 200 or not response.json().get("success"):
                    self.failures += 1

    def finish(self) -> Run:
        self.stop_file.write_text("done")
        if self.process is not None:
            time.sleep(0.5)  # the thread stops after a whole answer; SIGINT wakes wrk's main thread to report
            self.process.send_signal(signal.SIGINT)
            output, _ = self.process.communicate(timeout=120)
            return parse_wrk(output)
        assert self.thread is not None
        self._done.set()
        self.thread.join(timeout=600)
        elapsed = time.perf_counter() - self.started
        ordered = sorted(self.latencies)
        if not ordered:
            return Run(failure="no answer")
        run = Run(
            rate=len(ordered) / elapsed, p50_ms=statistics.median(ordered) * 1000,
            p99_ms=ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, max_ms=ordered[-1] * 1000,
            requests=len(ordered),
        )  # fmt: skip
        if self.failures:
            run.failure = f"{self.failures} of {len(ordered)} answers failed"
        return run


def measure(base: str, rows: int, idle_s: float, tmp: Path) -> dict[str, Any]:
    token = httpx.get(
        f"{base}/identity/oauth/token",
        params={"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
    ).json()["access_token"]
    client = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=3_600)
    synced = client.post("/rest/v1/leads.json", json={"input": [{"email": "read@example.com", "firstName": "R"}]})
    lead_id = int(synced.json()["result"][0]["id"])

    idle = Getter(base, token, lead_id, tmp, "idle")
    time.sleep(idle_s)
    idle_run = idle.finish()

    data = import_file(rows)
    files = {"file": ("leads.csv", data, "text/csv")}
    job = client.post("/bulk/v1/leads.json", params={"format": "csv"}, files=files).json()["result"][0]
    batch_id = int(job["batchId"])
    during = Getter(base, token, lead_id, tmp, "during")
    time.sleep(1.0)  # the GETs are under way before the import finishes on the virtual clock
    # past the start delay + 30 s + 1 s per 1,000 rows: the next status poll sees the job finish
    httpx.post(f"{base}/_mkto/clock", json={"advance": 60 + rows / 1_000}).raise_for_status()
    started = time.perf_counter()
    polls: list[float] = []
    status: dict[str, Any] = {}
    while time.perf_counter() - started < 3_600:
        poll_started = time.perf_counter()
        status = client.get(f"/bulk/v1/leads/batch/{batch_id}.json").json()["result"][0]
        polls.append(time.perf_counter() - poll_started)
        if status["status"] not in ("Queued", "Importing"):
            break
        time.sleep(POLL_S)
    processed_s = time.perf_counter() - started
    time.sleep(0.5)
    during_run = during.finish()
    if status.get("status") != "Complete" or status.get("numOfLeadsProcessed") != rows:
        during_run.failure = f"import not completed as expected: {status}"
    return {
        "idle": idle_run, "during": during_run, "processed_s": processed_s, "first_poll_s": polls[0],
        "slowest_poll_s": max(polls), "polls": len(polls), "bytes": len(data), "with_wrk": idle.with_wrk,
    }  # fmt: skip


def fmt(run: Run) -> str:
    if run.failure:
        return f"failed: {run.failure}"
    return f"{run.rate:>8,.0f} req/s  p50 {run.p50_ms:>7.2f} ms  p99 {run.p99_ms:>7.2f} ms  max {run.max_ms:>8.2f} ms"


def contract(result: dict[str, Any]) -> tuple[list[dict[str, object]], list[str]]:
    """(rows, failed): the GETs' p50 and p99 during the import against idle, the processing, the slowest poll."""
    idle, during = result["idle"], result["during"]
    failed = [f"{name}: {run.failure}" for name, run in (("idle", idle), ("during the import", during)) if run.failure]
    rows = [
        contract_row("import processing", result["processed_s"], "s"),
        contract_row("slowest status poll", result["slowest_poll_s"] * 1000, "ms"),
    ]
    if not failed:
        rows[:0] = [
            contract_row("Get Lead by Id p50, during the import/idle", during.p50_ms, "ms", baseline=idle.p50_ms),
            contract_row("Get Lead by Id p99, during the import/idle", during.p99_ms, "ms", baseline=idle.p99_ms),
        ]
    return rows, failed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--idle-seconds", type=float, default=5.0)
    args = parse_args(parser, QUICK, argv)
    with tempfile.TemporaryDirectory(prefix="mkto-import-bench-") as tmp:
        process, base = start_emulator(Path(tmp) / "emulator.sqlite3")
        try:
            result = measure(base, args.rows, args.idle_seconds, Path(tmp))
        finally:
            stop(process)
    sender = "wrk, 1 connection" if result["with_wrk"] else "a tight httpx loop (wrk not installed), 1 connection"
    print(f"Get Lead by Id on mkto serve (SQLite), sent by {sender}")
    print(f"import: {args.rows:,} rows, {result['bytes']:,} bytes")
    print(f"  {'idle':<24}{fmt(result['idle'])}")
    print(f"  {'while the import runs':<24}{fmt(result['during'])}")
    print(
        f"import processing: {result['processed_s']:.2f} s from the poll that saw it finish to Complete; "
        f"that poll {result['first_poll_s'] * 1000:.1f} ms, slowest of {result['polls']} polls "
        f"{result['slowest_poll_s'] * 1000:.1f} ms"
    )
    if args.json:
        rows, failed = contract(result)
        print_contract("bulk_import", rows, failed=failed)


if __name__ == "__main__":
    main()
