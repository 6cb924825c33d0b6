"""Clients side by side, the same work and the same faults: mkto's `Client` (threads) and `AsyncClient`,
marketorestpython (the `conformance` extra) and plain httpx (a thin hand-written loop: one token fetch, the
call, no retries; the "no client" baseline).

    python benchmarks/clients.py [--gets 2000] [--syncs 50] [--mrp-gets 200]
                                 [--job-syncs 10] [--job-gets 100] [--workers 12]
                                 [--lost-share 0.03] [--quick] [--json]

Each client gets a fresh `mkto serve` of its own (a subprocess on a SQLite file, the default seed, so the
fault plans draw from the same generator from the same start), in two phases:

1. **Raised limits**: Get Lead by Id calls and Sync Leads (createOrUpdate) of 300 new leads, one at a time,
   each timed from the caller's side: median and p99 per call, and the ratio of the medians to plain httpx.
   marketorestpython sleeps to 5 calls/s whatever the instance allows (`HttpLib.num_calls_per_second`),
   so 2,000 of its calls alone take 400 s: it makes the first `--mrp-gets` of the same gets.
2. **Real limits scaled down** (20 calls / 4 s, 10 in flight; after `POST /_mkto/reset`): fault plans over
   every BACKOFF code of the catalogue (10 % of REST calls in all) and lost responses after commit on Sync
   Leads (604 `after_commit`, 3 % by default: `--lost-share`); the same job for each client from `--workers`
   threads (tasks for the AsyncClient): syncs of 300 new leads and gets of leads made before the job.
   Counted: calls that returned, what the server saw (its request log: 606, 615, 601, injected faults, lost
   answers), leads lost or duplicated (by email in the emulator afterwards against what the job meant to
   write), exceptions that reached the caller (by class), and wall time against calls / rate.

A client whose package is missing is reported as not run. `run()` returns the table's rows (for a
`python -m benchmarks` entry point); the script exits non-zero only when the benchmark itself broke.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import importlib.util
import json
import logging
import math
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from mkto import errors
from mkto.client import MAX_BATCH_RECORDS, AsyncClient, Client, Limits

try:
    from _servers import measure, parse_args, print_contract, serve_emulator, stop
except ImportError:  # imported as benchmarks.clients
    from benchmarks._servers import measure, parse_args, print_contract, serve_emulator, stop  # type: ignore[no-redef]

CLIENT_ID = "bench"
CLIENT_SECRET = "bench-secret"
RAISED = {"rate_calls": 1_000_000, "rate_seconds": 20, "concurrency": 1_000, "daily_quota": 10_000_000}
SCALED = {"rate_calls": 20, "rate_seconds": 4, "concurrency": 10}
TRANSIENT_SHARE = 0.10  # of REST calls answered by one of the BACKOFF fault plans
LOST_AFTER_COMMIT = {"code": "604", "after_commit": True, "method": "POST", "path": "/rest/v1/leads.json"}
WARMUP_CALLS = 20
LOG_LIMIT = 1000  # the emulator keeps this many request-log entries
BROWSE_PAGE = 300  # the most leads one /_mkto/browse/leads page gives
QUICK = {"gets": 100, "syncs": 5, "mrp_gets": 10, "job_syncs": 2, "job_gets": 20, "workers": 4}

Lead = dict[str, Any]


# -- the clients ----------------------------------------------------------------------------------------------
class MarketoFailure(Exception):
    """Plain httpx's loop: an answer with `"success": false`."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code} {message}")
        self.code = code


class PlainHttpx:
    name = "plain httpx"

    def __init__(self, base: str, limits: dict[str, Any]) -> None:
        self.http = httpx.Client(base_url=base, timeout=120)
        token = self.http.get("/identity/oauth/token", params={
            "grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
        })  # fmt: skip
        token.raise_for_status()
        self.http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"

    def _answer(self, response: httpx.Response) -> Any:
        response.raise_for_status()
        body = response.json()
        if not body.get("success"):
            error = (body.get("errors") or [{}])[0]
            raise MarketoFailure(str(error.get("code")), str(error.get("message")))
        return body.get("result")

    def get(self, lead_id: int) -> Any:
        return self._answer(self.http.get(f"/rest/v1/lead/{lead_id}.json"))

    def sync(self, leads: list[Lead]) -> Any:
        body = {"action": "createOrUpdate", "lookupField": "email", "input": leads}
        return self._answer(self.http.post("/rest/v1/leads.json", json=body))

    def close(self) -> None:
        self.http.close()


