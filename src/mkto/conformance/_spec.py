"""The record types of the suite: a scenario, the steps of its set-up and workload, and what a run leaves behind.

    Scenario(id="606-burst", title=..., codes=("606",), situation=..., limits={"rate_calls": 5},
             workload=(Op("sync_leads", records=...),), checks=(Answered("606", at_most=0),))

A scenario is data. The runner performs its `setup` and `workload` in order against a fresh state (a reset
emulator, an API user of the scenario's own), then evaluates every check on the `Evidence`: the calls the
emulator logged for that user, the data read back through the API by another user, and what the client
reported for each operation (compared with the emulator's truth, never taken on its word alone).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

# The operations of the protocol (docs/conformance.md): what a workload asks a client to do.
SYNC_LEADS = "sync_leads"  # records: leads; options: action, lookupField -> one result per record
GET_LEADS = "get_leads"  # records: {"filterValue": v}; options: filterType, fields -> the leads found
IMPORT_LEADS = "import_leads"  # records: CSV rows as objects -> the import's final status
EXTRACT_LEADS = "extract_leads"  # options: fields, filter -> the extract's rows
OPERATIONS = (SYNC_LEADS, GET_LEADS, IMPORT_LEADS, EXTRACT_LEADS)


@dataclass(frozen=True, slots=True)
class Op:
    """One operation the client under test performs."""

    name: str
    records: tuple[Mapping[str, Any], ...] = ()
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Admin:
    """One admin API call the runner makes (`path` under `/_mkto`), before or between operations."""

    method: str
    path: str
    body: Any = None


@dataclass(frozen=True, slots=True)
class Seed:
    """Leads the runner writes through the API, as another user, before the workload."""

    leads: tuple[Mapping[str, Any], ...]
    action: str = "createOrUpdate"


@dataclass(frozen=True, slots=True)
class Script:
    """Scripted answers for the next calls of the client's API user (`POST /_mkto/scenarios`, bound to its
    client id): each matching call takes the next step (`{"answer": "606" | "http:502" | "pass", "times",
    "after_commit", "latency_ms", "args", "variant"}`); once they are spent, calls get their real answers."""

    steps: tuple[Mapping[str, Any], ...]
    path: str | None = None
    method: str | None = None


@dataclass(frozen=True, slots=True)
class Neighbours:
    """Other integrations on the same instance (`PUT /_mkto/neighbours`): a steady share of every rate window
    and of today's calls. With `slow_calls`, instead, that many real calls of another API user, each held
    `hold_ms` by the emulator, occupy concurrency slots until they finish, as slow calls of a second
    integration do."""

    calls_per_window: int = 0
    daily_calls: int = 0
    slow_calls: int = 0
    hold_ms: int = 0


@dataclass(frozen=True, slots=True)
class ShortToken:
    """The next token the client is handed has `seconds_left` to live, as Marketo hands back the current token
    near the end of its hour; tokens after it get the instance's full lifetime again."""

    seconds_left: int


Step = Admin | Script | Seed | Neighbours | ShortToken | Op


@dataclass(frozen=True, slots=True)
class OpResult:
    """What the client reported for one operation: the items it returned, or the error it raised.

    `error` holds `code` (the Marketo code as a string, or None when the failure had none), `message`, and
    optionally `kind` (the exception's type) and `resets_at` (ISO 8601, for a spent quota)."""

    op: Op
    items: tuple[Mapping[str, Any], ...] = ()
    error: Mapping[str, Any] | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a run left behind. `calls` are the emulator's log entries of the client under test, oldest first
    (its own API user's calls, and the calls it sent with no token or one the emulator never issued);
    `record` is the scenario record (`GET /_mkto/scenarios/{id}`) of its REST calls from the first operation on:
    `had_token`, `token_valid`, `answered`;
    `stored` counts the leads per email read back after the run; `usage` is `GET /_mkto/usage` at the end."""

    calls: tuple[Mapping[str, Any], ...]
    record: tuple[Mapping[str, Any], ...]
    results: tuple[OpResult, ...]
    stored: Mapping[str, int]
    usage: Mapping[str, Any]


class Check(Protocol):
    """One verdict on the evidence: (passed, one line saying what was seen)."""

    def evaluate(self, ev: Evidence) -> tuple[bool, str]: ...


@dataclass(frozen=True, slots=True)
class Scenario:
    """A production situation, how to set it up on the emulator, the workload, and the checks."""

    id: str
    title: str
    codes: tuple[str, ...]
    situation: str
    workload: tuple[Step, ...]
    checks: tuple[Check, ...]
    limits: Mapping[str, int] = field(default_factory=dict)
    credentials: str = "valid"  # "wrong-secret": the client is given a secret the instance refuses
    clock_speed: float = 1.0  # >1: the runner moves the virtual clock that much faster while the workload runs
    timeout_s: float = 60.0

    @property
    def emails(self) -> tuple[str, ...]:
        """Every email the workload writes or seeds, in order: the data read back after the run."""
        seen: dict[str, None] = {}
        for step in self.workload:
            if isinstance(step, Seed):
                records = step.leads
            elif isinstance(step, Op) and step.name in (SYNC_LEADS, IMPORT_LEADS):
                records = step.records
            else:
                continue
            seen.update((str(r["email"]), None) for r in records if "email" in r)
        return tuple(seen)
