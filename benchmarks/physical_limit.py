"""The bulk sync at the physical limit: 4 processes sync 100,000 new leads through one instance's limits.

    .venv/bin/python benchmarks/physical_limit.py [--processes 4] [--leads 100000] [--rate-calls 50]
        [--rate-seconds 10] [--concurrency 10] [--redis redis://127.0.0.1:6379/0] [--quick] [--json]

The leads are cut into batches of the catalogue's maximum (300 records) and the batches dealt out to the
processes, each its own `Client` calling `client.leads.sync(batch)` one batch after another from a common
start (a barrier), as fast as its limiter lets it, against one in-process `Emulator` with the same limits
scaled down. Two runs: the processes share one `RedisLimiterBackend`, or each limits only itself
(unshared: between them they ask for `--processes` times the limit, draw 606 and wait it out as the
catalogue says).

The ceiling is `rate_calls / rate_seconds` calls a second of 300 records each. As in
`benchmarks/shared_limits.py`, the first window's calls may all go at once, so N calls span at least
(ceil(N / rate_calls) - 1) * rate_seconds from the first send to the last answer; "of max" is that
minimum over the span measured (the sends and answers as httpx sees them, so the limiter's waits are not
counted as latency). Records/s is the leads the emulator holds afterwards (counted there by email through
its admin API: every lead exactly once) over the span. 606 and 615 are the emulator's own counts.

Why 50 calls / 10 s by default (half Marketo's 100 calls and 20 s window, the same 5 calls a second, so
100,000 leads, 334 calls, take about 60 s): that maximum takes a call to cost no time, and here it does.
A window's calls cannot all be answered at once: on this 2-core machine the emulator and the four clients
get through 300-record syncs at about 70 a second when it is quiet and 20 to 40 under load, so the last
window (34 calls) ends 0.5 s or more after its start. And a window never gets shorter than the one before:
a call's place lasts until `rate_seconds` after its answer (the client cannot know when Marketo counted
it), so a call slowed by a load spike delays the place it frees for every later window. Both losses are
fixed seconds, so the window must be long against them: at 50 calls / 5 s (30 s) the shared run measured
0.95 to 0.96, at 10 s the same seconds are half the fraction. `--quick` (12,000 leads, 10 calls / 2 s)
is a bounded check of seconds, not the measurement.
"""

from __future__ import annotations

import argparse
import collections
import json
import math
import multiprocessing
import os
import platform
import statistics
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
from shared_limits import redis_reachable, refused

from mkto.client import Client, Limits, RedisLimiterBackend
from mkto.emulator import Emulator
from mkto.errors.limits import MAX_BATCH_RECORDS

EMAIL_DOMAIN = "physical-limit.example"
QUICK = {"leads": 12_000, "rate_calls": 10, "rate_seconds": 2.0}
DAILY_QUOTA = 10_000_000  # never the limit measured here
BROWSE_PAGE = 300  # the admin API's largest page of leads
TARGET = 0.97  # the target: of rate × 300 reached by the shared run
SYNC_PATH = "/rest/v1/leads.json"
HTTP_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Job:
    base_url: str
    client_id: str
    client_secret: str
    redis_url: str | None  # None: this process limits only itself
    prefix: str
    index: int
    batches: tuple[tuple[int, int], ...]  # [start, stop) of the lead numbers in each batch
    rate_calls: int
    rate_seconds: float
    concurrency: int


@dataclass
class Part:
    """What one process saw: (send, answer) of each call on this host's clock, and the outcomes."""

    times: list[tuple[float, float]] = field(default_factory=list)  # per batch: its first send, its answer
    exchanges: list[tuple[float, float]] = field(default_factory=list)  # per HTTP exchange of a sync
    statuses: collections.Counter[str] = field(default_factory=collections.Counter)
    failure: str | None = None


def email(number: int) -> str:
    return f"lead{number:07d}@{EMAIL_DOMAIN}"


def lead(number: int) -> dict[str, Any]:
    return {"email": email(number), "firstName": "Lead", "lastName": f"No. {number}", "company": "Physical Limit"}


def deal(leads: int, processes: int) -> list[tuple[tuple[int, int], ...]]:
    """The batches of 300 cut from lead numbers 0..leads-1, dealt round-robin: process i gets every i-th."""
    batches = [(start, min(start + MAX_BATCH_RECORDS, leads)) for start in range(0, leads, MAX_BATCH_RECORDS)]
    return [tuple(batches[i::processes]) for i in range(processes)]


