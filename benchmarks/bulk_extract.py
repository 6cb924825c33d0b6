"""Bulk extract of many leads through the emulator's real HTTP API against a plain Starlette baseline.

Setup writes N leads straight into the emulator's SQLite file (a fast path: the benchmark measures the
extract, not Sync Leads). Then, on an `mkto serve` process: create a lead export job, enqueue it, move the
virtual clock past its processing time, poll until Completed (a large file is written by the emulator's
background writer, the job showing Processing until it is whole), and
stream the file to disk, checking its size and SHA-256 against the job status. The baseline is a bare
Starlette app on the same server stack streaming a CSV of the same rows (same bytes) generated on the fly.
Each server runs in its own process; its peak RSS is its VmHWM from /proc. Every server listens on 127.0.0.1.

    python benchmarks/bulk_extract.py [--rows 1000000] [--quick] [--json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from _servers import free_port, measure, parse_args, print_contract, serve_emulator, stop, wait_ready

CLIENT_ID = "bench"
CLIENT_SECRET = "bench-secret"
CREATED_AT = "2026-01-10T00:00:00Z"
FIELDS = ["id", "email", "firstName", "lastName", "createdAt"]
DOWNLOAD_CHUNK = 1 << 16
INSERT_BATCH = 50_000
QUICK = {"rows": 20_000}


def row_text(n: int) -> str:
    return f"{n},lead{n}@example.com,First{n},Last{n},{CREATED_AT}\n"


def bare_app(rows: int) -> object:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response, StreamingResponse
    from starlette.routing import Route

    def lines() -> Iterator[bytes]:
        yield (",".join(FIELDS) + "\n").encode()
        batch: list[str] = []
        for n in range(1, rows + 1):
            batch.append(row_text(n))
            if len(batch) == 2_000:
                yield "".join(batch).encode()
                batch = []
        yield "".join(batch).encode()

    async def export(request: Request) -> Response:
        return StreamingResponse(lines(), media_type="text/csv")

    return Starlette(routes=[Route("/file.csv", export)])


def rss_kib(pid: int, key: str) -> int:
    """VmHWM (peak) or VmRSS (now) of a process, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise SystemExit(f"no {key} for pid {pid}")


def populate(db: Path, rows: int) -> float:
    """Create the emulator's tables, then insert `rows` leads with sqlite3 directly."""
    from mkto.emulator._router import AREAS, load_endpoints
    from mkto.emulator._store import Store

    load_endpoints(AREAS)  # every area's tables join the metadata
    Store.open(db).close()
    started = time.perf_counter()
    conn = sqlite3.connect(db)
    with conn:
        for start in range(1, rows + 1, INSERT_BATCH):
            batch = [
                (n, 1, f"lead{n}@example.com", CREATED_AT, CREATED_AT,
                 json.dumps({"email": f"lead{n}@example.com", "firstName": f"First{n}", "lastName": f"Last{n}"}))
                for n in range(start, min(rows, start + INSERT_BATCH - 1) + 1)
            ]  # fmt: skip
            conn.executemany(
                "INSERT INTO leads (id, partition_id, email_key, created_at, updated_at, data) VALUES (?,?,?,?,?,?)",
                batch,
            )
    conn.close()
    return time.perf_counter() - started


def download(client: httpx.Client, url: str, target: Path, headers: dict[str, str] | None = None) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with client.stream("GET", url, headers=headers) as response, target.open("wb") as out:
        if response.status_code != 200:
            raise SystemExit(f"download answered {response.status_code}: {response.read()[:200]!r}")
        for chunk in response.iter_bytes(DOWNLOAD_CHUNK):
            out.write(chunk)
            digest.update(chunk)
            size += len(chunk)
    return size, "sha256:" + digest.hexdigest()


