"""The checks a scenario makes, each read from the emulator's own records.

A log entry (`GET /_mkto/requests`) says what the client sent and what it was answered: `method`, `path`,
`code` (None on success), `status`, `fault` (`scenario:ID` for a scripted answer) and `user` (None when the call
carried no token the emulator issued, or was answered by a script before its token was read).
Where a check looks at what the client reported, it compares that with what the emulator answered or holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from ._spec import Evidence

IDENTITY = "/identity/*"


def _rest(entry: Mapping[str, Any]) -> bool:
    return not fnmatchcase(str(entry["path"]), IDENTITY)


def _answered(ev: Evidence, code: str, path: str = "*") -> list[Mapping[str, Any]]:
    """The calls answered `code`: a Marketo code, or an HTTP status answered without one (413, 414, 401)."""
    return [
        e
        for e in ev.calls
        if (e["code"] in (code, f"http:{code}") or (e["code"] is None and str(e["status"]) == code))
        and fnmatchcase(str(e["path"]), path)
    ]


def _codes_seen(ev: Evidence) -> str:
    counts: dict[str, int] = {}
    for entry in ev.calls:
        key = str(entry["code"] or entry["status"])
        counts[key] = counts.get(key, 0) + 1
    return ", ".join(f"{n}x{code}" for code, n in counts.items()) or "no calls"


@dataclass(frozen=True, slots=True)
class Succeeds:
    """Every operation returned without an error."""

    def evaluate(self, ev: Evidence) -> tuple[bool, str]:
        for result in ev.results:
            if result.error is not None:
                err = result.error
                return (
                    False,
                    f"{result.op.name} raised {err.get('kind') or ''} {err.get('code')}: {err.get('message')}"[:200],
                )
        return True, f"{len(ev.results)} operation(s) returned"


@dataclass(frozen=True, slots=True)
class Raises:
    """The last operation raised `code` after the emulator answered it `at_most` times (no retry loop)."""

    code: str
    at_most: int = 1

    def evaluate(self, ev: Evidence) -> tuple[bool, str]:
        answered = len(_answered(ev, self.code))
        if answered == 0:
            return False, f"the emulator never answered {self.code} ({_codes_seen(ev)})"
        if answered > self.at_most:
            return False, f"{self.code} answered {answered} times: retried a call that cannot succeed"
        error = ev.results[-1].error if ev.results else None
        if error is None:
            return False, f"{self.code} answered, but the client returned as if it had succeeded"
        if str(error.get("code")) != self.code:
            return False, f"{self.code} answered, the client raised {error.get('kind') or ''} {error.get('code')!r}"
        return True, f"{self.code} answered {answered}x and raised to the caller"


@dataclass(frozen=True, slots=True)
class Answered:
    """The emulator answered `code` (on `path`) between `at_least` and `at_most` times."""

    code: str
    at_most: int | None = None
    at_least: int = 0
    path: str = "*"

    def evaluate(self, ev: Evidence) -> tuple[bool, str]:
        n = len(_answered(ev, self.code, self.path))
        if n < self.at_least:
            return (
                False,
                f"{self.code} answered {n}x, expected the situation at least {self.at_least}x ({_codes_seen(ev)})",
            )
        if self.at_most is not None and n > self.at_most:
            return False, f"{self.code} answered {n}x (at most {self.at_most} expected; {_codes_seen(ev)})"
        return True, f"{self.code} answered {n}x"


@dataclass(frozen=True, slots=True)
class TokenOnEveryCall:
    """Every REST call carried a live token: none without one (in the request log a call of no user that the
    token gate refused 601, not a scripted answer: a retry that lost its token), none with a dead one (`token_valid: false` in the scenario record),
    apart from `allowed` calls whose token the emulator expired under the client."""

    allowed: int = 0

    def evaluate(self, ev: Evidence) -> tuple[bool, str]:
        bare = [e for e in ev.calls if _rest(e) and e["user"] is None and e["code"] == "601" and not e["fault"]]
        if bare:
            return False, f"{len(bare)} call(s) sent without a token (answered 601)"
        dead = [c for c in ev.record if c.get("had_token") and c.get("token_valid") is False]
        if len(dead) > self.allowed:
            return False, f"{len(dead)} call(s) sent with a dead token (answered {dead[0].get('answered')})"
        return True, "every call carried a live token"


@dataclass(frozen=True, slots=True)
class NewTokenAfter:
    """After each call answered `code`, the client asked the identity endpoint for a token before its next
    REST call (a revoked or expired token is not cured by sending it again). A client that never met the
    code (one that fetches a token per process never holds one that expires) passes, saying so."""

    code: str

    def evaluate(self, ev: Evidence) -> tuple[bool, str]:
        calls = list(ev.calls)
        hits = [i for i, e in enumerate(calls) if e["code"] == self.code and _rest(e)]
        if not hits:
            return True, f"{self.code} never answered: the client never sent a stale token"
        for i in hits:
            after = calls[i + 1 :]
            nxt = next((e for e in after if _rest(e)), None)
            asked = next((j for j, e in enumerate(after) if not _rest(e)), None)
            rest_at = next((j for j, e in enumerate(after) if _rest(e)), None)
            if nxt is not None and (asked is None or (rest_at is not None and rest_at < asked)):
                return False, f"after {self.code} the client resent the same token ({_codes_seen(ev)})"
        return True, f"a new token was fetched after each {self.code}"


@dataclass(frozen=True, slots=True)
class CallsAtMost:
    """At most `n` REST calls (retries bounded)."""

    n: int

    def evaluate(self, ev: Evidence) -> tuple[bool, str]:
        made = sum(1 for e in ev.calls if _rest(e))
        if made > self.n:
            return False, f"{made} REST calls, at most {self.n} expected ({_codes_seen(ev)})"
        return True, f"{made} REST call(s)"


@dataclass(frozen=True, slots=True)
class StoredOnce:
    """Each of these emails is stored exactly once (none duplicated, none lost); all the workload's emails
    when `emails` is empty."""

    emails: tuple[str, ...] = ()

    def evaluate(self, ev: Evidence) -> tuple[bool, str]:
        wanted = self.emails or tuple(ev.stored)
        twice = [e for e in wanted if ev.stored.get(e, 0) > 1]
        lost = [e for e in wanted if ev.stored.get(e, 0) == 0]
        if twice:
            return False, f"{len(twice)} record(s) written twice (e.g. {twice[0]})"
        if lost:
            reported = any(r.error is not None for r in ev.results)
            how = "reported as an error" if reported else "silently"
            return False, f"{len(lost)} of {len(wanted)} record(s) not written, {how} (e.g. {lost[0]})"
        return True, f"{len(wanted)} record(s) stored once each"


@dataclass(frozen=True, slots=True)
class PerRecord:
    """Operation `op` reported, per input record, the reason codes the emulator answered: `expected` maps an
    input index to its code (None: written)."""

    op: int
    expected: Mapping[int, str | None]

    def evaluate(self, ev: Evidence) -> tuple[bool, str]:
        if self.op >= len(ev.results):
            return False, "the operation did not run"
        result = ev.results[self.op]
        if result.error is not None:
            return False, f"raised {result.error.get('code')} instead of reporting per record"
        by_index = {int(item.get("index", i)): item for i, item in enumerate(result.items)}
        for index, code in self.expected.items():
            item = by_index.get(index)
            if item is None:
                return False, f"no outcome reported for record {index}"
            codes = [str(r.get("code")) for r in item.get("reasons") or ()]
            if code is None and (codes or item.get("status") == "skipped"):
                return False, f"record {index} reported {item.get('status')} {codes}, it was written"
            if code is not None and code not in codes:
                return False, f"record {index} reported {item.get('status')} {codes}, the emulator answered {code}"
        shown = ", ".join(f"{i}:{c or 'ok'}" for i, c in self.expected.items())
        return True, f"per record as answered ({shown})"


@dataclass(frozen=True, slots=True)
class Returned:
    """Operation `op` returned `count` items (`count` None: all the leads the workload seeded and asked for)."""

    op: int
    count: int

    def evaluate(self, ev: Evidence) -> tuple[bool, str]:
        if self.op >= len(ev.results):
            return False, "the operation did not run"
        result = ev.results[self.op]
        if result.error is not None:
            return False, f"raised {result.error.get('code')}: {result.error.get('message')}"[:200]
        if len(result.items) != self.count:
            return False, f"returned {len(result.items)} item(s), the emulator holds {self.count}"
        return True, f"returned {self.count} item(s)"


@dataclass(frozen=True, slots=True)
class ResetTimeGiven:
    """The error raised for a spent quota says when it resets: the emulator's own reset time (`/_mkto/usage`)."""

    def evaluate(self, ev: Evidence) -> tuple[bool, str]:
        error = ev.results[-1].error if ev.results else None
        if error is None:
            return False, "no error was raised"
        given = error.get("resets_at")
        if not given:
            return False, "the error does not say when the quota resets"
        truth = str(ev.usage.get("daily", {}).get("resets_at", ""))
        try:
            same = dt.datetime.fromisoformat(str(given)) == dt.datetime.fromisoformat(truth)
        except ValueError:
            same = False
        if not same:
            return False, f"resets_at {given}, the emulator resets at {truth}"
        return True, f"resets_at {given}"


def all_pass(results: Sequence[tuple[bool, str]]) -> bool:
    return all(ok for ok, _ in results)
