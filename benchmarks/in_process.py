"""The emulator's own cost per call, in process: Get Lead by Id and a 300-record Sync Leads sent through the ASGI
app with no network and no server stack, against a constant ASGI app called the same way.

    .venv/bin/python benchmarks/in_process.py [--gets 5000] [--syncs 40] [--quick] [--json]
    valgrind --tool=callgrind .venv/bin/python benchmarks/in_process.py --gets 2000 --syncs 0   # instructions

wrk measures what a user sees, but on a shared 2-core machine its ratios move by a tenth from run to run; the
work per call measured here moves much less, and under callgrind (instructions, not seconds) not at all: run it
twice, with `--gets 0 --syncs 0` and with a count, and the difference over the count is the instructions a call
costs. The sync creates 300 new leads by email every call (each body its own emails), on a fresh SQLite file.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from _servers import measure, parse_args, print_contract

from mkto.emulator import create_app
from mkto.emulator._server import share_interpreter_fairly
from mkto.errors.limits import MAX_BATCH_RECORDS

CLIENT_ID, CLIENT_SECRET = "bench", "bench-secret"
RAISED = {"rate_calls": 100_000_000, "daily_quota": 1_000_000_000, "concurrency": 10_000}
QUICK = {"gets": 500, "syncs": 5}
WARM_UP = 3  # calls of each kind before the clock starts (first-call setup is not a call's cost)


async def call(app: Any, method: str, target: str, body: bytes = b"", headers: tuple[tuple[bytes, bytes], ...] = ()) -> tuple[int, bytes]:  # fmt: skip
    """One HTTP request through `app`, as a server would hand it over: (status, body)."""
    path, _, query = target.partition("?")
    length = ((b"content-length", str(len(body)).encode()),) if body else ()
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "scheme": "http", "method": method,
        "path": path, "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), *headers, *length],
        "server": ("127.0.0.1", 80), "client": ("127.0.0.1", 50000),
    }  # fmt: skip
    sent: list[dict[str, Any]] = []
    delivered = False

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if delivered:  # the body is all there is: a server would now wait for the client to go away
            await asyncio.Event().wait()
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


async def constant(scope: dict[str, Any], receive: Any, send: Callable[[dict[str, Any]], Awaitable[None]]) -> None:
    """The baseline: what any ASGI app must do to answer (a constant JSON body)."""
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"17")]})  # fmt: skip
    await send({"type": "http.response.body", "body": b'{"success":true}\n'})


def sync_body(call_number: int) -> bytes:
    records = [
        {"email": f"in-process-{call_number}-{i}@example.com", "firstName": f"F{i}", "lastName": "Bench",
         "company": "Bench Co", "title": "Engineer"}
        for i in range(MAX_BATCH_RECORDS)
    ]  # fmt: skip
    return json.dumps({"action": "createOrUpdate", "lookupField": "email", "input": records}).encode()


def ok(status: int, body: bytes) -> None:
    if status != 200 or b'"success":true' not in body:
        raise SystemExit(f"the emulator answered {status}: {body[:300]!r}")


async def per_call(send: Callable[[int], Awaitable[None]], count: int) -> float:
    """Seconds per call of `send(i)` for i in range(count)."""
    start = time.perf_counter()
    for i in range(count):
        await send(i)
    return (time.perf_counter() - start) / count if count else 0.0


async def run(gets: int, syncs: int, workdir: Path) -> dict[str, float]:
    app = create_app(db=f"sqlite:///{workdir / 'in-process.sqlite3'}", client_id=CLIENT_ID,
                     client_secret=CLIENT_SECRET, limits=RAISED)  # fmt: skip
    share_interpreter_fairly()  # as `mkto serve` does once the app is built
    status, body = await call(app, "GET", f"/identity/oauth/token?grant_type=client_credentials&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}")  # fmt: skip
    if status != 200:
        raise SystemExit(f"no token: {status} {body[:300]!r}")
    bearer = (b"authorization", f"Bearer {json.loads(body)['access_token']}".encode())
    json_headers = (bearer, (b"content-type", b"application/json"))
    one = json.dumps({"input": [{"email": "in-process@example.com", "firstName": "Get"}]}).encode()
    status, body = await call(app, "POST", "/rest/v1/leads.json", one, json_headers)
    ok(status, body)
    lead = f"/rest/v1/lead/{json.loads(body)['result'][0]['id']}.json"
    bodies = [sync_body(i) for i in range(syncs + WARM_UP)]

    async def get(_: int) -> None:
        ok(*await call(app, "GET", lead, b"", (bearer,)))

    async def sync(i: int) -> None:
        ok(*await call(app, "POST", "/rest/v1/leads.json", bodies[i], json_headers))

    async def bare(_: int) -> None:
        await call(constant, "GET", lead, b"", (bearer,))

    for i in range(WARM_UP):
        await get(i)
        await bare(i)
        await sync(syncs + i)  # the warm-up's own bodies: the measured ones create new leads
    return {"get": await per_call(get, gets), "bare": await per_call(bare, gets), "sync": await per_call(sync, syncs)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gets", type=int, default=5000, help="Get Lead by Id calls (and as many baseline calls)")
    parser.add_argument("--syncs", type=int, default=40, help="300-record Sync Leads calls")
    args = parse_args(parser, QUICK, argv)
    with tempfile.TemporaryDirectory(prefix="mkto-in-process-") as tmp:
        result = asyncio.run(run(args.gets, args.syncs, Path(tmp)))
    us = {kind: seconds * 1e6 for kind, seconds in result.items()}
    print(f"Get Lead by Id: {us['get']:.1f} us a call ({args.gets} calls); a constant ASGI app: {us['bare']:.1f} us")
    print(f"Sync Leads, {MAX_BATCH_RECORDS} new records: {us['sync'] / 1000:.2f} ms a call ({args.syncs} calls)")
    if args.json:
        rows = []
        if args.gets:
            rows.append(measure("Get Lead by Id in process, emulator/constant ASGI app", us["get"], "us",
                                baseline=us["bare"]))  # fmt: skip
        if args.syncs:
            rows.append(measure("Sync Leads, 300 new records, in process", us["sync"] / 1000, "ms"))
        print_contract("in_process", rows)


if __name__ == "__main__":
    main()