def worker(job: Job, ready: threading.Barrier, results: multiprocessing.SimpleQueue[tuple[int, Part]]) -> None:
    """One process: its own `Client` syncing its batches one after another, each batch in one call."""
    backend = None if job.redis_url is None else RedisLimiterBackend(job.redis_url, prefix=job.prefix)
    limits = Limits(rate_calls=job.rate_calls, rate_seconds=job.rate_seconds, concurrency=job.concurrency,
                    backend=backend)  # fmt: skip
    part = Part()
    sends: list[float] = []

    # The limiter's waits come before a send: the hooks see the sends themselves and their answers.
    def on_request(request: httpx.Request) -> None:
        if request.url.path.endswith(SYNC_PATH):
            sends.append(time.time())

    def on_response(response: httpx.Response) -> None:
        if response.request.url.path.endswith(SYNC_PATH):
            part.exchanges.append((sends[-1], time.time()))  # the core releases the call's place now

    http = httpx.Client(timeout=HTTP_TIMEOUT_S, event_hooks={"request": [on_request], "response": [on_response]})
    bodies = [[lead(n) for n in range(start, stop)] for start, stop in job.batches]
    with Client(base_url=job.base_url, client_id=job.client_id, client_secret=job.client_secret, limits=limits,
                http_client=http) as c:  # fmt: skip
        ready.wait()  # every process has imported mkto and built its leads: the first window can go at once
        try:
            for body in bodies:
                first = len(sends)
                outcomes = c.leads.sync(body)
                part.times.append((sends[first], part.exchanges[-1][1]))  # a 606 is sent again: first send, last answer
                part.statuses.update(o.status for o in outcomes)
        except Exception as exc:  # reported in the table, not raised: the other processes' figures stand
            part.failure = f"{type(exc).__name__}: {exc}"
    results.put((job.index, part))


@dataclass(frozen=True)
class Run:
    label: str
    leads: int  # asked for
    written: int  # distinct emails of ours the emulator holds
    once: int  # of those, held exactly once
    held: int  # every lead the emulator holds
    calls: int
    span_s: float
    minimum_s: float
    drawn_606: int
    drawn_615: int
    latency_ms: float  # median of every sync exchange, send to answer (the limiter's waits are before the send)
    statuses: dict[str, int]
    failures: list[str]

    @property
    def fraction(self) -> float:
        return self.minimum_s / self.span_s if self.span_s > 0 else 0.0

    @property
    def records_per_s(self) -> float:
        return self.written / self.span_s if self.span_s > 0 else 0.0

    @property
    def exactly_once(self) -> bool:
        return self.once == self.leads == self.held and not self.failures


def held_emails(emu: Emulator) -> collections.Counter[str]:
    """Every lead's email in the emulator, through its admin API (lower case: Marketo's lookup ignores case)."""
    seen: collections.Counter[str] = collections.Counter()
    with httpx.Client(base_url=emu.admin_url, timeout=60) as admin:
        offset = 0
        while True:
            page = admin.get("/browse/leads", params={"offset": offset, "limit": BROWSE_PAGE}).raise_for_status().json()
            seen.update(str(row.get("email") or "").lower() for row in page["leads"])
            offset += len(page["leads"])
            if not page["leads"] or offset >= page["total"]:
                return seen


def run(emu: Emulator, args: argparse.Namespace, label: str, redis_url: str | None) -> Run:
    emu.reset()
    prefix = f"mkto-bench-physical:{uuid.uuid4().hex}:"
    spawn = multiprocessing.get_context("spawn")
    ready, results = spawn.Barrier(args.processes), spawn.SimpleQueue()
    jobs = [
        Job(
            base_url=emu.base_url,
            client_id=emu.client_id,
            client_secret=emu.client_secret,
            redis_url=redis_url,
            prefix=prefix,
            index=index,
            batches=batches,
            rate_calls=args.rate_calls,
            rate_seconds=args.rate_seconds,
            concurrency=args.concurrency,
        )
        for index, batches in enumerate(deal(args.leads, args.processes))
    ]
    processes = [spawn.Process(target=worker, args=(job, ready, results)) for job in jobs]
    try:
        for process in processes:
            process.start()
        parts = [part for _, part in sorted(results.get() for _ in processes)]
    finally:
        for process in processes:
            process.join()
        if redis_url is not None:
            RedisLimiterBackend(redis_url, prefix=prefix).clear()
    calls = [t for part in parts for t in part.times]
    held = held_emails(emu)
    ours = {email(n) for n in range(args.leads)}
    statuses: collections.Counter[str] = collections.Counter()
    for part in parts:
        statuses.update(part.statuses)
    span = max(a for _, a in calls) - min(s for s, _ in calls) if calls else 0.0
    return Run(
        label=label,
        leads=args.leads,
        written=sum(1 for e in ours if held[e] > 0),
        once=sum(1 for e in ours if held[e] == 1),
        held=sum(held.values()),
        calls=len(calls),
        span_s=span,
        minimum_s=(math.ceil(len(calls) / args.rate_calls) - 1) * args.rate_seconds,
        drawn_606=refused(emu, "606"),
        drawn_615=refused(emu, "615"),
        latency_ms=statistics.median(a - s for part in parts for s, a in part.exchanges) * 1000 if calls else 0.0,
        statuses=dict(statuses),
        failures=[p.failure for p in parts if p.failure],
    )


