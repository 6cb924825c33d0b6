"""Fault plans: answers the admin API tells the emulator to give instead of (or after) the real one.

    {"code": "606", "times": 2}                       # the next two calls get 606
    {"code": "http:502", "path": "/rest/v1/leads*"}   # a gateway page, as nginx would send it
    {"latency_ms": 2000}                              # only delays (without blocking the server)
    {"code": "604", "after_commit": true}             # the call runs and commits; its answer is lost
    {"truncate_after_bytes": 50000}                   # the answer is cut there and the connection dropped
    {"code": "701", "args": ["name"]}                 # "name cannot be blank": values for the placeholders
    {"code": "1029", "variant": "export_quota", "args": [500]}   # a named message variant of the code
"""

from __future__ import annotations

import dataclasses
import fnmatch
import random
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from mkto import errors
from mkto.errors.limits import BULK_QUEUE_SIZE, MAX_MERGE_IDS

from ._documents import DocumentBook
from ._limits import Limits

if TYPE_CHECKING:
    from ._state import SharedState


@dataclasses.dataclass(slots=True)
class FaultPlan:
    id: int
    code: str | None = None  # "611", "http:502"; None: latency only
    times: int | None = None  # None: unlimited
    probability: float = 1.0
    method: str | None = None
    path: str | None = None  # fnmatch glob over the request path
    latency_ms: int = 0
    after_commit: bool = False
    args: tuple[str, ...] = ()  # values for the message's %s placeholders (605/606/615 fill their own)
    variant: str | None = None  # a named message variant of the code (1029 "export_quota", ...)
    truncate_after_bytes: int | None = None  # send this much of the real answer's body, then drop the connection
    fired: int = 0

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @property
    def http_status(self) -> int | None:
        return int(self.code[5:]) if self.code and self.code.startswith("http:") else None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FaultPlan:
        """The plan `as_dict` wrote (kept as JSON in a shared state backend)."""
        return cls(**{**data, "args": tuple(data.get("args", ()))})


def parse_plan(plan_id: int, body: Mapping[str, Any], *, may_be_empty: bool = False) -> FaultPlan:
    """A plan from its admin JSON; ValueError says what is wrong. `may_be_empty`: a plan that changes nothing
    is fine (a scenario's `pass` step)."""
    known = {
        "code", "times", "probability", "method", "path", "latency_ms", "after_commit", "args", "variant",
        "truncate_after_bytes",
    }  # fmt: skip
    unknown = set(body) - known
    if unknown:
        raise ValueError(f"unknown fault field(s): {', '.join(sorted(unknown))}")
    code = body.get("code")
    if code is not None:
        code = str(code)
        if code.startswith("http:"):
            status = code[5:]
            if not (status.isdigit() and 400 <= int(status) <= 599):
                raise ValueError("http:NNN needs a 4xx or 5xx status")
        elif errors.lookup(code) is None:
            raise ValueError(f"{code} is not a code in the catalogue")
    times = body.get("times")
    if times is not None and (not isinstance(times, int) or isinstance(times, bool) or times < 1):
        raise ValueError("times must be a positive integer")
    probability = body.get("probability", 1.0)
    if not isinstance(probability, int | float) or isinstance(probability, bool) or not 0 <= probability <= 1:
        raise ValueError("probability must be between 0 and 1")
    latency = body.get("latency_ms", 0)
    if not isinstance(latency, int | float) or isinstance(latency, bool) or latency < 0:
        raise ValueError("latency_ms must be a non-negative number")
    truncate = body.get("truncate_after_bytes")
    if truncate is not None:
        if not isinstance(truncate, int) or isinstance(truncate, bool) or truncate < 0:
            raise ValueError("truncate_after_bytes must be a non-negative integer")
        if code is not None:
            raise ValueError("truncate_after_bytes cuts the real answer: it takes no code")
    if code is None and not latency and truncate is None and not may_be_empty:
        raise ValueError("a fault needs a code, a latency_ms, a truncate_after_bytes, or a combination")
    args, variant = _message_parts(code, body)
    method = body.get("method")
    return FaultPlan(
        id=plan_id,
        code=code,
        times=times,
        probability=float(probability),
        method=str(method).upper() if method else None,
        path=str(body["path"]) if body.get("path") else None,
        latency_ms=int(latency),
        after_commit=bool(body.get("after_commit", False)),
        args=args,
        variant=variant,
        truncate_after_bytes=truncate,
    )


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _own_args(method: str, limits: Limits) -> dict[str, tuple[object, ...]]:
    """The placeholder values the emulator knows itself: the method, and the limits in force."""
    return {
        "605": (method,),
        "606": (limits.rate_calls, _number(limits.rate_seconds)),
        "615": (limits.concurrency,),
        "1016": (BULK_QUEUE_SIZE,),
        "1080": (MAX_MERGE_IDS,),
    }