def _mkto_limits(limits: dict[str, Any]) -> Limits:
    return Limits(rate_calls=int(limits["rate_calls"]), rate_seconds=float(limits["rate_seconds"]),
                  concurrency=int(limits["concurrency"]))  # fmt: skip


class MktoSync:
    name = "mkto Client"

    def __init__(self, base: str, limits: dict[str, Any]) -> None:
        self.client = Client(base_url=base, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                             limits=_mkto_limits(limits))  # fmt: skip

    def get(self, lead_id: int) -> Any:
        return self.client.leads.get(lead_id)

    def sync(self, leads: list[Lead]) -> Any:
        return self.client.leads.sync(leads)

    def close(self) -> None:
        self.client.close()


class MktoAsync:
    name = "mkto AsyncClient"

    def __init__(self, base: str, limits: dict[str, Any]) -> None:
        self.client = AsyncClient(base_url=base, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                                  limits=_mkto_limits(limits))  # fmt: skip

    async def get(self, lead_id: int) -> Any:
        return await self.client.leads.get(lead_id)

    async def sync(self, leads: list[Lead]) -> Any:
        return await self.client.leads.sync(leads)

    async def aclose(self) -> None:
        await self.client.aclose()


class MarketoRestPython:
    """jepcastelein/marketo-rest-python as its README shows it used; it builds https://<munchkin>.mktorest.com
    from the Munchkin id, and the host it calls is an attribute, pointed at the emulator."""

    name = "marketorestpython"

    def __init__(self, base: str, limits: dict[str, Any]) -> None:
        from marketorestpython.client import MarketoClient

        self.client = MarketoClient("000-AAA-000", CLIENT_ID, CLIENT_SECRET, None, None)
        self.client.host = base

    def get(self, lead_id: int) -> Any:
        return self.client.execute(method="get_lead_by_id", id=lead_id)

    def sync(self, leads: list[Lead]) -> Any:
        return self.client.execute(method="create_update_leads", leads=leads, action="createOrUpdate",
                                   lookupField="email")  # fmt: skip

    def close(self) -> None:
        pass


SyncClient = PlainHttpx | MktoSync | MarketoRestPython
CLIENTS: tuple[type[SyncClient] | type[MktoAsync], ...] = (PlainHttpx, MktoSync, MktoAsync, MarketoRestPython)
PACKAGES = {MarketoRestPython.name: "marketorestpython"}


def missing_package(client: type[SyncClient] | type[MktoAsync]) -> str | None:
    package = PACKAGES.get(client.name)
    if package is None or importlib.util.find_spec(package) is not None:
        return None
    return f'not run: {package} is not installed (pip install -e ".[conformance]")'


def label(exc: BaseException) -> str:
    """The class that reached the caller, with the Marketo code when the class does not name it."""
    code = getattr(exc, "code", None)
    if code is None and exc.args and isinstance(exc.args[0], dict):  # marketorestpython's Exception({...})
        code = exc.args[0].get("code")
    name = type(exc).__name__
    return name if code is None or str(code) in name else f"{name}({code})"


# -- the work -------------------------------------------------------------------------------------------------
def new_leads(tag: str, count: int) -> list[Lead]:
    return [{"email": f"{tag}-{n}@example.com", "firstName": f"F{n}", "lastName": tag, "company": "Bench Co"}
            for n in range(count)]  # fmt: skip


@dataclass
class Sizes:
    gets: int = 2000
    syncs: int = 50
    mrp_gets: int = 200
    job_syncs: int = 10
    job_gets: int = 100
    workers: int = 12
    lost_share: float = 0.03  # of Sync Leads calls whose answer is lost after commit