SHARED = "bulk sync shared Redis"
UNSHARED = "bulk sync unshared"


def row(
    name: str, value: float | None, unit: str, target: str | None = None, met: bool | None = None
) -> dict[str, Any]:
    """One row as `python -m benchmarks` reads it; `met` only where there is a target."""
    return {"name": name, "value": value, "unit": unit, "baseline": None, "ratio": None, "target": target,
            "met": met if target is not None else None}  # fmt: skip


def json_rows(runs: dict[str, Run | str]) -> list[dict[str, Any]]:
    """The shared run against its targets, the unshared one beside it; a run not made has value null and says why."""
    rows: list[dict[str, Any]] = []
    for name, targeted in ((SHARED, True), (UNSHARED, False)):
        r = runs[name]
        of_max, zero = (f">= {TARGET:g}", "0") if targeted else (None, None)
        if isinstance(r, str):
            rows.append(row(f"{name}: of rate × 300", None, "fraction", of_max) | {"not_run": r})
            continue
        rows += [
            row(
                f"{name}: of rate × 300",
                round(r.fraction, 4),
                "fraction",
                of_max,
                r.fraction >= TARGET and r.exactly_once,
            ),
            row(f"{name}: records/s", round(r.records_per_s, 1), "records/s"),
            row(f"{name}: 606", r.drawn_606, "calls", zero, r.drawn_606 == 0),
            row(f"{name}: 615", r.drawn_615, "calls", zero, r.drawn_615 == 0),
            row(f"{name}: leads written exactly once", r.once, "leads", str(r.leads), r.exactly_once),
        ]
    return rows


def print_table(args: argparse.Namespace, runs: dict[str, Run | str]) -> None:
    ceiling = args.rate_calls / args.rate_seconds * MAX_BATCH_RECORDS
    print(f"machine: {platform.machine()} {platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} cores, load {' '.join(f'{x:.2f}' for x in os.getloadavg())}")  # fmt: skip
    print(f"{args.processes} processes syncing {args.leads:,} new leads in batches of {MAX_BATCH_RECORDS}, limits "
          f"{args.rate_calls} calls / {args.rate_seconds:g} s (rate x {MAX_BATCH_RECORDS} = {ceiling:,.0f} records/s), "
          f"{args.concurrency} in flight")  # fmt: skip
    print(f"{'run':<24} {'written':>8} {'once':>5} {'calls':>6} {'span s':>7} {'min s':>6} {'records/s':>10} "
          f"{'of max':>7} {'606':>5} {'615':>5} {'call ms':>8}")  # fmt: skip
    for name, r in runs.items():
        if isinstance(r, str):
            print(f"{name:<24} not run: {r}")
            continue
        print(f"{name:<24} {r.written:>8,} {'yes' if r.exactly_once else 'NO':>5} {r.calls:>6} {r.span_s:>7.2f} "
              f"{r.minimum_s:>6.1f} {r.records_per_s:>10,.0f} {r.fraction:>7.3f} {r.drawn_606:>5} {r.drawn_615:>5} "
              f"{r.latency_ms:>8.1f}")  # fmt: skip
        for failure in r.failures:
            print(f"{'':<24} a process stopped: {failure}")
        if set(r.statuses) - {"created"}:
            print(f"{'':<24} outcomes: {r.statuses}")


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--rate-calls", type=int, default=50)
    parser.add_argument("--rate-seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--redis", default=os.environ.get("MKTO_TEST_REDIS_URL"),
                        help="the shared limiter's Redis (default $MKTO_TEST_REDIS_URL)")  # fmt: skip
    parser.add_argument(
        "--quick", action="store_true", help="a bounded size: " + ", ".join(f"{k} {v}" for k, v in QUICK.items())
    )
    parser.add_argument("--json", action="store_true", help="after the table, one JSON object on the last line")
    args = parser.parse_args(argv)
    if args.quick:
        for name, value in QUICK.items():
            setattr(args, name, value)
    return args


def main(argv: list[str] | None = None) -> dict[str, Run | str]:
    args = parse(argv)
    limits = {"rate_calls": args.rate_calls, "rate_seconds": args.rate_seconds, "concurrency": args.concurrency,
              "daily_quota": DAILY_QUOTA}  # fmt: skip
    why_not = "no --redis and no $MKTO_TEST_REDIS_URL" if not args.redis else redis_reachable(args.redis)
    runs: dict[str, Run | str] = {}
    with Emulator(limits=limits) as emu:
        runs[SHARED] = why_not if why_not is not None else run(emu, args, SHARED, args.redis)
        runs[UNSHARED] = run(emu, args, UNSHARED, None)
    print_table(args, runs)
    if args.json:
        print(json.dumps({"benchmark": "physical_limit", "rows": json_rows(runs)}, ensure_ascii=False))
    return runs


if __name__ == "__main__":
    main()
