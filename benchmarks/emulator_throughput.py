"""Emulator throughput against a bare Starlette app, side by side in one run.

Measures requests/s of Get Lead by Id and of a 300-record Sync Leads on one emulator process (uvicorn, one
worker, SQLite, limits raised), and of a bare Starlette app on the same server stack that answers the same
calls with a constant body. Runs alternate (emulator, bare, emulator, ...) and the medians and their ratio
are printed. Every server listens on 127.0.0.1 only; every loop is bounded in count.

    python benchmarks/emulator_throughput.py [--rounds 5] [--requests 400] [--syncs 40] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

CLIENT_ID = "bench"
CLIENT_SECRET = "bench-secret"
RAISED_LIMITS = {"rate_calls": 100_000_000, "daily_quota": 1_000_000_000, "concurrency": 10_000}
CONSTANT = b'{"requestId":"1#1","result":[],"success":true}'
STARTUP_DEADLINE_S = 60


def bare_app() -> object:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    async def constant(request: Request) -> Response:
        await request.body()
        return Response(CONSTANT, media_type="application/json")

    return Starlette(routes=[Route("/{path:path}", constant, methods=["GET", "POST"])])


def serve_bare(port: int) -> None:
    import uvicorn

    uvicorn.run(bare_app(), host="127.0.0.1", port=port, log_level="warning", access_log=False)  # type: ignore[arg-type]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_DEADLINE_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited early: {process.args!r}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit(f"server did not start: {process.args!r}")


def start_emulator(db: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    mkto = Path(sys.executable).with_name("mkto")
    process = subprocess.Popen(
        [str(mkto), "serve", "--port", str(port), "--db", str(db), "--client-id", CLIENT_ID,
         "--client-secret", CLIENT_SECRET, "--log-level", "warning"],
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    wait_ready(f"{base}/_mkto/health", process)
    httpx.put(f"{base}/_mkto/limits", json=RAISED_LIMITS).raise_for_status()
    return process, base


def start_bare() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, __file__, "--serve-bare", str(port)], stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    wait_ready(base, process)
    return process, base


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


async def rate(count: int, concurrency: int, one: Callable[[httpx.AsyncClient], Awaitable[None]], base: str,
               headers: dict[str, str]) -> float:
    """Requests per second for `count` calls of `one`, `concurrency` at a time over kept-alive connections."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=120) as client:
        await one(client)  # warm the connection and any caches
        remaining = count

        async def worker() -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                await one(client)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return count / (time.perf_counter() - started)


def sync_body(round_no: int) -> bytes:
    records = [{"email": f"bench-{i}@example.com", "firstName": f"F{i}-{round_no}", "lastName": "Bench",
                "company": "Bench Co", "title": "Engineer"} for i in range(300)]
    return json.dumps({"action": "createOrUpdate", "lookupField": "email", "input": records}).encode()


def expect_success(response: httpx.Response) -> None:
    if response.status_code != 200 or not response.json().get("success"):
        raise SystemExit(f"unexpected answer {response.status_code}: {response.text[:300]}")


async def measure(base: str, token: str | None, lead_id: int, args: argparse.Namespace, round_no: int) -> tuple[float, float]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = sync_body(round_no)

    async def get_by_id(client: httpx.AsyncClient) -> None:
        expect_success(await client.get(f"/rest/v1/lead/{lead_id}.json"))

    async def sync_300(client: httpx.AsyncClient) -> None:
        response = await client.post("/rest/v1/leads.json", content=body, headers={"Content-Type": "application/json"})
        expect_success(response)

    gets = await rate(args.requests, args.concurrency, get_by_id, base, headers)
    syncs = await rate(args.syncs, args.concurrency, sync_300, base, headers)
    return gets, syncs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=400, help="Get Lead by Id calls per round")
    parser.add_argument("--syncs", type=int, default=40, help="300-record Sync Leads calls per round")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--serve-bare", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_bare is not None:
        serve_bare(args.serve_bare)
        return

    with tempfile.TemporaryDirectory(prefix="mkto-bench-") as tmp:
        emulator, emu_base = start_emulator(Path(tmp) / "bench.sqlite3")
        bare, bare_base = start_bare()
        try:
            token = httpx.get(f"{emu_base}/identity/oauth/token", params={
                "grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
            }).json()["access_token"]
            seeded = httpx.post(f"{emu_base}/rest/v1/leads.json", headers={"Authorization": f"Bearer {token}"},
                                json={"input": [{"email": "one@example.com", "firstName": "One"}]})
            lead_id = int(seeded.json()["result"][0]["id"])
            results: dict[str, list[float]] = {"emu_get": [], "emu_sync": [], "bare_get": [], "bare_sync": []}
            for round_no in range(args.rounds):
                # Alternate which side goes first so drift (thermal, page cache) does not favour one.
                order = [("emu", emu_base, token), ("bare", bare_base, None)]
                for name, base, tok in order if round_no % 2 == 0 else reversed(order):
                    gets, syncs = asyncio.run(measure(base, tok, lead_id, args, round_no))
                    results[f"{name}_get"].append(gets)
                    results[f"{name}_sync"].append(syncs)
                print(f"round {round_no + 1}/{args.rounds}: "
                      + ", ".join(f"{k} {v[-1]:.1f}/s" for k, v in results.items()), file=sys.stderr)
        finally:
            stop(emulator)
            stop(bare)

    med = {k: statistics.median(v) for k, v in results.items()}
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {args.rounds} rounds, "
          f"concurrency {args.concurrency}, one uvicorn worker per server, SQLite")
    print(f"{'operation':<28}{'emulator req/s':>16}{'bare req/s':>14}{'ratio':>9}")
    for label, key in (("Get Lead by Id", "get"), ("Sync Leads (300 records)", "sync")):
        emu, bare_rate = med[f"emu_{key}"], med[f"bare_{key}"]
        print(f"{label:<28}{emu:>16.1f}{bare_rate:>14.1f}{emu / bare_rate:>9.3f}")
    print(f"Sync Leads records/s (emulator): {med['emu_sync'] * 300:.0f}")


if __name__ == "__main__":
    main()