@dataclass
class Job:
    """The scaled-down job: ("sync", leads) and ("get", id), syncs spread among the gets."""

    ops: list[tuple[str, Any]]
    emails: list[str]

    @classmethod
    def build(cls, sizes: Sizes, lead_ids: Sequence[int]) -> Job:
        gets: list[tuple[str, Any]] = [("get", lead_ids[n % len(lead_ids)]) for n in range(sizes.job_gets)]
        syncs = [("sync", new_leads(f"job-s{n}", MAX_BATCH_RECORDS)) for n in range(sizes.job_syncs)]
        ops, step = list(gets), max(1, math.ceil(len(gets) / max(1, len(syncs))))
        for n, sync in enumerate(syncs):
            ops.insert(n * (step + 1), sync)
        return cls(ops, [lead["email"] for _, leads in syncs for lead in leads])


@dataclass
class JobResult:
    completed: int = 0
    exceptions: collections.Counter[str] = field(default_factory=collections.Counter)
    wall_s: float = 0.0

    def record(self, outcome: BaseException | None) -> None:
        if outcome is None:
            self.completed += 1
        else:
            self.exceptions[label(outcome)] += 1


def timed_sync(call: Callable[[Any], object], items: Sequence[Any]) -> list[float]:
    times = []
    for item in items:
        started = time.perf_counter()
        call(item)
        times.append((time.perf_counter() - started) * 1000)
    return times


async def timed_async(call: Callable[[Any], Awaitable[object]], items: Sequence[Any]) -> list[float]:
    times = []
    for item in items:
        started = time.perf_counter()
        await call(item)
        times.append((time.perf_counter() - started) * 1000)
    return times


def job_sync(client: SyncClient, job: Job, workers: int) -> JobResult:
    result, lock = JobResult(), threading.Lock()

    def one(op: tuple[str, Any]) -> None:
        try:
            client.sync(op[1]) if op[0] == "sync" else client.get(op[1])
            outcome: BaseException | None = None
        except Exception as exc:  # whatever reached the caller is the evidence
            outcome = exc
        with lock:
            result.record(outcome)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(one, job.ops))
    result.wall_s = time.perf_counter() - started
    return result


async def job_async(client: MktoAsync, job: Job, workers: int) -> JobResult:
    result, gate = JobResult(), asyncio.Semaphore(workers)

    async def one(op: tuple[str, Any]) -> None:
        async with gate:
            try:
                await (client.sync(op[1]) if op[0] == "sync" else client.get(op[1]))
                result.record(None)
            except Exception as exc:
                result.record(exc)

    started = time.perf_counter()
    await asyncio.gather(*(one(op) for op in job.ops))
    result.wall_s = time.perf_counter() - started
    return result


# -- the emulator's side --------------------------------------------------------------------------------------
def backoff_fault_plans(share: float) -> list[dict[str, Any]]:
    """One plan per BACKOFF code of the catalogue (HTTP-level codes as the gateway's page), each with the
    probability that makes `share` of REST calls draw one of them."""
    specs = [spec for spec in errors.all_specs() if spec.disposition is errors.Disposition.BACKOFF]
    probability = 1 - (1 - share) ** (1 / len(specs))
    return [
        {"code": f"http:{spec.code}" if errors.Level.HTTP in spec.levels else spec.code,
         "probability": round(probability, 5), "path": "/rest/*"}
        for spec in specs
    ]  # fmt: skip


class Admin:
    def __init__(self, base: str) -> None:
        self.http = httpx.Client(base_url=base, timeout=60)

    def call(self, method: str, path: str, body: Any = None) -> Any:
        response = self.http.request(method, path, json=body)
        response.raise_for_status()
        return response.json()

    def log_since(self, mark: int) -> list[dict[str, Any]]:
        entries = self.call("GET", f"/_mkto/requests?limit={LOG_LIMIT}")["requests"]
        if len(entries) >= LOG_LIMIT:
            print(f"request log full ({LOG_LIMIT} entries): its counts are a lower bound", file=sys.stderr)
        return [e for e in entries if int(e["id"]) > mark]

    def last_log_id(self) -> int:
        entries = self.call("GET", "/_mkto/requests?limit=1")["requests"]
        return int(entries[0]["id"]) if entries else 0

    def emails(self) -> collections.Counter[str]:
        found: collections.Counter[str] = collections.Counter()
        offset = 0
        while True:
            page = self.call("GET", f"/_mkto/browse/leads?offset={offset}&limit={BROWSE_PAGE}")
            found.update(str(lead["email"]) for lead in page["leads"])
            offset += len(page["leads"])
            if not page["leads"] or offset >= page["total"]:
                return found

    def close(self) -> None:
        self.http.close()


