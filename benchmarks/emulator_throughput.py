"""Emulator throughput measured with wrk, against a bare Starlette app (and optionally Prism), in one run.

Servers, each its own process on a free 127.0.0.1 port, one worker:
  - the emulator (`mkto serve` on SQLite, limits raised through `PUT /_mkto/limits` so no 606/615/607 interferes);
  - a bare Starlette app on the same server stack (uvicorn, the emulator's own options) answering every call
    with a constant body;
  - Prism mocking Marketo's published spec, when `--prism SPEC` is given and `npx` can run
    `@stoplight/prism-cli` (reported as "not run: ..." otherwise).

Operations, alternating the servers round by round so drift favours none of them (a ratio is the median of the
rounds' own ratios: each round runs the servers back to back, so a slower spell of the machine, which lasts
minutes on a shared host, moves both sides of a round's ratio alike):
  - Get Lead by Id at 1 and at 10 connections;
  - a 300-record createOrUpdate Sync Leads at 4 connections (a wrk Lua script builds every body with its own
    emails, so each call creates 300 leads: real work), with a real token in the Authorization header;
  - Get Lead by Id p50/p99 at 1 connection while the emulator writes the file of an N-row lead extract
    (`--extract-rows`, 1,000,000 by default; 0 skips it). The leads are inserted straight into the SQLite
    file before the emulator starts (setup, not measured); the extract runs last, on an emulator of its own
    started on a copy of that file taken before the rounds, so the leads the syncs created (a quarter of a
    million in five rounds) do not weigh on it.

Shared state, Get Lead by Id at 1 and 10 connections in the same alternating rounds, when PostgreSQL and Redis
are given (`--postgres URL`, `--redis URL`, by default $MKTO_TEST_POSTGRES_URL and $MKTO_TEST_REDIS_URL; a missing
or unreachable one is reported as "not run: ...", never faked):
  - 4 workers on PostgreSQL + Redis (`mkto serve --workers 4`, on a fresh schema, dropped afterwards), beside the
    single worker on SQLite and a single worker on the same schema with in-process state (what PostgreSQL costs);
  - the state backend's cost per call: one worker on the same SQLite file with `--state REDIS` against the
    emulator without it (microseconds per call = the difference of 1/throughput).
The Redis keys the servers made are deleted afterwards.

A wrk Lua script counts every answer that is not HTTP 200 with `"success":true` (for Prism, whose bodies are
the spec's examples, not HTTP 200); a run with any is reported as failed, never as a rate. wrk is required (Debian package `wrk`); there is no fallback load generator.

    python benchmarks/emulator_throughput.py [--duration 5] [--rounds 3] [--extract-rows 1000000]
                                             [--prism path/to/swagger-mapi.json] [--postgres URL] [--redis URL]
                                             [--quick] [--json]
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import httpx
from _servers import free_port, measure, parse_args, print_contract, serve_emulator, wait_ready

CLIENT_ID = "bench"
CLIENT_SECRET = "bench-secret"
RAISED_LIMITS = {"rate_calls": 1_000_000_000, "daily_quota": 1_000_000_000, "concurrency": 10_000}
CONSTANT = b'{"requestId":"1#1","result":[],"success":true}'
STARTUP_DEADLINE_S = 120
LEAD_ID = 1
WRK_MISSING = "wrk not found: install the Debian package wrk"
# The targets: Get Lead by Id at half bare Starlette's rate or better, 100 syncs of 300 a second, and
# Get Lead by Id's p99 under 50 ms while a large extract's file is written.
GET_TARGET = ">= 0.5"
SYNC_TARGET = ">= 100"
EXTRACT_P99_TARGET = "< 50"
NOT_RUN = "not run: "  # how a note on a server that did not start begins
QUICK = {"duration": "1s", "rounds": 1, "extract_rows": 20_000}

# One Lua library for every wrk run: checks each answer, prints one machine-readable line at the end.
LUA_COMMON = r"""
local threads = {}
local thread_count = 0
setup = function(thread)
  thread_count = thread_count + 1
  thread:set("thread_no", thread_count)
  table.insert(threads, thread)
end
bad = 0
first_bad = ""
local strict = __STRICT__  -- false for Prism, whose bodies are the spec's examples: HTTP 200 is its success
response = function(status, headers, body)
  if status ~= 200 or (strict and not string.find(body, '"success":true', 1, true)) then
    if bad == 0 then first_bad = status .. " " .. string.sub(body, 1, 200) end
    bad = bad + 1
  end
