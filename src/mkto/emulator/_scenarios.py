"""Scripted scenarios: a sequence of answers for the calls of one API user (or of everyone), and the record
of what those calls actually sent.

    {"client_id": "...", "steps": [{"answer": "pass"}, {"answer": "601"}, {"answer": "pass", "times": 3}]}
    {"path": "/identity/oauth/token", "steps": [{"answer": "http:502"}]}

A scenario sees a REST call before its token is checked (so it can record that the call had no token, or an
expired one) and after the call's path and method are known. Each matching call is recorded; the oldest
scenario with steps left takes it and consumes one of its step's `times`. A step is a fault plan's answer
(`_faults.parse_plan` checks it and `Responder._fault_answer` builds it), or `pass`: the real answer. A call
a step takes is answered by that step alone: fault plans never see it. Once its steps are spent a scenario
takes no call but keeps recording the calls it matches (so a test can see a client did not retry), until it
is deleted.
"""

from __future__ import annotations

import collections
import dataclasses
import fnmatch
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ._documents import DocumentBook
from ._faults import FaultPlan, parse_plan

if TYPE_CHECKING:
    from ._state import SharedState

PASS = "pass"
CALLS_KEPT = 1000  # a scenario keeps the record of its last CALLS_KEPT calls
_STEP_FIELDS = frozenset({"answer", "times", "after_commit", "latency_ms", "args", "variant"})
_SCENARIO_FIELDS = frozenset({"client_id", "method", "path", "steps"})


@dataclasses.dataclass(slots=True)
class Step:
    answer: str  # "pass", a catalogue code, "http:NNN"
    times: int
    plan: FaultPlan  # what the gates carry out: its code (None for pass), latency_ms, after_commit, args, variant
    left: int

    def as_dict(self) -> dict[str, Any]:
        plan = self.plan
        return {
            "answer": self.answer,
            "times": self.times,
            "left": self.left,
            "after_commit": plan.after_commit,
            "latency_ms": plan.latency_ms,
            "args": list(plan.args),
            "variant": plan.variant,
        }


@dataclasses.dataclass(slots=True)
class Scenario:
    id: int
    client_id: str | None
    method: str | None
    path: str | None  # fnmatch glob; None: every REST path (never the identity endpoint)
    steps: list[Step]
    calls: collections.deque[dict[str, Any]] = dataclasses.field(
        default_factory=lambda: collections.deque(maxlen=CALLS_KEPT)
    )
    current: int = 0  # index of the step the next call consumes
    recorded: int = 0  # calls recorded so far (each record's "_n")

    @property
    def steps_left(self) -> int:
        return len(self.steps) - self.current

    def matches(self, method: str, path: str, client_id: str | None, *, targeted_only: bool) -> bool:
        if targeted_only and self.path is None:
            return False
        if self.client_id is not None and self.client_id != client_id:
            return False
        if self.method is not None and self.method != method:
            return False
        return self.path is None or fnmatch.fnmatchcase(path, self.path)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "client_id": self.client_id,
            "method": self.method,
            "path": self.path,
            "steps_left": self.steps_left,
            "steps": [s.as_dict() for s in self.steps],
            "calls": [{k: v for k, v in c.items() if k != "_n"} for c in self.calls],
        }

    def to_doc(self) -> dict[str, Any]:
        """Everything, as JSON a shared state backend keeps (`from_doc` reads it back)."""
        return {
            "id": self.id,
            "client_id": self.client_id,
            "method": self.method,
            "path": self.path,
            "current": self.current,
            "recorded": self.recorded,
            "steps": [{"answer": s.answer, "times": s.times, "left": s.left, "plan": s.plan.as_dict()} for s in self.steps],
            "calls": list(self.calls),
        }

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> Scenario:
        steps = [Step(s["answer"], s["times"], FaultPlan.from_dict(s["plan"]), s["left"]) for s in doc["steps"]]
        return cls(
            id=doc["id"],
            client_id=doc["client_id"],
            method=doc["method"],
            path=doc["path"],
            steps=steps,
            calls=collections.deque(doc["calls"], maxlen=CALLS_KEPT),
            current=doc["current"],
            recorded=doc["recorded"],
        )


def _step(index: int, raw: Any) -> Step:
    where = f"steps[{index}]"
    if not isinstance(raw, dict):
        raise ValueError(f"{where} must be an object")
    unknown = set(raw) - _STEP_FIELDS
    if unknown:
        raise ValueError(f"{where}: unknown field(s): {', '.join(sorted(unknown))}")
    answer = raw.get("answer")
    if not isinstance(answer, str | int) or isinstance(answer, bool) or not str(answer):
        raise ValueError(f'{where}.answer must be "pass", a catalogue code or "http:NNN"')
    answer = str(answer)
    times = raw.get("times", 1)
    plan_body = {k: v for k, v in raw.items() if k != "answer"}
    if answer == PASS:
        if raw.get("after_commit"):
            raise ValueError(f"{where}.after_commit needs an answer to give after the commit, not pass")
        plan_body.pop("after_commit", None)
    else:
        plan_body["code"] = answer
    try:
        plan = parse_plan(0, plan_body, may_be_empty=True)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
    plan.times = None  # the scenario counts its steps itself
    return Step(answer, int(times), plan, int(times))