def seed_leads(base: str, count: int) -> list[int]:
    """Leads for the job's gets, made by plain httpx before the limits come down."""
    plain = PlainHttpx(base, RAISED)
    try:
        result = plain.sync(new_leads("seed", count))
    finally:
        plain.close()
    return [int(record["id"]) for record in result]


# -- the two phases -------------------------------------------------------------------------------------------
def summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, math.ceil(0.99 * len(ordered)) - 1)]
    return {"n": len(times), "p50": statistics.median(ordered), "p99": p99}


def raised_phase(kind: type[SyncClient] | type[MktoAsync], base: str, sizes: Sizes) -> dict[str, Any]:
    gets = sizes.mrp_gets if kind is MarketoRestPython else sizes.gets
    ids = [1 + n % max(1, sizes.syncs * MAX_BATCH_RECORDS) for n in range(gets)]
    warm_ids = ids[:WARMUP_CALLS]
    batches = [new_leads(f"raised-s{n}", MAX_BATCH_RECORDS) for n in range(sizes.syncs)]
    warm_batch = [new_leads("warm", MAX_BATCH_RECORDS)]
    if issubclass(kind, MktoAsync):

        async def measure() -> tuple[list[float], list[float]]:
            client = MktoAsync(base, RAISED)
            try:
                await timed_async(client.sync, warm_batch)
                sync_times = await timed_async(client.sync, batches)
                await timed_async(client.get, warm_ids)
                return await timed_async(client.get, ids), sync_times
            finally:
                await client.aclose()

        get_times, sync_times = asyncio.run(measure())
    else:
        client = kind(base, RAISED)
        try:
            timed_sync(client.sync, warm_batch)
            sync_times = timed_sync(client.sync, batches)
            timed_sync(client.get, warm_ids)
            get_times = timed_sync(client.get, ids)
        finally:
            client.close()
    return {"get": summary(get_times), "sync": summary(sync_times)}


def faulty_phase(kind: type[SyncClient] | type[MktoAsync], base: str, sizes: Sizes) -> dict[str, Any]:
    admin = Admin(base)
    try:
        admin.call("POST", "/_mkto/reset")
        admin.call("PUT", "/_mkto/limits", RAISED)
        job = Job.build(sizes, seed_leads(base, min(MAX_BATCH_RECORDS, max(1, sizes.job_gets))))
        admin.call("PUT", "/_mkto/limits", SCALED)
        # The seeding call is in the server's rate window and no client knows of it: move past that window.
        admin.call("POST", "/_mkto/clock", {"advance": SCALED["rate_seconds"]})
        lost_answer_plan = admin.call("POST", "/_mkto/faults", {**LOST_AFTER_COMMIT, "probability": sizes.lost_share})[
            "id"
        ]
        for plan in backoff_fault_plans(TRANSIENT_SHARE):
            admin.call("POST", "/_mkto/faults", plan)
        mark = admin.last_log_id()
        if issubclass(kind, MktoAsync):

            async def work() -> JobResult:
                client = MktoAsync(base, SCALED)
                try:
                    return await job_async(client, job, sizes.workers)
                finally:
                    await client.aclose()

            result = asyncio.run(work())
        else:
            client = kind(base, SCALED)
            try:
                result = job_sync(client, job, sizes.workers)
            finally:
                client.close()
        admin.call("DELETE", "/_mkto/faults")
        log = [e for e in admin.log_since(mark) if str(e["path"]).startswith("/rest/")]
        found = admin.emails()
    finally:
        admin.close()
    codes = collections.Counter(str(e.get("code")) for e in log)
    meant = collections.Counter(job.emails)
    calls = len(job.ops)
    minimum_s = calls * SCALED["rate_seconds"] / SCALED["rate_calls"]
    return {
        "calls": calls,
        "completed": result.completed,
        "server_calls": len(log),
        "drawn": {code: codes.get(code, 0) for code in ("606", "615", "601")},
        "faults": sum(1 for e in log if e.get("fault") is not None),
        "lost_answers": sum(1 for e in log if e.get("fault") == lost_answer_plan),
        "fault_codes": dict(collections.Counter(str(e["code"]) for e in log if e.get("fault") is not None)),
        "lost": sum(1 for email in meant if found[email] == 0),
        "duplicated": sum(found[email] - 1 for email in meant if found[email] > 1),
        "exceptions": dict(result.exceptions.most_common()),
        "wall_s": result.wall_s,
        "minimum_s": minimum_s,
    }