def run_emulator(db: Path, workdir: Path, rows: int) -> dict[str, float]:
    process, base = serve_emulator(
        db, CLIENT_ID, CLIENT_SECRET, limits={"rate_calls": 1_000_000, "daily_quota": 100_000_000}
    )
    try:
        token = httpx.get(
            f"{base}/identity/oauth/token",
            params={"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
        ).json()["access_token"]
        client = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=3_600)
        idle_kib = rss_kib(process.pid, "VmRSS")
        body = {
            "fields": FIELDS,
            "filter": {"createdAt": {"startAt": "2026-01-01T00:00:00Z", "endAt": "2026-01-31T00:00:00Z"}},
        }
        started = time.perf_counter()
        export_id = client.post("/bulk/v1/leads/export/create.json", json=body).json()["result"][0]["exportId"]
        client.post(f"/bulk/v1/leads/export/{export_id}/enqueue.json")
        httpx.post(f"{base}/_mkto/clock", json={"advance": 1_200})  # past start delay + 60 s + 1 s per 10,000 records
        deadline = time.monotonic() + 600
        while True:
            status = client.get(f"/bulk/v1/leads/export/{export_id}/status.json").json()["result"][0]
            if status["status"] != "Processing" or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        written_s = time.perf_counter() - started
        if status["status"] != "Completed":
            raise SystemExit(f"export not completed: {status}")
        after_write_kib = rss_kib(process.pid, "VmHWM")
        started = time.perf_counter()
        size, checksum = download(client, f"/bulk/v1/leads/export/{export_id}/file.json", workdir / "emulator.csv")
        download_s = time.perf_counter() - started
        if size != status["fileSize"] or checksum != status["fileChecksum"] or status["numberOfRecords"] != rows:
            raise SystemExit(f"file mismatch: {size} {checksum} vs {status}")
        return {
            "write_s": written_s, "download_s": download_s, "bytes": size, "idle_rss_mib": idle_kib / 1024,
            "peak_after_write_mib": after_write_kib / 1024, "peak_mib": rss_kib(process.pid, "VmHWM") / 1024,
        }  # fmt: skip
    finally:
        stop(process)


def run_baseline(workdir: Path, rows: int) -> dict[str, float]:
    port = free_port()
    code = (
        "import sys, uvicorn; sys.path.insert(0, sys.argv[1]); import bulk_extract as b; "
        "uvicorn.run(b.bare_app(int(sys.argv[2])), host='127.0.0.1', port=int(sys.argv[3]), log_level='warning', "
        "access_log=False)"
    )
    here = str(Path(__file__).resolve().parent)
    process = subprocess.Popen([sys.executable, "-c", code, here, str(rows), str(port)], stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(f"{base}/", process)
        idle_kib = rss_kib(process.pid, "VmRSS")
        client = httpx.Client(base_url=base, timeout=3_600)
        started = time.perf_counter()
        size, _ = download(client, "/file.csv", workdir / "baseline.csv")
        download_s = time.perf_counter() - started
        return {
            "download_s": download_s, "bytes": size, "idle_rss_mib": idle_kib / 1024,
            "peak_mib": rss_kib(process.pid, "VmHWM") / 1024,
        }  # fmt: skip
    finally:
        stop(process)


def contract_rows(emu: dict[str, float], bare: dict[str, float]) -> list[dict[str, object]]:
    return [
        measure("file written (create, enqueue, polls)", emu["write_s"], "s"),
        measure("stream the file to disk, emulator/baseline", emu["download_s"], "s", baseline=bare["download_s"]),
        measure("server RSS idle, emulator/baseline", emu["idle_rss_mib"], "MiB", baseline=bare["idle_rss_mib"]),
        measure("server peak RSS, emulator/baseline", emu["peak_mib"], "MiB", baseline=bare["peak_mib"]),
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parse_args(parser, QUICK, argv)
    with tempfile.TemporaryDirectory(prefix="mkto-bulk-bench-") as tmp:
        workdir = Path(tmp)
        db = workdir / "emulator.sqlite3"
        insert_s = populate(db, args.rows)
        print(f"setup: {args.rows:,} leads inserted in {insert_s:.1f} s (direct SQLite, not measured)")
        emu = run_emulator(db, workdir, args.rows)
        bare = run_baseline(workdir, args.rows)
        same = (workdir / "emulator.csv").read_bytes() == (workdir / "baseline.csv").read_bytes()
    print(f"file: {emu['bytes']:,.0f} bytes, {args.rows:,} records; identical to the baseline's bytes: {same}")
    print(f"{'':34}{'emulator':>12}{'baseline':>12}{'ratio':>8}")
    print(f"{'create+enqueue+polls (file written)':34}{emu['write_s']:>11.1f}s{'-':>12}{'':>8}")
    print(
        f"{'stream file to disk':34}{emu['download_s']:>11.1f}s{bare['download_s']:>11.1f}s{emu['download_s'] / bare['download_s']:>8.2f}"
    )
    print(f"{'server RSS idle':34}{emu['idle_rss_mib']:>9.0f}MiB{bare['idle_rss_mib']:>9.0f}MiB")
    print(f"{'server peak RSS after writing':34}{emu['peak_after_write_mib']:>9.0f}MiB{'-':>12}")
    print(
        f"{'server peak RSS overall':34}{emu['peak_mib']:>9.0f}MiB{bare['peak_mib']:>9.0f}MiB{emu['peak_mib'] / bare['peak_mib']:>8.2f}"
    )
    if args.json:
        print_contract("bulk_extract", contract_rows(emu, bare), failed=[] if same else ["the two files differ"])


if __name__ == "__main__":
    main()
