"""Two measurements of the emulator's long and heavy work, with wrk against a real `mkto serve` (SQLite):

- `sync`: 300-record Sync Leads (createOrUpdate by email) from 4 connections for a few seconds, two workloads:
  "mixed", where every call creates 150 new leads and changes 3 fields of 150 that the connection's previous
  call created (600 activities a call), and "same", where every call sends the same 300 leads (after the
  first call: 300 updates that change nothing, as emulator_throughput.py's sync). Prints calls/s and
  records/s.
- `extract`: N leads (1,000,000 by default) written straight into the SQLite file, then Get Lead by Id from 2
  connections for a few seconds, first alone and then while a lead extract of all N leads is written (the
  status poll that observes the job's end starts it). Prints p50/p99 of both runs and how long the poll and
  the file took.

Every server listens on 127.0.0.1; wrk (Debian package `wrk`) is required and reported when missing.

    python benchmarks/sync_speed.py sync [--seconds 5] [--quick] [--json]
    python benchmarks/sync_speed.py extract [--rows 1000000] [--seconds 5] [--quick] [--json]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from _servers import measure, parse_args, print_contract, serve_emulator, stop
from bulk_extract import populate  # the same leads, inserted with sqlite3 directly

CLIENT_ID = "bench"
CLIENT_SECRET = "bench-secret"
RAISED_LIMITS = {"rate_calls": 100_000_000, "daily_quota": 1_000_000_000, "concurrency": 10_000}
QUICK = {"seconds": 1, "rows": 20_000}

SAME_LUA = r"""
function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. args[1]
  local parts = {}
  for i = 1, 300 do
    parts[#parts + 1] = string.format(
      '{"email":"bench-%d@example.com","firstName":"F%d","lastName":"Bench","company":"Bench Co","title":"Engineer"}',
      i, i)
  end
  wrk.body = '{"action":"createOrUpdate","lookupField":"email","input":[' .. table.concat(parts, ",") .. ']}'
end
"""

SYNC_LUA = r"""
local counter = 0
local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end
function init(args)
  counter = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. args[1]
end
function request()
  counter = counter + 1
  local parts = {}
  for i = 1, 150 do  -- new leads
    parts[#parts + 1] = string.format(
      '{"email":"t%d-c%d-r%d@example.com","firstName":"F%d","lastName":"New","company":"Bench Co"}',
      tid, counter, i, i)
  end
  for i = 1, 150 do  -- updates of the previous call's new leads (new ones on the first call)
    parts[#parts + 1] = string.format(
      '{"email":"t%d-c%d-r%d@example.com","firstName":"U%d","lastName":"Updated","title":"Engineer"}',
      tid, math.max(counter - 1, 0), i, counter)
  end
  local body = '{"action":"createOrUpdate","lookupField":"email","input":[' .. table.concat(parts, ",") .. ']}'
  return wrk.format(nil, "/rest/v1/leads.json", nil, body)
end
function response(status, headers, body)
  if status ~= 200 or not string.find(body, '"success":true', 1, true) then
    io.stderr:write("unexpected answer " .. status .. ": " .. string.sub(body, 1, 200) .. "\n")
  end
end
"""

GET_LUA = r"""
function init(args)
  wrk.headers["Authorization"] = "Bearer " .. args[1]
