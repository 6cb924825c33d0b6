"""The suite: one scenario per production situation a caller must handle (data only, like the catalogue).

    from mkto.conformance import SCENARIOS
    SCENARIOS["606-neighbour"].situation

Codes, messages and dispositions come from `mkto.errors`: a scripted step names a code (and a message variant)
and the emulator answers the catalogue's envelope; the transient scenarios are one per code whose disposition
is to back off. `$DAY_BEFORE` / `$DAY_AFTER` in an operation's options are filled by the runner with the
emulator's dates (an extract filter must name a date range).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mkto.errors import CATALOGUE, Disposition, Level, limits

from ._checks import (
    Answered,
    CallsAtMost,
    NewTokenAfter,
    PerRecord,
    Raises,
    ResetTimeGiven,
    Returned,
    StoredOnce,
    Succeeds,
    TokenOnEveryCall,
)
from ._spec import (
    EXTRACT_LEADS,
    GET_LEADS,
    IMPORT_LEADS,
    SYNC_LEADS,
    Admin,
    Neighbours,
    Op,
    Scenario,
    Script,
    Seed,
    ShortToken,
)

LEADS = "/rest/v1/leads.json"
EXPORT = "/bulk/v1/leads/export/*"
IMPORT = "/bulk/v1/leads.json"
TOKEN_TTL_S = 3600  # the emulator's default token lifetime (PUT /_mkto/limits token_ttl)


def _leads(tag: str, n: int, **fields: Any) -> tuple[dict[str, Any], ...]:
    return tuple({"email": f"{tag}-{i}@conformance.test", **fields} for i in range(n))


def _sync(records: tuple[Mapping[str, Any], ...], action: str = "createOrUpdate") -> Op:
    return Op(SYNC_LEADS, records, {"action": action, "lookupField": "email"})


def _script(answer: str, times: int, path: str, method: str | None = None, **more: Any) -> Script:
    """The client's next `times` calls to `path` answered `answer` (a code, `http:NNN`), then real answers."""
    return Script(({"answer": answer, "times": times, **more},), path=path, method=method)


def _on_sync(code: str, times: int, **more: Any) -> Script:
    return _script(code, times, LEADS, "POST", **more)


WRITTEN = (Succeeds(), TokenOnEveryCall(), StoredOnce())


def _transient(code: str) -> Scenario:
    shown = code.removeprefix("http:")
    html = code.startswith("http:")
    return Scenario(
        id=f"{'html-' if html else ''}{shown}-transient",
        title=f"{'an HTML ' if html else ''}{shown} once, then a normal answer",
        codes=(shown,),
        situation=(
            "a gateway answers an HTML error page instead of JSON for one call"
            if html
            else f"Marketo answers {shown} ({CATALOGUE[shown].message}) to one call and the next one works"
        ),
        workload=(_on_sync(code, 1), _sync(_leads(shown, 2))),
        checks=(*WRITTEN, Answered(shown, at_least=1, at_most=1), CallsAtMost(4)),
    )


def _caller_error(code: str) -> Scenario:
    return Scenario(
        id=f"{code}-caller-error",
        title=f"{code} answered to the call: raised at once",
        codes=(code,),
        situation=f"the call itself is wrong ({CATALOGUE[code].message}): sending it again cannot help",
        workload=(_on_sync(code, 3), _sync(_leads(code, 2))),
        checks=(Raises(code), CallsAtMost(1)),
    )


def _backoff_codes() -> tuple[str, ...]:
    """Response-level codes whose disposition is to back off, beyond the HTTP-level 500/502."""
    return tuple(
        code
        for code, spec in CATALOGUE.items()
        if spec.disposition is Disposition.BACKOFF and Level.RESPONSE in spec.levels and Level.HTTP not in spec.levels
    )


OLD = "old@conformance.test"
TWIN = "twin@conformance.test"
MIX_NEW = ("mix-new-0@conformance.test", "mix-new-1@conformance.test")
GUIDS = tuple(f"{i:08x}-0000-4000-8000-{i:012x}@conformance.test" for i in range(500))
BIG_NOTE = "x" * 5_000  # 300 of these make a 1.5 MB batch
EXTRACT = {
    "fields": ["email"],
    "format": "CSV",
    "filter": {"createdAt": {"startAt": "$DAY_BEFORE", "endAt": "$DAY_AFTER"}},
}