def run_client(kind: type[SyncClient] | type[MktoAsync], sizes: Sizes, workdir: Path) -> dict[str, Any]:
    row: dict[str, Any] = {"client": kind.name}
    reason = missing_package(kind)
    if reason is not None:
        return {**row, "not_run": reason}
    process, base = serve_emulator(workdir / f"{kind.__name__}.sqlite3", CLIENT_ID, CLIENT_SECRET,
                                   limits=RAISED)  # fmt: skip
    try:
        for phase, measure in (("raised", raised_phase), ("faulty", faulty_phase)):
            try:
                row[phase] = measure(kind, base, sizes)
            except Exception as exc:  # a client that breaks without faults is a finding, reported in its row
                if kind is PlainHttpx:
                    raise
                row[phase] = {"error": f"{label(exc)}: {str(exc)[:120]}"}
    finally:
        stop(process)
    return row


# -- the table ------------------------------------------------------------------------------------------------
def _ratio(value: float, baseline: float | None) -> str:
    return f"{value / baseline:.2f}" if baseline else "-"


def tables(rows: list[dict[str, Any]]) -> tuple[list[list[str]], list[list[str]]]:
    base = next((r for r in rows if r["client"] == PlainHttpx.name and "raised" in r), None)
    base_get = base["raised"]["get"]["p50"] if base else None
    base_sync = base["raised"]["sync"]["p50"] if base else None
    lines = [["raised limits", "gets", "get p50 ms", "get p99 ms", "get ratio", "syncs", "sync p50 ms",
              "sync p99 ms", "sync ratio"]]  # fmt: skip
    for row in rows:
        raised = row.get("raised")
        if raised is None or "error" in raised:
            lines.append([row["client"], row.get("not_run") or (raised or {}).get("error", "?")])
            continue
        get, sync = raised["get"], raised["sync"]
        lines.append([row["client"], str(get["n"]), f"{get['p50']:.2f}", f"{get['p99']:.2f}",
                      _ratio(get["p50"], base_get), str(sync["n"]), f"{sync['p50']:.1f}", f"{sync['p99']:.1f}",
                      _ratio(sync["p50"], base_sync)])  # fmt: skip
    faulty_lines = [[f"{SCALED['rate_calls']} calls/{SCALED['rate_seconds']} s, faults", "completed", "server calls",
                  "606", "615", "601", "faults", "leads lost", "duplicated", "wall s", "wall/minimum",
                  "exceptions reaching the caller"]]  # fmt: skip
    for row in rows:
        faulty = row.get("faulty")
        if faulty is None or "error" in faulty:
            faulty_lines.append([row["client"], row.get("not_run") or (faulty or {}).get("error", "?")])
            continue
        drawn = faulty["drawn"]
        raised_by = ", ".join(f"{name} x{n}" for name, n in faulty["exceptions"].items()) or "none"
        faulty_lines.append([row["client"], f"{faulty['completed']}/{faulty['calls']}", str(faulty["server_calls"]),
                      str(drawn["606"]), str(drawn["615"]), str(drawn["601"]), f"{faulty['faults']} ({faulty['lost_answers']} after commit)",
                      str(faulty["lost"]), str(faulty["duplicated"]), f"{faulty['wall_s']:.1f}",
                      f"{faulty['wall_s'] / faulty['minimum_s']:.2f}", raised_by])  # fmt: skip
    return lines, faulty_lines


