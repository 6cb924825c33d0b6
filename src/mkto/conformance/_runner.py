"""The runner: each scenario on a fresh state, its evidence gathered from the emulator, its checks evaluated.

    with Target.start() as target:                     # an in-process emulator (or Target.remote(base, admin))
        for verdict in run(target, adapter_for("mkto"), SCENARIOS.values()):
            print(verdict.scenario.id, verdict.passed, verdict.evidence)

Fresh state: a new instance of the server for each scenario (`POST /_mkto/instances`, deleted afterwards; on a
server without instances, `POST /_mkto/reset`), the scenario's limits, and a new API user of its own; the data
is read back by a second API user, and neighbours call as a third, so the request log tells the three apart.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import httpx

from ._adapters import Adapter, Session
from ._spec import Admin, Evidence, Neighbours, Op, OpResult, Scenario, Script, Seed, ShortToken

AUDIT_BATCH = 100  # emails per read-back call
NEIGHBOUR_PATH = "/rest/v1/activities/types.json"  # what the slow neighbours read
RECORDER = {"answer": "pass"}  # a scenario that takes nothing from the client (a pass) and records its calls
UNLIMITED = {"rate_calls": 100_000, "concurrency": 100, "daily_quota": 10_000_000}


@dataclass(frozen=True, slots=True)
class Verdict:
    scenario: Scenario
    passed: bool
    evidence: str
    checks: tuple[tuple[str, bool, str], ...]
    seconds: float
    calls: int = 0


@dataclass
class Target:
    """The emulator a run drives: its host root and its admin API. `start()` runs one in this process."""

    base_url: str
    admin_url: str
    _emulator: Any = None
    _http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=30))

    @classmethod
    def start(cls) -> Target:
        from mkto.emulator import Emulator

        emulator = Emulator(request_log_size=1_000).start()
        return cls(emulator.base_url, emulator.admin_url, emulator)

    @classmethod
    def remote(cls, base_url: str, admin_url: str | None = None) -> Target:
        base = base_url.rstrip("/").removesuffix("/rest")
        return cls(base, (admin_url or f"{base}/_mkto").rstrip("/"))

    @contextlib.contextmanager
    def fresh_instance(self) -> Iterator[Target]:
        """A new isolated instance of this server for one scenario (`POST /_mkto/instances`), deleted after it;
        on a server without instances, this target itself (the scenario resets it)."""
        response = self._http.post(f"{self.admin_url}/instances", json={})
        if response.status_code in (404, 405):
            yield self
            return
        if response.status_code >= 400:
            raise RuntimeError(f"admin POST /instances refused: {response.status_code} {response.text[:200]}")
        made = response.json()
        child = Target(made["base_url"], made["admin_url"])
        try:
            yield child
        finally:
            child.close()
            self._http.delete(f"{self.admin_url}/instances/{made['munchkin_id']}")

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        response = self._http.request(method, f"{self.admin_url}{path}", json=body)
        if response.status_code >= 400:
            raise RuntimeError(f"admin {method} {path} refused: {response.status_code} {response.text[:200]}")
        return response.json()

    def close(self) -> None:
        self._http.close()
        if self._emulator is not None:
            self._emulator.stop()

    def __enter__(self) -> Target:
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


class _Caller:
    """Another API user of the instance, calling over plain HTTP (the auditor, the neighbours)."""

    def __init__(self, target: Target, user: Mapping[str, Any]) -> None:
        self.target, self.user = target, user
        self.http = httpx.Client(base_url=target.base_url, timeout=30)
        self.login()

    def login(self) -> None:
        """A token of its own, fresh (the scenario may have moved the clock past the last one)."""
        user = self.user
        answer = self.http.post(
            "/identity/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": user["client_id"],
                "client_secret": user["client_secret"],
            },
        ).json()
        self.headers = {"Authorization": f"Bearer {answer['access_token']}"}

    def call(self, method: str, path: str, **kw: Any) -> Any:
        return self.http.request(method, path, headers=self.headers, **kw).json()

    def sync(self, leads: list[Mapping[str, Any]], action: str) -> None:
        for start in range(0, len(leads), 300):
            self.call("POST", "/rest/v1/leads.json", json={"action": action, "input": leads[start : start + 300]})

    def count_by_email(self, emails: Iterable[str]) -> dict[str, int]:
        self.login()
        wanted = list(emails)
        counts = dict.fromkeys(wanted, 0)
        for start in range(0, len(wanted), AUDIT_BATCH):
            chunk = ",".join(wanted[start : start + AUDIT_BATCH])
            page = self.call(
                "POST",
                "/rest/v1/leads.json",
                params={"_method": "GET"},
                data={"filterType": "email", "filterValues": chunk, "fields": "email"},
            )
            for lead in page.get("result") or ():
                if lead.get("email") in counts:
                    counts[lead["email"]] += 1
        return counts

    def close(self) -> None:
        self.http.close()


class _ClockPump:
    """Moves the virtual clock `speed` times faster than real time (bulk jobs take virtual minutes)."""

    def __init__(self, target: Target, speed: float) -> None:
        self.target, self.speed = target, speed
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True, name="mkto-conformance-clock")

    def _run(self) -> None:
        tick = 0.1
        while not self.stopped.wait(tick):
            self.target.admin("POST", "/clock", {"advance": tick * (self.speed - 1)})

    def __enter__(self) -> _ClockPump:
        if self.speed > 1:
            self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stopped.set()
        if self.thread.is_alive():
            self.thread.join()


def _fill_dates(value: Any, now: dt.datetime) -> Any:
    if isinstance(value, str):
        return value.replace("$DAY_BEFORE", (now - dt.timedelta(days=1)).isoformat()).replace(
            "$DAY_AFTER", (now + dt.timedelta(days=1)).isoformat()
        )
    if isinstance(value, Mapping):
        return {k: _fill_dates(v, now) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_fill_dates(v, now) for v in value]
    return value


def _last_log_id(target: Target) -> int:
    entries = target.admin("GET", "/requests?limit=1")["requests"]
    return int(entries[0]["id"]) if entries else 0


def _client_calls(target: Target, since: int, client_id: str) -> tuple[dict[str, Any], ...]:
    entries = target.admin("GET", "/requests?limit=1000")["requests"]
    mine = [e for e in entries if e["id"] > since and e["user"] in (client_id, None)]
    return tuple(sorted(mine, key=lambda e: e["id"]))


class _Run:
    """One scenario on a fresh state."""

    def __init__(self, target: Target, adapter: Adapter, scenario: Scenario) -> None:
        self.target, self.adapter, self.scenario = target, adapter, scenario
        self.background: list[threading.Thread] = []  # slow neighbours, the token watcher
        self.ended = threading.Event()  # the workload is over: background work stops
        self.session: Session | None = None
        self.neighbour_callers: list[_Caller] = []

    def fresh_state(self) -> None:
        self.target.admin("POST", "/reset")
        self.target.admin("POST", "/clock", {"reset": True})
        self.target.admin("PUT", "/limits", {**self.initial_limits, **UNLIMITED})
        self.user = self.target.admin("POST", "/users", {"email": f"{self.scenario.id}@conformance.test"})
        self.auditor = _Caller(self.target, self.target.admin("POST", "/users", {"email": "auditor@conformance.test"}))
        self.neighbour_user = self.target.admin("POST", "/users", {"email": "neighbour@conformance.test"})

    def step(self, step: Any, results: list[OpResult], deadline: float) -> None:
        if isinstance(step, Admin):
            self.target.admin(step.method, step.path, step.body)
        elif isinstance(step, Script):
            self.script(self.user["client_id"], step)
        elif isinstance(step, Seed):
            self.auditor.sync(list(step.leads), step.action)
        elif isinstance(step, Neighbours):
            self.neighbours(step)
        elif isinstance(step, ShortToken):
            self.short_token(step)
        elif isinstance(step, Op):
            now = dt.datetime.fromisoformat(self.target.admin("GET", "/clock")["now"])
            op = Op(step.name, step.records, _fill_dates(step.options, now))
            if self.session is None:  # opened at the first operation, as a client is made when it is needed
                self.session = self.adapter.open(self.env, self.limits)
            results.append(self.session.run(op, timeout_s=max(1.0, deadline - time.monotonic())))

    def script(self, client_id: str, step: Script) -> int:
        body: dict[str, Any] = {"client_id": client_id, "steps": [dict(x) for x in step.steps]}
        if step.path:
            body["path"] = step.path
        if step.method:
            body["method"] = step.method
        return int(self.target.admin("POST", "/scenarios", body)["id"])

    def neighbours(self, step: Neighbours) -> None:
        if step.calls_per_window or step.daily_calls:
            self.target.admin(
                "PUT", "/neighbours", {"calls_per_window": step.calls_per_window, "daily_calls": step.daily_calls}
            )
        if not step.slow_calls:
            return
        neighbour = _Caller(self.target, self.neighbour_user)
        self.neighbour_callers.append(neighbour)
        held = {"answer": "pass", "times": step.slow_calls, "latency_ms": step.hold_ms}
        self.script(self.neighbour_user["client_id"], Script((held,), path=NEIGHBOUR_PATH))
        for _ in range(step.slow_calls):
            thread = threading.Thread(target=neighbour.call, args=("GET", NEIGHBOUR_PATH), daemon=True)
            thread.start()
            self.background.append(thread)
        for _ in range(100):  # until the emulator counts them in flight
            if self.target.admin("GET", "/usage")["in_flight"]["calls"] >= step.slow_calls:
                break
            time.sleep(0.02)

    def short_token(self, step: ShortToken) -> None:
        """Issue tokens of `seconds_left` until the client has fetched one, then restore the lifetime."""
        ttl = self.target.admin("GET", "/limits")["token_ttl"]
        self.target.admin("PUT", "/limits", {"token_ttl": step.seconds_left})
        since = _last_log_id(self.target)
        client_id = self.user["client_id"]

        def restore_after_first_token() -> None:
            while not self.ended.wait(0.01):
                entries = self.target.admin("GET", f"/requests?limit=20&user={client_id}")["requests"]
                if any(e["id"] > since and e["path"].startswith("/identity/") for e in entries):
                    break
            self.target.admin("PUT", "/limits", {"token_ttl": ttl})

        watcher = threading.Thread(target=restore_after_first_token, daemon=True, name="mkto-conformance-token")
        watcher.start()
        self.background.append(watcher)

    def go(self) -> Verdict:
        started = time.monotonic()
        self.initial_limits = self.target.admin("GET", "/limits")
        self.fresh_state()
        secret = self.user["client_secret"] if self.scenario.credentials == "valid" else "not-the-secret"
        self.env = {
            "MKTO_BASE_URL": self.target.base_url,
            "MKTO_CLIENT_ID": self.user["client_id"],
            "MKTO_CLIENT_SECRET": secret,
        }
        results: list[OpResult] = []
        deadline = started + self.scenario.timeout_s
        self.limits = {**self.initial_limits, **self.scenario.limits}
        first_op = next(i for i, s in enumerate(self.scenario.workload) if isinstance(s, Op | ShortToken))
        try:
            for step in self.scenario.workload[:first_op]:
                self.step(step, results, deadline)
            self.target.admin("PUT", "/limits", {**self.initial_limits, **self.scenario.limits})
            since = _last_log_id(self.target)
            recorder = self.script(self.user["client_id"], Script((RECORDER,)))
            with _ClockPump(self.target, self.scenario.clock_speed):
                for step in self.scenario.workload[first_op:]:
                    self.step(step, results, deadline)
        finally:
            self.ended.set()
            if self.session is not None:
                self.session.close()
            for thread in self.background:
                thread.join(timeout=30)
            for caller in self.neighbour_callers:
                caller.close()
        calls = _client_calls(self.target, since, self.user["client_id"])
        record = tuple(self.target.admin("GET", f"/scenarios/{recorder}")["calls"])
        usage = self.target.admin("GET", "/usage")
        self.target.admin("DELETE", "/faults")
        self.target.admin("DELETE", "/scenarios")
        self.target.admin("DELETE", "/neighbours")
        self.target.admin("PUT", "/limits", {**self.initial_limits, **UNLIMITED})
        stored = self.auditor.count_by_email(self.scenario.emails)
        self.auditor.close()
        self.target.admin("PUT", "/limits", self.initial_limits)
        evidence = Evidence(calls=calls, record=record, results=tuple(results), stored=stored, usage=usage)
        return _verdict(self.scenario, evidence, time.monotonic() - started)


def _verdict(scenario: Scenario, ev: Evidence, seconds: float) -> Verdict:
    checks = tuple((type(c).__name__, *c.evaluate(ev)) for c in scenario.checks)
    failed = [line for _, ok, line in checks if not ok]
    timed_out = [r for r in ev.results if r.error and r.error.get("kind") == "timeout"]
    if timed_out:
        failed.insert(0, f"timed out after {scenario.timeout_s:.0f} s")
    passed = not failed
    summary = "; ".join(failed) if failed else "; ".join(line for _, _, line in checks)
    return Verdict(scenario, passed, summary, checks, seconds, len(ev.calls))


def run(target: Target, adapter: Adapter, scenarios: Iterable[Scenario]) -> Iterator[Verdict]:
    """Each scenario in turn, on a fresh instance of the target's server (or the target reset)."""
    for scenario in scenarios:
        with target.fresh_instance() as scoped:
            verdict = _Run(scoped, adapter, scenario).go()
        yield verdict