end
done = function(summary, latency, requests)
  local failed = 0
  local sample = ""
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("bad")
    if sample == "" then sample = thread:get("first_bad") end
  end
  local e = summary.errors
  io.write(string.format("MKTO-RESULT %d %d %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), latency.max,
    failed + e.connect + e.read + e.write + e.timeout, e.status))
  io.write(string.format("MKTO-ERRORS answers %d connect %d read %d write %d timeout %d status %d\n",
    failed, e.connect, e.read, e.write, e.timeout, e.status))
  if sample ~= "" then io.write("MKTO-SAMPLE " .. string.gsub(sample, "\n", " ") .. "\n") end
end
"""

LUA_GET = r"""
wrk.method = "GET"
wrk.path = "/rest/v1/lead/__LEAD__.json"
wrk.headers["Authorization"] = "Bearer __TOKEN__"
"""

# While an extract is written: the same GET, until the benchmark creates the stop file (checked every 20 answers).
LUA_UNTIL_STOPPED = r"""
local check_response = response
local answers = 0
response = function(status, headers, body)
  check_response(status, headers, body)
  answers = answers + 1
  if answers % 20 == 0 then
    local flag = io.open("__STOPFILE__", "r")
    if flag then
      flag:close()
      wrk.thread:stop()
    end
  end
end
"""

LUA_SYNC = r"""
local counter = 0
local headers = {["Authorization"] = "Bearer __TOKEN__", ["Content-Type"] = "application/json"}
request = function()
  counter = counter + 1
  local parts = {}
  for i = 1, 300 do
    parts[i] = string.format(
      '{"email":"r__RUN__-t%d-c%d-%d@example.com","firstName":"F%d","lastName":"Bench","company":"Bench Co","title":"Engineer"}',
      thread_no, counter, i, i)
  end
  local body = '{"action":"createOrUpdate","lookupField":"email","input":[' .. table.concat(parts, ",") .. ']}'
  return wrk.format("POST", "/rest/v1/leads.json", headers, body)
end
"""


@dataclasses.dataclass
class Run:
    """One wrk run: requests/s and latencies in ms, or why it failed."""

    rate: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    requests: int = 0
    failure: str | None = None


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

    from mkto.emulator._server import uvicorn_config

    server = uvicorn.Server(uvicorn_config(bare_app(), host="127.0.0.1", port=port, log_level="warning"))
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises the Ctrl+C it already handled
        server.run()


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def start_emulator(db: Path) -> tuple[subprocess.Popen[bytes], str]:
    return serve_emulator(db, CLIENT_ID, CLIENT_SECRET, limits=RAISED_LIMITS, new_session=True)


@dataclasses.dataclass
class Shared:
    """The shared-state servers, or why they are not run."""

    sqlite_redis: tuple[subprocess.Popen[bytes], str] | None = None  # one worker, the emulator's SQLite file
    workers: tuple[subprocess.Popen[bytes], str] | None = None  # 4 workers, PostgreSQL + Redis
    postgres_one: tuple[subprocess.Popen[bytes], str] | None = None  # one worker, the same schema, in-process state
    redis_note: str = ""
    postgres_note: str = ""


def reachable_redis(url: str | None) -> str:
    """ "" when Redis answers at `url`, else why not."""
    if not url:
        return "not run: no --redis URL given and MKTO_TEST_REDIS_URL is not set"
    try:
        import redis
    except ImportError:
        return "not run: the redis package is not installed (pip install -e '.[redis]')"
    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError as exc:
        return f"not run: Redis at {url} does not answer ({exc})"
    return ""


@contextlib.contextmanager
def redis_keys_made(url: str | None) -> Iterator[None]:
    """Delete, on the way out, the emulator's `mkto:*` keys that were not there on the way in."""
    if not url or reachable_redis(url):
        yield
        return
    import redis

    connection = redis.Redis.from_url(url)
    before = set(connection.scan_iter(match="mkto:*", count=1000))
    try:
        yield
    finally:
        made = [key for key in connection.scan_iter(match="mkto:*", count=1000) if key not in before]
        for start in range(0, len(made), 500):
            connection.delete(*made[start : start + 500])
        connection.close()