def contract_rows(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """(rows, not run, failed) for the contract: each client's get and sync median against plain httpx's, and
    what the faulty job left: leads lost and duplicated, 606 and 615 drawn."""
    base = next((r for r in rows if r["client"] == PlainHttpx.name and "error" not in r.get("raised", {})), None)
    out: list[dict[str, Any]] = []
    not_run: list[str] = []
    failed: list[str] = []
    for row in rows:
        name = row["client"]
        if "not_run" in row:
            not_run.append(f"{name}: {row['not_run'].removeprefix('not run: ')}")
            continue
        raised, faulty = row.get("raised", {}), row.get("faulty", {})
        failed += [f"{name}, {phase}: {part['error']}" for phase, part in (("raised", raised), ("faulty", faulty))
                   if "error" in part]  # fmt: skip
        if "error" not in raised and name != PlainHttpx.name:
            for op in ("get", "sync"):
                baseline = base["raised"][op]["p50"] if base else None
                out.append(measure(f"{name} {op} p50 / plain httpx", raised[op]["p50"], "ms", baseline=baseline))
        if "error" not in faulty:
            out.append(measure(f"{name} faults: leads lost", faulty["lost"], "leads"))
            out.append(measure(f"{name} faults: leads duplicated", faulty["duplicated"], "leads"))
            for code in ("606", "615"):
                out.append(measure(f"{name} faults: {code} drawn", faulty["drawn"][code], "calls"))
    return out, not_run, failed


def render(lines: list[list[str]]) -> str:
    """Aligned columns; a row of one cell (a reason) runs on past them."""
    widths: dict[int, int] = collections.defaultdict(int)
    for line in lines:
        if len(line) > 2:
            for n, cell in enumerate(line):
                widths[n] = max(widths[n], len(cell))
    out = []
    for line in lines:
        cells = [cell.ljust(widths[n]) if n < len(line) - 1 else cell for n, cell in enumerate(line)]
        out.append("  ".join(cells).rstrip())
    return "\n".join(out)


def run(sizes: Sizes | None = None) -> list[dict[str, Any]]:
    """Every client through both phases; one row per client (`not_run` says why a client was skipped)."""
    sizes = sizes or Sizes()
    logging.getLogger("mkto.client").addHandler(logging.NullHandler())  # its warnings are the table's counts
    logging.getLogger("backoff").addHandler(logging.NullHandler())
    with tempfile.TemporaryDirectory(prefix="mkto-bench-clients-") as tmp:
        return [run_client(kind, sizes, Path(tmp)) for kind in CLIENTS]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    defaults = Sizes()
    for name, value in vars(defaults).items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value)
    args = parse_args(parser, QUICK, argv)  # --json: the rows as JSON after the table, then the contract's line
    sizes = Sizes(**{name: getattr(args, name) for name in vars(defaults)})
    started = time.perf_counter()
    rows = run(sizes)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} "
          f"{platform.python_version()}; each client against its own `mkto serve` (SQLite, seed 0, "
          f"a subprocess); {time.perf_counter() - started:.0f} s in all")  # fmt: skip
    print(f"faults: {TRANSIENT_SHARE:.0%} of REST calls over the catalogue's BACKOFF codes, 604 after commit on "
          f"{sizes.lost_share:.0%} of syncs; job: {sizes.job_syncs} syncs of {MAX_BATCH_RECORDS} new leads + "
          f"{sizes.job_gets} gets from {sizes.workers} workers; minimum = calls / rate")  # fmt: skip
    raised, faulty = tables(rows)
    print(render(raised))
    print()
    print(render(faulty))
    if args.json:
        print(json.dumps(rows, indent=2))
        contract, not_run, failed = contract_rows(rows)
        print_contract("clients", contract, not_run=not_run, failed=failed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