def parse_scenario(scenario_id: int, body: Mapping[str, Any]) -> Scenario:
    """A scenario from its admin JSON; ValueError names the field that is wrong."""
    unknown = set(body) - _SCENARIO_FIELDS
    if unknown:
        raise ValueError(f"unknown scenario field(s): {', '.join(sorted(unknown))}")
    for name in ("client_id", "method", "path"):
        value = body.get(name)
        if value is not None and (not isinstance(value, str) or not value):
            raise ValueError(f"{name} must be a non-empty string")
    steps = body.get("steps")
    if not isinstance(steps, list) or not steps:
        raise ValueError("steps must be a non-empty list of steps")
    method = body.get("method")
    return Scenario(
        id=scenario_id,
        client_id=body.get("client_id"),
        method=method.upper() if method else None,
        path=body.get("path"),
        steps=[_step(i, raw) for i, raw in enumerate(steps)],
    )


@dataclasses.dataclass(slots=True)
class Taken:
    """What the scenarios decided for one call: the plan of the step that takes it (None: no step takes it,
    the call goes on through the gates and the fault plans) and the call's records, whose `answered` the
    request log fills in once the call is answered."""

    plan: FaultPlan | None
    records: list[dict[str, Any]]
    scenario: int | None = None  # the id of the scenario whose step takes it
    book: ScenarioBook | None = None  # shared state: the book to write the answers back to
    keys: list[tuple[int, int]] = dataclasses.field(default_factory=list)  # (scenario id, record "_n")


class ScenarioBook(DocumentBook):
    """The armed scenarios. `active` is the one attribute the pipeline reads when none is armed.

    With a shared state backend the scenarios are one document there (`DocumentBook`), so a step's `times`
    count down across all workers; `follow` refreshes `active` when another worker changed them.
    """

    DOCUMENT = "scenarios"

    def __init__(self, shared: SharedState | None = None) -> None:
        super().__init__(shared)
        self._scenarios: dict[int, Scenario] = {}
        self.active = False

    def _load(self, doc: Mapping[str, Any]) -> None:
        self._scenarios = {d["id"]: Scenario.from_doc(d) for d in doc.get("scenarios", [])}
        self._next_id = int(doc.get("next_id", 1))
        self.active = bool(self._scenarios)

    def _dump(self, doc: dict[str, Any]) -> None:
        doc["scenarios"] = [s.to_doc() for s in self._scenarios.values()]

    def add(self, body: Mapping[str, Any]) -> Scenario:
        with self._held():
            scenario = parse_scenario(self._next_id, body)
            self._scenarios[scenario.id] = scenario
            self._next_id += 1
            self.active = True
            return scenario

    def get(self, scenario_id: int) -> dict[str, Any] | None:
        with self._held():
            scenario = self._scenarios.get(scenario_id)
            return scenario.as_dict() if scenario is not None else None

    def list(self) -> list[dict[str, Any]]:
        with self._held():
            return [s.as_dict() for s in self._scenarios.values()]

    def remove(self, scenario_id: int) -> bool:
        with self._held():
            gone = self._scenarios.pop(scenario_id, None) is not None
            self.active = bool(self._scenarios)
            return gone

    def clear(self) -> None:
        with self._held():
            self._scenarios.clear()
            self.active = False

    def take(
        self,
        *,
        time: str,
        method: str,
        path: str,
        client_id: str | None,
        had_token: bool | None,
        token_valid: bool | None,
        targeted_only: bool = False,
    ) -> Taken | None:
        """Record the call in every scenario it matches; the oldest one with steps left takes it. None when
        no scenario matches (`targeted_only`: only scenarios with a path glob, as for the identity endpoint)."""
        with self._held():
            taken: Taken | None = None
            for scenario in self._scenarios.values():
                if not scenario.matches(method, path, client_id, targeted_only=targeted_only):
                    continue
                taken = taken or Taken(None, [], book=self if self._shared is not None else None)
                step_index: int | None = None
                if taken.plan is None and scenario.steps_left:
                    step_index = scenario.current
                    step = scenario.steps[step_index]
                    step.left -= 1
                    if step.left == 0:
                        scenario.current += 1
                    taken.plan = step.plan
                    taken.scenario = scenario.id
                scenario.recorded += 1
                record = {
                    "time": time,
                    "method": method,
                    "path": path,
                    "had_token": had_token,
                    "token_valid": token_valid,
                    "answered": None,
                    "step": step_index,
                    "_n": scenario.recorded,
                }
                scenario.calls.append(record)
                taken.records.append(record)
                taken.keys.append((scenario.id, scenario.recorded))
            return taken

    def write_answers(self, keys: Sequence[tuple[int, int]], value: str) -> None:
        """Shared state: fill in `answered` of the records `keys` name in the document."""
        with self._held():
            for scenario_id, n in keys:
                scenario = self._scenarios.get(scenario_id)
                for record in reversed(scenario.calls if scenario is not None else ()):
                    if record.get("_n") == n:
                        record["answered"] = value
                        break


def answered(taken: Taken, code: str | None, status: int) -> None:
    """Fill in what the recorded call got: the Marketo code, `http:NNN` for a gateway page, else the status."""
    value = code if code is not None else str(status)
    for record in taken.records:
        record["answered"] = value
    if taken.book is not None:
        taken.book.write_answers(taken.keys, value)


__all__ = ["CALLS_KEPT", "PASS", "Scenario", "ScenarioBook", "Step", "Taken", "answered", "parse_scenario"]