SELF_FILLED = frozenset(_own_args("GET", Limits()))


def fault_message(
    code: str, method: str, limits: Limits, args: tuple[object, ...] = (), variant: str | None = None
) -> str:
    """The catalogue message for a code the pipeline or a fault plan answers, its placeholders filled."""
    return errors.get(code).format(*(args or _own_args(method, limits).get(code, ())), variant=variant)


def _message_parts(code: str | None, body: Mapping[str, Any]) -> tuple[tuple[str, ...], str | None]:
    """The plan's `args` and `variant`, checked against the catalogue message they fill."""
    raw_args, variant = body.get("args", []), body.get("variant")
    if not isinstance(raw_args, list) or not all(isinstance(a, str | int | float) for a in raw_args):
        raise ValueError("args must be a list of strings or numbers")
    if variant is not None and not isinstance(variant, str):
        raise ValueError("variant must be a string")
    if code is None or code.startswith("http:"):
        if raw_args or variant:
            raise ValueError("args and variant need a catalogue code")
        return (), None
    spec = errors.get(code)
    try:
        template = spec.variant(variant).message if variant else spec.message
    except KeyError:
        names = ", ".join(v.name for v in spec.variants) or "none"
        raise ValueError(f"{code} has no message variant {variant!r} (variants: {names})") from None
    wanted = template.count("%s")
    if code in SELF_FILLED and not variant and not raw_args:
        return (), None
    if len(raw_args) != wanted:
        raise ValueError(f"{code}'s message {template!r} needs {wanted} value(s) in args, got {len(raw_args)}")
    return tuple(str(a) for a in raw_args), variant


class FaultBook(DocumentBook):
    """The active plans. `draw` picks the first plan that matches and fires (times, probability).

    With a shared state backend the plans are one document there (`DocumentBook`), so a plan's `times` count
    down across all workers; the copy here only tells `draw` whether there is any plan to look at.
    """

    DOCUMENT = "faults"

    def __init__(self, rng: random.Random, shared: SharedState | None = None) -> None:
        super().__init__(shared)
        self._rng = rng
        self._plans: dict[int, FaultPlan] = {}

    def _load(self, doc: Mapping[str, Any]) -> None:
        self._plans = {p["id"]: FaultPlan.from_dict(p) for p in doc.get("plans", [])}
        self._next_id = int(doc.get("next_id", 1))

    def _dump(self, doc: dict[str, Any]) -> None:
        doc["plans"] = [p.as_dict() for p in self._plans.values()]

    def add(self, body: Mapping[str, Any]) -> FaultPlan:
        with self._held():
            plan = parse_plan(self._next_id, body)
            self._plans[plan.id] = plan
            self._next_id += 1
            return plan

    def list(self) -> list[FaultPlan]:
        with self._held():
            return list(self._plans.values())

    def remove(self, plan_id: int) -> bool:
        with self._held():
            return self._plans.pop(plan_id, None) is not None

    def clear(self) -> None:
        with self._held():
            self._plans.clear()

    def draw(self, method: str, path: str, *, targeted_only: bool = False) -> FaultPlan | None:
        """The plan that fires for this call, if any; `targeted_only` skips plans without a path glob."""
        if not self._plans:  # the common case: no plan armed, no lock taken
            return None
        with self._held():
            for plan in list(self._plans.values()):
                if targeted_only and plan.path is None:
                    continue
                if plan.method and plan.method != method:
                    continue
                if plan.path and not fnmatch.fnmatchcase(path, plan.path):
                    continue
                if plan.probability < 1 and self._rng.random() >= plan.probability:
                    continue
                plan.fired += 1
                if plan.times is not None:
                    plan.times -= 1
                    if plan.times <= 0:
                        del self._plans[plan.id]
                return dataclasses.replace(plan)
            return None