@contextlib.contextmanager
def postgres_schema(url: str | None) -> Iterator[tuple[str | None, str]]:
    """(a database URL on a fresh schema, "") or (None, why not); the schema is dropped on the way out."""
    if not url:
        yield None, "not run: no --postgres URL given and MKTO_TEST_POSTGRES_URL is not set"
        return
    import sqlalchemy as sa

    from mkto.emulator._store import normalize_url

    schema = f"mkto_bench_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(normalize_url(url))
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.SQLAlchemyError as exc:
        engine.dispose()
        yield None, f"not run: PostgreSQL at {url} does not answer ({' '.join(str(exc).split()[:12])})"
        return
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options=-csearch_path%3D{schema}", ""
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def start_shared(db: Path, postgres: str | None, redis_url: str | None, postgres_note: str) -> Shared:
    """The two shared-state servers the services allow; lead 1 made on PostgreSQL (the SQLite file has it)."""
    shared = Shared(redis_note=reachable_redis(redis_url), postgres_note=postgres_note)
    if shared.redis_note:
        shared.postgres_note = shared.postgres_note or shared.redis_note
        return shared
    shared.sqlite_redis = serve_emulator(db, CLIENT_ID, CLIENT_SECRET, limits=RAISED_LIMITS, new_session=True,
                                         state=redis_url)  # fmt: skip
    if postgres is None:
        return shared
    shared.workers = serve_emulator(postgres, CLIENT_ID, CLIENT_SECRET, limits=RAISED_LIMITS, new_session=True,
                                    state=redis_url, workers=4)  # fmt: skip
    base = shared.workers[1]
    made = httpx.post(f"{base}/rest/v1/leads.json", headers={"Authorization": f"Bearer {token_of(base)}"},
                      json={"action": "createOnly", "input": [{"email": "bench@example.com"}]}).json()  # fmt: skip
    if made.get("result", [{}])[0].get("id") != LEAD_ID:
        raise SystemExit(f"could not make lead {LEAD_ID} on the 4-worker server: {made}")
    shared.postgres_one = serve_emulator(postgres, CLIENT_ID, CLIENT_SECRET, limits=RAISED_LIMITS, new_session=True)
    return shared


def per_call_us(with_state: Run | None, without: Run | None) -> str:
    """What a call costs more with the state backend: 1/throughput with it minus 1/throughput without, in us."""
    if with_state is None or without is None or with_state.failure or without.failure:
        return "-"
    if not with_state.rate or not without.rate:
        return "-"
    return f"{(1 / with_state.rate - 1 / without.rate) * 1e6:+,.0f} us"


def start_bare() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve-bare", str(port)], stdout=subprocess.DEVNULL, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    wait_ready(base, process)
    return process, base