end
done = function(summary, latency, requests)
  io.write(string.format("LAT p50=%.3f p90=%.3f p99=%.3f max=%.3f n=%d\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.requests))
end
"""


def start_emulator(db: Path) -> tuple[subprocess.Popen[bytes], str, str]:
    process, base = serve_emulator(db, CLIENT_ID, CLIENT_SECRET, limits=RAISED_LIMITS)
    token = httpx.get(f"{base}/identity/oauth/token", params={
        "grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
    }).json()["access_token"]  # fmt: skip
    return process, base, str(token)


def wrk(script: str, url: str, token: str, *, connections: int, seconds: int, workdir: Path) -> str:
    path = workdir / f"script-{abs(hash(script))}.lua"
    path.write_text(script)
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(path), url,
               "--", token]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def requests_per_s(output: str) -> float:
    found = re.search(r"Requests/sec:\s*([\d.]+)", output)
    if found is None:
        raise SystemExit(f"no Requests/sec in wrk's output:\n{output}")
    return float(found.group(1))


def latencies(output: str) -> str:
    found = re.search(r"LAT (.*)", output)
    return found.group(1) if found else "?"


def latency_ms(output: str, which: str) -> float:
    found = re.search(rf"LAT .*\b{which}=([\d.]+)", output)
    if found is None:
        raise SystemExit(f"no {which} in wrk's output:\n{output}")
    return float(found.group(1))


def bench_sync(args: argparse.Namespace, workdir: Path) -> list[dict[str, object]]:
    rows = []
    for name, script in (("mixed: 150 new, 150 changed", SYNC_LUA), ("same: 300 unchanged", SAME_LUA)):
        process, base, token = start_emulator(workdir / f"sync-{len(name)}.sqlite3")
        try:
            output = wrk(
                script, f"{base}/rest/v1/leads.json", token, connections=4, seconds=args.seconds, workdir=workdir
            )
        finally:
            stop(process)
        calls = requests_per_s(output)
        print(f"Sync Leads, 300 records ({name}), 4 connections, {args.seconds} s: "
              f"{calls:.1f} calls/s, {calls * 300:,.0f} records/s")  # fmt: skip
        rows.append(measure(f"Sync Leads, 300 records ({name}), 4 connections", calls, "calls/s"))
    return rows


def bench_extract(args: argparse.Namespace, workdir: Path) -> list[dict[str, object]]:
    db = workdir / "extract.sqlite3"
    started = time.perf_counter()
    populate(db, args.rows)
    print(f"seeded {args.rows:,} leads in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    process, base, token = start_emulator(db)
    try:
        url = f"{base}/rest/v1/lead/1.json"
        quiet = wrk(GET_LUA, url, token, connections=2, seconds=args.seconds, workdir=workdir)
        client = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=600)
        body = {
            "fields": ["id", "email", "firstName", "lastName", "createdAt"],
            "filter": {"createdAt": {"startAt": "2026-01-01T00:00:00Z", "endAt": "2026-01-31T00:00:00Z"}},
        }
        export_id = client.post("/bulk/v1/leads/export/create.json", json=body).json()["result"][0]["exportId"]
        client.post(f"/bulk/v1/leads/export/{export_id}/enqueue.json").raise_for_status()
        httpx.post(f"{base}/_mkto/clock", json={"advance": 1_200}).raise_for_status()
        timings: dict[str, float] = {}

        def poll_until_done() -> None:
            began = time.perf_counter()
            status = client.get(f"/bulk/v1/leads/export/{export_id}/status.json").json()["result"][0]
            timings["first poll"] = time.perf_counter() - began
            while status["status"] != "Completed" and time.perf_counter() - began < 600:
                time.sleep(0.2)
                status = client.get(f"/bulk/v1/leads/export/{export_id}/status.json").json()["result"][0]
            timings["file"] = time.perf_counter() - began
            timings["records"] = status.get("numberOfRecords", -1)

        poller = threading.Thread(target=poll_until_done)
        poller.start()
        busy = wrk(GET_LUA, url, token, connections=2, seconds=args.seconds, workdir=workdir)
        poller.join()
    finally:
        stop(process)
    print(f"Get Lead by Id, 2 connections, {args.seconds} s, alone: {latencies(quiet)} "
          f"({requests_per_s(quiet):.0f} req/s)")  # fmt: skip
    print(f"Get Lead by Id, 2 connections, {args.seconds} s, during the {args.rows:,}-row extract: "
          f"{latencies(busy)} ({requests_per_s(busy):.0f} req/s)")  # fmt: skip
    print(f"first status poll {timings['first poll'] * 1000:.0f} ms; file done after {timings['file']:.1f} s "
          f"({int(timings['records']):,} records)")  # fmt: skip
    return [
        measure(f"Get Lead by Id {which}, 2 connections, during the extract/alone", latency_ms(busy, which), "ms",
                baseline=latency_ms(quiet, which))
        for which in ("p50", "p99")
    ] + [measure("extract file written", timings["file"], "s")]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["sync", "extract"])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parse_args(parser, QUICK)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian package `wrk`): nothing measured")
    with tempfile.TemporaryDirectory(prefix="mkto-bench-") as tmp:
        rows = (bench_sync if args.what == "sync" else bench_extract)(args, Path(tmp))
    if args.json:
        print_contract("sync_speed", rows)


if __name__ == "__main__":
    main()