_LIST: list[Scenario] = [
    Scenario(
        id="601-revoked",
        title="token revoked mid-run",
        codes=("601",),
        situation="an admin resets the API user's token while a sync runs; the old token is refused",
        workload=(_sync(_leads("revoked", 2)), _on_sync("601", 1), _sync(_leads("revoked-b", 2))),
        checks=(*WRITTEN, NewTokenAfter("601"), Answered("601", at_most=1)),
    ),
    Scenario(
        id="602-expired",
        title="token expires mid-run",
        codes=("602",),
        situation="a long run outlives its token: the next call with it is answered 602",
        workload=(
            _sync(_leads("expired", 2)),
            Admin("POST", "/clock", {"advance": TOKEN_TTL_S + 1}),
            _sync(_leads("expired-b", 2)),
        ),
        checks=(
            Succeeds(),
            TokenOnEveryCall(allowed=1),
            StoredOnce(),
            NewTokenAfter("602"),
            Answered("602", at_most=1),
        ),
    ),
    Scenario(
        id="token-1s-left",
        title="a token handed back with 1 s left",
        codes=("602",),
        situation="Marketo hands back the current token with 1 s to live; a client that keeps it sends the next call dead",
        workload=(
            ShortToken(seconds_left=1),
            _sync(_leads("lastsecond", 2)),
            Admin("POST", "/clock", {"advance": 2}),
            _sync(_leads("lastsecond-b", 2)),
        ),
        checks=(*WRITTEN, Answered("602", at_most=0)),
    ),
    Scenario(
        id="606-neighbour",
        title="606 from a neighbour filling the window",
        codes=("606",),
        situation="other integrations on the instance use most of every rate window, unseen by the client's limiter",
        limits={"rate_calls": 6, "rate_seconds": 4},
        workload=(Neighbours(calls_per_window=4), *(_sync(_leads(f"neighbour{i}", 2)) for i in range(3))),
        checks=(*WRITTEN, Answered("606", at_least=1, at_most=2)),
    ),
    Scenario(
        id="606-own-burst",
        title="a burst of calls kept under the window",
        codes=("606",),
        situation="a loop of small syncs would exceed the calls allowed in the window if sent as fast as it can",
        limits={"rate_calls": 5, "rate_seconds": 3},
        workload=tuple(_sync(_leads(f"burst{i}", 1)) for i in range(12)),
        checks=(*WRITTEN, Answered("606", at_most=0)),
    ),
    Scenario(
        id="615-slow-neighbours",
        title="615 from slow calls holding the slots",
        codes=("615",),
        situation="slow calls of other integrations hold every concurrency slot when the sync starts",
        limits={"concurrency": 3},
        workload=(Neighbours(slow_calls=3, hold_ms=2_500), _sync(_leads("slots", 2))),
        checks=(*WRITTEN, Answered("615", at_least=1, at_most=8)),
    ),
    Scenario(
        id="607-quota",
        title="607 daily quota spent",
        codes=("607",),
        situation="the day's calls are used up (others used them); nothing works until midnight US Central",
        limits={"daily_quota": 2},
        workload=(Neighbours(daily_calls=2), _sync(_leads("quota", 1))),
        checks=(Raises("607"), ResetTimeGiven()),
    ),
    *(_transient(code) for code in _backoff_codes()),
    _transient("http:502"),
    Scenario(
        id="lost-idempotent",
        title="lost response after commit, idempotent write",
        codes=("502",),
        situation="createOrUpdate commits, then the gateway loses the answer (an HTML 502)",
        workload=(_on_sync("http:502", 1, after_commit=True), _sync(_leads("lost-upsert", 3))),
        checks=(*WRITTEN,),
    ),
    Scenario(
        id="lost-create-duplicate",
        title="lost response after commit, non-idempotent write",
        codes=("502",),
        situation="createDuplicate commits, then the answer is lost: a blind resend writes every lead twice",
        workload=(_on_sync("http:502", 1, after_commit=True), _sync(_leads("lost-dup", 3), "createDuplicate")),
        checks=(*WRITTEN,),
    ),
    Scenario(
        id="lost-create-only",
        title="lost response after commit, createOnly",
        codes=("502", "1005"),
        situation="createOnly commits, the answer is lost, and the resend is told 1005 for leads the lost call wrote",
        workload=(_on_sync("http:502", 1, after_commit=True), _sync(_leads("lost-create", 2), "createOnly")),
        checks=(*WRITTEN, PerRecord(0, {0: None, 1: None})),
    ),
    Scenario(
        id="413-batch",
        title="413 on a 1.5 MB batch",
        codes=("413",),
        situation="300 leads with long notes make a body over the 1 MB limit",
        workload=(_sync(_leads("big", limits.MAX_BATCH_RECORDS, mktoPersonNotes=BIG_NOTE)),),
        checks=(*WRITTEN, Answered("413", at_most=1)),
        timeout_s=90.0,
    ),
    Scenario(
        id="414-filter",
        title="414 on a 500-GUID filter",
        codes=("414",),
        situation="a lookup of 500 GUID-like values makes a query string far over 8 KB",
        workload=(
            Seed(tuple({"email": g} for g in GUIDS)),
            Op(GET_LEADS, tuple({"filterValue": g} for g in GUIDS), {"filterType": "email", "fields": ["email"]}),
        ),
        checks=(Succeeds(), TokenOnEveryCall(), Answered("414", at_most=1), Returned(0, len(GUIDS))),
    ),
    Scenario(
        id="1029-queue-full",
        title="1029 queue full on bulk extract: wait",
        codes=("1029",),
        situation="ten extract jobs of other integrations fill the queue when ours is enqueued",
        workload=(
            Seed(_leads("extract", 5)),
            _script("1029", 2, f"{EXPORT}/enqueue.json"),
            Op(EXTRACT_LEADS, (), EXTRACT),
        ),
        checks=(Succeeds(), TokenOnEveryCall(), Answered("1029", at_least=1), Returned(0, 5)),
        clock_speed=30.0,
    ),
    Scenario(
        id="1029-export-quota",
        title="1029 export quota on bulk extract: stop",
        codes=("1029",),
        situation="the day's 500 MB of export is spent; enqueueing again cannot succeed before midnight",
        workload=(
            Seed(_leads("quota-extract", 2)),
            _script("1029", 3, f"{EXPORT}/enqueue.json", variant="export_quota", args=[500]),
            Op(EXTRACT_LEADS, (), EXTRACT),
        ),
        checks=(Raises("1029"),),
        clock_speed=30.0,
    ),
    Scenario(
        id="1016-import",
        title="1016 too many imports: wait",
        codes=("1016",),
        situation="other integrations' imports fill the import queue when ours is sent",
        workload=(
            _script("1016", 2, IMPORT, "POST", args=[10]),
            Op(IMPORT_LEADS, _leads("imp", 3)),
        ),
        checks=(*WRITTEN, Answered("1016", at_least=1)),
        clock_speed=30.0,
    ),
    *(_caller_error(code) for code in ("609", "610", "612", "1003")),
    Scenario(
        id="record-mix",
        title="record-level reasons reported per record",
        codes=("1004", "1005", "1006", "1007"),
        situation="one batch mixes new leads, an existing one, an unknown field, an unknown lead and an ambiguous lookup",
        workload=(
            Seed(({"email": OLD},)),
            Seed(({"email": TWIN}, {"email": TWIN}), action="createDuplicate"),
            _sync(({"email": MIX_NEW[0]}, {"email": OLD}, {"email": MIX_NEW[1], "noSuchField": "x"}), "createOnly"),
            _sync(
                ({"email": "nobody@conformance.test"}, {"email": TWIN}, {"email": OLD, "firstName": "Ada"}),
                "updateOnly",
            ),
        ),
        checks=(
            PerRecord(0, {0: None, 1: "1005", 2: "1006"}),
            PerRecord(1, {0: "1004", 1: "1007", 2: None}),
            StoredOnce((MIX_NEW[0], OLD)),
        ),
    ),
    Scenario(
        id="702-empty",
        title="702 is an empty result",
        codes=("702",),
        situation="a search that finds nothing answers 702 on some endpoints: no data, not a failure",
        workload=(
            _script("702", 3, LEADS, "GET"),
            Op(GET_LEADS, ({"filterValue": "nobody@conformance.test"},), {"filterType": "email"}),
        ),
        checks=(Returned(0, 0), Answered("702", at_least=1, at_most=1)),
    ),
    Scenario(
        id="401-identity",
        title="identity 401 raised at once, never retried",
        codes=("401",),
        situation="the integration was deployed with a wrong client secret",
        credentials="wrong-secret",
        workload=(_sync(_leads("nocreds", 1)),),
        checks=(Raises("401"), CallsAtMost(0)),
    ),
]

SCENARIOS: dict[str, Scenario] = {s.id: s for s in _LIST}