def start_prism(spec: Path | None) -> tuple[subprocess.Popen[bytes] | None, str]:
    """Prism on `spec`, or (None, why it is not run)."""
    if spec is None:
        return None, "not run: no --prism SPEC given"
    if not spec.is_file():
        return None, f"not run: no spec at {spec}"
    npx = shutil.which("npx")
    if npx is None:
        return None, "not run: npx not found (Node.js)"
    port = free_port()
    process = subprocess.Popen(
        [npx, "--yes", "@stoplight/prism-cli", "mock", "--host", "127.0.0.1", "--port", str(port), str(spec)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, process, deadline_s=300)
    except SystemExit as exc:
        stop(process)
        return None, f"not run: prism did not start ({exc})"
    return process, base


def token_of(base: str) -> str:
    response = httpx.get(
        f"{base}/identity/oauth/token",
        params={"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def write_script(tmp: Path, name: str, body: str, *, strict: bool = True, **values: object) -> Path:
    text = LUA_COMMON + body
    for key, value in {"strict": "true" if strict else "false", **values}.items():
        text = text.replace(f"__{key.upper()}__", str(value))
    path = tmp / f"{name}.lua"
    path.write_text(text)
    return path


def wrk_command(base: str, script: Path, connections: int, duration: str, timeout: str = "30s") -> list[str]:
    threads = min(connections, 2)
    return ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}", "--timeout", timeout, "-s", str(script), base]


def parse_wrk(output: str) -> Run:
    found = re.search(r"^MKTO-RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$", output, re.MULTILINE)
    if found is None:
        return Run(failure=f"no result from wrk: {output.strip()[-300:]}")
    requests, duration_us, p50, p99, peak, failed, status_errors = (int(g) for g in found.groups())
    run = Run(
        rate=requests / (duration_us / 1e6), p50_ms=p50 / 1000, p99_ms=p99 / 1000, max_ms=peak / 1000,
        requests=requests,
    )  # fmt: skip
    if failed or status_errors:
        sample = re.search(r"^MKTO-SAMPLE (.*)$", output, re.MULTILINE)
        kinds = re.search(r"^MKTO-ERRORS (.*)$", output, re.MULTILINE)
        run.failure = (
            f"{failed + status_errors} of {requests} answers failed"
            + (f" ({kinds.group(1)})" if kinds else "")
            + (f", first: {sample.group(1)}" if sample else "")
        )
    return run


def wrk(base: str, script: Path, connections: int, duration: str) -> Run:
    done = subprocess.run(
        wrk_command(base, script, connections, duration), capture_output=True, text=True, timeout=600, check=False
    )
    return parse_wrk(done.stdout + done.stderr)


@dataclasses.dataclass
class Target:
    name: str
    base: str
    get_script: Path


def median_run(runs: Sequence[Run]) -> Run:
    failures = [r.failure for r in runs if r.failure]
    if failures:
        return Run(failure=failures[0])
    return Run(
        rate=statistics.median(r.rate for r in runs),
        p50_ms=statistics.median(r.p50_ms for r in runs),
        p99_ms=statistics.median(r.p99_ms for r in runs),
        max_ms=max(r.max_ms for r in runs),
        requests=sum(r.requests for r in runs),
    )


def seed_leads(db: Path, rows: int) -> float:
    """Insert `rows` leads straight into a fresh emulator file (the bulk extract benchmark's setup)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bulk_extract import populate

    return populate(db, rows)


def extract_while_getting(base: str, token: str, tmp: Path, rows: int) -> tuple[Run, float, float]:
    """GET lead by id at 1 connection while an extract of every lead is written; (run, write s, poll s).

    wrk runs until the job is Completed (then the stop file tells its thread to stop after a whole answer, and
    SIGINT wakes its main thread to print what it measured);
    the slowest status poll is reported too, since a poll that writes the file holds its caller that long.
    """
    stop_file = tmp / "extract-done"
    script = write_script(tmp, "get-during-extract", LUA_GET + LUA_UNTIL_STOPPED, token=token, lead=LEAD_ID,
                          stopfile=stop_file)  # fmt: skip
    client = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=3_600)
    body = {"fields": ["id", "email", "firstName", "lastName", "createdAt"],
            "filter": {"createdAt": {"startAt": "2026-01-01T00:00:00Z", "endAt": "2026-01-31T00:00:00Z"}}}  # fmt: skip
    created = client.post("/bulk/v1/leads/export/create.json", json=body).json()
    export_id = created["result"][0]["exportId"]
    client.post(f"/bulk/v1/leads/export/{export_id}/enqueue.json").raise_for_status()
    process = subprocess.Popen(
        wrk_command(base, script, 1, "3600s", timeout="600s"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    time.sleep(1.0)  # wrk is under way before the file starts
    started = time.perf_counter()
    # past the start delay + 60 s + 1 s per 10,000 records: the next status poll finds the job due
    httpx.post(f"{base}/_mkto/clock", json={"advance": 300 + rows / 10_000}).raise_for_status()
    slowest_poll = 0.0
    status: dict[str, object] = {}
    while time.perf_counter() - started < 3_600:
        poll_started = time.perf_counter()
        status = client.get(f"/bulk/v1/leads/export/{export_id}/status.json").json()["result"][0]
        slowest_poll = max(slowest_poll, time.perf_counter() - poll_started)
        if status["status"] in ("Completed", "Failed", "Cancelled"):
            break
        time.sleep(0.1)
    written_s = time.perf_counter() - started
    time.sleep(0.5)
    stop_file.write_text("done")  # the thread stops after a whole answer, then wrk's main thread is woken
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=120)
    run = parse_wrk(output)
    if status.get("status") != "Completed" or status.get("numberOfRecords") != rows:
        run.failure = f"extract not completed as expected: {status}"
    return run, written_s, slowest_poll


def fmt_rate(run: Run | None) -> str:
    if run is None:
        return "-"
    return "failed" if run.failure else f"{run.rate:,.0f}"


def fmt_latency(run: Run | None) -> str:
    if run is None or run.failure:
        return "-"
    return f"{run.p50_ms:.2f} / {run.p99_ms:.2f}"


def ratio(a: Run | None, b: Run | None) -> str:
    if a is None or b is None or a.failure or b.failure or not b.rate:
        return "-"
    return f"{a.rate / b.rate:.3f}"


def paired_ratio(runs: Sequence[Run] | None, baselines: Sequence[Run] | None) -> float | None:
    """The median of the rounds' own ratios (run i over baseline i, measured in the same round), or None."""
    if not runs or not baselines or any(r.failure or not r.rate for r in (*runs, *baselines)):
        return None
    return statistics.median(r.rate / b.rate for r, b in zip(runs, baselines, strict=True))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", default="5s", help="each wrk run (wrk's -d), default 5s")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per operation, default 3")
    parser.add_argument("--extract-rows", type=int, default=1_000_000, help="leads in the extract (0: skip it)")
    parser.add_argument("--prism", type=Path, default=None, metavar="SPEC", help="also measure Prism on this spec")
    parser.add_argument("--postgres", default=os.environ.get("MKTO_TEST_POSTGRES_URL"), metavar="URL",
                        help="PostgreSQL for the 4-worker row (default: $MKTO_TEST_POSTGRES_URL)")  # fmt: skip
    parser.add_argument("--redis", default=os.environ.get("MKTO_TEST_REDIS_URL"), metavar="URL",
                        help="Redis for the shared-state rows (default: $MKTO_TEST_REDIS_URL)")  # fmt: skip
    parser.add_argument("--serve-bare", type=int, default=None, help=argparse.SUPPRESS)
    args = parse_args(parser, QUICK, argv)
    if args.serve_bare is not None:
        serve_bare(args.serve_bare)
        return
    if shutil.which("wrk") is None:
        print(WRK_MISSING, file=sys.stderr)
        sys.exit(1)

    with (
        tempfile.TemporaryDirectory(prefix="mkto-bench-") as tmp_name,
        postgres_schema(args.postgres) as (postgres, postgres_note),
        redis_keys_made(args.redis),
    ):
        tmp = Path(tmp_name)
        db = tmp / "bench.sqlite3"
        seeded = max(args.extract_rows, 1)
        seed_s = seed_leads(db, seeded)
        print(f"setup: {seeded:,} leads inserted in {seed_s:.1f} s (direct SQLite, not measured)", file=sys.stderr)
        extract_db = tmp / "extract.sqlite3"
        if args.extract_rows:
            shutil.copyfile(db, extract_db)  # the store as seeded, for the extract's own emulator
        processes: list[subprocess.Popen[bytes]] = []
        try:
            emulator, emu_base = start_emulator(db)
            processes.append(emulator)
            bare, bare_base = start_bare()
            processes.append(bare)
            prism, prism_note = start_prism(args.prism)  # the note is its base URL when it runs
            if prism is not None:
                processes.append(prism)
            shared = start_shared(db, postgres, args.redis, postgres_note)
            started_shared = (shared.sqlite_redis, shared.workers, shared.postgres_one)
            processes += [started[0] for started in started_shared if started is not None]
            token = token_of(emu_base)
            targets = [
                Target("emulator", emu_base, write_script(tmp, "get", LUA_GET, token=token, lead=LEAD_ID)),
                Target("bare", bare_base, write_script(tmp, "get", LUA_GET, token=token, lead=LEAD_ID)),
            ]
            if prism is not None:
                prism_get = write_script(tmp, "get-prism", LUA_GET, strict=False, token=token, lead=LEAD_ID)
                targets.append(Target("prism", prism_note, prism_get))
            named = {"sqlite-redis": shared.sqlite_redis, "workers4": shared.workers, "postgres1": shared.postgres_one}
            shared_targets = [
                Target(name, base, write_script(tmp, f"get-{name}", LUA_GET, token=token_of(base), lead=LEAD_ID))
                for name, server in named.items()
                if server is not None
                for base in [server[1]]
            ]
            results: dict[tuple[str, str], list[Run]] = {}
            operations = [("get1", 1), ("get10", 10), ("sync4", 4)]
            for op, connections in operations:
                measured = targets + shared_targets if op != "sync4" else targets
                for round_no in range(args.rounds):
                    order = measured if round_no % 2 == 0 else list(reversed(measured))
                    for target in order:
                        if op == "sync4":
                            script = write_script(tmp, f"sync-{target.name}-{round_no}", LUA_SYNC, token=token,
                                                  run=f"{round_no}{target.name[0]}", strict=target.name != "prism")  # fmt: skip
                        else:
                            script = target.get_script
                        run = wrk(target.base, script, connections, args.duration)
                        results.setdefault((op, target.name), []).append(run)
                        print(f"{op} {target.name} round {round_no + 1}: {fmt_rate(run)} req/s "
                              f"p50/p99 {fmt_latency(run)} ms {run.failure or ''}", file=sys.stderr)  # fmt: skip
            extract: tuple[Run, float, float] | None = None
            if args.extract_rows:
                stop(emulator)  # its rounds are done
                extracting, extract_base = start_emulator(extract_db)
                processes.append(extracting)
                extract = extract_while_getting(extract_base, token_of(extract_base), tmp, args.extract_rows)
        finally:
            for process in processes:
                stop(process)

    med = {key: median_run(runs) for key, runs in results.items()}
    names = [t.name for t in targets]
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, one worker per server, emulator on "
          f"SQLite, wrk {args.duration} per run, {args.rounds} alternating rounds (rates: medians; ratios: medians "
          "of each round's own ratio)")  # fmt: skip
    print(f"prism: {prism_note if prism is None else 'run'}")
    header = f"{'operation':<30}" + "".join(f"{n + ' req/s':>16}{'p50/p99 ms':>20}" for n in names)
    header += "".join(f"{'emu/' + n:>11}" for n in names[1:])
    print(header)
    labels = {"get1": "Get Lead by Id, 1 conn", "get10": "Get Lead by Id, 10 conns", "sync4": "Sync 300 leads, 4 conns"}
    for op, _ in operations:
        row = f"{labels[op]:<30}"
        for n in names:
            run = med.get((op, n))
            row += f"{fmt_rate(run):>16}{fmt_latency(run):>20}"
        for n in names[1:]:
            paired = paired_ratio(results.get((op, "emulator")), results.get((op, n)))
            row += f"{'-' if paired is None else f'{paired:.3f}':>11}"
        print(row)
    sync = med.get(("sync4", "emulator"))
    if sync is not None and not sync.failure:
        print(f"Sync Leads records/s (emulator): {sync.rate * 300:,.0f}")
    for (op, name), runs in results.items():
        for run in runs:
            if run.failure:
                print(f"FAILED {op} {name}: {run.failure}")
    print_shared(med, shared)
    print_extract(extract, args.extract_rows)
    if args.json:
        rows, not_run = contract_rows(results, names, shared, extract, prism_note if prism is None else "")
        failed = [f"{op} {name}: {run.failure}" for (op, name), runs in results.items() for run in runs if run.failure]
        if extract is not None and extract[0].failure:
            failed.append(f"GET during the extract: {extract[0].failure}")
        print_contract("emulator_throughput", rows, not_run=not_run, failed=failed)


def print_extract(extract: tuple[Run, float, float] | None, rows: int) -> None:
    if extract is not None:
        run, written_s, slowest_poll = extract
        if run.failure:
            print(f"GET during a {rows:,}-row extract (file written in {written_s:.1f} s, slowest "
                  f"status poll {slowest_poll:.2f} s): FAILED: {run.failure}")  # fmt: skip
        else:
            print(f"GET lead by id during a {rows:,}-row extract (file written in {written_s:.1f} s, "
                  f"slowest status poll {slowest_poll:.2f} s): {run.requests:,} calls, p50 {run.p50_ms:.2f} ms, "
                  f"p99 {run.p99_ms:.2f} ms, max {run.max_ms:.0f} ms")  # fmt: skip


def contract_rows(
    results: dict[tuple[str, str], list[Run]],
    names: list[str],
    shared: Shared,
    extract: tuple[Run, float, float] | None,
    prism_note: str,
) -> tuple[list[dict[str, object]], list[str]]:
    """The contract's rows (a failed run has none: it is in "failed") and what was not run, with why."""
    med = {key: median_run(runs) for key, runs in results.items()}

    def ok(run: Run | None) -> Run | None:
        return run if run is not None and not run.failure and run.rate else None

    rows: list[dict[str, object]] = []
    labels = {"get1": "Get Lead by Id, 1 connection", "get10": "Get Lead by Id, 10 connections"}
    for op, label in labels.items():
        emu = ok(med.get((op, "emulator")))
        for other in names[1:]:
            base = ok(med.get((op, other)))
            paired = paired_ratio(results.get((op, "emulator")), results.get((op, other)))
            if emu is not None and base is not None and paired is not None:
                rows.append(measure(f"{label}, emulator/{other}", emu.rate, "req/s", baseline=base.rate,
                                    target=GET_TARGET if other == "bare" else None, on_ratio=True,
                                    ratio=paired))  # fmt: skip
    sync, bare_sync = ok(med.get(("sync4", "emulator"))), ok(med.get(("sync4", "bare")))
    if sync is not None:
        rows.append(measure("Sync 300 leads, 4 connections, emulator/bare", sync.rate, "calls/s",
                            baseline=bare_sync.rate if bare_sync else None, target=SYNC_TARGET))  # fmt: skip
    if extract is not None and not extract[0].failure:
        rows.append(measure("Get Lead by Id p99 during the extract", extract[0].p99_ms, "ms",
                            target=EXTRACT_P99_TARGET))  # fmt: skip
    for op, label in labels.items():
        one = ok(med.get((op, "emulator")))
        pairs = (("4 workers PG+Redis / 1 worker SQLite", "workers4", one),
                 ("4 workers PG+Redis / 1 worker PG", "workers4", ok(med.get((op, "postgres1")))),
                 ("1 worker SQLite+Redis / SQLite", "sqlite-redis", one))  # fmt: skip
        for title, name, base in pairs:
            run = ok(med.get((op, name)))
            if run is not None and base is not None:
                rows.append(measure(f"{label}, {title}", run.rate, "req/s", baseline=base.rate))
    not_run = [f"prism: {prism_note.removeprefix(NOT_RUN)}"] if prism_note else []
    if shared.sqlite_redis is None:
        not_run.append(f"1 worker SQLite+Redis: {shared.redis_note.removeprefix(NOT_RUN)}")
    if shared.workers is None:
        not_run.append(f"4 workers PostgreSQL + Redis: {shared.postgres_note.removeprefix(NOT_RUN)}")
    return rows, not_run


def print_shared(med: dict[tuple[str, str], Run], shared: Shared) -> None:
    """The 4-worker PostgreSQL + Redis row beside the single worker on SQLite, and the state backend's cost."""
    print("shared state, Get Lead by Id (the same alternating rounds):")
    columns = [("emulator", "1 worker SQLite"), ("sqlite-redis", "1 worker SQLite+Redis"),
               ("postgres1", "1 worker PG"), ("workers4", "4 workers PG+Redis")]  # fmt: skip
    header = f"{'operation':<30}" + "".join(f"{label + ' req/s':>28}{'p50/p99 ms':>16}" for _, label in columns)
    print(header + f"{'4w/1w':>8}{'4w/1w PG':>10}{'Redis cost':>14}")
    for op, label in (("get1", "Get Lead by Id, 1 conn"), ("get10", "Get Lead by Id, 10 conns")):
        row = f"{label:<30}"
        for name, _ in columns:
            run = med.get((op, name))
            row += f"{fmt_rate(run):>28}{fmt_latency(run):>16}"
        row += f"{ratio(med.get((op, 'workers4')), med.get((op, 'emulator'))):>8}"
        row += f"{ratio(med.get((op, 'workers4')), med.get((op, 'postgres1'))):>10}"
        row += f"{per_call_us(med.get((op, 'sqlite-redis')), med.get((op, 'emulator'))):>14}"
        print(row)
    if shared.sqlite_redis is None:
        print(f"1 worker SQLite+Redis: {shared.redis_note}")
    if shared.workers is None:
        print(f"4 workers PostgreSQL + Redis: {shared.postgres_note}")
    print("4w/1w: 4 workers on PG+Redis over 1 worker on SQLite; 4w/1w PG: over 1 worker on the same PostgreSQL schema")
    print(
        "Redis cost: what a call costs more with --state redis on one SQLite worker (1/rate with it - 1/rate without)"
    )


if __name__ == "__main__":
    main()
